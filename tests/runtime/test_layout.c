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
 * its build wrote. Each refusal starts from the body edit running as v2
 * (from_body_edit); the scenarios after them go on with the same state.
 * argv: the builds, in the order of the enum below. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"
#include "../target.h"
#include "scratch.h"
#include "layout/core_types.h"
#include "layout/world.h"

#include <stdlib.h>
#include <string.h>
#include <vais/hot.h>
#ifndef _WIN32
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

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
    FOREIGN,
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

static char **builds;    /* argv's, by the enum above */
static struct scratch s; /* the library in use, and the event lines */

/* In a copy of this program (argv: --stripped BUILD refused|unchecked):
 * the first load of BUILD, which adds a field to a type the core has, is
 * refused, or loads and says layouts are not checked. 0 if so. */
static int stripped_first_load(const char *build, const char *expect)
{
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
static void a_stripped_core_is_checked_by_its_summary(void)
{
#ifdef _WIN32
    check_skip("a stripped core (its strip, a tool of the build machine, cannot be waited for "
               "by a Windows program under Wine)");
#else
    char dir[] = "/tmp/vais-hot-stripped-XXXXXX", self[4096], core[128], summary[160];
    CHECK(mkdtemp(dir) != NULL);
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 16);
    CHECK(length > 0);
    self[length > 0 ? length : 0] = '\0';
    snprintf(core, sizeof core, "%s/core", dir);
    snprintf(summary, sizeof summary, "%s%s", core, HOT_ABI_SUMMARY_SUFFIX);
    CHECK_INT(land_copy(self, core), ==, 0);
    CHECK_INT(chmod(core, 0700), ==, 0);
    char *strip[] = {VAIS_HOT_TEST_STRIP, "--strip-debug", core, NULL};
    int stripped = *strip[0] ? system_run(strip) : -1;
    if (stripped == -1) { /* no strip for the target on this machine */
        remove(core);
        CHECK_INT(rmdir(dir), ==, 0);
        check_skip("a stripped core (no strip for the target to run)");
    }
    CHECK_INT(stripped, ==, 0);
    strcat(self, HOT_ABI_SUMMARY_SUFFIX);
    CHECK_INT(land_copy(self, summary), ==, 0);
    char *refused[] = {core, "--stripped", (char *)builds[ADDED], "refused", NULL};
    CHECK_INT(target_run(refused), ==, 0);
    CHECK_INT(remove(summary), ==, 0);
    char *unchecked[] = {core, "--stripped", (char *)builds[ADDED], "unchecked", NULL};
    CHECK_INT(target_run(unchecked), ==, 0);
    CHECK_INT(remove(core), ==, 0);
    CHECK_INT(rmdir(dir), ==, 0);
#endif
}

/* The core's types are read in the background from the start: a child
 * forked meanwhile reads them itself, and its first load is checked against
 * them too. First, so that the read is under way. */
static void a_child_forked_during_the_read_checks_its_first_load(void)
{
#ifdef _WIN32
    check_skip("a child forked during the read (Windows has no fork)");
#else
    if (CHECK_SANITIZED)
        check_skip("a fork while the core is read (a sanitizer's allocator, which gcc 12's "
                   "does not lock around fork, may be held by the reading thread and hang the "
                   "child)");
    pid_t child = fork();
    if (child == 0) {
        struct scratch own;
        scratch_open(&own, "layout-child");
        int refused = scratch_land(&own, builds[ADDED]) && hot_init(own.library) == HOT_E_LAYOUT;
        scratch_close(&own);
        int status = refused && check_exit() == 0 ? 0 : 1;
        fflush(NULL);
        /* _exit: the read the fork cut short is left unfreed by design,
         * which a leak checker at exit would report. */
        _exit(status);
    }
    int child_status = -1;
    CHECK(child > 0);
    CHECK_INT(waitpid(child, &child_status, 0), ==, child);
    CHECK_INT(child_status, ==, 0);
#endif
}

static struct world world;
static state_t state = {.frame = 0, .world = &world};

static void loads_its_own_build(void)
{
    CHECK(scratch_land(&s, builds[OWN]));
    CHECK_INT(hot_init(s.library), ==, HOT_OK);
    state.cache = cache_new();
    CHECK_INT(step(&state), ==, 1);
    CHECK_INT(cache_hit(state.cache), ==, 1);
}

/* A body edit leaves every layout alone. */
static void reloads_a_body_edit(void)
{
    CHECK(scratch_land(&s, builds[BODY]));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(step(&state), ==, 3);
}

/* The state each refusal starts from, the one reloads_a_body_edit leaves:
 * a build of the same layouts running as v2. A refusal keeps it; after one
 * that stopped with another build loaded, it is made again. */
static void from_body_edit(void)
{
    if (hot_version() == 2)
        return;
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK(scratch_land(&s, builds[OWN]));
    CHECK_INT(hot_init(s.library), ==, HOT_OK);
    CHECK(scratch_land(&s, builds[BODY]));
    CHECK_INT(hot_check(), ==, 1);
}

