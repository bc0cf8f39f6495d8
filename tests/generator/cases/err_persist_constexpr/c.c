#[persist]
static constexpr int limit = 10;
