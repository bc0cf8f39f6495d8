/* runtime/dwarf.c
 * hot__dwarf_read: finds the debug sections of a file (through image.h),
 * then walks every unit of .debug_info with its abbreviation table, keeping
 * the entries dwarf.h describes. Every read goes through a cursor that
 * stops at its end and marks itself bad, so no input can make it read out
 * of bounds; a bad cursor fails the whole read. */
#include "dwarf.h"

#include "grow.h"
#include "image.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    DW_AT_sibling = 0x01,
    DW_AT_name = 0x03,
    DW_AT_language = 0x13,
    DW_AT_comp_dir = 0x1b,
    DW_AT_prototyped = 0x27,
    DW_AT_stmt_list = 0x10,
    DW_AT_byte_size = 0x0b,
    DW_AT_bit_offset = 0x0c,
    DW_AT_bit_size = 0x0d,
    DW_AT_low_pc = 0x11,
    DW_AT_upper_bound = 0x2f,
    DW_AT_abstract_origin = 0x31,
    DW_AT_count = 0x37,
    DW_AT_data_member_location = 0x38,
    DW_AT_decl_file = 0x3a,
    DW_AT_declaration = 0x3c,
    DW_AT_encoding = 0x3e,
    DW_AT_external = 0x3f,
    DW_AT_specification = 0x47,
    DW_AT_type = 0x49,
    DW_AT_data_bit_offset = 0x6b,
    DW_AT_str_offsets_base = 0x72,
    DW_AT_addr_base = 0x73,
    DW_LANG_Mips_Assembler = 0x8001, /* what GNU as says of an assembler source */
    DW_OP_plus_uconst = 0x23,
    DW_TAG_compile_unit = 0x11,
    DW_TAG_partial_unit = 0x3c,
    DW_TAG_type_unit = 0x41,
    DW_UT_type = 0x02,
    DW_UT_skeleton = 0x04,
    DW_UT_split_compile = 0x05,
    DW_UT_split_type = 0x06,
};

struct section {
    const unsigned char *data;
    size_t size;
};

struct sections {
    struct section info, abbrev, str, line_str, str_offsets, addr, line;
};

/* A bounded reader: past the end it yields zeros and sets bad. */
struct cursor {
    const unsigned char *p, *end;
    int bad;
};

static uint64_t read_fixed(struct cursor *c, unsigned bytes)
{
    if (bytes > 8 || (size_t)(c->end - c->p) < bytes) {
        c->bad = 1;
        c->p = c->end;
        return 0;
    }
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes; i++)
        value |= (uint64_t)c->p[i] << (8 * i);
    c->p += bytes;
    return value;
}

/* A LEB128 number, sign-extended if is_signed; bits past 64 are dropped. */
static uint64_t read_leb(struct cursor *c, int is_signed)
{
    uint64_t value = 0;
    unsigned shift = 0;
    while (c->p < c->end) {
        unsigned char byte = *c->p++;
        if (shift < 64)
            value |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80)) {
            if (is_signed && shift < 64 && (byte & 0x40))
                value |= ~(uint64_t)0 << shift;
            return value;
        }
    }
    c->bad = 1;
    return 0;
}

static uint64_t read_uleb(struct cursor *c)
{
    return read_leb(c, 0);
}

static int64_t read_sleb(struct cursor *c)
{
    return (int64_t)read_leb(c, 1);
}

static void skip(struct cursor *c, uint64_t bytes)
{
    if ((uint64_t)(c->end - c->p) < bytes) {
        c->bad = 1;
        c->p = c->end;
    } else {
        c->p += bytes;
    }
}

static const char *read_cstring(struct cursor *c)
{
    const unsigned char *nul = memchr(c->p, 0, (size_t)(c->end - c->p));
    if (!nul) {
        c->bad = 1;
        c->p = c->end;
        return NULL;
    }
    const char *s = (const char *)c->p;
    c->p = nul + 1;
    return s;
}

/* The NUL-terminated string at offset in s, or NULL if there is none. */
static const char *string_at(const struct section *s, uint64_t offset)
{
    if (offset >= s->size || !memchr(s->data + offset, 0, s->size - offset))
        return NULL;
    return (const char *)s->data + offset;
}

/* ---- sections ----------------------------------------------------------- */

static int find_sections(const unsigned char *image, size_t size, struct sections *out, char *err,
                         size_t errlen)
{
    static const struct {
        const char *name;
        size_t slot; /* offsetof its struct section in struct sections */
    } wanted[] = {
        {".debug_info", offsetof(struct sections, info)},
        {".debug_abbrev", offsetof(struct sections, abbrev)},
        {".debug_str", offsetof(struct sections, str)},
        {".debug_line_str", offsetof(struct sections, line_str)},
        {".debug_str_offsets", offsetof(struct sections, str_offsets)},
        {".debug_addr", offsetof(struct sections, addr)},
        {".debug_line", offsetof(struct sections, line)},
    };
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        struct section *slot = (struct section *)((char *)out + wanted[i].slot);
        int found = hot__image_section(image, size, wanted[i].name, &slot->data, &slot->size);
        if (found == HOT_IMAGE_SECTION_CORRUPT) {
            snprintf(err, errlen, "has a corrupt section table or %s section", wanted[i].name);
            return -1;
        }
        if (found == HOT_IMAGE_SECTION_COMPRESSED) {
            snprintf(err, errlen, "has compressed debug information, which is not read");
            return 1;
        }
        if (found != 1)
            *slot = (struct section){NULL, 0};
    }
    if (!out->info.size || !out->abbrev.size) {
        snprintf(err, errlen, "has no debug information");
        return 1;
    }
    return 0;
}

/* ---- abbreviations ------------------------------------------------------ */

struct attribute_spec {
    uint64_t name, form;
    int64_t implicit; /* DW_FORM_implicit_const's value */
};

struct abbrev {
    uint64_t code;
    uint64_t tag;
    int children;
    size_t first, count; /* in abbrev_table.specs */
};

struct abbrev_table {
    uint64_t offset; /* in .debug_abbrev */
    struct abbrev *list;
    size_t count;
    struct attribute_spec *specs;
    size_t spec_count;
};

/* Reads the abbreviation table at offset into *t: 0; -1 if it is corrupt;
 * -2 when memory ran out. */
