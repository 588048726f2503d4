/* status.c — the translation status store and the report computed from it. */
#include "status.h"
#include "diag.h"
#include "escape.h"
#include "passage.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {======= the store: content/i18n/<lang>.status.yaml */

struct kv {
	char *key;
	char **vals;            /* hex digests, or whatever the file held */
	size_t n;
};

struct status_store {
	struct vec part[TR_KINDS]; /* of struct kv*, sorted by key */
};

static const char *const part_names[TR_KINDS] = {"pages", "ui", "data"};

char *status_store_path(const struct site *s, size_t lang)
{
	return xasprintf("content/i18n/%s.status.yaml", s->langs[lang].code);
}

static char *hex(uint64_t d)
{
	return xasprintf("%016" PRIx64, d);
}

/* Each part is kept sorted by key, so lookups bisect (a site has thousands of
 * records): the position of key, or where it would go, and whether it is there. */
static size_t store_pos(const struct status_store *st, enum tr_kind k, const char *key, bool *found)
{
	const struct vec *v = &st->part[k];
	size_t lo = 0, hi = v->n;
	*found = false;
	while (lo < hi && !*found) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(((struct kv *)v->v[mid])->key, key);
		if (!c)
			*found = true, lo = mid;
		else if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct kv *store_find(const struct status_store *st, enum tr_kind k, const char *key)
{
	bool found;
	size_t i = store_pos(st, k, key, &found);
	return found ? st->part[k].v[i] : NULL;
}

/* The record of key, made empty when there is none. */
static struct kv *store_make(struct status_store *st, enum tr_kind k, const char *key)
{
	bool found;
	size_t at = store_pos(st, k, key, &found);
	struct vec *v = &st->part[k];
	if (found)
		return v->v[at];
	struct kv *e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	vec_push(v, e);
	memmove(v->v + at + 1, v->v + at, (v->n - 1 - at) * sizeof *v->v);
	v->v[at] = e;
	return e;
}

static void kv_set(struct kv *e, char **vals, size_t n)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->vals[i]);
	free(e->vals);
	e->vals = vals;
	e->n = n;
}

static bool kv_has(const struct kv *e, uint64_t d)
{
	char h[17];
	snprintf(h, sizeof h, "%016" PRIx64, d);
	for (size_t i = 0; e && i < e->n; i++)
		if (!strcmp(e->vals[i], h))
			return true;
	return false;
}

static void kv_free(struct kv *e)
{
	kv_set(e, NULL, 0);
	free(e->key);
	free(e);
}

/* Reads the record rel of tree t (shown as shown), if there is one. */
static void store_read(const struct tree *t, const char *rel, const char *shown, struct status_store *st)
{
	char *text;
	size_t len;
	if (tree_kind(t, rel, NULL) == TREE_NONE || tree_read(t, rel, &text, &len) != 0)
		return;
	rel = shown;
	struct yml_doc *d = yml_parse(rel, text, len, 1);
	free(text);
	for (int k = 0; d && k < TR_KINDS; k++) {
		const struct yml_node *m = yml_get(d->root, part_names[k]);
		for (size_t i = 0; m && m->kind == YML_MAP && i + 1 < m->n; i += 2) {
			struct kv *e = store_make(st, (enum tr_kind)k, m->kids[i]->str);
			const struct yml_node *v = m->kids[i + 1];
			kv_set(e, NULL, 0); /* the site's record replaces the theme's */
			if (v->kind == YML_SCALAR) {
				e->vals = xcalloc(1, sizeof *e->vals);
				e->vals[e->n++] = xstrdup(v->str);
			} else if (v->kind == YML_SEQ) {
				e->vals = xcalloc(v->n + 1, sizeof *e->vals);
				for (size_t j = 0; j < v->n; j++)
					if (yml_str(v->kids[j]))
						e->vals[e->n++] = xstrdup(v->kids[j]->str);
			}
		}
	}
	yml_free(d);
}

struct status_store *status_store_new(void)
{
	return xcalloc(1, sizeof(struct status_store));
}

struct status_store *status_store_load(const struct site *s, size_t lang)
{
	struct status_store *st = status_store_new();
	/* The theme's record, for the theme's own UI strings (shipped with its translations). */
	char *trel = xasprintf("i18n/%s.status.yaml", s->langs[lang].code);
	char *tshown = xasprintf("%s%s", s->theme_tree.shown, trel);
	store_read(&s->theme_tree, trel, tshown, st);
	for (int k = 0; k < TR_KINDS; k++)
		if (k != TR_UI)
			while (st->part[k].n)
				kv_free(st->part[k].v[--st->part[k].n]);
	free(trel);
	free(tshown);
	char *rel = status_store_path(s, lang);
	store_read(&s->tree, rel, rel, st);
	free(rel);
	return st;
}

