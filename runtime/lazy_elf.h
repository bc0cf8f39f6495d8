/* runtime/lazy_elf.h
 * What the lazy entry (lazy_<processor>-elf.c) says in an ELF assembler
 * around its code: a global function the program's other objects do not
 * export (hidden), 16-byte aligned, with its type and size. */
#ifndef VAIS_HOT_LAZY_ELF_H
#define VAIS_HOT_LAZY_ELF_H

#define HOT_LAZY_ENTRY_BEGIN                                                                       \
    ".text\n"                                                                                      \
    ".globl hot__lazy_entry\n"                                                                     \
    ".hidden hot__lazy_entry\n"                                                                    \
    ".type hot__lazy_entry, %function\n"                                                           \
    ".p2align 4\n"                                                                                 \
    "hot__lazy_entry:\n"

#define HOT_LAZY_ENTRY_END ".size hot__lazy_entry, .-hot__lazy_entry\n"

#endif
