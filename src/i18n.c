/* i18n.c — translation status, `vade i18n done`, PO export and import. */
#include "i18n.h"
#include "diag.h"
#include "escape.h"
#include "passage.h"
#include "util.h"

#include <gettext-po.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* {======= the status store: content/i18n/<lang>.status.yaml */

static char *hex(uint64_t d)
{
	return xasprintf("%016" PRIx64, d);
}

struct kv {
	char *key;
	char **vals;            /* hex digests */
	size_t n;
};

struct store {
	struct vec part[TR_KINDS]; /* of struct kv*, sorted by key when saved */
};

static const char *const part_names[TR_KINDS] = {"pages", "ui", "data"};

static char *store_path(const struct site *s, size_t lang)
{
	return xasprintf("content/i18n/%s.status.yaml", s->langs[lang].code);
}

/* Each part is kept sorted by key, so lookups bisect (a site has thousands of records). */
static struct kv *store_get(struct store *st, enum tr_kind k, const char *key, bool create)
{
	struct vec *v = &st->part[k];
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(((struct kv *)v->v[mid])->key, key);
		if (!c)
			return v->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!create)
		return NULL;
	struct kv *e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	vec_push(v, e);
	memmove(v->v + lo + 1, v->v + lo, (v->n - 1 - lo) * sizeof *v->v);
	v->v[lo] = e;
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

