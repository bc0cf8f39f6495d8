/* tests/windows/image/core.c: the program the DLLs of the image test
 * import from (by an import library made from this object, before it is
 * linked, as a hot build does). */
#include "shared.h"

int core_value(void)
{
    return 7;
}

int core_scale(void)
{
    return 2;
}

int main(void)
{
    return core_value() - 7;
}
