#ifndef GREET_H
#define GREET_H

int greet(void);       /* counts a greeting */
int greet_count(void); /* how many so far */

#endif
