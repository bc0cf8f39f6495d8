#[hot]
int first_line(int x) { return x; }

/* A UTF-8 byte order mark starts this file: it is no text, so the marker
 * above is on line 1, column 1, and the unit leaves it out: its text
 * follows a #line directive, where a byte order mark is no C. */
// #[hot]
int second(int x) { return -x; }
