/* tests/generator/test_lex.c
 * Unit tests of generator/lex.c: tokens, their lines and columns, markers
 * and what hides them (comments, literals, directives), and the errors.
 * Invariant: each check lexes a whole text and compares a one-line summary. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "lex.h"

/* A summary of every token of text: "kind:text@line:col" separated by
 * spaces; LEX_ERROR shows its code and where the unclosed part began. */
static const char *lex_all(const char *text, size_t size)
{
    static char summary[4096];
    struct lex lex;
    struct lex_token t;
    size_t used = 0;
    lex_init(&lex, text, size);
    do {
        lex_next(&lex, &t);
        const char *kind = lex_kind_name(t.kind);
        int n;
        if (t.kind == LEX_ERROR)
            n = snprintf(summary + used, sizeof summary - used, "%serror%d(%zu:%zu)@%zu:%zu",
                         used ? " " : "", (int)t.error, t.open_line, t.open_column, t.line,
                         t.column);
        else if (t.kind == LEX_EOF)
            n = snprintf(summary + used, sizeof summary - used, "%seof@%zu:%zu", used ? " " : "",
                         t.line, t.column);
        else
            n = snprintf(summary + used, sizeof summary - used, "%s%.3s:%.*s@%zu:%zu",
                         used ? " " : "", kind, (int)t.length, text + t.offset, t.line, t.column);
        used += n > 0 ? (size_t)n : 0;
        if (used >= sizeof summary)
            return "(summary too long)";
    } while (t.kind != LEX_EOF && t.kind != LEX_ERROR);
    return summary;
}

#define LEX(text) lex_all(text, sizeof text - 1)

static void tokens_and_positions(void)
{
    CHECK_STR(LEX("int f(void)\n{ return 0; }\n"),
              "ide:int@1:1 ide:f@1:5 pun:(@1:6 ide:void@1:7 pun:)@1:11 pun:{@2:1 "
              "ide:return@2:3 num:0@2:10 pun:;@2:11 pun:}@2:13 eof@2:14");
    CHECK_STR(LEX("a->b <<= c ... d.e"),
              "ide:a@1:1 pun:->@1:2 ide:b@1:4 pun:<<=@1:6 ide:c@1:10 pun:...@1:12 ide:d@1:16 "
              "pun:.@1:17 ide:e@1:18 eof@1:19");
    CHECK_STR(LEX("1e+5 0x1p-3 .5 1.0f"),
              "num:1e+5@1:1 num:0x1p-3@1:6 num:.5@1:13 num:1.0f@1:16 eof@1:20");
    CHECK_STR(LEX("\t x\r\n\r\ny"), "ide:x@1:3 ide:y@3:1 eof@3:2");
    CHECK_STR(LEX("a @ ` \\ $b"), "ide:a@1:1 oth:@@1:3 oth:`@1:5 oth:\\@1:7 ide:$b@1:9 eof@1:11");
    CHECK_STR(lex_all("x\0y", 3), "ide:x@1:1 oth:@1:2 ide:y@1:3 eof@1:4");
}

static void end_of_file(void)
{
    CHECK_STR(LEX(""), "eof@1:1");
    CHECK_STR(LEX("abc"), "ide:abc@1:1 eof@1:4");
    CHECK_STR(LEX("abc\n"), "ide:abc@1:1 eof@1:4");
    CHECK_STR(LEX("abc\n\n"), "ide:abc@1:1 eof@2:1");
    CHECK_STR(LEX("abc\r\n"), "ide:abc@1:1 eof@1:5");
}

