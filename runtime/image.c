/* runtime/image.c
 * The image seam (image.h): each function hands the file to the readers of
 * its format, which its first bytes tell. */
#include "image.h"

#include "elf_check.h"
#include "elf_numbers.h"
#include "pe_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum format { NEITHER, ELF, PE };

static enum format format_of(const unsigned char *image, size_t size)
{
    if (size >= SELFMAG && memcmp(image, ELFMAG, SELFMAG) == 0)
        return ELF;
    return hot__pe_is(image, size) ? PE : NEITHER;
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
    switch (format_of(image, size)) {
    case ELF:
        return hot__elf_at(image, size, address, length);
    case PE:
        return hot__pe_at(image, size, address, length);
    default:
        return NULL;
    }
}

const char *hot__image_string_at(const unsigned char *image, size_t size,
                                 unsigned long long address)
{
    switch (format_of(image, size)) {
    case ELF:
        return hot__elf_string_at(image, size, address);
    case PE:
        return hot__pe_string_at(image, size, address);
    default:
        return NULL;
    }
}

int hot__image_in_code(const unsigned char *image, size_t size, unsigned long long address,
                       unsigned long long before, unsigned long long after)
{
    switch (format_of(image, size)) {
    case ELF:
        return hot__elf_in_code(image, size, address, before, after);
    case PE:
        return hot__pe_in_code(image, size, address, before, after);
    default:
        return 0;
    }
}

unsigned long long hot__image_symbol_address(const unsigned char *image, size_t size,
                                             const char *name)
{
    switch (format_of(image, size)) {
    case ELF:
        return hot__elf_symbol_address(image, size, name);
    case PE:
        return hot__pe_symbol_address(image, size, name);
    default:
        return 0;
    }
}

size_t hot__image_mapped_extents(const unsigned char *image, size_t size, unsigned long long page,
                                 struct hot__image_extent *extents, size_t max)
{
    switch (format_of(image, size)) {
    case ELF:
        return hot__elf_mapped_extents(image, size, page, extents, max);
    case PE:
        return hot__pe_mapped_extents(image, size, page, extents, max);
    default:
        return 0;
    }
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
    switch (format_of(image, size)) {
    case ELF:
        return hot__elf_functions(image, size, functions, max);
    case PE:
        return hot__pe_functions(image, size, functions, max);
    default:
        return 0;
    }
}

size_t hot__image_build_id(const unsigned char *image, size_t size, const unsigned char **id)
{
    *id = NULL;
    switch (format_of(image, size)) {
    case ELF:
        return hot__elf_build_id(image, size, id);
    case PE:
        return hot__pe_build_id(image, size, id);
    default:
        return 0;
    }
}

size_t hot__image_symbol_slots(const unsigned char *image, size_t size, const char *symbol,
                               struct hot__image_slot *slots, size_t max)
{
    return format_of(image, size) == ELF ? hot__elf_symbol_slots(image, size, symbol, slots, max)
                                         : 0;
}

size_t hot__image_each_need(const unsigned char *image, size_t size, enum hot__image_need kind,
                            void (*visit)(void *ctx, const char *name), void *ctx)
{
    switch (format_of(image, size)) {
    case ELF:
        return hot__elf_each_need(image, size, kind, visit, ctx);
    case PE:
        return hot__pe_each_need(image, size, kind, visit, ctx);
    default:
        return 0;
    }
}

int hot__image_section(const unsigned char *image, size_t size, const char *name,
                       const unsigned char **bytes, size_t *length)
{
    switch (format_of(image, size)) {
    case ELF:
        return hot__elf_section(image, size, name, bytes, length);
    case PE:
        return hot__pe_section(image, size, name, bytes, length);
    default:
        return HOT_IMAGE_SECTION_CORRUPT;
    }
}
