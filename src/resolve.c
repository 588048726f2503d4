/* resolve.c — the facts render asks about the site, worked out once. */
#include "resolve.h"
#include "output.h"
#include "escape.h"
#include "markdown.h"
#include "status.h"
#include "template.h"
#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* Where a data text comes from. */
struct origin {
	char *text;             /* owned: a front matter's tree is dropped before the render */
	char *src;              /* owned: a page's file is another after site_patch() (resolve_patch) */
	struct text_place at;
	size_t lang;            /* the language of its file (a default file's: 0) */
};

struct heading_ids {
	atomic_bool done;
	char **ids;             /* in document order */
	int *lines;             /* the file line of each */
	char **theirs;          /* the theme's id each is named by and passed over, or NULL (markdown.h) */
	size_t n;
};

struct data_set {
	const char *name;       /* borrowed from the site */
	const struct yml_node **root; /* [nlangs] */
};

struct resolved {
	const struct site *s;
	struct vec link_cands;  /* const char *: what a missing link's hint is chosen from (missing()) */
	struct vec link_owned;  /* char *: the names in it that are not the site's resources, owned (page
	                         * files and folders: a page's file is another after site_patch()) */
	const struct tr_report *status;
	size_t nlangs;
	unsigned char *text_lang; /* [npages * nlangs]: 1 + the language whose text is shown */
	char **outputs;         /* [npages * nlangs] */
	struct origin *origins; /* sorted by text */
	size_t norigins;
	struct data_set *data;  /* sorted by name */
	size_t ndata;
	struct vec made;        /* yml nodes made by overlays (and their kid arrays) */
	struct strmap *fallback; /* [nlangs]: the texts lang shows in the default language's words */
	struct heading_ids *hids; /* [npages * nlangs], by the language of the text */
	pthread_mutex_t hids_lock;
	struct md_reserved reserved; /* the templates' ids, which headings pass over */
};

static size_t slot(const struct resolved *r, const struct page *p, size_t lang)
{
	return p->index * r->nlangs + lang;
}

/* {======= data overlays */

static struct yml_node *node_copy(struct resolved *r, const struct yml_node *n, size_t extra)
{
	struct yml_node *c = xmalloc(sizeof *c);
	*c = *n;
	if (c->kind == YML_MAP)
		c->style = 0; /* its kids are changed (map_merge) and keep no index */
	c->kids = xcalloc(n->n + extra + 1, sizeof *c->kids);
	if (n->n)
		memcpy(c->kids, n->kids, n->n * sizeof *c->kids);
	vec_push(&r->made, c);
	vec_push(&r->made, c->kids);
	return c;
}

/* An item's id as the key it is matched by: its text as written, as data.c indexes it and
 * templates see it (tpl_push_yaml_as), so `id: 12` and `id: "12"` are one id, `1.0` and `1`
 * two; NULL for null and non-scalars. */
static const char *id_key(const struct yml_node *n)
{
	long long iv;
	double dv;
	return n && n->kind == YML_SCALAR && yml_resolve(n, &iv, &dv) != YML_T_NULL ? n->str : NULL;
}

static const struct yml_node *overlay(struct resolved *r, const char *src, const struct yml_node *base,
                                      const struct yml_node *over);

static const char *kind_name(const struct yml_node *n)
{
	return n->kind == YML_SEQ ? "a list" : n->kind == YML_MAP ? "a mapping" : "a value";
}

/* What a translation's value over of key makes of the original's value base: a null (the
 * translator's empty placeholder, "desc:") leaves the original; a list or mapping is laid over
 * the original's (overlay); a value of another kind than the original's is not used (said at it:
 * the templates were written for the original's). */
static const struct yml_node *merge_value(struct resolved *r, const char *src, const char *key,
                                          const struct yml_node *base, const struct yml_node *over)
{
	if (yml_is_null(over))
		return base;
	if (yml_is_null(base))
		return over;
	if (base->kind != over->kind) {
		diag_warn(src, over->line, over->col, "'%s' is %s here but %s in the original; not used", key,
		          kind_name(over), kind_name(base));
		return base;
	}
	return base->kind == YML_SCALAR ? over : overlay(r, src, base, over);
}

/* Lays every key of the mapping over onto the (copied) mapping m: its value merged with m's
 * (merge_value), or added at the end. */
