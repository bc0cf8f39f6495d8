/* runtime/patch_x86_64.c
 * Redirection on x86-64. A hot library is compiled with
 * -fpatchable-function-entry=16,14 -falign-functions=16: 14 one-byte NOPs
 * before each entry, and two bytes at it (gcc: two NOPs, clang: one
 * two-byte NOP). Prepared, the padding holds an 8-byte cell with the target
 * and `jmp *cell(%rip)` right before the entry; redirected, the entry is
 * `jmp .-6` (EB F8), which also reads as the harmless `clc` for a thread
 * that had already run gcc's first NOP. */
#include "patch.h"

#include <string.h>

#define NOP 0x90
#define JMP_SHORT 0xeb
#define JMP_BACK_6 0xf8 /* rel8 -8, from the end of the two bytes: entry - 6 */

int hot__patch_pristine(const unsigned char *entry)
{
    /* An aligned store of the entry's two bytes is atomic for a thread
     * fetching them; the alignment flag makes every entry even. */
    if ((uintptr_t)entry & 1)
        return 0;
    for (int i = 1; i <= HOT_PATCH_BEFORE; i++) {
        if (entry[-i] != NOP)
            return 0;
    }
    return (entry[0] == NOP || entry[0] == 0x66) && entry[1] == NOP;
}

void hot__patch_prepare(unsigned char *entry, const void *target)
{
    /* cell at entry - 14, then FF 25 <rel32 = -14>: jmp *(entry - 14) */
    static const unsigned char jump[6] = {0xff, 0x25, 0xf2, 0xff, 0xff, 0xff};
    memcpy(entry - 14, &target, sizeof target);
    memcpy(entry - 6, jump, sizeof jump);
}

void hot__patch_entry(unsigned char *entry, int redirect, const unsigned char *original)
{
    const unsigned char bytes[2] = {redirect ? JMP_SHORT : original[0],
                                    redirect ? JMP_BACK_6 : original[1]};
    uint16_t value;
    memcpy(&value, bytes, sizeof value);
    __atomic_store_n((uint16_t *)(void *)entry, value, __ATOMIC_RELEASE);
}

void hot__patch_trampoline(unsigned char *code, void *const *slot)
{
    /* FF 25 <rel32>: jmp *slot(%rip), then two INT3s */
    int32_t rel = (int32_t)((const unsigned char *)slot - (code + 6));
    code[0] = 0xff;
    code[1] = 0x25;
    memcpy(code + 2, &rel, sizeof rel);
    code[6] = code[7] = 0xcc;
}
