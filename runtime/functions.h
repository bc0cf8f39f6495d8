/* runtime/functions.h
 * The functions a build of the hot library (or the core) defines, static
 * ones included, read from its debug information (but for units it only
 * links, HOT_DIE_FOREIGN): what identifies each one
 * across builds, its type, and where it begins; and the prototypes of the
 * external functions it calls. Redirection (redirect.h) sends
 * an old build's functions to their counterparts in a new build by these.
 * Invariant: a list owns its strings and is sorted by key, keys unique. */
#ifndef VAIS_HOT_FUNCTIONS_H
#define VAIS_HOT_FUNCTIONS_H

#include "dwarf.h"

#include <stddef.h>
#include <stdint.h>

struct hot__function {
    const char *key;  /* "name" for an external function, "file\nname" for a static one */
    const char *name; /* the C identifier, for messages */
    const char *file; /* a static function's file name (no directory); NULL for an external one */
    const char *type; /* its type, typedefs resolved: "int(struct lua_State *)"; "int()" if
                         declared without a prototype */
    uint64_t address; /* its entry as linked: add the library's load bias */
    int prototyped;   /* declared with a prototype: type tells its parameters */
};

struct hot__functions {
    struct hot__function *list; /* the functions defined, sorted by key */
    size_t count;
    struct hot__function *declared; /* external functions only declared, sorted; address 0 */
    size_t declared_count;
    char *text; /* every string above */
};

/* Code bytes around each entry that are checked to exist: before it (the
 * most patchable padding of any target, RISC-V's 20) and from it on; and
 * how far past its entry a function's debug information may start
 * (AArch64: past the landing pad and patchable NOP). */
#define HOT_FUNCTIONS_BEFORE 20
#define HOT_FUNCTIONS_AFTER 8
#define HOT_FUNCTIONS_LATE 8

/* Fills *out with every function dw, read from the ELF file image[0..size),
 * describes with an entry address around which (HOT_FUNCTIONS_BEFORE bytes
 * before it, HOT_FUNCTIONS_AFTER from it on) is code the file maps (not a declaration, an
 * inlined-only copy, or an address a corrupt file made up); and with every external function it
 * only declares (one the file calls, as its compiler saw the prototype). Returns 0, or -1 when
 * memory ran out. */
int hot__functions_read(const struct hot__dwarf *dw, const unsigned char *image, size_t size,
                        struct hot__functions *out);

void hot__functions_free(struct hot__functions *functions);

/* The function with key in functions, or NULL. */
const struct hot__function *hot__functions_find(const struct hot__functions *functions,
                                                const char *key);

#endif
