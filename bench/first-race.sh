#!/usr/bin/env bash
# Is the first race after a start as fast as the later ones? Starts a fresh `java -jar target/powrace.jar serve`
# on free ports, sends the first transaction to all three nodes the moment the banner appears, then RACES-1
# more one after another, and prints each race's rate (every node's hashes over the race's time) and time.
# Usage: bench/first-race.sh [DIFFICULTY] [RACES] [JVM options...]
set -euo pipefail
cd "$(dirname "$0")/.."
difficulty=${1:-3}
races=${2:-8}
shift $(( $# >= 2 ? 2 : $# ))
jar=target/powrace.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
tmp=$(mktemp -d)
java "$@" -jar "$jar" serve --ports 0,0,0 --difficulty "$difficulty" --ledger "$tmp/ledger.json" \
  > "$tmp/out" 2> "$tmp/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
until grep -q "^powrace: Node1" "$tmp/err"; do sleep 0.01; kill -0 $pid || { cat "$tmp/err"; exit 1; }; done
ports=$(grep -o '127.0.0.1:[0-9]*' "$tmp/err" | cut -d: -f2)
send() { # one line to every node at once, through bash's /dev/tcp: no nc needed
  local pids=()
  for p in $ports; do (exec 3<>"/dev/tcp/127.0.0.1/$p"; printf '%s\n' "$1" >&3; read -r _ <&3) & pids+=($!); done
  wait "${pids[@]}"
}
for i in $(seq 1 "$races"); do
  send "first-race bench $i $RANDOM"
  until [ "$(grep -c ' wins ' "$tmp/out")" -ge "$i" ]; do sleep 0.005; done
  until [ "$(grep -c ' end ' "$tmp/out")" -ge $((3 * i)) ]; do sleep 0.005; done
done
# Per race: all nodes' hashes over the longest attempt's time (late nodes hashed nothing).
awk '
  / end / && (/ found / || / stopped /) {
    match($0, /"first-race bench [0-9]+/); r = substr($0, RSTART + 18, RLENGTH - 18) + 0
    match($0, /hashes=[0-9]+/); h[r] += substr($0, RSTART + 7, RLENGTH - 7)
    match($0, /time=[0-9.]+/); t = substr($0, RSTART + 5, RLENGTH - 5) + 0; if (t > T[r]) T[r] = t
    if (r > n) n = r
  }
  END { for (r = 1; r <= n; r++) printf "%d %.4f %.3f\n", r, h[r] / T[r] / 1e6, T[r] * 1000 }' "$tmp/out" > "$tmp/races"
awk '{ printf "race %d: %7.2f MH/s %9.3f ms\n", $1, $2, $3 }' "$tmp/races"
first=$(awk 'NR == 1 { print $2 }' "$tmp/races"); first_ms=$(awk 'NR == 1 { print $3 }' "$tmp/races")
later=$(awk 'NR > 1 { print $2 }' "$tmp/races" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "difficulty $difficulty: first race $first MH/s in $first_ms ms; later races median $later MH/s; first/later $(awk -v a="$first" -v b="$later" 'BEGIN{printf "%.2f", a/b}')"
