// #[hot]
int gamma(int x) { return x * 2; }

#[hot]
int alpha(int x) { return x - 1; }
