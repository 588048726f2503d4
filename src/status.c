/* status.c — the translation record, the alignment of a page with it, and the report. */
#include "status.h"
#include "align.h"
#include "diag.h"
#include "escape.h"
#include "passage.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

/* {======= the record: content/i18n/<lang>.status.yaml */

struct kv {
	char *key;
	struct rec *v;
	size_t n;
};

struct status_store {
	struct vec part[TR_KINDS]; /* of struct kv*, sorted by key */
};

static const char *const part_names[TR_KINDS] = {"pages", "ui", "data"};
static const char *const rec_state_names[3] = {"current", "fuzzy", "untranslated"};

char *status_store_path(const struct site *s, size_t lang)
{
	return site_i18n_file(s, lang, ".status.yaml");
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

static void recs_free(struct rec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].source);
	}
	free(v);
}

static void kv_free(struct kv *e)
{
	recs_free(e->v, e->n);
	free(e->key);
	free(e);
}

static bool parse_hex(const char *s, uint64_t *d)
{
	if (!s || strlen(s) != 16)
		return false;
	char *end;
	*d = strtoull(s, &end, 16);
	return *end == '\0';
}

/* One passage's record from the file: [name, digest, state, text] for a page
 * passage (has_name), [digest, state, text] for the others, or a bare digest
 * as records were written before passages had names and states. */
static bool rec_read(const struct yml_node *n, bool has_name, struct rec *r)
{
	memset(r, 0, sizeof *r);
	if (n->kind == YML_SCALAR)
		return parse_hex(yml_str(n), &r->digest);
	size_t o = has_name ? 1 : 0;
	if (n->kind != YML_SEQ || n->n < o + 2 || !parse_hex(yml_str(n->kids[o]), &r->digest))
		return false;
	const char *state = yml_str(n->kids[o + 1]);
	for (int s = 0; s < 3; s++)
		if (state && !strcmp(state, rec_state_names[s]))
			r->state = (enum rec_state)s;
	if (has_name && yml_str(n->kids[0]))
		r->name = xstrdup(yml_str(n->kids[0]));
	if (n->n > o + 2 && yml_str(n->kids[o + 2]))
		r->source = xstrdup(yml_str(n->kids[o + 2]));
	return true;
}

/* Reads the record rel of tree t (shown as shown), if there is one. */
static void store_read(const struct tree *t, const char *rel, const char *shown, struct status_store *st)
{
	char *text;
	size_t len;
	if (tree_kind(t, rel, NULL) == TREE_NONE || tree_read(t, rel, &text, &len) != 0)
		return;
	len = text_normalize(text, len);
	struct yml_doc *d = yml_parse_written(shown, text, len);
	free(text);
	for (int k = 0; d && k < TR_KINDS; k++) {
		const struct yml_node *m = yml_get(d->root, part_names[k]);
		for (size_t i = 0; m && m->kind == YML_MAP && i + 1 < m->n; i += 2) {
			/* a page's key in NFC, as site.c names pages (a record written for an NFD file name) */
			char *nfc = k == TR_PAGES ? text_nfc(m->kids[i]->str) : NULL;
			struct kv *e = store_make(st, (enum tr_kind)k, nfc ? nfc : m->kids[i]->str);
			free(nfc);
			const struct yml_node *v = m->kids[i + 1];
			recs_free(e->v, e->n); /* the site's record replaces the theme's */
			e->v = NULL, e->n = 0;
			/* A page's record is a list of passages; a UI string's or data field's, one. */
			bool list = k == TR_PAGES && v->kind == YML_SEQ;
			size_t count = list ? v->n : 1;
			e->v = xcalloc(count + 1, sizeof *e->v);
			for (size_t j = 0; j < count; j++)
				if (rec_read(list ? v->kids[j] : v, k == TR_PAGES, &e->v[e->n]))
					e->n++;
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

const struct rec *status_store_get(const struct status_store *st, enum tr_kind kind, const char *key, size_t *n)
{
	/* a record is YAML, UTF-8 text: a page whose name is no UTF-8 (a legacy code page) is kept under
	 * its name with U+FFFD and the hex digits of each such byte (utf8_repaired; helper-123: the raw
	 * byte made a record libyaml refuses, and every build after `vade i18n done` failed; helper-124:
	 * U+FFFD alone kept "caf\xe9" and "caf\xff" under one name) */
	char *valid = utf8_repaired(key);
	bool found;
	size_t i = store_pos(st, kind, valid ? valid : key, &found);
	free(valid);
	const struct kv *e = found ? st->part[kind].v[i] : NULL;
	*n = e ? e->n : 0;
	return e ? e->v : NULL; /* never NULL in a record: store_read() and status_store_put() allocate one more */
}

void status_store_put(struct status_store *st, enum tr_kind kind, const char *key, const struct rec *v, size_t n)
{
	struct rec *copy = xcalloc(n + 1, sizeof *copy);
	for (size_t i = 0; i < n; i++) {
		copy[i] = v[i];
		copy[i].name = v[i].name ? xstrdup(v[i].name) : NULL;
		copy[i].source = v[i].source ? xstrdup(v[i].source) : NULL;
	}
	char *valid = utf8_repaired(key); /* as status_store_get() finds it */
	struct kv *e = store_make(st, kind, valid ? valid : key);
	free(valid);
	recs_free(e->v, e->n);
	e->v = copy;
	e->n = n;
}

/* A passage's text as the record keeps it: white space folded, as digests see it. */
static void add_folded(struct buf *b, const char *s)
{
	struct buf f = BUF_INIT;
	bool space = false;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = f.len > 0;
			continue;
		}
		if (space)
			buf_addc(&f, ' ');
		space = false;
		buf_addc(&f, *s);
	}
	esc_yaml_string(b, f.p, f.len);
	buf_free(&f);
}

static void rec_write(struct buf *b, const struct rec *r, bool with_name)
{
	buf_adds(b, "[");
	if (with_name) {
		const char *nm = r->name ? r->name : "";
		esc_yaml_string(b, nm, strlen(nm));
		buf_adds(b, ", ");
	}
	buf_addf(b, "\"%016" PRIx64 "\", %s", r->digest, rec_state_names[r->state]);
	if (r->source) {
		buf_adds(b, ", ");
		add_folded(b, r->source);
	}
	buf_adds(b, "]");
}

char *status_store_text(const struct site *s, size_t lang, const struct status_store *st, size_t *len)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "# What each %s translation was last brought in line with: per passage of the %s\n"
	             "# original, its name, digest, state and text. Written by `vade i18n`; keep it in\n"
	             "# version control with the translations.\n",
	         s->langs[lang].code, s->langs[0].code);
	for (int k = 0; k < TR_KINDS; k++) {
		buf_addf(&b, "%s:%s\n", part_names[k], st->part[k].n ? "" : " {}");
		for (size_t i = 0; i < st->part[k].n; i++) {
			const struct kv *e = st->part[k].v[i];
			/* Keys may hold any text: double-quoted. */
			buf_adds(&b, "  ");
			esc_yaml_string(&b, e->key, strlen(e->key));
			if (k == TR_PAGES) {
				buf_adds(&b, e->n ? ":\n" : ": []\n");
				for (size_t j = 0; j < e->n; j++) {
					buf_adds(&b, "    - ");
					rec_write(&b, &e->v[j], true);
					buf_addc(&b, '\n');
				}
			} else if (e->n) {
				buf_adds(&b, ": ");
				rec_write(&b, &e->v[0], false);
				buf_addc(&b, '\n');
			} else {
				buf_adds(&b, ": []\n");
			}
		}
	}
	return buf_detach(&b, len);
}

