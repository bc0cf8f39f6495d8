/* runtime/pe_image.c
 * The PE readers (pe_image.h): PE32+ files as the PE-format specification
 * lays them out, every field read little-endian through le() from bytes
 * first checked to lie in the file. A section's file bytes are the first
 * min(VirtualSize, SizeOfRawData) bytes of its raw data: what the loader
 * copies in; the rest of it in memory is zeros. */
#include "pe_image.h"

#include "elf_machine.h"
#include "elf_format.h"
#include "grow.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The PE-format specification's numbers. */
enum {
    MZ_HEADER = 64,           /* the MS-DOS header, whose e_lfanew is at 0x3c */
    COFF_HEADER = 20,         /* after the "PE\0\0" signature */
    OPTIONAL_FIXED = 112,     /* a PE32+ optional header before its data directories */
    PE32_PLUS = 0x20b,        /* the optional header's magic */
    SECTION_HEADER = 40,      /* one entry of the section table */
    MAX_SECTIONS = 96,        /* the most the loader takes */
    COFF_SYMBOL = 18,         /* one entry of the COFF symbol table */
    FILE_EXECUTABLE = 0x0002, /* IMAGE_FILE_EXECUTABLE_IMAGE */
    FILE_DLL = 0x2000,        /* IMAGE_FILE_DLL */
    SCN_EXECUTE = 0x20000000, /* IMAGE_SCN_MEM_EXECUTE */
    MACHINE_AMD64 = 0x8664,   /* IMAGE_FILE_MACHINE_AMD64 */
    MACHINE_ARM64 = 0xaa64,   /* IMAGE_FILE_MACHINE_ARM64 */
    REL_ABSOLUTE = 0,         /* IMAGE_REL_BASED_ABSOLUTE: padding */
    REL_DIR64 = 10,           /* IMAGE_REL_BASED_DIR64 */
    FUNCTION_TYPE = 0x20,     /* a COFF symbol's type: a function */
    STORAGE_EXTERNAL = 2,     /* IMAGE_SYM_CLASS_EXTERNAL */
    STORAGE_STATIC = 3,       /* IMAGE_SYM_CLASS_STATIC */
    DEBUG_CODEVIEW = 2,       /* IMAGE_DEBUG_TYPE_CODEVIEW */
    MAX_TLS_CALLBACKS = 1024, /* more, in a file of ours, is damage */
};

#define SCN_WRITE 0x80000000u /* IMAGE_SCN_MEM_WRITE: past an enum's range */

/* Data directories, by index. */
enum {
    DIR_EXPORT,
    DIR_IMPORT,
    DIR_RESOURCE,
    DIR_EXCEPTION,
    DIR_SECURITY, /* a file offset, not an RVA; never mapped */
    DIR_BASERELOC,
    DIR_DEBUG,
    DIR_ARCHITECTURE,
    DIR_GLOBALPTR,
    DIR_TLS,
    DIR_LOAD_CONFIG,
    DIR_BOUND_IMPORT,
    DIR_IAT,
    DIR_DELAY_IMPORT,
    DIR_CLR,
    DIR_RESERVED,
    DIR_COUNT, /* 16 */
};

/* 1 if [offset, offset + size) lies within limit. */
static int within(unsigned long long offset, unsigned long long size, unsigned long long limit)
{
    return offset <= limit && size <= limit - offset;
}

