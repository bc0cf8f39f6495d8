/* generator/parse.c
 * The parser: the tokens of hot sources -> plain records of hot functions
 * and #[persist] variables. Invariant: each source is read once, token by token; a declaration's
 * tokens are visited a bounded number of times (brackets are matched while they are read), so any
 * input takes linear time, and nesting is bounded. */
#include "parse.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lex.h"

/* Parameter lists nested deeper than this are refused, not recursed into. */
#define PARSE_MAX_NESTING 64

/* A declaration token; match is the index of the closing bracket of a '('
 * or '[' (brackets are always balanced in a declaration that was read). */
struct decl_token {
    struct lex_token token;
    size_t match;
};

/* What the next piece of a signature is, for the spacing rules. */
enum sig_class {
    SIG_START,    /* nothing yet: no space */
    SIG_WORD,     /* identifiers, keywords, numbers, '...' */
    SIG_STAR,     /* '*' in a declarator: a space before it, none after it */
    SIG_OPEN,     /* '(' '[': none after it */
    SIG_CLOSE,    /* ')' ']': none before it */
    SIG_COMMA,    /* none before it */
    SIG_OPERATOR, /* other punctuators, in array bounds */
};

/* How a keyword (or other identifier) takes part in a declaration. */
enum word {
    WORD_NONE,      /* an identifier: a typedef name or a declarator's name */
    WORD_STATIC,    /* internal linkage: refused for hot functions */
    WORD_DROP,      /* extern, inline...: no part of the type */
    WORD_REGISTER,  /* dropped in parameters, refused elsewhere */
    WORD_REFUSED,   /* typedef, auto...: no function definition starts so */
    WORD_ATTRIBUTE, /* followed by a parenthesised group that is skipped */
    WORD_QUALIFIER, /* const, volatile...: part of the type */
    WORD_TYPE,      /* a type specifier keyword */
    WORD_TAG,       /* struct, union, enum: followed by a tag */
    WORD_GROUP,     /* typeof and friends: followed by a group kept verbatim */
};

static const struct {
    const char *text;
    enum word word;
} words[] = {
    {"static", WORD_STATIC},
    {"extern", WORD_DROP},
    {"inline", WORD_DROP},
    {"__inline", WORD_DROP},
    {"__inline__", WORD_DROP},
    {"_Noreturn", WORD_DROP},
    {"noreturn", WORD_DROP},
    {"__extension__", WORD_DROP},
    {"register", WORD_REGISTER},
    {"typedef", WORD_REFUSED},
    {"auto", WORD_REFUSED},
    {"_Thread_local", WORD_REFUSED},
    {"thread_local", WORD_REFUSED},
    {"__thread", WORD_REFUSED},
    {"constexpr", WORD_REFUSED},
    {"__attribute__", WORD_ATTRIBUTE},
    {"__attribute", WORD_ATTRIBUTE},
    {"__declspec", WORD_ATTRIBUTE},
    {"_Alignas", WORD_ATTRIBUTE},
    {"alignas", WORD_ATTRIBUTE},
    {"const", WORD_QUALIFIER},
    {"volatile", WORD_QUALIFIER},
    {"restrict", WORD_QUALIFIER},
    {"_Atomic", WORD_QUALIFIER},
    {"__const", WORD_QUALIFIER},
    {"__volatile", WORD_QUALIFIER},
    {"__volatile__", WORD_QUALIFIER},
    {"__restrict", WORD_QUALIFIER},
    {"__restrict__", WORD_QUALIFIER},
    {"void", WORD_TYPE},
    {"char", WORD_TYPE},
    {"short", WORD_TYPE},
    {"int", WORD_TYPE},
    {"long", WORD_TYPE},
    {"float", WORD_TYPE},
    {"double", WORD_TYPE},
    {"signed", WORD_TYPE},
    {"unsigned", WORD_TYPE},
    {"__signed", WORD_TYPE},
    {"__signed__", WORD_TYPE},
    {"_Bool", WORD_TYPE},
    {"bool", WORD_TYPE},
    {"_Complex", WORD_TYPE},
    {"_Imaginary", WORD_TYPE},
    {"__int128", WORD_TYPE},
    {"_Float16", WORD_TYPE},
    {"_Float32", WORD_TYPE},
    {"_Float64", WORD_TYPE},
    {"_Float128", WORD_TYPE},
    {"__float128", WORD_TYPE},
    {"struct", WORD_TAG},
    {"union", WORD_TAG},
    {"enum", WORD_TAG},
    {"typeof", WORD_GROUP},
    {"typeof_unqual", WORD_GROUP},
    {"__typeof", WORD_GROUP},
    {"__typeof__", WORD_GROUP},
};

struct parser {
    const char *text;
    size_t size;
    size_t source;
    struct lex lex;
    struct parse_source *out;
    struct parse_report *report;
    enum gen_status status;    /* the first failure, GEN_OK until then */
    struct lex_token marker;   /* the marker whose function or variable is being read */
    struct lex_token name;     /* that function's or variable's name, once known */
    int named;                 /* name is set */
    struct decl_token *tokens; /* the declaration being read */
    size_t count;
    size_t capacity;
    size_t *open; /* indexes of its unclosed brackets */
    size_t depth;
    size_t open_capacity;
    struct buf signature;       /* the canonical signature (or variable type) being built */
    enum sig_class last;        /* the class of its last piece */
    struct lex_token *brackets; /* the unclosed brackets of an initializer */
    size_t bracket_count;
    size_t bracket_capacity;
};

/* Adds an error at `at` in source `source` to report, which owns message
 * from now on (NULL: formatting ran out of memory). Returns GEN_BAD_INPUT,
 * or GEN_NO_MEMORY if it could not be added. */
static enum gen_status report_add(struct parse_report *report, size_t source,
                                  const struct lex_token *at, char *message)
{
    void *items = report->items;
    if (!message ||
        buf_reserve(&items, &report->capacity, report->count + 1, sizeof *report->items) != 0) {
        free(message);
        return GEN_NO_MEMORY;
    }
    report->items = items;
    report->items[report->count++] = (struct parse_diagnostic){
        .source = source,
        .offset = at->offset,
        .line = at->line,
        .column = at->column,
        .message = message,
    };
    return GEN_BAD_INPUT;
}

