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
    hot__patch_put_word(code, AUIPC_T1 | (uint32_t)(upper & 0xfffff) << 12);
    hot__patch_put_word(code + 4, LD_T1_T1 | (uint32_t)(lower & 0xfff) << 20);
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
    hot__patch_put_word(load + 8, JR_T1);
    hot__patch_visible(cell, entry);
}

void hot__patch_site_set(unsigned char *site, int redirect, const unsigned char *original)
{
    uint16_t value =
        redirect ? compressed_jump(site, site - HOT_PATCH_BEFORE + 8) : half_at(original);
    __atomic_store_n((uint16_t *)(void *)site, value, __ATOMIC_RELEASE);
    hot__patch_visible(site, site + 2);
}

void hot__patch_trampoline(unsigned char *code, void *const *slot)
{
    /* auipc t1 and ld t1 of slot (in the page after its own), jr t1, then
     * two c.unimp (all zero bits: an illegal instruction) */
    load_t1_from(code, slot);
    hot__patch_put_word(code + 8, JR_T1);
    hot__patch_put_word(code + 12, 0);
    hot__patch_visible(code, code + HOT_PATCH_TRAMPOLINE);
}

/* The sign-extended upper immediate of an auipc, and the 12-bit one of an
 * I-type instruction. */
static int64_t upper_of(uint32_t auipc)
{
    return (int64_t)(int32_t)(auipc & 0xfffff000u);
}

static int64_t lower_of(uint32_t itype)
{
    return (int64_t)((int32_t)itype >> 20);
}

const unsigned char *hot__patch_call_target(const unsigned char *address, size_t room)
{
    if (room < 4)
        return NULL;
    uint32_t jump = hot__patch_word_at(address - 4);
    if ((jump & 0xfffu) == 0x0efu) { /* jal ra, <label>: imm[20|10:1|11|19:12] */
        int64_t offset = ((int64_t)((int32_t)jump >> 31) << 20) | ((jump >> 21) & 0x3ff) << 1 |
                         ((jump >> 20) & 1) << 11 | ((jump >> 12) & 0xff) << 12;
        return address - 4 + offset;
    }
    /* call: auipc ra, upper; jalr ra, lower(ra) */
    if (room < 8 || (jump & 0xfffffu) != 0x080e7u)
        return NULL;
    uint32_t auipc = hot__patch_word_at(address - 8);
    if ((auipc & 0xfffu) != 0x097u)
        return NULL;
    return address - 8 + upper_of(auipc) + lower_of(jump);
}

void *const *hot__patch_stub_slot(const unsigned char *stub)
{
    /* auipc t3, upper; ld t3, lower(t3): the PLT */
    uint32_t auipc = hot__patch_word_at(stub), load = hot__patch_word_at(stub + 4);
    if ((auipc & 0xfffu) != 0xe17u || (load & 0xfffffu) != 0xe3e03u)
        return NULL;
    return (void *const *)(const void *)(stub + upper_of(auipc) + lower_of(load));
}

int hot__patch_follows_call(const unsigned char *address, size_t room)
{
    uint32_t before = room >= 4 ? hot__patch_word_at(address - 4) : 0;
    uint16_t half = room >= 2 ? half_at(address - 2) : 0;
    return hot__patch_call_target(address, room) ||                /* jal ra, <label> */
           (room >= 4 && (before & 0x7fffu) == 0x00e7u) ||         /* jalr ra, <offset>(<reg>) */
           ((half & 0xf07fu) == 0x9002u && (half & 0x0f80u) != 0); /* c.jalr <register> */
}
