/* generator/lex.c
 * The lexer: the bytes of a hot source -> tokens with line and column.
 * Invariant: every '\n' is counted by take_newline alone, so line and
 * line_start are right wherever a token starts; each call consumes input. */
#include "lex.h"

#include <string.h>

/* The markers' texts, after blanks or after '//' and blanks; none is a
 * prefix of another. */
static const struct {
    enum lex_marker marker;
    const char *text;
} markers[] = {
    {LEX_MARKER_HOT, "#[hot]"},
    {LEX_MARKER_PERSIST, "#[persist]"},
};

const char *lex_kind_name(enum lex_kind kind)
{
    switch (kind) {
#define LEX_KIND_NAME(name, text)                                                                  \
    case name:                                                                                     \
        return text;
        LEX_KINDS(LEX_KIND_NAME)
#undef LEX_KIND_NAME
    }
    return "unknown";
}

const char *lex_marker_text(enum lex_marker marker)
{
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        if (markers[i].marker == marker)
            return markers[i].text;
    }
    return "";
}

/* The marker whose text starts at text[0..avail), and its length, or NONE. */
static enum lex_marker marker_at(const char *text, size_t avail, size_t *length)
{
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        *length = strlen(markers[i].text);
        if (avail >= *length && memcmp(text, markers[i].text, *length) == 0)
            return markers[i].marker;
    }
    return LEX_MARKER_NONE;
}

void lex_init(struct lex *lex, const char *text, size_t size)
{
    memset(lex, 0, sizeof *lex);
    lex->text = text;
    lex->size = size;
    lex->line = 1;
    lex->first_on_line = 1;
    lex->at_line_start = 1;
}

/* The byte ahead bytes after pos, or -1 past the end. */
static int peek(const struct lex *lex, size_t ahead)
{
    if (ahead >= lex->size - lex->pos)
        return -1;
    return (unsigned char)lex->text[lex->pos + ahead];
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}

static int is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Consumes the '\n' at pos. */
static void take_newline(struct lex *lex)
{
    lex->pos++;
    lex->line++;
    lex->line_start = lex->pos;
}

/* Consumes a backslash-newline (also backslash-CR-LF) at pos; returns 1 if
 * there was one. The logical line goes on. */
static int take_splice(struct lex *lex)
{
    if (peek(lex, 0) != '\\')
        return 0;
    if (peek(lex, 1) == '\r' && peek(lex, 2) == '\n')
        lex->pos++;
    else if (peek(lex, 1) != '\n')
        return 0;
    lex->pos++;
    take_newline(lex);
    return 1;
}

/* pos is at the opening of a block comment: consumes it. Returns 0 if the
 * text ends before it closes (pos is then at the end). */
static int skip_block_comment(struct lex *lex)
{
    lex->pos += 2;
    while (lex->pos < lex->size) {
        char c = lex->text[lex->pos];
        if (c == '*' && peek(lex, 1) == '/') {
            lex->pos += 2;
            return 1;
        }
        if (c == '\n')
            take_newline(lex);
        else
            lex->pos++;
    }
    return 0;
}

/* pos is at '//': consumes the comment, continuation lines included, up to
 * (not including) its newline. */
static void skip_line_comment(struct lex *lex)
{
    lex->pos += 2;
    while (lex->pos < lex->size && lex->text[lex->pos] != '\n') {
        if (!take_splice(lex))
            lex->pos++;
    }
}

/* pos is at the opening quote of a literal: consumes it, escapes and
 * continuations included. One without its closing quote ends before the
 * newline (the compiler, which knows whether the line is live, says more).
 * Returns 0 if the text ends first. */
static int skip_literal(struct lex *lex, char quote)
{
    lex->pos++;
    while (lex->pos < lex->size) {
        char c = lex->text[lex->pos];
        if (c == quote) {
            lex->pos++;
            return 1;
        }
        if (c == '\n')
            return 1;
        if (c == '\\' && !take_splice(lex))
            lex->pos += peek(lex, 1) >= 0 ? 2 : 1;
        else if (c != '\\')
            lex->pos++;
    }
    return 0;
}

