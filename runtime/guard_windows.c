/* runtime/guard_windows.c
 * Crash rollback for guarded calls on Windows: a vectored exception handler
 * sees an access violation, an illegal instruction, a division by zero or a
 * stack overflow in hot code, and has the thread resume in a trampoline
 * that jumps back to the guarded call (__builtin_longjmp), which rolls back
 * to the previous version. abort() raises no exception, only SIGABRT, so a
 * signal handler takes it the same way.
 * Invariants:
 * - Guard frames are per thread, and a frame counts only while the call
 *   that made it is under way: one a longjmp left is dropped when seen.
 * - Only a fault in hot code's own frames is rolled back: one whose
 *   instruction is in a hot library copy, or an abort() (assert, raise)
 *   hot code called itself.
 *   One elsewhere with hot code below it on the stack (the C library's heap
 *   finding itself corrupt) is said and ends the program: going on could
 *   hang it; unless a function between them has an exception handler of its
 *   own (lstrlenA's), which is left to handle it (and if it does not, the
 *   program ends by the fault unsaid). Anything else goes on to the
 *   handlers after ours, untouched.
 * - The handlers change nothing but the faulting thread's context, and
 *   return: the system's exception dispatch ends as it began, with no lock
 *   of its own left held, which a jump out of the handler could not
 *   promise. On a thread that made no guarded call they touch no
 *   _Thread_local: mingw-w64 emulates those, and allocates each at its
 *   first use on a thread. */
#include "runtime.h"

#include "log.h"

#include <windows.h>

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 16  /* guarded calls nested in one thread */
#define MAX_FRAMES 64 /* stack frames searched for hot code */
#define NAME_CAPACITY 256
#define STACK_GUARANTEE (64 * 1024) /* what a stack overflow leaves the handler */
#define ABORT_EXIT_CODE 3           /* how the C library's abort() ends a program */

/* A guarded call under way. Kept out of the caller's automatic storage, so
 * that what the handler writes is well defined after the jump. */
struct guard_frame {
    void *jump[5];                    /* __builtin_setjmp's buffer */
    const volatile uintptr_t *marker; /* a local of the call, holding token while it runs */
    uintptr_t token;
    DWORD code;                      /* the exception, once caught (0 for abort) */
    const void *outside;             /* where it happened, if not in hot code's own frames */
    char library[NAME_CAPACITY * 4]; /* the hot library it happened in */
    char function[NAME_CAPACITY];    /* the nearest exported function there */
    const void *at;                  /* the address in it */
};

static _Thread_local struct guard_frame frames[MAX_DEPTH];
static _Thread_local int depth; /* frames[0 .. depth) were made, the live ones among them */

static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int installed;
static _Atomic int loop_guarded;
static void (*previous_abort)(int);
static LPTOP_LEVEL_EXCEPTION_FILTER previous_filter;
/* A slot of the system's own thread-local storage, which TlsGetValue reads
 * without allocating: not NULL on a thread whose _Thread_local storage is
 * made (prepare_thread). TLS_OUT_OF_INDEXES when the system had no slot
 * left: then the handlers take no fault, and guarded calls are not. */
static DWORD prepared_slot = TLS_OUT_OF_INDEXES;

static const char *exception_name(DWORD code)
{
    switch (code) {
    case 0:
        return "abort";
    case EXCEPTION_ACCESS_VIOLATION:
        return "access violation";
    case EXCEPTION_IN_PAGE_ERROR:
        return "in-page error";
    case EXCEPTION_ILLEGAL_INSTRUCTION:
        return "illegal instruction";
    case EXCEPTION_PRIV_INSTRUCTION:
        return "privileged instruction";
    case EXCEPTION_INT_DIVIDE_BY_ZERO:
        return "integer division by zero";
    case EXCEPTION_INT_OVERFLOW:
        return "integer overflow";
    case EXCEPTION_STACK_OVERFLOW:
        return "stack overflow";
    default:
        return "exception";
    }
}

