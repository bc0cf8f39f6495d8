/* The state the core owns; hot code changes it only through a pointer. */
#ifndef COUNTER_H
#define COUNTER_H

struct counter {
    long count;
    long (*mark)(void); /* stored by the first step(), a static function of step.c */
};

/* Hot code fills one in and hands it to the core: no hot function's
 * signature names this type, yet both halves share it. */
struct report {
    long value;
};

void core_report(const struct report *r);

#endif
