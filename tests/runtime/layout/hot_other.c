/* The layout test's second hot unit: it sees struct item as world.h says,
 * which in the SPLIT build (ITEM_WIDE here only) is not as hot.c sees it. */
#include "layout/world.h"

// #[hot]
int list_first(struct list *l)
{
    return l->first ? l->first->a : 0;
}
