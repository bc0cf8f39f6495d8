#[hot]
int step(void) { return 0; }
