/* tests/runtime/test_stored.c
 * Function pointers hot code stored before a reload run the newest code
 * after it: pointers to a static function, to an unmarked external one and
 * to a #[hot] one, called from this thread and from others while builds
 * land. A function whose type changed, or that is gone, keeps its last
 * code, with an event line; a crash rollback takes the pointers back too.
 * Built twice: as a Debug build is, and optimised (-O3, which clones
 * functions) with -fcf-protection (landing pads at entries). Each scenario
 * lands the next version onto what the one before left. argv: the builds v1
 * (own), v2, v3, retyped (v4), gone (v5), crash (v6). */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"
#include "scratch.h"
#include "stored/stored.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <vais/hot.h>

int marked(int x);
void take_callbacks(struct callbacks *cb);
long crash(void *arg);

static struct callbacks cb;
static const int three = 3;

/* How the compiler's debug information names the type long. */
#ifdef __clang__
#define LONG "long"
#else
#define LONG "long int"
#endif

/* A thread calling through the stored pointers until helper runs the code
 * that returns want, or the deadline passes. Returns what it saw last. */
struct caller {
    pthread_t thread;
    int want, seen;
};

static void *call_until(void *arg)
{
    struct caller *c = arg;
    long long deadline = system_now_ns() + 20 * 1000000000LL;
    do {
        c->seen = cb.helper(0);
        (void)cb.plain(0);
    } while (c->seen != c->want && system_now_ns() < deadline);
    return NULL;
}

static struct scratch s;
static char **builds; /* argv: [1] v1 ... [6] v6 */

/* Lands build and reloads it. */
static void land(const char *build)
{
    CHECK(scratch_land(&s, build));
    CHECK_INT(hot_check(), ==, 1);
}

static void stored_pointers_run_v1(void)
{
    CHECK(scratch_land(&s, builds[1]));
    CHECK_INT(hot_init(s.library), ==, HOT_OK);
    take_callbacks(&cb); /* v1's addresses, kept by the core from now on */
    CHECK_INT(cb.helper(1), ==, 101);
    CHECK_INT(cb.plain(1), ==, 1001);
    CHECK_INT(cb.marked(1), ==, 10001);
    CHECK_INT(cb.retyped(1), ==, 2);
    CHECK_INT(cb.gone(1), ==, 3);
    CHECK_INT(cb.scaled(&three, 1), ==, 100004);
}

static void stored_pointers_run_v2_after_a_reload(void)
{
    land(builds[2]);
    CHECK_INT(cb.helper(1), ==, 201);
    CHECK_INT(cb.plain(1), ==, 2001);
    CHECK_INT(cb.marked(1), ==, 20001);
    CHECK_INT(cb.retyped(1), ==, 3);
    CHECK_INT(cb.gone(1), ==, 5);
    CHECK_INT(cb.scaled(&three, 1), ==, 200004);
}

static struct caller callers[2] = {{.want = 300}, {.want = 300}};
static int started; /* of callers */

/* Waits for the callers (each ends by its deadline at the latest). */
static void join_callers(void *unused)
{
    (void)unused;
    while (started > 0)
        pthread_join(callers[--started].thread, NULL);
}

/* Other threads, already calling through the pointers, see v3 land. */
static void other_threads_see_v3_land(void)
{
    check_defer(join_callers, NULL);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(pthread_create(&callers[i].thread, NULL, call_until, &callers[i]), ==, 0);
        started++;
    }
    land(builds[3]);
    join_callers(NULL);
    for (int i = 0; i < 2; i++)
        CHECK_INT(callers[i].seen, ==, 300);
}

static void a_retyped_function_keeps_its_last_code(void)
{
    land(builds[4]); /* v4: retyped is long(long) */
    CHECK_INT(cb.helper(1), ==, 401);
    CHECK_INT(cb.retyped(1), ==, 4); /* v3's code, the last of its type */
    CHECK_INT(scratch_count(&s, "vais-hot: 'retyped' (hot.c) changed type int(int) -> " LONG
                                "(" LONG "); pointers stored to it keep running v3's code\n"),
              ==, 1);
}

static void a_gone_function_keeps_its_last_code(void)
{
    land(builds[5]); /* v5: gone is gone; retyped is int(int) again */
    CHECK_INT(cb.helper(1), ==, 501);
    CHECK_INT(cb.gone(1), ==, 9);    /* v4's code, its last */
    CHECK_INT(cb.retyped(1), ==, 6); /* follows again */
    CHECK_INT(scratch_count(&s, "vais-hot: 'gone' (hot.c) is not in v5; pointers stored to it keep "
                                "running v4's code\n"),
              ==, 1);
}

static void a_rollback_takes_the_pointers_back(void)
{
    land(builds[6]); /* v6 crashes; the rollback takes the pointers back to v5 */
    CHECK_INT(cb.helper(1), ==, 601);
    long result = 0;
    CHECK_INT(hot_call_guarded(crash, NULL, &result), ==, HOT_E_CRASHED);
    CHECK_INT(hot_version(), ==, 5);
    CHECK_INT(cb.helper(1), ==, 501);
    CHECK_INT(cb.plain(1), ==, 5001);
    CHECK_INT(cb.marked(1), ==, 50001);
    CHECK_INT(marked(1), ==, 50001);
}

static void leaves_nothing_behind(void)
{
    scratch_close(&s);
}

static const struct check_scenario scenarios[] = {
    {"stored_pointers_run_v1", stored_pointers_run_v1, NULL},
    {"stored_pointers_run_v2_after_a_reload", stored_pointers_run_v2_after_a_reload,
     stored_pointers_run_v1},
    {"other_threads_see_v3_land", other_threads_see_v3_land, stored_pointers_run_v2_after_a_reload},
    {"a_retyped_function_keeps_its_last_code", a_retyped_function_keeps_its_last_code,
     other_threads_see_v3_land},
    {"a_gone_function_keeps_its_last_code", a_gone_function_keeps_its_last_code,
     a_retyped_function_keeps_its_last_code},
    {"a_rollback_takes_the_pointers_back", a_rollback_takes_the_pointers_back,
     a_gone_function_keeps_its_last_code},
    {"leaves_nothing_behind", leaves_nothing_behind, NULL},
};

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: test_stored V1 V2 V3 RETYPED GONE CRASH\n");
        return 2;
    }
    builds = argv;
    scratch_open(&s, "stored");
    return CHECK_SCENARIOS("stored", scenarios);
}
