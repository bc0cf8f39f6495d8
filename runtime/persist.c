/* runtime/persist.c
 * The storage is one aligned allocation per variable and version that
 * started it, kept on a list until hot__persist_reset; a version reusing a
 * variable points its places at the running version's storage, which it
 * finds through that version's table entry (itself one of the places). */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "persist.h"

#include "image.h"
#include "grow.h"
#include "log.h"
#include "os.h"
#include "runtime.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORAGE_ALIGN 64 /* a cache line; more where the variable's address says so */

struct places {
    struct hot__image_slot *slots;
    size_t count;
};

struct hot__persist_places {
    struct places *variables; /* table->variables[i]'s at i */
    size_t count;
    int pe; /* of a PE file: its unit must alias a variable for its code to see the storage */
};

/* Storage for one variable: bytes, aligned as it must be, inside the
 * block malloc gave (C11's aligned_alloc is not in every C library). */
struct storage {
    void *block, *bytes;
};

static struct {
    struct storage *list; /* every storage, until reset */
    size_t count, capacity;
    char **unshared; /* the variables said to be copied, not shared */
    size_t unshared_count, unshared_capacity;
} S;

/* Finds the places of symbol, an object of extent bytes, into p. 0, or -1
 * when memory ran out. */
static int find_symbol(const unsigned char *image, size_t size, const char *symbol,
                       unsigned long long extent, struct places *p)
{
    size_t count = hot__image_symbol_slots(image, size, symbol, extent, NULL, 0);
    if (!count)
        return 0;
    p->slots = malloc(count * sizeof *p->slots);
    if (!p->slots)
        return -1;
    p->count = hot__image_symbol_slots(image, size, symbol, extent, p->slots, count);
    return 0;
}

struct hot__persist_places *hot__persist_find(const unsigned char *image, size_t size,
                                              const struct hot_abi_table *table)
{
    size_t count = table->variables ? table->variable_count : 0;
    struct hot__persist_places *places = calloc(1, sizeof *places);
    if (!places || !(places->variables = calloc(count ? count : 1, sizeof *places->variables))) {
        free(places);
        return NULL;
    }
    places->count = count;
    const char *format = hot__image_format(image, size);
    places->pe = format && strcmp(format, "PE") == 0;
    for (size_t i = 0; i < count; i++) {
        const char *name = table->variables[i]->name;
        char renamed[512], own[512];
        snprintf(renamed, sizeof renamed, HOT_ABI_PERSIST_PREFIX "%s", name);
        snprintf(own, sizeof own, HOT_ABI_OWN_PREFIX "%s", name);
        struct places *p = &places->variables[i];
        uint64_t extent = table->variables[i]->size;
        /* A PE build's pointers into a variable are found by address, its
         * table entry among them; its code reaches the variable through
         * them only where its unit aliased it (HOT_ABI_OWN_PREFIX). */
        if (places->pe && !hot__image_symbol_address(image, size, own))
            continue;
        if (find_symbol(image, size, renamed, extent, p) != 0 ||
            (!p->count && find_symbol(image, size, name, extent, p) != 0)) {
            hot__persist_places_free(places);
            return NULL;
        }
    }
    return places;
}

void hot__persist_places_free(struct hot__persist_places *places)
{
    if (!places)
        return;
    for (size_t i = 0; i < places->count; i++)
        free(places->variables[i].slots);
    free(places->variables);
    free(places);
}

/* 1 if the runtime owns the storage at bytes. */
static int owned(const void *bytes)
{
    for (size_t i = 0; i < S.count; i++) {
        if (S.list[i].bytes == bytes)
            return 1;
    }
    return 0;
}

/* Says, once per name, that variable name is copied into each build, and
 * why: it has no places, as a PE build's when its unit did not alias it and
 * an ELF build's when it is hidden. */
static void say_unshared(const char *name, int pe)
{
    for (size_t i = 0; i < S.unshared_count; i++) {
        if (strcmp(S.unshared[i], name) == 0)
            return;
    }
    char *copy = strdup(name);
    if (copy &&
        !hot__grow(&S.unshared, &S.unshared_capacity, S.unshared_count + 1, sizeof *S.unshared))
        S.unshared[S.unshared_count++] = copy;
    else
        free(copy);
    hot__say("'%s' is copied into each new build, not shared (%s); a write during a reload can "
             "be lost",
             name,
             pe ? "the DLL reaches it directly: was its unit generated for another target?"
                : "is it hidden by -fvisibility?");
}

