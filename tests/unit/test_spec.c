/* Unit test: the examples of tests/spec/dialect.md, vade's Markdown dialect
 * written down like cmark's spec.txt. Each example is rendered with
 * markdown_render() and its options, and what it gives (the HTML, then the
 * endnotes and the diagnostics, if any) is compared byte for byte with what
 * the example says. TAP; a failure names the example, its line and section.
 *
 *   build/test_spec [FILE]            check (FILE: tests/spec/dialect.md)
 *   build/test_spec --actual [FILE]   print FILE again with every example's
 *                                     expected part replaced by what vade gives
 *                                     now (make regen; tests/run-all --regen)
 *
 * The file's format, read here and nowhere else:
 *   FENCE example [lang=LL] [rtl] [unsafe_html] [drop_first_h1] [id_prefix=P]
 *   Markdown input
 *   .
 *   expected HTML
 *   .                      (only when there are notes or diagnostics)
 *   note N: [prefix ]@key[, locator] (position)[; ...]
 *   path:line:col: error: message
 *   FENCE
 * FENCE is 32 backticks. Two other blocks set up what the examples share:
 * "FENCE references" holds the bibliography (CSL-YAML), "FENCE pages" the
 * site's files, one "source-path output-path" a line ({U+0020} for a space in a
 * name; a folder without index.md as "folder/"), the first being the page
 * every example is on. Anywhere in an example, {U+XXXX} stands for that
 * character; the invisible ones (no-break and narrow spaces, bidi isolates)
 * are written that way in the expected part, so a reader can see them.
 */
#include "cite.h"
#include "diag.h"
#include "markdown.h"
#include "resolve.h"
#include "site.h"
#include "tap.h"
#include "template.h"

#include <stdlib.h>
#include <unistd.h>

#define FENCE "````````````````````````````````"

static struct cite_refs refs;
static struct yml_doc *bib;
static struct vec page_src, page_out; /* the site's files; [0] is the page the examples are on */
static char *doc_src;                 /* "content/<page_src[0]>" */
static struct md_reserved theme_ids;  /* the default theme's ids, which headings pass over */

/* {====== {U+XXXX} */

static void put_utf8(struct buf *b, unsigned c)
{
	if (c < 0x80) {
		buf_addc(b, (char)c);
	} else if (c < 0x800) {
		buf_addc(b, (char)(0xc0 | c >> 6));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_addc(b, (char)(0xe0 | c >> 12));
		buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | c >> 18));
		buf_addc(b, (char)(0x80 | ((c >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	}
}

/* Appends s[0, n) to b with every {U+XXXX} replaced by its character. */
static void decode(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned c;
		int used;
		if (s[i] == '{' && n - i >= 8 && sscanf(s + i, "{U+%x}%n", &c, &used) == 1 && used >= 8) {
			put_utf8(b, c);
			i += (size_t)used - 1;
		} else {
			buf_addc(b, s[i]);
		}
	}
}

/* Characters a reader cannot see, written {U+XXXX} in the expected part. */
static bool invisible(unsigned c)
{
	return c == 0xa0 || c == 0xad || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202f) ||
	       c == 0x2060 || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

static void encode(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		unsigned c = *u;
		size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		for (size_t i = 1; i < k; i++)
			if (!u[i]) /* cut short: copy as it is */
				k = i;
		if (k == 2)
			c = (c & 0x1f) << 6 | (u[1] & 0x3f);
		else if (k == 3)
			c = (c & 0x0f) << 12 | (u[1] & 0x3f) << 6 | (u[2] & 0x3f);
		else if (k == 4)
			c = (c & 0x07) << 18 | (u[1] & 0x3f) << 12 | (u[2] & 0x3f) << 6 | (u[3] & 0x3f);
		if (k > 1 && invisible(c))
			buf_addf(b, "{U+%04X}", c);
		else
			buf_add(b, u, k);
		u += k;
	}
}

/* }====== */

/* {====== the link hook: vade's rule (src/render.c, resolve_link) over the pages table */

/* The row of the pages table whose source is path, or page_src.n. */
static size_t find_src(const char *path)
{
	size_t t = 0;
	while (t < page_src.n && strcmp(page_src.v[t], path))
		t++;
	return t;
}

/* The row a link's path names: a page or file, or a folder's index.md or
 * listing page (a row "folder/"); page_src.n when none. */
static size_t find_target(const char *path)
{
	size_t t = find_src(path), n = strlen(path);
	if (t < page_src.n || (n > 3 && !strcmp(path + n - 3, ".md")))
		return t;
	while (n && path[n - 1] == '/')
		n--;
	char *index = xasprintf("%.*s%sindex.md", (int)n, path, n ? "/" : "");
	char *listing = xasprintf("%.*s/", (int)n, path);
	t = find_src(index);
	if (t == page_src.n)
		t = find_src(listing);
	free(index);
	free(listing);
	return t;
}