static void map_merge(struct resolved *r, const char *src, struct yml_node *m, const struct yml_node *over)
{
	struct strmap at = STRMAP_INIT; /* key -> 1 + index of its value in m */
	for (size_t i = 0; i + 1 < m->n; i += 2)
		*strmap_put(&at, m->kids[i]->str, NULL) = i + 2;
	for (size_t k = 0; k + 1 < over->n; k += 2) {
		size_t *v = strmap_get(&at, over->kids[k]->str);
		if (v && !strcmp(over->kids[k]->str, "id")) {
			/* the item's id is the original's (`id: "12"` found `id: 12`): the same in every language */
		} else if (v) {
			m->kids[*v - 1] = (struct yml_node *)merge_value(r, src, over->kids[k]->str, m->kids[*v - 1],
			                                                 over->kids[k + 1]);
		} else if (!yml_is_null(over->kids[k + 1])) {
			*strmap_put(&at, over->kids[k]->str, NULL) = m->n + 2;
			m->kids[m->n++] = over->kids[k];
			m->kids[m->n++] = over->kids[k + 1];
		}
	}
	strmap_free(&at);
}

/* Whether a list's items are named by ids (one of them has one): then a translation's list is
 * laid over it item by item; else (a list of texts, of items without ids) it is the list. */
static bool has_ids(const struct yml_node *seq)
{
	for (size_t i = 0; i < seq->n; i++)
		if (id_key(yml_get(seq->kids[i], "id")))
			return true;
	return false;
}

/* The default tree base with a translation's tree over it (from src), at any depth: a list of
 * items with ids is matched by `id`, field by field; a mapping key by key; any other list or
 * value is the translation's. */
static const struct yml_node *overlay(struct resolved *r, const char *src, const struct yml_node *base,
                                      const struct yml_node *over)
{
	if (!base || !over || yml_is_null(over))
		return base;
	if (base->kind != over->kind || base->kind == YML_SCALAR) {
		if (base->kind != over->kind)
			diag_warn(src, over->line, over->col, "the translations are %s but the original is %s; not used",
			          kind_name(over), kind_name(base));
		return base;
	}
	if (base->kind == YML_SEQ && has_ids(base)) {
		struct yml_node *seq = node_copy(r, base, 0);
		/* The items by id (a list of those sharing one: first[id], then same[i]), so matching stays linear. */
		struct strmap first = STRMAP_INIT, seen = STRMAP_INIT;
		size_t *same = xcalloc(seq->n + 1, sizeof *same);
		for (size_t n = 0; n < seq->n; n++) {
			const char *k = seq->kids[n]->kind == YML_MAP ? id_key(yml_get(seq->kids[n], "id")) : NULL;
			if (k) {
				size_t *at = strmap_put(&first, k, NULL);
				same[n] = *at; /* 1 + the previous item with this id, or 0 */
				*at = n + 1;
			}
		}
		for (size_t j = 0; j < over->n; j++) {
			const struct yml_node *item = over->kids[j];
			const char *k = item->kind == YML_MAP ? id_key(yml_get(item, "id")) : NULL;
			bool added = false;
			if (k) /* a second translation of one id is not used (data.c says so at it) */
				strmap_put(&seen, k, &added);
			size_t *at = added ? strmap_get(&first, k) : NULL;
			for (size_t i = at ? *at : 0; i; i = same[i - 1]) {
				struct yml_node *m = node_copy(r, seq->kids[i - 1], item->n);
				map_merge(r, src, m, item);
				seq->kids[i - 1] = m;
			}
		}
		strmap_free(&first);
		strmap_free(&seen);
		free(same);
		return seq;
	}
	if (base->kind == YML_SEQ) /* a list of texts (or of items without ids): the translation's, as it is */
		return over;
	struct yml_node *m = node_copy(r, base, over->n);
	map_merge(r, src, m, over);
	return m;
}

static int cmp_data_set(const void *a, const void *b)
{
	return strcmp(((const struct data_set *)a)->name, ((const struct data_set *)b)->name);
}

static void resolve_data_sets(struct resolved *r)
{
	const struct site *s = r->s;
	r->data = xcalloc(s->ndata + 1, sizeof *r->data);
	for (size_t i = 0; i < s->ndata; i++) {
		if (s->data[i].lang != -1 || !s->data[i].doc)
			continue;
		struct data_set *d = &r->data[r->ndata++];
		d->name = s->data[i].name;
		d->root = xcalloc(s->nlangs, sizeof *d->root);
		for (size_t l = 0; l < s->nlangs; l++) {
			const struct data_file *tr = l ? site_data_file(s, d->name, (int)l) : NULL;
			d->root[l] = s->data[i].doc->root;
			if (tr && tr->doc)
				d->root[l] = overlay(r, tr->src, d->root[l], tr->doc->root);
		}
	}
	xqsort(r->data, r->ndata, sizeof *r->data, cmp_data_set);
}

size_t resolve_ndata(const struct resolved *r)
{
	return r->ndata;
}

