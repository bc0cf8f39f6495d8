#!/usr/bin/env bash
# tests/windows/persist/persist.sh VAIS-HOT-DIR SCRATCH-PARENT
# #[persist] on Windows, under Wine: the persist project (beside this
# file) is built for Windows x64 with mingw-w64, and its program counts
# calls in a static int and sums them in a struct. An edit of the sum's
# step, built on Linux while the program runs, reloads, and the new build
# goes on from the values the old one left: the next call counts one more
# and adds the new step to the sum. A DLL's code reaches its own variables
# directly, so each build has its own copy, filled from the last one's, and
# the program says so, once per variable. It ends leaving no private
# directory.
set -euo pipefail
vais_hot_dir=$(cd "$1" && pwd)
work=$(mktemp -d "$2/persist.XXXXXX")
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

# Waits, at most 60 s, until file $1 has a line matching the regular
# expression $2, while the program runs.
wait_for() {
    local deadline=$((SECONDS + 60))
    until grep -qE -- "$2" "$1"; do
        ((SECONDS < deadline)) || fail "no line matching '$2' within 60 s"
        kill -0 "$pid" 2>/dev/null || fail "the program ended while waiting for '$2'"
        sleep 0.02
    done
}

wine_words "$work" || fail "no Wine prefix to copy"
"${wine_words[@]}" "$work/build/persist.exe" "$work/stop" >"$work/out" 2>"$work/wine.err" &
pid=$!
wait_for "$work/out" "^version=1 calls=20 sum=20"

sed -i 's|^    tally.sum += .*/\* step \*/$|    tally.sum += 1000; /* step */|' "$work/src/state.c"
cmake --build "$work/build" --target persist_hot >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; fail "the edit did not build"; }
wait_for "$work/out" "^version=2 "
touch "$work/stop"
status=0
wait "$pid" || status=$?
pid=""
((status == 0)) || fail "the program exited with status $status"

# The last line of v1 and the first of v2: one more call, 1000 more.
tr -d '\r' <"$work/out" >"$work/lines"
last=$(grep "^version=1 " "$work/lines" | tail -n 1)
first=$(grep -m 1 "^version=2 " "$work/lines")
read -r calls sum < <(sed -E 's/.* calls=([0-9]+) sum=(-?[0-9]+)$/\1 \2/' <<<"$last")
[[ $first == "version=2 calls=$((calls + 1)) sum=$((sum + 1000))" ]] ||
    fail "after '$last' the new build said '$first', not calls=$((calls + 1)) sum=$((sum + 1000))"
[[ $last == "version=1 calls=$calls sum=$calls" ]] || fail "v1 said '$last'"
for name in calls tally; do
    said="vais-hot: '$name' is copied into each new build, not shared (a DLL's code reaches its own variables directly); a write during a reload can be lost"
    [[ $(tr -d '\r' <"$work/wine.err" | grep -cxF "$said") == 1 ]] || fail "not said once: $said"
done
leftover=$(find "$(wine_temp "$work")" -maxdepth 1 -name 'vais-hot-*')
[[ -z $leftover ]] || fail "a private directory is left: $leftover"
echo "persist under Wine: $first after $last, all checks passed"
