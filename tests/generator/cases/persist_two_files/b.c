struct pair;

#[hot]
int alpha(int x) { return x - 1; }

#[persist]
static struct pair *lemons;
