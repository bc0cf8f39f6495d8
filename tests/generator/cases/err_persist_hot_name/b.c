#[persist]
static int step;
