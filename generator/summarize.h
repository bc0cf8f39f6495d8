/* generator/summarize.h
 * The summary `vais-hot stamp` writes beside a hot library
 * (runtime/summary.h): what its debug information tells the loader, read
 * once by the build, so that a running program reloads without reading it. */
#ifndef VAIS_HOT_SUMMARIZE_H
#define VAIS_HOT_SUMMARIZE_H

#include "buf.h"

#include <stddef.h>

/* Appends to out the summary of the whole library bytes[0..size), or
 * nothing when it gives none: no table, no debug information, or a file the
 * loader refuses anyway (which then says why). Returns 0, or -1 when memory
 * ran out. */
int summarize_library(const unsigned char *bytes, size_t size, struct buf *out);

#endif
