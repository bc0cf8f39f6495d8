/* runtime/redirect.h
 * Function pointers taken before a reload follow it. Each function of each
 * kept version that the published version also defines, under the same key
 * (functions.h) and with the same type, has its entry redirected, through a
 * trampoline its identity owns, to the published version's code. A function
 * the published version lacks or retyped keeps the code it had last, and an
 * event line says so. A thread already inside an old function finishes that
 * call in the old code; its next call, through any pointer, runs the new.
 * Invariant: an identity's slot holds the code of the one version whose
 * entry for it is not redirected, so no jump ever loops. Callers hold the
 * loader's lock (asserted). */
#ifndef VAIS_HOT_REDIRECT_H
#define VAIS_HOT_REDIRECT_H

#include "functions.h"

#include <stdint.h>

struct hot__code; /* one version's functions, as mapped */

/* A record of the functions of a version loaded with load bias bias; takes
 * functions over (leaving it empty). Returns NULL when memory ran out. */
struct hot__code *hot__code_new(struct hot__functions *functions, uintptr_t bias);

/* Makes next, numbered next_number, the code every identity it defines
 * runs. was, numbered was_number, is the version published until now, or
 * NULL (the first load, a rollback): each of its functions that next lacks
 * or retyped gets an event line. */
void hot__code_publish(struct hot__code *next, long next_number, const struct hot__code *was,
                       long was_number);

/* Forgets code before its version is unmapped. */
void hot__code_free(struct hot__code *code);

/* The function of code whose entry, as mapped, is the nearest at or below
 * pc: the one pc is in, when pc is in code's library; NULL if none is. */
const struct hot__function *hot__code_function_at(const struct hot__code *code, const void *pc);

/* Forgets every identity and trampoline; no version may be mapped. */
void hot__redirect_reset(void);

#endif
