/* render.c — the render pipeline: every (page, language, output) as a job
 * through Markdown and the layout templates, on a pool of workers, then the
 * checks that need every page rendered (anchors of links). */
#include "render.h"
#include "status.h"
#include "diag.h"
#include "escape.h"
#include "htmlids.h"
#include "job.h"
#include "output.h"
#include "util.h"

#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <unistd.h>
#include <xxhash.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

/* A link to an anchor, checked once every page is rendered. */
struct check {
	char *src;
	int line, col;
	size_t target;          /* page index * nlangs + lang */
	char *frag;             /* the fragment as the link writes it (fragment_for), which a browser reads */
	size_t chapter;         /* a handbook's link to a chapter's anchor: frag has its "cN-" prefix, said
	                         * without it, as a link to target's anchor */
};

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* {======= links */

struct link_ctx {
	struct worker *w;
	const struct job *j;
	bool body;              /* the text is the page's own file (not a data text through markdown()) */
	const char *src;        /* the file the text is in, for messages: the page's, or a data or front
	                         * matter text's (resolve_text_origin) */
};

static struct check *new_check(const char *src, int line, int col, size_t target, const char *frag)
{
	struct check *c = xmalloc(sizeof *c);
	c->src = xstrdup(src);
	c->line = line;
	c->col = col;
	c->target = target;
	c->frag = xstrdup(frag);
	c->chapter = 0;
	return c;
}

static void check_free(struct check *c)
{
	free(c->src);
	free(c->frag);
	free(c);
}

/* A handbook's link to chapter chap's anchor (frag, with its "cN-" prefix), of page t in lang: checked
 * against the handbook's ids at the link's place, said as the chapter's page says it (the two are one
 * message, said once), not at the handbook's output line naming the original's file (helper-140). */
static void chapter_check(struct worker *w, const struct job *j, const char *src, int line, int col,
                          const struct page *t, size_t lang, size_t chap, const char *frag)
{
	if (!j->own_checks)
		return;
	struct check *c = new_check(src, line, col, t->index * w->sh->s->nlangs + lang, frag);
	c->chapter = chap;
	vec_push(j->own_checks, c);
}

static void add_check(struct worker *w, const struct job *j, const char *src, int line, int col,
                      const struct page *target, size_t lang, const char *frag)
{
	vec_push(&w->checks, new_check(src, line, col, target->index * w->sh->s->nlangs + lang, frag));
}

/* The handbook chapter (1-based) that is page p, or 0. */
static size_t chapter_of(const struct job *j, const struct page *p)
{
	for (size_t i = 0; i < j->nchapters; i++)
		if (j->chapters[i] == p)
			return i + 1;
	return 0;
}

/* A link as written in the job's text, as the output must have it (md_link_fn). */
/* Whether file line `line` of the job's text lies in a passage of its translation nobody has translated yet. */
static bool foreign_line(const struct link_ctx *c, int line)
{
	struct worker *w = c->w;
	const struct job *j = c->j;
	if (!c->body || !j->lang || !resolve_has_text(w->sh->r, j->page, j->lang))
		return false;
	return tr_entry_foreign(status_entry(resolve_status(w->sh->r), j->lang, TR_PAGES, j->page->key), line);
}

/* Anchor frag of page p's original as the reader's language has it
 * (resolve_anchor), or NULL after an error at the link when no heading of
 * the translation answers it. */
static const char *map_anchor(struct link_ctx *c, const struct page *p, const char *frag, int line, int col)
{
	const struct job *j = c->j;
	const char *to = resolve_anchor(c->w->sh->r, p, j->lang, frag);
	/* What the answer was made of (deps.h): the original's headings, when frag is none of them (it
	 * stays as it is); else also the translation's, and how the record pairs them. */
	deps_note(c->w->dk, p->index * c->w->sh->s->nlangs + (to == frag ? 0 : j->lang), DEP_OWN);
	if (to)
		return to;
	const struct site *s = c->w->sh->s;
	diag_error(c->src, line, col,
	           "link to '#%s' of %s: no heading of its translation %s answers that heading "
	           "(see vade i18n status %s)", frag, p->docs[0]->src ? p->docs[0]->src : p->key,
	           p->docs[j->lang]->src ? p->docs[j->lang]->src : p->key, s->langs[j->lang].code);
	return NULL;
}

/* Anchor frag (decoded text, as ids are written) as a link's fragment: its '%' and '#' (and control
 * bytes) percent-encoded, which cmark-gfm's renderer keeps as they are (houdini_escape_href() takes
 * them for a URL's own) and a valid URL may not hold as text ("#fn-50%": URL Standard, fragment
 * state). A browser finds the id by the fragment decoded (HTML 7.4.6.3), so the link leads where
 * it did (helper-130: [x](notes.md#fn-50%25) was written notes/index.html#fn-50%). Caller frees. */
static char *fragment_written(const char *frag)
{
	struct buf b = BUF_INIT;
	buf_add_pct(&b, frag, strlen(frag), "%#", PCT_HIGH_RAW);
	return buf_detach(&b, NULL);
}

/* A fragment naming a footnote's id (frag: "fn-..." or "fnref-...", decoded) as a valid URL that a
 * browser takes to it. cmark-gfm writes that id with its label as houdini_escape_href() leaves it
 * ([^é%]: "fn-%C3%A9%"), so the id is that form of frag, written as it is when it is a valid
 * fragment, else with every '%' and '#' encoded, to decode to it (helper-134: "#fn-%C3%A9%25"
 * decoded to "fn-é%", which is no id). Caller frees. */
static char *footnote_fragment(const char *frag)
{
	/* houdini_escape_href()'s safe set (cmark-gfm's houdini_href_e.c, HREF_SAFE), which cmark-gfm
	 * does not export: the one copy of it in vade */
	static const char href_safe[] = "-_.+!*'(),%#@?=;:/$~&";
	struct buf h = BUF_INIT, b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)frag; *p; p++)
		if (*p < 0x80 && (isalnum(*p) || strchr(href_safe, *p)))
			buf_addc(&h, (char)*p);
		else
			buf_addf(&h, "%%%02X", *p);
	if (url_fragment_valid(h.p, h.len))
		return buf_detach(&h, NULL);
	buf_add_pct(&b, h.p, h.len, "%#", PCT_HIGH_RAW);
	buf_free(&h);
	return buf_detach(&b, NULL);
}

/* The link's fragment as its author wrote it (url's, after '#'), when that is a valid URL's, reads
 * as frag and, with ascii, holds no byte past ASCII, neither as it stands nor as a %XX; else NULL.
 * A browser finds an id by the fragment as written before it decodes it, so "#fn-%41" leads to
 * [^%41]'s id "fn-%41", which "#fn-A" missed (helper-133). */
static char *fragment_as_written(const char *url, const char *frag, bool ascii)
{
	const char *h = strchr(url, '#');
	if (!h || strchr(h + 1, '#'))
		return NULL;
	bool valid = url_fragment_valid(h + 1, strlen(h + 1));
	for (const char *p = h + 1; *p && valid && ascii; p++)
		valid = (unsigned char)*p < 0x80 && (*p != '%' || p[1] < '8');
	size_t n;
	char *dec = valid ? percent_decode(h + 1, strlen(h + 1), &n) : NULL;
	bool same = dec && n == strlen(frag) && !memcmp(dec, frag, n);
	free(dec);
	return same ? xstrdup(h + 1) : NULL;
}

/* The fragment a link is written with (frag: decoded, and mapped, as the id is written). A footnote's
 * id holds its label as cmark-gfm escapes it (footnote_fragment): written as the author wrote it only
 * where the label can have no byte past ASCII, which a browser's two tries then cover. */
static char *fragment_for(const char *url, const char *frag, bool mapped)
{
	bool note = !strncmp(frag, "fn-", 3) || !strncmp(frag, "fnref-", 6);
	char *kept = mapped ? NULL : fragment_as_written(url, frag, note);
	return kept ? kept : note ? footnote_fragment(frag) : fragment_written(frag);
}

static char *rewrite_link(void *ctx, const char *url, bool image, int line, int col)
{
	struct link_ctx *c = ctx;
	struct worker *w = c->w;
	const struct job *j = c->j;
	const char *src = c->src;
	(void)image;
	struct link_target t;
	char *err;
	if (resolve_link(w->sh->r, j->doc->src, url, &t, &err) != 0) {
		diag_error(src, line, col, "%s", err);
		free(err);
		return NULL;
	}
	const char *frag = t.fragment, *mapped;
	bool has_frag = frag && *frag, check = has_frag; /* an anchor that could not be mapped is reported already */
	char *result = NULL, *written = NULL;
	if (t.kind == LINK_FRAGMENT) {
		size_t chap = chapter_of(j, j->page);
		if (has_frag && foreign_line(c, line)) {
			if ((mapped = map_anchor(c, j->page, frag, line, col)))
				frag = mapped;
			else
				check = false;
		}
		written = has_frag ? fragment_for(url, frag, frag != t.fragment) : NULL;
		/* "#top" is the top of the document, a handbook's too (HTML: helper-145) */
		if (chap && has_frag && !strcasecmp(frag, "top"))
			chap = 0, check = false;
		if (chap && has_frag) {
			result = xasprintf("#c%zu-%s", chap, written);
			chapter_check(w, j, src, line, col, j->page, j->lang, chap, result + 1);
		}
		else if (check && j->kind == OUT_HTML)
			add_check(w, j, src, line, col, j->page, j->lang, written);
		else if (check && j->own_checks) /* a card's or sheet's ids are not the page's (helper-137) */
			vec_push(j->own_checks, new_check(src, line, col, 0, written));
		if (!result && has_frag && strcmp(url + strcspn(url, "#") + (url[strcspn(url, "#")] != '\0'), written))
			result = xasprintf("#%s", written); /* as the id is written: in NFC (resolve_link) */
	} else if (t.kind == LINK_PAGE) {
		/* A link to a translation's file ("b.fr.md") is to that language's page, and its anchors are
		 * that file's; else to the page in the language of the page that links. */
		bool other = t.lang >= 0 && (size_t)t.lang != j->lang;
		size_t lang = other ? (size_t)t.lang : j->lang, chap = other ? 0 : chapter_of(j, t.page);
		/* Text in the original's language names the original's anchors: those of the page shown untranslated,
		 * and those of a passage of a translation nobody has translated yet. */
		if (has_frag && !other && (!resolve_has_text(w->sh->r, j->page, j->lang) || foreign_line(c, line))) {
			if ((mapped = map_anchor(c, t.page, frag, line, col)))
				frag = mapped;
			else
				check = false;
		}
		written = frag ? fragment_for(url, frag, frag != t.fragment) : NULL;
		if (chap) {
			/* In a handbook, a link to one of its chapters stays inside the document. */
			result = has_frag ? xasprintf("#c%zu-%s", chap, written) : xasprintf("#c%zu", chap);
			if (has_frag)
				chapter_check(w, j, src, line, col, t.page, lang, chap, result + 1);
		} else {
			char *rel = site_url_relative(j->out_path, resolve_output(w->sh->r, t.page, lang));
			result = xasprintf("%s%.*s%s%s", rel, (int)t.query_len, t.query ? t.query : "", frag ? "#" : "",
			                   frag ? written : "");
			if (check)
				add_check(w, j, src, line, col, t.page, lang, written);
			free(rel);
		}
	} else {
		char *rel = site_url_relative(j->out_path, t.path);
		result = xasprintf("%s%s", rel, t.rest);
		free(rel);
	}
	free(written);
	free(t.path);
	free(t.fragment);
	return result;
}

