/* tests/generator/driver.c
 * Runs the real vais-hot on the golden cases (cases/<case>/) and checks its
 * stamp command, each in a scratch directory of its own.
 * Invariant: vais-hot gets paths relative to that directory, so expected
 * files hold no machine path; any mismatch says where it starts.
 *
 *   driver case VAIS-HOT CASE-DIR SCRATCH-DIR
 *   driver stamp VAIS-HOT SCRATCH-DIR
 *
 * A case holds input *.c files and either the expected outputs (stubs.c and
 * table.c for a HOT ON case, unmarked.txt too if it asks for the list of
 * unmarked functions, and <input>.unit.c for each input), or
 * expected.status and expected.stderr (an error: checked with and without
 * --stubs/--table, and nothing may be written). A `target` file names the
 * target to generate for (--target), x86_64-elf when there is none. An
 * `args` file replaces the
 * command line (words split on blanks); then expected.stdout is checked too.
 * With VAIS_HOT_UPDATE_GOLDEN=1 in the environment, a case's expected files
 * are rewritten from what vais-hot does now: review the diff before committing. */
#define _XOPEN_SOURCE 700

#include "target.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vais/hot_abi.h>

#define MAX_FILES 64
#define MAX_ARGS 256

/* The files of a case directory that are inputs, by name. */
struct names {
    char *items[MAX_FILES];
    size_t count;
};

/* What one run of vais-hot did. */
struct run {
    int status; /* exit status, or -1 if it did not exit normally */
    char *out;  /* its stdout and stderr, owned */
    char *err;
};

/* A file's identity, to prove it was not rewritten. */
struct identity {
    ino_t inode;
    struct timespec mtime;
    int exists;
};

static int failures;
static char *case_target; /* the case's `target`, or NULL */

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void
failf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    failures++;
}

static char *join(const char *a, const char *b)
{
    size_t length = strlen(a) + strlen(b) + 2;
    char *path = malloc(length);
    if (!path) {
        perror("malloc");
        exit(2);
    }
    snprintf(path, length, "%s/%s", a, b);
    return path;
}

/* The whole file, NUL-terminated (*size without it), or NULL. */
static char *slurp(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    char *data = NULL;
    size_t used = 0, capacity = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) {
        if (used + n + 1 > capacity) {
            capacity = 2 * (used + n + 1);
            char *grown = realloc(data, capacity);
            if (!grown)
                exit(2);
            data = grown;
        }
        memcpy(data + used, chunk, n);
        used += n;
    }
    fclose(file);
    if (!data && !(data = malloc(1)))
        exit(2);
    data[used] = '\0';
    if (size)
        *size = used;
    return data;
}

static void spit(const char *path, const char *data, size_t size)
{
    FILE *file = fopen(path, "wb");
    if (!file || fwrite(data, 1, size, file) != size || fclose(file) != 0) {
        fprintf(stderr, "cannot write '%s': %s\n", path, strerror(errno));
        exit(2);
    }
}

static void copy_file(const char *from, const char *to)
{
    size_t size;
    char *data = slurp(from, &size);
    if (!data) {
        fprintf(stderr, "cannot read '%s': %s\n", from, strerror(errno));
        exit(2);
    }
    spit(to, data, size);
    free(data);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(const char *path)
{
    if (exists(path))
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create '%s': %s\n", path, strerror(errno));
        exit(2);
    }
}

/* make_dir, with the missing parents too. */
static void make_dirs(const char *path)
{
    char *prefix = strdup(path);
    for (char *slash = strchr(prefix + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        make_dir(prefix);
        *slash = '/';
    }
    make_dir(prefix);
    free(prefix);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcmp(name + n - s, suffix) == 0;
}

/* The entries of dir (all, or only a case's inputs), sorted. */
static void list_dir(const char *dir, int inputs_only, struct names *names)
{
    DIR *d = opendir(dir);
    names->count = 0;
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        const char *n = e->d_name;
        int input = ends_with(n, ".c") && !ends_with(n, ".unit.c") && strcmp(n, "stubs.c") != 0 &&
                    strcmp(n, "table.c") != 0;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 || (inputs_only && !input))
            continue;
        if (names->count == MAX_FILES)
            break;
        names->items[names->count++] = strdup(n);
    }
    closedir(d);
    qsort(names->items, names->count, sizeof names->items[0], compare_names);
}

