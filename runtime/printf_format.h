/* runtime/printf_format.h
 * HOT_PRINTF_FORMAT(f, a): marks a function whose argument f is a printf
 * format and whose arguments from a on are its values, so that the
 * compiler checks each call. mingw-w64 names the format of the printf our
 * code is built with (C99's, __USE_MINGW_ANSI_STDIO, which knows %zu),
 * where "printf" would mean Microsoft's. */
#ifndef VAIS_HOT_PRINTF_FORMAT_H
#define VAIS_HOT_PRINTF_FORMAT_H

#include <stdio.h> /* where mingw-w64 defines __MINGW_PRINTF_FORMAT */

#ifdef __MINGW_PRINTF_FORMAT
#define HOT_PRINTF_FORMAT(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#else
#define HOT_PRINTF_FORMAT(f, a) __attribute__((format(printf, f, a)))
#endif

#endif
