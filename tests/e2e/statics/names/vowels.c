/* In an object of its own that nothing in the core calls: only hot code
 * needs it, from a static library the core reaches through another. */
#include "names.h"

#include <string.h>

int names_vowels(const char *name)
{
    int count = 0;
    for (; *name; name++)
        count += strchr("aeiou", *name) != NULL;
    return count;
}
