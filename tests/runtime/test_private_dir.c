/* tests/runtime/test_private_dir.c
 * The private directory (os/private_dir_linux.c), against what other
 * programs leave in TMPDIR and against the ways a program ends:
 * - the sweep removes what a program that no longer runs left, and only
 *   the names vais-hot writes; it keeps a directory whose lock is held,
 *   whatever its name's pid says (another PID namespace), a young one
 *   without a lock, and never follows a symbolic link;
 * - SIGINT, SIGTERM, SIGHUP and SIGPIPE, left to their default action, end
 *   the program by that signal and leave nothing behind;
 * - after exec, the new image removes the directory the old one made;
 * - a TMPDIR others may rearrange, that does not exist, on a noexec mount
 *   or full (where root may mount one) is passed over, and one line says
 *   which directory is used and why; with no XDG_RUNTIME_DIR either, the
 *   copies go beside the library; one that fills up later stops a reload
 *   with the disk's own reason, and the same library loads once there is
 *   room; a version whose copy was removed holds only what is mapped of it;
 * - with no TMPDIR set, the copies go to XDG_RUNTIME_DIR, else /dev/shm,
 *   else (/dev/shm noexec) /tmp, saying nothing.
 * The scenarios share only the scratch directory, TMPDIR, each leaving it as
 * it found it. Usage: test_private_dir (a helper mode and its arguments
 * come after, when the test starts itself). */
#define _GNU_SOURCE
#include "check.h"
#include "target.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vais/hot.h>

int add(int a, int b);

static char scratch[64]; /* TMPDIR of every process of the test */
static const char *self; /* this test's executable, for the helpers */

/* Writes an empty file at dir/name. */
static void touch(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    close(fd);
}

static int exists(const char *dir, const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

/* Makes scratch/name, a directory like a private one, mode 0700. */
static void make_dir(const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", scratch, name);
    CHECK_INT(mkdir(path, 0700), ==, 0);
}

/* Sets the modification time of path to seconds ago. */
static void age(const char *path, long seconds)
{
    struct timespec times[2] = {{time(NULL) - seconds, 0}, {time(NULL) - seconds, 0}};
    CHECK_INT(utimensat(AT_FDCWD, path, times, 0), ==, 0);
}

/* A pid that no process has now: a child's, once it was reaped. */
static long dead_pid(void)
{
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    return (long)child;
}

/* How many directories "vais-hot-<pid>-*" scratch holds. */
static int private_dirs_of(long pid)
{
    char prefix[48];
    snprintf(prefix, sizeof prefix, "vais-hot-%ld-", pid);
    DIR *dir = opendir(scratch);
    int count = 0;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL)
        count += strncmp(entry->d_name, prefix, strlen(prefix)) == 0;
    if (dir)
        closedir(dir);
    return count;
}

/* Starts this test again in mode with arg, after prepare (if any) ran in
 * the new process; its stdout is read through *out. */
static pid_t start_helper(const char *mode, const char *arg, void (*prepare)(void), int *out)
{
    int fds[2];
    CHECK_INT(pipe(fds), ==, 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        if (prepare)
            prepare();
        char *argv[] = {(char *)self, (char *)mode, (char *)arg, NULL};
        target_exec(argv);
        _exit(127);
    }
    close(fds[1]);
    *out = fds[0];
    return pid;
}

/* Reads a line from fd (blocking; the helper writes one or exits). */
static void read_line(int fd, char *line, size_t size)
{
    size_t used = 0;
    while (used + 1 < size && read(fd, line + used, 1) == 1 && line[used] != '\n')
        used++;
    line[used] = '\0';
}

/* The sweep removes what a program that no longer runs left, and only the
 * names vais-hot writes. */
