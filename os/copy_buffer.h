/* os/copy_buffer.h
 * What hot__os_read_library and hot__os_write_copy (os.h) do the same way
 * on every system. */
#ifndef VAIS_HOT_COPY_BUFFER_H
#define VAIS_HOT_COPY_BUFFER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The caller's buffer, made to hold want bytes: a buffer large enough is
 * kept; a smaller one is freed first (what it held is not needed: no
 * realloc's copy), and a new one of want bytes takes its place. Returns 0,
 * or -1 when memory ran out, with no buffer left (*bytes NULL, *capacity
 * 0). */
static inline int hot__copy_buffer_hold(unsigned char **bytes, size_t *capacity, size_t want)
{
    if (want <= *capacity)
        return 0;
    free(*bytes);
    *bytes = malloc(want);
    *capacity = *bytes ? want : 0;
    return *bytes ? 0 : -1;
}

/* Where a copy to dst is made, for a message that must read the same at
 * each try: dst's directory ('/' ends it), as dir[0..size). */
static inline void hot__copy_where(const char *dst, char *dir, size_t size)
{
    const char *slash = strrchr(dst, '/');
    snprintf(dir, size, "%.*s", slash ? (int)(slash - dst) : (int)strlen(dst), dst);
}

#endif
