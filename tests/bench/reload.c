/* tests/bench/reload.c
 * The runtime's cost in manual mode, for a program with many hot functions,
 * each beside the baseline the same run measures:
 *   reload  the time from a stamp landing to the new table being live, which
 *           is one hot_check() (read the stamp, copy and check the file,
 *           read the summary its build wrote, check every function and
 *           shared type, load, publish); against copying the same library,
 *           dlopen and one dlsym per function, and nothing else.
 *           Then hot_cleanup() with those 51 versions mapped.
 *   idle    one hot_check() with nothing new, against one stat() of the
 *           stamp.
 *   first   the first load, hot_init(), which also waits for the core's
 *           summary (its debug information, without one) to be read (in
 *           the background since the program started); with
 *           BENCH_STARTUP_MS set, after that many
 *           milliseconds of start-up work of the program's own.
 * argv: reload|idle|first, this program's own hot library, a scratch path,
 * the number of hot functions, the label. */
#define _POSIX_C_SOURCE 200809L
#include "../land.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <vais/hot.h>

int bench_f0(int x);

enum { RELOADS = 50, IDLE_CHECKS = 200000 };

static int compare(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static long long median(long long *took, int count)
{
    qsort(took, (size_t)count, sizeof took[0], compare);
    return took[count / 2];
}

/* One run of the baseline: library copied to a new file where the
 * runtime's copies go (TMPDIR), opened, each of its count functions looked
 * up. The time, or -1. */
static long long bare_load(const char *library, int count, int run)
{
    char copy[4200], name[32];
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(copy, sizeof copy, "%s/bare%d.so", dir, run);
    long long start = system_now_ns();
    void *handle = land_copy(library, copy) == 0 ? dlopen(copy, RTLD_NOW | RTLD_LOCAL) : NULL;
    for (int i = 0; handle && i < count; i++) {
        snprintf(name, sizeof name, "bench_f%d", i);
        if (!dlsym(handle, name)) {
            dlclose(handle);
            handle = NULL;
        }
    }
    long long took = system_now_ns() - start;
    remove(copy);
    if (!handle)
        return -1;
    dlclose(handle);
    return took;
}

static int reload(const char *build, const char *library, int count, const char *label)
{
    long long took[RELOADS], bare[RELOADS];
    for (int i = 0; i < RELOADS; i++) {
        if (land_with_summary(build, library) < 0) {
            fprintf(stderr, "bench_reload: cannot land '%s'\n", library);
            return 1;
        }
        long long start = system_now_ns();
        long status = hot_check();
        took[i] = system_now_ns() - start;
        if (status != 1 || bench_f0(1) != 1) {
            fprintf(stderr, "bench_reload: reload %d: status %ld: %s\n", i, status,
                    hot_last_error());
            return 1;
        }
        /* Alternated with the reloads, so both see the same machine. */
        if ((bare[i] = bare_load(library, count, i)) < 0) {
            fprintf(stderr, "bench_reload: baseline: %s\n", dlerror());
            return 1;
        }
    }
    long long start = system_now_ns();
    hot_cleanup();
    long long cleanup = system_now_ns() - start;
    long long ours = median(took, RELOADS), theirs = median(bare, RELOADS);
    printf("%-28s %8.3fms %8.3fms %8.3fms %8.3fms %7.2f %8.2fms\n", label, (double)ours / 1e6,
           (double)took[RELOADS * 9 / 10] / 1e6, (double)took[RELOADS - 1] / 1e6,
           (double)theirs / 1e6, (double)ours / (double)theirs, (double)cleanup / 1e6);
    return 0;
}

static int idle(const char *library, const char *label)
{
    char stamp[4200];
    snprintf(stamp, sizeof stamp, "%s%s", library, HOT_ABI_STAMP_SUFFIX);
    long long start = system_now_ns();
    for (int i = 0; i < IDLE_CHECKS; i++)
        if (hot_check() != 0) {
            fprintf(stderr, "bench_reload: hot_check with nothing new: %s\n", hot_last_error());
            return 1;
        }
    double ours = (double)(system_now_ns() - start) / IDLE_CHECKS;
    struct stat st;
    start = system_now_ns();
    for (int i = 0; i < IDLE_CHECKS; i++)
        if (stat(stamp, &st) != 0)
            return 1;
    double theirs = (double)(system_now_ns() - start) / IDLE_CHECKS;
    printf("%-30s %9.3fus %9.3fus %7.2f  (goal: <= 1.0)\n", label, ours / 1e3, theirs / 1e3,
           ours / theirs);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc == 6 ? argv[1] : "";
    if (strcmp(mode, "reload") != 0 && strcmp(mode, "idle") != 0 && strcmp(mode, "first") != 0) {
        fprintf(stderr,
                "usage: bench_reload reload|idle|first OWN-LIBRARY SCRATCH-LIBRARY COUNT LABEL\n");
        return 2;
    }
    const char *build = argv[2], *library = argv[3], *label = argv[5];
    int count = atoi(argv[4]);
    hot_log_to(NULL);
    const char *startup = getenv("BENCH_STARTUP_MS");
    if (strcmp(mode, "first") == 0 && startup) {
        struct timespec work = {atoi(startup) / 1000, atoi(startup) % 1000 * 1000000L};
        nanosleep(&work, NULL);
    }
    long long start = system_now_ns();
    if (land_with_summary(build, library) < 0 || (start = system_now_ns(), hot_init(library)) != 0) {
        fprintf(stderr, "bench_reload: cannot load '%s': %s\n", library, hot_last_error());
        return 1;
    }
    long long first = system_now_ns() - start;
    int status = 0;
    if (strcmp(mode, "first") == 0)
        printf("%-48s %8.2fms\n", label, (double)first / 1e6);
    else if (strcmp(mode, "reload") == 0)
        status = reload(build, library, count, label);
    else
        status = idle(library, label);
    hot_cleanup();
    return status;
}
