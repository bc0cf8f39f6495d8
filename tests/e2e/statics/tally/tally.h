#ifndef TALLY_H
#define TALLY_H

void tally_bump(void);
int tally_count(void);

#endif
