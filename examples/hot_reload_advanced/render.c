/* examples/hot_reload_advanced/render.c
 * Hot: one text line per frame, each particle drawn by its height. Try
 * other glyphs. */
#include "world.h"

#include <stdio.h>
#include <string.h>

#[hot]
void render(const struct world *w, char *out, size_t size)
{
    static const char glyphs[] = "_.-~*^";
    char line[(int)WORLD_WIDTH + 1];
    memset(line, ' ', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    for (int i = 0; i < WORLD_PARTICLES; i++) {
        const struct particle *p = &w->particles[i];
        int column = (int)p->x, level = (int)(p->y / 2.0);
        if (column >= 0 && column < (int)WORLD_WIDTH)
            line[column] = glyphs[level < 0 ? 0 : level > 5 ? 5 : level];
    }
    snprintf(out, size, "%5ld |%s|", w->frame, line);
}
