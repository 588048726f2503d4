/* sitewide.c — what a build makes once per site: the theme's assets, the
 * pages' resources, and the site-wide pages the theme has a template for
 * (search.html: a search page per language; translations.html: the
 * translation dashboard; root.html: the page at the root of OUT_DIR). A
 * theme without one of these templates simply has no such page. */
#include "diag.h"
#include "htmlids.h"
#include "status.h"
#include "job.h"
#include "output.h"
#include "sandbox.h"
#include "util.h"

#include <lauxlib.h>
#include <libxml/uri.h>
#include <libxml/xmlwriter.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* Puts a site-wide file (none of a unit's, deps.h) and notes it, so that the record stamps it: vade
 * serve's check then finds it changed by hand as it finds a page's (deps_verify). */
static void put_sitewide(struct shared *sh, const char *rel, const void *data, size_t len)
{
	output_put(sh->o->out, rel, data, len);
	note_group_file(sh, rel, 0);
}

/* Puts file rel of tree t into the output at out_rel; without an output (vade
 * check) only checks that it can be read, as a build would. */
static void put_file(struct shared *sh, const struct tree *t, const char *rel, const char *out_rel)
{
	char *data;
	size_t len;
	if (!sh->o->out) {
		tree_read(t, rel, NULL, NULL);
		return;
	}
	if (tree_read(t, rel, &data, &len) != 0)
		return;
	put_sitewide(sh, out_rel, data, len);
	free(data);
}

/* Puts every file under folder rel of tree t into the output at out_rel;
 * chain holds the real paths of the folders being walked (links back are loops). */
static void put_tree(struct shared *sh, const struct tree *t, const char *rel, const char *out_rel, struct vec *chain)
{
	char **names;
	size_t n = tree_list(t, rel, &names);
	for (size_t i = 0; i < n; i++) {
		char *f = path_join(rel, names[i]), *o = path_join(out_rel, names[i]), *real = NULL;
		enum tree_kind k = tree_walk_kind(t, f, chain, &real, NULL);
		if (k == TREE_DIR) {
			vec_push(chain, real);
			put_tree(sh, t, f, o, chain);
			chain->n--;
		} else if (k == TREE_FILE) {
			put_file(sh, t, f, o);
		}
		free(real);
		free(f);
		free(o);
		free(names[i]);
	}
	free(names);
}

/* Renders template `name` into base.html with the variables on top of the stack; puts it at j's output,
 * noted (put_sitewide) when note. */
static void render_extra(struct worker *w, const struct job *j, const char *name, bool note)
{
	lua_State *L = tpl_lua(w->e);
	int vars = lua_gettop(L);
	struct buf inner = BUF_INIT, page = BUF_INIT;
	/* page.sitewide: where a page made in every language is under each language's
	 * folder ("search/index.html"), for links to it in another language */
	const char *code = w->sh->s->langs[j->lang].code;
	size_t n = strlen(code);
	if (lua_getfield(L, vars, "page") == LUA_TTABLE && !strncmp(j->out_path, code, n) && j->out_path[n] == '/')
		model_set_str(L, "sitewide", j->out_path + n + 1);
	lua_pop(L, 1);
	if (job_template(w, j, name, vars, j->out_path, &inner, NULL) == 0 &&
	    job_through_base(w, j, "base.html", vars, j->out_path, &inner, &page) == 0) {
		htmlids_check(page.p, page.len, j->out_path, name, NULL);
		if (w->sh->o->out && note)
			put_sitewide(w->sh, j->out_path, page.p, page.len);
		else if (w->sh->o->out)
			output_put(w->sh->o->out, j->out_path, page.p, page.len);
	}
	buf_free(&inner);
	buf_free(&page);
}

/* A job for a site-wide page: shown as the home page in lang, at out_path. */
static struct job own_job(const struct site *s, size_t lang, const char *out_path)
{
	return (struct job){.page = s->pages[0], .doc = site_page_doc(s, s->pages[0], lang), .lang = lang,
	                    .kind = OUT_HTML, .out_path = out_path, .own_page = true};
}

struct index_put {
	struct shared *sh;
	const char *lang_code;
};