static int read_abbrev_table(const struct section *abbrev, uint64_t offset, struct abbrev_table *t)
{
    size_t list_capacity = 0, spec_capacity = 0;
    memset(t, 0, sizeof *t);
    t->offset = offset;
    if (offset >= abbrev->size)
        return -1;
    struct cursor c = {abbrev->data + offset, abbrev->data + abbrev->size, 0};
    for (;;) {
        uint64_t code = read_uleb(&c);
        if (c.bad)
            return -1;
        if (code == 0)
            return 0;
        if (hot__grow(&t->list, &list_capacity, t->count + 1, sizeof *t->list))
            return -2;
        struct abbrev *a = &t->list[t->count++];
        a->code = code;
        a->tag = read_uleb(&c);
        a->children = (int)read_fixed(&c, 1);
        a->first = t->spec_count;
        for (;;) {
            struct attribute_spec s = {read_uleb(&c), read_uleb(&c), 0};
            if (s.form == 0x21) /* DW_FORM_implicit_const */
                s.implicit = read_sleb(&c);
            if (c.bad)
                return -1;
            if (s.name == 0 && s.form == 0)
                break;
            if (hot__grow(&t->specs, &spec_capacity, t->spec_count + 1, sizeof *t->specs))
                return -2;
            t->specs[t->spec_count++] = s;
        }
        a->count = t->spec_count - a->first;
    }
}

static void free_abbrev_table(struct abbrev_table *t)
{
    free(t->list);
    free(t->specs);
}

/* Compilers number abbreviations 1, 2, 3...: look there first. */
static const struct abbrev *find_abbrev(const struct abbrev_table *t, uint64_t code)
{
    if (code >= 1 && code <= t->count && t->list[code - 1].code == code)
        return &t->list[code - 1];
    for (size_t i = 0; i < t->count; i++) {
        if (t->list[i].code == code)
            return &t->list[i];
    }
    return NULL;
}

/* ---- attribute values --------------------------------------------------- */

struct unit {
    uint64_t start; /* offset of its header in .debug_info: references are relative to it */
    unsigned version, offset_size, address_size;
    uint64_t str_offsets_base, addr_base; /* from the unit's own entry */
    uint64_t stmt_list;                   /* its line program in .debug_line; */
    int has_stmt_list;                    /* ... if it has one */
    int assembler;      /* its DW_AT_language: assembler (a C library's start files, as musl's) */
    const char **files; /* the line program's file names, by DW_AT_decl_file; NULL for unknown */
    size_t file_count;
};

enum value_kind {
    VALUE_NONE,
    VALUE_CONSTANT,
    VALUE_REFERENCE,
    VALUE_ADDRESS,
    VALUE_FOREIGN,
    VALUE_STRING,
    VALUE_BLOCK
};

struct value {
    enum value_kind kind;
    uint64_t number; /* constant, address, or reference as an offset in .debug_info */
    int negative;    /* a DW_FORM_sdata constant below zero */
    const char *string;
    const unsigned char *block;
    uint64_t block_size;
};

static const char *indexed_string(const struct sections *s, const struct unit *u, uint64_t index)
{
    uint64_t at = u->str_offsets_base + index * u->offset_size;
    if (!s->str_offsets.size || at > s->str_offsets.size ||
        s->str_offsets.size - at < u->offset_size)
        return NULL;
    struct cursor c = {s->str_offsets.data + at, s->str_offsets.data + s->str_offsets.size, 0};
    return string_at(&s->str, read_fixed(&c, u->offset_size));
}

/* The address at index in the unit's slice of .debug_addr; a value of kind
 * VALUE_NONE if there is none. */
static void indexed_address(const struct sections *s, const struct unit *u, uint64_t index,
                            struct value *v)
{
    uint64_t at = u->addr_base + index * u->address_size;
    if (!s->addr.size || index > s->addr.size || at > s->addr.size ||
        s->addr.size - at < u->address_size)
        return;
    struct cursor c = {s->addr.data + at, s->addr.data + s->addr.size, 0};
    v->kind = VALUE_ADDRESS;
    v->number = read_fixed(&c, u->address_size);
}

/* Reads one attribute value of form; returns -1 for a form DWARF 5 does not
 * define, as nothing after it could be read. */
