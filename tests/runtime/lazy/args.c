/* The lazy-entry test's hot functions: arguments in every kind of register
 * and on the stack, the widest vector argument, and a struct returned in
 * memory. */
#include "wide.h"

struct big {
    long a, b, c, d;
};

// #[hot]
double wide_sum(wide v)
{
    double lanes[4];
    wide_lanes(v, lanes);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

// #[hot]
double many(long a, long b, long c, long d, long e, long f, long g, double x0, double x1, double x2,
            double x3, double x4, double x5, double x6, double x7, double x8)
{
    return (double)(a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g) + x0 + 2 * x1 + 3 * x2 +
           4 * x3 + 5 * x4 + 6 * x5 + 7 * x6 + 8 * x7 + 9 * x8;
}

// #[hot]
struct big make_big(long seed)
{
    struct big b = {seed, seed * 2, seed * 3, seed * 4};
    return b;
}