/* What missing() in src/resolve.c says. */
static void missing(const char *url, size_t plen, const char *path, int line, int col)
{
	size_t n = strlen(path);
	const char *what = n > 3 && !strcmp(path + n - 3, ".md") ? "page" : "file";
	struct vec cands = VEC_INIT, folders = VEC_INIT; /* as resolve.c: every file, and "a/" for a folder's page */
	for (size_t i = 0; i < page_src.n; i++) {
		const char *f = page_src.v[i];
		size_t fl = strlen(f);
		vec_push(&cands, (void *)f);
		if (fl > 9 && !strcmp(f + fl - 9, "/index.md")) {
			char *folder = xstrndup(f, fl - 8);
			vec_push(&folders, folder);
			vec_push(&cands, folder);
		}
	}
	char *hint = resolve_link_hint(doc_src, path, (const char *const *)cands.v, cands.n);
	for (size_t i = 0; i < folders.n; i++)
		free(folders.v[i]);
	vec_free(&folders);
	vec_free(&cands);
	if (hint)
		diag_error(doc_src, line, col, "link to a missing %s '%.*s' (did you mean '%s'?)", what, (int)plen, url, hint);
	else
		diag_error(doc_src, line, col, "link to a missing %s '%.*s'", what, (int)plen, url);
	free(hint);
}

static char *link_hook(void *ctx, const char *url, bool image, int line, int col)
{
	(void)ctx;
	(void)image;
	size_t plen = strcspn(url, "?#");
	char *path, *frag, *err, *res = NULL;
	if (resolve_link_path(doc_src, url, &path, &frag, &err) != 0) {
		diag_error(doc_src, line, col, "%s", err);
		free(err);
		return NULL;
	}
	if (!path) { /* "#part": an anchor of this page, checked by vade once the page is rendered */
		free(frag);
		return NULL;
	}
	size_t t = find_target(path);
	if (t == page_src.n) {
		missing(url, plen, path, line, col);
	} else {
		size_t n = strlen(page_src.v[t]);
		bool page = (n > 3 && !strcmp((char *)page_src.v[t] + n - 3, ".md")) || ((char *)page_src.v[t])[n - 1] == '/';
		char *rel = site_url_relative(page_out.v[0], page_out.v[t]);
		res = !page ? xasprintf("%s%s", rel, url + plen) : frag ? xasprintf("%s#%s", rel, frag) : xstrdup(rel);
		free(rel);
	}
	free(path);
	free(frag);
	return res;
}

/* }====== */

/* {====== rendering one example */

struct example {
	int number, line;       /* 1-based; line of its opening fence */
	const char *section;
	struct md_opts o;
	char *option_error;
};

/* Parses the options after "example"; false on one it does not know. */
static bool parse_options(struct example *ex, const char *s, char **lang, char **prefix)
{
	char *copy = xstrdup(s), *save, *tok;
	bool ok = true;
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (!strncmp(tok, "lang=", 5))
			ex->o.lang = *lang = xstrdup(tok + 5);
		else if (!strncmp(tok, "id_prefix=", 10))
			ex->o.id_prefix = *prefix = xstrdup(tok + 10);
		else if (!strcmp(tok, "rtl"))
			ex->o.rtl = true;
		else if (!strcmp(tok, "unsafe_html"))
			ex->o.unsafe_html = true;
		else if (!strcmp(tok, "drop_first_h1"))
			ex->o.drop_first_h1 = true;
		else {
			ex->option_error = xasprintf("unknown option '%s'", tok);
			ok = false;
			break;
		}
	}
	free(copy);
	return ok;
}

/* Everything but the HTML: the notes, then the diagnostics, one a line. */
static void describe_notes(struct buf *b, const struct cite_ctx *c)
{
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct cite_note *n = &c->notes[i];
		buf_addf(b, "note %d:", n->n);
		for (size_t k = 0; k < n->nitems; k++) {
			const struct cite_item *it = &n->items[k];
			buf_adds(b, k ? "; " : " ");
			if (it->prefix)
				buf_addf(b, "%s ", it->prefix);
			buf_addf(b, "@%s", it->key);
			if (it->locator)
				buf_addf(b, ", %s", it->locator);
			if (!it->known)
				buf_adds(b, " (unknown)");
			else if (it->position == CITE_FIRST)
				buf_adds(b, it->short_used ? " (first, hereinafter)" : " (first)");
			else if (it->position == CITE_IBID)
				buf_adds(b, " (ibid)");
			else
				buf_addf(b, " (supra note %d)", it->first_note);
		}
		buf_addc(b, '\n');
	}
}

