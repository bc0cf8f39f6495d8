/* os/os_linux.c
 * os.h for Linux: stat, read/write copies, mkdtemp, dlopen and inotify.
 * Invariant: every function reports failure through its return value and
 * err text; none prints, exits or leaves a descriptor open on any path. */
#define _GNU_SOURCE
#include "os.h"

#include "copy_buffer.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <link.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static void set_err(char *err, size_t errlen, const char *what, const char *path)
{
    snprintf(err, errlen, "%s '%s': %s", what, path, strerror(errno));
}

static void id_from_stat(const struct stat *st, struct hot__file_id *id)
{
    id->size = (long long)st->st_size;
    id->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    id->inode = (unsigned long long)st->st_ino;
    id->device = (unsigned long long)st->st_dev;
}

int hot__os_file_id(const char *path, struct hot__file_id *id, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        set_err(err, errlen, "cannot stat", path);
        return -1;
    }
    id_from_stat(&st, id);
    return 0;
}

int hot__os_stamp_names(const struct hot__file_id *stamped, const struct hot__file_id *now)
{
    return hot__file_id_equal(stamped, now);
}

enum hot__os_kind hot__os_kind(const char *path, int follow)
{
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) != 0)
        return HOT_OS_NOTHING;
    return S_ISREG(st.st_mode)   ? HOT_OS_FILE
           : S_ISDIR(st.st_mode) ? HOT_OS_DIRECTORY
                                 : HOT_OS_OTHER;
}

int hot__os_each_entry(const char *dir, int (*visit)(void *ctx, const char *name), void *ctx)
{
    DIR *handle = opendir(dir);
    if (!handle)
        return -1;
    int stop = 0;
    for (struct dirent *e; !stop && (e = readdir(handle)) != NULL;) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            stop = visit(ctx, e->d_name);
    }
    closedir(handle);
    return stop;
}

int hot__os_make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    set_err(err, errlen, "cannot create directory", path);
    return -1;
}

