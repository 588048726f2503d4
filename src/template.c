/* template.c — compile etlua syntax to Lua, run it sandboxed. */
#include "template.h"
#include "diag.h"
#include "escape.h"
#include "htmlids.h"
#include "sandbox.h"
#include "tree.h"

#include <lauxlib.h>
#include <lualib.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Enough for any real page (the THB topic needs well under a million);
 * a template that needs more is almost certainly looping forever. A step is
 * a Lua instruction, a step of pattern matching, 16 bytes allocated, or a like
 * share of other work in C (pattern.h, sandbox.h), which the instruction hook
 * does not see. */
#define STEP_LIMIT 200000000L
/* One pattern call: about a tenth of a second. Far more than any sane pattern on
 * a page needs; a backtracking one (".-.-.-b") on a few hundred bytes would take minutes. */
#define PATTERN_STEP_LIMIT 50000000L
#define HOOK_EVERY 1000
#define ALLOC_BYTES_PER_STEP 16
/* A template that builds strings, tables or output without end fails here, not in
 * the kernel's OOM killer or in an aborting malloc: what Lua holds and the output
 * being written count together. */
#define MEM_LIMIT ((size_t)1 << 30)
#define MEM_ERROR "template used more than %d MiB of memory, its output included, and was stopped"
/* No page is near this. Well under MEM_LIMIT, so that a body this large still fits in Lua as
 * the base layout's content. */
#define OUT_LIMIT ((size_t)256 << 20)
/* The outputs include_cached() keeps, per engine (one per worker). A section's nav of a
 * few thousand pages is a few hundred KiB; a section's navs in every language fit many times.
 * Past it, the outputs used least recently are dropped, down to half of it; those the page under
 * way and the page before it used (tpl_cache_task), in any of their languages, are kept and not
 * counted: a cost, never a change in output. (The page before too: a page's first miss makes room
 * before it has asked for the outputs all pages share, which the page before holds: helper-164.)
 * Pages are rendered in the site's order, a section's together, so what is dropped is mostly what
 * no page left will read: at 10,000 pages in 200 sections a worker's cache was 5 MB at the end,
 * held into the site-wide stage, where a build's memory peaks (issue 13; make bench). The page's
 * own are kept whatever their size, so a nav too large for the bound in every language is still
 * rendered once, not once per page. */
#define CACHE_BYTES ((size_t)4 << 20)
/* A larger output is not kept at all. */
#define CACHE_ENTRY_MAX ((size_t)32 << 20)
/* A hole in a cached partial's output: HOLE_OPEN, how many times the template escaped it
 * ('0'-'9'), its number in decimal, HOLE_CLOSE. Neither byte is ever part of UTF-8, and
 * every text vade reads is valid UTF-8, so only a hole makes them. */
#define HOLE_OPEN 0xff
#define HOLE_CLOSE 0xfe

struct hole {
	char *data;
	size_t len;
};

struct holes {
	struct hole *v;
	size_t n, cap;
};

/* A cached partial's output with its holes. */
struct cached {
	char *out;
	size_t len;
	struct holes holes;
	size_t bytes;            /* what it counts against CACHE_BYTES */
	bool once;               /* a check of the whole output may read it once (read_once) */
	uint32_t set;            /* what its render read (tpl_holes: set_end) */
	struct html_fragment frag;
	unsigned char *kind;     /* once: each hole's kind ('u', 'c': struct tpl_holes, fill_as) */
	struct diag_kept *warns; /* the warnings its render gave, said again by each render that uses
	                          * it, so each unit keeps them (deps.h) */
	size_t nwarns;
	char *key;               /* its key in registry["vade.cache"] (l_include_cached) */
	size_t key_len;
	uint64_t used;           /* the engine's tick when it was last used */
};


struct tpl_engine {
	lua_State *L;
	struct tpl_dir *dirs;
	struct tree *trees;      /* [ndirs]: each dir's root, for the rule of tree.h */
	size_t ndirs;
	struct buf *out;         /* where _put writes: the innermost template being rendered */
	struct step_meter meter; /* the render's steps */
	size_t mem;              /* bytes Lua holds */
	size_t outbytes;         /* bytes in the output buffers of the render under way */
	int depth;
	/* where the render under way first ran out of memory (Lua does not run the
	 * message handler for memory errors) */
	char oom_src[256];
	int oom_line;
	/* cached includes (template.h) */
	struct tpl_holes hops;
	bool has_hops;
	struct holes *collect;   /* the holes of the cached partial being rendered, or NULL */
	struct cached **cache;   /* kept outputs; registry["vade.cache"] maps each key to its index + 1 */
	size_t ncache, capcache, cache_bytes;
	uint64_t tick;           /* one more at each use of a kept output */
	uint64_t task_begun;     /* tick when the task under way began */
	uint64_t task_tick;      /* tick when the task before the one under way began (tpl_cache_task) */
	struct tpl_cache_stats cstats;
	bool recording;          /* tpl_uses_begin() */
	struct tpl_use *uses;
	size_t nuses, capuses;
};

static void hook(lua_State *L, lua_Debug *ar);

