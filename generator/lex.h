/* generator/lex.h
 * The lexer: the bytes of a hot source -> tokens with line and column.
 * Invariant: comments, string and char literals and preprocessor lines are
 * skipped whole, so a marker inside them is no marker; every call consumes
 * input or returns LEX_EOF, so any input ends in linear time. */
#ifndef VAIS_HOT_GEN_LEX_H
#define VAIS_HOT_GEN_LEX_H

#include <stddef.h>

#define LEX_KINDS(X)                                                                               \
    X(LEX_EOF, "end of file")                                                                      \
    X(LEX_IDENT, "identifier")    /* identifiers and keywords alike */                             \
    X(LEX_NUMBER, "number")       /* a preprocessing number */                                     \
    X(LEX_STRING, "string")       /* with its quotes; may lack the closing one at a newline */     \
    X(LEX_CHAR, "character")      /* as LEX_STRING */                                              \
    X(LEX_PUNCT, "punctuator")    /* a C punctuator: '(' '...' '->' ... */                         \
    X(LEX_OTHER, "other byte")    /* one byte that is no C token: '@' '`' '\\' control bytes */    \
    X(LEX_MARKER, "marker")       /* '#[hot]', '// #[persist]'...: see lex_token.marker */         \
    X(LEX_DIRECTIVE, "directive") /* a whole preprocessor line, continuations included */          \
    X(LEX_ERROR, "error")         /* see lex_token.error */

enum lex_kind {
#define LEX_KIND_ENUM(name, text) name,
    LEX_KINDS(LEX_KIND_ENUM)
#undef LEX_KIND_ENUM
};

/* Why a LEX_ERROR token was made. */
enum lex_error {
    LEX_ERROR_NONE,
    LEX_ERROR_COMMENT,     /* a block comment runs into the end of the file */
    LEX_ERROR_STRING,      /* a string literal runs into the end of the file */
    LEX_ERROR_CHAR,        /* a character literal runs into the end of the file */
    LEX_ERROR_MARKER_JUNK, /* a bare marker's line holds something after it; see marker */
};

/* Which marker a LEX_MARKER token (or a LEX_ERROR_MARKER_JUNK) is. */
enum lex_marker {
    LEX_MARKER_NONE,    /* any other token */
    LEX_MARKER_HOT,     /* '#[hot]': a hot function definition follows */
    LEX_MARKER_PERSIST, /* '#[persist]': a variable definition that keeps its value follows */
};

struct lex_token {
    enum lex_kind kind;
    enum lex_error error;   /* LEX_ERROR only */
    enum lex_marker marker; /* LEX_MARKER and LEX_ERROR_MARKER_JUNK only */
    size_t offset;          /* first byte in the text; for LEX_EOF see lex_next */
    size_t length;          /* bytes; a marker's is that of e.g. '#[hot]' or '// #[hot]' */
    size_t line;            /* 1-based */
    size_t column;          /* 1-based, in bytes: offset - column + 1 starts the line */
    size_t open_line;       /* LEX_ERROR: where the unclosed comment or literal began */
    size_t open_column;
};

/* The state of one pass over one text; the text is borrowed, not copied, and
 * need not be NUL-terminated. */
struct lex {
    const char *text;
    size_t size;
    size_t pos;        /* next byte to read */
    size_t line;       /* 1 + the newlines before pos */
    size_t line_start; /* offset of the first byte of pos's line */
    int first_on_line; /* no token yet on this logical line: '#' starts a directive */
    int at_line_start; /* pos starts a physical line outside comments: look for a marker */
};

void lex_init(struct lex *lex, const char *text, size_t size);

/* Reads the next token into *token. At the end it returns LEX_EOF (again on
 * every later call), placed at the end of the last line: on its newline if the
 * text ends with one, else just past the last byte. After LEX_ERROR the lexer
 * may be called again and goes on after the faulty part. */
void lex_next(struct lex *lex, struct lex_token *token);

/* The name of a kind, for tests and messages. */
const char *lex_kind_name(enum lex_kind kind);

/* The bare text of a marker, "#[hot]" or "#[persist]" ("" for none). */
const char *lex_marker_text(enum lex_marker marker);

#endif
