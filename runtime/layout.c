/* runtime/layout.c
 * Layouts as a small graph of their own: nodes (types) and members, with
 * names copied out of the debug information, so a build's layouts outlive
 * its file. Roots name where the graph is entered: a hot function (its
 * result, then its parameters), a #[persist] variable, or a named type of
 * the core. Comparisons walk two graphs side by side; a pair of aggregates
 * is compared once, which also ends the walk around cyclic types. */
#include "layout.h"

#include "layout_graph.h"

#include "dwarf.h"
#include "grow.h"
#include "printf_format.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading ------------------------------------------------------------ */

/* A named definition, for completing incomplete types and, in the core, as
 * a root. */
struct named {
    const char *name;
    uint32_t hash;  /* of name: named_hash */
    uint32_t index; /* of its entry */
    uint16_t tag;
};

static uint32_t named_hash(const char *name)
{
    uint32_t hash = 2166136261u;
    for (; *name; name++)
        hash = (hash ^ (unsigned char)*name) * 16777619u;
    return hash;
}

/* Do a and b have one tag and name? Names from one string section are
 * often one pointer. */
static int same_named(const struct named *a, const struct named *b)
{
    return a->tag == b->tag && a->hash == b->hash &&
           (a->name == b->name || strcmp(a->name, b->name) == 0);
}

struct reading {
    struct hot__layouts *l;
    const struct hot__dwarf *dw;
    uint32_t *node_of;      /* per entry: its node + 1, or 0 */
    struct named *complete; /* named definitions, grouped by group_named */
    size_t complete_count;
    uint32_t *groups;  /* open addressing by name hash: a group's first position + 1 */
    size_t group_mask; /* the table's size - 1 */
    int depth;
    int failed;            /* out of memory */
    const char *file_read; /* the last declaring file copied (the reader interns them), */
    const char *file_copy; /* and its copy */
    /* A hot library's named types, one node per shape: a header's types are
     * in every unit that includes it. NULL shape_of: each entry its node. */
    uint64_t *shape_of;    /* per entry: its shape, or 0 until worked out */
    uint64_t *shape_keys;  /* open addressing: a shape, 0 empty */
    uint32_t *shape_nodes; /* the node of shape_keys[k] */
    size_t shape_mask;     /* the table's size - 1 */
};

static const char *copy_name(struct reading *r, const char *name)
{
    if (!name)
        return NULL;
    size_t length = strlen(name) + 1;
    struct chunk *c = r->l->names;
    if (!c || c->size - c->used < length) {
        size_t size = length > 4000 ? length : 4000;
        c = malloc(sizeof *c + size);
        if (!c) {
            r->failed = 1;
            return NULL;
        }
        *c = (struct chunk){r->l->names, 0, size};
        r->l->names = c;
    }
    char *copy = memcpy(c->bytes + c->used, name, length);
    c->used += length;
    return copy;
}

/* Entry d's declaring file, copied once however many types it declares. */
static const char *copy_file(struct reading *r, const struct hot__die *d)
{
    if (d->file && d->file != r->file_read) {
        r->file_read = d->file;
        r->file_copy = copy_name(r, d->file);
    }
    return d->file ? r->file_copy : NULL;
}

static uint32_t add_node(struct reading *r, struct node n)
{
    struct hot__layouts *l = r->l;
    if (r->failed || hot__grow(&l->nodes, &l->node_capacity, l->node_count + 1, sizeof n)) {
        r->failed = 1;
        return NODE_UNKNOWN;
    }
    l->nodes[l->node_count] = n;
    return (uint32_t)l->node_count++;
}

/* The name of entry i, through the declaration or abstract instance it
 * completes. */
static const char *entry_name(const struct hot__dwarf *dw, uint32_t i)
{
    for (int hops = 0; i != HOT_DWARF_NONE && hops < 8; hops++) {
        if (dw->dies[i].name)
            return dw->dies[i].name;
        i = dw->dies[i].origin ? hot__dwarf_find(dw, dw->dies[i].origin) : HOT_DWARF_NONE;
    }
    return NULL;
}

/* The slot of r->groups for the tag and name of key: its group's, or the
 * free one where that group goes. */
static size_t group_slot(const struct reading *r, const struct named *key)
{
    size_t i = key->hash & r->group_mask;
    while (r->groups[i] && !same_named(&r->complete[r->groups[i] - 1], key))
        i = (i + 1) & r->group_mask;
    return i;
}

/* Groups r->complete, in entry order, by tag and name: the definitions of
 * one tag and name become adjacent, in entry order (the first definition
 * first), the groups in the order of their first entries; r->groups finds
 * each. A header's types are in every unit that includes it, so this is
 * hashing, not sorting, thousands of them. Returns 0, or -1 when memory ran
 * out. */
static int group_named(struct reading *r)
{
    size_t n = r->complete_count, capacity = 16;
    while (capacity < 2 * n)
        capacity *= 2;
    uint32_t *group_of = malloc((n ? n : 1) * sizeof *group_of); /* per definition */
    uint32_t *ends = calloc(n + 1, sizeof *ends);                /* per group */
    struct named *firsts = malloc((n ? n : 1) * sizeof *firsts); /* per group */
    struct named *grouped = malloc((n ? n : 1) * sizeof *grouped);
    r->groups = calloc(capacity, sizeof *r->groups);
    r->group_mask = capacity - 1;
    int ok = group_of && ends && firsts && grouped && r->groups;
    if (ok) {
        /* Number the groups, first with their first definitions as keys. */
        struct named *all = r->complete;
        size_t count = 0;
        r->complete = firsts;
        for (size_t k = 0; k < n; k++) {
            size_t slot = group_slot(r, &all[k]);
            if (!r->groups[slot]) {
                firsts[count] = all[k];
                r->groups[slot] = (uint32_t)++count;
            }
            group_of[k] = r->groups[slot] - 1;
            ends[group_of[k] + 1]++;
        }
        for (size_t g = 0; g < count; g++) /* ends[g]: where group g starts */
            ends[g + 1] += ends[g];
        for (size_t k = 0; k < n; k++)
            grouped[ends[group_of[k]]++] = all[k];
        /* Now ends[g] is where group g ends, the next one starts. */
        for (size_t i = 0; i <= r->group_mask; i++) {
            uint32_t g = r->groups[i] ? r->groups[i] - 1 : 0;
            r->groups[i] = r->groups[i] ? (g ? ends[g - 1] : 0) + 1 : 0;
        }
        r->complete = grouped;
        grouped = all;
    }
    free(group_of);
    free(ends);
    free(firsts);
    free(grouped);
    return ok ? 0 : -1;
}

