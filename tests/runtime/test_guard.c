/* tests/runtime/test_guard.c
 * Crash rollback: a guarded call whose hot code faults (SIGSEGV, SIGILL,
 * SIGFPE, SIGTRAP, SIGABRT, SIGBUS, a stack overflow) rolls back to the last good
 * version, says so by name, and the program carries on; hot_loop under
 * hot_guard(1) skips the crashed iteration; frames are per thread;
 * hot_keep(1) keeps the version to roll back to. A fault in the first
 * version, outside a guarded call, after a longjmp left one, or in what hot
 * code called (the core; free finding the heap corrupt) ends the program
 * as it would without us, saying why; what a dead process left is swept at
 * the next load. Each scenario in this process starts from the good build
 * running as v1 (from_v1), or names the one whose state it takes on. A
 * scenario that ends the program does so in a child: forked, with v1
 * running; on Windows, this program started again with --child, which
 * loads v1 first. Windows names its exceptions where POSIX names signals.
 * argv: the good (own) and the faulty builds. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vais/hot.h>
#ifndef _WIN32
#include <sys/resource.h>
#include <sys/wait.h>
#endif

long risky(int how);

static char library[320];
static const char *good, *faulty;
static char scratch[300], tmp[320];
static FILE *events; /* every vais-hot: line, a forked child's too */

/* How a fault and abort() end a program, as in_child reports it, and the
 * names the guard gives faults. */
#ifdef _WIN32
enum { ENDED_BY_FAULT = (int)0xc0000005, ENDED_BY_ABORT = 3 };
#define FAULT_NAME "access violation"
#define TRAP_NAME "illegal instruction" /* ud2 */
#define ILLEGAL_NAME "illegal instruction"
#define DIVISION_NAME "integer division by zero"
#define ABORT_NAME "abort"
#define STACK_OVERFLOW_NAME "stack overflow"
#else
enum { ENDED_BY_FAULT = SIGSEGV, ENDED_BY_ABORT = SIGABRT };
#define FAULT_NAME "SIGSEGV"
/* What __builtin_trap() raises: an undefined instruction on x86-64 (ud2),
 * a breakpoint on AArch64 and RISC-V. */
#if defined(__x86_64__)
#define TRAP_NAME "SIGILL"
#else
#define TRAP_NAME "SIGTRAP"
#endif
#define ILLEGAL_NAME "SIGILL"
#define DIVISION_NAME "SIGFPE"
#define ABORT_NAME "SIGABRT"
#define STACK_OVERFLOW_NAME "SIGSEGV"
#endif

/* Where a Windows child's event lines go (a forked child's go to events). */
static char children_events[340];

#ifdef _WIN32
static jmp_buf escape;
#define escape_point() setjmp(escape)
#define escape_now() longjmp(escape, 1)
#else
static sigjmp_buf escape;
#define escape_point() sigsetjmp(escape, 1)
#define escape_now() siglongjmp(escape, 1)
#endif

/* Faults in the core, also under a sanitizer, whose handler then reports. */
void guard_core_fault(void);
__attribute__((no_sanitize("address", "undefined"))) void guard_core_fault(void)
{
    volatile intptr_t zero = 0;
    *(volatile long *)zero = 1;
}

void guard_core_escape(void);
void guard_core_escape(void)
{
    escape_now();
}

static int land_build(const char *build)
{
    return land_library(build, library) == 0 && land_stamp(library) > 0;
}

static long call_risky(void *how)
{
    return risky(*(int *)how);
}

static int loop_calls;
static long loop_update(void)
{
    loop_calls++;
    return risky(0); /* faults under the faulty build; 1 under the good one */
}

static atomic_int release_other;
static long wait_then_answer(void *unused)
{
    (void)unused;
    while (!atomic_load(&release_other)) {
    }
    return 7;
}

static void *other_thread(void *status_out)
{
    long result = 0;
    long *out = status_out;
    out[0] = hot_call_guarded(wait_then_answer, NULL, &result);
    out[1] = result;
    return NULL;
}

/* The children's bodies, by the name a Windows child is given. */
struct child_body {
    const char *name;
    void (*body)(void);
};
static const struct child_body child_bodies[];

/* Runs child_bodies[i] in a child process (without core dumps) with v1
 * running; returns how it ended: the signal that ended it, or minus its
 * exit status (on Windows, its exit status: an exception's code). */
