/* os/os_process_windows.c
 * os.h's processes for Windows: CreateProcessW without waiting, each child
 * in a job object of its own (what a process group is on Linux), waits with
 * a deadline, ending a child or its whole tree, and the console events
 * `vais-hot watch` stops at. The one place that starts a process and reads
 * how it ended. Invariants:
 * - Only children we started, while the table of children holds them (from
 *   hot__os_spawn until a wait reports their end), are ever ended or waited
 *   for by pid; a pid not there is no child of ours.
 * - A child inherits the three standard handles it is given, and never a
 *   handle made for another child (a capture's pipe), even where Windows
 *   does not honour the list of handles to inherit.
 * - The console event handler runs on a thread of its own: it records the
 *   event and wakes the watch, under the lock that hot__os_catch_signals
 *   changes the watch under. */
#include "os.h"
#include "windows_text.h"

#include <windows.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PATH_CHARS 1024 /* UTF-16 units of a program's path, its NUL included */
#define CHILDREN_MAX 64 /* children of hot__os_spawn not reaped yet */

/* Linux's numbers of the signals an exit status of 128 + signal reports. */
enum {
    SIGHUP_NUMBER = 1,
    SIGINT_NUMBER = 2,
    SIGILL_NUMBER = 4,
    SIGTRAP_NUMBER = 5,
    SIGABRT_NUMBER = 6,
    SIGBUS_NUMBER = 7,
    SIGFPE_NUMBER = 8,
    SIGKILL_NUMBER = 9,
    SIGSEGV_NUMBER = 11,
    SIGTERM_NUMBER = 15,
};

/* A child of hot__os_spawn. */
struct child {
    DWORD pid;
    unsigned long long serial; /* tells it from a later child with its pid */
    HANDLE process;
    HANDLE job;   /* its job, which its children join too; NULL if it has none */
    HANDLE ended; /* the wait that wakes the watch at its end (RegisterWaitForSingleObject) */
};

static struct {
    SRWLOCK lock;
    struct child list[CHILDREN_MAX];
    size_t count;
    unsigned long long serials; /* the last serial given */
} C = {SRWLOCK_INIT, {{0}}, 0, 0};

/* The console events caught and the watch they wake. */
static struct {
    SRWLOCK lock;             /* held to change watch, and to wake it */
    struct hot__watch *watch; /* NULL: nothing to wake */
    HANDLE caught_event;      /* set at the first event caught; NULL until catching */
    volatile LONG caught;     /* 128 + the first signal's number, or 0 */
    int installed;            /* the handler is, or goes, in place */
} S = {SRWLOCK_INIT, NULL, NULL, 0, 0};

/* Held while inheritable handles exist, from their duplication to the
 * child's start: no other child inherits them, even where the list of
 * handles to inherit is not honoured. */
static SRWLOCK inheriting = SRWLOCK_INIT;

/* Appends argument to the command line at *end, quoted so that
 * CommandLineToArgvW and the C runtime's parser give it back unchanged:
 * inside quotes, backslashes are literal but before a quote, where each is
 * doubled and the quote escaped. The program's name (first) is parsed
 * apart, up to the next quote, so it is only quoted. */
static void append_argument(wchar_t **end, const wchar_t *argument, int first)
{
    wchar_t *out = *end;
    if (!first)
        *out++ = L' ';
    if (argument[0] && !wcspbrk(argument, L" \t\n\v\"")) {
        wcscpy(out, argument);
        *end = out + wcslen(argument);
        return;
    }
    *out++ = L'"';
    for (const wchar_t *p = argument;; p++) {
        size_t backslashes = 0;
        while (!first && *p == L'\\') {
            backslashes++;
            p++;
        }
        size_t copies = *p == L'\0'  ? 2 * backslashes
                        : *p == L'"' ? 2 * backslashes + 1
                                     : backslashes;
        for (size_t i = 0; i < copies; i++)
            *out++ = L'\\';
        if (*p == L'\0')
            break;
        *out++ = *p;
    }
    *out++ = L'"';
    *out = L'\0';
    *end = out;
}

