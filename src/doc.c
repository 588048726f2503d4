/* doc.c — one source file of a page: its front matter (title, summary,
 * weight, layout, outputs, slug, draft...) and where its body starts. */
#include "diag.h"
#include "docfacts.h"
#include "load.h"
#include "markdown.h"
#include "tree.h"
#include "util.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <xxhash.h>

const char *const output_names[4] = {"html", "card", "sheet", "handbook"};

static unsigned parse_outputs(const struct yml_node *n, const char *src)
{
	if (!n)
		return OUT_HTML;
	if (n->kind != YML_SEQ) {
		diag_error(src, n->line, n->col, "'outputs' must be a list, e.g. [html]");
		return OUT_HTML;
	}
	unsigned out = 0;
	for (size_t i = 0; i < n->n; i++) {
		const char *v = yml_str(n->kids[i]);
		unsigned bit = 0;
		for (unsigned k = 0; v && k < 4; k++)
			if (!strcmp(v, output_names[k]))
				bit = 1u << k;
		if (bit)
			out |= bit;
		else
			diag_error(src, n->kids[i]->line, n->kids[i]->col,
			           "unknown output '%s' (known: html, card, sheet, handbook)", v ? v : "");
	}
	return out;
}

/* The file line of the front matter's first line (after "---", which blank lines may precede): the
 * body's first line less the closing line and the front matter's own. */
static int fm_line0(const char *fm, size_t len, int body_line)
{
	int n = 0;
	for (const char *p = fm; (p = memchr(p, '\n', len - (size_t)(p - fm))); p++)
		n++;
	return body_line - 1 - n;
}

struct yml_doc *doc_front_matter(const struct doc *d)
{
	if (d->fm_tree || !d->fm_text)
		return d->fm_tree;
	/* It parsed at the load, so it parses again, to the same tree, and says nothing. */
	return yml_parse(d->src ? d->src : "content", d->fm_text, d->fm_len, fm_line0(d->fm_text, d->fm_len, d->body_line));
}

void doc_front_matter_done(const struct doc *d, struct yml_doc *fm)
{
	if (fm != d->fm_tree)
		yml_free(fm);
}

void site_drop_front_matter(struct site *s)
{
	s->trees_dropped = true;
	for (size_t i = 0; i < s->npages; i++)
		for (size_t l = 0; l < s->nlangs; l++) {
			struct doc *d = s->pages[i]->docs[l];
			if (d) {
				yml_free(d->fm_tree);
				d->fm_tree = NULL;
			}
		}
}

/* The line of text at p (up to len) without its line end: its length; *next the next line's start. */
static size_t line_at(const char *text, size_t len, size_t p, size_t *next)
{
	const char *nl = memchr(text + p, '\n', len - p);
	size_t e = nl ? (size_t)(nl - text) : len;
	*next = nl ? e + 1 : len;
	return e - p - (e > p && text[e - 1] == '\r');
}

/* Whether the line text[p, p + l) is the delimiter d ("---") with nothing after it but spaces and
 * tabs, as Hugo and Jekyll take it ("--- " from an editor that keeps trailing blanks). */
static bool delim_line(const char *text, size_t p, size_t l, const char *d)
{
	if (l < 3 || strncmp(text + p, d, 3))
		return false;
	for (size_t i = 3; i < l; i++)
		if (text[p + i] != ' ' && text[p + i] != '\t')
			return false;
	return true;
}

/* The first line from p that is the delimiter d or alt (delim_line; alt may be NULL): its start,
 * the next line's in *after; *line counts the lines before it. SIZE_MAX when none is. */
static size_t closing_line(const char *text, size_t len, size_t p, const char *d, const char *alt, int *line,
                           size_t *after)
{
	while (p < len) {
		size_t q = p, l = line_at(text, len, q, &p);
		if (delim_line(text, q, l, d) || (alt && delim_line(text, q, l, alt))) {
			*after = p;
			return q;
		}
		(*line)++;
	}
	return SIZE_MAX;
}

/* The first line at or after p that holds more than spaces and tabs: its start, its length in *l,
 * its number in *line (counting from line); the next line's start in *next. */
static size_t first_filled(const char *text, size_t len, size_t p, int *line, size_t *l, size_t *next)
{
	for (;; (*line)++) {
		*l = line_at(text, len, p, next);
		size_t k = 0;
		while (k < *l && (text[p + k] == ' ' || text[p + k] == '\t'))
			k++;
		if (k < *l || *next >= len)
			return p;
		p = *next;
	}
}

