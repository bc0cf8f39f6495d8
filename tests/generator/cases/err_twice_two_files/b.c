/* Both are defined again here. */
// #[hot]
int draw(void) { return 1; }
// #[hot]
int step(void) { return 1; }