int status_store_save(const struct site *s, size_t lang, struct status_store *st, size_t *changed)
{
	size_t len;
	char *text = status_store_text(s, lang, st, &len), *rel = status_store_path(s, lang), *full = site_write_path(s, rel);
	int rc = full ? file_update(full, text, len) : 0; /* NULL: refused, and said */
	if (rc < 0)
		diag_error(rel, 0, 0, "cannot write: %s", strerror(errno));
	else if (rc > 0)
		say_path("vade: updated %s\n", rel);
	if (rc > 0 && changed)
		(*changed)++;
	free(full);
	free(rel);
	free(text);
	return diag_errors() ? -1 : 0;
}

/* }======= */

/* {======= a page's passages, aligned */

const char *const tr_change_names[TC_CHANGES] = {"current", "fuzzy", "untranslated", "changed",
                                                   "added",   "moved", "deleted"};

char *tr_page_unit_id(const char *key, const char *name)
{
	return xasprintf("page:%s:%s", key, name);
}

enum tr_state tr_change_state(enum tr_change c)
{
	return c == TC_CURRENT ? TR_CURRENT : c == TC_UNTRANSLATED || c == TC_ADDED ? TR_MISSING : TR_OUTDATED;
}

static bool named(const struct passage *g)
{
	return g->yaml; /* title and summary: front matter values, named by their key */
}

/* The index of the front matter passage of set with this name, or SIZE_MAX. */
static size_t find_named(const struct passage_set *set, const char *name)
{
	for (size_t i = 0; set && i < set->n; i++)
		if (named(&set->v[i]) && !strcmp(set->v[i].label, name))
			return i;
	return SIZE_MAX;
}

/* The indexes of set's body passages. Caller frees. */
static size_t *body_of(const struct passage_set *set, size_t *n)
{
	size_t *v = xcalloc((set ? set->n : 0) + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; set && i < set->n; i++)
		if (!named(&set->v[i]))
			v[(*n)++] = i;
	return v;
}

/* The record's names, those of a record written before names filled in: the
 * passage with the original's title (summary) digest is "title" ("summary"),
 * the others are numbered in order. Caller frees the array and the strings. */
static char **rec_names(const struct passage_set *orig, const struct rec *rec, size_t nrec)
{
	char **nm = xcalloc(nrec + 1, sizeof *nm);
	size_t title = find_named(orig, "title"), summary = find_named(orig, "summary"), body = 0;
	bool had_title = false, had_summary = false;
	for (size_t i = 0; i < nrec; i++) {
		if (rec[i].name)
			nm[i] = xstrdup(rec[i].name);
		else if (!had_title && title != SIZE_MAX && orig->v[title].digest == rec[i].digest)
			nm[i] = xstrdup("title"), had_title = true;
		else if (!had_summary && summary != SIZE_MAX && orig->v[summary].digest == rec[i].digest)
			nm[i] = xstrdup("summary"), had_summary = true;
		else
			nm[i] = xasprintf("%zu", ++body);
	}
	return nm;
}

/* What the similarity of two passages is computed from: the record's texts
 * (old) and the original's (new). */
struct likeness {
	const struct rec *rec;
	const size_t *rbody;
	const struct passage_set *orig;
	const size_t *obody;
};

