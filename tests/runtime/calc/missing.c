/* A build where name is no longer hot: refused, the core still calls it. */
// #[hot]
int add(int a, int b)
{
    return a * b;
}

const char *name(void)
{
    return "missing";
}
