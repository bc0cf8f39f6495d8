/* runtime/image.c
 * The image seam (image.h): each function hands the file to the readers of
 * its format, which its first bytes tell (format_of, readers_of). */
#include "image.h"

#include "elf_check.h"
#include "elf_format.h"
#include "pe_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum format { NEITHER, ELF, PE };

/* What each format's readers provide on the file alone, with the same
 * contracts as their hot__image_ namesakes. */
struct readers {
    const unsigned char *(*at)(const unsigned char *, size_t, unsigned long long,
                               unsigned long long);
    const char *(*string_at)(const unsigned char *, size_t, unsigned long long);
    int (*in_code)(const unsigned char *, size_t, unsigned long long, unsigned long long,
                   unsigned long long);
    unsigned long long (*symbol_address)(const unsigned char *, size_t, const char *);
    size_t (*mapped_extents)(const unsigned char *, size_t, unsigned long long,
                             struct hot__image_extent *, size_t);
    size_t (*functions)(const unsigned char *, size_t, struct hot__image_function *, size_t);
    size_t (*build_id)(const unsigned char *, size_t, const unsigned char **);
    size_t (*symbol_slots)(const unsigned char *, size_t, const char *, unsigned long long,
                           struct hot__image_slot *, size_t);
    size_t (*each_need)(const unsigned char *, size_t, enum hot__image_need,
                        void (*)(void *, const char *), void *);
    int (*section)(const unsigned char *, size_t, const char *, const unsigned char **, size_t *);
};

static const struct readers elf_readers = {
    .at = hot__elf_at,
    .string_at = hot__elf_string_at,
    .in_code = hot__elf_in_code,
    .symbol_address = hot__elf_symbol_address,
    .mapped_extents = hot__elf_mapped_extents,
    .functions = hot__elf_functions,
    .build_id = hot__elf_build_id,
    .symbol_slots = hot__elf_symbol_slots,
    .each_need = hot__elf_each_need,
    .section = hot__elf_section,
};

static const struct readers pe_readers = {
    .at = hot__pe_at,
    .string_at = hot__pe_string_at,
    .in_code = hot__pe_in_code,
    .symbol_address = hot__pe_symbol_address,
    .mapped_extents = hot__pe_mapped_extents,
    .functions = hot__pe_functions,
    .build_id = hot__pe_build_id,
    .symbol_slots = hot__pe_symbol_slots,
    .each_need = hot__pe_each_need,
    .section = hot__pe_section,
};

static enum format format_of(const unsigned char *image, size_t size)
{
    if (size >= SELFMAG && memcmp(image, ELFMAG, SELFMAG) == 0)
        return ELF;
    return hot__pe_is(image, size) ? PE : NEITHER;
}

/* The readers of the file's format, or NULL. */
static const struct readers *readers_of(const unsigned char *image, size_t size)
{
    enum format format = format_of(image, size);
    return format == ELF ? &elf_readers : format == PE ? &pe_readers : NULL;
}

const char *hot__image_format(const unsigned char *image, size_t size)
{
    enum format format = format_of(image, size);
    return format == ELF ? "ELF" : format == PE ? "PE" : NULL;
}

int hot__image_check(const unsigned char *image, size_t size, long long file_size, unsigned machine,
                     char *err, size_t errlen)
{
    if (file_size != 0 && format_of(image, size) == PE)
        return hot__pe_check(image, size, file_size, machine, err, errlen);
    return hot__elf_check(image, size, file_size, machine, err, errlen); /* says what is wrong */
}

struct hot__image_pointers {
    struct hot__elf_pointers *elf;
    struct hot__pe_pointers *pe;
};

struct hot__image_pointers *hot__image_pointers_new(const unsigned char *image, size_t size)
{
    struct hot__image_pointers *p = calloc(1, sizeof *p);
    if (p && format_of(image, size) == PE ? !(p->pe = hot__pe_pointers_new(image, size))
                                          : p && !(p->elf = hot__elf_pointers_new(image, size))) {
        free(p);
        return NULL;
    }
    return p;
}

void hot__image_pointers_free(struct hot__image_pointers *pointers)
{
    if (!pointers)
        return;
    hot__elf_pointers_free(pointers->elf);
    hot__pe_pointers_free(pointers->pe);
    free(pointers);
}

