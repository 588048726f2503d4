/* i18n.c — `vade i18n status`, `vade i18n done` and `vade i18n add`. */
#include "i18n.h"
#include "diag.h"
#include "exchange.h"
#include "po.h"
#include "xliff.h"
#include "escape.h"
#include "langtag.h"
#include "passage.h"
#include "status.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int i18n_translation_lang(const struct site *s, const char *code)
{
	int l = site_lang(s, code);
	if (l > 0)
		return l;
	char *why = NULL, *tag = l == 0 ? NULL : langtag_canon_locale(code, &why);
	/* what the command line gave, shown as it is (text_shown), with the reason that may quote it */
	char *shown = text_shown(code), *why_shown = why ? text_shown(why) : NULL;
	code = shown;
	if (l == 0)
		fprintf(stderr, "vade: '%s' is the default language of this site, not a translation language\n", code);
	else if (tag && site_lang(s, tag) > 0)
		fprintf(stderr, "vade: '%s' is not a translation language of this site; '%s' is\n", code, tag);
	else if (tag)
		fprintf(stderr, "vade: '%s' is not a translation language of this site (add it with: vade i18n add %s)"
		        "\n", code, tag);
	else
		fprintf(stderr, "vade: '%s' is not a translation language of this site, nor a language tag: %s\n", code,
		        why_shown);
	free(tag);
	free(why);
	free(shown);
	free(why_shown);
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

/* A page's or file's name as its translation status record keys it (utf8_repaired: a byte that is
 * no UTF-8 as U+FFFD and its hex digits, "caf\xe9" as "caf\uFFFDE9"; a U+FFFD of the name as U+FFFD
 * and '+'), so two names stay two ids (helper-127: each byte had become U+FFFD, and "caf\xe9" and
 * "caf\xff" were one id; helper-128: "caf\xe9" and a name "caf\uFFFDE9" were). */
static void json_name(struct buf *b, const char *s)
{
	char *r = utf8_repaired(s);
	json_str(b, r ? r : s);
	free(r);
}

/* passages or words by state: {"current": n, "outdated": n, "missing": n} */
static void json_counts(struct buf *b, const char *name, const size_t c[3])
{
	buf_addf(b, "\"%s\": {\"current\": %zu, \"outdated\": %zu, \"missing\": %zu}", name, c[0], c[1], c[2]);
}

static void json_entry(struct buf *b, const struct tr_entry *e, int k)
{
	buf_adds(b, "{\"id\": ");
	json_name(b, e->id);
	buf_addf(b, ", \"state\": \"%s\", \"source\": ", state_names[e->state]);
	json_name(b, e->src);
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
	for (size_t j = 0; j < e->nlisted; j++) {
		const struct tr_item *it = &e->items[j];
		buf_adds(b, j ? ", {\"id\": " : "{\"id\": ");
		json_str(b, it->id);
		buf_addf(b, ", \"change\": \"%s\", \"words\": %" PRIu32 ", \"label\": ", tr_change_names[it->change], it->words);
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

/* A field of the site (a name, a heading, a text) as buf_add_shown() writes it: a line end in a
 * page's name is <U+000A>, so it cannot start a line of its own (helper-126). */
static void add_shown(struct buf *b, const char *s)
{
	buf_add_shown(b, s, strlen(s));
}

/* The text report: one line per language, then one per page, data file or UI string behind, and
 * under it, indented, what changed. vade's own words as they are, the site's through add_shown(). */
static void print_text(struct buf *b, const struct site *s, size_t l, const struct tr_lang *L)
{
	add_shown(b, s->langs[l].code);
	buf_adds(b, " (");
	add_shown(b, s->langs[l].name);
	buf_adds(b, "):");
	for (int k = 0; k < TR_KINDS; k++)
		buf_addf(b, "%s %s %zu current, %zu outdated, %zu missing", k ? ";" : "", kind_names[k],
		         L->count[k][0], L->count[k][1], L->count[k][2]);
	buf_addc(b, '\n');
	for (int k = 0; k < TR_KINDS; k++)
		for (size_t i = 0; i < L->n[k]; i++) {
			const struct tr_entry *e = &L->e[k][i];
			if (e->state == TR_CURRENT)
				continue;
			buf_addf(b, "  %-9s %s", state_names[e->state], k == TR_UI ? "ui:" : "");
			add_shown(b, k == TR_PAGES && !e->id[0] ? "(home)" : e->id);
			if (k == TR_PAGES) { /* (a string's file is its original's, for all strings alike) */
				buf_addc(b, ' ');
				add_shown(b, e->src);
			}
			buf_addc(b, '\n');
			if (e->note) {
				buf_adds(b, "            ");
				add_shown(b, e->note);
				buf_addc(b, '\n');
			}
			for (size_t j = 0; j < e->nlisted && k == TR_PAGES && e->tr; j++) {
				buf_addf(b, "            %-12s ", tr_change_names[e->items[j].change]);
				add_shown(b, e->items[j].label);
				buf_adds(b, "  [");
				add_shown(b, e->items[j].id);
				buf_adds(b, "]\n");
			}
			if (k != TR_PAGES && e->nitems && e->state == TR_OUTDATED && !e->note) {
				buf_addf(b, "            %-12s ", tr_change_names[e->items[0].change]);
				add_shown(b, e->items[0].label);
				buf_addc(b, '\n');
			}
		}
}

int i18n_status(const struct site *s, char **langs, size_t n, bool json, bool strict)
{
	bool *want = xcalloc(s->nlangs, sizeof *want);
	for (size_t i = 0; i < n; i++) {
		int l = i18n_translation_lang(s, langs[i]);
		if (l < 0) {
			free(want);
			return 2;
		}
		want[l] = true;
	}
	for (size_t l = 1; l < s->nlangs && !n; l++)
		want[l] = true;
	size_t errors0 = diag_errors();
	passage_fields_warn_outside(s);
	struct tr_report *r = status_report_new(s, 1, SIZE_MAX, NULL);
	if (diag_errors() > errors0) { /* a record not read: the report would be wrong */
		status_report_free(r);
		free(want);
		return 1;
	}
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
	if (json) {
		buf_adds(&b, "\n}}\n");
		fputs(b.p, stdout);
	} else {
		fputs(b.p, stdout);
	}
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
	/* i18n status keeps such a page out of date (status.c, shape_note): said here, where the hint
	 * once promised this command would accept it as it is (helper-86) */
	if (ob != tb)
		diag_warn(p->docs[l]->src, 0, 0,
		          "has %zu headings, paragraphs and table cells where its original %s has %zu: its passages "
		          "are recorded as current, but it stays out of date until it has one for each of the "
		          "original's (export and import cannot pair them)",
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
	size_t n = 0, nstale = 0;
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
		/* a copy of the original as it was, which nobody has translated: kept as its record has it, so it
		 * stays behind its changed original until an import writes the new text (helper-137: done
		 * recorded the old text as a current translation of the new, and the page showed it with no
		 * word) */
		const struct rec *was = tp->rec != SIZE_MAX ? &rec[tp->rec] : NULL;
		bool stale = ob == tb && tp->change == TC_UNTRANSLATED && t != SIZE_MAX && was && was->digest != g->digest &&
		             tr.v[t].digest == was->digest;
		nstale += stale;
		v[n++] = stale ? (struct rec){tp->name, was->digest, REC_UNTRANSLATED, was->source}
		               : (struct rec){tp->name, g->digest, untouched ? REC_UNTRANSLATED : REC_CURRENT, g->text};
	}
	if (nstale)
		diag_warn(p->docs[l]->src, 0, 0, "holds %zu passage%s nobody has translated whose original changed since "
		          "(the old text): %s not marked current; vade i18n export and import write the new text",
		          nstale, nstale == 1 ? "" : "s", nstale == 1 ? "it is" : "they are");
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
	int l = i18n_translation_lang(s, lang);
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

/* The offset of the first control character in a file name (line ends and tabs too, which
 * text_control_at allows in a text), its code point in *cp; -1 when there is none. */
static long name_control_at(const char *name, uint32_t *cp)
{
	for (size_t i = 0; name[i]; i++)
		if ((unsigned char)name[i] < 0x20) {
			*cp = (unsigned char)name[i];
			return (long)i;
		}
	return text_control_at(name, strlen(name), cp);
}

/* Whether every unit can be written: its texts and names UTF-8, the only text PO files (as vade
 * writes them: charset UTF-8) and XLIFF files hold (helper-123: libgettextpo dropped the byte of a
 * name in a legacy code page, "page:caf\xe9:1" became "page:caf:1", another page's id), and, for a
 * PO file (po), its file's name free of control characters. False after an error at the file for
 * each unit that is not (a name once). */
static bool units_writable(const struct unit_list *u, bool po)
{
	bool ok = true;
	const char *said = NULL; /* the file whose name was said last */
	for (size_t i = 0; i < u->n; i++) {
		const struct unit *x = &u->v[i];
		const char *what[] = {"id", "file", "text", "translation", "previous text", "note", "comment"};
		const char *val[] = {x->id, x->file, x->source, x->target, x->prev_source, x->note, x->comment};
		for (size_t k = 0; k < sizeof val / sizeof *val; k++) {
			long bad = val[k] ? utf8_invalid_at(val[k], strlen(val[k])) : -1;
			uint32_t cp;
			if (bad >= 0) {
				diag_error(x->file ? x->file : "content/", x->line, 0, /* (diag.h shows the bytes escaped) */
				           "the passage '%s' has %s %s that is not UTF-8 (byte 0x%02X), which a PO or XLIFF file "
				           "cannot hold; rename the file", x->id ? x->id : "", k ? "a" : "an", what[k],
				           (unsigned char)val[k][bad]);
			} else if (po && k == 1 && val[k] && name_control_at(val[k], &cp) >= 0) {
				/* a PO file's reference ("#: content/a.md:2") is a line of names: a line end in one
				 * cut it (msgfmt and vade's import read the rest as a keyword: helper-125). Said
				 * once for a file (its units come together). */
				if (!said || strcmp(said, x->file))
					diag_error(x->file, 0, 0,
					           "the file's name holds the control character U+%04X, which a PO file's reference "
					           "cannot hold; rename the file, or export XLIFF", (unsigned)cp);
				said = x->file;
			} else {
				continue;
			}
			ok = false;
			break;
		}
	}
	return ok;
}

/* The file an export of out writes (caller frees): the file a link names, so that the link stays
 * one (a translator's file kept elsewhere and linked in; writing out whole replaced the link with a
 * file, helper-124); NULL after an error when out cannot be written: a link to nothing, a file the
 * user may not write (read-only: put in place whole, the write would have replaced it anyway), what
 * is no regular file. */
static char *export_target(const char *out)
{
	struct stat st;
	if (lstat(out, &st) != 0)
		return xstrdup(out); /* a new file (a missing folder is the write's error) */
	char *real = S_ISLNK(st.st_mode) ? realpath(out, NULL) : xstrdup(out);
	if (!real)
		diag_error(out, 0, 0, "a link to a file that is not there (%s): export to the file itself", strerror(errno));
	/* a device, a FIFO, a folder: put in place whole, the export replaced /dev/full or a pipe with a
	 * file (helper-126) */
	else if (stat(real, &st) == 0 && !S_ISREG(st.st_mode))
		diag_error(out, 0, 0, "it is not a regular file (%s): export to a file", S_ISDIR(st.st_mode) ? "a folder"
		           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : S_ISFIFO(st.st_mode) ? "a FIFO"
		           : "a socket");
	/* read-only to its user, or to everyone: root may write it, but its mode says not to (helper-125) */
	else if ((access(real, W_OK) != 0 && errno == EACCES) || (stat(real, &st) == 0 && !(st.st_mode & 0222)))
		diag_error(out, 0, 0, "cannot write it: it is read-only (%s); make it writable, or export to another file",
		           real);
	else
		return real;
	free(real);
	return NULL;
}

int i18n_export(const struct site *s, const char *lang, const char *out)
{
	int l = i18n_translation_lang(s, lang);
	if (l < 0)
		return 2;
	struct unit_list u;
	size_t errors0 = diag_errors();
	passage_fields_warn_outside(s);
	exchange_units(s, (size_t)l, &u);
	/* A record that could not be read would export every passage as never
	 * translated, over the translator's file: nothing is written then. */
	char *target = diag_errors() > errors0 || !units_writable(&u, !is_xliff(out)) ? NULL : export_target(out);
	int rc = !target ? 1 : is_xliff(out) ? xliff_write(&u, target) : po_write(&u, target);
	free(target);
	unit_list_free(&u);
	if (rc || diag_errors())
		return 1;
	say_path("vade: wrote %s\n", out);
	return 0;
}

/* The translation language a file names: as written, as a BCP 47 tag
 * ("fr_FR" is gettext's "fr-FR"), or its language subtag when the site has
 * that and not the regional one ("fr-FR" -> "fr"). -1 when none. */
/* Says that tag, which the site has not, goes into its language l; returns l, or -2 with strict
 * (an error: nothing is imported). add: the tag to suggest to "vade i18n add", or NULL. */
static int report_region(const struct site *s, int l, const char *tag, const char *add, const char *path, bool strict)
{
	char *hint = add && *add && add[strlen(add) - 1] != '-' ? xasprintf(" (for a language of its own: vade i18n add %s)", add)
	                                                         : xstrdup("");
	if (strict)
		diag_error(path, 0, 0, "the file's language '%s' is not one of this site's; with --strict, not imported into '%s'%s",
		           tag, s->langs[l].code, hint);
	else
		diag_warn(path, 0, 0, "the file's language '%s' is not one of this site's: imported into '%s'%s", tag,
		          s->langs[l].code, hint);
	free(hint);
	return strict ? -2 : l;
}

/* The translation language (> 0) a tag names, as a file's header or name gives it ("fr", "fr_FR.UTF-8",
 * "sr@latin", "sr-Latn-RS"), or -1; *meant the BCP 47 tag it reads as (NULL when none: "fr_fr"; caller
 * frees). Exact: the site has that very tag (a codeset and a modifier that says nothing, "@euro",
 * aside); else the nearest language of the site its subtags lead to, dropped from the end: sr-Latn-RS
 * is sr-Latn's, or sr's on a site without sr-Latn (a regional translation goes into the site's
 * language, which a language of its own would keep apart). */
static int lang_of_tag(const struct site *s, const char *tag, char **meant, bool *exact)
{
	size_t n = strlen(tag);
	char *t = xstrdup(tag);
	size_t ll;
	const char *subtag;
	bool unknown = false; /* a modifier vade does not know ("fr@foo"), which may say a script */
	if (langtag_locale_extras(t, n, &ll, &subtag) == 0) {
		t[ll] = '\0';
	} else {
		subtag = NULL;
		unknown = strchr(t, '@') != NULL;
		t[strcspn(t, ".@")] = '\0';
	}
	for (char *c = t; *c; c++)
		*c = *c == '_' ? '-' : *c;
	char *why = NULL, *c = langtag_canon(t, &why);
	free(why);
	*meant = c && subtag ? langtag_with_subtag(c, subtag) : c;
	if (c && subtag)
		free(c);
	int l = site_lang(s, *meant ? *meant : t); /* BCP 47 tags match whatever their case */
	*exact = l > 0 && !unknown;
	char *p = xstrdup(*meant ? *meant : t), *q;
	while (l <= 0 && (q = strrchr(p, '-'))) {
		*q = '\0';
		l = site_lang(s, p);
	}
	free(p);
	free(t);
	return l > 0 ? l : -1;
}

/* The translation language a file's tag names, or -1 (-2 when reported): lang_of_tag(), with a
 * warning at path when the site has not that very tag (an error with strict). */
static int file_lang(const struct site *s, const char *tag, const char *path, bool strict)
{
	char *meant, *t = xstrdup(tag + strspn(tag, " \t\r\n")); /* "Language: fr ", as some editors leave it */
	for (size_t n = strlen(t); n && strchr(" \t\r\n", t[n - 1]); n--)
		t[n - 1] = '\0';
	bool exact;
	int l = lang_of_tag(s, t, &meant, &exact);
	if (l > 0 && !exact)
		l = report_region(s, l, t, meant, path, strict);
	free(meant);
	free(t);
	return l;
}

/* The tag a file's name ends in: "fr.po" fr, "site.fr_FR.po" fr_FR, "sr_RS.UTF-8@latin.po" all of
 * its locale name; NULL for none. Caller frees. */
static char *name_tag(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *stem = xstrndup(base, strrchr(base, '.') ? (size_t)(strrchr(base, '.') - base) : strlen(base));
	size_t ll;
	const char *subtag;
	size_t at = langtag_locale_extras(stem, strlen(stem), &ll, &subtag);
	const char *tag = at != SIZE_MAX ? stem + at : strrchr(stem, '.') ? strrchr(stem, '.') + 1 : stem;
	char *t = *tag ? xstrdup(tag) : NULL;
	free(stem);
	return t;
}

int i18n_import(const struct site *s, const char *path, const struct import_opts *opts)
{
	struct unit_list u = {0};
	if ((is_xliff(path) ? xliff_read(path, &u) : po_read(path, &u)) != 0) {
		/* as every refused import says (helper-85: libgettextpo's own message came alone), after the
		 * errors (sorted with them, it came first: helper-125) */
		diag_flush();
		diag_error(path, 0, 0, "nothing imported: fix the errors above and import again");
		return 1;
	}
	exchange_read_places(&u);
	int l = u.target_lang ? file_lang(s, u.target_lang, path, opts->strict) : -1;
	int rc = 1;
	if (!u.target_lang) {
		/* No Language header (xliff2po writes none; Poedit and msginit name files after their language):
		 * the file's name says it, when its last part is a translation language ("fr.po", "site.fr_FR.po"). */
		char *tag = name_tag(path);
		l = tag ? file_lang(s, tag, path, opts->strict) : -1;
		if (l == -1)
			diag_error(path, 0, 0, "the file does not say its language (%s) and its name is no translation "
			           "language of this site: add the header, or name the file after the language (%s.%s)",
			           is_xliff(path) ? "the <file> element's target-language" : "no \"Language:\" header",
			           s->nlangs > 1 ? s->langs[1].code : "fr", is_xliff(path) ? "xlf" : "po");
		free(tag);
		if (l > 0)
			rc = exchange_import(s, (size_t)l, &u, path, opts);
	} else if (l == -1)
		diag_error(path, u.target_lang_line, 0, "the file's language ('%s') is not a translation language of this "
		           "site", u.target_lang);
	else if (l > 0) {
		/* A name that says another language of the site than the header ("ar.po" of "Language: fr"):
		 * a file copied from another language's, saved under the wrong name (helper-81), or whose
		 * header a tool or a hand changed. Which is right cannot be known, and either way one
		 * language's texts would go into another's files, recorded current (helper-140: French
		 * paragraphs in the Arabic pages, exit 0): an error, nothing imported. Two forms of one
		 * language (its primary subtag) are the header's, with a word. */
		char *tag = name_tag(path), *meant = NULL;
		bool exact;
		int named = tag ? lang_of_tag(s, tag, &meant, &exact) : -1; /* "sr@latin.po" is sr-Latn's (helper-96) */
		free(meant);
		size_t warned = diag_warnings();
		/* (one language in two forms, "sr_RS.po" of "Language: sr@latin", is the header's, with a word) */
		const char *a = named > 0 ? s->langs[named].code : "", *b = s->langs[l].code;
		size_t an = strcspn(a, "-"), bn = strcspn(b, "-");
		bool other = named > 0 && named != l && (an != bn || strncasecmp(a, b, an));
		if (other)
			diag_error(path, u.target_lang_line, 0, "its name says %s (%s) and its %s says %s (%s): nothing imported; "
			           "rename the file or correct the %s, whichever is wrong", s->langs[named].code,
			           s->langs[named].name, is_xliff(path) ? "target-language" : "Language header", s->langs[l].code,
			           s->langs[l].name, is_xliff(path) ? "target-language" : "header");
		else if (named > 0 && named != l)
			diag_warn(path, 0, 0, "its name says %s (%s) and its %s says %s (%s): imported as %s; rename the file "
			          "or correct the header", s->langs[named].code, s->langs[named].name,
			          is_xliff(path) ? "target-language" : "Language header", s->langs[l].code, s->langs[l].name,
			          s->langs[l].code);
		free(tag);
		if (other)
			rc = 1;
		else if (!(opts->strict && diag_warnings() > warned))
			rc = exchange_import(s, (size_t)l, &u, path, opts);
		else {
			diag_flush(); /* the warnings first, then what they came to */
			diag_error(path, 0, 0, "nothing imported: warnings and --strict");
		}
	}
	unit_list_free(&u);
	return rc;
}

/* }======= */

/* {======= vade i18n add */

/* v as a YAML value (yml_value): plain when it reads back as itself. */
static char *yml_value_of(const char *v)
{
	return yml_value(v, strlen(v));
}

/* A language as an item of `languages`, in block style (indented by dash
 * and key columns) or flow style. */
struct lang_item {
	char *code, *name, *dir; /* as YAML values */
};

static char *item_block(const struct lang_item *it, int dash, int key)
{
	if (key < dash + 2)
		key = dash + 2;
	return xasprintf("%*s- %*scode: %s\n%*sname: %s\n%*sdir: %s\n", dash, "", key - dash - 2, "", it->code,
	                 key, "", it->name, key, "", it->dir);
}

static char *item_flow(const struct lang_item *it)
{
	return xasprintf("{code: %s, name: %s, dir: %s}", it->code, it->name, it->dir);
}

/* The offset just after the last scalar of node n, and how many collections
 * inside n hold it; false when n ends in an empty collection. */
static bool node_end(const char *text, size_t len, const struct yml_node *n, size_t *off, int *depth)
{
	*depth = 0;
	while (n->kind != YML_SCALAR && n->n) {
		n = n->kids[n->n - 1];
		++*depth;
	}
	*off = yml_offset(text, len, n->eline, n->ecol, NULL);
	return n->kind == YML_SCALAR;
}

/* The start of the line after offset off (off itself when a line starts there). */
static size_t next_line(const char *text, size_t len, size_t off)
{
	if (off > 0 && text[off - 1] == '\n')
		return off;
	while (off < len && text[off] != '\n')
		off++;
	return off < len ? off + 1 : len;
}

/* Past the closing marks of the depth collections that end at off (white
 * space, comments and commas may stand between); then a flow sequence's
 * ']' must come. The offset after the last closing mark, or len when the
 * text does not read so. */
static size_t flow_item_end(const char *text, size_t len, size_t off, int depth)
{
	size_t end = off;
	for (size_t i = off; i < len; i++) {
		char c = text[i];
		if (c == '#') {
			while (i + 1 < len && text[i + 1] != '\n')
				i++;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
			end = i + 1;
		} else if (c == ']') {
			return end;
		} else if (!strchr(" \t\r\n,", c)) {
			return len;
		}
	}
	return len;
}

/* An edit of site.yaml: insert text at offset at. */
struct insert {
	size_t at;
	char *text;
};

/* Where and what to insert into site.yaml (text, len, parsed as root) to add
 * item to its languages, dflt first when it has none. False after saying
 * why it cannot be done safely. */
static bool plan_insert(const char *text, size_t len, const struct yml_node *root, const struct lang_item *item,
                        const struct lang_item *dflt, struct insert *ins)
{
	const char *src = "content/site.yaml";
	const struct yml_node *langs = yml_get(root, "languages");
	size_t off;
	int depth;
	if (!langs) {
		if (root && root->kind == YML_MAP && text[yml_offset(text, len, root->line, root->col, NULL)] == '{') {
			char *f = item_flow(item), *d = item_flow(dflt);
			diag_error(src, root->line, root->col, "written as one flow mapping ({...}), which vade does not "
			           "edit; add by hand: languages: [%s, %s]", d, f);
			free(f);
			free(d);
			return false;
		}
		char *a = item_block(dflt, 2, 4), *b = item_block(item, 2, 4);
		ins->at = len;
		ins->text = xasprintf("%slanguages:\n%s%s", len && text[len - 1] != '\n' ? "\n" : "", a, b);
		free(a);
		free(b);
		return true;
	}
	size_t at = yml_offset(text, len, langs->line, langs->col, NULL);
	if (text[at] == '[') { /* languages: [{code: en, ...}, ...] */
		if (langs->n == 0) {
			char *a = item_flow(dflt), *b = item_flow(item);
			ins->at = at + 1;
			ins->text = xasprintf("%s, %s", a, b);
			free(a);
			free(b);
			return true;
		}
		if (node_end(text, len, langs, &off, &depth) &&
		    (off = flow_item_end(text, len, off, depth - 1)) < len) {
			char *b = item_flow(item);
			ins->at = off;
			ins->text = xasprintf(", %s", b);
			free(b);
			return true;
		}
	} else if (langs->n > 0 && node_end(text, len, langs, &off, &depth)) { /* - code: en */
		const struct yml_node *last = langs->kids[langs->n - 1];
		size_t item_at = yml_offset(text, len, last->line, last->col, NULL), dash = item_at;
		while (dash > 0 && text[dash - 1] == ' ')
			dash--;
		size_t line_start = dash;
		while (line_start > 0 && text[line_start - 1] != '\n')
			line_start--;
		if (dash > 0 && text[dash - 1] == '-' && text[item_at] != '[') {
			int dcol = (int)(dash - 1 - line_start), kcol = last->col - 1;
			char *b;
			if (text[item_at] == '{') {
				char *f = item_flow(item);
				b = xasprintf("%*s- %s\n", dcol, "", f);
				free(f);
			} else {
				b = item_block(item, dcol, kcol);
			}
			ins->at = next_line(text, len, off);
			ins->text = xasprintf("%s%s", ins->at == len && len && text[len - 1] != '\n' ? "\n" : "", b);
			free(b);
			return true;
		}
	}
	char *f = item_flow(item);
	diag_error(src, langs->line, langs->col, "'languages' is laid out in a way vade does not edit; add the "
	           "language to it by hand: %s", f);
	free(f);
	return false;
}

static bool same_node(const struct yml_node *a, const struct yml_node *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->n != b->n)
		return false;
	if (a->kind == YML_SCALAR)
		return a->plain == b->plain && a->tag == b->tag && !strcmp(a->str, b->str);
	for (size_t i = 0; i < a->n; i++)
		if (!same_node(a->kids[i], b->kids[i]))
			return false;
	return true;
}

/* Whether n is the mapping {code, name, dir} of language l. */
static bool is_item(const struct yml_node *n, const struct lang *l)
{
	const char *c = yml_str(yml_get(n, "code")), *nm = yml_str(yml_get(n, "name"));
	const char *d = yml_str(yml_get(n, "dir"));
	return n && n->kind == YML_MAP && n->n == 6 && c && nm && d && !strcmp(c, l->code) &&
	       !strcmp(nm, l->name) && !strcmp(d, l->dir);
}

/* Whether the new site.yaml reads as the old one with exactly language l
 * added at the end of languages (a new list: dflt, then l); every other
 * key and value as it was. */
static bool added_exactly(const struct yml_node *old, const struct yml_node *now, const struct lang *l,
                          const struct lang *dflt)
{
	const struct yml_node *lo = yml_get(old, "languages"), *ln = yml_get(now, "languages");
	size_t on = old ? old->n : 0;
	if (!now || now->kind != YML_MAP || !ln || ln->kind != YML_SEQ || now->n != on + (lo ? 0 : 2))
		return false;
	if (lo && lo->n == 0)
		lo = NULL; /* languages: [] is a new list too */
	for (size_t i = 0; i + 1 < on; i += 2)
		if (strcmp(old->kids[i]->str, now->kids[i]->str) ||
		    (strcmp(old->kids[i]->str, "languages") && !same_node(old->kids[i + 1], now->kids[i + 1])))
			return false;
	if (!lo)
		return ln->n == 2 && is_item(ln->kids[0], dflt) && is_item(ln->kids[1], l);
	if (ln->n != lo->n + 1 || !is_item(ln->kids[lo->n], l))
		return false;
	for (size_t i = 0; i < lo->n; i++)
		if (!same_node(lo->kids[i], ln->kids[i]))
			return false;
	return true;
}

/* The text of site.yaml (old, len; parsed as root) with language l added,
 * read back and checked; NULL after saying why not. Caller frees. */
static char *site_yaml_with(const char *old, size_t len, const struct yml_node *root, const struct lang *l,
                            const struct lang *dflt)
{
	struct lang_item it = {yml_value_of(l->code), yml_value_of(l->name), yml_value_of(l->dir)};
	struct lang_item di = {yml_value_of(dflt->code), yml_value_of(dflt->name), yml_value_of(dflt->dir)};
	struct insert ins = {0, NULL};
	char *text = NULL;
	bool quoted = it.code && it.name && it.dir && di.code && di.name && di.dir;
	if (quoted && plan_insert(old, len, root, &it, &di, &ins)) {
		struct buf b = BUF_INIT;
		buf_add(&b, old, ins.at);
		buf_adds(&b, ins.text);
		buf_add(&b, old + ins.at, len - ins.at);
		size_t before = diag_errors();
		struct yml_doc *d = yml_parse("content/site.yaml (as vade would write it)", b.p, b.len, 1);
		if (diag_errors() == before && added_exactly(root, d ? d->root : NULL, l, dflt))
			text = buf_detach(&b, NULL);
		else
			diag_error("content/site.yaml", 0, 0, "adding '%s' here would not read back as intended, so "
			           "it is not written; add it to 'languages' by hand: {code: %s, name: %s, dir: %s}",
			           l->code, it.code, it.name, it.dir);
		buf_free(&b);
		yml_free(d);
	}
	free(ins.text);
	free(it.code), free(it.name), free(it.dir);
	free(di.code), free(di.name), free(di.dir);
	return text;
}

/* Starts the translation status of language code in the site as written
 * now: an empty record, unless one is there already. False after errors
 * (among them, the site no longer loads). */
static bool start_status(const char *dir, const char *code)
{
	size_t before = diag_errors();
	struct site *s = site_load(dir, 1);
	int l = s && diag_errors() == before ? site_lang(s, code) : -1;
	bool ok = l > 0;
	if (ok) {
		char *rel = status_store_path(s, (size_t)l), *full = site_path(s, rel);
		if (!is_file(full)) {
			struct status_store *st = status_store_new();
			ok = status_store_save(s, (size_t)l, st, NULL) == 0;
			status_store_free(st);
		}
		free(full);
		free(rel);
	}
	site_free(s);
	return ok;
}

/* The node of language code in site.yaml's languages, or NULL. */
static const struct yml_node *code_node(const struct yml_node *root, const char *code)
{
	const struct yml_node *langs = yml_get(root, "languages");
	for (size_t k = 0; langs && langs->kind == YML_SEQ && k < langs->n; k++) {
		const struct yml_node *c = yml_get(langs->kids[k], "code");
		if (yml_str(c) && !strcmp(c->str, code))
			return c;
	}
	return NULL;
}

int i18n_add(const struct site *s, const char *code, const char *name, const char *dir)
{
	const char *src = "content/site.yaml";
	const struct yml_node *root = s->config ? s->config->root : NULL;
	for (size_t i = 0; i < s->nlangs; i++) {
		const char *have = s->langs[i].code;
		const struct yml_node *c = code_node(root, have);
		if (!strcmp(have, code))
			diag_error(src, c ? c->line : 0, c ? c->col : 0, "'%s' is already a language of this site",
			           code);
		else if (!strcasecmp(have, code))
			diag_error(src, c ? c->line : 0, c ? c->col : 0,
			           "'%s' is already a language of this site, as '%s'", code, have);
		else
			continue;
		return 1;
	}
	char *full = site_path(s, src), *old = NULL, *dname = name ? NULL : langtag_name(code);
	size_t len = 0;
	bool existed = is_file(full);
	if (existed && site_read(s, src, &old, &len) != 0) {
		free(full);
		free(dname);
		return 1;
	}
	struct lang l = {(char *)code, (char *)(name ? name : dname), (char *)(dir ? dir : langtag_dir(code))};
	struct lang dflt = s->langs[0];
	char *dflt_name = strcmp(dflt.name, dflt.code) ? NULL : langtag_name(dflt.code);
	if (dflt_name)
		dflt.name = dflt_name;
	char *text = site_yaml_with(existed ? old : "", len, root, &l, &dflt);
	int rc = 1;
	if (text && file_write_atomic(full, text, strlen(text)) != 0) {
		diag_error(src, 0, 0, "cannot write: %s", strerror(errno));
	} else if (text) {
		if (start_status(s->dir, code)) {
			char *shown = text_shown(l.name); /* as given on the command line: a line end, U+202E */
			printf("vade: added %s (%s, %s) to %s\n", code, shown, l.dir, src);
			free(shown);
			printf("next: translate pages as <name>.%s.md, or in a CAT tool: vade i18n export %s -o %s.po, "
			       "then vade i18n import %s.po; vade i18n status %s shows what is missing\n", code, code, code,
			       code, code);
			rc = 0;
		} else if (existed ? file_write_atomic(full, old, len) != 0 : unlink(full) != 0) {
			diag_error(src, 0, 0, "'%s' not added, and the file cannot be put back as it was: %s", code,
			           strerror(errno));
		} else {
			diag_error(src, 0, 0, "'%s' not added (see the errors); left as it was", code);
		}
	}
	free(text);
	free(dflt_name);
	free(dname);
	free(old);
	free(full);
	return rc;
}

/* }======= */