/* The command line of argv, newly allocated, or NULL with why in err. */
static wchar_t *command_line(const char *const *argv, char *err, size_t errlen)
{
    size_t count = 0, room = 1;
    wchar_t **wide = NULL, *line = NULL;
    while (argv[count])
        count++;
    wide = calloc(count, sizeof *wide);
    for (size_t i = 0; wide && i < count; i++) {
        wide[i] = win_widen_new(argv[i]);
        if (!wide[i]) {
            snprintf(err, errlen, "cannot run '%s': argument %zu is not UTF-8 text", argv[0], i);
            goto done;
        }
        room += 2 * wcslen(wide[i]) + 3; /* a separator, quotes, each character escaped */
    }
    if (wide && wcschr(wide[0], L'"')) {
        snprintf(err, errlen, "cannot run '%s': a program's name cannot hold a quote", argv[0]);
        goto done;
    }
    line = wide ? malloc(room * sizeof *line) : NULL;
    if (!line) {
        snprintf(err, errlen, "cannot run '%s': out of memory", argv[0]);
        goto done;
    }
    wchar_t *end = line;
    for (size_t i = 0; i < count; i++)
        append_argument(&end, wide[i], i == 0);
    *end = L'\0';
done:
    for (size_t i = 0; wide && i < count; i++)
        free(wide[i]);
    free(wide);
    return line;
}

/* The file that name runs into path[0..PATH_CHARS): a name without '\' or
 * '/' is searched in the directories of PATH (".exe" added when it has no
 * extension), as posix_spawnp searches; a path is taken as it is, or with
 * ".exe" added when only that names a file. Returns 0, or -1 with why in
 * err. */
static int program_file(const char *name, wchar_t *path, char *err, size_t errlen)
{
    wchar_t *wide = win_widen_new(name), *search = NULL;
    int found = 0;
    if (wide && !wcspbrk(wide, L"\\/")) {
        DWORD size = GetEnvironmentVariableW(L"PATH", NULL, 0);
        search = size ? malloc(size * sizeof *search) : NULL;
        if (search && GetEnvironmentVariableW(L"PATH", search, size) >= size)
            search[0] = L'\0';
        DWORD n = SearchPathW(search, wide, L".exe", PATH_CHARS, path, NULL);
        found = n > 0 && n < PATH_CHARS;
        if (!found)
            snprintf(err, errlen, "cannot run '%s': it is not in any directory of PATH", name);
    } else if (wide && wcslen(wide) + 5 <= PATH_CHARS) {
        wcscpy(path, wide);
        DWORD attributes = GetFileAttributesW(path);
        if (attributes == INVALID_FILE_ATTRIBUTES || (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
            wcscat(path, L".exe");
            attributes = GetFileAttributesW(path);
        }
        found = attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
        if (!found)
            snprintf(err, errlen, "cannot run '%s': no such file", name);
    } else {
        snprintf(err, errlen, "cannot run '%s': no path this system takes", name);
    }
    free(search);
    free(wide);
    return found ? 0 : -1;
}

/* An inheritable copy of handle in *copy, unless it is none or another
 * one's copy: then *copy is that one's, or NULL. Returns 1 if it made a new
 * copy (which goes to the list to inherit), else 0. */
static int inheritable(HANDLE handle, HANDLE *copy, HANDLE same_as, HANDLE same_as_copy)
{
    *copy = NULL;
    if (handle == NULL || handle == INVALID_HANDLE_VALUE)
        return 0;
    if (handle == same_as) {
        *copy = same_as_copy;
        return 0;
    }
    return DuplicateHandle(GetCurrentProcess(), handle, GetCurrentProcess(), copy, 0, TRUE,
                           DUPLICATE_SAME_ACCESS) != 0;
}

/* Starts argv, suspended, with our stdin, its stdout on out and its
 * stderr on errout, in a new process group when own_group, and our
 * environment. *info has its handles; its thread is to be resumed. Returns
 * 0, or -1 with why in err. */
static int start(const char *const *argv, int own_group, HANDLE out, HANDLE errout,
                 PROCESS_INFORMATION *info, char *err, size_t errlen)
{
    wchar_t path[PATH_CHARS], *line = command_line(argv, err, errlen);
    char text[256];
    int status = -1;
    if (!line || program_file(argv[0], path, err, errlen) != 0) {
        free(line);
        return -1;
    }
    AcquireSRWLockExclusive(&inheriting);
    HANDLE list[3];
    DWORD listed = 0;
    STARTUPINFOEXW startup;
    memset(&startup, 0, sizeof startup);
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    if (inheritable(in, &startup.StartupInfo.hStdInput, NULL, NULL))
        list[listed++] = startup.StartupInfo.hStdInput;
    if (inheritable(out, &startup.StartupInfo.hStdOutput, in, startup.StartupInfo.hStdInput))
        list[listed++] = startup.StartupInfo.hStdOutput;
    if (inheritable(errout, &startup.StartupInfo.hStdError, out, startup.StartupInfo.hStdOutput))
        list[listed++] = startup.StartupInfo.hStdError;
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    void *attributes = malloc(size);
    int restricted =
        attributes && listed > 0 && InitializeProcThreadAttributeList(attributes, 1, 0, &size);
    if (restricted && UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                                list, listed * sizeof *list, NULL, NULL))
        startup.lpAttributeList = attributes;
    if (!startup.lpAttributeList)
        startup.StartupInfo.cb = sizeof startup.StartupInfo;
    DWORD flags = CREATE_SUSPENDED | (startup.lpAttributeList ? EXTENDED_STARTUPINFO_PRESENT : 0) |
                  (own_group ? CREATE_NEW_PROCESS_GROUP : 0);
    if (CreateProcessW(path, line, NULL, NULL, listed > 0, flags, NULL, NULL, &startup.StartupInfo,
                       info))
        status = 0;
    else
        snprintf(err, errlen, "cannot run '%s': %s", argv[0],
                 win_error_text(GetLastError(), text, sizeof text));
    for (DWORD i = 0; i < listed; i++)
        CloseHandle(list[i]);
    ReleaseSRWLockExclusive(&inheriting);
    if (restricted)
        DeleteProcThreadAttributeList(attributes);
    free(attributes);
    free(line);
    return status;
}

