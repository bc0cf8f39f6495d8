/* runtime/lazy_x86_64-coff.c
 * hot__lazy_entry for the Windows x64 calling convention: the first call of
 * any hot function lands here (slot index in r11) before the library is
 * loaded. Invariant: every register that can carry an argument (rcx, rdx,
 * r8, r9; xmm0-xmm5, the six __vectorcall uses, of which the usual
 * convention uses four) reaches the real function unchanged, and so does
 * the stack (arguments past the fourth, and the caller's shadow space).
 * The upper halves of ymm0-ymm5 are not kept: a __vectorcall function that
 * takes __m256 arguments must not be hot. The entry pushes and calls, so it
 * carries unwind information (.seh_*), without which an exception raised
 * while the library loads could not unwind through it. */
#include "runtime.h"

#if !defined(__x86_64__) || !defined(_WIN32)
#error "vais-hot: this file is the x86-64 COFF lazy entry; add lazy_<target>.c for another target"
#endif

/* The frame: rbp pushed (the stack is then 16-byte aligned), then 160
 * bytes: the callee's 32-byte shadow space, rcx rdx r8 r9 at 32..63, and
 * xmm0-xmm5 at 64..159, aligned for movdqa. */
// clang-format off
__asm__(".text\n"
        ".globl hot__lazy_entry\n"
        ".def hot__lazy_entry; .scl 2; .type 32; .endef\n"
        ".p2align 4\n"
        ".seh_proc hot__lazy_entry\n"
        "hot__lazy_entry:\n"
        "    pushq %rbp\n"
        "    .seh_pushreg %rbp\n"
        "    movq %rsp, %rbp\n"
        "    .seh_setframe %rbp, 0\n"
        "    subq $160, %rsp\n"
        "    .seh_stackalloc 160\n"
        "    .seh_endprologue\n"
        "    movq %rcx, 32(%rsp)\n"
        "    movq %rdx, 40(%rsp)\n"
        "    movq %r8, 48(%rsp)\n"
        "    movq %r9, 56(%rsp)\n"
        "    movdqa %xmm0, 64(%rsp)\n"
        "    movdqa %xmm1, 80(%rsp)\n"
        "    movdqa %xmm2, 96(%rsp)\n"
        "    movdqa %xmm3, 112(%rsp)\n"
        "    movdqa %xmm4, 128(%rsp)\n"
        "    movdqa %xmm5, 144(%rsp)\n"
        "    movl %r11d, %ecx\n"
        "    call hot__lazy_resolve\n"
        "    movq %rax, %r11\n"
        "    movq 32(%rsp), %rcx\n"
        "    movq 40(%rsp), %rdx\n"
        "    movq 48(%rsp), %r8\n"
        "    movq 56(%rsp), %r9\n"
        "    movdqa 64(%rsp), %xmm0\n"
        "    movdqa 80(%rsp), %xmm1\n"
        "    movdqa 96(%rsp), %xmm2\n"
        "    movdqa 112(%rsp), %xmm3\n"
        "    movdqa 128(%rsp), %xmm4\n"
        "    movdqa 144(%rsp), %xmm5\n"
        "    leaq 0(%rbp), %rsp\n"
        "    popq %rbp\n"
        "    rex64 jmpq *%r11\n" /* with REX.W, as the unwinder knows an epilogue's tail jump */
        ".seh_endproc\n");
// clang-format on
