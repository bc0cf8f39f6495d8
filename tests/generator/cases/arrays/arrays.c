/* Array parameters. A parameter declared as an array is a pointer to its
 * element type (C17 6.7.6.3p7), whatever its brackets hold: a size, static,
 * qualifiers (which qualify the pointer), '*', a variable length. A
 * signature spells that pointer, so an edit between `int a[4]` and
 * `int *a` needs no restart. An array inside a pointer is no parameter:
 * it keeps its bounds. */
#define N 3

#[hot]
int first(int a[4]) { return a[0]; }

#[hot]
int sized(const int a[static 4], int b[const 2], double c[restrict static 1], char d[])
{
    return a[0] + b[0] + (int)c[0] + d[0];
}

#[hot]
int matrix(int m[][3], int grid[2][N + 1], int (*rows)[N])
{
    return m[0][0] + grid[1][N] + rows[0][0];
}

#[hot]
long vla(int n, int a[n], int m[n][n + 1], void (*each)(int k, double v[*]))
{
    (void)each;
    return a[n - 1] + m[0][n];
}

#[hot]
int pointers_to_arrays(char (*text)[16], const int (*const table)[2][N])
{
    return (*text)[0] + (*table)[1][0];
}
