/* runtime/loader.c
 * Loads, validates and publishes versions of the hot library: a load
 * admits a build (a private copy, every check on its bytes, none of it
 * mapped) and then publishes it (opened, bound, kept, its slots made the
 * ones the stubs jump through).
 * Invariants: the slot array the stubs jump through always comes from a
 * library that passed every check; a published version stays mapped until
 * hot__cleanup, or until a safe point the program declares (hot_safe_point)
 * when it asked to keep only the last N; only the newest COPIES_ON_DISK
 * private copies stay on disk, and one more from a publish until the work
 * it leaves is done (tidy_locked); one lock serializes loading (a first
 * load waiting for a build to land releases it between looks) and is held
 * while hot code runs only in the before-reload hook. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "runtime.h"

#include "core_info.h"
#include "image.h"
#include "elf_machine.h"
#include "grow.h"
#include "layout.h"
#include "log.h"
#include "os.h"
#include "persist.h"
#include "redirect.h"
#include "summary.h"
#include "table_file.h"

#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PATH_CAPACITY 4096
#define STAMP_CAPACITY 320
#define NOT_READY_WAIT_NS 2000000000LL /* how long a load waits out a build */
#define FIRST_LOAD_WAIT_MS 120000      /* how long the first load waits for a build to land */
#define LANDING_MS 30000               /* a build stamps its library sooner after writing it */
#define WATCH_TIMEOUT_MS 1000          /* the watcher re-checks this often anyway */
#define RECHECK_NS 250000000LL         /* hot_check looks at the stamp this often anyway */
#define RETRY_FIRST_NS RECHECK_NS      /* a build the machine refused is tried again after */
#define RETRY_LAST_NS 2000000000LL     /* ... and then at most this far apart */
#define COPIES_ON_DISK 8               /* newest versions whose private copies stay on disk */
#define MAPPED_EXTENTS 8             /* ranges of a copy the loader maps, at most, to keep alone */
#define KEEP_IMAGE_BYTES (16u << 20) /* a copy's bytes kept in memory for the next load */
#define WRITE_BESIDE_BYTES (256u << 10) /* a copy this large is written beside the checks */

/* Auto mode's background thread and what it watches. Owned by L.watcher
 * until stopped; a watcher stopped from its own thread (a program callback
 * that calls hot_init or hot_cleanup) is orphaned, and frees itself. */
struct watcher {
    struct hot__watch *watch; /* the stamp */
    pthread_t thread;
    int orphaned; /* under L.lock */
};

enum mode {
    MODE_IDLE,   /* nothing asked yet: the first hot call starts auto mode */
    MODE_AUTO,   /* a background thread reloads as builds land */
    MODE_MANUAL, /* the program calls hot_check or hot_reload */
};

struct version {
    long number;                       /* its hot_version() */
    void *handle;                      /* from hot__os_library_open */
    char *path;                        /* the private copy it was loaded from */
    const hot_abi_code *slots;         /* what the stubs jump through */
    const struct hot_abi_table *table; /* in the library */
    struct hot__layouts *layouts;      /* its types crossing into the core; NULL if unknown */
    struct hot__code *code;            /* its functions, for redirecting stored pointers */
    char stamp[STAMP_CAPACITY];        /* the stamp it was loaded under; "" if none */
    int crashed;                       /* a guarded call faulted in it: never republished */
    int copy_removed;                  /* its private copy is off the disk; it stays mapped */
    struct hot__os_extent mapped[MAPPED_EXTENTS]; /* what of its copy is mapped, in file order */
    size_t mapped_count;                          /* 0: unknown, the copy is kept whole */
};

/* What hot_check does not do again while it stands, for the build the
 * text of whose stamp is stamp: try it, refused, or rolled back from after
 * a crash (SKIP_BUILD); or say its refusal of the machine's (fail_machines),
 * error (SKIP_SAID): that build is tried again, at looks RETRY_FIRST_NS
 * apart at first and twice as far apart after each try (up to
 * RETRY_LAST_NS), until the machine is put right. */
struct skip {
    enum { SKIP_NOTHING, SKIP_BUILD, SKIP_SAID } kind;
    char stamp[STAMP_CAPACITY];
    char error[1024];        /* SKIP_SAID: the refusal said */
    long long retry_ns;      /* SKIP_SAID: no try before */
    long long retry_wait_ns; /* SKIP_SAID: since the last try */
};

static struct {
    pthread_mutex_t lock;

    /* The program, from its stubs (before main) and its own file. */
    const struct hot_abi_manifest *manifest; /* from the stubs, before main */
    const hot_abi_code *lazy_slots;          /* *manifest->active at registration */
    const char **sorted_sources; /* the manifest's hot sources as the build names them, in
                                    strcmp order, once used */
    size_t source_count;
    const struct hot__core_info *core; /* the core's types and functions; NULL until used */

    /* Where builds land: the library, and its stamp and summary beside it. */
    char library[PATH_CAPACITY];    /* the hot library in use */
    char stamp[PATH_CAPACITY];      /* library + HOT_ABI_STAMP_SUFFIX */
    char summary[PATH_CAPACITY];    /* library + HOT_ABI_SUMMARY_SUFFIX */
    char read_text[STAMP_CAPACITY]; /* the stamp as last read, while read_file says */
    struct hot__file_id read_file;  /* its identity then; all zero: read it again */

    /* Where builds are copied to be checked and loaded. */
    char private_dir[PATH_CAPACITY]; /* "" until the first load */
    long private_owner;              /* the process that made private_dir */
    unsigned long attempts;          /* names private copies uniquely */
    unsigned char *image;            /* the bytes of the last private copy, checked */
    size_t image_capacity;           /* kept between loads up to KEEP_IMAGE_BYTES */

    /* The versions mapped, the one published, and what is not tried again. */
    struct version *versions; /* every version kept mapped, oldest first */
    size_t version_count, version_capacity;
    size_t published;     /* index in versions of the one published (published_locked) */
    long numbered;        /* the number the last load was given */
    _Atomic long version; /* the published version's number, 0 if none */
    size_t keep;          /* versions kept at a safe point; 0: all */
    struct skip skip;     /* what hot_check does not try again */

    /* How new builds are noticed: auto mode's watcher, or hot_check's
     * looks. With nothing new, hot_check looks at the stamp only when the
     * notice has seen a change since the last look found nothing pending
     * (settled), or RECHECK_NS has passed (a change the notice cannot see,
     * such as one on another machine's mount, waits that long). Without a
     * notice, each hot_check looks. */
    enum mode mode;
    struct watcher *watcher;   /* auto mode's, or NULL */
    struct hot__watch *notice; /* the stamp, in manual mode; NULL: none yet */
    long long notice_tried_ns; /* when opening it last failed */
    long long looked_ns;       /* when hot_check last looked at the stamp */
    int settled;               /* the last look found nothing pending */

    /* What the program is told. */
    void (*on_reload)(long version);     /* after a reload, outside the lock */
    void (*before_reload)(long version); /* before a reload, under the lock */
    char error[1024];                    /* text of the last failure */
    int error_is_machines;               /* it was made by fail_machines */
    int library_layouts_missing;         /* said once that a build had no debug information */
} L = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* fail's and fail_machines' work: L.error from format, and whose it is. */
HOT_PRINTF_FORMAT(2, 0) static void set_error(int machines, const char *format, va_list args)
{
    vsnprintf(L.error, sizeof L.error, format, args);
    L.error_is_machines = machines;
}

/* Sets L.error and returns status, for `return fail(...)`; the caller holds
 * the lock (hot__fail is the one for callers that do not). */
HOT_PRINTF_FORMAT(2, 3) static long fail(long status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    set_error(0, format, args);
    va_end(args);
    return status;
}

/* fail() for a refusal that is the machine's, not the build's: who may
 * write its files or the directories above them, a disk or the descriptors
 * run out, no private directory. Put right, the same build passes, so
 * hot_check tries it again (SKIP_SAID says when) and says the refusal once
 * for it. */
HOT_PRINTF_FORMAT(2, 3) static long fail_machines(long status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    set_error(1, format, args);
    va_end(args);
    return status;
}

/* Before the first load, a signal handler that calls a hot function on a
 * thread that holds the lock (a hot library's constructor may raise one
 * while it is loaded) would wait for the lock forever: until then, the
 * lock is held with the signals a program handles blocked on its thread,
 * and a handler runs once the lock is let go, when the code is there.
 * After it, stubs call hot code without the lock, and nothing is blocked. */
static _Thread_local struct {
    struct hot__os_signal_mask mask; /* as it was before lock_loader */
    int blocked;
    int held; /* this thread holds the lock (by lock_loader) */
} locker;

static void lock_loader(void)
{
    locker.blocked = atomic_load(&L.version) == 0;
    if (locker.blocked)
        hot__os_block_signals(&locker.mask);
    pthread_mutex_lock(&L.lock);
    locker.held = 1;
}

static void unlock_loader(void)
{
    assert(locker.held);
    locker.held = 0;
    pthread_mutex_unlock(&L.lock);
    if (locker.blocked)
        hot__os_restore_signals(&locker.mask);
    locker.blocked = 0;
}

int hot__loader_locked(void)
{
    return locker.held;
}