/* Is code an exception the guard rolls back? */
static int guarded_exception(DWORD code)
{
    return code == EXCEPTION_ACCESS_VIOLATION || code == EXCEPTION_IN_PAGE_ERROR ||
           code == EXCEPTION_ILLEGAL_INSTRUCTION || code == EXCEPTION_PRIV_INSTRUCTION ||
           code == EXCEPTION_INT_DIVIDE_BY_ZERO || code == EXCEPTION_INT_OVERFLOW ||
           code == EXCEPTION_STACK_OVERFLOW;
}

/* Does path lie in directory dir? Windows compares names without regard
 * to case, and takes '/' for '\\'. */
static int in_directory(const char *path, const char *dir)
{
    size_t i = 0;
    for (; dir[i]; i++) {
        char a = path[i] == '/' ? '\\' : path[i], b = dir[i] == '/' ? '\\' : dir[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return path[i] == '\\' || path[i] == '/';
}

/* The module holding pc, or NULL. */
static HMODULE module_of(const void *pc)
{
    HMODULE module = NULL;
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCWSTR)pc, &module))
        return NULL;
    return module;
}

/* The name of the function module exports nearest below pc, in name[0..size);
 * "a static function" if none is. Reads the export directory the loader
 * mapped, which the runtime checked in the file before loading it. */
static void nearest_export(HMODULE module, const void *pc, char *name, size_t size)
{
    const unsigned char *base = (const unsigned char *)module;
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)base;
    const IMAGE_NT_HEADERS64 *nt = (const IMAGE_NT_HEADERS64 *)(base + dos->e_lfanew);
    const IMAGE_DATA_DIRECTORY *dir =
        &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
    snprintf(name, size, "a static function");
    if (!dir->VirtualAddress || !dir->Size)
        return;
    const IMAGE_EXPORT_DIRECTORY *exports =
        (const IMAGE_EXPORT_DIRECTORY *)(base + dir->VirtualAddress);
    const DWORD *functions = (const DWORD *)(base + exports->AddressOfFunctions);
    const DWORD *names = (const DWORD *)(base + exports->AddressOfNames);
    const WORD *ordinals = (const WORD *)(base + exports->AddressOfNameOrdinals);
    uintptr_t offset = (uintptr_t)pc - (uintptr_t)base, best = 0;
    for (DWORD i = 0; i < exports->NumberOfNames; i++) {
        DWORD rva = ordinals[i] < exports->NumberOfFunctions ? functions[ordinals[i]] : 0;
        if (rva && rva <= offset && rva > best) {
            best = rva;
            snprintf(name, size, "%s", (const char *)(base + names[i]));
        }
    }
}

/* Is pc in a hot library copy? Writes its path and the nearest exported
 * function to frame, if so. */
static int in_hot_library(const void *pc, struct guard_frame *frame)
{
    const char *dir = hot__private_dir();
    HMODULE module = dir[0] ? module_of(pc) : NULL;
    WCHAR wide[MAX_PATH * 2];
    if (!module || !GetModuleFileNameW(module, wide, sizeof wide / sizeof *wide))
        return 0;
    char path[sizeof frame->library];
    if (!WideCharToMultiByte(CP_UTF8, 0, wide, -1, path, (int)sizeof path, NULL, NULL) ||
        !in_directory(path, dir))
        return 0;
    /* Named as the loader named the copy (its directory, '/', its file's
     * name), which Windows spells with '\\'. */
    snprintf(frame->library, sizeof frame->library, "%s/%s", dir, path + strlen(dir) + 1);
    nearest_export(module, pc, frame->function, sizeof frame->function);
    frame->at = pc;
    return 1;
}

/* Has this thread made a guarded call? Keeps its last error, which
 * TlsGetValue clears: a handler leaves the faulting thread as it was. */
