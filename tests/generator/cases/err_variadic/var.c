#include <stdarg.h>
#[hot]
int log_line(const char *format,
             ...)
{
    return 0;
}
