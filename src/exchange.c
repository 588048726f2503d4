/* exchange.c — the units a translator gets, and where the units that come back go. */
#include "exchange.h"
#include "align.h"
#include "diag.h"
#include "escape.h"
#include "markdown.h"
#include "passage.h"
#include "resolve.h"
#include "status.h"
#include "util.h"

#include <cmark-gfm.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/upluralrules.h>
#include <unicode/ustring.h>
#include <unistd.h>
#include <xxhash.h>

/* {======= export */

static enum unit_state unit_state_of(enum tr_change c)
{
	switch (c) {
	case TC_CURRENT:
	case TC_MOVED:
		return UNIT_TRANSLATED;
	case TC_FUZZY:
	case TC_CHANGED:
		return UNIT_FUZZY;
	default:
		return UNIT_UNTRANSLATED;
	}
}

static struct unit *add_unit(struct unit_list *u, const char *id, const char *source, const char *target,
                             enum tr_change c, const char *file, int line)
{
	enum unit_state st = unit_state_of(c);
	struct unit *x = unit_add(u, id, source, st == UNIT_UNTRANSLATED ? NULL : target);
	x->state = *x->target ? st : UNIT_UNTRANSLATED;
	x->file = file ? xstrdup(file) : NULL;
	x->line = line;
	return x;
}

/* A page's original (sg) and translation in language l (tr, empty when none)
 * cut into passages, and aligned through the record (*rec, *nrec). False
 * when the original cannot be read, or either is over markdown.h's limits
 * (the error said; nothing to free then). */
static bool page_open(const struct site *s, size_t l, const struct status_store *st, const struct page *p,
                      struct passage_set *sg, struct passage_set *tr, const struct rec **rec, size_t *nrec,
                      struct page_align *a)
{
	memset(tr, 0, sizeof *tr);
	if (!passage_set_read(s, p->docs[0], sg))
		return false;
	if (p->docs[l] && !passage_set_read(s, p->docs[l], tr) && tr->refused) {
		passage_set_free(sg); /* (its error said: no shape to compare with) */
		return false;
	}
	*rec = status_store_get(st, TR_PAGES, p->key, nrec);
	page_align(sg, p->docs[l] ? *rec : NULL, *nrec, tr, a);
	return true;
}

static char *unfit(enum passage_kind k, const char *text);

/* label with the marks vade's labels add (the quotes and ellipsis of passage_excerpt()) written in
 * ASCII, in place: a file's comments that held “…” kept msgconv from converting it to ISO-8859-1
 * or CP1252 whose texts all have (helper-131). Those of the passage's excerpt too: a comment, which
 * no import reads. Returns label. */
static char *ascii_marks(char *label)
{
	static const char *const marks[][2] = {{"\xe2\x80\x9c", "\""}, {"\xe2\x80\x9d", "\""}, {"\xe2\x80\xa6", "..."}};
	char *o = label;
	for (const char *p = label; *p;) {
		size_t k = 0;
		while (k < 3 && strncmp(p, marks[k][0], 3))
			k++;
		if (k < 3) {
			size_t n = strlen(marks[k][1]);
			memcpy(o, marks[k][1], n); /* no longer than the mark's 3 bytes */
			o += n, p += 3;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return label;
}

static void export_page(const struct site *s, size_t l, const struct status_store *st, const struct page *p,
                        struct unit_list *u, struct unit_list *gone)
{
	struct passage_set sg, tr;
	const struct rec *rec;
	size_t nrec;
	struct page_align a;
	if (!page_open(s, l, st, p, &sg, &tr, &rec, &nrec, &a))
		return;
	if (!a.shape)
		diag_warn(p->docs[l]->src, 0, 0, "its headings, paragraphs and cells do not answer the original's one by "
		          "one: its translations are not in the export");
	for (size_t i = 0; i < a.n; i++) {
		const struct tr_passage *tp = &a.v[i];
		char *id = tr_page_unit_id(p->key, tp->name);
		char *target = tp->tr != SIZE_MAX ? unfit(tr.v[tp->tr].kind, tr.v[tp->tr].text) : NULL; /* as written */
		if (tp->orig != SIZE_MAX) {
			const struct passage *g = &sg.v[tp->orig];
			struct unit *x = add_unit(u, id, g->text, target, tp->change, p->docs[0]->src, g->line);
			x->note = ascii_marks(passage_label(&sg, tp->orig));
			if (tp->change == TC_CHANGED && rec[tp->rec].source && x->state == UNIT_FUZZY)
				x->prev_source = xstrdup(rec[tp->rec].source);
		} else if (rec[tp->rec].source && target && rec[tp->rec].state != REC_UNTRANSLATED) {
			/* Deleted from the original: offered as obsolete, so the translation is not lost. */
			struct unit *x = add_unit(gone, id, rec[tp->rec].source, target, TC_CURRENT, NULL, 0);
			x->obsolete = true;
		}
		free(target);
		free(id);
	}
	page_align_free(&a);
	passage_set_free(&sg);
	passage_set_free(&tr);
}

/* A UI string or data field: one passage against its record. */
static void export_one(struct unit_list *u, const struct status_store *st, enum tr_kind k, const char *key,
                       const char *id, const char *orig, const char *own, const char *file, int line)
{
	size_t n;
	const struct rec *r = own ? status_store_get(st, k, key, &n) : NULL;
	enum tr_change c = !own ? TC_UNTRANSLATED
	                   : !r || !n ? TC_FUZZY
	                   : r->digest != passage_digest(orig, strlen(orig)) ? TC_CHANGED
	                   : r->state == REC_CURRENT ? TC_CURRENT
	                   : r->state == REC_FUZZY ? TC_FUZZY : TC_UNTRANSLATED;
	struct unit *x = add_unit(u, id, orig, own, c, file, line);
	if (c == TC_CHANGED && r->source && x->state == UNIT_FUZZY)
		x->prev_source = xstrdup(r->source);
}

struct field_ctx {
	struct unit_list *u;
	const struct status_store *st;
};

static void export_field(void *ctx, const char *path, const struct data_file *df, const struct yml_node *value,
                         const char *translated)
{
	struct field_ctx *c = ctx;
	char *id = xasprintf("data:%s", path);
	export_one(c->u, c->st, TR_DATA, path, id, value->str, translated, df->src, value->line);
	free(id);
}

/* Where UI string key of the default language is written: the site's file or the theme's. */
static char *ui_file(const struct site *s, const char *key, int *line)
{
	/* where the text shown is: a placeholder ("key:") in the site's file leaves the theme's */
	const struct yml_node *n = site_ui_in(s, 0, 0, key) ? yml_get(s->ui[0]->root, key) : NULL;
	char *file = n ? site_i18n_file(s, 0, ".yaml")
	               : xasprintf("themes/%s/i18n/%s.yaml", s->theme, s->langs[0].code);
	if (!n && s->ui[1])
		n = yml_get(s->ui[1]->root, key);
	*line = n ? n->line : 0;
	return file;
}

/* {======= the translation as exported
 * Each unit has a comment "vade-base <16 hex digits>": the passage_digest() of its target as the
 * site had it when the file was exported ("" when none), the base of a three-way merge. An import
 * compares it with the site's translation then: a unit whose text is still the exported one, where
 * the site's translation changed since (a reviewer's fix, a colleague's import), leaves the site's
 * text as it is; a unit changed in both, to another text, is refused (helper-81: an old file undid
 * later fixes, exit 0). The comment is a translator comment (PO "# ", XLIFF <note
 * from="translator">), so it stays with the target it was made for: msgmerge keeps those of the
 * translator's file with its msgstr (and takes "#." from the new export), msgcat and msgattrib keep
 * them, po2xliff and xliff2po carry them across. The digest is of the unit's id and text together:
 * a base msgmerge copies onto another entry with a guess it made is none of that entry's
 * (helper-82). A unit without one is taken as before: its text wins.
 * A unit changed in the file where the site's translation changed too is taken, with a warning
 * that shows the site's text it replaces (an error with --strict): it is a conflict, or the site's
 * text came from an earlier import of this very file (the base stays the export's), and the
 * import cannot tell which (helper-82: an error there stopped every second import of a file kept
 * and corrected). */

#define BASE_TAG "vade-base"

/* The base of a unit with id and target text. */
static uint64_t base_of(const char *id, const char *text)
{
	return passage_digest(id, strlen(id)) * 0x100000001b3ULL ^ passage_digest(text, strlen(text));
}

static void note_base(struct unit *x)
{
	free(x->comment);
	x->comment = xasprintf(BASE_TAG " %016" PRIx64, base_of(x->id, x->target));
}

/* Whether a and b are one text but for white space and backslash escapes: an imported target
 * is written escaped where Markdown would read it otherwise (fit(): "\\[^1]: ...", "a \\| b" in a
 * cell), and the site then has the file's text in that form. */
static void plain_form(struct buf *b, const char *s)
{
	bool space = false;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = b->len > 0;
			continue;
		}
		if (space)
			buf_addc(b, ' ');
		space = false;
		if (*s == '\\' && ispunct((unsigned char)s[1]))
			s++;
		buf_addc(b, *s);
	}
	buf_addc(b, '\0');
}

static bool same_text(const char *a, const char *b)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	plain_form(&x, a);
	plain_form(&y, b);
	bool same = !strcmp(x.p, y.p);
	buf_free(&x);
	buf_free(&y);
	return same;
}

/* The bases a unit's comments give (PO "# " and "#.", XLIFF <note>s), each where the tag is,
 * added to *b (b->n of them); b->bad where the tag is there but no base can be read after it. The
 * tag is read as tools and people may have rewritten it: indented, inside a line ("reviewed;
 * vade-base ..."), in another case, with a ':' or more spaces after it, the digits in upper case,
 * words after them (helper-82, helper-85: an unread base turned the check off without a word). */
struct bases {
	uint64_t *v;
	size_t n;
	bool bad;
};

static void read_bases(const char *text, struct bases *b)
{
	for (const char *p = text ? strcasestr(text, BASE_TAG) : NULL; p; p = strcasestr(p, BASE_TAG)) {
		p += strlen(BASE_TAG);
		const char *h = p + strspn(p, " \t:");
		size_t k = 0;
		uint64_t v = 0;
		for (; isxdigit((unsigned char)h[k]) && k < 17; k++)
			v = v << 4 | (uint64_t)(isdigit((unsigned char)h[k]) ? h[k] - '0' : (h[k] | 0x20) - 'a' + 10);
		if (k != 16 || isalnum((unsigned char)h[k]) || h[k] == '_') {
			b->bad = true;
			continue;
		}
		b->v = xrealloc(b->v, (b->n + 1) * sizeof *b->v);
		b->v[b->n++] = v;
	}
}

/* }======= */

void exchange_units(const struct site *s, size_t l, struct unit_list *u)
{
	memset(u, 0, sizeof *u);
	u->source_lang = xstrdup(s->langs[0].code);
	u->target_lang = xstrdup(s->langs[l].code);
	u->title = xstrdup(s->title);
	struct status_store *st = status_store_load(s, l);
	struct unit_list gone = {0};
	for (size_t i = 0; i < s->npages; i++)
		if (!s->pages[i]->generated && s->pages[i]->docs[0])
			export_page(s, l, st, s->pages[i], u, &gone);
	struct vec keys = VEC_INIT;
	passage_ui_keys(s, &keys);
	for (size_t i = 0; i < keys.n; i++) {
		const char *k = keys.v[i];
		int line;
		char *file = ui_file(s, k, &line), *id = xasprintf("ui:%s", k);
		export_one(u, st, TR_UI, k, id, site_ui(s, 0, k), passage_ui_own(s, l, k), file, line);
		free(id);
		free(file);
	}
	vec_free(&keys);
	struct field_ctx fc = {u, st};
	passage_fields_each(s, l, export_field, &fc);
	for (size_t i = 0; i < u->n; i++) {
		/* a stored translation's CRs are line ends, and its ends the original's, as an import makes
		 * them; the base is of the text exported, so that an unedited export imports as no change */
		if (strchr(u->v[i].target, '\r'))
			text_normalize(u->v[i].target, strlen(u->v[i].target));
		char *t = unit_ends_like(u->v[i].source, u->v[i].target);
		if (t) {
			free(u->v[i].target);
			u->v[i].target = t;
		}
		note_base(&u->v[i]);
	}
	/* The obsolete units last, as msgmerge puts them. */
	for (size_t i = 0; i < gone.n; i++) {
		u->v = xgrow(u->v, u->n, sizeof *u->v);
		u->v[u->n++] = gone.v[i];
	}
	free(gone.v);
	status_store_free(st);
}

/* }======= */

/* {======= import: planned file contents, written only when nothing failed */

struct plan {
	struct vec rel, text;   /* parallel: site-relative path, its new content */
	struct strmap at;       /* rel: its index (a page import plans one file a page) */
};
#define PLAN_INIT { VEC_INIT, VEC_INIT, STRMAP_INIT_OWNED }

static char *plan_get(const struct plan *pl, const char *rel)
{
	const size_t *i = strmap_get(&pl->at, rel);
	return i ? pl->text.v[*i] : NULL;
}

/* Plans text as the new content of rel (taken over). */
static void plan_put(struct plan *pl, const char *rel, char *text)
{
	bool added;
	size_t *i = strmap_put(&pl->at, rel, &added);
	if (!added) {
		free(pl->text.v[*i]);
		pl->text.v[*i] = text;
		return;
	}
	*i = pl->rel.n;
	vec_push(&pl->rel, xstrdup(rel));
	vec_push(&pl->text, text);
}

static void plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->rel.n; i++) {
		free(pl->rel.v[i]);
		free(pl->text.v[i]);
	}
	vec_free(&pl->rel);
	vec_free(&pl->text);
	strmap_free(&pl->at);
}

/* The text of a site file as planned so far, "" when there is none. Caller frees. */
static char *plan_read(const struct site *s, const struct plan *pl, const char *rel, size_t *len)
{
	const char *p = plan_get(pl, rel);
	if (p) {
		*len = strlen(p);
		return xstrdup(p);
	}
	char *text = NULL;
	if (tree_kind(&s->tree, rel, NULL) == TREE_NONE || site_read(s, rel, &text, len) != 0)
		text = xstrdup(""), *len = 0;
	return text;
}

/* The files of the import being written, for exchange_interrupt(): the lock
 * is held while one file is staged and through all the renames, so a stop
 * never finds a temporary file half made, nor the renames half done. */
static pthread_mutex_t writing_lock = PTHREAD_MUTEX_INITIALIZER;
static char **writing_tmp;      /* [writing_n]: staged and not renamed yet, or NULL */
static size_t writing_n;
static bool writing_stopped;

bool exchange_interrupt(void)
{
	pthread_mutex_lock(&writing_lock); /* kept: the process ends */
	writing_stopped = true;
	bool any = false;
	for (size_t i = 0; writing_tmp && i < writing_n; i++)
		if (writing_tmp[i])
			unlink(writing_tmp[i]), any = true;
	return any || writing_tmp;
}

/* Puts back the files renamed so far (renamed[j]: full[j] now holds the new
 * text; old[j] its text before, NULL when there was no file). Returns how
 * many could not be put back (each reported). */
static size_t plan_restore(const struct plan *pl, char **full, char **old, size_t *oldlen, const bool *renamed,
                           size_t n)
{
	size_t left = 0;
	for (size_t j = 0; j < n; j++) {
		if (!renamed[j])
			continue;
		int rc = old[j] ? file_write_atomic(full[j], old[j], oldlen[j]) : unlink(full[j]);
		if (rc != 0) {
			diag_error(pl->rel.v[j], 0, 0, "holds the imported text and cannot be put back: %s", strerror(errno));
			left++;
		}
	}
	return left;
}