static int read_value(struct cursor *c, uint64_t form, int64_t implicit, const struct unit *u,
                      const struct sections *s, struct value *v, int depth)
{
    memset(v, 0, sizeof *v);
    switch (form) {
    case 0x01: /* addr */
        v->kind = VALUE_ADDRESS;
        v->number = read_fixed(c, u->address_size);
        break;
    case 0x0b: /* data1 */
    case 0x05: /* data2 */
    case 0x06: /* data4 */
    case 0x07: /* data8 */
        v->kind = VALUE_CONSTANT;
        v->number = read_fixed(c, form == 0x0b ? 1 : form == 0x05 ? 2 : form == 0x06 ? 4 : 8);
        break;
    case 0x1e: /* data16 */
        skip(c, 16);
        break;
    case 0x0d: { /* sdata */
        int64_t n = read_sleb(c);
        v->kind = VALUE_CONSTANT;
        v->number = (uint64_t)n;
        v->negative = n < 0;
        break;
    }
    case 0x0f: /* udata */
    case 0x17: /* sec_offset */
        v->kind = VALUE_CONSTANT;
        v->number = form == 0x0f ? read_uleb(c) : read_fixed(c, u->offset_size);
        break;
    case 0x21: /* implicit_const */
        v->kind = VALUE_CONSTANT;
        v->number = (uint64_t)implicit;
        v->negative = implicit < 0;
        break;
    case 0x0c: /* flag */
        v->kind = VALUE_CONSTANT;
        v->number = read_fixed(c, 1);
        break;
    case 0x19: /* flag_present */
        v->kind = VALUE_CONSTANT;
        v->number = 1;
        break;
    case 0x08: /* string */
        v->kind = VALUE_STRING;
        v->string = read_cstring(c);
        break;
    case 0x0e: /* strp */
        v->kind = VALUE_STRING;
        v->string = string_at(&s->str, read_fixed(c, u->offset_size));
        break;
    case 0x1f: /* line_strp */
        v->kind = VALUE_STRING;
        v->string = string_at(&s->line_str, read_fixed(c, u->offset_size));
        break;
    case 0x1a:   /* strx */
    case 0x1f02: /* GNU_str_index */
        v->kind = VALUE_STRING;
        v->string = indexed_string(s, u, read_uleb(c));
        break;
    case 0x25: /* strx1 */
    case 0x26: /* strx2 */
    case 0x27: /* strx3 */
    case 0x28: /* strx4 */
        v->kind = VALUE_STRING;
        v->string = indexed_string(s, u, read_fixed(c, (unsigned)(form - 0x24)));
        break;
    case 0x1d:   /* strp_sup */
    case 0x1f21: /* GNU_strp_alt */
        skip(c, u->offset_size);
        break;
    case 0x1b:   /* addrx */
    case 0x1f01: /* GNU_addr_index */
        indexed_address(s, u, read_uleb(c), v);
        break;
    case 0x22: /* loclistx */
    case 0x23: /* rnglistx */
        read_uleb(c);
        break;
    case 0x29: /* addrx1 */
    case 0x2a: /* addrx2 */
    case 0x2b: /* addrx3 */
    case 0x2c: /* addrx4 */
        indexed_address(s, u, read_fixed(c, (unsigned)(form - 0x28)), v);
        break;
    case 0x11: /* ref1 */
    case 0x12: /* ref2 */
    case 0x13: /* ref4 */
    case 0x14: /* ref8 */
        v->kind = VALUE_REFERENCE;
        v->number = u->start + read_fixed(c, form == 0x11   ? 1
                                             : form == 0x12 ? 2
                                             : form == 0x13 ? 4
                                                            : 8);
        break;
    case 0x15: /* ref_udata */
        v->kind = VALUE_REFERENCE;
        v->number = u->start + read_uleb(c);
        break;
    case 0x10: /* ref_addr */
        v->kind = VALUE_REFERENCE;
        v->number = read_fixed(c, u->version <= 2 ? u->address_size : u->offset_size);
        break;
    case 0x20: /* ref_sig8: a type unit, which this reader does not follow */
        v->kind = VALUE_FOREIGN;
        skip(c, 8);
        break;
    case 0x1c:   /* ref_sup4 */
    case 0x24:   /* ref_sup8 */
    case 0x1f20: /* GNU_ref_alt */
        v->kind = VALUE_FOREIGN;
        skip(c, form == 0x1c ? 4 : form == 0x24 ? 8 : u->offset_size);
        break;
    case 0x18: /* exprloc */
    case 0x09: /* block */
    case 0x0a: /* block1 */
    case 0x03: /* block2 */
    case 0x04: /* block4 */
        v->kind = VALUE_BLOCK;
        v->block_size = form == 0x0a   ? read_fixed(c, 1)
                        : form == 0x03 ? read_fixed(c, 2)
                        : form == 0x04 ? read_fixed(c, 4)
                                       : read_uleb(c);
        v->block = c->p;
        skip(c, v->block_size);
        break;
    case 0x16: /* indirect */
        if (depth > 4)
            return -1;
        return read_value(c, read_uleb(c), implicit, u, s, v, depth + 1);
    default:
        return -1;
    }
    return 0;
}

/* ---- entries ------------------------------------------------------------ */

/* Which children of an entry are kept. */
enum keep {
    KEEP_NONE,       /* a function body, an enumeration's values, ... */
    KEEP_TOP,        /* a unit's: types, functions, variables */
    KEEP_MEMBERS,    /* a struct's or union's: members, and types */
    KEEP_SUBRANGES,  /* an array's dimensions */
    KEEP_PARAMETERS, /* a function's parameters */
};

static int is_type(uint64_t tag)
{
    switch (tag) {
    case HOT_DW_ARRAY:
    case HOT_DW_ENUMERATION:
    case HOT_DW_POINTER:
    case HOT_DW_STRUCTURE:
    case HOT_DW_SUBROUTINE:
    case HOT_DW_TYPEDEF:
    case HOT_DW_UNION:
    case HOT_DW_BASE:
    case HOT_DW_CONST:
    case HOT_DW_VOLATILE:
    case HOT_DW_RESTRICT:
    case HOT_DW_UNSPECIFIED:
    case HOT_DW_ATOMIC:
        return 1;
    default:
        return 0;
    }
}

static int kept_in(enum keep keep, uint64_t tag)
{
    switch (keep) {
    case KEEP_TOP:
        return is_type(tag) || tag == HOT_DW_SUBPROGRAM || tag == HOT_DW_VARIABLE;
    case KEEP_MEMBERS:
        return tag == HOT_DW_MEMBER || is_type(tag);
    case KEEP_SUBRANGES:
        return tag == HOT_DW_SUBRANGE;
    case KEEP_PARAMETERS:
        return tag == HOT_DW_FORMAL_PARAMETER || tag == HOT_DW_UNSPECIFIED_PARAMETERS;
    default:
        return 0;
    }
}

static enum keep children_kept(uint64_t tag)
{
    switch (tag) {
    case HOT_DW_STRUCTURE:
    case HOT_DW_UNION:
        return KEEP_MEMBERS;
    case HOT_DW_ARRAY:
        return KEEP_SUBRANGES;
    case HOT_DW_SUBPROGRAM:
    case HOT_DW_SUBROUTINE:
        return KEEP_PARAMETERS;
    default:
        return KEEP_NONE;
    }
}

