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
ours=$(grep -E '^\| *p50' /tmp/hookline-template-bench.txt | head -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
echo "hookline (p50 throughput, K = thousands): $ours"
