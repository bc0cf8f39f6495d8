/* tests/runtime/test_stale_units.c
 * Which units a save made stale (os/stale_units.h), on real files: a
 * unit goes when its source changed since the last build began, whether
 * rewritten in place, replaced by rename, or missing mid-save; the units of
 * untouched sources stay, and a source is judged against the last build only;
 * every unit goes when a header they include was saved while a build ran.
 * One set of units goes through a series of saves and builds: each scenario
 * but the last starts from what the one before it left. */
#define _XOPEN_SOURCE 700

#include "../check.h"
#include "../system.h"
#include "stale_units.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[4096];
static char a[4200], b[4200], unit_a[4200], unit_b[4200], temp[4200], header[4200];
static const char *sources[2], *units[2]; /* a.c and b.c, and their units */
static struct hot__units stale;           /* of those, and later of shared.h */

static const char *path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
    return out;
}

static void write_text(const char *file, const char *text)
{
    FILE *f = fopen(file, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        CHECK(fclose(f) == 0);
    }
}

static int exists(const char *file)
{
    return access(file, F_OK) == 0;
}

/* Nothing saved since the sources were noted: every unit stays. */
static void keeps_every_unit_when_nothing_was_saved(void)
{
    hot__units_build_begins(&stale);
    CHECK(exists(unit_a) && exists(unit_b));
}

/* a rewritten in place (one byte longer, so even a coarse clock sees it). */
static void drops_the_unit_of_a_source_rewritten_in_place(void)
{
    write_text(a, "int a(void) { return 12; }\n");
    hot__units_build_begins(&stale);
    CHECK(!exists(unit_a));
    CHECK(exists(unit_b));
}

/* The build made a's unit again; no save since that build began. */
static void keeps_the_units_the_last_build_made(void)
{
    write_text(unit_a, "unit a\n");
    hot__units_build_begins(&stale);
    CHECK(exists(unit_a) && exists(unit_b));
}

/* b replaced by rename, as editors save: a new inode, the same size, and the
 * old modification time, so that only the inode tells. */
static void drops_the_unit_of_a_source_replaced_by_rename(void)
{
    write_text(path(temp, sizeof temp, "b.c.new"), "int b(void) { return 2; }\n");
    struct system_file_id old;
    CHECK(system_file_id(b, &old) == 0);
    CHECK(system_set_mtime_ns(temp, old.mtime_ns) == 0);
    CHECK(system_replace(temp, b) == 0);
    hot__units_build_begins(&stale);
    CHECK(exists(unit_a));
    CHECK(!exists(unit_b));
}

/* a missing mid-save, then back: its unit goes each time. */
static void drops_the_unit_of_a_source_missing_mid_save(void)
{
    write_text(unit_b, "unit b\n");
    CHECK(unlink(a) == 0);
    hot__units_build_begins(&stale);
    CHECK(!exists(unit_a));
    CHECK(exists(unit_b));
    write_text(unit_a, "unit a\n");
    write_text(a, "int a(void) { return 3; }\n");
    hot__units_build_begins(&stale);
    CHECK(!exists(unit_a));
    CHECK(exists(unit_b));
}

/* A header the units include, saved between two builds: the build tool sees
 * it by its time, and every unit stays. */
static void keeps_every_unit_when_a_header_is_saved_between_builds(void)
{
    const char *headers[] = {path(header, sizeof header, "shared.h")};
    write_text(unit_a, "unit a\n");
    write_text(header, "struct s { int x; };\n");
    CHECK(hot__units_track(&stale, headers, 1) == 0);
    hot__units_build_begins(&stale);
    hot__units_building(&stale, 0);
    hot__units_building(&stale, 1);
    write_text(header, "struct s { int x, y; };\n");
    hot__units_build_begins(&stale);
    CHECK(exists(unit_a) && exists(unit_b));
}

/* Saved while a build ran: that build may have compiled the old text into
 * objects that look newer than the save, so every unit goes, and what it
 * made is not to be acted on. */
