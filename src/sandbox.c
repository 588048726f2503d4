/* sandbox.c — the library templates see (sandbox.h). */
#include "sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What work in C costs in steps, about as long as that many Lua instructions take:
 * moving or comparing one table element, scanning bytes of a string. */
#define STEPS_PER_ELEMENT 4
#define BYTES_PER_STEP 4

static struct step_meter *meter_of(lua_State *L, int upvalue)
{
	return lua_touserdata(L, lua_upvalueindex(upvalue));
}

int sandbox_over(lua_State *L, const struct step_meter *m)
{
	return luaL_error(L, "template ran more than %d million steps and was stopped (an endless loop?)",
	                  (int)(m->limit / 1000000));
}

void sandbox_charge(lua_State *L, struct step_meter *m, long n)
{
	m->steps = n > LONG_MAX - m->steps ? LONG_MAX : m->steps + n;
	if (m->steps > m->limit)
		sandbox_over(L, m);
}

void sandbox_tostring(lua_State *L, int idx)
{
	int t = lua_type(L, idx);
	if (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TUSERDATA || t == LUA_TLIGHTUSERDATA ||
	    t == LUA_TTHREAD) {
		if (luaL_getmetafield(L, idx, "__tostring") == LUA_TNIL) {
			lua_pushstring(L, lua_typename(L, t));
			return;
		}
		lua_pop(L, 1);
	}
	luaL_tolstring(L, idx, NULL);
}

/* {======= a fixed order of keys */

/* A key as pairs() orders it: numbers ascending, then strings byte by byte, then false, true. */
struct key {
	int rank;          /* 0 number, 1 string, 2 boolean */
	bool isint;
	lua_Integer i;     /* the integer, or the boolean as 0 or 1 */
	lua_Number d;
	const char *s;     /* borrowed from the table that holds the key */
	size_t len;
	lua_Integer slot;  /* where the key stands in the unsorted list */
};

static void key_of(lua_State *L, int idx, struct key *k)
{
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
		k->rank = 0;
		k->isint = lua_isinteger(L, idx);
		k->i = k->isint ? lua_tointeger(L, idx) : 0;
		k->d = lua_tonumber(L, idx);
		return;
	case LUA_TSTRING:
		k->rank = 1;
		k->s = lua_tolstring(L, idx, &k->len);
		return;
	case LUA_TBOOLEAN:
		k->rank = 2;
		k->i = lua_toboolean(L, idx);
		return;
	default:
		luaL_error(L, "pairs() and next() visit keys in a fixed order, which a %s as a key does not have",
		           luaL_typename(L, idx));
	}
}

static int key_cmp(const struct key *a, const struct key *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->rank == 1) {
		int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
		return c ? c : a->len < b->len ? -1 : a->len > b->len;
	}
	if (a->rank == 0 && !(a->isint && b->isint)) {
		if (a->d != b->d)
			return a->d < b->d ? -1 : 1;
		/* equal as floats: an integer too large for a double's precision; integers first */
		return a->isint == b->isint ? 0 : a->isint ? -1 : 1;
	}
	return a->i < b->i ? -1 : a->i > b->i;
}

static int key_qcmp(const void *a, const void *b)
{
	return key_cmp(a, b);
}

/* Pushes the list of the keys of table t in order (cached for a frozen table: it never changes). */
static void push_sorted_keys(lua_State *L, int t, struct step_meter *m, bool frozen)
{
	t = lua_absindex(L, t);
	if (frozen) {
		lua_getfield(L, LUA_REGISTRYINDEX, "vade.keys");
		lua_pushvalue(L, t);
		if (lua_rawget(L, -2) != LUA_TNIL) {
			lua_remove(L, -2);
			return;
		}
		lua_pop(L, 2);
	}
	lua_newtable(L);
	int list = lua_gettop(L);
	lua_Integer n = 0;
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_rawseti(L, list, ++n);
	}
	sandbox_charge(L, m, (long)n);
	struct key *ks = lua_newuserdatauv(L, (size_t)n * sizeof *ks, 0); /* freed by the collector, even on error */
	for (lua_Integer i = 0; i < n; i++) {
		lua_rawgeti(L, list, i + 1);
		key_of(L, -1, &ks[i]);
		ks[i].slot = i + 1;
		lua_pop(L, 1);
	}
	qsort(ks, (size_t)n, sizeof *ks, key_qcmp);
	lua_createtable(L, (int)n, 0);
	for (lua_Integer i = 0; i < n; i++) {
		lua_rawgeti(L, list, ks[i].slot);
		lua_rawseti(L, -2, i + 1);
	}
	lua_replace(L, list);
	lua_settop(L, list);
	if (frozen) {
		lua_getfield(L, LUA_REGISTRYINDEX, "vade.keys");
		lua_pushvalue(L, t);
		lua_pushvalue(L, list);
		lua_rawset(L, -3);
		lua_pop(L, 1);
	}
}

