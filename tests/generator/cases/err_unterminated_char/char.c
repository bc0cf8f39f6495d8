#[hot]
char f(void) { return '\\