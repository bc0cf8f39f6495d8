/* runtime/summary.c
 * A build's summary: read from its debug information, and kept as bytes.
 * The bytes, all little-endian:
 *   "VAISSUM1", u32 version
 *   u32 S, then S bytes of NUL-terminated strings; a string is named by
 *     its offset + 1, 0 naming none
 *   u32 count, then the nodes:     u8 kind, u8 encoding, u8 counted, u8 0,
 *                                  u32 name, u32 file, u64 size, u64 count,
 *                                  u32 target, u32 first, u32 span
 *   u32 count, then the members:   u32 name, u32 type, u64 place,
 *                                  u64 bit_size, u64 bit_offset, u32 unknown
 *   u32 count, then the roots:     u32 kind, u32 name, u32 first, u32 count
 *   u32 count, then the types:     u32 node
 *   u32 count, then the functions the build defines, and again those it
 *     only declares:               u32 key, u32 name, u32 file, u32 type,
 *                                  u64 address, u32 prototyped
 * and nothing after. A core's summary file is "VAISCORE", u32 length and
 * the core's build ID, then such bytes. */
#include "summary.h"

#include "dwarf.h"
#include "image.h"
#include "grow.h"
#include "layout_graph.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "VAISSUM1"
#define CORE_MAGIC "VAISCORE"
#define VERSION 1u

enum {
    NODE_BYTES = 40,
    MEMBER_BYTES = 36,
    ROOT_BYTES = 16,
    TYPE_BYTES = 4,
    FUNCTION_BYTES = 28,
};

/* ---- from the image --------------------------------------------------- */

int hot__summary_from_image(const unsigned char *image, size_t size,
                            const struct hot_abi_table *table, struct hot__summary *out, char *err,
                            size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct hot__dwarf dw;
    int read = hot__dwarf_read(image, size, HOT_DWARF_EVERY_COPY, &dw, err, errlen);
    if (read != 0)
        return read == -2 ? -1 : 1;
    if (!hot__dwarf_own(&dw, HOT_ABI_TABLE_SYMBOL)) {
        hot__dwarf_free(&dw);
        snprintf(err, errlen, "has no debug information");
        return 1;
    }
    size_t variables = table->variables ? table->variable_count : 0;
    const char **names = malloc((table->count + variables + 1) * sizeof *names);
    int failed = !names;
    if (names) {
        for (uint32_t i = 0; i < table->count; i++)
            names[i] = table->functions[i]->name;
        for (size_t i = 0; i < variables; i++)
            names[table->count + i] = table->variables[i]->name;
        struct hot__layout_roots roots = {names, table->count, names + table->count, variables};
        out->layouts = hot__layouts_from(&dw, &roots, err, errlen);
        failed = !out->layouts || hot__functions_read(&dw, image, size, &out->functions) != 0;
    }
    free(names);
    hot__dwarf_free(&dw);
    if (failed) {
        hot__summary_free(out);
        return -1;
    }
    return 0;
}

int hot__summary_of_core(const unsigned char *image, size_t size, struct hot__summary *out,
                         char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct hot__dwarf dw;
    int read = hot__dwarf_read(image, size, HOT_DWARF_FIRST_COPY, &dw, err, errlen);
    if (read != 0)
        return read == -2 ? -1 : 1;
    out->layouts = hot__layouts_from(&dw, NULL, err, errlen);
    int failed = !out->layouts || hot__functions_read(&dw, image, size, &out->functions) != 0;
    hot__dwarf_free(&dw);
    if (failed) {
        hot__summary_free(out);
        snprintf(err, errlen, "could not be read: out of memory");
        return -1;
    }
    return 0;
}

void hot__summary_free(struct hot__summary *summary)
{
    hot__layouts_free(summary->layouts);
    hot__functions_free(&summary->functions);
    summary->layouts = NULL;
}

/* ---- encoding ---------------------------------------------------------- */

struct writer {
    unsigned char *bytes;
    size_t length, capacity;
    /* The strings, each once: open addressing over their offsets + 1. */
    char *strings;
    size_t strings_length, strings_capacity;
    uint32_t *slots;
    size_t slot_mask;
    size_t string_count;
    int failed;
};

