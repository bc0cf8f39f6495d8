/* tests/runtime/test_summary.c
 * The summary `vais-hot stamp` writes beside each real build given is the
 * one the runtime reads from that build's debug information itself: byte
 * for byte the same, and it decodes to what it encodes. Built with every
 * layout case, optimised builds and persist variables, so that a running
 * program trusting a summary checks exactly what it would check without
 * one. A library built with -g0 gets no summary, and the one stamped before
 * it in the same place does not stay. The summary the build writes beside
 * each core given is the runtime's own reading of that core, for its build
 * ID only. Every build is stamped in one place, in turn, so that each finds
 * what the one before left. argv: vais-hot, the builds, --cores, the cores. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"

#include "image.h"
#include "summary.h"
#include "table_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *tool;
static char dir[300];
static char library_path[320]; /* each build is stamped here, in turn */
static char **builds, **cores; /* argv's, each list ending at "--cores" or the end */

/* The whole of path in a new buffer, its size in *size; NULL if missing. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *bytes = NULL;
    size_t used = 0, capacity = 0, got;
    do {
        if (used == capacity) {
            capacity = capacity ? 2 * capacity : 65536;
            unsigned char *bigger = realloc(bytes, capacity);
            if (!bigger)
                break;
            bytes = bigger;
        }
        got = fread(bytes + used, 1, capacity - used, f);
        used += got;
    } while (got > 0);
    fclose(f);
    *size = used;
    return bytes;
}

/* The summary the runtime reads from library[0..size) itself, encoded; NULL
 * if it has no debug information. */
static unsigned char *summary_of(const unsigned char *library, size_t size, size_t *out_size)
{
    char err[512];
    unsigned char *bytes = NULL;
    struct hot__table_file table;
    struct hot__summary summary;
    struct hot__image_pointers *pointers = hot__image_pointers_new(library, size);
    CHECK(pointers != NULL);
    CHECK_INT(hot__image_check(library, size, (long long)size, 0, err, sizeof err), ==, 0);
    CHECK_INT(hot__table_file_read(library, size, pointers, &table, err, sizeof err), ==, 0);
    int read = hot__summary_from_image(library, size, &table.table, &summary, err, sizeof err);
    CHECK(read == 0 || read == 1);
    if (read == 0)
        CHECK_INT(hot__summary_encode(&summary, &bytes, out_size), ==, 0);
    hot__summary_free(&summary);
    hot__table_file_free(&table);
    hot__image_pointers_free(pointers);
    return bytes;
}

/* Lands build at library_path and runs `vais-hot stamp` on it. (A Windows
 * program under Wine cannot wait for that command, the build machine's:
 * there the summary the build's own stamp step wrote beside it comes with
 * it, and none is left from the build before.) */
static void stamp(const char *build)
{
#ifdef _WIN32
    char summary[400];
    snprintf(summary, sizeof summary, "%s%s", library_path, HOT_ABI_SUMMARY_SUFFIX);
    remove(summary);
    CHECK(land_with_summary(build, library_path) > 0);
#else
    CHECK_INT(land_library(build, library_path), ==, 0);
    CHECK_INT(land_run_stamp(tool, library_path), ==, 0);
#endif
}

static void check_build(const char *build)
{
    char path[400], err[512];
    size_t library_size = 0, written_size = 0, own_size = 0;
    stamp(build);
    unsigned char *library = slurp(library_path, &library_size);
    CHECK(library != NULL);
    snprintf(path, sizeof path, "%s%s", library_path, HOT_ABI_SUMMARY_SUFFIX);
    unsigned char *written = slurp(path, &written_size);
    unsigned char *own = summary_of(library, library_size, &own_size);
    if (!own) { /* no debug information: no summary, none left from before */
        if (written)
            fprintf(stderr, "'%s' has a summary but no debug information\n", build);
        CHECK(written == NULL);
    } else if (!written) {
        fprintf(stderr, "'%s' got no summary\n", build);
        CHECK(written != NULL);
    } else {
        if (written_size != own_size || memcmp(written, own, own_size) != 0)
            fprintf(stderr, "'%s': the stamp's summary is not the runtime's own\n", build);
        CHECK_INT(written_size, ==, own_size);
        CHECK(written_size == own_size && memcmp(written, own, own_size) == 0);
        struct hot__summary decoded;
        CHECK_INT(hot__summary_decode(written, written_size, &decoded, err, sizeof err), ==, 0);
        CHECK(hot__summary_fits(&decoded, library, library_size));
        unsigned char *again = NULL;
        size_t again_size = 0;
        CHECK_INT(hot__summary_encode(&decoded, &again, &again_size), ==, 0);
        CHECK(again_size == own_size && memcmp(again, own, own_size) == 0);
        hot__summary_free(&decoded);
        free(again);
    }
    free(library);
    free(written);
    free(own);
}

