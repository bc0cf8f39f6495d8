/* os/stale_units.c
 * Which generated units a save has made stale; see stale_units.h.
 * Invariant: seen[i] is sources[i] as the last build began, at_start[i]
 * tracked[i] as the last build started (all zero when it could not be
 * read), and nothing but a unit is ever removed. */
#include "stale_units.h"

#include <stdlib.h>
#include <string.h>

/* The identity of path now, or all zero when it cannot be read (missing:
 * mid-save). */
static struct hot__file_id source_now(const char *path)
{
    struct hot__file_id id = {0};
    char err[256];
    if (hot__os_file_id(path, &id, err, sizeof err) != 0)
        id = (struct hot__file_id){0};
    return id;
}

int hot__units_open(struct hot__units *u, const char *const *sources, const char *const *units,
                    size_t count)
{
    *u = (struct hot__units){sources, units, count, calloc(count ? count : 1, sizeof *u->seen),
                             NULL,    NULL,  0,     0};
    if (!u->seen) {
        u->count = 0;
        return -1;
    }
    for (size_t i = 0; i < count; i++)
        u->seen[i] = source_now(sources[i]);
    return 0;
}

void hot__units_build_begins(struct hot__units *u)
{
    for (size_t i = 0; i < u->count; i++) {
        struct hot__file_id now = source_now(u->sources[i]);
        if (u->raced || !hot__file_id_equal(&now, &u->seen[i]))
            hot__os_remove_file(u->units[i]);
        u->seen[i] = now;
    }
    u->raced = 0;
}

int hot__units_saved_since_build(const struct hot__units *u)
{
    for (size_t i = 0; i < u->count && !u->raced; i++) {
        struct hot__file_id now = source_now(u->sources[i]);
        if (!hot__file_id_equal(&now, &u->seen[i]))
            return 1;
    }
    return u->raced;
}

static void untrack(struct hot__units *u)
{
    for (size_t i = 0; i < u->tracked_count; i++)
        free(u->tracked[i]);
    free(u->tracked);
    free(u->at_start);
    u->tracked = NULL;
    u->at_start = NULL;
    u->tracked_count = 0;
}

int hot__units_track(struct hot__units *u, const char *const *paths, size_t count)
{
    untrack(u);
    u->tracked = calloc(count ? count : 1, sizeof *u->tracked);
    u->at_start = calloc(count ? count : 1, sizeof *u->at_start);
    if (!u->tracked || !u->at_start) {
        untrack(u);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        size_t length = strlen(paths[i]) + 1;
        if (!(u->tracked[i] = malloc(length))) {
            u->tracked_count = i;
            untrack(u);
            return -1;
        }
        memcpy(u->tracked[i], paths[i], length);
        u->at_start[i] = source_now(paths[i]);
    }
    u->tracked_count = count;
    return 0;
}

void hot__units_building(struct hot__units *u, int ended)
{
    for (size_t i = 0; i < u->tracked_count; i++) {
        struct hot__file_id now = source_now(u->tracked[i]);
        if (ended && !hot__file_id_equal(&now, &u->at_start[i]))
            u->raced = 1;
        u->at_start[i] = now;
    }
}

void hot__units_close(struct hot__units *u)
{
    untrack(u);
    free(u->seen);
    *u = (struct hot__units){0};
}