const char *resolve_data_name(const struct resolved *r, size_t i)
{
	return r->data[i].name;
}

const struct yml_node *resolve_data(const struct resolved *r, size_t i, size_t lang)
{
	return r->data[i].root[lang];
}

/* }======= */

/* {======= texts shown in the default language */

/* The text scalars of n (values only, not keys) into m. */
static void add_texts(struct strmap *m, const struct yml_node *n)
{
	long long iv;
	double dv;
	if (!n)
		return;
	if (n->kind == YML_SCALAR) {
		if (yml_resolve(n, &iv, &dv) == YML_T_STR)
			strmap_put(m, n->str, NULL);
		return;
	}
	for (size_t i = n->kind == YML_MAP ? 1 : 0; i < n->n; i += n->kind == YML_MAP ? 2 : 1)
		add_texts(m, n->kids[i]);
}

/* For each translation language l, the data fields and UI strings it shows
 * in the default language (its overlay or UI strings lack them), minus any
 * text l has of its own somewhere (a field, a UI string, front matter), so
 * an identical text never counts as a fallback. */
static void resolve_fallbacks(struct resolved *r)
{
	const struct site *s = r->s;
	r->fallback = xcalloc(s->nlangs, sizeof *r->fallback);
	for (size_t l = 1; l < s->nlangs; l++) {
		struct strmap own = STRMAP_INIT, shown = STRMAP_INIT;
		for (size_t i = 0; i < s->ndata; i++)
			if (s->data[i].lang == (int)l && s->data[i].doc)
				add_texts(&own, s->data[i].doc->root);
		for (size_t k = 0; k < 2; k++)
			if (s->ui[2 * l + k])
				add_texts(&own, s->ui[2 * l + k]->root);
		for (size_t i = 0; i < s->npages; i++)
			if (s->pages[i]->docs[l] && s->pages[i]->docs[l]->fm_tree)
				add_texts(&own, s->pages[i]->docs[l]->fm_tree->root);
		for (size_t i = 0; i < r->ndata; i++)
			add_texts(&shown, r->data[i].root[l]);
		for (size_t k = 0; k < 2; k++) {
			const struct yml_doc *d = s->ui[k];
			for (size_t i = 0; d && d->root && d->root->kind == YML_MAP && i + 1 < d->root->n; i += 2) {
				const char *v = site_ui(s, l, d->root->kids[i]->str);
				if (v && v == site_ui(s, 0, d->root->kids[i]->str))
					strmap_put(&shown, v, NULL);
			}
		}
		for (size_t i = 0; i < shown.nslots; i++)
			if (shown.keys[i] && !strmap_get(&own, shown.keys[i]))
				strmap_put(&r->fallback[l], shown.keys[i], NULL);
		strmap_free(&own);
		strmap_free(&shown);
	}
}

uint64_t resolve_texts_digest(const struct resolved *r)
{
	XXH3_state_t *h = XXH3_createState();
	XXH3_64bits_reset(h);
	struct buf b = BUF_INIT;
	for (size_t l = 1; l < r->nlangs; l++) {
		/* in byte order: a hash map's order is not the content's */
		struct vec keys = VEC_INIT;
		for (size_t i = 0; i < r->fallback[l].nslots; i++)
			if (r->fallback[l].keys[i])
				vec_push(&keys, r->fallback[l].keys[i]);
		xqsort(keys.v, keys.n, sizeof *keys.v, cmp_str);
		bin_put_u64(&b, keys.n);
		for (size_t i = 0; i < keys.n; i++)
			bin_put_str(&b, keys.v[i]);
		vec_free(&keys);
		XXH3_64bits_update(h, b.p, b.len);
		b.len = 0;
	}
	for (size_t i = 0; i < r->norigins; i++) {
		bin_put_str(&b, r->origins[i].text);
		bin_put_str(&b, r->origins[i].src);
		bin_put_u64(&b, (uint64_t)r->origins[i].at.line << 32 | (uint32_t)r->origins[i].at.col);
		bin_put_u64(&b, (uint64_t)r->origins[i].at.indent << 1 | r->origins[i].at.inexact);
		XXH3_64bits_update(h, b.p, b.len);
		b.len = 0;
	}
	buf_free(&b);
	uint64_t d = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	return d;
}

size_t resolve_value_lang(const struct resolved *r, const char *text, size_t lang)
{
	return lang > 0 && lang < r->nlangs && text && strmap_get(&r->fallback[lang], text) ? 0 : lang;
}

/* }======= */

/* {======= where data texts come from */

static int cmp_origin_text(const void *a, const void *b)
{
	return strcmp(((const struct origin *)a)->text, ((const struct origin *)b)->text);
}