/* What diag_flush() prints, caught from stderr. */
static void catch_diagnostics(struct buf *b)
{
	fflush(stderr);
	FILE *tmp = tmpfile();
	int saved = dup(2);
	if (!tmp || saved < 0) {
		diag_flush();
		return;
	}
	dup2(fileno(tmp), 2);
	diag_flush();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, tmp)) > 0)
		buf_add(b, chunk, n);
	fclose(tmp);
}

/* Renders input as a page of the spec site: html and rest (notes, diagnostics) are set. */
static void render(const struct example *ex, const char *input, size_t len, struct buf *html, struct buf *rest)
{
	struct cite_ctx c;
	cite_ctx_init(&c, &refs);
	c.src = doc_src;
	struct md_opts o = ex->o;
	/* the text as render.c gives it: places are checked against it, columns counted in characters */
	o.at = (struct text_place){1, 1, 0, false, input, len, NULL};
	o.link = link_hook;
	c.at = o.at;
	o.cite = &c;
	o.reserved = &theme_ids;
	struct md_result r;
	markdown_render(&o, input, len, &r);
	cite_resolve(&c);
	buf_add(html, r.html.p, r.html.len);
	markdown_result_free(&r);
	describe_notes(rest, &c);
	catch_diagnostics(rest);
	cite_ctx_free(&c);
}

/* }====== */

