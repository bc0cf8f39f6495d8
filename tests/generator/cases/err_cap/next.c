#[hot]
int ok(void) { return 0; }

#[hot]
int main(void) { return 0; }
