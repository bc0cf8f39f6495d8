/* tests/runtime/test_persist.c
 * #[persist] variables of hot sources keep their values across reloads when
 * name, type and size match; a variable whose type changed starts from its
 * new initial value, and an event line says so. argv: the v1 (own), v2 and
 * retyped builds. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"

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
    char scratch[] = "/tmp/vais-hot-persist-XXXXXX", library[96], stamp[112];
    CHECK(mkdtemp(scratch) != NULL);
    snprintf(library, sizeof library, "%s/lib.so", scratch);
    snprintf(stamp, sizeof stamp, "%s.stamp", library);
    setenv("TMPDIR", scratch, 1);
    FILE *log = tmpfile();
    hot_log_to(log);

    CHECK(land_library(argv[1], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    bump(1);
    bump(1);
    CHECK_INT(bump(1), ==, 3);
    relabel("kept");

    CHECK(land_library(argv[2], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(bump(1), ==, 13); /* v2's code, v1's count */
    CHECK_STR(label(), "kept"); /* not v2's initializer */

    CHECK(land_library(argv[3], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(bump(1), ==, 101); /* counter is an int now: it started again */
    CHECK_STR(label(), "kept");

    fflush(log);
    rewind(log);
    char line[300];
    int retyped = 0;
    while (fgets(line, sizeof line, log))
        retyped += strcmp(line, "vais-hot: 'counter' changed type long (8 bytes) -> int (4 bytes); "
                                "it starts from its initial value\n") == 0;
    CHECK_INT(retyped, ==, 1);

    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    remove(library);
    remove(stamp);
    CHECK_INT(rmdir(scratch), ==, 0);
    return check_exit();
}
