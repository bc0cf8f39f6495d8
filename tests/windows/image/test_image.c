/* tests/windows/image/test_image.c
 * The PE readers (runtime/pe_image.c, through runtime/image.h) on DLLs
 * that mingw-w64 built (image.sh builds them): what a plain DLL says (its
 * exports, the pointers its base relocations fix up, its imports, its
 * COFF symbols, build ID and debug information); the refusal, each with
 * its message, of an executable, another machine, a truncated file and
 * damage to each part the Windows loader trusts; and, of the hot DLLs
 * vais-hot generated and stamped, the table read from the file and the
 * summary `vais-hot stamp` wrote: functions and layouts, the same after a
 * body edit, a changed shared type told apart.
 * argv: plain.dll core.exe app_hot.dll app_hot_body.dll app_hot_type.dll */
#include "../../check.h"
#include "../../pe_file.h"

#include "elf_format.h"
#include "image.h"
#include "pe_image.h"
#include "summary.h"
#include "table_file.h"

#include <stdint.h>
#include <stdlib.h>

struct file {
    unsigned char *bytes;
    size_t size;
};

static struct file slurp(const char *path)
{
    struct file f = {0};
    FILE *in = fopen(path, "rb");
    if (in && fseek(in, 0, SEEK_END) == 0) {
        long size = ftell(in);
        rewind(in);
        f.bytes = size > 0 ? malloc((size_t)size) : NULL;
        if (f.bytes && fread(f.bytes, 1, (size_t)size, in) == (size_t)size)
            f.size = (size_t)size;
    }
    if (in)
        fclose(in);
    CHECK(f.size > 0);
    return f;
}

/* Offsets in the file's headers, as the PE-format specification places them. */
static size_t optional_at(const struct file *f)
{
    return pe_optional(f->bytes);
}

static size_t directory_at(const struct file *f, unsigned i)
{
    return optional_at(f) + 112 + 8 * i;
}

static unsigned long long image_base(const struct file *f)
{
    return pe_get(f->bytes + optional_at(f) + 24, 8);
}

/* The first section's header. */
static unsigned char *first_section(struct file *f)
{
    unsigned count;
    return f->bytes + pe_sections(f->bytes, &count);
}

/* The file offset of RVA rva, through the section table; 0 if none has it. */
static size_t offset_of(const struct file *f, unsigned long long rva)
{
    return pe_file_offset(f->bytes, f->size, rva);
}

struct names {
    const char *want;
    int found;
    size_t count;
};

static void find_name(void *ctx, const char *name)
{
    struct names *n = ctx;
    n->count++;
    n->found |= strcmp(name, n->want) == 0;
}

