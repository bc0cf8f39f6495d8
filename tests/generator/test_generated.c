/* tests/generator/test_generated.c
 * The generated files of sample/sample.c and sample/modern.c, compiled: the core's stubs are
 * linked in here, the units and table make a shared library loaded with
 * dlopen. Checks the manifest against the table and calls through the stubs,
 * and reads and writes the #[persist] variables through the table.
 * Invariant: no runtime: hot__register and hot__lazy_entry are stand-ins. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vais/hot_abi.h>

#include "check.h"
#include "sample.h"

/* Defined plain 'inline' in sample.c, declared nowhere there. */
int halve(int x);

static const struct hot_abi_manifest *registered;

/* Called by the stubs' constructor before main. */
void hot__register(const struct hot_abi_manifest *manifest)
{
    registered = manifest;
}

/* Reached only if a stub runs before its slot is filled: a failure here. */
void hot__lazy_entry(void)
{
    fprintf(stderr, "a lazy thunk ran: the slots were not published\n");
    abort();
}

static long twice(long value)
{
    return 2 * value;
}

static int increment(int x)
{
    return x + 1;
}

/* Calls through the stubs of the forms of definition beyond the basic ones:
 * each returns what its definition says, so each call reached it. */
static void call_every_form(void)
{
    CHECK_INT(pick(1)(2, 3), ==, 5);
    CHECK_INT(pick(0)(2, 3), ==, -1);
    int four[4] = {1, 2, 3, 4}, m[2][3] = {{0}, {0, 0, 6}}, v[2] = {0, 8};
    CHECK_INT(arrays(2, four, m, v), ==, 4 + 6 + 8);
    CHECK_INT(twice_through(increment, 5), ==, 7);
    CHECK_INT(attributed(1, 2), ==, 7);
    CHECK_INT(zero(), ==, 0);
    _Atomic long counter = 40;
    CHECK_INT(add_atomic(&counter, 2), ==, 42);
    CHECK_INT(counter, ==, 42);
    CHECK_INT(joined_name(), ==, 11);
    CHECK_INT(current(), ==, 1);
    CHECK_INT(first_line(1), ==, 101);
    CHECK_INT(c23_nodiscard(2), ==, 6);
    CHECK_INT(c23_unused(1, 2), ==, 2);
    CHECK_INT(c23_after_name(3), ==, -3);
    CHECK_INT(c23_unnamed(1, 9), ==, 9);
    /* A _Noreturn function leaves by longjmp, through its stub and back. */
    jmp_buf env;
    volatile int returned = 0;
    switch (setjmp(env)) {
    case 0:
        bail(env, 42);
    case 42:
        returned = 42;
        break;
    default:
        break;
    }
    CHECK_INT(returned, ==, 42);
}

static const char *const expected[][2] = {
    {"add_atomic", "long(_Atomic long *, _Atomic long)"},
    {"arrays", "long(int, const int *, int (*)[3], int *)"},
    {"attributed", "int(int, int)"},
    {"bail", "void(jmp_buf, int)"},
    {"big", "unsigned long long(void)"},
    {"bump", "int(void)"},
    {"c23_after_name", "int(int)"},
    {"c23_nodiscard", "int(int)"},
    {"c23_unnamed", "unsigned(unsigned, unsigned)"},
    {"c23_unused", "int(int, int)"},
    {"current", "int(void)"},
    {"first_line", "int(int)"},
    {"flip", "struct pt(struct pt, long (*)(long))"},
    {"game_update", "int(GameState *)"},
    {"halve", "int(int)"},
    {"joined_name", "int(void)"},
    {"mean", "double(int, const double *)"},
    {"pick", "int (*(int))(int, int)"},
    {"render", "void(const GameState *, char *, size_t)"},
    {"sum", "long(const int *, scale_fn)"},
    {"twice_through", "int(int (*)(int), int)"},
    {"zero", "int(void)"},
};
#define EXPECTED (sizeof expected / sizeof expected[0])

/* The manifest the stubs registered, and the table the library exports,
 * list the same functions in the same order with the same signatures. */