/* The complete definition, elsewhere in the file, of the incomplete struct
 * or union at entry i, or HOT_DWARF_NONE. */
static uint32_t find_complete(const struct reading *r, uint32_t i)
{
    const struct hot__die *want = &r->dw->dies[i];
    if (!want->name)
        return HOT_DWARF_NONE;
    struct named key = {want->name, named_hash(want->name), 0, want->tag};
    uint32_t found = r->groups[group_slot(r, &key)];
    return found ? r->complete[found - 1].index : HOT_DWARF_NONE;
}

static uint32_t read_type(struct reading *r, uint32_t i);

/* ---- one node per shape ------------------------------------------------ */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0x100000001b3ULL;
    return h ^ (h >> 29);
}

static uint64_t text_hash(const char *text)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; text && *text; text++)
        h = (h ^ (unsigned char)*text) * 0x100000001b3ULL;
    return text ? h : 1;
}

static uint64_t shape(struct reading *r, uint32_t i, int depth);

/* The shape of the type entry i names (void: a constant). */
static uint64_t shape_of_type(struct reading *r, uint32_t i, int depth)
{
    const struct hot__die *d = &r->dw->dies[i];
    if (d->flags & HOT_DIE_TYPE_UNKNOWN)
        return mix(0x756e6b6e6f776eULL, i); /* its own: merges with nothing */
    if (!d->type)
        return 0x766f6964ULL;
    uint32_t t = hot__dwarf_find(r->dw, d->type);
    return t == HOT_DWARF_NONE ? mix(0x756e6b6e6f776eULL, i) : shape(r, t, depth + 1);
}

/* A hash of what the type at entry i is, for a layout: equal for two
 * entries, in any units, only if they describe the same type. Its kind,
 * name, declaring file and size; a struct's or union's members, each with
 * its name, place and type's shape; a pointer's target by its name when it
 * has one (a named type is read, and compared, as one of its own), else by
 * its shape. Qualifiers do not count, as in comparing. Too deep a type is
 * its own shape, which merges with no other. */
static uint64_t shape(struct reading *r, uint32_t i, int depth)
{
    if (r->shape_of[i])
        return r->shape_of[i];
    const struct hot__die *d = &r->dw->dies[i];
    if (depth >= MAX_DEPTH)
        return mix(0x64656570ULL, i);
    uint64_t h = mix(mix(0x7368617065ULL, d->tag), text_hash(d->name));
    h = mix(mix(h, (uint64_t)(uintptr_t)d->file), d->size); /* the reader interns paths */
    switch (d->tag) {
    case HOT_DW_CONST:
    case HOT_DW_VOLATILE:
    case HOT_DW_RESTRICT:
    case HOT_DW_ATOMIC:
        h = shape_of_type(r, i, depth);
        break;
    case HOT_DW_STRUCTURE:
    case HOT_DW_UNION:
        h = mix(h, d->flags & HOT_DIE_DECLARATION);
        for (uint32_t j = i + 1; j < d->end && !(d->flags & HOT_DIE_DECLARATION); j++) {
            const struct hot__die *m = &r->dw->dies[j];
            if (m->parent != i || m->tag != HOT_DW_MEMBER)
                continue;
            h = mix(mix(h, text_hash(m->name)), m->place);
            h = mix(mix(mix(h, m->bit_size), m->bit_offset), m->flags & HOT_DIE_PLACE_UNKNOWN);
            h = mix(h, shape_of_type(r, j, depth));
        }
        break;
    case HOT_DW_POINTER: {
        uint32_t t = d->type ? hot__dwarf_find(r->dw, d->type) : HOT_DWARF_NONE;
        const struct hot__die *target = t != HOT_DWARF_NONE ? &r->dw->dies[t] : NULL;
        if (target && target->name)
            h = mix(mix(h, target->tag), text_hash(target->name));
        else
            h = mix(h, shape_of_type(r, i, depth));
        break;
    }
    case HOT_DW_ARRAY:
        h = mix(h, shape_of_type(r, i, depth));
        for (uint32_t j = i + 1; j < d->end; j++) {
            const struct hot__die *dim = &r->dw->dies[j];
            if (dim->parent == i && dim->tag == HOT_DW_SUBRANGE)
                h = mix(mix(h, dim->count), dim->flags & HOT_DIE_HAS_COUNT);
        }
        break;
    case HOT_DW_BASE:
        h = mix(h, d->encoding);
        break;
    case HOT_DW_TYPEDEF:
        h = mix(h, shape_of_type(r, i, depth));
        break;
    default: /* enums: name, file and size; functions: nothing to lay out */
        break;
    }
    h = h ? h : 1;
    r->shape_of[i] = h;
    return h;
}

/* The slot of shape_keys for key: its own, or the empty one it goes in. */
static size_t shape_slot(const struct reading *r, uint64_t key)
{
    size_t k = (size_t)key & r->shape_mask;
    while (r->shape_keys[k] && r->shape_keys[k] != key)
        k = (k + 1) & r->shape_mask;
    return k;
}

/* Does entry i name a type shared by shape: a complete struct or union, an
 * enum or a typedef, with a name and a declaring file? */
static int shared_by_shape(const struct reading *r, const struct hot__die *d)
{
    return r->shape_of && d->name && d->file && !(d->flags & HOT_DIE_DECLARATION) &&
           (d->tag == HOT_DW_STRUCTURE || d->tag == HOT_DW_UNION || d->tag == HOT_DW_ENUMERATION ||
            d->tag == HOT_DW_TYPEDEF);
}

/* The node of the type entry i names. */
static uint32_t type_of(struct reading *r, uint32_t i)
{
    for (int hops = 0; i != HOT_DWARF_NONE && hops < 8; hops++) {
        const struct hot__die *d = &r->dw->dies[i];
        if (d->flags & HOT_DIE_TYPE_UNKNOWN)
            return NODE_UNKNOWN;
        if (d->type) {
            uint32_t t = hot__dwarf_find(r->dw, d->type);
            return t == HOT_DWARF_NONE ? NODE_UNKNOWN : read_type(r, t);
        }
        i = d->origin ? hot__dwarf_find(r->dw, d->origin) : HOT_DWARF_NONE;
    }
    return NODE_VOID;
}

/* Node n stands for entry i (so a cycle through it ends here), and its
 * target is the type entry i names: a typedef's or a pointer's. */
