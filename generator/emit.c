/* generator/emit.c
 * The emitter: records + a template -> the text of one generated file.
 * Invariant: output depends on the template and the values alone (no clock,
 * no environment), so equal inputs give equal bytes; the template is read
 * once per block repetition, so time is linear in the output. */
#include "emit.h"

#include <stdio.h>
#include <string.h>

/* The lists a block may visit: the records of a kind, or the unmarked
 * functions. */
enum list {
    LIST_FUNCTIONS = PARSE_FUNCTION,
    LIST_VARIABLES = PARSE_VARIABLE,
    LIST_UNMARKED = PARSE_KINDS,
    LIST_NONE,
};

/* The keys a record of each kind fills. */
static const struct {
    const char *total; /* the count of the program's records of the kind, everywhere */
    const char *type;  /* its type, in a block */
    int symbol;        /* whether SYMBOL is one, in a block */
} keys_of[PARSE_KINDS] = {
    [PARSE_FUNCTION] = {"COUNT", "SIGNATURE", 0},
    [PARSE_VARIABLE] = {"VARIABLE_COUNT", "TYPE", 1},
};

/* What a template line is. */
enum line_kind {
    LINE_TEXT,    /* not a directive */
    LINE_EACH,    /* '@@each ...' */
    LINE_IF,      /* '@@if ...' */
    LINE_ELSE,    /* '@@else' */
    LINE_END,     /* '@@end' */
    LINE_UNKNOWN, /* starts with '@@' but is none of these */
};

/* The directive lines of the template language. */
static const struct {
    const char *text;
    enum line_kind kind;
    enum list list;
} directives[] = {
    {"@@each function", LINE_EACH, LIST_FUNCTIONS},
    {"@@each variable", LINE_EACH, LIST_VARIABLES},
    {"@@each unmarked", LINE_EACH, LIST_UNMARKED},
    {"@@if functions", LINE_IF, LIST_FUNCTIONS},
    {"@@if variables", LINE_IF, LIST_VARIABLES},
    {"@@else", LINE_ELSE, LIST_NONE},
    {"@@end", LINE_END, LIST_NONE},
};

/* A template being rendered. */
struct render {
    const char *text;
    size_t size;
    const struct emit_values *values;
    struct buf *out;
    struct emit_problem *problem;
};

/* Records a template problem found at offset and returns GEN_BAD_TEMPLATE. */
static enum gen_status problem_at(const struct render *r, size_t offset, const char *what,
                                  const char *detail, size_t detail_length)
{
    size_t line = 1;
    for (size_t i = 0; i < offset; i++)
        line += r->text[i] == '\n';
    r->problem->line = line;
    snprintf(r->problem->message, sizeof r->problem->message, "%s%.*s", what,
             (int)(detail_length > 64 ? 64 : detail_length), detail);
    return GEN_BAD_TEMPLATE;
}

/* Is the line [start, end) (without its '\n', maybe with a '\r') exactly
 * the directive? */
static int line_is(const struct render *r, size_t start, size_t end, const char *directive)
{
    size_t length = strlen(directive);
    if (end > start && r->text[end - 1] == '\r')
        end--;
    return end - start == length && memcmp(r->text + start, directive, length) == 0;
}

/* The end of the line starting at start: the offset of its '\n', or size. */
static size_t line_end(const struct render *r, size_t start)
{
    const char *newline = memchr(r->text + start, '\n', r->size - start);
    return newline ? (size_t)(newline - r->text) : r->size;
}

/* What the line starting at start is; *list: the list it names. */
static enum line_kind line_kind_of(const struct render *r, size_t start, enum list *list)
{
    size_t end = line_end(r, start);
    *list = LIST_NONE;
    if (end - start < 2 || memcmp(r->text + start, "@@", 2) != 0)
        return LINE_TEXT;
    for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++) {
        if (line_is(r, start, end, directives[i].text)) {
            *list = directives[i].list;
            return directives[i].kind;
        }
    }
    return LINE_UNKNOWN;
}

/* How many items the list visits. */
static size_t list_size(const struct render *r, enum list list)
{
    if (list == LIST_UNMARKED)
        return r->values->unmarked_count;
    return list == LIST_NONE ? 0 : r->values->of[list].count;
}

/* One item of a list, as the keys of a block see it: at most one of record
 * (of kind) and u is set. */
struct item {
    const struct emit_record *record;
    enum parse_kind kind;
    const struct emit_unmarked *u;
};

/* Records the problem of the directive line at start: "'<line>'<what>". */
static enum gen_status line_problem(const struct render *r, size_t start, const char *what)
{
    size_t end = line_end(r, start);
    if (end > start && r->text[end - 1] == '\r')
        end--;
    char detail[128];
    snprintf(detail, sizeof detail, "'%.*s'%s", (int)(end - start > 64 ? 64 : end - start),
             r->text + start, what);
    return problem_at(r, start, "", detail, strlen(detail));
}

/* Appends value as the inside of a C string literal: backslash, double
 * quote, control bytes and a '?' after a '?' (trigraphs) escaped. */
