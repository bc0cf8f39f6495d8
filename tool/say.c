/* tool/say.c
 * The vais-hot command's lines (say.h). */
#include "say.h"

#include <stdio.h>

static void line(const char *prefix, const char *format, va_list args)
{
    fputs(prefix, stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    fflush(stderr);
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
    fprintf(stderr, "%s\n", usage);
    fflush(stderr);
}
