#[hot]
int first_line(int x)
{
    return x + 100;
}

/* tests/generator/sample/modern.c
 * The sample program's second hot source: a UTF-8 byte order mark before
 * its first line (a marker), CRLF line ends, and C23 attributes; compiled
 * from its generated unit as C23. test_generated calls each function.
 * Invariant: valid C23 once the bare markers are blanked. */
#include "sample.h"

#[hot]
[[nodiscard]] int c23_nodiscard(int x)
{
    return x * 3;
}

// #[hot]
int c23_unused([[maybe_unused]] int x, int y)
{
    return y;
}

#[hot]
int c23_after_name [[deprecated("only its callers are warned")]] (int x)
{
    return -x;
}

#[hot]
[[gnu::noinline]] unsigned c23_unnamed(unsigned, unsigned y)
{
    return y;
}
