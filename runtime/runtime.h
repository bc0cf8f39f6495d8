/* runtime/runtime.h
 * The runtime's internal interface, used by std/ (which implements the
 * public hot_* API on top of it) and by the runtime's tests. Every function
 * is thread-safe; none may be called from inside hot code that the runtime
 * is loading (a library constructor). Statuses are enum hot_status. */
#ifndef VAIS_HOT_RUNTIME_H
#define VAIS_HOT_RUNTIME_H

#include "printf_format.h"

#include <stdio.h>
#include <vais/hot_abi.h>
#include <vais/hot_status.h>

/* Manual mode: stop any background watching, then load path (NULL: the
 * program's own library) unless that library is already loaded. A first
 * load waits for a build that is still landing (loader.c's
 * first_load_locked). */
long hot__init(const char *path);

/* Reload if a new build landed: 1 reloaded, 0 nothing new, negative refused
 * (reported once per refused build; later calls say 0 until the next). */
long hot__check(void);

/* Load the library as it is now: 1 reloaded, negative refused. */
long hot__reload(void);

/* 0 before the first load, 1 after it, +1 per successful reload. */
long hot__version(void);

/* cb runs after each successful reload, on the thread that did it (in auto
 * mode the runtime's watcher thread), with no runtime lock held. */
void hot__on_reload(void (*cb)(long version));

/* cb runs before each reload (not the first load), once the new build has
 * passed every check and just before it is published, with the version
 * about to be replaced. It runs under the runtime's lock: it must not call
 * hot__init, hot__check, hot__reload, hot__cleanup or hot__start. */
void hot__before_reload(void (*cb)(long version));

/* From now on keep only the last versions (0: all, the default) mapped; the
 * older ones are unloaded at the next safe point. */
void hot__keep(long versions);

/* The program declares that no thread runs code of, or holds a pointer into,
 * any version but the published one: versions beyond hot__keep's bound are
 * unloaded. hot__check is a safe point too. Returns how many were unloaded. */
long hot__safe_point(void);

/* Auto mode: load now if nothing is loaded, then watch for new builds in the
 * background. */
long hot__auto(void);

/* Auto mode, plus a background builder that runs the manifest's rebuild
 * command whenever a hot source or source_path (a file or a directory; NULL
 * for none) changes. */
long hot__start(const char *source_path);

/* Stops hot__start's builder, ending a build under way. hot_cleanup calls
 * it before hot__cleanup. */
void hot__stop_builder(void);

/* The manifest the stubs registered, or NULL in a program without them. */
const struct hot_abi_manifest *hot__manifest(void);

/* Runs fn(arg) guarded: if it faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGABRT) in hot code's own frames, the published version rolls back to
 * the one before and HOT_E_CRASHED is returned; with no earlier version, or
 * for a fault in what hot code called, the program dies of the signal,
 * after saying why. Otherwise *result (if not NULL) gets fn's value and
 * HOT_OK is returned. Frames are per thread. */
long hot__guarded_call(long (*fn)(void *arg), void *arg, long *result);

/* Whether hot_loop guards its calls (off until turned on). */
void hot__guard_loop(int on);
int hot__loop_guarded(void);

/* Whether the guard may roll back: a guarded call or hot_guard(1) was made.
 * Then hot_keep keeps the version a rollback would return to as well. */
int hot__guard_in_use(void);

/* For the guard, after it caught a fault in the hot library copy at path
 * library, at pc, in function as the system names it (the nearest exported
 * one, or "a static function"): republishes the version before it. Returns
 * HOT_E_CRASHED when the program can carry on (rolled back, or the crash was
 * in a version no longer current), HOT_E_NO_ROLLBACK when nothing earlier is
 * kept. Says which in one event line, naming the function pc is in as its
 * build's debug information does where it can (a static one with its
 * file). */
long hot__rollback(const char *library, const void *pc, const char *function,
                   const char *signal_name);

/* Removes the private copies before the process ends (at exit, or before
 * it dies of a signal); the mapped versions keep running. */
void hot__remove_private_dir(void);

/* The directory of the private copies, "" before the first load. Read
 * without the lock: it changes only at the first load and at cleanup. */
const char *hot__private_dir(void);

/* Stop watching, unmap every version and remove the private copies; the next
 * hot call loads afresh. No thread may be running hot code, and hot__start's
 * builder must be stopped (hot__stop_builder). */
long hot__cleanup(void);

/* 1 if this thread holds the loader's lock: what the functions that need
 * it assert (redirect.h, persist.h), in builds with assertions. */
int hot__loader_locked(void);

/* Sets the text hot__last_error returns, for failures found outside the
 * loader; returns status. */
long hot__fail(long status, const char *format, ...) HOT_PRINTF_FORMAT(2, 3);

/* The text of the last error, valid until this thread calls again. */
const char *hot__last_error(void);

/* Event lines go to stream; NULL silences them. Default stderr. */
void hot__set_log(FILE *stream);

/* Called by hot__lazy_entry with the slot index of the function called:
 * loads the library in auto mode if nothing is loaded, and returns the code
 * to run. Does not return when no version can be loaded. */
HOT_ABI_HIDDEN hot_abi_code hot__lazy_resolve(unsigned index);

#endif
