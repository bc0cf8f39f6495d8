/* runtime/grow.h
 * The one way vais-hot grows an array: the runtime's readers and loader,
 * the generator and the tool. */
#ifndef VAIS_HOT_GROW_H
#define VAIS_HOT_GROW_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for need items of item bytes in the array that array_pointer
 * (a T **) points to, of *capacity items, doubling it. Returns 0, or -1
 * with the array unchanged when memory ran out. */
static inline int hot__grow(void *array_pointer, size_t *capacity, size_t need, size_t item)
{
    if (need <= *capacity)
        return 0;
    size_t next = *capacity ? *capacity : 16;
    while (next < need && next <= SIZE_MAX / 2)
        next *= 2;
    if (next < need || next > SIZE_MAX / item)
        return -1;
    void *array;
    memcpy(&array, array_pointer, sizeof array);
    void *bigger = realloc(array, next * item);
    if (!bigger)
        return -1;
    memcpy(array_pointer, &bigger, sizeof bigger);
    *capacity = next;
    return 0;
}

#endif
