/* v1, whose constructor raises SIGUSR1 while the runtime loads it: the
 * program's handler calls a hot function before the first load is done. */
#include <signal.h>

__attribute__((constructor)) static void raise_usr1(void)
{
    raise(SIGUSR1);
}

// #[hot]
int add(int a, int b)
{
    return a + b;
}
