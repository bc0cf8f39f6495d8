/* generator/lex.h
 * The lexer: the bytes of a hot source -> tokens with line and column.
 * Invariant: it reads the text as C's translation phases 1-3 do: a leading
 * byte order mark is no text, a backslash-newline joins lines anywhere (even
 * inside a token or a marker), comments, string and char literals and
 * preprocessor lines are skipped whole, and so is every group an `#if 0`
 * leaves out; so a marker inside any of them is no marker. Every call
 * consumes input or returns LEX_EOF, so any input ends in linear time. */
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
    int spliced; /* its bytes hold a backslash-newline: its spelling is lex_spell's */
};

/* The state of one pass over one text; the text is borrowed, not copied, and
 * need not be NUL-terminated. */
struct lex {
    const char *text;
    size_t size;
    size_t pos;        /* next byte to read */
    size_t line;       /* 1 + the newlines before pos */
    size_t line_start; /* offset of the first byte of pos's line (past a byte order mark) */
    int first_on_line; /* no token yet on this logical line: '#' starts a directive */
    int at_line_start; /* pos starts a physical line outside comments: look for a marker */
    size_t joins;      /* backslash-newlines consumed so far: a token that took one is spliced */
    size_t dead;       /* 0, or 1 + the conditionals open in an `#if 0` group skipped */
};

/* Starts a pass over text[0..size). A UTF-8 byte order mark at its start is
 * skipped: line 1 starts after it (see lex_text_start). */
void lex_init(struct lex *lex, const char *text, size_t size);

/* Reads the next token into *token. At the end it returns LEX_EOF (again on
 * every later call), placed at the end of the last line: on its newline if the
 * text ends with one, else just past the last byte. After LEX_ERROR the lexer
 * may be called again and goes on after the faulty part.
 *
 * Conditional groups: the lines after a directive `#if 0` (spaces, comments
 * and continuations allowed around its words), up to its `#else`, `#elif`
 * or `#endif`, give no token at all (nested conditionals counted); an
 * `#elif 0` leaves the next group out as well. No other condition is
 * evaluated: every other group is read. The directives themselves are
 * returned. An unterminated comment or literal in a left-out group is still
 * an error, as it is for the compiler. */
void lex_next(struct lex *lex, struct lex_token *token);

/* The offset where the text's first line starts: 3 after a UTF-8 byte order
 * mark, else 0. */
size_t lex_text_start(const char *text, size_t size);

/* The offset of the newline that ends the logical line holding offset (one
 * not joined to the next line by a backslash), without a '\r' before it; or
 * size if the text ends first. */
size_t lex_line_end(const char *text, size_t size, size_t offset);

/* The spelling of token t of text: its bytes with every backslash-newline
 * taken out. Writes at most capacity bytes of it to out and returns its whole
 * length (never more than t->length). */
size_t lex_spell(const char *text, const struct lex_token *t, char *out, size_t capacity);

/* The name of a kind, for tests and messages. */
const char *lex_kind_name(enum lex_kind kind);

/* The bare text of a marker, "#[hot]" or "#[persist]" ("" for none). */
const char *lex_marker_text(enum lex_marker marker);

#endif