static void put_index_file(void *ctx, const char *rel, const char *data, size_t len, uint64_t key)
{
	const struct index_put *ip = ctx;
	char *path = search_path(ip->lang_code, rel);
	output_put(ip->sh->o->out, path, data, len);
	note_group_file(ip->sh, path, key); /* stamped in the record, for index_was() and keep_index_file() */
	free(path);
}

/* A shard the last build wrote with the same contents (key), as it left it, stays. */
static bool keep_index_file(void *ctx, const char *rel, uint64_t key, size_t *size)
{
	const struct index_put *ip = ctx;
	struct shared *sh = ip->sh;
	if (!sh->prev || sh->out_fd < 0)
		return false;
	char *path = search_path(ip->lang_code, rel);
	bool kept = deps_file_kept(sh->prev, path, key, sh->out_fd, size);
	if (kept) {
		output_keep(sh->o->out, path);
		note_kept_file(sh, path, key);
	}
	free(path);
	return kept;
}

/* (deps_file_taken: recorded with the stamp the file had, which it has no longer; and listed as the
 * build's, so the next build, which makes it again, may replace it: left out of the folder's list, it
 * was refused then as "a file vade did not make", helper-185) */
static void index_lost(void *ctx, const char *rel, uint64_t key)
{
	const struct index_put *ip = ctx;
	char *path = search_path(ip->lang_code, rel);
	output_keep(ip->sh->o->out, path);
	note_kept_file(ip->sh, path, key);
	free(path);
}

static char *index_read_was(void *ctx, const char *rel, size_t *len)
{
	const struct index_put *ip = ctx;
	char *name = search_path(ip->lang_code, rel), *path = path_join(ip->sh->o->out_dir, name), *data = NULL;
	if (file_read_regular(path, &data, len) != 0)
		data = NULL;
	free(path);
	free(name);
	return data;
}

static uint64_t index_key_was(void *ctx, const char *rel)
{
	const struct index_put *ip = ctx;
	char *path = search_path(ip->lang_code, rel);
	uint64_t key = deps_file_key(ip->sh->prev, path);
	free(path);
	return key;
}

/* What the last build's index of a language is to this one's: the pages whose terms are not the
 * ones it was made of (changed[0, n), ids ascending, with old[c] the record's terms of changed[c]
 * or NULL), and whether its files (index.js and the shards) are each as that build left them. */
struct index_was {
	const char **files;        /* the record's index.js and shards (its names), when intact */
	size_t nfiles;
	size_t *changed;
	struct search_terms *old;  /* [n] (borrowing the record's bytes) */
	const struct search_terms **oldp; /* [n]: &old[c] (no terms where the record has none) */
	size_t n;
	bool intact;
};

static void index_was_free(struct index_was *iw)
{
	free(iw->files);
	free(iw->changed);
	free(iw->old);
	free(iw->oldp);
}

/* An index is a function of its pages' terms alone; a paragraph edited in one language leaves the
 * others' indexes alone, and a page whose words did not change (a notice, a link elsewhere) too.
 * A page left as it was (borrowed) has the terms it had by definition. False without a record. */
static bool index_was(struct shared *sh, size_t l, struct index_was *iw)
{
	const struct site *s = sh->s;
	*iw = (struct index_was){0};
	if (!sh->prev || sh->out_fd < 0)
		return false;
	for (size_t i = 0; i < s->npages; i++) {
		size_t slot = i * s->nlangs + l;
		if (sh->units[slot].borrowed)
			continue;
		struct search_terms old;
		bool had = deps_terms(sh->prev, slot, &old);
		if (search_terms_equal(had ? &old : NULL, sh->search[slot]))
			continue;
		iw->changed = xrealloc(iw->changed, (iw->n + 1) * sizeof *iw->changed);
		iw->old = xrealloc(iw->old, (iw->n + 1) * sizeof *iw->old);
		iw->changed[iw->n] = s->pages[i]->index;
		iw->old[iw->n++] = had ? old : (struct search_terms){0};
	}
	iw->oldp = xcalloc(iw->n + 1, sizeof *iw->oldp);
	for (size_t c = 0; c < iw->n; c++) /* (old may have moved while it grew) */
		iw->oldp[c] = &iw->old[c];
	char *dir = search_path(s->langs[l].code, ""), *index = search_path(s->langs[l].code, "index.js"),
	     *shards = search_path(s->langs[l].code, "s/");
	size_t n = deps_files_under(sh->prev, dir, &iw->files);
	bool ok = true, has_index = false;
	for (size_t i = 0; i < n && ok; i++) {
		bool is_index = !strcmp(iw->files[i], index);
		if (!is_index && strncmp(iw->files[i], shards, strlen(shards)))
			continue; /* a group of results (p/), the page's own business */
		has_index = has_index || is_index;
		ok = deps_file_intact(sh->prev, iw->files[i], sh->out_fd);
		iw->files[iw->nfiles++] = iw->files[i];
	}
	iw->intact = ok && has_index;
	free(dir);
	free(index);
	free(shards);
	return true;
}

