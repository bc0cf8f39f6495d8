/* tests/check.h
 * The checks every C test uses, and the scenarios a runtime test is made of.
 * A failed check prints the expression and both values with file and line.
 * Inside a scenario (check_scenarios) the first failed check on the thread
 * and in the process running it ends that scenario at once; anywhere else
 * (main, another thread, a forked child) it is counted and the test goes
 * on. The exit status is 0 only if no check failed and at least one ran.
 * Header-only, one test per TU. */
#ifndef VAIS_HOT_CHECK_H
#define VAIS_HOT_CHECK_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* 1 in a build under ASan or TSan, whose shadow memory and own fault
 * handlers change what memory use and crashes look like. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CHECK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CHECK_SANITIZED 1
#endif
#endif
#ifndef CHECK_SANITIZED
#define CHECK_SANITIZED 0
#endif

static atomic_int check_failed_count;
static atomic_int check_passed_count;

/* Where a failed check jumps to end the scenario under way: set only on the
 * thread running it, and only in its process (check_stop_pid). */
static _Thread_local jmp_buf *check_stop;
static long check_stop_pid;
static const char *check_stopped_file; /* the check that ended it */
static int check_stopped_line;

/* How a scenario's run ended, as check_stop's longjmp says it. */
enum { CHECK_RAN = 0, CHECK_STOPPED = 1, CHECK_SKIPPED = 2 };

static inline int check_may_stop(void)
{
    return check_stop != NULL && check_stop_pid == (long)getpid();
}

static void check_report(int ok, const char *file, int line, const char *expr, const char *detail)
{
    if (ok) {
        check_passed_count++;
        return;
    }
    check_failed_count++;
    fflush(stdout); /* what the test said before, first */
    fprintf(stderr, "%s:%d: check failed: %s%s%s\n", file, line, expr, detail[0] ? "\n    " : "",
            detail);
    if (check_may_stop()) {
        check_stopped_file = file;
        check_stopped_line = line;
        longjmp(*check_stop, CHECK_STOPPED);
    }
}

#define CHECK(expr) check_report((expr) != 0, __FILE__, __LINE__, #expr, "")

