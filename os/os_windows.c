/* os/os_windows.c
 * os.h for Windows x64 but the private directory and the processes: files
 * and their DACLs, LoadLibraryExW, VirtualProtect, ReadDirectoryChangesW.
 * Paths are UTF-8 with '/' or '\' separators.
 * Invariant: every function reports failure through its return value and
 * err text; none prints, exits or leaves a handle open on any path. */
#include "os.h"

#include "copy_buffer.h"
#include "windows_text.h"

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

enum { PATH_UNITS = 4096 }; /* UTF-16 units of a path this file handles, with its NUL */

/* path in UTF-16 in wide[0..PATH_UNITS), each '/' made '\', which the
 * "\\?\" form needs. 0, or -1 (not UTF-8, or too long) with the last
 * error set. */
static int widen(const char *path, wchar_t *wide)
{
    if (win_widen(path, wide, PATH_UNITS) != 0)
        return -1;
    for (wchar_t *c = wide; *c; c++) {
        if (*c == L'/')
            *c = L'\\';
    }
    return 0;
}

/* err: "<what> '<path>': " and the text of the last error. */
static void set_err(char *err, size_t errlen, const char *what, const char *path)
{
    char text[512];
    win_error_text(GetLastError(), text, sizeof text);
    snprintf(err, errlen, "%s '%s': %s", what, path, text);
}

/* 100 ns ticks from 1601 to 1970, the epochs of FILETIME and of os.h. */
#define UNIX_EPOCH_TICKS 116444736000000000LL

static long long ticks(FILETIME t)
{
    return (long long)(((ULONGLONG)t.dwHighDateTime << 32) | t.dwLowDateTime);
}

static long long unix_ns(FILETIME t)
{
    return (ticks(t) - UNIX_EPOCH_TICKS) * 100;
}

/* mingw's stat gives st_ino 0: the identity is the volume's serial and the
 * file's index on it, which GetFileInformationByHandle gives. */
static void id_from_info(const BY_HANDLE_FILE_INFORMATION *info, struct hot__file_id *id)
{
    id->size = (long long)(((ULONGLONG)info->nFileSizeHigh << 32) | info->nFileSizeLow);
    id->mtime_ns = unix_ns(info->ftLastWriteTime);
    id->inode = ((ULONGLONG)info->nFileIndexHigh << 32) | info->nFileIndexLow;
    id->device = info->dwVolumeSerialNumber;
}

/* Opens wide to look at it (no read, no write: nobody's sharing stops it),
 * a directory too; following a reparse point at its end when follow. */
static HANDLE open_to_look(const wchar_t *wide, int follow)
{
    return CreateFileW(wide, FILE_READ_ATTRIBUTES,
                       FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                       FILE_FLAG_BACKUP_SEMANTICS | (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT),
                       NULL);
}

int hot__os_file_id(const char *path, struct hot__file_id *id, char *err, size_t errlen)
{
    wchar_t wide[PATH_UNITS];
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE file = widen(path, wide) == 0 ? open_to_look(wide, 1) : INVALID_HANDLE_VALUE;
    int ok = file != INVALID_HANDLE_VALUE && GetFileInformationByHandle(file, &info);
    if (!ok)
        set_err(err, errlen, "cannot open", path);
    if (file != INVALID_HANDLE_VALUE)
        CloseHandle(file);
    if (!ok)
        return -1;
    id_from_info(&info, id);
    return 0;
}

/* The vais-hot command of a Windows program built on Linux stamps the
 * library with what Linux sees: its inode and device, which Windows' file
 * index and volume serial are not, and its write time to the nanosecond,
 * which Windows keeps to 100 ns. The stamp's hash of the bytes, checked on
 * the copy, still tells a library rewritten with the same size and time. */
int hot__os_stamp_names(const struct hot__file_id *stamped, const struct hot__file_id *now)
{
    return stamped->size == now->size && stamped->mtime_ns / 100 == now->mtime_ns / 100;
}