/* By text, then file and place: texts written alike in several places (a translation's front
 * matter copied unchanged) come in one order whatever the load's. */
static int cmp_origin(const void *a, const void *b)
{
	const struct origin *x = a, *y = b;
	int c = strcmp(x->text, y->text);
	if (!c)
		c = strcmp(x->src, y->src);
	return c ? c : x->at.line != y->at.line ? (x->at.line > y->at.line) - (x->at.line < y->at.line)
	             : (x->at.col > y->at.col) - (x->at.col < y->at.col);
}

static void add_origins(struct vec *v, const char *src, size_t lang, const struct yml_node *n)
{
	if (!n)
		return;
	if (n->kind == YML_SCALAR) {
		/* ('/', '.': a path url() may refuse; '&': a character reference a page cannot show) */
		if (strpbrk(n->str, "@[<|/&") || n->str[0] == '.' || esc_url_external(n->str)) {
			struct origin *o = xmalloc(sizeof *o);
			*o = (struct origin){xstrdup(n->str), xstrdup(src), yml_text_place(n), lang};
			vec_push(v, o);
		}
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		add_origins(v, src, lang, n->kids[i]);
}

static void resolve_origins(struct resolved *r)
{
	const struct site *s = r->s;
	struct vec orig = VEC_INIT;
	for (size_t i = 0; i < s->ndata; i++)
		if (s->data[i].doc)
			add_origins(&orig, s->data[i].src, s->data[i].lang > 0 ? (size_t)s->data[i].lang : 0,
			            s->data[i].doc->root);
	for (size_t i = 0; i < s->npages; i++)
		for (size_t l = 0; l < s->nlangs; l++) {
			const struct doc *d = s->pages[i]->docs[l];
			if (d && d->fm_tree)
				add_origins(&orig, d->src, l, d->fm_tree->root);
		}
	/* site.yaml (site.params) and the UI strings (t()), the site's and the theme's */
	if (s->config)
		add_origins(&orig, s->config->path, 0, s->config->root);
	for (size_t l = 0; s->ui && l < s->nlangs; l++)
		for (size_t k = 0; k < 2; k++)
			if (s->ui[2 * l + k])
				add_origins(&orig, s->ui[2 * l + k]->path, l, s->ui[2 * l + k]->root);
	r->origins = xcalloc(orig.n + 1, sizeof *r->origins);
	for (size_t i = 0; i < orig.n; i++) {
		r->origins[i] = *(struct origin *)orig.v[i];
		free(orig.v[i]);
	}
	r->norigins = orig.n;
	vec_free(&orig);
	xqsort(r->origins, r->norigins, sizeof *r->origins, cmp_origin);
}

bool resolve_text_origin(const struct resolved *r, const char *text, const char *prefer, size_t lang,
                         const char **src, struct text_place *at)
{
	struct origin key = {.text = (char *)text};
	const struct origin *o = xbsearch(&key, r->origins, r->norigins, sizeof key, cmp_origin_text);
	if (!o)
		return false;
	/* the same text in several places: the one in prefer's file, else the first in lang's files,
	 * else the first in the default language's, else the first */
	while (o > r->origins && !strcmp(o[-1].text, text))
		o--;
	const struct origin *best = o;
	int rank = 0;
	for (const struct origin *e = o; e < r->origins + r->norigins && !strcmp(e->text, text); e++) {
		int er = prefer && !strcmp(e->src, prefer) ? 3 : e->lang == lang ? 2 : e->lang == 0 ? 1 : 0;
		if (er > rank)
			best = e, rank = er;
	}
	o = best;
	*src = o->src;
	*at = o->at;
	return true;
}

/* }======= */

/* {======= link targets */

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

/* The folder of source file src under content/, with its trailing '/': "" for NULL (a data text) or a top file. */
static char *src_folder(const char *src)
{
	const char *inner = src ? src + strlen("content/") : "";
	const char *slash = strrchr(inner, '/');
	return xstrndup(inner, slash ? (size_t)(slash - inner) + 1 : 0);
}

/* s[0, n) percent-decoded, or NULL when the bytes it decodes to hold a NUL or, with text, are not
 * UTF-8 text. A path may be no UTF-8: a file named in a legacy code page is published at an
 * address that writes the byte as %E9, and a link so written leads to it (helper-125). */
static char *decode_text(const char *s, size_t n, bool text)
{
	size_t len;
	char *d = percent_decode(s, n, &len);
	if (strlen(d) != len || (text && utf8_invalid_at(d, len) >= 0)) {
		free(d);
		return NULL;
	}
	return d;
}

int resolve_link_path(const char *src, const char *url, char **path, char **frag, char **err)
{
	size_t plen = strcspn(url, "?#");
	const char *hash = strchr(url, '#');
	*path = *frag = *err = NULL;
	if (hash && !(*frag = decode_text(hash + 1, strlen(hash + 1), true))) {
		*err = xasprintf("link '%s' has %%-escapes that do not decode to UTF-8 text", url);
		return -1;
	}
	if (plen == 0)
		return 0;
	bool rooted = url[0] == '/';
	char *rel = decode_text(url + rooted, plen - rooted, false);
	if (!rel) {
		free(*frag);
		*frag = NULL;
		*err = xasprintf("link '%s' has a %%-escape of a NUL (%%00)", url);
		return -1;
	}
	char *base = rooted ? xstrdup("") : src_folder(src);
	*path = normalize(base, rel);
	free(base);
	free(rel);
	if (!*path) {
		free(*frag);
		*frag = NULL;
		*err = xasprintf("link '%s' leads outside content/", url);
		return -1;
	}
	return 0;
}

/* target (a path under content/) as a link written in a file of folder base. Caller frees. */
static char *relative_to(const char *base, const char *target)
{
	size_t common = 0;
	for (size_t i = 0; base[i] && base[i] == target[i]; i++)
		if (base[i] == '/')
			common = i + 1;
	struct buf b = BUF_INIT;
	for (const char *c = base + common; *c; c++)
		if (*c == '/')
			buf_adds(&b, "../");
	buf_adds(&b, target + common);
	return buf_detach(&b, NULL);
}

/* rel (a path, bytes as the file system has them) as a link's destination that names it: a byte
 * a destination would read otherwise as %XX (a space, '%' itself, '#', '?', '&', '\\', '<', '>',
 * '(', ')', control bytes; CommonMark 6.5: "[f](a b.md)" is no link, and vade reads a link's %XX
 * as the character it stands for; '|', which ends a table cell, so the advice may be pasted into
 * one: helper-80), and "./" before a first name with a ':' (RFC 3986, 4.2: it
 * would be read as a scheme). Advice that gave the name as it is ('a b.md', 'a%3Ab.md',
 * 'd:e.md') left text that was no link, or linked another page (helper-77). Caller frees. */
static char *link_written(const char *rel, size_t len)
{
	struct buf b = BUF_INIT;
	const char *slash = memchr(rel, '/', len);
	if (memchr(rel, ':', slash ? (size_t)(slash - rel) : len))
		buf_adds(&b, "./");
	buf_add_pct(&b, rel, len, " %#?&\\<>()|", PCT_HIGH_UTF8);
	return buf_detach(&b, NULL);
}

char *resolve_link_hint(const char *src, const char *path, const char *const *cands, size_t n)
{
	/* Typos in the last name count, not the folders the path shares with every candidate. */
	size_t len = strlen(path);
	while (len && path[len - 1] == '/')
		len--;
	size_t name = len;
	while (name && path[name - 1] != '/')
		name--;
	name = len - name;
	/* the page's file, as other generators' links leave it out ("other", "./other#part", "other/",
	 * "Other": Hugo, Docusaurus, MkDocs, wikis; helper-105), before the nearest by typos; three
	 * passes over the candidates, within the build's guess budget (util.h) */
	const char *best = NULL;
	if (!guess_budget_take(3 * n))
		return NULL;
	/* the same name in another case first ("B.md" beside "a.md" and "b.md": helper-144 got "a.md") */
	for (size_t i = 0; i < n && !best && len; i++)
		if (strlen(cands[i]) == len && !strncasecmp(cands[i], path, len))
			best = cands[i];
	size_t stem = len; /* "other.html", "other.htm": a built page's name (helper-107) */
	if (len > 5 && !strncasecmp(path + len - 5, ".html", 5))
		stem = len - 5;
	else if (len > 4 && !strncasecmp(path + len - 4, ".htm", 4))
		stem = len - 4;
	if (stem > 6 && stem < len && !strncmp(path + stem - 6, "/index", 6))
		stem -= 6; /* "other/index.html" */
	char *tries[2] = {xasprintf("%.*s.md", (int)stem, path), xasprintf("%.*s/index.md", (int)stem, path)};
	for (int t = 0; t < 2 && !best && len; t++)
		for (size_t i = 0; i < n && !best; i++)
			if (!strcasecmp(cands[i], tries[t]))
				best = cands[i];
	free(tries[0]);
	free(tries[1]);
	if (!best)
		best = text_nearest(path, cands, n, name < 6 ? 1 : name < 12 ? 2 : name / 4);
	if (!best)
		return NULL;
	char *base = src_folder(src), *rel = relative_to(base, best);
	free(base);
	if (!*rel) { /* the folder the text is in */
		free(rel);
		return xstrdup("./");
	}
	char *link = link_written(rel, strlen(rel));
	free(rel);
	return link;
}

/* Whether url[0, plen), not percent-decoded, names a page, folder or file of the site from src. */
static bool names_as_written(const struct resolved *r, const char *src, const char *url, size_t plen)
{
	char *folder = src_folder(src), *joined = xasprintf("%s%.*s", folder, (int)plen, url);
	char *path = output_path_clean(joined, strlen(joined));
	bool found = false;
	for (size_t i = 0; path && !found && i < r->link_cands.n; i++)
		found = !strcmp(r->link_cands.v[i], path);
	free(path);
	free(joined);
	free(folder);
	return found;
}

/* "link to a missing page 'x'" with the nearest page, folder or file of the site written from src. */
static char *missing(const struct resolved *r, const char *src, const char *what, const char *url, size_t plen,
                     const char *norm)
{
	char *hint = resolve_link_hint(src, norm, (const char *const *)r->link_cands.v, r->link_cands.n);
	char *msg;
	if (memchr(url, '%', plen) && names_as_written(r, src, url, plen)) {
		/* a file whose name holds "%3A": the link as written is read as ':' (helper-75) */
		char *link = link_written(url, plen);
		msg = xasprintf("link to a missing %s '%.*s' (a link's %%XX is read as the character it stands for: "
		                "write the file's '%%' as %%25, '%s')", what, (int)plen, url, link);
		free(link);
	} else {
		/* with the link's query and fragment, as it would be written (helper-106): what a link's
		 * destination cannot hold as it is ("<othr.md#Part Two>") written %XX, so the hint is a link */
		struct buf rest = BUF_INIT;
		buf_add_pct(&rest, url + plen, strlen(url + plen), " <>()|\\", PCT_HIGH_UTF8);
		msg = hint ? xasprintf("link to a missing %s '%.*s' (did you mean '%s%s'?)", what, (int)plen, url, hint, rest.p)
		           : xasprintf("link to a missing %s '%.*s'", what, (int)plen, url);
		buf_free(&rest);
	}
	free(hint);
	return msg;
}

/* The pages, folders and files a missing link's hint is chosen from, made once: made for each
 * missing link, a site migrated with thousands of broken links cost pages × links in it. */
static void resolve_link_cands(struct resolved *r)
{
	const struct site *s = r->s;
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		for (size_t l = 0; l < s->nlangs; l++)
			if (p->docs[l] && p->docs[l]->src && !strncmp(p->docs[l]->src, "content/", 8)) {
				char *name = xstrdup(p->docs[l]->src + 8);
				vec_push(&r->link_owned, name);
				vec_push(&r->link_cands, name);
			}
		if (p->is_section && p->key[0]) {
			char *folder = xasprintf("%s/", p->key);
			vec_push(&r->link_owned, folder);
			vec_push(&r->link_cands, folder);
		}
	}
	for (size_t i = 0; i < s->nresources; i++)
		vec_push(&r->link_cands, s->resources[i]);
}

