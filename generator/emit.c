/* generator/emit.c
 * The emitter: records + a template -> the text of one generated file.
 * Invariant: output depends on the template and the values alone (no clock,
 * no environment), so equal inputs give equal bytes; the template is read
 * once per block repetition, so time is linear in the output. */
#include "emit.h"

#include <stdio.h>
#include <string.h>

/* The directive lines of the template language. */
static const char each_line[] = "@@each function";
static const char end_line[] = "@@end";

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

/* Appends the value of the placeholder KEY (length bytes at key) for
 * function f (NULL outside a block). Returns 0, 1 if KEY has no value here,
 * or -1 when out of memory. */
static int append_value(const struct render *r, const char *key, size_t length,
                        const struct emit_function *f)
{
#define KEY_IS(name) (length == sizeof name - 1 && memcmp(key, name, length) == 0)
    const struct emit_values *v = r->values;
    struct buf *out = r->out;
    if (KEY_IS("PROGRAM") && v->program)
        return buf_append_str(out, v->program);
    if (KEY_IS("COUNT"))
        return buf_append_size(out, v->count);
    if (KEY_IS("SOURCE") && v->source)
        return append_escaped(out, v->source);
    if (KEY_IS("UNIT") && v->unit)
        return append_escaped(out, v->unit);
    if (KEY_IS("TEXT") && v->text)
        return buf_append(out, v->text, v->text_size);
    if (KEY_IS("NAME") && f)
        return buf_append_str(out, f->name);
    if (KEY_IS("SIGNATURE") && f)
        return buf_append_str(out, f->signature);
    if (KEY_IS("INDEX") && f)
        return buf_append_size(out, f->index);
    if (KEY_IS("OFFSET") && f)
        return buf_append_size(out, 8 * f->index);
    return 1;
#undef KEY_IS
}

static int is_key_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Appends template bytes [start, end) with placeholders filled for f. */
static enum gen_status fill(const struct render *r, size_t start, size_t end,
                            const struct emit_function *f)
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
        int missing = append_value(r, r->text + key, key_end - key, f);
        if (missing < 0)
            return GEN_NO_MEMORY;
        if (missing)
            return problem_at(r, literal_end, "no value for placeholder @", r->text + key,
                              key_end - key + 1);
        i = key_end + 1;
    }
    return GEN_OK;
}

/* Emits the block whose '@@each function' line starts at start, once per
 * function; *next is set past its '@@end' line. */
static enum gen_status each(const struct render *r, size_t start, size_t *next)
{
    size_t body = line_end(r, start) + 1, end = body;
    while (end < r->size && !line_is(r, end, line_end(r, end), end_line)) {
        if (line_is(r, end, line_end(r, end), each_line))
            return problem_at(r, end, "'@@each function' inside another", "", 0);
        end = line_end(r, end) + 1;
    }
    if (end >= r->size)
        return problem_at(r, start, "'@@each function' without '@@end'", "", 0);
    for (size_t i = 0; i < r->values->function_count; i++) {
        enum gen_status status = fill(r, body, end, &r->values->functions[i]);
        if (status != GEN_OK)
            return status;
    }
    *next = line_end(r, end) + 1;
    return GEN_OK;
}

enum gen_status emit_render(const char *template_text, size_t template_size,
                            const struct emit_values *values, struct buf *out,
                            struct emit_problem *problem)
{
    struct render r = {template_text, template_size, values, out, problem};
    size_t start = 0;
    while (start < template_size) {
        size_t end = line_end(&r, start), next = end < template_size ? end + 1 : end;
        enum gen_status status = GEN_OK;
        if (line_is(&r, start, end, each_line))
            status = each(&r, start, &next);
        else if (end - start >= 2 && memcmp(template_text + start, "@@", 2) == 0)
            status =
                problem_at(&r, start, "unknown directive ", template_text + start, end - start);
        else
            status = fill(&r, start, next, NULL);
        if (status != GEN_OK)
            return status;
        start = next;
    }
    return GEN_OK;
}

enum gen_status emit_text(const char *text, size_t size, const struct parse_span *blanks,
                          size_t count, struct buf *out)
{
    size_t start = 0;
    for (size_t i = 0; i < count; i++) {
        if (buf_append(out, text + start, blanks[i].offset - start) != 0)
            return GEN_NO_MEMORY;
        start = blanks[i].offset + blanks[i].length;
    }
    if (buf_append(out, text + start, size - start) != 0)
        return GEN_NO_MEMORY;
    if ((size == 0 || text[size - 1] != '\n') && buf_append(out, "\n", 1) != 0)
        return GEN_NO_MEMORY;
    return GEN_OK;
}