/* The links to anchors a job's text gave, checked by check_anchors() at their source position. */
struct own_checks {
	const struct vec *checks;
	size_t from;            /* the job's first */
	size_t target;
	const struct site *s;   /* for id_place */
	size_t lang;
	bool any;               /* checks of every target (a card's, sheet's or handbook's own) */
	const char *text_html;  /* the page's text as HTML, or NULL */
	char *twice_of;         /* the last id id_place() asked whether text_html gives twice, or NULL; */
	bool twice;             /* its answer (the caller frees twice_of) */
	struct strmap decoded;  /* the checks' fragments percent-decoded, made by own_check() when first asked
	                         * (owned; the caller frees it with twice_of) */
	bool made;
};

/* Where an id given twice in a page comes from when it is a data item's `id:` (a template writes
 * it as it is, beside the theme's own ids: "main", or the page's note "fn-1"): its value in lang's
 * file of the data, else in the default one (helper-138: the error named only an output line). */
static bool id_place(void *ctx, const char *id, const char **src, int *line, int *col)
{
	const struct own_checks *o = ctx;
	const char *name = NULL;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < o->s->ndata; i++) {
			const struct data_file *d = &o->s->data[i];
			size_t *k = d->lang == (pass ? -1 : (int)o->lang) ? strmap_get(&d->ids, id) : NULL;
			const struct yml_node *item = k && d->doc && d->doc->root && *k - 1 < d->doc->root->n
			                                  ? d->doc->root->kids[*k - 1] : NULL;
			const struct yml_node *v = item ? yml_get(item, "id") : NULL;
			if (v && name && strcmp(name, d->name))
				return false; /* items of two files have it: which the page shows cannot be told */
			if (v && !name) {
				name = d->name;
				*src = d->src, *line = v->line, *col = v->col;
			}
		}
	if (!name)
		return false;
	/* the page's text gave it twice itself (raw HTML's <span id>): no item's (helper-141); asked once
	 * an id (a page that gives one id 50,000 times is asked as often) */
	struct own_checks *m = ctx;
	if (!m->twice_of || strcmp(m->twice_of, id)) {
		char *attr = xasprintf(" id=\"%s\"", id);
		const char *first = o->text_html ? strstr(o->text_html, attr) : NULL;
		m->twice = first && strstr(first + 1, attr);
		free(attr);
		free(m->twice_of);
		m->twice_of = xstrdup(id);
	}
	return !m->twice;
}

/* (decoded: the in-page link's fragment percent-decoded, as htmlids reads it; ours are as written) */
static int own_check(void *ctx, const char *decoded)
{
	/* (a map made once: each link looked for among all the checks was quadratic, 12 s for a page of
	 * 32,000 headings and links to them) */
	struct own_checks *o = ctx;
	if (!o->made) {
		o->decoded = (struct strmap)STRMAP_INIT_OWNED;
		o->made = true;
		for (size_t i = o->from; i < o->checks->n; i++) {
			const struct check *c = o->checks->v[i];
			size_t n;
			char *d = c->target == o->target || o->any ? percent_decode(c->frag, strlen(c->frag), &n) : NULL;
			if (d && !memchr(d, '\0', n)) /* (one with a NUL names no id a link could) */
				strmap_put(&o->decoded, d, NULL);
			free(d);
		}
	}
	return strmap_get(&o->decoded, decoded) != NULL;
}

/* The id a link to a missing anchor frag likely meant, of the target's ids (n, sorted): the id of
 * a heading whose text frag is ("#Part Two", "#Über uns": GitHub's rule, markdown_slug), else,
 * within the build's guess budget (util.h), the nearest by typos ("#part-tow"). NULL when none is
 * that close. Borrowed from ids. */
static const char *anchor_hint(const char *frag, char *const *ids, size_t n)
{
	struct buf b = BUF_INIT;
	markdown_slug(&b, frag, strlen(frag));
	char *slug = b.p;
	char *const *hit = b.len ? xbsearch(&slug, ids, n, sizeof *ids, cmp_cstr) : NULL;
	buf_free(&b);
	size_t len = strlen(frag);
	return hit ? *hit : text_nearest(frag, (const char *const *)ids, n, len < 6 ? 1 : len < 12 ? 2 : len / 4);
}

/* Whether a browser following a link whose fragment is frag (as written) finds one of ids[0, n)
 * (sorted): the id that is the fragment as the URL parser keeps it, else the one that is it
 * percent-decoded (HTML, "find a potential indicated element"). Both tries are exact: "#fn-x-"
 * finds no id "fn-x%2D", which the check took once, decoding the ids too. The fragment decoded,
 * for messages, into *decoded (caller frees). */
static bool browser_finds(const char *frag, char *const *ids, size_t n, char **decoded)
{
	char *parsed = url_fragment_parsed(frag, strlen(frag));
	size_t len;
	*decoded = percent_decode(frag, strlen(frag), &len);
	bool found = xbsearch(&parsed, ids, n, sizeof *ids, cmp_cstr) ||
	             (len == strlen(*decoded) && xbsearch(decoded, ids, n, sizeof *ids, cmp_cstr)) ||
	             !strcasecmp(*decoded, "top"); /* the top of the page without such an id (HTML: helper-144) */
	free(parsed);
	return found;
}

/* Checks every link to an anchor against the ids of the rendered target page. */
static void check_anchors(struct shared *sh, struct worker *ws, int n)
{
	const struct site *s = sh->s;
	for (int i = 0; i < n; i++) {
		for (size_t k = 0; k < ws[i].checks.n; k++) {
			struct check *c = ws[i].checks.v[k];
			const struct page *t = s->pages[c->target / s->nlangs];
			/* a page not written in the link's language (fallback: link) is its original */
			size_t ts = resolve_written(sh->r, t, c->target % s->nlangs) ? c->target : t->index * s->nlangs;
			const struct deps_unit *a = &sh->units[ts];
			/* the file the target shows in the link's language */
			const struct doc *td = site_page_doc(s, t, c->target % s->nlangs);
			char *decoded;
			bool found = browser_finds(c->frag, a->ids, a->nids, &decoded);
			/* a heading named as the theme's id ("## Main": main-1), which the link names: found, it
			 * is the theme's element (helper-149: from another page it was said of in-page links only);
			 * missing (a page without notes has no "note-1"), the heading is what was meant */
			const char *theirs = resolve_heading_theirs(sh->r, t, c->target % s->nlangs, decoded);
			if (found && theirs)
				markdown_warn_theirs(c->src, c->line, c->col, decoded, theirs);
			if (!found && (a->nids || diag_errors() == 0)) {
				const char *near = theirs ? theirs : anchor_hint(decoded, a->ids, a->nids);
				diag_error(c->src, c->line, c->col, "link to a missing anchor '#%s' in %s%s%s%s", decoded,
				           td && td->src ? td->src : t->key, near ? " (did you mean '#" : "", near ? near : "",
				           near ? "'?)" : "");
			}
			free(decoded);
			check_free(c);
		}
		vec_free(&ws[i].checks);
	}
}

/* }======= */

/* {======= Markdown and templates for a job */

int job_template(struct worker *w, const struct job *j, const char *name, int vars, const char *what,
                 struct buf *out, char **base)
{
	const struct job *saved = w->job;
	w->job = j;
	int rc = tpl_render(w->e, name, vars, what, out, base);
	w->job = saved;
	return rc;
}

struct marker_ctx {
	struct worker *w;
	const struct job *j;
};

