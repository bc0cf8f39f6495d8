/* The layout test's hot library. STEP, and the LAYOUT_* macros of world.h,
 * make its builds differ. */
#include "world.h"

#include <stdlib.h>

#ifndef STEP
#define STEP 1
#endif

struct cache {
    int hits;
#ifdef LAYOUT_CACHE
    long misses;
#endif
};

// #[hot]
int step(state_t *s)
{
    s->frame += STEP;
    s->world->ticks++;
    return s->frame;
}

// #[hot]
struct cache *cache_new(void)
{
    return calloc(1, sizeof(struct cache));
}

// #[hot]
int cache_hit(struct cache *c)
{
    return ++c->hits;
}
