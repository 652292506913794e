#!/usr/bin/env bash
# Interleaved hash-rate comparison on this machine: openssl's SHA-256 block rate (one stream, SHA-NI where the
# CPU has it), then powrace's bench with each engine (shani, simd, digest), ROUNDS times turn about, so that the
# machine's noise hits all of them alike. Prints each run and the medians, each engine also as a multiple of
# openssl's. Usage: bench/compare.sh [ROUNDS] [SECONDS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-5}
threads=${3:-1}
jar=target/powrace.jar
engines="shani simd digest"
[ -f "$jar" ] || mvn -B -q -DskipTests package

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 "$rounds"); do
  # openssl reports bytes/s for 16 KiB buffers; divide by 64 for SHA-256 blocks per second.
  o=$(openssl speed -seconds "$seconds" -evp sha256 -bytes 16384 2>/dev/null | awk '/^sha256/ {sub("k","",$2); printf "%.2f", $2*1000/64/1e6}')
  echo "$o" >> "$tmp/openssl"
  line="round $i: openssl ${o} M blocks/s (one stream)"
  for e in $engines; do
    # An engine this JVM lacks is measured as digest, and bench says so on stderr: report it under its own name.
    r=$(java -jar "$jar" bench --engine "$e" --seconds "$seconds" --threads "$threads" --json 2>/dev/null | tail -1)
    name=$(sed -E 's/.*"engine":"([a-z0-9]+)".*/\1/' <<< "$r")
    rate=$(sed -E 's/.*"hashes_per_second":([0-9]+).*/\1/' <<< "$r" | awk '{printf "%.2f", $1/1e6}')
    echo "$rate" >> "$tmp/$e"
    line="$line  $e ${rate} MH/s"
    [ "$name" = "$e" ] || [ "$e" = simd ] || line="$line (ran $name)"
  done
  echo "$line  (threads=$threads)"
done
mo=$(median < "$tmp/openssl")
summary="median: openssl ${mo} M blocks/s"
for e in $engines; do
  m=$(median < "$tmp/$e")
  summary="$summary, $e ${m} MH/s ($(awk -v a="$m" -v b="$mo" 'BEGIN{printf "%.2f", a/b}')x)"
done
echo "$summary"