/* The iterator pairs() returns: upvalues the sorted keys, the table read, the position. */
static int sorted_next(lua_State *L)
{
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
	for (;;) {
		if (lua_rawgeti(L, lua_upvalueindex(1), ++i) == LUA_TNIL)
			return 1;
		lua_pushinteger(L, i);
		lua_replace(L, lua_upvalueindex(3));
		lua_pushvalue(L, -1);
		if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL)
			return 2;
		lua_pop(L, 2); /* removed since: skipped */
	}
}

/* Pushes pairs()'s three values for the table at t, with state as the visible state. */
static int push_pairs(lua_State *L, int t, int state, struct step_meter *m, bool frozen)
{
	t = lua_absindex(L, t);
	state = lua_absindex(L, state);
	push_sorted_keys(L, t, m, frozen);
	lua_pushvalue(L, t);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, sorted_next, 3);
	lua_pushvalue(L, state);
	lua_pushnil(L);
	return 3;
}

/* pairs(t): a __pairs of the value's (read-only views have one), else t's keys in order. */
static int l_pairs(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return 3;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	return push_pairs(L, 1, 1, meter_of(L, 1), false);
}

/* next(view, k) of a value with a __pairs (read-only views): the key after k in the order pairs()
 * gives, found by walking it from the start, each key walked a step on the meter (as next() of a
 * table is charged for its pass). */
static int view_next(lua_State *L)
{
	lua_pushvalue(L, 1);
	lua_call(L, 1, 3); /* 3, 4, 5: pairs()'s function, state and control */
	bool want = lua_isnil(L, 2);
	for (long n = 1;; n++) {
		lua_pushvalue(L, 3);
		lua_pushvalue(L, 4);
		lua_pushvalue(L, 5);
		lua_call(L, 2, 2);
		if (lua_isnil(L, -2) || want) {
			sandbox_charge(L, meter_of(L, 1), n);
			return lua_isnil(L, -2) ? 1 : 2;
		}
		want = lua_rawequal(L, -2, 2);
		lua_pop(L, 1);
		lua_replace(L, 5);
	}
}

/* next(t [, k]): the key after k in pairs()'s order, found in one pass over t. */
static int l_next(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	if (luaL_getmetafield(L, 1, "__next") != LUA_TNIL) { /* a view that finds the next key itself */
		lua_insert(L, 1);
		lua_call(L, 2, 2);
		return lua_isnil(L, 1) ? 1 : 2;
	}
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL)
		return view_next(L);
	lua_pushnil(L); /* 3: the best key so far */
	bool after = !lua_isnil(L, 2), found = false;
	struct key from, best, k;
	if (after)
		key_of(L, 2, &from);
	long n = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		n++;
		key_of(L, -1, &k);
		if ((after && key_cmp(&k, &from) <= 0) || (found && key_cmp(&k, &best) >= 0))
			continue;
		best = k;
		found = true;
		lua_pushvalue(L, -1);
		lua_replace(L, 3);
	}
	sandbox_charge(L, meter_of(L, 1), n);
	if (!found)
		return 1;
	lua_pushvalue(L, 3);
	lua_rawget(L, 1);
	return 2;
}

/* }======= */

/* {======= read-only views */

int sandbox_readonly(lua_State *L)
{
	return luaL_error(L, "site values are read-only in templates (copy them into a local table first)");
}

