/* runtime/core_info.c
 * The core's named types and functions, read once per process on a thread
 * of their own that starts when the program registers its stubs (before
 * main): from the summary `vais-hot summarize` wrote beside the program's
 * file after its link, when it names the program's own build ID, and else
 * from its debug information, which for a large core takes its time (the
 * program's own start-up hides it from the first load).
 * Invariants: the reading thread touches nothing but R.read (its result)
 * and R.done, never the loader's lock, and blocks every signal a program
 * handles (hot__os_block_signals); it is detached, so a program that never
 * loads leaves no thread to join, and whoever calls hot__core_info waits
 * for R.done first, so the result is whole when read.
 * A forked child has no such thread: it keeps a result only if the thread
 * was done before the fork, and otherwise reads on its own. */
#define _POSIX_C_SOURCE 200809L
#include "core_info.h"

#include "image.h"
#include "os.h"
#include "runtime.h"
#include "summary.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest core summary read: far beyond what any core describes. */
#define MAX_SUMMARY_BYTES ((size_t)1 << 30)

static struct {
    struct hot__core_info read;
    int started;             /* the thread runs, or ran and was not waited for yet */
    int have;                /* read is whole */
    atomic_int done;         /* the thread finished read; set under lock */
    pthread_mutex_t lock;    /* for waiting on done */
    pthread_cond_t finished; /* signalled when done is set */
    const char *label;       /* the program's name, for messages */
} R = {.lock = PTHREAD_MUTEX_INITIALIZER, .finished = PTHREAD_COND_INITIALIZER};

/* The summary `vais-hot summarize` wrote beside the program's file for the
 * build whose build ID is id[0..length), into *info. Returns 0; or -1 when
 * there is none of this build that may be trusted, with why in info->why
 * when that is worth a line (one that others may write, or damaged). */
static int read_summary(struct hot__core_info *info, const unsigned char *id, size_t length)
{
    char path[4096 + sizeof HOT_ABI_SUMMARY_SUFFIX], err[512];
    struct hot__file_id file;
    struct hot__summary summary;
    unsigned char *bytes;
    if (length == 0 || hot__os_program_file(path, sizeof path - sizeof HOT_ABI_SUMMARY_SUFFIX) != 0)
        return -1;
    strcat(path, HOT_ABI_SUMMARY_SUFFIX);
    long read = hot__os_read_file(path, MAX_SUMMARY_BYTES, &bytes, &file, err, sizeof err);
    if (read == HOT_OS_FILE_UNSAFE)
        snprintf(info->why, sizeof info->why, "%s; its debug information is read instead", err);
    if (read < 0)
        return -1;
    int got = hot__summary_decode_core(bytes, (size_t)read, id, length, &summary, err, sizeof err);
    free(bytes);
    info->no_memory = got == -2;
    if (got == -1)
        snprintf(info->why, sizeof info->why, "'%s' %s; its debug information is read instead",
                 path, err);
    if (got != 0)
        return -1;
    info->layouts = summary.layouts;
    info->functions = summary.functions;
    return 0;
}

static void read_now(struct hot__core_info *info, const char *label)
{
    char err[512];
    size_t size;
    const unsigned char *id;
    struct hot__summary summary;
    memset(info, 0, sizeof *info);
    const unsigned char *image = hot__os_map_file(hot__os_program_path(), &size, err, sizeof err);
    if (!image) {
        snprintf(info->why, sizeof info->why, "layouts not checked: %s", err);
        return;
    }
    size_t id_length = hot__image_build_id(image, size, &id);
    if (read_summary(info, id, id_length) == 0 || info->no_memory) {
        hot__os_unmap_file(image, size);
        return;
    }
    int got = hot__summary_of_core(image, size, &summary, err, sizeof err);
    hot__os_unmap_file(image, size);
    info->layouts = summary.layouts;
    info->functions = summary.functions;
    info->no_memory = got == -1;
    if (got != 0) /* says more than what was wrong with the summary */
        snprintf(info->why, sizeof info->why, "layouts not checked: '%s' %s%s", label, err,
                 got == 1 ? " (compile it with -g)" : "");
}

static void *reader_main(void *arg)
{
    (void)arg;
    read_now(&R.read, R.label);
    pthread_mutex_lock(&R.lock);
    atomic_store(&R.done, 1);
    pthread_cond_broadcast(&R.finished);
    pthread_mutex_unlock(&R.lock);
    return NULL;
}

void hot__core_info_start(const char *program)
{
    if (R.started || R.have)
        return;
    R.label = program;
    struct hot__os_signal_mask old;
    pthread_t thread;
    pthread_attr_t attributes;
    if (pthread_attr_init(&attributes) != 0)
        return;
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    hot__os_block_signals(&old); /* the thread starts with the program's signals blocked */
    R.started = pthread_create(&thread, &attributes, reader_main, NULL) == 0;
    hot__os_restore_signals(&old);
    pthread_attr_destroy(&attributes);
}

const struct hot__core_info *hot__core_info(const char *program)
{
    assert(hot__loader_locked());
    if (R.started) {
        pthread_mutex_lock(&R.lock);
        while (!atomic_load(&R.done))
            pthread_cond_wait(&R.finished, &R.lock);
        pthread_mutex_unlock(&R.lock);
        R.started = 0;
        R.have = 1;
    }
    if (!R.have || R.read.no_memory) {
        read_now(&R.read, program);
        R.have = 1;
    }
    return &R.read;
}

void hot__core_info_after_fork(void)
{
    if (R.started && !atomic_load(&R.done)) /* half made: left as it is, never freed */
        memset(&R.read, 0, sizeof R.read);
    R.have = R.have || (R.started && atomic_load(&R.done));
    R.started = 0;
    /* The thread may have held the lock at the fork: the child's is new. */
    pthread_mutex_init(&R.lock, NULL);
    pthread_cond_init(&R.finished, NULL);
}
