/* Unit tests: the citation extension's syntax and the endnote positions. */
#include "cite.h"
#include "diag.h"
#include "markdown.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

static struct cite_refs refs;
static struct yml_doc *bib;

static void load_refs(void)
{
	const char *y = "- {id: alpha, title: A}\n- {id: beta, title: B}\n- {id: gamma, title: G}\n"
	                "- {id: nato-thb-policy-2004, title: P}\n- {id: smith-2011, title: S}\n"
	                "- {id: \"cafe\u0301-2011\", title: C}\n";
	bib = yml_parse("refs.yaml", y, strlen(y), 1);
	cite_refs_load(&refs, bib);
}

/* Renders s with citations; returns the HTML (caller frees) and leaves notes in c. */
static char *render(struct cite_ctx *c, const char *s)
{
	cite_ctx_init(c, &refs);
	c->src = "t.md";
	struct md_opts o = {.at = {1, 1, 0, false, NULL, 0, NULL}, .cite = c};
	struct md_result r;
	markdown_render(&o, s, strlen(s), &r);
	char *html = xstrdup(r.html.p);
	markdown_result_free(&r);
	cite_resolve(c);
	return html;
}

static const char *pos(struct cite_ctx *c, size_t note, size_t item)
{
	static const char *names[] = {"first", "ibid", "subsequent"};
	if (note >= c->nnotes || item >= c->notes[note].nitems)
		return "missing";
	return names[c->notes[note].items[item].position];
}