/* The n-byte little-endian number at p (n <= 8). */
static unsigned long long le(const unsigned char *p, int n)
{
    unsigned long long v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* What the headers say, once they are read. */
struct pe {
    const unsigned char *image;
    size_t size;
    unsigned machine;                 /* COFF Machine */
    unsigned characteristics;         /* COFF Characteristics */
    unsigned long long symbols;       /* the COFF symbol table's file offset; 0: none */
    unsigned long long symbol_count;  /* its entries */
    unsigned long long base;          /* ImageBase */
    unsigned long long entry;         /* AddressOfEntryPoint, an RVA; 0: none */
    unsigned long long section_align; /* SectionAlignment */
    unsigned long long file_align;    /* FileAlignment */
    unsigned long long image_size;    /* SizeOfImage */
    unsigned long long headers_size;  /* SizeOfHeaders */
    unsigned long long directories;   /* file offset of the data directories */
    unsigned directory_count;         /* NumberOfRvaAndSizes, at most DIR_COUNT */
    unsigned long long sections;      /* file offset of the section table */
    unsigned section_count;
};

/* One section's header. */
struct section {
    const unsigned char *name; /* 8 bytes, NUL-padded; "/<n>": the string table's */
    unsigned long long virtual_size, rva, raw_size, raw_at, flags;
};

int hot__pe_is(const unsigned char *image, size_t size)
{
    if (size < MZ_HEADER || image[0] != 'M' || image[1] != 'Z')
        return 0;
    unsigned long long at = le(image + 0x3c, 4);
    return within(at, 4, size) && memcmp(image + at, "PE\0\0", 4) == 0;
}

/* Reads the headers of image[0..size) into *pe, each within the bytes
 * given: 1, or 0 with why in err (when given). Checks nothing the loader
 * would not need to find them. */
static int read_headers(const unsigned char *image, size_t size, struct pe *pe, char *err,
                        size_t errlen)
{
    memset(pe, 0, sizeof *pe);
    pe->image = image;
    pe->size = size;
    if (!hot__pe_is(image, size)) {
        if (err)
            snprintf(err, errlen, "is not a shared library (an MZ file without a PE header)");
        return 0;
    }
    unsigned long long coff = le(image + 0x3c, 4) + 4;
    if (!within(coff, COFF_HEADER, size)) {
        if (err)
            snprintf(err, errlen, "is truncated (%zu bytes, not even a PE header)", size);
        return 0;
    }
    const unsigned char *c = image + coff;
    pe->machine = (unsigned)le(c, 2);
    pe->section_count = (unsigned)le(c + 2, 2);
    pe->symbols = le(c + 8, 4);
    pe->symbol_count = le(c + 12, 4);
    unsigned long long optional_size = le(c + 16, 2);
    pe->characteristics = (unsigned)le(c + 18, 2);
    unsigned long long optional = coff + COFF_HEADER;
    if (!within(optional, 2, size) || !within(optional, optional_size, size)) {
        if (err)
            snprintf(err, errlen, "is truncated (%zu bytes, not even its PE headers)", size);
        return 0;
    }
    const unsigned char *o = image + optional;
    if (le(o, 2) != PE32_PLUS) {
        if (err)
            snprintf(err, errlen, "is not a 64-bit PE file (optional header magic %#x)",
                     (unsigned)le(o, 2));
        return 0;
    }
    if (optional_size < OPTIONAL_FIXED) {
        if (err)
            snprintf(err, errlen, "has a corrupt PE header (an optional header of %llu bytes)",
                     optional_size);
        return 0;
    }
    pe->entry = le(o + 16, 4);
    pe->base = le(o + 24, 8);
    pe->section_align = le(o + 32, 4);
    pe->file_align = le(o + 36, 4);
    pe->image_size = le(o + 56, 4);
    pe->headers_size = le(o + 60, 4);
    unsigned long long count = le(o + 108, 4);
    if (count > DIR_COUNT || OPTIONAL_FIXED + count * 8 > optional_size) {
        if (err)
            snprintf(err, errlen, "has a corrupt PE header (%llu data directories)", count);
        return 0;
    }
    pe->directory_count = (unsigned)count;
    pe->directories = optional + OPTIONAL_FIXED;
    pe->sections = optional + optional_size;
    if (pe->section_count > MAX_SECTIONS ||
        !within(pe->sections, (unsigned long long)pe->section_count * SECTION_HEADER, size)) {
        if (err)
            snprintf(err, errlen, "has a section table this runtime cannot read");
        return 0;
    }
    return 1;
}

static struct section section_at(const struct pe *pe, unsigned i)
{
    const unsigned char *h = pe->image + pe->sections + (unsigned long long)i * SECTION_HEADER;
    return (struct section){
        h, le(h + 8, 4), le(h + 12, 4), le(h + 16, 4), le(h + 20, 4), le(h + 36, 4)};
}

/* How many bytes of s the file gives. */
static unsigned long long file_part(const struct section *s)
{
    return s->virtual_size && s->virtual_size < s->raw_size ? s->virtual_size : s->raw_size;
}

/* The section whose file bytes hold RVAs [rva, rva + length), all in the
 * bytes given: 1 with it in *out, else 0. */
static int file_section(const struct pe *pe, unsigned long long rva, unsigned long long length,
                        struct section *out)
{
    for (unsigned i = 0; i < pe->section_count; i++) {
        struct section s = section_at(pe, i);
        if (rva >= s.rva && within(rva - s.rva, length, file_part(&s)) &&
            within(s.raw_at, file_part(&s), pe->size)) {
            *out = s;
            return 1;
        }
    }
    return 0;
}

/* The file bytes at RVAs [rva, rva + length), or NULL. */
static const unsigned char *bytes_at(const struct pe *pe, unsigned long long rva,
                                     unsigned long long length)
{
    struct section s;
    return file_section(pe, rva, length, &s) ? pe->image + s.raw_at + (rva - s.rva) : NULL;
}

/* The NUL-terminated string at rva, ending in the same section's file
 * bytes, or NULL. */
static const char *string_at_rva(const struct pe *pe, unsigned long long rva)
{
    struct section s;
    if (!file_section(pe, rva, 1, &s))
        return NULL;
    const char *start = (const char *)pe->image + s.raw_at + (rva - s.rva);
    return memchr(start, '\0', file_part(&s) - (rva - s.rva)) ? start : NULL;
}

/* The RVA of address (as linked), or ULLONG_MAX if it is below the base. */
static unsigned long long rva_of(const struct pe *pe, unsigned long long address)
{
    return address >= pe->base ? address - pe->base : ULLONG_MAX;
}

/* Data directory i: its RVA and size, 0 and 0 when absent. */
static void directory(const struct pe *pe, unsigned i, unsigned long long *rva,
                      unsigned long long *size)
{
    *rva = *size = 0;
    if (i < pe->directory_count) {
        *rva = le(pe->image + pe->directories + i * 8, 4);
        *size = le(pe->image + pe->directories + i * 8 + 4, 4);
    }
}

/* The string table after the COFF symbols: its bytes and size, or 0. */
static unsigned long long string_table(const struct pe *pe, const unsigned char **table);

const char *hot__pe_incomplete(const unsigned char *image, size_t size)
{
    struct pe pe;
    if (size == 0)
        return "is empty";
    if (!hot__pe_is(image, size))
        return "has no PE header yet";
    unsigned long long coff = le(image + 0x3c, 4) + 4;
    if (!within(coff, COFF_HEADER, size))
        return "ends before its PE header";
    unsigned long long optional_size = le(image + coff + 16, 2);
    unsigned long long section_table = coff + COFF_HEADER + optional_size;
    if (!within(coff + COFF_HEADER, optional_size, size) ||
        !within(section_table, le(image + coff + 2, 2) * (unsigned long long)SECTION_HEADER, size))
        return "ends before its section table";
    if (!read_headers(image, size, &pe, NULL, 0))
        return NULL; /* whole, but not what the checks take: they say why */
    for (unsigned i = 0; i < pe.section_count; i++) {
        struct section s = section_at(&pe, i);
        if (s.raw_size && !within(s.raw_at, s.raw_size, size))
            return "ends before its sections";
    }
    const unsigned char *table;
    if (pe.symbols && !string_table(&pe, &table))
        return "ends before its symbols";
    return NULL;
}

/* The ELF e_machine naming pe's processor, or 0. Of these, only x86-64
 * DLLs are read (ARM64's unwind entries, for one, are laid out otherwise):
 * an ARM64 one is named, then refused. */
static unsigned elf_machine_of(unsigned pe_machine)
{
    return pe_machine == MACHINE_AMD64 ? EM_X86_64 : pe_machine == MACHINE_ARM64 ? EM_AARCH64 : 0;
}

static int power_of_two(unsigned long long n)
{
    return n && !(n & (n - 1));
}

int hot__pe_check(const unsigned char *image, size_t image_size, long long file_size,
                  unsigned machine, char *err, size_t errlen)
{
    struct pe pe;
    unsigned long long size = file_size > 0 ? (unsigned long long)file_size : 0;
    if (file_size == 0) {
        snprintf(err, errlen, "is empty");
        return -1;
    }
    if (!read_headers(image, image_size, &pe, err, errlen))
        return -1;
    unsigned file_machine = elf_machine_of(pe.machine);
    if (file_machine && file_machine != EM_X86_64 && (!machine || machine == file_machine)) {
        snprintf(err, errlen, "is built for %s (PE machine %#x); vais-hot reads x86-64 DLLs only",
                 hot__elf_machine_name(file_machine), pe.machine);
        return -1;
    }
    if (machine ? file_machine != machine : !hot__elf_machine(file_machine)) {
        const char *name = file_machine ? hot__elf_machine_name(file_machine) : "a machine";
        if (machine)
            snprintf(err, errlen, "is built for %s (PE machine %#x), this program is %s", name,
                     pe.machine, hot__elf_machine_name(machine));
        else
            snprintf(err, errlen,
                     "is built for %s (PE machine %#x), whose files vais-hot does "
                     "not read",
                     name, pe.machine);
        return -1;
    }
    if ((pe.characteristics & (FILE_EXECUTABLE | FILE_DLL)) != (FILE_EXECUTABLE | FILE_DLL)) {
        snprintf(err, errlen, "is not a DLL (PE characteristics %#x)", pe.characteristics);
        return -1;
    }
    if (!power_of_two(pe.section_align) || !power_of_two(pe.file_align) ||
        pe.file_align > 0x10000 || pe.file_align > pe.section_align || pe.base % 0x10000 != 0 ||
        pe.image_size % pe.section_align != 0) {
        snprintf(err, errlen, "has a corrupt PE header (alignment, base or image size)");
        return -1;
    }
    unsigned long long table_end =
        pe.sections + (unsigned long long)pe.section_count * SECTION_HEADER;
    if (pe.headers_size < table_end || pe.headers_size > pe.image_size) {
        snprintf(err, errlen, "has a corrupt PE header (its size of headers)");
        return -1;
    }
    /* Sections in order of address, none overlapping another or the
     * headers, all inside the image, their file bytes where the
     * specification puts them, at multiples of the file alignment (a
     * loader rounds an offset that is not: Wine maps the 512-byte sectors
     * around it, so a section of zeros, given a misplaced offset, started
     * with other bytes); the file reaches each one's bytes. */
    unsigned long long end = pe.headers_size, next = pe.headers_size;
    for (unsigned i = 0; i < pe.section_count; i++) {
        struct section s = section_at(&pe, i);
        unsigned long long span = s.virtual_size > s.raw_size ? s.virtual_size : s.raw_size;
        if (s.rva % pe.section_align != 0 || s.rva < next || !within(s.rva, span, pe.image_size) ||
            s.raw_at > ULLONG_MAX - s.raw_size || s.raw_at % pe.file_align != 0 ||
            s.raw_size % pe.file_align != 0) {
            snprintf(err, errlen, "has a corrupt section table (section %u)", i + 1);
            return -1;
        }
        next = s.rva + span;
        if (s.raw_size && s.raw_at + s.raw_size > end)
            end = s.raw_at + s.raw_size;
    }
    if (pe.symbols) { /* the COFF symbols and their strings, which a linker writes last */
        unsigned long long strings = pe.symbols + pe.symbol_count * COFF_SYMBOL, length = 4;
        if (within(strings, 4, image_size) && le(image + strings, 4) > 4)
            length = le(image + strings, 4);
        if (strings + length > end)
            end = strings + length;
    }
    if (end > size) {
        snprintf(err, errlen, "is truncated (%lld of %llu bytes)", file_size, end);
        return -1;
    }
    return 0;
}

/* Where the checks of the loader's part say what is wrong. */
struct view {
    struct pe pe;
    const struct hot__pe_pointers *pointers;
    char *err;
    size_t errlen;
    /* What the loader reads as it maps the file, RVA ranges [0] to [1]: no
     * base relocation may change it, or what was checked is not what it
     * reads. */
    unsigned long long (*read)[2];
    size_t read_count, read_capacity;
    int no_memory;
};

/* Notes that the loader reads RVAs [rva, rva + length). */
static void reads(struct view *v, unsigned long long rva, unsigned long long length)
{
    if (hot__grow(&v->read, &v->read_capacity, v->read_count + 1, sizeof *v->read) != 0)
        v->no_memory = 1;
    else
        v->read[v->read_count][0] = rva, v->read[v->read_count++][1] = rva + length;
}

static int by_start(const void *a, const void *b)
{
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return x < y ? -1 : x > y;
}

/* 1 if RVAs [rva, rva + 8) overlap what the loader reads (v->read, sorted
 * by start and merged). */
static int read_by_loader(const struct view *v, unsigned long long rva)
{
    size_t low = 0, high = v->read_count; /* the first range starting at or past rva + 8 */
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (v->read[mid][0] < rva + 8)
            low = mid + 1;
        else
            high = mid;
    }
    return low > 0 && v->read[low - 1][1] > rva;
}