/* What a plain DLL says, read as the loader and the runtime read it. */
static void plain_dll(const struct file *f)
{
    char err[512] = "";
    const unsigned char *b = f->bytes;
    size_t n = f->size;
    CHECK_INT(hot__image_check(b, n, (long long)n, EM_X86_64, err, sizeof err), ==, 0);
    CHECK_STR(err, "");
    struct hot__image_pointers *pointers = hot__image_pointers_new(b, n);
    CHECK(pointers != NULL);
    if (!pointers)
        return;
    CHECK_INT(hot__image_check_loader(b, n, pointers, err, sizeof err), ==, 0);
    CHECK_STR(err, "");
    CHECK(!hot__image_pointers_packed(pointers));

    /* Exports: code, and data as the file holds it. */
    unsigned long long add = hot__image_symbol_address(b, n, "add");
    CHECK(add > image_base(f));
    CHECK(hot__image_in_code(b, n, add, 0, 4));
    CHECK_INT(hot__image_symbol_address(b, n, "helper"), ==, 0); /* static: not exported */
    unsigned long long point = hot__image_symbol_address(b, n, "the_point");
    CHECK(point > image_base(f));
    CHECK(!hot__image_in_code(b, n, point, 0, 1));
    const unsigned char *fields = hot__image_at(b, n, point, 24);
    CHECK(fields != NULL);
    if (fields) {
        double y;
        memcpy(&y, fields + 8, sizeof y);
        CHECK_INT(pe_get(fields, 4), ==, 1);
        CHECK(y == 2.0);
        CHECK_STR((const char *)fields + 16, "abc");
    }

    /* Pointers, as the base relocations leave them (as linked). */
    unsigned long long value = 0;
    CHECK_INT(hot__image_pointer_at(pointers, hot__image_symbol_address(b, n, "greeting"), &value),
              ==, 0);
    const char *hello = hot__image_string_at(b, n, value);
    CHECK_STR(hello ? hello : "(none)", "hello");
    CHECK_INT(hot__image_pointer_at(pointers, hot__image_symbol_address(b, n, "where"), &value), ==,
              0);
    const unsigned char *counter = hot__image_at(b, n, value, 4);
    CHECK(counter != NULL && pe_get(counter, 4) == 3);
    unsigned long long picked = 0;
    CHECK_INT(hot__image_pointer_at(pointers, hot__image_symbol_address(b, n, "pick"), &picked), ==,
              0);
    CHECK(hot__image_in_code(b, n, picked, 0, 1));
    /* The import's slot holds what the loader writes: not told. */
    CHECK_INT(
        hot__image_pointer_at(pointers, image_base(f) + pe_get(b + directory_at(f, 12), 4), &value),
        ==, -1);
    hot__image_pointers_free(pointers);

    /* COFF symbols: the static function the pointer leads to, by name,
     * and one whose name fills its 8 bytes. */
    size_t count = hot__image_functions(b, n, NULL, 0);
    struct hot__image_function *list = calloc(count ? count : 1, sizeof *list);
    CHECK(list != NULL && count > 2);
    count = list ? hot__image_functions(b, n, list, count) : 0;
    int helper_at_pick = 0, use_core = 0, add_at_export = 0;
    for (size_t i = 0; i < count; i++) {
        if (list[i].name_length == 6 && memcmp(list[i].name, "helper", 6) == 0)
            helper_at_pick = list[i].address == picked;
        if (list[i].name_length == 8 && memcmp(list[i].name, "use_core", 8) == 0)
            use_core = hot__image_in_code(b, n, list[i].address, 0, 1);
        if (list[i].name_length == 3 && memcmp(list[i].name, "add", 3) == 0)
            add_at_export = list[i].address == add;
    }
    free(list);
    CHECK(helper_at_pick);
    CHECK(use_core);
    CHECK(add_at_export);

    /* Imports, by DLL and by name. */
    struct names library = {"core.exe", 0, 0}, symbol = {"core_value", 0, 0};
    hot__image_each_need(b, n, HOT_IMAGE_LIBRARY, find_name, &library);
    hot__image_each_need(b, n, HOT_IMAGE_SYMBOL, find_name, &symbol);
    CHECK(library.found && library.count >= 2);
    CHECK(symbol.found);

    /* The build ID (--build-id), the debug information's long section
     * names, what the loader maps of the file. */
    const unsigned char *id;
    CHECK_INT(hot__image_build_id(b, n, &id), ==, 20);
    const unsigned char *info;
    size_t info_size = 0;
    CHECK_INT(hot__image_section(b, n, ".debug_info", &info, &info_size), ==, 1);
    CHECK(info_size > 0);
    CHECK_INT(hot__image_section(b, n, ".no_such", &info, &info_size), ==, HOT_IMAGE_SECTION_NONE);
    struct hot__image_extent extents[64];
    size_t mapped = hot__image_mapped_extents(b, n, 4096, extents, 64);
    CHECK(mapped >= 1 && mapped <= 64);
    for (size_t i = 0; i < mapped && i < 64; i++)
        CHECK(extents[i].offset % 4096 == 0 && extents[i].length % 4096 == 0 &&
              (i == 0 || extents[i].offset > extents[i - 1].offset + extents[i - 1].length - 1));
    /* The headers (from byte 0) and the code (where add is) are mapped. */
    size_t code_at = offset_of(f, add - image_base(f));
    int headers = 0, code = 0;
    for (size_t i = 0; i < mapped && i < 64; i++) {
        headers |= extents[i].offset == 0;
        code |= code_at >= extents[i].offset && code_at < extents[i].offset + extents[i].length;
    }
    CHECK(headers && code);
}

/* hot__image_check, then hot__image_check_loader, on a copy of f changed
 * by change(copy): 0 if it passed both, else -1 with why in err (or -2 if
 * there was no memory for the copy). */