void sandbox_push_view_meta(lua_State *L, const luaL_Reg *fns, int nup)
{
	lua_createtable(L, 0, 6);
	lua_insert(L, -(nup + 1));
	luaL_setfuncs(L, fns, nup);
	lua_pushcfunction(L, sandbox_readonly);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
}

/* Read-only views: a proxy table per real table, all sharing one metatable, so
 * a frozen table costs a small table, not a metatable of its own. The proxy
 * holds its real table under a light userdata key (&real_key), which no
 * template can make or read (every read goes through the metatable): the real
 * table lives and goes with its proxy. A map from proxies to real tables did
 * that too, but a strong map kept every view ever made for the build (one
 * made on each read grew without end), and a weak one (an ephemeron table)
 * made the collector's work grow with the number of views. */
static const char real_key = 0;

static void real_of(lua_State *L, int proxy)
{
	lua_rawgetp(L, proxy, &real_key);
}

static int l_ro_index(lua_State *L)
{
	real_of(L, 1);
	lua_pushvalue(L, 2);
	lua_rawget(L, -2);
	return 1;
}

static int l_ro_len(lua_State *L)
{
	real_of(L, 1);
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
	return 1;
}

/* The view is the state pairs() returns: the real table never reaches the template. */
static int l_ro_pairs(lua_State *L)
{
	real_of(L, 1);
	return push_pairs(L, -1, 1, meter_of(L, 1), true);
}

/* Deep read-only view of the table at the top. seen (at index seen) maps real
 * tables to their proxies, for shared and cyclic values; meta is the shared metatable. */
