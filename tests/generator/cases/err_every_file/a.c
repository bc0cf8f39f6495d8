#[hot]
static int a(void) { return 0; }
