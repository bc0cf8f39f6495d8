#[hot]
int first(int a[4)
{
    return a[0];
}
