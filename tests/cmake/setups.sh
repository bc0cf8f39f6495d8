#!/usr/bin/env bash
# tests/cmake/setups.sh CASE VAIS-HOT-DIR SCRATCH-PARENT
# The plain consumer project (tests/cmake/plain) in the setups real projects
# have, one CASE per run:
#   build_type_case  build types in any case: 'release' is HOT OFF (one
#                    plain program, and no runtime built), 'relwithdebinfo'
#                    HOT ON; configure says which, and why, per program
#   lto              link-time optimisation for the whole project (gcc: the
#                    IPO property, and -flto in the flags): it builds, and a
#                    running program reloads an edit
#   static_core      a core linked with -static or -static-pie: the build
#                    fails, saying why and what to do
#   include_hygiene  only vais-hot's public headers (the include/ trees)
#                    reach a consumer's targets: a user's <dwarf.h> is theirs;
#                    and the core's errors are in colour, as the hot code's
#   strict_flags     a project built as C99 with -pedantic -Werror and strict
#                    warnings (-Wredundant-decls; clang's
#                    -Wmissing-variable-declarations): vais-hot's code and what
#                    it generates build, and clang-tidy passes a hot source
#                    written with the '// #[hot]' marker the README advises
#   cross_aarch64    a cross build for aarch64 with only a toolchain file:
#                    vais-hot builds the build machine's vais-hot by itself
#                    (or runs an installed one, VAIS_HOT_HOST_TOOL), the
#                    program is aarch64's and runs under qemu, HOT OFF and
#                    HOT ON
#   windows_mingw    a cross build for Windows x64 with mingw-w64 and the
#                    toolchain file vais-hot ships: Release is HOT OFF, a
#                    plain PE program that runs under Wine; Debug is HOT ON:
#                    the program, running under Wine, reloads an edit built
#                    on Linux, and leaves no private directory at exit;
#                    Ninja Multi-Config builds Debug hot and Release plain;
#                    a generator other than Ninja's stops the configure of
#                    a hot program, saying so
#   multi_config     one Ninja Multi-Config tree: Debug and RelWithDebInfo
#                    hot, Release a plain program; HOT given per
#                    configuration; the Debug program reloads an edit built
#                    by `cmake --build --config Debug` and one built by
#                    `vais-hot watch --config Debug`; hot_start rebuilds the
#                    program's own configuration
#   api_first_in_an_edit  a core that calls none of <vais/hot.h> (the api
#                    project), and hot code that first calls it in an edit
#                    built while the program runs: it reloads, and
#                    hot_version() is the core's
#   existing_target  vais_target_hot_sources on an add_executable target
#                    (tests/cmake/existing): what the target has reaches the
#                    hot code, it reloads, installs, and is plain in Release
set -euo pipefail
source "$(dirname "$0")/../wine.sh"
case_name=$1
vais_hot_dir=$(cd "$2" && pwd)
work=$(mktemp -d "$3/setups.XXXXXX")
pid=""
cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    wine_stop "$work"
    rm -rf "$work"
}
trap cleanup EXIT
projects=$(cd "$(dirname "$0")" && pwd)
mkdir "$work/projects"
cp -r "$projects/plain" "$projects/existing" "$projects/api" "$work/projects/"
src=$work/projects/plain
[[ $case_name == existing_target ]] && src=$work/projects/existing

fail() { echo "FAIL: $case_name: $*" >&2; exit 1; }
configure() { # configure DIR [cmake args...]; Ninja unless the args say otherwise
    local dir=$1; shift
    local generator=(-G Ninja)
    [[ " $* " == *" -G "* ]] && generator=()
    cmake -S "$src" -B "$dir" "${generator[@]}" -DVAIS_HOT_DIR="$vais_hot_dir" "$@" >"$dir.log" 2>&1 ||
        { cat "$dir.log"; fail "could not configure $dir"; }
}
configure_fails() { # configure_fails DIR [cmake args...]: true if the configure fails
    local dir=$1; shift
    local generator=(-G Ninja)
    [[ " $* " == *" -G "* ]] && generator=()
    ! cmake -S "$src" -B "$dir" "${generator[@]}" -DVAIS_HOT_DIR="$vais_hot_dir" "$@" >"$dir.log" 2>&1
}
build() { # build DIR [cmake args...]
    local dir=$1; shift
    configure "$dir" "$@"
    cmake --build "$dir" >>"$dir.log" 2>&1 || { cat "$dir.log"; fail "could not build $dir"; }
}

