/* tool/summarize.h
 * The summaries the build writes (runtime/summary.h): what debug
 * information tells the loader, read once by the build. `vais-hot stamp`
 * writes a hot library's, so that a running program reloads without
 * reading it; `vais-hot summarize` a core's, so that a program starts
 * without reading its own. */
#ifndef VAIS_HOT_SUMMARIZE_H
#define VAIS_HOT_SUMMARIZE_H

#include "buf.h"

#include <stddef.h>

/* Appends to out the summary of the whole library bytes[0..size), or
 * nothing when it gives none: no table, no debug information, or a file the
 * loader refuses anyway (which then says why). Returns 0, or -1 when memory
 * ran out. */
int summarize_library(const unsigned char *bytes, size_t size, struct buf *out);

/* Appends to out the summary file of the core (the program) bytes[0..size),
 * naming its build ID, or nothing when it has no build ID or no debug
 * information. Returns 0, or -1 when memory ran out. */
int summarize_core(const unsigned char *bytes, size_t size, struct buf *out);

#endif
