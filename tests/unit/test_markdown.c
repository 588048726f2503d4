/* Unit tests: heading ids, TOC, link hook, safety. */
#include "markdown.h"
#include "site.h"
#include "tap.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static char *slug(const char *s)
{
	struct buf b = BUF_INIT;
	markdown_slug(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

static char *md(const char *s, bool unsafe, struct md_result *r)
{
	struct md_opts o = {.unsafe_html = unsafe, .at = {1, 1, 0, false, NULL, 0, NULL}};
	markdown_render(&o, s, strlen(s), r);
	return r->html.p;
}

static int links_seen;
static char *hook(void *ctx, const char *url, bool image, int line, int col)
{
	(void)ctx;
	(void)image;
	links_seen++;
	return xasprintf("%s@%d:%d", url, line, col);
}

/* Renders text with strikethrough and an autolink RACE_PARSES times: how many lost either
 * (cmark-gfm's table of extension characters, github/cmark-gfm#176; markdown.c). */
enum { RACE_PARSES = 40000 };
static void *race(void *arg)
{
	(void)arg;
	size_t lost = 0;
	static const char text[] = "Some ~~struck~~ words, then www.example.org and more words.\n";
	for (int i = 0; i < RACE_PARSES; i++) {
		struct md_opts o = {.at = {1, 1, 0, false, NULL, 0, NULL}};
		struct md_result r;
		markdown_render(&o, text, sizeof text - 1, &r);
		lost += !strstr(r.html.p, "<del>struck</del>") || !strstr(r.html.p, "<a href=\"http://www.example.org\"");
		markdown_result_free(&r);
	}
	return (void *)lost;
}

int main(void)
{
	/* Two threads in cmark-gfm's inline pass at once, without vade's lock: nothing lost. */
	ok(markdown_parallel(), "cmark-gfm's parsers take vade's definition: the inline passes run in parallel");
	{
		pthread_t t[2];
		void *lost[2];
		for (int i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, race, NULL);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], &lost[i]);
		size_t n = (size_t)lost[0] + (size_t)lost[1];
		ok(n == 0, "%d parses on two threads: %zu lost their strikethrough or link", 2 * RACE_PARSES, n);
	}

	struct { const char *in, *out; } slugs[] = {
		{"Sources in order", "sources-in-order"},
		{"THB and smuggling: what is what?", "thb-and-smuggling-what-is-what"},
		{"Dos & don'ts", "dos--donts"},
		{"Élan vital", "élan-vital"},
		{"مكافحة الاتجار بالبشر", "مكافحة-الاتجار-بالبشر"},
		{"snake_case and-dash", "snake_case-and-dash"},
		{"ÀÉÎ", "àéî"},
		/* marks stay with their letters, as GitHub keeps them (glibc calls some punctuation) */
		{"टेस्ट हिंदी", "टेस्ट-हिंदी"},
		{"தமிழ் மொழி", "தமிழ்-மொழி"},
		{"ภาษาไทย์", "ภาษาไทย์"},
		{"العَرَبِيَّة", "العَرَبِيَّة"},
		{"An\xcc\x83o", "a\xc3\xb1o"}, /* NFD: in NFC, as a link typed either way */
		{"5 × 3 ≠ ½ — ok", "5--3--½--ok"},
	};
	for (size_t i = 0; i < sizeof slugs / sizeof *slugs; i++) {
		char *s = slug(slugs[i].in);
		is_str(s, slugs[i].out, slugs[i].in);
		free(s);
	}

	struct md_result r;
	/* GFM's task lists: a ballot box as text, no unnamed form control (helper-146) */
	md("- [ ] call\n- [x] done\n  - [X] nested\n\n1. [ ]\n   after\n\n- loose [ ] text\n\n  - [ ] loose item\n\n    more\n\n"
	   "> - [ ] quoted\n> - [ ]\n", false, &r);
	ok(strstr(r.html.p, "<li>\342\230\220 call</li>") && strstr(r.html.p, "<li>\342\230\221 done") &&
	   strstr(r.html.p, "<li>\342\230\221 nested</li>") && strstr(r.html.p, "<p>loose [ ] text</p>") &&
	   strstr(r.html.p, "<p>\342\230\220 loose item</p>") && strstr(r.html.p, "<li>\342\230\220 quoted</li>") &&
	   strstr(r.html.p, "<li>[ ]</li>") && !strstr(r.html.p, "<input"),
	   "task list items begin with a ballot box, empty or checked, and have no <input> (got %s)", r.html.p);
	markdown_result_free(&r);
	md("# Title\n\n## Part\n\n### Sub *em*\n\n## Part\n\n#### Deep\n", false, &r);
	ok(strstr(r.html.p, "<h2 id=\"part\">Part</h2>") != NULL, "h2 carries its id");
	ok(strstr(r.html.p, "<h2 id=\"part-1\">Part</h2>") != NULL, "repeated heading gets -1");
	ok(strstr(r.html.p, "<h3 id=\"sub-em\">Sub <em>em</em></h3>") != NULL, "inline markup kept inside headings");
	ok(r.ntoc == 3 && r.toc[1].level == 3 && !strcmp(r.toc[1].text, "Sub em"), "TOC has h2/h3 only, with plain text");
	markdown_result_free(&r);

	md("## Same\n\n## Same 1\n\n## Same\n\n## Same\n", false, &r);
	ok(r.ntoc == 4 && !strcmp(r.toc[0].id, "same") && !strcmp(r.toc[1].id, "same-1") &&
	   !strcmp(r.toc[2].id, "same-2") && !strcmp(r.toc[3].id, "same-3"),
	   "a suffix never collides with a heading that has it in its text (GitHub's slugger)");
	markdown_result_free(&r);

	/* A second "## fn": GitHub's fn-1 is a footnote id ("fn-*"): the loop that looked
	 * for a free suffix never ended (found by fuzzing). */
	md("## fn\n\n## fn\n\n## fn\n", false, &r);
	ok(r.ntoc == 3 && !strcmp(r.toc[0].id, "fn") && !strcmp(r.toc[1].id, "fn--1") && !strcmp(r.toc[2].id, "fn--2"),
	   "a heading whose suffixed ids are all reserved gets base--k, and the build ends");
	markdown_result_free(&r);

	struct md_opts o = {.at = {1, 1, 0, false, NULL, 0, NULL}, .drop_first_h1 = true};
	const char *t = "# The title\n\ntext\n";
	markdown_render(&o, t, strlen(t), &r);
	ok(!strstr(r.html.p, "The title"), "the first h1 is dropped when it became the title");
	markdown_result_free(&r);
	char *title = markdown_first_h1("intro\n\nSetext\n======\n", 22);
	is_str(title, "Setext", "first h1 found, setext too");
	free(title);
	title = markdown_first_h1("# Head<br>Line\n", 15);
	is_str(title, "Head Line", "a <br> in the heading is a space in its title (helper-101)");
	free(title);

	/* Titles and summaries: the body's typography, never Markdown. */
	struct { const char *in, *lang, *out; } ts[] = {
		{"Dos and don'ts", "en", "Dos and don\u2019ts"},
		{"The \"Palermo\" protocol -- 2000...", "en", "The \u201cPalermo\u201d protocol \u2013 2000\u2026"},
		{"# Not a heading", "en", "# Not a heading"},
		{"2011. A year, not a list", "en", "2011. A year, not a list"},
		{"- not an item", "en", "- not an item"},
		{"*not em* and `no code` <b>x</b> [no](link) a_b_c \\ & &amp;", "en",
		 "*not em* and `no code` <b>x</b> [no](link) a_b_c \\ & &amp;"},
		{"    four spaces", "en", "    four spaces"},
		{"Two\nlines\n===", "en", "Two lines ==="},
		{"Qu'est-ce que la traite ? \"Oui\"", "fr", "Qu\u2019est-ce que la traite\u202f? \u00ab\u202fOui\u202f\u00bb"},
		{"", "en", ""},
		{"\"Quoted\" at start", "en", "\u201cQuoted\u201d at start"},
		{"'Leaf' -- deep", "en", "\u2018Leaf\u2019 \u2013 deep"},
		{"-- dash at start -- mid", "en", "\u2013 dash at start \u2013 mid"},
		{"...and so on...", "en", "\u2026and so on\u2026"},
		{"Multi\n\nparagraph", "en", "Multi paragraph"},
		{"\"Citation\" : d\u00e9but", "fr", "\u00ab\u202fCitation\u202f\u00bb\u202f: d\u00e9but"},
		{"---", "en", "---"},
		{"* star", "en", "* star"},
		{"> quote", "en", "> quote"},
		/* a URL or code in a plain-text title: no mark inside a URL, nor a colon between letters
		 * or digits, is punctuation; a typo's mark still is */
		{"Guide : `x:y` et https://x.org/a?b=1 ou mailto:\u00e9lise@b.org! Oui!", "fr",
		 "Guide\u202f: `x:y` et https://x.org/a?b=1 ou mailto:\u00e9lise@b.org\u202f! Oui\u202f!"},
		{"A https://x.org/#!/p et http://[::1]:80/ puis a:\u00e9 \u00e9:a \u03a9:x 8:00", "fr",
		 "A https://x.org/#!/p et http://[::1]:80/ puis a:\u00e9 \u00e9:a \u03a9:x 8:00"},
		{"Attention!Danger, C'est \u00e7a?Non; 8:00?Oui www.x.org/?q;r WWW.X.org/a?b MAILTO:a@b.org?x", "fr",
		 "Attention\u202f!Danger, C\u2019est \u00e7a\u202f?Non\u202f; 8:00\u202f?Oui www.x.org/?q;r WWW.X.org/a?b MAILTO:a@b.org?x"},
		/* a mark glued inside a token, or after '<' */
		{"R\u00e9sum\u00e9 <?php : C:\\dir, a?b x!=y a;b <!-- x", "fr",
		 "R\u00e9sum\u00e9 <?php\u202f: C:\\dir, a?b x!=y a;b <!\u2013 x"},
	};
	/* A quote after a one-letter word joined to the next (Arabic و ب ل ف ك, Hebrew ו ה ש ב ל מ כ)
	 * opens, where cmark-gfm's flanking rules closed it (helper-148); in Hebrew a " between
	 * letters is the gershayim U+05F4 and a ' after a letter the geresh U+05F3, unless it
	 * closes a quotation. */
	struct { const char *in, *lang, *out; } pq[] = {
		{"قال و\"اقتباس\" ب\"كتاب\" و'مفرد'.", "ar", "قال و«اقتباس» ب«كتاب» و‘مفرد’."},
		{"و\"اقتباس\" في أول الجملة. ف\"لا\" ثم ل\"هم\" وك\"ذلك\"", "ar",
		 "و«اقتباس» في أول الجملة. ف«لا» ثم ل«هم» وك«ذلك»"},
		{"وب\"كتاب\" قال \"نعم\" هنا", "ar", "وب«كتاب» قال «نعم» هنا"},            /* two proclitics; a plain quotation */
		{"كتاب\" قال \"و\" ثم (و\"كتاب\")", "ar", "كتاب» قال «و» ثم (و«كتاب»)"}, /* closing after a word stays */
		{"وَ\"اقتباس\"", "ar", "وَ«اقتباس»"},                                            /* a vowel sign on the prefix */
		{"אמר ו\"ציטוט\" ה\"צבא\" ב\"בית\".", "he", "אמר ו“ציטוט” ה“צבא” ב“בית”."},
		{"ו\"ציטוט\" בתחילת משפט.", "he", "ו“ציטוט” בתחילת משפט."},
		{"צה\"ל וארה\"ב ו\"צה\"ל\" \"סוף\" מילה", "he", "צה״ל וארה״ב ו“צה״ל” “סוף” מילה"},
		{"ש\"ח 100 ואמר \"יקר\". ב\"ה", "he", "ש״ח 100 ואמר “יקר”. ב״ה"},          /* gershayim after a prefix letter */
		{"ג'ירפה וכו' ה'תשפ\"ד ו'מילה' 'ז'אן' NATO's", "he", "ג׳ירפה וכו׳ ה׳תשפ״ד ו‘מילה’ ‘ז׳אן’ NATO’s"},
		/* a later geresh or the outer quotation's end closes no quotation (helper-151):
		 * a year's geresh, an abbreviation at a quotation's end, a quoted two-letter word */
		{"בשנת ה'תשפ\"ד נכתב, וכו' ועוד.", "he", "בשנת ה׳תשפ״ד נכתב, וכו׳ ועוד."},
		{"הוא אמר: \"זה עולה 100 ש\"ח\".", "he", "הוא אמר: “זה עולה 100 ש״ח”."},
		{"ו\"לא\" ו'צה\"ל' ה'תש\"ח", "he", "ו“לא” ו‘צה״ל’ ה׳תש״ח"},
		{"צה\"ל ג'ירפה", "en", "צה”ל ג’ירפה"},                                       /* only Hebrew's typography sets them */
	};
	for (size_t i = 0; i < sizeof pq / sizeof *pq; i++) {
		char *got = markdown_typeset(pq[i].in, pq[i].lang);
		is_str(got, pq[i].out, pq[i].in);
		free(got);
	}

	for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
		char *got = markdown_typeset(ts[i].in, ts[i].lang);
		is_str(got, ts[i].out, ts[i].in);
		free(got);
	}

	/* French spacing after inline markup: the author's space before ; : ! ? is a narrow no-break space. */
	{
		struct md_opts fo = {.lang = "fr", .at = {1, 1, 0, false, NULL, 0, NULL}};
		const char *ft = "I **gras** : j ; C [lien](https://e.org/) ; G `code` ! E *x* ? K **b**: l **12**:30\n";
		markdown_render(&fo, ft, strlen(ft), &r);
		ok(strstr(r.html.p, "</strong>\u202f: j\u202f; C") && strstr(r.html.p, "</a>\u202f; G") &&
		   strstr(r.html.p, "</code>\u202f! E") && strstr(r.html.p, "</em>\u202f? K") &&
		   strstr(r.html.p, "<strong>b</strong>\u202f: l") && strstr(r.html.p, "<strong>12</strong>:30"),
		   "a space between inline markup and ; : ! ? becomes a narrow no-break space (got %s)", r.html.p);
		markdown_result_free(&r);
	}

	/* Right-to-left: a token written without spaces (a path, key=value, a hashtag) is one <bdi>
	 * with its marks, the leading ones too; the sentence's punctuation after it stays outside
	 * (helper-148: Chromium showed C:\Users cut at each '\' right to left). */
	{
		static const char *const tok[][2] = {
			{"\u0645\u0644\u0641 C:\\Users\\x\\doc.txt \u0647\u0646\u0627.", "<bdi>C:\\Users\\x\\doc.txt</bdi> \u0647\u0646\u0627.</p>"},
			{"\u0645 key=value.", "\u0645 <bdi>key=value</bdi>.</p>"},
			{"\u0645 /usr/local/bin, \u0645", "\u0645 <bdi>/usr/local/bin</bdi>, \u0645"},
			{"\u0645 #hashtag \u0648 @user \u0648 ~/x", "<bdi>#hashtag</bdi> \u0648 <bdi>@user</bdi> \u0648 <bdi>~/x</bdi>"},
			{"\u0645 \\\\\\\\srv\\share\\ \u0645", "\u0645 <bdi>\\\\srv\\share</bdi>\\ \u0645"},
			{"\u0645 https://x.org/a?b=1&c=2 \u0645", "\u0645 <a href=\"https://x.org/a?b=1&amp;c=2\"><bdi>https://x.org/a?b=1&amp;c=2</bdi></a> \u0645"},
			{"\u0645 q?lang=ar&x=1 \u0645", "\u0645 <bdi>q?lang=ar&amp;x=1</bdi> \u0645"},
			{"\u0648#tag \u0648/usr \u0645.NET \u0645 .NET", "\u0648<bdi>#tag</bdi> \u0648<bdi>/usr</bdi> \u0645.<bdi>NET</bdi> \u0645 <bdi>.NET</bdi>"},
			{"\u0645 C++? \u0645 x + y \u0645 a=b=", "<bdi>C++</bdi>? \u0645 <bdi>x</bdi> + <bdi>y</bdi> \u0645 <bdi>a=b</bdi>=</p>"},
			{"\u0645 see /usr/bin and #tag \u0645", "\u0645 <bdi>see /usr/bin and #tag</bdi> \u0645"},
		};
		for (size_t i = 0; i < sizeof tok / sizeof *tok; i++) {
			struct md_opts ro = {.lang = "ar", .rtl = true, .at = {1, 1, 0, false, NULL, 0, NULL}};
			markdown_render(&ro, tok[i][0], strlen(tok[i][0]), &r);
			ok(strstr(r.html.p, tok[i][1]) != NULL, "rtl token '%s' gives '%s' (got %s)", tok[i][0], tok[i][1], r.html.p);
			markdown_result_free(&r);
		}
	}

	md("<script>alert(1)</script>\n\nhi <b>x</b>\n", false, &r);
	ok(!strstr(r.html.p, "<script") && !strstr(r.html.p, "<b>"), "raw HTML omitted by default");
	markdown_result_free(&r);
	md("<script>alert(1)</script>\n\n<div>ok</div>\n", true, &r);
	ok(!strstr(r.html.p, "<script") && strstr(r.html.p, "<div>ok</div>"), "opt-in keeps HTML, tagfilter still stops script");
	markdown_result_free(&r);
	md("[a](javascript:alert(1)) [b](JAVASCRIPT:x) ![i](data:image/png;base64,AA) [d](data:text/html,x)\n", true, &r);
	ok(!strstr(r.html.p, "javascript") && !strstr(r.html.p, "JAVASCRIPT") && !strstr(r.html.p, "text/html") &&
	   strstr(r.html.p, "data:image/png"), "unsafe URLs dropped even with raw HTML allowed");
	ok(!strstr(r.html.p, "href=\"\"") && strstr(r.html.p, "<p>a b <img") && strstr(r.html.p, " d</p>"),
	   "a dropped link keeps its text and no <a> (got %s)", r.html.p);
	markdown_result_free(&r);

	o = (struct md_opts){.at = {10, 1, 0, false, NULL, 0, NULL}, .link = hook};
	t = "para\n\nsee [x](a.md#p) and <https://example.org> and [y](https://e.org)\n";
	markdown_render(&o, t, strlen(t), &r);
	ok(links_seen == 1 && strstr(r.html.p, "href=\"a.md#p@12:5\""), "relative links go through the hook with file positions");
	markdown_result_free(&r);

	md("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~s~~ www.example.org x[^1]\n\n[^1]: note\n", false, &r);
	ok(strstr(r.html.p, "<table>") && strstr(r.html.p, "<del>s</del>") && strstr(r.html.p, "href=\"http://www.example.org\"") &&
	   strstr(r.html.p, "footnote"), "GFM table, strikethrough, autolink and footnotes");
	markdown_result_free(&r);

	/* The text need not end in a NUL: each is put just before a page no one
	 * may read, so a read past its end stops the test (found by
	 * tests/fuzz/fuzz_markdown.c: the limits of markdown.h read a last line
	 * of blanks, or of '|' '-' ':' and blanks, past the end with strspn). */
	long pg = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(two != MAP_FAILED && mprotect(two + pg, (size_t)pg, PROT_NONE) == 0, "a page with a guard page after it");
	const char *const unterminated[] = {" ", "a\n \t", "| a |\n|-", "x\n\n  \t ", "|---|\n  "};
	for (size_t i = 0; two != MAP_FAILED && i < sizeof unterminated / sizeof *unterminated; i++) {
		size_t n = strlen(unterminated[i]);
		char *at = two + pg - n;
		memcpy(at, unterminated[i], n);
		markdown_render(&(struct md_opts){.at = {1, 1, 0, false, NULL, 0, NULL}}, at, n, &r);
		markdown_result_free(&r);
		char **ids;
		size_t nids = markdown_heading_ids(at, n, false, "en", NULL, &ids, NULL, NULL);
		for (size_t k = 0; k < nids; k++)
			free(ids[k]);
		free(ids);
		free(markdown_first_h1(at, n));
		ok(1, "text %zu without a NUL after it read within its length", i + 1);
	}
	if (two != MAP_FAILED)
		munmap(two, (size_t)pg * 2);

	/* The ids a page's headings get, as links into a translation find them (resolve.c): a citation
	 * is no part of one, as in markdown_render(), where it was (sources-palermo-protocol). */
	{
		const char *md = "## Sources [@palermo-protocol]\n\nText.\n\n| a |\n|---|\n| [@x] |\n\n## Next\n";
		char **ids;
		size_t nids = markdown_heading_ids(md, strlen(md), false, "en", NULL, &ids, NULL, NULL);
		ok(nids == 2 && !strcmp(ids[0], "sources") && !strcmp(ids[1], "next"), "a citation is no part of a heading's id: %s",
		   nids ? ids[0] : "(none)");
		for (size_t k = 0; k < nids; k++)
			free(ids[k]);
		free(ids);
		ok(diag_errors() == 0, "and listing the ids says nothing (the render reports the citation in a cell)");
	}

	/* A heading named as an id the theme gives passed over it; links to that name lead to the theme's
	 * element, from the page or from another (helper-149: resolve_heading_theirs). A footnote's id is no
	 * theme's: a link to #fn-1 may mean the note. */
	{
		char *fixed[] = {"main", "note-*"};
		const struct md_reserved theme = {fixed, 2};
		const char *md = "## Main\n\n## Note 1\n\n## Main 2\n\n## fn-1\n\n## Notes\n";
		char **ids, **theirs;
		size_t nids = markdown_heading_ids(md, strlen(md), false, "en", &theme, &ids, NULL, &theirs);
		ok(nids == 5 && !strcmp(ids[0], "main-1") && !strcmp(theirs[0], "main") && !strcmp(ids[1], "note-1-1") &&
		   !strcmp(theirs[1], "note-1") && !strcmp(ids[2], "main-2") && !theirs[2] && !strcmp(ids[3], "fn-1-1") &&
		   !theirs[3] && !strcmp(ids[4], "notes") && !theirs[4], "the theme's ids headings passed over: %s %s",
		   nids ? ids[0] : "(none)", nids && theirs[0] ? theirs[0] : "-");
		for (size_t k = 0; k < nids; k++) {
			free(ids[k]);
			free(theirs[k]);
		}
		free(ids);
		free(theirs);
	}

	/* Inputs whose cost grows with the square of their size are refused (an error, nothing rendered)
	 * past their limit, and what stays under it renders:
	 *   - at each link or image it closes, cmark-gfm walks back through the paragraph's emphasis
	 *     marks and quotes before it, and, for a link, the image openers still open: more than
	 *     MD_MAX_LINK_WORK steps in a text; closed images and links, however many, openers over
	 *     paragraphs, and what cmark-gfm never reads as syntax (code spans, "\!", autolinks, '_' in a
	 *     word) are fine;
	 *   - more than MD_MAX_TABLE_REREAD bytes of paragraphs read again for delimiter rows under a line
	 *     of another width;
	 *   - a table row of more than MD_MAX_TABLE_COLUMNS cells, a table or not: the header's, the
	 *     delimiter row's, a body row's; escaped '|' are a cell's text. */
	{
		static const struct {
			const char *head, *unit, *sep; /* head, unit n times (sep every 500), mid, a delimiter row's */
			int n;                         /* "|-" cols times, tail */
			const char *mid;
			int cols;
			const char *tail, *shows; /* what a rendered text shows */
			bool refused;
			const char *what;
		} cases[] = {
			{"", "![[]()", NULL, 7000, "", 0, "", "<p>", true, "7,000 \"![[]()\" in a paragraph (24,500,000 steps)"},
			{"", "![[]()", NULL, 5000, "", 0, "", "<p>", false, "5,000 (12,500,000 steps)"},
			{"", "![a](b.png) [c](d) ", NULL, 7000, "", 0, "", "<img", false, "7,000 closed images and links"},
			{"", "![[]()", "\n\n", 7000, "", 0, "", "</p>\n<p>", false, "7,000 over 14 paragraphs"},
			{"", "`![[]()` ", NULL, 7000, "", 0, "", "<p>", false, "7,000 in code spans"},
			{"", "\\![[]()", NULL, 7000, "", 0, "", "<p>", false, "7,000 with the '!' escaped"},
			{"", "<https://x.org/![[]()> ", NULL, 7000, "", 0, "", "<p>", false, "7,000 in autolinks"},
			{"", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true, "7,000 emphasis marks and links"},
			{"", "*a _b_ [c](d) ", "\n\n", 7000, "", 0, "", "<p>", false, "the same over 14 paragraphs"},
			{"", "snake_case_word [c](d) ", NULL, 7000, "", 0, "", "<p>", false,
			 "7,000 '_' inside words and links (no delimiters)"},
			{"", "a\n|-|-|\n", NULL, 2000, "", 0, "", "<p>", true,
			 "2,000 delimiter rows under lines of another width (16,000,000 bytes read again)"},
			{"", "a\n|-|-|\n", NULL, 300, "", 0, "", "<p>", false, "300 of them (360,000 bytes)"},
			{"", "|a|b|\n|-|-|\n\n", NULL, 2000, "", 0, "", "<table", false, "2,000 tables, each under its header"},
			{"", "|a", NULL, MD_MAX_TABLE_COLUMNS + 1, "", 0, "|\n|-|\n", "<table", true, "a header of 1,001 cells"},
			{"", "x|", NULL, MD_MAX_TABLE_COLUMNS + 2, "", 0, "\n|-|-|\n", "<p>", true,
			 "1,002 '|' above a delimiter row of another width"},
			{"|a|\n|-|\n|", "|", NULL, 3 * MD_MAX_TABLE_COLUMNS, "", 0, "\n", "<table", true, "a body row of 3,000 '|'"},
			{"|a|\n|-|\n|", "\\|", NULL, 3 * MD_MAX_TABLE_COLUMNS, "", 0, "x|\n", "<table", false,
			 "a body row of 3,000 escaped '|'"},
			{"", "|a", NULL, MD_MAX_TABLE_COLUMNS, "|\n", MD_MAX_TABLE_COLUMNS, "|\n", "<table", false,
			 "a table of 1,000 columns"},
			/* where the count cannot be sure of cmark-gfm's blocks, it counts more (helper-77) */
			{"    ```\n\n", "![[]()", NULL, 7000, "", 0, "", "<p>", true, "7,000 \"![[]()\" after an indented \"```\""},
			{"> ```\n\n", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true,
			 "emphasis and links after a fence that its blockquote ended"},
			{"````\n```\n````\n", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true, "after a fence closed by 4 '`', not 3"},
			{"~~~\n```\n~~~\n", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true, "after a fence closed by '~', not '`'"},
			{"```a`b\n", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true, "after \"```a`b\" (no fence)"},
			{"~~~\r~~~\n", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true,
			 "after a fence opened and closed on lines ended by a CR alone"},
			{"```\r\n", "x\"k\":\"v\",\r\n", NULL, 6000, "", 0, "```\r\n", "<pre", false,
			 "18,000 glued quotes in a fence of lines ended by CR LF"},
			{"<div>\n```\n</div>\n\n", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true, "after a \"```\" in raw HTML"},
			{"- a\n\n  ```\n  x\n```\n", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true,
			 "after a list item's fence and a \"```\" in the first column"},
			{"|a|\n|-|\n# h\n", "*a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines after a table a heading ended"},
			{"> |a|\n> |-|\n", "*a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines after a table its blockquote ended"},
			{"foo\n", "2. *a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines \"2. \" that continue a paragraph"},
			{"foo\n", "#x *a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines \"#x\" (no heading)"},
			{"- foo\n", "*a _b_ [c](d)\n==\n", NULL, 7000, "", 0, "", "<p>", true,
			 "lazy lines between lines \"==\" (no setext heading)"},
			/* helper-78 */
			{"h|h\n:-:-|-\n", "*a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines under a row that is no delimiter row"},
			{"a | b\n- | -\n", "*a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines under a list item like a delimiter row"},
			{"a \\\\| b\n-|-\n", "*a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines under a header with a backslash"},
			{"a|b\n-|-\n|\n", "*a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines after a row of '|' alone"},
			{"`\n` ", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true, "after a code span closed on the next line"},
			{"", "\u00a0_a [c](d) ", NULL, 7000, "", 0, "", "<p>", true, "'_' after a no-break space, and links"},
			{"", " *\va [c](d) ", NULL, 7000, "", 0, "", "<p>", true, "'*' before a vertical tab, and links"},
			{"", "\\\\![[]()", NULL, 7000, "", 0, "", "<p>", true, "7,000 \"![[]()\" after an escaped backslash"},
			{"", "a.a@", NULL, 50000, "", 0, "", "<p>", true, "a word of 50,000 \"a.a@\" (200,000 bytes, 1,000 of its 50,000 @ read on: helper-79)"},
			{"", "Write to name.surname@example.org. ", "\n", 7000, "", 0, "", "<p>", false, "7,000 e-mail addresses, 500 a line"},
			/* helper-80 */
			{"", "Write to name.surname@example.org. ", NULL, 7000, "", 0, "", "<p>", true,
			 "7,000 on one line (cmark-gfm copies the rest of the line for each: 226 MB)"},
			{"<a title=\"`\">", "*a _b_ [c](d) ", NULL, 7000, "`", 0, "", "<p>", true,
			 "after a '`' in a raw HTML attribute, up to a later '`'"},
			{"[x](x.md \"`\") ", "*a _b_ [c](d) ", NULL, 7000, "`", 0, "", "<p>", true, "after a '`' in a link's title"},
			{"[x](https://e.org/`) ", "*a _b_ [c](d) ", NULL, 7000, "`", 0, "", "<p>", true,
			 "after a '`' in a link's destination"},
			{"<div>\n>\n```\n\n", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true,
			 "after a \"```\" in raw HTML under a line of '>' alone"},
			{"- Archive\n", "\t- **[Post](https://example.org/p)** by *Ann*\n", NULL, 3200, "", 0, "", "<li>", false,
			 "3,200 list items a tab in, each with a link and emphasis"},
			{"1. Archive\n", "    1. **[Post](https://example.org/p)** by *Ann*\n", NULL, 3200, "", 0, "", "<li>", false,
			 "3,200 ordered items 4 spaces in"},
			{"- A\n  - B\n", "    - Smith (\"Paper\") 2020.\n", NULL, 6000, "", 0, "", "<li>", false,
			 "6,000 items with glued quotes, two levels in"},
			/* helper-83: the autolink extension's search for web addresses */
			{"", "http://a<", NULL, 30000, "", 0, "", "<p>", true, "30,000 \"http://a<\" (each read on to the line's end)"},
			{"", "<http://a", NULL, 50000, "", 0, "", "<p>", true, "50,000 \"<http://a\""},
			{"", "HTTPS://a<", NULL, 30000, "", 0, "", "<p>", true, "30,000 \"HTTPS://a<\""},
			{"", "ftp://a<", NULL, 30000, "", 0, "", "<p>", true, "30,000 \"ftp://a<\""},
			{"", "_www.", NULL, 20000, "", 0, "", "<p>", true, "20,000 \"_www.\" (each host read to the line's end)"},
			{"", "(www.a.b<", NULL, 30000, "", 0, "", "<p>", true, "30,000 \"(www.a.b<\""},
			{"> ", "*www.a.b<", NULL, 30000, "", 0, "", "<p>", true, "30,000 \"*www.a.b<\" in a blockquote"},
			{"www.a.bc", ")", NULL, 200000, "", 0, "", "<p>", true, "\"www.a.bc\" then 200,000 ')' (each counts the parentheses)"},
			{"http://a.b", ");", NULL, 100000, "", 0, "", "<p>", true, "\"http://a.b\" then 100,000 \");\""},
			{"", "ahttp://a<", NULL, 30000, "", 0, "", "<p>", false, "30,000 \"ahttp://a<\" (no scheme: a letter before it)"},
			{"", "awww.a.b<", NULL, 30000, "", 0, "", "<p>", false, "30,000 \"awww.a.b<\" (a letter before \"www.\")"},
			{"", "See https://example.org/p/1, and www.example.org/q_(r). ", NULL, 20000, "", 0, "", "<a href", false,
			 "40,000 web addresses on one line"},
			{"www.a.bc/", "(x)", NULL, 50000, ").", 0, "", "<a href", false, "a link of 50,000 \"(x)\" that ends in \").\""},
			/* helper-84: '\v' and '\f' are no spaces to the search for web addresses; '~' runs that find an
			 * opener of another length */
			{"", "\v_www.", NULL, 20000, "", 0, "", "<p>", true, "20,000 \"\\v_www.\""},
			{"", "_www.<\f", NULL, 30000, "", 0, "", "<p>", true, "30,000 \"_www.<\\f\""},
			{"", "(http://a<\v", NULL, 20000, "", 0, "", "<p>", true, "20,000 \"(http://a<\\v\""},
			{"~~a ", "a~ ", NULL, 30000, "", 0, "", "<p>", true, "\"~~a \" then 30,000 \"a~ \" (each walks back to \"~~\")"},
			{"~a ", "a~~ ", NULL, 30000, "", 0, "", "<p>", true, "\"~a \" then 30,000 \"a~~ \""},
			{"~~X ", "*~c* a~ ", NULL, 30000, "", 0, "", "<p>", true, "\"~~X \" then 30,000 \"*~c* a~ \" (the '*' pair takes \"~c\")"},
			{"~~\u00e9 ", "a~ ", NULL, 30000, "", 0, "", "<p>", true, "\"~~\u00e9 \" then 30,000 \"a~ \""},
			{"~~a ", "\u00e9~\u00a0", NULL, 30000, "", 0, "", "<p>", true, "\"~~a \" then 30,000 \"\u00e9~\u00a0\""},
			{"", "Some ~~old~~ new *text* with 'quotes' and ~~more struck~~ words. ", NULL, 3000, "", 0, "", "<del>", false,
			 "6,000 strikethroughs and 3,000 emphases in a paragraph"},
			{"", "~~a *b* c~~ ", NULL, 5000, "", 0, "", "<del>", false, "5,000 strikethroughs around emphasis"},
			{"", "x~ ", NULL, 100000, "", 0, "", "<p>", false, "100,000 \"x~ \" (no opener)"},
			{"~a ", "b~~c ", NULL, 40000, "", 0, "", "<p>", false, "\"~a \" then 40,000 \"b~~c \""},
			/* helper-87: a pair made across a tilde of the other length takes it away; what is left of
			 * a run of more than 100 '~' */
			{"~a ", "~a ~~b a~b a~~ ", NULL, 20000, "", 0, "", "<p>", true,
			 "\"~a \" then 20,000 \"~a ~~b a~b a~~ \" (\"a~b\" pairs past \"~~b\")"},
			{"~~a *a *a *a *a *a *a *a *a *a ", "a~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ",
			 NULL, 8000, "", 0, "", "<p>", true, "8,000 runs of 101 '~' after emphasis marks"},
			{"", "~~_old_~~ new. ", NULL, 4300, "", 0, "", "<del>", false, "4,300 \"~~_old_~~\" in a paragraph"},
			{"", "Quelques ~~vieux~~ mots *neufs* et ~~d\u00e9j\u00e0 barr\u00e9s~~ ici. ", NULL, 2000, "", 0, "", "<del>",
			 false, "4,000 strikethroughs in French words"},
			{"", "\u0646\u0635 ~~\u0642\u062f\u064a\u0645~~ \u0648 *\u062c\u062f\u064a\u062f* ", NULL, 2000, "", 0, "",
			 "<del>", false, "2,000 strikethroughs in Arabic words"},
			{"\"x ", "~~a ~b a~~ c~ ", NULL, 20000, "", 0, "", "<p>", false, "20,000 \"~~a ~b a~~ c~ \" (\"~b\" stops each look)"},
			{"~~a ", "a~b ", NULL, 60000, "", 0, "", "<p>", false, "\"~~a \" then 60,000 \"a~b \" (pairs of them)"},
			/* helper-88: '~' in what may be raw HTML, a code span, an autolink, a link's text or
			 * destination is sure neither to open nor to close; inside a code span or autolink the scan
			 * passes over, it is counted all the same */
			{"x `\n<http://a`~~a", "a~.", NULL, 25000, ">", 0, "", "<p>", true,
			 "a backtick on a line before, then '~' in an autolink it takes apart"},
			{"| a | b |\n|---|---|\n| `a| ~~a", "a~.", NULL, 20000, "` |", 0, "", "<table", true,
			 "'~' in a code span a table cell's '|' takes apart"},
			{"www.a.com/` ~~a", "a~.", NULL, 20000, " `", 0, "", "<p>", true,
			 "'~' in a code span the autolink extension takes apart"},
			{"", "Item ~~old~~ with [a link](x.md), `code` and <b>bold</b>.\n", NULL, 1500, "", 0, "", "<del>", false,
			 "1,500 lines of one paragraph, each with a strikethrough, a link, code and HTML"},
			/* helper-89: a '>' after 4 spaces or a tab is text on a paragraph's lazy line, not a quote's marker */
			{"~~a\n", "    >~\n", NULL, 20000, "", 0, "", "<p>", true, "\"~~a\" then 20,000 lines \"    >~\""},
			{"~~a\n", "\t>~\n", NULL, 20000, "", 0, "", "<p>", true, "\"~~a\" then 20,000 lines \"<tab>>~\""},
			{"> ~~a\n", ">     >~\n", NULL, 20000, "", 0, "", "<p>", true, "the same in a block quote"},
			{"", "> Quote line ~~old~~ with *emphasis* and \"quotes\".\n", NULL, 3000, "", 0, "", "<del>", false,
			 "3,000 quoted lines of one paragraph with a strikethrough each"},
			{"- a\n  b\n", "\t- *a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "items after an item's lazy line"},
			{"- ```\n", "\t- *a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "items under an item that opens a fence"},
			{"- a\n", "\t2. *a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true,
			 "\"2.\" lines under an item (they cannot interrupt its paragraph)"},
			{"- a\n", "         - *a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines 9 spaces in under an item"},
			{"Page | Notes\n--- | ---\n", "[Page](https://example.org/p) | see *item* and _more_\n", NULL, 5000, "", 0, "",
			 "<table", false, "a table without outer pipes of 5,000 rows that start with a link"},
			{"a | b\n--- | ---\n", "[^x] | *a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true,
			 "rows that may start a footnote definition"},
			{"| Option | Meaning |\n|---|---|\n", "| `--opt` | Sets *it*, see [docs](d) |\n", NULL, 7000, "", 0, "",
			 "<table", false, "a table of 7,000 rows that start with a code span"},
			{"foo\n", "*a _b_ [c](d)\n    >\n", NULL, 7000, "", 0, "", "<p>", true,
			 "lines between lines \"    >\" (no blockquote, no blank line)"},
			{"<span>x</span>\n```\ncode\n\n```\n", "*a _b_ [c](d) ", NULL, 7000, "", 0, "", "<p>", true,
			 "after a fence under a line of raw HTML, closed after a blank line"},
			{"foo\n", "    - *a _b_ [c](d)\n", NULL, 7000, "", 0, "", "<p>", true, "lines \"    - \" (no list item)"},
			{"- a\n\n  ```\n  x\n  ```\n\n```\n", "x\"k\":\"v\",\n", NULL, 6000, "", 0, "```\n", "<pre", false,
			 "18,000 glued quotes in a fence after a list item's fence"},
			{"|a|b|\n|-|-|\n", "| *x* | [l](d) |\n", NULL, 7000, "", 0, "", "<table", false,
			 "a table of 7,000 rows with emphasis and links"},
			{"", "- *x* _y_ [l](d)\n", NULL, 7000, "", 0, "", "<li>", false, "a list of 7,000 items with emphasis and links"},
			/* helper-94: a delimiter's neighbour beyond ASCII is what libcmark-gfm's own tests make of it:
			 * an emoji or a symbol is neither space nor punctuation, CJK brackets and commas are
			 * punctuation, '_' between CJK letters is inside a word; the same kinds refused stay refused */
			{"", "~~\U0001F600\U0001F44D\U0001F3FD~~ ", NULL, 5000, "", 0, "", "<del>", false,
			 "5,000 strikethroughs of emoji"},
			{"", "~~\u300c\u65e7\u300d~~\u65b0\u3001", NULL, 8000, "", 0, "", "<del>", false,
			 "8,000 strikethroughs of CJK words in brackets"},
			{"", "~~\u2705 task~~\n", NULL, 8000, "", 0, "", "<del>", false,
			 "8,000 lines of one paragraph, each a struck task with a check mark"},
			{"", "\u2192~~\u00a9 a~~\u2192 ", NULL, 8000, "", 0, "", "<del>", false,
			 "8,000 strikethroughs between arrows and symbols"},
			{"", "\u4e2d_\u6587[x](y)", NULL, 8000, "", 0, "", "<a href", false,
			 "8,000 links after '_' between CJK letters"},
			{"", "l'\u00e9t\u00e9 d'\u00e9t\u00e9 ", NULL, 6000, "", 0, "", "l\u2019\u00e9t\u00e9", false,
			 "12,000 apostrophes before accented letters in a paragraph"},
			/* smart punctuation: each closing quote walks back to the nearest opening one, which stays on
			 * the stack, so one opener then many closers is quadratic; closers without an opener are not
			 * (each raises the bottom of the next search) */
			{"\"a", "x\".", NULL, 10000, "", 0, "", "<p>", true, "'\"a' then 10,000 'x\".' (50 million steps back)"},
			{"\"a", "x\".", NULL, 4000, "", 0, "", "<p>", false, "'\"a' then 4,000 'x\".' (8 million)"},
			{"", "x\".", NULL, 100000, "", 0, "", "<p>", false, "100,000 'x\".' without an opening quote"},
			{"", "don't ", NULL, 100000, "", 0, "", "<p>", false, "100,000 apostrophes in words"},
			{"'", "don't ", NULL, 20000, "", 0, "", "<p>", true, "\"'\" then 20,000 apostrophes in words"},
			/* helper-98: no sure opener after ')' or ']', in a link's text, or before a run that may close
			 * a pair (which takes it away): the closers walk on to the first */
			{"'x *a *a *a *a *a *a *a *a *a *a )'b ", "b'b ", NULL, 40000, "", 0, "", "<p>", true,
			 "\"'x\", emphasis openers, \")'b\" then 40,000 apostrophes"},
			{"'x *a *a *a *a *a *a *a *a *a *a *'b* ", "b'b ", NULL, 40000, "", 0, "", "<p>", true,
			 "the same after \"*'b*\""},
			{"'x *a *a *a *a *a *a *a *a *a *a [x 'b](https://e.org) ", "b'b ", NULL, 40000, "", 0, "", "<p>", true,
			 "the same after a quote in a link's text"},
			{"", "He said \"yes\" and 'no', it's fine. ", NULL, 30000, "", 0, "", "<p>", false,
			 "30,000 sentences with quoted words and apostrophes"},
			/* helper-99: emphasis that opens after the quote pairs above it, and leaves it in place */
			{"", "'tel' l'*\u00e9t\u00e9* c'est\n", NULL, 6000, "", 0, "", "<em>", false,
			 "6,000 lines of one paragraph with a quoted word and emphasis after an apostrophe"},
			{"", "a 'word' don'*t* it's\n", NULL, 6000, "", 0, "", "<em>", false, "the same in English"},
			/* helper-95: once a quote may open, each later closer walks back to it (the opener stays) */
			{"'", "\u00e9'\u00e9 ", NULL, 40000, "", 0, "", "<p>", true, "\"'\" then 40,000 apostrophes in accented words"},
			{"'", "a'b ", NULL, 40000, "", 0, "", "<p>", true, "\"'\" then 40,000 apostrophes in ASCII words"},
			{"\"a ", "a\" ", NULL, 40000, "", 0, "", "<p>", true, "'\"a ' then 40,000 closers before a space"},
			{"'", "\u4e2d'\u6587\n", NULL, 20000, "", 0, "", "<p>", true, "\"'\" then 20,000 lines with an apostrophe"},
			{"", "Don't say 'never' here; it's l'\u00e9t\u00e9 ", NULL, 1500, "", 0, "", "<p>", false,
			 "1,500 sentences with quoted words and apostrophes"},
			{"", "\u00e9_\u00e8[x](y)", NULL, 8000, "", 0, "", "<a href", false,
			 "8,000 links after '_' between accented letters"},
			{"~~\u4e2d ", "\u6587~\u3000", NULL, 30000, "", 0, "", "<p>", true,
			 "\"~~\u4e2d \" then 30,000 \"\u6587~<ideographic space>\" (each walks back to \"~~\")"},
			{"~~\U0001F600 ", "\U0001F600~ ", NULL, 30000, "", 0, "", "<p>", true,
			 "\"~~<emoji> \" then 30,000 \"<emoji>~ \""},
			/* helper-95 D: a pair frees the mark where a closer's last vain look down began, and the next
			 * vain closer looks down through every quote still open (cmark-gfm: 1.2 s for 30,000) */
			{"1(\u00d7", " '~*", NULL, 30000, "", 0, "", "<p>", true, "\" '~*\" 30,000 times ('*' closers that never open)"},
			{"1(\u00d7", " '_*", NULL, 30000, "", 0, "", "<p>", true, "\" '_*\" 30,000 times"},
			{"1(\u00d7", " \"~*", NULL, 30000, "", 0, "", "<p>", true, "\" \"~*\" 30,000 times"},
			{"1(\u00d7", " '**_", NULL, 30000, "", 0, "", "<p>", true, "\" '**_\" 30,000 times"},
			{"", "*a* don't\n", NULL, 8000, "", 0, "", "<em>", false, "8,000 lines of emphasis and an apostrophe"},
			{"", "He said \"yes\", it's *fine* and _good_.\n", NULL, 8000, "", 0, "", "<em>", false,
			 "8,000 lines with a quoted word, an apostrophe and two pairs of emphasis"},
			{"", "*(optional)*, it's **\"bold\"**: ~~x~~\n", NULL, 8000, "", 0, "", "<del>", false,
			 "8,000 lines of emphasis between punctuation, quotes and strikethrough"},
			/* helper-100: runs between letters pair as cmark-gfm pairs them, past those the
			 * multiple-of-3 rule passes over */
			{"", "The area is r**2 * pi, the volume 4/3 * pi * r**3; x**y isn't x^y.\n", NULL, 8000, "", 0, "",
			 "<strong>", false, "8,000 lines of exponents and an apostrophe"},
			{"", "Use *args and **kwargs; the glob **/*.md matches file_name_1.md and it's fine.\n", NULL, 8000, "",
			 0, "", "<em>", false, "8,000 lines of *args, **kwargs and globs"},
			{"a ", "_]", NULL, 50000, "", 0, "", "<p>", false, "50,000 \"_]\" (no link closes)"},
			/* helper-103: a code span closed on its line leaves the tildes after it sure */
			{"", "The *quick* brown fox's **tail** isn't `code()` and ~~old~~ text.\n", NULL, 3000, "", 0, "", "<del>",
			 false, "3,000 lines of emphasis, a code span and strikethrough"},
			{"**a **a **a **a **a **a **a **a **a **a ", ".*. ", NULL, 50000, "", 0, "", "<em>", false,
			 "'**' openers then 50,000 '*' that pair with each other past them"},
		};
		for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
			struct buf txt = BUF_INIT;
			buf_adds(&txt, cases[k].head);
			for (int i = 0; i < cases[k].n; i++) {
				if (cases[k].sep && i && i % 500 == 0)
					buf_adds(&txt, cases[k].sep);
				buf_adds(&txt, cases[k].unit);
			}
			buf_adds(&txt, cases[k].mid);
			for (int i = 0; i < cases[k].cols; i++)
				buf_adds(&txt, "|-");
			buf_adds(&txt, cases[k].tail);
			size_t e0 = diag_errors();
			md(txt.p, false, &r);
			bool refused = diag_errors() == e0 + 1 && !strstr(r.html.p, cases[k].shows);
			bool rendered = diag_errors() == e0 && strstr(r.html.p, cases[k].shows);
			ok(cases[k].refused ? refused : rendered, "%s: %s", cases[k].what,
			   cases[k].refused ? "an error, nothing rendered" : "rendered");
			markdown_result_free(&r);
			buf_free(&txt);
		}
	}

	/* Hugo's shortcodes, template actions and Liquid tags in prose are published as text: one warning a
	 * kind in a text, at its first; none in code, for closers, or for a bare "{{x}}" (a placeholder as
	 * likely) */
	{
		static const struct {
			const char *text;
			size_t warns;
		} sc[] = {
		    {"See {{< figure src=\"a.png\" >}} and {{% notice info %}}x{{% /notice %}}.\n\n- {{<relref \"x.md\">}}\n", 1},
		    {"`{{< figure >}}` and\n\n```\n{{< figure >}}\n```\n\n    {{% notice %}}\n", 0},
		    {"A {{x}} and {{%}} and {{< >}} and {{< /figure >}} and {%} and { .Title }.\n", 0},
		    {"Hugo's escaped form {{</* figure */>}} too.\n", 1},
		    /* helper-97: without a space cmark-gfm reads an HTML tag, which it leaves out: "{{}}" was all */
		    {"A figure {{<figure src=\"a.png\" caption=\"Diagram\">}} and {{<youtube w7Ft2ymGmfc>}}.\n", 1},
		    /* Go template actions and Liquid: Jekyll's and Hugo's variables, filters and tags */
		    {"Repository: {{ site.repository }}/issues.\n", 1},
		    {"See [x]({{ '/docs/x' | relative_url }}) and {{ .Site.Title }}.\n", 1},
		    {"{% include note.html content=\"x\" %}\n\nText {%- raw -%}.\n", 1},
		    {"`{{ site.url }}` and `{% include x %}` in code.\n", 0},
		    /* helper-98: braces of a set or a price are no action; the warning is at the action's own '{{' */
		    {"The family {{x | x > 0}, {y}} of sets. Price: {{$5}}.\n", 0},
		    {"Dear {{ name }}, see {{ .Title }} here.\n", 1},
		    /* helper-101: Go's own words, a filter on a string, a comment; a word alone stays a placeholder */
		    {"{{ if .Draft }}Draft{{ end }}\n", 1},
		    {"{{ range .Pages }}x{{ end }}\n", 1},
		    {"{{ partial \"header.html\" . }}\n", 1},
		    {"See {{ \"/docs/x\" | relative_url }}.\n", 1},
		    {"Note {{/* hidden */}} here.\n", 1},
		    {"The {{ template }} and {{ end of story }} and {{ if }}.\n", 0},
		    /* Pandoc's fenced divs and MDX's import and export lines: one warning a kind (helper-99); the
		     * export is on the import's paragraph */
		    {"import Tabs from '@theme/Tabs';\nexport const meta = {a: 1};\n\n::: note\nA note.\n:::\n", 2},
		    {"import of goods from \"abroad\" is taxed.\n\nexport default settings.\n\nThe ratio ::: here.\n", 0},
		    {"_\n\nexport\n\nimport\n\n::\n", 0}, /* (found by fuzzing: read past a short first line) */
		    /* helper-102: MkDocs's and Docusaurus's admonitions, a kramdown list after a paragraph, an import
		     * over lines, a default export; prose with colons, bangs or braces is none */
		    {"!!! note \"Title\"\n    Body.\n\n:::tip[Hint]\nx\n:::\n\nText\n{: .class}\n", 3},
		    {"import {\n  A,\n  B\n} from \"x\";\n\nexport default function Layout({children}) {}\n", 2},
		    {"::: note\nx\n:::\n\n::: tip\ny\n:::\n", 1}, /* one kind twice: one warning, "and 1 more" */
		    {"A {{< figure >}}, {% include x %} and {{< y >}}.\n", 2},
		    {"::: is a weird token.\n\nA ratio ::: b. Wow!!! nice.\n\nPara\n{: not one\n", 0},
		    /* a <br> is a line break; one in a table's cell is left out (a warning) */
		    {"One<br>two<BR />three\n", 0},
		    {"| a |\n|---|\n| one<br>two |\n", 1},
		    /* raw HTML left out: comments alone say nothing, text after a comment on its line is lost */
		    {"   <!-- editor note -->\n\n- item\n\n   <!-- note -->\n\n<!-- a -->\n<!-- b -->\n", 0},
		    {"<!-- TODO: check --> Victims must be referred within 24 hours.\n", 1},
		    {"Intro <kbd>Ctrl</kbd> here.\n\n<div class=\"note\">\nNever do X.\n</div>\n", 1},
		    /* a heading's attribute list (Pandoc, kramdown, Hugo, MkDocs): one warning a heading */
		    {"## Setup {#setup}\n\n## Other {: .x}\n\n## Set {x} fine\n\n## Data {a}\n\n## Code `{#x}`\n", 2},
		    /* an address holding a character that shows as nothing, of Unicode's whole list (U+034F, a
		     * variation selector after ASCII, a Hangul filler): one warning each; a Persian word's
		     * non-joiner and an emoji's variation selector are the address's own */
		    {"[a](https://e.org/a\315\217b) [b](https://e.org/x\357\270\217) [c](https://e.org/\343\205\244)\n", 3},
		    {"[a](https://fa.wikipedia.org/wiki/\331\205\333\214\342\200\214\330\256\331\210\330\247\331\207\331\205) [b](https://e.org/\342\235\244\357\270\217)\n", 0},
		    {"[a](https://e.org/ab\342\200\214cd)\n", 1},
		    {"[a](https://e.org/\360\237\221\250\342\200\215\360\237\221\251) [b](https://e.org/step/1\357\270\217\342\203\243)\n", 0},
		    /* Pandoc's sub- and superscripts (one kind), highlights and inline notes, a grid table, Docusaurus's
		     * admonitions with a title or attributes (helper-146); prose with '==', '~', '^' says nothing */
		    {"H~2~O and 2^10^, ==mark== and x^[a note].\n", 3},
		    {"+-----+-----+\n| a   | b   |\n+=====+=====+\n", 1},
		    {":::tip My title\nb\n:::\n\n:::note{title=\"x\"}\nc\n:::\n", 1},
		    {"If a == b, 10~20 people, x^2 or ~/bin, C++ and ===, a + b +\n", 0},
		    /* (helper-150: powers of powers, git revisions, versions, 8.3 names, a regular expression,
		     * comparisons, an autolink's address) */
		    {"2^3^4 is 2^81, x^x^x, e^x^2, HEAD~1~2, 1.2~rc1~beta, C:\\PROGRA~1~2, home~dir~x, o~o~o, =A1^2^B1\n", 0},
		    {"The pattern ^[A-Z] matches. (a ==b) and (c== d), if a ==b and b==c, a ==>b==>c\n", 0},
		    {"<https://x.org/a^b^c> and <https://x.org/a==b==c> and <https://x.org/H~2~O>\n", 0},
		};
		for (size_t k = 0; k < sizeof sc / sizeof *sc; k++) {
			size_t w0 = diag_warnings();
			md(sc[k].text, false, &r);
			ok(diag_warnings() - w0 == sc[k].warns, "shortcodes in %s: %zu warning(s)", sc[k].text,
			   diag_warnings() - w0);
			markdown_result_free(&r);
		}
	}

	/* '~' where no delimiter may be (helper-88): an opener or closer in raw HTML, a web address, a
	 * link's destination or text is none the count may stop at or pair: "~a", emphasis marks, then
	 * closers that cmark-gfm walks back through them all for. */
	{
		static const struct {
			const char *head, *unit1;
			int n1;
			const char *unit2;
			int n2;
		} fakes[] = {
		    {" ~a ", "*a ", 12000, "<b x=~~a> a~~ ", 12000},
		    {" ~a ", "*a ", 20000, "www.a.com/~~a a~~ ", 20000},
		    {" ~a ", "*a ", 15000, "a~~ ", 15000}, /* after "<b x=a~> " */
		    {" ~~a [~a](#) ", "*a ", 100000, "a~ ", 4000},
		};
		static const char *const mid[] = {"", "", "<b x=a~> ", " a~ "};
		for (size_t k = 0; k < sizeof fakes / sizeof *fakes; k++) {
			struct buf txt = BUF_INIT;
			buf_adds(&txt, fakes[k].head);
			for (int i = 0; i < fakes[k].n1; i++)
				buf_adds(&txt, fakes[k].unit1);
			buf_adds(&txt, mid[k]);
			for (int i = 0; i < fakes[k].n2; i++)
				buf_adds(&txt, fakes[k].unit2);
			size_t e0 = diag_errors();
			md(txt.p, false, &r);
			ok(diag_errors() == e0 + 1 && !strstr(r.html.p, "<p>"), "\"%s\", %d \"%s\", then %d \"%s%s\": an error, "
			   "nothing rendered", fakes[k].head, fakes[k].n1, fakes[k].unit1, fakes[k].n2, mid[k], fakes[k].unit2);
			markdown_result_free(&r);
			buf_free(&txt);
		}
	}

	/* The search for e-mail addresses reads the text after cmark-gfm decoded escapes and entity
	 * references (helper-80): 1,000 '@' so written, then a long word. */
	{
		static const struct {
			const char *at, *word;
			int n;
			bool refused;
			const char *what;
		} mails[] = {
		    {"a\\@", "a.", 498000, true, "1,000 \"a\\@\" then 498,000 \"a.\""},
		    {"a&#64;", "a.", 400000, true, "1,000 \"a&#64;\" then 400,000 \"a.\""},
		    {"a&commat;", "a", 990000, true, "1,000 \"a&commat;\" then 990,000 \"a\""},
		    {"a@", "a\\.", 330000, true, "1,000 \"a@\" then 330,000 \"a\\.\""},
		    {"a@", "a&#46;", 160000, true, "1,000 \"a@\" then 160,000 \"a&#46;\""},
		    {"a@", "a&nbsp;", 100000, false, "1,000 \"a@\" then 100,000 \"a&nbsp;\" (no e-mail byte)"},
		    {"a@b.c ", "x ", 490000, true, "1,000 addresses, then 980 KB on their line"},
		};
		for (size_t k = 0; k < sizeof mails / sizeof *mails; k++) {
			struct buf txt = BUF_INIT;
			for (int i = 0; i < 1000; i++)
				buf_adds(&txt, mails[k].at);
			for (int i = 0; i < mails[k].n; i++)
				buf_adds(&txt, mails[k].word);
			size_t e0 = diag_errors();
			md(txt.p, false, &r);
			bool refused = diag_errors() == e0 + 1 && !strstr(r.html.p, "<p>");
			ok(mails[k].refused ? refused : !refused && diag_errors() == e0, "%s: %s", mails[k].what,
			   mails[k].refused ? "an error, nothing rendered" : "rendered");
			markdown_result_free(&r);
			buf_free(&txt);
		}
	}

	/* Emphasis marks inside what only looks like raw HTML or a link's destination, then links: cmark-gfm
	 * reads the marks as marks (helper-78). */
	{
		static const char *const around[][2] = {{"<a ", "> "}, {"](", ") "}};
		for (size_t k = 0; k < 2; k++) {
			struct buf txt = BUF_INIT;
			buf_adds(&txt, around[k][0]);
			for (int i = 0; i < 7000; i++)
				buf_adds(&txt, "*a _b_ ");
			buf_adds(&txt, around[k][1]);
			for (int i = 0; i < 7000; i++)
				buf_adds(&txt, "[c](d) ");
			size_t e0 = diag_errors();
			md(txt.p, false, &r);
			ok(diag_errors() == e0 + 1 && !strstr(r.html.p, "<p>"), "7,000 emphasis marks in '%s...%s', then 7,000 links: "
			   "an error, nothing rendered", around[k][0], around[k][1]);
			markdown_result_free(&r);
			buf_free(&txt);
		}
	}

	/* markdown_typeset() gives plain text back without a parse (typeset_identity): the same as the
	 * parse gives, which a trailing newline forces (it changes nothing else). Random texts of words,
	 * spaces, every ASCII mark and the characters the languages' typography sets. */
	{
		static const char *const atoms[] = {"a", "Z", "é", "7", " ", "  ", "\t", ".", "..", "-", "--", "'", "\"",
		                                    ";", ":", "!", "?", "«", "»", "“", "”", "\u00a0", "\u202f", "ش", "&amp;",
		                                    "*", "_", "`", "#", "<b>", "[x]", "\\", "|", "~", "1.", "(", "%", "/", "\ufeff"};
		static const char *const langs[] = {"en", "fr", "fr-CA", "ar", "he", "de"};
		size_t natoms = sizeof atoms / sizeof *atoms, differ = 0;
		unsigned seed = 12345;
		for (int i = 0; i < 20000; i++) {
			struct buf tx = BUF_INIT;
			int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 8;
			for (int k = 0; k < len; k++) {
				seed = seed * 1103515245u + 12345u;
				/* mostly letters and single spaces, as titles are */
				unsigned pick = (seed >> 16) % (2 * (unsigned)natoms);
				buf_adds(&tx, pick >= natoms ? (pick % 2 ? "word" : " ") : atoms[pick]);
			}
			const char *lang = langs[i % 6];
			char *fast = markdown_typeset(tx.p, lang);
			buf_addc(&tx, '\n');
			char *slow = markdown_typeset(tx.p, lang);
			if (strcmp(fast, slow) && differ++ < 3)
				printf("#   %s: '%s' gave '%s', the parse '%s'\n", lang, tx.p, fast, slow);
			free(fast);
			free(slow);
			buf_free(&tx);
		}
		ok(differ == 0, "markdown_typeset without a parse gives what the parse gives (20,000 texts; %zu differ)", differ);
	}

	/* Relative URLs; RFC 3986, 4.2: a first segment with a colon would be a scheme */
	static const char *const urls[][4] = {
		{"en/a/b/index.html", "en/c/index.html", "../../c/index.html", "relative URL across folders"},
		{"en/index.html", "assets/style.css", "../assets/style.css", "relative URL to the root"},
		{"en/a/index.html", "en/a/index.html", "index.html", "relative URL to itself"},
		{"en/index.html", "en/javascript:alert(1)/index.html", "./javascript:alert(1)/index.html",
		 "a first segment with a colon is preceded by ./"},
		{"index.html", "x:y/index.html", "./x:y/index.html", "a first segment with a colon, from the root"},
		{"en/index.html", "en/a/b:c/index.html", "a/b:c/index.html", "a colon past the first segment is kept as it is"},
		{"en/a/index.html", "en/b:c/index.html", "../b:c/index.html", "a colon after ../ is kept as it is"},
	};
	for (size_t k = 0; k < sizeof urls / sizeof *urls; k++) {
		char *u = site_url_relative(urls[k][0], urls[k][1]);
		is_str(u, urls[k][2], urls[k][3]);
		free(u);
	}
	return tap_done();
}
