#ifndef METER_H
#define METER_H

void meter_bump(void);
int meter_get(void);

#endif
