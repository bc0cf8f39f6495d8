# tests/e2e/lib.sh: what the end-to-end scripts share. Source it with the
# arguments C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT; it makes a scratch
# directory $work, removed on exit with anything it started. C-COMPILER may
# be a CMake toolchain file instead (a path ending in .cmake): the project is
# then cross-built with it, and its program runs under the emulator the
# toolchain names, as the build's description of it says.
set -euo pipefail

cc=$1
vais_hot_dir=$2
work=$(mktemp -d "$3/e2e.XXXXXX")
# How the project is configured, the C compiler for what a script builds
# by hand and the emulator its programs run under: the toolchain's, which
# it names.
target_emulator=""
if [[ $cc == *.cmake ]]; then
    compiler_option=-DCMAKE_TOOLCHAIN_FILE="$cc"
    printf 'include("%s")\nmessage("${CMAKE_C_COMPILER}\\n${CMAKE_CROSSCOMPILING_EMULATOR}")\n' \
        "$cc" >"$work/toolchain.cmake"
    { read -r target_cc && read -r target_emulator; } < <(cmake -P "$work/toolchain.cmake" 2>&1) || true
else
    compiler_option=-DCMAKE_C_COMPILER="$cc"
    target_cc=$cc
fi
pid=""
source "$(dirname "${BASH_SOURCE[0]}")/../wine.sh"
under_wine=0

e2e_cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    ((under_wine == 0)) || wine_stop "$work"
    rm -rf "$work"
}
trap e2e_cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    echo "--- program stdout (last 5 lines)" >&2
    tail -n 5 "$work/out" >&2 || true
    echo "--- program stderr" >&2
    cat "$work/err" >&2 || true
    if [[ -f $work/watch.err ]]; then
        echo "--- vais-hot watch stderr (last 30 lines)" >&2
        tail -n 30 "$work/watch.err" >&2
    fi
    exit 1
}

now_ns() { date +%s%N; }

# Ends the script as skipped (CTest's SKIP_RETURN_CODE 77), saying why,
# when its programs would run under Wine, which cannot do what it tests.
skip_under_wine() {
    [[ ${target_emulator%%;*} == wine ]] || return 0
    echo "SKIP: under Wine, $*"
    exit 77
}

