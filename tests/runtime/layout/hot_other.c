/* The layout test's second hot unit: it sees struct item as world.h says,
 * which in the SPLIT build (ITEM_WIDE here only) is not as hot.c sees it. */
#include "layout/world.h"

#ifdef LAYOUT_FOREIGN
#include "foreign.h"
#endif

/* A core function of the core's second unit, declared here: the LEVEL
 * build declares it with another parameter type. */
#ifdef LAYOUT_LEVEL
int core_level(const struct config *c, const struct stats *b);
#else
int core_level(const struct config *c, const struct body *b);
#endif

// #[hot]
int list_first(struct list *l)
{
#ifdef LAYOUT_FOREIGN
    if (!foreign_has_first(l))
        return 0;
#endif
    return l->first ? l->first->a : core_level(0, 0) * 0;
}
