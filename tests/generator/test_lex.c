/* tests/generator/test_lex.c
 * Unit tests of generator/lex.c: tokens, their lines and columns, markers
 * and what hides them (comments, literals, directives, `#if 0` groups),
 * backslash-newlines anywhere, a byte order mark, and the errors.
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

/* The spelling of the first token of text, and whether it is spliced. */
static const char *first_spelling(const char *text)
{
    static char spelled[64];
    struct lex lex;
    struct lex_token t;
    lex_init(&lex, text, strlen(text));
    lex_next(&lex, &t);
    size_t length = lex_spell(text, &t, spelled, sizeof spelled - 1);
    spelled[length < sizeof spelled - 1 ? length : sizeof spelled - 1] = '\0';
    if (t.spliced)
        strcat(spelled, " (spliced)");
    return spelled;
}

/* A backslash-newline joins lines anywhere: inside a token, between the
 * characters of a punctuator, a comment's opening or closing, a marker. */
static void continuations(void)
{
    CHECK_STR(LEX("fo\\\no bar"), "ide:fo\\\no@1:1 ide:bar@2:3 eof@2:6");
    CHECK_STR(LEX("a\\\r\nb 1\\\n2e\\\n+3"), "ide:a\\\r\nb@1:1 num:1\\\n2e\\\n+3@2:3 eof@4:3");
    CHECK_STR(LEX("-\\\n> .\\\n.\\\n. <\\\n<\\\n="),
              "pun:-\\\n>@1:1 pun:.\\\n.\\\n.@2:3 pun:<\\\n<\\\n=@4:3 eof@6:2");
    CHECK_STR(LEX("/\\\n* c *\\\n/ x /\\\n/ y\nz"), "ide:x@3:3 ide:z@5:1 eof@5:2");
    CHECK_STR(LEX("x \\\n\\\n y"), "ide:x@1:1 ide:y@3:2 eof@3:3");
    /* A token ends before a backslash-newline that ends it. */
    CHECK_STR(LEX("ab\\\n cd"), "ide:ab@1:1 ide:cd@2:2 eof@2:4");
    CHECK_STR(first_spelling("fo\\\no\\\r\no x"), "fooo (spliced)");
    CHECK_STR(first_spelling("foo\\\n x"), "foo");
    CHECK_STR(first_spelling("\"a\\\nb\""), "\"ab\" (spliced)");
    CHECK_STR(first_spelling("\\\n\\\nint"), "int");
    /* A marker may be joined too; then its token holds the joins. */
    CHECK_STR(LEX("#[h\\\not]\nint"), "mar:#[h\\\not]@1:1 ide:int@3:1 eof@3:4");
    CHECK_STR(LEX("/\\\n/\\\n #[hot]\nint"), "mar:/\\\n/\\\n #[hot]@1:1 ide:int@4:1 eof@4:4");
    CHECK_STR(LEX("#[hot]\\\n\nint"), "mar:#[hot]@1:1 ide:int@3:1 eof@3:4");
    CHECK_STR(LEX("  \\\n #[hot]\nint"), "mar:#[hot]@2:2 ide:int@3:1 eof@3:4");
    /* A line comment joined to the next line hides it, marker and all. */
    CHECK_STR(LEX("// #[hot] \\\nint f\nx"), "ide:x@3:1 eof@3:2");
}

/* The end of a marker's logical line, which the unit blanks. */
static void line_ends(void)
{
    static const char text[] = "#[h\\\not] \\\r\n \r\nx\\\\\ny";
    CHECK_INT(lex_line_end(text, sizeof text - 1, 0), ==, 13);
    CHECK_INT(lex_line_end(text, sizeof text - 1, 15), ==, 20);
    CHECK_INT(lex_line_end("abc", 3, 1), ==, 3);
    CHECK_INT(lex_line_end("a\r", 2, 0), ==, 2);
}

