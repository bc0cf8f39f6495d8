/* tests/runtime/test_first_load_signal.c
 * A signal handler that calls a hot function, run while the first load
 * holds the loader's lock on the same thread (the library's constructor
 * raises it, calc/raises.c): the handler runs once the load is done, and
 * its call reaches the new code. It deadlocked: the alarm ends that. */
#include "check.h"

#include <signal.h>
#include <unistd.h>

int add(int a, int b);

static volatile sig_atomic_t from_handler;

static void on_usr1(int sig)
{
    (void)sig;
    from_handler = add(20, 22);
}

static void a_handler_calling_hot_code_runs_after_the_load(void)
{
    struct sigaction action = {0};
    action.sa_handler = on_usr1;
    sigemptyset(&action.sa_mask);
    CHECK_INT(sigaction(SIGUSR1, &action, NULL), ==, 0);
    alarm(10);                   /* a deadlock ends the test */
    CHECK_INT(add(2, 3), ==, 5); /* the first call loads, and the constructor raises */
    CHECK_INT(from_handler, ==, 42);
    alarm(0);
}

static const struct check_scenario scenarios[] = {
    {"a_handler_calling_hot_code_runs_after_the_load",
     a_handler_calling_hot_code_runs_after_the_load, NULL},
};

int main(void)
{
    return CHECK_SCENARIOS("first_load_signal", scenarios);
}