/* The words of s, lower-cased ASCII, each once, sorted. Caller frees each and the array. */
static size_t words_of(const char *s, char ***out)
{
	struct vec v = VEC_INIT;
	while (s && *s) {
		while (*s && !isalnum((unsigned char)*s) && (unsigned char)*s < 0x80)
			s++;
		const char *w = s;
		while (*s && (isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80))
			s++;
		if (s > w) {
			char *x = xstrndup(w, (size_t)(s - w));
			for (char *c = x; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			vec_push(&v, x);
		}
	}
	xqsort(v.v, v.n, sizeof *v.v, cmp_str);
	size_t n = 0;
	for (size_t i = 0; i < v.n; i++) {
		if (n && !strcmp(v.v[n - 1], v.v[i]))
			free(v.v[i]);
		else
			v.v[n++] = v.v[i];
	}
	*out = (char **)v.v;
	return n;
}

/* Dice's coefficient over the two passages' sets of words; -1 when the old text was not kept. */
static double similar(void *ctx, size_t i, size_t j)
{
	const struct likeness *lk = ctx;
	const char *a = lk->rec[lk->rbody[i]].source, *b = lk->orig->v[lk->obody[j]].text;
	if (!a)
		return -1;
	char **wa, **wb;
	size_t na = words_of(a, &wa), nb = words_of(b, &wb), common = 0;
	for (size_t x = 0, y = 0; x < na && y < nb;) {
		int c = strcmp(wa[x], wb[y]);
		common += !c;
		x += c <= 0;
		y += c >= 0;
	}
	for (size_t x = 0; x < na; x++)
		free(wa[x]);
	for (size_t y = 0; y < nb; y++)
		free(wb[y]);
	free(wa);
	free(wb);
	return na + nb ? 2.0 * (double)common / (double)(na + nb) : 1;
}

static bool is_named(const char *name)
{
	return !strcmp(name, "title") || !strcmp(name, "summary");
}

static struct tr_passage *push(struct page_align *a, size_t orig, size_t rec, size_t tr, enum tr_change c,
                               const char *name)
{
	a->v = xgrow(a->v, a->n, sizeof *a->v);
	struct tr_passage *p = &a->v[a->n++];
	*p = (struct tr_passage){orig, rec, tr, c, xstrdup(name)};
	return p;
}

/* What the record says of a passage found again (same text, or moved, or edited). */
static enum tr_change found_again(const struct rec *r, enum align_kind k)
{
	if (r->state == REC_UNTRANSLATED)
		return TC_UNTRANSLATED;
	if (k == ALIGN_CHANGED)
		return TC_CHANGED;
	if (k == ALIGN_MOVED)
		return TC_MOVED;
	return r->state == REC_FUZZY ? TC_FUZZY : TC_CURRENT;
}

void page_align(const struct passage_set *orig, const struct rec *rec, size_t nrec, const struct passage_set *tr,
                struct page_align *out)
{
	memset(out, 0, sizeof *out);
	out->shape = true;
	if (!rec)
		nrec = 0;
	char **rn = rec_names(orig, rec, nrec);
	bool *used = xcalloc(nrec + 1, sizeof *used);
	size_t ob, rb = 0, tb;
	size_t *obody = body_of(orig, &ob), *tbody = body_of(tr, &tb);
	size_t *rbody = xcalloc(nrec + 1, sizeof *rbody);
	long maxname = 0;
	for (size_t i = 0; i < nrec; i++)
		if (!is_named(rn[i])) {
			rbody[rb++] = i;
			long v = strtol(rn[i], NULL, 10);
			maxname = v > maxname ? v : maxname;
		}
	bool have_tr = tr && tr->text;
	/* Which way the translation's body passages answer: the record's, in order
	 * (what import and done leave), or else the original's. */
	bool by_rec = rec && have_tr && tb == rb, by_orig = have_tr && !by_rec && tb == ob;

	/* Title and summary, by name. */
	for (size_t i = 0; i < orig->n; i++) {
		if (!named(&orig->v[i]))
			continue;
		const char *name = orig->v[i].label;
		size_t r = SIZE_MAX, t = have_tr ? find_named(tr, name) : SIZE_MAX;
		for (size_t k = 0; k < nrec && r == SIZE_MAX; k++)
			if (!strcmp(rn[k], name))
				r = k;
		enum tr_change c;
		if (!rec)
			c = t != SIZE_MAX ? TC_FUZZY : TC_UNTRANSLATED;
		else if (r == SIZE_MAX)
			c = TC_ADDED;
		else
			c = found_again(&rec[r], rec[r].digest == orig->v[i].digest ? ALIGN_SAME : ALIGN_CHANGED);
		if (c == TC_UNTRANSLATED && r != SIZE_MAX && t != SIZE_MAX && tr->v[t].digest != rec[r].digest)
			c = TC_FUZZY;
		if (r != SIZE_MAX)
			used[r] = true;
		push(out, i, r, t, c, name);
	}

	/* The body, by digests. */
	uint64_t *was = xcalloc(rb + 1, sizeof *was), *now = xcalloc(ob + 1, sizeof *now);
	for (size_t k = 0; k < rb; k++)
		was[k] = rec[rbody[k]].digest;
	for (size_t j = 0; j < ob; j++)
		now[j] = orig->v[obody[j]].digest;
	enum align_kind *kind = xcalloc(ob + 1, sizeof *kind);
	size_t *from = xcalloc(ob + 1, sizeof *from);
	struct likeness lk = {rec, rbody, orig, obody};
	align(was, rb, now, ob, kind, from, similar, &lk);
	/* A translation with both the record's and the original's number of body passages, where the
	 * original gained and lost passages since the record, answers one or the other: the translator
	 * left it, or gave it the original's new shape (helper-106: a paragraph deleted and another added
	 * in both). Either is a guess: its passages are all to be reviewed, and they answer the record's
	 * unless the kinds (heading, paragraph, cell) agree better with the original's; an import refuses
	 * the page where the guess would take a passage of the translation out (exchange.c). A pairing
	 * whose kinds disagree is none: the translation was built otherwise. */
	bool reshaped = false;
	size_t found = 0, mis_rec = 0, mis_orig = 0;
	for (size_t j = 0; j < ob; j++) {
		reshaped = reshaped || from[j] == SIZE_MAX;
		found += from[j] != SIZE_MAX;
		if (by_rec && from[j] != SIZE_MAX)
			mis_rec += orig->v[obody[j]].kind != tr->v[tbody[from[j]]].kind;
		if (have_tr && tb == ob)
			mis_orig += orig->v[obody[j]].kind != tr->v[tbody[j]].kind;
	}
	reshaped = reshaped || found < rb;
	bool guessed = by_rec && tb == ob && reshaped;
	if (guessed && mis_orig < mis_rec)
		by_rec = false, by_orig = true;
	out->guessed = guessed;
	if ((by_rec && mis_rec) || (by_orig && mis_orig))
		by_rec = by_orig = false;
	out->shape = !have_tr || by_rec || by_orig || tb == 0;
	for (size_t j = 0; j < ob; j++) {
		size_t r = from[j] == SIZE_MAX ? SIZE_MAX : rbody[from[j]];
		size_t t = by_rec && from[j] != SIZE_MAX ? tbody[from[j]] : by_orig ? tbody[j] : SIZE_MAX;
		enum tr_change c;
		char *fresh = NULL;
		if (!rec) {
			c = t != SIZE_MAX ? TC_FUZZY : TC_UNTRANSLATED;
			fresh = xasprintf("%zu", j + 1);
		} else if (r == SIZE_MAX) {
			c = TC_ADDED;
			fresh = xasprintf("%ld", ++maxname);
		} else {
			c = found_again(&rec[r], kind[j]);
			used[r] = true;
		}
		if (c == TC_UNTRANSLATED && r != SIZE_MAX && t != SIZE_MAX && tr->v[t].digest != rec[r].digest)
			c = TC_FUZZY; /* translated by hand since: to be reviewed (vade i18n done) */
		/* A translation given the original's shape by hand since its record (a passage added in
		 * place with the original's): paired by position, a guess, so nothing in it is current until
		 * reviewed, and what it holds for an added passage is its translation, to be reviewed, not
		 * lost to the original's text by an import (helper-105). */
		if (rec && (by_orig || guessed) && (c == TC_CURRENT || c == TC_MOVED))
			c = TC_FUZZY;
		if (c == TC_ADDED && t != SIZE_MAX && tr->v[t].digest != now[j])
			c = TC_FUZZY;
		push(out, obody[j], r, t, c, fresh ? fresh : rn[r]);
		free(fresh);
	}

	/* What the original no longer has. */
	size_t *body_at = xcalloc(nrec + 1, sizeof *body_at); /* record index -> its place among the body's */
	for (size_t k = 0; k < rb; k++)
		body_at[rbody[k]] = k;
	for (size_t i = 0; i < nrec; i++) {
		if (used[i])
			continue;
		size_t t = SIZE_MAX;
		if (is_named(rn[i]) && have_tr)
			t = find_named(tr, rn[i]);
		else if (by_rec)
			t = tbody[body_at[i]];
		push(out, SIZE_MAX, i, t, TC_DELETED, rn[i]);
	}
	free(body_at);
	for (size_t i = 0; i < nrec; i++)
		free(rn[i]);
	free(rn);
	free(used);
	free(obody);
	free(tbody);
	free(rbody);
	free(was);
	free(now);
	free(kind);
	free(from);
}

void page_align_free(struct page_align *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].name);
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* }======= */

/* {======= the report */

static const char never_note[] = "never marked as translated (vade i18n done)";
#define NEVER never_note
static const char shape_note[] = "it has not as many headings, paragraphs and cells as its original: one lost, or built otherwise (export and import cannot pair them; give it one for each of the original's)";
#define SHAPE shape_note

static size_t count_words(const char *s)
{
	size_t n = 0;
	bool in = false;
	for (; s && *s; s++) {
		bool sp = isspace((unsigned char)*s);
		n += !sp && !in;
		in = !sp;
	}
	return n;
}

