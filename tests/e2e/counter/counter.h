/* The state the core owns; hot code changes it only through a pointer. */
#ifndef COUNTER_H
#define COUNTER_H

struct counter {
    long count;
    long (*mark)(void); /* stored by the first step(), a static function of step.c */
};

#endif
