/* include/vais/hot_status.h
 * Every status the hot_* API returns, from one X-macro table so that names,
 * numbers and texts cannot drift. Invariant: HOT_OK is 0 and every error is
 * negative; numbers never change meaning once released. */
#ifndef VAIS_HOT_STATUS_H
#define VAIS_HOT_STATUS_H

/* X(name, number, text) */
#define HOT_STATUS_LIST(X)                                                                         \
    X(HOT_OK, 0, "ok")                                                                             \
    X(HOT_E_NO_PROGRAM, -1, "this program has no hot functions")                                   \
    X(HOT_E_IO, -2, "cannot read or copy the hot library")                                         \
    X(HOT_E_LOAD, -3, "the dynamic loader refused the hot library")                                \
    X(HOT_E_NOT_HOT, -4, "not a vais-hot library")                                                 \
    X(HOT_E_FORMAT, -5, "unknown table format")                                                    \
    X(HOT_E_PROGRAM, -6, "the hot library of another program")                                     \
    X(HOT_E_MISSING, -7, "a hot function is missing")                                              \
    X(HOT_E_SIGNATURE, -8, "a hot function changed signature")                                     \
    X(HOT_E_WATCH, -9, "cannot watch for new builds")                                              \
    X(HOT_E_ARGUMENT, -10, "bad argument")                                                         \
    X(HOT_E_BAD_FILE, -11, "not a library this program can load")                                  \
    X(HOT_E_UNSAFE, -12, "a library or stamp other users can write")                               \
    X(HOT_E_CRASHED, -13, "hot code crashed; the call was abandoned")                              \
    X(HOT_E_NO_ROLLBACK, -14, "hot code crashed and no earlier version is kept")                   \
    X(HOT_E_LAYOUT, -15, "a type hot code shares with the program changed layout")                 \
    X(HOT_E_PROTOTYPE, -16, "hot code calls a core function by another prototype")                 \
    X(HOT_E_CORE_SYMBOL, -17, "hot code uses a symbol the program does not define")                \
    X(HOT_E_NO_MEMORY, -18, "out of memory")                                                       \
    X(HOT_E_REENTERED, -19, "called inside a load, which it would wait for")

enum hot_status {
#define HOT_STATUS_ENUM(name, number, text) name = number,
    HOT_STATUS_LIST(HOT_STATUS_ENUM)
#undef HOT_STATUS_ENUM
};

/* The fixed text of a status; positive values (1: reloaded) are "ok". */
static inline const char *hot_status_text(long status)
{
    switch (status) {
#define HOT_STATUS_CASE(name, number, text)                                                        \
    case number:                                                                                   \
        return text;
        HOT_STATUS_LIST(HOT_STATUS_CASE)
#undef HOT_STATUS_CASE
    }
    return status > 0 ? "ok" : "unknown status";
}

#endif
