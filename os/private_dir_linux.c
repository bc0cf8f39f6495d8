/* os/private_dir_linux.c
 * The private directory of a running program, where its private copies of
 * the hot library live, and the sweep of those that programs which no
 * longer run left behind. Invariants:
 * - A directory is ours while a lock on its "lock" file is held: the lock
 *   belongs to the open file, so it holds across PID namespaces, ends with
 *   every way a process can end, and ends at exec (the file is opened
 *   close-on-exec), when the new image may sweep it.
 * - The sweep never follows a symbolic link below the base directory,
 *   works through descriptors of what it checked, and removes only names
 *   this file writes ("lock", "<number>-<name>"); a directory that holds
 *   anything else stays.
 * - The signals that end a process by default (Ctrl-C, SIGTERM, SIGHUP,
 *   SIGPIPE...), while the program leaves them so, remove the directory
 *   before the process ends. */
#define _GNU_SOURCE
#include "os.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define LOCK_NAME "lock"
#define YOUNG_SECONDS 60 /* a directory without a lock this young may be being made */

/* This process's private directory: lock_fd is -1 while there is none. */
static struct {
    int lock_fd;     /* its lock, held */
    pid_t owner;     /* the process that made it (a forked child is not it) */
    char path[4096]; /* in a directory no other user may rearrange */
} P = {-1, 0, ""};

/* Is name one this file writes into a private directory? */
static int our_name(const char *name)
{
    if (strcmp(name, LOCK_NAME) == 0)
        return 1;
    const char *p = name;
    while (*p >= '0' && *p <= '9')
        p++;
    return p > name && *p == '-' && p[1] != '\0';
}

/* Removes the names this file writes from the directory dir_fd, with
 * nothing but system calls (a signal handler runs it). */
static void remove_ours(int dir_fd)
{
    char buffer[4096];
    for (;;) {
        long got = syscall(SYS_getdents64, dir_fd, buffer, sizeof buffer);
        if (got <= 0)
            break;
        int removed = 0;
        for (long at = 0; at < got;) {
            /* struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name */
            unsigned short length;
            memcpy(&length, buffer + at + 16, sizeof length);
            const char *name = buffer + at + 19;
            if (our_name(name) && unlinkat(dir_fd, name, 0) == 0)
                removed = 1;
            at += length;
        }
        if (removed) /* entries moved: read from the start again */
            lseek(dir_fd, 0, SEEK_SET);
    }
}

/* Removes this process's private directory; only system calls. */
static void remove_own(void)
{
    if (P.lock_fd < 0)
        return;
    int dir_fd = open(P.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir_fd >= 0) {
        remove_ours(dir_fd);
        close(dir_fd);
    }
    rmdir(P.path);
    close(P.lock_fd);
    P.lock_fd = -1;
}

void hot__os_private_dir_remove(void)
{
    if (P.owner == getpid())
        remove_own();
}

/* The default action of these signals ends the process without its exit
 * handlers: the directory goes first, then the signal ends it as before.
 * (A crash's directory is swept at the next start: its lock ends too.) */
static const int ending_signals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGPIPE,
                                     SIGALRM, SIGTERM, SIGUSR1, SIGUSR2};

static void remove_and_end(int sig)
{
    int saved = errno;
    if (P.owner == getpid())
        remove_own();
    errno = saved;
    raise(sig); /* SA_RESETHAND made its action the default again */
}

static void watch_ending_signals(void)
{
    for (size_t i = 0; i < sizeof ending_signals / sizeof *ending_signals; i++) {
        struct sigaction now, ours;
        if (sigaction(ending_signals[i], NULL, &now) != 0 || now.sa_handler != SIG_DFL ||
            (now.sa_flags & SA_SIGINFO))
            continue; /* the program's own handler ends it its way, with exit */
        memset(&ours, 0, sizeof ours);
        ours.sa_handler = remove_and_end;
        ours.sa_flags = SA_RESETHAND;
        sigemptyset(&ours.sa_mask);
        sigaction(ending_signals[i], &ours, NULL);
    }
}

/* Has the directory fd, without a lock, an owner that may still run: its
 * pid answers (in this PID namespace), or it is too young to tell? */
static int may_run(int fd, const char *name, size_t prefix_len)
{
    long pid = strtol(name + prefix_len, NULL, 10);
    if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
        return 1;
    struct stat st;
    return fstat(fd, &st) != 0 || time(NULL) - st.st_mtime < YOUNG_SECONDS;
}

