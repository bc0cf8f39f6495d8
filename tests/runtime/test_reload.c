/* tests/runtime/test_reload.c
 * The runtime against real builds of one hot library (calc/): manual mode
 * reloads, hot_loop, each kind of refused build with its exact text, the
 * stamp rules, auto mode's background reload, and cleanup, as scenarios.
 * Each refusal starts from v2 running as version 2 (from_v2); a scenario that
 * counts on what another left names it. argv: the vais-hot tool, then the v1
 * (own), v2, sig, missing, other-program, plain, format-99, needs-core and
 * v2-packed libraries. */
#define _POSIX_C_SOURCE 200809L
#include "../check.h"
#include "../land.h"

#include <vais/hot.h>

#include "image.h" /* the runtime's reader: does a build pack its relocations? */

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#ifndef _WIN32
#include <fcntl.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#endif

int add(int a, int b);

/* Set by the constructor of the refused build calc/sig.c, if it ever ran. */
int refused_code_ran;
const char *name(void);

static const char *tool;
static const char *v1, *v2, *sig, *missing, *other, *plain, *format99, *needs_core, *v2_packed,
    *large;
static char library[512];
static char scratch[256];
static char private_copies[300];      /* TMPDIR: checked empty after each cleanup */
static char summary[600], stamp[600]; /* beside library */
static FILE *events;                  /* every vais-hot: line */
static long reloaded_to;

static void on_reload(long version)
{
    reloaded_to = version;
}

static void copy_file(const char *from, const char *to)
{
    CHECK_INT(land_copy(from, to), ==, 0);
}

/* Lands a build the way the linker and the build do: the file is replaced
 * by rename, then the stamp is written, by the vais-hot command. (A Windows
 * program under Wine cannot wait for that command, the build machine's:
 * there the stamp vouches for the summary the build's own stamp step
 * wrote, as land_with_summary lands it.) */
static void land(const char *build)
{
#ifdef _WIN32
    CHECK(land_with_summary(build, library) > 0);
#else
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.new", library);
    copy_file(build, tmp);
    CHECK_INT(system_replace(tmp, library), ==, 0);
    CHECK_INT(land_run_stamp(tool, library), ==, 0);
#endif
}

/* Writes library's stamp, as land does. */
static void stamp_library(void)
{
#ifdef _WIN32
    CHECK(land_stamp(library) > 0);
#else
    CHECK_INT(land_run_stamp(tool, library), ==, 0);
#endif
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Writes the first size bytes of from to a new file to. */
static int write_prefix(const char *from, const char *to, long size)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    int status = in && out ? 0 : -1;
    for (long i = 0; status == 0 && i < size; i++) {
        int c = fgetc(in);
        status = c == EOF || fputc(c, out) == EOF ? -1 : 0;
    }
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        status = -1;
    return status;
}

/* Sets the machine a library's header names (little-endian): an ELF
 * header's e_machine, at offset 18; a PE file's, after "PE\0\0" at the
 * offset 0x3c holds. */
static int patch_machine(const char *path, unsigned machine)
{
    FILE *f = fopen(path, "r+b");
    unsigned char bytes[4] = {machine & 0xff, machine >> 8};
    long at = 18;
#ifdef _WIN32
    at = f && fseek(f, 0x3c, SEEK_SET) == 0 && fread(bytes + 2, 1, 2, f) == 2
             ? (long)(bytes[2] | bytes[3] << 8) + 4
             : -1;
#endif
    int status = f && at > 0 && fseek(f, at, SEEK_SET) == 0 && fwrite(bytes, 1, 2, f) == 2 ? 0 : -1;
    if (f && fclose(f) != 0)
        status = -1;
    return status;
}

/* Flips a bit of the byte at offset of path, keeping its modification
 * time. */
static int flip_byte(const char *path, long offset)
{
    struct system_file_id before;
    FILE *f = system_file_id(path, &before) == 0 ? fopen(path, "r+b") : NULL;
    int byte = f && fseek(f, offset, SEEK_SET) == 0 ? fgetc(f) : EOF;
    int status = byte != EOF && fseek(f, offset, SEEK_SET) == 0 && fputc(byte ^ 0x40, f) != EOF;
    if (f && fclose(f) != 0)
        status = 0;
    return status && system_set_mtime_ns(path, before.mtime_ns) == 0 ? 0 : -1;
}

/* Rewrites the library's stamp to vouch for its summary as it is now. */
static int vouch_for_summary(void)
{
    char text[512], *line;
    FILE *f = fopen(stamp, "rb");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = '\0';
    if (!(line = strstr(text, "summary ")))
        return -1;
    snprintf(line, sizeof text - (size_t)(line - text), "summary %ld %llx\n", file_size(summary),
             land_content_hash(summary));
    f = fopen(stamp, "wb");
    int status = f && fputs(text, f) >= 0 ? 0 : -1;
    if (f && fclose(f) != 0)
        status = -1;
    return status;
}

/* Lands a build with a stamp written by hand: `vais-hot stamp` declines a
 * file no linker finished (generator_stamp), but a stamp from elsewhere
 * may still vouch for one, which the runtime then refuses itself. */
static void land_by_hand(const char *build)
{
    CHECK_INT(land_library(build, library), ==, 0);
    CHECK(land_stamp(library) > 0);
}

static void land_text(const char *text)
{
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s/text", scratch);
    FILE *f = fopen(tmp, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    land_by_hand(tmp);
}

/* hot_loop's update: a build lands during call 2; the loop must check
 * between calls, so call 3 runs it. */
static const char *loop_build;
static int loop_calls;
static long loop_update(void)
{
    if (++loop_calls == 2)
        land(loop_build);
    return add(2, 3) == 50 ? loop_calls : 0;
}

/* Auto mode's watcher must reload without any call from us. */
static int wait_for_add(int want)
{
    long long deadline = system_now_ns() + 5000000000LL;
    while (system_now_ns() < deadline) {
        if (add(2, 3) == want)
            return 1;
        system_pause_ms(1);
    }
    return 0;
}

static int dir_is_empty(const char *path)
{
    DIR *dir = opendir(path);
    int entries = 0;
    struct dirent *entry;
    if (!dir)
        return 0;
    while ((entry = readdir(dir)) != NULL)
        entries += strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0;
    closedir(dir);
    return entries == 0;
}

static void remove_in_scratch(const char *file)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", scratch, file);
    remove(path);
}

