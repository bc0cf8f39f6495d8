/* runtime/guard_posix.c
 * Crash rollback for guarded calls: a call runs under sigsetjmp, and a
 * fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT) in hot code jumps back
 * out of it; the loader then rolls back to the previous version.
 * Invariants:
 * - Guard frames are per thread, and a frame counts only while the call
 *   that made it is under way: one a longjmp left is dropped when seen.
 * - Only a fault in hot code's own frames is rolled back: a fault whose
 *   instruction is in hot code, or a signal hot code raised itself (abort,
 *   assert, raise). One elsewhere, called from hot code (malloc finding a
 *   corrupt heap, with its lock held), is said and ends the program: going
 *   on could hang it.
 * - The handler runs on an alternate stack, so a stack overflow in hot code
 *   is caught too; a thread without one gets one at its first guarded call.
 * - A fault that is not in a guarded call goes to the handler that was
 *   installed before ours, untouched. */
#define _GNU_SOURCE
#include "runtime.h"

#include "log.h"
#include "patch.h"

#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#if __has_include(<execinfo.h>)
#include <execinfo.h>
#define HAVE_BACKTRACE 1
#else
#define HAVE_BACKTRACE 0
#endif

#define MAX_DEPTH 16  /* guarded calls nested in one thread */
#define MAX_FRAMES 64 /* stack frames searched for hot code */
#define NAME_CAPACITY 256
#define ALT_STACK_SIZE (256 * 1024)

/* SIGTRAP: __builtin_trap() on AArch64 and RISC-V, where x86 raises SIGILL. */
static const int guarded_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT};
#define SIGNAL_COUNT (sizeof guarded_signals / sizeof guarded_signals[0])

/* A guarded call under way. Kept out of the caller's automatic storage, so
 * that what the handler writes is well defined after the jump. */
struct guard_frame {
    sigjmp_buf jump;
    const volatile uintptr_t *marker; /* a local of the call, holding token while it runs */
    uintptr_t token;
    int signal;                      /* the fault, once caught */
    void *outside;                   /* where it happened, if not in hot code's own frames */
    char library[NAME_CAPACITY * 4]; /* the hot library it happened in */
    char function[NAME_CAPACITY];    /* the nearest exported function there */
    const void *at;                  /* the address in it */
};

static _Thread_local struct guard_frame frames[MAX_DEPTH];
static _Thread_local int depth; /* frames[0 .. depth) were made, the live ones among them */
static _Thread_local int alt_stack_ready;

static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int installed;
static struct sigaction previous[SIGNAL_COUNT];
static _Atomic int loop_guarded;
static pthread_key_t alt_stack_key;

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGILL:
        return "SIGILL";
    case SIGFPE:
        return "SIGFPE";
    case SIGTRAP:
        return "SIGTRAP";
    default:
        return "SIGABRT";
    }
}

/* Is the object that holds pc a hot library copy? Writes its path and the
 * nearest exported function to frame, if so. */
static int in_hot_library(const void *pc, struct guard_frame *frame)
{
    const char *dir = hot__private_dir();
    size_t dir_len = strlen(dir);
    Dl_info info;
    if (dir_len == 0 || !dladdr(pc, &info) || !info.dli_fname ||
        strncmp(info.dli_fname, dir, dir_len) != 0 || info.dli_fname[dir_len] != '/')
        return 0;
    snprintf(frame->library, sizeof frame->library, "%s", info.dli_fname);
    frame->at = pc;
    snprintf(frame->function, sizeof frame->function, "%s",
             info.dli_sname ? info.dli_sname : "a static function");
    return 1;
}

/* Is pc in a function through which hot code raises a signal itself: one
 * of the C library's, or a sanitizer's interceptor of one; an unnamed
 * function in the C library is one they passed the call on to. */