/* A note's marker, written by the theme's partials/note-marker.html with n. */
static char *note_marker(void *ctx, int n)
{
	struct marker_ctx *m = ctx;
	lua_State *L = tpl_lua(m->w->e);
	lua_createtable(L, 0, 1);
	lua_pushinteger(L, n);
	lua_setfield(L, -2, "n");
	struct buf b = BUF_INIT;
	job_template(m->w, m->j, "partials/note-marker.html", -1, m->j->doc->src ? m->j->doc->src : m->j->page->key,
	             &b, NULL);
	lua_pop(L, 1);
	/* A marker is inline: the file's final newline is not part of it. */
	while (b.len && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r'))
		b.p[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

/* The length of the numeric character reference at p ("&#27;", "&#x1B;": CommonMark 6.2, up to 7
 * decimal or 6 hexadecimal digits), its code point in *cp; 0 when there is none. */
static size_t char_ref(const char *p, size_t n, uint32_t *cp)
{
	if (n < 4 || p[0] != '&' || p[1] != '#')
		return 0;
	bool hex = p[2] == 'x' || p[2] == 'X';
	size_t i = hex ? 3 : 2, max = hex ? 6 : 7, d = 0;
	uint32_t v = 0;
	for (; i < n && d < max && (hex ? isxdigit((unsigned char)p[i]) : isdigit((unsigned char)p[i])); i++, d++)
		v = v * (hex ? 16 : 10) + (uint32_t)(isdigit((unsigned char)p[i]) ? p[i] - '0' : (p[i] | 32) - 'a' + 10);
	if (!d || i >= n || p[i] != ';')
		return 0;
	*cp = v;
	return i + 1;
}

/* What HTML reads a numeric character reference to U+0080 to U+009F as: Windows-1252's character
 * (HTML 13.2.5.80, "numeric character reference end state", its table), as UTF-8; NULL for the five
 * it leaves as they are (U+0081, U+008D, U+008F, U+0090, U+009D) and for any other c. */
static const char *html_c1(uint32_t c)
{
	static const char *const cp1252[32] = {
	"\xe2\x82\xac", NULL, "\xe2\x80\x9a", "\xc6\x92",
	"\xe2\x80\x9e", "\xe2\x80\xa6", "\xe2\x80\xa0", "\xe2\x80\xa1",
	"\xcb\x86", "\xe2\x80\xb0", "\xc5\xa0", "\xe2\x80\xb9",
	"\xc5\x92", NULL, "\xc5\xbd", NULL,
	NULL, "\xe2\x80\x98", "\xe2\x80\x99", "\xe2\x80\x9c",
	"\xe2\x80\x9d", "\xe2\x80\xa2", "\xe2\x80\x93", "\xe2\x80\x94",
	"\xcb\x9c", "\xe2\x84\xa2", "\xc5\xa1", "\xe2\x80\xba",
	"\xc5\x93", NULL, "\xc5\xbe", "\xc5\xb8",
	};
	return c >= 0x80 && c <= 0x9f ? cp1252[c - 0x80] : NULL;
}

/* Whether c, a numeric character reference's number, gives a character a page cannot hold: a control
 * character (but tab and line ends) or a noncharacter, which HTML refuses (13.2.5), or none at all
 * (0, a surrogate, past U+10FFFF: CommonMark 6.2 makes it U+FFFD). */
static bool unallowed_ref(uint32_t c)
{
	return unicode_unallowed(c) || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff;
}

/* The references of the text a page shows ("&#x1b;" in a paragraph, a link, a cell), not those of
 * code: in a fenced code block, a code span (its backticks paired by length) or after a backslash,
 * a reference is text, and the page shows it as written. Indented code is not told from a list's
 * paragraph: a reference in it is taken as shown. Calls said() for each, in the text's order. */
static size_t shown_refs(const char *text, size_t len, void (*said)(void *, const char *, size_t, uint32_t),
                         void *ctx)
{
	size_t found = 0, fence = 0; /* the open fence's length, 0 outside one */
	char fch = 0;
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		size_t ind = i;
		while (ind < e && ind - i < 4 && text[ind] == ' ')
			ind++;
		size_t run = 0;
		while (ind + run < e && (text[ind + run] == '`' || text[ind + run] == '~') && text[ind + run] == text[ind])
			run++;
		if (ind - i < 4 && run >= 3 && (!fence || (text[ind] == fch && run >= fence))) {
			if (fence)
				fence = 0;
			else
				fence = run, fch = text[ind];
			i = e + 1;
			continue;
		}
		for (size_t k = i; !fence && k < e; k++) {
			if (text[k] == '\\') { /* an escaped character is text */
				k++;
				continue;
			}
			if (text[k] == '`') { /* a code span: to the next run of as many backticks, on this line */
				size_t n = 0;
				while (k + n < e && text[k + n] == '`')
					n++;
				size_t j = k + n;
				for (; j < e; j++) {
					size_t m = 0;
					while (j + m < e && text[j + m] == '`')
						m++;
					if (m == n)
						break;
					j += m ? m - 1 : 0;
				}
				k = j < e ? j + n - 1 : k + n - 1;
				continue;
			}
			uint32_t cp;
			size_t n = text[k] == '&' ? char_ref(text + k, e - k, &cp) : 0;
			if (n && unallowed_ref(cp)) {
				said(ctx, text + k, n, cp);
				found++;
			}
		}
		i = e + 1;
	}
	return found;
}

struct ref_said {
	const struct md_opts *o;
	const char *text;
	size_t n;
};

static void ref_warn(void *ctx, const char *at, size_t n, uint32_t c)
{
	struct ref_said *r = ctx;
	if (r->n++ >= 20)
		return;
	int l = 1, bc = 1, line, col;
	for (const char *q = r->text; q < at; q++) {
		if (*q == '\n')
			l++, bc = 1;
		else
			bc++;
	}
	diag_place(&r->o->at, l, bc, &line, &col);
	const char *what = c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) || !c ? "no character"
	                   : unicode_noncharacter(c)                       ? "the noncharacter"
	                                                                   : "the control character";
	char cps[16] = "";
	if (strcmp(what, "no character"))
		snprintf(cps, sizeof cps, " U+%04X", (unsigned)c);
	const char *as = html_c1(c);
	if (as) /* "&#150;" written for a dash, in the habit of Windows-1252 */
		diag_warn(r->o->src ? r->o->src : "content", line, col, "the character reference '%.*s' gives %s%s, which a "
		          "page cannot hold; HTML reads it as Windows-1252's '%s', which the page shows: write '%s' itself",
		          (int)n, at, what, cps, as, as);
	else
		diag_warn(r->o->src ? r->o->src : "content", line, col, "the character reference '%.*s' gives %s%s, which a "
		          "page cannot hold (HTML refuses it, a parse error): the page shows U+FFFD; take it out", (int)n, at,
		          what, cps);
}

/* A numeric character reference of the text that gives a character a page cannot hold (unallowed_ref:
 * "&#x1b;", "&#x85;", "&#xfdd0;", "&#0;") is warned at, and the page shows U+FFFD for it: cmark-gfm
 * wrote such a character as it is, and U+FFFE and U+FFFF as the lone bytes FE and FF (its
 * utf8proc's encoder), and raw HTML (unsafe_html) keeps the reference, which a browser reads
 * (helper-128, helper-129: published raw, with no word). html: the text's page, from byte html0. */
static void unallowed_refs(const struct md_opts *o, const char *text, size_t len, struct buf *html, size_t html0)
{
	struct ref_said r = {o, text, 0};
	shown_refs(text, len, ref_warn, &r);
	if (r.n > 20)
		diag_warn(o->src ? o->src : "content", 0, 0, "%zu more character references that give a character a page "
		          "cannot hold: take them out", r.n - 20);
	/* the page: raw HTML's references, then what cmark-gfm wrote; as it is when neither holds one
	 * (most pages with a reference: "&#8212;") */
	uint32_t c0;
	bool live = false;
	for (const char *p = memmem(html->p + html0, html->len - html0, "&#", 2); p && !live;
	     p = memmem(p + 1, html->len - (size_t)(p + 1 - html->p), "&#", 2)) {
		uint32_t cp;
		live = char_ref(p, html->len - (size_t)(p - html->p), &cp) && unallowed_ref(cp);
	}
	if (!live && utf8_invalid_at(html->p + html0, html->len - html0) < 0 &&
	    text_unallowed_at(html->p + html0, html->len - html0, &c0) < 0)
		return;
	struct buf out = BUF_INIT;
	size_t from = html0;
	buf_add(&out, html->p, html0);
	for (const char *p = memmem(html->p + html0, html->len - html0, "&#", 2); p;
	     p = memmem(p + 1, html->len - (size_t)(p + 1 - html->p), "&#", 2)) {
		uint32_t cp;
		size_t n = char_ref(p, html->len - (size_t)(p - html->p), &cp);
		if (!n || !unallowed_ref(cp))
			continue;
		buf_add(&out, html->p + from, (size_t)(p - html->p) - from);
		buf_adds(&out, html_c1(cp) ? html_c1(cp) : "\xef\xbf\xbd");
		from = (size_t)(p - html->p) + n;
	}
	buf_add(&out, html->p + from, html->len - from);
	/* A C1 control cmark-gfm decoded a reference of the text to (CommonMark reads "&#128;" as U+0080;
	 * the page's own C1 controls are U+FFFD before it parses): what HTML reads the reference as. */
	if (memmem(out.p + html0, out.len - html0, "\xc2", 1)) {
		struct buf c1 = BUF_INIT;
		for (size_t i = 0; i < out.len; i++) {
			const char *as = i >= html0 && i + 1 < out.len && (unsigned char)out.p[i] == 0xc2 &&
			                 (unsigned char)out.p[i + 1] >= 0x80 && (unsigned char)out.p[i + 1] <= 0x9f
			                 ? html_c1((unsigned char)out.p[i + 1]) : NULL;
			if (as) {
				buf_adds(&c1, as);
				i++;
			} else {
				buf_addc(&c1, out.p[i]);
			}
		}
		buf_free(&out);
		out = c1;
	}
	if (utf8_invalid_at(out.p + html0, out.len - html0) >= 0) {
		char *fixed = utf8_replaced(out.p + html0, out.len - html0, "\xef\xbf\xbd");
		out.len = html0;
		buf_adds(&out, fixed);
		free(fixed);
	}
	text_unallowed_replace(&out, html0);
	buf_free(html);
	*html = out;
}

/* cmark-gfm's footnote back links say aria-label="Back to content", in English on every page (its
 * html.c writes the words): given the theme's UI string back_to_text and the note's number, as the
 * theme's own notes have it ("Retour au texte de la note 2"), in the language the note is written
 * in: the text's (lang), or the one its paragraph is marked with (a passage nobody has translated
 * yet: helper-137). The number is the note's place in the footnotes' list, as cmark-gfm numbers
 * its marks. Without the string, cmark-gfm's words stay. */
static void backref_labels(const struct worker *w, size_t lang, struct buf *html)
{
	static const char cm[] = " data-footnote-backref aria-label=\"Back to content\"";
	const struct site *s = w->sh->s;
	const char *p = site_ui(s, lang, "back_to_text") ? markdown_notes_section(html->p) : NULL;
	if (!p)
		return;
	struct buf b = BUF_INIT;
	size_t k = 0, r = 0;
	const char *e = html->p + html->len, *para = NULL, *seen = p;
	buf_add(&b, html->p, (size_t)(p - html->p));
	for (const char *q; (q = memmem(p, (size_t)(e - p), cm, sizeof cm - 1));) {
		/* the notes' list items before this link, each one more (cmark-gfm's: raw HTML's are none,
		 * helper-139) */
		for (const char *li; (li = memmem(p, (size_t)(q - p), "<li id=\"", 8)); p = li + 8) {
			buf_add(&b, p, (size_t)(li + 8 - p));
			if (markdown_note_item(html->p, li)) {
				k++;
				r = 0;
				para = NULL;
				seen = li;
			}
		}
		r++;
		/* the language of the paragraph the link ends: its lang="..." when it has one (looked for
		 * from the last link on: a note marked 10,000 times took 14 s, helper-139) */
		size_t l = lang;
		for (const char *t = seen; (t = memmem(t, (size_t)(q - t), "<p", 2)); t += 2)
			para = t;
		seen = q;
		const char *gt = para ? memchr(para, '>', (size_t)(q - para)) : NULL;
		const char *la = gt ? memmem(para, (size_t)(gt - para), " lang=\"", 7) : NULL;
		if (la) {
			char *code = xstrndup(la + 7, strcspn(la + 7, "\""));
			int i = site_lang(s, code);
			l = i >= 0 ? (size_t)i : l;
			free(code);
		}
		const char *ui = site_ui(s, l, "back_to_text");
		ui = ui ? ui : site_ui(s, lang, "back_to_text");
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, " data-footnote-backref aria-label=\"");
		esc_html(&b, ui, strlen(ui));
		/* a note marked more than once has a link back to each mark: the r-th from 2 on "k-r", as
		 * cmark-gfm's later releases label them ("Back to reference 1-2"), not one label for all */
		if (r > 1)
			buf_addf(&b, " %zu-%zu\"", k, r);
		else
			buf_addf(&b, " %zu\"", k);
		p = q + sizeof cm - 1;
	}
	buf_add(&b, p, (size_t)(e - p));
	buf_free(html);
	*html = b;
}

