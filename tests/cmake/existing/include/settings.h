/* tests/cmake/existing/include/settings.h: reached through the target's
 * include directories, by the core and the hot code alike. */
#ifndef SETTINGS_H
#define SETTINGS_H
#define SETTINGS_EXTRA 20
#endif
