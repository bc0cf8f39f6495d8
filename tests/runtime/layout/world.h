/* tests/runtime/layout/world.h
 * The types the layout test's core and its hot builds share. The core is
 * built with none of the LAYOUT_* macros; each other build of the hot
 * library defines one, changing one thing. */
#ifndef LAYOUT_WORLD_H
#define LAYOUT_WORLD_H

#ifndef NAME_LENGTH
#define NAME_LENGTH 16
#endif

typedef struct vec2 {
    float x, y;
#ifdef LAYOUT_NESTED
    float z;
#endif
} vec2;

struct world {
    long ticks;
#ifdef LAYOUT_BEHIND_POINTER
    long extra;
#endif
};

struct cache; /* the core never sees inside: only hot code does */

typedef struct state {
#ifdef LAYOUT_REORDERED
    vec2 pos;
    int frame;
#else
    int frame;
    vec2 pos;
#endif
#if defined(LAYOUT_RETYPED)
    float hp;
#elif defined(LAYOUT_RENAMED)
    int health;
#else
    int hp;
#endif
    char name[NAME_LENGTH];
#ifdef LAYOUT_ADDED
    double speed;
#endif
    struct world *world;
    struct cache *cache;
} state_t;

/* Hot code uses it only as a local, which it passes to the core: no hot
 * function's signature reaches it. */
struct config {
    int level;
#ifdef LAYOUT_LOCAL
    int extra;
#endif
};

/* Hot code reaches it only through a global of the core. */
struct stats {
    long hits;
#ifdef LAYOUT_GLOBAL
    long misses;
#endif
};

extern struct stats core_stats;
int core_apply(const struct config *c);
#ifdef LAYOUT_PROTOTYPE
long core_scale(long x);
#else
int core_scale(int x);
#endif

int step(state_t *s);
struct cache *cache_new(void);
int cache_hit(struct cache *c);

#endif
