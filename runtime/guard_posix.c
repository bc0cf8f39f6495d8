/* runtime/guard_posix.c
 * Crash rollback for guarded calls: a call runs under sigsetjmp, and a
 * fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) whose stack passes through
 * a hot library jumps back out of it; the loader then rolls back to the
 * previous version. Invariants: guard frames are per thread; a fault that is
 * not in hot code, or not in a guarded call, goes to the handler that was
 * installed before ours, untouched. */
#define _GNU_SOURCE
#include "runtime.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 16  /* guarded calls nested in one thread */
#define MAX_FRAMES 64 /* stack frames searched for hot code */
#define NAME_CAPACITY 256

static const int guarded_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define SIGNAL_COUNT (sizeof guarded_signals / sizeof guarded_signals[0])

/* A guarded call under way. Kept out of the caller's automatic storage, so
 * that what the handler writes is well defined after the jump. */
struct guard_frame {
    sigjmp_buf jump;
    int signal;                      /* the fault, once caught */
    char library[NAME_CAPACITY * 4]; /* the hot library it happened in */
    char function[NAME_CAPACITY];    /* the nearest exported function there */
};

static _Thread_local struct guard_frame frames[MAX_DEPTH];
static _Thread_local int depth; /* frames[0 .. depth) are under way */

static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int installed;
static struct sigaction previous[SIGNAL_COUNT];
static _Atomic int loop_guarded;

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
    default:
        return "SIGABRT";
    }
}

/* Finds the innermost stack frame inside a hot library copy; fills the
 * frame's library and function and returns 1, or returns 0. */
static int find_hot_frame(struct guard_frame *frame)
{
    void *stack[MAX_FRAMES];
    int count = backtrace(stack, MAX_FRAMES);
    const char *dir = hot__private_dir();
    size_t dir_len = strlen(dir);
    for (int i = 0; i < count && dir_len > 0; i++) {
        Dl_info info;
        if (!dladdr(stack[i], &info) || !info.dli_fname ||
            strncmp(info.dli_fname, dir, dir_len) != 0 || info.dli_fname[dir_len] != '/')
            continue;
        snprintf(frame->library, sizeof frame->library, "%s", info.dli_fname);
        snprintf(frame->function, sizeof frame->function, "%s",
                 info.dli_sname ? info.dli_sname : "a static function");
        return 1;
    }
    return 0;
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

static void on_fault(int sig, siginfo_t *info, void *context)
{
    if (depth == 0 || !find_hot_frame(&frames[depth - 1])) {
        pass_on(sig, info, context);
        return;
    }
    frames[depth - 1].signal = sig;
    siglongjmp(frames[depth - 1].jump, 1);
}

static void install(void)
{
    if (atomic_load(&installed))
        return;
    pthread_mutex_lock(&install_lock);
    if (!atomic_load(&installed)) {
        void *warm[1];
        backtrace(warm, 1); /* loads the unwinder now, not inside a handler */
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = on_fault;
        action.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&action.sa_mask);
        for (size_t i = 0; i < SIGNAL_COUNT; i++)
            sigaction(guarded_signals[i], &action, &previous[i]);
        atomic_store(&installed, 1);
    }
    pthread_mutex_unlock(&install_lock);
}

long hot__guarded_call(long (*fn)(void *arg), void *arg, long *result)
{
    if (!fn)
        return HOT_E_ARGUMENT;
    install();
    if (depth == MAX_DEPTH) { /* the outer guarded calls cover this one */
        long value = fn(arg);
        if (result)
            *result = value;
        return HOT_OK;
    }
    struct guard_frame *frame = &frames[depth];
    if (sigsetjmp(frame->jump, 1) == 0) {
        depth++;
        long value = fn(arg);
        depth--;
        if (result)
            *result = value;
        return HOT_OK;
    }
    depth--;
    long status = hot__rollback(frame->library, frame->function, signal_name(frame->signal));
    if (status != HOT_E_CRASHED) { /* nothing to roll back to: die of it */
        hot__remove_private_dir();
        signal(frame->signal, SIG_DFL);
        raise(frame->signal);
    }
    return HOT_E_CRASHED;
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
