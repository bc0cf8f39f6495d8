/* tests/windows/os_files/test_os_files.c
 * The Windows OS seam's files, loader, pages, clocks and watch
 * (os/os_windows.c), under Wine: test.exe DIR LIBRARY, where DIR is an
 * empty directory but for "dir-link", a symbolic link run.sh made to its
 * "linked" directory, LIBRARY is library.c built as a DLL, and run.sh
 * removes DIR/tree when DIR/remove-tree appears. Prints a
 * FAIL line for each check that fails, a SKIP line for each one Wine
 * cannot show, one line per part, and "all passed" if no check failed;
 * exits 1 if one did. */
#include "os.h"

#include <windows.h>
#include <aclapi.h>
#include <winioctl.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed, checked;
static char err[2048]; /* what the function under test said last */

static void check(int ok, int line, const char *expr)
{
    checked++;
    if (ok)
        return;
    failed++;
    printf("FAIL test_os_files.c:%d: %s\n", line, expr);
    if (err[0])
        printf("     the last err: %s\n", err);
    fflush(stdout);
}

#define CHECK(expr) check((expr) != 0, __LINE__, #expr)
#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        if (check_a_ != check_b_)                                                                  \
            printf("     %s is %lld, expected %lld\n", #a, check_a_, check_b_);                    \
        check(check_a_ == check_b_, __LINE__, #a " == " #b);                                       \
    } while (0)

static void skip(const char *what, const char *why)
{
    printf("SKIP: %s (Wine: %s)\n", what, why);
}

static const char *dir;     /* where the files are made, '/'-separated */
static const char *library; /* library.c's DLL */

/* dir/name, in one of a few buffers that take turns. */
static const char *at(const char *name)
{
    static char paths[8][1024];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, sizeof paths[0], "%s/%s", dir, name);
    return path;
}

static const wchar_t *wide(const char *path)
{
    static wchar_t paths[4][1024];
    static int next;
    wchar_t *out = paths[next++ % 4];
    MultiByteToWideChar(CP_UTF8, 0, path, -1, out, 1024);
    return out;
}