/* Stores value v of attribute name in the kept entry d of unit u. */
static void assign(struct hot__die *d, uint64_t name, const struct value *v, const struct unit *u)
{
    int constant = v->kind == VALUE_CONSTANT;
    switch (name) {
    case DW_AT_name:
        if (v->kind == VALUE_STRING)
            d->name = v->string;
        break;
    case DW_AT_byte_size:
        if (constant)
            d->size = v->number;
        break;
    case DW_AT_bit_offset:
    case DW_AT_data_bit_offset:
        if (constant)
            d->bit_offset = v->number;
        break;
    case DW_AT_bit_size:
        if (constant)
            d->bit_size = v->number;
        break;
    case DW_AT_upper_bound: /* C arrays start at 0; -1 says "no size" (a flexible array) */
        if (constant && !v->negative) {
            d->count = v->number + 1;
            d->flags |= HOT_DIE_HAS_COUNT;
        }
        break;
    case DW_AT_count:
        if (constant && !v->negative) {
            d->count = v->number;
            d->flags |= HOT_DIE_HAS_COUNT;
        }
        break;
    case DW_AT_data_member_location:
        if (constant) {
            d->place = v->number;
        } else if (v->kind == VALUE_BLOCK && v->block_size > 0 &&
                   v->block[0] == DW_OP_plus_uconst) {
            struct cursor c = {v->block + 1, v->block + v->block_size, 0};
            d->place = read_uleb(&c);
            if (c.bad)
                d->flags |= HOT_DIE_PLACE_UNKNOWN;
        } else {
            d->flags |= HOT_DIE_PLACE_UNKNOWN;
        }
        break;
    case DW_AT_declaration:
        if (constant && v->number)
            d->flags |= HOT_DIE_DECLARATION;
        break;
    case DW_AT_encoding:
        if (constant)
            d->encoding = (uint8_t)v->number;
        break;
    case DW_AT_external:
        if (constant && v->number)
            d->flags |= HOT_DIE_EXTERNAL;
        break;
    case DW_AT_prototyped:
        if (constant && v->number)
            d->flags |= HOT_DIE_PROTOTYPED;
        break;
    case DW_AT_low_pc:
        if (v->kind == VALUE_ADDRESS) {
            d->address = v->number;
            d->flags |= HOT_DIE_HAS_ADDRESS;
        }
        break;
    case DW_AT_decl_file:
        if (constant && v->number < u->file_count)
            d->file = u->files[v->number];
        break;
    case DW_AT_type:
        if (v->kind == VALUE_REFERENCE)
            d->type = v->number;
        else
            d->flags |= HOT_DIE_TYPE_UNKNOWN;
        break;
    case DW_AT_specification:
    case DW_AT_abstract_origin:
        if (v->kind == VALUE_REFERENCE)
            d->origin = v->number;
        break;
    default:
        break;
    }
}

struct frame {
    uint32_t kept; /* index of the entry, or HOT_DWARF_NONE */
    enum keep keep;
};

/* A first copy kept: its index + 1, for a derived one the entry it names
 * (HOT_DWARF_NONE for a named one), and its hash, looked at before it. */
struct first {
    uint32_t index;
    uint32_t target;
    uint32_t hash;
};

struct reader {
    const struct sections *s;
    struct hot__dwarf *out;
    size_t capacity;
    enum hot__dwarf_copies copies;
    struct first *firsts; /* HOT_DWARF_FIRST_COPY: open addressing; index 0 is empty */
    size_t first_count, firsts_capacity; /* capacity: 0 or a power of two */
    size_t alias_capacity, unit_capacity;
    struct frame *stack;
    size_t stack_capacity;
    const char **files; /* the current unit's file names, as full paths */
    size_t file_count, files_capacity;
    const char **dirs; /* the current unit's directories, as the line program has them */
    size_t dir_count, dirs_capacity;
    const char **paths; /* every full path made, open addressing by path_hash; NULL: free */
    size_t path_count, paths_capacity; /* capacity: 0 or a power of two */
    char *err;
    size_t errlen;
    int no_memory; /* the failure was memory running out, not the file */
};

static int corrupt(struct reader *r, uint64_t offset, const char *what)
{
    snprintf(r->err, r->errlen, "has corrupt debug information (%s at .debug_info+0x%llx)", what,
             (unsigned long long)offset);
    return -1;
}

static int out_of_memory(struct reader *r)
{
    snprintf(r->err, r->errlen, "could not be read: out of memory");
    r->no_memory = 1;
    return -1;
}

/* Reads the attributes of a unit's own entry a into u: where its strings,
 * addresses and line program are; and its source and the directory it was
 * compiled in. Twice: a string it names by index (DWARF 5's strx, as clang
 * writes its name) is found through DW_AT_str_offsets_base, which may come
 * after it. */
static int read_unit_entry(struct cursor *c, struct unit *u, const struct abbrev_table *abbrevs,
                           const struct abbrev *a, const struct sections *s, const char **name,
                           const char **comp_dir)
{
    const struct cursor start = *c;
    *name = *comp_dir = NULL;
    for (int pass = 0; pass < 2; pass++) {
        *c = start;
        for (size_t i = 0; i < a->count; i++) {
            const struct attribute_spec *spec = &abbrevs->specs[a->first + i];
            struct value v;
            if (read_value(c, spec->form, spec->implicit, u, s, &v, 0) != 0)
                return -1;
            if (pass == 1 && v.kind == VALUE_STRING && spec->name == DW_AT_comp_dir)
                *comp_dir = v.string;
            else if (pass == 1 && v.kind == VALUE_STRING && spec->name == DW_AT_name)
                *name = v.string;
            if (pass == 1 || v.kind != VALUE_CONSTANT)
                continue;
            if (spec->name == DW_AT_str_offsets_base)
                u->str_offsets_base = v.number;
            else if (spec->name == DW_AT_addr_base)
                u->addr_base = v.number;
            else if (spec->name == DW_AT_stmt_list) {
                u->stmt_list = v.number;
                u->has_stmt_list = 1;
            } else if (spec->name == DW_AT_language)
                u->assembler = v.number == DW_LANG_Mips_Assembler;
        }
    }
    return 0;
}

/* Rewrites path in place without "." components, empty ones ("//") and
 * "name/.." pairs, as the file system would see it but for symbolic links,
 * so that one header included by different relative paths has one name.
 * Returns 0, or -1 (the path as it was) when memory ran out. */