static void remove_dir_in_scratch(const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", scratch, dir);
    rmdir(path);
}

/* The state each refusal starts from, the one manual_mode_waits_for_hot_check
 * leaves: v2 running, as version 2. A refusal keeps it; after a scenario
 * that stopped with another build running, it is made again. */
static void from_v2(void)
{
    if (hot_version() == 2 && add(2, 3) == 50)
        return;
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    land(v1);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    land(v2);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(hot_version(), ==, 2);
}

/* Manual mode: nothing happens until hot_check. */
static void manual_mode_waits_for_hot_check(void)
{
    land(v1);
    CHECK_INT(hot_version(), ==, 0);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    CHECK_INT(hot_version(), ==, 1);
    CHECK_INT(add(2, 3), ==, 5);
    CHECK_STR(name(), "v1");
    CHECK_INT(hot_on_reload(on_reload), ==, HOT_OK);
    const char *v1_name = name();

    land(v2);
    CHECK_INT(add(2, 3), ==, 5); /* manual: not before hot_check */
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(hot_version(), ==, 2);
    CHECK_INT(reloaded_to, ==, 2);
    CHECK_INT(add(2, 3), ==, 50);
    CHECK_STR(name(), "v2");
    CHECK_STR(v1_name, "v1"); /* old versions stay mapped */
    CHECK_INT(hot_check(), ==, 0);
}

/* Did the linker pack the relative relocations of the build at path? (Not
 * every one can for every target: binutils 2.40 only for x86-64.) */
static int packs_relocations(const char *path)
{
    static unsigned char bytes[1 << 22];
    FILE *f = fopen(path, "rb");
    size_t size = f ? fread(bytes, 1, sizeof bytes, f) : 0;
    if (f)
        fclose(f);
    struct hot__image_pointers *pointers = hot__image_pointers_new(bytes, size);
    int packed = pointers && hot__image_pointers_packed(pointers);
    hot__image_pointers_free(pointers);
    return packed;
}

/* Does the C library's loader apply packed relative relocations (DT_RELR)?
 * glibc's does; musl's before 1.2.4 leaves them silently, and the runtime
 * refuses them on musl. */
#if defined(__GLIBC__)
enum { LOADER_APPLIES_PACKED = 1 };
#else
enum { LOADER_APPLIES_PACKED = 0 };
#endif
static int refused_packed; /* the scenario below refused such a build */

/* Each bad build is refused whole, once, and v2 keeps running. */
/* Where the C library's loader would load packed relative relocations
 * without applying them, a build that has them is refused, and none of its
 * code (constructors on unrelocated pointers) runs. */
static void refuses_packed_relocations_the_loader_leaves(void)
{
    if (LOADER_APPLIES_PACKED)
        check_skip("this C library's loader applies packed relocations");
    if (!packs_relocations(v2_packed))
        check_skip("the linker packed no relocations for this target");
    char expected[1200];
    from_v2();
    land(v2_packed);
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
    snprintf(expected, sizeof expected,
             "'%s' packs its relative relocations (DT_RELR), which this C library's loader "
             "leaves unapplied; link 'runtime_reload_hot' without -z pack-relative-relocs",
             library);
    CHECK_STR(hot_last_error(), expected);
    CHECK_INT(add(2, 3), ==, 50);
    CHECK_INT(refused_code_ran, ==, 0);
    refused_packed = 1;
}

static void refuses_a_changed_signature(void)
{
    from_v2();
    land(sig);
    long refused = hot_check();
    CHECK_INT(refused, ==, HOT_E_SIGNATURE);
    CHECK_STR(hot_status_text(refused), "a hot function changed signature");
    CHECK_STR(hot_last_error(), "'add' changed signature int(int, int) -> long(long, long); "
                                "rebuild 'runtime_reload' and restart to use it");
    CHECK_INT(hot_check(), ==, 0);
    CHECK_INT(add(2, 3), ==, 50);
    CHECK_INT(refused_code_ran, ==, 0);
}

static int refused_around_a_rebuild; /* by the scenario below */

#ifndef _WIN32
static char program_path[4096], program_aside[4200];

static void put_the_program_back(void *unused)
{
    (void)unused;
    rename(program_aside, program_path);
}
#endif

/* Once a build has relinked the program while it runs (here, its file is
 * replaced by a copy), a build it cannot take says to restart it, not to
 * rebuild it. */
static void says_restart_once_the_program_was_rebuilt(void)
{
#ifdef _WIN32
    check_skip("a program relinked while it runs (windows_os_files on Windows)");
#else
    ssize_t length = readlink("/proc/self/exe", program_path, sizeof program_path - 1);
    CHECK(length > 0 && (size_t)length < sizeof program_path - 1);
    program_path[length] = '\0';
    snprintf(program_aside, sizeof program_aside, "%s.running", program_path);
    from_v2();
    land(sig);
    CHECK_INT(hot_check(), ==, HOT_E_SIGNATURE); /* not rebuilt yet */
    refused_around_a_rebuild++;
    CHECK(strstr(hot_last_error(), "rebuild 'runtime_reload' and restart to use it") != NULL);
    CHECK_INT(rename(program_path, program_aside), ==, 0);
    check_defer(put_the_program_back, NULL);
    CHECK_INT(land_copy(program_aside, program_path), ==, 0);
    land(missing);
    CHECK_INT(hot_check(), ==, HOT_E_MISSING);
    refused_around_a_rebuild++;
    CHECK_STR(hot_last_error(), "hot function 'name' is missing from the new build; "
                                "'runtime_reload' was rebuilt since it started: restart it to "
                                "use it");
    CHECK_STR(name(), "v2");
#endif
}