static void put(struct writer *w, const void *data, size_t n)
{
    if (w->failed || hot__grow(&w->bytes, &w->capacity, w->length + n, 1)) {
        w->failed = 1;
        return;
    }
    memcpy(w->bytes + w->length, data, n);
    w->length += n;
}

static void put_u8(struct writer *w, unsigned v)
{
    unsigned char b = (unsigned char)v;
    put(w, &b, 1);
}

static void put_u32(struct writer *w, uint64_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put(w, b, 4);
}

static void put_u64(struct writer *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put(w, b, 8);
}

static uint64_t text_hash(const char *text)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *text; text++)
        h = (h ^ (unsigned char)*text) * 0x100000001b3ULL;
    return h;
}

/* Makes room for one more string in the table of those written. */
static int grow_slots(struct writer *w)
{
    if (w->slots && 2 * (w->string_count + 1) <= w->slot_mask + 1)
        return 0;
    size_t capacity = w->slots ? 2 * (w->slot_mask + 1) : 1024;
    uint32_t *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; w->slots && i <= w->slot_mask; i++) {
        uint32_t ref = w->slots[i];
        if (!ref)
            continue;
        size_t k = (size_t)text_hash(w->strings + ref - 1) & (capacity - 1);
        while (slots[k])
            k = (k + 1) & (capacity - 1);
        slots[k] = ref;
    }
    free(w->slots);
    w->slots = slots;
    w->slot_mask = capacity - 1;
    return 0;
}

/* The name of string s in the summary (offset + 1), adding it once; 0 for
 * NULL. */
static uint32_t string_ref(struct writer *w, const char *s)
{
    if (!s || w->failed)
        return 0;
    if (grow_slots(w) != 0) {
        w->failed = 1;
        return 0;
    }
    size_t k = (size_t)text_hash(s) & w->slot_mask;
    for (; w->slots[k]; k = (k + 1) & w->slot_mask) {
        if (strcmp(w->strings + w->slots[k] - 1, s) == 0)
            return w->slots[k];
    }
    size_t n = strlen(s) + 1;
    if (w->strings_length + n >= UINT32_MAX ||
        hot__grow(&w->strings, &w->strings_capacity, w->strings_length + n, 1)) {
        w->failed = 1;
        return 0;
    }
    memcpy(w->strings + w->strings_length, s, n);
    w->slots[k] = (uint32_t)w->strings_length + 1;
    w->strings_length += n;
    w->string_count++;
    return w->slots[k];
}

static void put_functions(struct writer *w, const struct hot__function *list, size_t count)
{
    put_u32(w, count);
    for (size_t i = 0; i < count; i++) {
        const struct hot__function *f = &list[i];
        put_u32(w, string_ref(w, f->key));
        put_u32(w, string_ref(w, f->name));
        put_u32(w, string_ref(w, f->file));
        put_u32(w, string_ref(w, f->type));
        put_u64(w, f->address);
        put_u32(w, f->prototyped != 0);
    }
}

/* Writes everything but the strings, which are known only once it is
 * written: the caller puts them in front. */
static void put_body(struct writer *w, const struct hot__summary *s)
{
    const struct hot__layouts *l = s->layouts;
    put_u32(w, l->node_count);
    for (size_t i = 0; i < l->node_count; i++) {
        const struct node *n = &l->nodes[i];
        put_u8(w, n->kind);
        put_u8(w, n->encoding);
        put_u8(w, n->counted);
        put_u8(w, 0);
        put_u32(w, string_ref(w, n->name));
        put_u32(w, string_ref(w, n->file));
        put_u64(w, n->size);
        put_u64(w, n->count);
        put_u32(w, n->target);
        put_u32(w, n->first);
        put_u32(w, n->span);
    }
    put_u32(w, l->member_count);
    for (size_t i = 0; i < l->member_count; i++) {
        const struct member *m = &l->members[i];
        put_u32(w, string_ref(w, m->name));
        put_u32(w, m->type);
        put_u64(w, m->place);
        put_u64(w, m->bit_size);
        put_u64(w, m->bit_offset);
        put_u32(w, m->place_unknown != 0);
    }
    put_u32(w, l->root_count);
    for (size_t i = 0; i < l->root_count; i++) {
        const struct root *r = &l->roots[i];
        put_u32(w, r->kind);
        put_u32(w, string_ref(w, r->name));
        put_u32(w, r->first);
        put_u32(w, r->count);
    }
    put_u32(w, l->type_count);
    for (size_t i = 0; i < l->type_count; i++)
        put_u32(w, l->types[i]);
    put_functions(w, s->functions.list, s->functions.count);
    put_functions(w, s->functions.declared, s->functions.declared_count);
}

