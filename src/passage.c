/* passage.c — a site's translatable passages and their digests. */
#include "passage.h"
#include "markdown.h"

#include <cmark-gfm.h>
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* {======= digests and labels */

uint64_t passage_digest(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	bool space = false, any = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isspace(c)) {
			space = any;
			continue;
		}
		if (space) {
			h = (h ^ ' ') * 0x100000001b3ULL;
			space = false;
		}
		h = (h ^ c) * 0x100000001b3ULL;
		any = true;
	}
	return h;
}

char *passage_excerpt(const char *t)
{
	struct buf b = BUF_INIT;
	int words = 0;
	bool sp = false;
	for (const char *p = t; *p && words < 8; p++) {
		if (isspace((unsigned char)*p)) {
			if (!sp && b.len)
				words++;
			sp = true;
			continue;
		}
		if (sp && b.len)
			buf_addc(&b, ' ');
		sp = false;
		buf_addc(&b, *p);
	}
	bool more = words >= 8;
	char *e = xasprintf("\xe2\x80\x9c%s%s\xe2\x80\x9d", b.p, more ? "\xe2\x80\xa6" : "");
	buf_free(&b);
	return e;
}

/* }======= */

/* {======= a page's passages */

static struct passage *add(struct passage_set *set)
{
	/* room for 8, then doubled when n reaches a power of two (the set keeps no capacity of its own) */
	if (set->n == 0 || (set->n >= 8 && !(set->n & (set->n - 1))))
		set->v = xrealloc(set->v, (set->n ? set->n * 2 : 8) * sizeof *set->v);
	struct passage *g = &set->v[set->n++];
	memset(g, 0, sizeof *g);
	g->section = SIZE_MAX;
	return g;
}

/* Where each line of the body starts, as cmark ends lines: "\n", "\r\n" or a lone "\r". */
struct lines {
	size_t *start;          /* start[k]: the byte offset of line k + 1 */
	size_t n;
};

static void lines_index(struct lines *ls, const char *text, size_t len, size_t from)
{
	size_t cap = 64;
	ls->start = xmalloc(cap * sizeof *ls->start);
	ls->n = 0;
	ls->start[ls->n++] = from;
	for (size_t o = from; o < len; o++)
		if (text[o] == '\n' || (text[o] == '\r' && (o + 1 == len || text[o + 1] != '\n'))) {
			if (ls->n == cap)
				ls->start = xrealloc(ls->start, (cap *= 2) * sizeof *ls->start);
			ls->start[ls->n++] = o + 1;
		}
}

/* Byte offset of a cmark position (line, col), both 1-based, columns in
 * bytes. Clamped to len. */
static size_t offset_of(const struct lines *ls, size_t len, int line, int col)
{
	size_t k = line > 0 ? (size_t)line - 1 : 0;
	size_t o = k < ls->n ? ls->start[k] : len;
	o += (size_t)(col > 0 ? col - 1 : 0);
	return o < len ? o : len;
}

/* The front matter value of key: its bytes on its line and its text. */
static void front_matter_value(struct passage_set *set, const struct doc *d, const char *key)
{
	struct yml_doc *fm = doc_front_matter(d);
	const struct yml_node *n = fm ? yml_get(fm->root, key) : NULL;
	if (!n || n->kind != YML_SCALAR || !yml_str(n)) {
		doc_front_matter_done(d, fm);
		return;
	}
	/* The value's own bytes, from libyaml's marks: quotes and block scalars included. */
	size_t st, en;
	if (!yml_value_span(set->text, set->len, fm->root, key, &st, &en, NULL))
		st = en = yml_offset(set->text, set->len, n->line, n->col, NULL);
	struct passage *g = add(set);
	g->start = st;
	g->end = en;
	g->text = xstrdup(n->str);
	g->digest = passage_digest(n->str, n->len);
	g->line = n->line;
	g->label = xstrdup(key);
	g->yaml = true;
	g->kind = PASSAGE_META;
	doc_front_matter_done(d, fm);
}

/* Copies the passage [st, en), dropping the first `indent` columns of container
 * prefix ("> ", list indentation) from its continuation lines. */
