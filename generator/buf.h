/* generator/buf.h
 * Growable byte buffers for the generator's stages (its arrays grow by
 * hot__grow, grow.h, as everywhere in vais-hot).
 * Invariant: a failed growth leaves the buffer as it was and says so; sizes
 * never overflow, and data stays NUL-terminated for convenience (not counted). */
#ifndef VAIS_HOT_GEN_BUF_H
#define VAIS_HOT_GEN_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* Bytes owned by the buffer; zero-initialise, release with buf_free. */
struct buf {
    char *data;      /* NULL until the first append; then NUL-terminated */
    size_t size;     /* bytes in use, without the terminator */
    size_t capacity; /* bytes allocated */
};

/* Makes room for more bytes after those in use (and the terminator), so that
 * appending them moves nothing. Returns 0, or -1 when out of memory or the
 * size would overflow (the buffer is unchanged). */
int buf_grow(struct buf *buf, size_t more);

/* Appends size bytes (which may contain NUL). Returns 0, or -1 when out of
 * memory (the buffer is unchanged). */
int buf_append(struct buf *buf, const void *bytes, size_t size);

/* Appends a NUL-terminated string; as buf_append. */
int buf_append_str(struct buf *buf, const char *text);

/* Appends the decimal digits of value; as buf_append. */
int buf_append_size(struct buf *buf, size_t value);

/* Releases the bytes; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *buf);

/* Formats like sprintf into a new allocation the caller frees. Returns NULL
 * when out of memory. */
char *buf_format(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* As buf_format, with the arguments in a va_list (which it consumes). */
char *buf_vformat(const char *format, va_list args)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 0)))
#endif
    ;

#endif
