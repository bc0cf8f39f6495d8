/* tests/runtime/test_stale_units.c
 * Which units a save made stale (os/stale_units.h), on real files: a
 * unit goes when its source changed since the last build began, whether
 * rewritten in place, replaced by rename, or missing mid-save; the units of
 * untouched sources stay, and a source is judged against the last build only;
 * every unit goes when a header they include was saved while a build ran.
 *   runtime_stale_units SCRATCH-PARENT */
#define _XOPEN_SOURCE 700

#include "../check.h"
#include "stale_units.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];

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

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: runtime_stale_units SCRATCH-PARENT\n", stderr);
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/stale_units.XXXXXX", argv[1]);
    if (!mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    char a[4200], b[4200], unit_a[4200], unit_b[4200], temp[4200];
    const char *sources[] = {path(a, sizeof a, "a.c"), path(b, sizeof b, "b.c")};
    const char *units[] = {path(unit_a, sizeof unit_a, "a.unit.c"),
                           path(unit_b, sizeof unit_b, "b.unit.c")};
    write_text(a, "int a(void) { return 1; }\n");
    write_text(b, "int b(void) { return 1; }\n");
    write_text(unit_a, "unit a\n");
    write_text(unit_b, "unit b\n");

    struct hot__units stale;
    CHECK(hot__units_open(&stale, sources, units, 2) == 0);

    /* Nothing saved since the sources were noted: every unit stays. */
    hot__units_build_begins(&stale);
    CHECK(exists(unit_a) && exists(unit_b));

    /* a rewritten in place (one byte longer, so even a coarse clock sees it). */
    write_text(a, "int a(void) { return 12; }\n");
    hot__units_build_begins(&stale);
    CHECK(!exists(unit_a));
    CHECK(exists(unit_b));

    /* The build made a's unit again; no save since that build began. */
    write_text(unit_a, "unit a\n");
    hot__units_build_begins(&stale);
    CHECK(exists(unit_a) && exists(unit_b));

    /* b replaced by rename, as editors save: a new inode, the same size,
     * and the old modification time, so that only the inode tells. */
    write_text(path(temp, sizeof temp, "b.c.new"), "int b(void) { return 2; }\n");
    struct stat old;
    CHECK(stat(b, &old) == 0);
    CHECK(utimensat(AT_FDCWD, temp, (struct timespec[]){old.st_atim, old.st_mtim}, 0) == 0);
    CHECK(rename(temp, b) == 0);
    hot__units_build_begins(&stale);
    CHECK(exists(unit_a));
    CHECK(!exists(unit_b));

    /* a missing mid-save, then back: its unit goes each time. */
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

    /* A header the units include, saved between two builds: the build tool
     * sees it by its time, and every unit stays. */
    char header[4200];
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

    /* Saved while a build ran: that build may have compiled the old text
     * into objects that look newer than the save, so every unit goes, and
     * what it made is not to be acted on. */
    CHECK(!hot__units_saved_since_build(&stale));
    hot__units_building(&stale, 0);
    write_text(header, "struct s { int x, y, z; };\n");
    hot__units_building(&stale, 1);
    CHECK(hot__units_saved_since_build(&stale));
    hot__units_build_begins(&stale);
    CHECK(!hot__units_saved_since_build(&stale));
    CHECK(!exists(unit_a) && !exists(unit_b));
    /* So is a source saved since the build began. */
    write_text(a, "int a(void) { return 123; }\n");
    CHECK(hot__units_saved_since_build(&stale));
    hot__units_build_begins(&stale);
    CHECK(!hot__units_saved_since_build(&stale));

    /* That is said once: the next build keeps the units it made. */
    write_text(unit_a, "unit a\n");
    write_text(unit_b, "unit b\n");
    hot__units_building(&stale, 0);
    hot__units_building(&stale, 1);
    hot__units_build_begins(&stale);
    CHECK(exists(unit_a) && exists(unit_b));

    hot__units_close(&stale);
    CHECK(stale.seen == NULL && stale.count == 0 && stale.tracked_count == 0);

    unlink(header);
    unlink(a);
    unlink(b);
    unlink(unit_a);
    unlink(unit_b);
    CHECK(rmdir(dir) == 0);
    return check_exit();
}
