/* runtime/layout_graph.h
 * The graph a build's layouts are held in (layout.h's struct hot__layouts),
 * for the two files that make and read it: layout.c (from debug
 * information, and the comparisons) and summary.c (to and from the bytes a
 * build's summary keeps). Invariants of a graph, whoever made it: nodes 0
 * and 1 are NODE_VOID and NODE_UNKNOWN; every node, member and type index
 * is in range; an array's target comes before it (no array holds itself);
 * a struct's or union's members are members[first .. first + span); each
 * root has at least one type, at types[first .. first + count), and roots
 * are sorted by kind, then name. */
#ifndef VAIS_HOT_LAYOUT_GRAPH_H
#define VAIS_HOT_LAYOUT_GRAPH_H

#include "layout.h"

#include <stddef.h>
#include <stdint.h>

#define MAX_DEPTH 256 /* deeper type chains than this are taken on trust */

enum kind {
    KIND_VOID,
    KIND_UNKNOWN, /* nothing to compare: what the reader could not follow */
    KIND_BASE,
    KIND_ENUM,
    KIND_POINTER,
    KIND_ARRAY,
    KIND_STRUCT,
    KIND_UNION,
    KIND_TYPEDEF,
    KIND_FUNCTION,
    KIND_OPAQUE, /* a struct or union seen only as incomplete */
};

enum { NODE_VOID, NODE_UNKNOWN }; /* every graph starts with these two */

struct node {
    enum kind kind;
    const char *name; /* tag, typedef or base type name; NULL if none */
    const char *file; /* where a struct, union, enum or typedef is declared; NULL if unknown */
    uint64_t size;
    uint64_t count;       /* array: elements, if counted */
    uint32_t target;      /* pointer, array, typedef: what it points to, holds or names */
    uint32_t first, span; /* struct, union: its members */
    uint8_t encoding;     /* base types */
    uint8_t counted;      /* array: whether count is known */
};

struct member {
    const char *name; /* NULL for an unnamed struct or union member */
    uint64_t place, bit_size, bit_offset;
    uint32_t type;
    int place_unknown;
};

/* Declared roots are named "<tag letter>\n<file>\n<name>": a type known by
 * its name and the file it is declared in, whoever uses it. */
enum root_kind { ROOT_FUNCTION, ROOT_VARIABLE, ROOT_TYPEDEF, ROOT_TAG, ROOT_DECLARED };

struct root {
    enum root_kind kind;
    const char *name;
    uint32_t first, count; /* in types: a function's result then parameters, else one */
};

struct chunk {
    struct chunk *next;
    size_t used, size;
    char bytes[];
};

struct hot__layouts {
    struct node *nodes;
    size_t node_count, node_capacity;
    struct member *members;
    size_t member_count, member_capacity;
    struct root *roots; /* sorted by kind, then name */
    size_t root_count, root_capacity;
    uint32_t *types;
    size_t type_count, type_capacity;
    struct chunk *names;
};

/* Orders roots by kind, then name: the order of hot__layouts.roots. */
int hot__layout_root_order(const void *a, const void *b);

#endif
