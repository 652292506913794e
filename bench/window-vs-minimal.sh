#!/usr/bin/env bash
# powrace's time to its window against the least a JavaFX window costs on the same machine: a jar with one Label and
# one Button in a 1280x800 Stage, shaded with the same JavaFX (bench/minimal-window, built here with powrace's
# javafx.version). Both are launched with `java -jar` (powrace on ports 0,0,0 with a temporary ledger and window
# preferences). bench/window-watch (built here from window-watch.c) takes two times from the X server: the window
# mapped, which is still blank, and its first frame with something drawn in it, the time that counts (the window as
# the user first sees it). One warm-up round first (powrace's first run writes its class archive), then ROUNDS rounds,
# the two taken in turn in each, so that the machine's noise hits both alike; each run is stopped (SIGTERM) once it
# says "ready". Prints each round, min/median/max of both, and powrace's medians over the minimal window's.
# SHOTS=DIR saves each app's first frame of the last round in DIR (PPM). Xvfb :98 (1280x800) is started if
# DISPLAY is unset. Usage: bench/window-vs-minimal.sh [ROUNDS] [JAR]   (defaults: 10 target/powrace.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
jar=${2:-target/powrace.jar}
minimal=bench/minimal-window/target/minimal-window.jar
watch=bench/minimal-window/target/window-watch
[ -f "$jar" ] || mvn -B -q -DskipTests package
if [ ! -f "$minimal" ]; then
  fx=$(sed -n 's:.*<javafx.version>\(.*\)</javafx.version>.*:\1:p' pom.xml | head -1)
  mvn -B -q -f bench/minimal-window/pom.xml -Djavafx.version="$fx" package
fi
if [ ! -x "$watch" ] || [ bench/window-watch.c -nt "$watch" ]; then
  mkdir -p "$(dirname "$watch")"
  lib=$(ls /usr/lib/*/libXdamage.so.1 /usr/lib/libXdamage.so.1 2> /dev/null | head -1 || true)
  cc -O2 -o "$watch" bench/window-watch.c -lX11 ${lib:--lXdamage}
fi
command -v xdotool > /dev/null || { echo "$0 needs xdotool" >&2; exit 1; }
xvfb=
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:98
  if ! xdotool getmouselocation > /dev/null 2>&1; then
    Xvfb :98 -screen 0 1280x800x24 > /dev/null 2>&1 &
    xvfb=$!
    for _ in $(seq 1 50); do xdotool getmouselocation > /dev/null 2>&1 && break; sleep 0.1; done
  fi
fi
work=$(mktemp -d /tmp/window-vs-minimal.XXXX)
pid=
cleanup() {
  [ -z "$pid" ] || { kill -TERM "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; }
  [ -z "$xvfb" ] || kill -TERM "$xvfb" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "min %d, median %s, max %d", v[1], (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[NR] }'; }

# once NAME JAR: one launch; appends its map and paint times (ms after the launch) to $work/NAME.map and NAME.paint
once() {
  local run=$work/run watcher t0 m p
  rm -rf "$run"; mkdir -p "$run"
  WINDOW_SHOT=$run/shot.ppm "$watch" > "$run/watch.txt" & watcher=$!
  until grep -q watching "$run/watch.txt"; do sleep 0.01; done
  t0=$(date +%s%3N)
  JAVA_TOOL_OPTIONS="-Djava.util.prefs.userRoot=$run/prefs" java -jar "$2" --ports 0,0,0 --ledger "$run/ledger.json" \
    > /dev/null 2> "$run/err.txt" &
  pid=$!
  wait "$watcher"
  m=$(awk '/^map/ { print $2 }' "$run/watch.txt"); p=$(awk '/^paint/ { print $2 }' "$run/watch.txt")
  echo $((m - t0)) >> "$work/$1.map"; echo $((p - t0)) >> "$work/$1.paint"
  for _ in $(seq 1 600); do grep -q ready "$run/err.txt" && break; sleep 0.05; done
  kill -TERM "$pid"; wait "$pid" 2> /dev/null || true; pid=
  [ -z "${SHOTS:-}" ] || { mkdir -p "$SHOTS"; cp "$run/shot.ppm" "$SHOTS/$1.ppm"; }
}

once warm "$jar"; once warm "$minimal"
for i in $(seq 1 "$rounds"); do
  once powrace "$jar"; once minimal "$minimal"
  echo "round $i: powrace map $(tail -1 "$work/powrace.map") ms, first frame $(tail -1 "$work/powrace.paint") ms;" \
    "minimal map $(tail -1 "$work/minimal.map") ms, first frame $(tail -1 "$work/minimal.paint") ms"
done
for t in paint map; do
  p=$(median < "$work/powrace.$t"); m=$(median < "$work/minimal.$t")
  [ $t = paint ] && what="first frame" || what="window mapped"
  echo "$what, $rounds rounds: powrace ($jar) $(stats "$work/powrace.$t") ms; minimal $(stats "$work/minimal.$t") ms;" \
    "medians $(awk -v a="$p" -v b="$m" 'BEGIN { printf "%.2f", a / b }')x"
done
echo "display $DISPLAY, $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