/* Front matter as Hugo also writes it, which vade does not read (gohugo.io, "Front matter"): TOML
 * between lines "+++", or a JSON object (its first line starts with '{'), after blank lines too,
 * as Hugo skips them. Published as it stood, it was the page's first paragraph ("+++ title = ..."),
 * silently; reported at its first line instead. at, line: the first line that is not blank. False
 * after reporting. */
static bool foreign_front_matter(const char *src, const char *text, size_t len, size_t at, int line)
{
	size_t p, l = line_at(text, len, at, &p), after;
	int lines = 0;
	if (delim_line(text, at, l, "+++")) {
		if (closing_line(text, len, p, "+++", NULL, &lines, &after) == SIZE_MAX)
			return true;
		diag_error(src, line, 1, "TOML front matter (between lines '+++', as Hugo reads it) is not read: "
		           "vade reads YAML between lines '---' (title: Page, not title = \"Page\")");
		return false;
	}
	if (at >= len || text[at] != '{')
		return true;
	json_error_t err; /* the object alone, whatever follows it (JSON_DISABLE_EOF_CHECK) */
	json_t *v = json_loadb(text + at, len - at, JSON_DISABLE_EOF_CHECK, &err);
	bool object = json_is_object(v);
	json_decref(v);
	if (object) {
		diag_error(src, line, 1, "JSON front matter (an object at the file's start, as Hugo reads it) is not read: "
		           "put it between lines '---', as YAML, which reads JSON too");
		return false;
	}
	return true;
}

/* A front matter whose "---" is on line open_line, after blank lines: read as Hugo reads it, said
 * at every load, from the file or from the record (helper-109: said at the first build alone). */
static void after_blank_lines(const char *src, int open_line)
{
	diag_warn(src, open_line, 1, "front matter after %d blank line%s, read as Hugo reads it: take %s out "
	          "(or, for a thematic break and a heading, put a blank line after the '---')", open_line - 1,
	          open_line == 2 ? "" : "s", open_line == 2 ? "it" : "them");
}

size_t doc_body_at(const char *text, size_t len, int *body_line)
{
	/* as text_facts() reads it, saying nothing */
	size_t bom = len >= 3 && !strncmp(text, "\xef\xbb\xbf", 3) ? 3 : 0, body = 0;
	int line = 1;
	size_t l, next, at = first_filled(text, len, bom, &line, &l, &next);
	if (delim_line(text, at, l, "---")) {
		line++;
		closing_line(text, len, next, "---", "...", &line, &body);
	}
	*body_line = body ? line + 1 : 1;
	return body ? body : bom;
}

/* The facts of a page file's text (docfacts.h): its front matter (f->fm points into text), where
 * the body starts, the digests. False after reporting a front matter that is never closed, or one
 * written in TOML or JSON. The front matter's lines are "---", with spaces or tabs after them or
 * not, and may follow blank lines (as Hugo reads them); it ends at a line "---" or "...". */
static bool text_facts(const char *src, const char *text, size_t len, struct doc_facts *f)
{
	memset(f, 0, sizeof *f);
	f->body_line = 1;
	/* Editors on Windows may start the file with a byte order mark. */
	size_t bom = !strncmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
	int line = 1;
	size_t l, next, at = first_filled(text, len, bom, &line, &l, &next);
	size_t fl = delim_line(text, at, l, "---") ? next : 0;
	int open_line = line;
	f->body_off = bom;
	if (!fl && !foreign_front_matter(src, text, len, at, line))
		return false;
	if (fl) {
		/* The front matter ends at the next line that is "---" or "...". */
		size_t body = 0;
		line++;
		size_t end = closing_line(text, len, fl, "---", "...", &line, &body);
		if (!body && open_line == 1) {
			diag_error(src, 1, 1, "front matter opened with '---' is never closed");
			return false;
		}
		/* (never closed after blank lines: a thematic break, "\n---\n\nIntro.", as it was) */
		if (body && open_line > 1) /* what a rule and a heading were ("\n---\nNote: x\n---"): said, not lost */
			after_blank_lines(src, open_line);
		if (body) {
			f->fm = text + fl;
			f->fm_len = end - fl;
			f->body_off = body;
			f->body_line = line + 1;
		}
	}
	f->text_hash = XXH3_64bits(text, len);
	f->fm_hash = XXH3_64bits(text, f->body_off);
	return true;
}

