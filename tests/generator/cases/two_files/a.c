/* Sorted by name across both files: alpha(0) beta(1) gamma(2) omega(3). */
#[hot]
int omega(int x) { return x; }

#[hot]
int beta(int x) { return x + 1; }
