/* A build where counter changed type: it starts from its new initial value. */
#include <string.h>

// #[persist]
static int counter = 100;

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
