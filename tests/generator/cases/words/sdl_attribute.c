/* SDLCALL as a calling-convention attribute (SDL's is __cdecl where it
 * matters; sysv_abi is one that x86-64 compilers take without a warning). */
#include <stddef.h>

#define DECLSPEC __attribute__((visibility("default")))
#define SDLCALL __attribute__((sysv_abi))

#[hot]
int SDLCALL attribute_callback(void *userdata, int x)
{
    return userdata ? x : 0;
}

#[hot]
extern DECLSPEC void * SDLCALL attribute_alloc(size_t size)
{
    return size ? NULL : NULL;
}

#[hot]
int attribute_set(void (SDLCALL *fn)(void *), void *userdata)
{
    return fn && userdata;
}