/* Takes the lock and returns 1, or returns 0 on a thread that holds it
 * already: an API call that only reads or sets a value, made inside a load
 * (a hot library's constructor) or a publish (hot_before_reload's
 * callback), works there, as the lock it holds is its own. */
static int lock_unless_held(void)
{
    if (locker.held)
        return 0;
    lock_loader();
    return 1;
}

long hot__fail(long status, const char *format, ...)
{
    char text[sizeof L.error];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    lock_loader();
    fail(status, "%s", text);
    unlock_loader();
    return status;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void close_notice(void)
{
    if (L.notice)
        hot__os_watch_close(L.notice);
    L.notice = NULL;
    L.notice_tried_ns = 0;
    L.settled = 0;
}

static void use_library(const char *path)
{
    close_notice();
    snprintf(L.library, sizeof L.library, "%s", path);
    snprintf(L.stamp, sizeof L.stamp, "%s%s", path, HOT_ABI_STAMP_SUFFIX);
    snprintf(L.summary, sizeof L.summary, "%s%s", path, HOT_ABI_SUMMARY_SUFFIX);
    L.read_file = (struct hot__file_id){0};
    L.skip = (struct skip){.kind = SKIP_NOTHING};
}

/* 1 if private_dir was made by this process, not inherited through fork. */
static int private_dir_ours(void)
{
    return L.private_dir[0] && L.private_owner == hot__os_pid();
}

/* Removes the private copies, unless they are a parent's; those of loaded
 * libraries stay where the system keeps their files (Windows), for the
 * next start's sweep. */
static void remove_private_dir_locked(void)
{
    assert(locker.held);
    if (private_dir_ours())
        hot__os_private_dir_remove();
    L.private_dir[0] = '\0';
}

void hot__remove_private_dir(void)
{
    lock_loader();
    remove_private_dir_locked();
    unlock_loader();
}

/* At exit. Where the system keeps the file of a loaded library, every
 * version is closed first, so that its copy can go: the program is ending,
 * and no hot code may run any more (a thread still running it then faults,
 * as the README says). Not when the program dies of a fault
 * (the guard's hot__remove_private_dir): a crashed library's own clean-up
 * could hang it. */
static void remove_private_dir_at_exit(void)
{
    lock_loader();
    for (size_t i = 0;
         private_dir_ours() && !hot__os_removes_loaded_libraries() && i < L.version_count; i++) {
        hot__os_library_close(L.versions[i].handle);
        L.versions[i].handle = NULL;
    }
    unlock_loader();
    hot__remove_private_dir();
}

/* fork() handlers: the child gets the lock free, and no threads, so it
 * forgets the watcher its parent runs (and never removes its files). */
static void before_fork(void)
{
    pthread_mutex_lock(&L.lock);
}

static void after_fork_in_parent(void)
{
    pthread_mutex_unlock(&L.lock);
}

static void after_fork_in_child(void)
{
    hot__core_info_after_fork();
    close_notice(); /* its events are the parent's to read */
    if (L.watcher) {
        hot__os_watch_close(L.watcher->watch);
        free(L.watcher);
        L.watcher = NULL;
    }
    pthread_mutex_unlock(&L.lock);
}

void hot__register(const struct hot_abi_manifest *manifest)
{
    lock_loader();
    if (!L.manifest) {
        L.manifest = manifest;
        L.lazy_slots = atomic_load(manifest->active);
        const char *override = getenv("VAIS_HOT_LIBRARY");
        use_library(override && *override ? override : manifest->library);
        atexit(remove_private_dir_at_exit);
        hot__os_at_fork(before_fork, after_fork_in_parent, after_fork_in_child);
        hot__core_info_start(manifest->program);
    }
    unlock_loader();
}

/* What a stamp vouches for. */
struct stamp {
    struct hot__file_id id;                        /* the library's identity */
    unsigned long long content;                    /* the hash of its bytes */
    unsigned long long summary_size, summary_hash; /* its summary's; size 0: none */
};

/* A number of a stamp's text at *at, after "<key> " unless key is NULL,
 * and what ends it, which must be a space (line 0) or the end of a line
 * ("\n", or "\r\n" as a Windows tool may write it): the number in *value
 * (a negative one, when is_signed, as its two's complement), *at past what
 * ends it. 0 if the text is not that. */
static int stamp_number(const char **at, const char *key, int base, int is_signed, int line,
                        unsigned long long *value)
{
    const char *digits = *at;
    if (key) {
        size_t length = strlen(key);
        if (strncmp(digits, key, length) != 0 || digits[length] != ' ')
            return 0;
        digits += length + 1;
    }
    const char *first = is_signed && *digits == '-' ? digits + 1 : digits;
    if (!isxdigit((unsigned char)*first))
        return 0;
    char *end;
    *value =
        is_signed ? (unsigned long long)strtoll(digits, &end, base) : strtoull(digits, &end, base);
    if (line && end[0] == '\r' && end[1] == '\n')
        end++;
    if (*end != (line ? '\n' : ' '))
        return 0;
    *at = end + 1;
    return 1;
}

/* 1 with what stamp text says if it is a stamp (HOT_ABI_STAMP_FORMAT);
 * else 0. Read field by field, not by sscanf, which allocates in some C
 * libraries (mingw-w64's) and crashes there when memory runs out. */
static int parse_stamp(const char *text, struct stamp *stamp)
{
    static const char header[] = "vais-hot stamp 3";
    if (strncmp(text, header, sizeof header - 1) != 0)
        return 0;
    const char *at = text + sizeof header - 1;
    at += at[0] == '\r' && at[1] == '\n';
    unsigned long long size = 0, mtime_ns = 0, build;
    int ok = *at++ == '\n' && stamp_number(&at, "size", 10, 1, 1, &size) &&
             stamp_number(&at, "mtime_ns", 10, 1, 1, &mtime_ns) &&
             stamp_number(&at, "inode", 10, 0, 1, &stamp->id.inode) &&
             stamp_number(&at, "device", 10, 0, 1, &stamp->id.device) &&
             stamp_number(&at, "build", 10, 0, 1, &build) &&
             stamp_number(&at, "content", 16, 0, 1, &stamp->content) &&
             stamp_number(&at, "summary", 10, 0, 0, &stamp->summary_size) &&
             stamp_number(&at, NULL, 16, 0, 1, &stamp->summary_hash);
    stamp->id.size = (long long)size;
    stamp->id.mtime_ns = (long long)mtime_ns;
    return ok;
}

/* Reads the stamp; returns 1 with its text and what it says, 0 if there is
 * none (or it is not a stamp), and -1 with HOT_E_UNSAFE's text set when
 * others may write it. */
static int read_stamp(char *text, size_t size, struct stamp *stamp)
{
    /* A stamp is replaced whole (by rename), never rewritten in place: while
     * the path names the file last read, its text is the same, and a stat
     * is all a check with nothing new costs. */
    char why[512];
    struct hot__file_id now;
    if (L.read_file.inode != 0 && hot__os_file_id(L.stamp, &now, why, sizeof why) == 0 &&
        hot__file_id_equal(&now, &L.read_file)) {
        snprintf(text, size, "%s", L.read_text);
    } else {
        long read = hot__os_read_prefix(L.stamp, text, size, &L.read_file, why, sizeof why);
        if (read < 0)
            L.read_file = (struct hot__file_id){0};
        if (read == HOT_OS_FILE_UNSAFE) {
            fail_machines(HOT_E_UNSAFE,
                          "%s; refused, as whoever can write it could run code in this program",
                          why);
            return -1;
        }
        if (read < 0)
            return 0;
        snprintf(L.read_text, sizeof L.read_text, "%s", text);
    }
    return parse_stamp(text, stamp);
}

/* What the user does to run a build this core cannot take, in out: rebuild
 * the program and restart it, or, once a build has relinked it while it
 * ran, restart it. use: what the restart is for. */
static const char *restart_advice(char *out, size_t size, const char *use)
{
    const char *program = L.manifest->program;
    if (hot__os_program_rebuilt())
        snprintf(out, size, "'%s' was rebuilt since it started: restart it to %s", program, use);
    else
        snprintf(out, size, "rebuild '%s' and restart to %s", program, use);
    return out;
}

/* Checks the library's table against the manifest: if every hot function
 * the core calls is there with the same signature, returns HOT_OK with the
 * index in table->functions of manifest function i in entry_of[i] (of
 * L.manifest->count). */
static long validate(const struct hot_abi_table *table, uint32_t *entry_of)
{
    const struct hot_abi_manifest *m = L.manifest;
    if (table->magic != HOT_ABI_MAGIC)
        return fail(HOT_E_NOT_HOT, "'%s' is not a vais-hot library (its table is not ours)",
                    L.library);
    if (table->format != HOT_ABI_FORMAT)
        return fail(HOT_E_FORMAT, "'%s' has table format %u, this runtime reads %u; rebuild '%s'",
                    L.library, (unsigned)table->format, HOT_ABI_FORMAT, m->program);
    if (!table->program || strcmp(table->program, m->program) != 0)
        return fail(HOT_E_PROGRAM, "'%s' is the hot library of '%s', not of '%s'", L.library,
                    table->program ? table->program : "?", m->program);

    char advice[320];
    uint32_t j = 0; /* both lists are sorted by name: one merge pass */
    for (uint32_t i = 0; i < m->count; i++) {
        const struct hot_abi_signature *want = &m->signatures[i];
        int order = 1;
        while (j < table->count && (order = strcmp(table->functions[j]->name, want->name)) < 0)
            j++;
        if (order != 0 || !table->functions[j]->code)
            return fail(HOT_E_MISSING, "hot function '%s' is missing from the new build; %s",
                        want->name, restart_advice(advice, sizeof advice, "use it"));
        const struct hot_abi_function *have = table->functions[j];
        if (strcmp(have->signature, want->signature) != 0)
            return fail(HOT_E_SIGNATURE, "'%s' changed signature %s -> %s; %s", want->name,
                        want->signature, have->signature,
                        restart_advice(advice, sizeof advice, "use it"));
        entry_of[i] = j;
    }
    return HOT_OK;
}

/* The core's layouts and functions, for the checks that need them: read
 * from the running program's file in the background since it registered
 * (core_info.c). Without debug information to read them from, both stay
 * empty, and a line says so, once. Returns HOT_OK, or HOT_E_NO_MEMORY when
 * memory ran out (then nothing is checked, and the next load reads again). */
static long read_core_locked(void)
{
    assert(locker.held);
    if (L.core)
        return HOT_OK;
    const struct hot__core_info *core = hot__core_info(L.manifest->program);
    if (core->no_memory) /* nothing to check against: read again next time */
        return fail(HOT_E_NO_MEMORY, "the types of '%s' could not be read: out of memory",
                    L.manifest->program);
    L.core = core;
    if (L.core->why[0])
        hot__say("%s", L.core->why);
    return HOT_OK;
}

/* HOT_OK if every core function the new build calls was declared to it as
 * the core defines it (where both sides' debug information tells). */
static long check_prototypes_locked(const struct hot__functions *next)
{
    assert(locker.held);
    long read = read_core_locked();
    if (read != HOT_OK)
        return read;
    for (size_t i = 0; i < next->declared_count; i++) {
        const struct hot__function *call = &next->declared[i];
        const struct hot__function *def = hot__functions_find(&L.core->functions, call->key);
        if (!def || !def->prototyped || !call->prototyped || strcmp(def->type, call->type) == 0 ||
            strchr(def->type, '?') || strchr(call->type, '?'))
            continue; /* not the core's, the same, declared without a prototype, or unknown */
        char advice[320];
        return fail(HOT_E_PROTOTYPE,
                    "'%s' is declared %s in the new build, but '%s' defines it %s; %s", call->name,
                    call->type, L.manifest->program, def->type,
                    restart_advice(advice, sizeof advice, "use the new code"));
    }
    return HOT_OK;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts the manifest's hot sources, as the build names them, into
 * L.sorted_sources, once. 0, or -1 when memory ran out. */
static int sort_sources_locked(void)
{
    assert(locker.held);
    size_t count = 0;
    while (L.manifest->sources[count])
        count++;
    const char **sorted = malloc((count ? count : 1) * sizeof *sorted);
    if (!sorted)
        return -1;
    /* As the build names them, which is how debug information does. */
    const char *prefix = L.manifest->path_prefix ? L.manifest->path_prefix : "";
    size_t length = strlen(prefix);
    for (size_t i = 0; i < count; i++) {
        const char *path = L.manifest->sources[i];
        sorted[i] = strncmp(path, prefix, length) == 0 ? path + length : path;
    }
    qsort(sorted, count, sizeof *sorted, by_path);
    L.sorted_sources = sorted;
    L.source_count = count;
    return 0;
}

/* The summary of the checked image[0..size), whose table is table: the one
 * stamp vouches for, read from the file beside the library, or, with no
 * stamp or none in it, read from the image's debug information here. The
 * named types declared in the hot sources are dropped: they are the
 * build's own. Returns HOT_OK, or a refusal with *out empty. */
static long read_summary_locked(const struct stamp *stamp, const unsigned char *image, size_t size,
                                const struct hot_abi_table *table, struct hot__summary *out)
{
    assert(locker.held);
    char err[512];
    int got;
    memset(out, 0, sizeof *out);
    if (stamp && stamp->summary_size > 0) {
        /* Never more than the bytes vouched for, which are then hashed. */
        struct hot__file_id id;
        size_t want = (size_t)stamp->summary_size;
        unsigned char *bytes;
        long read = hot__os_read_file(L.summary, want, &bytes, &id, err, sizeof err);
        if (read == HOT_OS_FILE_UNSAFE)
            return fail_machines(
                HOT_E_UNSAFE, "%s; refused, as whoever can write it could run code in this program",
                err);
        if (read == HOT_OS_FILE_STOPPED) /* out of descriptors, say: a build would not help */
            return fail_machines(HOT_E_IO, "%s", err);
        if (read == HOT_OS_FILE_NO_MEMORY)
            return fail(HOT_E_NO_MEMORY, "%s", err);
        const char *differs =
            read == HOT_OS_FILE_MISSING                                ? err
            : read == HOT_OS_FILE_TOO_LARGE || (size_t)read != want    ? "its size differs"
            : hot_abi_content_hash(bytes, want) != stamp->summary_hash ? "its bytes differ"
                                                                       : NULL;
        if (differs) {
            free(bytes);
            return fail(HOT_E_BAD_FILE,
                        "'%s' is not the summary its stamp vouches for (%s); build '%s_hot' again",
                        L.summary, differs, L.manifest->program);
        }
        got = hot__summary_decode(bytes, want, out, err, sizeof err);
        free(bytes);
        if (got == 0 && !hot__summary_fits(out, image, size)) {
            hot__summary_free(out);
            snprintf(err, sizeof err, "places a function where the library has no code");
            got = -1;
        }
        if (got == -1)
            return fail(HOT_E_BAD_FILE, "'%s' %s; build '%s_hot' again", L.summary, err,
                        L.manifest->program);
    } else {
        got = hot__summary_from_image(image, size, table, out, err, sizeof err);
        if (got == 1 && !L.library_layouts_missing) {
            L.library_layouts_missing = 1;
            hot__say("layouts not checked: '%s' %s (compile it with -g)", L.library, err);
        }
    }
    if (got < 0 || (out->layouts && !L.sorted_sources && sort_sources_locked() != 0)) {
        hot__summary_free(out);
        return fail(HOT_E_NO_MEMORY, "out of memory");
    }
    hot__layouts_drop_declared(out->layouts, L.sorted_sources, L.source_count);
    return HOT_OK;
}

/* The version published, or NULL when none is. */
static const struct version *published_locked(void)
{
    assert(locker.held);
    return atomic_load(&L.version) > 0 ? &L.versions[L.published] : NULL;
}

/* HOT_OK if every type the new build shares with the core and with the
 * running build is laid out as they have it. */
static long check_layouts_locked(const struct hot__layouts *next)
{
    assert(locker.held);
    if (!next)
        return HOT_OK; /* no debug information: said, and nothing to compare */
    char why[640];
    const char *file, *program = L.manifest->program;
    const struct version *published = published_locked();
    const struct hot__layouts *running = published ? published->layouts : NULL;
    /* The running build's layouts agreed with the core's when it was
     * admitted, and the core's never change: a build whose layouts are the
     * running build's agrees with both, whatever else it changed. */
    if (running && hot__layouts_same(next, running))
        return HOT_OK;
    long read = read_core_locked();
    if (read != HOT_OK)
        return read;
    enum hot__layouts_side side =
        hot__layouts_differ(next, L.core->layouts, running, why, sizeof why, &file);
    if (side == HOT_LAYOUTS_AGREE)
        return HOT_OK;
    if (side == HOT_LAYOUTS_NO_MEMORY)
        return fail(HOT_E_NO_MEMORY, "%s", why);
    /* The core and this build read one file two ways: not an edit since
     * the core was built, but each half compiled its own way. */
    if (side == HOT_LAYOUTS_CORE && file && hot__os_older_than_program(file))
        return fail(HOT_E_LAYOUT,
                    "%s; '%s' has not changed since '%s' was built, so its two halves were "
                    "compiled with different definitions or options: one set on '%s_hot' "
                    "alone, or on single files, reaches one half only; give both the same and "
                    "build again",
                    why, base_name(file), program, program);
    /* A type the core has none of: a new start takes this build as it is. */
    if (side == HOT_LAYOUTS_RUNNING)
        return fail(HOT_E_LAYOUT, "%s; restart to use the new code", why);
    char advice[320];
    return fail(HOT_E_LAYOUT, "%s; %s", why, restart_advice(advice, sizeof advice, "use it"));
}

/* Adds a validated build to the versions kept mapped, numbered next. It owns
 * layouts and code from now on. */
static long keep_version(void *handle, const char *path, const struct hot__os_extent *mapped,
                         size_t mapped_count, const hot_abi_code *slots,
                         const struct hot_abi_table *table, struct hot__layouts *layouts,
                         struct hot__code *code, const char *stamp_text)
{
    char *copy = strdup(path);
    if (!copy ||
        hot__grow(&L.versions, &L.version_capacity, L.version_count + 1, sizeof *L.versions)) {
        free(copy);
        return fail(HOT_E_NO_MEMORY, "out of memory");
    }
    struct version *v = &L.versions[L.version_count++];
    *v = (struct version){.number = ++L.numbered,
                          .handle = handle,
                          .path = copy,
                          .slots = slots,
                          .table = table,
                          .layouts = layouts,
                          .code = code,
                          .mapped_count = mapped_count};
    snprintf(v->stamp, sizeof v->stamp, "%s", stamp_text ? stamp_text : "");
    memcpy(v->mapped, mapped, mapped_count * sizeof *mapped);
    return HOT_OK;
}

/* Makes versions[index] the code the stubs run (one release store) and the
 * code stored pointers to its functions run. was: the version published
 * until now, whose functions it lacks or retyped are reported; NULL for
 * none (the first load, a rollback). */
static void publish_locked(size_t index, const struct version *was)
{
    assert(locker.held);
    const struct version *v = &L.versions[index];
    /* The number first: a thread that runs the new code (it loaded the
     * slots, which the store below releases) reads that number or a later
     * one from hot_version(). */
    atomic_store(&L.version, v->number);
    atomic_store_explicit(L.manifest->active, v->slots, memory_order_release);
    hot__code_publish(v->code, v->number, was ? was->code : NULL, was ? was->number : 0);
    L.published = index;
}

/* The #[persist] variable called name in table, or NULL. */
static const struct hot_abi_variable *find_variable(const struct hot_abi_table *table,
                                                    const char *name)
{
    for (uint32_t i = 0; table->variables && i < table->variable_count; i++) {
        if (strcmp(table->variables[i]->name, name) == 0)
            return table->variables[i];
    }
    return NULL;
}

/* Gives each #[persist] variable of the build with table and layouts,
 * loaded at bias, its storage (persist.h): the running build's, when
 * name, type and size all match, and so does the layout of the type where
 * both builds have one; else new storage with the build's initial value,
 * and for a variable whose type changed an event line says so. */
static long bind_variables_locked(const struct hot_abi_table *table,
                                  const struct hot__layouts *layouts,
                                  const struct hot__persist_places *places, uintptr_t bias)
{
    assert(locker.held);
    const struct version *running = published_locked();
    size_t count = table->variables ? table->variable_count : 0;
    const struct hot_abi_variable **from = calloc(count ? count : 1, sizeof *from);
    if (!from)
        return fail(HOT_E_NO_MEMORY, "out of memory");
    char why[640];
    int differs;
    for (size_t i = 0; running && i < count; i++) {
        const struct hot_abi_variable *to = table->variables[i];
        const struct hot_abi_variable *was = find_variable(running->table, to->name);
        if (!was)
            continue; /* new in this build */
        if (was->size != to->size || strcmp(was->type, to->type) != 0)
            hot__say("'%s' changed type %s (%llu bytes) -> %s (%llu bytes); it starts from its "
                     "initial value",
                     to->name, was->type, (unsigned long long)was->size, to->type,
                     (unsigned long long)to->size);
        else if ((differs = hot__layouts_variable_differs(layouts, running->layouts, to->name, why,
                                                          sizeof why)) > 0)
            hot__say("'%s' is of a type that changed: %s; it starts from its initial value",
                     to->name, why);
        else if (differs < 0) { /* its value would be lost */
            free(from);
            return fail(HOT_E_NO_MEMORY, "out of memory");
        } else
            from[i] = was;
    }
    char err[256];
    long status = HOT_OK;
    int bound = hot__persist_bind(table, places, bias, from, err, sizeof err);
    if (bound != 0)
        status =
            fail(bound == -2 ? HOT_E_NO_MEMORY : HOT_E_IO,
                 "cannot give the #[persist] variables of '%s' their storage: %s", L.library, err);
    free(from);
    return status;
}

/* Removes the private copy at path, of which mapped[0..count) may be
 * mapped. A mapped file's room is held until it is unmapped: all but
 * those extents (code and data, not debug information or symbols) is
 * given back first, for a version that stays mapped (and for every one
 * where dlclose never unmaps: musl). count 0: what is mapped is not known,
 * and the copy is removed as it is. */
static void remove_private_copy(const char *path, const struct hot__os_extent *mapped, size_t count)
{
    if (count > 0)
        hot__os_remove_file_but_mapped(path, mapped, count);
    else
        hot__os_remove_file(path);
}

/* Removes v's private copy from the disk, if it is ours and still there. */
static void remove_copy(struct version *v)
{
    size_t dir_len = strlen(L.private_dir);
    if (!v->copy_removed && private_dir_ours() && strncmp(v->path, L.private_dir, dir_len) == 0)
        remove_private_copy(v->path, v->mapped, v->mapped_count);
    v->copy_removed = 1;
}

/* Keeps the private copies of the newest COPIES_ON_DISK versions on disk,
 * where debuggers and profilers read them, and removes the older ones': a
 * running program's disk use grows by what each older version maps, not
 * by its whole file, however often it reloads. */
static void bound_copies_locked(void)
{
    assert(locker.held);
    for (size_t i = 0; i + COPIES_ON_DISK < L.version_count; i++)
        remove_copy(&L.versions[i]);
}

/* The work a publish leaves for later, so that the new code runs without
 * waiting for it: removing older private copies (bound_copies_locked). Done
 * by the next look that finds nothing new (hot_check, or the watcher once
 * the program's callback ran), at a safe point, by the next load before it
 * copies, and by hot_cleanup. */
static void tidy_locked(void)
{
    assert(locker.held);
    /* Once tidy, every version older than the newest COPIES_ON_DISK has its
     * copy removed; a publish pushes one more past them, whose copy is then
     * the one to look at. */
    size_t count = L.version_count;
    if (count > COPIES_ON_DISK && !L.versions[count - 1 - COPIES_ON_DISK].copy_removed)
        bound_copies_locked();
}

static void unload(struct version *v)
{
    hot__code_free(v->code);
    hot__os_library_close(v->handle);
    remove_copy(v);
    free(v->path);
    free((void *)v->slots);
    hot__layouts_free(v->layouts);
}

/* The version a crash of the published one rolls back to: the newest
 * older one that did not crash; L.version_count if there is none. */
static size_t rollback_target_locked(void)
{
    assert(locker.held);
    size_t good = L.published;
    while (good > 0 && L.versions[good - 1].crashed)
        good--;
    return good > 0 ? good - 1 : L.version_count;
}

/* At a safe point: unloads the oldest versions beyond L.keep, never the one
 * published, nor, while the guard may roll back, the one it would return
 * to. Returns how many it unloaded. */
static long retire_locked(void)
{
    assert(locker.held);
    long retired = 0;
    size_t i = 0;
    while (L.keep > 0 && L.version_count > L.keep && i < L.version_count) {
        if (i == L.published || (hot__guard_in_use() && i == rollback_target_locked())) {
            i++;
            continue;
        }
        unload(&L.versions[i]);
        memmove(&L.versions[i], &L.versions[i + 1], (--L.version_count - i) * sizeof L.versions[0]);
        L.published -= i < L.published;
        retired++;
    }
    return retired;
}

/* The slot array of the loaded table, whose entry_of validate filled from
 * the file's: manifest function i jumps to its entry's code. NULL when
 * memory ran out. */
static const hot_abi_code *make_slots(const struct hot_abi_table *table, const uint32_t *entry_of)
{
    hot_abi_code *slots = calloc(L.manifest->count ? L.manifest->count : 1, sizeof *slots);
    for (uint32_t i = 0; slots && i < L.manifest->count; i++)
        slots[i] = table->functions[entry_of[i]]->code;
    return slots;
}

/* Checks what the new build's file says beyond its table: the layouts of
 * the types it shares, which must agree with the core's and the running
 * build's; its functions, whose declared prototypes of core functions must
 * be the core's; and where its #[persist] variables are reached. All from
 * the checked image and its summary, before any of its code is mapped.
 * Returns HOT_OK or a refusal, with the summary and places made either
 * way. */
static long check_build_locked(const struct stamp *stamp, const unsigned char *image, size_t size,
                               const struct hot_abi_table *table, struct hot__summary *summary,
                               struct hot__persist_places **places)
{
    assert(locker.held);
    long status = read_summary_locked(stamp, image, size, table, summary);
    if (status != HOT_OK)
        return status;
    if (!(*places = hot__persist_find(image, size, table)))
        return fail(HOT_E_NO_MEMORY, "out of memory");
    status = check_prototypes_locked(&summary->functions);
    return status == HOT_OK ? check_layouts_locked(summary->layouts) : status;
}

/* Names gathered from a library file. */
struct names {
    const char **items;
    size_t count, capacity;
    int failed; /* out of memory */
};

static void add_name(void *ctx, const char *name)
{
    struct names *names = ctx;
    if (!names->failed &&
        hot__grow(&names->items, &names->capacity, names->count + 1, sizeof *names->items) == 0)
        names->items[names->count++] = name;
    else
        names->failed = 1;
}

/* Refuses the checked image[0..size) if it uses a symbol that this program
 * does not define, before any of its code is mapped: a build linked after
 * the core was, which calls what only a relinked core has. The libraries it
 * names that lie in the program's folder are loaded first, where the
 * system would not look there for them (hot__os_load_program_libraries);
 * where they are not all loaded then, the dynamic loader decides. */
static enum hot_status check_needs(const unsigned char *image, size_t size)
{
    struct names symbols = {0}, libraries = {0};
    hot__image_each_need(image, size, HOT_IMAGE_SYMBOL, add_name, &symbols);
    hot__image_each_need(image, size, HOT_IMAGE_LIBRARY, add_name, &libraries);
    enum hot_status status = HOT_OK;
    if (symbols.failed || libraries.failed)
        status = fail(HOT_E_NO_MEMORY, "out of memory");
    else
        hot__os_load_program_libraries(libraries.items, libraries.count);
    if (status == HOT_OK && symbols.count > 0) {
        size_t first =
            hot__os_first_undefined(symbols.items, symbols.count, libraries.items, libraries.count);
        char advice[320];
        if (first < symbols.count) /* a core built with this edit links it in */
            status = fail(HOT_E_CORE_SYMBOL,
                          "'%s' uses '%s', which this program does not define; %s", L.library,
                          symbols.items[first], restart_advice(advice, sizeof advice, "use it"));
    }
    free(symbols.items);
    free(libraries.items);
    return status;
}

/* Lets go of the bytes of the last copy once its checks are done, keeping
 * the memory for the next load unless it is large. */
static void forget_image(void)
{
    if (L.image_capacity > KEEP_IMAGE_BYTES) {
        free(L.image);
        L.image = NULL;
        L.image_capacity = 0;
    }
}

/* A build that passed every check of its file and is not mapped yet: its
 * private copy, its table as the file has it, where each manifest function
 * is in that table, its summary, and the places of its #[persist]
 * variables. Once admitted, the table's strings point into bytes that are
 * gone (L.image, forgotten or reused): only its addresses (at, and what
 * hot__table_file_matches reads) may be used. */
struct admitted {
    char copy[PATH_CAPACITY + 64];
    struct hot__os_extent mapped[MAPPED_EXTENTS]; /* what the loader will map of it */
    size_t mapped_count;                          /* 0: unknown (more than the most kept) */
    struct hot__table_file table;
    uint32_t *entry_of; /* per manifest function: its entry in the table */
    struct hot__summary summary;
    struct hot__persist_places *places;
};

/* Forgets what *a holds and removes its private copy. */
static void admitted_drop(struct admitted *a)
{
    hot__table_file_free(&a->table);
    free(a->entry_of);
    hot__summary_free(&a->summary);
    hot__persist_places_free(a->places);
    if (a->copy[0]) /* opened, it may stay mapped once closed (musl) */
        remove_private_copy(a->copy, a->mapped, a->mapped_count);
    memset(a, 0, sizeof *a);
}

/* Reads the table of the checked file image[0..size) into *a and checks
 * it against the manifest (validate). Returns HOT_OK or a refusal. */
static long read_table_locked(const unsigned char *image, size_t size,
                              const struct hot__image_pointers *pointers, struct admitted *a)
{
    assert(locker.held);
    char err[768];
    int read = hot__table_file_read(image, size, pointers, &a->table, err, sizeof err);
    if (read == -1)
        return fail(HOT_E_NOT_HOT, "'%s' %s", L.library, err);
    if (read == -3)
        return fail(HOT_E_NO_MEMORY, "'%s' %s", L.library, err);
    if (read != 0)
        return fail(HOT_E_NOT_HOT, "'%s' %s; build '%s_hot' again", L.library, err,
                    L.manifest->program);
    if (!(a->entry_of = calloc(L.manifest->count ? L.manifest->count : 1, sizeof *a->entry_of)))
        return fail(HOT_E_NO_MEMORY, "out of memory");
    return validate(&a->table.table, a->entry_of);
}

/* Notes in *a which extents of the checked file image[0..size) the loader
 * maps (none, when they are more than MAPPED_EXTENTS). */
static void note_mapped(const unsigned char *image, size_t size, struct admitted *a)
{
    struct hot__image_extent extents[MAPPED_EXTENTS];
    size_t count =
        hot__image_mapped_extents(image, size, hot__os_page_size(), extents, MAPPED_EXTENTS);
    a->mapped_count = count <= MAPPED_EXTENTS ? count : 0;
    for (size_t i = 0; i < a->mapped_count; i++)
        a->mapped[i] = (struct hot__os_extent){extents[i].offset, extents[i].length};
}

/* Checks the library's bytes image[0..size) (its size was file_size when
 * read) into *a: the ELF file and what the dynamic loader trusts, its
 * table and signatures, its layouts and prototypes; not whether they are
 * the bytes the stamp vouches for, nor what they need of the core
 * (write_and_check_locked does those). Reads nothing but the bytes and the
 * summary, so that it may run while they are written. Returns HOT_OK or a
 * refusal. */
static long check_file_locked(const struct stamp *stamp, const unsigned char *image, size_t size,
                              long long file_size, struct admitted *a)
{
    assert(locker.held);
    char err[768];
    struct hot__image_pointers *pointers = NULL; /* what its relocations make */
    /* Another system's library, whatever its processor, is that first; a
     * file of no library format lacks what this system's would have. */
    const char *format = hot__image_format(image, size), *loads = hot__os_library_format();
    if (format && strcmp(format, loads) != 0)
        return fail(HOT_E_BAD_FILE,
                    "'%s' is %s %s library, and this system loads %s ones; build '%s_hot' "
                    "again for this system",
                    L.library, format[0] == 'E' ? "an" : "a", format, loads, L.manifest->program);
    if (!format && file_size > 0)
        return fail(HOT_E_BAD_FILE,
                    "'%s' is not a shared library (no %s header); build '%s_hot' again", L.library,
                    loads, L.manifest->program);
    int bad =
        hot__image_check(image, size, file_size, hot__elf_host_machine(), err, sizeof err) != 0;
    if (!bad && !(pointers = hot__image_pointers_new(image, size)))
        return fail(HOT_E_NO_MEMORY, "out of memory");
    int checked = bad ? -1 : hot__image_check_loader(image, size, pointers, err, sizeof err);
    long status =
        checked == -2  ? fail(HOT_E_NO_MEMORY, "'%s' %s", L.library, err)
        : checked != 0 ? fail(HOT_E_BAD_FILE, "'%s' %s; build '%s_hot' again", L.library, err,
                              L.manifest->program)
        : hot__image_pointers_packed(pointers) && !hot__os_loader_applies_packed_relocations()
            ? fail(HOT_E_BAD_FILE,
                   "'%s' packs its relative relocations (DT_RELR), which this C library's "
                   "loader leaves unapplied; link '%s_hot' without -z pack-relative-relocs",
                   L.library, L.manifest->program)
            : read_table_locked(image, size, pointers, a);
    if (status == HOT_OK)
        status = check_build_locked(stamp, image, size, &a->table.table, &a->summary, &a->places);
    hot__image_pointers_free(pointers);
    return status;
}

/* Writing a private copy of the bytes read, and hashing them for the
 * stamp's check. It only reads the bytes, as the checks do, and touches
 * nothing of the loader's: a large copy is written on a thread of its own
 * while the checks run, and whichever thread is free first hashes. */
struct copy_job {
    const char *path;
    const unsigned char *bytes;
    size_t size;
    int status; /* hot__os_write_copy's */
    char err[768];
    atomic_flag hash_taken;  /* a thread took the hash */
    unsigned long long hash; /* of bytes, once taken and the job finished */
    pthread_t thread;
    int on_thread; /* thread runs it and is to be joined */
};

/* Hashes the bytes unless the other thread took that already. */
static void take_hash(struct copy_job *job)
{
    if (!atomic_flag_test_and_set(&job->hash_taken))
        job->hash = hot_abi_content_hash(job->bytes, job->size);
}

static void run_copy_job(struct copy_job *job)
{
    job->status = hot__os_write_copy(job->path, job->bytes, job->size, job->err, sizeof job->err);
    take_hash(job);
}

static void *copy_job_main(void *arg)
{
    run_copy_job(arg);
    return NULL;
}

/* Starts the job: on a thread for a copy of WRITE_BESIDE_BYTES or more,
 * whose writing takes longer than a thread takes to start; at once for a
 * smaller one, or when no thread can start. */
static void start_copy_job(struct copy_job *job)
{
    job->on_thread = 0;
    if (job->size >= WRITE_BESIDE_BYTES) {
        struct hot__os_signal_mask mask;
        hot__os_block_signals(&mask); /* no handler of the program's runs on it */
        job->on_thread = pthread_create(&job->thread, NULL, copy_job_main, job) == 0;
        hot__os_restore_signals(&mask);
    }
    if (!job->on_thread)
        run_copy_job(job);
}

static void finish_copy_job(struct copy_job *job)
{
    if (job->on_thread)
        pthread_join(job->thread, NULL);
    job->on_thread = 0;
}

/* Writes the library's bytes L.image[0..size) (file_size when read) to a
 * new private copy, a->copy while it exists, and checks those bytes into
 * *a, the copy written beside the checks (start_copy_job). Damage refuses
 * a build before anything else does; what it needs of the core is checked
 * last, as that may load libraries it names. Returns 1, or a negative
 * status with L.error set. */
static long write_and_check_locked(const struct stamp *stamp, size_t size, long long file_size,
                                   struct admitted *a)
{
    assert(locker.held);
    int length = snprintf(a->copy, sizeof a->copy, "%s/%lu-%s", L.private_dir, ++L.attempts,
                          base_name(L.library));
    if (length < 0 || (size_t)length >= sizeof a->copy) {
        a->copy[0] = '\0';
        return fail(HOT_E_IO, "the private copy of '%s' would have too long a path", L.library);
    }
    struct copy_job job = {
        .path = a->copy, .bytes = L.image, .size = size, .hash_taken = ATOMIC_FLAG_INIT};
    if (!stamp) /* nothing vouches for the bytes: no hash to compare */
        atomic_flag_test_and_set(&job.hash_taken);
    start_copy_job(&job);
    long checked = check_file_locked(stamp, L.image, size, file_size, a);
    take_hash(&job);
    finish_copy_job(&job);
    int damaged = stamp && job.hash != stamp->content;
    if (job.status != 0) { /* a full disk, say: a build would not help */
        a->copy[0] = '\0'; /* hot__os_write_copy left none */
        return fail_machines(HOT_E_IO, "%s", job.err);
    }
    /* The bytes must be the ones the stamp vouches for: damage since the
     * build (on disk, by a tool) leaves the file's identity as it was. */
    if (damaged)
        return fail(HOT_E_BAD_FILE,
                    "'%s' is not the file its stamp vouches for: its bytes changed since it "
                    "was built (damaged on disk, or by a tool); build '%s_hot' again",
                    L.library, L.manifest->program);
    long status = checked == HOT_OK ? check_needs(L.image, size) : checked;
    if (status != HOT_OK)
        return status;
    note_mapped(L.image, size, a);
    return 1;
}

/* Makes a private copy of the library as it is now and checks it into *a,
 * none of it mapped as code. When stamp is given, the library must be the
 * very file it vouches for. Returns 1 admitted; 0 not ready (a build is
 * still writing the file); or a negative status with L.error set. Unless
 * 1, *a holds nothing and the copy is gone. */
static long admit_locked(const struct stamp *stamp, struct admitted *a)
{
    assert(locker.held);
    char err[768];
    struct hot__file_id before, after;
    size_t size = 0;
    memset(a, 0, sizeof *a);
    if (!private_dir_ours()) {
        char note[768];
        if (hot__os_private_dir("vais-hot-", L.library, COPIES_ON_DISK, L.private_dir,
                                sizeof L.private_dir, note, sizeof note, err, sizeof err))
            return fail_machines(HOT_E_IO, "%s", err);
        if (note[0])
            hot__say("%s", note);
        L.private_owner = hot__os_pid();
    }
    int read = hot__os_read_library(L.library, &L.image, &L.image_capacity, &size, &before, &after,
                                    err, sizeof err);
    long status;
    if (read == HOT_OS_FILE_UNSAFE)
        status = fail_machines(
            HOT_E_UNSAFE, "%s; refused, as whoever can write it could run code in this program",
            err);
    else if (read == HOT_OS_FILE_STOPPED) /* out of descriptors, say: a build would not help */
        status = fail_machines(HOT_E_IO, "%s", err);
    else if (read == HOT_OS_FILE_NO_MEMORY)
        status = fail(HOT_E_NO_MEMORY, "%s", err);
    else if (read != 0)
        status = fail(HOT_E_IO, "%s; build '%s_hot'", err, L.manifest->program);
    else if (!hot__file_id_equal(&before, &after) ||
             (stamp && !hot__os_stamp_names(&stamp->id, &before)))
        status = 0;
    else
        status = write_and_check_locked(stamp, size, after.size, a);
    forget_image();
    if (status != 1)
        admitted_drop(a); /* the copy too, if one was written */
    return status;
}

/* Opens the admitted build *a (which it takes over), binds its #[persist]
 * variables and publishes it as the next version: opening runs its
 * constructors, which only a build that passed every check may do. The
 * table as loaded must be the one checked, each pointer leading where it
 * did in the file: only then is it read. Returns 1, or a negative status
 * with L.error set, when nothing of it stays. */
static long publish_admitted_locked(struct admitted *a, const char *stamp_text)
{
    assert(locker.held);
    char err[768];
    const hot_abi_code *slots = NULL;
    struct hot__code *code = NULL;
    long status = HOT_OK;
    void *handle = hot__os_library_open(a->copy, err, sizeof err);
    if (!handle) {
        status = fail(HOT_E_LOAD, "cannot load '%s': %s", L.library, err);
        admitted_drop(a);
        return status;
    }
    const struct hot_abi_table *table = hot__os_library_symbol(handle, HOT_ABI_TABLE_SYMBOL);
    uintptr_t bias = 0;
    if (hot__os_library_bias(handle, &bias) != 0)
        status = fail(HOT_E_LOAD, "cannot tell where '%s' was loaded", L.library);
    else if (!table || !hot__table_file_matches(&a->table, table, bias))
        status =
            fail(HOT_E_BAD_FILE, "'%s' as loaded is not what its file said; build '%s_hot' again",
                 L.library, L.manifest->program);
    else if (!(slots = make_slots(table, a->entry_of)))
        status = fail(HOT_E_NO_MEMORY, "out of memory");
    if (status == HOT_OK && !(code = hot__code_new(&a->summary.functions, bias)))
        status = fail(HOT_E_NO_MEMORY, "out of memory");
    if (status == HOT_OK)
        status = bind_variables_locked(table, a->summary.layouts, a->places, bias);
    if (status == HOT_OK)
        status = keep_version(handle, a->copy, a->mapped, a->mapped_count, slots, table,
                              a->summary.layouts, code, stamp_text);
    if (status != HOT_OK) {
        free((void *)slots);
        hot__code_free(code);
        hot__os_library_close(handle);
        admitted_drop(a);
        return status;
    }
    a->summary.layouts = NULL; /* the version's now, as are its copy and code */
    a->copy[0] = '\0';
    admitted_drop(a);
    const struct version *was = published_locked();
    if (L.before_reload && was)
        L.before_reload(was->number);
    publish_locked(L.version_count - 1, was);
    return 1;
}

/* Is the build whose stamp's text is stamp skipped now (SKIP_BUILD)? */
static int skipping(const char *stamp)
{
    assert(locker.held);
    return L.skip.kind == SKIP_BUILD && strcmp(L.skip.stamp, stamp) == 0;
}

/* Skips the build whose stamp's text is stamp from now on. */
static void skip(const char *stamp)
{
    assert(locker.held);
    L.skip = (struct skip){.kind = SKIP_BUILD};
    snprintf(L.skip.stamp, sizeof L.skip.stamp, "%s", stamp);
}

/* Is the build whose stamp's text is stamp waiting to be tried again after
 * a refusal of the machine's (SKIP_SAID)? */
static int waiting_to_retry(const char *stamp)
{
    assert(locker.held);
    return L.skip.kind == SKIP_SAID && strcmp(L.skip.stamp, stamp) == 0 &&
           hot__os_now_ns() < L.skip.retry_ns;
}

/* Does the refusal just made, with status, stand until a new build lands?
 * Not memory running out, which may pass, nor a refusal of the machine's:
 * the same build is tried again. */
static int refusal_stands(long status)
{
    return status < 0 && status != HOT_E_NO_MEMORY && !L.error_is_machines;
}

/* Says why a build was refused, and what keeps running. */
static void report_refusal(void)
{
    long version = atomic_load(&L.version);
    if (version > 0)
        hot__say("kept v%ld: %s", version, L.error);
    else
        hot__say("no hot code loaded: %s", L.error);
}

/* Copies, checks, opens and publishes the library as it is now: a build
 * admitted, then published. When stamp_text is given, the library must be
 * the very file it vouches for. Returns 1 published, 0 not ready (a build
 * is still writing the file), or a negative status with L.error set. */
static long load_locked(const char *stamp_text, const struct stamp *stamp)
{
    assert(locker.held);
    long long start = hot__os_now_ns();
    tidy_locked(); /* a program that only reloads keeps its disk bounded too */
    struct admitted a;
    long status = admit_locked(stamp, &a);
    if (status == 1)
        status = publish_admitted_locked(&a, stamp_text);
    if (status != 1)
        return status;
    /* Nothing skipped stands: a refusal of the machine's is said again if
     * it recurs, and a crashed build stays out by its version's mark. Nor
     * does any error: the newest build runs. */
    L.skip = (struct skip){.kind = SKIP_NOTHING};
    L.error[0] = '\0';
    L.error_is_machines = 0;
    long version = atomic_load(&L.version);
    double ms = (double)(hot__os_now_ns() - start) / 1e6;
    unsigned count = L.manifest->count;
    const char *plural = count == 1 ? "" : "s";
    if (version == 1)
        hot__say("loaded v%ld from '%s' (%u hot function%s) in %.2f ms", version, L.library, count,
                 plural, ms);
    else
        hot__say("reloaded v%ld (%u hot function%s) in %.2f ms", version, count, plural, ms);
    return 1;
}

/* How long the first load waits: FIRST_LOAD_WAIT_MS, or as many
 * milliseconds (up to a day) as VAIS_HOT_TEST_WAIT_MS says, which only
 * vais-hot's own tests set, to see the wait end without waiting minutes. */
static long long first_load_wait_ms(void)
{
    const char *test = getenv("VAIS_HOT_TEST_WAIT_MS");
    char *end = NULL;
    long long ms = test && *test ? strtoll(test, &end, 10) : -1;
    return ms >= 0 && ms <= 86400000 && *end == '\0' ? ms : FIRST_LOAD_WAIT_MS;
}

/* The first load, which a program started while its library is being
 * linked must not take from a half-written file: it loads the library only
 * once it is the file its stamp vouches for or, when there is no stamp, once
 * it exists (a library built by hand is taken as it is). Until then it
 * waits, saying so once, for at most first_load_wait_ms(), with the lock
 * released between its looks (so the state may change meanwhile: another
 * thread's load ends the wait). A library its stamp does not vouch for
 * that stays unchanged for LANDING_MS (a quarter of the wait if that is
 * shorter) is no build landing: a build stamps what it wrote at once, so
 * the wait ends there. Returns 1, or a negative status with L.error set,
 * which the caller says (report_refusal). */
static long first_load_locked(void)
{
    assert(locker.held);
    const char *program = L.manifest->program;
    long long wait_ms = first_load_wait_ms();
    long long settle_ms = wait_ms / 4 < LANDING_MS ? wait_ms / 4 : LANDING_MS;
    long long start = hot__os_now_ns(), deadline = start + wait_ms * 1000000;
    long long unchanged_since = start; /* of the library, as last seen */
    struct hot__file_id seen = {0};
    int said = 0;
    for (;;) {
        char text[STAMP_CAPACITY], err[512];
        struct stamp stamp;
        struct hot__file_id now;
        int stamped = read_stamp(text, sizeof text, &stamp);
        if (stamped < 0)
            return HOT_E_UNSAFE;
        int missing = hot__os_file_id(L.library, &now, err, sizeof err) != 0;
        int unvouched = !missing && stamped && !hot__os_stamp_names(&stamp.id, &now);
        if (!missing && !unvouched) {
            long status = load_locked(stamped ? text : NULL, stamped ? &stamp : NULL);
            if (status != 0)
                return status;
        }
        long long now_ns = hot__os_now_ns();
        if (missing || !hot__file_id_equal(&now, &seen))
            unchanged_since = now_ns;
        seen = missing ? (struct hot__file_id){0} : now;
        if (unvouched && now_ns - unchanged_since >= settle_ms * 1000000)
            return fail(HOT_E_IO,
                        "'%s' does not match its stamp and has not changed for %g s, so no build "
                        "is landing; build '%s_hot' again, or remove its stamp to load the "
                        "library as it is",
                        L.library, (double)settle_ms / 1000, program);
        if (now_ns > deadline && missing)
            return fail(HOT_E_IO, "'%s' is still missing after %g s; build '%s_hot'", L.library,
                        (double)wait_ms / 1000, program);
        if (now_ns > deadline)
            return fail(HOT_E_IO, "'%s' kept changing for %g s; build '%s_hot' again", L.library,
                        (double)wait_ms / 1000, program);
        if ((missing || unvouched) && !said) {
            hot__say("'%s' %s; waiting up to %g s for a build of '%s_hot' to land", L.library,
                     missing ? "is missing" : "does not match its stamp", (double)wait_ms / 1000,
                     program);
            said = 1;
        }
        /* Wait without the lock: exit's cleanup, fork and the API's other
         * calls must not hang on a build that is still linking. */
        unlock_loader();
        hot__os_sleep_ms(10);
        lock_loader();
        if (atomic_load(&L.version) > 0)
            return 1; /* another thread's first load landed meanwhile */
    }
}

/* Loads the library as it is now, waiting out a build that is still writing
 * it, for at most NOT_READY_WAIT_NS; the first load is first_load_locked's.
 * Takes the stamp as current only if the library is the file it vouches
 * for. Returns 1, or a negative status with L.error set, which the caller
 * says (report_refusal). */
static long load_now_locked(void)
{
    assert(locker.held);
    if (atomic_load(&L.version) == 0)
        return first_load_locked();
    long long deadline = hot__os_now_ns() + NOT_READY_WAIT_NS;
    for (;;) {
        char text[STAMP_CAPACITY];
        struct stamp stamp;
        struct hot__file_id now;
        char err[512];
        int stamped = read_stamp(text, sizeof text, &stamp);
        if (stamped < 0)
            return HOT_E_UNSAFE;
        stamped = stamped && hot__os_file_id(L.library, &now, err, sizeof err) == 0 &&
                  hot__os_stamp_names(&stamp.id, &now);
        long status = load_locked(stamped ? text : NULL, stamped ? &stamp : NULL);
        if (status != 0)
            return status;
        if (hot__os_now_ns() > deadline)
            return fail(HOT_E_IO, "'%s' kept changing while being read; build '%s_hot' again",
                        L.library, L.manifest->program);
        hot__os_sleep_ms(10);
    }
}

/* Is the build text names one kept that crashed? It is not run again,
 * whatever L.skip names since. */
static int crashed_locked(const char *text)
{
    assert(locker.held);
    for (size_t i = 0; i < L.version_count; i++) {
        if (L.versions[i].crashed && strcmp(L.versions[i].stamp, text) == 0)
            return 1;
    }
    return 0;
}

/* Notes that the machine refused the build whose stamp's text is stamp
 * (L.error says why), and when to try it again; says so unless it said
 * the same of that build before. Returns 1 if it said it. */
static int machine_refused_locked(const char *stamp)
{
    assert(locker.held);
    int said = L.skip.kind == SKIP_SAID && strcmp(L.skip.stamp, stamp) == 0 &&
               strcmp(L.skip.error, L.error) == 0;
    long long wait = said ? 2 * L.skip.retry_wait_ns : RETRY_FIRST_NS;
    if (!said) {
        L.skip = (struct skip){.kind = SKIP_SAID};
        snprintf(L.skip.stamp, sizeof L.skip.stamp, "%s", stamp);
        snprintf(L.skip.error, sizeof L.skip.error, "%s", L.error);
        report_refusal();
    }
    L.skip.retry_wait_ns = wait < RETRY_LAST_NS ? wait : RETRY_LAST_NS;
    L.skip.retry_ns = hot__os_now_ns() + L.skip.retry_wait_ns;
    return !said;
}

/* What a look of hot_check that tried the build its stamp's text names
 * returns, having said a refusal and noted what follows in L.skip and
 * L.settled: status; 0 for a refusal of the machine's said before. */
static long tried_locked(long status, const char *text)
{
    assert(locker.held);
    int said = 0;
    if (refusal_stands(status))
        skip(text);
    if (status < 0 && L.error_is_machines)
        said = machine_refused_locked(text);
    else if (status < 0) {
        report_refusal();
        said = 1;
    }
    /* Settled: loaded, refused for good, or refused by the machine, whose
     * build a look tries again once it is time (waiting_to_retry).
     * Unsettled: the library changed while it was copied (0), or memory
     * ran out; the next hot_check looks again. */
    L.settled = status > 0 || refusal_stands(status) || (status < 0 && L.error_is_machines);
    return status < 0 && !said ? 0 : status;
}

/* hot_check's work: reload if the stamp names a build not yet seen. Sets
 * L.settled when nothing is pending after it: a build it loaded or refused,
 * the one already loaded, no stamp, or a stamp others may write. */
static long check_locked(void)
{
    assert(locker.held);
    L.settled = 0;
    char text[STAMP_CAPACITY];
    struct stamp stamp;
    int stamped = read_stamp(text, sizeof text, &stamp);
    if (stamped < 0) { /* the machine's: said once, until it is put right */
        L.settled = 1;
        return machine_refused_locked("") ? HOT_E_UNSAFE : 0;
    }
    if (!stamped)
        text[0] = '\0';
    if (atomic_load(&L.version) == 0) { /* nothing runs yet */
        L.settled = 1;
        if (skipping(text) || waiting_to_retry(text))
            return 0;
        return tried_locked(load_now_locked(), text);
    }
    L.settled = 1;
    if (!stamped)
        return 0;
    if (strcmp(text, published_locked()->stamp) == 0 || skipping(text) || waiting_to_retry(text) ||
        crashed_locked(text))
        return 0;
    L.settled = 0;
    struct hot__file_id now;
    char err[512];
    if (hot__os_file_id(L.library, &now, err, sizeof err) != 0 ||
        !hot__os_stamp_names(&stamp.id, &now))
        return 0; /* a build is still writing the library, or the stamp is stale */
    return tried_locked(load_locked(text, &stamp), text);
}

/* 1 if hot_check has nothing to look at (see L.settled); opens the notice
 * first, so that a stamp landing after the look that follows is seen. */
static int nothing_new_locked(void)
{
    assert(locker.held);
    long long now = hot__os_now_ns();
    if (!L.notice && L.mode == MODE_MANUAL && now - L.notice_tried_ns >= RECHECK_NS) {
        char err[512];
        const char *stamp = L.stamp;
        L.notice = hot__os_watch_open(&stamp, 1, err, sizeof err);
        L.notice_tried_ns = L.notice ? 0 : now;
        L.settled = 0;
    }
    if (!L.notice || !L.settled || hot__os_watch_wait(L.notice, 0) != 0 ||
        now - L.looked_ns >= RECHECK_NS) {
        L.looked_ns = now;
        return 0;
    }
    return 1;
}

/* What a reload owes the program's callback. Taken under the lock, so the
 * version is the one this reload published; run after unlocking. */
struct callback {
    void (*cb)(long version); /* NULL: nothing to call */
    long version;
};

static struct callback callback_for_locked(long status)
{
    assert(locker.held);
    struct callback c = {NULL, atomic_load(&L.version)};
    if (status == 1 && c.version > 1)
        c.cb = L.on_reload;
    return c;
}

static void run_callback(struct callback c)
{
    if (c.cb)
        c.cb(c.version);
}

static void *watcher_main(void *arg)
{
    struct watcher *w = arg;
    for (;;) {
        if (hot__os_watch_wait(w->watch, WATCH_TIMEOUT_MS) < 0)
            return NULL; /* stop_watcher joins us and frees w */
        lock_loader();
        long status = !w->orphaned && L.mode == MODE_AUTO ? check_locked() : 0;
        struct callback c = callback_for_locked(status);
        unlock_loader();
        run_callback(c);
        lock_loader();
        int orphaned = w->orphaned;
        tidy_locked();
        unlock_loader();
        if (orphaned) { /* our own callback stopped us: nobody will join */
            pthread_detach(w->thread);
            hot__os_watch_close(w->watch);
            free(w);
            return NULL;
        }
    }
}

/* Starts the auto-mode watcher unless it runs. */
static long start_watcher_locked(void)
{
    assert(locker.held);
    char err[512];
    if (L.watcher)
        return HOT_OK;
    struct watcher *w = calloc(1, sizeof *w);
    const char *stamp = L.stamp;
    if (!w)
        return fail(HOT_E_NO_MEMORY, "out of memory");
    w->watch = hot__os_watch_open(&stamp, 1, err, sizeof err);
    if (!w->watch) {
        free(w);
        return fail(HOT_E_WATCH, "%s", err);
    }
    if (pthread_create(&w->thread, NULL, watcher_main, w) != 0) {
        hot__os_watch_close(w->watch);
        free(w);
        return fail(HOT_E_WATCH, "cannot start the watcher thread");
    }
    L.watcher = w;
    return HOT_OK;
}

/* Stops the watcher, if any; called without the lock, which it takes. From
 * the watcher's own thread it only orphans it, to end after the callback. */
static void stop_watcher(void)
{
    lock_loader();
    struct watcher *w = L.watcher;
    L.watcher = NULL;
    int self = w && pthread_equal(pthread_self(), w->thread);
    if (self)
        w->orphaned = 1;
    unlock_loader();
    if (!w || self)
        return;
    hot__os_watch_wake(w->watch);
    pthread_join(w->thread, NULL);
    hot__os_watch_close(w->watch);
    free(w);
}

static long require_program_locked(void)
{
    assert(locker.held);
    return L.manifest ? HOT_OK : fail(HOT_E_NO_PROGRAM, "this program has no hot functions");
}

long hot__auto(void)
{
    lock_loader();
    long status = require_program_locked();
    if (status == HOT_OK) {
        L.mode = MODE_AUTO;
        status = start_watcher_locked(); /* first, so that no build lands unseen */
    }
    if (status == HOT_OK && atomic_load(&L.version) == 0) {
        status = load_now_locked();
        if (status < 0)
            report_refusal();
    }
    unlock_loader();
    return status < 0 ? status : HOT_OK;
}

long hot__init(const char *path)
{
    stop_watcher();
    lock_loader();
    long status = require_program_locked();
    if (status == HOT_OK) {
        L.mode = MODE_MANUAL;
        if (path && strcmp(path, L.library) != 0) {
            use_library(path);
            status = load_now_locked();
        } else if (atomic_load(&L.version) == 0) {
            status = load_now_locked();
        }
        if (status < 0)
            report_refusal();
    }
    struct callback c = callback_for_locked(status);
    unlock_loader();
    run_callback(c);
    return status < 0 ? status : HOT_OK;
}

long hot__check(void)
{
    lock_loader();
    long status = require_program_locked();
    if (status == HOT_OK && !nothing_new_locked())
        status = check_locked();
    if (status == 0)
        tidy_locked();
    struct callback c = callback_for_locked(status);
    unlock_loader();
    run_callback(c);
    return status;
}

long hot__reload(void)
{
    lock_loader();
    long status = require_program_locked();
    if (status == HOT_OK) {
        status = load_now_locked();
        if (status < 0)
            report_refusal();
    }
    struct callback c = callback_for_locked(status);
    unlock_loader();
    run_callback(c);
    return status;
}

long hot__version(void)
{
    return atomic_load(&L.version);
}

void hot__on_reload(void (*cb)(long version))
{
    int locked = lock_unless_held();
    L.on_reload = cb;
    if (locked)
        unlock_loader();
}

void hot__before_reload(void (*cb)(long version))
{
    int locked = lock_unless_held();
    L.before_reload = cb;
    if (locked)
        unlock_loader();
}

void hot__keep(long versions)
{
    int locked = lock_unless_held();
    L.keep = versions > 0 ? (size_t)versions : 0;
    if (locked)
        unlock_loader();
}

long hot__safe_point(void)
{
    lock_loader();
    long retired = retire_locked();
    tidy_locked();
    unlock_loader();
    return retired;
}

const char *hot__private_dir(void)
{
    return L.private_dir;
}

long hot__rollback(const char *library, const void *pc, const char *function,
                   const char *signal_name)
{
    lock_loader();
    size_t i = 0, good;
    while (i < L.version_count && strcmp(L.versions[i].path, library) != 0)
        i++;
    long status = HOT_E_CRASHED;
    char where[600]; /* "'name'", or "static 'name' of file" */
    const struct hot__function *f =
        i < L.version_count ? hot__code_function_at(L.versions[i].code, pc) : NULL;
    if (f && f->file)
        snprintf(where, sizeof where, "static '%s' of %s", f->name, f->file);
    else
        snprintf(where, sizeof where, "'%s'", f ? f->name : function);
    if (i == L.version_count) {
        status = fail(HOT_E_NO_ROLLBACK, "hot code crashed in %s (%s) in a version no longer kept",
                      where, signal_name);
        goto done;
    }
    struct version *crashed = &L.versions[i];
    if (i != L.published) {
        crashed->crashed = 1;
        fail(HOT_E_CRASHED,
             "v%ld crashed in %s (%s); v%ld is the current version and keeps running",
             crashed->number, where, signal_name, atomic_load(&L.version));
        goto done;
    }
    good = rollback_target_locked();
    crashed->crashed = 1;
    if (good == L.version_count) {
        status =
            fail(HOT_E_NO_ROLLBACK, "v%ld crashed in %s (%s); no earlier version to roll back to",
                 crashed->number, where, signal_name);
        goto done;
    }
    skip(crashed->stamp);
    publish_locked(good, NULL);
    fail(HOT_E_CRASHED, "v%ld crashed in %s (%s); rolled back to v%ld, fix it and build again",
         crashed->number, where, signal_name, atomic_load(&L.version));
done:
    hot__say("%s", L.error);
    unlock_loader();
    return status;
}

const struct hot_abi_manifest *hot__manifest(void)
{
    lock_loader();
    const struct hot_abi_manifest *m = L.manifest;
    unlock_loader();
    return m;
}

long hot__cleanup(void)
{
    stop_watcher();
    lock_loader();
    if (L.manifest)
        atomic_store_explicit(L.manifest->active, L.lazy_slots, memory_order_release);
    while (L.version_count > 0)
        unload(&L.versions[--L.version_count]);
    hot__redirect_reset();
    hot__persist_reset();
    free(L.versions);
    L.versions = NULL;
    L.version_capacity = 0;
    free(L.image);
    L.image = NULL;
    L.image_capacity = 0;
    free(L.sorted_sources);
    L.sorted_sources = NULL;
    remove_private_dir_locked();
    L.skip = (struct skip){.kind = SKIP_NOTHING};
    close_notice();
    atomic_store(&L.version, 0);
    L.numbered = 0;
    L.published = 0;
    L.mode = MODE_IDLE;
    unlock_loader();
    return HOT_OK;
}

const char *hot__last_error(void)
{
    static _Thread_local char copy[sizeof L.error];
    int locked = lock_unless_held();
    memcpy(copy, L.error, sizeof copy);
    if (locked)
        unlock_loader();
    return copy;
}

hot_abi_code hot__lazy_resolve(unsigned index)
{
    /* The lock is held while nothing is published only by the first load
     * and by hot_cleanup: a call on their thread comes from a constructor of
     * the library loaded or a destructor of one unloaded (the program's
     * handlers are blocked), and would wait for itself. */
    if (locker.held) {
        hot__say("cannot run '%s': it was called while its library is loaded or unloaded (by a "
                 "constructor or destructor), when none of its code may run; the program stops",
                 L.manifest->signatures[index].name);
        /* Not exit(): the library's destructors would run at exit, and
         * call hot code again. As after a fault, what the program wrote
         * goes out and the copies go, and nothing else runs. */
        fflush(NULL);
        remove_private_dir_locked();
        _Exit(EXIT_FAILURE);
    }
    lock_loader();
    if (atomic_load(&L.version) == 0) {
        if (L.mode == MODE_IDLE) {
            L.mode = MODE_AUTO;
            if (start_watcher_locked() != HOT_OK)
                hot__say("%s; new builds will not be loaded", L.error);
        }
        if (load_now_locked() < 0) {
            report_refusal();
            hot__say("cannot run '%s', the program stops: %s", L.manifest->signatures[index].name,
                     L.error);
            unlock_loader();
            exit(EXIT_FAILURE); /* there is no code to run; atexit removes the copies */
        }
    }
    const hot_abi_code *slots = atomic_load_explicit(L.manifest->active, memory_order_acquire);
    unlock_loader();
    return slots[index];
}
