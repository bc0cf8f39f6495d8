#[persist]
static int level;
#[hot]
int step(void) { return 0; }
#[persist]
static long level;
