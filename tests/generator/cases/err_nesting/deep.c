/* Parentheses nested this deep in a declaration are refused. */
#[hot]
int f(int ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) { return x; }
