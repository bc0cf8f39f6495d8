/* runtime/elf_dynamic.c
 * hot__elf_check_dynamic: what the dynamic loader trusts in a library, as
 * it reads it (through the program headers and the dynamic segment, never
 * the section headers), checked before it is loaded: the segments, every
 * address and size the dynamic segment gives, the string, symbol, hash
 * and version tables, each relocation's place, symbol and kind, and the
 * initialisers dlopen runs; and the pointers of a file's data as those
 * relocations leave them. Invariant: reads only the bytes it is given,
 * every offset bounds-checked first; the first thing wrong is said. */
#include "elf_check.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_machine.h"
#include "elf_format.h"
#include "grow.h"

#include <stddef.h>
#include <stdint.h>

#define MAX_SEGMENTS 16

/* The file as the loader sees it. */
struct view {
    const unsigned char *image;
    size_t size;
    const struct hot__elf_machine *machine; /* the file's, once its header is read */
    Elf64_Phdr loads[MAX_SEGMENTS];
    unsigned load_count;
    char *err;
    size_t errlen;
    unsigned long long relro, relro_size; /* what is read-only once relocated */
    unsigned long long dynamic,
        dynamic_size; /* the dynamic segment, which only the loader writes */
};

static int wrong(struct view *v, const char *what)
{
    snprintf(v->err, v->errlen, "has a corrupt dynamic part (%s)", what);
    return -1;
}

static int no_memory(struct view *v)
{
    snprintf(v->err, v->errlen, "could not be checked: out of memory");
    return -2;
}

/* 1 if [offset, offset + size) lies within limit. */
static int within(unsigned long long offset, unsigned long long size, unsigned long long limit)
{
    return offset <= limit && size <= limit - offset;
}

/* The file bytes the loader maps at [address, address + length), from one
 * segment; NULL if they are not all there. */
static const unsigned char *at(const struct view *v, unsigned long long address,
                               unsigned long long length)
{
    for (unsigned i = 0; i < v->load_count; i++) {
        const Elf64_Phdr *ph = &v->loads[i];
        if (address >= ph->p_vaddr && within(address - ph->p_vaddr, length, ph->p_filesz))
            return v->image + ph->p_offset + (address - ph->p_vaddr);
    }
    return NULL;
}

/* The segment the loader maps [address, address + length) in (its memory,
 * not only its file bytes), or NULL. */
static const Elf64_Phdr *mapped(const struct view *v, unsigned long long address,
                                unsigned long long length)
{
    for (unsigned i = 0; i < v->load_count; i++) {
        const Elf64_Phdr *ph = &v->loads[i];
        if (address >= ph->p_vaddr && within(address - ph->p_vaddr, length, ph->p_memsz))
            return ph;
    }
    return NULL;
}

/* The segments: loadable ones lie in the file, in address order, apart,
 * with page-compatible alignment; the dynamic one inside one of them. */
static int read_segments(struct view *v, const Elf64_Ehdr *eh, Elf64_Phdr *dynamic)
{
    int have_dynamic = 0;
    if (v->size < sizeof *eh || eh->e_phentsize != sizeof(Elf64_Phdr) ||
        !within(eh->e_phoff, (unsigned long long)eh->e_phnum * sizeof(Elf64_Phdr), v->size))
        return wrong(v, "program headers outside the file");
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, v->image + eh->e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_DYNAMIC) {
            *dynamic = ph;
            have_dynamic = 1;
            v->dynamic = ph.p_vaddr;
            v->dynamic_size = ph.p_memsz;
        }
        if (ph.p_type != PT_LOAD)
            continue;
        if (v->load_count == MAX_SEGMENTS)
            return wrong(v, "too many loadable segments");
        if (!(ph.p_flags & PF_R)) /* the checks read what is mapped */
            return wrong(v, "a segment that cannot be read");
        if (!within(ph.p_offset, ph.p_filesz, v->size) || ph.p_filesz > ph.p_memsz ||
            ph.p_vaddr > ULLONG_MAX - ph.p_memsz)
            return wrong(v, "a segment outside the file");
        if (ph.p_align > 1 && ((ph.p_align & (ph.p_align - 1)) != 0 ||
                               ph.p_vaddr % ph.p_align != ph.p_offset % ph.p_align))
            return wrong(v, "a misaligned segment");
        if (v->load_count > 0) {
            const Elf64_Phdr *last = &v->loads[v->load_count - 1];
            if (ph.p_vaddr < last->p_vaddr + last->p_memsz)
                return wrong(v, "overlapping segments");
        }
        v->loads[v->load_count++] = ph;
    }
    if (v->load_count == 0 || !have_dynamic)
        return wrong(v, "no loadable or dynamic segment");
    /* What the loader makes read-only after relocation, and thread-local
     * data, lie in a loadable segment; notes in the file. */
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, v->image + eh->e_phoff + i * sizeof ph, sizeof ph);
        if ((ph.p_type == PT_GNU_RELRO || ph.p_type == PT_TLS) &&
            (ph.p_memsz == 0 ? 0 : !mapped(v, ph.p_vaddr, ph.p_memsz)))
            return wrong(v, "a segment outside the loadable ones");
        if (ph.p_type == PT_GNU_RELRO) {
            v->relro = ph.p_vaddr;
            v->relro_size = ph.p_memsz;
        }
        if ((ph.p_type == PT_NOTE || ph.p_type == PT_TLS) &&
            !within(ph.p_offset, ph.p_filesz, v->size))
            return wrong(v, "a segment outside the file");
    }
    if (!at(v, dynamic->p_vaddr, dynamic->p_filesz) || dynamic->p_filesz < sizeof(Elf64_Dyn))
        return wrong(v, "a dynamic segment outside the file");
    return 0;
}

/* Addresses the dynamic segment gives: the loader uses one that is given,
 * whatever its value, 0 too. */
