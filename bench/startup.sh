#!/usr/bin/env bash
# How long the app takes to start: from launching it to its window being mapped on the X server (seen by xev), and
# to all three nodes accepting connections on their ports. Runs the app RUNS times on an X display (Xvfb :98 is
# started if DISPLAY is unset), each time on three free ports, a fresh temp ledger and fresh temp window
# preferences, and prints each run's figures and the medians. Ends every process it started.
# Usage: bench/startup.sh [RUNS] [COMMAND ...]   (defaults: 5 java -jar target/powrace.jar)
#   bench/startup.sh 5 target/dist/powrace/bin/powrace      the app image
#   bench/startup.sh 5 java -XX:TieredStopAtLevel=1 -jar target/powrace.jar
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
[ $# -gt 0 ] || set -- java -jar target/powrace.jar
[ "$1" != java ] || [ -f target/powrace.jar ] || mvn -B -q -DskipTests package
for tool in xdotool xev python3; do command -v $tool > /dev/null || { echo "bench/startup.sh needs $tool" >&2; exit 1; }; done

xvfb=
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:98
  if ! xdotool getmouselocation > /dev/null 2>&1; then
    Xvfb :98 -screen 0 1440x900x24 > /dev/null 2>&1 &
    xvfb=$!
    for _ in $(seq 1 50); do xdotool getmouselocation > /dev/null 2>&1 && break; sleep 0.1; done
  fi
fi
work=$(mktemp -d /tmp/powrace-startup.XXXX)
pid=
cleanup() {
  [ -z "$pid" ] || { kill -TERM "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; }
  [ -z "$xvfb" ] || kill -TERM "$xvfb" 2> /dev/null || true
}
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
free_ports() {
  python3 -c 'import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(",".join(str(x.getsockname()[1]) for x in s))'
}
listening() { # true once every port accepts a connection
  local p
  for p in ${1//,/ }; do (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null || return 1; done
}
cpu_ms() { # CPU time (user + system) so far of the process and its children's processes, in ms
  local p t=0 tck
  tck=$(getconf CLK_TCK)
  for p in $1 $(pgrep -P "$1" || true); do
    t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2> /dev/null || echo 0) ))
  done
  echo $(( t * 1000 / tck ))
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "command: $* [--ports P,P,P --ledger TEMP]; display $DISPLAY"
for i in $(seq 1 "$runs"); do
  ports=$(free_ports)
  run=$work/run$i
  mkdir -p "$run"
  # The window counts as shown when the X server maps it: one xev process reports the mapping of top-level
  # windows as it happens. (Asking with xdotool every 10 ms, as this did first, started a hundred X clients a
  # second: on two cores that slowed the app it measured by a fifth.)
  xev -root -event substructure > "$run/xev.txt" 2> /dev/null &
  xev=$!
  sleep 0.2
  t0=$(now_ms)
  JAVA_TOOL_OPTIONS="-Djava.util.prefs.userRoot=$run/prefs" "$@" --ports "$ports" --ledger "$run/ledger.json" \
    > "$run/out.txt" 2> "$run/err.txt" &
  pid=$!
  window=; nodes=; cpu=
  while [ -z "$window" ] || [ -z "$nodes" ]; do
    t=$(now_ms)
    [ $((t - t0)) -lt 30000 ] || { echo "run $i: no window or no nodes after 30 s; see $run/err.txt" >&2; break; }
    kill -0 "$pid" 2> /dev/null || { echo "run $i: the app ended: $(tail -3 "$run/err.txt")" >&2; break; }
    [ -n "$nodes" ] || ! listening "$ports" || nodes=$(( $(now_ms) - t0 ))
    [ -n "$window" ] || ! grep -q '^MapNotify' "$run/xev.txt" || { window=$(( $(now_ms) - t0 )); cpu=$(cpu_ms "$pid"); }
    sleep 0.01
  done
  # the app's own figure: its JVM's start to the ledger shown (the child's JVM, if it started one)
  for _ in $(seq 1 100); do grep -q "ready" "$run/err.txt" && break; sleep 0.05; done
  ready=$(grep -o 'ready [0-9.]* s' "$run/err.txt" | awk '{ print $2 * 1000 }' || true)
  children=$(pgrep -P "$pid" || true) # a second JVM, if the first started one
  jvms=$(( 1 + $(echo $children | wc -w) ))
  kill -TERM "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  kill "$xev" 2> /dev/null || true
  pid=
  sleep 0.5
  left=0
  for c in $children; do ! kill -0 "$c" 2> /dev/null || left=$((left + 1)); done
  echo "run $i: window ${window:--} ms (CPU ${cpu:--} ms), nodes ${nodes:--} ms, ready ${ready:--} ms after its JVM started; JVMs $jvms, left after TERM $left"
  echo "$window" >> "$work/window"; echo "$cpu" >> "$work/cpu"; echo "$nodes" >> "$work/nodes"; echo "${ready:-}" >> "$work/ready"
done
echo "median of $runs: window $(grep . "$work/window" | median) ms (CPU $(grep . "$work/cpu" | median) ms), nodes $(grep . "$work/nodes" | median) ms, ready $(grep . "$work/ready" | median) ms after its JVM started"
echo "(output in $work)"
