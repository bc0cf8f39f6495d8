#ifndef NAMES_H
#define NAMES_H

int names_length(const char *name);
int names_vowels(const char *name);
int names_consonants(const char *name);
int names_initial(const char *name);

#endif
