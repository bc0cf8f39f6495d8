/* tool/main.c
 * The vais-hot command: its table of commands (watch, gen, stamp,
 * summarize, needs, check, link), from which dispatch, the overview and
 * each command's help come; and the commands that write build files: gen
 * (hot sources -> units, stubs, table), stamp (a library's identity and
 * summary), summarize (a core's summary) and needs (what the core must
 * define for the library).
 * Invariant: the only stage that touches files; gen writes nothing unless
 * every source is good, and replaces a file only when its content changes. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vais/hot_abi.h>

#include "buf.h"
#include "description.h"
#include "elf_symbols.h"
#include "pe_image.h"
#include "exports.h"
#include "grow.h"
#include "link.h"
#include "emit.h"
#include "parse.h"
#include "status.h"
#include "summarize.h"
#include "templates.h"
#include "watch.h"
#include "os.h"
#include "say.h"
#include "shared_libraries.h"

static const char gen_usage[] =
    "usage: vais-hot gen --program NAME [--stubs OUT.c --table OUT.c "
    "[--unmarked OUT.txt]] [--target TARGET] --unit SRC OUT [--unit SRC "
    "OUT]...";
static const char stamp_usage[] = "usage: vais-hot stamp LIBRARY STAMPFILE";
static const char needs_usage[] = "usage: vais-hot needs LIBRARY OPTIONSFILE [DIR]...";

static const char gen_help[] =
    "usage: vais-hot gen --program NAME [--stubs OUT.c --table OUT.c [--unmarked OUT.txt]]\n"
    "                    [--target TARGET] --unit SRC OUT [--unit SRC OUT]...\n"
    "\n"
    "gen    Reads each hot source SRC, finds the functions marked '#[hot]' (a line\n"
    "       holding only '#[hot]' or '// #[hot]' right before a definition) and\n"
    "       writes OUT, the copy of SRC to compile in its place. With --stubs and\n"
    "       --table (a HOT ON build) it also writes the core's stubs and the hot\n"
    "       library's table; TARGET is the stubs' processor and object format\n"
    "       (default: x86_64-elf).\n"
    "       --unmarked lists the functions hot sources define without '#[hot]', which\n"
    "       link names when the core's link fails for calling them.\n"
    "       NAME is the program's target name. A file whose content would not\n"
    "       change is left untouched; nothing is written if any source has an error.\n"
    "       Exits 1 when a hot source has an error.\n";

static const char stamp_help[] =
    "usage: vais-hot stamp LIBRARY STAMPFILE\n"
    "\n"
    "stamp  Writes the identity of LIBRARY (size, mtime, inode, device) and the\n"
    "       hash of its bytes to STAMPFILE, atomically, for the runtime to watch;\n"
    "       and before it LIBRARY.summary, what its debug information tells the\n"
    "       runtime (the layouts of its types, its functions), so a running\n"
    "       program need not read it. A library not yet whole (empty, or ending\n"
    "       before a part its ELF header places) is not stamped: a build still\n"
    "       writing it stamps it when done.\n";

static const char summarize_usage[] = "usage: vais-hot summarize DESCRIPTION";
static const char summarize_help[] =
    "usage: vais-hot summarize DESCRIPTION\n"
    "\n"
    "summarize  Writes PROGRAM.summary beside the core that DESCRIPTION\n"
    "           (<build>/vais_hot/<name>.watch) names: what the core's debug\n"
    "           information tells the runtime (the layouts of its types, its\n"
    "           functions), naming the core's build ID, so that each start of\n"
    "           the program reads it instead. The build runs it after each link\n"
    "           of the core. A core without a build ID or debug information gets\n"
    "           none (a stale one is removed); a program built HOT OFF is left\n"
    "           alone.\n";

static const char needs_help[] =
    "usage: vais-hot needs LIBRARY OPTIONSFILE [DIR]...\n"
    "\n"
    "needs  Writes to OPTIONSFILE, when its content changes, one compiler driver\n"
    "       option '-u SYMBOL' for each symbol LIBRARY needs from elsewhere; the\n"
    "       core links with @OPTIONSFILE, so the static libraries it links give it\n"
    "       every function hot code calls, also one the core itself never calls.\n"
    "       A symbol a shared library LIBRARY names gives is left out: one it\n"
    "       requires a version of from that library (printf@GLIBC_2.2.5), or one\n"
    "       that library defines, found in LIBRARY's run paths, then in each DIR\n"
    "       (the build passes the compiler's implicit link directories). The\n"
    "       dynamic loader finds it there, so hot code's first call of it\n"
    "       relinks no core.\n";

/* A hot source and the file that replaces it in the build. */
struct unit_arg {
    const char *source;
    const char *output;
};

/* What `vais-hot gen` was asked to do. */
struct gen_options {
    const char *program;
    const char *stubs; /* NULL in a HOT OFF build, as table */
    const char *table;
    const char *unmarked;   /* NULL if not asked for */
    const char *target;     /* the stubs' processor and object format, e.g. x86_64-elf */
    struct unit_arg *units; /* owned */
    size_t unit_count;
};

/* A generated file, rendered in memory before anything is written. */
struct output {
    const char *path;
    struct buf content;
    char *temp; /* owned: where it is written before the rename; NULL if unchanged */
};

/* Is a an ask for help ("--help" or "-h")? */
static int is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Says a usage error and the usage line (say_usage); returns GEN_USAGE. */
SAY_FORMAT(2, 3) static enum gen_status usage_error(const char *usage, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    say_usage(usage, format, args);
    va_end(args);
    return GEN_USAGE;
}

/* The size of the regular file at path, a hint that may be stale; 0 if it
 * has none. */
static size_t size_hint(const char *path)
{
    struct hot__file_id id;
    char err[256];
    return hot__os_kind(path, 1) == HOT_OS_FILE && hot__os_file_id(path, &id, err, sizeof err) == 0
               ? (size_t)id.size
               : 0;
}

/* Reads the whole file at path into *data (the caller frees it; it is
 * NUL-terminated, not counted in *size). Returns 0, or -1 with errno set.
 * The bytes are read straight into one allocation, sized from the file's
 * size: a hot source is copied once, from the kernel. */
