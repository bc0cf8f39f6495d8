/* os/stale_units.h
 * Which generated units a save has made stale, for the builders that run
 * while the user edits: hot_start's (rebuild.c) and `vais-hot watch`.
 * The race this closes: a build's generator may read a hot source just
 * before a save and write that source's unit just after it. File times are
 * too coarse for the build tool to see that the unit is older than the save,
 * so the next build would keep compiling the old text. Removing the unit of
 * each source saved since the last build began makes the build tool run the
 * generator again; the other units stay, so only edited sources recompile.
 * Invariant: portable, built on the OS seam alone. */
#ifndef VAIS_HOT_STALE_UNITS_H
#define VAIS_HOT_STALE_UNITS_H

#include "os.h"

#include <stddef.h>

/* The hot sources of one program and the units made from them. */
struct hot__units {
    const char *const *sources; /* borrowed: count paths */
    const char *const *units;   /* borrowed: units[i] is made from sources[i] */
    size_t count;
    struct hot__file_id *seen;     /* owned: each source as the last build began */
    char **tracked;                /* owned: the headers the units include */
    struct hot__file_id *at_start; /* owned: each of those as the last build started */
    size_t tracked_count;
    int raced; /* one of them was saved while a build ran: every unit is stale */
};

/* Starts *u over count sources and their units, and notes each source as it
 * is now. Returns 0, or -1 when out of memory (*u is then empty and usable). */
int hot__units_open(struct hot__units *u, const char *const *sources, const char *const *units,
                    size_t count);

/* To call as a build begins: removes the unit of each source that changed
 * (or went missing, or came back) since the last call or hot__units_open,
 * and every unit if a tracked header was saved while a build ran, then
 * notes each source as it is now. */
void hot__units_build_begins(struct hot__units *u);

/* Tracks paths[0..count) (copied), the headers the units include. A header
 * saved while a build compiles a unit against its old text leaves an
 * object that looks newer than the save, which the build tool would keep:
 * hot__units_build_begins then removes every unit. Returns 0, or -1 when
 * out of memory (nothing is tracked then). */
int hot__units_track(struct hot__units *u, const char *const *paths, size_t count);

/* To call as any build starts (ended 0) and once it has ended (ended 1),
 * so that a header saved in between is seen. */
void hot__units_building(struct hot__units *u, int ended);

/* Was anything saved since the last build began: a source, or a tracked
 * header while a build ran? Then what that build made may be of the old
 * text already, and another build must follow before it is acted on. */
int hot__units_saved_since_build(const struct hot__units *u);

/* Releases what *u holds; *u is then empty (closing it again is fine). */
void hot__units_close(struct hot__units *u);

#endif
