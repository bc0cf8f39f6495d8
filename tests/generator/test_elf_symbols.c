/* tests/generator/test_elf_symbols.c
 * Unit tests of tool/elf_symbols.c on this test's own files: its object
 * file keeps a hidden symbol's visibility, its executable makes it local;
 * what is undefined, weak or exported reads as such; and every truncation
 * and many corruptions of the object end in a status, reading nothing
 * outside the bytes (the sanitizers' run checks that).
 * argv: this test's object file, then its executable. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "elf_symbols.h"

__attribute__((visibility("hidden"))) int elf_test_hidden(void);
int elf_test_visible(void);
int elf_test_elsewhere(void); /* defined nowhere; used only if never */
__attribute__((weak)) int elf_test_weak(void);

__attribute__((visibility("hidden"))) int elf_test_hidden(void)
{
    return 1;
}

int elf_test_visible(void)
{
    return elf_test_hidden() + (elf_test_weak ? elf_test_weak() : 0);
}

/* What the visits saw of one name. */
struct seen {
    const char *name;
    int count;
    struct elf_symbol symbol;
};

static void remember(void *ctx, const struct elf_symbol *symbol)
{
    struct seen *seen = ctx;
    if (strcmp(symbol->name, seen->name) == 0) {
        seen->count++;
        seen->symbol = *symbol;
    }
}

static void count_all(void *ctx, const struct elf_symbol *symbol)
{
    (void)symbol;
    ++*(size_t *)ctx;
}

/* The whole file at path, or NULL. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    unsigned char *data = NULL;
    long length = -1;
    if (file && fseek(file, 0, SEEK_END) == 0)
        length = ftell(file);
    if (length > 0 && fseek(file, 0, SEEK_SET) == 0 && (data = malloc((size_t)length)) &&
        fread(data, 1, (size_t)length, file) != (size_t)length) {
        free(data);
        data = NULL;
    }
    if (file)
        fclose(file);
    *size = data ? (size_t)length : 0;
    return data;
}

/* Looks name up in a table of bytes; returns what was seen. */
static struct seen look_up(const unsigned char *bytes, size_t size, enum elf_table table,
                           const char *name)
{
    struct seen seen = {name, 0, {0}};
    char err[128];
    CHECK_INT(elf_each_symbol(bytes, size, table, remember, &seen, err, sizeof err), ==, 0);
    return seen;
}

static void object_file(const unsigned char *object, size_t size)
{
    struct seen hidden = look_up(object, size, ELF_STATIC, "elf_test_hidden");
    CHECK_INT(hidden.count, ==, 1);
    CHECK(hidden.symbol.defined && hidden.symbol.hidden && !hidden.symbol.local);
    struct seen visible = look_up(object, size, ELF_STATIC, "elf_test_visible");
    CHECK(visible.count == 1 && visible.symbol.defined && !visible.symbol.hidden);
    struct seen weak = look_up(object, size, ELF_STATIC, "elf_test_weak");
    CHECK(weak.count == 1 && !weak.symbol.defined && weak.symbol.weak);
    /* An object file has no dynamic table. */
    size_t dynamic = 0;
    char err[128];
    CHECK_INT(elf_each_symbol(object, size, ELF_DYNAMIC, count_all, &dynamic, err, sizeof err), ==,
              0);
    CHECK_INT(dynamic, ==, 0);
}

/* Counts the names of the C library's file ("libc.so.6", musl's "libc.so"). */
static void count_libc(void *ctx, const char *name)
{
    *(size_t *)ctx += strncmp(name, "libc.so", 7) == 0;
}

static void count_string(void *ctx, const char *text)
{
    *(size_t *)ctx += strlen(text);
}

/* Reads every byte of a symbol's strings. */
static void read_strings(void *ctx, const struct elf_symbol *symbol)
{
    count_string(ctx, symbol->name);
    if (symbol->from)
        count_string(ctx, symbol->from);
}

