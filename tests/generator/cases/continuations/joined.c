/* A backslash-newline joins two lines anywhere: inside a marker, a name,
 * a keyword, a punctuator, a signature. The generator reads the joined text,
 * as the compiler does; the unit keeps every line, so line numbers stay. */

#[h\
ot]
int joined_marker(int x) { return x; }

// #[hot\
]
int joined_comment_marker(int x) { return x; }

#[hot]\

int joined_after_marker(int x) { return x; }

#[hot]
int split_na\
me(int x) { return x; }

#[hot]
unsig\
ned lo\
ng joined_keywords(const char *s, \
                   int n) { return (unsigned long)(s[0] + n); }

#[hot]
int joined_punctuator(int (*f)(int, .\
..), int x) { return f(1, x); }
