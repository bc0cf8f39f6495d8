# tests/windows/project.sh: what a test of a Windows project beside it
# shares, sourced by guard/guard.sh and state/state.sh as
#   source project.sh VAIS-HOT-DIR SCRATCH-PARENT NAME
# It makes the scratch directory $work (removed at exit, with the program
# $pid killed and the Wine server stopped), defines fail(), checks the
# tools, and builds the project (the calling script's directory) for
# Windows x64 with mingw-w64, Debug, in $work/build. The program's stdout
# goes to $work/out and its stderr to $work/wine.err, which fail() shows.
set -euo pipefail
vais_hot_dir=$(cd "$1" && pwd)
work=$(mktemp -d "$2/$3.XXXXXX")
source "$vais_hot_dir/tests/wine.sh"
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
fail() {
    echo "FAIL: $*" >&2
    echo "--- program stdout (last 5 lines)" >&2
    tail -n 5 "$work/out" >&2 || true
    echo "--- program stderr and Wine's" >&2
    cat "$work/wine.err" >&2 || true
    exit 1
}
missing=$(wine_tools_missing) || fail "$missing"

cp -r "$(dirname "$0")" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_TOOLCHAIN_FILE="$vais_hot_dir/cmake/toolchains/x86_64-w64-mingw32.cmake" \
    -DVAIS_HOT_DIR="$vais_hot_dir" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "configure"; }
cmake --build "$work/build" >>"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
