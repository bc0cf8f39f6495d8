/* tests/runtime/layout/core_types.h
 * A type only the layout test's core uses. hot_types.h has a type of the
 * same name, laid out otherwise: declared in different files, the two are
 * different types and never compared. */
#ifndef LAYOUT_CORE_TYPES_H
#define LAYOUT_CORE_TYPES_H

struct workspace {
    char c;
};

#endif
