/* tool/watch.c
 * `vais-hot watch`: learns a program's hot sources from the description its
 * build wrote and their headers from Ninja's deps, watches their directories,
 * and rebuilds <name>_hot on each save (the core too when signatures change);
 * with --exec it runs the program and restarts it when it must.
 * Invariant: a save is never lost; it is built as soon as the build before
 * it ends, and --debounce MS after that one began (default 0). */
#define _POSIX_C_SOURCE 200809L

#include "watch.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "grow.h"
#include "build_round.h"
#include "description.h"
#include "os.h"
#include "say.h"
#include "stale_units.h"

#define DEFAULT_DEBOUNCE_MS 0 /* saves during a build coalesce into one build anyway */
#define STOP_GRACE_MS 2000    /* how long a child may take to end before SIGKILL */

const char watch_help[] =
    "usage: vais-hot watch [--config CFG] [--debounce MS] [--exec] BUILD-DIR NAME\n"
    "                      [-- ARGS...]\n"
    "\n"
    "watch  Rebuilds NAME_hot whenever a hot source of NAME, or a header one of\n"
    "       them includes, is saved (in place, by rename, or deleted and created\n"
    "       again), so the running program reloads. BUILD-DIR is the configured\n"
    "       build tree (CMake, Ninja or Makefiles); NAME is the program given to\n"
    "       vais_add_hot_executable. It builds NAME first, then on each save\n"
    "       builds NAME_hot at once with the project's build tool, shows the\n"
    "       compiler's output (in colour at a terminal) and keeps watching after\n"
    "       errors. When the hot functions' signatures change it builds NAME too,\n"
    "       and with Ninja also when a file NAME compiles changed (a header it\n"
    "       shares with the hot code, whose types' layouts the program checks).\n"
    "       A save during a build causes one more build when it ends, so a burst\n"
    "       of saves costs two builds; with --debounce, builds start at least MS\n"
    "       apart (default 0).\n"
    "       In a multi-config tree (Ninja Multi-Config), --config names the\n"
    "       configuration to build and run, one whose HOT is on (Debug).\n"
    "       --exec also runs NAME with ARGS, restarts it when the core was rebuilt,\n"
    "       and starts it again after the next good build if it exited.\n"
    "       Ctrl-C (or SIGTERM) stops the build and the program it started, then\n"
    "       exits with 128 + the signal (130 after Ctrl-C).\n";

static const char watch_usage[] =
    "usage: vais-hot watch [--config CFG] [--debounce MS] [--exec] BUILD-DIR NAME [-- ARGS...]";

/* A sorted set of paths, each owned. */
struct paths {
    char **items;
    size_t count, capacity;
};

/* Everything a running watch holds. */
struct watcher {
    struct description d;
    int debounce_ms;
    int exec;
    const char **program_argv;    /* owned, NULL-ended: the emulator, the executable, the
                                     arguments after "--" */
    struct paths watched;         /* what watch observes */
    struct hot__watch *watch;     /* NULL only before the first open */
    struct hot__file_id stubs_id; /* of d.stubs, when the core was last built */
    struct hot__file_id needs_id; /* of d.needs, when the core was last built */
    int core_stale;               /* the core must be built before the program can restart */
    long program;                 /* the --exec child's pid, 0 when none runs */
    struct hot__units stale;      /* which units the saves since the last build made stale */
};

/* Says a usage error and watch's usage line (say_usage); returns 2. */
SAY_FORMAT(1, 2) static int usage_error(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    say_usage(watch_usage, format, args);
    va_end(args);
    return 2;
}

static int paths_add(struct paths *p, const char *path)
{
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->items[i], path) == 0)
            return 0;
    }
    char *copy = buf_format("%s", path);
    if (!copy || hot__grow(&p->items, &p->capacity, p->count + 1, sizeof *p->items)) {
        free(copy);
        return -1;
    }
    p->items[p->count++] = copy;
    return 0;
}

static void paths_free(struct paths *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->items[i]);
    free(p->items);
    *p = (struct paths){0};
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int paths_equal(const struct paths *a, const struct paths *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        if (strcmp(a->items[i], b->items[i]) != 0)
            return 0;
    }
    return 1;
}

/* Reads <build_dir>/vais_hot/<name>.watch, or <name>-<config>.watch of a
 * multi-config tree, into *d. Returns 0, or 2 after saying what is wrong
 * and what to do. */