#define CHECK_INT(a, op, b)                                                                        \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        char check_d_[96];                                                                         \
        snprintf(check_d_, sizeof check_d_, "left: %lld, right: %lld", check_a_, check_b_);        \
        check_report(check_a_ op check_b_, __FILE__, __LINE__, #a " " #op " " #b, check_d_);       \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        int check_ok_ = check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0;                   \
        char check_d_[1024];                                                                       \
        snprintf(check_d_, sizeof check_d_, "left:  \"%s\"\n    right: \"%s\"",                    \
                 check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");                  \
        check_report(check_ok_, __FILE__, __LINE__, #a " == " #b, check_d_);                       \
    } while (0)

/* The exit status for main: 0 only if every check passed and at least one ran. */
static int check_exit(void)
{
    printf("%d passed, %d failed\n", check_passed_count, check_failed_count);
    return check_failed_count == 0 && check_passed_count > 0 ? 0 : 1;
}

/* A runtime test is a table of scenarios, each named for what it
 * establishes, which main runs in order after its own setup:
 *
 *     static const struct check_scenario scenarios[] = {
 *         {"loads_v1", loads_v1, NULL},
 *         {"reloads_v2", reloads_v2, loads_v1},      (starts from the v1 it left)
 *         {"logs_each_event", logs_each_event, CHECK_EVERY_SCENARIO_ABOVE},
 *     };
 *     return CHECK_SCENARIOS("reload", scenarios);
 *
 * A scenario makes its own preconditions where that is cheap, and needs
 * nothing; one that starts from the state another left (the runtime is one
 * per process) names it in needs, and is skipped, saying so, when that one
 * did not pass. A stop unwinds through everything between the scenario and
 * the failed check (its helpers, hot_loop's call of an update) with no
 * cleanup on the way: what must not outlive it goes to check_defer. A
 * scenario in which no check ran fails, as it proved nothing; check_skip
 * says why one cannot run here. */
struct check_scenario {
    const char *name;    /* what it establishes: reported, and grepped for */
    void (*run)(void);   /* its checks; the first to fail ends it */
    void (*needs)(void); /* NULL, the run of an earlier scenario whose state it
                            starts from, or CHECK_EVERY_SCENARIO_ABOVE */
};

/* As a scenario's needs: it starts from what every scenario above did, and
 * runs only if none of them failed or was skipped for a failure (one that
 * check_skip ended is no obstacle). Never run. */
static inline void check_every_scenario_above(void) {}
#define CHECK_EVERY_SCENARIO_ABOVE check_every_scenario_above

/* Ends the scenario under way as skipped, saying why (what this machine or
 * build lacks); checks that failed before still fail it. Outside a scenario,
 * or off its thread, it only says so. */
static char check_skip_reason[256];
static inline void check_skip(const char *why)
{
    if (!check_may_stop()) {
        printf("skipped: %s\n", why);
        return;
    }
    snprintf(check_skip_reason, sizeof check_skip_reason, "%s", why);
    longjmp(*check_stop, CHECK_SKIPPED);
}

/* What check_defer keeps for the scenario under way. */
static struct {
    void (*fn)(void *arg);
    void *arg;
} check_deferred[16];
static int check_deferred_count;

/* fn(arg) runs when the scenario under way ends, whether it ran to its end or
 * a check stopped it, the last deferred first: for what it must not leave
 * behind for the scenarios after it (a process, a thread, a mode). Checks in
 * fn count, and stop nothing. Only on the scenario's thread. What a thread
 * fn waits for writes must not be in the scenario's frame, which a stop
 * has left before fn runs. */
static inline void check_defer(void (*fn)(void *arg), void *arg)
{
    if (!check_may_stop() || check_deferred_count == 16) {
        check_report(0, __FILE__, __LINE__, "check_defer in a scenario, at most 16 times", "");
        return;
    }
    check_deferred[check_deferred_count].fn = fn;
    check_deferred[check_deferred_count++].arg = arg;
}

/* Runs run as a scenario, then what it deferred: CHECK_RAN, CHECK_STOPPED or
 * CHECK_SKIPPED. */
static inline int check_run_one(void (*run)(void))
{
    jmp_buf stop;
    volatile int how = CHECK_RAN;
    switch (setjmp(stop)) {
    case CHECK_RAN:
        check_stop = &stop;
        check_stop_pid = (long)getpid();
        run();
        break;
    case CHECK_STOPPED:
        how = CHECK_STOPPED;
        break;
    default:
        how = CHECK_SKIPPED;
        break;
    }
    check_stop = NULL;
    while (check_deferred_count > 0) {
        check_deferred_count--;
        check_deferred[check_deferred_count].fn(check_deferred[check_deferred_count].arg);
    }
    return how;
}

/* What a scenario came to. BLOCKED: skipped, as one it needs did not pass. */
enum check_outcome { CHECK_PASSED, CHECK_FAILED, CHECK_ENDED_BY_SKIP, CHECK_BLOCKED };

/* The name of the scenario above list[i] that keeps it from running (the one
 * it needs did not pass; with CHECK_EVERY_SCENARIO_ABOVE, the first above
 * that failed or was blocked), or NULL; "" if its needs name none above. */
static inline const char *check_blocker(const struct check_scenario *list, size_t i,
                                        const enum check_outcome *outcome)
{
    if (!list[i].needs)
        return NULL;
    for (size_t j = 0; j < i; j++) {
        if (list[i].needs == CHECK_EVERY_SCENARIO_ABOVE) {
            if (outcome[j] == CHECK_FAILED || outcome[j] == CHECK_BLOCKED)
                return list[j].name;
        } else if (list[j].run == list[i].needs) {
            return outcome[j] == CHECK_PASSED ? NULL : list[j].name;
        }
    }
    return list[i].needs == CHECK_EVERY_SCENARIO_ABOVE ? NULL : "";
}

/* The file name of path, for the one-line verdicts. */
static inline const char *check_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Runs the count scenarios of list (at most 128) in order, each once, and
 * prints one line for each, "ok   test.name", "FAIL test.name (why)" or
 * "skip test.name (why)", then the totals. If a check failed before (the
 * test's own setup in main), none runs. Returns the exit status for main: 0
 * only if no check failed, no scenario ran without a check, and one ran. */
static inline int check_scenarios(const char *test, const struct check_scenario *list, size_t count)
{
    static const char *const verdict[] = {"ok  ", "FAIL", "skip", "skip"};
    enum check_outcome outcome[128];
    int tally[4] = {0, 0, 0, 0}, setup_failed = check_failed_count > 0;
    if (count > sizeof outcome / sizeof *outcome) {
        check_report(0, __FILE__, __LINE__, "at most 128 scenarios", "");
        count = 0;
    }
    for (size_t i = 0; i < count; i++) {
        char why[300] = "";
        const char *blocker = setup_failed ? "the setup above" : check_blocker(list, i, outcome);
        int failed = check_failed_count, passed = check_passed_count;
        if (blocker && !blocker[0]) {
            check_report(0, __FILE__, __LINE__, "a scenario's needs name one above it", "");
            snprintf(why, sizeof why, "%s", "its needs name no scenario above it");
        } else if (blocker) {
            snprintf(why, sizeof why, "needs %s%s%s", setup_failed ? "" : test,
                     setup_failed ? "" : ".", blocker);
        } else {
            int how = check_run_one(list[i].run);
            if (check_failed_count > failed && how == CHECK_STOPPED) {
                snprintf(why, sizeof why, "stopped at %s:%d, first failure above",
                         check_base_name(check_stopped_file), check_stopped_line);
            } else if (check_failed_count > failed) {
                snprintf(why, sizeof why, "%s", "first failure above");
            } else if (how == CHECK_SKIPPED) {
                snprintf(why, sizeof why, "%s", check_skip_reason);
            } else if (check_passed_count == passed) {
                check_failed_count++; /* it proved nothing */
                snprintf(why, sizeof why, "%s", "no check ran");
            }
        }
        outcome[i] = check_failed_count > failed ? CHECK_FAILED
                     : blocker                   ? CHECK_BLOCKED
                     : why[0]                    ? CHECK_ENDED_BY_SKIP
                                                 : CHECK_PASSED;
        printf("%s %s.%s%s%s%s\n", verdict[outcome[i]], test, list[i].name, why[0] ? " (" : "", why,
               why[0] ? ")" : "");
        fflush(stdout);
        tally[outcome[i]]++;
    }
    printf("%s: %zu scenarios: %d ok, %d failed, %d skipped; checks: ", test, count,
           tally[CHECK_PASSED], tally[CHECK_FAILED],
           tally[CHECK_ENDED_BY_SKIP] + tally[CHECK_BLOCKED]);
    return check_exit();
}

#define CHECK_SCENARIOS(test, list) check_scenarios(test, list, sizeof list / sizeof *list)

#endif
