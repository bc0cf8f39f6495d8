/* runtime/summary.h
 * What a hot library's debug information tells the loader (the layouts of
 * the types it shares, and its functions), read from its file once, and
 * the bytes that keep it: the build reads it when it stamps the library
 * (`vais-hot stamp` writes "<library>.summary", which the stamp vouches
 * for), so a running program reloads without reading the debug information
 * again; a program given no summary reads it from the file itself, by the
 * same function. Invariant: decoding checks every count, index, string and
 * address before anything trusts it, so any bytes are safe to decode. */
#ifndef VAIS_HOT_SUMMARY_H
#define VAIS_HOT_SUMMARY_H

#include "functions.h"
#include "layout.h"

#include <stddef.h>

#include <vais/hot_abi.h>

struct hot__summary {
    struct hot__layouts *layouts;    /* NULL if the build has no debug information */
    struct hot__functions functions; /* empty then too */
};

/* Reads the summary of the checked ELF file image[0..size), whose table is
 * table: the layouts of its hot functions' and #[persist] variables' types
 * and of every named type it declares, and its functions. Returns 0; 1 if
 * it has no debug information to read them from (none, or corrupt), with
 * why in err (the summary is then empty); or -1 when memory ran out. */
int hot__summary_from_image(const unsigned char *image, size_t size,
                            const struct hot_abi_table *table, struct hot__summary *out, char *err,
                            size_t errlen);

/* Reads the summary of the core, the ELF program image[0..size): the
 * layouts of every type its units name (of a header's types, the first
 * unit's copy) and its functions. Returns 0; 1 if it has no debug
 * information to read them from, with why in err; or -1 when memory ran
 * out, with that in err. The summary is empty unless 0. */
int hot__summary_of_core(const unsigned char *image, size_t size, struct hot__summary *out,
                         char *err, size_t errlen);

/* The bytes of summary (which has layouts), in a new *bytes of *size.
 * Returns 0, or -1 when memory ran out. */
int hot__summary_encode(const struct hot__summary *summary, unsigned char **bytes, size_t *size);

/* Decodes bytes[0..size) into *out. Returns 0; -1 if the bytes are no
 * summary, with why in err ("is ..."); -2 when memory ran out. */
int hot__summary_decode(const unsigned char *bytes, size_t size, struct hot__summary *out,
                        char *err, size_t errlen);

/* A core's summary is kept beside it ("<program>.summary", written by
 * `vais-hot summarize` after each link of the core) and belongs to the
 * build whose build ID it names (hot__image_build_id): a relinked core has
 * another. */
#define HOT_SUMMARY_MAX_BUILD_ID 64

/* The bytes of the summary file of the core whose build ID is
 * build_id[0..id_length), in a new *bytes of *size. Returns 0, or -1 when
 * memory ran out or the ID is empty or longer than the most kept. */
int hot__summary_encode_core(const struct hot__summary *summary, const unsigned char *build_id,
                             size_t id_length, unsigned char **bytes, size_t *size);

/* Decodes a core's summary file bytes[0..size) into *out if it belongs to
 * the build whose build ID is build_id[0..id_length). Returns 0; 1 if it
 * belongs to another build; -1 if the bytes are no core's summary; -2 when
 * memory ran out; with why in err but for 0. */
int hot__summary_decode_core(const unsigned char *bytes, size_t size, const unsigned char *build_id,
                             size_t id_length, struct hot__summary *out, char *err, size_t errlen);

/* 1 if every function summary says the checked ELF file image[0..size)
 * defines begins in code the file maps, as hot__functions_read found them;
 * else 0: it is not that file's summary. */
int hot__summary_fits(const struct hot__summary *summary, const unsigned char *image, size_t size);

void hot__summary_free(struct hot__summary *summary);

#endif
