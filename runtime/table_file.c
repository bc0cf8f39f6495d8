/* runtime/table_file.c
 * hot__table_file_read: the table's fields at the symbol's address, each
 * pointer as the file's relocations make it, each string NUL-terminated in
 * the file. */
#include "table_file.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

/* A table has at most this many functions or variables; a corrupt count
 * must not make us allocate gigabytes. */
#define MAX_ENTRIES 1000000u

struct reading {
    const unsigned char *image;
    size_t size;
    const struct hot__image_pointers *pointers;
    const char *problem; /* the first thing found wrong, or NULL */
};

/* Reads the size-byte field at address into out. */
static void read_field(struct reading *r, unsigned long long address, void *out, size_t size)
{
    const unsigned char *bytes = hot__image_at(r->image, r->size, address, size);
    if (bytes)
        memcpy(out, bytes, size);
    else if (!r->problem)
        r->problem = "a field outside the file";
}

/* The pointer at address, as linked; 0 (and a problem) if it cannot be told. */
static unsigned long long read_pointer(struct reading *r, unsigned long long address)
{
    unsigned long long value = 0;
    if (hot__image_pointer_at(r->pointers, address, &value) != 0 && !r->problem)
        r->problem = "a pointer that cannot be read before loading";
    return value;
}

/* The string the pointer at address points to; "" (and a problem) if none.
 * Where it is, as linked, goes to *where. */
static const char *read_string(struct reading *r, unsigned long long address,
                               unsigned long long *where)
{
    unsigned long long at = *where = read_pointer(r, address);
    const char *text = at ? hot__image_string_at(r->image, r->size, at) : NULL;
    if (!text && !r->problem)
        r->problem = "a name outside the file";
    return text ? text : "";
}

static void read_function(struct reading *r, unsigned long long address,
                          struct hot_abi_function *out, unsigned long long where[3])
{
    where[0] = address;
    out->name = read_string(r, address + offsetof(struct hot_abi_function, name), &where[1]);
    out->signature =
        read_string(r, address + offsetof(struct hot_abi_function, signature), &where[2]);
    /* A function the library may interpose is told only once loaded;
     * the checks need only to know there is one. */
    unsigned long long code = 1;
    unsigned long long place = address + offsetof(struct hot_abi_function, code);
    if (hot__image_pointer_at(r->pointers, place, &code) != 0 &&
        !hot__image_at(r->image, r->size, place, sizeof code))
        r->problem = r->problem ? r->problem : "a field outside the file";
    out->code = (hot_abi_code)(uintptr_t)code;
}

static void read_variable(struct reading *r, unsigned long long address,
                          struct hot_abi_variable *out, unsigned long long where[3])
{
    where[0] = address;
    out->name = read_string(r, address + offsetof(struct hot_abi_variable, name), &where[1]);
    out->type = read_string(r, address + offsetof(struct hot_abi_variable, type), &where[2]);
    read_field(r, address + offsetof(struct hot_abi_variable, size), &out->size, sizeof out->size);
    /* Interposable, so told only once loaded; the checks need only names. */
    unsigned long long at = 0;
    hot__image_pointer_at(r->pointers, address + offsetof(struct hot_abi_variable, address), &at);
    out->address = (void *)(uintptr_t)at;
}

