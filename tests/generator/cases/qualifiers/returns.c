/* Qualified return types: the qualifiers of the value a function returns
 * are no part of its type (C17 6.7.6.3p5, DR 423) and are left out; those
 * below its top stay, and so does _Atomic. (Both compilers warn about such
 * qualifiers, so this file is not compiled by the tests.) */

#[hot]
const int constant(void) { return 1; }

#[hot]
const char *const volatile name(void) { return "x"; }

#[hot]
int *volatile *restrict nested(int *volatile *p) { return p; }

#[hot]
_Atomic(int *) atomic_pointer(int *p) { return p; }
