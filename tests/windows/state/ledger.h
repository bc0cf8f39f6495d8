/* The ledger (ledger.c, a static library), the audit it keeps (audit.c,
 * a static library the ledger links), the scale (scale.c, a DLL) and the
 * clock (clock.c, an object library). */
#ifndef STATE_LEDGER_H
#define STATE_LEDGER_H

void ledger_add(long n);
long ledger_entries(void);
void audit_note(void);
long audit_notes(void);
long scale_by(long x);
long clock_ticks(long calls);

#endif
