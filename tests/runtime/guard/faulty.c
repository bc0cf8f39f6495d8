/* The guard test's bad build: risky() faults in the way asked. */
#include <signal.h>
#include <stdlib.h>

// #[hot]
long risky(int how)
{
    volatile int zero = 0;
    volatile long dividend = 12345; /* 1 / x compiles to a compare, not a divide */
    switch (how) {
    case 0:
        return *(volatile long *)(long)zero; /* SIGSEGV */
    case 1:
        __builtin_trap(); /* SIGILL */
    case 2:
        return dividend / zero; /* SIGFPE */
    case 3:
        abort(); /* SIGABRT */
    case 4:
        raise(SIGBUS);
        return 4;
    default:
        return 2;
    }
}
