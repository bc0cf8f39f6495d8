#[hot]
const char *f(void) { return "never closed