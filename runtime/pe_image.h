/* runtime/pe_image.h
 * The PE readers behind image.h: what a Windows x64 DLL's (or program's)
 * file says, read from its bytes before the Windows loader sees it, as
 * elf_check.h reads an ELF file. LoadLibraryExW runs a DLL's TLS callbacks
 * and its entry point, as dlopen runs constructors, so a build is checked
 * and refused from its file. Addresses are as linked: the image base plus
 * a relative virtual address (RVA), as the file's pointers hold them.
 * Only PE32+ (64-bit) files are read; the format is the PE-format
 * specification's (docs/platforms.md names it).
 * Invariant: reads only the bytes it is given, every offset bounds-checked
 * first, so any input gives an answer or an error, never a crash. */
#ifndef VAIS_HOT_PE_IMAGE_H
#define VAIS_HOT_PE_IMAGE_H

#include "image.h"

#include <stddef.h>

/* 1 if image[0..size) starts as a PE file does ("MZ", then a PE header). */
int hot__pe_is(const unsigned char *image, size_t size);

/* NULL if image[0..size), which starts "MZ", holds every part its headers
 * place: the PE header, the section table, each section's file bytes, the
 * COFF symbol and string tables; else what is missing, phrased to follow
 * the file's name ("ends before its sections"), as a linker still writing
 * it leaves it. A file of another kind (32-bit) counts as whole: the
 * checks name what it is. */
const char *hot__pe_incomplete(const unsigned char *image, size_t size);

/* As hot__image_check, for a PE file: a 64-bit DLL for machine (an ELF
 * e_machine, which names processors across formats; 0: any this runtime
 * reads) whose headers, section table and sections' file bytes lie within
 * the file_size bytes, with the alignments and image size the loader
 * requires and every section inside the image. */
int hot__pe_check(const unsigned char *image, size_t size, long long file_size, unsigned machine,
                  char *err, size_t errlen);

struct hot__pe_pointers;

/* As hot__image_check_loader: in a file hot__pe_check passed, what the
 * loader reads as it maps a DLL: every data directory inside the image's
 * file bytes; the base relocations (DIR64 only, each place inside a
 * section's file bytes, none on what the loader reads: import
 * descriptors, lookup tables and names, the export directory and its
 * arrays, the TLS directory but its four pointers); the exports (names in
 * order, for the loader's binary search) and imports and every name they
 * give; the entry point, the TLS directory's pointers (relocated) and
 * callbacks (each in code), and each function's unwind entry. Delay-load
 * imports and .NET assemblies are refused. 0, -1 with what is wrong in
 * err, -2 when memory ran out. */
int hot__pe_check_loader(const unsigned char *image, size_t size,
                         const struct hot__pe_pointers *pointers, char *err, size_t errlen);

/* The pointers of the file's data as the base relocations leave them, as
 * linked: a place a DIR64 relocation names holds its pointer; a null place
 * holds a null pointer; any other is not told (an import's slot, which the
 * loader fills). NULL when memory ran out. */
struct hot__pe_pointers *hot__pe_pointers_new(const unsigned char *image, size_t size);
void hot__pe_pointers_free(struct hot__pe_pointers *pointers);
int hot__pe_pointer_at(const struct hot__pe_pointers *pointers, unsigned long long address,
                       unsigned long long *value);

/* As their hot__image_ namesakes, for a PE file. */
const unsigned char *hot__pe_at(const unsigned char *image, size_t size, unsigned long long address,
                                unsigned long long length);
const char *hot__pe_string_at(const unsigned char *image, size_t size, unsigned long long address);
int hot__pe_in_code(const unsigned char *image, size_t size, unsigned long long address,
                    unsigned long long before, unsigned long long after);
size_t hot__pe_symbol_slots(const unsigned char *image, size_t size, const char *symbol,
                            unsigned long long extent, struct hot__image_slot *slots, size_t max);
unsigned long long hot__pe_symbol_address(const unsigned char *image, size_t size,
                                          const char *name);
size_t hot__pe_mapped_extents(const unsigned char *image, size_t size, unsigned long long page,
                              struct hot__image_extent *extents, size_t max);
size_t hot__pe_functions(const unsigned char *image, size_t size,
                         struct hot__image_function *functions, size_t max);
size_t hot__pe_build_id(const unsigned char *image, size_t size, const unsigned char **id);
size_t hot__pe_each_need(const unsigned char *image, size_t size, enum hot__image_need kind,
                         void (*visit)(void *ctx, const char *name), void *ctx);
int hot__pe_section(const unsigned char *image, size_t size, const char *name,
                    const unsigned char **bytes, size_t *length);

#endif
