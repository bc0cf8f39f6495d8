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
    size_t length = n > 0 ? (size_t)n : 0;
    if (length >= room) { /* longer than small: formatted again, whole */
        char *whole = malloc(at + length + 2);
        if (whole) {
            memcpy(whole, prefix, at);
            vsnprintf(whole + at, length + 1, format, again);
            text = whole;
        } else {
            length = room - 1; /* no memory for the whole line: what fits */
        }
    }
    va_end(again);
    at += length;
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
