#!/usr/bin/env bash
# tests/cross.sh TOOLCHAIN-FILE VAIS-HOT-DIR SCRATCH-PARENT
# Builds vais-hot and its generator and runtime tests for another target with
# the toolchain file (which names the emulator, CMAKE_CROSSCOMPILING_EMULATOR,
# if the target's programs cannot run here as they are), then runs them under
# that emulator, in a scratch directory removed on exit. The build runs the
# build machine's vais-hot, which the cross build makes for itself. Under
# Wine, the tests run in a Wine prefix of the scratch directory's own (see
# tests/wine.sh), stopped on exit.
set -euo pipefail
toolchain=$1 source=$2
work=$(mktemp -d "$3/cross.XXXXXX")
source "$(dirname "$0")/wine.sh"
under_wine=0
trap '((under_wine == 0)) || wine_stop "$work"; rm -rf "$work"' EXIT
printf 'include("%s")\nmessage("${CMAKE_CROSSCOMPILING_EMULATOR}")\n' "$toolchain" >"$work/emulator.cmake"
emulator=$(cmake -P "$work/emulator.cmake" 2>&1)
if [[ ${emulator%%;*} == wine ]]; then
    wine_tools_missing || exit 1
    wine_export "$work"
    under_wine=1
fi
cmake -S "$source" -B "$work/build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Debug -DVAIS_HOT_WERROR=ON >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
# Wine's session starts now, not before the build, which may outlast it.
((under_wine == 0)) || wine_words "$work" || exit 1
ctest --test-dir "$work/build" -L "generator|runtime" --output-on-failure -j2
