/* runtime/elf_check.h
 * Checks a library file before the dynamic loader sees it: the loader maps
 * what the headers say, so a truncated or foreign file must be refused here,
 * where it costs a message instead of a SIGBUS. */
#ifndef VAIS_HOT_ELF_CHECK_H
#define VAIS_HOT_ELF_CHECK_H

#include <stddef.h>

/* head holds the first head_len bytes of a file of file_size bytes. Returns
 * 0 if it is a shared library for this machine whose program and section
 * headers and segments all lie within the file; otherwise -1 with what is
 * wrong in err, phrased to follow the file's name ("is truncated ..."). */
int hot__elf_check(const unsigned char *head, size_t head_len, long long file_size, char *err,
                   size_t errlen);

/* 1 if, in the checked file image[0..size), [address - before, address +
 * after) lies in the file's bytes of one executable segment, addresses as
 * linked: code the loader maps, that can be read once mapped. */
int hot__elf_in_code(const unsigned char *image, size_t size, unsigned long long address,
                     unsigned long long before, unsigned long long after);

#endif
