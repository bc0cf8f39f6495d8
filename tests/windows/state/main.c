/* The core: enters 1000 in the ledger, then calls the hot tick() every
 * 5 ms and prints one line per call, "version=<hot_version()> calls=<calls
 * so far> sum=<what tick returned> ledger=<its entries> at=<where the count
 * is kept>", until the file named by argv[1] exists (or 120 s have
 * passed). Manual mode: a new build loads at the hot_check before a call,
 * so the version printed is the one that ran (auto mode's watcher could
 * publish the next between the call and the line). */
#include "ledger.h"

#include <stdio.h>
#include <unistd.h>
#include <vais/hot.h>
#include <windows.h>

long tick(int *calls);
const void *calls_at(void);

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: state STOP-FILE\n");
        return 2;
    }
    ledger_add(1000);
    if (hot_init(NULL) != HOT_OK)
        return 1;
    for (int i = 0; i < 24000 && access(argv[1], F_OK) != 0; i++) {
        int calls = 0;
        hot_check();
        long sum = tick(&calls);
        printf("version=%ld calls=%d sum=%ld ledger=%ld at=%p\n", hot_version(), calls, sum,
               ledger_entries(), calls_at());
        fflush(stdout);
        Sleep(5);
    }
    return 0;
}
