#define _POSIX_C_SOURCE 200809L /* nanosleep, under -std=c99 too */
#include <stdio.h>
#include <time.h>
#include <vais/hot.h>
#ifdef _WIN32
#include <windows.h>
#endif

int answer(int base);

/* Used by the hot code: the core's functions and globals are its to call. */
extern int core_offset;
int core_offset = 2;

int core_double(int x)
{
    return 2 * x;
}

/* Waits ms milliseconds: nanosleep is POSIX's, Sleep Windows's. */
static void wait_ms(long ms)
{
#ifdef _WIN32
    Sleep((unsigned long)ms);
#else
    struct timespec pause = {ms / 1000, ms % 1000 * 1000000L};
    nanosleep(&pause, NULL);
#endif
}

/* With an argument WANT: prints each new answer, as the running program
 * reloads, until it is WANT (exit 0) or 60 s have passed (exit 1). WANT is
 * read with sscanf, as hot.c writes with snprintf: on Windows each half
 * then links parts of mingw's C library whose debug information sees
 * <wchar.h> otherwise, which a layouts check must leave alone. */
int main(int argc, char **argv)
{
    int value = answer(40), want = 0;
    printf("version=%ld value=%d\n", hot_version(), value);
    if (argc < 2)
        return 0;
    if (sscanf(argv[1], "%d", &want) != 1)
        return 2;
    fflush(stdout);
    for (int i = 0; i < 6000 && value != want; i++) {
        int now = answer(40);
        if (now != value)
            printf("version=%ld value=%d\n", hot_version(), now), fflush(stdout);
        value = now;
        wait_ms(10);
    }
    return value == want ? 0 : 1;
}
