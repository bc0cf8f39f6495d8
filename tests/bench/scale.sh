#!/usr/bin/env bash
# tests/bench/scale.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT
# The runtime's cost as a project grows, from one run, with the figures and
# ratios it prints (it asserts nothing about time):
# - reload: `big`, 300 hot files, 2400 hot functions and 200 structs its
#   core shares with them (about 4 MB of library, Debug -O0 -g), against
#   `small`, one file of 10 hot functions, both built here from sources made
#   here; for each, hot_check from a stamp landing to the new table being
#   live, beside the bare baseline (copy + dlopen + one dlsym per function),
#   and big's median over small's; the copies in memory, where they go by
#   default, and big's also on disk;
# - first load: hot_init of `fat`, whose core carries about 100 MB of DWARF
#   (24 units that each describe 40,000 structs), against small's, at once
#   and after 2.5 s of start-up work (the core's summary, or without it its
#   debug information, is read in the background), and without the summary
#   its build wrote.
# Reproduce: ctest --test-dir build/dev -R bench_scale -V
set -euo pipefail

cc=$1
vais_hot_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "$3/scale.XXXXXX")
memory=
trap 'rm -rf "$work" ${memory:+"$memory"}' EXIT
# The scratch libraries live on the build's disk, as a build's do. The
# private copies go where a program's go by default (with no TMPDIR set, a
# file system in memory: /dev/shm here when it is a tmpfs that may hold
# code), and for the row "on disk" to a TMPDIR on the build's disk.
. "$(dirname "$0")/memory.sh"
memory=$(memory_scratch bench-scale)
src=$work/src
mkdir -p "$src" "$work/tmp"
export TMPDIR=$work/tmp

fail() {
    echo "FAIL: $*" >&2
    [[ -f $work/build.err ]] && tail -n 30 "$work/build.err" >&2
    exit 1
}

# The driver: reload.c, which includes ../land.h (and it ../system.h).
cp "$here/reload.c" "$src/reload.c"
cp "$here/../land.h" "$here/../system.h" "$work/"

# 200 structs, each pointing at the one before it.
awk 'BEGIN {
    print "/* shared.h: 200 structs the core and the hot files share (made by scale.sh). */"
    print "#ifndef SCALE_SHARED_H"
    print "#define SCALE_SHARED_H"
    for (j = 0; j < 200; j++) {
        printf "struct s%d {\n    int id;\n    long count;\n    double weight[%d];\n", j, j % 4 + 1
        if (j > 0)
            printf "    struct s%d *before;\n", j - 1
        printf "    struct s%d *next;\n};\n", j
    }
    print "#endif"
}' >"$src/shared.h"

# The core's side: one object of each.
awk 'BEGIN {
    print "#include \"shared.h\""
    for (j = 0; j < 200; j++)
        printf "struct s%d core_s%d;\n", j, j
}' >"$src/core_types.c"

# 300 hot files of 8 functions: bench_f0 .. bench_f2399; bench_f0 is int(int)
# (reload.c calls it), the others take a struct.
awk -v dir="$src" 'BEGIN {
    for (k = 0; k < 300; k++) {
        file = sprintf("%s/hot_%03d.c", dir, k)
        print "#include \"shared.h\"" >file
        for (m = 0; m < 8; m++) {
            i = 8 * k + m
            print "" >>file
            print "// #[hot]" >>file
            if (i == 0) {
                print "int bench_f0(int x)\n{\n    return x;\n}" >>file
            } else {
                printf "int bench_f%d(struct s%d *p, int x)\n{\n", i, i % 200 >>file
                printf "    return p ? p->id + (int)p->count + x : x + %d;\n}\n", i >>file
            }
        }
        close(file)
    }
}'

# 10 hot functions in one file.
awk 'BEGIN {
    for (i = 0; i < 10; i++)
        printf "// #[hot]\nint bench_f%d(int x)\n{\n    return x + %d;\n}\n\n", i, i
}' >"$src/small.c"

# The fat core's units: each describes 40,000 structs in its debug
# information (compiled to keep unused types).
awk 'BEGIN {
    print "/* fat.h: 40,000 structs (made by scale.sh). */"
    for (i = 0; i < 40000; i++)
        printf "struct fat%d { int a; long b; double c; char d[%d]; struct fat%d *next; unsigned e : 3; float f; short g; };\n", i, i % 7 + 1, i
}' >"$src/fat.h"
for t in $(seq -w 1 24); do
    printf '#include "fat.h"\nint fat_unit_%s(void);\nint fat_unit_%s(void)\n{\n    return %d;\n}\n' \
        "$t" "$t" "$((10#$t))" >"$src/fat_$t.c"