/* Keeps a language's index as the last build wrote it (index_was() found its pages' terms and its
 * files as they were). */
static void index_keep(struct shared *sh, const struct index_was *iw)
{
	for (size_t i = 0; i < iw->nfiles; i++) {
		output_keep(sh->o->out, iw->files[i]);
		note_kept_file(sh, iw->files[i], deps_file_key(sh->prev, iw->files[i]));
	}
}

/* Language l's index made again from the last build's, where the pages whose terms changed are
 * few (search_index_update); false when it cannot be, having written nothing. */
static bool index_update(struct shared *sh, size_t l, struct search_terms **terms, const struct index_was *iw,
                         const struct search_out *out, size_t *shards, size_t *remade)
{
	size_t len;
	char *data = out->read_was(out->ctx, "index.js", &len);
	struct search_layout lay;
	bool ok = data && search_index_read(sh->s->langs[l].code, data, len, &lay);
	if (ok) {
		ok = search_index_update(sh->s->langs[l].code, sh->lex[l], terms, sh->s->npages, &lay, iw->changed,
		                         iw->oldp, iw->n, out, remade);
		*shards = lay.n;
		search_layout_free(&lay);
	}
	free(data);
	return ok;
}

/* The search indexes of the languages, written on threads of their own while the site-wide
 * pages are rendered: the largest part of the site-wide work, and one that needs no Lua. */
struct index_job {
	struct shared *sh;
	struct index_how {
		enum { INDEX_WHOLE, INDEX_UPDATED, INDEX_KEPT } how;
		size_t shards, remade; /* updated: its shards, and those made again */
	} *how;                   /* [nlangs], each language's set by the thread that takes it */
	atomic_size_t next; /* the next language to index */
	size_t nthreads;
	pthread_t th[8];
};

static void *index_run(void *arg)
{
	struct index_job *ij = arg;
	const struct site *s = ij->sh->s;
	struct search_terms **terms = xcalloc(s->npages + 1, sizeof *terms);
	for (size_t l; (l = atomic_fetch_add(&ij->next, 1)) < s->nlangs;) {
		struct index_was iw;
		struct index_how *how = &ij->how[l];
		bool known = index_was(ij->sh, l, &iw) && iw.intact;
		if (known && !iw.n) {
			index_keep(ij->sh, &iw);
			index_was_free(&iw);
			how->how = INDEX_KEPT;
			continue;
		}
		for (size_t i = 0; i < s->npages; i++)
			terms[s->pages[i]->index] = ij->sh->search[i * s->nlangs + l];
		struct index_put ip = {ij->sh, s->langs[l].code};
		struct search_out out = {keep_index_file, put_index_file, index_key_was, index_read_was, index_lost, &ip};
		/* (changed ids ascending: pages are in id order) */
		how->how = known && index_update(ij->sh, l, terms, &iw, &out, &how->shards, &how->remade) ? INDEX_UPDATED
		                                                                                         : INDEX_WHOLE;
		if (how->how == INDEX_WHOLE)
			search_index_write(s->langs[l].code, ij->sh->lex[l], terms, s->npages, &out);
		index_was_free(&iw);
	}
	free(terms);
	return NULL;
}

/* Starts writing the indexes on jobs - 1 threads (none started: written here): this one renders
 * the site-wide pages meanwhile, then writes those left (index_finish). An index under
 * construction is some 10 MB at 10,000 pages; jobs threads and this one made three at once at
 * -j 2, for no gain in time (issue 13). */