enum {
    GIVEN_STRTAB = 1 << 0,
    GIVEN_SYMTAB = 1 << 1,
    GIVEN_HASH = 1 << 2,
    GIVEN_GNU_HASH = 1 << 3,
    GIVEN_VERSYM = 1 << 4,
    GIVEN_VERNEED = 1 << 5,
    GIVEN_VERDEF = 1 << 6,
    GIVEN_RELA = 1 << 7,
    GIVEN_JMPREL = 1 << 8,
    GIVEN_RELR = 1 << 9,
    GIVEN_PLTGOT = 1 << 10,
    GIVEN_INIT = 1 << 11,
    GIVEN_FINI = 1 << 12,
    GIVEN_INIT_ARRAY = 1 << 13,
    GIVEN_FINI_ARRAY = 1 << 14,
};

/* Sizes the loader reads whenever the table they size is given. */
enum {
    SIZED_RELA = 1,
    SIZED_JMPREL = 2,
    SIZED_RELR = 4,
    SIZED_INIT_ARRAY = 8,
    SIZED_FINI_ARRAY = 16,
};

/* What the dynamic segment says, as far as the loader uses it. */
struct dynamic {
    unsigned long long strtab, strsz, symtab, syment, hash, gnu_hash, versym, verneed, verdef, rela,
        relasz, relaent, jmprel, pltrelsz, pltrel, relr, relrsz, init, fini, init_array,
        init_arraysz, fini_array, fini_arraysz, pltgot, relacount;
    unsigned given;                /* the GIVEN_ flags of the addresses given, 0 among them */
    unsigned long long needed[32]; /* the libraries it names, as offsets in the strings */
    size_t needed_count;
    unsigned sized; /* the SIZED_ flags of the sizes given */
};

/* A string of the string table: its offset must lie inside it, and the
 * string end there. */
static int string_ok(const struct view *v, const struct dynamic *d, unsigned long long offset)
{
    const unsigned char *table = at(v, d->strtab, d->strsz);
    return table && offset < d->strsz && memchr(table + offset, '\0', d->strsz - offset);
}

/* The entries read_dynamic keeps: where each value goes, and the flags it
 * sets. */
static const struct {
    long long tag;
    size_t field; /* offsetof(struct dynamic, ...) */
    unsigned given, sized;
} kept[] = {
#define KEEP(tag, field, given, sized)                                                             \
    {                                                                                              \
        tag, offsetof(struct dynamic, field), given, sized                                         \
    }
    KEEP(DT_STRTAB, strtab, GIVEN_STRTAB, 0),
    KEEP(DT_STRSZ, strsz, 0, 0),
    KEEP(DT_SYMTAB, symtab, GIVEN_SYMTAB, 0),
    KEEP(DT_SYMENT, syment, 0, 0),
    KEEP(DT_HASH, hash, GIVEN_HASH, 0),
    KEEP(DT_GNU_HASH, gnu_hash, GIVEN_GNU_HASH, 0),
    KEEP(DT_VERSYM, versym, GIVEN_VERSYM, 0),
    KEEP(DT_VERNEED, verneed, GIVEN_VERNEED, 0),
    KEEP(DT_VERDEF, verdef, GIVEN_VERDEF, 0),
    KEEP(DT_RELA, rela, GIVEN_RELA, 0),
    KEEP(DT_RELASZ, relasz, 0, SIZED_RELA),
    KEEP(DT_RELAENT, relaent, 0, 0),
    KEEP(DT_RELACOUNT, relacount, 0, 0),
    KEEP(DT_JMPREL, jmprel, GIVEN_JMPREL, 0),
    KEEP(DT_PLTRELSZ, pltrelsz, 0, SIZED_JMPREL),
    KEEP(DT_PLTREL, pltrel, 0, 0),
    KEEP(DT_RELR, relr, GIVEN_RELR, 0),
    KEEP(DT_RELRSZ, relrsz, 0, SIZED_RELR),
    KEEP(DT_PLTGOT, pltgot, GIVEN_PLTGOT, 0),
    KEEP(DT_INIT, init, GIVEN_INIT, 0),
    KEEP(DT_FINI, fini, GIVEN_FINI, 0),
    KEEP(DT_INIT_ARRAY, init_array, GIVEN_INIT_ARRAY, 0),
    KEEP(DT_INIT_ARRAYSZ, init_arraysz, 0, SIZED_INIT_ARRAY),
    KEEP(DT_FINI_ARRAY, fini_array, GIVEN_FINI_ARRAY, 0),
    KEEP(DT_FINI_ARRAYSZ, fini_arraysz, 0, SIZED_FINI_ARRAY),
#undef KEEP
};