long long hot__os_wall_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* The running program's file as this process started: its path, and what
 * it was (open() of /proc/self/exe gives the program's file even under an
 * emulator, qemu-user, whose stat() would see the emulator's). */
static struct {
    int known;
    char path[4096];
    struct stat as_started;
} program;

__attribute__((constructor)) static void know_program_at_start(void)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    program.known = fd >= 0 && fstat(fd, &program.as_started) == 0 &&
                    hot__os_program_file(program.path, sizeof program.path) == 0;
    if (fd >= 0)
        close(fd);
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

int hot__os_older_than_program(const char *path)
{
    struct stat file;
    if (!program.known || stat(path, &file) != 0)
        return 0;
    const struct timespec *built = &program.as_started.st_mtim;
    return file.st_mtim.tv_sec < built->tv_sec ||
           (file.st_mtim.tv_sec == built->tv_sec && file.st_mtim.tv_nsec <= built->tv_nsec);
}

int hot__os_program_rebuilt(void)
{
    /* A linker replaces the file (a running one cannot be written): the
     * path then names another, and /proc/self/exe says " (deleted)". */
    struct stat now;
    const struct stat *then = &program.as_started;
    return program.known && stat(program.path, &now) == 0 &&
           (now.st_dev != then->st_dev || now.st_ino != then->st_ino ||
            !same_time(&now.st_mtim, &then->st_mtim));
}

/* 1 if gid is the user's own group: their primary one, named as the user
 * is and with no other member (a user private group). */
static int own_group(gid_t gid)
{
    char names[4096];
    struct group gr, *group = NULL;
    struct passwd pw, *user = NULL;
    if (gid == 0)
        return 1; /* root's, like root itself */
    if (gid != getegid() || getgrgid_r(gid, &gr, names, sizeof names / 2, &group) != 0 || !group ||
        getpwuid_r(geteuid(), &pw, names + sizeof names / 2, sizeof names / 2, &user) != 0 ||
        !user || strcmp(group->gr_name, user->pw_name) != 0)
        return 0;
    for (char **member = group->gr_mem; member && *member; member++) {
        if (strcmp(*member, user->pw_name) != 0)
            return 0;
    }
    return 1;
}

/* Says in err who besides the user and root may write the file path (st
 * its status, fd the file opened, or -1 to read its access control list by
 * path) and returns 1, or returns 0 if nobody may: it belongs to another
 * user, everyone may write it, a group other than the user's own may, or
 * an access control list lets another user or group write it. */
static int writable_by_others(int fd, const struct stat *st, const char *path, char *err,
                              size_t errlen)
{
    char names[1024];
    if (st->st_uid != geteuid() && st->st_uid != 0) {
        struct passwd pw, *found = NULL;
        getpwuid_r(st->st_uid, &pw, names, sizeof names, &found);
        snprintf(err, errlen, "'%s' belongs to user '%s' (uid %u), who could put any code in it",
                 path, found ? found->pw_name : "?", (unsigned)st->st_uid);
        return 1;
    }
    if (st->st_mode & S_IWOTH) {
        snprintf(err, errlen, "'%s' can be written by every user (chmod o-w it)", path);
        return 1;
    }
    if ((st->st_mode & S_IWGRP) && !own_group(st->st_gid)) {
        struct group gr, *found = NULL;
        getgrgid_r(st->st_gid, &gr, names, sizeof names, &found);
        snprintf(err, errlen, "'%s' can be written by group '%s' (gid %u) (chmod g-w it)", path,
                 found ? found->gr_name : "?", (unsigned)st->st_gid);
        return 1;
    }
    /* An access control list lets named users and groups write only
     * through its mask, which the group bits show: none without them. */
    if (!(st->st_mode & S_IWGRP))
        return 0;
    /* The list: a header, then tag, permissions and id per entry. */
    unsigned char acl[1024];
    ssize_t length = fd >= 0 ? fgetxattr(fd, "system.posix_acl_access", acl, sizeof acl)
                             : getxattr(path, "system.posix_acl_access", acl, sizeof acl);
    for (ssize_t at = 4; at + 8 <= length; at += 8) {
        uint16_t tag, permissions;
        uint32_t id;
        memcpy(&tag, acl + at, 2);
        memcpy(&permissions, acl + at + 2, 2);
        memcpy(&id, acl + at + 4, 4);
        int user = tag == 0x02, group = tag == 0x08; /* ACL_USER, ACL_GROUP */
        if ((permissions & 2) &&
            ((user && id != geteuid() && id != 0) || (group && !own_group(id)))) {
            snprintf(err, errlen,
                     "'%s' can be written by %s %u through its access control list (setfacl -b "
                     "it)",
                     path, user ? "user" : "group", (unsigned)id);
            return 1;
        }
    }
    return 0;
}

/* Could another user rearrange the directory dir (replace what is in it)?
 * Yes if it is not the user's or root's, or if it is writable by others
 * and not sticky: says who in err. */
static int dir_writable_by_others(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return 0; /* one we cannot see holds nothing we read */
    int others = (st.st_uid != geteuid() && st.st_uid != 0) ||
                 (!(st.st_mode & S_ISVTX) && writable_by_others(-1, &st, dir, err, errlen));
    if (others && st.st_uid != geteuid() && st.st_uid != 0) {
        char names[1024];
        struct passwd pw, *found = NULL;
        getpwuid_r(st.st_uid, &pw, names, sizeof names, &found);
        snprintf(err, errlen, "'%s' belongs to user '%s' (uid %u), who could replace what is in it",
                 dir, found ? found->pw_name : "?", (unsigned)st.st_uid);
    }
    return others;
}

/* Could another user replace the file at path by rearranging a directory
 * above it: one of those its path names, or those of the path it resolves
 * to (through symbolic links)? Says which in err. */
static int dirs_writable_by_others(const char *path, char *err, size_t errlen)
{
    char chains[2][4096];
    snprintf(chains[0], sizeof chains[0], "%s", path);
    if (!realpath(path, chains[1]))
        chains[1][0] = '\0';
    int count = strcmp(chains[0], chains[1]) == 0 ? 1 : 2; /* no link on the way */
    for (int c = 0; c < count; c++) {
        char *dir = chains[c];
        for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
            *slash = '\0'; /* the directory above what was there */
            if (dir_writable_by_others(dir[0] ? dir : "/", err, errlen))
                return 1;
            if (!dir[0])
                break;
        }
    }
    return 0;
}