static struct tr_entry *add_entry(struct tr_lang *L, enum tr_kind k, const char *id, const char *src)
{
	L->e[k] = xgrow(L->e[k], L->n[k], sizeof *L->e[k]);
	struct tr_entry *e = &L->e[k][L->n[k]++];
	memset(e, 0, sizeof *e);
	e->id = xstrdup(id);
	e->src = xstrdup(src);
	return e;
}

/* Counts a passage of e (text, its words, in change c); true when it is to be listed: it is not current
 * and e lists fewer than `listed`. The caller then lists it with list_passage(). */
static bool count_passage(struct tr_entry *e, enum tr_change c, const char *text, size_t listed, size_t *words)
{
	size_t w = count_words(text);
	enum tr_state st = tr_change_state(c);
	e->passages[st]++;
	e->words[st] += w;
	*words = w;
	if (c == TC_CURRENT)
		return false;
	e->nitems++;
	e->untranslated += c == TC_UNTRANSLATED;
	return e->nlisted < listed;
}

/* A listed passage's words as struct tr_item keeps them. */
static uint32_t item_words(uint64_t words)
{
	return words > UINT32_MAX ? UINT32_MAX : (uint32_t)words;
}

/* Lists a passage count_passage() said to list; takes id and label. */
static void list_passage(struct tr_entry *e, char *id, enum tr_change c, char *label, size_t words)
{
	e->items = xgrow(e->items, e->nlisted, sizeof *e->items);
	e->items[e->nlisted++] = (struct tr_item){.id = id, .label = label, .words = item_words(words),
	                                          .change = (unsigned char)c};
}

/* The ids and labels of a page's passages as listed in its first languages' entries, for the
 * others to share: a passage of the original has the same id and label in every language, and
 * one copy per language was a tenth of a 10,000-page build's memory at three languages (more
 * with more; issue 13). The strings belong to the entry that listed them first. */
struct listed_once {
	struct strmap by_name;  /* passage name -> its index in id, label and orig */
	struct vec id, label;
	size_t *orig;           /* the original's passage each is: a name is a language's record's, so
	                         * the same name may be another passage in another language */
};

/* A UI string or data field: one passage, against its record. */
static void one_passage(struct tr_entry *e, const struct status_store *st, enum tr_kind k, const char *unit_id,
                        const char *orig, size_t len, bool translated, size_t listed)
{
	size_t n;
	const struct rec *r = translated ? status_store_get(st, k, e->id, &n) : NULL;
	enum tr_change c = !translated      ? TC_UNTRANSLATED
	                   : !r || !n       ? TC_FUZZY
	                   : r->digest != passage_digest(orig, len) ? TC_CHANGED
	                   : r->state == REC_CURRENT ? TC_CURRENT
	                   : r->state == REC_FUZZY   ? TC_FUZZY
	                                             : TC_UNTRANSLATED;
	if (translated && (!r || !n))
		e->note = NEVER;
	size_t words;
	if (count_passage(e, c, orig, listed, &words))
		list_passage(e, xstrdup(unit_id), c, passage_excerpt(orig), words);
	e->state = tr_change_state(c);
}

struct data_ctx {
	struct tr_lang *L;
	const struct status_store *st;
	size_t listed;
};

static void data_status(void *ctx, const char *path, const struct data_file *df, const struct yml_node *value,
                        const char *translated)
{
	struct data_ctx *c = ctx;
	char *id = xasprintf("data:%s", path);
	one_passage(add_entry(c->L, TR_DATA, path, df->src), c->st, TR_DATA, id, value->str, value->len,
	            translated != NULL, c->listed);
	free(id);
}

/* A passage's file lines, first to last. */
struct line_span {
	int first, last, col;
};

static int cmp_span(const void *a, const void *b)
{
	const struct line_span *x = a, *y = b;
	if (x->first != y->first)
		return (x->first > y->first) - (x->first < y->first);
	return x->col != y->col ? (x->col > y->col) - (x->col < y->col) : (x->last > y->last) - (x->last < y->last);
}

/* An array of n elements of size bytes made by xgrow(), without its spare room; NULL when empty. */
static void *trim(void *p, size_t n, size_t size)
{
	if (!n) {
		free(p);
		return NULL;
	}
	return xrealloc(p, n * size);
}

/* The entry of a page whose original has passages orig and whose translation
 * (when it has one) has tr, against its record. */
