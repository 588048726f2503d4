/* Unit tests: pattern.c against Lua 5.4's own string library, case by case
 * (the manual's examples, corner cases, thousands of generated patterns and
 * subjects), then the step meter. */
#include "pattern.h"
#include "tap.h"

#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <time.h>

/* Runs each case through string.X and mine.X under pcall and compares what
 * comes back: values with their types, or the error message. gmatch cases
 * compare the whole iteration. Returns cases, mismatches, a report of the first. */
static const char driver[] =
	"local mine = ...\n"
	"local real = string\n"
	"local function ser(ok, ...)\n"
	"  local t = {ok and 'ok' or 'err'}\n"
	"  for i = 1, select('#', ...) do\n"
	"    local v = select(i, ...)\n"
	"    if not ok and type(v) == 'string' then v = real.gsub(v, \"to '[^']*'\", \"to '?'\") end\n"
	"    t[#t + 1] = (math.type(v) or type(v)) .. ':' .. tostring(v)\n"
	"  end\n"
	"  return table.concat(t, '|')\n"
	"end\n"
	"local function iterate(gmatch)\n"
	"  return function(...)\n"
	"    local it, out = gmatch(...), {}\n"
	"    for _ = 1, 60 do\n"
	"      local r = table.pack(it())\n"
	"      if r.n == 0 or r[1] == nil then break end\n"
	"      out[#out + 1] = ser(true, table.unpack(r, 1, r.n))\n"
	"    end\n"
	"    return table.concat(out, ';')\n"
	"  end\n"
	"end\n"
	"local lib = {real = {find = real.find, match = real.match, gsub = real.gsub, gmatch = iterate(real.gmatch)},\n"
	"             mine = {find = mine.find, match = mine.match, gsub = mine.gsub, gmatch = iterate(mine.gmatch)}}\n"
	"local n, bad, report = 0, 0, {}\n"
	"local function show(v) return type(v) == 'string' and real.format('%q', v) or tostring(v) end\n"
	"function check(name, ...)\n"
	"  n = n + 1\n"
	"  local a = ser(pcall(lib.real[name], ...))\n"
	"  local b = ser(pcall(lib.mine[name], ...))\n"
	"  if a ~= b then\n"
	"    bad = bad + 1\n"
	"    if #report < 8 then\n"
	"      local args = table.pack(...)\n"
	"      for i = 1, args.n do args[i] = show(args[i]) end\n"
	"      report[#report + 1] = real.format('%s(%s)\\n#     lua:  %s\\n#     mine: %s', name,\n"
	"        table.concat(args, ', ', 1, args.n), a, b)\n"
	"    end\n"
	"  end\n"
	"end\n"
	"function results()\n"
	"  local r = table.concat(report, '\\n# ')\n"
	"  local c, b = n, bad\n"
	"  n, bad, report = 0, 0, {}\n"
	"  return c, b, r\n"
	"end\n";

