/* tests/generator/sample/sample.c
 * The sample program's first hot source (C11): both marker spellings and
 * the forms of definition a real program uses, compiled from its generated
 * unit; test_generated calls each function through its stub.
 * Invariant: valid C once the bare markers are blanked. */
#include <stdio.h>

#include "sample.h"

#[hot]
int game_update(GameState *state)
{
    state->frame++;
    return state->frame;
}

// #[hot]
void render(const GameState *s, char *out, size_t n)
{
    snprintf(out, n, "frame %d", s->frame);
}

    #[hot]
unsigned long long big(void)
{
    return 1ULL << 40;
}

#[hot]
long sum(const int a[4], scale_fn scale)
{
    return scale(a[0] + a[1] + a[2] + a[3]);
}

#[hot]
struct pt flip(struct pt p,
               long (*op)(long value))
{
    struct pt q = {(int)op(p.y), (int)op(p.x)};
    return q;
}

#[hot]
double mean(int n, const double values[])
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += values[i];
    return n > 0 ? total / n : 0;
}

/* Plain 'inline' (C99): the unit must still give the library an external
 * definition, since the table takes its address. */
#[hot]
inline int halve(int x)
{
    return x / 2;
}

/* #[persist] variables: the table gives each one's name, type, size and
 * address; test_generated reads and writes them through it. */
#[persist]
static int counter = 7;

// #[persist]
struct pt origin = {1, 2};

#[persist]
static double history[4] = {0.5, 1.5, 2.5, 3.5};

#[persist]
static const char *label = "sample, {persisted}; \"quoted\"";

#[hot]
int bump(void)
{
    return ++counter + (int)history[0] + origin.x - 1 + (label[0] == 's' ? 0 : 100);
}

/* The forms of definition a real program uses, each called through its
 * stub by test_generated: a function returning a function pointer, array
 * parameters (which are pointers), a parameter of function type,
 * attributes, "()", _Noreturn, _Atomic, a name joined by a backslash-newline,
 * and a marker left out by #if 0. */
static int add(int a, int b)
{
    return a + b;
}

static int sub(int a, int b)
{
    return a - b;
}

#[hot]
int (*pick(int k))(int, int)
{
    return k ? add : sub;
}

#[hot]
long arrays(int n, const int a[static 4], int m[][3], int v[n])
{
    return a[3] + m[1][2] + v[n - 1];
}

#[hot]
int twice_through(int op(int), int x)
{
    return op(op(x));
}

#[hot]
__attribute__((noinline)) int attributed(__attribute__((unused)) int x,
                                         int y __attribute__((unused)))
{
    return 7;
}

#[hot]
int zero()
{
    return 0;
}

#[hot]
_Noreturn void bail(jmp_buf env, int code)
{
    longjmp(env, code);
}

#[hot]
long add_atomic(_Atomic long *counter, const _Atomic(long) by)
{
    *counter += by;
    return *counter;
}

#[hot]
int joined_na\
me(void)
{
    return 11;
}

#if 0
#[hot]
int retired(void) { return -1; }
#else
#[hot]
int current(void)
{
    return 1;
}
#endif