/* The lines of a text: where each starts, its length without its end, and its end (0 none, the
 * last line; else 1 LF, 2 CRLF, 3 a lone CR, as classic Mac OS wrote). Caller frees both. */
enum { END_NONE, END_LF, END_CRLF, END_CR };
static size_t text_lines(const char *t, size_t len, size_t **start, unsigned char **end)
{
	size_t n = 0, cap = 16;
	*start = xmalloc(cap * sizeof **start);
	*end = xmalloc(cap);
	for (size_t i = 0; i < len || (i == len && n == 0);) {
		size_t j = i;
		while (j < len && t[j] != '\n' && t[j] != '\r')
			j++;
		unsigned char e = j == len ? END_NONE : t[j] == '\n' ? END_LF : j + 1 < len && t[j + 1] == '\n' ? END_CRLF : END_CR;
		if (n == cap) {
			cap *= 2;
			*start = xrealloc(*start, cap * sizeof **start);
			*end = xrealloc(*end, cap);
		}
		(*start)[n] = i;
		(*end)[n++] = e;
		i = j + (e == END_CRLF ? 2 : 1);
		if (e == END_NONE)
			break;
	}
	return n;
}

/* text as the file old was written: a byte order mark when old started with one, and each
 * line's end as old's line it answers to ended (LF, CRLF or a lone CR: site_read() gives texts
 * with LF alone, text_normalize()). Lines are paired by align() over their digests, as diff(1)
 * pairs them: a line kept or edited keeps its end, a new one takes the end of the line before
 * it. A file written on Windows, or one with a few CRLF lines among LF ones, keeps its form, and
 * a diff shows the translation alone. NULL: text as it is. */
static char *in_old_form(const char *old, size_t oldlen, const char *text)
{
	bool bom = oldlen >= 3 && !memcmp(old, "\xef\xbb\xbf", 3);
	if (!bom && !memchr(old, '\r', oldlen))
		return NULL;
	size_t off = bom ? 3 : 0, *os, *ns;
	unsigned char *oe, *ne;
	size_t n = text_lines(old + off, oldlen - off, &os, &oe), m = text_lines(text, strlen(text), &ns, &ne);
	uint64_t *was = xmalloc((n + 1) * sizeof *was), *now = xmalloc((m + 1) * sizeof *now);
	for (size_t i = 0; i < n; i++) {
		size_t len = (i + 1 < n ? os[i + 1] : oldlen - off) - os[i];
		len -= oe[i] == END_CRLF ? 2 : oe[i] == END_NONE ? 0 : 1;
		was[i] = XXH3_64bits(old + off + os[i], len);
	}
	for (size_t j = 0; j < m; j++) {
		size_t len = (j + 1 < m ? ns[j + 1] : strlen(text)) - ns[j] - (ne[j] != END_NONE);
		now[j] = XXH3_64bits(text + ns[j], len);
	}
	enum align_kind *kind = xmalloc((m + 1) * sizeof *kind);
	size_t *from = xmalloc((m + 1) * sizeof *from);
	align(was, n, now, m, kind, from, NULL, NULL);
	unsigned char last = n && oe[0] != END_NONE ? oe[0] : END_LF; /* before the first line: the file's first end */
	struct buf b = BUF_INIT;
	if (bom)
		buf_add(&b, "\xef\xbb\xbf", 3);
	for (size_t j = 0; j < m; j++) {
		size_t len = (j + 1 < m ? ns[j + 1] : strlen(text)) - ns[j] - (ne[j] != END_NONE);
		buf_add(&b, text + ns[j], len);
		if (ne[j] == END_NONE)
			break;
		unsigned char e = from[j] != SIZE_MAX && oe[from[j]] != END_NONE ? oe[from[j]] : last;
		buf_adds(&b, e == END_CRLF ? "\r\n" : e == END_CR ? "\r" : "\n");
		last = e;
	}
	free(os), free(oe), free(ns), free(ne), free(was), free(now), free(kind), free(from);
	return buf_detach(&b, NULL);
}

/* Writes every planned file whose content differs, all or none: each new text
 * is first written and synced beside its file (file_stage), and only when
 * every one of them could be are they renamed into place; a rename that fails
 * (a file the user may not replace: a shared folder's sticky bit, an immutable
 * file) puts back the files renamed before it. Returns how many files changed;
 * on a failure, reported at the file with the reason, how many keep the new
 * text all the same (0 unless putting one back failed too). */
static size_t plan_write(const struct site *s, const struct plan *pl)
{
	size_t n = pl->rel.n;
	char **tmp = xcalloc(n + 1, sizeof *tmp), **full = xcalloc(n + 1, sizeof *full);
	char **old = xcalloc(n + 1, sizeof *old);
	size_t *oldlen = xcalloc(n + 1, sizeof *oldlen);
	bool *renamed = xcalloc(n + 1, sizeof *renamed), failed = false;
	pthread_mutex_lock(&writing_lock);
	writing_tmp = tmp, writing_n = n;
	pthread_mutex_unlock(&writing_lock);
	for (size_t i = 0; i < n && !failed; i++) {
		const char *text = pl->text.v[i];
		full[i] = site_write_path(s, pl->rel.v[i]);
		if (!full[i]) {
			failed = true;
			break;
		}
		if (file_read(full[i], &old[i], &oldlen[i]) != 0) {
			old[i] = NULL;
			if (errno != ENOENT) { /* there: it could not be put back if a rename failed */
				diag_error(pl->rel.v[i], 0, 0, "cannot read: %s", strerror(errno));
				failed = true;
				break;
			}
		}
		char *shaped = old[i] ? in_old_form(old[i], oldlen[i], text) : NULL;
		if (shaped)
			text = shaped;
		if (old[i] && oldlen[i] == strlen(text) && !memcmp(old[i], text, oldlen[i])) {
			free(shaped);
			continue;
		}
		pthread_mutex_lock(&writing_lock);
		if (writing_stopped || file_stage(full[i], text, strlen(text), &tmp[i]) != 0) {
			if (!writing_stopped)
				diag_error(pl->rel.v[i], 0, 0, "cannot write: %s", strerror(errno));
			failed = true;
		}
		pthread_mutex_unlock(&writing_lock);
		free(shaped);
	}
	size_t changed = 0, left = 0;
	pthread_mutex_lock(&writing_lock);
	for (size_t i = 0; i < n && !failed; i++) {
		if (!tmp[i])
			continue;
		int rc = file_stage_commit(tmp[i], full[i]);
		free(tmp[i]), tmp[i] = NULL;
		if (rc != 0) {
			diag_error(pl->rel.v[i], 0, 0, "cannot be replaced: %s", strerror(errno));
			failed = true;
			left = plan_restore(pl, full, old, oldlen, renamed, i);
		} else {
			renamed[i] = true;
			changed++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (tmp[i])
			unlink(tmp[i]);
		if (!failed && renamed[i])
			say_path("vade: updated %s\n", (char *)pl->rel.v[i]);
		free(tmp[i]);
		free(full[i]);
		free(old[i]);
	}
	writing_tmp = NULL, writing_n = 0;
	pthread_mutex_unlock(&writing_lock);
	free(tmp);
	free(full);
	free(old);
	free(oldlen);
	free(renamed);
	return failed ? left : changed;
}

/* }======= */

/* {======= import: edits to a file's bytes */

struct edit {
	size_t start, end;
	char *text;
};

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	return x->start < y->start ? 1 : x->start > y->start ? -1 : 0; /* last first */
}

/* text[0..len) with the edits made, or NULL when two of them overlap. Caller frees. */
static char *apply_edits(const char *text, size_t len, struct edit *e, size_t n)
{
	xqsort(e, n, sizeof *e, cmp_edit);
	for (size_t i = 0; i < n; i++)
		if (e[i].end < e[i].start || e[i].end > len || (i > 0 && e[i].end > e[i - 1].start))
			return NULL;
	struct buf b = BUF_INIT;
	size_t at = 0;
	for (size_t i = n; i-- > 0;) { /* first to last */
		buf_add(&b, text + at, e[i].start - at);
		buf_adds(&b, e[i].text);
		at = e[i].end;
	}
	buf_add(&b, text + at, len - at);
	return buf_detach(&b, NULL);
}

static void edits_free(struct edit *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].text);
	free(e);
}

/* A YAML double-quoted scalar of s, written by libyaml's emitter (yml.h). */
static char *yaml_quote(const char *s)
{
	char *q = yml_quote(s, strlen(s));
	return q ? q : xstrdup("\"\""); /* s was checked as UTF-8 when it was read */
}

/* A passage's new text as it goes into file at g's place: a YAML scalar for a
 * front matter value; else continuation lines get the container prefix ("> ",
 * list indentation) of the line the passage starts on. */
static char *reflow(const char *file, const struct passage *g, const char *text)
{
	if (g->kind == PASSAGE_META)
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

/* }======= */

/* {======= import: a target that keeps the page's structure */

/* What text reads as where it is not exactly one paragraph covering all of it (a list, a heading,
 * two paragraphs, nothing), or NULL when it is one. */
static const char *not_one_paragraph(const char *text)
{
	cmark_node *doc = markdown_parse_blocks(text, strlen(text));
	cmark_node *c = cmark_node_first_child(doc);
	const char *kind = NULL;
	switch (c ? cmark_node_get_type(c) : CMARK_NODE_NONE) {
	case CMARK_NODE_NONE: kind = "nothing"; break;
	case CMARK_NODE_PARAGRAPH: kind = cmark_node_next(c) ? "more than one paragraph" : NULL; break;
	case CMARK_NODE_LIST: kind = "a list"; break;
	case CMARK_NODE_HEADING: kind = "a heading"; break;
	case CMARK_NODE_BLOCK_QUOTE: kind = "a block quote"; break;
	case CMARK_NODE_THEMATIC_BREAK: kind = "a thematic break"; break;
	case CMARK_NODE_HTML_BLOCK: kind = "an HTML block"; break;
	default: kind = "code"; break;
	}
	cmark_node_free(doc);
	return kind;
}

static bool one_paragraph(const char *text)
{
	return !not_one_paragraph(text);
}

/* Whether the line at p would open a block of its own instead of going on
 * with the paragraph (CommonMark 0.30 sections 4 and 5): an ATX heading, a
 * list item, a block quote, a code fence, a thematic break or setext
 * underline (an HTML block: html_block_start()). */
static bool block_start(const char *p)
{
	size_t n = strcspn(p, "\r\n"); /* (a CR ends a line too: "---\r\n" is a break, helper-114) */
	const char *e = p + n, *q = p;
	if (*p == '#') {
		while (q < e && *q == '#')
			q++;
		return q - p <= 6 && (q == e || *q == ' ' || *q == '\t');
	}
	if (*p == '>')
		return true;
	if ((*p == '-' || *p == '+' || *p == '*') && (p + 1 == e || p[1] == ' ' || p[1] == '\t'))
		return true;
	while (q < e && *q >= '0' && *q <= '9')
		q++;
	if (q > p && q - p <= 9 && (*q == '.' || *q == ')') && (q + 1 == e || q[1] == ' ' || q[1] == '\t'))
		return true;
	if (!strncmp(p, "```", 3) || !strncmp(p, "~~~", 3))
		return true;
	/* "[label]: url" (or "[^1]: text"): a link reference definition, which the page would swallow. */
	if (*p == '[') {
		const char *c = memchr(p, ']', n);
		if (c && c + 1 < e && c[1] == ':')
			return true;
	}
	/* A line of one of - * _ = (and spaces): a break, or the underline of a setext heading. */
	if (strchr("-*_=", *p)) {
		for (q = p; q < e && (*q == *p || *q == ' ' || *q == '\t'); q++)
			;
		return q == e;
	}
	return false;
}

/* Whether the line at p, the first of a paragraph or (first false) a later one, would open an
 * HTML block (CommonMark 4.6), which fit() refuses: cmark-gfm reads the line so, where a leading
 * '<' alone said it, and "<em>Trafic</em> FR" (no block: inline HTML) was escaped into "\<em>",
 * its opening tag shown as text and its closing tag left raw. Only a paragraph's line can open a
 * block: a heading's or a table cell's text stands after its marker. */
static bool html_block_start(const char *p, bool first)
{
	if (*p != '<')
		return false;
	struct buf b = BUF_INIT;
	if (!first)
		buf_adds(&b, "x\n"); /* a paragraph before it: the kinds of block that interrupt one */
	buf_add(&b, p, strcspn(p, "\r\n"));
	cmark_node *doc = markdown_parse_blocks(b.p, b.len);
	bool html = false;
	for (cmark_node *c = cmark_node_first_child(doc); c; c = cmark_node_next(c))
		html = html || cmark_node_get_type(c) == CMARK_NODE_HTML_BLOCK;
	cmark_node_free(doc);
	buf_free(&b);
	return html;
}

/* target made safe for a passage of kind k (see exchange.h), or NULL with *why. Caller frees. */
static char *fit(enum passage_kind k, const char *target, const char **why)
{
	struct buf b = BUF_INIT;
	*why = NULL;
	if (k == PASSAGE_META) { /* a YAML scalar holds any text; its line breaks are "\n" */
		for (const char *p = target; *p; p++)
			if (*p != '\r')
				buf_addc(&b, *p);
			else if (p[1] != '\n')
				buf_addc(&b, '\n');
		return buf_detach(&b, NULL);
	}
	bool one_line = k == PASSAGE_HEADING || k == PASSAGE_CELL;
	/* A heading's or cell's lines are one line, joined with a space, and what would open a block is
	 * told of that line: "---" then "foo" is "--- foo", which opens nothing (helper-114). */
	struct buf joined = BUF_INIT;
	for (const char *q = target; one_line && *q; q++) {
		if (*q != '\r' && *q != '\n') {
			buf_addc(&joined, *q);
			continue;
		}
		while (joined.len && (joined.p[joined.len - 1] == ' ' || joined.p[joined.len - 1] == '\t'))
			joined.len--;
		buf_addc(&joined, ' ');
		while (q[1] == ' ' || q[1] == '\t' || q[1] == '\r' || q[1] == '\n')
			q++;
	}
	if (one_line)
		buf_addc(&joined, '\0');
	const char *base = one_line ? joined.p : target;
	/* Line by line: leading white space dropped (it could make code), a line
	 * that would open a block escaped with a backslash (CommonMark 2.4). */
	const char *p = base;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	bool start = true, first = true;
	for (; *p; p++) {
		if (start) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p)
				break;
			if (k == PASSAGE_PARAGRAPH && html_block_start(p, first)) {
				/* Escaping its '<' would publish the opening tag as text and leave the rest
				 * raw ("<div>Bienvenue</div> sur ce site": "\<div>" then a stray "</div>") */
				*why = first ? "it starts with HTML that opens an HTML block (CommonMark 4.6), not a paragraph: "
				               "start it with text, or write \\< for a '<' that is text"
				             : "a line of it starts with HTML that opens an HTML block (CommonMark 4.6) and "
				               "ends the paragraph: join the line to the one before, or write \\< for a '<' "
				               "that is text";
				buf_free(&b);
				buf_free(&joined);
				return NULL;
			}
			/* a heading's or cell's later line is joined to the one before with a space: it opens
			 * nothing, and an escape there would stand in its text (helper-114) */
			bool opens = (first || !one_line) && block_start(p);
			size_t hy = strspn(p, "- \t");
			if (*p == '-' && opens && (!p[hy] || p[hy] == '\n' || p[hy] == '\r')) {
				/* "---", "- - -": each hyphen escaped, so smart punctuation does not make the rest a
				 * dash ("\---" showed "-\u2013": helper-105) */
				for (; *p == '-' || *p == ' ' || *p == '\t'; p++) {
					if (*p == '-')
						buf_addc(&b, '\\');
					buf_addc(&b, *p);
				}
				start = first = false;
				if (!*p)
					break;
			} else if (opens) {
				const char *d = p;
				while (*d >= '0' && *d <= '9')
					d++;
				if (d > p) { /* "2011. " -> "2011\. " */
					buf_add(&b, p, (size_t)(d - p));
					p = d;
				}
				if (!(k == PASSAGE_CELL && *p == '|'))
					buf_addc(&b, '\\');
			}
			start = first = false;
		}
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n' || *p == '\r') { /* a lone CR ends a line too */
			start = true;
			buf_addc(&b, one_line ? ' ' : '\n');
			continue;
		}
		if (k == PASSAGE_CELL && *p == '|') {
			/* GFM tables: a '|' ends the cell unless a backslash is right before it, and that
			 * backslash is taken by the table, not by the text ("\\|" is "\" then a '|' that
			 * is escaped): a '|' after an even run of backslashes gets one more. */
			size_t run = 0;
			while (run < (size_t)(p - base) && p[-1 - (ptrdiff_t)run] == '\\')
				run++;
			if (run % 2 == 0)
				buf_addc(&b, '\\');
		}
		buf_addc(&b, *p);
	}
	while (b.len && (b.p[b.len - 1] == ' ' || b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\t'))
		b.len--;
	b.p[b.len] = '\0';
	/* Final '#'s that a space or tab precedes (or that are the whole text) would be an ATX heading's
	 * closing sequence, dropped (CommonMark 4.2): the first is escaped. "C#" and "C \#" end in text. */
	size_t run = b.len;
	while (run > 0 && b.p[run - 1] == '#')
		run--;
	if (k == PASSAGE_HEADING && run < b.len && (run == 0 || b.p[run - 1] == ' ' || b.p[run - 1] == '\t')) {
		buf_addc(&b, '#');
		memmove(b.p + run + 1, b.p + run, b.len - run - 1);
		b.p[run] = '\\';
		b.p[b.len] = '\0';
	}
	buf_free(&joined);
	char *out = buf_detach(&b, NULL);
	if (!*out)
		*why = "it is empty once white space is taken off";
	else if (!markdown_within_limits(out, strlen(out)))
		*why = "it is over a limit the page's Markdown has (more than 2,000 raw HTML openers such as \"<?\" "
		       "or \"<!X\", closing quotes that look far back for an opening one, or table cells: vade(5), "
		       "LIMITS), "
		       "so the page could not be rendered";
	else if (k == PASSAGE_PARAGRAPH && !one_paragraph(out))
		*why = "it would not be one paragraph on the page";
	if (*why) {
		free(out);
		return NULL;
	}
	return out;
}

/* A translation's passage of kind k as the translator wrote it, fit()'s escapes taken back: a line's
 * "\\# ", "\\- ", "2011\\. ", "\\-\\-\\-", a cell's "\\|", a heading's final "\\#". Each is taken back only
 * where fit() writes the text without it as it stands, so the next import stores the file's text
 * again (helper-105: "# pas un titre", imported, came back in the next export as "\\# pas un
 * titre"). Caller frees. */
static char *unfit(enum passage_kind k, const char *text)
{
	if (k == PASSAGE_META || !strchr(text, '\\'))
		return xstrdup(text);
	struct buf out = BUF_INIT;
	bool one_line = k == PASSAGE_HEADING || k == PASSAGE_CELL;
	for (const char *line = text; *line;) {
		size_t n = one_line ? strlen(line) : strcspn(line, "\n"), t = n;
		while (t && (line[t - 1] == ' ' || line[t - 1] == '\t'))
			t--; /* (a paragraph's line may end in a hard break: fit() keeps it, and is asked without) */
		struct buf c = BUF_INIT; /* the line without the escapes fit() may have added */
		const char *p = line, *e = line + t;
		bool hyphens = n > 0; /* "\-\-\-", "\- \- \-" */
		for (const char *q = line; q < e && hyphens; q++)
			if (*q == '\\')
				hyphens = q + 1 < e && q[1] == '-', q++;
			else
				hyphens = *q == ' ' || *q == '\t';
		if (hyphens) {
			for (; p < e; p++)
				if (*p != '\\')
					buf_addc(&c, *p);
		} else {
			size_t d = strspn(p, "0123456789");
			buf_add(&c, p, d);
			p += d;
			if (*p == '\\' && p + 1 < e && strchr(d ? ".)" : "#>-+*`~[_=", p[1]))
				p++;
		}
		for (; p < e; p++) {
			size_t run = 0;
			while (k == PASSAGE_CELL && p + run < e && p[run] == '\\')
				run++;
			if (run % 2 && p + run < e && p[run] == '|') { /* one backslash of an odd run before '|' */
				buf_add(&c, p, run - 1);
				p += run;
				buf_addc(&c, '|');
				continue;
			} else if (k == PASSAGE_HEADING && *p == '\\' && p + 1 < e && p[1] == '#' &&
			           (p == line || p[-1] == ' ' || p[-1] == '\t') && p + 1 + strspn(p + 1, "#") == e) {
				continue; /* a heading's final "\#" */
			}
			buf_addc(&c, *p);
		}
		buf_addc(&c, '\0');
		const char *why;
		char *again = c.len - 1 != t || memcmp(c.p, line, t) ? fit(k, c.p, &why) : NULL;
		bool back = again && strlen(again) == t && !memcmp(again, line, t);
		buf_add(&out, back ? c.p : line, back ? c.len - 1 : t);
		buf_add(&out, line + t, n - t);
		free(again);
		buf_free(&c);
		line += n;
		if (*line == '\n')
			buf_addc(&out, *line++);
	}
	return buf_detach(&out, NULL);
}

/* The citations ("@smith-2011") and link targets ("](page.md", without the fragment) of s, read
 * by cmark-gfm as the page reads them (markdown_markers), and the placeholders of a UI string
 * ("{lang}": vade's own syntax, not Markdown), each once. */
static void markers(const char *s, struct vec *v)
{
	markdown_markers(s, strlen(s), v);
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		/* any name without spaces or braces: a translation's "{N}" or "{لغة}" is one nothing fills */
		size_t ph = strcspn(p + 1, "{} \t\r\n");
		if (!ph || p[1 + ph] != '}')
			continue;
		vec_push_once(v, xstrndup(p, ph + 2));
	}
}