static void refuses_a_missing_function(void)
{
    from_v2();
    land(missing);
    CHECK_INT(hot_check(), ==, HOT_E_MISSING);
    CHECK_STR(hot_last_error(), "hot function 'name' is missing from the new build; rebuild "
                                "'runtime_reload' and restart to use it");
    CHECK_STR(name(), "v2");
}

static void refuses_another_programs_library(void)
{
    char expected[1200];
    from_v2();
    land(other);
    CHECK_INT(hot_check(), ==, HOT_E_PROGRAM);
    snprintf(expected, sizeof expected,
             "'%s' is the hot library of 'other', not of 'runtime_reload'", library);
    CHECK_STR(hot_last_error(), expected);
}

static void refuses_a_library_not_built_hot(void)
{
    char expected[1200];
    from_v2();
    land(plain);
    CHECK_INT(hot_check(), ==, HOT_E_NOT_HOT);
    snprintf(expected, sizeof expected, "'%s' is not a vais-hot library (no 'vais_hot__table')",
             library);
    CHECK_STR(hot_last_error(), expected);
}

/* Files the dynamic loader must never see, and libraries it refuses. */
#ifdef _WIN32
#define LIBRARY_FORMAT "PE"
#else
#define LIBRARY_FORMAT "ELF"
#endif

static void refuses_text_as_a_library(void)
{
    char expected[1200];
    from_v2();
    snprintf(expected, sizeof expected,
             "'%s' is not a shared library (no %s header); build 'runtime_reload_hot' again",
             library, LIBRARY_FORMAT);
    land_text("this is not a library\n");
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
    CHECK_STR(hot_last_error(), expected);
}

static void refuses_an_empty_file(void)
{
    char expected[1200];
    from_v2();
    land_text("");
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
    snprintf(expected, sizeof expected, "'%s' is empty; build 'runtime_reload_hot' again", library);
    CHECK_STR(hot_last_error(), expected);
}

static void refuses_a_truncated_library(void)
{
    char expected[1200], build[600];
    from_v2();
    snprintf(build, sizeof build, "%s/build" SYSTEM_LIBRARY_SUFFIX, scratch);
    long size = file_size(v2);
    CHECK(write_prefix(v2, build, size / 2) == 0);
    land_by_hand(build);
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
    snprintf(expected, sizeof expected, "'%s' is truncated (%ld of ", library, size / 2);
    CHECK(strncmp(hot_last_error(), expected, strlen(expected)) == 0);
}

/* A machine other than this program's, with the names the refusal gives
 * both. */
#if defined(_WIN32)
static const unsigned foreign_machine = 0xaa64; /* IMAGE_FILE_MACHINE_ARM64 */
#elif defined(__x86_64__)
static const unsigned foreign_machine = 183; /* EM_AARCH64 */
static const char foreign_name[] = "aarch64", own_name[] = "x86-64";
#else
static const unsigned foreign_machine = 62; /* EM_X86_64 */
#if defined(__aarch64__)
static const char foreign_name[] = "x86-64", own_name[] = "aarch64";
#elif defined(__riscv)
static const char foreign_name[] = "x86-64", own_name[] = "riscv64";
#endif
#endif

static void refuses_a_library_for_another_machine(void)
{
    char expected[1200], build[600];
    from_v2();
    snprintf(build, sizeof build, "%s/build" SYSTEM_LIBRARY_SUFFIX, scratch);
    CHECK(write_prefix(v2, build, file_size(v2)) == 0);
    CHECK(patch_machine(build, foreign_machine) == 0);
    land(build);
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
#ifdef _WIN32
    snprintf(expected, sizeof expected,
             "'%s' is built for aarch64 (PE machine 0xaa64), this program is x86-64; build "
             "'runtime_reload_hot' again",
             library);
#else
    snprintf(expected, sizeof expected,
             "'%s' is built for %s, this program is %s; build 'runtime_reload_hot' again", library,
             foreign_name, own_name);
#endif
    CHECK_STR(hot_last_error(), expected);
}

/* A byte damaged after the build stamped the library, its identity (size,
 * time, inode) left as it was, as a disk or a tool leaves it: one read by
 * no check, ELF's entry point or the text of a PE file's MS-DOS stub. */
#ifdef _WIN32
static const long unchecked_byte = 0x50;
#else
static const long unchecked_byte = 24;
#endif

/* hot_check refuses the library as damaged since its stamp. */
static void check_refused_as_damaged(void)
{
    char expected[1200];
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
    snprintf(expected, sizeof expected,
             "'%s' is not the file its stamp vouches for: its bytes changed since it was built "
             "(damaged on disk, or by a tool); build 'runtime_reload_hot' again",
             library);
    CHECK_STR(hot_last_error(), expected);
}

static void refuses_bytes_changed_after_the_stamp(void)
{
    from_v2();
    land(v2);
    CHECK(flip_byte(library, unchecked_byte) == 0);
    check_refused_as_damaged();
}

/* The summary the stamp vouches for stands in for the build's debug
 * information: damaged after the stamp, or damaged before it (the stamp
 * vouching for the damage), it is refused by name, and the running build
 * (v2) stays. */
static void refuses_a_summary_changed_after_the_stamp(void)
{
    char expected[1200];
    from_v2();
    land(v1);
    CHECK(flip_byte(summary, 40) == 0);
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
    snprintf(expected, sizeof expected,
             "'%s' is not the summary its stamp vouches for (its bytes differ); build "
             "'runtime_reload_hot' again",
             summary);
    CHECK_STR(hot_last_error(), expected);
}