/* The manual's examples and the corners of the pattern language. */
static const char fixed[] =
	"check('find', 'hello Lua user', 'Lua')\n"
	"check('find', 'hello Lua user', 'banana')\n"
	"check('find', 'hello Lua user', 'l+')\n"
	"check('find', 'hello Lua user', 'Lua', 1)\n"
	"check('find', 'hello Lua user', 'Lua', 8)\n"
	"check('find', 'hello Lua user', 'e', -5)\n"
	"check('find', 'a.b', '.', 1, true)\n"
	"check('find', 'abc', '', 10)\n"
	"check('find', 'abc', '', 4)\n"
	"check('find', 'abc', '', -10)\n"
	"check('find', '', '')\n"
	"check('find', 'a\\0b', '\\0')\n"
	"check('find', 'a\\0b', '%z')\n"
	"check('find', 'a\\0b', '[\\0]')\n"
	"check('find', 'abc', 'b', math.mininteger)\n"
	"check('find', 'abc', 'b', math.maxinteger)\n"
	"check('match', 'key = value', '(%w+)%s*=%s*(%w+)')\n"
	"check('match', 'hello world from Lua', '()ll()')\n"
	"check('match', '  x  ', '^%s*(.-)%s*$')\n"
	"check('match', 'THE (quick) fox', '%((%a+)%)')\n"
	"check('match', 'f(a(b)c)d', '%b()')\n"
	"check('match', 'THE (quick) fox', '%f[%a]%a+', 5)\n"
	"check('match', 'hello', '(h)(e)(l)(l)(o)')\n"
	"check('match', 'abab', '(ab)%1')\n"
	"check('match', 'abab', '()%1')\n"
	"check('match', '[[x]]', '%[(%b[])%]')\n"
	"check('match', 'x', '%f')\n"
	"check('match', 'x', '%fx')\n"
	"check('match', 'x', '%b')\n"
	"check('match', 'x', '%bx')\n"
	"check('match', 'x', 'x%')\n"
	"check('match', 'x', '[x')\n"
	"check('match', 'x', '[^]')\n"
	"check('match', ']', '[]]')\n"
	"check('match', ']', '[^]]')\n"
	"check('match', 'a-', '[a-]+')\n"
	"check('match', '%]', '[%]]+')\n"
	"check('match', 'b', 'a[')\n"
	"check('match', 'x', '(x')\n"
	"check('match', 'x', 'x)')\n"
	"check('match', 'x', '%1')\n"
	"check('match', 'x', '%0')\n"
	"check('match', 'x', '(x)%2')\n"
	"check('match', 'x', '(x%1)')\n"
	"check('match', 'x', ('(x?)'):rep(33))\n"
	"check('match', 'x', ('(x?)'):rep(32))\n"
	"check('match', ('a'):rep(300), ('a?'):rep(250))\n"
	"check('match', ('a'):rep(300), ('a?'):rep(150))\n"
	"check('match', 'aaa', ('a'):rep(250))\n"
	"check('match', 'a$b', 'a$b')\n"
	"check('match', 'ab', '^(a)(b)$')\n"
	"check('match', 'a^b', 'a^b')\n"
	"check('match', 'x', '*x')\n"
	"check('match', 'x', 'x**')\n"
	"check('match', '\\200\\255', '%A+')\n"
	"check('match', '\\200\\255', '[\\128-\\255]+')\n"
	"check('match', 'THE (quick) fox', '%f[%l]%a+')\n"
	"check('match', 'abc', '.-$')\n"
	"check('match', 'abc', '.-', -1)\n"
	"check('match', 12345, 3)\n"
	"check('gmatch', 'hello world from Lua', '%a+')\n"
	"check('gmatch', 'from=world, to=Lua', '(%w+)=(%w+)')\n"
	"check('gmatch', 'abc', '')\n"
	"check('gmatch', 'abc', 'x*')\n"
	"check('gmatch', 'abc', 'x*', 10)\n"
	"check('gmatch', 'abc', 'x*', 4)\n"
	"check('gmatch', 'abc', '.', -2)\n"
	"check('gmatch', '^a^a', '^a')\n"
	"check('gmatch', 'ab', '()')\n"
	"check('gmatch', 'ab', '(')\n"
	"check('gsub', 'hello world', '(%w+)', '%1 %1')\n"
	"check('gsub', 'hello world', '%w+', '%0 %0', 1)\n"
	"check('gsub', 'hello world from Lua', '(%w+)%s*(%w+)', '%2 %1')\n"
	"check('gsub', '$name-$version', '%$(%w+)', {name = 'lua', version = '5.4'})\n"
	"check('gsub', '$name-$version', '%$(%w+)', {name = false})\n"
	"check('gsub', '$name', '%$(%w+)', {name = {}})\n"
	"check('gsub', 'abc', '%w', function(c) return c:upper() .. '.' end)\n"
	"check('gsub', 'abc', '%w', function() end)\n"
	"check('gsub', 'abc', '%w', function() return 7 end)\n"
	"check('gsub', 'abc', '%w', function() return {} end)\n"
	"check('gsub', 'abc', '', '-')\n"
	"check('gsub', 'abc', 'x*', '-')\n"
	"check('gsub', 'abc', '^', '>')\n"
	"check('gsub', 'abc', '$', '<')\n"
	"check('gsub', 'abc', '^a', '')\n"
	"check('gsub', 'abc', 'b', '%2')\n"
	"check('gsub', 'abc', 'b', '%1')\n"
	"check('gsub', 'abc', '(b)', '%x')\n"
	"check('gsub', 'abc', '(b)', '%')\n"
	"check('gsub', 'abc', '(b)', '%%')\n"
	"check('gsub', 'abc', '()b', '%1')\n"
	"check('gsub', 'abc', '()b', {})\n"
	"check('gsub', 'abc', 'b', 5)\n"
	"check('gsub', 'abc', 'b', nil)\n"
	"check('gsub', 'abc', 'b', true)\n"
	"check('gsub', 'abc', 'b', 'x', -1)\n"
	"check('gsub', 'abc', 'b', 'x', 0)\n"
	"check('gsub', 'abc', '.', 'x', 2.0)\n"
	"check('gsub', 'abc', '.', 'x', 2.5)\n"
	"check('gsub', 'abc', '(', 'x')\n"
	"check('find', nil, 'x')\n"
	"check('find', 'x', {})\n"
	"check('find', 'x', 'x', 'y')\n";

