/* tests/target.h
 * Starting a program built for the target, from a test built for it. A
 * cross build's tests run under the emulator CMake was given
 * (CMAKE_CROSSCOMPILING_EMULATOR), and so must every target program they
 * start: no binfmt_misc entry that would run it by itself can be assumed.
 * The test build passes the emulator's words as VAIS_HOT_TEST_EMULATOR, a
 * list of C strings each followed by a comma, to the tests that start
 * target programs; without it, a program runs as itself. Tools of the
 * build machine (strip, the build's vais-hot) are run as they are, not
 * through this. Header-only. */
#ifndef VAIS_HOT_TEST_TARGET_H
#define VAIS_HOT_TEST_TARGET_H

#include "land.h"

#include <stddef.h>
#include <unistd.h>

#ifdef VAIS_HOT_TEST_EMULATOR
static const char *const target_emulator[] = {VAIS_HOT_TEST_EMULATOR NULL};
enum { TARGET_EMULATED = 1 };
#else
static const char *const target_emulator[] = {NULL};
enum { TARGET_EMULATED = 0 };
#endif

enum { TARGET_MAX_ARGS = 256 };
#define TARGET_WORDS (sizeof target_emulator / sizeof *target_emulator + TARGET_MAX_ARGS)

/* argv (at most TARGET_MAX_ARGS words and its NULL) with the emulator's
 * words in front, in out. */
static inline void target_argv(char *const argv[], char *out[TARGET_WORDS])
{
    size_t n = 0;
    for (const char *const *word = target_emulator; *word; word++)
        out[n++] = (char *)*word;
    for (size_t i = 0; argv[i] && i < TARGET_MAX_ARGS; i++)
        out[n++] = argv[i];
    out[n] = NULL;
}

/* Replaces this process with the target program argv[0] (a path), given
 * argv; returns only if that failed. */
static inline void target_exec(char *const argv[])
{
    char *words[TARGET_WORDS];
    target_argv(argv, words);
    execvp(words[0], words);
}

/* Runs the target program argv[0] (a path) with argv and waits for it,
 * as land_run does. */
static inline int target_run(char *const argv[])
{
    char *words[TARGET_WORDS];
    target_argv(argv, words);
    return system_run(words);
}

#endif