static int normalize(char *path)
{
    size_t size = strlen(path) + 1;
    char *out = malloc(size);
    if (!out)
        return -1;
    size_t used = 0, floor = 0; /* ".." never climbs above out[0..floor) */
    if (*path == '/')
        out[used++] = '/', floor = 1;
    for (const char *in = path; *in;) {
        const char *end = strchr(in, '/');
        size_t length = end ? (size_t)(end - in) : strlen(in);
        int up = length == 2 && in[0] == '.' && in[1] == '.';
        int climbable =
            used > floor && !(used - floor >= 2 && memcmp(out + used - 2, "..", 2) == 0 &&
                              (used - floor == 2 || out[used - 3] == '/'));
        if (length == 0 || (length == 1 && in[0] == '.')) {
            /* nothing */
        } else if (up && climbable) {
            while (used > floor && out[used - 1] != '/')
                used--;
            if (used > floor)
                used--;             /* the '/' before the dropped component */
        } else if (!up || !floor) { /* "/.." is "/" */
            if (used > floor)
                out[used++] = '/';
            memcpy(out + used, in, length);
            used += length;
        }
        in += length + (end != NULL);
    }
    out[used] = '\0';
    memcpy(path, out, used + 1);
    free(out);
    return 0;
}

static size_t path_hash(const char *path)
{
    size_t hash = 14695981039346656037u;
    for (; *path; path++)
        hash = (hash ^ (unsigned char)*path) * 1099511628211u;
    return hash;
}

/* The slot of r->paths that holds path, or the free one where it goes. */
static const char **path_slot(struct reader *r, const char *path)
{
    size_t mask = r->paths_capacity - 1, i = path_hash(path) & mask;
    while (r->paths[i] && strcmp(r->paths[i], path) != 0)
        i = (i + 1) & mask;
    return &r->paths[i];
}

/* path, just written at the end of the output's text, or the same path
 * made before (the text given back): so each file has one pointer, and
 * every unit that includes a header names it by the same one. NULL when
 * memory ran out. */
static const char *intern_path(struct reader *r, char *path, size_t need)
{
    if (2 * (r->path_count + 1) > r->paths_capacity) {
        size_t capacity = r->paths_capacity ? 2 * r->paths_capacity : 64;
        const char **old = r->paths, **paths = calloc(capacity, sizeof *paths);
        if (!paths)
            return NULL;
        size_t old_capacity = r->paths_capacity;
        r->paths = paths;
        r->paths_capacity = capacity;
        for (size_t i = 0; i < old_capacity; i++) {
            if (old[i])
                *path_slot(r, old[i]) = old[i];
        }
        free(old);
    }
    const char **slot = path_slot(r, path);
    if (*slot) {
        r->out->text->used -= need;
        return *slot;
    }
    r->path_count++;
    return *slot = path;
}

/* Copies the path dir/name (name alone if it is absolute or dir is NULL)
 * into the output's text, once per path; NULL when memory ran out. */
static const char *join_path(struct reader *r, const char *dir, const char *name)
{
    int joined = dir && name[0] != '/';
    size_t dir_length = joined ? strlen(dir) : 0, length = strlen(name);
    size_t need = dir_length + joined + length + 1;
    struct hot__dwarf_text *t = r->out->text;
    if (!t || t->size - t->used < need) {
        size_t size = need > 16000 ? need : 16000;
        t = malloc(sizeof *t + size);
        if (!t)
            return NULL;
        *t = (struct hot__dwarf_text){r->out->text, 0, size};
        r->out->text = t;
    }
    char *path = t->bytes + t->used;
    if (joined) {
        memcpy(path, dir, dir_length);
        path[dir_length] = '/';
    }
    memcpy(path + dir_length + joined, name, length + 1);
    t->used += need;
    return normalize(path) == 0 ? intern_path(r, path, need) : NULL;
}

/* Adds file name (NULL: unknown) in directory number dir to the unit's
 * file names, as a full path where the directories tell it. */
static int add_file(struct reader *r, const char *name, uint64_t dir)
{
    if (hot__grow(&r->files, &r->files_capacity, r->file_count + 1, sizeof *r->files))
        return -1;
    const char *path = NULL;
    if (name) {
        const char *directory = dir < r->dir_count ? r->dirs[dir] : NULL;
        if (directory && directory[0] != '/' && r->dir_count > 0 && r->dirs[0] &&
            !(directory = join_path(r, r->dirs[0], directory))) /* relative to the unit's */
            return -1;
        path = join_path(r, directory, name);
        if (!path)
            return -1;
    }
    r->files[r->file_count++] = path;
    return 0;
}

static int add_dir(struct reader *r, const char *path)
{
    if (hot__grow(&r->dirs, &r->dirs_capacity, r->dir_count + 1, sizeof *r->dirs))
        return -1;
    r->dirs[r->dir_count++] = path;
    return 0;
}

/* One DWARF 5 entry of a directory or file table, by its format: the path,
 * if it is a string this reader can find, and the directory index. Returns
 * -1 for an unknown form. */
static int read_table_entry(struct cursor *c, const uint64_t (*format)[2], unsigned formats,
                            const struct unit *u, const struct sections *s, const char **path,
                            uint64_t *dir)
{
    *path = NULL;
    *dir = 0;
    for (unsigned k = 0; k < formats; k++) {
        struct value v;
        if (read_value(c, format[k][1], 0, u, s, &v, 0) != 0)
            return -1;
        if (format[k][0] == 1 /* DW_LNCT_path */ && v.kind == VALUE_STRING)
            *path = v.string;
        else if (format[k][0] == 2 /* DW_LNCT_directory_index */ && v.kind == VALUE_CONSTANT)
            *dir = v.number;
    }
    return 0;
}

/* Reads the file names of u's line program into the reader (u->files), so
 * that DW_AT_decl_file can name a file by its full path; a unit without a
 * readable line program has none. Only memory running out is an error. */
