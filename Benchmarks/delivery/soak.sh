#!/usr/bin/env bash
# delivery.md §9 row 50: a steady load through `hookline serve`, then a check that nothing was lost.
#
#   1. `hookline receive --verbose` is the mock receiver; `hookline serve` runs a workspace whose
#      one workflow posts a JSON body to it for every `signup` event.
#   2. soak.py posts RATE events/s to serve's /api/events/track for DURATION seconds (one user
#      each), sampling serve's resident memory every 10 s.
#   3. Once every delivery is settled it checks: one delivery per event, every delivery
#      succeeded, every webhook-id seen by the receiver (0 lost ids), p50/p99 from the event's
#      arrival to its first attempt, and the memory curve.
#
# Usage:  Benchmarks/delivery/soak.sh          (defaults: RATE=200 DURATION=600)
# Knobs:  RATE=200  DURATION=600  HOOKLINE=path (default .build/release/hookline, brought up
#         to date)  KEEP=1 (keep the temporary folder)
# Exit 0 when every check passed, 1 when one failed, 2 when it could not be set up.
# Traffic goes only to 127.0.0.1, and every loop is bounded by DURATION or a drain timeout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
RATE="${RATE:-200}"
DURATION="${DURATION:-600}"

die() { printf 'soak: %s\n' "$*" >&2; exit 2; }
source "$here/common.sh"

command -v python3 >/dev/null || die "python3 is needed"
HOOKLINE="$(hookline_binary)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/hookline-soak.XXXXXX")"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    if [[ "${KEEP:-0}" == 1 ]]; then say "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

"$HOOKLINE" receive --port 0 --verbose >"$tmp/receiver.log" 2>&1 &
pids+=($!)
receiver_port="$(port_from "$tmp/receiver.log")"

ws="$tmp/ws"
mkdir -p "$ws/webhooks" "$ws/workflows"
cat >"$ws/hookline.yaml" <<YAML
name: Soak
network: {allow: [127.0.0.1/32]}
YAML
cat >"$ws/webhooks/soak-hook.yaml" <<YAML
id: soak-hook
method: POST
url: "http://127.0.0.1:$receiver_port/soak"
body:
  type: json
  template: '{"email": "{{email}}", "n": {{n}}, "source": "{{source}}"}'
YAML
cat >"$ws/workflows/soak.yaml" <<YAML
id: soak
name: Soak
start: {kind: event, event: signup}
nodes:
  - id: call
    type: callWebhook
    webhook: soak-hook
    onError: exit
YAML

"$HOOKLINE" serve --port 0 --quiet -C "$ws" 2>"$tmp/serve.err" &
serve_pid=$!
pids+=("$serve_pid")
serve_port="$(port_from "$tmp/serve.err")"
say "receiver :$receiver_port, serve :$serve_port (pid $serve_pid), $RATE events/s for $DURATION s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

python3 "$here/soak.py" --url "http://127.0.0.1:$serve_port" --rate "$RATE" --duration "$DURATION" \
    --pid "$serve_pid" --store "$ws/.hookline/state.sqlite" --receiver-log "$tmp/receiver.log"
