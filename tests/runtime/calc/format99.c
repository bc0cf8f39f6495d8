/* A library with a vais-hot table of a format this runtime does not know. */
#include <vais/hot_abi.h>

__attribute__((visibility("default"))) const struct hot_abi_table vais_hot__table = {
    HOT_ABI_MAGIC, 99, 0, "runtime_reload", 0, 0, 0,
};