/* Fills *token for the end of the text: see lex_next. */
static void end_token(const struct lex *lex, struct lex_token *token)
{
    memset(token, 0, sizeof *token);
    token->kind = LEX_EOF;
    size_t size = lex->size;
    if (size == 0 || lex->text[size - 1] != '\n') {
        token->offset = size;
        token->line = lex->line;
        token->column = size - lex->line_start + 1;
        return;
    }
    size_t start = size - 1;
    while (start > 0 && lex->text[start - 1] != '\n')
        start--;
    token->offset = size - 1;
    token->line = lex->line - 1;
    token->column = size - start;
}

/* Turns *token into the error of a comment or literal, opened at
 * open_line:open_column, that runs into the end of the text. */
static void unterminated(const struct lex *lex, struct lex_token *token, enum lex_error error,
                         size_t open_line, size_t open_column)
{
    end_token(lex, token);
    token->kind = LEX_ERROR;
    token->error = error;
    token->open_line = open_line;
    token->open_column = open_column;
}

/* Starts *token of kind at pos. */
static void begin(const struct lex *lex, struct lex_token *token, enum lex_kind kind)
{
    memset(token, 0, sizeof *token);
    token->kind = kind;
    token->offset = lex->pos;
    token->line = lex->line;
    token->column = lex->pos - lex->line_start + 1;
}

/* At the start of a physical line outside comments: if the line is a marker,
 * reads it into *token and returns 1. A bare marker with more on its line is
 * a LEX_ERROR_MARKER_JUNK there (a '// #[hot] ...' line is just a comment). */
