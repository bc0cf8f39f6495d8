#include <stdio.h>
#include <vais/hot.h>

int answer(int base);

/* Used by the hot code: the core's functions and globals are its to call. */
int core_offset = 2;

int core_double(int x)
{
    return 2 * x;
}

int main(void)
{
    int value = answer(40);
    printf("version=%ld value=%d\n", hot_version(), value);
    return 0;
}
