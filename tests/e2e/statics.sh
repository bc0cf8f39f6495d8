#!/usr/bin/env bash
# tests/e2e/statics.sh C-COMPILER VAIS-HOT-DIR SCRATCH-PARENT
# Libraries with file-static state in LINK_LIBRARIES (the statics project:
# static, object, imported and prebuilt archives, one behind an INTERFACE
# target, one another links, a shared library) exist once in the program:
# the hot library defines none of their functions, the core exports every
# one, also those only hot code calls; the running hot code sees the state
# the core made in each, and still does after an edit and a rebuild, which
# relinks no core, nor does one that first calls the C library's. An edit
# that first calls a function of a library the core links only for
# another's sake relinks the core, and the running program refuses that
# build until it restarts, saying so once the core is rebuilt; vais-hot
# watch rebuilds the core at the next such edit, and says why. A Windows
# core has every library's functions from the start (its hot DLL cannot
# link without them): that edit reloads, and the core is not relinked.
source "$(dirname "$0")/lib.sh"
program=app
src=$(dirname "$0")/statics
want="registry:3,length:14,vowels:2,tally:5,meter:4,dial:7,gauge:11,knob:13,greet:2,root:3"

# The archives a vendor would ship, built by hand.
mkdir "$work/prebuilt"
for knob in dial gauge knob; do
    "$target_cc" -c -g -DKNOB="$knob" "$src/prebuilt/knob.c" -o "$work/prebuilt/$knob.o"
    ar rcs "$work/prebuilt/lib$knob.a" "$work/prebuilt/$knob.o"
done
build_counter statics -DPREBUILT_DIR="$work/prebuilt"

# The names a program exports: ELF's dynamic symbols, a PE file's export
# table.
exported() {
    if ((under_wine)); then
        objdump -p "$1" | awk '/^\[Ordinal\/Name Pointer\] Table/ { on = 1; next }
            on && /^\t\[/ { print $NF; next } { on = 0 }'
    else
        nm -D --defined-only "$1" | awk '{ print $3 }'
    fi
}
functions=(registry_add registry_count registry_total_length names_length names_vowels tally_count
    meter_get dial_get gauge_get knob_get hot_version)
# A DLL's import of f is its thunk, also a symbol f, beside __imp_f: not a
# copy.
defined_hot=$(nm --defined-only "$library" |
    awk '$3 ~ /^__imp_/ { imported[substr($3, 7)] = 1; next } { defined[$3] = 1 }
        END { for (f in defined) if (!(f in imported)) print f }')
exported_core=$(exported "$exe")
for f in "${functions[@]}"; do
    ! grep -qx "$f" <<<"$defined_hot" || fail "the hot library has its own copy of '$f'"
    grep -qx "$f" <<<"$exported_core" || fail "the core does not export '$f'"
done

# Checks that the line $1 shows the core's state and the same in hot code,
# where the runtime says at least version $2 runs.
check_line() {
    local core=${1#* core=} hot=${1#* hot=}
    core=${core%% *}
    hot=${hot%$'\r'}
    local version=${hot##*,version:}
    hot=${hot%,version:*}
    [[ $core == registry:3,tally:5,meter:4,dial:7,gauge:11,knob:13,greet:2 ]] || fail "the core made other state: $core"
    [[ $hot == "$want" ]] || fail "hot code sees '$hot', not '$want'"
    [[ $version =~ ^[0-9]+$ ]] && ((version >= $2)) ||
        fail "hot code's hot_version() says $version, not $2 or later: not the core's runtime"
}

start_counter
check_line "$(wait_for_mark 1 0 10)" 1

core_time=$(stat -c %y "$exe")
sed -i "s|^    return [^/]*/\* mark \*/|    return 2; /* mark */|" "$work/src/report.c"
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "rebuild failed"; }
check_line "$(wait_for_mark 2 "$(now_ns)" 10)" 2
[[ $(stat -c %y "$exe") == "$core_time" ]] || fail "a body edit relinked the core"

# remove(): the C library's, which the core never calls. A shared library
# gives it, so hot code's first call of it loads, and relinks no core.
sed -i "s|^    return [^/]*/\* mark \*/|    return 4 + 0 * remove(\"\"); /* mark */|" "$work/src/report.c"
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "rebuild failed"; }
check_line "$(wait_for_mark 4 "$(now_ns)" 30)" 3
[[ $(stat -c %y "$exe") == "$core_time" ]] || fail "hot code's first call of a C library function relinked the core"

# names_consonants: in names' archive, and called by nothing until now.
sed -i "s|^    return [^/]*/\* mark \*/|    return 3 + 0 * names_consonants(\"x\"); /* mark */|" "$work/src/report.c"
cmake --build "$work/build" --target app_hot >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "rebuild failed"; }
if ((under_wine)); then
    check_line "$(wait_for_mark 3 "$(now_ns)" 30)" 3
    cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "rebuild failed"; }
    [[ $(stat -c %y "$exe") == "$core_time" ]] || fail "a call into a library the core has relinked it"
else
    wait_for_stderr "uses 'names_consonants', which this program does not define" 10
    check_line "$(wait_for_mark 4 "$(now_ns)" 10)" 3
    cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "rebuild failed"; }
    [[ $(stat -c %y "$exe") != "$core_time" ]] || fail "a new need did not relink the core"
    # The core that runs is an old build now: the next refusal says to
    # restart it, not to rebuild it.
    sed -i 's|names_consonants("x")|names_consonants("xy")|' "$work/src/report.c"
    cmake --build "$work/build" --target app_hot >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "rebuild failed"; }
    wait_for_stderr "does not define; 'app' was rebuilt since it started: restart it to use it" 10
    # vais-hot watch, at the next such edit, builds the core too, saying why.
    start_watch "$work/watch.out" "$work/watch.err" "$work/build" app
    sed -i 's|names_consonants("xy")|names_consonants("xy") + 0 * names_initial("x")|' "$work/src/report.c"
    wait_for_text "$work/watch.err" "vais-hot: rebuilt 'app' because hot code now calls functions the core had not linked in; restart it if the running program refused the new build" 60
    stop_watch INT
fi
exported_core=$(exported "$exe")
grep -qx names_consonants <<<"$exported_core" || fail "the core does not export 'names_consonants'"
stop_counter
echo "e2e statics with $cc: all checks passed"
