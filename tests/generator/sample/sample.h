/* tests/generator/sample/sample.h
 * The types and hot functions of the sample program whose generated files
 * test_generated.c builds, loads and calls (no runtime involved).
 * Invariant: every declaration here matches a '#[hot]' definition in sample.c
 * or modern.c (but for C23 attributes: test_generated.c is C11). */
#ifndef VAIS_HOT_TEST_SAMPLE_H
#define VAIS_HOT_TEST_SAMPLE_H

#include <setjmp.h>
#include <stddef.h>

typedef struct {
    int frame;
} GameState;
typedef long (*scale_fn)(long value);
struct pt {
    int x, y;
};

int game_update(GameState *state);
void render(const GameState *s, char *out, size_t n);
unsigned long long big(void);
long sum(const int a[4], scale_fn scale);
struct pt flip(struct pt p, long (*op)(long value));
double mean(int n, const double values[]);
int bump(void);

/* The forms of definition of sample.c's second part, and of modern.c. */
int (*pick(int k))(int, int);
long arrays(int n, const int a[static 4], int m[][3], int v[n]);
int twice_through(int op(int), int x);
int attributed(int x, int y);
int zero(void);
_Noreturn void bail(jmp_buf env, int code);
long add_atomic(_Atomic long *counter, _Atomic long by);
int joined_name(void);
int current(void);
int first_line(int x);
int c23_nodiscard(int x);
int c23_unused(int x, int y);
int c23_after_name(int x);
unsigned c23_unnamed(unsigned x, unsigned y);

#endif
