#[hot]
int f(void) { return 0; }
/* forgot to close
#[hot]
int g(void) { return 0; }