/* Opens path to read it, without blocking (a FIFO) and only if it is a
 * regular file nobody but the user and root may write: fd and *st, 0; or
 * an hot__os_file_failure with why in err. */
static int open_trusted(const char *path, int *fd, struct stat *st, char *err, size_t errlen)
{
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0) {
        /* Missing, a build would make it; anything else (out of
         * descriptors or memory, no permission) is this machine's. */
        int missing = errno == ENOENT || errno == ENOTDIR;
        set_err(err, errlen, "cannot open", path);
        return missing ? HOT_OS_FILE_MISSING : HOT_OS_FILE_STOPPED;
    }
    int status = 0;
    if (fstat(*fd, st) != 0) {
        set_err(err, errlen, "cannot stat", path);
        status = HOT_OS_FILE_MISSING;
    } else if (!S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "'%s' is not a regular file", path);
        status = HOT_OS_FILE_MISSING;
    } else if (writable_by_others(*fd, st, path, err, errlen)) {
        status = HOT_OS_FILE_UNSAFE;
    }
    if (status != 0) {
        close(*fd);
        *fd = -1;
    }
    return status;
}

/* Reads fd into buf until want bytes or its end: how many it read. A read
 * that fails ends it too, and sets *failed (if not NULL). */
static size_t read_up_to(int fd, void *buf, size_t want, int *failed)
{
    size_t len = 0;
    if (failed)
        *failed = 0;
    while (len < want) {
        ssize_t n = read(fd, (char *)buf + len, want - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && failed)
            *failed = 1;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    return len;
}

long hot__os_read_prefix(const char *path, void *buffer, size_t size, struct hot__file_id *id,
                         char *err, size_t errlen)
{
    char *buf = buffer;
    struct stat st;
    int fd, status = open_trusted(path, &fd, &st, err, errlen);
    if (status != 0)
        return status;
    id_from_stat(&st, id);
    size_t want = size - 1;
    if ((unsigned long long)st.st_size < want) /* as it was opened: no read to find the end */
        want = (size_t)st.st_size;
    size_t len = read_up_to(fd, buf, want, NULL);
    close(fd);
    buf[len] = '\0';
    return (long)len;
}

long hot__os_read_file(const char *path, size_t max, unsigned char **bytes, struct hot__file_id *id,
                       char *err, size_t errlen)
{
    struct stat st;
    int fd, status = open_trusted(path, &fd, &st, err, errlen);
    *bytes = NULL;
    if (status != 0)
        return status;
    id_from_stat(&st, id);
    size_t size = (size_t)st.st_size;
    if ((unsigned long long)st.st_size > max) {
        snprintf(err, errlen, "'%s' holds %lld bytes, more than the %zu expected", path,
                 (long long)st.st_size, max);
        close(fd);
        return HOT_OS_FILE_TOO_LARGE;
    }
    unsigned char *buf = malloc(size + 1);
    if (!buf) {
        snprintf(err, errlen, "cannot read '%s': out of memory", path);
        close(fd);
        return HOT_OS_FILE_NO_MEMORY;
    }
    size_t len = read_up_to(fd, buf, size, NULL);
    close(fd);
    buf[len] = '\0';
    *bytes = buf;
    return (long)len;
}

int hot__os_program_file(char *path, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", path, size);
    if (n <= 0 || (size_t)n >= size)
        return -1;
    path[n] = '\0';
    return 0;
}

const unsigned char *hot__os_map_file(const char *path, size_t *size, char *err, size_t errlen)
{
    struct stat st;
    void *bytes = MAP_FAILED;
    /* Never waiting on a path: a FIFO opens at once, and is no file. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, &st) == 0) {
        if (S_ISREG(st.st_mode) && st.st_size > 0)
            bytes = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        else
            errno = S_ISREG(st.st_mode) ? EINVAL : ENODEV; /* nothing to map */
    }
    if (bytes == MAP_FAILED)
        set_err(err, errlen, "cannot map", path);
    if (fd >= 0)
        close(fd);
    if (bytes == MAP_FAILED)
        return NULL;
    *size = (size_t)st.st_size;
    return bytes;
}

