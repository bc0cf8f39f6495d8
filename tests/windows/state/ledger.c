/* A static library with state of its own, which the core links: hot code
 * calls it too, and must reach the core's copy (its one copy). */
#include "ledger.h"

static long entries;

void ledger_add(long n)
{
    entries += n;
    audit_note();
}

long ledger_entries(void)
{
    return entries;
}
