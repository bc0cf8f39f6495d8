/* The hot half: its state lives in #[persist] variables, a static int and
 * a struct with an initializer, which every build shares, and in the
 * core's ledger. The test rewrites the marked line. */
#include "ledger.h"

#[persist]
static int calls;

struct tally {
    long sum;
    char name[8];
};

#[persist]
struct tally tally = {0, "tally"};

/* Names itself: in the storage every build shares, it points there. */
#[persist]
static void *self = &self;

#[hot]
long tick(int *count)
{
    *count = ++calls;
    ledger_add(1);
    if (scale_by(1) != 10 || clock_ticks(calls) != calls || audit_notes() != 1 + calls)
        return -2; /* the core's ledger noted the core's entry and each call */
    if (self != (void *)&self)
        return -4;
    tally.sum += 1; /* step */
    return tally.name[0] == 't' ? tally.sum : -1;
}

#[hot]
const void *calls_at(void)
{
    return &calls;
}