int hot__table_file_read(const unsigned char *image, size_t size,
                         const struct hot__image_pointers *pointers, struct hot__table_file *out,
                         char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    unsigned long long at = hot__image_symbol_address(image, size, HOT_ABI_TABLE_SYMBOL);
    if (!at) {
        snprintf(err, errlen, "is not a vais-hot library (no '%s')", HOT_ABI_TABLE_SYMBOL);
        return -1;
    }
    struct reading r = {image, size, pointers, NULL};
    struct hot_abi_table *t = &out->table;
    read_field(&r, at + offsetof(struct hot_abi_table, magic), &t->magic, sizeof t->magic);
    read_field(&r, at + offsetof(struct hot_abi_table, format), &t->format, sizeof t->format);
    read_field(&r, at + offsetof(struct hot_abi_table, count), &t->count, sizeof t->count);
    read_field(&r, at + offsetof(struct hot_abi_table, variable_count), &t->variable_count,
               sizeof t->variable_count);
    /* Another format is the loader's to name, from these fields alone. */
    if (r.problem || t->magic != HOT_ABI_MAGIC || t->format != HOT_ABI_FORMAT) {
        t->count = t->variable_count = 0;
        if (!r.problem)
            return 0;
        snprintf(err, errlen, "has a corrupt vais-hot table (%s)", r.problem);
        return -2;
    }
    out->at[0] = at;
    t->program = read_string(&r, at + offsetof(struct hot_abi_table, program), &out->at[1]);
    unsigned long long functions = read_pointer(&r, at + offsetof(struct hot_abi_table, functions));
    unsigned long long variables = read_pointer(&r, at + offsetof(struct hot_abi_table, variables));
    out->at[2] = functions;
    out->at[3] = variables;
    if (t->count > MAX_ENTRIES || t->variable_count > MAX_ENTRIES)
        r.problem = r.problem ? r.problem : "more entries than any table has";
    if (!variables)
        t->variable_count = 0;
    if (!r.problem) {
        out->functions = calloc(t->count ? t->count : 1, sizeof *out->functions);
        out->function_list = calloc(t->count ? t->count : 1, sizeof *out->function_list);
        out->variables = calloc(t->variable_count ? t->variable_count : 1, sizeof *out->variables);
        out->variable_list =
            calloc(t->variable_count ? t->variable_count : 1, sizeof *out->variable_list);
        out->function_at = calloc(3 * (t->count ? t->count : 1), sizeof *out->function_at);
        out->variable_at =
            calloc(3 * (t->variable_count ? t->variable_count : 1), sizeof *out->variable_at);
        if (!out->functions || !out->function_list || !out->variables || !out->variable_list ||
            !out->function_at || !out->variable_at) {
            snprintf(err, errlen, "could not be read: out of memory");
            hot__table_file_free(out);
            return -3;
        }
    }
    for (uint32_t i = 0; !r.problem && i < t->count; i++) {
        read_function(&r, read_pointer(&r, functions + sizeof(uint64_t) * i), &out->functions[i],
                      &out->function_at[3 * i]);
        out->function_list[i] = &out->functions[i];
    }
    for (uint32_t i = 0; !r.problem && i < t->variable_count; i++) {
        read_variable(&r, read_pointer(&r, variables + sizeof(uint64_t) * i), &out->variables[i],
                      &out->variable_at[3 * i]);
        out->variable_list[i] = &out->variables[i];
    }
    if (r.problem) {
        snprintf(err, errlen, "has a corrupt vais-hot table (%s)", r.problem);
        hot__table_file_free(out);
        return -2;
    }
    t->functions = out->function_list;
    t->variables = variables ? out->variable_list : NULL;
    return 0;
}

/* Does the pointer live lead where the file's did, as linked, at bias? */
static int leads(const void *live, unsigned long long linked, uintptr_t bias)
{
    return (uintptr_t)live == (linked ? bias + (uintptr_t)linked : 0);
}

int hot__table_file_matches(const struct hot__table_file *file, const struct hot_abi_table *live,
                            uintptr_t bias)
{
    const struct hot_abi_table *t = &file->table;
    if (!leads(live, file->at[0], bias) || live->count != t->count ||
        live->variable_count != t->variable_count || !leads(live->program, file->at[1], bias) ||
        !leads(live->functions, file->at[2], bias) || !leads(live->variables, file->at[3], bias))
        return 0;
    for (uint32_t i = 0; i < t->count; i++) {
        const unsigned long long *at = &file->function_at[3 * i];
        const struct hot_abi_function *f = live->functions[i];
        if (!leads(f, at[0], bias) || !leads(f->name, at[1], bias) ||
            !leads(f->signature, at[2], bias))
            return 0;
    }
    for (uint32_t i = 0; i < (live->variables ? t->variable_count : 0); i++) {
        const unsigned long long *at = &file->variable_at[3 * i];
        const struct hot_abi_variable *v = live->variables[i];
        if (!leads(v, at[0], bias) || !leads(v->name, at[1], bias) || !leads(v->type, at[2], bias))
            return 0;
    }
    return 1;
}

void hot__table_file_free(struct hot__table_file *t)
{
    free(t->function_at);
    free(t->variable_at);
    free(t->functions);
    free(t->function_list);
    free(t->variables);
    free(t->variable_list);
    memset(t, 0, sizeof *t);
}