static void md_render(struct worker *w, const struct job *j, struct md_opts *o, const char *text, size_t len,
                      bool body, size_t lang, struct md_result *out)
{
	struct link_ctx lc = {w, j, body, o->src ? o->src : j->doc->src ? j->doc->src : "content"};
	struct marker_ctx mc = {w, j};
	o->link = rewrite_link;
	o->link_ctx = &lc;
	o->taken = j->ids ? &j->ids->map : NULL;
	o->cite = j->cite;
	if (j->cite && tpl_exists(w->e, "partials/note-marker.html")) {
		j->cite->marker = note_marker;
		j->cite->marker_ctx = &mc;
	}
	markdown_render(o, text, len, out); /* which makes out anew */
	backref_labels(w, lang, &out->html);
	if (j->cite)
		j->cite->marker = NULL;
	if (memmem(text, len, "&#", 2))
		unallowed_refs(o, text, len, &out->html, 0);
}

/* A data text's links to its own headings and notes ("#own-head", "#fn-1"), in html (rendered with
 * ids prefix + id: job_ids) and in the checks it added (from checks_from on), given the prefix too,
 * as a handbook chapter's are given theirs: the text's ids are its own (helper-136: "[own note](#fn-1)"
 * became a missing anchor once the note's id was "t1-fn-1"). A fragment that names none of them is
 * left to name the page's. */
/* Whether fragment frag (as a link writes it) names one of own's ids as a browser finds them: as
 * written, or percent-decoded ("#r%C3%A8gles", "#fn-50%25": helper-137). */
static bool names_own(const struct strmap *own, const char *frag)
{
	size_t n;
	char *d = strmap_get(own, frag) ? NULL : percent_decode(frag, strlen(frag), &n);
	bool found = !d || (n == strlen(d) && strmap_get(own, d));
	free(d);
	return found;
}

static void own_fragments(struct vec *checks, size_t checks_from, const char *prefix, struct buf *html)
{
	struct strmap own = STRMAP_INIT_OWNED;
	markdown_html_ids(&own, html->p, prefix);
	struct buf b = BUF_INIT;
	const char *p = html->p;
	for (const char *q; own.used && (q = strstr(p, " href=\"#"));) {
		q += 8;
		char *frag = xstrndup(q, strcspn(q, "\""));
		buf_add(&b, p, (size_t)(q - p));
		if (names_own(&own, frag))
			buf_adds(&b, prefix);
		free(frag);
		p = q;
	}
	if (b.len) {
		buf_adds(&b, p);
		buf_free(html);
		*html = b;
	}
	for (size_t i = checks_from; own.used && i < checks->n; i++) {
		struct check *c = checks->v[i];
		if (names_own(&own, c->frag)) {
			char *with = xasprintf("%s%s", prefix, c->frag);
			free(c->frag);
			c->frag = with;
		}
	}
	strmap_free(&own);
}

void job_markdown(struct worker *w, const struct job *j, const char *text, size_t len, struct md_result *out)
{
	const struct site *s = w->sh->s;
	/* A data field or UI string shown in the default language's words is written in that language. */
	deps_note_texts(w->dk);
	size_t tl = resolve_value_lang(w->sh->r, text, j->lang);
	struct md_opts o = {.unsafe_html = s->unsafe_html, .lang = s->langs[tl].code,
	                    .rtl = !strcmp(s->langs[tl].dir, "rtl"), .reserved = resolve_reserved_ids(w->sh->r)};
	/* Citations, links and limits in a data or front matter text are reported at that text in
	 * its file; in a text made otherwise (by a template), at the page's file as a whole. */
	char prefix[32];
	if (j->ids) {
		snprintf(prefix, sizeof prefix, "t%zu-", ++j->ids->texts);
		o.id_prefix = prefix;
	}
	o.src = j->doc->src;
	resolve_text_origin(w->sh->r, text, j->doc->src, j->lang, &o.src, &o.at);
	struct text_cursor cursor = {0, 0, 0, 0};
	o.at.text = text, o.at.len = len, o.at.cursor = &cursor;
	if (j->cite) {
		j->cite->src = o.src;
		j->cite->at = o.at;
	}
	struct vec *checks = j->own_checks ? j->own_checks : &w->checks;
	size_t checks_from = checks->n;
	md_render(w, j, &o, text, len, false, tl, out);
	if (o.id_prefix)
		own_fragments(checks, checks_from, o.id_prefix, &out->html);
	if (j->cite) /* the text and the cursor were for this parse alone */
		j->cite->at.text = NULL, j->cite->at.cursor = NULL;
}

/* The job's page text as HTML, its citations going to j->cite. prefix goes
 * before heading ids (handbook chapters). False if the file is unreadable. */
static bool render_text(struct worker *w, const struct job *j, const char *prefix, struct md_result *md)
{
	const struct site *s = w->sh->s;
	const struct doc *d = j->doc;
	if (!d->src)
		return true;
	if (w->text_src != d->src) {
		free(w->text);
		w->text = NULL;
		w->text_src = NULL;
		if (site_read(s, d->src, &w->text, &w->text_len) != 0)
			return false;
		w->text_src = d->src;
		/* changed since it was loaded (an editor saving during the build): what the unit shows is
		 * not what its digest says, so it is not recorded (deps.h) and the next build renders it */
		w->text_changed = XXH3_64bits(w->text, w->text_len) != d->text_hash;
	}
	w->unit_unstable = w->unit_unstable || w->text_changed;
	/* The file may have shrunk since it was loaded (an editor saving during vade serve). */
	size_t off = d->body_off <= w->text_len ? d->body_off : w->text_len;
	/* a control character (ESC from a terminal's output pasted, a form feed) or a noncharacter: a page
	 * cannot hold it, and a translation of the passage is refused on import (helper-124); each said
	 * where it is (helper-125: the first alone was), at most CONTROLS_SAID a page; said at the render,
	 * so a build that takes the unit from its record says them again (deps.h) */
	enum { CONTROLS_SAID = 20 };
	uint32_t cp;
	size_t nctl = 0;
	for (size_t at = off; at < w->text_len;) {
		long ctl = text_unallowed_at(w->text + at, w->text_len - at, &cp);
		if (ctl < 0)
			break;
		at += (size_t)ctl;
		if (nctl++ < CONTROLS_SAID) {
			int line, col;
			text_pos(w->text, at, &line, &col);
			diag_warn(d->src, line, col, "the %s U+%04X, which HTML does not allow in a page (a parse error) and an "
			          "import refuses in a translation (the page shows U+FFFD): take it out",
			          unicode_noncharacter(cp) ? "noncharacter" : "control character", (unsigned)cp);
		}
		at += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	}
	if (nctl > CONTROLS_SAID)
		diag_warn(d->src, 0, 0, "%zu more control characters or noncharacters, which HTML does not allow in a page: "
		          "take them out", nctl - CONTROLS_SAID);
	/* a directional override, embedding or isolate a paragraph does not close (helper-140): the first
	 * of each paragraph that leaves one open */
	size_t nbidi = 0;
	for (size_t at = off, next; at < w->text_len; at += next) { /* on from the paragraph after each */
		long b = bidi_unclosed_at(w->text + at, w->text_len - at, &cp, &next);
		if (b < 0)
			break;
		if (nbidi++ < CONTROLS_SAID) {
			int line, col;
			text_pos(w->text, at + (size_t)b, &line, &col);
			diag_warn(d->src, line, col, "U+%04X (a directional %s) that its paragraph does not close: it reorders "
			          "the text after it too; close it with U+%04X, or take it out", (unsigned)cp,
			          bidi_opener_kind(cp), (unsigned)bidi_closer(cp));
		}
	}
	if (nbidi > CONTROLS_SAID)
		diag_warn(d->src, 0, 0, "%zu more paragraphs that leave a directional character open: close them",
		          nbidi - CONTROLS_SAID);
	/* The page shows each as U+FFFD, as it shows one of a title or name (escape.h): put in the text
	 * before it is parsed, a character for a character, so columns stay the file's and a heading's
	 * id and the links to it agree (helper-128: U+FFFD put in the HTML made a footnote's id differ
	 * from its link's); cmark-gfm writes them as they are. */
	struct buf clean = BUF_INIT;
	const char *body = w->text + off;
	size_t body_len = w->text_len - off;
	if (nctl) {
		buf_add(&clean, body, body_len);
		text_unallowed_replace(&clean, 0);
		body = clean.p, body_len = clean.len;
	}
	size_t tl = resolve_text_lang(w->sh->r, j->page, j->lang); /* the language the text is written in */
	struct md_opts o = {.unsafe_html = s->unsafe_html, .drop_first_h1 = d->title_from_heading,
	                    .at = {d->body_line, 1, 0, false, body, body_len, NULL}, .lang = s->langs[tl].code,
	                    .rtl = !strcmp(s->langs[tl].dir, "rtl"), .id_prefix = prefix, .prefix_raw = prefix != NULL,
	                    .src = d->src,
	                    .reserved = resolve_reserved_ids(w->sh->r)};
	/* A translation's passages nobody has translated yet are in the default language. */
	const struct tr_entry *te = tl == j->lang ? status_entry(resolve_status(w->sh->r), tl, TR_PAGES, j->page->key) : NULL;
	if (te && te->nforeign) {
		o.foreign = te->foreign, o.foreign_col = te->foreign_col, o.nforeign = te->nforeign;
		o.foreign_lang = s->langs[0].code, o.foreign_rtl = !strcmp(s->langs[0].dir, "rtl");
	}
	struct text_cursor cursor = {0, 0, 0, 0};
	o.at.cursor = &cursor;
	j->cite->src = d->src;
	j->cite->at = o.at;
	md_render(w, j, &o, body, body_len, true, tl, md);
	j->cite->at.text = NULL, j->cite->at.cursor = NULL; /* for this parse alone */
	buf_free(&clean);
	return true;
}

/* }======= */

/* {======= jobs */

static const char *default_layout(const struct page *p)
{
	return p->key[0] == '\0' ? "home" : p->generated ? "list" : "page";
}

static void add_chapters(struct worker *w, const struct page *p, size_t lang, struct vec *out)
{
	vec_push(out, (void *)p);
	deps_note(w->dk, p->index * w->sh->s->nlangs + lang, DEP_KIDS);
	for (size_t i = 0; i < p->nkids; i++)
		add_chapters(w, p->kids[i], lang, out);
}

/* The handbook's chapters: the page, its children depth first, then the appendices its front matter names. */
static void handbook_chapters(struct worker *w, const struct page *p, size_t lang, struct vec *ch)
{
	const struct site *s = w->sh->s;
	const struct doc *d0 = p->docs[0];
	add_chapters(w, p, lang, ch);
	struct yml_doc *fm = doc_front_matter(d0);
	const struct yml_node *hb = fm ? yml_get(fm->root, "handbook") : NULL;
	const struct yml_node *apx = yml_get(hb, "appendices");
	for (size_t i = 0; apx && apx->kind == YML_SEQ && i < apx->n; i++) {
		const char *k = yml_str(apx->kids[i]);
		const struct page *a = k ? site_find(s, k) : NULL;
		if (!a || a->generated)
			diag_error(d0->src, apx->kids[i]->line, apx->kids[i]->col, "no page '%s' for the handbook's appendices",
			           k ? k : "");
		else
			vec_push(ch, (void *)a);
	}
	doc_front_matter_done(d0, fm);
}

