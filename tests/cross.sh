#!/usr/bin/env bash
# tests/cross.sh TOOLCHAIN-FILE VAIS-HOT-DIR SCRATCH-PARENT
# Builds vais-hot and its generator and runtime tests for another target with
# the toolchain file (which names the emulator, CMAKE_CROSSCOMPILING_EMULATOR,
# if the target's programs cannot run here as they are), then runs them under
# that emulator, in a scratch directory
# removed on exit. The build runs the build machine's vais-hot, which the
# cross build makes for itself.
set -euo pipefail
toolchain=$1 source=$2
work=$(mktemp -d "$3/cross.XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake -S "$source" -B "$work" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Debug -DVAIS_HOT_WERROR=ON >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; exit 1; }
cmake --build "$work" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
ctest --test-dir "$work" -L "generator|runtime" --output-on-failure -j2