static char *copy_text(const char *t, size_t st, size_t en, int indent)
{
	char *out = xmalloc(en - st + 1), *o = out;
	for (size_t i = st; i < en;) {
		const char *nl = memchr(t + i, '\n', en - i);
		size_t e = nl ? (size_t)(nl - t) + 1 : en; /* a line, its newline included */
		memcpy(o, t + i, e - i);
		o += e - i;
		i = e;
		for (int k = 0; nl && k < indent && i < en && (t[i] == ' ' || t[i] == '>'); k++)
			i++;
	}
	*o = '\0';
	return out;
}

/* The bytes [*st, *en) of a heading, paragraph or table cell in the file (its
 * body starts at off): without a heading's marks ("## ", closing '#'s, a
 * setext underline), a cell's leading spaces or trailing white space. False
 * when nothing is left. */
static bool node_bytes(const struct passage_set *set, const struct lines *ls, cmark_node *n, bool heading, bool cell,
                       size_t *st, size_t *en)
{
	const char *t = set->text;
	size_t len = set->len;
	int sl = cmark_node_get_start_line(n), sc = cmark_node_get_start_column(n);
	int el = cmark_node_get_end_line(n), ec = cmark_node_get_end_column(n);
	size_t s = offset_of(ls, len, sl, sc), e = offset_of(ls, len, el, ec) + 1;
	if (ec == 0) /* ends at the end of the previous line */
		e = offset_of(ls, len, el, 1) - 1;
	if (e > len)
		e = len;
	if (heading && t[s] == '#') {
		/* An ATX heading's text: after the opening #s and the spaces or tabs after them. cmark-gfm's
		 * end position leaves out a closing sequence (CommonMark 4.2, only #s that a space or tab
		 * precedes): "C#" and "C \#" end in their '#', which are the heading's. */
		while (s < e && t[s] == '#')
			s++;
		while (s < e && (t[s] == ' ' || t[s] == '\t'))
			s++;
	} else if (heading) { /* setext: the text without its underline */
		size_t nl = e;
		while (nl > s && t[nl - 1] != '\n')
			nl--;
		e = nl ? nl - 1 : s;
	}
	while (e > s && (t[e - 1] == '\n' || t[e - 1] == ' ' || t[e - 1] == '\r'))
		e--;
	while (cell && s < e && t[s] == ' ')
		s++;
	*st = s;
	*en = e;
	return e > s;
}

/* The body's headings, paragraphs and table cells, each labelled with the
 * heading it stands under and its number there. */
static void cut_body(struct passage_set *set, const struct doc *d)
{
	size_t off = d->body_off <= set->len ? d->body_off : set->len; /* the file may have shrunk */
	/* A text over markdown.h's limits is parsed as nothing: its passages were left out of an export,
	 * a status and an import without a word (helper-171); the error is the one its render says. */
	struct text_place at = {d->body_line, 1, 0, false, set->text + off, set->len - off, NULL};
	if (!markdown_limits_said(d->src, &at, set->text + off, set->len - off)) {
		set->refused = true;
		return;
	}
	cmark_node *doc = markdown_parse_blocks(set->text + off, set->len - off);
	struct lines ls;
	lines_index(&ls, set->text, set->len, off);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	size_t section = SIZE_MAX;
	int nth = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		const char *ts = cmark_node_get_type_string(n);
		bool heading = cmark_node_get_type(n) == CMARK_NODE_HEADING;
		bool cell = ts && !strcmp(ts, "table_cell");
		size_t st, en;
		if ((!heading && !cell && cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH) ||
		    !node_bytes(set, &ls, n, heading, cell, &st, &en))
			continue;
		struct passage *g = add(set);
		g->start = st;
		g->end = en;
		g->kind = heading ? PASSAGE_HEADING : cell ? PASSAGE_CELL : PASSAGE_PARAGRAPH;
		g->indent = cmark_node_get_start_column(n) - 1;
		g->text = copy_text(set->text, st, en, g->indent);
		g->digest = passage_digest(g->text, strlen(g->text));
		g->line = d->body_line + cmark_node_get_start_line(n) - 1;
		if (heading) {
			section = set->n - 1;
			nth = 0;
			g->section = SIZE_MAX;
		} else {
			g->section = section;
			g->nth = ++nth;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	free(ls.start);
}

char *passage_label(const struct passage_set *set, size_t i)
{
	const struct passage *g = &set->v[i];
	if (g->kind == PASSAGE_META)
		return xstrdup(g->label);
	char *ex = passage_excerpt(g->text), *label;
	const char *what = g->kind == PASSAGE_CELL ? "table cell" : "paragraph";
	if (g->kind == PASSAGE_HEADING)
		label = xasprintf("heading %s", ex);
	else if (g->section != SIZE_MAX)
		label = xasprintf("%s, %s %d: %s", set->v[g->section].text, what, g->nth, ex);
	else
		label = xasprintf("%s %d: %s", what, g->nth, ex);
	free(ex);
	return label;
}

void passage_set_cut(struct passage_set *set, const struct doc *d, char *text, size_t len)
{
	memset(set, 0, sizeof *set);
	set->text = text;
	set->len = len;
	front_matter_value(set, d, "title");
	front_matter_value(set, d, "summary");
	cut_body(set, d);
}

bool passage_set_read(const struct site *s, const struct doc *d, struct passage_set *set)
{
	memset(set, 0, sizeof *set);
	char *text;
	size_t len;
	if (site_read(s, d->src, &text, &len) != 0)
		return false;
	passage_set_cut(set, d, text, len);
	if (set->refused) { /* nothing of it is aligned, exported or recorded */
		passage_set_free(set);
		set->refused = true;
		return false;
	}
	return true;
}

void passage_set_free(struct passage_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].text);
		free(set->v[i].label);
	}
	free(set->v);
	free(set->text);
	memset(set, 0, sizeof *set);
}

