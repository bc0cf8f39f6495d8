/* tests/windows/os_processes/guarded.c
 * The hot code of the guard's checks (test_os_processes.c, role --guard):
 * a DLL the test loads from its private directory, where the guard
 * (runtime/guard_windows.c) takes it for a copy of a hot library. */
#undef NDEBUG
#include <windows.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *volatile nowhere = (const char *)16; /* no page is mapped there */

/* Faults in hot code itself. */
__declspec(dllexport) long guarded_faults(void *arg)
{
    (void)arg;
    return *nowhere;
}

__declspec(dllexport) long guarded_aborts(void *arg)
{
    (void)arg;
    abort();
}

__declspec(dllexport) long guarded_asserts(void *arg)
{
    assert(arg != NULL);
    return 0;
}

/* Calls arg, a function of another DLL, which calls abort(). */
__declspec(dllexport) long guarded_aborts_below(void *arg)
{
    void (*aborts)(void);
    memcpy(&aborts, &arg, sizeof aborts); /* a function pointer, passed as an object pointer */
    aborts();
    return 0;
}

/* Calls what faults and handles its fault itself: lstrlenA catches the
 * access violation of a string it cannot read, and counts it 0. */
__declspec(dllexport) long guarded_handled_below(void *arg)
{
    (void)arg;
    return 100 + lstrlenA(nowhere);
}

/* Calls what faults and does not handle it: the C library's strlen. */
__declspec(dllexport) long guarded_unhandled_below(void *arg)
{
    static size_t (*volatile length)(const char *) = strlen; /* called, not inlined */
    (void)arg;
    return (long)length(nowhere);
}
