/* CRLF line ends, and backslash-CR-LF joins: the same as LF. */
#[h\
ot]
int crlf_marker(int x) { return x; }

#[hot]
int crlf_na\
me(int a,\
              int b) { return a + b; }
