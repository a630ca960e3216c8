#!/usr/bin/env bash
# Memory of `hookline run` as the users grow (DESIGN.md §6: flat from 10k to 1M users).
#
# For each N in SIZES, against `hookline receive --quiet` on 127.0.0.1:
#   1. `hookline run bench --all` of N users, one JSON POST each: the journeys wait in the store
#      until they are admitted;
#   2. the same workflow with a delay before the POST, under --time-scale, so that every journey
#      is asleep at once before it sends.
# Each row is the max RSS (`/usr/bin/time -f %M`), the wall time and the stored check (N
# attempts, all 2xx, one per user).
#
# Usage:  Benchmarks/delivery/memory.sh                (defaults: SIZES="10000 100000")
# Knobs:  SIZES="10000 100000"  DELAY=20s  TIME_SCALE=2 (so the delay lasts DELAY / TIME_SCALE)
#         HOOKLINE=path (default .build/release/hookline, brought up to date)  KEEP=1
# It is a measurement: exit 0 once it ran, whatever the figures; non-zero when setup failed.
# Traffic goes only to 127.0.0.1; each run ends by itself once its N deliveries are made.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
SIZES="${SIZES:-10000 100000}"
DELAY="${DELAY:-20s}"
TIME_SCALE="${TIME_SCALE:-2}"
helper="$here/bench_workspace.py"

die() { printf 'memory: %s\n' "$*" >&2; exit 2; }
source "$here/common.sh"

command -v python3 >/dev/null || die "python3 is needed (sqlite3 module)"
HOOKLINE="$(hookline_binary)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/hookline-memory.XXXXXX")"
receiver_pid=""
cleanup() {
    [[ -n "$receiver_pid" ]] && kill -TERM "$receiver_pid" 2>/dev/null || true
    if [[ "${KEEP:-0}" == 1 ]]; then say "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

"$HOOKLINE" receive --port 0 --quiet >"$tmp/receiver.log" 2>&1 &
receiver_pid=$!
url="http://127.0.0.1:$(port_from "$tmp/receiver.log")/hook"

rows=()
for n in $SIZES; do
    for shape in straight delayed; do
        ws="$tmp/ws-$shape-$n"
        mkdir -p "$ws"
        if [[ "$shape" == delayed ]]; then
            python3 "$helper" files "$ws" "$url" "$here/webhook-body.hbs" "$DELAY"
            scale=(--time-scale "$TIME_SCALE")
        else
            python3 "$helper" files "$ws" "$url" "$here/webhook-body.hbs"
            scale=()
        fi
        : >"$tmp/no-users"
        "$HOOKLINE" run bench --users "$tmp/no-users" -C "$ws" >/dev/null 2>&1 || die "could not open the store of $ws"
        python3 "$helper" users "$ws" "$n" >/dev/null
        say "$shape, $n users"
        /usr/bin/time -f '%M %e' -o "$tmp/time" "$HOOKLINE" run bench --all "${scale[@]}" -C "$ws" >/dev/null 2>"$tmp/run.err" \
            || say "run exited non-zero: $(tail -1 "$tmp/run.err")"
        read -r kib seconds <"$tmp/time"
        check="$(python3 "$helper" check "$ws" "$n")"
        verdict="$(python3 -c "import json,sys; c=json.loads(sys.argv[1]); print(('ok' if c['pass'] else 'MISMATCH') + f\" {c['attempts']}/{c['expected']} 2xx={c['ok2xx']}\")" "$check")"
        rows+=("$(printf '%-9s %9s %10s %9s  %s' "$shape" "$n" "$((kib / 1024)) MiB" "${seconds}s" "$verdict")")
        rm -rf "$ws"
    done
done

printf '\nhookline run --all, max RSS (delayed: %s delay at --time-scale %s), %s cores\n' "$DELAY" "$TIME_SCALE" "$(nproc)"
printf '%-9s %9s %10s %9s  %s\n' workflow users "max RSS" wall "stored attempts"
printf '%s\n' "${rows[@]}"