static int read_dynamic(struct view *v, const Elf64_Phdr *segment, struct dynamic *d)
{
    const unsigned char *bytes = at(v, segment->p_vaddr, segment->p_filesz);
    size_t count = segment->p_filesz / sizeof(Elf64_Dyn), i;
    unsigned long long names[64];
    size_t name_count = 0;
    memset(d, 0, sizeof *d);
    for (i = 0; i < count; i++) {
        Elf64_Dyn e;
        memcpy(&e, bytes + i * sizeof e, sizeof e);
        unsigned long long value = e.d_un.d_val;
        if (e.d_tag == DT_NULL)
            break;
        if (e.d_tag == DT_REL || e.d_tag == DT_TEXTREL)
            return wrong(v, "a relocation form this machine does not use");
        int named = e.d_tag == DT_NEEDED || e.d_tag == DT_SONAME || e.d_tag == DT_RPATH ||
                    e.d_tag == DT_RUNPATH;
        if (named &&
            (name_count == sizeof names / sizeof *names ||
             (e.d_tag == DT_NEEDED && d->needed_count == sizeof d->needed / sizeof *d->needed)))
            return wrong(v, "too many libraries named");
        if (named)
            names[name_count++] = value;
        if (e.d_tag == DT_NEEDED)
            d->needed[d->needed_count++] = value;
        for (size_t k = 0; k < sizeof kept / sizeof *kept; k++) {
            if (kept[k].tag != e.d_tag)
                continue;
            memcpy((char *)d + kept[k].field, &value, sizeof value);
            d->given |= kept[k].given;
            d->sized |= kept[k].sized;
        }
    }
    if (i == count)
        return wrong(v, "no end to the dynamic entries");
    const unsigned char *strings = at(v, d->strtab, d->strsz);
    if (!(d->given & GIVEN_STRTAB) || !(d->given & GIVEN_SYMTAB) || !strings || d->strsz == 0 ||
        strings[d->strsz - 1] != '\0')
        return wrong(v, "a string table outside the file");
    if (d->syment != sizeof(Elf64_Sym) || (d->relasz && d->relaent != sizeof(Elf64_Rela)))
        return wrong(v, "entries of another size");
    static const struct {
        unsigned given, sized;
    } pairs[] = {{GIVEN_RELA, SIZED_RELA},
                 {GIVEN_JMPREL, SIZED_JMPREL},
                 {GIVEN_RELR, SIZED_RELR},
                 {GIVEN_INIT_ARRAY, SIZED_INIT_ARRAY},
                 {GIVEN_FINI_ARRAY, SIZED_FINI_ARRAY}};
    int unsized = 0;
    for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++)
        unsized |= (d->given & pairs[k].given) && !(d->sized & pairs[k].sized);
    if (unsized || ((d->given & GIVEN_JMPREL) && d->pltrel != DT_RELA))
        return wrong(v, "a table without its size");
    if (d->pltrelsz && d->pltrel != DT_RELA)
        return wrong(v, "a relocation form this machine does not use");
    for (size_t k = 0; k < name_count; k++) {
        if (!string_ok(v, d, names[k]))
            return wrong(v, "a library name outside the string table");
    }
    return 0;
}

/* The number of symbols, from the hash table the loader uses, which must
 * lie in the file and lead only to symbols in the table. */
static int count_symbols(struct view *v, const struct dynamic *d, unsigned long long *count)
{
    if (d->given & GIVEN_GNU_HASH) {
        const unsigned char *h = at(v, d->gnu_hash, 16);
        if (!h)
            return wrong(v, "a hash table outside the file");
        uint32_t header[4]; /* buckets, first hashed symbol, bloom words, bloom shift */
        memcpy(header, h, sizeof header);
        unsigned long long bloom = 8ull * header[2], buckets = 4ull * header[0];
        if (header[0] == 0 || header[2] == 0 || (header[2] & (header[2] - 1)) || header[3] >= 64 ||
            !at(v, d->gnu_hash, 16 + bloom + buckets))
            return wrong(v, "a corrupt hash table");
        unsigned long long chains = d->gnu_hash + 16 + bloom + buckets, last = 0;
        for (uint32_t b = 0; b < header[0]; b++) {
            uint32_t first;
            memcpy(&first, h + 16 + bloom + 4ull * b, sizeof first);
            if (first == 0)
                continue;
            if (first < header[1])
                return wrong(v, "a corrupt hash table");
            last = first > last ? first : last;
        }
        *count = header[1];
        if (last) { /* the chain from the highest start ends where the table does */
            for (unsigned long long s = last;; s++) {
                const unsigned char *word = at(v, chains + 4ull * (s - header[1]), 4);
                uint32_t value;
                if (!word || s > 0xffffffull)
                    return wrong(v, "a corrupt hash table");
                memcpy(&value, word, sizeof value);
                if (value & 1) {
                    *count = s + 1;
                    break;
                }
            }
        }
    } else if (d->given & GIVEN_HASH) {
        const unsigned char *h = at(v, d->hash, 8);
        uint32_t header[2]; /* buckets, chains (= symbols) */
        if (!h)
            return wrong(v, "a hash table outside the file");
        memcpy(header, h, sizeof header);
        unsigned long long words = 2ull + header[0] + header[1];
        if (!at(v, d->hash, 4 * words))
            return wrong(v, "a corrupt hash table");
        for (unsigned long long k = 2; k < words; k++) {
            uint32_t value;
            memcpy(&value, h + 4 * k, sizeof value);
            if (value >= header[1])
                return wrong(v, "a corrupt hash table");
        }
        *count = header[1];
    } else {
        return wrong(v, "no hash table");
    }
    if (!at(v, d->symtab, *count * sizeof(Elf64_Sym)))
        return wrong(v, "a symbol table outside the file");
    return 0;
}

/* Each symbol's name lies in the string table; one from elsewhere has a
 * name and is global or weak, of default visibility (the loader resolves a
 * local or hidden one to the library's own start); a defined one (not
 * absolute, not thread-local) lies in a segment. */
static int check_symbols(struct view *v, const struct dynamic *d, unsigned long long count)
{
    const unsigned char *table = at(v, d->symtab, count * sizeof(Elf64_Sym));
    for (unsigned long long i = 1; i < count; i++) {
        Elf64_Sym sym;
        memcpy(&sym, table + i * sizeof sym, sizeof sym);
        if (!string_ok(v, d, sym.st_name))
            return wrong(v, "a symbol name outside the string table");
        if (sym.st_shndx == SHN_UNDEF &&
            (ELF64_ST_BIND(sym.st_info) == STB_LOCAL ||
             ((const char *)at(v, d->strtab, d->strsz))[sym.st_name] == '\0'))
            return wrong(v, "a symbol from elsewhere without a name");
        if (sym.st_shndx == SHN_UNDEF && ELF64_ST_VISIBILITY(sym.st_other) != STV_DEFAULT)
            return wrong(v, "a symbol from elsewhere that only this file may see");
        if (sym.st_shndx != SHN_UNDEF && sym.st_shndx != SHN_ABS &&
            ELF64_ST_TYPE(sym.st_info) != STT_TLS && !mapped(v, sym.st_value, 1))
            return wrong(v, "a symbol outside the segments");
    }
    if ((d->given & GIVEN_VERSYM) && !at(v, d->versym, 2 * count))
        return wrong(v, "a version table outside the file");
    return 0;
}

