/* examples/hot_reload_simple/game.h
 * The state the core owns and the hot function that advances it: the seed's
 * GameState example, in C. */
#ifndef GAME_H
#define GAME_H

typedef struct GameState {
    long frame;
    long x;
    long y;
} GameState;

/* Advances the state by one frame and prints it; 0 to keep going. */
long game_update(GameState *state);

#endif
