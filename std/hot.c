/* std/hot.c
 * The hot_* API of <vais/hot.h> in HOT ON builds: each call is the runtime's
 * (runtime/runtime.h), plus hot_loop, which is only a loop around them. */
#include <vais/hot.h>

#include "runtime.h"

/* Is this thread inside a load or a publish of the runtime's: in a hot
 * library's constructor, or in hot_before_reload's callback? A call that
 * loads, unloads or waits for the loader would wait there for itself, and
 * returns HOT_E_REENTERED instead; those that read or set a value work. */
static int inside_the_loader(void)
{
    return hot__loader_locked();
}

long hot_init(const char *path)
{
    return inside_the_loader() ? HOT_E_REENTERED : hot__init(path);
}

long hot_check(void)
{
    return inside_the_loader() ? HOT_E_REENTERED : hot__check();
}

long hot_reload(void)
{
    return inside_the_loader() ? HOT_E_REENTERED : hot__reload();
}

long hot_version(void)
{
    return hot__version();
}

long hot_on_reload(void (*cb)(long version))
{
    hot__on_reload(cb);
    return HOT_OK;
}

long hot_before_reload(void (*cb)(long version))
{
    hot__before_reload(cb);
    return HOT_OK;
}

long hot_keep(long versions)
{
    if (versions < 0)
        return HOT_E_ARGUMENT;
    hot__keep(versions);
    return HOT_OK;
}

long hot_safe_point(void)
{
    return inside_the_loader() ? HOT_E_REENTERED : hot__safe_point();
}

long hot_cleanup(void)
{
    if (inside_the_loader())
        return HOT_E_REENTERED;
    /* The builder first (rebuild.c): it starts the loader's auto mode,
     * which the loader's cleanup then ends. */
    hot__stop_builder();
    return hot__cleanup();
}

long hot_start(const char *source_path)
{
    return inside_the_loader() ? HOT_E_REENTERED : hot__start(source_path);
}

/* hot_loop's guarded call of update, which arrives in a struct: ISO C
 * cannot pass a function pointer as void *. */
struct loop_step {
    long (*update)(void);
};

static long call_step(void *step)
{
    return ((struct loop_step *)step)->update();
}

long hot_loop(long (*update)(void))
{
    if (!update)
        return HOT_E_ARGUMENT;
    if (inside_the_loader())
        return HOT_E_REENTERED;
    struct loop_step step = {update};
    for (;;) {
        hot__check();
        long result = 0;
        if (!hot__loop_guarded())
            result = update();
        else if (hot__guarded_call(call_step, &step, &result) != HOT_OK)
            continue; /* crashed and rolled back: on to the next iteration */
        if (result != 0)
            return result;
    }
}

long hot_guard(long on)
{
    hot__guard_loop(on != 0);
    return HOT_OK;
}

long hot_call_guarded(long (*fn)(void *arg), void *arg, long *result)
{
    return hot__guarded_call(fn, arg, result);
}

const char *hot_last_error(void)
{
    return hot__last_error();
}

void hot_log_to(FILE *stream)
{
    hot__set_log(stream);
}
