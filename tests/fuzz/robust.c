/* tests/fuzz/robust.c
 * Runs the real `vais-hot gen` on hostile hot sources made at test time, in a
 * scratch directory of their own: garbage, an empty file, 100 MB, a 10 MB
 * line, 100k-deep nesting, files cut off at the end, files that are no files;
 * and checks that outputs are replaced only when their content changes.
 * Invariant: every run ends in a correct result, or in a non-zero exit with
 * a clear error and nothing written; never a signal, a hang (each run has an
 * alarm) or a partial output.
 *
 *   robust VAIS-HOT SCRATCH-PARENT CASE   (CASE: see the table in main)
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "corpus.h"

/* A run longer than this is a hang: SIGALRM ends it. Generous, as ASan and a
 * loaded machine may slow a 100 MB run tenfold. */
#define RUN_DEADLINE_SECONDS 240

#define MB (1024u * 1024u)

static const char *vais_hot;
static const char *work; /* the scratch directory, the runs' working directory */
static int failures;

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

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Gives up, and takes the scratch directory (which may hold 200 MB) with it. */
static void die(const char *what)
{
    fprintf(stderr, "robust: %s: %s\n", what, strerror(errno));
    const char *scratch = work;
    work = NULL;
    if (scratch)
        nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    exit(2);
}

/* work/name, in a buffer that lives until the next call but three. */
static const char *in_work(const char *name)
{
    static char paths[4][4096];
    static int next;
    char *path = paths[next++ % 4];
    snprintf(path, sizeof paths[0], "%s/%s", work, name);
    return path;
}

static void write_file(const char *name, const char *data, size_t size)
{
    FILE *file = fopen(in_work(name), "wb");
    if (!file || fwrite(data, 1, size, file) != size || fclose(file) != 0)
        die(name);
}

/* The bytes of work/name, NUL-terminated (not counted), or NULL. */
static char *read_file(const char *name, size_t *size)
{
    FILE *file = fopen(in_work(name), "rb");
    if (!file)
        return NULL;
    struct corpus_text t = {0};
    char chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0)
        corpus_put(&t, chunk, n);
    corpus_put(&t, "", 0);
    fclose(file);
    *size = t.size;
    return t.data;
}

