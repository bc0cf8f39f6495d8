/* runtime/redirect.c
 * Identities (key and type) are interned process-wide, each with a slot and
 * a trampoline that jumps through it, made in chunks of one page of
 * trampolines followed by one page of slots. Publishing a version stores
 * its code in the slots of its identities and redirects the entry of the
 * version that held each slot before; a rollback also puts the entries of
 * the version it republishes back to their own code, and unloading the
 * holder of a slot hands it to the newest version left with the function. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "redirect.h"

#include "grow.h"
#include "log.h"
#include "os.h"
#include "patch.h"
#include "runtime.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAY_AT_MOST 8 /* event lines about kept code per reload */

_Static_assert(HOT_PATCH_BEFORE <= HOT_FUNCTIONS_BEFORE && HOT_PATCH_AFTER <= HOT_FUNCTIONS_AFTER,
               "functions.c must check the bytes patching touches");

enum entry_state {
    ENTRY_FIXED,     /* no patchable padding: always runs its own code */
    ENTRY_OWN,       /* runs its own code */
    ENTRY_REDIRECTED /* jumps to its identity's trampoline */
};

#define NO_IDENTITY UINT32_MAX /* an entry nothing is redirected to or from */

struct entry {
    unsigned char *at;   /* the function's entry, as mapped */
    unsigned char *site; /* where a redirection writes (patch.h); NULL when fixed */
    uint32_t identity;   /* or NO_IDENTITY */
    uint8_t state;       /* enum entry_state */
    uint8_t prepared;    /* its padding holds the jump to the trampoline */
    unsigned char original[HOT_PATCH_SITE_BYTES];
};

struct hot__code {
    struct hot__functions functions;
    struct entry *entries;       /* functions.list[i]'s at i */
    unsigned char *low, *high;   /* the patchable entries' span, padding included */
    int writable;                /* its pages are writable, during a publish */
    int unwritable;              /* the system refused: its entries stay as they are */
    struct hot__code *next_open; /* the list of writable codes, during a publish */
    struct hot__code *older;     /* the codes alive, newest first (R.codes) */
};

struct identity {
    char *key, *type;
    struct hot__code *holder; /* whose entry runs its own code and fills the slot; NULL if none */
    size_t holder_index;
};

static struct {
    struct identity *list;
    size_t count, capacity;
    uint32_t *buckets; /* open addressing: an identity's index + 1; 0 is empty */
    size_t bucket_count;
    unsigned char **chunks; /* page_size bytes of trampolines, then as many of slots */
    size_t chunk_count, chunk_capacity;
    struct hot__code *codes; /* every code not freed, newest first */
    int unavailable;         /* trampolines cannot be made here: nothing is redirected */
    int said_unpatchable;    /* said once that some entries cannot be redirected */
} R;

static size_t per_chunk(void)
{
    return hot__os_page_size() / HOT_PATCH_TRAMPOLINE;
}

static unsigned char *trampoline(uint32_t id)
{
    return R.chunks[id / per_chunk()] + (id % per_chunk()) * HOT_PATCH_TRAMPOLINE;
}

static void **slot(uint32_t id)
{
    return (void **)(void *)(R.chunks[id / per_chunk()] + hot__os_page_size()) + id % per_chunk();
}

