/* tests/pe_file.h
 * Where the parts of a PE file's bytes are, as the PE-format specification
 * places them, for tests that damage a DLL on purpose. Each reads what a
 * well-formed file holds (the tests take theirs from mingw-w64) and checks
 * only what it must not read past. Header-only; the runtime's own reader is
 * runtime/pe_image.c, which these do not share, so that a fault of its is
 * not a fault of the tests'. */
#ifndef VAIS_HOT_TEST_PE_FILE_H
#define VAIS_HOT_TEST_PE_FILE_H

#include <stddef.h>
#include <string.h>

enum { PE_SECTION_HEADER = 40, PE_COFF_SYMBOL = 18 };

/* The n-byte little-endian number at p. */
static inline unsigned long long pe_get(const unsigned char *p, int n)
{
    unsigned long long value = 0;
    for (int i = n - 1; i >= 0; i--)
        value = value << 8 | p[i];
    return value;
}

/* Writes value at p, n bytes little-endian. */
static inline void pe_put(unsigned char *p, int n, unsigned long long value)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(value >> 8 * i);
}

/* The COFF header's offset (after "PE\0\0"). */
static inline size_t pe_coff(const unsigned char *bytes)
{
    return (size_t)pe_get(bytes + 0x3c, 4) + 4;
}

/* The optional header's offset. */
static inline size_t pe_optional(const unsigned char *bytes)
{
    return pe_coff(bytes) + 20;
}

/* The section table's offset, and in *count its entries. */
static inline size_t pe_sections(const unsigned char *bytes, unsigned *count)
{
    size_t coff = pe_coff(bytes);
    *count = (unsigned)pe_get(bytes + coff + 2, 2);
    return coff + 20 + (size_t)pe_get(bytes + coff + 16, 2);
}

/* The file offset of the bytes at rva, within a section's file bytes; 0 if
 * none of the size bytes has them. */
static inline size_t pe_file_offset(const unsigned char *bytes, size_t size, unsigned long long rva)
{
    unsigned count;
    size_t table = pe_sections(bytes, &count);
    for (unsigned i = 0; i < count && table + (i + 1) * PE_SECTION_HEADER <= size; i++) {
        const unsigned char *s = bytes + table + i * PE_SECTION_HEADER;
        unsigned long long start = pe_get(s + 12, 4), raw = pe_get(s + 16, 4);
        if (rva >= start && rva - start < raw)
            return (size_t)(pe_get(s + 20, 4) + (rva - start));
    }
    return 0;
}

/* The file offset of the slot of gcc's reference pointer to symbol (the
 * COFF symbol ".refptr.<symbol>", external), or of the first such slot if
 * symbol is NULL; 0 if there is none (a file without COFF symbols). */
static inline size_t pe_reference_slot(const unsigned char *bytes, size_t size, const char *symbol)
{
    static const char prefix[] = ".refptr.";
    size_t coff = pe_coff(bytes), symbols = (size_t)pe_get(bytes + coff + 8, 4);
    size_t count = (size_t)pe_get(bytes + coff + 12, 4);
    size_t strings = symbols + count * PE_COFF_SYMBOL;
    unsigned sections_count;
    size_t sections = pe_sections(bytes, &sections_count);
    if (!symbols || strings + 4 > size)
        return 0;
    for (size_t i = 0; i < count; i += 1 + bytes[symbols + i * PE_COFF_SYMBOL + 17]) {
        const unsigned char *s = bytes + symbols + i * PE_COFF_SYMBOL;
        size_t name = strings + (size_t)pe_get(s + 4, 4);
        unsigned section = (unsigned)pe_get(s + 12, 2);
        if (pe_get(s, 4) != 0 || s[16] != 2 || section == 0 || section > sections_count ||
            name >= size || !memchr(bytes + name, '\0', size - name))
            continue; /* not a long name (in the string table), external, defined */
        const char *text = (const char *)bytes + name;
        if (strncmp(text, prefix, sizeof prefix - 1) != 0 ||
            (symbol && strcmp(text + sizeof prefix - 1, symbol) != 0))
            continue;
        const unsigned char *header = bytes + sections + (section - 1) * PE_SECTION_HEADER;
        size_t slot = (size_t)(pe_get(header + 20, 4) + pe_get(s + 8, 4));
        return slot + 8 <= size ? slot : 0;
    }
    return 0;
}

#endif