/* Removes work/name and all below it, if it exists. */
static void remove_tree(const char *name)
{
    const char *path = in_work(name);
    if (access(path, F_OK) == 0 && nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        die(path);
}

static int exists(const char *name)
{
    struct stat st;
    return lstat(in_work(name), &st) == 0;
}

/* What one run of vais-hot did. */
struct run {
    int status; /* exit status, or -1 when a signal ended it */
    int signal;
    char *err; /* owned: its stderr */
    size_t err_size;
};

static void run_free(struct run *r)
{
    free(r->err);
    memset(r, 0, sizeof *r);
}

/* Runs `vais-hot gen --program robust --stubs out/stubs.c --table out/table.c
 * --unit S out/S...` in work for the sources (names in work), with an alarm
 * as the hang detector. */
static struct run gen(const char *const *sources, size_t count)
{
    char **argv = calloc(9 + 3 * count, sizeof *argv); /* NULL-terminated */
    char **units = calloc(count, sizeof *units);
    if (!argv || !units)
        die("calloc");
    size_t n = 0;
    argv[n++] = (char *)vais_hot;
    argv[n++] = "gen";
    argv[n++] = "--program";
    argv[n++] = "robust";
    argv[n++] = "--stubs";
    argv[n++] = "out/stubs.c";
    argv[n++] = "--table";
    argv[n++] = "out/table.c";
    for (size_t i = 0; i < count; i++) {
        units[i] = malloc(strlen(sources[i]) + 5);
        if (!units[i])
            die("malloc");
        sprintf(units[i], "out/%s", sources[i]);
        argv[n++] = "--unit";
        argv[n++] = (char *)sources[i];
        argv[n++] = units[i];
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        int out = -1;
        if (chdir(work) != 0 || (out = open("stdout.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
            _exit(127);
        int err = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        alarm(RUN_DEADLINE_SECONDS); /* kept across execv */
        execv(vais_hot, argv);
        _exit(127);
    }
    int wstatus;
    while (waitpid(pid, &wstatus, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
    }
    struct run r = {0};
    r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    r.signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
    r.err = read_file("stderr.txt", &r.err_size);
    if (!r.err)
        die("stderr.txt");
    for (size_t i = 0; i < count; i++)
        free(units[i]);
    free(units);
    free(argv);
    return r;
}

/* The first line of r's stderr, clipped, for messages. */
static const char *first_line(const struct run *r)
{
    static char line[256];
    size_t length = strcspn(r->err, "\n");
    snprintf(line, sizeof line, "%.*s%s", (int)(length < 200 ? length : 200), r->err,
             length < 200 ? "" : "...");
    return line;
}

/* Did the run end by itself? Says why not. */
static int ended(const char *what, const struct run *r)
{
    if (r->status >= 0)
        return 1;
    if (r->signal == SIGALRM)
        failf("%s: vais-hot hung: no exit within %d s", what, RUN_DEADLINE_SECONDS);
    else
        failf("%s: vais-hot crashed: killed by signal %d (%s)", what, r->signal,
              strsignal(r->signal));
    return 0;
}

/* Parses "SRC:LINE:COL: error: " at the start of r's stderr. */
static int located(const struct run *r, const char *source, size_t *line, size_t *column)
{
    size_t length = strlen(source);
    char rest[16] = "";
    unsigned long long l = 0, c = 0;
    if (strncmp(r->err, source, length) != 0 || r->err[length] != ':')
        return 0;
    if (sscanf(r->err + length, ":%llu:%llu: error%15[: ]", &l, &c, rest) != 3 ||
        strcmp(rest, ": ") != 0 || l == 0 || c == 0)
        return 0;
    *line = (size_t)l;
    *column = (size_t)c;
    return 1;
}

/* Nothing may be written by a failed run: not even the output directory. */
static void expect_nothing_written(const char *what)
{
    if (exists("out"))
        failf("%s: the run failed but wrote into out/", what);
}

/* Expects exit 1, an error at source:line (any line if 0), its source line
 * and caret after it, and nothing written. */
static void expect_error_at(const char *what, const struct run *r, const char *source, size_t line)
{
    size_t l = 0, c = 0;
    if (!ended(what, r))
        return;
    if (r->status != 1 || !located(r, source, &l, &c))
        failf("%s: expected exit 1 and '%s:LINE:COL: error: ...', got exit %d: %s", what, source,
              r->status, first_line(r));
    else if (line && l != line)
        failf("%s: expected the error on line %zu, got: %s", what, line, first_line(r));
    else if (!strstr(r->err, "^\n"))
        failf("%s: the error has no caret line", what);
    expect_nothing_written(what);
}

/* Expects exit 1 for want of any hot function, and nothing written. */
static void expect_no_function(const char *what, const struct run *r)
{
    static const char text[] = "vais-hot: error: no function is marked '#[hot]'";
    if (!ended(what, r))
        return;
    if (r->status != 1 || strncmp(r->err, text, sizeof text - 1) != 0)
        failf("%s: expected exit 1 and \"%s ...\", got exit %d: %s", what, text, r->status,
              first_line(r));
    expect_nothing_written(what);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expects a correct result for sources[i], whose texts as units hold them
 * are expected[i]: exit 0, nothing said, each unit holding its text between
 * its '#line' directives, and the table listing the hot names (which this
 * sorts) in order. */
static void expect_result(const char *what, const struct run *r, const char *const *sources,
                          const struct corpus_text *expected, size_t count, char **names,
                          size_t name_count)
{
    if (!ended(what, r))
        return;
    if (r->status != 0) {
        failf("%s: expected success, got exit %d: %s", what, r->status, first_line(r));
        return;
    }
    if (r->err_size)
        failf("%s: success, but stderr says: %s", what, first_line(r));
    for (size_t i = 0; i < count; i++) {
        char unit_name[4096], head[4200], tail[4200];
        size_t size = 0;
        snprintf(unit_name, sizeof unit_name, "out/%s", sources[i]);
        char *whole = read_file(unit_name, &size), *unit = whole;
        /* Each #[persist] variable's renaming comes before the text. */
        static const char rename[] = "#pragma redefine_extname ";
        while (unit && (size_t)(whole + size - unit) > sizeof rename &&
               memcmp(unit, rename, sizeof rename - 1) == 0) {
            char *end = memchr(unit, '\n', (size_t)(whole + size - unit));
            unit = end ? end + 1 : whole + size;
        }
        size = unit ? (size_t)(whole + size - unit) : 0;
        int head_length = snprintf(head, sizeof head, "#line 1 \"%s\"\n", sources[i]);
        /* The tail names the line after its own, counted from the file's top. */
        size_t before = unit ? (size_t)(unit - whole) : 0, lines = 0;
        size_t tail_at = before + (size_t)head_length + expected[i].size;
        for (size_t at = 0; at < tail_at && at < before + size; at++)
            lines += whole[at] == '\n';
        int tail_length =
            snprintf(tail, sizeof tail, "#line %zu \"out/%s\"\n", lines + 2, sources[i]);
        size_t need = (size_t)head_length + expected[i].size + (size_t)tail_length;
        if (!unit)
            failf("%s: no unit '%s'", what, unit_name);
        else if (size < need || memcmp(unit, head, (size_t)head_length) != 0 ||
                 (expected[i].size &&
                  memcmp(unit + head_length, expected[i].data, expected[i].size) != 0) ||
                 memcmp(unit + head_length + expected[i].size, tail, (size_t)tail_length) != 0)
            failf("%s: unit '%s' does not hold its source's text with the markers blanked", what,
                  unit_name);
        free(whole);
    }
    size_t size = 0, found = 0;
    char *table = read_file("out/table.c", &size);
    if (!table) {
        failf("%s: no table", what);
        return;
    }
    qsort(names, name_count, sizeof *names, compare_names);
    static const char entry[] = "\n    &vais_hot__entry_";
    for (char *at = strstr(table, entry); at; at = strstr(at + 1, entry), found++) {
        char *name = at + sizeof entry - 1;
        size_t length = strcspn(name, ",");
        if (found >= name_count || strlen(names[found]) != length ||
            memcmp(name, names[found], length) != 0) {
            failf("%s: the table's entry %zu is not '%s'", what, found,
                  found < name_count ? names[found] : "(none)");
            break;
        }
    }
    if (found != name_count)
        failf("%s: the table has %zu entries, expected %zu", what, found, name_count);
    free(table);
}

/* A text made here, as its unit must hold it: text with marker lines blanked. */
struct made {
    struct corpus_text text;
    struct corpus_text expected;
    char **names; /* hot functions: the caller's array, room for those made here */
    size_t name_count;
};

static void made_add(struct made *m, const char *text, int marker)
{
    corpus_put(&m->text, text, strlen(text));
    corpus_put(&m->expected, marker ? "\n" : text, marker ? 1 : strlen(text));
}

/* Appends n copies of piece to both texts. */
static void made_repeat(struct made *m, const char *piece, size_t n)
{
    for (size_t i = 0; i < n; i++)
        made_add(m, piece, 0);
}

/* A hot function the texts end with, named name (a literal). */
static void made_hot(struct made *m, char *name)
{
    char line[256];
    made_add(m, "#[hot]\n", 1);
    snprintf(line, sizeof line, "int %s(void)\n{\n    return 7;\n}\n", name);
    made_add(m, line, 0);
    m->names[m->name_count++] = name;
}

/* The unit text emit makes of a text: a final '\n' added if it lacks one. */
static void made_finish(struct made *m)
{
    if (m->text.size == 0 || m->text.data[m->text.size - 1] != '\n')
        corpus_put(&m->expected, "\n", 1);
}

static void made_free(struct made *m)
{
    free(m->text.data);
    free(m->expected.data);
    memset(m, 0, sizeof *m);
}

/* Runs vais-hot on one made source (HOT ON); the caller checks the run. */
static struct run gen_one(const char *source, const struct made *m)
{
    remove_tree("out");
    write_file(source, m->text.data ? m->text.data : "", m->text.size);
    return gen(&source, 1);
}

/* What a run whose outcome is not fixed ended in. */
enum outcome {
    OUTCOME_RESULT,      /* exit 0 */
    OUTCOME_LOCATED,     /* exit 1, "path:line:col: error: ..." */
    OUTCOME_NO_FUNCTION, /* exit 1: every marker is hidden (in a comment...) */
    OUTCOME_WRONG,       /* anything else: failed already */
};

/* Expects a correct result (if m is given), a located error or, when the
 * text may hide every marker, none found. */
static enum outcome expect_some_outcome(const char *what, const struct run *r, const char *source,
                                        const struct made *m)
{
    size_t line, column;
    if (!ended(what, r))
        return OUTCOME_WRONG;
    if (r->status == 0 && m) {
        int before = failures;
        expect_result(what, r, &source, &m->expected, 1, m->names, m->name_count);
        return failures == before ? OUTCOME_RESULT : OUTCOME_WRONG;
    }
    enum outcome o = OUTCOME_WRONG;
    if (r->status == 1 && located(r, source, &line, &column))
        o = OUTCOME_LOCATED;
    else if (r->status == 1 && strstr(r->err, "vais-hot: error: no function is marked '#[hot]'"))
        o = OUTCOME_NO_FUNCTION;
    if (o == OUTCOME_WRONG)
        failf("%s: expected %sa located error, got exit %d: %s", what, m ? "success or " : "",
              r->status, first_line(r));
    expect_nothing_written(what);
    return o;
}

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the same garbage on every run, so a failure reproduces. */
static unsigned long long rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Random bytes, any value (NULs too), or only bytes that matter to C. */
static void case_garbage(void)
{
    static const char c_bytes[] = "{}()[]/*\"'\\\n\n\r#;,= \t\0abz09_.";
    int seen[OUTCOME_WRONG + 1] = {0};
    for (int k = 0; k < 32; k++) {
        struct made m = {0};
        char *names[1];
        char what[64];
        m.names = names;
        size_t size = ((size_t)1 << (k % 21)) + rng() % 4096;
        corpus_grow(&m.text, size);
        for (size_t i = 0; i < size; i++)
            m.text.data[i] =
                k % 4 < 2 ? (char)(rng() & 0xff) : c_bytes[rng() % (sizeof c_bytes - 1)];
        m.text.size = size;
        corpus_put(&m.expected, m.text.data, size);
        snprintf(what, sizeof what, "garbage %d (%zu bytes%s)", k, size,
                 k % 2 ? ", then a hot function" : "");
        if (k % 2) {
            made_add(&m, "\n", 0);
            made_hot(&m, "robust_after_garbage");
        }
        made_finish(&m);
        struct run r = gen_one("garbage.c", &m);
        seen[expect_some_outcome(what, &r, "garbage.c", k % 2 ? &m : NULL)]++;
        run_free(&r);
        made_free(&m);
    }
    printf("garbage: %d correct results, %d located errors, %d with no hot function found\n",
           seen[OUTCOME_RESULT], seen[OUTCOME_LOCATED], seen[OUTCOME_NO_FUNCTION]);
    /* NUL bytes where C has none. */
    static const struct {
        const char *what, *text;
        size_t size;
        int ok; /* 1: a correct result, 0: a located error */
    } nuls[] = {
#define NUL_CASE(what, text, ok) {what, text, sizeof text - 1, ok}
        NUL_CASE("a NUL in a body", "#[hot]\nint robust_nul(void) { return '\0'; \0 }\n", 1),
        NUL_CASE("a NUL after a marker", "#[hot]\0\nint robust_nul(void) { return 0; }\n", 0),
        NUL_CASE("a NUL in a name", "#[hot]\nint robust\0nul(void) { return 0; }\n", 0),
        NUL_CASE("a NUL in a parameter list", "#[hot]\nint robust_nul(int\0 a) { return a; }\n", 0),
#undef NUL_CASE
    };
    for (size_t i = 0; i < sizeof nuls / sizeof nuls[0]; i++) {
        struct made m = {0};
        char *names[1];
        m.names = names;
        corpus_put(&m.text, nuls[i].text, nuls[i].size);
        corpus_put(&m.expected, "\n", 1);
        corpus_put(&m.expected, nuls[i].text + 7, nuls[i].size - 7);
        names[m.name_count++] = "robust_nul";
        struct run r = gen_one("nul.c", &m);
        if (nuls[i].ok)
            expect_result(nuls[i].what, &r, (const char *[]){"nul.c"}, &m.expected, 1, m.names,
                          m.name_count);
        else
            expect_error_at(nuls[i].what, &r, "nul.c", 0);
        run_free(&r);
        made_free(&m);
    }
}

/* An empty hot source: alone it has no hot function; beside another it is
 * fine, and its unit holds an empty line. */
static void case_empty(void)
{
    struct made empty = {0}, other = {0};
    char *names[1];
    other.names = names;
    made_finish(&empty);
    made_hot(&other, "robust_beside_empty");
    made_finish(&other);
    struct run r = gen_one("empty.c", &empty);
    expect_no_function("an empty file", &r);
    run_free(&r);
    write_file("other.c", other.text.data, other.text.size);
    const char *sources[] = {"empty.c", "other.c"};
    struct corpus_text expected[] = {empty.expected, other.expected};
    r = gen(sources, 2);
    expect_result("an empty file beside another", &r, sources, expected, 2, other.names,
                  other.name_count);
    run_free(&r);
    made_free(&empty);
    made_free(&other);
}

/* A file's identity: the same after a run only if the run left it alone,
 * since vais-hot replaces a file by renaming a new one over it. */
struct identity {
    dev_t device;
    ino_t inode;
    struct timespec mtime;
};

static struct identity identity_of(const char *name)
{
    struct stat st;
    struct identity id = {0};
    if (stat(in_work(name), &st) == 0)
        id = (struct identity){st.st_dev, st.st_ino, st.st_mtim};
    return id;
}

static int same_identity(struct identity a, struct identity b)
{
    return a.device == b.device && a.inode == b.inode && a.mtime.tv_sec == b.mtime.tv_sec &&
           a.mtime.tv_nsec == b.mtime.tv_nsec;
}

/* The files in work/out, as a count; fails on any temporary file left. */
static size_t count_outputs(const char *what)
{
    size_t count = 0;
    DIR *dir = opendir(in_work("out"));
    if (!dir) {
        failf("%s: cannot list out/: %s", what, strerror(errno));
        return 0;
    }
    for (struct dirent *e = readdir(dir); e; e = readdir(dir)) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        count++;
        if (strstr(e->d_name, ".tmp"))
            failf("%s: a temporary file is left in out/: %s", what, e->d_name);
    }
    closedir(dir);
    return count;
}

/* 100 MB of realistic C with thousands of hot functions: a correct result;
 * a second run with nothing changed leaves every output alone. */
static void case_huge(void)
{
    struct corpus c = {.expect = 1};
    corpus_fill(&c, "huge_", 100 * MB, 40);
    write_file("huge.c", c.text.data, c.text.size);
    free(c.text.data);
    c.text = (struct corpus_text){0};
    remove_tree("out");
    const char *source = "huge.c";
    struct run r = gen(&source, 1);
    expect_result("100 MB", &r, &source, &c.expected, 1, c.hot, c.hot_count);
    run_free(&r);
    printf("100 MB: %zu hot functions, a correct result\n", c.hot_count);
    const char *outputs[] = {"out/huge.c", "out/stubs.c", "out/table.c"};
    struct identity before[3];
    for (size_t i = 0; i < 3; i++)
        before[i] = identity_of(outputs[i]);
    r = gen(&source, 1);
    if (ended("100 MB again", &r) && r.status != 0)
        failf("100 MB again: exit %d: %s", r.status, first_line(&r));
    for (size_t i = 0; i < 3; i++) {
        if (!same_identity(before[i], identity_of(outputs[i])))
            failf("100 MB again: '%s' was rewritten, though its content is the same", outputs[i]);
    }
    if (count_outputs("100 MB again") != 3)
        failf("100 MB again: out/ holds other files than the 3 outputs");
    run_free(&r);
    remove_tree("out");
    remove_tree("huge.c");
    corpus_free(&c);
}

/* 10 MB on one line: a file that is one line (no marker can be on it); a hot
 * function whose body is one line; one whose parameter list is, with an
 * error at its end, which must be reported at its column. */
static void case_long_line(void)
{
    struct made m = {0};
    char *names[1];
    m.names = names;
    while (m.text.size < 10 * MB)
        made_add(&m, "int robust_v = 1; /* #[hot] */ const char *robust_s = \"{(\"; ", 0);
    struct run r = gen_one("line.c", &m);
    expect_no_function("a file of one 10 MB line", &r);
    run_free(&r);
    made_free(&m);

    m.names = names;
    made_add(&m, "#[hot]\n", 1);
    made_add(&m, "int robust_long(int x) { ", 0);
    while (m.text.size < 10 * MB)
        made_add(&m, "x += (x >> 3) ^ '}'; ", 0);
    made_add(&m, "return x; }\n", 0);
    names[m.name_count++] = "robust_long";
    made_finish(&m);
    r = gen_one("line.c", &m);
    expect_result("a hot function with a 10 MB body line", &r, (const char *[]){"line.c"},
                  &m.expected, 1, m.names, m.name_count);
    run_free(&r);
    made_free(&m);

    m.names = names;
    made_add(&m, "#[hot]\nint robust_params(int a0", 0);
    for (size_t i = 1; m.text.size < 10 * MB; i++) {
        char parameter[32];
        snprintf(parameter, sizeof parameter, ", int a%zu", i);
        made_add(&m, parameter, 0);
    }
    size_t column = m.text.size + 1 - 7 + 1; /* of the "{" after the blank: line 2 starts at 7 */
    made_add(&m, " { return 0; }\n", 0);
    r = gen_one("line.c", &m);
    size_t line = 0, at = 0;
    expect_error_at("a 10 MB parameter list with no ')'", &r, "line.c", 2);
    if (r.status == 1 && located(&r, "line.c", &line, &at) && at != column)
        failf("a 10 MB parameter list with no ')': error at column %zu, expected %zu", at, column);
    if (r.err_size > 1024) /* the excerpt is cut around the caret */
        failf("a 10 MB parameter list with no ')': %zu bytes of stderr, expected at most 1024",
              r.err_size);
    run_free(&r);
    made_free(&m);
}

/* 100k-deep nesting where the parser matches brackets: in a parameter
 * list, a body, an initializer, an attribute; closed and not. */
static void case_deep(void)
{
    enum { N = 100000 };
    static const struct {
        const char *what, *before, *open, *middle, *close, *after;
        int outcome; /* 1: a correct result, 0: a located error (at the end if 2) */
    } cases[] = {
        {"parentheses as a parameter list", "int robust_deep", "(", "", ")", " { return 0; }\n", 0},
        {"nested parameter lists", "int robust_deep(", "void (*)(", "int", ")", ") { return 0; }\n",
         0},
        {"braces in a body", "int robust_deep(void) {", "{", "", "}", " return 0; }\n", 1},
        {"parentheses in a body", "int robust_deep(void) { return ", "(", "0", ")", "; }\n", 1},
        {"brackets in a body", "int robust_deep(int *x) { return x", "[", "0", "]", "; }\n", 1},
        {"parentheses in an attribute", "int robust_deep(void) __attribute__", "(", "", ")",
         " { return 0; }\n", -1},
        {"unclosed parentheses", "int robust_deep(int a", "(", "", "", "", 2},
        {"unclosed brackets", "int robust_deep(int a", "[", "", "", "", 2},
        {"unclosed braces", "int robust_deep(void) ", "{", "", "", "", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct made m = {0};
        char *names[1];
        m.names = names;
        made_add(&m, "#[hot]\n", 1);
        made_add(&m, cases[i].before, 0);
        made_repeat(&m, cases[i].open, N);
        made_add(&m, cases[i].middle, 0);
        made_repeat(&m, cases[i].close, N);
        made_add(&m, cases[i].after, 0);
        names[m.name_count++] = "robust_deep";
        made_finish(&m);
        struct run r = gen_one("deep.c", &m);
        if (cases[i].outcome == 1)
            expect_result(cases[i].what, &r, (const char *[]){"deep.c"}, &m.expected, 1, m.names,
                          m.name_count);
        else if (cases[i].outcome < 0)
            expect_some_outcome(cases[i].what, &r, "deep.c", &m);
        else
            expect_error_at(cases[i].what, &r, "deep.c", cases[i].outcome == 2 ? 2 : 0);
        run_free(&r);
        made_free(&m);
    }
    /* Unbalanced braces at file scope, then a hot function; and a persisted
     * variable with a deep initializer. */
    struct made m = {0};
    char *names[1];
    m.names = names;
    made_repeat(&m, "{", N);
    made_add(&m, "\n", 0);
    made_hot(&m, "robust_after_braces");
    made_finish(&m);
    struct run r = gen_one("deep.c", &m);
    expect_some_outcome("open braces at file scope", &r, "deep.c", &m);
    run_free(&r);
    made_free(&m);

    m.names = names;
    made_add(&m, "#[persist]\n", 1);
    made_add(&m, "int robust_persisted[1] = ", 0);
    made_repeat(&m, "{", N);
    made_add(&m, "0", 0);
    made_repeat(&m, "}", N);
    made_add(&m, ";\n", 0);
    made_hot(&m, "robust_beside_persisted");
    made_finish(&m);
    r = gen_one("deep.c", &m);
    expect_result("a deep initializer", &r, (const char *[]){"deep.c"}, &m.expected, 1, m.names,
                  m.name_count);
    run_free(&r);
    made_free(&m);
}

/* 32 MB of good code, then something left open at the end of the file: the
 * error is on its last line, and nothing is written. */
static void case_unterminated(void)
{
    static const char *const tails[][2] = {
        {"a comment", "/* never closed"},
        {"a string", "const char *robust_s = \"never closed"},
        {"a character", "int robust_c = 'x"},
        {"a parameter list", "#[hot]\nint robust_open(int a, int b"},
        {"a body", "#[hot]\nint robust_open(int a) { if (a) { return a; }"},
        {"an initializer", "#[persist]\nint robust_open[2] = {1, 2"},
        {"a declaration", "#[hot]\nint robust_open"},
        {"a marker", "#[hot]"},
    };
    struct corpus c = {0};
    corpus_fill(&c, "cut_", 32 * MB, 40);
    size_t lines = 1;
    for (size_t i = 0; i < c.text.size; i++)
        lines += c.text.data[i] == '\n';
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        char what[64];
        size_t base = c.text.size, last = lines;
        for (const char *t = tails[i][1]; *t; t++)
            last += *t == '\n';
        snprintf(what, sizeof what, "%s open at the end of 32 MB", tails[i][0]);
        corpus_put(&c.text, tails[i][1], strlen(tails[i][1]));
        remove_tree("out");
        write_file("cut.c", c.text.data, c.text.size);
        const char *source = "cut.c";
        struct run r = gen(&source, 1);
        expect_error_at(what, &r, "cut.c", last);
        run_free(&r);
        c.text.size = base;
    }
    remove_tree("cut.c");
    corpus_free(&c);
}

/* Hot sources that are no regular files: refused at once (exit 2), never
 * opened for a read that could block or never end. */
static void case_special(void)
{
    if (mkfifo(in_work("fifo.c"), 0600) != 0 || mkdir(in_work("dir.c"), 0700) != 0 ||
        symlink("/dev/zero", in_work("zero.c")) != 0)
        die("mkfifo, mkdir or symlink");
    static const char *const names[] = {"fifo.c", "dir.c", "zero.c", "missing.c"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char what[64], text[128];
        snprintf(what, sizeof what, "a hot source '%s'", names[i]);
        snprintf(text, sizeof text, "vais-hot: error: cannot read '%s': ", names[i]);
        remove_tree("out");
        struct run r = gen(&names[i], 1);
        if (ended(what, &r) && (r.status != 2 || strncmp(r.err, text, strlen(text)) != 0))
            failf("%s: expected exit 2 and \"%s...\", got exit %d: %s", what, text, r.status,
                  first_line(&r));
        expect_nothing_written(what);
        run_free(&r);
    }
}

/* Outputs are replaced only when their content changes: an identical run
 * leaves all alone, an edit to one body replaces that unit only, and a run
 * that fails leaves every output as it was. */
static void case_unchanged(void)
{
    static const char *const sources[] = {"a.c", "b.c", "c.c"};
    static const char *const outputs[] = {"out/a.c", "out/b.c", "out/c.c", "out/stubs.c",
                                          "out/table.c"};
    enum { OUTPUTS = 5 };
    struct corpus corpora[3] = {0};
    for (size_t i = 0; i < 3; i++) {
        char prefix[8];
        snprintf(prefix, sizeof prefix, "%c_", 'a' + (int)i);
        corpus_fill(&corpora[i], prefix, 64 * 1024, 3);
        write_file(sources[i], corpora[i].text.data, corpora[i].text.size);
    }
    remove_tree("out");
    struct identity before[OUTPUTS];
    struct run r = gen(sources, 3);
    if (ended("first run", &r) && r.status != 0)
        failf("first run: exit %d: %s", r.status, first_line(&r));
    run_free(&r);
    for (size_t i = 0; i < OUTPUTS; i++)
        before[i] = identity_of(outputs[i]);

    r = gen(sources, 3);
    if (ended("identical run", &r) && r.status != 0)
        failf("identical run: exit %d: %s", r.status, first_line(&r));
    run_free(&r);
    for (size_t i = 0; i < OUTPUTS; i++) {
        if (!same_identity(before[i], identity_of(outputs[i])))
            failf("identical run: '%s' was rewritten, though its content is the same", outputs[i]);
    }
    if (count_outputs("identical run") != OUTPUTS)
        failf("identical run: out/ holds other files than the outputs");

    /* An edit to one body: "return score;" becomes "return score + 1;". */
    struct corpus_text *b = &corpora[1].text;
    char *at = strstr(b->data, "return score;");
    if (!at)
        die("no body to edit");
    size_t offset = (size_t)(at - b->data);
    struct corpus_text edited = {0};
    corpus_put(&edited, b->data, offset);
    corpus_put(&edited, "return score + 1;", 17);
    corpus_put(&edited, at + 13, b->size - offset - 13);
    write_file("b.c", edited.data, edited.size);
    r = gen(sources, 3);
    if (ended("one body edited", &r) && r.status != 0)
        failf("one body edited: exit %d: %s", r.status, first_line(&r));
    run_free(&r);
    for (size_t i = 0; i < OUTPUTS; i++) {
        int same = same_identity(before[i], identity_of(outputs[i]));
        if (same != (i != 1))
            failf("one body edited: '%s' was %s", outputs[i],
                  same ? "left alone, though it changed" : "rewritten, though it did not change");
        before[i] = identity_of(outputs[i]);
    }

    /* An error in c.c: exit 1, and every output stays as it was. */
    static const char broken[] = "#[hot]\nint robust_broken(int a {}\n";
    write_file("c.c", broken, sizeof broken - 1);
    r = gen(sources, 3);
    size_t line, column;
    if (ended("an error in one source", &r) &&
        (r.status != 1 || !located(&r, "c.c", &line, &column)))
        failf("an error in one source: expected a located error, got exit %d: %s", r.status,
              first_line(&r));
    run_free(&r);
    for (size_t i = 0; i < OUTPUTS; i++) {
        if (!same_identity(before[i], identity_of(outputs[i])))
            failf("an error in one source: '%s' was written", outputs[i]);
    }
    if (count_outputs("an error in one source") != OUTPUTS)
        failf("an error in one source: out/ holds other files than the outputs");
    free(edited.data);
    for (size_t i = 0; i < 3; i++)
        corpus_free(&corpora[i]);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } cases[] = {
        {"garbage", case_garbage}, {"empty", case_empty},
        {"huge", case_huge},       {"long_line", case_long_line},
        {"deep", case_deep},       {"unterminated", case_unterminated},
        {"special", case_special}, {"unchanged", case_unchanged},
    };
    size_t which = sizeof cases / sizeof cases[0];
    for (size_t i = 0; argc == 4 && i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(argv[3], cases[i].name) == 0)
            which = i;
    }
    if (which == sizeof cases / sizeof cases[0]) {
        fputs("usage: robust VAIS-HOT SCRATCH-PARENT CASE\n", stderr);
        return 2;
    }
    vais_hot = argv[1];
    char template[4096];
    snprintf(template, sizeof template, "%s/robust.XXXXXX", argv[2]);
    if (mkdir(argv[2], 0777) != 0 && errno != EEXIST)
        die(argv[2]);
    work = mkdtemp(template);
    if (!work)
        die(template);
    cases[which].run();
    if (nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        die(work);
    if (failures == 0)
        printf("ok: %s\n", cases[which].name);
    return failures ? 1 : 0;
}
