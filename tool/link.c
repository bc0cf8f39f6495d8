/* tool/link.c
 * `vais-hot link LIST -- COMMAND...`. LIST is what `vais-hot gen
 * --unmarked` wrote: "program NAME", then "function NAME FILE" for each
 * function a hot source defines without a marker. The link's output (stdout
 * and stderr) is held until it ends, then written to stderr: as it was when
 * the link succeeded, and on a failure without the linker's lines about the
 * listed functions (GNU ld's and gold's "undefined reference to `f'",
 * lld's and mold's "undefined symbol: f" with their ">>>" lines), which
 * one line of ours per function replaces. */
#define _POSIX_C_SOURCE 200809L /* getline, strdup */
#include "link.h"
#include "say.h"

#include "buf.h"
#include "grow.h"
#include "os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char link_help[] =
    "usage: vais-hot link LIST -- COMMAND...\n"
    "\n"
    "link   Runs the core's link COMMAND, given as a linker launcher.\n"
    "       If the link fails because the core calls functions that hot sources define\n"
    "       without '#[hot]' (LIST, from gen --unmarked), one line names each, and the\n"
    "       linker's own errors about them are left out. Exits with the link's status.\n";

struct unmarked {
    char *name, *file; /* one allocation: "name\0file" */
    int named;         /* said already */
};

struct list {
    char *program;
    struct unmarked *items;
    size_t count, capacity;
};

static void list_free(struct list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].name); /* file shares its allocation */
    free(l->items);
    free(l->program);
}

/* Reads LIST into *l, zeroed. Returns 0, or -1 after saying why. */
static int read_list(const char *path, struct list *l)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        say_error("cannot read '%s'", path);
        return -1;
    }
    char *line = NULL;
    size_t size = 0;
    int status = 0;
    for (ssize_t n; status == 0 && (n = getline(&line, &size, file)) > 0;) {
        line[strcspn(line, "\n")] = '\0';
        char *space = strncmp(line, "function ", 9) == 0 ? strchr(line + 9, ' ') : NULL;
        if (strncmp(line, "program ", 8) == 0 && !l->program) {
            status = (l->program = strdup(line + 8)) ? 0 : -1;
        } else if (space) {
            char *name = strdup(line + 9);
            if (!name || hot__grow(&l->items, &l->capacity, l->count + 1, sizeof *l->items) != 0) {
                free(name);
                status = -1;
                break;
            }
            name[space - (line + 9)] = '\0';
            l->items[l->count++] = (struct unmarked){name, name + (space - (line + 9)) + 1, 0};
        }
    }
    free(line);
    fclose(file);
    if (status != 0)
        say_error("out of memory");
    return status;
}

/* The listed function this line of the linker's is an undefined-symbol
 * error about, or NULL. */
static struct unmarked *about(const struct list *l, const char *line, size_t length)
{
    static const char *const forms[][2] = {{"undefined reference to `", "'"},
                                           {"undefined symbol: ", ""}};
    for (size_t f = 0; f < 2; f++) {
        const char *at = strstr(line, forms[f][0]);
        if (!at || at >= line + length)
            continue;
        at += strlen(forms[f][0]);
        for (size_t i = 0; i < l->count; i++) {
            size_t n = strlen(l->items[i].name), tail = strlen(forms[f][1]);
            if ((size_t)(line + length - at) == n + tail && strncmp(at, l->items[i].name, n) == 0 &&
                strncmp(at + n, forms[f][1], tail) == 0)
                return &l->items[i];
        }
    }
    return NULL;
}

int link_main(int argc, char **argv)
{
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: vais-hot link LIST -- COMMAND...\n");
        return 2;
    }
    struct list l = {0};
    if (read_list(argv[2], &l) != 0) {
        list_free(&l);
        return 2;
    }
    char err[512], *out = NULL;
    int status = hot__os_capture((const char *const *)argv + 4, 1, &out, err, sizeof err);
    if (status < 0) {
        say_error("%s", err);
        status = 2;
    } else {
        int skipping = 0; /* in the ">>>" lines after a left-out error */
        for (const char *line = out, *end; *line; line = end + (*end != '\0')) {
            end = strchr(line, '\n');
            end = end ? end : line + strlen(line);
            size_t length = (size_t)(end - line);
            struct unmarked *u = status != 0 ? about(&l, line, length) : NULL;
            if (u) {
                skipping = 1;
                if (!u->named)
                    say("the core of '%s' calls '%s', which hot source '%s' "
                        "defines without '#[hot]': mark it '#[hot]' or move '%s' to "
                        "SOURCES",
                        l.program ? l.program : "?", u->name, u->file, u->file);
                u->named = 1;
                continue;
            }
            if (skipping && strncmp(line, ">>> ", 4) == 0)
                continue;
            skipping = 0;
            fprintf(stderr, "%.*s\n", (int)length, line);
        }
    }
    free(out);
    list_free(&l);
    return status;
}
