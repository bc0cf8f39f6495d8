/* runtime/image.h
 * What a library's or program's file says, whatever its format: the one
 * seam through which the loader, the table reader, the summary and the
 * vais-hot command read files. Each function looks at the file's first
 * bytes and hands it to the ELF readers (elf_check.h) or the PE readers
 * (pe_image.h); a file of neither format is refused by hot__image_check
 * and has nothing the others can find. Addresses are as linked: where the
 * file's own pointers point before the loader moves it (ELF: virtual
 * addresses; PE: the image base plus an RVA).
 * Invariant: reads only the bytes it is given, every offset bounds-checked
 * first, so any input gives an answer or an error, never a crash. */
#ifndef VAIS_HOT_IMAGE_H
#define VAIS_HOT_IMAGE_H

#include <stddef.h>

/* A range of a file's bytes. */
struct hot__image_extent {
    unsigned long long offset, length;
};

/* A function symbol of a file's symbol table. */
struct hot__image_function {
    unsigned long long address; /* as linked */
    const char *name;           /* in the image: name_length bytes, not always NUL-terminated
                                   (a PE symbol's name of 8 bytes is kept in its entry) */
    size_t name_length;
};

/* A place the loader fills with a symbol's address (plus addend). */
struct hot__image_slot {
    unsigned long long place; /* its address as linked */
    long long addend;
    int read_only; /* the loader makes it read-only once relocated (ELF's RELRO) */
};

/* What a library needs from the process it is loaded into. */
enum hot__image_need {
    HOT_IMAGE_SYMBOL,  /* a symbol it uses and does not define (ELF: not weak) */
    HOT_IMAGE_LIBRARY, /* a library it names (ELF: DT_NEEDED; PE: an import's DLL) */
};

/* The format of the file image[0..size): "ELF", "PE", or NULL if neither. */
const char *hot__image_format(const unsigned char *image, size_t size);

/* image holds the first size bytes of a file of file_size bytes (all of
 * them, as the loader passes it). Returns 0 if it is a shared library (a
 * DLL) for machine (an ELF e_machine, which names processors across
 * formats; 0: any elf_machine.h lists) whose headers and the file bytes
 * of what the loader maps all lie within the file; otherwise -1 with what
 * is wrong in err, phrased to follow the file's name ("is truncated ...").
 * Only a file this passed may be given to the functions below that say
 * "checked". */
int hot__image_check(const unsigned char *image, size_t size, long long file_size, unsigned machine,
                     char *err, size_t errlen);

/* The pointers of a checked file's data as the loader will leave them, as
 * linked (ELF: from its relocations; PE: its base relocations). NULL when
 * memory ran out. */
struct hot__image_pointers;
struct hot__image_pointers *hot__image_pointers_new(const unsigned char *image, size_t size);
void hot__image_pointers_free(struct hot__image_pointers *pointers);

/* Sets *value to the pointer the loader leaves at address (8 bytes, as
 * linked). Returns 0, or -1 if it cannot be told before loading: a symbol
 * from elsewhere goes there, or nothing relocates a place that is not
 * null. */
int hot__image_pointer_at(const struct hot__image_pointers *pointers, unsigned long long address,
                          unsigned long long *value);

/* 1 if some of those pointers come from ELF's packed relative relocations
 * (DT_RELR), which not every C library's loader applies. */
int hot__image_pointers_packed(const struct hot__image_pointers *pointers);

/* Checks, in a checked file, everything else the loader trusts as it maps
 * it (elf_check.h's hot__elf_check_dynamic, pe_image.h's
 * hot__pe_check_loader say what, per format), read through pointers (the
 * file's). Returns 0, or -1 with what is wrong in err, phrased to follow
 * the file's name; -2 when memory ran out. Code bytes are not checked. */
int hot__image_check_loader(const unsigned char *image, size_t size,
                            const struct hot__image_pointers *pointers, char *err, size_t errlen);

/* The bytes of a checked file that the loader maps at [address, address +
 * length), all from one segment's (section's) file bytes; NULL if they
 * are not there. */
