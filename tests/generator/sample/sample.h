/* tests/generator/sample/sample.h
 * The types and hot functions of the sample program whose generated files
 * test_generated.c builds, loads and calls (no runtime involved).
 * Invariant: every declaration here matches a '#[hot]' definition in sample.c. */
#ifndef VAIS_HOT_TEST_SAMPLE_H
#define VAIS_HOT_TEST_SAMPLE_H

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

#endif