static void freeze(lua_State *L, int seen, int meta)
{
	/* One level of the site model per call: pages nest children, so this goes deep. */
	luaL_checkstack(L, 8, "site model nested too deeply");
	int t = lua_gettop(L);
	if (lua_getmetatable(L, t)) {
		/* Already a read-only view, or a table C gave a metatable of its own (model.c's
		 * page views), read-only by it; templates cannot set metatables. */
		lua_pop(L, 1);
		return;
	}
	lua_pushvalue(L, t);
	if (lua_rawget(L, seen) != LUA_TNIL) {
		lua_replace(L, t);
		return;
	}
	lua_pop(L, 1);
	lua_newtable(L); /* proxy */
	lua_pushvalue(L, t);
	lua_pushvalue(L, -2);
	lua_rawset(L, seen);
	lua_pushvalue(L, t);
	lua_rawsetp(L, -2, &real_key);
	/* Freeze the values in place: the real table is reachable only through the proxy. */
	lua_pushnil(L);
	while (lua_next(L, t)) {
		if (lua_type(L, -1) == LUA_TTABLE) {
			freeze(L, seen, meta);
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, t);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_pushvalue(L, meta);
	lua_setmetatable(L, -2);
	lua_replace(L, t);
}

void sandbox_freeze(lua_State *L)
{
	if (!lua_istable(L, -1))
		return;
	int t = lua_gettop(L);
	/* the tables this freeze met: a real table is reachable only through its proxy afterwards, so
	 * no later freeze meets it again (a registry-wide map of them, weak-keyed, made the collector
	 * work through every view there was at each cycle) */
	lua_newtable(L);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.rometa");
	lua_pushvalue(L, t);
	freeze(L, t + 1, t + 2);
	lua_replace(L, t);
	lua_settop(L, t);
}

static void weak_keyed_table(lua_State *L)
{
	lua_newtable(L);
	lua_newtable(L);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
}

/* The registry entries read-only views use: their sorted keys, the metatable. */
static void open_views(lua_State *L, struct step_meter *m)
{
	weak_keyed_table(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.keys");
	static const luaL_Reg ro[] = {{"__index", l_ro_index}, {"__len", l_ro_len}, {"__pairs", l_ro_pairs},
	                              {NULL, NULL}};
	lua_pushlightuserdata(L, m);
	sandbox_push_view_meta(L, ro, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.rometa");
}

/* }======= */

/* {======= functions that differ from Lua's */

static int l_tostring(lua_State *L)
{
	luaL_checkany(L, 1);
	sandbox_tostring(L, 1);
	return 1;
}

/* string.format (Lua's is upvalue 2) without addresses: %p is refused, %s of a table or function is its type. */
static int l_format(lua_State *L)
{
	size_t n;
	const char *f = luaL_checklstring(L, 1, &n);
	int arg = 1, top = lua_gettop(L);
	for (size_t i = 0; i < n; i++) {
		if (f[i] != '%' || (++i < n && f[i] == '%'))
			continue;
		arg++;
		while (i < n && f[i] && strchr("-+ #0123456789.", f[i]))
			i++;
		if (i < n && f[i] == 'p')
			return luaL_error(L, "string.format: %%p is not allowed in templates (addresses change from run to run)");
		if (i < n && f[i] == 's' && arg <= top && lua_type(L, arg) >= LUA_TTABLE) {
			sandbox_tostring(L, arg);
			lua_replace(L, arg);
		}
	}
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_insert(L, 1);
	lua_call(L, top, LUA_MULTRET);
	return lua_gettop(L);
}

/* Whether the value at b sorts before the one at a, by the comparison function at cmp (0: <). */
static bool sorts_before(lua_State *L, int cmp, int b, int a)
{
	if (!cmp)
		return lua_compare(L, b, a, LUA_OPLT);
	lua_pushvalue(L, cmp);
	lua_pushvalue(L, b);
	lua_pushvalue(L, a);
	lua_call(L, 2, 1);
	bool r = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return r;
}

/* Merges src[lo..mid] and src[mid+1..hi] into dst; on ties the left run first. */
static void merge(lua_State *L, int cmp, int src, int dst, lua_Integer lo, lua_Integer mid, lua_Integer hi)
{
	lua_Integer i = lo, j = mid + 1;
	for (lua_Integer k = lo; k <= hi; k++) {
		bool right = false;
		if (i > mid) {
			right = true;
		} else if (j <= hi) {
			lua_rawgeti(L, src, i);
			lua_rawgeti(L, src, j);
			right = sorts_before(L, cmp, lua_gettop(L), lua_gettop(L) - 1);
			lua_pop(L, 2);
		}
		lua_rawgeti(L, src, right ? j++ : i++);
		lua_rawseti(L, dst, k);
	}
}

/* table.sort(list [, comp]): a stable merge sort, so equal elements keep their order on every run
 * (Lua's quicksort picks a random pivot when a partition is lopsided). */
static int l_sort(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_Integer n = luaL_len(L, 1);
	if (n < 2)
		return 0;
	luaL_argcheck(L, n < INT32_MAX, 1, "array too big");
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TFUNCTION);
	int cmp = lua_isnoneornil(L, 2) ? 0 : 2;
	lua_settop(L, 2);
	lua_createtable(L, (int)n, 0);
	lua_createtable(L, (int)n, 0);
	int src = 3, dst = 4;
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 1, i);
		lua_rawseti(L, src, i);
	}
	for (lua_Integer w = 1; w < n; w *= 2) {
		sandbox_charge(L, meter_of(L, 1), (long)n * STEPS_PER_ELEMENT);
		for (lua_Integer lo = 1; lo <= n; lo += 2 * w) {
			lua_Integer mid = lo + w - 1 < n ? lo + w - 1 : n, hi = lo + 2 * w - 1 < n ? lo + 2 * w - 1 : n;
			merge(L, cmp, src, dst, lo, mid, hi);
		}
		int t = src;
		src = dst;
		dst = t;
	}
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, src, i);
		lua_seti(L, 1, i);
	}
	return 0;
}

/* }======= */

/* {======= library work charged to the meter */

typedef long cost_fn(lua_State *L);

/* n elements' worth of steps, at most LONG_MAX. */
static long elements(lua_Unsigned n)
{
	return n > (lua_Unsigned)(LONG_MAX / STEPS_PER_ELEMENT) ? LONG_MAX : (long)n * STEPS_PER_ELEMENT;
}

/* Argument i as an integer (an integral float too, as Lua's functions take it), or 0. */
static lua_Integer int_arg(lua_State *L, int i, bool *is)
{
	int ok;
	lua_Integer v = lua_tointegerx(L, i, &ok);
	if (is)
		*is = ok;
	return ok ? v : 0;
}

