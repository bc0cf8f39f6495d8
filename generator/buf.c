/* generator/buf.c
 * Growable byte buffers for the generator's stages (arrays grow by
 * hot__grow, grow.h, as everywhere in vais-hot).
 * Invariant: a failed growth leaves the buffer as it was; sizes never overflow. */
#include "buf.h"

#include "grow.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int buf_grow(struct buf *buf, size_t more)
{
    if (more > SIZE_MAX - buf->size - 1)
        return -1;
    return hot__grow(&buf->data, &buf->capacity, buf->size + more + 1, 1);
}

int buf_append(struct buf *buf, const void *bytes, size_t size)
{
    if (buf_grow(buf, size) != 0)
        return -1;
    if (size > 0)
        memcpy(buf->data + buf->size, bytes, size);
    buf->size += size;
    buf->data[buf->size] = '\0';
    return 0;
}

int buf_append_str(struct buf *buf, const char *text)
{
    return buf_append(buf, text, strlen(text));
}

int buf_append_size(struct buf *buf, size_t value)
{
    char digits[24];
    int length = snprintf(digits, sizeof digits, "%zu", value);
    return buf_append(buf, digits, (size_t)length);
}

void buf_free(struct buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->size = 0;
    buf->capacity = 0;
}

char *buf_vformat(const char *format, va_list args)
{
    va_list again;
    va_copy(again, args);
    int length = vsnprintf(NULL, 0, format, args);
    char *text = length < 0 ? NULL : malloc((size_t)length + 1);
    if (text)
        vsnprintf(text, (size_t)length + 1, format, again);
    va_end(again);
    return text;
}

char *buf_format(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = buf_vformat(format, args);
    va_end(args);
    return text;
}
