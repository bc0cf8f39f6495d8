/* tests/runtime/test_persist.c
 * #[persist] variables of hot sources keep their values across reloads when
 * name, type and size match; a variable whose type changed starts from its
 * new initial value, and an event line says so. argv: the v1 (own), v2 and
 * retyped builds. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"
#include "scratch.h"

#include <stdlib.h>
#include <unistd.h>
#include <vais/hot.h>

long bump(long by);
const char *label(void);
void relabel(const char *text);

static struct scratch s;
static char **builds; /* argv: [1] v1, [2] v2, [3] retyped */

static void keeps_values_across_a_reload(void)
{
    CHECK(scratch_land(&s, builds[1]));
    CHECK_INT(hot_init(s.library), ==, HOT_OK);
    bump(1);
    bump(1);
    CHECK_INT(bump(1), ==, 3);
    relabel("kept");

    CHECK(scratch_land(&s, builds[2]));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(bump(1), ==, 13); /* v2's code, v1's count */
    CHECK_STR(label(), "kept"); /* not v2's initializer */
}

static void restarts_a_retyped_variable_saying_so(void)
{
    CHECK(scratch_land(&s, builds[3]));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(bump(1), ==, 101); /* counter is an int now: it started again */
    CHECK_STR(label(), "kept");

    CHECK_INT(
        scratch_count(&s, "vais-hot: 'counter' changed type long long (8 bytes) -> int (4 bytes); "
                          "it starts from its initial value\n"),
        ==, 1);
}

static void leaves_nothing_behind(void)
{
    scratch_close(&s);
}

static const struct check_scenario scenarios[] = {
    {"keeps_values_across_a_reload", keeps_values_across_a_reload, NULL},
    {"restarts_a_retyped_variable_saying_so", restarts_a_retyped_variable_saying_so,
     keeps_values_across_a_reload},
    {"leaves_nothing_behind", leaves_nothing_behind, NULL},
};

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_persist V1 V2 RETYPED\n");
        return 2;
    }
    builds = argv;
    scratch_open(&s, "persist");
    return CHECK_SCENARIOS("persist", scenarios);
}