/* A link target of markers(), "](<url>", as the page reads it when written in src (a page under
 * content/, or NULL) of a page in language lang: the page it leads to, as links find pages
 * (resolve_link_path, then site_page_of_lang: "./a.md", "a%2Emd", "a/", "a/index.md", an NFD name
 * and, in a French page, "a.fr.md" are one target), else the path under content/ it resolves to.
 * An external URL, or one that does not resolve, stays as written. */
static void canon_target(const struct site *s, size_t lang, const char *src, char **m)
{
	if (strncmp(*m, "](", 2) || !src || strncmp(src, "content/", 8) || esc_url_external(*m + 2))
		return;
	char *path, *frag, *err;
	if (resolve_link_path(src, *m + 2, &path, &frag, &err) == 0) {
		int l = -1;
		const struct page *p = path ? site_page_of_lang(s, path, &l) : NULL;
		free(*m);
		if (p)
			*m = xasprintf("](page:%s:%d", p->key, l == (int)lang ? -1 : l);
		else
			*m = xasprintf("](%s", path ? path : "");
	}
	free(path);
	free(frag);
	free(err);
}

/* Whether CLDR's plural category cat ("zero", "one", ...) holds exactly one count in language
 * tag (a BCP 47 tag), by ICU's plural rules, the ones the browser's Intl.PluralRules chooses a
 * form of t_forms() with: Arabic's "one" is 1 alone, so its form may say "one page" without
 * "{n}"; French's "one" is 0 and 1, and needs it. gettext's msgfmt -c allows the same of a plural
 * form used for one number only (format.c, plural distribution). Counts up to 2,000 and around a
 * million are tried (French's "many" starts at 1,000,000); a language ICU has no rules for holds
 * every count in "other". */
static bool plural_single(const char *tag, const char *cat)
{
	UErrorCode e = U_ZERO_ERROR;
	char loc[ULOC_FULLNAME_CAPACITY];
	uloc_forLanguageTag(tag, loc, sizeof loc, NULL, &e);
	UPluralRules *r = U_SUCCESS(e) ? uplrules_open(loc, &e) : NULL;
	if (!r || U_FAILURE(e))
		return false;
	int hits = 0;
	for (int n = 0; n < 1002200 && hits < 2; n = n == 2000 ? 1000000 : n + 1) {
		UChar u[16];
		char k[16];
		e = U_ZERO_ERROR;
		int32_t len = uplrules_select(r, n, u, 16, &e);
		if (U_FAILURE(e) || len >= 16)
			continue;
		u_UCharsToChars(u, k, len);
		k[len] = '\0';
		hits += !strcmp(k, cat);
	}
	uplrules_close(r);
	return hits == 1;
}

/* Whether a UI string's form (key "ui:name_one" and so on) may leave out the count "{n}" in
 * language tag: its category holds one count (plural_single). */
static bool count_implied(const char *key, const char *placeholder, const char *tag)
{
	const char *cat = strrchr(key, '_');
	return cat && !strcmp(placeholder, "{n}") && strncmp(key, "ui:", 3) == 0 && plural_single(tag, cat + 1);
}

/* Warns when target lost a citation, link target, footnote mark or placeholder of source, and (ui: a UI string)
 * at a placeholder source has not
 * (pofilter's brackets, urls and variables checks, for vade's Markdown), reporting at path; src
 * is the page both are written in (for its relative links), or NULL; lang the translation's. */
static void check_markers(const struct site *s, size_t lang, const char *path, const struct unit *x,
                          const char *src, const char *source, const char *target, bool ui)
{
	struct vec want = VEC_INIT, have = VEC_INIT;
	markers(source, &want);
	markers(target, &have); /* as citations and links, not as text: "\\[@x]" or "`[@x]`" is none */
	/* A UI string's placeholder its original has not ("{langue}" for "{lang}"): nothing fills it,
	 * and the page would show it as it is (pofilter's variables check, the other way round). */
	for (size_t k = 0; ui && k < have.n; k++) {
		const char *h = have.v[k];
		bool known = h[0] != '{';
		for (size_t i = 0; i < want.n && !known; i++)
			known = !strcmp(want.v[i], h);
		if (!known)
			diag_warn(path, x->at, 1, "the translation of '%s' has a placeholder '%s' its original has not: "
			          "nothing fills it, and it would be shown as it is", x->id, h);
	}
	for (size_t k = 0; k < have.n; k++) {
		char *t = have.v[k];
		canon_target(s, lang, src, &t);
		have.v[k] = t;
	}
	struct vec shown = VEC_INIT; /* want as written */
	for (size_t i = 0; i < want.n; i++) {
		vec_push(&shown, xstrdup(want.v[i]));
		char *m = want.v[i];
		canon_target(s, lang, src, &m);
		want.v[i] = m;
		bool kept = false;
		for (size_t k = 0; k < have.n && !kept; k++)
			kept = !strcmp(have.v[k], m);
		if (!kept && !(ui && count_implied(x->id, m, s->langs[lang].code)))
			diag_warn(path, x->at, 1, "the translation of '%s' has no %s '%s' as its original has", x->id,
			          m[0] == '@' ? "citation" : m[0] == '{' ? "placeholder" : m[0] == '[' ? "footnote mark"
			                                                                        : "link target",
			          m[0] == ']' ? (char *)shown.v[i] + 2 : m);
	}
	vec_free_items(&shown);
	vec_free_items(&have);
	vec_free_items(&want);
}

/* Whether text cites (a citation as the page reads it: markdown_markers). */
static bool has_citation(const char *text)
{
	struct vec v = VEC_INIT;
	markdown_markers(text, strlen(text), &v);
	bool cites = false;
	for (size_t i = 0; i < v.n; i++)
		cites = cites || ((const char *)v.v[i])[0] == '@';
	vec_free_items(&v);
	return cites;
}

/* A data text a template may show through markdown(): a translation that reads as a list, a
 * heading or several paragraphs where its original is one paragraph would be published so
 * ("2004. The basis..." as a list numbered 2004). Its text cannot be escaped here, as a page's
 * passage is: a template that shows it as text would show the backslash. */
static void check_shape(const char *path, const struct unit *x, const char *source, const char *target)
{
	const char *kind = not_one_paragraph(source) ? NULL : not_one_paragraph(target);
	if (kind)
		diag_warn(path, x->at, 1, "the translation of '%s' reads as %s in Markdown (a template's markdown()), "
		          "where its original is one paragraph: if it is text, write a backslash before the mark that "
		          "starts the line (\\#, 2004\\.), or join its paragraphs", x->id, kind);
}

/* }======= */

/* {======= import: matching units to passages */

struct import {
	const struct site *s;
	size_t lang;
	const char *path;       /* the exchange file, for messages */
	const struct import_opts *opts;
	struct plan plan;
	struct status_store *st;
	bool *used;             /* per unit: matched to a passage */
	size_t fuzzy_left;      /* fuzzy units left out */
	size_t brought;         /* units brought in */
	struct vec strings;     /* struct string_edit *: UI strings and data fields to write */
	struct lost *lost;      /* [nlost]: the strings units without an id are looked up in */
	size_t nlost;
	bool lost_made;
	struct resolved *r;     /* the site's pages and files as links find them, made when first asked */
	size_t gone;            /* units as exported whose passage the original no longer has */
	const struct unit *units; /* the units imported, which said and kept follow */
	const char **said;      /* per unit: the file's text (its ends the original's), also of a unit kept */
	const bool *kept;       /* per unit: left as the site has it (merge_bases), its target made empty */
	struct strmap landed;   /* a UI string's or data field's id: 1 + the first unit that translates it */
	struct anchor_gone *anchors; /* [nanchors]: heading ids the pages' new texts take away */
	size_t nanchors;
};

/* A citation or link target that target has and source has not, that the build would stop at: a
 * source the bibliography has not, a page or file the site has not (helper-81: the import said
 * nothing, and the next build failed at the content file; helper-82: a folder, a name without
 * ".md"). Looked up as the build does (resolve_link); src is the page the text is written in, or
 * NULL for a data text (read as at content/), whose added citation of a known source is a warning.
 * A heading id after '#' is checked by the build. */
static void check_added(struct import *im, const struct unit *x, const char *src, const char *source,
                        const char *target)
{
	struct vec want = VEC_INIT, have = VEC_INIT;
	markdown_markers(source, strlen(source), &want);
	markdown_markers(target, strlen(target), &have);
	for (size_t k = 0; k < have.n; k++) {
		const char *h = have.v[k];
		bool known = false;
		for (size_t i = 0; i < want.n && !known; i++)
			known = !strcmp(want.v[i], h);
		if (known)
			continue;
		if (h[0] == '@' && !cite_refs_has(&im->s->refs, h + 1)) {
			diag_error(im->path, x->at, 1, "the translation of '%s' cites '%s', a source the bibliography has "
			           "not: the build would stop at it", x->id, h);
		} else if (h[0] == '@' && !src) {
			/* a data text: a template may show it where no notes are listed (the default theme's pocket
			 * cards and sheets), and the build stops there (render.c, notes_unlisted): said now */
			diag_warn(im->path, x->at, 1, "the translation of '%s' cites '%s', which its original does not: where a "
			          "template shows it without notes (the default theme's pocket cards and sheets) the build "
			          "stops at it; cite as the original does", x->id, h + 1);
		} else if (!strncmp(h, "](", 2) && !esc_url_external(h + 2)) {
			if (!im->r)
				im->r = resolve_site(im->s, NULL);
			struct link_target t = {0};
			char *err = NULL;
			if (resolve_link(im->r, src, h + 2, &t, &err) != 0)
				diag_error(im->path, x->at, 1, "the translation of '%s' has a link the build would stop at: %s",
				           x->id, err ? err : "link that leads nowhere");
			free(err);
			free(t.path);
			free(t.fragment);
		}
	}
	vec_free_items(&have);
	vec_free_items(&want);
}

