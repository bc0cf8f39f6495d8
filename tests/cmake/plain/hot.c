#include <vais/hot.h>

#[hot]
int answer(int base)
{
    return base + 2;
}
