# Sourced by compare-wrk.sh and soak.sh after they set `repo` and define `die`.

say() { printf '== %s\n' "$*" >&2; }

# release_build PACKAGE_DIR PRODUCT: brings the release build of PRODUCT up to date, so that a
# measurement never runs an old binary (seconds when nothing changed).
release_build() {
    say "building $2 (release)"
    (cd "$1" && swift build -c release --product "$2") >&2 || die "release build of $2 failed"
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
