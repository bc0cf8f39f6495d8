/* struct, union and enum types in return and parameter types, by value and
 * by pointer. */
struct vec {
    double x, y;
};
union bits {
    unsigned u;
    float f;
};
enum mode { FAST, SLOW };

#[hot]
struct vec add(struct vec a, const struct vec *b)
{
    struct vec sum = {a.x + b->x, a.y + b->y};
    return sum;
}

#[hot]
union bits flip(union bits b)
{
    b.u = ~b.u;
    return b;
}

#[hot]
enum mode next(enum mode m, enum mode *previous)
{
    *previous = m;
    return m == FAST ? SLOW : FAST;
}

#[hot]
struct vec *first(struct vec **all, union bits *const *masks, enum mode modes[])
{
    (void)masks;
    (void)modes;
    return all[0];
}