void status_store_free(struct status_store *st)
{
	if (!st)
		return;
	for (int k = 0; k < TR_KINDS; k++) {
		for (size_t i = 0; i < st->part[k].n; i++)
			kv_free(st->part[k].v[i]);
		vec_free(&st->part[k]);
	}
	free(st);
}

bool status_store_has(const struct status_store *st, enum tr_kind kind, const char *key, uint64_t d)
{
	return kv_has(store_find(st, kind, key), d);
}

void status_store_set(struct status_store *st, enum tr_kind kind, const char *key, const uint64_t *d, size_t n)
{
	char **vals = xcalloc(n + 1, sizeof *vals);
	for (size_t i = 0; i < n; i++)
		vals[i] = hex(d[i]);
	kv_set(store_make(st, kind, key), vals, n);
}

void status_store_add(struct status_store *st, enum tr_kind kind, const char *key, uint64_t d)
{
	struct kv *e = store_make(st, kind, key);
	if (kv_has(e, d))
		return;
	e->vals = xrealloc(e->vals, (e->n + 1) * sizeof *e->vals);
	e->vals[e->n++] = hex(d);
}

/* The store as the YAML text of content/i18n/<lang>.status.yaml. Caller frees. */
static char *store_text(const struct site *s, size_t lang, const struct status_store *st, size_t *len)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "# What each %s translation was last checked against: digests of the %s original's\n"
	             "# passages. Written by `vade i18n done` and `vade i18n import`; keep it in version control.\n",
	         s->langs[lang].code, s->langs[0].code);
	for (int k = 0; k < TR_KINDS; k++) {
		buf_addf(&b, "%s:%s\n", part_names[k], st->part[k].n ? "" : " {}");
		for (size_t i = 0; i < st->part[k].n; i++) {
			const struct kv *e = st->part[k].v[i];
			/* Keys may hold any text, digests whatever the file held: all double-quoted. */
			buf_adds(&b, "  ");
			esc_yaml_string(&b, e->key, strlen(e->key));
			if (k == TR_PAGES) {
				buf_adds(&b, ":\n");
				for (size_t j = 0; j < e->n; j++) {
					buf_adds(&b, "    - ");
					esc_yaml_string(&b, e->vals[j], strlen(e->vals[j]));
					buf_addc(&b, '\n');
				}
				if (!e->n)
					buf_adds(&b, "    []\n");
			} else {
				const char *v = e->n ? e->vals[0] : "";
				buf_adds(&b, ": ");
				esc_yaml_string(&b, v, strlen(v));
				buf_addc(&b, '\n');
			}
		}
	}
	return buf_detach(&b, len);
}

int status_store_save(const struct site *s, size_t lang, struct status_store *st, size_t *changed)
{
	size_t len;
	char *text = store_text(s, lang, st, &len), *rel = status_store_path(s, lang), *full = site_path(s, rel);
	int rc = file_update(full, text, len);
	if (rc < 0)
		diag_error(rel, 0, 0, "cannot write");
	else if (rc > 0)
		printf("vade: updated %s\n", rel);
	if (rc > 0 && changed)
		(*changed)++;
	free(full);
	free(rel);
	free(text);
	return diag_errors() ? -1 : 0;
}

/* }======= */

/* {======= the report */

#define NEVER "never marked as translated (vade i18n done)"

static struct tr_entry *add_entry(struct tr_lang *L, enum tr_kind k, const char *id, const char *src)
{
	L->e[k] = xrealloc(L->e[k], (L->n[k] + 1) * sizeof *L->e[k]);
	struct tr_entry *e = &L->e[k][L->n[k]++];
	memset(e, 0, sizeof *e);
	e->id = xstrdup(id);
	e->src = xstrdup(src);
	return e;
}

static void add_changed(struct tr_entry *e, const char *label)
{
	e->changed = xrealloc(e->changed, (e->nchanged + 1) * sizeof *e->changed);
	e->changed[e->nchanged++] = xstrdup(label);
}

/* A UI string or data field of one passage: current, outdated or missing. */
static void one_passage(struct tr_entry *e, const struct status_store *st, enum tr_kind k, const char *orig,
                        size_t len, bool translated)
{
	if (!translated) {
		e->state = TR_MISSING;
		return;
	}
	const struct kv *rec = store_find(st, k, e->id);
	e->state = kv_has(rec, passage_digest(orig, len)) ? TR_CURRENT : TR_OUTDATED;
	if (e->state == TR_OUTDATED) {
		char *ex = rec ? passage_excerpt(orig) : xstrdup(NEVER);
		add_changed(e, ex);
		free(ex);
	}
}

struct data_ctx {
	struct tr_lang *L;
	const struct status_store *st;
};

