/* examples/hot_reload_simple/game.c
 * The hot half: edit game_update while the program runs, rebuild
 * hot_reload_simple_hot, and the next frame runs the new code. */
#include "game.h"

#include <stdio.h>

#[hot]
long game_update(GameState *state)
{
    state->frame = state->frame + 1;
    state->x = state->x + 1;
    state->y = state->y + 2;
    printf("Frame %ld: x=%ld, y=%ld\n", state->frame, state->x, state->y);
    fflush(stdout);
    return 0;
}
