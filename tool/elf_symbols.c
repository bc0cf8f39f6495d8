/* tool/elf_symbols.c
 * The symbol tables of an ELF64 little-endian file in memory.
 * Invariant: every field is read through le(), after the bytes it lies in
 * were checked to be inside the file; a name must end inside its table. */
#include "elf_symbols.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ELF64 constants (the ELF specification's values). */
enum {
    EHDR_SIZE = 64,   /* the file header */
    SHDR_SIZE = 64,   /* a section header */
    SYM_SIZE = 24,    /* a symbol */
    SHT_SYMTAB = 2,   /* .symtab */
    SHT_NOBITS = 8,   /* a section that takes no room in the file (.bss) */
    SHT_DYNSYM = 11,  /* .dynsym */
    PHDR_SIZE = 56,   /* a program header */
    PT_INTERP = 3,    /* names the program's dynamic loader */
    SHN_UNDEF = 0,    /* not defined here */
    STB_LOCAL = 0,    /* local binding */
    STB_WEAK = 2,     /* weak binding */
    STV_INTERNAL = 1, /* visibilities bound inside the file */
    STV_HIDDEN = 2,
};

/* The n-byte little-endian number at p (n <= 8). */
static uint64_t le(const unsigned char *p, int n)
{
    uint64_t value = 0;
    for (int i = n; i-- > 0;)
        value = value << 8 | p[i];
    return value;
}

/* Does [offset, offset + length) lie within size? */
static int within(uint64_t offset, uint64_t length, size_t size)
{
    return offset <= size && length <= size - offset;
}

int elf_each_symbol(const unsigned char *bytes, size_t size, enum elf_table table,
                    void (*visit)(void *ctx, const struct elf_symbol *symbol), void *ctx, char *err,
                    size_t errlen)
{
    if (size < EHDR_SIZE ||
        memcmp(bytes,
               "\x7f"
               "ELF",
               4) != 0 ||
        bytes[4] != 2 || bytes[5] != 1) {
        snprintf(err, errlen, "is not an ELF64 little-endian file");
        return -1;
    }
    uint64_t shoff = le(bytes + 40, 8), shentsize = le(bytes + 58, 2), shnum = le(bytes + 60, 2);
    if (shnum > 0 && (shentsize != SHDR_SIZE || !within(shoff, shnum * SHDR_SIZE, size))) {
        snprintf(err, errlen, "has a corrupt section header table");
        return -1;
    }
    unsigned wanted = table == ELF_DYNAMIC ? SHT_DYNSYM : SHT_SYMTAB;
    for (uint64_t s = 0; s < shnum; s++) {
        const unsigned char *sh = bytes + shoff + s * SHDR_SIZE;
        if (le(sh + 4, 4) != wanted)
            continue;
        uint64_t offset = le(sh + 24, 8), length = le(sh + 32, 8), link = le(sh + 40, 4);
        uint64_t entsize = le(sh + 56, 8);
        const unsigned char *strings = link < shnum ? bytes + shoff + link * SHDR_SIZE : NULL;
        uint64_t str_offset = strings ? le(strings + 24, 8) : 0;
        uint64_t str_length = strings ? le(strings + 32, 8) : 0;
        if (entsize != SYM_SIZE || !within(offset, length, size) || !strings ||
            !within(str_offset, str_length, size)) {
            snprintf(err, errlen, "has a corrupt symbol table");
            return -1;
        }
        for (uint64_t at = offset; at + SYM_SIZE <= offset + length; at += SYM_SIZE) {
            const unsigned char *sym = bytes + at;
            uint64_t name = le(sym, 4);
            const char *text = (const char *)bytes + str_offset + name;
            if (name == 0 || name >= str_length)
                continue;
            if (!memchr(text, '\0', str_length - name)) {
                snprintf(err, errlen, "has a corrupt symbol name");
                return -1;
            }
            struct elf_symbol symbol = {
                .name = text,
                .defined = le(sym + 6, 2) != SHN_UNDEF,
                .local = sym[4] >> 4 == STB_LOCAL,
                .weak = sym[4] >> 4 == STB_WEAK,
                .hidden = (sym[5] & 3) == STV_HIDDEN || (sym[5] & 3) == STV_INTERNAL,
            };
            visit(ctx, &symbol);
        }
    }
    return 0;
}

const char *elf_incomplete(const unsigned char *bytes, size_t size)
{
    if (size == 0)
        return "is empty";
    if (size < EHDR_SIZE || memcmp(bytes,
                                   "\x7f"
                                   "ELF",
                                   4) != 0)
        return "has no ELF header yet";
    if (bytes[4] != 2 || bytes[5] != 1)
        return NULL;
    uint64_t phoff = le(bytes + 32, 8), phnum = le(bytes + 56, 2);
    uint64_t shoff = le(bytes + 40, 8), shnum = le(bytes + 60, 2);
    if (!within(phoff, phnum * PHDR_SIZE, size))
        return "ends before its program headers";
    if (!within(shoff, shnum * SHDR_SIZE, size))
        return "ends before its section headers";
    for (uint64_t s = 0; s < shnum; s++) {
        const unsigned char *sh = bytes + shoff + s * SHDR_SIZE;
        if (le(sh + 4, 4) != SHT_NOBITS && !within(le(sh + 24, 8), le(sh + 32, 8), size))
            return "ends before its sections";
    }
    return NULL;
}

int elf_linked_dynamically(const unsigned char *bytes, size_t size)
{
    if (size < EHDR_SIZE ||
        memcmp(bytes,
               "\x7f"
               "ELF",
               4) != 0 ||
        bytes[4] != 2 || bytes[5] != 1)
        return -1;
    uint64_t phoff = le(bytes + 32, 8), phnum = le(bytes + 56, 2);
    if (!within(phoff, phnum * PHDR_SIZE, size))
        return -1;
    for (uint64_t p = 0; p < phnum; p++) {
        if (le(bytes + phoff + p * PHDR_SIZE, 4) == PT_INTERP)
            return 1;
    }
    return 0;
}
