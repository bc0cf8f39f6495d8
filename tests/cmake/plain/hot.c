#include <math.h>
#include <vais/hot.h>

extern int core_offset;
int core_double(int x);

#[hot]
int answer(int base)
{
    return core_double(base / 2) + core_offset + (int)sqrt(0.25 * base * base) - base / 2;
}
