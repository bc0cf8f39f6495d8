/* tests/generator/test_emit.c
 * Unit tests of generator/emit.c: the template language (placeholders,
 * literal '@', blocks, what is a template bug), escaping, TEXT, and every
 * embedded template rendering with the values vais-hot gives it.
 * Invariant: a template error is a status with a line, never silent output. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "emit.h"
#include "templates.h"

static const struct emit_record two[] = {
    {"alpha", "int(void)", 0, ""},
    {"zeta", "void(char *)", 3, ""},
};

static const struct emit_record vars[] = {
    {"level", "int", 0, ""},
    {"stats", "struct stats", 2, "vais_hot__persist_"},
};

static const struct emit_unmarked helpers[] = {
    {"clamp", "physics.c"},
    {"mix", "od\"d\tname.c"},
};

static const struct emit_values file_values = {
    .program = "demo",
    .of = {[PARSE_FUNCTION] = {two, 2, 4}, [PARSE_VARIABLE] = {vars, 2, 3}},
    .unmarked = helpers,
    .unmarked_count = 2,
};

/* Renders template with values: the text, or "error N: message". */
static const char *render(const char *template_text, const struct emit_values *values)
{
    static char result[4096];
    struct buf out = {0};
    struct emit_problem problem = {0};
    enum gen_status status =
        emit_render(template_text, strlen(template_text), values, &out, &problem);
    if (status == GEN_BAD_TEMPLATE)
        snprintf(result, sizeof result, "error %zu: %s", problem.line, problem.message);
    else if (status != GEN_OK)
        snprintf(result, sizeof result, "status %d", (int)status);
    else
        snprintf(result, sizeof result, "%s", out.data ? out.data : "");
    buf_free(&out);
    return result;
}

static void placeholders(void)
{
    CHECK_STR(render("'@PROGRAM@' has @COUNT@\n", &file_values), "'demo' has 4\n");
    CHECK_STR(render("a@b @ @@ @x@ @PROGRAM %function $@COUNT@@", &file_values),
              "a@b @ @@ @x@ @PROGRAM %function $4@");
    CHECK_STR(render("x@@PROGRAM@@", &file_values), "x@demo@");
    CHECK_STR(render("no newline at the end: @COUNT@", &file_values), "no newline at the end: 4");
    CHECK_STR(render("", &file_values), "");
}

static void blocks(void)
{
    CHECK_STR(render("[\n@@each function\n@NAME@ @SIGNATURE@ @INDEX@ of @COUNT@\n@@end\n]\n",
                     &file_values),
              "[\nalpha int(void) 0 of 4\nzeta void(char *) 3 of 4\n]\n");
    CHECK_STR(render("@@each function\r\n@NAME@,\r\n@@end\r\nx", &file_values),
              "alpha,\r\nzeta,\r\nx");
    CHECK_STR(render("@@each function\n@@end\n", &file_values), "");
    struct emit_values none = file_values;
    none.of[PARSE_FUNCTION].count = 0;
    CHECK_STR(render("a\n@@each function\n@NAME@\n@@end\nb\n", &none), "a\nb\n");
    /* Only a line that is exactly the directive is one. */
    CHECK_STR(render(" @@each function\n", &file_values), " @@each function\n");
}

static void variable_blocks(void)
{
    CHECK_STR(render("@VARIABLE_COUNT@:\n@@each variable\n@NAME@ @TYPE@ @INDEX@ @SYMBOL@\n@@end\n",
                     &file_values),
              "3:\nlevel int 0 level\nstats struct stats 2 vais_hot__persist_stats\n");
    struct emit_values none = file_values;
    none.of[PARSE_VARIABLE].count = 0;
    CHECK_STR(render("a\n@@each variable\n@NAME@\n@@end\nb\n", &none), "a\nb\n");
    /* Each block has the keys of its own list only. */
    CHECK_STR(render("@@each variable\n@SIGNATURE@\n@@end\n", &file_values),
              "error 2: no value for placeholder @SIGNATURE@");
    CHECK_STR(render("@@each function\n@OFFSET@\n@@end\n", &file_values),
              "error 2: no value for placeholder @OFFSET@"); /* a target's own */
    CHECK_STR(render("@@each function\n@TYPE@\n@@end\n", &file_values),
              "error 2: no value for placeholder @TYPE@");
    CHECK_STR(render("@@each function\n@SYMBOL@\n@@end\n", &file_values),
              "error 2: no value for placeholder @SYMBOL@");
}

/* FILE is written for a line of the unmarked list, which has no escapes. */
static void unmarked_blocks(void)
{
    CHECK_STR(render("@@each unmarked\n@NAME@ \"@FILE@\"\n@@end\n", &file_values),
              "clamp \"physics.c\"\nmix \"od?d?name.c\"\n");
    CHECK_STR(render("@@each unmarked\n@INDEX@\n@@end\n", &file_values),
              "error 2: no value for placeholder @INDEX@");
    CHECK_STR(render("@@each function\n@FILE@\n@@end\n", &file_values),
              "error 2: no value for placeholder @FILE@");
    CHECK_STR(render("@FILE@\n", &file_values), "error 1: no value for placeholder @FILE@");
}