static void free_names(struct names *names)
{
    for (size_t i = 0; i < names->count; i++)
        free(names->items[i]);
    names->count = 0;
}

/* Runs exe with args (args[0] first) in directory cwd, capturing its output
 * into files beside cwd. */
static struct run run_in(char **args, const char *cwd)
{
    char *out_path = join(cwd, "../stdout"), *err_path = join(cwd, "../stderr");
    struct run r = {-1, NULL, NULL};
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(cwd) != 0 || !freopen(out_path, "wb", stdout) || !freopen(err_path, "wb", stderr))
            _exit(127);
        target_exec(args);
        _exit(127);
    }
    int status = 0;
    if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
        r.status = WEXITSTATUS(status);
    else if (pid > 0 && WIFSIGNALED(status))
        failf("vais-hot was killed by signal %d", WTERMSIG(status));
    r.out = slurp(out_path, NULL);
    r.err = slurp(err_path, NULL);
    free(out_path);
    free(err_path);
    return r;
}

static void free_run(struct run *r)
{
    free(r->out);
    free(r->err);
}

/* Reports the first line where actual differs from expected. */
static void report_difference(const char *what, const char *expected, const char *actual)
{
    size_t line = 1, start = 0, i = 0;
    while (expected[i] && expected[i] == actual[i]) {
        if (expected[i++] == '\n') {
            line++;
            start = i;
        }
    }
    const char *e = expected + start, *a = actual + start;
    int e_length = (int)strcspn(e, "\n"), a_length = (int)strcspn(a, "\n");
    failf("%s differs from line %zu on\n  expected: %.*s%s\n  actual:   %.*s%s", what, line,
          e_length, e, *e ? "" : "<end of file>", a_length, a, *a ? "" : "<end of file>");
}

/* Checks that the text `actual` equals the file expected_path. */
static void expect_text(const char *what, const char *expected_path, const char *actual)
{
    size_t size;
    char *expected = slurp(expected_path, &size);
    if (!expected)
        failf("%s: cannot read expected file '%s'", what, expected_path);
    else if (!actual)
        failf("%s: no actual output", what);
    else if (strlen(expected) != size || strcmp(expected, actual) != 0)
        report_difference(what, expected, actual);
    free(expected);
}

/* Checks that file actual_path has the bytes of file expected_path. */
static void expect_file(const char *expected_path, const char *actual_path)
{
    size_t size;
    char *actual = slurp(actual_path, &size);
    if (!actual) {
        failf("'%s' was not written", actual_path);
        return;
    }
    if (strlen(actual) != size)
        failf("'%s' holds a NUL byte", actual_path);
    expect_text(actual_path, expected_path, actual);
    free(actual);
}

static struct identity identify(const char *path)
{
    struct identity id = {0};
    struct stat st;
    if (stat(path, &st) == 0) {
        id.inode = st.st_ino;
        id.mtime = st.st_mtim;
        id.exists = 1;
    }
    return id;
}

static int same_identity(struct identity a, struct identity b)
{
    return a.exists && b.exists && a.inode == b.inode && a.mtime.tv_sec == b.mtime.tv_sec &&
           a.mtime.tv_nsec == b.mtime.tv_nsec;
}

/* Checks exit status and stderr against the case's expected.* files. */
static void expect_outcome(const char *case_dir, const struct run *r, const char *mode)
{
    char *status_path = join(case_dir, "expected.status"),
         *err_path = join(case_dir, "expected.stderr");
    char *out_path = join(case_dir, "expected.stdout");
    char *status_text = slurp(status_path, NULL);
    int expected = status_text ? atoi(status_text) : 0;
    if (r->status != expected)
        failf("%s: exit status %d, expected %d; stderr:\n%s", mode, r->status, expected,
              r->err ? r->err : "");
    if (exists(err_path))
        expect_text("stderr", err_path, r->err);
    else if (r->err && r->err[0])
        failf("%s: unexpected stderr:\n%s", mode, r->err);
    if (exists(out_path))
        expect_text("stdout", out_path, r->out);
    else if (r->out && r->out[0])
        failf("%s: unexpected stdout:\n%s", mode, r->out);
    free(status_text);
    free(status_path);
    free(err_path);
    free(out_path);
}