static void sweeps_what_dead_programs_left(void)
{
    char gone[256], foreign[256], locked[256], young[256], old[256], victim[256], link[256];
    long dead = dead_pid();
    char name[64];

    /* A dead program's directory: its copies and lock go, and it with them. */
    snprintf(name, sizeof name, "vais-hot-%ld-gone01", dead);
    make_dir(name, gone, sizeof gone);
    touch(gone, "1-libgame_hot.so");
    touch(gone, "lock");
    /* One holding a file vais-hot never writes: that file and it stay. */
    snprintf(name, sizeof name, "vais-hot-%ld-mixed1", dead);
    make_dir(name, foreign, sizeof foreign);
    touch(foreign, "2-libgame_hot.so");
    touch(foreign, "notes.txt");
    touch(foreign, "lock");
    /* Locked by a running program in another PID namespace: it stays. */
    snprintf(name, sizeof name, "vais-hot-%ld-held01", dead);
    make_dir(name, locked, sizeof locked);
    touch(locked, "3-libgame_hot.so");
    touch(locked, "lock");
    char lock_path[300];
    snprintf(lock_path, sizeof lock_path, "%s/lock", locked);
    int held = open(lock_path, O_RDONLY);
    CHECK(held >= 0 && flock(held, LOCK_EX) == 0);
    /* Without a lock (made before locks, or being made): by its age. */
    snprintf(name, sizeof name, "vais-hot-%ld-young1", dead);
    make_dir(name, young, sizeof young);
    touch(young, "4-libgame_hot.so");
    snprintf(name, sizeof name, "vais-hot-%ld-old001", dead);
    make_dir(name, old, sizeof old);
    touch(old, "5-libgame_hot.so");
    age(old, 600);
    /* A symbolic link of a private directory's name: never followed. */
    make_dir("victim", victim, sizeof victim);
    touch(victim, "6-libgame_hot.so");
    touch(victim, "lock");
    snprintf(link, sizeof link, "%s/vais-hot-%ld-link01", scratch, dead);
    CHECK_INT(symlink(victim, link), ==, 0);

    CHECK_INT(hot_init(NULL), ==, HOT_OK); /* makes its own directory: sweeps first */
    CHECK_INT(add(2, 3), ==, 5);

    CHECK(!exists(gone, ""));
    CHECK(exists(foreign, "notes.txt"));
    CHECK(!exists(foreign, "2-libgame_hot.so"));
    CHECK(exists(locked, "3-libgame_hot.so"));
    CHECK(exists(young, "4-libgame_hot.so"));
    CHECK(!exists(old, ""));
    CHECK(exists(victim, "6-libgame_hot.so") && exists(victim, "lock"));
    CHECK(exists(link, ""));
    CHECK_INT(private_dirs_of((long)getpid()), ==, 1);

    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK_INT(private_dirs_of((long)getpid()), ==, 0);
    close(held);
    remove(link);
    char path[300];
    const char *leftover[][2] = {
        {foreign, "notes.txt"}, {foreign, "lock"},           {locked, "3-libgame_hot.so"},
        {locked, "lock"},       {young, "4-libgame_hot.so"}, {victim, "6-libgame_hot.so"},
        {victim, "lock"}};
    for (size_t i = 0; i < sizeof leftover / sizeof *leftover; i++) {
        snprintf(path, sizeof path, "%s/%s", leftover[i][0], leftover[i][1]);
        remove(path);
    }
    rmdir(foreign);
    rmdir(locked);
    rmdir(young);
    rmdir(victim);
}

/* A program ended by sig, with its default action, leaves nothing. (The
 * helper ends before any check: none may leave it running.) */
static void signal_case(int sig)
{
    int out;
    char line[64];
    pid_t pid = start_helper("hold", "", NULL, &out);
    read_line(out, line, sizeof line);
    int held_dirs = private_dirs_of((long)pid);
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    close(out);
    CHECK_STR(line, "ready");
    CHECK_INT(held_dirs, ==, 1);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sig); /* ended as it would have */
    CHECK_INT(private_dirs_of((long)pid), ==, 0);
}

static void sigint_leaves_nothing(void)
{
    signal_case(SIGINT);
}

static void sigterm_leaves_nothing(void)
{
    signal_case(SIGTERM);
}

static void sighup_leaves_nothing(void)
{
    signal_case(SIGHUP);
}

