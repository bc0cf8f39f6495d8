#!/usr/bin/env bash
# tests/e2e/watch_exec.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT
# `vais-hot watch --exec`: it runs the counter; a body edit reloads it in
# place; a changed signature rebuilds the core and restarts the program,
# saying why, and so does a changed layout of the struct the core shares;
# SIGTERM ends the watch (143) and the program it started. A Windows
# program runs under the watch's plain `wine`, in the test's prefix.
source "$(dirname "$0")/lib.sh"

build_counter
export TMPDIR="$work/tmp"
((under_wine == 0)) || wine_export "$work"
start_watch "$work/out" "$work/err" --exec "$work/build" counter -- "$work/stop"
pid=$watch_pid # wait_for_mark fails as soon as this ends
wait_for_text "$work/err" "vais-hot: started 'counter' (pid " 60
first=$(sed -n "s/^vais-hot: started 'counter' (pid \([0-9]*\))$/\1/p" "$work/err")
wait_for_mark 1 0 30 >/dev/null

# A body edit reloads the running program; no restart. The second edit's
# round begins only after the first one's has ended, checks included.
set_mark 2
wait_for_mark 2 "$(now_ns)" 60 >/dev/null
set_mark 3
wait_for_mark 3 "$(now_ns)" 60 >/dev/null
[[ $(count_lines "$work/err" "vais-hot: started 'counter'") == 1 ]] || fail "a body edit restarted the program"

# A changed signature: the core is rebuilt and the program restarted, afresh.
# One save holds both edits, so the restarted program runs mark 9 from its
# first frame.
sed -i -e 's|^long step(struct counter \*c)$|long step(struct counter *c, long by)|' \
    -e "s|^    return [^/]*/\* mark \*/|    return 9; /* mark */|" "$work/src/step.c"
wait_for_text "$work/err" "vais-hot: restarting 'counter' because the hot functions' signatures changed" 60
wait_for_mark 9 0 60 >/dev/null
second=$(sed -n "s/^vais-hot: started 'counter' (pid \([0-9]*\))$/\1/p" "$work/err" | tail -n 1)
[[ -n $second && $second != "$first" ]] || fail "no new program was started"
! kill -0 "$first" 2>/dev/null || fail "the first program still runs"
grep -qE " count=1 mark=9 stored=9"$'\r'"?$" "$work/out" ||
    fail "the restarted program did not start from a fresh state"

# A field added to the struct the core shares: the running program refuses
# the new layout, so the core is rebuilt and the program restarted.
sed -i 's|^    long count;$|    long count;\n    long extra;|' "$work/src/counter.h"
wait_for_text "$work/err" "vais-hot: restarting 'counter' because a file it compiles changed" 60
deadline=$(($(now_ns) + 60000000000))
while (($(count_lines "$work/err" "vais-hot: started 'counter'") < 3)); do
    (($(now_ns) < deadline)) || fail "no new program was started after the layout change"
    kill -0 "$watch_pid" 2>/dev/null || fail "the watch exited before it restarted the program"
    sleep 0.01
done
third=$(sed -n "s/^vais-hot: started 'counter' (pid \([0-9]*\))$/\1/p" "$work/err" | tail -n 1)
! kill -0 "$second" 2>/dev/null || fail "the second program still runs"
wait_for_mark 9 "$(now_ns)" 60 >/dev/null

# SIGTERM ends the watch, and the program it started with it.
stop_watch TERM
pid=""
[[ $watch_status == 143 ]] || fail "the watch exited with status $watch_status after SIGTERM, not 143"
! kill -0 "$third" 2>/dev/null || fail "the program the watch started outlived it"
echo "e2e watch --exec with $cc: all checks passed"
