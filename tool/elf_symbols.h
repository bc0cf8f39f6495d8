/* tool/elf_symbols.h
 * The symbol tables of an ELF64 little-endian file in memory: what a hot
 * library needs, what a core exports and defines, and what its objects hide,
 * for `vais-hot check`. Invariant: reads only the bytes it is given, each offset
 * and size checked first, so any input is safe; portable C, no <elf.h>. */
#ifndef VAIS_HOT_GEN_ELF_SYMBOLS_H
#define VAIS_HOT_GEN_ELF_SYMBOLS_H

#include <stddef.h>

/* One named symbol of a table. */
struct elf_symbol {
    const char *name; /* NUL-terminated inside the file's bytes */
    int defined;      /* in a section of the file (not SHN_UNDEF) */
    int local;        /* binding STB_LOCAL: a static, or a hidden one once linked */
    int weak;         /* binding STB_WEAK */
    int hidden;       /* visibility STV_HIDDEN or STV_INTERNAL (an object file keeps it; a
                         link makes the symbol local) */
    const char *from; /* undefined in .dynsym with a version required of a shared library
                         (printf@GLIBC_2.2.5): that library's file name, inside the file's
                         bytes; else NULL */
};

/* Which symbol table to read. */
enum elf_table {
    ELF_DYNAMIC, /* .dynsym: what the dynamic loader sees (needs and exports) */
    ELF_STATIC,  /* .symtab: every symbol the link saw, hidden ones too; absent once stripped */
};

/* Calls visit(ctx, &symbol) for each named symbol of bytes[0..size)'s table
 * (none if it has no such table), in the table's order. Returns 0, or -1
 * with what is wrong in err, phrased to follow the file's name ("is not an
 * ELF64 little-endian file"). */
int elf_each_symbol(const unsigned char *bytes, size_t size, enum elf_table table,
                    void (*visit)(void *ctx, const struct elf_symbol *symbol), void *ctx, char *err,
                    size_t errlen);

/* Which strings of the dynamic section to read (their DT_ tags). */
enum elf_dynamic_string {
    ELF_NEEDED = 1,   /* a shared library it needs, by the name the loader looks for */
    ELF_RPATH = 15,   /* where to look for them: directories apart by ':' */
    ELF_RUNPATH = 29, /* likewise, the newer tag */
};

/* Calls visit(ctx, text) for each string of kind in the dynamic section of
 * bytes[0..size) (none if it has none), in its order; text is
 * NUL-terminated inside the file's bytes. Returns 0, or -1 with what is
 * wrong in err, phrased as elf_each_symbol's. */
int elf_each_dynamic_string(const unsigned char *bytes, size_t size, enum elf_dynamic_string kind,
                            void (*visit)(void *ctx, const char *text), void *ctx, char *err,
                            size_t errlen);

/* The processor (e_machine) of the ELF64 little-endian file bytes[0..size),
 * or -1 if it is no such file. */
int elf_machine(const unsigned char *bytes, size_t size);

/* NULL if bytes[0..size) holds every part its ELF64 little-endian header
 * places: the program headers, the section headers and each section with
 * contents; else what is missing, phrased to follow the file's name ("ends
 * before its section headers"), as a linker still writing it leaves it. A
 * file of another class or byte order counts as whole: the runtime names
 * what it is. */
const char *elf_incomplete(const unsigned char *bytes, size_t size);

/* 1 if the program bytes[0..size) is linked dynamically: it names a
 * dynamic loader (PT_INTERP), which then runs it and can load a hot library
 * into it; 0 if it is linked statically (-static, -static-pie); -1 if it is
 * no whole ELF64 little-endian file. */
int elf_linked_dynamically(const unsigned char *bytes, size_t size);

#endif