static int check_changed(const struct file *f, void (*change)(struct file *), char *err,
                         size_t errlen)
{
    struct file copy = {malloc(f->size), f->size};
    CHECK(copy.bytes != NULL);
    if (!copy.bytes)
        return -2;
    memcpy(copy.bytes, f->bytes, f->size);
    change(&copy);
    int status = hot__image_check(copy.bytes, copy.size, (long long)copy.size, 0, err, errlen);
    struct hot__image_pointers *pointers = hot__image_pointers_new(copy.bytes, copy.size);
    if (status == 0 && pointers)
        status = hot__image_check_loader(copy.bytes, copy.size, pointers, err, errlen);
    hot__image_pointers_free(pointers);
    free(copy.bytes);
    return status;
}

/* f changed by change must pass the checks. */
static void accepted(const struct file *f, void (*change)(struct file *))
{
    char err[512] = "";
    int status = check_changed(f, change, err, sizeof err);
    if (status != 0)
        fprintf(stderr, "refused: %s\n", err);
    CHECK_INT(status, ==, 0);
}

/* f changed by change must be refused, saying expected. */
static void refused(const struct file *f, void (*change)(struct file *), const char *expected)
{
    char err[512] = "";
    CHECK_INT(check_changed(f, change, err, sizeof err), ==, -1);
    if (!strstr(err, expected))
        fprintf(stderr, "expected '%s' in: %s\n", expected, err);
    CHECK(strstr(err, expected) != NULL);
}

/* The first base relocation block's bytes. */
static unsigned char *relocations(struct file *f)
{
    return f->bytes + offset_of(f, pe_get(f->bytes + directory_at(f, 5), 4));
}

static void relocation_of_unknown_kind(struct file *f)
{
    unsigned char *entry = relocations(f) + 8;
    pe_put(entry, 2, 3u << 12 | (pe_get(entry, 2) & 0xfff)); /* HIGHLOW: 32-bit, not for x64 */
}

/* The pointer the first base relocation fixes up made to lead 4 GB past
 * the image. */
static void relocated_pointer_outside(struct file *f)
{
    unsigned char *block = relocations(f);
    unsigned long long place = pe_get(block, 4) + (pe_get(block + 8, 2) & 0xfff);
    unsigned char *pointer = f->bytes + offset_of(f, place);
    pe_put(pointer, 8, pe_get(pointer, 8) + (1ull << 32));
}

/* The first section's file bytes moved off the file alignment. */
static void section_off_the_alignment(struct file *f)
{
    unsigned char *first = first_section(f);
    pe_put(first + 20, 4, pe_get(first + 20, 4) + 0x100);
}

/* The first reference pointer (".refptr.<symbol>", a COFF symbol) made to
 * hold an address 8 bytes past its symbol's. */
static void reference_pointer_moved(struct file *f)
{
    size_t slot = pe_reference_slot(f->bytes, f->size, NULL);
    CHECK(slot != 0); /* a reference pointer in the file */
    if (slot)
        pe_put(f->bytes + slot, 8, pe_get(f->bytes + slot, 8) + 8);
}

static void relocation_block_too_short(struct file *f)
{
    pe_put(relocations(f) + 4, 4, 6);
}

static void relocation_outside(struct file *f)
{
    pe_put(relocations(f), 4, 0x7fff0000); /* its page */
}

static void import_name_outside(struct file *f)
{
    unsigned char *d = f->bytes + offset_of(f, pe_get(f->bytes + directory_at(f, 1), 4));
    pe_put(d + 12, 4, 0x7fffffff);
}

static void export_name_outside(struct file *f)
{
    unsigned char *d = f->bytes + offset_of(f, pe_get(f->bytes + directory_at(f, 0), 4));
    unsigned char *names = f->bytes + offset_of(f, pe_get(d + 32, 4));
    pe_put(names, 4, 0x7fffffff);
}

static void entry_point_in_data(struct file *f)
{
    /* Where the exported struct is: data, not code. */
    pe_put(f->bytes + optional_at(f) + 16, 4,
           hot__image_symbol_address(f->bytes, f->size, "the_point") - image_base(f));
}