int resolve_link(const struct resolved *r, const char *src, const char *url, struct link_target *t, char **err)
{
	const struct site *s = r->s;
	size_t plen = strcspn(url, "?#");
	char *norm;
	memset(t, 0, sizeof *t);
	t->lang = -1;
	if (resolve_link_path(src, url, &norm, &t->fragment, err) != 0)
		return -1;
	if (t->fragment) /* headings' ids are NFC (markdown_slug): "#año" typed in NFD names one */
		text_to_nfc(&t->fragment);
	if (!norm) {
		t->kind = LINK_FRAGMENT;
		return 0;
	}
	size_t n = strlen(norm);
	if (n > 3 && !strcmp(norm + n - 3, ".md")) {
		const struct page *p = site_page_of_lang(s, norm, &t->lang);
		if (!p || p->generated || (t->lang >= 0 && !p->docs[t->lang])) { /* "b.fr.md": that file */
			*err = missing(r, src, "page", url, plen, norm);
			goto fail;
		}
		t->kind = LINK_PAGE;
		t->page = p;
		if (url[plen] == '?') {
			t->query = url + plen;
			t->query_len = strcspn(t->query, "#");
		}
		free(norm);
		return 0;
	}
	if (xbsearch(&norm, s->resources, s->nresources, sizeof *s->resources, cmp_cstr)) {
		t->kind = LINK_RESOURCE;
		t->path = norm;
		t->rest = url + plen;
		return 0;
	}
	/* A folder: its index.md, or the listing page of a folder without one. */
	const struct page *p = site_page_of(s, norm);
	if (p && p->is_section) {
		t->kind = LINK_PAGE;
		t->page = p;
		if (url[plen] == '?') {
			t->query = url + plen;
			t->query_len = strcspn(t->query, "#");
		}
		free(norm);
		return 0;
	}
	*err = missing(r, src, "file", url, plen, norm);
fail:
	free(norm);
	free(t->fragment);
	t->fragment = NULL;
	return -1;
}

