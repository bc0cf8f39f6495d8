#[hot]
int step(void) { return 0; }

#[hot]
int step(void) { return 1; }
