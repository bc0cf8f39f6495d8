#include <stddef.h>
typedef struct { int frame; } GameState;

// #[hot]

/* Comments and blank lines may stand between the marker and the function. */
static_assert_helper_t

update(GameState *state, /* the world */
       double dt,        // seconds
       const char *
           label)
{
    (void)state; (void)dt; (void)label;
    return 0;
}

#[hot]
__attribute__((noinline))
void
draw(
    const GameState *state,
    int (*put)(int x, int y,
               unsigned colour),
    int width[restrict static 1]
) __attribute__((hot))
{
    (void)state; (void)put; (void)width;
}
