/* tool/watch.h
 * `vais-hot watch`: rebuild a program's hot library on every save.
 * Invariant: the only part of the vais-hot command that starts processes;
 * it does so through the runtime's OS seam (os.h), never through a shell. */
#ifndef VAIS_HOT_GEN_WATCH_H
#define VAIS_HOT_GEN_WATCH_H

/* The text `vais-hot --help` shows for watch. */
extern const char watch_help[];

/* Runs `vais-hot watch ...` (argv[1] is "watch") until a stop signal or a
 * usage error. Returns the process exit status: 128 + the signal that
 * stopped it (130 after Ctrl-C), 2 for a usage or I/O error. */
int watch_main(int argc, char **argv);

#endif
