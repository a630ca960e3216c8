# Sourced by compare-wrk.sh and soak.sh after they set `repo` and define `die`.

say() { printf '== %s\n' "$*" >&2; }

# release_build PACKAGE_DIR PRODUCT: brings the release build of PRODUCT up to date, so that a
# measurement never runs an old binary (seconds when nothing changed).
release_build() {
    say "building $2 (release)"
    local log
    log="$(mktemp)"
    if ! (cd "$1" && swift build -c release --product "$2") >"$log" 2>&1; then
        # A package that depends on the root by path can keep the root's old file list after a
        # file is deleted there ("missing inputs"); forgetting the build plan makes SwiftPM list again.
        if grep -q 'missing inputs' "$log"; then
            say "stale build plan in $1/.build; planning again"
            rm -f "$1/.build/release.yaml" "$1/.build/release/description.json"
            (cd "$1" && swift build -c release --product "$2") >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "release build of $2 failed"; }
        else
            cat "$log" >&2
            rm -f "$log"
            die "release build of $2 failed"
        fi
    fi
    rm -f "$log"
}

# hookline_binary: $HOOKLINE when given, else the repository's release build, brought up to date.
hookline_binary() {
    if [[ -n "${HOOKLINE:-}" ]]; then
        [[ -x "$HOOKLINE" ]] || die "HOOKLINE=$HOOKLINE is not an executable"
        printf '%s\n' "$HOOKLINE"
    else
        release_build "$repo" hookline
        printf '%s\n' "$repo/.build/release/hookline"
    fi
}

# port_from FILE: waits up to 20 s for the "listening on URL" line that `hookline receive` and
# `hookline serve` print, and prints the port.
port_from() {
    for _ in $(seq 200); do
        local line
        line="$(grep -m1 '^listening on ' "$1" 2>/dev/null || true)"
        if [[ -n "$line" ]]; then echo "${line##*:}"; return; fi
        sleep 0.1
    done
    die "no 'listening on' in $1"
}
