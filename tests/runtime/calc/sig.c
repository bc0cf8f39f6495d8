/* A build where add's signature changed: refused from its file, so its
 * constructor, which would change the core's state, never runs. */
extern int refused_code_ran; /* the core's */

__attribute__((constructor)) static void change_core(void)
{
    refused_code_ran = 1;
}

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
