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
    char small[1024];
    size_t at = strlen(prefix);
    va_list again;
    va_copy(again, args);
    int n = vsnprintf(NULL, 0, format, args);
    size_t size = at + (n > 0 ? (size_t)n : 0) + 2; /* the newline, the '\0' */
    char *text = size > sizeof small ? malloc(size) : small;
    if (!text) { /* no memory for the whole line: what fits */
        text = small;
        size = sizeof small;
    }
    memcpy(text, prefix, at);
    n = vsnprintf(text + at, size - at - 1, format, again);
    va_end(again);
    if (n > 0)
        at += (size_t)n < size - at - 2 ? (size_t)n : size - at - 2;
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
