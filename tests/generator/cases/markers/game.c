/* Both spellings of the marker, indented by spaces or tabs, with trailing
 * blanks: every marker line is blanked in the unit, line numbers kept. */
#include <stddef.h>

typedef struct { int frame; } GameState;

#[hot]
int game_update(GameState *state)
{
    state->frame++;
    return 0;
}

// #[hot]
void render(const GameState *s, char *out, size_t n) { (void)s; (void)out; (void)n; }

    #[hot]
int indented(void) { return 1; }

	//#[hot]   	
int tabbed(void) { return 2; }

//	  #[hot]
int spaced(void) { return 3; }
