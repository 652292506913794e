#!/bin/bash
# Launches the app from the given jar and logs the time to its first top-level window being mapped (X MapNotify,
# seen by one xev process: no polling that competes with the app) to $WINDOW_LOG (default /tmp/window-once.log); waits for
# the app's "ready" line (so that the class archive of a first run is kept), then stops it with SIGTERM. For farm-bench.
jar=$1; d=$(mktemp -d)
xev -root -event substructure > $d/xev.txt 2>/dev/null & xev=$!
sleep 0.2
t0=$(date +%s%N)
JAVA_TOOL_OPTIONS=-Djava.util.prefs.userRoot=$d/prefs java -jar "$jar" --ports 0,0,0 --ledger $d/l.json >/dev/null 2>$d/err & pid=$!
until grep -q "^MapNotify" $d/xev.txt; do sleep 0.02; done
echo "$(( ($(date +%s%N) - t0) / 1000000 )) $jar" >> "${WINDOW_LOG:-/tmp/window-once.log}"
until grep -q "ready" $d/err; do sleep 0.05; done
kill -TERM $pid; wait $pid 2>/dev/null; kill $xev
rm -rf $d
