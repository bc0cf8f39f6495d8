# tests/bench/memory.sh: sourced by the runtime benchmarks.
# memory_scratch NAME: makes a scratch directory in memory, where a
# program's private copies go by default (with no TMPDIR set, a file system
# in memory comes first), and prints its path: under /dev/shm when that is
# a tmpfs that may hold code, with 512 MiB free for the versions a
# benchmark keeps mapped; else prints nothing.
memory_scratch() {
    [[ $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]] || return 0
    [[ " $(findmnt -n -o OPTIONS --target /dev/shm 2>/dev/null | tr , ' ') " != *" noexec "* ]] ||
        return 0
    (($(df --output=avail -k /dev/shm | tail -n 1) >= 512 * 1024)) || return 0
    mktemp -d "/dev/shm/$1.XXXXXX"
}
