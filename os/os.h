/* os/os.h
 * The seam to the operating system of the runtime and the vais-hot
 * command: files and directories, private directories, the dynamic
 * loader, code pages, signal masks, clocks, change notification and
 * processes. Each system has its own implementations: os_<system>.c,
 * os_process_<system>.c and private_dir_<system>.c, for linux and windows.
 * Invariant: no other file of the runtime or of the vais-hot command
 * includes an operating system's header, but <pthread.h> (threads and
 * locks, which mingw-w64 has too), the crash guard (runtime/guard_posix.c
 * and guard_windows.c, a seam of its own) and the code of one target or
 * processor (runtime/lazy_<target>.c, patch_<processor>.c). The ELF
 * format's records are vais-hot's own (runtime/elf_format.h): no <elf.h>. */
#ifndef VAIS_HOT_OS_H
#define VAIS_HOT_OS_H

#include <stddef.h>
#include <stdint.h>

/* What identifies one version of a file on disk. */
struct hot__file_id {
    long long size;            /* bytes */
    long long mtime_ns;        /* modification time, ns since the epoch */
    unsigned long long inode;  /* inode number */
    unsigned long long device; /* device number */
};

/* Are a and b the same version of a file? */
static inline int hot__file_id_equal(const struct hot__file_id *a, const struct hot__file_id *b)
{
    return a->size == b->size && a->mtime_ns == b->mtime_ns && a->inode == b->inode &&
           a->device == b->device;
}

/* Fills *id for path. Returns 0, or -1 with errno's text in err. */
int hot__os_file_id(const char *path, struct hot__file_id *id, char *err, size_t errlen);

/* Does the identity a stamp gives a file (written by the vais-hot command,
 * maybe on another system: a Windows program built on Linux) name the
 * version of the file that now has? Where the stamp's writer and the
 * program see the same identities, only an equal one does; elsewhere what
 * both see (size and write time). */
int hot__os_stamp_names(const struct hot__file_id *stamped, const struct hot__file_id *now);

/* What a path names. */
enum hot__os_kind {
    HOT_OS_NOTHING,   /* nothing (or what cannot be seen) */
    HOT_OS_FILE,      /* a regular file */
    HOT_OS_DIRECTORY, /* a directory */
    HOT_OS_OTHER,     /* a FIFO, a device, a socket; a symbolic link, not followed */
};

/* What path names, following a symbolic link at its end when follow. */
enum hot__os_kind hot__os_kind(const char *path, int follow);

/* Calls visit(ctx, name) for each entry of directory dir but "." and "..",
 * in no order, until one returns nonzero. Returns that, 0 after the last,
 * or -1 if dir cannot be read. */
int hot__os_each_entry(const char *dir, int (*visit)(void *ctx, const char *name), void *ctx);

/* Makes directory path (0777 less the umask), or finds one there. 0, or -1
 * with why in err. */
int hot__os_make_dir(const char *path, char *err, size_t errlen);

/* The time of day, ns since the epoch (file times are on that clock). */
long long hot__os_wall_ns(void);

/* 1 if the file at path was last changed no later than this program's own
 * file (as it was when this process started); 0 if later or unknown. */
int hot__os_older_than_program(const char *path);

/* 1 if the program's file was replaced or changed since this process
 * started (a build relinked it while it ran), 0 if not or unknown. */
int hot__os_program_rebuilt(void);

/* What reading or copying a file that must be trusted comes to when it
 * does not succeed, with why in err. */
enum hot__os_file_failure {
    HOT_OS_FILE_MISSING = -1,   /* missing, or not a regular file: a build would make it */
    HOT_OS_FILE_UNSAFE = -2,    /* others may write it, or rearrange a directory above it */
    HOT_OS_FILE_STOPPED = -3,   /* this machine stops it: descriptors, permission, a full disk */
    HOT_OS_FILE_TOO_LARGE = -4, /* it holds more than was asked for */
    HOT_OS_FILE_NO_MEMORY = -5,
};