static void drops_every_unit_when_a_header_is_saved_during_a_build(void)
{
    CHECK(!hot__units_saved_since_build(&stale));
    hot__units_building(&stale, 0);
    write_text(header, "struct s { int x, y, z; };\n");
    hot__units_building(&stale, 1);
    CHECK(hot__units_saved_since_build(&stale));
    hot__units_build_begins(&stale);
    CHECK(!hot__units_saved_since_build(&stale));
    CHECK(!exists(unit_a) && !exists(unit_b));
}

/* So is a source saved since the build began. */
static void says_a_source_saved_during_a_build(void)
{
    write_text(a, "int a(void) { return 123; }\n");
    CHECK(hot__units_saved_since_build(&stale));
    hot__units_build_begins(&stale);
    CHECK(!hot__units_saved_since_build(&stale));
}

/* That is said once: the next build keeps the units it made. */
static void says_a_save_during_a_build_once(void)
{
    write_text(unit_a, "unit a\n");
    write_text(unit_b, "unit b\n");
    hot__units_building(&stale, 0);
    hot__units_building(&stale, 1);
    hot__units_build_begins(&stale);
    CHECK(exists(unit_a) && exists(unit_b));
}

static void closes_and_leaves_nothing_behind(void)
{
    hot__units_close(&stale);
    CHECK(stale.seen == NULL && stale.count == 0 && stale.tracked_count == 0);
    unlink(path(header, sizeof header, "shared.h"));
    unlink(a);
    unlink(b);
    unlink(unit_a);
    unlink(unit_b);
    CHECK(rmdir(dir) == 0);
}

static const struct check_scenario scenarios[] = {
    {"keeps_every_unit_when_nothing_was_saved", keeps_every_unit_when_nothing_was_saved, NULL},
    {"drops_the_unit_of_a_source_rewritten_in_place", drops_the_unit_of_a_source_rewritten_in_place,
     keeps_every_unit_when_nothing_was_saved},
    {"keeps_the_units_the_last_build_made", keeps_the_units_the_last_build_made,
     drops_the_unit_of_a_source_rewritten_in_place},
    {"drops_the_unit_of_a_source_replaced_by_rename", drops_the_unit_of_a_source_replaced_by_rename,
     keeps_the_units_the_last_build_made},
    {"drops_the_unit_of_a_source_missing_mid_save", drops_the_unit_of_a_source_missing_mid_save,
     drops_the_unit_of_a_source_replaced_by_rename},
    {"keeps_every_unit_when_a_header_is_saved_between_builds",
     keeps_every_unit_when_a_header_is_saved_between_builds,
     drops_the_unit_of_a_source_missing_mid_save},
    {"drops_every_unit_when_a_header_is_saved_during_a_build",
     drops_every_unit_when_a_header_is_saved_during_a_build,
     keeps_every_unit_when_a_header_is_saved_between_builds},
    {"says_a_source_saved_during_a_build", says_a_source_saved_during_a_build,
     drops_every_unit_when_a_header_is_saved_during_a_build},
    {"says_a_save_during_a_build_once", says_a_save_during_a_build_once,
     says_a_source_saved_during_a_build},
    {"closes_and_leaves_nothing_behind", closes_and_leaves_nothing_behind, NULL},
};

int main(void)
{
    if (!system_scratch_dir(dir, sizeof dir, "stale-units")) {
        perror("a scratch directory");
        return 1;
    }
    sources[0] = path(a, sizeof a, "a.c");
    sources[1] = path(b, sizeof b, "b.c");
    units[0] = path(unit_a, sizeof unit_a, "a.unit.c");
    units[1] = path(unit_b, sizeof unit_b, "b.unit.c");
    write_text(a, "int a(void) { return 1; }\n");
    write_text(b, "int b(void) { return 1; }\n");
    write_text(unit_a, "unit a\n");
    write_text(unit_b, "unit b\n");
    CHECK(hot__units_open(&stale, sources, units, 2) == 0);
    return CHECK_SCENARIOS("stale_units", scenarios);
}
