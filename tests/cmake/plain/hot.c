#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <vais/hot.h>

extern int core_offset;
int core_double(int x);

#[hot]
int answer(int base)
{
    char text[16]; /* the base, through snprintf and back (see main.c) */
    snprintf(text, sizeof text, "%d", base);
    base = atoi(text);
    return core_double(base / 2) + core_offset + (int)sqrt(0.25 * base * base) - base / 2;
}
