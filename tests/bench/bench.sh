#!/usr/bin/env bash
# tests/bench/bench.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT [EDITS]
# Save-to-new-code latency: builds tests/bench/project (Debug, -O0), runs it
# under `vais-hot watch --exec`, then with hot_start, then under the loop a
# user could write by hand (inotifywait on the sources, then ninja; skipped
# without inotify-tools), and makes EDITS (default 9) real one-line edits to
# its 200-line hot source. For each: the time from the save to the first call
# that runs the new code, the compiler's and the linker's time (from
# .ninja_log), and ours: all the rest. Prints a table with medians, the
# floors (150 ms total, 30 ms ours), the ratios, and watch's median over the
# hand loop's; it asserts nothing about time. Reproduce: ctest -L bench -V
set -euo pipefail

cc=$1
vais_hot_dir=$2
edits=${4:-9}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "$3/bench.XXXXXX")
pids=()    # the program under test
helpers=() # what rebuilds it by hand, ended in this order

cleanup() {
    for p in "${pids[@]}" "${helpers[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$work"/*.err; do
        echo "--- $f" >&2
        tail -n 20 "$f" >&2 || true
    done
    exit 1
}

now_ns() { date +%s%N; }

# Waits until file $1 holds a line matching the extended regex $2 (at most
# $3 seconds); prints the first such line.
wait_for_line() {
    local file=$1 pattern=$2 seconds=$3 line
    local deadline=$(($(now_ns) + seconds * 1000000000))
    while (($(now_ns) < deadline)); do
        line=$(grep -m1 -E -- "$pattern" "$file" || true)
        [[ -n $line ]] && { echo "$line"; return 0; }
        sleep 0.005
    done
    fail "'$file' had no line matching '$pattern' within ${seconds}s"
}

# Writes the 200-line hot source, with probe() returning $1: nineteen helpers
# of nine lines each and probe calling them: 200 lines.
hot_text() {
    local value=$1 i
    echo "/* hot.c: the benchmark's hot source (written by bench.sh, 200 lines). */"
    echo "#include <stddef.h>"
    for i in $(seq 1 19); do
        echo "static long mix_$i(long x)"
        echo "{"
        echo "    long y = x * $((i * 2654435761 % 1000003)) + $i;"
        echo "    for (size_t k = 0; k < $((i % 5 + 2)); k++)"
        echo "        y ^= (y << $((i % 7 + 1))) + (y >> $((i % 3 + 2)));"
        echo "    if (y < 0)"
        echo "        y = -y;"
        echo "    return y % $((i * 97 + 13));"
        echo "}"
    done
    echo
    echo "#[hot]"
    echo "long probe(void)"
    echo "{"
    echo "    long acc = 1;"
    for i in $(seq 1 19); do echo "    acc += mix_$i(acc);"; done
    echo "    (void)acc;"
    echo "    return $value; /* the line the benchmark edits */"
    echo "}"
}

write_hot() {
    local text
    text=$(hot_text "$1")
    printf '%s\n' "$text" >"$work/src/hot.c.new"
    mv "$work/src/hot.c.new" "$work/src/hot.c"
}

cp -r "$here/project" "$work/src"
write_hot 1000
(($(wc -l <"$work/src/hot.c") == 200)) || fail "hot.c is not 200 lines"
mkdir "$work/tmp"
export TMPDIR="$work/tmp"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug \
    -DVAIS_HOT_DIR="$vais_hot_dir" >"$work/configure.err" 2>&1 || fail "configure failed"
cmake --build "$work/build" >"$work/build.err" 2>&1 || fail "build failed"
vais_hot="$work/build/vais-hot/tool/vais-hot"

# The last .ninja_log entry whose output matches the awk regex $1, as
# "start end" (ms since its ninja began). Ninja may compact its log at any
# start, so entries are found by output, never by line number.
ninja_last() {
    awk -v re="$1" '$4 ~ re { line = $1 " " $2 } END { print line }' "$work/build/.ninja_log"
}

# Makes the edits under the running program whose output is $1 and whose
# builds are reported on $2 ("built" or "reloaded" lines count them); adds
# one row per edit to $work/rows.$3.
measure() {
    local out=$1 err=$2 mode=$3 value t0 t1 line built total cs ce ls le gs ge us ue
    value=1000
    for i in $(seq 0 "$edits"); do # edit 0 warms the caches up, unrecorded
        value=$((value + 1))
        built=$(grep -c "vais-hot: reloaded" "$err" || true)
        write_hot "$value"
        t0=${EPOCHREALTIME/./}000 # no fork: the save has just returned
        line=$(wait_for_line "$out" " value=$value\$" 60)
        t1=${line%% *}
        # The reload is logged after the first call of new code may run;
        # wait for it, so this build's .ninja_log lines are all there.
        local deadline=$(($(now_ns) + 60000000000))
        until (($(grep -c "vais-hot: reloaded" "$err" || true) > built)); do
            (($(now_ns) < deadline)) || fail "no reload line after edit $i"
            sleep 0.005
        done
        wait_idle "$err"
        total=$(((t1 - t0) / 1000))
        read -r cs ce <<<"$(ninja_last 'units/hot\\.c\\.o$')"
        read -r ls le <<<"$(ninja_last 'libbench_hot\\.so$')"
        read -r gs ge <<<"$(ninja_last 'cmake\\.verify_globs$')"
        read -r us ue <<<"$(ninja_last 'units/hot\\.c$')"
        ((i > 0)) && echo "$total $((ce - cs)) $((le - ls)) $le $((ge - gs)) $((ue - us))" >>"$work/rows.$mode"
    done
}

