/* tests/windows/harness.c
 * Runs the stubs vais-hot generates for Windows x64 (--target x86_64-coff)
 * and the lazy entry (runtime/lazy_x86_64-coff.c) under the Windows x64
 * calling convention, in place of the runtime: it defines hot__register and
 * hot__lazy_resolve, which publishes v1's slots, as the loader would, and
 * first writes over every argument register and its shadow space. Each
 * function's first call goes through its lazy thunk and the entry, which
 * must pass every argument (registers and stack) unchanged; later calls go
 * through the stub alone; a swap of the active slots to v2 makes the next
 * calls run v2. Prints what failed; exits 0 if nothing did. */
#include <stdio.h>
#include <string.h>
#include <vais/hot_abi.h>

struct wide {
    long long a, b, c;
};

long long six_integers(long long a, long long b, long long c, long long d, long long e,
                       long long f);
double mixed(double a, float b, double c, float d, double e, int f);
long long by_reference(struct wide w, int scale);
long labs(long x); /* the harness is built with -fno-builtin: a call, not an inline */

/* What the stubs define and the runtime would read. */
extern const hot_abi_code *HOT_ABI_ATOMIC vais_hot__active;
static const struct hot_abi_manifest *manifest;

/* Each version weighs each argument by a power of ten, so that a swapped
 * or lost argument shows; v2 adds one. */
static long long v1_six(long long a, long long b, long long c, long long d, long long e,
                        long long f)
{
    return a + 10 * b + 100 * c + 1000 * d + 10000 * e + 100000 * f;
}

static double v1_mixed(double a, float b, double c, float d, double e, int f)
{
    return a + 10 * b + 100 * c + 1000 * d + 10000 * e + 100000 * f;
}

static long long v1_by_reference(struct wide w, int scale)
{
    return (w.a + 10 * w.b + 100 * w.c) * scale;
}

static long v1_labs(long x)
{
    return 7 * x;
}

static long long v2_six(long long a, long long b, long long c, long long d, long long e,
                        long long f)
{
    return v1_six(a, b, c, d, e, f) + 1;
}

static double v2_mixed(double a, float b, double c, float d, double e, int f)
{
    return v1_mixed(a, b, c, d, e, f) + 1;
}

static long long v2_by_reference(struct wide w, int scale)
{
    return v1_by_reference(w, scale) + 1;
}

static long v2_labs(long x)
{
    return v1_labs(x) + 1;
}

/* In the order the generator numbers them: by name. */
enum { COUNT = 4 };
static const hot_abi_code v1[COUNT] = {(hot_abi_code)v1_by_reference, (hot_abi_code)v1_labs,
                                       (hot_abi_code)v1_mixed, (hot_abi_code)v1_six};
static const hot_abi_code v2[COUNT] = {(hot_abi_code)v2_by_reference, (hot_abi_code)v2_labs,
                                       (hot_abi_code)v2_mixed, (hot_abi_code)v2_six};

static unsigned resolved[COUNT];

void hot__register(const struct hot_abi_manifest *registered)
{
    manifest = registered;
}

/* Writes over every register an argument can be in (all volatile), as a
 * loader doing real work may: the entry must have kept them. */
static void scribble(void)
{
    __asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n"
                     "pcmpeqd %%xmm1, %%xmm1\n"
                     "pcmpeqd %%xmm2, %%xmm2\n"
                     "pcmpeqd %%xmm3, %%xmm3\n"
                     "pcmpeqd %%xmm4, %%xmm4\n"
                     "pcmpeqd %%xmm5, %%xmm5\n"
                     "movq $-1, %%rcx\n"
                     "movq $-1, %%rdx\n"
                     "movq $-1, %%r8\n"
                     "movq $-1, %%r9\n"
                     :
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "rcx", "rdx", "r8", "r9");
}

