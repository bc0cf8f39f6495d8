/* examples/hot_reload_simple/main.c
 * The core: owns the state and runs 1000 frames at 60 Hz. It calls no hot_*
 * function; the runtime loads and reloads game_update by itself. */
#define _POSIX_C_SOURCE 200809L
#include "game.h"

#include <time.h>

int main(void)
{
    GameState state = {0, 0, 0};
    while (state.frame < 1000) {
        game_update(&state);
        struct timespec frame = {0, 16666000};
        nanosleep(&frame, NULL);
    }
    return 0;
}