static struct tpl_engine *engine_of(lua_State *L)
{
	return *(struct tpl_engine **)lua_getextraspace(L);
}

/* Remembers the template line running when memory ran out. Called from the allocator:
 * lua_getstack and lua_getinfo "Sl" only read the call stack, they allocate nothing. */
static void note_oom(struct tpl_engine *e)
{
	if (!e->depth || e->oom_line)
		return;
	lua_Debug ar;
	for (int lv = 0; lua_getstack(e->L, lv, &ar); lv++) {
		lua_getinfo(e->L, "Sl", &ar);
		if (ar.source[0] == '@' && ar.currentline > 0) {
			snprintf(e->oom_src, sizeof e->oom_src, "%s", ar.source + 1);
			e->oom_line = ar.currentline;
			return;
		}
	}
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
	if (nsize > old && e->mem + e->outbytes + (nsize - old) > MEM_LIMIT) {
		note_oom(e);
		return NULL; /* Lua raises "not enough memory" */
	}
	if (nsize > old && e->depth) {
		/* Making long strings is work the instruction hook does not see: it is charged,
		 * and past the budget the hook is made to fire at the next instruction. */
		e->meter.steps += (long)((nsize - old) / ALLOC_BYTES_PER_STEP);
		if (e->meter.steps > e->meter.limit)
			lua_sethook(e->L, hook, LUA_MASKCOUNT, 1);
	}
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

/* The text of the value at idx as output shows it: nothing for nil, the type for a
 * table or function (sandbox_tostring). May push the text; callers reset the stack. */
static const char *text_of(lua_State *L, int idx, size_t *n)
{
	int t = lua_type(L, idx);
	if (t == LUA_TNIL) {
		*n = 0;
		return "";
	}
	if (t == LUA_TSTRING || t == LUA_TNUMBER)
		return lua_tolstring(L, idx, n);
	sandbox_tostring(L, idx);
	return lua_tolstring(L, -1, n);
}

static int memory_error(lua_State *L)
{
	return luaL_error(L, MEM_ERROR, (int)(MEM_LIMIT >> 20));
}

/* Pushes b's bytes as a Lua string and frees b; room is checked first, so a memory
 * error cannot leave b behind. */
static void push_buf(lua_State *L, struct buf *b)
{
	struct tpl_engine *e = engine_of(L);
	size_t need = b->len + 256; /* the string's header, with room to spare */
	if (e->mem + e->outbytes + need > MEM_LIMIT)
		lua_gc(L, LUA_GCCOLLECT, 0);
	if (e->mem + e->outbytes + need > MEM_LIMIT) {
		buf_free(b);
		memory_error(L);
	}
	lua_pushlstring(L, b->p, b->len);
	buf_free(b);
}

static int l_put(lua_State *L)
{
	struct tpl_engine *e = engine_of(L);
	size_t n;
	const char *s = text_of(L, 1, &n);
	if (e->outbytes + n > OUT_LIMIT)
		return luaL_error(L, "template output grew past %d MiB and was stopped", (int)(OUT_LIMIT >> 20));
	if (e->mem + e->outbytes + n > MEM_LIMIT)
		return memory_error(L);
	buf_add(e->out, s, n);
	e->outbytes += n;
	return 0;
}

static void esc_holes(struct buf *b, const char *s, size_t n);

/* _esc returns a marker-free escaped string; put then copies it. In a cached
 * partial, the markers of holes in it are marked escaped once more instead. */
static int l_esc(lua_State *L)
{
	size_t n;
	const char *s = text_of(L, 1, &n);
	struct buf b = BUF_INIT;
	if (engine_of(L)->collect && memchr(s, HOLE_OPEN, n))
		esc_holes(&b, s, n);
	else
		esc_html(&b, s, n);
	push_buf(L, &b);
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
	if (engine_of(L)->collect && memchr(s, HOLE_OPEN, n))
		return luaL_error(L, "a value of url() or current() in a cached partial can be written into HTML only");
	esc(&b, s, n);
	push_buf(L, &b);
	return 1;
}

static void hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	struct tpl_engine *e = engine_of(L);
	sandbox_charge(L, &e->meter, HOOK_EVERY);
}

/* Finds the innermost template frame for the message: "path\tline\tmessage". */
static int msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		sandbox_tostring(L, 1);
		msg = lua_tostring(L, -1);
	}
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

/* Reports a render's error: a memory error at the line where memory ran out. */
static void report_failure(struct tpl_engine *e, const char *m, const char *name, const char *what)
{
	static const char oom[] = "not enough memory";
	size_t ml = m ? strlen(m) : 0;
	if (ml >= sizeof oom - 1 && !strcmp(m + ml - (sizeof oom - 1), oom)) {
		if (!e->oom_line) {
			diag_error(what ? what : "template", 0, 0, MEM_ERROR " (in template %s)", (int)(MEM_LIMIT >> 20), name);
			return;
		}
		char *located = xasprintf("%s\t%d\t" MEM_ERROR, e->oom_src, e->oom_line, (int)(MEM_LIMIT >> 20));
		report(located, what);
		free(located);
		return;
	}
	report(m ? m : "?", what);
}

