/* tests/windows/hot.c: the hot functions whose stubs the Windows stub test
 * generates (for their names and order); the test's own harness.c defines
 * two versions of each. Their arguments fill every register the Windows
 * x64 convention passes them in, and the stack past them; one has the name
 * of a C library function the compiler knows as a builtin. */
struct wide {
    long long a, b, c; /* larger than 8 bytes: passed by reference */
};

// #[hot]
long long six_integers(long long a, long long b, long long c, long long d, long long e, long long f)
{
    return a + b + c + d + e + f;
}

// #[hot]
double mixed(double a, float b, double c, float d, double e, int f)
{
    return a + b + c + d + e + f;
}

// #[hot]
long long by_reference(struct wide w, int scale)
{
    return (w.a + w.b + w.c) * scale;
}

// #[hot]
long labs(long x)
{
    return x < 0 ? -x : x;
}
