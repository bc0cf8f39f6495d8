#!/usr/bin/env bash
# tests/runtime/elf_format.sh CC VAIS-HOT-DIR SCRATCH-PARENT
# runtime/elf_format.h (vais-hot's own ELF definitions, for C libraries
# without <elf.h>) against the build machine's <elf.h>: every number it
# defines, every function-like macro on a sample, and the size and offset
# of every field of every record, printed by one program compiled against
# each header; the two must print the same.
set -euo pipefail
cc=$1 header=$(cd "$2" && pwd)/runtime/elf_format.h
work=$(mktemp -d "$3/elf_format.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

{
    echo '#include <stddef.h>'
    echo '#include <stdio.h>'
    echo '#ifdef SYSTEM'
    echo '#include <elf.h>'
    echo '#else'
    echo "#include \"$header\""
    echo '#endif'
    echo 'int main(void) {'
    echo '    unsigned long long sample = 0x123456789abcdef7ULL;'
    echo '    (void)sample;'
    awk '
        /^#define VAIS_HOT_ELF_FORMAT_H/ { next }
        /^#define [A-Za-z0-9_]+\(/ {
            name = $2; sub(/\(.*/, "", name)
            args = ($2 ~ /,/) ? "sample, sample" : "sample"
            printf "    printf(\"%s %%llu\\n\", (unsigned long long)%s(%s));\n", name, name, args
            next
        }
        /^#define ELFMAG / { print "    printf(\"ELFMAG %s\\n\", ELFMAG);"; next }
        /^#define / { printf "    printf(\"%s %%lld\\n\", (long long)(%s));\n", $2, $2; next }
        /^typedef struct/ { in_struct = 1; n = 0; next }
        in_struct && /^} / { t = $2; sub(/;/, "", t)
            printf "    printf(\"%s %%zu\\n\", sizeof(%s));\n", t, t
            for (i = 0; i < n; i++)
                printf "    printf(\"%s.%s %%zu %%zu\\n\", offsetof(%s, %s), sizeof(((%s *)0)->%s));\n", t, f[i], t, f[i], t, f[i]
            in_struct = 0; next }
        in_struct && /;$/ && !/union|}/ { name = $NF; sub(/;/, "", name); sub(/\[.*/, "", name)
            if (depth_union) name = "d_un." name
            f[n++] = name; next }
        in_struct && /union/ { depth_union = 1; next }
        in_struct && /} d_un;/ { depth_union = 0; next }
    ' "$header"
    echo '    return 0;'
    echo '}'
} >"$work/values.c"

"$cc" -std=c11 -Wall -Werror -DSYSTEM "$work/values.c" -o "$work/system" ||
    fail "the values program does not build against <elf.h>"
"$cc" -std=c11 -Wall -Werror "$work/values.c" -o "$work/ours" ||
    fail "the values program does not build against elf_format.h"
"$work/system" >"$work/system.txt"
"$work/ours" >"$work/ours.txt"
lines=$(wc -l <"$work/ours.txt")
((lines > 150)) || fail "only $lines values compared: the list read from elf_format.h is short"
diff -u "$work/system.txt" "$work/ours.txt" || fail "elf_format.h differs from <elf.h> (- theirs, + ours)"
echo "elf_format.h: $lines values equal to <elf.h>'s"
