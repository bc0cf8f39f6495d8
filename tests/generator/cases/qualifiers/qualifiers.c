/* const, volatile, restrict and _Atomic in parameter types. A signature
 * spells qualifiers first and in one order; the qualifiers of a parameter
 * itself are no part of a function's type (C17 6.7.6.3p15), so they are
 * left out: an edit that adds or removes one needs no restart. _Atomic
 * stays: it may change size and alignment. _Atomic(T) is _Atomic T. */
#include <stddef.h>

#[hot]
const char *name_of(const char *const names[], const size_t i) { return names[i]; }

#[hot]
int const *pick(int const *a, volatile int *restrict b, int *const volatile c)
{
    return *b ? a : c;
}

#[hot]
void copy(char *restrict to, const char *restrict from, size_t n)
{
    for (size_t i = 0; i < n; i++)
        to[i] = from[i];
}

#[hot]
long total(_Atomic long *counter, _Atomic(int) *step, _Atomic int by, const _Atomic(long) c)
{
    *counter += *step + by + c;
    return *counter;
}

#[hot]
int *swap(_Atomic(int *) *slot, int *_Atomic value)
{
    int *old = *slot;
    *slot = value;
    return old;
}

#[hot]
unsigned gnu_spellings(__const volatile unsigned long long *__restrict s, __volatile__ int v)
{
    return (unsigned)*s + (unsigned)v;
}
