/* runtime/elf_check.c
 * hot__elf_check for ELF64 little-endian libraries of the machines
 * elf_machine.h lists. Invariant: reads only the bytes it was given, and every offset
 * it follows is bounds-checked first, so any input is safe. */
#include "elf_check.h"

#include "elf_machine.h"
#include "elf_format.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* 1 if [offset, offset + size) lies within limit. */
static int within(unsigned long long offset, unsigned long long size, unsigned long long limit)
{
    return offset <= limit && size <= limit - offset;
}

/* Where the file's machine is not what it must be: "this program is ..." for
 * a machine required, else the machines vais-hot reads. */
static void other_machine(const char *built_for, unsigned machine, char *err, size_t errlen)
{
    if (machine)
        snprintf(err, errlen, "is built for %s, this program is %s", built_for,
                 hot__elf_machine_name(machine));
    else
        snprintf(err, errlen, "is built for %s, whose files vais-hot does not read", built_for);
}

int hot__elf_check(const unsigned char *image, size_t image_size, long long file_size,
                   unsigned machine, char *err, size_t errlen)
{
    Elf64_Ehdr eh;
    unsigned long long size = file_size > 0 ? (unsigned long long)file_size : 0;
    if (file_size == 0) {
        snprintf(err, errlen, "is empty");
        return -1;
    }
    if (image_size < EI_NIDENT || memcmp(image, ELFMAG, SELFMAG) != 0) {
        snprintf(err, errlen, "is not a shared library (no ELF header)");
        return -1;
    }
    if (image[EI_CLASS] != ELFCLASS64 || image[EI_DATA] != ELFDATA2LSB) {
        other_machine(image[EI_CLASS] == ELFCLASS32 ? "another machine (32-bit ELF)"
                                                    : "another machine (big-endian or unknown ELF)",
                      machine, err, errlen);
        return -1;
    }
    if (image_size < sizeof eh) {
        snprintf(err, errlen, "is truncated (%lld bytes, not even an ELF header)", file_size);
        return -1;
    }
    memcpy(&eh, image, sizeof eh);
    if (machine ? eh.e_machine != machine : !hot__elf_machine(eh.e_machine)) {
        other_machine(hot__elf_machine_name(eh.e_machine), machine, err, errlen);
        return -1;
    }
    if (eh.e_type != ET_DYN) {
        snprintf(err, errlen, "is not a shared library (ELF type %u)", (unsigned)eh.e_type);
        return -1;
    }
    unsigned long long phsize = (unsigned long long)eh.e_phnum * sizeof(Elf64_Phdr);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || !within(eh.e_phoff, phsize, image_size)) {
        snprintf(err, errlen, "has program headers this runtime cannot read");
        return -1;
    }
    /* The file must reach as far as its furthest segment or header. */
    unsigned long long end = eh.e_phoff + phsize;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, image + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_offset > ULLONG_MAX - ph.p_filesz) {
            snprintf(err, errlen, "has a corrupt program header");
            return -1;
        }
        if (ph.p_offset + ph.p_filesz > end)
            end = ph.p_offset + ph.p_filesz;
    }
    unsigned long long shsize = (unsigned long long)eh.e_shnum * eh.e_shentsize;
    if (eh.e_shoff > ULLONG_MAX - shsize) {
        snprintf(err, errlen, "has a corrupt section header table");
        return -1;
    }
    if (eh.e_shoff + shsize > end)
        end = eh.e_shoff + shsize;
    if (end > size) {
        snprintf(err, errlen, "is truncated (%lld of %llu bytes)", file_size, end);
        return -1;
    }
    return 0;
}

/* The ELF header of image[0..size) in *eh, if its program headers lie in
 * the image: 1, else 0. */
static int program_headers(const unsigned char *image, size_t size, Elf64_Ehdr *eh)
{
    if (size < sizeof *eh)
        return 0;
    memcpy(eh, image, sizeof *eh);
    unsigned long long phsize = (unsigned long long)eh->e_phnum * sizeof(Elf64_Phdr);
    return eh->e_phentsize == sizeof(Elf64_Phdr) && within(eh->e_phoff, phsize, size);
}

/* The segment whose file bytes hold [address, address + length), as
 * linked: 1 with it in *ph, else 0. */
static int file_segment(const unsigned char *image, size_t size, unsigned long long address,
                        unsigned long long length, Elf64_Phdr *out)
{
    Elf64_Ehdr eh;
    if (address > ULLONG_MAX - length || !program_headers(image, size, &eh))
        return 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, image + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_LOAD && address >= ph.p_vaddr &&
            within(address - ph.p_vaddr, length, ph.p_filesz) &&
            within(ph.p_offset, ph.p_filesz, size)) {
            *out = ph;
            return 1;
        }
    }
    return 0;
}

int hot__elf_in_code(const unsigned char *image, size_t size, unsigned long long address,
                     unsigned long long before, unsigned long long after)
{
    Elf64_Phdr ph;
    return address >= before && before <= ULLONG_MAX - after &&
           file_segment(image, size, address - before, before + after, &ph) && (ph.p_flags & PF_X);
}

size_t hot__elf_mapped_extents(const unsigned char *image, size_t size, unsigned long long page,
                               struct hot__image_extent *extents, size_t max)
{
    Elf64_Ehdr eh;
    size_t count = 0;
    if (!program_headers(image, size, &eh))
        return 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, image + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_filesz == 0 || !within(ph.p_offset, ph.p_filesz, size))
            continue; /* none of the file mapped, or not the file's */
        unsigned long long start = ph.p_offset & ~(page - 1);
        unsigned long long end = (ph.p_offset + ph.p_filesz + page - 1) & ~(page - 1);
        if (count < max)
            extents[count] = (struct hot__image_extent){start, end - start};
        count++;
    }
    return count > max ? count : hot__image_extents_merge(extents, count);
}

