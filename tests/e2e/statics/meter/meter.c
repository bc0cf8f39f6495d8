#include "meter.h"

static int meter;

void meter_bump(void)
{
    meter++;
}

int meter_get(void)
{
    return meter;
}
