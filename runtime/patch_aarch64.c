/* runtime/patch_aarch64.c
 * Redirection on AArch64. A hot library is compiled with
 * -fpatchable-function-entry=5,4 -falign-functions=16: four NOPs (16
 * bytes) before each entry, and one at it, after the `bti c` landing pad
 * when -mbranch-protection puts one first. Prepared, the padding holds an
 * 8-byte cell with the target at entry - 16, then `ldr x16, cell` and
 * `br x16`; the site, redirected, is a `b` to that load. NOP and B are
 * among the instructions the architecture lets one thread change while
 * another runs them, so one aligned 4-byte store swaps the site. Every
 * write is followed by the cache maintenance that makes it visible to
 * instruction fetch. The word before the site tells the two layouts apart:
 * it is the landing pad, or the padding's last instruction (never one). */
#include "patch.h"

#include <string.h>

#define NOP 0xd503201fu
#define LANDING_PAD 0xd503245fu /* bti c */
#define BRANCH_X16 0xd61f0200u  /* br x16 */
#define LOAD_X16 0x58000010u    /* ldr x16, <literal>: imm19 words from here, at bit 5 */
#define BRANCH 0x14000000u      /* b <label>: imm26 words from here */
#define UNDEFINED 0x00000000u   /* udf #0 */

static uint32_t word_at(const unsigned char *p)
{
    uint32_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

static void put_word(unsigned char *p, uint32_t w)
{
    memcpy(p, &w, sizeof w);
}

/* The words from `from` to `to`, as a signed field of `bits` bits. */
static uint32_t words_field(const unsigned char *from, const unsigned char *to, int bits)
{
    int64_t words = (to - from) / 4;
    return (uint32_t)words & ((1u << bits) - 1);
}

static void make_visible(unsigned char *start, unsigned char *end)
{
    __builtin___clear_cache((char *)start, (char *)end);
}

/* The entry whose site is site. */
static unsigned char *entry_of(unsigned char *site)
{
    return word_at(site - 4) == LANDING_PAD ? site - 4 : site;
}

unsigned char *hot__patch_site(unsigned char *entry)
{
    if ((uintptr_t)entry & 15) /* the alignment flag; the cell must be 8-aligned */
        return NULL;
    for (int i = 4; i <= HOT_PATCH_BEFORE; i += 4) {
        if (word_at(entry - i) != NOP)
            return NULL;
    }
    unsigned char *site = word_at(entry) == LANDING_PAD ? entry + 4 : entry;
    return word_at(site) == NOP ? site : NULL;
}

void hot__patch_prepare(unsigned char *entry, const unsigned char *site, const void *target)
{
    (void)site;
    unsigned char *cell = entry - 16, *load = entry - 8;
    memcpy(cell, &target, sizeof target);
    put_word(load, LOAD_X16 | words_field(load, cell, 19) << 5);
    put_word(load + 4, BRANCH_X16);
    make_visible(cell, entry);
}

void hot__patch_site_set(unsigned char *site, int redirect, const unsigned char *original)
{
    uint32_t value =
        redirect ? BRANCH | words_field(site, entry_of(site) - 8, 26) : word_at(original);
    __atomic_store_n((uint32_t *)(void *)site, value, __ATOMIC_RELEASE);
    make_visible(site, site + 4);
}

void hot__patch_trampoline(unsigned char *code, void *const *slot)
{
    /* bti c (reached by an indirect branch), ldr x16, slot (its slot is in
     * the page after its own: in reach of a literal load), br x16, udf */
    put_word(code, LANDING_PAD);
    put_word(code + 4, LOAD_X16 | words_field(code + 4, (const unsigned char *)slot, 19) << 5);
    put_word(code + 8, BRANCH_X16);
    put_word(code + 12, UNDEFINED);
    make_visible(code, code + HOT_PATCH_TRAMPOLINE);
}