static int raises_for_caller(const void *pc)
{
    static const char *const names[] = {
        "abort",        "raise",  "gsignal",       "kill",
        "pthread_kill", "tgkill", "__assert_fail", "__assert_perror_fail",
        "__assert"};
    static const char interceptor[] = "__interceptor_";
    Dl_info info;
    if (!dladdr(pc, &info) || !info.dli_fname)
        return 0;
    if (!info.dli_sname)
        return strstr(info.dli_fname, "libc.so") != NULL;
    const char *name = info.dli_sname;
    if (strncmp(name, interceptor, sizeof interceptor - 1) == 0)
        name += sizeof interceptor - 1;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strcmp(name, names[i]) == 0)
            return 1;
    }
    return 0;
}

/* Where the interrupted thread was. */
struct interrupted {
    uintptr_t pc, sp;
    uintptr_t link; /* the link register (a leaf's return address), or 0 */
};

static struct interrupted interrupted_at(const void *context)
{
    const ucontext_t *uc = context;
#if defined(__x86_64__)
    return (struct interrupted){.pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP],
                                .sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP]};
#elif defined(__aarch64__)
    return (struct interrupted){.pc = (uintptr_t)uc->uc_mcontext.pc,
                                .sp = (uintptr_t)uc->uc_mcontext.sp,
                                .link = (uintptr_t)uc->uc_mcontext.regs[30]};
#elif defined(__riscv)
    return (struct interrupted){.pc = (uintptr_t)uc->uc_mcontext.__gregs[REG_PC],
                                .sp = (uintptr_t)uc->uc_mcontext.__gregs[REG_SP],
                                .link = (uintptr_t)uc->uc_mcontext.__gregs[REG_RA]};
#else
#error "vais-hot: name this machine's program counter and stack pointer in guard_posix.c"
#endif
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

/* The frames the C library's unwinder finds from here, innermost first;
 * none where it has no unwinder (musl: the stack scan below is the only
 * walk there). */
static int unwind(void **stack, int max)
{
#if HAVE_BACKTRACE
    return backtrace(stack, max);
#else
    (void)stack;
    (void)max;
    return 0;
#endif
}

/* The index of the innermost of stack[0 .. count) in hot code, or -1. */
static int innermost_hot(void *const *stack, int count, struct guard_frame *frame)
{
    for (int i = 0; i < count; i++) {
        if (in_hot_library(stack[i], frame))
            return i;
    }
    return -1;
}

/* Did the unwinder get past the signal frame to the interrupted code? Its
 * frames then hold the interrupted instruction itself. */
static int unwound_past_signal(void *const *stack, int count, uintptr_t pc)
{
    for (int i = 0; i < count; i++) {
        if ((uintptr_t)stack[i] == pc)
            return 1;
    }
    return 0;
}

/* Might value be a return address: does it point just past a call, in a
 * named function or in hot code? The code from the start of the function
 * around it is read; in hot code with no name there, nothing is. */
static int code_after_call(void *value, struct guard_frame *frame)
{
    Dl_info info;
    if (!dladdr(value, &info) || !info.dli_fname)
        return 0;
    const unsigned char *at = value, *start = info.dli_saddr;
    size_t room = start && start < at ? (size_t)(at - start) : 0;
    if (in_hot_library(value, frame))
        return !start || hot__patch_follows_call(at, room);
    return info.dli_sname && hot__patch_follows_call(at, room);
}

/* The interrupted stack when the unwinder cannot read the signal frame
 * (qemu-user's on RISC-V), or there is none (musl): its pc, its link
 * register (a leaf function's return address), then each word from its sp
 * up to top (the guarded call's own frame) that code_after_call takes,
 * innermost first. A stale return address left in a frame still passes
 * for one (the README says what that can mislead); the unwinder is used
 * wherever it gets past the signal frame. */
static int scan_stack(struct interrupted at, uintptr_t top, struct guard_frame *frame, void **stack,
                      int max)
{
    enum { MOST_WORDS = 128 * 1024 }; /* 1 MiB of stack */
    int count = 0;
    stack[count++] = (void *)at.pc;
    if (at.link && code_after_call((void *)at.link, frame))
        stack[count++] = (void *)at.link;
    const uintptr_t *word = (const uintptr_t *)(at.sp & ~(uintptr_t)(sizeof *word - 1));
    for (long n = 0; (uintptr_t)word < top && n < MOST_WORDS && count < max; word++, n++) {
        if (code_after_call((void *)*word, frame))
            stack[count++] = (void *)*word;
    }
    return count;
}

