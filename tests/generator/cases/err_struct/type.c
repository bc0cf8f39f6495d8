#[hot]
struct point {
    int x, y;
};
