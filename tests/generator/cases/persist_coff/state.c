/* The #[persist] variables of the persist case, for a hot library that
 * reaches its own variables directly (a PE DLL): each is defined under
 * another name, and its own name aliased to it, declared extern. */
#include <stddef.h>

struct stats {
    int frames;
    double seconds[4];
};

#[persist]
static int counter = 0;

// #[persist]
unsigned long total;

  #[persist]  
static struct stats stats = {.frames = 1, .seconds = {0.5, 1.5, /* } */ 2.5}};

	// #[persist]
static double history[16];

#[persist]
static const char *greeting = "hello, {world}; \"quoted\"";

#[persist]
static char names[2][8] = {"a,b", "}{"};

#[persist]
static int (*callback)(int) = NULL;

#[persist]
static unsigned char bytes[] = {'{', ';', ',', sizeof(struct stats) > 0 ? 1 : 2};

#[persist]
int frames
    = (1 + 2) * 3 // a comment ; with a semicolon
    ;

#[hot]
int step(int x)
{
    counter += x;
    return counter + (int)total + stats.frames + (int)history[0] + greeting[0] + names[0][0] +
           (callback ? callback(x) : 0) + bytes[0] + frames;
}

struct node {
    struct node *ring;
};

/* Named in its own initializer: the unit's object there, but not the
 * member after '.'. */
#[persist]
static struct node ring = {.ring = &ring};
