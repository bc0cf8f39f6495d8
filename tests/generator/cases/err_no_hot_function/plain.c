int f(void) { return 0; }
/* #[hot] in a comment does not count */