static int in_child(size_t i)
{
    fflush(NULL);
#ifdef _WIN32
    const char *self = system_this_program();
    CHECK(self != NULL);
    char *argv[] = {(char *)self, "--child",      (char *)child_bodies[i].name,
                    (char *)good, (char *)faulty, scratch,
                    NULL};
    return system_run(argv);
#else
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        child_bodies[i].body();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
#endif
}

static void first_version_faults(void)
{
    hot_cleanup();
    land_build(faulty);
    hot_init(library);
    int how = 0;
    hot_call_guarded(call_risky, &how, NULL);
}

static void unguarded_fault(void)
{
    land_build(faulty);
    hot_check();
    risky(0);
}

static void guarded_call_child(int how)
{
    land_build(faulty);
    hot_check();
    hot_call_guarded(call_risky, &how, NULL);
}

static void core_fault(void)
{
    guarded_call_child(5);
}

static void heap_corrupted(void)
{
    guarded_call_child(6);
}

/* A guarded call left by a longjmp guards nothing afterwards. */
static void escaped_then_fault(void)
{
    if (escape_point() == 0)
        guarded_call_child(8);
    risky(0);
}

enum { FIRST_VERSION_FAULTS, UNGUARDED_FAULT, CORE_FAULT, HEAP_CORRUPTED, ESCAPED_THEN_FAULT };
static const struct child_body child_bodies[] = {
    [FIRST_VERSION_FAULTS] = {"first_version_faults", first_version_faults},
    [UNGUARDED_FAULT] = {"unguarded_fault", unguarded_fault},
    [CORE_FAULT] = {"core_fault", core_fault},
    [HEAP_CORRUPTED] = {"heap_corrupted", heap_corrupted},
    [ESCAPED_THEN_FAULT] = {"escaped_then_fault", escaped_then_fault},
};

/* The state the scenarios start from: the good build running as v1, which
 * each rollback returns to. After a scenario that stopped with another
 * version running, it is made again. */
static void from_v1(void)
{
    if (hot_version() == 1)
        return;
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK(land_build(good));
    CHECK_INT(hot_init(library), ==, HOT_OK);
}

/* The faults a guarded call rolls back from, by how risky() makes them. */
enum { SEGFAULT, TRAP, ILLEGAL, DIVISION, ABORT, BUS_ERROR, STACK_OVERFLOW, IN_A_STATIC };
static const struct {
    int how;
    const char *signal, *function; /* as the rollback's line names it */
} faults[] = {[SEGFAULT] = {0, FAULT_NAME, "'risky'"},
              [TRAP] = {1, TRAP_NAME, "'risky'"},
              [ILLEGAL] = {9, ILLEGAL_NAME, "'risky'"},
              [DIVISION] = {2, DIVISION_NAME, "'risky'"},
              [ABORT] = {3, ABORT_NAME, "'risky'"},
              [BUS_ERROR] = {4, "SIGBUS", "'risky'"},
              [STACK_OVERFLOW] = {7, STACK_OVERFLOW_NAME, "'risky_deeper'"},
              [IN_A_STATIC] = {10, FAULT_NAME, "static 'risky_static' of faulty.c"}};
static int rolled_back_faults; /* how many of them rolled back */

/* A guarded call that faults as faults[i] says rolls back to v1, and the
 * crashed build is not loaded again. */
static void rolls_back(size_t i)
{
    from_v1();
    CHECK(land_build(faulty));
    CHECK_INT(hot_check(), ==, 1);
    long crashed_version = hot_version(), result = 0;
    int how = faults[i].how;
    CHECK_INT(hot_call_guarded(call_risky, &how, &result), ==, HOT_E_CRASHED);
    char expected[200];
    snprintf(expected, sizeof expected,
             "v%ld crashed in %s (%s); rolled back to v1, fix it and build again", crashed_version,
             faults[i].function, faults[i].signal);
    CHECK_STR(hot_last_error(), expected);
    CHECK_INT(hot_version(), ==, 1); /* every faulty version is skipped */
    CHECK_INT(hot_check(), ==, 0);   /* and the crashed build is not loaded again */
    CHECK_INT(risky(how), ==, 1);
    rolled_back_faults++;
}

static void rolls_back_a_segfault(void)
{
    rolls_back(SEGFAULT);
}

/* A static function, which the system cannot name, is named by the
 * build's debug information, with its file. */
static void rolls_back_a_fault_in_a_static_function(void)
{
    rolls_back(IN_A_STATIC);
}

static void rolls_back_a_trap(void)
{
    rolls_back(TRAP);
}

static void rolls_back_an_illegal_instruction(void)
{
    rolls_back(ILLEGAL);
}