static void conditionals(void)
{
    static const char both[] = "<\n@@if variables\nhas @VARIABLE_COUNT@\n@@each variable\n"
                               "@NAME@,\n@@end\n@@else\nnone\n@@end\n>\n";
    struct emit_values none = file_values;
    none.of[PARSE_VARIABLE].count = 0;
    none.of[PARSE_VARIABLE].total = 0;
    CHECK_STR(render(both, &file_values), "<\nhas 3\nlevel,\nstats,\n>\n");
    CHECK_STR(render(both, &none), "<\nnone\n>\n");
    CHECK_STR(render("@@if variables\nyes\n@@end\nafter\n", &none), "after\n");
    CHECK_STR(render("@@if functions\n@@each function\n@NAME@\n@@end\n@@end\n", &file_values),
              "alpha\nzeta\n");
    none.of[PARSE_FUNCTION].count = 0;
    CHECK_STR(render("@@if functions\nyes\n@@else\nno\n@@end", &none), "no\n");
    /* Template bugs, even in the branch not taken. */
    CHECK_STR(render("@@if variables\nx\n", &file_values),
              "error 1: '@@if variables' without '@@end'");
    CHECK_STR(render("@@if variables\n@@if functions\n@@end\n@@end\n", &file_values),
              "error 2: '@@if functions' inside an '@@if' block");
    CHECK_STR(render("@@if variables\n@@else\n@@else\n@@end\n", &none),
              "error 3: '@@else' after another '@@else'");
    CHECK_STR(render("@@if variables\n@@each variable\n@@else\n@@end\n@@end\n", &none),
              "error 3: '@@else' inside an '@@each' block");
    CHECK_STR(render("@@if variables\nx\n@@else\n@@bogus\n@@end\n", &file_values),
              "error 4: unknown directive @@bogus");
    CHECK_STR(render("@@if variables\n@@each variable\n@@end\n", &file_values),
              "error 1: '@@if variables' without '@@end'");
    CHECK_STR(render("@@each variable\n@@if variables\n@@end\n", &file_values),
              "error 2: '@@if variables' inside an '@@each' block");
    CHECK_STR(render("@@else\n", &file_values), "error 1: unknown directive @@else");
    CHECK_STR(render("@@if variable\n@@end\n", &file_values),
              "error 1: unknown directive @@if variable");
}

static void template_bugs(void)
{
    CHECK_STR(render("x\n@NAME@\n", &file_values), "error 2: no value for placeholder @NAME@");
    CHECK_STR(render("@SOURCE@", &file_values), "error 1: no value for placeholder @SOURCE@");
    CHECK_STR(render("@TEXT@", &file_values), "error 1: no value for placeholder @TEXT@");
    CHECK_STR(render("\n\n@FUNCTION_NAME@", &file_values),
              "error 3: no value for placeholder @FUNCTION_NAME@");
    CHECK_STR(render("a\n@@each function\n@NAME@\n", &file_values),
              "error 2: '@@each function' without '@@end'");
    CHECK_STR(render("@@each function\n@@each function\n@@end\n@@end\n", &file_values),
              "error 2: '@@each function' inside an '@@each' block");
    CHECK_STR(render("@@end\n", &file_values), "error 1: unknown directive @@end");
    CHECK_STR(render("@@each functions\n@@end\n", &file_values),
              "error 1: unknown directive @@each functions");
}

static void unit_values(void)
{
    struct emit_values unit = file_values;
    unit.source = "dir with space/we\"ird\\name?\?/x.c";
    unit.unit = "out/\tunit.c";
    unit.text = "int x;\n";
    unit.text_size = 7;
    CHECK_STR(render("#line 1 \"@SOURCE@\"\n@TEXT@#line @NEXT_LINE@ \"@UNIT@\"\n", &unit),
              "#line 1 \"dir with space/we\\\"ird\\\\name?\\?/x.c\"\nint x;\n#line 4 "
              "\"out/\\011unit.c\"\n");
}

/* TEXT: marker lines blanked to their line break, a final newline added. */
static const char *blank(const char *text, const struct parse_span *spans, size_t count)
{
    static char result[256];
    struct buf out = {0};
    if (emit_text(text, strlen(text), spans, NULL, count, &out) != GEN_OK)
        return "(failed)";
    snprintf(result, sizeof result, "%s", out.data);
    buf_free(&out);
    return result;
}

