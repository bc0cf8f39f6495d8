/* runtime/elf_machine.c
 * The processors whose ELF files vais-hot reads, each with the relocation
 * kinds of its psABI. */
#include "elf_machine.h"

#include "elf_format.h"

static const struct hot__elf_machine machines[] = {
    {
        .number = EM_X86_64,
        .name = "x86-64",
        .none = R_X86_64_NONE,
        .relative = R_X86_64_RELATIVE,
        .resolved = R_X86_64_IRELATIVE,
        .pointer = R_X86_64_64,
        .address = R_X86_64_GLOB_DAT,
        .jump = R_X86_64_JUMP_SLOT,
        .known = {R_X86_64_64, R_X86_64_GLOB_DAT, R_X86_64_JUMP_SLOT, R_X86_64_RELATIVE,
                  R_X86_64_DTPMOD64, R_X86_64_DTPOFF64, R_X86_64_TPOFF64, R_X86_64_IRELATIVE},
    },
    {
        .number = EM_AARCH64,
        .name = "aarch64",
        .none = R_AARCH64_NONE,
        .relative = R_AARCH64_RELATIVE,
        .resolved = R_AARCH64_IRELATIVE,
        .pointer = R_AARCH64_ABS64,
        .address = R_AARCH64_GLOB_DAT,
        .jump = R_AARCH64_JUMP_SLOT,
        .known = {R_AARCH64_ABS64, R_AARCH64_GLOB_DAT, R_AARCH64_JUMP_SLOT, R_AARCH64_RELATIVE,
                  R_AARCH64_TLS_DTPMOD, R_AARCH64_TLS_DTPREL, R_AARCH64_TLS_TPREL,
                  R_AARCH64_TLSDESC, R_AARCH64_IRELATIVE},
    },
    {
        /* No GLOB_DAT: a GOT entry is a plain 64-bit pointer. */
        .number = EM_RISCV,
        .name = "riscv64",
        .none = R_RISCV_NONE,
        .relative = R_RISCV_RELATIVE,
        .resolved = R_RISCV_IRELATIVE,
        .pointer = R_RISCV_64,
        .address = R_RISCV_64,
        .jump = R_RISCV_JUMP_SLOT,
        .known = {R_RISCV_64, R_RISCV_JUMP_SLOT, R_RISCV_RELATIVE, R_RISCV_TLS_DTPMOD64,
                  R_RISCV_TLS_DTPREL64, R_RISCV_TLS_TPREL64, R_RISCV_IRELATIVE},
    },
};

const struct hot__elf_machine *hot__elf_machine(unsigned e_machine)
{
    for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++) {
        if (machines[i].number == e_machine)
            return &machines[i];
    }
    return NULL;
}

const char *hot__elf_machine_name(unsigned e_machine)
{
    const struct hot__elf_machine *m = hot__elf_machine(e_machine);
    if (m)
        return m->name;
    switch (e_machine) {
    case EM_386:
        return "x86 (32-bit)";
    case EM_ARM:
        return "arm (32-bit)";
    case EM_PPC64:
        return "powerpc64";
    default:
        return "an unknown machine";
    }
}

unsigned hot__elf_host_machine(void)
{
#if defined(__x86_64__)
    return EM_X86_64;
#elif defined(__aarch64__)
    return EM_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
    return EM_RISCV;
#else
    return 0;
#endif
}
