#!/usr/bin/env bash
# Takes the README's pictures of today's app with the README's own commands, on the default ports, in a
# temporary directory (so the repository's ledger.json is never touched): docs/race.gif (one race),
# docs/window.png (after a few races), docs/stats.png (the Statistics tab after Race x200) and docs/cluster-app.png
# (a cluster of three processes). Every picture is 1280x800: a 1280x800 Xvfb screen under openbox, which the
# window fills (it opens at 1280x800, frame included). Needs Xvfb, openbox, xdotool, ImageMagick and gifsicle,
# and the ports 5000-5002, 6000-6002, 6100-6102 and 2181 free. Look at every picture before committing it.
# Usage: docs/pictures.sh [PART...]   PART: race, stats, cluster (all three by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/target/powrace.jar
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
parts=${*:-race stats cluster}
work=$(mktemp -d /tmp/powrace-pictures.XXXX)
export DISPLAY=:91
Xvfb :91 -screen 0 1280x800x24 > /dev/null 2>&1 &
xvfb=$!
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null || true; done
  kill "$xvfb" 2> /dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 50); do xdotool getmouselocation > /dev/null 2>&1 && break; sleep 0.1; done
openbox > /dev/null 2>&1 &
pids+=($!)
app() { # starts the app in its own directory with the given options; waits for its ready line
  local dir=$1; shift
  mkdir -p "$dir"
  (cd "$dir" && exec java -Dpowrace.prefs=/powrace-pictures -jar "$jar" "$@" > app.log 2>&1) &
  pids+=($!)
  for _ in $(seq 1 600); do grep -q 'ready' "$dir/app.log" 2> /dev/null && break; sleep 0.1; done
  sleep 2 # the first frames, the warm-up
}
quit_app() { # kill -9 as a user would; the app's second JVM follows its first, and lets go of the ports
  kill -9 "${pids[-1]}"; unset 'pids[-1]'
  for _ in $(seq 1 100); do ss -ltn | grep -qE ':500[0-2] ' || break; sleep 0.1; done
}
type_line() { xdotool mousemove 320 49 click 1; sleep 0.2; xdotool key ctrl+a; xdotool type --delay 30 "$1"; }
shot() { scrot -o "$1" 2> /dev/null || import -silent -window root "$1"; }
now() { date +%s%N; }
send() { # the README's nc line, to the three default ports
  echo "$1" | tee >(nc -q 1 localhost 5000) >(nc -q 1 localhost 5001) >(nc -q 1 localhost 5002) > /dev/null
}
entries() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$1"; }

for part in $parts; do
  case $part in
  race)
    app "$work/race"
    for t in "Alice pays Bob 5" "Bob pays Carol 2" "Carol pays Dave 1"; do # a few rows in the ledger first
      n=$(entries "$work/race/ledger.json")
      send "$t" > /dev/null
      until [ "$(entries "$work/race/ledger.json")" -gt "$n" ]; do sleep 0.2; done
    done
    for t in "Dave pays Erin 3" "Erin pays Frank 4" "Frank pays Gina 6" "Gina pays Hal 7"; do
      sleep 1 # a race that ends within a second makes a GIF of a few frames: luck decides, so try again
      type_line "$t"
      rm -rf "$work/frames"; mkdir -p "$work/frames"
      n=$(entries "$work/race/ledger.json")
      shot "$work/frames/typed.png" # the transaction typed, shown for 1.5 s
      rm -f "$work/stop"
      java "$root/docs/Grab.java" "$work/frames" "$work/stop" 15 & # about 15 frames a second (ImageMagick: 1)
      grab=$!
      for _ in $(seq 1 300); do [ -f "$work/frames/ready" ] && break; sleep 0.1; done # the grabber's JVM up
      xdotool key Return
      began=$(now)
      for _ in $(seq 1 600); do [ "$(entries "$work/race/ledger.json")" -gt "$n" ] && break; sleep 0.05; done
      took=$((($(now) - began) / 1000000))
      sleep 1 # the winner's card and the ledger's new row
      touch "$work/stop"
      wait "$grab"
      echo "race '$t': $took ms, $(wc -l < "$work/frames/delays") frames" >&2
      [ "$took" -lt 1500 ] || break
    done
    args=(-delay 150 "$work/frames/typed.png")
    while read -r f d; do args+=(-delay "$d" "$f"); done < "$work/frames/delays"
    sleep 0.5
    shot "$root/docs/window.png"
    convert "${args[@]}" -delay 400 "$root/docs/window.png" -loop 0 "$work/race.gif" # the end holds 4 s
    gifsicle -O3 --colors 96 --lossy=40 "$work/race.gif" -o "$root/docs/race.gif"
    quit_app
    ;;
  stats)
    app "$work/stats" --difficulty 2 --power 100,50,25
    xdotool mousemove 930 50 click --repeat 3 1; xdotool key ctrl+a; xdotool type "200"; xdotool key Tab
    xdotool mousemove 1050 50 click 1 # Race x200
    sleep 1
    xdotool mousemove 125 120 click 1 # the Statistics tab
    until [ "$(entries "$work/stats/ledger.json")" -ge 200 ]; do sleep 0.5; done
    sleep 2
    shot "$root/docs/stats.png"
    quit_app
    ;;
  cluster)
    (umask 077; head -c 24 /dev/urandom | base64 > "$work/cluster-secret")
    app "$work/teacher" --host-cluster 2181 --label teacher --cluster-secret-file "$work/cluster-secret"
    for s in alice:6000,6001,6002 bob:6100,6101,6102; do
      label=${s%%:*}
      mkdir -p "$work/$label"
      (cd "$work/$label" && POWRACE_CLUSTER_SECRET=$(cat "$work/cluster-secret") exec java -jar "$jar" serve \
        --cluster localhost:2181 --label "$label" --ports "${s#*:}" > serve.log 2>&1) &
      pids+=($!)
    done
    sleep 8
    for t in "Alice pays Bob 5" "Bob pays Carol 2" "Carol pays Dave 1"; do
      n=$(entries "$work/teacher/ledger.json")
      java -jar "$jar" send --cluster localhost:2181 --cluster-secret-file "$work/cluster-secret" "$t" > /dev/null
      until [ "$(entries "$work/teacher/ledger.json")" -gt "$n" ]; do sleep 0.2; done
      sleep 1
    done
    shot "$root/docs/cluster-app.png"
    ;;
  *) echo "$0: unknown part $part (race, stats or cluster)" >&2; exit 2 ;;
  esac
done
echo "pictures in $root/docs; frames and ledgers in $work"