/* Does the string at offset name a library the dynamic segment needs? */
static int names_needed(const struct view *v, const struct dynamic *d, unsigned long long offset)
{
    const char *strings = (const char *)at(v, d->strtab, d->strsz);
    for (size_t i = 0; i < d->needed_count; i++) {
        if (strcmp(strings + offset, strings + d->needed[i]) == 0)
            return 1;
    }
    return 0;
}

/* A chain of version entries as the loader follows it: from its first
 * place, each entry says how far on the next one is (0: it is the last),
 * whatever the counts say. */
struct chain {
    unsigned long long next; /* where the next entry is */
    unsigned long long at;   /* where the entry last given is */
    int given;               /* how many were */
    int ended;
};

enum { MAX_CHAIN = 4096 }; /* more entries than any library has; a cycle ends here */

/* The next entry of c, of size bytes with its link the 32-bit word at
 * link_at, copied to entry: 1, or 0 at the end, or -1 when it lies outside
 * the file or the chain runs on past MAX_CHAIN. */
static int chain_next(const struct view *v, struct chain *c, void *entry, size_t size,
                      size_t link_at)
{
    if (c->ended)
        return 0;
    const unsigned char *bytes = at(v, c->next, size);
    if (!bytes || c->given == MAX_CHAIN)
        return -1;
    memcpy(entry, bytes, size);
    uint32_t link;
    memcpy(&link, bytes + link_at, sizeof link);
    c->at = c->next;
    c->next += link;
    c->given++;
    c->ended = link == 0;
    return 1;
}

/* The version needs and definitions, walked as the loader walks them
 * (chain_next): each entry in the file, its names in the string table,
 * each need of a library the dynamic segment names; and every version a
 * symbol names (the version table) one of them. */
static int check_versions(struct view *v, const struct dynamic *d, unsigned long long symbols)
{
    unsigned char named[0x8000 / 8] = {0}; /* the version indexes defined or needed */
    if (!(d->given & GIVEN_VERSYM) != !(d->given & (GIVEN_VERNEED | GIVEN_VERDEF)))
        return wrong(v, "version tables without one another");
    struct chain needs = {d->verneed, 0, 0, !(d->given & GIVEN_VERNEED)};
    Elf64_Verneed need;
    int got;
    while ((got = chain_next(v, &needs, &need, sizeof need, offsetof(Elf64_Verneed, vn_next))) >
           0) {
        if (!string_ok(v, d, need.vn_file) || !names_needed(v, d, need.vn_file))
            return wrong(v, "a version need of a library not named");
        struct chain auxes = {needs.at + need.vn_aux, 0, 0, 0};
        Elf64_Vernaux aux;
        int more;
        while ((more = chain_next(v, &auxes, &aux, sizeof aux, offsetof(Elf64_Vernaux, vna_next))) >
               0) {
            if (!string_ok(v, d, aux.vna_name))
                return wrong(v, "a version name outside the string table");
            named[(aux.vna_other & 0x7fff) / 8] |= (unsigned char)(1u << (aux.vna_other % 8));
        }
        if (more < 0)
            return wrong(v, "a version need outside the file");
    }
    if (got < 0)
        return wrong(v, "a version need outside the file");
    struct chain defs = {d->verdef, 0, 0, !(d->given & GIVEN_VERDEF)};
    Elf64_Verdef def;
    while ((got = chain_next(v, &defs, &def, sizeof def, offsetof(Elf64_Verdef, vd_next))) > 0) {
        named[(def.vd_ndx & 0x7fff) / 8] |= (unsigned char)(1u << (def.vd_ndx % 8));
        struct chain auxes = {defs.at + def.vd_aux, 0, 0, 0}; /* vd_cnt aside */
        Elf64_Verdaux aux;
        int more;
        while ((more = chain_next(v, &auxes, &aux, sizeof aux, offsetof(Elf64_Verdaux, vda_next))) >
               0) {
            if (!string_ok(v, d, aux.vda_name))
                return wrong(v, "a version name outside the string table");
        }
        if (more < 0)
            return wrong(v, "a version definition outside the file");
    }
    if (got < 0)
        return wrong(v, "a version definition outside the file");
    const unsigned char *versions = d->given & GIVEN_VERSYM ? at(v, d->versym, 2 * symbols) : NULL;
    for (unsigned long long i = 0; versions && i < symbols; i++) {
        uint16_t index;
        memcpy(&index, versions + 2 * i, sizeof index);
        index &= 0x7fff; /* the hidden bit apart */
        if (index > 1 && !(named[index / 8] & (1u << (index % 8))))
            return wrong(v, "a symbol of a version that is not there");
    }
    return 0;
}

/* May a relocation write the 8 bytes at place: in a writable segment (or
 * one made read-only after relocation, which is writable until then), and
 * not in the dynamic one, which the loader reads as it relocates? */
static int writable(const struct view *v, unsigned long long place)
{
    const Elf64_Phdr *ph = mapped(v, place, 8);
    int in_dynamic = place < v->dynamic + v->dynamic_size && place + 8 > v->dynamic;
    return ph && (ph->p_flags & PF_W) && !in_dynamic;
}

/* 1 if the loader of machine m applies relocations of kind type (none aside). */
static int known(const struct hot__elf_machine *m, unsigned long type)
{
    for (size_t i = 0; i < HOT_ELF_MAX_KINDS && m->known[i] != 0; i++) {
        if (m->known[i] == type)
            return 1;
    }
    return 0;
}

/* The end of the library's address space as linked: its last loadable
 * segment's (read_segments keeps them in address order). */
static unsigned long long image_end(const struct view *v)
{
    const Elf64_Phdr *last = &v->loads[v->load_count - 1];
    return last->p_vaddr + last->p_memsz;
}

/* A relative relocation's addend, the address it makes a pointer to: in
 * the library or just past its end. A linker makes them only to the
 * library's own bytes, and code that follows one elsewhere (start-up code
 * reads its lists through such pointers) would read or write what is not
 * the library's. */
