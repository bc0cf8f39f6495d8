#!/usr/bin/env bash
# tests/windows/image/image.sh VAIS-HOT TEST-IMAGE VAIS-HOT-DIR SCRATCH-PARENT
# Builds with mingw-w64 what the PE readers are tried on (test_image.c says
# what it checks): a plain DLL importing from a program, the program, and
# three hot DLLs from `vais-hot gen --target x86_64-coff` (as built, after
# a body edit, after a shared type changed), each stamped by `vais-hot
# stamp`, which writes its summary from the PE file. Nothing runs under
# Wine: the files are read on Linux, as the vais-hot command reads them.
set -euo pipefail
tool=$1 test=$2 source=$(cd "$3" && pwd)
work=$(mktemp -d "$4/image.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v x86_64-w64-mingw32-gcc >/dev/null ||
    fail "no x86_64-w64-mingw32-gcc: install gcc-mingw-w64-x86-64 (as .ci/run does)"
here=$source/tests/windows/image
cc() { x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -g -O1 -I"$source/include" -I"$here" "$@"; }

# The program's import library comes from its object, before it links, as a
# hot build's must (docs/platforms.md).
cc -c "$here/core.c" -o "$work/core.o"
TMPDIR=$work x86_64-w64-mingw32-dlltool --export-all-symbols -D core.exe -l "$work/libcore.dll.a" \
    "$work/core.o" # its two empty files in TMPDIR go with $work
cc "$work/core.o" -o "$work/core.exe"
cc -shared -Wl,--build-id "$here/plain.c" -L"$work" -lcore -o "$work/plain.dll"

"$tool" gen --program core --target x86_64-coff --stubs "$work/stubs.c" --table "$work/table.c" \
    --unit "$here/hot.c" "$work/hot.unit.c" || fail "vais-hot gen --target x86_64-coff"
for build in app_hot:-DBODY=1 app_hot_body:-DBODY=3 app_hot_type:-DTAG_SIZE=20; do
    name=${build%%:*}
    cc -shared -fpatchable-function-entry=18,16 "${build#*:}" "$work/hot.unit.c" "$work/table.c" \
        -L"$work" -lcore -o "$work/$name.dll"
    "$tool" stamp "$work/$name.dll" "$work/$name.dll.stamp" || fail "vais-hot stamp $name.dll"
    [[ -s $work/$name.dll.stamp && -s $work/$name.dll.summary ]] ||
        fail "vais-hot stamp wrote no stamp or no summary for $name.dll"
done
"$test" "$work/plain.dll" "$work/core.exe" "$work/app_hot.dll" "$work/app_hot_body.dll" \
    "$work/app_hot_type.dll"
