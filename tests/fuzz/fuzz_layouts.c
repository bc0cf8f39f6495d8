/* tests/fuzz/fuzz_layouts.c
 * libFuzzer target: the runtime's debug-information reader, layout
 * comparison, function list, relocation, needs and table readers, and the
 * check of what the dynamic loader trusts (runtime/dwarf.c, layout.c,
 * functions.c, elf_check.c, elf_dynamic.c, table_file.c) on
 * arbitrary bytes, read as a hot library and as a core, and compared with
 * themselves; and the vais-hot command's symbol tables and its check that a
 * library is whole (generator/elf_symbols.c). A library can be corrupt in
 * any way; both must refuse it, never crash on it. */
#include "elf_check.h"
#include "elf_symbols.h"
#include "functions.h"
#include "layout.h"
#include "table_file.h"

#include <stddef.h>
#include <stdint.h>

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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The hot functions and variable of tests/runtime/layout and persist. */
    static const char *const functions[] = {"cache_hit", "cache_new", "step", "bump"};
    static const char *const variables[] = {"counter", "label_text"};
    static const char *const sources[] = {"hot.c"};
    const struct hot__layout_roots roots = {functions, 4, variables, 2, sources, 1};
    char err[256], why[512];
    struct hot__elf_slot slots[8];
    hot__elf_symbol_slots(data, size, "counter", slots, 8);
    hot__elf_symbol_slots(data, size, "vais_hot__persist_counter", slots, 8);
    size_t sum = 0;
    const char *missing = elf_incomplete(data, size);
    if (missing)
        touch_name(&sum, missing);
    elf_each_symbol(data, size, ELF_DYNAMIC, touch_symbol, &sum, err, sizeof err);
    elf_each_symbol(data, size, ELF_STATIC, touch_symbol, &sum, err, sizeof err);
    struct hot__elf_pointers *pointers = hot__elf_pointers_new(data, size);
    if (pointers && hot__elf_check(data, size, (long long)size, err, sizeof err) == 0)
        hot__elf_check_dynamic(data, size, pointers, err, sizeof err);
    hot__elf_each_need(data, size, HOT_ELF_SYMBOL, touch_name, &sum);
    hot__elf_each_need(data, size, HOT_ELF_LIBRARY, touch_name, &sum);
    struct hot__table_file table;
    if (pointers && hot__table_file_read(data, size, pointers, &table, err, sizeof err) == 0) {
        for (uint32_t i = 0; i < table.table.count; i++)
            touch_name(&sum, table.table.functions[i]->signature);
        hot__table_file_free(&table);
    }
    hot__elf_pointers_free(pointers);
    struct hot__dwarf dw, first;
    struct hot__functions list;
    if (hot__dwarf_read(data, size, HOT_DWARF_EVERY_COPY, &dw, err, sizeof err) == 0) {
        struct hot__layouts *library = hot__layouts_from(&dw, &roots, err, sizeof err);
        struct hot__layouts *core = NULL; /* read as the core's is, each type's first copy */
        if (hot__dwarf_read(data, size, HOT_DWARF_FIRST_COPY, &first, err, sizeof err) == 0) {
            core = hot__layouts_from(&first, NULL, err, sizeof err);
            if (hot__functions_read(&first, data, size, &list) == 0)
                hot__functions_free(&list);
            hot__dwarf_free(&first);
        }
        const char *file;
        if (hot__layouts_differ(library, core, library, why, sizeof why, &file) && file)
            touch_name(&sum, file);
        hot__layouts_variable_differs(library, library, "counter", why, sizeof why);
        hot__layouts_free(library);
        hot__layouts_free(core);
        if (hot__functions_read(&dw, data, size, &list) == 0) {
            for (size_t i = 0; i < list.count; i++)
                hot__functions_find(&list, list.list[i].key);
            hot__functions_free(&list);
        }
        hot__dwarf_free(&dw);
    }
    return 0;
}