/* Renders every chapter of handbook job hb into a list set as vars.chapters. False if a text is unreadable. */
static bool push_chapters(struct worker *w, const struct job *hb, int vars)
{
	lua_State *L = tpl_lua(w->e);
	lua_getfield(L, LUA_REGISTRYINDEX, "vade.pages");
	lua_rawgeti(L, -1, (lua_Integer)hb->lang + 1);
	int model = lua_gettop(L);
	lua_createtable(L, (int)hb->nchapters, 0);
	bool ok = true;
	for (size_t i = 0; i < hb->nchapters && ok; i++) {
		struct job cj = *hb;
		cj.page = hb->chapters[i];
		cj.doc = site_page_doc(w->sh->s, cj.page, hb->lang);
		deps_note(w->dk, cj.page->index * w->sh->s->nlangs + hb->lang, DEP_OWN);
		char *prefix = xasprintf("c%zu-", i + 1), *id = xasprintf("c%zu", i + 1);
		struct md_result md = {0};
		buf_init(&md.html);
		ok = render_text(w, &cj, prefix, &md);
		lua_createtable(L, 0, 8);
		lua_pushinteger(L, (lua_Integer)i + 1);
		lua_setfield(L, -2, "n");
		model_set_str(L, "id", id);
		model_set_str(L, "id_prefix", prefix);
		lua_pushlstring(L, md.html.p, md.html.len);
		lua_setfield(L, -2, "content");
		model_push_toc(L, &md);
		lua_setfield(L, -2, "toc");
		lua_geti(L, model, (lua_Integer)cj.page->index + 1);
		lua_setfield(L, -2, "page");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
		markdown_result_free(&md);
		free(prefix);
		free(id);
	}
	lua_setfield(L, vars, "chapters");
	lua_pop(L, 2);
	return ok;
}

static void note_file(struct shared *sh, struct deps_file *f)
{
	pthread_mutex_lock(&sh->group_lock);
	vec_push(&sh->group_files, f);
	pthread_mutex_unlock(&sh->group_lock);
}

void note_group_file(struct shared *sh, const char *rel, uint64_t key)
{
	note_file(sh, deps_file_new(rel, key));
}

void note_kept_file(struct shared *sh, const char *rel, uint64_t key)
{
	note_file(sh, deps_file_taken(sh->prev, rel, key));
}

/* The unit under way writes rel (deps.h: its files are kept, by name, for the next build). */
static void put(struct worker *w, const char *rel, const struct buf *b)
{
	if (w->sh->o->out)
		output_put(w->sh->o->out, rel, b->p, b->len);
	vec_push(&w->outs, xstrdup(rel));
}

/* Reports, at the citation, the first note whose marker out[0, len) links to where no note is: the
 * template listed the notes (notes()) before the text that cites, or not at all. The link check
 * said "link to '#note-1', which is no id of that file" at the page, where a data text cited on a
 * pocket card (helper-85). */
static bool notes_unlisted(const struct job *j, const char *out, size_t len)
{
	const struct cite_ctx *c = j->cite;
	for (size_t i = c ? c->listed : 0; c && i < c->nnotes; i++) {
		char href[40], id[40];
		snprintf(href, sizeof href, "\"#note-%d\"", c->notes[i].n);
		snprintf(id, sizeof id, "id=\"note-%d\"", c->notes[i].n);
		if (!memmem(out, len, href, strlen(href)) || memmem(out, len, id, strlen(id)))
			continue;
		diag_error(c->notes[i].src, c->notes[i].line, c->notes[i].col,
		           "this citation is shown in %s, which lists no notes after it (its template calls notes() "
		           "before the text, or not at all): its marker would lead nowhere. Cite where the notes are "
		           "listed; the default theme's pocket cards and sheets list none: give such an item a 'card' "
		           "wording without the citation", j->out_path);
		return true;
	}
	return false;
}

/* Frees a job's notes, the sources they cite kept for the unit (deps.h: a later build that does
 * not render it still counts them as cited). */
static void cite_done(struct worker *w, struct cite_ctx *c)
{
	for (size_t i = 0; i < c->nnotes; i++)
		for (size_t k = 0; k < c->notes[i].nitems; k++)
			if (c->notes[i].items[k].known)
				vec_push(&w->cites, xstrdup(c->notes[i].items[k].key));
	cite_ctx_free(c);
}

/* A page of the site (not a print output) was written. */
static void wrote_page(struct worker *w)
{
	atomic_fetch_add(&w->sh->written, 1);
	w->unit_written++;
}

/* A print output of a page (card, sheet, handbook) through <name>.html. */
static void render_print(struct worker *w, const struct page *p, size_t lang, enum output_kind kind)
{
	const struct site *s = w->sh->s;
	lua_State *L = tpl_lua(w->e);
	const char *name = kind == OUT_CARD ? "card" : kind == OUT_SHEET ? "sheet" : "handbook";
	char *out_path = xasprintf("%s/%s%s.html", s->langs[lang].code, p->path, name);
	struct cite_ctx cite;
	cite_ctx_init(&cite, &s->refs);
	struct vec ch = VEC_INIT;
	if (kind == OUT_HANDBOOK)
		handbook_chapters(w, p, lang, &ch);
	struct job_ids ids = {STRMAP_INIT_OWNED, 0};
	struct vec own = VEC_INIT;
	struct job j = {.page = p, .doc = site_page_doc(s, p, lang), .lang = lang, .kind = kind, .out_path = out_path,
	                .cite = &cite, .chapters = (const struct page *const *)ch.v, .nchapters = ch.n, .ids = &ids,
	                .own_checks = &own};
	int top = lua_gettop(L);
	model_push_vars(w, &j, NULL);
	int vars = lua_gettop(L);
	bool ok = kind != OUT_HANDBOOK || push_chapters(w, &j, vars);
	struct buf out = BUF_INIT;
	char *tname = xasprintf("%s.html", name);
	const struct doc *shown = site_page_doc(s, p, lang); /* (the language's file, or its original) */
	const char *what = shown && shown->src ? shown->src : p->docs[0]->src ? p->docs[0]->src : p->key;
	if (ok && job_template(w, &j, tname, vars, what, &out, NULL) == 0) {
		/* the link check would say it again for every marker of every card of a sheet (helper-87) */
		/* its data texts' in-page links checked here, each at its place, once for all the copies a
		 * sheet shows (helper-138: said at every copy's output line) */
		struct own_checks oc = {.checks = &own, .s = s, .lang = lang, .any = true};
		struct htmlids_hooks hooks = {own_check, id_place, &oc};
		struct html_ids ids_out;
		if (!notes_unlisted(&j, out.p, out.len)) {
			htmlids_check_with(out.p, out.len, out_path, what, &ids_out, &hooks);
			const struct doc *td = site_page_doc(s, p, lang);
			for (size_t i = 0; i < own.n; i++) {
				const struct check *c = own.v[i];
				char *decoded = NULL;
				if (!browser_finds(c->frag, ids_out.v, ids_out.n, &decoded)) {
					const struct page *tp = c->chapter ? s->pages[c->target / s->nlangs] : p;
					const struct doc *tdoc = c->chapter ? site_page_doc(s, tp, c->target % s->nlangs) : td;
					const char *said = decoded;
					if (c->chapter) /* without the chapter's prefix, as its page says it */
						said += strspn(said, "c0123456789") + (said[strspn(said, "c0123456789")] == '-');
					/* a chapter's: among its own ids, without the prefix, as the check of its page
					 * guesses (helper-170: said twice, with that guess and without) */
					char **cands = ids_out.v;
					size_t ncands = ids_out.n, pl = (size_t)(said - decoded);
					if (c->chapter) {
						cands = xmalloc((ids_out.n + 1) * sizeof *cands), ncands = 0;
						for (size_t k = 0; k < ids_out.n; k++) /* (sorted, as they were) */
							if (!strncmp(ids_out.v[k], decoded, pl))
								cands[ncands++] = ids_out.v[k] + pl;
					}
					const char *near = anchor_hint(said, cands, ncands);
					if (cands != ids_out.v)
						free(cands);
					diag_error(c->src, c->line, c->col, "link to a missing anchor '#%s' in %s%s%s%s", said,
					           tdoc && tdoc->src ? tdoc->src : tp->key, near ? " (did you mean '#" : "",
					           near ? near : "", near ? "'?)" : "");
				}
				free(decoded);
			}
			htmlids_free(&ids_out);
		}
		free(oc.twice_of);
		strmap_free(&oc.decoded);
		put(w, out_path, &out);
	}
	lua_settop(L, top);
	free(tname);
	buf_free(&out);
	vec_free(&ch);
	for (size_t i = 0; i < own.n; i++)
		check_free(own.v[i]);
	vec_free(&own);
	strmap_free(&ids.map);
	cite_done(w, &cite);
	free(out_path);
}

int job_through_base(struct worker *w, const struct job *j, const char *base, int vars, const char *what,
                     struct buf *content, struct buf *page)
{
	lua_State *L = tpl_lua(w->e);
	size_t len = content->len;
	lua_pushlstring(L, content->p, content->len);
	lua_setfield(L, vars, "content");
	buf_free(content);
	int rc = job_template(w, j, base, vars, what, page, NULL);
	lua_pushnil(L);
	lua_setfield(L, vars, "content");
	if (len >= JOB_CONTENT_LARGE)
		lua_gc(L, LUA_GCCOLLECT, 0);
	return rc;
}

/* The page's layout through base.html (or the base the layout names); 0 or -1 after reporting. */
static int render_layout(struct worker *w, const struct job *j, const char *tname, const struct md_result *md,
                         struct buf *page)
{
	lua_State *L = tpl_lua(w->e);
	int top = lua_gettop(L);
	model_push_vars(w, j, md);
	int vars = lua_gettop(L);
	struct buf body = BUF_INIT;
	char *base = NULL;
	const char *what = j->doc->src ? j->doc->src : j->page->key;
	int rc = job_template(w, j, tname, vars, what, &body, &base);
	if (rc == 0 && (!base || base[0])) {
		rc = job_through_base(w, j, base ? base : "base.html", vars, what, &body, page);
	} else if (rc == 0) {
		buf_add(page, body.p, body.len);
	}
	lua_settop(L, top);
	free(base);
	buf_free(&body);
	return rc;
}

