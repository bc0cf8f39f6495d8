/* generator/parse.c
 * The parser: the tokens of hot sources -> plain records of hot functions
 * and #[persist] variables, and the names of the unmarked functions.
 * Invariant: each source is read once, token by token; a declaration's
 * tokens are visited a bounded number of times (brackets are matched while
 * they are read), so any input takes linear time, and nesting is bounded. A signature is the
 * function's type as C's compatibility rules see it, spelled one way (see print_type). */
#include "parse.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "grow.h"
#include "lex.h"

/* Parentheses (groups and parameter lists) nested deeper than this in a
 * declaration are refused, not recursed into. */
#define PARSE_MAX_NESTING 64

/* An index that points at no token: a name or '_Atomic (' that is not
 * there, or what a reader that returns an index returns after a failure
 * (it has reported it). The one sentinel of the parser's indexes. */
#define NO_INDEX SIZE_MAX

/* A declaration token; match is the index of the closing bracket of a '('
 * or '[' (brackets are always balanced in a declaration that was read). */
struct decl_token {
    struct lex_token token;
    size_t match;
    int word; /* its keyword's index in words[], looked up once when it was read, or -1 */
};

/* What the next piece of a signature is, for the spacing rules. */
enum sig_class {
    SIG_START,    /* nothing yet: no space */
    SIG_WORD,     /* identifiers, keywords, numbers, '...' */
    SIG_STAR,     /* '*' in a declarator: a space before it, none after it */
    SIG_GROUP,    /* '(' that groups (or opens typeof's operand): a space before it */
    SIG_LIST,     /* '(' of a parameter list, '[': no space before or after it */
    SIG_CLOSE,    /* ')' ']': none before it */
    SIG_COMMA,    /* none before it */
    SIG_OPERATOR, /* other punctuators, in array bounds */
};

/* How a keyword (or other identifier) takes part in a declaration. */
enum word {
    WORD_NONE,      /* an identifier: a typedef name or a declarator's name */
    WORD_STATIC,    /* internal linkage: refused for hot functions */
    WORD_DROP,      /* extern, inline, _Noreturn...: no part of the type */
    WORD_REGISTER,  /* dropped in parameters, refused elsewhere */
    WORD_REFUSED,   /* typedef, auto...: no definition we can forward has it */
    WORD_ASM,       /* an asm label: it renames the symbol that the stub must be */
    WORD_ATTRIBUTE, /* followed by a parenthesised group that is skipped */
    WORD_QUALIFIER, /* const, volatile, restrict, _Atomic: see enum qual */
    WORD_TYPE,      /* a type specifier keyword */
    WORD_TAG,       /* struct, union, enum: followed by a tag */
    WORD_GROUP,     /* typeof and friends: followed by a group kept verbatim */
};

/* Type qualifiers as a set; a signature spells them in this order. */
enum qual {
    QUAL_CONST = 1,
    QUAL_VOLATILE = 2,
    QUAL_RESTRICT = 4,
    QUAL_ATOMIC = 8, /* never dropped: an _Atomic type may differ in size and alignment */
};

static const char *const qual_names[] = {"const", "volatile", "restrict", "_Atomic"};

/* The keywords, sorted by text (strcmp): word_index searches them. */
static const struct {
    const char *text;
    enum word word;
    unsigned qual; /* WORD_QUALIFIER only */
} words[] = {
    {"_Alignas", WORD_ATTRIBUTE, 0},
    {"_Atomic", WORD_QUALIFIER, QUAL_ATOMIC}, /* '_Atomic (' is a type specifier instead */
    {"_BitInt", WORD_GROUP, 0},
    {"_Bool", WORD_TYPE, 0},
    {"_Complex", WORD_TYPE, 0},
    {"_Decimal128", WORD_TYPE, 0},
    {"_Decimal32", WORD_TYPE, 0},
    {"_Decimal64", WORD_TYPE, 0},
    {"_Float128", WORD_TYPE, 0},
    {"_Float16", WORD_TYPE, 0},
    {"_Float32", WORD_TYPE, 0},
    {"_Float32x", WORD_TYPE, 0},
    {"_Float64", WORD_TYPE, 0},
    {"_Float64x", WORD_TYPE, 0},
    {"_Imaginary", WORD_TYPE, 0},
    {"_Noreturn", WORD_DROP, 0},
    {"_Thread_local", WORD_REFUSED, 0},
    {"__asm", WORD_ASM, 0},
    {"__asm__", WORD_ASM, 0},
    {"__attribute", WORD_ATTRIBUTE, 0},
    {"__attribute__", WORD_ATTRIBUTE, 0},
    {"__auto_type", WORD_REFUSED, 0},
    {"__const", WORD_QUALIFIER, QUAL_CONST},
    {"__declspec", WORD_ATTRIBUTE, 0},
    {"__extension__", WORD_DROP, 0},
    {"__float128", WORD_TYPE, 0},
    {"__inline", WORD_DROP, 0},
    {"__inline__", WORD_DROP, 0},
    {"__int128", WORD_TYPE, 0},
    {"__restrict", WORD_QUALIFIER, QUAL_RESTRICT},
    {"__restrict__", WORD_QUALIFIER, QUAL_RESTRICT},
    {"__signed", WORD_TYPE, 0},
    {"__signed__", WORD_TYPE, 0},
    {"__thread", WORD_REFUSED, 0},
    {"__typeof", WORD_GROUP, 0},
    {"__typeof__", WORD_GROUP, 0},
    {"__volatile", WORD_QUALIFIER, QUAL_VOLATILE},
    {"__volatile__", WORD_QUALIFIER, QUAL_VOLATILE},
    {"alignas", WORD_ATTRIBUTE, 0},
    {"asm", WORD_ASM, 0},
    {"auto", WORD_REFUSED, 0},
    {"bool", WORD_TYPE, 0},
    {"char", WORD_TYPE, 0},
    {"const", WORD_QUALIFIER, QUAL_CONST},
    {"constexpr", WORD_REFUSED, 0},
    {"double", WORD_TYPE, 0},
    {"enum", WORD_TAG, 0},
    {"extern", WORD_DROP, 0},
    {"float", WORD_TYPE, 0},
    {"inline", WORD_DROP, 0},
    {"int", WORD_TYPE, 0},
    {"long", WORD_TYPE, 0},
    {"noreturn", WORD_DROP, 0}, /* <stdnoreturn.h> */
    {"register", WORD_REGISTER, 0},
    {"restrict", WORD_QUALIFIER, QUAL_RESTRICT},
    {"short", WORD_TYPE, 0},
    {"signed", WORD_TYPE, 0},
    {"static", WORD_STATIC, 0},
    {"struct", WORD_TAG, 0},
    {"thread_local", WORD_REFUSED, 0},
    {"typedef", WORD_REFUSED, 0},
    {"typeof", WORD_GROUP, 0},
    {"typeof_unqual", WORD_GROUP, 0},
    {"union", WORD_TAG, 0},
    {"unsigned", WORD_TYPE, 0},
    {"void", WORD_TYPE, 0},
    {"volatile", WORD_QUALIFIER, QUAL_VOLATILE},
};

/* One step of a declarator, from the declared name outward: `*a[3]`
 * declares an array (the first step) of pointers (the second). */
struct derivation {
    enum {
        DERIVE_POINTER,
        DERIVE_ARRAY,
        DERIVE_FUNCTION,
    } kind;
    unsigned quals;                   /* POINTER: its qualifiers (enum qual) */
    const struct lex_token *const_at; /* POINTER: its 'const', if any, for messages */
    size_t open; /* ARRAY, FUNCTION: the index of its '[' or '('; POINTER: of its '*' */
    size_t lead; /* POINTER: its words (is_word) are at [lead, open) and (open, end): */
    size_t end;  /* before a declarator's first '*' and after each; none when lead == end */
};

/* Where a type is read. */
enum context {
    CONTEXT_DEFINITION, /* after a marker: storage classes are allowed, 'static' noted */
    CONTEXT_PARAMETER,  /* in a parameter list: 'register' is dropped, the name optional */
    CONTEXT_TYPE_NAME,  /* inside '_Atomic (...)': no storage class, no name */
};

/* A type as declaration specifiers and a declarator spell it. */
struct type {
    size_t specifiers;       /* the index of the first specifier */
    size_t declarator;       /* the index after the specifiers */
    size_t atomic;           /* the '(' of an '_Atomic (type-name)' among them, or NO_INDEX */
    size_t inner, inner_end; /* atomic: that type name's specifiers */
    unsigned quals;          /* the qualifiers of the specifiers' type */
    const struct lex_token *const_at;  /* its 'const', if any, for messages */
    const struct lex_token *static_at; /* CONTEXT_DEFINITION: a 'static', if any */
    size_t chain, chain_end;           /* its derivations: p->chain[chain, chain_end) */
    size_t name;                       /* the index of the declared name, or NO_INDEX */
    size_t end;                        /* the index where the declarator stopped */
};