/* A value another generator reads as true (1) or false (0), or -1: YAML 1.1's booleans (yes, no, on,
 * off, y, n; yaml.org/type/bool.html), which Jekyll's Psych reads so, and a quoted "true" or "false"
 * that Hugo's loose conversion takes (helper-144: "published: no" was published without a word). */
static int bool_as_others_read(const struct yml_node *v)
{
	static const char *const yes[] = {"y", "yes", "true", "on"}, *const no[] = {"n", "no", "false", "off"};
	if (!v || v->kind != YML_SCALAR || !v->str)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v->str, yes[i]))
			return 1;
		if (!strcasecmp(v->str, no[i]))
			return 0;
	}
	return -1;
}

/* Keys of other generators' front matter that vade does not read, in any case and with '_' or '-'
 * between words or not (Hugo's "publishDate", Jekyll plugins' "publish_date"), and what that means
 * for the page: each was taken for a param without a word, and a page meant to stay out, or out of
 * a list, was published and listed (gohugo.io, "Front matter"; Jekyll's "published" and "permalink";
 * jekyll-redirect-from, jekyll-sitemap; Just the Docs' nav_exclude, search_exclude; Docusaurus's
 * unlisted; MkDocs Material's hide and search.exclude: helper-146). Not a "date" to come, which
 * Hugo and Jekyll leave out until then: an event's page is dated so, and meant to be read now
 * (helper-150). A key vade reads written in
 * another case ("Draft: true", as Hugo takes it) is an error: the draft would be published. */
static int bool_as_others_read(const struct yml_node *v);

/* The value of key in map m written in any case (NULL when none): Hugo reads its options' keys so
 * ("build: {List: Never}", "sitemap: {Disable: true}"). */
static const struct yml_node *get_any_case(const struct yml_node *m, const char *key)
{
	for (size_t i = 0; m && m->kind == YML_MAP && i + 1 < m->n; i += 2)
		if (m->kids[i]->kind == YML_SCALAR && m->kids[i]->str && !strcasecmp(m->kids[i]->str, key))
			return m->kids[i + 1];
	return NULL;
}

/* Whether Hugo's build options m keep a page out of its lists or unrendered: list "never" or "local",
 * render "never" or "link" (or false); not "build: {list: always}", Hugo's default (gohugo.io, "Build
 * options"; helper-152). */
static bool hugo_build_hides(const struct yml_node *m)
{
	static const char *const keys[2] = {"list", "render"}, *const hide[2][2] = {{"never", "local"}, {"never", "link"}};
	for (size_t i = 0; i < 2; i++) {
		const struct yml_node *v = get_any_case(m, keys[i]);
		if (!v)
			continue;
		if (bool_as_others_read(v) == 0)
			return true;
		for (size_t j = 0; j < 2 && v->kind == YML_SCALAR && v->str; j++)
			if (!strcasecmp(v->str, hide[i][j]))
				return true;
	}
	return false;
}

/* Whether mapping v means what an entry of foreign_keys()'s table with hides h says: 3 any mapping,
 * 6 one whose "disable" is true, 7 one whose "exclude" is, 8 Hugo's build options that hide the page
 * (hugo_build_hides). Each is asked of a key's own entry: "build: {list: never, disable: true}" is
 * Hugo's build options (helper-159). */
static bool map_hides(const struct yml_node *v, int h)
{
	return h == 3 || (h == 6 && bool_as_others_read(get_any_case(v, "disable")) == 1) ||
	       (h == 7 && bool_as_others_read(get_any_case(v, "exclude")) == 1) || (h == 8 && hugo_build_hides(v));
}

