/* tests/runtime/test_lazy.c
 * The first call of a hot function goes through the lazy entry, which loads
 * the library and then runs the call: every argument must arrive intact.
 * Each function is called first after a hot_cleanup(), so each call below
 * takes the lazy path: integer and vector registers, the widest vector
 * argument (lazy/wide.h), stack arguments, and a struct returned through
 * memory. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"

#include "../system.h"
#include "lazy/wide.h"

#include <stdlib.h>
#include <unistd.h>
#include <vais/hot.h>

struct big {
    long a, b, c, d;
};

double wide_sum(wide v);
double many(long a, long b, long c, long d, long e, long f, long g, double x0, double x1, double x2,
            double x3, double x4, double x5, double x6, double x7, double x8);
struct big make_big(long seed);

static char scratch[300];

/* The program's very first call. */
static void keeps_the_widest_vector_whole(void)
{
    CHECK_INT(hot_version(), ==, 0);
    CHECK_INT((long)wide_sum(wide_of(1.0, 10.0, 100.0, 1000.0)), ==, 1111);
    CHECK_INT(hot_version(), ==, 1);
    CHECK_INT((long)wide_sum(wide_of(1.0, 20.0, 300.0, 4000.0)), ==, 4321);
}

static void keeps_integer_vector_and_stack_arguments(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK_INT(hot_version(), ==, 0);
    double sum = many(1, 2, 3, 4, 5, 6, 7, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5);
    CHECK_INT((long)(sum * 2), ==, 2 * 140 + 615); /* 140 from the longs, 307.5 from the doubles */
    CHECK_INT(hot_version(), ==, 1);
}

static void returns_a_struct_through_memory(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    struct big b = make_big(7);
    CHECK(b.a == 7 && b.b == 14 && b.c == 21 && b.d == 28);
    CHECK_INT(hot_version(), ==, 1);
}

static void leaves_nothing_behind(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK_INT(rmdir(scratch), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"keeps_the_widest_vector_whole", keeps_the_widest_vector_whole, NULL},
    {"keeps_integer_vector_and_stack_arguments", keeps_integer_vector_and_stack_arguments, NULL},
    {"returns_a_struct_through_memory", returns_a_struct_through_memory, NULL},
    {"leaves_nothing_behind", leaves_nothing_behind, NULL},
};

int main(void)
{
    CHECK(system_scratch_dir(scratch, sizeof scratch, "lazy"));
    system_private_copies_in(scratch);
    hot_log_to(NULL);
    return CHECK_SCENARIOS("lazy", scenarios);
}
