/* GNU and C23 attributes are no part of the type, wherever a definition
 * holds them: before it, between its specifiers, after its name, on a tag,
 * on a parameter. */
struct __attribute__((aligned(8))) pt {
    int x, y;
};

#[hot]
__attribute__((noinline)) int gnu_before(int x) { return x; }

#[hot]
int __attribute__((noinline)) gnu_between(int x) { return x; }

#[hot]
[[nodiscard]] int c23_before(int x) { return x; }

#[hot]
[[nodiscard, deprecated("use c23_before")]] [[gnu::noinline]] int c23_many(int x) { return x; }

#[hot]
int c23_after_name [[deprecated]] (int x) { return x; }

#[hot]
struct __attribute__((aligned(8))) pt gnu_tag(struct pt p) { return p; }

#[hot]
int gnu_parameters(__attribute__((unused)) int x, int y __attribute__((unused)),
                   int *__attribute__((unused)) z)
{
    return z != 0;
}

#[hot]
int c23_parameters([[maybe_unused]] int x, [[maybe_unused]] const char *name) { return 0; }
