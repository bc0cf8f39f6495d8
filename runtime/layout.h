/* runtime/layout.h
 * The layouts of the types that cross the boundary between the core and a
 * hot library, as each side was compiled (read from its debug information),
 * and the comparison that decides whether a new build may run on the data
 * the program already holds.
 *
 * What crosses: the parameter and result types of every hot function, and
 * every type reachable from those through struct and union members,
 * pointers, arrays and typedefs; and every struct, union, enum and typedef
 * that both sides declare by the same name in the same file (a header), as
 * the hot code may reach it in any other way. A hot library's side is what
 * its hot sources see: the units it only links (HOT_DIE_FOREIGN) are not
 * read. The types of #[persist]
 * variables are read too, to decide whether their values can be carried
 * into a new build.
 * Two layouts agree when their sizes agree, their members place by place
 * have the same offsets, bit-fields and types (recursively), and no member
 * name moved to another place: a field renamed where it was changes nothing.
 * Qualifiers and typedef names do not count, only what they stand for. A
 * type one side sees only as incomplete (`struct s;`) constrains nothing
 * there: that side cannot depend on its layout. */
#ifndef VAIS_HOT_LAYOUT_H
#define VAIS_HOT_LAYOUT_H

#include "dwarf.h"

#include <stddef.h>

struct hot__layouts; /* self-contained: owns its names */

/* Whose layouts to read from a hot library: the types of these functions
 * and variables, and every named type declared in a file. */
struct hot__layout_roots {
    const char *const *functions;
    size_t function_count;
    const char *const *variables;
    size_t variable_count;
};

/* Reads the layouts in debug information dw (read from an ELF file, which
 * must stay mapped until this returns): for a hot library, those
 * reachable from roots; for the core (roots NULL), those of every named
 * struct, union, enum and typedef. The result owns its names.
 * Returns NULL, with why in err, when memory ran out. */
struct hot__layouts *hot__layouts_from(const struct hot__dwarf *dw,
                                       const struct hot__layout_roots *roots, char *err,
                                       size_t errlen);

/* Forgets the named types declared in files[0..count) (a hot library's own
 * sources: what they declare is theirs to change), which are sorted in
 * strcmp order. */
void hot__layouts_drop_declared(struct hot__layouts *layouts, const char *const *files,
                                size_t count);

void hot__layouts_free(struct hot__layouts *layouts);

enum hot__layouts_side {
    HOT_LAYOUTS_AGREE,
    HOT_LAYOUTS_CORE,      /* a type differs from the core's */
    HOT_LAYOUTS_RUNNING,   /* a type differs from the running build's */
    HOT_LAYOUTS_NO_MEMORY, /* memory ran out before all could be compared */
};

/* Compares a new library build with the core's layouts (types found by
 * name), then with the running build's (by function and variable). Either
 * may be NULL. Returns HOT_LAYOUTS_AGREE if they agree wherever both sides
 * see a type whole; otherwise the side that differs, with what changed in
 * why, e.g. "struct 'state_t' changed layout (48 -> 56 bytes)", and in
 * *file the path of the file that declares the type it names, on both
 * sides (owned by next), or NULL if either does not say or they differ;
 * or HOT_LAYOUTS_NO_MEMORY, with that in why. */
enum hot__layouts_side hot__layouts_differ(const struct hot__layouts *next,
                                           const struct hot__layouts *core,
                                           const struct hot__layouts *running, char *why,
                                           size_t whylen, const char **file);

/* 1 if a and b are one graph, node for node, member for member, root for
 * root (names and files compared as text), else 0: what a build without
 * an edit to a shared type reads again. */
int hot__layouts_same(const struct hot__layouts *a, const struct hot__layouts *b);

/* For #[persist] variable name, known to both: 1 if its layout differs
 * between the builds, with what changed in why; 0 if it is the same or
 * either build has no layout for it; -1 when memory ran out. */
int hot__layouts_variable_differs(const struct hot__layouts *next,
                                  const struct hot__layouts *running, const char *name, char *why,
                                  size_t whylen);

#endif