/* How a type is adjusted before it is spelled (C17 6.7.6.3). */
enum adjust {
    ADJUST_PARAMETER, /* an array or function becomes a pointer; top qualifiers go */
    ADJUST_FUNCTION,  /* the function being defined: its return type's top qualifiers go */
};

struct parser {
    const char *text;
    size_t size;
    size_t source;
    struct lex lex;
    struct parse_source *out;
    struct parse_report *report;
    enum gen_status status;    /* GEN_OK, GEN_BAD_INPUT after an error, GEN_NO_MEMORY */
    size_t errors;             /* errors added for this source, at most PARSE_MAX_ERRORS + 1 */
    int failed;                /* an error was added for what is being read: it adds no more */
    int quiet;                 /* reading what no marker asked for: failures add no error */
    int stopped;               /* PARSE_MAX_ERRORS were added: the rest of the source is not read */
    struct lex_token resume;   /* a marker to read next instead of lexing, or LEX_EOF for none */
    struct lex_token marker;   /* the marker whose function or variable is being read */
    struct lex_token name;     /* that function's or variable's name, once known */
    struct parse_span storage; /* that variable's 'static', once known; length 0: none */
    size_t end;                /* just past the ';' ending that variable's definition */
    size_t uses_first;         /* out->uses[uses_first..]: its name in its own initializer */
    struct buf name_text;      /* name's spelling, NUL-terminated */
    struct decl_token *tokens; /* the declaration being read (or collected, see collect) */
    size_t count;
    size_t capacity;
    size_t *open; /* indexes of its unclosed brackets */
    size_t depth;
    size_t open_capacity;
    struct derivation *chain; /* the derivations of the types being read, a stack */
    size_t chain_count;
    size_t chain_capacity;
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
    if (!message || hot__grow(&report->items, &report->capacity, report->count + 1,
                              sizeof *report->items) != 0) {
        free(message);
        return GEN_NO_MEMORY;
    }
    report->items[report->count++] = (struct parse_diagnostic){
        .source = source,
        .offset = at->offset,
        .line = at->line,
        .column = at->column,
        .message = message,
    };
    return GEN_BAD_INPUT;
}

/* Records an error at token `at`, the first of what is being read (a
 * marker's definition, or a token the main loop read) only, and returns -1.
 * The error after the first PARSE_MAX_ERRORS of a source says that reading
 * stops there instead. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(struct parser *p, const struct lex_token *at, const char *format, ...)
{
    if (p->failed || p->quiet || p->stopped || p->status == GEN_NO_MEMORY)
        return -1;
    va_list args;
    va_start(args, format);
    char *message =
        p->errors < PARSE_MAX_ERRORS
            ? buf_vformat(format, args)
            : buf_format("stopping here after %d errors in this file", PARSE_MAX_ERRORS);
    va_end(args);
    p->failed = 1;
    p->stopped = p->errors++ == PARSE_MAX_ERRORS;
    p->status = report_add(p->report, p->source, at, message);
    return -1;
}

/* Records running out of memory and returns -1. */
static int out_of_memory(struct parser *p)
{
    p->status = GEN_NO_MEMORY;
    return -1;
}

/* Orders the spelling of token t (a backslash-newline inside it is no part
 * of it) against text, as strcmp does. A spelling is compared by its first
 * 32 bytes at most: longer than any text we look for. */
static int compare_text(const struct parser *p, const struct lex_token *t, const char *text)
{
    char spelled[32];
    const char *bytes = p->text + t->offset;
    size_t length = t->length, i = 0;
    if (t->spliced) {
        length = lex_spell(p->text, t, spelled, sizeof spelled);
        bytes = spelled;
        length = length < sizeof spelled ? length : sizeof spelled;
    }
    for (; i < length && text[i] != '\0'; i++) {
        if (bytes[i] != text[i])
            return (unsigned char)bytes[i] < (unsigned char)text[i] ? -1 : 1;
    }
    return i < length ? 1 : -(text[i] != '\0');
}

/* Does token t spell text? */
static int text_is(const struct parser *p, const struct lex_token *t, const char *text)
{
    return compare_text(p, t, text) == 0;
}

/* Is t the punctuator text? (Its first byte is its first character: no
 * token starts with a backslash-newline.) */
static int punct_is(const struct parser *p, const struct lex_token *t, const char *text)
{
    return t->kind == LEX_PUNCT && p->text[t->offset] == text[0] && text_is(p, t, text);
}

/* Appends the spelling of token t to out. Returns 0, or -1 when out of memory. */
static int append_spelling(const struct parser *p, struct buf *out, const struct lex_token *t)
{
    if (buf_append(out, p->text + t->offset, t->length) != 0)
        return -1;
    if (t->spliced) { /* spelled over the bytes just appended: never longer */
        out->size -= t->length;
        out->size += lex_spell(p->text, t, out->data + out->size, t->length);
        out->data[out->size] = '\0';
    }
    return 0;
}

/* The index in words[] (sorted by text) of the keyword t spells, or -1. */
static int word_index(const struct parser *p, const struct lex_token *t)
{
    size_t low = 0, high = sizeof words / sizeof words[0];
    while (t->kind == LEX_IDENT && low < high) {
        size_t middle = low + (high - low) / 2;
        int order = compare_text(p, t, words[middle].text);
        if (order == 0)
            return (int)middle;
        if (order < 0)
            high = middle;
        else
            low = middle + 1;
    }
    return -1;
}

#ifndef NDEBUG
/* Is words[] sorted, as word_index needs? */
static int words_are_sorted(void)
{
    for (size_t i = 1; i < sizeof words / sizeof words[0]; i++) {
        if (strcmp(words[i - 1].text, words[i].text) >= 0)
            return 0;
    }
    return 1;
}
#endif

static enum word word_of(const struct parser *p, const struct lex_token *t)
{
    int i = word_index(p, t);
    return i < 0 ? WORD_NONE : words[i].word;
}

/* word_of for the declaration's token at index i, without looking its
 * keyword up again. */
static enum word word_at(const struct parser *p, size_t i)
{
    int w = p->tokens[i].word;
    return w < 0 ? WORD_NONE : words[w].word;
}

/* The qualifier (enum qual) the token at index i spells, or 0. */
static unsigned qual_at(const struct parser *p, size_t i)
{
    int w = p->tokens[i].word;
    return w < 0 ? 0 : words[w].qual;
}

/* Is the token at index i an identifier that is no keyword we know: a
 * name or a typedef name? */