/* "# want" and "# got" blocks, each line shown as a TAP comment. */
static void show(const char *label, const char *s)
{
	printf("# %s:\n", label);
	struct buf e = BUF_INIT;
	encode(&e, s);
	const char *p = e.p;
	while (*p) {
		size_t n = strcspn(p, "\n");
		printf("#   |%.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	buf_free(&e);
}

int main(int argc, char **argv)
{
	bool actual = argc > 1 && !strcmp(argv[1], "--actual");
	const char *path = argc > 1 + actual ? argv[1 + actual] : "tests/spec/dialect.md";
	char *text;
	size_t len;
	if (file_read(path, &text, &len) != 0) {
		fprintf(stderr, "test_spec: cannot read %s\n", path);
		return 2;
	}
	/* --actual: the file goes to stdout, the TAP lines to stderr. */
	int file_fd = -1;
	if (actual) {
		fflush(stdout);
		file_fd = dup(1);
		dup2(2, 1);
	}
	markdown_init();
	/* The site's theme is the default one, next to tests/ as the examples' file is. */
	const struct tpl_dir theme = {"themes/default/templates", "themes/default/templates", "themes/default", "theme"};
	theme_ids.n = tpl_fixed_ids(&theme, 1, &theme_ids.ids);
	ok(theme_ids.n > 0, "the default theme's ids (tpl_fixed_ids: %zu)", theme_ids.n);
	struct vec lines = VEC_INIT;
	for (char *p = text, *end; p < text + len; p = end + 1) {
		end = memchr(p, '\n', (size_t)(text + len - p));
		if (!end)
			end = text + len;
		*end = '\0';
		vec_push(&lines, p);
	}
	struct buf out = BUF_INIT; /* --actual: the file again */
	char *section = xstrdup("");
	int number = 0;
	size_t i = 0;
	while (i < lines.n) {
		const char *l = lines.v[i];
		if (!strncmp(l, "## ", 3) || !strncmp(l, "### ", 4)) {
			free(section);
			section = xstrdup(l + strspn(l, "# "));
		}
		bool fence = !strncmp(l, FENCE " ", sizeof FENCE);
		const char *kind = fence ? l + sizeof FENCE : "";
		if (!fence || (strncmp(kind, "example", 7) && strcmp(kind, "references") && strcmp(kind, "pages"))) {
			buf_addf(&out, "%s\n", l);
			i++;
			continue;
		}
		/* a block: its lines up to the closing fence, with the '.' lines that split it */
		size_t start = i, close = i + 1, dots[2] = {0, 0}, ndots = 0;
		while (close < lines.n && strcmp(lines.v[close], FENCE)) {
			if (!strcmp(lines.v[close], ".") && ndots < 2)
				dots[ndots++] = close;
			close++;
		}
		if (close == lines.n) {
			ok(0, "%s:%zu: a block without its closing fence", path, start + 1);
			break;
		}
		struct buf body = BUF_INIT;
		for (size_t k = start + 1; k < close; k++)
			buf_addf(&body, "%s\n", (char *)lines.v[k]);
		if (!strcmp(kind, "references")) {
			bib = yml_parse("content/data/references.yaml", body.p, body.len, (int)start + 2);
			cite_refs_load(&refs, bib);
			struct buf d = BUF_INIT;
			catch_diagnostics(&d);
			ok(bib && !d.len, "%s:%zu: the bibliography loads", path, start + 1);
			if (d.len)
				show("diagnostics", d.p);
			buf_free(&d);
		} else if (!strcmp(kind, "pages")) {
			for (size_t k = start + 1; k < close; k++) {
				char src[512], dst[512];
				struct buf row = BUF_INIT; /* {U+0020} writes a space in a name */
				if (sscanf(lines.v[k], "%511s %511s", src, dst) == 2) {
					decode(&row, src, strlen(src));
					vec_push(&page_src, buf_detach(&row, NULL));
					decode(&row, dst, strlen(dst));
					vec_push(&page_out, buf_detach(&row, NULL));
				}
			}
			free(doc_src);
			doc_src = page_src.n ? xasprintf("content/%s", (char *)page_src.v[0]) : NULL;
			ok(page_src.n > 0, "%s:%zu: the pages table has the page the examples are on", path, start + 1);
		}
		buf_free(&body);
		if (strncmp(kind, "example", 7)) {
			for (size_t k = start; k <= close; k++)
				buf_addf(&out, "%s\n", (char *)lines.v[k]);
			i = close + 1;
			continue;
		}

		struct example ex = {.number = ++number, .line = (int)start + 1, .section = section};
		char *lang = NULL, *prefix = NULL;
		bool opts_ok = parse_options(&ex, kind + 7, &lang, &prefix);
		/* input: up to the first '.', expected HTML: to the second '.' or the fence, rest: after it */
		size_t in_end = ndots ? dots[0] : close, html_end = ndots > 1 ? dots[1] : close;
		struct buf input = BUF_INIT, want_html = BUF_INIT, want_rest = BUF_INIT;
		for (size_t k = start + 1; k < in_end; k++) {
			decode(&input, lines.v[k], strlen(lines.v[k]));
			buf_addc(&input, '\n');
		}
		for (size_t k = in_end + 1; k < html_end; k++) {
			decode(&want_html, lines.v[k], strlen(lines.v[k]));
			buf_addc(&want_html, '\n');
		}
		for (size_t k = html_end + 1; k < close; k++) {
			decode(&want_rest, lines.v[k], strlen(lines.v[k]));
			buf_addc(&want_rest, '\n');
		}
		struct buf got_html = BUF_INIT, got_rest = BUF_INIT;
		if (opts_ok && ndots && doc_src)
			render(&ex, input.p, input.len, &got_html, &got_rest);
		const char *name = ex.section[0] ? ex.section : "(no section)";
		if (!ndots || !opts_ok || !doc_src) {
			ok(0, "example %d (%s:%d, %s): %s", ex.number, path, ex.line, name,
			   !ndots ? "no '.' line after the Markdown" : !doc_src ? "no pages table before it" : ex.option_error);
		} else if (!actual) {
			bool same = got_html.len == want_html.len && !memcmp(got_html.p, want_html.p, got_html.len) &&
			            got_rest.len == want_rest.len && !memcmp(got_rest.p, want_rest.p, got_rest.len);
			ok(same, "example %d (%s:%d, %s)", ex.number, path, ex.line, name);
			if (!same) {
				show("markdown", input.p);
				show("want", want_html.p);
				if (want_rest.len)
					show("want notes and diagnostics", want_rest.p);
				show("got", got_html.p);
				if (got_rest.len)
					show("got notes and diagnostics", got_rest.p);
			}
		}
		/* the example again, with what vade gives now */
		for (size_t k = start; k < in_end; k++)
			buf_addf(&out, "%s\n", (char *)lines.v[k]);
		if (opts_ok && ndots && doc_src) {
			buf_adds(&out, ".\n");
			encode(&out, got_html.p);
			if (got_rest.len) {
				buf_adds(&out, ".\n");
				encode(&out, got_rest.p);
			}
		} else {
			for (size_t k = in_end; k < close; k++)
				buf_addf(&out, "%s\n", (char *)lines.v[k]);
		}
		buf_addf(&out, "%s\n", FENCE);
		buf_free(&input);
		buf_free(&want_html);
		buf_free(&want_rest);
		buf_free(&got_html);
		buf_free(&got_rest);
		free(lang);
		free(prefix);
		free(ex.option_error);
		i = close + 1;
	}
	ok(number > 0, "%s has examples (%d)", path, number);
	int rc = 0;
	if (actual) {
		/* The file ended without a newline: so does its copy. */
		if (len && text[len - 1] != '\n' && out.len)
			out.len--;
		FILE *f = fdopen(file_fd, "w");
		if (!f || fwrite(out.p, 1, out.len, f) != out.len || fclose(f) != 0)
			rc = 2;
		else
			rc = tap_failed ? 1 : 0;
	}
	buf_free(&out);
	free(section);
	vec_free(&lines);
	free(text);
	for (size_t k = 0; k < page_src.n; k++) {
		free(page_src.v[k]);
		free(page_out.v[k]);
	}
	vec_free(&page_src);
	vec_free(&page_out);
	free(doc_src);
	cite_refs_free(&refs);
	yml_free(bib);
	if (actual)
		return rc;
	return tap_done();
}