static int read_description(const char *build_dir, const char *name, const char *config,
                            struct description *d)
{
    char *path = config ? buf_format("%s/vais_hot/%s-%s.watch", build_dir, name, config)
                        : buf_format("%s/vais_hot/%s.watch", build_dir, name);
    char *debug = buf_format("%s/vais_hot/%s-Debug.watch", build_dir, name);
    if (!path || !debug) {
        free(path);
        free(debug);
        return usage_error("out of memory");
    }
    int read = description_read(path, d), status = read == 0 ? 0 : 2;
    if (read == -1 && !config && hot__os_kind(debug, 1) != HOT_OS_NOTHING)
        say_error("'%s' is a multi-config build tree: name the configuration "
                  "to build, e.g. --config Debug",
                  build_dir);
    else if (read == -1 && config)
        say_error("cannot read '%s': %s; is '%s' a configuration of the "
                  "multi-config build tree '%s'?",
                  path, strerror(errno), config, build_dir);
    else if (read == -1)
        say_error("cannot read '%s': %s; is '%s' a program made by "
                  "vais_add_hot_executable in the build tree '%s' (configured, single-config)?",
                  path, strerror(errno), name, build_dir);
    else if (read == -2)
        say_error("'%s' is not a description this vais-hot can read; "
                  "configure the build again with this version of vais-hot",
                  path);
    else if (read == -3)
        say_error("out of memory");
    else if (strcmp(d->hot, "ON") != 0) {
        say_error("'%s' is built with HOT OFF%s%s, so nothing can reload; %s", name,
                  config ? " in " : "", config ? config : "",
                  config ? "name a configuration whose HOT is on, e.g. --config Debug"
                         : "configure a Debug build (or pass HOT ON to vais_add_hot_executable)");
        status = 2;
    }
    free(path);
    free(debug);
    return status;
}

/* Is the build Ninja's, whose own tools (its deps log, a dry run) tell
 * more? */
static int uses_ninja(const struct description *d)
{
    return strcmp(d->generator, "Ninja") == 0 && d->make && d->make[0];
}

/* Is path one that no build of ours writes and no system owns? */
static int worth_watching(const struct description *d, const char *path)
{
    size_t n = strlen(d->build_dir);
    if (strncmp(path, d->build_dir, n) == 0 && path[n] == '/')
        return 0;
    return strncmp(path, "/usr/", 5) != 0;
}

/* Is dep one of the generated units? */
static int is_unit(const struct description *d, const char *dep)
{
    for (size_t i = 0; i < d->unit_count; i++) {
        if (strcmp(d->units[i], dep) == 0)
            return 1;
    }
    return 0;
}

/* Adds the headers the units include, as Ninja's deps log recorded them at
 * the last build, to p. Without Ninja (or before a first build), none. */
static int add_headers(const struct description *d, struct paths *p)
{
    if (!uses_ninja(d))
        return 0;
    const char *argv[] = {d->make, "-C", d->build_dir, "-t", "deps", NULL};
    char err[512], *text = NULL;
    if (hot__os_capture(argv, 0, &text, err, sizeof err) != 0) {
        free(text);
        return 0; /* the sources alone are still watched */
    }
    int ours = 0, result = 0;
    for (char *line = text, *next; *line && result == 0; line = next) {
        next = strchr(line, '\n');
        next = next ? (*next = '\0', next + 1) : line + strlen(line);
        if (line[0] != ' ') { /* "<object>: #deps N, ..." starts a record */
            ours = -1;
            continue;
        }
        const char *dep = line + strspn(line, " ");
        if (!*dep)
            continue;
        if (ours < 0) /* a record's first dependency is its source */
            ours = is_unit(d, dep);
        if (!ours || is_unit(d, dep))
            continue;
        char *full = dep[0] == '/' ? buf_format("%s", dep) : buf_format("%s/%s", d->build_dir, dep);
        if (!full)
            result = -1;
        else if (worth_watching(d, full))
            result = paths_add(p, full);
        free(full);
    }
    free(text);
    return result;
}

/* The paths to watch now: the hot sources and the headers they include. */
static int collect_paths(const struct description *d, struct paths *p)
{
    for (size_t i = 0; i < d->source_count; i++) {
        if (paths_add(p, d->sources[i]) != 0)
            return -1;
    }
    if (add_headers(d, p) != 0)
        return -1;
    qsort(p->items, p->count, sizeof *p->items, compare_paths);
    return 0;
}

/* Watches the current paths, unless already watching exactly them. Saves seen
 * by the old watch before the switch set *pending. */
/* Tracks the watched paths that are no hot source, the headers, for the
 * saves during a build (stale_units.h). */