static void refuses_a_summary_claiming_more_than_it_holds(void)
{
    char expected[1200];
    from_v2();
    land(v1);
    CHECK(flip_byte(summary, 15) == 0); /* the strings' length, now over 1 GB */
    CHECK(vouch_for_summary() == 0);
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
    snprintf(expected, sizeof expected,
             "'%s' is a damaged summary: it claims more records than it holds; build "
             "'runtime_reload_hot' again",
             summary);
    CHECK_STR(hot_last_error(), expected);
}

static void refuses_a_summary_of_another_size(void)
{
    char expected[1200];
    from_v2();
    land(v1);
    FILE *longer = fopen(summary, "ab");
    CHECK(longer != NULL && fputc(0, longer) == 0 && fclose(longer) == 0);
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
    snprintf(expected, sizeof expected,
             "'%s' is not the summary its stamp vouches for (its size differs); build "
             "'runtime_reload_hot' again",
             summary);
    CHECK_STR(hot_last_error(), expected);
}

static void refuses_a_missing_summary(void)
{
    from_v2();
    land(v1);
    CHECK_INT(remove(summary), ==, 0);
    CHECK_INT(hot_check(), ==, HOT_E_BAD_FILE);
    CHECK(strstr(hot_last_error(), "is not the summary its stamp vouches for (cannot open") !=
          NULL);
    CHECK_INT(add(2, 3), ==, 50);
}

static void refuses_a_newer_table_format(void)
{
    char expected[1200];
    from_v2();
    land(format99);
    CHECK_INT(hot_check(), ==, HOT_E_FORMAT);
    snprintf(expected, sizeof expected,
             "'%s' has table format 99, this runtime reads %u; rebuild "
             "'runtime_reload'",
             library, HOT_ABI_FORMAT);
    CHECK_STR(hot_last_error(), expected);
}

/* Refused by name before it is mapped: a core relinked since it started
 * would define it. */
static int refused_core_lacks; /* the scenario below refused such a build */

static void refuses_a_build_needing_what_the_core_lacks(void)
{
#ifdef _WIN32
    check_skip("a DLL that uses what the core lacks (its link fails, naming it)");
#endif
    char expected[1200];
    from_v2();
    land(needs_core);
    CHECK_INT(hot_check(), ==, HOT_E_CORE_SYMBOL);
    snprintf(expected, sizeof expected,
             "'%s' uses 'not_in_core', which this program does not define; rebuild "
             "'runtime_reload' and restart to use it",
             library);
    CHECK_STR(hot_last_error(), expected);
    refused_core_lacks = 1;
}

static int unsafe; /* refusals said by the scenarios below */

#ifndef _WIN32
/* Whoever else may write the library or its stamp is named. */
static const char unsafe_tail[] =
    "; refused, as whoever can write it could run code in this program";

/* Gives the scratch directory back to the user alone. */
static void scratch_private_again(void *unused)
{
    (void)unused;
    CHECK_INT(chmod(scratch, 0700), ==, 0);
}

static void refuses_a_library_every_user_may_write(void)
{
    char expected[1200];
    from_v2();
    land(v1);
    chmod(library, 0777);
    CHECK_INT(hot_check(), ==, HOT_E_UNSAFE);
    snprintf(expected, sizeof expected, "'%s' can be written by every user (chmod o-w it)%s",
             library, unsafe_tail);
    CHECK_STR(hot_last_error(), expected);
    unsafe++;
    CHECK_INT(hot_version(), ==, 2);
    CHECK_INT(add(2, 3), ==, 50);
}

static void refuses_a_library_its_group_may_write(void)
{
    char expected[1200];
    struct group *daemon_group = getgrgid(1);
    if (geteuid() != 0 || !daemon_group) /* gid 1: a group that is not the user's own */
        check_skip("a group-writable library needs root to change its group");
    from_v2();
    land(v1);
    CHECK_INT(chown(library, (uid_t)-1, 1), ==, 0);
    chmod(library, 0775);
    CHECK_INT(hot_check(), ==, HOT_E_UNSAFE);
    snprintf(expected, sizeof expected,
             "'%s' can be written by group '%s' (gid 1) (chmod g-w it)%s", library,
             daemon_group->gr_name, unsafe_tail);
    CHECK_STR(hot_last_error(), expected);
    unsafe++;
}

/* An access control list granting user 4242 write: user::rw-, user:4242:rw-,
 * group::r--, mask::rw-, other::r-- (version 2, then tag, permissions, id). */
static const unsigned char acl[] = {2,    0, 0, 0,                          /* version */
                                    1,    0, 6, 0, 0xff, 0xff, 0xff, 0xff,  /* user:: */
                                    2,    0, 6, 0, 0x92, 0x10, 0,    0,     /* user:4242 */
                                    4,    0, 4, 0, 0xff, 0xff, 0xff, 0xff,  /* group:: */
                                    0x10, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,  /* mask:: */
                                    0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff}; /* other:: */
static int acls; /* this file system keeps them: found by the scenario below */

static void refuses_a_library_an_acl_lets_others_write(void)
{
    char expected[1200];
    from_v2();
    land(v1);
    chmod(library, 0644);
    acls = setxattr(library, "system.posix_acl_access", acl, sizeof acl, 0) == 0;
    if (!acls)
        check_skip("this file system keeps no access control lists");
    CHECK_INT(hot_check(), ==, HOT_E_UNSAFE);
    snprintf(expected, sizeof expected,
             "'%s' can be written by user 4242 through its access control list (setfacl -b "
             "it)%s",
             library, unsafe_tail);
    CHECK_STR(hot_last_error(), expected);
    unsafe++;
    removexattr(library, "system.posix_acl_access");
}

/* A summary others may write is refused as the library is: it says what the
 * loader checks the build against. (Where the file system keeps access
 * control lists, the library's gives user 4242 write behind a mask that
 * withholds it, mask::r--: nobody else may write the library, so the
 * refusal is the summary's.) */