int hot__summary_encode(const struct hot__summary *summary, unsigned char **bytes, size_t *size)
{
    struct writer body = {0}, whole = {0};
    *bytes = NULL;
    *size = 0;
    if (!summary->layouts)
        return -1;
    put_body(&body, summary);
    put(&whole, MAGIC, 8);
    put_u32(&whole, VERSION);
    put_u32(&whole, body.strings_length);
    put(&whole, body.strings, body.strings_length);
    put(&whole, body.bytes, body.length);
    int failed = body.failed || whole.failed;
    free(body.bytes);
    free(body.strings);
    free(body.slots);
    if (failed) {
        free(whole.bytes);
        return -1;
    }
    *bytes = whole.bytes;
    *size = whole.length;
    return 0;
}

int hot__summary_encode_core(const struct hot__summary *summary, const unsigned char *build_id,
                             size_t id_length, unsigned char **bytes, size_t *size)
{
    unsigned char *inner;
    size_t inner_size;
    *bytes = NULL;
    *size = 0;
    if (id_length == 0 || id_length > HOT_SUMMARY_MAX_BUILD_ID ||
        hot__summary_encode(summary, &inner, &inner_size) != 0)
        return -1;
    struct writer whole = {0};
    put(&whole, CORE_MAGIC, 8);
    put_u32(&whole, id_length);
    put(&whole, build_id, id_length);
    put(&whole, inner, inner_size);
    free(inner);
    if (whole.failed) {
        free(whole.bytes);
        return -1;
    }
    *bytes = whole.bytes;
    *size = whole.length;
    return 0;
}

/* ---- decoding ----------------------------------------------------------- */

struct reader {
    const unsigned char *at, *end;
    const char *strings; /* the decoded copy the results point into */
    uint32_t strings_length;
    const char *bad; /* what is wrong, once found */
    int no_memory;
};

static uint64_t get(struct reader *r, int width)
{
    if (r->bad || (size_t)(r->end - r->at) < (size_t)width) {
        r->bad = r->bad ? r->bad : "cut short";
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < width; i++)
        v |= (uint64_t)r->at[i] << (8 * i);
    r->at += width;
    return v;
}

/* A count of records of record_bytes each that the bytes left can hold. */
static uint32_t get_count(struct reader *r, size_t record_bytes)
{
    uint32_t count = (uint32_t)get(r, 4);
    if (!r->bad && count > (size_t)(r->end - r->at) / record_bytes)
        r->bad = "claims more records than it holds";
    return r->bad ? 0 : count;
}

/* A table's count, read as get_count does, and a zeroed array of that many
 * items of item_size bytes in *items (a T **), its size in *capacity.
 * Returns the count; 0, with r->bad or r->no_memory set, when it cannot. */
static uint32_t get_table(struct reader *r, size_t record_bytes, void *items, size_t item_size,
                          size_t *capacity)
{
    uint32_t count = r->no_memory ? 0 : get_count(r, record_bytes);
    void *array = r->bad || r->no_memory ? NULL : calloc(count ? count : 1, item_size);
    r->no_memory |= !r->bad && !array;
    memcpy(items, &array, sizeof array);
    *capacity = array ? count : 0;
    return array ? count : 0;
}

/* The string named ref, or NULL; required: it must name one. */
static const char *get_string(struct reader *r, int required)
{
    uint32_t ref = (uint32_t)get(r, 4);
    if (r->bad)
        return NULL;
    if (ref > r->strings_length || (required && ref == 0)) {
        r->bad = "names a string it does not hold";
        return NULL;
    }
    return ref ? r->strings + ref - 1 : NULL;
}

/* Index v, which must be below limit. */
static uint32_t get_index(struct reader *r, uint64_t limit)
{
    uint64_t v = get(r, 4);
    if (!r->bad && v >= limit)
        r->bad = "refers past its own tables";
    return r->bad ? 0 : (uint32_t)v;
}

