/* runtime/core_info.c
 * The core's named types and functions, from its own debug information,
 * read once per process on a thread of their own that starts when the
 * program registers its stubs (before main): a large core's DWARF takes
 * its time, which the program's own start-up hides from its first load.
 * Invariants: the reading thread touches nothing but R.read (its result)
 * and R.done, never the loader's lock, and blocks every signal; whoever
 * calls hot__core_info joins it first, so the result is whole when read.
 * A forked child has no such thread: it keeps a result only if the thread
 * was done before the fork, and otherwise reads on its own. */
#define _POSIX_C_SOURCE 200809L
#include "core_info.h"

#include "os.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static struct {
    struct hot__core_info read;
    pthread_t thread;
    int started;       /* the thread runs, or ran and is not joined yet */
    int have;          /* read is whole */
    atomic_int done;   /* the thread finished read */
    const char *label; /* the program's name, for messages */
} R;

static void read_now(struct hot__core_info *info, const char *label)
{
    char err[512];
    size_t size;
    struct hot__dwarf dw;
    memset(info, 0, sizeof *info);
    const unsigned char *image = hot__os_map_file(hot__os_program_path(), &size, err, sizeof err);
    if (!image) {
        snprintf(info->why, sizeof info->why, "layouts not checked: %s", err);
        return;
    }
    int functions_read = 1;
    if (hot__dwarf_read(image, size, HOT_DWARF_FIRST_COPY, &dw, err, sizeof err) == 0) {
        info->layouts = hot__layouts_from(&dw, NULL, err, sizeof err);
        functions_read = hot__functions_read(&dw, image, size, &info->functions) == 0;
        hot__dwarf_free(&dw);
    }
    hot__os_unmap_file(image, size);
    if (!info->layouts)
        snprintf(info->why, sizeof info->why, "layouts not checked: '%s' %s (compile it with -g)",
                 label, err);
    else if (!functions_read)
        snprintf(info->why, sizeof info->why,
                 "prototypes not checked: the functions of '%s' could not be read (out of memory)",
                 label);
}

static void *reader_main(void *arg)
{
    (void)arg;
    read_now(&R.read, R.label);
    atomic_store(&R.done, 1);
    return NULL;
}

void hot__core_info_start(const char *program)
{
    if (R.started || R.have)
        return;
    R.label = program;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread starts with every signal blocked */
    R.started = pthread_create(&R.thread, NULL, reader_main, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

const struct hot__core_info *hot__core_info(const char *program)
{
    if (R.started) {
        pthread_join(R.thread, NULL);
        R.started = 0;
        R.have = 1;
    }
    if (!R.have) {
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
}
