#line 1 "b.c"
/* No hot function in this one: its unit is the text alone. */
int helper(void) { return 0; }
