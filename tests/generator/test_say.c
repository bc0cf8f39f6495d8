/* tests/generator/test_say.c
 * The vais-hot command's lines (tool/say.c) each reach stderr in one write,
 * so that the running program's lines and a build's, written to the same
 * terminal or file at the same time, never land inside one of them. Its
 * stderr is a sequenced-packet socket here: each write is one message. */
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "say.h"

static int reader = -1;

/* The next message written to stderr ("" if none), in storage of its own
 * until the next call. */
static const char *next_write(void)
{
    static char text[8192];
    ssize_t n = recv(reader, text, sizeof text - 1, MSG_DONTWAIT);
    text[n > 0 ? n : 0] = '\0';
    return text;
}

SAY_FORMAT(2, 3) static void usage_then(const char *usage, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    say_usage(usage, format, args);
    va_end(args);
}

int main(void)
{
    int pair[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair), ==, 0);
    int saved = dup(2);
    CHECK_INT(dup2(pair[1], 2), ==, 2);
    reader = pair[0];
    static char long_name[3000], expected[4000];
    memset(long_name, 'x', sizeof long_name - 1);

    say("built '%s' in %d ms", "app_hot", 81);
    say_error("cannot read '%s'", "a.c");
    usage_then("usage: vais-hot stamp LIBRARY STAMP", "%s takes %d arguments", "stamp", 2);
    say("a long path: %s", long_name);

    /* Messages are read back after stderr is stderr again, so that a
     * failed check can say so. */
    dup2(saved, 2);
    CHECK_STR(next_write(), "vais-hot: built 'app_hot' in 81 ms\n");
    CHECK_STR(next_write(), "vais-hot: error: cannot read 'a.c'\n");
    CHECK_STR(next_write(), "vais-hot: error: stamp takes 2 arguments\n");
    CHECK_STR(next_write(), "usage: vais-hot stamp LIBRARY STAMP\n");
    snprintf(expected, sizeof expected, "vais-hot: a long path: %s\n", long_name);
    const char *got = next_write(); /* longer than CHECK_STR says */
    CHECK_INT(strlen(got), ==, strlen(expected));
    CHECK(strcmp(got, expected) == 0);
    CHECK_STR(next_write(), ""); /* nothing more */
    return check_exit();
}
