/* Build v1 of the runtime test's hot library: the one the core is built with. */
// #[hot]
int add(int a, int b)
{
    return a + b;
}

// #[hot]
const char *name(void)
{
    return "v1";
}