/* Writes expected.status and expected.stderr (and .stdout) from r. */
static void update_outcome(const char *case_dir, const struct run *r)
{
    char status[16];
    int length = snprintf(status, sizeof status, "%d\n", r->status);
    char *status_path = join(case_dir, "expected.status"),
         *err_path = join(case_dir, "expected.stderr");
    char *out_path = join(case_dir, "expected.stdout");
    spit(status_path, status, (size_t)length);
    spit(err_path, r->err, strlen(r->err));
    if (r->out[0])
        spit(out_path, r->out, strlen(r->out));
    free(status_path);
    free(err_path);
    free(out_path);
}

/* What a case's command line asks for beyond the units. */
enum outputs {
    UNITS,    /* HOT OFF */
    HOT_ON,   /* the stubs and the table too */
    UNMARKED, /* and the list of unmarked functions */
};

/* The command line of a case: vais-hot gen for its inputs, outputs in out/. */
static size_t gen_args(char **args, const char *exe, const struct names *inputs,
                       enum outputs wanted, char **owned)
{
    size_t n = 0;
    args[n++] = (char *)exe;
    args[n++] = "gen";
    args[n++] = "--program";
    args[n++] = "demo";
    if (case_target) {
        args[n++] = "--target";
        args[n++] = case_target;
    }
    if (wanted >= HOT_ON) {
        args[n++] = "--stubs";
        args[n++] = "out/stubs.c";
        args[n++] = "--table";
        args[n++] = "out/table.c";
    }
    if (wanted >= UNMARKED) {
        args[n++] = "--unmarked";
        args[n++] = "out/unmarked.txt";
    }
    for (size_t i = 0; i < inputs->count && n + 4 < MAX_ARGS; i++) {
        const char *input = inputs->items[i];
        size_t length = strlen(input) + 16;
        free(owned[i]);
        owned[i] = malloc(length);
        snprintf(owned[i], length, "out/%.*s.unit.c", (int)(strlen(input) - 2), input);
        args[n++] = "--unit";
        args[n++] = (char *)input;
        args[n++] = owned[i];
    }
    args[n] = NULL;
    return n;
}

/* The outputs a case expects, as names within out/ and the case dir. */
static void output_names(const struct names *inputs, enum outputs wanted, struct names *outputs)
{
    outputs->count = 0;
    if (wanted >= HOT_ON) {
        outputs->items[outputs->count++] = strdup("stubs.c");
        outputs->items[outputs->count++] = strdup("table.c");
    }
    if (wanted >= UNMARKED)
        outputs->items[outputs->count++] = strdup("unmarked.txt");
    for (size_t i = 0; i < inputs->count && outputs->count < MAX_FILES; i++) {
        const char *input = inputs->items[i];
        size_t length = strlen(input) + 16;
        char *name = malloc(length);
        snprintf(name, length, "%.*s.unit.c", (int)(strlen(input) - 2), input);
        outputs->items[outputs->count++] = name;
    }
}

/* Checks that the work directory holds exactly the inputs and, if out is
 * given, out/ holds exactly those files (no temporary left over). */
static void expect_only(const char *work, const struct names *inputs, const struct names *out)
{
    struct names found;
    list_dir(work, 0, &found);
    size_t wanted = inputs->count + (out ? 1 : 0);
    if (found.count != wanted)
        failf("'%s' holds %zu entries, expected %zu (the inputs%s)", work, found.count, wanted,
              out ? " and out/" : "; nothing may be written after an error");
    free_names(&found);
    if (!out)
        return;
    char *out_dir = join(work, "out");
    list_dir(out_dir, 0, &found);
    if (found.count != out->count)
        failf("'%s' holds %zu files, expected %zu", out_dir, found.count, out->count);
    free_names(&found);
    free(out_dir);
}