static void executable(const unsigned char *exe, size_t size)
{
    /* Linked, a hidden symbol is local, like a static one. */
    struct seen hidden = look_up(exe, size, ELF_STATIC, "elf_test_hidden");
    CHECK(hidden.count == 1 && hidden.symbol.defined && hidden.symbol.local);
    struct seen main_seen = look_up(exe, size, ELF_STATIC, "main");
    CHECK(main_seen.count == 1 && main_seen.symbol.defined && !main_seen.symbol.local);
    /* What it needs from libc is undefined in its dynamic table. */
    struct seen fopen_seen = look_up(exe, size, ELF_DYNAMIC, "fopen");
    CHECK(fopen_seen.count == 1 && !fopen_seen.symbol.defined);
#ifdef __GLIBC__
    /* glibc versions its symbols: the version its start-up requires is
     * libc's (fopen's may be a sanitizer's, which has none). */
    struct seen start = look_up(exe, size, ELF_DYNAMIC, "__libc_start_main");
    CHECK(start.count == 1 && start.symbol.from && strcmp(start.symbol.from, "libc.so.6") == 0);
#endif
    CHECK_INT(look_up(exe, size, ELF_DYNAMIC, "elf_test_hidden").count, ==, 0);
    /* The C library is a shared library it names. */
    size_t libc = 0;
    char err[128];
    CHECK_INT(elf_each_dynamic_string(exe, size, ELF_NEEDED, count_libc, &libc, err, sizeof err),
              ==, 0);
    CHECK_INT(libc, ==, 1);
}

static void not_elf(void)
{
    char err[128] = "";
    size_t count = 0;
    const unsigned char text[] = "int main(void) { return 0; } /* not an ELF file at all */";
    CHECK_INT(elf_each_symbol(text, sizeof text, ELF_STATIC, count_all, &count, err, sizeof err),
              ==, -1);
    CHECK_STR(err, "is not an ELF64 little-endian file");
    CHECK_INT(elf_each_symbol(text, 0, ELF_STATIC, count_all, &count, err, sizeof err), ==, -1);
    CHECK_INT(count, ==, 0);
}

/* Every prefix of the object, and many single-byte corruptions of it, end
 * in 0 or -1 (with a message), never outside the bytes. */
static void hostile(const unsigned char *object, size_t size)
{
    unsigned char *copy = malloc(size);
    char err[128];
    size_t count = 0, failures = 0;
    uint64_t state = 0x9e3779b97f4a7c15ull;
    if (!copy)
        abort();
    for (size_t length = 0; length <= size; length += 1 + length / 64) {
        memcpy(copy, object, length);
        err[0] = '\0';
        int result = elf_each_symbol(copy, length, ELF_STATIC, count_all, &count, err, sizeof err);
        failures += result != 0;
        if (result != 0 && err[0] == '\0')
            CHECK(!"a failure without a message");
    }
    CHECK(failures > 0);
    for (int round = 0; round < 20000; round++) {
        memcpy(copy, object, size);
        for (int flips = 0; flips < 4; flips++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            copy[(state >> 33) % size] ^= (unsigned char)(1u << ((state >> 20) & 7));
        }
        elf_each_symbol(copy, size, round & 1 ? ELF_STATIC : ELF_DYNAMIC, count_all, &count, err,
                        sizeof err);
    }
    free(copy);
}

/* The dynamic parts of a linked file (versions, the dynamic section's
 * strings), with bytes flipped: read only where they lie. */
static void hostile_dynamic(const unsigned char *exe, size_t size)
{
    unsigned char *copy = malloc(size);
    char err[128];
    size_t count = 0;
    uint64_t state = 0x2545f4914f6cdd1dull;
    if (!copy)
        abort();
    for (int round = 0; round < 4000; round++) {
        memcpy(copy, exe, size);
        for (int flips = 0; flips < 8; flips++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            copy[(state >> 33) % size] ^= (unsigned char)(1u << ((state >> 20) & 7));
        }
        elf_each_symbol(copy, size, ELF_DYNAMIC, read_strings, &count, err, sizeof err);
        elf_each_dynamic_string(copy, size, round & 1 ? ELF_NEEDED : ELF_RUNPATH, count_string,
                                &count, err, sizeof err);
    }
    free(copy);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_elf_symbols OBJECT EXECUTABLE\n");
        return 2;
    }
    size_t object_size = 0, exe_size = 0;
    unsigned char *object = slurp(argv[1], &object_size), *exe = slurp(argv[2], &exe_size);
    CHECK(object != NULL && exe != NULL);
    if (object && exe) {
        object_file(object, object_size);
        executable(exe, exe_size);
        hostile(object, object_size);
        hostile_dynamic(exe, exe_size);
    }
    not_elf();
    free(object);
    free(exe);
    return elf_test_visible() == 1 ? check_exit() : 1;
}