static int relative_wrong(struct view *v, unsigned long long addend)
{
    return addend > image_end(v) ? wrong(v, "a relocated pointer outside the library") : 0;
}

/* Each relocation of a table: a kind this machine has, a symbol of the
 * table, and a place in a writable segment (or one made read-only after
 * relocation); the first relative ones of them, which the loader takes as
 * such, relative, with an addend in the library. */
static int check_relocations(struct view *v, unsigned long long table, unsigned long long size,
                             unsigned long long symbols, unsigned long long relative)
{
    if (relative > size / sizeof(Elf64_Rela))
        return wrong(v, "more relative relocations than relocations");
    if (size == 0)
        return 0;
    const unsigned char *bytes = at(v, table, size);
    if (!bytes || size % sizeof(Elf64_Rela))
        return wrong(v, "relocations outside the file");
    for (unsigned long long k = 0; k < size / sizeof(Elf64_Rela); k++) {
        Elf64_Rela r;
        memcpy(&r, bytes + k * sizeof r, sizeof r);
        unsigned long type = ELF64_R_TYPE(r.r_info), sym = ELF64_R_SYM(r.r_info);
        const struct hot__elf_machine *m = v->machine;
        if (k < relative && type != m->relative)
            return wrong(v, "a relocation that should be relative");
        if (type == m->none)
            continue;
        if (!known(m, type))
            return wrong(v, "a relocation of an unknown kind");
        if (sym >= symbols ||
            (sym == 0 && (type == m->pointer || type == m->address || type == m->jump)))
            return wrong(v, "a relocation of a symbol not in the table");
        if (!writable(v, r.r_offset))
            return wrong(v, "a relocation outside the writable segments");
        if (type == m->relative && relative_wrong(v, (unsigned long long)r.r_addend) != 0)
            return -1;
    }
    return 0;
}

/* Calls visit(v, place, ctx) for each place the packed relative
 * relocations name: an even entry is a place, the next one 8 bytes on; an
 * odd one a bitmap of the 63 places from there. Stops at visit's first
 * nonzero answer and returns it. */
static int each_relr_place(struct view *v, const struct dynamic *d,
                           int (*visit)(struct view *v, unsigned long long place, void *ctx),
                           void *ctx)
{
    const unsigned char *bytes = d->relrsz ? at(v, d->relr, d->relrsz) : NULL;
    unsigned long long next = 0;
    for (unsigned long long k = 0; bytes && k < d->relrsz / 8; k++) {
        uint64_t entry;
        memcpy(&entry, bytes + 8 * k, sizeof entry);
        int answer = 0;
        if (!(entry & 1)) {
            answer = visit(v, entry, ctx);
            next = entry + 8;
        } else {
            for (unsigned bit = 1; bit < 64 && !answer; bit++)
                answer = (entry >> bit) & 1 ? visit(v, next + (bit - 1) * 8ull, ctx) : 0;
            next += 63 * 8ull;
        }
        if (answer)
            return answer;
    }
    return 0;
}

/* A packed relative relocation's place: writable, holding its addend
 * (zeros where the file gives no bytes). */
static int relr_place_wrong(struct view *v, unsigned long long place, void *ctx)
{
    (void)ctx;
    if (!writable(v, place))
        return wrong(v, "a relocation outside the writable segments");
    const unsigned char *bytes = at(v, place, 8);
    uint64_t addend = 0;
    if (bytes)
        memcpy(&addend, bytes, sizeof addend);
    return relative_wrong(v, addend);
}

static int check_relr(struct view *v, const struct dynamic *d)
{
    if (d->relrsz && (!at(v, d->relr, d->relrsz) || d->relrsz % 8))
        return wrong(v, "relocations outside the file");
    return each_relr_place(v, d, relr_place_wrong, NULL);
}

/* The addresses dlopen calls (initialisers, finalisers, resolvers), each
 * of which must be where a function starts. They are gathered while the
 * file is checked and then looked up in its symbol table in one pass: a
 * file has a few of them and thousands of functions. */
struct calls {
    struct call {
        unsigned long long address;
        const char *what; /* what is wrong if no function starts there */
    } * items;
    size_t count, capacity;
    int failed; /* out of memory */
};

static int by_address(const void *a, const void *b)
{
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return x < y ? -1 : x > y;
}

/* Code that dlopen calls: in an executable segment (checked now) and the
 * start of a function (checked by start_functions). 0, or -1 with what
 * in v's err. */
static int callable(struct view *v, struct calls *calls, unsigned long long address,
                    const char *what)
{
    const Elf64_Phdr *ph = mapped(v, address, 1);
    if (!ph || !(ph->p_flags & PF_X))
        return wrong(v, what);
    if (hot__grow(&calls->items, &calls->capacity, calls->count + 1, sizeof *calls->items) != 0)
        calls->failed = 1;
    else
        calls->items[calls->count++] = (struct call){address, what};
    return 0;
}

/* Does a function of the file's symbol table start at each of calls? (Yes,
 * when there is no symbol table.) 0, or -1 with what in v's err; -2 when
 * memory ran out. */
static int start_functions(struct view *v, const unsigned char *image, size_t size,
                           struct calls *calls)
{
    if (calls->failed)
        return no_memory(v);
    size_t count = calls->count ? hot__elf_functions(image, size, NULL, 0) : 0;
    if (count == 0)
        return 0;
    struct hot__image_function *functions = malloc(count * sizeof *functions);
    unsigned char *started = calloc(calls->count, 1);
    if (!functions || !started) {
        free(functions);
        free(started);
        return no_memory(v);
    }
    count = hot__elf_functions(image, size, functions, count);
    qsort(calls->items, calls->count, sizeof *calls->items, by_address);
    size_t unique = 0; /* one call per address */
    for (size_t k = 0; k < calls->count; k++) {
        if (unique == 0 || calls->items[unique - 1].address != calls->items[k].address)
            calls->items[unique++] = calls->items[k];
    }
    calls->count = unique;
    for (size_t i = 0; i < count; i++) {
        const struct call *c = bsearch(&functions[i].address, calls->items, calls->count,
                                       sizeof *calls->items, by_address);
        if (c)
            started[c - calls->items] = 1;
    }
    const char *missing = NULL;
    for (size_t k = 0; k < calls->count && !missing; k++)
        missing = started[k] ? NULL : calls->items[k].what;
    free(functions);
    free(started);
    return missing ? wrong(v, missing) : 0;
}