static int check_halves(const struct hot_abi_table *table)
{
    CHECK(registered != NULL);
    CHECK(table != NULL);
    if (!registered || !table)
        return -1;
    CHECK(registered->magic == HOT_ABI_MAGIC && table->magic == HOT_ABI_MAGIC);
    CHECK_INT(registered->format, ==, HOT_ABI_FORMAT);
    CHECK_INT(table->format, ==, HOT_ABI_FORMAT);
    CHECK_STR(registered->program, "sample");
    CHECK_STR(table->program, "sample");
    CHECK_INT(registered->count, ==, EXPECTED);
    CHECK_INT(table->count, ==, EXPECTED);
    if (registered->count != EXPECTED || table->count != EXPECTED)
        return -1;
    for (size_t i = 0; i < EXPECTED; i++) {
        CHECK_STR(registered->signatures[i].name, expected[i][0]);
        CHECK_STR(registered->signatures[i].signature, expected[i][1]);
        CHECK_STR(table->functions[i]->name, expected[i][0]);
        CHECK_STR(table->functions[i]->signature, expected[i][1]);
        CHECK(table->functions[i]->code != NULL);
    }
    return 0;
}

/* One #[persist] variable as the table should list it. */
struct expected_variable {
    const char *name;
    const char *type;
    uint64_t size;
};

static const struct expected_variable variables[] = {
    {"counter", "int", sizeof(int)},
    {"history", "double[4]", 4 * sizeof(double)},
    {"label", "const char *", sizeof(const char *)},
    {"origin", "struct pt", sizeof(struct pt)},
};
#define VARIABLES (sizeof variables / sizeof variables[0])

/* The table lists the variables by name with their canonical types and
 * sizes, and each address is the variable itself: its initial value reads
 * back, and a value written there is what the hot code sees. */
static void check_variables(const struct hot_abi_table *table)
{
    CHECK_INT(table->variable_count, ==, VARIABLES);
    CHECK(table->variables != NULL);
    if (table->variable_count != VARIABLES || !table->variables)
        return;
    void *address[VARIABLES];
    for (size_t i = 0; i < VARIABLES; i++) {
        const struct hot_abi_variable *v = table->variables[i];
        CHECK_STR(v->name, variables[i].name);
        CHECK_STR(v->type, variables[i].type);
        CHECK_INT(v->size, ==, variables[i].size);
        CHECK(v->address != NULL);
        address[i] = v->address;
    }
    int *counter = address[0];
    const double *history = address[1];
    const char *const *label = address[2];
    const struct pt *origin = address[3];
    CHECK_INT(*counter, ==, 7);
    CHECK(history[0] == 0.5 && history[3] == 3.5);
    CHECK_STR(*label, "sample, {persisted}; \"quoted\"");
    CHECK_INT(origin->x, ==, 1);
    CHECK_INT(origin->y, ==, 2);
    *counter = 41; /* as the runtime will when it carries a value over */
    CHECK_INT(bump(), ==, 42);
    CHECK_INT(*counter, ==, 42);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s LIBRARY\n", argv[0]);
        return 2;
    }
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library)
        fprintf(stderr, "dlopen: %s\n", dlerror());
    CHECK(library != NULL);
    const struct hot_abi_table *table = library ? dlsym(library, HOT_ABI_TABLE_SYMBOL) : NULL;
    if (check_halves(table) != 0)
        return check_exit();

    static hot_abi_code slots[EXPECTED];
    for (size_t i = 0; i < EXPECTED; i++)
        slots[i] = table->functions[i]->code;
    *registered->active = slots;

    /* Each call below enters this executable's stub, which jumps through
     * slot INDEX into the library. */
    GameState state = {41};
    char text[32] = "";
    int values[4] = {1, 2, 3, 4};
    double doubles[3] = {1.0, 2.0, 6.0};
    struct pt p = flip((struct pt){3, 5}, twice);
    CHECK_INT(game_update(&state), ==, 42);
    render(&state, text, sizeof text);
    CHECK_STR(text, "frame 42");
    CHECK(big() == 1ULL << 40);
    CHECK_INT(sum(values, twice), ==, 20);
    CHECK_INT(p.x, ==, 10);
    CHECK_INT(p.y, ==, 6);
    CHECK(mean(3, doubles) == 3.0);
    CHECK_INT(halve(42), ==, 21);
    call_every_form();
    check_variables(table);
    dlclose(library);
    return check_exit();
}
