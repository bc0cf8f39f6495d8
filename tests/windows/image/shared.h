/* tests/windows/image/shared.h: the type the core and its hot DLL share;
 * TAG_SIZE changes its layout, as an edit of a shared header would. */
#ifndef TAG_SIZE
#define TAG_SIZE 12
#endif

struct state {
    int count;
    double total;
    char tag[TAG_SIZE];
};

int core_scale(void);
