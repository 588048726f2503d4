/* render.c — pages through Markdown and templates, one Lua state per worker. */
#include "render.h"
#include "cite.h"
#include "status.h"
#include "diag.h"
#include "markdown.h"
#include "output.h"
#include "template.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <lauxlib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* A link to an anchor, checked once every page is rendered. */
struct check {
	char *src;
	int line, col;
	size_t target;          /* page index * nlangs + lang */
	char *frag;
};

struct anchors {
	char **ids;             /* sorted */
	size_t n;
};

/* Where a data text comes from, so citations in it are reported at their place. */
struct text_origin {
	const char *text;       /* borrowed from the site's YAML */
	const char *src;
	int line, col;
};

struct shared {
	const struct site *s;
	struct text_origin *origins; /* sorted by text */
	size_t norigins;
	const struct render_opts *o;
	atomic_size_t next, written;
	size_t njobs;
	struct anchors *anchors; /* [npages * nlangs] */
	char **search;          /* [npages * nlangs]: the headings of each rendered page, for the search page */
};

struct worker {
	struct shared *sh;
	const struct site *s;
	struct tpl_engine *e;
	pthread_t th;
	struct vec checks;
	/* the job being rendered, for the helpers */
	const struct page *page;
	const struct doc *doc;
	size_t lang;
	char *out_path;         /* "<lang>/<path>index.html" */
	struct cite_ctx cite;   /* the notes of the output document being rendered */
	struct anchors *hids;   /* [npages * nlangs]: heading ids of docs, read on demand */
	bool *hids_done;
	const struct page **hb; /* the chapters of the handbook being rendered, else NULL */
	size_t nhb;
	const char *text_src;   /* the source file read last (a page's languages often share it) */
	char *text;
	size_t text_len;
};

