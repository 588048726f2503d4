/* Unit test: htmlids.h — the ids and in-page links of an output file, read
 * by libxml2's HTML parser. TAP. */
#include "diag.h"
#include "htmlids.h"
#include "tap.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Checks html; returns the errors it reported. */
static size_t errors(const char *html, struct html_ids *ids)
{
	size_t before = diag_errors();
	htmlids_check(html, strlen(html), "en/x/index.html", "content/x.md", ids);
	return diag_errors() - before;
}

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

	/* What the tree the parser once built gave, which the SAX reading keeps. */
	struct html_text text;
	const char *left = "<!doctype html><html><body><nav><a href=\"#s\">s</a></nav><main><nav id=\"toc\"><a "
	                   "href=\"#s\">s</a></nav><template><p id=\"t\">x</p></template><p data-nosearch id=\"n\">notice"
	                   "</p><h2 id=\"s\">S</h2></main><a href=\"#toc\">t</a><a href=\"#t\">t</a><a href=\"#n\">n</a>"
	                   "</body></html>";
	size_t before = diag_errors();
	htmlids_read(left, strlen(left), "en/x/index.html", "content/x.md", &ids, NULL, NULL, &text);
	ok(diag_errors() == before && ids.n == 4, "ids in left-out elements (nav, template, data-nosearch) count: %zu",
	   ids.n);
	ok(!strcmp(text.body.p, "S") && !strcmp(text.heads.p, "S"), "but their words are not the text: \"%s\"", text.body.p);
	htmlids_free(&ids);
	html_text_free(&text);
	const char *bad = "<!doctype html><html><body><main><p>One <b>two<p>three</b> four<h2>Head <i>it</main>"
	                  "<p>after</p></body></html>";
	htmlids_read(bad, strlen(bad), "en/x/index.html", "content/x.md", NULL, NULL, NULL, &text);
	ok(!strcmp(text.body.p, "One two three four Head it") && !strcmp(text.heads.p, "Head it"),
	   "text across malformed nesting, as the parser recovers it: \"%s\" / \"%s\"", text.body.p, text.heads.p);
	html_text_free(&text);
	const char *frag = "<main>a</main><p>b</p><main>c</main>";
	htmlids_read(frag, strlen(frag), "en/x/index.html", "content/x.md", NULL, NULL, NULL, &text);
	ok(!strcmp(text.body.p, "a b c"), "a fragment whose root is <main>: what follows went into it: \"%s\"",
	   text.body.p);
	html_text_free(&text);
	struct buf deep = BUF_INIT;
	buf_adds(&deep, "<!doctype html><html><body><main id=\"m\">");
	for (int i = 0; i < 300; i++)
		buf_adds(&deep, "<div>");
	buf_adds(&deep, "<p id=\"deep\">deep</p></main><a href=\"#nowhere\">x</a></body></html>");
	before = diag_errors();
	htmlids_read(deep.p, deep.len, "en/x/index.html", "content/x.md", &ids, NULL, NULL, &text);
	ok(diag_errors() == before && ids.n == 1 && !strcmp(text.body.p, ""),
	   "the parse ends at an element deeper than 256 open ones, as libxml2's tree builder ended it");
	htmlids_free(&ids);
	html_text_free(&text);
	buf_free(&deep);
	diag_reset();
	return tap_done();
}
