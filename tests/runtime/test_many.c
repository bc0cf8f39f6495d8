/* tests/runtime/test_many.c
 * A table of MANY_COUNT (5,000) hot functions, which tests/runtime/many.cmake
 * writes: slots past what a short immediate reaches (AArch64's 4095th,
 * RISC-V's 256th), lazy thunks whose index needs more than 16 bits of an
 * immediate's 12, every function right on the first load and after a
 * reload. The last function is the program's first call, through the lazy
 * entry. argv: the v1 (own) and v2 builds, whose many_<i> return i and
 * 2 * i. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"
#include "many.h"

#include <stdlib.h>
#include <unistd.h>
#include <vais/hot.h>

static const char *builds[2];
static char scratch[300], library[320];

/* How many of the functions return factor times their index. */
static long answering(long factor)
{
    long right = 0;
    for (long i = 0; i < MANY_COUNT; i++)
        right += many_functions[i]() == factor * i;
    return right;
}

/* The program's very first call, which loads its own build. */
static void the_last_slot_loads_lazily(void)
{
    CHECK_INT(hot_version(), ==, 0);
    CHECK_INT(many_functions[MANY_COUNT - 1](), ==, MANY_COUNT - 1);
    CHECK_INT(hot_version(), ==, 1);
}

static void every_slot_answers(void)
{
    CHECK_INT(answering(1), ==, MANY_COUNT);
}

/* From a copy of v1 to v2 by hot_check. */
static void every_slot_reloads(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK(land_library(builds[0], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    CHECK(land_library(builds[1], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(answering(2), ==, MANY_COUNT);
}

static void leaves_nothing_behind(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    char stamp[340];
    snprintf(stamp, sizeof stamp, "%s%s", library, HOT_ABI_STAMP_SUFFIX);
    CHECK_INT(remove(library), ==, 0);
    CHECK_INT(remove(stamp), ==, 0);
    CHECK_INT(rmdir(scratch), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"the_last_slot_loads_lazily", the_last_slot_loads_lazily, NULL},
    {"every_slot_answers", every_slot_answers, the_last_slot_loads_lazily},
    {"every_slot_reloads", every_slot_reloads, every_slot_answers},
    {"leaves_nothing_behind", leaves_nothing_behind, CHECK_EVERY_SCENARIO_ABOVE},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_many V1 V2\n");
        return 2;
    }
    builds[0] = argv[1];
    builds[1] = argv[2];
    CHECK(system_scratch_dir(scratch, sizeof scratch, "many"));
    snprintf(library, sizeof library, "%s/lib" SYSTEM_LIBRARY_SUFFIX, scratch);
    system_private_copies_in(scratch); /* private copies too: all goes at the end */
    hot_log_to(NULL);
    return CHECK_SCENARIOS("many", scenarios);
}
