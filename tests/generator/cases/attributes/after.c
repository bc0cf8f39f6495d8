/* Attributes after a definition's parameter list, or after a '*': valid
 * for Clang, an error or a warning for GCC 12, so this file is not compiled
 * by the tests. */

#[hot]
int gnu_after(int x) __attribute__((hot)) { return x; }

#[hot]
int c23_after(int x) [[gnu::hot]] { return x; }

#[hot]
int c23_pointer(int *[[gnu::unused]] p) { return p != 0; }