enum hot__os_kind hot__os_kind(const char *path, int follow)
{
    wchar_t wide[PATH_UNITS];
    if (widen(path, wide) != 0)
        return HOT_OS_NOTHING;
    /* The path's own attributes: Wine shows a Linux symbolic link to a
     * directory as a reparse point there, and not on a handle. */
    DWORD attributes = GetFileAttributesW(wide);
    if (attributes == INVALID_FILE_ATTRIBUTES)
        return HOT_OS_NOTHING;
    if (!follow && (attributes & FILE_ATTRIBUTE_REPARSE_POINT))
        return HOT_OS_OTHER;
    HANDLE file = open_to_look(wide, follow);
    if (file == INVALID_HANDLE_VALUE)
        return HOT_OS_NOTHING;
    BY_HANDLE_FILE_INFORMATION info;
    enum hot__os_kind kind = HOT_OS_OTHER; /* a device ("NUL"), a pipe */
    if (GetFileType(file) == FILE_TYPE_DISK && GetFileInformationByHandle(file, &info)) {
        kind = !follow && (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ? HOT_OS_OTHER
               : info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY                ? HOT_OS_DIRECTORY
                                                                                 : HOT_OS_FILE;
    }
    CloseHandle(file);
    return kind;
}

int hot__os_each_entry(const char *dir, int (*visit)(void *ctx, const char *name), void *ctx)
{
    wchar_t pattern[PATH_UNITS];
    if (widen(dir, pattern) != 0)
        return -1;
    size_t length = wcslen(pattern);
    const wchar_t *all = length > 0 && pattern[length - 1] == L'\\' ? L"*" : L"\\*";
    if (length + wcslen(all) >= PATH_UNITS)
        return -1;
    wcscat(pattern, all);
    WIN32_FIND_DATAW entry;
    HANDLE find = FindFirstFileExW(pattern, FindExInfoBasic, &entry, FindExSearchNameMatch, NULL,
                                   FIND_FIRST_EX_LARGE_FETCH);
    if (find == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : -1; /* a root with nothing in it */
    int stop = 0;
    do {
        char name[3 * MAX_PATH + 1]; /* a name is at most MAX_PATH - 1 units */
        if (wcscmp(entry.cFileName, L".") != 0 && wcscmp(entry.cFileName, L"..") != 0 &&
            win_narrow(entry.cFileName, -1, name, sizeof name) == 0)
            stop = visit(ctx, name);
    } while (!stop && FindNextFileW(find, &entry));
    FindClose(find);
    return stop;
}

int hot__os_make_dir(const char *path, char *err, size_t errlen)
{
    wchar_t wide[PATH_UNITS];
    /* Its DACL: what its parent's ACEs pass on, which is Windows' umask. */
    if (widen(path, wide) == 0 && CreateDirectoryW(wide, NULL))
        return 0;
    if (GetLastError() == ERROR_ALREADY_EXISTS) {
        if (hot__os_kind(path, 1) == HOT_OS_DIRECTORY)
            return 0;
        snprintf(err, errlen, "cannot create directory '%s': a file of that name is there", path);
        return -1;
    }
    set_err(err, errlen, "cannot create directory", path);
    return -1;
}

long long hot__os_wall_ns(void)
{
    FILETIME now;
    GetSystemTimePreciseAsFileTime(&now);
    return unix_ns(now);
}

/* The running program's file: its path in UTF-8 ("" if it cannot be told)
 * and its last write time as the process started. */
static struct {
    INIT_ONCE once;
    char path[3 * PATH_UNITS];
    int written_known;
    FILETIME written;
} program = {INIT_ONCE_STATIC_INIT, "", 0, {0, 0}};

static BOOL CALLBACK remember_program(PINIT_ONCE once, PVOID parameter, PVOID *context)
{
    (void)once, (void)parameter, (void)context;
    wchar_t wide[PATH_UNITS];
    DWORD n = GetModuleFileNameW(NULL, wide, PATH_UNITS);
    if (n == 0 || n >= PATH_UNITS || win_narrow(wide, -1, program.path, sizeof program.path) != 0) {
        program.path[0] = '\0';
        return TRUE;
    }
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE file = open_to_look(wide, 1);
    program.written_known = file != INVALID_HANDLE_VALUE && GetFileInformationByHandle(file, &info);
    if (program.written_known)
        program.written = info.ftLastWriteTime;
    if (file != INVALID_HANDLE_VALUE)
        CloseHandle(file);
    return TRUE;
}

static void know_program(void)
{
    InitOnceExecuteOnce(&program.once, remember_program, NULL, NULL);
}

/* The program's file may be renamed away and replaced while it runs (not
 * written: Windows refuses that): it is looked at as the process starts. */
__attribute__((constructor)) static void know_program_at_start(void)
{
    know_program();
}

/* The last write time of the file at path now, in 100 ns ticks; -1 if it
 * cannot be told. */
static long long written_now(const char *path)
{
    wchar_t wide[PATH_UNITS];
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE file = path[0] && widen(path, wide) == 0 ? open_to_look(wide, 1) : INVALID_HANDLE_VALUE;
    int known = file != INVALID_HANDLE_VALUE && GetFileInformationByHandle(file, &info);
    if (file != INVALID_HANDLE_VALUE)
        CloseHandle(file);
    return known ? ticks(info.ftLastWriteTime) : -1;
}

int hot__os_older_than_program(const char *path)
{
    know_program();
    long long written = written_now(path);
    return written >= 0 && program.written_known && written <= ticks(program.written);
}

int hot__os_program_rebuilt(void)
{
    know_program();
    long long written = written_now(program.path);
    return written >= 0 && program.written_known && written != ticks(program.written);
}

/* Who may be trusted with a file of ours, as root is on Linux: the user,
 * the system's own accounts (SYSTEM, TrustedInstaller), the
 * Administrators group, and OWNER RIGHTS (the owner, whom the owner check
 * has trusted). The user's SID is NULL if the token cannot tell it. */
static struct {
    INIT_ONCE once;
    PSID user;
    BYTE sids[4][SECURITY_MAX_SID_SIZE];
    int count;
} trusted = {INIT_ONCE_STATIC_INIT, NULL, {{0}}, 0};

static BOOL CALLBACK know_trusted(PINIT_ONCE once, PVOID parameter, PVOID *context)
{
    (void)once, (void)parameter, (void)context;
    static union {
        TOKEN_USER user;
        BYTE bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    } token_user; /* where trusted.user points */
    HANDLE token;
    DWORD size;
    if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
        if (GetTokenInformation(token, TokenUser, &token_user, sizeof token_user, &size))
            trusted.user = token_user.user.User.Sid;
        CloseHandle(token);
    }
    static const WELL_KNOWN_SID_TYPE known[] = {WinLocalSystemSid, WinBuiltinAdministratorsSid,
                                                WinCreatorOwnerRightsSid};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        size = SECURITY_MAX_SID_SIZE;
        if (CreateWellKnownSid(known[i], NULL, trusted.sids[trusted.count], &size))
            trusted.count++;
    }
    PSID installer; /* NT SERVICE\TrustedInstaller, which owns the system's files */
    if (ConvertStringSidToSidW(L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
                               &installer)) {
        if (CopySid(SECURITY_MAX_SID_SIZE, trusted.sids[trusted.count], installer))
            trusted.count++;
        LocalFree(installer);
    }
    return TRUE;
}

static int is_trusted(PSID sid)
{
    InitOnceExecuteOnce(&trusted.once, know_trusted, NULL, NULL);
    if (trusted.user && EqualSid(sid, trusted.user))
        return 1;
    for (int i = 0; i < trusted.count; i++) {
        if (EqualSid(sid, trusted.sids[i]))
            return 1;
    }
    return 0;
}

/* sid as a user reads it: "'DOMAIN\name' (S-1-...)", or its string alone;
 * its string alone in text. */
static void sid_name(PSID sid, char *out, size_t size, char *text, size_t textlen)
{
    wchar_t *string = NULL, name[256], domain[256];
    DWORD name_units = 256, domain_units = 256;
    SID_NAME_USE use;
    if (!ConvertSidToStringSidW(sid, &string) || win_narrow(string, -1, text, textlen) != 0)
        snprintf(text, textlen, "?");
    LocalFree(string);
    char account[1024], domain_utf8[512];
    if (LookupAccountSidW(NULL, sid, name, &name_units, domain, &domain_units, &use) &&
        win_narrow(name, -1, account, sizeof account) == 0 &&
        win_narrow(domain, -1, domain_utf8, sizeof domain_utf8) == 0) {
        if (domain_utf8[0])
            snprintf(out, size, "'%s\\%s' (%s)", domain_utf8, account, text);
        else
            snprintf(out, size, "'%s' (%s)", account, text);
    } else {
        snprintf(out, size, "%s", text);
    }
}

/* What lets another replace a file's bytes: write them, change who may
 * (DACL, owner), or delete it. */
#define FILE_WRITE_RIGHTS                                                                          \
    (FILE_WRITE_DATA | FILE_APPEND_DATA | WRITE_DAC | WRITE_OWNER | DELETE | GENERIC_WRITE |       \
     GENERIC_ALL)
/* What lets another replace what a directory holds: add a file (before
 * the build makes it), delete one, change who may, delete or rename the
 * directory. Not FILE_ADD_SUBDIRECTORY, which replaces nothing and which
 * Windows grants Authenticated Users on C:\. */
#define DIRECTORY_WRITE_RIGHTS                                                                     \
    (FILE_ADD_FILE | FILE_DELETE_CHILD | WRITE_DAC | WRITE_OWNER | DELETE | GENERIC_WRITE |        \
     GENERIC_ALL)

