#!/usr/bin/env bash
# Interleaved hash-rate comparison on this machine: openssl's SHA-NI block rate, then powrace's bench with the
# SIMD and digest engines, ROUNDS times turn about, so that the machine's noise hits all of them alike.
# Prints each run and the medians. Usage: bench/compare.sh [ROUNDS] [SECONDS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-5}
threads=${3:-1}
jar=target/powrace.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
: > /tmp/powrace-openssl.txt; : > /tmp/powrace-simd.txt; : > /tmp/powrace-digest.txt
for i in $(seq 1 "$rounds"); do
  # openssl reports bytes/s for 16 KiB buffers; divide by 64 for SHA-256 blocks per second.
  o=$(openssl speed -seconds "$seconds" -evp sha256 -bytes 16384 2>/dev/null | awk '/^sha256/ {sub("k","",$2); printf "%.2f", $2*1000/64/1e6}')
  s=$(java -jar "$jar" bench --engine simd --seconds "$seconds" --threads "$threads" --json 2>/dev/null | tail -1 \
      | sed -E 's/.*"hashes_per_second":([0-9]+).*/\1/' | awk '{printf "%.2f", $1/1e6}')
  d=$(java -jar "$jar" bench --engine digest --seconds "$seconds" --threads "$threads" --json 2>/dev/null | tail -1 \
      | sed -E 's/.*"hashes_per_second":([0-9]+).*/\1/' | awk '{printf "%.2f", $1/1e6}')
  echo "round $i: openssl ${o} M blocks/s (one stream)  simd ${s} MH/s  digest ${d} MH/s  (threads=$threads)"
  echo "$o" >> /tmp/powrace-openssl.txt; echo "$s" >> /tmp/powrace-simd.txt; echo "$d" >> /tmp/powrace-digest.txt
done
mo=$(median < /tmp/powrace-openssl.txt); ms=$(median < /tmp/powrace-simd.txt); md=$(median < /tmp/powrace-digest.txt)
echo "median: openssl ${mo} M blocks/s, simd ${ms} MH/s ($(awk -v a="$ms" -v b="$mo" 'BEGIN{printf "%.2f", a/b}')x openssl), digest ${md} MH/s ($(awk -v a="$md" -v b="$mo" 'BEGIN{printf "%.2f", a/b}')x openssl)"
