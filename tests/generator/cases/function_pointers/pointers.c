/* Pointers to functions as parameters, parameters of function type (which
 * are pointers, C17 6.7.6.3p8), and functions that return pointers to
 * functions: the parameter list right after the name is the hot
 * function's, the rest is its return type. No typedef is needed. */
typedef int (*binary_fn)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }

#[hot]
int apply(int (*op)(int, int), int a, int b) { return op(a, b); }

#[hot]
int apply_typedef(binary_fn op, int a, int b) { return op(a, b); }

#[hot]
int apply_function_type(int op(int a, int b), int a, int b) { return op(a, b); }

#[hot]
int (*pick(int k))(int, int) { return k ? add : sub; }

#[hot]
binary_fn pick_typedef(int k) { return k ? add : sub; }

#[hot]
void (*on_signal(int signal, void (*handler)(int)))(int)
{
    (void)signal;
    return handler;
}

#[hot]
int (*(*maker(void))(int))(int, int)
{
    return pick;
}

#[hot]
int (*table(void))[4]
{
    static int rows[2][4];
    return rows;
}

#[hot]
void logs(void (*log)(const char *format, ...), void (*handlers[4])(int))
{
    handlers[0](0);
    log("%d", 1);
}
