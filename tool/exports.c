/* tool/exports.c
 * `vais-hot check`: a hot library needs some symbols from the core; the
 * dynamic loader finds only those the core exports, so one the core defines
 * hidden (-fvisibility=hidden, a visibility attribute) built fine and then
 * stopped the program with "undefined symbol". This says so at build time,
 * by name, after each link of either half.
 * Invariant: reads the two files (the core's objects too when the core
 * defines a need without exporting it) and, after a finding, the project's
 * tree; writes nothing. A core older than a file of the project may be rebuilt in
 * this very build, after the library: then a finding only warns, and the
 * core's own check after its link decides (no build can wait forever on a
 * check against a core it was about to rebuild). */
#define _POSIX_C_SOURCE 200809L

#include "exports.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "grow.h"
#include "description.h"
#include "elf_symbols.h"
#include "os.h"
#include "say.h"

/* How deep the project's tree is searched for a file newer than the core. */
#define MAX_DEPTH 32

const char exports_help[] =
    "usage: vais-hot check DESCRIPTION [--after-core]\n"
    "\n"
    "check  Reads the program's DESCRIPTION (<build>/vais_hot/<name>.watch) and\n"
    "       fails, with one line per symbol, if its hot library needs a symbol\n"
    "       that its core defines hidden: the dynamic loader could not find it.\n"
    "       The build runs it after each link of the library, and after each link\n"
    "       of the core (--after-core). If the core is older than a file of the\n"
    "       project (not a hot source), the build may be about to relink it: then\n"
    "       it only warns, unless --after-core. A core not built yet is no error,\n"
    "       nor is a program built HOT OFF (a plain configuration of a\n"
    "       multi-config tree).\n";

static const char check_usage[] = "usage: vais-hot check DESCRIPTION [--after-core]";

/* The symbols the library needs, sorted by name, and what the core says of
 * each. */
struct need {
    const char *name; /* in the library's mapped bytes */
    int exported;     /* the core exports it (its .dynsym) */
    int local;        /* the core defines it local (its .symtab): static, or hidden */
    int hidden;       /* one of the core's objects defines it hidden */
};

struct needs {
    struct need *items;
    size_t count;
    size_t capacity;
    int failed; /* out of memory */
};

static int compare_needs(const void *a, const void *b)
{
    return strcmp(((const struct need *)a)->name, ((const struct need *)b)->name);
}

/* Collects an undefined, non-weak symbol of the library. */
static void add_need(void *ctx, const struct elf_symbol *symbol)
{
    struct needs *needs = ctx;
    if (symbol->defined || symbol->weak || needs->failed)
        return;
    if (hot__grow(&needs->items, &needs->capacity, needs->count + 1, sizeof *needs->items) != 0) {
        needs->failed = 1;
        return;
    }
    needs->items[needs->count++] = (struct need){symbol->name, 0, 0, 0};
}

static struct need *find_need(struct needs *needs, const char *name)
{
    struct need key = {name, 0, 0, 0};
    return needs->count ? bsearch(&key, needs->items, needs->count, sizeof key, compare_needs)
                        : NULL;
}

/* Marks the needs the core exports (its .dynsym). */
static void mark_exported(void *ctx, const struct elf_symbol *symbol)
{
    struct need *need = symbol->defined ? find_need(ctx, symbol->name) : NULL;
    if (need)
        need->exported = 1;
}

/* Marks the needs the core defines local (its .symtab): a link makes a
 * hidden symbol local, as a static one, and keeps no trace of which. */
static void mark_local(void *ctx, const struct elf_symbol *symbol)
{
    struct need *need = symbol->defined && symbol->local ? find_need(ctx, symbol->name) : NULL;
    if (need)
        need->local = 1;
}

/* Marks the needs one of the core's objects defines global but hidden. */
static void mark_hidden(void *ctx, const struct elf_symbol *symbol)
{
    struct need *need =
        symbol->defined && !symbol->local && symbol->hidden ? find_need(ctx, symbol->name) : NULL;
    if (need)
        need->hidden = 1;
}

/* Does the core define a need without exporting it? */
static int unexported(const struct need *need)
{
    return need->local && !need->exported;
}

/* Marks the hidden needs from the core's object files; one that cannot be
 * read (a build in between) only makes the check miss what it hides. */
