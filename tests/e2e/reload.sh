#!/usr/bin/env bash
# tests/e2e/reload.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT
# The whole path, for real: configure the counter project with Ninja, start
# it, edit its hot source and rebuild, and check that (a) the new code runs
# within 2 s of the build, (b) the state kept counting, (c) building `all`
# did not relink the executable, (d) a failed build keeps the last good code
# and the fix is picked up, (e) a changed signature is refused by name while
# the program keeps running. Prints the figures it measured.
set -euo pipefail

cc=$1
vais_hot_dir=$2
work=$(mktemp -d "$3/e2e-reload.XXXXXX")
pid=""

cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    echo "--- program stdout (last 5 lines)" >&2
    tail -n 5 "$work/out" >&2 || true
    echo "--- program stderr" >&2
    cat "$work/err" >&2 || true
    exit 1
}

now_ns() { date +%s%N; }

# Waits until the program's stdout has a line with "mark=$1" that was printed
# after the time $2 (ns); prints that line. Fails after $3 seconds.
wait_for_mark() {
    local mark=$1 after=$2 seconds=$3 line
    local deadline=$(($(now_ns) + seconds * 1000000000))
    while (($(now_ns) < deadline)); do
        line=$(awk -v m="mark=$mark" -v t="$after" '$3 == m && $1 > t { print; exit }' "$work/out")
        if [[ -n $line ]]; then
            echo "$line"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || fail "the program exited while waiting for mark=$mark"
        sleep 0.01
    done
    fail "no line with mark=$mark within ${seconds}s"
}

# Waits until stderr holds the fixed text $1, for at most $2 seconds.
wait_for_stderr() {
    local text=$1 seconds=$2
    local deadline=$(($(now_ns) + seconds * 1000000000))
    while (($(now_ns) < deadline)); do
        grep -qF -- "$text" "$work/err" && return 0
        sleep 0.01
    done
    fail "stderr never said: $text"
}

set_mark() { sed -i "s|^    return [^/]*/\* mark \*/|    return $1; /* mark */|" "$work/src/step.c"; }
exe_identity() { stat -c '%i %Y' "$work/build/counter"; }

cp -r "$(dirname "$0")/counter" "$work/src"
mkdir "$work/tmp"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_BUILD_TYPE=Debug -DVAIS_HOT_DIR="$vais_hot_dir" >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; fail "configure failed"; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build failed"; }

# Started from another directory: the program finds its library by itself.
(cd / && TMPDIR="$work/tmp" exec "$work/build/counter" "$work/stop" >"$work/out" 2>"$work/err") &
pid=$!
wait_for_mark 1 0 10 >/dev/null
grep -qF "vais-hot: loaded v1 from '$work/build/libcounter_hot.so' (1 hot function)" "$work/err" ||
    fail "no 'loaded v1' line"

# (a) (b) (c): edit the body, build everything; only the library relinks.
before=$(exe_identity)
set_mark 2
start=$(now_ns)
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "rebuild failed"; }
built=$(now_ns)
first_new=$(wait_for_mark 2 "$start" 2)
last_old=$(awk -v t="${first_new%% *}" '$3 == "mark=1" && $1 < t { l = $0 } END { print l }' "$work/out")
old_count=${last_old#*count=}; old_count=${old_count%% *}
new_count=${first_new#*count=}; new_count=${new_count%% *}
((new_count == old_count + 1)) ||
    fail "state did not carry on: count $old_count under v1, then $new_count under v2"
[[ $(exe_identity) == "$before" ]] || fail "building 'all' after a body edit relinked the executable"
grep -q "Linking C shared library libcounter_hot.so" "$work/build.log" || fail "the library was not relinked"
! grep -q "Linking C executable counter" "$work/build.log" || fail "the executable was relinked"
stamp_ns=$(find "$work/build/libcounter_hot.so.stamp" -printf '%T@' | tr -d .)
stamp_ns=${stamp_ns:0:19}
echo "figure: hot rebuild, edit to stamp (cmake --build, all): $(((built - start) / 1000000)) ms"
echo "figure: stamp to first call of new code: $(((${first_new%% *} - stamp_ns) / 1000)) us (frames are 5 ms apart)"

# (d) a failed build keeps the last good code; the fix is picked up.
sed -i 's|^    return 2; /\* mark \*/|    return 2 /* mark */|' "$work/src/step.c"
if cmake --build "$work/build" --target counter_hot >"$work/build.log" 2>&1; then
    fail "a build with a syntax error succeeded"
fi
grep -q "step.c:8" "$work/build.log" || { cat "$work/build.log"; fail "the compile error does not point at step.c:8"; }
broken=$(now_ns)
wait_for_mark 2 "$broken" 2 >/dev/null # still running, still v2
set_mark 3
cmake --build "$work/build" --target counter_hot >"$work/build.log" 2>&1 || fail "the fixed build failed"
wait_for_mark 3 "$(now_ns)" 2 >/dev/null

# (e) a changed signature is refused by name; the program keeps v3 running.
sed -i 's|^long step(struct counter \*c)$|long step(struct counter *c, long by)|' "$work/src/step.c"
cmake --build "$work/build" --target counter_hot >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the signature-change build failed"; }
wait_for_stderr "vais-hot: kept v3: 'step' changed signature long(struct counter *) -> long(struct counter *, long); rebuild 'counter' and restart to use it" 2
wait_for_mark 3 "$(now_ns)" 2 >/dev/null

# A clean stop leaves no private copies behind.
touch "$work/stop"
wait "$pid" || fail "the program exited with status $?"
pid=""
[[ -z $(ls -A "$work/tmp") ]] || fail "private copies left behind: $(ls -A "$work/tmp")"
echo "e2e reload with $cc: all checks passed"
