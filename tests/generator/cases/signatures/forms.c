/* Every declaration form the generator accepts, and the signature it gives. */
#include <stddef.h>

typedef struct { int frame; } GameState;
typedef int (*callback_t)(int code, void *ctx);
struct pt { int x, y; };
union num { int i; double d; };
enum color { RED, GREEN };

#[hot]
unsigned long long ull(void) { return 1; }
#[hot]
const volatile int cv(void) { return 2; }
#[hot]
char **split(const char *s) { (void)s; return NULL; }
#[hot]
const char *const constant(void) { return "x"; }
#[hot]
struct pt make(int x, int y) { struct pt p = {x, y}; return p; }
#[hot]
union num widen(union num *n) { return *n; }
#[hot]
enum color pick(enum color c) { return c; }
#[hot]
GameState *state_of(GameState *all, size_t i) { return all + i; }
#[hot]
inline int inlined(int x) { return x; }
#[hot]
extern int external(int x) { return x; }
#[hot]
int empty() { return 0; }
#[hot]
int unnamed(int, char *) { return 0; }
#[hot]
int strings(const char *const name, char **argv) { (void)name; (void)argv; return 0; }
#[hot]
int structs(struct pt p, struct pt *q, const struct pt *r) { (void)q; (void)r; return p.x; }
#[hot]
int arrays(int a[4], char buf[], int m[2][3]) { (void)buf; (void)m; return a[0]; }
#[hot]
void on(void (*cb)(int code, void *ctx), struct pt p) { (void)cb; (void)p; }
#[hot]
int apply(callback_t cb, void *ctx) { return cb(0, ctx); }
#[hot]
void nested(int (*(*make_handler)(int kind))(char c)) { (void)make_handler; }
#[hot]
void logger(void (*log)(const char *fmt, ...)) { (void)log; }
