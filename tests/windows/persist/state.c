/* The hot half: its state lives in #[persist] variables, a static int and
 * a struct with an initializer, which every build shares. The test
 * rewrites the marked line. */

#[persist]
static int calls;

struct tally {
    long sum;
    char name[8];
};

#[persist]
struct tally tally = {0, "tally"};

#[hot]
long tick(int *count)
{
    *count = ++calls;
    tally.sum += 1; /* step */
    return tally.name[0] == 't' ? tally.sum : -1;
}

#[hot]
const void *calls_at(void)
{
    return &calls;
}