void hot__os_unmap_file(const unsigned char *bytes, size_t size)
{
    if (bytes)
        munmap((void *)bytes, size);
}

const char *hot__os_program_path(void)
{
    return "/proc/self/exe";
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int hot__os_read_library(const char *src, unsigned char **bytes, size_t *capacity, size_t *size,
                         struct hot__file_id *before, struct hot__file_id *after, char *err,
                         size_t errlen)
{
    int in;
    struct stat st;
    *size = 0;
    int status = open_trusted(src, &in, &st, err, errlen);
    if (status == 0 && dirs_writable_by_others(src, err, errlen)) {
        close(in);
        status = HOT_OS_FILE_UNSAFE;
    }
    if (status != 0)
        return status;
    id_from_stat(&st, before);
    /* One more byte than the file had: a read that fills it, the file grew. */
    size_t want = (size_t)st.st_size + 1;
    int failed = 0;
    if (hot__copy_buffer_hold(bytes, capacity, want) != 0) {
        snprintf(err, errlen, "cannot copy '%s': out of memory", src);
        status = HOT_OS_FILE_NO_MEMORY;
    } else if ((*size = read_up_to(in, *bytes, want, &failed)), failed) {
        set_err(err, errlen, "cannot read", src);
        status = HOT_OS_FILE_MISSING;
    } else if (fstat(in, &st) != 0) {
        set_err(err, errlen, "cannot stat", src);
        status = HOT_OS_FILE_MISSING;
    } else
        id_from_stat(&st, after);
    close(in);
    return status;
}

int hot__os_write_copy(const char *dst, const unsigned char *bytes, size_t size, char *err,
                       size_t errlen)
{
    char where[1024]; /* dst's directory, for messages */
    hot__copy_where(dst, where, sizeof where);
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    int status = 0;
    if (out < 0 || write_all(out, (const char *)bytes, size) != 0) {
        set_err(err, errlen, out < 0 ? "cannot create a copy in" : "cannot write a copy in", where);
        status = HOT_OS_FILE_STOPPED;
    }
    if (out >= 0 && close(out) != 0 && status == 0) {
        set_err(err, errlen, "cannot write a copy in", where);
        status = HOT_OS_FILE_STOPPED;
    }
    if (status != 0 && out >= 0)
        unlink(dst);
    return status;
}

void hot__os_remove_file(const char *path)
{
    unlink(path);
}

/* Gives back the room of fd's bytes [from, to), where the file system can. */
static void punch(int fd, unsigned long long from, unsigned long long to)
{
    if (to > from)
        (void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)from,
                        (off_t)(to - from));
}

void hot__os_remove_file_but_mapped(const char *path, const struct hot__os_extent *keep,
                                    size_t count)
{
    struct stat st;
    int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        unsigned long long from = 0;
        for (size_t i = 0; i < count; i++) {
            punch(fd, from, keep[i].offset);
            if (keep[i].offset + keep[i].length > from)
                from = keep[i].offset + keep[i].length;
        }
        punch(fd, from, (unsigned long long)st.st_size);
    }
    if (fd >= 0)
        close(fd);
    unlink(path);
}

