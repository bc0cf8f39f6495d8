#!/usr/bin/env bash
# tests/rerun.sh C-COMPILER C-FLAGS LABELS VAIS-HOT-DIR SCRATCH-PARENT
# Builds vais-hot again with another compiler or extra flags (sanitizers:
# any report is fatal) and runs the tests whose labels match the regex
# LABELS in that build, in a scratch directory removed on exit.
set -euo pipefail
compiler=$1 flags=$2 labels=$3
work=$(mktemp -d "$5/rerun.XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake -S "$4" -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$compiler" \
    -DCMAKE_C_FLAGS="$flags" -DVAIS_HOT_WERROR=ON -DVAIS_HOT_SANITIZE_TESTS=OFF \
    >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$work" -L "$labels" --output-on-failure