static void store_read(const char *rel, const char *full, struct store *st)
{
	char *text;
	size_t len;
	if (file_read(full, &text, &len) == 0) {
		struct yml_doc *d = yml_parse(rel, text, len, 1);
		free(text);
		for (int k = 0; d && k < TR_KINDS; k++) {
			const struct yml_node *m = yml_get(d->root, part_names[k]);
			for (size_t i = 0; m && m->kind == YML_MAP && i + 1 < m->n; i += 2) {
				struct kv *e = store_get(st, (enum tr_kind)k, m->kids[i]->str, true);
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
}

/* The site's record, over the theme's for the theme's own UI strings
 * (themes/<name>/i18n/<lang>.status.yaml, shipped with its translations). */
static void store_load(const struct site *s, size_t lang, struct store *st)
{
	memset(st, 0, sizeof *st);
	char *trel = xasprintf("themes/%s/i18n/%s.status.yaml", s->theme, s->langs[lang].code);
	char *tfull = xasprintf("%s/i18n/%s.status.yaml", s->theme_dir, s->langs[lang].code);
	store_read(trel, tfull, st);
	for (int k = 0; k < TR_KINDS; k++)
		if (k != TR_UI)
			while (st->part[k].n) {
				struct kv *e = st->part[k].v[--st->part[k].n];
				kv_set(e, NULL, 0);
				free(e->key);
				free(e);
			}
	free(trel);
	free(tfull);
	char *rel = store_path(s, lang), *full = site_path(s, rel);
	store_read(rel, full, st);
	free(full);
	free(rel);
}

static void store_free(struct store *st)
{
	for (int k = 0; k < TR_KINDS; k++) {
		for (size_t i = 0; i < st->part[k].n; i++) {
			struct kv *e = st->part[k].v[i];
			kv_set(e, NULL, 0);
			free(e->key);
			free(e);
		}
		vec_free(&st->part[k]);
	}
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp((*(struct kv *const *)a)->key, (*(struct kv *const *)b)->key);
}

/* The store as the YAML text of content/i18n/<lang>.status.yaml. Caller frees. */
static char *store_text(const struct site *s, size_t lang, struct store *st, size_t *len)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "# What each %s translation was last checked against: digests of the %s original's\n"
	             "# passages. Written by `vade i18n done` and `vade i18n import`; keep it in version control.\n",
	         s->langs[lang].code, s->langs[0].code);
	for (int k = 0; k < TR_KINDS; k++) {
		xqsort(st->part[k].v, st->part[k].n, sizeof *st->part[k].v, cmp_kv);
		buf_addf(&b, "%s:%s\n", part_names[k], st->part[k].n ? "" : " {}");
		for (size_t i = 0; i < st->part[k].n; i++) {
			struct kv *e = st->part[k].v[i];
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

static bool write_if_changed(const struct site *s, const char *rel, const char *text, size_t len, size_t *changed);

/* Writes the store when it differs from the file; counts it in *changed. 0 or -1. */
static int store_save(const struct site *s, size_t lang, struct store *st, size_t *changed)
{
	size_t len, n = 0;
	char *text = store_text(s, lang, st, &len), *rel = store_path(s, lang);
	write_if_changed(s, rel, text, len, changed ? changed : &n);
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

struct data_ctx {
	const struct site *s;
	size_t lang;
	struct tr_lang *L;
	struct store *st;
};

static void data_status(void *ctx, const char *path, const struct data_file *df, const struct yml_node *value,
                        const char *translated)
{
	struct data_ctx *c = ctx;
	struct tr_entry *e = add_entry(c->L, TR_DATA, path, df->src);
	if (!translated) {
		e->state = TR_MISSING;
	} else {
		struct kv *rec = store_get(c->st, TR_DATA, path, false);
		if (kv_has(rec, passage_digest(value->str, value->len))) {
			e->state = TR_CURRENT;
		} else {
			e->state = TR_OUTDATED;
			char *ex = rec ? passage_excerpt(value->str) : xstrdup(NEVER);
			add_changed(e, ex);
			free(ex);
		}
	}
}

/* A page's status in every translation language; its original is read and cut
 * into passages at most once, however many languages need it. */
static void page_status(const struct site *s, const struct page *p, struct store *st, struct tr_report *r)
{
	struct passage_set sg;
	bool parsed = false, readable = true;
	for (size_t l = 1; l < s->nlangs; l++) {
		struct tr_entry *e = add_entry(&r->langs[l], TR_PAGES, p->key, p->docs[0]->src);
		struct kv *rec = p->docs[l] ? store_get(&st[l], TR_PAGES, p->key, false) : NULL;
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
	if (parsed && readable)
		passage_set_free(&sg);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp((*(struct tr_entry *const *)a)->id, (*(struct tr_entry *const *)b)->id);
}

struct tr_report *i18n_report(const struct site *s)
{
	struct tr_report *r = xcalloc(1, sizeof *r);
	r->nlangs = s->nlangs;
	r->langs = xcalloc(s->nlangs, sizeof *r->langs);
	struct vec keys = VEC_INIT;
	passage_ui_keys(s, &keys);
	struct store *stores = xcalloc(s->nlangs, sizeof *stores);
	for (size_t l = 1; l < s->nlangs; l++)
		store_load(s, l, &stores[l]);
	for (size_t i = 0; i < s->npages; i++)
		if (!s->pages[i]->generated && s->pages[i]->docs[0])
			page_status(s, s->pages[i], stores, r);
	for (size_t l = 1; l < s->nlangs; l++) {
		struct tr_lang *L = &r->langs[l];
		struct store st = stores[l];
		for (size_t i = 0; i < keys.n; i++) {
			const char *k = keys.v[i], *v = passage_ui_own(s, l, k);
			struct tr_entry *e = add_entry(L, TR_UI, k, "i18n");
			if (!v) {
				e->state = TR_MISSING;
			} else {
				const char *orig = site_ui(s, 0, k);
				struct kv *rec = store_get(&st, TR_UI, k, false);
				e->state = kv_has(rec, passage_digest(orig, strlen(orig))) ? TR_CURRENT : TR_OUTDATED;
				if (e->state == TR_OUTDATED) {
					char *ex = rec ? passage_excerpt(orig) : xstrdup(NEVER);
					add_changed(e, ex);
					free(ex);
				}
			}
		}
		struct data_ctx c = {s, l, L, &st};
		passage_fields_each(s, l, data_status, &c);
		for (int k = 0; k < TR_KINDS; k++) {
			L->by_id[k] = xcalloc(L->n[k] + 1, sizeof *L->by_id[k]);
			for (size_t i = 0; i < L->n[k]; i++) {
				L->count[k][L->e[k][i].state]++;
				L->by_id[k][i] = &L->e[k][i];
			}
			xqsort(L->by_id[k], L->n[k], sizeof *L->by_id[k], cmp_entry);
		}
		store_free(&st);
	}
	free(stores);
	vec_free(&keys);
	return r;
}

void i18n_report_free(struct tr_report *r)
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

static const struct tr_entry *entry_of(const struct tr_lang *L, enum tr_kind k, const char *id)
{
	struct tr_entry key = {.id = (char *)id}, *kp = &key;
	struct tr_entry **hit = xbsearch(&kp, L->by_id[k], L->n[k], sizeof *L->by_id[k], cmp_entry);
	return hit ? *hit : NULL;
}

const struct tr_entry *i18n_entry(const struct tr_report *r, size_t lang, enum tr_kind kind, const char *id)
{
	if (!r || lang == 0 || lang >= r->nlangs)
		return NULL;
	return entry_of(&r->langs[lang], kind, id);
}

/* }======= */

/* {======= vade i18n status */

static const char *const state_names[3] = {"current", "outdated", "missing"};
static const char *const kind_names[TR_KINDS] = {"pages", "UI strings", "data fields"};

static int lang_of(const struct site *s, const char *code)
{
	for (size_t l = 0; l < s->nlangs; l++)
		if (!strcmp(s->langs[l].code, code))
			return (int)l;
	return -1;
}

int i18n_status(const struct site *s, char **langs, size_t n, bool json, bool strict)
{
	bool *want = xcalloc(s->nlangs, sizeof *want);
	for (size_t i = 0; i < n; i++) {
		int l = lang_of(s, langs[i]);
		if (l <= 0) {
			fprintf(stderr, "vade: '%s' is not a translation language of this site\n", langs[i]);
			free(want);
			return 2;
		}
		want[l] = true;
	}
	for (size_t l = 1; l < s->nlangs && !n; l++)
		want[l] = true;
	struct tr_report *r = i18n_report(s);
	struct buf b = BUF_INIT;
	bool behind = false;
	if (json) {
		buf_adds(&b, "{\"default\": ");
		esc_json_string(&b, s->langs[0].code, strlen(s->langs[0].code));
		buf_adds(&b, ", \"languages\": {");
	}
	bool first_lang = true;
	for (size_t l = 1; l < s->nlangs; l++) {
		if (!want[l])
			continue;
		const struct tr_lang *L = &r->langs[l];
		for (int k = 0; k < TR_KINDS; k++)
			behind |= L->count[k][TR_OUTDATED] || L->count[k][TR_MISSING];
		if (json) {
			buf_adds(&b, first_lang ? "\n  " : ",\n  ");
			esc_json_string(&b, s->langs[l].code, strlen(s->langs[l].code));
			buf_adds(&b, ": {");
			for (int k = 0; k < TR_KINDS; k++) {
				buf_addf(&b, "%s\n    \"%s\": {\"current\": %zu, \"outdated\": %zu, \"missing\": %zu, \"items\": [",
				         k ? "," : "", part_names[k], L->count[k][0], L->count[k][1], L->count[k][2]);
				for (size_t i = 0; i < L->n[k]; i++) {
					const struct tr_entry *e = &L->e[k][i];
					buf_adds(&b, i ? ",\n      {\"id\": " : "\n      {\"id\": ");
					esc_json_string(&b, e->id, strlen(e->id));
					buf_addf(&b, ", \"state\": \"%s\", \"source\": ", state_names[e->state]);
					esc_json_string(&b, e->src, strlen(e->src));
					buf_adds(&b, ", \"changed\": [");
					for (size_t j = 0; j < e->nchanged; j++) {
						if (j)
							buf_adds(&b, ", ");
						esc_json_string(&b, e->changed[j], strlen(e->changed[j]));
					}
					buf_adds(&b, "]}");
				}
				buf_adds(&b, L->n[k] ? "\n    ]}" : "]}");
			}
			buf_adds(&b, "\n  }");
		} else {
			buf_addf(&b, "%s (%s):", s->langs[l].code, s->langs[l].name);
			for (int k = 0; k < TR_KINDS; k++)
				buf_addf(&b, "%s %s %zu current, %zu outdated, %zu missing", k ? ";" : "", kind_names[k],
				         L->count[k][0], L->count[k][1], L->count[k][2]);
			buf_addc(&b, '\n');
			for (int k = 0; k < TR_KINDS; k++)
				for (size_t i = 0; i < L->n[k]; i++) {
					const struct tr_entry *e = &L->e[k][i];
					if (e->state == TR_CURRENT)
						continue;
					const char *what = k == TR_PAGES ? (e->id[0] ? e->id : "(home)") : e->id;
					buf_addf(&b, "  %-9s %s%s %s\n", state_names[e->state], k == TR_UI ? "ui:" : "", what,
					         k == TR_PAGES ? e->src : "");
					for (size_t j = 0; j < e->nchanged; j++)
						buf_addf(&b, "            changed: %s\n", e->changed[j]);
				}
		}
		first_lang = false;
	}
	if (json)
		buf_adds(&b, "\n}}\n");
	fputs(b.p, stdout);
	buf_free(&b);
	i18n_report_free(r);
	free(want);
	return strict && behind ? 1 : 0;
}

/* }======= */

/* {======= vade i18n done */

/* "content/topics/thb/index.fr.md", "topics/thb/index.md", "topics/thb" -> the page. */
static const struct page *page_arg(const struct site *s, const char *arg)
{
	return site_page_of(s, strncmp(arg, "content/", 8) ? arg : arg + 8);
}

static void record_page(const struct site *s, struct store *st, const struct page *p)
{
	struct passage_set sg;
	if (!passage_set_read(s, p->docs[0], &sg))
		return;
	char **vals = xcalloc(sg.n + 1, sizeof *vals);
	for (size_t i = 0; i < sg.n; i++)
		vals[i] = hex(sg.v[i].digest);
	kv_set(store_get(st, TR_PAGES, p->key, true), vals, sg.n);
	passage_set_free(&sg);
}

static void record_one(struct store *st, enum tr_kind k, const char *key, const char *orig)
{
	char **vals = xcalloc(1, sizeof *vals);
	vals[0] = hex(passage_digest(orig, strlen(orig)));
	kv_set(store_get(st, k, key, true), vals, 1);
}

struct done_ctx {
	const struct site *s;
	size_t lang;
	struct store *st;
};

static void done_field(void *ctx, const char *path, const struct data_file *df, const struct yml_node *value,
                       const char *translated)
{
	struct done_ctx *c = ctx;
	(void)df;
	if (translated)
		record_one(c->st, TR_DATA, path, value->str);
}

int i18n_done(const struct site *s, const char *lang, char **pages, size_t n)
{
	int l = lang_of(s, lang);
	if (l <= 0) {
		fprintf(stderr, "vade: '%s' is not a translation language of this site\n", lang);
		return 2;
	}
	struct store st;
	store_load(s, (size_t)l, &st);
	size_t marked = 0;
	for (size_t i = 0; i < n; i++) {
		const struct page *p = page_arg(s, pages[i]);
		if (!p || p->generated) {
			diag_error(pages[i], 0, 0, "no such page");
		} else if (!p->docs[l]) {
			diag_error(p->docs[0]->src, 0, 0, "has no %s translation to mark as done", lang);
		} else {
			record_page(s, &st, p);
			marked++;
		}
	}
	if (n == 0) {
		/* Everything that is translated now matches its original. */
		for (size_t i = 0; i < s->npages; i++)
			if (!s->pages[i]->generated && s->pages[i]->docs[0] && s->pages[i]->docs[l]) {
				record_page(s, &st, s->pages[i]);
				marked++;
			}
		struct vec keys = VEC_INIT;
		passage_ui_keys(s, &keys);
		for (size_t i = 0; i < keys.n; i++)
			if (passage_ui_own(s, (size_t)l, keys.v[i])) {
				record_one(&st, TR_UI, keys.v[i], site_ui(s, 0, keys.v[i]));
				marked++;
			}
		vec_free(&keys);
		struct done_ctx c = {s, (size_t)l, &st};
		passage_fields_each(s, (size_t)l, done_field, &c);
	}
	int rc = diag_errors() ? 1 : store_save(s, (size_t)l, &st, NULL) ? 1 : 0;
	if (!rc) {
		char *rel = store_path(s, (size_t)l);
		printf("vade: marked %zu %s as current in %s\n", marked, n ? "page(s)" : "pages and strings", rel);
		free(rel);
	}
	store_free(&st);
	return rc;
}

/* }======= */

/* {======= PO files: export */

static void po_quiet(int severity, po_message_t m, const char *file, size_t line, size_t col, int multi,
                     const char *text)
{
	(void)m;
	(void)col;
	(void)multi;
	diag_report(severity == PO_SEVERITY_WARNING ? DIAG_WARNING : DIAG_ERROR, file ? file : "po",
	            file && line != (size_t)-1 ? (int)line : 0, 0, "%s", text);
	if (severity == PO_SEVERITY_FATAL_ERROR) {
		diag_flush();
		exit(1);
	}
}

static void po_quiet2(int severity, po_message_t m1, const char *f1, size_t l1, size_t c1, int mp1, const char *t1,
                      po_message_t m2, const char *f2, size_t l2, size_t c2, int mp2, const char *t2)
{
	(void)m2;
	(void)f2;
	(void)l2;
	(void)c2;
	(void)mp2;
	(void)t2;
	po_quiet(severity, m1, f1, l1, c1, mp1, t1);
}

static const struct po_xerror_handler po_handler = {po_quiet, po_quiet2};

static void po_add(po_message_iterator_t it, const char *ctx, const char *id, const char *str, bool fuzzy,
                   const char *file, int line, const char *note)
{
	po_message_t m = po_message_create();
	po_message_set_msgctxt(m, ctx);
	po_message_set_msgid(m, id);
	po_message_set_msgstr(m, str ? str : "");
	if (fuzzy && str && *str)
		po_message_set_fuzzy(m, 1);
	if (file)
		po_message_add_filepos(m, file, line > 0 ? (size_t)line : (size_t)-1);
	if (note)
		po_message_set_extracted_comments(m, note);
	po_message_insert(it, m);
}

/* msgctxt of passage i of a page: "page:<key>:title", "page:<key>:summary" or "page:<key>:<n>". */
static char *seg_ctx(const struct page *p, const struct passage_set *sg, size_t i)
{
	if (sg->v[i].yaml)
		return xasprintf("page:%s:%s", p->key, sg->v[i].label);
	return xasprintf("page:%s:%zu", p->key, passage_number(sg, i));
}

struct export_ctx {
	const struct site *s;
	size_t lang;
	po_message_iterator_t it;
	const struct tr_lang *L;
};

static void export_field(void *ctx, const char *path, const struct data_file *df, const struct yml_node *value,
                         const char *translated)
{
	struct export_ctx *c = ctx;
	const struct tr_entry *e = entry_of(c->L, TR_DATA, path);
	char *ctxs = xasprintf("data:%s", path);
	po_add(c->it, ctxs, value->str, translated, e && e->state == TR_OUTDATED, df->src, value->line, NULL);
	free(ctxs);
}

int i18n_export(const struct site *s, const char *lang, const char *out)
{
	int l = lang_of(s, lang);
	if (l <= 0) {
		fprintf(stderr, "vade: '%s' is not a translation language of this site\n", lang);
		return 2;
	}
	struct tr_report *r = i18n_report(s);
	const struct tr_lang *L = &r->langs[l];
	po_file_t f = po_file_create();
	po_message_iterator_t it = po_message_iterator(f, NULL);
	/* SOURCE_DATE_EPOCH, when set, makes the export reproducible. */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	char date[32] = "1970-01-01 00:00+0000";
	struct tm tmv;
	if (gmtime_r(&now, &tmv))
		strftime(date, sizeof date, "%Y-%m-%d %H:%M+0000", &tmv);
	char *header = xasprintf("Project-Id-Version: %s\nPO-Revision-Date: %s\nLast-Translator: \n"
	                         "Language-Team: %s\nLanguage: %s\nMIME-Version: 1.0\n"
	                         "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
	                         "X-Generator: vade\n", s->title, date, s->langs[l].name, lang);
	po_add(it, NULL, "", header, false, NULL, 0, NULL);
	free(header);
	struct store st;
	store_load(s, (size_t)l, &st);
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		if (p->generated || !p->docs[0])
			continue;
		struct passage_set sg, tr = {0};
		if (!passage_set_read(s, p->docs[0], &sg))
			continue;
		if (p->docs[l])
			passage_set_read(s, p->docs[l], &tr);
		const struct tr_entry *e = entry_of(L, TR_PAGES, p->key);
		const struct kv *rec = store_get(&st, TR_PAGES, p->key, false);
		for (size_t k = 0; k < sg.n; k++) {
			const struct passage *t = passage_pair(&sg, &tr, k);
			/* A passage is fuzzy when the original changed since the translation was marked current. */
			bool fuzzy = (e && e->state == TR_OUTDATED && !kv_has(rec, sg.v[k].digest)) || (p->docs[l] && !t);
			char *ctxs = seg_ctx(p, &sg, k);
			po_add(it, ctxs, sg.v[k].text, t ? t->text : NULL, fuzzy, p->docs[0]->src, sg.v[k].line,
			       sg.v[k].label);
			free(ctxs);
		}
		passage_set_free(&sg);
		passage_set_free(&tr);
	}
	store_free(&st);
	struct vec keys = VEC_INIT;
	passage_ui_keys(s, &keys);
	for (size_t i = 0; i < keys.n; i++) {
		const char *k = keys.v[i];
		const struct tr_entry *e = entry_of(L, TR_UI, k);
		const struct yml_node *n = s->ui[0] ? yml_get(s->ui[0]->root, k) : NULL;
		char *where = n ? xstrdup("content/i18n/") : xasprintf("themes/%s/i18n/", s->theme);
		char *file = xasprintf("%s%s.yaml", where, s->langs[0].code);
		if (!n && s->ui[1])
			n = yml_get(s->ui[1]->root, k);
		char *ctxs = xasprintf("ui:%s", k);
		po_add(it, ctxs, site_ui(s, 0, k), passage_ui_own(s, (size_t)l, k), e && e->state == TR_OUTDATED, file,
		       n ? n->line : 0, NULL);
		free(ctxs);
		free(file);
		free(where);
	}
	vec_free(&keys);
	struct export_ctx c = {s, (size_t)l, it, L};
	passage_fields_each(s, (size_t)l, export_field, &c);
	po_message_iterator_free(it);
	po_file_write(f, out, &po_handler);
	po_file_free(f);
	i18n_report_free(r);
	if (diag_errors())
		return 1;
	printf("vade: wrote %s\n", out);
	return 0;
}

/* }======= */

/* {======= PO files: import */

struct edit {
	size_t start, end;
	char *text;
};

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	return x->start < y->start ? 1 : x->start > y->start ? -1 : 0; /* last first */
}

/* A YAML double-quoted scalar: safe for any text. Caller frees. */
static char *yaml_quote(const char *s)
{
	struct buf b = BUF_INIT;
	esc_yaml_string(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

/* A translated passage as it goes back into the file: continuation lines get the
 * container prefix ("> ", list indentation) of the line the passage starts on. */
static char *reflow(const char *file, const struct passage *g, const char *text)
{
	if (g->yaml)
		return yaml_quote(text);
	size_t ls = g->start;
	while (ls > 0 && file[ls - 1] != '\n')
		ls--;
	struct buf prefix = BUF_INIT, b = BUF_INIT;
	for (size_t i = ls; i < g->start && i < ls + (size_t)g->indent; i++)
		buf_addc(&prefix, file[i] == '>' ? '>' : ' ');
	for (const char *p = text; *p; p++) {
		buf_addc(&b, *p);
		if (*p == '\n' && p[1])
			buf_add(&b, prefix.p, prefix.len);
	}
	buf_free(&prefix);
	return buf_detach(&b, NULL);
}

static char *apply_edits(const char *text, size_t len, struct edit *e, size_t n)
{
	xqsort(e, n, sizeof *e, cmp_edit);
	/* Sorted last first: each edit must end before the next one (earlier in the file) starts. */
	for (size_t i = 0; i < n; i++)
		if (e[i].end < e[i].start || e[i].end > len || (i > 0 && e[i].end > e[i - 1].start))
			return NULL;
	char *cur = xstrndup(text, len);
	size_t cl = len;
	for (size_t i = 0; i < n; i++) {
		struct buf b = BUF_INIT;
		buf_add(&b, cur, e[i].start);
		buf_adds(&b, e[i].text);
		buf_add(&b, cur + e[i].end, cl - e[i].end);
		free(cur);
		cur = buf_detach(&b, &cl);
	}
	return cur;
}

static bool write_if_changed(const struct site *s, const char *rel, const char *text, size_t len, size_t *changed)
{
	char *full = site_path(s, rel), *old = NULL;
	size_t ol;
	bool same = file_read(full, &old, &ol) == 0 && ol == len && !memcmp(old, text, len);
	free(old);
	if (!same) {
		if (file_write_atomic(full, text, len) != 0)
			diag_error(rel, 0, 0, "cannot write");
		else
			(*changed)++, printf("vade: updated %s\n", rel);
	}
	free(full);
	return !same;
}

struct msg {
	const char *ctx, *id, *str;
	bool fuzzy;
	int line;
	bool seen;              /* matched a page passage, UI string or data field */
};

/* The messages by msgctxt, those with the same one in file order. */
struct msg_index {
	struct msg **v;
	size_t n;
};

static int cmp_msg(const void *a, const void *b)
{
	const struct msg *x = *(struct msg *const *)a, *y = *(struct msg *const *)b;
	int c = strcmp(x->ctx, y->ctx);
	return c ? c : x < y ? -1 : x > y; /* messages sit in one array in file order */
}

static void msg_index(struct msg_index *ix, struct msg *all, size_t n)
{
	ix->v = xcalloc(n + 1, sizeof *ix->v);
	ix->n = n;
	for (size_t i = 0; i < n; i++)
		ix->v[i] = &all[i];
	xqsort(ix->v, n, sizeof *ix->v, cmp_msg);
}

/* The position of the first message whose msgctxt is not below ctx. */
static size_t msg_lower(const struct msg_index *ix, const char *ctx)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->v[mid]->ctx, ctx) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first message in the file with msgctxt ctx, or NULL. */
static struct msg *msg_find(const struct msg_index *ix, const char *ctx)
{
	size_t i = msg_lower(ix, ctx);
	return i < ix->n && !strcmp(ix->v[i]->ctx, ctx) ? ix->v[i] : NULL;
}

/* Whether any message is a passage of the page with this key ("page:<key>:<n>"). */
static bool msg_for_page(const struct msg_index *ix, const char *key)
{
	char *prefix = xasprintf("page:%s:", key);
	size_t pl = strlen(prefix);
	bool any = false;
	for (size_t i = msg_lower(ix, prefix); !any && i < ix->n && !strncmp(ix->v[i]->ctx, prefix, pl); i++)
		any = !strchr(ix->v[i]->ctx + pl, ':');
	free(prefix);
	return any;
}

/* The translation file of a page: "content/a/b.md" -> "content/a/b.fr.md". */
static char *translation_path(const char *src, const char *lang)
{
	size_t n = strlen(src);
	return xasprintf("%.*s.%s.md", (int)(n - 3), src, lang);
}

static void union_record(struct store *st, enum tr_kind k, const char *key, uint64_t d)
{
	struct kv *e = store_get(st, k, key, true);
	if (kv_has(e, d))
		return;
	e->vals = xrealloc(e->vals, (e->n + 1) * sizeof *e->vals);
	e->vals[e->n++] = hex(d);
}

static void import_page(const struct site *s, size_t l, const struct page *p, const struct msg_index *ix,
                        const char *po, struct store *st, size_t *changed)
{
	struct passage_set sg, tr = {0};
	if (!passage_set_read(s, p->docs[0], &sg))
		return;
	bool have = p->docs[l] && passage_set_read(s, p->docs[l], &tr);
	struct edit *edits = NULL;
	size_t nedits = 0, translated = 0;
	for (size_t k = 0; k < sg.n; k++) {
		char *ctxs = seg_ctx(p, &sg, k);
		struct msg *hit = msg_find(ix, ctxs);
		free(ctxs);
		if (hit)
			hit->seen = true;
		if (!hit || !*hit->str)
			continue;
		if (passage_digest(hit->id, strlen(hit->id)) != sg.v[k].digest) {
			diag_warn(po, hit->line, 1, "the original of '%s' changed since this file was exported; entry skipped",
			          hit->ctx);
			continue;
		}
		translated++;
		const struct passage *t = have ? passage_pair(&sg, &tr, k) : NULL;
		const struct passage *target = have ? t : &sg.v[k];
		if (have && !t) {
			diag_warn(po, hit->line, 1, "%s does not have the shape of its original; '%s' not imported",
			          p->docs[l]->src, hit->ctx);
			continue;
		}
		if (!have || strcmp(t->text, hit->str)) {
			edits = xrealloc(edits, (nedits + 1) * sizeof *edits);
			edits[nedits++] = (struct edit){target->start, target->end,
			                                reflow(have ? tr.text : sg.text, target, hit->str)};
		}
		if (!hit->fuzzy)
			union_record(st, TR_PAGES, p->key, sg.v[k].digest);
	}
	/* A new translation file is made only when every passage has its translation. */
	if (!have && translated < sg.n) {
		if (translated) {
			char *rel = translation_path(p->docs[0]->src, s->langs[l].code);
			diag_warn(po, 0, 0, "page '%s' is only partly translated; %s not created", p->key, rel);
			free(rel);
		}
	} else if (nedits) {
		char *out = apply_edits(have ? tr.text : sg.text, have ? tr.len : sg.len, edits, nedits);
		char *rel = have ? xstrdup(p->docs[l]->src) : translation_path(p->docs[0]->src, s->langs[l].code);
		if (out)
			write_if_changed(s, rel, out, strlen(out), changed);
		else
			diag_error(rel, 0, 0, "passages overlap; not imported (keep title and summary on lines of their own)");
		free(rel);
		free(out);
	}
	for (size_t i = 0; i < nedits; i++)
		free(edits[i].text);
	free(edits);
	passage_set_free(&sg);
	passage_set_free(&tr);
}

/* Sets key to value in a flat YAML mapping file (UI strings), editing only that line. */
static void set_flat(const struct site *s, const char *rel, const char *key, const char *value, size_t *changed)
{
	char *full = site_path(s, rel), *text = NULL;
	size_t len = 0;
	if (file_read(full, &text, &len) != 0)
		text = xstrdup(""), len = 0;
	free(full);
	struct yml_doc *d = len ? yml_parse(rel, text, len, 1) : NULL;
	const struct yml_node *n = d ? yml_get(d->root, key) : NULL;
	char *q = yaml_quote(value), *out;
	if (n && n->kind != YML_SCALAR) {
		diag_warn(rel, n->line, n->col, "'%s' is not a text here; left as it is", key);
	} else if (n && (!yml_str(n) || strcmp(n->str, value))) {
		size_t st = yml_offset(text, len, n->line, n->col), en = yml_offset(text, len, n->eline, n->ecol);
		struct edit e = {st, en, q};
		out = apply_edits(text, len, &e, 1);
		if (out)
			write_if_changed(s, rel, out, strlen(out), changed);
		free(out);
	} else if (!n) {
		char *kq = yaml_quote(key);
		out = xasprintf("%s%s%s: %s\n", text, len && text[len - 1] != '\n' ? "\n" : "", kq, q);
		write_if_changed(s, rel, out, strlen(out), changed);
		free(kq);
		free(out);
	}
	free(q);
	yml_free(d);
	free(text);
}

/* Sets field of the item with id in a data overlay file (a list of items). */
static void set_field(const struct site *s, const char *rel, const char *id, const char *field, const char *value,
                      size_t *changed)
{
	char *full = site_path(s, rel), *text = NULL;
	size_t len = 0;
	if (file_read(full, &text, &len) != 0)
		text = xstrdup(""), len = 0;
	free(full);
	struct yml_doc *d = len ? yml_parse(rel, text, len, 1) : NULL;
	const struct yml_node *item = d ? passage_data_item(d->root, id) : NULL;
	const struct yml_node *n = item ? yml_get(item, field) : NULL;
	char *q = yaml_quote(value), *out = NULL;
	if (d && d->root && d->root->kind != YML_SEQ) {
		diag_error(rel, d->root->line, d->root->col, "translated data must be a list of items with an id");
		goto done;
	}
	if (n && n->kind == YML_SCALAR) {
		if (yml_str(n) && !strcmp(n->str, value))
			goto done;
		size_t st = yml_offset(text, len, n->line, n->col), en = yml_offset(text, len, n->eline, n->ecol);
		struct edit e = {st, en, q};
		out = apply_edits(text, len, &e, 1);
	} else if (item) {
		/* a new line after the item's id, at the id's indentation */
		const struct yml_node *idn = yml_get(item, "id");
		size_t at = yml_offset(text, len, idn->line, 1);
		while (at < len && text[at] != '\n')
			at++;
		int keycol = 0;
		for (size_t i = 0; i + 1 < item->n; i += 2)
			if (!strcmp(item->kids[i]->str, "id"))
				keycol = item->kids[i]->col;
		char *line = xasprintf("\n%*s%s: %s", keycol - 1, "", field, q);
		struct edit e = {at, at, line};
		out = apply_edits(text, len, &e, 1);
		free(line);
	} else {
		char *iq = yaml_quote(id);
		out = xasprintf("%s%s- id: %s\n  %s: %s\n", len ? text : "# Translated fields, overlaid by id.\n",
		                len && text[len - 1] != '\n' ? "\n" : "", iq, field, q);
		free(iq);
	}
	if (out)
		write_if_changed(s, rel, out, strlen(out), changed);
done:
	free(out);
	free(q);
	yml_free(d);
	free(text);
}

int i18n_import(const struct site *s, const char *po)
{
	size_t before_errors = diag_errors();
	po_file_t f = po_file_read(po, &po_handler);
	if (!f || diag_errors() > before_errors) {
		/* A file with syntax errors may hold half entries: import nothing. */
		if (f)
			po_file_free(f);
		return 1;
	}
	const char *hdr = po_file_domain_header(f, NULL);
	char *code = hdr ? po_header_field(hdr, "Language") : NULL;
	int l = code ? lang_of(s, code) : -1;
	if (l <= 0) {
		diag_error(po, 0, 0, "the header's Language ('%s') is not a translation language of this site",
		           code ? code : "");
		free(code);
		po_file_free(f);
		return 1;
	}
	struct vec msgs = VEC_INIT;
	po_message_iterator_t it = po_message_iterator(f, NULL);
	po_message_t m;
	while ((m = po_next_message(it))) {
		if (po_message_is_obsolete(m) || !po_message_msgctxt(m))
			continue;
		struct msg *x = xmalloc(sizeof *x);
		po_filepos_t fp = po_message_filepos(m, 0);
		*x = (struct msg){po_message_msgctxt(m), po_message_msgid(m), po_message_msgstr(m),
		                  po_message_is_fuzzy(m) != 0, fp ? (int)po_filepos_start_line(fp) : 0, false};
		vec_push(&msgs, x);
	}
	po_message_iterator_free(it);
	struct msg *all = xcalloc(msgs.n + 1, sizeof *all);
	for (size_t i = 0; i < msgs.n; i++) {
		all[i] = *(struct msg *)msgs.v[i];
		free(msgs.v[i]);
	}
	size_t nm = msgs.n;
	vec_free(&msgs);

	struct msg_index ix;
	msg_index(&ix, all, nm);
	struct store st;
	store_load(s, (size_t)l, &st);
	size_t changed = 0;
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		if (!p->generated && p->docs[0] && msg_for_page(&ix, p->key))
			import_page(s, (size_t)l, p, &ix, po, &st, &changed);
	}
	free(ix.v);
	char *ui_rel = xasprintf("content/i18n/%s.yaml", s->langs[l].code);
	for (size_t k = 0; k < nm; k++) {
		struct msg *x = &all[k];
		if (!strncmp(x->ctx, "ui:", 3) || !strncmp(x->ctx, "data:", 5))
			x->seen = true; /* unless found wanting below */
		if (!*x->str)
			continue;
		if (!strncmp(x->ctx, "ui:", 3)) {
			const char *key = x->ctx + 3, *orig = site_ui(s, 0, key), *own = passage_ui_own(s, (size_t)l, key);
			if (!orig || strcmp(orig, x->id)) {
				diag_warn(po, x->line, 1, "the original of '%s' changed since this file was exported; entry skipped", x->ctx);
				continue;
			}
			if (!own || strcmp(own, x->str))
				set_flat(s, ui_rel, key, x->str, &changed);
			if (!x->fuzzy)
				union_record(&st, TR_UI, key, passage_digest(orig, strlen(orig)));
		} else if (!strncmp(x->ctx, "data:", 5)) {
			/* data:<name>/<id>/<field> */
			char *path = xstrdup(x->ctx + 5), *s1 = strchr(path, '/'), *s2 = strrchr(path, '/');
			if (!s1 || s1 == s2) {
				free(path);
				continue;
			}
			*s1 = *s2 = '\0';
			const char *orig = passage_field_original(s, path, s1 + 1, s2 + 1);
			if (!orig || strcmp(orig, x->id)) {
				diag_warn(po, x->line, 1, "the original of '%s' changed since this file was exported; entry skipped", x->ctx);
				free(path);
				continue;
			}
			char *rel = xasprintf("content/data/%s.%s.yaml", path, s->langs[l].code);
			set_field(s, rel, s1 + 1, s2 + 1, x->str, &changed);
			if (!x->fuzzy)
				union_record(&st, TR_DATA, x->ctx + 5, passage_digest(orig, strlen(orig)));
			free(rel);
			free(path);
		}
	}
	free(ui_rel);
	for (size_t k = 0; k < nm; k++)
		if (!all[k].seen && *all[k].str)
			diag_warn(po, all[k].line, 1, "'%s' names nothing in this site; entry not imported", all[k].ctx);
	/* The status file changes only when the import brought something new. */
	store_save(s, (size_t)l, &st, &changed);
	store_free(&st);
	free(all);
	free(code);
	po_file_free(f);
	if (!changed)
		printf("vade: %s changed nothing\n", po);
	return diag_errors() ? 1 : 0;
}

/* }======= */
