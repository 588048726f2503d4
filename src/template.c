/* template.c — compile etlua syntax to Lua, run it sandboxed. */
#include "template.h"
#include "escape.h"
#include "diag.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough for any real page (the THB topic needs well under a million);
 * a template that needs more is almost certainly looping forever. */
#define STEP_LIMIT 200000000L
#define HOOK_EVERY 1000
/* A template that builds strings or tables without end fails here, not in the kernel's OOM killer.
 * Its output and the escaped copies of its values are C buffers outside the
 * Lua state: they are held to the same limit. */
#define MEM_LIMIT ((size_t)1 << 30)

struct tpl_engine {
	lua_State *L;
	char **dirs, **shown;
	size_t ndirs;
	struct buf *out;        /* where _put writes: the innermost template being rendered */
	long steps;
	size_t mem;
	size_t written;         /* bytes the current render wrote (includes count again in their caller) */
	int depth;
};

static struct tpl_engine *engine_of(lua_State *L)
{
	return *(struct tpl_engine **)lua_getextraspace(L);
}

static void *lalloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct tpl_engine *e = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		e->mem -= old;
		return NULL;
	}
	if (nsize > old && e->mem + (nsize - old) > MEM_LIMIT)
		return NULL; /* Lua raises "not enough memory" */
	void *p = realloc(ptr, nsize);
	if (p)
		e->mem = e->mem - old + nsize;
	return p;
}

/* {======= compiling */

static void add_quoted(struct buf *b, const char *s, size_t n)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_addc(b, '\\'), buf_addc(b, (char)c);
		else if (c == '\n')
			buf_adds(b, "\\\n"); /* a real newline: keeps template and Lua lines in step */
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c < 32 || c == 127)
			buf_addf(b, "\\%03u", c);
		else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
}

char *tpl_compile(const char *src, size_t len, int *err_line, int *err_col)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "local _ENV, _put, _esc = ...; ");
	size_t i = 0;
	while (i < len) {
		const char *open = NULL;
		for (size_t k = i; k + 1 < len; k++)
			if (src[k] == '<' && src[k + 1] == '%') {
				open = src + k;
				break;
			}
		size_t tend = open ? (size_t)(open - src) : len;
		if (tend > i) {
			buf_adds(&b, "_put(");
			add_quoted(&b, src + i, tend - i);
			buf_adds(&b, ") ");
		}
		if (!open)
			break;
		size_t p = tend + 2;
		char kind = p < len && (src[p] == '=' || src[p] == '-') ? src[p++] : ' ';
		const char *close = NULL;
		for (size_t k = p; k + 1 < len; k++)
			if (src[k] == '%' && src[k + 1] == '>') {
				close = src + k;
				break;
			}
		if (!close) {
			text_pos(src, tend, err_line, err_col);
			buf_free(&b);
			return NULL;
		}
		size_t cend = (size_t)(close - src);
		bool trim = cend > p && src[cend - 1] == '-';
		size_t clen = cend - p - (trim ? 1 : 0);
		if (kind == '=')
			buf_adds(&b, "_put(_esc(");
		else if (kind == '-')
			buf_adds(&b, "_put(");
		buf_add(&b, src + p, clen);
		if (kind == '=')
			buf_adds(&b, ")) ");
		else if (kind == '-')
			buf_adds(&b, ") ");
		else
			buf_adds(&b, " ; ");
		i = cend + 2;
		if (trim && i < len && src[i] == '\n') {
			buf_adds(&b, "\n");
			i++;
		}
	}
	buf_adds(&b, " return _ENV");
	return buf_detach(&b, NULL);
}

/* }======= */

static void tostr(lua_State *L, int idx, struct buf *b, bool escape)
{
	size_t n;
	const char *s;
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return;
	case LUA_TSTRING:
	case LUA_TNUMBER:
		s = lua_tolstring(L, idx, &n);
		break;
	default:
		s = luaL_tolstring(L, idx, &n);
		lua_pop(L, 1);
		break;
	}
	if (escape)
		esc_html(b, s, n);
	else
		buf_add(b, s, n);
}

/* Whether n more bytes fit in the engine's memory. A C buffer about to become
 * a Lua string is checked first, so the memory error comes before the buffer
 * is made, not from lua_pushlstring() with the buffer left behind. */
static bool fits(const struct tpl_engine *e, size_t n)
{
	return e->mem + n + 64 <= MEM_LIMIT;
}