# Prints a figure the script measured, labelled as emulated where the
# program ran under an emulator (no speed is claimed from that).
figure() {
    if ((${#emulator[@]})); then
        echo "figure (emulated by ${emulator_name:-${emulator[0]}}): $*"
    else
        echo "figure: $*"
    fi
}

# Runs the command from $4 on every 10 ms until it succeeds (what it prints
# then is what this prints), for at most $1 seconds; fails with "no $2 within
# ...s" after that, or at once when the process $3 (if not empty) has ended,
# which can then say nothing more.
poll() {
    local seconds=$1 what=$2 alive=$3
    shift 3
    local deadline=$(($(now_ns) + seconds * 1000000000))
    while (($(now_ns) < deadline)); do
        "$@" && return 0
        [[ -z $alive ]] || kill -0 "$alive" 2>/dev/null || fail "it exited while waiting for $what"
        sleep 0.01
    done
    fail "no $what within ${seconds}s"
}

# The program's first stdout line with "mark=$1" printed after the time $2.
mark_line() {
    local line
    line=$(awk -v m="mark=$1" -v t="$2" '$3 == m && $1 > t { print; exit }' "$work/out")
    [[ -n $line ]] && echo "$line"
}

# The number of the program's first stdout line holding the fixed text $1.
line_number() {
    local number
    number=$(grep -nF -- "$1" "$work/out" | head -n 1)
    [[ -n $number ]] && echo "${number%%:*}"
}

# Waits until the program's stdout has a line with "mark=$1" printed after
# the time $2 (ns); prints that line. Fails after $3 seconds.
wait_for_mark() { poll "$3" "line with mark=$1" "$pid" mark_line "$1" "$2"; }

# Waits until the program's stdout has a line holding the fixed text $1, for
# at most $2 seconds; prints the number of the first such line.
wait_for_line() { poll "$2" "line with '$1'" "$pid" line_number "$1"; }

# Waits until stderr holds the fixed text $1, for at most $2 seconds.
wait_for_stderr() { poll "$2" "stderr saying: $1" "" grep -qF -- "$1" "$work/err"; }

# Rewrites the value step() returns; the line may be broken (no ';').
set_mark() { sed -i "s|^    return [^/]*/\* mark \*/|    return $1; /* mark */|" "$work/src/step.c"; }
break_step() { sed -i "s|^    return \([^;]*\); /\* mark \*/|    return \1 /* mark */|" "$work/src/step.c"; }
# As set_mark, but the saved file keeps the old one's modification time, as a
# save within one tick of the file system's clock does: the build tool cannot
# tell it from the text it last built. Saved by rename, as editors do.
set_mark_same_time() {
    sed "s|^    return [^/]*/\* mark \*/|    return $1; /* mark */|" "$work/src/step.c" >"$work/step.c.new"
    touch -r "$work/src/step.c" "$work/step.c.new"
    mv "$work/step.c.new" "$work/src/step.c"
}

# Copies the project $1 (default counter) from beside this file, configures
# it with Ninja and any further arguments, and builds it.
build_counter() {
    local project=${1:-counter}
    (($# == 0)) || shift
    cp -r "$(dirname "${BASH_SOURCE[0]}")/$project" "$work/src"
    mkdir "$work/tmp"
    cmake -S "$work/src" -B "$work/build" -G Ninja "$compiler_option" \
        -DCMAKE_BUILD_TYPE=Debug -DVAIS_HOT_DIR="$vais_hot_dir" "$@" >"$work/configure.log" 2>&1 ||
        { cat "$work/configure.log"; fail "configure failed"; }
    cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build failed"; }
    emulator=()
    local description=$work/build/vais_hot/$program.watch
    [[ -f $description ]] || fail "no description of '$program' at $description"
    mapfile -t emulator < <(sed -n 's/^emulator //p' "$description")
    exe=$(sed -n 's/^executable //p' "$description")
    library=$(sed -n 's/^library_file //p' "$description")
    shown_prefix=""
    # A Windows program runs under Wine, in a prefix of the test's own
    # (tests/wine.sh): its private directories go to Wine's temporary
    # directory, and it names its library through Wine's drive Z:.
    if [[ ${emulator[0]:-} == wine ]]; then
        under_wine=1
        wine_words "$work" || fail "no Wine prefix to copy"
        emulator=("${wine_words[@]}")
        emulator_name=wine
        private_parent=$(wine_temp "$work")
        shown_prefix=Z:
    fi
    shown_library=$shown_prefix$library
    # The vais-hot command the build made for this machine: a cross build
    # makes it apart from the target's files.
    tool=$work/build/vais-hot/tool/vais-hot
    [[ -x $tool ]] || tool=$work/build/vais-hot/vais-hot-host/build/tool/vais-hot
}

# What runs the program the project built: the emulator its description
# names (none: it runs as itself); the vais-hot command for this machine.
emulator=()
tool=""
# The program's and its hot library's files, as its description names them;
# what comes before a path as the program names it (Z: under Wine, whose
# drive it is on), and the library so named; where its private directories
# go.
exe=""
library=""
shown_prefix=""
shown_library=""
private_parent=$work/tmp

# The executable in $work/build that start_counter runs; a script whose
# project is not the counter sets its own.
program=counter

# Starts $program from / (it must find its library by itself), with any
# VAR=value arguments in its environment, and returns at once.
launch_counter() {
    rm -f "$work/stop"
    : >"$work/out" # now, not when the background shell gets to its redirection
    : >"$work/err"
    (cd / && exec env TMPDIR="$work/tmp" "$@" "${emulator[@]}" "$exe" "$work/stop" \
        >"$work/out" 2>"$work/err") &
    pid=$!
}

# As launch_counter, then waits for the program's first line.
start_counter() {
    launch_counter "$@"
    poll 10 "first line of the program" "$pid" test -s "$work/out"
}

# Asks the counter to exit, and checks it did so cleanly, leaving no
# private copies behind.
stop_counter() {
    touch "$work/stop"
    wait "$pid" || fail "the program exited with status $?"
    pid=""
    [[ -z $(ls -A "$private_parent") ]] || fail "private copies left behind: $(ls -A "$private_parent")"
}

# --- `vais-hot watch` (watch*.sh) ---
watch_pid=""

# Waits until file $1 holds the fixed text $2, for at most $3 seconds, while
# the watch runs.
wait_for_text() {
    poll "$3" "'$1' saying: $2" "$watch_pid" grep -qF -- "$2" "$1"
}

# Starts the counter build's vais-hot with `watch ARGS...` (from $3 on), its
# stdout in $1 and stderr in $2, and waits until it watches. On exit it is
# stopped like any other watch, before the rest is cleaned up.
start_watch() {
    local out=$1 err=$2
    shift 2
    trap 'stop_watch TERM; e2e_cleanup' EXIT
    "$tool" watch "$@" >"$out" 2>"$err" &
    watch_pid=$!
    wait_for_text "$err" "vais-hot: watching " 60
}

# Sends signal $1 to the watch and waits (at most 10 s, then SIGKILL) for it
# to end; sets watch_status to its exit status.
watch_status=""
stop_watch() {
    [[ -n $watch_pid ]] || return 0
    local deadline=$(($(now_ns) + 10000000000))
    kill -"$1" "$watch_pid" 2>/dev/null || true
    while kill -0 "$watch_pid" 2>/dev/null && (($(now_ns) < deadline)); do
        sleep 0.01
    done
    kill -KILL "$watch_pid" 2>/dev/null || true
    watch_status=0
    wait "$watch_pid" || watch_status=$?
    watch_pid=""
}

# Counts the lines of file $1 that hold the fixed text $2.
count_lines() { grep -cF -- "$2" "$1" || true; }

# Waits, at most $4 seconds, until file $1 has more than $3 lines saying $2.
more_lines() { (($(count_lines "$1" "$2") > $3)); }
wait_for_more() {
    poll "$4" "a line more in '$1' saying: $2" "$watch_pid" more_lines "$1" "$2" "$3"
}