static void set_target(struct reading *r, uint32_t i, uint32_t n)
{
    r->node_of[i] = n + 1;
    uint32_t target = type_of(r, i); /* may move r->l->nodes: store by index afterwards */
    if (!r->failed)
        r->l->nodes[n].target = target;
}

static uint32_t read_aggregate(struct reading *r, uint32_t i, enum kind kind)
{
    const struct hot__die *d = &r->dw->dies[i];
    uint32_t n = add_node(r, (struct node){.kind = kind,
                                           .name = copy_name(r, d->name),
                                           .file = copy_file(r, d),
                                           .size = d->size});
    r->node_of[i] = n + 1;
    uint32_t span = 0;
    for (uint32_t j = i + 1; j < d->end; j++)
        span += r->dw->dies[j].parent == i && r->dw->dies[j].tag == HOT_DW_MEMBER;
    struct hot__layouts *l = r->l;
    if (r->failed ||
        hot__grow(&l->members, &l->member_capacity, l->member_count + span, sizeof *l->members)) {
        r->failed = 1;
        return NODE_UNKNOWN;
    }
    uint32_t first = (uint32_t)l->member_count;
    l->member_count += span;
    l->nodes[n].first = first;
    l->nodes[n].span = span;
    uint32_t k = first;
    for (uint32_t j = i + 1; j < d->end && k < first + span; j++) {
        const struct hot__die *m = &r->dw->dies[j];
        if (m->parent != i || m->tag != HOT_DW_MEMBER)
            continue;
        struct member filled = {
            copy_name(r, m->name), m->place, m->bit_size,
            m->bit_offset,         0,        (m->flags & HOT_DIE_PLACE_UNKNOWN) != 0};
        filled.type = type_of(r, j); /* may grow l->members: store by index afterwards */
        l->members[k++] = filled;
    }
    return n;
}

static uint32_t read_array(struct reading *r, uint32_t i)
{
    const struct hot__die *d = &r->dw->dies[i];
    uint32_t element = type_of(r, i);
    uint32_t end = d->end, n = element;
    /* int a[2][3] is one entry with two dimensions: make it an array of 2
     * arrays of 3, building from the last dimension out. */
    for (uint32_t j = end; j-- > i + 1;) {
        const struct hot__die *dim = &r->dw->dies[j];
        if (dim->parent != i || dim->tag != HOT_DW_SUBRANGE)
            continue;
        int counted = (dim->flags & HOT_DIE_HAS_COUNT) != 0;
        n = add_node(r, (struct node){.kind = KIND_ARRAY,
                                      .count = dim->count,
                                      .target = n,
                                      .counted = (uint8_t)counted});
    }
    if (n == element) /* no dimension given: an array of unknown size */
        n = add_node(r, (struct node){.kind = KIND_ARRAY, .target = element});
    return n;
}

static uint32_t read_type(struct reading *r, uint32_t i)
{
    if (r->node_of[i])
        return r->node_of[i] - 1;
    if (r->depth >= MAX_DEPTH || r->failed)
        return NODE_UNKNOWN;
    const struct hot__die *d = &r->dw->dies[i];
    size_t slot = 0;
    if (shared_by_shape(r, d)) { /* another unit's copy of this type was read */
        uint64_t key = shape(r, i, 0);
        slot = shape_slot(r, key);
        if (r->shape_keys[slot]) {
            r->node_of[i] = r->shape_nodes[slot] + 1;
            return r->shape_nodes[slot];
        }
        r->shape_keys[slot] = key;
        r->shape_nodes[slot] = (uint32_t)r->l->node_count; /* the node read_type adds first */
    }
    r->depth++;
    uint32_t n = NODE_UNKNOWN;
    switch (d->tag) {
    case HOT_DW_CONST: /* qualifiers change no layout */
    case HOT_DW_VOLATILE:
    case HOT_DW_RESTRICT:
    case HOT_DW_ATOMIC:
        n = type_of(r, i);
        break;
    case HOT_DW_STRUCTURE:
    case HOT_DW_UNION:
        if (d->flags & HOT_DIE_DECLARATION) {
            uint32_t full = find_complete(r, i);
            n = full != HOT_DWARF_NONE ? read_type(r, full)
                                       : add_node(r, (struct node){.kind = KIND_OPAQUE,
                                                                   .name = copy_name(r, d->name)});
        } else {
            n = read_aggregate(r, i, d->tag == HOT_DW_STRUCTURE ? KIND_STRUCT : KIND_UNION);
        }
        break;
    case HOT_DW_TYPEDEF:
        n = add_node(r, (struct node){.kind = KIND_TYPEDEF,
                                      .name = copy_name(r, d->name),
                                      .file = copy_file(r, d)});
        set_target(r, i, n);
        break;
    case HOT_DW_POINTER:
        n = add_node(r, (struct node){.kind = KIND_POINTER, .size = d->size});
        set_target(r, i, n);
        break;
    case HOT_DW_ARRAY:
        n = read_array(r, i);
        break;
    case HOT_DW_BASE:
        n = add_node(r, (struct node){.kind = KIND_BASE,
                                      .name = copy_name(r, d->name),
                                      .size = d->size,
                                      .encoding = d->encoding});
        break;
    case HOT_DW_ENUMERATION:
        n = add_node(r, (struct node){.kind = KIND_ENUM,
                                      .name = copy_name(r, d->name),
                                      .file = copy_file(r, d),
                                      .size = d->size});
        break;
    case HOT_DW_SUBROUTINE:
        n = add_node(r, (struct node){.kind = KIND_FUNCTION});
        break;
    default:
        break;
    }
    r->depth--;
    if (!r->failed)
        r->node_of[i] = n + 1;
    return n;
}