_Static_assert(sizeof(sigset_t) <= sizeof(struct hot__os_signal_mask), "a sigset_t fits");

void hot__os_block_signals(struct hot__os_signal_mask *saved)
{
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT};
    sigset_t block, old;
    sigfillset(&block);
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
        sigdelset(&block, faults[i]);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    memcpy(saved, &old, sizeof old);
}

void hot__os_restore_signals(const struct hot__os_signal_mask *saved)
{
    sigset_t old;
    memcpy(&old, saved, sizeof old);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int hot__os_loader_applies_packed_relocations(void)
{
    /* glibc applies them from 2.36 on, and an older one refuses the file
     * (the linker makes it need GLIBC_ABI_DT_RELR). musl applies them from
     * 1.2.4 on and ignores them silently before; no interface tells its
     * version, so on musl they are refused. */
#if defined(__GLIBC__)
    return 1;
#else
    return 0;
#endif
}

const char *hot__os_library_format(void)
{
    return "ELF";
}

void *hot__os_library_open(const char *path, char *err, size_t errlen)
{
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *text = dlerror();
        snprintf(err, errlen, "%s", text ? text : "unknown dlopen error");
    }
    return handle;
}

void hot__os_load_program_libraries(const char *const *libraries, size_t count)
{
    (void)libraries;
    (void)count;
}

size_t hot__os_first_undefined(const char *const *names, size_t count, const char *const *libraries,
                               size_t nlibs)
{
    enum { MAX_LIBRARIES = 64 };
    void *handles[MAX_LIBRARIES];
    size_t opened = 0, first = count;
    if (nlibs > MAX_LIBRARIES)
        return SIZE_MAX;
    for (; opened < nlibs; opened++) {
        if (!(handles[opened] = dlopen(libraries[opened], RTLD_LAZY | RTLD_NOLOAD)))
            break;
    }
    if (opened < nlibs)
        first = SIZE_MAX;
    for (size_t i = 0; first == count && i < count; i++) {
        int found = dlsym(RTLD_DEFAULT, names[i]) != NULL;
        for (size_t k = 0; !found && k < opened; k++)
            found = dlsym(handles[k], names[i]) != NULL;
        first = found ? first : i;
    }
    while (opened > 0)
        dlclose(handles[--opened]);
    return first;
}

void *hot__os_library_symbol(void *handle, const char *name)
{
    return dlsym(handle, name);
}

void hot__os_library_close(void *handle)
{
    dlclose(handle);
}

int hot__os_removes_loaded_libraries(void)
{
    return 1;
}

/* An ELF shared library is linked at 0 and never loaded there: an l_addr
 * of 0 means the map is not that of a library. */
int hot__os_library_bias(void *handle, uintptr_t *bias)
{
    struct link_map *map = NULL;
    if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map || !map->l_addr)
        return -1;
    *bias = (uintptr_t)map->l_addr;
    return 0;
}

/* The pages [start, start + size) lie on. */
static void page_span(void *start, size_t size, uintptr_t *first, size_t *length)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    *first = (uintptr_t)start & ~(page - 1);
    *length = (((uintptr_t)start + size + page - 1) & ~(page - 1)) - *first;
}

int hot__os_code_writable(void *start, size_t size, int writable, char *err, size_t errlen)
{
    uintptr_t first;
    size_t length;
    page_span(start, size, &first, &length);
    int protection = PROT_READ | PROT_EXEC | (writable ? PROT_WRITE : 0);
    if (mprotect((void *)first, length, protection) == 0)
        return 0;
    snprintf(err, errlen, "the system refuses to make code writable (mprotect: %s)",
             strerror(errno));
    return -1;
}