/* }======= */

/* {======= anchors */

/* The ids the site's templates and its theme's give (template.h), looked up
 * where the render looks templates up. */
static void resolve_reserved(struct resolved *r)
{
	const struct site *s = r->s;
	char *site_t = site_path(s, "templates");
	char *theme_t = s->theme_dir ? path_join(s->theme_dir, "templates") : NULL;
	char *shown_theme = xasprintf("themes/%s/templates", s->theme ? s->theme : "");
	const struct tpl_dir dirs[2] = {{site_t, "templates", s->dir, "site"},
	                                {theme_t, shown_theme, s->theme_dir, "theme"}};
	r->reserved.n = tpl_fixed_ids(dirs, theme_t ? 2 : 1, &r->reserved.ids);
	free(site_t);
	free(theme_t);
	free(shown_theme);
}

const struct md_reserved *resolve_reserved_ids(const struct resolved *r)
{
	return &r->reserved;
}

static const struct heading_ids *heading_ids(struct resolved *r, const struct page *p, size_t lang)
{
	struct heading_ids *h = &r->hids[slot(r, p, lang)];
	if (atomic_load(&h->done))
		return h;
	pthread_mutex_lock(&r->hids_lock);
	if (!atomic_load(&h->done)) {
		const struct doc *d = site_page_doc(r->s, p, lang);
		char *text;
		size_t len;
		if (d->src && site_read(r->s, d->src, &text, &len) == 0) {
			size_t off = d->body_off <= len ? d->body_off : len; /* the file may have shrunk */
			size_t tl = resolve_text_lang(r, p, lang);
			h->n = markdown_heading_ids(text + off, len - off, d->title_from_heading, r->s->langs[tl].code,
			                            &r->reserved, &h->ids, &h->lines, &h->theirs);
			for (size_t i = 0; i < h->n; i++)
				h->lines[i] += d->body_line - 1;
			free(text);
		}
		atomic_store(&h->done, true);
	}
	pthread_mutex_unlock(&r->hids_lock);
	return h;
}

