/* po.c — PO export and import for translators. */
#include "po.h"
#include "diag.h"
#include "escape.h"
#include "i18n.h"
#include "passage.h"
#include "status.h"
#include "util.h"

#include <gettext-po.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* {======= libgettextpo */

/* libgettextpo's messages go through diag; after a fatal one it expects no return. */
static void report(int severity, po_message_t m, const char *file, size_t line, size_t col, int multi,
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

static void report2(int severity, po_message_t m1, const char *f1, size_t l1, size_t c1, int mp1, const char *t1,
                    po_message_t m2, const char *f2, size_t l2, size_t c2, int mp2, const char *t2)
{
	(void)m2;
	(void)f2;
	(void)l2;
	(void)c2;
	(void)mp2;
	(void)t2;
	report(severity, m1, f1, l1, c1, mp1, t1);
}

static const struct po_xerror_handler handler = {report, report2};

/* msgctxt of passage i of a page: "page:<key>:title", "page:<key>:summary" or "page:<key>:<n>". Caller frees. */
static char *page_ctx(const struct page *p, const struct passage_set *set, size_t i)
{
	if (set->v[i].yaml)
		return xasprintf("page:%s:%s", p->key, set->v[i].label);
	return xasprintf("page:%s:%zu", p->key, passage_number(set, i));
}

/* }======= */

/* {======= export */

static void add_message(po_message_iterator_t it, const char *ctx, const char *id, const char *str, bool fuzzy,
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

struct export {
	const struct site *s;
	size_t lang;
	po_message_iterator_t it;
	const struct tr_report *r;
};

static void add_header(const struct export *x)
{
	const struct site *s = x->s;
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
	                         "X-Generator: vade\n", s->title, date, s->langs[x->lang].name, s->langs[x->lang].code);
	add_message(x->it, NULL, "", header, false, NULL, 0, NULL);
	free(header);
}

static void export_pages(const struct export *x)
{
	const struct site *s = x->s;
	size_t l = x->lang;
	struct status_store *st = status_store_load(s, l);
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		if (p->generated || !p->docs[0])
			continue;
		struct passage_set sg, tr = {0};
		if (!passage_set_read(s, p->docs[0], &sg))
			continue;
		if (p->docs[l])
			passage_set_read(s, p->docs[l], &tr);
		const struct tr_entry *e = status_entry(x->r, l, TR_PAGES, p->key);
		for (size_t k = 0; k < sg.n; k++) {
			const struct passage *t = passage_pair(&sg, &tr, k);
			/* A passage is fuzzy when the original changed since the translation was marked current. */
			bool fuzzy = (e && e->state == TR_OUTDATED && !status_store_has(st, TR_PAGES, p->key, sg.v[k].digest)) ||
			             (p->docs[l] && !t);
			char *ctx = page_ctx(p, &sg, k);
			add_message(x->it, ctx, sg.v[k].text, t ? t->text : NULL, fuzzy, p->docs[0]->src, sg.v[k].line,
			            sg.v[k].label);
			free(ctx);
		}
		passage_set_free(&sg);
		passage_set_free(&tr);
	}
	status_store_free(st);
}

static void export_ui(const struct export *x)
{
	const struct site *s = x->s;
	struct vec keys = VEC_INIT;
	passage_ui_keys(s, &keys);
	for (size_t i = 0; i < keys.n; i++) {
		const char *k = keys.v[i];
		const struct tr_entry *e = status_entry(x->r, x->lang, TR_UI, k);
		const struct yml_node *n = s->ui[0] ? yml_get(s->ui[0]->root, k) : NULL;
		char *where = n ? xstrdup("content/i18n/") : xasprintf("themes/%s/i18n/", s->theme);
		char *file = xasprintf("%s%s.yaml", where, s->langs[0].code);
		if (!n && s->ui[1])
			n = yml_get(s->ui[1]->root, k);
		char *ctx = xasprintf("ui:%s", k);
		add_message(x->it, ctx, site_ui(s, 0, k), passage_ui_own(s, x->lang, k), e && e->state == TR_OUTDATED,
		            file, n ? n->line : 0, NULL);
		free(ctx);
		free(file);
		free(where);
	}
	vec_free(&keys);
}

