#[persist]
static int first = 1, second = 2;