/* Reads at most size-1 bytes from the start of path into buf and puts a NUL
 * after them, from the file it opened once and checked: a regular file
 * (opening never blocks) that nobody but the user and root may write; its
 * identity goes to *id. Returns how many, or an hot__os_file_failure. */
long hot__os_read_prefix(const char *path, void *buf, size_t size, struct hot__file_id *id,
                         char *err, size_t errlen);

/* Reads the whole of path, if it holds at most max bytes, into a new
 * *bytes (with a NUL after them), from the file it opened once and checked
 * as hot__os_read_prefix does; its identity goes to *id. Returns how many
 * bytes, or an hot__os_file_failure (HOT_OS_FILE_TOO_LARGE: *id tells how
 * many it holds). */
long hot__os_read_file(const char *path, size_t max, unsigned char **bytes, struct hot__file_id *id,
                       char *err, size_t errlen);

/* Maps path read-only, if it is a regular file (opened without waiting: a
 * FIFO is refused at once). Returns its bytes, with their count in *size,
 * or NULL with errno's text in err. Nothing may truncate the file meanwhile:
 * use it on files no one else writes (a private copy, the running program). */
const unsigned char *hot__os_map_file(const char *path, size_t *size, char *err, size_t errlen);

void hot__os_unmap_file(const unsigned char *bytes, size_t size);

/* A path the running program's own executable file can be opened by. */
const char *hot__os_program_path(void);

/* The path of the file the running program was started from, where files
 * beside it are found, in path[0..size). Returns 0, or -1 if it cannot be
 * told or does not fit. (On Linux, a program whose file was replaced
 * since it started has " (deleted)" after its path.) */
int hot__os_program_file(char *path, size_t size);

/* Reads src, the file it opened once and checked as hot__os_read_prefix
 * does, whole into *bytes (grown as needed to *capacity, which the caller
 * keeps or frees), *size of them. Reports the identity of src before the
 * read began in *before and once it ended in *after; they differ when src
 * was rewritten meanwhile. Returns 0, or an hot__os_file_failure
 * (HOT_OS_FILE_UNSAFE also for a directory above src that is not the
 * user's or root's, or writable by others and not sticky). */
int hot__os_read_library(const char *src, unsigned char **bytes, size_t *capacity, size_t *size,
                         struct hot__file_id *before, struct hot__file_id *after, char *err,
                         size_t errlen);

/* Writes bytes[0..size) to dst, a new file only the user may use (mode
 * 0700; the user's alone on Windows), made for them: a private copy.
 * Returns 0, or HOT_OS_FILE_STOPPED with why in err (dst's directory
 * named) and no file left. Touches nothing else: any thread may call it. */
int hot__os_write_copy(const char *dst, const unsigned char *bytes, size_t size, char *err,
                       size_t errlen);

/* Creates this process's private directory, one only the user can enter,
 * named "<prefix><pid>-XXXXXX", for the copies of library, of which at
 * most copies_kept stay, and writes its path to out: under $TMPDIR, else
 * $XDG_RUNTIME_DIR, else ".vais-hot" beside library (made for the user
 * alone); with no $TMPDIR set, under $XDG_RUNTIME_DIR, /dev/shm, /tmp, else
 * beside library. It is the first that exists, may hold code (not noexec
 * or read-only), has room for two copies of library as it is now (for
 * eight times copies_kept where a file system in memory comes first, for
 * speed: what older versions map stays there too), and that no other user
 * may rearrange (the user's or root's, and sticky or writable by its owner
 * alone). When one before it other than /dev/shm was passed over, note
 * says which is used and why (else it is ""). First
 * removes what programs that no longer run left there. It is removed at
 * hot__os_private_dir_remove, and by the signals whose default action ends
 * the process (Ctrl-C, SIGTERM, SIGHUP, SIGPIPE...) while the program leaves
 * them so. Returns 0, or -1 with why in err. */
int hot__os_private_dir(const char *prefix, const char *library, unsigned copies_kept, char *out,
                        size_t outlen, char *note, size_t notelen, char *err, size_t errlen);

/* Removes this process's private directory and what it wrote in it; not a
 * parent's, inherited through fork. */
void hot__os_private_dir_remove(void);

