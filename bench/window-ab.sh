#!/usr/bin/env bash
# Two or more powrace jars (or one jar with different JVM options) against each other and the minimal window, in one
# interleaved run: each round launches, in turn, the minimal window then each configuration, so that each has the
# same neighbour and the machine's noise hits all alike. Times as bench/window-vs-minimal.sh takes them (map, first
# frame, ms after the launch; run that script once first: it builds the minimal window and bench/window-watch), plus
# the CPU time the app's JVMs had used at its first frame (utime+stime of the launched JVM and its child, from
# /proc: steadier than wall time on a shared machine). One warm-up round first: each jar writes its class archive.
# Compare jars only when each one's archive was written by this warm-up (see docs/performance.md, Start-up).
# Usage: DISPLAY=:96 bench/window-ab.sh ROUNDS NAME=JAR[@JAVA_TOOL_OPTIONS] ...
#   e.g. bench/window-ab.sh 10 before=/tmp/before.jar after=target/powrace.jar c1=target/powrace.jar@-XX:TieredStopAtLevel=1
set -u
cd "$(dirname "$0")/.."
rounds=$1; shift
minimal=bench/minimal-window/target/minimal-window.jar
watch=bench/minimal-window/target/window-watch
[ -f "$minimal" ] && [ -x "$watch" ] || { echo "run bench/window-vs-minimal.sh once first" >&2; exit 1; }
work=$(mktemp -d /tmp/window-ab.XXXX)
pid=
cleanup() { [ -z "$pid" ] || { kill -TERM "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; }; rm -rf "$work"; }
trap cleanup EXIT
once() { # NAME JAR OPTIONS
  local run=$work/run m p t0 w cpu q
  rm -rf "$run"; mkdir -p "$run"
  WINDOW_SHOT=$run/shot.ppm "$watch" > "$run/watch.txt" & w=$!
  until grep -q watching "$run/watch.txt" 2> /dev/null; do sleep 0.01; done
  t0=$(date +%s%3N)
  JAVA_TOOL_OPTIONS="-Djava.util.prefs.userRoot=$run/prefs $3" java -jar "$2" --ports 0,0,0 --ledger "$run/ledger.json" \
    > /dev/null 2> "$run/err.txt" &
  pid=$!
  for _ in $(seq 1 600); do
    kill -0 "$w" 2> /dev/null || break
    kill -0 "$pid" 2> /dev/null || { kill "$w"; echo "$1 exited before its window:" >&2; cat "$run/err.txt" >&2; exit 1; }
    sleep 0.05
  done
  wait "$w"
  cpu=0; for q in $pid $(pgrep -P "$pid"); do cpu=$((cpu + $(awk '{ print $14 + $15 }' /proc/$q/stat 2> /dev/null || echo 0))); done
  m=$(awk '/^map/ { print $2 }' "$run/watch.txt"); p=$(awk '/^paint/ { print $2 }' "$run/watch.txt")
  echo $((m - t0)) >> "$work/$1.map"; echo $((p - t0)) >> "$work/$1.paint"
  echo $((cpu * 1000 / $(getconf CLK_TCK))) >> "$work/$1.cpu"
  for _ in $(seq 1 600); do grep -q ready "$run/err.txt" && break; sleep 0.05; done
  kill -TERM "$pid"; wait "$pid" 2> /dev/null; pid=
}
names=()
declare -A jars opts
for c in "$@"; do n=${c%%=*}; r=${c#*=}; names+=("$n"); jars[$n]=${r%%@*}; opts[$n]=; [[ $r == *@* ]] && opts[$n]=${r#*@}; done
for n in "${names[@]}"; do once warm "${jars[$n]}" "${opts[$n]}"; done
once warm "$minimal" ""
for i in $(seq 1 "$rounds"); do
  line="round $i:"
  for n in "${names[@]}"; do
    once "minimal-$n" "$minimal" ""; once "$n" "${jars[$n]}" "${opts[$n]}"
    line="$line minimal $(tail -1 "$work/minimal-$n.paint"), $n $(tail -1 "$work/$n.paint") ms ($(tail -1 "$work/$n.cpu") ms CPU);"
  done
  echo "$line"
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%d-%d", v[1], v[NR] }'; }
for n in "${names[@]}"; do
  p=$(median "$work/$n.paint"); mp=$(median "$work/minimal-$n.paint")
  echo "$n (${jars[$n]} ${opts[$n]}): first frame median $p ms ($(range "$work/$n.paint")), minimal before it $mp ms" \
    "($(range "$work/minimal-$n.paint")), $(awk -v a="$p" -v b="$mp" 'BEGIN { printf "%.2f", a / b }')x;" \
    "mapped $(median "$work/$n.map") ms; CPU at first frame $(median "$work/$n.cpu") ms"
done
echo "display $DISPLAY, $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