/* Build b is refused, once, with what changed, and v2 stays. */
static void refused_layout(int b)
{
    char line[700];
    from_body_edit();
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

static void refuses_an_added_field(void)
{
    refused_layout(ADDED);
}

static void refuses_reordered_fields(void)
{
    refused_layout(REORDERED);
}

static void refuses_a_retyped_field(void)
{
    refused_layout(RETYPED);
}

static void refuses_a_longer_array(void)
{
    refused_layout(ARRAY);
}

static void refuses_a_changed_nested_struct(void)
{
    refused_layout(NESTED);
}

static void refuses_a_changed_struct_behind_a_pointer(void)
{
    refused_layout(BEHIND_POINTER);
}

static void refuses_a_type_only_hot_code_sees_inside(void)
{
    refused_layout(CACHE);
}

static void refuses_a_changed_type_of_a_local(void)
{
    refused_layout(LOCAL);
}

static void refuses_a_changed_type_of_a_core_global(void)
{
    refused_layout(GLOBAL);
}

static void refuses_a_real_of_another_width(void)
{
    refused_layout(REAL);
}

static void refuses_a_type_one_unit_sees_wider(void)
{
    refused_layout(SPLIT);
}

/* The core's prototype of a function hot code calls is checked too. */
static void refuses_a_changed_prototype(void)
{
    char line[700];
    if (!RECORDS_PROTOTYPES)
        check_skip("this compiler's debug information records no prototypes unoptimised");
    from_body_edit();
    CHECK(scratch_land(&s, builds[PROTOTYPE]));
    CHECK_INT(hot_check(), ==, HOT_E_PROTOTYPE);
    CHECK_STR(hot_last_error(), prototype_refusal);
    snprintf(line, sizeof line, "vais-hot: kept v2: %s\n", prototype_refusal);
    CHECK_INT(scratch_count(&s, line), ==, 1);
    CHECK_INT(hot_version(), ==, 2);
}

/* One the core defines in its second unit, whose copies of world.h's types
 * are found at the first unit's. */
static void refuses_a_changed_prototype_of_the_second_unit(void)
{
    if (!RECORDS_PROTOTYPES)
        check_skip("this compiler's debug information records no prototypes unoptimised");
    from_body_edit();
    CHECK(scratch_land(&s, builds[LEVEL]));
    CHECK_INT(hot_check(), ==, HOT_E_PROTOTYPE);
    CHECK_STR(hot_last_error(), level_refusal);
    CHECK_INT(hot_version(), ==, 2);
}

/* Still v2's code, on the same state. */
static void keeps_v2_and_the_state(void)
{
    CHECK_INT(step(&state), ==, 5);
    CHECK_INT(world.ticks, ==, 3);
    CHECK_INT(core_stats.hits, ==, 3);
    CHECK_INT(cache_hit(state.cache), ==, 2);
}

/* A renamed field in the same place changes no layout. */
static void reloads_a_renamed_field(void)
{
    CHECK(scratch_land(&s, builds[RENAMED]));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(hot_version(), ==, 3);
}

/* Code the build links but did not compile from its hot sources (a static
 * library's, as the C library a DLL links) may see a shared type and a core
 * function otherwise: that is its own affair, and the build reloads. */
static void reloads_a_build_that_links_other_code(void)
{
    from_body_edit();
    CHECK(scratch_land(&s, builds[FOREIGN]));
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(hot_version(), ==, 3);
}

/* Without debug information nothing can be compared: it says so once, and
 * loads. */
static void loads_a_build_without_debug_information(void)
{
    char line[700];
    CHECK(scratch_land(&s, builds[NO_DEBUG]));
    CHECK_INT(hot_check(), ==, 1);
    snprintf(line, sizeof line,
             "vais-hot: layouts not checked: '%s' has no debug information (compile it with -g)\n",
             s.library);
    CHECK_INT(scratch_count(&s, line), ==, 1);
    CHECK_INT(step(&state), ==, 8); /* STEP 3 */
}

/* The shared header's modification time before edited_header made it
 * newer than the core. */
static long long header_mtime_ns;

/* Gives the shared header back its time (a build tree outlives the test). */
static void restore_header(void *unused)
{
    (void)unused;
    CHECK_INT(system_set_mtime_ns(LAYOUT_SHARED_HEADER, header_mtime_ns), ==, 0);
}

/* Makes the shared header newer than the core, as an edit since the core
 * was built does, until the scenario ends. */
static void edited_header(void)
{
    struct system_file_id header;
    CHECK_INT(system_file_id(LAYOUT_SHARED_HEADER, &header), ==, 0);
    header_mtime_ns = header.mtime_ns;
    check_defer(restore_header, NULL);
    CHECK_INT(system_set_mtime_ns(LAYOUT_SHARED_HEADER, system_wall_ns()), ==, 0);
}

/* A header changed since the core was built is an edit: the core must be
 * rebuilt too, and a restart alone would not do. */
static void an_edited_header_asks_for_a_restart(void)
{
    char line[700];
    edited_header();
    CHECK(scratch_land(&s, builds[ADDED]));
    CHECK_INT(hot_check(), ==, HOT_E_LAYOUT);
    snprintf(line, sizeof line, "%s; rebuild 'runtime_layout' and restart to use it",
             refusals[ADDED]);
    CHECK_STR(hot_last_error(), line);
}

/* A first load is checked against the core: after an edit of the header,
 * and without one. */
static void checks_a_first_load_against_the_core(void)
{
    char line[700];
    free(state.cache);
    state.cache = NULL;
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    edited_header();
    CHECK(scratch_land(&s, builds[ADDED]));
    CHECK_INT(hot_init(s.library), ==, HOT_E_LAYOUT);
    snprintf(line, sizeof line, "%s; rebuild 'runtime_layout' and restart to use it",
             refusals[ADDED]);
    CHECK_STR(hot_last_error(), line);
    CHECK_INT(hot_version(), ==, 0);
    restore_header(NULL);
    CHECK_INT(hot_init(s.library), ==, HOT_E_LAYOUT);
    snprintf(line, sizeof line, "%s%s", refusals[ADDED], definitions);
    CHECK_STR(hot_last_error(), line);
}

static void leaves_nothing_behind(void)
{
    scratch_close(&s);
}

static const struct check_scenario scenarios[] = {
    {"a_child_forked_during_the_read_checks_its_first_load",
     a_child_forked_during_the_read_checks_its_first_load, NULL},
    {"a_stripped_core_is_checked_by_its_summary", a_stripped_core_is_checked_by_its_summary, NULL},
    {"loads_its_own_build", loads_its_own_build, NULL},
    {"reloads_a_body_edit", reloads_a_body_edit, loads_its_own_build},
    {"refuses_an_added_field", refuses_an_added_field, reloads_a_body_edit},
    {"refuses_reordered_fields", refuses_reordered_fields, reloads_a_body_edit},
    {"refuses_a_retyped_field", refuses_a_retyped_field, reloads_a_body_edit},
    {"refuses_a_longer_array", refuses_a_longer_array, reloads_a_body_edit},
    {"refuses_a_changed_nested_struct", refuses_a_changed_nested_struct, reloads_a_body_edit},
    {"refuses_a_changed_struct_behind_a_pointer", refuses_a_changed_struct_behind_a_pointer,
     reloads_a_body_edit},
    {"refuses_a_type_only_hot_code_sees_inside", refuses_a_type_only_hot_code_sees_inside,
     reloads_a_body_edit},
    {"refuses_a_changed_type_of_a_local", refuses_a_changed_type_of_a_local, reloads_a_body_edit},
    {"refuses_a_changed_type_of_a_core_global", refuses_a_changed_type_of_a_core_global,
     reloads_a_body_edit},
    {"refuses_a_real_of_another_width", refuses_a_real_of_another_width, reloads_a_body_edit},
    {"refuses_a_type_one_unit_sees_wider", refuses_a_type_one_unit_sees_wider, reloads_a_body_edit},
    {"refuses_a_changed_prototype", refuses_a_changed_prototype, reloads_a_body_edit},
    {"refuses_a_changed_prototype_of_the_second_unit",
     refuses_a_changed_prototype_of_the_second_unit, reloads_a_body_edit},
    {"keeps_v2_and_the_state", keeps_v2_and_the_state, reloads_a_body_edit},
    {"reloads_a_renamed_field", reloads_a_renamed_field, keeps_v2_and_the_state},
    {"loads_a_build_without_debug_information", loads_a_build_without_debug_information,
     reloads_a_renamed_field},
    {"an_edited_header_asks_for_a_restart", an_edited_header_asks_for_a_restart,
     reloads_a_body_edit},
    {"reloads_a_build_that_links_other_code", reloads_a_build_that_links_other_code,
     reloads_a_body_edit},
    {"checks_a_first_load_against_the_core", checks_a_first_load_against_the_core, NULL},
    {"leaves_nothing_behind", leaves_nothing_behind, NULL},
};

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--stripped") == 0)
        return stripped_first_load(argv[2], argv[3]);
    if (argc != 1 + BUILDS) {
        fprintf(stderr,
                "usage: test_layout OWN BODY ADDED REORDERED RETYPED ARRAY NESTED "
                "BEHIND_POINTER CACHE LOCAL GLOBAL PROTOTYPE RENAMED NO_DEBUG REAL SPLIT LEVEL "
                "FOREIGN\n");
        return 2;
    }
    builds = argv + 1;
    scratch_open(&s, "layout");
    return CHECK_SCENARIOS("layout", scenarios);
}
