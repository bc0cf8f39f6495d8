/* The core: prints "tick=<what tick returned>" every 5 ms until tick()
 * returns 100 or more (exit 0), or for 60 s (exit 1). It calls none of the
 * vais-hot API. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <stdio.h>
#include <time.h>

long tick(void);

int main(void)
{
    long value = 0;
    for (int i = 0; i < 12000 && value < 100; i++) {
        value = tick();
        printf("tick=%ld\n", value);
        fflush(stdout);
        struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
    }
    return value < 100;
}