/* Who besides the trusted may write the file (or directory) open as
 * handle, named path in err? HOT_OS_FILE_UNSAFE, saying who, if its owner
 * is not trusted (an owner may always change the DACL), if it has no DACL
 * (everyone may do anything, as on a FAT drive), or if an ACE of its DACL
 * allows an untrusted SID to write it (a deny ACE before it is not
 * weighed: the refusal errs on the safe side); HOT_OS_FILE_STOPPED if that
 * cannot be told; else 0.
 * What Wine 8 shows of a file Linux wrote: a DACL made from its mode, with
 * SYSTEM and the owner (the user's SID when the Unix owner is the user
 * running Wine) allowed all, and Everyone allowed to write when the mode
 * has o+w; the group's bits show nowhere, so a file only its group may
 * write passes. What SetSecurityInfo writes it keeps only as the mode (a
 * write ACE for Everyone as o+w, a NULL DACL as 0777). */
static int check_writers(HANDLE handle, const char *path, int directory, char *err, size_t errlen)
{
    PSID owner = NULL;
    PACL dacl = NULL;
    PSECURITY_DESCRIPTOR descriptor = NULL;
    DWORD status = GetSecurityInfo(handle, SE_FILE_OBJECT,
                                   OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &owner,
                                   NULL, &dacl, NULL, &descriptor);
    if (status != ERROR_SUCCESS) {
        char text[512];
        win_error_text(status, text, sizeof text);
        snprintf(err, errlen, "cannot tell who may write '%s': %s", path, text);
        return HOT_OS_FILE_STOPPED;
    }
    char who[1200], sid[200];
    int unsafe = 1;
    if (owner && !is_trusted(owner)) {
        sid_name(owner, who, sizeof who, sid, sizeof sid);
        snprintf(err, errlen, "'%s' belongs to %s, who could %s", path, who,
                 directory ? "replace what is in it" : "put any code in it");
    } else if (!dacl) {
        snprintf(err, errlen,
                 "every user may write '%s': it has no access control list (as on a FAT drive)",
                 path);
    } else {
        unsafe = 0;
        ACCESS_MASK rights = directory ? DIRECTORY_WRITE_RIGHTS : FILE_WRITE_RIGHTS;
        for (DWORD i = 0; !unsafe && i < dacl->AceCount; i++) {
            ACCESS_ALLOWED_ACE *ace; /* the layout of the callback type's too */
            if (!GetAce(dacl, i, (void **)&ace) || (ace->Header.AceFlags & INHERIT_ONLY_ACE) ||
                (ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE &&
                 ace->Header.AceType != ACCESS_ALLOWED_CALLBACK_ACE_TYPE) ||
                !(ace->Mask & rights) || is_trusted(&ace->SidStart))
                continue;
            unsafe = 1;
            sid_name(&ace->SidStart, who, sizeof who, sid, sizeof sid);
            snprintf(err, errlen, "'%s' can be %s by %s (icacls it /inheritance:d /remove:g *%s)",
                     path, directory ? "rearranged" : "written", who, sid);
        }
    }
    LocalFree(descriptor);
    return unsafe ? HOT_OS_FILE_UNSAFE : 0;
}

/* Could another replace the file at path by rearranging the directory
 * that holds it? Says who in err: HOT_OS_FILE_UNSAFE, or 0. Only that
 * directory, not those above it as on Linux: on Windows an ancestor's
 * grant reaches it through inheritance, and under Wine the directories
 * above the user's are root's, which Wine shows as another's. */