done

cat >"$src/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.21)
project(scale LANGUAGES C)
add_subdirectory("${VAIS_HOT_DIR}" vais-hot)
file(GLOB hot_files "${CMAKE_CURRENT_SOURCE_DIR}/hot_*.c")
file(GLOB fat_files "${CMAKE_CURRENT_SOURCE_DIR}/fat_*.c")
set_source_files_properties(${fat_files} PROPERTIES COMPILE_OPTIONS -fno-eliminate-unused-debug-types)
vais_add_hot_executable(big SOURCES reload.c core_types.c HOT_SOURCES ${hot_files} HOT ON)
vais_add_hot_executable(small SOURCES reload.c HOT_SOURCES small.c HOT ON)
vais_add_hot_executable(fat SOURCES reload.c ${fat_files} HOT_SOURCES small.c HOT ON)
EOF

cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug \
    -DVAIS_HOT_DIR="$vais_hot_dir" >"$work/build.err" 2>&1 || fail "configure failed"
cmake --build "$work/build" --target big small fat >>"$work/build.err" 2>&1 || fail "build failed"
b=$work/build

# Bytes of the sections named .debug_* in ELF file $1.
debug_bytes() {
    size -A "$1" | awk '$1 ~ /^\.debug_/ { s += $2 } END { print s + 0 }'
}
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

big_size=$(stat -c %s "$b/libbig_hot.so")
# One reload row: program, label, the directory for the copies (TMPDIR),
# the number of functions, and where to keep the row.
reload_row() {
    TMPDIR=$3 "$b/$1" reload "$b/lib$1_hot.so" "$work/$1.so" "$4" "$2" | tee "$5"
}
# A row's median, in ms.
median_of() { awk '{ sub(/^[^0-9]*[0-9]+ functions[^0-9]*/, ""); print $1 + 0 }' "$1"; }

echo "== runtime cost as a project grows (goals: big's reload median < 3 ms, big / small < 5; first load < 50 ms)"
printf '%-28s %10s %10s %10s %10s %7s %10s\n' "manual reload (50 runs)" median p90 max bare ratio cleanup
if [[ -n $memory ]]; then
    reload_row small "small: 10 functions" "$memory" 10 "$work/small.row"
    reload_row big "big: 2400 functions" "$memory" 2400 "$work/big.row"
fi
reload_row big "big on disk: 2400 functions" "$work/tmp" 2400 "$work/disk.row"
echo "  (big: 300 files, 200 shared structs, a $(mb "$big_size") MB library;"
echo "   bare: copy + dlopen + one dlsym per function; cleanup: hot_cleanup, 51 versions mapped;"
if [[ -n $memory ]]; then
    echo "   the libraries on disk; their copies in memory (/dev/shm), where they go with no"
    echo "   TMPDIR set, but \"on disk\": in a TMPDIR on the build's disk)"
    awk -v s="$(median_of "$work/small.row")" -v l="$(median_of "$work/big.row")" \
        'BEGIN { printf "%-28s %9.2f   (goal: < 5)\n", "big / small", l / s }'
else
    echo "   no tmpfs at /dev/shm that may hold code here: no rows in memory, no ratio)"
fi
echo
echo "first load: hot_init, which waits for what the core's summary says (written by"
echo "its build), read in the background since the program started; without the"
echo "summary, the core's debug information is read (goal: < 50 ms, or off the"
echo "critical path)"
"$b/small" first "$b/libsmall_hot.so" "$work/first_small.so" 10 \
    "core with $(mb "$(debug_bytes "$b/small")") MB of DWARF, at once"
fat_mb=$(mb "$(debug_bytes "$b/fat")")
[[ -f $b/fat.summary ]] || { echo "FAIL: the build wrote no summary of the core" >&2; exit 1; }
"$b/fat" first "$b/libfat_hot.so" "$work/first_fat.so" 10 \
    "core: $fat_mb MB of DWARF, $(mb "$(stat -c %s "$b/fat.summary")") MB summary, at once"
BENCH_STARTUP_MS=2500 "$b/fat" first "$b/libfat_hot.so" "$work/first_fat.so" 10 \
    "the same, after 2.5 s of the program's start-up"
mv "$b/fat.summary" "$work/fat.summary"
"$b/fat" first "$b/libfat_hot.so" "$work/first_fat.so" 10 "the same without its summary, at once"
mv "$work/fat.summary" "$b/fat.summary"
