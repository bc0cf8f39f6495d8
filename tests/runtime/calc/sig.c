/* A build where add's signature changed: refused. */
// #[hot]
long add(long a, long b)
{
    return a - b;
}

// #[hot]
const char *name(void)
{
    return "sig";
}
