int util_scale(int x);

// #[hot]
int answer(int base)
{
    return util_scale(base / 2) + 1;
}