static struct worker *worker_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* {======= link resolution */

/* Joins base folder and a relative path, folding "." and ".."; NULL when it climbs out. */
static char *normalize(const char *base, const char *rel)
{
	char *all = xasprintf("%s%s", base, rel);
	struct vec seg = VEC_INIT;
	char *save, *tok;
	bool ok = true, trailing = all[0] && all[strlen(all) - 1] == '/';
	for (tok = strtok_r(all, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (!seg.n) {
				ok = false;
				break;
			}
			seg.n--;
			continue;
		}
		vec_push(&seg, tok);
	}
	struct buf b = BUF_INIT;
	for (size_t i = 0; ok && i < seg.n; i++) {
		if (i)
			buf_addc(&b, '/');
		buf_adds(&b, seg.v[i]);
	}
	if (ok && trailing && b.len)
		buf_addc(&b, '/');
	vec_free(&seg);
	free(all);
	if (!ok) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_check(struct worker *w, int line, int col, const struct page *target, const char *frag)
{
	struct check *c = xmalloc(sizeof *c);
	c->src = xstrdup(w->doc->src ? w->doc->src : "content");
	c->line = line;
	c->col = col;
	c->target = target->index * w->s->nlangs + w->lang;
	c->frag = xstrdup(frag);
	vec_push(&w->checks, c);
}

/* Heading ids of a page's text in a language, parsed once per worker when needed. */
static const struct anchors *heading_ids(struct worker *w, const struct page *p, size_t lang)
{
	size_t slot = p->index * w->s->nlangs + lang;
	if (!w->hids) {
		w->hids = xcalloc(w->s->npages * w->s->nlangs, sizeof *w->hids);
		w->hids_done = xcalloc(w->s->npages * w->s->nlangs, sizeof *w->hids_done);
	}
	if (!w->hids_done[slot]) {
		w->hids_done[slot] = true;
		const struct doc *d = page_doc(w->s, p, lang);
		char *full = d->src ? site_path(w->s, d->src) : NULL, *text;
		size_t len;
		if (full && file_read(full, &text, &len) == 0) {
			size_t off = d->body_off <= len ? d->body_off : len;
			w->hids[slot].n = markdown_heading_ids(text + off, len - off, d->title_from_heading, &w->hids[slot].ids);
			free(text);
		}
		free(full);
	}
	return &w->hids[slot];
}

/* A page shown in the default language (no translation) may link to a heading
 * of a page that is translated: the heading has the same place in the
 * translation but another id. Returns the id to use (borrowed). */
static const char *translate_anchor(struct worker *w, const struct page *t, const char *frag)
{
	if (w->lang == 0 || w->page->docs[w->lang] || !t->docs[w->lang])
		return frag;
	const struct anchors *from = heading_ids(w, t, 0), *to = heading_ids(w, t, w->lang);
	for (size_t i = 0; i < from->n && i < to->n; i++)
		if (!strcmp(from->ids[i], frag))
			return to->ids[i];
	return frag;
}

static char *resolve_link(void *ctx, const char *url, bool image, int line, int col)
{
	struct worker *w = ctx;
	const struct site *s = w->s;
	const char *src = w->doc->src ? w->doc->src : "content";
	(void)image;
	size_t plen = strcspn(url, "?#");
	const char *hash = strchr(url, '#');
	const char *frag = hash ? hash + 1 : NULL;
	if (plen == 0) {
		if (w->hb && frag && *frag) {
			for (size_t i = 0; i < w->nhb; i++)
				if (w->hb[i] == w->page)
					return xasprintf("#c%zu-%s", i + 1, frag);
		}
		if (frag && *frag)
			add_check(w, line, col, w->page, frag);
		return NULL;
	}
	/* The folder of the source file, relative to content/. */
	const char *inner = w->doc->src ? w->doc->src + strlen("content/") : "";
	const char *slash = strrchr(inner, '/');
	char *base = url[0] == '/' ? xstrdup("") : xstrndup(inner, slash ? (size_t)(slash - inner) + 1 : 0);
	char *path = xstrndup(url[0] == '/' ? url + 1 : url, url[0] == '/' ? plen - 1 : plen);
	char *norm = normalize(base, path);
	free(base);
	char *result = NULL;
	if (!norm) {
		diag_error(src, line, col, "link '%s' leads outside content/", url);
	} else if (strlen(norm) > 3 && !strcmp(norm + strlen(norm) - 3, ".md")) {
		const struct page *t = site_page_of(s, norm);
		size_t chap = 0;
		for (size_t i = 0; t && w->hb && i < w->nhb && !chap; i++)
			if (w->hb[i] == t)
				chap = i + 1;
		if (!t || t->generated) {
			diag_error(src, line, col, "link to a missing page '%.*s'", (int)plen, url);
		} else if (chap) {
			/* In a handbook, a link to one of its chapters stays inside the document. */
			if (frag && *frag)
				frag = translate_anchor(w, t, frag);
			result = frag && *frag ? xasprintf("#c%zu-%s", chap, frag) : xasprintf("#c%zu", chap);
		} else {
			char *to = page_output(s, t, w->lang);
			char *rel = url_relative(w->out_path, to);
			if (frag && *frag)
				frag = translate_anchor(w, t, frag);
			result = frag ? xasprintf("%s#%s", rel, frag) : xstrdup(rel);
			if (frag && *frag)
				add_check(w, line, col, t, frag);
			free(rel);
			free(to);
		}
	} else {
		char *key = norm;
		if (xbsearch(&key, s->resources, s->nresources, sizeof *s->resources, cmp_cstr)) {
			char *rel = url_relative(w->out_path, norm);
			result = xasprintf("%s%s", rel, url + plen);
			free(rel);
		} else {
			diag_error(src, line, col, "link to a missing file '%.*s'", (int)plen, url);
		}
	}
	free(norm);
	free(path);
	return result;
}

/* }======= */

/* {======= template helpers */

static void push_str(lua_State *L, const char *k, const char *v)
{
	if (!v)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static int cmp_origin(const void *a, const void *b)
{
	return strcmp(((const struct text_origin *)a)->text, ((const struct text_origin *)b)->text);
}


static int l_url(lua_State *L)
{
	struct worker *w = worker_of(L);
	char *to;
	lua_settop(L, 2);
	if (lua_istable(L, 1)) {
		lua_getfield(L, 1, "_i");
		lua_Integer i = luaL_checkinteger(L, -1);
		luaL_argcheck(L, i >= 0 && (size_t)i < w->s->npages, 1, "not a page");
		size_t lang = w->lang;
		if (!lua_isnoneornil(L, 2)) {
			const char *code = luaL_checkstring(L, 2);
			for (lang = 0; lang < w->s->nlangs && strcmp(w->s->langs[lang].code, code); lang++)
				;
			luaL_argcheck(L, lang < w->s->nlangs, 2, "unknown language");
		}
		to = page_output(w->s, w->s->pages[i], lang);
	} else {
		const char *p = luaL_checkstring(L, 1);
		luaL_argcheck(L, !url_is_external(p) && p[0] != '/', 1, "a path inside the output folder");
		to = xstrdup(p);
	}
	char *rel = url_relative(w->out_path, to);
	lua_pushstring(L, rel);
	free(rel);
	free(to);
	return 1;
}

static int l_t(lua_State *L)
{
	struct worker *w = worker_of(L);
	const char *key = luaL_checkstring(L, 1);
	const char *v = site_ui(w->s, w->lang, key);
	if (!v)
		return luaL_error(L, "no UI string '%s' in content/i18n/ or the theme's i18n/", key);
	if (lua_isnoneornil(L, 2)) {
		lua_pushstring(L, v);
		return 1;
	}
	/* t(key, {name = value}): "{name}" in the string is replaced by the value. */
	luaL_checktype(L, 2, LUA_TTABLE);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (const char *p = v; *p;) {
		const char *close = p[0] == '{' ? strchr(p, '}') : NULL;
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
	luaL_pushresult(&b);
	return 1;
}

static int l_markdown(lua_State *L)
{
	struct worker *w = worker_of(L);
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	struct md_opts o = {.unsafe_html = w->s->unsafe_html, .line0 = 1, .link = resolve_link, .link_ctx = w,
	                    .cite = &w->cite, .lang = w->s->langs[w->lang].code,
	                    .rtl = !strcmp(w->s->langs[w->lang].dir, "rtl")};
	/* Citations in a data text are reported at that text in its YAML file. */
	struct text_origin key = {.text = text}, *org;
	org = xbsearch(&key, w->sh->origins, w->sh->norigins, sizeof key, cmp_origin);
	w->cite.src = org ? org->src : w->doc->src;
	w->cite.line0 = org ? org->line : 0;
	w->cite.col0 = org ? org->col : 0;
	struct md_result r;
	markdown_render(&o, text, len, &r);
	/* A one-paragraph text is wanted inline: drop the paragraph around it. */
	const char *h = r.html.p;
	size_t n = r.html.len;
	if (lua_toboolean(L, 2) == 0 && n > 8 && !strncmp(h, "<p>", 3) && !strcmp(h + n - 5, "</p>\n") &&
	    !strstr(h + 3, "<p>"))
		lua_pushlstring(L, h + 3, n - 8);
	else
		lua_pushlstring(L, h, n);
	md_result_free(&r);
	return 1;
}

static const char *const position_names[] = {"first", "ibid", "subsequent"};

/* notes(): the endnotes of the document so far, with each source's position. */
static int l_notes(lua_State *L)
{
	struct worker *w = worker_of(L);
	cite_resolve(&w->cite);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.refs");
	lua_geti(L, -1, (lua_Integer)w->lang + 1);
	int refs = lua_gettop(L);
	lua_createtable(L, (int)w->cite.nnotes, 0);
	for (size_t i = 0; i < w->cite.nnotes; i++) {
		const struct cite_note *n = &w->cite.notes[i];
		lua_createtable(L, 0, 2);
		lua_pushinteger(L, n->n);
		lua_setfield(L, -2, "n");
		lua_createtable(L, (int)n->nitems, 0);
		for (size_t k = 0; k < n->nitems; k++) {
			const struct cite_item *it = &n->items[k];
			lua_createtable(L, 0, 8);
			push_str(L, "key", it->key);
			push_str(L, "prefix", it->prefix);
			push_str(L, "locator", it->locator);
			push_str(L, "position", position_names[it->position]);
			lua_pushinteger(L, it->first_note);
			lua_setfield(L, -2, "first_note");
			lua_pushboolean(L, it->short_used);
			lua_setfield(L, -2, "short_used");
			lua_getfield(L, refs, it->key);
			lua_setfield(L, -2, "ref");
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, "items");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* }======= */

/* {======= the Lua model of the site, built once per worker */

/* Overlays the translated data on top of the stack onto the data below it (pops it):
 * a list of items is matched by `id`, field by field; a mapping key by key.
 * Fields a translation lacks keep the default language's value. */
static void overlay(lua_State *L)
{
	int over = lua_gettop(L), base = over - 1;
	if (!lua_istable(L, base) || !lua_istable(L, over)) {
		lua_pop(L, 1);
		return;
	}
	if (lua_rawlen(L, base) > 0) {
		for (lua_Integer j = 1; lua_rawgeti(L, over, j) == LUA_TTABLE; j++) {
			int item = lua_gettop(L);
			lua_getfield(L, item, "id");
			for (lua_Integer i = 1; lua_rawgeti(L, base, i) == LUA_TTABLE; i++) {
				lua_getfield(L, -1, "id");
				bool same = !lua_isnil(L, -1) && lua_rawequal(L, -1, item + 1);
				lua_pop(L, 1);
				if (same) {
					lua_pushnil(L);
					while (lua_next(L, item)) {
						lua_pushvalue(L, -2);
						lua_insert(L, -2);
						lua_rawset(L, -4);
					}
				}
				lua_pop(L, 1);
			}
			lua_settop(L, item - 1);
		}
	} else {
		lua_pushnil(L);
		while (lua_next(L, over)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, base);
		}
	}
	lua_settop(L, base);
}

static void build_model(struct worker *w)
{
	const struct site *s = w->s;
	lua_State *L = tpl_lua(w->e);

	lua_createtable(L, 0, 6); /* site */
	push_str(L, "title", s->title);
	push_str(L, "default_language", s->langs[0].code);
	lua_createtable(L, (int)s->nlangs, 0);
	for (size_t l = 0; l < s->nlangs; l++) {
		lua_createtable(L, 0, 3);
		push_str(L, "code", s->langs[l].code);
		push_str(L, "name", s->langs[l].name);
		push_str(L, "dir", s->langs[l].dir);
		lua_rawseti(L, -2, (lua_Integer)l + 1);
	}
	lua_setfield(L, -2, "languages");
	tpl_push_yaml(L, s->config ? s->config->root : NULL);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	lua_setfield(L, -2, "params");
	tpl_freeze(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.site");

	/* Values shared between languages, built once: front matter by doc,
	 * translation maps by page, one empty list. */
	lua_newtable(L);
	int cache = lua_gettop(L);
	lua_newtable(L);
	int empty = lua_gettop(L);
	/* pages[lang] = array of page tables; data[lang] = data tables. */
	lua_createtable(L, (int)s->nlangs, 0);
	lua_createtable(L, (int)s->nlangs, 0);
	for (size_t l = 0; l < s->nlangs; l++) {
		lua_createtable(L, (int)s->npages, 0);
		int arr = lua_gettop(L);
		for (size_t i = 0; i < s->npages; i++) {
			const struct page *p = s->pages[i];
			const struct doc *d = page_doc(s, p, l);
			lua_createtable(L, 0, 16);
			lua_pushinteger(L, (lua_Integer)i);
			lua_setfield(L, -2, "_i");
			push_str(L, "key", p->key);
			push_str(L, "title", d->title);
			push_str(L, "summary", d->summary);
			push_str(L, "layout", d->layout);
			push_str(L, "source", d->src);
			lua_pushinteger(L, d->weight);
			lua_setfield(L, -2, "weight");
			lua_pushboolean(L, p->key[0] == '\0');
			lua_setfield(L, -2, "is_home");
			lua_pushboolean(L, p->is_section);
			lua_setfield(L, -2, "is_section");
			lua_pushboolean(L, p->generated);
			lua_setfield(L, -2, "generated");
			bool here = p->docs[l] != NULL || l == 0 || p->generated;
			lua_pushboolean(L, here);
			lua_setfield(L, -2, "translated");
			/* A page shown in the default language marks its text as such. */
			char *attrs = here ? xstrdup("") : xasprintf(" lang=\"%s\" dir=\"%s\"", s->langs[0].code, s->langs[0].dir);
			push_str(L, "fallback_attrs", attrs);
			free(attrs);
			/* translations[code]: whether the page exists in that language; one
			 * table for all of a page's languages (shared values stay shared when frozen) */
			lua_pushlightuserdata(L, (void *)p);
			if (lua_rawget(L, cache) == LUA_TNIL) {
				lua_pop(L, 1);
				lua_createtable(L, 0, (int)s->nlangs);
				for (size_t k = 0; k < s->nlangs; k++) {
					lua_pushboolean(L, p->docs[k] != NULL || k == 0 || p->generated);
					lua_setfield(L, -2, s->langs[k].code);
				}
				lua_pushlightuserdata(L, (void *)p);
				lua_pushvalue(L, -2);
				lua_rawset(L, cache);
			}
			lua_setfield(L, -2, "translations");
			/* outdated: the original changed since the translation was marked current */
			const struct tr_entry *te = status_entry(w->sh->o->status, l, TR_PAGES, p->key);
			lua_pushboolean(L, te && p->docs[l] && te->state == TR_OUTDATED);
			lua_setfield(L, -2, "outdated");
			if (te && p->docs[l] && te->nchanged) {
				lua_createtable(L, (int)te->nchanged, 0);
				for (size_t k = 0; k < te->nchanged; k++) {
					lua_pushstring(L, te->changed[k]);
					lua_rawseti(L, -2, (lua_Integer)k + 1);
				}
			} else {
				lua_pushvalue(L, empty);
			}
			lua_setfield(L, -2, "changed");
			char *out = page_output(s, p, l);
			push_str(L, "path", out);
			free(out);
			/* the page's address from the site's root, for links that must be absolute */
			char *perma = xasprintf("%s/%s", s->langs[l].code, p->path);
			push_str(L, "url", perma);
			free(perma);
			/* a document's front matter, once for every language that shows it */
			lua_pushlightuserdata(L, (void *)d);
			if (lua_rawget(L, cache) == LUA_TNIL) {
				lua_pop(L, 1);
				tpl_push_yaml(L, d->fm ? d->fm->root : NULL);
				if (lua_isnil(L, -1)) {
					lua_pop(L, 1);
					lua_newtable(L);
				}
				lua_pushlightuserdata(L, (void *)d);
				lua_pushvalue(L, -2);
				lua_rawset(L, cache);
			}
			lua_setfield(L, -2, "params");
			lua_rawseti(L, arr, (lua_Integer)i + 1);
		}
		for (size_t i = 0; i < s->npages; i++) {
			const struct page *p = s->pages[i];
			lua_rawgeti(L, arr, (lua_Integer)i + 1);
			if (p->parent) {
				lua_rawgeti(L, arr, (lua_Integer)p->parent->index + 1);
				lua_setfield(L, -2, "parent");
			}
			lua_createtable(L, (int)p->nkids, 0);
			for (size_t k = 0; k < p->nkids; k++) {
				lua_rawgeti(L, arr, (lua_Integer)p->kids[k]->index + 1);
				lua_rawseti(L, -2, (lua_Integer)k + 1);
			}
			lua_setfield(L, -2, "children");
			lua_pop(L, 1);
		}
		tpl_freeze(L);
		lua_rawseti(L, -3, (lua_Integer)l + 1);

		lua_newtable(L);
		for (size_t i = 0; i < s->ndata; i++) {
			if (s->data[i].lang != -1 || !s->data[i].doc)
				continue;
			tpl_push_yaml(L, s->data[i].doc->root);
			/* The language's translated fields, overlaid by id. */
			for (size_t k = 0; l > 0 && k < s->ndata; k++)
				if (s->data[k].lang == (int)l && s->data[k].doc && !strcmp(s->data[k].name, s->data[i].name)) {
					tpl_push_yaml(L, s->data[k].doc->root);
					overlay(L);
				}
			lua_setfield(L, -2, s->data[i].name);
		}
		tpl_freeze(L);
		lua_rawseti(L, -2, (lua_Integer)l + 1);
	}
	/* references[lang][id]: the bibliography by id, for the notes. */
	lua_createtable(L, (int)s->nlangs, 0);
	for (size_t l = 0; l < s->nlangs; l++) {
		lua_rawgeti(L, -2, (lua_Integer)l + 1);
		lua_getfield(L, -1, "references");
		lua_newtable(L);
		if (lua_istable(L, -2)) {
			for (lua_Integer i = 1; lua_geti(L, -2, i) != LUA_TNIL; i++) {
				lua_getfield(L, -1, "id");
				/* ids are looked up as text: `id: 1` is the key "1" */
				if (lua_type(L, -1) == LUA_TNUMBER) {
					luaL_tolstring(L, -1, NULL);
					lua_remove(L, -2);
				}
				lua_insert(L, -2);
				if (lua_isnil(L, -2))
					lua_pop(L, 2);
				else
					lua_rawset(L, -3);
			}
			lua_pop(L, 1);
		}
		tpl_freeze(L);
		lua_rawseti(L, -4, (lua_Integer)l + 1);
		lua_pop(L, 2);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.refs");
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.data");
	lua_setfield(L, LUA_REGISTRYINDEX, "vade.pages");
	lua_pop(L, 2); /* the cache and the empty list */

	static const luaL_Reg helpers[] = {{"url", l_url}, {"t", l_t}, {"markdown", l_markdown},
	                                   {"notes", l_notes}, {NULL, NULL}};
	for (const luaL_Reg *h = helpers; h->name; h++) {
		lua_pushlightuserdata(L, w);
		lua_pushcclosure(L, h->func, 1);
		tpl_set_global(w->e, h->name);
	}
}

static void push_toc(lua_State *L, const struct md_result *md)
{
	lua_createtable(L, (int)md->ntoc, 0);
	for (size_t i = 0; i < md->ntoc; i++) {
		lua_createtable(L, 0, 3);
		lua_pushinteger(L, md->toc[i].level);
		lua_setfield(L, -2, "level");
		push_str(L, "id", md->toc[i].id);
		push_str(L, "text", md->toc[i].text);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* Pushes the variables of one render: site, lang, page, pages, data. */
static void push_vars(struct worker *w, const struct md_result *md)
{
	lua_State *L = tpl_lua(w->e);
	lua_createtable(L, 0, 6);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
	lua_setfield(L, -2, "site");
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
	lua_getfield(L, -1, "languages");
	lua_geti(L, -1, (lua_Integer)w->lang + 1);
	lua_setfield(L, -4, "lang");
	lua_pop(L, 2);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.pages");
	lua_rawgeti(L, -1, (lua_Integer)w->lang + 1);
	lua_remove(L, -2);
	/* page: this render's content over the shared, read-only page */
	lua_createtable(L, 0, 4);
	if (md) {
		lua_pushlstring(L, md->html.p, md->html.len);
		lua_setfield(L, -2, "content");
		push_toc(L, md);
		lua_setfield(L, -2, "toc");
	}
	lua_createtable(L, 0, 1);
	lua_geti(L, -3, (lua_Integer)w->page->index + 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_setfield(L, -3, "page");
	lua_setfield(L, -2, "pages");
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.data");
	lua_rawgeti(L, -1, (lua_Integer)w->lang + 1);
	lua_setfield(L, -3, "data");
	lua_pop(L, 1);
}

/* }======= */

static void collect_ids(struct shared *sh, size_t slot, const char *html)
{
	struct vec ids = VEC_INIT;
	for (const char *p = html; (p = strstr(p, " id=\"")); ) {
		p += 5;
		const char *q = strchr(p, '"');
		if (!q)
			break;
		vec_push(&ids, xstrndup(p, (size_t)(q - p)));
		p = q;
	}
	xqsort(ids.v, ids.n, sizeof *ids.v, cmp_cstr);
	sh->anchors[slot].ids = (char **)ids.v;
	sh->anchors[slot].n = ids.n;
}

static const char *default_layout(const struct page *p)
{
	return p->key[0] == '\0' ? "home" : p->generated ? "list" : "page";
}

/* The page's text in a language as HTML, its citations going to w->cite.
 * prefix goes before heading ids (handbook chapters). False if unreadable. */
static bool render_text(struct worker *w, const struct page *p, size_t lang, const char *prefix,
                        struct md_result *md)
{
	const struct site *s = w->s;
	const struct doc *d = page_doc(s, p, lang);
	if (!d->src)
		return true;
	if (w->text_src != d->src) {
		free(w->text);
		w->text = NULL;
		w->text_src = NULL;
		char *full = site_path(s, d->src);
		int rc = file_read(full, &w->text, &w->text_len);
		free(full);
		if (rc != 0) {
			diag_error(d->src, 0, 0, "cannot read file");
			return false;
		}
		w->text_src = d->src;
	}
	const char *text = w->text;
	size_t len = w->text_len;
	/* The file may have shrunk since it was loaded (an editor saving during vade serve). */
	size_t off = d->body_off <= len ? d->body_off : len;
	size_t tl = p->docs[lang] ? lang : 0; /* the language the text is written in */
	struct md_opts o = {.unsafe_html = s->unsafe_html, .drop_first_h1 = d->title_from_heading,
	                    .line0 = d->body_line, .link = resolve_link, .link_ctx = w, .cite = &w->cite,
	                    .lang = s->langs[tl].code, .rtl = !strcmp(s->langs[tl].dir, "rtl"), .id_prefix = prefix};
	w->cite.src = d->src;
	w->cite.line0 = d->body_line;
	w->cite.col0 = 1;
	markdown_render(&o, text + off, len - off, md);
	return true;
}

static void add_chapters(const struct site *s, const struct page *p, struct vec *out)
{
	vec_push(out, (void *)p);
	for (size_t i = 0; i < p->nkids; i++)
		add_chapters(s, p->kids[i], out);
}

/* A print output of a page (card, sheet, handbook) through <name>.html. */
static void render_print(struct worker *w, const struct page *p, size_t lang, unsigned bit)
{
	const struct site *s = w->s;
	lua_State *L = tpl_lua(w->e);
	const char *name = bit == OUT_CARD ? "card" : bit == OUT_SHEET ? "sheet" : "handbook";
	const struct doc *d0 = p->docs[0];
	w->page = p;
	w->doc = page_doc(s, p, lang);
	w->lang = lang;
	w->out_path = xasprintf("%s/%s%s.html", s->langs[lang].code, p->path, name);
	cite_ctx_init(&w->cite, &s->refs);
	const char *label = site_ui(s, lang, "note");
	if (label)
		w->cite.label = label;
	int top = lua_gettop(L);
	push_vars(w, NULL);
	int vars = lua_gettop(L);
	bool ok = true;
	if (bit == OUT_HANDBOOK) {
		/* The page, its children depth first, then the appendices the front matter names. */
		struct vec ch = VEC_INIT;
		add_chapters(s, p, &ch);
		const struct yml_node *hb = d0->fm ? yml_get(d0->fm->root, "handbook") : NULL;
		const struct yml_node *apx = yml_get(hb, "appendices");
		for (size_t i = 0; apx && apx->kind == YML_SEQ && i < apx->n; i++) {
			const char *k = yml_str(apx->kids[i]);
			const struct page *a = k ? site_find(s, k) : NULL;
			if (!a || a->generated)
				diag_error(d0->src, apx->kids[i]->line, apx->kids[i]->col, "no page '%s' for the handbook's appendices",
				           k ? k : "");
			else
				vec_push(&ch, (void *)a);
		}
		w->hb = (const struct page **)ch.v;
		w->nhb = ch.n;
		lua_getfield(L, LUA_REGISTRYINDEX, "vade.pages");
		lua_rawgeti(L, -1, (lua_Integer)lang + 1);
		int model = lua_gettop(L);
		lua_createtable(L, (int)ch.n, 0);
		for (size_t i = 0; i < ch.n && ok; i++) {
			const struct page *c = ch.v[i];
			char *prefix = xasprintf("c%zu-", i + 1);
			struct md_result md = {0};
			buf_init(&md.html);
			w->page = c;
			w->doc = page_doc(s, c, lang);
			ok = render_text(w, c, lang, prefix, &md);
			lua_createtable(L, 0, 8);
			lua_pushinteger(L, (lua_Integer)i + 1);
			lua_setfield(L, -2, "n");
			char *id = xasprintf("c%zu", i + 1);
			push_str(L, "id", id);
			push_str(L, "id_prefix", prefix);
			free(id);
			lua_pushlstring(L, md.html.p, md.html.len);
			lua_setfield(L, -2, "content");
			push_toc(L, &md);
			lua_setfield(L, -2, "toc");
			lua_geti(L, model, (lua_Integer)c->index + 1);
			lua_setfield(L, -2, "page");
			lua_rawseti(L, -2, (lua_Integer)i + 1);
			md_result_free(&md);
			free(prefix);
		}
		lua_setfield(L, vars, "chapters");
		lua_pop(L, 2);
		w->page = p;
		w->doc = page_doc(s, p, lang);
	}
	struct buf out = BUF_INIT;
	char *tname = xasprintf("%s.html", name);
	if (ok && tpl_render(w->e, tname, vars, d0->src ? d0->src : p->key, &out, NULL) == 0 && w->sh->o->out)
		output_put(w->sh->o->out, w->out_path, out.p, out.len);
	lua_settop(L, top);
	free(tname);
	buf_free(&out);
	free(w->hb);
	w->hb = NULL;
	w->nhb = 0;
	cite_ctx_free(&w->cite);
	free(w->out_path);
	w->out_path = NULL;
}

static void render_one(struct worker *w, size_t job)
{
	const struct site *s = w->s;
	struct shared *sh = w->sh;
	size_t lang = job % s->nlangs;
	const struct page *p = s->pages[job / s->nlangs];
	const struct doc *d = page_doc(s, p, lang);
	lua_State *L = tpl_lua(w->e);
	w->page = p;
	w->doc = d;
	w->lang = lang;
	w->out_path = page_output(s, p, lang);

	const char *layout = d->layout ? d->layout : default_layout(p);
	char *tname = xasprintf("%s.html", layout);
	if (!tpl_exists(w->e, tname)) {
		const struct yml_node *n = d->layout_node;
		diag_error(d->src ? d->src : "content", n ? n->line : 0, n ? n->col : 0,
		           "unknown layout '%s' (no templates/%s in the site or the theme)", layout, tname);
		free(tname);
		free(w->out_path);
		return;
	}

	cite_ctx_init(&w->cite, &s->refs);
	const char *label = site_ui(s, lang, "note");
	if (label)
		w->cite.label = label;
	struct md_result md = {0};
	buf_init(&md.html);
	if (!render_text(w, p, lang, NULL, &md)) {
		md_result_free(&md);
		cite_ctx_free(&w->cite);
		free(tname);
		free(w->out_path);
		return;
	}

	int top = lua_gettop(L);
	push_vars(w, &md);
	int vars = lua_gettop(L);
	struct buf body = BUF_INIT, page = BUF_INIT;
	char *base = NULL;
	const char *what = d->src ? d->src : p->key;
	int rc = tpl_render(w->e, tname, vars, what, &body, &base);
	if (rc == 0 && (!base || base[0])) {
		lua_pushlstring(L, body.p, body.len);
		lua_setfield(L, vars, "content");
		rc = tpl_render(w->e, base ? base : "base.html", vars, what, &page, NULL);
	} else if (rc == 0) {
		buf_add(&page, body.p, body.len);
	}
	lua_settop(L, top);
	if (rc == 0) {
		collect_ids(sh, p->index * s->nlangs + lang, page.p);
		struct buf hs = BUF_INIT;
		for (size_t i = 0; i < md.ntoc; i++)
			buf_addf(&hs, "%s%s", i ? " · " : "", md.toc[i].text);
		sh->search[p->index * s->nlangs + lang] = buf_detach(&hs, NULL);
		if (sh->o->out)
			output_put(sh->o->out, w->out_path, page.p, page.len);
		atomic_fetch_add(&sh->written, 1);
	}
	free(base);
	buf_free(&body);
	buf_free(&page);
	md_result_free(&md);
	cite_ctx_free(&w->cite);
	free(tname);
	free(w->out_path);
	w->out_path = NULL;
	if (rc == 0 && p->docs[0])
		for (unsigned bit = OUT_CARD; bit <= OUT_HANDBOOK; bit <<= 1)
			if (p->docs[0]->outputs & bit)
				render_print(w, p, lang, bit);
}

static struct tpl_engine *new_engine(const struct site *s)
{
	char *site_t = site_path(s, "templates");
	char *theme_t = path_join(s->theme_dir, "templates");
	/* Messages name theme files the way the user would find them. */
	char *shown_theme = xasprintf("themes/%s/templates", s->theme);
	const char *dirs[2] = {site_t, theme_t}, *shown[2] = {"templates", shown_theme};
	struct tpl_engine *e = tpl_new(dirs, shown, 2);
	free(site_t);
	free(theme_t);
	free(shown_theme);
	return e;
}

/* build_model() under lua_pcall: a Lua error (memory) becomes a message, not an abort. */
static int model_call(lua_State *L)
{
	build_model(lua_touserdata(L, 1));
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	w->e = new_engine(w->s);
	lua_State *L = tpl_lua(w->e);
	lua_pushcfunction(L, model_call);
	lua_pushlightuserdata(L, w);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		diag_error("content", 0, 0, "the site is too large for the template engine: %s", lua_tostring(L, -1));
		lua_pop(L, 1);
		atomic_store(&w->sh->next, w->s->npages); /* the other workers stop too */
		return NULL;
	}
	/* A job is a page in every language: its languages often share one source file. */
	for (;;) {
		size_t pg = atomic_fetch_add(&w->sh->next, 1);
		if (pg >= w->s->npages)
			break;
		for (size_t l = 0; l < w->s->nlangs; l++)
			render_one(w, pg * w->s->nlangs + l);
	}
	free(w->text);
	w->text = NULL;
	w->text_src = NULL;
	return NULL;
}

/* Puts every file under the folder from into the output at rel. */
static void put_tree(struct output *out, const char *from, const char *rel)
{
	DIR *d = opendir(from);
	if (!d)
		return;
	struct vec names = VEC_INIT;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			vec_push(&names, xstrdup(e->d_name));
	closedir(d);
	xqsort(names.v, names.n, sizeof *names.v, cmp_cstr);
	for (size_t i = 0; i < names.n; i++) {
		char *f = path_join(from, names.v[i]), *t = path_join(rel, names.v[i]);
		if (is_dir(f)) {
			put_tree(out, f, t);
		} else {
			char *data;
			size_t len;
			if (file_read(f, &data, &len) != 0) {
				diag_error(f, 0, 0, "cannot read");
			} else {
				output_put(out, t, data, len);
				free(data);
			}
		}
		free(f);
		free(t);
		free(names.v[i]);
	}
	vec_free(&names);
}

/* A page of its own for the print-free extras (search, dashboard): in no
 * language's tree, so the language switcher leads to the homes. */
static void push_own_page(lua_State *L, const char *title)
{
	lua_createtable(L, 0, 8);
	push_str(L, "title", title);
	push_str(L, "fallback_attrs", "");
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, "translated");
	lua_newtable(L);
	lua_setfield(L, -2, "translations");
	lua_newtable(L);
	lua_setfield(L, -2, "toc");
	lua_newtable(L);
	lua_setfield(L, -2, "children");
}

/* Renders template `name` into base.html with the variables on top of the stack; puts it at rel. */
static void render_extra(struct worker *w, const char *name, const char *rel)
{
	lua_State *L = tpl_lua(w->e);
	int vars = lua_gettop(L);
	struct buf inner = BUF_INIT, page = BUF_INIT;
	if (tpl_render(w->e, name, vars, rel, &inner, NULL) == 0) {
		lua_pushlstring(L, inner.p, inner.len);
		lua_setfield(L, vars, "content");
		if (tpl_render(w->e, "base.html", vars, rel, &page, NULL) == 0)
			output_put(w->sh->o->out, rel, page.p, page.len);
	}
	buf_free(&inner);
	buf_free(&page);
}

/* Each language's search page: every page of the language with its title,
 * summary and headings; the page filters them as one types, offline. */
static void render_search(const struct site *s, struct worker *w)
{
	lua_State *L = tpl_lua(w->e);
	for (size_t l = 0; l < s->nlangs; l++) {
		w->page = s->pages[0];
		w->doc = page_doc(s, s->pages[0], l);
		w->lang = l;
		w->out_path = xasprintf("%s/search/index.html", s->langs[l].code);
		push_vars(w, NULL);
		const char *title = site_ui(s, l, "search");
		push_own_page(L, title ? title : "Search");
		lua_setfield(L, -2, "page");
		lua_createtable(L, (int)s->npages, 0);
		size_t n = 0;
		for (size_t i = 0; i < s->npages; i++) {
			const struct page *p = s->pages[i];
			const char *heads = w->sh->search[i * s->nlangs + l];
			if (!heads)
				continue;
			const struct doc *d = page_doc(s, p, l);
			char *to = page_output(s, p, l), *url = url_relative(w->out_path, to);
			lua_createtable(L, 0, 5);
			push_str(L, "title", d->title);
			push_str(L, "summary", d->summary);
			push_str(L, "headings", heads);
			push_str(L, "url", url);
			lua_pushboolean(L, p->docs[l] != NULL || l == 0 || p->generated);
			lua_setfield(L, -2, "translated");
			lua_rawseti(L, -2, (lua_Integer)++n);
			free(url);
			free(to);
		}
		lua_setfield(L, -2, "entries");
		render_extra(w, "search.html", w->out_path);
		lua_pop(L, 1);
		free(w->out_path);
		w->out_path = NULL;
	}
}

static void finish(const struct site *s, const struct render_opts *o, struct worker *w)
{
	if (!o->out)
		return;
	char *assets = path_join(s->theme_dir, "assets");
	put_tree(o->out, assets, "assets");
	free(assets);
	for (size_t i = 0; i < s->nresources; i++) {
		char *rel = xasprintf("content/%s", s->resources[i]);
		char *from = site_path(s, rel);
		char *data;
		size_t len;
		if (file_read(from, &data, &len) != 0) {
			diag_error(rel, 0, 0, "cannot read");
		} else {
			output_put(o->out, s->resources[i], data, len);
			free(data);
		}
		free(rel);
		free(from);
	}
	/* The translation dashboard: every language, how far behind. */
	if (o->status && s->nlangs > 1) {
		lua_State *L0 = tpl_lua(w->e);
		w->page = s->pages[0];
		w->doc = page_doc(s, s->pages[0], 0);
		w->lang = 0;
		w->out_path = xstrdup("translations/index.html");
		static const char *const kinds[TR_KINDS] = {"pages", "ui", "data"};
		static const char *const states[3] = {"current", "outdated", "missing"};
		lua_createtable(L0, 0, 4);
		lua_getfield(L0, LUA_REGISTRYINDEX, "vade.site");
		lua_setfield(L0, -2, "site");
		lua_getfield(L0, LUA_REGISTRYINDEX, "vade.site");
		lua_getfield(L0, -1, "languages");
		lua_geti(L0, -1, 1);
		lua_setfield(L0, -4, "lang");
		lua_pop(L0, 2);
		lua_getfield(L0, LUA_REGISTRYINDEX, "vade.pages");
		lua_rawgeti(L0, -1, 1);
		lua_setfield(L0, -3, "pages");
		lua_pop(L0, 1);
		lua_createtable(L0, (int)s->nlangs - 1, 0);
		for (size_t l = 1; l < s->nlangs; l++) {
			const struct tr_lang *TL = &o->status->langs[l];
			lua_createtable(L0, 0, 4);
			push_str(L0, "code", s->langs[l].code);
			push_str(L0, "name", s->langs[l].name);
			push_str(L0, "dir", s->langs[l].dir);
			for (int k = 0; k < TR_KINDS; k++) {
				lua_createtable(L0, 0, 4);
				for (int st = 0; st < 3; st++) {
					lua_pushinteger(L0, (lua_Integer)TL->count[k][st]);
					lua_setfield(L0, -2, states[st]);
				}
				lua_createtable(L0, (int)TL->n[k], 0);
				for (size_t i = 0; i < TL->n[k]; i++) {
					const struct tr_entry *e = &TL->e[k][i];
					lua_createtable(L0, 0, 4);
					push_str(L0, "id", e->id);
					push_str(L0, "source", e->src);
					push_str(L0, "state", states[e->state]);
					if (k == TR_PAGES) {
						const struct page *pg = site_find(s, e->id);
						if (pg) {
							char *to = page_output(s, pg, l), *rel = url_relative(w->out_path, to);
							push_str(L0, "url", rel);
							free(rel);
							free(to);
							const struct doc *od = page_doc(s, pg, 0);
							push_str(L0, "title", od->title);
						}
					}
					lua_createtable(L0, (int)e->nchanged, 0);
					for (size_t j = 0; j < e->nchanged; j++) {
						lua_pushstring(L0, e->changed[j]);
						lua_rawseti(L0, -2, (lua_Integer)j + 1);
					}
					lua_setfield(L0, -2, "changed");
					lua_rawseti(L0, -2, (lua_Integer)i + 1);
				}
				lua_setfield(L0, -2, "items");
				lua_setfield(L0, -2, kinds[k]);
			}
			lua_rawseti(L0, -2, (lua_Integer)l);
		}
		lua_setfield(L0, -2, "status");
		const char *ttl = site_ui(s, 0, "translation_status");
		push_own_page(L0, ttl ? ttl : "Translation status");
		lua_setfield(L0, -2, "page");
		render_extra(w, "translations.html", "translations/index.html");
		lua_pop(L0, 1);
		free(w->out_path);
		w->out_path = NULL;
	}

	render_search(s, w);

	/* The root page leads to the default language's home. */
	lua_State *L = tpl_lua(w->e);
	w->page = s->pages[0];
	w->doc = page_doc(s, s->pages[0], 0);
	w->lang = 0;
	w->out_path = xstrdup("index.html");
	lua_createtable(L, 0, 2);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
	lua_setfield(L, -2, "site");
	char *home = page_output(s, s->pages[0], 0);
	lua_pushstring(L, home);
	lua_setfield(L, -2, "target");
	free(home);
	struct buf b = BUF_INIT;
	if (tpl_render(w->e, "root.html", -1, "index.html", &b, NULL) == 0) {
		output_put(o->out, "index.html", b.p, b.len);
	}
	lua_pop(L, 1);
	buf_free(&b);
	free(w->out_path);
	w->out_path = NULL;
}

static void add_origins(struct vec *v, const char *src, const struct yml_node *n)
{
	if (!n)
		return;
	if (n->kind == YML_SCALAR) {
		if (strchr(n->str, '@')) {
			struct text_origin *o = xmalloc(sizeof *o);
			/* A quoted scalar's text starts one column after its quote. */
			*o = (struct text_origin){n->str, src, n->line, n->col + (n->plain ? 0 : 1)};
			vec_push(v, o);
		}
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		add_origins(v, src, n->kids[i]);
}

size_t render_site(const struct site *s, const struct render_opts *o)
{
	struct shared sh = {.s = s, .o = o, .njobs = s->npages * s->nlangs};
	struct vec orig = VEC_INIT;
	for (size_t i = 0; i < s->ndata; i++)
		if (s->data[i].doc)
			add_origins(&orig, s->data[i].src, s->data[i].doc->root);
	sh.origins = xcalloc(orig.n + 1, sizeof *sh.origins);
	for (size_t i = 0; i < orig.n; i++) {
		sh.origins[i] = *(struct text_origin *)orig.v[i];
		free(orig.v[i]);
	}
	sh.norigins = orig.n;
	vec_free(&orig);
	xqsort(sh.origins, sh.norigins, sizeof *sh.origins, cmp_origin);
	atomic_init(&sh.next, 0);
	atomic_init(&sh.written, 0);
	sh.anchors = xcalloc(sh.njobs ? sh.njobs : 1, sizeof *sh.anchors);
	sh.search = xcalloc(sh.njobs ? sh.njobs : 1, sizeof *sh.search);
	markdown_init();
	int n = o->jobs < 1 ? 1 : o->jobs;
	if ((size_t)n > s->npages)
		n = s->npages ? (int)s->npages : 1;

	struct worker *ws = xcalloc((size_t)n, sizeof *ws);
	for (int i = 0; i < n; i++) {
		ws[i].sh = &sh;
		ws[i].s = s;
	}
	if (n == 1) {
		work(&ws[0]);
	} else {
		for (int i = 0; i < n; i++)
			pthread_create(&ws[i].th, NULL, work, &ws[i]);
		for (int i = 0; i < n; i++)
			pthread_join(ws[i].th, NULL);
	}
	/* Anchors exist only once every page is rendered. */
	for (int i = 0; i < n; i++) {
		for (size_t k = 0; k < ws[i].checks.n; k++) {
			struct check *c = ws[i].checks.v[k];
			struct anchors *a = &sh.anchors[c->target];
			const struct page *t = s->pages[c->target / s->nlangs];
			if (!xbsearch(&c->frag, a->ids, a->n, sizeof *a->ids, cmp_cstr) && (a->n || diag_errors() == 0))
				diag_error(c->src, c->line, c->col, "link to a missing anchor '#%s' in %s", c->frag,
				           t->docs[0] && t->docs[0]->src ? t->docs[0]->src : t->key);
			free(c->src);
			free(c->frag);
			free(c);
		}
		vec_free(&ws[i].checks);
	}
	if (diag_errors() == 0) {
		cite_refs_report_unused(&s->refs);
		finish(s, o, &ws[0]);
	}
	for (int i = 0; i < n; i++) {
		tpl_free(ws[i].e);
		for (size_t k = 0; ws[i].hids && k < s->npages * s->nlangs; k++) {
			for (size_t j = 0; j < ws[i].hids[k].n; j++)
				free(ws[i].hids[k].ids[j]);
			free(ws[i].hids[k].ids);
		}
		free(ws[i].hids);
		free(ws[i].hids_done);
	}
	free(ws);
	for (size_t i = 0; i < sh.njobs; i++) {
		for (size_t k = 0; k < sh.anchors[i].n; k++)
			free(sh.anchors[i].ids[k]);
		free(sh.anchors[i].ids);
	}
	free(sh.anchors);
	for (size_t i = 0; i < sh.njobs; i++)
		free(sh.search[i]);
	free(sh.search);
	free(sh.origins);
	return atomic_load(&sh.written);
}