static int read_file_names(struct reader *r, struct unit *u, const char *comp_dir)
{
    r->file_count = r->dir_count = 0;
    u->files = NULL;
    u->file_count = 0;
    const struct section *line = &r->s->line;
    if (!u->has_stmt_list || u->stmt_list >= line->size)
        return 0;
    struct cursor c = {line->data + u->stmt_list, line->data + line->size, 0};
    struct unit header = *u; /* the line program's own offset size and version */
    uint64_t length = read_fixed(&c, 4);
    header.offset_size = 4;
    if (length == 0xffffffffu) {
        header.offset_size = 8;
        length = read_fixed(&c, 8);
    }
    if (c.bad || length > (uint64_t)(c.end - c.p))
        return 0;
    c.end = c.p + length;
    header.version = (unsigned)read_fixed(&c, 2);
    if (header.version >= 5) {
        header.address_size = (unsigned)read_fixed(&c, 1);
        skip(&c, 1); /* segment selector size */
        if (header.address_size != 4 && header.address_size != 8)
            return 0;
    }
    read_fixed(&c, header.offset_size);    /* header length */
    skip(&c, header.version >= 4 ? 5 : 4); /* instruction lengths, is_stmt, line base, range */
    unsigned opcode_base = (unsigned)read_fixed(&c, 1);
    skip(&c, opcode_base ? opcode_base - 1 : 0);
    if (header.version < 5) { /* directories and files count from 1; 0 is the unit's */
        if (add_dir(r, comp_dir) || add_file(r, NULL, 0))
            return -1;
        while (!c.bad && c.p < c.end && *c.p) {
            const char *dir = read_cstring(&c);
            if (!c.bad && add_dir(r, dir))
                return -1;
        }
        skip(&c, 1);
        while (!c.bad && c.p < c.end && *c.p) {
            const char *name = read_cstring(&c);
            uint64_t dir = read_uleb(&c);
            read_uleb(&c); /* time, size */
            read_uleb(&c);
            if (!c.bad && add_file(r, name, dir))
                return -1;
        }
    } else {
        for (int table = 0; table < 2 && !c.bad; table++) { /* directories, then files */
            uint64_t format[16][2];
            unsigned formats = (unsigned)read_fixed(&c, 1);
            for (unsigned k = 0; k < formats && k < 16; k++) {
                format[k][0] = read_uleb(&c);
                format[k][1] = read_uleb(&c);
            }
            uint64_t count = read_uleb(&c);
            if (formats > 16 || count > (uint64_t)(c.end - c.p))
                break;
            for (uint64_t i = 0; i < count && !c.bad; i++) {
                const char *path;
                uint64_t dir;
                if (read_table_entry(&c, (const uint64_t(*)[2])format, formats, &header, r->s,
                                     &path, &dir) != 0)
                    break;
                if (table == 0 ? add_dir(r, path) : add_file(r, path, dir))
                    return -1;
            }
        }
    }
    u->files = r->files;
    u->file_count = r->file_count;
    return 0;
}

/* Starts the output's next unit, of source name (NULL: none) in comp_dir:
 * its entries are those kept from now on. -1 when memory ran out. */
static int add_unit(struct reader *r, const char *name, const char *comp_dir)
{
    struct hot__dwarf *out = r->out;
    if (hot__grow(&out->units, &r->unit_capacity, out->unit_count + 1, sizeof *out->units))
        return -1;
    const char *path = name ? join_path(r, comp_dir, name) : NULL;
    if (name && !path)
        return -1;
    out->units[out->unit_count++] = (struct hot__dwarf_unit){(uint32_t)out->count, path};
    return 0;
}

/* HOT_DWARF_FIRST_COPY keeps one copy of two kinds of top-level entries:
 * a named one (a struct, union, enum or typedef) by tag, name and declaring
 * file; and a derived one (a pointer or a qualifier) by tag, size and the
 * entry it names, once that one is kept or found (it comes first). */
static int named_copy(const struct hot__die *d)
{
    int tag = d->tag;
    return (tag == HOT_DW_STRUCTURE || tag == HOT_DW_UNION || tag == HOT_DW_ENUMERATION ||
            tag == HOT_DW_TYPEDEF) &&
           d->name && d->file && !(d->flags & HOT_DIE_DECLARATION);
}

static int derived_copy(const struct hot__die *d)
{
    int tag = d->tag;
    return (tag == HOT_DW_POINTER || tag == HOT_DW_CONST || tag == HOT_DW_VOLATILE ||
            tag == HOT_DW_RESTRICT || tag == HOT_DW_ATOMIC) &&
           !d->name && d->type && d->type < d->offset;
}

/* What a derived entry names, as kept or found so far; HOT_DWARF_NONE for a
 * named one. Most often the entry just before it, or the copy just left
 * out: those are looked at first. */
static uint32_t named_target(const struct hot__dwarf *out, const struct hot__die *d)
{
    if (d->name)
        return HOT_DWARF_NONE;
    if (out->alias_count && out->aliases[out->alias_count - 1].offset == d->type)
        return out->aliases[out->alias_count - 1].index;
    if (out->count > 1 && out->dies[out->count - 2].offset == d->type)
        return (uint32_t)out->count - 2; /* d itself is the last */
    return hot__dwarf_find(out, d->type);
}

static size_t first_hash(const struct hot__die *d, uint32_t target)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ d->tag;
    if (!d->name) {
        h = (h ^ target) * 0x100000001b3ULL;
        h = (h ^ d->size) * 0x100000001b3ULL;
    } else {
        h = (h ^ (uint64_t)(uintptr_t)d->file) * 0x100000001b3ULL; /* paths are interned */
        for (const char *p = d->name; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    }
    return (size_t)(h ^ h >> 29);
}

/* The index of the first kept entry that d (the last entry kept) copies;
 * HOT_DWARF_NONE when d is that first one, which it records;
 * HOT_DWARF_NONE - 1 when memory ran out. */
static uint32_t first_copy(struct reader *r, const struct hot__die *d)
{
    uint32_t target = named_target(r->out, d);
    if (2 * (r->first_count + 1) > r->firsts_capacity) {
        size_t capacity = r->firsts_capacity ? 2 * r->firsts_capacity : 1024;
        struct first *grown = calloc(capacity, sizeof *grown);
        if (!grown)
            return HOT_DWARF_NONE - 1;
        for (size_t k = 0; k < r->firsts_capacity; k++) {
            if (!r->firsts[k].index)
                continue;
            size_t slot = r->firsts[k].hash & (capacity - 1);
            while (grown[slot].index)
                slot = (slot + 1) & (capacity - 1);
            grown[slot] = r->firsts[k];
        }
        free(r->firsts);
        r->firsts = grown;
        r->firsts_capacity = capacity;
    }
    uint32_t hash = (uint32_t)first_hash(d, target);
    size_t slot = hash & (r->firsts_capacity - 1);
    for (; r->firsts[slot].index; slot = (slot + 1) & (r->firsts_capacity - 1)) {
        if (r->firsts[slot].hash != hash)
            continue;
        const struct hot__die *f = &r->out->dies[r->firsts[slot].index - 1];
        if (f->tag != d->tag || !f->name != !d->name)
            continue;
        if (d->name ? f->file == d->file && (f->name == d->name || strcmp(f->name, d->name) == 0)
                    : f->size == d->size && r->firsts[slot].target == target)
            return r->firsts[slot].index - 1;
    }
    r->firsts[slot] = (struct first){(uint32_t)(d - r->out->dies) + 1, target, hash};
    r->first_count++;
    return HOT_DWARF_NONE;
}

