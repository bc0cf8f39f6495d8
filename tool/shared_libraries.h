/* tool/shared_libraries.h
 * Which symbols a library's shared libraries define: those it names
 * (DT_NEEDED), found as the dynamic loader finds them, for `vais-hot needs`.
 * Invariant: reads files only, each one mapped, checked as
 * elf_symbols.h does and unmapped before it returns. */
#ifndef VAIS_HOT_GEN_SHARED_LIBRARIES_H
#define VAIS_HOT_GEN_SHARED_LIBRARIES_H

#include <stddef.h>

/* Sets given[i] for each names[i] (of count, in strcmp order) that a shared
 * library the ELF library bytes[0..size) at path names defines. Each is
 * looked for where the dynamic loader would look first: in the library's
 * run paths ($ORIGIN: its directory), then in dirs[0..dir_count) (the
 * system's, which the build knows as the compiler's implicit link
 * directories); the first file of the name that is a library for the same
 * processor is the one. One not found gives nothing. Returns 0, or -1 when
 * memory ran out. */
int shared_libraries_define(const char *path, const unsigned char *bytes, size_t size,
                            const char *const *dirs, size_t dir_count, const char *const *names,
                            size_t count, unsigned char *given);

#endif
