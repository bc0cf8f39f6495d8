/* v1, whose constructor calls the core, which calls a hot function: a
 * call made while the runtime loads the library, before any of it runs. */
int core_adds(void);

__attribute__((constructor)) static void call_the_core(void)
{
    core_adds();
}

// #[hot]
int add(int a, int b)
{
    return a + b;
}
