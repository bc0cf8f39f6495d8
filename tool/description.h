/* tool/description.h
 * What the build says about one program: the file vais_add_hot_executable
 * writes at <build>/vais_hot/<name>.watch (file(GENERATE), so it names the
 * built files without making one target depend on another), one
 * "key value" per line, read by `vais-hot watch` and `vais-hot check`.
 * Invariant: unknown keys are skipped, so a newer build may say more. */
#ifndef VAIS_HOT_GEN_DESCRIPTION_H
#define VAIS_HOT_GEN_DESCRIPTION_H

#include <stddef.h>

struct description {
    char *text;               /* owned: the file, split in place */
    const char *program;      /* the target name */
    const char *hot;          /* ON or OFF */
    const char *library;      /* <name>_hot's target name */
    const char *library_file; /* its file (HOT ON), or NULL */
    const char *executable;   /* the core's file */
    const char *stubs;        /* the generated stubs: they change with the signatures */
    const char *needs;        /* the core's needs file (ELF, HOT ON), or NULL */
    const char *generator;    /* CMAKE_GENERATOR */
    const char *make;         /* CMAKE_MAKE_PROGRAM */
    const char *build_dir;    /* CMAKE_BINARY_DIR */
    const char *project_dir;  /* CMAKE_SOURCE_DIR, or NULL */
    const char *config;       /* a multi-config tree's configuration it describes, or NULL */
    const char **sources;     /* owned array: the hot sources, absolute */
    size_t source_count, source_capacity;
    const char **units; /* owned array: the generated copies they compile from */
    size_t unit_count, unit_capacity;
    const char **core_objects; /* owned array: the core's object files (HOT ON) */
    size_t core_object_count, core_object_capacity;
    const char **build; /* owned array: the command that builds one target, without it */
    size_t build_count, build_capacity;
    const char **emulator; /* owned array: what runs the program, a cross build's emulator */
    size_t emulator_count, emulator_capacity; /* 0: it runs as itself */
};

/* Reads the description at path into *d (zeroed before; free it with
 * description_free in every case). Returns 0; -1 if the file cannot be read
 * (errno says why); -2 if it is no description this vais-hot can read (the
 * build was configured by another version); -3 when out of memory. */
int description_read(const char *path, struct description *d);

/* Why description_read returned read (not 0), for "cannot read '<path>': ...". */
const char *description_error(int read);

void description_free(struct description *d);

#endif