int main(void)
{
	load_refs();
	struct cite_ctx c;
	char *h;

	/* {====== syntax */
	h = render(&c, "One [@alpha].\n");
	ok(c.nnotes == 1 && !strcmp(c.notes[0].items[0].key, "alpha"), "[@key] is a note");
	ok(strstr(h, "One<sup class=\"cite\"><a href=\"#note-1\" id=\"note-ref-1\"") != NULL, "marker replaces the bracket and hugs the word");
	ok(!strstr(h, "[") && !strstr(h, "]"), "no bracket left over");
	free(h);
	cite_ctx_free(&c);

	/* every character that shows as nothing beside the syntax is a space (char_shows_nothing): U+034F,
	 * a Hangul filler, a tag, not only the bidirectional and zero width ones (helper-143) */
	h = render(&c, "One [\xcd\x8f@alpha\xe3\x85\xa4, at 5\xf3\xa0\x80\x81].\n");
	ok(c.nnotes == 1 && !strcmp(c.notes[0].items[0].key, "alpha") && !strcmp(c.notes[0].items[0].locator, "at 5"),
	   "a combining grapheme joiner, a Hangul filler and a tag beside the syntax read as spaces");
	free(h);
	cite_ctx_free(&c);

	h = render(&c, "x [see @alpha, at 289] y\n");
	ok(c.nnotes == 1 && !strcmp(c.notes[0].items[0].prefix, "see") && !strcmp(c.notes[0].items[0].locator, "at 289"),
	   "prefix and locator");
	free(h);
	cite_ctx_free(&c);

	h = render(&c, "x [@alpha; see @beta, at 5] y\n");
	ok(c.nnotes == 1 && c.notes[0].nitems == 2 && !strcmp(c.notes[0].items[1].key, "beta") &&
	   !strcmp(c.notes[0].items[1].prefix, "see") && !strcmp(c.notes[0].items[1].locator, "at 5"),
	   "several sources in one note");
	free(h);
	cite_ctx_free(&c);

	h = render(&c, "x [*see, e.g.,* @alpha] y\n");
	ok(c.nnotes == 1 && !strcmp(c.notes[0].items[0].prefix, "*see, e.g.,*") && !strstr(h, "<em>"),
	   "emphasis in a prefix goes into the note, not the text");
	free(h);
	cite_ctx_free(&c);

	h = render(&c, "code `[@alpha]` and\n\n    [@beta]\n\n```\n[@gamma]\n```\n");
	ok(c.nnotes == 0 && strstr(h, "<code>[@alpha]</code>"), "nothing in code spans or blocks is a citation");
	free(h);
	cite_ctx_free(&c);

	h = render(&c, "mail bob@example.org or [bob@example.org], \\[@alpha] and [@ alpha] and [@alpha and [x]\n");
	ok(c.nnotes == 0, "e-mail addresses, escaped brackets and broken patterns stay text (%zu notes)", c.nnotes);
	ok(strstr(h, "[@alpha]") && strstr(h, "[@ alpha]"), "they are rendered as written");
	free(h);
	cite_ctx_free(&c);

	h = render(&c, "A [link](https://example.org) then [@alpha] and a *[@beta]* inside emphasis.\n");
	ok(c.nnotes == 2 && strstr(h, "<a href=\"https://example.org\">link</a>") && strstr(h, "<em><sup"),
	   "citations next to links and inside emphasis");
	free(h);
	cite_ctx_free(&c);

	/* unknown key: an error at the citation with suggestions */
	fflush(stdout);
	int fds[2];
	if (pipe(fds) != 0)
		return 1;
	int saved = dup(2);
	dup2(fds[1], 2);
	close(fds[1]);
	h = render(&c, "Line one.\n\nText [see @alpah] here.\n");
	diag_flush();
	fflush(stderr);
	dup2(saved, 2);
	char msg[2048] = {0};
	if (read(fds[0], msg, sizeof msg - 1) < 0)
		return 1;
	ok(strstr(msg, "t.md:3:6: error: unknown source '@alpah' (did you mean 'alpha'?)") != NULL,
	   "unknown key reported at file:line:col with a suggestion");
	if (!strstr(msg, "did you mean"))
		printf("#   got: %s\n", msg);
	free(h);
	cite_ctx_free(&c);

	/* {====== positions */
	h = render(&c, "a [@alpha]. b [@alpha, at 3]. c [@beta]. d [@alpha, at 5]. e [@alpha].\n");
	ok(!strcmp(pos(&c, 0, 0), "first"), "first citation is in full");
	ok(!strcmp(pos(&c, 1, 0), "ibid"), "same source as the note before: Id. with a locator");
	ok(!strcmp(pos(&c, 2, 0), "first"), "another source: first");
	ok(!strcmp(pos(&c, 3, 0), "subsequent") && c.notes[3].items[0].first_note == 1,
	   "after an intervening source: supra note 1");
	ok(!strcmp(pos(&c, 4, 0), "subsequent") && c.notes[4].items[0].first_note == 1,
	   "no pinpoint after a pinpoint: supra, not a bare Id. that reads as the same page");
	ok(c.notes[0].items[0].short_used && !c.notes[2].items[0].short_used,
	   "hereinafter only for a source that is referred back to");
	free(h);
	cite_ctx_free(&c);

	h = render(&c, "a [@alpha, at 43]. b [@alpha, at 43]. c [@alpha, at 44]. d [@alpha]. e [@alpha]. "
	               "f [@beta, at 5; @beta]. g [@gamma; @gamma, at 5].\n");
	ok(!strcmp(pos(&c, 1, 0), "ibid"), "the same pinpoint again: Id. (with its pinpoint)");
	ok(!strcmp(pos(&c, 2, 0), "ibid"), "another pinpoint: Id. at 44");
	ok(!strcmp(pos(&c, 3, 0), "subsequent"), "no pinpoint after a pinpoint: supra");
	ok(!strcmp(pos(&c, 4, 0), "ibid"), "no pinpoint after no pinpoint: Id.");
	ok(!strcmp(pos(&c, 5, 1), "subsequent"), "within a note too: no pinpoint after a pinpoint is supra");
	ok(!strcmp(pos(&c, 6, 1), "ibid"), "within a note: a pinpoint after none is Id. at 5");
	free(h);
	cite_ctx_free(&c);

	h = render(&c, "a [@smith-2011, at 289]. b [@beta]. c [@smith-2011, at 290].\n");
	ok(!strcmp(pos(&c, 2, 0), "subsequent") && c.notes[2].items[0].first_note == 1 &&
	   !strcmp(c.notes[2].items[0].locator, "at 290"), "supra of a source first cited with a locator keeps its own locator");
	free(h);
	cite_ctx_free(&c);

	h = render(&c, "a [@alpha; @beta]. b [@beta]. c [@alpha]. d [@alpha, at 1; @alpha, at 2].\n");
	ok(!strcmp(pos(&c, 0, 0), "first") && !strcmp(pos(&c, 0, 1), "first"), "two sources in one note: both first");
	ok(!strcmp(pos(&c, 1, 0), "subsequent"), "not Id. after a note with several sources");
	ok(!strcmp(pos(&c, 2, 0), "subsequent"), "supra after an intervening note");
	ok(!strcmp(pos(&c, 3, 0), "ibid") && !strcmp(pos(&c, 3, 1), "ibid"),
	   "the same source twice in one note: id. within the note");
	free(h);
	cite_ctx_free(&c);

	/* numbering continues across texts of one document (a handbook) */
	cite_ctx_init(&c, &refs);
	struct md_opts o = {.at = {1, 1, 0, false, NULL, 0, NULL}, .cite = &c};
	struct md_result r;
	markdown_render(&o, "p1 [@alpha]\n", 12, &r);
	markdown_result_free(&r);
	markdown_render(&o, "p2 [@beta] [@alpha]\n", 20, &r);
	cite_resolve(&c);
	ok(c.nnotes == 3 && strstr(r.html.p, "#note-2") && strstr(r.html.p, "#note-3") &&
	   !strcmp(pos(&c, 2, 0), "subsequent"), "notes are numbered across texts of one document");
	markdown_result_free(&r);
	cite_ctx_free(&c);

	/* keys compare in NFC: the bibliography writes e + U+0301, the text é, then e + U+0301 */
	size_t e0 = diag_errors();
	h = render(&c, "x [@caf\u00e9-2011] y [@cafe\u0301-2011].\n");
	ok(diag_errors() == e0 && c.nnotes == 2 && !strcmp(c.notes[0].items[0].key, "caf\u00e9-2011") &&
	   !strcmp(pos(&c, 1, 0), "ibid"), "a key and the bibliography's id compare in NFC (%zu errors)", diag_errors() - e0);
	free(h);
	cite_ctx_free(&c);

	/* {====== bibliography checks */
	const char *bad = "- {id: a, title: A}\n- {id: a, title: B}\n- {id: c}\n- {id: d, title: D, issued: 2004}\n"
	                  "- {id: e, title: E, accessed: {date-parts: [[2021, 13, 7]]}}\n";
	struct yml_doc *bd = yml_parse("refs.yaml", bad, strlen(bad), 1);
	size_t before = diag_errors();
	struct cite_refs br;
	freopen("/dev/null", "w", stderr);
	cite_refs_load(&br, bd);
	ok(diag_errors() - before == 3, "duplicate id, missing title and a malformed date are errors; "
	   "issued: 2004 is an EDTF date (%zu)",
	   diag_errors() - before);
	diag_flush();
	cite_refs_free(&br);
	yml_free(bd);

	cite_refs_free(&refs);
	yml_free(bib);
	return tap_done();
}
