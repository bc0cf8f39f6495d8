/* runtime/patch.h
 * The machine code of redirection, per target (patch_<arch>.c): how an
 * entry compiled with patchable padding is sent elsewhere and back, and the
 * trampoline each function's identity owns. Invariant: a redirected entry
 * changes by one atomic store of HOT_PATCH_ENTRY_BYTES, and a thread that
 * was between the entry's original instructions when it changed still runs
 * correct code (the old function's). */
#ifndef VAIS_HOT_PATCH_H
#define VAIS_HOT_PATCH_H

#include <stddef.h>
#include <stdint.h>

#define HOT_PATCH_BEFORE 14     /* padding bytes before an entry */
#define HOT_PATCH_ENTRY_BYTES 2 /* bytes at the entry that a redirection swaps */
#define HOT_PATCH_TRAMPOLINE 8  /* bytes of one trampoline */

/* 1 if the code at entry has the untouched padding the compiler leaves with
 * the flags VaisHot.cmake gives hot libraries, and its entry bytes can be
 * stored in one atomic write. */
int hot__patch_pristine(const unsigned char *entry);

/* Writes into entry's padding a jump to target (which never changes
 * afterwards); the entry itself still runs its own code. */
void hot__patch_prepare(unsigned char *entry, const void *target);

/* Points entry at its prepared jump (redirect 1) or back at its own code
 * (0, original holding the entry bytes hot__patch_pristine saw). One atomic
 * store. */
void hot__patch_entry(unsigned char *entry, int redirect, const unsigned char *original);

/* Writes at code a trampoline that jumps to whatever *slot holds. */
void hot__patch_trampoline(unsigned char *code, void *const *slot);

#endif
