#!/usr/bin/env bash
# Delivery throughput of `hookline run` compared with wrk, the machine's limit (DESIGN.md §9).
#
# Two targets on 127.0.0.1: nginx answering `return 204`, and `hookline receive`. For each:
#   1. `hookline run bench --all -C WS` delivers one JSON POST per user (N users) through the
#      real executor, outbox and SQLite attempt log; wall time gives deliveries/s. The stored
#      attempts are checked: exactly N, all 2xx, one per user.
#   2. `wrk -t1 -c64 -d10s -s post.lua` sends the same request (body and headers copied from a
#      stored attempt) to the same target.
# Then it prints our rate as a fraction of wrk's. Target: >= 0.30 against nginx.
#   3. For reference, the layers under `hookline run` against nginx (Benchmarks'
#      DeliveryTransport, release), N requests each, 64 in flight: AsyncHTTPClient configured as
#      spike.md §4 and StudioEngine's DeliveryClient (address policy, pinned connection,
#      deadline, capped body) send the same body; the Deliverer renders the template per user,
#      sends with its limiter and retry policy and stores every attempt in SQLite. The gap
#      between the rows is what each layer costs: the last one to `hookline run` is the
#      executor, journeys and outbox.
#
# Usage:  Benchmarks/delivery/compare-wrk.sh            (from the repository root, or anywhere)
# Knobs (environment):
#   N=20000         users, so deliveries per run
#   REPEAT=3        runs of `hookline run` per target (median and best are shown)
#   WRK_DURATION=10s
#   HOOKLINE=path   binary to measure (default: .build/release/hookline, brought up to date)
#   KEEP=1          keep the temporary folder (workspaces, nginx prefix, logs)
#   TARGETS="nginx receiver"
#   TRANSPORT=1     also measure the layers alone against nginx (0: skip; the first run
#                   builds the Benchmarks package in release, about 7 minutes here)
#   TEMPLATE=file   JSON body template (default: webhook-body.hbs here, the shape of
#                   /work/shared/bench/webhook-body.hbs, filled from each user's profile)
# It is a measurement, not a test: exit 0 once it ran, whatever the figures; non-zero only
# when something could not be set up. Traffic goes only to 127.0.0.1, every loop is bounded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
N="${N:-20000}"
REPEAT="${REPEAT:-3}"
WRK_DURATION="${WRK_DURATION:-10s}"
TARGETS="${TARGETS:-nginx receiver}"
TRANSPORT="${TRANSPORT:-1}"
TEMPLATE="${TEMPLATE:-$here/webhook-body.hbs}"
helper="$here/bench_workspace.py"