static void sigpipe_leaves_nothing(void)
{
    signal_case(SIGPIPE);
}

/* After exec, the new image sweeps the directory the old one made. */
static void exec_sweeps_the_old_images_directory(void)
{
    int out;
    char line[64];
    pid_t pid = start_helper("exec", "", NULL, &out);
    read_line(out, line, sizeof line);
    int status = 0;
    waitpid(pid, &status, 0);
    close(out);
    CHECK_STR(line, "1 private directory after exec");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_INT(private_dirs_of((long)pid), ==, 0);
}

/* Removes scratch/name, if it is there, and makes scratch TMPDIR again. */
static void remove_from_scratch(void *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", scratch, (const char *)name);
    rmdir(path);
    setenv("TMPDIR", scratch, 1);
}

/* A TMPDIR others may rearrange, or a missing one, is passed over for the
 * next candidate, saying so once. */
static void tmpdir_case(const char *tmpdir, const char *why)
{
    char runtime[128], expected[512];
    snprintf(runtime, sizeof runtime, "%s/runtime", scratch);
    check_defer(remove_from_scratch, "runtime");
    CHECK_INT(mkdir(runtime, 0700), ==, 0);
    setenv("XDG_RUNTIME_DIR", runtime, 1);
    setenv("TMPDIR", tmpdir, 1);
    int out;
    char line[512];
    pid_t pid = start_helper("said", "", NULL, &out);
    read_line(out, line, sizeof line);
    waitpid(pid, NULL, 0);
    close(out);
    snprintf(expected, sizeof expected, "vais-hot: private copies go to '%s', as TMPDIR '%s' %s",
             runtime, tmpdir, why);
    CHECK_STR(line, expected);
    CHECK_INT(rmdir(runtime), ==, 0); /* the helper's directory was removed at exit */
    setenv("TMPDIR", scratch, 1);
}

/* A tmpfs the helper mounts as its TMPDIR, in a mount namespace of its own
 * (root may make one): its flags and options. */
static char mount_dir[128], mount_runtime[128];
static unsigned long mount_flags;
static const char *mount_options;
static int mount_without_runtime; /* XDG_RUNTIME_DIR names no directory */

/* In the helper's process: mounts it, or says why not, and ends. */
static void mount_tmpdir(void)
{
    if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", mount_dir, "tmpfs", mount_flags, mount_options) != 0) {
        printf("skipped: no mount namespace here (%s)\n", strerror(errno));
        fflush(stdout); /* a pipe: _exit would lose the line */
        _exit(0);
    }
    setenv("TMPDIR", mount_dir, 1);
    char absent[160];
    snprintf(absent, sizeof absent, "%s/absent", mount_runtime);
    setenv("XDG_RUNTIME_DIR", mount_without_runtime ? absent : mount_runtime, 1);
}

/* Makes the directories mount_tmpdir uses, removed when the scenario ends. */
static void make_mount_dirs(void)
{
    snprintf(mount_dir, sizeof mount_dir, "%s/mounted", scratch);
    snprintf(mount_runtime, sizeof mount_runtime, "%s/runtime", scratch);
    check_defer(remove_from_scratch, "mounted");
    check_defer(remove_from_scratch, "runtime");
    CHECK_INT(mkdir(mount_dir, 0700), ==, 0);
    CHECK_INT(mkdir(mount_runtime, 0700), ==, 0);
}

/* Runs helper mode with a TMPDIR mounted with flags and options (and no
 * XDG_RUNTIME_DIR if without_runtime), writes the first line it wrote to
 * line and, if second, the next to second (both second_size long); the
 * scenario is skipped if it could not be mounted. Returns its exit status,
 * or -1 if it did not exit. */
