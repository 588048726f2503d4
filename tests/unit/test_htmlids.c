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
	diag_reset();
	return tap_done();
}