# Runs the program of build DIR (its file: PROGRAM, default DIR/app; under
# the words of the array runner, if set) until an edit of hot.c, built (by
# `cmake --build DIR` with the rest of the arguments, default --target
# app_hot; none: by something else, already watching), makes it answer 43
# (it answers 42 first): a reload in the running program.
runner=()
reloads() {
    local dir=$1 program=${2:-$1/app}
    shift $(($# < 2 ? $# : 2))
    local build_args=("$@")
    (($#)) || build_args=(--target app_hot)
    # Emptied now, not when the background shell gets to its redirection:
    # an earlier run's "42" must not pass for this one's.
    : >"$work/out"
    : >"$work/err"
    "${runner[@]}" "$program" 43 >"$work/out" 2>"$work/err" &
    pid=$!
    local deadline=$((SECONDS + 60))
    until grep -q "version=1 value=42" "$work/out"; do
        ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null ||
            { cat "$work/err"; fail "$program never answered 42"; }
        sleep 0.05
    done
    sed -i 's|- base / 2;|- base / 2 + 1;|' "$src/hot.c"
    if [[ ${build_args[0]} != watched ]]; then
        cmake --build "$dir" "${build_args[@]}" >>"$dir.log" 2>&1 ||
            { cat "$dir.log"; fail "edit did not build"; }
    fi
    local status=0
    wait "$pid" || status=$?
    pid=""
    sed -i 's|- base / 2 + 1;|- base / 2;|' "$src/hot.c"
    ((status == 0)) && grep -q "version=2 value=43" "$work/out" ||
        { cat "$work/out" "$work/err"; fail "$program did not reload the edit (exit $status)"; }
}

case $case_name in
api_first_in_an_edit)
    src=$work/projects/api
    build "$work/api" -DCMAKE_BUILD_TYPE=Debug
    "$work/api/app" >"$work/out" 2>"$work/err" &
    pid=$!
    deadline=$((SECONDS + 60))
    until grep -qx "tick=1" "$work/out"; do
        ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null || { cat "$work/err"; fail "no first tick"; }
        sleep 0.05
    done
    sed -i 's|return 1; /\* mark \*/|return 100 + hot_version(); /* mark */|' "$src/hot.c"
    cmake --build "$work/api" --target app_hot >>"$work/api.log" 2>&1 ||
        { cat "$work/api.log"; fail "the edit did not build"; }
    status=0
    wait "$pid" || status=$?
    pid=""
    ((status == 0)) && grep -qx "tick=102" "$work/out" ||
        { cat "$work/err"; fail "the edit that first calls hot_version() did not reload (exit $status)"; }
    ;;
build_type_case)
    build "$work/release" -DCMAKE_BUILD_TYPE=release
    grep -qF "vais-hot: app: HOT OFF, one plain program with direct calls (build type 'release', which ships)" \
        "$work/release.log" || { cat "$work/release.log"; fail "configure did not say HOT OFF and why"; }
    [[ ! -e $work/release/libapp_hot.so ]] || fail "'release' built a hot library"
    ! grep -q vais_hot__ < <(nm "$work/release/app") || fail "'release' has vais-hot stubs"
    [[ $("$work/release/app") == "version=0 value=42" ]] || fail "'release' run"
    [[ -z $(find "$work/release/vais-hot" -name 'libvais_hot_runtime.a' -o -name 'libvais_hot_std.a') ]] ||
        fail "'release' built vais-hot's runtime, which a HOT OFF program does not use"
    configure "$work/relwithdebinfo" -DCMAKE_BUILD_TYPE=relwithdebinfo
    grep -qF "vais-hot: app: HOT ON, #[hot] functions reload (build type 'relwithdebinfo')" \
        "$work/relwithdebinfo.log" || { cat "$work/relwithdebinfo.log"; fail "configure did not say HOT ON"; }
    ;;
lto)
    build "$work/ipo" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON
    grep -q -- "-flto" "$work/ipo/build.ninja" || fail "the IPO build does not use LTO"
    reloads "$work/ipo"
    build "$work/flags" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS=-flto=auto
    [[ $("$work/flags/app" 2>/dev/null) == "version=1 value=42" ]] || fail "-flto run"
    ;;
static_core)
    for flag in -static -static-pie; do
        configure "$work/$flag" -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_EXE_LINKER_FLAGS=$flag"
        ! cmake --build "$work/$flag" >>"$work/$flag.log" 2>&1 || fail "a $flag core built"
        grep -qF "vais-hot: error: '$work/$flag/app' is linked statically (-static or -static-pie), so no hot library can load into it; link it dynamically (drop -static for HOT ON builds), or build 'app' HOT OFF" \
            "$work/$flag.log" || { cat "$work/$flag.log"; fail "$flag: no message saying why"; }
    done
    ;;
