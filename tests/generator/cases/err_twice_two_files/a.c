#[hot]
int step(void) { return 0; }
#[hot]
int draw(void) { return 0; }
