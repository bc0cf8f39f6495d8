/* generator/emit.h
 * The emitter: records + a template -> the text of one generated file.
 * Invariant: every output byte comes from the template or from a value; a
 * placeholder without a value is GEN_BAD_TEMPLATE, never an empty string. */
#ifndef VAIS_HOT_GEN_EMIT_H
#define VAIS_HOT_GEN_EMIT_H

#include <stddef.h>

#include "buf.h"
#include "parse.h"
#include "status.h"

/* One marked definition as a template sees it. */
struct emit_record {
    const char *name;   /* NAME: a C identifier */
    const char *type;   /* a function's SIGNATURE, a variable's TYPE: canonical, holds no '"'
                           or '\\' */
    size_t index;       /* INDEX: position among all the program's records of its kind, by
                           name (a template for a target knows its slots' size) */
    const char *prefix; /* a variable's SYMBOL is prefix NAME: "" for an external variable; a
                           static one's is hot_abi.h's HOT_ABI_PERSIST_PREFIX. Unused for a
                           function */
};

/* The records of one kind a template sees. */
struct emit_list {
    const struct emit_record *items; /* what '@@each function' or '@@each variable' visits, by
                                        name */
    size_t count;
    size_t total; /* how many the program has: COUNT (functions), VARIABLE_COUNT (variables) */
};

/* One function a hot source defines without a marker, as a template sees it. */
struct emit_unmarked {
    const char *name; /* NAME: a C identifier */
    const char *file; /* FILE: the hot source's file name, without its directory */
};

/* The values a template may use; a NULL pointer means "no such key here". */
struct emit_values {
    const char *program;                  /* PROGRAM: the target name, verbatim */
    struct emit_list of[PARSE_KINDS];     /* of[kind]: the records of that kind */
    const struct emit_unmarked *unmarked; /* what '@@each unmarked' visits, by name */
    size_t unmarked_count;
    const char *source; /* SOURCE: escaped for a C string literal */
    const char *unit;   /* UNIT: escaped the same way */
    const char *text;   /* TEXT: the source, as emit_text writes it with blanks */
    size_t text_size;
    const struct parse_span *blanks; /* what emit_text cuts out of text: its markers (and, in a
                                        hot library's unit, each #[persist] 'static') */
    const char *const *instead;      /* what emit_text puts in blanks[i]'s place; NULL: none */
    size_t blank_count;
};

/* Where a template went wrong. */
struct emit_problem {
    size_t line;       /* 1-based, in the template */
    char message[128]; /* lowercase, e.g. "unknown placeholder '@FOO@'" */
};

/* Appends to *out the template (template_size bytes, no terminator needed)
 * with its placeholders filled from *values. Template language:
 * - "@KEY@" (KEY of [A-Z0-9_]) is replaced by its value; any other '@' is
 *   literal. Everywhere: PROGRAM, COUNT, VARIABLE_COUNT, NEXT_LINE (the
 *   number of the line after the one it is in, as written: for a #line
 *   that goes back to the file written), and SOURCE, UNIT, TEXT where
 *   given.
 * - A line that is exactly "@@each function" starts a block, ended by a line
 *   that is exactly "@@end", emitted once per function with NAME, SIGNATURE
 *   and INDEX; "@@each variable" likewise once per variable with NAME,
 *   TYPE and INDEX; "@@each unmarked" once per unmarked function with NAME
 *   and FILE, written for the last word of a line of a list (a '"' or a control
 *   byte there becomes '?'). A block holds no other directive.
 * - "@@if functions" or "@@if variables", then lines, optionally "@@else"
 *   and lines, then "@@end": the first part when the list '@@each' would
 *   visit is not empty, else the second. It may hold '@@each' blocks, not
 *   another '@@if'. This is how a template avoids a zero-length array (C
 *   forbids one): the table emits its variables' array only if there is
 *   one, and else a null pointer and a count of 0, as hot_abi.h promises.
 * Any other line starting with "@@" is a template bug. Returns GEN_OK,
 * GEN_BAD_TEMPLATE (with *problem filled) or GEN_NO_MEMORY. */
enum gen_status emit_render(const char *template_text, size_t template_size,
                            const struct emit_values *values, struct buf *out,
                            struct emit_problem *problem);

/* Appends TEXT to *out: text[0..size) with each span of blanks[0..count)
 * (ascending, disjoint; an empty one is a place) cut down to the '\n' bytes
 * inside it, so a marker's line (joined to more by backslash-newlines or
 * not) keeps only its newlines and every line keeps its number, and then
 * replaced by instead[i] where instead is not NULL and instead[i] is not
 * (text on one line, which must not hold a '\n'); and a final '\n' added
 * if the text does not end with one (even when what ends it was blanked).
 * Returns GEN_OK or GEN_NO_MEMORY. */
enum gen_status emit_text(const char *text, size_t size, const struct parse_span *blanks,
                          const char *const *instead, size_t count, struct buf *out);

#endif