static void tls_callback_in_data(struct file *f)
{
    unsigned char *tls = f->bytes + offset_of(f, pe_get(f->bytes + directory_at(f, 9), 4));
    unsigned char *callbacks = f->bytes + offset_of(f, pe_get(tls + 24, 8) - image_base(f));
    CHECK(pe_get(callbacks, 8) != 0); /* mingw's runtime registers one */
    pe_put(callbacks, 8, hot__image_symbol_address(f->bytes, f->size, "the_point"));
}

static void delay_imports(struct file *f)
{
    unsigned char *import = f->bytes + directory_at(f, 1);
    memcpy(f->bytes + directory_at(f, 13), import, 8); /* anything inside the file */
}

static void section_past_the_end(struct file *f)
{
    unsigned char *first = first_section(f);
    unsigned long long alignment = pe_get(f->bytes + optional_at(f) + 36, 4);
    /* its raw data begins where the file ends, at the file alignment */
    pe_put(first + 20, 4, (f->size + alignment - 1) / alignment * alignment);
}

static void sections_overlap(struct file *f)
{
    unsigned char *second = first_section(f) + PE_SECTION_HEADER;
    pe_put(second + 12, 4,
           pe_get(second - PE_SECTION_HEADER + 12, 4)); /* at the first one's address */
}

static void too_many_directories(struct file *f)
{
    pe_put(f->bytes + optional_at(f) + 108, 4, 17);
}

static void not_64_bit(struct file *f)
{
    pe_put(f->bytes + optional_at(f), 2, 0x10b); /* PE32 */
}

/* The TLS directory's pointer to its index left unrelocated: its entry
 * in the base relocations made padding. */
static void tls_index_not_relocated(struct file *f)
{
    unsigned long long tls = pe_get(f->bytes + directory_at(f, 9), 4) + 16;
    unsigned long long rva = pe_get(f->bytes + directory_at(f, 5), 4);
    unsigned long long size = pe_get(f->bytes + directory_at(f, 5) + 4, 4);
    unsigned char *blocks = f->bytes + offset_of(f, rva);
    for (unsigned long long at = 0; at + 8 <= size;) {
        unsigned long long page = pe_get(blocks + at, 4), length = pe_get(blocks + at + 4, 4);
        for (unsigned long long e = 8; e < length; e += 2)
            if (pe_get(blocks + at + e, 2) >> 12 == 10 &&
                page + (pe_get(blocks + at + e, 2) & 0xfff) == tls)
                pe_put(blocks + at + e, 2, 0);
        at += length ? length : size;
    }
}

/* The first base relocation block made to relocate the first import
 * descriptor, and nothing else. */
static void relocation_into_imports(struct file *f)
{
    unsigned long long import = pe_get(f->bytes + directory_at(f, 1), 4);
    unsigned char *block = relocations(f);
    pe_put(block, 4, import & ~0xfffull);
    pe_put(block + 8, 2, 10u << 12 | (import & 0xfff));
    for (unsigned long long e = 10; e < pe_get(block + 4, 4); e += 2)
        pe_put(block + e, 2, 0);
}

/* The first function's unwind entry. */
static unsigned char *first_unwind_entry(struct file *f)
{
    return f->bytes + offset_of(f, pe_get(f->bytes + directory_at(f, 3), 4));
}

static void unwind_entry_backwards(struct file *f)
{
    unsigned char *pdata = first_unwind_entry(f);
    pe_put(pdata + 4, 4, pe_get(pdata, 4) - 1); /* it ends before it begins */
}

/* What gcc writes for some functions (Debian's Wine's jscript.dll has two
 * such entries): one that ends where it begins, which the loader's search
 * never finds. */
static void unwind_entry_empty(struct file *f)
{
    unsigned char *pdata = first_unwind_entry(f);
    pe_put(pdata + 4, 4, pe_get(pdata, 4));
}

static unsigned char *export_directory(struct file *f)
{
    return f->bytes + offset_of(f, pe_get(f->bytes + directory_at(f, 0), 4));
}

static void export_address_outside(struct file *f)
{
    pe_put(f->bytes + offset_of(f, pe_get(export_directory(f) + 28, 4)), 4, 0x7fffffff);
}