static void export_field(void *ctx, const char *path, const struct data_file *df, const struct yml_node *value,
                         const char *translated)
{
	const struct export *x = ctx;
	const struct tr_entry *e = status_entry(x->r, x->lang, TR_DATA, path);
	char *mctx = xasprintf("data:%s", path);
	add_message(x->it, mctx, value->str, translated, e && e->state == TR_OUTDATED, df->src, value->line, NULL);
	free(mctx);
}

int po_export(const struct site *s, const char *lang, const char *out)
{
	int l = i18n_translation_lang(s, lang);
	if (l < 0)
		return 2;
	struct tr_report *r = status_report_new(s);
	po_file_t f = po_file_create();
	struct export x = {s, (size_t)l, po_message_iterator(f, NULL), r};
	add_header(&x);
	export_pages(&x);
	export_ui(&x);
	passage_fields_each(s, (size_t)l, export_field, &x);
	po_message_iterator_free(x.it);
	po_file_write(f, out, &handler);
	po_file_free(f);
	status_report_free(r);
	if (diag_errors())
		return 1;
	printf("vade: wrote %s\n", out);
	return 0;
}

/* }======= */

/* {======= import: edits to the files */

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
/* A YAML double-quoted scalar of s, written by libyaml's emitter (yml.h). */
static char *yaml_quote(const char *s)
{
	char *q = yml_quote(s, strlen(s));
	return q ? q : xstrdup("\"\""); /* s was checked as UTF-8 by read_messages() */
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

/* text with the edits made, or NULL when two of them overlap. Caller frees. */
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

/* What an import is doing: the site, the language, the PO file (for
 * messages), the status record it adds to and how many files it wrote. */
struct import {
	const struct site *s;
	size_t lang;
	const char *po;
	struct status_store *st;
	size_t changed;
};

/* Writes a site file when text differs from it, and says so. */
static void update(struct import *im, const char *rel, const char *text)
{
	size_t n = strlen(rel);
	if (n > 5 && !strcmp(rel + n - 5, ".yaml")) {
		/* What the import writes must load: checked before it is written. */
		size_t before = diag_errors();
		struct yml_doc *d = yml_parse(rel, text, strlen(text), 1);
		yml_free(d);
		if (diag_errors() > before) {
			diag_error(rel, 0, 0, "the import would make this file unreadable; not written");
			return;
		}
	}
	char *full = site_path(im->s, rel);
	int rc = file_update(full, text, strlen(text));
	if (rc < 0)
		diag_error(rel, 0, 0, "cannot write");
	else if (rc > 0)
		im->changed++, printf("vade: updated %s\n", rel);
	free(full);
}

/* The text of a site file, "" when there is none. Caller frees. */
static char *read_or_empty(const struct site *s, const char *rel, size_t *len)
{
	char *text = NULL;
	if (tree_kind(&s->tree, rel, NULL) == TREE_NONE || site_read(s, rel, &text, len) != 0)
		text = xstrdup(""), *len = 0;
	return text;
}

/* Sets key to value in a flat YAML mapping file (UI strings), editing only that line. */
static void set_flat(struct import *im, const char *rel, const char *key, const char *value)
{
	size_t len;
	char *text = read_or_empty(im->s, rel, &len);
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
			update(im, rel, out);
		free(out);
	} else if (!n) {
		char *kq = yaml_quote(key);
		out = xasprintf("%s%s%s: %s\n", text, len && text[len - 1] != '\n' ? "\n" : "", kq, q);
		update(im, rel, out);
		free(kq);
		free(out);
	}
	free(q);
	yml_free(d);
	free(text);
}

