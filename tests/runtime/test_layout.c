/* tests/runtime/test_layout.c
 * A build whose types shared with the core changed layout is refused, with
 * what changed, however hot code reaches the type (a hot function's
 * signature, a local, a core global), and so is one that calls a core
 * function by another prototype, while the program keeps its state and its
 * last good code; a build that leaves every layout alone reloads, and a
 * type of the same name in another file is not the same type. A type that
 * differs from the core's while its header is older than the core is said
 * to come from different definitions; once the header is newer, from an
 * edit. A core stripped of its debug information is checked by the summary
 * its build wrote. argv: the builds, in the order of the enum below. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"
#include "scratch.h"
#include "layout/core_types.h"
#include "layout/world.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vais/hot.h>

enum {
    OWN,
    BODY,
    ADDED,
    REORDERED,
    RETYPED,
    ARRAY,
    NESTED,
    BEHIND_POINTER,
    CACHE,
    LOCAL,
    GLOBAL,
    PROTOTYPE,
    RENAMED,
    NO_DEBUG,
    REAL,
    SPLIT,
    LEVEL,
    BUILDS
};

/* The core's side of what world.h declares, and a struct of its own that
 * shares a name with one of hot code's (core_types.h). */
struct stats core_stats;
struct list core_list;

int core_apply(const struct config *c)
{
    struct workspace workspace = {0};
    struct body body = {0};
    return c->level + workspace.c + (int)body.mass;
}

int core_scale(int x)
{
    return x;
}

/* What each refused build changed, as the refusal says it. */
static const char *const refusals[BUILDS] = {
    [ADDED] = "struct 'state_t' changed layout (48 -> 56 bytes, field 'speed' added)",
    [REORDERED] = "struct 'state_t' changed layout (field 'pos' moved from offset 4 to 0)",
    [RETYPED] = "struct 'state_t' changed layout (field 'hp' changed type from int to float)",
    [ARRAY] = "struct 'state_t' changed layout (48 -> 56 bytes, field 'name' changed type from "
              "char[16] to char[24])",
    [NESTED] = "struct 'vec2' changed layout (8 -> 12 bytes, field 'z' added), reached through "
               "state_t.pos",
    [BEHIND_POINTER] = "struct 'world' changed layout (8 -> 16 bytes, field 'extra' added), "
                       "reached through state_t.world",
    [CACHE] = "struct 'cache' changed layout (4 -> 16 bytes, field 'misses' added)",
    [LOCAL] = "struct 'config' changed layout (4 -> 8 bytes, field 'extra' added)",
    [GLOBAL] = "struct 'stats' changed layout (8 -> 16 bytes, field 'misses' added)",
    [REAL] = "struct 'body' changed layout (8 -> 4 bytes, field 'mass' changed type from real "
             "(double) to real (float))",
    /* hot_other.c's view: hot.c's agrees with the core */
    [SPLIT] = "struct 'item' changed layout (4 -> 8 bytes, field 'b' added)",
};

/* Which of those differ from the core's types; the others (CACHE: the core
 * never sees inside) differ from the running build's. */
static int from_core(int build)
{
    return build != CACHE;
}

/* What follows a refusal for a type the core has, while world.h is older
 * than the core: as here, where each build changes a type through a
 * definition of its own. */
static const char definitions[] =
    "; 'world.h' has not changed since 'runtime_layout' was built, so its two halves were "
    "compiled with different definitions or options: one set on 'runtime_layout_hot' alone, "
    "or on single files, reaches one half only; give both the same and build again";

/* gcc's debug information records the prototypes of the functions hot
 * code calls; clang's does not without optimisation (README: changed
 * types). Both record the types it reaches only through a core global:
 * clang once every type is kept (VaisHot.cmake). */
#if defined(__clang__) && !defined(__OPTIMIZE__)
#define RECORDS_PROTOTYPES 0
#else
#define RECORDS_PROTOTYPES 1
#endif

/* The refusal of the LEVEL build. */
static const char level_refusal[] =
    "'core_level' is declared int(const struct config *, const struct stats *) in the new build, "
    "but 'runtime_layout' defines it int(const struct config *, const struct body *); rebuild "
    "'runtime_layout' and restart to use the new code";

/* The refusal of the PROTOTYPE build, with its remedy. */
static const char prototype_refusal[] =
    "'core_scale' is declared long int(long int) in the new build, but 'runtime_layout' defines "
    "it int(int); rebuild 'runtime_layout' and restart to use the new code";

