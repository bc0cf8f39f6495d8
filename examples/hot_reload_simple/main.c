/* examples/hot_reload_simple/main.c
 * The core: owns the state and runs 1000 frames at about 60 Hz. It calls no hot_*
 * function; the runtime loads and reloads game_update by itself. */
#define _POSIX_C_SOURCE 200809L
#include "game.h"

#include <time.h>
#ifdef _WIN32
#include <windows.h>
#endif

/* Waits ms milliseconds: nanosleep is POSIX's, Sleep Windows's. */
static void wait_ms(long ms)
{
#ifdef _WIN32
    Sleep((unsigned long)ms);
#else
    struct timespec pause = {ms / 1000, ms % 1000 * 1000000L};
    nanosleep(&pause, NULL);
#endif
}

int main(void)
{
    GameState state = {0, 0, 0};
    while (state.frame < 1000) {
        game_update(&state);
        wait_ms(16);
    }
    return 0;
}
