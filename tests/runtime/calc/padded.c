/* The private-directory test's hot library: add, as v1.c has it, and 256
 * KiB in a section the loader never maps, as debug information is. */
// #[hot]
int add(int a, int b)
{
    return a + b;
}

__asm__(".section .vais_hot_test_unmapped,\"\",%progbits\n"
        ".zero 262144\n"
        ".previous\n");
