/* examples/hot_reload_advanced/world.h
 * A particle system: the core owns the world; physics and rendering are
 * hot. Change the constants or the bodies in physics.c and render.c while
 * it runs. */
#ifndef WORLD_H
#define WORLD_H

#include <stddef.h>

#define WORLD_PARTICLES 12
#define WORLD_WIDTH 60.0

struct particle {
    double x, y;   /* position; y is height above the floor */
    double vx, vy; /* velocity per second */
};

struct world {
    long frame;
    struct particle particles[WORLD_PARTICLES];
};

/* Advances every particle by dt seconds. */
void physics_step(struct world *w, double dt);

/* Draws the world as one line of text into out (size bytes). */
void render(const struct world *w, char *out, size_t size);

#endif
