/* pattern.c — Lua 5.4's string patterns, metered (see pattern.h).
 *
 * Written from the reference manual. The matcher walks the pattern text as it
 * matches, backtracking by recursion: an item with a repetition tries its
 * lengths one by one and matches the rest of the pattern after each. A
 * malformed part of a pattern is reported when the matcher reaches it, as
 * Lua does, so ("b"):find("a[") is nil and not an error. Recursion is at
 * most 200 deep ("pattern too complex"), the depth at which Lua stops too.
 */
#include "pattern.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <string.h>

enum { MAXCAP = 32, MAXDEPTH = 200 };
/* A capture's length while it is open, and for a position capture "()". */
enum { CAP_OPEN = -1, CAP_POS = -2 };
/* A plain search or a back-reference counts one step per this many bytes. */
#define BYTES_PER_STEP 16

struct matcher {
	lua_State *L;
	const char *src, *send; /* the subject */
	const char *pend;       /* the pattern's end */
	struct step_meter *m;
	long n, counted, stop;  /* steps of this call, those added to m, where the call stops */
	int depth, ncap;
	struct {
		const char *at;
		ptrdiff_t len; /* or CAP_OPEN, CAP_POS */
	} cap[MAXCAP];
};

/* {======= steps */

static void settle(struct matcher *ms)
{
	struct step_meter *m = ms->m;
	m->steps += ms->n - ms->counted;
	ms->counted = ms->n;
	long left = m->limit > m->steps ? m->limit - m->steps : 0;
	ms->stop = ms->n + left < m->per_call ? ms->n + left : m->per_call;
}

static void begin(struct matcher *ms, lua_State *L, const char *s, size_t ls, const char *pend,
                  struct step_meter *m)
{
	ms->L = L;
	ms->src = s;
	ms->send = s + ls;
	ms->pend = pend;
	ms->m = m;
	ms->n = ms->counted = 0;
	ms->depth = ms->ncap = 0;
	settle(ms);
}

/* "10 million" rather than "10000000". */
static const char *count_text(lua_State *L, long n)
{
	if (n >= 1000000 && n % 1000000 == 0)
		return lua_pushfstring(L, "%d million", (int)(n / 1000000));
	return lua_pushfstring(L, "%I", (lua_Integer)n);
}

static void halt(struct matcher *ms)
{
	settle(ms);
	if (ms->n > ms->m->per_call)
		luaL_error(ms->L, "pattern matching ran more than %s steps and was stopped",
		           count_text(ms->L, ms->m->per_call));
	luaL_error(ms->L, "pattern matching ran past the budget of %s steps and was stopped",
	           count_text(ms->L, ms->m->limit));
}

static void steps(struct matcher *ms, long k)
{
	ms->n += k;
	if (ms->n > ms->stop)
		halt(ms);
}

#define STEP(ms) do { if (++(ms)->n > (ms)->stop) halt(ms); } while (0)

/* }======= */

/* {======= character classes */