static void unit_error(struct import *im, const struct unit *x, const char *fmt, const char *arg)
{
	char *msg = xasprintf(fmt, arg);
	/* Without an id, a unit is its reference: an entry that lists several says which one failed. */
	if (!x->id && x->file && x->line > 0)
		diag_error(im->path, x->at, x->at ? 1 : 0, "'%s' at %s:%d: %s", x->source, x->file, x->line, msg);
	else if (!x->id && x->file)
		diag_error(im->path, x->at, x->at ? 1 : 0, "'%s' in %s: %s", x->source, x->file, msg);
	else
		diag_error(im->path, x->at, x->at ? 1 : 0, "'%s': %s", x->id ? x->id : x->source, msg);
	free(msg);
}

/* Whether unit x is one the import brings in: translated, not obsolete, fuzzy only with --fuzzy. */
static bool brought_in(const struct import_opts *o, const struct unit *x)
{
	return !x->obsolete && !x->held && *x->target && x->state != UNIT_UNTRANSLATED &&
	       (x->state != UNIT_FUZZY || o->fuzzy);
}

/* The same; counts the fuzzy ones left out. */
static bool wanted(struct import *im, const struct unit *x)
{
	bool in = brought_in(im->opts, x);
	if (!in && x->state == UNIT_FUZZY && !x->obsolete && *x->target)
		im->fuzzy_left += !x->more_place;
	return in;
}

/* Whether id is one of ours (unit.h); tools make up others (xliff2po turns a
 * location into a msgctxt for a repeated msgid). */
static bool our_id(const char *id)
{
	return id && (!strncmp(id, "page:", 5) || !strncmp(id, "ui:", 3) || !strncmp(id, "data:", 5));
}

/* The unit's id when it is one of ours, else NULL: then it is matched as if it had none. */
static const char *id_of(const struct unit *x)
{
	return our_id(x->id) ? x->id : NULL;
}

void exchange_read_places(struct unit_list *u)
{
	for (size_t k = 0; k < u->n; k++) {
		struct unit *x = &u->v[k];
		/* a place as tools on Windows or in a shell write it: "content\x.md", "./content/x.md" */
		for (char *c = x->file; c && (c = strchr(c, '\\'));)
			*c++ = '/';
		while (x->file && !strncmp(x->file, "./", 2))
			memmove(x->file, x->file + 2, strlen(x->file + 2) + 1);
		if (our_id(x->id) || !our_id(x->file))
			continue;
		/* xliff2po writes a location through Python's quote_plus: "page:caf%C3%A9:1", "field+notes" */
		for (char *c = x->file; (c = strchr(c, '+'));)
			*c++ = ' ';
		size_t dl;
		char *dec = percent_decode(x->file, strlen(x->file), &dl);
		if (dl == strlen(dec) && utf8_invalid_at(dec, dl) < 0) {
			free(x->file);
			x->file = dec;
		} else {
			free(dec);
		}
		free(x->id);
		/* gettext reads "#: page:about:3" as the file "page:about" at line 3 */
		x->id = x->line ? xasprintf("%s:%d", x->file, x->line) : x->file;
		if (x->line)
			free(x->file);
		x->file = NULL;
		x->line = 0;
		x->more_place = false;
	}
}

/* The units of each page, found once: by id "page:<key>:<name>", or, without
 * an id, by the original's file. Returns the unit indices grouped by page,
 * page i's from (*from)[i] to (*from)[i + 1]. Caller frees both. */
static size_t *units_by_page(const struct site *s, const struct unit_list *u, size_t **from)
{
	struct strmap keys = STRMAP_INIT, srcs = STRMAP_INIT; /* page key / original's file -> page index */
	for (size_t i = 0; i < s->npages; i++)
		if (!s->pages[i]->generated && s->pages[i]->docs[0]) {
			*strmap_put(&keys, s->pages[i]->key, NULL) = i;
			*strmap_put(&srcs, s->pages[i]->docs[0]->src, NULL) = i;
		}
	size_t *page = xcalloc(u->n + 1, sizeof *page);
	*from = xcalloc(s->npages + 2, sizeof **from);
	for (size_t k = 0; k < u->n; k++) {
		const struct unit *x = &u->v[k];
		const char *id = id_of(x);
		const size_t *hit = NULL;
		if (id && x->more_place) {
			/* one more location of a unit its id places: nothing to do */
		} else if (id && !strncmp(id, "page:", 5)) {
			/* "page:<key>:<name>"; one without a name (a bare "page:x") names no page */
			const char *colon = strrchr(id + 5, ':');
			if (colon) {
				char *key = xstrndup(id + 5, (size_t)(colon - (id + 5)));
				hit = strmap_get(&keys, key);
				free(key);
			}
		} else if (!id && x->file) {
			hit = strmap_get(&srcs, x->file);
		}
		page[k] = hit ? *hit : SIZE_MAX;
		if (hit)
			(*from)[*hit + 1]++;
	}
	for (size_t i = 0; i < s->npages; i++)
		(*from)[i + 1] += (*from)[i];
	size_t *order = xcalloc(u->n + 1, sizeof *order), *fill = xcalloc(s->npages + 1, sizeof *fill);
	for (size_t k = 0; k < u->n; k++)
		if (page[k] != SIZE_MAX)
			order[(*from)[page[k]] + fill[page[k]]++] = k;
	free(fill);
	free(page);
	strmap_free(&keys);
	strmap_free(&srcs);
	return order;
}

/* What one page's import decided for each of its original's passages. */
struct choice {
	const struct unit *unit;  /* the unit brought in for it, or NULL */
	char *text;               /* its fitted target */
	const struct unit *first; /* the first unit of the file that lands on it, brought in or kept as the
	                           * site has it (merge_bases): a later one with another text is a second
	                           * translation */
};

/* Whether part is whole sentences of whole, as posegment cuts a passage: it starts where whole or a
 * sentence does (after ". ", "! ", "? ") and ends where whole or a sentence does. An original the
 * author lengthened ("Overview" to "Overview of THB") is no part so cut (helper-85: it was said to
 * be one). */
static bool sentence_of(const char *whole, const char *part)
{
	static const char *const stops[] = {".", "!", "?", ":", ";", "\u2026", "\u3002", "\uff01", "\uff1f"};
	size_t n = strlen(part);
	for (const char *p = strstr(whole, part); p; p = strstr(p + 1, part)) {
		const char *b = p, *e = p + n;
		while (b > whole && isspace((unsigned char)b[-1]))
			b--;
		bool starts = p == whole, ends = !*e;
		for (size_t k = 0; k < sizeof stops / sizeof *stops; k++) {
			size_t m = strlen(stops[k]);
			bool wide = m > 1 && stops[k][0] != '\xe2'; /* a CJK stop needs no space after it */
			starts = starts || ((b < p || wide) && (size_t)(b - whole) >= m && !memcmp(b - m, stops[k], m));
			ends = ends || ((isspace((unsigned char)*e) || wide) && n >= m && !memcmp(e - m, stops[k], m));
		}
		if (starts && ends)
			return true;
	}
	return false;
}

/* Whether x's original, white space around it dropped, is whole sentences of the original its id
 * names (posegment cuts a passage, a UI string or a data field into sentences, each an entry with
 * the id: helper-81); said as an error at x when it is. */
static bool part_of(struct import *im, const struct unit *x, const char *whole)
{
	size_t sl = strlen(x->source);
	while (sl && isspace((unsigned char)x->source[sl - 1]))
		sl--;
	size_t lead = sl ? strspn(x->source, " \t\n") : 0;
	char *part = xstrndup(x->source + lead, sl - lead);
	bool is = *part && strlen(part) < strlen(whole) && sentence_of(whole, part);
	if (is)
		unit_error(im, x, "%s", "its original is a part of the passage its id names, as a tool that cuts "
		                        "passages into sentences (posegment) leaves it; not imported: translate whole "
		                        "passages, or join the parts before the import");
	free(part);
	return is;
}

/* Whether a and b differ in the white space at their ends alone. */
static bool same_but_ends(const char *a, const char *b)
{
	a += strspn(a, " \t\n"), b += strspn(b, " \t\n");
	size_t na = strlen(a), nb = strlen(b);
	while (na && isspace((unsigned char)a[na - 1]))
		na--;
	while (nb && isspace((unsigned char)b[nb - 1]))
		nb--;
	return na == nb && !memcmp(a, b, na);
}

/* The text the exchange file gives unit x, also when the import keeps the site's (merge_bases). */
static const char *file_text(const struct import *im, const struct unit *x)
{
	return im->said[x - im->units];
}

/* Says x is a second translation of what (a passage, a string) the unit first translated. */
static void second_translation(struct import *im, const struct unit *x, const char *what, const struct unit *first)
{
	char *m = first->at ? xasprintf("a second translation of the same %s (the first at line %d); not imported", what,
	                                first->at)
	                    : xasprintf("a second translation of the same %s; not imported", what);
	unit_error(im, x, "%s", m);
	free(m);
}

/* Matches unit x to a passage of the aligned page: by name (names: name ->
 * index in a) with the same source, else by source alone when exactly one
 * passage not yet chosen has it (texts: a's passages sorted by digest, ntexts
 * of them; each unit without an id scanned the whole page). */
/* Whether s holds a letter (a text, not a number, a sign or a URL's punctuation alone); every
 * character outside ASCII is taken for one. */