/* Random patterns built from the language's pieces (some malformed) and random
 * subjects over the characters they use, through all four functions. */
static const char generated[] =
	"math.randomseed(20240605)\n"
	"local R = math.random\n"
	"local atoms = {'a', 'b', 'c', '.', '%a', '%d', '%s', '%w', '%A', '%S', '%l', '%u', '%p', '%x', '%c', '%g',\n"
	"  '%z', '%Q', '%%', '%.', '%(', '%]', '[ab]', '[^a]', '[a-c]', '[%d%s]', '[]]', '[^]a]', '[a-]', '[-a]',\n"
	"  '[%a-]', '[b-a]', '[%]]', 'x', '1', ' ', '(', ')', ']', '-', '\\0', '[\\0a]'}\n"
	"local reps = {'', '', '', '*', '+', '-', '?'}\n"
	"local specials = {'(', ')', '()', '%1', '%2', '%b()', '%bab', '%baa', '%f[%w]', '%f[^a]', '%f[%z]', '$', '^'}\n"
	"local broken = {'%', '[', '[a', '[^', '[%', '%b', '%ba', '%f', '%fa', ')', '(', '%9', '%0'}\n"
	"local raw = {'a', 'b', '(', ')', '%', '[', ']', '^', '$', '*', '+', '-', '?', '.', 'f', '1', '0'}\n"
	"local letters = {'a', 'b', 'c', 'a', 'b', '(', ')', ' ', '1', 'x', 'A', '\\0', '%', ']', '-', '^', '$', '.', '\\200'}\n"
	"local function pick(t) return t[R(#t)] end\n"
	"local function pattern()\n"
	"  if R(10) == 1 then\n"
	"    local t = {}\n"
	"    for i = 1, R(0, 8) do t[i] = pick(raw) end\n"
	"    return table.concat(t)\n"
	"  end\n"
	"  local t = {R(5) == 1 and '^' or ''}\n"
	"  for _ = 1, R(0, 6) do\n"
	"    local k = R(20)\n"
	"    if k <= 14 then t[#t + 1] = pick(atoms) .. pick(reps)\n"
	"    elseif k <= 19 then t[#t + 1] = pick(specials)\n"
	"    else t[#t + 1] = pick(broken) end\n"
	"  end\n"
	"  if R(7) == 1 then t[#t + 1] = '$' end\n"
	"  return table.concat(t)\n"
	"end\n"
	"local function subject()\n"
	"  local t = {}\n"
	"  for i = 1, R(0, MAXLEN) do t[i] = pick(letters) end\n"
	"  return table.concat(t)\n"
	"end\n"
	"local inits = {nil, 1, 2, 3, -1, -2, -3, 0, 5, 15, 16, -15, -16, math.mininteger, math.maxinteger}\n"
	"local function init() if R(2) == 1 then return nil end return inits[R(#inits)] end\n"
	"local repls = {'<%0>', '%1', '%2-%1', '%%', '%', 'x%y', '', '()', 7,\n"
	"  {a = 'A', b = false, ['1'] = 1, c = {}, [''] = '!'},\n"
	"  function(a, b) return a and (tostring(a) .. ':' .. tostring(b)) end,\n"
	"  function() return nil end, function() return false end, function(a) return a end,\n"
	"  function() return 1.5 end, function() return {} end}\n"
	"local maxes = {nil, 0, 1, 2, -1, 3.0, 100}\n"
	"for _ = 1, N do\n"
	"  local p, s = pattern(), subject()\n"
	"  local plain = ({nil, false, true})[R(3)]\n"
	"  check('find', s, p, init(), plain)\n"
	"  check('match', s, p, init())\n"
	"  check('gmatch', s, p, init())\n"
	"  check('gsub', s, p, repls[R(#repls)], maxes[R(#maxes)])\n"
	"end\n";

static void run(lua_State *L, const char *code, const char *name)
{
	if (luaL_dostring(L, code) != LUA_OK) {
		ok(0, "%s: the test code runs (%s)", name, lua_tostring(L, -1));
		lua_pop(L, 1);
		return;
	}
	lua_getglobal(L, "results");
	lua_call(L, 0, 3);
	long n = (long)lua_tointeger(L, -3), bad = (long)lua_tointeger(L, -2);
	ok(n > 0 && bad == 0, "%s: %ld cases agree with Lua's string library", name, n);
	if (bad)
		printf("# %ld differ, first:\n# %s\n", bad, lua_tostring(L, -1));
	lua_pop(L, 3);
}