static int wrong(struct view *v, const char *what)
{
    snprintf(v->err, v->errlen, "has a corrupt loader part (%s)", what);
    return -1;
}

/* The checks of the exports: every array and name inside the file. */
static int check_exports(struct view *v, unsigned long long rva, unsigned long long size)
{
    const unsigned char *d = bytes_at(&v->pe, rva, 40);
    if (!d)
        return wrong(v, "the export directory");
    unsigned long long functions = le(d + 20, 4), names = le(d + 24, 4);
    unsigned long long function_at = le(d + 28, 4), name_at = le(d + 32, 4),
                       ordinal_at = le(d + 36, 4);
    const char *dll = string_at_rva(&v->pe, le(d + 12, 4));
    if (!dll || (functions && !bytes_at(&v->pe, function_at, functions * 4)) ||
        (names &&
         (!bytes_at(&v->pe, name_at, names * 4) || !bytes_at(&v->pe, ordinal_at, names * 2))))
        return wrong(v, "the export directory's tables");
    reads(v, rva, 40);
    reads(v, le(d + 12, 4), strlen(dll) + 1);
    reads(v, function_at, functions * 4);
    reads(v, name_at, names * 4);
    reads(v, ordinal_at, names * 2);
    const char *last = NULL;
    for (unsigned long long i = 0; i < names; i++) {
        const unsigned char *n = bytes_at(&v->pe, name_at + i * 4, 4);
        const unsigned char *o = bytes_at(&v->pe, ordinal_at + i * 2, 2);
        const char *name = n ? string_at_rva(&v->pe, le(n, 4)) : NULL;
        if (!name || !o || le(o, 2) >= functions)
            return wrong(v, "an export's name or ordinal");
        /* The loader looks a name up by binary search: what it finds must
         * be what the readers find. */
        if (last && strcmp(last, name) >= 0)
            return wrong(v, "export names out of order");
        last = name;
        reads(v, le(n, 4), strlen(name) + 1);
    }
    for (unsigned long long i = 0; i < functions; i++) {
        const unsigned char *f = bytes_at(&v->pe, function_at + i * 4, 4);
        unsigned long long at = f ? le(f, 4) : ULLONG_MAX;
        int forwarder = at >= rva && at - rva < size; /* "DLL.name", a string */
        if (forwarder ? !string_at_rva(&v->pe, at) : at >= v->pe.image_size)
            return wrong(v, "an export's address");
    }
    return 0;
}