static void put(const char *path, const void *bytes, size_t size)
{
    HANDLE file = CreateFileW(wide(path), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD written = 0;
    int ok = file != INVALID_HANDLE_VALUE && WriteFile(file, bytes, (DWORD)size, &written, NULL) &&
             written == size;
    if (file != INVALID_HANDLE_VALUE)
        CloseHandle(file);
    if (!ok)
        printf("FAIL: the test cannot write '%s' (error %lu)\n", path, GetLastError());
    failed += !ok;
}

static void put_text(const char *path, const char *text)
{
    put(path, text, strlen(text));
}

/* The file's contents as read_file reads them, or "" */
static const char *contents(const char *path)
{
    static char text[256];
    unsigned char *bytes = NULL;
    struct hot__file_id id;
    long n = hot__os_read_file(path, sizeof text - 1, &bytes, &id, err, sizeof err);
    snprintf(text, sizeof text, "%s", n >= 0 ? (const char *)bytes : "");
    free(bytes);
    return text;
}

static void file_ids(void)
{
    const char *a = at("a.txt");
    struct hot__file_id first, again, rewritten, same_size, replaced;
    put_text(a, "one");
    CHECK(hot__os_file_id(a, &first, err, sizeof err) == 0);
    CHECK(hot__os_file_id(a, &again, err, sizeof err) == 0);
    CHECK(hot__file_id_equal(&first, &again));
    CHECK_INT(first.size, 3);
    CHECK(first.inode != 0); /* the file index, not mingw's st_ino */
    long long now = hot__os_wall_ns();
    CHECK(first.mtime_ns > now - 60000000000LL && first.mtime_ns < now + 60000000000LL);

    char backslashed[1024];
    snprintf(backslashed, sizeof backslashed, "%s", a);
    for (char *c = backslashed; *c; c++)
        *c = *c == '/' ? '\\' : *c;
    CHECK(hot__os_file_id(backslashed, &again, err, sizeof err) == 0);
    CHECK(hot__file_id_equal(&first, &again));

    put_text(a, "three");
    CHECK(hot__os_file_id(a, &rewritten, err, sizeof err) == 0);
    CHECK(!hot__file_id_equal(&first, &rewritten));
    Sleep(2);
    put_text(a, "THREE");
    CHECK(hot__os_file_id(a, &same_size, err, sizeof err) == 0);
    CHECK(!hot__file_id_equal(&rewritten, &same_size));
    CHECK_INT(same_size.inode, rewritten.inode);

    put_text(at("b.txt"), "THREE");
    CHECK(MoveFileExW(wide(at("b.txt")), wide(a), MOVEFILE_REPLACE_EXISTING));
    CHECK(hot__os_file_id(a, &replaced, err, sizeof err) == 0);
    CHECK(replaced.inode != same_size.inode);

    err[0] = '\0';
    CHECK(hot__os_file_id(at("none"), &again, err, sizeof err) == -1);
    CHECK(strstr(err, "cannot open") != NULL);
}

static void kinds(void)
{
    put_text(at("kind.txt"), "x");
    CHECK_INT(hot__os_kind(at("kind.txt"), 1), HOT_OS_FILE);
    CHECK_INT(hot__os_kind(at("kind.txt"), 0), HOT_OS_FILE);
    CHECK_INT(hot__os_kind(dir, 1), HOT_OS_DIRECTORY);
    CHECK_INT(hot__os_kind(at("none"), 1), HOT_OS_NOTHING);
    CHECK_INT(hot__os_kind(at("none/deeper"), 0), HOT_OS_NOTHING);
    CHECK_INT(hot__os_kind("NUL", 1), HOT_OS_OTHER);
    CHECK_INT(hot__os_kind(at("dir-link"), 1), HOT_OS_DIRECTORY);
    CHECK_INT(hot__os_kind(at("dir-link"), 0), HOT_OS_OTHER);
}

struct names {
    int count, calls;
    char seen[8][64];
};

static int collect(void *ctx, const char *name)
{
    struct names *names = ctx;
    names->calls++;
    if (names->count < 8)
        snprintf(names->seen[names->count++], sizeof names->seen[0], "%s", name);
    return 0;
}

static int stop_at_first(void *ctx, const char *name)
{
    (void)name;
    ((struct names *)ctx)->calls++;
    return 7;
}

static int has(const struct names *names, const char *name)
{
    for (int i = 0; i < names->count; i++) {
        if (strcmp(names->seen[i], name) == 0)
            return 1;
    }
    return 0;
}

static void entries(void)
{
    char err_unused[256];
    CHECK(hot__os_make_dir(at("entries"), err_unused, sizeof err_unused) == 0);
    put_text(at("entries/x"), "x");
    put_text(at("entries/\xc3\xbcn\xc3\xaf.txt"), "u"); /* "ünï.txt" */
    CHECK(hot__os_make_dir(at("entries/sub"), err_unused, sizeof err_unused) == 0);
    struct names names = {0};
    CHECK_INT(hot__os_each_entry(at("entries"), collect, &names), 0);
    CHECK_INT(names.count, 3);
    CHECK(has(&names, "x") && has(&names, "sub") && has(&names, "\xc3\xbcn\xc3\xaf.txt"));
    struct names stopped = {0};
    CHECK_INT(hot__os_each_entry(at("entries/"), stop_at_first, &stopped), 7);
    CHECK_INT(stopped.calls, 1);
    struct names empty = {0};
    CHECK_INT(hot__os_each_entry(at("entries/sub"), collect, &empty), 0);
    CHECK_INT(empty.calls, 0);
    CHECK_INT(hot__os_each_entry(at("none"), collect, &empty), -1);
    CHECK_INT(hot__os_each_entry(at("entries/x"), collect, &empty), -1);
    CHECK_INT(strcmp(contents(at("entries/\xc3\xbcn\xc3\xaf.txt")), "u"), 0);
}

static void make_dirs(void)
{
    CHECK(hot__os_make_dir(at("made"), err, sizeof err) == 0);
    CHECK_INT(hot__os_kind(at("made"), 1), HOT_OS_DIRECTORY);
    CHECK(hot__os_make_dir(at("made"), err, sizeof err) == 0);
    put_text(at("made/file"), "x");
    err[0] = '\0';
    CHECK(hot__os_make_dir(at("made/file"), err, sizeof err) == -1);
    CHECK(err[0] != '\0');
    err[0] = '\0';
    CHECK(hot__os_make_dir(at("none/made"), err, sizeof err) == -1);
    CHECK(strstr(err, "cannot create directory") != NULL);
}

static void reads(void)
{
    const char *hello = at("hello.txt");
    char buf[100];
    unsigned char *bytes = NULL;
    struct hot__file_id id, by_path;
    put_text(hello, "hello world");
    CHECK(hot__os_file_id(hello, &by_path, err, sizeof err) == 0);
    CHECK_INT(hot__os_read_prefix(hello, buf, 6, &id, err, sizeof err), 5);
    CHECK_INT(strcmp(buf, "hello"), 0);
    CHECK(hot__file_id_equal(&id, &by_path));
    CHECK_INT(hot__os_read_prefix(hello, buf, sizeof buf, &id, err, sizeof err), 11);
    CHECK_INT(strcmp(buf, "hello world"), 0);

    CHECK_INT(hot__os_read_file(hello, 100, &bytes, &id, err, sizeof err), 11);
    CHECK(bytes && memcmp(bytes, "hello world", 12) == 0); /* and the NUL after */
    CHECK(hot__file_id_equal(&id, &by_path));
    free(bytes);
    CHECK_INT(hot__os_read_file(hello, 11, &bytes, &id, err, sizeof err), 11);
    free(bytes);
    memset(&id, 0, sizeof id);
    CHECK_INT(hot__os_read_file(hello, 5, &bytes, &id, err, sizeof err), HOT_OS_FILE_TOO_LARGE);
    CHECK(bytes == NULL);
    CHECK_INT(id.size, 11);
    CHECK(strstr(err, "holds 11 bytes") != NULL);

    CHECK_INT(hot__os_read_prefix(at("none"), buf, sizeof buf, &id, err, sizeof err),
              HOT_OS_FILE_MISSING);
    CHECK_INT(hot__os_read_file(at("none/deeper"), 100, &bytes, &id, err, sizeof err),
              HOT_OS_FILE_MISSING);
    CHECK_INT(hot__os_read_prefix(dir, buf, sizeof buf, &id, err, sizeof err), HOT_OS_FILE_MISSING);
    CHECK(strstr(err, "is a directory") != NULL);
    CHECK_INT(hot__os_read_file(dir, 100, &bytes, &id, err, sizeof err), HOT_OS_FILE_MISSING);
    CHECK_INT(hot__os_read_prefix("NUL", buf, sizeof buf, &id, err, sizeof err),
              HOT_OS_FILE_MISSING);
}

/* A file of more bytes than a long counts (a long is 4 bytes here), sparse
 * where the file system can: whatever the most asked for, read_file says
 * it is too large, not a count that overflowed. */
static void large_files(void)
{
    const char *big = at("big.bin");
    unsigned char *bytes = NULL;
    struct hot__file_id id;
    LARGE_INTEGER end = {.QuadPart = (LONGLONG)LONG_MAX + 2};
    DWORD returned;
    HANDLE file = CreateFileW(wide(big), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file != INVALID_HANDLE_VALUE)
        DeviceIoControl(file, FSCTL_SET_SPARSE, NULL, 0, NULL, 0, &returned, NULL);
    int made = file != INVALID_HANDLE_VALUE && SetFilePointerEx(file, end, NULL, FILE_BEGIN) &&
               SetEndOfFile(file);
    if (file != INVALID_HANDLE_VALUE)
        CloseHandle(file);
    CHECK(made);
    if (made) {
        CHECK_INT(hot__os_read_file(big, SIZE_MAX, &bytes, &id, err, sizeof err),
                  HOT_OS_FILE_TOO_LARGE);
        CHECK(bytes == NULL);
        CHECK_INT(id.size, (long long)LONG_MAX + 2);
        free(bytes);
    }
    hot__os_remove_file(big);
}

/* Adds to path's DACL an ACE allowing Everyone rights (none: a NULL DACL),
 * not inherited. 0, or the error. */
static DWORD allow_everyone(const char *path, DWORD rights, int directory)
{
    HANDLE handle = CreateFileW(wide(path), READ_CONTROL | WRITE_DAC, FILE_SHARE_READ, NULL,
                                OPEN_EXISTING, directory ? FILE_FLAG_BACKUP_SEMANTICS : 0, NULL);
    if (handle == INVALID_HANDLE_VALUE)
        return GetLastError();
    PACL old = NULL, dacl = NULL;
    PSECURITY_DESCRIPTOR descriptor = NULL;
    EXPLICIT_ACCESSW access = {0};
    access.grfAccessPermissions = rights;
    access.grfAccessMode = GRANT_ACCESS;
    access.grfInheritance = NO_INHERITANCE;
    access.Trustee.TrusteeForm = TRUSTEE_IS_NAME;
    access.Trustee.TrusteeType = TRUSTEE_IS_WELL_KNOWN_GROUP;
    access.Trustee.ptstrName = L"Everyone";
    DWORD status = GetSecurityInfo(handle, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
                                   &old, NULL, &descriptor);
    if (status == ERROR_SUCCESS && rights)
        status = SetEntriesInAclW(1, &access, old, &dacl);
    if (status == ERROR_SUCCESS)
        status = SetSecurityInfo(handle, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
                                 dacl, NULL);
    LocalFree(dacl);
    LocalFree(descriptor);
    CloseHandle(handle);
    return status;
}

/* 1 if the DACL of path, read back, has an ACE allowing Everyone rights
 * (none: if it is a NULL DACL). */
static int shows_everyone(const char *path, DWORD rights, int directory)
{
    HANDLE handle = CreateFileW(wide(path), READ_CONTROL, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                                directory ? FILE_FLAG_BACKUP_SEMANTICS : 0, NULL);
    PACL dacl = NULL;
    PSECURITY_DESCRIPTOR descriptor = NULL;
    BYTE everyone[SECURITY_MAX_SID_SIZE];
    DWORD size = sizeof everyone;
    int shown = 0;
    if (handle != INVALID_HANDLE_VALUE && CreateWellKnownSid(WinWorldSid, NULL, everyone, &size) &&
        GetSecurityInfo(handle, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &dacl, NULL,
                        &descriptor) == ERROR_SUCCESS) {
        shown = !rights && !dacl;
        for (DWORD i = 0; rights && dacl && i < dacl->AceCount; i++) {
            ACCESS_ALLOWED_ACE *ace;
            if (GetAce(dacl, i, (void **)&ace) && ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE &&
                EqualSid(&ace->SidStart, everyone) && (ace->Mask & rights) == rights)
                shown = 1;
        }
    }
    LocalFree(descriptor);
    if (handle != INVALID_HANDLE_VALUE)
        CloseHandle(handle);
    return shown;
}

/* What a load does with src: reads it, then writes its private copy dst. */
static int copy_library(const char *src, const char *dst, unsigned char **bytes, size_t *capacity,
                        size_t *size, struct hot__file_id *before, struct hot__file_id *after)
{
    int status = hot__os_read_library(src, bytes, capacity, size, before, after, err, sizeof err);
    return status != 0 ? status : hot__os_write_copy(dst, *bytes, *size, err, sizeof err);
}

static void unsafe_files(void)
{
    char buf[64];
    unsigned char *bytes = NULL;
    size_t capacity = 0, size;
    struct hot__file_id id, before, after;
    const char *open = at("open.txt");
    put_text(open, "anyone's");
    DWORD status = allow_everyone(open, FILE_GENERIC_WRITE, 0);
    if (status != 0 || !shows_everyone(open, FILE_WRITE_DATA, 0)) {
        skip("a file Everyone may write refused as unsafe",
             "SetSecurityInfo did not store the ACE, or GetSecurityInfo does not show it");
    } else {
        CHECK_INT(hot__os_read_prefix(open, buf, sizeof buf, &id, err, sizeof err),
                  HOT_OS_FILE_UNSAFE);
        CHECK(strstr(err, "S-1-1-0") && strstr(err, "can be written by"));
        printf("     refused: %s\n", err);
        CHECK_INT(hot__os_read_file(open, 100, &bytes, &id, err, sizeof err), HOT_OS_FILE_UNSAFE);
        CHECK_INT(
            copy_library(open, at("open-copy.txt"), &bytes, &capacity, &size, &before, &after),
            HOT_OS_FILE_UNSAFE);
        CHECK_INT(hot__os_kind(at("open-copy.txt"), 0), HOT_OS_NOTHING);
    }

    /* No DACL: everyone may do anything. */
    const char *no_dacl = at("no-dacl.txt");
    put_text(no_dacl, "anyone's");
    CHECK_INT(allow_everyone(no_dacl, 0, 0), 0);
    CHECK_INT(hot__os_read_prefix(no_dacl, buf, sizeof buf, &id, err, sizeof err),
              HOT_OS_FILE_UNSAFE);
    if (!shows_everyone(no_dacl, 0, 0))
        skip("the text for a file with no DACL",
             "it keeps a NULL DACL as the mode 0777, and shows the DACL of that mode");
    else
        CHECK(strstr(err, "no access control list") != NULL);

    /* A directory others may rearrange: its file may be read, not copied. */
    CHECK(hot__os_make_dir(at("shared"), err, sizeof err) == 0);
    status = allow_everyone(at("shared"), FILE_ADD_FILE | FILE_DELETE_CHILD, 1);
    put_text(at("shared/lib.bin"), "mine");
    if (status != 0 || !shows_everyone(at("shared"), FILE_ADD_FILE, 1)) {
        skip("a file in a directory Everyone may add to refused for copying",
             "SetSecurityInfo did not store the ACE, or GetSecurityInfo does not show it");
    } else {
        CHECK_INT(hot__os_read_prefix(at("shared/lib.bin"), buf, sizeof buf, &id, err, sizeof err),
                  4);
        CHECK_INT(copy_library(at("shared/lib.bin"), at("shared-copy.bin"), &bytes, &capacity,
                               &size, &before, &after),
                  HOT_OS_FILE_UNSAFE);
        CHECK(strstr(err, "S-1-1-0") && strstr(err, "can be rearranged by"));
        printf("     refused: %s\n", err);
        CHECK_INT(hot__os_kind(at("shared-copy.bin"), 0), HOT_OS_NOTHING);
    }
    free(bytes);

    /* A link at the end is not followed: a reparse point is refused. */
    put_text(at("target.txt"), "target");
    DWORD link = CreateSymbolicLinkW(wide(at("file-link")), L"target.txt", 0)
                     ? GetFileAttributesW(wide(at("file-link")))
                     : INVALID_FILE_ATTRIBUTES;
    if (link == INVALID_FILE_ATTRIBUTES || !(link & FILE_ATTRIBUTE_REPARSE_POINT)) {
        skip("a symbolic link to a file refused as a reparse point",
             "CreateSymbolicLinkW says it made one and makes nothing, and a Linux symbolic link "
             "to a file shows as that file");
    } else {
        CHECK_INT(hot__os_read_prefix(at("file-link"), buf, sizeof buf, &id, err, sizeof err),
                  HOT_OS_FILE_MISSING);
        CHECK(strstr(err, "reparse point") != NULL);
    }
}

enum { COPIED = 100000 };

static void copies(void)
{
    static unsigned char pattern[COPIED];
    for (size_t i = 0; i < COPIED; i++)
        pattern[i] = (unsigned char)(i * 7 + i / 251);
    const char *src = at("lib.bin"), *dst = at("copy1.bin");
    put(src, pattern, COPIED);
    unsigned char *bytes = NULL, *read = NULL;
    size_t capacity = 0, size = 0;
    struct hot__file_id before, after, id;
    CHECK_INT(copy_library(src, dst, &bytes, &capacity, &size, &before, &after), 0);
    CHECK_INT(size, COPIED);
    CHECK(capacity > COPIED);
    CHECK(bytes && memcmp(bytes, pattern, COPIED) == 0);
    CHECK(hot__file_id_equal(&before, &after));
    CHECK(hot__os_file_id(src, &id, err, sizeof err) == 0 && hot__file_id_equal(&before, &id));
    CHECK_INT(hot__os_read_file(dst, COPIED, &read, &id, err, sizeof err), COPIED);
    CHECK(read && memcmp(read, pattern, COPIED) == 0);
    free(read);

    /* dst is new: one there stays as it was. */
    CHECK_INT(copy_library(src, dst, &bytes, &capacity, &size, &before, &after),
              HOT_OS_FILE_STOPPED);
    CHECK(strstr(err, "cannot create") != NULL);
    CHECK(hot__os_file_id(dst, &id, err, sizeof err) == 0);
    CHECK_INT(id.size, COPIED);
    CHECK_INT(copy_library(src, at("none/copy.bin"), &bytes, &capacity, &size, &before, &after),
              HOT_OS_FILE_STOPPED);

    CHECK_INT(copy_library(at("none"), at("copy2.bin"), &bytes, &capacity, &size, &before, &after),
              HOT_OS_FILE_MISSING);
    CHECK_INT(copy_library(dir, at("copy2.bin"), &bytes, &capacity, &size, &before, &after),
              HOT_OS_FILE_MISSING);
    CHECK_INT(hot__os_kind(at("copy2.bin"), 0), HOT_OS_NOTHING);

    /* One that a program writes is not read meanwhile: a build finishes it. */
    HANDLE writer = CreateFileW(wide(src), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                                OPEN_EXISTING, 0, NULL);
    CHECK(writer != INVALID_HANDLE_VALUE);
    CHECK_INT(copy_library(src, at("copy3.bin"), &bytes, &capacity, &size, &before, &after),
              HOT_OS_FILE_MISSING);
    CHECK(strstr(err, "being written") != NULL);
    CHECK_INT(hot__os_kind(at("copy3.bin"), 0), HOT_OS_NOTHING);
    CloseHandle(writer);
    free(bytes);
}

static void maps(void)
{
    size_t size = 0;
    const unsigned char *bytes = hot__os_map_file(at("lib.bin"), &size, err, sizeof err);
    CHECK(bytes != NULL);
    CHECK_INT(size, COPIED);
    CHECK(bytes && bytes[1] == 7 &&
          bytes[COPIED - 1] == (unsigned char)((COPIED - 1) * 7 + (COPIED - 1) / 251));
    hot__os_unmap_file(bytes, size);
    put_text(at("empty"), "");
    CHECK(hot__os_map_file(at("empty"), &size, err, sizeof err) == NULL);
    CHECK(strstr(err, "empty") != NULL);
    CHECK(hot__os_map_file(at("none"), &size, err, sizeof err) == NULL);
    CHECK(strstr(err, "cannot map") != NULL);

    bytes = hot__os_map_file(hot__os_program_path(), &size, err, sizeof err);
    CHECK(bytes && size > 2 && bytes[0] == 'M' && bytes[1] == 'Z');
    hot__os_unmap_file(bytes, size);
    char path[1024], small[4];
    CHECK(hot__os_program_file(path, sizeof path) == 0);
    size_t length = strlen(path);
    CHECK(length > 8 && _stricmp(path + length - 8, "test.exe") == 0);
    CHECK(hot__os_program_file(small, sizeof small) == -1);
}

/* Sets path's last write time to unix_seconds. */
static void set_written(const char *path, long long unix_seconds)
{
    ULONGLONG ticks = (ULONGLONG)(unix_seconds * 10000000LL + 116444736000000000LL);
    FILETIME t = {(DWORD)ticks, (DWORD)(ticks >> 32)};
    HANDLE file = CreateFileW(wide(path), FILE_WRITE_ATTRIBUTES, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(file != INVALID_HANDLE_VALUE && SetFileTime(file, NULL, NULL, &t));
    if (file != INVALID_HANDLE_VALUE)
        CloseHandle(file);
}

static void times(void)
{
    put_text(at("old.txt"), "old");
    set_written(at("old.txt"), 1000000000LL); /* 2001 */
    CHECK_INT(hot__os_older_than_program(at("old.txt")), 1);
    put_text(at("new.txt"), "new");
    set_written(at("new.txt"), hot__os_wall_ns() / 1000000000LL + 3600);
    CHECK_INT(hot__os_older_than_program(at("new.txt")), 0);
    CHECK_INT(hot__os_older_than_program(at("none")), 0);

    /* The program's file renamed away and a newer one put in its place, as
     * a build may while it runs: rebuilt; the old one put back: not. */
    char program[1024], aside[1100];
    CHECK(hot__os_program_file(program, sizeof program) == 0);
    snprintf(aside, sizeof aside, "%s.running", program);
    CHECK_INT(hot__os_program_rebuilt(), 0);
    CHECK(MoveFileW(wide(program), wide(aside)));
    put_text(program, "a newer build");
    set_written(program, hot__os_wall_ns() / 1000000000LL + 3600);
    CHECK_INT(hot__os_program_rebuilt(), 1);
    CHECK(MoveFileExW(wide(aside), wide(program), MOVEFILE_REPLACE_EXISTING));
    CHECK_INT(hot__os_program_rebuilt(), 0);

    long long start = hot__os_now_ns();
    hot__os_sleep_ms(50);
    long long slept = hot__os_now_ns() - start;
    CHECK(slept >= 45000000LL && slept < 5000000000LL);
    CHECK(hot__os_now_ns() >= start + slept);
    CHECK_INT(hot__os_pid(), GetCurrentProcessId());
    hot__os_at_fork(NULL, NULL, NULL); /* no fork(): nothing to run, ever */
    struct hot__os_signal_mask mask;
    hot__os_block_signals(&mask);
    hot__os_restore_signals(&mask);
}

static void removals(void)
{
    put_text(at("gone.txt"), "x");
    hot__os_remove_file(at("gone.txt"));
    CHECK_INT(hot__os_kind(at("gone.txt"), 0), HOT_OS_NOTHING);
    hot__os_remove_file(at("gone.txt")); /* not there: nothing to do */
    put_text(at("gone-too.txt"), "x");
    struct hot__os_extent keep = {0, 1};
    hot__os_remove_file_but_mapped(at("gone-too.txt"), &keep, 1);
    CHECK_INT(hot__os_kind(at("gone-too.txt"), 0), HOT_OS_NOTHING);
}

/* The pointer the file bytes[0..size) of a PE DLL holds at rva, as linked. */
static unsigned long long stored_pointer(const unsigned char *bytes, size_t size, DWORD rva)
{
    IMAGE_DOS_HEADER dos;
    IMAGE_NT_HEADERS64 nt;
    memcpy(&dos, bytes, sizeof dos);
    memcpy(&nt, bytes + dos.e_lfanew, sizeof nt);
    size_t sections = (size_t)dos.e_lfanew + offsetof(IMAGE_NT_HEADERS64, OptionalHeader) +
                      nt.FileHeader.SizeOfOptionalHeader;
    for (WORD i = 0; i < nt.FileHeader.NumberOfSections; i++) {
        IMAGE_SECTION_HEADER s;
        memcpy(&s, bytes + sections + i * sizeof s, sizeof s);
        if (rva >= s.VirtualAddress && rva + 8 <= s.VirtualAddress + s.SizeOfRawData &&
            s.PointerToRawData + (rva - s.VirtualAddress) + 8 <= size) {
            unsigned long long value;
            memcpy(&value, bytes + s.PointerToRawData + (rva - s.VirtualAddress), sizeof value);
            return value;
        }
    }
    return 0;
}

/* A function at an address (an object pointer to ISO C). */
static int call(void *code)
{
    int (*function)(void);
    memcpy(&function, &code, sizeof function);
    return function();
}

static DWORD protection_of(const void *address)
{
    MEMORY_BASIC_INFORMATION info;
    return VirtualQuery(address, &info, sizeof info) ? info.Protect : 0;
}

__declspec(dllexport) int hot_test_exported(void)
{
    return 1;
}

static void check_bias(void *handle, const unsigned char *file, size_t size)
{
    int **where = hot__os_library_symbol(handle, "where");
    uintptr_t bias = 0;
    CHECK_INT(hot__os_library_bias(handle, &bias), 0);
    CHECK(where != NULL);
    if (!where)
        return;
    unsigned long long linked =
        stored_pointer(file, size, (DWORD)((uintptr_t)where - (uintptr_t)handle));
    CHECK(linked != 0);
    CHECK_INT(**where, 42);
    CHECK((uintptr_t)*where - bias == linked); /* the relocated pointer, back where linked */
}

static void libraries(void)
{
    unsigned char *bytes = NULL;
    size_t capacity = 0, size = 0;
    struct hot__file_id before, after;
    const char *first = at("lib1.dll"), *second = at("lib2.dll");
    CHECK_INT(copy_library(library, second, &bytes, &capacity, &size, &before, &after), 0);
    CHECK_INT(copy_library(library, first, &bytes, &capacity, &size, &before, &after), 0);
    CHECK_INT(strcmp(hot__os_library_format(), "PE"), 0);
    CHECK_INT(hot__os_loader_applies_packed_relocations(), 1);

    void *one = hot__os_library_open(first, err, sizeof err);
    void *two = hot__os_library_open(second, err, sizeof err);
    CHECK(one != NULL && two != NULL && one != two);
    if (!one || !two) {
        free(bytes);
        return;
    }
    void *twice = hot__os_library_symbol(one, "twice");
    int (*twice_function)(int);
    CHECK(twice != NULL);
    memcpy(&twice_function, &twice, sizeof twice_function);
    CHECK(twice && twice_function(21) == 42);
    CHECK(hot__os_library_symbol(one, "not_there") == NULL);

    /* Both copies want the same place: the second is relocated. */
    check_bias(one, bytes, size);
    check_bias(two, bytes, size);
    uintptr_t relocated = 0;
    CHECK(hot__os_library_bias(two, &relocated) == 0 && relocated != 0);

    const char *both[] = {"twice", "hot_test_exported"};
    const char *lib1[] = {"LIB1.DLL"};
    CHECK_INT(hot__os_first_undefined(both, 2, lib1, 1), 2);

    /* Code rewritten: mov eax, 8; ret where seven's mov eax, 7; ret was. */
    unsigned char *seven = hot__os_library_symbol(two, "seven");
    static const unsigned char was[] = {0xb8, 7, 0, 0, 0, 0xc3}, now[] = {0xb8, 8, 0, 0, 0, 0xc3};
    CHECK(seven && memcmp(seven, was, sizeof was) == 0);
    if (seven && memcmp(seven, was, sizeof was) == 0) {
        CHECK_INT(hot__os_code_writable(seven, sizeof now, 1, err, sizeof err), 0);
        CHECK(protection_of(seven) == PAGE_EXECUTE_WRITECOPY || /* an image's page, not yet */
              protection_of(seven) == PAGE_EXECUTE_READWRITE);  /* written, or another's */
        memcpy(seven, now, sizeof now);
        CHECK_INT(hot__os_code_writable(seven, sizeof now, 0, err, sizeof err), 0);
        CHECK_INT(protection_of(seven), PAGE_EXECUTE_READ);
        CHECK_INT(call(seven), 8);
    }

    /* Read-only data made writable, and read-only again. */
    int *constant = hot__os_library_symbol(two, "constant");
    CHECK(constant && protection_of(constant) == PAGE_READONLY);
    if (constant) {
        CHECK_INT(hot__os_data_writable(constant, sizeof *constant, 1, err, sizeof err), 0);
        CHECK(protection_of(constant) == PAGE_WRITECOPY ||
              protection_of(constant) == PAGE_READWRITE);
        *(volatile int *)constant = 6;
        CHECK_INT(hot__os_data_writable(constant, sizeof *constant, 0, err, sizeof err), 0);
        CHECK_INT(protection_of(constant), PAGE_READONLY);
        CHECK_INT(*(volatile int *)constant, 6);
    }

    /* Windows keeps a loaded DLL's file; once unloaded, it may go. */
    CHECK_INT(hot__os_removes_loaded_libraries(), 0);
    struct hot__os_extent keep = {0, 4096};
    hot__os_remove_file_but_mapped(first, &keep, 1);
    CHECK_INT(hot__os_kind(first, 0), HOT_OS_FILE);
    hot__os_library_close(one);
    hot__os_library_close(two);
    hot__os_remove_file(first);
    hot__os_remove_file(second);
    CHECK_INT(hot__os_kind(first, 0), HOT_OS_NOTHING);
    CHECK_INT(hot__os_kind(second, 0), HOT_OS_NOTHING);
    CHECK_INT(hot__os_first_undefined(both, 2, lib1, 1), SIZE_MAX);

    err[0] = '\0';
    CHECK(hot__os_library_open(at("none.dll"), err, sizeof err) == NULL);
    CHECK(err[0] != '\0');
    printf("     refused: %s\n", err);
    err[0] = '\0';
    CHECK(hot__os_library_open(at("hello.txt"), err, sizeof err) == NULL);
    CHECK(err[0] != '\0');
    free(bytes);
}

static void undefined(void)
{
    const char *exported[] = {"hot_test_exported"};
    const char *made_up[] = {"hot_test_exported", "hot_test_made_up"};
    const char *system[] = {"GetTickCount", "hot_test_exported"};
    const char *program[] = {"TEST.EXE"}, *lower[] = {"test.exe"};
    const char *kernel[] = {"KERNEL32.dll"}, *absent[] = {"not-loaded-here.dll"};
    const char *renamed[] = {"kernel32.dll", "Test-Before-Rename.EXE"};
    CHECK_INT(hot__os_first_undefined(exported, 1, NULL, 0), 1);
    CHECK_INT(hot__os_first_undefined(made_up, 2, NULL, 0), 1);
    CHECK_INT(hot__os_first_undefined(exported, 1, program, 1), 1);
    CHECK_INT(hot__os_first_undefined(made_up, 2, lower, 1), 1);
    CHECK_INT(hot__os_first_undefined(system, 2, kernel, 1), 2);
    CHECK_INT(hot__os_first_undefined(system, 1, NULL, 0), 0); /* kernel32 was not named */
    CHECK_INT(hot__os_first_undefined(exported, 1, absent, 1), SIZE_MAX);
    /* A DLL built for this program under another name: none of its names
     * is this program's, and its program is never loaded as a library. */
    CHECK_INT(hot__os_first_undefined(system, 2, renamed, 2), 0);
}

static void pages(void)
{
    size_t page = hot__os_page_size();
    CHECK(page >= 4096 && (page & (page - 1)) == 0);
    unsigned char *code = hot__os_pages_new(page, err, sizeof err);
    CHECK(code != NULL);
    if (!code)
        return;
    int zeroed = 1;
    for (size_t i = 0; i < page; i++)
        zeroed &= code[i] == 0;
    CHECK(zeroed);
    static const unsigned char return_five[] = {0xb8, 5, 0, 0, 0, 0xc3}; /* mov eax, 5; ret */
    memcpy(code, return_five, sizeof return_five);
    CHECK_INT(hot__os_pages_seal(code, page, err, sizeof err), 0);
    CHECK_INT(protection_of(code), PAGE_EXECUTE_READ);
    CHECK_INT(call(code), 5);
    hot__os_pages_free(code, page);
    MEMORY_BASIC_INFORMATION info;
    CHECK(VirtualQuery(code, &info, sizeof info) && info.State == MEM_FREE);
}

/* Waits until w says nothing more (spurious changes are allowed after one). */
static void settle(struct hot__watch *w)
{
    int i = 0;
    while (i < 20 && hot__os_watch_wait(w, 100) != 0)
        i++;
    CHECK(i < 20);
}

static DWORD WINAPI wake_later(void *w)
{
    Sleep(100);
    hot__os_watch_wake(w);
    return 0;
}

static void watch(void)
{
    char err_unused[256];
    CHECK(hot__os_make_dir(at("watched"), err_unused, sizeof err_unused) == 0);
    CHECK(hot__os_make_dir(at("tree"), err_unused, sizeof err_unused) == 0);
    put_text(at("watched/lib.dll"), "v1");
    const char *paths[] = {at("watched/lib.dll"), at("tree")};
    struct hot__watch *w = hot__os_watch_open(paths, 2, err, sizeof err);
    CHECK(w != NULL);
    if (!w)
        return;
    CHECK_INT(hot__os_watch_wait(w, 0), 0);
    long long start = hot__os_now_ns();
    CHECK_INT(hot__os_watch_wait(w, 200), 0);
    CHECK(hot__os_now_ns() - start >= 190000000LL);

    put_text(at("watched/lib.dll"), "v2"); /* rewritten */
    CHECK_INT(hot__os_watch_wait(w, 5000), 1);
    settle(w);
    put_text(at("watched/other.txt"), "x"); /* not watched */
    CHECK_INT(hot__os_watch_wait(w, 300), 0);

    put_text(at("watched/lib.tmp"), "v3"); /* replaced by rename */
    CHECK(MoveFileExW(wide(at("watched/lib.tmp")), wide(at("watched/lib.dll")),
                      MOVEFILE_REPLACE_EXISTING));
    CHECK_INT(hot__os_watch_wait(w, 5000), 1);
    settle(w);
    CHECK(DeleteFileW(wide(at("watched/lib.dll")))); /* deleted, and made again */
    put_text(at("watched/lib.dll"), "v4");
    CHECK_INT(hot__os_watch_wait(w, 5000), 1);
    settle(w);
    put_text(at("tree/any.txt"), "x"); /* any file of a watched directory */
    CHECK_INT(hot__os_watch_wait(w, 5000), 1);
    settle(w);

    HANDLE waker = CreateThread(NULL, 0, wake_later, w, 0, NULL);
    start = hot__os_now_ns();
    CHECK_INT(hot__os_watch_wait(w, 10000), -1);
    CHECK(hot__os_now_ns() - start < 5000000000LL);
    WaitForSingleObject(waker, INFINITE);
    CloseHandle(waker);
    hot__os_watch_wake(w); /* before a wait: the next one; two as one */
    hot__os_watch_wake(w);
    CHECK_INT(hot__os_watch_wait(w, 0), -1);
    CHECK_INT(hot__os_watch_wait(w, 0), 0);

    /* A watched directory renamed away, then made again. */
    CHECK(MoveFileW(wide(at("tree")), wide(at("tree.old"))));
    CHECK_INT(hot__os_watch_wait(w, 5000), 1);
    CHECK_INT(hot__os_watch_wait(w, 100), 1); /* its path names none */
    CHECK(CreateDirectoryW(wide(at("tree")), NULL));
    CHECK_INT(hot__os_watch_wait(w, 5000), 1);
    settle(w);
    put_text(at("tree/new.txt"), "x");
    CHECK_INT(hot__os_watch_wait(w, 5000), 1);
    settle(w);
    put_text(at("tree.old/any.txt"), "y"); /* what it watched before */
    CHECK_INT(hot__os_watch_wait(w, 300), 0);

    /* Removed by a Linux program (run.sh, asked by "remove-tree"), as a
     * build beside Wine would, then made again. */
    put_text(at("remove-tree"), "");
    CHECK_INT(hot__os_watch_wait(w, 10000), 1);
    CHECK_INT(hot__os_kind(at("tree"), 0), HOT_OS_NOTHING);
    CHECK_INT(hot__os_watch_wait(w, 100), 1);
    CHECK(CreateDirectoryW(wide(at("tree")), NULL));
    CHECK_INT(hot__os_watch_wait(w, 5000), 1);
    settle(w);
    put_text(at("tree/again.txt"), "x");
    CHECK_INT(hot__os_watch_wait(w, 5000), 1);
    hot__os_watch_close(w);

    const char *missing[] = {at("none/lib.dll")};
    CHECK(hot__os_watch_open(missing, 1, err, sizeof err) == NULL);
    CHECK(strstr(err, "cannot watch") != NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test.exe DIR LIBRARY\n");
        return 2;
    }
    dir = argv[1];
    library = argv[2];
    static const struct {
        const char *name;
        void (*run)(void);
    } parts[] = {
        {"file ids", file_ids},
        {"kinds", kinds},
        {"entries", entries},
        {"make_dir", make_dirs},
        {"reads", reads},
        {"large files", large_files},
        {"unsafe files", unsafe_files},
        {"copies", copies},
        {"maps", maps},
        {"times", times},
        {"removals", removals},
        {"first_undefined", undefined},
        {"libraries", libraries},
        {"pages", pages},
        {"watch", watch},
    };
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        int before = failed, count = checked;
        err[0] = '\0';
        parts[i].run();
        printf("%s %s (%d checks)\n", failed > before ? "FAIL" : "ok  ", parts[i].name,
               checked - count);
        fflush(stdout);
    }
    if (failed) {
        printf("%d of %d checks failed\n", failed, checked);
        return 1;
    }
    printf("%d checks: all passed\n", checked);
    return 0;
}
