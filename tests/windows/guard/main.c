/* The core: calls the hot risky() guarded every 5 ms and prints one line
 * per call, "version=<hot_version()> status=<the call's status>
 * result=<what risky returned>", until the file named by argv[1] exists
 * (or 120 s have passed). Once the file named by argv[2] exists, it calls
 * risky() unguarded, and the line ends with " unguarded". */
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
    if (argc != 3) {
        fprintf(stderr, "usage: guard STOP-FILE UNGUARDED-FILE\n");
        return 2;
    }
    for (int i = 0; i < 24000 && access(argv[1], F_OK) != 0; i++) {
        long result = -1, status = 0;
        int unguarded = access(argv[2], F_OK) == 0;
        if (unguarded)
            result = risky();
        else
            status = hot_call_guarded(call_risky, NULL, &result);
        printf("version=%ld status=%ld result=%ld%s\n", hot_version(), status, result,
               unguarded ? " unguarded" : "");
        fflush(stdout);
        Sleep(5);
    }
    return 0;
}
