/* tests/runtime/test_threads.c
 * 8 threads call a hot function in tight loops while the main thread lands
 * and loads 200 builds, alternating v1 and v2. Every call must return the
 * whole answer of one version (1001 or 2002), no thread may crash, and each
 * must see both versions. Run under TSan too (label runtime).
 * argv: the v1 (own) and v2 builds. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include <vais/hot.h>

long versioned_work(long spins);

enum { THREADS = 8, RELOADS = 200 };

static atomic_int stop;

struct tally {
    long calls, v1, v2, torn; /* torn: neither whole answer */
};

static void *caller(void *arg)
{
    struct tally *t = arg;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        long answer = versioned_work(16);
        t->calls++;
        if (answer == 1001)
            t->v1++;
        else if (answer == 2002)
            t->v2++;
        else
            t->torn++;
    }
    return NULL;
}

static char scratch[300], library[320], tmp[320];
static char **builds; /* argv: [1] v1, [2] v2 */

static pthread_t threads[THREADS];
static struct tally tallies[THREADS]; /* each thread's: outlive a scenario a check stopped */
static int started;                   /* of threads */

/* Stops the callers, and waits for them. */
static void stop_callers(void *unused)
{
    (void)unused;
    atomic_store(&stop, 1);
    while (started > 0)
        pthread_join(threads[--started], NULL);
}

static void calls_stay_whole_while_builds_land(void)
{
    CHECK(land_library(builds[1], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_init(library), ==, HOT_OK);

    check_defer(stop_callers, NULL);
    for (int i = 0; i < THREADS; i++) {
        CHECK_INT(pthread_create(&threads[i], NULL, caller, &tallies[i]), ==, 0);
        started++;
    }

    int loaded = 0;
    for (int i = 0; i < RELOADS; i++) {
        CHECK(land_library(builds[1 + (i + 1) % 2], library) == 0 && land_stamp(library) > 0);
        loaded += hot_check() == 1;
        /* let every thread run some calls under this version */
        long long until = system_now_ns() + 200000;
        while (system_now_ns() < until) {
        }
    }
    stop_callers(NULL);
    long calls = 0, torn = 0;
    int saw_both = 0;
    for (int i = 0; i < THREADS; i++) {
        calls += tallies[i].calls;
        torn += tallies[i].torn;
        saw_both += tallies[i].v1 > 0 && tallies[i].v2 > 0;
    }
    CHECK_INT(loaded, ==, RELOADS);
    CHECK_INT(hot_version(), ==, RELOADS + 1);
    CHECK_INT(torn, ==, 0);
    CHECK_INT(saw_both, ==, THREADS);
    printf("%ld calls on %d threads across %d reloads\n", calls, THREADS, loaded);
}

static void leaves_nothing_behind(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    remove(library);
    char stamp[340];
    snprintf(stamp, sizeof stamp, "%s.stamp", library);
    remove(stamp);
    CHECK_INT(rmdir(tmp), ==, 0);
    CHECK_INT(rmdir(scratch), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"calls_stay_whole_while_builds_land", calls_stay_whole_while_builds_land, NULL},
    {"leaves_nothing_behind", leaves_nothing_behind, NULL},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_threads V1 V2\n");
        return 2;
    }
    builds = argv;
    CHECK(system_scratch_dir(scratch, sizeof scratch, "threads"));
    snprintf(library, sizeof library, "%s/lib" SYSTEM_LIBRARY_SUFFIX, scratch);
    snprintf(tmp, sizeof tmp, "%s/tmp", scratch);
    system_make_dir(tmp);
    system_private_copies_in(tmp);
    hot_log_to(NULL);
    return CHECK_SCENARIOS("threads", scenarios);
}