/* The exit status os.h reports for a process's exit code: the code itself;
 * for an exception that ended it, 128 + the signal Linux would have sent
 * (TerminateJobObject and TerminateProcess end ours with 128 + SIGTERM or
 * SIGKILL already); 255 for another code no int holds as a positive number
 * (an NTSTATUS error such as 0xC0000135, a DLL not found). */
static int exit_status(DWORD code)
{
    static const struct {
        DWORD code;
        int signal;
    } ends[] = {
        {STATUS_CONTROL_C_EXIT, SIGINT_NUMBER},
        {EXCEPTION_ILLEGAL_INSTRUCTION, SIGILL_NUMBER},
        {EXCEPTION_PRIV_INSTRUCTION, SIGILL_NUMBER},
        {EXCEPTION_BREAKPOINT, SIGTRAP_NUMBER},
        {0xC0000409, SIGABRT_NUMBER}, /* STATUS_STACK_BUFFER_OVERRUN: __fastfail, abort() */
        {EXCEPTION_IN_PAGE_ERROR, SIGBUS_NUMBER},
        {EXCEPTION_DATATYPE_MISALIGNMENT, SIGBUS_NUMBER},
        {EXCEPTION_INT_DIVIDE_BY_ZERO, SIGFPE_NUMBER},
        {EXCEPTION_INT_OVERFLOW, SIGFPE_NUMBER},
        {EXCEPTION_FLT_DIVIDE_BY_ZERO, SIGFPE_NUMBER},
        {EXCEPTION_FLT_INVALID_OPERATION, SIGFPE_NUMBER},
        {EXCEPTION_ACCESS_VIOLATION, SIGSEGV_NUMBER},
        {EXCEPTION_STACK_OVERFLOW, SIGSEGV_NUMBER},
    };
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
        if (ends[i].code == code)
            return 128 + ends[i].signal;
    return code <= INT_MAX ? (int)code : 255;
}

/* Wakes the watch of hot__os_catch_signals, if any. */
static void wake_watch(void)
{
    AcquireSRWLockShared(&S.lock);
    if (S.watch)
        hot__os_watch_wake(S.watch);
    ReleaseSRWLockShared(&S.lock);
}

/* Runs on a thread of the pool when a child of hot__os_spawn ends. */
static void CALLBACK on_child_end(void *context, BOOLEAN timed_out)
{
    (void)context;
    (void)timed_out;
    wake_watch();
}

/* Each child is put in a job of its own before it runs, so that its own
 * children join it and TerminateJobObject ends them all; the job does not
 * end them when its handle closes. own_group also gives it a new console
 * process group, which, as a Linux process group out of the terminal's
 * foreground, gets no Ctrl-C from the console. Where the job cannot be
 * made (a system before Windows 8 inside a job of its own), the child runs
 * without one and group reaches only the child. */
