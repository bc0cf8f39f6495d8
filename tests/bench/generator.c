/* tests/bench/generator.c
 * The generator's benchmark: scan throughput of lex and parse in process, the
 * whole `vais-hot gen` process on the same corpus, 2000 hot functions in 200
 * files, and how its time grows from 10 to 100 to 1000 files. Prints figures,
 * the floors and their ratios; asserts nothing about time, only that every
 * run succeeded and found every hot function. The corpus is made here, in a
 * scratch directory removed at the end.
 *
 *   generator VAIS-HOT SCRATCH-PARENT
 * The in-process rows use the generator's stages as linked here, optimised
 * as in vais-hot itself. Reproduce: ctest -R bench_generator -V
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "corpus.h"
#include "lex.h"
#include "parse.h"

#define SCAN_FILES 32
#define SCAN_FILE_BYTES (1024u * 1024u)
#define SCAN_RUNS 3
#define FUNCTIONS_PER_FILE 10

static const double scan_floor = 200.0;   /* MB/s (MB = 1e6 bytes), at least */
static const double gen_floor_ms = 100.0; /* 2000 functions in 200 files, at most */

static const char *vais_hot;
static const char *work;

/* The scratch directories that exist, on disk and in memory: die removes
 * them (the scan corpus alone is 33 MB, and a tmpfs keeps what is left). */
