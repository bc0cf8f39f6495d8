int util_scale(int x);
int core_secret(int x);

// #[hot]
int answer(int base)
{
    return util_scale(base / 2) + core_secret(0); /* edit */
}