static void read_nodes(struct reader *r, struct hot__layouts *l, uint32_t count)
{
    for (uint32_t i = 0; i < count && !r->bad; i++) {
        struct node *n = &l->nodes[i];
        uint64_t kind = get(r, 1);
        n->encoding = (uint8_t)get(r, 1);
        n->counted = (uint8_t)get(r, 1);
        get(r, 1);
        n->name = get_string(r, 0);
        n->file = get_string(r, 0);
        n->size = get(r, 8);
        n->count = get(r, 8);
        n->target = get_index(r, count);
        n->first = (uint32_t)get(r, 4);
        n->span = (uint32_t)get(r, 4);
        if (r->bad)
            break;
        if (kind > KIND_OPAQUE || (i == NODE_VOID && kind != KIND_VOID) ||
            (i == NODE_UNKNOWN && kind != KIND_UNKNOWN))
            r->bad = "has a type of no kind the loader knows";
        else if (kind == KIND_ARRAY && n->target >= i)
            r->bad = "has an array that holds itself";
        n->kind = (enum kind)kind;
        l->node_count = i + 1;
    }
}

static void read_members(struct reader *r, struct hot__layouts *l, uint32_t count)
{
    for (uint32_t i = 0; i < count && !r->bad; i++) {
        struct member *m = &l->members[i];
        m->name = get_string(r, 0);
        m->type = get_index(r, l->node_count);
        m->place = get(r, 8);
        m->bit_size = get(r, 8);
        m->bit_offset = get(r, 8);
        m->place_unknown = get(r, 4) != 0;
        l->member_count = i + 1;
    }
    for (size_t i = 0; i < l->node_count && !r->bad; i++) {
        const struct node *n = &l->nodes[i];
        if ((n->kind == KIND_STRUCT || n->kind == KIND_UNION) &&
            (uint64_t)n->first + n->span > l->member_count)
            r->bad = "has a struct whose members it does not hold";
    }
}

static void read_roots(struct reader *r, struct hot__layouts *l, uint32_t count)
{
    for (uint32_t i = 0; i < count && !r->bad; i++) {
        struct root *root = &l->roots[i];
        uint64_t kind = get(r, 4);
        root->name = get_string(r, 1);
        root->first = (uint32_t)get(r, 4);
        root->count = (uint32_t)get(r, 4);
        root->kind = kind <= ROOT_DECLARED ? (enum root_kind)kind : ROOT_FUNCTION;
        if (r->bad)
            break;
        if (kind > ROOT_DECLARED || root->count == 0 ||
            (kind == ROOT_DECLARED && (!root->name[0] || root->name[1] != '\n')))
            r->bad = "has a root of no kind the loader knows";
        else if (i > 0 && hot__layout_root_order(root - 1, root) > 0)
            r->bad = "has its roots out of order";
        l->root_count = i + 1;
    }
}

static void read_types(struct reader *r, struct hot__layouts *l, uint32_t count)
{
    for (uint32_t i = 0; i < count && !r->bad; i++) {
        l->types[i] = get_index(r, l->node_count);
        l->type_count = i + 1;
    }
    for (size_t i = 0; i < l->root_count && !r->bad; i++) {
        if ((uint64_t)l->roots[i].first + l->roots[i].count > l->type_count)
            r->bad = "has a root whose types it does not hold";
    }
}

/* Reads a table of functions into *list, sorted by key, keys unique. */
static void read_functions(struct reader *r, struct hot__function **list, size_t *count_out)
{
    size_t capacity;
    uint32_t count = get_table(r, FUNCTION_BYTES, list, sizeof **list, &capacity);
    for (uint32_t i = 0; i < count && !r->bad; i++) {
        struct hot__function *f = &(*list)[i];
        f->key = get_string(r, 1);
        f->name = get_string(r, 1);
        f->file = get_string(r, 0);
        f->type = get_string(r, 1);
        f->address = get(r, 8);
        f->prototyped = get(r, 4) != 0;
        if (r->bad)
            break;
        if (i > 0 && strcmp((*list)[i - 1].key, f->key) >= 0)
            r->bad = "has its functions out of order";
        *count_out = i + 1;
    }
}

