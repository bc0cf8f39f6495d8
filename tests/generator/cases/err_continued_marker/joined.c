/* The next line joins the marker line, which then holds more than the marker. */
#[hot] \
int f(void) { return 0; }
