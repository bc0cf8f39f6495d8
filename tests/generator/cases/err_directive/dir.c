#[hot]
#ifdef FAST
int f(void) { return 0; }
#endif