/* Each entry of an initialiser array, which dlopen calls, every one: a
 * function that a relocation puts there. */
static int check_array(struct view *v, const struct hot__elf_pointers *pointers,
                       struct calls *calls, unsigned long long array, unsigned long long size)
{
    for (unsigned long long k = 0; k < size / 8; k++) {
        unsigned long long value = 0;
        if (hot__elf_pointer_at(pointers, array + 8 * k, &value) != 0 || value == 0)
            return wrong(v, "an initialiser that is not relocated");
        if (callable(v, calls, value, "an initialiser that is no function"))
            return -1;
    }
    return 0;
}

/* The resolvers the loader calls while it relocates, which must be code, a
 * function's start, as an initialiser: those of the symbols of type
 * STT_GNU_IFUNC (dlsym calls one too) and of each IRELATIVE relocation. */
static int check_resolvers(struct view *v, const struct dynamic *d, unsigned long long count,
                           struct calls *calls)
{
    const unsigned char *table = at(v, d->symtab, count * sizeof(Elf64_Sym));
    for (unsigned long long i = 1; i < count; i++) {
        Elf64_Sym sym;
        memcpy(&sym, table + i * sizeof sym, sizeof sym);
        if (ELF64_ST_TYPE(sym.st_info) == STT_GNU_IFUNC && sym.st_shndx != SHN_UNDEF &&
            callable(v, calls, sym.st_value, "a resolver that is no function"))
            return -1;
    }
    const struct {
        unsigned long long table, size;
    } tables[] = {{d->rela, d->relasz}, {d->jmprel, d->pltrelsz}};
    for (size_t t = 0; t < 2; t++) {
        const unsigned char *bytes = tables[t].size ? at(v, tables[t].table, tables[t].size) : NULL;
        for (unsigned long long k = 0; bytes && k < tables[t].size / sizeof(Elf64_Rela); k++) {
            Elf64_Rela r;
            memcpy(&r, bytes + k * sizeof r, sizeof r);
            if (ELF64_R_TYPE(r.r_info) == v->machine->resolved &&
                callable(v, calls, (unsigned long long)r.r_addend,
                         "a resolver that is no function"))
                return -1;
        }
    }
    return 0;
}

/* What dlopen runs or writes before any relocation: DT_INIT and DT_FINI
 * in executable segments, the initialiser arrays in the file, relocated,
 * and the PLT's table (the loader writes its first words) writable. */
static int check_initialisers(struct view *v, const struct dynamic *d,
                              const struct hot__elf_pointers *pointers, struct calls *calls)
{
    if ((d->given & GIVEN_PLTGOT) && !(writable(v, d->pltgot) && writable(v, d->pltgot + 16)))
        return wrong(v, "a PLT table outside the writable segments");
    if ((d->given & GIVEN_INIT) &&
        callable(v, calls, d->init, "an initialiser that is no function"))
        return -1;
    if ((d->given & GIVEN_FINI) && callable(v, calls, d->fini, "a finaliser that is no function"))
        return -1;
    if (((d->given & GIVEN_INIT_ARRAY) && !mapped(v, d->init_array, d->init_arraysz)) ||
        ((d->given & GIVEN_FINI_ARRAY) && !mapped(v, d->fini_array, d->fini_arraysz)) ||
        d->init_arraysz % 8 || d->fini_arraysz % 8)
        return wrong(v, "an initialiser array outside the segments");
    return check_array(v, pointers, calls, d->init_array, d->init_arraysz) ||
           check_array(v, pointers, calls, d->fini_array, d->fini_arraysz);
}

/* Reads image[0..size) as the loader does: its segments into *v, its
 * dynamic segment into *d, and how many symbols its table has. Returns 0,
 * or -1 with what is wrong in err. */
static int open_view(const unsigned char *image, size_t size, struct view *v, struct dynamic *d,
                     unsigned long long *symbols, char *err, size_t errlen)
{
    *v = (struct view){image, size, NULL, {{0}}, 0, err, errlen, 0, 0, 0, 0};
    Elf64_Ehdr eh;
    Elf64_Phdr dynamic = {0};
    *symbols = 0;
    if (size < sizeof eh)
        return wrong(v, "no ELF header");
    memcpy(&eh, image, sizeof eh);
    v->machine = hot__elf_machine(eh.e_machine);
    if (!v->machine)
        return wrong(v, "a machine whose relocations vais-hot does not know");
    return read_segments(v, &eh, &dynamic) || read_dynamic(v, &dynamic, d) ||
                   count_symbols(v, d, symbols)
               ? -1
               : 0;
}

/* The symbol i of the table, and its name; NULL names for one outside. */
static const char *symbol_at(const struct view *v, const struct dynamic *d, unsigned long long i,
                             Elf64_Sym *sym)
{
    memcpy(sym, at(v, d->symtab + i * sizeof *sym, sizeof *sym), sizeof *sym);
    return string_ok(v, d, sym->st_name) ? (const char *)at(v, d->strtab, d->strsz) + sym->st_name
                                         : NULL;
}

