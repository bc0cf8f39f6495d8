/* tests/runtime/lazy/wide.h
 * A value as wide as this target's widest argument register, which the
 * lazy entry must keep whole: a ymm register on x86-64 (its upper half
 * too), two q registers on AArch64 (a homogeneous aggregate of vectors),
 * two d registers on RISC-V. */
#ifndef LAZY_WIDE_H
#define LAZY_WIDE_H

#if defined(__x86_64__)
#include <immintrin.h>
typedef __m256d wide;
static inline wide wide_of(double a, double b, double c, double d)
{
    return _mm256_set_pd(d, c, b, a);
}
static inline void wide_lanes(wide v, double lanes[4])
{
    _mm256_storeu_pd(lanes, v);
}
#elif defined(__aarch64__)
#include <arm_neon.h>
typedef struct {
    float64x2_t low, high;
} wide;
static inline wide wide_of(double a, double b, double c, double d)
{
    const double low[2] = {a, b}, high[2] = {c, d};
    return (wide){vld1q_f64(low), vld1q_f64(high)};
}
static inline void wide_lanes(wide v, double lanes[4])
{
    vst1q_f64(lanes, v.low);
    vst1q_f64(lanes + 2, v.high);
}
#elif defined(__riscv)
/* A float register holds one double: a struct of two goes in fa0 and fa1,
 * each carrying the sum of two lanes. */
typedef struct {
    double low, high;
} wide;
static inline wide wide_of(double a, double b, double c, double d)
{
    return (wide){a + b, c + d};
}
static inline void wide_lanes(wide v, double lanes[4])
{
    lanes[0] = v.low;
    lanes[1] = 0;
    lanes[2] = v.high;
    lanes[3] = 0;
}
#else
#error "tests/runtime/lazy/wide.h: name this target's widest argument register"
#endif

#endif
