/* Lua's way: an export macro before a typedef'd return type, and names in
 * parentheses. The name is the identifier right before the parameter list;
 * the words before it are the type's, compared as written. */
#define LUA_API extern
#define LUALIB_API LUA_API

typedef double lua_Number;
typedef struct lua_State lua_State;

#[hot]
LUALIB_API lua_Number luaL_checknumber (lua_State *L, int arg) {
    return L ? (lua_Number)arg : 0;
}

#[hot]
LUA_API int (lua_gettop) (lua_State *L) {
    return L != 0;
}

#[hot]
LUALIB_API lua_Number (luaL_optnumber) (lua_State *L, int arg, lua_Number def) {
    return L ? (lua_Number)arg : def;
}