# Waits until the builder reporting on $1 has no build going.
wait_idle() {
    local err=$1 deadline=$(($(now_ns) + 60000000000)) started ended
    while (($(now_ns) < deadline)); do
        started=$(grep -c "vais-hot: building 'bench_hot'" "$err" || true)
        ended=$(grep -cE "vais-hot: (built 'bench_hot'|build of 'bench_hot' failed)" "$err" || true)
        ((started <= ended)) && return 0
        sleep 0.005
    done
    fail "the builds did not end"
}

# vais-hot watch --exec
rm -f "$work/stop"
"$vais_hot" watch --exec "$work/build" bench -- "$work/stop" >"$work/watch.out" 2>"$work/watch.err" &
pids+=($!)
wait_for_line "$work/watch.out" " value=1000$" 60 >/dev/null
measure "$work/watch.out" "$work/watch.err" watch
touch "$work/stop"
kill -INT "${pids[0]}"
wait "${pids[0]}" || true
pids=()

# Builds the program afresh, runs command $2 (what rebuilds it: `:` when
# the program does), then the program (with the environment assignments
# after $2), and makes the edits under it, reported as mode $1; then stops
# the program.
run_program() {
    local mode=$1 rebuilder=$2
    shift 2
    rm -f "$work/stop"
    write_hot 1000
    cmake --build "$work/build" >"$work/build.err" 2>&1 || fail "build failed"
    "$rebuilder"
    env "$@" "$work/build/bench" "$work/stop" >"$work/$mode.out" 2>"$work/$mode.err" &
    pids+=($!)
    wait_for_line "$work/$mode.out" " value=1000$" 60 >/dev/null
    measure "$work/$mode.out" "$work/$mode.err" "$mode"
    touch "$work/stop"
    wait "${pids[0]}" || true
    pids=()
}

# hot_start(NULL) in the program itself
run_program hot_start : BENCH_HOT_START=1

# By hand: the program in auto mode (its first hot call starts it), and a
# loop that waits for a save of hot.c with inotifywait and then runs ninja.
# (inotifywait first: once it ends, the loop reads the end and ends too.)
start_hand_loop() {
    local events
    exec {events}< <(exec inotifywait -m -e close_write,moved_to --format %f "$work/src" \
        2>"$work/hand_loop.log")
    helpers+=($!)
    wait_for_line "$work/hand_loop.log" "Watches established" 30 >/dev/null
    while read -r name <&"$events"; do
        [[ $name == hot.c ]] && ninja -C "$work/build" bench_hot >/dev/null 2>&1
    done &
    helpers+=($!)
}
by_hand=0
if command -v inotifywait >/dev/null; then
    by_hand=1
    run_program by_hand start_hand_loop
fi

# The table: one row per edit, then the medians against the floors.
report() {
    awk -v mode="$1" '
        function median(a, n,   i, j, t, b) {
            for (i = 1; i <= n; i++) b[i] = a[i]
            for (i = 2; i <= n; i++)
                for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
            return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
        }
        function row(label, a, b, c, d, e, f, g) {
            printf "%-9s %5s %7.1f %8.1f %6.1f %6.1f %7.1f %7.1f %5.1f\n", mode, label, a, b, c, d, e, f, g
        }
        {
            n++; total[n] = $1 / 1000; cc[n] = $2; ld[n] = $3; ours[n] = total[n] - cc[n] - ld[n]
            ninja[n] = $4 - cc[n] - ld[n]; globs[n] = $5; gen[n] = $6
            row(n, total[n], cc[n], ld[n], ours[n], ninja[n], globs[n], gen[n])
        }
        END {
            mt = median(total, n); mo = median(ours, n)
            row("med", mt, median(cc, n), median(ld, n), mo, median(ninja, n), median(globs, n), median(gen, n))
            printf "%-9s %5s %7.1f %8s %6s %6.1f\n", mode, "floor", 150, "", "", 30
            printf "%-9s %5s %7.2f %8s %6s %6.2f   (median / floor: at most 1.00 meets it)\n", mode,
                "ratio", mt / 150, "", "", mo / 30
        }' "$work/rows.$1"
}
echo "save -> first call of new code: $edits one-line edits of a 200-line hot source, $cc -O0, in ms"
printf "%-9s %5s %7s %8s %6s %6s %7s %7s %5s\n" mode edit total compiler linker ours "in-ninja" globchk gen
report watch
report hot_start
if ((by_hand)); then
    report by_hand
    awk 'FNR == 1 { f++ } { t[f, FNR] = $1; n[f] = FNR }
        function median(f,   i, j, k, b) {
            for (i = 1; i <= n[f]; i++) b[i] = t[f, i]
            for (i = 2; i <= n[f]; i++)
                for (j = i; j > 1 && b[j - 1] > b[j]; j--) { k = b[j]; b[j] = b[j - 1]; b[j - 1] = k }
            return n[f] % 2 ? b[(n[f] + 1) / 2] : (b[n[f] / 2] + b[n[f] / 2 + 1]) / 2
        }
        END { printf "watch / by_hand: %.2f (median totals; goal: <= 1.05)\n", median(1) / median(2) }' \
        "$work/rows.watch" "$work/rows.by_hand"
else
    echo "by_hand skipped: inotifywait is not installed (apt-get install inotify-tools)"
fi
echo "ours = total - compiler - linker. Of ours, in-ninja is the time the build tool spent beyond"
echo "the compiler and linker: CMake's glob check (globchk), vais-hot gen (gen), starting steps."
echo "The rest is the watcher noticing the save and starting the build, and the reload."