static int read_file(const char *path, char **data, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return -1;
    struct buf content = {0};
    int error = 0;
    /* Room for the hinted size and one byte more: a short read then ends it
     * without another growth, unless the file grew meanwhile. */
    for (size_t room = size_hint(path) + 1;; room = 1 << 16) {
        if (buf_grow(&content, room) != 0) {
            error = ENOMEM;
            break;
        }
        size_t wanted = content.capacity - content.size - 1;
        size_t n = fread(content.data + content.size, 1, wanted, file);
        content.size += n;
        content.data[content.size] = '\0';
        if (n < wanted)
            break;
    }
    if (!error && ferror(file))
        error = errno ? errno : EIO;
    fclose(file);
    if (error) {
        buf_free(&content);
        errno = error;
        return -1;
    }
    *data = content.data;
    *size = content.size;
    return 0;
}

/* Writes size bytes to a new file at path. Returns 0, or -1 with errno set
 * (a partial file may remain: the caller removes it). */
static int write_file(const char *path, const char *data, size_t size)
{
    FILE *file = fopen(path, "wb");
    if (!file)
        return -1;
    int error = fwrite(data, 1, size, file) == size ? 0 : (errno ? errno : EIO);
    if (fclose(file) != 0 && !error)
        error = errno ? errno : EIO;
    errno = error;
    return error ? -1 : 0;
}

/* Does the file at path hold exactly content? (No, if it cannot be read.)
 * A file of another size is not read at all. */
static int file_holds(const char *path, const struct buf *content)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return 0;
    int same = size_hint(path) == content->size;
    char chunk[1 << 16];
    size_t at = 0;
    for (size_t n; same && (n = fread(chunk, 1, sizeof chunk, file)) > 0; at += n)
        same = n <= content->size - at && memcmp(chunk, content->data + at, n) == 0;
    same = same && at == content->size && !ferror(file);
    fclose(file);
    return same;
}

/* Creates the missing parent directories of path. Returns 0, or -1 after
 * saying why. */
static int make_parents(const char *path)
{
    char *prefix = buf_format("%s", path);
    if (!prefix) {
        say_error("%s", gen_status_text(GEN_NO_MEMORY));
        return -1;
    }
    int result = 0;
    char err[512];
    for (char *slash = strchr(prefix + 1, '/'); slash && result == 0;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (hot__os_make_dir(prefix, err, sizeof err) != 0) {
            say_error("%s", err);
            result = -1;
        }
        *slash = '/';
    }
    free(prefix);
    return result;
}

/* Writes data to a temporary file beside path, into *temp (the caller frees
 * the name and, on failure too, removes the file). Returns 0, or -1 after
 * saying why. */