static void track_headers(struct watcher *w)
{
    const char **headers = calloc(w->watched.count + 1, sizeof *headers);
    size_t count = 0;
    for (size_t i = 0; headers && i < w->watched.count; i++) {
        size_t k = 0;
        while (k < w->d.source_count && strcmp(w->d.sources[k], w->watched.items[i]) != 0)
            k++;
        if (k == w->d.source_count)
            headers[count++] = w->watched.items[i];
    }
    if (!headers || hot__units_track(&w->stale, headers, count) != 0)
        say("out of memory: a header saved during a build may be missed");
    free(headers);
}

static void refresh_watch(struct watcher *w, int *pending)
{
    struct paths now = {0};
    char err[512];
    if (collect_paths(&w->d, &now) != 0 || (w->watch && paths_equal(&now, &w->watched))) {
        paths_free(&now);
        return;
    }
    struct hot__watch *watch =
        hot__os_watch_open((const char *const *)now.items, now.count, err, sizeof err);
    if (!watch) {
        say("%s; watching goes on with the files watched so far", err);
        paths_free(&now);
        return;
    }
    struct hot__watch *old = w->watch;
    hot__os_catch_signals(watch);
    if (old) {
        if (hot__os_watch_wait(old, 0) > 0)
            *pending = 1;
        hot__os_watch_close(old);
    }
    w->watch = watch;
    paths_free(&w->watched);
    w->watched = now;
    track_headers(w);
    say("watching %zu file%s of '%s' (%zu hot source%s and the headers they include); "
        "Ctrl-C stops",
        now.count, now.count == 1 ? "" : "s", w->d.program, w->d.source_count,
        w->d.source_count == 1 ? "" : "s");
}

static void say_line(const char *line)
{
    say("%s", line);
}

/* Builds target with the command CMake chose (the description's), as a
 * build round (build_round.h), until it ends or a stop signal comes. Returns the tool's exit
 * status, or -1 when it could not run or a stop signal ended it. */
static int build(struct watcher *w, const char *target)
{
    const struct description *d = &w->d;
    const char **argv = calloc(d->build_count + 2, sizeof *argv);
    if (!argv) {
        say("out of memory; watching goes on");
        return -1;
    }
    memcpy(argv, d->build, d->build_count * sizeof *argv); /* CMake's command, then target */
    argv[d->build_count] = target;
    const struct hot__build round = {.argv = argv,
                                     .target = target,
                                     .own_group = 1, /* watch stops it itself */
                                     .stale = &w->stale,
                                     .wait = HOT_BUILD_UNTIL_SIGNAL,
                                     .say = say_line,
                                     .after_failure =
                                         "watching goes on: fix the error and save again",
                                     .after_no_start = "watching goes on"};
    int status = hot__build_run(&round);
    free(argv);
    return status;
}

/* Did the file at path (a generated input of the core's, or NULL for
 * none), which was *then when the core was last built, change since? */
static int changed_since(const char *path, const struct hot__file_id *then)
{
    struct hot__file_id id = {0};
    char err[512];
    if (!path || hot__os_file_id(path, &id, err, sizeof err) != 0)
        return 0;
    return !hot__file_id_equal(&id, then);
}

static void remember(const char *path, struct hot__file_id *id)
{
    char err[512];
    if (path && hot__os_file_id(path, id, err, sizeof err) != 0)
        *id = (struct hot__file_id){0};
}

/* The generated stubs, which change with the hot functions' signatures. */
static int stubs_changed(struct watcher *w)
{
    return changed_since(w->d.stubs, &w->stubs_id);
}

/* The core's needs file (ELF), which changes when hot code first calls a
 * function the core's link had not linked in. */
static int needs_changed(struct watcher *w)
{
    return changed_since(w->d.needs, &w->needs_id);
}

/* Notes the core's generated inputs as the core was just built from. */
static void remember_core_inputs(struct watcher *w)
{
    remember(w->d.stubs, &w->stubs_id);
    remember(w->d.needs, &w->needs_id);
}

static void start_program(struct watcher *w)
{
    char err[512];
    w->program = hot__os_spawn(w->program_argv, 0, 0, err, sizeof err);
    if (w->program < 0) {
        say("%s; it runs again after the next successful build", err);
        w->program = 0;
    } else
        say("started '%s' (pid %ld)", w->d.program, w->program);
}