/* Compiles template text (read from shown) into a function on the stack; false after reporting. */
static bool compile(lua_State *L, const char *shown, const char *text, size_t len)
{
	int line, col;
	long bad = utf8_invalid_at(text, len);
	char *code = bad < 0 ? tpl_compile(text, len, &line, &col) : NULL;
	if (bad >= 0) {
		text_pos(text, (size_t)bad, &line, &col);
		diag_error(shown, line, col, "not valid UTF-8");
		return false;
	}
	if (!code) {
		diag_error(shown, line, col, "'<%%' is never closed with '%%>'");
		return false;
	}
	char *chunk = xasprintf("@%s", shown);
	bool ok = luaL_loadbufferx(L, code, strlen(code), chunk, "t") == LUA_OK;
	if (!ok) {
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
	}
	free(chunk);
	free(code);
	return ok;
}

/* The folder that holds template name: the first with an entry of that name (a link or a FIFO
 * too: reading it reports what is wrong). Returns its index, or -1. */
static long find_dir(struct tpl_engine *e, const char *name)
{
	if (strstr(name, "..") || name[0] == '/')
		return -1;
	for (size_t i = 0; i < e->ndirs; i++) {
		char *path = path_join(e->dirs[i].path, name);
		struct stat st;
		/* a name that cannot be looked up (its folder unreadable) counts as
		 * there: reading it then reports why, instead of "unknown" */
		bool there = lstat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
		free(path);
		if (there)
			return (long)i;
	}
	return -1;
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
	long i = find_dir(e, name);
	if (i < 0) {
		lua_pop(L, 1);
		return false;
	}
	const struct tpl_dir *d = &e->dirs[i];
	char *path = path_join(d->path, name), *shown = path_join(d->shown, name), *text;
	size_t len;
	bool ok = false;
	if (!e->trees[i].real)
		diag_error(shown, 0, 0, "cannot read: its folder %s does not resolve", d->root);
	else if (tree_read_path(&e->trees[i], path, shown, &text, &len) == 0) {
		len = text_normalize(text, len);
		ok = compile(L, shown, text, len);
		free(text);
	}
	free(path);
	free(shown);
	if (!ok)
		lua_pushboolean(L, 0); /* remembered as broken: reported once */
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	lua_remove(L, -2);
	return ok;
}

bool tpl_exists(struct tpl_engine *e, const char *name)
{
	/* A template loaded before (working or not) exists: no file system call per page. */
	lua_getfield(e->L, LUA_REGISTRYINDEX, "vade.templates");
	bool known = lua_getfield(e->L, -1, name) != LUA_TNIL;
	lua_pop(e->L, 2);
	return known || find_dir(e, name) >= 0;
}

/* Pushes a fresh _ENV: the fields of the table at vars, then through __index the
 * render's own libraries and the safe globals. */
static void push_env(lua_State *L, int vars)
{
	lua_newtable(L);
	if (vars)
		sandbox_copy(L, vars, -1);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.envmeta");
	lua_setmetatable(L, -2);
}

/* Under lua_pcall, so that running out of memory on the way is an error, not a panic:
 * (for a render's outermost template, argument 3) gives the render its own libraries,
 * then calls the template function (argument 1) with an _ENV made from vars (argument 2). */
static int run(lua_State *L)
{
	if (lua_toboolean(L, 3)) { /* the render's globals: its own libraries, then the shared ones */
		sandbox_push_libs(L);
		lua_getfield(L, LUA_REGISTRYINDEX, "vade.globalsmeta");
		lua_setmetatable(L, -2);
		lua_createtable(L, 0, 1);
		lua_insert(L, -2);
		lua_setfield(L, -2, "__index");
		lua_setfield(L, LUA_REGISTRYINDEX, "vade.envmeta");
	}
	lua_pushvalue(L, 1);
	push_env(L, lua_istable(L, 2) ? 2 : 0);
	lua_pushcfunction(L, l_put);
	lua_pushcfunction(L, l_esc);
	lua_call(L, 3, 1);
	return 1;
}

/* Calls the template function on top of the stack (popped) with vars, writing into out.
 * Returns the pcall status; on error the message handler's text is on the stack. */