static int check_directory(const char *path, char *err, size_t errlen)
{
    wchar_t wide[PATH_UNITS], dir[PATH_UNITS], *name = NULL;
    char dir_utf8[3 * PATH_UNITS];
    DWORD n = widen(path, wide) == 0 ? GetFullPathNameW(wide, PATH_UNITS, dir, &name) : 0;
    if (n == 0 || n >= PATH_UNITS || !name)
        return 0; /* it was opened: a path that was a file's */
    *name = L'\0';
    HANDLE handle =
        CreateFileW(dir, READ_CONTROL, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                    OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (handle == INVALID_HANDLE_VALUE)
        return 0;                /* one we cannot see holds nothing we read */
    size_t length = wcslen(dir); /* named without its separator, but for a root */
    if (length > 1 && dir[length - 1] == L'\\' && !(length == 3 && dir[1] == L':'))
        dir[length - 1] = L'\0';
    if (win_narrow(dir, -1, dir_utf8, sizeof dir_utf8) != 0)
        snprintf(dir_utf8, sizeof dir_utf8, "%s", "?");
    int status = check_writers(handle, dir_utf8, 1, err, errlen);
    CloseHandle(handle);
    return status == HOT_OS_FILE_UNSAFE ? status : 0;
}

/* Opens path to read it, once: a regular file (no directory, device,
 * pipe or reparse point, whose end is not followed) that nobody but the
 * trusted may write, and that nobody writes while it is open (it is not
 * shared for writing; it may be deleted). *file and *info, 0; or an
 * hot__os_file_failure with why in err. */
static int open_trusted(const char *path, HANDLE *file, BY_HANDLE_FILE_INFORMATION *info, char *err,
                        size_t errlen)
{
    wchar_t wide[PATH_UNITS];
    *file = INVALID_HANDLE_VALUE;
    if (widen(path, wide) == 0)
        *file = CreateFileW(
            wide, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
            FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_SEQUENTIAL_SCAN,
            NULL);
    if (*file == INVALID_HANDLE_VALUE) {
        /* Missing, or being written (a build will finish it); anything
         * else (no permission, out of handles) is this machine's. */
        DWORD code = GetLastError();
        if (code == ERROR_SHARING_VIOLATION) {
            snprintf(err, errlen, "'%s' is being written by another program", path);
            return HOT_OS_FILE_MISSING;
        }
        set_err(err, errlen, "cannot open", path);
        return code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND ||
                       code == ERROR_INVALID_NAME || code == ERROR_DIRECTORY
                   ? HOT_OS_FILE_MISSING
                   : HOT_OS_FILE_STOPPED;
    }
    int status = 0;
    if (GetFileType(*file) != FILE_TYPE_DISK) {
        snprintf(err, errlen, "'%s' is not a regular file", path);
        status = HOT_OS_FILE_MISSING;
    } else if (!GetFileInformationByHandle(*file, info)) {
        set_err(err, errlen, "cannot look at", path);
        status = HOT_OS_FILE_MISSING;
    } else if (info->dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
        snprintf(err, errlen, "'%s' is a link (a reparse point), not a regular file", path);
        status = HOT_OS_FILE_MISSING;
    } else if (info->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
        snprintf(err, errlen, "'%s' is a directory, not a regular file", path);
        status = HOT_OS_FILE_MISSING;
    } else {
        status = check_writers(*file, path, 0, err, errlen);
    }
    if (status != 0) {
        CloseHandle(*file);
        *file = INVALID_HANDLE_VALUE;
    }
    return status;
}

/* Reads file into buf until want bytes or its end: how many it read. A
 * read that fails ends it too, and sets *failed (if not NULL). */
static size_t read_up_to(HANDLE file, void *buf, size_t want, int *failed)
{
    size_t len = 0;
    if (failed)
        *failed = 0;
    while (len < want) {
        DWORD chunk = want - len < (1u << 30) ? (DWORD)(want - len) : (1u << 30), n = 0;
        if (!ReadFile(file, (char *)buf + len, chunk, &n, NULL)) {
            if (failed)
                *failed = 1;
            break;
        }
        if (n == 0)
            break;
        len += n;
    }
    return len;
}

long hot__os_read_prefix(const char *path, void *buffer, size_t size, struct hot__file_id *id,
                         char *err, size_t errlen)
{
    char *buf = buffer;
    HANDLE file;
    BY_HANDLE_FILE_INFORMATION info;
    int status = open_trusted(path, &file, &info, err, errlen);
    if (status != 0)
        return status;
    id_from_info(&info, id);
    size_t want = size - 1 < LONG_MAX ? size - 1 : LONG_MAX; /* what the long returned counts */
    if ((unsigned long long)id->size < want) /* as it was opened: no read to find the end */
        want = (size_t)id->size;
    size_t len = read_up_to(file, buf, want, NULL);
    CloseHandle(file);
    buf[len] = '\0';
    return (long)len;
}

long hot__os_read_file(const char *path, size_t max, unsigned char **bytes, struct hot__file_id *id,
                       char *err, size_t errlen)
{
    HANDLE file;
    BY_HANDLE_FILE_INFORMATION info;
    int status = open_trusted(path, &file, &info, err, errlen);
    *bytes = NULL;
    if (status != 0)
        return status;
    id_from_info(&info, id);
    if (max > LONG_MAX)
        max = LONG_MAX; /* what the long returned counts: a long is 4 bytes on Windows */
    if ((unsigned long long)id->size > max) {
        snprintf(err, errlen, "'%s' holds %lld bytes, more than the %zu expected", path, id->size,
                 max);
        CloseHandle(file);
        return HOT_OS_FILE_TOO_LARGE;
    }
    size_t size = (size_t)id->size;
    unsigned char *buf = malloc(size + 1);
    if (!buf) {
        snprintf(err, errlen, "cannot read '%s': out of memory", path);
        CloseHandle(file);
        return HOT_OS_FILE_NO_MEMORY;
    }
    size_t len = read_up_to(file, buf, size, NULL);
    CloseHandle(file);
    buf[len] = '\0';
    *bytes = buf;
    return (long)len;
}

int hot__os_program_file(char *path, size_t size)
{
    know_program();
    size_t length = strlen(program.path);
    if (length == 0 || length >= size)
        return -1;
    memcpy(path, program.path, length + 1);
    return 0;
}

const char *hot__os_program_path(void)
{
    know_program();
    return program.path;
}

const unsigned char *hot__os_map_file(const char *path, size_t *size, char *err, size_t errlen)
{
    wchar_t wide[PATH_UNITS];
    HANDLE file = INVALID_HANDLE_VALUE, mapping = NULL;
    LARGE_INTEGER length = {.QuadPart = 0};
    void *bytes = NULL;
    if (widen(path, wide) == 0)
        file = CreateFileW(wide, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (file != INVALID_HANDLE_VALUE && GetFileSizeEx(file, &length) && length.QuadPart == 0) {
        snprintf(err, errlen, "cannot map '%s': it is empty", path);
        CloseHandle(file);
        return NULL;
    }
    /* Once mapped, Windows lets nobody cut the file shorter than the view. */
    if (file != INVALID_HANDLE_VALUE && length.QuadPart > 0 &&
        (mapping = CreateFileMappingW(file, NULL, PAGE_READONLY, 0, 0, NULL)) != NULL)
        bytes = MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, 0);
    if (!bytes)
        set_err(err, errlen, "cannot map", path);
    if (mapping)
        CloseHandle(mapping); /* the view keeps what it maps */
    if (file != INVALID_HANDLE_VALUE)
        CloseHandle(file);
    if (!bytes)
        return NULL;
    *size = (size_t)length.QuadPart;
    return bytes;
}

void hot__os_unmap_file(const unsigned char *bytes, size_t size)
{
    (void)size; /* a view is unmapped whole */
    if (bytes)
        UnmapViewOfFile(bytes);
}

static int write_all(HANDLE file, const unsigned char *p, size_t n)
{
    while (n > 0) {
        DWORD chunk = n < (1u << 30) ? (DWORD)n : (1u << 30), written = 0;
        if (!WriteFile(file, p, chunk, &written, NULL) || written == 0)
            return -1;
        p += written;
        n -= written;
    }
    return 0;
}

int hot__os_read_library(const char *src, unsigned char **bytes, size_t *capacity, size_t *size,
                         struct hot__file_id *before, struct hot__file_id *after, char *err,
                         size_t errlen)
{
    HANDLE in;
    BY_HANDLE_FILE_INFORMATION info;
    *size = 0;
    int status = open_trusted(src, &in, &info, err, errlen);
    if (status == 0 && check_directory(src, err, errlen) != 0) {
        CloseHandle(in);
        status = HOT_OS_FILE_UNSAFE;
    }
    if (status != 0)
        return status;
    id_from_info(&info, before);
    /* One more byte than the file had: a read that fills it, the file grew. */
    size_t want = (size_t)before->size + 1;
    int failed = 0;
    if (hot__copy_buffer_hold(bytes, capacity, want) != 0) {
        snprintf(err, errlen, "cannot copy '%s': out of memory", src);
        status = HOT_OS_FILE_NO_MEMORY;
    } else if ((*size = read_up_to(in, *bytes, want, &failed)), failed) {
        set_err(err, errlen, "cannot read", src);
        status = HOT_OS_FILE_MISSING;
    } else if (!GetFileInformationByHandle(in, &info)) {
        set_err(err, errlen, "cannot look at", src);
        status = HOT_OS_FILE_MISSING;
    } else
        id_from_info(&info, after);
    CloseHandle(in);
    return status;
}

int hot__os_write_copy(const char *dst, const unsigned char *bytes, size_t size, char *err,
                       size_t errlen)
{
    wchar_t wide_dst[PATH_UNITS];
    HANDLE out = INVALID_HANDLE_VALUE;
    char where[1024]; /* dst's directory, for messages */
    hot__copy_where(dst, where, sizeof where);
    if (widen(dst, wide_dst) == 0)
        out =
            CreateFileW(wide_dst, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    int status = 0;
    if (out == INVALID_HANDLE_VALUE || write_all(out, bytes, size) != 0) {
        set_err(err, errlen,
                out == INVALID_HANDLE_VALUE ? "cannot create a copy in" : "cannot write a copy in",
                where);
        status = HOT_OS_FILE_STOPPED;
    }
    if (out != INVALID_HANDLE_VALUE && !CloseHandle(out) && status == 0) {
        set_err(err, errlen, "cannot write a copy in", where);
        status = HOT_OS_FILE_STOPPED;
    }
    if (status != 0 && out != INVALID_HANDLE_VALUE)
        DeleteFileW(wide_dst); /* ours: CREATE_NEW made it */
    return status;
}

void hot__os_remove_file(const char *path)
{
    wchar_t wide[PATH_UNITS];
    if (widen(path, wide) == 0)
        DeleteFileW(wide); /* not there: nothing to do */
}

/* Windows refuses to delete (or write) a file a loaded DLL maps (error 5,
 * as Wine does too), and cannot give back part of its room meanwhile: a
 * mapped file is left where it is, for the removal of the private
 * directory at exit, or the sweep of the next start's, to remove. */
void hot__os_remove_file_but_mapped(const char *path, const struct hot__os_extent *keep,
                                    size_t count)
{
    (void)keep, (void)count;
    hot__os_remove_file(path);
}

/* Windows has no asynchronous signal delivered on a thread: a console's
 * Ctrl-C comes on a new thread the system starts, and faults are
 * exceptions on the faulting thread. Nothing to block. */
void hot__os_block_signals(struct hot__os_signal_mask *saved)
{
    memset(saved, 0, sizeof *saved);
}

void hot__os_restore_signals(const struct hot__os_signal_mask *saved)
{
    (void)saved;
}

int hot__os_loader_applies_packed_relocations(void)
{
    /* PE has no DT_RELR: its base relocations are the only kind, and the
     * loader applies them all (or refuses the DLL). */
    return 1;
}

const char *hot__os_library_format(void)
{
    return "PE";
}

void *hot__os_library_open(const char *path, char *err, size_t errlen)
{
    wchar_t wide[PATH_UNITS], full[PATH_UNITS];
    DWORD n = widen(path, wide) == 0 ? GetFullPathNameW(wide, PATH_UNITS, full, NULL) : 0;
    /* Its imports are bound at load, as Windows always does; a full path,
     * which the altered search order (its own directory first) needs. */
    HMODULE module =
        n > 0 && n < PATH_UNITS ? LoadLibraryExW(full, NULL, LOAD_WITH_ALTERED_SEARCH_PATH) : NULL;
    if (!module) {
        DWORD code = GetLastError();
        char text[512];
        win_error_text(code, text, sizeof text);
        snprintf(err, errlen, "%s (error %lu)", text, (unsigned long)code);
    }
    return module;
}

/* Puts the program's file into path; returns how long its folder is there
 * (up to and with its last separator), or 0 if that cannot be told. */
static DWORD program_folder(wchar_t path[PATH_UNITS])
{
    DWORD n = GetModuleFileNameW(NULL, path, PATH_UNITS);
    if (n >= PATH_UNITS)
        return 0;
    while (n > 0 && path[n - 1] != L'\\' && path[n - 1] != L'/')
        n--;
    return n;
}

/* 1 if module_name names the program's own file, whatever its case. */
static int names_program(const wchar_t *module_name)
{
    wchar_t self[PATH_UNITS];
    DWORD folder = program_folder(self);
    return folder > 0 &&
           CompareStringOrdinal(self + folder, -1, module_name, -1, TRUE) == CSTR_EQUAL;
}

/* Does a module's name end in ".exe" (in any case)? */
static int is_program(const wchar_t *name)
{
    size_t length = wcslen(name);
    return length >= 4 &&
           CompareStringOrdinal(name + length - 4, 4, L".exe", 4, TRUE) == CSTR_EQUAL;
}

void hot__os_load_program_libraries(const char *const *libraries, size_t count)
{
    wchar_t path[PATH_UNITS];
    DWORD n = program_folder(path); /* each name goes at path + n */
    for (size_t k = 0; n > 0 && k < count; k++) {
        wchar_t name[PATH_UNITS];
        HMODULE loaded;
        if (strpbrk(libraries[k], "/\\:") || widen(libraries[k], name) != 0 ||
            names_program(name) || is_program(name) ||
            GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, name, &loaded))
            continue;
        size_t length = wcslen(name);
        if (n + length >= PATH_UNITS)
            continue;
        memcpy(path + n, name, (length + 1) * sizeof *name);
        DWORD attributes = GetFileAttributesW(path);
        if (attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY))
            LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH); /* stays, as if linked */
    }
}