static size_t str_arg_len(lua_State *L, int i)
{
	return lua_type(L, i) == LUA_TSTRING ? lua_rawlen(L, i) : 0;
}

/* string.rep(s, n [, sep]): n rounds. The bytes they write are charged as they are
 * allocated; with s and sep empty nothing is, and the rounds still run. */
static long cost_rep(lua_State *L)
{
	lua_Integer n = int_arg(L, 2, NULL);
	return n > 0 && str_arg_len(L, 1) + str_arg_len(L, 3) == 0 ? elements((lua_Unsigned)n) : 0;
}

/* table.move(a1, f, e, t [, a2]): e - f + 1 elements. */
static long cost_move(lua_State *L)
{
	bool fi, ei;
	lua_Integer f = int_arg(L, 2, &fi), e = int_arg(L, 3, &ei);
	return !fi || !ei || e < f ? 0 : elements((lua_Unsigned)e - (lua_Unsigned)f + 1);
}

/* table.insert(t, pos, v) and table.remove(t, pos): the elements after pos move. */
static long shifted(lua_State *L, int nargs)
{
	bool is;
	lua_Integer pos = int_arg(L, 2, &is), n = lua_istable(L, 1) ? (lua_Integer)lua_rawlen(L, 1) : 0;
	return lua_gettop(L) >= nargs && is && pos < n ? elements((lua_Unsigned)n - (lua_Unsigned)pos) : 0;
}

static long cost_insert(lua_State *L)
{
	return shifted(L, 3);
}

static long cost_remove(lua_State *L)
{
	return shifted(L, 2);
}

/* utf8.len, utf8.offset, utf8.codepoint, tonumber: a scan of the string. */
static long cost_scan(lua_State *L)
{
	return (long)(str_arg_len(L, 1) / BYTES_PER_STEP);
}

