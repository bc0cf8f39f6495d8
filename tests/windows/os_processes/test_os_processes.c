/* tests/windows/os_processes/test_os_processes.c
 * The private directory (os/private_dir_windows.c) and the processes
 * (os/os_process_windows.c) of the Windows OS seam, and the crash guard
 * (runtime/guard_windows.c) of hot code loaded from a private directory,
 * run under Wine beside child.exe, tiny.dll, guarded.dll and aborting.dll.
 * Run with no argument, it checks them, starting child.exe and itself, in
 * one of the roles below, as the programs it needs; each failed check
 * prints a FAIL line, what Wine cannot do a SKIP line, and the last line is
 * "all passed" only if no check failed. Roles:
 *   --leave PREFIX        makes a private directory, writes "1-copy.dll" in
 *                         it, prints its path and ends as a killed program
 *                         does, leaving the directory behind
 *   --hold PREFIX FILE    makes one, writes its path to FILE, runs until ended
 *   --loaded PREFIX DLL   makes one, copies DLL into it as "1-tiny.dll" and
 *                         loads it, removes the directory, prints its path
 *   --break PREFIX FILE   makes one, writes its path to FILE, then gets
 *                         Ctrl-Break; exits with 42 if it still runs after
 *   --guard PREFIX DLL CASE
 *                         makes one, loads a copy of DLL (guarded.dll) from
 *                         it as hot code, and prints what the guard made of
 *                         CASE (see guard_role) */
#include "os.h"
#include "log.h"
#include "runtime.h"

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <winioctl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PREFIX "vais-hot-test-"
#define NO_PID "4294967295" /* no Windows pid (they are multiples of 4) */
#define DEADLINE_MS 10000   /* for what a child does: Wine starts a process in ~100 ms */

/* os_windows.c's, which this test does not link: a watch that counts how
 * often it was woken. */
struct hot__watch {
    volatile LONG wakes;
};

void hot__os_watch_wake(struct hot__watch *watch)
{
    InterlockedIncrement(&watch->wakes);
}

static int failures, checks;

static void check(int ok, int line, const char *what, const char *detail)
{
    checks++;
    if (!ok) {
        failures++;
        printf("FAIL: line %d: %s%s%s\n", line, what, detail[0] ? ": " : "", detail);
        fflush(stdout);
    }
}

#define CHECK(e) check((e) != 0, __LINE__, #e, "")
#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        char d_[96];                                                                               \
        snprintf(d_, sizeof d_, "%lld, expected %lld", a_, b_);                                    \
        check(a_ == b_, __LINE__, #a " == " #b, d_);                                               \
    } while (0)
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        char d_[1200];                                                                             \
        snprintf(d_, sizeof d_, "\"%s\", expected \"%s\"", a_ ? a_ : "(null)", b_);                \
        check(a_ != NULL && strcmp(a_, b_) == 0, __LINE__, #a " == " #b, d_);                      \
    } while (0)

static void skip(const char *what, const char *why)
{
    printf("SKIP: %s (Wine: %s)\n", what, why);
    fflush(stdout);
}

/* Is this Wine (whose ntdll says its version)? */
static int under_wine(void)
{
    return GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != NULL;
}

static char self[1024], here[1024], temp[1024]; /* test.exe, its directory, GetTempPathW's */

static wchar_t *wide(const char *text, wchar_t *out)
{
    if (MultiByteToWideChar(CP_UTF8, 0, text, -1, out, 1024) <= 0)
        out[0] = L'\0';
    return out;
}

static char *utf8(const wchar_t *text, char *out)
{
    if (WideCharToMultiByte(CP_UTF8, 0, text, -1, out, 1024, NULL, NULL) <= 0)
        out[0] = '\0';
    return out;
}

/* dir\name in out[0..1024). */
static char *join(char *out, const char *dir, const char *name)
{
    snprintf(out, 1024, "%s\\%s", dir, name);
    return out;
}

static DWORD attributes(const char *path)
{
    wchar_t w[1024];
    return GetFileAttributesW(wide(path, w));
}

static int exists(const char *path)
{
    return attributes(path) != INVALID_FILE_ATTRIBUTES;
}

