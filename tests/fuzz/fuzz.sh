#!/usr/bin/env bash
# tests/fuzz/fuzz.sh TARGET VAIS-HOT-DIR SCRATCH-PARENT [SECONDS | INPUT...]
# Fuzzes TARGET in process with libFuzzer, ASan and UBSan for SECONDS
# (default 30); with INPUTs instead, runs just those (to reproduce a finding).
#   generator  lex, parse and emit (fuzz_generator.c), seeded with the hot
#              sources of tests/generator/cases
#   layouts    the runtime's readers of a library's file: debug information,
#              layouts, functions and summaries (fuzz_layouts.c), seeded with
#              real builds of tests/runtime/layout and tests/runtime/stored and
#              their summaries, and a DLL of tests/windows/image (with mingw-w64)
# Builds with clang in a scratch directory under SCRATCH-PARENT, removed on
# exit; any finding fails the run and is kept in SCRATCH-PARENT/fuzz-findings.
# Needs clang and libclang-rt-14-dev (libFuzzer).
# Ten minutes, from the source directory (ctest runs 30 s: fuzz_<TARGET>_smoke):
#   bash tests/fuzz/fuzz.sh generator . build/fuzz 600
set -euo pipefail
target=$1
[[ $target == generator || $target == layouts ]] ||
    { echo "FAIL: no fuzz target '$target' (generator or layouts)" >&2; exit 2; }
source_dir=$(cd "$2" && pwd)
mkdir -p "$3"
scratch=$(cd "$3" && pwd)
shift 3
seconds=30
if (($# == 1)) && [[ $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
replay=("$@")
for input in "${replay[@]}"; do
    [[ -f $input ]] || { echo "FAIL: no input file '$input'" >&2; exit 2; }
done
here=$source_dir/tests/fuzz
work=$(mktemp -d "$scratch/fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# -O1 even in Debug: assert() stays on, and libFuzzer runs several times faster.
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CC=clang cmake -S "$source_dir" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_C_FLAGS_DEBUG="-g -O1" -DVAIS_HOT_FUZZ=ON \
    -DVAIS_HOT_WERROR=ON -DVAIS_HOT_SANITIZE_TESTS=OFF >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; exit 1; }
seeds_built=()
[[ $target == layouts ]] && seeds_built=(runtime_layout runtime_layout_hot runtime_layout_nested runtime_layout_cache runtime_stored_hot)
cmake --build "$work/build" --target "vais_hot_fuzz_$target" "${seeds_built[@]}" >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; exit 1; }
fuzzer=$work/build/tests/fuzz/vais_hot_fuzz_$target
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1

if ((${#replay[@]})); then
    "$fuzzer" -rss_limit_mb=2048 "${replay[@]}"
    exit
fi

mkdir "$work/corpus" "$work/findings"
seeds=0
if [[ $target == generator ]]; then
    # Every hot source of the golden cases (not their expected outputs).
    for file in "$source_dir"/tests/generator/cases/*/*.c; do
        name=${file##*/}
        [[ $name == *.unit.c || $name == stubs.c || $name == table.c ]] && continue
        case_name=${file%/*}
        cp "$file" "$work/corpus/${case_name##*/}_$name"
        seeds=$((seeds + 1))
    done
    options=(-dict="$here/generator.dict" -max_len=65536)
else
    # A core and hot libraries, with the debug information clang wrote, the
    # summaries `vais-hot stamp` wrote of the libraries and the one
    # `vais-hot summarize` wrote of the core.
    built=$work/build/tests/runtime
    for file in "$built/runtime_layout" "$built"/libruntime_{layout_hot,layout_nested,layout_cache,stored_hot}.so \
        "$built"/libruntime_{layout_hot,stored_hot}.so.summary "$built/runtime_layout.summary"; do
        [[ -f $file ]] || { echo "FAIL: no seed '$file'" >&2; exit 1; }
        cp "$file" "$work/corpus/"
        seeds=$((seeds + 1))
    done
    # A Windows DLL, for the PE readers, where mingw-w64 is installed.
    if command -v x86_64-w64-mingw32-gcc >/dev/null; then
        windows=$source_dir/tests/windows/image
        x86_64-w64-mingw32-gcc -g -c "$windows/core.c" -o "$work/core.o"
        TMPDIR=$work x86_64-w64-mingw32-dlltool --export-all-symbols -D core.exe \
            -l "$work/libcore.dll.a" "$work/core.o" # its two empty files in TMPDIR go with $work
        x86_64-w64-mingw32-gcc -g -shared -Wl,--build-id "$windows/plain.c" -L"$work" -lcore \
            -o "$work/corpus/plain.dll"
        seeds=$((seeds + 1))
    fi
    options=(-max_len=1048576)
fi
echo "fuzz: $target, $seeds seeds, $seconds s"

status=0
"$fuzzer" "$work/corpus" "${options[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/findings/" >"$work/fuzz.log" 2>&1 || status=$?

grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$work/fuzz.log" || true
grep -E '^(stat::|Done )' "$work/fuzz.log" || true
corpus_files=$(find "$work/corpus" -type f | wc -l)
corpus_bytes=$(du -sb "$work/corpus" | cut -f1)
echo "fuzz: corpus $corpus_files inputs, $corpus_bytes bytes"

findings=$(find "$work/findings" -type f | wc -l)
if ((status != 0 || findings > 0)); then
    mkdir -p "$scratch/fuzz-findings"
    cp "$work"/findings/* "$scratch/fuzz-findings/" 2>/dev/null || true
    # From the first report on (a sanitizer, a broken promise, a timeout...).
    report=$(sed -n '/==[0-9]*==ERROR\|broken promise\|runtime error\|ALARM\|out-of-memory/,$p' "$work/fuzz.log")
    if [[ -n $report ]]; then head -n 60 <<<"$report" >&2; else tail -n 40 "$work/fuzz.log" >&2; fi
    echo "FAIL: libFuzzer exited with $status; $findings finding(s), kept:" >&2
    for finding in "$work"/findings/*; do
        [[ -e $finding ]] || continue
        echo "  $scratch/fuzz-findings/${finding##*/}; reproduce:" \
            "bash tests/fuzz/fuzz.sh $target . <scratch> $scratch/fuzz-findings/${finding##*/}" >&2
    done
    exit 1
fi
echo "fuzz: no finding"
