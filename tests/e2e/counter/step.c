/* The hot half. The tests rewrite the marked lines below. */
#include "counter.h"

#[hot]
long step(struct counter *c)
{
    c->count += 1;
    return 1; /* mark */
}