static void foreign_keys(const char *src, const struct yml_node *fm)
{
	static const char *const known[] = {"title", "summary", "layout", "updated", "weight", "outputs", "draft", "slug"};
	static const char *const hidden = "the page is published all the same (draft: true keeps it out)";
	static const char *const listed = "the page is published and listed in its section's navigation, the search "
	                                  "and the sitemap all the same (draft: true keeps it out)";
	static const char *const moved = "the page is published at its file's path, and nothing at the URL it names";
	static const char *const lang = "a page is in the language its file's name says (a.ar.md; a.md is the site's "
	                                "first language), written in that language's direction (site.yaml)";
	static const struct {
		const char *key, *tool, *means;
		int hides; /* 1: only when true ("headless: true"), 0: only when false ("published: false"), -1: any;
		            * 2: a site path ("url: /old/", not a param "url: https://..."), 3: a mapping, 5: a
		            * list that holds navigation or toc ("hide: [navigation]", not "hide: false" nor
		            * "hide: [footer]": helper-150, helper-152); 6, 7: a mapping whose "disable" (6) or
		            * "exclude" (7) is true ("sitemap: {disable: true}", not "sitemap: {changefreq: x}"); 8:
		            * Hugo's build options that keep the page out of lists or unrendered (hugo_build_hides) */
	} foreign[] = {{"publishDate", "Hugo's", hidden, -1}, {"pubdate", "Hugo's", hidden, -1},
	               {"expiryDate", "Hugo's", hidden, -1}, {"unpublishdate", "Hugo's", hidden, -1},
	               {"headless", "Hugo's", hidden, 1}, {"build", "Hugo's", hidden, 8},
	               {"published", "Jekyll's", hidden, 0}, {"url", "Hugo's", moved, 2},
	               {"aliases", "Hugo's", moved, 2}, {"permalink", "Jekyll's", moved, 2},
	               {"redirect_from", "Jekyll's", moved, 2},
	               {"redirect_to", "Jekyll's", "the page is published as it is, not sent on to the address it names", -1},
	               {"unlisted", "Docusaurus's", listed, 1}, {"hidden", "another generator's", listed, 1},
	               {"sitemap", "Jekyll's", "the page is in sitemap.xml all the same", 0},
	               {"sitemap", "Hugo's", "the page is in sitemap.xml all the same", 6},
	               {"search_exclude", "Just the Docs'", "the page is in the search all the same", 1},
	               {"search", "MkDocs's", "the page is in the search all the same", 7},
	               {"nav_exclude", "Just the Docs'", "the page is in its section's navigation all the same", 1},
	               {"hide", "MkDocs's", "the page's navigation or table of contents is shown all the same", 5},
	               {"cascade", "Hugo's", "its values do not pass to the pages below", 3},
	               /* (helper-144: <html lang="en" dir="ltr"> for a page meant as Arabic, in silence) */
	               {"lang", "Hugo's or Jekyll's", lang, -1}, {"language", "Hugo's or Jekyll's", lang, -1},
	               {"dir", "Hugo's or Jekyll's", lang, -1},
	               {"lastmod", "Hugo's", "the page's date is 'updated: YYYY-MM-DD'", -1}};
	for (size_t i = 0; fm && fm->kind == YML_MAP && i + 1 < fm->n; i += 2) {
		const struct yml_node *k = fm->kids[i];
		if (k->kind != YML_SCALAR || !k->str)
			continue;
		for (size_t j = 0; j < sizeof known / sizeof *known; j++)
			if (!strcasecmp(k->str, known[j]) && strcmp(k->str, known[j]))
				diag_error(src, k->line, k->col, "'%s' is not read: front matter keys are lower case (%s)", k->str,
				           known[j]);
		const struct yml_node *v = fm->kids[i + 1];
		const struct yml_node *first = v->kind == YML_SEQ && v->n ? v->kids[0] : v; /* aliases: [/old/] */
		long long iv = -1;
		double dv;
		if (yml_resolve(v, &iv, &dv) != YML_T_BOOL)
			iv = bool_as_others_read(v);
		if (first->kind == YML_SCALAR && first->str && first->str[0] == '/')
			iv = 2;
		else if (v->kind == YML_SEQ)
			for (size_t e = 0; e < v->n; e++)
				if (v->kids[e]->kind == YML_SCALAR && v->kids[e]->str &&
				    (!strcmp(v->kids[e]->str, "navigation") || !strcmp(v->kids[e]->str, "toc")))
					iv = 5;
		for (size_t j = 0; j < sizeof foreign / sizeof *foreign; j++)
			if (name_like(k->str, foreign[j].key) &&
			    (foreign[j].hides < 0 || (v->kind == YML_MAP ? map_hides(v, foreign[j].hides) : iv == foreign[j].hides))) {
				diag_warn(src, k->line, k->col, "'%s' (%s) is not read by vade: %s", k->str, foreign[j].tool,
				          foreign[j].means);
				break;
			}
	}
}

/* What vade renders the template name (without ".html") for itself, or what else it is, when no
 * page may take it as its layout (vade(5) TEMPLATES), else NULL. */
