/* Lines that look like markers but are none: inside a block comment,
 * a string, a character literal, a continued line comment, a directive.
#[hot]
// #[hot]
 */
#include <string.h>

const char *text = "#[hot]";
const char *continued = "first \
#[hot]";
char hash = '#';
// a comment that goes on \
#[hot]
#define NOT_A_MARKER \
#[hot]
/* #[hot] */
int not_hot(void) { return 0; } // #[hot]

/* The one hot function; its body holds braces in literals and comments. */
#[hot]
int real(const char *s)
{
    if (strchr(s, '{')) { /* { */
        return '}';
    }
    return "}"[0];
}