static void index_start(struct index_job *ij, struct shared *sh)
{
	*ij = (struct index_job){.sh = sh, .how = xcalloc(sh->s->nlangs + 1, sizeof *ij->how)};
	atomic_init(&ij->next, 0);
	if (!sh->o->out)
		return;
	size_t n = sh->o->jobs > 1 ? (size_t)sh->o->jobs - 1 : 0;
	if (n > sh->s->nlangs)
		n = sh->s->nlangs;
	if (n > sizeof ij->th / sizeof *ij->th)
		n = sizeof ij->th / sizeof *ij->th;
	for (size_t i = 0; i < n; i++)
		if (pthread_create(&ij->th[i], NULL, index_run, ij) == 0)
			ij->nthreads++;
}

/* Waits for the indexes (writing what no thread took), then frees each page's terms or gives
 * them to its unit for the record of the build (deps.h): they are not read again. */
static void index_finish(struct index_job *ij)
{
	struct shared *sh = ij->sh;
	const struct site *s = sh->s;
	if (sh->o->out)
		index_run(ij);
	for (size_t i = 0; i < ij->nthreads; i++)
		pthread_join(ij->th[i], NULL);
	struct render_stats *st = sh->o->stats;
	for (size_t l = 0; st && sh->o->out && l < s->nlangs; l++) {
		const struct index_how *h = &ij->how[l];
		st->index_whole += h->how == INDEX_WHOLE;
		st->index_updated += h->how == INDEX_UPDATED;
		st->index_kept += h->how == INDEX_KEPT;
		st->shards += h->shards;
		st->shards_remade += h->remade;
	}
	free(ij->how);
	for (size_t slot = 0; sh->o->out && slot < s->npages * s->nlangs; slot++) {
		struct deps_unit *u = &sh->units[slot];
		if (sh->keep_terms && u->known && u->indexed && !u->terms)
			u->terms = sh->search[slot];
		else
			search_terms_free(sh->search[slot]);
		sh->search[slot] = NULL;
	}
}

/* A language's search page lists every page published in it (10,000 entries on a 10,000-page site:
 * a sixth of a one-page rebuild there; issue 13). It shows what the pages' views give (deps.h:
 * DEP_META, DEP_KIDS) and whatever the global digest covers, so its key is the digest of every
 * page's of those (a title changed anywhere renders it again) and of which pages are in each
 * language's search. A render that read more (a page's text or status), or warned, gives no key:
 * the next build renders it again. */
static uint64_t search_pages_key(const struct shared *sh)
{
	size_t nslots = sh->s->npages * sh->s->nlangs;
	XXH3_state_t *h = XXH3_createState();
	XXH3_64bits_reset(h);
	uint64_t head[2] = {nslots, sh->now[nslots * DEP_NGROUPS + DEP_OWN]}; /* (the site's texts) */
	XXH3_64bits_update(h, head, sizeof head);
	for (size_t i = 0; i < nslots; i++) {
		uint64_t v[3] = {sh->search[i] != NULL, sh->now[i * DEP_NGROUPS + DEP_META],
		                 sh->now[i * DEP_NGROUPS + DEP_KIDS]};
		XXH3_64bits_update(h, v, sizeof v);
	}
	uint64_t key = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	return key;
}

/* Each language's search page: every page of the language with its title
 * and summary (the list a reader without JavaScript sees), and beside it the
 * language's full-text index (search.h), which the page's script loads. */
