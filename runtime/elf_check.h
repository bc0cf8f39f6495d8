/* runtime/elf_check.h
 * The ELF readers behind image.h (which callers use): checks a library
 * file before the dynamic loader sees it (the loader maps what the headers
 * say, so a truncated or foreign file must be refused here, where it costs
 * a message instead of a SIGBUS), and what its file says. */
#ifndef VAIS_HOT_ELF_CHECK_H
#define VAIS_HOT_ELF_CHECK_H

#include "image.h"

#include <stddef.h>

/* image holds the first size bytes of a file of file_size bytes (all of
 * them, as the loader passes it). Returns 0 if it is a shared library for
 * machine (an e_machine; 0: any elf_machine.h lists) whose program and
 * section headers and segments all lie within the file; otherwise -1 with
 * what is wrong in err, phrased to follow the file's name ("is truncated
 * ..."). */
int hot__elf_check(const unsigned char *image, size_t size, long long file_size, unsigned machine,
                   char *err, size_t errlen);

struct hot__elf_pointers;

/* Checks, in the file image[0..size) that hot__elf_check passed, what the
 * dynamic loader trusts as it loads a library: the loadable and dynamic
 * segments, the addresses and sizes the dynamic segment gives, the string,
 * symbol, hash and version tables, each relocation's kind, symbol and
 * place, and the initialisers it runs (read through pointers, the file's
 * hot__elf_pointers_new). Returns 0, or -1 with what is wrong in err,
 * phrased to follow the file's name; -2 when memory ran out. Code bytes
 * are not checked. */
int hot__elf_check_dynamic(const unsigned char *image, size_t size,
                           const struct hot__elf_pointers *pointers, char *err, size_t errlen);

/* 1 if, in the checked file image[0..size), [address - before, address +
 * after) lies in the file's bytes of one executable segment, addresses as
 * linked: code the loader maps, that can be read once mapped. */
int hot__elf_in_code(const unsigned char *image, size_t size, unsigned long long address,
                     unsigned long long before, unsigned long long after);

/* The bytes of the checked file image[0..size) that the loader maps: each
 * loadable segment's file bytes, widened to whole pages of page bytes (a
 * power of two). If the file has at most max loadable segments, writes
 * them to extents in file order, those that touch or overlap merged, and
 * returns how many that leaves; otherwise returns how many segments it has
 * (more than max), and extents holds nothing to use. */
size_t hot__elf_mapped_extents(const unsigned char *image, size_t size, unsigned long long page,
                               struct hot__image_extent *extents, size_t max);

/* Finds the function symbols of the checked file image[0..size)'s symbol
 * table (.symtab, static functions included; a stripped file has none).
 * Writes the first max of them to functions and returns how many there are. */
size_t hot__elf_functions(const unsigned char *image, size_t size,
                          struct hot__image_function *functions, size_t max);

/* The build ID the linker wrote into the ELF file image[0..size) (any
 * kind: a program or a library; --build-id), a digest of what it linked:
 * sets *id to it in the image and returns its length, or 0 if it has none. */
size_t hot__elf_build_id(const unsigned char *image, size_t size, const unsigned char **id);

/* Finds, in the checked file image[0..size), the places the dynamic loader
 * fills with the address of the dynamic symbol called symbol: GOT entries
 * and absolute pointers to it. Writes the first max of them to slots and
 * returns how many there are; places outside the file's writable segments
 * (a corrupt file) are not counted. The relocations name the symbol, so
 * its extent is not needed. */
size_t hot__elf_symbol_slots(const unsigned char *image, size_t size, const char *symbol,
                             unsigned long long extent, struct hot__image_slot *slots, size_t max);

/* The bytes of the checked file image[0..size) that the loader maps at
 * [address, address + length) (addresses as linked), all from one segment's
 * file bytes; NULL if they are not there. */
const unsigned char *hot__elf_at(const unsigned char *image, size_t size,
                                 unsigned long long address, unsigned long long length);

/* The NUL-terminated string the loader maps at address, or NULL if it does
 * not end inside the same segment's file bytes. */
const char *hot__elf_string_at(const unsigned char *image, size_t size, unsigned long long address);

/* The address (as linked) of the dynamic symbol called name that the
 * checked file defines, read as the loader reads its symbols (through the
 * dynamic segment); 0 if it defines none. */
unsigned long long hot__elf_symbol_address(const unsigned char *image, size_t size,
                                           const char *name);

/* The pointers of a checked file's data as the loader will leave them, as
 * linked: from the relocations its dynamic segment names (relative ones,
 * packed ones too, and those to symbols it defines); a place none
 * relocates holds a null pointer, or nothing that can be trusted. */
/* NULL when memory ran out. */
struct hot__elf_pointers *hot__elf_pointers_new(const unsigned char *image, size_t size);
void hot__elf_pointers_free(struct hot__elf_pointers *pointers);

/* 1 if some of those pointers come from packed relative relocations
 * (DT_RELR), which not every C library's loader applies. */
int hot__elf_pointers_packed(const struct hot__elf_pointers *pointers);

/* Sets *value to the pointer the loader leaves at address (8 bytes, as
 * linked). Returns 0, or -1 if it cannot be told before loading: a symbol
 * from elsewhere goes there, or nothing relocates a place that is not
 * null. */
int hot__elf_pointer_at(const struct hot__elf_pointers *pointers, unsigned long long address,
                        unsigned long long *value);

/* Calls visit(ctx, name) for each need of kind of the checked file
 * image[0..size), read as the loader reads them (through the dynamic
 * segment), names in the image; a name without its NUL in the string
 * table is skipped. Returns how many were visited. */
size_t hot__elf_each_need(const unsigned char *image, size_t size, enum hot__image_need kind,
                          void (*visit)(void *ctx, const char *name), void *ctx);

/* hot__image_section for an ELF64 little-endian file, by its section
 * headers. */
int hot__elf_section(const unsigned char *image, size_t size, const char *name,
                     const unsigned char **bytes, size_t *length);

#endif
