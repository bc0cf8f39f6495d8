/* runtime/functions.c
 * hot__functions_read: one pass over the kept entries for top-level
 * functions with an address, spelling each one's type from the entries its
 * DW_AT_type and parameters name. Strings are appended to one buffer as
 * offsets and turned into pointers once it stops growing. */
#include "functions.h"

#include "image.h"
#include "grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPELL_DEPTH 12 /* a type nested deeper is spelled "..." (corrupt files can loop) */

struct text {
    char *bytes;
    size_t length, capacity;
    int failed; /* memory ran out */
};

static void append(struct text *t, const char *s)
{
    size_t n = strlen(s);
    if (hot__grow(&t->bytes, &t->capacity, t->length + n + 1, 1)) {
        t->failed = 1;
        return;
    }
    memcpy(t->bytes + t->length, s, n + 1);
    t->length += n;
}

/* Entry i, or the declaration or abstract instance it completes, whichever
 * first has what has(d) asks for; i itself if none has. */
static uint32_t through_origin(const struct hot__dwarf *dw, uint32_t i,
                               int (*has)(const struct hot__die *d))
{
    uint32_t at = i;
    for (int hops = 0; at != HOT_DWARF_NONE && hops < 8; hops++) {
        if (has(&dw->dies[at]))
            return at;
        at = dw->dies[at].origin ? hot__dwarf_find(dw, dw->dies[at].origin) : HOT_DWARF_NONE;
    }
    return i;
}

static int has_name(const struct hot__die *d)
{
    return d->name != NULL;
}

static int has_type(const struct hot__die *d)
{
    return d->type != 0 || (d->flags & HOT_DIE_TYPE_UNKNOWN);
}

static int has_file(const struct hot__die *d)
{
    return d->file != NULL;
}

static int has_prototype(const struct hot__die *d)
{
    return (d->flags & HOT_DIE_PROTOTYPED) != 0;
}

static int has_linkage(const struct hot__die *d)
{
    return (d->flags & HOT_DIE_EXTERNAL) != 0;
}

static void spell_type(const struct hot__dwarf *dw, uint32_t i, struct text *t, int depth);

/* Appends "(p1, p2, ...)" for the parameters of function or function type i. */
static void spell_parameters(const struct hot__dwarf *dw, uint32_t i, struct text *t, int depth)
{
    const char *separator = "";
    append(t, "(");
    for (uint32_t j = i + 1; j < dw->dies[i].end; j++) {
        const struct hot__die *p = &dw->dies[j];
        if (p->parent != i)
            continue;
        append(t, separator);
        separator = ", ";
        if (p->tag == HOT_DW_UNSPECIFIED_PARAMETERS) {
            append(t, "...");
            continue;
        }
        uint32_t typed = through_origin(dw, j, has_type);
        uint32_t type =
            dw->dies[typed].type ? hot__dwarf_find(dw, dw->dies[typed].type) : HOT_DWARF_NONE;
        /* A parameter's own qualifiers are not part of the function's type. */
        while (type != HOT_DWARF_NONE &&
               (dw->dies[type].tag == HOT_DW_CONST || dw->dies[type].tag == HOT_DW_VOLATILE ||
                dw->dies[type].tag == HOT_DW_RESTRICT) &&
               dw->dies[type].type)
            type = hot__dwarf_find(dw, dw->dies[type].type);
        spell_type(dw, type, t, depth + 1);
    }
    append(t, *separator ? ")" : "void)");
}

/* Appends a spelling of type entry i (HOT_DWARF_NONE: void) that tells
 * types apart as C's compatibility rules would: typedefs are spelled as
 * what they name. */
