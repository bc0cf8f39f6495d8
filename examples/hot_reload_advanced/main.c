/* examples/hot_reload_advanced/main.c
 * The core, in manual mode: it calls hot_init, says when a reload happened
 * through hot_on_reload, and lets hot_loop check for new builds between
 * frames. Runs 30 frames a second for 20 seconds. */
#define _POSIX_C_SOURCE 200809L
#include "world.h"

#include <stdio.h>
#include <time.h>
#include <vais/hot.h>

static struct world world;

static void reloaded(long version)
{
    printf("-- now running v%ld of the hot code\n", version);
}

static long tick(void)
{
    char line[128];
    physics_step(&world, 1.0 / 30.0);
    render(&world, line, sizeof line);
    printf("%s\n", line);
    fflush(stdout);
    struct timespec frame = {0, 33333333};
    nanosleep(&frame, NULL);
    return world.frame >= 600;
}

int main(void)
{
    for (int i = 0; i < WORLD_PARTICLES; i++)
        world.particles[i] = (struct particle){5.0 * i, 4.0 + i, 3.0 + i % 4, 0.0};
    if (hot_init(NULL) < 0)
        fprintf(stderr, "no hot reloading: %s\n", hot_last_error());
    hot_on_reload(reloaded);
    hot_loop(tick);
    return 0;
}
