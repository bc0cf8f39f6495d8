#!/usr/bin/env bash
# examples/live_demo.sh: the live demo. Builds hot_reload_simple from a
# scratch copy, starts it, and while it runs edits game_update twice and
# rebuilds only the hot library: the frames change, the count goes on.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vais-hot-demo.XXXXXX")
pid=""
cleanup() {
    if [[ -n $pid ]]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
if [[ -t 2 ]]; then
    say() { printf '\n\033[1;36m== %s\033[0m\n' "$*" >&2; }
else
    say() { printf '\n== %s\n' "$*" >&2; }
fi

cp -r "$root/examples/hot_reload_simple" "$work/src"
game="$work/src/game.c"
say "building the example (scratch copy in $work)"
cmake -S "$work/src" -B "$work/build" -G Ninja -DVAIS_HOT_DIR="$root" >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

say "running it: x += 1, y += 2 per frame"
"$work/build/hot_reload_simple" &
pid=$!
sleep 2

say "editing game.c: x += 100 per frame; rebuilding hot_reload_simple_hot only"
sed -i 's/state->x = state->x + 1;/state->x = state->x + 100;/' "$game"
cmake --build "$work/build" --target hot_reload_simple_hot >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; exit 1; }
sleep 2

say "editing game.c: a new message; rebuilding again"
sed -i 's/printf("Frame %ld/printf("HOT frame %ld (edited live)/' "$game"
cmake --build "$work/build" --target hot_reload_simple_hot >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; exit 1; }
sleep 2

say "the same process (pid $pid) runs the new code; it ends after frame 1000"
wait "$pid"
pid=""
say "done"
