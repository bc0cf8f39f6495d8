/* runtime/elf_numbers.h
 * <elf.h>, and the numbers of the ELF gABI and the processors' psABIs that
 * the image readers use but a C library's <elf.h> may lack (musl 1.2.3 has
 * no RELR, nor IRELATIVE for AArch64 and RISC-V). Each is defined only
 * where <elf.h> did not; the values are the specifications'. */
#ifndef VAIS_HOT_ELF_NUMBERS_H
#define VAIS_HOT_ELF_NUMBERS_H

#include <elf.h>

#ifndef DT_RELRSZ
#define DT_RELRSZ 35
#endif
#ifndef DT_RELR
#define DT_RELR 36
#endif
#ifndef R_AARCH64_IRELATIVE
#define R_AARCH64_IRELATIVE 1032
#endif
#ifndef R_RISCV_IRELATIVE
#define R_RISCV_IRELATIVE 58
#endif

#endif
