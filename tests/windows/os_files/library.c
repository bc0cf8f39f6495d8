/* tests/windows/os_files/library.c
 * The DLL test_os_files.c loads through os/os_windows.c: a function to
 * call, a pointer to its own static that the loader relocates (what the
 * bias is checked against), a function whose code the test rewrites and
 * a constant in read-only data it makes writable. */
static int value = 42;

__declspec(dllexport) int *where = &value;

__declspec(dllexport) const int constant = 5;

__declspec(dllexport) int twice(int x)
{
    return 2 * x;
}

/* Built with -O2: mov eax, 7; ret (6 bytes), which the test replaces. */
__declspec(dllexport) int seven(void)
{
    return 7;
}