/* An error case: the same outcome with and without --stubs/--table, no file
 * written, and outputs already there left untouched. */
static void error_case(const char *exe, const char *case_dir, const char *work,
                       const struct names *inputs)
{
    char *args[MAX_ARGS], *owned[MAX_FILES] = {0};
    struct names outputs;
    for (int hot_on = 1; hot_on >= 0; hot_on--) {
        gen_args(args, exe, inputs, hot_on ? HOT_ON : UNITS, owned);
        struct run r = run_in(args, work);
        if (hot_on && getenv("VAIS_HOT_UPDATE_GOLDEN"))
            update_outcome(case_dir, &r);
        expect_outcome(case_dir, &r, hot_on ? "with --stubs/--table" : "without --stubs/--table");
        expect_only(work, inputs, NULL);
        free_run(&r);
    }
    output_names(inputs, HOT_ON, &outputs);
    char *out_dir = join(work, "out");
    make_dir(out_dir);
    struct identity before[MAX_FILES];
    for (size_t i = 0; i < outputs.count; i++) {
        char *path = join(out_dir, outputs.items[i]);
        spit(path, "previous\n", 9);
        before[i] = identify(path);
        free(path);
    }
    gen_args(args, exe, inputs, HOT_ON, owned);
    struct run r = run_in(args, work);
    expect_outcome(case_dir, &r, "with outputs already there");
    for (size_t i = 0; i < outputs.count; i++) {
        char *path = join(out_dir, outputs.items[i]);
        size_t size;
        char *content = slurp(path, &size);
        if (!same_identity(before[i], identify(path)) || !content || strcmp(content, "previous\n"))
            failf("'%s' was changed by a run that failed", path);
        free(content);
        free(path);
    }
    expect_only(work, inputs, &outputs);
    free_run(&r);
    free(out_dir);
    free_names(&outputs);
    for (size_t i = 0; i < inputs->count; i++)
        free(owned[i]);
}

/* Compares every output in work/out with the case's expected file (or, in
 * update mode, copies it there). */
static void compare_outputs(const char *case_dir, const char *work, const struct names *outputs)
{
    for (size_t i = 0; i < outputs->count; i++) {
        char *expected = join(case_dir, outputs->items[i]), *out = join(work, "out");
        char *actual = join(out, outputs->items[i]);
        if (getenv("VAIS_HOT_UPDATE_GOLDEN"))
            copy_file(actual, expected);
        expect_file(expected, actual);
        free(expected);
        free(out);
        free(actual);
    }
}

/* A good case: the expected outputs; a second run rewrites nothing; a run
 * after one output was spoiled rewrites that one alone. */
static void good_case(const char *exe, const char *case_dir, const char *work,
                      const struct names *inputs, enum outputs wanted)
{
    char *args[MAX_ARGS], *owned[MAX_FILES] = {0};
    struct names outputs;
    struct identity before[MAX_FILES] = {{0}};
    output_names(inputs, wanted, &outputs);
    gen_args(args, exe, inputs, wanted, owned);
    for (int round = 0; round < 3; round++) {
        char *spoiled = join(work, "out");
        char *spoiled_path = join(spoiled, outputs.items[0]);
        if (round == 2)
            spit(spoiled_path, "spoiled\n", 8);
        struct run r = run_in(args, work);
        expect_outcome(case_dir, &r, round == 0 ? "first run" : "run again");
        compare_outputs(case_dir, work, &outputs);
        expect_only(work, inputs, &outputs);
        for (size_t i = 0; i < outputs.count; i++) {
            char *out = join(work, "out"), *path = join(out, outputs.items[i]);
            struct identity now = identify(path);
            int kept = same_identity(before[i], now),
                must_keep = round == 1 || (round == 2 && i > 0);
            if (round > 0 && kept != must_keep)
                failf("round %d: '%s' was %s", round, path, kept ? "not rewritten" : "rewritten");
            before[i] = now;
            free(out);
            free(path);
        }
        free_run(&r);
        free(spoiled);
        free(spoiled_path);
    }
    free_names(&outputs);
    for (size_t i = 0; i < inputs->count; i++)
        free(owned[i]);
}