/* }======= */

/* {======= UI strings and data fields */

void passage_ui_keys(const struct site *s, struct vec *keys)
{
	struct strmap seen = STRMAP_INIT; /* the keys so far: 80,000 UI strings compared one by one took a minute */
	for (size_t i = 0; i < keys->n; i++)
		strmap_put(&seen, keys->v[i], NULL);
	for (int k = 0; k < 2; k++) {
		const struct yml_doc *d = s->ui[k];
		for (size_t i = 0; d && d->root && d->root->kind == YML_MAP && i + 1 < d->root->n; i += 2) {
			const char *key = d->root->kids[i]->str;
			const char *orig = site_ui(s, 0, key);
			if (!orig || text_blank(orig))
				continue; /* not text, or none: nothing to translate (and t() reports the first) */
			bool added;
			strmap_put(&seen, key, &added);
			if (added)
				vec_push(keys, (void *)key);
		}
	}
	strmap_free(&seen);
}

const char *passage_ui_own(const struct site *s, size_t lang, const char *key)
{
	for (int k = 0; k < 2; k++) {
		const char *v = site_ui_in(s, lang, k, key);
		if (v)
			return v;
	}
	return NULL;
}

/* Fields that identify, link or date an item rather than say something. */
static bool translatable_field(const char *k)
{
	static const char *const no[] = {"id", "url", "URL", "ref", "parent", "kind", "year", "topics", "type",
	                                 "acronym", "DOI", "ISBN", "ISSN", "lang", "language", NULL};
	for (const char *const *n = no; *n; n++)
		if (!strcmp(k, *n))
			return false;
	return true;
}

const struct yml_node *passage_data_item(const struct yml_node *list, const char *id)
{
	for (size_t i = 0; list && list->kind == YML_SEQ && i < list->n; i++) {
		const char *v = yml_str(yml_get(list->kids[i], "id"));
		if (v && !strcmp(v, id))
			return list->kids[i];
	}
	return NULL;
}

const char *passage_field_original(const struct site *s, const char *name, const char *id, const char *field)
{
	const struct data_file *df = site_data_file(s, name, -1);
	const struct yml_node *item = df && df->doc ? site_data_item(df, id) : NULL;
	return yml_str(yml_get(item, field));
}

/* The reach of the PO and XLIFF files and of the status, in one place: the text fields of the
 * items with ids of a top-level list, in the default language's data files but the bibliography
 * (sources are cited in their own language). For df, calls field for each text field reached and
 * outside (when not NULL) for each value the rule leaves out, with the key it stands under (NULL
 * for an item or the file's root). False when df is none of those files. */
