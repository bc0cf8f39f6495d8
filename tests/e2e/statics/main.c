/* The core: fills each library's state, then calls the hot report() every
 * 5 ms and prints one line per call: "<realtime ns> core=<state it made>
 * mark=<what report returned> hot=<state report saw>". It exits 0 when the
 * file named by argv[1] exists, or after 120 s in any case. */
#define _POSIX_C_SOURCE 200809L
#include "greet.h"
#include "knob.h"
#include "meter.h"
#include "registry.h"
#include "tally.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

long report(char *out, size_t size);

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: app STOP-FILE\n");
        return 2;
    }
    registry_add("alpha");
    registry_add("beta");
    registry_add("gamma");
    for (int i = 0; i < 5; i++)
        tally_bump();
    for (int i = 0; i < 4; i++)
        meter_bump();
    dial_set(7);
    gauge_set(11);
    knob_set(13);
    greet();
    greet();
    for (int i = 0; i < 24000 && access(argv[1], F_OK) != 0; i++) {
        char hot[256];
        long mark = report(hot, sizeof hot);
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        printf("%lld core=registry:%d,tally:%d,meter:%d,dial:%d,gauge:%d,knob:%d,greet:%d mark=%ld "
               "hot=%s\n",
               (long long)now.tv_sec * 1000000000LL + now.tv_nsec, registry_count(), tally_count(),
               meter_get(), dial_get(), gauge_get(), knob_get(), greet_count(), mark, hot);
        fflush(stdout);
        struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
    }
    return 0;
}