/* Charges the cost (upvalue 3) to the meter (upvalue 1), then calls Lua's function (upvalue 2). */
static int l_metered(lua_State *L)
{
	cost_fn *cost = (cost_fn *)(uintptr_t)lua_touserdata(L, lua_upvalueindex(3));
	sandbox_charge(L, meter_of(L, 1), 1 + cost(L));
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

/* }======= */

/* {======= the globals */

struct override {
	const char *name;
	lua_CFunction fn; /* replaces Lua's function, given the meter and Lua's function as upvalues */
	cost_fn *cost;    /* or: Lua's function, charging this first; neither: dropped */
};

/* Sets t[name] from the override, Lua's function being src[name]. */
static void apply(lua_State *L, int t, int src, const struct override *ov, struct step_meter *m)
{
	if (!ov->fn && !ov->cost) {
		lua_pushnil(L);
	} else {
		lua_pushlightuserdata(L, m);
		lua_getfield(L, src, ov->name);
		if (ov->cost) {
			lua_pushlightuserdata(L, (void *)(uintptr_t)ov->cost);
			lua_pushcclosure(L, l_metered, 3);
		} else {
			lua_pushcclosure(L, ov->fn, 2);
		}
	}
	lua_setfield(L, t, ov->name);
}

/* Pushes a copy of the library lib, with the overrides applied. */
static void copy_lib(lua_State *L, int loaded, const char *lib, const struct override *ov, struct step_meter *m)
{
	lua_newtable(L);
	int t = lua_gettop(L);
	lua_getfield(L, loaded, lib);
	sandbox_copy(L, -1, t);
	lua_pop(L, 1);
	for (; ov->name; ov++)
		apply(L, t, t, ov, m);
}

static int l_lib_readonly(lua_State *L)
{
	return luaL_error(L, "%s is read-only in templates (libraries are shared by every page)",
	                  lua_tostring(L, lua_upvalueindex(1)));
}

static int l_lib_pairs(lua_State *L)
{
	return push_pairs(L, lua_upvalueindex(1), 1, meter_of(L, 2), true);
}

/* Pushes the metatable of a read-only view of library lib (on top) named name. */
static void push_lib_meta(lua_State *L, const char *name, struct step_meter *m)
{
	int lib = lua_gettop(L);
	lua_createtable(L, 0, 4);
	lua_pushvalue(L, lib);
	lua_setfield(L, -2, "__index");
	lua_pushstring(L, name);
	lua_pushcclosure(L, l_lib_readonly, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, lib);
	lua_pushlightuserdata(L, m);
	lua_pushcclosure(L, l_lib_pairs, 2);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
}

/* Not here: io, os, require, load, dofile, loadfile, debug, package,
 * collectgarbage, print, coroutine, pcall/xpcall (they would swallow the step
 * limit), setmetatable/getmetatable/rawget/rawset (they would undo read-only
 * views), math.random (output must be reproducible), string.dump. */
static const char *const base_kept[] = {"assert", "error", "ipairs", "select", "type", "rawequal", "rawlen", NULL};
static const struct override base_own[] = {{"pairs", l_pairs, NULL}, {"next", l_next, NULL},
                                           {"tostring", l_tostring, NULL}, {"tonumber", NULL, cost_scan},
                                           {NULL, NULL, NULL}};
static const struct override string_own[] = {{"dump", NULL, NULL}, {"format", l_format, NULL},
                                              {"rep", NULL, cost_rep}, {NULL, NULL, NULL}};
static const struct override table_own[] = {{"sort", l_sort, NULL}, {"move", NULL, cost_move},
                                            {"insert", NULL, cost_insert}, {"remove", NULL, cost_remove},
                                            {NULL, NULL, NULL}};
static const struct override math_own[] = {{"random", NULL, NULL}, {"randomseed", NULL, NULL}, {NULL, NULL, NULL}};
static const struct override utf8_own[] = {{"len", NULL, cost_scan}, {"offset", NULL, cost_scan},
                                           {"codepoint", NULL, cost_scan}, {NULL, NULL, NULL}};

void sandbox_open(lua_State *L, struct step_meter *m)
{
	open_views(L, m);
	lua_newtable(L);
	int g = lua_gettop(L);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	int loaded = lua_gettop(L);
	lua_getfield(L, loaded, LUA_GNAME);
	for (const char *const *b = base_kept; *b; b++) {
		lua_getfield(L, -1, *b);
		lua_setfield(L, g, *b);
	}
	for (const struct override *ov = base_own; ov->name; ov++)
		apply(L, g, loaded + 1, ov, m);
	lua_pop(L, 1);
	static const struct { const char *name; const struct override *ov; } libs[] = {
		{LUA_STRLIBNAME, string_own}, {LUA_TABLIBNAME, table_own}, {LUA_MATHLIBNAME, math_own},
		{LUA_UTF8LIBNAME, utf8_own}};
	lua_newtable(L); /* name -> the library, which each render gets a copy of */
	for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
		copy_lib(L, loaded, libs[i].name, libs[i].ov, m);
		if (libs[i].ov == string_own) {
			pat_register(L, -1, m);
			/* Methods on strings, ("x"):upper(), read this table, not Lua's own. */
			lua_pushliteral(L, "");
			lua_getmetatable(L, -1);
			lua_pushvalue(L, -3);
			lua_setfield(L, -2, "__index");
			lua_pushliteral(L, "read-only");
			lua_setfield(L, -2, "__metatable");
			lua_pop(L, 2);
		}
		/* The globals hold a read-only view, seen by a render that dropped its own copy. */
		push_lib_meta(L, libs[i].name, m);
		lua_newtable(L);
		lua_insert(L, -2);
		lua_setmetatable(L, -2);
		lua_setfield(L, g, libs[i].name);
		lua_setfield(L, -2, libs[i].name);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.stdlib");
	lua_pop(L, 1);
}

void sandbox_copy(lua_State *L, int from, int to)
{
	from = lua_absindex(L, from);
	to = lua_absindex(L, to);
	lua_pushnil(L);
	while (lua_next(L, from)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, to);
	}
}

void sandbox_push_libs(lua_State *L)
{
	lua_createtable(L, 0, 4);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.stdlib");
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_createtable(L, 0, 64); /* sized at once: the largest library has 40-odd fields */
		sandbox_copy(L, -2, -1);
		lua_remove(L, -2);
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -5);
	}
	lua_pop(L, 1);
}

/* }======= */
