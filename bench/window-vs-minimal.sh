#!/usr/bin/env bash
# powrace's time to its window against the least a JavaFX window costs on the same machine: a jar with one Label and
# one Button in a 1280x800 Stage, shaded with the same JavaFX (bench/minimal-window, built here with powrace's
# javafx.version). Both are launched with `java -jar` by bench/window-once.sh, which takes the window as shown when
# the X server maps it (xev). One warm-up round first (powrace's first run writes its class archive), then ROUNDS
# rounds, the two taken in turn in each, so that the machine's noise hits both alike. Prints each round, both
# medians, and powrace's median over the minimal window's. Xvfb :98 (1280x800) is started if DISPLAY is unset.
# Usage: bench/window-vs-minimal.sh [ROUNDS] [JAR]   (defaults: 10 target/powrace.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
jar=${2:-target/powrace.jar}
minimal=bench/minimal-window/target/minimal-window.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
if [ ! -f "$minimal" ]; then
  fx=$(sed -n 's:.*<javafx.version>\(.*\)</javafx.version>.*:\1:p' pom.xml | head -1)
  mvn -B -q -f bench/minimal-window/pom.xml -Djavafx.version="$fx" package
fi
for tool in xdotool xev; do command -v $tool > /dev/null || { echo "$0 needs $tool" >&2; exit 1; }; done
xvfb=
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:98
  if ! xdotool getmouselocation > /dev/null 2>&1; then
    Xvfb :98 -screen 0 1280x800x24 > /dev/null 2>&1 &
    xvfb=$!
    for _ in $(seq 1 50); do xdotool getmouselocation > /dev/null 2>&1 && break; sleep 0.1; done
  fi
fi
log=$(mktemp /tmp/window-vs-minimal.XXXX)
trap '[ -z "$xvfb" ] || kill -TERM "$xvfb" 2> /dev/null || true' EXIT
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

WINDOW_LOG=/dev/null bench/window-once.sh "$jar"
WINDOW_LOG=/dev/null bench/window-once.sh "$minimal"
for i in $(seq 1 "$rounds"); do
  WINDOW_LOG=$log bench/window-once.sh "$jar"
  WINDOW_LOG=$log bench/window-once.sh "$minimal"
  echo "round $i: powrace $(grep " $jar\$" "$log" | tail -1 | cut -d' ' -f1) ms, minimal $(grep " $minimal\$" "$log" | tail -1 | cut -d' ' -f1) ms"
done
p=$(grep " $jar\$" "$log" | cut -d' ' -f1 | median)
m=$(grep " $minimal\$" "$log" | cut -d' ' -f1 | median)
echo "median of $rounds: powrace ($jar) $p ms, minimal window $m ms: $(awk -v a="$p" -v b="$m" 'BEGIN { printf "%.2f", a / b }')x; display $DISPLAY"
rm -f "$log"
