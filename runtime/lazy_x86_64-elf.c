/* runtime/lazy_x86_64-elf.c
 * hot__lazy_entry for x86-64 System V: the first call of any hot function
 * lands here (slot index in %r11) before the library is loaded. Invariant:
 * every register that can carry an argument (rdi rsi rdx rcx r8 r9, rax for
 * variadic calls, r10, and the whole vector state: xmm, ymm and zmm, saved
 * with XSAVE where the OS enables it) reaches the real function unchanged. */
#include "lazy_elf.h"
#include "runtime.h"

#include <cpuid.h>

#if !defined(__x86_64__)
#error "vais-hot: this file is the x86-64 ELF lazy entry; add lazy_<target>.c for another target"
#endif

/* Bytes XSAVE needs for the state the OS enabled; 0 without XSAVE, when
 * saving xmm0-7 is enough (no wider vectors can be live). */
extern unsigned hot__xsave_size;
__attribute__((visibility("hidden"))) unsigned hot__xsave_size;

__attribute__((constructor)) static void measure_xsave(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
        return;
    if (__get_cpuid_count(0xd, 0, &a, &b, &c, &d))
        hot__xsave_size = b;
}

/* The vector registers are saved with XSAVE into a 64-byte aligned area
 * whose header (bytes 512..575) starts zeroed, as XRSTOR requires; the mask
 * 0xee is SSE, AVX, MPX bounds and the three AVX-512 components. */
// clang-format off
__asm__(HOT_LAZY_ENTRY_BEGIN
        "    pushq %rbp\n"
        "    movq %rsp, %rbp\n"
        "    pushq %rdi\n"
        "    pushq %rsi\n"
        "    pushq %rdx\n"
        "    pushq %rcx\n"
        "    pushq %r8\n"
        "    pushq %r9\n"
        "    pushq %rax\n"
        "    pushq %r10\n"
        "    movl hot__xsave_size(%rip), %ecx\n"
        "    testl %ecx, %ecx\n"
        "    jz 1f\n"
        "    subq %rcx, %rsp\n"
        "    andq $-64, %rsp\n"
        "    xorl %eax, %eax\n"
        "    movq %rax, 512(%rsp)\n"
        "    movq %rax, 520(%rsp)\n"
        "    movq %rax, 528(%rsp)\n"
        "    movq %rax, 536(%rsp)\n"
        "    movq %rax, 544(%rsp)\n"
        "    movq %rax, 552(%rsp)\n"
        "    movq %rax, 560(%rsp)\n"
        "    movq %rax, 568(%rsp)\n"
        "    movl $0xee, %eax\n"
        "    xorl %edx, %edx\n"
        "    xsave (%rsp)\n"
        "    movl %r11d, %edi\n"
        "    call hot__lazy_resolve\n"
        "    movq %rax, %r11\n"
        "    movl $0xee, %eax\n"
        "    xorl %edx, %edx\n"
        "    xrstor (%rsp)\n"
        "    jmp 2f\n"
        "1:\n" /* no XSAVE: xmm0-7 are all the vector state there is */
        "    subq $128, %rsp\n"
        "    movdqa %xmm0, 0(%rsp)\n"
        "    movdqa %xmm1, 16(%rsp)\n"
        "    movdqa %xmm2, 32(%rsp)\n"
        "    movdqa %xmm3, 48(%rsp)\n"
        "    movdqa %xmm4, 64(%rsp)\n"
        "    movdqa %xmm5, 80(%rsp)\n"
        "    movdqa %xmm6, 96(%rsp)\n"
        "    movdqa %xmm7, 112(%rsp)\n"
        "    movl %r11d, %edi\n"
        "    call hot__lazy_resolve\n"
        "    movq %rax, %r11\n"
        "    movdqa 0(%rsp), %xmm0\n"
        "    movdqa 16(%rsp), %xmm1\n"
        "    movdqa 32(%rsp), %xmm2\n"
        "    movdqa 48(%rsp), %xmm3\n"
        "    movdqa 64(%rsp), %xmm4\n"
        "    movdqa 80(%rsp), %xmm5\n"
        "    movdqa 96(%rsp), %xmm6\n"
        "    movdqa 112(%rsp), %xmm7\n"
        "2:\n"
        "    leaq -64(%rbp), %rsp\n"
        "    popq %r10\n"
        "    popq %rax\n"
        "    popq %r9\n"
        "    popq %r8\n"
        "    popq %rcx\n"
        "    popq %rdx\n"
        "    popq %rsi\n"
        "    popq %rdi\n"
        "    popq %rbp\n"
        "    jmpq *%r11\n"
        HOT_LAZY_ENTRY_END);
// clang-format on