static int l_put(lua_State *L)
{
	struct tpl_engine *e = engine_of(L);
	size_t n = lua_type(L, 1) == LUA_TSTRING ? lua_rawlen(L, 1) : 0, before = e->out->len;
	if (e->written + n > MEM_LIMIT)
		return luaL_error(L, "template wrote more than %d MiB (an endless loop?)", (int)(MEM_LIMIT >> 20));
	tostr(L, 1, e->out, false);
	e->written += e->out->len - before;
	return 0;
}

/* _esc returns a marker-free escaped string; put then copies it. */
static int l_esc(lua_State *L)
{
	/* esc_html() writes at most 6 bytes ("&quot;") for one. */
	if (lua_type(L, 1) == LUA_TSTRING && !fits(engine_of(L), lua_rawlen(L, 1) * 6))
		return luaL_error(L, "not enough memory");
	struct buf b = BUF_INIT;
	tostr(L, 1, &b, true);
	lua_pushlstring(L, b.p, b.len);
	buf_free(&b);
	return 1;
}

/* escape_js(text), escape_css(text): a quoted string literal for a <script>
 * or <style> (escape.h); the escaper is upvalue 1. */
static int l_esc_string(lua_State *L)
{
	void (*esc)(struct buf *, const char *, size_t) = (void (*)(struct buf *, const char *, size_t))
		(uintptr_t)lua_touserdata(L, lua_upvalueindex(1));
	struct buf b = BUF_INIT;
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	if (!fits(engine_of(L), n * 6 + 2)) /* at most "\u003c" for one byte, and the quotes */
		return luaL_error(L, "not enough memory");
	esc(&b, s, n);
	lua_pushlstring(L, b.p, b.len);
	buf_free(&b);
	return 1;
}

static void hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	struct tpl_engine *e = engine_of(L);
	e->steps += HOOK_EVERY;
	if (e->steps > STEP_LIMIT)
		luaL_error(L, "template ran more than %d million steps and was stopped (an endless loop?)",
		           (int)(STEP_LIMIT / 1000000));
}

/* {======= patterns
 * Lua's pattern matcher backtracks in C, where the step hook never runs:
 * each item with a repetition ('*', '+', '-', '?') may take any length, so
 * q of them over n bytes may be tried in about C(n+q, q) ways from each
 * start (a 90-byte template with thirty "a*" ran for hours on 30 bytes). A
 * pattern of two or more such items is refused when that worst case is
 * over the step limit; one alone is at worst quadratic in the text, like a
 * plain find() in a loop, and is let through. */

/* The index just after the set that starts at p[i] == '[' (as Lua reads a set:
 * a ']' right after "[" or "[^" is a member, '%' escapes the next byte). */
static size_t set_end(const char *p, size_t n, size_t i)
{
	i++;
	if (i < n && p[i] == '^')
		i++;
	do {
		if (i >= n)
			return n;
		if (p[i++] == '%' && i < n)
			i++;
	} while (i < n && p[i] != ']');
	return i + 1;
}

/* The items of pattern p with a repetition; *anchored when it starts with '^'. */
static int pattern_repeats(const char *p, size_t n, bool *anchored)
{
	int q = 0;
	*anchored = n > 0 && p[0] == '^';
	for (size_t i = *anchored; i < n;) {
		if (p[i] == '(' || p[i] == ')') {
			i++;
			continue;
		}
		if (p[i] == '%' && i + 1 < n && (p[i + 1] == 'b' || p[i + 1] == 'f' || (p[i + 1] >= '0' && p[i + 1] <= '9'))) {
			/* %bxy, %f[set] and back-references take no repetition */
			i = p[i + 1] == 'b' ? i + 4 : p[i + 1] == 'f' ? set_end(p, n, i + 2) : i + 2;
			continue;
		}
		i = p[i] == '[' ? set_end(p, n, i) : p[i] == '%' ? i + 2 : i + 1;
		if (i < n && p[i] && strchr("*+-?", p[i]))
			q++, i++;
	}
	return q;
}

/* string.find, match, gmatch and gsub: the original (upvalue 1) after the
 * check above; upvalue 2 is 0 for find (whose 4th argument asks for a plain
 * search) and 2 for gmatch (where '^' anchors nothing). */
