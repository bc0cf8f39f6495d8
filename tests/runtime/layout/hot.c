/* The layout test's hot library. STEP, and the LAYOUT_* macros of world.h,
 * make its builds differ. */
#include "hot_types.h"
#include "layout/world.h"

#include <stdlib.h>

#ifndef STEP
#define STEP 1
#endif

struct cache {
    int hits;
#ifdef LAYOUT_CACHE
    long long misses;
#endif
};

// #[hot]
int step(state_t *s)
{
    struct config config = {STEP};
    struct workspace workspace = {1.0, 2.0};
    struct body body = {STEP};
    s->frame += core_apply(&config) + (int)(workspace.a - 1.0) + (int)body.mass - STEP;
    s->world->ticks++;
    core_stats.hits += core_scale(1);
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

// #[hot]
int list_empty(struct list *l)
{
    return !l->first;
}