static void read_objects(const struct description *d, struct needs *needs)
{
    char err[512], problem[128];
    for (size_t i = 0; i < d->core_object_count; i++) {
        size_t size = 0;
        const unsigned char *object = hot__os_map_file(d->core_objects[i], &size, err, sizeof err);
        if (object)
            elf_each_symbol(object, size, ELF_STATIC, mark_hidden, needs, problem, sizeof problem);
        hot__os_unmap_file(object, size);
    }
}

/* The last component of path. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Is path one of the hot sources? They are always newer than the core. */
static int is_hot_source(const struct description *d, const char *path)
{
    for (size_t i = 0; i < d->source_count; i++) {
        if (strcmp(d->sources[i], path) == 0)
            return 1;
    }
    return 0;
}

/* A search of newer_file's: what it looks for, where, and what it found. */
struct search {
    const struct description *d;
    const char *dir;
    long long mtime_ns;
    int depth;
    char *found; /* allocated */
};

static char *newer_file(const struct description *d, const char *dir, long long mtime_ns,
                        int depth);

/* One entry of s->dir: a directory is searched in turn; a regular file that
 * is no hot source is found if newer. Nonzero once something is found. */
static int search_entry(void *ctx, const char *name)
{
    struct search *s = ctx;
    char err[256], *path = name[0] == '.' ? NULL : buf_format("%s/%s", s->dir, name);
    struct hot__file_id id;
    enum hot__os_kind kind = path ? hot__os_kind(path, 0) : HOT_OS_NOTHING;
    if (kind == HOT_OS_DIRECTORY)
        s->found = newer_file(s->d, path, s->mtime_ns, s->depth + 1);
    else if (kind == HOT_OS_FILE && !is_hot_source(s->d, path) &&
             hot__os_file_id(path, &id, err, sizeof err) == 0 && id.mtime_ns > s->mtime_ns)
        s->found = buf_format("%s", path);
    free(path);
    return s->found != NULL;
}

/* Searches dir (depth levels down) for a regular file newer than mtime_ns
 * that is no hot source; a build tree (a directory with a CMakeCache.txt)
 * and hidden entries are passed over. Returns an allocated path, or NULL. */
static char *newer_file(const struct description *d, const char *dir, long long mtime_ns, int depth)
{
    char *cache = buf_format("%s/CMakeCache.txt", dir);
    int build_tree = !cache || hot__os_kind(cache, 1) != HOT_OS_NOTHING;
    free(cache);
    struct search s = {d, dir, mtime_ns, depth, NULL};
    if (!build_tree && depth <= MAX_DEPTH)
        hot__os_each_entry(dir, search_entry, &s);
    return s.found;
}

/* Says what the library needs that the core hides, one line each: an error,
 * or a warning when `stale` names a file newer than the core (shown relative
 * to the project's directory). */
static void report(const struct description *d, const struct needs *needs, const char *stale)
{
    const char *library = base_name(d->library_file), *core = d->program;
    size_t project = stale ? strlen(d->project_dir) : 0;
    if (stale && strncmp(stale, d->project_dir, project) == 0 && stale[project] == '/')
        stale += project + 1;
    for (size_t i = 0; i < needs->count; i++) {
        const struct need *n = &needs->items[i];
        if (!n->hidden || !unexported(n))
            continue;
        if (stale)
            fprintf(stderr,
                    "vais-hot: warning: hot code in '%s' uses '%s', which the core of '%s' "
                    "defines hidden; '%s' is older than '%s', so it is checked again when '%s' "
                    "is linked\n",
                    library, n->name, core, core, stale, core);
        else
            fprintf(stderr,
                    "vais-hot: error: hot code in '%s' uses '%s', which the core of '%s' defines "
                    "hidden (-fvisibility=hidden or a visibility attribute), so the loader cannot "
                    "find it: give it default visibility in the core, e.g. "
                    "__attribute__((visibility(\"default\"))), and rebuild '%s'\n",
                    library, n->name, core, core);
    }
}

/* The two halves of the program, mapped. */
struct halves {
    const unsigned char *library, *core; /* core: NULL until it is linked */
    size_t library_size, core_size;
};

/* Maps both halves and reads what the library needs and what the core says
 * of it into *needs: what its executable exports and defines, then, only if
 * it defines a need without exporting it, which of those its objects hide
 * (a static one is not this check's business). Returns 0, or 2 after saying
 * why not. */