static const char *scratch[2];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void die(const char *what)
{
    fprintf(stderr, "bench_generator: %s: %s\n", what, errno ? strerror(errno) : "failed");
    for (size_t i = 0; i < sizeof scratch / sizeof scratch[0]; i++) {
        if (scratch[i])
            nftw(scratch[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    exit(1);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The files of a corpus: n sources, each with its hot functions' count. */
struct files {
    struct corpus *sources;
    size_t count;
    size_t bytes;
    size_t hot;
};

/* Makes n sources: with size, each of at least size bytes with a hot
 * function in every 8 blocks; else each with FUNCTIONS_PER_FILE hot
 * functions and 3 other blocks before each. Names are unique across files. */
static struct files make_files(size_t n, size_t size)
{
    struct files f = {calloc(n, sizeof *f.sources), n, 0, 0};
    if (!f.sources)
        die("calloc");
    for (size_t i = 0; i < n; i++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "f%zu_", i);
        struct corpus *c = &f.sources[i];
        if (size) {
            corpus_fill(c, prefix, size, 7);
        } else {
            corpus_code(c, "#include <stddef.h>\n#include \"game.h\"\n\n");
            for (size_t k = 0; k < FUNCTIONS_PER_FILE; k++) {
                for (int b = 0; b < 3; b++)
                    corpus_block(c, prefix);
                corpus_hot(c, prefix);
            }
        }
        f.bytes += c->text.size;
        f.hot += c->hot_count;
    }
    return f;
}

static void free_files(struct files *f)
{
    for (size_t i = 0; i < f->count; i++)
        corpus_free(&f->sources[i]);
    free(f->sources);
}

/* Lexes every source to its end; returns the tokens read. */
static size_t lex_all(const struct files *f)
{
    size_t tokens = 0;
    for (size_t i = 0; i < f->count; i++) {
        struct lex lex;
        struct lex_token t;
        lex_init(&lex, f->sources[i].text.data, f->sources[i].text.size);
        for (lex_next(&lex, &t); t.kind != LEX_EOF; lex_next(&lex, &t))
            tokens++;
    }
    return tokens;
}

/* Parses every source as vais-hot does; fails unless all is well. */
static void parse_all(const struct files *f)
{
    for (size_t i = 0; i < f->count; i++) {
        struct parse_source source = {0};
        struct parse_report report = {0};
        enum gen_status status =
            parse_source(f->sources[i].text.data, f->sources[i].text.size, i, &source, &report);
        if (status != GEN_OK || source.record_count != f->sources[i].hot_count) {
            fprintf(stderr, "bench_generator: parse: status %d, %zu of %zu hot functions%s%s\n",
                    (int)status, source.record_count, f->sources[i].hot_count,
                    report.count ? ": " : "", report.count ? report.items[0].message : "");
            errno = 0;
            die("parse");
        }
        parse_source_free(&source);
        parse_report_free(&report);
    }
}

static void print_row(const char *figure, double value, const char *unit, double floor,
                      int at_least)
{
    double ratio = value / floor;
    printf("%-50s %9.1f %-5s %7.0f %-5s %6.2f  %s\n", figure, value, unit, floor, unit, ratio,
           (at_least ? ratio >= 1.0 : ratio <= 1.0) ? "meets" : "MISSES");
}

/* A row with no floor: a figure to read beside the others. */
static void print_figure(const char *figure, double value, const char *unit)
{
    printf("%-50s %9.1f %-5s %13s %6s\n", figure, value, unit, "-", "-");
}

/* The in-process rows: lex alone, then lex and parse, best of SCAN_RUNS. */
static void scan_rows(void)
{
    struct files f = make_files(SCAN_FILES, SCAN_FILE_BYTES);
    double lex_best = 1e30, parse_best = 1e30;
    size_t tokens = 0;
    for (int run = 0; run < SCAN_RUNS; run++) {
        double t0 = now_ms();
        tokens = lex_all(&f);
        double t1 = now_ms();
        parse_all(&f);
        double t2 = now_ms();
        lex_best = t1 - t0 < lex_best ? t1 - t0 : lex_best;
        parse_best = t2 - t1 < parse_best ? t2 - t1 : parse_best;
    }
    double mb = (double)f.bytes / 1e6;
    print_row("scan in process: lex", mb / (lex_best / 1e3), "MB/s", scan_floor, 1);
    print_row("scan in process: lex + parse", mb / (parse_best / 1e3), "MB/s", scan_floor, 1);
    printf("    (%.1f MB in %d files, %zu tokens, %zu hot functions; best of %d)\n", mb, SCAN_FILES,
           tokens, f.hot, SCAN_RUNS);
    free_files(&f);
}

static void remove_tree(const char *path)
{
    if (access(path, F_OK) == 0 && nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        die(path);
}

/* Removes work/dir and all below it. */
static void remove_under(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", work, dir);
    remove_tree(path);
}

/* Writes the sources as work/<dir>/src/fN.c. */
static void write_files(const struct files *f, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", work, dir);
    if (mkdir(path, 0777) != 0)
        die(path);
    snprintf(path, sizeof path, "%s/%s/src", work, dir);
    if (mkdir(path, 0777) != 0)
        die(path);
    for (size_t i = 0; i < f->count; i++) {
        snprintf(path, sizeof path, "%s/%s/src/f%zu.c", work, dir, i);
        FILE *file = fopen(path, "wb");
        const struct corpus_text *t = &f->sources[i].text;
        if (!file || fwrite(t->data, 1, t->size, file) != t->size || fclose(file) != 0)
            die(path);
    }
}

/* A run's cost in ms: wall time, and the CPU time of the vais-hot process,
 * its own work (user) apart from the kernel's (system: mostly the file
 * system making the files it writes). */
struct timing {
    double wall;
    double user;
    double system;
};

static double ms(struct timeval t)
{
    return (double)t.tv_sec * 1e3 + (double)t.tv_usec / 1e3;
}

/* Runs `vais-hot gen` in work/<dir> on its n sources, writing the stubs, the
 * table, the unmarked list and the units into <dir>/<out>/, as a
 * build does. Fails unless it succeeds. */
static struct timing gen(const char *dir, size_t n, const char *out)
{
    char cwd[4096], stubs[64], table[64], unmarked[64];
    snprintf(cwd, sizeof cwd, "%s/%s", work, dir);
    snprintf(stubs, sizeof stubs, "%s/stubs.c", out);
    snprintf(table, sizeof table, "%s/table.c", out);
    snprintf(unmarked, sizeof unmarked, "%s/unmarked.txt", out);
    char **argv = calloc(11 + 3 * n, sizeof *argv), *names = malloc(n * 96);
    if (!argv || !names)
        die("calloc");
    size_t a = 0;
    argv[a++] = (char *)vais_hot;
    argv[a++] = "gen";
    argv[a++] = "--program";
    argv[a++] = "bench";
    argv[a++] = "--stubs";
    argv[a++] = stubs;
    argv[a++] = "--table";
    argv[a++] = table;
    argv[a++] = "--unmarked";
    argv[a++] = unmarked;
    for (size_t i = 0; i < n; i++) {
        char *source = names + 96 * i, *unit = source + 32;
        snprintf(source, 32, "src/f%zu.c", i % 100000000);
        snprintf(unit, 64, "%.30s/f%zu.c", out, i % 100000000);
        argv[a++] = "--unit";
        argv[a++] = source;
        argv[a++] = unit;
    }
    struct rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);
    fflush(NULL);
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        if (chdir(cwd) != 0)
            _exit(127);
        execv(vais_hot, argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
    }
    struct timing t = {now_ms() - t0, 0, 0};
    getrusage(RUSAGE_CHILDREN, &after);
    t.user = ms(after.ru_utime) - ms(before.ru_utime);
    t.system = ms(after.ru_stime) - ms(before.ru_stime);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        errno = 0;
        die("vais-hot gen did not succeed");
    }
    free(argv);
    free(names);
    return t;
}

/* The median wall time of runs, and their mean CPU times: the kernel counts
 * CPU time in ticks of a few ms, which only a sum over many runs smooths. */
static struct timing summary(const struct timing *runs, int count)
{
    double wall[64];
    struct timing s = {0, 0, 0};
    for (int i = 0; i < count; i++) {
        wall[i] = runs[i].wall;
        s.user += runs[i].user / count;
        s.system += runs[i].system / count;
    }
    qsort(wall, (size_t)count, sizeof *wall, compare_doubles);
    s.wall = wall[count / 2];
    return s;
}

/* The entries of the table vais-hot wrote into work/<dir>/<out>/. */
static size_t table_entries(const char *dir, const char *out)
{
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/%s/%s/table.c", work, dir, out);
    FILE *table = fopen(path, "r");
    if (!table)
        die(path);
    size_t entries = 0;
    while (fgets(line, sizeof line, table))
        entries += strncmp(line, "    &vais_hot__entry_", 21) == 0;
    fclose(table);
    return entries;
}

/* Summaries of `runs` runs (1 to 64) of gen on the files f in work/<dir>:
 * *fresh writes every output, each run into a new directory (none is deleted
 * while the clock runs: a file system slows down under mass deletion,
 * vais-hot does not); *again runs with every output already holding its
 * content. Fails unless the table lists every hot function of f. */
static void measure(const char *dir, const struct files *f, int runs, struct timing *fresh,
                    struct timing *again)
{
    struct timing took[64];
    memset(took, 0, sizeof took);
    char out[32];
    for (int i = 0; i < runs; i++) {
        snprintf(out, sizeof out, "out%d", i);
        took[i] = gen(dir, f->count, out);
    }
    *fresh = summary(took, runs);
    if (table_entries(dir, "out0") != f->hot) {
        errno = 0;
        die("vais-hot gen did not list every hot function in its table");
    }
    for (int i = 0; i < runs; i++)
        took[i] = gen(dir, f->count, "out0");
    *again = summary(took, runs);
}

/* The rows of 2000 hot functions in 200 files, made in work; place names
 * the file system work is on. */
static void two_thousand_rows(const char *place)
{
    struct timing fresh, again;
    struct files f = make_files(200, 0);
    char figure[128];
    write_files(&f, "two_thousand");
    measure("two_thousand", &f, 5, &fresh, &again);
    snprintf(figure, sizeof figure, "2000 functions in 200 files, written (%s)", place);
    print_row(figure, fresh.wall, "ms", gen_floor_ms, 0);
    snprintf(figure, sizeof figure, "2000 functions in 200 files, unchanged (%s)", place);
    print_row(figure, again.wall, "ms", gen_floor_ms, 0);
    printf("    (%.1f MB; stubs, table, unmarked list and 200 units; median wall and mean CPU of "
           "5: user "
           "%.1f and %.1f ms, system %.1f and %.1f ms)\n",
           (double)f.bytes / 1e6, fresh.user, again.user, fresh.system, again.system);
    free_files(&f);
    remove_under("two_thousand");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: generator VAIS-HOT SCRATCH-PARENT\n", stderr);
        return 2;
    }
    vais_hot = argv[1];
    char template[4096];
    snprintf(template, sizeof template, "%s/bench_generator.XXXXXX", argv[2]);
    work = scratch[0] = mkdtemp(template);
    if (!work)
        die(template);

    printf("== vais-hot generator benchmark (issue 3: scan >= 200 MB/s; 2000 hot functions in "
           "200 files < 100 ms; linear growth)\n");
    printf("%-50s %15s %13s %6s\n", "figure", "value", "floor", "ratio");
    scan_rows();

    /* The scan corpus through the whole process. */
    struct timing fresh, again;
    struct files f = make_files(SCAN_FILES, SCAN_FILE_BYTES);
    write_files(&f, "scan");
    double mb = (double)f.bytes / 1e6;
    measure("scan", &f, SCAN_RUNS, &fresh, &again);
    print_figure("vais-hot gen, whole process, outputs written", mb / (fresh.wall / 1e3), "MB/s");
    print_figure("vais-hot gen, whole process, outputs unchanged", mb / (again.wall / 1e3), "MB/s");
    printf("    (no floor: besides lexing and parsing, the process reads every source and\n"
           "     writes or compares a unit that copies it)\n");
    printf("    (the scan corpus: %.1f MB in %zu files, %zu hot functions; median wall and mean "
           "CPU of %d: "
           "%.0f ms and %.0f ms; CPU user %.0f and %.0f ms, system %.0f and %.0f ms)\n",
           mb, f.count, f.hot, SCAN_RUNS, fresh.wall, again.wall, fresh.user, again.user,
           fresh.system, again.system);
    free_files(&f);
    remove_under("scan");

    two_thousand_rows("build dir");
    /* The same in a tmpfs, where making a file involves no disk: the figure
     * left is vais-hot's own, which the build directory's file system can
     * multiply on a busy disk (about eightfold was seen on a VM's ext4). */
    const char *disk = work;
    char memory[64] = "/dev/shm/bench_generator.XXXXXX";
    if (access("/dev/shm", W_OK) == 0 && (work = mkdtemp(memory)) != NULL) {
        scratch[1] = work;
        two_thousand_rows("tmpfs");
        scratch[1] = NULL;
        remove_tree(work);
    }
    work = disk;

    /* Growth: 10, 100 and 1000 files of 10 hot functions each, outputs
     * written (a first build) and unchanged (a rebuild: vais-hot's own work,
     * no file made). Linearity is judged on the CPU time of the latter: the
     * kernel counts its total precisely, its user/system split only in ticks. */
    printf("\n%-6s %9s %5s %11s %9s %13s %9s %7s %9s   %s\n", "files", "functions", "MB",
           "written ms", "per file", "unchanged ms", "per file", "CPU ms", "per file",
           "t(n) / t(n / 10)");
    static const size_t sizes[] = {10, 100, 1000};
    static const int runs[] = {41, 9, 5}; /* enough time to count at each size */
    double previous_wall = 0, previous_cpu = 0;
    for (size_t i = 0; i < 3; i++) {
        char dir[32];
        snprintf(dir, sizeof dir, "growth_%zu", sizes[i]);
        f = make_files(sizes[i], 0);
        write_files(&f, dir);
        measure(dir, &f, runs[i], &fresh, &again);
        double n = (double)sizes[i], cpu = again.user + again.system;
        printf("%-6zu %9zu %5.1f %11.1f %9.3f %13.1f %9.3f %7.1f %9.3f", sizes[i], f.hot,
               (double)f.bytes / 1e6, fresh.wall, fresh.wall / n, again.wall, again.wall / n, cpu,
               cpu / n);
        if (previous_cpu > 0)
            printf("   written %5.2f, CPU %5.2f: %s", fresh.wall / previous_wall,
                   cpu / previous_cpu, cpu / previous_cpu <= 12 ? "linear" : "SUPERLINEAR");
        printf("\n");
        previous_wall = fresh.wall;
        previous_cpu = cpu;
        free_files(&f);
        remove_under(dir);
    }
    printf("    (median wall and mean CPU of 41, 9 and 5 runs; floor: linear growth, a CPU ratio "
           "of 10,\n     up to 12 allowed for noise; written times include the file system's, "
           "which slows down under heavy file churn)\n");
    remove_tree(template);
    return 0;
}