static int append_escaped(struct buf *out, const char *value)
{
    for (size_t i = 0; value[i] != '\0'; i++) {
        unsigned char c = (unsigned char)value[i];
        char escaped[8];
        int length = 0;
        if (c == '\\' || c == '"' || (c == '?' && i > 0 && value[i - 1] == '?'))
            length = snprintf(escaped, sizeof escaped, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            length = snprintf(escaped, sizeof escaped, "\\%03o", c);
        if (length > 0 ? buf_append(out, escaped, (size_t)length) : buf_append(out, &value[i], 1))
            return -1;
    }
    return 0;
}

/* Appends value as the last word of a line of the unmarked list, which has
 * no escapes: a '"' or a control byte (a newline) becomes '?'. */
static int append_list_word(struct buf *out, const char *value)
{
    for (size_t i = 0; value[i] != '\0'; i++) {
        unsigned char c = (unsigned char)value[i];
        char kept = c == '"' || c < 0x20 || c == 0x7f ? '?' : (char)c;
        if (buf_append(out, &kept, 1) != 0)
            return -1;
    }
    return 0;
}

/* How many lines end in what out holds. */
static size_t newlines(const struct buf *out)
{
    size_t count = 0;
    for (size_t i = 0; i < out->size; i++)
        count += out->data[i] == '\n';
    return count;
}

/* Appends the value of the placeholder KEY (length bytes at key) for the
 * item of a block (none outside a block). Returns 0, 1 if KEY has no value
 * here, or -1 when out of memory. */
static int append_value(const struct render *r, const char *key, size_t length, struct item item)
{
#define KEY_IS(name) (length == strlen(name) && memcmp(key, name, length) == 0)
    const struct emit_values *values = r->values;
    const struct emit_record *record = item.record;
    struct buf *out = r->out;
    if (KEY_IS("PROGRAM") && values->program)
        return buf_append_str(out, values->program);
    for (int kind = 0; kind < PARSE_KINDS; kind++) {
        if (KEY_IS(keys_of[kind].total))
            return buf_append_size(out, values->of[kind].total);
    }
    if (KEY_IS("SOURCE") && values->source)
        return append_escaped(out, values->source);
    if (KEY_IS("UNIT") && values->unit)
        return append_escaped(out, values->unit);
    if (KEY_IS("NEXT_LINE")) /* the number of the line after this one, in what is written */
        return buf_append_size(out, newlines(out) + 2);
    if (KEY_IS("TEXT") && values->text) {
        enum gen_status written = emit_text(values->text, values->text_size, values->blanks,
                                            values->instead, values->blank_count, out);
        return written == GEN_OK ? 0 : -1;
    }
    if (KEY_IS("NAME") && (record || item.u))
        return buf_append_str(out, record ? record->name : item.u->name);
    if (KEY_IS("FILE") && item.u)
        return append_list_word(out, item.u->file);
    if (!record)
        return 1;
    if (KEY_IS(keys_of[item.kind].type))
        return buf_append_str(out, record->type);
    if (KEY_IS("SYMBOL") && keys_of[item.kind].symbol)
        return buf_append_str(out, record->prefix) != 0 ? -1 : buf_append_str(out, record->name);
    if (KEY_IS("INDEX"))
        return buf_append_size(out, record->index);
    return 1;
#undef KEY_IS
}

static int is_key_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Appends template bytes [start, end) with placeholders filled for item. */
static enum gen_status fill(const struct render *r, size_t start, size_t end, struct item item)
{
    size_t i = start;
    while (i < end) {
        const char *at = memchr(r->text + i, '@', end - i);
        size_t literal_end = at ? (size_t)(at - r->text) : end;
        if (buf_append(r->out, r->text + i, literal_end - i) != 0)
            return GEN_NO_MEMORY;
        if (!at)
            break;
        size_t key = literal_end + 1, key_end = key;
        while (key_end < end && is_key_char(r->text[key_end]))
            key_end++;
        if (key_end == key || key_end == end || r->text[key_end] != '@') {
            if (buf_append(r->out, "@", 1) != 0)
                return GEN_NO_MEMORY;
            i = key;
            continue;
        }
        int missing = append_value(r, r->text + key, key_end - key, item);
        if (missing < 0)
            return GEN_NO_MEMORY;
        if (missing)
            return problem_at(r, literal_end, "no value for placeholder @", r->text + key,
                              key_end - key + 1);
        i = key_end + 1;
    }
    return GEN_OK;
}

/* Emits the block whose '@@each' line, naming list, starts at start (its
 * '@@end' before limit), once per item; *next is set past its '@@end'. */
static enum gen_status each(const struct render *r, size_t start, size_t limit, enum list list,
                            size_t *next)
{
    size_t body = line_end(r, start) + 1, end = body;
    enum list inner = LIST_NONE;
    enum line_kind kind = LINE_TEXT;
    for (; end < limit && (kind = line_kind_of(r, end, &inner)) != LINE_END;
         end = line_end(r, end) + 1) {
        if (kind != LINE_TEXT)
            return line_problem(r, end, " inside an '@@each' block");
    }
    if (end >= limit)
        return line_problem(r, start, " without '@@end'");
    for (size_t i = 0; i < list_size(r, list); i++) {
        struct item item = {NULL, PARSE_FUNCTION, NULL};
        if (list == LIST_UNMARKED)
            item.u = &r->values->unmarked[i];
        else
            item = (struct item){&r->values->of[list].items[i], (enum parse_kind)list, NULL};
        enum gen_status status = fill(r, body, end, item);
        if (status != GEN_OK)
            return status;
    }
    *next = line_end(r, end) + 1;
    return GEN_OK;
}

static enum gen_status render_lines(const struct render *r, size_t start, size_t end, int in_if);

/* What is wrong with a directive of `kind` inside an '@@if' block (in_each:
 * inside an '@@each' there; after_else: after the block's '@@else'), or NULL. */
static const char *misplaced(enum line_kind kind, int in_each, int after_else)
{
    if (kind == LINE_IF)
        return " inside an '@@if' block";
    if (in_each && (kind == LINE_EACH || kind == LINE_ELSE))
        return " inside an '@@each' block";
    if (kind == LINE_ELSE && after_else)
        return " after another '@@else'";
    return NULL;
}

/* Emits the '@@if' whose line, naming list, starts at start (its '@@end'
 * before limit): the lines up to its '@@else' or '@@end' if the list is not
 * empty, else those after its '@@else'. *next is set past its '@@end'. The
 * branch not taken is checked for its directives, not for its keys. */
static enum gen_status branch(const struct render *r, size_t start, size_t limit, enum list list,
                              size_t *next)
{
    size_t body = line_end(r, start) + 1, end = body, otherwise = 0;
    int in_each = 0;
    enum list inner = LIST_NONE;
    for (; end < limit; end = line_end(r, end) + 1) {
        enum line_kind kind = line_kind_of(r, end, &inner);
        const char *wrong = misplaced(kind, in_each, otherwise != 0);
        if (kind == LINE_END && !in_each)
            break;
        if (kind == LINE_UNKNOWN)
            return problem_at(r, end, "unknown directive ", r->text + end, line_end(r, end) - end);
        if (wrong)
            return line_problem(r, end, wrong);
        in_each = kind == LINE_EACH || (in_each && kind != LINE_END);
        otherwise = kind == LINE_ELSE ? end : otherwise;
    }
    if (end >= limit)
        return line_problem(r, start, " without '@@end'");
    *next = line_end(r, end) + 1;
    if (list_size(r, list) > 0)
        return render_lines(r, body, otherwise ? otherwise : end, 1);
    return otherwise ? render_lines(r, line_end(r, otherwise) + 1, end, 1) : GEN_OK;
}

/* Emits the template lines [start, end): text filled at file level, blocks
 * expanded; in_if: inside an '@@if' block, where no other may open. */
static enum gen_status render_lines(const struct render *r, size_t start, size_t end, int in_if)
{
    while (start < end) {
        size_t line = line_end(r, start), next = line < r->size ? line + 1 : line;
        enum list list = LIST_NONE;
        enum line_kind kind = line_kind_of(r, start, &list);
        enum gen_status status = GEN_OK;
        if (kind == LINE_TEXT)
            status = fill(r, start, next, (struct item){NULL, PARSE_FUNCTION, NULL});
        else if (kind == LINE_EACH)
            status = each(r, start, end, list, &next);
        else if (kind == LINE_IF && !in_if)
            status = branch(r, start, end, list, &next);
        else if (kind == LINE_IF)
            status = line_problem(r, start, " inside an '@@if' block");
        else
            status = problem_at(r, start, "unknown directive ", r->text + start, line - start);
        if (status != GEN_OK)
            return status;
        start = next;
    }
    return GEN_OK;
}

enum gen_status emit_render(const char *template_text, size_t template_size,
                            const struct emit_values *values, struct buf *out,
                            struct emit_problem *problem)
{
    struct render r = {template_text, template_size, values, out, problem};
    return render_lines(&r, 0, template_size, 0);
}

enum gen_status emit_text(const char *text, size_t size, const struct parse_span *blanks,
                          const char *const *instead, size_t count, struct buf *out)
{
    size_t start = 0;
    if (buf_grow(out, size + 1) != 0) /* the text, and maybe a newline */
        return GEN_NO_MEMORY;
    for (size_t i = 0; i < count; i++) {
        if (buf_append(out, text + start, blanks[i].offset - start) != 0)
            return GEN_NO_MEMORY;
        start = blanks[i].offset + blanks[i].length;
        for (size_t k = blanks[i].offset; k < start; k++) {
            if (text[k] == '\n' && buf_append(out, "\n", 1) != 0)
                return GEN_NO_MEMORY;
        }
        if (instead && instead[i] && buf_append_str(out, instead[i]) != 0)
            return GEN_NO_MEMORY;
    }
    if (buf_append(out, text + start, size - start) != 0)
        return GEN_NO_MEMORY;
    if ((size == 0 || text[size - 1] != '\n') && buf_append(out, "\n", 1) != 0)
        return GEN_NO_MEMORY;
    return GEN_OK;
}
