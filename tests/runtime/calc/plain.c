/* A shared library that is not a vais-hot library at all. */
int add(int a, int b)
{
    return a - b;
}
