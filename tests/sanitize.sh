#!/usr/bin/env bash
# tests/sanitize.sh VAIS-HOT-DIR SCRATCH-PARENT
# Builds vais-hot again with ASan and UBSan (any report is fatal) and runs
# the generator and runtime tests in that build.
set -euo pipefail
work=$(mktemp -d "$2/sanitize.XXXXXX")
trap 'rm -rf "$work"' EXIT
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S "$1" -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$flags" \
    -DVAIS_HOT_WERROR=ON -DVAIS_HOT_SANITIZE_TESTS=OFF >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; exit 1; }
cmake --build "$work" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir "$work" -L "generator|runtime" --output-on-failure