static void refuses_a_summary_others_may_write(void)
{
    char expected[1200];
    from_v2();
    land(v1);
    if (acls) {
        unsigned char masked[sizeof acl];
        memcpy(masked, acl, sizeof acl);
        masked[30] = 4; /* mask:: r-- */
        CHECK_INT(setxattr(library, "system.posix_acl_access", masked, sizeof masked, 0), ==, 0);
    }
    chmod(summary, 0666);
    CHECK_INT(hot_check(), ==, HOT_E_UNSAFE);
    snprintf(expected, sizeof expected, "'%s' can be written by every user (chmod o-w it)%s",
             summary, unsafe_tail);
    CHECK_STR(hot_last_error(), expected);
    unsafe++;
}

/* A stamp others may write is refused once, not on every check. */
static void refuses_a_stamp_others_may_write_once(void)
{
    char expected[1200];
    from_v2();
    land(v1);
    chmod(stamp, 0666);
    CHECK_INT(hot_check(), ==, HOT_E_UNSAFE);
    snprintf(expected, sizeof expected, "'%s' can be written by every user (chmod o-w it)%s", stamp,
             unsafe_tail);
    CHECK_STR(hot_last_error(), expected);
    unsafe++;
    CHECK_INT(hot_check(), ==, 0);
}

/* A FIFO where the stamp goes is no stamp, and blocks nothing. */
static void takes_a_fifo_for_no_stamp(void)
{
    from_v2();
    land(v1);
    CHECK_INT(remove(stamp), ==, 0);
    CHECK_INT(mkfifo(stamp, 0600), ==, 0);
    CHECK_INT(hot_check(), ==, 0);
    CHECK_INT(remove(stamp), ==, 0);
}

/* A directory above it that others may rearrange: they could put another
 * file in its place. */
static void refuses_a_directory_others_may_rearrange(void)
{
    char expected[1200];
    from_v2();
    land(v1);
    check_defer(scratch_private_again, NULL);
    CHECK_INT(chmod(scratch, 0777), ==, 0);
    CHECK_INT(hot_check(), ==, HOT_E_UNSAFE);
    snprintf(expected, sizeof expected, "'%s' can be written by every user (chmod o-w it)%s",
             scratch, unsafe_tail);
    CHECK_STR(hot_last_error(), expected);
    unsafe++;
    CHECK_INT(hot_version(), ==, 2);
    CHECK_INT(add(2, 3), ==, 50);
}
#else
/* What the scenarios above need, Windows has not; its own check of who may
 * write a file, by its DACL, is tested by windows_os_files. */
static void refuses_a_library_every_user_may_write(void)
{
    check_skip("POSIX file modes (a DACL on Windows: windows_os_files)");
}

static void refuses_a_library_its_group_may_write(void)
{
    check_skip("POSIX groups (a DACL on Windows: windows_os_files)");
}

static void refuses_a_library_an_acl_lets_others_write(void)
{
    check_skip("POSIX ACLs (a DACL on Windows: windows_os_files)");
}

static void refuses_a_summary_others_may_write(void)
{
    check_skip("POSIX file modes (a DACL on Windows: windows_os_files)");
}

static void refuses_a_stamp_others_may_write_once(void)
{
    check_skip("POSIX file modes (a DACL on Windows: windows_os_files)");
}

static void takes_a_fifo_for_no_stamp(void)
{
    check_skip("a FIFO (Windows' named pipes are not files in a directory)");
}

static void refuses_a_directory_others_may_rearrange(void)
{
    check_skip("POSIX directory modes (a DACL on Windows: windows_os_files)");
}
#endif

/* A library that does not match its stamp is a build still writing: it
 * loads once the stamp is written. In a sticky directory, which others may
 * write but not rearrange, the build loads from there (POSIX). */
static void loads_a_build_once_its_stamp_vouches(void)
{
    from_v2();
#ifndef _WIN32
    check_defer(scratch_private_again, NULL);
    CHECK_INT(chmod(scratch, 01777), ==, 0);
#endif
    char tmp_lib[600];
    snprintf(tmp_lib, sizeof tmp_lib, "%s.new", library);
    copy_file(v1, tmp_lib);
    CHECK_INT(system_replace(tmp_lib, library), ==, 0);
    CHECK_INT(hot_check(), ==, 0);
    CHECK_INT(add(2, 3), ==, 50);
    stamp_library();
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(hot_version(), ==, 3);
    CHECK_INT(add(2, 3), ==, 5);
}

static void hot_reload_loads_at_once(void)
{
    CHECK_INT(hot_reload(), ==, 1);
    CHECK_INT(hot_version(), ==, 4);
    CHECK_INT(reloaded_to, ==, 4);
}

static void hot_loop_checks_between_calls(void)
{
    loop_build = v2;
    CHECK_INT(hot_loop(loop_update), ==, 3);
    CHECK_INT(hot_version(), ==, 5);
    CHECK_INT(hot_loop(NULL), ==, HOT_E_ARGUMENT);
}

/* The log said each event above in one line: one load, four reloads, and
 * the refusals. */
static void logs_one_line_per_event(void)
{
    fflush(events);
    rewind(events);
    char line[1500];
    int loaded = 0, reloaded = 0, kept = 0, other_lines = 0;
    while (fgets(line, sizeof line, events)) {
        if (strncmp(line, "vais-hot: loaded v1 from ", 25) == 0)
            loaded++;
        else if (strncmp(line, "vais-hot: reloaded v", 20) == 0)
            reloaded++;
        else if (strncmp(line, "vais-hot: kept v2: ", 19) == 0)
            kept++;
        else
            other_lines++, fprintf(stderr, "unexpected log line: %s", line);
    }
    fseek(events, 0, SEEK_END);
    CHECK_INT(loaded, ==, 1);
    CHECK_INT(reloaded, ==, 4);
    CHECK_INT(kept, ==,
              14 + refused_core_lacks + unsafe + refused_packed + refused_around_a_rebuild);
    CHECK_INT(other_lines, ==, 0);
}

/* Removes the scratch's sub and sub.old, and points library back at the
 * scratch's own. */
