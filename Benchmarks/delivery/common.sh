# Sourced by compare-wrk.sh and soak.sh after they set `repo` and define `die`.

say() { printf '== %s\n' "$*" >&2; }

# build_if_missing BINARY PACKAGE_DIR PRODUCT: a release build of PRODUCT in PACKAGE_DIR
# unless BINARY is already there.
build_if_missing() {
    [[ -x "$1" ]] && return 0
    say "building $3 (release)"
    (cd "$2" && swift build -c release --product "$3") >&2 || die "release build of $3 failed"
}
