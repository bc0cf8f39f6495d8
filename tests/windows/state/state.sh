#!/usr/bin/env bash
# tests/windows/state/state.sh VAIS-HOT-DIR SCRATCH-PARENT
# State across reloads on Windows, under Wine: the state project (beside
# this file) is built for Windows x64 with mingw-w64, and its program
# counts calls in a #[persist] static int and sums them in a persisted
# struct; hot code also enters each call in a static library the core
# links (the ledger, whose count the core shows), and calls a DLL the core
# links but does not call, which lies in the program's folder (not the
# private copy's), an object library the core links, and a static library
# the ledger links (its audit, which hot code reads: the core's copy). The ledger has one copy, the core's: its count is always 1000,
# which the core entered, plus the calls. An edit of the sum's
# step, built on Linux while the program runs, reloads, and the new build
# goes on from the values the old one left: the next call counts one more
# and adds the new step to the sum. Both builds keep the count in one
# place, the runtime's storage (nothing is copied, and no line says a
# write can be lost), and a pointer persisted with its own address as its
# initial value points there. A third build adds a field to the struct, which is
# declared in the hot source and so its own to change: it starts from its
# initial value, saying so, while the count goes on. The program ends
# leaving no private directory.
source "$(dirname "$0")/../project.sh" "$1" "$2" state

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
"${wine_words[@]}" "$work/build/state.exe" "$work/stop" >"$work/out" 2>"$work/wine.err" &
pid=$!
wait_for "$work/out" "^version=1 calls=20 sum=20 "

sed -i 's|^    tally.sum += .*/\* step \*/$|    tally.sum += 1000; /* step */|' "$work/src/state.c"
cmake --build "$work/build" --target state_hot >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; fail "the edit did not build"; }
wait_for "$work/out" "^version=2 "
sed -i 's|^    char name\[8\];$|    char name[8];\n    long extra;|' "$work/src/state.c"
cmake --build "$work/build" --target state_hot >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; fail "the third build failed"; }
wait_for "$work/out" "^version=3 "
touch "$work/stop"
status=0
wait "$pid" || status=$?
pid=""
((status == 0)) || fail "the program exited with status $status"

# The last line of v1 and the first of v2: one more call, 1000 more.
tr -d '\r' <"$work/out" >"$work/lines"
last=$(grep "^version=1 " "$work/lines" | tail -n 1)
first=$(grep -m 1 "^version=2 " "$work/lines")
read -r calls sum at < <(sed -E 's/.* calls=([0-9]+) sum=(-?[0-9]+) ledger=.* at=(.*)$/\1 \2 \3/' <<<"$last")
next="calls=$((calls + 1)) sum=$((sum + 1000)) ledger=$((1000 + calls + 1)) at=$at"
[[ $first == "version=2 $next" ]] || fail "after '$last' the new build said '$first', not $next"
[[ $last == "version=1 calls=$calls sum=$calls ledger=$((1000 + calls)) at=$at" ]] ||
    fail "v1 said '$last'"
# Every call entered in the core's ledger, in every build.
awk '{ split($2, c, "="); split($4, l, "="); if (l[2] != 1000 + c[2]) { print; exit 1 } }' \
    "$work/lines" >"$work/wrong" || fail "hot code's ledger is not the core's: $(cat "$work/wrong")"
# v3's tally starts afresh: 0, then the step of 1000; the count goes on.
last=$(grep "^version=2 " "$work/lines" | tail -n 1)
first=$(grep -m 1 "^version=3 " "$work/lines")
calls=$(sed -E 's/.* calls=([0-9]+) .*/\1/' <<<"$last")
next="calls=$((calls + 1)) sum=1000 ledger=$((1000 + calls + 1)) at=$at"
[[ $first == "version=3 $next" ]] || fail "after '$last' the third build said '$first', not $next"
said="vais-hot: 'tally' changed type struct tally (12 bytes) -> struct tally (16 bytes); it starts from its initial value"
[[ $(tr -d '\r' <"$work/wine.err" | grep -cxF "$said") == 1 ]] || fail "not said once: $said"
places=$(sed -E 's/.* at=//' "$work/lines" | sort -u)
[[ $places == "$at" ]] || fail "the count was kept in more than one place: $places"
! grep -q "is copied into each new build" "$work/wine.err" || fail "a variable was copied, not shared"
grep -q "vais-hot: reloaded v2" "$work/wine.err" || fail "the program did not say it reloaded"
leftover=$(find "$(wine_temp "$work")" -maxdepth 1 -name 'vais-hot-*')
[[ -z $leftover ]] || fail "a private directory is left: $leftover"
echo "state under Wine: $first after $last, all checks passed"
