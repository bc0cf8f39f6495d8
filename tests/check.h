/* tests/check.h
 * The checks every C test uses: on failure each prints the expression and
 * both values with file and line, and the test goes on; check_exit() turns
 * the count of failures into the exit status. Header-only, one test per TU. */
#ifndef VAIS_HOT_CHECK_H
#define VAIS_HOT_CHECK_H

#include <stdio.h>
#include <string.h>

/* 1 in a build under ASan or TSan, whose shadow memory and own fault
 * handlers change what memory use and crashes look like. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CHECK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CHECK_SANITIZED 1
#endif
#endif
#ifndef CHECK_SANITIZED
#define CHECK_SANITIZED 0
#endif

/* ThreadSanitizer's allocator may be left locked in a child forked while
 * another thread allocates: such a child can hang in malloc. */
#if defined(__SANITIZE_THREAD__)
#define CHECK_THREAD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CHECK_THREAD_SANITIZED 1
#endif
#endif
#ifndef CHECK_THREAD_SANITIZED
#define CHECK_THREAD_SANITIZED 0
#endif

static int check_failed_count;
static int check_passed_count;

static void check_report(int ok, const char *file, int line, const char *expr, const char *detail)
{
    if (ok) {
        check_passed_count++;
        return;
    }
    check_failed_count++;
    fprintf(stderr, "%s:%d: check failed: %s%s%s\n", file, line, expr, detail[0] ? "\n    " : "",
            detail);
}

#define CHECK(expr) check_report((expr) != 0, __FILE__, __LINE__, #expr, "")

#define CHECK_INT(a, op, b)                                                                        \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        char check_d_[96];                                                                         \
        snprintf(check_d_, sizeof check_d_, "left: %lld, right: %lld", check_a_, check_b_);        \
        check_report(check_a_ op check_b_, __FILE__, __LINE__, #a " " #op " " #b, check_d_);       \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        int check_ok_ = check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0;                   \
        char check_d_[1024];                                                                       \
        snprintf(check_d_, sizeof check_d_, "left:  \"%s\"\n    right: \"%s\"",                    \
                 check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");                  \
        check_report(check_ok_, __FILE__, __LINE__, #a " == " #b, check_d_);                       \
    } while (0)

/* The exit status for main: 0 only if every check passed and at least one ran. */
static int check_exit(void)
{
    printf("%d passed, %d failed\n", check_passed_count, check_failed_count);
    return check_failed_count == 0 && check_passed_count > 0 ? 0 : 1;
}

#endif
