/* runtime/patch_x86_64.c
 * Redirection on x86-64. A hot library is compiled with
 * -fpatchable-function-entry=18,16 -falign-functions=16: 16 one-byte NOPs
 * before each entry, and two bytes at it (gcc: two NOPs, clang: one
 * two-byte NOP), after the endbr64 landing pad when -fcf-protection puts
 * one first. Prepared, the padding holds an 8-byte cell with the target at
 * entry - 16 and `jmp *cell(%rip)` after it; the site, redirected, is
 * `jmp .-6` (EB F8), whose second byte reads as the harmless `clc` for a
 * thread that had already run gcc's first NOP. Without a landing pad the
 * site jumps straight to the indirect jump at entry - 6; after one, it
 * jumps to a second `jmp .-6` at entry - 2, which reaches the indirect jump
 * at entry - 8. */
#include "patch.h"

#include <string.h>

#define NOP 0x90

static const unsigned char landing_pad[4] = {0xf3, 0x0f, 0x1e, 0xfa}; /* endbr64 */
static const unsigned char short_back[2] = {0xeb, 0xf8};              /* jmp .-6 */

/* 1 if the two bytes at site are the compiler's patchable NOPs. */
static int nops(const unsigned char *site)
{
    return (site[0] == NOP || site[0] == 0x66) && site[1] == NOP;
}

unsigned char *hot__patch_site(unsigned char *entry)
{
    for (int i = 1; i <= HOT_PATCH_BEFORE; i++) {
        if (entry[-i] != NOP)
            return NULL;
    }
    unsigned char *site = memcmp(entry, landing_pad, sizeof landing_pad) == 0 ? entry + 4 : entry;
    /* An aligned store of the site's two bytes is atomic for a thread
     * fetching them; the alignment flag makes every entry even. */
    return nops(site) && !((uintptr_t)site & 1) ? site : NULL;
}

void hot__patch_prepare(unsigned char *entry, const unsigned char *site, const void *target)
{
    unsigned char *jump = site == entry ? entry - 6 : entry - 8; /* jmp *cell(%rip), 6 bytes */
    unsigned char *cell = entry - 16;
    int32_t rel = (int32_t)(cell - (jump + 6));
    memcpy(cell, &target, sizeof target);
    jump[0] = 0xff;
    jump[1] = 0x25;
    memcpy(jump + 2, &rel, sizeof rel);
    if (site != entry)
        memcpy(entry - 2, short_back, sizeof short_back);
}

void hot__patch_site_set(unsigned char *site, int redirect, const unsigned char *original)
{
    uint16_t value;
    memcpy(&value, redirect ? short_back : original, sizeof value);
    __atomic_store_n((uint16_t *)(void *)site, value, __ATOMIC_RELEASE);
}

void hot__patch_trampoline(unsigned char *code, void *const *slot)
{
    /* endbr64 (reached by an indirect jump), jmp *slot(%rip), INT3s */
    int32_t rel = (int32_t)((const unsigned char *)slot - (code + 10));
    memcpy(code, landing_pad, sizeof landing_pad);
    code[4] = 0xff;
    code[5] = 0x25;
    memcpy(code + 6, &rel, sizeof rel);
    memset(code + 10, 0xcc, HOT_PATCH_TRAMPOLINE - 10);
}

static int32_t rel32_at(const unsigned char *p)
{
    int32_t r;
    memcpy(&r, p, sizeof r);
    return r;
}

const unsigned char *hot__patch_call_target(const unsigned char *address, size_t room)
{
    return room >= 5 && address[-5] == 0xe8 ? address + rel32_at(address - 4) : NULL;
}

void *const *hot__patch_stub_slot(const unsigned char *stub)
{
    /* [endbr64] [bnd] jmp *disp32(%rip): the PLT (.plt.sec with IBT) */
    const unsigned char *p = memcmp(stub, landing_pad, sizeof landing_pad) == 0 ? stub + 4 : stub;
    p += *p == 0xf2;
    if (p[0] != 0xff || p[1] != 0x25)
        return NULL;
    return (void *const *)(const void *)(p + 6 + rel32_at(p + 2));
}

int hot__patch_follows_call(const unsigned char *address, size_t room)
{
    const unsigned char *a = address;
    /* a direct call; call *disp32(%rip) (FF 15), call *%reg (FF D0+r),
     * call *disp8(%reg) (FF 50+r), each perhaps after a REX prefix */
    return hot__patch_call_target(a, room) || (room >= 6 && a[-6] == 0xff && a[-5] == 0x15) ||
           (room >= 2 && a[-2] == 0xff && (a[-1] & 0xf8) == 0xd0) ||
           (room >= 3 && a[-3] == 0xff && (a[-2] & 0xf8) == 0x50);
}
