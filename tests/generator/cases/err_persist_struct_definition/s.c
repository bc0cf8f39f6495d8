#[persist]
static struct point { int x, y; } origin;
