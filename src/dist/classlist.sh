#!/usr/bin/env bash
# Regenerates src/dist/classlist.txt: the classes the desktop app loads up to its window and first ledger view,
# from which `mvn -Pdist package` dumps the app image's class-data-sharing archive (lib/app/powrace.jsa). Run
# it after changes to what the app loads at start; a stale list only makes the start slower (classes missing
# from it are loaded from the jar, names no longer there are skipped). Needs Xvfb (started on :97 if DISPLAY is
# unset) and target/powrace.jar.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f target/powrace.jar ] || mvn -B -q -DskipTests package
xvfb=
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:97
  Xvfb :97 -screen 0 1440x900x24 > /dev/null 2>&1 &
  xvfb=$!
  sleep 1
fi
dir=$(mktemp -d /tmp/powrace-classlist.XXXX)
java --add-modules jdk.incubator.vector --add-opens java.base/sun.security.provider=ALL-UNNAMED \
  -XX:DumpLoadedClassList="$dir/classlist.txt" -Djava.util.prefs.userRoot="$dir/prefs" \
  -jar target/powrace.jar --ports 0,0,0 --ledger "$dir/ledger.json" > "$dir/out.txt" 2> "$dir/err.txt" &
pid=$!
for _ in $(seq 1 300); do grep -q ready "$dir/err.txt" && break; sleep 0.1; done
sleep 1 # the first pulses after the ledger is shown
kill -TERM $pid; wait $pid || true
[ -z "$xvfb" ] || kill -TERM $xvfb
grep -q ready "$dir/err.txt" || { echo "the app did not start: $(cat "$dir/err.txt")" >&2; exit 1; }
cp "$dir/classlist.txt" src/dist/classlist.txt
echo "src/dist/classlist.txt: $(wc -l < src/dist/classlist.txt) lines"
