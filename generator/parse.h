/* generator/parse.h
 * The parser: the tokens of hot sources -> plain records of hot functions
 * and #[persist] variables, and the names of the unmarked functions.
 * Invariant: a record exists only for a marker followed by a well-formed
 * definition of its kind (a function with external linkage, or one writable
 * file-scope variable), and its type holds no '"' or '\\'; an unmarked
 * function is never an error. */
#ifndef VAIS_HOT_GEN_PARSE_H
#define VAIS_HOT_GEN_PARSE_H

#include <stddef.h>

#include "status.h"

/* Bytes of a source: to blank (a marker's logical line but for the newline
 * that ends it, or a UTF-8 byte order mark before the first line), or a
 * keyword the hot library's unit leaves out. */
struct parse_span {
    size_t offset;
    size_t length;
};

/* What a marker makes of the definition after it. */
enum parse_kind {
    PARSE_FUNCTION, /* '#[hot]': a hot function */
    PARSE_VARIABLE, /* '#[persist]': a variable that keeps its value across reloads */
    PARSE_KINDS
};

/* One marked definition as its source defines it: a hot function or a
 * #[persist] variable.
 *
 * A function's type is its signature: its type as C's compatibility rules
 * see it, spelled one way, so that an edit which keeps the type keeps the
 * signature (and needs no restart): a parameter declared as an array or a
 * function is the pointer it is adjusted to (`int a[static 4]` is `int *`);
 * the qualifiers of a parameter itself and of the return value are left out,
 * but for _Atomic; the definition's "()" is "(void)"; names, attributes,
 * storage classes and function specifiers are left out; qualifiers come
 * first, in the order const volatile restrict _Atomic. Typedef names and
 * macros stay as written: the generator does not see through them. E.g.
 * "int (*(int))(int, int)" for `int (*pick(int k))(int, int)`.
 *
 * A variable's type is spelled as a signature's parameters are, but not
 * adjusted (an array stays one), e.g. "double[16]". */
struct parse_record {
    enum parse_kind kind;
    char *name;    /* owned: a C identifier, without backslash-newlines */
    char *type;    /* owned: the canonical type, e.g. "int(GameState *)" */
    size_t source; /* index of the source that defines it */
    size_t offset; /* of its name in the source's text, and so on */
    size_t line;
    size_t column;
    struct parse_span storage; /* a variable's 'static' keyword; length 0 if it has none
                                  (and always for a function) */
    size_t name_length;        /* of its name in the text, a backslash-newline inside counted */
    size_t end;                /* a variable's: just past the ';' ending its definition */
    size_t uses_first;         /* a variable's: where its own initializer names it (not after
                                  '.' or '->'), source->uses[uses_first..+use_count) */
    size_t use_count;
};

/* A function that a hot source defines with external linkage but without a
 * marker. It is in the hot library, which the core does not link, so the
 * core cannot call it: the core's link says so by name (see vais-hot gen's
 * --unmarked). */
struct parse_external {
    char *name;    /* owned: a C identifier, without backslash-newlines */
    size_t source; /* index of the source that defines it */
};

/* What one hot source holds; zero-initialise, release with parse_source_free. */
struct parse_source {
    struct parse_record *records; /* of both kinds, in the order of the text */
    size_t record_count;
    size_t record_capacity;
    struct parse_span *markers; /* what to blank: a byte order mark, every marker line; in order */
    size_t marker_count;
    size_t marker_capacity;
    struct parse_external *externals; /* the unmarked functions it defines, in order */
    size_t external_count;
    size_t external_capacity;
    struct parse_span
        *uses; /* the variables' names in their own initializers (records say whose) */
    size_t use_count;
    size_t use_capacity;
};

/* One error in a hot source, for "path:line:col: error: message". */
struct parse_diagnostic {
    size_t source; /* index of the source */
    size_t offset; /* where; offset - (column - 1) starts its line (after a byte order mark) */
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

/* The records of one kind, sorted by name (strcmp); a record's position
 * here is its INDEX. */
struct parse_list {
    const struct parse_record **items; /* owned array, borrowed records */
    size_t count;
};

/* All hot functions and persisted variables of a program. Borrowed from the
 * sources it was linked from. */
struct parse_program {
    struct parse_list of[PARSE_KINDS];       /* of[kind]: that kind's records */
    const struct parse_external **externals; /* owned array, borrowed records: each name once
                                                (its first source's), none a hot function's */
    size_t external_count;
};

/* The errors parse_source reports for one source at most; then one more
 * says that it stopped there. */
#define PARSE_MAX_ERRORS 20

/* Reads one hot source, text[0..size) (any bytes, no terminator needed), as
 * source number `source`, as lex.h reads it (so markers in comments,
 * literals, directives and `#if 0` groups are none). After an error it goes
 * on with the next definition, as a compiler does: each marker's definition
 * gets its first error. Unmarked function definitions at file scope that it
 * can read and that have external linkage are recorded as externals. Returns GEN_OK; GEN_BAD_INPUT
 * after adding its errors to *report (the records of the good definitions stay in *out); or
 * GEN_NO_MEMORY. *out must be zeroed or freed before; free it in every case. */
enum gen_status parse_source(const char *text, size_t size, size_t source, struct parse_source *out,
                             struct parse_report *report);

/* Sorts the functions and the variables of sources[0..count) by name into
 * *program. Each name marked more than once (as functions, or as variables)
 * gets an error at every later definition ("first marked at path:line",
 * paths[i] naming sources[i]); later means a higher source index, or later in
 * the same source. A variable named like a hot function gets one too. The
 * externals are sorted too, each name once, the hot functions' names left
 * out. Returns GEN_OK, GEN_BAD_INPUT (errors added to *report) or
 * GEN_NO_MEMORY. Free *program with
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
