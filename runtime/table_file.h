/* runtime/table_file.h
 * A hot library's table (HOT_ABI_TABLE_SYMBOL) read from its file before
 * the file is loaded: dlopen runs a library's constructors, so a build is
 * checked, and refused, from its file, and none of its code runs unless it
 * passed. Invariant: reads only the checked image it is given, each
 * address bounds-checked, so any file is safe. */
#ifndef VAIS_HOT_TABLE_FILE_H
#define VAIS_HOT_TABLE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <vais/hot_abi.h>

struct hot__image_pointers;

/* The table as the loader would leave it, addresses as linked: its strings
 * point into the image, and each function's code and each variable's
 * address are where the file puts them, never to be called or touched;
 * NULL where it cannot be told before loading (a variable's address). */
struct hot__table_file {
    struct hot_abi_table table;
    struct hot_abi_function *functions;
    const struct hot_abi_function **function_list; /* table.functions */
    struct hot_abi_variable *variables;
    const struct hot_abi_variable **variable_list; /* table.variables; NULL if none */
    /* Where each pointer the checks followed led, as linked: the table,
     * its program, arrays, and per entry the entry, its name and signature
     * (or type): what hot__table_file_matches compares once it is loaded. */
    unsigned long long at[4];                      /* table, program, functions, variables */
    unsigned long long *function_at, *variable_at; /* 3 per entry */
};

/* Reads the table of the checked file image[0..size) into *out, its
 * pointers through pointers (the file's hot__image_pointers_new). Returns 0;
 * -1 if the file has none (it is no vais-hot library), -2 if it is
 * corrupt, or -3 when memory ran out, with why in err, phrased to follow
 * the file's name ("is not a vais-hot library ..."); *out is then empty. */
int hot__table_file_read(const unsigned char *image, size_t size,
                         const struct hot__image_pointers *pointers, struct hot__table_file *out,
                         char *err, size_t errlen);

/* Is live, the table of the library as loaded at bias, where the file put
 * it, with every pointer the checks followed leading where it did in the
 * file? Then what was checked is what runs. The image may be gone. */
int hot__table_file_matches(const struct hot__table_file *file, const struct hot_abi_table *live,
                            uintptr_t bias);

void hot__table_file_free(struct hot__table_file *t);

#endif