static int l_pattern(lua_State *L)
{
	size_t n, pn;
	int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
	const char *s = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &n) : NULL;
	const char *p = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &pn) : NULL;
	if (s && p && !(kind == 0 && lua_toboolean(L, 4))) {
		bool anchored;
		int q = pattern_repeats(p, pn, &anchored);
		double ways = anchored && kind != 2 ? 1 : (double)n + 1;
		for (int i = 1; i <= q && ways <= STEP_LIMIT; i++)
			ways = ways * ((double)n + i) / i;
		if (q >= 2 && ways > STEP_LIMIT)
			return luaL_error(L, "a pattern with %d repeated items ('*', '+', '-', '?') over %I bytes could be "
			                  "tried in more than %d million ways (an endless match?); use fewer or a shorter text",
			                  q, (lua_Integer)n, (int)(STEP_LIMIT / 1000000));
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* }======= */

/* Finds the innermost template frame for the message: "path\tline\tmessage". */
static int msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg)
		msg = luaL_tolstring(L, 1, NULL);
	const char *t1 = strchr(msg, '\t');
	if (t1 && strchr(t1 + 1, '\t')) {
		lua_pushstring(L, msg); /* from an include: already located */
		return 1;
	}
	lua_Debug ar;
	const char *src = "?";
	int line = 0;
	for (int lv = 1; lua_getstack(L, lv, &ar); lv++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.source[0] == '@' && ar.currentline > 0) {
			src = ar.source + 1;
			line = ar.currentline;
			break;
		}
	}
	/* Drop Lua's own "chunk:line: " prefix; we print a gcc-style one. */
	size_t sl = strlen(src);
	if (!strncmp(msg, src, sl) && msg[sl] == ':') {
		const char *p = msg + sl + 1;
		char *end;
		long l = strtol(p, &end, 10);
		if (end != p && end[0] == ':' && end[1] == ' ') {
			line = (int)l;
			msg = end + 2;
		}
	}
	lua_pushfstring(L, "%s\t%d\t%s", src, line, msg);
	return 1;
}

static void report(const char *m, const char *what)
{
	const char *t1 = strchr(m, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
	if (!t2) {
		diag_error("template", 0, 0, "%s", m);
		return;
	}
	char *path = xstrndup(m, (size_t)(t1 - m));
	int line = atoi(t1 + 1);
	if (what)
		diag_error(path, line, 1, "%s (rendering %s)", t2 + 1, what);
	else
		diag_error(path, line, 1, "%s", t2 + 1);
	free(path);
}

/* Loads (once) the compiled function of a template onto the stack; false if not found or broken. */
static bool load(struct tpl_engine *e, const char *name)
{
	lua_State *L = e->L;
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.templates");
	if (lua_getfield(L, -1, name) != LUA_TNIL) {
		lua_remove(L, -2);
		return lua_isfunction(L, -1);
	}
	lua_pop(L, 1);
	if (strstr(name, "..") || name[0] == '/') {
		lua_pop(L, 1);
		return false;
	}
	for (size_t i = 0; i < e->ndirs; i++) {
		char *path = path_join(e->dirs[i], name), *text;
		size_t len;
		int rc = file_read(path, &text, &len);
		free(path);
		if (rc != 0)
			continue;
		char *shown = path_join(e->shown[i], name);
		int line, col;
		long bad = utf8_invalid_at(text, len);
		char *code = bad < 0 ? tpl_compile(text, len, &line, &col) : NULL;
		if (bad >= 0) {
			text_pos(text, (size_t)bad, &line, &col);
			diag_error(shown, line, col, "not valid UTF-8");
		} else if (!code) {
			diag_error(shown, line, col, "'<%%' is never closed with '%%>'");
		}
		free(text);
		bool ok = false;
		if (code) {
			char *chunk = xasprintf("@%s", shown);
			if (luaL_loadbufferx(L, code, strlen(code), chunk, "t") != LUA_OK) {
				const char *m = lua_tostring(L, -1);
				size_t sl = strlen(shown);
				int l = 0;
				if (!strncmp(m, shown, sl) && m[sl] == ':') {
					char *end;
					l = (int)strtol(m + sl + 1, &end, 10);
					m = end[0] == ':' ? end + 2 : m;
				}
				diag_error(shown, l, 1, "template syntax error: %s", m);
				lua_pop(L, 1);
			} else {
				ok = true;
			}
			free(chunk);
			free(code);
		}
		free(shown);
		if (!ok)
			lua_pushboolean(L, 0); /* remembered as broken: reported once */
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, name);
		lua_remove(L, -2);
		return ok;
	}
	lua_pop(L, 1);
	return false;
}