int hot__image_pointer_at(const struct hot__image_pointers *pointers, unsigned long long address,
                          unsigned long long *value)
{
    return pointers->pe ? hot__pe_pointer_at(pointers->pe, address, value)
                        : hot__elf_pointer_at(pointers->elf, address, value);
}

int hot__image_pointers_packed(const struct hot__image_pointers *pointers)
{
    return pointers->elf && hot__elf_pointers_packed(pointers->elf);
}

int hot__image_check_loader(const unsigned char *image, size_t size,
                            const struct hot__image_pointers *pointers, char *err, size_t errlen)
{
    return pointers->pe ? hot__pe_check_loader(image, size, pointers->pe, err, errlen)
                        : hot__elf_check_dynamic(image, size, pointers->elf, err, errlen);
}

const unsigned char *hot__image_at(const unsigned char *image, size_t size,
                                   unsigned long long address, unsigned long long length)
{
    const struct readers *r = readers_of(image, size);
    return r ? r->at(image, size, address, length) : NULL;
}

const char *hot__image_string_at(const unsigned char *image, size_t size,
                                 unsigned long long address)
{
    const struct readers *r = readers_of(image, size);
    return r ? r->string_at(image, size, address) : NULL;
}

int hot__image_in_code(const unsigned char *image, size_t size, unsigned long long address,
                       unsigned long long before, unsigned long long after)
{
    const struct readers *r = readers_of(image, size);
    return r && r->in_code(image, size, address, before, after);
}

unsigned long long hot__image_symbol_address(const unsigned char *image, size_t size,
                                             const char *name)
{
    const struct readers *r = readers_of(image, size);
    return r ? r->symbol_address(image, size, name) : 0;
}

size_t hot__image_mapped_extents(const unsigned char *image, size_t size, unsigned long long page,
                                 struct hot__image_extent *extents, size_t max)
{
    const struct readers *r = readers_of(image, size);
    return r ? r->mapped_extents(image, size, page, extents, max) : 0;
}

size_t hot__image_extents_merge(struct hot__image_extent *extents, size_t count)
{
    for (size_t i = 1; i < count; i++) /* in file order; linkers write them so, not every file */
        for (size_t j = i; j > 0 && extents[j].offset < extents[j - 1].offset; j--) {
            struct hot__image_extent swap = extents[j];
            extents[j] = extents[j - 1];
            extents[j - 1] = swap;
        }
    size_t merged = 0;
    for (size_t i = 0; i < count; i++) {
        struct hot__image_extent *last = merged ? &extents[merged - 1] : NULL;
        if (last && extents[i].offset <= last->offset + last->length) {
            unsigned long long end = extents[i].offset + extents[i].length;
            if (end > last->offset + last->length)
                last->length = end - last->offset;
        } else {
            extents[merged++] = extents[i];
        }
    }
    return merged;
}

size_t hot__image_functions(const unsigned char *image, size_t size,
                            struct hot__image_function *functions, size_t max)
{
    const struct readers *r = readers_of(image, size);
    return r ? r->functions(image, size, functions, max) : 0;
}

size_t hot__image_build_id(const unsigned char *image, size_t size, const unsigned char **id)
{
    const struct readers *r = readers_of(image, size);
    *id = NULL;
    return r ? r->build_id(image, size, id) : 0;
}

size_t hot__image_symbol_slots(const unsigned char *image, size_t size, const char *symbol,
                               unsigned long long extent, struct hot__image_slot *slots, size_t max)
{
    const struct readers *r = readers_of(image, size);
    return r ? r->symbol_slots(image, size, symbol, extent, slots, max) : 0;
}

size_t hot__image_each_need(const unsigned char *image, size_t size, enum hot__image_need kind,
                            void (*visit)(void *ctx, const char *name), void *ctx)
{
    const struct readers *r = readers_of(image, size);
    return r ? r->each_need(image, size, kind, visit, ctx) : 0;
}

int hot__image_section(const unsigned char *image, size_t size, const char *name,
                       const unsigned char **bytes, size_t *length)
{
    const struct readers *r = readers_of(image, size);
    return r ? r->section(image, size, name, bytes, length) : HOT_IMAGE_SECTION_CORRUPT;
}
