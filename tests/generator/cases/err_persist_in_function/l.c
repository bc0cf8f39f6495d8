int tick(void)
{
    // #[persist]
    static int calls;
    return ++calls;
}
