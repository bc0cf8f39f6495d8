/* tests/generator/test_parse.c
 * Unit tests of generator/parse.c: canonical signatures of every declaration
 * form (and that spellings of one type give one signature), markers hidden by
 * `#if 0` or joined by backslash-newlines, the errors and where they point,
 * linking (sort, duplicates), and robustness: mutated and huge inputs end in
 * a status, in linear time.
 * Invariant: parse runs in-process here, so sanitizers see every byte read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "emit.h"
#include "lex.h"
#include "parse.h"

/* Parses text as one source: "name=signature" per function joined by "; ",
 * then "name:type" per #[persist] variable, or "line:col: message" for each
 * error, joined by " | " (the records of good definitions dropped). */
static const char *parse_text(const char *text, size_t size)
{
    static char summary[8192];
    struct parse_source source = {0};
    struct parse_report report = {0};
    enum gen_status status = parse_source(text, size, 0, &source, &report);
    size_t used = 0;
    summary[0] = '\0';
    for (size_t i = 0; status == GEN_BAD_INPUT && i < report.count && used < sizeof summary; i++) {
        const struct parse_diagnostic *d = &report.items[i];
        int n = snprintf(summary + used, sizeof summary - used, "%s%zu:%zu: %s", i ? " | " : "",
                         d->line, d->column, d->message);
        used += n > 0 ? (size_t)n : 0;
    }
    if ((status == GEN_BAD_INPUT && report.count == 0) ||
        (status != GEN_OK && status != GEN_BAD_INPUT))
        snprintf(summary, sizeof summary, "status %d, %zu errors", (int)status, report.count);
    /* The functions, then the variables, each in the order of the text. */
    for (int kind = 0; kind < PARSE_KINDS; kind++) {
        for (size_t i = 0; status == GEN_OK && i < source.record_count && used < sizeof summary;
             i++) {
            const struct parse_record *r = &source.records[i];
            if (r->kind != (enum parse_kind)kind)
                continue;
            int n = snprintf(summary + used, sizeof summary - used, "%s%s%c%s", used ? "; " : "",
                             r->name, kind == PARSE_FUNCTION ? '=' : ':', r->type);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    parse_source_free(&source);
    parse_report_free(&report);
    return summary;
}

#define PARSE(text) parse_text(text, sizeof text - 1)

static void signatures_from_the_design(void)
{
    CHECK_STR(PARSE("#[hot]\nint game_update(GameState *state) { return 0; }\n"),
              "game_update=int(GameState *)");
    CHECK_STR(PARSE("// #[hot]\nvoid render(const GameState *s, char *out, size_t n) {}\n"),
              "render=void(const GameState *, char *, size_t)");
    CHECK_STR(PARSE("#[hot]\nunsigned long long f(void) { return 1; }"),
              "f=unsigned long long(void)");
    CHECK_STR(PARSE("#[hot]\nvoid on(void (*cb)(int code, void *ctx), struct pt p) {}"),
              "on=void(void (*)(int, void *), struct pt)");
    CHECK_STR(PARSE("#[hot]\nint sum(int a[4]) { return a[0]; }"), "sum=int(int *)");
}

static void return_types(void)
{
    CHECK_STR(PARSE("#[hot]\nchar **split(const char *s) {}"), "split=char **(const char *)");
    CHECK_STR(PARSE("#[hot]\nstruct pt make(int x) {}"), "make=struct pt(int)");
    CHECK_STR(PARSE("#[hot]\nunion u get(union u *p) {}"), "get=union u(union u *)");
    CHECK_STR(PARSE("#[hot]\nenum color pick(enum color c) {}"), "pick=enum color(enum color)");
    CHECK_STR(PARSE("#[hot]\nGameState *state_of(World *w) {}"), "state_of=GameState *(World *)");
    CHECK_STR(PARSE("#[hot]\nlong double ld(long double x) {}"), "ld=long double(long double)");
    CHECK_STR(PARSE("#[hot]\nsigned char sc(unsigned short us, long int li) {}"),
              "sc=signed char(unsigned short, long int)");
    CHECK_STR(PARSE("#[hot]\n_Bool ok(bool b) {}"), "ok=_Bool(bool)");
    CHECK_STR(PARSE("#[hot]\n_BitInt(24) wide(typeof(x) y) {}"), "wide=_BitInt (24)(typeof (x))");
    /* The qualifiers of a return type are no part of the function's type
     * (C17 6.7.6.3p5); those below its top are. */
    CHECK_STR(PARSE("#[hot]\nconst volatile int cv(void) {}"), "cv=int(void)");
    CHECK_STR(PARSE("#[hot]\nconst char *const name(void) {}"), "name=const char *(void)");
    CHECK_STR(PARSE("#[hot]\nint *volatile *restrict pp(void) {}"), "pp=int *volatile *(void)");
    CHECK_STR(PARSE("#[hot]\n_Atomic int ai(void) {}"), "ai=_Atomic int(void)");
}

/* extern, inline, _Noreturn and their spellings are no part of the type,
 * wherever they stand among the specifiers. */
static void specifiers(void)
{
    CHECK_STR(PARSE("#[hot]\ninline int a(void) {}\n#[hot]\nextern int b(void) {}\n"
                    "#[hot]\nextern inline int c(void) {}\n#[hot]\n_Noreturn void d(void) {}"),
              "a=int(void); b=int(void); c=int(void); d=void(void)");
    CHECK_STR(
        PARSE("#[hot]\nvoid noreturn e(void) {}\n#[hot]\nint __inline__ extern f(void) {}\n"
              "#[hot]\n__extension__ long long g(void) {}\n#[hot]\nunsigned inline h(void) {}"),
        "e=void(void); f=int(void); g=long long(void); h=unsigned(void)");
    CHECK_STR(PARSE("#[hot]\nint static_assert_helper(void) {}"), "static_assert_helper=int(void)");
}

/* GNU and C23 attributes, anywhere a declaration may hold them, are no part
 * of the type. */
static void attributes(void)
{
    CHECK_STR(PARSE("#[hot]\n__attribute__((noinline)) int a(void) __attribute__((hot)) {}"),
              "a=int(void)");
    CHECK_STR(
        PARSE("#[hot]\n[[nodiscard]] int b(void) {}\n"
              "#[hot]\n[[noreturn]] [[gnu::cold]] void c(void) {}\n"
              "#[hot]\nint [[gnu::aligned(8)]] d [[deprecated(\"no\")]] (void) [[gnu::hot]] {}"),
        "b=int(void); c=void(void); d=int(void)");
    CHECK_STR(
        PARSE("#[hot]\nvoid e(__attribute__((unused)) int x, int y __attribute__((unused)),\n"
              "       [[maybe_unused]] char *z, int *[[gnu::unused]] w, int *__attribute__((x)) "
              "const v) {}"),
        "e=void(int, int, char *, int *, int *)");
    CHECK_STR(PARSE("#[hot]\nstruct __attribute__((packed)) pt f(struct [[deprecated]] pt p) {}"),
              "f=struct pt(struct pt)");
    CHECK_STR(PARSE("#[hot]\n_Alignas(8) int g(void) __attribute__((section(\"x\"), used)) {}"),
              "g=int(void)");
    CHECK_STR(PARSE("#[hot]\nint (__attribute__((cdecl)) *h(void))(int) {}"),
              "h=int (*(void))(int)");
}

/* Real headers' macros (LUALIB_API, SDLCALL, export macros) and typedef
 * names stand before the name, which is the identifier right before the
 * parameter list; they are words of the type, compared as written. */
static void words(void)
{
    CHECK_STR(PARSE("#[hot]\nLUALIB_API lua_Number luaL_checknumber (lua_State *L, int arg) {}"),
              "luaL_checknumber=LUALIB_API lua_Number(lua_State *, int)");
    CHECK_STR(PARSE("#[hot]\nint SDLCALL cb(void *userdata, int x) {}"),
              "cb=int SDLCALL(void *, int)");
    CHECK_STR(PARSE("#[hot]\nAPI u8 f(u8 x) {}\n#[hot]\nAPI u8 *g(u8 x) {}"),
              "f=API u8(u8); g=API u8 *(u8)");
    CHECK_STR(PARSE("#[hot]\nextern DECLSPEC void * SDLCALL SDL_malloc(size_t size) {}"),
              "SDL_malloc=DECLSPEC void *SDLCALL(size_t)");
    CHECK_STR(PARSE("#[hot]\nLUA_API int (lua_gettop) (lua_State *L) {}\n"
                    "#[hot]\nLUALIB_API lua_Number (luaL_opt) (lua_State *L, lua_Number d) {}"),
              "lua_gettop=LUA_API int(lua_State *); luaL_opt=LUALIB_API lua_Number(lua_State *, "
              "lua_Number)");
    CHECK_STR(PARSE("#[hot]\nint set(void (SDLCALL *fn)(void *), API u8 *const SDLCALL *pp) {}"),
              "set=int(void (SDLCALL *)(void *), API u8 *const SDLCALL *)");
    CHECK_STR(PARSE("#[hot]\nint A B C f(int [[gnu::unused]] x, T U (*g)(int)) {}"),
              "f=int A B C(int, T U (*)(int))");
    /* A word is no name: `(SDLCALL f)` has no '*' to write it with. */
    CHECK_STR(PARSE("#[hot]\nint h(int (SDLCALL cb)(void)) {}"),
              "2:12: unexpected 'SDLCALL' in the declaration of 'h'");
    /* What follows a name: a keyword means a ';' is missing. */
    CHECK_STR(PARSE("#[persist]\nT a\nint b;"),
              "3:1: expected ';' to end the definition of 'a', found 'int'");
    /* Attribute macros after a name or a parameter list, on its line. */
    CHECK_STR(PARSE("#[hot]\nint f(int x UNUSED, T *p G_GNUC_UNUSED, int (*g)(void) A B) {}"),
              "f=int(int, T *, int (*)(void))");
    CHECK_STR(PARSE("#[hot]\nint f(void) NOEXCEPT {}"), "f=int(void)");
    CHECK_STR(PARSE("#[persist]\nint a UNUSED;"), "a:int");
    CHECK_STR(PARSE("#[persist]\nint a[3]\ncount = 3;"),
              "3:1: expected ';' to end the definition of 'a', found 'count'");
    /* Macros before a type keyword, while none came before it, on its line. */
    CHECK_STR(PARSE("#[hot]\nSDL_DECLSPEC SDL_MALLOC void *SDLCALL f(size_t n) {}"),
              "f=SDL_DECLSPEC SDL_MALLOC void *SDLCALL(size_t)");
    CHECK_STR(PARSE("#[hot]\nAPI const char *f(void) {}"), "f=const API char *(void)");
    CHECK_STR(PARSE("#[hot]\nint f(int a int) {}"),
              "2:13: unexpected 'int' in the declaration of 'f'");
    /* A macro call that names a type, while no type keyword came before. */
    CHECK_STR(PARSE("#[hot]\nSTACK_OF(X509) *f(LIST(int) l, const MAP(a, b) *m) {}"),
              "f=STACK_OF(X509) *(LIST(int), const MAP(a, b) *)");
    CHECK_STR(PARSE("#[hot]\nT f(void) NOEXCEPT {}"), "f=T(void)");
    CHECK_STR(PARSE("#[hot]\nint f(a) int a; {}"),
              "2:10: 'f' is a K&R-style definition, which is not supported; declare the "
              "parameter types inside the parentheses");
}

static void parameters(void)
{
    CHECK_STR(PARSE("#[hot]\nint f() {}"), "f=int(void)");
    CHECK_STR(PARSE("#[hot]\nint f(void) {}"), "f=int(void)");
    CHECK_STR(PARSE("#[hot]\nint f(int, char *) {}"), "f=int(int, char *)");
    CHECK_STR(PARSE("#[hot]\nint f(struct pt p, struct pt *q, const struct pt *r) {}"),
              "f=int(struct pt, struct pt *, const struct pt *)");
    CHECK_STR(PARSE("#[hot]\nint apply(callback_t cb, void *ctx) {}"),
              "apply=int(callback_t, void *)");
    CHECK_STR(PARSE("#[hot]\nvoid f(int (*)(int), void (*cb)()) {}"),
              "f=void(int (*)(int), void (*)())");
    CHECK_STR(PARSE("#[hot]\nvoid f(int (*(*g)(int a))(char b)) {}"),
              "f=void(int (*(*)(int))(char))");
    CHECK_STR(PARSE("#[hot]\nvoid f(void (*log)(const char *fmt, ...)) {}"),
              "f=void(void (*)(const char *, ...))");
    CHECK_STR(PARSE("#[hot]\nvoid f(int (x), int ((y)), int *(z)) {}"), "f=void(int, int, int *)");
    CHECK_STR(PARSE("#[hot]\nvoid f(struct pt (*(*table)[4])(void)) {}"),
              "f=void(struct pt (*(*)[4])(void))");
    /* Variadic: the stub forwards the call as the caller made it. */
    CHECK_STR(PARSE("#[hot]\nint f(const char *fmt, ...) {}\n#[hot]\nint g(...) {}\n"
                    "#[hot]\nint h(const char *fmt, va_list ap) {}"),
              "f=int(const char *, ...); g=int(...); h=int(const char *, va_list)");
}

/* A parameter's type is adjusted as C adjusts it: arrays and functions
 * become pointers, and top-level qualifiers go (C17 6.7.6.3p7, p8, p15). */
static void parameter_adjustment(void)
{
    CHECK_STR(PARSE("#[hot]\nint f(char buf[], int m[2][3], int grid[][3]) {}"),
              "f=int(char *, int (*)[3], int (*)[3])");
    CHECK_STR(PARSE("#[hot]\nint f(int n, int a[n], int b[static 4], int c[*]) {}"),
              "f=int(int, int *, int *, int *)");
    CHECK_STR(PARSE("#[hot]\nint f(int a[N + 1], int b[2 * N], int n, int m[n][n + 1]) {}"),
              "f=int(int *, int *, int, int (*)[n + 1])");
    CHECK_STR(PARSE("#[hot]\nint f(const int a[const 4], int b[restrict static 1], "
                    "_Atomic int c[_Atomic]) {}"),
              "f=int(const int *, int *, _Atomic int *_Atomic)");
    CHECK_STR(PARSE("#[hot]\nvoid f(void (*handlers[4])(int sig)) {}"), "f=void(void (**)(int))");
    CHECK_STR(PARSE("#[hot]\nvoid f(int (int), int fn(double d), void g(void)) {}"),
              "f=void(int (*)(int), int (*)(double), void (*)(void))");
    CHECK_STR(PARSE("#[hot]\nvoid f(register int r, char *restrict p, volatile int *v) {}"),
              "f=void(int, char *, volatile int *)");
    CHECK_STR(PARSE("#[hot]\nint f(const char *const name, char **argv, const int n) {}"),
              "f=int(const char *, char **, int)");
    /* Inside a parameter's own parameter list too. */
    CHECK_STR(PARSE("#[hot]\nvoid f(void (*cb)(const int n, char s[8], int g(void))) {}"),
              "f=void(void (*)(int, char *, int (*)(void)))");
    /* An array of arrays inside a pointer is an object type: no adjustment. */
    CHECK_STR(PARSE("#[hot]\nvoid f(int (*a)[4], char (*const s)[2][N]) {}"),
              "f=void(int (*)[4], char (*)[2][N])");
}

/* Qualifiers are spelled first, once, in one order; '_Atomic (T)' is
 * '_Atomic T' (or 'T _Atomic' for a pointer T), and stays in a parameter. */
static void qualifiers(void)
{
    CHECK_STR(PARSE("#[hot]\nvoid f(int const *a, const int *b, const const int *c) {}"),
              "f=void(const int *, const int *, const int *)");
    CHECK_STR(PARSE("#[hot]\nvoid f(volatile const char *a, char const volatile *b) {}"),
              "f=void(const volatile char *, const volatile char *)");
    CHECK_STR(
        PARSE("#[hot]\nvoid f(int *const volatile *restrict p, __const char *__restrict q) {}"),
        "f=void(int *const volatile *, const char *)");
    CHECK_STR(PARSE("#[hot]\nvoid f(_Atomic(int) *a, _Atomic int *b, int _Atomic *c) {}"),
              "f=void(_Atomic int *, _Atomic int *, _Atomic int *)");
    CHECK_STR(PARSE("#[hot]\nvoid f(_Atomic(int) a, _Atomic int b, const _Atomic(long) c) {}"),
              "f=void(_Atomic int, _Atomic int, _Atomic long)");
    CHECK_STR(
        PARSE("#[hot]\n_Atomic(int *) f(_Atomic(const char *) *s, const _Atomic(int *) p) {}"),
        "f=int *_Atomic(const char *_Atomic *, int *_Atomic)");
    CHECK_STR(PARSE("#[hot]\nvoid f(__typeof__(x) *t, typeof_unqual(int) u) {}"),
              "f=void(__typeof__ (x) *, typeof_unqual (int))");
}

/* Spellings of one function type give one signature: an edit between them
 * needs no restart. */
static void same_type_same_signature(void)
{
    static const char *const pairs[][2] = {
        {"int f(int a[4])", "int f(int *a)"},
        {"int f(int a[static 8])", "int f(int *const a)"},
        {"int f(int m[][3])", "int f(int (*m)[3])"},
        {"void f(int g(int))", "void f(int (*g)(int))"},
        {"void f(const int n)", "void f(int n)"},
        {"const int f(void)", "int f()"},
        {"int const *f(char const *s)", "const int *f(const char *s)"},
        {"_Atomic(int) f(_Atomic(int) *p)", "_Atomic int f(int _Atomic *p)"},
        {"int (*f(int k))(int, int)", "int (*f(int))(int a, int b)"},
        {"[[nodiscard]] extern inline int f(void) __attribute__((hot))", "int f(void)"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "#[hot]\n%s {}", pairs[i][0]);
        snprintf(b, sizeof b, "#[hot]\n%s {}", pairs[i][1]);
        char first[256];
        snprintf(first, sizeof first, "%s", parse_text(a, strlen(a)));
        CHECK(strncmp(first, "f=", 2) == 0); /* a signature, not the same error twice */
        CHECK_STR(first, parse_text(b, strlen(b)));
    }
}

/* A function may return a pointer to a function (or to an array): its
 * parameter list is the first after its name. */
static void function_pointer_returns(void)
{
    CHECK_STR(PARSE("#[hot]\nint (*pick(int k))(int, int) { return 0; }"),
              "pick=int (*(int))(int, int)");
    CHECK_STR(PARSE("#[hot]\nvoid (*signal_like(int sig, void (*handler)(int)))(int) {}"),
              "signal_like=void (*(int, void (*)(int)))(int)");
    CHECK_STR(PARSE("#[hot]\nint (*(*maker(void))(char))(double) {}"),
              "maker=int (*(*(void))(char))(double)");
    CHECK_STR(PARSE("#[hot]\nconst char *(*const names(int n))[4] {}"),
              "names=const char *(*(int))[4]");
    CHECK_STR(PARSE("#[hot]\nint (*(variadic_maker)(void))(const char *, ...) {}"),
              "variadic_maker=int (*(void))(const char *, ...)");
    CHECK_STR(PARSE("#[hot]\nint (*empty())() {}"), "empty=int (*(void))()");
    CHECK_STR(PARSE("#[hot]\nint (f)(int x) {}"), "f=int(int)");
}

/* Parses text and blanks what it says to: the unit's text, or the error. */
static const char *unit_text(const char *text, size_t size)
{
    static char result[512];
    struct parse_source source = {0};
    struct parse_report report = {0};
    struct buf out = {0};
    if (parse_source(text, size, 0, &source, &report) != GEN_OK)
        snprintf(result, sizeof result, "%s", report.count ? report.items[0].message : "failed");
    else if (emit_text(text, size, source.markers, NULL, source.marker_count, &out) != GEN_OK)
        snprintf(result, sizeof result, "emit_text failed");
    else
        snprintf(result, sizeof result, "%s", out.data);
    buf_free(&out);
    parse_source_free(&source);
    parse_report_free(&report);
    return result;
}

#define UNIT(text) unit_text(text, sizeof text - 1)

/* A backslash-newline joins two lines anywhere, even inside a name, a
 * keyword, a punctuator or a marker: the signature is that of the joined
 * text, and the unit keeps every line (and its number). */
static void continuations(void)
{
    CHECK_STR(PARSE("#[hot]\nint fo\\\no(int a, \\\n int \\\nb) {}"), "foo=int(int, int)");
    CHECK_STR(PARSE("#[hot]\nun\\\nsigned lo\\\r\nng f(co\\\nnst char *s) {}"),
              "f=unsigned long(const char *)");
    CHECK_STR(PARSE("#[hot]\nvoid f(void (*cb)(int, .\\\n.\\\n.)) {}"),
              "f=void(void (*)(int, ...))");
    CHECK_STR(PARSE("#[h\\\not]\nint f(void) {}\n/\\\n/ #[hot]\nint g(void) {}\n"
                    "#[hot]\\\n\nint h(void) {}\n  \\\n  #[hot]\nint i(void) {}"),
              "f=int(void); g=int(void); h=int(void); i=int(void)");
    CHECK_STR(UNIT("#[h\\\not]\nint f(void) {}\n#[hot]\\\r\n\r\nint h(void) {}\n"),
              "\n\nint f(void) {}\n\n\r\nint h(void) {}\n");
    /* A line comment goes on after a backslash-newline: its marker is none. */
    CHECK_STR(PARSE("// #[hot] \\\nint f(void) {}\n"), "");
    CHECK_STR(PARSE("#[hot] \\\nint f(void) {}\n"), "2:1: '#[hot]' must stand alone on its line");
    /* Messages spell names joined. */
    CHECK_STR(PARSE("#[hot]\nstatic int na\\\nme(void) {}"),
              "2:1: hot function 'name' must have external linkage; remove 'static'");
    CHECK_STR(PARSE("#[hot]\nint f(int a\\\nb c) {}"), "f=int(int ab)");
    CHECK_STR(PARSE("#[hot]\nint f(_Atomic(int x\\\ny) z) {}"),
              "2:19: unexpected 'xy' in the declaration of 'f'");
}

/* A UTF-8 byte order mark is no text: line 1 starts after it, and the
 * unit, whose text follows a #line directive, leaves it out. */
static void byte_order_mark(void)
{
    CHECK_STR(PARSE("\xef\xbb\xbf#[hot]\nint f(void) {}\n"), "f=int(void)");
    CHECK_STR(UNIT("\xef\xbb\xbf#[hot]\nint f(void) {}\n"), "\nint f(void) {}\n");
    CHECK_STR(UNIT("\xef\xbb\xbfint x;"), "int x;\n");
    CHECK_STR(PARSE("\xef\xbb\xbf#[hot] int f(void) {}\n"),
              "1:8: '#[hot]' must stand alone on its line");
    CHECK_STR(PARSE("\xef\xbb\xbfstatic int x;\n#[hot]\nstatic int f(void) {}\n"),
              "3:1: hot function 'f' must have external linkage; remove 'static'");
}

/* Markers in a group an `#if 0` leaves out are none, however the directive
 * is spelled, and their lines stay in the unit; those of its #else are
 * markers. No other condition is evaluated. */
static void conditional_groups(void)
{
    CHECK_STR(PARSE("#if 0\n#[hot]\nint a(void) {}\n#endif\n#[hot]\nint b(void) {}"),
              "b=int(void)");
    CHECK_STR(UNIT("#if 0\n#[hot]\nint a(void) {}\n#endif\n#[hot]\nint b(void) {}"),
              "#if 0\n#[hot]\nint a(void) {}\n#endif\n\nint b(void) {}\n");
    CHECK_STR(PARSE("#if 0\n#[hot]\nint a(void) {}\n#else\n#[hot]\nint b(void) {}\n#endif\n"),
              "b=int(void)");
    CHECK_STR(PARSE("#if 0\n#if X\n#[hot]\nint a(void) {}\n#else\n// #[hot]\nint c(void) {}\n"
                    "#endif\n#ifdef Y\n#elif Z\n#endif\n#ifndef W\n#[persist]\nint d;\n#endif\n"
                    "#else\n#[hot]\nint b(void) {}\n#endif\n#[hot]\nint e(void) {}"),
              "b=int(void); e=int(void)");
    CHECK_STR(PARSE("  #  if   0  // old\n#[hot]\nint a(void) {}\n#endif\n"), "");
    CHECK_STR(PARSE("#if /* c */ 0 /* d\n */\n#[hot]\nint a(void) {}\n#  endif\n"), "");
    CHECK_STR(PARSE("#i\\\nf \\\n0\n#[hot]\nint a(void) {}\n#endif\n"), "");
    CHECK_STR(PARSE("#if 0\r\n#[hot]\r\nint a(void) {}\r\n#endif\r\n"), "");
    CHECK_STR(PARSE("#if X\n#[hot]\nint a(void) {}\n#elif 0\n#[hot]\nint b(void) {}\n"
                    "#else\n#[hot]\nint c(void) {}\n#endif\n"),
              "a=int(void); c=int(void)");
    CHECK_STR(PARSE("#if 0\n#elif 0\n#[hot]\nint a(void) {}\n#elif 1\n#[hot]\nint b(void) {}\n"
                    "#endif\n"),
              "b=int(void)");
    /* Only the literal 0 is understood: any other condition may hold. */
    CHECK_STR(PARSE("#if 00\n#[hot]\nint a(void) {}\n#endif\n#if 0x0\n#[hot]\nint b(void) {}\n"
                    "#endif\n#if (0)\n#[hot]\nint c(void) {}\n#endif\n#if 0 && X\n#[hot]\n"
                    "int d(void) {}\n#endif\n#if 1\n#else\n#[hot]\nint e(void) {}\n#endif\n"
                    "#define ZERO 0\n#if ZERO\n#[hot]\nint f(void) {}\n#endif"),
              "a=int(void); b=int(void); c=int(void); d=int(void); e=int(void); f=int(void)");
    /* What a left-out group holds counts for nothing: braces, a lone quote,
     * a marker with more on its line. */
    CHECK_STR(PARSE("#[hot]\nint a(void) {\n#if 0\n}\n#endif\n}\n#if 0\nIt's an old {\n"
                    "#[hot] int x;\n#endif\n#[hot]\nint b(void) {}"),
              "a=int(void); b=int(void)");
    /* But a comment left open there is an error, as it is for the compiler. */
    CHECK_STR(PARSE("#if 0\n/* never closed\n#endif\n"),
              "3:7: expected '*/' to close '/*' at 2:1, found end of file");
    /* A marker before an #if 0 meets a directive. */
    CHECK_STR(PARSE("#[hot]\n#if 0\nint a(void) {}\n#endif\n"),
              "2:1: expected a function definition after '#[hot]' at 1:1, found a preprocessor "
              "directive");
    /* An #if 0 left open leaves out the rest. */
    CHECK_STR(PARSE("#[hot]\nint a(void) {}\n#if 0\n#[hot]\nint b(void) {}\n"), "a=int(void)");
}

static void multi_line_and_comments(void)
{
    CHECK_STR(PARSE("// #[hot]\n"
                    "static_assert_t /* a type */\n"
                    "update(  GameState *state, /* the world */\n"
                    "         double dt,        // seconds\n"
                    "         const char *\n"
                    "             label)\n"
                    "{\n"
                    "    return \"}\"[0] + '}' + '{';   /* } */\n"
                    "}\n"),
              "update=static_assert_t(GameState *, double, const char *)");
    CHECK_STR(PARSE("#[hot]\n\n/* between */\n// lines\n\nint\nf\n(\nvoid\n)\n{\n}\n"),
              "f=int(void)");
    CHECK_STR(PARSE("#[hot]\nint f(int a, \\\n int b) {}"), "f=int(int, int)");
}

static void bodies_and_markers(void)
{
    /* The body is skipped with braces matched past comments and literals,
     * so the next marker is found and one in a comment is none. */
    CHECK_STR(PARSE("#[hot]\nint a(void) { if (1) { return '{'; } /* { */ return \"{\"[0]; }\n"
                    "/*\n#[hot]\nint hidden(void) {}\n*/\n"
                    "const char *s = \"\\\n#[hot]\";\n"
                    "#define M \\\n#[hot]\n"
                    "  // #[hot]\nint b(void)\n{\n#if X\n}\n#endif\n}\n"),
              "a=int(void); b=int(void)");
    CHECK_STR(PARSE("int plain(void) { return 0; }\n"), "");
    CHECK_STR(PARSE(""), "");
}

static void errors(void)
{
    CHECK_STR(PARSE("#[hot]\nint f(void);\n"),
              "2:12: expected '{' to begin the body of 'f', found ';'");
    CHECK_STR(PARSE("#[hot]\nint f(void)"),
              "2:12: expected '{' to begin the body of 'f', found end of file");
    CHECK_STR(PARSE("#[hot]\nint counter = 0;\n"),
              "2:5: expected a function definition after '#[hot]' at 1:1, but 'counter' is not a "
              "function");
    CHECK_STR(PARSE("#[hot]\nint (*fp)(int);\n"),
              "2:7: expected a function definition after '#[hot]' at 1:1, but 'fp' is not a "
              "function");
    CHECK_STR(PARSE("#[hot]\nint table[3];\n"),
              "2:5: expected a function definition after '#[hot]' at 1:1, but 'table' is not a "
              "function");
    CHECK_STR(PARSE("#[hot]\nstruct pt { int x; };\n"),
              "2:11: expected a function definition after '#[hot]' at 1:1, found the definition of "
              "'struct pt'");
    CHECK_STR(PARSE("#[hot]\nstruct { int x; } v;\n"),
              "2:8: expected a function definition after '#[hot]' at 1:1, found the definition of "
              "'struct'");
    CHECK_STR(PARSE("#[hot]\nstruct pt;\n"),
              "2:10: expected a function definition after '#[hot]' at 1:1, found ';'");
    CHECK_STR(PARSE("#[hot]\ntypedef int t;\n"),
              "2:1: expected a function definition after '#[hot]' at 1:1, found 'typedef'");
    CHECK_STR(PARSE("  #[hot]\n"),
              "1:9: expected a function definition after '#[hot]' at 1:3, found end of file");
    CHECK_STR(PARSE("#[hot]\n#[hot]\nint f(void) {}"),
              "2:1: expected a function definition after '#[hot]' at 1:1, found another '#[hot]'");
    CHECK_STR(PARSE("#[hot]\n#include <x.h>\nint f(void) {}"),
              "2:1: expected a function definition after '#[hot]' at 1:1, found a preprocessor "
              "directive");
    CHECK_STR(PARSE("void g(void) {\n#[hot]\n}\n"),
              "3:1: expected a function definition after '#[hot]' at 2:1, found '}'");
    CHECK_STR(PARSE("#[hot]\nstatic int f(void) {}"),
              "2:1: hot function 'f' must have external linkage; remove 'static'");
    CHECK_STR(PARSE("#[hot]\ninline static int f(void) {}"),
              "2:8: hot function 'f' must have external linkage; remove 'static'");
    CHECK_STR(PARSE("#[hot]\nint f(a, b)\n  int a; int b;\n{}"),
              "3:3: 'f' is a K&R-style definition, which is not supported; declare the parameter "
              "types inside the parentheses");
    CHECK_STR(PARSE("#[hot]\nint (*f)(int x) {}"),
              "2:7: expected a function definition after '#[hot]' at 1:1, but 'f' is not a "
              "function");
    CHECK_STR(PARSE("#[hot]\nint f(void) __asm__(\"g\") {}"),
              "2:13: hot function 'f' cannot have an asm label: its stub is the symbol 'f'");
    CHECK_STR(PARSE("#[hot]\nint f(_Atomic(_Atomic(int)) x) {}"),
              "2:15: unexpected '_Atomic' in the declaration of 'f'");
    CHECK_STR(PARSE("#[hot]\nint f(_Atomic(int x) y) {}"),
              "2:19: unexpected 'x' in the declaration of 'f'");
    CHECK_STR(PARSE("#[hot]\nint f(static int x) {}"),
              "2:7: unexpected 'static' in the declaration of 'f'");
    CHECK_STR(PARSE("#[hot]\nint f(const *p) {}"),
              "2:13: unexpected '*' in the declaration of 'f'");
    CHECK_STR(PARSE("#[hot]\nint f(int *__attribute__ p) {}"),
              "2:26: unexpected 'p' in the declaration of 'f'");
    CHECK_STR(PARSE("#[hot]\nregister int f(void) {}"),
              "2:1: expected a function definition after '#[hot]' at 1:1, found 'register'");
    CHECK_STR(PARSE("#[hot]\nint main(void) {}"),
              "2:5: 'main' cannot be hot: the program starts in its static core");
    CHECK_STR(PARSE("#[hot]\nint f(int,) {}"),
              "2:11: expected a parameter declaration in 'f', found ')'");
    CHECK_STR(PARSE("#[hot]\nint f(*p) {}"), "2:7: unexpected '*' in the declaration of 'f'");
    CHECK_STR(PARSE("#[hot]\nint f(int a int) {}"),
              "2:13: unexpected 'int' in the declaration of 'f'");
    CHECK_STR(PARSE("#[hot]\nint f(int (*a)[sizeof \"x\"]) {}"),
              "2:23: unexpected '\"x\"' in the declaration of 'f'");
    CHECK_STR(PARSE("#[hot]\nint f(int @) {}"), "2:11: unexpected '@' in the declaration of 'f'");
}

static void repeat(char **text, size_t *size, const char *piece, size_t n);

/* After an error, reading goes on with the next definition: each gets its
 * first error, a body after a bad declaration is skipped (its own errors
 * reported), a marker that ended a bad declaration is read; the first
 * PARSE_MAX_ERRORS errors of a source are reported, then where it stopped. */
static void every_error(void)
{
    CHECK_STR(PARSE("#[hot]\nstatic int a(void) {\n#[hot]\n}\n#[hot]\nint ok(void) {}\n"
                    "#[hot]\n#[hot]\nstatic int b(void) {}\n#[hot]\nint main(int x, int y z) {}"),
              "2:1: hot function 'a' must have external linkage; remove 'static' | 3:1: '#[hot]' "
              "inside the function body opened at 2:20: markers go before definitions at file "
              "scope; if the body ended before it, a '}' is missing | 8:1: expected a function "
              "definition after '#[hot]' at 7:1, found another '#[hot]' | 9:1: hot function 'b' "
              "must have external linkage; remove 'static' | 11:5: 'main' cannot be hot: the "
              "program starts in its static core");
    CHECK_STR(PARSE("#[persist]\nint a\n#[hot]\nint f(void) {}\n#[hot]\nstatic int g(void) {}"),
              "3:1: expected ';' to end the definition of 'a', found another '#[hot]' | 6:1: hot "
              "function 'g' must have external linkage; remove 'static'");
    CHECK_STR(PARSE("#[hot]\nstruct pt { int x; };\n#[hot]\nstatic int g(void) {}\n"
                    "#[hot]\nint h(int a\n"),
              "2:11: expected a function definition after '#[hot]' at 1:1, found the definition of "
              "'struct pt' | 4:1: hot function 'g' must have external linkage; remove 'static' | "
              "6:12: expected ')' to close '(' at 6:6, found end of file");

    char *text = NULL;
    size_t size = 0;
    repeat(&text, &size, "#[hot]\nstatic int f(void) {}\n", PARSE_MAX_ERRORS + 5);
    struct parse_source source = {0};
    struct parse_report report = {0};
    CHECK_INT(parse_source(text, size, 0, &source, &report), ==, GEN_BAD_INPUT);
    CHECK_INT(report.count, ==, PARSE_MAX_ERRORS + 1);
    if (report.count == PARSE_MAX_ERRORS + 1) {
        CHECK_INT(report.items[PARSE_MAX_ERRORS - 1].line, ==, 2 * PARSE_MAX_ERRORS);
        CHECK_STR(report.items[PARSE_MAX_ERRORS - 1].message,
                  "hot function 'f' must have external linkage; remove 'static'");
        CHECK_INT(report.items[PARSE_MAX_ERRORS].line, ==, 2 * PARSE_MAX_ERRORS + 2);
        CHECK_STR(report.items[PARSE_MAX_ERRORS].message,
                  "stopping here after 20 errors in this file");
    }
    parse_source_free(&source);
    parse_report_free(&report);
    free(text);
}

static void malformed(void)
{
    CHECK_STR(PARSE("#[hot]\nint f(int a, int b {\n}\n"),
              "2:20: expected ')' to close '(' at 2:6, found '{'");
    CHECK_STR(PARSE("#[hot]\nint f(int a[3) {}"),
              "2:14: expected ']' to close '[' at 2:12, found ')'");
    CHECK_STR(PARSE("#[hot]\nint f(int a,\n\tint b"),
              "3:7: expected ')' to close '(' at 2:6, found end of file");
    /* The marker that ends an unclosed list is read next, with its errors. */
    CHECK_STR(PARSE("#[hot]\nint f(int a,\n#[hot]\n"),
              "3:1: expected ')' to close '(' at 2:6, found another '#[hot]' | 3:7: expected a "
              "function definition after '#[hot]' at 3:1, found end of file");
    CHECK_STR(PARSE("#[hot]\nint f(int a,\n#[hot]\nint g(void) {}"),
              "3:1: expected ')' to close '(' at 2:6, found another '#[hot]'");
    CHECK_STR(PARSE("#[hot]\nint f) {}"),
              "2:6: expected a function definition after '#[hot]' at 1:1, found ')'");
    CHECK_STR(PARSE("#[hot]\nint f(void) {\n  if (x) {\n}\n"),
              "4:2: expected '}' to close '{' at 2:13, found end of file");
    CHECK_STR(PARSE("#[hot]\nint f(void) {\n#[hot]\nint g(void) {}\n"),
              "3:1: '#[hot]' inside the function body opened at 2:13: markers go before "
              "definitions at file scope; if the body ended before it, a '}' is missing");
    CHECK_STR(
        PARSE("#[hot]\nint f(void) {\n    // #[persist]\n    static int n;\n    return n;\n}\n"),
        "3:5: '#[persist]' inside the function body opened at 2:13: markers go before "
        "definitions at file scope (a function's static variable cannot be #[persist]: "
        "declare it at file scope); if the body ended before it, a '}' is missing");
    CHECK_STR(PARSE("int x; /* never closed\n#[hot]\nint f(void) {}\n"),
              "3:15: expected '*/' to close '/*' at 1:8, found end of file");
    CHECK_STR(PARSE("#[hot]\nint f(void) { return \"abc"),
              "2:26: expected '\"' to close the string literal at 2:22, found end of file");
    CHECK_STR(PARSE("#[hot]\nint f(void) { return '\\"),
              "2:24: expected \"'\" to close the character literal at 2:22, found end of file");
    CHECK_STR(PARSE("#[hot] int f(void) {}\n"), "1:8: '#[hot]' must stand alone on its line");
}

static void nesting_is_bounded(void)
{
    char text[2048] = "#[hot]\nvoid f(";
    for (int i = 0; i < 100; i++)
        strcat(text, "void (*)(");
    for (int i = 0; i < 101; i++)
        strcat(text, ")");
    strcat(text, " {}");
    CHECK_STR(parse_text(text, strlen(text)),
              "2:580: the declaration of 'f' nests parentheses too deeply");
    char groups[2048] = "#[hot]\nint ";
    for (int i = 0; i < 100; i++)
        strcat(groups, "(");
    strcat(groups, "f");
    for (int i = 0; i < 100; i++)
        strcat(groups, ")");
    strcat(groups, "(void) {}");
    CHECK_STR(parse_text(groups, strlen(groups)),
              "2:69: the declaration after '#[hot]' at 1:1 nests parentheses too deeply");
}

/* The spans to blank cover each marker line without its line break. */
static void marker_spans(void)
{
    const char text[] = "x;\n  #[hot] \r\nint f(void) {}\n\t// #[hot]\nint g(void) {}";
    struct parse_source source = {0};
    struct parse_report report = {0};
    CHECK_INT(parse_source(text, sizeof text - 1, 0, &source, &report), ==, GEN_OK);
    CHECK_INT(source.marker_count, ==, 2);
    if (source.marker_count == 2) {
        CHECK_INT(source.markers[0].offset, ==, 3);
        CHECK_INT(source.markers[0].length, ==, 9);
        CHECK_INT(source.markers[1].offset, ==, 29);
        CHECK_INT(source.markers[1].length, ==, 10);
    }
    CHECK_INT(source.record_count, ==, 2);
    if (source.record_count == 2) {
        CHECK_INT(source.records[0].kind, ==, PARSE_FUNCTION);
        CHECK_INT(source.records[0].line, ==, 3);
        CHECK_INT(source.records[0].column, ==, 5);
        CHECK_INT(source.records[0].offset, ==, 18);
    }
    parse_source_free(&source);
    parse_report_free(&report);
}

static void linking(void)
{
    const char a[] = "#[hot]\nint zeta(void) {}\n#[hot]\nint alpha(void) {}\n";
    const char b[] =
        "#[hot]\nint mid(void) {}\n\n#[hot]\nint alpha(int x) {}\n#[hot]\nint zeta(void) {}";
    const char *paths[] = {"src/a.c", "b.c"};
    struct parse_source sources[2] = {{0}};
    struct parse_report report = {0};
    struct parse_program program = {0};
    CHECK_INT(parse_source(a, sizeof a - 1, 0, &sources[0], &report), ==, GEN_OK);
    CHECK_INT(parse_source(b, sizeof b - 1, 1, &sources[1], &report), ==, GEN_OK);
    CHECK_INT(parse_link(sources, paths, 1, &program, &report), ==, GEN_OK);
    CHECK_INT(program.of[PARSE_FUNCTION].count, ==, 2);
    if (program.of[PARSE_FUNCTION].count == 2) {
        CHECK_STR(program.of[PARSE_FUNCTION].items[0]->name, "alpha");
        CHECK_STR(program.of[PARSE_FUNCTION].items[1]->name, "zeta");
    }
    parse_program_free(&program);
    CHECK_INT(parse_link(sources, paths, 2, &program, &report), ==, GEN_BAD_INPUT);
    CHECK_INT(report.count, ==, 2);
    parse_report_sort(&report);
    if (report.count == 2) {
        CHECK_INT(report.items[0].source, ==, 1);
        CHECK_INT(report.items[0].line, ==, 5);
        CHECK_INT(report.items[0].column, ==, 5);
        CHECK_STR(report.items[0].message,
                  "'alpha' is marked '#[hot]' more than once; first marked at src/a.c:4");
        CHECK_STR(report.items[1].message,
                  "'zeta' is marked '#[hot]' more than once; first marked at src/a.c:2");
    }
    parse_program_free(&program);
    parse_report_free(&report);
    parse_source_free(&sources[0]);
    parse_source_free(&sources[1]);
    CHECK_STR(PARSE("#[hot]\nint f(void) {}\n#[hot]\nint g(void) {}\n#[hot]\nint f(int x) {}\n"),
              "f=int(void); g=int(void); f=int(int)");
}

/* The names of a source's externals, joined by " ". */
static const char *external_names(const struct parse_source *source)
{
    static char names[1024];
    size_t used = 0;
    names[0] = '\0';
    for (size_t i = 0; i < source->external_count && used < sizeof names; i++) {
        int n = snprintf(names + used, sizeof names - used, "%s%s", i ? " " : "",
                         source->externals[i].name);
        used += n > 0 ? (size_t)n : 0;
    }
    return names;
}

/* Unmarked function definitions with external linkage at file scope are
 * externals; nothing else is, and reading them reports nothing. Linking
 * sorts them, keeps each name once and leaves the hot functions out. */
static void externals(void)
{
    const char a[] =
        "static int s(void) { return 0; }\nint zeta(int x) { return x; }\n"
        "struct pt { int x; };\nint table[] = {1, 2};\ntypedef struct { int a; } T;\n"
        "LUALIB_API lua_Number (luaL_x) (lua_State *L) { return 0; }\n"
        "void *SDLCALL al\\\nloc(size_t n) { if (n) { return 0; } return 0; }\n"
        "int (*pick(int k))(int) { return 0; }\nint declared(void);\n"
        "int knr(a) int a; { return a; }\nint f(void) asm(\"g\") { return 0; }\n"
        "#ifdef X\nint in_group(void)\n#else\nint in_group(int)\n#endif\n{ return 0; }\n"
        "#[hot]\nint hot(void) { return 0; }\nint mid(void) { int x(void); return 0; }\n"
        "#[hot]\nstatic int bad(void) {}\nint after(void) {}\n";
    const char b[] = "int zeta(int x) { return x; }\nint alpha(void) {}\nint hot(void) {}\n";
    const char *paths[] = {"a.c", "b.c"};
    struct parse_source sources[2] = {{0}};
    struct parse_report report = {0};
    struct parse_program program = {0};
    CHECK_INT(parse_source(a, sizeof a - 1, 0, &sources[0], &report), ==, GEN_BAD_INPUT);
    CHECK_INT(report.count, ==, 1);
    CHECK_STR(external_names(&sources[0]), "zeta luaL_x alloc pick mid after");
    CHECK_INT(parse_source(b, sizeof b - 1, 1, &sources[1], &report), ==, GEN_OK);
    CHECK_STR(external_names(&sources[1]), "zeta alpha hot");
    CHECK_INT(parse_link(sources, paths, 2, &program, &report), ==, GEN_OK);
    CHECK_INT(program.external_count, ==, 7);
    const char *expected[] = {"after", "alloc", "alpha", "luaL_x", "mid", "pick", "zeta"};
    for (size_t i = 0; i < program.external_count && i < 7; i++)
        CHECK_STR(program.externals[i]->name, expected[i]);
    if (program.external_count == 7)
        CHECK_INT(program.externals[6]->source, ==, 0);
    parse_program_free(&program);
    parse_report_free(&report);
    parse_source_free(&sources[0]);
    parse_source_free(&sources[1]);
}

/* The canonical type of a #[persist] variable is that of a parameter. */
static void persist_types(void)
{
    CHECK_STR(PARSE("#[persist]\nstatic int counter = 0;\n"), "counter:int");
    CHECK_STR(PARSE("// #[persist]\nunsigned long total;"), "total:unsigned long");
    CHECK_STR(PARSE("#[persist]\nstatic struct stats stats = {0};"), "stats:struct stats");
    CHECK_STR(PARSE("#[persist]\nstatic double history[16];"), "history:double[16]");
    CHECK_STR(PARSE("#[persist]\nchar *buffer;"), "buffer:char *");
    CHECK_STR(PARSE("#[persist]\nstatic const char *name = \"x\";"), "name:const char *");
    CHECK_STR(PARSE("#[persist]\nstatic int (*fp)(int) = 0;"), "fp:int (*)(int)");
    CHECK_STR(PARSE("#[persist]\nvoid (*handlers[4])(int sig, void *ctx);"),
              "handlers:void (*[4])(int, void *)");
    CHECK_STR(PARSE("#[persist]\nstatic char grid[2][N + 1];"), "grid:char[2][N + 1]");
    CHECK_STR(PARSE("#[persist]\nint const *volatile p;"), "p:const int *volatile");
    CHECK_STR(PARSE("#[persist]\nGameState *state;"), "state:GameState *");
    CHECK_STR(PARSE("#[persist]\nextern int shared = 1;"), "shared:int");
    CHECK_STR(
        PARSE("#[persist]\n__attribute__((aligned(16))) static long a __attribute__((used));"),
        "a:long");
    CHECK_STR(PARSE("#[persist]\nstatic _Atomic(int) ticks;"), "ticks:_Atomic int");
    /* Functions and variables side by side, each list in the order of the text. */
    CHECK_STR(PARSE("#[persist]\nint b;\n#[hot]\nint f(void) { return b; }\n#[persist]\nint a;"),
              "f=int(void); b:int; a:int");
}

/* Initializers are skipped with brackets matched, past literals and
 * comments, and directives inside them. */
static void persist_initializers(void)
{
    CHECK_STR(PARSE("#[persist]\nint a[] = {1, (2, 3), [4] = 5};\n#[persist]\nint b;"),
              "a:int[]; b:int");
    CHECK_STR(PARSE("#[persist]\nconst char *s = \";}{,\" /* ; */ // ;\n ;\n#[persist]\nint b;"),
              "s:const char *; b:int");
    CHECK_STR(PARSE("#[persist]\nchar c = ';';\n#[persist]\nstruct pt p = {.x = ','};"),
              "c:char; p:struct pt");
    CHECK_STR(PARSE("#[persist]\nint t[] = {\n#include \"t.inc\"\n};"), "t:int[]");
    CHECK_STR(PARSE("#[persist]\nint x = __extension__ 1;"), "x:int");
    CHECK_STR(PARSE("#[persist]\nlong n = sizeof(struct { int a, b; });"), "n:long");
}

static void persist_errors(void)
{
    CHECK_STR(
        PARSE("#[persist]\nstatic const int k = 1;"),
        "2:8: a '#[persist]' variable cannot be const: its value is copied in on each reload");
    CHECK_STR(
        PARSE("#[persist]\nint const k;"),
        "2:5: a '#[persist]' variable cannot be const: its value is copied in on each reload");
    CHECK_STR(
        PARSE("#[persist]\nconst int k[3];"),
        "2:1: a '#[persist]' variable cannot be const: its value is copied in on each reload");
    CHECK_STR(
        PARSE("#[persist]\nchar *const p;"),
        "2:7: a '#[persist]' variable cannot be const: its value is copied in on each reload");
    CHECK_STR(
        PARSE("#[persist]\nint *const a[2];"),
        "2:6: a '#[persist]' variable cannot be const: its value is copied in on each reload");
    CHECK_STR(
        PARSE("#[persist]\nint (*const fp)(int);"),
        "2:7: a '#[persist]' variable cannot be const: its value is copied in on each reload");
    CHECK_STR(PARSE("#[persist]\nconstexpr int k = 1;"),
              "2:1: a '#[persist]' variable cannot be constexpr: its value is copied in on each "
              "reload");
    CHECK_STR(
        PARSE("#[persist]\nthread_local int t;"),
        "2:1: a '#[persist]' variable cannot be thread-local: a reload carries one value, not "
        "one per thread");
    CHECK_STR(
        PARSE("#[persist]\nstatic __thread int t;"),
        "2:8: a '#[persist]' variable cannot be thread-local: a reload carries one value, not "
        "one per thread");
    CHECK_STR(PARSE("#[persist]\nextern int e;"),
              "2:1: 'e' is declared 'extern' without an initializer, so it is not defined here; a "
              "'#[persist]' variable must be defined in its hot source");
    CHECK_STR(PARSE("#[persist]\nint f(void);"),
              "2:5: expected a variable definition after '#[persist]' at 1:1, but 'f' is a "
              "function");
    CHECK_STR(PARSE("#[persist]\nint (f)(void) {}"),
              "2:6: expected a variable definition after '#[persist]' at 1:1, but 'f' is a "
              "function");
    CHECK_STR(PARSE("#[persist]\nint a, b;"),
              "2:6: a '#[persist]' definition must declare one variable; declare the ones after "
              "'a' separately");
    CHECK_STR(PARSE("#[persist]\nint a = f(1, 2), b;"),
              "2:16: a '#[persist]' definition must declare one variable; declare the ones after "
              "'a' separately");
    CHECK_STR(PARSE("#[persist]\nint a\nint b;"),
              "3:1: expected ';' to end the definition of 'a', found 'int'");
    CHECK_STR(PARSE("#[persist]\nint a = 1\nstatic int b;"),
              "3:1: expected ';' to end the definition of 'a', found 'static'");
    CHECK_STR(PARSE("#[persist]\nint a = 1"),
              "2:10: expected ';' to end the definition of 'a', found end of file");
    CHECK_STR(PARSE("#[persist]\nint a = 1 }"),
              "2:11: expected ';' to end the definition of 'a', found '}'");
    CHECK_STR(PARSE("#[persist]\nint a = {1\n#[hot]\nint f(void) {}"),
              "3:1: expected '}' to close '{' at 2:9, found another '#[hot]'");
    CHECK_STR(PARSE("#[persist]\nint a[] = {1, 2);"),
              "2:16: expected '}' to close '{' at 2:11, found ')'");
    CHECK_STR(PARSE("#[persist]\nint a = \"x;"),
              "2:12: expected '\"' to close the string literal at 2:9, found end of file");
    CHECK_STR(PARSE("#[persist]\nint a[3]\ncount = 3;"),
              "3:1: expected ';' to end the definition of 'a', found 'count'");
    CHECK_STR(PARSE("#[persist]\n;"),
              "2:1: expected a variable definition after '#[persist]' at 1:1, found ';'");
    CHECK_STR(PARSE("#[persist]\ntypedef int t;"),
              "2:1: expected a variable definition after '#[persist]' at 1:1, found 'typedef'");
    CHECK_STR(PARSE("#[persist]\nint (*)(int);"),
              "2:5: expected a variable definition after '#[persist]' at 1:1, found '('");
    CHECK_STR(PARSE("#[persist]\nstruct pt { int x; } p;"),
              "2:11: expected a variable definition after '#[persist]' at 1:1, found the "
              "definition of 'struct pt'");
    CHECK_STR(PARSE("  #[persist]\n"),
              "1:13: expected a variable definition after '#[persist]' at 1:3, found end of file");
    CHECK_STR(PARSE("#[persist]\n#[hot]\nint f(void) {}"),
              "2:1: expected a variable definition after '#[persist]' at 1:1, found another "
              "'#[hot]'");
    CHECK_STR(PARSE("#[hot]\n// #[persist]\nint f(void) {}"),
              "2:1: expected a function definition after '#[hot]' at 1:1, found another "
              "'#[persist]' | 3:5: expected a variable definition after '#[persist]' at 2:1, but "
              "'f' is a function");
    CHECK_STR(PARSE("#[persist] int x;\n"), "1:12: '#[persist]' must stand alone on its line");
    CHECK_STR(PARSE("void f(void)\n{\n  if (x) {\n#[persist]\nstatic int n;\n}}\n"),
              "4:1: '#[persist]' must be at file scope, but it is inside the '{' at 2:1");
    /* Balanced braces before it, and a hot body, leave it at file scope. */
    CHECK_STR(PARSE("struct s { int x; };\n#[hot]\nint f(void) { { } }\n#[persist]\nint n;"),
              "f=int(void); n:int");
    /* Marker spans cover #[persist] lines too. */
    struct parse_source source = {0};
    struct parse_report report = {0};
    const char text[] = "  // #[persist]\r\nint n;\n";
    CHECK_INT(parse_source(text, sizeof text - 1, 0, &source, &report), ==, GEN_OK);
    CHECK_INT(source.marker_count, ==, 1);
    if (source.marker_count == 1) {
        CHECK_INT(source.markers[0].offset, ==, 0);
        CHECK_INT(source.markers[0].length, ==, 15);
    }
    CHECK_INT(source.record_count, ==, 1);
    if (source.record_count == 1) {
        CHECK_INT(source.records[0].kind, ==, PARSE_VARIABLE);
        CHECK_INT(source.records[0].line, ==, 2);
        CHECK_INT(source.records[0].column, ==, 5);
        CHECK_INT(source.records[0].offset, ==, 21);
    }
    parse_source_free(&source);
    parse_report_free(&report);
}

/* Variables are sorted like functions; a name persisted twice, or shared
 * with a hot function, is an error at the later definition. */
static void persist_linking(void)
{
    const char a[] = "#[persist]\nint zeta;\n#[hot]\nint step(void) {}\n#[persist]\nint alpha;\n";
    const char b[] = "#[persist]\nstatic long mid;\n#[persist]\nint alpha;\n#[persist]\nint step;";
    const char *paths[] = {"a.c", "src/b.c"};
    struct parse_source sources[2] = {{0}};
    struct parse_report report = {0};
    struct parse_program program = {0};
    CHECK_INT(parse_source(a, sizeof a - 1, 0, &sources[0], &report), ==, GEN_OK);
    CHECK_INT(parse_source(b, sizeof b - 1, 1, &sources[1], &report), ==, GEN_OK);
    CHECK_INT(parse_link(sources, paths, 1, &program, &report), ==, GEN_OK);
    CHECK_INT(program.of[PARSE_VARIABLE].count, ==, 2);
    if (program.of[PARSE_VARIABLE].count == 2) {
        CHECK_STR(program.of[PARSE_VARIABLE].items[0]->name, "alpha");
        CHECK_STR(program.of[PARSE_VARIABLE].items[1]->name, "zeta");
    }
    parse_program_free(&program);
    CHECK_INT(parse_link(sources, paths, 2, &program, &report), ==, GEN_BAD_INPUT);
    CHECK_INT(program.of[PARSE_VARIABLE].count, ==, 5);
    CHECK_INT(report.count, ==, 2);
    parse_report_sort(&report);
    if (report.count == 2) {
        CHECK_INT(report.items[0].source, ==, 1);
        CHECK_INT(report.items[0].line, ==, 4);
        CHECK_INT(report.items[0].column, ==, 5);
        CHECK_STR(report.items[0].message,
                  "'alpha' is marked '#[persist]' more than once; first marked at a.c:6");
        CHECK_STR(report.items[1].message,
                  "'step' is marked '#[persist]' but is also the name of a '#[hot]' function at "
                  "a.c:4");
    }
    parse_program_free(&program);
    parse_report_free(&report);
    parse_source_free(&sources[0]);
    parse_source_free(&sources[1]);
}

/* Appends n copies of piece to *text (grown with realloc). */
static void repeat(char **text, size_t *size, const char *piece, size_t n)
{
    size_t length = strlen(piece);
    char *grown = realloc(*text, *size + n * length + 1);
    if (!grown)
        abort();
    for (size_t i = 0; i < n; i++)
        memcpy(grown + *size + i * length, piece, length);
    *size += n * length;
    grown[*size] = '\0';
    *text = grown;
}

/* Huge and deep inputs end quickly (ctest's timeout catches a quadratic
 * path) and never overflow the stack. */
static void huge_inputs(void)
{
    char *text = NULL;
    size_t size = 0;
    repeat(&text, &size, "#[hot]\nint f", 1);
    repeat(&text, &size, "(", 2000000);
    CHECK_STR(parse_text(text, size),
              "2:2000006: expected ')' to close '(' at 2:2000005, found end of file");
    size = 0;
    repeat(&text, &size, "#[hot]\nvoid f(int ", 1);
    repeat(&text, &size, "(", 1000000);
    repeat(&text, &size, "x", 1);
    repeat(&text, &size, ")", 1000000);
    repeat(&text, &size, ") {}", 1);
    CHECK_STR(parse_text(text, size), "2:75: the declaration of 'f' nests parentheses too deeply");
    size = 0;
    repeat(&text, &size, "#[hot]\nvoid f(void) ", 1);
    repeat(&text, &size, "{", 3000000);
    repeat(&text, &size, "}", 3000000);
    CHECK_STR(parse_text(text, size), "f=void(void)");
    size = 0;
    repeat(&text, &size, "x", 20000000);
    CHECK_STR(parse_text(text, size), "");
    size = 0;
    repeat(&text, &size, "/* ", 1);
    repeat(&text, &size, "*", 20000000);
    CHECK_STR(parse_text(text, size),
              "1:20000004: expected '*/' to close '/*' at 1:1, found end of file");
    free(text);
}

static void many_functions(void)
{
    struct buf text = {0};
    for (int i = 0; i < 50000; i++) {
        char line[96];
        snprintf(line, sizeof line, "#[hot]\nint hot_%05d(int x) { return x + %d; }\n", 49999 - i,
                 i);
        buf_append_str(&text, line);
    }
    struct parse_source source = {0};
    struct parse_report report = {0};
    struct parse_program program = {0};
    const char *path = "many.c";
    CHECK_INT(parse_source(text.data, text.size, 0, &source, &report), ==, GEN_OK);
    CHECK_INT(parse_link(&source, &path, 1, &program, &report), ==, GEN_OK);
    CHECK_INT(program.of[PARSE_FUNCTION].count, ==, 50000);
    if (program.of[PARSE_FUNCTION].count == 50000) {
        CHECK_STR(program.of[PARSE_FUNCTION].items[0]->name, "hot_00000");
        CHECK_STR(program.of[PARSE_FUNCTION].items[49999]->name, "hot_49999");
    }
    parse_program_free(&program);
    parse_source_free(&source);
    parse_report_free(&report);
    buf_free(&text);
}

static uint64_t random_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return random_state;
}

/* Does every record and error of a parse keep its promises? */
static int parse_is_sound(const char *text, size_t size)
{
    struct parse_source source = {0};
    struct parse_report report = {0};
    struct buf blanked = {0};
    enum gen_status status = parse_source(text, size, 0, &source, &report);
    int sound = status == GEN_OK ? report.count == 0
                                 : status == GEN_BAD_INPUT && report.count >= 1 &&
                                       report.count <= PARSE_MAX_ERRORS + 1;
    for (size_t i = 0; sound && i < report.count; i++) {
        const struct parse_diagnostic *d = &report.items[i];
        size_t start = d->offset - (d->column - 1);
        sound = d->offset <= size && d->column >= 1 && d->column - 1 <= d->offset &&
                (start == lex_text_start(text, size) || (start > 0 && text[start - 1] == '\n')) &&
                (i == 0 || d->offset >= report.items[i - 1].offset); /* found in text order */
    }
    for (size_t i = 0; sound && i < source.record_count; i++) {
        const struct parse_record *r = &source.records[i];
        sound = r->name[0] != '\0' && r->type[0] != '\0' && !strpbrk(r->type, "\"\\\n\r");
    }
    for (size_t i = 0, end = 0; sound && i < source.marker_count; i++) {
        sound = source.markers[i].offset >= end &&
                source.markers[i].offset + source.markers[i].length <= size;
        end = source.markers[i].offset + source.markers[i].length;
    }
    if (sound && status == GEN_OK)
        sound =
            emit_text(text, size, source.markers, NULL, source.marker_count, &blanked) == GEN_OK &&
            blanked.size > 0 && blanked.data[blanked.size - 1] == '\n';
    buf_free(&blanked);
    parse_source_free(&source);
    parse_report_free(&report);
    return sound;
}

/* Mutations of good sources (bytes flipped, inserted, deleted, the text cut
 * short) and random bytes: every parse ends in a status that keeps its
 * promises. */
static void mutations(void)
{
    static const char *const seeds[] = {
        "#[hot]\nint game_update(GameState *state)\n{\n    state->frame++; /* } */\n    return "
        "\"{\"[0];\n}\n// #[hot]\nvoid on(void (*cb)(int code, void *ctx), struct pt p, int "
        "a[4][N]) { cb(0, 0); }\n#define X \\\n  1\nchar c = '\\'';\n",
        "#[hot]\r\nstatic inline unsigned long long\r\nf(int (*(*g)(int))(char), ...) {}\r\n",
        "#[persist]\nstatic int (*const *p[2])(int) = {0, (void *)\"}\"};\n// #[persist]\nchar s;",
        ("\xef\xbb\xbf#if 0\n#[hot]\n# else\n#[h\\\not]\nint (*f\\\no(int a[static 4], "
         "_Atomic(int) "
         "*b))(int) [[gnu::hot]] { }\n#endif\n"),
    };
    static const char alphabet[] = "#[hot]/*\\\n\r\"'(){}[];,.* \tabc0=persit";
    int all_sound = 1;
    char text[512];
    for (int round = 0; round < 20000 && all_sound; round++) {
        const char *seed = seeds[round % (sizeof seeds / sizeof seeds[0])];
        size_t size = strlen(seed);
        memcpy(text, seed, size);
        for (int edits = 1 + (int)(next_random() % 4); edits > 0; edits--) {
            size_t at = (size_t)(next_random() % (size + 1));
            char c = round % 5 == 0 ? (char)next_random()
                                    : alphabet[next_random() % (sizeof alphabet - 1)];
            switch (next_random() % 4) {
            case 0: /* replace */
                if (at < size)
                    text[at] = c;
                break;
            case 1: /* insert */
                if (size + 1 < sizeof text) {
                    memmove(text + at + 1, text + at, size - at);
                    text[at] = c;
                    size++;
                }
                break;
            case 2: /* delete */
                if (at < size) {
                    memmove(text + at, text + at + 1, size - at - 1);
                    size--;
                }
                break;
            default: /* cut */
                size = at;
            }
        }
        all_sound = parse_is_sound(text, size);
        if (!all_sound)
            fprintf(stderr, "unsound parse of: %.*s\n", (int)size, text);
    }
    for (int round = 0; round < 2000 && all_sound; round++) {
        size_t size = (size_t)(next_random() % sizeof text);
        for (size_t i = 0; i < size; i++)
            text[i] = (char)next_random();
        all_sound = parse_is_sound(text, size);
    }
    CHECK(all_sound);
}

int main(void)
{
    signatures_from_the_design();
    return_types();
    specifiers();
    attributes();
    words();
    parameters();
    parameter_adjustment();
    qualifiers();
    same_type_same_signature();
    function_pointer_returns();
    continuations();
    byte_order_mark();
    conditional_groups();
    multi_line_and_comments();
    bodies_and_markers();
    errors();
    every_error();
    malformed();
    nesting_is_bounded();
    marker_spans();
    linking();
    externals();
    persist_types();
    persist_initializers();
    persist_errors();
    persist_linking();
    huge_inputs();
    many_functions();
    mutations();
    return check_exit();
}