int hot__summary_decode(const unsigned char *bytes, size_t size, struct hot__summary *out,
                        char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct reader r = {bytes, bytes + size, NULL, 0, NULL, 0};
    if (size < 12 || memcmp(bytes, MAGIC, 8) != 0) {
        snprintf(err, errlen, "is not a vais-hot summary");
        return -1;
    }
    r.at += 8;
    if (get(&r, 4) != VERSION) {
        snprintf(err, errlen, "is a summary of another version of vais-hot");
        return -1;
    }
    uint32_t strings_length = get_count(&r, 1);
    if (!r.bad && strings_length > 0 && r.at[strings_length - 1] != '\0')
        r.bad = "has an unterminated string";
    struct hot__layouts *l = calloc(1, sizeof *l);
    struct chunk *names = malloc(sizeof *names + (strings_length ? strings_length : 1));
    char *text = malloc(strings_length ? strings_length : 1);
    int no_memory = !l || !names || !text;
    if (no_memory) {
        free(l);
    } else {
        *names = (struct chunk){NULL, strings_length, strings_length};
        memcpy(names->bytes, r.at, strings_length);
        memcpy(text, r.at, strings_length);
        l->names = names;
        names = NULL;
        r.at += r.bad ? 0 : strings_length;
        r.strings_length = strings_length;
        out->layouts = l;
        out->functions.text = text;
        text = NULL;
    }
    free(names);
    free(text);
    /* The layouts point into their chunk; read them, then the functions,
     * which point into their own copy of the strings. */
    r.no_memory = no_memory;
    if (!no_memory) {
        r.strings = l->names->bytes;
        uint32_t nodes = get_table(&r, NODE_BYTES, &l->nodes, sizeof *l->nodes, &l->node_capacity);
        if (!r.bad && !r.no_memory && nodes < 2)
            r.bad = "has no void and unknown types";
        read_nodes(&r, l, r.bad ? 0 : nodes);
        read_members(
            &r, l,
            get_table(&r, MEMBER_BYTES, &l->members, sizeof *l->members, &l->member_capacity));
        read_roots(&r, l,
                   get_table(&r, ROOT_BYTES, &l->roots, sizeof *l->roots, &l->root_capacity));
        read_types(&r, l,
                   get_table(&r, TYPE_BYTES, &l->types, sizeof *l->types, &l->type_capacity));
        struct hot__functions *f = &out->functions;
        r.strings = f->text;
        read_functions(&r, &f->list, &f->count);
        read_functions(&r, &f->declared, &f->declared_count);
        if (!r.bad && !r.no_memory && r.at != r.end)
            r.bad = "goes on past its end";
    }
    no_memory = r.no_memory;
    if (no_memory || r.bad) {
        hot__summary_free(out);
        if (no_memory) {
            snprintf(err, errlen, "out of memory");
            return -2;
        }
        snprintf(err, errlen, "is a damaged summary: it %s", r.bad);
        return -1;
    }
    return 0;
}

int hot__summary_decode_core(const unsigned char *bytes, size_t size, const unsigned char *build_id,
                             size_t id_length, struct hot__summary *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (size < 12 || memcmp(bytes, CORE_MAGIC, 8) != 0) {
        snprintf(err, errlen, "is not a vais-hot summary of a core");
        return -1;
    }
    struct reader r = {bytes + 8, bytes + size, NULL, 0, NULL, 0};
    uint64_t length = get(&r, 4);
    if (length == 0 || length > HOT_SUMMARY_MAX_BUILD_ID || length > (size_t)(r.end - r.at)) {
        snprintf(err, errlen, "is a damaged summary: it %s", "has no build ID");
        return -1;
    }
    if (length != id_length || memcmp(r.at, build_id, id_length) != 0) {
        snprintf(err, errlen, "describes another build");
        return 1;
    }
    r.at += length;
    return hot__summary_decode(r.at, (size_t)(r.end - r.at), out, err, errlen);
}

int hot__summary_fits(const struct hot__summary *summary, const unsigned char *image, size_t size)
{
    const struct hot__functions *f = &summary->functions;
    for (size_t i = 0; i < f->count; i++) {
        if (!hot__image_in_code(image, size, f->list[i].address, HOT_FUNCTIONS_BEFORE,
                                HOT_FUNCTIONS_AFTER))
            return 0;
    }
    return 1;
}