static void page_entry(struct tr_entry *e, const struct page *p, const struct passage_set *orig,
                       const struct passage_set *tr, const struct rec *rec, size_t nrec, bool have, size_t listed,
                       struct listed_once *once, bool title_from_heading, bool orig_from_heading)
{
	struct page_align a;
	page_align(orig, have ? rec : NULL, nrec, have ? tr : NULL, &a);
	e->recorded = have && rec;
	/* the first heading of the translation and of the original: its title, when it has no `title:`
	 * (doc.title_from_heading) */
	size_t first_heading = SIZE_MAX, orig_heading = SIZE_MAX;
	bool own_title = title_from_heading;
	for (size_t i = 0; have && i < tr->n; i++) {
		if (title_from_heading && first_heading == SIZE_MAX && tr->v[i].kind == PASSAGE_HEADING)
			first_heading = i;
		own_title |= tr->v[i].kind == PASSAGE_META && !strcmp(tr->v[i].label, "title");
	}
	for (size_t i = 0; orig_from_heading && i < orig->n && orig_heading == SIZE_MAX; i++)
		if (orig->v[i].kind == PASSAGE_HEADING)
			orig_heading = i;
	for (size_t i = 0; i < a.n; i++) {
		const struct tr_passage *tp = &a.v[i];
		if (have && tp->orig != SIZE_MAX && orig->v[tp->orig].kind == PASSAGE_HEADING) {
			e->head_orig = xgrow(e->head_orig, e->nheads, sizeof *e->head_orig);
			e->head_tr = xgrow(e->head_tr, e->nheads, sizeof *e->head_tr);
			e->head_orig[e->nheads] = orig->v[tp->orig].line;
			e->head_tr[e->nheads++] = tp->tr != SIZE_MAX && tr->v[tp->tr].kind == PASSAGE_HEADING
			                          ? tr->v[tp->tr].line : 0;
		}
		const struct passage *g = tp->orig != SIZE_MAX ? &orig->v[tp->orig] : NULL;
		const char *text = g ? g->text : rec[tp->rec].source;
		/* A passage nobody has translated holds the original's text as the record has it (an import
		 * wrote it): once the original changed, that copy is its old text, which the page shows. It
		 * counts as changed, as a translation would, so the page says it is behind its original and
		 * status lists it (it was untranslated alone: the page showed the old text, say an old phone
		 * number, with no word); an export offers it untranslated, and an import writes the new text. */
		bool stale = have && tp->change == TC_UNTRANSLATED && g && tp->rec != SIZE_MAX && tp->tr != SIZE_MAX &&
		             rec[tp->rec].digest != g->digest;
		enum tr_change shown = stale ? TC_CHANGED : tp->change;
		size_t words;
		if (have && count_passage(e, shown, text, listed, &words)) {
			/* a passage of the original is labelled by it; one gone from it (deleted), by its record's
			 * text in this language */
			size_t *at = g ? strmap_get(&once->by_name, tp->name) : NULL;
			if (at && once->orig[*at] == tp->orig) { /* the same name and passage: the same id and label */
				list_passage(e, once->id.v[*at], shown, once->label.v[*at], words);
				e->items[e->nlisted - 1].borrowed = true;
			} else {
				char *id = tr_page_unit_id(p->key, tp->name);
				char *label = g ? passage_label(orig, tp->orig) : text ? passage_excerpt(text)
				                                                    : xasprintf("passage %s", tp->name);
				list_passage(e, id, shown, label, words);
				if (g && !at) {
					*strmap_put(&once->by_name, tp->name, NULL) = once->id.n;
					once->orig = xgrow(once->orig, once->id.n, sizeof *once->orig);
					once->orig[once->id.n] = tp->orig;
					vec_push(&once->id, id);
					vec_push(&once->label, label);
				}
			}
		}
		if (!have) /* counted, not listed: the whole page is missing */
			e->passages[TR_MISSING]++, e->words[TR_MISSING] += count_words(text);
		if (have && tp->change == TC_UNTRANSLATED && tp->tr != SIZE_MAX) {
			/* a title or summary shown in the original's language: templates mark it so (title_lang) */
			const struct passage *t = &tr->v[tp->tr];
			e->title_foreign |= (t->kind == PASSAGE_META && !strcmp(t->label, "title")) || tp->tr == first_heading;
			e->summary_foreign |= t->kind == PASSAGE_META && !strcmp(t->label, "summary");
		}
		/* a translation with no title of its own shows its original's (site.c), untranslated */
		if (have && !own_title && tp->tr == SIZE_MAX && tp->orig != SIZE_MAX)
			e->title_foreign |= (g && g->kind == PASSAGE_META && !strcmp(g->label, "title")) || tp->orig == orig_heading;
		if (have && tp->change == TC_UNTRANSLATED && tp->tr != SIZE_MAX && tr->v[tp->tr].kind != PASSAGE_META) {
			const struct passage *t = &tr->v[tp->tr];
			int last = t->line;
			for (const char *c = t->text; *c; c++)
				last += *c == '\n';
			e->foreign = xgrow(e->foreign, e->nforeign, sizeof *e->foreign);
			e->foreign_end = xgrow(e->foreign_end, e->nforeign, sizeof *e->foreign_end);
			e->foreign_col = xgrow(e->foreign_col, e->nforeign, sizeof *e->foreign_col);
			e->foreign[e->nforeign] = t->line;
			e->foreign_col[e->nforeign] = t->kind == PASSAGE_CELL ? t->indent + 1 : 0;
			e->foreign_end[e->nforeign++] = last;
		}
	}
	if (!have)
		e->state = TR_MISSING;
	else if (!rec)
		e->state = TR_OUTDATED, e->note = NEVER;
	else if (!a.shape)
		e->state = TR_OUTDATED, e->note = SHAPE; /* a passage lost, or a translation built otherwise: someone must look */
	else
		e->state = e->nitems ? TR_OUTDATED : TR_CURRENT;
	page_align_free(&a);
	/* In the translation's order (an import leaves it the original's; a hand edit may not). */
	size_t i = 1;
	while (i < e->nforeign && (e->foreign[i - 1] < e->foreign[i] ||
	                           (e->foreign[i - 1] == e->foreign[i] && e->foreign_col[i - 1] <= e->foreign_col[i])))
		i++;
	if (i < e->nforeign) {
		struct line_span *sp = xmalloc(e->nforeign * sizeof *sp);
		for (i = 0; i < e->nforeign; i++)
			sp[i] = (struct line_span){e->foreign[i], e->foreign_end[i], e->foreign_col[i]};
		xqsort(sp, e->nforeign, sizeof *sp, cmp_span);
		for (i = 0; i < e->nforeign; i++)
			e->foreign[i] = sp[i].first, e->foreign_end[i] = sp[i].last, e->foreign_col[i] = sp[i].col;
		free(sp);
	}
	/* Kept for the build's life: no room to spare (xgrow() doubled them). */
	e->items = trim(e->items, e->nlisted, sizeof *e->items);
	e->head_orig = trim(e->head_orig, e->nheads, sizeof *e->head_orig);
	e->head_tr = trim(e->head_tr, e->nheads, sizeof *e->head_tr);
	e->foreign = trim(e->foreign, e->nforeign, sizeof *e->foreign);
	e->foreign_end = trim(e->foreign_end, e->nforeign, sizeof *e->foreign_end);
	e->foreign_col = trim(e->foreign_col, e->nforeign, sizeof *e->foreign_col);
}

bool tr_entry_never(const struct tr_entry *e)
{
	return e && e->note == NEVER;
}

bool tr_entry_outdated(const struct tr_entry *e, bool translated)
{
	return e && translated && e->state == TR_OUTDATED && e->nitems > e->untranslated && !tr_entry_never(e);
}

bool tr_entry_foreign(const struct tr_entry *e, int line)
{
	for (size_t i = 0; e && i < e->nforeign; i++)
		if (e->foreign[i] <= line && line <= e->foreign_end[i])
			return true;
	return false;
}

/* A page's status in every translation language; its original is read and cut
 * into passages once, however many languages need it. */
/* The status of page p (its entry in each language, added beforehand at index k). */
/* {======= the status cache (status.h)
 * A file: head, the digest of vade itself, `listed`, then per page its key (the digest of
 * what its entries are made of: cache_key) and its entries in every translation language;
 * the digest of all before. util.h's binary records. */

#define CACHE_HEAD "vade-status 3\n\0\0"
/* The pages whose entries the file lacks (changed since it was written whole) are kept in a patch
 * beside it while they are few (util.h's bin_patched): a one-page edit at 10,000 pages x 3 wrote
 * the 26 MB file again (issue 13). The patch: its head, the XXH3-64 the file ends with, vade's
 * digest, listed, n, nlangs and the entries as in the file, and its own XXH3-64. A damaged patch
 * is none: its pages are compared again. */
#define PATCH_HEAD "vade-status+ 4\n\0"

struct cached_page {
	uint64_t key;
	const char *at;         /* its entries in the file read or its patch */
};

struct status_cache {
	uint64_t exe;           /* vade's digest: another vade may cut passages otherwise */
	struct bin_patched bin; /* the file and its patch, or none */
	size_t base_listed;     /* the file's listed, when it was read */
	struct cached_page *old; /* by key */
	size_t nold;
	size_t listed;          /* the file's */
	/* the next file's, one per page of this report (cache_start): its entries made anew, or
	 * where they are in the file read */
	struct buf *blob;
	const char **kept;
	size_t *kept_len;
	uint64_t *keys;
	size_t n;
};