/* A PE DLL imports each name from a module its import names: the
 * program's executable or a DLL. Every name is looked up in the program
 * and in each of the libraries, which must all be loaded already (their
 * import by name, looked up without loading). */
size_t hot__os_first_undefined(const char *const *names, size_t count, const char *const *libraries,
                               size_t nlibs)
{
    enum { MAX_LIBRARIES = 64 };
    HMODULE modules[MAX_LIBRARIES + 1];
    if (nlibs > MAX_LIBRARIES)
        return SIZE_MAX;
    modules[0] = GetModuleHandleW(NULL);
    for (size_t k = 0; k < nlibs; k++) {
        wchar_t name[PATH_UNITS];
        if (widen(libraries[k], name) != 0)
            return SIZE_MAX;
        if (names_program(name))
            modules[k + 1] = modules[0];
        else if (is_program(name))
            return 0; /* another program's names: none is this one's */
        else if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, name,
                                     &modules[k + 1]))
            return SIZE_MAX;
    }
    for (size_t i = 0; i < count; i++) {
        int found = 0;
        for (size_t k = 0; !found && k <= nlibs; k++)
            found = GetProcAddress(modules[k], names[i]) != NULL;
        if (!found)
            return i;
    }
    return count;
}

void *hot__os_library_symbol(void *handle, const char *name)
{
    FARPROC symbol = GetProcAddress(handle, name);
    void *address;
    _Static_assert(sizeof symbol == sizeof address, "a symbol's address fits a pointer");
    memcpy(&address, &symbol, sizeof address);
    return address;
}

void hot__os_library_close(void *handle)
{
    FreeLibrary(handle);
}

int hot__os_removes_loaded_libraries(void)
{
    return 0; /* DeleteFileW of a loaded DLL fails with error 5, under Wine too */
}

/* The ImageBase the DLL's file gives, or 0. Not its header as mapped:
 * Windows writes there where it loaded the DLL (Wine leaves the file's). */
static ULONGLONG linked_base(HMODULE module)
{
    wchar_t path[PATH_UNITS];
    unsigned char head[4096];
    DWORD n = GetModuleFileNameW(module, path, PATH_UNITS), got = 0;
    if (n == 0 || n >= PATH_UNITS)
        return 0;
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                              OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return 0;
    int read = ReadFile(file, head, sizeof head, &got, NULL);
    CloseHandle(file);
    /* The DOS header's e_lfanew, then "PE\0\0", the file header and the
     * PE32+ optional header, whose ImageBase is at its offset 24. */
    LONG at = 0;
    if (read && got >= sizeof(IMAGE_DOS_HEADER))
        memcpy(&at, head + offsetof(IMAGE_DOS_HEADER, e_lfanew), sizeof at);
    size_t optional = (size_t)at + 4 + sizeof(IMAGE_FILE_HEADER);
    WORD magic;
    ULONGLONG base;
    if (at <= 0 || optional + sizeof(IMAGE_OPTIONAL_HEADER64) > got ||
        memcmp(head + at, "PE\0\0", 4) != 0)
        return 0;
    memcpy(&magic, head + optional, sizeof magic);
    memcpy(&base, head + optional + offsetof(IMAGE_OPTIONAL_HEADER64, ImageBase), sizeof base);
    return magic == IMAGE_NT_OPTIONAL_HDR64_MAGIC ? base : 0;
}

