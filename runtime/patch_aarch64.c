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

/* The words from `from` to `to`, as a signed field of `bits` bits. */
static uint32_t words_field(const unsigned char *from, const unsigned char *to, int bits)
{
    int64_t words = (to - from) / 4;
    return (uint32_t)words & ((1u << bits) - 1);
}

/* The entry whose site is site. */
static unsigned char *entry_of(unsigned char *site)
{
    return hot__patch_word_at(site - 4) == LANDING_PAD ? site - 4 : site;
}

unsigned char *hot__patch_site(unsigned char *entry)
{
    if ((uintptr_t)entry & 15) /* the alignment flag; the cell must be 8-aligned */
        return NULL;
    for (int i = 4; i <= HOT_PATCH_BEFORE; i += 4) {
        if (hot__patch_word_at(entry - i) != NOP)
            return NULL;
    }
    unsigned char *site = hot__patch_word_at(entry) == LANDING_PAD ? entry + 4 : entry;
    return hot__patch_word_at(site) == NOP ? site : NULL;
}

void hot__patch_prepare(unsigned char *entry, const unsigned char *site, const void *target)
{
    (void)site;
    unsigned char *cell = entry - 16, *load = entry - 8;
    memcpy(cell, &target, sizeof target);
    hot__patch_put_word(load, LOAD_X16 | words_field(load, cell, 19) << 5);
    hot__patch_put_word(load + 4, BRANCH_X16);
    hot__patch_visible(cell, entry);
}

void hot__patch_site_set(unsigned char *site, int redirect, const unsigned char *original)
{
    uint32_t value = redirect ? BRANCH | words_field(site, entry_of(site) - 8, 26)
                              : hot__patch_word_at(original);
    __atomic_store_n((uint32_t *)(void *)site, value, __ATOMIC_RELEASE);
    hot__patch_visible(site, site + 4);
}

void hot__patch_trampoline(unsigned char *code, void *const *slot)
{
    /* bti c (reached by an indirect branch), ldr x16, slot (its slot is in
     * the page after its own: in reach of a literal load), br x16, udf */
    hot__patch_put_word(code, LANDING_PAD);
    hot__patch_put_word(code + 4, LOAD_X16 | words_field(code + 4, (const unsigned char *)slot, 19)
                                                 << 5);
    hot__patch_put_word(code + 8, BRANCH_X16);
    hot__patch_put_word(code + 12, UNDEFINED);
    hot__patch_visible(code, code + HOT_PATCH_TRAMPOLINE);
}

/* The signed field of `bits` bits at bit `shift` of w. */
static int64_t signed_field(uint32_t w, int shift, int bits)
{
    int64_t field = (w >> shift) & ((1u << bits) - 1);
    return field >= (int64_t)1 << (bits - 1) ? field - ((int64_t)1 << bits) : field;
}

const unsigned char *hot__patch_call_target(const unsigned char *address, size_t room)
{
    if (room < 4)
        return NULL;
    uint32_t before = hot__patch_word_at(address - 4);
    if ((before & 0xfc000000u) != 0x94000000u) /* bl <label> */
        return NULL;
    return address - 4 + 4 * signed_field(before, 0, 26);
}

void *const *hot__patch_stub_slot(const unsigned char *stub)
{
    /* [bti c] adrp x16, page; ldr x17, [x16, #offset]: the PLT */
    const unsigned char *p = hot__patch_word_at(stub) == LANDING_PAD ? stub + 4 : stub;
    uint32_t adrp = hot__patch_word_at(p), ldr = hot__patch_word_at(p + 4);
    if ((adrp & 0x9f00001fu) != 0x90000010u || (ldr & 0xffc003ffu) != 0xf9400211u)
        return NULL;
    int64_t page = signed_field(adrp, 5, 19) * 4 + ((adrp >> 29) & 3);
    uintptr_t base = ((uintptr_t)p & ~(uintptr_t)0xfff) + (uintptr_t)(page * 4096);
    return (void *const *)(base + ((ldr >> 10) & 0xfff) * 8);
}

int hot__patch_follows_call(const unsigned char *address, size_t room)
{
    return hot__patch_call_target(address, room) || /* bl <label> */
           (room >= 4 &&
            (hot__patch_word_at(address - 4) & 0xfffffc1fu) == 0xd63f0000u); /* blr <register> */
}