static int write_temp(const char *path, const struct buf *data, char **temp)
{
    *temp = buf_format("%s.tmp.%ld", path, hot__os_pid());
    if (!*temp) {
        say_error("%s", gen_status_text(GEN_NO_MEMORY));
        return -1;
    }
    if (write_file(*temp, data->data ? data->data : "", data->size) != 0) {
        say_error("cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Replaces path with data through a temporary file and a rename, so a
 * reader sees the old file or the new one. Returns GEN_OK or GEN_IO, said. */
static enum gen_status replace_file(const char *path, const struct buf *data)
{
    char *temp = NULL;
    enum gen_status status = GEN_OK;
    if (write_temp(path, data, &temp) != 0)
        status = GEN_IO;
    else if (rename(temp, path) != 0) {
        say_error("cannot replace '%s': %s", path, strerror(errno));
        status = GEN_IO;
    }
    if (status != GEN_OK && temp)
        remove(temp);
    free(temp);
    return status;
}

/* Writes the outputs whose files do not already hold their content: all to
 * temporary files first, then renamed into place, so a failure to write
 * leaves every output as it was. Returns GEN_OK or GEN_IO (said why). */
static enum gen_status write_outputs(struct output *outputs, size_t count)
{
    enum gen_status status = GEN_OK;
    size_t written = 0, renamed = 0;
    for (; written < count && status == GEN_OK; written++) {
        struct output *o = &outputs[written];
        if (file_holds(o->path, &o->content))
            continue;
        if (make_parents(o->path) != 0 || write_temp(o->path, &o->content, &o->temp) != 0)
            status = GEN_IO;
    }
    for (; renamed < count && status == GEN_OK; renamed++) {
        struct output *o = &outputs[renamed];
        if (o->temp && rename(o->temp, o->path) != 0) {
            say_error("cannot replace '%s': %s", o->path, strerror(errno));
            remove(o->temp);
            status = GEN_IO;
        }
    }
    /* After a failure, take back the temporary files not renamed yet. */
    for (size_t i = status == GEN_OK ? count : renamed; i < written; i++) {
        if (outputs[i].temp)
            remove(outputs[i].temp);
    }
    return status;
}

/* The most bytes of a source line a diagnostic shows: a longer line is cut
 * to this many around the caret, with "..." where it was cut. */
enum { EXCERPT_WIDTH = 240 };

/* p moved back to the first byte of the UTF-8 character it is in (not before
 * start), so that an excerpt never starts or ends inside a character. Bytes
 * that are no UTF-8 move it back 3 at the most: a character is 4 at most. */
static size_t character_start(const char *text, size_t start, size_t p)
{
    for (int back = 0; back < 3 && p > start && ((unsigned char)text[p] & 0xc0) == 0x80; back++)
        p--;
    return p;
}

/* The bytes of the character at text[p] (before end): those of a well-formed
 * UTF-8 sequence, else 1. */
static size_t character_length(const char *text, size_t p, size_t end)
{
    unsigned char c = (unsigned char)text[p];
    size_t length = c >= 0xf0 && c < 0xf8 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (c >= 0xf8 || length > end - p)
        return 1;
    for (size_t k = 1; k < length; k++) {
        if (((unsigned char)text[p + k] & 0xc0) != 0x80)
            return 1;
    }
    return length;
}

/* Prints a diagnostic: "path:line:col: error: message", the source line (or
 * EXCERPT_WIDTH bytes of it around the column) and a caret under the column
 * (tabs kept, so it lines up). */
static void print_diagnostic(const char *path, const char *text, size_t size,
                             const struct parse_diagnostic *d)
{
    fprintf(stderr, "%s:%zu:%zu: error: %s\n", path, d->line, d->column, d->message);
    size_t start = d->offset - (d->column - 1), end = start, caret = start + d->column - 1;
    while (end < size && text[end] != '\n')
        end++;
    size_t shown = end > start && text[end - 1] == '\r' ? end - 1 : end;
    size_t from = start, to = shown;
    if (shown - start > EXCERPT_WIDTH) { /* half before the caret, or all the line's end */
        from = caret - start > EXCERPT_WIDTH / 2 ? caret - EXCERPT_WIDTH / 2 : start;
        from = character_start(text, start,
                               from < shown - EXCERPT_WIDTH ? from : shown - EXCERPT_WIDTH);
        to = from + EXCERPT_WIDTH < shown ? character_start(text, from, from + EXCERPT_WIDTH)
                                          : shown;
    }
    const char *cut_before = from > start ? "..." : "", *cut_after = to < shown ? "..." : "";
    struct buf excerpt = {0};
    int failed = buf_append_str(&excerpt, cut_before);
    for (size_t i = from; i < to && !failed; i++) {
        unsigned char c = (unsigned char)text[i];
        char printable = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
        failed = buf_append(&excerpt, &printable, 1);
    }
    failed = failed || buf_append_str(&excerpt, cut_after) || buf_append(&excerpt, "\n", 1);
    failed = failed || buf_append_str(&excerpt, from > start ? "   " : "");
    /* One column per character, not per UTF-8 byte; a byte that is no UTF-8
     * is one column, as a terminal shows it. */
    for (size_t i = from; i < caret && i < size && !failed; i += character_length(text, i, size))
        failed = buf_append(&excerpt, text[i] == '\t' ? "\t" : " ", 1);
    if (!failed && buf_append(&excerpt, "^\n", 2) == 0)
        fwrite(excerpt.data, 1, excerpt.size, stderr);
    buf_free(&excerpt);
}

static const struct gen_template *find_template(const char *name)
{
    for (size_t i = 0; i < gen_template_count; i++) {
        if (strcmp(gen_templates[i].name, name) == 0)
            return &gen_templates[i];
    }
    return NULL;
}

/* Renders the template called name into o->content. */
static enum gen_status render(const char *name, const struct emit_values *values, struct output *o)
{
    const struct gen_template *t = find_template(name);
    struct emit_problem problem = {0};
    if (!t) {
        say_error("template '%s' is missing (a bug in vais-hot)", name);
        return GEN_BAD_TEMPLATE;
    }
    enum gen_status status = emit_render(t->bytes, t->size, values, &o->content, &problem);
    if (status == GEN_BAD_TEMPLATE)
        say_error("template '%s', line %zu: %s (a bug in vais-hot)", name, problem.line,
                  problem.message);
    return status;
}

/* The records of one kind, as templates see them. */
struct indexed {
    struct emit_record *all;     /* every record, by name */
    struct emit_record *by_unit; /* the same, grouped by unit, by name in each */
    size_t *unit_start;          /* unit u's are by_unit[unit_start[u] .. unit_start[u + 1]) */
};

/* The hot sources of a program, read and parsed. */
struct program {
    const struct gen_options *options;
    char **texts; /* owned, one per unit */
    size_t *sizes;
    const char **paths;           /* the units' sources, borrowed */
    struct parse_source *sources; /* one per unit */
    struct parse_report report;
    struct parse_program linked;
    struct indexed indexed[PARSE_KINDS]; /* the records of each kind, as templates see them */
    struct emit_unmarked *unmarked;      /* the unmarked functions, by name */
};

/* Reads hot source path whole; says why not. A source must be a regular file
 * (a FIFO or a device could block or never end). Returns 0 or -1. */
static int read_source(const char *path, char **text, size_t *size)
{
    if (hot__os_kind(path, 1) == HOT_OS_OTHER) {
        say_error("cannot read '%s': not a regular file", path);
        return -1;
    }
    if (read_file(path, text, size) != 0) {
        say_error("cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Reads and parses every hot source, and links them. Returns GEN_OK,
 * GEN_BAD_INPUT (errors in p->report), GEN_IO (said why) or GEN_NO_MEMORY. */
static enum gen_status read_program(struct program *p)
{
    const struct gen_options *o = p->options;
    enum gen_status status = GEN_OK;
    for (size_t u = 0; u < o->unit_count; u++) {
        p->paths[u] = o->units[u].source;
        if (read_source(p->paths[u], &p->texts[u], &p->sizes[u]) != 0)
            return GEN_IO;
    }
    for (size_t u = 0; u < o->unit_count && status != GEN_NO_MEMORY; u++) {
        enum gen_status parsed =
            parse_source(p->texts[u], p->sizes[u], u, &p->sources[u], &p->report);
        status = parsed != GEN_OK ? parsed : status;
    }
    if (status == GEN_NO_MEMORY)
        return status;
    enum gen_status linked =
        parse_link(p->sources, p->paths, o->unit_count, &p->linked, &p->report);
    return linked != GEN_OK ? linked : status;
}

/* Fills p->indexed[kind] from the linked program. */
static enum gen_status index_records(struct program *p, enum parse_kind kind)
{
    const struct parse_list *list = &p->linked.of[kind];
    struct indexed *x = &p->indexed[kind];
    size_t count = list->count, units = p->options->unit_count;
    x->all = calloc(count + 1, sizeof *x->all);
    x->by_unit = calloc(count + 1, sizeof *x->by_unit);
    x->unit_start = calloc(units + 1, sizeof *x->unit_start);
    size_t *next = calloc(units, sizeof *next);
    if (!x->all || !x->by_unit || !x->unit_start || !next) {
        free(next);
        return GEN_NO_MEMORY;
    }
    for (size_t i = 0; i < count; i++)
        x->unit_start[list->items[i]->source + 1]++;
    for (size_t u = 0; u < units; u++) {
        x->unit_start[u + 1] += x->unit_start[u];
        next[u] = x->unit_start[u];
    }
    for (size_t i = 0; i < count; i++) {
        const struct parse_record *r = list->items[i];
        const char *prefix = r->storage.length > 0 ? HOT_ABI_PERSIST_PREFIX : "";
        x->all[i] = (struct emit_record){r->name, r->type, i, prefix};
        x->by_unit[next[r->source]++] = x->all[i];
    }
    free(next);
    return GEN_OK;
}

/* Fills p->unmarked from the linked program: each with its source's file
 * name, which is the path's last component (no machine path in the output). */
static enum gen_status index_unmarked(struct program *p)
{
    size_t count = p->linked.external_count;
    p->unmarked = calloc(count + 1, sizeof *p->unmarked);
    if (!p->unmarked)
        return GEN_NO_MEMORY;
    for (size_t i = 0; i < count; i++) {
        const struct parse_external *e = p->linked.externals[i];
        const char *path = p->paths[e->source], *slash = strrchr(path, '/');
        p->unmarked[i] = (struct emit_unmarked){e->name, slash ? slash + 1 : path};
    }
    return GEN_OK;
}

/* Does a hot library built for target reach its own variables directly,
 * with no slot the runtime could point at a #[persist] variable's storage?
 * A PE DLL does: its code reaches its own data RIP-relative. */
static int reaches_own_data_directly(const char *target)
{
    size_t length = strlen(target);
    return length >= 5 && strcmp(target + length - 5, "-coff") == 0;
}

/* A cut of a unit's text and what goes in its place (NULL: nothing). */
struct cut {
    struct parse_span span;
    char *instead;
};

static int by_offset(const void *a, const void *b)
{
    const struct cut *x = a, *y = b;
    if (x->span.offset != y->span.offset)
        return x->span.offset < y->span.offset ? -1 : 1;
    return (x->span.length > y->span.length) - (x->span.length < y->span.length);
}

/* What the hot library's unit of s cuts, in the order of the text: its
 * markers; the 'static' of each #[persist] variable (which the unit makes
 * external, renamed); and, where the library reaches its own variables
 * directly, each such variable's name in its definition (and in its
 * initializer), which becomes HOT_ABI_OWN_PREFIX NAME, followed after the
 * definition by a declaration of the name and the name's symbol aliased
 * to it in assembler: the unit's code then sees the variable as another
 * module's and reaches it through a pointer (mingw's .refptr.NAME) that
 * the runtime sets. Fills *spans and
 * *instead (each owned by the caller, instead[i] too; instead NULL when
 * nothing is put in) and *count. Returns GEN_OK or GEN_NO_MEMORY. */
static enum gen_status hot_cuts(const struct parse_source *s, int direct, struct parse_span **spans,
                                char ***instead, size_t *count)
{
    struct cut *cuts =
        malloc((s->marker_count + 3 * s->record_count + s->use_count + 1) * sizeof *cuts);
    size_t n = 0;
    int failed = !cuts;
    for (size_t i = 0; !failed && i < s->marker_count; i++)
        cuts[n++] = (struct cut){s->markers[i], NULL};
    for (size_t i = 0; !failed && i < s->record_count; i++) {
        const struct parse_record *r = &s->records[i];
        if (r->kind != PARSE_VARIABLE)
            continue;
        if (r->storage.length > 0)
            cuts[n++] = (struct cut){r->storage, NULL};
        if (!direct)
            continue;
        const char *symbol_prefix = r->storage.length > 0 ? HOT_ABI_PERSIST_PREFIX : "";
        char *own = buf_format(HOT_ABI_OWN_PREFIX "%s", r->name);
        char *alias = buf_format(" extern __typeof__(%s) %s; __asm__(\".globl %s%s\\n\\t.set %s%s, "
                                 "%s\");",
                                 own ? own : "", r->name, symbol_prefix, r->name, symbol_prefix,
                                 r->name, own ? own : "");
        cuts[n++] = (struct cut){{r->offset, r->name_length}, own};
        cuts[n++] = (struct cut){{r->end, 0}, alias};
        failed = !own || !alias;
        /* Its name in its own initializer, which comes before the name is
         * declared again: the object defined there (a pointer to it is one
         * of its places). */
        for (size_t k = 0; !failed && k < r->use_count; k++) {
            char *same = buf_format("%s", own);
            cuts[n++] = (struct cut){s->uses[r->uses_first + k], same};
            failed = !same;
        }
    }
    *spans = failed ? NULL : malloc((n ? n : 1) * sizeof **spans);
    *instead = failed || !direct ? NULL : malloc((n ? n : 1) * sizeof **instead);
    failed = failed || !*spans || (direct && !*instead);
    if (!failed) {
        qsort(cuts, n, sizeof *cuts, by_offset);
        for (size_t i = 0; i < n; i++) {
            (*spans)[i] = cuts[i].span;
            if (*instead)
                (*instead)[i] = cuts[i].instead;
        }
        *count = n;
        free(cuts);
        return GEN_OK;
    }
    for (size_t i = 0; cuts && i < n; i++)
        free(cuts[i].instead);
    free(cuts);
    free(*spans);
    free(*instead);
    *spans = NULL;
    *instead = NULL;
    return GEN_NO_MEMORY;
}

/* Renders unit u into o: the unit template (or the plain one) filled with
 * the source's text, blanked, and its own hot functions. */
static enum gen_status render_unit(const struct program *p, size_t u, struct output *o)
{
    const struct gen_options *opt = p->options;
    const struct parse_source *s = &p->sources[u];
    struct parse_span *spans = NULL;
    char **instead = NULL;
    size_t span_count = s->marker_count;
    if (opt->stubs && hot_cuts(s, reaches_own_data_directly(opt->target), &spans, &instead,
                               &span_count) != GEN_OK)
        return GEN_NO_MEMORY;
    struct emit_values values = {
        .program = opt->program,
        .source = opt->units[u].source,
        .unit = opt->units[u].output,
        .text = p->texts[u],
        .text_size = p->sizes[u],
        .blanks = spans ? spans : s->markers,
        .instead = (const char *const *)instead,
        .blank_count = span_count,
    };
    for (int kind = 0; kind < PARSE_KINDS; kind++) {
        const struct indexed *x = &p->indexed[kind];
        values.of[kind] =
            (struct emit_list){x->by_unit + x->unit_start[u],
                               x->unit_start[u + 1] - x->unit_start[u], p->linked.of[kind].count};
    }
    enum gen_status status = render(opt->stubs ? "unit.c.in" : "unit_plain.c.in", &values, o);
    for (size_t i = 0; instead && i < span_count; i++)
        free(instead[i]);
    free(instead);
    free(spans);
    return status;
}

/* Renders every output into outputs[0 .. units (+ 2 with stubs and table,
 * + 1 with unmarked)). */
static enum gen_status render_outputs(const struct program *p, struct output *outputs)
{
    const struct gen_options *o = p->options;
    enum gen_status status = GEN_OK;
    for (size_t u = 0; u < o->unit_count && status == GEN_OK; u++) {
        outputs[u].path = o->units[u].output;
        status = render_unit(p, u, &outputs[u]);
    }
    if (status != GEN_OK || !o->stubs)
        return status;
    struct emit_values values = {.program = o->program};
    for (int kind = 0; kind < PARSE_KINDS; kind++) {
        size_t count = p->linked.of[kind].count;
        values.of[kind] = (struct emit_list){p->indexed[kind].all, count, count};
    }
    char *stubs = buf_format("stubs_%s.c.in", o->target);
    outputs[o->unit_count].path = o->stubs;
    outputs[o->unit_count + 1].path = o->table;
    /* The stubs file: what every target shares, then the target's code. */
    status = stubs ? render("stubs.c.in", &values, &outputs[o->unit_count]) : GEN_NO_MEMORY;
    if (status == GEN_OK)
        status = render(stubs, &values, &outputs[o->unit_count]);
    if (status == GEN_OK)
        status = render("table.c.in", &values, &outputs[o->unit_count + 1]);
    free(stubs);
    if (status != GEN_OK || !o->unmarked)
        return status;
    values.unmarked = p->unmarked;
    values.unmarked_count = p->linked.external_count;
    outputs[o->unit_count + 2].path = o->unmarked;
    return render("unmarked.txt.in", &values, &outputs[o->unit_count + 2]);
}

/* Reports every error in the sources, in the order of the command line and
 * of each text. */
static void print_report(struct program *p)
{
    parse_report_sort(&p->report);
    for (size_t i = 0; i < p->report.count; i++) {
        const struct parse_diagnostic *d = &p->report.items[i];
        print_diagnostic(p->paths[d->source], p->texts[d->source], p->sizes[d->source], d);
    }
}

/* gen, once its options are checked. */
static enum gen_status generate(const struct gen_options *o)
{
    size_t units = o->unit_count, output_count = units + (o->stubs ? 2 : 0) + !!o->unmarked;
    struct program p = {.options = o};
    struct output *outputs = calloc(output_count, sizeof *outputs);
    p.texts = calloc(units, sizeof *p.texts);
    p.sizes = calloc(units, sizeof *p.sizes);
    p.paths = calloc(units, sizeof *p.paths);
    p.sources = calloc(units, sizeof *p.sources);
    enum gen_status status = GEN_NO_MEMORY;
    if (!outputs || !p.texts || !p.sizes || !p.paths || !p.sources)
        goto cleanup;
    status = read_program(&p);
    if (status == GEN_BAD_INPUT)
        print_report(&p);
    if (status == GEN_OK && p.linked.of[PARSE_FUNCTION].count == 0) {
        say_error("no function is marked '#[hot]' in the hot sources of '%s'", o->program);
        status = GEN_BAD_INPUT;
    }
    for (int kind = 0; kind < PARSE_KINDS && status == GEN_OK; kind++)
        status = index_records(&p, kind);
    if (status == GEN_OK)
        status = index_unmarked(&p);
    if (status == GEN_OK)
        status = render_outputs(&p, outputs);
    if (status == GEN_OK)
        status = write_outputs(outputs, output_count);
cleanup:
    for (size_t i = 0; outputs && i < output_count; i++) {
        buf_free(&outputs[i].content);
        free(outputs[i].temp);
    }
    parse_program_free(&p.linked);
    parse_report_free(&p.report);
    for (size_t u = 0; u < units && p.sources; u++)
        parse_source_free(&p.sources[u]);
    for (size_t u = 0; u < units && p.texts; u++)
        free(p.texts[u]);
    free(outputs);
    free(p.texts);
    free(p.sizes);
    free(p.paths);
    free(p.sources);
    for (int kind = 0; kind < PARSE_KINDS; kind++) {
        free(p.indexed[kind].all);
        free(p.indexed[kind].by_unit);
        free(p.indexed[kind].unit_start);
    }
    free(p.unmarked);
    return status;
}

/* Is name a CMake target name we can put in a comment and a C string? */
static int valid_program(const char *name)
{
    if (name[0] == '\0')
        return 0;
    for (const char *c = name; *c; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                 strchr("_.+-", *c);
        if (!ok)
            return 0;
    }
    return 1;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Checks that no file is written twice or over a hot source; returns
 * GEN_OK or GEN_USAGE (said why). */
static enum gen_status check_paths(const struct gen_options *o)
{
    size_t count = 0, outputs = 0;
    const char **paths = calloc(2 * o->unit_count + 3, sizeof *paths);
    const char **sources = calloc(o->unit_count, sizeof *sources);
    enum gen_status status = paths && sources ? GEN_OK : GEN_NO_MEMORY;
    for (size_t u = 0; u < o->unit_count && status == GEN_OK; u++) {
        paths[count++] = o->units[u].output;
        sources[u] = o->units[u].source;
    }
    if (o->stubs && status == GEN_OK) {
        paths[count++] = o->stubs;
        paths[count++] = o->table;
    }
    if (o->unmarked && status == GEN_OK)
        paths[count++] = o->unmarked;
    outputs = count;
    if (status == GEN_OK) {
        qsort(paths, outputs, sizeof *paths, compare_strings);
        qsort(sources, o->unit_count, sizeof *sources, compare_strings);
    }
    for (size_t i = 1; i < outputs && status == GEN_OK; i++) {
        if (strcmp(paths[i - 1], paths[i]) == 0)
            status = usage_error(gen_usage, "'%s' is given as an output twice", paths[i]);
    }
    for (size_t i = 1; i < o->unit_count && status == GEN_OK; i++) {
        if (strcmp(sources[i - 1], sources[i]) == 0)
            status = usage_error(gen_usage, "'%s' is given as a hot source twice", sources[i]);
    }
    for (size_t i = 0; i < outputs && status == GEN_OK; i++) {
        if (bsearch(&paths[i], sources, o->unit_count, sizeof *sources, compare_strings))
            status = usage_error(gen_usage, "output '%s' would overwrite a hot source", paths[i]);
    }
    free(paths);
    free(sources);
    return status;
}

/* Checks the options as a whole; returns GEN_OK or GEN_USAGE (said why). */
static enum gen_status check_options(struct gen_options *o)
{
    if (!o->program)
        return usage_error(gen_usage, "missing '--program NAME'");
    if (!valid_program(o->program))
        return usage_error(gen_usage,
                           "invalid program name '%s': use letters, digits and '_' '.' '+' '-'",
                           o->program);
    if (o->unit_count == 0)
        return usage_error(gen_usage, "missing '--unit SRC OUT'");
    if (!o->stubs != !o->table)
        return usage_error(gen_usage, "'--stubs' and '--table' go together");
    if (o->unmarked && !o->stubs)
        return usage_error(gen_usage, "'--unmarked' goes with '--stubs' and '--table'");
    if (!o->target)
        o->target = "x86_64-elf";
    char *stubs = buf_format("stubs_%s.c.in", o->target);
    int known = stubs && find_template(stubs);
    free(stubs);
    if (!known) {
        fprintf(stderr, "vais-hot: error: unsupported target '%s' (supported:", o->target);
        for (size_t i = 0; i < gen_template_count; i++) {
            const char *name = gen_templates[i].name;
            if (strncmp(name, "stubs_", 6) == 0)
                fprintf(stderr, " %.*s", (int)(strlen(name) - 11), name + 6);
        }
        fprintf(stderr, ")\n%s\n", gen_usage);
        return GEN_USAGE;
    }
    return check_paths(o);
}

/* Sets *slot to the value after option argv[*i]; returns GEN_OK or GEN_USAGE. */
static enum gen_status option_value(int argc, char **argv, int *i, const char **slot)
{
    if (*slot)
        return usage_error(gen_usage, "'%s' is given twice", argv[*i]);
    if (*i + 1 >= argc)
        return usage_error(gen_usage, "'%s' needs a value", argv[*i]);
    *slot = argv[++*i];
    return GEN_OK;
}

/* Reads gen's arguments, argv[2 ..], into *o. Sets *help_only for --help. */
static enum gen_status read_options(int argc, char **argv, struct gen_options *o, int *help_only)
{
    o->units = calloc((size_t)argc / 3 + 1, sizeof *o->units);
    if (!o->units)
        return GEN_NO_MEMORY;
    enum gen_status status = GEN_OK;
    for (int i = 2; i < argc && status == GEN_OK; i++) {
        const char *a = argv[i];
        if (is_help(a))
            *help_only = 1;
        else if (strcmp(a, "--program") == 0)
            status = option_value(argc, argv, &i, &o->program);
        else if (strcmp(a, "--stubs") == 0)
            status = option_value(argc, argv, &i, &o->stubs);
        else if (strcmp(a, "--table") == 0)
            status = option_value(argc, argv, &i, &o->table);
        else if (strcmp(a, "--unmarked") == 0)
            status = option_value(argc, argv, &i, &o->unmarked);
        else if (strcmp(a, "--target") == 0)
            status = option_value(argc, argv, &i, &o->target);
        else if (strcmp(a, "--unit") == 0 && i + 2 < argc) {
            o->units[o->unit_count++] = (struct unit_arg){argv[i + 1], argv[i + 2]};
            i += 2;
        } else if (strcmp(a, "--unit") == 0)
            status = usage_error(gen_usage, "'--unit' needs two values, SRC and OUT");
        else
            status = usage_error(gen_usage, "unknown argument '%s'", a);
    }
    return status;
}

static enum gen_status run_gen(int argc, char **argv)
{
    struct gen_options options = {0};
    int help_only = 0;
    enum gen_status status = read_options(argc, argv, &options, &help_only);
    if (status == GEN_OK && help_only)
        fputs(gen_help, stdout);
    else if (status == GEN_OK)
        status = check_options(&options);
    if (status == GEN_OK && !help_only)
        status = generate(&options);
    free(options.units);
    return status;
}

/* 1 if library is still the file id says, unchanged in between. */
static int still(const char *library, const struct hot__file_id *id)
{
    struct hot__file_id again;
    char err[256];
    return hot__os_file_id(library, &again, err, sizeof err) == 0 && hot__file_id_equal(id, &again);
}

/* What keeps LIBRARY (whose identity is id) from being stamped by this
 * build: NULL if it is whole and stayed the same while it was read, with
 * the hash of its bytes in *content and its summary in *summary (nothing if
 * it gives none). When two builds race, one may come to stamp the file the
 * other's linker is still writing. A file that cannot be read at all is an
 * error, said here, and *unreadable is set; so is memory running out. */
static const char *unfinished(const char *library, const struct hot__file_id *id,
                              unsigned long long *content, struct buf *summary, int *unreadable)
{
    char err[512];
    size_t size = 0;
    const unsigned char *bytes =
        id->size > 0 ? hot__os_map_file(library, &size, err, sizeof err) : NULL;
    *unreadable = 0;
    if (id->size > 0 && !bytes) {
        if (!still(library, id))
            return "changed while it was read"; /* a linker began to write it */
        say_error("%s", err);
        *unreadable = 1;
        return "cannot be read";
    }
    const char *missing = size >= 2 && bytes[0] == 'M' && bytes[1] == 'Z'
                              ? hot__pe_incomplete(bytes, size)
                              : elf_incomplete(bytes, size);
    *content = missing ? 0 : hot_abi_content_hash(bytes, size);
    if (!missing && summarize_library(bytes, size, summary) != 0) {
        say_error("%s", gen_status_text(GEN_NO_MEMORY));
        *unreadable = 1;
        missing = "cannot be summarized";
    }
    hot__os_unmap_file(bytes, size);
    if (!missing && !still(library, id))
        missing = "changed while it was read";
    return missing;
}

/* Writes summary beside file ("<file>.summary") by replace_file, or, when
 * it is empty (file gives none), removes a stale one. Returns GEN_OK, or
 * GEN_IO or GEN_NO_MEMORY, said. */
static enum gen_status write_summary(const char *file, const struct buf *summary)
{
    char *path = buf_format("%s%s", file, HOT_ABI_SUMMARY_SUFFIX);
    enum gen_status status = GEN_OK;
    if (!path) {
        say_error("%s", gen_status_text(GEN_NO_MEMORY));
        return GEN_NO_MEMORY;
    }
    if (summary->size)
        status = replace_file(path, summary);
    else if (remove(path) != 0 && errno != ENOENT)
        say_error("cannot remove the stale '%s': %s", path, strerror(errno));
    free(path);
    return status;
}

/* stamp: writes LIBRARY's summary beside it ("<LIBRARY>.summary"), then
 * STAMPFILE from LIBRARY's identity, vouching for both, each by
 * replace_file.
 * A library not yet whole is not stamped: the build writing it stamps it
 * once done. */
static enum gen_status run_stamp(int argc, char **argv)
{
    if (argc != 4)
        return usage_error(stamp_usage, "'stamp' takes two arguments, LIBRARY and STAMPFILE");
    const char *library = argv[2], *stamp = argv[3];
    struct hot__file_id id;
    char err[512];
    if (hot__os_file_id(library, &id, err, sizeof err) != 0) {
        say_error("%s", err);
        return GEN_IO;
    }
    unsigned long long content;
    int unreadable;
    struct buf summary = {0};
    const char *missing = unfinished(library, &id, &content, &summary, &unreadable);
    if (unreadable) {
        buf_free(&summary);
        return GEN_IO;
    }
    if (missing) {
        say("not stamped: '%s' %s; a build still writing it stamps it when done", library, missing);
        buf_free(&summary);
        return GEN_OK;
    }
    struct buf text = {0};
    char line[384];
    unsigned long long build = (unsigned long long)hot__os_wall_ns();
    unsigned long long summary_hash =
        summary.size ? hot_abi_content_hash((const unsigned char *)summary.data, summary.size) : 0;
    int length =
        snprintf(line, sizeof line, HOT_ABI_STAMP_FORMAT, id.size, id.mtime_ns, id.inode, id.device,
                 build, content, (unsigned long long)summary.size, summary_hash);
    enum gen_status status = GEN_OK;
    if (length < 0 || (size_t)length >= sizeof line || buf_append(&text, line, (size_t)length)) {
        status = GEN_NO_MEMORY;
        say_error("%s", gen_status_text(GEN_NO_MEMORY));
    } else
        status = write_summary(library, &summary);
    if (status == GEN_OK)
        status = replace_file(stamp, &text);
    buf_free(&summary);
    buf_free(&text);
    return status;
}

/* summarize: writes the core's summary beside it, as summarize_core makes
 * it (write_summary). */
static enum gen_status run_summarize(int argc, char **argv)
{
    if (argc != 3)
        return usage_error(summarize_usage, "'summarize' takes one argument, DESCRIPTION");
    struct description d = {0};
    int read = description_read(argv[2], &d);
    if (read != 0 || !d.executable) {
        say_error("cannot read '%s': %s; configure the build again", argv[2],
                  description_error(read));
        description_free(&d);
        return GEN_IO;
    }
    if (d.hot && strcmp(d.hot, "ON") != 0) { /* a plain configuration: nothing to load */
        description_free(&d);
        return GEN_OK;
    }
    char err[512];
    size_t size = 0;
    struct buf summary = {0};
    enum gen_status status = GEN_OK;
    const unsigned char *bytes = hot__os_map_file(d.executable, &size, err, sizeof err);
    if (!bytes) {
        say_error("%s", err);
        status = GEN_IO;
    } else if (summarize_core(bytes, size, &summary) != 0) {
        say_error("%s", gen_status_text(GEN_NO_MEMORY));
        status = GEN_NO_MEMORY;
    } else
        status = write_summary(d.executable, &summary);
    hot__os_unmap_file(bytes, size);
    buf_free(&summary);
    description_free(&d);
    return status;
}

/* What `vais-hot needs` asks of the core's link: symbols, in table order. */
struct needs_list {
    const char **names; /* in the library's mapped bytes */
    size_t count, capacity;
    int failed; /* out of memory */
};

/* Adds a symbol the library needs, unless it is weak (it may stay missing,
 * and asking for it could pull in what the program never wanted), a version
 * of it is required of a shared library (the dynamic loader finds it there,
 * whatever the core links, so asking the core's link for it would only
 * relink the core), or its name could not be one word of a response file. */
static void add_needed(void *ctx, const struct elf_symbol *symbol)
{
    struct needs_list *needs = ctx;
    if (symbol->defined || symbol->weak || symbol->from || needs->failed ||
        strpbrk(symbol->name, " \t\r\n\"'\\") != NULL)
        return;
    if (hot__grow(&needs->names, &needs->capacity, needs->count + 1, sizeof *needs->names) == 0)
        needs->names[needs->count++] = symbol->name;
    else
        needs->failed = 1;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The options file's text for needs, in text: each symbol of needs but
 * those the shared libraries library[0..size) (at path) names define, found
 * in its run paths, then in dirs[0..dir_count). 0, or -1 when memory ran
 * out. */
static int needs_text(const char *path, const unsigned char *library, size_t size,
                      const char *const *dirs, size_t dir_count, const struct needs_list *needs,
                      struct buf *text)
{
    size_t count = needs->count;
    const char **sorted = malloc((count ? count : 1) * sizeof *sorted);
    unsigned char *given = calloc(count ? count : 1, 1);
    int status = sorted && given ? 0 : -1;
    if (status == 0) {
        memcpy(sorted, needs->names, count * sizeof *sorted);
        qsort(sorted, count, sizeof *sorted, by_string);
        status =
            shared_libraries_define(path, library, size, dirs, dir_count, sorted, count, given);
    }
    for (size_t i = 0; status == 0 && i < count; i++) {
        const char **at = bsearch(&needs->names[i], sorted, count, sizeof *sorted, by_string);
        if (given[at - sorted])
            continue;
        if (buf_append_str(text, "-u ") != 0 || buf_append_str(text, needs->names[i]) != 0 ||
            buf_append_str(text, "\n") != 0)
            status = -1;
    }
    free(sorted);
    free(given);
    return status;
}

/* `vais-hot needs LIBRARY OPTIONSFILE [DIR]...`. The core's link reads the
 * file and depends on it, so it is replaced only when its content changes:
 * a body edit that calls nothing new, or only what a shared library gives,
 * relinks no core. */
static enum gen_status run_needs(int argc, char **argv)
{
    if (argc < 4)
        return usage_error(needs_usage, "'needs' takes LIBRARY and OPTIONSFILE, then directories");
    const char *library = argv[2], *options = argv[3];
    char err[512], problem[128];
    size_t size = 0;
    const unsigned char *bytes = hot__os_map_file(library, &size, err, sizeof err);
    if (!bytes) {
        say_error("%s", err);
        return GEN_IO;
    }
    struct needs_list needs = {0};
    struct buf text = {0};
    enum gen_status status = GEN_OK;
    if (elf_each_symbol(bytes, size, ELF_DYNAMIC, add_needed, &needs, problem, sizeof problem) !=
        0) {
        say_error("'%s' %s", library, problem);
        status = GEN_IO;
    } else if (needs.failed || needs_text(library, bytes, size, (const char *const *)argv + 4,
                                          (size_t)(argc - 4), &needs, &text) != 0)
        status = GEN_NO_MEMORY;
    else if (!file_holds(options, &text))
        status = replace_file(options, &text);
    free(needs.names);
    buf_free(&text);
    hot__os_unmap_file(bytes, size);
    return status;
}

/* The exit status of a subcommand that ended with status, said if it ran
 * out of memory or could not write its output. */
static int finish(enum gen_status status)
{
    if (status == GEN_NO_MEMORY)
        say_error("%s", gen_status_text(status));
    if (fflush(stdout) != 0 && status == GEN_OK) {
        say_error("cannot write the standard output: %s", strerror(errno));
        status = GEN_IO;
    }
    return gen_status_exit(status);
}

static int gen_main(int argc, char **argv)
{
    return finish(run_gen(argc, argv));
}

static int stamp_main(int argc, char **argv)
{
    return finish(run_stamp(argc, argv));
}

static int summarize_main(int argc, char **argv)
{
    return finish(run_summarize(argc, argv));
}

static int needs_main(int argc, char **argv)
{
    return finish(run_needs(argc, argv));
}

/* The commands, in the order the overview lists them: watch, the one
 * people type, then those the build runs. The one table dispatch, the
 * overview and `vais-hot help COMMAND` read. */
static const struct command {
    const char *name;
    const char *summary;               /* one line in the overview */
    const char *help;                  /* its own --help */
    int (*run)(int argc, char **argv); /* argv[1] is the command; returns the exit status */
} commands[] = {
    {"watch", "rebuild a program's hot library on every save, so it reloads", watch_help,
     watch_main},
    {"gen", "write the units, stubs and table of hot sources (the build runs it)", gen_help,
     gen_main},
    {"stamp", "vouch for a built hot library, with its summary (the build runs it)", stamp_help,
     stamp_main},
    {"summarize", "write what a core's debug information tells (the build runs it)", summarize_help,
     summarize_main},
    {"needs", "write what a hot library needs from the core (the build runs it)", needs_help,
     needs_main},
    {"check", "fail if hot code uses what the core hides (the build runs it)", exports_help,
     exports_main},
    {"link", "run the core's link, naming unmarked calls (the build runs it)", link_help,
     link_main},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const char usage[] = "usage: vais-hot [--version] [--help] <command> [<args>]";

/* The overview: every command, the options, the exit statuses. */
static void overview(FILE *out)
{
    fprintf(out, "%s\n\nCommands:\n", usage);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-11s%s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "'vais-hot help <command>' or 'vais-hot <command> --help' tells one command's\n"
          "arguments. Options:\n"
          "  -h, --help  this overview\n"
          "  --version   vais-hot's version\n"
          "\n"
          "Exit status: 0 done; 1 a finding (a hot source with an error, a symbol the core\n"
          "hides); 2 a usage or I/O error; link exits with the link's own status, watch\n"
          "with 128 + the signal that stopped it.\n",
          out);
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

/* The names of the commands, for an error: "watch, gen, ..., link". */
static void list_commands(FILE *out)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "%s%s", i ? ", " : "", commands[i].name);
}

static int unknown_command(const char *name)
{
    fprintf(stderr, "vais-hot: error: unknown command '%s'; the commands are ", name);
    list_commands(stderr);
    fprintf(stderr, "\n%s\n", usage);
    return gen_status_exit(GEN_USAGE);
}

int main(int argc, char **argv)
{
    const char *first = argc > 1 ? argv[1] : NULL;
    if (!first) {
        say_error("missing command");
        overview(stderr);
        return gen_status_exit(GEN_USAGE);
    }
    if (is_help(first) || (strcmp(first, "help") == 0 && argc == 2)) {
        overview(stdout);
        return finish(GEN_OK);
    }
    if (strcmp(first, "--version") == 0) {
        printf("vais-hot %s\n", VAIS_HOT_VERSION);
        return finish(GEN_OK);
    }
    if (strcmp(first, "help") == 0) {
        const struct command *c = find_command(argv[2]);
        if (!c)
            return unknown_command(argv[2]);
        fputs(c->help, stdout);
        return finish(GEN_OK);
    }
    const struct command *c = find_command(first);
    if (!c)
        return unknown_command(first);
    if (argc == 3 && is_help(argv[2])) { /* `vais-hot COMMAND --help`, for every command */
        fputs(c->help, stdout);
        return finish(GEN_OK);
    }
    return c->run(argc, argv);
}