/* In a copy of this program (argv: --stripped BUILD refused|unchecked):
 * the first load of BUILD, which adds a field to a type the core has, is
 * refused, or loads and says layouts are not checked. 0 if so. */
static int stripped_first_load(const char *build, const char *expect)
{
    struct scratch s;
    scratch_open(&s, "layout-stripped");
    CHECK(scratch_land(&s, build));
    long status = hot_init(s.library);
    if (strcmp(expect, "refused") == 0) {
        CHECK_INT(status, ==, HOT_E_LAYOUT);
        CHECK(strstr(hot_last_error(), refusals[ADDED]) != NULL);
    } else {
        char line[200];
        CHECK_INT(status, ==, HOT_OK);
        snprintf(line, sizeof line,
                 "vais-hot: layouts not checked: 'runtime_layout' has no debug information "
                 "(compile it with -g)\n");
        CHECK_INT(scratch_count(&s, line), ==, 1);
    }
    scratch_close(&s);
    return check_exit();
}

/* A core whose debug information was stripped after its build still has
 * its layouts checked, by the summary its build wrote beside it (which
 * names its build ID); without that summary it cannot be. Runs a stripped
 * copy of this program both ways. */
static void stripped_core(const char *added)
{
    char dir[] = "/tmp/vais-hot-stripped-XXXXXX", self[4096], core[128], summary[160];
    CHECK(mkdtemp(dir) != NULL);
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 16);
    CHECK(length > 0);
    self[length > 0 ? length : 0] = '\0';
    snprintf(core, sizeof core, "%s/core", dir);
    snprintf(summary, sizeof summary, "%s%s", core, HOT_ABI_SUMMARY_SUFFIX);
    CHECK_INT(land_copy(self, core), ==, 0);
    CHECK_INT(chmod(core, 0700), ==, 0);
    char *strip[] = {"strip", "--strip-debug", core, NULL};
    int stripped = land_run(strip);
    if (stripped == -1) { /* no strip on this machine */
        printf("skipped: a stripped core (no 'strip' to run)\n");
        remove(core);
        CHECK_INT(rmdir(dir), ==, 0);
        return;
    }
    CHECK_INT(stripped, ==, 0);
    strcat(self, HOT_ABI_SUMMARY_SUFFIX);
    CHECK_INT(land_copy(self, summary), ==, 0);
    char *refused[] = {core, "--stripped", (char *)added, "refused", NULL};
    CHECK_INT(land_run(refused), ==, 0);
    CHECK_INT(remove(summary), ==, 0);
    char *unchecked[] = {core, "--stripped", (char *)added, "unchecked", NULL};
    CHECK_INT(land_run(unchecked), ==, 0);
    CHECK_INT(remove(core), ==, 0);
    CHECK_INT(rmdir(dir), ==, 0);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--stripped") == 0)
        return stripped_first_load(argv[2], argv[3]);
    if (argc != 1 + BUILDS) {
        fprintf(stderr,
                "usage: test_layout OWN BODY ADDED REORDERED RETYPED ARRAY NESTED "
                "BEHIND_POINTER CACHE LOCAL GLOBAL PROTOTYPE RENAMED NO_DEBUG REAL SPLIT LEVEL\n");
        return 2;
    }
    char **builds = argv + 1;
    char line[700];
    struct scratch s;

    /* The core's types are read in the background from the start: a child
     * forked meanwhile reads them itself, and its first load is checked
     * against them too. */
    pid_t child = CHECK_THREAD_SANITIZED ? -1 : fork();
    if (child < 0)
        printf("skipped: a fork while the core is read (ThreadSanitizer's allocator may hang "
               "the child)\n");
    if (child == 0) {
        scratch_open(&s, "layout-child");
        int refused = scratch_land(&s, builds[ADDED]) && hot_init(s.library) == HOT_E_LAYOUT;
        scratch_close(&s);
        int status = refused && check_exit() == 0 ? 0 : 1;
        fflush(NULL);
        /* _exit: the read the fork cut short is left unfreed by design,
         * which a leak checker at exit would report. */
        _exit(status);
    }
    int child_status = child < 0 ? 0 : -1;
    if (child > 0)
        CHECK_INT(waitpid(child, &child_status, 0), ==, child);
    CHECK_INT(child_status, ==, 0);

    stripped_core(builds[ADDED]);

    scratch_open(&s, "layout");

    struct world world = {0};
    state_t state = {.frame = 0, .world = &world};
    CHECK(scratch_land(&s, builds[OWN]));
    CHECK_INT(hot_init(s.library), ==, HOT_OK);
    state.cache = cache_new();
    CHECK_INT(step(&state), ==, 1);
    CHECK_INT(cache_hit(state.cache), ==, 1);

    /* A body edit leaves every layout alone. */
    CHECK(scratch_land(&s, builds[BODY]));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(step(&state), ==, 3);

    for (int b = 0; b < BUILDS; b++) {
        if (!refusals[b])
            continue;
        CHECK(scratch_land(&s, builds[b]));
        CHECK_INT(hot_check(), ==, HOT_E_LAYOUT);
        const char *tail = from_core(b) ? definitions : "; restart to use the new code";
        snprintf(line, sizeof line, "%s%s", refusals[b], tail);
        CHECK_STR(hot_last_error(), line);
        snprintf(line, sizeof line, "vais-hot: kept v2: %s%s\n", refusals[b], tail);
        CHECK_INT(scratch_count(&s, line), ==, 1);
        CHECK_INT(hot_version(), ==, 2);
        CHECK_INT(hot_check(), ==, 0); /* refused once, not again and again */
    }
    /* The core's prototype of a function hot code calls is checked too. */
    if (RECORDS_PROTOTYPES) {
        CHECK(scratch_land(&s, builds[PROTOTYPE]));
        CHECK_INT(hot_check(), ==, HOT_E_PROTOTYPE);
        CHECK_STR(hot_last_error(), prototype_refusal);
        snprintf(line, sizeof line, "vais-hot: kept v2: %s\n", prototype_refusal);
        CHECK_INT(scratch_count(&s, line), ==, 1);
        CHECK_INT(hot_version(), ==, 2);
        /* One the core defines in its second unit, whose copies of
         * world.h's types are found at the first unit's. */
        CHECK(scratch_land(&s, builds[LEVEL]));
        CHECK_INT(hot_check(), ==, HOT_E_PROTOTYPE);
        CHECK_STR(hot_last_error(), level_refusal);
        CHECK_INT(hot_version(), ==, 2);
    }

    /* Still v2's code, on the same state. */
    CHECK_INT(step(&state), ==, 5);
    CHECK_INT(world.ticks, ==, 3);
    CHECK_INT(core_stats.hits, ==, 3);
    CHECK_INT(cache_hit(state.cache), ==, 2);

    /* A renamed field in the same place changes no layout. */
    CHECK(scratch_land(&s, builds[RENAMED]));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(hot_version(), ==, 3);

    /* Without debug information nothing can be compared: it says so once,
     * and loads. */
    CHECK(scratch_land(&s, builds[NO_DEBUG]));
    CHECK_INT(hot_check(), ==, 1);
    snprintf(line, sizeof line,
             "vais-hot: layouts not checked: '%s' has no debug information (compile it with -g)\n",
             s.library);
    CHECK_INT(scratch_count(&s, line), ==, 1);
    CHECK_INT(step(&state), ==, 8); /* STEP 3 */

    /* A header changed since the core was built is an edit: the core
     * must be rebuilt too. */
    struct stat header;
    CHECK_INT(stat(LAYOUT_SHARED_HEADER, &header), ==, 0);
    const struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    CHECK_INT(utimensat(AT_FDCWD, LAYOUT_SHARED_HEADER, now, 0), ==, 0);
    CHECK(scratch_land(&s, builds[ADDED]));
    CHECK_INT(hot_check(), ==, HOT_E_LAYOUT);
    snprintf(line, sizeof line, "%s; restart to use the new code", refusals[ADDED]);
    CHECK_STR(hot_last_error(), line);

    /* A first load is checked against the core. */
    free(state.cache);
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK(scratch_land(&s, builds[ADDED]));
    CHECK_INT(hot_init(s.library), ==, HOT_E_LAYOUT);
    snprintf(line, sizeof line, "%s; rebuild 'runtime_layout' and restart", refusals[ADDED]);
    CHECK_STR(hot_last_error(), line);
    CHECK_INT(hot_version(), ==, 0);
    const struct timespec was[2] = {header.st_atim, header.st_mtim};
    CHECK_INT(utimensat(AT_FDCWD, LAYOUT_SHARED_HEADER, was, 0), ==, 0);
    CHECK_INT(hot_init(s.library), ==, HOT_E_LAYOUT);
    snprintf(line, sizeof line, "%s%s", refusals[ADDED], definitions);
    CHECK_STR(hot_last_error(), line);

    scratch_close(&s);
    return check_exit();
}