const char *resolve_anchor(struct resolved *r, const struct page *p, size_t lang, const char *frag)
{
	if (lang == 0 || !p->docs[lang] || !p->docs[0])
		return frag;
	const struct heading_ids *from = heading_ids(r, p, 0), *to = heading_ids(r, p, lang);
	size_t i = 0;
	while (i < from->n && strcmp(from->ids[i], frag))
		i++;
	if (i == from->n)
		return frag; /* no heading of the original: a note, a data item, the theme's */
	const struct tr_entry *e = status_entry(r->status, lang, TR_PAGES, p->key);
	if (e && e->recorded) {
		/* The translation's heading that answers this one in the record, wherever it stands. */
		for (size_t k = 0; k < e->nheads; k++) {
			if (e->head_orig[k] != from->lines[i])
				continue;
			for (size_t j = 0; e->head_tr[k] && j < to->n; j++)
				if (to->lines[j] == e->head_tr[k])
					return to->ids[j];
			break;
		}
		return NULL;
	}
	/* Never brought in line: the heading at the same place, when there are as many. */
	return from->n == to->n ? to->ids[i] : NULL;
}

const char *resolve_heading_theirs(struct resolved *r, const struct page *p, size_t lang, const char *frag)
{
	/* the page's headings are read (a Markdown parse) only for a fragment that could be one's name:
	 * the link check asks of every link to an anchor, on one thread */
	if (!markdown_reserved_has(&r->reserved, frag))
		return NULL;
	const struct heading_ids *h = heading_ids(r, p, lang);
	for (size_t i = 0; i < h->n; i++)
		if (h->theirs[i] && !strcmp(h->theirs[i], frag))
			return h->ids[i];
	return NULL;
}

/* }======= */

