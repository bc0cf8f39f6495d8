/* tests/runtime/stored/stored.h
 * The function pointers the stored-pointer test's core keeps, each taken by
 * hot code from a function of its own. */
#ifndef STORED_H
#define STORED_H

struct callbacks {
    int (*helper)(int);              /* a static function */
    int (*plain)(int);               /* an external function that is not marked */
    int (*marked)(int);              /* a #[hot] function */
    int (*retyped)(int);             /* static; its type changes in the RETYPED build */
    int (*gone)(int);                /* static; the GONE build and later ones lack it */
    int (*scaled)(const int *, int); /* static, and also called with a constant: an
                                        optimiser may clone it for that call (not it) */
};

#endif
