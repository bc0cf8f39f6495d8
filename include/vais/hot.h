/* include/vais/hot.h
 * The C API of vais-hot, the counterpart of the Vais language's std/hot.vais.
 * A program needs none of it (auto mode reloads by itself); with it, the
 * program chooses when to reload. In HOT OFF builds every call links and
 * does nothing, and hot_version() is 0. */
#ifndef VAIS_HOT_H
#define VAIS_HOT_H

#include <stdio.h>
#include <vais/hot_status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Manual mode: load the hot library (NULL: this program's own), waiting up to
 * 120 s for a build of it that is still landing. From now on nothing changes
 * until hot_check() or hot_reload(). 0 or negative. */
long hot_init(const char *path);

/* Reload if a new build landed: 1 reloaded, 0 nothing new, negative refused
 * (once per refused build; the old code keeps running). */
long hot_check(void);

/* Reload now: 1 reloaded, negative refused (the old code keeps running). */
long hot_reload(void);

/* 1 after the first load, +1 per successful reload; 0 in HOT OFF builds. */
long hot_version(void);

/* cb(version) runs after each successful reload: in auto mode on the
 * runtime's watcher thread, in manual mode inside hot_check/hot_reload. */
long hot_on_reload(void (*cb)(long version));

/* cb(version) runs before each reload, with the version about to be
 * replaced, once the new build passed every check: the moment to hand state
 * over. It runs inside the reload, as a hot library's constructors do:
 * there hot_init, hot_check, hot_reload, hot_safe_point, hot_cleanup,
 * hot_start and hot_loop return HOT_E_REENTERED (they would wait for the
 * reload under way), and the other calls work. */
long hot_before_reload(void (*cb)(long version));

/* Old versions stay mapped (default, versions = 0), or only the last
 * `versions` of them, the older unloaded at hot_safe_point(); with the guard
 * in use, also the version a crash would roll back to. */
long hot_keep(long versions);

/* The program declares that no thread runs code of an old version, nor holds
 * a pointer into one (a function pointer, a string literal, a destructor the
 * hot code registered): versions beyond hot_keep's bound are unloaded now,
 * and only here. Returns how many were unloaded. */
long hot_safe_point(void);

/* Crash rollback, opt-in: with on = 1, each call hot_loop makes to update is
 * guarded as by hot_call_guarded, and a crashed iteration is skipped. */
long hot_guard(long on);

/* Runs fn(arg); if it faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP or abort) with
 * hot code on the stack, the hot code rolls back to the version before, an
 * event line names the function and the signal, and HOT_E_CRASHED is
 * returned; with no earlier version kept the program dies of the signal.
 * Otherwise *result (if not NULL) gets fn's value and 0 is returned. The
 * state is per thread: a fault outside a guarded call is not touched. What
 * the faulting code left half-done (a lock held, a half-written struct)
 * stays so. */
long hot_call_guarded(long (*fn)(void *arg), void *arg, long *result);

/* Stop watching (and hot_start's builder, ending a build under way), unload
 * every version, remove the private copies. No thread may be running hot
 * code; the next hot call loads afresh. */
long hot_cleanup(void);

/* Auto mode (load now, reload in the background as builds land), and a
 * builder thread that rebuilds the hot library, in the program's own
 * configuration, whenever one of its hot sources, or the file at
 * source_path (NULL: none), is saved. HOT_OK, or HOT_E_WATCH (or
 * HOT_E_NO_MEMORY) when the builder cannot start (auto mode runs all the
 * same). */
long hot_start(const char *source_path);

/* Calls update until it returns non-zero, checking for a new build before
 * each call; returns that value. Guarded after hot_guard(1). */
long hot_loop(long (*update)(void));

/* The text of the error that stands: why the newest build is not the one
 * running, e.g. "'step' changed signature int(int) -> long(long); rebuild
 * 'game' and restart to use it", or why the last call failed. "" if none,
 * as once a build loads. */
const char *hot_last_error(void);

/* Event lines ("vais-hot: reloaded v2 ...") go to stream; NULL silences. */
void hot_log_to(FILE *stream);

#ifdef __cplusplus
}
#endif

#endif
