/* runtime/elf_machine.h
 * What the image readers must know of each processor whose ELF files they
 * read: its name and the kinds of dynamic relocation its loader applies.
 * The readers take the machine from the file, so the vais-hot command reads
 * a cross build's files as the runtime on the target does. Invariant: a
 * file of a machine not listed here is refused, never read with another
 * machine's relocation kinds. */
#ifndef VAIS_HOT_ELF_MACHINE_H
#define VAIS_HOT_ELF_MACHINE_H

#include <stddef.h>

#define HOT_ELF_MAX_KINDS 12

struct hot__elf_machine {
    unsigned number;        /* e_machine */
    const char *name;       /* in messages, e.g. "x86-64" */
    unsigned long none;     /* the kind that does nothing */
    unsigned long relative; /* where the library was loaded plus the addend */
    unsigned long resolved; /* what the resolver at the addend returns (IRELATIVE) */
    unsigned long pointer;  /* the symbol's address plus the addend */
    unsigned long address;  /* the symbol's address (GLOB_DAT) */
    unsigned long jump;     /* the symbol's address, in the PLT's table (JUMP_SLOT) */
    unsigned long known[HOT_ELF_MAX_KINDS]; /* every other kind its loader applies; 0 ends
                                               the list (none is 0 on every machine listed) */
};

/* The machine numbered e_machine, or NULL if vais-hot does not read its files. */
const struct hot__elf_machine *hot__elf_machine(unsigned e_machine);

/* The name of any e_machine, listed or not ("an unknown machine"). */
const char *hot__elf_machine_name(unsigned e_machine);

/* The e_machine of the program running this code; 0 on a processor not
 * listed. */
unsigned hot__elf_host_machine(void);

#endif
