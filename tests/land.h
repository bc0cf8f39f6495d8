/* tests/land.h
 * Landing a build by hand, as the linker and the build's stamp step do:
 * the library is replaced by rename, then its stamp (HOT_ABI_STAMP_FORMAT)
 * is written to a temporary file and renamed into place. Header-only, for
 * the runtime tests and the benchmarks (each function inline: a test uses
 * what it needs). */
#ifndef VAIS_HOT_TEST_LAND_H
#define VAIS_HOT_TEST_LAND_H

#include "system.h"

#include <stdio.h>
#include <stdlib.h>
#include <vais/hot_abi.h>

/* Copies from to a new file to; 0 on success. */
static inline int land_copy(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[1 << 14];
    size_t n;
    int status = in && out ? 0 : -1;
    while (status == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        status = fwrite(buf, 1, n, out) == n ? 0 : -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        status = -1;
    return status;
}

/* Replaces library with a copy of build (by rename). 0 on success. */
static inline int land_library(const char *build, const char *library)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.landing", library);
    return land_copy(build, tmp) == 0 && system_replace(tmp, library) == 0 ? 0 : -1;
}

/* The stamp's hash of the file at path (0 if it cannot be read). */
static inline unsigned long long land_content_hash(const char *path)
{
    FILE *file = fopen(path, "rb");
    unsigned char *bytes = NULL;
    long size = file && fseek(file, 0, SEEK_END) == 0 ? ftell(file) : -1;
    if (size >= 0 && fseek(file, 0, SEEK_SET) == 0)
        bytes = malloc(size ? (size_t)size : 1);
    unsigned long long hash = 0;
    if (bytes && fread(bytes, 1, (size_t)size, file) == (size_t)size)
        hash = hot_abi_content_hash(bytes, (unsigned long long)size);
    free(bytes);
    if (file)
        fclose(file);
    return hash;
}

/* Writes library's stamp, as `vais-hot stamp` does, but for any file (that
 * command stamps only a whole library), vouching for "<library>.summary"
 * if summarized, else for no summary (the runtime then reads what it
 * needs from the library's own debug information). Returns the monotonic
 * time right before the stamp landed (the rename that makes it visible), or
 * -1: a delay measured from it is one from the landing, never less. */
static inline long long land_stamp_vouching(const char *library, int summarized)
{
    char stamp[4200], tmp[4300], summary[4200];
    struct system_file_id id, summary_id;
    if (system_file_id(library, &id) != 0)
        return -1;
    snprintf(stamp, sizeof stamp, "%s%s", library, HOT_ABI_STAMP_SUFFIX);
    snprintf(summary, sizeof summary, "%s%s", library, HOT_ABI_SUMMARY_SUFFIX);
    snprintf(tmp, sizeof tmp, "%s.tmp", stamp);
    if (summarized && system_file_id(summary, &summary_id) != 0)
        return -1;
    FILE *f = fopen(tmp, "wb"); /* "\n" ends a line, as the tool writes it */
    if (!f)
        return -1;
    fprintf(f, HOT_ABI_STAMP_FORMAT, id.size, id.mtime_ns, id.inode, id.device,
            (unsigned long long)system_wall_ns(), land_content_hash(library),
            summarized ? (unsigned long long)summary_id.size : 0ULL,
            summarized ? land_content_hash(summary) : 0ULL);
    if (fclose(f) != 0)
        return -1;
    long long landing = system_now_ns();
    return system_replace(tmp, stamp) == 0 ? landing : -1;
}

/* Runs the vais-hot command tool's stamp step on library, as a build does
 * (the summary, then "<library>.stamp"). Returns its exit status, or -1 if
 * it could not run. */
static inline int land_run_stamp(const char *tool, const char *library)
{
    char stamp[4200];
    snprintf(stamp, sizeof stamp, "%s%s", library, HOT_ABI_STAMP_SUFFIX);
    char *argv[] = {(char *)tool, "stamp", (char *)library, stamp, NULL};
    return system_run(argv);
}

/* land_stamp_vouching for no summary. */
static inline long long land_stamp(const char *library)
{
    return land_stamp_vouching(library, 0);
}

/* Lands build as library the way a build's link and stamp step do: the
 * library, then the summary the build's own stamp step wrote beside it
 * ("<build>.summary", if there is one), then a stamp vouching for both.
 * Returns as land_stamp does. */
static inline long long land_with_summary(const char *build, const char *library)
{
    char from[4200], to[4200];
    snprintf(from, sizeof from, "%s%s", build, HOT_ABI_SUMMARY_SUFFIX);
    snprintf(to, sizeof to, "%s%s", library, HOT_ABI_SUMMARY_SUFFIX);
    FILE *summary = fopen(from, "rb");
    if (summary)
        fclose(summary);
    if (land_library(build, library) != 0 || (summary && land_library(from, to) != 0))
        return -1;
    return land_stamp_vouching(library, summary != NULL);
}

#endif