/* A bias of 0 is a DLL loaded where it was linked: Wine does so whenever
 * that place is free, Windows for a DLL without DYNAMIC_BASE. */
int hot__os_library_bias(void *handle, uintptr_t *bias)
{
    ULONGLONG base = linked_base(handle);
    if (!base)
        return -1;
    *bias = (uintptr_t)handle - (uintptr_t)base;
    return 0;
}

/* The pages [start, start + size) lie on. */
static void page_span(void *start, size_t size, uintptr_t *first, size_t *length)
{
    uintptr_t page = hot__os_page_size();
    *first = (uintptr_t)start & ~(page - 1);
    *length = (((uintptr_t)start + size + page - 1) & ~(page - 1)) - *first;
}

static int protect(void *start, size_t size, DWORD protection, const char *what, char *err,
                   size_t errlen)
{
    uintptr_t first;
    size_t length;
    DWORD old;
    page_span(start, size, &first, &length);
    if (VirtualProtect((void *)first, length, protection, &old)) {
        if (protection == PAGE_EXECUTE_READ) /* code that was written runs as written */
            FlushInstructionCache(GetCurrentProcess(), (void *)first, length);
        return 0;
    }
    char text[512];
    win_error_text(GetLastError(), text, sizeof text);
    snprintf(err, errlen, "the system refuses to make %s (VirtualProtect: %s)", what, text);
    return -1;
}

int hot__os_code_writable(void *start, size_t size, int writable, char *err, size_t errlen)
{
    return writable ? protect(start, size, PAGE_EXECUTE_READWRITE, "code writable", err, errlen)
                    : protect(start, size, PAGE_EXECUTE_READ, "code executable again", err, errlen);
}

int hot__os_data_writable(void *start, size_t size, int writable, char *err, size_t errlen)
{
    return writable
               ? protect(start, size, PAGE_READWRITE, "relocated data writable", err, errlen)
               : protect(start, size, PAGE_READONLY, "relocated data read-only again", err, errlen);
}

/* Whole allocations: VirtualAlloc reserves 64 KiB at least (the
 * allocation granularity) and commits the pages asked for. */
void *hot__os_pages_new(size_t size, char *err, size_t errlen)
{
    void *pages = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (pages)
        return pages;
    char text[512];
    win_error_text(GetLastError(), text, sizeof text);
    snprintf(err, errlen, "cannot map memory for trampolines (%s)", text);
    return NULL;
}

int hot__os_pages_seal(void *start, size_t size, char *err, size_t errlen)
{
    return protect(start, size, PAGE_EXECUTE_READ, "trampolines executable", err, errlen);
}

void hot__os_pages_free(void *start, size_t size)
{
    (void)size; /* released whole, as hot__os_pages_new allocated it */
    VirtualFree(start, 0, MEM_RELEASE);
}

size_t hot__os_page_size(void)
{
    static _Atomic size_t page; /* the same for the process's life; 0: not asked yet */
    size_t size = atomic_load_explicit(&page, memory_order_relaxed);
    if (size == 0) {
        SYSTEM_INFO info;
        GetSystemInfo(&info);
        size = info.dwPageSize;
        atomic_store_explicit(&page, size, memory_order_relaxed);
    }
    return size;
}

long hot__os_pid(void)
{
    return (long)GetCurrentProcessId();
}

/* Windows has no fork(): the handlers are never run. */
void hot__os_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    (void)prepare, (void)parent, (void)child;
}

long long hot__os_now_ns(void)
{
    static _Atomic long long frequency; /* counts a second; 0: not asked yet */
    long long hz = atomic_load_explicit(&frequency, memory_order_relaxed);
    if (hz == 0) {
        LARGE_INTEGER f;
        QueryPerformanceFrequency(&f);
        hz = f.QuadPart;
        atomic_store_explicit(&frequency, hz, memory_order_relaxed);
    }
    LARGE_INTEGER count;
    QueryPerformanceCounter(&count);
    return count.QuadPart / hz * 1000000000LL + count.QuadPart % hz * 1000000000LL / hz;
}

void hot__os_sleep_ms(int ms)
{
    Sleep(ms > 0 ? (DWORD)ms : 0);
}

/* The watch: each directory of a watched path is read with
 * ReadDirectoryChangesW, overlapped, its reads' completions coming to one
 * completion port, as hot__os_watch_wake's packet does; so that its
 * directories are not limited to the 64 handles WaitForMultipleObjects
 * takes. A directory's own removal or rename shows in its parent, which is
 * read for its name; Windows also ends a removed directory's read with an
 * error. Wine does neither when a Windows program removes a directory
 * another holds open: it stays until the watch is closed. */

#define WATCH_MAX_DIRS 256
#define WATCH_BUFFER 8192 /* bytes of notifications a read holds; more: "anything changed" */
#define WAKE_KEY (~(ULONG_PTR)0)

/* One directory handle and the read under way on it. */
struct dir_reader {
    HANDLE handle; /* INVALID_HANDLE_VALUE while not open */
    OVERLAPPED overlapped;
    int reading;         /* a read is under way: its packet will come */
    unsigned generation; /* of handle, in its packets' key: older handles' are stale */
    DWORD buffer[WATCH_BUFFER / sizeof(DWORD)]; /* DWORD-aligned, as the reads need */
};

struct watched_dir {
    wchar_t *path;       /* full, to open it again once it is replaced */
    wchar_t *parent;     /* the directory holding it; NULL for a root */
    const wchar_t *name; /* its name in parent, within path */
    int whole;           /* any file in it is watched */
    size_t name_count;   /* files in it watched */
    wchar_t **names;
    unsigned long long index; /* the directory self has open: volume serial and file index */
    struct dir_reader self;   /* changes in it; not open: lost, watched again at the next wait */
    struct dir_reader above;  /* its name's changes in parent; opened with self */
};

struct hot__watch {
    HANDLE port;               /* every read's completion, and the wake */
    volatile LONG wake_posted; /* a wake's packet is in the port */
    size_t count;
    struct watched_dir *dirs[WATCH_MAX_DIRS];
};

_Static_assert(sizeof(ULONG_PTR) == 8, "a key holds a generation, an index and a side");