static void rolls_back_a_division_by_zero(void)
{
#if !defined(__x86_64__)
    check_skip("integer division by zero does not trap on this processor");
#endif
    rolls_back(DIVISION);
}

static void rolls_back_an_abort(void)
{
    rolls_back(ABORT);
}

static void rolls_back_a_bus_error(void)
{
#ifdef _WIN32
    check_skip("a bus error (Windows has no SIGBUS)");
#endif
    rolls_back(BUS_ERROR);
}

static void rolls_back_a_stack_overflow(void)
{
    if (system_under_wine())
        check_skip("a stack overflow (Wine hangs on one)");
    if (CHECK_SANITIZED)
        check_skip("a sanitizer takes over a stack overflow (its own alternate stack)");
    rolls_back(STACK_OVERFLOW);
}

/* The crashed build is not loaded again even after its stamp was refused for
 * a while (others could write it) and then fixed. */
static void keeps_a_crashed_build_out_once_its_stamp_is_fixed(void)
{
#ifdef _WIN32
    check_skip("a stamp others may write (POSIX modes; a DACL on Windows: windows_os_files)");
#endif
    char stamp_path[600], copy[620];
    snprintf(stamp_path, sizeof stamp_path, "%s%s", library, HOT_ABI_STAMP_SUFFIX);
    snprintf(copy, sizeof copy, "%s.copy", stamp_path);
    for (int mode = 0666; mode; mode = mode == 0666 ? 0644 : 0) { /* the same text, replaced */
        CHECK_INT(land_copy(stamp_path, copy), ==, 0);
        CHECK_INT(chmod(copy, (mode_t)mode), ==, 0);
        CHECK_INT(system_replace(copy, stamp_path), ==, 0);
        CHECK_INT(hot_check(), ==, mode == 0666 ? HOT_E_UNSAFE : 0);
    }
    CHECK_INT(hot_version(), ==, 1);
}

/* A guarded call that does not fault returns its value. */
static void a_guarded_call_returns_its_value(void)
{
    from_v1();
    long result = 0;
    int how = -1;
    CHECK_INT(hot_call_guarded(call_risky, &how, &result), ==, HOT_OK);
    CHECK_INT(result, ==, 1);
}

static void guard_off(void *unused)
{
    (void)unused;
    hot_guard(0);
}

/* hot_loop under hot_guard(1): the crashed iteration is skipped. */
static void hot_loop_skips_a_crashed_iteration(void)
{
    from_v1();
    check_defer(guard_off, NULL);
    CHECK_INT(hot_guard(1), ==, HOT_OK);
    CHECK(land_build(faulty));
    CHECK_INT(hot_loop(loop_update), ==, 1);
    CHECK_INT(loop_calls, ==, 2);
    CHECK_INT(hot_guard(0), ==, HOT_OK);
}

/* Per thread: another thread's guarded call is untouched by our fault. (The
 * other thread ends before any check: none may leave it waiting.) */
static void a_fault_leaves_other_threads_alone(void)
{
    from_v1();
    long other[2] = {0, 0};
    pthread_t thread;
    CHECK(land_build(faulty));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(pthread_create(&thread, NULL, other_thread, other), ==, 0);
    int how = 0;
    long crashed = hot_call_guarded(call_risky, &how, NULL);
    atomic_store(&release_other, 1);
    pthread_join(thread, NULL);
    CHECK_INT(crashed, ==, HOT_E_CRASHED);
    CHECK_INT(other[0], ==, HOT_OK);
    CHECK_INT(other[1], ==, 7);
}

static void keep_all(void *unused)
{
    (void)unused;
    hot_keep(0);
}

/* hot_keep(1) with the guard: the version to roll back to stays. */
static void keeps_the_version_to_roll_back_to(void)
{
    from_v1();
    check_defer(keep_all, NULL);
    CHECK_INT(hot_keep(1), ==, HOT_OK);
    CHECK(land_build(good));
    CHECK_INT(hot_check(), ==, 1);
    long last_good = hot_version();
    CHECK(land_build(faulty));
    CHECK_INT(hot_check(), ==, 1);
    CHECK(hot_safe_point() > 0); /* all but the two */
    int how = 0;
    CHECK_INT(hot_call_guarded(call_risky, &how, NULL), ==, HOT_E_CRASHED);
    CHECK_INT(hot_version(), ==, last_good);
    CHECK_INT(risky(0), ==, 1);
    CHECK_INT(hot_keep(0), ==, HOT_OK);
}