const unsigned char *hot__image_at(const unsigned char *image, size_t size,
                                   unsigned long long address, unsigned long long length);

/* The NUL-terminated string the loader maps at address, or NULL if it does
 * not end inside the same segment's (section's) file bytes. */
const char *hot__image_string_at(const unsigned char *image, size_t size,
                                 unsigned long long address);

/* 1 if, in a checked file, [address - before, address + after) lies in
 * the file bytes of one executable segment (section): code the loader
 * maps, that can be read once mapped. */
int hot__image_in_code(const unsigned char *image, size_t size, unsigned long long address,
                       unsigned long long before, unsigned long long after);

/* The address of the symbol called name that a checked file defines for
 * others, read as the loader reads them (ELF: its dynamic symbols; PE: its
 * exports); 0 if it defines none. */
unsigned long long hot__image_symbol_address(const unsigned char *image, size_t size,
                                             const char *name);

/* The bytes of a checked file that the loader maps (ELF: each loadable
 * segment's; PE: the headers and each section's), widened to whole pages
 * of page bytes (a power of two). If there are at most max of them,
 * writes them to extents in file order, those that touch or overlap
 * merged, and returns how many that leaves; otherwise returns how many
 * there are (more than max), and extents holds nothing to use. */
size_t hot__image_mapped_extents(const unsigned char *image, size_t size, unsigned long long page,
                                 struct hot__image_extent *extents, size_t max);

/* Sorts extents[0..count) by offset and merges those that touch or
 * overlap, in place. Returns how many are left. */
size_t hot__image_extents_merge(struct hot__image_extent *extents, size_t count);

/* Finds the function symbols of a checked file's symbol table (ELF's
 * .symtab, PE's COFF symbols; static functions included; a stripped file
 * has none). Writes the first max of them to functions and returns how
 * many there are. */
size_t hot__image_functions(const unsigned char *image, size_t size,
                            struct hot__image_function *functions, size_t max);

/* The build ID the linker wrote into a file (a program or a library;
 * `--build-id`: ELF's note, PE's CodeView record), a digest of what it
 * linked: sets *id to it in the image and returns its length, or 0 if it
 * has none. */
size_t hot__image_build_id(const unsigned char *image, size_t size, const unsigned char **id);

/* Finds, in a checked file, the places the loader fills with the address
 * of the symbol called symbol (or an address inside it: its extent is the
 * object's size): ELF's GOT entries and absolute pointers to it, by the
 * relocations that name it; in a PE file, which exports the symbol, the
 * base-relocated pointers into it (mingw's .refptr slots among them). Only
 * places at 8-byte-aligned addresses count. Writes the first max to slots
 * and returns how many there are. */
size_t hot__image_symbol_slots(const unsigned char *image, size_t size, const char *symbol,
                               unsigned long long extent, struct hot__image_slot *slots,
                               size_t max);

/* Calls visit(ctx, name) for each need of kind of a checked file, read as
 * the loader reads them, names in the image; a name that does not end
 * inside its table is skipped. Returns how many were visited. */
size_t hot__image_each_need(const unsigned char *image, size_t size, enum hot__image_need kind,
                            void (*visit)(void *ctx, const char *name), void *ctx);

/* What hot__image_section finds, but the section itself (1). */
enum {
    HOT_IMAGE_SECTION_NONE = 0,        /* none by that name, or it takes no room in the file */
    HOT_IMAGE_SECTION_CORRUPT = -1,    /* the section table, or that section, is not in the file */
    HOT_IMAGE_SECTION_COMPRESSED = -2, /* its bytes are compressed (ELF's SHF_COMPRESSED) */
};

/* Finds the section called name (".debug_info") of a file, of either
 * format, whole in the file: 1 with its bytes in *bytes and *length, or
 * one of the above. A PE file's long names are its string table's. */
int hot__image_section(const unsigned char *image, size_t size, const char *name,
                       const unsigned char **bytes, size_t *length);

#endif
