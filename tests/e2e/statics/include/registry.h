/* The registry, a static library: the names registered, in registry.c's
 * file-static state. */
#ifndef REGISTRY_H
#define REGISTRY_H

#include "names.h" /* from the names library, which registry links */

void registry_add(const char *name);
int registry_count(void);
const char *registry_name(int index);
int registry_total_length(void); /* in describe.c: the core never calls it */

#endif
