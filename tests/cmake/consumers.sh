#!/usr/bin/env bash
# tests/cmake/consumers.sh VAIS-HOT-DIR SCRATCH-PARENT
# The plain consumer project built the ways users build it: Release (HOT
# OFF by default: one plain program, no library, no stubs), Debug (HOT ON)
# with Ninja (also from a source directory with a '"' in its name) and with
# Unix Makefiles, through FetchContent, and through
# find_package after `cmake --install` (whose three components also install
# apart). As a subproject, vais-hot must add
# no tests and no examples of its own.
set -euo pipefail
vais_hot_dir=$1
work=$(mktemp -d "$2/consumers.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$(cd "$(dirname "$0")/plain" && pwd)

fail() { echo "FAIL: $*" >&2; exit 1; }
build() { # build DIR [cmake args...]; Ninja unless the args say otherwise
    local dir=$1; shift
    local generator=(-G Ninja)
    [[ " $* " == *" -G "* ]] && generator=()
    cmake -S "$src" -B "$dir" "${generator[@]}" "$@" >"$dir.log" 2>&1 && cmake --build "$dir" >>"$dir.log" 2>&1 ||
        { cat "$dir.log"; fail "could not build $dir"; }
}

# Release: HOT OFF.
build "$work/release" -DCMAKE_BUILD_TYPE=Release -DVAIS_HOT_DIR="$vais_hot_dir"
[[ $("$work/release/app") == "version=0 value=42" ]] || fail "Release run: $("$work/release/app")"
[[ ! -e $work/release/libapp_hot.so ]] || fail "Release built a hot library"
! grep -q vais_hot__ < <(nm "$work/release/app") || fail "Release executable has vais-hot stubs"
cmake --build "$work/release" --target app_hot >/dev/null || fail "app_hot is not a target in HOT OFF"
[[ $(ctest --test-dir "$work/release" -N | tail -n 1) == "Total Tests: 0" ]] ||
    fail "vais-hot as a subproject added tests"
! grep -q hot_reload_simple < <(ninja -C "$work/release" -t targets all) ||
    fail "vais-hot as a subproject added its examples"

# Debug: HOT ON, from another working directory.
build "$work/debug" -DCMAKE_BUILD_TYPE=Debug -DVAIS_HOT_DIR="$vais_hot_dir"
out=$(cd / && "$work/debug/app" 2>"$work/debug.err")
[[ $out == "version=1 value=42" ]] || fail "Debug run: $out"
[[ -e $work/debug/libapp_hot.so.stamp ]] || fail "no stamp beside the hot library"

# Sources in a directory whose name holds a '"' (CMake takes it; C strings
# made of the path must escape it), HOT ON.
quoted_src="$work/say \"hot\""
cp -r "$src" "$quoted_src"
(src=$quoted_src && build "$work/quoted" -DCMAKE_BUILD_TYPE=Debug -DVAIS_HOT_DIR="$vais_hot_dir")
out=$(cd / && "$work/quoted/app" 2>"$work/quoted.err")
[[ $out == "version=1 value=42" ]] || fail "run from a quoted source directory: $out"

# Unix Makefiles and FetchContent, HOT ON.
build "$work/make" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Debug -DVAIS_HOT_DIR="$vais_hot_dir"
[[ $("$work/make/app" 2>/dev/null) == "version=1 value=42" ]] || fail "Unix Makefiles run"
build "$work/fetch" -DCMAKE_BUILD_TYPE=Debug -DUSE_FETCHCONTENT=ON -DVAIS_HOT_DIR="$vais_hot_dir"
[[ $("$work/fetch/app" 2>/dev/null) == "version=1 value=42" ]] || fail "FetchContent run"

# find_package after cmake --install.
cmake -S "$vais_hot_dir" -B "$work/vais-hot" -G Ninja -DBUILD_TESTING=OFF >"$work/install.log" 2>&1 &&
    cmake --build "$work/vais-hot" >>"$work/install.log" 2>&1 &&
    cmake --install "$work/vais-hot" --prefix "$work/prefix" >>"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; fail "could not install vais-hot"; }
# Each component alone installs its own part: the command, the libraries,
# the headers and package files.
for component in tool runtime development; do
    cmake --install "$work/vais-hot" --prefix "$work/$component" --component $component \
        >>"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "could not install $component"; }
done
[[ -x $work/tool/bin/vais-hot && ! -e $work/tool/include && ! -e $work/tool/lib ]] ||
    fail "the tool component is not the command alone"
[[ -n $(find "$work/runtime" -name 'libvais_hot_runtime.a') && ! -e $work/runtime/bin && ! -e $work/runtime/include ]] ||
    fail "the runtime component is not the libraries alone"
[[ -f $work/development/include/vais/hot.h && -n $(find "$work/development" -name VaisHotConfig.cmake) &&
    -n $(find "$work/development" -name LICENSE) && ! -e $work/development/bin ]] ||
    fail "the development component lacks the headers, the package config or the licence"
build "$work/package" -DCMAKE_BUILD_TYPE=Debug -DUSE_FIND_PACKAGE=ON -DCMAKE_PREFIX_PATH="$work/prefix"
out=$("$work/package/app" 2>"$work/package.err")
[[ $out == "version=1 value=42" ]] || fail "find_package run: $out"
echo "consumers: Release, Debug and find_package builds all behave"
