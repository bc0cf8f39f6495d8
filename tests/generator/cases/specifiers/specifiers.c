/* Storage-class and function specifiers are no part of a hot function's
 * type: extern, inline (C99 or GNU), _Noreturn and <stdnoreturn.h>'s
 * noreturn, __extension__. The unit keeps them; the table's entry takes an
 * external definition's address. */
#include <stdlib.h>
#include <stdnoreturn.h>

#[hot]
extern int external(int x) { return x + 1; }

#[hot]
inline int inlined(int x) { return x * 2; }

#[hot]
extern inline int extern_inline(int x) { return x - 1; }

#[hot]
__inline__ unsigned gnu_inline(unsigned x) { return x; }

#[hot]
_Noreturn void stop(int code) { exit(code); }

// #[hot]
noreturn void stop_macro(int code) { exit(code); }

#[hot]
__attribute__((__noreturn__)) void stop_gnu(int code) { exit(code); }

#[hot]
__extension__ long long extended(void) { return 1LL << 40; }
