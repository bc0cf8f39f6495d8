/* tests/runtime/test_soak.c
 * 1000 reloads in one process, twice: keeping every version (the default)
 * and keeping the last 3 (hot_keep, unloading at hot_safe_point after each
 * hot_check). Open file descriptors must not grow, resident memory must
 * stay within the bounds asserted below, the private directory must hold
 * the copies of the 8 newest versions at most, and of the kept ones, and
 * nothing may be left once hot_cleanup ran; hot_check is no safe point; the private directory is
 * the user's alone (mode 0700). The before-reload hook runs once per reload, while the old version
 * is still the current one. The descriptors are counted from the first
 * scenario's start to the last's end. Under an emulator, memory is the
 * program's address space as the emulator shows it, as the resident memory
 * is the emulator's own, and its cache of translated code grows with every
 * version's new code. argv: the v1 (own) and v2 builds. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"
#include "../target.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <vais/hot.h>
#ifdef _WIN32
#include <psapi.h>
#else
#include <unistd.h>
#endif

int add(int a, int b);
const char *name(void);

enum { RELOADS = 1000 };

static const char *builds[2];
static char scratch[300], library[320];
static char private_parent[320];
static long fds_at_start; /* with v1 loaded and the notice of its stamp open; -1: no count */

/* Are descriptors counted here? If not, says so once, and their checks
 * are left out. */
static int descriptors_counted(void)
{
    static int said;
    if (fds_at_start < 0 && !said++)
        printf("descriptors not checked: this system gives no count of them\n");
    return fds_at_start >= 0;
}
static long hooks_run, hooks_out_of_order;

static void before(long version)
{
    hooks_run++;
    hooks_out_of_order += version != hot_version();
}

/* Entries in path, recursing one level into subdirectories; not the lock
 * of a private directory. */
static long entries(const char *path, int depth)
{
    DIR *dir = opendir(path);
    long count = 0;
    struct dirent *entry;
    if (!dir)
        return -1;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0 ||
            strcmp(entry->d_name, "lock") == 0)
            continue;
        char sub[512];
        snprintf(sub, sizeof sub, "%s/%s", path, entry->d_name);
        long inside = depth > 0 ? entries(sub, depth - 1) : -1;
        count += inside >= 0 ? inside : 1;
    }
    closedir(dir);
    return count;
}

#ifdef _WIN32
/* Open handles, as descriptors are counted on Linux; -1 if this system
 * gives no count (Wine's is always 0). */
static long open_descriptors(void)
{
    DWORD count = 0;
    return GetProcessHandleCount(GetCurrentProcess(), &count) && count > 0 ? (long)count : -1;
}

static long resident_kib(void)
{
    PROCESS_MEMORY_COUNTERS counters;
    return K32GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof counters)
               ? (long)(counters.WorkingSetSize / 1024)
               : 0;
}

/* The size of every region of this program's address space in use. */
static long mapped_kib(void)
{
    unsigned long long bytes = 0;
    MEMORY_BASIC_INFORMATION region;
    for (const char *at = NULL; VirtualQuery(at, &region, sizeof region) == sizeof region;
         at = (const char *)region.BaseAddress + region.RegionSize) {
        if (region.State != MEM_FREE)
            bytes += region.RegionSize;
    }
    return (long)(bytes / 1024);
}

/* FreeLibrary gives a DLL's memory back; Windows refuses to delete the
 * file of a DLL mapped, so every version mapped keeps its copy on disk. */