/* The search index's entry of j's page (search.h): what a result shows, body its text. */
static void index_page(struct worker *w, const struct job *j, const char *body)
{
	const struct site *s = w->sh->s;
	char *search = search_path(s->langs[j->lang].code, "index.html");
	char *url = site_url_relative(search, j->out_path);
	bool fallback = !resolve_has_text(w->sh->r, j->page, j->lang);
	/* a translation's title left in the original's language is marked so, as the page marks it */
	bool foreign = !fallback && resolve_meta_lang(w->sh->r, j->page, j->lang, true) != j->lang;
	w->sh->frag[j->page->index * s->nlangs + j->lang] =
		search_fragment(url, j->doc->shown_title ? j->doc->shown_title : j->doc->title, body, /* as the page shows it */ fallback ? s->langs[0].code : NULL,
		                fallback ? s->langs[0].dir : NULL, foreign ? s->langs[0].code : NULL,
		                foreign ? s->langs[0].dir : NULL);
	free(url);
	free(search);
}

/* The entries of search group g in language l that units left as they were (deps.h) had: taken
 * from the group's file as the last build wrote it (render_site made sure it is intact, else
 * they were rendered). False after reporting when that file cannot be read: the record is then
 * removed, so the next build does not take these units again. */
static bool reused_entries(struct shared *sh, size_t g, size_t l, const char *rel, json_t **frag, size_t n)
{
	const struct site *s = sh->s;
	json_t *old = NULL;
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		size_t slot = (g * SEARCH_GROUP + i) * s->nlangs + l;
		if (!sh->units[slot].borrowed || !sh->units[slot].indexed)
			continue;
		if (!old) {
			char *path = path_join(sh->o->out_dir, rel), *data = NULL;
			size_t len = 0;
			if (file_read_regular(path, &data, &len) == 0)
				old = search_group_read(s->langs[l].code, g, data, len);
			free(data);
			free(path);
		}
		char key[24];
		snprintf(key, sizeof key, "%zu", g * SEARCH_GROUP + i);
		json_t *e = old ? json_object_get(old, key) : NULL;
		if (e)
			frag[i] = json_incref(e);
		else
			ok = false;
	}
	json_decref(old);
	if (!ok) { /* (changed by someone else since it was found intact: helper-181) */
		deps_forget(sh->o->out_dir);
		diag_error(rel, 0, 0, "the search entries the last build wrote here cannot be read again (changed "
		           "while vade ran?); the record of that build is removed, and the next build renders every page");
	}
	return ok;
}

/* Page pg has been rendered in every language; the last of its group writes the group's search/p/
 * files: the same file again when every page of it was left as it was (deps.h). */
static void page_done(struct worker *w, size_t pg)
{
	struct shared *sh = w->sh;
	const struct site *s = sh->s;
	size_t g = pg / SEARCH_GROUP;
	if (atomic_fetch_sub(&sh->group_left[g], 1) != 1)
		return;
	size_t first = g * SEARCH_GROUP, n = s->npages - first < SEARCH_GROUP ? s->npages - first : SEARCH_GROUP;
	json_t *frag[SEARCH_GROUP];
	for (size_t l = 0; l < s->nlangs; l++) {
		size_t pages = 0, reused = 0;
		for (size_t i = 0; i < n; i++) {
			size_t slot = (first + i) * s->nlangs + l;
			frag[i] = sh->frag[slot];
			sh->frag[slot] = NULL;
			pages += frag[i] || sh->units[slot].indexed;
			reused += sh->units[slot].borrowed && sh->units[slot].indexed;
		}
		char name[32];
		snprintf(name, sizeof name, "p/%zu.js", g);
		char *rel = search_path(s->langs[l].code, name);
		if (pages && reused == pages && sh->o->out) {
			output_keep(sh->o->out, rel);
			note_kept_file(sh, rel, 0);
			free(rel);
			continue;
		}
		if (reused && !reused_entries(sh, g, l, rel, frag, n)) {
			for (size_t i = 0; i < n; i++)
				json_decref(frag[i]);
			free(rel);
			continue;
		}
		size_t len;
		char *data = search_group(s->langs[l].code, g, frag, n, &len);
		if (data && sh->o->out) {
			output_put(sh->o->out, rel, data, len);
			note_group_file(sh, rel, 0);
		}
		free(rel);
		free(data);
	}
}

/* Page k (2..) of the listing of p's children in lang (resolve_pager_total): the
 * layout again, with page.pager at page k and without the page's text (its
 * content, table of contents and notes are on the first page only, and so is
 * its entry in the search index and the anchors links may name). */
static void render_listing(struct worker *w, const struct page *p, const struct doc *d, size_t lang,
                           const char *tname, size_t k)
{
	struct shared *sh = w->sh;
	char *out_path = resolve_pager_output(sh->r, p, lang, k);
	struct cite_ctx cite;
	cite_ctx_init(&cite, &sh->s->refs);
	struct job_ids ids = {STRMAP_INIT_OWNED, 0};
	struct job j = {.page = p, .doc = d, .lang = lang, .kind = OUT_HTML, .out_path = out_path,
	                .cite = &cite, .pager = k, .ids = &ids};
	struct md_result md = {0};
	buf_init(&md.html);
	struct buf page = BUF_INIT;
	if (render_layout(w, &j, tname, &md, &page) == 0) {
		notes_unlisted(&j, page.p, page.len);
		put(w, out_path, &page);
		wrote_page(w);
	}
	buf_free(&page);
	markdown_result_free(&md);
	strmap_free(&ids.map);
	cite_done(w, &cite);
	free(out_path);
}

/* Where text[0..n) (a cached partial's output as used) is in page[0..len), or NULL. memmem() of the
 * whole took as long as reading the page (a long needle); the start of it is found instead, and the
 * rest compared there. */
static const char *find_use(const char *page, size_t len, const char *text, size_t n)
{
	size_t head = n < 64 ? n : 64;
	for (const char *p = page, *end = page + len; n && (size_t)(end - p) >= n;) {
		const char *at = memmem(p, (size_t)(end - p) - (n - head), text, head);
		if (!at)
			return NULL;
		if (!memcmp(at + head, text + head, n - head))
			return at;
		p = at + 1;
	}
	return NULL;
}

/* What reading a rendered page gave: its ids, and its search text when the site is indexed. */
struct ids_and_text {
	struct html_ids ids;
	struct html_text text;
	bool indexed;
};

/* deps_unchanged() of slot, asked once (sh->unchanged): by render_site before the workers start,
 * or by the one worker that takes the slot. */
static bool slot_unchanged(struct shared *sh, size_t slot)
{
	if (!sh->unchanged[slot])
		sh->unchanged[slot] = deps_unchanged(sh->prev, slot, sh->out_fd) ? 1 : 2;
	return sh->unchanged[slot] == 1;
}

/* Unit slot as the last build left it (deps.h): its files kept, its ids, links to anchors and search
 * text from the record. False when the record cannot stand in (it holds no search text and the
 * theme now indexes pages): the unit is rendered. */
static bool reuse_unit(struct worker *w, const struct page *p, size_t lang, size_t slot)
{
	struct shared *sh = w->sh;
	const struct site *s = sh->s;
	struct deps_unit *u = &sh->units[slot];
	deps_take(sh->prev, slot, u);
	if (w->indexing && !u->indexed) {
		deps_unit_clear(u);
		return false;
	}
	for (uint32_t i = 0; i < u->nouts; i++)
		output_keep(sh->o->out, u->outs[i]);
	for (uint32_t i = 0; i < u->ncites; i++)
		cite_refs_mark(&s->refs, u->cites[i]);
	diag_say_again(u->warns, u->nwarns); /* as its render said them */
	for (uint32_t i = 0; i < u->nchecks; i++) {
		struct check *c = xmalloc(sizeof *c);
		*c = (struct check){xstrdup(u->checks[i].src), u->checks[i].line, u->checks[i].col, u->checks[i].target,
		                    xstrdup(u->checks[i].frag), 0};
		vec_push(&w->checks, c);
	}
	/* its terms go back to the unit once the index is written (sitewide.c); its entry of the
	 * search results stays in its group's file (page_done) */
	if (w->indexing) {
		sh->search[slot] = u->terms;
		u->terms = NULL;
	} else {
		sh->search[slot] = search_terms_new(NULL, NULL, NULL, NULL);
	}
	atomic_fetch_add(&sh->written, u->nwritten);
	atomic_fetch_add(&sh->reused, 1);
	return true;
}

/* Ends the unit slot: what it read and gave, for the record (deps.h). */
static void unit_done(struct worker *w, size_t slot, size_t checks_from, size_t written, struct ids_and_text *it)
{
	struct shared *sh = w->sh;
	struct deps_unit *u = &sh->units[slot];
	deps_unit_end(w->dk, u);
	size_t nwarns;
	u->warns = diag_keep_end(&nwarns);
	u->nwarns = (uint32_t)nwarns;
	u->nwritten = (uint32_t)written;
	u->nouts = (uint32_t)w->outs.n;
	u->outs = (char **)w->outs.v;
	w->outs = (struct vec)VEC_INIT;
	u->nids = (uint32_t)it->ids.n;
	u->ids = it->ids.v;
	u->nchecks = (uint32_t)(w->checks.n - checks_from);
	u->checks = xcalloc(u->nchecks + 1, sizeof *u->checks);
	for (size_t i = checks_from; i < w->checks.n; i++) {
		const struct check *c = w->checks.v[i];
		u->checks[i - checks_from] = (struct deps_check){xstrdup(c->src), c->line, c->col, (uint32_t)c->target,
		                                                 xstrdup(c->frag)};
	}
	u->ncites = (uint32_t)w->cites.n;
	u->cites = (char **)w->cites.v;
	w->cites = (struct vec)VEC_INIT;
	u->indexed = it->indexed;
	u->known = !w->unit_unstable;
}

/* The terms of an earlier language of page p when the unit of p in lang gives the index the same
 * title, heads and body (a copy of the original in a language without a translation), shared;
 * else NULL, and what it gives is noted for the languages after it. The terms are a function of
 * those three texts alone (search.h); making them again for each copy was a page's scan per
 * language, kept apart until the build's end (issue 13). */
static struct search_terms *same_terms(struct worker *w, const struct page *p, size_t lang, const char *title,
                                       const struct html_text *tx)
{
	const struct shared *sh = w->sh;
	size_t nl = sh->s->nlangs;
	if (!w->seen) {
		w->seen = xcalloc(nl, sizeof *w->seen);
		w->seen_len = xcalloc(nl, sizeof *w->seen_len);
		w->seen_page = SIZE_MAX;
	}
	if (w->seen_page != p->index) {
		memset(w->seen_len, 0, nl * sizeof *w->seen_len);
		w->seen_page = p->index;
	}
	struct buf *b = &w->seen[lang];
	buf_reset(b);
	buf_add(b, title ? title : "", title ? strlen(title) + 1 : 1);
	buf_add(b, tx->heads.p ? tx->heads.p : "", tx->heads.len + 1);
	buf_add(b, tx->body.p ? tx->body.p : "", tx->body.len + 1);
	for (size_t k = 0; k < nl; k++) {
		struct search_terms *t = sh->search[p->index * nl + k];
		if (k != lang && w->seen_len[k] == b->len && t && !memcmp(w->seen[k].p, b->p, b->len))
			return search_terms_share(t);
	}
	w->seen_len[lang] = b->len;
	return NULL;
}