static int thread_prepared(void)
{
    DWORD error = GetLastError();
    int prepared = prepared_slot != TLS_OUT_OF_INDEXES && TlsGetValue(prepared_slot) != NULL;
    SetLastError(error);
    return prepared;
}

/* Drops the frames whose calls are no longer under way (a longjmp left
 * them): a frame below sp on the stack, or whose marker no longer holds
 * its token. Returns the innermost live one, or NULL. */
static struct guard_frame *live_frame(uintptr_t sp)
{
    while (depth > 0) {
        struct guard_frame *frame = &frames[depth - 1];
        if ((uintptr_t)frame->marker > sp && *frame->marker == frame->token)
            return frame;
        depth--;
    }
    return NULL;
}

/* Is a frame of Wine's own __TRY, which Wine chains from the TEB on x86-64
 * too, in [low, high) on the stack? (None is on Windows, where x64 code
 * has its exception handlers in its unwind information.) Only a record on
 * this thread's stack is read. */
static int chained_handler_between(uintptr_t low, uintptr_t high)
{
    const struct _EXCEPTION_REGISTRATION_RECORD *record;
    uintptr_t base, limit;                              /* the stack is [limit, base) */
    __asm__ volatile("movq %%gs:0, %0" : "=r"(record)); /* NT_TIB: ExceptionList, */
    __asm__ volatile("movq %%gs:8, %0" : "=r"(base));   /* StackBase, */
    __asm__ volatile("movq %%gs:16, %0" : "=r"(limit)); /* StackLimit, at the TEB's start */
    for (int n = 0; n < MAX_FRAMES && (uintptr_t)record >= limit && (uintptr_t)record < base; n++) {
        if ((uintptr_t)record >= low && (uintptr_t)record < high)
            return 1;
        record = record->Next;
    }
    return 0;
}

/* Walks the stack from context (a copy, which it changes) outwards until
 * top, through the unwind information of each function; the innermost
 * frame in hot code is written to frame. Returns 1 if one is; 2 if one is,
 * but a function between it and context has an exception handler, which
 * may handle the fault itself; 0 if none is. */
static int hot_frame_below(CONTEXT *context, uintptr_t top, struct guard_frame *frame)
{
    uintptr_t fault_sp = context->Rsp;
    int handler = 0;
    for (int n = 0; n < MAX_FRAMES && context->Rip && context->Rsp < top; n++) {
        if (n > 0 && in_hot_library((const void *)context->Rip, frame))
            return handler || chained_handler_between(fault_sp, context->Rsp) ? 2 : 1;
        DWORD64 image_base;
        PRUNTIME_FUNCTION entry = RtlLookupFunctionEntry(context->Rip, &image_base, NULL);
        if (!entry) { /* a leaf function: its return address is on top of the stack */
            context->Rip = *(const DWORD64 *)context->Rsp;
            context->Rsp += 8;
            continue;
        }
        void *handler_data;
        DWORD64 establisher;
        handler |= RtlVirtualUnwind(UNW_FLAG_EHANDLER, image_base, context->Rip, entry, context,
                                    &handler_data, &establisher, NULL) != NULL;
    }
    return 0;
}

/* The stack a caught fault resumes on, just long enough to jump back to
 * the guarded call (after a stack overflow, the thread's own has no room). */
static _Thread_local _Alignas(16) unsigned char resume_stack[4096];

/* Where a caught fault resumes, as if called with frame (the handler's
 * context passes it in rcx): out to the guarded call. */
static void resume_guarded_call(struct guard_frame *frame)
{
    __builtin_longjmp(frame->jump, 1);
}