/* A case with its own command line, from its `args` file. */
static void args_case(const char *case_dir, const char *work, const char *exe)
{
    char *path = join(case_dir, "args"), *text = slurp(path, NULL);
    char *args[MAX_ARGS];
    size_t n = 0;
    args[n++] = (char *)exe;
    for (char *word = strtok(text, " \t\n"); word && n + 1 < MAX_ARGS; word = strtok(NULL, " \t\n"))
        args[n++] = word;
    args[n] = NULL;
    struct run r = run_in(args, work);
    if (getenv("VAIS_HOT_UPDATE_GOLDEN"))
        update_outcome(case_dir, &r);
    expect_outcome(case_dir, &r, "custom command line");
    free_run(&r);
    free(text);
    free(path);
}

static int run_case(const char *exe, const char *case_dir, const char *scratch)
{
    struct names inputs;
    remove_tree(scratch);
    make_dirs(scratch);
    char *work = join(scratch, "work"), *args = join(case_dir, "args");
    char *status = join(case_dir, "expected.status"), *stubs = join(case_dir, "stubs.c");
    char *unmarked = join(case_dir, "unmarked.txt"), *target = join(case_dir, "target");
    case_target = exists(target) ? slurp(target, NULL) : NULL;
    if (case_target)
        case_target[strcspn(case_target, " \t\n")] = '\0';
    make_dir(work);
    list_dir(case_dir, 1, &inputs);
    for (size_t i = 0; i < inputs.count; i++) {
        char *from = join(case_dir, inputs.items[i]), *to = join(work, inputs.items[i]);
        copy_file(from, to);
        free(from);
        free(to);
    }
    if (exists(args))
        args_case(case_dir, work, exe);
    else if (exists(status))
        error_case(exe, case_dir, work, &inputs);
    else
        good_case(exe, case_dir, work, &inputs,
                  exists(unmarked) ? UNMARKED
                  : exists(stubs)  ? HOT_ON
                                   : UNITS);
    free_names(&inputs);
    free(work);
    free(args);
    free(status);
    free(stubs);
    free(unmarked);
    free(target);
    free(case_target);
    case_target = NULL;
    if (failures == 0)
        remove_tree(scratch);
    return failures ? 1 : 0;
}

/* The stamp file holds what stat() says of the library, in the ABI's format;
 * a missing library is an error that leaves the stamp alone, and a library
 * not yet whole (as a linker still writing it leaves it) is not stamped,
 * with a note. The libraries are copies of this driver, a whole ELF file. */