struct reach {
	void (*field)(struct reach *r, const struct data_file *df, const char *id, const char *key,
	              const struct yml_node *v);
	void (*outside)(struct reach *r, const struct yml_node *n, const char *key);
};

static bool reach_file(const struct data_file *df, struct reach *r)
{
	if (df->lang != -1 || !df->doc || !df->doc->root || !strcmp(df->name, "references"))
		return false;
	const struct yml_node *root = df->doc->root;
	if (root->kind != YML_SEQ && r->outside)
		r->outside(r, root, NULL);
	for (size_t j = 0; root->kind == YML_SEQ && j < root->n; j++) {
		const struct yml_node *item = root->kids[j];
		const char *id = yml_str(yml_get(item, "id"));
		if (!id || item->kind != YML_MAP) {
			if (r->outside)
				r->outside(r, item, NULL);
			continue;
		}
		for (size_t k = 0; k + 1 < item->n; k += 2) {
			const struct yml_node *v = item->kids[k + 1];
			const char *f = item->kids[k]->str;
			long long iv;
			double dv;
			if (v->kind != YML_SCALAR) {
				if (r->outside)
					r->outside(r, v, f);
			} else if (translatable_field(f) && yml_resolve(v, &iv, &dv) == YML_T_STR && r->field) {
				r->field(r, df, id, f, v);
			}
		}
	}
	return true;
}

struct each {
	struct reach r;
	passage_field_fn fn;
	void *ctx;
	const struct data_file *tr; /* df's translation, or NULL */
};

static void each_field(struct reach *r, const struct data_file *df, const char *id, const char *key,
                       const struct yml_node *v)
{
	struct each *e = (struct each *)r;
	const struct yml_node *ti = e->tr && e->tr->doc ? site_data_item(e->tr, id) : NULL;
	char *path = xasprintf("%s/%s/%s", df->name, id, key);
	e->fn(e->ctx, path, df, v, yml_str(yml_get(ti, key)));
	free(path);
}

void passage_fields_each(const struct site *s, size_t lang, passage_field_fn fn, void *ctx)
{
	struct each e = {{each_field, NULL}, fn, ctx, NULL};
	for (size_t i = 0; i < s->ndata; i++) {
		e.tr = site_data_file(s, s->data[i].name, (int)lang);
		reach_file(&s->data[i], &e.r);
	}
}

struct outside {
	struct reach r;
	size_t count;               /* the text values left out */
	const struct yml_node *first;
	const char *first_key;
};

/* Counts the text values in n, under key, noting the first. */
static void outside_count(struct reach *r, const struct yml_node *n, const char *key)
{
	struct outside *o = (struct outside *)r;
	long long iv;
	double dv;
	if (n->kind == YML_SCALAR) {
		if (key && translatable_field(key) && yml_resolve(n, &iv, &dv) == YML_T_STR && *n->str && !o->count++) {
			o->first = n;
			o->first_key = key;
		}
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		if (n->kind == YML_SEQ)
			outside_count(r, n->kids[i], key);
		else if (i % 2)
			outside_count(r, n->kids[i], n->kids[i - 1]->str);
}

void passage_fields_warn_outside(const struct site *s)
{
	for (size_t i = 0; i < s->ndata; i++) {
		const struct data_file *df = &s->data[i];
		struct outside o = {{NULL, outside_count}, 0, NULL, NULL};
		if (!reach_file(df, &o.r) || !o.count)
			continue;
		char more[64] = "";
		if (o.count > 1)
			snprintf(more, sizeof more, " and %zu more text value%s of this file", o.count - 1,
			         o.count > 2 ? "s" : "");
		diag_warn(df->src, o.first->line, o.first->col, "'%s' here%s %s not in the PO and XLIFF files, nor in the "
		          "status, which hold the text fields of the items of a top-level list with ids; translate %s "
		          "in content/data/%s.<lang>.yaml by hand", o.first_key, more, o.count > 1 ? "are" : "is",
		          o.count > 1 ? "them" : "it", df->name);
	}
}

/* }======= */
