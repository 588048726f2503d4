/* test_resolve.c — the resolve stage on a small site written to a temporary folder:
 * text languages and fallbacks, output paths, link targets, anchors per
 * language, data overlays, the language of data texts and UI strings and
 * where data texts come from. */
#include "resolve.h"
#include "tap.h"
#include "util.h"

#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/vade-resolve-XXXXXX";

static void put(const char *rel, const char *text)
{
	char *p = path_join(dir, rel);
	file_write(p, text, strlen(text));
	free(p);
}

static const char *link_err(const struct resolved *r, const char *src, const char *url)
{
	static char msg[256];
	struct link_target t;
	char *err;
	if (resolve_link(r, src, url, &t, &err) == 0) {
		free(t.path);
		free(t.fragment);
		return "(resolved)";
	}
	snprintf(msg, sizeof msg, "%s", err);
	free(err);
	return msg;
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	put("content/site.yaml", "title: T\nlanguages:\n  - {code: en, name: English}\n  - {code: fr, name: Français}\n"
	                         "  - {code: ar, name: العربية, dir: rtl}\n");
	put("content/index.md", "# Home\n");
	put("content/guide/index.md", "# Guide\n\n## Rules\n\n## Sources in order\n\n## Who? What!\n\nSee [x](../a.md#rules).\n");
	put("content/guide/index.fr.md", "# Guide\n\n## Règles\n\n## Sources dans l'ordre\n\n## Qui ? Quoi !\n");
	put("content/a.md", "# A\n\ntext\n");
	put("content/a.fr.md", "# A fr\n");
	put("content/c.md", "# C\n\n## One\n\n## Two\n");
	put("content/c.fr.md", "# C\n\n## Deux\n");
	put("content/img/logo.png", "PNG");
	put("content/field notes.md", "# Field notes\n");
	put("content/café.md", "# Café\n");
	put("content/guides/index.md", "# Guides\n");
	put("content/guides/intro.md", "# Intro\n");
	put("content/cases/one.md", "# One\n");
	put("content/cases/two.md", "---\ntitle: Two\nnote: see [x](gone.md)\nmore: |\n   first\n   then [y](y.md)\n"
	                            "quoted:  'a [z](z.md)'\ntagged: !!str &t b [w](w.md)\nesc: \"c \\u00e9 [v](v.md)\"\n"
	                            "folded: d\n  [u](u.md)\nind: |1\n   e [t](t.md)\n---\nbody\n");
	put("content/cases/three.md", "---\ntitle: Three\nnote: see [x](gone.md)\n---\nbody\n");
	put("content/data/orgs.yaml", "- id: iom\n  name: IOM\n  note: \"see [@x]\"\n- id: 7\n  name: Seven\n");
	put("content/data/orgs.fr.yaml", "- id: iom\n  name: OIM\n  extra: oui\n- id: \"7\"\n  name: Sept\n");
	put("content/data/references.yaml", "- {id: x, title: X}\n");
	put("content/i18n/en.yaml", "only_en: Only in English\nsame: Same\n");
	put("content/i18n/fr.yaml", "same: Seven\n");
	struct site *s = site_load(dir, 1);
	ok(s != NULL, "the site loads");
	if (!s)
		return tap_done();
	struct resolved *r = resolve_site(s, NULL);
	const struct page *home = site_find(s, ""), *guide = site_find(s, "guide"), *a = site_find(s, "a");
	ok(home && guide && a, "pages found");

	/* translation groups and fallbacks */
	ok(resolve_has_text(r, a, 0) && resolve_has_text(r, a, 1) && !resolve_has_text(r, a, 2),
	   "a: own text in en and fr, not in ar");
	ok(resolve_text_lang(r, a, 2) == 0 && resolve_text_lang(r, a, 1) == 1, "a in ar shows the English text");
	is_str(resolve_output(r, a, 2), "ar/a/index.html", "output path of a fallback page");
	is_str(resolve_output(r, guide, 1), "fr/guide/index.html", "output path of a section");
	is_str(resolve_output(r, home, 0), "en/index.html", "output path of home");

	/* link targets */
	struct link_target t;
	char *err = NULL;
	ok(resolve_link(r, "content/guide/index.md", "../a.md#x", &t, &err) == 0 && t.kind == LINK_PAGE && t.page == a &&
	   t.fragment && !strcmp(t.fragment, "x"), "a relative link to a page, with its fragment");
	free(t.fragment);
	ok(resolve_link(r, "content/guide/index.md", "../a.fr.md", &t, &err) == 0 && t.page == a,
	   "a link to a translation's file names its page");
	ok(resolve_link(r, "content/a.md", "img/logo.png?v=1", &t, &err) == 0 && t.kind == LINK_RESOURCE &&
	   !strcmp(t.path, "img/logo.png") && !strcmp(t.rest, "?v=1"), "a resource, query kept");
	free(t.path);
	ok(resolve_link(r, "content/a.md", "#top", &t, &err) == 0 && t.kind == LINK_FRAGMENT, "a fragment");
	free(t.fragment);
	ok(resolve_link(r, NULL, "guide/index.md", &t, &err) == 0 && t.page == guide, "a data text links from content/");
	is_str(link_err(r, "content/a.md", "missing.md"), "link to a missing page 'missing.md'", "a missing page");
	is_str(link_err(r, "content/a.md", "nope.png"), "link to a missing file 'nope.png'", "a missing file");
	/* percent-encoded targets are decoded before lookup, as a browser does */
	const struct page *notes = site_find(s, "field notes"), *cafe = site_find(s, "café");
	ok(resolve_link(r, "content/a.md", "field%20notes.md", &t, &err) == 0 && t.page == notes && notes,
	   "field%%20notes.md is content/field notes.md");
	ok(resolve_link(r, "content/a.md", "caf%C3%A9.md#r%C3%A8gles", &t, &err) == 0 && t.page == cafe && cafe &&
	   !strcmp(t.fragment, "règles"), "UTF-8 escapes in the path and the fragment");
	free(t.fragment);
	ok(resolve_link(r, "content/a.md", "img/logo%2epng?v=%20", &t, &err) == 0 && t.kind == LINK_RESOURCE &&
	   !strcmp(t.path, "img/logo.png") && !strcmp(t.rest, "?v=%20"), "a resource: path decoded, query as written");
	free(t.path);
	is_str(link_err(r, "content/a.md", "caf%C3.md"), "link to a missing page 'caf%C3.md' (did you mean 'café.md'?)",
	       "an escape that makes invalid UTF-8 in a path: looked up as bytes (a legacy code page's name)");
	is_str(link_err(r, "content/a.md", "a.md#caf%C3"), "link 'a.md#caf%C3' has %-escapes that do not decode to UTF-8 text",
	       "an escape that makes invalid UTF-8 in a fragment");
	is_str(link_err(r, "content/a.md", "a%00.md"), "link 'a%00.md' has a %-escape of a NUL (%00)", "an escaped NUL");
	is_str(link_err(r, "content/a.md", "100%.md"), "link to a missing page '100%.md'", "a lone %% is kept as written");
	/* folders */
	const struct page *guides = site_find(s, "guides"), *cases = site_find(s, "cases");
	const char *folder_links[] = {"guides/", "guides", "./guides/", "guides/#part", "/guides", "guides/./"};
	for (size_t i = 0; i < sizeof folder_links / sizeof *folder_links; i++) {
		ok(resolve_link(r, "content/a.md", folder_links[i], &t, &err) == 0 && t.kind == LINK_PAGE && t.page == guides,
		   "'%s' is the folder's index page", folder_links[i]);
		free(t.fragment);
	}
	ok(resolve_link(r, "content/guides/intro.md", "../cases/", &t, &err) == 0 && t.page == cases && cases &&
	   cases->generated, "a folder without index.md: its listing page");
	ok(resolve_link(r, "content/guides/intro.md", "..", &t, &err) == 0 && t.page == home, "'..' to home");
	is_str(link_err(r, "content/a.md", "a"), "link to a missing file 'a' (did you mean 'a.md'?)",
	       "a page's name without .md is no folder: the file is named (helper-105)");
	/* suggestions */
	is_str(link_err(r, "content/a.md", "guides/intr.md"),
	       "link to a missing page 'guides/intr.md' (did you mean 'guides/intro.md'?)", "the nearest page");
	is_str(link_err(r, "content/guides/intro.md", "../case/"),
	       "link to a missing file '../case/' (did you mean '../cases/'?)", "the nearest folder, from the source");
	is_str(link_err(r, "content/guides/intro.md", "../img/logo.pgn"),
	       "link to a missing file '../img/logo.pgn' (did you mean '../img/logo.png'?)", "the nearest file");
	is_str(link_err(r, "content/a.md", "../../etc/passwd"), "link '../../etc/passwd' leads outside content/",
	       "a link out of content/");

	/* anchors per language: the heading at the same place in the translation */
	is_str(resolve_anchor(r, guide, 1, "rules"), "règles", "#rules in French is #règles");
	is_str(resolve_anchor(r, guide, 1, "sources-in-order"), "sources-dans-lordre", "second heading mapped");
	is_str(resolve_anchor(r, guide, 1, "who-what"), "qui-quoi",
	       "a French heading's id is made after French spacing, as rendered");
	is_str(resolve_anchor(r, guide, 2, "rules"), "rules", "no Arabic translation: the id stays");
	is_str(resolve_anchor(r, guide, 1, "nowhere"), "nowhere", "an id that is no heading stays");
	const struct page *cp = site_find(s, "c");
	ok(cp && resolve_anchor(r, cp, 1, "two") == NULL && resolve_anchor(r, cp, 1, "one") == NULL,
	   "no record and a heading fewer: no heading can be mapped (not the one at the same place)");

	/* data overlays */
	size_t orgs = 0;
	while (orgs < resolve_ndata(r) && strcmp(resolve_data_name(r, orgs), "orgs"))
		orgs++;
	ok(orgs < resolve_ndata(r), "data file orgs");
	const struct yml_node *en = resolve_data(r, orgs, 0), *fr = resolve_data(r, orgs, 1), *ar = resolve_data(r, orgs, 2);
	is_str(yml_str(yml_get(en->kids[0], "name")), "IOM", "English name kept in en");
	is_str(yml_str(yml_get(fr->kids[0], "name")), "OIM", "French name overlaid by id");
	is_str(yml_str(yml_get(fr->kids[0], "note")), "see [@x]", "untranslated field keeps the default");
	is_str(yml_str(yml_get(fr->kids[0], "extra")), "oui", "a field only the translation has is added");
	is_str(yml_str(yml_get(fr->kids[1], "name")), "Sept", "id: \"7\" finds id: 7: ids are matched by their text");
	ok(ar == en, "a language without a translation shares the default tree");

	/* the language of a data field or UI string, found by its text */
	ok(resolve_value_lang(r, "see [@x]", 1) == 0, "an untranslated field shown in French is English");
	ok(resolve_value_lang(r, "OIM", 1) == 1 && resolve_value_lang(r, "oui", 1) == 1, "translated fields are French");
	ok(resolve_value_lang(r, "IOM", 2) == 0 && resolve_value_lang(r, "IOM", 1) == 1,
	   "a field is English where it falls back, not where the translation replaced it");
	ok(resolve_value_lang(r, "Only in English", 1) == 0, "a UI string French lacks is English");
	ok(resolve_value_lang(r, "Seven", 1) == 1, "a text French has of its own is French, also where it falls back");
	ok(resolve_value_lang(r, "Seven", 2) == 0, "... and English where nothing says otherwise");
	ok(resolve_value_lang(r, "see [@x]", 0) == 0 && resolve_value_lang(r, "made up", 2) == 2,
	   "the default language's texts, and texts nobody wrote whole, are the reader's");

	/* where data texts come from */
	const char *src;
	struct text_place at = {0, 0, 0, false, NULL, 0, NULL};
	ok(resolve_text_origin(r, "see [@x]", NULL, 0, &src, &at) && !strcmp(src, "content/data/orgs.yaml") &&
	   at.line == 3 && at.col == 10, "a data text with a citation is found at its place (%d:%d)", at.line, at.col);
	ok(!resolve_text_origin(r, "nothing", NULL, 0, &src, &at), "other texts are not");
	/* a front matter text with a link, at the file's line (its front matter starts on line 2) */
	ok(resolve_text_origin(r, "see [x](gone.md)", "content/cases/two.md", 0, &src, &at) && !strcmp(src, "content/cases/two.md") &&
	   at.line == 3 && at.col == 7 && at.indent == 0, "a plain value with a link is found at its text (%d:%d)",
	   at.line, at.col);
	int line, col;
	diag_place(&at, 1, 5, &line, &col);
	ok(line == 3 && col == 11, "... and a place in it is the file's (%d:%d)", line, col);
	ok(resolve_text_origin(r, "a [z](z.md)", NULL, 0, &src, &at) && at.line == 7 && at.col == 11,
	   "a quoted value's text starts after its quote (%d:%d)", at.line, at.col);
	ok(resolve_text_origin(r, "first\nthen [y](y.md)\n", NULL, 0, &src, &at) && at.line == 5 && at.col == 4 && at.indent == 3,
	   "a block scalar's text starts on the line after '|', after its indentation (%d:%d +%d)", at.line, at.col,
	   at.indent);
	diag_place(&at, 2, 6, &line, &col);
	ok(line == 6 && col == 9, "... and each of its lines is indented (%d:%d)", line, col);
	ok(resolve_text_origin(r, "b [w](w.md)", NULL, 0, &src, &at) && at.line == 8 && at.col == 18 && !at.inexact,
	   "a value's text starts after its tag and anchor (%d:%d)", at.line, at.col);
	ok(resolve_text_origin(r, "c \u00e9 [v](v.md)", NULL, 0, &src, &at) && at.line == 9 && at.col == 7 && at.inexact,
	   "a quoted value with escapes is placed at its start, whatever the place in it (%d:%d)", at.line, at.col);
	diag_place(&at, 1, 6, &line, &col);
	ok(line == 9 && col == 7, "... (%d:%d)", line, col);
	ok(resolve_text_origin(r, "d [u](u.md)", NULL, 0, &src, &at) && at.line == 10 && at.col == 9 && at.inexact,
	   "so is a value folded over lines (%d:%d)", at.line, at.col);
	ok(resolve_text_origin(r, "  e [t](t.md)\n", NULL, 0, &src, &at) && at.line == 13 && at.inexact,
	   "and a block scalar with an indentation indicator (%d:%d)", at.line, at.col);
	ok(resolve_text_origin(r, "see [x](gone.md)", "content/cases/three.md", 0, &src, &at) &&
	   !strcmp(src, "content/cases/three.md") && at.line == 3,
	   "a text written alike in two files is the rendered page's own (%s:%d)", src, at.line);
	ok(resolve_text_origin(r, "see [x](gone.md)", "content/elsewhere.md", 0, &src, &at) &&
	   !strcmp(src, "content/cases/three.md"), "... else the first in file order (%s)", src);
	diag_place(&(struct text_place){0, 0, 0, false, NULL, 0, NULL}, 2, 6, &line, &col);
	ok(line == 0 && col == 0, "a text of no known place is placed at its file as a whole");

	/* The nearest name is advised as a link that names it (helper-77): what a destination reads
	 * otherwise as %XX written so, a first name with a ':' after "./". */
	{
		static const char *const cands[] = {"a b.md", "a%3Ab.md", "sub/d:e.md", "h#x.md", "q?(1).md", "sub/café-guide.md",
		                                    "t|u.md"};
		static const struct {
			const char *src, *path, *hint;
		} hints[] = {
		    {"content/index.md", "ab.md", "a%20b.md"},
		    {"content/sub/x.md", "ab.md", "../a%20b.md"},
		    {"content/index.md", "a3Ab.md", "a%253Ab.md"},
		    {"content/sub/x.md", "sub/d:f.md", "./d:e.md"},
		    {"content/index.md", "sub/d:f.md", "sub/d:e.md"},
		    {"content/index.md", "hx.md", "h%23x.md"},
		    {"content/index.md", "q(1).md", "q%3F%281%29.md"},
		    {"content/sub/x.md", "sub/cafe-guide.md", "café-guide.md"},
		    {"content/index.md", "tu.md", "t%7Cu.md"}, /* a '|' would end a table cell */
		};
		for (size_t k = 0; k < sizeof hints / sizeof *hints; k++) {
			char *hint = resolve_link_hint(hints[k].src, hints[k].path, cands, sizeof cands / sizeof *cands);
			ok(hint && !strcmp(hint, hints[k].hint), "'%s' from %s: did you mean '%s' (%s)", hints[k].path,
			   hints[k].src, hints[k].hint, hint ? hint : "none");
			free(hint);
		}
	}

	/* the same name in another case before the nearest by typos (helper-144) */
	{
		static const char *const cands[] = {"a.md", "b.md"};
		char *hint = resolve_link_hint("content/index.md", "B.md", cands, 2);
		ok(hint && !strcmp(hint, "b.md"), "'B.md' beside a.md and b.md: did you mean 'b.md' (%s)", hint ? hint : "none");
		free(hint);
	}

	resolve_free(r);
	site_free(s);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ok(0, "temporary folder removed");
	free(cmd);
	return tap_done();
}
