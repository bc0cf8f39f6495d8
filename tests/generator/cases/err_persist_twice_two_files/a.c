#[persist]
int level;
#[hot]
int step(void) { return level; }
