/* os/build_round.c
 * hot__build_run: the one build both builders run (build_round.h). */
#include "build_round.h"

#include "os.h"

#include <stdio.h>

#define POLL_MS 20         /* how often HOT_BUILD_UNTIL_FLAG looks at the flag */
#define STOP_GRACE_MS 2000 /* how long a stopped build may take to end before SIGKILL */

/* Waits for the build tool pid by b's policy: 1 with *status when it
 * ended, 0 when the wait was cut short. */
static int wait_for(const struct hot__build *b, long pid, int *status)
{
    if (b->wait == HOT_BUILD_UNTIL_SIGNAL) {
        int done = 0;
        while (!done && !hot__os_caught_signal())
            done = hot__os_wait(pid, -1, status) != 0;
        return done;
    }
    while (!atomic_load(b->stop)) {
        if (hot__os_wait(pid, POLL_MS, status) != 0)
            return 1;
    }
    return 0;
}

int hot__build_run(const struct hot__build *b)
{
    char err[512], line[1024];
    long long start = hot__os_now_ns();
    snprintf(line, sizeof line, "building '%s'", b->target);
    b->say(line);
    hot__units_building(b->stale, 0);
    long pid = hot__os_spawn(b->argv, b->own_group, b->output_on_stderr, err, sizeof err);
    int status = -1;
    if (pid < 0) {
        snprintf(line, sizeof line, "%s; %s", err, b->after_no_start);
        b->say(line);
        hot__units_building(b->stale, 1);
        return -1;
    }
    int ended = wait_for(b, pid, &status);
    hot__units_building(b->stale, 1);
    if (!ended) {
        hot__os_stop(pid, b->own_group, STOP_GRACE_MS);
        return -1;
    }
    double ms = (double)(hot__os_now_ns() - start) / 1e6;
    if (status == 0)
        snprintf(line, sizeof line, "built '%s' in %.0f ms", b->target, ms);
    else
        snprintf(line, sizeof line, "build of '%s' failed (exit %d) after %.0f ms; %s", b->target,
                 status, ms, b->after_failure);
    b->say(line);
    return status;
}