/* No earlier version: say so, then die of the signal, once. */
static void dies_of_a_fault_in_the_first_version(void)
{
    CHECK_INT(in_child(FIRST_VERSION_FAULTS), ==, ENDED_BY_FAULT);
}

/* A sanitizer's handler reports a fault and exits: not by the signal. */
static void check_ended_by_fault(int end)
{
    if (CHECK_SANITIZED && end <= 0)
        CHECK_INT(end, !=, 0);
    else
        CHECK_INT(end, ==, ENDED_BY_FAULT);
}

/* Outside a guarded call: the fault is not ours to catch. It goes to the
 * handler before ours: the default, or a sanitizer's, which reports and
 * exits. */
static void leaves_a_fault_outside_a_guarded_call_alone(void)
{
    check_ended_by_fault(in_child(UNGUARDED_FAULT));
}

/* In what hot code called: said, not rolled back, and the end. */
static void stops_at_a_fault_in_the_core(void)
{
    check_ended_by_fault(in_child(CORE_FAULT));
}

/* How free ends a program whose heap it finds corrupt: glibc's aborts, and
 * musl's runs an instruction that faults (a_crash). Under Wine, msvcrt's
 * lets a double free go; Windows' own heap ends such a process by
 * fail-fast, which no exception handler sees. */
#if defined(_WIN32)
enum { FREE_FAULTS = 0 };
#elif defined(__GLIBC__)
enum { FREE_FAULTS = 1, FREE_END = SIGABRT };
#define FREE_NAME "SIGABRT"
#else
enum { FREE_FAULTS = 1, FREE_END = SIGSEGV };
#define FREE_NAME "SIGSEGV"
#endif

static void stops_at_a_fault_in_free(void)
{
    if (CHECK_SANITIZED)
        check_skip("a sanitizer's free reports a double free itself");
#ifdef _WIN32
    check_skip("a fault in free (Wine's msvcrt lets a double free go; Windows' heap fails "
               "fast, past any handler)");
#else
    CHECK_INT(in_child(HEAP_CORRUPTED), ==, FREE_END);
#endif
}

static void guards_nothing_after_a_longjmp_left_the_call(void)
{
    check_ended_by_fault(in_child(ESCAPED_THEN_FAULT));
}

/* The event lines of every crash above, each said once: this process's,
 * and a Windows child's. */
static void says_each_crash_once(void)
{
    fflush(events);
    rewind(events);
    FILE *children = fopen(children_events, "r");
    char line[400];
    int no_earlier = 0, rolled_back = 0, in_core = 0, in_free = 0, crashed = 0, unguarded = 0;
    while (fgets(line, sizeof line, events) || (children && fgets(line, sizeof line, children))) {
        no_earlier += strstr(line, "v1 crashed in 'risky' (" FAULT_NAME "); no earlier version "
                                   "to roll back to") != NULL;
        rolled_back += strstr(line, "; rolled back to v1, fix it and build again") != NULL;
        crashed += strstr(line, " crashed in ") != NULL;
        unguarded += strstr(line, "vais-hot: " FAULT_NAME " in hot code 'risky' outside a guarded "
                                  "call: not rolled back, as the guard covers only hot_loop's "
                                  "calls and hot_call_guarded's; the program stops") != NULL;
#ifdef _WIN32 /* the module, by the address */
        in_core += strstr(line, "vais-hot: " FAULT_NAME " at ") &&
                   strstr(line, " in 'runtime_guard.exe', called from hot code 'risky': not "
                                "rolled back, as only a fault in hot code's own frames can be "
                                "safely; the program stops") != NULL;
#else
        in_core += strstr(line, "vais-hot: SIGSEGV in 'guard_core_fault' (runtime_guard), called "
                                "from hot code 'risky': not rolled back, as only a fault in hot "
                                "code's own frames can be safely; the program stops") != NULL;
        in_free += strstr(line, "vais-hot: " FREE_NAME " in '") &&
                   strstr(line, "free' (") && /* the C library's file */
                   strstr(line, "), called from hot code 'risky': not rolled back") != NULL;
#endif
    }
    if (children)
        fclose(children);
    fseek(events, 0, SEEK_END);
    CHECK_INT(no_earlier, ==, 1);
    CHECK_INT(rolled_back, ==, rolled_back_faults + 2);
    CHECK_INT(crashed, ==, rolled_back_faults + 4); /* no more: the escaped frame caught nothing */
    CHECK_INT(in_core, ==, 1);
    CHECK_INT(in_free, ==, CHECK_SANITIZED ? 0 : FREE_FAULTS);
    /* Said before the default action ends a child (a sanitizer's comes
     * first otherwise): the fault outside a guarded call, and the one after
     * a longjmp left the call. */
    CHECK_INT(unguarded, ==, CHECK_SANITIZED ? 0 : 2);
}