/* Notices that the --exec program ended by itself. */
static void reap_program(struct watcher *w)
{
    int status;
    if (w->program && hot__os_wait(w->program, 0, &status) != 0) {
        w->program = 0;
        if (!hot__os_caught_signal())
            say("'%s' exited with status %d; it runs again after the next successful build",
                w->d.program, status);
    }
}

/* Might the core be out of date with the files it compiles, as when a
 * header it shares with the hot code was saved (a type's layout there may
 * have changed, which the running program refuses)? Ninja answers with a
 * quick dry run; anything but its "no work to do" counts as yes, and the
 * build that follows tells for sure. Other build tools cannot answer
 * cheaply: there only a change of signatures rebuilds the core. */
static int core_may_be_out_of_date(const struct watcher *w)
{
    if (!uses_ninja(&w->d))
        return 0;
    const char *dry_run[] = {w->d.make, "-C", w->d.build_dir, "-n", w->d.program, NULL};
    char *out = NULL, err[512];
    int status = hot__os_capture(dry_run, 0, &out, err, sizeof err);
    int clean = status == 0 && out && strstr(out, "ninja: no work to do.");
    free(out);
    return !clean;
}

/* The executable's identity now; all zero if it cannot be read. */
static struct hot__file_id executable_id(const struct watcher *w)
{
    struct hot__file_id id = {0};
    char err[512];
    if (hot__os_file_id(w->d.executable, &id, err, sizeof err) != 0)
        id = (struct hot__file_id){0};
    return id;
}

/* What watch says after rebuilding the core for a reason that makes the
 * running program refuse the new build, and for one that may not. */
#define RESTART_TO_USE_IT "restart it to use the new code"
#define RESTART_IF_REFUSED "restart it if the running program refused the new build"

/* Builds the core, then restarts the program with --exec, or says to
 * (advice), and why (the signatures, if they changed, whatever the caller
 * thought); with only_if_relinked, only if the build made a new executable
 * (a build of nothing new, or of a step that always runs, leaves it as it
 * was). */
static void rebuild_core(struct watcher *w, const char *why, const char *advice,
                         int only_if_relinked)
{
    struct hot__file_id before = executable_id(w);
    if (build(w, w->d.program) != 0) {
        w->core_stale = 1;
        return;
    }
    w->core_stale = 0;
    if (stubs_changed(w)) { /* also when a save during the round changed them */
        why = "the hot functions' signatures changed";
        advice = RESTART_TO_USE_IT;
    }
    remember_core_inputs(w);
    struct hot__file_id after = executable_id(w);
    if (only_if_relinked && hot__file_id_equal(&before, &after)) {
        if (w->exec && !w->program && !hot__os_caught_signal())
            start_program(w);
    } else if (!w->exec)
        say("rebuilt '%s' because %s; %s", w->d.program, why, advice);
    else if (w->program) {
        say("restarting '%s' because %s", w->d.program, why);
        hot__os_stop(w->program, 0, STOP_GRACE_MS);
        w->program = 0;
        reap_program(w);
        start_program(w);
    } else
        start_program(w);
}

/* One round: build the hot library, then whatever it calls for; unless
 * something was saved during its build, when the library may be of the old
 * text already: acting on it, the core could be built from newer headers
 * than the library the restarted program loads. The save's own event
 * starts the next round, which acts. */
static void rebuild(struct watcher *w, int *pending)
{
    hot__units_build_begins(&w->stale); /* see stale_units.h */
    if (build(w, w->d.library) != 0)
        return;
    if (hot__units_saved_since_build(&w->stale)) {
        refresh_watch(w, pending);
        return;
    }
    if (stubs_changed(w)) {
        say("the hot functions' signatures changed; building '%s'", w->d.program);
        rebuild_core(w, "the hot functions' signatures changed", RESTART_TO_USE_IT, 0);
    } else if (w->core_stale)
        rebuild_core(w, "its last build failed", RESTART_TO_USE_IT, 0);
    else if (needs_changed(w))
        /* A static library's function the running core lacks, which it
         * refuses; or one of a shared library that `vais-hot needs` did
         * not find, which it loads. */
        rebuild_core(w, "hot code now calls functions the core had not linked in",
                     RESTART_IF_REFUSED, 1);
    else if (!hot__os_caught_signal() && core_may_be_out_of_date(w))
        rebuild_core(w, "a file it compiles changed", RESTART_TO_USE_IT, 1);
    else if (w->exec && !w->program && !hot__os_caught_signal())
        start_program(w);
    if (!hot__os_caught_signal())
        refresh_watch(w, pending);
}

/* Reads the arguments into w and *build_dir, *name. Returns 0, or the exit
 * status of a usage error (said why), or -1 after --help. */