/* New zeroed storage for a variable of size bytes now at own, aligned as
 * the variable must be: to STORAGE_ALIGN, or more if own's address says
 * its type may ask for more (up to a page). NULL when memory ran out. */
static void *new_storage(const void *own, uint64_t size)
{
    size_t align = STORAGE_ALIGN;
    uintptr_t address = (uintptr_t)own;
    while (align < 4096 && address && !(address & (align * 2 - 1)))
        align *= 2;
    size_t rounded = (size_t)((size + align - 1) / align * align);
    if (hot__grow(&S.list, &S.capacity, S.count + 1, sizeof *S.list))
        return NULL;
    if (!rounded)
        rounded = align;
    void *block = malloc(rounded + align - 1);
    if (!block)
        return NULL;
    void *bytes = (unsigned char *)block + (align - (uintptr_t)block % align) % align;
    memset(bytes, 0, rounded);
    S.list[S.count++] = (struct storage){block, bytes};
    return bytes;
}

/* Writes the address storage (plus each slot's addend) into the places. */
static int point(const struct places *p, uintptr_t bias, void *storage, char *err, size_t errlen)
{
    for (size_t k = 0; k < p->count; k++) {
        const struct hot__image_slot *slot = &p->slots[k];
        void **at = (void **)(bias + (uintptr_t)slot->place);
        void *value = (char *)storage + slot->addend;
        if (slot->read_only && hot__os_data_writable(at, sizeof *at, 1, err, errlen) != 0)
            return -1;
        __atomic_store_n(at, value, __ATOMIC_RELEASE);
        if (slot->read_only)
            hot__os_data_writable(at, sizeof *at, 0, err, errlen);
    }
    return 0;
}

int hot__persist_bind(const struct hot_abi_table *table, const struct hot__persist_places *places,
                      uintptr_t bias, const struct hot_abi_variable *const *from, char *err,
                      size_t errlen)
{
    assert(hot__loader_locked());
    /* Storage first, then every place, then the initial values: a value
     * that points at another variable (int *p = &x) holds x's storage only
     * once x's places were set, and in the build's own copy of p. */
    size_t count = places->count;
    void **storage = calloc(count ? count : 1, sizeof *storage), **own;
    own = calloc(count ? count : 1, sizeof *own);
    int status = storage && own ? 0 : -2;
    for (size_t i = 0; status == 0 && i < count; i++) {
        const struct hot_abi_variable *v = table->variables[i];
        own[i] = v->address; /* before its table entry, one of its places, is set */
        if (!places->variables[i].count)
            continue;
        const void *was = from[i] ? from[i]->address : NULL;
        storage[i] = was && owned(was) ? (void *)was : new_storage(v->address, v->size);
        status = storage[i] ? 0 : -2;
    }
    if (status != 0)
        snprintf(err, errlen, "out of memory");
    for (size_t i = 0; status == 0 && i < count; i++)
        if (storage[i])
            status = point(&places->variables[i], bias, storage[i], err, errlen);
    for (size_t i = 0; status == 0 && i < count; i++) {
        const struct hot_abi_variable *v = table->variables[i];
        const void *was = from[i] ? from[i]->address : NULL;
        if (!storage[i]) { /* reached without relocations: copied */
            if (was)
                memcpy(own[i], was, (size_t)v->size);
            say_unshared(v->name, places->pe);
        } else if (storage[i] != was) {
            memcpy(storage[i], was ? was : own[i], (size_t)v->size);
        }
    }
    free(storage);
    free(own);
    return status;
}

void hot__persist_reset(void)
{
    assert(hot__loader_locked());
    for (size_t i = 0; i < S.count; i++)
        free(S.list[i].block);
    for (size_t i = 0; i < S.unshared_count; i++)
        free(S.unshared[i]);
    free(S.list);
    free(S.unshared);
    memset(&S, 0, sizeof S);
}