/* The site page of p in lang, then its print outputs: one unit (deps.h). */
static void render_page(struct worker *w, const struct page *p, size_t lang)
{
	struct shared *sh = w->sh;
	const struct site *s = sh->s;
	size_t slot = p->index * s->nlangs + lang;
	if (sh->prev && !sh->force[slot] && slot_unchanged(sh, slot) && reuse_unit(w, p, lang, slot))
		return;
	deps_unit_begin(w->dk);
	diag_keep_begin();
	w->unit_unstable = false;
	deps_note(w->dk, slot, DEP_OWN);
	if (w->indexing) /* its search entry shows its title */
		deps_note(w->dk, slot, DEP_META);
	size_t checks_from = w->checks.n;
	w->unit_written = 0;
	struct ids_and_text it = {.indexed = false};
	const struct doc *d = site_page_doc(s, p, lang);
	const char *layout = d->layout ? d->layout : default_layout(p);
	char *tname = xasprintf("%s.html", layout);
	if (!tpl_exists(w->e, tname)) {
		diag_error(d->src ? d->src : "content", d->layout_line, d->layout_col,
		           "unknown layout '%s' (no templates/%s in the site or the theme)", layout, tname);
		free(tname);
		unit_done(w, slot, checks_from, 0, &it);
		return;
	}
	struct cite_ctx cite;
	cite_ctx_init(&cite, &s->refs);
	struct job_ids ids = {STRMAP_INIT_OWNED, 0};
	struct job j = {.page = p, .doc = d, .lang = lang, .kind = OUT_HTML,
	                .out_path = resolve_output(sh->r, p, lang), .cite = &cite, .ids = &ids};
	struct md_result md = {0};
	buf_init(&md.html);
	struct buf page = BUF_INIT;
	w->pager_listed = false;
	int rc = -1;
	if (render_text(w, &j, NULL, &md)) {
		tpl_uses_begin(w->e);
		rc = render_layout(w, &j, tname, &md, &page);
	}
	bool paged = rc == 0 && w->pager_listed;
	if (rc == 0)
		notes_unlisted(&j, page.p, page.len);
	if (rc == 0) {
		/* The ids a link to the page may name (headings, notes, what its templates give ids), checked;
		 * a section's navigation, the same on every page of the section, read once (htmlids.h). */
		struct own_checks oc = {.checks = &w->checks, .from = checks_from, .target = slot, .s = s, .lang = lang,
		                        .text_html = md.html.p};
		struct htmlids_hooks hooks = {own_check, id_place, &oc};
		const struct tpl_use *uses;
		size_t nuses = tpl_uses(w->e, &uses), nspans = 0, from = 0;
		struct html_span *spans = xcalloc(nuses + 1, sizeof *spans);
		for (size_t u = 0; u < nuses && from < page.len; u++) {
			const char *at = find_use(page.p + from, page.len - from, uses[u].text, uses[u].len);
			if (!at)
				continue;
			spans[nspans++] = (struct html_span){(size_t)(at - page.p), uses[u].len, uses[u].f};
			from = (size_t)(at - page.p) + uses[u].len;
		}
		htmlids_read_spans(page.p, page.len, spans, nspans, j.out_path, d->src ? d->src : p->key, &it.ids,
		                   &hooks, w->indexing ? &it.text : NULL);
		free(spans);
		free(oc.twice_of);
		strmap_free(&oc.decoded);
		if (w->indexing) {
			it.indexed = true;
			sh->search[slot] = same_terms(w, p, lang, d->title, &it.text);
			if (!sh->search[slot])
				sh->search[slot] = search_terms_new(sh->lex[lang], d->title, it.text.heads.p, it.text.body.p);
			index_page(w, &j, it.text.body.p);
		} else {
			sh->search[slot] = search_terms_new(NULL, NULL, NULL, NULL);
		}
		put(w, j.out_path, &page);
		wrote_page(w);
	}
	tpl_uses_end(w->e);
	buf_free(&page);
	markdown_result_free(&md);
	strmap_free(&ids.map);
	cite_done(w, &cite);
	if (paged) {
		deps_note(w->dk, slot, DEP_KIDS);
		for (size_t k = 2, n = resolve_pager_total(sh->r, p, lang); k <= n; k++)
			render_listing(w, p, d, lang, tname, k);
	}
	free(tname);
	if (rc == 0 && p->docs[0])
		for (unsigned bit = OUT_CARD; bit <= OUT_HANDBOOK; bit <<= 1)
			if (p->docs[0]->outputs & bit)
				render_print(w, p, lang, (enum output_kind)bit);
	unit_done(w, slot, checks_from, w->unit_written, &it);
	if (it.indexed)
		html_text_free(&it.text);
}

/* }======= */

/* {======= workers */

static struct tpl_engine *new_engine(const struct site *s)
{
	char *site_t = site_path(s, "templates");
	char *theme_t = path_join(s->theme_dir, "templates");
	/* Messages name theme files the way the user would find them. */
	char *shown_theme = xasprintf("themes/%s/templates", s->theme);
	const struct tpl_dir dirs[2] = {{site_t, "templates", s->dir, "site"},
	                                {theme_t, shown_theme, s->theme_dir, "theme"}};
	struct tpl_engine *e = tpl_new(dirs, 2);
	free(site_t);
	free(theme_t);
	free(shown_theme);
	return e;
}

static void worker_release(struct worker *w)
{
	if (w->e)
		tpl_cache_stats(w->e, &w->cache_stats);
	tpl_free(w->e);
	w->e = NULL;
	deps_tracker_free(w->dk);
	w->dk = NULL;
	for (size_t k = 0; k < w->outs.n; k++)
		free(w->outs.v[k]);
	vec_free(&w->outs);
	for (size_t k = 0; k < w->cites.n; k++)
		free(w->cites.v[k]);
	vec_free(&w->cites);
	for (size_t k = 0; w->seen && k < w->sh->s->nlangs; k++)
		buf_free(&w->seen[k]);
	free(w->seen);
	free(w->seen_len);
	w->seen = NULL;
	w->seen_len = NULL;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	const struct site *s = w->sh->s;
	w->e = new_engine(s);
	w->dk = deps_tracker_new(w->sh->deps);
	w->indexing = w->sh->o->out && tpl_exists(w->e, "base.html") && tpl_exists(w->e, "search.html");
	if (!model_build(w)) {
		atomic_store(&w->sh->next, s->npages); /* the other workers stop too */
		return NULL;
	}
	/* A task is a page in every language: its languages often share one source file. */
	for (;;) {
		size_t pg = atomic_fetch_add(&w->sh->next, 1);
		if (pg >= s->npages)
			break;
		tpl_cache_task(w->e);
		for (size_t l = 0; l < s->nlangs; l++)
			if (resolve_written(w->sh->r, s->pages[pg], l))
				render_page(w, s->pages[pg], l);
		page_done(w, pg);
	}
	free(w->text);
	w->text = NULL;
	w->text_src = NULL;
	/* Given back on the thread that made them, while it runs: mimalloc hands a thread's free memory
	 * on to the others only once it is free on its own thread's pages. Freed from the first worker
	 * after this thread ended, a worker's Lua state (some 10 MB at 10,000 pages) stayed out of use,
	 * and the site-wide stage that follows took as much anew (issue 13). */
	if (w->own_thread)
		worker_release(w);
	return NULL;
}

/* The progress line: from 1 s into the render stage on, every 0.25 s, "pages
 * rendered of total (rate)", written over itself on stderr; cleared at the end. */
struct progress {
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	bool done, shown;
	const atomic_size_t *count;
	size_t total;
	double t0;
};

static void *progress_run(void *arg)
{
	struct progress *pr = arg;
	pthread_mutex_lock(&pr->lock);
	while (!pr->done) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&pr->done_cv, &pr->lock, &until);
		double t = monotonic_seconds() - pr->t0;
		if (pr->done || t < 1.0)
			continue;
		size_t n = atomic_load(pr->count);
		fprintf(stderr, "\rvade: rendering %zu of %zu pages (%.0f/s)\033[K", n, pr->total, (double)n / t);
		fflush(stderr);
		pr->shown = true;
	}
	if (pr->shown)
		fputs("\r\033[K", stderr);
	pthread_mutex_unlock(&pr->lock);
	return NULL;
}

/* What a build's record is made of (deps.h), kept past render_site() for the commit. */
struct render_deps {
	uint64_t global[2];
	size_t npages, nlangs;
	uint64_t *now;
	struct deps_table *table;
	struct deps_unit *units;
	struct deps_record *prev;   /* the units taken from it borrow its strings */
	struct deps_record **keep;  /* where prev goes when d is freed (render_opts.record), or NULL */
	struct vec files;           /* the search groups' files written or kept */
	struct search_lexicon **lex; /* [nlangs]: the units' terms are numbers in these */
	struct strmap stamps;       /* render_deps_stamp()'s, made at its first call: a file -> its stamp */
	bool stamped;
};

const int64_t *render_deps_stamp(void *dv, const char *rel)
{
	struct render_deps *d = dv;
	if (!d->stamped) {
		d->stamped = true;
		for (size_t i = 0; i < d->npages * d->nlangs; i++) {
			const struct deps_unit *u = &d->units[i];
			for (uint32_t k = 0; u->borrowed && u->out_stamps && k < u->nouts; k++)
				if (u->out_stamps[k])
					*strmap_put(&d->stamps, u->outs[k], NULL) = (size_t)(uintptr_t)u->out_stamps[k];
		}
		/* the search and site-wide files kept as the last record has them (deps_file_taken): that
		 * stamp, not one taken when the state is recorded, which took a change made to one in
		 * between for the build's (helper-184) */
		for (size_t i = 0; i < d->files.n; i++) {
			const struct deps_file *f = d->files.v[i];
			if (f->taken)
				*strmap_put(&d->stamps, f->name, NULL) = (size_t)(uintptr_t)f->was;
		}
	}
	size_t *v = strmap_get(&d->stamps, rel);
	return v ? (const int64_t *)(uintptr_t)*v : NULL;
}

static void render_deps_free(struct render_deps *d)
{
	strmap_free(&d->stamps);
	for (size_t i = 0; i < d->npages * d->nlangs; i++)
		deps_unit_clear(&d->units[i]);
	free(d->units);
	for (size_t l = 0; d->lex && l < d->nlangs; l++)
		search_lexicon_free(d->lex[l]);
	free(d->lex);
	free(d->now);
	deps_table_free(d->table);
	if (d->keep)
		*d->keep = d->prev;
	else
		deps_record_free(d->prev);
	for (size_t i = 0; i < d->files.n; i++)
		free(d->files.v[i]);
	vec_free(&d->files);
	free(d);
}

struct deps_writing {
	struct render_deps *d;
	const char *out_dir;
	const struct output_files *made;
	char *tmp;
	bool patch;
};

