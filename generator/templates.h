/* generator/templates.h
 * The files of templates/, embedded into vais-hot when it is built (by
 * cmake/embed_templates.cmake): the only source of generated text.
 * Invariant: bytes are a file's bytes exactly, sorted by name. */
#ifndef VAIS_HOT_GEN_TEMPLATES_H
#define VAIS_HOT_GEN_TEMPLATES_H

#include <stddef.h>

struct gen_template {
    const char *name;  /* the file's base name, e.g. "unit.c.in" */
    const char *bytes; /* its content, followed by a 0 not counted in size */
    size_t size;
};

extern const struct gen_template gen_templates[];
extern const size_t gen_template_count;

#endif
