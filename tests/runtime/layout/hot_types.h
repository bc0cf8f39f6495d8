/* tests/runtime/layout/hot_types.h
 * A type only the layout test's hot code uses; see core_types.h. */
#ifndef LAYOUT_HOT_TYPES_H
#define LAYOUT_HOT_TYPES_H

struct workspace {
    double a, b;
};

#endif