static uint64_t hash(const char *key, const char *type)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over key, a NUL, type */
    for (const char *s = key;; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
        if (!*s)
            break;
    }
    for (const char *s = type; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Rebuilds the buckets for twice the identities there are room for. */
static int rehash(void)
{
    size_t count = R.bucket_count ? R.bucket_count * 2 : 256;
    uint32_t *buckets = calloc(count, sizeof *buckets);
    if (!buckets)
        return -1;
    for (size_t i = 0; i < R.count; i++) {
        size_t b = hash(R.list[i].key, R.list[i].type) & (count - 1);
        while (buckets[b])
            b = (b + 1) & (count - 1);
        buckets[b] = (uint32_t)i + 1;
    }
    free(R.buckets);
    R.buckets = buckets;
    R.bucket_count = count;
    return 0;
}

/* A new chunk of trampolines, for the identities from R.chunk_count *
 * per_chunk() on. Returns 0; or -1 when memory ran out; or 1, said once,
 * when the system will not make code, and nothing is redirected then. */
static int add_chunk(void)
{
    char err[256];
    size_t page = hot__os_page_size();
    if (hot__grow(&R.chunks, &R.chunk_capacity, R.chunk_count + 1, sizeof *R.chunks))
        return -1;
    unsigned char *chunk = hot__os_pages_new(2 * page, err, sizeof err);
    if (!chunk)
        return -1;
    R.chunks[R.chunk_count] = chunk;
    for (size_t i = 0; i < per_chunk(); i++)
        hot__patch_trampoline(chunk + i * HOT_PATCH_TRAMPOLINE,
                              (void *const *)(void *)(chunk + page) + i);
    if (hot__os_pages_seal(chunk, page, err, sizeof err) != 0) {
        hot__say("%s; function pointers stored before a reload keep their old code", err);
        hot__os_pages_free(chunk, 2 * page);
        R.unavailable = 1;
        return 1;
    }
    R.chunk_count++;
    return 0;
}

/* The identity of a function with key and type, made if new; NO_IDENTITY
 * when trampolines cannot be made; -1 when memory ran out. */
static long intern(const char *key, const char *type)
{
    if ((R.count + 1) * 2 > R.bucket_count && rehash() != 0)
        return -1;
    size_t b = hash(key, type) & (R.bucket_count - 1);
    for (; R.buckets[b]; b = (b + 1) & (R.bucket_count - 1)) {
        const struct identity *d = &R.list[R.buckets[b] - 1];
        if (strcmp(d->key, key) == 0 && strcmp(d->type, type) == 0)
            return (long)(R.buckets[b] - 1);
    }
    if (R.count >= R.chunk_count * per_chunk()) {
        int added = add_chunk();
        if (added != 0)
            return added < 0 ? -1 : (long)NO_IDENTITY;
    }
    if (hot__grow(&R.list, &R.capacity, R.count + 1, sizeof *R.list))
        return -1;
    char *key_copy = strdup(key), *type_copy = strdup(type);
    if (!key_copy || !type_copy) {
        free(key_copy);
        free(type_copy);
        return -1;
    }
    R.list[R.count] = (struct identity){key_copy, type_copy, NULL, 0};
    R.buckets[b] = (uint32_t)R.count + 1;
    return (long)R.count++;
}

struct hot__code *hot__code_new(struct hot__functions *functions, uintptr_t bias)
{
    assert(hot__loader_locked());
    struct hot__code *code = calloc(1, sizeof *code);
    if (!code)
        return NULL;
    code->functions = *functions;
    memset(functions, 0, sizeof *functions);
    size_t count = code->functions.count;
    code->entries = calloc(count ? count : 1, sizeof *code->entries);
    if (!code->entries) {
        hot__code_free(code);
        return NULL;
    }
    code->older = R.codes;
    R.codes = code;
    for (size_t i = 0; i < count; i++) {
        const struct hot__function *f = &code->functions.list[i];
        struct entry *e = &code->entries[i];
        long id = R.unavailable ? (long)NO_IDENTITY : intern(f->key, f->type);
        if (id < 0) {
            hot__code_free(code);
            return NULL;
        }
        e->identity = (uint32_t)id;
        e->at = (unsigned char *)(bias + (uintptr_t)f->address);
        e->site = e->identity == NO_IDENTITY ? NULL : hot__patch_site(e->at);
        e->state = e->site ? ENTRY_OWN : ENTRY_FIXED;
        if (e->state == ENTRY_FIXED)
            continue;
        memcpy(e->original, e->site, sizeof e->original);
        if (!code->low || e->at - HOT_PATCH_BEFORE < code->low)
            code->low = e->at - HOT_PATCH_BEFORE;
        if (e->site + HOT_PATCH_SITE_BYTES > code->high)
            code->high = e->site + HOT_PATCH_SITE_BYTES;
    }
    return code;
}

/* Makes code's pages writable for the rest of a publish, listing it in
 * *open; 0, or -1 (said once per code) if the system refuses. */
static int open_code(struct hot__code *code, struct hot__code **open)
{
    char err[256];
    if (code->writable)
        return 0;
    if (code->unwritable)
        return -1;
    if (hot__os_code_writable(code->low, (size_t)(code->high - code->low), 1, err, sizeof err)) {
        code->unwritable = 1;
        hot__say("%s; function pointers stored before a reload keep their old code", err);
        return -1;
    }
    code->writable = 1;
    code->next_open = *open;
    *open = code;
    return 0;
}

static void close_codes(struct hot__code *open)
{
    char err[256];
    for (struct hot__code *code = open, *next; code; code = next) {
        next = code->next_open;
        hot__os_code_writable(code->low, (size_t)(code->high - code->low), 0, err, sizeof err);
        code->writable = 0;
        code->next_open = NULL;
    }
}

/* Sends entry i of code to its identity's trampoline. */
static void redirect(struct hot__code *code, size_t i, struct hot__code **open)
{
    struct entry *e = &code->entries[i];
    if (e->state == ENTRY_FIXED && !R.unavailable && !R.said_unpatchable) {
        R.said_unpatchable = 1;
        hot__say("'%s' has no patchable entry (compile hot code with VaisHot.cmake's flags); "
                 "pointers stored to it keep their old code",
                 code->functions.list[i].name);
    }
    if (e->state != ENTRY_OWN || open_code(code, open) != 0)
        return;
    if (!e->prepared) {
        hot__patch_prepare(e->at, e->site, trampoline(e->identity));
        e->prepared = 1;
    }
    hot__patch_site_set(e->site, 1, e->original);
    e->state = ENTRY_REDIRECTED;
}

/* Puts entry i of code back to its own code; 1 if it runs its own code now
 * (it may stay redirected when the system refuses to write code). */
static int restore(struct hot__code *code, size_t i, struct hot__code **open)
{
    struct entry *e = &code->entries[i];
    if (e->state == ENTRY_REDIRECTED && open_code(code, open) == 0) {
        hot__patch_site_set(e->site, 0, e->original);
        e->state = ENTRY_OWN;
    }
    return e->state != ENTRY_REDIRECTED;
}

/* Makes entry i of code the one its identity's slot holds: it runs its own
 * code, the slot points at it, and the entry that held the slot before
 * jumps to the trampoline. Without the first, nothing changes: a slot must
 * never hold an entry that jumps back to it. */
static void hold(struct hot__code *code, size_t i, struct hot__code **open)
{
    struct entry *e = &code->entries[i];
    if (e->identity == NO_IDENTITY || !restore(code, i, open))
        return;
    struct identity *d = &R.list[e->identity];
    __atomic_store_n(slot(e->identity), (void *)e->at, __ATOMIC_RELEASE);
    if (d->holder && (d->holder != code || d->holder_index != i))
        redirect(d->holder, d->holder_index, open);
    d->holder = code;
    d->holder_index = i;
}

/* What a function is called in messages: its name, and for a static one
 * the file it is in. */
static void label(const struct hot__function *f, char *out, size_t size)
{
    if (f->file)
        snprintf(out, size, "'%s' (%s)", f->name, f->file);
    else
        snprintf(out, size, "'%s'", f->name);
}

/* One line for each function of was that next lacks or retyped. Called
 * right after next took every slot of its identities: a function of was
 * whose identity next holds is one next has with the same type. */
static void report(const struct hot__code *next, long next_number, const struct hot__code *was,
                   long was_number)
{
    size_t said = 0, unsaid = 0;
    for (size_t i = 0; i < was->functions.count; i++) {
        uint32_t id = was->entries[i].identity;
        if (id != NO_IDENTITY && R.list[id].holder == next)
            continue;
        const struct hot__function *f = &was->functions.list[i];
        const struct hot__function *g = hot__functions_find(&next->functions, f->key);
        if (g && strcmp(f->type, g->type) == 0)
            continue;
        if (said == SAY_AT_MOST) {
            unsaid++;
            continue;
        }
        said++;
        char name[256];
        label(f, name, sizeof name);
        if (g)
            hot__say("%s changed type %s -> %s; pointers stored to it keep running v%ld's code",
                     name, f->type, g->type, was_number);
        else
            hot__say("%s is not in v%ld; pointers stored to it keep running v%ld's code", name,
                     next_number, was_number);
    }
    if (unsaid)
        hot__say("%zu more functions changed type or are gone; pointers stored to them keep "
                 "running v%ld's code",
                 unsaid, was_number);
}

void hot__code_publish(struct hot__code *next, long next_number, const struct hot__code *was,
                       long was_number)
{
    assert(hot__loader_locked());
    struct hot__code *open = NULL;
    for (size_t i = 0; i < next->functions.count; i++)
        hold(next, i, &open);
    close_codes(open);
    if (was && next->functions.count) /* a build without debug information lists none */
        report(next, next_number, was, was_number);
}

/* The newest code but gone that has an entry for identity id that runs its
 * own code or can, and sets *index to it; NULL if none. */
static struct hot__code *heir(uint32_t id, const struct hot__code *gone, size_t *index)
{
    for (struct hot__code *c = R.codes; c; c = c->older) {
        const struct hot__function *f =
            c != gone ? hot__functions_find(&c->functions, R.list[id].key) : NULL;
        size_t i = f ? (size_t)(f - c->functions.list) : 0;
        if (f && c->entries[i].identity == id && c->entries[i].state != ENTRY_FIXED) {
            *index = i;
            return c;
        }
    }
    return NULL;
}

void hot__code_free(struct hot__code *code)
{
    assert(hot__loader_locked());
    if (!code)
        return;
    struct hot__code **link = &R.codes;
    while (*link && *link != code)
        link = &(*link)->older;
    if (*link)
        *link = code->older;
    /* Entries of other versions may jump to this code through a slot it
     * holds: the newest other version with the function holds it instead. */
    struct hot__code *open = NULL;
    for (size_t i = 0; code->entries && i < code->functions.count; i++) {
        uint32_t id = code->entries[i].identity;
        if (!code->entries[i].at || id == NO_IDENTITY)
            continue; /* hot__code_new stopped before it, or nothing follows it */
        struct identity *d = &R.list[id];
        if (d->holder != code)
            continue;
        d->holder = NULL;
        size_t index;
        struct hot__code *next = heir(id, code, &index);
        if (next)
            hold(next, index, &open);
    }
    close_codes(open);
    free(code->entries);
    hot__functions_free(&code->functions);
    free(code);
}

const struct hot__function *hot__code_function_at(const struct hot__code *code, const void *pc)
{
    assert(hot__loader_locked());
    const struct hot__function *found = NULL;
    const unsigned char *nearest = NULL;
    for (size_t i = 0; code && code->entries && i < code->functions.count; i++) {
        const unsigned char *at = code->entries[i].at;
        if (at && (uintptr_t)at <= (uintptr_t)pc && (!nearest || at > nearest)) {
            nearest = at;
            found = &code->functions.list[i];
        }
    }
    return found;
}

void hot__redirect_reset(void)
{
    assert(hot__loader_locked());
    for (size_t i = 0; i < R.count; i++) {
        free(R.list[i].key);
        free(R.list[i].type);
    }
    for (size_t i = 0; i < R.chunk_count; i++)
        hot__os_pages_free(R.chunks[i], 2 * hot__os_page_size());
    /* Codes not freed yet belong to versions the loader is about to unmap. */
    free(R.list);
    free(R.buckets);
    free(R.chunks);
    memset(&R, 0, sizeof R);
}