/* A new "field: value" line after the id line of an item, at the id's indentation. */
static char *add_field(const char *text, size_t len, const struct yml_node *item, const char *field, const char *q)
{
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
	char *out = apply_edits(text, len, &e, 1);
	free(line);
	return out;
}

/* Sets field of the item with id in a data overlay file (a list of items). */
static void set_field(struct import *im, const char *rel, const char *id, const char *field, const char *value)
{
	size_t len;
	char *text = read_or_empty(im->s, rel, &len);
	struct yml_doc *d = len ? yml_parse(rel, text, len, 1) : NULL;
	const struct yml_node *item = d ? passage_data_item(d->root, id) : NULL;
	const struct yml_node *n = item ? yml_get(item, field) : NULL;
	char *q = yaml_quote(value), *out = NULL;
	if (len && !d) {
		/* yml_parse() said why; appending to a file that does not load would only add to it */
	} else if (d && d->root && d->root->kind != YML_SEQ) {
		diag_error(rel, d->root->line, d->root->col, "translated data must be a list of items with an id");
	} else if (n && n->kind == YML_SCALAR) {
		size_t st = yml_offset(text, len, n->line, n->col), en = yml_offset(text, len, n->eline, n->ecol);
		struct edit e = {st, en, q};
		if (!yml_str(n) || strcmp(n->str, value))
			out = apply_edits(text, len, &e, 1);
	} else if (item) {
		out = add_field(text, len, item, field, q);
	} else {
		char *iq = yaml_quote(id);
		out = xasprintf("%s%s- id: %s\n  %s: %s\n", len ? text : "# Translated fields, overlaid by id.\n",
		                len && text[len - 1] != '\n' ? "\n" : "", iq, field, q);
		free(iq);
	}
	if (out)
		update(im, rel, out);
	free(out);
	free(q);
	yml_free(d);
	free(text);
}

/* }======= */

/* {======= import: the messages */

struct msg {
	const char *ctx, *id, *str; /* borrowed from the PO file */
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

/* Why msgstr s cannot go into a content file (invalid UTF-8, a control
 * character other than tab and line break), or NULL when it can. */
static const char *unwritable(const char *s, char why[64])
{
	if (utf8_invalid_at(s, strlen(s)) >= 0)
		return "bytes that are not UTF-8";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f) {
			snprintf(why, 64, "a control character (U+%04X)", *p);
			return why;
		}
	return NULL;
}

/* The messages with a msgctxt, in file order; *n of them. Caller frees the
 * array. A msgstr no content file can hold is an error (named by its
 * msgctxt: libgettextpo gives no line in the PO file). */
static struct msg *read_messages(po_file_t f, const char *po, size_t *n)
{
	struct msg *all = NULL;
	*n = 0;
	po_message_iterator_t it = po_message_iterator(f, NULL);
	po_message_t m;
	while ((m = po_next_message(it))) {
		if (po_message_is_obsolete(m) || !po_message_msgctxt(m))
			continue;
		po_filepos_t fp = po_message_filepos(m, 0);
		all = xrealloc(all, (*n + 1) * sizeof *all);
		struct msg *x = &all[(*n)++];
		*x = (struct msg){po_message_msgctxt(m), po_message_msgid(m), po_message_msgstr(m),
		                  po_message_is_fuzzy(m) != 0, fp ? (int)po_filepos_start_line(fp) : 0, false};
		char why[64];
		const char *bad = unwritable(x->str, why);
		if (bad) {
			diag_error(po, 0, 0, "the translation of '%s' holds %s, which no content file can hold", x->ctx, bad);
		}
	}
	po_message_iterator_free(it);
	return all;
}

/* }======= */

/* {======= import */

/* The translation file of a page: "content/a/b.md" -> "content/a/b.fr.md". */
static char *translation_path(const char *src, const char *lang)
{
	size_t n = strlen(src);
	return xasprintf("%.*s.%s.md", (int)(n - 3), src, lang);
}

