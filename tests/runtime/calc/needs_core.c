/* A build that calls a function the core does not have: refused before it
 * is mapped, naming the symbol. */
int not_in_core(int x);

// #[hot]
int add(int a, int b)
{
    return not_in_core(a) + b;
}

// #[hot]
const char *name(void)
{
    return "needs_core";
}
