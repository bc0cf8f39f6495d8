#!/usr/bin/env bash
# tests/windows/os_files/run.sh VAIS-HOT-DIR SCRATCH-PARENT
# The Windows OS seam's files, loader, pages, clocks and watch
# (os/os_windows.c), built with mingw-w64 around test_os_files.c (which
# says what it checks) and a DLL it loads (library.c), and run under Wine
# in the prefix VAIS_HOT_WINE_PREFIX names. Shows each SKIP line: what
# Wine cannot show is said, never passed in silence.
set -euo pipefail
source=$(cd "$1" && pwd)
work=$(mktemp -d "$2/os_files.XXXXXX")
source "$source/tests/wine.sh"
remover=
cleanup() {
    [[ -z $remover ]] || { kill "$remover" 2>/dev/null || true; wait "$remover" 2>/dev/null || true; }
    wine_stop "$work"
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
missing=$(wine_tools_missing) || fail "$missing"
here=$source/tests/windows/os_files
cc() { x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 "$@"; }

cc -shared "$here/library.c" -o "$work/library.dll" || fail "library.c does not build"
# Statically linked, so that Wine needs no DLL of mingw-w64's.
cc -static -I"$source/os" -I"$source/include" "$here/test_os_files.c" "$source/os/os_windows.c" \
    -o "$work/test.exe" || fail "os/os_windows.c and the test do not build"

# What the test makes goes in files/; Wine shows / as drive Z:.
mkdir "$work/files" "$work/files/linked"
ln -s linked "$work/files/dir-link"
# A watched directory removed by a Linux program, as a build beside Wine
# would: when the test makes files/remove-tree (within two minutes).
remove_tree() {
    for ((i = 0; i < 2400; i++)); do
        if [[ -e $work/files/remove-tree ]]; then
            rm -r "$work/files/tree" "$work/files/remove-tree"
            return
        fi
        sleep 0.05
    done
}
remove_tree &
remover=$!
status=0
output=$(wine_run "$work" "$work/test.exe" "Z:$work/files" "Z:$work/library.dll") || status=$?
output=${output//$'\r'/}
printf '%s\n' "$output"
if ((status != 0)) || [[ $output != *"all passed" ]]; then
    echo "--- Wine's output:"
    cat "$work/wine.err" 2>/dev/null || true
    fail "the test failed (exit status $status)"
fi
skipped=$(grep -c '^SKIP' <<<"$output" || true)
((skipped == 0)) || echo "note: $skipped checks skipped under Wine, as the SKIP lines above say"