/* Removes, from the directory base_fd, the private directories
 * "<prefix><pid>-*" whose programs no longer run (killed before their exit
 * handlers ran): ours (owner, mode 0700), not locked, and only what we
 * wrote in them. */
static void sweep(int base_fd, const char *prefix)
{
    int list_fd = openat(base_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = list_fd >= 0 ? fdopendir(list_fd) : NULL;
    size_t prefix_len = strlen(prefix);
    if (!dir) {
        if (list_fd >= 0)
            close(list_fd);
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name, *p = name + prefix_len;
        if (strncmp(name, prefix, prefix_len) != 0 || !(*p >= '0' && *p <= '9'))
            continue;
        while (*p >= '0' && *p <= '9')
            p++;
        struct stat seen, opened;
        if (*p != '-' || fstatat(base_fd, name, &seen, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISDIR(seen.st_mode) || seen.st_uid != geteuid() || (seen.st_mode & 0777) != 0700)
            continue;
        int fd = openat(base_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            continue;
        int lock = openat(fd, LOCK_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        int ended =
            fstat(fd, &opened) == 0 && opened.st_dev == seen.st_dev &&
            opened.st_ino == seen.st_ino &&
            (lock >= 0 ? flock(lock, LOCK_EX | LOCK_NB) == 0 : !may_run(fd, name, prefix_len));
        if (ended) {
            remove_ours(fd);
            unlinkat(base_fd, name, AT_REMOVEDIR); /* stays if anything else is in it */
        }
        if (lock >= 0)
            close(lock);
        close(fd);
    }
    closedir(dir);
}

/* Why the directory fd cannot hold private directories, or NULL if it
 * can: it must be a directory on a file system that may hold code and has
 * room for copies copies of a library of size bytes, that no other user
 * may rearrange (the user's or root's, and sticky or writable by its
 * owner alone). */
static const char *unusable(int fd, unsigned long long size, unsigned copies)
{
    unsigned long long need = size * copies;
    static char why[128];
    struct stat st;
    struct statvfs fs;
    if (fd < 0)
        return errno == ENOENT ? "does not exist" : strerror(errno);
    if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode))
        return "is not a directory";
    if (!(st.st_mode & S_ISVTX) && (st.st_mode & 022))
        return "is writable by others and not sticky";
    if (st.st_uid != geteuid() && st.st_uid != 0) { /* sticky or not, its owner may rename */
        snprintf(why, sizeof why, "belongs to another user (uid %ld), who may rename what is in it",
                 (long)st.st_uid);
        return why;
    }
    if (fstatvfs(fd, &fs) == 0 && (fs.f_flag & ST_NOEXEC))
        return "is on a noexec mount, where no library can be loaded";
    if (fstatvfs(fd, &fs) == 0 && (fs.f_flag & ST_RDONLY))
        return "is read-only";
    if (fstatvfs(fd, &fs) == 0 && (unsigned long long)fs.f_bavail * fs.f_frsize < need) {
        snprintf(why, sizeof why,
                 "has too little room (%llu KiB free; %u copies of the library take %llu KiB)",
                 (unsigned long long)fs.f_bavail * fs.f_frsize / 1024, copies,
                 (need + 1023) / 1024);
        return why;
    }
    return NULL;
}

/* Makes a private directory in the usable directory base_fd (its path
 * base), locks it and makes it this process's. Returns 0, or -1 with why
 * in err, phrased to follow base's name. */
static int make_private(int base_fd, const char *base, const char *prefix, char *out, size_t outlen,
                        char *err, size_t errlen)
{
    char name[64];
    int n = snprintf(name, sizeof name, "%s%ld-XXXXXX", prefix, (long)getpid());
    int m = snprintf(out, outlen, "%s/%s", base, name);
    if (n < 0 || (size_t)n >= sizeof name || m < 0 || (size_t)m >= outlen ||
        (size_t)m >= sizeof P.path) {
        snprintf(err, errlen, "makes too long a path");
        return -1;
    }
    if (!mkdtemp(out)) { /* mkdtemp makes it 0700 */
        snprintf(err, errlen, "cannot hold a new directory (%s)", strerror(errno));
        return -1;
    }
    memcpy(name + n - 6, out + m - 6, 6); /* the name mkdtemp chose */
    int dir_fd = openat(base_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int lock_fd = dir_fd < 0 ? -1
                             : openat(dir_fd, LOCK_NAME,
                                      O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen, "cannot lock a new directory (%s)", strerror(errno));
        if (lock_fd >= 0)
            close(lock_fd);
        if (dir_fd >= 0) {
            unlinkat(dir_fd, LOCK_NAME, 0);
            close(dir_fd);
        }
        unlinkat(base_fd, name, AT_REMOVEDIR);
        return -1;
    }
    close(dir_fd);
    if (P.owner != getpid() && P.lock_fd >= 0) /* a parent's, through fork: its own */
        close(P.lock_fd);
    else
        hot__os_private_dir_remove(); /* one hot_cleanup left, if any */
    P.lock_fd = lock_fd;
    P.owner = getpid();
    memcpy(P.path, out, (size_t)m + 1);
    watch_ending_signals();
    return 0;
}

/* A directory the private directory may go in: its path, what to call it
 * when it is passed over, how many copies of the library it must have room
 * for, and whether passing it over goes unsaid (when another is used). */
struct candidate {
    const char *path, *label;
    unsigned copies;
    int unsaid;
};

int hot__os_private_dir(const char *prefix, const char *library, unsigned copies_kept, char *out,
                        size_t outlen, char *note, size_t notelen, char *err, size_t errlen)
{
    const char *tmpdir = getenv("TMPDIR"), *runtime = getenv("XDG_RUNTIME_DIR");
    char beside[4096];
    const char *slash = strrchr(library, '/');
    int length = slash ? snprintf(beside, sizeof beside, "%.*s/.vais-hot",
                                  (int)(slash == library ? 1 : slash - library), library)
                       : snprintf(beside, sizeof beside, ".vais-hot");
    if (length < 0 || (size_t)length >= sizeof beside)
        beside[0] = '\0';
    /* A TMPDIR the user set is used first. Without one, a file system in
     * memory comes before /tmp: a copy never needs a disk, and one written
     * to a disk can wait for the build's own writes to reach it. As it is
     * memory, it is used only with room for eight times the copies kept:
     * every older version that stays mapped keeps what is mapped of its
     * copy there too. /dev/shm is passed over without a word, since nobody
     * chose it. */
    unsigned in_memory = 8 * copies_kept;
    struct candidate candidates[4];
    size_t count = 0;
    if (tmpdir && *tmpdir)
        candidates[count++] = (struct candidate){tmpdir, "TMPDIR", 2, 0};
    if (runtime && *runtime)
        candidates[count++] =
            (struct candidate){runtime, "XDG_RUNTIME_DIR", tmpdir && *tmpdir ? 2 : in_memory, 0};
    if (!(tmpdir && *tmpdir)) {
        candidates[count++] = (struct candidate){"/dev/shm", "/dev/shm", in_memory, 1};
        candidates[count++] = (struct candidate){"/tmp", "/tmp", 2, 0};
    }
    if (beside[0])
        candidates[count++] = (struct candidate){beside, "the directory beside the library", 2, 0};
    assert(count <= sizeof candidates / sizeof *candidates);
    struct stat st;
    unsigned long long size = stat(library, &st) == 0 ? (unsigned long long)st.st_size : 0;
    char said[1024] = "", refused[1280] = "", why_not[512];
    note[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        const struct candidate *c = &candidates[i];
        int made = c->path != beside || mkdir(beside, 0700) == 0 || errno == EEXIST;
        int base_fd = made ? open(c->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        const char *why = made ? unusable(base_fd, size, c->copies) : strerror(errno);
        if (!why) {
            sweep(base_fd, prefix);
            if (make_private(base_fd, c->path, prefix, out, outlen, why_not, sizeof why_not) == 0) {
                close(base_fd);
                if (said[0])
                    snprintf(note, notelen, "private copies go to '%s', as %s", c->path, said);
                return 0;
            }
            why = why_not;
        }
        size_t used = strlen(refused), told = strlen(said);
        snprintf(refused + used, sizeof refused - used, "%s%s '%s' %s", used ? "; " : "", c->label,
                 c->path, why);
        if (!c->unsaid)
            snprintf(said + told, sizeof said - told, "%s%s '%s' %s", told ? "; " : "", c->label,
                     c->path, why);
        if (base_fd >= 0)
            close(base_fd);
    }
    snprintf(err, errlen, "no directory can hold the private copies: %s", refused);
    return -1;
}
