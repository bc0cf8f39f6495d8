/* tool/summarize.c
 * Summaries, by the runtime's own readers (VaisHot::image). A library's:
 * the checks that make its file safe to read, its table, then the summary.
 * A core's: its build ID, then the summary of every type it names. */
#include "summarize.h"

#include "image.h"
#include "summary.h"
#include "table_file.h"

#include <stdlib.h>

int summarize_library(const unsigned char *bytes, size_t size, struct buf *out)
{
    char err[512];
    struct hot__image_pointers *pointers = NULL;
    struct hot__table_file table = {0};
    struct hot__summary summary = {0};
    unsigned char *encoded = NULL;
    size_t encoded_size = 0;
    int failed = 0;
    if (hot__image_check(bytes, size, (long long)size, 0, err, sizeof err) != 0)
        return 0;
    pointers = hot__image_pointers_new(bytes, size);
    if (!pointers)
        return -1;
    int checked = hot__image_check_loader(bytes, size, pointers, err, sizeof err);
    int table_read =
        checked == 0 ? hot__table_file_read(bytes, size, pointers, &table, err, sizeof err) : 0;
    failed = checked == -2 || table_read == -3; /* memory ran out, not the file */
    if (checked == 0 && table_read == 0) {
        int read = hot__summary_from_image(bytes, size, &table.table, &summary, err, sizeof err);
        failed = read < 0 ||
                 (read == 0 && (hot__summary_encode(&summary, &encoded, &encoded_size) != 0 ||
                                buf_append(out, encoded, encoded_size) != 0));
    }
    free(encoded);
    hot__summary_free(&summary);
    hot__table_file_free(&table);
    hot__image_pointers_free(pointers);
    return failed ? -1 : 0;
}

int summarize_core(const unsigned char *bytes, size_t size, struct buf *out)
{
    char err[512];
    const unsigned char *id;
    struct hot__summary summary;
    unsigned char *encoded = NULL;
    size_t encoded_size = 0, length = hot__image_build_id(bytes, size, &id);
    if (length == 0 || length > HOT_SUMMARY_MAX_BUILD_ID)
        return 0;
    int read = hot__summary_of_core(bytes, size, &summary, err, sizeof err);
    int failed = read < 0 || (read == 0 && (hot__summary_encode_core(&summary, id, length, &encoded,
                                                                     &encoded_size) != 0 ||
                                            buf_append(out, encoded, encoded_size) != 0));
    free(encoded);
    hot__summary_free(&summary);
    return failed ? -1 : 0;
}
