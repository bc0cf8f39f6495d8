/* The functions a core might call by mistake: every function this file
 * defines with external linkage but without a marker goes into the core's
 * list of them, once per name, hot functions and static ones left out. */
#include <stddef.h>

#define API

struct body {
    double x, v;
};

static const double gravity[] = {0.0, -9.81};

static double clamp(double x) { return x < 0 ? 0 : x; }

double integrate(struct body *b, double dt)
{
    b->x += clamp(b->v) * dt;
    return b->x;
}

API struct body *body_at(struct body *bodies, size_t i) { return &bodies[i]; }

inline int sign(double x) { return (x > 0) - (x < 0); }

#[hot]
void step(struct body *b, double dt)
{
    b->v += gravity[1] * dt;
    integrate(b, dt);
}

double (*pick(int k))(double) { return k ? clamp : NULL; }