/* Section i's header, if the table has one and its bytes lie in the file. */
static int section(const unsigned char *image, size_t size, const Elf64_Ehdr *eh, unsigned i,
                   Elf64_Shdr *out)
{
    /* The table must lie in the file whole; e_shoff near the top of the
     * address range must not wrap around to a small offset. */
    if (i >= eh->e_shnum || eh->e_shentsize != sizeof *out ||
        !within(eh->e_shoff, (unsigned long long)eh->e_shnum * sizeof *out, size))
        return 0;
    memcpy(out, image + eh->e_shoff + (unsigned long long)i * sizeof *out, sizeof *out);
    return out->sh_type == SHT_NOBITS || within(out->sh_offset, out->sh_size, size);
}

size_t hot__elf_functions(const unsigned char *image, size_t size,
                          struct hot__image_function *functions, size_t max)
{
    Elf64_Ehdr eh;
    size_t found = 0;
    if (size < sizeof eh)
        return 0;
    memcpy(&eh, image, sizeof eh);
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr symtab, strtab;
        if (!section(image, size, &eh, i, &symtab) || symtab.sh_type != SHT_SYMTAB ||
            !section(image, size, &eh, symtab.sh_link, &strtab) || strtab.sh_type != SHT_STRTAB ||
            strtab.sh_size == 0 || image[strtab.sh_offset + strtab.sh_size - 1] != '\0')
            continue;
        for (unsigned long long at = 0; at + sizeof(Elf64_Sym) <= symtab.sh_size;
             at += sizeof(Elf64_Sym)) {
            Elf64_Sym sym;
            memcpy(&sym, image + symtab.sh_offset + at, sizeof sym);
            if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
                sym.st_name >= strtab.sh_size)
                continue;
            if (found < max) {
                const char *name = (const char *)image + strtab.sh_offset + sym.st_name;
                functions[found] = (struct hot__image_function){sym.st_value, name, strlen(name)};
            }
            found++;
        }
    }
    return found;
}

const unsigned char *hot__elf_at(const unsigned char *image, size_t size,
                                 unsigned long long address, unsigned long long length)
{
    Elf64_Phdr ph;
    if (!file_segment(image, size, address, length, &ph))
        return NULL;
    return image + ph.p_offset + (address - ph.p_vaddr);
}

const char *hot__elf_string_at(const unsigned char *image, size_t size, unsigned long long address)
{
    Elf64_Phdr ph;
    if (!file_segment(image, size, address, 1, &ph))
        return NULL;
    const unsigned char *at = image + ph.p_offset + (address - ph.p_vaddr);
    return memchr(at, '\0', ph.p_filesz - (address - ph.p_vaddr)) ? (const char *)at : NULL;
}

size_t hot__elf_build_id(const unsigned char *image, size_t size, const unsigned char **id)
{
    Elf64_Ehdr eh;
    *id = NULL;
    if (!program_headers(image, size, &eh) || memcmp(image, ELFMAG, SELFMAG) != 0)
        return 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, image + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_NOTE || !within(ph.p_offset, ph.p_filesz, size))
            continue;
        /* Notes: a header, then name and description, each padded to 4. */
        const unsigned char *notes = image + ph.p_offset;
        for (unsigned long long at = 0; at + sizeof(Elf64_Nhdr) <= ph.p_filesz;) {
            Elf64_Nhdr nh;
            memcpy(&nh, notes + at, sizeof nh);
            unsigned long long name = at + sizeof nh, name_size = (nh.n_namesz + 3ull) & ~3ull;
            if (!within(name, name_size, ph.p_filesz))
                break;
            unsigned long long desc = name + name_size, desc_size = (nh.n_descsz + 3ull) & ~3ull;
            if (!within(desc, desc_size, ph.p_filesz))
                break;
            if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
                memcmp(notes + name, "GNU", 4) == 0 && nh.n_descsz > 0) {
                *id = notes + desc;
                return nh.n_descsz;
            }
            at = desc + desc_size;
        }
    }
    return 0;
}

int hot__elf_section(const unsigned char *image, size_t size, const char *name,
                     const unsigned char **bytes, size_t *length)
{
    Elf64_Ehdr eh;
    Elf64_Shdr names, sh;
    if (size < sizeof eh || memcmp(image, ELFMAG, SELFMAG) != 0 || image[EI_CLASS] != ELFCLASS64 ||
        image[EI_DATA] != ELFDATA2LSB)
        return HOT_IMAGE_SECTION_CORRUPT;
    memcpy(&eh, image, sizeof eh);
    if (!section(image, size, &eh, eh.e_shstrndx, &names) || names.sh_type == SHT_NOBITS)
        return HOT_IMAGE_SECTION_CORRUPT; /* and so the table lies in the file */
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        int whole = section(image, size, &eh, i, &sh); /* sh is read either way */
        if (sh.sh_name >= names.sh_size)
            continue;
        const char *own = (const char *)image + names.sh_offset + sh.sh_name;
        if (!memchr(own, '\0', names.sh_size - sh.sh_name) || strcmp(own, name) != 0)
            continue;
        if (sh.sh_type == SHT_NOBITS)
            return HOT_IMAGE_SECTION_NONE;
        if (!whole)
            return HOT_IMAGE_SECTION_CORRUPT;
        if (sh.sh_flags & SHF_COMPRESSED)
            return HOT_IMAGE_SECTION_COMPRESSED;
        *bytes = image + sh.sh_offset;
        *length = sh.sh_size;
        return 1;
    }
    return HOT_IMAGE_SECTION_NONE;
}