include_hygiene)
    configure "$work/debug" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
    # The commands that compile the consumer's files (its sources, and the
    # units and stubs made of them), not vais-hot's own; then every include
    # directory of vais-hot's among them.
    awk -v src="\"$src/" -v gen="\"$work/debug/vais_hot/" '
        /"command":/ { command = $0 }
        /"file":/ && (index($0, src) || index($0, gen)) { print command }' \
        "$work/debug/compile_commands.json" >"$work/commands"
    [[ $(wc -l <"$work/commands") -ge 4 ]] || fail "the consumer's compile commands are not all there"
    grep -oE -- "-(I|isystem) ?$vais_hot_dir[^ \"]*" "$work/commands" |
        sed -E 's/^-(I|isystem) ?//' | sort -u >"$work/includes"
    [[ -s $work/includes ]] || fail "no include directory of vais-hot's found"
    # The core's compile errors are in colour as the hot library's are.
    grep -qF -- "-fdiagnostics-color=always" < <(grep -F "$src/main.c" "$work/commands") ||
        fail "the core's files are compiled without colour"
    if grep -vE '/include$' "$work/includes"; then
        fail "private include directories (above) reach the consumer's files"
    fi
    ;;
strict_flags)
    strict="-pedantic -Werror -Wall -Wextra -Wredundant-decls"
    c99=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_STANDARD=99 -DCMAKE_C_EXTENSIONS=OFF)
    CC=gcc build "$work/gcc" "${c99[@]}" "-DCMAKE_C_FLAGS=$strict"
    [[ $("$work/gcc/app" 2>/dev/null) == "version=1 value=42" ]] || fail "gcc C99 run"
    CC=clang build "$work/clang" "${c99[@]}" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
        "-DCMAKE_C_FLAGS=$strict -Wmissing-variable-declarations"
    [[ $("$work/clang/app" 2>/dev/null) == "version=1 value=42" ]] || fail "clang C99 run"
    sed -i 's|^#\[hot\]$|// #[hot]|' "$src/hot.c"
    grep -qF "// #[hot]" "$src/hot.c" || fail "hot.c has no marker to rewrite"
    clang-tidy -p "$work/clang" "$src/hot.c" --checks='-*,bugprone-*,clang-analyzer-*' \
        >"$work/tidy.log" 2>&1 || { cat "$work/tidy.log"; fail "clang-tidy failed on hot.c"; }
    ;;
cross_aarch64)
    for tool in aarch64-linux-gnu-gcc qemu-aarch64; do
        command -v $tool >/dev/null ||
            fail "no $tool: install gcc-aarch64-linux-gnu and qemu-user (as .ci/run does)"
    done
    toolchain=$work/aarch64.cmake
    cat >"$toolchain" <<'TOOLCHAIN'
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
TOOLCHAIN
    # The program of build $1 is aarch64's (e_machine 183) and runs, under
    # the emulator the toolchain names, as a plain one.
    runs_on_aarch64() {
        [[ $(od -An -tu2 -j18 -N2 "$1/app" | tr -d ' ') == 183 ]] || fail "$1/app is not aarch64's"
        [[ $(qemu-aarch64 -L /usr/aarch64-linux-gnu "$1/app") == "version=0 value=42" ]] ||
            fail "$1/app under qemu"
    }
    build "$work/built" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release
    [[ -x $work/built/vais-hot/vais-hot-host/build/tool/vais-hot ]] ||
        fail "no vais-hot was built for the build machine"
    runs_on_aarch64 "$work/built"
    # HOT ON (a Debug build's default): the program loads its hot library
    # under the emulator.
    build "$work/hot" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Debug
    [[ $(qemu-aarch64 -L /usr/aarch64-linux-gnu "$work/hot/app" 2>/dev/null) == "version=1 value=42" ]] ||
        fail "the HOT ON aarch64 program under qemu"
    # An installed vais-hot of the build machine, named.
    cmake -S "$vais_hot_dir" -B "$work/native" -G Ninja -DBUILD_TESTING=OFF -DVAIS_HOT_TOOL_ONLY=ON \
        >"$work/native.log" 2>&1 && cmake --build "$work/native" >>"$work/native.log" 2>&1 ||
        { cat "$work/native.log"; fail "could not build a native vais-hot"; }
    build "$work/named" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
        -DVAIS_HOT_HOST_TOOL="$work/native/tool/vais-hot"
    [[ ! -e $work/named/vais-hot/vais-hot-host ]] || fail "VAIS_HOT_HOST_TOOL given, and one was built"
    runs_on_aarch64 "$work/named"
    configure_fails "$work/wrong" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
        -DVAIS_HOT_HOST_TOOL="$work/nowhere/vais-hot" || fail "a missing host tool configured"
    grep -qF "VAIS_HOT_HOST_TOOL is '$work/nowhere/vais-hot', which is no file" \
        < <(tr -s ' \n' ' ' <"$work/wrong.log") ||
        { cat "$work/wrong.log"; fail "a missing host tool: no message"; }
    ;;
