/* i18n.c — `vade i18n status` and `vade i18n done`. */
#include "i18n.h"
#include "diag.h"
#include "exchange.h"
#include "po.h"
#include "xliff.h"
#include "escape.h"
#include "passage.h"
#include "status.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A translation language of the site, or -1 after saying it is not one. */
static int translation_lang(const struct site *s, const char *code)
{
	int l = site_lang(s, code);
	if (l > 0)
		return l;
	fprintf(stderr, "vade: '%s' is not a translation language of this site\n", code);
	return -1;
}

/* {======= vade i18n status */

static const char *const state_names[3] = {"current", "outdated", "missing"};
static const char *const kind_names[TR_KINDS] = {"pages", "UI strings", "data fields"};
static const char *const json_names[TR_KINDS] = {"pages", "ui", "data"};

static void json_str(struct buf *b, const char *s)
{
	esc_json_string(b, s, strlen(s));
}

/* passages or words by state: {"current": n, "outdated": n, "missing": n} */
static void json_counts(struct buf *b, const char *name, const size_t c[3])
{
	buf_addf(b, "\"%s\": {\"current\": %zu, \"outdated\": %zu, \"missing\": %zu}", name, c[0], c[1], c[2]);
}

static void json_entry(struct buf *b, const struct tr_entry *e, int k)
{
	buf_adds(b, "{\"id\": ");
	json_str(b, e->id);
	buf_addf(b, ", \"state\": \"%s\", \"source\": ", state_names[e->state]);
	json_str(b, e->src);
	if (k == TR_PAGES) {
		buf_adds(b, ", \"translation\": ");
		if (e->tr)
			json_str(b, e->tr);
		else
			buf_adds(b, "null");
	}
	buf_adds(b, ", ");
	json_counts(b, "passages", e->passages);
	buf_adds(b, ", ");
	json_counts(b, "words", e->words);
	if (e->note) {
		buf_adds(b, ", \"note\": ");
		json_str(b, e->note);
	}
	buf_adds(b, ", \"passages_behind\": [");
	for (size_t j = 0; j < e->nitems; j++) {
		const struct tr_item *it = &e->items[j];
		buf_adds(b, j ? ", {\"id\": " : "{\"id\": ");
		json_str(b, it->id);
		buf_addf(b, ", \"change\": \"%s\", \"words\": %zu, \"label\": ", tr_change_names[it->change], it->words);
		json_str(b, it->label);
		buf_adds(b, "}");
	}
	buf_adds(b, "]}");
}

static void print_json(struct buf *b, const struct site *s, size_t l, const struct tr_lang *L, bool first)
{
	buf_adds(b, first ? "\n  " : ",\n  ");
	json_str(b, s->langs[l].code);
	buf_adds(b, ": {");
	for (int k = 0; k < TR_KINDS; k++) {
		buf_addf(b, "%s\n    \"%s\": {\"current\": %zu, \"outdated\": %zu, \"missing\": %zu, \"items\": [",
		         k ? "," : "", json_names[k], L->count[k][0], L->count[k][1], L->count[k][2]);
		for (size_t i = 0; i < L->n[k]; i++) {
			buf_adds(b, i ? ",\n      " : "\n      ");
			json_entry(b, &L->e[k][i], k);
		}
		buf_adds(b, L->n[k] ? "\n    ]}" : "]}");
	}
	buf_adds(b, "\n  }");
}

static void print_text(struct buf *b, const struct site *s, size_t l, const struct tr_lang *L)
{
	buf_addf(b, "%s (%s):", s->langs[l].code, s->langs[l].name);
	for (int k = 0; k < TR_KINDS; k++)
		buf_addf(b, "%s %s %zu current, %zu outdated, %zu missing", k ? ";" : "", kind_names[k],
		         L->count[k][0], L->count[k][1], L->count[k][2]);
	buf_addc(b, '\n');
	for (int k = 0; k < TR_KINDS; k++)
		for (size_t i = 0; i < L->n[k]; i++) {
			const struct tr_entry *e = &L->e[k][i];
			if (e->state == TR_CURRENT)
				continue;
			const char *what = k == TR_PAGES ? (e->id[0] ? e->id : "(home)") : e->id;
			buf_addf(b, "  %-9s %s%s %s\n", state_names[e->state], k == TR_UI ? "ui:" : "", what,
			         k == TR_PAGES ? e->src : "");
			if (e->note)
				buf_addf(b, "            %s\n", e->note);
			for (size_t j = 0; k == TR_PAGES && e->tr && j < e->nitems; j++)
				buf_addf(b, "            %-12s %s  [%s]\n", tr_change_names[e->items[j].change], e->items[j].label,
				         e->items[j].id);
			if (k != TR_PAGES && e->nitems && e->state == TR_OUTDATED && !e->note)
				buf_addf(b, "            %-12s %s\n", tr_change_names[e->items[0].change], e->items[0].label);
		}
}