static bool is_lower(unsigned c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(unsigned c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(unsigned c) { return c >= '0' && c <= '9'; }
static bool is_alpha(unsigned c) { return is_lower(c) || is_upper(c); }
static bool is_alnum(unsigned c) { return is_alpha(c) || is_digit(c); }
static bool is_graph(unsigned c) { return c > ' ' && c < 127; }

/* %a %c %d %g %l %p %s %u %w %x (and %z); the upper-case letter is the complement; any other %c is c itself. */
static bool in_class(unsigned char c, unsigned char cl)
{
	bool r;
	switch (is_upper(cl) ? cl + ('a' - 'A') : cl) {
	case 'a': r = is_alpha(c); break;
	case 'c': r = c < ' ' || c == 127; break;
	case 'd': r = is_digit(c); break;
	case 'g': r = is_graph(c); break;
	case 'l': r = is_lower(c); break;
	case 'p': r = is_graph(c) && !is_alnum(c); break;
	case 's': r = c == ' ' || (c >= '\t' && c <= '\r'); break;
	case 'u': r = is_upper(c); break;
	case 'w': r = is_alnum(c); break;
	case 'x': r = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); break;
	case 'z': r = c == 0; break; /* Lua 5.1's, still accepted by 5.4 */
	default: return cl == c;
	}
	return is_upper(cl) ? !r : r;
}

/* Whether c is in the set from p (its '[') to end (its ']'). */
static bool in_set(unsigned char c, const char *p, const char *end)
{
	bool neg = p[1] == '^';
	for (p += neg ? 2 : 1; p < end; p++) {
		if (*p == '%') {
			if (in_class(c, (unsigned char)*++p))
				return !neg;
		} else if (p + 2 < end && p[1] == '-') {
			if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
				return !neg;
			p += 2;
		} else if ((unsigned char)*p == c) {
			return !neg;
		}
	}
	return neg;
}

/* The end of the single-character class at p: after "x", "%x" or a whole set. */
static const char *class_end(struct matcher *ms, const char *p)
{
	char c = *p++;
	if (c == '%') {
		if (p >= ms->pend)
			luaL_error(ms->L, "malformed pattern (ends with '%%')");
		return p + 1;
	}
	if (c != '[')
		return p;
	if (p < ms->pend && *p == '^')
		p++;
	do { /* the first character belongs to the set even when it is ']' */
		if (p >= ms->pend)
			luaL_error(ms->L, "malformed pattern (missing ']')");
		if (*p++ == '%' && p < ms->pend)
			p++;
	} while (p >= ms->pend || *p != ']');
	return p + 1;
}

/* Whether the character at s (s < send) is in the class from p to ep. */
static bool single(const char *s, const char *p, const char *ep)
{
	unsigned char c = (unsigned char)*s;
	switch (*p) {
	case '.': return true;
	case '%': return in_class(c, (unsigned char)p[1]);
	case '[': return in_set(c, p, ep - 1);
	default: return (unsigned char)*p == c;
	}
}

/* }======= */

/* {======= matching */

static const char *match(struct matcher *ms, const char *s, const char *p);

/* class* at s: the longest run first, then one shorter at a time. */
static const char *greedy(struct matcher *ms, const char *s, const char *p, const char *ep)
{
	size_t i = 0;
	while (s + i < ms->send && single(s + i, p, ep)) {
		STEP(ms);
		i++;
	}
	for (;;) {
		const char *r = match(ms, s + i, ep + 1);
		if (r || i == 0)
			return r;
		i--;
	}
}

/* class- at s: the shortest run first, then one longer at a time. */
static const char *lazy(struct matcher *ms, const char *s, const char *p, const char *ep)
{
	for (;;) {
		const char *r = match(ms, s, ep + 1);
		if (r)
			return r;
		if (s >= ms->send || !single(s, p, ep))
			return NULL;
		s++;
	}
}

static const char *open_capture(struct matcher *ms, const char *s, const char *p, ptrdiff_t what)
{
	if (ms->ncap >= MAXCAP)
		luaL_error(ms->L, "too many captures");
	ms->cap[ms->ncap].at = s;
	ms->cap[ms->ncap].len = what;
	ms->ncap++;
	const char *r = match(ms, s, p);
	if (!r)
		ms->ncap--;
	return r;
}

static const char *close_capture(struct matcher *ms, const char *s, const char *p)
{
	int l = ms->ncap - 1;
	while (l >= 0 && ms->cap[l].len != CAP_OPEN)
		l--;
	if (l < 0)
		luaL_error(ms->L, "invalid pattern capture");
	ms->cap[l].len = s - ms->cap[l].at;
	const char *r = match(ms, s, p);
	if (!r)
		ms->cap[l].len = CAP_OPEN;
	return r;
}

/* %bxy at s, p after "%b": x, then text in which x and y balance, then y. */
static const char *balance(struct matcher *ms, const char *s, const char *p)
{
	if (p + 1 >= ms->pend)
		luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
	if (s >= ms->send || *s != p[0])
		return NULL;
	long open = 1;
	while (++s < ms->send) {
		STEP(ms);
		if (*s == p[1]) {
			if (--open == 0)
				return s + 1;
		} else if (*s == p[0]) {
			open++;
		}
	}
	return NULL;
}

/* %1..%9 at s: the text of that (closed) capture again. */
static const char *backref(struct matcher *ms, const char *s, char digit)
{
	int l = digit - '1';
	if (l < 0 || l >= ms->ncap || ms->cap[l].len == CAP_OPEN)
		luaL_error(ms->L, "invalid capture index %%%d", l + 1);
	ptrdiff_t len = ms->cap[l].len;
	if (len < 0) /* a position capture: never equal to text */
		return NULL;
	steps(ms, len / BYTES_PER_STEP);
	if (ms->send - s < len || memcmp(ms->cap[l].at, s, (size_t)len) != 0)
		return NULL;
	return s + len;
}

/* %f[set] at s, p at its '[': the character before s is not in the set and the one at s is
 * (outside the subject counts as '\0'). Returns the pattern after the set, or NULL. */
static const char *frontier(struct matcher *ms, const char *s, const char *p)
{
	if (p >= ms->pend || *p != '[')
		luaL_error(ms->L, "missing '[' after '%%f' in pattern");
	const char *ep = class_end(ms, p);
	unsigned char before = s == ms->src ? 0 : (unsigned char)s[-1], at = s < ms->send ? (unsigned char)*s : 0;
	return !in_set(before, p, ep - 1) && in_set(at, p, ep - 1) ? ep : NULL;
}

/* Matches pattern p (to pend) at s: the end of the match, or NULL. */
static const char *match_items(struct matcher *ms, const char *s, const char *p)
{
	while (p < ms->pend) {
		STEP(ms);
		switch (*p) {
		case '(':
			if (p + 1 < ms->pend && p[1] == ')')
				return open_capture(ms, s, p + 2, CAP_POS);
			return open_capture(ms, s, p + 1, CAP_OPEN);
		case ')':
			return close_capture(ms, s, p + 1);
		case '$':
			if (p + 1 == ms->pend)
				return s == ms->send ? s : NULL;
			break;
		case '%':
			if (p + 1 >= ms->pend)
				break;
			if (p[1] == 'b') {
				if (!(s = balance(ms, s, p + 2)))
					return NULL;
				p += 4;
				continue;
			}
			if (p[1] == 'f') {
				if (!(p = frontier(ms, s, p + 2)))
					return NULL;
				continue;
			}
			if (is_digit((unsigned char)p[1])) {
				if (!(s = backref(ms, s, p[1])))
					return NULL;
				p += 2;
				continue;
			}
			break;
		}
		const char *ep = class_end(ms, p);
		bool one = s < ms->send && single(s, p, ep);
		char rep = ep < ms->pend ? *ep : '\0';
		if (!one && (rep == '*' || rep == '?' || rep == '-')) { /* none is enough */
			p = ep + 1;
			continue;
		}
		if (!one)
			return NULL;
		switch (rep) {
		case '?': {
			const char *r = match(ms, s + 1, ep + 1);
			if (r)
				return r;
			p = ep + 1;
			continue;
		}
		case '+': return greedy(ms, s + 1, p, ep);
		case '*': return greedy(ms, s, p, ep);
		case '-': return lazy(ms, s, p, ep);
		default:
			s++;
			p = ep;
		}
	}
	return s;
}

static const char *match(struct matcher *ms, const char *s, const char *p)
{
	if (++ms->depth > MAXDEPTH)
		luaL_error(ms->L, "pattern too complex");
	const char *r = match_items(ms, s, p);
	ms->depth--;
	return r;
}

/* }======= */

/* {======= the library functions */

/* Pushes capture i of a match from s to e (the whole match for i 0 when there are no captures). */
static void push_capture(struct matcher *ms, int i, const char *s, const char *e)
{
	if (i >= ms->ncap) {
		if (i != 0)
			luaL_error(ms->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(ms->L, s, (size_t)(e - s));
		return;
	}
	ptrdiff_t len = ms->cap[i].len;
	if (len == CAP_OPEN)
		luaL_error(ms->L, "unfinished capture");
	if (len == CAP_POS)
		lua_pushinteger(ms->L, ms->cap[i].at - ms->src + 1);
	else
		lua_pushlstring(ms->L, ms->cap[i].at, (size_t)len);
}

/* Pushes every capture (or the whole match when there are none and s is given); returns how many. */
static int push_captures(struct matcher *ms, const char *s, const char *e)
{
	int n = ms->ncap == 0 && s ? 1 : ms->ncap;
	luaL_checkstack(ms->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		push_capture(ms, i, s, e);
	return n;
}

/* The 0-based offset where a search from init (1-based, negative from the end) starts; may be past len. */
static size_t start_of(lua_Integer init, size_t len)
{
	if (init > 0)
		return (size_t)init - 1;
	if (init == 0 || init < -(lua_Integer)len)
		return 0;
	return len - (size_t)-init;
}

static bool has_specials(const char *p, size_t lp)
{
	for (size_t i = 0; i < lp; i++)
		if (p[i] && strchr("^$*+?.([%-", p[i]))
			return true;
	return false;
}

static struct step_meter *meter(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

static int plain_find(struct matcher *ms, size_t init, const char *p, size_t lp)
{
	const char *from = ms->src + init;
	const char *at = memmem(from, (size_t)(ms->send - from), p, lp);
	steps(ms, ((at ? at + lp : ms->send) - from) / BYTES_PER_STEP);
	settle(ms);
	if (!at) {
		luaL_pushfail(ms->L);
		return 1;
	}
	lua_pushinteger(ms->L, at - ms->src + 1);
	lua_pushinteger(ms->L, (lua_Integer)(at - ms->src) + (lua_Integer)lp);
	return 2;
}

static int find_or_match(lua_State *L, bool find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls), *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_of(luaL_optinteger(L, 3, 1), ls);
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	struct matcher ms;
	begin(&ms, L, s, ls, p + lp, meter(L));
	if (find && (lua_toboolean(L, 4) || !has_specials(p, lp)))
		return plain_find(&ms, init, p, lp);
	bool anchor = lp > 0 && *p == '^';
	if (anchor)
		p++;
	const char *at = s + init;
	do {
		ms.ncap = 0;
		const char *e = match(&ms, at, p);
		if (e) {
			settle(&ms);
			if (!find)
				return push_captures(&ms, at, e);
			lua_pushinteger(L, at - s + 1);
			lua_pushinteger(L, e - s);
			return push_captures(&ms, NULL, NULL) + 2;
		}
	} while (at++ < ms.send && !anchor);
	settle(&ms);
	luaL_pushfail(L);
	return 1;
}

static int l_find(lua_State *L)
{
	return find_or_match(L, true);
}

static int l_match(lua_State *L)
{
	return find_or_match(L, false);
}

/* Where a gmatch iteration stands: offsets into the subject. */
struct gmatch_state {
	size_t at;   /* the next place to try */
	size_t last; /* the end of the last match, or SIZE_MAX */
};

/* The iterator: upvalues meter, subject, pattern, state. */
static int gmatch_next(lua_State *L)
{
	size_t ls, lp;
	const char *s = lua_tolstring(L, lua_upvalueindex(2), &ls);
	const char *p = lua_tolstring(L, lua_upvalueindex(3), &lp);
	struct gmatch_state *g = lua_touserdata(L, lua_upvalueindex(4));
	struct matcher ms;
	begin(&ms, L, s, ls, p + lp, meter(L));
	for (size_t at = g->at; at <= ls; at++) {
		ms.ncap = 0;
		const char *e = match(&ms, s + at, p);
		if (e && (size_t)(e - s) != g->last) {
			g->at = g->last = (size_t)(e - s);
			settle(&ms);
			return push_captures(&ms, s + at, e);
		}
	}
	g->at = ls + 1;
	settle(&ms);
	return 0;
}

static int l_gmatch(lua_State *L)
{
	size_t ls;
	luaL_checklstring(L, 1, &ls);
	luaL_checkstring(L, 2);
	size_t init = start_of(luaL_optinteger(L, 3, 1), ls);
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	struct gmatch_state *g = lua_newuserdatauv(L, sizeof *g, 0);
	g->at = init > ls ? ls + 1 : init;
	g->last = (size_t)-1;
	lua_pushcclosure(L, gmatch_next, 4);
	return 1;
}

/* Appends the replacement string (argument 3) for a match from s to e: %0-%9 and %% expanded. */
static void add_replacement(struct matcher *ms, luaL_Buffer *b, const char *s, const char *e)
{
	size_t l;
	const char *r = lua_tolstring(ms->L, 3, &l), *end = r + l;
	for (;;) {
		const char *pc = memchr(r, '%', (size_t)(end - r));
		if (!pc) {
			luaL_addlstring(b, r, (size_t)(end - r));
			return;
		}
		luaL_addlstring(b, r, (size_t)(pc - r));
		char c = ++pc < end ? *pc : '\0';
		if (c == '%') {
			luaL_addchar(b, '%');
		} else if (c == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (is_digit((unsigned char)c)) {
			push_capture(ms, c - '1', s, e);
			luaL_addvalue(b);
		} else {
			luaL_error(ms->L, "invalid use of '%c' in replacement string", '%');
		}
		r = pc + 1;
	}
}

/* Appends what replaces a match from s to e; false when that is the match itself. */
static bool add_value(struct matcher *ms, luaL_Buffer *b, const char *s, const char *e, int type)
{
	lua_State *L = ms->L;
	if (type == LUA_TSTRING || type == LUA_TNUMBER) {
		add_replacement(ms, b, s, e);
		return true;
	}
	settle(ms); /* a function or __index may run Lua, which counts into the meter too */
	if (type == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		int n = push_captures(ms, s, e);
		lua_call(L, n, 1);
	} else {
		push_capture(ms, 0, s, e);
		lua_gettable(L, 3);
	}
	settle(ms);
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return false;
	}
	if (!lua_isstring(L, -1))
		return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
	return true;
}

static int l_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls), *p = luaL_checklstring(L, 2, &lp);
	int type = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
	luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION || type == LUA_TTABLE,
	                 3, "string/function/table");
	bool anchor = lp > 0 && *p == '^';
	struct matcher ms;
	begin(&ms, L, s, ls, p + lp, meter(L));
	if (anchor)
		p++;
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	const char *at = s, *last = NULL;
	lua_Integer n = 0;
	bool changed = false;
	while (n < max) {
		ms.ncap = 0;
		const char *e = match(&ms, at, p);
		if (e && e != last) {
			n++;
			changed |= add_value(&ms, &b, at, e, type);
			at = last = e;
		} else if (at < ms.send) {
			luaL_addchar(&b, *at++);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	settle(&ms);
	if (changed) {
		luaL_addlstring(&b, at, (size_t)(ms.send - at));
		luaL_pushresult(&b);
	} else {
		lua_pushvalue(L, 1);
	}
	lua_pushinteger(L, n);
	return 2;
}

/* }======= */

void pat_register(lua_State *L, int lib, struct step_meter *m)
{
	static const luaL_Reg fns[] = {{"find", l_find}, {"match", l_match}, {"gmatch", l_gmatch},
	                               {"gsub", l_gsub}, {NULL, NULL}};
	lib = lua_absindex(L, lib);
	for (const luaL_Reg *f = fns; f->name; f++) {
		lua_pushlightuserdata(L, m);
		lua_pushcclosure(L, f->func, 1);
		lua_setfield(L, lib, f->name);
	}
}
