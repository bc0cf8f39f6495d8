/* runtime/include/vais/hot_abi.h
 * The binary contract between generated code (templates/) and the runtime.
 * Invariant: any change to a struct here bumps HOT_ABI_FORMAT, so a library
 * built against another layout is refused, never misread. Not for programs:
 * they include <vais/hot.h>. */
#ifndef VAIS_HOT_ABI_H
#define VAIS_HOT_ABI_H

#include <stdint.h>

#define HOT_ABI_MAGIC 0x31544f4853494156ull /* "VAISHOT1", little-endian */
#define HOT_ABI_FORMAT 2u
#define HOT_ABI_TABLE_SYMBOL "vais_hot__table"
/* A static #[persist] variable NAME becomes the external symbol
 * HOT_ABI_PERSIST_PREFIX "NAME" of the hot library, so that the runtime can
 * point every build's relocations of it at one storage. */
#define HOT_ABI_PERSIST_PREFIX "vais_hot__persist_"

/* An entry point of any signature; cast back only by the stubs' jump. */
typedef void (*hot_abi_code)(void);

/* One hot function as the library defines it (emitted into its unit, where
 * the function's real type is in scope). */
struct hot_abi_function {
    const char *name;      /* C identifier */
    const char *signature; /* canonical type, e.g. "int(GameState *)" */
    hot_abi_code code;     /* the definition in this library */
};

/* One #[persist] variable as the library defines it: on a reload its value
 * is carried from the running version into the new one when name, type and
 * size all match. */
struct hot_abi_variable {
    const char *name; /* C identifier, unique in the program */
    const char *type; /* canonical type, e.g. "int", "struct stats", "double[16]" */
    uint64_t size;    /* sizeof the variable in this build */
    void *address;    /* the variable itself */
};

/* Exported by the hot library as HOT_ABI_TABLE_SYMBOL. */
struct hot_abi_table {
    uint64_t magic;                                  /* HOT_ABI_MAGIC */
    uint32_t format;                                 /* HOT_ABI_FORMAT */
    uint32_t count;                                  /* entries in functions */
    const char *program;                             /* the target name, e.g. "game" */
    const struct hot_abi_function *const *functions; /* sorted by name, unique */
    uint32_t variable_count;                         /* entries in variables */
    const struct hot_abi_variable *const *variables; /* sorted by name, unique; NULL if none */
};

/* One hot function as the core calls it. */
struct hot_abi_signature {
    const char *name;      /* C identifier */
    const char *signature; /* canonical type, as above */
};

/* Defined by the core's generated stubs and handed to hot__register before
 * main. The stub for signatures[i] jumps through (*active)[i]; the runtime
 * publishes a new slot array with one release store to *active. */
struct hot_abi_manifest {
    uint64_t magic;                             /* HOT_ABI_MAGIC */
    uint32_t format;                            /* HOT_ABI_FORMAT */
    uint32_t count;                             /* entries in signatures */
    const char *program;                        /* must equal the library's */
    const char *library;                        /* the hot library as built */
    const struct hot_abi_signature *signatures; /* sorted by name, unique */
    const hot_abi_code *_Atomic *active;        /* the slot array the stubs use */
    const char *const *sources;                 /* the hot sources; NULL-terminated */
    const char *const *rebuild;                 /* argv that builds the library; NULL-terminated */
    const char *const *units;                   /* sources[i]'s generated unit at i; likewise */
};

/* The stamp file the build writes beside the hot library ("<library>.stamp")
 * after each successful link, by writing a temporary file and renaming it: the
 * identity of the library file it vouches for, as stat() saw it, and a build
 * number unique to this stamp (the writer's realtime clock in ns), since two
 * quick builds can share size, inode and a coarse mtime. The runtime loads a
 * library only while it still matches its stamp. One format string serves
 * printf and scanf. */
#define HOT_ABI_STAMP_SUFFIX ".stamp"
#define HOT_ABI_STAMP_FORMAT                                                                       \
    "vais-hot stamp 1\nsize %lld\nmtime_ns %lld\ninode %llu\ndevice %llu\nbuild %llu\n"

/* Called once per process by the generated stubs' constructor. */
void hot__register(const struct hot_abi_manifest *manifest);

/* Entered by the lazy thunk of slot i (index in the scratch register) while
 * no library is loaded: loads it, then continues into the function with the
 * caller's arguments intact. Never called from C. */
void hot__lazy_entry(void);

#endif
