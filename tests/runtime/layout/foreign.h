/* The one function of tests/runtime/layout/foreign.c. */
#ifndef LAYOUT_FOREIGN_H
#define LAYOUT_FOREIGN_H

struct list;

int foreign_has_first(const struct list *l);

#endif
