/* Markers in a group that `#if 0` leaves out are none: no stub, no entry,
 * and the unit keeps their lines as they are (the compiler skips them).
 * Nested conditionals are counted; an #else (or an #elif other than
 * `#elif 0`) starts a group that counts. Only the literal condition 0 is
 * understood: other conditions are not evaluated, so their groups count. */

#if 0
#[hot]
int retired(int x) { return x; }
#endif

#if 0
#ifdef FAST
#[hot]
int nested_fast(int x) { return x; }
#else
// #[hot]
int nested_slow(int x) { return x; }
#endif
#if defined(X) || 1
#[hot]
int nested_if(int x) { return x; }
#elif 1
#endif
#[hot]
int old_version(int x) { return x; }
#else
#[hot]
int new_version(int x) { return x + 1; }
#endif

  #  if   0   // spaces, and a comment after the condition
#[hot]
int spaced(int x) { return x; }
#endif

#if /* before */ 0 /* and after */
#[hot]
int commented(int x) { return x; }
#endif

#if \
0
#[hot]
int joined(int x) { return x; }
#endif

#if 0
#[hot]
int zero_branch(int x) { return x; }
#elif 0
#[hot]
int zero_elif(int x) { return x; }
#elif 1
#[hot]
int elif_branch(int x) { return x * 2; }
#endif

#ifdef NEVER_DEFINED
#elif 0
#[hot]
int after_elif_zero(int x) { return x; }
#else
#[hot]
int after_else(int x) { return x * 3; }
#endif

/* What a left-out group holds counts for nothing: a brace, a marker with more
 * on its line. */
#if 0
Not C at all {
#[hot] int junk;
#endif

#[hot]
int live(int x) { return x + 4; }