int hot__os_data_writable(void *start, size_t size, int writable, char *err, size_t errlen)
{
    uintptr_t first;
    size_t length;
    page_span(start, size, &first, &length);
    if (mprotect((void *)first, length, PROT_READ | (writable ? PROT_WRITE : 0)) == 0)
        return 0;
    snprintf(err, errlen, "the system refuses to make relocated data writable (mprotect: %s)",
             strerror(errno));
    return -1;
}

void *hot__os_pages_new(size_t size, char *err, size_t errlen)
{
    void *pages = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages != MAP_FAILED)
        return pages;
    snprintf(err, errlen, "cannot map memory for trampolines (%s)", strerror(errno));
    return NULL;
}

int hot__os_pages_seal(void *start, size_t size, char *err, size_t errlen)
{
    if (mprotect(start, size, PROT_READ | PROT_EXEC) == 0)
        return 0;
    snprintf(err, errlen, "the system refuses to make trampolines executable (mprotect: %s)",
             strerror(errno));
    return -1;
}

void hot__os_pages_free(void *start, size_t size)
{
    munmap(start, size);
}

size_t hot__os_page_size(void)
{
    static _Atomic size_t page; /* the same for the process's life; 0: not asked yet */
    size_t size = atomic_load_explicit(&page, memory_order_relaxed);
    if (size == 0) {
        size = (size_t)sysconf(_SC_PAGESIZE);
        atomic_store_explicit(&page, size, memory_order_relaxed);
    }
    return size;
}

long hot__os_pid(void)
{
    return (long)getpid();
}

void hot__os_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    pthread_atfork(prepare, parent, child);
}

long long hot__os_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void hot__os_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

#define WATCH_MAX_PATHS 256

struct watched {
    int wd;         /* inotify watch of the directory; -1 while it has none */
    char *dir;      /* the directory's path, to watch it again once it is replaced */
    char name[256]; /* the file within it; "" for the whole directory */
};

struct hot__watch {
    int inotify;  /* watches the paths' directories */
    int wake;     /* eventfd written by hot__os_watch_wake */
    size_t count; /* used entries of paths */
    struct watched paths[WATCH_MAX_PATHS];
};

/* What a watched directory reports: its files' changes, and its own end
 * (removed, or renamed away), after which its path is watched again. */
#define WATCH_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ATTRIB | IN_MOVE_SELF)

/* Adds one path to watch; returns 0 or -1 with text in err. */
static int watch_add(struct hot__watch *watch, const char *path, char *err, size_t errlen)
{
    char dir[4096];
    const char *name = "";
    struct stat st;
    if (strlen(path) >= sizeof dir) {
        snprintf(err, errlen, "path too long '%s'", path);
        return -1;
    }
    strcpy(dir, path);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        char *slash = strrchr(dir, '/');
        name = slash ? path + (slash - dir) + 1 : path;
        if (!slash)
            strcpy(dir, ".");
        else if (slash == dir)
            dir[1] = '\0'; /* the file is in "/" */
        else
            *slash = '\0';
    }
    if (watch->count == WATCH_MAX_PATHS || strlen(name) >= sizeof watch->paths[0].name) {
        snprintf(err, errlen, "cannot watch '%s': too many paths or name too long", path);
        return -1;
    }
    int wd = inotify_add_watch(watch->inotify, dir, WATCH_EVENTS);
    if (wd < 0) {
        set_err(err, errlen, "cannot watch", dir);
        return -1;
    }
    struct watched *w = &watch->paths[watch->count];
    if (!(w->dir = strdup(dir))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->wd = wd;
    strcpy(w->name, name);
    watch->count++;
    return 0;
}

/* Watches again each directory whose watch ended, if its path names one
 * now. Returns 0 if none had ended, 1 if each one that had is watched
 * again, 2 if one still cannot be (its path names no directory yet). */