static int call(struct tpl_engine *e, int vars, struct buf *out)
{
	lua_State *L = e->L;
	int fn = lua_gettop(L);
	lua_pushcfunction(L, msgh);
	lua_pushcfunction(L, run);
	lua_rotate(L, fn, 2); /* msgh, run, the template function */
	if (vars)
		lua_pushvalue(L, vars);
	else
		lua_pushnil(L);
	lua_pushboolean(L, e->depth == 0);
	struct buf *saved = e->out;
	size_t bytes = e->outbytes; /* after the call, out is its caller's, no longer output under way */
	int depth = e->depth++;
	e->out = out;
	int rc = lua_pcall(L, 3, 1, fn);
	e->out = saved;
	e->outbytes = bytes;
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
		/* run() gives the render its own string, table, math and utf8: what it changes
		 * there, the next render does not see. */
		e->meter.steps = 0;
		e->outbytes = 0;
		e->oom_line = 0;
		lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	}
	int rc = call(e, vars, out);
	if (outer)
		lua_sethook(L, NULL, 0, 0);
	lua_pushvalue(L, top + 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.current");
	if (rc != LUA_OK) {
		report_failure(e, lua_tostring(L, -1), name, what);
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
	for (int src = 4; src >= 2; src -= 2)
		if (lua_istable(L, src))
			sandbox_copy(L, src, 3);
	lua_settop(L, 3);
	const char *name = lua_tostring(L, 1);
	if (!load(e, name))
		return luaL_error(L, tpl_exists(e, name) ? "template '%s' cannot be used (its error is reported at its file)"
		                                         : "template '%s' not found", name);
	struct buf b = BUF_INIT;
	int rc = call(e, 3, &b);
	if (rc != LUA_OK) {
		buf_free(&b);
		return lua_error(L); /* already located by the message handler */
	}
	push_buf(L, &b);
	return 1;
}

/* {======= cached includes */

static void holes_free(struct holes *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].data);
	free(h->v);
	*h = (struct holes){0};
}

static void cached_free(struct cached *c)
{
	free(c->key);
	free(c->out);
	free(c->kind);
	holes_free(&c->holes);
	diag_kept_free(c->warns, c->nwarns);
	free(c);
}

/* The hole marker at s[0..n) (s[0] is HOLE_OPEN): its length, with how many
 * times it was escaped and its number; 0 when it is not a whole marker. */
static size_t hole_at(const char *s, size_t n, int *esc, size_t *idx)
{
	if (n < 4 || s[1] < '0' || s[1] > '9')
		return 0;
	size_t i = 2, v = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9' && i < 12; i++)
		v = v * 10 + (size_t)(s[i] - '0');
	if (i == 2 || i >= n || (unsigned char)s[i] != HOLE_CLOSE)
		return 0;
	*esc = s[1] - '0';
	*idx = v;
	return i + 1;
}

/* esc_html() of text that holds holes: the text between them escaped, each
 * hole marked as escaped once more (filled, its text is escaped that often). */
static void esc_holes(struct buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const char *m = memchr(s + i, HOLE_OPEN, n - i);
		size_t at = m ? (size_t)(m - s) : n, len = 0, idx;
		int esc;
		esc_html(b, s + i, at - i);
		if (at < n && (len = hole_at(s + at, n - at, &esc, &idx)) && esc < 9) {
			buf_addf(b, "%c%c%zu%c", HOLE_OPEN, '0' + esc + 1, idx, HOLE_CLOSE);
		} else if (at < n) {
			len = 1; /* not a hole: left for the check of the whole output to report */
			buf_addc(b, (char)HOLE_OPEN);
		}
		i = at + len;
	}
}

/* Whether every HOLE_OPEN and HOLE_CLOSE of a cached partial's output is part
 * of a marker of one of its nholes holes: false when the template took one apart. */
static bool holes_whole(const char *s, size_t n, size_t nholes)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int esc;
		size_t idx, len;
		if (c == HOLE_CLOSE)
			return false;
		if (c != HOLE_OPEN)
			continue;
		if (!(len = hole_at(s + i, n - i, &esc, &idx)) || idx >= nholes)
			return false;
		i += len - 1;
	}
	return true;
}

/* Whether no hole of s[0..n) touches a letter or digit, or is followed by '#' or '=': a hole's text
 * then never joins a word of the text around it (an attribute's name, say) into another, and an empty
 * one never makes the text after it a fragment link or a value. */
static bool holes_apart(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] != HOLE_OPEN)
			continue;
		int esc;
		size_t idx, len = hole_at(s + i, n - i, &esc, &idx);
		unsigned char before = i ? (unsigned char)s[i - 1] : ' ', after = i + len < n ? (unsigned char)s[i + len] : ' ';
		/* nor starts a value ("#top" after an empty hole) or gives one to its text */
		if (isalnum(before) || isalnum(after) || after == '#' || after == '=')
			return false;
		i += len - 1;
	}
	return true;
}

/* Records a use of cached output c, filled as b, for tpl_uses(). */
static void record_use(struct tpl_engine *e, const struct cached *c, const struct buf *b, bool inert)
{
	if (!e->recording || !c->once || !inert || !htmlids_same_frame(b->p, b->len, &c->frag))
		return;
	if (e->nuses == e->capuses) {
		e->capuses = e->capuses ? 2 * e->capuses : 8;
		e->uses = xrealloc(e->uses, e->capuses * sizeof *e->uses);
	}
	char *copy = xmalloc(b->len + 1);
	memcpy(copy, b->p, b->len + 1);
	e->uses[e->nuses++] = (struct tpl_use){copy, b->len, c->frag};
}

/* Appends cached output c to out with its holes filled for the render under way (rank 2; for the
 * others see struct tpl_holes, fill_as; rank 4: a sentinel in each hole, counted in occurs, each hole's
 * kind put in kind). *ok is false when a text does not keep the check that reads c once right: a link
 * that is no whole value (htmlids_url_text), a current() text that is no whole attributes
 * (htmlids_attr_text), or c's kinds not known. */
