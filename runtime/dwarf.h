/* runtime/dwarf.h
 * Reads the part of an ELF file's DWARF debug information that describes
 * types and the functions and variables using them: enough to learn how
 * every struct and union is laid out as compiled, and where each function
 * defined in the file begins. DWARF 2 to 5, 32- and
 * 64-bit formats, as gcc and clang write them.
 * Invariant: reads only the bytes it was given and bounds-checks every
 * offset first, so a corrupt file gives an error, never a crash. */
#ifndef VAIS_HOT_DWARF_H
#define VAIS_HOT_DWARF_H

#include <stddef.h>
#include <stdint.h>

#define HOT_DWARF_NONE UINT32_MAX /* no such entry */

/* The DW_TAG values this reader keeps entries of. */
enum hot__dwarf_tag {
    HOT_DW_ARRAY = 0x01,
    HOT_DW_ENUMERATION = 0x04,
    HOT_DW_FORMAL_PARAMETER = 0x05,
    HOT_DW_MEMBER = 0x0d,
    HOT_DW_POINTER = 0x0f,
    HOT_DW_STRUCTURE = 0x13,
    HOT_DW_SUBROUTINE = 0x15,
    HOT_DW_TYPEDEF = 0x16,
    HOT_DW_UNION = 0x17,
    HOT_DW_UNSPECIFIED_PARAMETERS = 0x18,
    HOT_DW_SUBRANGE = 0x21,
    HOT_DW_BASE = 0x24,
    HOT_DW_CONST = 0x26,
    HOT_DW_SUBPROGRAM = 0x2e,
    HOT_DW_VARIABLE = 0x34,
    HOT_DW_VOLATILE = 0x35,
    HOT_DW_RESTRICT = 0x37,
    HOT_DW_UNSPECIFIED = 0x3b,
    HOT_DW_ATOMIC = 0x47,
};

/* hot__die.flags */
enum {
    HOT_DIE_DECLARATION = 1 << 0,   /* DW_AT_declaration: an incomplete type */
    HOT_DIE_HAS_COUNT = 1 << 1,     /* count is known (array dimension) */
    HOT_DIE_TYPE_UNKNOWN = 1 << 2,  /* DW_AT_type names what this reader cannot follow */
    HOT_DIE_PLACE_UNKNOWN = 1 << 3, /* member offset is an expression, not a constant */
    HOT_DIE_EXTERNAL = 1 << 4,      /* DW_AT_external: a function or variable others can name */
    HOT_DIE_HAS_ADDRESS = 1 << 5,   /* address is known (a function's DW_AT_low_pc) */
    HOT_DIE_PROTOTYPED = 1 << 6,    /* a function (type) declared with a prototype */
    HOT_DIE_FOREIGN = 1 << 7        /* of a unit the build did not compile: hot__dwarf_own */
};

/* One debugging information entry: a type, a struct member, an array
 * dimension, a function, one of its parameters (or the `...` of a variadic
 * one; function types keep theirs too), or a variable. Entries of
 * function bodies are not kept. */
struct hot__die {
    uint64_t offset;     /* in .debug_info: what type references name */
    uint64_t type;       /* offset of the entry DW_AT_type names; 0: none (void) */
    uint64_t origin;     /* DW_AT_specification or DW_AT_abstract_origin; 0: none */
    const char *name;    /* in the image; NULL if none */
    uint64_t size;       /* DW_AT_byte_size */
    uint64_t place;      /* member: DW_AT_data_member_location, in bytes */
    uint64_t bit_size;   /* member: DW_AT_bit_size; 0 if not a bit-field */
    uint64_t bit_offset; /* member: DW_AT_data_bit_offset (or DWARF 2's DW_AT_bit_offset) */
    uint64_t count;      /* subrange: elements, when HOT_DIE_HAS_COUNT */
    uint64_t address;    /* function: its entry, as linked, when HOT_DIE_HAS_ADDRESS */
    const char *file;    /* DW_AT_decl_file's full path, where the line program tells it */
    uint32_t parent;     /* index of the kept entry it is a child of, or HOT_DWARF_NONE */
    uint32_t end;        /* one past the index of its last kept descendant */
    uint16_t tag;        /* enum hot__dwarf_tag */
    uint8_t encoding;    /* base types: DW_ATE_* */
    uint8_t flags;       /* HOT_DIE_* */
};

/* Every kept entry of a file, in .debug_info order (so sorted by offset).
 * Names point into the image, which must outlive this, or into text. */
struct hot__dwarf_text {
    struct hot__dwarf_text *next;
    size_t used, size;
    char bytes[];
};

/* An entry left out (HOT_DWARF_FIRST_COPY), found at the one it copies. */
struct hot__dwarf_alias {
    uint64_t offset; /* first, as in hot__die: one search serves both */
    uint32_t index;
};

/* A compile unit: its kept entries are dies[first] up to the next unit's. */
struct hot__dwarf_unit {
    uint32_t first;
    const char *path; /* its source, DW_AT_name under DW_AT_comp_dir; NULL if it has none */
};

struct hot__dwarf {
    struct hot__die *dies;
    size_t count;
    struct hot__dwarf_unit *units; /* in .debug_info order */
    size_t unit_count;
    struct hot__dwarf_text *text;     /* the file paths the line programs only had in pieces */
    struct hot__dwarf_alias *aliases; /* sorted by offset */
    size_t alias_count;
};

/* Which units' copies of a header's named types to keep. */
enum hot__dwarf_copies {
    HOT_DWARF_EVERY_COPY, /* each unit's: a hot library, whose units may see a type two ways */
    HOT_DWARF_FIRST_COPY  /* the first definition of each struct, union, enum and typedef
                             by name and declaring file, and of each pointer or qualifier
                             by what it names; later ones are found at it and their
                             members are not read (a large core's DWARF) */
};

/* Reads the entries of the ELF file image[0..size). Returns 0 on success;
 * 1 when the file has no debug information this reader can use (none, or
 * only of assembler sources: the start files a C library links into every
 * program, as musl's crti.o), -1 when it
 * is corrupt, and -2 when memory ran out; each with why in err, phrased to
 * follow the file's name ("has no debug information"). */
int hot__dwarf_read(const unsigned char *image, size_t size, enum hot__dwarf_copies copies,
                    struct hot__dwarf *out, char *err, size_t errlen);

void hot__dwarf_free(struct hot__dwarf *dwarf);

/* Marks HOT_DIE_FOREIGN every entry of a unit whose source lies outside
 * the directory of the unit that defines the external variable anchor.
 * For a hot library, anchor is its table: the build generates it and every
 * hot source's unit under one directory, so what lies elsewhere is code the
 * library only links, as the start files and static C library a DLL takes
 * from its toolchain, whose units may see a header's types otherwise.
 * Returns 1, having marked nothing when the unit that defines anchor has
 * no directory; 0 when no unit defines it: the build's own units have no
 * debug information, though what it links may (mingw-w64's C library). */
int hot__dwarf_own(struct hot__dwarf *dwarf, const char *anchor);

/* The index of the kept entry at offset (or of the one a left-out copy
 * there copies), or HOT_DWARF_NONE. */
uint32_t hot__dwarf_find(const struct hot__dwarf *dwarf, uint64_t offset);

#endif