size_t hot__elf_each_need(const unsigned char *image, size_t size, enum hot__image_need kind,
                          void (*visit)(void *ctx, const char *name), void *ctx)
{
    struct view v;
    struct dynamic d;
    unsigned long long symbols;
    char err[128];
    size_t visited = 0;
    if (open_view(image, size, &v, &d, &symbols, err, sizeof err) != 0)
        return 0;
    const char *strings = (const char *)at(&v, d.strtab, d.strsz);
    for (size_t i = 0; kind == HOT_IMAGE_LIBRARY && i < d.needed_count; i++, visited++)
        visit(ctx, strings + d.needed[i]); /* read_dynamic checked it */
    for (unsigned long long i = 1; kind == HOT_IMAGE_SYMBOL && i < symbols; i++) {
        Elf64_Sym sym;
        const char *name = symbol_at(&v, &d, i, &sym);
        if (name && *name && sym.st_shndx == SHN_UNDEF && ELF64_ST_BIND(sym.st_info) != STB_WEAK) {
            visit(ctx, name);
            visited++;
        }
    }
    return visited;
}

unsigned long long hot__elf_symbol_address(const unsigned char *image, size_t size,
                                           const char *name)
{
    struct view v;
    struct dynamic d;
    unsigned long long symbols;
    char err[128];
    if (open_view(image, size, &v, &d, &symbols, err, sizeof err) != 0)
        return 0;
    for (unsigned long long i = 1; i < symbols; i++) {
        Elf64_Sym sym;
        const char *found = symbol_at(&v, &d, i, &sym);
        if (found && sym.st_shndx != SHN_UNDEF && strcmp(found, name) == 0)
            return sym.st_value;
    }
    return 0;
}

int hot__elf_check_dynamic(const unsigned char *image, size_t size,
                           const struct hot__elf_pointers *pointers, char *err, size_t errlen)
{
    struct view v;
    struct dynamic d;
    unsigned long long symbols;
    if (open_view(image, size, &v, &d, &symbols, err, errlen) || check_symbols(&v, &d, symbols) ||
        check_versions(&v, &d, symbols) ||
        check_relocations(&v, d.rela, d.relasz, symbols, d.relacount) ||
        check_relocations(&v, d.jmprel, d.pltrelsz, symbols, 0) || check_relr(&v, &d))
        return -1;
    struct calls calls = {0};
    int status =
        check_initialisers(&v, &d, pointers, &calls) || check_resolvers(&v, &d, symbols, &calls)
            ? -1
            : start_functions(&v, image, size, &calls);
    free(calls.items);
    return status;
}

/* A place the loader writes a pointer to. */
struct pointer_place {
    unsigned long long place; /* as linked */
    unsigned long long value; /* as linked */
    int known;                /* 0: a symbol from elsewhere, told only when loaded */
};

/* Places sorted by place: a linker writes relative relocations in order,
 * so those are sorted only if they come otherwise. */
struct place_list {
    struct pointer_place *items; /* sorted by place once read */
    size_t count, capacity;
    int unsorted;
    /* Open addressing by place, for the table reader's thousands of
     * lookups: the first index of each place's run + 1; 0 empty. */
    uint32_t *slots;
    size_t mask; /* the slots' count - 1 */
};

struct hot__elf_pointers {
    const unsigned char *image;
    size_t size;
    const struct hot__elf_machine *machine;
    struct place_list relative, other; /* relative relocations; every other one */
    int packed;                        /* some relative ones are packed (DT_RELR) */
    int failed;                        /* out of memory */
};

static void add_place(struct hot__elf_pointers *p, struct place_list *list,
                      unsigned long long place, unsigned long long value, int known)
{
    if (p->failed ||
        hot__grow(&list->items, &list->capacity, list->count + 1, sizeof *list->items)) {
        p->failed = 1;
        return;
    }
    list->unsorted |= list->count > 0 && list->items[list->count - 1].place > place;
    list->items[list->count++] = (struct pointer_place){place, value, known};
}

/* Calls visit(ctx, r, sym) for each relocation the dynamic segment names,
 * those of DT_RELA then those of DT_JMPREL, with its symbol (all zero for
 * none, or one not in the table). */
static void each_relocation(const struct view *v, const struct dynamic *d,
                            unsigned long long symbols,
                            void (*visit)(void *ctx, const Elf64_Rela *r, const Elf64_Sym *sym),
                            void *ctx)
{
    const unsigned char *table = at(v, d->symtab, symbols * sizeof(Elf64_Sym));
    const unsigned long long tables[2][2] = {{d->rela, d->relasz}, {d->jmprel, d->pltrelsz}};
    for (int t = 0; t < 2; t++) {
        const unsigned char *bytes = tables[t][1] ? at(v, tables[t][0], tables[t][1]) : NULL;
        for (unsigned long long k = 0; bytes && k < tables[t][1] / sizeof(Elf64_Rela); k++) {
            Elf64_Rela r;
            Elf64_Sym sym = {0};
            memcpy(&r, bytes + k * sizeof r, sizeof r);
            unsigned long index = ELF64_R_SYM(r.r_info);
            if (table && index < symbols)
                memcpy(&sym, table + index * sizeof sym, sizeof sym);
            visit(ctx, &r, &sym);
        }
    }
}

/* A relocation's place, and the pointer it leaves there if that can be
 * told before loading. */
static void add_relocation(void *ctx, const Elf64_Rela *r, const Elf64_Sym *sym)
{
    struct hot__elf_pointers *p = ctx;
    unsigned long type = ELF64_R_TYPE(r->r_info);
    /* A symbol the file defines, not interposable: hidden, or -Bsymbolic. */
    int defined = sym->st_shndx != SHN_UNDEF && ELF64_ST_VISIBILITY(sym->st_other) != STV_DEFAULT;
    if (type == p->machine->relative)
        add_place(p, &p->relative, r->r_offset, (unsigned long long)r->r_addend, 1);
    else if (type == p->machine->pointer && defined)
        add_place(p, &p->other, r->r_offset, sym->st_value + (unsigned long long)r->r_addend, 1);
    else
        add_place(p, &p->other, r->r_offset, 0, 0);
}

static int by_place(const void *a, const void *b)
{
    unsigned long long x = ((const struct pointer_place *)a)->place;
    unsigned long long y = ((const struct pointer_place *)b)->place;
    return x < y ? -1 : x > y;
}

