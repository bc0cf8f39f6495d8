#[hot]
int ok(void) { return 0; }

#[hot]
int b(int x) asm("b2");
