#[persist]
static int table[] = {1, 2,