static int cmp_cached(const void *a, const void *b)
{
	uint64_t x = ((const struct cached_page *)a)->key, y = ((const struct cached_page *)b)->key;
	return x < y ? -1 : x > y;
}

/* Skips one entry at r (see put_entry); fills e when not NULL. False when it is damaged. */
static bool get_entry(struct bin_rd *r, struct tr_entry *e)
{
	uint64_t v[14];
	for (int i = 0; i < 14; i++)
		v[i] = bin_u64(r);
	if (!r->ok || v[1] > (1u << 30) || v[2] > v[1] || v[13] > v[1] || v[5] > (1u << 30) || v[6] > (1u << 30) || v[0] > TR_MISSING ||
	    v[3] > 2 || v[4] > 7)
		return r->ok = false;
	if (e) {
		e->state = (enum tr_state)v[0];
		e->nitems = v[1];
		e->nlisted = v[2];
		e->untranslated = v[13];
		e->note = v[3] == 1 ? NEVER : v[3] == 2 ? SHAPE : NULL;
		e->recorded = v[4] & 1;
		e->title_foreign = v[4] >> 1 & 1;
		e->summary_foreign = v[4] >> 2 & 1;
		for (int i = 0; i < 3; i++) {
			e->passages[i] = v[7 + i];
			e->words[i] = v[10 + i];
		}
		e->items = v[2] ? xcalloc(v[2], sizeof *e->items) : NULL;
	}
	for (uint64_t i = 0; i < v[2] && r->ok; i++) {
		const char *id = bin_str(r);
		uint64_t change = bin_u64(r);
		const char *label = bin_str(r);
		uint64_t words = bin_u64(r);
		if (e && r->ok)
			e->items[i] = (struct tr_item){.id = xstrdup(id), .label = xstrdup(label),
			                               .words = item_words(words),
			                               .change = change < TC_CHANGES ? (unsigned char)change : TC_CHANGED};
	}
	int *lists[5] = {NULL};
	uint64_t counts[5] = {v[5], v[5], v[5], v[6], v[6]};
	for (int k = 0; k < 5 && r->ok; k++) {
		if (e && counts[k])
			lists[k] = xcalloc(counts[k], sizeof *lists[k]);
		for (uint64_t i = 0; i < counts[k] && r->ok; i++) {
			uint64_t x = bin_u64(r);
			if (lists[k])
				lists[k][i] = (int)(int64_t)x;
		}
	}
	if (e) {
		e->foreign = lists[0], e->foreign_end = lists[1], e->foreign_col = lists[2], e->nforeign = v[5];
		e->head_orig = lists[3], e->head_tr = lists[4], e->nheads = v[6];
	}
	return r->ok;
}

static void put_ints(struct buf *b, const int *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bin_put_u64(b, (uint64_t)(int64_t)v[i]);
}

static void put_entry(struct buf *b, const struct tr_entry *e)
{
	uint64_t v[14] = {e->state, e->nitems, e->nlisted, e->note == NEVER ? 1 : e->note == SHAPE ? 2 : 0,
	                  (uint64_t)e->recorded | (uint64_t)e->title_foreign << 1 | (uint64_t)e->summary_foreign << 2,
	                  e->nforeign, e->nheads, e->passages[0], e->passages[1], e->passages[2], e->words[0],
	                  e->words[1], e->words[2], e->untranslated};
	for (int i = 0; i < 14; i++)
		bin_put_u64(b, v[i]);
	for (size_t i = 0; i < e->nlisted; i++) {
		bin_put_str(b, e->items[i].id);
		bin_put_u64(b, e->items[i].change);
		bin_put_str(b, e->items[i].label);
		bin_put_u64(b, e->items[i].words);
	}
	put_ints(b, e->foreign, e->nforeign);
	put_ints(b, e->foreign_end, e->nforeign);
	put_ints(b, e->foreign_col, e->nforeign);
	put_ints(b, e->head_orig, e->nheads);
	put_ints(b, e->head_tr, e->nheads);
}

/* Reads the n entries at r (each a key and nlangs - 1 entries) to the end of c->old. */
static bool read_cached(struct status_cache *c, struct bin_rd *r, uint64_t n, uint64_t nlangs)
{
	for (uint64_t i = 0; i < n && r->ok; i++) {
		c->old[c->nold].key = bin_u64(r);
		c->old[c->nold++].at = r->p;
		for (uint64_t l = 1; l < nlangs && r->ok; l++)
			get_entry(r, NULL);
	}
	return r->ok && r->p == r->end;
}

struct status_cache *status_cache_read(const char *path)
{
	struct status_cache *c = xcalloc(1, sizeof *c);
	if (!self_digest(&c->exe))
		c->exe = 0;
	struct bin_patched bin;
	if (!path || bin_patched_map(path, CACHE_HEAD, PATCH_HEAD, &bin) != 0)
		return c;
	const char *data = bin.whole.p;
	size_t len = bin.whole.len;
	struct bin_rd r = {data + 16, data + len - 8, true};
	uint64_t exe = bin_u64(&r), listed = bin_u64(&r), n = bin_u64(&r), nlangs = bin_u64(&r);
	if (exe != c->exe || n > len / 16) {
		bin_patched_unmap(&bin);
		return c;
	}
	/* its patch (it names this file): the same vade, passages and languages */
	const struct bin_map *pm = &bin.patch;
	uint64_t pn = 0;
	struct bin_rd pr = {NULL, NULL, false};
	if (pm->p) {
		pr = (struct bin_rd){pm->p + BIN_PATCH_BODY, pm->p + pm->len - 8, true};
		uint64_t pe = bin_u64(&pr), pl = bin_u64(&pr);
		pn = bin_u64(&pr);
		uint64_t pnl = bin_u64(&pr);
		if (!pr.ok || pe != exe || pl != listed || pnl != nlangs || pn > pm->len / 16) {
			bin_unmap(&bin.patch);
			pn = 0;
		}
	}
	c->old = xcalloc(n + pn + 1, sizeof *c->old);
	/* the patch first: a key is in one or the other */
	if (pm->p && !read_cached(c, &pr, pn, nlangs)) {
		c->nold = 0;
		bin_unmap(&bin.patch);
	}
	if (!read_cached(c, &r, n, nlangs)) {
		free(c->old);
		c->old = NULL;
		c->nold = 0;
		bin_patched_unmap(&bin);
		return c;
	}
	c->bin = bin;
	c->listed = c->base_listed = listed;
	xqsort(c->old, c->nold, sizeof *c->old, cmp_cached);
	return c;
}

/* The next file holds the n pages of a report listing `listed` passages. */
static void cache_start(struct status_cache *c, size_t n, size_t listed)
{
	if (listed != c->listed)
		c->nold = 0; /* entries listing another number of passages */
	c->listed = listed;
	c->n = n;
	c->blob = xcalloc(n + 1, sizeof *c->blob);
	c->kept = xcalloc(n + 1, sizeof *c->kept);
	c->kept_len = xcalloc(n + 1, sizeof *c->kept_len);
	c->keys = xcalloc(n + 1, sizeof *c->keys);
}

