/* runtime/log.c
 * Where event lines go: stderr unless the program chose another stream or
 * silence with hot__set_log. Invariant: a line is formatted in full, then
 * written with one fputs, so concurrent lines never interleave. */
#include "log.h"
#include "runtime.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static _Atomic int sink_chosen;   /* 0: stderr, the default */
static FILE *_Atomic sink_stream; /* the program's choice; NULL: silent */

void hot__set_log(FILE *stream)
{
    atomic_store(&sink_stream, stream);
    atomic_store(&sink_chosen, 1);
}

void hot__say(const char *format, ...)
{
    FILE *stream = atomic_load(&sink_chosen) ? atomic_load(&sink_stream) : stderr;
    if (!stream)
        return;
    char line[2048] = "vais-hot: ";
    size_t used = sizeof "vais-hot: " - 1;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line + used, sizeof line - used - 1, format, args);
    va_end(args);
    if (n < 0)
        return;
    used += (size_t)n < sizeof line - used - 1 ? (size_t)n : sizeof line - used - 2;
    line[used++] = '\n';
    line[used] = '\0';
    fputs(line, stream);
    fflush(stream);
}