long hot__os_spawn(const char *const *argv, int own_group, int output_to_stderr, char *err,
                   size_t errlen)
{
    PROCESS_INFORMATION info;
    long pid = -1;
    AcquireSRWLockExclusive(&C.lock);
    if (C.count == CHILDREN_MAX) {
        snprintf(err, errlen, "cannot run '%s': %d children not waited for run already", argv[0],
                 CHILDREN_MAX);
    } else if (start(argv, own_group,
                     GetStdHandle(output_to_stderr ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE),
                     GetStdHandle(STD_ERROR_HANDLE), &info, err, errlen) == 0) {
        struct child *child = &C.list[C.count++];
        *child = (struct child){info.dwProcessId, ++C.serials, info.hProcess, NULL, NULL};
        child->job = CreateJobObjectW(NULL, NULL);
        if (child->job && !AssignProcessToJobObject(child->job, info.hProcess)) {
            CloseHandle(child->job);
            child->job = NULL;
        }
        ResumeThread(info.hThread);
        CloseHandle(info.hThread);
        if (!RegisterWaitForSingleObject(&child->ended, info.hProcess, on_child_end, NULL, INFINITE,
                                         WT_EXECUTEONLYONCE))
            child->ended = NULL;
        pid = (long)info.dwProcessId;
    }
    ReleaseSRWLockExclusive(&C.lock);
    return pid;
}

int hot__os_capture(const char *const *argv, int with_stderr, char **out, char *err, size_t errlen)
{
    HANDLE reading, writing;
    PROCESS_INFORMATION info;
    size_t size = 0, capacity = 1 << 16;
    char *text = malloc(capacity), message[256];
    int status = -1;
    *out = NULL;
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!CreatePipe(&reading, &writing, NULL, 0)) { /* neither end inheritable */
        snprintf(err, errlen, "cannot run '%s': %s", argv[0],
                 win_error_text(GetLastError(), message, sizeof message));
        free(text);
        return -1;
    }
    int started = start(argv, 0, writing, with_stderr ? writing : GetStdHandle(STD_ERROR_HANDLE),
                        &info, err, errlen) == 0;
    CloseHandle(writing); /* the child's copy is the last: its end is the end of the pipe */
    if (started) {
        ResumeThread(info.hThread);
        CloseHandle(info.hThread);
    }
    while (started) {
        if (size + 1 == capacity) {
            char *bigger = realloc(text, capacity * 2);
            if (!bigger)
                break; /* keep what fits; the child sees the pipe closed */
            text = bigger;
            capacity *= 2;
        }
        DWORD room = capacity - 1 - size > MAXDWORD ? MAXDWORD : (DWORD)(capacity - 1 - size), n;
        if (!ReadFile(reading, text + size, room, &n, NULL))
            break; /* ERROR_BROKEN_PIPE: every writer closed it */
        size += n; /* none after a write of nothing, which is no end */
    }
    CloseHandle(reading);
    text[size] = '\0';
    if (started) {
        DWORD code;
        WaitForSingleObject(info.hProcess, INFINITE);
        status = GetExitCodeProcess(info.hProcess, &code) ? exit_status(code) : 255;
        CloseHandle(info.hProcess);
    }
    if (status < 0)
        free(text);
    else
        *out = text;
    return status;
}

/* The table's entry for pid, or NULL; C.lock is held. */
static struct child *find_child(long pid)
{
    for (size_t i = 0; i < C.count; i++)
        if ((long)C.list[i].pid == pid)
            return &C.list[i];
    return NULL;
}

/* Takes the child of serial out of the table and closes its handles, once
 * no callback of its wait runs. Returns 1, or 0 if another wait did first. */
static int reap(unsigned long long serial)
{
    struct child gone = {0};
    AcquireSRWLockExclusive(&C.lock);
    for (size_t i = 0; i < C.count; i++) {
        if (C.list[i].serial == serial) {
            gone = C.list[i];
            C.list[i] = C.list[--C.count];
            break;
        }
    }
    ReleaseSRWLockExclusive(&C.lock);
    if (!gone.serial)
        return 0;
    if (gone.ended)
        UnregisterWaitEx(gone.ended, INVALID_HANDLE_VALUE);
    if (gone.job)
        CloseHandle(gone.job);
    CloseHandle(gone.process);
    return 1;
}

/* The wait, with no limit, also ends at a console event caught (as a
 * signal interrupts waitpid on Linux): at once if one came before. */
