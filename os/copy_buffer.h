/* os/copy_buffer.h
 * The caller's buffer of hot__os_copy_file (os.h), made to hold want bytes
 * the same way on every system: a buffer large enough is kept; a smaller
 * one is freed first (what it held is not needed: no realloc's copy), and
 * a new one of want bytes takes its place. Returns 0, or -1 when memory
 * ran out, with no buffer left (*bytes NULL, *capacity 0). */
#ifndef VAIS_HOT_COPY_BUFFER_H
#define VAIS_HOT_COPY_BUFFER_H

#include <stdlib.h>

static inline int hot__copy_buffer_hold(unsigned char **bytes, size_t *capacity, size_t want)
{
    if (want <= *capacity)
        return 0;
    free(*bytes);
    *bytes = malloc(want);
    *capacity = *bytes ? want : 0;
    return *bytes ? 0 : -1;
}

#endif
