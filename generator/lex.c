/* generator/lex.c
 * The lexer: the bytes of a hot source -> tokens with line and column.
 * Invariant: every '\n' is counted by take_newline alone, so line and
 * line_start are right wherever a token starts; a backslash-newline is
 * consumed only by join_lines (or by move_to inside a marker's line), so
 * every character is read as C reads it; each call consumes input. */
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

/* What a directive does to conditional groups. Only the literal condition
 * `0` is understood; any other is taken as possibly true. */
enum condition {
    COND_NONE,      /* no conditional: #define, #include, #pragma... */
    COND_IF,        /* #if (not `0`), #ifdef, #ifndef */
    COND_IF_ZERO,   /* #if 0 */
    COND_ELSE,      /* #else, #elif (not `0`), #elifdef, #elifndef */
    COND_ELIF_ZERO, /* #elif 0 */
    COND_ENDIF,     /* #endif */
};

static const unsigned char byte_order_mark[] = {0xef, 0xbb, 0xbf};

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

size_t lex_text_start(const char *text, size_t size)
{
    int bom = size >= sizeof byte_order_mark &&
              memcmp(text, byte_order_mark, sizeof byte_order_mark) == 0;
    return bom ? sizeof byte_order_mark : 0;
}

/* The length of the backslash-newline (or backslash-CR-LF) at text[p],
 * which ends before end, or 0 if there is none. */
static size_t splice_at(const char *text, size_t end, size_t p)
{
    if (p >= end || text[p] != '\\')
        return 0;
    if (end - p >= 2 && text[p + 1] == '\n')
        return 2;
    if (end - p >= 3 && text[p + 1] == '\r' && text[p + 2] == '\n')
        return 3;
    return 0;
}

/* p moved past the backslash-newlines there. */
static size_t past_splices(const char *text, size_t end, size_t p)
{
    for (size_t n; (n = splice_at(text, end, p)) != 0;)
        p += n;
    return p;
}

/* Does text[start, end) hold a backslash-newline? */
static int has_splice(const char *text, size_t start, size_t end)
{
    for (const char *b; start < end && (b = memchr(text + start, '\\', end - start)) != NULL;) {
        start = (size_t)(b - text);
        if (splice_at(text, end, start++))
            return 1;
    }
    return 0;
}

size_t lex_spell(const char *text, const struct lex_token *t, char *out, size_t capacity)
{
    size_t end = t->offset + t->length, length = 0;
    for (size_t p = past_splices(text, end, t->offset); p < end;
         p = past_splices(text, end, p + 1)) {
        if (length < capacity)
            out[length] = text[p];
        length++;
    }
    return length;
}

size_t lex_line_end(const char *text, size_t size, size_t offset)
{
    for (size_t p = offset; p < size; p++) {
        size_t splice = splice_at(text, size, p);
        if (splice)
            p += splice - 1; /* the line goes on */
        else if (text[p] == '\n')
            return p > offset && text[p - 1] == '\r' ? p - 1 : p;
    }
    return size;
}