static ULONG_PTR reader_key(size_t index, int above, unsigned generation)
{
    return (ULONG_PTR)generation << 32 | (ULONG_PTR)index << 1 | (ULONG_PTR)(above != 0);
}

/* Starts the next read; 0, or -1. */
static int reader_read(struct dir_reader *r, int above)
{
    DWORD filter = FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME;
    if (!above)
        filter |= FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE |
                  FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_CREATION;
    memset(&r->overlapped, 0, sizeof r->overlapped);
    r->reading = ReadDirectoryChangesW(r->handle, r->buffer, sizeof r->buffer, FALSE, filter, NULL,
                                       &r->overlapped, NULL) != 0;
    return r->reading ? 0 : -1;
}

/* Closes r, once its read has ended: the memory is the system's till then. */
static void reader_close(struct dir_reader *r)
{
    if (r->handle == INVALID_HANDLE_VALUE)
        return;
    if (r->reading) {
        DWORD n;
        CancelIoEx(r->handle, &r->overlapped);
        GetOverlappedResult(r->handle, &r->overlapped, &n, TRUE);
        r->reading = 0;
    }
    CloseHandle(r->handle);
    r->handle = INVALID_HANDLE_VALUE;
}

/* The volume serial and file index of the directory handle has open, or 0. */
static unsigned long long directory_index(HANDLE handle)
{
    BY_HANDLE_FILE_INFORMATION info;
    if (!GetFileInformationByHandle(handle, &info) ||
        !(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        return 0;
    return (unsigned long long)info.dwVolumeSerialNumber << 32 ^
           ((unsigned long long)info.nFileIndexHigh << 32 | info.nFileIndexLow);
}

/* Opens dirs[index]'s self (or above) reader and starts its read: 0, or
 * -1 if its path names no directory it can read. */
static int reader_open(struct hot__watch *watch, size_t index, int above)
{
    struct watched_dir *d = watch->dirs[index];
    struct dir_reader *r = above ? &d->above : &d->self;
    HANDLE handle =
        CreateFileW(above ? d->parent : d->path, FILE_LIST_DIRECTORY,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED, NULL);
    if (handle == INVALID_HANDLE_VALUE)
        return -1;
    unsigned long long at = directory_index(handle);
    r->generation++;
    if (at == 0 ||
        !CreateIoCompletionPort(handle, watch->port, reader_key(index, above, r->generation), 0)) {
        CloseHandle(handle);
        SetLastError(ERROR_DIRECTORY);
        return -1;
    }
    r->handle = handle;
    if (reader_read(r, above) != 0) {
        reader_close(r);
        return -1;
    }
    if (!above)
        d->index = at;
    return 0;
}

/* Opens what of d is not open: its parent's reader (if it can), then its
 * own. 0, or -1 if its path names no directory. */
static int dir_open(struct hot__watch *watch, size_t index)
{
    struct watched_dir *d = watch->dirs[index];
    if (d->parent && d->above.handle == INVALID_HANDLE_VALUE)
        reader_open(watch, index, 1); /* without it, a rename away goes unseen */
    return d->self.handle != INVALID_HANDLE_VALUE ? 0 : reader_open(watch, index, 0);
}

/* d is watched no more, nor its name in its parent: its path is watched
 * again at the next wait. */
static void dir_lose(struct watched_dir *d)
{
    reader_close(&d->self);
    reader_close(&d->above);
}

/* 1 if the path of d names the directory its self reader has open. */
static int dir_still_there(const struct watched_dir *d)
{
    HANDLE handle = open_to_look(d->path, 1);
    if (handle == INVALID_HANDLE_VALUE)
        return 0;
    int same = directory_index(handle) == d->index;
    CloseHandle(handle);
    return same;
}

static int same_name(const wchar_t *a, int a_units, const wchar_t *b)
{
    return CompareStringOrdinal(a, a_units, b, -1, TRUE) == CSTR_EQUAL;
}

/* Finds or adds the directory dir (full, without a separator at its end
 * but for a root): its index, or -1. */
static int watch_dir(struct hot__watch *watch, const wchar_t *dir)
{
    for (size_t i = 0; i < watch->count; i++) {
        if (same_name(watch->dirs[i]->path, -1, dir))
            return (int)i;
    }
    struct watched_dir *d = watch->count < WATCH_MAX_DIRS ? calloc(1, sizeof *d) : NULL;
    if (!d || !(d->path = _wcsdup(dir))) {
        free(d);
        return -1;
    }
    d->self.handle = d->above.handle = INVALID_HANDLE_VALUE;
    wchar_t *separator = wcsrchr(d->path, L'\\');
    if (separator && separator[1] && (d->parent = _wcsdup(d->path)) != NULL) {
        size_t cut = (size_t)(separator - d->path);
        /* "C:\name": the parent is "C:\", a root, which keeps its separator */
        d->parent[cut > 0 && d->parent[cut - 1] == L':' ? cut + 1 : cut] = L'\0';
        d->name = separator + 1;
    }
    watch->dirs[watch->count] = d;
    return (int)watch->count++;
}

/* Adds the file name to those watched in d: 0, or -1 (out of memory). */
static int add_name(struct watched_dir *d, const wchar_t *name)
{
    wchar_t **names = realloc(d->names, (d->name_count + 1) * sizeof *names);
    if (!names)
        return -1;
    d->names = names;
    if (!(names[d->name_count] = _wcsdup(name)))
        return -1;
    d->name_count++;
    return 0;
}

/* Adds one path to watch; returns 0 or -1 with text in err. */
static int watch_add(struct hot__watch *watch, const char *path, char *err, size_t errlen)
{
    wchar_t wide[PATH_UNITS], full[PATH_UNITS], *name = NULL;
    DWORD n = widen(path, wide) == 0 ? GetFullPathNameW(wide, PATH_UNITS, full, &name) : 0;
    if (n == 0 || n >= PATH_UNITS) {
        set_err(err, errlen, "cannot watch", path);
        return -1;
    }
    DWORD attributes = GetFileAttributesW(full);
    int directory =
        attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
    wchar_t file[MAX_PATH] = L"";
    if (!directory && name) {
        if (wcslen(name) >= MAX_PATH) {
            snprintf(err, errlen, "cannot watch '%s': its name is too long", path);
            return -1;
        }
        wcscpy(file, name);
        *name = L'\0';
    }
    size_t length = wcslen(full);
    while (length > 1 && full[length - 1] == L'\\' && !(length == 3 && full[1] == L':'))
        full[--length] = L'\0';
    int index = watch_dir(watch, full);
    if (index < 0 || (file[0] && add_name(watch->dirs[index], file) != 0)) {
        snprintf(err, errlen, "cannot watch '%s': out of memory, or too many directories", path);
        return -1;
    }
    if (!file[0])
        watch->dirs[index]->whole = 1;
    if (dir_open(watch, (size_t)index) != 0) {
        char dir[3 * PATH_UNITS];
        set_err(err, errlen, "cannot watch",
                win_narrow(full, -1, dir, sizeof dir) == 0 ? dir : path);
        return -1;
    }
    return 0;
}

struct hot__watch *hot__os_watch_open(const char *const *paths, size_t count, char *err,
                                      size_t errlen)
{
    struct hot__watch *watch = calloc(1, sizeof *watch);
    if (!watch) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    watch->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (!watch->port) {
        set_err(err, errlen, "cannot start watching", count ? paths[0] : "");
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

/* The notification at *at, if it lies whole before end, and *at moved to
 * the next one (NULL after the last); NULL when none is left. */
static const FILE_NOTIFY_INFORMATION *next_change(const unsigned char **at,
                                                  const unsigned char *end)
{
    if (!*at)
        return NULL;
    const FILE_NOTIFY_INFORMATION *change = (const void *)*at;
    size_t head = offsetof(FILE_NOTIFY_INFORMATION, FileName), left = (size_t)(end - *at);
    if (left < head || left - head < change->FileNameLength)
        return NULL;
    *at = change->NextEntryOffset == 0 || change->NextEntryOffset > left
              ? NULL
              : *at + change->NextEntryOffset;
    return change;
}

/* What the notifications of self's read say: 1 if a watched file of d
 * (or any, when whole) was made, written or renamed to. Its removal is
 * not: its making again is. */
static int seen_in(const struct watched_dir *d, const struct dir_reader *r, DWORD bytes)
{
    const unsigned char *at = (const unsigned char *)r->buffer, *end = at + bytes;
    for (const FILE_NOTIFY_INFORMATION *change; (change = next_change(&at, end));) {
        int made = change->Action == FILE_ACTION_ADDED || change->Action == FILE_ACTION_MODIFIED ||
                   change->Action == FILE_ACTION_RENAMED_NEW_NAME;
        int units = (int)(change->FileNameLength / sizeof(WCHAR));
        for (size_t i = 0; made && !d->whole && i < d->name_count; i++) {
            if (same_name(change->FileName, units, d->names[i]))
                return 1;
        }
        if (made && d->whole)
            return 1;
    }
    return 0;
}

/* 1 if the notifications of above's read name d's own: made, removed or
 * renamed. */
static int renamed_in(const struct watched_dir *d, const struct dir_reader *r, DWORD bytes)
{
    const unsigned char *at = (const unsigned char *)r->buffer, *end = at + bytes;
    for (const FILE_NOTIFY_INFORMATION *change; (change = next_change(&at, end));) {
        if (change->Action != FILE_ACTION_MODIFIED &&
            same_name(change->FileName, (int)(change->FileNameLength / sizeof(WCHAR)), d->name))
            return 1;
    }
    return 0;
}

/* Takes the packet of a read that ended (key, ok and bytes as
 * GetQueuedCompletionStatus gave them) and reads on: 1 if a watched path
 * may have changed. */
static int read_done(struct hot__watch *watch, ULONG_PTR key, BOOL ok, DWORD bytes)
{
    size_t index = (size_t)(key >> 1 & 0x7fffffff);
    int above = (int)(key & 1);
    if (index >= watch->count)
        return 0;
    struct watched_dir *d = watch->dirs[index];
    struct dir_reader *r = above ? &d->above : &d->self;
    if (r->handle == INVALID_HANDLE_VALUE || (unsigned)(key >> 32) != r->generation)
        return 0; /* of a handle closed since */
    r->reading = 0;
    int seen = 0;
    if (!ok) { /* gone: Windows ends a removed directory's read with ERROR_ACCESS_DENIED */
        dir_lose(d);
        return 1;
    }
    if (bytes == 0) /* more than the buffer held: anything may have changed */
        seen = 1;
    else if (!above)
        seen = seen_in(d, r, bytes);
    else if (renamed_in(d, r, bytes))
        seen = 1 + !dir_still_there(d); /* 2: its path names another now, or none */
    if (seen == 2 || (above && bytes == 0) || reader_read(r, above) != 0) {
        dir_lose(d);
        return 1;
    }
    return seen;
}

/* Watches again each directory whose watch ended, if its path names one
 * now. Returns 0 if none had ended, 1 if each one that had is watched
 * again, 2 if one still cannot be (its path names no directory yet). */
static int rewatch_lost(struct hot__watch *watch)
{
    int lost = 0;
    for (size_t i = 0; i < watch->count; i++) {
        if (watch->dirs[i]->self.handle == INVALID_HANDLE_VALUE)
            lost = dir_open(watch, i) != 0 ? 2 : lost > 1 ? lost : 1;
    }
    return lost;
}

int hot__os_watch_wait(struct hot__watch *watch, int timeout_ms)
{
    long long deadline = hot__os_now_ns() + (long long)timeout_ms * 1000000LL;
    /* What changed while a directory was not watched is unknown: "may have
     * changed"; while one cannot be watched, that is said at each timeout. */
    int unwatched = rewatch_lost(watch);
    if (unwatched == 1)
        return 1;
    /* After a change, only what has come already is taken (a wake first),
     * at most so many packets: a burst of writes is one change. */
    int seen = 0, taken = 0;
    for (;;) {
        long long left_ms = (deadline - hot__os_now_ns() + 999999) / 1000000LL; /* rounded up */
        DWORD wait_ms = seen || left_ms <= 0 ? 0
                        : left_ms < INFINITE ? (DWORD)left_ms
                                             : INFINITE - 1;
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        OVERLAPPED *overlapped = NULL;
        BOOL ok = GetQueuedCompletionStatus(watch->port, &bytes, &key, &overlapped, wait_ms);
        if (!ok && !overlapped) { /* nothing came in wait_ms (or the port failed) */
            if (seen)
                return 1;
            if (GetLastError() == WAIT_TIMEOUT && hot__os_now_ns() < deadline)
                continue; /* woken early */
            return unwatched ? 1 : 0;
        }
        if (key == WAKE_KEY) {
            InterlockedExchange(&watch->wake_posted, 0);
            return -1;
        }
        seen |= read_done(watch, key, ok, bytes);
        if (seen && ++taken > 2 * WATCH_MAX_DIRS)
            return 1;
    }
}

void hot__os_watch_wake(struct hot__watch *watch)
{
    /* One packet stands for every wake until a wait takes it. */
    if (InterlockedExchange(&watch->wake_posted, 1) == 0 &&
        !PostQueuedCompletionStatus(watch->port, 0, WAKE_KEY, NULL))
        InterlockedExchange(&watch->wake_posted, 0);
}

void hot__os_watch_close(struct hot__watch *watch)
{
    for (size_t i = 0; i < watch->count; i++) {
        struct watched_dir *d = watch->dirs[i];
        dir_lose(d);
        for (size_t k = 0; k < d->name_count; k++)
            free(d->names[k]);
        free(d->names);
        free(d->parent);
        free(d->path);
        free(d);
    }
    if (watch->port)
        CloseHandle(watch->port); /* and the packets it held */
    free(watch);
}
