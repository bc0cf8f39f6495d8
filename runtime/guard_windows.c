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
 *   instruction is in a hot library copy, or an abort() hot code called.
 *   One elsewhere with hot code below it on the stack (the C library's heap
 *   finding itself corrupt) is said and ends the program: going on could
 *   hang it. Anything else goes on to the handlers after ours, untouched.
 * - The handler changes nothing but the faulting thread's context, and
 *   returns: the system's exception dispatch ends as it began, with no lock
 *   of its own left held, which a jump out of the handler could not
 *   promise. */
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
};

static _Thread_local struct guard_frame frames[MAX_DEPTH];
static _Thread_local int depth; /* frames[0 .. depth) were made, the live ones among them */
static _Thread_local struct guard_frame *resuming; /* the frame the trampoline jumps to */
static _Thread_local int stack_guaranteed;

static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int installed;
static _Atomic int loop_guarded;
static void (*previous_abort)(int);

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
    return 1;
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

/* Walks the stack from context (a copy, which it changes) outwards until
 * top, through the unwind information of each function; the innermost
 * frame in hot code is written to frame. Returns 1 if one is, and sets
 * *callee to the function that frame called (its return address's
 * target's frame: the one just inside it). */
static int hot_frame_below(CONTEXT *context, uintptr_t top, struct guard_frame *frame,
                           const void **callee)
{
    const void *inner = (const void *)context->Rip;
    for (int n = 0; n < MAX_FRAMES && context->Rip && context->Rsp < top; n++) {
        if (n > 0 && in_hot_library((const void *)context->Rip, frame)) {
            *callee = inner;
            return 1;
        }
        inner = (const void *)context->Rip;
        DWORD64 image_base;
        PRUNTIME_FUNCTION entry = RtlLookupFunctionEntry(context->Rip, &image_base, NULL);
        if (!entry) { /* a leaf function: its return address is on top of the stack */
            context->Rip = *(const DWORD64 *)context->Rsp;
            context->Rsp += 8;
            continue;
        }
        void *handler_data;
        DWORD64 establisher;
        RtlVirtualUnwind(UNW_FLAG_NHANDLER, image_base, context->Rip, entry, context, &handler_data,
                         &establisher, NULL);
    }
    return 0;
}

/* The stack a caught fault resumes on, just long enough to jump back to
 * the guarded call (after a stack overflow, the thread's own has no room). */
static _Thread_local _Alignas(16) unsigned char resume_stack[4096];

/* Where a caught fault resumes: out to the guarded call. */
static void resume_guarded_call(void)
{
    __builtin_longjmp(resuming->jump, 1);
}

static LONG CALLBACK on_exception(EXCEPTION_POINTERS *pointers)
{
    const EXCEPTION_RECORD *record = pointers->ExceptionRecord;
    CONTEXT *context = pointers->ContextRecord;
    if (!guarded_exception(record->ExceptionCode))
        return EXCEPTION_CONTINUE_SEARCH;
    struct guard_frame *frame = live_frame(context->Rsp);
    if (!frame)
        return EXCEPTION_CONTINUE_SEARCH;
    frame->outside = NULL;
    if (!in_hot_library(record->ExceptionAddress, frame)) {
        CONTEXT walk = *context;
        const void *callee = NULL;
        if (!hot_frame_below(&walk, (uintptr_t)frame->marker, frame, &callee))
            return EXCEPTION_CONTINUE_SEARCH; /* no hot code in it: not ours */
        frame->outside = record->ExceptionAddress;
    }
    frame->code = record->ExceptionCode;
    resuming = frame;
    context->Rsp = (DWORD64)(uintptr_t)(resume_stack + sizeof resume_stack - 8); /* as at a call */
    context->Rip = (DWORD64)(uintptr_t)resume_guarded_call;
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* abort(): hot code's own when it called abort (or assert) itself. */
static void on_abort(int sig)
{
    volatile uintptr_t here = 0;
    struct guard_frame *frame = live_frame((uintptr_t)&here);
    void *stack[MAX_FRAMES];
    USHORT count = frame ? RtlCaptureStackBackTrace(0, MAX_FRAMES, stack, NULL) : 0;
    for (USHORT i = 0; i < count; i++) {
        if (in_hot_library(stack[i], frame)) {
            frame->code = 0;
            frame->outside = NULL;
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
        AddVectoredExceptionHandler(1, on_exception);
        previous_abort = signal(SIGABRT, on_abort);
        if (previous_abort == SIG_ERR)
            previous_abort = SIG_DFL;
        atomic_store(&installed, 1);
    }
    pthread_mutex_unlock(&install_lock);
}

/* Leaves this thread's handler room to run after a stack overflow. */
static void ensure_stack_guarantee(void)
{
    if (stack_guaranteed)
        return;
    stack_guaranteed = 1;
    resume_stack[0] = 0; /* this thread's copy is made now, not in the handler */
    ULONG size = STACK_GUARANTEE;
    SetThreadStackGuarantee(&size);
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
    if (module && GetModuleFileNameW(module, wide, sizeof wide / sizeof *wide))
        WideCharToMultiByte(CP_UTF8, 0, wide, -1, object, (int)sizeof object, NULL, NULL);
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
    ensure_stack_guarantee();
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
    long status = hot__rollback(frame->library, frame->function, exception_name(frame->code));
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
