/* tests/generator/sample/sample.c
 * The hot source of the sample program: both marker spellings and the
 * declaration forms a real program uses, compiled from its generated unit.
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