bool tpl_exists(struct tpl_engine *e, const char *name)
{
	if (strstr(name, "..") || name[0] == '/')
		return false;
	/* A template loaded before (working or not) exists: no file system call per page. */
	lua_getfield(e->L, LUA_REGISTRYINDEX, "vade.templates");
	bool known = lua_getfield(e->L, -1, name) != LUA_TNIL;
	lua_pop(e->L, 2);
	if (known)
		return true;
	for (size_t i = 0; i < e->ndirs; i++) {
		char *path = path_join(e->dirs[i], name);
		bool ok = is_file(path);
		free(path);
		if (ok)
			return true;
	}
	return false;
}

/* Pushes a fresh _ENV: the fields of the table at vars, then the safe globals through __index. */
static void push_env(lua_State *L, int vars)
{
	lua_newtable(L);
	if (vars) {
		lua_pushnil(L);
		while (lua_next(L, vars)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -4);
		}
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.envmeta");
	lua_setmetatable(L, -2);
}

/* Calls the template function on top of the stack (popped) with vars, writing into out.
 * Returns the pcall status; on error the message handler's text is on the stack. */
static int call(struct tpl_engine *e, int vars, struct buf *out)
{
	lua_State *L = e->L;
	int fn = lua_gettop(L);
	lua_pushcfunction(L, msgh);
	lua_insert(L, fn);
	push_env(L, vars);
	lua_pushcfunction(L, l_put);
	lua_pushcfunction(L, l_esc);
	struct buf *saved = e->out;
	int depth = e->depth++;
	e->out = out;
	int rc = lua_pcall(L, 3, 1, fn);
	e->out = saved;
	e->depth = depth;
	lua_remove(L, fn);
	return rc;
}

int tpl_render(struct tpl_engine *e, const char *name, int vars, const char *what,
               struct buf *out, char **base)
{
	lua_State *L = e->L;
	int top = lua_gettop(L);
	vars = vars ? lua_absindex(L, vars) : 0;
	if (base)
		*base = NULL;
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.current"); /* top + 1: restored after */
	if (!load(e, name)) {
		if (!tpl_exists(e, name))
			diag_error(what ? what : "template", 0, 0, "no template '%s' in templates/ or the theme", name);
		lua_settop(L, top);
		return -1;
	}
	/* include() gives partials the same variables as the template that includes them.
	 * A render from inside a running template (a helper rendering a partial)
	 * keeps that template's variables for after it, and its step budget. */
	bool outer = e->depth == 0;
	if (vars)
		lua_pushvalue(L, vars);
	else
		lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.current");
	if (outer) {
		e->steps = 0;
		e->written = 0;
		lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	}
	int rc = call(e, vars, out);
	if (outer)
		lua_sethook(L, NULL, 0, 0);
	lua_pushvalue(L, top + 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.current");
	if (rc != LUA_OK) {
		report(lua_tostring(L, -1), what);
	} else if (base && lua_istable(L, -1)) {
		lua_pushliteral(L, "base");
		int t = lua_rawget(L, -2);
		if (t == LUA_TSTRING)
			*base = xstrdup(lua_tostring(L, -1));
		else if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))
			*base = xstrdup("");
	}
	lua_settop(L, top);
	return rc == LUA_OK ? 0 : -1;
}

/* include(name [, vars]): another template's output, with the current variables plus vars. */
static int l_include(lua_State *L)
{
	struct tpl_engine *e = engine_of(L);
	luaL_checkstring(L, 1);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	if (e->depth > 32)
		return luaL_error(L, "templates include each other too deeply (a loop?)");
	lua_newtable(L); /* 3: the variables */
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.current");
	for (int src = 4; src >= 2; src -= 2) {
		if (!lua_istable(L, src))
			continue;
		lua_pushnil(L);
		while (lua_next(L, src)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, 3);
		}
	}
	lua_settop(L, 3);
	if (!load(e, lua_tostring(L, 1)))
		return luaL_error(L, "template '%s' not found", lua_tostring(L, 1));
	struct buf b = BUF_INIT;
	int rc = call(e, 3, &b);
	if (rc != LUA_OK) {
		buf_free(&b);
		return lua_error(L); /* already located by the message handler */
	}
	if (!fits(e, b.len)) {
		buf_free(&b);
		return luaL_error(L, "not enough memory");
	}
	lua_pushlstring(L, b.p, b.len);
	buf_free(&b);
	return 1;
}

