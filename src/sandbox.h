/* sandbox.h — what templates can reach in a Lua state: a few base functions
 * and Lua's string, table, math and utf8 libraries, made safe to share
 * between the pages one state renders.
 *
 * Nothing a template does changes what the next template sees: each render
 * gets its own copies of the string, table, math and utf8 tables
 * (sandbox_push_libs(), a few dozen fields: a render may replace
 * string.upper for itself), the values handed over (frozen views) and the
 * libraries in the shared globals are read-only, and the string metatable
 * leads to a string library that no template can reach to change. Nothing depends on where
 * things happen to lie in memory: pairs() and next() visit keys in a fixed
 * order (numbers ascending, then strings byte by byte, then false, true),
 * tostring() of a table or function is its type name, string.format refuses
 * %p, table.sort is a stable merge sort. Library work that runs in C without
 * the instruction hook (pattern matching, table.move, shifting table.insert,
 * string.rep, scanning a long string) is charged to a step meter.
 */
#ifndef VADE_SANDBOX_H
#define VADE_SANDBOX_H

#include "pattern.h"

#include <lauxlib.h>
#include <lua.h>

/* Sets up L's read-only views and its string metatable, and pushes the table of
 * safe globals. m is borrowed: it must outlive L. */
void sandbox_open(lua_State *L, struct step_meter *m);

/* Pushes a table of a render's own libraries: copies of string, table, math, utf8. */
void sandbox_push_libs(lua_State *L);

/* Sets to[k] = v for every field of from (raw: no metamethods). */
void sandbox_copy(lua_State *L, int from, int to);

/* Pushes the text of the value at idx: tostring()'s, without addresses. */
void sandbox_tostring(lua_State *L, int idx);

/* Replaces the table at the top of the stack by a read-only view of it, deeply. A table
 * with a metatable (a view already, or one of model.c's page views) is left as it is. */
void sandbox_freeze(lua_State *L);

/* The __newindex of every read-only value templates see (a lua_CFunction): raises the error
 * that says so. */
int sandbox_readonly(lua_State *L);

/* Pushes a metatable for read-only values of one kind: fns (luaL_setfuncs: each a closure over
 * the nup values at the top of the stack, which it pops), then __newindex = sandbox_readonly and
 * __metatable = "read-only" (templates can neither change nor replace it). freeze leaves a table
 * with such a metatable as it is. next(view, k) calls fns' __next(view, k) when there is one (a
 * list that finds the key after k at once), else walks __pairs' order from the start. */
void sandbox_push_view_meta(lua_State *L, const luaL_Reg *fns, int nup);

/* Adds n steps to m; raises the step-limit error when m is past its limit. */
void sandbox_charge(lua_State *L, struct step_meter *m, long n);

/* Raises the error of a render that ran out of steps. */
int sandbox_over(lua_State *L, const struct step_meter *m);

#endif
