/* tests/system.h
 * What the C tests need of the system that Linux and Windows (mingw-w64)
 * spell differently: clocks and pauses, a new scratch directory, where the
 * runtime's private copies go, a file's identity as a stamp gives it and
 * its time, replacing a file, making a directory, running a program and
 * waiting for it, and whether Wine runs it. The tests' own seam: the rest
 * of a test that runs on both is plain C. Header-only. */
#ifndef VAIS_HOT_TEST_SYSTEM_H
#define VAIS_HOT_TEST_SYSTEM_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a hot library's file is called ("lib" SYSTEM_LIBRARY_SUFFIX). */
#ifdef _WIN32
#define SYSTEM_LIBRARY_SUFFIX ".dll"
#else
#define SYSTEM_LIBRARY_SUFFIX ".so"
#endif

/* What identifies one version of a file, as HOT_ABI_STAMP_FORMAT gives it
 * (inode and device are 0 on Windows, whose runtime compares size and
 * write time). */
struct system_file_id {
    long long size, mtime_ns;
    unsigned long long inode, device;
};

/* A monotonic clock, for delays. */
static inline long long system_now_ns(void);

/* The time of day, ns since the epoch (file times are on that clock). */
static inline long long system_wall_ns(void);

/* Fills *id for the file at path; 0, or -1 if it cannot be seen. */
static inline int system_file_id(const char *path, struct system_file_id *id);

/* Makes dir (size bytes) a new directory "vais-hot-<name>-XXXXXX" in /tmp
 * (in the user's temporary directory on Windows); 1 if it did. */
static inline int system_scratch_dir(char *dir, size_t size, const char *name);

/* The runtime's private copies go into dir (TMPDIR; TMP on Windows). */
static inline void system_private_copies_in(const char *dir);

/* Puts the file from in to's place in one step, as rename(2) does also
 * where to exists; 0 on success. */
static inline int system_replace(const char *from, const char *to);

/* Runs argv[0] (a path, or a name looked up in PATH) with argv and waits
 * for it: its exit status (on Windows, an exception's code if one ended
 * it), or -1 if it could not run or did not exit, saying why on stderr. */
static inline int system_run(char *const argv[]);

/* system_run, waiting at most ms milliseconds: a program still running
 * then is killed, and it is -1 with *hung set. */
static inline int system_run_within(char *const argv[], int ms, int *hung);

/* Makes directory path, for this user only; 0, or -1. */
static inline int system_make_dir(const char *path);

/* Waits ms milliseconds. */
static inline void system_pause_ms(int ms);

/* 1 if this is a Windows program running under Wine, which does some
 * things otherwise; else 0. */
static inline int system_under_wine(void);

/* Sets the modification time of the file at path (ns since the epoch;
 * Windows keeps it to 100 ns); 0, or -1. */
static inline int system_set_mtime_ns(const char *path, long long mtime_ns);

#ifdef _WIN32
/* This program's own file, which a Windows test starts again where a
 * Linux one forks; NULL if its path does not fit. */
static inline const char *system_this_program(void);
#endif

#ifdef _WIN32
#include <direct.h>
#include <io.h>
#include <windows.h>

/* 100 ns intervals from 1601 to 1970, the epochs of FILETIME and Unix. */
#define SYSTEM_FILETIME_EPOCH 116444736000000000LL

static inline long long system_filetime_ns(FILETIME time)
{
    unsigned long long ticks = ((unsigned long long)time.dwHighDateTime << 32) | time.dwLowDateTime;
    return ((long long)ticks - SYSTEM_FILETIME_EPOCH) * 100;
}

static inline long long system_now_ns(void)
{
    LARGE_INTEGER count, frequency;
    QueryPerformanceCounter(&count);
    QueryPerformanceFrequency(&frequency);
    long long whole = count.QuadPart / frequency.QuadPart;
    long long part = count.QuadPart % frequency.QuadPart;
    return whole * 1000000000LL + part * 1000000000LL / frequency.QuadPart;
}

static inline long long system_wall_ns(void)
{
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    return system_filetime_ns(now);
}

static inline int system_file_id(const char *path, struct system_file_id *id)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    if (!GetFileAttributesExA(path, GetFileExInfoStandard, &data))
        return -1;
    id->size = (long long)(((unsigned long long)data.nFileSizeHigh << 32) | data.nFileSizeLow);
    id->mtime_ns = system_filetime_ns(data.ftLastWriteTime);
    id->inode = id->device = 0;
    return 0;
}

