/* The guard test's good build: risky() never faults. */
// #[hot]
long risky(int how)
{
    (void)how;
    return 1;
}