static int write_file(const char *path, const char *text)
{
    wchar_t w[1024];
    DWORD written;
    HANDLE file = CreateFileW(wide(path, w), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    int ok =
        file != INVALID_HANDLE_VALUE && WriteFile(file, text, (DWORD)strlen(text), &written, NULL);
    if (file != INVALID_HANDLE_VALUE)
        CloseHandle(file);
    return ok;
}

/* Waits until the file at path holds text (written whole, by a rename),
 * for at most DEADLINE_MS; its text in out[0..1024), or "". */
static char *wait_for_file(const char *path, char *out)
{
    wchar_t w[1024];
    out[0] = '\0';
    for (ULONGLONG end = GetTickCount64() + DEADLINE_MS; GetTickCount64() < end; Sleep(10)) {
        HANDLE file =
            CreateFileW(wide(path, w), GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
        DWORD got = 0;
        if (file == INVALID_HANDLE_VALUE)
            continue;
        ReadFile(file, out, 1023, &got, NULL);
        CloseHandle(file);
        out[got] = '\0';
        if (got > 0)
            break;
    }
    return out;
}

/* Writes text to path whole: to path.part first, then renamed. */
static int publish(const char *path, const char *text)
{
    char part[1024];
    wchar_t w_part[1024], w_path[1024];
    snprintf(part, sizeof part, "%s.part", path);
    return write_file(part, text) &&
           MoveFileExW(wide(part, w_part), wide(path, w_path), MOVEFILE_REPLACE_EXISTING);
}

static PSID user_sid(void)
{
    static union {
        TOKEN_USER user;
        unsigned char bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    } token_user;
    HANDLE token;
    DWORD size;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return NULL;
    BOOL ok = GetTokenInformation(token, TokenUser, &token_user, sizeof token_user, &size);
    CloseHandle(token);
    return ok ? token_user.user.User.Sid : NULL;
}

/* Runs the console's handling of event in this process, as the console
 * does when the event comes: a new thread running CtrlRoutine, which calls
 * the handlers, the last registered first, and ends the process if none
 * handles it. (GenerateConsoleCtrlEvent needs a console, which Wine gives
 * no program whose output goes to a pipe, and reaches every process of the
 * console.) Returns 1 once the handlers ran and returned, or 0 if it
 * cannot. */
static int console_event(DWORD event)
{
    FARPROC routine = GetProcAddress(GetModuleHandleW(L"kernelbase.dll"), "CtrlRoutine");
    if (!routine)
        routine = GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "CtrlRoutine");
    LPTHREAD_START_ROUTINE start;
    memcpy(&start, &routine, sizeof start); /* a function pointer of another type */
    HANDLE thread =
        routine ? CreateThread(NULL, 0, start, (void *)(ULONG_PTR)event, 0, NULL) : NULL;
    if (!thread)
        return 0;
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
    return 1;
}

/* The roles test.exe plays as a child. */

static int make_dir(const char *prefix, char *dir)
{
    char note[1024], err[1024];
    if (hot__os_private_dir(prefix, self, 8, dir, 1024, note, sizeof note, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 0;
    }
    return 1;
}

/* The runtime's functions the guard calls, as the role --guard stands in
 * for them: hot code is what guard_dir holds, and a rollback succeeds. */
static char guard_dir[1024];  /* "" but in the role --guard */
static char rolled_back[512]; /* "<function> (<what>)" of the last rollback */

const char *hot__private_dir(void)
{
    return guard_dir;
}

long hot__rollback(const char *library, const void *pc, const char *function,
                   const char *signal_name)
{
    (void)library, (void)pc;
    snprintf(rolled_back, sizeof rolled_back, "%s (%s)", function, signal_name);
    return HOT_E_CRASHED;
}

void hot__say(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    printf("said: ");
    vprintf(format, args);
    printf("\n");
    fflush(stdout);
    va_end(args);
}

void hot__remove_private_dir(void) {}

/* Calls hot's function name with arg guarded, and prints how it went. */
static void print_guarded(HMODULE hot, const char *name, void *arg)
{
    FARPROC address = GetProcAddress(hot, name);
    long (*function)(void *), result = -1;
    memcpy(&function, &address, sizeof function); /* a function pointer of another type */
    rolled_back[0] = '\0';
    long status = address ? hot__guarded_call(function, arg, &result) : HOT_E_ARGUMENT;
    printf("%s: status %ld, result %ld, rolled back %s\n", name, status, result,
           rolled_back[0] ? rolled_back : "nothing");
    fflush(stdout);
}

static long nothing(void *arg)
{
    (void)arg;
    return 0;
}

/* A thread that faults once go is set, and a handler registered after the
 * guard's that resumes it in after_fault, which sets recovered. */
static HANDLE ready, recovered;

static void after_fault(void)
{
    SetEvent(recovered);
    for (;;)
        Sleep(INFINITE);
}

static LONG CALLBACK resume_after_fault(EXCEPTION_POINTERS *pointers)
{
    CONTEXT *context = pointers->ContextRecord;
    if (pointers->ExceptionRecord->ExceptionCode != EXCEPTION_ACCESS_VIOLATION)
        return EXCEPTION_CONTINUE_SEARCH;
    context->Rsp = ((context->Rsp - 256) & ~(DWORD64)15) - 8; /* as at a call */
    context->Rip = (DWORD64)(ULONG_PTR)after_fault;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static DWORD WINAPI fault_when_set(void *go)
{
    static const volatile DWORD *volatile nowhere = (const DWORD *)16;
    SetEvent(ready); /* started: what a thread's start allocates is allocated */
    WaitForSingleObject(go, INFINITE);
    return *nowhere;
}

/* A fault on a thread that made no guarded call, while this one holds the
 * lock of every heap: is it passed on at once, the guard allocating
 * nothing for it (as mingw-w64's _Thread_local does at its first use on a
 * thread)? Else it waits for the locks. */
static void print_unguarded_thread_fault(void)
{
    long result;
    hot__guarded_call(nothing, NULL, &result); /* the guard is in place */
    AddVectoredExceptionHandler(0, resume_after_fault);
    HANDLE go = CreateEventW(NULL, TRUE, FALSE, NULL);
    ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    recovered = CreateEventW(NULL, TRUE, FALSE, NULL);
    HANDLE thread = CreateThread(NULL, 0, fault_when_set, go, 0, NULL), heaps[64];
    WaitForSingleObject(ready, DEADLINE_MS);
    DWORD count = GetProcessHeaps(64, heaps);
    count = count < 64 ? count : 64;
    for (DWORD i = 0; i < count; i++)
        HeapLock(heaps[i]);
    SetEvent(go);
    DWORD waited = WaitForSingleObject(recovered, 2000);
    for (DWORD i = 0; i < count; i++)
        HeapUnlock(heaps[i]);
    WaitForSingleObject(recovered, DEADLINE_MS);
    printf("a fault on a thread without guarded calls: %s\n",
           waited == WAIT_OBJECT_0 ? "passed on at once" : "held until the heaps were unlocked");
    fflush(stdout);
    CloseHandle(thread);
}

/* The role --guard: CASE is "fault" (in hot code), "abort" (twice, then
 * an assert that fails),
 * "abort-below" (in what hot code called: aborting.dll's library_aborts),
 * "handled-below" (in what hot code called, which handles it itself),
 * "unhandled-below" (in what hot code called, which does not) or
 * "unguarded-thread" (see print_unguarded_thread_fault). */
static int guard_role(const char *prefix, const char *dll, const char *which)
{
    char copy[1024];
    wchar_t w_dll[1024], w_copy[1024];
    if (!make_dir(prefix, guard_dir))
        return 3;
    join(copy, guard_dir, "1-guarded.dll");
    HMODULE hot =
        CopyFileW(wide(dll, w_dll), wide(copy, w_copy), TRUE) ? LoadLibraryW(w_copy) : NULL;
    if (!hot) {
        fprintf(stderr, "cannot load a copy of '%s'\n", dll);
        hot__os_private_dir_remove();
        return 3;
    }
    if (strcmp(which, "fault") == 0) {
        print_guarded(hot, "guarded_faults", NULL);
    } else if (strcmp(which, "abort") == 0) {
        print_guarded(hot, "guarded_aborts", NULL);
        print_guarded(hot, "guarded_aborts", NULL);
        print_guarded(hot, "guarded_asserts", NULL);
    } else if (strcmp(which, "abort-below") == 0) {
        char path[1024];
        wchar_t w[1024];
        join(path, here, "aborting.dll");
        FARPROC aborts = GetProcAddress(LoadLibraryW(wide(path, w)), "library_aborts");
        void *arg;
        memcpy(&arg, &aborts, sizeof arg); /* passed as the object pointer a call takes */
        print_guarded(hot, "guarded_aborts_below", arg);
    } else if (strcmp(which, "handled-below") == 0) {
        print_guarded(hot, "guarded_handled_below", NULL);
    } else if (strcmp(which, "unhandled-below") == 0) {
        print_guarded(hot, "guarded_unhandled_below", NULL);
    } else if (strcmp(which, "unguarded-thread") == 0) {
        print_unguarded_thread_fault();
    }
    FreeLibrary(hot);
    hot__os_private_dir_remove();
    return 0;
}

static int role(int argc, char **argv)
{
    char dir[1024], path[1024];
    if (strcmp(argv[1], "--leave") == 0 && argc == 3 && make_dir(argv[2], dir)) {
        write_file(join(path, dir, "1-copy.dll"), "a copy");
        printf("%s", dir);
        fflush(stdout);
        TerminateProcess(GetCurrentProcess(), 128 + 9); /* as a kill ends it: no handler runs */
    } else if (strcmp(argv[1], "--hold") == 0 && argc == 4 && make_dir(argv[2], dir)) {
        write_file(join(path, dir, "1-copy.dll"), "a copy");
        publish(argv[3], dir);
        Sleep(INFINITE);
    } else if (strcmp(argv[1], "--loaded") == 0 && argc == 4 && make_dir(argv[2], dir)) {
        wchar_t w_dll[1024], w_copy[1024];
        join(path, dir, "1-tiny.dll");
        if (!CopyFileW(wide(argv[3], w_dll), wide(path, w_copy), TRUE) || !LoadLibraryW(w_copy)) {
            fprintf(stderr, "cannot load a copy of '%s'\n", argv[3]);
            return 3;
        }
        hot__os_private_dir_remove();
        printf("%s", dir);
        return 0;
    } else if (strcmp(argv[1], "--break") == 0 && argc == 4 && make_dir(argv[2], dir)) {
        write_file(join(path, dir, "1-copy.dll"), "a copy");
        publish(argv[3], dir);
        console_event(CTRL_BREAK_EVENT);
        return 42;
    } else if (strcmp(argv[1], "--guard") == 0 && argc == 5) {
        return guard_role(argv[2], argv[3], argv[4]);
    }
    return 2;
}

/* The private directory. */

/* Is dir one this process made: "<temp>\vais-hot-test-<pid>-XXXXXX"? */
static int named_as_made(const char *dir)
{
    char expected[1024];
    size_t length = (size_t)snprintf(expected, sizeof expected, "%s\\%s%lu-", temp, PREFIX,
                                     GetCurrentProcessId());
    if (strncmp(dir, expected, length) != 0 || strlen(dir) != length + 6)
        return 0;
    for (const char *p = dir + length; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return 0;
    return 1;
}

/* What path's security descriptor says: its control, owner and access
 * list, as SDDL text for messages too. Returns 0 if it cannot be read. */
struct security {
    SECURITY_DESCRIPTOR_CONTROL control;
    PSID owner;
    PACL dacl;
    PSECURITY_DESCRIPTOR descriptor; /* LocalFree */
    char *text;                      /* LocalFree */
};

static int read_security(const char *path, struct security *s)
{
    wchar_t w[1024];
    DWORD revision;
    memset(s, 0, sizeof *s);
    if (GetNamedSecurityInfoW(wide(path, w), SE_FILE_OBJECT,
                              OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &s->owner,
                              NULL, &s->dacl, NULL, &s->descriptor) != ERROR_SUCCESS)
        return 0;
    GetSecurityDescriptorControl(s->descriptor, &s->control, &revision);
    if (!ConvertSecurityDescriptorToStringSecurityDescriptorA(
            s->descriptor, SDDL_REVISION_1, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
            &s->text, NULL))
        s->text = NULL;
    return 1;
}

static void free_security(struct security *s)
{
    LocalFree(s->descriptor);
    LocalFree(s->text);
}

/* Does the access list grant user full control, with the flags given, and
 * nobody anything? */
static int user_alone(const struct security *s, PSID user, BYTE flags)
{
    ACCESS_ALLOWED_ACE *ace;
    return s->dacl && s->dacl->AceCount == 1 && GetAce(s->dacl, 0, (void **)&ace) &&
           ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE && ace->Header.AceFlags == flags &&
           ace->Mask == FILE_ALL_ACCESS && EqualSid((PSID)&ace->SidStart, user);
}

/* The directory and its lock file are the user's alone: the descriptors
 * made, read back. Where Wine does not keep a part of them, as a directory
 * made here from SDDL with the same descriptor, and a file made in it, show,
 * that part is skipped, and they read back as those do. */
static void check_user_alone(const char *dir, PSID user)
{
    char reference[1024], reference_file[1024], lock[1024], *user_text = NULL;
    wchar_t w[1024], sddl[300];
    struct security made, kept, lock_made, lock_kept;
    SECURITY_ATTRIBUTES attributes = {sizeof attributes, NULL, FALSE};
    CHECK(ConvertSidToStringSidA(user, &user_text));
    swprintf(sddl, 300, L"O:%hsD:P(A;OICI;FA;;;%hs)", user_text, user_text);
    LocalFree(user_text);
    join(reference, temp, "reference-descriptor");
    join(reference_file, reference, "file");
    CHECK(ConvertStringSecurityDescriptorToSecurityDescriptorW(
        sddl, SDDL_REVISION_1, &attributes.lpSecurityDescriptor, NULL));
    CHECK(CreateDirectoryW(wide(reference, w), &attributes));
    LocalFree(attributes.lpSecurityDescriptor);
    CHECK(write_file(reference_file, ""));
    if (!read_security(dir, &made) || !read_security(reference, &kept) ||
        !read_security(join(lock, dir, "lock"), &lock_made) ||
        !read_security(reference_file, &lock_kept)) {
        CHECK(!"the security descriptors can be read");
        return;
    }
    const char *kept_text = kept.text ? kept.text : "?",
               *lock_kept_text = lock_kept.text ? lock_kept.text : "?";
    printf("the private directory's descriptor reads back as %s\n", made.text ? made.text : "?");
    printf("its lock file's as %s\n", lock_made.text ? lock_made.text : "?");
    CHECK(made.owner && EqualSid(made.owner, user));
    if (user_alone(&kept, user, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)) {
        CHECK(user_alone(&made, user, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE));
    } else {
        char why[600];
        snprintf(why, sizeof why, "a directory made with that list from SDDL reads back as %s",
                 kept_text);
        skip("the directory's access list grants the user alone", why);
        CHECK_STR(made.text, kept_text);
    }
    if (kept.control & SE_DACL_PROTECTED)
        CHECK(made.control & SE_DACL_PROTECTED);
    else
        skip("the directory's access list inherits nothing (SE_DACL_PROTECTED)",
             "does not report the flag of a descriptor it was given");
    if (user_alone(&lock_kept, user, INHERITED_ACE)) {
        CHECK(user_alone(&lock_made, user, INHERITED_ACE));
    } else {
        char why[600];
        snprintf(why, sizeof why, "a file made in that directory reads back as %s", lock_kept_text);
        skip("the lock file inherits the user's entry alone", why);
        CHECK_STR(lock_made.text, lock_kept_text);
    }
    free_security(&made);
    free_security(&kept);
    free_security(&lock_made);
    free_security(&lock_kept);
    DeleteFileW(wide(reference_file, w));
    RemoveDirectoryW(wide(reference, w));
}

/* Makes dir, the directory a program without a lock that no longer runs
 * would leave, holding "2-copy.dll", last changed seconds_ago. */
static void make_lockless(const char *dir, int seconds_ago)
{
    wchar_t w[1024];
    char path[1024];
    CHECK(CreateDirectoryW(wide(dir, w), NULL));
    CHECK(write_file(join(path, dir, "2-copy.dll"), "a copy"));
    HANDLE handle = CreateFileW(w, FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                                OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    ULARGE_INTEGER then = {.u = {now.dwLowDateTime, now.dwHighDateTime}};
    then.QuadPart -= (ULONGLONG)seconds_ago * 10000000;
    FILETIME written = {then.u.LowPart, then.u.HighPart};
    CHECK(handle != INVALID_HANDLE_VALUE && SetFileTime(handle, NULL, NULL, &written));
    CloseHandle(handle);
}

/* A junction at link to the directory target, or 0 with why in why. */
static int make_junction(const char *link, const char *target, char *why, size_t whylen)
{
    struct {
        DWORD tag;
        WORD data_length, reserved;
        WORD substitute_offset, substitute_length, print_offset, print_length;
        WCHAR names[1100];
    } point;
    wchar_t w_link[1024], w_target[1024];
    DWORD returned;
    memset(&point, 0, sizeof point);
    swprintf(point.names, 1024, L"\\??\\%ls", wide(target, w_target));
    size_t bytes = wcslen(point.names) * sizeof(WCHAR);
    point.tag = IO_REPARSE_TAG_MOUNT_POINT;
    point.substitute_length = (WORD)bytes;
    point.print_offset = (WORD)(bytes + sizeof(WCHAR));
    point.data_length = (WORD)(8 + bytes + 2 * sizeof(WCHAR));
    CreateDirectoryW(wide(link, w_link), NULL);
    HANDLE handle = CreateFileW(w_link, GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                                FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    int made = handle != INVALID_HANDLE_VALUE &&
               DeviceIoControl(handle, FSCTL_SET_REPARSE_POINT, &point, 8 + point.data_length, NULL,
                               0, &returned, NULL);
    snprintf(why, whylen, "cannot make a junction: FSCTL_SET_REPARSE_POINT fails with error %lu",
             GetLastError());
    if (handle != INVALID_HANDLE_VALUE)
        CloseHandle(handle);
    if (!made)
        RemoveDirectoryW(w_link);
    return made && (attributes(link) & FILE_ATTRIBUTE_REPARSE_POINT);
}

/* Runs test.exe in a role, its output in out (the caller frees it). */
static int run_role(const char *const *argv, char **out)
{
    char err[512];
    int status = hot__os_capture(argv, 0, out, err, sizeof err);
    if (status < 0)
        printf("%s\n", err);
    return status;
}

static void private_dir(void)
{
    char dir[1024], note[1024], err[1024], path[1024], text[1024];
    PSID user = user_sid();
    CHECK(user != NULL);

    /* Made under the temporary directory, for the user alone, locked. */
    CHECK_INT(
        hot__os_private_dir(PREFIX, self, 8, dir, sizeof dir, note, sizeof note, err, sizeof err),
        0);
    CHECK_STR(note, "");
    CHECK(named_as_made(dir));
    CHECK(attributes(dir) & FILE_ATTRIBUTE_DIRECTORY);
    check_user_alone(dir, user);
    wchar_t w[1024];
    HANDLE lock = CreateFileW(wide(join(path, dir, "lock"), w), DELETE,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                              OPEN_EXISTING, 0, NULL);
    CHECK_INT(lock == INVALID_HANDLE_VALUE ? GetLastError() : 0, ERROR_SHARING_VIOLATION);
    if (lock != INVALID_HANDLE_VALUE)
        CloseHandle(lock);

    /* What others left: a live program's directory, one with a copy
     * loaded when it was removed, one with a file of someone else's in it,
     * a dead program's; directories without a lock, young and old; a
     * junction to a directory that would pass for a dead one; a name not of
     * the pattern. Each start sweeps: those that start programs come first,
     * and the dead program's last. */
    char *dead = NULL, *foreign = NULL, *loaded = NULL, live[1024], report[1024], dll[1024];
    join(report, here, "held.txt");
    const char *hold[] = {self, "--hold", PREFIX, report, NULL};
    long holder = hot__os_spawn(hold, 1, 1, err, sizeof err);
    CHECK(holder > 0);
    CHECK(wait_for_file(report, live)[0] != '\0');
    const char *load[] = {self, "--loaded", PREFIX, join(dll, here, "tiny.dll"), NULL};
    CHECK_INT(run_role(load, &loaded), 0);
    int loaded_stays = loaded && exists(join(path, loaded, "1-tiny.dll"));
    if (loaded_stays)
        CHECK(exists(join(path, loaded, "lock")));
    else
        skip("a loaded copy keeps its directory until the next sweep",
             "deletes a file mapped as a loaded DLL");
    const char *leave[] = {self, "--leave", PREFIX, NULL};
    CHECK_INT(run_role(leave, &foreign), 128 + 9);
    CHECK(foreign && write_file(join(path, foreign, "notes.txt"), "someone else's"));
    CHECK_INT(run_role(leave, &dead), 128 + 9);
    CHECK(dead && exists(join(path, dead, "lock")) && exists(join(path, dead, "1-copy.dll")));
    char young[1024], old[1024], link[1024], target[1024], other[1024], why[256];
    make_lockless(join(young, temp, PREFIX NO_PID "-young1"), 5);
    make_lockless(join(old, temp, PREFIX NO_PID "-old123"), 120);
    CHECK(CreateDirectoryW(wide(join(target, temp, "junction-target"), w), NULL));
    CHECK(write_file(join(path, target, "lock"), "") &&
          write_file(join(path, target, "3-copy.dll"), "a copy"));
    int junction = make_junction(join(link, temp, PREFIX "8-junct1"), target, why, sizeof why);
    if (!junction)
        skip("the sweep does not follow a junction", why);
    CHECK(CreateDirectoryW(wide(join(other, temp, PREFIX "x-other1"), w), NULL));
    CHECK(write_file(join(path, other, "4-copy.dll"), "a copy"));

    /* The next start sweeps what programs that no longer run left. */
    char second[1024];
    CHECK_INT(hot__os_private_dir(PREFIX, self, 8, second, sizeof second, note, sizeof note, err,
                                  sizeof err),
              0);
    CHECK(named_as_made(second) && strcmp(second, dir) != 0);
    CHECK(!exists(dir)); /* this process's first one, replaced */
    CHECK(dead && !exists(dead));
    CHECK(foreign && exists(join(path, foreign, "notes.txt")) &&
          !exists(join(path, foreign, "lock")) && !exists(join(path, foreign, "1-copy.dll")));
    CHECK(exists(join(path, live, "lock")) && exists(join(path, live, "1-copy.dll")));
    if (loaded_stays)
        CHECK(!exists(loaded));
    CHECK(exists(join(path, young, "2-copy.dll")));
    CHECK(!exists(old));
    if (junction)
        CHECK(exists(link) && exists(join(path, target, "lock")) &&
              exists(join(path, target, "3-copy.dll")));
    CHECK(exists(join(path, other, "4-copy.dll")));

    /* Once its program is ended, the live one goes too. */
    hot__os_stop(holder, 1, 2000);
    CHECK(hot__os_private_dir(PREFIX, self, 8, dir, sizeof dir, note, sizeof note, err,
                              sizeof err) == 0);
    CHECK(!exists(second));
    CHECK(!exists(live));

    /* Removal takes what it wrote and the directory. */
    CHECK(write_file(join(path, dir, "5-copy.dll"), "a copy"));
    hot__os_private_dir_remove();
    CHECK(!exists(dir));

    /* Ctrl-Break removes it before the process ends. */
    join(report, here, "broken.txt");
    const char *brk[] = {self, "--break", PREFIX, report, NULL};
    long breaker = hot__os_spawn(brk, 0, 1, err, sizeof err);
    int status = -1;
    CHECK(breaker > 0);
    CHECK(wait_for_file(report, text)[0] != '\0');
    CHECK_INT(hot__os_wait(breaker, DEADLINE_MS, &status), 1);
    CHECK(status != 42);
    if (!under_wine())
        CHECK_INT(status, 128 + 2); /* STATUS_CONTROL_C_EXIT */
    else if (status != 128 + 2) {
        char why[100];
        snprintf(why, sizeof why, "its default handling exits with %d", status);
        skip("a program Ctrl-Break ended exits with status 130 (STATUS_CONTROL_C_EXIT)", why);
    }
    CHECK(text[0] && !exists(text));

    /* The temporary directory passed over: beside the library, saying so. */
    wchar_t saved_tmp[1024];
    DWORD had_tmp = GetEnvironmentVariableW(L"TMP", saved_tmp, 1024);
    char beside[1024], expected[2048];
    SetEnvironmentVariableW(L"TMP", L"C:\\no-such-directory");
    CHECK_INT(
        hot__os_private_dir(PREFIX, self, 8, dir, sizeof dir, note, sizeof note, err, sizeof err),
        0);
    SetEnvironmentVariableW(L"TMP", had_tmp ? saved_tmp : NULL);
    join(beside, here, ".vais-hot");
    snprintf(expected, sizeof expected,
             "private copies go to '%s', as the temporary directory 'C:\\no-such-directory' does "
             "not exist",
             beside);
    CHECK_STR(note, expected);
    CHECK(strncmp(dir, beside, strlen(beside)) == 0 && dir[strlen(beside)] == '\\');
    hot__os_private_dir_remove();
    CHECK(!exists(dir));

    free(dead);
    free(foreign);
    free(loaded);
}

/* Processes. */

static void spawn_and_wait(const char *child)
{
    char err[512];
    int status = -1;
    const char *exit7[] = {child, "exit", "7", NULL};
    long pid = hot__os_spawn(exit7, 0, 1, err, sizeof err);
    CHECK(pid > 0);
    CHECK_INT(hot__os_wait(pid, -1, &status), 1);
    CHECK_INT(status, 7);
    CHECK_INT(hot__os_wait(pid, 0, &status), -1); /* reaped */
    CHECK_INT(hot__os_wait(4, -1, &status), -1);  /* no child of ours */

    const char *missing[] = {"no-such-program-here", NULL};
    CHECK_INT(hot__os_spawn(missing, 0, 0, err, sizeof err), -1);
    CHECK_STR(err, "cannot run 'no-such-program-here': it is not in any directory of PATH");
}

static void capture(const char *child)
{
    char err[512], *out = NULL;
    const char *both[] = {child, "print-both", "to stdout\n", "to stderr\n", NULL};
    int captured = hot__os_capture(both, 0, &out, err, sizeof err);
    CHECK_INT(captured, 0);
    if (captured < 0)
        printf("     said: %s\n", err);
    CHECK_STR(out, "to stdout\n");
    free(out);
    CHECK_INT(hot__os_capture(both, 1, &out, err, sizeof err), 0);
    CHECK_STR(out, "to stdout\nto stderr\n");
    free(out);
    const char *exit3[] = {child, "exit", "3", NULL};
    CHECK_INT(hot__os_capture(exit3, 1, &out, err, sizeof err), 3);
    CHECK_STR(out, "");
    free(out);
    const char *missing[] = {"C:\\no-such-directory\\program", NULL};
    out = (char *)"untouched";
    CHECK_INT(hot__os_capture(missing, 1, &out, err, sizeof err), -1);
    CHECK(out == NULL);
    CHECK_STR(err, "cannot run 'C:\\no-such-directory\\program': no such file");

    /* A name without a separator is searched in PATH, ".exe" added. */
    wchar_t saved[8192], w_here[1024], path[9300];
    DWORD had = GetEnvironmentVariableW(L"PATH", saved, 8192);
    swprintf(path, 9300, L"%ls;%ls", wide(here, w_here), had ? saved : L"");
    SetEnvironmentVariableW(L"PATH", path);
    const char *by_name[] = {"child", "print", "found in PATH", NULL};
    CHECK_INT(hot__os_capture(by_name, 0, &out, err, sizeof err), 0);
    CHECK_STR(out, "found in PATH");
    free(out);
    SetEnvironmentVariableW(L"PATH", had ? saved : NULL);
}

/* Each argument reaches the child as it was, however Windows' command line
 * must quote it; the program's path too, with a space in it. */
static void arguments(const char *child)
{
    static const char *const tricky[] = {
        "plain",
        "with space",
        "quote\"inside",
        "\"",
        "back\\slash",
        "trailing\\",
        "trailing space and backslashes \\\\",
        "\\\"both\\\\\"",
        "",
        "tab\there",
        "new\nline",
        "ünïcødé 日本",
        "%PATH%",
        "a&b|c<d>e^f",
    };
    enum { COUNT = sizeof tricky / sizeof *tricky };
    char spaced_dir[1024], spaced[1024], err[512], expected[2048] = "", *out = NULL;
    wchar_t w_from[1024], w_dir[1024], w_to[1024];
    join(spaced_dir, here, "a dir with spaces");
    join(spaced, spaced_dir, "child copy.exe");
    CHECK(CreateDirectoryW(wide(spaced_dir, w_dir), NULL));
    CHECK(CopyFileW(wide(child, w_from), wide(spaced, w_to), FALSE));
    const char *argv[COUNT + 3] = {spaced, "args"};
    for (size_t i = 0; i < COUNT; i++) {
        argv[i + 2] = tricky[i];
        strcat(expected, tricky[i]);
        strcat(expected, "\n");
    }
    argv[COUNT + 2] = NULL;
    CHECK_INT(hot__os_capture(argv, 0, &out, err, sizeof err), 0);
    CHECK_STR(out, expected);
    free(out);
    DeleteFileW(w_to);
    RemoveDirectoryW(w_dir);
}

/* A wait with a deadline returns 0 while the child runs; the signals end
 * it with 128 + SIGTERM or SIGKILL. */
static void deadlines_and_signals(const char *child)
{
    char err[512];
    int status = -1;
    const char *sleeper[] = {child, "sleep", "60000", NULL};
    long pid = hot__os_spawn(sleeper, 0, 1, err, sizeof err);
    CHECK(pid > 0);
    ULONGLONG began = GetTickCount64();
    CHECK_INT(hot__os_wait(pid, 300, &status), 0);
    CHECK(GetTickCount64() - began >= 250);
    hot__os_signal(pid, 0, HOT__OS_TERMINATE);
    CHECK_INT(hot__os_wait(pid, DEADLINE_MS, &status), 1);
    CHECK_INT(status, 128 + 15);
    hot__os_signal(pid, 0, HOT__OS_KILL); /* gone already: nothing happens */

    pid = hot__os_spawn(sleeper, 1, 1, err, sizeof err);
    CHECK(pid > 0);
    hot__os_signal(pid, 1, HOT__OS_KILL);
    CHECK_INT(hot__os_wait(pid, DEADLINE_MS, &status), 1);
    CHECK_INT(status, 128 + 9);
}

/* Starts "child grandchild FILE" (in a group of its own with own_group)
 * and opens the grandchild it starts. Returns the child's pid, or -1. */
static long with_grandchild(const char *child, const char *file, int own_group, HANDLE *grandchild)
{
    char err[512], pid_text[1024];
    const char *argv[] = {child, "grandchild", file, NULL};
    long pid = hot__os_spawn(argv, own_group, 1, err, sizeof err);
    *grandchild = NULL;
    CHECK(pid > 0);
    if (pid > 0 && wait_for_file(file, pid_text)[0])
        *grandchild =
            OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE, FALSE,
                        (DWORD)strtoul(pid_text, NULL, 10));
    CHECK(*grandchild != NULL);
    return pid;
}

/* hot__os_stop ends the child, and with group what it started too. */
static void stop_group(const char *child)
{
    char file[1024];
    int status;
    HANDLE grandchild;
    DWORD code = 0;
    long pid = with_grandchild(child, join(file, here, "group.txt"), 1, &grandchild);
    hot__os_stop(pid, 1, 2000);
    CHECK_INT(hot__os_wait(pid, 0, &status), -1); /* ended and reaped */
    if (grandchild) {
        CHECK_INT(WaitForSingleObject(grandchild, DEADLINE_MS), WAIT_OBJECT_0);
        CHECK(GetExitCodeProcess(grandchild, &code));
        CHECK_INT(code, 128 + 15);
        CloseHandle(grandchild);
    }

    /* Without group, the grandchild runs on. */
    pid = with_grandchild(child, join(file, here, "alone.txt"), 0, &grandchild);
    hot__os_stop(pid, 0, 2000);
    CHECK_INT(hot__os_wait(pid, 0, &status), -1);
    if (grandchild) {
        CHECK_INT(WaitForSingleObject(grandchild, 300), WAIT_TIMEOUT);
        TerminateProcess(grandchild, 1);
        WaitForSingleObject(grandchild, DEADLINE_MS);
        CloseHandle(grandchild);
    }
}

/* The guard: a fault in hot code, and each abort() it calls, is rolled
 * back; what hot code called may handle a fault itself, and if it does not,
 * the fault (or its abort()) is said and ends the program; a thread that
 * made no guarded call is left alone. Each case runs in a child (the role --guard), which a
 * fault let through ends. */
static void guard(void)
{
    static const struct {
        const char *which, *expected; /* a "%ld" for HOT_E_CRASHED */
    } cases[] = {
        {"fault", "guarded_faults: status %ld, result -1, rolled back guarded_faults (access "
                  "violation)\n"},
        {"abort", "guarded_aborts: status %ld, result -1, rolled back guarded_aborts (abort)\n"
                  "guarded_aborts: status %ld, result -1, rolled back guarded_aborts (abort)\n"
                  "guarded_asserts: status %ld, result -1, rolled back guarded_asserts (abort)\n"},
        {"handled-below", "guarded_handled_below: status 0, result 100, rolled back nothing\n"},
        {"unguarded-thread", "a fault on a thread without guarded calls: passed on at once\n"},
    };
    char dll[1024], expected[512], *out = NULL;
    join(dll, here, "guarded.dll");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *argv[] = {self, "--guard", PREFIX, dll, cases[i].which, NULL};
        snprintf(expected, sizeof expected, cases[i].expected, (long)HOT_E_CRASHED,
                 (long)HOT_E_CRASHED, (long)HOT_E_CRASHED);
        CHECK_INT(run_role(argv, &out), 0);
        for (char *from = out, *to = out; from && (*to = *from) != '\0'; from++)
            to += *from != '\r'; /* printf's line ends, in text mode */
        CHECK_STR(out, expected);
        free(out);
        out = NULL;
    }
    const char *unhandled[] = {self, "--guard", PREFIX, dll, "unhandled-below", NULL};
    CHECK_INT(run_role(unhandled, &out), 128 + 11); /* the access violation's code */
    CHECK(out && strncmp(out, "said: access violation at ", 26) == 0 &&
          strstr(out, "', called from hot code 'guarded_unhandled_below': not rolled back"));
    if (out)
        printf("     %s", out);
    free(out);
    const char *below[] = {self, "--guard", PREFIX, dll, "abort-below", NULL};
    CHECK_INT(run_role(below, &out), 3); /* how abort() ends a program */
    CHECK(out && strncmp(out, "said: abort at ", 15) == 0 &&
          strstr(out, " in 'aborting.dll', called from hot code 'guarded_aborts_below': not "
                      "rolled back"));
    if (out)
        printf("     %s", out);
    free(out);
}

/* The end of a child wakes the watch; a console event is caught, wakes
 * it, and ends a wait with no limit. Last: what it catches stays caught. */
static void caught_events(const char *child)
{
    static struct hot__watch watch;
    char err[512];
    int status;
    hot__os_catch_signals(&watch);
    const char *exit0[] = {child, "exit", "0", NULL};
    long pid = hot__os_spawn(exit0, 0, 1, err, sizeof err);
    CHECK(pid > 0);
    for (ULONGLONG end = GetTickCount64() + DEADLINE_MS; !watch.wakes && GetTickCount64() < end;)
        Sleep(5);
    CHECK(watch.wakes > 0);
    CHECK_INT(hot__os_wait(pid, -1, &status), 1);
    CHECK_INT(hot__os_caught_signal(), 0);

    LONG before = watch.wakes;
    CHECK(console_event(CTRL_BREAK_EVENT)); /* handled: this process runs on */
    CHECK_INT(hot__os_caught_signal(), 128 + 15);
    CHECK(watch.wakes > before);
    CHECK(console_event(CTRL_C_EVENT));
    CHECK_INT(hot__os_caught_signal(), 128 + 15); /* the first one caught */

    const char *sleeper[] = {child, "sleep", "60000", NULL};
    pid = hot__os_spawn(sleeper, 0, 1, err, sizeof err);
    ULONGLONG began = GetTickCount64();
    CHECK_INT(hot__os_wait(pid, -1, &status), 0);
    CHECK(GetTickCount64() - began < DEADLINE_MS);
    hot__os_stop(pid, 0, 2000);
    CHECK_INT(hot__os_wait(pid, 0, &status), -1);
    hot__os_catch_signals(NULL);
}

int main(int argc, char **argv)
{
    wchar_t w[1024];
    DWORD n = GetModuleFileNameW(NULL, w, 1024);
    if (n == 0 || n >= 1024)
        return 2;
    utf8(w, self);
    snprintf(here, sizeof here, "%s", self);
    *strrchr(here, '\\') = '\0';
    n = GetTempPathW(1024, w);
    if (n == 0 || n >= 1024)
        return 2;
    w[n - 1] = L'\0'; /* its final '\' */
    utf8(w, temp);
    if (argc > 1)
        return role(argc, argv);

    char child[1024];
    join(child, here, "child.exe");
    private_dir();
    spawn_and_wait(child);
    capture(child);
    arguments(child);
    deadlines_and_signals(child);
    stop_group(child);
    guard();
    caught_events(child);
    if (failures) {
        printf("%d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("%d checks: all passed\n", checks);
    return 0;
}
