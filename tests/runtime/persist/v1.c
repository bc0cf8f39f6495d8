/* Build v1 of the persist test: state kept in the hot library itself. */
#include <string.h>

// #[persist]
static long long counter;

#[persist]
char label_text[16] = "start";

// #[hot]
long bump(long by)
{
    counter += by;
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
