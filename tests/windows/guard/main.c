/* The core: calls the hot risky() guarded every 5 ms and prints one line
 * per call, "version=<hot_version()> status=<the call's status>
 * result=<what risky returned>", until the file named by argv[1] exists
 * (or 120 s have passed). */
#include <stdio.h>
#include <unistd.h>
#include <vais/hot.h>
#include <windows.h>

long risky(void);

static long call_risky(void *arg)
{
    (void)arg;
    return risky();
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: guard STOP-FILE\n");
        return 2;
    }
    for (int i = 0; i < 24000 && access(argv[1], F_OK) != 0; i++) {
        long result = -1;
        long status = hot_call_guarded(call_risky, NULL, &result);
        printf("version=%ld status=%ld result=%ld\n", hot_version(), status, result);
        fflush(stdout);
        Sleep(5);
    }
    return 0;
}
