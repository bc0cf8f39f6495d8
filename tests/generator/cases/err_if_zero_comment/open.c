/* A comment left open is an error even in a group that #if 0 leaves out:
 * comments are read before directives. */
#if 0
/* never closed
#endif
#[hot]
int f(void) { return 0; }
