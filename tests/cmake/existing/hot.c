#include <math.h>
#include <vais/hot.h>

#include "settings.h" /* found through the target's include directories */

#[hot]
int answer(int base)
{
    /* CORE_OFFSET is the target's definition; sqrt is from libm, which the
     * target links after it was made hot. */
    return (int)sqrt((double)base * base) + SETTINGS_EXTRA + CORE_OFFSET - base / 2;
}
