/* é */ int é = 1;
#[hot]
int f(void) { return 0; }
#[hot]
/* ünïcödé */ static int g(void) { return 0; }
