/* An export macro before a typedef name, which the result is. */
#define API __attribute__((visibility("default")))

typedef unsigned char u8;

#[hot]
API u8 api_byte(u8 x)
{
    return x;
}

#[hot]
API u8 *api_bytes(u8 *x)
{
    return x;
}
