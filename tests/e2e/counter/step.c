/* The hot half. The tests rewrite the marked lines below. */
#include "counter.h"

/* What step() returns. The core also calls it through the pointer step()
 * stored in its state once, which must run the newest build's code too. */
static long current_mark(void)
{
    return 1; /* mark */
}

#[hot]
long step(struct counter *c)
{
    c->count += 1;
    struct report r = {c->count};
    core_report(&r);
    if (!c->mark)
        c->mark = current_mark;
    return current_mark();
}
