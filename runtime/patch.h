/* runtime/patch.h
 * The machine code vais-hot writes and reads, per processor (patch_<processor>.c):
 * how an entry compiled with patchable padding is sent elsewhere and back,
 * the trampoline each function's identity owns, and what a return address
 * follows (for the crash guard's scan of a stack). Each function leaves the code
 * it wrote ready to run (the instruction cache made coherent where the
 * processor needs it). Invariant: a redirected entry
 * changes by one atomic store of HOT_PATCH_SITE_BYTES at its site, and a
 * thread that was between the site's original instructions when it
 * changed still runs correct code (the old function's). */
#ifndef VAIS_HOT_PATCH_H
#define VAIS_HOT_PATCH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#define HOT_PATCH_BEFORE 16     /* padding bytes before an entry */
#define HOT_PATCH_AFTER 6       /* bytes from the entry to the end of its site, at most */
#define HOT_PATCH_SITE_BYTES 2  /* bytes at the site that a redirection swaps */
#define HOT_PATCH_TRAMPOLINE 16 /* bytes of one trampoline */
#elif defined(__aarch64__)
#define HOT_PATCH_BEFORE 16
#define HOT_PATCH_AFTER 8
#define HOT_PATCH_SITE_BYTES 4
#define HOT_PATCH_TRAMPOLINE 16
#elif defined(__riscv) && __riscv_xlen == 64
#define HOT_PATCH_BEFORE 20
#define HOT_PATCH_AFTER 2
#define HOT_PATCH_SITE_BYTES 2
#define HOT_PATCH_TRAMPOLINE 16
#else
#error "vais-hot: give this processor's patch sizes here and write runtime/patch_<processor>.c"
#endif

/* The 4-byte instruction word at p, and one written there (code is read and
 * written bytewise: a word need not be aligned); and what makes code written
 * in [start, end) the code that runs (a no-op where the processor keeps
 * instruction fetch coherent by itself). For the patch_<processor>.c files. */
static inline uint32_t hot__patch_word_at(const unsigned char *p)
{
    uint32_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

static inline void hot__patch_put_word(unsigned char *p, uint32_t w)
{
    memcpy(p, &w, sizeof w);
}

static inline void hot__patch_visible(unsigned char *start, unsigned char *end)
{
    __builtin___clear_cache((char *)start, (char *)end);
}

/* Where the bytes a redirection swaps begin, if the code at entry has the
 * untouched padding the compiler leaves with the flags VaisHot.cmake gives
 * hot libraries (the entry itself, or just past its landing pad); NULL if
 * it does not, or the site cannot be stored in one atomic write. */
unsigned char *hot__patch_site(unsigned char *entry);

/* Writes into entry's padding a jump from site to target (which never
 * changes afterwards); the entry itself still runs its own code. */
void hot__patch_prepare(unsigned char *entry, const unsigned char *site, const void *target);

/* Points site at its prepared jump (redirect 1) or back at its own code
 * (0, original holding the site's bytes as hot__patch_site found them).
 * One atomic store. */
void hot__patch_site_set(unsigned char *site, int redirect, const unsigned char *original);

/* Writes at code a trampoline that jumps to whatever *slot holds. */
void hot__patch_trampoline(unsigned char *code, void *const *slot);

/* Is the instruction that ends at address a call (so that address may be a
 * return address)? Reads only the `room` bytes before address. */
int hot__patch_follows_call(const unsigned char *address, size_t room);

/* Where the direct call that ends at address goes, or NULL if it is no
 * direct call. Reads as hot__patch_follows_call does. */
const unsigned char *hot__patch_call_target(const unsigned char *address, size_t room);

/* The slot that the code at stub jumps through, if it is the linker's
 * stub for a call to another object (a PLT entry); NULL if it is not.
 * Reads at most HOT_PATCH_STUB bytes at stub. */
void *const *hot__patch_stub_slot(const unsigned char *stub);
#define HOT_PATCH_STUB 16

#endif