/* The unguarded child left its private copies; the next load sweeps what
 * dead processes left. */
static void next_load_sweeps_what_dead_children_left(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK(land_build(good));
    CHECK_INT(hot_init(library), ==, HOT_OK);
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    remove(library);
    char stamp[340];
    snprintf(stamp, sizeof stamp, "%s.stamp", library);
    remove(stamp);
    remove(children_events);
    CHECK_INT(rmdir(tmp), ==, 0);
    CHECK_INT(rmdir(scratch), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"rolls_back_a_segfault", rolls_back_a_segfault, NULL},
    {"keeps_a_crashed_build_out_once_its_stamp_is_fixed",
     keeps_a_crashed_build_out_once_its_stamp_is_fixed, rolls_back_a_segfault},
    {"rolls_back_a_fault_in_a_static_function", rolls_back_a_fault_in_a_static_function, NULL},
    {"rolls_back_a_trap", rolls_back_a_trap, NULL},
    {"rolls_back_an_illegal_instruction", rolls_back_an_illegal_instruction, NULL},
    {"rolls_back_a_division_by_zero", rolls_back_a_division_by_zero, NULL},
    {"rolls_back_an_abort", rolls_back_an_abort, NULL},
    {"rolls_back_a_bus_error", rolls_back_a_bus_error, NULL},
    {"rolls_back_a_stack_overflow", rolls_back_a_stack_overflow, NULL},
    {"a_guarded_call_returns_its_value", a_guarded_call_returns_its_value, NULL},
    {"hot_loop_skips_a_crashed_iteration", hot_loop_skips_a_crashed_iteration, NULL},
    {"a_fault_leaves_other_threads_alone", a_fault_leaves_other_threads_alone, NULL},
    {"keeps_the_version_to_roll_back_to", keeps_the_version_to_roll_back_to, NULL},
    {"dies_of_a_fault_in_the_first_version", dies_of_a_fault_in_the_first_version, NULL},
    {"leaves_a_fault_outside_a_guarded_call_alone", leaves_a_fault_outside_a_guarded_call_alone,
     NULL},
    {"stops_at_a_fault_in_the_core", stops_at_a_fault_in_the_core, NULL},
    {"stops_at_a_fault_in_free", stops_at_a_fault_in_free, NULL},
    {"guards_nothing_after_a_longjmp_left_the_call", guards_nothing_after_a_longjmp_left_the_call,
     NULL},
    {"says_each_crash_once", says_each_crash_once, CHECK_EVERY_SCENARIO_ABOVE},
    {"next_load_sweeps_what_dead_children_left", next_load_sweeps_what_dead_children_left, NULL},
};

/* The paths in scratch. */
static void name_paths(void)
{
    snprintf(library, sizeof library, "%s/lib" SYSTEM_LIBRARY_SUFFIX, scratch);
    snprintf(tmp, sizeof tmp, "%s/tmp", scratch);
    snprintf(children_events, sizeof children_events, "%s/children.log", scratch);
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "--child") == 0) { /* in_child's, on Windows */
        good = argv[3];
        faulty = argv[4];
        snprintf(scratch, sizeof scratch, "%s", argv[5]);
        name_paths();
        events = fopen(children_events, "a");
        hot_log_to(events);
        /* The guard in use, as in the parent, which a forked child inherits
         * it from. */
        hot_guard(1);
        hot_guard(0);
        for (size_t i = 0; i < sizeof child_bodies / sizeof *child_bodies; i++) {
            if (strcmp(argv[2], child_bodies[i].name) == 0 && land_build(good) &&
                hot_init(library) == HOT_OK)
                child_bodies[i].body();
        }
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: test_guard GOOD FAULTY\n");
        return 2;
    }
    good = argv[1];
    faulty = argv[2];
    /* Made first: Windows' tmpfile lies in the directory private copies
     * go to, which must hold nothing else. */
    events = tmpfile();
    hot_log_to(events);
    CHECK(system_scratch_dir(scratch, sizeof scratch, "guard"));
    name_paths();
    system_make_dir(tmp);
    system_private_copies_in(tmp);

    CHECK(land_build(good));
    CHECK_INT(hot_init(library), ==, HOT_OK);
    return CHECK_SCENARIOS("guard", scenarios);
}
