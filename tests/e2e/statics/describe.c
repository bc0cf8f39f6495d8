/* Its own member of the archive, which nothing in the core calls. */
#include "registry.h"

int registry_total_length(void)
{
    int total = 0;
    for (int i = 0; i < registry_count(); i++)
        total += names_length(registry_name(i));
    return total;
}
