#!/bin/bash
# A long session: runs the app on an X display through Race x10000 at difficulty 1, then Race x1000 at difficulty 2,
# with the Statistics tab shown for the second half of every thousand races, and every 1,000 races prints the live
# heap after a full GC and the longest FX-thread pause since the last line (see ui/Soak.java for what each figure
# measures). At the end it checks the issue-19 bound: the heap after 10,000 races within 2x of the heap after 1,000,
# and no frame gap (FX pulse to FX pulse) longer than 100 ms in the last 1,000 races at difficulty 1.
#
#   bench/soak.sh [PHASES]        PHASES: races x difficulty, comma-separated (default 10000x1,1000x2)
#
# Environment: JAR (default target/powrace.jar), SOAK_JAVA_OPTS (more JVM options, e.g. -Xlog:gc), SOAK_DISPLAY (default :95; an Xvfb is started there if none
# answers, and stopped after), SOAK_PORTS (default 7700,7701,7702). The ledger is a new one in a temporary folder,
# the window's bounds go to their own preferences node (/powrace-soak), and no class archive is used or written.
# Screenshots are taken after 5,000 races and at the end, into the same folder. Exits 0 if the bound holds, 1 if not, 2 on failure.
set -u
phases=${1:-10000x1,1000x2}
jar=${JAR:-target/powrace.jar}
display=${SOAK_DISPLAY:-:95}
ports=${SOAK_PORTS:-7700,7701,7702}
dir=$(mktemp -d /tmp/powrace-soak.XXXXXX)
xvfb=
app=
cleanup() {
    [ -n "$app" ] && kill -9 "$app" 2>/dev/null
    [ -n "$xvfb" ] && kill -9 "$xvfb" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 2' INT TERM

if ! xdpyinfo -display "$display" >/dev/null 2>&1; then
    Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 & xvfb=$!
    for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "soak.sh: $(nproc) cores, $(java -version 2>&1 | head -1); phases $phases; ledger and log in $dir" >&2
DISPLAY=$display POWRACE_NO_CDS=1 java ${SOAK_JAVA_OPTS:-} -Dpowrace.soak="$phases" -Dpowrace.prefs=/powrace-soak -jar "$jar" \
    --ports "$ports" --ledger "$dir/ledger.json" > "$dir/stdout" 2> "$dir/stderr" & app=$!

shown=0
shot=0
endshot=0
while kill -0 "$app" 2>/dev/null; do
    lines=$(grep -c '^soak:' "$dir/stderr")
    if [ "$lines" -gt "$shown" ]; then
        grep '^soak:' "$dir/stderr" | sed -n "$((shown + 1)),${lines}p" >&2
        shown=$lines
    fi
    if [ $shot = 0 ] && grep -q '^soak: races=5[0-9][0-9][0-9] ' "$dir/stderr"; then
        import -display "$display" -window root "$dir/soak-5000.png" 2>/dev/null; shot=1
    fi
    if [ $endshot = 0 ] && grep -q '^soak: done' "$dir/stderr"; then
        sleep 1; import -display "$display" -window root "$dir/soak-end.png" 2>/dev/null; endshot=1
    fi
    sleep 0.5
done
wait "$app"; status=$?
app=
grep '^soak:' "$dir/stderr" | sed -n "$((shown + 1)),\$p" >&2
if ! grep -q '^soak: done' "$dir/stderr"; then
    echo "soak.sh: the app ended (exit $status) before the soak was done; its stderr is in $dir/stderr" >&2
    exit 2
fi
# the bound: heap at the end of the first phase against the heap at 1,000; the longest gap of its last 1,000 races
first=$(echo "$phases" | cut -d, -f1 | cut -dx -f1)
awk -v last="$first" '
    /^soak: races=/ {
        split($2, r, "="); split($4, h, "="); split($5, g, "=")
        n = r[2] + 0
        if (!seen1) { heap1 = h[2]; seen1 = 1 }
        if (n >= last && !seenLast) { heapLast = h[2]; gapLast = g[2]; seenLast = 1 }
    }
    END {
        ok = heapLast <= 2 * heap1 && gapLast <= 100
        printf "soak.sh: heap after GC %.1f MB after 1,000 races, %.1f MB after %d (%.2fx); longest frame gap in the last 1,000 of them %.1f ms: %s\n", heap1, heapLast, last, heapLast / heap1, gapLast, ok ? "within the bound (2x, 100 ms)" : "OUT OF THE BOUND (2x, 100 ms)"
        exit ok ? 0 : 1
    }' "$dir/stderr" >&2