static void export_names_swapped(struct file *f)
{
    unsigned char *names = f->bytes + offset_of(f, pe_get(export_directory(f) + 32, 4));
    unsigned long long first = pe_get(names, 4);
    pe_put(names, 4, pe_get(names + 4, 4));
    pe_put(names + 4, 4, first);
}

static void import_lookup_outside(struct file *f)
{
    unsigned char *d = f->bytes + offset_of(f, pe_get(f->bytes + directory_at(f, 1), 4));
    pe_put(d, 4, 0x7fff0000);
}

static void tls_end_before_start(struct file *f)
{
    unsigned char *tls = f->bytes + offset_of(f, pe_get(f->bytes + directory_at(f, 9), 4));
    pe_put(tls + 8, 8, pe_get(tls, 8) - 8);
}

static void built_for_arm64(struct file *f)
{
    pe_put(f->bytes + pe_coff(f->bytes), 2, 0xaa64);
}

static void damaged(const struct file *plain, const struct file *core)
{
    char err[512] = "";
    CHECK_INT(hot__image_check(core->bytes, core->size, (long long)core->size, 0, err, sizeof err),
              ==, -1);
    CHECK(strstr(err, "is not a DLL") != NULL);
    CHECK_INT(hot__image_check(plain->bytes, plain->size, (long long)plain->size, EM_AARCH64, err,
                               sizeof err),
              ==, -1);
    CHECK(strstr(err, "is built for x86-64") && strstr(err, "this program is"));
    CHECK_INT(hot__image_check(plain->bytes, plain->size - 600, (long long)plain->size - 600, 0,
                               err, sizeof err),
              ==, -1);
    CHECK(strstr(err, "is truncated") != NULL);
    refused(plain, relocation_of_unknown_kind,
            "a base relocation of a kind this runtime does not "
            "know (3)");
    refused(plain, relocation_block_too_short, "a base relocation block's size");
    refused(plain, relocation_outside, "a base relocation's place");
    refused(plain, import_name_outside, "an imported DLL's name");
    refused(plain, export_name_outside, "an export's name or ordinal");
    refused(plain, entry_point_in_data, "an entry point outside the code");
    refused(plain, tls_callback_in_data, "a TLS callback outside the code");
    refused(plain, delay_imports, "delay-load imports");
    refused(plain, section_past_the_end, "is truncated");
    refused(plain, sections_overlap, "corrupt section table");
    refused(plain, too_many_directories, "17 data directories");
    refused(plain, not_64_bit, "is not a 64-bit PE file");
    refused(plain, tls_index_not_relocated, "a TLS directory pointer that is not relocated");
    refused(plain, relocation_into_imports, "a base relocation of what the loader reads");
    refused(plain, relocated_pointer_outside, "a relocated pointer outside the library");
    refused(plain, section_off_the_alignment, "has a corrupt section table (section 1)");
    refused(plain, reference_pointer_moved,
            "a reference pointer that does not hold its symbol's address");
    refused(plain, unwind_entry_backwards, "a function's unwind entry");
    accepted(plain, unwind_entry_empty);
    refused(plain, export_address_outside, "an export's address");
    refused(plain, export_names_swapped, "export names out of order");
    refused(plain, import_lookup_outside, "an import's lookup table");
    refused(plain, tls_end_before_start, "the TLS directory's ranges");
    refused(plain, built_for_arm64, "vais-hot reads x86-64 DLLs only");
}

/* A debug directory claiming 4 GiB: the build ID is looked for in what
 * the file holds, at once. */
static void debug_directory_huge(struct file *f)
{
    pe_put(f->bytes + directory_at(f, 6) + 4, 4, 0xfffffff0u);
}

/* What a build still being written lacks, and what a whole one does not. */
static void incomplete(const struct file *plain)
{
    CHECK(hot__pe_incomplete(plain->bytes, plain->size) == NULL);
    const char *missing = hot__pe_incomplete(plain->bytes, 100);
    CHECK_STR(missing ? missing : "(whole)", "has no PE header yet");
    missing = hot__pe_incomplete(plain->bytes, optional_at(plain) + 64);
    CHECK_STR(missing ? missing : "(whole)", "ends before its section table");
    missing = hot__pe_incomplete(plain->bytes, plain->size - 600);
    CHECK(missing != NULL);
    struct file copy = {malloc(plain->size), plain->size};
    if (!copy.bytes)
        return;
    memcpy(copy.bytes, plain->bytes, plain->size);
    too_many_directories(&copy); /* whole, but not what the checks take */
    CHECK(hot__pe_incomplete(copy.bytes, copy.size) == NULL);
    memcpy(copy.bytes, plain->bytes, plain->size);
    debug_directory_huge(&copy);
    const unsigned char *id;
    CHECK_INT(hot__image_build_id(copy.bytes, copy.size, &id), ==, 0);
    free(copy.bytes);
}

