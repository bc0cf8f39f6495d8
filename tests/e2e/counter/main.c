/* The core: calls the hot step() every 5 ms and prints one line per call:
 * "<realtime ns> count=<state> mark=<what step returned> stored=<what the
 * function step stored returned>". It exits 0 when
 * the file named by argv[1] exists, or after 120 s in any case. With
 * COUNTER_HOT_START set it calls hot_start(NULL): it rebuilds itself. */
#define _POSIX_C_SOURCE 200809L
#include "counter.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <vais/hot.h>

long step(struct counter *c);

long reported; /* what hot code last reported */

void core_report(const struct report *r)
{
    reported = r->value;
}

int main(int argc, char **argv)
{
    struct counter state = {0};
    if (argc != 2) {
        fprintf(stderr, "usage: counter STOP-FILE\n");
        return 2;
    }
    if (getenv("COUNTER_HOT_START") && hot_start(NULL) != HOT_OK) {
        fprintf(stderr, "hot_start failed: %s\n", hot_last_error());
        return 1;
    }
    for (int i = 0; i < 24000 && access(argv[1], F_OK) != 0; i++) {
        long mark = step(&state);
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        printf("%lld count=%ld mark=%ld stored=%ld\n",
               (long long)now.tv_sec * 1000000000LL + now.tv_nsec, state.count, mark, state.mark());
        fflush(stdout);
        struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
    }
    return 0;
}
