#!/usr/bin/env bash
# tests/e2e/first_load.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT
# A program started while its hot library is being linked (as an IDE does
# when run is pressed during a build) loads only the library its stamp
# vouches for: started while the library is missing, half-written, or
# replaced but not yet stamped, it says once that it waits, and runs the
# new code as soon as the build lands (library, then stamp). Past the
# deadline (shortened with VAIS_HOT_TEST_WAIT_MS), or once a library its
# stamp does not vouch for sat unchanged for a quarter of it, it stops with
# a clear error. A library with no stamp (built by hand, or named by
# VAIS_HOT_LIBRARY) is loaded at once, as it is.
source "$(dirname "$0")/lib.sh"

build_counter
lib=$library
cp "$lib" "$work/v1.so"
set_mark 2
cmake --build "$work/build" --target counter_hot >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the v2 build failed"; }
cp "$lib" "$work/v2.so"

stamp() { "$tool" stamp "$lib" "$lib.stamp" || fail "vais-hot stamp failed"; }
waiting() { echo "vais-hot: '$shown_library' $1; waiting up to 120 s for a build of 'counter_hot' to land"; }

# Checks that the program, started with launch_counter, is waiting: it said
# so (the line $1), has printed nothing, and has loaded nothing.
check_waiting() {
    wait_for_stderr "$1" 10
    kill -0 "$pid" 2>/dev/null || fail "the program exited while it should wait"
    [[ ! -s $work/out ]] || fail "the program ran hot code before the build landed"
    ! grep -q "loaded" "$work/err" || fail "the program loaded a library before the build landed"
}

# Checks that the program runs mark $1 after the build landed, and said it
# waited exactly once.
check_landed() {
    wait_for_mark "$1" 0 10 >/dev/null
    [[ $(count_lines "$work/err" "waiting up to") == 1 ]] || fail "the waiting line was not said once"
    [[ $(count_lines "$work/err" "vais-hot: loaded v1 from '$shown_library'") == 1 ]] || fail "no single 'loaded v1' line"
    stop_counter
}

# Missing: the linker removed the old library; the stamp still names v2.
rm "$lib"
launch_counter
check_waiting "$(waiting "is missing")"
cat "$work/v1.so" >"$lib"
stamp
check_landed 1

# Half-written in place, as GNU ld writes; the stamp still names v1.
half=$(($(stat -c %s "$work/v2.so") / 2))
head -c "$half" "$work/v2.so" >"$lib"
launch_counter
check_waiting "$(waiting "does not match its stamp")"
tail -c "+$((half + 1))" "$work/v2.so" >>"$lib"
stamp
check_landed 2

# Replaced whole by rename, as lld writes, and not yet stamped.
cp "$work/v1.so" "$lib.tmp"
mv "$lib.tmp" "$lib"
launch_counter
check_waiting "$(waiting "does not match its stamp")"
stamp
check_landed 1

# No build lands: the error, once the library sat unchanged for a quarter
# of the (shortened) deadline, or after the deadline when it is missing.
# Checks that the program, launched with the deadline at 0.3 s, stops with
# status 1 and says exactly what the lines $1... say.
check_gives_up() {
    local deadline=$(($(now_ns) + 10000000000))
    while kill -0 "$pid" 2>/dev/null; do
        (($(now_ns) < deadline)) || fail "the program still waits 10 s after a 0.3 s deadline"
        sleep 0.01
    done
    local status=0
    wait "$pid" || status=$?
    pid=""
    ((status == 1)) || fail "the program exited with status $status, not 1"
    printf '%s\n' "$@" >"$work/expected"
    # (A Windows program ends its lines with \r\n.)
    diff -u "$work/expected" <(tr -d '\r' <"$work/err") >&2 || fail "the program did not say what was expected"
    [[ -z $(ls -A "$private_parent") ]] || fail "private copies left behind: $(ls -A "$private_parent")"
}
cp "$work/v2.so" "$lib.tmp"
mv "$lib.tmp" "$lib"
launch_counter VAIS_HOT_TEST_WAIT_MS=400
error="'$shown_library' does not match its stamp and has not changed for 0.1 s, so no build is landing; build 'counter_hot' again, or remove its stamp to load the library as it is"
check_gives_up "vais-hot: '$shown_library' does not match its stamp; waiting up to 0.4 s for a build of 'counter_hot' to land" \
    "vais-hot: no hot code loaded: $error" "vais-hot: cannot run 'step', the program stops: $error"
rm "$lib" "$lib.stamp"
launch_counter VAIS_HOT_TEST_WAIT_MS=300
error="'$shown_library' is still missing after 0.3 s; build 'counter_hot'"
check_gives_up "vais-hot: '$shown_library' is missing; waiting up to 0.3 s for a build of 'counter_hot' to land" \
    "vais-hot: no hot code loaded: $error" "vais-hot: cannot run 'step', the program stops: $error"

# No stamp at all: a library built by hand is loaded as it is, at once,
# also one named by VAIS_HOT_LIBRARY.
cp "$work/v2.so" "$lib"
for run in "2 $shown_library" "1 $shown_prefix$work/v1.so"; do
    start_counter VAIS_HOT_LIBRARY="${run#* }"
    wait_for_mark "${run%% *}" 0 10 >/dev/null
    grep -qF "vais-hot: loaded v1 from '${run#* }'" "$work/err" || fail "'${run#* }' was not loaded"
    ! grep -q "waiting up to" "$work/err" || fail "the unstamped '${run#* }' was waited for"
    stop_counter
done
echo "e2e first_load with $cc: all checks passed"