/* The checks of one import's lookup table (at ilt) and address table (at
 * iat): entries up to a null one, each by ordinal or naming a hint and a
 * name in the file; *budget entries at most, for all imports together
 * (tables that share entries could make the walk quadratic). */
static int check_import_tables(struct view *v, unsigned long long ilt, unsigned long long iat,
                               unsigned long long *budget)
{
    for (unsigned long long i = 0;; i++) {
        if ((*budget)-- == 0)
            return wrong(v, "more import entries than the file holds");
        const unsigned char *entry = bytes_at(&v->pe, ilt + i * 8, 8);
        if (!entry || !bytes_at(&v->pe, iat + i * 8, 8))
            return wrong(v, "an import's lookup table");
        reads(v, ilt + i * 8, 8);
        unsigned long long value = le(entry, 8);
        if (value == 0)
            return 0;
        if (value >> 63)
            continue; /* by ordinal */
        const char *name = value >> 31 || !bytes_at(&v->pe, value, 2)
                               ? NULL
                               : string_at_rva(&v->pe, value + 2); /* after its hint */
        if (!name)
            return wrong(v, "an import's name");
        reads(v, value, 2 + strlen(name) + 1);
    }
}

/* The checks of the import directory: descriptors up to a null one, each
 * naming its DLL and tables in the file. */
static int check_imports(struct view *v, unsigned long long rva)
{
    unsigned long long budget = v->pe.size / 8;
    for (unsigned long long at = rva;; at += 20) {
        const unsigned char *d = bytes_at(&v->pe, at, 20);
        if (!d)
            return wrong(v, "the import directory");
        reads(v, at, 20);
        unsigned long long lookup = le(d, 4), name = le(d + 12, 4), address = le(d + 16, 4);
        if (!lookup && !name && !address)
            return 0;
        const char *dll = string_at_rva(&v->pe, name);
        if (!dll)
            return wrong(v, "an imported DLL's name");
        reads(v, name, strlen(dll) + 1);
        if (check_import_tables(v, lookup ? lookup : address, address, &budget) != 0)
            return -1;
    }
}

/* The checks of the base relocations: blocks that tile the directory,
 * each entry padding or a DIR64 whose 8 bytes are in a section's file
 * bytes. Once what the loader reads is known (final), also: none of those
 * bytes is what the loader reads, and each holds an address in the image
 * (or just past its end): a linker relocates only pointers to the
 * library's own bytes, and code that follows one elsewhere (the C
 * library's start-up code reads its lists through such pointers) would
 * read or write what is not the library's. */
static int check_relocations(struct view *v, unsigned long long rva, unsigned long long size,
                             int final)
{
    const unsigned char *blocks = bytes_at(&v->pe, rva, size);
    if (!blocks)
        return wrong(v, "the base relocations");
    for (unsigned long long at = 0; at < size;) {
        if (size - at < 8)
            return wrong(v, "a base relocation block");
        unsigned long long page = le(blocks + at, 4), length = le(blocks + at + 4, 4);
        if (length < 8 || length % 2 != 0 || length > size - at)
            return wrong(v, "a base relocation block's size");
        for (unsigned long long e = 8; e < length; e += 2) {
            unsigned entry = (unsigned)le(blocks + at + e, 2);
            unsigned kind = entry >> 12;
            if (kind == REL_ABSOLUTE)
                continue;
            if (kind != REL_DIR64) {
                snprintf(v->err, v->errlen,
                         "has a base relocation of a kind this runtime does not know (%u)", kind);
                return -1;
            }
            const unsigned char *place = bytes_at(&v->pe, page + (entry & 0xfff), 8);
            if (!place)
                return wrong(v, "a base relocation's place");
            if (!final)
                continue;
            if (v->read_count && read_by_loader(v, page + (entry & 0xfff)))
                return wrong(v, "a base relocation of what the loader reads");
            if (rva_of(&v->pe, le(place, 8)) > v->pe.image_size)
                return wrong(v, "a relocated pointer outside the library");
        }
        at += length;
    }
    return 0;
}

/* The checks of the TLS directory: its ranges in the image, and each
 * callback the loader calls a relocated pointer into code. */
