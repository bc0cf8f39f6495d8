/* Helpers of the hot code, unmarked: the core cannot call them. */
int util_scale(int x)
{
    return 2 * x;
}

int util_clamp(int x)
{
    return x < 0 ? 0 : x;
}

int shared_name(void)
{
    return 2;
}
