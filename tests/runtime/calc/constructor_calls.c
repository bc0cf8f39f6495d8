/* v1, whose constructor and destructor call the core, which calls a hot
 * function when the test asks it to: calls made while the runtime loads
 * or unloads the library, when none of it may run. */
int core_adds(void);

__attribute__((constructor)) static void call_the_core(void)
{
    core_adds();
}

__attribute__((destructor)) static void call_the_core_again(void)
{
    core_adds();
}

// #[hot]
int add(int a, int b)
{
    return a + b;
}