/* A byte order mark at the start is no text: line 1 starts after it. */
static void byte_order_mark(void)
{
    CHECK_STR(LEX("\xef\xbb\xbf#[hot]\nint"), "mar:#[hot]@1:1 ide:int@2:1 eof@2:4");
    CHECK_STR(LEX("\xef\xbb\xbf#include <a.h>\nx"), "dir:#include <a.h>@1:1 ide:x@2:1 eof@2:2");
    CHECK_STR(LEX("\xef\xbb\xbf"), "eof@1:1");
    CHECK_STR(LEX("\xef\xbb\xbf\n"), "eof@1:1");
    CHECK_STR(LEX("\xef\xbb\xbf x"), "ide:x@1:2 eof@1:3");
    CHECK_INT(lex_text_start("\xef\xbb\xbfx", 4), ==, 3);
    CHECK_INT(lex_text_start("\xef\xbb", 2), ==, 0);
    CHECK_INT(lex_text_start("x\xef\xbb\xbf", 4), ==, 0);
}

/* An `#if 0` group gives no token but its directives; markers and all. */
static void conditional_groups(void)
{
    CHECK_STR(LEX("#if 0\n#[hot]\nint a;\n#endif\nb"),
              "dir:#if 0@1:1 dir:#endif@4:1 ide:b@5:1 eof@5:2");
    CHECK_STR(LEX("#if 0\na\n#else\nb\n#endif\nc"),
              "dir:#if 0@1:1 dir:#else@3:1 ide:b@4:1 dir:#endif@5:1 ide:c@6:1 eof@6:2");
    CHECK_STR(LEX("#if 0\n#ifdef X\na\n#else\nb\n#endif\n#if 1\nc\n#elif 2\n#endif\n#endif\nd"),
              "dir:#if 0@1:1 dir:#endif@11:1 ide:d@12:1 eof@12:2");
    CHECK_STR(LEX("#if 0\na\n#elif 0\nb\n#elif X\nc\n#elif 0\nd\n#endif\ne"),
              "dir:#if 0@1:1 dir:#elif X@5:1 ide:c@6:1 dir:#elif 0@7:1 dir:#endif@9:1 ide:e@10:1 "
              "eof@10:2");
    CHECK_STR(LEX("#if X\na\n#elif 0\nb\n#else\nc\n#endif"),
              "dir:#if X@1:1 ide:a@2:1 dir:#elif 0@3:1 dir:#else@5:1 ide:c@6:1 dir:#endif@7:1 "
              "eof@7:7");
    CHECK_STR(LEX(" # /**/ if/* */0// x\na\n#\\\nendif\nb"),
              "dir:# /**/ if/* */0// x@1:2 dir:#\\\nendif@3:1 ide:b@5:1 eof@5:2");
    CHECK_STR(LEX("#elifdef X\na\n#elifndef Y\n#endif\nb"),
              "dir:#elifdef X@1:1 ide:a@2:1 dir:#elifndef Y@3:1 dir:#endif@4:1 ide:b@5:1 eof@5:2");
    /* Not the literal 0: read. */
    CHECK_STR(LEX("#if 0.0\na\n#if 0u\nb\n#if 0x\nc\n#if 0 || 1\nd\n#if\ne"),
              "dir:#if 0.0@1:1 ide:a@2:1 dir:#if 0u@3:1 ide:b@4:1 dir:#if 0x@5:1 ide:c@6:1 "
              "dir:#if 0 || 1@7:1 ide:d@8:1 dir:#if@9:1 ide:e@10:1 eof@10:2");
    /* An #else or #endif inside a comment or a literal in the group is none. */
    CHECK_STR(LEX("#if 0\n/*\n#endif\n*/\n\"\\\n#else\"\n#endif\nx"),
              "dir:#if 0@1:1 dir:#endif@7:1 ide:x@8:1 eof@8:2");
    /* Errors in a left-out group: a comment left open is one, junk after a
     * marker is none. */
    CHECK_STR(LEX("#if 0\n#[hot] x\n/* y"), "dir:#if 0@1:1 error1(3:1)@3:5");
}

static void errors(void)
{
    CHECK_STR(LEX("#[hot] int f(void)\n"), "error4(0:0)@1:8");
    CHECK_STR(LEX("#[hot]\\\nx"), "error4(0:0)@2:1");
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
    continuations();
    line_ends();
    byte_order_mark();
    conditional_groups();
    errors();
    any_bytes();
    return check_exit();
}