static inline int system_scratch_dir(char *dir, size_t size, const char *name)
{
    char temp[MAX_PATH + 1];
    DWORD length = GetTempPathA(sizeof temp, temp);
    if (length == 0 || length >= sizeof temp)
        return 0;
    for (int attempt = 0; attempt < 100; attempt++) {
        int n = snprintf(dir, size, "%svais-hot-%s-XXXXXX", temp, name);
        if (n < 0 || (size_t)n >= size || _mktemp_s(dir, (size_t)n + 1) != 0)
            return 0;
        if (_mkdir(dir) == 0)
            return 1;
    }
    return 0;
}

static inline void system_private_copies_in(const char *dir)
{
    _putenv_s("TMP", dir);
}

/* Windows (and Wine) will not replace a file another has open, as the
 * runtime has the library and its stamp while it reads them, which in auto
 * mode may be as a test lands the next: tried again for at most 5 s. */
static inline int system_replace(const char *from, const char *to)
{
    for (int waited_ms = 0;; waited_ms += 5) {
        if (MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING))
            return 0;
        DWORD why = GetLastError();
        if ((why != ERROR_ACCESS_DENIED && why != ERROR_SHARING_VIOLATION) || waited_ms >= 5000)
            return -1;
        Sleep(5);
    }
}

static inline int system_make_dir(const char *path)
{
    return _mkdir(path);
}

static inline void system_pause_ms(int ms)
{
    Sleep((DWORD)ms);
}

static inline int system_under_wine(void)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

static inline int system_set_mtime_ns(const char *path, long long mtime_ns)
{
    unsigned long long ticks = (unsigned long long)(mtime_ns / 100 + SYSTEM_FILETIME_EPOCH);
    FILETIME time = {(DWORD)ticks, (DWORD)(ticks >> 32)};
    HANDLE file = CreateFileA(path, FILE_WRITE_ATTRIBUTES,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                              OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return -1;
    int ok = SetFileTime(file, NULL, NULL, &time);
    CloseHandle(file);
    return ok ? 0 : -1;
}

static inline const char *system_this_program(void)
{
    static char path[MAX_PATH + 1];
    DWORD length = GetModuleFileNameA(NULL, path, sizeof path);
    return length > 0 && length < sizeof path ? path : NULL;
}

/* Puts c at line[*at] if room (bytes) leaves space for it and a NUL after:
 * 0, or -1. */
static inline int system_put(char *line, size_t room, size_t *at, char c)
{
    if (*at + 1 >= room)
        return -1;
    line[(*at)++] = c;
    line[*at] = '\0';
    return 0;
}

/* Appends argument to the command line line[0..*at) of room bytes, quoted
 * so that the C runtime's parser gives it back unchanged (as _spawnvp does
 * not: an argument with a space became two): inside quotes, backslashes
 * are literal but before a quote, where each is doubled and the quote
 * escaped. The program's name (first) is parsed apart, up to the next
 * quote, so it is only quoted. 0, or -1 if it does not fit. */
static inline int system_append_argument(char *line, size_t room, size_t *at, const char *argument,
                                         int first)
{
    int failed = !first && system_put(line, room, at, ' ');
    failed |= system_put(line, room, at, '"');
    for (const char *p = argument;; p++) {
        size_t backslashes = 0;
        while (!first && *p == '\\') {
            backslashes++;
            p++;
        }
        size_t copies = *p == '\0'  ? 2 * backslashes
                        : *p == '"' ? 2 * backslashes + 1
                                    : backslashes;
        for (size_t i = 0; i < copies; i++)
            failed |= system_put(line, room, at, '\\');
        if (*p == '\0')
            break;
        failed |= system_put(line, room, at, *p);
    }
    failed |= system_put(line, room, at, '"');
    return failed ? -1 : 0;
}

static inline int system_run(char *const argv[])
{
    int hung;
    return system_run_within(argv, -1, &hung);
}

static inline int system_run_within(char *const argv[], int ms, int *hung)
{
    *hung = 0;
    char line[32768]; /* the most CreateProcess takes */
    size_t used = 0;
    for (size_t i = 0; argv[i]; i++) {
        if (system_append_argument(line, sizeof line, &used, argv[i], i == 0) != 0 ||
            (i == 0 && strchr(argv[0], '"'))) {
            fprintf(stderr, "system_run: cannot make a command line of %s\n", argv[0]);
            return -1;
        }
    }
    STARTUPINFOA start = {.cb = sizeof start, .dwFlags = STARTF_USESTDHANDLES};
    start.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    start.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    start.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    /* Wine fails a start now and then with ERROR_INTERNAL_ERROR when
     * programs start side by side (4 in 4,500 of runtime_corrupt's, two
     * runs at once); the next start works. */
    PROCESS_INFORMATION child;
    for (int tries = 1;; tries++) {
        if (CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &start, &child))
            break;
        DWORD why = GetLastError();
        fprintf(stderr, "system_run: cannot start %s: error %lu%s\n", argv[0], why,
                why == ERROR_INTERNAL_ERROR && tries < 3 ? "; trying again" : "");
        if (why != ERROR_INTERNAL_ERROR || tries == 3)
            return -1;
    }
    DWORD status = 1,
          waited_for = WaitForSingleObject(child.hProcess, ms < 0 ? INFINITE : (DWORD)ms);
    if (waited_for == WAIT_TIMEOUT) {
        *hung = 1;
        TerminateProcess(child.hProcess, 1);
        waited_for = WaitForSingleObject(child.hProcess, INFINITE);
    }
    int waited =
        !*hung && waited_for == WAIT_OBJECT_0 && GetExitCodeProcess(child.hProcess, &status);
    CloseHandle(child.hThread);
    CloseHandle(child.hProcess);
    if (*hung)
        return -1;
    if (!waited) {
        fprintf(stderr, "system_run: cannot wait for %s: error %lu\n", argv[0], GetLastError());
        return -1;
    }
    return (int)status;
}