static int plain_at(const struct parser *p, size_t i)
{
    return p->tokens[i].token.kind == LEX_IDENT && p->tokens[i].word < 0;
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
    char spelled[33];
    const char *bytes = p->text + t->offset;
    size_t length = t->length, n = 0;
    if (t->spliced) {
        length = lex_spell(p->text, t, spelled, sizeof spelled);
        bytes = spelled;
    }
    size_t visible = length > 32 ? 32 : length;
    out[n++] = '\'';
    for (size_t i = 0; i < visible && n + 6 < size; i++) {
        unsigned char c = (unsigned char)bytes[i];
        out[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (visible < length)
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

/* Sets the name of the function or variable being read to token t. */
static int set_name(struct parser *p, const struct lex_token *t)
{
    p->name = *t;
    p->name_text.size = 0;
    return append_spelling(p, &p->name_text, t) == 0 ? 0 : out_of_memory(p);
}

/* Is the name of the function or variable being read known yet? (A name
 * is never spelled empty.) */
static int has_name(const struct parser *p)
{
    return p->name_text.size > 0;
}

/* The name being read, for messages. */
static const char *name_of(const struct parser *p)
{
    return p->name_text.data ? p->name_text.data : "";
}

/* The error for a marker followed by something else than a definition. */
static int not_a_definition(struct parser *p, const struct lex_token *found)
{
    char text[48];
    return fail(p, found, "expected a %s definition after '%s' at %zu:%zu, found %s", wanted(p),
                lex_marker_text(p->marker.marker), p->marker.line, p->marker.column,
                describe(p, found, text, sizeof text));
}

/* The error for a token out of place: inside a declaration once the name
 * is known, else as not_a_definition. */
static int unexpected(struct parser *p, const struct lex_token *t)
{
    char text[48];
    if (!has_name(p))
        return not_a_definition(p, t);
    return fail(p, t, "unexpected %s in the declaration of '%s'", describe(p, t, text, sizeof text),
                name_of(p));
}

/* The error for parentheses nested too deeply, the one too many at t. */
static int too_deep(struct parser *p, const struct lex_token *t)
{
    if (!has_name(p))
        return fail(p, t, "the declaration after '%s' at %zu:%zu nests parentheses too deeply",
                    lex_marker_text(p->marker.marker), p->marker.line, p->marker.column);
    return fail(p, t, "the declaration of '%s' nests parentheses too deeply", name_of(p));
}

/* Starts a piece of class c in the signature: one space between pieces,
 * except after '(' '[' '*' and at the start, and before ')' ']' ',', '['
 * and a parameter list's '('. */
static int sig_begin(struct parser *p, enum sig_class c)
{
    enum sig_class last = p->last;
    int tight = last == SIG_START || last == SIG_GROUP || last == SIG_LIST || last == SIG_STAR ||
                c == SIG_CLOSE || c == SIG_COMMA || c == SIG_LIST;
    p->last = c;
    return tight || buf_append(&p->signature, " ", 1) == 0 ? 0 : out_of_memory(p);
}

/* Appends text, a piece of class c, to the signature. */
static int sig_add(struct parser *p, const char *text, enum sig_class c)
{
    if (sig_begin(p, c) != 0 || buf_append_str(&p->signature, text) != 0)
        return out_of_memory(p);
    return 0;
}

/* Appends the qualifiers quals (enum qual) in their fixed order. */
static int sig_quals(struct parser *p, unsigned quals)
{
    for (unsigned i = 0; i < sizeof qual_names / sizeof qual_names[0]; i++) {
        if ((quals & 1u << i) && sig_add(p, qual_names[i], SIG_WORD) != 0)
            return -1;
    }
    return 0;
}

/* Appends token t to the signature as spelled; in_bounds: it is part of an
 * array bound or a typeof group, where '*' is an operator and '(' groups.
 * Refuses what could break the string literal the signature becomes. */
static int sig_token(struct parser *p, const struct lex_token *t, int in_bounds)
{
    char first = p->text[t->offset];
    enum sig_class c = SIG_OPERATOR;
    if (t->kind == LEX_IDENT || t->kind == LEX_NUMBER || punct_is(p, t, "..."))
        c = SIG_WORD;
    else if (t->kind != LEX_PUNCT)
        return unexpected(p, t);
    else if (first == '(')
        c = in_bounds ? SIG_GROUP : SIG_LIST;
    else if (first == '[')
        c = SIG_LIST;
    else if (first == ')' || first == ']')
        c = SIG_CLOSE;
    else if (first == ',')
        c = SIG_COMMA;
    else if (first == '*' && t->length == 1 && !in_bounds)
        c = SIG_STAR;
    if (sig_begin(p, c) != 0 || append_spelling(p, &p->signature, t) != 0)
        return out_of_memory(p);
    return 0;
}

/* group := '(' ... ')' | '[' ... ']' at index i: appends it verbatim and
 * returns the index after it, or NO_INDEX after a failure. */
static size_t sig_group(struct parser *p, size_t i)
{
    size_t end = p->tokens[i].match;
    for (size_t k = i; k <= end; k++) {
        if (sig_token(p, &p->tokens[k].token, 1) != 0)
            return NO_INDEX;
    }
    return end + 1;
}

/* Is the token at index i (before end) a '(' or '['? */
static int opens(const struct parser *p, size_t i, size_t end, const char *bracket)
{
    return i < end && punct_is(p, &p->tokens[i].token, bracket);
}

/* Does an attribute start at index i (before end)? */
static int is_attribute(const struct parser *p, size_t i, size_t end)
{
    return (opens(p, i, end, "[") && opens(p, i + 1, end, "[")) ||
           (i < end && word_at(p, i) == WORD_ATTRIBUTE);
}

/* The index after the well-formed attributes from index i (before end): i
 * itself if none starts there; it stops at an attribute keyword without its
 * group. */
static size_t after_attributes(const struct parser *p, size_t i, size_t end)
{
    while (is_attribute(p, i, end)) {
        if (opens(p, i, end, "[")) /* [[ ... ]] */
            i = p->tokens[i].match + 1;
        else if (opens(p, i + 1, end, "(")) /* __attribute__ (( ... )) and the like */
            i = p->tokens[i + 1].match + 1;
        else
            break;
    }
    return i;
}

/* attributes := (keyword '(' ... ')' | '[' '[' ... ']' ']')* from index i
 * (before end): returns the index after them, or NO_INDEX after a failure. A GNU
 * attribute, alignas or a C23 attribute is no part of the type. */
static size_t skip_attributes(struct parser *p, size_t i, size_t end)
{
    i = after_attributes(p, i, end);
    if (is_attribute(p, i, end))
        return unexpected(p, &p->tokens[i + 1 < end ? i + 1 : i].token), NO_INDEX;
    return i;
}

/* How much is known where is_word looks at an identifier. */
enum typed { TYPED_WORD = 1, TYPED_KEYWORD };

enum seen {
    SEEN_OUTER = 1,   /* end is the declaration's end, not that of a group in it */
    SEEN_KEYWORD = 2, /* a type keyword, tag or typeof came before: the type is named */
};

/* Are the tokens at indexes [i, end) identifiers that are no keywords and
 * attributes, with one identifier at least, all on the line of the token
 * before i? After a declarator's name they are attribute macros
 * (`int x UNUSED`, `int f(void) NOEXCEPT`), no part of the type; on a later
 * line, a ';' is missing. */
static int only_words(const struct parser *p, size_t i, size_t end)
{
    size_t line = p->tokens[i - 1].token.line;
    int found = 0;
    while (i < end) {
        size_t next = after_attributes(p, i, end);
        if (next == i && (!plain_at(p, i) || p->tokens[i].token.line != line))
            return 0;
        found |= next == i;
        i = next == i ? i + 1 : next;
    }
    return found;
}

/* Is the identifier at index i (before end) a macro call that names a
 * type, `STACK_OF(X509) *f`: a parenthesised group that a '*' or a name
 * follows on its line, where no type keyword came before (after one,
 * `int f(a) int a;` is a K&R definition)? */
static int is_macro_call(const struct parser *p, size_t i, size_t end, unsigned seen)
{
    if ((seen & SEEN_KEYWORD) || !opens(p, i + 1, end, "("))
        return 0;
    size_t close = p->tokens[i + 1].match, after = close + 1;
    return after < end && p->tokens[after].token.line == p->tokens[close].token.line &&
           (plain_at(p, after) || punct_is(p, &p->tokens[after].token, "*"));
}

/* Is the identifier at index i (before end), no keyword, a word of the type
 * rather than the name it declares? Real headers put macros there, such as
 * LUALIB_API, SDLCALL, SDL_MALLOC or an export macro, and typedef names look
 * the same. The name is the identifier right before what can follow a
 * declarator's name: '(' '[' ',' ')' '=' ':' a keyword (an asm label; else
 * a ';' is missing), attribute macros to the end (see only_words), the end;
 * attributes between are skipped. So a word is followed by another
 * identifier, a '*', a parenthesised group that '(' or '[' follows (`T
 * (f)(int)` names f, since no function returns a function or an array),
 * and while no type keyword came before, a type keyword on its line
 * (`SDL_DECLSPEC SDL_MALLOC void *f`) or a macro call's group. */
static int is_word(const struct parser *p, size_t i, size_t end, unsigned seen)
{
    size_t next = after_attributes(p, i + 1, end);
    if (next >= end || ((seen & SEEN_OUTER) && only_words(p, i + 1, end)))
        return 0;
    const struct lex_token *t = &p->tokens[next].token;
    enum word word = word_at(p, next);
    if (plain_at(p, next) || punct_is(p, t, "*"))
        return 1;
    if (!(seen & SEEN_KEYWORD) && t->kind == LEX_IDENT && t->line == p->tokens[i].token.line &&
        (word == WORD_TYPE || word == WORD_TAG || word == WORD_GROUP || word == WORD_QUALIFIER))
        return 1;
    if (is_macro_call(p, i, end, seen)) /* but `int f(void) NOEXCEPT` names f */
        return !only_words(p, p->tokens[i + 1].match + 1, end);
    size_t after = p->tokens[next].match + 1;
    return opens(p, next, end, "(") &&
           (opens(p, after, end, "(") ||
            (opens(p, after, end, "[") && !is_attribute(p, after, end)));
}

/* Writes the spelling of t, NUL-terminated and cut to size - 1 bytes, to out. */
static const char *spelling(const struct parser *p, const struct lex_token *t, char *out,
                            size_t size)
{
    size_t length = lex_spell(p->text, t, out, size - 1);
    out[length < size - 1 ? length : size - 1] = '\0';
    return out;
}

/* tag := ('struct' | 'union' | 'enum') attributes identifier, the keyword
 * at index i: returns the index after it, or NO_INDEX after a failure. A '{'
 * ending the declaration right after it defines the type: no function. */
static size_t read_tag(struct parser *p, size_t i, size_t end, const struct lex_token *ending)
{
    const struct lex_token *keyword = &p->tokens[i].token;
    size_t at = skip_attributes(p, i + 1, end);
    if (at == NO_INDEX)
        return NO_INDEX;
    const struct lex_token *tag = at < end ? &p->tokens[at].token : ending;
    size_t after = at < end && plain_at(p, at) ? at + 1 : at;
    if (after == end && punct_is(p, ending, "{")) {
        char kind[16], name[64] = "";
        fail(p, ending,
             "expected a %s definition after '%s' at %zu:%zu, found the definition of '%s%s%s'",
             wanted(p), lex_marker_text(p->marker.marker), p->marker.line, p->marker.column,
             spelling(p, keyword, kind, sizeof kind), after > at ? " " : "",
             after > at ? spelling(p, tag, name, sizeof name) : "");
        return NO_INDEX;
    }
    if (after == at) {
        unexpected(p, tag);
        return NO_INDEX;
    }
    return after;
}

/* One declaration specifier at index *i (before end): moves *i past it and
 * returns 1; returns 0 when the declarator starts there, or -1 after a
 * failure. *typed: a type was named (so the next identifier is the name,
 * unless is_word finds it is a word of the type): 0, TYPED_WORD or
 * TYPED_KEYWORD (by a keyword, a tag or typeof). */
static int read_specifier(struct parser *p, size_t *i, size_t end, const struct lex_token *ending,
                          enum context context, int *typed, struct type *type)
{
    size_t at = *i;
    const struct lex_token *t = &p->tokens[at].token;
    enum word word = word_at(p, at);
    int group = opens(p, at + 1, end, "(");
    if (is_attribute(p, at, end))
        return (*i = skip_attributes(p, at, end)) == NO_INDEX ? -1 : 1;
    unsigned seen = SEEN_OUTER | (*typed == TYPED_KEYWORD ? SEEN_KEYWORD : 0);
    if (t->kind != LEX_IDENT || (word == WORD_NONE && *typed && !is_word(p, at, end, seen)))
        return 0;
    *i = at + 1;
    switch (word) {
    case WORD_STATIC:
        if (context != CONTEXT_DEFINITION)
            return unexpected(p, t);
        type->static_at = type->static_at ? type->static_at : t;
        return 1;
    case WORD_DROP:
        return context == CONTEXT_TYPE_NAME ? unexpected(p, t) : 1;
    case WORD_REGISTER:
        return context == CONTEXT_PARAMETER ? 1 : unexpected(p, t);
    case WORD_REFUSED:
    case WORD_ASM:
    case WORD_ATTRIBUTE: /* never here: is_attribute took it */
        return unexpected(p, t);
    case WORD_TAG:
        *typed = TYPED_KEYWORD;
        return (*i = read_tag(p, at, end, ending)) == NO_INDEX ? -1 : 1;
    case WORD_GROUP:
        *typed = TYPED_KEYWORD;
        *i = group ? p->tokens[at + 1].match + 1 : 0;
        return group ? 1 : unexpected(p, t);
    case WORD_QUALIFIER:
        if (qual_at(p, at) == QUAL_ATOMIC && group) { /* _Atomic (type-name) */
            if (type->atomic != NO_INDEX || context == CONTEXT_TYPE_NAME)
                return unexpected(p, t);
            *typed = TYPED_KEYWORD;
            type->atomic = at + 1;
            *i = p->tokens[at + 1].match + 1;
            return 1;
        }
        type->quals |= qual_at(p, at);
        type->const_at = qual_at(p, at) == QUAL_CONST && !type->const_at ? t : type->const_at;
        return 1;
    case WORD_NONE:
        if (is_macro_call(p, at, end, seen)) /* is_word took it, or it names the type */
            *i = p->tokens[at + 1].match + 1;
        *typed = *typed ? *typed : TYPED_WORD;
        return 1;
    case WORD_TYPE:
        *typed = TYPED_KEYWORD;
        return 1;
    }
    return unexpected(p, t);
}

/* specifiers := specifier+ from index i (before end): the storage classes,
 * function specifiers, qualifiers, attributes and the type specifiers
 * (keywords, typedef names and other words, a tag, typeof or
 * '_Atomic (...)') of a declaration; one type specifier at least. Fills
 * type. Returns 0 or -1. */
static int read_specifiers(struct parser *p, size_t i, size_t end, const struct lex_token *ending,
                           enum context context, struct type *type)
{
    int typed = 0, found = 1;
    type->specifiers = i;
    while (i < end && found == 1)
        found = read_specifier(p, &i, end, ending, context, &typed, type);
    if (found < 0)
        return -1;
    if (!typed)
        return unexpected(p, i < end ? &p->tokens[i].token : ending);
    type->declarator = i;
    return 0;
}

/* Pushes a derivation onto p->chain. */
static int push_derivation(struct parser *p, struct derivation d)
{
    if (hot__grow(&p->chain, &p->chain_capacity, p->chain_count + 1, sizeof *p->chain) != 0)
        return out_of_memory(p);
    p->chain[p->chain_count++] = d;
    return 0;
}

/* Does the '(' at index i, where a declarator's name or its group would
 * be, group (else it opens a parameter list)? It groups if a declarator
 * follows: '*', '(', an attribute, or a name when there is none yet (so
 * `int (T)` declares a parameter named T, as GCC reads it unless T is a
 * typedef name, which we cannot know). */
static int groups(const struct parser *p, size_t i, int named)
{
    const struct lex_token *next = &p->tokens[i + 1].token;
    size_t close = p->tokens[i].match;
    return punct_is(p, next, "*") || punct_is(p, next, "(") || is_attribute(p, i + 1, close) ||
           (plain_at(p, i + 1) && !named);
}

static size_t read_declarator(struct parser *p, size_t i, size_t end, unsigned nesting,
                              unsigned seen, size_t *name);

/* The pointers of a declarator at indexes [i, end), with the qualifiers,
 * attributes and words after each '*' (and the words before the first):
 * pushes them as `stars` derivations, the last '*' first (it is the nearest
 * to the name). Returns 0 or -1. */
static int push_pointers(struct parser *p, size_t i, size_t end, size_t stars)
{
    size_t last = p->chain_count + stars;
    struct derivation none = {DERIVE_POINTER, 0, NULL, 0, 0, 0};
    for (size_t k = 0; k < stars; k++) {
        if (push_derivation(p, none) != 0)
            return -1;
    }
    struct derivation *d = NULL;
    for (size_t k = i; k < end; k++) {
        const struct lex_token *t = &p->tokens[k].token;
        unsigned qual = qual_at(p, k);
        if (punct_is(p, t, "*")) {
            size_t lead = d ? k : i; /* the words before the first '*' go with it */
            if (d)
                d->end = k;
            d = &p->chain[--last];
            *d = (struct derivation){DERIVE_POINTER, 0, NULL, k, lead, end};
        } else if (is_attribute(p, k, end))
            k = skip_attributes(p, k, end) - 1; /* well-formed: read_declarator checked */
        else if (d) {
            d->quals |= qual;
            d->const_at = qual == QUAL_CONST && !d->const_at ? t : d->const_at;
        }
    }
    return 0;
}

/* declarator := word* pointer* direct? suffix*, over indexes [i, end), where
 *   pointer := '*' (qualifier | attribute | word)*
 *   direct := name | '(' declarator ')'
 *   suffix := '[' ... ']' | '(' parameters ')' | attribute
 * and, where seen has SEEN_OUTER, attribute macros to the end (only_words).
 * Pushes its derivations onto p->chain from the name outward (the direct
 * part's, the suffixes left to right, then the pointers right to left) and
 * sets *name to the name's index if it has one. Parameter lists and array
 * bounds are read later, by print_type. Returns the index where it stops
 * (end, or the first token that cannot continue it), or NO_INDEX after a
 * failure. */
static size_t read_declarator(struct parser *p, size_t i, size_t end, unsigned nesting,
                              unsigned seen, size_t *name)
{
    size_t pointers = i, stars = 0, word = NO_INDEX; /* the first word before any '*' */
    while (i < end) {
        const struct lex_token *t = &p->tokens[i].token;
        if (is_attribute(p, i, end)) {
            if ((i = skip_attributes(p, i, end)) == NO_INDEX)
                return NO_INDEX;
        } else if (punct_is(p, t, "*")) {
            stars++;
            i++;
        } else if (stars > 0 && word_at(p, i) == WORD_QUALIFIER) {
            i++;
        } else if (plain_at(p, i) && is_word(p, i, end, seen | SEEN_KEYWORD)) {
            word = stars == 0 && word == NO_INDEX ? i : word;
            i++;
        } else {
            break;
        }
    }
    if (word != NO_INDEX && stars == 0) /* `(SDLCALL f)`: no '*' to write it with */
        return unexpected(p, &p->tokens[word].token), NO_INDEX;
    size_t after_pointers = i;
    if (i < end && plain_at(p, i) && *name == NO_INDEX) {
        *name = i++;
    } else if (opens(p, i, end, "(") && groups(p, i, *name != NO_INDEX)) {
        size_t close = p->tokens[i].match;
        if (nesting >= PARSE_MAX_NESTING)
            return too_deep(p, &p->tokens[i].token), NO_INDEX;
        size_t stop = read_declarator(p, i + 1, close, nesting + 1, 0, name);
        if (stop == NO_INDEX)
            return NO_INDEX;
        if (stop != close)
            return unexpected(p, &p->tokens[stop].token), NO_INDEX;
        i = close + 1;
    }
    while (i < end) {
        struct derivation d = {DERIVE_ARRAY, 0, NULL, i, 0, 0};
        if (is_attribute(p, i, end)) {
            if ((i = skip_attributes(p, i, end)) == NO_INDEX)
                return NO_INDEX;
            continue;
        }
        if ((seen & SEEN_OUTER) && only_words(p, i, end)) /* `int x UNUSED` */
            return push_pointers(p, pointers, after_pointers, stars) == 0 ? end : NO_INDEX;
        if (!opens(p, i, end, "[") && !opens(p, i, end, "("))
            break;
        d.kind = opens(p, i, end, "[") ? DERIVE_ARRAY : DERIVE_FUNCTION;
        if (push_derivation(p, d) != 0)
            return NO_INDEX;
        i = p->tokens[i].match + 1;
    }
    return push_pointers(p, pointers, after_pointers, stars) == 0 ? i : NO_INDEX;
}

static int read_type(struct parser *p, size_t i, size_t end, const struct lex_token *ending,
                     enum context context, unsigned nesting, struct type *type);

/* The type name inside the '_Atomic (' among type's specifiers: its
 * specifiers become type's own, its derivations the innermost of type's,
 * and the qualifiers of type's specifiers, with _Atomic, qualify its top. */
static int read_atomic(struct parser *p, struct type *type, unsigned nesting)
{
    size_t open = type->atomic, close = p->tokens[open].match;
    struct type inner;
    if (nesting >= PARSE_MAX_NESTING)
        return too_deep(p, &p->tokens[open].token);
    if (read_type(p, open + 1, close, &p->tokens[close].token, CONTEXT_TYPE_NAME, nesting + 1,
                  &inner) != 0)
        return -1;
    if (inner.name != NO_INDEX)
        return unexpected(p, &p->tokens[inner.name].token);
    if (inner.end != close)
        return unexpected(p, &p->tokens[inner.end].token);
    type->inner = inner.specifiers;
    type->inner_end = inner.declarator;
    unsigned quals = type->quals | QUAL_ATOMIC;
    const struct lex_token *const_at = type->const_at;
    if (inner.chain == inner.chain_end) {
        type->quals = quals | inner.quals;
        type->const_at = const_at ? const_at : inner.const_at;
        return 0;
    }
    struct derivation *top = &p->chain[inner.chain];
    top->quals |= quals;
    top->const_at = top->const_at ? top->const_at : const_at;
    type->quals = inner.quals;
    type->const_at = inner.const_at;
    return 0;
}

/* type := specifiers declarator over indexes [i, end) (ended by `ending`),
 * read as in context: fills *type, whose derivations are pushed onto
 * p->chain (the caller pops them). The declarator may stop before end:
 * type->end says where. Returns 0, or -1 after a failure. */
static int read_type(struct parser *p, size_t i, size_t end, const struct lex_token *ending,
                     enum context context, unsigned nesting, struct type *type)
{
    memset(type, 0, sizeof *type);
    type->name = type->atomic = NO_INDEX;
    if (read_specifiers(p, i, end, ending, context, type) != 0)
        return -1;
    type->chain = p->chain_count;
    type->end = read_declarator(p, type->declarator, end, nesting, SEEN_OUTER, &type->name);
    if (type->end == NO_INDEX || (type->atomic != NO_INDEX && read_atomic(p, type, nesting) != 0))
        return -1;
    type->chain_end = p->chain_count;
    return 0;
}

/* The qualifiers in the brackets of an array parameter at index open
 * (`int a[const static 4]`): those of the pointer it becomes. */
static unsigned bracket_quals(const struct parser *p, size_t open)
{
    unsigned quals = 0;
    for (size_t i = open + 1; i < p->tokens[open].match; i++) {
        if (word_at(p, i) == WORD_QUALIFIER)
            quals |= qual_at(p, i);
        else if (word_at(p, i) != WORD_STATIC)
            break;
    }
    return quals;
}

/* Adjusts type, the last one read (its derivations end p->chain), as C
 * does before comparing function types (C17 6.7.6.3p7, p8, p15):
 * - a parameter of array type becomes a pointer to its element type, with
 *   the qualifiers in its brackets: `int a[static 4]`, `int a[n]` and
 *   `int a[]` are all `int *`, and `int m[][3]` is `int (*)[3]`; a
 *   parameter of function type becomes a pointer to it;
 * - then a parameter's top-level qualifiers go (`const int x` is `int`),
 *   and so do those of a function's return type (C17 DR 423);
 * so that edits which leave the function's type as it was leave its
 * signature as it was too. _Atomic stays: it may change size and
 * alignment. */
static int adjust(struct parser *p, struct type *type, enum adjust how)
{
    size_t top = type->chain;
    if (how == ADJUST_FUNCTION)
        top++;
    if (how == ADJUST_PARAMETER && top < type->chain_end) {
        struct derivation *d = &p->chain[top];
        if (d->kind == DERIVE_ARRAY) {
            d->kind = DERIVE_POINTER;
            d->quals = bracket_quals(p, d->open);
            d->const_at = NULL;
        } else if (d->kind == DERIVE_FUNCTION) {
            struct derivation pointer = {DERIVE_POINTER, 0, NULL, 0, 0, 0};
            assert(type->chain_end == p->chain_count);
            if (push_derivation(p, pointer) != 0)
                return -1;
            memmove(&p->chain[top + 1], &p->chain[top], (type->chain_end - top) * sizeof *p->chain);
            p->chain[top] = pointer;
            type->chain_end++;
        }
    }
    if (top < type->chain_end)
        p->chain[top].quals &= QUAL_ATOMIC;
    else
        type->quals &= QUAL_ATOMIC;
    return 0;
}

/* Appends the type words among the specifiers at indexes [i, end): type
 * keywords, typedef names, tags and typeof groups, as written; not storage
 * classes, function specifiers, qualifiers, attributes or an '_Atomic (...)'
 * (read_specifiers checked them all). */
static int sig_words(struct parser *p, size_t i, size_t end)
{
    while (i < end) {
        const struct lex_token *t = &p->tokens[i].token;
        enum word word = word_at(p, i);
        if (is_attribute(p, i, end))
            i = skip_attributes(p, i, end);
        else if (word == WORD_QUALIFIER && opens(p, i + 1, end, "("))
            i = p->tokens[i + 1].match + 1;
        else if (word == WORD_GROUP)
            i = sig_token(p, t, 0) == 0 ? sig_group(p, i + 1) : NO_INDEX;
        else if (word == WORD_TAG) {
            size_t tag = skip_attributes(p, i + 1, end);
            if (tag == NO_INDEX || sig_token(p, t, 0) != 0 ||
                sig_token(p, &p->tokens[tag].token, 0) != 0)
                return -1;
            i = tag + 1;
        } else if (word == WORD_TYPE || word == WORD_NONE)
            i = sig_token(p, t, 0) == 0 ? i + 1 : NO_INDEX;
        else
            i++;
        if (i == NO_INDEX)
            return -1;
    }
    return 0;
}

/* Appends the pointer d: the words written before its '*', the '*', its
 * qualifiers in the order of enum qual, then the words written after it
 * (`void *SDLCALL f(void)` gives "void *SDLCALL(void)"). */
static int sig_pointer(struct parser *p, const struct derivation *d)
{
    if (d->lead < d->end && sig_words(p, d->lead, d->open) != 0)
        return -1;
    if (sig_add(p, "*", SIG_STAR) != 0 || sig_quals(p, d->quals) != 0)
        return -1;
    return d->lead < d->end ? sig_words(p, d->open + 1, d->end) : 0;
}

static int read_parameters(struct parser *p, size_t open, unsigned nesting, int defined);

/* Appends type, adjusted, to the signature, in its canonical spelling: the
 * qualifiers of its specifiers first, in the order of enum qual, then their
 * type words as written, then the abstract declarator, which puts each
 * pointer's qualifiers after its '*' (see sig_pointer) and parentheses only
 * where C needs them: `int const *const` is "const int *const",
 * `int (*(*)(int))(char)` stays so. Each parameter list is read (and adjusted) here; `defined`: the
 * first one is that of the function being defined. */
static int print_type(struct parser *p, const struct type *type, unsigned nesting, int defined)
{
    if (sig_quals(p, type->quals) != 0 || sig_words(p, type->specifiers, type->declarator) != 0 ||
        (type->atomic != NO_INDEX && sig_words(p, type->inner, type->inner_end) != 0))
        return -1;
    for (size_t k = type->chain_end; k-- > type->chain;) {
        struct derivation d = p->chain[k];
        int grouped =
            d.kind != DERIVE_POINTER && k > type->chain && p->chain[k - 1].kind == DERIVE_POINTER;
        if (d.kind == DERIVE_POINTER && sig_pointer(p, &d) != 0)
            return -1;
        if (grouped && sig_add(p, "(", SIG_GROUP) != 0)
            return -1;
    }
    for (size_t k = type->chain; k < type->chain_end; k++) {
        struct derivation d = p->chain[k]; /* copied: read_parameters pushes more */
        int grouped =
            d.kind != DERIVE_POINTER && k > type->chain && p->chain[k - 1].kind == DERIVE_POINTER;
        if (grouped && sig_add(p, ")", SIG_CLOSE) != 0)
            return -1;
        if (d.kind == DERIVE_ARRAY && sig_group(p, d.open) == NO_INDEX)
            return -1;
        if (d.kind == DERIVE_FUNCTION &&
            read_parameters(p, d.open, nesting + 1, defined && k == type->chain) != 0)
            return -1;
    }
    return 0;
}

/* parameter := '...' | specifiers declarator, over indexes [start, end).
 * A hot function may be variadic: its stub jumps with every argument
 * register, %al and the stack as the caller left them. */
static int read_parameter(struct parser *p, size_t start, size_t end, unsigned nesting)
{
    const struct lex_token *first = &p->tokens[start].token;
    if (end - start == 1 && punct_is(p, first, "..."))
        return sig_token(p, first, 0);
    size_t mark = p->chain_count;
    struct type type;
    int result = read_type(p, start, end, &p->tokens[end].token, CONTEXT_PARAMETER, nesting, &type);
    if (result == 0 && type.end != end)
        result = unexpected(p, &p->tokens[type.end].token);
    if (result == 0)
        result = adjust(p, &type, ADJUST_PARAMETER);
    if (result == 0)
        result = print_type(p, &type, nesting, 0);
    p->chain_count = mark;
    return result;
}

/* parameters := '(' ')' | '(' parameter (',' parameter)* ')', the '(' at
 * index open: appends them, adjusted and without their names. `defined`:
 * the list of the function being defined, where "()" declares no
 * parameters (C17 6.7.6.3p14; C23 says so of every "()"), and becomes
 * "(void)"; elsewhere "()" declares no prototype and stays so. */
static int read_parameters(struct parser *p, size_t open, unsigned nesting, int defined)
{
    size_t close = p->tokens[open].match, start = open + 1;
    if (nesting > PARSE_MAX_NESTING)
        return too_deep(p, &p->tokens[open].token);
    if (sig_add(p, "(", SIG_LIST) != 0)
        return -1;
    if (start == close)
        return (defined && sig_add(p, "void", SIG_WORD) != 0) ? -1 : sig_add(p, ")", SIG_CLOSE);
    for (size_t i = start;;) {
        const struct lex_token *t = &p->tokens[i].token;
        if (i < close && !punct_is(p, t, ",")) {
            i = punct_is(p, t, "(") || punct_is(p, t, "[") ? p->tokens[i].match + 1 : i + 1;
            continue;
        }
        if (i == start) {
            char text[48];
            return fail(p, t, "expected a parameter declaration in '%s', found %s", name_of(p),
                        describe(p, t, text, sizeof text));
        }
        if ((start > open + 1 && sig_add(p, ",", SIG_COMMA) != 0) ||
            read_parameter(p, start, i, nesting) != 0)
            return -1;
        if (i == close)
            return sig_add(p, ")", SIG_CLOSE);
        start = ++i;
    }
}

/* The declared name of type, or the error of a declaration without one. */
static const struct lex_token *declared_name(struct parser *p, const struct type *type,
                                             const struct lex_token *ending)
{
    if (type->name != NO_INDEX)
        return set_name(p, &p->tokens[type->name].token) == 0 ? &p->tokens[type->name].token : NULL;
    not_a_definition(p, type->declarator < p->count ? &p->tokens[type->declarator].token : ending);
    return NULL;
}

/* What follows a hot function's declarator, from index i, up to the token
 * `ending` that ended the declaration: its body. */
static int read_definition_end(struct parser *p, size_t i, const struct lex_token *ending)
{
    char text[48];
    const struct lex_token *t = i < p->count ? &p->tokens[i].token : ending;
    if (i < p->count && word_of(p, t) == WORD_ASM)
        return fail(p, t, "hot function '%s' cannot have an asm label: its stub is the symbol '%s'",
                    name_of(p), name_of(p));
    if (i < p->count && t->kind == LEX_IDENT && word_of(p, t) != WORD_REFUSED)
        return fail(p, t,
                    "'%s' is a K&R-style definition, which is not supported; declare the "
                    "parameter types inside the parentheses",
                    name_of(p));
    if (i < p->count || !punct_is(p, t, "{"))
        return fail(p, t, "expected '{' to begin the body of '%s', found %s", name_of(p),
                    describe(p, t, text, sizeof text));
    return 0;
}

/* definition := specifiers declarator '{', over the declaration just read
 * (ended by `ending`), the declarator's first derivation being the
 * parameter list of the function it defines (what comes after is its
 * return type, function pointers included): sets p->name and leaves the
 * signature in p->signature. */
static int read_definition(struct parser *p, const struct lex_token *ending)
{
    struct type type;
    if (p->count == 0)
        return not_a_definition(p, ending);
    if (read_type(p, 0, p->count, ending, CONTEXT_DEFINITION, 0, &type) != 0)
        return -1;
    const struct lex_token *name = declared_name(p, &type, ending);
    if (!name)
        return -1;
    if (type.chain == type.chain_end || p->chain[type.chain].kind != DERIVE_FUNCTION)
        return fail(p, name,
                    "expected a function definition after '#[hot]' at %zu:%zu, but '%s' is not a "
                    "function",
                    p->marker.line, p->marker.column, name_of(p));
    if (type.static_at)
        return fail(p, type.static_at,
                    "hot function '%s' must have external linkage; remove 'static'", name_of(p));
    if (text_is(p, name, "main"))
        return fail(p, name, "'main' cannot be hot: the program starts in its static core");
    if (adjust(p, &type, ADJUST_FUNCTION) != 0 || print_type(p, &type, 0, 1) != 0)
        return -1;
    return read_definition_end(p, type.end, ending);
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

/* Does t, a ')' or ']', close the innermost bracket open in the
 * declaration? */
static int closes_innermost(const struct parser *p, const struct lex_token *t)
{
    char opener = p->depth > 0 ? p->text[p->tokens[p->open[p->depth - 1]].token.offset] : 0;
    return opener == (p->text[t->offset] == ')' ? '(' : '[');
}

/* Appends token t to the declaration, matching brackets (a closing one
 * must close the innermost open one). */
static int push_token(struct parser *p, const struct lex_token *t)
{
    if (hot__grow(&p->tokens, &p->capacity, p->count + 1, sizeof *p->tokens) != 0)
        return out_of_memory(p);
    if (hot__grow(&p->open, &p->open_capacity, p->depth + 1, sizeof *p->open) != 0)
        return out_of_memory(p);
    size_t index = p->count++;
    p->tokens[index].token = *t;
    p->tokens[index].match = index;
    p->tokens[index].word = word_index(p, t);
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
    p->chain_count = 0;
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
        if (ends || (closes && !closes_innermost(p, &t))) {
            if (t.kind == LEX_MARKER) /* its function is read next, and its errors said */
                p->resume = t;
            return unclosed(p, &t);
        }
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
        if (t.kind == LEX_MARKER) /* a marker of a function's static, or a '}' missing */
            return fail(p, &t,
                        "'%s' inside the function body opened at %zu:%zu: markers go before "
                        "definitions at file scope%s; if the body ended before it, a '}' is "
                        "missing",
                        lex_marker_text(t.marker), open->line, open->column,
                        t.marker == LEX_MARKER_PERSIST
                            ? " (a function's static variable cannot be #[persist]: declare it "
                              "at file scope)"
                            : "");
        if (t.kind == LEX_EOF)
            return fail(p, &t, "expected '}' to close '{' at %zu:%zu, found %s", open->line,
                        open->column, describe(p, &t, text, sizeof text));
        if (punct_is(p, &t, "{"))
            depth++;
        else if (punct_is(p, &t, "}") && --depth == 0)
            return 0;
    }
}

/* Adds bytes [start, end) to the spans to blank. */
static int add_span(struct parser *p, size_t start, size_t end)
{
    struct parse_source *out = p->out;
    if (hot__grow(&out->markers, &out->marker_capacity, out->marker_count + 1,
                  sizeof *out->markers))
        return out_of_memory(p);
    out->markers[out->marker_count++] = (struct parse_span){start, end - start};
    return 0;
}

/* Adds the marker's line, to the end of its logical line but for the line
 * break that ends it, to the spans to blank. */
static int add_marker(struct parser *p, const struct lex_token *marker)
{
    return add_span(p, marker->offset - (marker->column - 1),
                    lex_line_end(p->text, p->size, marker->offset));
}

/* Adds the definition of `kind` just read to the records. */
static int add_record(struct parser *p, enum parse_kind kind)
{
    struct parse_source *out = p->out;
    if (hot__grow(&out->records, &out->record_capacity, out->record_count + 1,
                  sizeof *out->records) != 0)
        return out_of_memory(p);
    struct parse_record r = {
        .kind = kind,
        .name = malloc(p->name_text.size + 1),
        .type = malloc(p->signature.size + 1),
        .source = p->source,
        .offset = p->name.offset,
        .line = p->name.line,
        .column = p->name.column,
        .storage = kind == PARSE_VARIABLE ? p->storage : (struct parse_span){0, 0},
        .name_length = p->name.length,
        .end = kind == PARSE_VARIABLE ? p->end : 0,
        .uses_first = p->uses_first,
        .use_count = kind == PARSE_VARIABLE ? out->use_count - p->uses_first : 0,
    };
    if (!r.name || !r.type) {
        free(r.name);
        free(r.type);
        return out_of_memory(p);
    }
    memcpy(r.name, p->name_text.data, p->name_text.size + 1);
    memcpy(r.type, p->signature.data, p->signature.size + 1);
    out->records[out->record_count++] = r;
    return 0;
}

/* Starts reading what follows marker. */
static void begin_marker(struct parser *p, const struct lex_token *marker)
{
    p->failed = 0;
    p->marker = *marker;
    p->uses_first = p->out->use_count;
    p->name_text.size = 0;
    p->signature.size = 0;
    p->last = SIG_START;
}

/* After an error in the declaration that the token `ending` ended (and
 * nothing read after it), finds where reading goes on, as a compiler does,
 * so that one run reports the errors of every definition: at `ending` if it
 * is another marker; after the body if it opens one, whose own errors (an
 * unclosed brace, a marker inside) are reported too; else after it. Returns
 * -1. */
static int resync(struct parser *p, const struct lex_token *ending)
{
    if (ending->kind == LEX_MARKER)
        p->resume = *ending;
    else if (punct_is(p, ending, "{") && p->status != GEN_NO_MEMORY) {
        p->failed = 0;
        skip_body(p, ending);
    }
    return -1;
}

/* hot := marker definition body: reads what follows the marker. */
static int read_hot(struct parser *p, const struct lex_token *marker)
{
    struct lex_token ending;
    begin_marker(p, marker);
    if (add_marker(p, marker) != 0 || read_declaration(p, &ending, 0) != 0)
        return -1;
    if (read_definition(p, &ending) != 0)
        return resync(p, &ending);
    if (skip_body(p, &ending) != 0)
        return -1;
    return add_record(p, PARSE_FUNCTION);
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

/* The 'const' that makes an object of type read-only (the object itself,
 * or the elements of an array), or NULL. */
static const struct lex_token *read_only(const struct parser *p, const struct type *type)
{
    size_t k = type->chain;
    while (k < type->chain_end && p->chain[k].kind == DERIVE_ARRAY)
        k++;
    if (k == type->chain_end)
        return type->const_at;
    return p->chain[k].kind == DERIVE_POINTER ? p->chain[k].const_at : NULL;
}

/* The error for the one '#[persist]' variable's definition going on. */
static int one_variable(struct parser *p, const struct lex_token *comma)
{
    return fail(p, comma,
                "a '#[persist]' definition must declare one variable; declare the ones after '%s' "
                "separately",
                name_of(p));
}

/* The error for the definition of the variable not ending where it must. */
static int no_semicolon(struct parser *p, const struct lex_token *found)
{
    char text[48];
    return fail(p, found, "expected ';' to end the definition of '%s', found %s", name_of(p),
                describe(p, found, text, sizeof text));
}

/* variable := specifiers declarator, over the declaration just read (ended
 * by `ending`, '=' for an initializer): one writable object, not a function.
 * Sets p->name and leaves the canonical type in p->signature. */
static int read_variable(struct parser *p, const struct lex_token *ending)
{
    const struct lex_token *extern_at = NULL, *const_at = NULL;
    struct type type;
    if (p->count == 0)
        return not_a_definition(p, ending);
    if (refuse_storage(p, &extern_at) != 0 ||
        read_type(p, 0, p->count, ending, CONTEXT_DEFINITION, 0, &type) != 0)
        return -1;
    const struct lex_token *name = declared_name(p, &type, ending);
    if (!name)
        return -1;
    if (type.chain < type.chain_end && p->chain[type.chain].kind == DERIVE_FUNCTION)
        return fail(p, name,
                    "expected a variable definition after '#[persist]' at %zu:%zu, but '%s' is "
                    "a function",
                    p->marker.line, p->marker.column, name_of(p));
    if ((const_at = read_only(p, &type)) != NULL)
        return fail(p, const_at,
                    "a '#[persist]' variable cannot be const: its value is copied in on each "
                    "reload");
    if (type.end < p->count && p->tokens[type.end].token.kind == LEX_IDENT)
        return no_semicolon(p, &p->tokens[type.end].token);
    if (type.end < p->count)
        return unexpected(p, &p->tokens[type.end].token);
    if (extern_at && !punct_is(p, ending, "="))
        return fail(p, extern_at,
                    "'%s' is declared 'extern' without an initializer, so it is not defined "
                    "here; a '#[persist]' variable must be defined in its hot source",
                    name_of(p));
    p->storage = (struct parse_span){type.static_at ? type.static_at->offset : 0,
                                     type.static_at ? type.static_at->length : 0};
    return print_type(p, &type, 0, 0);
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
    int member = 0; /* the token before was '.' or '->': a name after it is a member's */
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
        int uses = t.kind == LEX_IDENT && !member && text_is(p, &t, p->name_text.data);
        member = punct_is(p, &t, ".") || punct_is(p, &t, "->");
        if (uses && (hot__grow(&p->out->uses, &p->out->use_capacity, p->out->use_count + 1,
                               sizeof *p->out->uses) != 0))
            return out_of_memory(p);
        if (uses)
            p->out->uses[p->out->use_count++] = (struct parse_span){t.offset, t.length};
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
            if (hot__grow(&p->brackets, &p->bracket_capacity, p->bracket_count + 1,
                          sizeof *p->brackets) != 0)
                return out_of_memory(p);
            p->brackets[p->bracket_count++] = t;
            continue;
        }
        if (p->bracket_count > 0)
            continue;
        if (punct_is(p, &t, ";")) {
            p->end = t.offset + t.length;
            return 0;
        }
        if (punct_is(p, &t, ","))
            return one_variable(p, &t);
        if (t.kind == LEX_EOF || t.kind == LEX_MARKER || closes || starts_declaration(p, &t))
            return no_semicolon(p, &t);
    }
}

/* persist := marker variable ('=' initializer)? ';': reads what follows
 * the marker. */
static int read_persist(struct parser *p, const struct lex_token *marker)
{
    struct lex_token ending;
    begin_marker(p, marker);
    if (add_marker(p, marker) != 0 || read_declaration(p, &ending, 1) != 0)
        return -1;
    if (read_variable(p, &ending) != 0)
        return resync(p, &ending);
    if (punct_is(p, &ending, ",") && one_variable(p, &ending) != 0)
        return -1;
    if (punct_is(p, &ending, "=") && skip_initializer(p) != 0)
        return -1;
    if (!punct_is(p, &ending, "=") && !punct_is(p, &ending, ";"))
        return no_semicolon(p, &ending), resync(p, &ending);
    if (punct_is(p, &ending, ";"))
        p->end = ending.offset + ending.length;
    return add_record(p, PARSE_VARIABLE);
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

/* Adds the name t spells to the source's unmarked external functions. */
static int add_external(struct parser *p, const struct lex_token *t)
{
    struct parse_source *out = p->out;
    if (hot__grow(&out->externals, &out->external_capacity, out->external_count + 1,
                  sizeof *out->externals) != 0)
        return out_of_memory(p);
    struct buf name = {0};
    if (append_spelling(p, &name, t) != 0)
        return out_of_memory(p);
    out->externals[out->external_count++] = (struct parse_external){name.data, p->source};
    return 0;
}

/* external := specifiers declarator '{', an unmarked definition at file
 * scope, `open` being its '{' and `from` the lexer as it was after the ';',
 * '}', directive or marker's definition before it: if it defines a function
 * with external linkage, adds its name to the source's externals. Its
 * tokens are read again from there: no file-scope token is kept while the
 * source is read, most are before no '{', and each is read twice at most.
 * Anything else, or what it cannot read (an unbalanced bracket), adds
 * nothing and reports nothing: no marker asked for it. */
static int read_external(struct parser *p, const struct lex *from, const struct lex_token *open)
{
    struct lex again = *from;
    struct type type;
    int function = 0;
    p->count = p->depth = p->chain_count = 0;
    for (;;) {
        struct lex_token t;
        lex_next(&again, &t);
        int closes = punct_is(p, &t, ")") || punct_is(p, &t, "]");
        if (t.offset >= open->offset || t.kind == LEX_EOF || t.kind == LEX_ERROR ||
            (closes && !closes_innermost(p, &t)))
            break;
        if (push_token(p, &t) != 0)
            return -1;
    }
    p->quiet = 1;
    if (p->count > 0 && p->depth == 0 &&
        read_type(p, 0, p->count, open, CONTEXT_DEFINITION, 0, &type) == 0)
        function = type.name != NO_INDEX && type.end == p->count && !type.static_at &&
                   type.chain < type.chain_end && p->chain[type.chain].kind == DERIVE_FUNCTION;
    p->quiet = 0;
    return function ? add_external(p, &p->tokens[type.name].token) : 0;
}

/* What parse_source knows of the file-scope declaration it is reading, so
 * that read_external reads again only what may be a function definition:
 * one whose '{' follows ')' or ']' and that does not start with 'static'.
 * Structs, initializers and static functions are most of them. */
struct file_scope {
    struct lex start; /* the lexer after the last ';', '}', directive or marker's definition */
    size_t tokens;    /* tokens read since */
    int is_static;    /* the first of them is 'static' */
    int after_list;   /* the last of them is ')' or ']' */
};

/* Starts a new file-scope declaration after what `lex` has read. */
static void scope_restart(struct file_scope *scope, const struct lex *lex)
{
    *scope = (struct file_scope){*lex, 0, 0, 0};
}

/* Takes token t, read at file scope outside any braces. */
static void scope_token(const struct parser *p, struct file_scope *scope, const struct lex_token *t)
{
    if (t->kind == LEX_DIRECTIVE || punct_is(p, t, ";") || punct_is(p, t, "}")) {
        scope_restart(scope, &p->lex);
        return;
    }
    char c = p->text[t->offset];
    scope->is_static = scope->tokens++ == 0 ? text_is(p, t, "static") : scope->is_static;
    scope->after_list = t->kind == LEX_PUNCT && t->length == 1 && (c == ')' || c == ']');
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
    assert(words_are_sorted());
    lex_init(&p.lex, text, size);
    size_t depth = 0;             /* braces open outside definitions read after markers */
    struct lex_token outer = {0}; /* the outermost of them */
    /* A byte order mark is blanked: in the unit, the text follows a #line. */
    if (lex_text_start(text, size) > 0)
        add_span(&p, 0, lex_text_start(text, size));
    struct file_scope scope;
    scope_restart(&scope, &p.lex);
    while (p.status != GEN_NO_MEMORY && !p.stopped) {
        struct lex_token t;
        if (p.resume.kind == LEX_MARKER) {
            t = p.resume;
            p.resume.kind = LEX_EOF;
        } else
            lex_next(&p.lex, &t);
        if (t.kind == LEX_EOF)
            break;
        if (t.kind == LEX_ERROR) {
            p.failed = 0;
            lex_failure(&p, &t);
        } else if (t.kind == LEX_MARKER) {
            size_t errors = p.errors;
            p.failed = 0;
            if (read_marker(&p, &t, depth > 0 ? &outer : NULL) != 0)
                assert(p.errors > errors || p.status == GEN_NO_MEMORY); /* it said why */
            (void)errors;
            scope_restart(&scope, &p.lex);
        } else if (punct_is(&p, &t, "{") && depth++ == 0) {
            outer = t;
            if (scope.tokens > 0 && !scope.is_static && scope.after_list)
                read_external(&p, &scope.start, &t);
        } else if (punct_is(&p, &t, "}") && depth > 0) {
            if (--depth == 0)
                scope_restart(&scope, &p.lex);
        } else if (depth == 0) {
            scope_token(&p, &scope, &t);
        }
    }
    assert(p.status != GEN_OK || p.lex.pos >= size);
    free(p.tokens);
    free(p.open);
    free(p.chain);
    free(p.brackets);
    buf_free(&p.signature);
    buf_free(&p.name_text);
    return p.status;
}

/* Orders records by name, then by where they are defined. */
static int compare_records(const void *a, const void *b)
{
    const struct parse_record *r = *(const struct parse_record *const *)a,
                              *q = *(const struct parse_record *const *)b;
    int by_name = strcmp(r->name, q->name);
    if (by_name != 0)
        return by_name;
    if (r->source != q->source)
        return r->source < q->source ? -1 : 1;
    return r->offset < q->offset ? -1 : r->offset > q->offset;
}

/* Orders by name, then by source: the first of a name is the one kept. */
static int compare_externals(const void *a, const void *b)
{
    const struct parse_external *e = *(const struct parse_external *const *)a,
                                *f = *(const struct parse_external *const *)b;
    int by_name = strcmp(e->name, f->name);
    if (by_name != 0 || e->source == f->source)
        return by_name;
    return e->source < f->source ? -1 : 1;
}

/* Fills program->externals from sources[0..count): sorted by name, each name
 * once, none a hot function's (program's functions are sorted). */
static enum gen_status gather_externals(const struct parse_source *sources, size_t count,
                                        struct parse_program *program)
{
    size_t total = 0, kept = 0;
    for (size_t s = 0; s < count; s++)
        total += sources[s].external_count;
    program->externals = calloc(total ? total : 1, sizeof *program->externals);
    if (!program->externals)
        return GEN_NO_MEMORY;
    for (size_t s = 0; s < count; s++) {
        for (size_t i = 0; i < sources[s].external_count; i++)
            program->externals[program->external_count++] = &sources[s].externals[i];
    }
    if (total > 1)
        qsort(program->externals, total, sizeof *program->externals, compare_externals);
    /* One merge with the hot functions, both sorted by name. */
    const struct parse_list *functions = &program->of[PARSE_FUNCTION];
    for (size_t i = 0, f = 0; i < total; i++) {
        const char *name = program->externals[i]->name;
        while (f < functions->count && strcmp(functions->items[f]->name, name) < 0)
            f++;
        int hot = f < functions->count && strcmp(functions->items[f]->name, name) == 0;
        int again = kept > 0 && strcmp(program->externals[kept - 1]->name, name) == 0;
        if (!hot && !again)
            program->externals[kept++] = program->externals[i];
    }
    program->external_count = kept;
    return GEN_OK;
}

/* The marker of a record of `kind`, as its messages spell it. */
static const char *marker_of(enum parse_kind kind)
{
    return kind == PARSE_VARIABLE ? "#[persist]" : "#[hot]";
}

/* Adds the error of `later`, whose name was first marked at `first` (another
 * name's record: no error). Returns GEN_OK, GEN_BAD_INPUT or GEN_NO_MEMORY. */
static enum gen_status check_twice(struct parse_report *report, const char *const *paths,
                                   const struct parse_record *first,
                                   const struct parse_record *later)
{
    if (strcmp(first->name, later->name) != 0)
        return GEN_OK;
    struct lex_token at = {.offset = later->offset, .line = later->line, .column = later->column};
    char *message =
        buf_format("'%s' is marked '%s' more than once; first marked at %s:%zu", later->name,
                   marker_of(later->kind), paths[first->source], first->line);
    return report_add(report, later->source, &at, message);
}

/* Adds the error of a variable named like a hot function. */
static enum gen_status check_clash(struct parse_report *report, const char *const *paths,
                                   const struct parse_record *f, const struct parse_record *v)
{
    struct lex_token at = {.offset = v->offset, .line = v->line, .column = v->column};
    char *message = buf_format(
        "'%s' is marked '#[persist]' but is also the name of a '#[hot]' function at %s:%zu",
        v->name, paths[f->source], f->line);
    return report_add(report, v->source, &at, message);
}

/* Collects the records of sources[0..count) into program, each kind sorted. */
static enum gen_status gather(const struct parse_source *sources, size_t count,
                              struct parse_program *program)
{
    size_t totals[PARSE_KINDS] = {0};
    for (size_t s = 0; s < count; s++) {
        for (size_t i = 0; i < sources[s].record_count; i++)
            totals[sources[s].records[i].kind]++;
    }
    for (int kind = 0; kind < PARSE_KINDS; kind++) {
        program->of[kind].items = calloc(totals[kind] + 1, sizeof *program->of[kind].items);
        if (!program->of[kind].items)
            return GEN_NO_MEMORY;
    }
    for (size_t s = 0; s < count; s++) {
        for (size_t i = 0; i < sources[s].record_count; i++) {
            struct parse_list *list = &program->of[sources[s].records[i].kind];
            list->items[list->count++] = &sources[s].records[i];
        }
    }
    for (int kind = 0; kind < PARSE_KINDS; kind++) {
        struct parse_list *list = &program->of[kind];
        if (list->count > 1)
            qsort(list->items, list->count, sizeof *list->items, compare_records);
    }
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
    if (status == GEN_OK)
        status = gather_externals(sources, count, program);
    for (int kind = 0; kind < PARSE_KINDS; kind++) {
        const struct parse_list *list = &program->of[kind];
        for (size_t i = 1, first = 0; i < list->count && status != GEN_NO_MEMORY; i++) {
            if (fold(&status, check_twice(report, paths, list->items[first], list->items[i])) ==
                GEN_OK)
                first = i;
        }
    }
    /* Both lists are sorted by name: one merge finds the names they share
     * (once per name: a variable marked twice has its error already). */
    const struct parse_list *functions = &program->of[PARSE_FUNCTION];
    const struct parse_list *variables = &program->of[PARSE_VARIABLE];
    for (size_t i = 0, k = 0;
         i < functions->count && k < variables->count && status != GEN_NO_MEMORY;) {
        const struct parse_record *f = functions->items[i], *v = variables->items[k];
        int order = strcmp(f->name, v->name);
        if (order == 0 && (k == 0 || strcmp(variables->items[k - 1]->name, v->name) != 0))
            fold(&status, check_clash(report, paths, f, v));
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
    for (size_t i = 0; i < source->record_count; i++) {
        free(source->records[i].name);
        free(source->records[i].type);
    }
    for (size_t i = 0; i < source->external_count; i++)
        free(source->externals[i].name);
    free(source->records);
    free(source->externals);
    free(source->markers);
    free(source->uses);
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
    for (int kind = 0; kind < PARSE_KINDS; kind++)
        free(program->of[kind].items);
    free(program->externals);
    memset(program, 0, sizeof *program);
}
