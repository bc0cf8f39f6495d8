/* #[persist] variables for a hot library that reaches its own variables
 * directly (a PE DLL): each is defined under another name, and its own
 * name aliased to it, declared extern after the definition's ';' (where a
 * comment may hide one), and its initializer names that object too, but
 * not a member of the same name. The forms of initializers the parser
 * reads are the persist case's. */
#[persist]
static int counter = 0;

// #[persist]
unsigned long total;

#[persist]
int frames
    = (1 + 2) * 3 // a comment ; with a semicolon
    ;

struct node {
    struct node *ring;
};

#[persist]
static struct node ring = {.ring = &ring};

#[hot]
int step(int x)
{
    counter += x;
    return counter + (int)total + frames + (ring.ring == &ring);
}
