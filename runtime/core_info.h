/* runtime/core_info.h
 * What the core's own debug information says: its named types and its
 * functions, which every build is checked against (core_info.c). */
#ifndef VAIS_HOT_CORE_INFO_H
#define VAIS_HOT_CORE_INFO_H

#include "functions.h"
#include "layout.h"

struct hot__core_info {
    struct hot__layouts *layouts;    /* NULL when they could not be read */
    struct hot__functions functions; /* empty then too */
    char why[640];                   /* what could not be read, to say once; "" if all was */
    int no_memory; /* memory ran out: nothing is read, and the next call reads again */
};

/* Starts reading it in the background, once; program names the core in
 * messages. Called as the program registers, before main. */
void hot__core_info_start(const char *program);

/* It, read whole: waits for the background read, or reads it now when
 * none ran, or when the last read ran out of memory. The caller holds the
 * loader's lock (asserted). */
const struct hot__core_info *hot__core_info(const char *program);

/* In a forked child: forgets a read the fork cut short. */
void hot__core_info_after_fork(void);

#endif
