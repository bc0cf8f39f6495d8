/* runtime/lazy_aarch64-elf.c
 * hot__lazy_entry for AArch64 (AAPCS64): the first call of any hot function
 * lands here (slot index in x16) before the library is loaded. Invariant:
 * every register that can carry an argument (x0-x7, x8 for an indirect
 * result, q0-q7 whole) reaches the real function unchanged; x16 and x17,
 * which a veneer may clobber, are the only others it changes. SVE's z and p
 * registers, which carry arguments only for SVE vector types, are not kept. */
#include "lazy_elf.h"
#include "runtime.h"

#if !defined(__aarch64__)
#error "vais-hot: this file is the aarch64 ELF lazy entry; add lazy_<target>.c for another target"
#endif

/* Frame: x29 x30 | x0-x7 | x8 and a pad | q0-q7, 224 bytes, 16-aligned. */
// clang-format off
__asm__(HOT_LAZY_ENTRY_BEGIN
        "    hint #34\n" /* BTI c, in case a veneer reaches it by br x16 */
        "    stp x29, x30, [sp, #-224]!\n"
        "    mov x29, sp\n"
        "    stp x0, x1, [sp, #16]\n"
        "    stp x2, x3, [sp, #32]\n"
        "    stp x4, x5, [sp, #48]\n"
        "    stp x6, x7, [sp, #64]\n"
        "    str x8, [sp, #80]\n"
        "    stp q0, q1, [sp, #96]\n"
        "    stp q2, q3, [sp, #128]\n"
        "    stp q4, q5, [sp, #160]\n"
        "    stp q6, q7, [sp, #192]\n"
        "    mov w0, w16\n"
        "    bl hot__lazy_resolve\n"
        "    mov x16, x0\n"
        "    ldp q6, q7, [sp, #192]\n"
        "    ldp q4, q5, [sp, #160]\n"
        "    ldp q2, q3, [sp, #128]\n"
        "    ldp q0, q1, [sp, #96]\n"
        "    ldr x8, [sp, #80]\n"
        "    ldp x6, x7, [sp, #64]\n"
        "    ldp x4, x5, [sp, #48]\n"
        "    ldp x2, x3, [sp, #32]\n"
        "    ldp x0, x1, [sp, #16]\n"
        "    ldp x29, x30, [sp], #224\n"
        "    br x16\n"
        HOT_LAZY_ENTRY_END);
// clang-format on
