/* Unit tests: a page cut into passages, their kinds, labels and bytes, digests. */
#include "passage.h"
#include "tap.h"

#include <stdlib.h>

static const char page[] =
	"---\n"
	"title: \"The title\"\n"
	"summary: A short summary\n"
	"---\n"
	"# Heading one\n"                            /* line 5 */
	"\n"
	"First paragraph\n"
	"wrapped over two lines.\n"
	"\n"
	"- item one\n"                               /* line 10 */
	"- item two\n"
	"  continued\n"
	"\n"
	"> quoted text\n"
	"> continued here\n"                         /* line 15 */
	"\n"
	"Setext heading\n"
	"--------------\n"
	"\n"
	"| a | b |\n"                                /* line 20 */
	"|---|---|\n"
	"| cell one | cell two |\n"
	"\n"
	"Last paragraph.\n";

/* A doc as site.c makes it: front matter parsed with file lines, the body after it. */
static void cut(struct passage_set *set, const char *text, struct doc *d)
{
	memset(d, 0, sizeof *d);
	d->body_line = 1;
	const char *end = strstr(text + 4, "\n---\n");
	if (!strncmp(text, "---\n", 4) && end) {
		d->fm_tree = yml_parse("t.md", text + 4, (size_t)(end + 1 - (text + 4)), 2);
		d->fm_text = xstrndup(text + 4, (size_t)(end + 1 - (text + 4)));
		d->fm_len = strlen(d->fm_text);
		d->body_off = (size_t)(end + 5 - text);
		for (const char *p = text; p < text + d->body_off; p++)
			d->body_line += *p == '\n';
	}
	passage_set_cut(set, d, xstrdup(text), strlen(text));
}

/* The passage's bytes in the file, as a string. */
static char *bytes(const struct passage_set *set, size_t i)
{
	return xstrndup(set->text + set->v[i].start, set->v[i].end - set->v[i].start);
}

static void check_bytes(const struct passage_set *set, size_t i, const char *want, const char *name)
{
	char *b = bytes(set, i);
	is_str(b, want, name);
	free(b);
}