/* The function that hot code called at return address `hot`, for a stack
 * the scan found (whose words between it and the signal may be stale): the
 * target of the direct call before it, through the linker's stub there if
 * it is one; NULL if that cannot be told. Reads code from the start of the
 * function around `hot`, and a stub and its slot only in the same object. */
static void *callee_of(const unsigned char *hot)
{
    Dl_info caller, stub, slot;
    if (!dladdr(hot, &caller) || !caller.dli_saddr ||
        (const unsigned char *)caller.dli_saddr >= hot)
        return NULL;
    const unsigned char *target =
        hot__patch_call_target(hot, (size_t)(hot - (const unsigned char *)caller.dli_saddr));
    if (!target || !dladdr(target, &stub) || stub.dli_fbase != caller.dli_fbase ||
        !dladdr(target + HOT_PATCH_STUB - 1, &stub) || stub.dli_fbase != caller.dli_fbase)
        return (void *)target;
    void *const *through = hot__patch_stub_slot(target);
    if (!through)
        return (void *)target; /* a function of the same object */
    if (!dladdr(through, &slot) || slot.dli_fbase != caller.dli_fbase)
        return NULL;
    return *through;
}

/* Finds hot code on the stack of the fault in frame: 1 if the fault is in
 * hot code's own frames (frame->outside NULL) or, with frame->outside set
 * to where it happened, in a function hot code called; 0 if no hot code is
 * on the stack. */
static int find_hot_frame(struct guard_frame *frame, const siginfo_t *info, struct interrupted at)
{
    frame->outside = NULL;
    if (info->si_code > 0) { /* a fault: its instruction must be hot code's */
        if (in_hot_library((const void *)at.pc, frame))
            return 1;
        frame->outside = (void *)at.pc;
    }
    void *stack[MAX_FRAMES];
    int count = unwind(stack, MAX_FRAMES), scanned = !unwound_past_signal(stack, count, at.pc);
    if (scanned)
        count = scan_stack(at, (uintptr_t)frame->marker, frame, stack, MAX_FRAMES);
    int i = innermost_hot(stack, count, frame);
    if (i < 0)
        return 0;
    if (i == 0)
        return 1; /* in hot code itself */
    /* Hot code was calling out. Sent: hot code raised it if it called what
     * raises it. A fault: where it happened, or, if that has no name (a C
     * library's internal function), what hot code called. */
    void *callee = scanned ? callee_of(stack[i]) : stack[i - 1];
    Dl_info at_fault;
    if (info->si_code <= 0 && (!callee || !raises_for_caller(callee)))
        frame->outside = callee ? callee : stack[i - 1];
    else if (info->si_code > 0 && callee &&
             !(dladdr(frame->outside, &at_fault) && at_fault.dli_sname))
        frame->outside = callee;
    return 1;
}

/* Hands the signal to whoever handled it before us: their handler, or the
 * default action (a synchronous fault recurs on return, abort re-raises). */
static void pass_on(int sig, siginfo_t *info, void *context)
{
    for (size_t i = 0; i < SIGNAL_COUNT; i++) {
        if (guarded_signals[i] != sig)
            continue;
        const struct sigaction *old = &previous[i];
        if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
            old->sa_sigaction(sig, info, context);
        } else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
            old->sa_handler(sig);
        } else {
            sigaction(sig, old, NULL);
            if (info->si_code <= 0) /* sent, not a fault: send it again */
                raise(sig);
        }
        return;
    }
}

/* Will the default action handle sig, ending the program (a fault
 * recurs, ignored or not)? No for a handler the program or a sanitizer
 * installed before ours. */
static int ends_the_program(int sig)
{
    for (size_t i = 0; i < SIGNAL_COUNT; i++) {
        if (guarded_signals[i] == sig)
            return !(previous[i].sa_flags & SA_SIGINFO) &&
                   (previous[i].sa_handler == SIG_DFL || previous[i].sa_handler == SIG_IGN);
    }
    return 0;
}

