#!/usr/bin/env bash
# tests/cmake/link_errors.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT
# The link_errors project built with Ninja: a good build; a new helper in a
# hot source, which must not relink the core; a core function hot code uses
# made hidden, which fails the core's link, then an edit of the hot code,
# which fails the library's, then the fix, which must build; then a core
# that calls unmarked functions, with vais-hot's message in place of the
# linker's own. With gcc, the last again with Unix Makefiles, and with lld
# when it is installed.
set -euo pipefail
cc=$1
vais_hot_dir=$2
work=$(mktemp -d "$3/link_errors.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$(dirname "$0")/link_errors" "$work/src"

fail() { echo "FAIL: $*" >&2; exit 1; }
# configure CASE [cmake args...]
configure() {
    local case=$1
    shift
    cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug \
        -DVAIS_HOT_DIR="$vais_hot_dir" -DCASE="$case" "$@" >"$work/configure.log" 2>&1 ||
        { cat "$work/configure.log"; fail "configure of $case failed"; }
}
# build_fails WHAT: the build must fail; its output is in $work/build.log.
build_fails() {
    if cmake --build "$work/build" >"$work/build.log" 2>&1; then
        cat "$work/build.log"
        fail "$1: the build succeeded"
    fi
}
# count TEXT: the lines of the build's output holding the fixed TEXT.
count() { grep -cF -- "$1" "$work/build.log" || true; }

configure GOOD
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "good build"; }
[[ $("$work/build/app" 2>/dev/null) == "value=42" ]] || fail "good run: $("$work/build/app")"

# A new unmarked helper goes into the core's list of them, and relinks
# nothing but the hot library.
exe_before=$(stat -c '%i %Y' "$work/build/app")
printf '\nint util_new(int x)\n{\n    return x;\n}\n' >>"$work/src/util.c"
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "helper build"; }
grep -qxF "function util_new util.c" "$work/build/vais_hot/app/unmarked.txt" ||
    fail "the new helper is not in the core's list"
grep -qF "Linking C shared library libapp_hot.so" "$work/build.log" || fail "the library was not relinked"
! grep -qF "Linking C executable app" "$work/build.log" || fail "a new helper relinked the core"
[[ $(stat -c '%i %Y' "$work/build/app") == "$exe_before" ]] || fail "the executable changed"

# The core hides core_secret, which hot code uses: the core's link fails,
# after it, naming the symbol and the fix.
stamp=$work/build/libapp_hot.so.stamp
hidden="vais-hot: error: hot code in 'libapp_hot.so' uses 'core_secret', which the core of 'app' defines hidden (-fvisibility=hidden or a visibility attribute), so the loader cannot find it: give it default visibility in the core, e.g. __attribute__((visibility(\"default\"))), and rebuild 'app'"
hide() {
    sed -i 's|^int core_secret(int x) /\* visibility \*/$|__attribute__((visibility("hidden"))) int core_secret(int x) /* visibility */|' \
        "$work/src/main.c"
}
unhide() { sed -i 's|^__attribute__((visibility("hidden"))) int core_secret|int core_secret|' "$work/src/main.c"; }
edit_hot() { sed -i "s|/\\* edit[^*]*\\*/|/* edit $1 */|" "$work/src/hot.c"; }
# The hot code is edited with that core on disk: app_hot's build fails, and
# the running program is not told to load it.
library_fails() {
    local stamp_before
    stamp_before=$(stat -c '%Y.%N' "$stamp" 2>/dev/null || echo none)
    edit_hot "$1"
    if cmake --build "$work/build" --target app_hot >"$work/build.log" 2>&1; then
        cat "$work/build.log"
        fail "hidden, library: the build succeeded"
    fi
    (($(count "$hidden") == 1)) || { cat "$work/build.log"; fail "no error after the library's link"; }
    [[ $(stat -c '%Y.%N' "$stamp" 2>/dev/null || echo none) == "$stamp_before" ]] ||
        fail "a library that needs a hidden symbol was stamped"
}
hide
build_fails "hidden, core"
(($(count "$hidden") == 1)) || { cat "$work/build.log"; fail "no error after the core's link"; }
library_fails 1

# The fix is in the core, not built yet: the library's check only warns.
unhide
cmake --build "$work/build" --target app_hot >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; fail "the library after the fix"; }
(($(count "vais-hot: warning: hot code in 'libapp_hot.so' uses 'core_secret', which the core of 'app' defines hidden; 'app' is older than 'main.c', so it is checked again when 'app' is linked") == 1)) ||
    { cat "$work/build.log"; fail "no warning about the core to be rebuilt"; }

# And once more, fixed with a build of everything: the library's check, which
# failed last time and runs first, must not stop the build that relinks the
# core (whichever of the two Ninja runs first).
hide
build_fails "hidden again, core"
library_fails 2
unhide
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the fixed build failed"; }
(($(count "vais-hot: error") == 0)) || { cat "$work/build.log"; fail "an error in the fixed build"; }
[[ $("$work/build/app" 2>/dev/null) == "value=42" ]] || fail "fixed run: $("$work/build/app")"

# The core calls two unmarked functions (one of them twice): one line each,
# and none of the linker's own.
configure UNMARKED
build_fails "unmarked"
for f in util_scale util_clamp; do
    line="vais-hot: the core of 'app' calls '$f', which hot source 'util.c' defines without '#[hot]': mark it '#[hot]' or move 'util.c' to SOURCES"
    (($(count "$line") == 1)) || { cat "$work/build.log"; fail "not one line for $f"; }
done
(($(count "vais-hot: the core of 'app' calls") == 2)) || { cat "$work/build.log"; fail "other functions named"; }
(($(count "undefined reference") == 0)) || { cat "$work/build.log"; fail "raw linker errors"; }

# The same with Unix Makefiles.
if [[ $cc == gcc ]]; then
    cmake -S "$work/src" -B "$work/make" -G "Unix Makefiles" -DCMAKE_C_COMPILER="$cc" \
        -DCMAKE_BUILD_TYPE=Debug -DVAIS_HOT_DIR="$vais_hot_dir" -DCASE=UNMARKED >"$work/configure.log" 2>&1 ||
        { cat "$work/configure.log"; fail "configure with Unix Makefiles failed"; }
    if cmake --build "$work/make" -j 2 >"$work/build.log" 2>&1; then
        fail "unmarked with Unix Makefiles: the build succeeded"
    fi
    (($(count "vais-hot: the core of 'app' calls 'util_clamp'") == 1)) || { cat "$work/build.log"; fail "make"; }
    (($(count "undefined reference") == 0)) || { cat "$work/build.log"; fail "raw errors with make"; }
fi

# lld says it its way (and mold does too); vais-hot says the same.
if [[ $cc == gcc ]] && command -v ld.lld >/dev/null; then
    configure UNMARKED -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld
    build_fails "unmarked with lld"
    (($(count "calls 'util_scale', which hot source 'util.c'") >= 1)) || { cat "$work/build.log"; fail "lld"; }
    (($(count "undefined symbol") == 0)) || { cat "$work/build.log"; fail "raw lld errors"; }
fi
echo "link errors with $cc: every case says what to do"
