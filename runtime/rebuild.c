/* runtime/rebuild.c
 * hot_start's background builder: watches the hot sources (and the path the
 * program names) and runs the manifest's rebuild command, no shell, when one
 * changes. The reload itself follows from the stamp, through auto mode.
 * Invariant: one builder thread per process; a save that lands during a
 * build causes one more build, never a lost change: as each build begins,
 * the units of the sources saved since the last one are removed, so that the
 * build tool cannot take them for current (stale_units.h). */
#include "runtime.h"

#include "log.h"
#include "os.h"
#include "stale_units.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct {
    pthread_mutex_t lock;
    struct hot__watch *watch; /* NULL while no builder runs */
    pthread_t thread;
    const struct hot_abi_manifest *manifest;
    struct hot__units stale; /* the builder thread's alone while it runs */
} B = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void build(const struct hot_abi_manifest *m)
{
    char err[512];
    long long start = hot__os_now_ns();
    hot__say("building '%s_hot'", m->program);
    int status = hot__os_run(m->rebuild, err, sizeof err);
    double ms = (double)(hot__os_now_ns() - start) / 1e6;
    if (status < 0)
        hot__say("%s; new builds must be started by hand", err);
    else if (status == 0)
        hot__say("built '%s_hot' in %.0f ms", m->program, ms);
    else if (status != 0)
        hot__say("build of '%s_hot' failed (exit %d) after %.0f ms; kept v%ld, fix the error "
                 "and save again",
                 m->program, status, ms, hot__version());
}

static void *builder_main(void *arg)
{
    struct hot__watch *watch = arg;
    for (;;) {
        int seen = hot__os_watch_wait(watch, 60000);
        if (seen < 0)
            return NULL;
        /* Build at once; saves that arrive meanwhile are pending events. */
        while (seen > 0) {
            hot__units_build_begins(&B.stale);
            build(B.manifest);
            seen = hot__os_watch_wait(watch, 0);
        }
        if (seen < 0)
            return NULL;
    }
}

/* A forked child has no builder thread: it forgets the parent's. */
static void after_fork_in_child(void)
{
    if (B.watch)
        hot__os_watch_close(B.watch);
    B.watch = NULL;
    hot__units_close(&B.stale);
    pthread_mutex_init(&B.lock, NULL);
}

static pthread_once_t fork_handlers_once = PTHREAD_ONCE_INIT;

static void install_fork_handlers(void)
{
    pthread_atfork(NULL, NULL, after_fork_in_child);
}

long hot__start(const char *source_path)
{
    long status = hot__auto();
    if (status != HOT_OK)
        return status;
    const struct hot_abi_manifest *m = hot__manifest();
    pthread_mutex_lock(&B.lock);
    if (B.watch) {
        pthread_mutex_unlock(&B.lock);
        return HOT_OK;
    }
    size_t count = 0;
    while (m->sources[count])
        count++;
    const char **paths = calloc(count + 1, sizeof *paths);
    if (!paths) {
        pthread_mutex_unlock(&B.lock);
        return hot__fail(HOT_E_WATCH, "out of memory");
    }
    size_t units = 0;
    while (units < count && m->units && m->units[units])
        units++;
    if (hot__units_open(&B.stale, m->sources, m->units, units) != 0) {
        free(paths);
        pthread_mutex_unlock(&B.lock);
        return hot__fail(HOT_E_WATCH, "out of memory");
    }
    memcpy(paths, m->sources, count * sizeof *paths);
    if (source_path && *source_path)
        paths[count++] = source_path;
    char err[512];
    B.manifest = m;
    B.watch = hot__os_watch_open(paths, count, err, sizeof err);
    free(paths);
    if (!B.watch) {
        hot__units_close(&B.stale);
        status = hot__fail(HOT_E_WATCH, "%s; hot_start will not rebuild", err);
        hot__say("%s; hot_start will not rebuild", err);
    } else if (pthread_create(&B.thread, NULL, builder_main, B.watch) != 0) {
        hot__os_watch_close(B.watch);
        B.watch = NULL;
        hot__units_close(&B.stale);
        status = hot__fail(HOT_E_WATCH, "cannot start the builder thread; hot_start will not "
                                        "rebuild");
    } else {
        pthread_once(&fork_handlers_once, install_fork_handlers);
    }
    pthread_mutex_unlock(&B.lock);
    return status;
}

void hot__stop_builder(void)
{
    pthread_mutex_lock(&B.lock);
    struct hot__watch *watch = B.watch;
    B.watch = NULL;
    pthread_mutex_unlock(&B.lock);
    if (!watch)
        return;
    hot__os_watch_wake(watch);
    pthread_join(B.thread, NULL);
    hot__os_watch_close(watch);
    hot__units_close(&B.stale);
}