/* Calls mine.<fn>(args...) from Lua code; returns the error message or NULL, and how long it took. */
#ifdef __SANITIZE_ADDRESS__
#define SECOND 8.0
#else
#define SECOND 1.0
#endif

static const char *call(lua_State *L, const char *code, double *secs)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int rc = luaL_dostring(L, code);
	clock_gettime(CLOCK_MONOTONIC, &b);
	*secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	const char *msg = rc == LUA_OK ? NULL : lua_tostring(L, -1);
	lua_settop(L, 0);
	return msg;
}

static void meter_tests(lua_State *L, struct step_meter *m)
{
	double t;
	static const char *const runaway[] = {
		"mine.find(('a'):rep(300), '(.-)(.-)(.-)(.-)(.-)b')",
		"mine.find(('a'):rep(1e5), '.-.-.-b')",
		"mine.match(('a'):rep(300), '(.-)(.-)(.-)(.-)(.-)b')",
		"mine.gsub(('a'):rep(300), '(.-)(.-)(.-)(.-)(.-)b', '')",
		"for x in mine.gmatch(('a'):rep(300), '(.-)(.-)(.-)(.-)(.-)b') do end",
		"mine.find(('a'):rep(300), 'a*a*a*a*a*b')",
		"mine.find(('('):rep(1e5), '%b()%b()')",
	};
	*m = (struct step_meter){0, 1000000000L, 2000000};
	for (size_t i = 0; i < sizeof runaway / sizeof *runaway; i++) {
		const char *msg = call(L, runaway[i], &t);
		/* (a second: the budget stops it, where the unmetered match runs for minutes; eight under
		 * ASan, which slows each step, on a busy machine) */
		ok(msg && strstr(msg, "pattern matching ran more than 2 million steps and was stopped") && t < SECOND,
		   "stopped in %.3f s: %s", t, runaway[i]);
		if (!msg || !strstr(msg, "steps"))
			printf("#   got: %s\n", msg ? msg : "no error");
	}
	long before = m->steps;
	ok(call(L, "mine.find(('a'):rep(1000), '[b]')", &t) == NULL && m->steps - before >= 1000,
	   "a call's steps are added to the meter (%ld)", m->steps - before);
	*m = (struct step_meter){990, 1000, 2000000};
	const char *msg = call(L, "mine.find(('a'):rep(1000), '[b]')", &t);
	ok(msg && strstr(msg, "pattern matching ran past the budget of 1000 steps and was stopped") &&
	   m->steps == 1001, "the meter's budget stops a call that would pass it (%s)", msg ? msg : "no error");
	*m = (struct step_meter){0, 1000, 2000000};
	msg = call(L, "mine.find(('x'):rep(100000), 'y', 1, true)", &t);
	ok(msg && strstr(msg, "budget"), "a plain search counts too");
	*m = (struct step_meter){0, LONG_MAX, LONG_MAX};
	ok(call(L, "assert(mine.find(('a'):rep(300), '(.-)(.-)b') == nil)", &t) == NULL && m->steps > 45000,
	   "with no limit the same search finishes (%ld steps)", m->steps);
}

int main(void)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct step_meter m = {0, LONG_MAX, LONG_MAX};
	lua_newtable(L);
	pat_register(L, -1, &m);
	lua_pushvalue(L, -1);
	lua_setglobal(L, "mine");
	if (luaL_loadstring(L, driver) != LUA_OK) {
		ok(0, "driver loads: %s", lua_tostring(L, -1));
		return tap_done();
	}
	lua_insert(L, -2);
	lua_call(L, 1, 0);
	run(L, fixed, "the manual's examples and corner cases");
	static const struct { int n, maxlen; const char *name; } rounds[] = {
		{40000, 14, "generated patterns, short subjects, inits and replacements"},
		{5000, 80, "generated patterns, longer subjects"},
	};
	for (size_t i = 0; i < sizeof rounds / sizeof *rounds; i++) {
		lua_pushinteger(L, rounds[i].n);
		lua_setglobal(L, "N");
		lua_pushinteger(L, rounds[i].maxlen);
		lua_setglobal(L, "MAXLEN");
		run(L, generated, rounds[i].name);
	}
	meter_tests(L, &m);
	lua_close(L);
	return tap_done();
}