static int check_tls(struct view *v, unsigned long long rva)
{
    const unsigned char *d = bytes_at(&v->pe, rva, 40);
    if (!d)
        return wrong(v, "the TLS directory");
    /* Four pointers, which the loader uses once relocated; the rest it
     * reads as they are. */
    unsigned long long field[4];
    for (unsigned k = 0; k < 4; k++)
        if (hot__pe_pointer_at(v->pointers, v->pe.base + rva + 8 * k, &field[k]) != 0)
            return wrong(v, "a TLS directory pointer that is not relocated");
    reads(v, rva + 32, 8);
    unsigned long long start = rva_of(&v->pe, field[0]), end = rva_of(&v->pe, field[1]);
    unsigned long long index = rva_of(&v->pe, field[2]);
    if (start > end || end > v->pe.image_size || !within(index, 4, v->pe.image_size))
        return wrong(v, "the TLS directory's ranges");
    for (unsigned i = 0; field[3] && i < MAX_TLS_CALLBACKS; i++) {
        unsigned long long code;
        if (hot__pe_pointer_at(v->pointers, field[3] + i * 8ull, &code) != 0)
            return wrong(v, "a TLS callback");
        if (!code)
            return 0;
        if (!hot__pe_in_code(v->pe.image, v->pe.size, code, 0, 1))
            return wrong(v, "a TLS callback outside the code");
    }
    return field[3] ? wrong(v, "the TLS callbacks") : 0;
}

/* The checks of the exception directory: each function's range in code
 * (empty ones too: gcc writes some, and the loader's search never finds
 * them), its unwind information in the file. */
static int check_exceptions(struct view *v, unsigned long long rva, unsigned long long size)
{
    if (size % 12 != 0)
        return wrong(v, "the exception directory's size");
    for (unsigned long long at = 0; at < size; at += 12) {
        const unsigned char *f = bytes_at(&v->pe, rva + at, 12);
        if (!f)
            return wrong(v, "the exception directory");
        unsigned long long begin = le(f, 4), end = le(f + 4, 4), unwind = le(f + 8, 4);
        if (begin > end ||
            !hot__pe_in_code(v->pe.image, v->pe.size, v->pe.base + begin, 0, end - begin) ||
            !bytes_at(&v->pe, unwind & ~1ull, 4))
            return wrong(v, "a function's unwind entry");
    }
    return 0;
}

static int check_references(struct view *v);

int hot__pe_check_loader(const unsigned char *image, size_t size,
                         const struct hot__pe_pointers *pointers, char *err, size_t errlen)
{
    struct view v = {.pointers = pointers, .err = err, .errlen = errlen};
    if (!read_headers(image, size, &v.pe, err, errlen))
        return -1;
    unsigned long long rva, length;
    for (unsigned i = 0; i < v.pe.directory_count; i++) {
        directory(&v.pe, i, &rva, &length);
        if (!length || i == DIR_SECURITY || i == DIR_ARCHITECTURE || i == DIR_GLOBALPTR)
            continue; /* not read by the loader, or (security) not mapped */
        int in_headers = i == DIR_BOUND_IMPORT && within(rva, length, v.pe.headers_size) &&
                         within(rva, length, size); /* where linkers put them */
        if (!within(rva, length, v.pe.image_size) || (!in_headers && !bytes_at(&v.pe, rva, length)))
            return wrong(&v, "a data directory outside the file");
    }
    directory(&v.pe, DIR_DELAY_IMPORT, &rva, &length);
    if (length) {
        snprintf(err, errlen, "has delay-load imports, which this runtime does not read");
        return -1;
    }
    directory(&v.pe, DIR_CLR, &rva, &length);
    if (length) {
        snprintf(err, errlen, "is a .NET assembly, which this runtime does not load");
        return -1;
    }
    if (v.pe.entry && !hot__pe_in_code(image, size, v.pe.base + v.pe.entry, 0, 1))
        return wrong(&v, "an entry point outside the code");
    /* The relocations first, whole, as the pointers the checks follow
     * come from them; then what the loader reads; then no relocation may
     * change that, and each must lead into the library. */
    directory(&v.pe, DIR_BASERELOC, &rva, &length);
    if (length && check_relocations(&v, rva, length, 0) != 0)
        return -1;
    directory(&v.pe, DIR_EXPORT, &rva, &length);
    int status = length ? check_exports(&v, rva, length) : 0;
    directory(&v.pe, DIR_IMPORT, &rva, &length);
    if (status == 0 && length)
        status = check_imports(&v, rva);
    directory(&v.pe, DIR_TLS, &rva, &length);
    if (status == 0 && length)
        status = check_tls(&v, rva);
    directory(&v.pe, DIR_EXCEPTION, &rva, &length);
    if (status == 0 && length)
        status = check_exceptions(&v, rva, length);
    directory(&v.pe, DIR_BASERELOC, &rva, &length);
    if (status == 0 && length && !v.no_memory) { /* all that the loader reads is known */
        if (v.read_count)
            qsort(v.read, v.read_count, sizeof *v.read, by_start);
        size_t merged = 0;
        for (size_t i = 0; i < v.read_count; i++) {
            if (merged && v.read[i][0] <= v.read[merged - 1][1]) {
                if (v.read[i][1] > v.read[merged - 1][1])
                    v.read[merged - 1][1] = v.read[i][1];
            } else {
                v.read[merged][0] = v.read[i][0];
                v.read[merged++][1] = v.read[i][1];
            }
        }
        v.read_count = merged;
        status = check_relocations(&v, rva, length, 1);
    }
    free(v.read);
    /* Then the pointers that the symbols name, each a relocated one. */
    if (status == 0 && !v.no_memory)
        status = check_references(&v);
    if (status == 0 && v.no_memory) {
        snprintf(err, errlen, "could not be checked: out of memory");
        status = -2;
    }
    return status;
}

/* The relocated places, sorted RVAs. */
struct hot__pe_pointers {
    const unsigned char *image;
    size_t size;
    unsigned *places;
    size_t count, capacity;
};