struct resolved *resolve_site(const struct site *s, const struct tr_report *status)
{
	struct resolved *r = xcalloc(1, sizeof *r);
	r->s = s;
	r->status = status;
	r->nlangs = s->nlangs;
	size_t n = s->npages * s->nlangs;
	r->text_lang = xcalloc(n + 1, 1);
	r->outputs = xcalloc(n + 1, sizeof *r->outputs);
	r->hids = xcalloc(n + 1, sizeof *r->hids);
	pthread_mutex_init(&r->hids_lock, NULL);
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		for (size_t l = 0; l < s->nlangs; l++) {
			r->text_lang[slot(r, p, l)] = (unsigned char)(p->docs[l] || p->generated ? l : 0);
			/* fallback: link: the page in a language without its text is the original itself */
			size_t ol = s->fallback_link && !p->docs[l] && !p->generated ? 0 : l;
			r->outputs[slot(r, p, l)] = site_page_output(s, p, ol);
		}
	}
	resolve_data_sets(r);
	resolve_fallbacks(r);
	resolve_origins(r);
	resolve_link_cands(r);
	resolve_reserved(r);
	return r;
}

static void hids_clear(struct heading_ids *h)
{
	for (size_t k = 0; k < h->n; k++) {
		free(h->ids[k]);
		free(h->theirs[k]);
	}
	free(h->ids);
	free(h->theirs);
	free(h->lines);
	h->ids = h->theirs = NULL;
	h->lines = NULL;
	h->n = 0;
	atomic_store(&h->done, false);
}

void resolve_patch(struct resolved *r, const struct tr_report *status, const bool *changed)
{
	r->status = status;
	for (size_t i = 0; i < r->s->npages; i++)
		for (size_t l = 0; changed[i] && l < r->nlangs; l++)
			hids_clear(&r->hids[slot(r, r->s->pages[i], l)]);
}

void resolve_free(struct resolved *r)
{
	if (!r)
		return;
	size_t n = r->s->npages * r->nlangs;
	for (size_t i = 0; i < n; i++) {
		free(r->outputs[i]);
		hids_clear(&r->hids[i]);
	}
	free(r->outputs);
	free(r->hids);
	for (size_t i = 0; i < r->reserved.n; i++)
		free(r->reserved.ids[i]);
	free(r->reserved.ids);
	free(r->text_lang);
	pthread_mutex_destroy(&r->hids_lock);
	for (size_t i = 0; i < r->ndata; i++)
		free(r->data[i].root);
	free(r->data);
	for (size_t i = 0; i < r->link_owned.n; i++)
		free(r->link_owned.v[i]);
	vec_free(&r->link_owned);
	vec_free(&r->link_cands);
	for (size_t i = 0; i < r->made.n; i++)
		free(r->made.v[i]);
	vec_free(&r->made);
	for (size_t l = 0; l < r->nlangs; l++)
		strmap_free(&r->fallback[l]);
	free(r->fallback);
	for (size_t i = 0; i < r->norigins; i++) {
		free(r->origins[i].text);
		free(r->origins[i].src);
	}
	free(r->origins);
	free(r);
}

const struct site *resolve_site_of(const struct resolved *r)
{
	return r->s;
}

const struct tr_report *resolve_status(const struct resolved *r)
{
	return r->status;
}

size_t resolve_text_lang(const struct resolved *r, const struct page *p, size_t lang)
{
	return r->text_lang[slot(r, p, lang)];
}

bool resolve_has_text(const struct resolved *r, const struct page *p, size_t lang)
{
	return lang == 0 || resolve_text_lang(r, p, lang) == lang;
}

size_t resolve_meta_lang(const struct resolved *r, const struct page *p, size_t lang, bool title)
{
	size_t l = resolve_text_lang(r, p, lang);
	const struct tr_entry *te = l && r->status ? status_entry(r->status, lang, TR_PAGES, p->key) : NULL;
	return te && (title ? te->title_foreign : te->summary_foreign) ? 0 : l;
}

bool resolve_written(const struct resolved *r, const struct page *p, size_t lang)
{
	return !r->s->fallback_link || resolve_has_text(r, p, lang);
}

const char *resolve_output(const struct resolved *r, const struct page *p, size_t lang)
{
	return r->outputs[slot(r, p, lang)];
}

size_t resolve_pager_total(const struct resolved *r, const struct page *p, size_t lang)
{
	(void)lang; /* every language lists the same children */
	size_t size = r->s->page_size ? r->s->page_size : SITE_PAGE_SIZE;
	return p->nkids > size ? (p->nkids + size - 1) / size : 1;
}

char *resolve_pager_output(const struct resolved *r, const struct page *p, size_t lang, size_t k)
{
	const char *first = resolve_output(r, p, lang);
	if (k <= 1)
		return xstrdup(first);
	size_t dir = strlen(first) - strlen("index.html"); /* "<lang>/<path>" */
	return xasprintf("%.*spage/%zu/index.html", (int)dir, first, k);
}