/* Walks the entries of one unit, c positioned after its header. */
static int read_entries(struct reader *r, struct cursor *c, struct unit *u,
                        const struct abbrev_table *abbrevs)
{
    size_t depth = 0;
    int top = 1; /* the first entry is the unit's own */
    while (c->p < c->end) {
        uint64_t offset = (uint64_t)(c->p - r->s->info.data);
        uint64_t code = read_uleb(c);
        if (code == 0) { /* the end of a list of siblings */
            if (depth > 0) {
                struct frame *f = &r->stack[--depth];
                if (f->kept != HOT_DWARF_NONE)
                    r->out->dies[f->kept].end = (uint32_t)r->out->count;
            }
            continue;
        }
        const struct abbrev *a = find_abbrev(abbrevs, code);
        if (!a)
            return corrupt(r, offset, "an unknown abbreviation");
        enum keep keep = top ? KEEP_NONE : depth ? r->stack[depth - 1].keep : KEEP_NONE;
        struct hot__die *d = NULL;
        if (kept_in(keep, a->tag)) {
            if (r->out->count >= HOT_DWARF_NONE - 1)
                return corrupt(r, offset, "too many entries");
            if (hot__grow(&r->out->dies, &r->capacity, r->out->count + 1, sizeof *d))
                return out_of_memory(r);
            d = &r->out->dies[r->out->count];
            memset(d, 0, sizeof *d);
            d->offset = offset;
            d->tag = (uint16_t)a->tag;
            d->parent = depth && r->stack[depth - 1].kept != HOT_DWARF_NONE
                            ? r->stack[depth - 1].kept
                            : HOT_DWARF_NONE;
            r->out->count++;
        }
        const char *name = NULL, *comp_dir = NULL;
        if (top && read_unit_entry(c, u, abbrevs, a, r->s, &name, &comp_dir) != 0)
            return corrupt(r, offset, "an unknown attribute form");
        if (top && (read_file_names(r, u, comp_dir) != 0 || add_unit(r, name, comp_dir) != 0))
            return out_of_memory(r);
        uint64_t sibling = 0; /* where the next entry of this list begins, if it says */
        for (size_t i = 0; !top && i < a->count; i++) {
            const struct attribute_spec *spec = &abbrevs->specs[a->first + i];
            struct value v;
            if (read_value(c, spec->form, spec->implicit, u, r->s, &v, 0) != 0)
                return corrupt(r, offset, "an unknown attribute form");
            if (spec->name == DW_AT_sibling && v.kind == VALUE_REFERENCE)
                sibling = v.number;
            if (d)
                assign(d, spec->name, &v, u);
        }
        if (c->bad)
            return corrupt(r, offset, "an entry past the end of its unit");
        if (d)
            d->end = (uint32_t)r->out->count;
        /* A later unit's copy of a type kept already: found at the first,
         * its own members passed over (in one step where it says where its
         * list ends). */
        if (d && r->copies == HOT_DWARF_FIRST_COPY && depth == 1 &&
            (named_copy(d) || derived_copy(d))) {
            uint32_t first = first_copy(r, d);
            if (first == HOT_DWARF_NONE - 1 ||
                hot__grow(&r->out->aliases, &r->alias_capacity, r->out->alias_count + 1,
                          sizeof *r->out->aliases))
                return out_of_memory(r);
            if (first != HOT_DWARF_NONE) {
                r->out->count--;
                r->out->aliases[r->out->alias_count++] = (struct hot__dwarf_alias){offset, first};
                const unsigned char *next = r->s->info.data + sibling;
                if (a->children && sibling > offset && next <= c->end) {
                    c->p = next; /* the children's list and its end, skipped whole */
                    continue;
                }
                if (a->children) { /* read through, keeping nothing */
                    if (hot__grow(&r->stack, &r->stack_capacity, depth + 1, sizeof *r->stack))
                        return out_of_memory(r);
                    r->stack[depth++] = (struct frame){HOT_DWARF_NONE, KEEP_NONE};
                }
                continue;
            }
        }
        if (a->children) {
            if (hot__grow(&r->stack, &r->stack_capacity, depth + 1, sizeof *r->stack))
                return out_of_memory(r);
            uint64_t tag = a->tag;
            enum keep kids = top && (tag == DW_TAG_compile_unit || tag == DW_TAG_partial_unit ||
                                     tag == DW_TAG_type_unit)
                                 ? KEEP_TOP
                             : d ? children_kept(tag)
                                 : KEEP_NONE;
            r->stack[depth++] =
                (struct frame){d ? (uint32_t)(d - r->out->dies) : HOT_DWARF_NONE, kids};
        }
        top = 0;
    }
    while (depth > 0) { /* a unit may end without closing its lists */
        struct frame *f = &r->stack[--depth];
        if (f->kept != HOT_DWARF_NONE)
            r->out->dies[f->kept].end = (uint32_t)r->out->count;
    }
    return 0;
}

int hot__dwarf_read(const unsigned char *image, size_t size, enum hot__dwarf_copies copies,
                    struct hot__dwarf *out, char *err, size_t errlen)
{
    struct sections s;
    memset(out, 0, sizeof *out);
    int found = find_sections(image, size, &s, err, errlen);
    if (found != 0)
        return found;