static void leave_sub(void *unused)
{
    (void)unused;
    static const char *const made[] = {"sub", "sub.old"};
    static const char *const files[] = {"libcalc" SYSTEM_LIBRARY_SUFFIX,
                                        "libcalc" SYSTEM_LIBRARY_SUFFIX ".stamp",
                                        "libcalc" SYSTEM_LIBRARY_SUFFIX ".summary"};
    char path[600];
    for (size_t d = 0; d < 2; d++) {
        for (size_t f = 0; f < 3; f++) {
            snprintf(path, sizeof path, "%s/%s", made[d], files[f]);
            remove_in_scratch(path);
        }
        remove_dir_in_scratch(made[d]);
    }
    snprintf(library, sizeof library, "%s/libcalc" SYSTEM_LIBRARY_SUFFIX, scratch);
}

/* hot_check with nothing new looks at nothing until a notice says the stamp
 * changed. That notice outlives the stamp's directory, renamed away or
 * removed and made again: the next hot_check loads the build that lands in
 * the new one. A child's hot_check reads its own. */
static void follows_the_stamp_into_a_new_directory(void)
{
    char sub[400], sub_old[420];
    snprintf(sub, sizeof sub, "%s/sub", scratch);
    snprintf(sub_old, sizeof sub_old, "%s/sub.old", scratch);
    check_defer(leave_sub, NULL);
    CHECK_INT(system_make_dir(sub), ==, 0);
    snprintf(library, sizeof library, "%s/libcalc" SYSTEM_LIBRARY_SUFFIX, sub);
    land(v1);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    CHECK_INT(hot_check(), ==, 0);
    CHECK_INT(hot_check(), ==, 0);
    CHECK_INT(add(2, 3), ==, 5);
    CHECK_INT(rename(sub, sub_old), ==, 0);
    CHECK_INT(system_make_dir(sub), ==, 0);
    land(v2);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(add(2, 3), ==, 50);
    CHECK_INT(hot_check(), ==, 0);
    /* Wine keeps a directory a watch holds open until the watch closes
     * (os/os_windows.c); Windows and Linux remove it. */
    if (!system_under_wine()) {
        remove_in_scratch("sub/libcalc" SYSTEM_LIBRARY_SUFFIX);
        remove_in_scratch("sub/libcalc" SYSTEM_LIBRARY_SUFFIX ".stamp");
        remove_in_scratch("sub/libcalc" SYSTEM_LIBRARY_SUFFIX ".summary");
        remove_dir_in_scratch("sub");
        CHECK_INT(system_make_dir(sub), ==, 0);
        land(v1);
        CHECK_INT(hot_check(), ==, 1);
        CHECK_INT(add(2, 3), ==, 5);
        CHECK_INT(hot_check(), ==, 0);
    }
    land(v2);
#ifndef _WIN32 /* no fork */
    pid_t child = fork();
    if (child == 0)
        exit(hot_check() == 1 ? 0 : 1); /* its own copies go at exit */
    int child_status = -1;
    CHECK_INT(waitpid(child, &child_status, 0), ==, child);
    CHECK_INT(child_status, ==, 0);
#endif
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(add(2, 3), ==, 50);
    leave_sub(NULL);
    land(v2);
    CHECK_INT(hot_init(library), ==, HOT_OK);
}

/* Out of descriptors is this machine's trouble, not the build's: the
 * refusal says what failed, and no "build it" advice. (A library with no
 * stamp: the loader opens it first.) */
static void says_descriptors_ran_out(void)
{
#ifdef _WIN32
    check_skip("a limit on descriptors (Windows' handles have none a program sets)");
#else
    char lone[600], expected[1200];
    snprintf(lone, sizeof lone, "%s/lone.so", scratch);
    copy_file(v1, lone);
    struct rlimit limit, low;
    CHECK_INT(getrlimit(RLIMIT_NOFILE, &limit), ==, 0);
    low = limit;
    low.rlim_cur = 64;
    CHECK_INT(setrlimit(RLIMIT_NOFILE, &low), ==, 0);
    int spent[64], spent_count = 0;
    while (spent_count < 64 && (spent[spent_count] = open("/dev/null", O_RDONLY)) >= 0)
        spent_count++;
    long lone_status = hot_init(lone);
    while (spent_count > 0)
        close(spent[--spent_count]);
    remove(lone);
    CHECK_INT(setrlimit(RLIMIT_NOFILE, &limit), ==, 0);
    CHECK_INT(lone_status, ==, HOT_E_IO);
    snprintf(expected, sizeof expected, "cannot open '%s': %s", lone, strerror(EMFILE));
    CHECK_STR(hot_last_error(), expected);
    land(v2);
    CHECK_INT(hot_init(library), ==, HOT_OK);
#endif
}

#ifndef _WIN32
/* Lines of the log from offset on that hold text. */
static int lines_since(long offset, const char *text)
{
    char line[1500];
    int count = 0;
    fflush(events);
    fseek(events, offset, SEEK_SET);
    while (fgets(line, sizeof line, events))
        count += strstr(line, text) != NULL;
    fseek(events, 0, SEEK_END);
    return count;
}
#endif

/* A refusal that is the machine's, not the build's (here a directory above
 * the library that others may rearrange), is said once while hot_check
 * tries the build again now and then, and once the directory is put right
 * that same build loads: no new build is needed. */
