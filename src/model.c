/* model.c — the Lua model of the resolved site, built once per worker, and
 * the helpers templates call (url, t, markdown, text_lang, notes, and the
 * bibliography's csl_date, csl_names, csl_sort_key). */
#include "csl.h"
#include "diag.h"
#include "escape.h"
#include "sandbox.h"
#include "status.h"
#include "job.h"
#include "output.h"
#include "util.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

static struct worker *worker_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

void model_set_str(lua_State *L, const char *k, const char *v)
{
	if (!v)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

/* {======= template helpers */

/* An external URL as it may be written: itself when its scheme is allowed
 * (escape.h), else nil and a warning at the text it comes from. */
static int push_external(lua_State *L, struct worker *w, const char *u)
{
	if (esc_url_allowed(u, false)) { /* " https://x.org/" written as a browser follows it */
		struct buf b = BUF_INIT;
		esc_url_parsed(&b, u);
		lua_pushlstring(L, b.p, b.len);
		buf_free(&b);
		return 1;
	}
	const char *src = w->job->doc->src ? w->job->doc->src : "content";
	struct text_place at = {0, 0, 0, false, NULL, 0, NULL};
	/* in a cached partial, shared by pages, the text is not taken as the page's own (helper-91: a
	 * value written alike in two pages was named at whichever page rendered the partial first) */
	resolve_text_origin(w->sh->r, u, tpl_caching(L) ? NULL : w->job->doc->src, w->job->lang, &src, &at);
	diag_warn(src, at.line, at.col, "URL '%.*s' has a scheme vade does not publish; left without a link "
	          "(allowed: http, https, ftp, ftps, sftp, mailto, tel, sms, geo, news, irc, ircs, xmpp)", text_head(u, 60), u);
	lua_pushnil(L);
	return 1;
}

/* {======= holes: what a cached partial (template.h) leaves to each page
 *
 * A hole's data is its kind, then:
 *   'u' the output path linked to, NUL, what follows it ("?query#fragment"):
 *       the link relative to the file being rendered;
 *   'c' or 'a' the page's index (a size_t's bytes), the text for the page
 *       being rendered, and for 'a' NUL and the text for a page inside it:
 *       current()'s text. */

static int push_url_hole(lua_State *L, const char *to, size_t len, const char *rest)
{
	struct buf b = BUF_INIT;
	buf_addc(&b, 'u');
	buf_add(&b, to, len);
	buf_addc(&b, '\0');
	buf_adds(&b, rest);
	tpl_push_hole(L, b.p, b.len);
	buf_free(&b);
	return 1;
}

/* Whether p is the page being rendered (0), a page it is inside (1), or neither (-1). Page 2.. of
 * p's listing is inside p: the address of p is its first page. */
static int page_rank(const struct job *j, const struct page *p)
{
	if (j->own_page)
		return -1;
	if (j->page == p)
		return j->pager > 1 ? 1 : 0;
	for (const struct page *a = j->page->parent; a; a = a->parent)
		if (a == p)
			return 1;
	return -1;
}

/* A hole's text for the render under way; a current() hole as if the page being rendered were the
 * hole's page (rank 0), inside it (1) or neither (-1), or as it is (rank 2); rank 3: the hole's kind,
 * "u" (a link) or "c" (current()). */
static void fill_hole_as(void *ctx, const char *data, size_t len, int rank, struct buf *out)
{
	struct worker *w = ctx;
	const struct job *j = w->job;
	if (rank == 3) {
		buf_addc(out, data[0] == 'u' ? 'u' : 'c');
		return;
	}
	if (data[0] == 'u') {
		char *rel = site_url_relative(j->out_path, data + 1);
		size_t tl = strlen(data + 1);
		buf_adds(out, rel);
		buf_add(out, data + 2 + tl, len - 2 - tl);
		free(rel);
		return;
	}
	size_t idx;
	memcpy(&idx, data + 1, sizeof idx);
	const char *yes = data + 1 + sizeof idx;
	if (rank == 2)
		rank = page_rank(j, w->sh->s->pages[idx]);
	if (rank == 0)
		buf_adds(out, yes);
	else if (rank == 1 && data[0] == 'a')
		buf_adds(out, yes + strlen(yes) + 1);
}

static void fill_hole(void *ctx, const char *data, size_t len, struct buf *out)
{
	fill_hole_as(ctx, data, len, 2, out);
}

static size_t hole_scope(void *ctx)
{
	return ((struct worker *)ctx)->job->lang;
}

static void set_begin(void *ctx)
{
	deps_set_begin(((struct worker *)ctx)->dk);
}

static uint32_t set_end(void *ctx)
{
	return deps_set_end(((struct worker *)ctx)->dk);
}

static void use_set(void *ctx, uint32_t set)
{
	deps_use_set(((struct worker *)ctx)->dk, set);
}

/* current(page, text [, within]): text when page is the page being rendered,
 * within (if given) when the page being rendered is inside it, else "". The
 * same in a cached partial, where page is not known. */
static int l_current(lua_State *L)
{
	struct worker *w = worker_of(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	size_t yl, wl = 0;
	const char *yes = luaL_checklstring(L, 2, &yl);
	const char *within = luaL_optlstring(L, 3, NULL, &wl);
	lua_getfield(L, 1, "key");
	const char *key = lua_tostring(L, -1);
	const struct page *p = key ? site_find(w->sh->s, key) : NULL;
	luaL_argcheck(L, p != NULL, 1, "not a page");
	luaL_argcheck(L, strlen(yes) == yl && (!within || strlen(within) == wl), 2, "text without NUL");
	if (!tpl_caching(L)) {
		int rank = page_rank(w->job, p);
		lua_pushstring(L, rank == 0 ? yes : rank == 1 && within ? within : "");
		return 1;
	}
	struct buf b = BUF_INIT;
	buf_addc(&b, within ? 'a' : 'c');
	buf_add(&b, (const char *)&p->index, sizeof p->index);
	buf_add(&b, yes, yl + 1);
	if (within)
		buf_add(&b, within, wl + 1);
	tpl_push_hole(L, b.p, b.len);
	buf_free(&b);
	return 1;
}

/* }======= */

/* url(page [, lang]), url(path) or url(URL): a link relative to the file
 * being rendered, or an external URL that passes the scheme filter (else nil). */
static int l_url(lua_State *L)
{
	struct worker *w = worker_of(L);
	const struct site *s = w->sh->s;
	const struct job *j = w->job;
	char *rel;
	lua_settop(L, 2);
	if (lua_istable(L, 1)) {
		lua_getfield(L, 1, "key");
		const char *key = lua_tostring(L, -1);
		const struct page *p = key ? site_find(s, key) : NULL;
		luaL_argcheck(L, p != NULL, 1, "not a page");
		size_t lang = j->lang;
		if (!lua_isnoneornil(L, 2)) {
			int l = site_lang(s, luaL_checkstring(L, 2));
			luaL_argcheck(L, l >= 0, 2, "unknown language");
			lang = (size_t)l;
		}
		const char *to = resolve_output(w->sh->r, p, lang);
		if (tpl_caching(L))
			return push_url_hole(L, to, strlen(to), "");
		rel = site_url_relative(j->out_path, to);
	} else if (esc_url_external(luaL_checkstring(L, 1))) {
		return push_external(L, w, lua_tostring(L, 1));
	} else {
		/* The path as a browser reads it (" en/x", "en/\nx": helper-77), "?query#fragment" after
		 * it as the template wrote it; the path is taken as one inside the output folder ("a//b",
		 * "./a" and "a/../b" as what they name), never one that leaves it ("/etc", " /etc",
		 * "en/../../x" from a data file: helper-74) */
		struct buf pb = BUF_INIT;
		esc_url_parsed(&pb, lua_tostring(L, 1));
		const char *p = pb.p;
		size_t plen = strcspn(p, "?#");
		char *path = output_path_clean(p, plen);
		if (!path) {
			buf_free(&pb);
			/* a data file's or front matter's text: said at it, where the template's line named no file
			 * a user wrote (helper-115) */
			const char *src = NULL, *u = lua_tostring(L, 1);
			struct text_place at = {0, 0, 0, false, NULL, 0, NULL};
			if (!resolve_text_origin(w->sh->r, u, tpl_caching(L) ? NULL : w->job->doc->src, w->job->lang, &src, &at))
				return luaL_argerror(L, 1, "a path inside the output folder or a URL with a scheme");
			diag_error(src, at.line, at.col, "'%.*s' leads outside the output folder: a link is a path inside it or "
			           "a URL with a scheme (https://...)", text_head(u, 60), u);
			lua_pushnil(L);
			return 1;
		}
		if (tpl_caching(L)) {
			int r = push_url_hole(L, path, strlen(path), p + plen);
			free(path);
			buf_free(&pb);
			return r;
		}
		char *to = site_url_relative(j->out_path, path);
		rel = xasprintf("%s%s", to, p + plen);
		free(to);
		free(path);
		buf_free(&pb);
	}
	lua_pushstring(L, rel);
	free(rel);
	return 1;
}

/* page_with_layout(name): the first page (in site order) whose original has front
 * matter `layout: name`, in the language being rendered, or nil: for links every
 * page makes (the references page in the footer) without a scan in Lua. */
static int l_page_with_layout(lua_State *L)
{
	struct worker *w = worker_of(L);
	const struct site *s = w->sh->s;
	luaL_checkstring(L, 1);
	/* registry["vade.layouts"]: layout name -> index of its first page, made on the first call */
	if (lua_getfield(L, LUA_REGISTRYINDEX, "vade.layouts") != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		for (size_t i = s->npages; i-- > 0;) {
			const struct doc *d = s->pages[i]->docs[0];
			if (d && d->layout) {
				lua_pushinteger(L, (lua_Integer)i + 1);
				lua_setfield(L, -2, d->layout);
			}
		}
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, "vade.layouts");
	}
	lua_pushvalue(L, 1);
	if (lua_rawget(L, -2) != LUA_TNUMBER) {
		lua_pushnil(L);
		return 1;
	}
	lua_Integer i = lua_tointeger(L, -1);
	/* through lua_geti: the frozen tables are read-only proxies */
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.pages");
	lua_geti(L, -1, (lua_Integer)w->job->lang + 1);
	lua_geti(L, -1, i);
	return 1;
}

/* t(key [, {name = value}]): the UI string, "{name}" replaced by the value. A string the page's
 * language has not, taken from the default language written the other way (an English "Id." on
 * a Hebrew page), is put between the Unicode isolates of its direction (UAX #9, 2.4: U+2066 or
 * U+2067 ... U+2069): its words keep their order and its full stop its place, in the text and in
 * the attributes where templates use it, which markup could not reach. */
static int l_t(lua_State *L)
{
	struct worker *w = worker_of(L);
	const struct site *s = w->sh->s;
	const char *key = luaL_checkstring(L, 1);
	const char *v = site_ui(s, w->job->lang, key);
	if (!v)
		return luaL_error(L, "no UI string '%s' in content/i18n/ or the theme's i18n/", key);
	bool isolate = w->job->lang && strcmp(s->langs[w->job->lang].dir, s->langs[0].dir) && v == site_ui(s, 0, key);
	bool values = !lua_isnoneornil(L, 2); /* (asked before the buffer takes a place on the stack) */
	if (!values && !isolate) {
		lua_pushstring(L, v);
		return 1;
	}
	if (values)
		luaL_checktype(L, 2, LUA_TTABLE);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	if (isolate)
		luaL_addstring(&b, strcmp(s->langs[0].dir, "rtl") ? "\u2066" : "\u2067");
	for (const char *p = v; *p;) {
		const char *close = p[0] == '{' && values ? strchr(p, '}') : NULL;
		if (close && close - p < 64) {
			lua_pushlstring(L, p + 1, (size_t)(close - p - 1));
			lua_gettable(L, 2);
			if (!lua_isnil(L, -1)) {
				luaL_addvalue(&b);
				p = close + 1;
				continue;
			}
			lua_pop(L, 1);
		}
		luaL_addchar(&b, *p++);
	}
	if (isolate)
		luaL_addstring(&b, "\u2069");
	luaL_pushresult(&b);
	return 1;
}

/* t_forms(key): the plural forms of a UI string, {zero=, one=, two=, few=, many=, other=}: the
 * strings key_zero ... key_other the language (or else the default language) has, CLDR's
 * categories, for a script to choose with Intl.PluralRules. */
static int l_t_forms(lua_State *L)
{
	static const char *const cats[] = {"zero", "one", "two", "few", "many", "other"};
	struct worker *w = worker_of(L);
	const char *key = luaL_checkstring(L, 1);
	lua_createtable(L, 0, 6);
	for (size_t i = 0; i < sizeof cats / sizeof *cats; i++) {
		char *k = xasprintf("%s_%s", key, cats[i]);
		model_set_str(L, cats[i], site_ui(w->sh->s, w->job->lang, k));
		free(k);
	}
	return 1;
}

/* markdown(text [, block]): a data text as HTML; one paragraph comes without <p> unless block. */
static int l_markdown(lua_State *L)
{
	struct worker *w = worker_of(L);
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	if (tpl_caching(L)) /* its links and citations are the page's */
		return luaL_error(L, "markdown() cannot be used in a cached partial (include_cached)");
	struct md_result r;
	job_markdown(w, w->job, text, len, &r);
	const char *h = r.html.p;
	size_t n = r.html.len;
	if (lua_toboolean(L, 2) == 0 && n > 8 && !strncmp(h, "<p>", 3) && !strcmp(h + n - 5, "</p>\n") &&
	    !strstr(h + 3, "<p>"))
		lua_pushlstring(L, h + 3, n - 8);
	else
		lua_pushlstring(L, h, n);
	markdown_result_free(&r);
	return 1;
}

/* text_lang(value): the language a data field or UI string is written in,
 * {code, name, dir}: the default language's when the reader's has no
 * translation of it and shows the default's (resolve_value_lang), else the
 * reader's. */
static int l_text_lang(lua_State *L)
{
	struct worker *w = worker_of(L);
	size_t l = w->job->lang;
	if (lua_type(L, 1) == LUA_TSTRING) {
		deps_note_texts(w->dk);
		l = resolve_value_lang(w->sh->r, lua_tostring(L, 1), l);
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
	lua_getfield(L, -1, "languages");
	lua_geti(L, -1, (lua_Integer)l + 1);
	return 1;
}

/* {======= the bibliography's CSL values (csl.h), from the Lua data a template holds */

/* The text of t[k] (a number as text), or NULL. The value stays on the stack,
 * so a number's text lives until the caller resets the top. */
static const char *field(lua_State *L, int t, const char *k)
{
	luaL_checkstack(L, 1, "bibliography");
	lua_getfield(L, t, k);
	if (lua_type(L, -1) == LUA_TBOOLEAN)
		return lua_toboolean(L, -1) ? "true" : "false";
	return lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER ? lua_tostring(L, -1) : NULL;
}

static void push_end(lua_State *L, const struct csl_date_end *e)
{
	lua_createtable(L, 0, 4);
	static const char *const k[] = {"year", "month", "day", "season"};
	const int v[] = {e->year, e->month, e->day, e->season};
	for (int i = 0; i < 4; i++)
		if (v[i]) {
			lua_pushinteger(L, v[i]);
			lua_setfield(L, -2, k[i]);
		}
}

/* csl_date(value): a bibliography date as {year, month, day, season,
 * season_text, circa, literal, to = {year, month, day, season}}, or nil. */
static int l_csl_date(lua_State *L)
{
	struct csl_date d;
	memset(&d, 0, sizeof d);
	bool ok = false;
	if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
		ok = csl_date_edtf(lua_tostring(L, 1), &d);
	} else if (lua_istable(L, 1)) {
		const char *raw = field(L, 1, "raw"), *lit = field(L, 1, "literal"), *season = field(L, 1, "season");
		lua_getfield(L, 1, "date-parts");
		int parts[2][3];
		size_t n[2] = {0, 0}, np = lua_istable(L, -1) ? (size_t)luaL_len(L, -1) : 0;
		const char *err = np ? NULL : "none";
		for (size_t r = 0; r < np && r < 2 && !err; r++) {
			lua_geti(L, -1, (lua_Integer)r + 1);
			n[r] = lua_istable(L, -1) ? (size_t)luaL_len(L, -1) : 0;
			for (size_t k = 0; k < n[r] && k < 3 && !err; k++) {
				lua_geti(L, -1, (lua_Integer)k + 1);
				if (!(lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) ||
				    !csl_date_part(lua_tostring(L, -1), &parts[r][k]))
					err = "part";
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		if (!err && !csl_date_set_parts(&d, parts, n, np))
			ok = true;
		else if (raw && csl_date_edtf(raw, &d))
			ok = true;
		else if (lit || raw)
			d.literal = lit ? lit : raw, ok = true;
		int sv;
		if (ok && season && csl_date_part(season, &sv) && sv >= 1 && sv <= 4)
			d.from.season = d.from.month ? 0 : sv;
		else if (ok && season)
			d.season_text = season;
		const char *circa = field(L, 1, "circa");
		if (circa && csl_truthy(circa))
			d.circa = true;
	}
	if (!ok) {
		lua_pushnil(L);
		return 1;
	}
	if (d.literal) {
		lua_createtable(L, 0, 1);
		model_set_str(L, "literal", d.literal);
		return 1;
	}
	push_end(L, &d.from);
	model_set_str(L, "season_text", d.season_text);
	lua_pushboolean(L, d.circa);
	lua_setfield(L, -2, "circa");
	if (d.to.year) {
		push_end(L, &d.to);
		lua_setfield(L, -2, "to");
	}
	return 1;
}

static void read_name(lua_State *L, int t, struct csl_name *n)
{
	memset(n, 0, sizeof *n);
	if (!lua_istable(L, t))
		return;
	n->family = field(L, t, "family");
	n->given = field(L, t, "given");
	n->dropping = field(L, t, "dropping-particle");
	n->non_dropping = field(L, t, "non-dropping-particle");
	n->suffix = field(L, t, "suffix");
	n->literal = field(L, t, "literal");
	n->comma_suffix = csl_truthy(field(L, t, "comma-suffix"));
	n->static_ordering = csl_truthy(field(L, t, "static-ordering"));
}

/* csl_names(list, opts): a list of CSL names as text, or nil for none. opts:
 * inverted ("first" or "all": family first), et_al_min and et_al_use_first
 * (CSL's et-al-min, et-al-use-first), et_al (the words), and_word (before the
 * last name), delimiter (", "; "; " between inverted names). */
static int l_csl_names(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	bool have_opts = lua_istable(L, 2);
	const char *inv = have_opts ? field(L, 2, "inverted") : NULL, *and_word = have_opts ? field(L, 2, "and_word") : NULL;
	const char *et_al = have_opts ? field(L, 2, "et_al") : NULL, *delim = have_opts ? field(L, 2, "delimiter") : NULL;
	lua_Integer min = 0, first = 1;
	if (have_opts) {
		lua_getfield(L, 2, "et_al_min");
		min = lua_tointeger(L, -1);
		lua_getfield(L, 2, "et_al_use_first");
		first = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 1;
		lua_pop(L, 2);
	}
	lua_Integer n = luaL_len(L, 1), shown = n;
	if (min > 0 && n >= min && first < n && first > 0)
		shown = first;
	if (n == 0) {
		lua_pushnil(L);
		return 1;
	}
	struct buf b = BUF_INIT;
	for (lua_Integer i = 1; i <= shown; i++) {
		struct csl_name nm;
		int top = lua_gettop(L);
		lua_geti(L, 1, i);
		read_name(L, top + 1, &nm);
		if (i > 1) {
			if (i == shown && shown == n && and_word)
				buf_addf(&b, " %s ", and_word);
			else
				buf_adds(&b, delim ? delim : ", ");
		}
		bool inverted = inv && (!strcmp(inv, "all") || (!strcmp(inv, "first") && i == 1));
		csl_name_write(&b, &nm, inverted ? CSL_INVERTED : CSL_DISPLAY);
		lua_settop(L, top);
	}
	if (shown < n)
		buf_addf(&b, " %s", et_al ? et_al : "et al.");
	lua_pushlstring(L, b.p, b.len);
	buf_free(&b);
	return 1;
}

/* csl_sort_key(name): the key the References page sorts a name by (csl.h). */
static int l_csl_sort_key(lua_State *L)
{
	struct csl_name nm;
	read_name(L, 1, &nm);
	struct buf b = BUF_INIT;
	csl_name_sort_key(&b, &nm);
	lua_pushlstring(L, b.p, b.len);
	buf_free(&b);
	return 1;
}

/* }======= */

static const char *const position_names[] = {"first", "ibid", "subsequent"};

static void push_note(lua_State *L, const struct cite_note *n, int refs)
{
	lua_createtable(L, 0, 2);
	lua_pushinteger(L, n->n);
	lua_setfield(L, -2, "n");
	lua_createtable(L, (int)n->nitems, 0);
	for (size_t k = 0; k < n->nitems; k++) {
		const struct cite_item *it = &n->items[k];
		lua_createtable(L, 0, 8);
		model_set_str(L, "key", it->key);
		model_set_str(L, "prefix", it->prefix);
		model_set_str(L, "locator", it->locator);
		model_set_str(L, "position", position_names[it->position]);
		lua_pushinteger(L, it->first_note);
		lua_setfield(L, -2, "first_note");
		lua_pushboolean(L, it->short_used);
		lua_setfield(L, -2, "short_used");
		lua_getfield(L, refs, it->key);
		lua_setfield(L, -2, "ref");
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
	lua_setfield(L, -2, "items");
}

/* notes(): the endnotes of the document so far, with each source's position. */
static int l_notes(lua_State *L)
{
	struct worker *w = worker_of(L);
	const struct job *j = w->job;
	if (tpl_caching(L))
		return luaL_error(L, "notes() cannot be used in a cached partial (include_cached)");
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.refs");
	lua_geti(L, -1, (lua_Integer)j->lang + 1);
	int refs = lua_gettop(L);
	if (!j->cite) {
		lua_newtable(L);
		return 1;
	}
	cite_resolve(j->cite);
	j->cite->listed = j->cite->nnotes;
	lua_createtable(L, (int)j->cite->nnotes, 0);
	for (size_t i = 0; i < j->cite->nnotes; i++) {
		push_note(L, &j->cite->notes[i], refs);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* page == other: the page being rendered (a table of its own, with its
 * content) is equal to the shared page table it stands for. */
static int l_page_eq(lua_State *L)
{
	for (int i = 1; i <= 2; i++) {
		if (!lua_getmetatable(L, i))
			continue;
		lua_pushliteral(L, "__eq");
		lua_rawget(L, -2);
		bool wrapper = lua_tocfunction(L, -1) == l_page_eq;
		lua_pop(L, 1);
		if (wrapper) {
			lua_pushliteral(L, "__index");
			lua_rawget(L, -2);
			lua_replace(L, i);
		}
		lua_pop(L, 1);
	}
	lua_pushboolean(L, lua_rawequal(L, 1, 2));
	return 1;
}

/* }======= */

/* {======= the model */

static void push_languages(lua_State *L, const struct site *s)
{
	lua_createtable(L, (int)s->nlangs, 0);
	for (size_t l = 0; l < s->nlangs; l++) {
		lua_createtable(L, 0, 3);
		model_set_str(L, "code", s->langs[l].code);
		model_set_str(L, "name", s->langs[l].name);
		model_set_str(L, "dir", s->langs[l].dir);
		lua_rawseti(L, -2, (lua_Integer)l + 1);
	}
}

/* registry["vade.site"]: title, edition, base_url, default_language, languages, params. */
static void build_site(lua_State *L, const struct site *s)
{
	lua_createtable(L, 0, 6);
	model_set_str(L, "title", s->title);
	model_set_str(L, "edition", s->edition);
	model_set_str(L, "base_url", s->base_url);
	model_set_str(L, "fallback", s->fallback_link ? "link" : "copy");
	model_set_str(L, "default_language", s->langs[0].code);
	push_languages(L, s);
	lua_setfield(L, -2, "languages");
	tpl_push_yaml(L, s->config ? s->config->root : NULL);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	lua_setfield(L, -2, "params");
	tpl_freeze(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.site");
}

/* {------- page views
 * A page in a language is, for templates, a view: an empty table with the metatable
 * registry["vade.pageview"] and its slot (page index * nlangs + language) under a key
 * no template can write, whose fields are made from the resolved site when read.
 * A worker used to hold a table of every field of every page in every language: at
 * 10,000 pages in 3 languages that was most of a build's memory, and most of it never
 * read. A view costs its table; the tables its fields give (children, params, ...) are
 * kept in a weak cache, made again when the collector has dropped them. Views are
 * read-only (their metatable has __newindex) and equal only to themselves, so
 * `page == p` holds across reads. */
static const char slot_key; /* view[&slot_key] = slot */

struct view {
	struct worker *w;
	const struct site *s;
	const struct resolved *r;
	const struct page *p;
	size_t l;
	lua_Integer slot;
};

static bool view_of(lua_State *L, int idx, struct view *v)
{
	struct worker *w = worker_of(L);
	idx = lua_absindex(L, idx);
	lua_pushlightuserdata(L, (void *)&slot_key);
	lua_rawget(L, idx);
	bool ok = lua_isinteger(L, -1);
	lua_Integer slot = lua_tointeger(L, -1);
	lua_pop(L, 1);
	if (!ok)
		return false;
	const struct site *s = w->sh->s;
	*v = (struct view){w, s, w->sh->r, s->pages[(size_t)slot / s->nlangs], (size_t)slot % s->nlangs, slot};
	return true;
}

/* Pushes the view of page i in language l. */
static void push_view(lua_State *L, size_t i, size_t l)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.views");
	lua_rawgeti(L, -1, (lua_Integer)l + 1);
	lua_rawgeti(L, -1, (lua_Integer)i + 1);
	lua_replace(L, -3);
	lua_pop(L, 1);
}

/* The tables a view's fields give, cached by slot and field. */
enum view_table { VT_CHILDREN, VT_SECTIONS, VT_CHANGED, VT_OUTPUTS, VT_PARAMS, VT_TRANSLATIONS, VT_COUNT };

/* Pushes cache[(slot, which)] (registry["vade.viewcache"]), made by make(v) and
 * frozen when missing. */
static void push_cached(lua_State *L, const struct view *v, enum view_table which,
                        void (*make)(lua_State *, const struct view *))
{
	lua_Integer key = v->slot * VT_COUNT + which;
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.viewcache");
	if (lua_rawgeti(L, -1, key) != LUA_TNIL) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	make(L, v);
	tpl_freeze(L);
	lua_pushvalue(L, -1);
	lua_rawseti(L, -3, key);
	lua_remove(L, -2);
}

/* v as its page in the default language: the slot under which a table that is the same in every
 * language (or in every language showing the same document) is cached once, not once per
 * language (issue 13). */
static struct view in_default(const struct view *v)
{
	struct view d = *v;
	d.slot -= (lua_Integer)v->l;
	d.l = 0;
	return d;
}

/* translations[code]: whether the page shows a text of its own in that language. */
static void make_translations(lua_State *L, const struct view *v)
{
	lua_createtable(L, 0, (int)v->s->nlangs);
	for (size_t k = 0; k < v->s->nlangs; k++) {
		lua_pushboolean(L, resolve_has_text(v->r, v->p, k));
		lua_setfield(L, -2, v->s->langs[k].code);
	}
}

/* A document's front matter, once for every language that shows it. */
static void make_params(lua_State *L, const struct view *v)
{
	const struct doc *d = site_page_doc(v->s, v->p, v->l);
	struct yml_doc *fm = doc_front_matter(d);
	tpl_push_yaml(L, fm ? fm->root : NULL);
	doc_front_matter_done(d, fm);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
}

/* The views of the page's children in the view's language; of those that are sections (folders). */
static void make_kids(lua_State *L, const struct view *v, bool sections)
{
	lua_createtable(L, sections ? 0 : (int)v->p->nkids, 0);
	lua_Integer n = 0;
	for (size_t k = 0; k < v->p->nkids; k++)
		if (!sections || v->p->kids[k]->is_section) {
			push_view(L, v->p->kids[k]->index, v->l);
			lua_rawseti(L, -2, ++n);
		}
}
static void make_children(lua_State *L, const struct view *v) { make_kids(L, v, false); }
static void make_sections(lua_State *L, const struct view *v) { make_kids(L, v, true); }

/* The labels of the first CHANGED_SHOWN passages the translation is behind on. */
static void make_changed(lua_State *L, const struct view *v)
{
	const struct tr_entry *te = status_entry(resolve_status(v->r), v->l, TR_PAGES, v->p->key);
	size_t n = te && v->p->docs[v->l] ? te->nlisted : 0;
	n = n < CHANGED_SHOWN ? n : CHANGED_SHOWN;
	lua_createtable(L, (int)n, 0);
	for (size_t k = 0; k < n; k++) {
		lua_pushstring(L, te->items[k].label);
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
}

/* The files written for the page, as a set: the original's `outputs` decide for every language. */
static void make_outputs(lua_State *L, const struct view *v)
{
	unsigned outs = v->p->docs[0] ? v->p->docs[0]->outputs : OUT_HTML;
	lua_createtable(L, 0, 4);
	for (unsigned k = 0; k < 4; k++)
		if (outs & 1u << k) {
			lua_pushboolean(L, 1);
			lua_setfield(L, -2, output_names[k]);
		}
}

/* The field names a view has, in the order pairs() does not need (it sorts). */
static const char *const view_fields[] = {
	"key", "title", "summary", "layout", "source", "updated", "weight", "is_home", "is_section", "generated",
	"translated", "text_lang", "title_lang", "summary_lang", "partly_translated", "translations", "outdated",
	"changed", "changed_more", "path", "url", "params",
	"outputs", "parent", "children", "sections", "position", NULL};

/* The language the page's title (else summary) is written in, as site.languages has it: the
 * original's where the page shows the original's text (a fallback, text_lang) or its translation
 * holds that one untranslated (tr_entry.title_foreign: an import writes the original's text
 * there until someone translates it); else the view's. The title of a French page left in
 * English was shown as French, with no lang (helper-131). */
static void push_meta_lang(lua_State *L, const struct view *v, bool title)
{
	size_t l = resolve_meta_lang(v->r, v->p, v->l, title);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
	lua_getfield(L, -1, "languages");
	lua_geti(L, -1, (lua_Integer)l + 1);
	lua_replace(L, -3);
	lua_pop(L, 1);
}

/* Pushes field k of v (nil when it has none); 0 when k is no field. */
static int push_value(lua_State *L, const struct view *v, const char *k)
{
	const struct site *s = v->s;
	const struct page *p = v->p;
	const struct doc *d = site_page_doc(s, p, v->l);
	const struct tr_entry *te;
	switch (k[0]) {
	case 'c':
		if (!strcmp(k, "children")) {
			push_cached(L, v, VT_CHILDREN, make_children);
			return 1;
		}
		if (!strcmp(k, "changed") || !strcmp(k, "changed_more")) {
			te = status_entry(resolve_status(v->r), v->l, TR_PAGES, p->key);
			size_t n = te && p->docs[v->l] ? te->nitems : 0;
			if (k[7] == '_')
				lua_pushinteger(L, n > CHANGED_SHOWN ? (lua_Integer)(n - CHANGED_SHOWN) : 0);
			else
				push_cached(L, v, VT_CHANGED, make_changed);
			return 1;
		}
		return 0;
	case 'g':
		if (strcmp(k, "generated"))
			return 0;
		lua_pushboolean(L, p->generated);
		return 1;
	case 'i':
		if (!strcmp(k, "is_home"))
			lua_pushboolean(L, p->key[0] == '\0');
		else if (!strcmp(k, "is_section"))
			lua_pushboolean(L, p->is_section);
		else
			return 0;
		return 1;
	case 'k':
		if (strcmp(k, "key"))
			return 0;
		lua_pushstring(L, p->key);
		return 1;
	case 'l':
		if (strcmp(k, "layout"))
			return 0;
		d->layout ? (void)lua_pushstring(L, d->layout) : lua_pushnil(L);
		return 1;
	case 'o':
		if (!strcmp(k, "outdated")) {
			/* Readers are told when a passage is behind, not when only the translation's shape is in
			 * question, nor when nothing records what it answers (never marked: the notice said the
			 * original changed after the translation, which nothing shows; helper-86). */
			te = status_entry(resolve_status(v->r), v->l, TR_PAGES, p->key);
			/* ... nor for passages nobody has translated yet, which no change of the original made
			 * (partly_translated: "the original changed after it was translated" was said of a page
			 * whose original never changed, helper-131) */
			lua_pushboolean(L, tr_entry_outdated(te, p->docs[v->l] != NULL));
		} else if (!strcmp(k, "outputs")) {
			struct view d0 = in_default(v);
			push_cached(L, &d0, VT_OUTPUTS, make_outputs);
		} else {
			return 0;
		}
		return 1;
	case 'p':
		if (!strcmp(k, "partly_translated")) {
			/* a translation that shows passages nobody has translated yet, in the original's text, each
			 * marked with its language (one the translation leaves out is not shown) */
			te = status_entry(resolve_status(v->r), v->l, TR_PAGES, p->key);
			lua_pushboolean(L, te && p->docs[v->l] && (te->nforeign || te->title_foreign || te->summary_foreign));
		} else if (!strcmp(k, "parent")) {
			p->parent ? push_view(L, p->parent->index, v->l) : lua_pushnil(L);
		} else if (!strcmp(k, "path")) {
			lua_pushstring(L, resolve_output(v->r, p, v->l));
		} else if (!strcmp(k, "params")) {
			/* a language showing the original (a fallback copy) shares its params */
			struct view d0 = in_default(v);
			push_cached(L, site_page_doc(v->s, p, v->l) == site_page_doc(v->s, p, 0) ? &d0 : v, VT_PARAMS,
			            make_params);
		} else if (!strcmp(k, "position")) {
			p->position ? lua_pushinteger(L, (lua_Integer)p->position) : lua_pushnil(L);
		} else {
			return 0;
		}
		return 1;
	case 's':
		if (!strcmp(k, "summary"))
			d->shown_summary ? (void)lua_pushstring(L, d->shown_summary) : lua_pushnil(L);
		else if (!strcmp(k, "summary_lang"))
			push_meta_lang(L, v, false);
		else if (!strcmp(k, "source"))
			d->src ? (void)lua_pushstring(L, d->src) : lua_pushnil(L);
		else if (!strcmp(k, "sections"))
			push_cached(L, v, VT_SECTIONS, make_sections);
		else
			return 0;
		return 1;
	case 't':
		if (!strcmp(k, "title")) {
			d->shown_title ? (void)lua_pushstring(L, d->shown_title) : lua_pushnil(L);
		} else if (!strcmp(k, "translated")) {
			lua_pushboolean(L, resolve_has_text(v->r, p, v->l));
		} else if (!strcmp(k, "translations")) {
			struct view d0 = in_default(v);
			push_cached(L, &d0, VT_TRANSLATIONS, make_translations);
		} else if (!strcmp(k, "title_lang")) {
			push_meta_lang(L, v, true);
		} else if (!strcmp(k, "text_lang")) {
			/* the language the page's text is written in (the default's, for a fallback) */
			lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
			lua_getfield(L, -1, "languages");
			lua_geti(L, -1, (lua_Integer)resolve_text_lang(v->r, p, v->l) + 1);
			lua_replace(L, -3);
			lua_pop(L, 1);
		} else {
			return 0;
		}
		return 1;
	case 'u':
		if (!strcmp(k, "updated")) {
			/* a translation without its own date is as recent as the original it follows */
			const char *u = d->updated ? d->updated : site_page_doc(s, p, 0)->updated;
			u ? (void)lua_pushstring(L, u) : lua_pushnil(L);
		} else if (!strcmp(k, "url")) {
			/* the page's address from the site's root, for links that must be absolute */
			lua_pushfstring(L, "%s/%s", s->langs[v->l].code, p->path);
		} else {
			return 0;
		}
		return 1;
	case 'w':
		if (strcmp(k, "weight"))
			return 0;
		lua_pushinteger(L, d->weight);
		return 1;
	}
	return 0;
}

/* push_value(), the read noted for the unit under way (deps.h): which of the view's groups k is in. */
static int push_field(lua_State *L, const struct view *v, const char *k)
{
	if (!push_value(L, v, k))
		return 0;
	enum dep_group g = DEP_META;
	if (!strcmp(k, "children") || !strcmp(k, "sections"))
		g = DEP_KIDS;
	else if (!strcmp(k, "outdated") || !strcmp(k, "changed") || !strcmp(k, "changed_more") ||
	         !strcmp(k, "partly_translated"))
		g = DEP_STATUS; /* (title_lang and summary_lang are the meta's: deps.c meta_digest) */
	deps_note(v->w->dk, (size_t)v->slot, g);
	return 1;
}

static int l_view_index(lua_State *L)
{
	struct view v;
	if (!view_of(L, 1, &v) || lua_type(L, 2) != LUA_TSTRING || !push_field(L, &v, lua_tostring(L, 2)))
		lua_pushnil(L);
	return 1;
}

/* pairs(view): its fields, as a read-only table made for the loop. */
static int l_view_pairs(lua_State *L)
{
	struct view v;
	lua_newtable(L);
	if (view_of(L, 1, &v))
		for (const char *const *k = view_fields; *k; k++)
			if (push_field(L, &v, *k))
				lua_setfield(L, -2, *k);
	tpl_freeze(L);
	luaL_getmetafield(L, -1, "__pairs");
	lua_insert(L, -2);
	lua_call(L, 1, 3);
	return 3;
}

static int l_view_len(lua_State *L)
{
	lua_pushinteger(L, 0);
	return 1;
}

/* registry["vade.pageview"], registry["vade.views"] (per language, the views of every page in
 * site order) and registry["vade.viewcache"]; pushes nothing. */
static void build_views(lua_State *L, struct worker *w)
{
	const struct site *s = w->sh->s;
	static const luaL_Reg meta[] = {{"__index", l_view_index}, {"__pairs", l_view_pairs}, {"__len", l_view_len},
	                                {NULL, NULL}};
	lua_pushlightuserdata(L, w);
	sandbox_push_view_meta(L, meta, 1);
	int meta_i = lua_gettop(L);
	lua_createtable(L, (int)s->nlangs, 0);
	for (size_t l = 0; l < s->nlangs; l++) {
		lua_createtable(L, (int)s->npages, 0);
		for (size_t i = 0; i < s->npages; i++) {
			lua_createtable(L, 0, 1);
			lua_pushlightuserdata(L, (void *)&slot_key);
			lua_pushinteger(L, (lua_Integer)(i * s->nlangs + l));
			lua_rawset(L, -3);
			lua_pushvalue(L, meta_i);
			lua_setmetatable(L, -2);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_rawseti(L, -2, (lua_Integer)l + 1);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.views");
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.pageview");
	/* Held for the worker's life (a few tables per page and language): a view made again each
	 * time the collector took it cost more than the page's template (issue 13). */
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.viewcache");
}

/* pages[lang]: every page's view in that language, in site order; frozen. */
static void build_pages(lua_State *L, size_t l)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.views");
	lua_rawgeti(L, -1, (lua_Integer)l + 1);
	lua_remove(L, -2);
	tpl_freeze(L);
}

/* }------- */

/* data[name] in language l, with the language's translated fields overlaid (resolve.h); frozen.
 * Values keep their YAML types, ids too (`id: 12` is the number 12, as a `parent: 12` that
 * names it): a template that compares ids of several files compares their tostring(). */
static void build_data(lua_State *L, const struct resolved *r, size_t l)
{
	lua_newtable(L);
	for (size_t i = 0; i < resolve_ndata(r); i++) {
		tpl_push_yaml(L, resolve_data(r, i, l));
		lua_setfield(L, -2, resolve_data_name(r, i));
	}
	tpl_freeze(L);
}

/* references[id] from the data table on top (left there): the bibliography by id, for the notes; frozen. */
static void build_refs(lua_State *L)
{
	lua_getfield(L, -1, "references");
	lua_newtable(L);
	if (lua_istable(L, -2)) {
		for (lua_Integer i = 1; lua_geti(L, -2, i) != LUA_TNIL; i++) {
			lua_getfield(L, -1, "id");
			/* ids are looked up as text: `id: 1` is the key "1" (citations name keys as text) */
			if (lua_type(L, -1) == LUA_TNUMBER) {
				luaL_tolstring(L, -1, NULL);
				lua_remove(L, -2);
			}
			/* in NFC, as citations' keys are (cite.h) */
			char *nfc = lua_type(L, -1) == LUA_TSTRING ? text_nfc(lua_tostring(L, -1)) : NULL;
			if (nfc) {
				lua_pop(L, 1);
				lua_pushstring(L, nfc);
				free(nfc);
			}
			lua_insert(L, -2);
			if (lua_isnil(L, -2))
				lua_pop(L, 2);
			else
				lua_rawset(L, -3);
		}
		lua_pop(L, 1); /* the nil that ended the list */
	}
	lua_remove(L, -2);
	tpl_freeze(L);
}

static int model_call(lua_State *L)
{
	struct worker *w = lua_touserdata(L, 1);
	const struct resolved *r = w->sh->r;
	const struct site *s = w->sh->s;
	/* A C function may use LUA_MINSTACK (20) slots unless it asks for more. */
	luaL_checkstack(L, 40, "site model");
	build_site(L, s);
	build_views(L, w);
	lua_createtable(L, (int)s->nlangs, 0);
	int pages = lua_gettop(L);
	lua_createtable(L, (int)s->nlangs, 0);
	int data = lua_gettop(L);
	lua_createtable(L, (int)s->nlangs, 0);
	int refs = lua_gettop(L);
	for (size_t l = 0; l < s->nlangs; l++) {
		build_pages(L, l);
		lua_rawseti(L, pages, (lua_Integer)l + 1);
		build_data(L, r, l);
		build_refs(L);
		lua_rawseti(L, refs, (lua_Integer)l + 1);
		lua_rawseti(L, data, (lua_Integer)l + 1);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.refs");
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.data");
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.pages");
	lua_settop(L, 1);

	static const luaL_Reg helpers[] = {{"url", l_url}, {"t", l_t}, {"t_forms", l_t_forms}, {"markdown", l_markdown},
	                                   {"text_lang", l_text_lang}, {"notes", l_notes}, {"csl_date", l_csl_date},
	                                   {"csl_names", l_csl_names}, {"csl_sort_key", l_csl_sort_key},
	                                   {"page_with_layout", l_page_with_layout}, {"current", l_current},
	                                   {NULL, NULL}};
	for (const luaL_Reg *h = helpers; h->name; h++) {
		lua_pushlightuserdata(L, w);
		lua_pushcclosure(L, h->func, 1);
		tpl_set_global(w->e, h->name);
	}
	/* What a cached partial sees: the variables model_push_vars() gives every render in a language. */
	static const char *const shared[] = {"site", "lang", "pages", "data", NULL};
	tpl_set_holes(w->e, &(struct tpl_holes){.ctx = w, .scope = hole_scope, .fill = fill_hole, .fill_as = fill_hole_as,
	                                         .shared = shared, .set_begin = set_begin, .set_end = set_end,
	                                         .use_set = use_set});
	return 0;
}

bool model_build(struct worker *w)
{
	/* Under lua_pcall: a Lua error (memory) becomes a message, not an abort. */
	lua_State *L = tpl_lua(w->e);
	lua_pushcfunction(L, model_call);
	lua_pushlightuserdata(L, w);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		diag_error("content", 0, 0, "the site is too large for the template engine: %s", lua_tostring(L, -1));
		lua_pop(L, 1);
		return false;
	}
	return true;
}

/* }======= */

/* {======= the variables of a render */

void model_push_toc(lua_State *L, const struct md_result *md)
{
	lua_createtable(L, (int)md->ntoc, 0);
	for (size_t i = 0; i < md->ntoc; i++) {
		lua_createtable(L, 0, 3);
		lua_pushinteger(L, md->toc[i].level);
		lua_setfield(L, -2, "level");
		model_set_str(L, "id", md->toc[i].id);
		model_set_str(L, "text", md->toc[i].text);
		if (md->toc[i].foreign) { /* lang: a heading nobody has translated yet, in the default language */
			lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
			lua_getfield(L, -1, "languages");
			lua_geti(L, -1, 1);
			lua_setfield(L, -4, "lang");
			lua_pop(L, 2);
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* page.pager: the page of the listing of a page's children being rendered (Hugo's
 * .Paginator), a table whose fields are made when read: number, total, size, first and
 * last (positions among the children of the first and last item shown), items (their
 * views), paths (the output files of pages 1..total, for url()), prev and next (paths or
 * nil), translations[code] (this page of the listing in that language, or its first
 * page when that language's listing is shorter). Reading items is what tells render.c
 * the layout lists the children page by page, so pages 2..total are written too. */
static int l_pager_index(lua_State *L)
{
	struct worker *w = worker_of(L);
	const struct site *s = w->sh->s;
	const struct resolved *r = w->sh->r;
	const struct page *p = s->pages[(size_t)lua_tointeger(L, lua_upvalueindex(2))];
	size_t l = (size_t)lua_tointeger(L, lua_upvalueindex(3));
	size_t k = (size_t)lua_tointeger(L, lua_upvalueindex(4));
	size_t total = resolve_pager_total(r, p, l), size = s->page_size;
	deps_note(w->dk, p->index * s->nlangs + l, DEP_KIDS);
	size_t first = (k - 1) * size, last = k * size < p->nkids ? k * size : p->nkids;
	const char *f = luaL_checkstring(L, 2);
	if (!strcmp(f, "number")) {
		lua_pushinteger(L, (lua_Integer)k);
	} else if (!strcmp(f, "total")) {
		lua_pushinteger(L, (lua_Integer)total);
	} else if (!strcmp(f, "size")) {
		lua_pushinteger(L, (lua_Integer)size);
	} else if (!strcmp(f, "first")) {
		lua_pushinteger(L, (lua_Integer)first + 1);
	} else if (!strcmp(f, "last")) {
		lua_pushinteger(L, (lua_Integer)last);
	} else if (!strcmp(f, "items")) {
		lua_createtable(L, (int)(last - first), 0);
		for (size_t i = first; i < last; i++) {
			push_view(L, p->kids[i]->index, l);
			lua_rawseti(L, -2, (lua_Integer)(i - first) + 1);
		}
		w->pager_listed = true;
	} else if (!strcmp(f, "paths")) {
		lua_createtable(L, (int)total, 0);
		for (size_t i = 1; i <= total; i++) {
			char *o = resolve_pager_output(r, p, l, i);
			lua_pushstring(L, o);
			free(o);
			lua_rawseti(L, -2, (lua_Integer)i);
		}
	} else if ((!strcmp(f, "prev") && k > 1) || (!strcmp(f, "next") && k < total)) {
		char *o = resolve_pager_output(r, p, l, f[0] == 'p' ? k - 1 : k + 1);
		lua_pushstring(L, o);
		free(o);
	} else if (!strcmp(f, "translations")) {
		lua_createtable(L, 0, (int)s->nlangs);
		for (size_t o = 0; o < s->nlangs; o++) {
			bool has = resolve_written(r, p, o) && resolve_pager_total(r, p, o) >= k;
			char *out = resolve_pager_output(r, p, o, has ? k : 1);
			lua_pushstring(L, out);
			free(out);
			lua_setfield(L, -2, s->langs[o].code);
		}
	} else {
		return 0;
	}
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1);
	return 1;
}

/* pairs(page) for the page being rendered: the fields of its view and of this render
 * (content, toc, pager), as a read-only table made for the loop. */
static int l_page_pairs(lua_State *L)
{
	lua_newtable(L);
	int t = lua_gettop(L);
	struct view v;
	if (luaL_getmetafield(L, 1, "__index") != LUA_TNIL && lua_istable(L, -1) && view_of(L, -1, &v))
		for (const char *const *k = view_fields; *k; k++)
			if (push_field(L, &v, *k))
				lua_setfield(L, t, *k);
	lua_settop(L, t);
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, t);
	}
	tpl_freeze(L);
	luaL_getmetafield(L, -1, "__pairs");
	lua_insert(L, -2);
	lua_call(L, 1, 3);
	return 3;
}

/* Pushes page.pager for job j. */
static void push_pager(lua_State *L, struct worker *w, const struct job *j)
{
	lua_newtable(L);
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, sandbox_readonly);
	lua_setfield(L, -2, "__newindex");
	lua_pushlightuserdata(L, w);
	lua_pushinteger(L, (lua_Integer)j->page->index);
	lua_pushinteger(L, (lua_Integer)j->lang);
	lua_pushinteger(L, (lua_Integer)(j->pager ? j->pager : 1));
	lua_pushcclosure(L, l_pager_index, 4);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
}

void model_push_vars(struct worker *w, const struct job *j, const struct md_result *md)
{
	lua_State *L = tpl_lua(w->e);
	lua_createtable(L, 0, 6);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
	lua_setfield(L, -2, "site");
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
	lua_getfield(L, -1, "languages");
	lua_geti(L, -1, (lua_Integer)j->lang + 1);
	lua_setfield(L, -4, "lang");
	lua_pop(L, 2);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.pages");
	lua_rawgeti(L, -1, (lua_Integer)j->lang + 1);
	lua_remove(L, -2);
	/* page: this render's content over the shared, read-only page, equal to it */
	lua_createtable(L, 0, 4);
	if (md) {
		lua_pushlstring(L, md->html.p, md->html.len);
		lua_setfield(L, -2, "content");
		model_push_toc(L, md);
		lua_setfield(L, -2, "toc");
	}
	if (j->kind == OUT_HTML && !j->own_page && j->page->nkids > 0) {
		push_pager(L, w, j);
		lua_setfield(L, -2, "pager");
	}
	/* read-only like every page; pairs() gives the page's fields and this render's */
	lua_createtable(L, 0, 5);
	lua_geti(L, -3, (lua_Integer)j->page->index + 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_page_eq);
	lua_setfield(L, -2, "__eq");
	lua_pushcfunction(L, sandbox_readonly);
	lua_setfield(L, -2, "__newindex");
	lua_pushlightuserdata(L, w);
	lua_pushcclosure(L, l_page_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, TPL_THIS_PAGE);
	lua_setfield(L, -2, "__name");
	lua_setmetatable(L, -2);
	lua_setfield(L, -3, "page");
	lua_setfield(L, -2, "pages");
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.data");
	lua_rawgeti(L, -1, (lua_Integer)j->lang + 1);
	lua_setfield(L, -3, "data");
	lua_pop(L, 1);
}

void model_push_own_page(lua_State *L, const char *title)
{
	lua_createtable(L, 0, 8);
	model_set_str(L, "title", title);
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, "translated");
	lua_newtable(L);
	lua_setfield(L, -2, "translations");
	lua_newtable(L);
	lua_setfield(L, -2, "toc");
	lua_newtable(L);
	lua_setfield(L, -2, "children");
}

/* }======= */
