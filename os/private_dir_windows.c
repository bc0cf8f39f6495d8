/* os/private_dir_windows.c
 * The private directory of a running program on Windows, where its private
 * copies of the hot library live, and the sweep of those that programs which
 * no longer run left behind. Invariants:
 * - A directory is ours while its "lock" file is open in this process, not
 *   inheritable and shared neither for writing nor for deletion: the handle
 *   ends with every way a process can end, and once another process can
 *   open the lock for deletion, the program that made it no longer runs.
 * - The sweep never follows a reparse point (a junction, a symbolic link)
 *   below the base directory, keeps each directory it looks into open
 *   without FILE_SHARE_DELETE, so that nobody renames it or puts a junction
 *   in its place meanwhile, and removes only names this file writes
 *   ("lock", "<number>-<name>"); a directory that holds anything else stays.
 * - Windows refuses to delete a file mapped as a loaded DLL: such a copy
 *   stays at removal, and its directory and lock file (closed) with it,
 *   for the next start's sweep to remove.
 * - Console events (Ctrl-C, Ctrl-Break, closing the console, logoff,
 *   shutdown) remove the directory before their default handling ends the
 *   process. */
#define _CRT_RAND_S /* rand_s */
#include "os.h"
#include "windows_text.h"

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define LOCK_NAME L"lock"
#define YOUNG_SECONDS 60 /* a directory without a lock this young may be being made */
#define PATH_CHARS 1024  /* UTF-16 units of a path, its NUL included */

/* This process's private directory: lock is NULL while there is none. */
static struct {
    SRWLOCK guard;            /* held while it is made, swept for or removed */
    HANDLE lock;              /* its lock file, held */
    int handler_installed;    /* the console event handler is, or goes, in place */
    wchar_t path[PATH_CHARS]; /* in a directory no other user may rearrange */
} P = {SRWLOCK_INIT, NULL, 0, L""};

/* a, a '\' unless a ends with a separator, then b, in out[0..PATH_CHARS).
 * Returns 0, or -1 if it does not fit. */
static int join(wchar_t *out, const wchar_t *a, const wchar_t *b)
{
    size_t a_len = wcslen(a), b_len = wcslen(b);
    int separator = a_len > 0 && a[a_len - 1] != L'\\' && a[a_len - 1] != L'/';
    if (a_len + (size_t)separator + b_len >= PATH_CHARS)
        return -1;
    memmove(out, a, a_len * sizeof *a);
    if (separator)
        out[a_len] = L'\\';
    memcpy(out + a_len + separator, b, (b_len + 1) * sizeof *b);
    return 0;
}

/* Is name one this file writes into a private directory? */
static int our_name(const wchar_t *name)
{
    if (wcscmp(name, LOCK_NAME) == 0)
        return 1;
    const wchar_t *p = name;
    while (*p >= L'0' && *p <= L'9')
        p++;
    return p > name && *p == L'-' && p[1] != L'\0';
}

/* The SID of the user this process runs as (its token's), or NULL. Called
 * with P.guard held. */
