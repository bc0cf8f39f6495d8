/* tests/bench/calls_hot.c: the hot side of the call benchmark, build v2. */
// #[hot]
int bench_add(int a, int b)
{
    return a + b;
}

// #[hot]
int bench_version(void)
{
    return 2;
}
