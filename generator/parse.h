/* generator/parse.h
 * The parser: the tokens of hot sources -> plain records of hot functions
 * and #[persist] variables.
 * Invariant: a record exists only for a marker followed by a well-formed
 * definition (a function with external linkage, or one writable file-scope
 * variable), and its signature or type holds no '"' or '\\'. */
#ifndef VAIS_HOT_GEN_PARSE_H
#define VAIS_HOT_GEN_PARSE_H

#include <stddef.h>

#include "status.h"

/* One hot function as its source defines it. */
struct parse_function {
    char *name;      /* owned: a C identifier */
    char *signature; /* owned: the canonical type, e.g. "int(GameState *)" */
    size_t source;   /* index of the source that defines it */
    size_t offset;   /* of its name in the source's text, and so on */
    size_t line;
    size_t column;
};

/* One #[persist] variable as its source defines it. */
struct parse_variable {
    char *name;    /* owned: a C identifier */
    char *type;    /* owned: the canonical type, e.g. "double[16]", as for parameters */
    size_t source; /* index of the source that defines it */
    size_t offset; /* of its name in the source's text, and so on */
    size_t line;
    size_t column;
};

/* Bytes to blank in a source: a marker's line without its line break. */
struct parse_span {
    size_t offset;
    size_t length;
};

/* What one hot source holds; zero-initialise, release with parse_source_free. */
struct parse_source {
    struct parse_function *functions; /* in the order of the text */
    size_t function_count;
    size_t function_capacity;
    struct parse_variable *variables; /* in the order of the text */
    size_t variable_count;
    size_t variable_capacity;
    struct parse_span *markers; /* every marker line, in the order of the text */
    size_t marker_count;
    size_t marker_capacity;
};

/* One error in a hot source, for "path:line:col: error: message". */
struct parse_diagnostic {
    size_t source; /* index of the source */
    size_t offset; /* where; offset - (column - 1) is the start of its line */
    size_t line;   /* 1-based */
    size_t column; /* 1-based, in bytes */
    char *message; /* owned */
};

/* The errors found so far; zero-initialise, release with parse_report_free. */
struct parse_report {
    struct parse_diagnostic *items; /* in the order they were found */
    size_t count;
    size_t capacity;
};

/* All hot functions and persisted variables of a program, each sorted by
 * name (strcmp); a record's position here is its INDEX. Borrowed from the
 * sources it was linked from. */
struct parse_program {
    const struct parse_function **functions; /* owned array, borrowed records */
    size_t count;
    const struct parse_variable **variables; /* owned array, borrowed records */
    size_t variable_count;
};

/* Reads one hot source, text[0..size) (any bytes, no terminator needed), as
 * source number `source`. Returns GEN_OK; GEN_BAD_INPUT after adding its
 * first error to *report (the records read before it stay in *out); or
 * GEN_NO_MEMORY. *out must be zeroed or freed before; free it in every case. */
enum gen_status parse_source(const char *text, size_t size, size_t source, struct parse_source *out,
                             struct parse_report *report);

/* Sorts the functions and the variables of sources[0..count) by name into
 * *program. Each name marked more than once (as functions, or as variables)
 * gets an error at every later definition ("first marked at path:line",
 * paths[i] naming sources[i]); later means a higher source index, or later in
 * the same source. A variable named like a hot function gets one too. Returns GEN_OK, GEN_BAD_INPUT
 * (errors added to *report) or GEN_NO_MEMORY. Free *program with
 * parse_program_free in every case, before the sources. */
enum gen_status parse_link(const struct parse_source *sources, const char *const *paths,
                           size_t count, struct parse_program *program,
                           struct parse_report *report);

/* Orders report->items by source, then by offset. */
void parse_report_sort(struct parse_report *report);

void parse_source_free(struct parse_source *source);
void parse_report_free(struct parse_report *report);
void parse_program_free(struct parse_program *program);

#endif
