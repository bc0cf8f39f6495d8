/* tests/runtime/test_no_memory.c
 * Memory running out anywhere on the way to a first load is said as that,
 * HOT_E_NO_MEMORY with "out of memory" in the text, never as a bad build or
 * a read error, and loses nothing: the same build loads once memory is
 * there; and on the way to a reload, where the running code stays and
 * hot_check tries the same build again until it loads. Each
 * of the runtime's allocations on those ways fails in turn (the
 * core links with --wrap for malloc, calloc and realloc, which reaches the
 * runtime's own calls and not those inside the C library). */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"
#include "scratch.h"

#include <stdlib.h>
#include <string.h>
#include <vais/hot.h>

int add(int a, int b);

static long fail_at;   /* the allocation that fails, counting from 1; 0: none */
static long allocated; /* allocations asked for since counting began */

static int failing(void)
{
    return fail_at > 0 && ++allocated == fail_at;
}

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t size);

void *__wrap_malloc(size_t size)
{
    return failing() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size)
{
    return failing() ? NULL : __real_calloc(count, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return failing() ? NULL : __real_realloc(p, size);
}

static struct scratch s;

static void says_out_of_memory_on_the_way_to_a_first_load(void)
{
    CHECK(scratch_land(&s, VAIS_HOT_TEST_LIBRARY));
    /* The core's types are read on a thread of their own, once: a first
     * load waits for them, so none of its allocations is counted below. */
    CHECK_INT(hot_init(s.library), ==, HOT_OK);
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    long failed = 0;
    for (long n = 1; n < 10000; n++) {
        allocated = 0;
        fail_at = n;
        long status = hot_init(s.library);
        int injected = allocated >= n;
        fail_at = 0;
        if (!injected) { /* past the last allocation: it loads */
            CHECK_INT(status, ==, HOT_OK);
            CHECK_INT(add(2, 3), ==, 5);
            break;
        }
        failed++;
        if (status != HOT_E_NO_MEMORY)
            fprintf(stderr, "allocation %ld failed: status %ld: %s\n", n, status, hot_last_error());
        CHECK_INT(status, ==, HOT_E_NO_MEMORY);
        CHECK(strstr(hot_last_error(), "out of memory") != NULL);
        CHECK_INT(hot_version(), ==, 0);
        CHECK_INT(hot_cleanup(), ==, HOT_OK);
    }
    printf("%ld allocations on the way to a first load failed in turn\n", failed);
    CHECK(failed > 0);
}

/* A reload, from the summary the build wrote: the running code (the first
 * load's) stays. (A hot_check with nothing new first opens what tells it of
 * a new stamp, which it can do without.) */
static void keeps_the_running_code_when_a_reload_runs_out(void)
{
    CHECK_INT(hot_check(), ==, 0);
    /* One build landed, tried again by each hot_check until it loads: a
     * refusal for want of memory does not stand. */
    CHECK(land_with_summary(VAIS_HOT_TEST_LIBRARY, s.library) > 0);
    long version = hot_version();
    long reload_failed = 0;
    for (long n = 1; n < 10000; n++) {
        allocated = 0;
        fail_at = n;
        long status = hot_check();
        int injected = allocated >= n;
        fail_at = 0;
        if (!injected) {
            CHECK_INT(status, ==, 1);
            break;
        }
        reload_failed++;
        if (status != HOT_E_NO_MEMORY)
            fprintf(stderr, "reload allocation %ld failed: status %ld: %s\n", n, status,
                    hot_last_error());
        CHECK_INT(status, ==, HOT_E_NO_MEMORY);
        CHECK(strstr(hot_last_error(), "out of memory") != NULL);
        CHECK_INT(hot_version(), ==, version);
        CHECK_INT(add(2, 3), ==, 5);
    }
    printf("%ld allocations on the way to a reload failed in turn\n", reload_failed);
    CHECK(reload_failed > 0);
    char summary[200];
    snprintf(summary, sizeof summary, "%s%s", s.library, HOT_ABI_SUMMARY_SUFFIX);
    CHECK_INT(remove(summary), ==, 0);
}

static void leaves_nothing_behind(void)
{
    scratch_close(&s);
}

static const struct check_scenario scenarios[] = {
    {"says_out_of_memory_on_the_way_to_a_first_load", says_out_of_memory_on_the_way_to_a_first_load,
     NULL},
    {"keeps_the_running_code_when_a_reload_runs_out", keeps_the_running_code_when_a_reload_runs_out,
     says_out_of_memory_on_the_way_to_a_first_load},
    {"leaves_nothing_behind", leaves_nothing_behind, CHECK_EVERY_SCENARIO_ABOVE},
};

int main(void)
{
    scratch_open(&s, "no-memory");
    return CHECK_SCENARIOS("no_memory", scenarios);
}
