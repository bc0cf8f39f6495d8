/* Conditions other than the literal 0 are not evaluated: their groups
 * count, even where the compiler would skip them. Here every group is
 * compiled, so every marker has its function. */
#define ZERO 0

#if 1
#[hot]
int if_one(int x) { return x; }
#endif

#if !ZERO
#[hot]
int if_not_zero(int x) { return x; }
#endif

#if (1)
#[hot]
int if_parenthesised(int x) { return x; }
#endif
