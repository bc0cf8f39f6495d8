/* The state the core owns; hot code changes it only through a pointer. */
#ifndef COUNTER_H
#define COUNTER_H

struct counter {
    long count;
};

#endif
