#!/usr/bin/env bash
# tests/windows/guard/guard.sh VAIS-HOT-DIR SCRATCH-PARENT
# Crash rollback on Windows, under Wine: the guard project (beside this
# file) is built for Windows x64 with mingw-w64, and its program runs
# risky() guarded. Each build that makes risky() fault (an access
# violation, an illegal instruction, a division by zero, abort()) loads,
# crashes, and is rolled back to v1, saying so in one line, while the
# program keeps running v1; a good build then loads. Then called unguarded,
# a fault in hot code ends the program, saying so in one line; the next
# start ends leaving no private directory of its own. Not under Wine: a
# stack overflow (it says why).
source "$(dirname "$0")/../project.sh" "$1" "$2" guard

# Waits, at most 60 s, until file $1 has more than $2 lines holding the
# fixed text $3, while the program runs.
wait_for() {
    local deadline=$((SECONDS + 60))
    until (($(grep -cF -- "$3" "$1" || true) > $2)); do
        ((SECONDS < deadline)) || fail "no line saying '$3' within 60 s"
        kill -0 "$pid" 2>/dev/null || fail "the program ended while waiting for '$3'"
        sleep 0.02
    done
}
# Rewrites risky()'s marked line to $1, and builds the hot library.
build_with() {
    sed -i "s|^    .*/\* fault \*/$|    $1 /* fault */|" "$work/src/risky.c"
    cmake --build "$work/build" --target guard_hot >"$work/build.log" 2>&1 ||
        { cat "$work/build.log"; fail "the build of '$1' failed"; }
}

wine_words "$work" || fail "no Wine prefix to copy"
"${wine_words[@]}" "$work/build/guard.exe" "$work/stop" "$work/unguarded" >"$work/out" \
    2>"$work/wine.err" &
pid=$!
wait_for "$work/out" 0 "version=1 status=0 result=1"

version=1
for fault in "return *(volatile long *)(long)zero;:risky:access violation" \
    "__builtin_trap();:risky:illegal instruction" \
    "return 12345 / zero;:risky:integer division by zero" \
    "abort();:risky:abort"; do
    version=$((version + 1))
    code=${fault%%:*} rest=${fault#*:}
    ok_lines=$(grep -c "version=1 status=0 result=1" "$work/out" || true)
    build_with "$code"
    wait_for "$work/wine.err" 0 \
        "vais-hot: v$version crashed in '${rest%%:*}' (${rest#*:}); rolled back to v1, fix it and build again"
    wait_for "$work/out" 0 "status=-"
    # v1 runs again, and the crashed build is not loaded again.
    wait_for "$work/out" "$((ok_lines + 5))" "version=1 status=0 result=1"
done
[[ $(grep -c "crashed in" "$work/wine.err") == 4 ]] || fail "a crash was said more than once"
echo "SKIP: a stack overflow in hot code (Wine 8 raises none: it finds no room left on the" \
    "stack for the exception, says 'stack overflow', and hangs)"

build_with "return 7;"
wait_for "$work/out" 0 "status=0 result=7"

# Called unguarded, a fault in hot code ends the program, saying so once.
touch "$work/unguarded"
wait_for "$work/out" 0 "result=7 unguarded"
build_with "return *(volatile long *)(long)zero;"
deadline=$((SECONDS + 60))
while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "the program still runs 60 s after an unguarded fault"
    sleep 0.05
done
status=0
wait "$pid" || status=$?
pid=""
((status != 0)) || fail "the program ended well after an unguarded fault"
said="vais-hot: access violation in hot code 'risky' outside a guarded call: not rolled back,"
[[ $(grep -cF "$said" "$work/wine.err") == 1 ]] ||
    fail "the unguarded fault was not said once: $(tail -n 5 "$work/wine.err")"

# Its private directory holds the copies mapped as it ended, which Windows
# keeps: it is the next start's to sweep (windows_os_processes checks
# that), as soon as Wine has closed the ended program's files. A program
# that ends as it should leaves no private directory of its own.
rm "$work/unguarded"
build_with "return 7;"
temp=$(wine_temp "$work")
left_before=$(find "$temp" -maxdepth 1 -name 'vais-hot-*')
: >"$work/out" # now: the first run's lines must not pass for this one's
"${wine_words[@]}" "$work/build/guard.exe" "$work/stop" "$work/unguarded" >"$work/out" \
    2>"$work/wine.err" &
pid=$!
wait_for "$work/out" 0 "status=0 result=7"
touch "$work/stop"
status=0
wait "$pid" || status=$?
pid=""
((status == 0)) || fail "the program exited with status $status"
while read -r dir; do
    [[ -z $dir ]] || grep -qxF -- "$dir" <<<"$left_before" || fail "a private directory is left: $dir"
done < <(find "$temp" -maxdepth 1 -name 'vais-hot-*')
echo "guard under Wine: 4 faults rolled back, an unguarded one said, all checks passed"
