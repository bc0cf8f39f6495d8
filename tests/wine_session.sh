#!/usr/bin/env bash
# tests/wine_session.sh SCRATCH-PARENT: what tests/wine.sh's wine_words
# promises the Windows tests. In a prefix it has just copied, a program's
# output ends when the program ends, even while another program of the
# prefix runs on: ctest waits for a test's output to end, and a session
# started by a test's program kept it open (see wine_session). Each Wine
# program here runs `cmd` reading a FIFO, and ends when it is closed.
set -euo pipefail
work=$(mktemp -d "$1/wine-session.XXXXXX")
source "$(dirname "$0")/wine.sh"
cleanup() {
    exec 6>&- 7>&-
    wine_stop "$work"
    kill $(jobs -p) 2>/dev/null || true
    wait
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
missing=$(wine_tools_missing) || fail "$missing"
wine_words "$work" || fail "no Wine prefix to copy"

# wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds, or fails the
# test after SECONDS, saying WHAT did not happen.
wait_for() {
    local what=$1 deadline=$((SECONDS + $2))
    shift 2
    until "$@"; do
        ((SECONDS < deadline)) || fail "$what"
        sleep 0.1
    done
}
# Whether the process runs, or not (a Wine program's is start.exe, which
# waits for the program: its command line is not the program's).
running() { kill -0 "$1" 2>/dev/null; }
ended() { ! running "$1"; }

mkfifo "$work/first.in" "$work/other.in"
# The first program's output goes to a pipe whose end is noted in
# first.ended; each program says "started" once it runs.
"${wine_words[@]}" cmd /c "echo started& set /p line=& echo first" <"$work/first.in" \
    > >(cat >"$work/first.log"; touch "$work/first.ended") 2>&1 &
first=$!
exec 7>"$work/first.in"
wait_for "the first program did not start" 30 grep -qs started "$work/first.log"
# Another program, which runs until this script lets it end.
"${wine_words[@]}" cmd /c "echo started& set /p line=" <"$work/other.in" >"$work/other.log" 2>&1 7>&- &
other=$!
exec 6>"$work/other.in"
wait_for "the other program did not start" 30 grep -qs started "$work/other.log"

exec 7>&- # the first program reads the end of its input, and ends
wait_for "the first program did not end" 30 ended "$first"
wait_for "the first program's output did not end while another program of its prefix ran" \
    10 test -e "$work/first.ended"
grep -q first "$work/first.log" || fail "the first program did not finish: $(cat "$work/first.log")"
running "$other" || fail "the other program ended before the check (it must run on)"
echo "ok: a program's output ended with it while another program of its prefix ran"