static void fill_holes_as(struct tpl_engine *e, const struct cached *c, int rank, struct buf *out, bool *ok,
                          unsigned char *kind, size_t *occurs)
{
	const char *s = c->out;
	size_t n = c->len;
	const struct holes *h = &c->holes;
	*ok = rank == 4 || c->kind;
	struct buf t = BUF_INIT, u = BUF_INIT;
	size_t i = 0;
	while (i < n) {
		const char *m = memchr(s + i, HOLE_OPEN, n - i);
		size_t at = m ? (size_t)(m - s) : n, len, idx;
		int esc;
		buf_add(out, s + i, at - i);
		if (at == n)
			break;
		len = hole_at(s + at, n - at, &esc, &idx); /* whole: holes_whole() said so */
		t.len = 0;
		if (rank == 2) {
			e->hops.fill(e->hops.ctx, h->v[idx].data, h->v[idx].len, &t);
		} else if (rank == 4) {
			e->hops.fill_as(e->hops.ctx, h->v[idx].data, h->v[idx].len, 3, &t);
			kind[idx] = t.len && t.p[0] == 'u' ? 'u' : 'c';
			occurs[idx]++;
			t.len = 0;
			if (kind[idx] == 'u')
				buf_addf(&t, "vade-u%zu", idx);
			else
				buf_addf(&t, " data-vade-c%zu=\"\"", idx);
		} else {
			e->hops.fill_as(e->hops.ctx, h->v[idx].data, h->v[idx].len, rank, &t);
		}
		for (; esc > 0; esc--) {
			u.len = 0;
			esc_html(&u, t.p, t.len);
			struct buf x = t;
			t = u;
			u = x;
		}
		if (*ok && rank != 4 && c->kind)
			*ok = c->kind[idx] == 'u' ? htmlids_url_text(t.p, t.len) : htmlids_attr_text(t.p, t.len);
		buf_add(out, t.p, t.len);
		i = at + len;
	}
	buf_free(&t);
	buf_free(&u);
}

static void fill_holes(struct tpl_engine *e, const struct cached *c, struct buf *out, bool *ok)
{
	fill_holes_as(e, c, 2, out, ok, NULL, NULL);
}

/* Whether cached output c may be read once (htmlids.h): its holes apart; with a sentinel in each
 * hole, accepted and each sentinel where its kind may stand (htmlids_fragment_holes); and accepted
 * with every current() hole as the current page's, as a page it is inside, and as neither, each of
 * those texts whole attributes. Then a page's mix of those texts, and its links, change values and
 * attributes that are no id, never how the rest is read. Sets c->kind and c->frag. */
static bool read_once(struct tpl_engine *e, struct cached *c)
{
	if (!e->hops.fill_as || !holes_apart(c->out, c->len))
		return false;
	size_t nh = c->holes.n;
	unsigned char *kind = xcalloc(nh + 1, 1);
	size_t *occurs = xcalloc(nh + 1, sizeof *occurs);
	struct buf v = BUF_INIT;
	bool ok;
	fill_holes_as(e, c, 4, &v, &ok, kind, occurs);
	ok = ok && htmlids_fragment_holes(v.p, v.len, nh, kind, occurs, &c->frag);
	free(occurs);
	if (ok)
		c->kind = kind;
	else
		free(kind);
	for (int rank = -1; rank <= 1 && ok; rank++) {
		struct html_fragment f;
		v.len = 0;
		fill_holes_as(e, c, rank, &v, &ok, NULL, NULL);
		/* the same element with the same white space around it in every reading */
		ok = ok && htmlids_fragment(v.p, v.len, &f) && f.lead == c->frag.lead && f.trail == c->frag.trail &&
		     !strcmp(f.root, c->frag.root);
		if (ok && f.depth > c->frag.depth)
			c->frag.depth = f.depth;
	}
	buf_free(&v);
	return ok;
}

static int cmp_recent(const void *a, const void *b)
{
	uint64_t x = (*(struct cached *const *)a)->used, y = (*(struct cached *const *)b)->used;
	return (x < y) - (x > y);
}

/* Keeps every output the task under way or the one before it used and, of the others, those used last
 * within half of CACHE_BYTES; drops the rest (see CACHE_BYTES). */
