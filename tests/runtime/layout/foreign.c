/* Code a FOREIGN build of the layout test's hot library links from a
 * static library, as a DLL links its C library's: compiled on its own
 * terms (ITEM_WIDE, and a prototype of core_level of its own), which are
 * not the hot sources' and so none of the reload's business. */
#include "layout/world.h"

#include "foreign.h"

int core_level(const struct body *c, const struct body *b);

int foreign_has_first(const struct list *l)
{
    return (l->first != 0) + core_level(0, 0) * 0;
}