int hot__os_wait(long pid, int timeout_ms, int *status)
{
    HANDLE waits[2] = {NULL, NULL};
    unsigned long long serial = 0;
    AcquireSRWLockShared(&S.lock);
    waits[1] = S.caught_event;
    ReleaseSRWLockShared(&S.lock);
    AcquireSRWLockShared(&C.lock);
    struct child *child = find_child(pid);
    if (child && DuplicateHandle(GetCurrentProcess(), child->process, GetCurrentProcess(),
                                 &waits[0], 0, FALSE, DUPLICATE_SAME_ACCESS))
        serial = child->serial;
    ReleaseSRWLockShared(&C.lock);
    if (!serial)
        return -1;
    if (timeout_ms < 0 && hot__os_caught_signal()) {
        CloseHandle(waits[0]);
        return 0;
    }
    DWORD count = timeout_ms < 0 && waits[1] ? 2 : 1, code;
    DWORD woke =
        WaitForMultipleObjects(count, waits, FALSE, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
    int result = 0;
    if (woke == WAIT_OBJECT_0 && GetExitCodeProcess(waits[0], &code) && reap(serial)) {
        *status = exit_status(code);
        result = 1;
    } else if (woke == WAIT_OBJECT_0) {
        result = -1; /* another thread's wait reaped it */
    }
    CloseHandle(waits[0]);
    return result;
}

/* Windows has no polite termination of a console child that we can rely
 * on: GenerateConsoleCtrlEvent reaches only a process group of our own
 * console, and a child may ignore it. So HOT__OS_TERMINATE ends the child at
 * once, as HOT__OS_KILL does: its exit code is 128 + SIGTERM (or + SIGKILL),
 * as Linux reports a child a signal ended. With group, TerminateJobObject
 * ends what the child started too. */
void hot__os_signal(long pid, int group, enum hot__os_signal sig)
{
    UINT code = 128 + (sig == HOT__OS_KILL ? SIGKILL_NUMBER : SIGTERM_NUMBER);
    AcquireSRWLockShared(&C.lock);
    struct child *child = find_child(pid);
    if (child && group && child->job)
        TerminateJobObject(child->job, code);
    else if (child)
        TerminateProcess(child->process, code);
    ReleaseSRWLockShared(&C.lock);
}

/* As hot__os_signal says, the first step ends the child at once already;
 * the grace and the second step serve when that did not take. */
void hot__os_stop(long pid, int group, int grace_ms)
{
    HANDLE job = NULL;
    int status;
    AcquireSRWLockShared(&C.lock);
    struct child *child = find_child(pid);
    if (group && child && child->job &&
        !DuplicateHandle(GetCurrentProcess(), child->job, GetCurrentProcess(), &job, 0, FALSE,
                         DUPLICATE_SAME_ACCESS))
        job = NULL;
    ReleaseSRWLockShared(&C.lock);
    hot__os_signal(pid, group, HOT__OS_TERMINATE);
    if (hot__os_wait(pid, grace_ms, &status) == 0) {
        hot__os_signal(pid, group, HOT__OS_KILL);
        hot__os_wait(pid, grace_ms, &status);
    }
    if (job) { /* what the group's leader left behind */
        TerminateJobObject(job, 128 + SIGKILL_NUMBER);
        CloseHandle(job);
    }
}

/* Ctrl-C is SIGINT; closing the console, SIGHUP; Ctrl-Break (what another
 * program sends to ask a console program to end), logoff and shutdown,
 * SIGTERM. Handled: the program decides when to end, but for the last
 * three, after which Windows ends the process as soon as this returns: it
 * waits for the program to end by itself meanwhile (for closing, Windows
 * waits 5 s at most). */
static BOOL WINAPI on_console_event(DWORD event)
{
    int number = event == CTRL_C_EVENT       ? SIGINT_NUMBER
                 : event == CTRL_CLOSE_EVENT ? SIGHUP_NUMBER
                                             : SIGTERM_NUMBER;
    InterlockedCompareExchange(&S.caught, 128 + number, 0);
    SetEvent(S.caught_event);
    wake_watch();
    if (event == CTRL_CLOSE_EVENT || event == CTRL_LOGOFF_EVENT || event == CTRL_SHUTDOWN_EVENT)
        Sleep(INFINITE);
    return TRUE;
}

/* On Windows the stop signals are the console events (on_console_event
 * says which is which), and the end of a child of hot__os_spawn wakes the
 * watch from a thread of the pool that waits for it (a child of
 * hot__os_capture, which is waited for, wakes nothing). */
void hot__os_catch_signals(struct hot__watch *watch)
{
    AcquireSRWLockExclusive(&S.lock);
    S.watch = watch;
    int install = !S.installed;
    if (install) {
        S.caught_event = CreateEventW(NULL, TRUE, FALSE, NULL);
        S.installed = 1;
    }
    ReleaseSRWLockExclusive(&S.lock);
    /* Not under S.lock, which the handler takes: the handlers run under the
     * console's own lock, which SetConsoleCtrlHandler takes. */
    if (install && S.caught_event)
        SetConsoleCtrlHandler(on_console_event, TRUE);
}

int hot__os_caught_signal(void)
{
    return (int)InterlockedCompareExchange(&S.caught, 0, 0);
}