static bool has_letter(const char *s)
{
	for (; *s; s++)
		if (isalpha((unsigned char)*s) || (unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* Whether node n (a YAML tree) holds a scalar that is t. */
static bool yml_holds(const struct yml_node *n, const char *t)
{
	if (!n)
		return false;
	if (n->kind == YML_SCALAR)
		return n->str && !strcmp(n->str, t);
	for (size_t i = 0; i < n->n; i++)
		if (yml_holds(n->kids[i], t))
			return true;
	return false;
}

/* Whether the UI strings of lang (the site's, then the theme's) hold t. */
static bool ui_holds(const struct site *s, size_t lang, const char *t)
{
	for (int k = 0; k < 2; k++) {
		const struct yml_doc *d = s->ui[lang * 2 + (size_t)k];
		if (d && yml_holds(d->root, t))
			return true;
	}
	return false;
}

/* The text of the file site_holds() read last: an exchange file's entries come file by file, and
 * reading the file again for each of its entries made an import read each page several times. */
struct last_read {
	char *src;              /* as the site names it, or NULL */
	char *text;             /* its text, or NULL when it could not be read */
	size_t len;
};

static void last_read_free(struct last_read *r)
{
	free(r->src);
	free(r->text);
	*r = (struct last_read){0};
}

/* Whether the site's translation into lang of the file x names (its "#:" reference or XLIFF location:
 * a page's file, a data file, the UI strings) holds x's target as it is: the site's own text, which
 * a file whose ids a tool renumbered (po2xliff) brings back unchanged (helper-145). Reads that file,
 * or takes it from last, which it keeps. */
static bool site_holds(const struct site *s, size_t lang, const struct unit *x, struct last_read *last)
{
	if (!x->file || !*x->target)
		return false;
	if (!strncmp(x->file, "themes/", 7)) /* the theme's UI strings */
		return ui_holds(s, lang, x->target);
	if (strncmp(x->file, "content/", 8))
		return false;
	const char *rel = x->file + 8, *dot = strrchr(rel, '.');
	char *src = NULL;
	if (!strncmp(rel, "data/", 5) && dot) {
		char *name = xstrndup(rel + 5, (size_t)(dot - rel - 5));
		const struct data_file *d = site_data_file(s, name, (int)lang);
		src = d && d->lang == (int)lang ? xstrdup(d->src) : NULL;
		free(name);
	} else if (!strncmp(rel, "i18n/", 5)) {
		return ui_holds(s, lang, x->target);
	} else {
		const struct page *p = site_page_of(s, rel);
		src = p && p->docs[lang] && p->docs[lang]->src ? xstrdup(p->docs[lang]->src) : NULL;
	}
	if (!src)
		return false;
	if (!last->src || strcmp(last->src, src)) {
		last_read_free(last);
		last->src = src;
		if (site_read(s, src, &last->text, &last->len) != 0)
			last->text = NULL;
	} else {
		free(src);
	}
	return last->text && memmem(last->text, last->len, x->target, strlen(x->target));
}

/* Whether x's text is as the file was exported with it: a base of its comments is its target's
 * (helper-140: a file left as it was failed to import once the original lost a paragraph, which
 * the README says goes). */
static bool as_exported(const struct unit *x)
{
	struct bases b = {0};
	read_bases(x->comment, &b);
	read_bases(x->note, &b);
	uint64_t d = x->id ? base_of(x->id, x->target) : 0;
	bool same = false;
	for (size_t j = 0; j < b.n && x->id; j++)
		same = same || b.v[j] == d;
	free(b.v);
	return same;
}

/* What match() looks passages up by, besides their names: by text (digest) and line, and by text
 * and the translation the first entry on them gave. Each a map from a key of text_key() to the
 * first passage (in a's order) with it: an entry of a text that n passages share looked at all n,
 * and a page of n such paragraphs took n² (helper-171: 4.7 s at 40,000). */
struct passage_keys {
	struct strmap at_line;     /* digest and line -> the passage's place in a */
	struct strmap translated;  /* digest and its first translation's plain form -> place */
};

/* The key of digest d and, after it, n (a line) or text. Caller frees. */
static char *text_key(uint64_t d, int n, const char *text)
{
	struct buf b = BUF_INIT, p = BUF_INIT;
	buf_addf(&b, "%016llx:", (unsigned long long)d);
	if (text) {
		plain_form(&p, text); /* (as same_text() compares them) */
		buf_adds(&b, p.p);
		buf_free(&p);
	} else {
		buf_addf(&b, "%d", n);
	}
	return buf_detach(&b, NULL);
}

/* v's entry for key: place i unless it has one before i. */
static void key_first(struct strmap *v, char *key, size_t i)
{
	bool added;
	size_t *at = strmap_put(v, key, &added);
	if (added || i < *at)
		*at = i;
	free(key);
}

static size_t key_get(const struct strmap *v, char *key)
{
	const size_t *at = strmap_get(v, key);
	free(key);
	return at ? *at : SIZE_MAX;
}

static size_t match(struct import *im, const struct unit *x, const struct passage_set *sg,
                    const struct page_align *a, const struct choice *ch, const struct strmap *names,
                    const struct digest_at *texts, size_t ntexts, const struct passage_keys *keys)
{
	const char *name = id_of(x) ? strrchr(x->id, ':') + 1 : NULL;
	uint64_t d = passage_digest(x->source, strlen(x->source));
	const size_t *hit = name ? strmap_get(names, name) : NULL;
	size_t by_name = hit ? *hit : SIZE_MAX, by_text = SIZE_MAX, same = 0;
	if (by_name != SIZE_MAX && sg->v[a->v[by_name].orig].digest == d)
		return by_name; /* the usual case: the passage its id names, with the same text */
	size_t lo = 0, hi = ntexts; /* the first passage with digest d */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (texts[mid].d < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	for (hi = ntexts; end < hi;) { /* past the last */
		size_t mid = end + (hi - end) / 2;
		if (texts[mid].d <= d)
			end = mid + 1;
		else
			hi = mid;
	}
	/* Without a usable id, a place ("#:" reference, XLIFF linenumber) that names a passage with this
	 * text names that one, also when an entry before landed there (the caller compares the two:
	 * helper-129, it went to another passage of the same text, in silence). */
	if (by_name == SIZE_MAX && x->line && lo < end) {
		size_t i = key_get(&keys->at_line, text_key(d, x->line, NULL));
		if (i != SIZE_MAX)
			return i;
	}
	for (size_t k = lo; k < end && same < 2; k++) /* (none, one, or more) */
		if (!ch[texts[k].i].first)
			by_text = texts[k].i, same++;
	if (by_name == SIZE_MAX && same == 1)
		return by_text;
	if (by_name == SIZE_MAX && !same && lo < end) {
		/* the text is the page's, each passage with it landed on by an entry before (helper-128:
		 * "no passage of the page has this original text"): the one whose translation it repeats,
		 * else the first, which the caller says it translates a second time */
		size_t i = key_get(&keys->translated, text_key(d, 0, file_text(im, x)));
		return i != SIZE_MAX ? i : texts[lo].i;
	}
	const char *whole = by_name != SIZE_MAX ? sg->v[a->v[by_name].orig].text : NULL;
	if (whole && part_of(im, x, whole))
		;
	else if (by_name != SIZE_MAX && same == 1)
		/* its text is another passage's: a changed original, or a changed id (helper-85); not put there,
		 * as the old text of a changed passage may be another's ("Yes.") */
		unit_error(im, x, "%s", "its original changed since the file was exported, or its id was changed (its "
		                        "text is another passage's); not imported (merge the file with a new export, e.g. "
		                        "with msgmerge, and translate what changed)");
	else if (by_name != SIZE_MAX)
		unit_error(im, x, "%s", "its original changed since the file was exported; not imported "
		                        "(merge the file with a new export, e.g. with msgmerge, and translate what changed)");
	else if (same > 1)
		unit_error(im, x, "%s", "its text is in several places of the page and its id is gone; not imported");
	else if (name && as_exported(x))
		im->gone++; /* a passage deleted since the export, its text as exported: nothing of the translator's */
	else
		unit_error(im, x, "%s", name ? "no passage of the page has this id or this original text (deleted from "
		                               "the original since the file was exported?); not imported"
		                             : "no passage of the page has this original text; not imported");
	return SIZE_MAX;
}

/* }======= */

/* {======= import: a page */

/* The translation file of a page: "content/a/b.md" -> "content/a/b.fr.md". */
static char *translation_path(const char *src, const char *lang)
{
	size_t n = strlen(src);
	return xasprintf("%.*s.%s.md", (int)(n - 3), src, lang);
}

/* A heading id a page had in the import's language before the import and has not after it (the
 * heading's text changed, so its id did): a link of the language's pages to it would stop the
 * next build, which the import said nothing of (helper-153). */
struct anchor_gone {
	const struct page *page;
	char *file;              /* its translation's file */
	char *id;
	const struct unit *unit; /* the entry that changed the heading; one of the page's when no one
	                          * heading had it (a repeat's "-1" that moved) */
	char *now;               /* the id that heading has now, or NULL */
};

/* The heading ids of a page file's text in language code (file lines in *lines), as the build
 * gives them. Caller frees each id and both arrays. */
static size_t text_heading_ids(struct import *im, const char *text, size_t len, bool title_from_heading,
                               const char *code, char ***ids, int **lines)
{
	if (!im->r)
		im->r = resolve_site(im->s, NULL);
	int body_line;
	size_t off = doc_body_at(text, len, &body_line);
	size_t n = markdown_heading_ids(text + off, len - off, title_from_heading, code, resolve_reserved_ids(im->r),
	                                ids, lines, NULL);
	for (size_t i = 0; i < n; i++)
		(*lines)[i] += body_line - 1;
	return n;
}

/* Notes each heading id of page p that out, its new translation, takes away: links in the language
 * find the translation's ids, or the original's while it has none (render.c, check_anchors). The
 * entry it is said at is the one that changed that heading (ch: what import_page chose). */
static void note_anchors_gone(struct import *im, const struct page *p, const struct passage_set *sg,
                              const struct passage_set *tr, const struct page_align *a, const struct choice *ch,
                              const char *out)
{
	size_t l = im->lang;
	bool had = tr->text != NULL;
	const struct passage_set *old = had ? tr : sg;
	bool drop = (had ? p->docs[l] : p->docs[0])->title_from_heading;
	bool changed = false; /* a heading the import gives another text (else no id changes) */
	for (size_t i = 0; i < a->n && !changed; i++) {
		size_t at = had ? a->v[i].tr : a->v[i].orig;
		changed = ch[i].unit && a->v[i].orig != SIZE_MAX && sg->v[a->v[i].orig].kind == PASSAGE_HEADING &&
		          (at == SIZE_MAX || strcmp(old->v[at].text, ch[i].text));
	}
	if (!changed)
		return;
	char **was, **now;
	int *wl, *nl;
	size_t nw = text_heading_ids(im, old->text, old->len, drop, im->s->langs[had ? l : 0].code, &was, &wl);
	size_t nn = text_heading_ids(im, out, strlen(out), drop, im->s->langs[l].code, &now, &nl);
	struct strmap after = STRMAP_INIT;
	for (size_t k = 0; k < nn; k++)
		strmap_put(&after, now[k], NULL);
	/* The new text's headings are the original's heading passages, in order (the title's "# heading"
	 * dropped): the id of the n-th is now[n], when the counts say so. */
	size_t heads = 0;
	for (size_t i = 0; i < a->n; i++)
		heads += a->v[i].orig != SIZE_MAX && sg->v[a->v[i].orig].kind == PASSAGE_HEADING;
	size_t skip = drop && heads == nn + 1;
	for (size_t k = 0; k < nw; k++) {
		if (strmap_get(&after, was[k]))
			continue;
		const struct unit *by = NULL, *any = NULL;
		const char *id_now = NULL, *text = NULL;
		for (size_t i = 0, h = 0; i < a->n && !by; i++) {
			if (a->v[i].orig == SIZE_MAX || sg->v[a->v[i].orig].kind != PASSAGE_HEADING)
				continue;
			size_t nth = h++;
			if (!ch[i].unit)
				continue;
			size_t at = had ? a->v[i].tr : a->v[i].orig;
			if (at != SIZE_MAX && old->v[at].line == wl[k]) {
				by = ch[i].unit, text = ch[i].text;
				if (heads == nn + skip && nth >= skip)
					id_now = now[nth - skip];
			}
			any = any ? any : ch[i].unit;
		}
		for (size_t i = 0; i < a->n && !any; i++)
			any = ch[i].unit;
		struct buf slug = BUF_INIT;
		if (id_now)
			buf_adds(&slug, id_now);
		else if (text)
			markdown_slug(&slug, text, strlen(text));
		im->anchors = xgrow(im->anchors, im->nanchors, sizeof *im->anchors);
		char *file = had ? xstrdup(p->docs[l]->src) : translation_path(p->docs[0]->src, im->s->langs[l].code);
		im->anchors[im->nanchors++] = (struct anchor_gone){p, file, xstrdup(was[k]), by ? by : any,
		                                                   slug.len ? xstrdup(slug.p) : NULL};
		buf_free(&slug);
	}
	strmap_free(&after);
	for (size_t k = 0; k < nw; k++)
		free(was[k]);
	for (size_t k = 0; k < nn; k++)
		free(now[k]);
	free(was);
	free(wl);
	free(now);
	free(nl);
}

/* A page of the language whose links are looked at for anchors gone. */
struct linking {
	struct import *im;
	const struct page *page;
	const char *rel;        /* its file, as the import leaves it */
	int body_line;
};

static void link_to_gone(void *ctx, const char *url, int line)
{
	struct linking *k = ctx;
	struct import *im = k->im;
	if (!strchr(url, '#') || esc_url_external(url))
		return;
	struct link_target t = {0};
	char *err = NULL;
	bool found = resolve_link(im->r, k->rel, url, &t, &err) == 0;
	if (found && t.kind == LINK_FRAGMENT)
		t.page = k->page, t.lang = -1; /* "#part": the page's own */
	if (found && t.page && t.fragment && (t.lang < 0 || (size_t)t.lang == im->lang)) {
		for (size_t i = 0; i < im->nanchors; i++) {
			const struct anchor_gone *g = &im->anchors[i];
			if (g->page != t.page || strcmp(g->id, t.fragment))
				continue;
			const struct unit *x = g->unit;
			char *now = g->now ? xasprintf("'#%s'", g->now) : xstrdup("the heading's new id");
			diag_warn(im->path, x->at, x->at ? 1 : 0, "'%s': its new text changes a heading's id: '#%s' is gone "
			          "from %s, and %s:%d links to it, so the build would stop there; change that link to %s too "
			          "(in this file, or in the page after the import), or keep the heading's words (a heading's "
			          "id is made from its words alone: a '{#id}' after them is shown as text)",
			          x->id ? x->id : x->source, g->id, g->file, k->rel, k->body_line + line - 1, now);
			free(now);
		}
	}
	free(err);
	free(t.path);
	free(t.fragment);
}

/* Warns at the entry for each link of the language's pages, as the import leaves them, to a
 * heading id the import takes away (note_anchors_gone). */
static void check_anchors_gone(struct import *im)
{
	const struct site *s = im->s;
	size_t l = im->lang;
	for (size_t i = 0; i < s->npages && im->nanchors; i++) {
		const struct page *q = s->pages[i];
		if (q->generated || !q->docs[0])
			continue;
		char *rel = q->docs[l] ? xstrdup(q->docs[l]->src) : translation_path(q->docs[0]->src, s->langs[l].code);
		const char *planned = plan_get(&im->plan, rel);
		char *text = planned ? xstrdup(planned) : NULL;
		size_t len = planned ? strlen(planned) : 0;
		if (text || (q->docs[l] && site_read(s, rel, &text, &len) == 0)) {
			struct linking k = {im, q, rel, 1};
			size_t off = doc_body_at(text, len, &k.body_line);
			markdown_links(text + off, len - off, link_to_gone, &k);
		}
		free(text);
		free(rel);
	}
	for (size_t i = 0; i < im->nanchors; i++) {
		free(im->anchors[i].file);
		free(im->anchors[i].id);
		free(im->anchors[i].now);
	}
	free(im->anchors);
	im->anchors = NULL, im->nanchors = 0;
}

/* Whether the translation's passages already stand in the order the page
 * now has (so its file can be edited in place). */
static bool in_order(const struct page_align *a, const struct passage_set *sg, const struct passage_set *tr)
{
	size_t next = 0, body = 0;
	for (size_t i = 0; i < tr->n; i++)
		body += tr->v[i].kind != PASSAGE_META;
	size_t seen = 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct tr_passage *tp = &a->v[i];
		if (tp->orig == SIZE_MAX)
			return false; /* something to delete */
		if (tp->tr == SIZE_MAX)
			return false; /* something to add */
		if (sg->v[tp->orig].kind == PASSAGE_META)
			continue;
		while (next < tr->n && tr->v[next].kind == PASSAGE_META)
			next++;
		if (tp->tr != next)
			return false;
		next++, seen++;
	}
	return seen == body;
}

/* The blocks of a page body that are not passages and that a rebuild takes
 * from the original: HTML blocks (comments too), code blocks, and link
 * reference definitions ("[label]: url", which cmark keeps to itself: found
 * by their line, outside code). Pushes each block's text. */
static void own_blocks(const char *body, size_t len, struct vec *out)
{
	cmark_node *doc = markdown_parse_blocks(body, len);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_CODE_BLOCK))
			vec_push(out, xstrdup(cmark_node_get_literal(n) ? cmark_node_get_literal(n) : ""));
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	bool fence = false;
	for (const char *l = body; l < body + len;) {
		const char *e = memchr(l, '\n', (size_t)(body + len - l));
		size_t n = e ? (size_t)(e - l) : (size_t)(body + len - l), sp = 0;
		while (sp < n && sp < 4 && l[sp] == ' ')
			sp++;
		if (n - sp >= 3 && (!strncmp(l + sp, "```", 3) || !strncmp(l + sp, "~~~", 3)))
			fence = !fence;
		const char *c = sp < 4 && l[sp] == '[' ? memchr(l, ']', n) : NULL;
		if (!fence && c && c + 1 < l + n && c[1] == ':')
			vec_push(out, xstrndup(l + sp, n - sp));
		l += n + 1;
	}
}

/* Whether the translation has a block of its own (see own_blocks) that the
 * original has not: a rebuild in the original's structure would lose it. */
static bool has_own_blocks(const struct page *p, size_t l, const struct passage_set *sg, const struct passage_set *tr)
{
	struct vec mine = VEC_INIT, theirs = VEC_INIT;
	size_t to = p->docs[l]->body_off <= tr->len ? p->docs[l]->body_off : tr->len;
	size_t oo = p->docs[0]->body_off <= sg->len ? p->docs[0]->body_off : sg->len;
	own_blocks(tr->text + to, tr->len - to, &mine);
	own_blocks(sg->text + oo, sg->len - oo, &theirs);
	bool own = false;
	for (size_t i = 0; i < mine.n && !own; i++) {
		bool found = false;
		for (size_t k = 0; k < theirs.n && !found; k++)
			found = !strcmp(mine.v[i], theirs.v[k]);
		own = !found;
	}
	vec_free_items(&mine);
	vec_free_items(&theirs);
	return own;
}

/* The new translation file: the translation edited in place when its
 * passages already follow the original's order; else the original's body
 * (its structure) with every passage's new text, under the translation's
 * front matter (or the original's when there is no translation yet). */
static char *rebuild(const struct page *p, size_t l, const struct passage_set *sg, const struct passage_set *tr,
                     const struct page_align *a, char **texts)
{
	bool have = tr->text != NULL;
	struct edit *e = xcalloc(a->n + 1, sizeof *e);
	size_t ne = 0;
	char *out;
	if (have && in_order(a, sg, tr)) {
		for (size_t i = 0; i < a->n; i++) {
			const struct passage *t = &tr->v[a->v[i].tr];
			if (strcmp(t->text, texts[i]))
				e[ne++] = (struct edit){t->start, t->end, reflow(tr->text, t, texts[i])};
		}
		out = apply_edits(tr->text, tr->len, e, ne);
		edits_free(e, ne);
		return out;
	}
	/* The front matter: the translation's, its own keys kept, a value it
	 * lacks added before its closing line; the original's when it has none. */
	const struct passage_set *fm = sg;
	size_t fm_end = p->docs[0]->body_off;
	if (have && p->docs[l]->fm_text)
		fm = tr, fm_end = p->docs[l]->body_off;
	size_t close = fm_end <= fm->len ? fm_end : fm->len; /* where the closing "---" line starts */
	if (close && fm->text[close - 1] == '\n')
		close--;
	while (close && fm->text[close - 1] != '\n')
		close--;
	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].orig == SIZE_MAX || sg->v[a->v[i].orig].kind != PASSAGE_META)
			continue;
		const struct passage *g = &sg->v[a->v[i].orig];
		if (fm == tr && a->v[i].tr == SIZE_MAX) {
			char *q = yaml_quote(texts[i]);
			e[ne++] = (struct edit){close, close, xasprintf("%s: %s\n", g->label, q)};
			free(q);
			continue;
		}
		if (fm == tr)
			g = &tr->v[a->v[i].tr];
		if (fm == tr && !strcmp(g->text, texts[i]))
			continue; /* as it was: its line stays as the translator wrote it */
		e[ne++] = (struct edit){g->start, g->end, reflow(fm->text, g, texts[i])};
	}
	char *head = apply_edits(fm->text, fm_end <= fm->len ? fm_end : fm->len, e, ne);
	edits_free(e, ne);
	e = xcalloc(a->n + 1, sizeof *e), ne = 0;
	size_t off = p->docs[0]->body_off <= sg->len ? p->docs[0]->body_off : sg->len;
	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].orig == SIZE_MAX)
			continue;
		const struct passage *g = &sg->v[a->v[i].orig];
		if (g->kind != PASSAGE_META && strcmp(g->text, texts[i]))
			e[ne++] = (struct edit){g->start - off, g->end - off, reflow(sg->text, g, texts[i])};
	}
	char *body = apply_edits(sg->text + off, sg->len - off, e, ne);
	edits_free(e, ne);
	out = head && body ? xasprintf("%s%s", head, body) : NULL;
	free(head);
	free(body);
	return out;
}

