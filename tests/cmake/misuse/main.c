int hot(void);

int main(void)
{
    return hot();
}
