#[hot]
int f(void)
{
    if (1) {
#[hot]
    return 0;
}
