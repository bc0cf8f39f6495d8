/* Macros where real headers put them: attribute macros after a name or a
 * parameter list (`int x UNUSED`, GLib's G_GNUC_UNUSED, a NOEXCEPT empty in C),
 * several macros before a keyword (SDL3's `SDL_DECLSPEC SDL_MALLOC void *`),
 * and a macro call that names a type (OpenSSL's `STACK_OF(X509) *`). */
#include <stddef.h>

#define UNUSED __attribute__((unused))
#define NOEXCEPT
#define SDL_DECLSPEC __attribute__((visibility("default")))
#define SDL_MALLOC __attribute__((malloc))
#define SDLCALL
#define LIST(type) struct list_of_##type
#define STACK_OF(type) struct stack_of_##type

LIST(int) { int item; };

#[hot]
int trailing_unused(int x UNUSED, int y, int (*callback)(void) UNUSED)
{
    return y;
}

#[hot]
int trailing_noexcept(void) NOEXCEPT
{
    return 1;
}

#[hot]
SDL_DECLSPEC SDL_MALLOC void *SDLCALL trailing_malloc(size_t size)
{
    return size ? NULL : NULL;
}

#[hot]
STACK_OF(cert) *trailing_stack(LIST(int) list, int z)
{
    return list.item + z ? NULL : NULL;
}