/* The summary `vais-hot stamp` wrote beside path, decoded. */
static struct hot__summary summary_of(const char *path)
{
    char name[4200], err[512];
    struct hot__summary s = {0};
    snprintf(name, sizeof name, "%s%s", path, HOT_ABI_SUMMARY_SUFFIX);
    struct file f = slurp(name);
    CHECK_INT(f.size ? hot__summary_decode(f.bytes, f.size, &s, err, sizeof err) : -1, ==, 0);
    free(f.bytes);
    return s;
}

/* A hot DLL: its table from the file; its summary's functions where the
 * file has them, and its layouts against the other builds'. */
static void hot_dlls(const char *path, const char *body_path, const char *type_path)
{
    struct file f = slurp(path);
    char err[512] = "", why[512] = "";
    if (!f.size)
        return;
    struct hot__image_pointers *pointers = hot__image_pointers_new(f.bytes, f.size);
    struct hot__table_file table;
    CHECK(pointers != NULL);
    CHECK_INT(hot__image_check(f.bytes, f.size, (long long)f.size, EM_X86_64, err, sizeof err), ==,
              0);
    CHECK_INT(pointers ? hot__image_check_loader(f.bytes, f.size, pointers, err, sizeof err) : -1,
              ==, 0);
    CHECK_STR(err, "");
    int read =
        pointers ? hot__table_file_read(f.bytes, f.size, pointers, &table, err, sizeof err) : -1;
    CHECK_INT(read, ==, 0);
    if (read == 0) {
        CHECK_INT(table.table.count, ==, 2);
        int step = 0, average = 0; /* in the generator's order */
        for (uint32_t i = 0; i < table.table.count; i++) {
            step |= strcmp(table.table.functions[i]->name, "step") == 0;
            average |= strcmp(table.table.functions[i]->name, "average") == 0;
        }
        CHECK(step && average);
        for (uint32_t i = 0; i < table.table.count; i++)
            CHECK(hot__image_in_code(f.bytes, f.size,
                                     (unsigned long long)(uintptr_t)table.table.functions[i]->code,
                                     0, 1));
        hot__table_file_free(&table);
    }
    hot__image_pointers_free(pointers);

    struct hot__summary first = summary_of(path), body = summary_of(body_path),
                        type = summary_of(type_path);
    const struct hot__function *step = hot__functions_find(&first.functions, "step");
    CHECK(step != NULL);
    if (step) {
        CHECK_STR(step->type, "int(struct state *, int)");
        CHECK(hot__image_in_code(f.bytes, f.size, step->address, 0, 1));
    }
    CHECK(first.layouts != NULL && body.layouts != NULL && type.layouts != NULL);
    if (first.layouts && body.layouts && type.layouts) {
        CHECK(hot__layouts_same(first.layouts, body.layouts));
        CHECK(!hot__layouts_same(first.layouts, type.layouts));
        const char *file = NULL;
        CHECK_INT(hot__layouts_differ(type.layouts, NULL, first.layouts, why, sizeof why, &file),
                  ==, HOT_LAYOUTS_RUNNING);
        CHECK(strstr(why, "'state'") != NULL);
    }
    hot__summary_free(&first);
    hot__summary_free(&body);
    hot__summary_free(&type);
    free(f.bytes);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: test_image PLAIN.dll CORE.exe HOT.dll HOT_BODY.dll HOT_TYPE.dll\n");
        return 2;
    }
    struct file plain = slurp(argv[1]), core = slurp(argv[2]);
    if (plain.size && core.size) {
        plain_dll(&plain);
        damaged(&plain, &core);
        incomplete(&plain);
    }
    hot_dlls(argv[3], argv[4], argv[5]);
    free(plain.bytes);
    free(core.bytes);
    return check_exit();
}