static void import_page(struct import *im, const struct page *p, const struct unit_list *u, const size_t *mine,
                        size_t nmine)
{
	const struct site *s = im->s;
	size_t l = im->lang;
	struct passage_set sg, tr;
	const struct rec *rec;
	size_t nrec;
	struct page_align a;
	if (!page_open(s, l, im->st, p, &sg, &tr, &rec, &nrec, &a))
		return;
	struct choice *ch = xcalloc(a.n + 1, sizeof *ch);
	size_t chosen = 0;
	bool refused = false;
	struct strmap names = STRMAP_INIT; /* passage name -> its place in a (names are the page's own strings) */
	struct digest_at *by_text = xcalloc(a.n + 1, sizeof *by_text);
	size_t ntexts = 0;
	for (size_t i = 0; i < a.n; i++)
		if (a.v[i].orig != SIZE_MAX) {
			*strmap_put(&names, a.v[i].name, NULL) = i;
			by_text[ntexts++] = (struct digest_at){sg.v[a.v[i].orig].digest, i};
		}
	digest_at_sort(by_text, ntexts);
	struct passage_keys keys = {STRMAP_INIT_OWNED, STRMAP_INIT_OWNED};
	for (size_t k = 0; k < ntexts; k++)
		key_first(&keys.at_line, text_key(by_text[k].d, sg.v[a.v[by_text[k].i].orig].line, NULL), by_text[k].i);
	for (size_t m = 0; m < nmine; m++) {
		size_t k = mine[m];
		const struct unit *x = &u->v[k];
		im->used[k] = true;
		bool in = wanted(im, x);
		if (!in && !im->kept[k])
			continue;
		if (!a.shape) {
			/* Rebuilding it would throw away what the translator built otherwise. */
			if (in && !refused)
				diag_error(p->docs[l]->src, 0, 0, "its headings, paragraphs and cells do not answer the original's "
				           "one by one, so %s cannot put its translations in place: bring it into the original's "
				           "shape, or move it aside and import again", im->path);
			refused = refused || in;
			continue;
		}
		size_t i = match(im, x, &sg, &a, ch, &names, by_text, ntexts, &keys);
		if (i == SIZE_MAX)
			continue;
		/* Two entries of the file on one passage (a tool's copy of an entry that lost its id, two
		 * routes to one place): another text is an error, whichever entry the import would take, as
		 * one of the translator's texts would be lost (a copy without its id won in silence where
		 * the entry with it was kept as the site has it, helper-153); the same text is taken once. */
		if (ch[i].first) {
			if (!same_text(file_text(im, ch[i].first), file_text(im, x)))
				second_translation(im, x, "passage", ch[i].first);
			continue;
		}
		ch[i].first = x;
		key_first(&keys.translated, text_key(sg.v[a.v[i].orig].digest, 0, file_text(im, x)), i);
		if (!in)
			continue; /* kept as the site has it (merge_bases) */
		const struct passage *g = &sg.v[a.v[i].orig];
		const char *why = NULL;
		char *text = fit(g->kind, x->target, &why);
		if (!text) {
			unit_error(im, x, "its translation cannot be put in the page: %s", why);
			continue;
		}
		if (g->kind == PASSAGE_CELL && has_citation(text)) { /* the build's rule (cite.c) */
			unit_error(im, x, "%s", "a citation cannot stand in a table cell; cite in the text before or after "
			                        "the table");
			free(text);
			continue;
		}
		check_markers(im->s, im->lang, im->path, x, p->docs[0]->src, g->text, text, false);
		if (g->kind != PASSAGE_META) /* a title or summary is no Markdown: its "[@x]" is text */
			check_added(im, x, p->docs[0]->src, g->text, text);
		ch[i].unit = x, ch[i].text = text;
		chosen++;
	}
	if (chosen && a.guessed) {
		/* Which passages the translation answers is a guess (page_align): rebuilt on it, a passage of
		 * the translation paired with one the original lost goes, a text of the translator's were the
		 * guess wrong (helper-106, helper-107). Paired with the original's (its kinds said so), none goes. */
		bool drops = false;
		int at = 0; /* the first passage of the translation the guess would take out (helper-147: no place) */
		for (size_t i = 0; i < a.n; i++)
			if (a.v[i].orig == SIZE_MAX && a.v[i].tr != SIZE_MAX) {
				if (!drops && a.v[i].tr < tr.n)
					at = tr.v[a.v[i].tr].line;
				drops = true;
			}
		if (drops) {
			diag_error(p->docs[l]->src, at, at ? 1 : 0, "the original lost and gained passages since this translation was "
			           "recorded, and it has as many as then and as now, so which of its headings, paragraphs and "
			           "cells answer which is a guess, on which %s would take one of them out: delete what answers "
			           "the passage the original lost and add the new one by hand, check the rest (vade i18n status "
			           "lists them), then run vade i18n done on the page", im->path);
			chosen = 0;
		}
	}
	if (chosen) {
		/* Every passage of the original now: what it holds and what the record says. */
		char **texts = xcalloc(a.n + 1, sizeof *texts);
		struct rec *nr = xcalloc(a.n + 1, sizeof *nr);
		size_t nn = 0;
		for (size_t i = 0; i < a.n; i++) {
			const struct tr_passage *tp = &a.v[i];
			if (tp->orig == SIZE_MAX)
				continue; /* deleted from the original: gone from the translation */
			const struct passage *g = &sg.v[tp->orig];
			struct rec r = {tp->name, g->digest, REC_UNTRANSLATED, g->text};
			if (ch[i].unit) {
				texts[i] = xstrdup(ch[i].text);
				r.state = ch[i].unit->state == UNIT_FUZZY ? REC_FUZZY : REC_CURRENT;
			} else if (tp->tr != SIZE_MAX && tp->change != TC_UNTRANSLATED && tp->change != TC_ADDED) {
				texts[i] = xstrdup(tr.v[tp->tr].text); /* kept as it is, and as it was recorded */
				if (tp->rec != SIZE_MAX)
					r = rec[tp->rec], r.name = tp->name;
				else
					r.state = REC_FUZZY;
				/* paired by position with a translation reshaped since its record (page_align):
				 * to be reviewed, whatever the record said */
				if (tp->change == TC_FUZZY && r.state == REC_CURRENT)
					r.state = REC_FUZZY;
			} else {
				texts[i] = xstrdup(g->text); /* nobody translated it yet: the original's text */
			}
			nr[nn++] = r;
		}
		/* The rebuild works on the aligned list without the deleted passages. */
		struct page_align live = a;
		live.n = 0;
		live.v = xcalloc(a.n + 1, sizeof *live.v);
		char **ltexts = xcalloc(a.n + 1, sizeof *ltexts);
		for (size_t i = 0; i < a.n; i++)
			if (a.v[i].orig != SIZE_MAX)
				ltexts[live.n] = texts[i], live.v[live.n++] = a.v[i];
		char *rel = p->docs[l] ? xstrdup(p->docs[l]->src) : translation_path(p->docs[0]->src, s->langs[l].code);
		char *out = NULL;
		if (tr.text && !in_order(&live, &sg, &tr) && has_own_blocks(p, l, &sg, &tr))
			diag_error(rel, 0, 0, "the original's structure changed and this translation has blocks of its own "
			           "(HTML, code, link definitions) that a rebuild in the new structure would lose: bring it "
			           "into the original's structure by hand, then import again");
		else if (!(out = rebuild(p, l, &sg, &tr, &live, ltexts)))
			diag_error(rel, 0, 0, "passages overlap; not imported (keep title and summary on lines of their own)");
		if (out) {
			note_anchors_gone(im, p, &sg, &tr, &a, ch, out);
			plan_put(&im->plan, rel, out);
			status_store_put(im->st, TR_PAGES, p->key, nr, nn);
			im->brought += chosen;
		}
		free(rel);
		free(live.v);
		free(ltexts);
		for (size_t i = 0; i < a.n; i++)
			free(texts[i]);
		free(texts);
		free(nr);
	}
	for (size_t i = 0; i < a.n; i++)
		free(ch[i].text);
	free(ch);
	strmap_free(&names);
	free(by_text);
	strmap_free(&keys.at_line);
	strmap_free(&keys.translated);
	page_align_free(&a);
	passage_set_free(&sg);
	passage_set_free(&tr);
}

/* }======= */

/* {======= import: UI strings and data fields */

/* Checks what would be written to a YAML file loads, then plans it. */
static void plan_yaml(struct import *im, const char *rel, char *text)
{
	size_t before = diag_errors();
	/* its messages' lines are the new text's, not the file's: said so in their name */
	char *name = xasprintf("%s (as the import would write it)", rel);
	struct yml_doc *d = yml_parse(name, text, strlen(text), 1);
	free(name);
	yml_free(d);
	if (diag_errors() > before) {
		diag_error(rel, 0, 0, "the import would make this file unreadable; not written");
		free(text);
		return;
	}
	plan_put(&im->plan, rel, text);
}

/* UI strings and data fields are gathered while the units are read and written into each file
 * in one pass at the end: editing the file once per unit read and parsed the whole file each
 * time, and an import of 20,000 strings took minutes (issue 13). */
struct string_edit {
	char *rel;              /* the file */
	char *key;              /* the UI key, or the data item's id */
	char *field;            /* the data item's field; NULL for a UI string */
	char *value;
	size_t order;           /* in the exchange file */
	const struct unit *unit;
};

static void pend_string(struct import *im, const struct unit *x, const char *rel, const char *key, const char *field)
{
	struct string_edit *e = xcalloc(1, sizeof *e);
	*e = (struct string_edit){xstrdup(rel), xstrdup(key), field ? xstrdup(field) : NULL, xstrdup(x->target),
	                          im->strings.n, x};
	vec_push(&im->strings, e);
}

static int cmp_order(size_t a, size_t b) { return (a > b) - (a < b); }

static int cmp_edit_file(const void *a, const void *b)
{
	const struct string_edit *x = *(struct string_edit *const *)a, *y = *(struct string_edit *const *)b;
	int c = strcmp(x->rel, y->rel);
	return c ? c : cmp_order(x->order, y->order);
}

/* The edit writing e's value over the value of key in map, when it is a text of the file's own
 * and not that value already. */
static bool value_edit(const char *rel, const char *text, size_t len, const struct yml_node *map, const char *key,
                       const struct string_edit *e, struct yml_cursor *cur, struct edit *out)
{
	const struct yml_node *n = yml_get(map, key);
	size_t st, en;
	if (n->kind != YML_SCALAR) {
		diag_error(rel, n->line, n->col, "'%s' is not a text here; not imported", key);
	} else if (!yml_value_span(text, len, map, key, &st, &en, cur)) {
		/* at the mapping it is merged into: the merged value's place is another item's */
		diag_error(rel, map->line, map->col, "'%s' comes from a mapping merged in with '<<'; not imported: give "
		           "it a value of its own here", key);
	} else if (!yml_str(n) || strcmp(n->str, e->value)) {
		/* An empty value ("desc:", the translator's placeholder) is a place with no width right
		 * after the colon, a tag or before a comment: the new value keeps a space from each. */
		char *q = yaml_quote(e->value);
		if (st == en) /* libyaml places an empty value after a tag at the next token: the line ends first */
			while (st > 0 && (text[st - 1] == '\n' || text[st - 1] == '\r'))
				en = --st;
		bool before = st > 0 && !strchr(" \t\r\n[{,", text[st - 1]), after = en < len && text[en] == '#';
		*out = (struct edit){st, en, xasprintf("%s%s%s", before ? " " : "", q, after ? " " : "")};
		free(q);
		return true;
	}
	return false;
}

/* A key of letters, digits, '_' and '-' is written plain, as people write them. */
static char *yaml_key(const char *key)
{
	bool plain = *key && strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(key);
	return plain ? xstrdup(key) : yaml_quote(key);
}

/* The edit adding lines (emptied) at the end of a file of len bytes: after head when the file is
 * empty, else after the line break its last line lacks. False when there are none. */
static bool add_at_end(const char *text, size_t len, struct buf *lines, const char *head, struct edit *out)
{
	if (!lines->len)
		return false;
	*out = (struct edit){len, len, xasprintf("%s%.*s", !len ? head : text[len - 1] != '\n' ? "\n" : "",
	                                         (int)lines->len, lines->p)};
	buf_reset(lines);
	return true;
}

/* The edits writing UI strings e[0..n) into a flat mapping: its values' places, and the keys it
 * does not have at its end, in the exchange file's order. */
static size_t ui_edits(const char *rel, const char *text, size_t len, const struct yml_node *root,
                       struct string_edit **e, size_t n, struct edit *ed)
{
	if (root && root->kind != YML_MAP && !yml_is_null(root)) {
		diag_error(rel, root->line, root->col, "UI strings must be a mapping of keys to texts; not imported");
		return 0;
	}
	struct strmap want = STRMAP_INIT; /* key: 1 + the index of its edit, 0 once written */
	for (size_t i = 0; i < n; i++)
		*strmap_put(&want, e[i]->key, NULL) = i + 1;
	struct yml_cursor cur = {0, 0};
	size_t ne = 0;
	for (size_t k = 0; root && root->kind == YML_MAP && k + 1 < root->n; k += 2) {
		size_t *w = strmap_get(&want, root->kids[k]->str);
		if (w && *w && value_edit(rel, text, len, root, root->kids[k]->str, e[*w - 1], &cur, &ed[ne]))
			ne++;
		if (w)
			*w = 0;
	}
	struct buf lines = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (*strmap_get(&want, e[i]->key) == i + 1) {
			char *kq = yaml_key(e[i]->key), *q = yaml_quote(e[i]->value);
			buf_addf(&lines, "%s: %s\n", kq, q);
			free(kq);
			free(q);
		}
	ne += add_at_end(text, len, &lines,
	                 "# UI strings, over the theme's. Written by vade i18n import; edit freely.\n", &ed[ne]);
	buf_free(&lines);
	strmap_free(&want);
	return ne;
}

/* The edits writing data fields e[0..n) into a data overlay (a list of items with an id): the
 * values of the fields an item has; the fields it lacks on lines after its id line, at the id's
 * indentation; the items it lacks at its end. Edits within an item and from item to item are
 * made in the file's order, so its lines are counted once. */