/* Records an error at token `at` (the first one only) and returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(struct parser *p, const struct lex_token *at, const char *format, ...)
{
    if (p->status != GEN_OK)
        return -1;
    va_list args;
    va_start(args, format);
    p->status = report_add(p->report, p->source, at, buf_vformat(format, args));
    va_end(args);
    return -1;
}

/* Records running out of memory and returns -1. */
static int out_of_memory(struct parser *p)
{
    if (p->status == GEN_OK)
        p->status = GEN_NO_MEMORY;
    return -1;
}

/* A length for "%.*s": clamped, so a huge token cannot overflow an int. */
static int shown(size_t length)
{
    return length > 256 ? 256 : (int)length;
}

static int text_is(const struct parser *p, const struct lex_token *t, const char *text)
{
    size_t length = strlen(text);
    return t->length == length && memcmp(p->text + t->offset, text, length) == 0;
}

static int punct_is(const struct parser *p, const struct lex_token *t, const char *text)
{
    return t->kind == LEX_PUNCT && text_is(p, t, text);
}

static enum word word_of(const struct parser *p, const struct lex_token *t)
{
    if (t->kind != LEX_IDENT)
        return WORD_NONE;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (text_is(p, t, words[i].text))
            return words[i].word;
    }
    return WORD_NONE;
}

/* An identifier that is no keyword we know: a name or a typedef name. */
static int is_plain_name(const struct parser *p, const struct lex_token *t)
{
    return t->kind == LEX_IDENT && word_of(p, t) == WORD_NONE;
}