#else
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static inline long long system_clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline long long system_now_ns(void)
{
    return system_clock_ns(CLOCK_MONOTONIC);
}

static inline long long system_wall_ns(void)
{
    return system_clock_ns(CLOCK_REALTIME);
}

static inline int system_file_id(const char *path, struct system_file_id *id)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    id->size = (long long)st.st_size;
    id->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    id->inode = (unsigned long long)st.st_ino;
    id->device = (unsigned long long)st.st_dev;
    return 0;
}

static inline int system_scratch_dir(char *dir, size_t size, const char *name)
{
    int n = snprintf(dir, size, "/tmp/vais-hot-%s-XXXXXX", name);
    return n > 0 && (size_t)n < size && mkdtemp(dir) != NULL;
}

static inline void system_private_copies_in(const char *dir)
{
    setenv("TMPDIR", dir, 1);
}

static inline int system_replace(const char *from, const char *to)
{
    return rename(from, to);
}

static inline int system_make_dir(const char *path)
{
    return mkdir(path, 0700);
}

static inline int system_under_wine(void)
{
    return 0;
}

static inline void system_pause_ms(int ms)
{
    const struct timespec pause = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}

static inline int system_set_mtime_ns(const char *path, long long mtime_ns)
{
    const struct timespec times[2] = {{0, UTIME_OMIT},
                                      {mtime_ns / 1000000000LL, mtime_ns % 1000000000LL}};
    return utimensat(AT_FDCWD, path, times, 0);
}

/* Waits for child pid to end, at most ms milliseconds if ms >= 0, and
 * kills it (setting *hung) if it has not: 0 with its wait status in
 * *status, or -1 if it could not be waited for. POSIX only: a forked
 * child's wait. */
static inline int system_wait_within(pid_t pid, int ms, int *status, int *hung)
{
    pid_t ended = 0;
    *hung = 0;
    for (long long deadline = system_now_ns() + ms * 1000000LL;
         ms >= 0 && (ended = waitpid(pid, status, WNOHANG)) == 0 && system_now_ns() < deadline;)
        system_pause_ms(1);
    if (ms >= 0 && ended == 0) {
        *hung = 1;
        kill(pid, SIGKILL);
    }
    return ended == pid || waitpid(pid, status, 0) == pid ? 0 : -1;
}

static inline int system_run(char *const argv[])
{
    int hung;
    return system_run_within(argv, -1, &hung);
}

static inline int system_run_within(char *const argv[], int ms, int *hung)
{
    pid_t pid;
    int status = -1, spawned = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    *hung = 0;
    if (spawned != 0) {
        fprintf(stderr, "system_run: cannot start %s: %s\n", argv[0], strerror(spawned));
        return -1;
    }
    if (system_wait_within(pid, ms, &status, hung) != 0)
        return -1;
    return !*hung && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif

#endif
