#[persist]
static int ticks = 0
static int other;