static int scan_marker(struct lex *lex, struct lex_token *token)
{
    const char *text = lex->text;
    size_t size = lex->size, p = lex->pos;
    while (p < size && (text[p] == ' ' || text[p] == '\t'))
        p++;
    size_t start = p;
    int bare = !(size - p >= 2 && text[p] == '/' && text[p + 1] == '/');
    if (!bare) {
        p += 2;
        while (p < size && (text[p] == ' ' || text[p] == '\t'))
            p++;
    }
    size_t length = 0;
    enum lex_marker marker = marker_at(text + p, size - p, &length);
    if (marker == LEX_MARKER_NONE)
        return 0;
    size_t end = p + length;
    p = end;
    while (p < size && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r'))
        p++;
    if (p < size && text[p] != '\n' && !bare)
        return 0;
    lex->pos = start;
    begin(lex, token, LEX_MARKER);
    token->marker = marker;
    token->length = end - start;
    lex->pos = end;
    lex->first_on_line = 0;
    if (p < size && text[p] != '\n') {
        token->kind = LEX_ERROR;
        token->error = LEX_ERROR_MARKER_JUNK;
        token->offset = p;
        token->length = 1;
        token->column = p - lex->line_start + 1;
    }
    return 1;
}

/* The length of the C punctuator at s (avail bytes there), or 0. */
static size_t punct_length(const char *s, size_t avail)
{
    static const char three[][4] = {"...", "<<=", ">>="};
    static const char two[][3] = {"->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&",
                                  "||", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##"};
    static const char one[] = "[](){}.&*+-~!/%<>^|?:;=,#";
    for (size_t i = 0; avail >= 3 && i < sizeof three / sizeof three[0]; i++) {
        if (memcmp(s, three[i], 3) == 0)
            return 3;
    }
    for (size_t i = 0; avail >= 2 && i < sizeof two / sizeof two[0]; i++) {
        if (memcmp(s, two[i], 2) == 0)
            return 2;
    }
    return s[0] != '\0' && strchr(one, s[0]) ? 1 : 0;
}

/* pos is at '#' first on its logical line: consumes the directive up to (not
 * including) its newline, comments and continuation lines included. */
static void skip_directive(struct lex *lex, struct lex_token *token)
{
    lex->pos++;
    while (lex->pos < lex->size && lex->text[lex->pos] != '\n') {
        int c = peek(lex, 0), next = peek(lex, 1);
        size_t line = lex->line, column = lex->pos - lex->line_start + 1;
        enum lex_error error = LEX_ERROR_NONE;
        if (take_splice(lex))
            continue;
        if (c == '/' && next == '/')
            skip_line_comment(lex);
        else if (c == '/' && next == '*')
            error = skip_block_comment(lex) ? LEX_ERROR_NONE : LEX_ERROR_COMMENT;
        else if (c == '"' || c == '\'')
            error = skip_literal(lex, (char)c) ? LEX_ERROR_NONE
                    : c == '"'                 ? LEX_ERROR_STRING
                                               : LEX_ERROR_CHAR;
        else
            lex->pos++;
        if (error != LEX_ERROR_NONE) {
            unterminated(lex, token, error, line, column);
            return;
        }
    }
    token->length = lex->pos - token->offset;
}

/* pos is at the first byte c of a token that is no comment, directive or
 * marker: reads it into *token, which begin() started. */
static void read_token(struct lex *lex, struct lex_token *token, int c)
{
    if (is_ident_start(c)) {
        token->kind = LEX_IDENT;
        while (lex->pos < lex->size && is_ident_char(peek(lex, 0)))
            lex->pos++;
    } else if ((c >= '0' && c <= '9') || (c == '.' && peek(lex, 1) >= '0' && peek(lex, 1) <= '9')) {
        token->kind = LEX_NUMBER;
        lex->pos++;
        while (lex->pos < lex->size) {
            int d = peek(lex, 0), before = lex->text[lex->pos - 1];
            int sign = (d == '+' || d == '-') &&
                       (before == 'e' || before == 'E' || before == 'p' || before == 'P');
            if (!sign && !is_ident_char(d) && d != '.')
                break;
            lex->pos++;
        }
    } else if (c == '"' || c == '\'') {
        token->kind = c == '"' ? LEX_STRING : LEX_CHAR;
        if (!skip_literal(lex, (char)c)) {
            size_t line = token->line, column = token->column;
            unterminated(lex, token, c == '"' ? LEX_ERROR_STRING : LEX_ERROR_CHAR, line, column);
            return;
        }
    } else {
        size_t length = punct_length(lex->text + lex->pos, lex->size - lex->pos);
        token->kind = length ? LEX_PUNCT : LEX_OTHER;
        lex->pos += length ? length : 1;
    }
    token->length = lex->pos - token->offset;
}

void lex_next(struct lex *lex, struct lex_token *token)
{
    for (;;) {
        if (lex->at_line_start) {
            lex->at_line_start = 0;
            if (scan_marker(lex, token))
                return;
        }
        int c = peek(lex, 0), next = peek(lex, 1);
        if (c < 0) {
            end_token(lex, token);
            return;
        }
        if (c == '\n') {
            take_newline(lex);
            lex->first_on_line = 1;
            lex->at_line_start = 1;
            continue;
        }
        if (is_blank(c)) {
            lex->pos++;
            continue;
        }
        if (take_splice(lex))
            continue;
        begin(lex, token, LEX_DIRECTIVE);
        if (c == '/' && next == '*') {
            if (skip_block_comment(lex))
                continue;
            unterminated(lex, token, LEX_ERROR_COMMENT, token->line, token->column);
            return;
        }
        if (c == '/' && next == '/') {
            skip_line_comment(lex);
            continue;
        }
        if (c == '#' && lex->first_on_line) {
            skip_directive(lex, token);
            return;
        }
        lex->first_on_line = 0;
        read_token(lex, token, c);
        return;
    }
}
