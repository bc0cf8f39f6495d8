/* The ledger (ledger.c, a static library) and the scale (scale.c, a DLL). */
#ifndef STATE_LEDGER_H
#define STATE_LEDGER_H

void ledger_add(long n);
long ledger_entries(void);
long scale_by(long x);

#endif
