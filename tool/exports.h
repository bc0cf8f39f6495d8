/* tool/exports.h
 * `vais-hot check`: at build time, whether the core exports every symbol its
 * hot library needs from it. Invariant: reads files, writes none. */
#ifndef VAIS_HOT_GEN_EXPORTS_H
#define VAIS_HOT_GEN_EXPORTS_H

/* The text `vais-hot --help` shows for check. */
extern const char exports_help[];

/* Runs `vais-hot check ...` (argv[1] is "check"). Returns the process exit
 * status: 0 (nothing wrong, or a warning), 1 (the library needs what the
 * core hides: one error line per symbol), 2 (usage or I/O). */
int exports_main(int argc, char **argv);

#endif
