/* Parameter lists: unnamed parameters, (void), and (): in a definition an
 * empty list declares no parameters (C17 6.7.6.3p14; C23 makes every ()
 * mean (void)), so its signature is (void), and an edit to (void) needs no
 * restart. Elsewhere () declares no prototype and stays (). Names in
 * parentheses, register, typedef names. */
typedef struct {
    int frame;
} GameState;

#[hot]
int none(void) { return 0; }

#[hot]
int empty() { return 1; }

#[hot]
int unnamed(int, char *) { return 2; }

#[hot]
int parenthesised(int (x), char *(name)) { return x + name[0]; }

#[hot]
int with_register(register int x) { return x; }

#[hot]
int typedef_names(GameState *state, GameState copy) { return state->frame + copy.frame; }

#[hot]
int unprototyped(int (*callback)()) { return callback != 0; }