static int run_mounted(const char *mode, unsigned long flags, const char *options,
                       int without_runtime, char *line, size_t size, char *second,
                       size_t second_size)
{
    make_mount_dirs();
    mount_flags = flags;
    mount_options = options;
    mount_without_runtime = without_runtime;
    int out, status = -1;
    pid_t pid = start_helper(mode, "", mount_tmpdir, &out);
    mount_without_runtime = 0;
    read_line(out, line, size);
    if (second)
        read_line(out, second, second_size);
    waitpid(pid, &status, 0); /* before the pipe closes: its next line must not end it */
    close(out);
    CHECK_INT(rmdir(mount_runtime), ==, 0);
    CHECK_INT(rmdir(mount_dir), ==, 0);
    if (strncmp(line, "skipped: ", 9) == 0)
        check_skip(line + 9);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The first line the "said" helper wrote, run as run_mounted runs it. */
static void said_with_mount(unsigned long flags, const char *options, int without_runtime,
                            char *line, size_t size)
{
    run_mounted("said", flags, options, without_runtime, line, size, NULL, 0);
}

/* A TMPDIR on a noexec mount is passed over, naming the mount as the
 * cause. */
static void passes_over_a_noexec_tmpdir(void)
{
    char expected[512], line[512];
    said_with_mount(MS_NOEXEC, "mode=0700", 0, line, sizeof line);
    snprintf(expected, sizeof expected,
             "vais-hot: private copies go to '%s', as TMPDIR '%s' is on a noexec mount, where "
             "no library can be loaded",
             mount_runtime, mount_dir);
    CHECK_STR(line, expected);
}

/* A full TMPDIR (no room for two copies of the library) is passed over,
 * saying how full. */
static void passes_over_a_full_tmpdir(void)
{
    char line[512], expected[512];
    said_with_mount(0, "mode=0700,size=8k", 0, line, sizeof line);
    snprintf(expected, sizeof expected,
             "vais-hot: private copies go to '%s', as TMPDIR '%s' has too little room (",
             mount_runtime, mount_dir);
    char start_of[512];
    snprintf(start_of, strlen(expected) + 1, "%s", line);
    CHECK_STR(start_of, expected); /* then what is free, which a sanitizer's run changes */
    CHECK(strstr(line, " KiB free; 2 copies of the library take ") != NULL);
    CHECK(strlen(line) > 4 && strcmp(line + strlen(line) - 4, "KiB)") == 0);
}

/* With the TMPDIR full and no XDG_RUNTIME_DIR either, the copies go beside
 * the library, in a directory for the user alone, which the helper leaves
 * empty. */
static void copies_go_beside_the_library_at_last(void)
{
    char line[512], expected[512];
    said_with_mount(0, "mode=0700,size=8k", 1, line, sizeof line);
    static const char start[] = "vais-hot: private copies go to '";
    const char *beside = line + sizeof start - 1, *end = strstr(line, "', as TMPDIR '");
    CHECK(strncmp(line, start, sizeof start - 1) == 0 && end != NULL);
    char dir[512], library[600];
    snprintf(dir, sizeof dir, "%.*s", (int)(end - beside), beside);
    snprintf(expected, sizeof expected, "; XDG_RUNTIME_DIR '%s/absent' does not exist",
             mount_runtime);
    CHECK(strstr(line, expected) != NULL);
    CHECK(strlen(dir) > 10 && strcmp(dir + strlen(dir) - 10, "/.vais-hot") == 0);
    snprintf(library, sizeof library, "%.*s/libruntime_private_dir_hot.so", (int)strlen(dir) - 10,
             dir);
    CHECK_INT(access(library, F_OK), ==, 0);
    struct stat st;
    CHECK_INT(stat(dir, &st), ==, 0);
    CHECK_INT(st.st_mode & 0777, ==, 0700);
    CHECK_INT(rmdir(dir), ==, 0); /* empty: the helper's directory went at its exit */
}

/* Where the "where" helper's copies went, after its first event line,
 * which must be the load's: with no TMPDIR set, nothing said. Runs it with
 * prepare, in its process. */
static void where_copies_go(void (*prepare)(void), char *dir, size_t size)
{
    char line[512];
    int out;
    pid_t pid = start_helper("where", "", prepare, &out);
    read_line(out, line, sizeof line);
    read_line(out, dir, size);
    int status = -1;
    waitpid(pid, &status, 0);
    close(out);
    if (strncmp(line, "skipped: ", 9) == 0) {
        check_skip(line + 9);
        return;
    }
    CHECK(strncmp(line, "vais-hot: loaded v1 from ", 25) == 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* In the helper's process: no TMPDIR, and XDG_RUNTIME_DIR is scratch's
 * "runtime". */
static void without_tmpdir(void)
{
    char runtime[160];
    snprintf(runtime, sizeof runtime, "%s/runtime", scratch);
    unsetenv("TMPDIR");
    setenv("XDG_RUNTIME_DIR", runtime, 1);
}

/* With no TMPDIR set, the copies go to XDG_RUNTIME_DIR, the user's own
 * directory in memory, before /dev/shm and /tmp. */
static void without_tmpdir_copies_go_to_the_runtime_dir(void)
{
    char runtime[128], dir[512];
    snprintf(runtime, sizeof runtime, "%s/runtime", scratch);
    check_defer(remove_from_scratch, "runtime");
    CHECK_INT(mkdir(runtime, 0700), ==, 0);
    where_copies_go(without_tmpdir, dir, sizeof dir);
    CHECK_STR(dir, runtime);
    CHECK_INT(rmdir(runtime), ==, 0); /* the helper's directory was removed at exit */
}

/* In the helper's process: no TMPDIR or XDG_RUNTIME_DIR, a new tmpfs on
 * /dev/shm, mounted with mount_flags and mount_options, and one on /tmp
 * unless the program lives there, in a mount namespace of its own. */
static void with_a_new_dev_shm(void)
{
    unsetenv("TMPDIR");
    unsetenv("XDG_RUNTIME_DIR");
    /* A new /tmp would hide this program if it lives there, where /tmp
     * holds code already; else it keeps the host's /tmp out of the test. */
    char path[4096];
    int lives_in_tmp = realpath(self, path) && strncmp(path, "/tmp/", 5) == 0;
    if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", "/dev/shm", "tmpfs", mount_flags, mount_options) != 0 ||
        (!lives_in_tmp && mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777") != 0)) {
        printf("skipped: no mount namespace here (%s)\n", strerror(errno));
        fflush(stdout); /* a pipe: _exit would lose the line */
        _exit(0);
    }
}

/* With neither TMPDIR nor XDG_RUNTIME_DIR set, the copies go to /dev/shm,
 * in memory; where it may hold no code, or has no room for 64 copies of
 * the library (about 18 MiB here), to /tmp, and nothing is said, as nobody
 * chose /dev/shm. */
static void without_either_copies_go_to_dev_shm_else_tmp(void)
{
    char dir[512];
    mount_flags = 0;
    mount_options = "mode=1777";
    where_copies_go(with_a_new_dev_shm, dir, sizeof dir);
    CHECK_STR(dir, "/dev/shm");
    mount_flags = MS_NOEXEC;
    where_copies_go(with_a_new_dev_shm, dir, sizeof dir);
    CHECK_STR(dir, "/tmp");
    mount_flags = 0;
    mount_options = "mode=1777,size=4m";
    where_copies_go(with_a_new_dev_shm, dir, sizeof dir);
    CHECK_STR(dir, "/tmp");
}

/* A version whose copy was removed stays mapped, which holds its copy's
 * room: only what is mapped of it (the library's 256 KiB section that is
 * never mapped is given back). Measured in a TMPDIR mounted for it. */
static void retired_copies_keep_only_what_is_mapped(void)
{
    char line[128];
    CHECK_INT(run_mounted("retires", 0, "mode=0700,size=32m", 0, line, sizeof line, NULL, 0), ==,
              0);
    CHECK(line[0] != '\0');
    /* KiB per version: without the holes, the library's 256 KiB section
     * and more; with them, its mapped pages (20 KiB with 4 KiB pages, up
     * to 128 with 64 KiB pages). */
    CHECK_INT(atol(line), <, 256);
}

/* Removes the build the scenario below landed in the scratch directory. */
static void remove_filled_build(void *unused)
{
    (void)unused;
    static const char *const files[] = {"", HOT_ABI_STAMP_SUFFIX, HOT_ABI_SUMMARY_SUFFIX};
    char path[160];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/filled_hot.so%s", scratch, files[i]);
        remove(path);
    }
    unsetenv("VAIS_HOT_LIBRARY");
}

/* A TMPDIR that fills up after the first load: a reload then says why it
 * stopped (the disk, not the build), the program keeps its code, and once
 * there is room again the same library loads: by hot_reload, and by
 * hot_check for a build that landed while it was full, with no build
 * after. (The helper loads a build of its library landed in the scratch
 * directory, where it lands that build's next stamp.) */
static void says_why_a_reload_into_a_filled_tmpdir_stopped(void)
{
    char line[512], second[128], library[128], expected[128];
    snprintf(library, sizeof library, "%s/filled_hot.so", scratch);
    check_defer(remove_filled_build, NULL);
    CHECK(land_with_summary(VAIS_HOT_TEST_LIBRARY, library) >= 0);
    setenv("VAIS_HOT_LIBRARY", library, 1);
    /* Room for two copies, instrumented too. */
    CHECK_INT(
        run_mounted("fills", 0, "mode=0700,size=16m", 0, line, sizeof line, second, sizeof second),
        ==, 0);
    char start[32];
    snprintf(start, sizeof start, "%ld 5 ", (long)HOT_E_IO); /* refused; v1 still runs */
    CHECK(strncmp(line, start, strlen(start)) == 0);
    CHECK(strstr(line, "No space left on device") != NULL);
    CHECK(strstr(line, mount_dir) != NULL); /* the copy went to the TMPDIR that filled */
    CHECK(strstr(line, "build '") == NULL); /* no build would help */
    long refused, checked, checked_to, room, reloaded_to;
    int tries, said;
    CHECK_INT(sscanf(second, "%ld %d %d %ld %ld %ld %ld", &refused, &tries, &said, &checked,
                     &checked_to, &room, &reloaded_to),
              ==, 7);
    CHECK_INT(refused, ==, HOT_E_IO); /* a new build: said again */
    /* Tried after 0.25 s, then 0.5, 1 and 2 s on (each at the first look
     * after it: hot_check looks every 0.25 s), not every 0.25 s. */
    CHECK(tries >= 1 && tries <= 4);
    CHECK_INT(said, ==, 2); /* the reload's, and the new build's once */
    CHECK_INT(checked, ==, 1);
    CHECK_INT(checked_to, ==, 2);
    CHECK_INT(room, ==, 1);
    CHECK_INT(reloaded_to, ==, 3);
}

/* How many times text says what (once a line, at most, in a log). */
static int times_said(const char *text, const char *what)
{
    int count = 0;
    for (const char *at = text; at && (at = strstr(at, what)); at += strlen(what))
        count++;
    return count;
}

/* The "fills" helper: a reload into a full TMPDIR, then a build landed
 * while it is full, tried again by hot_check less and less often and said
 * once, then loaded once there is room, and a reload after it. Writes two
 * lines: what the first reload returned, with what add(2, 3) and
 * hot_last_error() said then; then what hot_check returned for the build
 * landed, how many times it opened the library while the TMPDIR stayed
 * full for 3 s, how many lines said the disk was full,
 * and what hot_check and hot_reload returned once there was room, each
 * with hot_version() after it. */
static int fills(void)
{
    char *said = NULL, filler[200];
    size_t said_size = 0;
    FILE *log = open_memstream(&said, &said_size);
    const char *library = getenv("VAIS_HOT_LIBRARY");
    if (!log || !library)
        return 1;
    hot_log_to(log);
    if (hot_init(NULL) != HOT_OK)
        return 1;
    static const char zeros[4096];
    snprintf(filler, sizeof filler, "%s/filler", getenv("TMPDIR"));
    FILE *fill = fopen(filler, "wb");
    while (fill && fwrite(zeros, 1, sizeof zeros, fill) == sizeof zeros && fflush(fill) == 0)
        ;
    if (fill)
        fclose(fill);
    long full = hot_reload();
    printf("%ld %d %s\n", full, add(2, 3), hot_last_error());
    fflush(stdout);
    long refused = land_stamp_vouching(library, 1) >= 0 ? hot_check() : 0;
    int opens = inotify_init1(IN_NONBLOCK);
    if (opens < 0 || inotify_add_watch(opens, library, IN_OPEN) < 0)
        return 1;
    int tries = 0;
    for (long long until = system_now_ns() + 3000000000LL; system_now_ns() < until;
         system_pause_ms(1)) {
        if (hot_check() != 0)
            return 1;
        /* Read at once: the same event unread is not queued again. */
        char events[4096];
        for (ssize_t got; (got = read(opens, events, sizeof events)) > 0;)
            tries += (int)(got / (ssize_t)sizeof(struct inotify_event)); /* a file's: no name */
    }
    close(opens);
    remove(filler);
    long checked = 0;
    for (long long deadline = system_now_ns() + 5000000000LL;
         checked == 0 && system_now_ns() < deadline; system_pause_ms(1))
        checked = hot_check();
    long checked_to = hot_version();
    long room = hot_reload();
    fflush(log);
    printf("%ld %d %d %ld %ld %ld %ld\n", refused, tries, times_said(said, "No space left"),
           checked, checked_to, room, hot_version());
    hot_log_to(NULL);
    fclose(log);
    free(said);
    return 0;
}

/* Helper modes, run in a process of their own. */
static int helper(const char *mode)
{
    snprintf(scratch, sizeof scratch, "%s", getenv("TMPDIR") ? getenv("TMPDIR") : "");
    if (strcmp(mode, "hold") == 0) {
        if (hot_init(NULL) != HOT_OK || add(2, 3) != 5)
            return 1;
        printf("ready\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    if (strcmp(mode, "exec") == 0) {
        if (hot_init(NULL) != HOT_OK || private_dirs_of((long)getpid()) != 1)
            return 1;
        char *argv[] = {(char *)self, "after-exec", "", NULL};
        target_exec(argv);
        return 1;
    }
    if (strcmp(mode, "after-exec") == 0) {
        if (hot_init(NULL) != HOT_OK)
            return 1;
        printf("%d private directory after exec\n", private_dirs_of((long)getpid()));
        return 0;
    }
    if (strcmp(mode, "fills") == 0)
        return fills();
    if (strcmp(mode, "said") == 0) { /* the event line it writes, on stdout */
        hot_log_to(stdout);
        return hot_init(NULL) == HOT_OK ? 0 : 1;
    }
    if (strcmp(mode, "retires") == 0) { /* the room each version retired still takes, in KiB */
        enum { RETIRED = 16 };
        struct statvfs before, after;
        if (hot_init(NULL) != HOT_OK)
            return 1;
        for (int i = 0; i < 8; i++) /* v9: the copies of v2..v9 on disk, v1's removed */
            if (hot_reload() != 1)
                return 1;
        if (statvfs(getenv("TMPDIR"), &before) != 0)
            return 1;
        for (int i = 0; i < RETIRED; i++) /* each a new copy, and one more removed */
            if (hot_reload() != 1)
                return 1;
        if (statvfs(getenv("TMPDIR"), &after) != 0)
            return 1;
        printf("%llu\n", (unsigned long long)(before.f_bfree - after.f_bfree) * before.f_frsize /
                             RETIRED / 1024);
        return 0;
    }
    if (strcmp(mode, "where") == 0) { /* its first event line, then where its copies went */
        hot_log_to(stdout);
        if (hot_init(NULL) != HOT_OK)
            return 1;
        char needle[48], row[4600];
        snprintf(needle, sizeof needle, "/vais-hot-%ld-", (long)getpid());
        FILE *maps = fopen("/proc/self/maps", "r");
        while (maps && fgets(row, sizeof row, maps)) {
            const char *path = strchr(row, '/'), *at = strstr(row, needle);
            if (path && at) {
                printf("%.*s\n", (int)(at - path), path);
                break;
            }
        }
        if (maps)
            fclose(maps);
        return 0;
    }
    return 2;
}

/* A TMPDIR others may rearrange is passed over: one anybody may write
 * that is not sticky, and a sticky one of another user (root may make
 * one), whose owner may rename what is in it. */
static void passes_over_a_tmpdir_others_may_rearrange(void)
{
    char open_dir[128], theirs[128];
    snprintf(open_dir, sizeof open_dir, "%s/open", scratch);
    check_defer(remove_from_scratch, "open");
    CHECK_INT(mkdir(open_dir, 0777), ==, 0);
    CHECK_INT(chmod(open_dir, 0777), ==, 0); /* no sticky bit */
    tmpdir_case(open_dir, "is writable by others and not sticky");
    CHECK_INT(rmdir(open_dir), ==, 0);
    snprintf(theirs, sizeof theirs, "%s/theirs", scratch);
    check_defer(remove_from_scratch, "theirs");
    CHECK_INT(mkdir(theirs, 0777), ==, 0);
    CHECK_INT(chmod(theirs, 01777), ==, 0);
    if (chown(theirs, 65534, (gid_t)-1) != 0) {
        check_skip("cannot give a directory to another user here (not root)");
        return;
    }
    tmpdir_case(theirs, "belongs to another user (uid 65534), who may rename what is in it");
    CHECK_INT(rmdir(theirs), ==, 0);
}

static void passes_over_a_missing_tmpdir(void)
{
    char missing[128];
    snprintf(missing, sizeof missing, "%s/missing", scratch);
    tmpdir_case(missing, "does not exist");
}

static void leaves_nothing_behind(void)
{
    CHECK_INT(rmdir(scratch), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"sweeps_what_dead_programs_left", sweeps_what_dead_programs_left, NULL},
    {"sigint_leaves_nothing", sigint_leaves_nothing, NULL},
    {"sigterm_leaves_nothing", sigterm_leaves_nothing, NULL},
    {"sighup_leaves_nothing", sighup_leaves_nothing, NULL},
    {"sigpipe_leaves_nothing", sigpipe_leaves_nothing, NULL},
    {"exec_sweeps_the_old_images_directory", exec_sweeps_the_old_images_directory, NULL},
    {"passes_over_a_tmpdir_others_may_rearrange", passes_over_a_tmpdir_others_may_rearrange, NULL},
    {"passes_over_a_missing_tmpdir", passes_over_a_missing_tmpdir, NULL},
    {"passes_over_a_noexec_tmpdir", passes_over_a_noexec_tmpdir, NULL},
    {"passes_over_a_full_tmpdir", passes_over_a_full_tmpdir, NULL},
    {"copies_go_beside_the_library_at_last", copies_go_beside_the_library_at_last, NULL},
    {"without_tmpdir_copies_go_to_the_runtime_dir", without_tmpdir_copies_go_to_the_runtime_dir,
     NULL},
    {"without_either_copies_go_to_dev_shm_else_tmp", without_either_copies_go_to_dev_shm_else_tmp,
     NULL},
    {"says_why_a_reload_into_a_filled_tmpdir_stopped",
     says_why_a_reload_into_a_filled_tmpdir_stopped, NULL},
    {"retired_copies_keep_only_what_is_mapped", retired_copies_keep_only_what_is_mapped, NULL},
    {"leaves_nothing_behind", leaves_nothing_behind, CHECK_EVERY_SCENARIO_ABOVE},
};

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc == 3)
        return helper(argv[1]);
    if (argc != 1) {
        fprintf(stderr, "usage: test_private_dir\n");
        return 2;
    }
    const char *parent = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(scratch, sizeof scratch, "%.40s/vais-hot-pd-XXXXXX", parent);
    CHECK(mkdtemp(scratch) != NULL);
    setenv("TMPDIR", scratch, 1);
    hot_log_to(NULL);
    return CHECK_SCENARIOS("private_dir", scenarios);
}
