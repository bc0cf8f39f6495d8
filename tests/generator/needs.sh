#!/usr/bin/env bash
# tests/generator/needs.sh C-COMPILER VAIS-HOT SCRATCH-PARENT
# `vais-hot needs` asks the core's link only for what the hot library
# needs from the core: not for a function a shared library it links gives,
# with a version of it required of that library (the C library's printf),
# or found where the dynamic loader looks (its run path, $ORIGIN; then the
# directories given, in order, passing over a file that is no library for
# this processor, and a FIFO without waiting on it). Asking for one of those
# relinked the core at hot code's first call of it, and `vais-hot watch
# --exec` restarted the program.
set -euo pipefail
cc=$1 tool=$2
work=$(mktemp -d "$3/needs.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
cd "$work"
mkdir elsewhere other
printf 'int beside_fn(void) { return 1; }\n' >beside.c
printf 'int elsewhere_fn(void) { return 2; }\n' >elsewhere.c
"$cc" -shared -fPIC beside.c -o libbeside.so
"$cc" -shared -fPIC elsewhere.c -o elsewhere/libelsewhere.so
echo "not a library" >other/libelsewhere.so
mkdir fifo
mkfifo fifo/libelsewhere.so # a FIFO is no library either, and is never waited on
cat >hot.c <<'EOF'
#include <stdio.h>
int beside_fn(void);
int elsewhere_fn(void);
int core_fn(void);
int hot(void)
{
    printf("hot\n");
    return beside_fn() + elsewhere_fn() + core_fn();
}
EOF
"$cc" -shared -fPIC hot.c -o libhot.so -L. -lbeside -Lelsewhere -lelsewhere '-Wl,-rpath,$ORIGIN'

"$tool" needs libhot.so found_beside.rsp
[[ $(sort found_beside.rsp) == $'-u core_fn\n-u elsewhere_fn' ]] ||
    fail "with no directory given, needs asked for: $(cat found_beside.rsp)"
timeout 30 "$tool" needs libhot.so found_everywhere.rsp "$work/fifo" "$work/other" "$work/elsewhere" ||
    fail "needs failed or waited on a FIFO (status $?)"
[[ $(cat found_everywhere.rsp) == "-u core_fn" ]] ||
    fail "with the directories given, needs asked for: $(cat found_everywhere.rsp)"
echo "needs: all checks passed"
