#!/usr/bin/env bash
# tests/e2e/watch.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT
# `vais-hot watch` on the counter while it runs: (a) each way of saving (in
# place, write-temp-and-rename, unlink-and-recreate) gets the new code run;
# (b) a compile error is shown, watching goes on, the old code keeps running
# and the fix is picked up, as is a save that keeps the file's old
# modification time; (c) a burst of 20 saves within 50 ms costs at
# most two builds and its last content is what runs, and a save during a
# build is built next; (d) Ctrl-C ends it with 130.
source "$(dirname "$0")/lib.sh"

build_counter
cp "$work/src/step.c" "$work/step.c.orig"
start_counter
start_watch "$work/watch.out" "$work/watch.err" "$work/build" counter

# The counter's step.c, returning $1.
step_text() { sed "s|return 1; /\* mark \*/|return $1; /* mark */|" "$work/step.c.orig"; }

# (a) Three ways editors save.
text=$(step_text 2)
inode=$(stat -c %i "$work/src/step.c")
printf '%s\n' "$text" >"$work/src/step.c"
[[ $(stat -c %i "$work/src/step.c") == "$inode" ]] || fail "the in-place save replaced the file"
wait_for_mark 2 "$(now_ns)" 60 >/dev/null

step_text 3 >"$work/src/.step.c.swp"
mv "$work/src/.step.c.swp" "$work/src/step.c"
wait_for_mark 3 "$(now_ns)" 60 >/dev/null

text=$(step_text 4)
rm "$work/src/step.c"
printf '%s\n' "$text" >"$work/src/step.c"
wait_for_mark 4 "$(now_ns)" 60 >/dev/null

# (b) A compile error: shown with its place, the watch goes on, v-old runs.
# The unlink-and-recreate save above may have had a build fail already, run
# while the file was missing: this waits for the next failure.
failed="vais-hot: build of 'counter_hot' failed"
failures=$(count_lines "$work/watch.err" "$failed")
break_step
wait_for_more "$work/watch.err" "$failed" "$failures" 60
grep -q "step.c:8:.*error" "$work/watch.out" || { cat "$work/watch.out"; fail "the compile error was not shown"; }
wait_for_mark 4 "$(now_ns)" 2 >/dev/null
set_mark 5
wait_for_mark 5 "$(now_ns)" 60 >/dev/null
set_mark_same_time 6 # the build tool cannot tell this save by its time
wait_for_mark 6 "$(now_ns)" 60 >/dev/null

# Waits until every build the watch started has ended.
wait_idle() {
    local deadline=$(($(now_ns) + 60000000000)) started ended
    while (($(now_ns) < deadline)); do
        started=$(count_lines "$work/watch.err" "vais-hot: building 'counter_hot'")
        ended=$(($(count_lines "$work/watch.err" "vais-hot: built 'counter_hot'") +
            $(count_lines "$work/watch.err" "vais-hot: build of 'counter_hot' failed")))
        ((started == ended)) && return 0
        sleep 0.01
    done
    fail "the watch's builds did not end within 60s"
}

# (c) A burst of 20 in-place saves, made with shell builtins only. They
# overwrite without truncating (a truncating save costs ext4 a flush each):
# all are longer than the file and of one length, so the last one is it.
wait_idle
before=$(count_lines "$work/watch.err" "vais-hot: building 'counter_hot'")
texts=()
for i in $(seq 100 119); do texts+=("$(step_text "$i")"); done
t0=$EPOCHREALTIME
for text in "${texts[@]}"; do printf '%s\n' "$text" 1<>"$work/src/step.c"; done
t1=$EPOCHREALTIME
burst_us=$(((${t1/./} - ${t0/./})))
((burst_us < 50000)) || fail "the 20 saves took ${burst_us} us, not within 50 ms"
wait_for_mark 119 "$(now_ns)" 60 >/dev/null
wait_idle
builds=$(($(count_lines "$work/watch.err" "vais-hot: building 'counter_hot'") - before))
((builds >= 1 && builds <= 2)) || fail "20 saves in ${burst_us} us gave $builds builds, not 1 or 2"
wait_for_mark 119 "$(now_ns)" 2 >/dev/null
figure "a burst of 20 saves in ${burst_us} us gave $builds build(s)"

# A save that lands during a build is built next, never lost.
before=$(count_lines "$work/watch.err" "vais-hot: building 'counter_hot'")
printf '%s\n' "$(step_text 120)" >"$work/src/step.c"
deadline=$(($(now_ns) + 60000000000))
until (($(count_lines "$work/watch.err" "vais-hot: building 'counter_hot'") > before)); do
    (($(now_ns) < deadline)) || fail "no build started within 60s of a save"
    sleep 0.001
done
printf '%s\n' "$(step_text 121)" >"$work/src/step.c"
wait_for_mark 121 "$(now_ns)" 60 >/dev/null

# (d) Ctrl-C: the watch ends with 130; the program it did not start runs on.
stop_watch INT
[[ $watch_status == 130 ]] || fail "the watch exited with status $watch_status after SIGINT, not 130"
kill -0 "$pid" 2>/dev/null || fail "stopping the watch stopped a program it did not start"
stop_counter
echo "e2e watch with $cc: all checks passed"
