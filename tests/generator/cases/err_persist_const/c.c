#[persist]
static const int limit = 10;
