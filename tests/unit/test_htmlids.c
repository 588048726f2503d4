/* Unit test: htmlids.h — the ids and in-page links of an output file, read
 * by libxml2's HTML parser. TAP. */
#include "diag.h"
#include "htmlids.h"
#include "tap.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Checks html; returns the errors it reported. */
static size_t errors(const char *html, struct html_ids *ids)
{
	size_t before = diag_errors();
	htmlids_check(html, strlen(html), "en/x/index.html", "content/x.md", ids);
	return diag_errors() - before;
}


/* {======= fragments read once (htmlids_fragment, htmlids_read_spans) */

/* What a read gave: its ids, text and messages, as one text. */
static char *read_result(const char *page, const struct html_span *spans, size_t nspans)
{
	struct html_ids ids;
	struct html_text text;
	fflush(stderr);
	diag_flush();
	FILE *tmp = tmpfile();
	int saved = dup(2);
	dup2(fileno(tmp), 2);
	if (spans)
		htmlids_read_spans(page, strlen(page), spans, nspans, "en/x/index.html", "content/x.md", &ids, NULL,
		                   &text);
	else
		htmlids_read(page, strlen(page), "en/x/index.html", "content/x.md", &ids, NULL, &text);
	diag_flush();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ids.n; i++)
		buf_addf(&b, "id %s\n", ids.v[i]);
	buf_addf(&b, "heads [%s]\nbody [%s]\n", text.heads.p, text.body.p);
	rewind(tmp);
	char line[512];
	while (fgets(line, sizeof line, tmp))
		buf_adds(&b, line);
	fclose(tmp);
	htmlids_free(&ids);
	html_text_free(&text);
	return buf_detach(&b, NULL);
}


/* A random fragment of HTML from a few tags, attributes and texts, closed or not: for the property that
 * what htmlids_fragment() accepts reads once as it reads whole. */
static unsigned long rnd_state = 12345;
static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(rnd_state >> 33) % n;
}

static void random_html(struct buf *b, int depth)
{
	static const char *const tags[] = {"ul", "li", "a", "p", "div", "span", "b", "table", "tr", "td", "em", "ol",
	                                   "section", "h2", "nav", "dl", "dt", "dd", "form", "select", "option", "main"};
	static const char *const atts[] = {"", " href=\"../x/\"", " class=\"c\"", " aria-current=\"page\"",
	                                   " href=\"#x\"", " id=\"x\"", " data-hash", " hidden", " name=\"x\""};
	static const char *const texts[] = {"word", " ", "\n", "A &amp; B", "&nbsp;", "<br>", "<img src=\"i.png\">",
	                                    "<!-- c -->", "x\ny"};
	int n = (int)rnd(4);
	for (int i = 0; i < n; i++) {
		if (depth > 5 || rnd(3) == 0) {
			buf_adds(b, texts[rnd(sizeof texts / sizeof *texts)]);
			continue;
		}
		const char *t = tags[rnd(sizeof tags / sizeof *tags)];
		buf_addf(b, "<%s%s>", t, atts[rnd(8) < 5 ? rnd(4) : rnd(sizeof atts / sizeof *atts)]);
		random_html(b, depth + 1);
		unsigned close = rnd(10);
		if (close < 8)
			buf_addf(b, "</%s>", t);
		else if (close == 8)
			buf_addf(b, "</%s>", tags[rnd(sizeof tags / sizeof *tags)]);
	}
}

/* Page ctx with "@" replaced by frag: whether reading frag once where it stands gives what reading the page
 * whole gives. *spans_used: how many places frag was read once at (0 when refused). */
static bool same_once(const char *ctx, const char *frag, size_t *spans_used)
{
	struct buf page = BUF_INIT;
	struct html_span sp[4];
	size_t n = 0;
	struct html_fragment f;
	bool accepted = htmlids_fragment(frag, strlen(frag), &f);
	for (const char *c = ctx; *c; c++)
		if (*c == '@') {
			if (accepted && n < 4)
				sp[n++] = (struct html_span){page.len, strlen(frag), f};
			buf_adds(&page, frag);
		} else {
			buf_addc(&page, *c);
		}
	char *whole = read_result(page.p, NULL, 0), *once = read_result(page.p, sp, n);
	bool same = !strcmp(whole, once);
	if (!same)
		printf("# page: %s\n# whole:\n%s# once:\n%s", page.p, whole, once);
	*spans_used = n;
	free(whole);
	free(once);
	buf_free(&page);
	return same;
}

/* }======= */

