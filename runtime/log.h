/* runtime/log.h
 * The runtime's event lines: each is one line starting "vais-hot: ",
 * written whole with one call so lines from threads never interleave. */
#ifndef VAIS_HOT_LOG_H
#define VAIS_HOT_LOG_H

#include "printf_format.h"

/* Writes "vais-hot: <formatted text>\n" to the current sink, if any. */
void hot__say(const char *format, ...) HOT_PRINTF_FORMAT(1, 2);

#endif
