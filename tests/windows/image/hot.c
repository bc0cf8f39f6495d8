/* tests/windows/image/hot.c: the hot functions of the image test's DLLs;
 * BODY changes a body, as an edit does. */
#include "shared.h"

#ifndef BODY
#define BODY 1
#endif

// #[hot]
int step(struct state *s, int by)
{
    s->count += by * core_scale() * BODY;
    return s->count;
}

// #[hot]
double average(const struct state *s)
{
    return s->count ? s->total / s->count : 0.0;
}
