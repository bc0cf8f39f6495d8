/* generator/summarize.c
 * A library's summary, by the runtime's own readers (VaisHot::image): the
 * checks that make its file safe to read, its table, then the summary. */
#include "summarize.h"

#include "elf_check.h"
#include "summary.h"
#include "table_file.h"

#include <stdlib.h>

int summarize_library(const unsigned char *bytes, size_t size, struct buf *out)
{
    char err[512];
    struct hot__elf_pointers *pointers = NULL;
    struct hot__table_file table = {0};
    struct hot__summary summary = {0};
    unsigned char *encoded = NULL;
    size_t encoded_size = 0;
    int failed = 0;
    if (hot__elf_check(bytes, size, (long long)size, err, sizeof err) != 0)
        return 0;
    pointers = hot__elf_pointers_new(bytes, size);
    if (!pointers)
        return -1;
    if (hot__elf_check_dynamic(bytes, size, pointers, err, sizeof err) == 0 &&
        hot__table_file_read(bytes, size, pointers, &table, err, sizeof err) == 0) {
        int read = hot__summary_from_image(bytes, size, &table.table, &summary, err, sizeof err);
        failed = read < 0 ||
                 (read == 0 && (hot__summary_encode(&summary, &encoded, &encoded_size) != 0 ||
                                buf_append(out, encoded, encoded_size) != 0));
    }
    free(encoded);
    hot__summary_free(&summary);
    hot__table_file_free(&table);
    hot__elf_pointers_free(pointers);
    return failed ? -1 : 0;
}
