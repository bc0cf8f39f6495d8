/* tests/bench/corpus.h
 * Realistic hot sources made at run time, for the generator's benchmark and
 * its robustness tests: comments, strings and characters holding braces,
 * directives, structs, static helpers and hot functions (both marker forms).
 * Invariant: a corpus knows what vais-hot must make of it: its hot functions'
 * names, and (if `expect` is set) its text with every marker line blanked, as
 * a unit holds it. Names are unique per prefix. Header-only; exits on no memory. */
#ifndef VAIS_HOT_CORPUS_H
#define VAIS_HOT_CORPUS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Growable bytes; zero-initialise. */
struct corpus_text {
    char *data; /* NUL-terminated once anything was appended */
    size_t size;
    size_t capacity;
};

struct corpus {
    struct corpus_text text;     /* the hot source */
    struct corpus_text expected; /* the text as its unit holds it; kept only if expect */
    int expect;
    char **hot; /* owned: the hot functions' names, in the order of the text */
    size_t hot_count;
    size_t hot_capacity;
    size_t serial; /* numbers the next block's names */
};

static void corpus_no_memory(void)
{
    fputs("corpus: out of memory\n", stderr);
    exit(2);
}

static void corpus_grow(struct corpus_text *t, size_t more)
{
    if (t->size + more + 1 <= t->capacity)
        return;
    size_t capacity = t->capacity ? t->capacity : 4096;
    while (capacity < t->size + more + 1)
        capacity *= 2;
    char *data = realloc(t->data, capacity);
    if (!data)
        corpus_no_memory();
    t->data = data;
    t->capacity = capacity;
}

static void corpus_put(struct corpus_text *t, const void *bytes, size_t size)
{
    corpus_grow(t, size);
    if (size)
        memcpy(t->data + t->size, bytes, size);
    t->size += size;
    t->data[t->size] = '\0';
}

/* Appends source text that is no marker line, to the text and the expected. */
static void corpus_code(struct corpus *c, const char *code)
{
    size_t length = strlen(code);
    corpus_put(&c->text, code, length);
    if (c->expect)
        corpus_put(&c->expected, code, length);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
corpus_codef(struct corpus *c, const char *format, ...)
{
    char line[1024];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (length < 0 || (size_t)length >= sizeof line)
        corpus_no_memory();
    corpus_code(c, line);
}

/* Appends a marker line, e.g. "#[hot]\n": its unit keeps only the '\n'. */
static void corpus_marker(struct corpus *c, const char *line)
{
    corpus_put(&c->text, line, strlen(line));
    if (c->expect)
        corpus_put(&c->expected, "\n", 1);
}

/* Appends one block that is no hot function; five kinds, in turn. */
static void corpus_block(struct corpus *c, const char *prefix)
{
    size_t n = c->serial++;
    switch (n % 5) {
    case 0:
        corpus_codef(c,
                     "/* %s%zu: helpers of the frame loop. A '{' or a \"}\" in a comment\n"
                     " * opens and closes nothing, and a marker in a comment is none:\n"
                     "#[hot]\n */\n",
                     prefix, n);
        break;
    case 1:
        corpus_codef(c, "#define %sM%zu(a, b) ((a) * %zu + (b)) /* a directive */\n", prefix, n,
                     n % 97);
        break;
    case 2:
        corpus_codef(c,
                     "struct %ss%zu {\n    int x, y;\n    const char *name; // its label\n"
                     "    double weights[4];\n};\n\n",
                     prefix, n);
        break;
    case 3:
        corpus_codef(c,
                     "static int %shelper%zu(const int *values, int count)\n{\n"
                     "    const char *text = \"{ not a brace } /* nor a comment */\";\n"
                     "    int sum = '}' + (int)text[0];\n"
                     "    for (int i = 0; i < count; i++) {\n"
                     "        if (values[i] > 0)\n            sum += values[i] * %zu;\n"
                     "    }\n    return sum;\n}\n\n",
                     prefix, n, n % 13 + 1);
        break;
    default:
        corpus_codef(c,
                     "int %stable%zu[8] = {1, 2, 3, 5, 8, 13, 21, 34}; // '\"' in a comment\n"
                     "const char *%sname%zu = \"block %zu: \\\"quoted\\\", 'single', \\\\\";\n\n",
                     prefix, n, prefix, n, n);
        break;
    }
}

/* Appends one hot function: marker, signature, a body of about ten lines. */
static void corpus_hot(struct corpus *c, const char *prefix)
{
    size_t n = c->serial++;
    corpus_marker(c, n % 2 ? "#[hot]\n" : "// #[hot]\n");
    char name[128];
    snprintf(name, sizeof name, "%shot%zu", prefix, n);
    corpus_codef(c,
                 "int %s(struct game_state *state, const float *inputs, size_t count)\n{\n"
                 "    int score = state->score; /* state lives in the core */\n"
                 "    for (size_t i = 0; i < count; i++) {\n"
                 "        if (inputs[i] > 0.5f) {\n            score += (int)(inputs[i] * %zu);\n"
                 "        } else {\n            score -= 1;\n        }\n    }\n"
                 "    state->label = \"frame {%zu}\";\n    return score;\n}\n\n",
                 name, n % 31 + 1, n);
    if (c->hot_count == c->hot_capacity) {
        size_t capacity = c->hot_capacity ? 2 * c->hot_capacity : 64;
        char **hot = realloc(c->hot, capacity * sizeof *hot);
        if (!hot)
            corpus_no_memory();
        c->hot = hot;
        c->hot_capacity = capacity;
    }
    c->hot[c->hot_count] = malloc(strlen(name) + 1);
    if (!c->hot[c->hot_count])
        corpus_no_memory();
    strcpy(c->hot[c->hot_count++], name);
}

/* Appends blocks until the text holds at least size bytes: a hot function
 * after every `between` other blocks. */
static void corpus_fill(struct corpus *c, const char *prefix, size_t size, size_t between)
{
    corpus_code(c, "#include <stddef.h>\n#include \"game.h\"\n\n");
    for (size_t k = 0; c->text.size < size; k++) {
        if (k % (between + 1) == between)
            corpus_hot(c, prefix);
        else
            corpus_block(c, prefix);
    }
}

static void corpus_free(struct corpus *c)
{
    for (size_t i = 0; i < c->hot_count; i++)
        free(c->hot[i]);
    free(c->hot);
    free(c->text.data);
    free(c->expected.data);
    memset(c, 0, sizeof *c);
}

#endif
