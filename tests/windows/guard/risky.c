/* The hot half: guard.sh rewrites the marked line with each fault. */
#include <stdlib.h>

static volatile int zero = 0;

#[hot]
long risky(void)
{
    return 1; /* fault */
}