static void changed_since_export(const struct import *im, const struct msg *x)
{
	diag_warn(im->po, x->line, 1, "the original of '%s' changed since this file was exported; entry skipped", x->ctx);
}

/* Writes the page's edits into its translation, or into a copy of its original
 * that becomes the translation (only when every passage is translated). */
static void write_page(struct import *im, const struct page *p, const struct passage_set *sg,
                       const struct passage_set *tr, bool have, struct edit *edits, size_t nedits, size_t translated)
{
	const char *code = im->s->langs[im->lang].code;
	if (!have && translated < sg->n) {
		if (translated) {
			char *rel = translation_path(p->docs[0]->src, code);
			diag_warn(im->po, 0, 0, "page '%s' is only partly translated; %s not created", p->key, rel);
			free(rel);
		}
		return;
	}
	if (!nedits)
		return;
	char *out = apply_edits(have ? tr->text : sg->text, have ? tr->len : sg->len, edits, nedits);
	char *rel = have ? xstrdup(p->docs[im->lang]->src) : translation_path(p->docs[0]->src, code);
	if (out)
		update(im, rel, out);
	else
		diag_error(rel, 0, 0, "passages overlap; not imported (keep title and summary on lines of their own)");
	free(rel);
	free(out);
}

static void import_page(struct import *im, const struct page *p, const struct msg_index *ix)
{
	struct passage_set sg, tr = {0};
	if (!passage_set_read(im->s, p->docs[0], &sg))
		return;
	bool have = p->docs[im->lang] && passage_set_read(im->s, p->docs[im->lang], &tr);
	struct edit *edits = NULL;
	size_t nedits = 0, translated = 0;
	for (size_t k = 0; k < sg.n; k++) {
		char *ctx = page_ctx(p, &sg, k);
		struct msg *hit = msg_find(ix, ctx);
		free(ctx);
		if (hit)
			hit->seen = true;
		if (!hit || !*hit->str)
			continue;
		if (passage_digest(hit->id, strlen(hit->id)) != sg.v[k].digest) {
			changed_since_export(im, hit);
			continue;
		}
		translated++;
		const struct passage *t = have ? passage_pair(&sg, &tr, k) : NULL;
		const struct passage *target = have ? t : &sg.v[k];
		if (have && !t) {
			diag_warn(im->po, hit->line, 1, "%s does not have the shape of its original; '%s' not imported",
			          p->docs[im->lang]->src, hit->ctx);
			continue;
		}
		if (!have || strcmp(t->text, hit->str)) {
			edits = xrealloc(edits, (nedits + 1) * sizeof *edits);
			edits[nedits++] = (struct edit){target->start, target->end,
			                                reflow(have ? tr.text : sg.text, target, hit->str)};
		}
		if (!hit->fuzzy)
			status_store_add(im->st, TR_PAGES, p->key, sg.v[k].digest);
	}
	write_page(im, p, &sg, &tr, have, edits, nedits, translated);
	for (size_t i = 0; i < nedits; i++)
		free(edits[i].text);
	free(edits);
	passage_set_free(&sg);
	passage_set_free(&tr);
}

/* A "ui:<key>" message into content/i18n/<lang>.yaml. */
static void import_ui(struct import *im, const struct msg *x, const char *rel)
{
	const char *key = x->ctx + 3, *orig = site_ui(im->s, 0, key), *own = passage_ui_own(im->s, im->lang, key);
	if (!orig || strcmp(orig, x->id)) {
		changed_since_export(im, x);
		return;
	}
	if (!own || strcmp(own, x->str))
		set_flat(im, rel, key, x->str);
	if (!x->fuzzy)
		status_store_add(im->st, TR_UI, key, passage_digest(orig, strlen(orig)));
}

