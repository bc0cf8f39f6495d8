/* A DLL the core links, whose function hot code calls too. */
#include "ledger.h"

long scale_by(long x)
{
    return 10 * x;
}