static void render_search(struct worker *w)
{
	struct shared *sh = w->sh;
	const struct site *s = sh->s;
	lua_State *L = tpl_lua(w->e);
	uint64_t pages_key = sh->now && sh->o->out ? search_pages_key(sh) : 0; /* (the same for each language) */
	for (size_t l = 0; l < s->nlangs; l++) {
		char *out_path = search_path(s->langs[l].code, "index.html");
		uint64_t key = pages_key ? XXH3_64bits_withSeed(&pages_key, sizeof pages_key, l) | 1 : 0;
		size_t size;
		if (key && sh->prev && sh->out_fd >= 0 && deps_file_kept(sh->prev, out_path, key, sh->out_fd, &size)) {
			output_keep(sh->o->out, out_path);
			note_kept_file(sh, out_path, key);
			free(out_path);
			continue;
		}
		bool keep = key && !diag_keep_on();
		key = keep ? key : 0; /* (what it reads and says not known: no key) */
		if (keep) {
			diag_keep_begin();
			deps_unit_begin(w->dk);
		}
		struct job j = own_job(s, l, out_path);
		model_push_vars(w, &j, NULL);
		const char *title = site_ui(s, l, "search");
		model_push_own_page(L, title ? title : "Search");
		lua_setfield(L, -2, "page");
		lua_createtable(L, (int)s->npages, 0);
		size_t n = 0;
		for (size_t i = 0; i < s->npages; i++) {
			const struct page *p = s->pages[i];
			if (!w->sh->search[i * s->nlangs + l])
				continue;
			const struct doc *d = site_page_doc(s, p, l);
			char *url = site_url_relative(out_path, resolve_output(w->sh->r, p, l));
			lua_createtable(L, 0, 4);
			model_set_str(L, "title", d->shown_title);
			model_set_str(L, "summary", d->shown_summary);
			model_set_str(L, "url", url);
			lua_pushboolean(L, resolve_has_text(w->sh->r, p, l));
			lua_setfield(L, -2, "translated");
			/* a translation's title or summary left in the original's language (the page's title_lang) */
			lua_pushboolean(L, resolve_meta_lang(w->sh->r, p, l, true) != l);
			lua_setfield(L, -2, "title_foreign");
			lua_pushboolean(L, resolve_meta_lang(w->sh->r, p, l, false) != l);
			lua_setfield(L, -2, "summary_foreign");
			lua_rawseti(L, -2, (lua_Integer)++n);
			free(url);
		}
		lua_setfield(L, -2, "entries");
		render_extra(w, &j, "search.html", false); /* (noted with its key below) */
		lua_pop(L, 1);
		if (keep) {
			size_t nwarned = 0;
			struct diag_kept *warned = diag_keep_end(&nwarned);
			diag_kept_free(warned, nwarned);
			struct deps_unit u = {0};
			deps_unit_end(w->dk, &u);
			if (nwarned || deps_unit_reads(sh->deps, &u, 1u << DEP_OWN | 1u << DEP_STATUS))
				key = 0;
			deps_unit_clear(&u);
		}
		if (sh->o->out)
			note_group_file(sh, out_path, key);
		free(out_path);
	}
}

static const char *const state_names[3] = {"current", "outdated", "missing"};

/* {======= the dashboard's entries, made as a template reads them
 *
 * A language's entries of one kind are a read-only list whose items are made when read: a
 * 10,000-page site has 20,000 page entries per language, and made all at once, with their
 * passages, they were a sixth of a build's peak memory (issue 13). The list answers #, ipairs
 * (Lua 5.4 reads items through __index), pairs and next as a table would; an item is kept
 * (weakly) while a template holds it, so reading it again gives the same table, and the
 * collector takes it after. */
struct entries {
	struct worker *w;
	const struct job *j;
	const struct tr_lang *TL; /* NULL once the dashboard is made: the list then reads as empty */
	int k;
	size_t l;
};

/* Pushes entry i (0-based) of the list, frozen. */
static void push_entry(lua_State *L, const struct entries *es, size_t i)
{
	const struct site *s = es->w->sh->s;
	const struct tr_entry *e = &es->TL->e[es->k][i];
	lua_createtable(L, 0, 8);
	model_set_str(L, "id", e->id);
	model_set_str(L, "source", e->src);
	model_set_str(L, "state", state_names[e->state]);
	const struct page *pg = es->k == TR_PAGES ? site_find(s, e->id) : NULL;
	if (pg) {
		char *rel = site_url_relative(es->j->out_path, resolve_output(es->w->sh->r, pg, es->l));
		model_set_str(L, "url", rel);
		free(rel);
		model_set_str(L, "title", site_page_doc(s, pg, 0)->title);
	}
	/* changed: the first CHANGED_SHOWN passages that are not current, each {id, change,
	 * label, words}; changed_more: how many more. */
	size_t shown = e->nlisted < CHANGED_SHOWN ? e->nlisted : CHANGED_SHOWN;
	lua_createtable(L, (int)shown, 0);
	for (size_t c = 0; c < shown; c++) {
		lua_createtable(L, 0, 4);
		model_set_str(L, "id", e->items[c].id);
		model_set_str(L, "change", tr_change_names[e->items[c].change]);
		model_set_str(L, "label", e->items[c].label);
		lua_pushinteger(L, (lua_Integer)e->items[c].words);
		lua_setfield(L, -2, "words");
		lua_rawseti(L, -2, (lua_Integer)c + 1);
	}
	lua_setfield(L, -2, "changed");
	lua_pushinteger(L, (lua_Integer)(e->nitems - shown));
	lua_setfield(L, -2, "changed_more");
	model_set_str(L, "note", e->note);
	tpl_freeze(L);
}

