# tests/wine.sh: how a test runs a Windows program under Wine, sourced by
# the scripts that do (tests/cmake/setups.sh, tests/windows/stubs.sh).
# Each run has a prefix and home of its own under DIR, no display (no
# dialog may wait for anyone), nothing offered for install (Mono, Gecko)
# and no menu entries written.

# wine_run DIR PROGRAM [ARGS...]: runs PROGRAM, its output on stdout, Wine's
# own lines in DIR/wine.err; its exit status.
wine_run() {
    local dir=$1
    shift
    mkdir -p "$dir/home"
    env -u DISPLAY -u WAYLAND_DISPLAY HOME="$dir/home" WINEPREFIX="$dir/wine" WINEDEBUG=-all \
        WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d" wine "$@" 2>"$dir/wine.err"
}

# wine_stop DIR: stops the Wine server a run under DIR started, and waits
# for it, so that nothing is left running.
wine_stop() {
    [[ -d $1/wine ]] || return 0
    WINEPREFIX=$1/wine wineserver -k 2>/dev/null || true
    WINEPREFIX=$1/wine wineserver -w 2>/dev/null || true
}
