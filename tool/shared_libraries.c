/* tool/shared_libraries.c
 * Which symbols a library's shared libraries define (shared_libraries.h).
 * Invariant: what it cannot find or read gives nothing, so a caller that
 * asks the core's link for what is not given asks for too much, never too
 * little. */
#include "shared_libraries.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "elf_symbols.h"
#include "grow.h"
#include "os.h"

/* Strings gathered from the library's dynamic section, in its bytes. */
struct strings {
    const char **items;
    size_t count, capacity;
    int failed; /* out of memory */
};

static void add_string(void *ctx, const char *text)
{
    struct strings *s = ctx;
    if (!s->failed && hot__grow(&s->items, &s->capacity, s->count + 1, sizeof *s->items) == 0)
        s->items[s->count++] = text;
    else
        s->failed = 1;
}

/* What a library found defines, marked in the names asked about. */
struct marking {
    const char *const *names;
    size_t count;
    unsigned char *given;
};

static int by_name(const void *key, const void *item)
{
    return strcmp(key, *(const char *const *)item);
}

static void mark_defined(void *ctx, const struct elf_symbol *symbol)
{
    const struct marking *m = ctx;
    if (!symbol->defined || symbol->local || symbol->hidden)
        return;
    const char *const *found = bsearch(symbol->name, m->names, m->count, sizeof *m->names, by_name);
    if (found)
        m->given[found - m->names] = 1;
}

/* Marks what the file at candidate defines, if it is a library for machine;
 * returns 1 then, 0 if it is none (the search goes on). */
static int mark_from(const char *candidate, int machine, const struct marking *m)
{
    char err[512];
    size_t size = 0;
    const unsigned char *bytes = hot__os_map_file(candidate, &size, err, sizeof err);
    if (!bytes)
        return 0;
    int library =
        elf_machine(bytes, size) == machine &&
        elf_each_symbol(bytes, size, ELF_DYNAMIC, mark_defined, (void *)m, err, sizeof err) == 0;
    hot__os_unmap_file(bytes, size);
    return library;
}

/* Appends to out the directory a run path entry names: $ORIGIN (or
 * ${ORIGIN}) at its start is origin, the library's directory. */
static int run_path_dir(struct buf *out, const char *entry, size_t length, const char *origin)
{
    static const char *const spellings[] = {"$ORIGIN", "${ORIGIN}"};
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(spellings[i]);
        if (length >= n && strncmp(entry, spellings[i], n) == 0 &&
            (length == n || entry[n] == '/')) {
            if (buf_append_str(out, origin) != 0)
                return -1;
            entry += n;
            length -= n;
            break;
        }
    }
    return buf_append(out, entry, length);
}

/* Looks for the library needed in the run paths, then in dirs, and marks
 * what the first one found defines. 0, or -1 when memory ran out. */
static int find_and_mark(const char *needed, const struct strings *run_paths, const char *origin,
                         const char *const *dirs, size_t dir_count, int machine,
                         const struct marking *m)
{
    struct buf candidate = {0};
    int status = 0, found = 0;
    if (strchr(needed, '/')) /* a path: the loader takes it as it is */
        found = mark_from(needed, machine, m);
    for (size_t p = 0; !found && status == 0 && p < run_paths->count; p++) {
        for (const char *entry = run_paths->items[p]; !found && status == 0 && *entry;) {
            size_t length = strcspn(entry, ":");
            candidate.size = 0;
            if (length > 0 &&
                (run_path_dir(&candidate, entry, length, origin) != 0 ||
                 buf_append_str(&candidate, "/") != 0 || buf_append_str(&candidate, needed) != 0))
                status = -1;
            else if (length > 0)
                found = mark_from(candidate.data, machine, m);
            entry += length + (entry[length] == ':');
        }
    }
    for (size_t d = 0; !found && status == 0 && d < dir_count; d++) {
        candidate.size = 0;
        if (buf_append_str(&candidate, dirs[d]) != 0 || buf_append_str(&candidate, "/") != 0 ||
            buf_append_str(&candidate, needed) != 0)
            status = -1;
        else
            found = mark_from(candidate.data, machine, m);
    }
    buf_free(&candidate);
    return status;
}

int shared_libraries_define(const char *path, const unsigned char *bytes, size_t size,
                            const char *const *dirs, size_t dir_count, const char *const *names,
                            size_t count, unsigned char *given)
{
    char err[512];
    struct strings needed = {0}, run_paths = {0};
    struct buf origin = {0};
    const char *slash = strrchr(path, '/');
    int status = 0;
    if (count == 0)
        return 0;
    /* A file that cannot be read so gives nothing: the caller asks for all. */
    if (elf_each_dynamic_string(bytes, size, ELF_NEEDED, add_string, &needed, err, sizeof err) ||
        elf_each_dynamic_string(bytes, size, ELF_RUNPATH, add_string, &run_paths, err,
                                sizeof err) ||
        elf_each_dynamic_string(bytes, size, ELF_RPATH, add_string, &run_paths, err, sizeof err))
        needed.count = 0;
    if (needed.failed || run_paths.failed ||
        (slash ? buf_append(&origin, path, (size_t)(slash - path))
               : buf_append_str(&origin, ".")) != 0)
        status = -1;
    const struct marking m = {names, count, given};
    int machine = elf_machine(bytes, size);
    for (size_t i = 0; status == 0 && i < needed.count; i++)
        status =
            find_and_mark(needed.items[i], &run_paths, origin.data, dirs, dir_count, machine, &m);
    free(needed.items);
    free(run_paths.items);
    buf_free(&origin);
    return status;
}
