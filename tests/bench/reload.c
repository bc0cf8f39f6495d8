/* tests/bench/reload.c
 * Reload latency in manual mode, for a program with many hot functions:
 * the time from a stamp landing to the new table being live, which is one
 * hot_check() (read the stamp, copy, load, check every function, publish).
 * argv: this program's own hot library, a scratch path, the label. */
#define _POSIX_C_SOURCE 200809L
#include "../land.h"

#include <stdlib.h>
#include <vais/hot.h>

int bench_f0(int x);

static int compare(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    enum { RELOADS = 50 };
    long long took[RELOADS];
    if (argc != 4) {
        fprintf(stderr, "usage: bench_reload OWN-LIBRARY SCRATCH-LIBRARY LABEL\n");
        return 2;
    }
    const char *build = argv[1], *library = argv[2], *label = argv[3];
    hot_log_to(NULL);
    if (land_library(build, library) != 0 || land_stamp(library) < 0 || hot_init(library) != 0) {
        fprintf(stderr, "bench_reload: cannot load '%s': %s\n", library, hot_last_error());
        return 1;
    }
    for (int i = 0; i < RELOADS; i++) {
        if (land_library(build, library) != 0 || land_stamp(library) < 0) {
            fprintf(stderr, "bench_reload: cannot land '%s'\n", library);
            return 1;
        }
        long long start = land_now_ns();
        long status = hot_check();
        took[i] = land_now_ns() - start;
        if (status != 1 || bench_f0(1) != 1) {
            fprintf(stderr, "bench_reload: reload %d: status %ld: %s\n", i, status,
                    hot_last_error());
            return 1;
        }
    }
    qsort(took, RELOADS, sizeof took[0], compare);
    printf("%-44s %8.3fms %8.3fms %8.3fms\n", label, (double)took[RELOADS / 2] / 1e6,
           (double)took[RELOADS * 9 / 10] / 1e6, (double)took[RELOADS - 1] / 1e6);
    hot_cleanup();
    return 0;
}
