#!/usr/bin/env bash
# tests/wine_prefix.sh PREFIX: the `wine_prefix` fixture. Makes the Wine
# prefix the tests' runs copy (see tests/wine.sh), alone, before them; keeps
# one made by the same Wine. Without Wine it does nothing: the tests that
# need it say what to install.
set -euo pipefail
source "$(dirname "$0")/wine.sh"
prefix=$1
command -v wine >/dev/null && command -v wineserver >/dev/null || exit 0
# What made it: the Wine, and this script's settings (a prefix made with
# others is made again).
version="$(WINEDEBUG=-all wine --version), no debugger"
[[ -f $prefix/made-by && $(cat "$prefix/made-by") == "$version" ]] && exit 0

parent=$(dirname "$prefix")
mkdir -p "$parent"
work=$(mktemp -d "$parent/wine-prefix.XXXXXX")
trap 'wine_stop "$work"; rm -rf "$work"' EXIT
# Wine's first start on a fresh machine has failed to load its own
# kernel32.dll before running anything; a prefix is made at most twice.
for attempt in 1 2; do
    if wine_env "$work" wine wineboot --init 2>"$work/wine.err" &&
        wine_env "$work" wineserver -w &&
        [[ -f $work/wine/system.reg && -f $work/wine/drive_c/windows/system32/kernel32.dll ]] &&
        [[ $(wine_env "$work" wine cmd /c echo made 2>>"$work/wine.err" | tr -d '\r') == made ]] &&
        # A crash ends the program with the exception's code, as Windows
        # does with no debugger: Wine's own starts winedbg, whose exit
        # status is 0, so that a test that crashed would pass.
        wine_env "$work" wine reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' \
            /v Debugger /t REG_SZ /d '' /f >/dev/null 2>>"$work/wine.err" &&
        wine_env "$work" wineserver -w; then
        wine_stop "$work"
        rm -f "$work/wine/wineserver"
        echo "$version" >"$work/wine/made-by"
        rm -rf "$prefix"
        mv "$work/wine" "$prefix"
        echo "made a Wine prefix with $version (attempt $attempt)"
        exit 0
    fi
    echo "Wine could not make a prefix (attempt $attempt):" >&2
    cat "$work/wine.err" >&2
    wine_stop "$work"
    rm -rf "$work/wine"
done
exit 1
