/* tests/fuzz/fuzz_generator.c
 * The libFuzzer target of the generator: any bytes, as one hot source and as
 * two, through lex, parse, link and emit in process, as `vais-hot gen` runs
 * them. Invariant: every promise a stage's header makes its caller is checked
 * here, and a broken one aborts, so it is a finding like a crash, a leak or
 * undefined behaviour (tests/fuzz/fuzz.sh builds this with the sanitizers). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "emit.h"
#include "lex.h"
#include "parse.h"
#include "templates.h"

/* Stops the run on a broken promise: libFuzzer saves the input. */
#define REQUIRE(expr)                                                                              \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #expr);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input as a text, with where each line starts. */
struct input {
    const char *text;
    size_t size;
    size_t *newlines; /* owned: newlines[i] is the count of '\n' in text[0 .. i), i <= size */
};

static int is_ident_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

/* Does a physical line start at offset? The first one starts after a UTF-8
 * byte order mark, if the text has one. */
static int line_starts(const struct input *in, size_t offset)
{
    if (offset == 0 || in->text[offset - 1] == '\n')
        return 1;
    return offset == 3 && in->size >= 3 && memcmp(in->text, "\xef\xbb\xbf", 3) == 0;
}

/* A place in the text as lex and parse report it: offset - (column - 1)
 * starts a physical line, and line counts the lines up to it. */
static void require_place(const struct input *in, size_t offset, size_t line, size_t column)
{
    REQUIRE(offset <= in->size);
    REQUIRE(column >= 1 && column - 1 <= offset);
    size_t start = offset - (column - 1);
    REQUIRE(line_starts(in, start));
    REQUIRE(line == in->newlines[start] + 1);
}

/* A name a record holds: a non-empty identifier, spelled by the text at
 * offset (where backslash-newlines may split it). */
static void require_name(const struct input *in, const char *name, size_t offset)
{
    size_t length = strlen(name), at = offset;
    REQUIRE(length > 0 && !(name[0] >= '0' && name[0] <= '9'));
    for (size_t i = 0; i < length; i++) {
        REQUIRE(is_ident_byte((unsigned char)name[i]));
        for (;;) {
            size_t cr = at + 1 < in->size && in->text[at + 1] == '\r';
            if (at + 1 + cr >= in->size || in->text[at] != '\\' || in->text[at + 1 + cr] != '\n')
                break;
            at += 2 + cr;
        }
        REQUIRE(at < in->size && in->text[at] == name[i]);
        at++;
    }
}

/* A signature or type: it becomes a C string literal on one line. */
static void require_literal_safe(const char *text)
{
    REQUIRE(text[0] != '\0');
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        REQUIRE(*c >= 0x20 && *c != 0x7f && *c != '"' && *c != '\\');
}

/* lex.h: tokens lie in the text at their line and column, each call
 * consumes input, and the end is LEX_EOF for good. */
static void check_tokens(const struct input *in)
{
    struct lex lex;
    struct lex_token token;
    lex_init(&lex, in->text, in->size);
    for (size_t calls = 0;; calls++) {
        size_t before = lex.pos;
        lex_next(&lex, &token);
        REQUIRE(calls <= in->size);
        REQUIRE(token.kind >= LEX_EOF && token.kind <= LEX_ERROR);
        REQUIRE(token.offset + token.length <= in->size);
        require_place(in, token.offset, token.line, token.column);
        if (token.kind == LEX_EOF)
            break;
        REQUIRE(lex.pos > before && lex.pos <= in->size);
        if (token.kind == LEX_MARKER)
            REQUIRE(token.marker == LEX_MARKER_HOT || token.marker == LEX_MARKER_PERSIST);
        if (token.kind == LEX_ERROR)
            REQUIRE(token.error != LEX_ERROR_NONE);
        if (token.kind != LEX_ERROR)
            REQUIRE(token.length > 0);
    }
    struct lex_token again;
    lex_next(&lex, &again);
    REQUIRE(again.kind == LEX_EOF && again.offset == token.offset && again.line == token.line &&
            again.column == token.column);
}