static const char *own_template(const char *name)
{
	static const char *const own[][2] = {
	    {"base", "the frame every page is rendered in"},
	    {"card", "the template of a page's pocket cards (outputs: [card])"},
	    {"sheet", "the template of a page's sheets of cards (outputs: [sheet])"},
	    {"handbook", "the template of a page's handbook (outputs: [handbook])"},
	    {"search", "the template of each language's search page (<lang>/search/)"},
	    {"notfound", "the template of the site's 404 page"},
	    {"root", "the template of the site's root page, which leads to a language"},
	    {"translations", "the template of the translations' status page"},
	};
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (!strcmp(name, own[i][0]))
			return own[i][1];
	if (!strncmp(name, "partials/", 9)) /* (helper-101: a page with one lost its text without a word) */
		return "a part that templates include, with what they give it";
	return NULL;
}

/* Other generators' syntax in the text of front matter key (markdown_foreign_syntax()), published as
 * text, as in the prose: a warning at its value (helper-97; the inline kinds, an Obsidian comment or
 * a wiki link in a summary, were said nothing of: helper-110). */
static void foreign_text(const char *src, const struct yml_node *fm, const char *key, const char *text)
{
	char *what = markdown_foreign_syntax(text);
	const struct yml_node *v = what ? yml_get(fm, key) : NULL;
	if (v)
		diag_warn(src, v->line, v->col, "'%s' holds %s, which vade does not read: it is published as text", key, what);
	free(what);
}

/* The largest page file read: a 51 MB page built in 16 s with 2.7 GB, and where memory was short
 * cmark-gfm aborted the build (helper-115); 8 MiB build in under a second with 420 MB. */
#define PAGE_MAX_BYTES (8 << 20)

/* Reads a page file: front matter, title, where the body starts. Its bytes are read only when
 * the last build's record (docfacts.h) does not have this version of the file. */
