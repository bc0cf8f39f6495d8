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
    EHDR_SIZE = 64,               /* the file header */
    SHDR_SIZE = 64,               /* a section header */
    SYM_SIZE = 24,                /* a symbol */
    SHT_SYMTAB = 2,               /* .symtab */
    SHT_NOBITS = 8,               /* a section that takes no room in the file (.bss) */
    SHT_DYNAMIC = 6,              /* .dynamic */
    DYN_SIZE = 16,                /* a dynamic entry: tag, value */
    SHT_DYNSYM = 11,              /* .dynsym */
    SHT_GNU_VERNEED = 0x6ffffffe, /* .gnu.version_r: versions required of shared libraries */
    SHT_GNU_VERSYM = 0x6fffffff,  /* .gnu.version: each .dynsym entry's version index */
    VERNEED_SIZE = 16,            /* a required library (Elf64_Verneed) */
    VERNAUX_SIZE = 16,            /* a version required of it (Elf64_Vernaux) */
    VERSION_FIRST = 2,            /* indices below are local (0) and global (1) */
    VERSION_MASK = 0x7fff,        /* the index, without the hidden bit */
    MAX_REQUIRED = 4096,          /* required versions read, at most: a corrupt chain ends */
    PHDR_SIZE = 56,               /* a program header */
    PT_INTERP = 3,                /* names the program's dynamic loader */
    SHN_UNDEF = 0,                /* not defined here */
    STB_LOCAL = 0,                /* local binding */
    STB_WEAK = 2,                 /* weak binding */
    STV_INTERNAL = 1,             /* visibilities bound inside the file */
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

/* 1 if bytes[0..size) starts with an ELF64 little-endian header. */
static int elf64_le(const unsigned char *bytes, size_t size)
{
    return size >= EHDR_SIZE &&
           memcmp(bytes,
                  "\x7f"
                  "ELF",
                  4) == 0 &&
           bytes[4] == 2 && bytes[5] == 1;
}

/* The section header table of the ELF64 little-endian file bytes[0..size):
 * its offset in *shoff and count in *shnum. Returns 0, or -1 with what is
 * wrong in err. */
static int section_headers(const unsigned char *bytes, size_t size, uint64_t *shoff,
                           uint64_t *shnum, char *err, size_t errlen)
{
    if (!elf64_le(bytes, size)) {
        snprintf(err, errlen, "is not an ELF64 little-endian file");
        return -1;
    }
    uint64_t entry_size = le(bytes + 58, 2);
    *shoff = le(bytes + 40, 8);
    *shnum = le(bytes + 60, 2);
    if (*shnum > 0 && (entry_size != SHDR_SIZE || !within(*shoff, *shnum * SHDR_SIZE, size))) {
        snprintf(err, errlen, "has a corrupt section header table");
        return -1;
    }
    return 0;
}

/* The first section of type in the header table at shoff (shnum of them),
 * if its contents lie in the file; NULL if there is none such. */
static const unsigned char *section_of_type(const unsigned char *bytes, size_t size, uint64_t shoff,
                                            uint64_t shnum, uint64_t type)
{
    for (uint64_t s = 0; s < shnum; s++) {
        const unsigned char *sh = bytes + shoff + s * SHDR_SIZE;
        if (le(sh + 4, 4) == type)
            return within(le(sh + 24, 8), le(sh + 32, 8), size) ? sh : NULL;
    }
    return NULL;
}

/* The name of the shared library that .gnu.version_r says version index
 * version is required of (within the file and NUL-terminated), or NULL. */