static void loads_a_refused_build_once_the_machine_is_put_right(void)
{
#ifdef _WIN32
    check_skip("POSIX file modes (a DACL on Windows: windows_os_files)");
#else
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    land(v2);
    CHECK_INT(hot_init(library), ==, HOT_OK);
    check_defer(scratch_private_again, NULL);
    CHECK_INT(chmod(scratch, 0777), ==, 0);
    fflush(events);
    long offset = ftell(events);
    land(v1);
    CHECK_INT(hot_check(), ==, HOT_E_UNSAFE);
    /* Looks for a while, trying it again twice (after 0.25 s, then 0.5 s
     * on): none loads it, or says it again. */
    for (long long until = system_now_ns() + 700000000LL; system_now_ns() < until;
         system_pause_ms(1))
        CHECK_INT(hot_check(), ==, 0);
    CHECK_INT(lines_since(offset, "can be written by every user"), ==, 1);
    CHECK_INT(add(2, 3), ==, 50);
    CHECK_INT(chmod(scratch, 0700), ==, 0);
    long status = 0;
    for (long long deadline = system_now_ns() + 5000000000LL;
         status == 0 && system_now_ns() < deadline; system_pause_ms(1))
        status = hot_check();
    CHECK_INT(status, ==, 1);
    CHECK_INT(hot_version(), ==, 2);
    CHECK_INT(add(2, 3), ==, 5);
    CHECK_INT(lines_since(offset, "can be written by every user"), ==, 1);
#endif
}

/* What hot_before_reload's callback below got from the API, inside the
 * reload. */
static long keep_inside, check_inside, safe_point_inside;
static char error_inside[96];

static void calls_the_api_inside(long version)
{
    (void)version;
    keep_inside = hot_keep(0);
    snprintf(error_inside, sizeof error_inside, "%s", hot_last_error());
    check_inside = hot_check();
    safe_point_inside = hot_safe_point();
}

static void forget_the_callback(void *unused)
{
    (void)unused;
    hot_before_reload(NULL);
}

/* hot_before_reload's callback runs inside the reload, as a hot library's
 * constructors do: what reads or sets a value works there, and what would
 * wait for the reload under way is refused (it waited for itself forever). */
static void the_api_inside_a_reload_waits_for_nothing(void)
{
    from_v2();
    land(sig);
    CHECK_INT(hot_check(), ==, HOT_E_SIGNATURE); /* an error to read inside */
    check_defer(forget_the_callback, NULL);
    CHECK_INT(hot_before_reload(calls_the_api_inside), ==, HOT_OK);
    land(v1);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(keep_inside, ==, HOT_OK);
    CHECK(strstr(error_inside, "changed signature") != NULL);
    CHECK_INT(check_inside, ==, HOT_E_REENTERED);
    CHECK_INT(safe_point_inside, ==, HOT_E_REENTERED);
    CHECK_STR(hot_status_text(HOT_E_REENTERED), "called inside a load, which it would wait for");
    CHECK_INT(add(2, 3), ==, 5);
}

/* Cleanup unloads everything and removes every private copy. */
/* A build large enough that its private copy is written while it is
 * checked loads; damaged after its stamp, it is refused for the damage,
 * and the running build stays. */
static void checks_a_large_build_while_its_copy_is_written(void)
{
    struct system_file_id id;
    from_v2();
    land(large);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_INT(add(2, 3), ==, 501);
    CHECK_STR(name(), "large");
    land(large);
    CHECK(system_file_id(library, &id) == 0 && id.size > 512 * 1024);
    CHECK(flip_byte(library, (long)(id.size / 2)) == 0);
    check_refused_as_damaged();
    CHECK_STR(name(), "large");
}

/* Once a build loads, the refusal before it no longer stands. */
static void a_load_ends_the_error_that_stood(void)
{
    from_v2();
    land(sig);
    CHECK_INT(hot_check(), ==, HOT_E_SIGNATURE);
    CHECK(strstr(hot_last_error(), "changed signature") != NULL);
    land(v1);
    CHECK_INT(hot_check(), ==, 1);
    CHECK_STR(hot_last_error(), "");
}

static void cleanup_unloads_everything(void)
{
    land(v2);
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK_INT(hot_version(), ==, 0);
    CHECK(dir_is_empty(private_copies));
}

/* After cleanup the next call loads again, in auto mode, and the background
 * watcher picks up new builds by itself, passing over a refused one. */
static void auto_mode_reloads_by_itself(void)
{
    CHECK_INT(add(2, 3), ==, 50); /* v2, landed before the cleanup */
    CHECK_INT(hot_version(), ==, 1);
    land(v1);
    CHECK(wait_for_add(5));
    CHECK_INT(hot_version(), ==, 2);
    land(sig);
    land(v2);
    CHECK(wait_for_add(50));
    CHECK_STR(name(), "v2");
}

/* A build whose pointers are packed (-z pack-relative-relocs) is read from
 * its file as well. */
static void auto_mode_reads_packed_relocations(void)
{
    if (!packs_relocations(v2_packed))
        check_skip("the linker packed no relocations for this target");
    if (!LOADER_APPLIES_PACKED)
        check_skip("this C library's loader leaves packed relocations unapplied (refused, as "
                   "refuses_packed_relocations_the_loader_leaves checks)");
    land(v1);
    CHECK(wait_for_add(5));
    land(v2_packed);
    CHECK(wait_for_add(50));
    CHECK_STR(name(), "v2");
}

/* Cleanup leaves no private copy, and the scratch directory holds only what
 * the scenarios made there (each removes the rest itself). */
static void leaves_nothing_behind(void)
{
    CHECK_INT(hot_cleanup(), ==, HOT_OK);
    CHECK(dir_is_empty(private_copies));
    remove_in_scratch("libcalc" SYSTEM_LIBRARY_SUFFIX);
    remove_in_scratch("libcalc" SYSTEM_LIBRARY_SUFFIX ".stamp");
    remove_in_scratch("libcalc" SYSTEM_LIBRARY_SUFFIX ".summary");
    remove_in_scratch("text");
    remove_in_scratch("build" SYSTEM_LIBRARY_SUFFIX);
    remove_dir_in_scratch("tmp");
    CHECK_INT(rmdir(scratch), ==, 0);
}

