#!/usr/bin/env bash
# tests/windows/os_processes/run.sh VAIS-HOT-DIR SCRATCH-PARENT
# The Windows private directory and processes of the OS seam
# (os/private_dir_windows.c, os/os_process_windows.c), and the crash guard
# (runtime/guard_windows.c), built with mingw-w64 around test_os_processes.c,
# which says what it checks, and run under Wine with the programs it starts:
# child.exe, and the DLLs it loads (tiny.dll, guarded.dll, aborting.dll).
set -euo pipefail
source=$(cd "$1" && pwd)
work=$(mktemp -d "$2/os_processes.XXXXXX")
source "$source/tests/wine.sh"
cleanup() {
    wine_stop "$work"
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
missing=$(wine_tools_missing) || fail "$missing"
here=$source/tests/windows/os_processes

# Linked statically, so that Wine needs no DLL of mingw-w64's.
cc() { x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -static "$@"; }
cc -I"$source/os" -I"$source/runtime" -I"$source/include" "$source/os/private_dir_windows.c" \
    "$source/os/os_process_windows.c" "$source/runtime/guard_windows.c" \
    "$here/test_os_processes.c" -o "$work/test.exe" -lpthread || fail "the test does not build"
cc "$here/child.c" -o "$work/child.exe" || fail "child.exe does not build"
echo 'int tiny(void) { return 1; }' | cc -shared -x c - -o "$work/tiny.dll" ||
    fail "tiny.dll does not build"
cc -shared "$here/guarded.c" -o "$work/guarded.dll" || fail "guarded.dll does not build"
printf '#include <stdlib.h>\n__declspec(dllexport) void library_aborts(void) { abort(); }\n' |
    cc -shared -x c - -o "$work/aborting.dll" || fail "aborting.dll does not build"

status=0
output=$(wine_run "$work" "$work/test.exe") || status=$?
output=${output//$'\r'/}
printf '%s\n' "$output"
if [[ $status != 0 || $output != *"all passed" ]]; then
    cat "$work/wine.err" >&2
    fail "the test failed (exit status $status)"
fi
