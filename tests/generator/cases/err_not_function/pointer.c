/* A pointer to a function is no function: the parameter list must be the
 * first after the name. */
#[hot]
int (*handler)(int x) { return x; }
