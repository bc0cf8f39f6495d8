#!/usr/bin/env bash
# tests/e2e/reload.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT
# The whole path, for real: build the counter project with Ninja, start it,
# edit its hot source and rebuild, and check that (a) the new code runs
# within 2 s of the build, (b) the state kept counting, (c) building `all`
# did not relink the executable, (d) a failed build keeps the last good code
# and the fix is picked up, (e) a changed signature is refused by name while
# the program keeps running, (f) so is a changed layout of a struct the core
# shares, (g) a function pointer v1 stored runs the new code, (h) a struct
# hot code only uses as a local is compared too. Prints the figures it
# measured.
source "$(dirname "$0")/lib.sh"

exe_identity() { stat -c '%i %Y' "$exe"; }

build_counter
start_counter
grep -qF "vais-hot: loaded v1 from '$shown_library' (1 hot function)" "$work/err" ||
    fail "no 'loaded v1' line"

# (a) (b) (c): edit the body, build everything; only the library relinks.
# (g) the pointer to a static function that v1 stored in the core's state
# runs v2's code too: soon after v2 runs, and from then on.
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
followed=$(wait_for_line "mark=2 stored=2" 2)
! grep -q "stored=1" < <(tail -n "+$followed" "$work/out") ||
    fail "the pointer v1 stored ran v1's code after it had run v2's"
[[ $(exe_identity) == "$before" ]] || fail "building 'all' after a body edit relinked the executable"
grep -qF "Linking C shared library ${library##*/}" "$work/build.log" || fail "the library was not relinked"
! grep -qF "Linking C executable ${exe##*/}" "$work/build.log" || fail "the executable was relinked"
stamp_ns=$(find "$library.stamp" -printf '%T@' | tr -d .)
stamp_ns=${stamp_ns:0:19}
figure "hot rebuild, edit to stamp (cmake --build, all): $(((built - start) / 1000000)) ms"
figure "stamp to first call of new code: $(((${first_new%% *} - stamp_ns) / 1000)) us (frames are 5 ms apart)"

# (d) a failed build keeps the last good code; the fix is picked up.
break_step
if cmake --build "$work/build" --target counter_hot >"$work/build.log" 2>&1; then
    fail "a build with a syntax error succeeded"
fi
grep -q "step.c:8" "$work/build.log" || { cat "$work/build.log"; fail "the compile error does not point at step.c:8"; }
wait_for_mark 2 "$(now_ns)" 2 >/dev/null # still running, still v2
set_mark 3
cmake --build "$work/build" --target counter_hot >"$work/build.log" 2>&1 || fail "the fixed build failed"
wait_for_mark 3 "$(now_ns)" 2 >/dev/null

# (e) a changed signature is refused by name; the program keeps v3 running.
sed -i 's|^long step(struct counter \*c)$|long step(struct counter *c, long by)|' "$work/src/step.c"
cmake --build "$work/build" --target counter_hot >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the signature-change build failed"; }
wait_for_stderr "vais-hot: kept v3: 'step' changed signature long(struct counter *) -> long(struct counter *, long); rebuild 'counter' and restart to use it" 2
wait_for_mark 3 "$(now_ns)" 2 >/dev/null

# (f) a struct the core shares changed layout: refused, naming the type and
# what changed, while v3 keeps running on the same state.
sed -i 's|^long step(struct counter \*c, long by)$|long step(struct counter *c)|' "$work/src/step.c"
sed -i 's|^    long count;$|    long count;\n    long extra;|' "$work/src/counter.h"
set_mark 4
cmake --build "$work/build" --target counter_hot >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the layout-change build failed"; }
# (A long is 4 bytes on Windows, where the pointer after it is aligned to 8:
# the size does not change.)
counter_change="16 -> 24 bytes, field 'extra' added" report_change="8 -> 16 bytes, field 'extra' added"
((under_wine == 0)) || counter_change="field 'extra' added" report_change="4 -> 8 bytes, field 'extra' added"
wait_for_stderr "vais-hot: kept v3: struct 'counter' changed layout ($counter_change); rebuild 'counter' and restart to use it" 2
wait_for_mark 3 "$(now_ns)" 2 >/dev/null

# (h) so is a struct both halves share that hot code only uses as a local
# and hands to the core: no hot signature reaches it.
sed -i '/^    long extra;$/d' "$work/src/counter.h"
sed -i 's|^    long value;$|    long value;\n    long extra;|' "$work/src/counter.h"
cmake --build "$work/build" --target counter_hot >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the report-change build failed"; }
wait_for_stderr "vais-hot: kept v3: struct 'report' changed layout ($report_change); rebuild 'counter' and restart to use it" 2
wait_for_mark 3 "$(now_ns)" 2 >/dev/null

stop_counter
echo "e2e reload with $cc: all checks passed"
