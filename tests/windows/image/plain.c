/* tests/windows/image/plain.c: a DLL whose every part the PE readers must
 * find: exported code and data, pointers the base relocations fix up (to a
 * static function, a static variable, a string), a function named with
 * exactly 8 bytes (kept inside its COFF symbol, without a NUL), and an
 * import from the program that loads it. */
struct point {
    int x;
    double y;
    char name[5];
};

static int counter = 3;
__declspec(dllexport) int *where = &counter;
__declspec(dllexport) const char *greeting = "hello";
__declspec(dllexport) struct point the_point = {1, 2.0, "abc"};

__declspec(dllexport) int add(int a, int b)
{
    return a + b + counter;
}

static int helper(int x)
{
    return x * 2;
}
__declspec(dllexport) int (*pick)(int) = helper;

extern int core_value(void);
__declspec(dllexport) int use_core(void)
{
    return core_value();
}