    struct reader r = {.s = &s, .out = out, .copies = copies, .err = err, .errlen = errlen};
    struct abbrev_table abbrevs = {0};
    int have_abbrevs = 0, status = 0, compiled = 0;
    struct cursor c = {s.info.data, s.info.data + s.info.size, 0};
    while (status == 0 && c.p < c.end) {
        struct unit u = {(uint64_t)(c.p - s.info.data), 0, 4, 0, 0, 0, 0, 0, 0, NULL, 0};
        uint64_t length = read_fixed(&c, 4);
        if (length == 0xffffffffu) {
            u.offset_size = 8;
            length = read_fixed(&c, 8);
        } else if (length >= 0xfffffff0u) {
            status = corrupt(&r, u.start, "a reserved unit length");
            break;
        }
        if (c.bad || length > (uint64_t)(c.end - c.p)) {
            status = corrupt(&r, u.start, "a unit longer than its section");
            break;
        }
        struct cursor unit = {c.p, c.p + length, 0};
        c.p += length;
        u.version = (unsigned)read_fixed(&unit, 2);
        uint64_t abbrev_offset;
        if (u.version >= 5) {
            unsigned unit_type = (unsigned)read_fixed(&unit, 1);
            u.address_size = (unsigned)read_fixed(&unit, 1);
            abbrev_offset = read_fixed(&unit, u.offset_size);
            if (unit_type == DW_UT_skeleton || unit_type == DW_UT_split_compile)
                skip(&unit, 8); /* dwo_id */
            else if (unit_type == DW_UT_type || unit_type == DW_UT_split_type)
                skip(&unit, 8 + u.offset_size); /* type signature and offset */
        } else if (u.version >= 2) {
            abbrev_offset = read_fixed(&unit, u.offset_size);
            u.address_size = (unsigned)read_fixed(&unit, 1);
        } else {
            status = corrupt(&r, u.start, "an unknown DWARF version");
            break;
        }
        if (unit.bad || (u.address_size != 4 && u.address_size != 8)) {
            status = corrupt(&r, u.start, "a corrupt unit header");
            break;
        }
        if (!have_abbrevs || abbrevs.offset != abbrev_offset) {
            if (have_abbrevs)
                free_abbrev_table(&abbrevs);
            have_abbrevs = 1;
            int read = read_abbrev_table(&s.abbrev, abbrev_offset, &abbrevs);
            if (read != 0) {
                status = read == -2 ? out_of_memory(&r)
                                    : corrupt(&r, u.start, "a corrupt abbreviation table");
                break;
            }
        }
        status = read_entries(&r, &unit, &u, &abbrevs);
        compiled |= !u.assembler;
    }
    if (have_abbrevs)
        free_abbrev_table(&abbrevs);
    free(r.stack);
    free(r.firsts);
    free(r.files);
    free(r.dirs);
    free(r.paths);
    if (status == 0 && !compiled) { /* only start files' DWARF: none of the program's own */
        snprintf(err, errlen, "has no debug information");
        status = 1;
    }
    if (status != 0)
        hot__dwarf_free(out);
    return status != 0 && r.no_memory ? -2 : status;
}

void hot__dwarf_free(struct hot__dwarf *dwarf)
{
    while (dwarf->text) {
        struct hot__dwarf_text *next = dwarf->text->next;
        free(dwarf->text);
        dwarf->text = next;
    }
    free(dwarf->dies);
    free(dwarf->aliases);
    free(dwarf->units);
    dwarf->dies = NULL;
    dwarf->aliases = NULL;
    dwarf->units = NULL;
    dwarf->count = dwarf->alias_count = dwarf->unit_count = 0;
}

/* Is path inside directory dir[0..length) (which ends before a '/')? */
static int inside(const char *path, const char *dir, size_t length)
{
    return path && strncmp(path, dir, length) == 0 && path[length] == '/';
}

int hot__dwarf_own(struct hot__dwarf *dwarf, const char *anchor)
{
    size_t owner = dwarf->unit_count; /* the unit that defines anchor */
    for (size_t u = 0, i = 0; i < dwarf->count && owner == dwarf->unit_count; i++) {
        const struct hot__die *d = &dwarf->dies[i];
        while (u + 1 < dwarf->unit_count && dwarf->units[u + 1].first <= i)
            u++;
        if (d->tag != HOT_DW_VARIABLE || d->parent != HOT_DWARF_NONE ||
            (d->flags & HOT_DIE_DECLARATION))
            continue;
        uint32_t named = d->name || !d->origin ? (uint32_t)i : hot__dwarf_find(dwarf, d->origin);
        if (named != HOT_DWARF_NONE && dwarf->dies[named].name &&
            strcmp(dwarf->dies[named].name, anchor) == 0)
            owner = u; /* its definition, named there or by the declaration it completes */
    }
    if (owner == dwarf->unit_count)
        return 0;
    const char *path = dwarf->units[owner].path;
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return 1;
    size_t length = (size_t)(slash - path);
    for (size_t u = 0; u < dwarf->unit_count; u++) {
        if (!dwarf->units[u].path || inside(dwarf->units[u].path, path, length))
            continue;
        size_t end = u + 1 < dwarf->unit_count ? dwarf->units[u + 1].first : dwarf->count;
        for (size_t i = dwarf->units[u].first; i < end; i++)
            dwarf->dies[i].flags |= HOT_DIE_FOREIGN;
    }
    return 1;
}

_Static_assert(offsetof(struct hot__die, offset) == 0 &&
                   offsetof(struct hot__dwarf_alias, offset) == 0,
               "at_offset reads an entry's offset at its start");

/* The index in items[0..count) (each size bytes, sorted by the offset at
 * the start of each: dies and aliases both begin with theirs) of the one at
 * offset, or count. */
static size_t at_offset(const void *items, size_t count, size_t size, uint64_t offset)
{
    const unsigned char *bytes = items;
    size_t low = 0, high = count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        uint64_t there;
        memcpy(&there, bytes + mid * size, sizeof there);
        if (there < offset)
            low = mid + 1;
        else
            high = mid;
    }
    uint64_t there = 0;
    if (low < count)
        memcpy(&there, bytes + low * size, sizeof there);
    return low < count && there == offset ? low : count;
}

uint32_t hot__dwarf_find(const struct hot__dwarf *dwarf, uint64_t offset)
{
    size_t i = at_offset(dwarf->dies, dwarf->count, sizeof *dwarf->dies, offset);
    if (i < dwarf->count)
        return (uint32_t)i;
    i = at_offset(dwarf->aliases, dwarf->alias_count, sizeof *dwarf->aliases, offset);
    return i < dwarf->alias_count ? dwarf->aliases[i].index : HOT_DWARF_NONE;
}