/* Describes token t for "found ..." into out (of size bytes). */
static const char *describe(const struct parser *p, const struct lex_token *t, char *out,
                            size_t size)
{
    if (t->kind == LEX_EOF)
        return "end of file";
    if (t->kind == LEX_MARKER) {
        snprintf(out, size, "another '%s'", lex_marker_text(t->marker));
        return out;
    }
    if (t->kind == LEX_DIRECTIVE)
        return "a preprocessor directive";
    size_t visible = t->length > 32 ? 32 : t->length, n = 0;
    out[n++] = '\'';
    for (size_t i = 0; i < visible && n + 6 < size; i++) {
        unsigned char c = (unsigned char)p->text[t->offset + i];
        out[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (visible < t->length)
        n += (size_t)snprintf(out + n, size - n, "...");
    snprintf(out + n, size - n, "'");
    return out;
}

/* The error of a LEX_ERROR token. */
static int lex_failure(struct parser *p, const struct lex_token *t)
{
    switch (t->error) {
    case LEX_ERROR_COMMENT:
        return fail(p, t, "expected '*/' to close '/*' at %zu:%zu, found end of file", t->open_line,
                    t->open_column);
    case LEX_ERROR_STRING:
        return fail(p, t, "expected '\"' to close the string literal at %zu:%zu, found end of file",
                    t->open_line, t->open_column);
    case LEX_ERROR_CHAR:
        return fail(p, t,
                    "expected \"'\" to close the character literal at %zu:%zu, found end of file",
                    t->open_line, t->open_column);
    case LEX_ERROR_MARKER_JUNK:
        return fail(p, t, "'%s' must stand alone on its line", lex_marker_text(t->marker));
    case LEX_ERROR_NONE:
        break;
    }
    return fail(p, t, "unreadable input");
}

/* What the marker being read wants after it: "function" or "variable". */
static const char *wanted(const struct parser *p)
{
    return p->marker.marker == LEX_MARKER_PERSIST ? "variable" : "function";
}

/* The error for a marker followed by something else than a definition. */
static int not_a_definition(struct parser *p, const struct lex_token *found)
{
    char text[48];
    return fail(p, found, "expected a %s definition after '%s' at %zu:%zu, found %s", wanted(p),
                lex_marker_text(p->marker.marker), p->marker.line, p->marker.column,
                describe(p, found, text, sizeof text));
}

/* The error for a marker followed by the declaration of `name`, which is
 * no function. */
static int not_a_function(struct parser *p, const struct lex_token *name)
{
    return fail(p, name,
                "expected a function definition after '#[hot]' at %zu:%zu, but '%.*s' is not a "
                "function",
                p->marker.line, p->marker.column, shown(name->length), p->text + name->offset);
}

/* The error for a token out of place: inside a parameter list once the
 * function's name is known, else as not_a_definition. */
static int unexpected(struct parser *p, const struct lex_token *t)
{
    char text[48];
    if (!p->named)
        return not_a_definition(p, t);
    return fail(p, t, "unexpected %s in the declaration of '%.*s'",
                describe(p, t, text, sizeof text), shown(p->name.length), p->text + p->name.offset);
}

/* Appends a piece of text of class c to the signature: one space between
 * pieces, except after '(' '[' '*' and at the start, before ')' ']' ','
 * and '[', and between ')' and '('. */
static int sig_add(struct parser *p, const char *text, size_t length, enum sig_class c)
{
    enum sig_class last = p->last;
    int tight = last == SIG_START || last == SIG_OPEN || last == SIG_STAR || c == SIG_CLOSE ||
                c == SIG_COMMA || (c == SIG_OPEN && (text[0] == '[' || last == SIG_CLOSE));
    if ((!tight && buf_append(&p->signature, " ", 1) != 0) ||
        buf_append(&p->signature, text, length) != 0)
        return out_of_memory(p);
    p->last = c;
    return 0;
}

/* Appends token t to the signature; in_bounds: it is part of an array bound
 * or a typeof group, where '*' is an operator. Refuses what could break the
 * string literal the signature becomes. */
static int sig_token(struct parser *p, const struct lex_token *t, int in_bounds)
{
    const char *text = p->text + t->offset;
    enum sig_class c = SIG_OPERATOR;
    if (t->kind == LEX_IDENT || t->kind == LEX_NUMBER || punct_is(p, t, "..."))
        c = SIG_WORD;
    else if (t->kind != LEX_PUNCT)
        return unexpected(p, t);
    else if (text[0] == '(' || text[0] == '[')
        c = SIG_OPEN;
    else if (text[0] == ')' || text[0] == ']')
        c = SIG_CLOSE;
    else if (text[0] == ',')
        c = SIG_COMMA;
    else if (text[0] == '*' && t->length == 1 && !in_bounds)
        c = SIG_STAR;
    return sig_add(p, text, t->length, c);
}

/* group := '(' ... ')' | '[' ... ']' at index i: appends it verbatim and
 * returns the index after it, or 0 after a failure. */
static size_t sig_group(struct parser *p, size_t i)
{
    size_t end = p->tokens[i].match;
    for (size_t k = i; k <= end; k++) {
        if (sig_token(p, &p->tokens[k].token, 1) != 0)
            return 0;
    }
    return end + 1;
}

/* attribute := keyword '(' ... ')' with the keyword at index i (before
 * end): returns the index after it, or 0 after a failure. */
static size_t skip_attribute(struct parser *p, size_t i, size_t end)
{
    if (i + 1 < end && punct_is(p, &p->tokens[i + 1].token, "("))
        return p->tokens[i + 1].match + 1;
    unexpected(p, &p->tokens[i + 1 < end ? i + 1 : i].token);
    return 0;
}

/* tag := ('struct' | 'union' | 'enum') identifier, the keyword at index i:
 * appends it and returns the index after it, or 0 after a failure. A '{'
 * ending the declaration right after it defines the type: no function. */
static size_t read_tag(struct parser *p, size_t i, size_t end, const struct lex_token *ending)
{
    const struct lex_token *keyword = &p->tokens[i].token;
    const struct lex_token *tag = i + 1 < end ? &p->tokens[i + 1].token : ending;
    size_t after = i + 1 < end && is_plain_name(p, tag) ? i + 2 : i + 1;
    if (after == end && punct_is(p, ending, "{")) {
        fail(p, ending,
             "expected a %s definition after '%s' at %zu:%zu, found the definition of "
             "'%.*s%s%.*s'",
             wanted(p), lex_marker_text(p->marker.marker), p->marker.line, p->marker.column,
             shown(keyword->length), p->text + keyword->offset, after == i + 2 ? " " : "",
             after == i + 2 ? shown(tag->length) : 0, p->text + tag->offset);
        return 0;
    }
    if (after == i + 1) {
        unexpected(p, tag);
        return 0;
    }
    if (sig_token(p, keyword, 0) != 0 || sig_token(p, tag, 0) != 0)
        return 0;
    return after;
}

/* One declaration specifier at index *i (before end). Returns 1 and moves
 * *i past it, 0 when there is none there (the declarator starts), or -1
 * after a failure. *typed: a type was named (the next identifier is a name). */
static int read_specifier(struct parser *p, size_t *i, size_t end, int *typed,
                          const struct lex_token *ending, const struct lex_token **static_at)
{
    size_t at = *i;
    const struct lex_token *t = &p->tokens[at].token;
    enum word word = word_of(p, t);
    int group = at + 1 < end && punct_is(p, &p->tokens[at + 1].token, "(");
    if (t->kind != LEX_IDENT || (word == WORD_NONE && *typed))
        return 0;
    if (word == WORD_STATIC && static_at)
        *static_at = t;
    if (word == WORD_TAG)
        *typed = 1;
    if (word == WORD_DROP || (word == WORD_REGISTER && !static_at) ||
        (word == WORD_STATIC && static_at))
        *i = at + 1;
    else if (word == WORD_ATTRIBUTE)
        *i = skip_attribute(p, at, end);
    else if (word == WORD_TAG)
        *i = read_tag(p, at, end, ending);
    else if (word == WORD_STATIC || word == WORD_REGISTER || word == WORD_REFUSED ||
             (word == WORD_GROUP && !group)) {
        unexpected(p, t);
        *i = 0;
    } else if (sig_token(p, t, 0) != 0)
        *i = 0;
    else if (word == WORD_GROUP || (word == WORD_QUALIFIER && group)) {
        *typed = 1; /* typeof(...), _Atomic(type) */
        *i = sig_group(p, at + 1);
    } else {
        *typed = *typed || word != WORD_QUALIFIER;
        *i = at + 1;
    }
    return *i == 0 ? -1 : 1;
}

/* specifiers := specifier+, from index i (before end). Returns the index
 * after them, or 0 after a failure (or when there are none). static_at is
 * NULL in a parameter, where 'static' is out of place and 'register' is
 * dropped. */
static size_t read_specifiers(struct parser *p, size_t i, size_t end,
                              const struct lex_token *ending, const struct lex_token **static_at)
{
    int typed = 0, found = 1;
    size_t start = i;
    while (i < end && found == 1)
        found = read_specifier(p, &i, end, &typed, ending, static_at);
    if (found < 0)
        return 0;
    if (i == start) {
        unexpected(p, i < end ? &p->tokens[i].token : ending);
        return 0;
    }
    return i;
}

static int read_parameters(struct parser *p, size_t open, unsigned nesting);

/* Is the '(' at index i, in a declarator that starts at index start, a
 * parameter list (else it groups)? After a name, ')' or ']' it is; else it
 * groups if a declarator follows: '*', '(' or a name not yet seen. */
static int is_parameter_list(const struct parser *p, size_t i, size_t start, int named)
{
    if (i > start) {
        const struct lex_token *before = &p->tokens[i - 1].token;
        if (is_plain_name(p, before) || punct_is(p, before, ")") || punct_is(p, before, "]"))
            return 1;
    }
    const struct lex_token *next = &p->tokens[i + 1].token;
    if (punct_is(p, next, "*") || punct_is(p, next, "("))
        return 0;
    return !(is_plain_name(p, next) && !named);
}

/* declarator := ('*' | qualifier | attribute | name | '(' | ')' | group
 *               | parameters)*  over indexes [i, end): appends it without
 * its name (the first plain identifier outside nested parameter lists). */
static int read_declarator(struct parser *p, size_t i, size_t end, unsigned nesting)
{
    size_t start = i;
    int named = 0;
    while (i < end) {
        const struct lex_token *t = &p->tokens[i].token;
        enum word word = word_of(p, t);
        size_t next = i + 1;
        if (punct_is(p, t, "*") || punct_is(p, t, ")") ||
            (t->kind == LEX_IDENT && word == WORD_QUALIFIER))
            next = sig_token(p, t, 0) == 0 ? i + 1 : 0;
        else if (t->kind == LEX_IDENT && word == WORD_ATTRIBUTE)
            next = skip_attribute(p, i, end);
        else if (is_plain_name(p, t) && !named)
            named = 1;
        else if (punct_is(p, t, "["))
            next = sig_group(p, i);
        else if (punct_is(p, t, "(") && !is_parameter_list(p, i, start, named))
            next = sig_token(p, t, 0) == 0 ? i + 1 : 0;
        else if (punct_is(p, t, "("))
            next = read_parameters(p, i, nesting + 1) == 0 ? p->tokens[i].match + 1 : 0;
        else
            return unexpected(p, t);
        if (next == 0)
            return -1;
        i = next;
    }
    return 0;
}

/* parameter := '...' | specifiers declarator, over indexes [start, end). */
static int read_parameter(struct parser *p, size_t start, size_t end, unsigned nesting)
{
    const struct lex_token *first = &p->tokens[start].token;
    if (end - start == 1 && punct_is(p, first, "...")) {
        if (nesting > 0)
            return sig_token(p, first, 0);
        return fail(p, first, "hot function '%.*s' cannot be variadic", shown(p->name.length),
                    p->text + p->name.offset);
    }
    size_t i = read_specifiers(p, start, end, &p->tokens[end].token, NULL);
    if (i == 0)
        return -1;
    return read_declarator(p, i, end, nesting);
}

/* parameters := '(' ')' | '(' parameter (',' parameter)* ')', the '(' at
 * index open: appends them with their names dropped; "()" becomes "(void)"
 * at the top (nesting 0). */
static int read_parameters(struct parser *p, size_t open, unsigned nesting)
{
    size_t close = p->tokens[open].match, start = open + 1;
    if (nesting > PARSE_MAX_NESTING)
        return fail(p, &p->tokens[open].token,
                    "the declaration of '%.*s' nests parameter lists too deeply",
                    shown(p->name.length), p->text + p->name.offset);
    if (sig_add(p, "(", 1, SIG_OPEN) != 0)
        return -1;
    if (start == close)
        return (nesting == 0 && sig_add(p, "void", 4, SIG_WORD) != 0)
                   ? -1
                   : sig_add(p, ")", 1, SIG_CLOSE);
    for (size_t i = start;;) {
        const struct lex_token *t = &p->tokens[i].token;
        if (i < close && !punct_is(p, t, ",")) {
            i = punct_is(p, t, "(") || punct_is(p, t, "[") ? p->tokens[i].match + 1 : i + 1;
            continue;
        }
        if (i == start) {
            char text[48];
            return fail(p, t, "expected a parameter declaration in '%.*s', found %s",
                        shown(p->name.length), p->text + p->name.offset,
                        describe(p, t, text, sizeof text));
        }
        if ((start > open + 1 && sig_add(p, ",", 1, SIG_COMMA) != 0) ||
            read_parameter(p, start, i, nesting) != 0)
            return -1;
        if (i == close)
            return sig_add(p, ")", 1, SIG_CLOSE);
        start = ++i;
    }
}

/* The error for a declarator in parentheses at index open, before any name:
 * a function returning a function pointer, a pointer variable, or junk. */
static int parenthesised(struct parser *p, size_t open)
{
    size_t close = p->tokens[open].match, i = open + 1;
    while (i < close && (punct_is(p, &p->tokens[i].token, "*") ||
                         word_of(p, &p->tokens[i].token) == WORD_QUALIFIER))
        i++;
    if (i == open + 1 || i == close || !is_plain_name(p, &p->tokens[i].token))
        return unexpected(p, &p->tokens[open].token);
    const struct lex_token *name = &p->tokens[i].token;
    if (punct_is(p, &p->tokens[i + 1].token, "("))
        return fail(p, name,
                    "hot function '%.*s' returns a function pointer, which is not supported; "
                    "name its return type with a typedef",
                    shown(name->length), p->text + name->offset);
    return not_a_function(p, name);
}

/* What follows a hot function's parameter list, from index i, up to the
 * token `ending` that ended the declaration: attributes, then its body. */
static int read_definition_end(struct parser *p, size_t i, const struct lex_token *ending)
{
    char text[48];
    while (i < p->count && word_of(p, &p->tokens[i].token) == WORD_ATTRIBUTE) {
        i = skip_attribute(p, i, p->count);
        if (i == 0)
            return -1;
    }
    const struct lex_token *t = i < p->count ? &p->tokens[i].token : ending;
    if (i < p->count && t->kind == LEX_IDENT)
        return fail(p, t,
                    "'%.*s' is a K&R-style definition, which is not supported; declare the "
                    "parameter types inside the parentheses",
                    shown(p->name.length), p->text + p->name.offset);
    if (i < p->count || !punct_is(p, t, "{"))
        return fail(p, t, "expected '{' to begin the body of '%.*s', found %s",
                    shown(p->name.length), p->text + p->name.offset,
                    describe(p, t, text, sizeof text));
    return 0;
}

/* definition := specifiers ('*' qualifier*)* name parameters attribute* '{'
 * over the declaration just read, ended by `ending`: sets p->name and leaves
 * the signature in p->signature. */
static int read_definition(struct parser *p, const struct lex_token *ending)
{
    const struct lex_token *static_at = NULL;
    if (p->count == 0)
        return not_a_definition(p, ending);
    size_t i = read_specifiers(p, 0, p->count, ending, &static_at);
    if (i == 0)
        return -1;
    for (; i < p->count; i++) {
        const struct lex_token *t = &p->tokens[i].token;
        if (!punct_is(p, t, "*") && word_of(p, t) != WORD_QUALIFIER)
            break;
        if (sig_token(p, t, 0) != 0)
            return -1;
    }
    if (i == p->count)
        return not_a_definition(p, ending);
    const struct lex_token *name = &p->tokens[i].token;
    if (punct_is(p, name, "("))
        return parenthesised(p, i);
    if (!is_plain_name(p, name))
        return not_a_definition(p, name);
    if (i + 1 == p->count || !punct_is(p, &p->tokens[i + 1].token, "("))
        return not_a_function(p, name);
    p->name = *name;
    p->named = 1;
    if (static_at)
        return fail(p, static_at, "hot function '%.*s' must have external linkage; remove 'static'",
                    shown(name->length), p->text + name->offset);
    if (text_is(p, name, "main"))
        return fail(p, name, "'main' cannot be hot: the program starts in its static core");
    p->last = SIG_START;
    if (read_parameters(p, i + 1, 0) != 0)
        return -1;
    return read_definition_end(p, p->tokens[i + 1].match + 1, ending);
}

/* The error for token t reached while the bracket `open` is unclosed. */
static int unclosed_at(struct parser *p, const struct lex_token *open, const struct lex_token *t)
{
    char text[48];
    char opener = p->text[open->offset];
    char closer = opener == '(' ? ')' : opener == '[' ? ']' : '}';
    return fail(p, t, "expected '%c' to close '%c' at %zu:%zu, found %s", closer, opener,
                open->line, open->column, describe(p, t, text, sizeof text));
}

/* The error for token t reached while brackets of the declaration are open. */
static int unclosed(struct parser *p, const struct lex_token *t)
{
    return unclosed_at(p, &p->tokens[p->open[p->depth - 1]].token, t);
}

/* Appends token t to the declaration, matching brackets. */
static int push_token(struct parser *p, const struct lex_token *t)
{
    void *tokens = p->tokens, *open = p->open;
    if (buf_reserve(&tokens, &p->capacity, p->count + 1, sizeof *p->tokens) != 0)
        return out_of_memory(p);
    p->tokens = tokens;
    if (buf_reserve(&open, &p->open_capacity, p->depth + 1, sizeof *p->open) != 0)
        return out_of_memory(p);
    p->open = open;
    size_t index = p->count++;
    p->tokens[index].token = *t;
    p->tokens[index].match = index;
    if (punct_is(p, t, "(") || punct_is(p, t, "["))
        p->open[p->depth++] = index;
    else if (punct_is(p, t, ")") || punct_is(p, t, "]"))
        p->tokens[p->open[--p->depth]].match = index;
    return 0;
}

/* Reads the tokens after a marker into p->tokens, brackets matched, up to
 * the one that ends the declaration (into *ending): '{', ';' or '}' outside
 * brackets, the end of the file, a directive or another marker; for a
 * variable (`variable` set) also '=' or ','. */
static int read_declaration(struct parser *p, struct lex_token *ending, int variable)
{
    p->count = 0;
    p->depth = 0;
    for (;;) {
        struct lex_token t;
        lex_next(&p->lex, &t);
        if (t.kind == LEX_ERROR)
            return lex_failure(p, &t);
        int ends = t.kind == LEX_EOF || t.kind == LEX_MARKER || t.kind == LEX_DIRECTIVE ||
                   punct_is(p, &t, "{") || punct_is(p, &t, ";") || punct_is(p, &t, "}");
        int splits = variable && (punct_is(p, &t, "=") || punct_is(p, &t, ","));
        int closes = punct_is(p, &t, ")") || punct_is(p, &t, "]");
        if ((ends || splits) && p->depth == 0) {
            *ending = t;
            return 0;
        }
        if (closes && p->depth == 0)
            return not_a_definition(p, &t);
        char opener = p->depth > 0 ? p->text[p->tokens[p->open[p->depth - 1]].token.offset] : 0;
        if (ends || (closes && opener != (p->text[t.offset] == ')' ? '(' : '[')))
            return unclosed(p, &t);
        if (push_token(p, &t) != 0)
            return -1;
    }
}

/* body := '{' ... '}' with braces balanced, the '{' being `open`. */
static int skip_body(struct parser *p, const struct lex_token *open)
{
    size_t depth = 1;
    for (;;) {
        struct lex_token t;
        char text[48];
        lex_next(&p->lex, &t);
        if (t.kind == LEX_ERROR)
            return lex_failure(p, &t);
        if (t.kind == LEX_EOF || t.kind == LEX_MARKER)
            return fail(p, &t, "expected '}' to close '{' at %zu:%zu, found %s", open->line,
                        open->column, describe(p, &t, text, sizeof text));
        if (punct_is(p, &t, "{"))
            depth++;
        else if (punct_is(p, &t, "}") && --depth == 0)
            return 0;
    }
}

/* Adds the marker's line, without its line break, to the spans to blank. */
static int add_marker(struct parser *p, const struct lex_token *marker)
{
    size_t start = marker->offset - (marker->column - 1), end = marker->offset + marker->length;
    while (end < p->size && p->text[end] != '\n')
        end++;
    if (end < p->size && p->text[end - 1] == '\r')
        end--;
    struct parse_source *out = p->out;
    void *markers = out->markers;
    if (buf_reserve(&markers, &out->marker_capacity, out->marker_count + 1, sizeof *out->markers))
        return out_of_memory(p);
    out->markers = markers;
    out->markers[out->marker_count++] = (struct parse_span){start, end - start};
    return 0;
}

/* Adds the function just read to the records. */
static int add_function(struct parser *p)
{
    struct parse_source *out = p->out;
    void *functions = out->functions;
    if (buf_reserve(&functions, &out->function_capacity, out->function_count + 1,
                    sizeof *out->functions) != 0)
        return out_of_memory(p);
    out->functions = functions;
    struct parse_function f = {0};
    f.name = malloc(p->name.length + 1);
    f.signature = malloc(p->signature.size + 1);
    if (!f.name || !f.signature) {
        free(f.name);
        free(f.signature);
        return out_of_memory(p);
    }
    memcpy(f.name, p->text + p->name.offset, p->name.length);
    f.name[p->name.length] = '\0';
    memcpy(f.signature, p->signature.data, p->signature.size + 1);
    f.source = p->source;
    f.offset = p->name.offset;
    f.line = p->name.line;
    f.column = p->name.column;
    out->functions[out->function_count++] = f;
    return 0;
}

/* hot := marker definition body: reads what follows the marker. */
static int read_hot(struct parser *p, const struct lex_token *marker)
{
    struct lex_token ending;
    p->marker = *marker;
    p->named = 0;
    p->signature.size = 0;
    p->last = SIG_START;
    if (add_marker(p, marker) != 0 || read_declaration(p, &ending, 0) != 0)
        return -1;
    if (read_definition(p, &ending) != 0 || skip_body(p, &ending) != 0)
        return -1;
    return add_function(p);
}

/* Is t the keyword 'const'? */
static int is_const(const struct parser *p, const struct lex_token *t)
{
    return t->kind == LEX_IDENT && (text_is(p, t, "const") || text_is(p, t, "__const"));
}

/* The storage a '#[persist]' variable cannot have, refused before its
 * declaration is read as a type; sets *extern_at to its 'extern', if any. */
static int refuse_storage(struct parser *p, const struct lex_token **extern_at)
{
    for (size_t i = 0; i < p->count; i++) {
        const struct lex_token *t = &p->tokens[i].token;
        if (t->kind != LEX_IDENT)
            continue;
        if (text_is(p, t, "_Thread_local") || text_is(p, t, "thread_local") ||
            text_is(p, t, "__thread"))
            return fail(p, t,
                        "a '#[persist]' variable cannot be thread-local: a reload carries one "
                        "value, not one per thread");
        if (text_is(p, t, "constexpr"))
            return fail(p, t,
                        "a '#[persist]' variable cannot be constexpr: its value is copied in on "
                        "each reload");
        if (text_is(p, t, "extern") && !*extern_at)
            *extern_at = t;
    }
    return 0;
}

/* The index of the variable's name in the declarator at [start, count): the
 * first plain identifier, looked for through '*', qualifiers, attributes and
 * grouping parentheses; count if there is none. */
static size_t find_name(const struct parser *p, size_t start)
{
    for (size_t i = start; i < p->count; i++) {
        const struct lex_token *t = &p->tokens[i].token;
        if (is_plain_name(p, t))
            return i;
        if (word_of(p, t) == WORD_ATTRIBUTE && i + 1 < p->count &&
            punct_is(p, &p->tokens[i + 1].token, "("))
            i = p->tokens[i + 1].match;
        else if (punct_is(p, t, "(") && is_parameter_list(p, i, start, 0))
            break;
        else if (!punct_is(p, t, "(") && !punct_is(p, t, "*") && word_of(p, t) != WORD_QUALIFIER)
            break;
    }
    return p->count;
}

/* What a declarator makes of the name it declares, at its top. */
enum object {
    OBJECT_BASE,     /* the specifiers' type, or an array of it */
    OBJECT_POINTER,  /* a pointer, or an array of them */
    OBJECT_FUNCTION, /* a function */
};

/* Reads outward from the name at index at (the declarator starts at index
 * start), as C binds it: array suffixes, then a parameter list (a function),
 * then qualifiers and '*' to the left, then out of a grouping '('. Sets
 * *const_at to a 'const' that qualifies the object itself (or its elements). */
static enum object object_of(const struct parser *p, size_t at, size_t start,
                             const struct lex_token **const_at)
{
    size_t left = at, right = at + 1; /* tokens [left, right) are read */
    for (;;) {
        while (right < p->count && punct_is(p, &p->tokens[right].token, "["))
            right = p->tokens[right].match + 1;
        if (right < p->count && punct_is(p, &p->tokens[right].token, "("))
            return OBJECT_FUNCTION;
        for (; left > start && word_of(p, &p->tokens[left - 1].token) == WORD_QUALIFIER; left--) {
            if (is_const(p, &p->tokens[left - 1].token))
                *const_at = &p->tokens[left - 1].token;
        }
        if (left == start)
            return OBJECT_BASE;
        if (!punct_is(p, &p->tokens[left - 1].token, "("))
            return OBJECT_POINTER;
        right = p->tokens[left - 1].match + 1;
        left--;
    }
}

/* A 'const' among the specifiers [0, end), attributes skipped, or NULL. */
static const struct lex_token *const_specifier(const struct parser *p, size_t end)
{
    for (size_t i = 0; i < end; i++) {
        const struct lex_token *t = &p->tokens[i].token;
        if (is_const(p, t))
            return t;
        if (word_of(p, t) == WORD_ATTRIBUTE && i + 1 < end &&
            punct_is(p, &p->tokens[i + 1].token, "("))
            i = p->tokens[i + 1].match;
    }
    return NULL;
}

/* The error for the one '#[persist]' variable's definition going on. */
static int one_variable(struct parser *p, const struct lex_token *comma)
{
    return fail(
        p, comma,
        "a '#[persist]' definition must declare one variable; declare the ones after '%.*s' "
        "separately",
        shown(p->name.length), p->text + p->name.offset);
}

/* The error for the definition of the variable not ending where it must. */
static int no_semicolon(struct parser *p, const struct lex_token *found)
{
    char text[48];
    return fail(p, found, "expected ';' to end the definition of '%.*s', found %s",
                shown(p->name.length), p->text + p->name.offset,
                describe(p, found, text, sizeof text));
}

/* An identifier after the declarator's name, outside brackets and
 * attributes, or NULL: where the definition's ';' is missing. */
static const struct lex_token *word_after(const struct parser *p, size_t at)
{
    for (size_t i = at + 1; i < p->count; i++) {
        const struct lex_token *t = &p->tokens[i].token;
        if (word_of(p, t) == WORD_ATTRIBUTE && i + 1 < p->count &&
            punct_is(p, &p->tokens[i + 1].token, "("))
            i = p->tokens[i + 1].match;
        else if (punct_is(p, t, "(") || punct_is(p, t, "["))
            i = p->tokens[i].match;
        else if (t->kind == LEX_IDENT)
            return t;
    }
    return NULL;
}

/* variable := specifiers declarator, over the declaration just read (ended
 * by `ending`, '=' for an initializer): one writable object, not a function.
 * Sets p->name and leaves the canonical type in p->signature. */
static int read_variable(struct parser *p, const struct lex_token *ending)
{
    const struct lex_token *static_at = NULL, *extern_at = NULL, *const_at = NULL;
    if (p->count == 0)
        return not_a_definition(p, ending);
    if (refuse_storage(p, &extern_at) != 0)
        return -1;
    size_t start = read_specifiers(p, 0, p->count, ending, &static_at);
    if (start == 0)
        return -1;
    size_t at = find_name(p, start);
    if (at == p->count)
        return not_a_definition(p, start < p->count ? &p->tokens[start].token : ending);
    const struct lex_token *name = &p->tokens[at].token;
    p->name = *name;
    p->named = 1;
    enum object object = object_of(p, at, start, &const_at);
    if (object == OBJECT_FUNCTION)
        return fail(p, name,
                    "expected a variable definition after '#[persist]' at %zu:%zu, but '%.*s' is "
                    "a function",
                    p->marker.line, p->marker.column, shown(name->length), p->text + name->offset);
    if (object == OBJECT_BASE && !const_at)
        const_at = const_specifier(p, start);
    if (const_at)
        return fail(p, const_at,
                    "a '#[persist]' variable cannot be const: its value is copied in on each "
                    "reload");
    const struct lex_token *after = word_after(p, at);
    if (after)
        return no_semicolon(p, after);
    if (extern_at && !punct_is(p, ending, "="))
        return fail(p, extern_at,
                    "'%.*s' is declared 'extern' without an initializer, so it is not defined "
                    "here; a '#[persist]' variable must be defined in its hot source",
                    shown(name->length), p->text + name->offset);
    return read_declarator(p, start, p->count, 0);
}

/* Is t a keyword that no initializer holds outside brackets, so that a
 * declaration starts there and the ';' before it is missing? */
static int starts_declaration(const struct parser *p, const struct lex_token *t)
{
    return word_of(p, t) != WORD_NONE && !text_is(p, t, "__extension__");
}

/* initializer := tokens up to the ';' outside brackets, which are matched
 * (on p->brackets) but not parsed; directives inside are skipped, so an
 * '#include' may supply the values. A ',' outside brackets starts another
 * declarator. */
static int skip_initializer(struct parser *p)
{
    p->bracket_count = 0;
    for (;;) {
        struct lex_token t;
        lex_next(&p->lex, &t);
        const char *c = p->text + t.offset;
        int opens = t.kind == LEX_PUNCT && t.length == 1 && (*c == '(' || *c == '[' || *c == '{');
        int closes = t.kind == LEX_PUNCT && t.length == 1 && (*c == ')' || *c == ']' || *c == '}');
        if (t.kind == LEX_ERROR)
            return lex_failure(p, &t);
        if (t.kind == LEX_DIRECTIVE)
            continue;
        if (p->bracket_count > 0 && (t.kind == LEX_EOF || t.kind == LEX_MARKER))
            return unclosed_at(p, &p->brackets[p->bracket_count - 1], &t);
        if (p->bracket_count > 0 && closes) {
            const struct lex_token *open = &p->brackets[--p->bracket_count];
            char opener = p->text[open->offset];
            if ((opener == '(') != (*c == ')') || (opener == '[') != (*c == ']'))
                return unclosed_at(p, open, &t);
            continue;
        }
        if (opens) {
            void *brackets = p->brackets;
            if (buf_reserve(&brackets, &p->bracket_capacity, p->bracket_count + 1,
                            sizeof *p->brackets) != 0)
                return out_of_memory(p);
            p->brackets = brackets;
            p->brackets[p->bracket_count++] = t;
            continue;
        }
        if (p->bracket_count > 0)
            continue;
        if (punct_is(p, &t, ";"))
            return 0;
        if (punct_is(p, &t, ","))
            return one_variable(p, &t);
        if (t.kind == LEX_EOF || t.kind == LEX_MARKER || closes || starts_declaration(p, &t))
            return no_semicolon(p, &t);
    }
}

/* Adds the variable just read to the records. */
static int add_variable(struct parser *p)
{
    struct parse_source *out = p->out;
    void *variables = out->variables;
    if (buf_reserve(&variables, &out->variable_capacity, out->variable_count + 1,
                    sizeof *out->variables) != 0)
        return out_of_memory(p);
    out->variables = variables;
    struct parse_variable v = {0};
    v.name = malloc(p->name.length + 1);
    v.type = malloc(p->signature.size + 1);
    if (!v.name || !v.type) {
        free(v.name);
        free(v.type);
        return out_of_memory(p);
    }
    memcpy(v.name, p->text + p->name.offset, p->name.length);
    v.name[p->name.length] = '\0';
    memcpy(v.type, p->signature.data, p->signature.size + 1);
    v.source = p->source;
    v.offset = p->name.offset;
    v.line = p->name.line;
    v.column = p->name.column;
    out->variables[out->variable_count++] = v;
    return 0;
}

/* persist := marker variable ('=' initializer)? ';': reads what follows
 * the marker. */
static int read_persist(struct parser *p, const struct lex_token *marker)
{
    struct lex_token ending;
    p->marker = *marker;
    p->named = 0;
    p->signature.size = 0;
    p->last = SIG_START;
    if (add_marker(p, marker) != 0 || read_declaration(p, &ending, 1) != 0)
        return -1;
    if (read_variable(p, &ending) != 0)
        return -1;
    if (punct_is(p, &ending, ",") && one_variable(p, &ending) != 0)
        return -1;
    if (punct_is(p, &ending, "=") && skip_initializer(p) != 0)
        return -1;
    if (!punct_is(p, &ending, "=") && !punct_is(p, &ending, ";"))
        return no_semicolon(p, &ending);
    return add_variable(p);
}

/* marker := hot | persist, the marker being `marker`; inside: the
 * outermost '{' still open around it, or NULL at file scope. */
static int read_marker(struct parser *p, const struct lex_token *marker,
                       const struct lex_token *inside)
{
    if (marker->marker != LEX_MARKER_PERSIST)
        return read_hot(p, marker);
    if (inside)
        return fail(p, marker,
                    "'#[persist]' must be at file scope, but it is inside the '{' at %zu:%zu",
                    inside->line, inside->column);
    return read_persist(p, marker);
}

enum gen_status parse_source(const char *text, size_t size, size_t source, struct parse_source *out,
                             struct parse_report *report)
{
    struct parser p = {0};
    p.text = text;
    p.size = size;
    p.source = source;
    p.out = out;
    p.report = report;
    p.status = GEN_OK;
    lex_init(&p.lex, text, size);
    size_t depth = 0;             /* braces open outside definitions read after markers */
    struct lex_token outer = {0}; /* the outermost of them */
    for (;;) {
        struct lex_token t;
        lex_next(&p.lex, &t);
        if (t.kind == LEX_EOF)
            break;
        if (punct_is(&p, &t, "{") && depth++ == 0)
            outer = t;
        else if (punct_is(&p, &t, "}") && depth > 0)
            depth--;
        if ((t.kind == LEX_ERROR && lex_failure(&p, &t) != 0) ||
            (t.kind == LEX_MARKER && read_marker(&p, &t, depth > 0 ? &outer : NULL) != 0))
            break;
    }
    /* Every path that gives up has said why. */
    assert(p.status != GEN_OK || p.lex.pos >= size);
    free(p.tokens);
    free(p.open);
    free(p.brackets);
    buf_free(&p.signature);
    return p.status;
}

/* Where a record is defined: what sorting and duplicate checks need. */
struct site {
    const char *name;
    size_t source;
    size_t offset;
    size_t line;
    size_t column;
};

static struct site function_site(const struct parse_function *f)
{
    return (struct site){f->name, f->source, f->offset, f->line, f->column};
}

static struct site variable_site(const struct parse_variable *v)
{
    return (struct site){v->name, v->source, v->offset, v->line, v->column};
}

/* Orders by name, then by where the record is defined. */
static int compare_sites(struct site f, struct site g)
{
    int by_name = strcmp(f.name, g.name);
    if (by_name != 0)
        return by_name;
    if (f.source != g.source)
        return f.source < g.source ? -1 : 1;
    return f.offset < g.offset ? -1 : f.offset > g.offset;
}

static int compare_functions(const void *a, const void *b)
{
    return compare_sites(function_site(*(const struct parse_function *const *)a),
                         function_site(*(const struct parse_function *const *)b));
}

static int compare_variables(const void *a, const void *b)
{
    return compare_sites(variable_site(*(const struct parse_variable *const *)a),
                         variable_site(*(const struct parse_variable *const *)b));
}

/* Adds the error of `later`, whose name was first marked with `marker` at
 * `first` (another name's record: no error). Returns GEN_OK, GEN_BAD_INPUT
 * or GEN_NO_MEMORY. */
static enum gen_status check_twice(struct parse_report *report, const char *const *paths,
                                   struct site first, struct site later, const char *marker)
{
    if (strcmp(first.name, later.name) != 0)
        return GEN_OK;
    struct lex_token at = {.offset = later.offset, .line = later.line, .column = later.column};
    char *message = buf_format("'%s' is marked '%s' more than once; first marked at %s:%zu",
                               later.name, marker, paths[first.source], first.line);
    return report_add(report, later.source, &at, message);
}

/* Adds the error of a variable named like a hot function. */
static enum gen_status check_clash(struct parse_report *report, const char *const *paths,
                                   const struct parse_function *f, const struct parse_variable *v)
{
    struct lex_token at = {.offset = v->offset, .line = v->line, .column = v->column};
    char *message = buf_format(
        "'%s' is marked '#[persist]' but is also the name of a '#[hot]' function at %s:%zu",
        v->name, paths[f->source], f->line);
    return report_add(report, v->source, &at, message);
}

/* Collects the records of sources[0..count) into program, sorted. */
static enum gen_status gather(const struct parse_source *sources, size_t count,
                              struct parse_program *program)
{
    size_t functions = 0, variables = 0, capacity = 0, variable_capacity = 0;
    for (size_t s = 0; s < count; s++) {
        functions += sources[s].function_count;
        variables += sources[s].variable_count;
    }
    void *f = NULL, *v = NULL;
    if (buf_reserve(&f, &capacity, functions, sizeof *program->functions) != 0)
        return GEN_NO_MEMORY;
    program->functions = f;
    if (buf_reserve(&v, &variable_capacity, variables, sizeof *program->variables) != 0)
        return GEN_NO_MEMORY;
    program->variables = v;
    for (size_t s = 0; s < count; s++) {
        for (size_t i = 0; i < sources[s].function_count; i++)
            program->functions[program->count++] = &sources[s].functions[i];
        for (size_t i = 0; i < sources[s].variable_count; i++)
            program->variables[program->variable_count++] = &sources[s].variables[i];
    }
    if (functions > 1)
        qsort(program->functions, functions, sizeof *program->functions, compare_functions);
    if (variables > 1)
        qsort(program->variables, variables, sizeof *program->variables, compare_variables);
    return GEN_OK;
}

/* Folds the outcome of one check into *status (GEN_NO_MEMORY wins over
 * GEN_BAD_INPUT, which wins over GEN_OK) and returns it. */
static enum gen_status fold(enum gen_status *status, enum gen_status found)
{
    if (found == GEN_NO_MEMORY || *status == GEN_OK)
        *status = found;
    return found;
}

enum gen_status parse_link(const struct parse_source *sources, const char *const *paths,
                           size_t count, struct parse_program *program, struct parse_report *report)
{
    enum gen_status status = gather(sources, count, program);
    const struct parse_function *const *functions = program->functions;
    const struct parse_variable *const *variables = program->variables;
    for (size_t i = 1, first = 0; i < program->count && status != GEN_NO_MEMORY; i++) {
        if (fold(&status, check_twice(report, paths, function_site(functions[first]),
                                      function_site(functions[i]), "#[hot]")) == GEN_OK)
            first = i;
    }
    for (size_t i = 1, first = 0; i < program->variable_count && status != GEN_NO_MEMORY; i++) {
        if (fold(&status, check_twice(report, paths, variable_site(variables[first]),
                                      variable_site(variables[i]), "#[persist]")) == GEN_OK)
            first = i;
    }
    /* Both lists are sorted by name: one merge finds the names they share
     * (once per name: a variable marked twice has its error already). */
    for (size_t i = 0, k = 0;
         i < program->count && k < program->variable_count && status != GEN_NO_MEMORY;) {
        int order = strcmp(functions[i]->name, variables[k]->name);
        if (order == 0 && (k == 0 || strcmp(variables[k - 1]->name, variables[k]->name) != 0))
            fold(&status, check_clash(report, paths, functions[i], variables[k]));
        if (order < 0)
            i++;
        else
            k++;
    }
    return status;
}

static int compare_diagnostics(const void *a, const void *b)
{
    const struct parse_diagnostic *d = a, *e = b;
    if (d->source != e->source)
        return d->source < e->source ? -1 : 1;
    return d->offset < e->offset ? -1 : d->offset > e->offset;
}

void parse_report_sort(struct parse_report *report)
{
    if (report->count > 1)
        qsort(report->items, report->count, sizeof *report->items, compare_diagnostics);
}

void parse_source_free(struct parse_source *source)
{
    for (size_t i = 0; i < source->function_count; i++) {
        free(source->functions[i].name);
        free(source->functions[i].signature);
    }
    for (size_t i = 0; i < source->variable_count; i++) {
        free(source->variables[i].name);
        free(source->variables[i].type);
    }
    free(source->functions);
    free(source->variables);
    free(source->markers);
    memset(source, 0, sizeof *source);
}

void parse_report_free(struct parse_report *report)
{
    for (size_t i = 0; i < report->count; i++)
        free(report->items[i].message);
    free(report->items);
    memset(report, 0, sizeof *report);
}

void parse_program_free(struct parse_program *program)
{
    free(program->functions);
    free(program->variables);
    memset(program, 0, sizeof *program);
}