static void literals_and_comments(void)
{
    CHECK_STR(LEX("\"a\\\"b\" 'x' '\\''"),
              "str:\"a\\\"b\"@1:1 cha:'x'@1:8 cha:'\\''@1:12 eof@1:16");
    CHECK_STR(LEX("/* a\n b */ c // d\ne"), "ide:c@2:7 ide:e@3:1 eof@3:2");
    /* A line comment goes on after a backslash-newline. */
    CHECK_STR(LEX("// a \\\nb\nc"), "ide:c@3:1 eof@3:2");
    /* A literal without its closing quote ends at its line. */
    CHECK_STR(LEX("don't\nx"), "ide:don@1:1 cha:'t@1:4 ide:x@2:1 eof@2:2");
    CHECK_STR(LEX("\"a\\\nb\" c"), "str:\"a\\\nb\"@1:1 ide:c@2:4 eof@2:5");
    /* A backslash-newline between tokens is no token. */
    CHECK_STR(LEX("a \\\n b"), "ide:a@1:1 ide:b@2:2 eof@2:3");
}

static void directives(void)
{
    CHECK_STR(LEX("#include <a.h>\nx"), "dir:#include <a.h>@1:1 ide:x@2:1 eof@2:2");
    CHECK_STR(LEX("  # define X \\\n  1\ny"), "dir:# define X \\\n  1@1:3 ide:y@3:1 eof@3:2");
    CHECK_STR(LEX("#define X /* a\n b */ 1\ny"),
              "dir:#define X /* a\n b */ 1@1:1 ide:y@3:1 eof@3:2");
    CHECK_STR(LEX("#define S \"//\" 1\ny"), "dir:#define S \"//\" 1@1:1 ide:y@2:1 eof@2:2");
    CHECK_STR(LEX("#error don't\ny"), "dir:#error don't@1:1 ide:y@2:1 eof@2:2");
    /* '#' starts a directive only first on its line; comments do not count. */
    CHECK_STR(LEX("/* c */ #define X\ny"), "dir:#define X@1:9 ide:y@2:1 eof@2:2");
    CHECK_STR(LEX("a # b"), "ide:a@1:1 pun:#@1:3 ide:b@1:5 eof@1:6");
    CHECK_STR(LEX("a \\\n#define X"), "ide:a@1:1 pun:#@2:1 ide:define@2:2 ide:X@2:9 eof@2:10");
}

static void markers(void)
{
    CHECK_STR(LEX("#[hot]\nint"), "mar:#[hot]@1:1 ide:int@2:1 eof@2:4");
    CHECK_STR(LEX("  \t#[hot] \t\r\nint"), "mar:#[hot]@1:4 ide:int@2:1 eof@2:4");
    CHECK_STR(LEX("// #[hot]\nint"), "mar:// #[hot]@1:1 ide:int@2:1 eof@2:4");
    CHECK_STR(LEX("//#[hot]"), "mar://#[hot]@1:1 eof@1:9");
    CHECK_STR(LEX("\t//\t #[hot]  \n"), "mar://\t #[hot]@1:2 eof@1:14");
    CHECK_STR(LEX("x;\n#[hot]\n"), "ide:x@1:1 pun:;@1:2 mar:#[hot]@2:1 eof@2:7");
    CHECK_STR(LEX("#[persist]\nint"), "mar:#[persist]@1:1 ide:int@2:1 eof@2:4");
    CHECK_STR(LEX("  // #[persist] \r\nint"), "mar:// #[persist]@1:3 ide:int@2:1 eof@2:4");
}

/* Which marker a token is, and its text. */
static void marker_kinds(void)
{
    static const char text[] = "#[hot]\n// #[persist]\n#[persist] x\nint";
    struct lex lex;
    struct lex_token t;
    lex_init(&lex, text, sizeof text - 1);
    lex_next(&lex, &t);
    CHECK_INT(t.marker, ==, LEX_MARKER_HOT);
    lex_next(&lex, &t);
    CHECK_INT(t.kind, ==, LEX_MARKER);
    CHECK_INT(t.marker, ==, LEX_MARKER_PERSIST);
    lex_next(&lex, &t);
    CHECK_INT(t.kind, ==, LEX_ERROR);
    CHECK_INT(t.error, ==, LEX_ERROR_MARKER_JUNK);
    CHECK_INT(t.marker, ==, LEX_MARKER_PERSIST);
    lex_next(&lex, &t);
    CHECK_INT(t.kind, ==, LEX_IDENT);
    CHECK_INT(t.marker, ==, LEX_MARKER_NONE);
    CHECK_STR(lex_marker_text(LEX_MARKER_HOT), "#[hot]");
    CHECK_STR(lex_marker_text(LEX_MARKER_PERSIST), "#[persist]");
    CHECK_STR(lex_marker_text(LEX_MARKER_NONE), "");
}

