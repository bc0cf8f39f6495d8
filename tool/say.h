/* tool/say.h
 * How the vais-hot command speaks: each line to stderr, "vais-hot: " first,
 * written whole in one write (a build tool and the running program write
 * their own lines to the same terminal). */
#ifndef VAIS_HOT_TOOL_SAY_H
#define VAIS_HOT_TOOL_SAY_H

#include <stdarg.h>

#if defined(__GNUC__)
#define SAY_FORMAT(f, a) __attribute__((format(printf, f, a)))
#else
#define SAY_FORMAT(f, a)
#endif

/* "vais-hot: <line>". */
SAY_FORMAT(1, 2) void say(const char *format, ...);

/* "vais-hot: error: <line>". */
SAY_FORMAT(1, 2) void say_error(const char *format, ...);

/* "vais-hot: error: <line>", then the command's usage line, for the
 * commands' own usage errors (each returns its own status). */
SAY_FORMAT(2, 0) void say_usage(const char *usage, const char *format, va_list args);

#endif