struct doc *doc_load(struct site *s, const char *src, const struct stat *seen, char **slug,
                     struct yml_node **slug_node)
{
	size_t len = 0;
	char *text = NULL;
	struct stat st;
	struct doc_facts f;
	uint64_t id = 0;
	bool known = S_ISREG(seen->st_mode) && (id = docfacts_id(seen)) && docfacts_get(src, id, &f);
	if (!known && S_ISREG(seen->st_mode) && seen->st_size > PAGE_MAX_BYTES) {
		diag_error(src, 0, 0, "%lld bytes, over the %d MiB (%d bytes) a page file may be (vade(5), LIMITS): split it "
		           "into pages", (long long)seen->st_size, PAGE_MAX_BYTES >> 20, PAGE_MAX_BYTES);
		return NULL;
	}
	if (!known) {
		if (!(text = site_read_text_stat(s, src, &len, &st)))
			return NULL;
		id = docfacts_id(&st);
		if (!text_facts(src, text, len, &f)) {
			free(text);
			return NULL;
		}
		const char *nul = memchr(text + f.body_off, '\0', len - f.body_off);
		if (nul) { /* (one in the front matter is YAML's error) */
			int l, c;
			text_pos(text, (size_t)(nul - text), &l, &c);
			diag_error(src, l, c, "a NUL byte, which text does not hold (a damaged file?): the page would show "
			           "U+FFFD there; take it out");
			free(text);
			return NULL;
		}
	}
	int line0 = f.fm ? fm_line0(f.fm, f.fm_len, f.body_line) : 0; /* the front matter's first line */
	/* what text_facts() said reading the file, said again (the record keeps where the "---" was) */
	if (known && line0 > 2)
		after_blank_lines(src, line0 - 1);
	struct doc *d = xcalloc(1, sizeof *d);
	d->src = xstrdup(src);
	d->outputs = OUT_HTML;
	d->file_id = id;
	d->body_off = f.body_off;
	d->body_line = f.body_line;
	d->text_hash = f.text_hash;
	d->fm_hash = f.fm_hash;
	if (f.fm) {
		/* The last build's tree of this text, when the record has it: parsing 30,000 unchanged front
		 * matters again was a sixth of a one-page rebuild at 10,000 pages (issue 13). It parsed
		 * then without a word, so it would again. */
		if (known && f.fm_image)
			d->fm_tree = yml_from_image(d->src, f.fm_image, f.fm_image_len);
		if (!d->fm_tree && (d->fm_tree = yml_parse(d->src, f.fm, f.fm_len, line0)) &&
		    docfacts_keeps_trees()) {
			struct buf b = BUF_INIT;
			if (yml_image(d->fm_tree, &b))
				d->fm_image = buf_detach(&b, &d->fm_image_len);
			buf_free(&b);
		}
		if (!d->fm_tree) {
			free(text);
			free(d->src);
			free(d);
			return NULL;
		}
		if (d->fm_tree->root && d->fm_tree->root->kind != YML_MAP)
			diag_error(src, d->fm_tree->root->line, d->fm_tree->root->col,
			           "front matter must be a mapping of keys to values");
		d->fm_text = xstrndup(f.fm, f.fm_len);
		d->fm_len = f.fm_len;
	}
	struct yml_node *fm = d->fm_tree ? d->fm_tree->root : NULL;
	foreign_keys(src, fm);
	d->title = site_yaml_text(fm, "title", NULL, src);
	d->summary = site_yaml_text(fm, "summary", NULL, src);
	foreign_text(src, fm, "title", d->title);
	foreign_text(src, fm, "summary", d->summary);
	d->layout = site_yaml_text(fm, "layout", NULL, src);
	const struct yml_node *ln = yml_get(fm, "layout");
	d->layout_line = ln ? ln->line : 0;
	d->layout_col = ln ? ln->col : 0;
	const char *own = d->layout ? own_template(d->layout) : NULL;
	if (own) /* said once, at the load (a Hugo theme's "layout: search" failed inside the template: helper-97) */
		diag_error(src, d->layout_line, d->layout_col, "layout '%s' is no page's: it is %s, rendered with variables "
		           "of its own; a page's layout is one of its page templates (page, list, home or one of the site's "
		           "templates/)", d->layout, own);
	d->updated = site_yaml_text(fm, "updated", NULL, src);
	if (d->updated && !site_date_valid(d->updated)) {
		struct yml_node *u = yml_get(fm, "updated");
		diag_error(src, u->line, u->col, "'updated' must be a date written YYYY-MM-DD, such as 2026-11-30");
		free(d->updated);
		d->updated = NULL;
	}
	struct yml_node *w = yml_get(fm, "weight");
	long long iv = 0;
	double dv;
	if (w && (yml_resolve(w, &iv, &dv) != YML_T_INT || iv < INT_MIN || iv > INT_MAX)) {
		diag_error(src, w->line, w->col, "'weight' must be a whole number from %d to %d", INT_MIN, INT_MAX);
		iv = 0;
	}
	d->weight = (int)iv;
	d->outputs = parse_outputs(yml_get(fm, "outputs"), src);
	struct yml_node *dr = yml_get(fm, "draft");
	iv = 0;
	if (dr && yml_resolve(dr, &iv, &dv) != YML_T_BOOL)
		diag_error(src, dr->line, dr->col, "'draft' must be true or false");
	if (iv) {
		/* Drafts are not published; the caller skips a doc without a src. */
		free(d->src);
		d->src = NULL;
	}
	*slug_node = yml_get(fm, "slug");
	*slug = site_yaml_text(fm, "slug", NULL, src);
	/* A title written empty or null ("title: ~") would publish an empty <h1>: a mistake, not a wish. */
	struct yml_node *t = yml_get(fm, "title");
	if (t && t->kind == YML_SCALAR && (!d->title || text_blank(d->title))) /* else: not text, said */
		diag_error(src, t->line, t->col, "'title' is empty: write the page's title, or leave the key out to "
		           "take the first '# heading'");
	/* The same front matter gives the same title: a record without the heading had one. */
	if (!d->title && known && !f.h1_sought)
		known = false, text = site_read_text(s, src, &len);
	if (!d->title && (known || (text && len >= d->body_off))) {
		int line = 0;
		d->title = known ? (f.h1 ? xstrdup(f.h1) : NULL)
		                 : markdown_first_h1_at(text + d->body_off, len - d->body_off, &line);
		d->title_from_heading = d->title != NULL;
		/* As an empty 'title:'. Never from the record: docfacts.c keeps no page with an empty heading. */
		if (d->title && text_blank(d->title) && line)
			diag_error(src, d->body_line + line - 1, 1, "the page's title is its first '# heading', and that is "
			           "empty: write the heading's text, or give the page a 'title:'");
		d->h1_sought = true;
	}
	free(text);
	return d;
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	if (d->shown_title != d->title)
		free(d->shown_title);
	if (d->shown_summary != d->summary)
		free(d->shown_summary);
	free(d->src);
	yml_free(d->fm_tree);
	free(d->fm_text);
	free(d->fm_image);
	free(d->title);
	free(d->updated);
	free(d->summary);
	free(d->layout);
	diag_kept_free(d->said, d->nsaid);
	free(d);
}

