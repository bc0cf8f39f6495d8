/* runtime/patch_riscv64.c
 * Redirection on RISC-V 64 with the compressed instructions (C) that rv64gc
 * and every Linux distribution's ABI have. A hot library is compiled with
 * -fpatchable-function-entry=11,10 -falign-functions=16: ten 2-byte NOPs
 * (c.nop, 20 bytes) before each entry, from a 16-byte boundary, and one at
 * it. Prepared, the padding holds an 8-byte cell with the target at entry -
 * 20, then `auipc t1, 0; ld t1, -8(t1); jr t1`; the site (the entry's
 * c.nop), redirected, is a `c.j` to that auipc. The site is one 16-bit
 * parcel, which instruction fetch reads whole, so one aligned 2-byte store
 * swaps it; every write is followed by the fence.i that makes it visible to
 * instruction fetch on every hart (__builtin___clear_cache). A library
 * built without C has 4-byte NOPs there, which hot__patch_site does not
 * take: its entries keep their own code. */
#include "patch.h"

#include <string.h>

#define C_NOP 0x0001u /* c.nop */
#define C_J 0xa001u   /* c.j <label>, funct3 101, op 01; the offset is scattered */

#define T1 6u
#define AUIPC_T1 (0x17u | T1 << 7)                       /* auipc t1, imm20 << 12 */
#define LD_T1_T1 (0x03u | T1 << 7 | 3u << 12 | T1 << 15) /* ld t1, imm12(t1) */
#define JR_T1 (0x67u | T1 << 15)                         /* jalr x0, 0(t1) */

static uint16_t half_at(const unsigned char *p)
{
    uint16_t h;
    memcpy(&h, p, sizeof h);
    return h;
}

static void put_word(unsigned char *p, uint32_t w)
{
    memcpy(p, &w, sizeof w);
}

static void make_visible(unsigned char *start, unsigned char *end)
{
    __builtin___clear_cache((char *)start, (char *)end);
}

/* c.j from site to target (within 2 KiB, even): its offset's bits, as CJ
 * scatters them: [12]=11 [11]=4 [10:9]=9:8 [8]=10 [7]=6 [6]=7 [5:3]=3:1 [2]=5. */
static uint16_t compressed_jump(const unsigned char *site, const unsigned char *target)
{
    uint32_t o = (uint32_t)(target - site) & 0xfff;
    uint32_t bits = ((o >> 11) & 1) << 12 | ((o >> 4) & 1) << 11 | ((o >> 8) & 3) << 9 |
                    ((o >> 10) & 1) << 8 | ((o >> 6) & 1) << 7 | ((o >> 7) & 1) << 6 |
                    ((o >> 1) & 7) << 3 | ((o >> 5) & 1) << 2;
    return (uint16_t)(C_J | bits);
}

/* `auipc t1` and `ld t1, (t1)` that load the doubleword at target, the
 * auipc at code: the offset split into 20 upper bits, rounded, and 12
 * signed lower ones. */
static void load_t1_from(unsigned char *code, const void *target)
{
    int64_t delta = (const unsigned char *)target - code;
    int64_t upper = (delta + 0x800) >> 12, lower = delta - upper * 4096;
    put_word(code, AUIPC_T1 | (uint32_t)(upper & 0xfffff) << 12);
    put_word(code + 4, LD_T1_T1 | (uint32_t)(lower & 0xfff) << 20);
}

unsigned char *hot__patch_site(unsigned char *entry)
{
    if (((uintptr_t)entry - HOT_PATCH_BEFORE) & 15) /* the alignment flag; the cell is 8-aligned */
        return NULL;
    for (int i = 2; i <= HOT_PATCH_BEFORE; i += 2) {
        if (half_at(entry - i) != C_NOP)
            return NULL;
    }
    return half_at(entry) == C_NOP ? entry : NULL;
}

void hot__patch_prepare(unsigned char *entry, const unsigned char *site, const void *target)
{
    (void)site;
    unsigned char *cell = entry - HOT_PATCH_BEFORE, *load = cell + 8;
    memcpy(cell, &target, sizeof target);
    load_t1_from(load, cell);
    put_word(load + 8, JR_T1);
    make_visible(cell, entry);
}

void hot__patch_site_set(unsigned char *site, int redirect, const unsigned char *original)
{
    uint16_t value =
        redirect ? compressed_jump(site, site - HOT_PATCH_BEFORE + 8) : half_at(original);
    __atomic_store_n((uint16_t *)(void *)site, value, __ATOMIC_RELEASE);
    make_visible(site, site + 2);
}

void hot__patch_trampoline(unsigned char *code, void *const *slot)
{
    /* auipc t1 and ld t1 of slot (in the page after its own), jr t1, then
     * two c.unimp (all zero bits: an illegal instruction) */
    load_t1_from(code, slot);
    put_word(code + 8, JR_T1);
    put_word(code + 12, 0);
    make_visible(code, code + HOT_PATCH_TRAMPOLINE);
}