int main(void)
{
	struct passage_set set;
	struct doc d;
	cut(&set, page, &d);
	static const char *const texts[] = {
		"The title", "A short summary", "Heading one", "First paragraph\nwrapped over two lines.",
		"item one", "item two\ncontinued", "quoted text\ncontinued here", "Setext heading",
		"a", "b", "cell one", "cell two", "Last paragraph.",
	};
	size_t want = sizeof texts / sizeof *texts;
	ok(set.n == want, "13 passages: title, summary, 2 headings, 5 paragraphs, 4 cells (got %zu)", set.n);
	for (size_t i = 0; i < want && i < set.n; i++) {
		char *name = xasprintf("the text of passage %zu", i);
		is_str(set.v[i].text, texts[i], name);
		free(name);
	}
	if (set.n == want) {
		ok(set.v[0].yaml && set.v[1].yaml && !set.v[2].yaml, "title and summary are front matter values");
		check_bytes(&set, 0, "\"The title\"", "the title's bytes are the YAML value with its quotes");
		check_bytes(&set, 2, "Heading one", "a heading's bytes leave out its '#' marks");
		check_bytes(&set, 7, "Setext heading", "a setext heading's bytes leave out its underline");
		check_bytes(&set, 6, "quoted text\n> continued here", "a quote's bytes keep the prefix the text drops");
		check_bytes(&set, 10, "cell one", "a cell's bytes leave out the spaces around it");
		ok(set.v[6].indent == 2 && set.v[5].indent == 2, "list item and quote continuation indent 2");
		const size_t li[] = {0, 2, 3, 6, 10};
		char *lb[5];
		for (int k = 0; k < 5; k++)
			lb[k] = passage_label(&set, li[k]);
		is_str(lb[0], "title", "the title's label");
		is_str(lb[1], "heading \xe2\x80\x9cHeading one\xe2\x80\x9d", "a heading's label");
		is_str(lb[2], "Heading one, paragraph 1: \xe2\x80\x9c" "First paragraph wrapped over two lines.\xe2\x80\x9d",
		       "a paragraph's label names its section and number, folded");
		is_str(lb[3], "Heading one, paragraph 4: \xe2\x80\x9cquoted text continued here\xe2\x80\x9d",
		       "list items and quotes count as paragraphs of the section");
		is_str(lb[4], "Setext heading, table cell 3: \xe2\x80\x9c" "cell one\xe2\x80\x9d",
		       "a cell's label counts from its heading");
		for (int k = 0; k < 5; k++)
			free(lb[k]);
		ok(set.v[2].line == 5 && set.v[4].line == 10 && set.v[10].line == 22, "file lines (%d, %d, %d)",
		   set.v[2].line, set.v[4].line, set.v[10].line);
		ok(set.v[3].digest == passage_digest(texts[3], strlen(texts[3])), "a passage's digest is its text's");
		ok(set.v[0].kind == PASSAGE_META && set.v[2].kind == PASSAGE_HEADING && set.v[3].kind == PASSAGE_PARAGRAPH &&
		   set.v[10].kind == PASSAGE_CELL, "each passage knows what it is: front matter, heading, paragraph, cell");
	}

	/* Lines that end in a lone CR, as cmark reads them (found by
	 * tests/fuzz/fuzz_markdown.c: positions were counted in '\n' lines only,
	 * so a passage's bytes lay past the end of the text). */
	struct passage_set cr;
	struct doc cd;
	const char *mac = "# Title\r\rOne\rtwo\r\r\r \f\n-";
	cut(&cr, mac, &cd);
	bool inside = true;
	for (size_t i = 0; i < cr.n; i++)
		inside &= cr.v[i].start <= cr.v[i].end && cr.v[i].end <= cr.len;
	ok(inside, "lone CRs: every passage lies within the text");
	ok(cr.n >= 2, "lone CRs: a heading and a paragraph at least (got %zu)", cr.n);
	if (cr.n >= 2) {
		check_bytes(&cr, 0, "Title", "lone CRs: the heading's bytes");
		check_bytes(&cr, 1, "One\rtwo", "lone CRs: the paragraph's bytes");
	}
	passage_set_free(&cr);

	/* An ATX heading's closing #s (CommonMark 4.2): only after a space or tab; "C#" keeps its '#'. */
	struct passage_set hs;
	struct doc hd;
	cut(&hs, "## Programming in C#\n\n## Languages C \\#\n\n## Price 5 \\##\n\n### Closed ###  \n\n"
	         "#\tTabbed\t##\n\n# foo#\n\n## Sharp # #\n", &hd);
	static const char *const want_h[] = {"Programming in C#", "Languages C \\#", "Price 5 \\##", "Closed", "Tabbed",
	                                     "foo#", "Sharp #"};
	ok(hs.n == 7, "seven headings (got %zu)", hs.n);
	for (size_t i = 0; i < hs.n && i < 7; i++)
		check_bytes(&hs, i, want_h[i], "a heading's bytes end where its closing sequence begins");
	passage_set_free(&hs);

	/* Digests: white space does not count, words do; the function is FNV-1a 64 (the status files depend on it). */
	const char *a = "Re-wrapping  a\nparagraph\tis not a change", *b = "  Re-wrapping a paragraph is not a change\n";
	ok(passage_digest(a, strlen(a)) == passage_digest(b, strlen(b)), "white space runs, leading and trailing, fold");
	ok(passage_digest("a b", 3) != passage_digest("ab", 2), "a space between words counts");
	ok(passage_digest("one text", 8) != passage_digest("another", 7), "different text, different digest");
	ok(passage_digest("Hello world", 11) == 0x2713f785a33764c7ULL, "FNV-1a 64 of \"Hello world\"");
	ok(passage_digest("", 0) == 0xcbf29ce484222325ULL, "the empty text is the FNV offset basis");

	char *ex = passage_excerpt("one two three four five six seven eight nine");
	is_str(ex, "\xe2\x80\x9cone two three four five six seven eight\xe2\x80\xa6\xe2\x80\x9d", "excerpt: eight words, then …");
	free(ex);

	passage_set_free(&set);
	yml_free(d.fm_tree);
	free(d.fm_text);

	/* A front matter whose tree was dropped (site_drop_front_matter) is parsed again from its
	 * text: the same passages, bytes and lines. */
	cut(&set, page, &d);
	struct passage_set again;
	yml_free(d.fm_tree);
	d.fm_tree = NULL;
	passage_set_cut(&again, &d, xstrdup(page), strlen(page));
	bool same = again.n == set.n;
	for (size_t i = 0; same && i < set.n; i++)
		same = !strcmp(again.v[i].text, set.v[i].text) && again.v[i].start == set.v[i].start &&
		       again.v[i].end == set.v[i].end && again.v[i].line == set.v[i].line && again.v[i].yaml == set.v[i].yaml;
	ok(same && set.v[0].yaml, "front matter passages from the text are those from the tree");
	struct yml_doc *fm = doc_front_matter(&d);
	ok(fm && fm != d.fm_tree && fm->root && yml_get(fm->root, "title") && yml_get(fm->root, "title")->line == 2,
	   "doc_front_matter parses the text again, with file lines");
	doc_front_matter_done(&d, fm);
	passage_set_free(&again);
	passage_set_free(&set);
	free(d.fm_text);

	/* Before any heading: a passage is labelled by its kind and number alone. */
	cut(&set, "Intro words here.\n\n| a |\n|---|\n| b |\n", &d);
	char *l0 = set.n == 3 ? passage_label(&set, 0) : NULL, *l2 = set.n == 3 ? passage_label(&set, 2) : NULL;
	is_str(l0, "paragraph 1: \xe2\x80\x9cIntro words here.\xe2\x80\x9d", "a paragraph before any heading");
	is_str(l2, "table cell 3: \xe2\x80\x9c" "b\xe2\x80\x9d", "a cell before any heading counts on from it");
	free(l0), free(l2);
	passage_set_free(&set);
	yml_free(d.fm_tree);
	free(d.fm_text);
	return tap_done();
}
