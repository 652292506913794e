#!/usr/bin/env bash
# Is the first race after a start as fast as the later ones? Starts `serve` on free ports with -XX:+PrintCompilation,
# sends the first transaction as soon as the nodes listen (or WAIT_SECONDS later), then RACES transactions in all one after another (each once the previous has a winner), and prints
# each race's rate (the three nodes' hashes over the longest node time), the first race's rate over the median of
# the later ones, and every method of dev.powrace.pow whose C2 (tier 4) code the JIT threw away ("made not entrant")
# after the first race started: that list should be empty.
# Usage: bench/first-race.sh [DIFFICULTY] [RACES] [WAIT_SECONDS] [JAR]   (defaults: 3 8 0 target/powrace.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
d=${1:-3}; n=${2:-8}; wait=${3:-0}; jar=${4:-target/powrace.jar}
[ -f "$jar" ] || mvn -B -q -DskipTests package
dir=$(mktemp -d /tmp/powrace-first-race.XXXX)
java -XX:+PrintCompilation -jar "$jar" serve --ports 0,0,0 --ledger "$dir/ledger.json" --difficulty "$d" \
  > "$dir/out.txt" 2> "$dir/err.txt" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do grep -q "Node3 on" "$dir/err.txt" 2>/dev/null && break; sleep 0.1; done
ports=$(grep -o "Node[0-9] on [0-9.]*:[0-9]*" "$dir/err.txt" | sed 's/.*://' | paste -sd,)
[ -n "$ports" ] || { echo "serve did not start: $(cat "$dir/err.txt")" >&2; exit 1; }
sleep "$wait" # 0 by default: a node holds its first race until the warm-up is done
for i in $(seq 1 "$n"); do
  tx="first-race check $RANDOM $i"
  java -jar "$jar" send --ports "$ports" "$tx" > /dev/null 2>&1
  for _ in $(seq 1 1500); do grep -q " wins \"$tx\"" "$dir/out.txt" && break; sleep 0.02; done
  sleep 0.3
done
kill -TERM $pid; wait $pid 2>/dev/null || true; trap - EXIT
awk '/ end / && /hashes=/ && /"first-race check/ {
       match($0, /"first-race check [0-9]+ [0-9]+"/); split(substr($0, RSTART, RLENGTH), p, " "); r = p[4] + 0;
       match($0, /hashes=[0-9]+/); h = substr($0, RSTART + 7, RLENGTH - 7);
       match($0, /time=[0-9.]+/); t = substr($0, RSTART + 5, RLENGTH - 5);
       H[r] += h; if (t > T[r]) T[r] = t; if (r > max) max = r }
     END { for (r = 1; r <= max; r++) { rate[r] = H[r] / T[r] / 1e6;
             printf "race %d: %d hashes in %.4f s = %.2f MH/s\n", r, H[r], T[r], rate[r] }
           k = 0; for (r = 2; r <= max; r++) v[++k] = rate[r];
           for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
           m = (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2;
           printf "first race: %.1f ms, %.2f MH/s; later races: median %.2f MH/s; first/later %.2f\n",
                  T[1] * 1000, rate[1], m, rate[1] / m }' "$dir/out.txt"
echo "C2 code of dev.powrace.pow thrown away after the first race started (should be none):"
awk '/ start .*"first-race check/ {f = 1} f && /made not entrant/ && /dev\.powrace\.pow\./ && / 4 /' "$dir/out.txt"
echo "(all output in $dir)"