int i18n_status(const struct site *s, char **langs, size_t n, bool json, bool strict)
{
	bool *want = xcalloc(s->nlangs, sizeof *want);
	for (size_t i = 0; i < n; i++) {
		int l = translation_lang(s, langs[i]);
		if (l < 0) {
			free(want);
			return 2;
		}
		want[l] = true;
	}
	for (size_t l = 1; l < s->nlangs && !n; l++)
		want[l] = true;
	struct tr_report *r = status_report_new(s);
	struct buf b = BUF_INIT;
	bool behind = false, first = true;
	if (json) {
		buf_adds(&b, "{\"default\": ");
		esc_json_string(&b, s->langs[0].code, strlen(s->langs[0].code));
		buf_adds(&b, ", \"languages\": {");
	}
	for (size_t l = 1; l < s->nlangs; l++) {
		if (!want[l])
			continue;
		const struct tr_lang *L = &r->langs[l];
		for (int k = 0; k < TR_KINDS; k++)
			behind |= L->count[k][TR_OUTDATED] || L->count[k][TR_MISSING];
		if (json)
			print_json(&b, s, l, L, first);
		else
			print_text(&b, s, l, L);
		first = false;
	}
	if (json)
		buf_adds(&b, "\n}}\n");
	fputs(b.p, stdout);
	buf_free(&b);
	status_report_free(r);
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

/* Records the page's translation as current with its original, passage by
 * passage: the translation must have as many body passages as the original
 * (its k-th answers the original's k-th). A passage the record says nobody
 * translated, still holding the original's text, stays untranslated. */
static void record_page(const struct site *s, size_t l, struct status_store *st, const struct page *p)
{
	struct passage_set sg, tr;
	if (!passage_set_read(s, p->docs[0], &sg))
		return;
	if (!passage_set_read(s, p->docs[l], &tr)) {
		passage_set_free(&sg);
		return;
	}
	size_t ob = 0, tb = 0;
	for (size_t i = 0; i < sg.n; i++)
		ob += sg.v[i].kind != PASSAGE_META;
	for (size_t i = 0; i < tr.n; i++)
		tb += tr.v[i].kind != PASSAGE_META;
	if (ob != tb)
		diag_warn(p->docs[l]->src, 0, 0,
		          "has %zu headings, paragraphs and table cells where its original %s has %zu: marked as "
		          "current, but export and import cannot pair its passages with the original's",
		          tb, p->docs[0]->src, ob);
	size_t nrec;
	const struct rec *rec = status_store_get(st, TR_PAGES, p->key, &nrec);
	struct page_align a;
	page_align(&sg, rec, nrec, &tr, &a);
	struct rec *v = xcalloc(a.n + 1, sizeof *v);
	/* Body numbers of the original's passages, and the translation's passage of each number. */
	size_t *opos = xcalloc(sg.n + 1, sizeof *opos), *tpos = xcalloc(sg.n + tr.n + 1, sizeof *tpos);
	for (size_t i = 0, b = 0; i < sg.n; i++)
		opos[i] = sg.v[i].kind != PASSAGE_META ? b++ : 0;
	for (size_t i = 0; i < sg.n + tr.n + 1; i++)
		tpos[i] = SIZE_MAX;
	for (size_t i = 0, b = 0; i < tr.n; i++)
		if (tr.v[i].kind != PASSAGE_META)
			tpos[b++] = i;
	size_t n = 0;
	for (size_t i = 0; i < a.n; i++) {
		const struct tr_passage *tp = &a.v[i];
		if (tp->orig == SIZE_MAX)
			continue;
		const struct passage *g = &sg.v[tp->orig];
		/* The translation's passage in the same place: the same key, or the same body number. */
		size_t t = g->kind == PASSAGE_META ? SIZE_MAX : tpos[opos[tp->orig]];
		for (size_t k = 0; k < tr.n && g->kind == PASSAGE_META && t == SIZE_MAX; k++)
			if (tr.v[k].kind == PASSAGE_META && !strcmp(tr.v[k].label, g->label))
				t = k;
		bool untouched = ob == tb && tp->change == TC_UNTRANSLATED && t != SIZE_MAX && tr.v[t].digest == g->digest;
		v[n++] = (struct rec){tp->name, g->digest, untouched ? REC_UNTRANSLATED : REC_CURRENT, g->text};
	}
	status_store_put(st, TR_PAGES, p->key, v, n);
	free(v);
	free(opos);
	free(tpos);
	page_align_free(&a);
	passage_set_free(&sg);
	passage_set_free(&tr);
}

static void record_one(struct status_store *st, enum tr_kind k, const char *key, const char *orig)
{
	struct rec r = {NULL, passage_digest(orig, strlen(orig)), REC_CURRENT, (char *)orig};
	status_store_put(st, k, key, &r, 1);
}

static void done_field(void *ctx, const char *path, const struct data_file *df, const struct yml_node *value,
                       const char *translated)
{
	(void)df;
	if (translated)
		record_one(ctx, TR_DATA, path, value->str);
}

/* Everything translated in language l; returns how many pages and strings. */
static size_t record_all(const struct site *s, size_t l, struct status_store *st)
{
	size_t marked = 0;
	for (size_t i = 0; i < s->npages; i++)
		if (!s->pages[i]->generated && s->pages[i]->docs[0] && s->pages[i]->docs[l]) {
			record_page(s, l, st, s->pages[i]);
			marked++;
		}
	struct vec keys = VEC_INIT;
	passage_ui_keys(s, &keys);
	for (size_t i = 0; i < keys.n; i++)
		if (passage_ui_own(s, l, keys.v[i])) {
			record_one(st, TR_UI, keys.v[i], site_ui(s, 0, keys.v[i]));
			marked++;
		}
	vec_free(&keys);
	passage_fields_each(s, l, done_field, st);
	return marked;
}

int i18n_done(const struct site *s, const char *lang, char **pages, size_t n)
{
	int l = translation_lang(s, lang);
	if (l < 0)
		return 2;
	struct status_store *st = status_store_load(s, (size_t)l);
	size_t marked = 0;
	for (size_t i = 0; i < n; i++) {
		const struct page *p = page_arg(s, pages[i]);
		if (!p || p->generated) {
			diag_error(pages[i], 0, 0, "no such page");
		} else if (!p->docs[l]) {
			diag_error(p->docs[0]->src, 0, 0, "has no %s translation to mark as done", lang);
		} else {
			record_page(s, (size_t)l, st, p);
			marked++;
		}
	}
	if (n == 0)
		marked = record_all(s, (size_t)l, st);
	int rc = diag_errors() ? 1 : status_store_save(s, (size_t)l, st, NULL) ? 1 : 0;
	if (!rc) {
		char *rel = status_store_path(s, (size_t)l);
		printf("vade: marked %zu %s as current in %s\n", marked, n ? "page(s)" : "pages and strings", rel);
		free(rel);
	}
	status_store_free(st);
	return rc;
}

/* }======= */

/* {======= vade i18n export and import */

/* Whether path names an XLIFF file (".xlf", ".xliff"); anything else is PO. */
static bool is_xliff(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (!strcasecmp(dot, ".xlf") || !strcasecmp(dot, ".xliff"));
}

int i18n_export(const struct site *s, const char *lang, const char *out)
{
	int l = translation_lang(s, lang);
	if (l < 0)
		return 2;
	struct unit_list u;
	exchange_units(s, (size_t)l, &u);
	int rc = is_xliff(out) ? xliff_write(&u, out) : po_write(&u, out);
	unit_list_free(&u);
	if (rc || diag_errors())
		return 1;
	printf("vade: wrote %s\n", out);
	return 0;
}

/* The translation language a file names: as written, as a BCP 47 tag
 * ("fr_FR" is gettext's "fr-FR"), or its language subtag when the site has
 * that and not the regional one ("fr-FR" -> "fr"). -1 when none. */
static int file_lang(const struct site *s, const char *tag)
{
	char *t = xstrdup(tag);
	for (char *c = t; *c; c++)
		*c = *c == '_' ? '-' : *c;
	char *at = strchr(t, '@'); /* a gettext modifier, "sr_RS@latin" */
	if (at)
		*at = '\0';
	int l = -1;
	for (size_t i = 1; i < s->nlangs && l < 0; i++)
		if (!strcasecmp(s->langs[i].code, t))
			l = (int)i;
	char *dash = strchr(t, '-');
	if (dash)
		*dash = '\0';
	for (size_t i = 1; i < s->nlangs && l < 0 && dash; i++)
		if (!strcasecmp(s->langs[i].code, t))
			l = (int)i;
	free(t);
	return l;
}

int i18n_import(const struct site *s, const char *path, const struct import_opts *opts)
{
	struct unit_list u = {0};
	if ((is_xliff(path) ? xliff_read(path, &u) : po_read(path, &u)) != 0)
		return 1;
	int l = u.target_lang ? file_lang(s, u.target_lang) : -1;
	int rc = 1;
	if (l <= 0)
		diag_error(path, 0, 0, "the file's language ('%s') is not a translation language of this site",
		           u.target_lang ? u.target_lang : "");
	else
		rc = exchange_import(s, (size_t)l, &u, path, opts);
	unit_list_free(&u);
	return rc;
}

/* }======= */