static void *deps_write_run(void *arg)
{
	struct deps_writing *dw = arg;
	struct render_deps *d = dw->d;
	dw->tmp = deps_write(dw->out_dir, d->prev, d->global, d->npages, d->nlangs, d->now, d->table, d->units,
	                     (struct deps_file *const *)d->files.v, d->files.n, dw->made, &dw->patch);
	return NULL;
}

void render_deps_finish(struct render_deps *d, const char *out_dir, const struct output_files *made,
                        bool (*vouch)(void *ctx, struct render_deps *d), void *ctx)
{
	if (d && out_dir) {
		/* The record is written on a thread of its own while vouch() runs (it digests the inputs
		 * again: the two are most of what a build does after its commit), and put in place only
		 * when vouch() says the inputs are the ones the build read. */
		struct deps_writing dw = {d, out_dir, made, NULL, false};
		pthread_t th;
		bool threaded = vouch && pthread_create(&th, NULL, deps_write_run, &dw) == 0;
		bool keep = vouch ? vouch(ctx, d) : true;
		if (threaded)
			pthread_join(th, NULL);
		else
			deps_write_run(&dw);
		deps_install(out_dir, dw.tmp, dw.patch, keep);
	} else if (out_dir && vouch && !vouch(ctx, NULL)) {
		deps_forget(out_dir);
	}
	if (d)
		render_deps_free(d);
}

/* Frees what worker w holds, its include_cached counts added to st (when not NULL). */

size_t render_site(struct site *s, const struct render_opts *o)
{
	size_t nslots = s->npages * s->nlangs;
	struct shared sh = {.s = s, .o = o, .out_fd = -1, .group_lock = PTHREAD_MUTEX_INITIALIZER};
	bool vouched = false; /* (serve's check found the output folder as the record has it: deps_vouch) */
	double t0 = monotonic_seconds();
	/* (a site whose trees were given back is resolved only by the patch of its kept facts) */
	sh.r = o->resolved && *o->resolved ? *o->resolved : s->trees_dropped ? NULL : resolve_site(s, o->status);
	if (!sh.r)
		abort();
	if (o->resolved)
		*o->resolved = sh.r;
	site_drop_front_matter(s);
	cite_refs_unmark(&s->refs); /* (cited by the pages of this build alone) */
	struct render_deps *dp = xcalloc(1, sizeof *dp);
	dp->npages = s->npages;
	dp->nlangs = s->nlangs;
	dp->table = sh.deps = deps_table_new(nslots);
	dp->units = sh.units = xcalloc(nslots + 1, sizeof *sh.units);
	dp->lex = sh.lex = xcalloc(s->nlangs, sizeof *sh.lex);
	for (size_t l = 0; l < s->nlangs; l++)
		sh.lex[l] = search_lexicon_new();
	if (o->digests && !(o->global && o->out && o->out_dir)) { /* none made: none to keep */
		free(o->digests->d);
		o->digests->d = NULL;
	}
	if (o->global && o->out && o->out_dir) {
		/* the global digest holds the site's shape: page numbers name the same pages in the record */
		uint64_t shape;
		struct render_digests *dg = o->digests;
		size_t ndigests = (nslots + 1) * DEP_NGROUPS;
		if (dg && dg->d && dg->changed && dg->n == ndigests) {
			dp->now = deps_digests_of(s, sh.r, dg->d, dg->changed);
			shape = dg->shape;
		} else {
			dp->now = deps_digests(s, sh.r, &shape);
		}
		sh.now = dp->now;
		if (dg) { /* for vade serve's next rebuild */
			dg->d = xrealloc(dg->d, ndigests * sizeof *dg->d);
			memcpy(dg->d, dp->now, ndigests * sizeof *dg->d);
			dg->n = ndigests;
			dg->shape = shape;
		}
		uint64_t g[3] = {o->global[0], o->global[1], shape};
		dp->global[0] = XXH3_64bits(g, sizeof g);
		dp->global[1] = XXH3_64bits_withSeed(g, sizeof g, 1);
		if (o->record) {
			dp->prev = sh.prev = deps_reread(*o->record, o->out_dir, dp->global, s->npages, s->nlangs);
			*o->record = NULL;
			dp->keep = o->record;
		} else {
			dp->prev = sh.prev = deps_read(o->out_dir, dp->global, s->npages, s->nlangs);
		}
		if (sh.prev) {
			deps_compare(sh.prev, dp->now);
			sh.out_fd = open(o->out_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (sh.out_fd < 0) {
				deps_record_free(sh.prev);
				dp->prev = sh.prev = NULL;
			} else {
				deps_number_sets(sh.prev, sh.deps);
				if (o->vouched && deps_record_id(sh.prev) == o->vouched) {
					deps_vouch(sh.prev);
					vouched = true;
					if (o->stats)
						o->stats->vouched = true;
				}
			}
		}
		sh.keep_terms = true;
	}
	/* A unit whose search group's file is not as the last build left it is rendered: its entry is
	 * in that file (page_done). In a build serve's check vouched for, only the groups with a unit
	 * to render are looked at: the others' files are kept unread, with the stamps the check found
	 * (note_kept_file), so a change since is the next check's to find; stat()ing every group's
	 * file was a tenth of a one-page rebuild at 10,000 pages (issue 13). */
	sh.force = xcalloc(nslots + 1, sizeof *sh.force);
	sh.unchanged = xcalloc(nslots + 1, sizeof *sh.unchanged);
	for (size_t g = 0; sh.prev && g * SEARCH_GROUP < s->npages; g++)
		for (size_t l = 0; l < s->nlangs; l++) {
			bool renders = !vouched;
			for (size_t i = g * SEARCH_GROUP; !renders && i < s->npages && i < (g + 1) * SEARCH_GROUP; i++)
				renders = !slot_unchanged(&sh, i * s->nlangs + l);
			if (!renders)
				continue;
			char name[32];
			snprintf(name, sizeof name, "p/%zu.js", g);
			char *rel = search_path(s->langs[l].code, name);
			if (!deps_file_intact(sh.prev, rel, sh.out_fd))
				for (size_t i = g * SEARCH_GROUP; i < s->npages && i < (g + 1) * SEARCH_GROUP; i++)
					sh.force[i * s->nlangs + l] = true;
			free(rel);
		}
	double t1 = monotonic_seconds();
	atomic_init(&sh.next, 0);
	atomic_init(&sh.written, 0);
	atomic_init(&sh.reused, 0);
	sh.search = xcalloc(nslots + 1, sizeof *sh.search);
	sh.frag = xcalloc(nslots + 1, sizeof *sh.frag);
	size_t ngroups = s->npages / SEARCH_GROUP + 1;
	sh.group_left = xcalloc(ngroups, sizeof *sh.group_left);
	for (size_t g = 0; g < ngroups; g++)
		atomic_init(&sh.group_left[g], s->npages - g * SEARCH_GROUP < SEARCH_GROUP ? s->npages - g * SEARCH_GROUP
		                                                                          : SEARCH_GROUP);
	markdown_init();
	htmlids_init();
	int n = o->jobs < 1 ? 1 : o->jobs;
	if ((size_t)n > s->npages)
		n = s->npages ? (int)s->npages : 1;

	struct worker *ws = xcalloc((size_t)n, sizeof *ws);
	for (int i = 0; i < n; i++)
		ws[i].sh = &sh;
	struct progress pr = {.lock = PTHREAD_MUTEX_INITIALIZER, .done_cv = PTHREAD_COND_INITIALIZER,
	                      .count = &sh.written, .total = nslots, .t0 = t1};
	bool progress = o->progress && pthread_create(&pr.th, NULL, progress_run, &pr) == 0;
	/* This thread is the first worker: the memory the load and the status gave back is in its
	 * allocator's pages (mimalloc keeps a thread's free memory for that thread), and a worker on a
	 * thread of its own left that to lie unused; at -j 2 peak memory was a fifth higher (issue 13). */
	bool *started = xcalloc((size_t)n, sizeof *started);
	for (int i = 1; i < n; i++) {
		ws[i].own_thread = true;
		started[i] = pthread_create(&ws[i].th, NULL, work, &ws[i]) == 0;
	}
	work(&ws[0]);
	for (int i = 1; i < n; i++)
		if (started[i])
			pthread_join(ws[i].th, NULL);
	free(started);
	if (progress) {
		pthread_mutex_lock(&pr.lock);
		pr.done = true;
		pthread_cond_signal(&pr.done_cv);
		pthread_mutex_unlock(&pr.lock);
		pthread_join(pr.th, NULL);
	}
	check_anchors(&sh, ws, n);
	/* Only the first worker renders the site-wide pages: the others' Lua states (a view of the
	 * whole site each, and their cached outputs) are given back first. */
	for (int i = 1; i < n; i++)
		worker_release(&ws[i]); /* those whose thread did not start */
	double t2 = monotonic_seconds();
	if (diag_errors() == 0) {
		cite_refs_report_unused(&s->refs);
		if (ws[0].e) /* without an output (vade check), for the checks of their ids */
			sitewide_render(&ws[0]);
	}
	if (o->stats) {
		o->stats->resolve = t1 - t0;
		o->stats->pages = t2 - t1;
		o->stats->sitewide = monotonic_seconds() - t2;
		o->stats->reused = atomic_load(&sh.reused);
		struct buf names = BUF_INIT;
		size_t named = 0, rendered = 0;
		for (size_t i = 0; i < nslots; i++) {
			if (!sh.units[i].known)
				continue;
			o->stats->units++;
			if (!sh.units[i].borrowed && sh.units[i].nouts && rendered++ < 8)
				buf_addf(&names, "%s%s", named++ ? " " : "", sh.units[i].outs[0]);
		}
		if (rendered > named)
			buf_addf(&names, " and %zu more", rendered - named);
		snprintf(o->stats->rendered, sizeof o->stats->rendered, "%s", names.p);
		buf_free(&names);
	}
	worker_release(&ws[0]);
	for (int i = 0; o->stats && i < n; i++) {
		o->stats->cached_renders += ws[i].cache_stats.renders;
		o->stats->cached_hits += ws[i].cache_stats.hits;
		o->stats->cached_drops += ws[i].cache_stats.drops;
	}
	free(ws);
	if (sh.out_fd >= 0)
		close(sh.out_fd);
	for (size_t i = 0; i < nslots; i++) {
		search_terms_free(sh.search[i]);
		json_decref(sh.frag[i]); /* left by a build that stopped early */
	}
	free(sh.frag);
	free(sh.group_left);
	free(sh.search);
	free(sh.force);
	free(sh.unchanged);
	if (!o->resolved)
		resolve_free(sh.r);
	dp->files = sh.group_files;
	if (o->deps && dp->now && diag_errors() == 0)
		*o->deps = dp;
	else
		render_deps_free(dp);
	return atomic_load(&sh.written);
}

/* }======= */