/* parse.h: records and marker spans in the order of the text, within it;
 * errors placed like tokens, one line of text each. */
static void check_source(const struct input *in, const struct parse_source *s, size_t source)
{
    for (size_t i = 0; i < s->record_count; i++) {
        const struct parse_record *r = &s->records[i];
        REQUIRE(r->kind == PARSE_FUNCTION || r->kind == PARSE_VARIABLE);
        REQUIRE(r->source == source);
        REQUIRE(i == 0 || r->offset > s->records[i - 1].offset);
        require_place(in, r->offset, r->line, r->column);
        require_name(in, r->name, r->offset);
        require_literal_safe(r->type);
        REQUIRE(r->kind == PARSE_VARIABLE || r->storage.length == 0);
    }
    for (size_t i = 0; i < s->marker_count; i++) {
        const struct parse_span *m = &s->markers[i];
        REQUIRE(m->length > 0 && m->offset + m->length <= in->size);
        REQUIRE(line_starts(in, m->offset));
        REQUIRE(i == 0 || m->offset >= s->markers[i - 1].offset + s->markers[i - 1].length);
    }
    REQUIRE(s->record_count <= s->marker_count);
}

static void check_report(const struct input *in, const struct parse_report *r, size_t sources)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct parse_diagnostic *d = &r->items[i];
        REQUIRE(d->source < sources);
        require_place(in, d->offset, d->line, d->column);
        REQUIRE(d->message && d->message[0] != '\0' && strchr(d->message, '\n') == NULL);
    }
}

/* emit.h: TEXT is the text with each marker span cut down to the line
 * breaks in it (so every line keeps its number), ending in '\n'. */
static void check_text(const struct input *in, const struct parse_source *s)
{
    struct buf out = {0};
    REQUIRE(emit_text(in->text, in->size, s->markers, NULL, s->marker_count, &out) == GEN_OK);
    size_t at = 0, start = 0;
    for (size_t i = 0; i <= s->marker_count; i++) {
        size_t end = i < s->marker_count ? s->markers[i].offset : in->size;
        REQUIRE(at + (end - start) <= out.size);
        REQUIRE(memcmp(out.data + at, in->text + start, end - start) == 0);
        at += end - start;
        if (i == s->marker_count)
            break;
        start = end + s->markers[i].length;
        for (size_t k = end; k < start; k++) {
            if (in->text[k] == '\n') {
                REQUIRE(at < out.size && out.data[at] == '\n');
                at++;
            }
        }
    }
    int added = in->size == 0 || in->text[in->size - 1] != '\n';
    REQUIRE(out.size == at + (size_t)added);
    REQUIRE(out.data[out.size - 1] == '\n');
    buf_free(&out);
}

/* Renders every template with the one source's records, as main.c does;
 * the templates are ours, so each must render. */
static void check_render(const struct input *in, const struct parse_source *s,
                         const struct parse_program *program)
{
    struct emit_record *records[PARSE_KINDS] = {NULL};
    struct emit_values values = {.program = "fuzz"};
    for (int kind = 0; kind < PARSE_KINDS; kind++) {
        const struct parse_list *list = &program->of[kind];
        records[kind] = calloc(list->count + 1, sizeof *records[kind]);
        REQUIRE(records[kind]);
        for (size_t i = 0; i < list->count; i++)
            records[kind][i] =
                (struct emit_record){list->items[i]->name, list->items[i]->type, i,
                                     list->items[i]->storage.length ? "vais_hot__persist_" : ""};
        values.of[kind] = (struct emit_list){records[kind], list->count, list->count};
    }
    struct buf text = {0};
    REQUIRE(emit_text(in->text, in->size, s->markers, NULL, s->marker_count, &text) == GEN_OK);
    values.source = "fuzz.c";
    values.unit = "units/fuzz.c";
    values.text = text.data;
    values.text_size = text.size;
    for (size_t i = 0; i < gen_template_count; i++) {
        const struct gen_template *t = &gen_templates[i];
        size_t length = strlen(t->name);
        if (length < 5 || strcmp(t->name + length - 5, ".c.in") != 0)
            continue; /* C only: every target's stubs, the units, the table */
        struct emit_problem problem = {0};
        struct buf out = {0};
        REQUIRE(emit_render(t->bytes, t->size, &values, &out, &problem) == GEN_OK);
        REQUIRE(out.size > 0);
        buf_free(&out);
    }
    buf_free(&text);
    for (int kind = 0; kind < PARSE_KINDS; kind++)
        free(records[kind]);
}

