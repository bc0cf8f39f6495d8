#ifndef NAMES_H
#define NAMES_H

int names_length(const char *name);

#endif
