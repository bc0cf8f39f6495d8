/* tests/runtime/test_persist_threads.c
 * No write to a #[persist] variable is lost across reloads: four threads
 * count through hot code (a static and an external variable) while a
 * hundred builds land, and every count arrives; a persisted pointer to a
 * persisted variable points at its storage in every build. argv: the v1 (own) and v2
 * builds. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"
#include "scratch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include <vais/hot.h>

void count(int hit);
long counted(int hit);
int counted_version(void);
int shares_storage(void);

enum { THREADS = 4, LANDINGS = 100 };

static atomic_int stop;
static long done[THREADS];

static void *counter_main(void *arg)
{
    long *mine = arg;
    while (!atomic_load(&stop)) {
        count(1);
        count(0);
        ++*mine;
    }
    return NULL;
}

static struct scratch s;
static char **builds; /* argv: [1] v1, [2] v2 */

static pthread_t threads[THREADS];
static int started; /* of threads */

/* Stops the counting threads, and waits for them. */
static void stop_counting(void *unused)
{
    (void)unused;
    atomic_store(&stop, 1);
    while (started > 0)
        pthread_join(threads[--started], NULL);
}

static void no_write_is_lost_while_builds_land(void)
{
    CHECK(scratch_land(&s, builds[1]));
    CHECK_INT(hot_init(s.library), ==, HOT_OK);
    check_defer(stop_counting, NULL);
    for (int i = 0; i < THREADS; i++) {
        CHECK_INT(pthread_create(&threads[i], NULL, counter_main, &done[i]), ==, 0);
        started++;
    }
    for (int i = 0; i < LANDINGS; i++) {
        int want = i % 2 == 0 ? 2 : 1;
        CHECK(scratch_land(&s, builds[want]));
        CHECK_INT(hot_check(), ==, 1);
        CHECK_INT(counted_version(), ==, want);
        CHECK_INT(shares_storage(), ==, 1);
    }
    stop_counting(NULL);
    long total = 0;
    for (int i = 0; i < THREADS; i++)
        total += done[i];
    CHECK(total > 0);
    CHECK_INT(counted(1), ==, total); /* the static variable */
    CHECK_INT(counted(0), ==, total); /* the external one */
    CHECK_INT(hot_version(), ==, LANDINGS + 1);
    static const char *const names[] = {"hits", "misses", "counting"};
    for (int i = 0; i < 3; i++) { /* every variable was shared, none copied */
        char line[256];
        snprintf(line, sizeof line,
                 "vais-hot: '%s' is copied into each new build, not shared (is it hidden by "
                 "-fvisibility?); a write during a reload can be lost\n",
                 names[i]);
        CHECK_INT(scratch_count(&s, line), ==, 0);
    }
}

static void leaves_nothing_behind(void)
{
    scratch_close(&s);
}

static const struct check_scenario scenarios[] = {
    {"no_write_is_lost_while_builds_land", no_write_is_lost_while_builds_land, NULL},
    {"leaves_nothing_behind", leaves_nothing_behind, NULL},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_persist_threads V1 V2\n");
        return 2;
    }
    builds = argv;
    scratch_open(&s, "persist-threads");
    return CHECK_SCENARIOS("persist_threads", scenarios);
}
