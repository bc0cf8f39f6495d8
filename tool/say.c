/* tool/say.c
 * The vais-hot command's lines (say.h). Invariant: a line is formatted in
 * full, then written with one fwrite to unbuffered stderr, so with one
 * write: the running program's lines (runtime/log.c writes each whole too)
 * and a build's never land inside one of ours. */
#include "say.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

SAY_FORMAT(2, 0) static void line(const char *prefix, const char *format, va_list args)
{
    char small[1024], *text = small;
    size_t at = strlen(prefix), room = sizeof small - at - 1; /* keeps one byte for '\n' */
    va_list again;
    va_copy(again, args);
    memcpy(small, prefix, at);
    int n = vsnprintf(small + at, room, format, args);
    if (n >= 0 && (size_t)n >= room && (text = malloc(at + (size_t)n + 2))) {
        memcpy(text, prefix, at); /* longer than small: formatted again, whole */
        room = (size_t)n + 1;
        vsnprintf(text + at, room, format, again);
    } else if (!text) {
        text = small; /* no memory for the whole line: what fits */
    }
    va_end(again);
    if (n > 0)
        at += (size_t)n < room ? (size_t)n : room - 1;
    text[at++] = '\n';
    fwrite(text, 1, at, stderr);
    fflush(stderr);
    if (text != small)
        free(text);
}

SAY_FORMAT(2, 3) static void line_of(const char *prefix, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    line(prefix, format, args);
    va_end(args);
}

void say(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    line("vais-hot: ", format, args);
    va_end(args);
}

void say_error(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    line("vais-hot: error: ", format, args);
    va_end(args);
}

void say_usage(const char *usage, const char *format, va_list args)
{
    line("vais-hot: error: ", format, args);
    line_of("", "%s", usage);
}
