/* os/build_round.h
 * One build of a hot program's target, as the builders that run while
 * their user edits run it: hot_start's (rebuild.c) and `vais-hot watch`.
 * The build tool starts without a shell (in a process group of its own
 * when asked); it is waited for by one of two policies and, when
 * the wait is cut short, stopped with everything it started; the units
 * saved meanwhile are marked stale (stale_units.h); and its outcome is
 * said in one line. Invariant: portable, built on the OS seam alone. */
#ifndef VAIS_HOT_BUILD_ROUND_H
#define VAIS_HOT_BUILD_ROUND_H

#include "stale_units.h"

#include <stdatomic.h>

/* How a build is waited for. */
enum hot__build_wait {
    HOT_BUILD_UNTIL_SIGNAL, /* it ends, or a stop signal is caught (hot__os_catch_signals) */
    HOT_BUILD_UNTIL_FLAG,   /* it ends, or another thread sets *stop */
};

struct hot__build {
    const char *const *argv;       /* the build tool and its arguments */
    const char *target;            /* what it builds, as the lines name it */
    int output_on_stderr;          /* the tool's stdout goes to our stderr (else stdout) */
    int own_group;                 /* in a process group of its own: a terminal's Ctrl-C
                                      reaches it only through us (who stop it whole) */
    struct hot__units *stale;      /* the units a save during the build makes stale */
    enum hot__build_wait wait;     /* and, for HOT_BUILD_UNTIL_FLAG, stop */
    const atomic_int *stop;        /* nonzero: stop the build */
    void (*say)(const char *line); /* says one line of the build's */
    const char *after_failure;     /* what follows "build of 'T' failed (exit N) after N ms; " */
    const char *after_no_start;    /* what follows why the build tool could not start */
};

/* Runs the build: says "building 'T'", then "built 'T' in N ms" or why it
 * failed. Returns the build tool's exit status, or -1 when it could not
 * start or the wait was cut short (the build is stopped then, said by
 * nothing). */
int hot__build_run(const struct hot__build *build);

#endif
