int ok(void) { return 0; }

  #[hot]
