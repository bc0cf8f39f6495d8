/* tests/runtime/test_first_load_reentry.c
 * A hot function called while the runtime holds its lock with no code
 * published: by the library's constructor during the first load, or by
 * its destructor during hot_cleanup (calc/constructor_calls.c calls the
 * core, which calls it). There is no code to run, so the program says so
 * and stops. It waited for the loader's lock, which its own thread held,
 * forever.
 * argv: nothing, or "load" or "cleanup" and a log file (the program the
 * test runs). */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "system.h"
#include "target.h"

#include <stdlib.h>
#include <string.h>
#include <vais/hot.h>
#ifndef _WIN32
#include <unistd.h>
#endif

int add(int a, int b);

static int calling; /* core_adds calls hot code */

int core_adds(void)
{
    return calling ? add(1, 2) : 0;
}

static const char *self;

/* Runs this program with mode; checks that it stopped, saying so once. */
static void runs_and_stops(const char *mode)
{
    char scratch[512], log[600], line[1024] = "";
    CHECK(system_scratch_dir(scratch, sizeof scratch, "first_load_reentry"));
    snprintf(log, sizeof log, "%s/log", scratch);
    char *argv[] = {(char *)self, (char *)mode, log, NULL}, *words[TARGET_WORDS];
#ifdef _WIN32
    char **run = argv; /* under Wine already, as this program is */
#else
    char **run = words;
    target_argv(argv, words); /* under the emulator, in a cross build */
#endif
    int hung = 0;
    int status = system_run_within(run, 20000, &hung);
    FILE *f = fopen(log, "r");
    int said = 0;
    while (f && fgets(line, sizeof line, f))
        said += strstr(line, "vais-hot: cannot run 'add': it was called while its library is "
                             "loaded or unloaded (by a constructor or destructor), when none of "
                             "its code may run; the program stops") == line;
    if (f)
        fclose(f);
    remove(log); /* before the checks, which end the scenario at the first failure */
    int removed = rmdir(scratch);
    CHECK_INT(hung, ==, 0);
    CHECK_INT(status, ==, EXIT_FAILURE);
    CHECK_INT(said, ==, 1);
    CHECK_INT(removed, ==, 0);
}

static void a_call_from_the_constructor_says_so_and_stops(void)
{
    runs_and_stops("load");
}

static void a_call_from_the_destructor_says_so_and_stops(void)
{
#if defined(__linux__) && !defined(__GLIBC__)
    check_skip("musl's dlclose runs no destructor: hot_cleanup unloads nothing");
#endif
    runs_and_stops("cleanup");
}

static const struct check_scenario scenarios[] = {
    {"a_call_from_the_constructor_says_so_and_stops", a_call_from_the_constructor_says_so_and_stops,
     NULL},
    {"a_call_from_the_destructor_says_so_and_stops", a_call_from_the_destructor_says_so_and_stops,
     NULL},
};

int main(int argc, char **argv)
{
    if (argc == 3 && (strcmp(argv[1], "load") == 0 || strcmp(argv[1], "cleanup") == 0)) {
        FILE *log = fopen(argv[2], "w");
        if (!log)
            return 2;
        setvbuf(log, NULL, _IONBF, 0);
        hot_log_to(log);
        int cleanup = strcmp(argv[1], "cleanup") == 0;
        calling = !cleanup;
        printf("add: %d\n", add(2, 3)); /* the first call loads */
        calling = 1;
        hot_cleanup(); /* unloads, where dlclose runs destructors */
        calling = 0;   /* where it does not, they run at exit, and must not load again */
        return 0;
    }
    self = argv[0];
    return CHECK_SCENARIOS("first_load_reentry", scenarios);
}
