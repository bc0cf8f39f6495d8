/* tests/runtime/scratch.h
 * What the runtime tests that land builds by hand share: a scratch
 * directory, which is also TMPDIR for the private copies, holding the
 * library in use and its stamp; the runtime's event lines, captured in a
 * file; and landing a build there. Header-only, after check.h and land.h. */
#ifndef VAIS_HOT_TEST_SCRATCH_H
#define VAIS_HOT_TEST_SCRATCH_H

#include <stdlib.h>
#include <vais/hot.h>

struct scratch {
    char dir[300];
    char library[320];
    char stamp[340];
    FILE *log; /* every vais-hot: line */
};

/* Makes the scratch directory vais-hot-<name>-XXXXXX (system_scratch_dir)
 * and sends the event lines to s->log. */
static void scratch_open(struct scratch *s, const char *name)
{
    CHECK(system_scratch_dir(s->dir, sizeof s->dir, name));
    snprintf(s->library, sizeof s->library, "%s/lib" SYSTEM_LIBRARY_SUFFIX, s->dir);
    snprintf(s->stamp, sizeof s->stamp, "%s%s", s->library, HOT_ABI_STAMP_SUFFIX);
    system_private_copies_in(s->dir);
    s->log = tmpfile();
    CHECK(s->log != NULL);
    hot_log_to(s->log);
}

/* Lands build as the library in use, as a build does; 1 if it did. */
static int scratch_land(struct scratch *s, const char *build)
{
    return land_library(build, s->library) == 0 && land_stamp(s->library) > 0;
}

/* How many event lines so far are exactly line (newline included). */
static int scratch_count(struct scratch *s, const char *line)
{
    char text[1024];
    int count = 0;
    fflush(s->log);
    rewind(s->log);
    while (fgets(text, sizeof text, s->log))
        count += strcmp(text, line) == 0;
    fseek(s->log, 0, SEEK_END);
    return count;
}

/* Unloads everything and removes the scratch directory, which must then be
 * empty. */
static void scratch_close(struct scratch *s)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    hot_log_to(NULL);
    fclose(s->log);
    remove(s->library);
    remove(s->stamp);
    CHECK_INT(rmdir(s->dir), ==, 0);
}

#endif