static LONG CALLBACK on_exception(EXCEPTION_POINTERS *pointers)
{
    const EXCEPTION_RECORD *record = pointers->ExceptionRecord;
    CONTEXT *context = pointers->ContextRecord;
    if (!guarded_exception(record->ExceptionCode) || !thread_prepared())
        return EXCEPTION_CONTINUE_SEARCH;
    struct guard_frame *frame = live_frame(context->Rsp);
    if (!frame)
        return EXCEPTION_CONTINUE_SEARCH;
    frame->outside = NULL;
    if (!in_hot_library(record->ExceptionAddress, frame)) {
        CONTEXT walk = *context;
        if (hot_frame_below(&walk, (uintptr_t)frame->marker, frame) != 1)
            return EXCEPTION_CONTINUE_SEARCH; /* no hot code in it, or a handler on the way */
        frame->outside = record->ExceptionAddress;
    }
    frame->code = record->ExceptionCode;
    /* As at a call: the return address's word, and above it the 32 bytes
     * the callee may keep its register arguments in. */
    context->Rcx = (DWORD64)(uintptr_t)frame;
    context->Rsp = (DWORD64)(uintptr_t)(resume_stack + sizeof resume_stack - 32 - 8);
    context->Rip = (DWORD64)(uintptr_t)resume_guarded_call;
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* The filter of exceptions no handler took, which end the program unless
 * the filter before ours (the C library's, which runs a signal handler the
 * program set) goes on with it. For a fault in hot code, which no guarded
 * call covered, says so, as on Linux, and removes the private copies. Not
 * for a stack overflow, whose thread has no room left to look. */
static LONG WINAPI on_unhandled(EXCEPTION_POINTERS *pointers)
{
    LONG action = previous_filter ? previous_filter(pointers) : EXCEPTION_CONTINUE_SEARCH;
    const EXCEPTION_RECORD *record = pointers->ExceptionRecord;
    struct guard_frame where;
    if (action == EXCEPTION_CONTINUE_SEARCH && guarded_exception(record->ExceptionCode) &&
        record->ExceptionCode != EXCEPTION_STACK_OVERFLOW &&
        in_hot_library(record->ExceptionAddress, &where)) {
        hot__say("%s in hot code '%s' outside a guarded call: not rolled back, as the guard "
                 "covers only hot_loop's calls and hot_call_guarded's; the program stops",
                 exception_name(record->ExceptionCode), where.function);
        hot__remove_private_dir();
    }
    return action;
}

/* Is pc in one of the C library's functions through which code aborts
 * itself (abort, assert's, raise): is that the name its module exports
 * nearest below it? */
static int raises_for_caller(const void *pc)
{
    static const char *const names[] = {"abort", "_assert", "_wassert", "raise"};
    HMODULE module = module_of(pc);
    char name[NAME_CAPACITY];
    if (!module)
        return 0;
    nearest_export(module, pc, name, sizeof name);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strcmp(name, names[i]) == 0)
            return 1;
    }
    return 0;
}

/* abort(): hot code's own when it called abort (or assert) itself; one in
 * what hot code called ends the program, as a fault there does. The C
 * library made SIGABRT's action the default before calling this, as
 * signal() has it: it is this again first, for the next abort(). */
static void on_abort(int sig)
{
    signal(SIGABRT, on_abort);
    volatile uintptr_t here = 0;
    struct guard_frame *frame = thread_prepared() ? live_frame((uintptr_t)&here) : NULL;
    void *stack[MAX_FRAMES];
    USHORT count = frame ? RtlCaptureStackBackTrace(0, MAX_FRAMES, stack, NULL) : 0;
    for (USHORT i = 1; i < count; i++) { /* stack[0] is in this function */
        if (in_hot_library(stack[i], frame)) {
            frame->code = 0;
            frame->outside = raises_for_caller(stack[i - 1]) ? NULL : stack[i - 1];
            __builtin_longjmp(frame->jump, 1);
        }
    }
    signal(SIGABRT, previous_abort);
    raise(sig);
}

static void install(void)
{
    if (atomic_load(&installed))
        return;
    pthread_mutex_lock(&install_lock);
    if (!atomic_load(&installed)) {
        prepared_slot = TlsAlloc(); /* before the handlers that read it */
        AddVectoredExceptionHandler(1, on_exception);
        previous_filter = SetUnhandledExceptionFilter(on_unhandled);
        previous_abort = signal(SIGABRT, on_abort);
        if (previous_abort == SIG_ERR)
            previous_abort = SIG_DFL;
        atomic_store(&installed, 1);
    }
    pthread_mutex_unlock(&install_lock);
}