static void add_root(struct reading *r, enum root_kind kind, const char *name,
                     const uint32_t *types, uint32_t count)
{
    struct hot__layouts *l = r->l;
    if (r->failed || hot__grow(&l->roots, &l->root_capacity, l->root_count + 1, sizeof *l->roots) ||
        hot__grow(&l->types, &l->type_capacity, l->type_count + count, sizeof *l->types)) {
        r->failed = 1;
        return;
    }
    l->roots[l->root_count++] =
        (struct root){kind, copy_name(r, name), (uint32_t)l->type_count, count};
    memcpy(l->types + l->type_count, types, count * sizeof *types);
    l->type_count += count;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* names, sorted, each with whether its root was read yet. */
struct wanted {
    const char **names;
    unsigned char *read;
    size_t count;
};

static int want(struct wanted *w, const char *const *names, size_t count)
{
    w->names = malloc((count ? count : 1) * sizeof *w->names);
    w->read = calloc(count ? count : 1, 1);
    w->count = count;
    if (!w->names || !w->read)
        return -1;
    if (count)
        memcpy(w->names, names, count * sizeof *names);
    qsort(w->names, count, sizeof *w->names, by_string);
    return 0;
}

/* The index of name in w if it is wanted and not read yet, else -1. */
static long wanted_index(const struct wanted *w, const char *name)
{
    if (!name || !w->count)
        return -1;
    const char **found = bsearch(&name, w->names, w->count, sizeof name, by_string);
    long i = found ? (long)(found - w->names) : -1;
    return i >= 0 && !w->read[i] ? i : -1;
}

/* A function's entry is usable when every parameter has a type, itself or
 * through its abstract origin (an optimised build's out-of-line copy). */
static int typed_parameters(const struct hot__dwarf *dw, uint32_t i)
{
    for (uint32_t j = i + 1; j < dw->dies[i].end; j++) {
        const struct hot__die *p = &dw->dies[j];
        if (p->parent == i && p->tag == HOT_DW_FORMAL_PARAMETER && !p->type && !p->origin)
            return 0;
    }
    return 1;
}

static void read_function_root(struct reading *r, uint32_t i, const char *name)
{
    uint32_t types[64];
    uint32_t count = 0;
    const struct hot__dwarf *dw = r->dw;
    types[count++] = type_of(r, i);
    for (uint32_t j = i + 1; j < dw->dies[i].end && count < 64; j++) {
        if (dw->dies[j].parent == i && dw->dies[j].tag == HOT_DW_FORMAL_PARAMETER)
            types[count++] = type_of(r, j);
    }
    add_root(r, ROOT_FUNCTION, name, types, count);
}

/* A hot library's roots: each listed function and variable, once. */
static void read_library_roots(struct reading *r, const struct hot__layout_roots *roots)
{
    const struct hot__dwarf *dw = r->dw;
    struct wanted functions = {0}, variables = {0};
    if (want(&functions, roots->functions, roots->function_count) ||
        want(&variables, roots->variables, roots->variable_count)) {
        r->failed = 1;
    } else {
        for (uint32_t i = 0; i < dw->count; i++) {
            const struct hot__die *d = &dw->dies[i];
            int function = d->tag == HOT_DW_SUBPROGRAM;
            if (d->parent != HOT_DWARF_NONE || (!function && d->tag != HOT_DW_VARIABLE))
                continue;
            const char *name = entry_name(dw, i);
            struct wanted *w = function ? &functions : &variables;
            long k = wanted_index(w, name);
            if (k < 0 || (function && !typed_parameters(dw, i)))
                continue;
            w->read[k] = 1;
            if (function) {
                read_function_root(r, i, name);
            } else {
                uint32_t type = type_of(r, i);
                add_root(r, ROOT_VARIABLE, name, &type, 1);
            }
        }
    }
    free(functions.names);
    free(functions.read);
    free(variables.names);
    free(variables.read);
}

/* A declared root for each named type with a file: in the core, once per
 * tag, name and file (its first definition); in a hot library, once per
 * shape of each too, as its units may see one header type two ways (a
 * header's types are in every unit that includes it). */
static void read_declared_roots(struct reading *r)
{
    enum { KEPT_MAX = 16 }; /* more views of one name are rooted again, which is harmless */
    const struct hot__dwarf *dw = r->dw;
    struct view_of_name {
        const char *file; /* the reader makes one pointer of each path */
        uint32_t type;
    } kept[KEPT_MAX]; /* the roots made for this tag and name */
    size_t kept_count = 0;
    for (size_t k = 0; k < r->complete_count && !r->failed; k++) {
        const struct named *d = &r->complete[k];
        const char *file = dw->dies[d->index].file;
        if (k > 0 && !same_named(&r->complete[k - 1], d))
            kept_count = 0;
        if (!file)
            continue;
        int shaped = r->shape_of != NULL;
        uint32_t type = shaped ? read_type(r, d->index) : NODE_UNKNOWN;
        int seen = 0;
        for (size_t j = 0; j < kept_count && !seen; j++)
            seen = kept[j].file == file && (!shaped || kept[j].type == type);
        if (seen)
            continue;
        char key[1024];
        int n = snprintf(key, sizeof key, "%c\n%s\n%s",
                         d->tag == HOT_DW_TYPEDEF     ? 't'
                         : d->tag == HOT_DW_STRUCTURE ? 's'
                         : d->tag == HOT_DW_UNION     ? 'u'
                                                      : 'e',
                         file, d->name);
        if (n < 0 || (size_t)n >= sizeof key)
            continue; /* a path this long names no header worth a refusal */
        if (!shaped)
            type = read_type(r, d->index);
        if (kept_count < KEPT_MAX)
            kept[kept_count++] = (struct view_of_name){file, type};
        add_root(r, ROOT_DECLARED, key, &type, 1);
    }
}

/* The core's roots: every named type, the first definition of each name. */
static void read_core_roots(struct reading *r)
{
    const struct named *last = NULL;
    for (size_t k = 0; k < r->complete_count; k++) {
        const struct named *d = &r->complete[k];
        if (last && same_named(last, d))
            continue;
        last = d;
        uint32_t type = read_type(r, d->index);
        add_root(r, d->tag == HOT_DW_TYPEDEF ? ROOT_TYPEDEF : ROOT_TAG, d->name, &type, 1);
    }
}

int hot__layout_root_order(const void *pa, const void *pb)
{
    const struct root *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* hot__layout_root_order, and roots of one name (a type two units see
 * differently) in the order they were read: qsort need not keep that, and
 * glibc's and musl's do not agree, so the command's summary and the
 * runtime's own reading would differ. */
static int root_sort_order(const void *pa, const void *pb)
{
    const struct root *a = pa, *b = pb;
    int order = hot__layout_root_order(a, b);
    return order ? order : (a->first > b->first) - (a->first < b->first);
}

struct hot__layouts *hot__layouts_from(const struct hot__dwarf *dwarf,
                                       const struct hot__layout_roots *roots, char *err,
                                       size_t errlen)
{
    const struct hot__dwarf dw = *dwarf;
    struct hot__layouts *l = calloc(1, sizeof *l);
    struct reading r = {.l = l,
                        .dw = &dw,
                        .node_of = calloc(dw.count ? dw.count : 1, sizeof(uint32_t)),
                        .complete = malloc((dw.count ? dw.count : 1) * sizeof(struct named))};
    if (!l || !r.node_of || !r.complete) {
        r.failed = 1;
    } else {
        /* Named definitions, for completing incomplete types and, in the
         * core, as the roots; typedefs group apart from tags by their tag. */
        for (uint32_t i = 0; i < dw.count; i++) {
            const struct hot__die *d = &dw.dies[i];
            int aggregate = d->tag == HOT_DW_STRUCTURE || d->tag == HOT_DW_UNION ||
                            d->tag == HOT_DW_ENUMERATION;
            if (d->name && !(d->flags & (HOT_DIE_DECLARATION | HOT_DIE_FOREIGN)) &&
                (aggregate || d->tag == HOT_DW_TYPEDEF))
                r.complete[r.complete_count++] =
                    (struct named){d->name, named_hash(d->name), i, d->tag};
        }
        r.failed = group_named(&r) != 0;
    }
    if (!r.failed && roots) { /* a hot library: each named type once per shape */
        size_t capacity = 16;
        while (capacity < 2 * r.complete_count)
            capacity *= 2;
        r.shape_mask = capacity - 1;
        r.shape_of = calloc(dw.count ? dw.count : 1, sizeof *r.shape_of);
        r.shape_keys = calloc(capacity, sizeof *r.shape_keys);
        r.shape_nodes = malloc(capacity * sizeof *r.shape_nodes);
        r.failed = !r.shape_of || !r.shape_keys || !r.shape_nodes;
    }
    if (!r.failed) {
        add_node(&r, (struct node){.kind = KIND_VOID, .name = "void"});
        add_node(&r, (struct node){.kind = KIND_UNKNOWN});
        if (roots)
            read_library_roots(&r, roots);
        else
            read_core_roots(&r);
        read_declared_roots(&r);
        if (!r.failed && l->root_count)
            qsort(l->roots, l->root_count, sizeof *l->roots, root_sort_order);
    }
    free(r.node_of);
    free(r.complete);
    free(r.groups);
    free(r.shape_of);
    free(r.shape_keys);
    free(r.shape_nodes);
    if (r.failed) {
        hot__layouts_free(l);
        snprintf(err, errlen, "could not be read: out of memory");
        return NULL;
    }
    return l;
}

/* The file in declared root name "<tag letter>\n<file>\n<name>", as
 * file_length bytes at the returned place. */
static const char *declared_file(const char *name, size_t *file_length)
{
    const char *file = name + 2, *end = strchr(file, '\n');
    *file_length = end ? (size_t)(end - file) : strlen(file);
    return file;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void hot__layouts_drop_declared(struct hot__layouts *l, const char *const *files, size_t count)
{
    if (!l || count == 0)
        return;
    char path[1024];
    size_t kept = 0;
    for (size_t i = 0; i < l->root_count; i++) {
        const struct root *r = &l->roots[i];
        size_t length;
        const char *file = r->kind == ROOT_DECLARED ? declared_file(r->name, &length) : NULL;
        const char *key = path;
        if (file && length < sizeof path) {
            memcpy(path, file, length);
            path[length] = '\0';
            if (bsearch(&key, files, count, sizeof *files, by_path))
                continue;
        }
        l->roots[kept++] = *r;
    }
    l->root_count = kept;
}

void hot__layouts_free(struct hot__layouts *l)
{
    if (!l)
        return;
    while (l->names) {
        struct chunk *next = l->names->next;
        free(l->names);
        l->names = next;
    }
    free(l->nodes);
    free(l->members);
    free(l->roots);
    free(l->types);
    free(l);
}

/* ---- comparing ---------------------------------------------------------- */

enum verdict {
    SAME,
    CHANGED_TYPE, /* a difference the caller names: "field 'x' changed type ..." */
    REPORTED,     /* a struct or union changed; why says how */
};

/* The file both a and b say declares them, or NULL if either does not
 * say or they differ (two types of one name from two headers). */
static const char *same_file(const struct node *a, const struct node *b)
{
    return a->file && b->file && strcmp(a->file, b->file) == 0 ? a->file : NULL;
}

struct comparison {
    const struct hot__layouts *a; /* the new build */
    const struct hot__layouts *b; /* what runs now: the core, or the running build */
    uint64_t *seen;               /* pairs of aggregates compared, (a << 32 | b) + 1; 0 empty */
    size_t seen_capacity, seen_count;
    uint32_t root;                /* the type of the root now compared, in a */
    const char *trail[MAX_DEPTH]; /* the fields from there to the type now compared */
    int trail_length;
    int depth; /* of compare_types calls */
    char *why;
    size_t whylen;
    const char *file; /* where both sides declare the type why names, once set */
    int no_memory;    /* memory ran out: nothing compared can be trusted */
};

/* Marks the pair compared; returns 1 if it already was, or memory ran out
 * (c->no_memory, which compare_root reports). */
static int seen_before(struct comparison *c, uint32_t a, uint32_t b)
{
    if (c->seen_count * 2 >= c->seen_capacity) {
        size_t capacity = c->seen_capacity ? c->seen_capacity * 2 : 64;
        uint64_t *bigger = calloc(capacity, sizeof *bigger);
        if (!bigger) {
            c->no_memory = 1;
            return 1;
        }
        for (size_t i = 0; i < c->seen_capacity; i++) {
            uint64_t key = c->seen[i];
            size_t slot = (size_t)(key * 0x9e3779b97f4a7c15u >> 7) & (capacity - 1);
            while (key && bigger[slot])
                slot = (slot + 1) & (capacity - 1);
            if (key)
                bigger[slot] = key;
        }
        free(c->seen);
        c->seen = bigger;
        c->seen_capacity = capacity;
    }
    uint64_t key = ((uint64_t)a << 32 | b) + 1;
    size_t slot = (size_t)(key * 0x9e3779b97f4a7c15u >> 7) & (c->seen_capacity - 1);
    while (c->seen[slot]) {
        if (c->seen[slot] == key)
            return 1;
        slot = (slot + 1) & (c->seen_capacity - 1);
    }
    c->seen[slot] = key;
    c->seen_count++;
    return 0;
}

/* Follows typedefs to the type they name; *name gets the first typedef's
 * name when it has none yet. */
static uint32_t resolve(const struct hot__layouts *l, uint32_t n, const char **name)
{
    for (int hops = 0; l->nodes[n].kind == KIND_TYPEDEF && hops < MAX_DEPTH; hops++) {
        if (!*name)
            *name = l->nodes[n].name;
        n = l->nodes[n].target;
    }
    return n;
}

HOT_PRINTF_FORMAT(3, 4) static void append(char *out, size_t size, const char *format, ...)
{
    size_t used = strlen(out);
    if (used + 1 >= size)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(out + used, size - used, format, args);
    va_end(args);
}

/* Appends to out a C spelling of type n: "int", "struct vec *", "float[2][3]". */
static void spell(const struct hot__layouts *l, uint32_t n, char *out, size_t size, int depth)
{
    const struct node *t = &l->nodes[n];
    if (depth > 8) {
        append(out, size, "...");
        return;
    }
    switch (t->kind) {
    case KIND_POINTER:
        spell(l, t->target, out, size, depth + 1);
        append(out, size, " *");
        return;
    case KIND_ARRAY: { /* the element, then each dimension from the outermost in */
        uint32_t element = n;
        while (l->nodes[element].kind == KIND_ARRAY)
            element = l->nodes[element].target;
        spell(l, element, out, size, depth + 1);
        for (uint32_t d = n; d != element; d = l->nodes[d].target) {
            if (l->nodes[d].counted)
                append(out, size, "[%llu]", (unsigned long long)l->nodes[d].count);
            else
                append(out, size, "[]");
        }
        return;
    }
    case KIND_STRUCT:
    case KIND_UNION:
    case KIND_OPAQUE:
        append(out, size, "%s %s", t->kind == KIND_UNION ? "union" : "struct",
               t->name ? t->name : "(anonymous)");
        return;
    case KIND_ENUM:
        append(out, size, "enum %s", t->name ? t->name : "(anonymous)");
        return;
    case KIND_FUNCTION:
        append(out, size, "a function");
        return;
    default:
        append(out, size, "%s", t->name ? t->name : "?");
        return;
    }
}

static enum verdict compare_types(struct comparison *c, uint32_t a, uint32_t b);
static void root_label(const struct hot__layouts *l, uint32_t n, char *out, size_t size,
                       int *steps);
static enum verdict compare_resolved(struct comparison *c, uint32_t an, uint32_t bn);

static const struct member *member_named(const struct hot__layouts *l, const struct node *n,
                                         const char *name)
{
    for (uint32_t i = 0; i < n->span; i++) {
        const struct member *m = &l->members[n->first + i];
        if ((m->name == NULL) == (name == NULL) && (!name || strcmp(m->name, name) == 0))
            return m;
    }
    return NULL;
}

static const char *field(const char *name)
{
    return name ? name : "(unnamed)";
}

/* Says in out how member m of one side sits in the other side's aggregate
 * other, if it sits elsewhere: "field 'x' moved from offset 4 to 8". */
static int describe_move(const struct member *was, const struct member *now, char *out, size_t size)
{
    if (was->place != now->place)
        snprintf(out, size, "field '%s' moved from offset %llu to %llu", field(now->name),
                 (unsigned long long)was->place, (unsigned long long)now->place);
    else if (was->bit_size != now->bit_size || was->bit_offset != now->bit_offset)
        snprintf(out, size,
                 "field '%s' changed its bit-field from %llu bits at %llu to %llu at %llu",
                 field(now->name), (unsigned long long)was->bit_size,
                 (unsigned long long)was->bit_offset, (unsigned long long)now->bit_size,
                 (unsigned long long)now->bit_offset);
    else
        return 0;
    return 1;
}

/* What differs between the members of a and b, which first disagree in
 * place at index i (or one list ends there): a field added, removed, or
 * moved. */
static void describe_members(const struct comparison *c, const struct node *a, const struct node *b,
                             uint32_t i, char *out, size_t size)
{
    const struct member *ma = i < a->span ? &c->a->members[a->first + i] : NULL;
    const struct member *mb = i < b->span ? &c->b->members[b->first + i] : NULL;
    const struct member *ma_was = ma ? member_named(c->b, b, ma->name) : NULL;
    const struct member *mb_now = mb ? member_named(c->a, a, mb->name) : NULL;
    if (ma && !ma_was)
        snprintf(out, size, "field '%s' added", field(ma->name));
    else if (mb && !mb_now)
        snprintf(out, size, "field '%s' removed", field(mb->name));
    else if (!(ma && describe_move(ma_was, ma, out, size)) &&
             !(mb && describe_move(mb, mb_now, out, size)))
        out[0] = '\0';
}

/* A member both sides name, at different places: fields swapped, say. */
static void describe_reorder(const struct comparison *c, const struct node *a, const struct node *b,
                             char *out, size_t size)
{
    for (uint32_t i = 0; i < a->span; i++) {
        const struct member *now = &c->a->members[a->first + i];
        const struct member *was = now->name ? member_named(c->b, b, now->name) : NULL;
        if (was && describe_move(was, now, out, size))
            return;
    }
}

/* Compares members place by place: offsets, bit-fields and types must agree
 * (a renamed field in the same place changes no layout); then by name, so
 * that fields swapping places is seen; then the sizes. */
static enum verdict compare_aggregates(struct comparison *c, uint32_t an, uint32_t bn,
                                       const char *name)
{
    const struct node *a = &c->a->nodes[an], *b = &c->b->nodes[bn];
    char change[320] = "";
    uint32_t shared = a->span < b->span ? a->span : b->span, i;
    for (i = 0; i < shared; i++) {
        const struct member *ma = &c->a->members[a->first + i];
        const struct member *mb = &c->b->members[b->first + i];
        int renamed =
            (ma->name == NULL) != (mb->name == NULL) || (ma->name && strcmp(ma->name, mb->name));
        if (renamed && (member_named(c->b, b, ma->name) || member_named(c->a, a, mb->name)))
            break; /* not renamed: fields changed places */
        if (ma->place != mb->place || ma->place_unknown != mb->place_unknown ||
            ma->bit_size != mb->bit_size || ma->bit_offset != mb->bit_offset)
            break;
        int pushed = c->trail_length < MAX_DEPTH;
        if (pushed)
            c->trail[c->trail_length++] = field(ma->name);
        enum verdict v = compare_types(c, ma->type, mb->type);
        c->trail_length -= pushed;
        if (v == REPORTED)
            return REPORTED;
        if (v == CHANGED_TYPE) {
            char was[128] = "", now[128] = "";
            spell(c->b, mb->type, was, sizeof was, 0);
            spell(c->a, ma->type, now, sizeof now, 0);
            if (strcmp(was, now) == 0) { /* one name, two types: say which */
                const char *unused = NULL;
                append(was, sizeof was, " (");
                spell(c->b, resolve(c->b, mb->type, &unused), was, sizeof was, 0);
                append(was, sizeof was, ")");
                append(now, sizeof now, " (");
                spell(c->a, resolve(c->a, ma->type, &unused), now, sizeof now, 0);
                append(now, sizeof now, ")");
            }
            snprintf(change, sizeof change, "field '%s' changed type from %s to %s",
                     field(ma->name), was, now);
            break;
        }
    }
    if (!change[0] && (i < a->span || i < b->span))
        describe_members(c, a, b, i, change, sizeof change);
    if (!change[0])
        describe_reorder(c, a, b, change, sizeof change);
    if (!change[0] && a->size == b->size)
        return SAME;

    char path[512] = "";
    if (c->trail_length) { /* "state_t.world.pos" */
        int steps;
        root_label(c->a, c->root, path, sizeof path, &steps);
        for (int k = 0; k < c->trail_length; k++)
            append(path, sizeof path, ".%s", c->trail[k]);
    }
    char what[400];
    if (a->size != b->size)
        snprintf(what, sizeof what, "%llu -> %llu bytes%s%s", (unsigned long long)b->size,
                 (unsigned long long)a->size, change[0] ? ", " : "", change);
    else
        snprintf(what, sizeof what, "%s", change);
    c->file = same_file(a, b);
    snprintf(c->why, c->whylen, "%s '%s' changed layout (%s)%s%s",
             a->kind == KIND_UNION ? "union" : "struct",
             name      ? name
             : a->name ? a->name
                       : "(anonymous)",
             what, c->trail_length ? ", reached through " : "", c->trail_length ? path : "");
    return REPORTED;
}

static enum verdict compare_types(struct comparison *c, uint32_t an, uint32_t bn)
{
    if (c->depth >= MAX_DEPTH)
        return SAME;
    c->depth++;
    enum verdict v = compare_resolved(c, an, bn);
    c->depth--;
    return v;
}

static enum verdict compare_resolved(struct comparison *c, uint32_t an, uint32_t bn)
{
    const char *a_name = NULL, *b_name = NULL;
    an = resolve(c->a, an, &a_name);
    bn = resolve(c->b, bn, &b_name);
    const struct node *a = &c->a->nodes[an], *b = &c->b->nodes[bn];
    enum kind ka = a->kind, kb = b->kind;
    if (ka == KIND_UNKNOWN || kb == KIND_UNKNOWN || ka == KIND_OPAQUE || kb == KIND_OPAQUE ||
        ka == KIND_FUNCTION || kb == KIND_FUNCTION)
        return SAME; /* nothing either side can depend on */
    if (ka != kb)
        return CHANGED_TYPE;
    switch (ka) {
    case KIND_BASE:
        return a->size != b->size || a->encoding != b->encoding ? CHANGED_TYPE : SAME;
    case KIND_ENUM:
        return a->size != b->size ? CHANGED_TYPE : SAME;
    case KIND_POINTER:
        return compare_types(c, a->target, b->target);
    case KIND_ARRAY:
        if (a->counted != b->counted || a->count != b->count)
            return CHANGED_TYPE;
        return compare_types(c, a->target, b->target);
    case KIND_STRUCT:
    case KIND_UNION:
        if (seen_before(c, an, bn))
            return SAME;
        return compare_aggregates(c, an, bn, a_name);
    default:
        return SAME;
    }
}

/* Type n with steps pointers or arrays looked through (fewer if it ends). */
static uint32_t step_in(const struct hot__layouts *l, uint32_t n, int steps)
{
    for (; steps > 0; steps--) {
        const struct node *t = &l->nodes[n];
        if (t->kind != KIND_POINTER && t->kind != KIND_ARRAY)
            break;
        n = t->target;
    }
    return n;
}

/* What a root's type is called in messages: its first typedef or tag name,
 * looking through *steps pointers and arrays, else its spelling. */
static void root_label(const struct hot__layouts *l, uint32_t n, char *out, size_t size, int *steps)
{
    uint32_t start = n;
    for (*steps = 0; *steps < MAX_DEPTH; ++*steps) {
        const struct node *t = &l->nodes[n];
        if ((t->kind == KIND_TYPEDEF || t->kind == KIND_STRUCT || t->kind == KIND_UNION) &&
            t->name) {
            snprintf(out, size, "%s", t->name);
            return;
        }
        if (t->kind != KIND_POINTER && t->kind != KIND_ARRAY)
            break;
        n = t->target;
    }
    *steps = 0;
    out[0] = '\0';
    spell(l, start, out, size, 0);
}

/* Compares one root's type; 1 with c->why set if it changed, or if memory
 * ran out (c->no_memory). */
static int compare_root(struct comparison *c, uint32_t a, uint32_t b)
{
    c->root = a;
    c->trail_length = 0;
    enum verdict v = compare_types(c, a, b);
    if (c->no_memory) {
        snprintf(c->why, c->whylen, "the layouts could not be compared: out of memory");
        return 1;
    }
    if (v == CHANGED_TYPE) { /* a scalar type behind a typedef changed */
        char label[128], was[128] = "", now[128] = "";
        int steps;
        root_label(c->a, a, label, sizeof label, &steps);
        const char *unused = NULL;
        spell(c->b, resolve(c->b, step_in(c->b, b, steps), &unused), was, sizeof was, 0);
        spell(c->a, resolve(c->a, step_in(c->a, a, steps), &unused), now, sizeof now, 0);
        snprintf(c->why, c->whylen, "type '%s' changed from %s to %s", label, was, now);
        c->file =
            same_file(&c->a->nodes[step_in(c->a, a, steps)], &c->b->nodes[step_in(c->b, b, steps)]);
    }
    return v != SAME;
}

static const struct root *find_root(const struct hot__layouts *l, enum root_kind kind,
                                    const char *name)
{
    struct root key = {kind, name, 0, 0};
    return l->root_count
               ? bsearch(&key, l->roots, l->root_count, sizeof key, hot__layout_root_order)
               : NULL;
}

/* The root of l with key's kind and name, looking on from *cursor, which
 * it advances: keys asked in root order walk l once. */
static const struct root *find_root_from(const struct hot__layouts *l, size_t *cursor,
                                         const struct root *key)
{
    while (*cursor < l->root_count && hot__layout_root_order(&l->roots[*cursor], key) < 0)
        ++*cursor;
    if (*cursor < l->root_count && hot__layout_root_order(&l->roots[*cursor], key) == 0)
        return &l->roots[*cursor];
    return NULL;
}

/* The core's counterpart of type n of the new build: the first typedef or
 * tag the core also names, looking through pointers and arrays. */
static uint32_t in_core(const struct hot__layouts *next, const struct hot__layouts *core,
                        uint32_t *n)
{
    for (int hops = 0; hops < MAX_DEPTH; hops++) {
        const struct node *t = &next->nodes[*n];
        const struct root *r = NULL;
        switch (t->kind) {
        case KIND_TYPEDEF:
            if (t->name)
                r = find_root(core, ROOT_TYPEDEF, t->name);
            break;
        case KIND_STRUCT:
        case KIND_UNION:
        case KIND_ENUM:
        case KIND_OPAQUE:
            if (t->name)
                r = find_root(core, ROOT_TAG, t->name);
            if (!r)
                return HOT_DWARF_NONE;
            break;
        case KIND_POINTER:
        case KIND_ARRAY:
            break;
        default:
            return HOT_DWARF_NONE;
        }
        if (r)
            return core->types[r->first];
        *n = t->target;
    }
    return HOT_DWARF_NONE;
}

/* Do a and b hold one text? Either may be NULL, which only NULL is. */
static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

int hot__layouts_same(const struct hot__layouts *a, const struct hot__layouts *b)
{
    if (a->node_count != b->node_count || a->member_count != b->member_count ||
        a->root_count != b->root_count || a->type_count != b->type_count)
        return 0;
    for (size_t i = 0; i < a->node_count; i++) {
        const struct node *x = &a->nodes[i], *y = &b->nodes[i];
        if (x->kind != y->kind || x->size != y->size || x->count != y->count ||
            x->target != y->target || x->first != y->first || x->span != y->span ||
            x->encoding != y->encoding || x->counted != y->counted ||
            !same_text(x->name, y->name) || !same_text(x->file, y->file))
            return 0;
    }
    for (size_t i = 0; i < a->member_count; i++) {
        const struct member *x = &a->members[i], *y = &b->members[i];
        if (x->place != y->place || x->bit_size != y->bit_size || x->bit_offset != y->bit_offset ||
            x->type != y->type || x->place_unknown != y->place_unknown ||
            !same_text(x->name, y->name))
            return 0;
    }
    for (size_t i = 0; i < a->root_count; i++) {
        const struct root *x = &a->roots[i], *y = &b->roots[i];
        if (x->kind != y->kind || x->first != y->first || x->count != y->count ||
            !same_text(x->name, y->name))
            return 0;
    }
    return a->type_count == 0 || memcmp(a->types, b->types, a->type_count * sizeof *a->types) == 0;
}

enum hot__layouts_side hot__layouts_differ(const struct hot__layouts *next,
                                           const struct hot__layouts *core,
                                           const struct hot__layouts *running, char *why,
                                           size_t whylen, const char **file)
{
    int differ = 0, no_memory = 0;
    const struct hot__layouts *side = NULL; /* the one that differs */
    *file = NULL;
    if (!next)
        return HOT_LAYOUTS_AGREE;
    if (core) {
        struct comparison c = {.a = next, .b = core, .why = why, .whylen = whylen};
        for (size_t i = 0; i < next->root_count && !differ; i++) {
            const struct root *r = &next->roots[i];
            if (r->kind != ROOT_FUNCTION)
                continue; /* #[persist] variables: see hot__layouts_variable_differs */
            for (uint32_t k = 0; k < r->count && !differ; k++) {
                uint32_t n = next->types[r->first + k];
                uint32_t counterpart = in_core(next, core, &n);
                if (counterpart != HOT_DWARF_NONE)
                    differ = compare_root(&c, n, counterpart);
            }
        }
        free(c.seen);
        no_memory |= c.no_memory;
        side = core;
        *file = c.file;
    }
    if (running && !differ) {
        struct comparison c = {.a = next, .b = running, .why = why, .whylen = whylen};
        size_t cursor = 0; /* next's roots are in root order: running's are walked once */
        for (size_t i = 0; i < next->root_count && !differ; i++) {
            const struct root *r = &next->roots[i];
            if (r->kind != ROOT_FUNCTION)
                continue;
            const struct root *was = find_root_from(running, &cursor, r);
            uint32_t count = was && was->count < r->count ? was->count : r->count;
            for (uint32_t k = 0; was && k < count && !differ; k++)
                differ =
                    compare_root(&c, next->types[r->first + k], running->types[was->first + k]);
        }
        free(c.seen);
        no_memory |= c.no_memory;
        side = running;
        *file = c.file;
    }
    /* Then every type both declare by name in the same file, however the
     * new build uses it. */
    for (int k = 0; k < 2 && !differ; k++) {
        side = k == 0 ? core : running;
        if (!side)
            continue;
        struct comparison c = {.a = next, .b = side, .why = why, .whylen = whylen};
        size_t cursor = 0;
        for (size_t i = 0; i < next->root_count && !differ; i++) {
            const struct root *r = &next->roots[i];
            const struct root *was =
                r->kind == ROOT_DECLARED ? find_root_from(side, &cursor, r) : NULL;
            if (was)
                differ = compare_root(&c, next->types[r->first], side->types[was->first]);
        }
        free(c.seen);
        no_memory |= c.no_memory;
        *file = c.file;
    }
    if (!differ) {
        *file = NULL;
        return HOT_LAYOUTS_AGREE;
    }
    if (no_memory)
        return HOT_LAYOUTS_NO_MEMORY;
    return side == core ? HOT_LAYOUTS_CORE : HOT_LAYOUTS_RUNNING;
}

int hot__layouts_variable_differs(const struct hot__layouts *next,
                                  const struct hot__layouts *running, const char *name, char *why,
                                  size_t whylen)
{
    if (!next || !running)
        return 0;
    const struct root *now = find_root(next, ROOT_VARIABLE, name);
    const struct root *was = find_root(running, ROOT_VARIABLE, name);
    if (!now || !was)
        return 0;
    struct comparison c = {.a = next, .b = running, .why = why, .whylen = whylen};
    int differ = compare_root(&c, next->types[now->first], running->types[was->first]);
    free(c.seen);
    return c.no_memory ? -1 : differ;
}
