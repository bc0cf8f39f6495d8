#[hot]
int first(int x

#[hot]
static int second(int x) { return x; }

#[hot]
int third(int x) { return x; }
