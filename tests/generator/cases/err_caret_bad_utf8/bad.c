/* Bytes that are no UTF-8 take a column each, as a terminal shows them. */
#[hot]
/* €€ Ã ÿ */ static int g(void) { return 0; }
