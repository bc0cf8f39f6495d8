/* The hot source of the stored-pointer test. Each build says which it is
 * through VERSION (and RETYPED, GONE, CRASH); every function's result shows
 * the build whose code ran. */
#include "stored.h"

#include <stddef.h>

#ifndef VERSION
#define VERSION 1
#endif

static int helper(int x)
{
    return x + VERSION * 100;
}

__attribute__((noinline)) static int scaled(const int *x, int k)
{
    int sum = VERSION * 100000;
    for (int i = 0; i < *x; i++)
        sum += i * k + (i & 1);
    return sum;
}

int plain(int x)
{
    return x + VERSION * 1000;
}

#ifdef RETYPED
__attribute__((used, noinline)) static long retyped(long x) /* kept out of line, not taken */
{
    return x + VERSION;
}
#else
static int retyped(int x)
{
    return x + VERSION;
}
#endif

#ifndef GONE
static int gone(int x)
{
    return x + 2 * VERSION; /* unlike retyped: identical functions may be folded into one */
}
#endif

// #[hot]
int marked(int x)
{
    return x + VERSION * 10000;
}

// #[hot]
int scaled_twice(int x)
{
    return scaled(&x, 3) + scaled(&x, 3);
}

// #[hot]
void take_callbacks(struct callbacks *cb)
{
    cb->helper = helper;
    cb->plain = plain;
    cb->marked = marked;
    cb->scaled = scaled;
#ifdef RETYPED
    (void)retyped(0);
#else
    cb->retyped = retyped;
#endif
#ifndef GONE
    cb->gone = gone;
#endif
}

// #[hot]
long crash(void *arg)
{
    (void)arg;
#ifdef CRASH
    volatile int *nowhere = NULL;
    return *nowhere;
#else
    return VERSION;
#endif
}