enum { UNLOADS_MEMORY = 1, COPIES_OF_MAPPED_VERSIONS_STAY = 1 };
#else
/* The mode bits of the one private directory under private_parent, or -1. */
static long private_dir_mode(void)
{
    DIR *dir = opendir(private_parent);
    struct dirent *entry;
    long mode = -1;
    while (dir && (entry = readdir(dir)) != NULL) {
        char path[512];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", private_parent, entry->d_name);
        if (entry->d_name[0] != '.' && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            mode = (long)(st.st_mode & 0777);
    }
    if (dir)
        closedir(dir);
    return mode;
}

static long resident_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The size of every mapping of this program's address space. */
static long mapped_kib(void)
{
    long kib = 0;
    char line[512];
    unsigned long start, end;
    FILE *f = fopen("/proc/self/maps", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx", &start, &end) == 2)
            kib += (long)((end - start) / 1024);
    if (f)
        fclose(f);
    return kib;
}

static long open_descriptors(void)
{
    return entries("/proc/self/fd", 0);
}

/* Does dlclose give a library's memory back? Not musl's, which never
 * unmaps one: hot_keep frees only the copies on disk there. */
#if defined(__GLIBC__)
enum { UNLOADS_MEMORY = 1, COPIES_OF_MAPPED_VERSIONS_STAY = 0 };
#else
enum { UNLOADS_MEMORY = 0, COPIES_OF_MAPPED_VERSIONS_STAY = 0 };
#endif
#endif

/* The memory this test bounds (see the top). */
static const char *const memory_measured = TARGET_EMULATED ? "mapped" : "resident";
static long memory_kib(void)
{
    return TARGET_EMULATED ? mapped_kib() : resident_kib();
}

/* Lands builds 1000 times, alternating v1 and v2, with a hot_check and a
 * hot_safe_point each.
 * Reports the open descriptors and resident memory after reload 100 and
 * after the last, and the most private copies seen on disk. */
static void soak(long out[5])
{
    long most_copies = 0;
    for (int i = 1; i <= RELOADS; i++) {
        int ok = land_library(builds[i % 2], library) == 0 && land_stamp(library) > 0;
        long status = hot_check();
        hot_safe_point();
        if (!ok || status != 1 || add(2, 3) != (i % 2 ? 50 : 5)) {
            CHECK_INT(status, ==, 1);
            return;
        }
        long copies = entries(private_parent, 1);
        most_copies = copies > most_copies ? copies : most_copies;
        if (i == 100) {
            out[0] = open_descriptors();
            out[1] = memory_kib();
        }
    }
    out[2] = open_descriptors();
    out[3] = memory_kib();
    out[4] = most_copies;
}

static void soaks_keeping_every_version(void)
{
    long all[5] = {0};
    CHECK(land_library(builds[0], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    CHECK_INT(hot_check(), ==, 0); /* its notice of the stamp is open from here on */
    fds_at_start = open_descriptors();
    /* Only the user can enter it: mode 0700 (a DACL on Windows, which
     * windows_os_files checks). */
#ifndef _WIN32
    CHECK_INT(private_dir_mode(), ==, 0700);
#endif
    soak(all);
    printf("keep all: %ld fds, %s %ld -> %ld KiB from reload 100 to %d\n", all[2], memory_measured,
           all[1], all[3], RELOADS);
    CHECK_INT(hooks_run, ==, RELOADS);
    CHECK_INT(hooks_out_of_order, ==, 0);
    if (descriptors_counted()) {
        CHECK_INT(all[2], ==, all[0]); /* no descriptor per reload */
        CHECK_INT(all[2], ==, fds_at_start);
    }
    /* Every version mapped; the copies of the 8 newest on disk (of all, where
     * a mapped one's stays). */
    CHECK_INT(all[4], ==, COPIES_OF_MAPPED_VERSIONS_STAY ? RELOADS + 1 : 8);
    /* A reload leaves removing the ninth copy to the next hot_check that
     * finds nothing new, not to the program's next reload. */
    if (!COPIES_OF_MAPPED_VERSIONS_STAY) {
        CHECK(land_library(builds[0], library) == 0 && land_stamp(library) > 0);
        CHECK_INT(hot_check(), ==, 1);
        CHECK_INT(entries(private_parent, 1), ==, 9);
        CHECK_INT(hot_check(), ==, 0);
        CHECK_INT(entries(private_parent, 1), ==, 8);
    }
    /* 900 more versions resident: < 64 MiB (a sanitizer's shadow memory
     * grows as well; all of each version's address space is mapped) */
    if (!CHECK_SANITIZED && !TARGET_EMULATED)
        CHECK_INT(all[3] - all[1], <, 64 * 1024);
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK_INT(entries(private_parent, 1), ==, 0);
}

static void soaks_keeping_three_versions(void)
{
    long three[5] = {0};
    CHECK_INT(hot_cleanup(), ==, HOT_OK); /* from nothing loaded */
    CHECK_INT(hot_keep(3), ==, HOT_OK);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    soak(three);
    printf("keep 3:   %ld fds, %s %ld -> %ld KiB from reload 100 to %d\n", three[2],
           memory_measured, three[1], three[3], RELOADS);
    if (descriptors_counted())
        CHECK_INT(three[2], ==, three[0]);
    CHECK_INT(three[4], <=, 3); /* only what is kept is on disk */
    if (!CHECK_SANITIZED && UNLOADS_MEMORY)
        CHECK_INT(three[3] - three[1], <, 4 * 1024); /* 900 more reloads: < 4 MiB */
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK_INT(entries(private_parent, 1), ==, 0);
}

/* hot_check is no safe point: with hot_keep(1), the version before stays
 * mapped until the program declares one. */
static void hot_check_is_no_safe_point(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK); /* from nothing loaded */
    CHECK_INT(hot_keep(1), ==, HOT_OK);
    CHECK(land_library(builds[0], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    const char *before = name(); /* a string of the version loaded: v1 */
    CHECK(land_library(builds[1], library) == 0 && land_stamp(library) > 0);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_STR(before, "v1");
    CHECK_STR(name(), "v2");
    CHECK_INT(hot_safe_point(), ==, 1);
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK_INT(hot_keep(0), ==, HOT_OK);
}

/* The private directory's lock and the notice's two were all the
 * descriptors it held; and every file goes. */
static void leaves_no_descriptor_or_file_behind(void)
{
    if (descriptors_counted())
        CHECK_INT(open_descriptors(), ==, fds_at_start - 3);
    remove(library);
    char stamp[340];
    snprintf(stamp, sizeof stamp, "%s.stamp", library);
    remove(stamp);
    CHECK_INT(rmdir(private_parent), ==, 0);
    CHECK_INT(rmdir(scratch), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"soaks_keeping_every_version", soaks_keeping_every_version, NULL},
    {"soaks_keeping_three_versions", soaks_keeping_three_versions, NULL},
    {"hot_check_is_no_safe_point", hot_check_is_no_safe_point, NULL},
    {"leaves_no_descriptor_or_file_behind", leaves_no_descriptor_or_file_behind,
     CHECK_EVERY_SCENARIO_ABOVE},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_soak V1 V2\n");
        return 2;
    }
    builds[0] = argv[1];
    builds[1] = argv[2];
    CHECK(system_scratch_dir(scratch, sizeof scratch, "soak"));
    snprintf(library, sizeof library, "%s/lib" SYSTEM_LIBRARY_SUFFIX, scratch);
    snprintf(private_parent, sizeof private_parent, "%s/tmp", scratch);
    system_make_dir(private_parent);
    system_private_copies_in(private_parent);
    hot_log_to(NULL);
    hot_before_reload(before);
    return CHECK_SCENARIOS("soak", scenarios);
}