/* The summary the build wrote beside core after its link is the one the
 * runtime reads from the core's debug information itself, naming the core's
 * build ID; it decodes for that ID only. */
static void check_core(const char *core)
{
    char path[4200], err[512];
    size_t core_size = 0, written_size = 0, own_size = 0, again_size = 0;
    unsigned char *image = slurp(core, &core_size), *written, *own = NULL, *again = NULL;
    snprintf(path, sizeof path, "%s%s", core, HOT_ABI_SUMMARY_SUFFIX);
    written = slurp(path, &written_size);
    CHECK(image != NULL && written != NULL);
    const unsigned char *id;
    size_t id_length = hot__image_build_id(image, core_size, &id);
    struct hot__summary summary, decoded;
    CHECK(id_length > 0);
    CHECK_INT(hot__summary_of_core(image, core_size, &summary, err, sizeof err), ==, 0);
    CHECK_INT(hot__summary_encode_core(&summary, id, id_length, &own, &own_size), ==, 0);
    if (written_size != own_size || memcmp(written, own, own_size) != 0)
        fprintf(stderr, "'%s': the build's summary is not the runtime's own\n", core);
    CHECK(written_size == own_size && memcmp(written, own, own_size) == 0);
    CHECK_INT(
        hot__summary_decode_core(written, written_size, id, id_length, &decoded, err, sizeof err),
        ==, 0);
    CHECK_INT(hot__summary_encode_core(&decoded, id, id_length, &again, &again_size), ==, 0);
    CHECK(again_size == own_size && memcmp(again, own, own_size) == 0);
    hot__summary_free(&decoded);
    /* Another build of the core has another ID. */
    unsigned char other[HOT_SUMMARY_MAX_BUILD_ID];
    memcpy(other, id, id_length);
    other[0] ^= 1;
    CHECK_INT(hot__summary_decode_core(written, written_size, other, id_length, &decoded, err,
                                       sizeof err),
              ==, 1);
    CHECK_STR(err, "describes another build");
    hot__summary_free(&summary);
    free(image);
    free(written);
    free(own);
    free(again);
}

static void each_builds_summary_is_the_runtimes_own(void)
{
    for (char **build = builds; *build && strcmp(*build, "--cores") != 0; build++)
        check_build(*build);
}

static void each_cores_summary_is_the_runtimes_own_for_its_id_only(void)
{
    CHECK(cores != NULL);
    for (char **core = cores; core && *core; core++)
        check_core(*core);
}

static void leaves_nothing_behind(void)
{
    static const char *const made[] = {"", HOT_ABI_STAMP_SUFFIX, HOT_ABI_SUMMARY_SUFFIX};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s%s", library_path, made[i]);
        remove(path);
    }
    CHECK_INT(rmdir(dir), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"each_builds_summary_is_the_runtimes_own", each_builds_summary_is_the_runtimes_own, NULL},
    {"each_cores_summary_is_the_runtimes_own_for_its_id_only",
     each_cores_summary_is_the_runtimes_own_for_its_id_only, NULL},
    {"leaves_nothing_behind", leaves_nothing_behind, NULL},
};

int main(int argc, char **argv)
{
    CHECK(argc > 3);
    CHECK(system_scratch_dir(dir, sizeof dir, "summary"));
    tool = argv[1];
    snprintf(library_path, sizeof library_path, "%s/lib" SYSTEM_LIBRARY_SUFFIX, dir);
    builds = argv + 2;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--cores") == 0)
            cores = argv + i + 1;
    }
    return CHECK_SCENARIOS("summary", scenarios);
}
