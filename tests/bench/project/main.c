/* tests/bench/project/main.c
 * The benchmark's core: calls the hot probe() every millisecond and prints
 * "<realtime ns> value=<v>" whenever the value it returns changes, so the
 * first call of new code is on record. Exits when the file argv[1] exists.
 * With BENCH_HOT_START set it calls hot_start(NULL): it rebuilds itself. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <vais/hot.h>

long probe(void);

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench STOP-FILE\n");
        return 2;
    }
    if (getenv("BENCH_HOT_START") && hot_start(NULL) != HOT_OK) {
        fprintf(stderr, "hot_start failed: %s\n", hot_last_error());
        return 1;
    }
    long last = -1;
    for (long i = 0; i < 600000 && (i % 16 != 0 || access(argv[1], F_OK) != 0); i++) {
        long value = probe();
        if (value != last) {
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            printf("%lld value=%ld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec, value);
            fflush(stdout);
            last = value;
        }
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    return 0;
}