/* A fault at pc, on a thread in no guarded call, that will end the
 * program: if pc is in hot code, says so (the guard is on, yet it rolls
 * nothing back there) and removes the private copies, as end_outside. */
static void say_unguarded(int sig, const siginfo_t *info, const void *pc)
{
    struct guard_frame where;
    if (info->si_code <= 0 || !ends_the_program(sig) || !in_hot_library(pc, &where))
        return;
    hot__say("%s in hot code '%s' outside a guarded call: not rolled back, as the guard "
             "covers only hot_loop's calls and hot_call_guarded's; the program stops",
             signal_name(sig), where.function);
    hot__remove_private_dir();
}

static void on_fault(int sig, siginfo_t *info, void *context)
{
    struct interrupted at = interrupted_at(context);
    struct guard_frame *frame = live_frame(at.sp);
    if (!frame || !find_hot_frame(frame, info, at)) {
        if (!frame)
            say_unguarded(sig, info, (const void *)at.pc);
        pass_on(sig, info, context);
        return;
    }
    frame->signal = sig;
    siglongjmp(frame->jump, 1);
}

/* Frees a thread's alternate signal stack as the thread ends. */
static void free_alt_stack(void *stack)
{
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    free(stack);
}

static void install(void)
{
    if (atomic_load(&installed))
        return;
    pthread_mutex_lock(&install_lock);
    if (!atomic_load(&installed)) {
        void *warm[1];
        unwind(warm, 1); /* loads the unwinder now, not inside a handler */
        pthread_key_create(&alt_stack_key, free_alt_stack);
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = on_fault;
        action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        for (size_t i = 0; i < SIGNAL_COUNT; i++)
            sigaction(guarded_signals[i], &action, &previous[i]);
        atomic_store(&installed, 1);
    }
    pthread_mutex_unlock(&install_lock);
}

/* Gives this thread an alternate signal stack, unless it has one: the
 * handler of a stack overflow cannot run on the stack that overflowed. */
static void ensure_alt_stack(void)
{
    if (alt_stack_ready)
        return;
    alt_stack_ready = 1;
    stack_t now;
    if (sigaltstack(NULL, &now) != 0 || !(now.ss_flags & SS_DISABLE))
        return; /* the program's own */
    stack_t ours = {.ss_sp = malloc(ALT_STACK_SIZE), .ss_size = ALT_STACK_SIZE};
    if (ours.ss_sp && sigaltstack(&ours, NULL) == 0)
        pthread_setspecific(alt_stack_key, ours.ss_sp);
    else
        free(ours.ss_sp);
}

/* Says why a fault called from hot code is not rolled back, then ends the
 * program by it, as it would have ended without us. */
static void end_outside(const struct guard_frame *frame)
{
    Dl_info info = {0};
    dladdr(frame->outside, &info);
    const char *object = info.dli_fname ? strrchr(info.dli_fname, '/') : NULL;
    hot__say("%s in '%s' (%s), called from hot code '%s': not rolled back, as only a fault in "
             "hot code's own frames can be safely; the program stops",
             signal_name(frame->signal), info.dli_sname ? info.dli_sname : "?",
             object           ? object + 1
             : info.dli_fname ? info.dli_fname
                              : "?",
             frame->function);
    hot__remove_private_dir();
    signal(frame->signal, SIG_DFL);
    raise(frame->signal);
}

long hot__guarded_call(long (*fn)(void *arg), void *arg, long *result)
{
    if (!fn)
        return HOT_E_ARGUMENT;
    install();
    ensure_alt_stack();
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
    if (sigsetjmp(frame->jump, 1) == 0) {
        depth++;
        long value = fn(arg);
        depth--;
        if (result)
            *result = value;
        return HOT_OK;
    }
    depth = (int)(frame - frames); /* it and any inner ones are over */
    if (frame->outside)
        end_outside(frame);
    long status =
        hot__rollback(frame->library, frame->at, frame->function, signal_name(frame->signal));
    if (status != HOT_E_CRASHED) { /* nothing to roll back to: die of it */
        hot__remove_private_dir();
        signal(frame->signal, SIG_DFL);
        raise(frame->signal);
    }
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
