// #[persist]
static char *const name = "x";
