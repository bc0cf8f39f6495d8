#!/usr/bin/env bash
# tests/e2e/hot_start.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT
# hot_start(NULL): the running counter rebuilds its own hot library when
# step.c is saved, shows a failed build and keeps its last good code, then
# picks up the fix, and a save that keeps the file's old modification time.
# No build is run by this script after the first. Then:
# private copies of a killed program are removed by the next one.
source "$(dirname "$0")/lib.sh"
skip_under_wine "a Windows program cannot wait for the Linux build it starts" \
    "(the build runs, and its library reloads, but its exit status reads -1 at once)"

build_counter
start_counter COUNTER_HOT_START=1

set_mark 2
wait_for_mark 2 "$(now_ns)" 30 >/dev/null
wait_for_stderr "vais-hot: reloaded v2" 1

break_step
wait_for_stderr "vais-hot: build of 'counter_hot' failed" 30
grep -q "step.c:8" "$work/err" || fail "the compiler's error did not reach stderr"
wait_for_mark 2 "$(now_ns)" 2 >/dev/null # still running, still v2

set_mark 3
wait_for_mark 3 "$(now_ns)" 30 >/dev/null

# A save the build tool cannot see by its time is built all the same.
set_mark_same_time 4
wait_for_mark 4 "$(now_ns)" 30 >/dev/null

stop_counter

# A program killed before its exit handlers ran leaves its private copies;
# the next start of any vais-hot program removes them.
start_counter
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
pid=""
[[ -n $(ls -A "$work/tmp") ]] || fail "the killed program left no private directory to test with"
start_counter
stop_counter
echo "e2e hot_start with $cc: all checks passed"
