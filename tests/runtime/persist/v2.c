/* Build v2: new code, same variables; their values carry over. */
#include <string.h>

// #[persist]
static long long counter;

#[persist]
char label_text[16] = "v2 initial";

// #[hot]
long bump(long by)
{
    counter += 10 * by;
    return counter;
}

// #[hot]
const char *label(void)
{
    return label_text;
}

// #[hot]
void relabel(const char *text)
{
    strncpy(label_text, text, sizeof label_text - 1);
}