static size_t entries_len(const struct entries *es)
{
	return es->TL ? es->TL->n[es->k] : 0;
}

/* __index(list, i): upvalue 1 is the struct entries (a full userdata), 2 the items made so far
 * (weak values). A key is an item's position as a table's would be: an integer, or a float equal to one. */
static int l_entries_index(lua_State *L)
{
	const struct entries *es = lua_touserdata(L, lua_upvalueindex(1));
	int whole = 0;
	lua_Integer i = lua_type(L, 2) == LUA_TNUMBER ? lua_tointegerx(L, 2, &whole) : 0;
	if (!whole || i < 1 || (lua_Unsigned)i > entries_len(es)) {
		lua_pushnil(L);
	} else if (lua_rawgeti(L, lua_upvalueindex(2), i) == LUA_TNIL) {
		lua_pop(L, 1);
		push_entry(L, es, (size_t)i - 1);
		lua_pushvalue(L, -1);
		lua_rawseti(L, lua_upvalueindex(2), i);
	}
	return 1;
}

static int l_entries_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)entries_len(lua_touserdata(L, lua_upvalueindex(1))));
	return 1;
}

/* The iterator pairs(list) returns, and next(list, k): the items in order, as ipairs gives them. */
static int l_entries_next(lua_State *L)
{
	lua_Integer i = (lua_Integer)((lua_Unsigned)luaL_optinteger(L, 2, 0) + 1u); /* wraps, as ipairs' does */
	lua_pushinteger(L, i);
	if (lua_geti(L, 1, i) == LUA_TNIL)
		return 1;
	return 2;
}

static int l_entries_pairs(lua_State *L)
{
	lua_pushcfunction(L, l_entries_next);
	lua_pushvalue(L, 1);
	lua_pushinteger(L, 0);
	return 3;
}

/* Pushes the list of TL's entries of kind k in language l; returns its struct, whose TL the caller
 * sets NULL once the page is made. */
static struct entries *push_entry_list(lua_State *L, struct worker *w, const struct job *j, const struct tr_lang *TL,
                                       int k, size_t l)
{
	static const luaL_Reg meta[] = {{"__index", l_entries_index}, {"__len", l_entries_len},
	                                {"__pairs", l_entries_pairs}, {"__next", l_entries_next}, {NULL, NULL}};
	lua_newtable(L);
	struct entries *es = lua_newuserdatauv(L, sizeof *es, 0);
	*es = (struct entries){w, j, TL, k, l};
	lua_newtable(L);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "v");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	sandbox_push_view_meta(L, meta, 2);
	lua_setmetatable(L, -2);
	return es;
}

/* One language's entries of one kind, for the dashboard: {current, outdated, missing, items}. */
static struct entries *push_entries(lua_State *L, struct worker *w, const struct job *j, const struct tr_lang *TL,
                                    int k, size_t l)
{
	lua_createtable(L, 0, 4);
	for (int st = 0; st < 3; st++) {
		lua_pushinteger(L, (lua_Integer)TL->count[k][st]);
		lua_setfield(L, -2, state_names[st]);
	}
	struct entries *es = push_entry_list(L, w, j, TL, k, l);
	lua_setfield(L, -2, "items");
	return es;
}

/* }======= */