/* hot__lazy_resolve writes over the 32 bytes above its return address,
 * which its caller must have set aside for it (the shadow space), as a
 * callee may, then runs resolve_body. */
hot_abi_code resolve_body(unsigned index);
__asm__(".text\n"
        ".globl hot__lazy_resolve\n"
        ".def hot__lazy_resolve; .scl 2; .type 32; .endef\n"
        "hot__lazy_resolve:\n"
        "    movq $-1, 8(%rsp)\n"
        "    movq $-1, 16(%rsp)\n"
        "    movq $-1, 24(%rsp)\n"
        "    movq $-1, 32(%rsp)\n"
        "    jmp resolve_body\n");

hot_abi_code resolve_body(unsigned index)
{
    scribble();
    if (index < COUNT)
        resolved[index]++;
    *manifest->active = v1;
    return index < COUNT ? v1[index] : 0;
}

/* What -finstrument-functions calls, in the stubs' file; the stubs
 * themselves must call nothing. */
__attribute__((no_instrument_function)) void __cyg_profile_func_enter(void *function, void *site);
__attribute__((no_instrument_function)) void __cyg_profile_func_exit(void *function, void *site);
__attribute__((no_instrument_function)) void __cyg_profile_func_enter(void *function, void *site)
{
    (void)function;
    (void)site;
}
__attribute__((no_instrument_function)) void __cyg_profile_func_exit(void *function, void *site)
{
    (void)function;
    (void)site;
}

static int failures;

static void expect(int ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

int main(void)
{
    struct wide w = {1, 2, 3};
    expect(manifest != NULL && manifest->count == COUNT, "the stubs registered their manifest");
    if (!manifest)
        return 1;
    expect(strcmp(manifest->signatures[0].name, "by_reference") == 0 &&
               strcmp(manifest->signatures[COUNT - 1].name, "six_integers") == 0,
           "the manifest lists the functions by name");
    expect(manifest->active == &vais_hot__active, "the manifest names the slots");
    const hot_abi_code *lazy = *manifest->active; /* the thunks, until a first call */

    /* Each function's first call: its thunk, the entry, hot__lazy_resolve
     * (which publishes v1), then v1, with every argument as passed. */
    expect(six_integers(1, 2, 3, 4, 5, 6) == 654321, "six_integers through the lazy entry");
    expect(resolved[3] == 1, "six_integers resolved, as index 3");
    *manifest->active = lazy;
    expect(mixed(1.0, 2.0f, 3.0, 4.0f, 5.0, 6) == 654321.0, "mixed through the lazy entry");
    expect(resolved[2] == 1, "mixed resolved, as index 2");
    *manifest->active = lazy;
    expect(labs(-3) == -21, "labs through the lazy entry");
    expect(resolved[1] == 1, "labs resolved, as index 1");
    *manifest->active = lazy;
    expect(by_reference(w, 2) == 642, "by_reference through the lazy entry");
    expect(resolved[0] == 1, "by_reference resolved, as index 0");

    /* Then through the stubs alone. */
    expect(six_integers(1, 2, 3, 4, 5, 6) == 654321, "six_integers through its stub");
    expect(mixed(1.0, 2.0f, 3.0, 4.0f, 5.0, 6) == 654321.0, "mixed through its stub");
    expect(resolved[0] + resolved[1] + resolved[2] + resolved[3] == COUNT,
           "nothing resolved twice");

    /* A swap: the next calls run v2. */
    *manifest->active = v2;
    expect(six_integers(1, 2, 3, 4, 5, 6) == 654322, "six_integers runs v2 after the swap");
    expect(mixed(1.0, 2.0f, 3.0, 4.0f, 5.0, 6) == 654322.0, "mixed runs v2 after the swap");
    expect(labs(-3) == -20, "labs runs v2 after the swap");
    expect(by_reference(w, 2) == 643, "by_reference runs v2 after the swap");

    printf("%s\n", failures ? "failed" : "all passed");
    return failures != 0;
}
