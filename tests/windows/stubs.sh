#!/usr/bin/env bash
# tests/windows/stubs.sh VAIS-HOT VAIS-HOT-DIR SCRATCH-PARENT
# The stubs `vais-hot gen --target x86_64-coff` writes and the Windows x64
# lazy entry (runtime/lazy_x86_64-coff.c), built with mingw-w64 around
# tests/windows/harness.c and run under Wine: arguments pass the entry
# unchanged, and a swap of the active slots takes effect (see harness.c).
# Wine's unwinder finds the caller of the entry with or without its unwind
# information, so this cannot check that information; Windows would.
set -euo pipefail
tool=$1 source=$(cd "$2" && pwd)
work=$(mktemp -d "$3/windows.XXXXXX")
source "$(dirname "$0")/../wine.sh"
cleanup() {
    wine_stop "$work"
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
missing=$(wine_tools_missing) || fail "$missing"
here=$source/tests/windows

"$tool" gen --program harness --target x86_64-coff --stubs "$work/stubs.c" \
    --table "$work/table.c" --unit "$here/hot.c" "$work/hot.unit.c" ||
    fail "vais-hot gen --target x86_64-coff"
# The stubs as a Debug build may compile them (C99, strict warnings, every
# function instrumented and protected), and the entry as the runtime is;
# linked statically, so that Wine needs no DLL of mingw-w64's (libssp).
x86_64-w64-mingw32-gcc -std=c99 -pedantic -Wall -Wextra -Werror -O2 -I"$source/include" \
    -finstrument-functions -fstack-protector-all \
    -DVAIS_HOT_LIBRARY='"harness_hot.dll"' -DVAIS_HOT_SOURCES='"hot.c"' \
    -DVAIS_HOT_UNITS='"hot.unit.c"' -DVAIS_HOT_REBUILD='"build"' \
    -c "$work/stubs.c" -o "$work/stubs.o" || fail "the stubs do not compile"
x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O2 -I"$source/include" -I"$source/runtime" \
    -c "$source/runtime/lazy_x86_64-coff.c" -o "$work/lazy.o" || fail "the lazy entry does not compile"
x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O2 -fno-builtin -I"$source/include" \
    -fstack-protector-all -static "$here/harness.c" "$work/stubs.o" "$work/lazy.o" \
    -o "$work/harness.exe" ||
    fail "the harness does not link"
output=$(wine_run "$work" "$work/harness.exe") ||
    { printf '%s\n' "$output"; cat "$work/wine.err"; fail "the harness failed"; }
output=${output//$'\r'/}
printf '%s\n' "$output"
[[ $output == *"all passed" ]] || fail "the harness did not say all passed"