/* The translation dashboard: every language, how far behind. */
static void render_dashboard(struct worker *w, const struct tr_report *status)
{
	static const char *const kinds[TR_KINDS] = {"pages", "ui", "data"};
	const struct site *s = w->sh->s;
	lua_State *L = tpl_lua(w->e);
	struct job j = own_job(s, 0, "translations/index.html");
	model_push_vars(w, &j, NULL);
	lua_pushnil(L);
	lua_setfield(L, -2, "data");
	struct entries **lists = xcalloc((s->nlangs - 1) * TR_KINDS, sizeof *lists);
	lua_createtable(L, (int)s->nlangs - 1, 0);
	for (size_t l = 1; l < s->nlangs; l++) {
		lua_createtable(L, 0, 4);
		model_set_str(L, "code", s->langs[l].code);
		model_set_str(L, "name", s->langs[l].name);
		model_set_str(L, "dir", s->langs[l].dir);
		for (int k = 0; k < TR_KINDS; k++) {
			lists[(l - 1) * TR_KINDS + k] = push_entries(L, w, &j, &status->langs[l], k, l);
			lua_setfield(L, -2, kinds[k]);
		}
		lua_rawseti(L, -2, (lua_Integer)l);
	}
	lua_setfield(L, -2, "status");
	const char *ttl = site_ui(s, 0, "translation_status");
	model_push_own_page(L, ttl ? ttl : "Translation status");
	lua_setfield(L, -2, "page");
	render_extra(w, &j, "translations.html", true);
	lua_pop(L, 1);
	/* j goes now: a list a template kept somewhere reads as empty from here on */
	for (size_t i = 0; i < (s->nlangs - 1) * TR_KINDS; i++)
		lists[i]->TL = NULL;
	free(lists);
}

/* The "page not found" pages: <lang>/404.html in each language and 404.html at the
 * root (the default language's), for a web server to answer unknown addresses with
 * (Apache: ErrorDocument 404; nginx: error_page 404). A server sends the page at the
 * address that was not found, so its relative links would resolve from there: the
 * page carries <base href> at its own address, the site's base_url, or "/" (a site at
 * the server's root) when site.yaml gives none. */
static void render_not_found(struct worker *w)
{
	const struct site *s = w->sh->s;
	lua_State *L = tpl_lua(w->e);
	for (size_t l = 0; l <= s->nlangs; l++) {
		size_t lang = l < s->nlangs ? l : 0;
		char *out_path = l < s->nlangs ? xasprintf("%s/404.html", s->langs[l].code) : xstrdup("404.html");
		struct job j = own_job(s, lang, out_path);
		model_push_vars(w, &j, NULL);
		const char *title = site_ui(s, lang, "not_found");
		model_push_own_page(L, title ? title : "Page not found");
		char *base = xasprintf("%s%s", s->base_url ? s->base_url : "/", out_path);
		model_set_str(L, "base", base);
		free(base);
		lua_setfield(L, -2, "page");
		render_extra(w, &j, "notfound.html", true);
		lua_pop(L, 1);
		free(out_path);
	}
}

/* A page's public address: base_url and its output path, "index.html" left out,
 * every byte but RFC 3986's unreserved ones and '/' percent-encoded (libxml2's
 * xmlURIEscapeStr): sitemaps.org wants entity- and URL-escaped addresses. */
static char *public_url(const struct site *s, const char *out_path)
{
	size_t n = strlen(out_path), k = strlen("index.html");
	if (n >= k && !strcmp(out_path + n - k, "index.html") && (n == k || out_path[n - k - 1] == '/'))
		n -= k;
	char *path = xstrndup(out_path, n);
	xmlChar *esc = xmlURIEscapeStr(BAD_CAST path, BAD_CAST "/");
	char *url = xasprintf("%s%s", s->base_url, esc ? (const char *)esc : path);
	xmlFree(esc);
	free(path);
	return url;
}

/* sitemap.xml (sitemaps.org protocol 0.9), when site.yaml gives base_url: every page
 * in each language it is written in (fallback copies of the original are left out:
 * they would index the original's text twice), <lastmod> from front matter
 * `updated`, and each page's languages as xhtml:link alternates (Google's hreflang
 * extension) with x-default for the default language. Written with libxml2. */
