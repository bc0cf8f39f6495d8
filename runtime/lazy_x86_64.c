/* runtime/lazy_x86_64.c
 * hot__lazy_entry for x86-64 System V: the first call of any hot function
 * lands here (slot index in %r11) before the library is loaded. Invariant:
 * every register that can carry an argument (rdi rsi rdx rcx r8 r9, rax for
 * variadic calls, r10, xmm0-7) reaches the real function unchanged. */
#include "runtime.h"

#if !defined(__x86_64__)
#error "vais-hot: this file is the x86-64 lazy entry; add lazy_<arch>.c for another target"
#endif

__asm__(".text\n"
        ".globl hot__lazy_entry\n"
        ".hidden hot__lazy_entry\n"
        ".type hot__lazy_entry, %function\n"
        ".p2align 4\n"
        "hot__lazy_entry:\n"
        "    pushq %rbp\n"
        "    movq %rsp, %rbp\n"
        "    subq $192, %rsp\n" /* 8 GPRs + 8 XMMs; %rsp stays 16-aligned */
        "    movq %rdi, 0(%rsp)\n"
        "    movq %rsi, 8(%rsp)\n"
        "    movq %rdx, 16(%rsp)\n"
        "    movq %rcx, 24(%rsp)\n"
        "    movq %r8, 32(%rsp)\n"
        "    movq %r9, 40(%rsp)\n"
        "    movq %rax, 48(%rsp)\n"
        "    movq %r10, 56(%rsp)\n"
        "    movdqa %xmm0, 64(%rsp)\n"
        "    movdqa %xmm1, 80(%rsp)\n"
        "    movdqa %xmm2, 96(%rsp)\n"
        "    movdqa %xmm3, 112(%rsp)\n"
        "    movdqa %xmm4, 128(%rsp)\n"
        "    movdqa %xmm5, 144(%rsp)\n"
        "    movdqa %xmm6, 160(%rsp)\n"
        "    movdqa %xmm7, 176(%rsp)\n"
        "    movl %r11d, %edi\n"
        "    call hot__lazy_resolve\n"
        "    movq %rax, %r11\n"
        "    movq 0(%rsp), %rdi\n"
        "    movq 8(%rsp), %rsi\n"
        "    movq 16(%rsp), %rdx\n"
        "    movq 24(%rsp), %rcx\n"
        "    movq 32(%rsp), %r8\n"
        "    movq 40(%rsp), %r9\n"
        "    movq 48(%rsp), %rax\n"
        "    movq 56(%rsp), %r10\n"
        "    movdqa 64(%rsp), %xmm0\n"
        "    movdqa 80(%rsp), %xmm1\n"
        "    movdqa 96(%rsp), %xmm2\n"
        "    movdqa 112(%rsp), %xmm3\n"
        "    movdqa 128(%rsp), %xmm4\n"
        "    movdqa 144(%rsp), %xmm5\n"
        "    movdqa 160(%rsp), %xmm6\n"
        "    movdqa 176(%rsp), %xmm7\n"
        "    leave\n"
        "    jmpq *%r11\n"
        ".size hot__lazy_entry, .-hot__lazy_entry\n");