static int read_needs(const struct description *d, struct halves *h, struct needs *needs)
{
    char err[512], problem[128];
    h->library = hot__os_map_file(d->library_file, &h->library_size, err, sizeof err);
    if (!h->library) {
        say_error("%s", err);
        return 2;
    }
    if (elf_each_symbol(h->library, h->library_size, ELF_DYNAMIC, add_need, needs, problem,
                        sizeof problem) != 0) {
        say_error("'%s' %s", d->library_file, problem);
        return 2;
    }
    if (needs->failed) {
        say_error("out of memory");
        return 2;
    }
    /* A core not linked yet has its own check after its link. */
    if (needs->count == 0 ||
        !(h->core = hot__os_map_file(d->executable, &h->core_size, err, sizeof err)))
        return 0;
    qsort(needs->items, needs->count, sizeof *needs->items, compare_needs);
    if (elf_each_symbol(h->core, h->core_size, ELF_DYNAMIC, mark_exported, needs, problem,
                        sizeof problem) != 0 ||
        elf_each_symbol(h->core, h->core_size, ELF_STATIC, mark_local, needs, problem,
                        sizeof problem) != 0) {
        say_error("'%s' %s", d->executable, problem);
        return 2;
    }
    /* Usually none: then the objects are not read at all. */
    for (size_t i = 0; i < needs->count; i++) {
        if (unexported(&needs->items[i])) {
            read_objects(d, needs);
            break;
        }
    }
    return 0;
}

/* 1, said, if the core is linked statically: no dynamic loader runs it, so
 * none can load its hot library (glibc's dlopen in a static program cannot
 * give the library the core's symbols), and a static PIE ends before main.
 * Else 0. */
static int check_dynamic(const struct description *d)
{
    char err[512];
    size_t size = 0;
    const unsigned char *core = hot__os_map_file(d->executable, &size, err, sizeof err);
    int linked = core ? elf_linked_dynamically(core, size) : 1;
    hot__os_unmap_file(core, size);
    if (linked != 0)
        return 0;
    say_error("'%s' is linked statically (-static or -static-pie), so no hot "
              "library can load into it; link it dynamically (drop -static for HOT ON builds), or "
              "build '%s' HOT OFF (HOT OFF, or a Release build)",
              d->executable, d->program);
    return 1;
}

/* Reads the arguments into *path and *after_core. Returns -1 to go on, else
 * the exit status (0 after --help). */
static int read_arguments(int argc, char **argv, const char **path, int *after_core)
{
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(exports_help, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--after-core") == 0)
            *after_core = 1;
        else if (!*path && argv[i][0] != '-')
            *path = argv[i];
        else {
            say_error("unknown argument '%s'\n%s", argv[i], check_usage);
            return 2;
        }
    }
    if (*path)
        return -1;
    say_error("missing DESCRIPTION\n%s", check_usage);
    return 2;
}

int exports_main(int argc, char **argv)
{
    const char *path = NULL;
    int after_core = 0, status = read_arguments(argc, argv, &path, &after_core);
    if (status >= 0)
        return status;
    struct description d = {0};
    int read = description_read(path, &d);
    if (read != 0 || !d.library_file) {
        say_error("cannot read '%s': %s; configure the build again", path, description_error(read));
        description_free(&d);
        return 2;
    }
    /* A configuration of a multi-config tree that is a plain program has no
     * hot library to check. */
    if (d.hot && strcmp(d.hot, "ON") != 0) {
        description_free(&d);
        return 0;
    }
    if (after_core && (status = check_dynamic(&d)) != 0) {
        description_free(&d);
        return status;
    }
    struct halves h = {0};
    struct needs needs = {0};
    status = read_needs(&d, &h, &needs);
    size_t found = 0;
    for (size_t i = 0; status == 0 && i < needs.count; i++)
        found += needs.items[i].hidden && unexported(&needs.items[i]);
    if (found) {
        struct hot__file_id core;
        char err[256], *stale = NULL;
        if (!after_core && d.project_dir &&
            hot__os_file_id(d.executable, &core, err, sizeof err) == 0)
            stale = newer_file(&d, d.project_dir, core.mtime_ns, 0);
        report(&d, &needs, stale);
        status = stale ? 0 : 1;
        free(stale);
    }
    hot__os_unmap_file(h.core, h.core_size);
    hot__os_unmap_file(h.library, h.library_size);
    free(needs.items);
    description_free(&d);
    return status;
}