static int rewatch_lost(struct hot__watch *watch)
{
    int lost = 0;
    for (size_t i = 0; i < watch->count; i++) {
        struct watched *w = &watch->paths[i];
        if (w->wd < 0) {
            w->wd = inotify_add_watch(watch->inotify, w->dir, WATCH_EVENTS);
            lost = w->wd < 0 ? 2 : lost > 1 ? lost : 1;
        }
    }
    return lost;
}

struct hot__watch *hot__os_watch_open(const char *const *paths, size_t count, char *err,
                                      size_t errlen)
{
    struct hot__watch *watch = calloc(1, sizeof *watch);
    if (!watch) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    watch->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    watch->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (watch->inotify < 0 || watch->wake < 0) {
        set_err(err, errlen, "cannot start watching", paths[0]);
        goto failed;
    }
    for (size_t i = 0; i < count; i++) {
        if (watch_add(watch, paths[i], err, errlen) != 0)
            goto failed;
    }
    return watch;
failed:
    hot__os_watch_close(watch);
    return NULL;
}

static int watched_event(struct hot__watch *watch, const struct inotify_event *event)
{
    if (event->mask & IN_Q_OVERFLOW)
        return 1; /* events were lost: anything may have changed */
    int ended = (event->mask & (IN_IGNORED | IN_MOVE_SELF)) != 0, seen = 0;
    if (event->mask & IN_MOVE_SELF)
        inotify_rm_watch(watch->inotify, event->wd); /* its path may name another one now */
    for (size_t i = 0; i < watch->count; i++) {
        struct watched *w = &watch->paths[i];
        if (w->wd != event->wd)
            continue;
        if (ended)
            w->wd = -1; /* rewatch_lost watches its path again */
        if (ended || !w->name[0] || (event->len && strcmp(w->name, event->name) == 0))
            seen = 1;
    }
    return seen;
}

/* Drains pending inotify events; returns 1 if one concerned a watched path. */
static int drain_events(struct hot__watch *watch)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int seen = 0;
    for (;;) {
        ssize_t n = read(watch->inotify, buf, sizeof buf);
        if (n <= 0)
            return seen;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *event = (const struct inotify_event *)(void *)p;
            seen |= watched_event(watch, event);
            p += sizeof *event + event->len;
        }
    }
}

int hot__os_watch_wait(struct hot__watch *watch, int timeout_ms)
{
    long long deadline = hot__os_now_ns() + (long long)timeout_ms * 1000000LL;
    /* What changed while a directory was not watched is unknown: "may have
     * changed"; while one cannot be watched, that is said at each timeout. */
    int unwatched = rewatch_lost(watch);
    if (unwatched == 1)
        return 1;
    for (;;) {
        struct pollfd fds[2] = {{watch->inotify, POLLIN, 0}, {watch->wake, POLLIN, 0}};
        long long left_ms = (deadline - hot__os_now_ns()) / 1000000LL;
        int ready = poll(fds, 2, left_ms > 0 ? (int)left_ms : 0);
        if (ready < 0 && errno != EINTR)
            return unwatched ? 1 : 0;
        if (fds[1].revents & POLLIN) {
            unsigned long long value;
            if (read(watch->wake, &value, sizeof value) < 0) {
                /* already drained by another wait: the wake still counts */
            }
            return -1;
        }
        if ((fds[0].revents & POLLIN) && drain_events(watch))
            return 1;
        if (left_ms <= 0)
            return unwatched ? 1 : 0;
    }
}

void hot__os_watch_wake(struct hot__watch *watch)
{
    unsigned long long one = 1;
    if (write(watch->wake, &one, sizeof one) < 0) {
        /* the counter is saturated: a wake is pending anyway */
    }
}

void hot__os_watch_close(struct hot__watch *watch)
{
    if (watch->inotify >= 0)
        close(watch->inotify);
    if (watch->wake >= 0)
        close(watch->wake);
    for (size_t i = 0; i < watch->count; i++)
        free(watch->paths[i].dir);
    free(watch);
}
