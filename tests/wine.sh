# tests/wine.sh: how a test runs a Windows program under Wine, sourced by
# the scripts that do (tests/cmake/setups.sh, tests/windows/*, and
# tests/e2e/lib.sh for a project built for Windows) and by the fixture that
# makes the prefix they start from (tests/wine_prefix.sh). Each run has a
# prefix, home and TMPDIR of its own under DIR (Debian's Wine keeps its
# server's directory in TMPDIR), no display (no dialog may wait for
# anyone), nothing offered for install (Mono, Gecko) and no menu entries
# written.
#
# A prefix is made once per test run, alone, by the `wine_prefix` fixture,
# and copied by each run: Wine 8 writes about 700 MB into a new prefix, and
# its first start on a fresh machine, racing another, has failed to load
# its own kernel32.dll.

# wine_tools_missing: says which of mingw-w64's gcc, wine and wineserver a
# Windows test needs and this machine lacks, and what to install; returns 1
# then, 0 when all are there.
wine_tools_missing() {
    local tool
    for tool in x86_64-w64-mingw32-gcc wine wineserver; do
        command -v "$tool" >/dev/null && continue
        echo "no $tool: install gcc-mingw-w64-x86-64 and wine (as .ci/run does)"
        return 1
    done
}

# wine_words DIR: sets the array wine_words to the command that runs Wine
# for DIR ("${wine_words[@]}" PROGRAM ARGS...). A prefix copied from the one
# VAIS_HOT_WINE_PREFIX names is made first, unless DIR has one (its files
# hard-linked, but for those Wine rewrites in place; the server's directory
# name is left behind), and its session started with no terminal or pipe
# of the caller's (see wine_session), unless it runs. A script calls this
# right before the programs it runs: a session ends WINE_SESSION_LINGER
# seconds after its last program, and a program that finds none starts one
# holding its output. Returns 1 if there is no prefix to copy or its
# session did not start.
wine_words() {
    local dir=$1
    if [[ ! -d $dir/wine ]]; then
        [[ -n ${VAIS_HOT_WINE_PREFIX:-} && -f $VAIS_HOT_WINE_PREFIX/system.reg ]] || {
            echo "no Wine prefix made: VAIS_HOT_WINE_PREFIX is '${VAIS_HOT_WINE_PREFIX:-}'" \
                "(ctest runs the wine_prefix fixture first)" >&2
            return 1
        }
        cp -al "$VAIS_HOT_WINE_PREFIX" "$dir/wine"
        rm -f "$dir/wine/wineserver" "$dir/wine"/*.reg
        cp "$VAIS_HOT_WINE_PREFIX"/*.reg "$dir/wine/"
    fi
    wine_session_runs "$dir" || wine_session "$dir" || return 1
    wine_environment "$dir"
    wine_words=("${wine_environment[@]}" wine)
}

# wine_session_runs DIR: whether the server of DIR's prefix runs (its
# socket, in its directory under DIR's TMPDIR, is there while it does).
wine_session_runs() {
    compgen -G "$1/wine-tmp/wine-*/server-*/socket" >/dev/null
}

# wine_session DIR: starts the server of DIR's prefix, and the session's
# own programs (services.exe and those it starts), before any test's
# program can:
# - A program that starts a session hands those programs its output and
#   error, and they keep them open until the session ends, which is after
#   every program of the prefix has ended. ctest waits for a test's output
#   to end, so a test that started the session timed out while another ran
#   on. Started here, they have /dev/null and DIR/session.err.
# - Two programs started together with no server each made a server
#   directory of their own (Debian's Wine names it in the prefix's
#   `wineserver` file), and one failed to find the other's.
# The session ends WINE_SESSION_LINGER seconds after the last program has
# ended (so it lasts from one test's program to the next), or at wine_stop.
# A start that fails is made once more from a stopped server (one failed
# in CI, its cause unseen), saying why on stderr.
WINE_SESSION_LINGER=60
wine_session() {
    wine_environment "$1"
    local attempt
    for attempt in 1 2; do
        "${wine_environment[@]}" wineserver -p"$WINE_SESSION_LINGER" 2>>"$1/session.err" &&
            "${wine_environment[@]}" wine cmd /c exit 0 </dev/null >/dev/null 2>>"$1/session.err" &&
            return 0
        echo "Wine's session did not start in the prefix copied to '$1/wine' (try $attempt of 2):" \
            "$(tail -n 5 "$1/session.err")" >&2
        "${wine_environment[@]}" wineserver -k 2>/dev/null || true
        "${wine_environment[@]}" wineserver -w 2>/dev/null || true
    done
    return 1
}

# wine_environment DIR: sets the array wine_environment to the `env`
# command giving a command DIR's prefix, home and TMPDIR.
wine_environment() {
    mkdir -p "$1/home" "$1/wine-tmp"
    wine_environment=(env -u DISPLAY -u WAYLAND_DISPLAY HOME="$1/home" TMPDIR="$1/wine-tmp"
        WINEPREFIX="$1/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d")
}

# wine_export DIR: gives this shell DIR's prefix, home and TMPDIR, as
# wine_environment gives a command, so that what it starts (a `vais-hot
# watch --exec` that runs a Windows program under plain `wine`) uses them.
wine_export() {
    wine_environment "$1"
    unset DISPLAY WAYLAND_DISPLAY
    local assignment
    for assignment in "${wine_environment[@]}"; do
        [[ $assignment == *=* ]] && export "${assignment?}"
    done
    return 0
}

# wine_env DIR COMMAND [ARGS...]: COMMAND (wine, wineserver...) with DIR's
# prefix, home and TMPDIR.
wine_env() {
    wine_environment "$1"
    shift
    "${wine_environment[@]}" "$@"
}

# wine_run DIR PROGRAM [ARGS...]: runs PROGRAM, its output on stdout, Wine's
# own lines (and the program's stderr) in DIR/wine.err; its exit status.
wine_run() {
    local dir=$1
    shift
    wine_words "$dir" || return 1
    "${wine_words[@]}" "$@" 2>"$dir/wine.err"
}

# wine_temp DIR: the Windows temporary directory of DIR's prefix, where a
# program's private directory goes.
wine_temp() { echo "$1/wine/drive_c/users/$(id -un)/Temp"; }

# wine_stop DIR: stops the Wine server a run under DIR started, and waits
# for it, so that nothing is left running.
wine_stop() {
    [[ -d $1/wine ]] || return 0
    wine_env "$1" wineserver -k 2>/dev/null || true
    wine_env "$1" wineserver -w 2>/dev/null || true
}
