#include "tally.h"

static int bumps;

void tally_bump(void)
{
    bumps++;
}

int tally_count(void)
{
    return bumps;
}
