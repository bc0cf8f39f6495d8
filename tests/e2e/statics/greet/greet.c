#include "greet.h"

static int greetings;

int greet(void)
{
    return ++greetings;
}

int greet_count(void)
{
    return greetings;
}
