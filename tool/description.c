/* tool/description.c
 * What the build says about one program, read from the file that
 * vais_add_hot_executable writes. Invariant: the text is read once and split
 * in place; every field points into it. */
#include "description.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "grow.h"

#define DESCRIPTION_MAGIC "vais-hot watch 2"

/* Appends value to the owned array *list of *count entries, room for
 * *capacity; 0 or -1. */
static int list_add(const char ***list, size_t *count, size_t *capacity, const char *value)
{
    if (hot__grow(list, capacity, *count + 1, sizeof **list) != 0)
        return -1;
    (*list)[(*count)++] = value;
    return 0;
}

/* Reads path whole into a NUL-ended allocation; NULL with errno set. */
static char *read_all(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    struct buf text = {0};
    char chunk[4096];
    size_t n;
    int failed = 0;
    while (!failed && (n = fread(chunk, 1, sizeof chunk, file)) > 0)
        failed = buf_append(&text, chunk, n);
    failed = failed || ferror(file) || buf_append(&text, "", 0);
    fclose(file);
    if (failed) {
        buf_free(&text);
        errno = errno ? errno : EIO;
        return NULL;
    }
    return text.data;
}

/* Sets the field key names in d to value; unknown keys are skipped. Returns
 * 0 or -1 (out of memory). */
static int take_field(struct description *d, const char *key, const char *value)
{
    static const struct {
        const char *key;
        size_t offset;
    } fields[] = {
        {"program", offsetof(struct description, program)},
        {"hot", offsetof(struct description, hot)},
        {"library", offsetof(struct description, library)},
        {"library_file", offsetof(struct description, library_file)},
        {"executable", offsetof(struct description, executable)},
        {"stubs", offsetof(struct description, stubs)},
        {"needs", offsetof(struct description, needs)},
        {"generator", offsetof(struct description, generator)},
        {"make", offsetof(struct description, make)},
        {"build_dir", offsetof(struct description, build_dir)},
        {"project_dir", offsetof(struct description, project_dir)},
        {"config", offsetof(struct description, config)},
    };
    if (strcmp(key, "source") == 0)
        return list_add(&d->sources, &d->source_count, &d->source_capacity, value);
    if (strcmp(key, "unit") == 0)
        return list_add(&d->units, &d->unit_count, &d->unit_capacity, value);
    if (strcmp(key, "build") == 0)
        return list_add(&d->build, &d->build_count, &d->build_capacity, value);
    if (strcmp(key, "emulator") == 0)
        return list_add(&d->emulator, &d->emulator_count, &d->emulator_capacity, value);
    if (strcmp(key, "core_object") == 0)
        return list_add(&d->core_objects, &d->core_object_count, &d->core_object_capacity, value);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strcmp(key, fields[i].key) == 0)
            *(const char **)(void *)((char *)d + fields[i].offset) = value;
    }
    return 0;
}

int description_read(const char *path, struct description *d)
{
    d->text = read_all(path);
    if (!d->text)
        return -1;
    char *line = d->text, *next;
    if (strncmp(line, DESCRIPTION_MAGIC "\n", sizeof DESCRIPTION_MAGIC) != 0)
        return -2;
    for (; *line; line = next) {
        next = strchr(line, '\n');
        next = next ? (*next = '\0', next + 1) : line + strlen(line);
        char *space = strchr(line, ' ');
        if (space) {
            *space = '\0';
            if (take_field(d, line, space + 1) != 0)
                return -3;
        }
    }
    if (!d->program || !d->hot || !d->library || !d->executable || !d->generator || !d->build_dir ||
        !d->source_count || !d->build_count)
        return -2;
    return 0;
}

const char *description_error(int read)
{
    return read == -1   ? strerror(errno)
           : read == -3 ? "out of memory"
                        : "not a description this vais-hot can read";
}

void description_free(struct description *d)
{
    free(d->text);
    free(d->sources);
    free(d->units);
    free(d->core_objects);
    free(d->build);
    free(d->emulator);
}
