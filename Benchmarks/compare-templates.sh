#!/usr/bin/env bash
# Renders per second of the shared webhook body: Hookline's engine (ordo-one/benchmark, release)
# and handlebars.js (Debian's libjs-handlebars under node), in the same run on the same machine.
set -eu
cd "$(dirname "$0")"
bench="$(cd ../.. && pwd)/shared/bench"
[ -d "$bench" ] || bench="$(cd ../../shared/bench 2>/dev/null && pwd)"
if [ ! -f /usr/share/javascript/handlebars/handlebars.js ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjs-handlebars
fi
js=$(node handlebars-render.js "$bench" 3)
echo "handlebars.js: $js renders/s"
swift package --disable-sandbox benchmark --target TemplateRender --no-progress --format markdown \
    --metric throughput 2>&1 | tee /tmp/hookline-template-bench.txt | grep -E '^\|' || true
# The markdown table has one row per metric ("| Throughput (# / s) (K) | p0 | p25 | p50 | ..."); take the
# p50 column by its header and scale by the unit in the row label (K or M).
ours=$(awk -F'|' '
    /^\| *Metric/ { for (i = 1; i <= NF; i++) { h = $i; gsub(/ /, "", h); if (h == "p50") col = i } }
    /^\| *Throughput/ && col {
        v = $col; gsub(/ /, "", v); scale = 1
        if ($2 ~ /\(K\)/) scale = 1000
        if ($2 ~ /\(M\)/) scale = 1000000
        printf "%d\n", v * scale; exit
    }' /tmp/hookline-template-bench.txt)
echo "hookline (p50 throughput): $ours renders/s"
if [ -n "$ours" ] && [ "$js" -gt 0 ]; then
    awk -v a="$ours" -v b="$js" 'BEGIN { printf "ratio hookline / handlebars.js: %.2fx\n", a / b }'
fi
