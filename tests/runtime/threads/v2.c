/* Build v2 of the threads test's hot library. A call reads its version at
 * entry and at exit; a call that ran part old and part new code would mix
 * them. */
#define VERSION 2

// #[hot]
long versioned_work(long spins)
{
    volatile long first = VERSION, sum = 0;
    for (long i = 0; i < spins; i++)
        sum += i;
    return first * 1000 + VERSION + 0 * sum;
}
