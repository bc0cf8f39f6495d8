/* The prebuilt archives, one per name, each built from knob.c. */
#ifndef KNOB_H
#define KNOB_H

void dial_set(int value);
int dial_get(void);
void gauge_set(int value);
int gauge_get(void);
void knob_set(int value);
int knob_get(void);

#endif