static void spell_type(const struct hot__dwarf *dw, uint32_t i, struct text *t, int depth)
{
    if (depth > SPELL_DEPTH) {
        append(t, "...");
        return;
    }
    if (i == HOT_DWARF_NONE) {
        append(t, "void");
        return;
    }
    const struct hot__die *d = &dw->dies[i];
    uint32_t target = d->type ? hot__dwarf_find(dw, d->type) : HOT_DWARF_NONE;
    if (d->flags & HOT_DIE_TYPE_UNKNOWN) {
        append(t, "?");
        return;
    }
    switch (d->tag) {
    case HOT_DW_STRUCTURE:
    case HOT_DW_UNION:
    case HOT_DW_ENUMERATION:
        append(t, d->tag == HOT_DW_STRUCTURE ? "struct "
                  : d->tag == HOT_DW_UNION   ? "union "
                                             : "enum ");
        append(t, d->name ? d->name : "<anonymous>");
        break;
    case HOT_DW_TYPEDEF:
        spell_type(dw, target, t, depth + 1);
        break;
    case HOT_DW_BASE:
    case HOT_DW_UNSPECIFIED:
        append(t, d->name ? d->name : "?");
        break;
    case HOT_DW_POINTER:
        spell_type(dw, target, t, depth + 1);
        append(t, " *");
        break;
    case HOT_DW_CONST:
    case HOT_DW_VOLATILE:
    case HOT_DW_RESTRICT:
    case HOT_DW_ATOMIC:
        append(t, d->tag == HOT_DW_CONST      ? "const "
                  : d->tag == HOT_DW_VOLATILE ? "volatile "
                  : d->tag == HOT_DW_RESTRICT ? "restrict "
                                              : "_Atomic ");
        spell_type(dw, target, t, depth + 1);
        break;
    case HOT_DW_ARRAY:
        spell_type(dw, target, t, depth + 1);
        for (uint32_t j = i + 1; j < d->end; j++) {
            if (dw->dies[j].parent != i || dw->dies[j].tag != HOT_DW_SUBRANGE)
                continue;
            char dimension[32];
            if (dw->dies[j].flags & HOT_DIE_HAS_COUNT)
                snprintf(dimension, sizeof dimension, "[%llu]",
                         (unsigned long long)dw->dies[j].count);
            else
                snprintf(dimension, sizeof dimension, "[]");
            append(t, dimension);
        }
        break;
    case HOT_DW_SUBROUTINE:
        spell_type(dw, target, t, depth + 1);
        if (d->flags & HOT_DIE_PROTOTYPED)
            spell_parameters(dw, i, t, depth);
        else
            append(t, "()");
        break;
    default:
        append(t, "?");
        break;
    }
}

static int by_key(const void *a, const void *b)
{
    const struct hot__function *x = a, *y = b;
    return strcmp(x->key, y->key);
}

/* By key, then by everything else: a total order, as qsort need not keep
 * the order of equal ones, and C libraries differ in it. */
static int sort_order(const void *a, const void *b)
{
    const struct hot__function *x = a, *y = b;
    int order = by_key(x, y);
    if (!order && x->address != y->address)
        order = x->address < y->address ? -1 : 1;
    if (!order)
        order = strcmp(x->type, y->type);
    if (!order)
        order = strcmp(x->file ? x->file : "", y->file ? y->file : "");
    return order ? order : x->prototyped - y->prototyped;
}

/* While the text buffer grows, strings are kept as offsets in these. */
struct pending {
    size_t key, name, file, type; /* file: 0 for none (offset 0 is a key) */
    uint64_t address;
    int declared;   /* a declaration, not a definition */
    int prototyped; /* declared with a prototype */
};

/* Appends the strings of function entry i to t, for p. */
static void describe(const struct hot__dwarf *dw, uint32_t i, struct text *t, struct pending *p)
{
    const char *name = dw->dies[through_origin(dw, i, has_name)].name;
    int external = (dw->dies[through_origin(dw, i, has_linkage)].flags & HOT_DIE_EXTERNAL) != 0;
    const char *file = dw->dies[through_origin(dw, i, has_file)].file;
    p->key = t->length;
    if (!external) {
        append(t, file ? file : "");
        append(t, "\n");
    }
    append(t, name);
    t->length++; /* keep the NUL */
    p->name = t->length;
    append(t, name);
    t->length++;
    p->file = 0;
    if (!external) {
        const char *slash = file ? strrchr(file, '/') : NULL;
        p->file = t->length;
        append(t, slash ? slash + 1 : file ? file : "?");
        t->length++;
    }
    p->type = t->length;
    uint32_t typed = through_origin(dw, i, has_type);
    spell_type(dw,
               dw->dies[typed].type ? hot__dwarf_find(dw, dw->dies[typed].type) : HOT_DWARF_NONE, t,
               0);
    uint32_t prototype = through_origin(dw, i, has_prototype);
    p->prototyped = (dw->dies[prototype].flags & HOT_DIE_PROTOTYPED) != 0;
    if (p->prototyped)
        spell_parameters(dw, prototype, t, 0);
    else
        append(t, "()"); /* K&R: says nothing of its parameters */
    t->length++;
}

/* Moves the pending entries with declared == declared into *list, sorted
 * by key. A key several entries share stays once if they agree on the
 * address (declarations always do), and goes if they do not: a static
 * function of a header in several units, each its own copy. Returns how
 * many, or -1 when memory ran out. */
static long settle(const struct pending *pending, size_t count, int declared, const char *text,
                   struct hot__function **list)
{
    size_t n = 0;
    *list = malloc((count ? count : 1) * sizeof **list);
    if (!*list)
        return -1;
    for (size_t k = 0; k < count; k++) {
        const struct pending *p = &pending[k];
        if (p->declared == declared)
            (*list)[n++] = (struct hot__function){
                text + p->key,  text + p->name, p->file ? text + p->file : NULL,
                text + p->type, p->address,     p->prototyped};
    }
    if (n)
        qsort(*list, n, sizeof **list, sort_order);
    size_t unique = 0;
    for (size_t k = 0; k < n;) {
        size_t same = k + 1, places = 1; /* the run of this key, and its addresses */
        for (; same < n && strcmp((*list)[same].key, (*list)[k].key) == 0; same++)
            places += (*list)[same].address != (*list)[k].address;
        if (places == 1) /* else a header's static function in several units: which is which? */
            (*list)[unique++] = (*list)[k];
        k = same;
    }
    return (long)unique;
}

