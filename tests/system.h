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
 * it), or -1 if it could not run or did not exit. */
static inline int system_run(char *const argv[]);

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
#include <process.h>
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

static inline int system_run(char *const argv[])
{
    intptr_t status = _spawnvp(_P_WAIT, argv[0], (const char *const *)argv);
    return status < 0 ? -1 : (int)status;
}

#else
#include <fcntl.h>
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

static inline int system_run(char *const argv[])
{
    pid_t pid;
    int status = -1;
    if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0 ||
        waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif

#endif
