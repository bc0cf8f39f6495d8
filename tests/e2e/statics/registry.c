#include "registry.h"

static const char *names[NAMES_MAX];
static int count;

void registry_add(const char *name)
{
    if (count < NAMES_MAX)
        names[count++] = name;
}

int registry_count(void)
{
    return count;
}

const char *registry_name(int index)
{
    return index >= 0 && index < count ? names[index] : "";
}
