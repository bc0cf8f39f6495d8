/* os/os_process_linux.c
 * os.h's processes for Linux: posix_spawn without waiting, process groups,
 * waits with a deadline, stopping a child, and the stop signals of
 * `vais-hot watch`. The one place that starts a process and reads how it
 * ended.
 * Invariant: only children we started are ever signalled or waited for; a
 * signal handler does nothing but record itself and write to an eventfd. */
#define _GNU_SOURCE
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Spawns argv with stdout sent to stdout_fd (-1: ours), in a new process
 * group when own_group, with an empty signal mask. Returns the pid or -1. */
static long spawn(const char *const *argv, int own_group, int stdout_fd, int stderr_too, char *err,
                  size_t errlen)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t none;
    pid_t pid;
    sigemptyset(&none);
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    if (stdout_fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
    if (stdout_fd >= 0 && stderr_too)
        posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDERR_FILENO);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, (short)(POSIX_SPAWN_SETSIGMASK | (own_group ? POSIX_SPAWN_SETPGROUP : 0)));
    int rc = strchr(argv[0], '/')
                 ? posix_spawn(&pid, argv[0], &actions, &attr, (char *const *)argv, environ)
                 : posix_spawnp(&pid, argv[0], &actions, &attr, (char *const *)argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(rc));
        return -1;
    }
    return (long)pid;
}

long hot__os_spawn(const char *const *argv, int own_group, int output_to_stderr, char *err,
                   size_t errlen)
{
    return spawn(argv, own_group, output_to_stderr ? STDERR_FILENO : -1, 0, err, errlen);
}

static int exit_code(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int hot__os_capture(const char *const *argv, int with_stderr, char **out, char *err, size_t errlen)
{
    int fds[2], status = -1;
    size_t size = 0, capacity = 1 << 16;
    char *text = malloc(capacity);
    *out = NULL;
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(errno));
        free(text);
        return -1;
    }
    long pid = spawn(argv, 0, fds[1], with_stderr, err, errlen);
    close(fds[1]);
    for (ssize_t n = 1; pid > 0 && n != 0;) {
        if (size + 1 == capacity) {
            char *bigger = realloc(text, capacity * 2);
            if (!bigger)
                break; /* keep what fits; the pipe is drained below */
            text = bigger;
            capacity *= 2;
        }
        n = read(fds[0], text + size, capacity - 1 - size);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0)
            size += (size_t)n;
    }
    close(fds[0]); /* a child still writing gets SIGPIPE */
    text[size] = '\0';
    if (pid > 0) {
        int raw;
        while (waitpid((pid_t)pid, &raw, 0) < 0 && errno == EINTR) {
        }
        status = exit_code(raw);
    }
    if (status < 0)
        free(text);
    else
        *out = text;
    return status;
}

int hot__os_wait(long pid, int timeout_ms, int *status)
{
    long long deadline = hot__os_now_ns() + (long long)timeout_ms * 1000000LL;
    for (;;) {
        int raw;
        if (timeout_ms < 0 && hot__os_caught_signal())
            return 0;
        pid_t done = waitpid((pid_t)pid, &raw, timeout_ms < 0 ? 0 : WNOHANG);
        if (done == (pid_t)pid) {
            *status = exit_code(raw);
            return 1;
        }
        if (done < 0 && errno == ECHILD)
            return -1;
        if (done < 0 && hot__os_caught_signal())
            return 0;
        if (timeout_ms >= 0) {
            if (hot__os_now_ns() >= deadline)
                return 0;
            hot__os_sleep_ms(2);
        }
    }
}

void hot__os_signal(long pid, int group, enum hot__os_signal sig)
{
    static const int numbers[] = {SIGTERM, SIGKILL};
    if (pid > 0)
        kill(group ? -(pid_t)pid : (pid_t)pid, numbers[sig]);
}

void hot__os_stop(long pid, int group, int grace_ms)
{
    int status;
    hot__os_signal(pid, group, HOT__OS_TERMINATE);
    if (hot__os_wait(pid, grace_ms, &status) == 0) {
        hot__os_signal(pid, group, HOT__OS_KILL);
        hot__os_wait(pid, grace_ms, &status);
    }
    if (group) /* what the group's leader left behind */
        hot__os_signal(pid, 1, HOT__OS_KILL);
}

static struct hot__watch *volatile wake_watch;
static volatile sig_atomic_t caught;

static void on_signal(int number)
{
    int saved = errno;
    if (number != SIGCHLD && !caught)
        caught = 128 + number;
    if (wake_watch)
        hot__os_watch_wake(wake_watch);
    errno = saved;
}

void hot__os_catch_signals(struct hot__watch *watch)
{
    static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
    static int installed;
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old); /* no handler runs while the watch changes */
    wake_watch = watch;
    if (!installed) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
            sigaction(stops[i], &action, NULL); /* no SA_RESTART: waits end early */
        action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
        sigaction(SIGCHLD, &action, NULL);
        installed = 1;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

int hot__os_caught_signal(void)
{
    return caught;
}