/* A "data:<name>/<id>/<field>" message into content/data/<name>.<lang>.yaml. */
static void import_data(struct import *im, const struct msg *x)
{
	char *name = xstrdup(x->ctx + 5), *s1 = strchr(name, '/'), *s2 = strrchr(name, '/');
	if (!s1 || s1 == s2) {
		free(name);
		return;
	}
	*s1 = *s2 = '\0';
	const char *id = s1 + 1, *field = s2 + 1, *orig = passage_field_original(im->s, name, id, field);
	if (!orig || strcmp(orig, x->id)) {
		changed_since_export(im, x);
	} else {
		char *rel = xasprintf("content/data/%s.%s.yaml", name, im->s->langs[im->lang].code);
		set_field(im, rel, id, field, x->str);
		if (!x->fuzzy)
			status_store_add(im->st, TR_DATA, x->ctx + 5, passage_digest(orig, strlen(orig)));
		free(rel);
	}
	free(name);
}

/* The language named by the PO header, or -1 after reporting it. The header
 * is looked up by hand: po_file_domain_header() of libgettextpo 0.21 returns
 * a copy that its declaration calls const, so it could be neither used
 * without a leak nor freed safely. */
static int header_lang(const struct site *s, po_file_t f, const char *path)
{
	const char *hdr = NULL;
	po_message_iterator_t it = po_message_iterator(f, NULL);
	po_message_t m;
	while (!hdr && (m = po_next_message(it)))
		if (!po_message_msgctxt(m) && !*po_message_msgid(m) && !po_message_is_obsolete(m))
			hdr = po_message_msgstr(m); /* the header entry; borrowed from f */
	po_message_iterator_free(it);
	char *code = hdr ? po_header_field(hdr, "Language") : NULL;
	int l = code ? site_lang(s, code) : -1;
	if (l <= 0) {
		diag_error(path, 0, 0, "the header's Language ('%s') is not a translation language of this site",
		           code ? code : "");
		l = -1;
	}
	free(code);
	return l;
}

int po_import(const struct site *s, const char *path)
{
	size_t before_errors = diag_errors();
	po_file_t f = po_file_read(path, &handler);
	int l = f && diag_errors() == before_errors ? header_lang(s, f, path) : -1;
	if (l < 0) {
		/* A file with syntax errors may hold half entries: import nothing. */
		if (f)
			po_file_free(f);
		return 1;
	}
	size_t nm;
	struct msg *all = read_messages(f, path, &nm);
	if (diag_errors() > before_errors) {
		/* Nothing is imported from a file with an entry that cannot be written. */
		free(all);
		po_file_free(f);
		return 1;
	}
	struct msg_index ix;
	msg_index(&ix, all, nm);
	struct import im = {s, (size_t)l, path, status_store_load(s, (size_t)l), 0};
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		if (!p->generated && p->docs[0] && msg_for_page(&ix, p->key))
			import_page(&im, p, &ix);
	}
	free(ix.v);
	char *ui_rel = xasprintf("content/i18n/%s.yaml", s->langs[l].code);
	for (size_t k = 0; k < nm; k++) {
		struct msg *x = &all[k];
		bool ui = !strncmp(x->ctx, "ui:", 3), data = !strncmp(x->ctx, "data:", 5);
		x->seen |= ui || data; /* unless found wanting below */
		if (*x->str && ui)
			import_ui(&im, x, ui_rel);
		else if (*x->str && data)
			import_data(&im, x);
	}
	free(ui_rel);
	for (size_t k = 0; k < nm; k++)
		if (!all[k].seen && *all[k].str)
			diag_warn(path, all[k].line, 1, "'%s' names nothing in this site; entry not imported", all[k].ctx);
	/* The status file changes only when the import brought something new. */
	status_store_save(s, (size_t)l, im.st, &im.changed);
	status_store_free(im.st);
	free(all);
	po_file_free(f);
	if (!im.changed)
		printf("vade: %s changed nothing\n", path);
	return diag_errors() ? 1 : 0;
}

/* }======= */