static void text(void)
{
    const struct parse_span spans[] = {{0, 6}, {22, 13}};
    CHECK_STR(blank("#[hot]\nint f(void) {}\n  // #[hot]  \r\nint g(void) {}", spans, 2),
              "\nint f(void) {}\n\r\nint g(void) {}\n");
    CHECK_STR(blank("", NULL, 0), "\n");
    CHECK_STR(blank("x\n", NULL, 0), "x\n");
    const struct parse_span last[] = {{2, 6}};
    CHECK_STR(blank("x\n#[hot]", last, 1), "x\n\n");
    /* A span keeps its newlines: a joined marker line keeps its lines. */
    const struct parse_span joined[] = {{0, 11}};
    CHECK_STR(blank("#[h\\\not]\\\r\n\nx", joined, 1), "\n\n\nx\n");
}

/* 1 if text has a line "#line N \"unit\"" and N is the number of the
 * line after it, as a compiler counts them. */
static int goes_back_to_the_right_line(const char *text, const char *unit)
{
    long line = 1, named;
    char name[64];
    for (const char *at = text; at; line++) {
        if (sscanf(at, "#line %ld \"%63[^\"]\"", &named, name) == 2 && strcmp(name, unit) == 0)
            return named == line + 1;
        const char *end = strchr(at, '\n');
        at = end ? end + 1 : NULL;
    }
    return 0;
}

/* Renders every embedded template with *values (and, for units, a text). */
static void embedded_templates_with(const struct emit_values *values)
{
    struct emit_values unit = *values;
    unit.source = "src/game.c";
    unit.unit = "gen/game.c";
    unit.text = "int alpha(void) { return 0; }\nvoid zeta(char *s) {}\n";
    unit.text_size = strlen(unit.text);
    int units = 0, stubs = 0, tables = 0;
    CHECK_INT(gen_template_count, >=, 4);
    for (size_t i = 0; i < gen_template_count; i++) {
        const struct gen_template *t = &gen_templates[i];
        int is_unit = strncmp(t->name, "unit", 4) == 0;
        struct buf out = {0};
        struct emit_problem problem = {0};
        enum gen_status status =
            emit_render(t->bytes, t->size, is_unit ? &unit : values, &out, &problem);
        if (status != GEN_OK)
            fprintf(stderr, "%s:%zu: %s\n", t->name, problem.line, problem.message);
        CHECK_INT(status, ==, GEN_OK);
        CHECK_INT(t->bytes[t->size], ==, 0);
        CHECK(out.data && strstr(out.data, "@PROGRAM@") == NULL && strstr(out.data, "@@") == NULL);
        if (is_unit && out.data && strstr(out.data, "gen/game.c")) /* unit_plain has none */
            CHECK(goes_back_to_the_right_line(out.data, "gen/game.c"));
        units += is_unit;
        stubs += strncmp(t->name, "stubs_", 6) == 0;
        tables += strcmp(t->name, "table.c.in") == 0;
        buf_free(&out);
    }
    CHECK_INT(units, ==, 2);
    CHECK_INT(stubs, >=, 1);
    CHECK_INT(tables, ==, 1);
}

/* Every embedded template renders with the values vais-hot gives it, with
 * and without variables, and leaves no placeholder behind. */
static void embedded_templates(void)
{
    struct emit_values no_variables = file_values;
    no_variables.of[PARSE_VARIABLE].total = 0;
    no_variables.of[PARSE_VARIABLE].count = 0;
    for (int round = 0; round < 2; round++)
        embedded_templates_with(round ? &no_variables : &file_values);
}

/* The table's variables: an array when there are some, else 0, 0. */
static void table_variables(void)
{
    const struct gen_template *table = NULL;
    for (size_t i = 0; i < gen_template_count; i++) {
        if (strcmp(gen_templates[i].name, "table.c.in") == 0)
            table = &gen_templates[i];
    }
    CHECK(table != NULL);
    if (!table)
        return;
    struct emit_values none = file_values;
    none.of[PARSE_VARIABLE].total = 0;
    none.of[PARSE_VARIABLE].count = 0;
    struct buf out = {0};
    struct emit_problem problem = {0};
    CHECK_INT(emit_render(table->bytes, table->size, &file_values, &out, &problem), ==, GEN_OK);
    CHECK(out.data &&
          strstr(out.data, "vais_hot__variables[3] = {\n    &vais_hot__variable_level,\n"
                           "    &vais_hot__variable_stats,\n};"));
    CHECK(out.data && strstr(out.data, "    3, vais_hot__variables,\n};"));
    buf_free(&out);
    CHECK_INT(emit_render(table->bytes, table->size, &none, &out, &problem), ==, GEN_OK);
    CHECK(out.data && !strstr(out.data, "vais_hot__variables"));
    CHECK(out.data && strstr(out.data, "vais_hot__functions, 0, 0,\n};"));
    buf_free(&out);
}

int main(void)
{
    placeholders();
    blocks();
    template_bugs();
    unit_values();
    text();
    variable_blocks();
    unmarked_blocks();
    conditionals();
    embedded_templates();
    table_variables();
    return check_exit();
}