/* Removes the file at path, if it exists. */
void hot__os_remove_file(const char *path);

/* A range of a file's bytes. */
struct hot__os_extent {
    unsigned long long offset, length;
};

/* Removes the file at path, whose extents keep[0..count) (in file order)
 * are mapped: first gives back the room of every other byte, where the
 * file system can, as a mapped file's room is held until it is unmapped. */
void hot__os_remove_file_but_mapped(const char *path, const struct hot__os_extent *keep,
                                    size_t count);

/* 1 if the system's dynamic loader applies packed relative relocations
 * (DT_RELR, `-z pack-relative-relocs`), or refuses a library that has them
 * itself; 0 if it would load one and leave its pointers unrelocated. */
int hot__os_loader_applies_packed_relocations(void);

/* The format of the shared libraries this system's loader loads, as
 * hot__image_format names it ("ELF"). */
const char *hot__os_library_format(void);

/* Opens a shared library with every symbol bound now, its symbols private.
 * Returns a handle, or NULL with the loader's text in err. */
void *hot__os_library_open(const char *path, char *err, size_t errlen);

/* Loads each of libraries[0..count) (names a build's file gives) that is
 * not loaded yet and lies in the program's own folder, from there: Windows
 * looks for a DLL's imports from its own folder, which for a copy is the
 * private directory, and leaves the program's out, where a DLL the program
 * links but only hot code calls lies. Names with a directory in them are
 * passed over. Does nothing where a library's needs are looked for as the
 * program's are (ELF). */
void hot__os_load_program_libraries(const char *const *libraries, size_t count);

/* Of the symbols names[0..count), the index of the first one that neither
 * the program's global scope nor the libraries[0..nlibs) (by the name a
 * library's DT_NEEDED gives) define; count if all are defined; SIZE_MAX if
 * that cannot be told, as one of those libraries is not loaded yet. A
 * program among the libraries that is not the running one (a Windows DLL
 * importing from another .exe: its build's, renamed since) defines none:
 * loading it would map a second copy of a program, with its own state. */
size_t hot__os_first_undefined(const char *const *names, size_t count, const char *const *libraries,
                               size_t nlibs);

/* The address of symbol name in handle, or NULL. */
void *hot__os_library_symbol(void *handle, const char *name);

/* Unmaps the library; nothing may run in it afterwards. */
void hot__os_library_close(void *handle);

/* 1 if the file of a loaded library can be removed (its name goes, what
 * is mapped stays: Linux); 0 if the system refuses while it is loaded
 * (Windows), so that a private directory goes only once its libraries are
 * closed. */
int hot__os_removes_loaded_libraries(void);

/* Sets *bias to what to add to an address the library was linked at to get
 * the address it runs at (0 where it runs where it was linked, as a DLL may).
 * Returns 0, or -1 if that cannot be told. */
int hot__os_library_bias(void *handle, uintptr_t *bias);

/* Makes the code pages holding [start, start + size) writable too
 * (writable 1), or executable and read-only again (0). Threads may run in
 * them meanwhile. Returns 0, or -1 with why in err. */
int hot__os_code_writable(void *start, size_t size, int writable, char *err, size_t errlen);

/* Makes the data pages holding [start, start + size) writable (1), or
 * read-only again (0). Returns 0, or -1 with why in err. */
int hot__os_data_writable(void *start, size_t size, int writable, char *err, size_t errlen);

/* size bytes of new zeroed, writable pages (size a multiple of the page
 * size), or NULL with why in err. */
void *hot__os_pages_new(size_t size, char *err, size_t errlen);
/* Makes pages from hot__os_pages_new executable and read-only. 0, or -1. */
int hot__os_pages_seal(void *start, size_t size, char *err, size_t errlen);
void hot__os_pages_free(void *start, size_t size);
/* The page size (asked of the system once). */
size_t hot__os_page_size(void);

/* This process's id. */
long hot__os_pid(void);

/* Runs prepare before each fork() of this process, and parent and child
 * after it in each (any may be NULL); on a system without fork(), never. */
void hot__os_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void));