static void not_markers(void)
{
    /* In a block comment, a string, a directive, a continued line comment. */
    CHECK_STR(LEX("/*\n#[hot]\n// #[hot]\n*/"), "eof@4:3");
    CHECK_STR(LEX("\"\\\n#[hot]\""), "str:\"\\\n#[hot]\"@1:1 eof@2:8");
    CHECK_STR(LEX("#define A \\\n#[hot]\n"), "dir:#define A \\\n#[hot]@1:1 eof@2:7");
    CHECK_STR(LEX("// a \\\n#[hot]\n"), "eof@2:7");
    /* Not alone on its line: a comment marker with more is just a comment. */
    CHECK_STR(LEX("// #[hot] update\n"), "eof@1:17");
    CHECK_STR(LEX("x // #[hot]\n"), "ide:x@1:1 eof@1:12");
    CHECK_STR(LEX("/* */ #[hot]\n"), "dir:#[hot]@1:7 eof@1:13");
    CHECK_STR(LEX("#[hots]\n"), "dir:#[hots]@1:1 eof@1:8");
    CHECK_STR(LEX("# [hot]\n"), "dir:# [hot]@1:1 eof@1:8");
    CHECK_STR(LEX("#[persistent]\n"), "dir:#[persistent]@1:1 eof@1:14");
    CHECK_STR(LEX("/*\n#[persist]\n*/"), "eof@3:3");
}

static void errors(void)
{
    CHECK_STR(LEX("#[hot] int f(void)\n"), "error4(0:0)@1:8");
    CHECK_STR(LEX("#[hot]\\\n"), "error4(0:0)@1:7");
    CHECK_STR(LEX("a /* b\nc"), "ide:a@1:1 error1(1:3)@2:2");
    CHECK_STR(LEX("a /* b\n"), "ide:a@1:1 error1(1:3)@1:7");
    CHECK_STR(LEX("x = \"abc"), "ide:x@1:1 pun:=@1:3 error2(1:5)@1:9");
    CHECK_STR(LEX("x = '\\"), "ide:x@1:1 pun:=@1:3 error3(1:5)@1:7");
    CHECK_STR(LEX("#define X /* a"), "error1(1:11)@1:15");
    CHECK_STR(LEX("#define X \"a\\\n"), "error2(1:11)@1:14");
    /* After an error the lexer goes on, to the end. */
    struct lex lex;
    struct lex_token t;
    const char text[] = "a /* b";
    lex_init(&lex, text, sizeof text - 1);
    int calls = 0;
    do
        lex_next(&lex, &t);
    while (t.kind != LEX_EOF && ++calls < 10);
    CHECK_INT(calls, <, 10);
}

/* Every byte value, in every position, ends in EOF: no hang, no overrun. */
static void any_bytes(void)
{
    char text[3];
    int all_end = 1;
    for (int a = 0; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            text[0] = (char)a;
            text[1] = (char)b;
            text[2] = '\\';
            struct lex lex;
            struct lex_token t;
            int calls = 0;
            lex_init(&lex, text, 3);
            do
                lex_next(&lex, &t);
            while (t.kind != LEX_EOF && ++calls < 10);
            all_end &= calls < 10 && t.offset <= 3;
        }
    }
    CHECK(all_end);
}

int main(void)
{
    tokens_and_positions();
    end_of_file();
    literals_and_comments();
    directives();
    markers();
    marker_kinds();
    not_markers();
    errors();
    any_bytes();
    return check_exit();
}
