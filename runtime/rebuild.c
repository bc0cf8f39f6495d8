/* runtime/rebuild.c
 * hot_start's background builder: watches the hot sources (and the path the
 * program names) and runs the manifest's rebuild command, no shell, when one
 * changes. The reload itself follows from the stamp, through auto mode.
 * Each build is a build_round.h round, its wait cut short when the builder
 * is stopped, which ends the build under way.
 * Invariant: at most one builder is running per process (one being stopped
 * owns nothing shared); a save that lands during a build causes one more
 * build, never a lost change: as each build begins, the units of the
 * sources saved since the last one are removed, so that the build tool
 * cannot take them for current (stale_units.h). */
#include "runtime.h"

#include "build_round.h"
#include "log.h"
#include "os.h"
#include "stale_units.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One builder: its thread owns it while it runs; whoever stops it frees it. */
struct builder {
    const struct hot_abi_manifest *manifest;
    struct hot__watch *watch;
    struct hot__units stale; /* which units the saves since the last build made stale */
    atomic_int stopping;     /* set by hot__stop_builder: a build under way ends */
    pthread_t thread;
};

static struct {
    pthread_mutex_t lock;
    struct builder *running; /* NULL while no builder runs */
} B = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void say_line(const char *line)
{
    hot__say("%s", line);
}

static void build(struct builder *b)
{
    const struct hot_abi_manifest *m = b->manifest;
    char target[256], after_failure[128];
    snprintf(target, sizeof target, "%s_hot", m->program);
    snprintf(after_failure, sizeof after_failure, "kept v%ld, fix the error and save again",
             hot__version());
    /* The program's stdout is its own: the build's output goes to stderr.
     * The build stays in the program's process group, so that a Ctrl-C
     * that ends the program ends it too. */
    const struct hot__build round = {.argv = m->rebuild,
                                     .target = target,
                                     .output_on_stderr = 1,
                                     .stale = &b->stale,
                                     .wait = HOT_BUILD_UNTIL_FLAG,
                                     .stop = &b->stopping,
                                     .say = say_line,
                                     .after_failure = after_failure,
                                     .after_no_start = "new builds must be started by hand"};
    hot__build_run(&round);
}

static void *builder_main(void *arg)
{
    struct builder *b = arg;
    for (;;) {
        int seen = hot__os_watch_wait(b->watch, 60000);
        if (seen < 0)
            return NULL;
        /* Build at once; saves that arrive meanwhile are pending events. */
        while (seen > 0 && !atomic_load(&b->stopping)) {
            hot__units_build_begins(&b->stale);
            build(b);
            seen = hot__os_watch_wait(b->watch, 0);
        }
        if (seen < 0 || atomic_load(&b->stopping))
            return NULL;
    }
}

/* Releases what b holds; its thread has ended or never ran. */
static void builder_free(struct builder *b)
{
    if (b->watch)
        hot__os_watch_close(b->watch);
    hot__units_close(&b->stale);
    free(b);
}

/* A forked child has no builder thread: it forgets the parent's. */
static void after_fork_in_child(void)
{
    if (B.running)
        builder_free(B.running);
    B.running = NULL;
    pthread_mutex_init(&B.lock, NULL);
}

static pthread_once_t fork_handlers_once = PTHREAD_ONCE_INIT;

static void install_fork_handlers(void)
{
    hot__os_at_fork(NULL, NULL, after_fork_in_child);
}

/* A builder for m, watching its hot sources and extra_path (if any), not
 * yet running. Returns NULL with the reason in err, and *status
 * HOT_E_NO_MEMORY or HOT_E_WATCH. */
static struct builder *builder_new(const struct hot_abi_manifest *m, const char *extra_path,
                                   long *status, char *err, size_t errlen)
{
    *status = HOT_E_NO_MEMORY;
    size_t count = 0, units = 0;
    while (m->sources[count])
        count++;
    while (units < count && m->units && m->units[units])
        units++;
    struct builder *b = calloc(1, sizeof *b);
    const char **paths = calloc(count + 1, sizeof *paths);
    if (!b || !paths || hot__units_open(&b->stale, m->sources, m->units, units) != 0) {
        snprintf(err, errlen, "out of memory");
        free(paths);
        if (b)
            builder_free(b);
        return NULL;
    }
    b->manifest = m;
    memcpy(paths, m->sources, count * sizeof *paths);
    if (extra_path && *extra_path)
        paths[count++] = extra_path;
    b->watch = hot__os_watch_open(paths, count, err, errlen);
    free(paths);
    if (!b->watch) {
        *status = HOT_E_WATCH;
        builder_free(b);
        return NULL;
    }
    *status = HOT_OK;
    return b;
}

long hot__start(const char *source_path)
{
    long status = hot__auto();
    if (status != HOT_OK)
        return status;
    pthread_mutex_lock(&B.lock);
    if (B.running) {
        pthread_mutex_unlock(&B.lock);
        return HOT_OK;
    }
    char err[512];
    struct builder *b = builder_new(hot__manifest(), source_path, &status, err, sizeof err);
    if (!b) {
        status = hot__fail(status, "%s; hot_start will not rebuild", err);
        hot__say("%s; hot_start will not rebuild", err);
    } else if (pthread_create(&b->thread, NULL, builder_main, b) != 0) {
        builder_free(b);
        status = hot__fail(HOT_E_WATCH, "cannot start the builder thread; hot_start will not "
                                        "rebuild");
    } else {
        B.running = b;
        pthread_once(&fork_handlers_once, install_fork_handlers);
    }
    pthread_mutex_unlock(&B.lock);
    return status;
}

void hot__stop_builder(void)
{
    pthread_mutex_lock(&B.lock);
    struct builder *b = B.running;
    B.running = NULL;
    pthread_mutex_unlock(&B.lock);
    if (!b)
        return;
    atomic_store(&b->stopping, 1);
    hot__os_watch_wake(b->watch);
    pthread_join(b->thread, NULL);
    builder_free(b);
}