/* A thread's signal mask, as hot__os_block_signals saved it. */
struct hot__os_signal_mask {
    unsigned long long bits[16];
};

/* Blocks, on this thread, every signal a program may handle when it
 * arrives (not the faults: those are the guard's, and cannot wait), and
 * saves the mask it had in *saved; hot__os_restore_signals puts it back. */
void hot__os_block_signals(struct hot__os_signal_mask *saved);
void hot__os_restore_signals(const struct hot__os_signal_mask *saved);

/* A monotonic clock in nanoseconds. */
long long hot__os_now_ns(void);

/* Pauses the calling thread for ms milliseconds. */
void hot__os_sleep_ms(int ms);

/* Change notification for a set of paths. A file is watched through its
 * directory, so a file replaced by rename, or unlinked and created again, is
 * seen as well as one rewritten in place; a directory path sees any file in
 * it change. A watched directory removed or renamed away counts as a change,
 * and its path is watched again as soon as it names a directory. */
struct hot__watch;

/* Starts watching paths[0..count). Returns NULL with text in err when it
 * cannot. */
struct hot__watch *hot__os_watch_open(const char *const *paths, size_t count, char *err,
                                      size_t errlen);

/* Blocks until a watched path may have changed (1), timeout_ms passed (0), or
 * hot__os_watch_wake was called (-1); with timeout_ms 0, only looks. Safe
 * against spurious wake-ups: a caller re-checks the file anyway. While a
 * watched directory's path names none, each timeout returns 1. */
int hot__os_watch_wait(struct hot__watch *watch, int timeout_ms);

/* Makes a current or next hot__os_watch_wait return -1; callable from any
 * thread. */
void hot__os_watch_wake(struct hot__watch *watch);

/* Releases the watch; no thread may be waiting on it. */
void hot__os_watch_close(struct hot__watch *watch);

/* Processes, for the builders and `vais-hot watch` (os_process_linux.c):
 * children started without waiting, signalled, and waited for with a
 * deadline. */

/* The signals the watcher sends. */
enum hot__os_signal {
    HOT__OS_TERMINATE, /* SIGTERM */
    HOT__OS_KILL       /* SIGKILL */
};

/* Starts argv[0] with argv and our environment and stdio (its stdout on
 * our stderr, with output_to_stderr), and does not wait. argv[0] without a
 * '/' is looked up in PATH. With own_group the child leads a new process
 * group, so that hot__os_signal can reach its own children too. Returns
 * the child's pid, or -1 with text in err. */
long hot__os_spawn(const char *const *argv, int own_group, int output_to_stderr, char *err,
                   size_t errlen);

/* Runs argv like hot__os_spawn, its stdout (and its stderr too, with
 * with_stderr; else the stderr is ours) captured into *out (NUL-ended; the
 * caller frees it), and waits for it. Returns its exit status, or -1 with
 * text in err when it could not run. */
int hot__os_capture(const char *const *argv, int with_stderr, char **out, char *err, size_t errlen);

/* Waits for the child pid to end, for at most timeout_ms (negative: no
 * limit). Returns 1 with *status set (exit code, or 128+signal), 0 if it
 * still runs when the time is up or a caught signal interrupted the wait,
 * and -1 when pid is no child of ours (already reaped included). */
int hot__os_wait(long pid, int timeout_ms, int *status);

/* Sends sig to the child pid, or to its whole process group when group (it
 * must have been started with own_group). A child already gone is fine. */
void hot__os_signal(long pid, int group, enum hot__os_signal sig);

/* Stops the child pid (with group, what its group started too): SIGTERM,
 * then SIGKILL after grace_ms. Returns once it has ended. */
void hot__os_stop(long pid, int group, int grace_ms);

/* Catches SIGINT, SIGTERM and SIGHUP for the whole process, and the end of
 * any child: each wakes watch (NULL: nothing) from hot__os_watch_wait.
 * Call again to wake another watch; the old one may then be closed. */
void hot__os_catch_signals(struct hot__watch *watch);

/* 128 + the number of the first stop signal caught, or 0 if none came. */
int hot__os_caught_signal(void);

#endif