static size_t data_edits(const char *rel, const char *text, size_t len, const struct yml_node *root,
                         struct string_edit **e, size_t n, struct edit *ed)
{
	if (root && root->kind != YML_SEQ && !yml_is_null(root)) {
		diag_error(rel, root->line, root->col, "translated data must be a list of items with an id");
		return 0;
	}
	/* The edits of an item in the exchange file's order: first[g], then through next[]. */
	struct strmap group = STRMAP_INIT; /* id: 1 + its group, 0 once its item is found */
	size_t *first = xcalloc(n + 1, sizeof *first), *last = xcalloc(n + 1, sizeof *last);
	size_t *next = xcalloc(n + 1, sizeof *next), ng = 0;
	for (size_t i = 0; i < n; i++) {
		next[i] = SIZE_MAX;
		bool added;
		size_t *g = strmap_put(&group, e[i]->key, &added);
		if (added)
			*g = ++ng, first[ng - 1] = i;
		else
			next[last[*g - 1]] = i;
		last[*g - 1] = i;
	}
	struct yml_cursor cur = {0, 0};
	struct buf lines = BUF_INIT;
	size_t ne = 0;
	for (size_t j = 0; root && root->kind == YML_SEQ && j < root->n; j++) {
		const struct yml_node *item = root->kids[j];
		const char *id = item->kind == YML_MAP ? yml_str(yml_get(item, "id")) : NULL;
		size_t *g = id ? strmap_get(&group, id) : NULL;
		if (!g || !*g)
			continue; /* none of its fields, or a second item with the id (the first is the one) */
		size_t at = SIZE_MAX; /* the end of the id line */
		int keycol = 1;
		for (size_t k = 0; k + 1 < item->n; k += 2) {
			const struct yml_node *key = item->kids[k];
			if (!strcmp(key->str, "id") && at == SIZE_MAX) {
				at = yml_offset(text, len, key->line, 1, &cur);
				while (at < len && text[at] != '\n')
					at++;
				keycol = key->col;
			}
			for (size_t i = first[*g - 1]; i != SIZE_MAX; i = next[i])
				if (!strcmp(e[i]->field, key->str)) {
					if (value_edit(rel, text, len, item, key->str, e[i], &cur, &ed[ne]))
						ne++;
					break;
				}
		}
		for (size_t i = first[*g - 1]; i != SIZE_MAX; i = next[i])
			if (!yml_get(item, e[i]->field)) {
				char *q = yaml_quote(e[i]->value);
				buf_addf(&lines, "\n%*s%s: %s", keycol - 1, "", e[i]->field, q);
				free(q);
			}
		if (lines.len && at == SIZE_MAX) {
			diag_error(rel, item->line, item->col, "item '%s' has its id from a mapping merged in with '<<', "
			           "so its new fields have no place; not imported: give it an id of its own here", id);
			buf_reset(&lines);
		} else if (lines.len) {
			ed[ne++] = (struct edit){at, at, buf_detach(&lines, NULL)};
		}
		*g = 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t *g = strmap_get(&group, e[i]->key);
		if (!g || !*g || first[*g - 1] != i)
			continue; /* an item the file has, or not the item's first edit */
		char *iq = yaml_quote(e[i]->key);
		buf_addf(&lines, "- id: %s\n", iq);
		free(iq);
		for (size_t m = i; m != SIZE_MAX; m = next[m]) {
			char *q = yaml_quote(e[m]->value);
			buf_addf(&lines, "  %s: %s\n", e[m]->field, q);
			free(q);
		}
	}
	ne += add_at_end(text, len, &lines, "# Translated fields, overlaid by id.\n", &ed[ne]);
	buf_free(&lines);
	free(first);
	free(last);
	free(next);
	strmap_free(&group);
	return ne;
}

/* Writes the UI strings and data fields gathered, each file read, parsed and checked once. */
static void write_strings(struct import *im)
{
	struct string_edit **e = (struct string_edit **)im->strings.v;
	size_t n = im->strings.n;
	xqsort(e, n, sizeof *e, cmp_edit_file);
	for (size_t i = 0, j; i < n; i = j) {
		const char *rel = e[i]->rel;
		for (j = i; j < n && !strcmp(e[j]->rel, rel); j++)
			;
		size_t len, errors1 = diag_errors();
		char *text = plan_read(im->s, &im->plan, rel, &len);
		struct yml_doc *d = len ? yml_parse(rel, text, len, 1) : NULL; /* NULL: yml_parse() said why */
		if (!len || d) {
			struct edit *ed = xcalloc(2 * (j - i) + 2, sizeof *ed);
			const struct yml_node *root = d ? d->root : NULL;
			size_t ne = e[i]->field ? data_edits(rel, text, len, root, e + i, j - i, ed)
			                        : ui_edits(rel, text, len, root, e + i, j - i, ed);
			char *out = ne && diag_errors() == errors1 ? apply_edits(text, len, ed, ne) : NULL;
			if (ne && diag_errors() == errors1 && !out)
				diag_error(rel, 0, 0, "the import's changes to this file overlap; not imported");
			if (out)
				plan_yaml(im, rel, out);
			for (size_t k = 0; k < ne; k++)
				free(ed[k].text);
			free(ed);
		}
		yml_free(d);
		free(text);
	}
}

static void strings_free(struct vec *strings)
{
	for (size_t i = 0; i < strings->n; i++) {
		struct string_edit *e = strings->v[i];
		free(e->rel);
		free(e->key);
		free(e->field);
		free(e->value);
		free(e);
	}
	vec_free(strings);
}

/* A string unit (UI string or data field) whose original is orig, recorded under kind/key. */
static bool string_unit(struct import *im, const struct unit *x, const char *orig, enum tr_kind kind,
                        const char *key)
{
	if (!orig) {
		unit_error(im, x, "%s", "names nothing in this site; not imported");
		return false;
	}
	if (strcmp(orig, x->source)) {
		if (same_but_ends(orig, x->source)) /* ", " cut to "," by posegment: its translation would be too */
			unit_error(im, x, "%s", "its original is the site's with the white space at its ends taken away, as "
			                        "a tool that cuts texts into sentences (posegment) leaves it; not imported: "
			                        "translate the whole text, white space included");
		else if (!part_of(im, x, orig))
			unit_error(im, x, "%s", "its original changed since the file was exported; not imported "
			                        "(merge the file with a new export, e.g. with msgmerge)");
		return false;
	}
	check_markers(im->s, im->lang, im->path, x, NULL, orig, x->target, kind == TR_UI);
	if (kind == TR_DATA) /* a UI string is no Markdown */
		check_added(im, x, NULL, orig, x->target);
	if (kind == TR_DATA)
		check_shape(im->path, x, orig, x->target);
	struct rec r = {NULL, passage_digest(orig, strlen(orig)), x->state == UNIT_FUZZY ? REC_FUZZY : REC_CURRENT,
	                (char *)orig};
	status_store_put(im->st, kind, key, &r, 1);
	im->brought++;
	return true;
}

/* A string a unit without an id may name: where the export put it and the id it had. */
struct lost {
	bool ui;                /* a UI string; else a data field, tried first */
	char *file;
	const char *source;     /* the site's text */
	int line;
	char *id;
};