static void render_sitemap(struct worker *w)
{
	const struct site *s = w->sh->s;
	const struct resolved *r = w->sh->r;
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr x = xmlNewTextWriterMemory(xb, 0);
	xmlTextWriterSetIndent(x, 1);
	xmlTextWriterSetIndentString(x, BAD_CAST " ");
	xmlTextWriterStartDocument(x, "1.0", "UTF-8", NULL);
	xmlTextWriterStartElement(x, BAD_CAST "urlset");
	xmlTextWriterWriteAttribute(x, BAD_CAST "xmlns", BAD_CAST "http://www.sitemaps.org/schemas/sitemap/0.9");
	xmlTextWriterWriteAttribute(x, BAD_CAST "xmlns:xhtml", BAD_CAST "http://www.w3.org/1999/xhtml");
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		for (size_t l = 0; l < s->nlangs; l++) {
			if (!resolve_has_text(r, p, l))
				continue;
			char *loc = public_url(s, resolve_output(r, p, l));
			xmlTextWriterStartElement(x, BAD_CAST "url");
			xmlTextWriterWriteElement(x, BAD_CAST "loc", BAD_CAST loc);
			free(loc);
			const struct doc *d = site_page_doc(s, p, l);
			const char *updated = d->updated ? d->updated : p->docs[0]->updated;
			if (updated)
				xmlTextWriterWriteElement(x, BAD_CAST "lastmod", BAD_CAST updated);
			for (size_t k = 0; k <= s->nlangs && s->nlangs > 1; k++) {
				size_t kl = k < s->nlangs ? k : 0;
				if (!resolve_has_text(r, p, kl))
					continue;
				char *href = public_url(s, resolve_output(r, p, kl));
				xmlTextWriterStartElement(x, BAD_CAST "xhtml:link");
				xmlTextWriterWriteAttribute(x, BAD_CAST "rel", BAD_CAST "alternate");
				xmlTextWriterWriteAttribute(x, BAD_CAST "hreflang", BAD_CAST(k < s->nlangs ? s->langs[k].code : "x-default"));
				xmlTextWriterWriteAttribute(x, BAD_CAST "href", BAD_CAST href);
				xmlTextWriterEndElement(x);
				free(href);
			}
			xmlTextWriterEndElement(x);
		}
	}
	xmlTextWriterEndDocument(x);
	xmlFreeTextWriter(x);
	if (w->sh->o->out)
		put_sitewide(w->sh, "sitemap.xml", xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
}

/* The root page leads to the default language's home. */
static void render_root(struct worker *w)
{
	const struct site *s = w->sh->s;
	lua_State *L = tpl_lua(w->e);
	struct job j = own_job(s, 0, "index.html");
	lua_createtable(L, 0, 2);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.site");
	lua_setfield(L, -2, "site");
	model_set_str(L, "target", resolve_output(w->sh->r, s->pages[0], 0));
	struct buf b = BUF_INIT;
	if (job_template(w, &j, "root.html", -1, "index.html", &b, NULL) == 0) {
		htmlids_check(b.p, b.len, "index.html", "root.html", NULL);
		if (w->sh->o->out)
			put_sitewide(w->sh, "index.html", b.p, b.len);
	}
	lua_pop(L, 1);
	buf_free(&b);
}

void sitewide_render(struct worker *w)
{
	const struct site *s = w->sh->s;
	struct vec chain = VEC_INIT;
	char *assets = NULL;
	/* Without an output (vade check) the assets and resources are only checked
	 * to be readable, and only the pages are made, for the checks of their ids. */
	if (tree_kind(&s->theme_tree, "assets", &assets) == TREE_DIR) {
		vec_push(&chain, assets);
		put_tree(w->sh, &s->theme_tree, "assets", "assets", &chain);
	}
	free(assets);
	vec_free(&chain);
	for (size_t i = 0; i < s->nresources; i++) {
		char *rel = xasprintf("content/%s", s->resources[i]);
		put_file(w->sh, &s->tree, rel, s->resources[i]);
		free(rel);
	}
	const struct tr_report *status = resolve_status(w->sh->r);
	bool base = tpl_exists(w->e, "base.html");
	/* The indexes are written beside the pages below. */
	bool search = base && tpl_exists(w->e, "search.html");
	struct index_job ij;
	if (search) {
		index_start(&ij, w->sh);
		render_search(w);
	}
	if (base && tpl_exists(w->e, "notfound.html"))
		render_not_found(w);
	if (s->base_url)
		render_sitemap(w);
	if (tpl_exists(w->e, "root.html"))
		render_root(w);
	/* The pages above left their tables to the collector: taken back before the dashboard's. */
	lua_gc(tpl_lua(w->e), LUA_GCCOLLECT, 0);
	if (status && s->nlangs > 1 && base && tpl_exists(w->e, "translations.html"))
		render_dashboard(w, status);
	if (search)
		index_finish(&ij);
}