static void copy_lib(lua_State *L, const char *lib, const char *const *drop)
{
	lua_getglobal(L, lib);
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, -3)) {
		bool skip = false;
		for (const char *const *d = drop; *d; d++)
			skip |= lua_type(L, -2) == LUA_TSTRING && !strcmp(lua_tostring(L, -2), *d);
		if (skip) {
			lua_pop(L, 1);
			continue;
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
	lua_remove(L, -2);
}

static int l_readonly(lua_State *L)
{
	return luaL_error(L, "site values are read-only in templates (copy them into a local table first)");
}

/* Read-only views: an empty proxy table per real table, all sharing one
 * metatable whose functions find the real table in a map (upvalue 1), so a
 * frozen table costs a small table and a map entry, not a metatable of its own. */
static void real_of(lua_State *L, int proxy)
{
	lua_pushvalue(L, proxy);
	lua_rawget(L, lua_upvalueindex(1));
}

static int l_ro_index(lua_State *L)
{
	real_of(L, 1);
	lua_pushvalue(L, 2);
	lua_rawget(L, -2);
	return 1;
}

static int l_len(lua_State *L)
{
	real_of(L, 1);
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
	return 1;
}

/* next() over the real table of the view given as state: the table itself never reaches the template. */
static int l_next(lua_State *L)
{
	lua_settop(L, 2);
	real_of(L, 1);
	lua_pushvalue(L, 2);
	if (lua_next(L, 3))
		return 2;
	lua_pushnil(L);
	return 1;
}

static int l_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushcclosure(L, l_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Deep read-only view of the table at the top. seen (at index seen) maps real
 * tables to their proxies, for shared and cyclic values; real (at index real)
 * maps proxies to real tables; meta is the shared metatable. */
static void freeze(lua_State *L, int seen, int real, int meta)
{
	/* One level of the site model per call: pages nest children, so this goes deep. */
	luaL_checkstack(L, 8, "site model nested too deeply");
	int t = lua_gettop(L);
	if (lua_getmetatable(L, t)) { /* already a read-only view */
		bool view = lua_rawequal(L, -1, meta);
		lua_pop(L, 1);
		if (view)
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
	lua_pushvalue(L, -1);
	lua_pushvalue(L, t);
	lua_rawset(L, real);
	/* Freeze the values in place: the real table is reachable only through the proxy. */
	lua_pushnil(L);
	while (lua_next(L, t)) {
		if (lua_type(L, -1) == LUA_TTABLE) {
			freeze(L, seen, real, meta);
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

void tpl_freeze(lua_State *L)
{
	if (!lua_istable(L, -1))
		return;
	int t = lua_gettop(L);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.frozen");
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.real");
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.rometa");
	lua_pushvalue(L, t);
	freeze(L, t + 1, t + 2, t + 3);
	lua_replace(L, t);
	lua_settop(L, t);
}

void tpl_push_yaml(lua_State *L, const struct yml_node *n)
{
	long long iv;
	double dv;
	if (!n) {
		lua_pushnil(L);
		return;
	}
	luaL_checkstack(L, 4, "YAML too deep");
	switch (n->kind) {
	case YML_SCALAR:
		switch (yml_resolve(n, &iv, &dv)) {
		case YML_T_NULL: lua_pushnil(L); break;
		case YML_T_BOOL: lua_pushboolean(L, (int)iv); break;
		case YML_T_INT: lua_pushinteger(L, (lua_Integer)iv); break;
		case YML_T_FLOAT: lua_pushnumber(L, dv); break;
		default: lua_pushlstring(L, n->str, n->len); break;
		}
		break;
	case YML_SEQ:
		lua_createtable(L, (int)n->n, 0);
		for (size_t i = 0; i < n->n; i++) {
			tpl_push_yaml(L, n->kids[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case YML_MAP:
		lua_createtable(L, 0, (int)(n->n / 2));
		for (size_t i = 0; i + 1 < n->n; i += 2) {
			lua_pushlstring(L, n->kids[i]->str, n->kids[i]->len);
			tpl_push_yaml(L, n->kids[i + 1]);
			lua_rawset(L, -3);
		}
		break;
	}
}

/* A Lua error outside any protected call is a bug of vade's: say what it was before aborting. */
static int panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	fprintf(stderr, "vade: internal error in the template engine: %s\n", msg ? msg : "?");
	return 0;
}

struct tpl_engine *tpl_new(const char *const *dirs, const char *const *shown, size_t ndirs)
{
	struct tpl_engine *e = xcalloc(1, sizeof *e);
	e->L = lua_newstate(lalloc, e);
	if (!e->L) {
		fputs("vade: cannot create a Lua state\n", stderr);
		abort();
	}
	lua_State *L = e->L;
	lua_atpanic(L, panic);
	*(struct tpl_engine **)lua_getextraspace(L) = e;
	e->dirs = xcalloc(ndirs, sizeof *e->dirs);
	e->shown = xcalloc(ndirs, sizeof *e->shown);
	for (size_t i = 0; i < ndirs; i++) {
		e->dirs[i] = xstrdup(dirs[i]);
		e->shown[i] = xstrdup(shown[i]);
	}
	e->ndirs = ndirs;
	luaL_openlibs(L);
	/* string methods reach the real string table through the string metatable. */
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	static const char *const patterns[] = {"find", "match", "gmatch", "gsub", NULL};
	for (int k = 0; patterns[k]; k++) {
		lua_getfield(L, -1, patterns[k]);
		lua_pushinteger(L, k);
		lua_pushcclosure(L, l_pattern, 2);
		lua_setfield(L, -2, patterns[k]);
	}
	lua_pop(L, 1);

	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.templates");
	lua_newtable(L);
	lua_newtable(L);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.frozen");
	lua_newtable(L); /* proxy -> real table */
	lua_createtable(L, 0, 5); /* the metatable every read-only view shares */
	static const luaL_Reg ro[] = {{"__index", l_ro_index}, {"__len", l_len}, {"__pairs", l_pairs}, {NULL, NULL}};
	for (const luaL_Reg *r = ro; r->name; r++) {
		lua_pushvalue(L, -2);
		lua_pushcclosure(L, r->func, 1);
		lua_setfield(L, -2, r->name);
	}
	lua_pushcfunction(L, l_readonly);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.rometa");
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.real");

	/* The safe globals. Not here: io, os, require, load, loadstring, dofile,
	 * loadfile, debug, package, collectgarbage, pcall/xpcall (they would
	 * swallow the step limit), setmetatable/getmetatable/rawset (they would
	 * undo read-only views), math.random (output must be reproducible). */
	lua_newtable(L);
	int g = lua_gettop(L);
	static const char *const base[] = {"assert", "error", "ipairs", "next", "pairs", "select",
	                                   "tonumber", "tostring", "type", "rawequal", "rawlen", NULL};
	for (const char *const *b = base; *b; b++) {
		lua_getglobal(L, *b);
		lua_setfield(L, g, *b);
	}
	static const char *const none[] = {NULL};
	static const char *const nodump[] = {"dump", NULL};
	static const char *const norandom[] = {"random", "randomseed", NULL};
	copy_lib(L, "string", nodump);
	lua_setfield(L, g, "string");
	copy_lib(L, "table", none);
	lua_setfield(L, g, "table");
	copy_lib(L, "math", norandom);
	lua_setfield(L, g, "math");
	copy_lib(L, "utf8", none);
	lua_setfield(L, g, "utf8");
	lua_pushcfunction(L, l_include);
	lua_setfield(L, g, "include");
	lua_pushcfunction(L, l_esc);
	lua_setfield(L, g, "escape");
	lua_pushlightuserdata(L, (void *)(uintptr_t)esc_js_string);
	lua_pushcclosure(L, l_esc_string, 1);
	lua_setfield(L, g, "escape_js");
	lua_pushlightuserdata(L, (void *)(uintptr_t)esc_css_string);
	lua_pushcclosure(L, l_esc_string, 1);
	lua_setfield(L, g, "escape_css");
	lua_newtable(L);
	lua_pushvalue(L, g);
	lua_setfield(L, -2, "__index");
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.envmeta");
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.globals");

	/* Only the sandbox is reachable from templates; drop the real globals' dangerous parts too. */
	static const char *const gone[] = {"io", "os", "require", "load", "dofile", "loadfile",
	                                   "debug", "package", "collectgarbage", NULL};
	for (const char *const *b = gone; *b; b++) {
		lua_pushnil(L);
		lua_setglobal(L, *b);
	}
	return e;
}

void tpl_set_global(struct tpl_engine *e, const char *name)
{
	lua_State *L = e->L;
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.globals");
	lua_insert(L, -2);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
}

lua_State *tpl_lua(struct tpl_engine *e)
{
	return e->L;
}

void tpl_free(struct tpl_engine *e)
{
	if (!e)
		return;
	lua_close(e->L);
	for (size_t i = 0; i < e->ndirs; i++) {
		free(e->dirs[i]);
		free(e->shown[i]);
	}
	free(e->dirs);
	free(e->shown);
	free(e);
}
