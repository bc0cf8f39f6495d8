#[hot]
int step(int x) { return x + 1; }

  // #[hot]
int draw(void) { return 0; }
