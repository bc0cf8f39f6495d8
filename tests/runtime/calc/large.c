/* Build v2 with half a megabyte of table: a library large enough that its
 * private copy is written on a thread of its own while it is checked. */
const unsigned char large_table[512 * 1024] = {1, 2, 3};

// #[hot]
int add(int a, int b)
{
    return (a + b) * 100 + large_table[a & 1];
}

// #[hot]
const char *name(void)
{
    return "large";
}