die() { printf 'compare-wrk: %s\n' "$*" >&2; exit 1; }
source "$here/common.sh"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- tools -----------------------------------------------------------------------------------
nginx_bin="$(command -v nginx || true)"
[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
if ! command -v wrk >/dev/null || [[ -z "$nginx_bin" ]]; then
    [[ "$(id -u)" == 0 ]] || die "wrk or nginx missing; run as root once, or: apt-get install -y wrk nginx-light"
    say "installing wrk and nginx-light"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
    nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
fi
command -v python3 >/dev/null || die "python3 is needed (sqlite3 module)"
HOOKLINE="$(hookline_binary)"
transport_bin="$repo/Benchmarks/.build/release/DeliveryTransport"
if [[ "$TRANSPORT" != 0 && " $TARGETS " == *" nginx "* ]]; then
    release_build "$repo/Benchmarks" DeliveryTransport
fi

# --- temp folder and clean-up ----------------------------------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hookline-compare-wrk.XXXXXX")"
nginx_conf="$tmp/nginx/nginx.conf"
receiver_pid=""
cleanup() {
    local status=$?
    if [[ -f "$tmp/nginx/nginx.pid" ]]; then
        "$nginx_bin" -c "$nginx_conf" -p "$tmp/nginx" -s stop 2>/dev/null || true
    fi
    if [[ -n "$receiver_pid" ]] && kill -0 "$receiver_pid" 2>/dev/null; then
        kill -TERM "$receiver_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$receiver_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$receiver_pid" 2>/dev/null || true
    fi
    if [[ "${KEEP:-0}" == 1 ]]; then say "kept $tmp"; else rm -rf "$tmp"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_for_port() { # port, seconds
    local deadline=$((SECONDS + $2))
    until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

# A private copy, so a concurrent rebuild of .build/release cannot swap the binary mid-run.
cp "$HOOKLINE" "$tmp/hookline"
HOOKLINE="$tmp/hookline"

# --- nginx: return 204 (spike.md §4) ---------------------------------------------------------
nginx_port="$(free_port)"
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/tmp"
cat >"$nginx_conf" <<EOF
worker_processes 1;
daemon on;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/tmp/body;
    proxy_temp_path $tmp/nginx/tmp/proxy;
    fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
    uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
    scgi_temp_path $tmp/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        location / { return 204; }
    }
}
EOF
"$nginx_bin" -c "$nginx_conf" -p "$tmp/nginx" -e "$tmp/nginx/logs/error.log" 2>"$tmp/nginx/start.err" \
    || "$nginx_bin" -c "$nginx_conf" -p "$tmp/nginx" 2>"$tmp/nginx/start.err" \
    || die "nginx did not start: $(cat "$tmp/nginx/start.err")"
wait_for_port "$nginx_port" 10 || die "nginx is not listening on $nginx_port"

# --- hookline receive ------------------------------------------------------------------------
receiver_port="$(free_port)"
"$HOOKLINE" receive --host 127.0.0.1 --port "$receiver_port" >/dev/null 2>"$tmp/receiver.err" &
receiver_pid=$!
wait_for_port "$receiver_port" 20 || die "hookline receive did not listen on $receiver_port: $(cat "$tmp/receiver.err")"

declare -A url=(
    [nginx]="http://127.0.0.1:$nginx_port/hook"
    [receiver]="http://127.0.0.1:$receiver_port/hook"
)

# --- workspaces: one per target, identical but for the URL -----------------------------------
for target in $TARGETS; do
    ws="$tmp/ws-$target"
    mkdir -p "$ws"
    python3 "$helper" files "$ws" "${url[$target]}" "$TEMPLATE"
    "$HOOKLINE" validate -C "$ws" >&2 || die "workspace $ws does not validate"
    [[ ! -e "$ws/.hookline" ]] || die "validate created $ws/.hookline"
    # Opening the store once runs its migration: a run over an empty list of users.
    : >"$tmp/no-users"
    "$HOOKLINE" run bench --users "$tmp/no-users" -C "$ws" >/dev/null 2>"$tmp/migrate.err" \
        || die "could not open the store: $(cat "$tmp/migrate.err")"
    python3 "$helper" users "$ws" "$N" >/dev/null
done
say "N=$N users, nginx :$nginx_port, receiver :$receiver_port, $(nproc) cores, load $(loadavg)"
say "busiest other processes: $(ps -eo pcpu=,comm= --sort=-pcpu | head -4 | awk '{printf "%s %s%%; ", $2, $1}')"

# --- measurements ----------------------------------------------------------------------------
declare -A best median wrk_rate checks lines_seen body_bytes loads
now() { date +%s.%N; }

for target in $TARGETS; do
    ws="$tmp/ws-$target"
    rates=()
    for run in $(seq "$REPEAT"); do
        python3 "$helper" reset "$ws"
        before="$(loadavg)"
        start="$(now)"
        set +e
        /usr/bin/time -f '%e s wall, %U s user, %S s sys, %M KiB max RSS' -o "$tmp/time-$target-$run" \
            "$HOOKLINE" run bench --all -C "$ws" 2>"$tmp/run-$target-$run.err" | wc -l >"$tmp/lines-$target-$run"
        rc=${PIPESTATUS[0]}
        set -e
        end="$(now)"
        seconds="$(python3 -c "print(f'{$end - $start:.3f}')")"
        rate="$(python3 -c "print(f'{$N / ($end - $start):.0f}')")"
        check="$(python3 "$helper" check "$ws" "$N")"
        rates+=("$rate")
        say "$target run $run: ${seconds}s -> $rate deliveries/s (exit $rc, $(cat "$tmp/lines-$target-$run") JSON lines," \
            "$(cat "$tmp/time-$target-$run"), load before $before)"
        say "  stored: $check"
        checks[$target]="$check"
        lines_seen[$target]="$(cat "$tmp/lines-$target-$run")"
    done
    sorted=($(printf '%s\n' "${rates[@]}" | sort -n))
    best[$target]="${sorted[-1]}"
    median[$target]="${sorted[$((${#sorted[@]} / 2))]}"

    # wrk with the very request we sent (body and headers of a stored attempt).
    body_bytes[$target]="$(python3 "$helper" lua "$ws" "$tmp/post-$target.lua")"
    loads[$target]="$(loadavg)"
    wrk -t1 -c64 -d"$WRK_DURATION" -s "$tmp/post-$target.lua" "${url[$target]}" >"$tmp/wrk-$target.txt" 2>&1 \
        || die "wrk failed: $(cat "$tmp/wrk-$target.txt")"
    wrk_rate[$target]="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$tmp/wrk-$target.txt")"
    non2xx="$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk-$target.txt")"
    say "wrk -> $target: ${wrk_rate[$target]} req/s$([[ -n "$non2xx" ]] && echo ", $non2xx non-2xx") (load before ${loads[$target]})"