void lex_init(struct lex *lex, const char *text, size_t size)
{
    memset(lex, 0, sizeof *lex);
    lex->text = text;
    lex->size = size;
    lex->pos = lex_text_start(text, size);
    lex->line = 1;
    lex->line_start = lex->pos;
    lex->first_on_line = 1;
    lex->at_line_start = 1;
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static inline int is_ident_start(int c)
{
    int letter = (unsigned)((c | 0x20) - 'a') < 26u; /* only A-Z and a-z land in a-z */
    return letter || c == '_' || c == '$' || c >= 0x80;
}

static inline int is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* The byte at text[p] (before end), or -1. */
static int byte_at(const char *text, size_t end, size_t p)
{
    return p < end ? (unsigned char)text[p] : -1;
}

/* Consumes the '\n' at pos. */
static void take_newline(struct lex *lex)
{
    lex->pos++;
    lex->line++;
    lex->line_start = lex->pos;
}

/* Consumes the backslash-newlines at pos, which holds a backslash. */
static void join_lines(struct lex *lex)
{
    for (size_t n; (n = splice_at(lex->text, lex->size, lex->pos)) != 0;) {
        lex->pos += n - 1;
        lex->joins++;
        take_newline(lex);
    }
}

/* Consumes the backslash-newlines at pos: the logical line goes on. */
static inline void skip_splices(struct lex *lex)
{
    if (lex->pos < lex->size && lex->text[lex->pos] == '\\')
        join_lines(lex);
}

/* Moves pos forward to target, counting the newlines passed. */
static void move_to(struct lex *lex, size_t target)
{
    while (lex->pos < target) {
        if (lex->text[lex->pos] == '\n')
            take_newline(lex);
        else
            lex->pos++;
    }
}

/* peek, the general case. */
static int peek_joined(const struct lex *lex, size_t ahead)
{
    size_t p = past_splices(lex->text, lex->size, lex->pos);
    for (; ahead > 0 && p < lex->size; ahead--)
        p = past_splices(lex->text, lex->size, p + 1);
    return byte_at(lex->text, lex->size, p);
}

/* The character ahead characters after pos, as C reads it (backslash-newlines
 * taken out), or -1 past the end. */
static inline int peek(const struct lex *lex, size_t ahead)
{
    const char *text = lex->text;
    size_t pos = lex->pos;
    if (ahead < 2 && lex->size - pos > ahead && text[pos] != '\\' && text[pos + ahead] != '\\')
        return (unsigned char)text[pos + ahead]; /* no backslash-newline: the common case */
    return peek_joined(lex, ahead);
}

/* Consumes the character at pos, which is no newline. */
static void advance(struct lex *lex)
{
    skip_splices(lex);
    lex->pos++;
}

/* Moves pos past the bytes that are neither stop nor also nor a backslash:
 * the run a comment or literal holds before anything that matters to it. */
static inline void skip_plain(struct lex *lex, char stop, char also)
{
    const char *text = lex->text;
    size_t pos = lex->pos, size = lex->size;
    while (pos < size && text[pos] != stop && text[pos] != also && text[pos] != '\\')
        pos++;
    lex->pos = pos;
}

/* pos is at the opening of a block comment: consumes it. Returns 0 if the
 * text ends before it closes (pos is then at the end). */
static int skip_block_comment(struct lex *lex)
{
    advance(lex);
    advance(lex);
    for (;;) {
        skip_plain(lex, '*', '\n');
        skip_splices(lex);
        if (lex->pos >= lex->size)
            return 0;
        char c = lex->text[lex->pos];
        if (c == '*' && peek(lex, 1) == '/') {
            advance(lex);
            advance(lex);
            return 1;
        }
        if (c == '\n')
            take_newline(lex);
        else
            lex->pos++;
    }
}

/* pos is at '//': consumes the comment, continuation lines included, up to
 * (not including) its newline. */
static void skip_line_comment(struct lex *lex)
{
    advance(lex);
    advance(lex);
    for (;;) {
        skip_plain(lex, '\n', '\n');
        skip_splices(lex);
        if (lex->pos >= lex->size || lex->text[lex->pos] == '\n')
            return;
        lex->pos++;
    }
}

/* pos is at the opening quote of a literal: consumes it, escapes and
 * continuations included. One without its closing quote ends before the
 * newline (the compiler, which knows whether the line is live, says more).
 * Returns 0 if the text ends first. */
static int skip_literal(struct lex *lex, char quote)
{
    advance(lex);
    for (;;) {
        skip_plain(lex, quote, '\n');
        skip_splices(lex);
        if (lex->pos >= lex->size)
            return 0;
        char c = lex->text[lex->pos];
        if (c == quote) {
            lex->pos++;
            return 1;
        }
        if (c == '\n')
            return 1;
        lex->pos++;
        if (c == '\\') {
            skip_splices(lex);
            if (lex->pos < lex->size && lex->text[lex->pos] != '\n')
                lex->pos++;
        }
    }
}

/* Fills *token for the end of the text: see lex_next. */
static void end_token(const struct lex *lex, struct lex_token *token)
{
    memset(token, 0, sizeof *token);
    token->kind = LEX_EOF;
    size_t size = lex->size, first = lex_text_start(lex->text, size);
    if (size == first || lex->text[size - 1] != '\n') {
        token->offset = size;
        token->line = lex->line;
        token->column = size - lex->line_start + 1;
        return;
    }
    size_t start = size - 1;
    while (start > first && lex->text[start - 1] != '\n')
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

/* p moved past blanks (' ', '\t'; also '\r' with cr) and backslash-newlines. */
static size_t past_blanks(const char *text, size_t size, size_t p, int cr)
{
    for (;;) {
        p = past_splices(text, size, p);
        int c = byte_at(text, size, p);
        if (c != ' ' && c != '\t' && !(cr && c == '\r'))
            return p;
        p++;
    }
}

/* The marker whose text is read at text[p..] (backslash-newlines taken out),
 * and in *end the offset past it; or LEX_MARKER_NONE. */
static enum lex_marker marker_at(const char *text, size_t size, size_t p, size_t *end)
{
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        const char *m = markers[i].text;
        size_t q = p;
        for (; *m && byte_at(text, size, q = past_splices(text, size, q)) == *m; m++)
            q++;
        if (*m == '\0') {
            *end = q;
            return markers[i].marker;
        }
    }
    return LEX_MARKER_NONE;
}

/* At the start of a physical line outside comments: if the line is a marker,
 * reads it into *token and returns 1. A bare marker with more on its line is
 * a LEX_ERROR_MARKER_JUNK there (a '// #[hot] ...' line is just a comment). */
static int scan_marker(struct lex *lex, struct lex_token *token)
{
    const char *text = lex->text;
    size_t size = lex->size, start = past_blanks(text, size, lex->pos, 0), p = start, end = 0;
    int first = byte_at(text, size, start);
    if (first != '#' && first != '/') /* what every marker starts with */
        return 0;
    size_t slash = past_splices(text, size, start + 1);
    int bare = !(byte_at(text, size, start) == '/' && byte_at(text, size, slash) == '/');
    if (!bare)
        p = past_blanks(text, size, slash + 1, 0);
    enum lex_marker marker = marker_at(text, size, p, &end);
    if (marker == LEX_MARKER_NONE)
        return 0;
    size_t after = past_blanks(text, size, end, 1);
    int junk = after < size && text[after] != '\n';
    if (junk && !bare)
        return 0;
    move_to(lex, start);
    begin(lex, token, LEX_MARKER);
    token->marker = marker;
    token->length = end - start;
    token->spliced = has_splice(text, start, end);
    lex->first_on_line = 0;
    move_to(lex, junk ? after : end);
    if (junk) {
        token->kind = LEX_ERROR;
        token->error = LEX_ERROR_MARKER_JUNK;
        token->offset = after;
        token->length = 1;
        token->line = lex->line;
        token->column = after - lex->line_start + 1;
    }
    return 1;
}

/* The length of the C punctuator at s (avail bytes there), or 0. */
static size_t punct_length(const char *s, size_t avail)
{
    char next = avail > 1 ? s[1] : '\0', third = avail > 2 ? s[2] : '\0';
    switch (avail > 0 ? s[0] : '\0') {
    case '[':
    case ']':
    case '(':
    case ')':
    case '{':
    case '}':
    case '~':
    case '?':
    case ':':
    case ';':
    case ',':
        return 1;
    case '.':
        return next == '.' && third == '.' ? 3 : 1;
    case '<':
    case '>': /* < << <= <<=, and the same with > */
        if (next == s[0])
            return third == '=' ? 3 : 2;
        return next == '=' ? 2 : 1;
    case '-':
        return next == '-' || next == '=' || next == '>' ? 2 : 1;
    case '+':
    case '&':
    case '|': /* + ++ +=, & && &=, | || |= */
        return next == s[0] || next == '=' ? 2 : 1;
    case '#':
        return next == '#' ? 2 : 1;
    case '*':
    case '/':
    case '%':
    case '^':
    case '!':
    case '=':
        return next == '=' ? 2 : 1;
    default:
        return 0;
    }
}

/* pos is at '#' first on its logical line: consumes the directive up to (not
 * including) its newline, comments and continuation lines included. */
static void skip_directive(struct lex *lex, struct lex_token *token)
{
    advance(lex);
    for (;;) {
        skip_splices(lex);
        if (lex->pos >= lex->size || lex->text[lex->pos] == '\n')
            break;
        int c = peek(lex, 0), next = peek(lex, 1);
        size_t line = lex->line, column = lex->pos - lex->line_start + 1;
        enum lex_error error = LEX_ERROR_NONE;
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

/* pos is at the first character c of a token that is no comment, directive
 * or marker: reads it into *token, which begin() started. */
static void read_token(struct lex *lex, struct lex_token *token, int c)
{
    if (is_ident_start(c)) {
        token->kind = LEX_IDENT;
        const char *text = lex->text;
        size_t pos = lex->pos + 1, size = lex->size;
        for (;;) { /* a run of plain characters, then backslash-newlines if they join more */
            while (pos < size && is_ident_char((unsigned char)text[pos]))
                pos++;
            size_t joined = past_splices(text, size, pos);
            if (joined == pos || !is_ident_char(byte_at(text, size, joined)))
                break;
            lex->pos = pos;
            join_lines(lex);
            pos = lex->pos;
        }
        lex->pos = pos;
    } else if ((c >= '0' && c <= '9') || (c == '.' && peek(lex, 1) >= '0' && peek(lex, 1) <= '9')) {
        token->kind = LEX_NUMBER;
        for (int before = c, d = c;; before = d) {
            advance(lex);
            d = peek(lex, 0);
            int sign = (d == '+' || d == '-') &&
                       (before == 'e' || before == 'E' || before == 'p' || before == 'P');
            if (!sign && !is_ident_char(d) && d != '.')
                break;
        }
    } else if (c == '"' || c == '\'') {
        token->kind = c == '"' ? LEX_STRING : LEX_CHAR;
        if (!skip_literal(lex, (char)c)) {
            size_t line = token->line, column = token->column;
            unterminated(lex, token, c == '"' ? LEX_ERROR_STRING : LEX_ERROR_CHAR, line, column);
            return;
        }
    } else {
        char window[3];
        size_t avail = lex->size - lex->pos < 3 ? lex->size - lex->pos : 3;
        const char *at = lex->text + lex->pos;
        int joined = 0;
        for (size_t k = 0; k < avail; k++)
            joined |= at[k] == '\\';
        if (joined) { /* maybe joined by a backslash-newline */
            avail = 0;
            for (int w; avail < sizeof window && (w = peek(lex, avail)) >= 0; avail++)
                window[avail] = (char)w;
            at = window;
        }
        size_t length = punct_length(at, avail), taken = length ? length : 1;
        token->kind = length ? LEX_PUNCT : LEX_OTHER;
        if (!joined)
            lex->pos += taken;
        for (size_t i = 0; joined && i < taken; i++)
            advance(lex);
    }
    token->length = lex->pos - token->offset;
}

/* Reads the next token, whether or not in a live group. */
static void read_any(struct lex *lex, struct lex_token *token)
{
    for (;;) {
        if (lex->at_line_start) {
            lex->at_line_start = 0;
            if (scan_marker(lex, token))
                return;
        }
        skip_splices(lex);
        if (lex->pos >= lex->size) {
            end_token(lex, token);
            return;
        }
        int c = (unsigned char)lex->text[lex->pos];
        if (c == '\n') {
            take_newline(lex);
            lex->first_on_line = 1;
            lex->at_line_start = 1;
            continue;
        }
        if (is_blank(c)) { /* a run of them: indentation */
            const char *text = lex->text;
            size_t pos = lex->pos + 1, size = lex->size;
            while (pos < size && is_blank((unsigned char)text[pos]))
                pos++;
            lex->pos = pos;
            continue;
        }
        int next = c == '/' ? peek(lex, 1) : 0;
        size_t joins = lex->joins;
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
        if (c == '#' && lex->first_on_line)
            skip_directive(lex, token);
        else
            read_token(lex, token, c);
        lex->first_on_line = 0;
        token->spliced = token->kind != LEX_ERROR && lex->joins != joins;
        return;
    }
}

/* p moved past blanks, backslash-newlines and comments in a directive that
 * ends at end; end if a line comment (or nothing) is left. */
static size_t directive_blank(const char *text, size_t end, size_t p)
{
    for (;;) {
        p = past_splices(text, end, p);
        size_t next = past_splices(text, end, p + 1);
        int c = byte_at(text, end, p), d = byte_at(text, end, next);
        if (c < 0 || (c == '/' && d == '/'))
            return end;
        if (c == '/' && d == '*') {
            for (p = next + 1;; p++) {
                p = past_splices(text, end, p);
                if (p >= end)
                    return end;
                next = past_splices(text, end, p + 1);
                if (text[p] == '*' && byte_at(text, end, next) == '/')
                    break;
            }
            p = next + 1;
        } else if (is_blank(c)) {
            p++;
        } else {
            return p;
        }
    }
}

/* What the directive token t does to conditional groups. */
static enum condition condition_of(const char *text, const struct lex_token *t)
{
    static const struct {
        const char *name;
        enum condition condition, if_zero;
    } names[] = {
        {"if", COND_IF, COND_IF_ZERO},     {"ifdef", COND_IF, COND_IF},
        {"ifndef", COND_IF, COND_IF},      {"elif", COND_ELSE, COND_ELIF_ZERO},
        {"elifdef", COND_ELSE, COND_ELSE}, {"elifndef", COND_ELSE, COND_ELSE},
        {"else", COND_ELSE, COND_ELSE},    {"endif", COND_ENDIF, COND_ENDIF},
    };
    size_t end = t->offset + t->length, p = directive_blank(text, end, t->offset + 1);
    char name[10];
    size_t length = 0;
    for (; is_ident_char(byte_at(text, end, p)); p = past_splices(text, end, p + 1)) {
        if (length < sizeof name)
            name[length] = text[p];
        length++;
    }
    p = directive_blank(text, end, p);
    size_t after = past_splices(text, end, p + 1);
    int zero = byte_at(text, end, p) == '0' && !is_ident_char(byte_at(text, end, after)) &&
               byte_at(text, end, after) != '.' && directive_blank(text, end, after) == end;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i].name) == length && memcmp(names[i].name, name, length) == 0)
            return zero ? names[i].if_zero : names[i].condition;
    }
    return COND_NONE;
}

/* Follows a directive's effect on lex->dead. */
static void track_condition(struct lex *lex, enum condition condition)
{
    switch (condition) {
    case COND_IF_ZERO:
        lex->dead++;
        break;
    case COND_IF:
        lex->dead += lex->dead > 0;
        break;
    case COND_ELSE:
        lex->dead -= lex->dead == 1;
        break;
    case COND_ELIF_ZERO:
        lex->dead += lex->dead == 0;
        break;
    case COND_ENDIF:
        lex->dead -= lex->dead > 0;
        break;
    case COND_NONE:
        break;
    }
}

void lex_next(struct lex *lex, struct lex_token *token)
{
    for (;;) {
        read_any(lex, token);
        int was_dead = lex->dead > 0;
        if (token->kind == LEX_DIRECTIVE) {
            track_condition(lex, condition_of(lex->text, token));
        }
        int error = token->kind == LEX_ERROR && token->error != LEX_ERROR_MARKER_JUNK;
        if (!was_dead || lex->dead == 0 || token->kind == LEX_EOF || error)
            return;
    }
}
