#include <stdio.h>
#include <vais/hot.h>

int answer(int base);

int main(void)
{
    int value = answer(40);
    printf("version=%ld value=%d\n", hot_version(), value);
    return 0;
}
