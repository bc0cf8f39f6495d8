/* Variables and functions sorted by name across both files:
 * functions alpha(0) omega(1), variables apples(0) lemons(1) zebras(2). */
#[persist]
static int zebras = 3;

#[hot]
int omega(int x) { return x + zebras; }

// #[persist]
long apples[2] = {1, 2};