/* Readies this thread for the handlers, at its first guarded call: makes
 * its _Thread_local storage now (not in a handler), leaves a handler room
 * to run after a stack overflow, and only then says so in prepared_slot. */
static void prepare_thread(void)
{
    if (prepared_slot == TLS_OUT_OF_INDEXES || TlsGetValue(prepared_slot))
        return;
    depth = 0; /* each still unused: no guarded call was made here */
    frames[0].code = 0;
    resume_stack[0] = 0;
    ULONG size = STACK_GUARANTEE;
    SetThreadStackGuarantee(&size);
    TlsSetValue(prepared_slot, (void *)1);
}

/* Ends the program as the fault would have, without the guard: Windows
 * reports an unhandled exception's code as the exit status. */
static void end_by(const struct guard_frame *frame)
{
    hot__remove_private_dir();
    TerminateProcess(GetCurrentProcess(), frame->code ? (UINT)frame->code : ABORT_EXIT_CODE);
}

/* Says why a fault called from hot code is not rolled back, then ends the
 * program by it. */
static void end_outside(const struct guard_frame *frame)
{
    WCHAR wide[MAX_PATH * 2];
    char object[MAX_PATH * 4] = "?";
    HMODULE module = module_of(frame->outside);
    if (!module || !GetModuleFileNameW(module, wide, sizeof wide / sizeof *wide) ||
        WideCharToMultiByte(CP_UTF8, 0, wide, -1, object, (int)sizeof object, NULL, NULL) <= 0)
        snprintf(object, sizeof object, "?"); /* a failed conversion may leave part, unended */
    const char *base = strrchr(object, '\\');
    hot__say("%s at %p in '%s', called from hot code '%s': not rolled back, as only a fault in "
             "hot code's own frames can be safely; the program stops",
             exception_name(frame->code), frame->outside, base ? base + 1 : object,
             frame->function);
    end_by(frame);
}

long hot__guarded_call(long (*fn)(void *arg), void *arg, long *result)
{
    if (!fn)
        return HOT_E_ARGUMENT;
    install();
    prepare_thread();
    static _Atomic uintptr_t calls;
    volatile uintptr_t marker = (uintptr_t)&marker ^ atomic_fetch_add(&calls, 1) ^ 0x9e3779b9u;
    live_frame((uintptr_t)&marker); /* those a longjmp left go */
    if (depth == MAX_DEPTH) {       /* the outer guarded calls cover this one */
        long value = fn(arg);
        if (result)
            *result = value;
        return HOT_OK;
    }
    struct guard_frame *frame = &frames[depth];
    frame->marker = &marker;
    frame->token = marker;
    if (__builtin_setjmp(frame->jump) == 0) {
        depth++;
        long value = fn(arg);
        depth--;
        if (result)
            *result = value;
        return HOT_OK;
    }
    depth = (int)(frame - frames); /* it and any inner ones are over */
    if (frame->code == EXCEPTION_STACK_OVERFLOW)
        _resetstkoflw(); /* the stack's guard page again, for the next overflow */
    if (frame->outside)
        end_outside(frame);
    long status =
        hot__rollback(frame->library, frame->at, frame->function, exception_name(frame->code));
    if (status != HOT_E_CRASHED) /* nothing to roll back to: end as it would have */
        end_by(frame);
    return HOT_E_CRASHED;
}

int hot__guard_in_use(void)
{
    return atomic_load(&installed);
}

void hot__guard_loop(int on)
{
    if (on)
        install();
    atomic_store(&loop_guarded, on != 0);
}

int hot__loop_guarded(void)
{
    return atomic_load(&loop_guarded);
}
