#include "names.h"

#include <string.h>

int names_length(const char *name)
{
    return (int)strlen(name);
}