int main(void)
{
	htmlids_init();
	struct html_ids ids;
	ok(errors("<!doctype html><html><body><a href=\"#main\">skip</a><main id=\"main\"><h2 id=\"r%C3%A8gles\">x</h2>"
	          "<h2 id=\"règles\">R</h2><a href=\"#r%C3%A8gles\">r</a><a href=\"#\">top</a></main></body></html>",
	          &ids) == 0, "ids once, links to them (percent-encoded too), a bare '#': no error");
	ok(ids.n == 3 && !strcmp(ids.v[0], "main") && !strcmp(ids.v[1], "r%C3%A8gles") && !strcmp(ids.v[2], "règles"),
	   "the ids, sorted (%zu)", ids.n);
	htmlids_free(&ids);
	ok(errors("<main id=\"main\"><p id=\"main\">x</p><section><div id=\"main\"></div></section></main>", NULL) == 2,
	   "an id given three times: two errors");
	ok(errors("<nav><a href=\"#fn-1\">1</a></nav><section><li id=\"c1-fn-1\">n</li></section>", NULL) == 1,
	   "a link to no id of the file is an error");
	ok(errors("<p><a href=\"#a4\" data-hash>A4</a> <a href=\"#letter\" data-paper=\"letter\" data-hash>L</a></p>", NULL) == 0,
	   "links marked data-hash set a state: not checked");
	ok(errors("<p>text <b>unclosed <a href=\"#x\" id=\"x\">self</a>", NULL) == 0, "HTML the parser must recover from");
	ok(errors("<svg><g id=\"s\"></g></svg><a href=\"#s\">svg</a><template><p id=\"t\"></p></template>", NULL) == 0,
	   "ids in foreign elements count");
	/* An <a name> is an anchor (HTML, "find a potential indicated element"): Word's and old READMEs'. */
	ok(errors("<a name=\"legacy\"></a><A NAME=up></A><a href=\"#legacy\">l</a><a href=\"#up\">u</a>", &ids) == 0 &&
	   ids.n == 2 && !strcmp(ids.v[0], "legacy") && !strcmp(ids.v[1], "up"), "an <a name> is an anchor (%zu)", ids.n);
	htmlids_free(&ids);
	ok(errors("<a name=\"x\" id=\"x\"></a><h2 id=\"y\">Y</h2><a name=\"y\"></a><a href=\"#x\">x</a>", &ids) == 0 &&
	   ids.n == 2 && !strcmp(ids.v[0], "x") && !strcmp(ids.v[1], "y"), "an id and an a-name of one value: one anchor");
	htmlids_free(&ids);
	ok(errors("<a name=\"z\"></a><p><a name=\"z\"></a></p><a href=\"#z\">z</a>", NULL) == 0,
	   "an a-name given twice: no error (names were never checked; the theme and headings give none)");
	ok(errors("<span name=\"s\"></span><form name=\"f\"></form><a name=\"\"></a><a href=\"#s\">s</a>"
	          "<a href=\"#f\">f</a>", &ids) == 2 && ids.n == 0, "another element's name, an empty name: no anchor");
	htmlids_free(&ids);

	/* What the tree the parser once built gave, which the SAX reading keeps. */
	struct html_text text;
	const char *left = "<!doctype html><html><body><nav><a href=\"#s\">s</a></nav><main><nav id=\"toc\"><a "
	                   "href=\"#s\">s</a></nav><template><p id=\"t\">x</p></template><p data-nosearch id=\"n\">notice"
	                   "</p><h2 id=\"s\">S</h2></main><a href=\"#toc\">t</a><a href=\"#t\">t</a><a href=\"#n\">n</a>"
	                   "</body></html>";
	size_t before = diag_errors();
	htmlids_read(left, strlen(left), "en/x/index.html", "content/x.md", &ids, NULL, &text);
	ok(diag_errors() == before && ids.n == 4, "ids in left-out elements (nav, template, data-nosearch) count: %zu",
	   ids.n);
	ok(!strcmp(text.body.p, "S") && !strcmp(text.heads.p, "S"), "but their words are not the text: \"%s\"", text.body.p);
	htmlids_free(&ids);
	html_text_free(&text);
	const char *bad = "<!doctype html><html><body><main><p>One <b>two<p>three</b> four<h2>Head <i>it</main>"
	                  "<p>after</p></body></html>";
	htmlids_read(bad, strlen(bad), "en/x/index.html", "content/x.md", NULL, NULL, &text);
	ok(!strcmp(text.body.p, "One two three four Head it") && !strcmp(text.heads.p, "Head it"),
	   "text across malformed nesting, as the parser recovers it: \"%s\" / \"%s\"", text.body.p, text.heads.p);
	html_text_free(&text);
	const char *frag = "<main>a</main><p>b</p><main>c</main>";
	htmlids_read(frag, strlen(frag), "en/x/index.html", "content/x.md", NULL, NULL, &text);
	ok(!strcmp(text.body.p, "a b c"), "a fragment whose root is <main>: what follows went into it: \"%s\"",
	   text.body.p);
	html_text_free(&text);
	struct buf deep = BUF_INIT;
	buf_adds(&deep, "<!doctype html><html><body><main id=\"m\">");
	for (int i = 0; i < 300; i++)
		buf_adds(&deep, "<div>");
	buf_adds(&deep, "<p id=\"deep\">deep</p></main><a href=\"#nowhere\">x</a></body></html>");
	before = diag_errors();
	htmlids_read(deep.p, deep.len, "en/x/index.html", "content/x.md", &ids, NULL, &text);
	ok(diag_errors() == before && ids.n == 1 && !strcmp(text.body.p, ""),
	   "the parse ends at an element deeper than 256 open ones, as libxml2's tree builder ended it");
	htmlids_free(&ids);
	html_text_free(&text);
	buf_free(&deep);

	/* A section's navigation read once: refused unless reading it on each page could add or change nothing. */
	static const char nav[] = "\n<nav class=\"section\"><ul>\n<li><a href=\"../a/\" aria-current=\"page\">A &amp; B</a></li>\n"
	                          "<li><a href=\"../b/index.html#top\">B<br>b</a></li>\n</ul></nav>\n";
	struct html_fragment f;
	ok(htmlids_fragment(nav, strlen(nav), &f) && f.depth == 5 && !strcmp(f.root, "nav") && f.lead == 1 && f.trail == 1,
	   "a navigation of links is read once (depth %d, root %s)", f.depth, f.root);
	static const char *const refused[] = {
		"<nav><a id=\"x\" href=\"../x/\">x</a></nav>",            /* an id */
		"<nav><a id=\"\">x</a></nav>",                                /* even an empty one */
		"<nav><a href=\"#top\">top</a></nav>",                         /* an in-page link */
		"<nav><ul><li>a<li>b</ul></nav>",                              /* an element closed by the next */
		"<nav><p>a<div>b</div></p></nav>",                             /* a paragraph closed by a block */
		"<nav><ul><li>a</li></nav>",                                   /* closed by its parent's end tag */
		"<nav></div><a href=\"../x/\">x</a></nav>",                   /* an end tag without its element */
		"x<nav></nav>",                                                /* text beside it */
		"<nav></nav><!-- c -->",                                       /* a comment beside it */
		"<nav></nav><nav></nav>",                                      /* two elements */
		"<div><a href=\"../x/\">x</a></div>",                          /* a root whose text is searched */
		"<nav><main>m</main></nav>",                                   /* the search text's root inside */
		"<nav><ul><li>a</li></ul>",                                    /* never closed */
		"<nav data-vade-read-once><a href=\"../x/\">x</a></nav>",      /* the marker of the stand-in */
		"<nav><a href=\"../x/\"x=\"1\"\">x</a></nav>",                  /* a broken attribute */
		"<nav><a name=\"x\">x</a></nav>",                               /* an <a name>: an anchor */
		"",
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
		ok(!htmlids_fragment(refused[i], strlen(refused[i]), &f), "refused: %s", refused[i]);
	ok(htmlids_url_text("../a/index.html#x", 17) && htmlids_url_text("p&amp;q/", 8) && htmlids_url_text("", 0),
	   "links that stand as whole values");
	static const char *const not_url[] = {"#top", "../a b/", "x\"y", "x'y", "a<b", "a>b", "a`b", "a\tb", "&#35;nope",
	                                      "x/&#x23;z", "&amp"};
	for (size_t i = 0; i < sizeof not_url / sizeof *not_url; i++)
		ok(!htmlids_url_text(not_url[i], strlen(not_url[i])), "not a whole value: %s", not_url[i]);
	ok(htmlids_attr_text(" aria-current=\"page\"", 20) && htmlids_attr_text(" class=\"here now\" data-id=\"grid\"", 32) &&
	   htmlids_attr_text("", 0), "current() texts that are whole attributes");
	static const char *const not_attr[] = {" id=\"x\"", " ID=\"x\"", " href=\"#x\"", " href=\"../x/\"", "data-x=",
	                                       " a=\"x\" id", " name=\"x\"", " a=b", " a=\"x", " a=\"#x\"", " a=\"&#35;\"", "x\" c=d\"e",
	                                       "f=g\"h i=\"j", " data-vade-c0=\"\"", ".", "aria-current=\"page\"", " a=\"<\""};
	for (size_t i = 0; i < sizeof not_attr / sizeof *not_attr; i++)
		ok(!htmlids_attr_text(not_attr[i], strlen(not_attr[i])), "not whole attributes: %s", not_attr[i]);
	/* The same ids, text and messages (lines included) read once as read whole, wherever the fragment stands. */
	static const char *const places[] = {
		"<!doctype html><html><body><main id=\"m\">@<p id=\"x\">text</p><p id=\"x\">again</p>"
		"<a href=\"#gone\">gone</a></main></body></html>",
		"<main><p>intro @ after</p><h2 id=\"h\">Head</h2><a href=\"#nowhere\">n</a></main>",
		"<main><ul><li>@</li><li id=\"l\">next</li></ul></main>",
		"<main><table><tr><td>@</td><td id=\"t\">cell</td></tr></table></main>",
		"<main><div><span>x @</span> tail</div><p id=\"p\">p</p></main>",
		"@<main>after</main>",
		"<main>before</main>@",
		"<main>@<p>between</p>@<p id=\"z\">z</p><a href=\"#z\">z</a></main>",
		"<main><p>a <!-- @ --> b</p></main>",
		"<main><script>var a = '@';</script><p>after</p></main>",
		"<main><textarea>@</textarea><p id=\"after\">after</p></main>",
		/* where the stand-in would not be read as the element it is */
		"<main><div @>x</div><p id=\"p\">p</p><a href=\"#gone\">g</a></main>",
		"<main><div title=@>x</div><p id=\"p\">p</p></main>",
		"<main><p id=\"dup\">a</p><div id=\"dup\"\n@<p>z</p></main>",
		"<main><div id=\"dup\"@</div><p id=\"dup\">z</p></main>",
		"<main><nav @>x</nav><p id=\"p\">p</p>text</main>",
	};
	size_t used;
	for (size_t i = 0; i < sizeof places / sizeof *places; i++)
		ok(same_once(places[i], nav, &used) && used > 0, "read once as read whole: %s", places[i]);
	/* Deep: the fragment would pass the depth limit where it stands; the page is read whole. */
	struct buf deep2 = BUF_INIT;
	buf_adds(&deep2, "<main>");
	for (int i = 0; i < 254; i++)
		buf_adds(&deep2, "<div>");
	buf_adds(&deep2, "@<p id=\"after\">after</p></main>");
	ok(same_once(deep2.p, nav, &used), "a fragment past the depth limit where it stands: as read whole");
	buf_free(&deep2);
	/* A fragment as large as the tree builder's limit on a text node is read on each page. */
	struct buf big = BUF_INIT;
	buf_adds(&big, "<nav><b>");
	for (int i = 0; i < 2100000; i++)
		buf_adds(&big, "word ");
	buf_adds(&big, "</b></nav>");
	ok(!htmlids_fragment(big.p, big.len, &f), "a fragment of %zu bytes is refused", big.len);
	buf_free(&big);
	/* A refused fragment is read on the page, as ever. */
	ok(same_once("<main>@<p>x</p></main>", "<nav><ul><li>a<li id=\"b\">b</ul></nav>", &used) && used == 0,
	   "a refused fragment is read with its page");
	/* The property itself, on random fragments in random places: whatever is accepted reads once as whole. */
	size_t accepted = 0, agree = 0, tried = 4000;
	for (size_t i = 0; i < tried; i++) {
		struct buf fr = BUF_INIT, ctx = BUF_INIT;
		if (rnd(4))
			buf_adds(&fr, rnd(2) ? "\n" : "");
		buf_addf(&fr, "<nav%s>", rnd(2) ? " class=\"n\"" : "");
		random_html(&fr, 1);
		buf_adds(&fr, rnd(8) ? "</nav>" : "");
		if (rnd(2))
			buf_adds(&fr, "\n");
		random_html(&ctx, 0);
		buf_addc(&ctx, '@');
		random_html(&ctx, 0);
		if (rnd(3) == 0)
			buf_adds(&ctx, "<p id=\"x\">dup</p><p id=\"x\">dup</p><a href=\"#nowhere\">n</a>");
		struct html_fragment rf;
		if (htmlids_fragment(fr.p, fr.len, &rf)) {
			accepted++;
			agree += same_once(ctx.p, fr.p, &used);
		}
		buf_free(&fr);
		buf_free(&ctx);
	}
	ok(accepted > tried / 20 && agree == accepted, "random fragments: %zu of %zu accepted, each read once as read whole "
	   "(%zu)", accepted, tried, agree);
	diag_reset();
	return tap_done();
}
