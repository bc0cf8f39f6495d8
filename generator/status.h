/* generator/status.h
 * The outcomes every stage of vais-hot returns, and the exit status each one
 * becomes. Invariant: one table, so names, exit codes and texts cannot drift;
 * 0 is success, 1 bad input in a hot source, 2 usage, I/O or our own bug. */
#ifndef VAIS_HOT_GEN_STATUS_H
#define VAIS_HOT_GEN_STATUS_H

#define GEN_STATUSES(X)                                                                            \
    X(GEN_OK, 0, "ok")                                                                             \
    X(GEN_BAD_INPUT, 1, "bad input in a hot source")                                               \
    X(GEN_USAGE, 2, "bad command line")                                                            \
    X(GEN_IO, 2, "cannot read or write a file")                                                    \
    X(GEN_NO_MEMORY, 2, "out of memory")                                                           \
    X(GEN_BAD_TEMPLATE, 2, "bad template (a bug in vais-hot)")

enum gen_status {
#define GEN_STATUS_ENUM(name, exit_code, text) name,
    GEN_STATUSES(GEN_STATUS_ENUM)
#undef GEN_STATUS_ENUM
};

/* The process exit status for a final outcome. */
static inline int gen_status_exit(enum gen_status status)
{
    switch (status) {
#define GEN_STATUS_EXIT(name, exit_code, text)                                                     \
    case name:                                                                                     \
        return exit_code;
        GEN_STATUSES(GEN_STATUS_EXIT)
#undef GEN_STATUS_EXIT
    }
    return 2;
}

/* A lowercase description of an outcome, for messages. */
static inline const char *gen_status_text(enum gen_status status)
{
    switch (status) {
#define GEN_STATUS_TEXT(name, exit_code, text)                                                     \
    case name:                                                                                     \
        return text;
        GEN_STATUSES(GEN_STATUS_TEXT)
#undef GEN_STATUS_TEXT
    }
    return "unknown status";
}

#endif
