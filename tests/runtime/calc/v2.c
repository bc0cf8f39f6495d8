/* Build v2: same signatures, new bodies. */
// #[hot]
int add(int a, int b)
{
    return (a + b) * 10;
}

// #[hot]
const char *name(void)
{
    return "v2";
}
