/* os/windows_text.h
 * The text the OS seam's Windows files (os_windows.c,
 * private_dir_windows.c, os_process_windows.c) pass to the system and back:
 * UTF-8 to UTF-16 and back, and the system's text for an error code.
 * Private to os/. Invariant: each writes a NUL-ended string that fits the
 * buffer it is given, or fails saying so; only win_widen_new allocates. */
#ifndef VAIS_HOT_WINDOWS_TEXT_H
#define VAIS_HOT_WINDOWS_TEXT_H

#include <windows.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* text (UTF-8) in UTF-16 in out[0..units). 0, or -1 (not UTF-8, or too
 * long: out is then "") with the last error set. */
static inline int win_widen(const char *text, wchar_t *out, size_t units)
{
    if (units == 0) /* MultiByteToWideChar would only count */
        return -1;
    int room = units < INT_MAX ? (int)units : INT_MAX;
    if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, out, room) > 0)
        return 0;
    out[0] = L'\0';
    return -1;
}

/* text in UTF-16, newly allocated (the caller frees it), or NULL if it is
 * not UTF-8 or memory ran out. */
static inline wchar_t *win_widen_new(const char *text)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, NULL, 0);
    wchar_t *wide = n > 0 ? malloc((size_t)n * sizeof *wide) : NULL;
    if (wide && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, wide, n) != n) {
        free(wide);
        wide = NULL;
    }
    return wide;
}

/* wide[0..units) (units -1: up to its NUL) in UTF-8 in out[0..size), with
 * a NUL after it. 0, or -1 if it does not fit (out is then ""). */
static inline int win_narrow(const wchar_t *wide, int units, char *out, size_t size)
{
    if (size == 0) /* WideCharToMultiByte would only count */
        return -1;
    int room = size < INT_MAX ? (int)size : INT_MAX;
    int n = WideCharToMultiByte(CP_UTF8, 0, wide, units, out, room, NULL, NULL);
    if (n <= 0 || (units >= 0 && n >= room)) {
        out[0] = '\0'; /* a conversion that failed may have left part of it, unended */
        return -1;
    }
    if (units >= 0)
        out[n] = '\0';
    return 0;
}

/* The system's text for error code in UTF-8 in out[0..size), without its
 * final period and line end ("error <code>" where it has none). Returns
 * out. */
static inline const char *win_error_text(DWORD code, char *out, size_t size)
{
    wchar_t text[512];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
                             0, text, sizeof text / sizeof *text, NULL);
    while (n > 0 && (text[n - 1] == L'\r' || text[n - 1] == L'\n' || text[n - 1] == L' ' ||
                     text[n - 1] == L'.'))
        n--;
    if (n == 0 || win_narrow(text, (int)n, out, size) != 0)
        snprintf(out, size, "error %lu", (unsigned long)code);
    return out;
}

#endif