static int cmp_lost(const void *a, const void *b)
{
	const struct lost *x = a, *y = b;
	int c = (x->ui > y->ui) - (x->ui < y->ui);
	if (!c)
		c = strcmp(x->file, y->file);
	if (!c)
		c = strcmp(x->source, y->source);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static void add_lost(struct import *im, bool ui, char *file, const char *source, int line, char *id)
{
	im->lost = xgrow(im->lost, im->nlost, sizeof *im->lost);
	im->lost[im->nlost++] = (struct lost){ui, file, source, line, id};
}

static void lost_field(void *ctx, const char *path, const struct data_file *df, const struct yml_node *value,
                       const char *translated)
{
	(void)translated;
	add_lost(ctx, false, xstrdup(df->src), value->str, value->line, xasprintf("data:%s", path));
}

/* Every data field and UI string by file, text and line, made once an import meets a unit without
 * an id: looking each one up in all of them cost the site's strings per unit. */
static void lost_index(struct import *im)
{
	passage_fields_each(im->s, 1, lost_field, im);
	struct vec keys = VEC_INIT;
	passage_ui_keys(im->s, &keys);
	for (size_t i = 0; i < keys.n; i++) {
		int line;
		char *file = ui_file(im->s, keys.v[i], &line);
		add_lost(im, true, file, site_ui(im->s, 0, keys.v[i]), line, xasprintf("ui:%s", (char *)keys.v[i]));
	}
	vec_free(&keys);
	xqsort(im->lost, im->nlost, sizeof *im->lost, cmp_lost);
	im->lost_made = true;
}

/* The id a unit without one would have had: its data path, else its UI key, found by file, line
 * and source text (any line when the unit gives none). Caller frees; NULL when not exactly one. */
static char *lost_id(struct import *im, const struct unit *x)
{
	if (!x->file)
		return NULL;
	if (!im->lost_made)
		lost_index(im);
	for (int ui = 0; ui < 2; ui++) {
		struct lost key = {ui, x->file, x->source, 0, NULL};
		size_t lo = 0, hi = im->nlost; /* the first not before (ui, file, source) */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cmp_lost(&im->lost[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		const struct lost *hit = NULL;
		size_t hits = 0;
		for (size_t i = lo; i < im->nlost && im->lost[i].ui == ui && !strcmp(im->lost[i].file, x->file) &&
		                    !strcmp(im->lost[i].source, x->source); i++)
			if (!x->line || im->lost[i].line == x->line)
				hit = &im->lost[i], hits++;
		if (hits == 1)
			return xstrdup(hit->id);
	}
	return NULL;
}

/* Whether the id "ui:key" or "data:name/item/field" names a UI string or data field of the site. */
static bool string_named(const struct import *im, const char *id)
{
	if (!strncmp(id, "ui:", 3))
		return site_ui(im->s, 0, id + 3) != NULL;
	if (strncmp(id, "data:", 5))
		return false;
	char *name = xstrdup(id + 5), *s1 = strchr(name, '/'), *s2 = strrchr(name, '/');
	bool named = false;
	if (s1 && s1 != s2) {
		*s1 = *s2 = '\0';
		named = passage_field_original(im->s, name, s1 + 1, s2 + 1) != NULL;
	}
	free(name);
	return named;
}

/* Whether x is the first unit of the file to land on the UI string or data field id (noted so). A
 * later one with another text is a second translation, said here, whichever the import would take
 * (a copy without its id won in silence where the entry with it held the site's text, helper-153);
 * one with the same text (a tool's copy of the entry) is taken once. */
static bool first_landing(struct import *im, const struct unit *x, const char *id)
{
	bool added;
	size_t *v = strmap_put(&im->landed, id, &added);
	if (added) {
		*v = (size_t)(x - im->units) + 1;
		return true;
	}
	const struct unit *first = &im->units[*v - 1];
	if (strcmp(file_text(im, first), file_text(im, x)))
		second_translation(im, x, "string", first);
	return false;
}

/* Brings in unit x, a UI string or data field; only notes where it lands when kept (the site's text
 * stays: merge_bases). */
static void import_string(struct import *im, const struct unit *x, bool kept)
{
	char *own_id = id_of(x) ? NULL : lost_id(im, x);
	const char *id = id_of(x) ? x->id : own_id;
	if (!id) {
		if (!kept)
			unit_error(im, x, "%s", "names nothing in this site (it has no id, and its file and text match no "
			                        "passage); not imported");
		return;
	}
	if ((string_named(im, id) && !first_landing(im, x, id)) || kept) {
		free(own_id);
		return;
	}
	if (!strncmp(id, "ui:", 3)) {
		const char *key = id + 3;
		char *rel = site_i18n_file(im->s, im->lang, ".yaml");
		const char *own = passage_ui_own(im->s, im->lang, key);
		if (string_unit(im, x, site_ui(im->s, 0, key), TR_UI, key) && (!own || strcmp(own, x->target)))
			pend_string(im, x, rel, key, NULL);
		free(rel);
	} else if (!strncmp(id, "data:", 5)) {
		char *name = xstrdup(id + 5), *s1 = strchr(name, '/'), *s2 = strrchr(name, '/');
		const char *orig = NULL;
		if (s1 && s1 != s2) {
			*s1 = *s2 = '\0';
			orig = passage_field_original(im->s, name, s1 + 1, s2 + 1);
		}
		if (string_unit(im, x, orig, TR_DATA, id + 5)) {
			/* The translation's file as it is named (its language tag in any case), else a new one. */
			const struct data_file *tr = site_data_file(im->s, name, (int)im->lang);
			char *rel = tr ? xstrdup(tr->src) : xasprintf("content/data/%s.%s.yaml", name, im->s->langs[im->lang].code);
			pend_string(im, x, rel, s1 + 1, s2 + 1);
			free(rel);
		}
		free(name);
	} else {
		unit_error(im, x, "%s", "names nothing in this site; not imported");
	}
	free(own_id);
}

/* }======= */

/* {======= import */

/* Why a target cannot go into a content file (invalid UTF-8, a control
 * character other than tab and line break, msgcat's conflict markers), or NULL. */
/* The code point of the valid UTF-8 sequence at p, its length in *n. */
static unsigned code_point(const unsigned char *p, size_t *n)
{
	*n = p[0] < 0x80 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	unsigned c = *n == 1 ? p[0] : *n == 2 ? p[0] & 0x1fu : *n == 3 ? p[0] & 0x0fu : p[0] & 0x07u;
	for (size_t k = 1; k < *n; k++)
		c = c << 6 | (p[k] & 0x3fu);
	return c;
}

/* Whether code point c shows nothing: white space (Unicode's White_Space) or a format character
 * that is default-ignorable (ZWSP, joiners, bidi marks and isolates, the Arabic letter mark, the
 * soft hyphen, the BOM): a heading of U+00A0 alone, or of U+200F, was an empty heading (helper-82). */
static bool invisible(unsigned c)
{
	/* Unicode's White_Space and the characters that show as nothing (util.h: the one list of them) */
	return u_isUWhiteSpace((UChar32)c) || char_shows_nothing(c);
}

static const char *unwritable(const char *s, char why[96])
{
	if (utf8_invalid_at(s, strlen(s)) >= 0)
		return "its translation holds bytes that are not UTF-8, which no content file can hold";
	/* C0 and C1 controls (but tab and line ends), DEL, and noncharacters (U+FDD0 to U+FDEF, and the
	 * last two of each plane): HTML refuses them in a page (HTML 13.2.5, "control-character-in-input-
	 * stream", "noncharacter-in-input-stream"), a YAML file in a value (YAML 1.1, 5.1); a C1 control
	 * and U+FFFE were written as they were (helper-81) */
	uint32_t bad;
	if (text_unallowed_at(s, strlen(s), &bad) >= 0) {
		snprintf(why, 96, "its translation holds a %s (U+%04X), which no content file can hold",
		         unicode_noncharacter(bad) ? "noncharacter" : "control character", (unsigned)bad);
		return why;
	}
	bool shown = false;
	size_t n;
	for (const unsigned char *p = (const unsigned char *)s; *p && !shown; p += n)
		shown = !invisible(code_point(p, &n));
	if (!shown)
		return "its translation shows nothing (white space or invisible marks alone): leave it empty to keep the "
		       "text untranslated";
	if (strstr(s, "#-#-#-#-#"))
		return "its translation is msgcat's list of the translations it was given (#-#-#-#-# conflict "
		       "markers): keep one of them";
	return NULL;
}

/* The site's unit (in now, by at: merge_bases) that x's place names, or NULL. */
static const struct unit *site_unit(const struct strmap *at, const struct unit_list *now, const struct unit *x)
{
	size_t *i = NULL;
	for (int with_line = 0; with_line < 2 && (!i || !*i); with_line++) {
		char *place = id_of(x) ? NULL
		                       : xasprintf("\x01%s\x01%s\x01%d", x->file ? x->file : "", x->source,
		                                   with_line ? x->line : -1);
		i = strmap_get(at, place ? place : x->id);
		free(place);
	}
	return i && *i ? &now->v[*i - 1] : NULL;
}

/* The units of u to leave out as the site has them (keep[k]): their text is the one the file was
 * exported with (its base, above) where the site's translation changed since. A unit changed in
 * both, each to another text, is taken with a warning that shows the site's text it replaces.
 * A passage the site has no translation of takes the file's text whatever its base. Units the
 * import leaves out anyway (fuzzy ones without --fuzzy, empty, obsolete) are not looked at.
 * Returns how many are kept. */
static size_t merge_bases(struct import *im, const struct unit_list *u, bool *keep)
{
	struct unit_list now;
	exchange_units(im->s, im->lang, &now); /* the site's translations as an export would give them now */
	/* Each unit of now by its id, and, for a unit whose tool dropped the id (po2xliff), by its
	 * file and original, and by those and its line where two share them (0: shared). */
	struct strmap at = STRMAP_INIT_OWNED;
	for (size_t i = 0; i < now.n; i++) {
		if (!now.v[i].id || now.v[i].obsolete)
			continue;
		*strmap_put(&at, now.v[i].id, NULL) = i + 1;
		for (int with_line = 0; with_line < 2; with_line++) {
			char *place = xasprintf("\x01%s\x01%s\x01%d", now.v[i].file ? now.v[i].file : "", now.v[i].source,
			                        with_line ? now.v[i].line : -1);
			bool added;
			size_t *v = strmap_put(&at, place, &added);
			*v = added ? i + 1 : 0;
			free(place);
		}
	}
	size_t kept = 0;
	struct bases b = {0};
	bool *used = NULL;                          /* b's bases a place's text matched */
	bool any_base = false;                      /* an entry of the file carries a vade-base comment */
	const struct unit *bare_first = NULL, *bare_site = NULL; /* an entry without, replacing the site's text */
	size_t bare_n = 0;
	const struct unit **site = xcalloc(u->n + 1, sizeof *site); /* each place's unit in the site, to compare */
	for (size_t h = 0, e; h < u->n; h = e) {
		/* An entry: its first place and those after it. The entry's comments give a base for each
		 * place they were made for (msguniq, msgcat join the comments of the entries they join), each
		 * digest of its place's id: a place's base is the one its site text or the file's matches. */
		const struct unit *x = &u->v[h];
		for (e = h + 1; e < u->n && u->v[e].more_place; e++)
			;
		b.n = 0, b.bad = false;
		read_bases(x->comment, &b);
		read_bases(x->note, &b);
		bool in = brought_in(im->opts, x); /* what the import leaves out is not looked at */
		if (b.bad && in)
			diag_warn(im->path, x->at, x->at ? 1 : 0, "'%s': a vade-base comment that cannot be read (16 hexadecimal "
			          "digits after \"" BASE_TAG "\"): the entry is taken as one without it, its text replacing the "
			          "site's", x->id ? x->id : x->source);
		any_base = any_base || b.n || b.bad;
		if (in && !b.n && !b.bad) {
			/* (with no vade-base anywhere in the file, the entries whose text replaces another the site
			 * has: a warning below, at the first) */
			const struct unit *n = site_unit(&at, &now, x);
			if (n && *n->target && !same_text(x->target, n->target) && !strcmp(x->source, n->source) && !bare_n++)
				bare_first = x, bare_site = n;
		}
		if (!in || !b.n)
			continue;
		used = xrealloc(used, b.n * sizeof *used);
		memset(used, 0, b.n * sizeof *used);
		size_t open = 0; /* places that match no base */
		for (size_t k = h; k < e && !(k > h && id_of(x)); k++) { /* an id's further places are the id's own */
			const struct unit *n = site_unit(&at, &now, &u->v[k]);
			/* nothing in the site to keep, the file's text, or not the place the id now names: its
			 * original is another (the import says so, or finds the passage by text; helper-85: a
			 * base warning came with the error) */
			if (!n || !*n->target || same_text(x->target, n->target) || strcmp(u->v[k].source, n->source))
				continue;
			uint64_t dc = base_of(n->id, n->target), dt = base_of(n->id, x->target);
			bool site_same = false, file_same = false;
			for (size_t j = 0; j < b.n; j++) {
				site_same = site_same || b.v[j] == dc;
				file_same = file_same || b.v[j] == dt;
				used[j] = used[j] || b.v[j] == dc || b.v[j] == dt;
			}
			/* the file's text is still the exported one, the site's not: the site's stays */
			keep[k] = !site_same && file_same;
			kept += keep[k];
			if (!site_same && !file_same)
				site[k] = n, open++;
		}
		/* A place no base matched changed in the site and in the file, when a base is left for it;
		 * else it had none (a tool joined an entry that had none) and its text is the file's. */
		size_t left = 0;
		for (size_t j = 0; j < b.n; j++)
			left += !used[j];
		for (size_t k = h; k < e && open && left; k++) {
			if (!site[k])
				continue;
			char *ex = passage_excerpt(site[k]->target);
			diag_warn(im->path, u->v[k].at, u->v[k].at ? 1 : 0, "'%s': its translation in the site is no longer the "
			          "one this file was exported with, and the file changes it too: the file's text replaces the "
			          "site's %s (a fix made since? bring it into this file; delete the entry's vade-base comment to "
			          "take the file's text without this warning)", site[k]->id, ex);
			free(ex);
		}
	}
	/* A file in which no entry carries a vade-base comment (a tool dropped them: Crowdin, Transifex, a
	 * script) cannot tell a text the translator changed from one changed in the site since the export:
	 * a reviewer's fix made in the site was replaced in silence (helper-147). One warning, at the first
	 * entry that replaces the site's text, with how many do. An entry whose comment alone was deleted
	 * (the README's way to take the file's text) is one of a file that has others. */
	if (!any_base && bare_first) {
		char *ex = passage_excerpt(bare_site->target);
		char more[80] = "";
		if (bare_n > 1)
			snprintf(more, sizeof more, ", and so %s %zu more", bare_n == 2 ? "does" : "do", bare_n - 1);
		diag_warn(im->path, bare_first->at, bare_first->at ? 1 : 0, "'%s': this file carries no vade-base comments "
		          "(a tool dropped them), so vade cannot tell whether the site's translation changed since the export: "
		          "the file's text replaces the site's %s%s; a fix made in the site since is lost unless it is in "
		          "this file (export again, or keep the comments: see the README)", bare_site->id, ex, more);
		free(ex);
	}
	free(site);
	free(used);
	free(b.v);
	strmap_free(&at);
	unit_list_free(&now);
	return kept;
}

int exchange_import(const struct site *s, size_t lang, const struct unit_list *u0, const char *path,
                    const struct import_opts *opts)
{
	size_t errors0 = diag_errors(), warnings0 = diag_warnings();
	struct import im = {s, lang, path, opts, PLAN_INIT, status_store_load(s, lang), NULL, 0, 0, VEC_INIT, NULL, 0, false, NULL, 0,
	                     NULL, NULL, NULL, STRMAP_INIT_OWNED, NULL, 0};
	im.used = xcalloc(u0->n + 1, sizeof *im.used);
	/* u0 with the units the site's newer translation wins over (merge_bases) made empty, as an
	 * entry left empty keeps the site's text */
	bool *keep = xcalloc(u0->n + 1, sizeof *keep);
	size_t kept = merge_bases(&im, u0, keep);
	struct unit_list merged = *u0;
	struct vec ends = VEC_INIT; /* the targets made anew (their line ends) */
	merged.v = xmalloc((u0->n + 1) * sizeof *merged.v);
	const char **said = xcalloc(u0->n + 1, sizeof *said);
	im.units = merged.v, im.said = said, im.kept = keep;
	for (size_t k = 0; k < u0->n; k++) {
		merged.v[k] = u0->v[k];
		/* A CR is a line end (a tool on Windows wrote "\r\n" in a msgstr, XLIFF's "&#13;"): made "\n", as
		 * every file vade reads has it (text_normalize); then the original's line breaks at the ends
		 * (unit_ends_like): "x" for "a\n" is "x\n" (helper-135: "Simple CR\r\n" went in as "Simple CR\r") */
		const char *tg = u0->v[k].target;
		char *lf = strchr(tg, '\r') ? xstrdup(tg) : NULL, *t = NULL;
		if (lf)
			text_normalize(lf, strlen(lf));
		if ((t = unit_ends_like(u0->v[k].source, lf ? lf : tg)))
			free(lf);
		else
			t = lf;
		said[k] = t ? t : tg;
		if (t)
			vec_push(&ends, t);
		if (keep[k]) {
			merged.v[k].target = (char *)"";
			merged.v[k].state = UNIT_UNTRANSLATED;
		} else {
			merged.v[k].target = (char *)said[k];
		}
	}
	const struct unit_list *u = &merged;
	/* Translations that are their original word for word, not as the file was exported: msgen's, or a
	 * tool's that fills each entry with its source (pofilter's "unchanged" check). A name may be
	 * right so; a file of them publishes the original as a translation, recorded current, in
	 * silence (helper-142). One warning, at the first, with their count. */
	const struct unit *same_first = NULL;
	size_t same_n = 0;
	struct last_read last = {0};
	for (size_t k = 0; k < u->n; k++) {
		const struct unit *x = &u->v[k];
		if (x->held && *x->target && strcmp(x->target, x->source) && !as_exported(x) && !site_holds(s, lang, x, &last))
			diag_warn(path, x->at, x->at ? 1 : 0, "unit '%s' is marked translate=\"no\", and its target was "
			          "changed: not imported (a tool keeps such a unit as its source says)", x->id ? x->id : x->source);
		if (!x->more_place && brought_in(opts, x) && !strcmp(x->target, x->source) && has_letter(x->source) &&
		    !as_exported(x) && !site_holds(s, lang, x, &last) && !same_n++)
			same_first = x;
	}
	last_read_free(&last);
	if (same_n) {
		char more[64] = "";
		if (same_n > 1)
			snprintf(more, sizeof more, ", and so %s %zu more %s of the file", same_n == 2 ? "is" : "are", same_n - 1,
			         same_n == 2 ? "entry" : "entries");
		diag_warn(path, same_first->at, same_first->at ? 1 : 0, "'%s': its translation is its original word for "
		          "word (as msgen or a tool that copies the original writes it)%s: imported as a translation, "
		          "recorded current; leave an entry empty to keep it untranslated",
		          same_first->id ? same_first->id : same_first->source, more);
	}
	for (size_t k = 0; k < u->n; k++) {
		char why[96];
		const struct unit *x = &u->v[k];
		if (x->more_place) { /* the entry's first place says what is wrong with it; with an id, it is the place */
			im.used[k] = id_of(x) != NULL;
			continue;
		}
		bool in = brought_in(opts, x);
		const char *bad = in ? unwritable(x->target, why) : NULL;
		uint32_t cp;
		if (bad)
			unit_error(&im, &u->v[k], "%s", bad);
		else if (in && bidi_unclosed_at(x->target, strlen(x->target), &cp, NULL) >= 0)
			/* (helper-140: a title's RLO, never closed, reversed the site's name after it) */
			diag_warn(path, x->at, x->at ? 1 : 0, "'%s': its translation opens U+%04X (a directional %s) and "
			          "does not close it: it reorders the text shown after it too; close it with U+%04X, or take it "
			          "out", x->id ? x->id : x->source, (unsigned)cp,
			          bidi_opener_kind(cp), (unsigned)bidi_closer(cp));
	}
	size_t *from, *order = units_by_page(s, u, &from);
	/* Every page's errors, not the first page's alone: a translator fixes them in one pass. */
	for (size_t i = 0; i < s->npages; i++)
		if (from[i + 1] > from[i]) /* pages the file says nothing of are not read */
			import_page(&im, s->pages[i], u, order + from[i], from[i + 1] - from[i]);
	/* A unit placed at a page is that page's (a failed page leaves its own unused, and said why). The
	 * rest are all looked at, errors or not: each entry that names no page is named, not the first
	 * alone, nor none when a page failed (helper-126). */
	bool *placed = xcalloc(u->n + 1, sizeof *placed);
	for (size_t j = 0; j < from[s->npages]; j++)
		placed[order[j]] = true;
	free(order);
	free(from);
	for (size_t k = 0; k < u->n; k++) {
		const struct unit *x = &u->v[k];
		if (im.used[k] || placed[k] || x->obsolete)
			continue;
		if (id_of(x) && !strncmp(x->id, "page:", 5)) {
			if (*x->target)
				unit_error(&im, x, "%s", "names no page of this site; not imported");
			continue;
		}
		if (wanted(&im, x))
			import_string(&im, x, false);
		else if (keep[k])
			import_string(&im, x, true); /* where it lands, for a second entry there */
		else if (*x->target && id_of(x) && !string_named(&im, x->id))
			/* left out (fuzzy), and naming nothing: said as an entry of no page is (helper-127) */
			unit_error(&im, x, "%s", "names nothing in this site; not imported");
	}
	free(placed);
	check_anchors_gone(&im);
	if (diag_errors() == errors0 && !u0->refused)
		write_strings(&im);
	size_t changed = 0;
	bool stop = u0->refused || diag_errors() > errors0 || (opts->strict && diag_warnings() > warnings0);
	if (stop) {
		diag_flush(); /* the errors first, at their lines; then what they came to */
		diag_error(path, 0, 0, "nothing imported: %s", diag_errors() > errors0 || u0->refused
		                                                   ? "fix the errors above and import again"
		                                                   : "warnings and --strict");
	} else {
		/* The record goes with the files it describes: written all or none with them. */
		size_t slen;
		char *srel = status_store_path(s, lang);
		plan_put(&im.plan, srel, status_store_text(s, lang, im.st, &slen));
		free(srel);
		size_t errors1 = diag_errors();
		changed = plan_write(s, &im.plan);
		if (diag_errors() > errors1) {
			diag_flush(); /* the errors first, then what they came to */
			diag_error(path, 0, 0, "%s", changed ? "imported in part: the files named above keep the imported text"
			                                      : "nothing imported: fix the errors above and import again");
		} else if (!changed)
			say_path("vade: %s changed nothing\n", path);
	}
	if (im.fuzzy_left && !stop)
		printf("vade: %zu fuzzy %s left out, as msgfmt does (import with --fuzzy to bring them in, to be "
		       "reviewed)\n", im.fuzzy_left, im.fuzzy_left == 1 ? "entry" : "entries");
	if (kept && !stop)
		printf("vade: %zu %s kept as the site has %s: %s translation changed there since the file was "
		       "exported, and not in the file\n", kept, kept == 1 ? "entry" : "entries", kept == 1 ? "it" : "them",
		       kept == 1 ? "its" : "their");
	if (im.gone && !stop)
		printf("vade: %zu %s left out: %s passage%s gone from the original since the file was exported, and "
		       "the file left %s as exported\n", im.gone, im.gone == 1 ? "entry" : "entries",
		       im.gone == 1 ? "its" : "their", im.gone == 1 ? " is" : "s are", im.gone == 1 ? "it" : "them");
	plan_free(&im.plan);
	strings_free(&im.strings);
	for (size_t i = 0; i < im.nlost; i++) {
		free(im.lost[i].file);
		free(im.lost[i].id);
	}
	free(im.lost);
	status_store_free(im.st);
	free(im.used);
	free(merged.v);
	free(said);
	free(keep);
	strmap_free(&im.landed);
	vec_free_items(&ends);
	if (im.r)
		resolve_free(im.r);
	return diag_errors() > errors0 || u0->refused ? 1 : 0;
}

/* }======= */
