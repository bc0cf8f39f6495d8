#!/usr/bin/env bash
# tests/bench/runtime.sh SCRATCH-PARENT CALLS CALLS-V1 CALLS-V2 (RELOAD-N LIB-N)x3
# Runs the runtime benchmarks in one process each, one after the other, and
# prints their tables. Scratch libraries live on the build's disk, as a
# build's do; the private copies of their programs (and the baseline's) in
# memory, where they go by default, unless this machine has no tmpfs for
# them. Both directories are removed on exit.
set -euo pipefail
. "$(dirname "$0")/memory.sh"
work=$(mktemp -d "$1/bench.XXXXXX")
memory=
trap 'rm -rf "$work" ${memory:+"$memory"}' EXIT
memory=$(memory_scratch bench-runtime)
where="in memory (/dev/shm)"
[[ -n $memory ]] || { memory=$work/tmp; mkdir "$memory"; where="on disk: no tmpfs here for them"; }
export TMPDIR=$memory

echo "== vais-hot runtime benchmarks (issue: stub <= 1.2x pointer; reload <= 1 ms at 100, <= 3 ms at 2000; auto <= 5 ms)"
VAIS_HOT_LIBRARY="$work/calls.so" "$2" "$3" "$4" "$work/calls.so"
echo
printf '%-28s %10s %10s %10s %10s %7s %10s\n' "manual reload (50 runs)" median p90 max bare ratio cleanup
echo "  (bare: copy + dlopen + one dlsym per function, the same library; goal: ratio <= 1.3;"
echo "   cleanup: hot_cleanup with the 51 versions mapped; copies $where)"
shift 4
for count in 10 100 2000; do
    "$1" reload "$2" "$work/reload_$count.so" "$count" "$count hot functions"
    [[ $count == 10 ]] && idle=("$1" idle "$2" "$work/idle.so" "$count")
    shift 2
done
echo
printf '%-30s %11s %11s %7s\n' "hot_check, nothing new" ours "stat()" ratio
"${idle[@]}" "per call (2e5 calls)"
