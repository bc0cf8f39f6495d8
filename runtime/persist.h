/* runtime/persist.h
 * Where #[persist] variables live: in storage the runtime owns until
 * hot__cleanup, which every version of the hot library reaches. Before a
 * version runs, the places the dynamic loader filled with a variable's
 * address (the GOT entry hot code reads it through, pointers to it, its
 * table entry) are set to the storage; a reload then copies nothing, and no
 * write is lost, from any thread. A variable whose type changed gets new
 * storage holding its new initial value, while older versions keep theirs.
 * A build that reaches a variable without such places (hidden visibility)
 * gets the value copied into its own, and a line says writes can be lost.
 * Callers hold the loader's lock (asserted). */
#ifndef VAIS_HOT_PERSIST_H
#define VAIS_HOT_PERSIST_H

#include <stddef.h>
#include <stdint.h>
#include <vais/hot_abi.h>

struct hot__persist_places; /* one build's places of each variable's address */

/* Finds the places in the checked file image[0..size) of the build whose
 * table is table: those of the variable's own symbol, or of the symbol the
 * generator renames a static one to. NULL when memory ran out. */
struct hot__persist_places *hot__persist_find(const unsigned char *image, size_t size,
                                              const struct hot_abi_table *table);

void hot__persist_places_free(struct hot__persist_places *places);

/* Gives each variable i of table (a build loaded with load bias bias) its
 * storage: the running build's variable of the same name, from[i], when
 * not NULL (same type and layout), else new storage with the build's own
 * initial value. Returns 0; or -1 with why in err (a system that refuses
 * to write relocated data), or -2 when memory ran out; the build must not
 * run then. */
int hot__persist_bind(const struct hot_abi_table *table, const struct hot__persist_places *places,
                      uintptr_t bias, const struct hot_abi_variable *const *from, char *err,
                      size_t errlen);

/* Frees all storage; no version may be mapped. */
void hot__persist_reset(void);

#endif
