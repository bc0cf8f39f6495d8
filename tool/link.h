/* tool/link.h
 * `vais-hot link`: runs the core's link (as its linker launcher) and, when
 * it fails because the core calls functions that hot sources define
 * without '#[hot]', says so in one line per function in place of the
 * linker's own errors about them. Invariant: the link's command and its
 * result are never changed; only what it said about those functions. */
#ifndef VAIS_HOT_GEN_LINK_H
#define VAIS_HOT_GEN_LINK_H

/* The text `vais-hot --help` shows for link. */
extern const char link_help[];

/* Runs `vais-hot link LIST -- COMMAND...` (argv[1] is "link"). Returns the
 * link's exit status, or 2 on a usage or I/O error of its own. */
int link_main(int argc, char **argv);

#endif