/* The input as one hot source: parse, link, emit. Returns the records' count. */
static size_t one_source(const struct input *in)
{
    struct parse_source source = {0};
    struct parse_report report = {0};
    struct parse_program program = {0};
    const char *const paths[] = {"fuzz.c"};
    enum gen_status status = parse_source(in->text, in->size, 0, &source, &report);
    REQUIRE(status == GEN_OK || status == GEN_BAD_INPUT);
    REQUIRE(status == GEN_OK ? report.count == 0
                             : report.count >= 1 && report.count <= PARSE_MAX_ERRORS + 1);
    for (size_t i = 1; i < report.count; i++) /* found in the order of the text */
        REQUIRE(report.items[i - 1].offset <= report.items[i].offset);
    check_source(in, &source, 0);
    check_report(in, &report, 1);
    check_text(in, &source);
    size_t records = source.record_count;
    if (status == GEN_OK) {
        status = parse_link(&source, paths, 1, &program, &report);
        REQUIRE(status == GEN_OK || status == GEN_BAD_INPUT);
        REQUIRE(program.of[PARSE_FUNCTION].count + program.of[PARSE_VARIABLE].count == records);
        for (int kind = 0; kind < PARSE_KINDS; kind++) {
            const struct parse_list *list = &program.of[kind];
            for (size_t i = 0; i < list->count; i++) {
                REQUIRE(list->items[i]->kind == (enum parse_kind)kind);
                REQUIRE(i == 0 || strcmp(list->items[i - 1]->name, list->items[i]->name) <= 0);
            }
        }
        check_report(in, &report, 1);
        if (status == GEN_OK)
            check_render(in, &source, &program);
    }
    parse_program_free(&program);
    parse_report_free(&report);
    parse_source_free(&source);
    return records;
}

/* The input as two hot sources with the same text: every record is marked
 * twice, so linking must fail and say so at the second source. */
static void two_sources(const struct input *in, size_t records)
{
    struct parse_source sources[2] = {{0}, {0}};
    struct parse_report report = {0};
    struct parse_program program = {0};
    const char *const paths[] = {"a.c", "b.c"};
    enum gen_status status = GEN_OK;
    for (size_t s = 0; s < 2; s++) {
        enum gen_status parsed = parse_source(in->text, in->size, s, &sources[s], &report);
        REQUIRE(parsed == GEN_OK || parsed == GEN_BAD_INPUT);
        status = parsed != GEN_OK ? parsed : status;
    }
    if (status == GEN_OK) {
        status = parse_link(sources, paths, 2, &program, &report);
        REQUIRE(status == (records > 0 ? GEN_BAD_INPUT : GEN_OK));
        REQUIRE(report.count >= records);
    }
    parse_report_sort(&report);
    for (size_t i = 1; i < report.count; i++) {
        const struct parse_diagnostic *d = &report.items[i - 1], *e = &report.items[i];
        REQUIRE(d->source < e->source || (d->source == e->source && d->offset <= e->offset));
    }
    check_report(in, &report, 2);
    parse_program_free(&program);
    parse_report_free(&report);
    parse_source_free(&sources[0]);
    parse_source_free(&sources[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes, so ASan sees any read past the end. */
    char *text = malloc(size ? size : 1);
    size_t *newlines = malloc((size + 1) * sizeof *newlines);
    REQUIRE(text && newlines);
    if (size)
        memcpy(text, data, size);
    newlines[0] = 0;
    for (size_t i = 0; i < size; i++)
        newlines[i + 1] = newlines[i] + (text[i] == '\n');
    struct input in = {text, size, newlines};
    check_tokens(&in);
    size_t records = one_source(&in);
    two_sources(&in, records);
    free(newlines);
    free(text);
    return 0;
}
