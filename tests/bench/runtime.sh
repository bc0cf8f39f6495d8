#!/usr/bin/env bash
# tests/bench/runtime.sh SCRATCH-PARENT CALLS CALLS-V1 CALLS-V2 (RELOAD-N LIB-N)x3
# Runs the runtime benchmarks in one process each, one after the other, and
# prints their tables. Scratch libraries live in a directory removed on exit.
set -euo pipefail
work=$(mktemp -d "$1/bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work

echo "== vais-hot runtime benchmarks (issue: stub <= 1.2x pointer; reload <= 1 ms at 100, <= 3 ms at 2000; auto <= 5 ms)"
VAIS_HOT_LIBRARY="$work/calls.so" "$2" "$3" "$4" "$work/calls.so"
echo
printf '%-44s %10s %10s %10s\n' "manual reload: stamp -> table live (50 runs)" median p90 max
shift 4
for count in 10 100 2000; do
    "$1" "$2" "$work/reload_$count.so" "$count hot functions"
    shift 2
done
