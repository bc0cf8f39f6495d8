/* Marking a real library's file: one run reports the first error of every
 * definition, and reads the good ones between them. */
#include <errno.h>
#include "lauxlib.h"

#[hot]
static int typeerror (lua_State *L, int arg, const char *tname) {
  return luaL_argerror(L, arg, tname);
}

#[hot]
LUALIB_API int luaL_argerror (lua_State *L, int arg, const char *extramsg) {
  return arg + (L != 0) + (extramsg != 0);
}

#[hot]
LUALIB_API int luaL_typeerror (L, arg, tname)
  lua_State *L; int arg; const char *tname;
{
  return typeerror(L, arg, tname);
}

LUALIB_API int luaL_fileresult (lua_State *L, int stat, const char *fname) {
#[hot]
  int en = errno;
  return en + stat + (L != 0) + (fname != 0);
}

#[hot]
LUALIB_API int (luaL_getmetafield) (lua_State *L, int obj, const char *event);

#[hot]
#[hot]
LUALIB_API lua_Integer luaL_len (lua_State *L, int idx) {
  return (L != 0) + idx;
}

#[hot]
LUALIB_API void luaL_where (lua_State *L, int level) __asm__("where") {
  (void)L, (void)level;
}

#[hot]
int main(void) {
  return 0;
}
