/* tests/runtime/test_variadic.c
 * Variadic hot functions, called through their stubs: the first call goes
 * through the lazy entry, which must keep %al (the count of vector
 * registers a variadic call uses), xmm0-7 and the stack; later calls, and
 * calls after a reload to another build, go through the active table.
 * argv: the v1 (own) and v2 builds of the library. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <vais/hot.h>

double mixed(int pairs, ...);
double mixed_list(int pairs, va_list args);

/* Ten pairs (i, i + 0.5): five longs after `pairs` fill rsi..r9 and eight
 * doubles xmm0-7, so %al is 8; the rest are on the stack. The weighted sum
 * is the sum over i of i * (2i + 0.5): 2 * 385 + 0.5 * 55. */
#define TEN_PAIRS                                                                                  \
    10, 1L, 1.5, 2L, 2.5, 3L, 3.5, 4L, 4.5, 5L, 5.5, 6L, 6.5, 7L, 7.5, 8L, 8.5, 9L, 9.5, 10L, 10.5
#define TEN_PAIRS_SUM 797.5

/* Passes its arguments on as a va_list. */
static double via_list(int pairs, ...)
{
    va_list args;
    va_start(args, pairs);
    double total = mixed_list(pairs, args);
    va_end(args);
    return total;
}

static char scratch[300], library[320];
static char **builds; /* argv: [1] v1, [2] v2 */

/* Each first call after a cleanup loads the library through the lazy entry. */
static void first_calls_keep_al_xmm_and_the_stack(void)
{
    CHECK_INT(hot_version(), ==, 0);
    CHECK(mixed(TEN_PAIRS) == TEN_PAIRS_SUM);
    CHECK_INT(hot_version(), ==, 1);
    CHECK(mixed(TEN_PAIRS) == TEN_PAIRS_SUM);
    CHECK(mixed(1, 7L, 0.25) == 7.25);
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK(via_list(TEN_PAIRS) == TEN_PAIRS_SUM);
    CHECK_INT(hot_version(), ==, 1);
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
}

/* After a reload to the other build, through the stub and through a pointer
 * taken before it. */
static void calls_reach_the_reloaded_build(void)
{
    double (*saved)(int, ...) = mixed;
    CHECK(land_library(builds[1], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    CHECK(mixed(TEN_PAIRS) == TEN_PAIRS_SUM);
    CHECK(land_library(builds[2], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(hot_version(), ==, 2);
    CHECK(mixed(TEN_PAIRS) == -TEN_PAIRS_SUM);
    CHECK(saved(TEN_PAIRS) == -TEN_PAIRS_SUM);
    CHECK(via_list(TEN_PAIRS) == -TEN_PAIRS_SUM);
}

static void leaves_nothing_behind(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    remove(library);
    char stamp[340];
    snprintf(stamp, sizeof stamp, "%s%s", library, HOT_ABI_STAMP_SUFFIX);
    remove(stamp);
    CHECK_INT(rmdir(scratch), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"first_calls_keep_al_xmm_and_the_stack", first_calls_keep_al_xmm_and_the_stack, NULL},
    {"calls_reach_the_reloaded_build", calls_reach_the_reloaded_build, NULL},
    {"leaves_nothing_behind", leaves_nothing_behind, NULL},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_variadic V1 V2\n");
        return 2;
    }
    builds = argv;
    CHECK(system_scratch_dir(scratch, sizeof scratch, "variadic"));
    snprintf(library, sizeof library, "%s/lib" SYSTEM_LIBRARY_SUFFIX, scratch);
    system_private_copies_in(scratch);
    hot_log_to(NULL);
    return CHECK_SCENARIOS("variadic", scenarios);
}