static const char *required_of(const unsigned char *bytes, size_t size, uint64_t shoff,
                               uint64_t shnum, const unsigned char *verneed, unsigned version)
{
    uint64_t link = le(verneed + 40, 4);
    if (link >= shnum)
        return NULL;
    const unsigned char *strings = bytes + shoff + link * SHDR_SIZE;
    uint64_t str_offset = le(strings + 24, 8), str_length = le(strings + 32, 8);
    uint64_t offset = le(verneed + 24, 8), length = le(verneed + 32, 8);
    if (!within(str_offset, str_length, size))
        return NULL;
    uint64_t need = 0;
    for (int seen = 0; seen < MAX_REQUIRED && need + VERNEED_SIZE <= length; seen++) {
        const unsigned char *n = bytes + offset + need;
        uint64_t file = le(n + 4, 4), aux = need + le(n + 8, 4);
        for (uint64_t count = le(n + 2, 2); count > 0 && seen < MAX_REQUIRED; count--, seen++) {
            if (aux > length || VERNAUX_SIZE > length - aux)
                return NULL;
            const unsigned char *a = bytes + offset + aux;
            if ((le(a + 6, 2) & VERSION_MASK) == version) {
                const char *name =
                    file < str_length ? (const char *)bytes + str_offset + file : NULL;
                return name && memchr(name, '\0', str_length - file) ? name : NULL;
            }
            aux += le(a + 12, 4);
        }
        if (le(n + 12, 4) == 0)
            return NULL;
        need += le(n + 12, 4);
    }
    return NULL;
}

int elf_each_symbol(const unsigned char *bytes, size_t size, enum elf_table table,
                    void (*visit)(void *ctx, const struct elf_symbol *symbol), void *ctx, char *err,
                    size_t errlen)
{
    uint64_t shoff, shnum;
    if (section_headers(bytes, size, &shoff, &shnum, err, errlen) != 0)
        return -1;
    unsigned wanted = table == ELF_DYNAMIC ? SHT_DYNSYM : SHT_SYMTAB;
    /* .dynsym's versions: entry i's index at 2i of versym, which verneed
     * maps to a library. */
    const unsigned char *versym = NULL, *verneed = NULL;
    if (table == ELF_DYNAMIC) {
        versym = section_of_type(bytes, size, shoff, shnum, SHT_GNU_VERSYM);
        verneed = section_of_type(bytes, size, shoff, shnum, SHT_GNU_VERNEED);
    }
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
            uint64_t index = (at - offset) / SYM_SIZE;
            if (!symbol.defined && versym && verneed && 2 * index + 2 <= le(versym + 32, 8)) {
                unsigned version = (unsigned)le(bytes + le(versym + 24, 8) + 2 * index, 2);
                if ((version & VERSION_MASK) >= VERSION_FIRST)
                    symbol.from =
                        required_of(bytes, size, shoff, shnum, verneed, version & VERSION_MASK);
            }
            visit(ctx, &symbol);
        }
    }
    return 0;
}

int elf_machine(const unsigned char *bytes, size_t size)
{
    return elf64_le(bytes, size) ? (int)le(bytes + 18, 2) : -1;
}

int elf_each_dynamic_string(const unsigned char *bytes, size_t size, enum elf_dynamic_string kind,
                            void (*visit)(void *ctx, const char *text), void *ctx, char *err,
                            size_t errlen)
{
    uint64_t shoff, shnum;
    if (section_headers(bytes, size, &shoff, &shnum, err, errlen) != 0)
        return -1;
    const unsigned char *dynamic = section_of_type(bytes, size, shoff, shnum, SHT_DYNAMIC);
    if (!dynamic)
        return 0;
    uint64_t offset = le(dynamic + 24, 8), length = le(dynamic + 32, 8), link = le(dynamic + 40, 4);
    const unsigned char *strings = link < shnum ? bytes + shoff + link * SHDR_SIZE : NULL;
    uint64_t str_offset = strings ? le(strings + 24, 8) : 0;
    uint64_t str_length = strings ? le(strings + 32, 8) : 0;
    if (!strings || !within(str_offset, str_length, size)) {
        snprintf(err, errlen, "has a corrupt dynamic section");
        return -1;
    }
    for (uint64_t at = offset; at + DYN_SIZE <= offset + length; at += DYN_SIZE) {
        uint64_t tag = le(bytes + at, 8), value = le(bytes + at + 8, 8);
        if (tag == 0) /* DT_NULL ends it */
            break;
        if (tag != (uint64_t)kind)
            continue;
        const char *text = value < str_length ? (const char *)bytes + str_offset + value : NULL;
        if (!text || !memchr(text, '\0', str_length - value)) {
            snprintf(err, errlen, "has a corrupt dynamic section");
            return -1;
        }
        visit(ctx, text);
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
    if (!elf64_le(bytes, size))
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
