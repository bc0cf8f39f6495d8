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

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_persist V1 V2 RETYPED\n");
        return 2;
    }
    struct scratch s;
    scratch_open(&s, "persist");
    CHECK(scratch_land(&s, argv[1]));
    CHECK_INT(hot_init(s.library), ==, HOT_OK);
    bump(1);
    bump(1);
    CHECK_INT(bump(1), ==, 3);
    relabel("kept");

    CHECK(scratch_land(&s, argv[2]));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(bump(1), ==, 13); /* v2's code, v1's count */
    CHECK_STR(label(), "kept"); /* not v2's initializer */

    CHECK(scratch_land(&s, argv[3]));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(bump(1), ==, 101); /* counter is an int now: it started again */
    CHECK_STR(label(), "kept");

    CHECK_INT(scratch_count(&s, "vais-hot: 'counter' changed type long (8 bytes) -> int (4 bytes); "
                                "it starts from its initial value\n"),
              ==, 1);

    scratch_close(&s);
    return check_exit();
}