windows_mingw)
    missing=$(wine_tools_missing) || fail "$missing"
    toolchain=$vais_hot_dir/cmake/toolchains/x86_64-w64-mingw32.cmake
    # A PE file for x86-64: "PE\0\0" where the MZ header points, then
    # machine 0x8664.
    is_windows_x64() {
        local pe
        pe=$(od -An -tu4 -j60 -N4 "$1" | tr -d ' ')
        [[ $(head -c2 "$1") == MZ && $(od -An -tx1 -j"$pe" -N6 "$1" | tr -d ' ') == 504500006486 ]] ||
            fail "$1 is not a Windows x64 file"
    }
    build "$work/win" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release
    grep -qF "vais-hot: app: HOT OFF, one plain program with direct calls (build type 'Release', which ships)" \
        "$work/win.log" || { cat "$work/win.log"; fail "configure did not say HOT OFF and why"; }
    is_windows_x64 "$work/win/app.exe"
    output=$(wine_run "$work" "$work/win/app.exe") || { cat "$work/wine.err"; fail "app.exe under Wine exited"; }
    [[ ${output//$'\r'/} == "version=0 value=42" ]] || fail "app.exe under Wine said '$output'"

    # HOT ON: the hot DLL links the import library made from the core's
    # objects; the program loads it under Wine, and reloads an edit whose
    # build ran on Linux.
    build "$work/hot" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Debug
    grep -qF "vais-hot: app: HOT ON, #[hot] functions reload (build type 'Debug')" "$work/hot.log" ||
        { cat "$work/hot.log"; fail "configure did not say HOT ON"; }
    is_windows_x64 "$work/hot/libapp_hot.dll"
    [[ -s $work/hot/libapp_hot.dll.stamp ]] || fail "the hot DLL was not stamped"
    # A program killed while running leaves its private directory in the
    # user's temporary directory; the next one removes it as it starts, and
    # its own as it ends.
    temp=$(wine_temp "$work")
    wine_run "$work" "$work/hot/app.exe" 99 >"$work/out" &
    pid=$!
    deadline=$((SECONDS + 60))
    until grep -q "version=1 value=42" "$work/out"; do
        ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null ||
            { cat "$work/wine.err"; fail "app.exe never answered 42"; }
        sleep 0.05
    done
    killed=$(find "$temp" -maxdepth 1 -name 'vais-hot-*')
    [[ -n $killed ]] || { ls -lR "$temp"; fail "no private directory in '$temp'"; }
    wine_stop "$work"
    wait "$pid" || true
    pid=""
    [[ -d $killed ]] || fail "the killed program's directory went with it"
    runner=(wine_run "$work")
    reloads "$work/hot" "$work/hot/app.exe"
    grep -q "vais-hot: reloaded v2" "$work/wine.err" ||
        { cat "$work/wine.err"; fail "the program did not say it reloaded"; }
    leftover=$(find "$temp" -maxdepth 1 -name 'vais-hot-*')
    [[ -z $leftover ]] || { ls -lR "$temp"; fail "a private directory is left: $leftover"; }

    # Ninja Multi-Config: Debug is hot, Release plain (each configuration's
    # import library of the core in a directory of its own).
    configure "$work/multi" -G "Ninja Multi-Config" -DCMAKE_TOOLCHAIN_FILE="$toolchain"
    for config in Debug:1 Release:0; do
        cmake --build "$work/multi" --config "${config%:*}" >>"$work/multi.log" 2>&1 ||
            { cat "$work/multi.log"; fail "could not build ${config%:*} in a Ninja Multi-Config tree"; }
        output=$(wine_run "$work" "$work/multi/${config%:*}/app.exe") ||
            { cat "$work/wine.err"; fail "${config%:*}/app.exe under Wine exited"; }
        [[ ${output//$'\r'/} == "version=${config#*:} value=42" ]] ||
            fail "${config%:*}/app.exe under Wine said '$output'"
    done

    # Only Ninja's generators build a hot program for Windows.
    configure_fails "$work/make" -G "Unix Makefiles" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
        -DCMAKE_BUILD_TYPE=Debug || fail "a hot program for Windows configured with Makefiles"
    grep -qF "a hot program for Windows is built with Ninja or Ninja Multi-Config so far" \
        < <(tr -s ' \n' ' ' <"$work/make.log") || { cat "$work/make.log"; fail "Makefiles: no message"; }
    ;;
multi_config)
    configure "$work/multi" -G "Ninja Multi-Config"
    grep -qF "vais-hot: app: HOT per configuration" "$work/multi.log" ||
        { cat "$work/multi.log"; fail "configure did not say HOT per configuration"; }
    for config in Release Debug RelWithDebInfo; do
        cmake --build "$work/multi" --config $config >>"$work/multi.log" 2>&1 ||
            { cat "$work/multi.log"; fail "could not build $config"; }
    done
    [[ $("$work/multi/Release/app" 2>/dev/null) == "version=0 value=42" ]] || fail "Release run"
    ! grep -q vais_hot__ < <(nm "$work/multi/Release/app") || fail "Release has vais-hot stubs"
    [[ $("$work/multi/RelWithDebInfo/app" 2>/dev/null) == "version=1 value=42" ]] ||
        fail "RelWithDebInfo is not hot"
    reloads "$work/multi" "$work/multi/Debug/app" --config Debug --target app_hot
    # hot_start in a program rebuilds that program's own configuration.
    grep -qF 'VAIS_HOT_REBUILD=\"'"$(command -v cmake)"'\",\"--build\",\"'"$work/multi"'\",\"--config\",\"RelWithDebInfo\"' \
        "$work/multi/CMakeFiles/impl-RelWithDebInfo.ninja" || fail "hot_start rebuilds another configuration"
    # watch builds the configuration it is given, and only a hot one.
    tool=$work/multi/vais-hot/tool/Debug/vais-hot
    ! "$tool" watch "$work/multi" app 2>"$work/watch.err" &&
        grep -qF "is a multi-config build tree: name the configuration to build, e.g. --config Debug" \
            "$work/watch.err" || { cat "$work/watch.err"; fail "watch without --config"; }
    ! "$tool" watch --config Release "$work/multi" app 2>"$work/watch.err" &&
        grep -qF "'app' is built with HOT OFF in Release" "$work/watch.err" ||
        { cat "$work/watch.err"; fail "watch --config Release"; }
    "$tool" watch --config Debug "$work/multi" app >"$work/watch.out" 2>&1 &
    watcher=$!
    deadline=$((SECONDS + 60))
    until grep -q "vais-hot: watching" "$work/watch.out"; do
        ((SECONDS < deadline)) && kill -0 $watcher 2>/dev/null ||
            { cat "$work/watch.out"; fail "watch --config Debug never watched"; }
        sleep 0.05
    done
    reloads "$work/multi" "$work/multi/Debug/app" watched
    kill -INT $watcher && wait $watcher || true
    # HOT given per configuration: RelWithDebInfo plain too.
    configure "$work/given" -G "Ninja Multi-Config" '-DAPP_HOT=$<CONFIG:Debug>'
    cmake --build "$work/given" --config RelWithDebInfo >>"$work/given.log" 2>&1 ||
        { cat "$work/given.log"; fail "could not build RelWithDebInfo with HOT given"; }
    [[ $("$work/given/RelWithDebInfo/app" 2>/dev/null) == "version=0 value=42" ]] ||
        fail "HOT \$<CONFIG:Debug>: RelWithDebInfo is hot"
    ;;
existing_target)
    build "$work/debug" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
    grep -qF "vais-hot: app: HOT ON" "$work/debug.log" || fail "configure did not say HOT ON"
    # The unit of hot.c compiles as the target's own files do.
    unit_command=$(awk '/"command":/ { command = $0 } /"file":.*units\/hot\.c"/ { print command }' \
        "$work/debug/compile_commands.json")
    for flag in -DCORE_OFFSET=2 -std=c11 -Wall "$src/include"; do
        [[ $unit_command == *"$flag"* ]] || fail "hot.c's unit is compiled without $flag: $unit_command"
    done
    reloads "$work/debug"
    cmake --install "$work/debug" --prefix "$work/prefix" >>"$work/debug.log" 2>&1 ||
        { cat "$work/debug.log"; fail "could not install"; }
    [[ -x $work/prefix/bin/app ]] || fail "the target's install rule installed nothing"
    build "$work/release" -DCMAKE_BUILD_TYPE=Release
    [[ ! -e $work/release/libapp_hot.so ]] || fail "Release built a hot library"
    [[ $("$work/release/app") == "version=0 value=42" ]] || fail "Release run: $("$work/release/app")"
    ;;
*)
    fail "no such case"
    ;;
esac
echo "setups: $case_name behaves"
