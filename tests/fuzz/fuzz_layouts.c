/* tests/fuzz/fuzz_layouts.c
 * libFuzzer target: the runtime's readers of a library's file
 * (VaisHot::image, ELF and PE: the debug-information reader, layout comparison,
 * function list, relocation, needs and table readers, the check of what
 * the dynamic loader trusts, and the summary) on arbitrary bytes, read as a
 * hot library and as a core, and compared with themselves; and the vais-hot
 * command's symbol tables and its check that a library is whole
 * (tool/elf_symbols.c). A library can be corrupt in any way; both must
 * refuse it, never crash on it. Bytes that are a summary are decoded and
 * compared as one, and so are those that are a core's summary file; a
 * library's summary must decode to what it encoded (the same layouts, as
 * hot__layouts_same sees them), a core's for its own build ID. */
#include "image.h"
#include "pe_image.h"
#include "elf_symbols.h"
#include "functions.h"
#include "layout.h"
#include "summary.h"
#include "table_file.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every byte of a name, as the loader hands each to dlsym. */
static void touch_name(void *ctx, const char *name)
{
    size_t *sum = ctx;
    while (*name)
        *sum += (unsigned char)*name++;
}

static void touch_symbol(void *ctx, const struct elf_symbol *symbol)
{
    touch_name(ctx, symbol->name);
    if (symbol->from)
        touch_name(ctx, symbol->from);
}

/* Decodes bytes as a summary and, if they are one, compares its layouts
 * with themselves, as the loader would with a running build's. */
static void decode_summary(const uint8_t *bytes, size_t size, const uint8_t *image,
                           size_t image_size)
{
    char err[256], why[512];
    struct hot__summary s;
    if (hot__summary_decode(bytes, size, &s, err, sizeof err) != 0)
        return;
    const char *file;
    hot__summary_fits(&s, image, image_size);
    hot__layouts_differ(s.layouts, s.layouts, s.layouts, why, sizeof why, &file);
    hot__layouts_variable_differs(s.layouts, s.layouts, "counter", why, sizeof why);
    hot__summary_free(&s);
}

/* Decodes bytes as a core's summary file, for the build ID it names (so
 * that the summary after it is read), and compares as decode_summary. */
static void decode_core_summary(const uint8_t *bytes, size_t size)
{
    char err[256], why[512];
    struct hot__summary s;
    size_t length = size >= 12 ? (size_t)bytes[8] | (size_t)bytes[9] << 8 |
                                     (size_t)bytes[10] << 16 | (size_t)bytes[11] << 24
                               : 0;
    if (length == 0 || length > HOT_SUMMARY_MAX_BUILD_ID || length > size - 12 ||
        hot__summary_decode_core(bytes, size, bytes + 12, length, &s, err, sizeof err) != 0)
        return;
    const char *file;
    hot__layouts_differ(s.layouts, s.layouts, NULL, why, sizeof why, &file);
    hot__summary_free(&s);
}

