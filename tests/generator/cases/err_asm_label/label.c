/* An asm label would give the function another symbol than its name, the
 * one its stub defines: refused (and compilers refuse it on a definition). */
#[hot]
int update(int x) __asm__("update_v2") { return x; }
