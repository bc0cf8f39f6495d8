/* A DLL the core links and only hot code calls: the core does not load it
 * by itself, so Windows must find it, in the program's folder, for the
 * hot DLL's copy. */
#include "ledger.h"

long scale_by(long x)
{
    return 10 * x;
}
