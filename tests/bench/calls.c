/* tests/bench/calls.c
 * Benchmarks of the call path, printed as a table: ns per call for a direct
 * call, a bare function pointer into the hot library and the stub, with
 * their ratios; then, in auto mode, the delay from a stamp landing to the
 * first call that runs the new build; then the cost of a call through a
 * pointer taken before those reloads, which follows them. argv: the v1 and v2 builds of this
 * program's hot library, and a scratch path for the library in use. */
#define _POSIX_C_SOURCE 200809L
#include "../land.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <vais/hot.h>

int bench_add(int a, int b);
int bench_version(void);

/* The stubs' slot array, to call the library's code without a stub. */
extern const hot_abi_code *_Atomic vais_hot__active;

__attribute__((noinline)) static int direct_add(int a, int b)
{
    __asm__ volatile(""); /* keep the call: no inlining, no cloning away */
    return a + b;
}

#define CALLS 100000000L
#define ROUNDS 5

static volatile int sink;

/* Sets best to the lowest ns per call of ROUNDS loops of CALLS calls, each
 * call written at the call site as `call(sum, i)`: a macro, so that the
 * loop itself adds no call of its own. */
#define TIME_CALLS(best, call)                                                                     \
    do {                                                                                           \
        best = 1e9;                                                                                \
        for (int round = 0; round < ROUNDS; round++) {                                             \
            int sum = 0;                                                                           \
            long long start = system_now_ns();                                                       \
            for (long i = 0; i < CALLS; i++)                                                       \
                sum = call(sum, (int)i);                                                           \
            double ns = (double)(system_now_ns() - start) / (double)CALLS;                           \
            sink = sum;                                                                            \
            best = ns < best ? ns : best;                                                          \
        }                                                                                          \
    } while (0)

static int compare(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_calls V1 V2 SCRATCH-LIBRARY\n");
        return 2;
    }
    const char *builds[2] = {argv[1], argv[2]}, *library = argv[3];
    if (land_library(builds[0], library) != 0 || land_stamp(library) < 0) {
        fprintf(stderr, "bench_calls: cannot land '%s'\n", library);
        return 1;
    }
    hot_log_to(NULL);
    sink = bench_add(1, 2); /* the first call loads, in auto mode */
    int (*pointer)(int, int) = (int (*)(int, int))atomic_load(&vais_hot__active)[0];

    double direct, bare, stub;
    TIME_CALLS(direct, direct_add);
    TIME_CALLS(bare, pointer);
    TIME_CALLS(stub, bench_add);
    printf("%-44s %10s %10s\n", "call path (best of 5 x 1e8 calls)", "ns/call", "ratio");
    printf("%-44s %10.3f %10s\n", "direct call in the core", direct, "");
    printf("%-44s %10.3f %10.2f\n", "function pointer into the hot library", bare, bare / direct);
    printf("%-44s %10.3f %10.2f\n", "stub (what the core calls)", stub, stub / direct);
    printf("%-44s %10s %10.2f  (floor: <= 1.20)\n", "stub / function pointer", "", stub / bare);

    enum { LANDINGS = 30 };
    long long delays[LANDINGS];
    for (int i = 0; i < LANDINGS; i++) {
        int want = i % 2 == 0 ? 2 : 1;
        long long landed;
        if (land_library(builds[want - 1], library) != 0 || (landed = land_stamp(library)) < 0) {
            fprintf(stderr, "bench_calls: cannot land '%s'\n", library);
            return 1;
        }
        long long deadline = landed + 5000000000LL;
        while (bench_version() != want && system_now_ns() < deadline) {
        }
        if (bench_version() != want) {
            fprintf(stderr, "bench_calls: build %d not running 5 s after it landed\n", want);
            return 1;
        }
        delays[i] = system_now_ns() - landed;
    }
    qsort(delays, LANDINGS, sizeof delays[0], compare);
    printf("\n%-44s %10s %10s %10s\n", "auto mode: stamp -> first new call", "median", "p90",
           "max");
    printf("%-44s %8.3fms %8.3fms %8.3fms  (floor: median <= 5 ms)\n",
           "30 landings, v1/v2 alternating", (double)delays[LANDINGS / 2] / 1e6,
           (double)delays[LANDINGS * 9 / 10] / 1e6, (double)delays[LANDINGS - 1] / 1e6);

    /* The pointer taken from v1 now reaches the newest build through its
     * redirected entry; one taken now calls that build directly. */
    int (*fresh)(int, int) = (int (*)(int, int))atomic_load(&vais_hot__active)[0];
    double redirected, current;
    TIME_CALLS(redirected, pointer);
    TIME_CALLS(current, fresh);
    printf("\n%-44s %10s %10s\n", "stored pointers (after 30 reloads)", "ns/call", "ratio");
    printf("%-44s %10.3f %10s\n", "pointer taken from the newest build", current, "");
    printf("%-44s %10.3f %10.2f\n", "pointer taken from v1, redirected", redirected,
           redirected / current);
    hot_cleanup();
    return 0;
}
