/* std/hot_off.c
 * The hot_* API of <vais/hot.h> in HOT OFF builds: one plain program, so
 * there is nothing to load. Every call succeeds and changes nothing;
 * hot_version() is 0 and hot_loop still runs the loop. */
#include <vais/hot.h>

long hot_init(const char *path)
{
    (void)path;
    return HOT_OK;
}

long hot_check(void)
{
    return 0;
}

long hot_reload(void)
{
    return 0;
}

long hot_version(void)
{
    return 0;
}

long hot_on_reload(void (*cb)(long version))
{
    (void)cb;
    return HOT_OK;
}

long hot_before_reload(void (*cb)(long version))
{
    (void)cb;
    return HOT_OK;
}

long hot_keep(long versions)
{
    return versions < 0 ? HOT_E_ARGUMENT : HOT_OK;
}

long hot_safe_point(void)
{
    return 0;
}

long hot_cleanup(void)
{
    return HOT_OK;
}

long hot_start(const char *source_path)
{
    (void)source_path;
    return HOT_OK;
}

long hot_loop(long (*update)(void))
{
    if (!update)
        return HOT_E_ARGUMENT;
    long result;
    while ((result = update()) == 0) {
    }
    return result;
}

long hot_guard(long on)
{
    (void)on;
    return HOT_OK;
}

long hot_call_guarded(long (*fn)(void *arg), void *arg, long *result)
{
    if (!fn)
        return HOT_E_ARGUMENT;
    long value = fn(arg);
    if (result)
        *result = value;
    return HOT_OK;
}

const char *hot_last_error(void)
{
    return "";
}

void hot_log_to(FILE *stream)
{
    (void)stream;
}
