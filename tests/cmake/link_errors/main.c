/* The core: calls the hot function, which calls core_secret; with
 * CASE_UNMARKED, also two functions that util.c, a hot source, defines
 * without a marker. link_errors.sh hides core_secret by editing this file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int answer(int base);
#if defined(CASE_UNMARKED)
int util_scale(int x);
int util_clamp(int x);
#endif

int core_secret(int x) /* visibility */
{
    return x + 1;
}

/* Defined in util.c too: the core's own, which the link finds first. */
int shared_name(void)
{
    return 1;
}

int main(void)
{
    free(strndup("the C library's", 3)); /* not util.c's shim */
    int value = answer(40) + shared_name();
#if defined(CASE_UNMARKED)
    value += util_scale(2) + util_clamp(3) + util_scale(4);
#endif
    printf("value=%d\n", value);
    return 0;
}