static size_t place_slot(const struct place_list *list, unsigned long long place)
{
    return (size_t)((place >> 3) * 0x9e3779b97f4a7c15ULL >> 17) & list->mask;
}

/* Sorts list by place and indexes each place's run. Returns 0, or -1 when
 * memory ran out. */
static int index_places(struct place_list *list)
{
    if (list->unsorted)
        qsort(list->items, list->count, sizeof *list->items, by_place);
    if (list->count == 0)
        return 0;
    if (list->count >= UINT32_MAX / 4)
        return -1;
    size_t capacity = 16;
    while (capacity < 2 * list->count)
        capacity *= 2;
    list->slots = calloc(capacity, sizeof *list->slots);
    if (!list->slots)
        return -1;
    list->mask = capacity - 1;
    for (size_t k = 0; k < list->count; k++) {
        if (k > 0 && list->items[k].place == list->items[k - 1].place)
            continue;
        size_t i = place_slot(list, list->items[k].place);
        while (list->slots[i])
            i = (i + 1) & list->mask;
        list->slots[i] = (uint32_t)k + 1;
    }
    return 0;
}

/* How many of list's places are address, the first of them in *first. */
static size_t find_places(const struct place_list *list, unsigned long long address,
                          const struct pointer_place **first)
{
    size_t low = list->count;
    for (size_t i = list->slots ? place_slot(list, address) : 0; list->slots && list->slots[i];
         i = (i + 1) & list->mask) {
        if (list->items[list->slots[i] - 1].place == address) {
            low = list->slots[i] - 1;
            break;
        }
    }
    size_t found = 0;
    while (low + found < list->count && list->items[low + found].place == address)
        found++;
    *first = found ? &list->items[low] : NULL;
    return found;
}

/* A packed relative relocation's place: it holds its own addend. */
static int add_relr_place(struct view *v, unsigned long long place, void *ctx)
{
    struct hot__elf_pointers *p = ctx;
    const unsigned char *bytes = at(v, place, 8);
    uint64_t value = 0;
    if (bytes)
        memcpy(&value, bytes, sizeof value);
    add_place(p, &p->relative, place, value, bytes != NULL);
    return p->failed;
}

struct hot__elf_pointers *hot__elf_pointers_new(const unsigned char *image, size_t size)
{
    struct hot__elf_pointers *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->image = image;
    p->size = size;
    /* The relocations the loader applies: those the dynamic segment names. */
    char err[128];
    struct view v;
    struct dynamic d;
    unsigned long long symbols;
    if (open_view(image, size, &v, &d, &symbols, err, sizeof err) == 0) {
        p->machine = v.machine;
        p->packed = d.relrsz > 0;
        each_relocation(&v, &d, symbols, add_relocation, p);
        each_relr_place(&v, &d, add_relr_place, p);
    }
    if (p->failed || index_places(&p->relative) != 0 || index_places(&p->other) != 0) {
        hot__elf_pointers_free(p);
        return NULL;
    }
    return p;
}

int hot__elf_pointers_packed(const struct hot__elf_pointers *p)
{
    return p->packed;
}

void hot__elf_pointers_free(struct hot__elf_pointers *p)
{
    if (p) {
        free(p->relative.items);
        free(p->relative.slots);
        free(p->other.items);
        free(p->other.slots);
    }
    free(p);
}

int hot__elf_pointer_at(const struct hot__elf_pointers *p, unsigned long long address,
                        unsigned long long *value)
{
    const struct pointer_place *relative, *other;
    size_t found =
        find_places(&p->relative, address, &relative) + find_places(&p->other, address, &other);
    /* A second relocation of the same place is no link's: nothing can be told. */
    if (found > 0) {
        const struct pointer_place *place = relative ? relative : other;
        *value = place->value;
        return found == 1 && place->known ? 0 : -1;
    }
    /* Not relocated: only a null pointer means what the file holds. */
    const unsigned char *bytes = hot__elf_at(p->image, p->size, address, 8);
    uint64_t stored = 1;
    if (bytes)
        memcpy(&stored, bytes, sizeof stored);
    *value = 0;
    return stored == 0 ? 0 : -1;
}

/* What hot__elf_symbol_slots gathers. */
struct slot_search {
    const struct view *v;
    const struct dynamic *d;
    const char *symbol;
    struct hot__image_slot *slots;
    size_t max, found;
};

static void add_slot(void *ctx, const Elf64_Rela *r, const Elf64_Sym *sym)
{
    struct slot_search *s = ctx;
    unsigned long type = ELF64_R_TYPE(r->r_info);
    unsigned long pointer = s->v->machine->pointer;
    if ((type != s->v->machine->address && type != pointer) || ELF64_R_SYM(r->r_info) == 0 ||
        !string_ok(s->v, s->d, sym->st_name) || (r->r_offset & 7) || !writable(s->v, r->r_offset))
        return;
    const char *name = (const char *)at(s->v, s->d->strtab, s->d->strsz) + sym->st_name;
    if (strcmp(name, s->symbol) != 0)
        return;
    int read_only = r->r_offset >= s->v->relro && r->r_offset - s->v->relro < s->v->relro_size;
    if (s->found < s->max)
        s->slots[s->found] =
            (struct hot__image_slot){r->r_offset, type == pointer ? r->r_addend : 0, read_only};
    s->found++;
}

size_t hot__elf_symbol_slots(const unsigned char *image, size_t size, const char *symbol,
                             unsigned long long extent, struct hot__image_slot *slots, size_t max)
{
    (void)extent;
    struct view v;
    struct dynamic d;
    unsigned long long symbols;
    char err[128];
    if (open_view(image, size, &v, &d, &symbols, err, sizeof err) != 0)
        return 0;
    struct slot_search search = {&v, &d, symbol, slots, max, 0};
    each_relocation(&v, &d, symbols, add_slot, &search);
    return search.found;
}
