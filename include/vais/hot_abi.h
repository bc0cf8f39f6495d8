/* include/vais/hot_abi.h
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
/* Where a hot library reaches its own variables directly (a PE DLL), a
 * #[persist] variable's unit defines it as HOT_ABI_OWN_PREFIX "NAME" and
 * aliases the name's symbol to that: its code then reaches the variable
 * through a pointer, as another module's, which the runtime can set. */
#define HOT_ABI_OWN_PREFIX "vais_hot__own_"

/* _Atomic where the language has it. Code compiled as C99 (the stubs, in a
 * core built with -std=c99) sees a plain pointer of the same representation
 * on every target: the stubs read it in assembly, and only the runtime, in
 * C11, reads and writes it from C, atomically. */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && !defined(__STDC_NO_ATOMICS__)
#define HOT_ABI_ATOMIC _Atomic
#else
#define HOT_ABI_ATOMIC
#endif

/* What generated code says of a symbol's reach: HOT_ABI_HIDDEN, seen only
 * in its own program or library; HOT_ABI_EXPORTED, the one symbol a hot
 * library exports (its table). ELF says so with visibility; a PE module
 * exports what is declared dllexport, and nothing else once one is. */
#if defined(_WIN32)
#define HOT_ABI_HIDDEN
#define HOT_ABI_EXPORTED __declspec(dllexport)
#else
#define HOT_ABI_HIDDEN __attribute__((visibility("hidden")))
#define HOT_ABI_EXPORTED __attribute__((visibility("default")))
#endif

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
    const hot_abi_code *HOT_ABI_ATOMIC *active; /* the slot array the stubs use */
    const char *const *sources;                 /* the hot sources; NULL-terminated */
    const char *const *rebuild;                 /* argv that builds the library; NULL-terminated */
    const char *const *units;                   /* sources[i]'s generated unit at i; likewise */
    const char *path_prefix; /* what those paths have before the build's own names of the files
                                (Wine's drive "Z:" for a Windows program built on Linux), as
                                debug information has them; NULL or "" for nothing */
};

/* The stamp file the build writes beside the hot library ("<library>.stamp")
 * after each successful link, by writing a temporary file and renaming it: the
 * identity of the library file it vouches for, as stat() saw it, a build
 * number unique to this stamp (the writer's realtime clock in ns), since two
 * quick builds can share size, inode and a coarse mtime, the hash of the
 * file's bytes (hot_abi_content_hash), which damage done to the file since
 * (on disk, by a tool) changes while its identity stays, and the size and
 * hash of the library's summary ("<library>.summary", written before the
 * stamp; size 0: none), what its debug information tells the loader, read
 * once by the build. The runtime loads a library only while it still
 * matches its stamp. One format string serves printf and scanf. */
#define HOT_ABI_STAMP_SUFFIX ".stamp"
#define HOT_ABI_SUMMARY_SUFFIX ".summary"
#define HOT_ABI_STAMP_FORMAT                                                                       \
    "vais-hot stamp 3\nsize %lld\nmtime_ns %lld\ninode %llu\ndevice %llu\nbuild %llu\n"            \
    "content %llx\nsummary %llu %llx\n"

/* The little-endian 64-bit word at p (one load on a little-endian host). */
static inline unsigned long long hot_abi__le64(const unsigned char *p)
{
    return (unsigned long long)p[0] | (unsigned long long)p[1] << 8 |
           (unsigned long long)p[2] << 16 | (unsigned long long)p[3] << 24 |
           (unsigned long long)p[4] << 32 | (unsigned long long)p[5] << 40 |
           (unsigned long long)p[6] << 48 | (unsigned long long)p[7] << 56;
}

/* One lane's step over word w. */
static inline unsigned long long hot_abi__mix(unsigned long long lane, unsigned long long w)
{
    lane = (lane ^ w) * 0xff51afd7ed558ccdULL;
    return lane ^ lane >> 31;
}

/* The stamp's hash of bytes[0..size): four lanes over little-endian 64-bit
 * words (so a host and a target of either byte order agree), then the
 * bytes left; fast, not cryptographic (whoever may write the library may
 * run code anyway: the hash tells damage, not malice). */
static inline unsigned long long hot_abi_content_hash(const unsigned char *bytes,
                                                      unsigned long long size)
{
    const unsigned long long k = 0x9e3779b97f4a7c15ULL;
    unsigned long long a = k ^ size, b = k * 3, c = k * 5, d = k * 7, i = 0;
    for (; i + 32 <= size; i += 32) {
        a = hot_abi__mix(a, hot_abi__le64(bytes + i));
        b = hot_abi__mix(b, hot_abi__le64(bytes + i + 8));
        c = hot_abi__mix(c, hot_abi__le64(bytes + i + 16));
        d = hot_abi__mix(d, hot_abi__le64(bytes + i + 24));
    }
    unsigned long long h = a ^ (b << 1 | b >> 63) ^ (c << 2 | c >> 62) ^ (d << 3 | d >> 61);
    for (; i < size; i++)
        h = (h ^ bytes[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ h >> 33;
}

/* Called once per process by the generated stubs' constructor. */
void hot__register(const struct hot_abi_manifest *manifest);

/* Entered by the lazy thunk of slot i (index in the scratch register) while
 * no library is loaded: loads it, then continues into the function with the
 * caller's arguments intact. Never called from C. */
void hot__lazy_entry(void);

#endif
