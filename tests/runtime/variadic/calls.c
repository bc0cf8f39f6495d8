/* The variadic-call test's hot functions: one variadic, whose arguments
 * fill the integer registers, xmm0-7 (their count in %al) and the stack,
 * and one that takes a va_list. Built twice: with VARIADIC_V2 the results
 * change sign, so a test can tell the builds apart. */
#include <stdarg.h>

#ifdef VARIADIC_V2
#define SIGN (-1)
#else
#define SIGN 1
#endif

/* The sum of `pairs` (long, double) arguments, the i-th pair (from 1)
 * weighted by i, so that any argument read from the wrong place shows. */
static double weighted(int pairs, va_list args)
{
    double total = 0;
    for (int i = 1; i <= pairs; i++) {
        long l = va_arg(args, long);
        double d = va_arg(args, double);
        total += i * ((double)l + d);
    }
    return total;
}

// #[hot]
double mixed(int pairs, ...)
{
    va_list args;
    va_start(args, pairs);
    double total = weighted(pairs, args);
    va_end(args);
    return SIGN * total;
}

// #[hot]
double mixed_list(int pairs, va_list args)
{
    return SIGN * weighted(pairs, args);
}
