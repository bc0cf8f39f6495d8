/* tests/runtime/test_first_load_reentry.c
 * A hot function called while the first load runs the library's
 * constructor (calc/constructor_calls.c calls the core, which calls it):
 * there is no code to run yet, so the program says so and stops. It waited
 * for the loader's lock, which its own thread held, forever.
 * argv: nothing, or "child" and a log file (the program the test runs). */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "system.h"

#include <stdlib.h>
#include <string.h>
#include <vais/hot.h>
#ifndef _WIN32
#include <unistd.h>
#endif

int add(int a, int b);

int core_adds(void)
{
    return add(1, 2);
}

static const char *self;

static void a_call_from_the_constructor_says_so_and_stops(void)
{
    char scratch[512], log[600], line[1024] = "";
    CHECK(system_scratch_dir(scratch, sizeof scratch, "first_load_reentry"));
    snprintf(log, sizeof log, "%s/log", scratch);
    char *argv[] = {(char *)self, "child", log, NULL};
    int hung = 0;
    int status = system_run_within(argv, 20000, &hung);
    CHECK_INT(hung, ==, 0);
    CHECK_INT(status, ==, EXIT_FAILURE);
    FILE *f = fopen(log, "r");
    int said = 0;
    while (f && fgets(line, sizeof line, f))
        said += strstr(line, "vais-hot: cannot run 'add': it was called while its library "
                             "loads (by a constructor), before any of its code may run; the "
                             "program stops") == line;
    if (f)
        fclose(f);
    CHECK_INT(said, ==, 1);
    remove(log);
    CHECK_INT(rmdir(scratch), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"a_call_from_the_constructor_says_so_and_stops", a_call_from_the_constructor_says_so_and_stops,
     NULL},
};

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "child") == 0) {
        FILE *log = fopen(argv[2], "w");
        if (!log)
            return 2;
        setvbuf(log, NULL, _IONBF, 0);
        hot_log_to(log);
        printf("add: %d\n", add(2, 3)); /* the first call loads */
        return 0;
    }
    self = argv[0];
    return CHECK_SCENARIOS("first_load_reentry", scenarios);
}