static const struct check_scenario scenarios[] = {
    {"manual_mode_waits_for_hot_check", manual_mode_waits_for_hot_check, NULL},
    {"refuses_a_changed_signature", refuses_a_changed_signature, manual_mode_waits_for_hot_check},
    {"refuses_packed_relocations_the_loader_leaves", refuses_packed_relocations_the_loader_leaves,
     manual_mode_waits_for_hot_check},
    {"refuses_a_missing_function", refuses_a_missing_function, manual_mode_waits_for_hot_check},
    {"says_restart_once_the_program_was_rebuilt", says_restart_once_the_program_was_rebuilt,
     manual_mode_waits_for_hot_check},
    {"refuses_another_programs_library", refuses_another_programs_library,
     manual_mode_waits_for_hot_check},
    {"refuses_a_library_not_built_hot", refuses_a_library_not_built_hot,
     manual_mode_waits_for_hot_check},
    {"refuses_text_as_a_library", refuses_text_as_a_library, manual_mode_waits_for_hot_check},
    {"refuses_an_empty_file", refuses_an_empty_file, manual_mode_waits_for_hot_check},
    {"refuses_a_truncated_library", refuses_a_truncated_library, manual_mode_waits_for_hot_check},
    {"refuses_a_library_for_another_machine", refuses_a_library_for_another_machine,
     manual_mode_waits_for_hot_check},
    {"refuses_bytes_changed_after_the_stamp", refuses_bytes_changed_after_the_stamp,
     manual_mode_waits_for_hot_check},
    {"refuses_a_summary_changed_after_the_stamp", refuses_a_summary_changed_after_the_stamp,
     manual_mode_waits_for_hot_check},
    {"refuses_a_summary_claiming_more_than_it_holds", refuses_a_summary_claiming_more_than_it_holds,
     manual_mode_waits_for_hot_check},
    {"refuses_a_summary_of_another_size", refuses_a_summary_of_another_size,
     manual_mode_waits_for_hot_check},
    {"refuses_a_missing_summary", refuses_a_missing_summary, manual_mode_waits_for_hot_check},
    {"refuses_a_newer_table_format", refuses_a_newer_table_format, manual_mode_waits_for_hot_check},
    {"refuses_a_build_needing_what_the_core_lacks", refuses_a_build_needing_what_the_core_lacks,
     manual_mode_waits_for_hot_check},
    {"refuses_a_library_every_user_may_write", refuses_a_library_every_user_may_write,
     manual_mode_waits_for_hot_check},
    {"refuses_a_library_its_group_may_write", refuses_a_library_its_group_may_write,
     manual_mode_waits_for_hot_check},
    {"refuses_a_library_an_acl_lets_others_write", refuses_a_library_an_acl_lets_others_write,
     manual_mode_waits_for_hot_check},
    {"refuses_a_summary_others_may_write", refuses_a_summary_others_may_write,
     manual_mode_waits_for_hot_check},
    {"refuses_a_stamp_others_may_write_once", refuses_a_stamp_others_may_write_once,
     manual_mode_waits_for_hot_check},
    {"takes_a_fifo_for_no_stamp", takes_a_fifo_for_no_stamp, manual_mode_waits_for_hot_check},
    {"refuses_a_directory_others_may_rearrange", refuses_a_directory_others_may_rearrange,
     manual_mode_waits_for_hot_check},
    {"loads_a_build_once_its_stamp_vouches", loads_a_build_once_its_stamp_vouches,
     manual_mode_waits_for_hot_check},
    {"hot_reload_loads_at_once", hot_reload_loads_at_once, loads_a_build_once_its_stamp_vouches},
    {"hot_loop_checks_between_calls", hot_loop_checks_between_calls, hot_reload_loads_at_once},
    {"logs_one_line_per_event", logs_one_line_per_event, CHECK_EVERY_SCENARIO_ABOVE},
    {"follows_the_stamp_into_a_new_directory", follows_the_stamp_into_a_new_directory, NULL},
    {"says_descriptors_ran_out", says_descriptors_ran_out, NULL},
    {"loads_a_refused_build_once_the_machine_is_put_right",
     loads_a_refused_build_once_the_machine_is_put_right, NULL},
    {"the_api_inside_a_reload_waits_for_nothing", the_api_inside_a_reload_waits_for_nothing, NULL},
    {"checks_a_large_build_while_its_copy_is_written",
     checks_a_large_build_while_its_copy_is_written, NULL},
    {"a_load_ends_the_error_that_stood", a_load_ends_the_error_that_stood, NULL},
    {"cleanup_unloads_everything", cleanup_unloads_everything, NULL},
    {"auto_mode_reloads_by_itself", auto_mode_reloads_by_itself, cleanup_unloads_everything},
    {"auto_mode_reads_packed_relocations", auto_mode_reads_packed_relocations,
     auto_mode_reloads_by_itself},
    {"leaves_nothing_behind", leaves_nothing_behind, NULL},
};

int main(int argc, char **argv)
{
    if (argc != 12) {
        fprintf(stderr, "usage: test_reload TOOL V1 V2 SIG MISSING OTHER PLAIN FORMAT99 NEEDS-CORE "
                        "V2-PACKED LARGE\n");
        return 2;
    }
    tool = argv[1];
    v1 = argv[2], v2 = argv[3], sig = argv[4], missing = argv[5];
    other = argv[6], plain = argv[7], format99 = argv[8], needs_core = argv[9];
    v2_packed = argv[10], large = argv[11];

    /* Made first: Windows' tmpfile lies in the directory private copies
     * go to, which must hold nothing else. */
    events = tmpfile();
    hot_log_to(events);
    CHECK(system_scratch_dir(scratch, sizeof scratch, "test"));
    snprintf(private_copies, sizeof private_copies, "%s/tmp", scratch);
    system_make_dir(private_copies);
    system_private_copies_in(private_copies);
    snprintf(library, sizeof library, "%s/libcalc" SYSTEM_LIBRARY_SUFFIX, scratch);
    snprintf(summary, sizeof summary, "%s%s", library, HOT_ABI_SUMMARY_SUFFIX);
    snprintf(stamp, sizeof stamp, "%s.stamp", library);
    return CHECK_SCENARIOS("reload", scenarios);
}