/* A summary read from a library must decode to what was encoded. */
static void round_trip(const struct hot__summary *read, const uint8_t *image, size_t size)
{
    unsigned char *once = NULL, *twice = NULL;
    size_t once_size = 0, twice_size = 0;
    char err[256];
    struct hot__summary decoded;
    if (hot__summary_encode(read, &once, &once_size) != 0)
        return;
    if (hot__summary_decode(once, once_size, &decoded, err, sizeof err) != 0 ||
        !hot__summary_fits(&decoded, image, size))
        abort(); /* its own summary refused */
    if (hot__summary_encode(&decoded, &twice, &twice_size) == 0 &&
        (twice_size != once_size || memcmp(once, twice, once_size) != 0))
        abort(); /* decoded to something else */
    if (!hot__layouts_same(decoded.layouts, read->layouts))
        abort(); /* a build read again would be checked in full */
    hot__summary_free(&decoded);
    free(once);
    free(twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode_summary(data, size, data, size);
    decode_core_summary(data, size);
    /* The hot functions and variable of tests/runtime/layout and persist. */
    static const char *const functions[] = {"cache_hit", "cache_new", "step", "bump"};
    static const char *const variables[] = {"counter", "label_text"};
    static const char *const sources[] = {"hot.c"};
    const struct hot__layout_roots roots = {functions, 4, variables, 2};
    char err[256], why[512];
    struct hot__image_slot slots[8];
    hot__image_symbol_slots(data, size, "counter", 4, slots, 8);
    hot__image_symbol_slots(data, size, "vais_hot__persist_counter", 4, slots, 8);
    size_t sum = 0;
    const char *missing = elf_incomplete(data, size);
    sum += (size_t)elf_linked_dynamically(data, size);
    if (missing)
        touch_name(&sum, missing);
    if (size >= 2 && data[0] == 'M' && data[1] == 'Z' && (missing = hot__pe_incomplete(data, size)))
        touch_name(&sum, missing);
    elf_each_symbol(data, size, ELF_DYNAMIC, touch_symbol, &sum, err, sizeof err);
    elf_each_symbol(data, size, ELF_STATIC, touch_symbol, &sum, err, sizeof err);
    struct hot__image_pointers *pointers = hot__image_pointers_new(data, size);
    if (pointers && hot__image_check(data, size, (long long)size, 0, err, sizeof err) == 0) {
        hot__image_check_loader(data, size, pointers, err, sizeof err);
        /* What a removed copy keeps: whole pages, in order and apart. */
        struct hot__image_extent kept[4];
        size_t count = hot__image_mapped_extents(data, size, 4096, kept, 4);
        for (size_t i = 0; count <= 4 && i < count; i++)
            if ((i > 0 && kept[i].offset <= kept[i - 1].offset + kept[i - 1].length) ||
                kept[i].offset % 4096 != 0 || kept[i].length % 4096 != 0)
                abort();
    }
    hot__image_each_need(data, size, HOT_IMAGE_SYMBOL, touch_name, &sum);
    hot__image_each_need(data, size, HOT_IMAGE_LIBRARY, touch_name, &sum);
    struct hot__table_file table;
    if (pointers && hot__table_file_read(data, size, pointers, &table, err, sizeof err) == 0) {
        for (uint32_t i = 0; i < table.table.count; i++)
            touch_name(&sum, table.table.functions[i]->signature);
        hot__table_file_free(&table);
    }
    hot__image_pointers_free(pointers);
    struct hot__dwarf dw;
    if (hot__dwarf_read(data, size, HOT_DWARF_EVERY_COPY, &dw, err, sizeof err) == 0) {
        hot__dwarf_own(&dw, HOT_ABI_TABLE_SYMBOL); /* as a hot library's is read */
        struct hot__layouts *library = hot__layouts_from(&dw, &roots, err, sizeof err);
        struct hot__summary core; /* read as the core's is, each type's first copy */
        hot__summary_of_core(data, size, &core, err, sizeof err);
        const unsigned char *id;
        size_t id_length = hot__image_build_id(data, size, &id);
        unsigned char *core_bytes = NULL;
        size_t core_size = 0;
        if (core.layouts && id_length &&
            hot__summary_encode_core(&core, id, id_length, &core_bytes, &core_size) == 0) {
            struct hot__summary decoded;
            if (hot__summary_decode_core(core_bytes, core_size, id, id_length, &decoded, err,
                                         sizeof err) != 0)
                abort(); /* a core's own summary refused */
            hot__summary_free(&decoded);
            free(core_bytes);
        }
        const char *file;
        if (hot__layouts_differ(library, core.layouts, library, why, sizeof why, &file) && file)
            touch_name(&sum, file);
        hot__layouts_variable_differs(library, library, "counter", why, sizeof why);
        hot__layouts_drop_declared(library, sources, 1);
        hot__summary_free(&core);
        struct hot__summary read = {library, {0}};
        if (library && hot__functions_read(&dw, data, size, &read.functions) == 0) {
            for (size_t i = 0; i < read.functions.count; i++)
                hot__functions_find(&read.functions, read.functions.list[i].key);
            round_trip(&read, data, size);
        }
        hot__summary_free(&read);
        hot__dwarf_free(&dw);
    }
    return 0;
}