/* What page p's entries are made of: its files' bytes and names, and each language's record of it. */
static uint64_t cache_key(const struct site *s, const struct page *p, struct status_store **st, size_t listed)
{
	XXH3_state_t *h = XXH3_createState();
	XXH3_64bits_reset(h);
	struct buf b = BUF_INIT;
	bin_put_str(&b, p->key);
	bin_put_u64(&b, listed);
	bin_put_u64(&b, s->nlangs);
	for (size_t l = 0; l < s->nlangs; l++) {
		const struct doc *d = p->docs[l];
		bin_put_str(&b, d ? d->src : NULL);
		bin_put_u64(&b, d != NULL);
		bin_put_u64(&b, d ? d->text_hash : 0);
		size_t nrec = 0;
		const struct rec *rec = l ? status_store_get(st[l], TR_PAGES, p->key, &nrec) : NULL;
		bin_put_u64(&b, rec != NULL);
		for (size_t i = 0; rec && i < nrec; i++) {
			bin_put_u64(&b, rec[i].name != NULL);
			bin_put_str(&b, rec[i].name);
			bin_put_u64(&b, rec[i].digest);
			bin_put_u64(&b, rec[i].state);
			bin_put_u64(&b, rec[i].source != NULL);
			bin_put_str(&b, rec[i].source);
		}
		XXH3_64bits_update(h, b.p, b.len);
		b.len = 0;
	}
	buf_free(&b);
	uint64_t k = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	return k;
}

/* Fills page p's entries (index k of every language) from the file read, when it has key, and keeps
 * them for the next file. */
static bool cache_get(struct status_cache *c, uint64_t key, const struct site *s, const struct page *p, size_t k,
                      struct tr_report *r)
{
	struct cached_page want = {key, 0};
	const struct cached_page *hit = c->nold ? xbsearch(&want, c->old, c->nold, sizeof *c->old, cmp_cached) : NULL;
	if (!hit)
		return false;
	struct bin_rd rd = {hit->at, bin_patched_end(&c->bin, hit->at), true};
	for (size_t l = 1; l < s->nlangs; l++) {
		struct tr_entry *e = &r->langs[l].e[TR_PAGES][k];
		if (p->docs[l])
			e->tr = xstrdup(p->docs[l]->src);
		get_entry(&rd, e);
	}
	c->keys[k] = key;
	c->kept[k] = hit->at;
	c->kept_len[k] = (size_t)(rd.p - c->kept[k]);
	return true;
}

/* Keeps page k's entries, made of key, for the next file. */
static void cache_put(struct status_cache *c, size_t slot, uint64_t key, const struct site *s, size_t k,
                      const struct tr_report *r)
{
	c->keys[slot] = key;
	struct buf *b = &c->blob[slot];
	buf_init(b);
	for (size_t l = 1; l < s->nlangs; l++)
		put_entry(b, &r->langs[l].e[TR_PAGES][k]);
	if (b->cap > b->len + 1) { /* held for every page until the file is written: no slack */
		b->p = xrealloc(b->p, b->len + 1);
		b->cap = b->len + 1;
	}
}

/* Appends to f, and to the digest h, the bytes of b, which it empties. */
static bool flush(FILE *f, XXH3_state_t *h, struct buf *b)
{
	XXH3_64bits_update(h, b->p, b->len);
	bool ok = fwrite(b->p, 1, b->len, f) == b->len;
	b->len = 0;
	return ok;
}

/* Whether entry i of the next file is the file read's as it stands. */
static bool in_file(const struct status_cache *c, size_t i)
{
	return c->kept[i] && c->kept[i] >= c->bin.whole.p && c->kept[i] < c->bin.whole.p + c->bin.whole.len;
}

void status_cache_write(const struct status_cache *c, const char *path, size_t nlangs)
{
	if (!c || !path)
		return;
	size_t n = 0, changed = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->blob[i].len || c->kept[i]) {
			n++;
			changed += !in_file(c, i);
		}
	bool patch = c->bin.whole.p && c->listed == c->base_listed && bin_patch_fits(changed, c->n);
	char *tmp = NULL, *ppath = bin_patch_path(path);
	/* not synced: a file cut short fails its digest and only means the pages are read again */
	FILE *f = file_create_temp(patch ? ppath : path, &tmp);
	free(ppath);
	if (!f) {
		bin_patched_install(path, NULL, patch);
		return;
	}
	XXH3_state_t *h = XXH3_createState();
	XXH3_64bits_reset(h);
	struct buf b = BUF_INIT;
	bin_put_head(&b, CACHE_HEAD, PATCH_HEAD, patch ? &c->bin.whole : NULL);
	bin_put_u64(&b, c->exe);
	bin_put_u64(&b, c->listed);
	bin_put_u64(&b, patch ? changed : n);
	bin_put_u64(&b, nlangs);
	bool ok = true;
	for (size_t i = 0; i < c->n && ok; i++)
		if ((c->blob[i].len || c->kept[i]) && !(patch && in_file(c, i))) {
			bin_put_u64(&b, c->keys[i]);
			if (c->kept[i])
				buf_add(&b, c->kept[i], c->kept_len[i]);
			else
				buf_add(&b, c->blob[i].p, c->blob[i].len);
			if (b.len > (1 << 20))
				ok = flush(f, h, &b);
		}
	ok = ok && flush(f, h, &b);
	uint64_t sum = XXH3_64bits_digest(h);
	ok = ok && fwrite(&sum, 1, sizeof sum, f) == sizeof sum;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		unlink(tmp);
		free(tmp);
		tmp = NULL;
	}
	bin_patched_install(path, tmp, patch);
	XXH3_freeState(h);
	buf_free(&b);
}

void status_cache_free(struct status_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		buf_free(&c->blob[i]);
	free(c->blob);
	free(c->kept);
	free(c->kept_len);
	free(c->keys);
	free(c->old);
	bin_patched_unmap(&c->bin);
	free(c);
}

/* }======= */

static void page_status(const struct site *s, const struct page *p, size_t k, struct status_store **st, struct tr_report *r,
                        struct status_cache *c)
{
	uint64_t key = c ? cache_key(s, p, st, r->listed) : 0;
	if (c && cache_get(c, key, s, p, k, r))
		return;
	struct passage_set sg = {0};
	bool readable = passage_set_read(s, p->docs[0], &sg);
	/* a file changed since it was loaded: its key says other bytes, so nothing is kept of it */
	bool changed = readable && XXH3_64bits(sg.text, sg.len) != p->docs[0]->text_hash;
	struct listed_once once = {STRMAP_INIT_OWNED, VEC_INIT, VEC_INIT, NULL};
	for (size_t l = 1; l < s->nlangs; l++) {
		struct tr_entry *e = &r->langs[l].e[TR_PAGES][k];
		struct passage_set tr = {0};
		bool have = p->docs[l] != NULL;
		if (have) {
			e->tr = xstrdup(p->docs[l]->src);
			if (passage_set_read(s, p->docs[l], &tr))
				changed = changed || XXH3_64bits(tr.text, tr.len) != p->docs[l]->text_hash;
		}
		size_t nrec;
		const struct rec *rec = status_store_get(st[l], TR_PAGES, p->key, &nrec);
		if (readable)
			page_entry(e, p, &sg, &tr, rec, nrec, have, r->listed, &once, have && p->docs[l]->title_from_heading,
			           p->docs[0]->title_from_heading);
		else
			e->state = have ? TR_OUTDATED : TR_MISSING;
		passage_set_free(&tr);
	}
	strmap_free(&once.by_name);
	vec_free(&once.id);
	vec_free(&once.label);
	free(once.orig);
	passage_set_free(&sg);
	if (c && readable && !changed)
		cache_put(c, k, key, s, k, r);
}