done

# --- the transport alone, against nginx ------------------------------------------------------
declare -A layer_median
if [[ "$TRANSPORT" != 0 && " $TARGETS " == *" nginx "* ]]; then
    for layer in ahc client deliverer; do
        rates=()
        input="$tmp/post-nginx.lua.body"
        [[ $layer == deliverer ]] && input="$TEMPLATE"
        for run in $(seq "$REPEAT"); do
            line="$("$transport_bin" "$layer" "${url[nginx]}" "$N" "$input")" \
                || die "DeliveryTransport $layer failed: $line"
            say "transport $layer run $run: $line"
            rates+=("$(sed -E 's|.*: ([0-9]+)/s.*|\1|' <<<"$line")")
        done
        sorted=($(printf '%s\n' "${rates[@]}" | sort -n))
        layer_median[$layer]="${sorted[$((${#sorted[@]} / 2))]}"
    done
fi

# --- table -----------------------------------------------------------------------------------
printf '\nhookline run vs wrk -t1 -c64 -d%s, N=%s, %s-byte JSON body, %s cores, load now %s\n' \
    "$WRK_DURATION" "$N" "${body_bytes[${TARGETS%% *}]}" "$(nproc)" "$(loadavg)"
printf '%-9s %12s %12s %12s %9s %9s  %s\n' target "run median/s" "run best/s" "wrk req/s" fraction best "stored attempts"
for target in $TARGETS; do
    frac="$(python3 -c "print(f'{${median[$target]} / ${wrk_rate[$target]}:.3f}')")"
    frac_best="$(python3 -c "print(f'{${best[$target]} / ${wrk_rate[$target]}:.3f}')")"
    verdict="$(python3 -c "import json,sys; c=json.loads(sys.argv[1]); print(('ok' if c['pass'] else 'MISMATCH') + f\" {c['attempts']}/{c['expected']} 2xx={c['ok2xx']}\")" "${checks[$target]}")"
    printf '%-9s %12s %12s %12s %9s %9s  %s\n' "$target" "${median[$target]}" "${best[$target]}" "${wrk_rate[$target]}" \
        "$frac" "$frac_best" "$verdict"
done
if [[ -n "${layer_median[ahc]:-}" ]]; then
    printf '\nlayers alone -> nginx, N=%s, 64 in flight (no executor, journeys or outbox):\n' "$N"
    for layer in ahc client deliverer; do
        case $layer in
            ahc) name="AsyncHTTPClient (same body)" ;;
            client) name="DeliveryClient (same body)" ;;
            deliverer) name="Deliverer (rendered per user, attempts stored)" ;;
        esac
        printf '%-48s %8s/s  %s of wrk\n' "$name" "${layer_median[$layer]}" \
            "$(python3 -c "print(f'{${layer_median[$layer]} / ${wrk_rate[nginx]}:.3f}')")"
    done
fi
if [[ " $TARGETS " == *" nginx "* ]]; then
    python3 -c "f=${median[nginx]}/${wrk_rate[nginx]}; print(f'target: >= 0.30 of wrk against nginx: {\"met\" if f >= 0.30 else \"NOT met\"} ({f:.3f})')"
fi
exit 0
