/* The threaded #[persist] test's hot source: threads count through it
 * while builds of it land. VERSION tells the builds apart. */
#ifndef VERSION
#define VERSION 1
#endif

// #[persist]
static long hits;

#[persist]
long misses;

/* A persisted pointer to another persisted variable: it must point at that
 * variable's storage, not at the build's own unused copy. */
// #[persist]
static long *counting = &hits;

// #[hot]
void count(int hit)
{
    __atomic_fetch_add(hit ? &hits : &misses, 1, __ATOMIC_RELAXED);
}

// #[hot]
long counted(int hit)
{
    return __atomic_load_n(hit ? &hits : &misses, __ATOMIC_RELAXED);
}

// #[hot]
int shares_storage(void)
{
    return counting == &hits;
}

// #[hot]
int counted_version(void)
{
    return VERSION;
}