/* Whether page p has entries in the report (a file of its own in the default language), in the
 * site's order: pages_status() and status_report_patch() number them alike. */
static bool has_entries(const struct page *p)
{
	return !p->generated && p->docs[0];
}

/* The pages' statuses on several threads: each page is read, cut into passages and
 * aligned on its own (passage.h, align.h); its entries were added in order before. */
struct page_work {
	const struct site *s;
	struct status_store **st;
	struct tr_report *r;
	struct status_cache *c;
	const struct page **pages;
	size_t n;
	atomic_size_t next;
};

static void *page_worker(void *arg)
{
	struct page_work *pw = arg;
	for (size_t k; (k = atomic_fetch_add(&pw->next, 1)) < pw->n;)
		page_status(pw->s, pw->pages[k], k, pw->st, pw->r, pw->c);
	return NULL;
}

static void pages_status(const struct site *s, struct status_store **st, struct tr_report *r, int jobs,
                         struct status_cache *c)
{
	struct page_work pw = {.s = s, .st = st, .r = r, .c = c};
	pw.pages = xcalloc(s->npages + 1, sizeof *pw.pages);
	for (size_t i = 0; i < s->npages; i++)
		if (has_entries(s->pages[i]))
			pw.pages[pw.n++] = s->pages[i];
	for (size_t k = 0; k < pw.n; k++)
		for (size_t l = 1; l < s->nlangs; l++)
			add_entry(&r->langs[l], TR_PAGES, pw.pages[k]->key, pw.pages[k]->docs[0]->src);
	if (c)
		cache_start(c, pw.n, r->listed);
	atomic_init(&pw.next, 0);
	size_t n = jobs < 1 ? 1 : (size_t)jobs;
	if (n > pw.n)
		n = pw.n ? pw.n : 1;
	run_threads(page_worker, &pw, n);
	free(pw.pages);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp((*(struct tr_entry *const *)a)->id, (*(struct tr_entry *const *)b)->id);
}

/* The UI strings and data fields of one language, then its counts and index. */
static void lang_status(const struct site *s, size_t l, const struct vec *keys, const struct status_store *st,
                        struct tr_lang *L, size_t listed)
{
	for (size_t i = 0; i < keys->n; i++) {
		const char *k = keys->v[i], *orig = site_ui(s, 0, k);
		struct tr_entry *e = add_entry(L, TR_UI, k, "i18n");
		char *id = xasprintf("ui:%s", k);
		one_passage(e, st, TR_UI, id, orig, strlen(orig), passage_ui_own(s, l, k) != NULL, listed);
		free(id);
	}
	struct data_ctx c = {L, st, listed};
	passage_fields_each(s, l, data_status, &c);
	for (int k = 0; k < TR_KINDS; k++) {
		L->e[k] = trim(L->e[k], L->n[k], sizeof *L->e[k]);
		L->by_id[k] = xcalloc(L->n[k] + 1, sizeof *L->by_id[k]);
		for (size_t i = 0; i < L->n[k]; i++) {
			L->count[k][L->e[k][i].state]++;
			L->by_id[k][i] = &L->e[k][i];
		}
		xqsort(L->by_id[k], L->n[k], sizeof *L->by_id[k], cmp_entry);
	}
}

struct tr_report *status_report_new(const struct site *s, int jobs, size_t listed, struct status_cache *c)
{
	struct tr_report *r = xcalloc(1, sizeof *r);
	r->listed = listed;
	r->nlangs = s->nlangs;
	r->langs = xcalloc(s->nlangs, sizeof *r->langs);
	struct vec keys = VEC_INIT;
	passage_ui_keys(s, &keys);
	struct status_store **stores = xcalloc(s->nlangs, sizeof *stores);
	for (size_t l = 1; l < s->nlangs; l++)
		stores[l] = status_store_load(s, l);
	/* A site in one language has no translation to report on: its pages are not read twice. */
	if (s->nlangs > 1)
		pages_status(s, stores, r, jobs, c);
	for (size_t l = 1; l < s->nlangs; l++) {
		lang_status(s, l, &keys, stores[l], &r->langs[l], listed);
		status_store_free(stores[l]);
	}
	free(stores);
	vec_free(&keys);
	return r;
}

/* Frees what entry e holds but its id and source, and zeroes the rest. */
static void entry_clear(struct tr_entry *e)
{
	free(e->tr);
	free(e->foreign);
	free(e->foreign_end);
	free(e->foreign_col);
	free(e->head_orig);
	free(e->head_tr);
	for (size_t j = 0; j < e->nlisted; j++)
		if (!e->items[j].borrowed) {
			free(e->items[j].id);
			free(e->items[j].label);
		}
	free(e->items);
	*e = (struct tr_entry){.id = e->id, .src = e->src};
}

void status_report_patch(struct tr_report *r, const struct site *s, const bool *changed)
{
	struct status_store **stores = xcalloc(s->nlangs, sizeof *stores);
	size_t k = 0;
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		if (!has_entries(p))
			continue;
		if (changed[i]) {
			for (size_t l = 1; l < s->nlangs; l++) {
				if (!stores[l])
					stores[l] = status_store_load(s, l);
				entry_clear(&r->langs[l].e[TR_PAGES][k]);
			}
			page_status(s, p, k, stores, r, NULL);
		}
		k++;
	}
	for (size_t l = 1; l < s->nlangs; l++) {
		struct tr_lang *L = &r->langs[l];
		memset(L->count[TR_PAGES], 0, sizeof L->count[TR_PAGES]);
		for (size_t i = 0; i < L->n[TR_PAGES]; i++)
			L->count[TR_PAGES][L->e[TR_PAGES][i].state]++;
		status_store_free(stores[l]);
	}
	free(stores);
}

void status_report_free(struct tr_report *r)
{
	if (!r)
		return;
	for (size_t l = 0; l < r->nlangs; l++)
		for (int k = 0; k < TR_KINDS; k++) {
			for (size_t i = 0; i < r->langs[l].n[k]; i++) {
				struct tr_entry *e = &r->langs[l].e[k][i];
				entry_clear(e);
				free(e->id);
				free(e->src);
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