static int by_address(const void *a, const void *b)
{
    const struct hot__image_function *x = a, *y = b;
    return x->address < y->address ? -1 : x->address > y->address;
}

/* The file's function symbols, sorted by address, in *symbols (owned by the
 * caller); -1 when memory ran out. */
static long read_symbols(const unsigned char *image, size_t size,
                         struct hot__image_function **symbols)
{
    size_t count = hot__image_functions(image, size, NULL, 0);
    *symbols = malloc((count ? count : 1) * sizeof **symbols);
    if (!*symbols)
        return -1;
    count = hot__image_functions(image, size, *symbols, count);
    if (count)
        qsort(*symbols, count, sizeof **symbols, by_address);
    return (long)count;
}

/* Where the function name whose debug information starts its code at
 * address is entered: its symbol's address, which the debug information
 * gives too, except where the compiler puts the entry's patchable NOPs
 * before the code it describes (AArch64: low_pc is past them, and past the
 * landing pad; HOT_FUNCTIONS_LATE bytes at most). 0 unless the code is the function itself: the one
 * function symbol at its entry has that very name. An optimiser's clone or part of it
 * ("name.constprop.0", "name.cold") has another, and identical functions folded into one share an
 * address, so pointers to them can be told apart by nothing: neither is followed. */
static uint64_t entry_of(const struct hot__image_function *symbols, size_t count, uint64_t address,
                         const char *name)
{
    /* The last symbol at or before address. */
    size_t low = 0, high = count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (symbols[mid].address <= address)
            low = mid + 1;
        else
            high = mid;
    }
    if (low == 0 || address - symbols[low - 1].address > HOT_FUNCTIONS_LATE)
        return 0;
    const struct hot__image_function *at = &symbols[low - 1];
    int alone = (at == symbols || at[-1].address != at->address);
    int named = at->name_length == strlen(name) && memcmp(at->name, name, at->name_length) == 0;
    return alone && named && at->address != 0 ? at->address : 0;
}

int hot__functions_read(const struct hot__dwarf *dw, const unsigned char *image, size_t size,
                        struct hot__functions *out)
{
    memset(out, 0, sizeof *out);
    struct text t = {0};
    struct pending *pending = NULL;
    size_t count = 0, capacity = 0;
    struct hot__image_function *symbols;
    long symbol_count = read_symbols(image, size, &symbols);
    if (symbol_count < 0)
        return -1;
    for (uint32_t i = 0; i < dw->count && !t.failed; i++) {
        const struct hot__die *d = &dw->dies[i];
        if (d->tag != HOT_DW_SUBPROGRAM || d->parent != HOT_DWARF_NONE ||
            (d->flags & HOT_DIE_FOREIGN))
            continue; /* a function the build compiled, at the top of its unit */
        int declared = (d->flags & HOT_DIE_DECLARATION) != 0;
        const char *name = dw->dies[through_origin(dw, i, has_name)].name;
        uint64_t entry = 0;
        if (!name ||
            (declared ? !(d->flags & HOT_DIE_EXTERNAL)
                      : !(d->flags & HOT_DIE_HAS_ADDRESS) ||
                            !(entry = entry_of(symbols, (size_t)symbol_count, d->address, name)) ||
                            !hot__image_in_code(image, size, entry, HOT_FUNCTIONS_BEFORE,
                                                HOT_FUNCTIONS_AFTER)))
            continue;
        if (hot__grow(&pending, &capacity, count + 1, sizeof *pending)) {
            t.failed = 1;
            break;
        }
        pending[count] =
            (struct pending){.address = declared ? d->address : entry, .declared = declared};
        describe(dw, i, &t, &pending[count++]);
    }
    long defined = -1, declared = -1;
    if (!t.failed) {
        defined = settle(pending, count, 0, t.bytes, &out->list);
        declared = settle(pending, count, 1, t.bytes, &out->declared);
    }
    free(pending);
    free(symbols);
    if (defined < 0 || declared < 0) {
        free(t.bytes);
        free(out->list);
        free(out->declared);
        memset(out, 0, sizeof *out);
        return -1;
    }
    out->count = (size_t)defined;
    out->declared_count = (size_t)declared;
    out->text = t.bytes;
    return 0;
}

void hot__functions_free(struct hot__functions *functions)
{
    free(functions->list);
    free(functions->declared);
    free(functions->text);
    memset(functions, 0, sizeof *functions);
}

const struct hot__function *hot__functions_find(const struct hot__functions *functions,
                                                const char *key)
{
    struct hot__function probe = {key, NULL, NULL, NULL, 0, 0};
    return functions->count
               ? bsearch(&probe, functions->list, functions->count, sizeof *functions->list, by_key)
               : NULL;
}
