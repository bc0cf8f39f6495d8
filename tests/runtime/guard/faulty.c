/* The guard test's bad build: risky() faults in the way asked. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

void guard_core_fault(void);  /* the core's: faults there */
void guard_core_escape(void); /* the core's: longjmps out of the guarded call */

static volatile long never = -1;

/* Recurses until the stack overflows. */
long risky_deeper(long n)
{
    volatile char pad[512];
    pad[n % 512] = (char)n;
    return n == never ? 0 : risky_deeper(n + 1) + pad[0];
}

/* Faults in a function only the build's debug information names. */
static __attribute__((noinline)) long risky_static(const volatile int *zero)
{
    return *(volatile long *)(intptr_t)*zero; /* SIGSEGV */
}

// #[hot]
long risky(int how)
{
    volatile int zero = 0;
    volatile long dividend = 12345; /* 1 / x compiles to a compare, not a divide */
    switch (how) {
    case 0:
        return *(volatile long *)(intptr_t)zero; /* SIGSEGV */
    case 1:
        __builtin_trap(); /* SIGILL on x86-64, SIGTRAP on AArch64 and RISC-V */
    case 2:
        return dividend / zero; /* SIGFPE */
    case 3:
        abort(); /* SIGABRT */
    case 4:
#ifdef SIGBUS
        raise(SIGBUS);
#endif
        return 4;
    case 5:
        guard_core_fault(); /* SIGSEGV, in the core */
        return 5;
    case 6: { /* SIGABRT (glibc's), from inside free, which found the heap corrupt */
        void *volatile block = malloc(32);
        free(block);
        free(block);
        return 6;
    }
    case 7:
        return risky_deeper(0); /* SIGSEGV, with no stack left */
    case 8:
        guard_core_escape();
        return 8;
    case 9: /* SIGILL: an instruction the processor does not define */
#if defined(__x86_64__)
        __asm__ volatile("ud2");
#elif defined(__aarch64__)
        __asm__ volatile("udf #0");
#elif defined(__riscv)
        __asm__ volatile("unimp");
#endif
        return 9;
    case 10:
        return risky_static(&zero);
    default:
        return 2;
    }
}