static int run_stamp(const char *exe, const char *scratch)
{
    remove_tree(scratch);
    make_dirs(scratch);
    char *work = join(scratch, "work");
    make_dir(work);
    char *library = join(work, "libdemo_hot.so"), *stamp = join(work, "libdemo_hot.so.stamp");
    char *args[] = {(char *)exe, "stamp", "libdemo_hot.so", "libdemo_hot.so.stamp", NULL};
    size_t whole_size = 0;
    char *own = slurp("/proc/self/exe", &whole_size),
         *whole = own ? realloc(own, whole_size + 1) : NULL;
    if (!whole || whole_size < 4096) {
        failf("stamp: cannot read this driver's own file to stamp");
        return 1;
    }
    whole[whole_size] = '\n';
    unsigned long long builds[2] = {0, 0};
    for (int round = 0; round < 2; round++) {
        spit(library, whole, whole_size + (size_t)round); /* a byte more: another size */
        struct run r = run_in(args, work);
        struct stat st;
        char expected[384];
        stat(library, &st);
        char *written = slurp(stamp, NULL);
        /* Every field but the build number is known (the content hash of the
         * bytes written); that one must be new. */
        const char *build = written ? strstr(written, "build ") : NULL;
        builds[round] = build ? strtoull(build + 6, NULL, 10) : 0;
        snprintf(expected, sizeof expected, HOT_ABI_STAMP_FORMAT, (long long)st.st_size,
                 (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
                 (unsigned long long)st.st_ino, (unsigned long long)st.st_dev, builds[round],
                 hot_abi_content_hash((const unsigned char *)whole, whole_size + (size_t)round),
                 0ULL, 0ULL); /* not a vais-hot library: no summary */
        if (r.status != 0 || (r.err && r.err[0]))
            failf("stamp: exit status %d, stderr: %s", r.status, r.err ? r.err : "");
        if (!written || strcmp(written, expected) != 0)
            failf("stamp: wrote\n%s\nexpected\n%s", written ? written : "(nothing)", expected);
        free(written);
        free_run(&r);
    }
    if (builds[0] == 0 || builds[0] == builds[1])
        failf("stamp: the build numbers %llu and %llu are not unique", builds[0], builds[1]);
    struct names found;
    list_dir(work, 0, &found);
    if (found.count != 2)
        failf("stamp: %zu files beside the library, expected the stamp alone", found.count - 1);
    free_names(&found);
    struct identity before = identify(stamp);
    char *missing[] = {(char *)exe, "stamp", "missing.so", "libdemo_hot.so.stamp", NULL};
    struct run r = run_in(missing, work);
    const char *message = "vais-hot: error: cannot stat 'missing.so': No such file or directory\n";
    if (r.status != 2 || !r.err || strcmp(r.err, message) != 0)
        failf("stamp of a missing library: exit status %d, stderr: %s", r.status, r.err);
    if (!same_identity(before, identify(stamp)))
        failf("stamp of a missing library changed the stamp file");
    free_run(&r);
    /* What a linker leaves while it writes: nothing, no header yet, the
     * headers but not all the sections. */
    static const struct {
        size_t size; /* of the driver's bytes; 1: "library" */
        const char *why;
    } unfinished[] = {{0, "is empty"}, {1, "has no ELF header yet"}, {2, "ends before its"}};
    for (size_t i = 0; i < sizeof unfinished / sizeof *unfinished; i++) {
        if (unfinished[i].size == 1)
            spit(library, "library", 7);
        else
            spit(library, whole, unfinished[i].size ? whole_size / 2 : 0);
        r = run_in(args, work);
        char note[600];
        snprintf(note, sizeof note, "vais-hot: not stamped: 'libdemo_hot.so' %s",
                 unfinished[i].why);
        if (r.status != 0 || !r.err || strncmp(r.err, note, strlen(note)) != 0 ||
            !strstr(r.err, "; a build still writing it stamps it when done\n"))
            failf("stamp of a library %s: exit status %d, stderr: %s", unfinished[i].why, r.status,
                  r.err ? r.err : "");
        if (!same_identity(before, identify(stamp)))
            failf("stamp of a library %s changed the stamp file", unfinished[i].why);
        free_run(&r);
    }
    /* One that cannot be read at all is an error (here a directory, which
     * root cannot map either), not a build still writing it. */
    char *unreadable = join(work, "dir.so");
    make_dir(unreadable);
    char *dir_args[] = {(char *)exe, "stamp", "dir.so", "libdemo_hot.so.stamp", NULL};
    r = run_in(dir_args, work);
    const char *cannot = "vais-hot: error: cannot map 'dir.so': ";
    if (r.status != 2 || !r.err || strncmp(r.err, cannot, strlen(cannot)) != 0)
        failf("stamp of an unreadable library: exit status %d, stderr: %s", r.status,
              r.err ? r.err : "");
    if (!same_identity(before, identify(stamp)))
        failf("stamp of an unreadable library changed the stamp file");
    free_run(&r);
    rmdir(unreadable);
    free(unreadable);
    free(whole);
    free(library);
    free(stamp);
    free(work);
    if (failures == 0)
        remove_tree(scratch);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "case") == 0)
        return run_case(argv[2], argv[3], argv[4]);
    if (argc == 4 && strcmp(argv[1], "stamp") == 0)
        return run_stamp(argv[2], argv[3]);
    fprintf(stderr, "usage: driver case VAIS-HOT CASE-DIR SCRATCH-DIR\n"
                    "       driver stamp VAIS-HOT SCRATCH-DIR\n");
    return 2;
}