static int by_value(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Calls visit(ctx, rva) for the place of each DIR64 base relocation of a
 * checked file read into pe, in their order, until it returns nonzero,
 * which it returns; 0 when all were visited. */
static int each_pointer(const struct pe *pe, int (*visit)(void *ctx, unsigned rva), void *ctx)
{
    unsigned long long rva, length;
    directory(pe, DIR_BASERELOC, &rva, &length);
    const unsigned char *blocks = length ? bytes_at(pe, rva, length) : NULL;
    for (unsigned long long at = 0; blocks && length - at >= 8;) {
        unsigned long long page = le(blocks + at, 4), block = le(blocks + at + 4, 4);
        if (block < 8 || block > length - at)
            break; /* corrupt: hot__pe_check_loader says so */
        for (unsigned long long e = 8; e + 2 <= block; e += 2) {
            unsigned entry = (unsigned)le(blocks + at + e, 2);
            if (entry >> 12 != REL_DIR64 || page + (entry & 0xfff) > UINT_MAX)
                continue;
            int stop = visit(ctx, (unsigned)(page + (entry & 0xfff)));
            if (stop)
                return stop;
        }
        at += block;
    }
    return 0;
}

static int add_place(void *ctx, unsigned rva)
{
    struct hot__pe_pointers *p = ctx;
    if (hot__grow(&p->places, &p->capacity, p->count + 1, sizeof *p->places) != 0)
        return -1;
    p->places[p->count++] = rva;
    return 0;
}

struct hot__pe_pointers *hot__pe_pointers_new(const unsigned char *image, size_t size)
{
    struct hot__pe_pointers *p = calloc(1, sizeof *p);
    struct pe pe;
    if (!p)
        return NULL;
    p->image = image;
    p->size = size;
    if (!read_headers(image, size, &pe, NULL, 0))
        return p;
    if (each_pointer(&pe, add_place, p) != 0) {
        hot__pe_pointers_free(p);
        return NULL;
    }
    if (p->count)
        qsort(p->places, p->count, sizeof *p->places, by_value);
    return p;
}

/* What hot__pe_symbol_slots gathers: the places holding an address in
 * [address, address + extent). */
struct slot_search {
    const struct pe *pe;
    unsigned long long address, extent;
    struct hot__image_slot *slots;
    size_t max, found;
};

static int add_slot(void *ctx, unsigned rva)
{
    struct slot_search *s = ctx;
    struct section section;
    if ((rva & 7) || !file_section(s->pe, rva, 8, &section))
        return 0; /* a place not stored to atomically, or a corrupt file's */
    unsigned long long value = le(s->pe->image + section.raw_at + (rva - section.rva), 8);
    if (value < s->address || value - s->address >= s->extent)
        return 0;
    if (s->found < s->max)
        s->slots[s->found] = (struct hot__image_slot){
            s->pe->base + rva, (long long)(value - s->address), !(section.flags & SCN_WRITE)};
    s->found++;
    return 0;
}

size_t hot__pe_symbol_slots(const unsigned char *image, size_t size, const char *symbol,
                            unsigned long long extent, struct hot__image_slot *slots, size_t max)
{
    struct pe pe;
    unsigned long long address = hot__pe_symbol_address(image, size, symbol);
    if (!address || !read_headers(image, size, &pe, NULL, 0))
        return 0;
    struct slot_search search = {&pe, address, extent ? extent : 1, slots, max, 0};
    each_pointer(&pe, add_slot, &search);
    return search.found;
}

void hot__pe_pointers_free(struct hot__pe_pointers *pointers)
{
    if (pointers)
        free(pointers->places);
    free(pointers);
}

int hot__pe_pointer_at(const struct hot__pe_pointers *pointers, unsigned long long address,
                       unsigned long long *value)
{
    struct pe pe;
    *value = 0;
    if (!read_headers(pointers->image, pointers->size, &pe, NULL, 0))
        return -1;
    unsigned long long rva = rva_of(&pe, address);
    const unsigned char *bytes = rva <= UINT_MAX ? bytes_at(&pe, rva, 8) : NULL;
    unsigned key = (unsigned)rva;
    if (bytes && pointers->count &&
        bsearch(&key, pointers->places, pointers->count, sizeof key, by_value)) {
        *value = le(bytes, 8);
        return 0;
    }
    if (bytes)
        return le(bytes, 8) == 0 ? 0 : -1;
    /* Past a section's file bytes but inside it: zeros the loader leaves. */
    for (unsigned i = 0; i < pe.section_count && rva != ULLONG_MAX; i++) {
        struct section s = section_at(&pe, i);
        if (rva >= s.rva + file_part(&s) && within(rva - s.rva, 8, s.virtual_size))
            return 0;
    }
    return -1;
}

const unsigned char *hot__pe_at(const unsigned char *image, size_t size, unsigned long long address,
                                unsigned long long length)
{
    struct pe pe;
    return read_headers(image, size, &pe, NULL, 0) ? bytes_at(&pe, rva_of(&pe, address), length)
                                                   : NULL;
}

const char *hot__pe_string_at(const unsigned char *image, size_t size, unsigned long long address)
{
    struct pe pe;
    return read_headers(image, size, &pe, NULL, 0) ? string_at_rva(&pe, rva_of(&pe, address))
                                                   : NULL;
}

int hot__pe_in_code(const unsigned char *image, size_t size, unsigned long long address,
                    unsigned long long before, unsigned long long after)
{
    struct pe pe;
    struct section s;
    if (!read_headers(image, size, &pe, NULL, 0) || address < before || before > ULLONG_MAX - after)
        return 0;
    unsigned long long rva = rva_of(&pe, address - before);
    return rva != ULLONG_MAX && file_section(&pe, rva, before + after, &s) &&
           (s.flags & SCN_EXECUTE);
}

unsigned long long hot__pe_symbol_address(const unsigned char *image, size_t size, const char *name)
{
    struct pe pe;
    unsigned long long rva, length;
    if (!read_headers(image, size, &pe, NULL, 0))
        return 0;
    directory(&pe, DIR_EXPORT, &rva, &length);
    const unsigned char *d = length ? bytes_at(&pe, rva, 40) : NULL;
    if (!d)
        return 0;
    unsigned long long functions = le(d + 20, 4), names = le(d + 24, 4);
    if (!bytes_at(&pe, le(d + 32, 4), names * 4)) /* more names than the file holds */
        return 0;
    for (unsigned long long i = 0; i < names; i++) {
        const unsigned char *n = bytes_at(&pe, le(d + 32, 4) + i * 4, 4);
        const unsigned char *o = bytes_at(&pe, le(d + 36, 4) + i * 2, 2);
        const char *text = n ? string_at_rva(&pe, le(n, 4)) : NULL;
        if (!text || !o || strcmp(text, name) != 0 || le(o, 2) >= functions)
            continue;
        const unsigned char *f = bytes_at(&pe, le(d + 28, 4) + le(o, 2) * 4, 4);
        unsigned long long at = f ? le(f, 4) : 0;
        int forwarder = at >= rva && at - rva < length;
        return at && !forwarder ? pe.base + at : 0;
    }
    return 0;
}

size_t hot__pe_mapped_extents(const unsigned char *image, size_t size, unsigned long long page,
                              struct hot__image_extent *extents, size_t max)
{
    struct pe pe;
    size_t count = 0;
    if (!read_headers(image, size, &pe, NULL, 0))
        return 0;
    for (unsigned i = 0; i <= pe.section_count; i++) {
        /* The headers first, then each section's file bytes. */
        unsigned long long at = 0, length = pe.headers_size;
        if (i > 0) {
            struct section s = section_at(&pe, i - 1);
            at = s.raw_at;
            length = file_part(&s);
        }
        if (length == 0 || !within(at, length, size))
            continue;
        unsigned long long start = at & ~(page - 1);
        unsigned long long end = (at + length + page - 1) & ~(page - 1);
        if (count < max)
            extents[count] = (struct hot__image_extent){start, end - start};
        count++;
    }
    return count > max ? count : hot__image_extents_merge(extents, count);
}

/* The string table after the COFF symbols: its bytes and size, or 0. */
static unsigned long long string_table(const struct pe *pe, const unsigned char **table)
{
    *table = NULL;
    if (!pe->symbols || pe->symbol_count > (ULLONG_MAX - pe->symbols) / COFF_SYMBOL)
        return 0;
    unsigned long long at = pe->symbols + pe->symbol_count * COFF_SYMBOL;
    if (!within(at, 4, pe->size))
        return 0;
    unsigned long long length = le(pe->image + at, 4);
    if (length < 4 || !within(at, length, pe->size))
        return 0;
    *table = pe->image + at;
    return length;
}

/* The name at offset in the string table, ending inside it, or NULL. */
static const char *long_name(const unsigned char *table, unsigned long long length,
                             unsigned long long offset)
{
    if (!table || offset < 4 || offset >= length)
        return NULL;
    const char *name = (const char *)table + offset;
    return memchr(name, '\0', length - offset) ? name : NULL;
}

/* One COFF symbol, as each_symbol gives it. */
struct coff_symbol {
    const char *name; /* NUL-padded to 8 bytes, or 8 bytes long */
    size_t length;
    unsigned section;         /* 1-based; 0: undefined; above the count: absolute or debug */
    unsigned long long value; /* in its section, when it has one */
    unsigned type, storage;
};

/* Calls visit(ctx, symbol) for each symbol of pe's COFF symbol table
 * (auxiliary records skipped; a long name that does not end in the
 * string table, skipped too) until it returns nonzero, which it returns;
 * 0 when all were visited or there is no table. */
static int each_symbol(const struct pe *pe, int (*visit)(void *ctx, const struct coff_symbol *s),
                       void *ctx)
{
    const unsigned char *table;
    if (!pe->symbols || !within(pe->symbols, pe->symbol_count * COFF_SYMBOL, pe->size))
        return 0;
    unsigned long long strings = string_table(pe, &table);
    for (unsigned long long i = 0; i < pe->symbol_count; i++) {
        const unsigned char *sym = pe->image + pe->symbols + i * COFF_SYMBOL;
        struct coff_symbol s = {.section = (unsigned)le(sym + 12, 2),
                                .value = le(sym + 8, 4),
                                .type = (unsigned)le(sym + 14, 2),
                                .storage = sym[16]};
        i += sym[17]; /* its auxiliary records */
        if (le(sym, 4) == 0) {
            if (!(s.name = long_name(table, strings, le(sym + 4, 4))))
                continue;
            s.length = strlen(s.name);
        } else {
            s.name = (const char *)sym;
            const char *nul = memchr(s.name, '\0', 8);
            s.length = nul ? (size_t)(nul - s.name) : 8;
        }
        int stop = visit(ctx, &s);
        if (stop)
            return stop;
    }
    return 0;
}

/* The RVA of symbol s, defined in a section of pe: 1 with it in *rva. */
static int symbol_rva(const struct pe *pe, const struct coff_symbol *s, unsigned long long *rva)
{
    if (s->section == 0 || s->section > pe->section_count)
        return 0;
    *rva = section_at(pe, s->section - 1).rva + s->value;
    return 1;
}

/* A reference pointer: a slot ".refptr.<target>" that gcc makes for code
 * to reach target (the C library's start-up code reaches its lists,
 * locks and initialisers so) and the linker fills with target's address. */
struct reference {
    const char *target;
    size_t length;
    unsigned long long slot, rva; /* RVAs: the slot's; target's, once found */
    int found;
};

struct references {
    const struct pe *pe;
    struct reference *items;
    size_t count, capacity;
};

static const char REFERENCE_PREFIX[] = ".refptr.";
#define REFERENCE_PREFIX_LENGTH (sizeof REFERENCE_PREFIX - 1)

static int by_target(const void *a, const void *b)
{
    const struct reference *x = a, *y = b;
    int order = memcmp(x->target, y->target, x->length < y->length ? x->length : y->length);
    return order ? order : (x->length > y->length) - (x->length < y->length);
}

static int add_reference(void *ctx, const struct coff_symbol *s)
{
    struct references *r = ctx;
    unsigned long long rva;
    if (s->length <= REFERENCE_PREFIX_LENGTH ||
        memcmp(s->name, REFERENCE_PREFIX, REFERENCE_PREFIX_LENGTH) != 0 ||
        s->storage != STORAGE_EXTERNAL || !symbol_rva(r->pe, s, &rva))
        return 0;
    if (hot__grow(&r->items, &r->capacity, r->count + 1, sizeof *r->items) != 0)
        return 1; /* out of memory */
    r->items[r->count++] = (struct reference){s->name + REFERENCE_PREFIX_LENGTH,
                                              s->length - REFERENCE_PREFIX_LENGTH, rva, 0, 0};
    return 0;
}

/* Notes where an external symbol that a reference pointer names is. */
static int find_target(void *ctx, const struct coff_symbol *s)
{
    struct references *r = ctx;
    struct reference key = {.target = s->name, .length = s->length};
    unsigned long long rva;
    if (s->storage != STORAGE_EXTERNAL || !symbol_rva(r->pe, s, &rva))
        return 0;
    struct reference *found = bsearch(&key, r->items, r->count, sizeof *r->items, by_target);
    if (found) {
        found->rva = rva;
        found->found = 1;
    }
    return 0;
}

/* The checks of the reference pointers the COFF symbols name: each holds
 * its target's address, where the file defines the target (one from
 * elsewhere is filled at run time). A file without symbols has none to
 * check. */
static int check_references(struct view *v)
{
    struct references r = {.pe = &v->pe};
    int status = each_symbol(&v->pe, add_reference, &r);
    if (status == 0 && r.count) {
        qsort(r.items, r.count, sizeof *r.items, by_target);
        each_symbol(&v->pe, find_target, &r);
    }
    for (size_t i = 0; status == 0 && i < r.count; i++) {
        const unsigned char *slot = bytes_at(&v->pe, r.items[i].slot, 8);
        if (r.items[i].found && (!slot || le(slot, 8) != v->pe.base + r.items[i].rva))
            status = wrong(v, "a reference pointer that does not hold its symbol's address");
    }
    free(r.items);
    if (status == 1) { /* out of memory: said once the checks end */
        v->no_memory = 1;
        status = 0;
    }
    return status;
}

/* What hot__pe_functions gathers. */
struct function_search {
    const struct pe *pe;
    struct hot__image_function *functions;
    size_t max, found;
};

static int add_function(void *ctx, const struct coff_symbol *s)
{
    struct function_search *f = ctx;
    unsigned long long rva;
    if (s->type != FUNCTION_TYPE || !symbol_rva(f->pe, s, &rva) ||
        (s->storage != STORAGE_EXTERNAL && s->storage != STORAGE_STATIC))
        return 0;
    if (f->found < f->max)
        f->functions[f->found] =
            (struct hot__image_function){f->pe->base + rva, s->name, s->length};
    f->found++;
    return 0;
}

size_t hot__pe_functions(const unsigned char *image, size_t size,
                         struct hot__image_function *functions, size_t max)
{
    struct pe pe;
    if (!read_headers(image, size, &pe, NULL, 0))
        return 0;
    struct function_search f = {&pe, functions, max, 0};
    each_symbol(&pe, add_function, &f);
    return f.found;
}

size_t hot__pe_build_id(const unsigned char *image, size_t size, const unsigned char **id)
{
    struct pe pe;
    unsigned long long rva, length;
    *id = NULL;
    if (!read_headers(image, size, &pe, NULL, 0))
        return 0;
    directory(&pe, DIR_DEBUG, &rva, &length);
    const unsigned char *entries = length ? bytes_at(&pe, rva, length) : NULL;
    for (unsigned long long at = 0; entries && at + 28 <= length; at += 28) {
        const unsigned char *entry = entries + at;
        if (le(entry + 12, 4) != DEBUG_CODEVIEW)
            continue;
        /* "RSDS", a GUID and an age: what identifies the link. */
        unsigned long long record = le(entry + 24, 4), record_size = le(entry + 16, 4);
        if (record_size >= 24 && within(record, 24, size) &&
            memcmp(image + record, "RSDS", 4) == 0) {
            *id = image + record + 4;
            return 20;
        }
    }
    return 0;
}

size_t hot__pe_each_need(const unsigned char *image, size_t size, enum hot__image_need kind,
                         void (*visit)(void *ctx, const char *name), void *ctx)
{
    struct pe pe;
    unsigned long long rva, length;
    size_t visited = 0;
    unsigned long long budget = size / 8; /* entries, all imports together, as the checks allow */
    if (!read_headers(image, size, &pe, NULL, 0))
        return 0;
    directory(&pe, DIR_IMPORT, &rva, &length);
    for (unsigned long long at = rva; length;) {
        const unsigned char *d = bytes_at(&pe, at, 20);
        if (!d || (!le(d, 4) && !le(d + 12, 4) && !le(d + 16, 4)))
            break;
        at += 20;
        const char *library = string_at_rva(&pe, le(d + 12, 4));
        if (kind == HOT_IMAGE_LIBRARY) {
            if (library) {
                visit(ctx, library);
                visited++;
            }
            continue;
        }
        unsigned long long lookup = le(d, 4) ? le(d, 4) : le(d + 16, 4);
        for (unsigned long long i = 0; budget > 0; i++, budget--) {
            const unsigned char *entry = bytes_at(&pe, lookup + i * 8, 8);
            unsigned long long value = entry ? le(entry, 8) : 0;
            if (!value)
                break;
            const char *name = value >> 63 || value >> 31 ? NULL : string_at_rva(&pe, value + 2);
            if (name) {
                visit(ctx, name);
                visited++;
            }
        }
    }
    return visited;
}

int hot__pe_section(const unsigned char *image, size_t size, const char *name,
                    const unsigned char **bytes, size_t *length)
{
    struct pe pe;
    const unsigned char *table;
    if (!read_headers(image, size, &pe, NULL, 0))
        return HOT_IMAGE_SECTION_CORRUPT;
    unsigned long long strings = string_table(&pe, &table);
    size_t name_length = strlen(name);
    for (unsigned i = 0; i < pe.section_count; i++) {
        struct section s = section_at(&pe, i);
        const char *own = (const char *)s.name;
        int same;
        if (own[0] == '/') { /* "/<decimal offset>" into the string table */
            unsigned long long offset = 0;
            for (int k = 1; k < 8 && own[k] >= '0' && own[k] <= '9'; k++)
                offset = offset * 10 + (unsigned long long)(own[k] - '0');
            const char *full = long_name(table, strings, offset);
            same = full && strcmp(full, name) == 0;
        } else
            same = name_length <= 8 && strncmp(own, name, 8) == 0;
        if (!same)
            continue;
        if (!within(s.raw_at, file_part(&s), size))
            return HOT_IMAGE_SECTION_CORRUPT;
        if (file_part(&s) == 0)
            return HOT_IMAGE_SECTION_NONE;
        *bytes = image + s.raw_at;
        *length = file_part(&s);
        return 1;
    }
    return 0;
}
