/* C23's [[noreturn]] and [[_Noreturn]] attributes, and specifiers in any
 * order: the same types as above. (GCC 12 and Clang 14 warn about the
 * attributes and the order, so this file is not compiled by the tests.) */
#include <stdlib.h>

#[hot]
[[noreturn]] void stop_c23(int code) { exit(code); }

#[hot]
[[_Noreturn]] void stop_c23_old(int code) { exit(code); }

#[hot]
int extern late_extern(int x) { return x; }

#[hot]
void _Noreturn late_noreturn(int code) { exit(code); }