static void data_status(void *ctx, const char *path, const struct data_file *df, const struct yml_node *value,
                        const char *translated)
{
	struct data_ctx *c = ctx;
	one_passage(add_entry(c->L, TR_DATA, path, df->src), c->st, TR_DATA, value->str, value->len, translated);
}

/* A page's status in every translation language; its original is read and cut
 * into passages at most once, however many languages need it. */
static void page_status(const struct site *s, const struct page *p, struct status_store **st, struct tr_report *r)
{
	struct passage_set sg = {0};
	bool parsed = false, readable = true;
	for (size_t l = 1; l < s->nlangs; l++) {
		struct tr_entry *e = add_entry(&r->langs[l], TR_PAGES, p->key, p->docs[0]->src);
		const struct kv *rec = p->docs[l] ? store_find(st[l], TR_PAGES, p->key) : NULL;
		if (!p->docs[l]) {
			e->state = TR_MISSING;
			continue;
		}
		if (!rec) {
			e->state = TR_OUTDATED;
			add_changed(e, NEVER);
			continue;
		}
		if (!parsed) {
			readable = passage_set_read(s, p->docs[0], &sg);
			parsed = true;
		}
		for (size_t i = 0; readable && i < sg.n; i++)
			if (!kv_has(rec, sg.v[i].digest))
				add_changed(e, sg.v[i].label);
		e->state = e->nchanged ? TR_OUTDATED : TR_CURRENT;
	}
	passage_set_free(&sg);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp((*(struct tr_entry *const *)a)->id, (*(struct tr_entry *const *)b)->id);
}

/* The UI strings and data fields of one language, then its counts and index. */
static void lang_status(const struct site *s, size_t l, const struct vec *keys, const struct status_store *st,
                        struct tr_lang *L)
{
	for (size_t i = 0; i < keys->n; i++) {
		const char *k = keys->v[i], *orig = site_ui(s, 0, k);
		struct tr_entry *e = add_entry(L, TR_UI, k, "i18n");
		one_passage(e, st, TR_UI, orig, strlen(orig), passage_ui_own(s, l, k) != NULL);
	}
	struct data_ctx c = {L, st};
	passage_fields_each(s, l, data_status, &c);
	for (int k = 0; k < TR_KINDS; k++) {
		L->by_id[k] = xcalloc(L->n[k] + 1, sizeof *L->by_id[k]);
		for (size_t i = 0; i < L->n[k]; i++) {
			L->count[k][L->e[k][i].state]++;
			L->by_id[k][i] = &L->e[k][i];
		}
		xqsort(L->by_id[k], L->n[k], sizeof *L->by_id[k], cmp_entry);
	}
}

struct tr_report *status_report_new(const struct site *s)
{
	struct tr_report *r = xcalloc(1, sizeof *r);
	r->nlangs = s->nlangs;
	r->langs = xcalloc(s->nlangs, sizeof *r->langs);
	struct vec keys = VEC_INIT;
	passage_ui_keys(s, &keys);
	struct status_store **stores = xcalloc(s->nlangs, sizeof *stores);
	for (size_t l = 1; l < s->nlangs; l++)
		stores[l] = status_store_load(s, l);
	for (size_t i = 0; i < s->npages; i++)
		if (!s->pages[i]->generated && s->pages[i]->docs[0])
			page_status(s, s->pages[i], stores, r);
	for (size_t l = 1; l < s->nlangs; l++) {
		lang_status(s, l, &keys, stores[l], &r->langs[l]);
		status_store_free(stores[l]);
	}
	free(stores);
	vec_free(&keys);
	return r;
}

void status_report_free(struct tr_report *r)
{
	if (!r)
		return;
	for (size_t l = 0; l < r->nlangs; l++)
		for (int k = 0; k < TR_KINDS; k++) {
			for (size_t i = 0; i < r->langs[l].n[k]; i++) {
				struct tr_entry *e = &r->langs[l].e[k][i];
				free(e->id);
				free(e->src);
				for (size_t j = 0; j < e->nchanged; j++)
					free(e->changed[j]);
				free(e->changed);
			}
			free(r->langs[l].e[k]);
			free(r->langs[l].by_id[k]);
		}
	free(r->langs);
	free(r);
}

const struct tr_entry *status_entry(const struct tr_report *r, size_t lang, enum tr_kind kind, const char *id)
{
	if (!r || lang == 0 || lang >= r->nlangs)
		return NULL;
	const struct tr_lang *L = &r->langs[lang];
	struct tr_entry key = {.id = (char *)id}, *kp = &key;
	struct tr_entry **hit = xbsearch(&kp, L->by_id[kind], L->n[kind], sizeof *L->by_id[kind], cmp_entry);
	return hit ? *hit : NULL;
}

/* }======= */