static int read_arguments(int argc, char **argv, struct watcher *w, const char **build_dir,
                          const char **name, const char **config, int *dash)
{
    int positional = 0, i = 2;
    w->debounce_ms = DEFAULT_DEBOUNCE_MS;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(watch_help, stdout);
            return -1;
        } else if (strcmp(a, "--exec") == 0)
            w->exec = 1;
        else if (strcmp(a, "--debounce") == 0) {
            char *end;
            long ms = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
            if (i + 1 >= argc || *end || end == argv[i + 1] || ms < 0 || ms > 60000)
                return usage_error("'--debounce' needs a number of milliseconds, 0 to 60000");
            w->debounce_ms = (int)ms;
            i++;
        } else if (strcmp(a, "--config") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return usage_error("'--config' needs a configuration, e.g. Debug");
            *config = argv[++i];
        } else if (a[0] == '-' && a[1])
            return usage_error("unknown option '%s'", a);
        else if (positional == 0)
            *build_dir = a, positional++;
        else if (positional == 1)
            *name = a, positional++;
        else
            return usage_error("unexpected argument '%s'; the program's arguments go after '--'",
                               a);
    }
    if (positional < 2)
        return usage_error("missing %s", positional == 0 ? "BUILD-DIR and NAME" : "NAME");
    if (i < argc && !w->exec)
        return usage_error("arguments after '--' are for the program: add '--exec' to run it");
    *dash = i;
    return 0;
}

int watch_main(int argc, char **argv)
{
    struct watcher w = {0};
    const char *build_dir = NULL, *name = NULL, *config = NULL;
    int dash = argc;
    int status = read_arguments(argc, argv, &w, &build_dir, &name, &config, &dash);
    if (status != 0)
        return status < 0 ? 0 : status;
    status = read_description(build_dir, name, config, &w.d);
    if (status != 0) {
        description_free(&w.d);
        return status;
    }
    /* The program's argv: under the emulator a cross build names, if any. */
    int arguments = dash < argc ? argc - dash - 1 : 0;
    w.program_argv = calloc(w.d.emulator_count + 1 + (size_t)arguments + 1, sizeof *w.program_argv);
    if (!w.program_argv) {
        say_error("out of memory");
        description_free(&w.d);
        return 2;
    }
    size_t words = 0;
    for (size_t i = 0; i < w.d.emulator_count; i++)
        w.program_argv[words++] = w.d.emulator[i];
    w.program_argv[words++] = w.d.executable;
    for (int i = 0; i < arguments; i++)
        w.program_argv[words++] = argv[dash + 1 + i];
    size_t unit_count = w.d.unit_count < w.d.source_count ? w.d.unit_count : w.d.source_count;
    if (hot__units_open(&w.stale, w.d.sources, w.d.units, unit_count) != 0) {
        say_error("out of memory");
        free(w.program_argv);
        description_free(&w.d);
        return 2;
    }
    int pending = 0;
    long long last_start = 0;
    hot__os_catch_signals(NULL);
    if (build(&w, w.d.program) != 0)
        w.core_stale = 1;
    remember_core_inputs(&w);
    if (!hot__os_caught_signal())
        refresh_watch(&w, &pending);
    if (!w.watch && !hot__os_caught_signal()) {
        say_error("cannot watch the hot sources of '%s'", name);
        status = 2;
    }
    if (w.exec && !w.core_stale && w.watch && !hot__os_caught_signal())
        start_program(&w);
    while (status == 0 && !hot__os_caught_signal()) {
        long long now = hot__os_now_ns(), due = last_start + (long long)w.debounce_ms * 1000000LL;
        int timeout = pending ? (due > now ? (int)((due - now) / 1000000LL) + 1 : 0) : 1000;
        if (hot__os_watch_wait(w.watch, timeout) > 0)
            pending = 1;
        reap_program(&w);
        now = hot__os_now_ns();
        if (!pending || now < due || hot__os_caught_signal())
            continue;
        pending = 0;
        last_start = now;
        rebuild(&w, &pending); /* a save meanwhile is an event the next wait returns */
    }
    if (w.program)
        hot__os_stop(w.program, 0, STOP_GRACE_MS);
    if (status == 0)
        status = hot__os_caught_signal();
    hot__os_catch_signals(NULL);
    if (w.watch)
        hot__os_watch_close(w.watch);
    paths_free(&w.watched);
    hot__units_close(&w.stale);
    free(w.program_argv);
    description_free(&w.d);
    return status;
}