static void cache_make_room(struct tpl_engine *e)
{
	qsort(e->cache, e->ncache, sizeof *e->cache, cmp_recent);
	size_t kept = 0, bytes = 0, others = 0;
	for (size_t i = 0; i < e->ncache; i++) {
		struct cached *c = e->cache[i];
		bool own = c->used > e->task_tick;
		if (own || others + c->bytes <= CACHE_BYTES / 2) {
			e->cache[kept++] = c;
			bytes += c->bytes;
			others += own ? 0 : c->bytes;
		} else {
			cached_free(c);
			e->cstats.drops++;
		}
	}
	e->ncache = kept;
	e->cache_bytes = bytes;
	lua_State *L = e->L;
	lua_createtable(L, 0, (int)kept);
	for (size_t i = 0; i < kept; i++) {
		lua_pushlstring(L, e->cache[i]->key, e->cache[i]->key_len);
		lua_pushinteger(L, (lua_Integer)i + 1);
		lua_rawset(L, -3);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.cache");
}

void tpl_cache_task(struct tpl_engine *e)
{
	e->task_tick = e->task_begun;
	e->task_begun = e->tick;
}

static void cache_drop(struct tpl_engine *e)
{
	for (size_t i = 0; i < e->ncache; i++)
		cached_free(e->cache[i]);
	e->ncache = 0;
	e->cache_bytes = 0;
	lua_newtable(e->L);
	lua_setfield(e->L, LUA_REGISTRYINDEX, "vade.cache");
}

/* Renders template name for a cached include into out: variables the owner's
 * shared ones plus the table at index vars (0: none), seen by the includes
 * inside it too. Returns the pcall status; on error the located message is on top. */
static int render_shared(struct tpl_engine *e, const char *name, int vars, struct buf *out)
{
	lua_State *L = e->L;
	lua_newtable(L);
	int t = lua_gettop(L);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.current"); /* t + 1: restored after */
	for (const char *const *k = e->hops.shared; k && *k; k++) {
		lua_getfield(L, t + 1, *k);
		lua_setfield(L, t, *k);
	}
	if (vars)
		sandbox_copy(L, vars, t);
	if (!load(e, name)) {
		lua_pushfstring(L, tpl_exists(e, name) ? "template '%s' cannot be used (its error is reported at its file)"
		                                       : "template '%s' not found", name);
		return LUA_ERRRUN; /* not located yet: lua_error() in the caller runs no handler, luaL_where it */
	}
	lua_pushvalue(L, t);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.current");
	int rc = call(e, t, out);
	lua_pushvalue(L, t + 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.current");
	return rc;
}

/* include_cached(name, key [, vars]): see template.h. */
static int l_include_cached(lua_State *L)
{
	struct tpl_engine *e = engine_of(L);
	size_t nl, kl;
	const char *name = luaL_checklstring(L, 1, &nl);
	const char *key = luaL_checklstring(L, 2, &kl);
	if (!lua_isnoneornil(L, 3))
		luaL_checktype(L, 3, LUA_TTABLE);
	lua_settop(L, 3);
	if (!e->has_hops)
		return luaL_error(L, "include_cached() cannot be used here");
	luaL_argcheck(L, strlen(name) == nl, 1, "a template name");
	if (e->depth > 32)
		return luaL_error(L, "templates include each other too deeply (a loop?)");
	int vars = lua_istable(L, 3) ? 3 : 0;
	/* The page being rendered, given in vars, is seen there as the site's page it stands for:
	 * without this render's content and toc, which no other page may share. Like any page it
	 * must be named in the key. */
	if (vars) {
		lua_pushnil(L);
		while (lua_next(L, vars)) {
			if (luaL_getmetafield(L, -1, "__name") == LUA_TSTRING && !strcmp(lua_tostring(L, -1), TPL_THIS_PAGE)) {
				luaL_getmetafield(L, -2, "__index");
				lua_pushvalue(L, -4);
				lua_insert(L, -2);
				lua_rawset(L, vars);
			}
			lua_settop(L, vars + 1);
		}
	}
	struct buf b = BUF_INIT;
	if (e->collect) {
		/* Inside a cached partial: part of its output, holes and all. */
		if (render_shared(e, name, vars, &b) != LUA_OK) {
			buf_free(&b);
			return lua_error(L);
		}
		push_buf(L, &b);
		return 1;
	}
	/* The key: name, NUL, scope, NUL, key; a name holds no NUL, a scope no digit-free text. */
	luaL_Buffer kb;
	luaL_buffinit(L, &kb);
	luaL_addlstring(&kb, name, nl + 1);
	lua_pushinteger(L, (lua_Integer)e->hops.scope(e->hops.ctx));
	luaL_addvalue(&kb);
	luaL_addchar(&kb, '\0');
	luaL_addlstring(&kb, key, kl);
	luaL_pushresult(&kb);
	int k = lua_gettop(L);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.cache");
	lua_pushvalue(L, k);
	if (lua_rawget(L, -2) == LUA_TNUMBER) {
		struct cached *c = e->cache[lua_tointeger(L, -1) - 1];
		c->used = ++e->tick;
		e->cstats.hits++;
		if (e->hops.use_set)
			e->hops.use_set(e->hops.ctx, c->set);
		diag_say_again(c->warns, c->nwarns);
		bool ok;
		fill_holes(e, c, &b, &ok);
		record_use(e, c, &b, ok);
		push_buf(L, &b);
		return 1;
	}
	lua_settop(L, k);
	struct holes h = {0};
	e->collect = &h;
	if (e->hops.set_begin)
		e->hops.set_begin(e->hops.ctx);
	size_t mark = diag_keep_mark();
	int rc = render_shared(e, name, vars, &b);
	uint32_t set = e->hops.set_end ? e->hops.set_end(e->hops.ctx) : 0;
	e->collect = NULL;
	if (rc != LUA_OK) {
		holes_free(&h);
		buf_free(&b);
		return lua_error(L);
	}
	e->cstats.renders++;
	if (!holes_whole(b.p, b.len, h.n)) {
		holes_free(&h);
		buf_free(&b);
		return luaL_error(L, "the output of cached partial '%s' holds part of a value of url() or current() "
		                  "(write such a value whole into the HTML)", name);
	}
	struct cached *c = xcalloc(1, sizeof *c);
	/* Kept for the worker's life, so without the slack of their growing (a tenth of them). */
	c->len = b.len;
	c->out = xrealloc(buf_detach(&b, NULL), c->len + 1);
	if (h.n < h.cap) {
		h.v = h.n ? xrealloc(h.v, h.n * sizeof *h.v) : (free(h.v), NULL);
		h.cap = h.n;
	}
	c->holes = h;
	c->set = set;
	c->warns = diag_keep_since(mark, &c->nwarns);
	c->bytes = sizeof *c + c->len + kl + nl + h.n * sizeof *h.v;
	for (size_t i = 0; i < h.n; i++)
		c->bytes += h.v[i].len;
	c->once = read_once(e, c);
	bool ok;
	fill_holes(e, c, &b, &ok);
	record_use(e, c, &b, ok);
	if (c->bytes <= CACHE_ENTRY_MAX) {
		if (e->cache_bytes + c->bytes > CACHE_BYTES)
			cache_make_room(e);
		const char *ks = lua_tolstring(L, k, &c->key_len);
		c->key = xmalloc(c->key_len + 1);
		memcpy(c->key, ks, c->key_len + 1);
		c->used = ++e->tick;
		if (e->ncache == e->capcache) {
			e->capcache = e->capcache ? 2 * e->capcache : 64;
			e->cache = xrealloc(e->cache, e->capcache * sizeof *e->cache);
		}
		e->cache[e->ncache++] = c;
		e->cache_bytes += c->bytes;
		lua_getfield(L, LUA_REGISTRYINDEX, "vade.cache");
		lua_pushvalue(L, k);
		lua_pushinteger(L, (lua_Integer)e->ncache);
		lua_rawset(L, -3);
		lua_pop(L, 1);
	} else {
		cached_free(c);
	}
	push_buf(L, &b);
	return 1;
}

void tpl_set_holes(struct tpl_engine *e, const struct tpl_holes *h)
{
	e->hops = *h;
	e->has_hops = true;
}

bool tpl_caching(lua_State *L)
{
	return engine_of(L)->collect != NULL;
}

void tpl_push_hole(lua_State *L, const char *data, size_t len)
{
	struct tpl_engine *e = engine_of(L);
	struct holes *h = e->collect;
	if (!h) {
		luaL_error(L, "a hole outside a cached partial");
		return;
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 16;
		h->v = xrealloc(h->v, h->cap * sizeof *h->v);
	}
	char *d = xmalloc(len + 1);
	memcpy(d, data, len);
	d[len] = '\0';
	h->v[h->n] = (struct hole){d, len};
	lua_pushfstring(L, "%c0%I%c", HOLE_OPEN, (lua_Integer)h->n, HOLE_CLOSE);
	h->n++;
}

void tpl_cache_stats(const struct tpl_engine *e, struct tpl_cache_stats *st)
{
	*st = e->cstats;
}

/* }======= */

void tpl_freeze(lua_State *L)
{
	sandbox_freeze(L);
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
			if (n->tag == YML_TAG_SET) /* a set as Lua has one: each member a key whose value is true */
				lua_pushboolean(L, 1);
			else
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

/* How messages name d's root folder, by tree.h's convention: "" for the site,
 * "themes/default/" for a theme whose templates are shown as
 * "themes/default/templates" (d->shown less the folder's path under its root). */
static char *root_shown(const struct tpl_dir *d)
{
	if (!strcmp(d->root_name, "site"))
		return xstrdup("");
	size_t rl = strlen(d->root), sl = strlen(d->shown);
	const char *rel = !strncmp(d->path, d->root, rl) && d->path[rl] == '/' ? d->path + rl + 1 : "templates";
	size_t n = strlen(rel);
	if (sl > n && d->shown[sl - n - 1] == '/' && !strcmp(d->shown + sl - n, rel))
		return xstrndup(d->shown, sl - n);
	return xstrdup("themes/"); /* a theme shown by another name: its messages still say "theme" */
}

struct tpl_engine *tpl_new(const struct tpl_dir *dirs, size_t ndirs)
{
	struct tpl_engine *e = xcalloc(1, sizeof *e);
	e->L = lua_newstate(lalloc, e);
	if (!e->L) {
		fputs("vade: cannot create a Lua state\n", stderr);
		abort();
	}
	lua_State *L = e->L;
	lua_atpanic(L, panic);
	/* Generational collection (Lua 5.4 manual, 2.5.2): a render's tables and strings die
	 * young, the site's views and the cached partials live for the worker's life. Against
	 * the incremental default on the 10,000-page bench site: a worker's Lua heap peaks at
	 * 9.9 MB instead of 14.9, and the build takes a tenth less CPU (issue 13). */
	lua_gc(L, LUA_GCGEN, 0, 0);
	*(struct tpl_engine **)lua_getextraspace(L) = e;
	e->dirs = xcalloc(ndirs, sizeof *e->dirs);
	for (size_t i = 0; i < ndirs; i++)
		e->dirs[i] = (struct tpl_dir){xstrdup(dirs[i].path), xstrdup(dirs[i].shown), xstrdup(dirs[i].root),
		                              xstrdup(dirs[i].root_name)};
	e->ndirs = ndirs;
	e->trees = xcalloc(ndirs + 1, sizeof *e->trees);
	for (size_t i = 0; i < ndirs; i++) { /* a root that does not resolve has no templates to read */
		char *shown = root_shown(&dirs[i]);
		tree_open(&e->trees[i], dirs[i].root, shown);
		free(shown);
	}
	luaL_openlibs(L);
	e->meter = (struct step_meter){0, STEP_LIMIT, PATTERN_STEP_LIMIT};
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.templates");
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.cache");
	sandbox_open(L, &e->meter);
	int g = lua_gettop(L);
	lua_pushcfunction(L, l_include);
	lua_setfield(L, g, "include");
	lua_pushcfunction(L, l_include_cached);
	lua_setfield(L, g, "include_cached");
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
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.globalsmeta");
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

/* {======= the theme's ids */

#define FIXED_IDS_DEPTH 8 /* folders of templates inside templates/: partials/ is one */

static void scan_ids(const char *text, struct vec *ids)
{
	for (const char *p = text; (p = strstr(p, " id=\"")); ) {
		p += 5;
		size_t n = strcspn(p, "\"<");
		if (n && (p[n] == '"' || !strncmp(p + n, "<%", 2)))
			vec_push(ids, p[n] == '"' ? xstrndup(p, n) : xasprintf("%.*s*", (int)n, p));
		p += n;
	}
}

static void walk_ids(const struct tree *t, const char *rel, int depth, struct vec *ids)
{
	char **names;
	size_t n = tree_list(t, rel, &names);
	for (size_t i = 0; i < n; i++) {
		char *sub = path_join(rel, names[i]), *text;
		size_t len, nl = strlen(names[i]);
		enum tree_kind k = tree_kind(t, sub, NULL);
		if (k == TREE_DIR && depth < FIXED_IDS_DEPTH)
			walk_ids(t, sub, depth + 1, ids);
		else if (k == TREE_FILE && nl > 5 && !strcmp(names[i] + nl - 5, ".html") &&
		         tree_read(t, sub, &text, &len) == 0) {
			scan_ids(text, ids);
			free(text);
		}
		free(sub);
		free(names[i]);
	}
	free(names);
}

size_t tpl_fixed_ids(const struct tpl_dir *dirs, size_t ndirs, char ***out)
{
	struct vec ids = VEC_INIT;
	for (size_t i = 0; i < ndirs; i++) {
		/* the folder as a path under its root, as path_join() made it */
		const char *root = dirs[i].root, *rel = dirs[i].path;
		size_t rl = strlen(root);
		while (rl > 1 && root[rl - 1] == '/')
			rl--;
		if (strcmp(root, ".") && *root) {
			if (strncmp(rel, root, rl) || rel[rl] != '/')
				continue;
			rel += rl + 1;
		}
		struct tree t;
		char *shown = root_shown(&dirs[i]);
		bool opened = tree_open(&t, root, shown);
		free(shown);
		if (!opened)
			continue;
		if (tree_kind(&t, rel, NULL) == TREE_DIR)
			walk_ids(&t, rel, 0, &ids);
		tree_close(&t);
	}
	xqsort(ids.v, ids.n, sizeof *ids.v, cmp_str);
	size_t k = 0;
	for (size_t i = 0; i < ids.n; i++) {
		if (k && !strcmp(ids.v[k - 1], ids.v[i]))
			free(ids.v[i]);
		else
			ids.v[k++] = ids.v[i];
	}
	*out = (char **)ids.v;
	if (!*out)
		*out = xcalloc(1, sizeof **out);
	return k;
}

/* }======= */

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

void tpl_uses_begin(struct tpl_engine *e)
{
	tpl_uses_end(e);
	e->recording = true;
}

size_t tpl_uses(const struct tpl_engine *e, const struct tpl_use **v)
{
	*v = e->uses;
	return e->nuses;
}

void tpl_uses_end(struct tpl_engine *e)
{
	for (size_t i = 0; i < e->nuses; i++)
		free(e->uses[i].text);
	e->nuses = 0;
	e->recording = false;
}

void tpl_free(struct tpl_engine *e)
{
	if (!e)
		return;
	tpl_uses_end(e);
	free(e->uses);
	cache_drop(e);
	lua_close(e->L);
	free(e->cache);
	for (size_t i = 0; i < e->ndirs; i++) {
		free((char *)e->dirs[i].path);
		free((char *)e->dirs[i].shown);
		free((char *)e->dirs[i].root);
		free((char *)e->dirs[i].root_name);
		if (e->trees[i].real)
			tree_close(&e->trees[i]);
	}
	free(e->trees);
	free(e->dirs);
	free(e);
}
