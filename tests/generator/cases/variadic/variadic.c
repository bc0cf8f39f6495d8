/* Variadic hot functions, and one that takes a va_list (a typedef name,
 * like any other): the stub is a tail jump that leaves every argument
 * register, %al and the stack as the caller set them. */
#include <stdarg.h>
#include <stdio.h>

#[hot]
int log_line(char *out, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int length = vsnprintf(out, size, format, args);
    va_end(args);
    return length;
}

#[hot]
int log_list(char *out, size_t size, const char *format, va_list args)
{
    return vsnprintf(out, size, format, args);
}

#[hot]
double sum(int count, ...)
{
    va_list args;
    double total = 0;
    va_start(args, count);
    for (int i = 0; i < count; i++)
        total += va_arg(args, double);
    va_end(args);
    return total;
}

static void say(const char *format, ...)
{
    (void)format;
}

#[hot]
void (*pick(int k))(const char *, ...)
{
    return k ? say : NULL;
}
