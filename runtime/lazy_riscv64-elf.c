/* runtime/lazy_riscv64-elf.c
 * hot__lazy_entry for RISC-V 64 (LP64D): the first call of any hot function
 * lands here (slot index in t2) before the library is loaded. Invariant:
 * every register that can carry an argument (a0-a7, fa0-fa7) reaches the
 * real function unchanged; t1 and t2, which the psABI's PLT may clobber,
 * are the only others it changes. Vector registers (V extension), which
 * carry no arguments in the LP64D calling convention, are not kept. */
#include "lazy_elf.h"
#include "runtime.h"

#if !defined(__riscv) || __riscv_xlen != 64
#error "vais-hot: this file is the riscv64 ELF lazy entry; add lazy_<target>.c for another target"
#endif

/* Frame: a0-a7 | fa0-fa7 | ra and a pad, 144 bytes, 16-aligned. */
// clang-format off
__asm__(HOT_LAZY_ENTRY_BEGIN
        "    addi sp, sp, -144\n"
        "    sd ra, 128(sp)\n"
        "    sd a0, 0(sp)\n"
        "    sd a1, 8(sp)\n"
        "    sd a2, 16(sp)\n"
        "    sd a3, 24(sp)\n"
        "    sd a4, 32(sp)\n"
        "    sd a5, 40(sp)\n"
        "    sd a6, 48(sp)\n"
        "    sd a7, 56(sp)\n"
        "    fsd fa0, 64(sp)\n"
        "    fsd fa1, 72(sp)\n"
        "    fsd fa2, 80(sp)\n"
        "    fsd fa3, 88(sp)\n"
        "    fsd fa4, 96(sp)\n"
        "    fsd fa5, 104(sp)\n"
        "    fsd fa6, 112(sp)\n"
        "    fsd fa7, 120(sp)\n"
        "    mv a0, t2\n"
        "    call hot__lazy_resolve\n"
        "    mv t1, a0\n"
        "    fld fa7, 120(sp)\n"
        "    fld fa6, 112(sp)\n"
        "    fld fa5, 104(sp)\n"
        "    fld fa4, 96(sp)\n"
        "    fld fa3, 88(sp)\n"
        "    fld fa2, 80(sp)\n"
        "    fld fa1, 72(sp)\n"
        "    fld fa0, 64(sp)\n"
        "    ld a7, 56(sp)\n"
        "    ld a6, 48(sp)\n"
        "    ld a5, 40(sp)\n"
        "    ld a4, 32(sp)\n"
        "    ld a3, 24(sp)\n"
        "    ld a2, 16(sp)\n"
        "    ld a1, 8(sp)\n"
        "    ld a0, 0(sp)\n"
        "    ld ra, 128(sp)\n"
        "    addi sp, sp, 144\n"
        "    jr t1\n"
        HOT_LAZY_ENTRY_END);
// clang-format on
