/* SDL's way, with SDLCALL empty (as on every target but 32-bit Windows):
 * before the name, after a '*', and inside a pointer to a function. */
#include <stddef.h>

#define DECLSPEC
#define SDLCALL

#[hot]
int SDLCALL empty_callback(void *userdata, int x)
{
    return userdata ? x : 0;
}

#[hot]
extern DECLSPEC void * SDLCALL empty_alloc(size_t size)
{
    return size ? NULL : NULL;
}

#[hot]
int empty_set(void (SDLCALL *fn)(void *), void *userdata)
{
    return fn && userdata;
}
