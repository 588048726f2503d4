/* i18n.c — `vade i18n status` and `vade i18n done`. */
#include "i18n.h"
#include "diag.h"
#include "escape.h"
#include "passage.h"
#include "status.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void print_json(struct buf *b, const struct site *s, size_t l, const struct tr_lang *L, bool first)
{
	buf_adds(b, first ? "\n  " : ",\n  ");
	esc_json_string(b, s->langs[l].code, strlen(s->langs[l].code));
	buf_adds(b, ": {");
	for (int k = 0; k < TR_KINDS; k++) {
		buf_addf(b, "%s\n    \"%s\": {\"current\": %zu, \"outdated\": %zu, \"missing\": %zu, \"items\": [",
		         k ? "," : "", json_names[k], L->count[k][0], L->count[k][1], L->count[k][2]);
		for (size_t i = 0; i < L->n[k]; i++) {
			const struct tr_entry *e = &L->e[k][i];
			buf_adds(b, i ? ",\n      {\"id\": " : "\n      {\"id\": ");
			esc_json_string(b, e->id, strlen(e->id));
			buf_addf(b, ", \"state\": \"%s\", \"source\": ", state_names[e->state]);
			esc_json_string(b, e->src, strlen(e->src));
			buf_adds(b, ", \"changed\": [");
			for (size_t j = 0; j < e->nchanged; j++) {
				if (j)
					buf_adds(b, ", ");
				esc_json_string(b, e->changed[j], strlen(e->changed[j]));
			}
			buf_adds(b, "]}");
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
			for (size_t j = 0; j < e->nchanged; j++)
				buf_addf(b, "            changed: %s\n", e->changed[j]);
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

/* Records the digests of every passage of the page's original (none when it cannot be read). */
static void record_page(const struct site *s, struct status_store *st, const struct page *p)
{
	struct passage_set sg;
	if (!passage_set_read(s, p->docs[0], &sg))
		return;
	uint64_t *d = xcalloc(sg.n + 1, sizeof *d);
	for (size_t i = 0; i < sg.n; i++)
		d[i] = sg.v[i].digest;
	status_store_set(st, TR_PAGES, p->key, d, sg.n);
	free(d);
	passage_set_free(&sg);
}

static void record_one(struct status_store *st, enum tr_kind k, const char *key, const char *orig)
{
	uint64_t d = passage_digest(orig, strlen(orig));
	status_store_set(st, k, key, &d, 1);
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
			record_page(s, st, s->pages[i]);
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
			record_page(s, st, p);
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
