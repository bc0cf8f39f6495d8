#[hot]
int hot(void)
{
    return 0;
}