static PSID user_sid(void)
{
    static union {
        TOKEN_USER user;
        unsigned char bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    } token_user;
    static PSID sid;
    HANDLE token;
    DWORD size;
    if (sid || !OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return sid;
    if (GetTokenInformation(token, TokenUser, &token_user, sizeof token_user, &size))
        sid = token_user.user.User.Sid;
    CloseHandle(token);
    return sid;
}

/* May sid rename what is in a directory that has no other user's
 * entries: the user, SYSTEM, the Administrators or the owner's rights? */
static int trusted(PSID sid, PSID user)
{
    return EqualSid(sid, user) || IsWellKnownSid(sid, WinLocalSystemSid) ||
           IsWellKnownSid(sid, WinBuiltinAdministratorsSid) ||
           IsWellKnownSid(sid, WinCreatorOwnerRightsSid);
}

/* sid as text: its account's name where it has one, with the SID. */
static const char *sid_text(PSID sid, char *text, size_t size)
{
    wchar_t name[256], domain[256];
    DWORD name_size = 256, domain_size = 256;
    SID_NAME_USE use;
    char *string = NULL, account[600] = "";
    if (LookupAccountSidW(NULL, sid, name, &name_size, domain, &domain_size, &use)) {
        char utf8_name[256], utf8_domain[256];
        if (win_narrow(name, -1, utf8_name, sizeof utf8_name) == 0 &&
            win_narrow(domain, -1, utf8_domain, sizeof utf8_domain) == 0)
            snprintf(account, sizeof account, "%s%s%s ", utf8_domain, utf8_domain[0] ? "\\" : "",
                     utf8_name);
    }
    if (ConvertSidToStringSidA(sid, &string)) {
        snprintf(text, size, "%s(%s)", account, string);
        LocalFree(string);
    } else {
        snprintf(text, size, "%s(a SID that cannot be told)", account);
    }
    return text;
}

/* Does the directory dir belong to user? */
static int owned_by(HANDLE dir, PSID user)
{
    PSID owner;
    PSECURITY_DESCRIPTOR descriptor;
    if (GetSecurityInfo(dir, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner, NULL, NULL, NULL,
                        &descriptor) != ERROR_SUCCESS)
        return 0;
    int ours = owner && EqualSid(owner, user);
    LocalFree(descriptor);
    return ours;
}

/* Why others than the user, SYSTEM and the Administrators may rename or
 * remove what is in the directory dir (its owner, or an entry of its access
 * list that grants them deletion of children, deletion, a change of the
 * list or of the owner), written to why; or NULL if nobody can. */
static const char *open_to_others(HANDLE dir, PSID user, char *why, size_t whylen)
{
    const ACCESS_MASK rearranging =
        FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_ALL;
    PSID owner;
    PACL dacl;
    PSECURITY_DESCRIPTOR descriptor;
    char who[700], text[256];
    DWORD rc =
        GetSecurityInfo(dir, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                        &owner, NULL, &dacl, NULL, &descriptor);
    if (rc != ERROR_SUCCESS) {
        snprintf(why, whylen, "cannot tell who may change it (%s)",
                 win_error_text(rc, text, sizeof text));
        return why;
    }
    const char *found = NULL;
    if (!owner || !trusted(owner, user)) {
        snprintf(why, whylen, "belongs to %s, who may rename what is in it",
                 owner ? sid_text(owner, who, sizeof who) : "nobody known");
        found = why;
    } else if (!dacl) {
        snprintf(why, whylen, "lets everyone rename what is in it (it has no access list)");
        found = why;
    }
    for (DWORD i = 0; !found && dacl && i < dacl->AceCount; i++) {
        ACE_HEADER *header;
        if (!GetAce(dacl, i, (void **)&header) || (header->AceFlags & INHERIT_ONLY_ACE) ||
            (header->AceType != ACCESS_ALLOWED_ACE_TYPE &&
             header->AceType != ACCESS_ALLOWED_CALLBACK_ACE_TYPE))
            continue; /* the two share their layout; an entry only for what is made in it */
        ACCESS_ALLOWED_ACE *ace = (ACCESS_ALLOWED_ACE *)header;
        PSID sid = &ace->SidStart;
        if ((ace->Mask & rearranging) && !trusted(sid, user)) {
            snprintf(why, whylen, "lets %s rename or remove what is in it",
                     sid_text(sid, who, sizeof who));
            found = why;
        }
    }
    LocalFree(descriptor);
    return found;
}

/* Why the directory base cannot hold private directories, written to why,
 * or NULL if it can: it must be a directory, on a volume that is not
 * read-only and has room for copies copies of a library of size bytes,
 * that no other user may rearrange. */
static const char *unusable(const wchar_t *base, unsigned long long size, unsigned copies,
                            PSID user, char *why, size_t whylen)
{
    char text[256];
    DWORD attributes = GetFileAttributesW(base);
    if (attributes == INVALID_FILE_ATTRIBUTES) {
        DWORD code = GetLastError();
        if (code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND)
            return "does not exist";
        snprintf(why, whylen, "cannot be seen (%s)", win_error_text(code, text, sizeof text));
        return why;
    }
    if (!(attributes & FILE_ATTRIBUTE_DIRECTORY))
        return "is not a directory";
    HANDLE dir = CreateFileW(base, READ_CONTROL | FILE_READ_ATTRIBUTES,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                             OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (dir == INVALID_HANDLE_VALUE) {
        snprintf(why, whylen, "cannot be opened (%s)",
                 win_error_text(GetLastError(), text, sizeof text));
        return why;
    }
    const char *found = open_to_others(dir, user, why, whylen);
    DWORD flags = 0;
    if (!found && GetVolumeInformationByHandleW(dir, NULL, 0, NULL, NULL, &flags, NULL, 0) &&
        (flags & FILE_READ_ONLY_VOLUME))
        found = "is read-only";
    CloseHandle(dir);
    ULARGE_INTEGER free_bytes;
    unsigned long long need = size * copies;
    if (!found && GetDiskFreeSpaceExW(base, &free_bytes, NULL, NULL) &&
        free_bytes.QuadPart < need) {
        snprintf(why, whylen,
                 "has too little room (%llu KiB free; %u copies of the library take %llu KiB)",
                 (unsigned long long)free_bytes.QuadPart / 1024, copies, (need + 1023) / 1024);
        found = why;
    }
    return found;
}

/* Removes from the directory dir the names this file writes but the held
 * lock (when but_lock), by name: DeleteFileW removes a link itself, never
 * what it points to, and no directory. Returns 1 if each of them went, 0
 * if one stays (a copy mapped as a loaded DLL). */
static int remove_ours(const wchar_t *dir, int but_lock)
{
    wchar_t pattern[PATH_CHARS], path[PATH_CHARS];
    WIN32_FIND_DATAW found;
    if (join(pattern, dir, L"*") != 0)
        return 0;
    HANDLE list =
        FindFirstFileExW(pattern, FindExInfoBasic, &found, FindExSearchNameMatch, NULL, 0);
    if (list == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND;
    int all_gone = 1;
    do {
        if (!our_name(found.cFileName) || (but_lock && wcscmp(found.cFileName, LOCK_NAME) == 0))
            continue;
        if (join(path, dir, found.cFileName) != 0 || !DeleteFileW(path))
            all_gone = 0;
    } while (FindNextFileW(list, &found));
    FindClose(list);
    return all_gone;
}

/* Removes this process's private directory; P.guard is held. The lock
 * file goes last, and only once all else went: a directory left behind
 * keeps it, so that the next start's sweep removes it at once. */
static void remove_own(void)
{
    if (!P.lock)
        return;
    int all_gone = remove_ours(P.path, 1);
    if (all_gone) {
        FILE_DISPOSITION_INFO gone = {TRUE};
        all_gone = SetFileInformationByHandle(P.lock, FileDispositionInfo, &gone, sizeof gone);
    }
    CloseHandle(P.lock); /* deletes it, when marked */
    P.lock = NULL;
    if (all_gone)
        RemoveDirectoryW(P.path);
}

/* Removes this process's private directory and what it wrote in it. A
 * copy still mapped as a loaded DLL cannot be deleted on Windows: it stays,
 * with the directory and its lock file, which the next start's sweep
 * removes once this process has ended. (No process inherits the directory
 * through fork here.) */
void hot__os_private_dir_remove(void)
{
    AcquireSRWLockExclusive(&P.guard);
    remove_own();
    ReleaseSRWLockExclusive(&P.guard);
}

/* Removes the directory at the console events that end a process by
 * default, then returns FALSE: the handlers registered before this one run
 * next, and if none handles the event, the default handling ends the
 * process. Where Linux removes it only while the program leaves the
 * signal's action the default, Windows tells no handler what the others
 * do: a program that handles Ctrl-C or Ctrl-Break with a handler of its own
 * registered before this one (before its first load) runs on without its
 * private directory; one registered after this one runs first and, by
 * returning TRUE, keeps it. This runs on a thread of its own while the
 * program runs on: a copy written meanwhile may stay, and the directory
 * with it, for the next start's sweep. */
static BOOL WINAPI remove_on_console_event(DWORD event)
{
    if (event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT || event == CTRL_CLOSE_EVENT ||
        event == CTRL_LOGOFF_EVENT || event == CTRL_SHUTDOWN_EVENT)
        hot__os_private_dir_remove();
    return FALSE;
}

/* Could the program that made a private directory without a lock, last
 * changed at written, still run: its pid answers, or the directory is too
 * young to tell? */
static int may_run(DWORD pid, const FILETIME *written)
{
    HANDLE process = OpenProcess(SYNCHRONIZE, FALSE, pid);
    if (process) {
        int running = WaitForSingleObject(process, 0) == WAIT_TIMEOUT;
        CloseHandle(process);
        if (running)
            return 1;
    } else if (GetLastError() == ERROR_ACCESS_DENIED) {
        return 1; /* one we may not open (another user's) has that pid */
    }
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    ULARGE_INTEGER then = {.u = {written->dwLowDateTime, written->dwHighDateTime}},
                   today = {.u = {now.dwLowDateTime, now.dwHighDateTime}};
    return today.QuadPart < then.QuadPart + YOUNG_SECONDS * 10000000ULL; /* 100 ns units */
}

/* Removes the private directory base\name, of the program whose pid it
 * names, if that program no longer runs: it is a directory (no reparse
 * point) of user's, and its lock can be opened for deletion, or it has
 * none and the program cannot still run. */
static void sweep_one(const wchar_t *base, const wchar_t *name, DWORD pid, PSID user)
{
    wchar_t dir_path[PATH_CHARS], lock_path[PATH_CHARS];
    if (join(dir_path, base, name) != 0 || join(lock_path, dir_path, LOCK_NAME) != 0)
        return;
    HANDLE dir = CreateFileW(dir_path, FILE_READ_ATTRIBUTES | READ_CONTROL,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                             FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (dir == INVALID_HANDLE_VALUE)
        return;
    BY_HANDLE_FILE_INFORMATION info;
    int ended = 0;
    if (GetFileInformationByHandle(dir, &info) &&
        (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
        !(info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) && owned_by(dir, user)) {
        HANDLE lock =
            CreateFileW(lock_path, DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                        NULL, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, NULL);
        if (lock != INVALID_HANDLE_VALUE) {
            ended = 1; /* its owner would hold it unshared for deletion */
            CloseHandle(lock);
        } else if (GetLastError() == ERROR_FILE_NOT_FOUND) {
            ended = !may_run(pid, &info.ftLastWriteTime);
        }
    }
    if (ended)
        remove_ours(dir_path, 0);
    CloseHandle(dir);
    if (ended) /* stays if anything else is in it; a junction put in its place is removed itself */
        RemoveDirectoryW(dir_path);
}

/* Removes, from the directory base, the private directories
 * "<prefix><pid>-*" whose programs no longer run (killed before their exit
 * handlers ran, or with a copy that was loaded), and only what we wrote in
 * them. */
static void sweep(const wchar_t *base, const wchar_t *prefix, PSID user)
{
    wchar_t pattern[PATH_CHARS];
    WIN32_FIND_DATAW found;
    size_t prefix_len = wcslen(prefix);
    if (join(pattern, base, L"*") != 0)
        return;
    HANDLE list =
        FindFirstFileExW(pattern, FindExInfoBasic, &found, FindExSearchNameMatch, NULL, 0);
    if (list == INVALID_HANDLE_VALUE)
        return;
    do {
        const wchar_t *name = found.cFileName, *p = name + prefix_len;
        unsigned long long pid = 0;
        if (wcsncmp(name, prefix, prefix_len) != 0 || !(*p >= L'0' && *p <= L'9') ||
            !(found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
            (found.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
            continue;
        for (; *p >= L'0' && *p <= L'9'; p++)
            pid = pid > 0xFFFFFFFFULL ? pid : pid * 10 + (unsigned)(*p - L'0');
        if (*p == L'-' && pid <= 0xFFFFFFFFULL)
            sweep_one(base, name, (DWORD)pid, user);
    } while (FindNextFileW(list, &found));
    FindClose(list);
}

/* A security descriptor that makes user the owner and gives user, and
 * nobody else, full control of a directory and of what is made in it; its
 * access list inherits nothing from above. */
struct user_only {
    SECURITY_DESCRIPTOR descriptor;
    union {
        ACL acl;
        unsigned char bytes[sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) + SECURITY_MAX_SID_SIZE];
    } dacl;
};

/* Fills *u (which must not move while it is used) for user. Returns 1, or
 * 0 with the system's error. */
static int user_only(struct user_only *u, PSID user)
{
    DWORD size = sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD) + GetLengthSid(user);
    return InitializeAcl(&u->dacl.acl, size, ACL_REVISION) &&
           AddAccessAllowedAceEx(&u->dacl.acl, ACL_REVISION,
                                 OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE, FILE_ALL_ACCESS,
                                 user) &&
           InitializeSecurityDescriptor(&u->descriptor, SECURITY_DESCRIPTOR_REVISION) &&
           SetSecurityDescriptorOwner(&u->descriptor, user, FALSE) &&
           SetSecurityDescriptorDacl(&u->descriptor, TRUE, &u->dacl.acl, FALSE) &&
           SetSecurityDescriptorControl(&u->descriptor, SE_DACL_PROTECTED, SE_DACL_PROTECTED);
}

/* Makes a directory at path for user alone, or finds one there (which it
 * leaves as it is). Returns 1, or 0 with the system's error. */
static int make_user_dir(const wchar_t *path, PSID user)
{
    struct user_only access;
    SECURITY_ATTRIBUTES attributes = {sizeof attributes, &access.descriptor, FALSE};
    return user_only(&access, user) &&
           (CreateDirectoryW(path, &attributes) || GetLastError() == ERROR_ALREADY_EXISTS);
}

/* Makes a private directory "<prefix><pid>-XXXXXX" in the usable directory
 * base, locks it and makes it this process's, its path in UTF-8 in out.
 * Returns 0, or -1 with why in err, phrased to follow base's name. */
static int make_private(const wchar_t *base, const char *prefix, PSID user, char *out,
                        size_t outlen, char *err, size_t errlen)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789"; /* case is not told */
    struct user_only access;
    SECURITY_ATTRIBUTES attributes = {sizeof attributes, &access.descriptor, FALSE};
    wchar_t path[PATH_CHARS], lock_path[PATH_CHARS], wide_name[128];
    char name[128], text[256];
    if (!user_only(&access, user)) {
        snprintf(err, errlen, "cannot describe a directory for the user alone (%s)",
                 win_error_text(GetLastError(), text, sizeof text));
        return -1;
    }
    for (int attempt = 0;; attempt++) {
        char suffix[7];
        for (int i = 0; i < 6; i++) {
            unsigned random = 0;
            rand_s(&random);
            suffix[i] = letters[random % (sizeof letters - 1)];
        }
        suffix[6] = '\0';
        int n = snprintf(name, sizeof name, "%s%lu-%s", prefix, GetCurrentProcessId(), suffix);
        if (n < 0 || (size_t)n >= sizeof name ||
            win_widen(name, wide_name, sizeof wide_name / sizeof *wide_name) != 0 ||
            join(path, base, wide_name) != 0 || join(lock_path, path, LOCK_NAME) != 0 ||
            win_narrow(path, -1, out, outlen) != 0) {
            snprintf(err, errlen, "makes too long a path");
            return -1;
        }
        if (CreateDirectoryW(path, &attributes))
            break;
        DWORD code = GetLastError();
        if (code != ERROR_ALREADY_EXISTS || attempt == 99) {
            snprintf(err, errlen, "cannot hold a new directory (%s)",
                     win_error_text(code, text, sizeof text));
            return -1;
        }
    }
    /* Not inheritable: a child that outlives the program must not keep it. */
    HANDLE lock = CreateFileW(lock_path, GENERIC_READ | DELETE, FILE_SHARE_READ, NULL, CREATE_NEW,
                              FILE_ATTRIBUTE_NORMAL, NULL);
    if (lock == INVALID_HANDLE_VALUE) {
        snprintf(err, errlen, "cannot lock a new directory (%s)",
                 win_error_text(GetLastError(), text, sizeof text));
        RemoveDirectoryW(path);
        return -1;
    }
    remove_own(); /* one hot_cleanup left, if any */
    P.lock = lock;
    memcpy(P.path, path, sizeof path);
    return 0;
}

/* A directory the private directory may go in: its path, and what to call
 * it when it is passed over. */
struct candidate {
    const wchar_t *path;
    const char *label;
};

/* hot__os_private_dir with P.guard held. */
static int make_private_dir(const char *prefix, const char *library, char *out, size_t outlen,
                            char *note, size_t notelen, char *err, size_t errlen)
{
    wchar_t temp[PATH_CHARS], beside[PATH_CHARS], wide_library[PATH_CHARS], wide_prefix[128];
    PSID user = user_sid();
    char text[256];
    note[0] = '\0';
    if (!user) {
        snprintf(err, errlen, "cannot tell which user runs this program (%s)",
                 win_error_text(GetLastError(), text, sizeof text));
        return -1;
    }
    if (win_widen(prefix, wide_prefix, sizeof wide_prefix / sizeof *wide_prefix) != 0 ||
        win_widen(library, wide_library, PATH_CHARS) != 0) {
        snprintf(err, errlen, "'%s' is no path this system takes (not UTF-8, or too long)",
                 library);
        return -1;
    }
    /* The user's temporary directory (TMP, TEMP, USERPROFILE, as
     * GetTempPathW finds it), else ".vais-hot" beside the library. Each
     * must have room for two copies: no file system in memory comes first
     * here, so copies_kept asks for no more. */
    struct candidate candidates[2];
    size_t count = 0;
    DWORD temp_len = GetTempPathW(PATH_CHARS, temp);
    if (temp_len > 0 && temp_len < PATH_CHARS) {
        if (temp_len > 3 && (temp[temp_len - 1] == L'\\' || temp[temp_len - 1] == L'/'))
            temp[temp_len - 1] = L'\0';
        candidates[count++] = (struct candidate){temp, "the temporary directory"};
    }
    WIN32_FILE_ATTRIBUTE_DATA library_data;
    unsigned long long size = 0;
    if (GetFileAttributesExW(wide_library, GetFileExInfoStandard, &library_data))
        size = (unsigned long long)library_data.nFileSizeHigh << 32 | library_data.nFileSizeLow;
    wchar_t *slash = NULL;
    for (wchar_t *p = wide_library; *p; p++)
        if (*p == L'\\' || *p == L'/')
            slash = p;
    if (slash)
        slash[slash == wide_library || slash[-1] == L':'] = L'\0'; /* keeps "\" or "C:\" whole */
    if (join(beside, slash ? wide_library : L"", L".vais-hot") == 0)
        candidates[count++] = (struct candidate){beside, "the directory beside the library"};
    char said[1024] = "", why_not[1024], path[PATH_CHARS * 3];
    for (size_t i = 0; i < count; i++) {
        const struct candidate *c = &candidates[i];
        const char *why = NULL;
        if (win_narrow(c->path, -1, path, sizeof path) != 0)
            snprintf(path, sizeof path, "?");
        if (c->path == beside && !make_user_dir(beside, user)) {
            snprintf(why_not, sizeof why_not, "cannot be made (%s)",
                     win_error_text(GetLastError(), text, sizeof text));
            why = why_not;
        }
        if (!why)
            why = unusable(c->path, size, 2, user, why_not, sizeof why_not);
        if (!why) {
            sweep(c->path, wide_prefix, user);
            if (make_private(c->path, prefix, user, out, outlen, why_not, sizeof why_not) == 0) {
                if (said[0])
                    snprintf(note, notelen, "private copies go to '%s', as %s", path, said);
                return 0;
            }
            why = why_not;
        }
        size_t told = strlen(said);
        snprintf(said + told, sizeof said - told, "%s%s '%s' %s", told ? "; " : "", c->label, path,
                 why);
    }
    snprintf(err, errlen, "no directory can hold the private copies: %s", said);
    return -1;
}

/* On Windows: under the user's temporary directory (GetTempPathW), else
 * ".vais-hot" beside library, made for the user alone; there is no
 * $XDG_RUNTIME_DIR or /dev/shm to try, no noexec mount to pass over, and
 * copies_kept changes nothing (see make_private_dir). The directory is made
 * with an access list that gives the user alone full control, and note
 * names the one used when the temporary directory is passed over.
 * "No other user may rearrange it" is a question for its access list: its
 * owner and every entry that lets someone rename or remove what is in it
 * must be the user, SYSTEM or the Administrators. The console events
 * remove it as Linux's signals do; see remove_on_console_event for how
 * that differs. */
int hot__os_private_dir(const char *prefix, const char *library, unsigned copies_kept, char *out,
                        size_t outlen, char *note, size_t notelen, char *err, size_t errlen)
{
    (void)copies_kept;
    AcquireSRWLockExclusive(&P.guard);
    int status = make_private_dir(prefix, library, out, outlen, note, notelen, err, errlen);
    int install = status == 0 && !P.handler_installed;
    if (install)
        P.handler_installed = 1;
    ReleaseSRWLockExclusive(&P.guard);
    /* Not under P.guard: the handlers run under the console's own lock,
     * which SetConsoleCtrlHandler takes. */
    if (install)
        SetConsoleCtrlHandler(remove_on_console_event, TRUE);
    return status;
}
