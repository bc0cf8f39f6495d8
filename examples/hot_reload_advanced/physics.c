/* examples/hot_reload_advanced/physics.c
 * Hot: gravity, a bouncy floor, walls. Try gravity 30.0, or bounce 1.0. */
#include "world.h"

static const double gravity = 9.8;
static const double bounce = 0.8;

#[hot]
void physics_step(struct world *w, double dt)
{
    for (int i = 0; i < WORLD_PARTICLES; i++) {
        struct particle *p = &w->particles[i];
        p->vy -= gravity * dt;
        p->x += p->vx * dt;
        p->y += p->vy * dt;
        if (p->y < 0) {
            p->y = -p->y;
            p->vy = -p->vy * bounce;
        }
        if (p->x < 0 || p->x >= WORLD_WIDTH) {
            p->vx = -p->vx;
            p->x = p->x < 0 ? -p->x : 2 * WORLD_WIDTH - p->x - 1e-9;
        }
    }
    w->frame++;
}
