#!/usr/bin/env bash
# tests/sanitize.sh SANITIZERS LABELS VAIS-HOT-DIR SCRATCH-PARENT
# Builds vais-hot again with -fsanitize=SANITIZERS (any report is fatal)
# and runs the tests whose labels match the regex LABELS in that build.
set -euo pipefail
sanitizers=$1 labels=$2
work=$(mktemp -d "$4/sanitize.XXXXXX")
trap 'rm -rf "$work"' EXIT
flags="-fsanitize=$sanitizers -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S "$3" -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$flags" \
    -DVAIS_HOT_WERROR=ON -DVAIS_HOT_SANITIZE_TESTS=OFF >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; exit 1; }
cmake --build "$work" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$work" -L "$labels" --output-on-failure
