/* markdown.h — Markdown to HTML with cmark-gfm (GFM tables, strikethrough,
 * autolinks, tagfilter, footnotes) plus what a site needs on top: stable
 * heading ids (GitHub's scheme), a table of contents, links rewritten by the
 * caller, URLs whose scheme escape.h does not allow dropped and raw HTML omitted unless allowed.
 *
 * Thread-safe after markdown_init(); each call owns its parser.
 */
#ifndef VADE_MARKDOWN_H
#define VADE_MARKDOWN_H

#include "diag.h"
#include "util.h"

struct cite_ctx;
struct cmark_node;

#include <stdbool.h>
#include <stddef.h>

/* Called for every link and image URL that is not external. Returns the URL to
 * write (malloc'd), or NULL to keep it. line/col are file positions. */
typedef char *(*md_link_fn)(void *ctx, const char *url, bool image, int line, int col);

/* Ids a heading must not take because something else in the same output
 * file has them: the theme's (template.h, tpl_fixed_ids()), sorted. An
 * entry is an exact id ("main") or a family ("note-*": its text before '*',
 * then one word without '-', as "note-12"). A heading whose id would be one
 * of them gets the next free suffix, as a repeat does (## Main -> main-1).
 * cmark-gfm's footnote ids (fn-*, fnref-*) are always reserved. With an
 * id_prefix, the id is checked without it. */
struct md_reserved {
	char **ids;
	size_t n;
};
/* Whether id is one of set's (may be NULL), an exact id or one of a family; not a footnote's unless
 * set has it. */
bool markdown_reserved_has(const struct md_reserved *set, const char *id);

struct md_opts {
	bool unsafe_html;       /* keep raw HTML (site.yaml: unsafe_html: true) */
	bool drop_first_h1;     /* the first "# heading" became the title */
	struct text_place at;   /* where the text is in its file (diag.h) */
	md_link_fn link;
	void *link_ctx;
	struct cite_ctx *cite;  /* the output document's notes, or NULL to leave [@key] as text */
	const char *lang;       /* language of the text, for its typography (French spacing, quotes) */
	bool rtl;               /* right-to-left: Latin runs are isolated in <bdi> */
	const char *id_prefix;  /* before every heading id, so chapters of one document do not clash */
	bool prefix_raw;        /* and before the ids raw HTML gives and names (a handbook chapter: rawhtml.h) */
	const struct md_reserved *reserved; /* ids headings must not take; may be NULL */
	/* The ids of the output file so far, from the texts rendered for it before this one, or NULL:
	 * a heading passes over them as over reserved ids, and the text's own ids are added. */
	struct strmap *taken;
	const char *src;        /* the file the text comes from, for messages (NULL: "content") */
	/* Paragraphs, headings and table cells still in another language: a
	 * translation's passages nobody has translated yet hold the original's
	 * text. Each block that starts on one of these file lines (sorted) gets
	 * lang and dir; a cell where foreign_col gives its column too (cmark-gfm's,
	 * 1-based; 0 for the other blocks), as the cells of a row share its line.
	 * foreign_col may be NULL: no cells. */
	const int *foreign;
	const int *foreign_col;
	size_t nforeign;
	const char *foreign_lang; /* their language and direction */
	bool foreign_rtl;
};

/* Inputs that cost cmark-gfm far more than their size are refused before it
 * parses them, with an error at the place (MD_MAX_* below). A refused text
 * renders as nothing.
 *   - a table's cells (columns of its delimiter row times its rows): cmark-gfm
 *     fills every row to the header's width, so 2,000 columns over 2,000
 *     one-cell lines (12 KB) made 4 million cells, 7 s and 1 GB;
 *   - raw HTML openers ("<?", "<!" and a letter, "<![CDATA["): cmark-gfm
 *     looks for each one's end through the rest of the text, so 400 KB of
 *     "<?" took 36 s;
 * All are counted inside blockquotes and lists too, outside fenced code whose
 * fence is sure (markdown.c: within_limits; vade(5) LIMITS): where the count
 * cannot be sure of cmark-gfm's blocks, it counts more, never less. */
#define MD_MAX_TABLE_CELLS 100000
#define MD_MAX_HTML_OPENERS 2000
/*   - the steps smart punctuation takes back at each closing quote, over the whole text: through
 *     every delimiter to the nearest opening quote of its kind, which stays on cmark-gfm's stack
 *     as the closers do, so one opening quote then many closing ones cost the square of their
 *     number ('"' then 50,000 'x".' took 35 s, "'" then 40,000 "é'é " 24 s: helper-95); closers
 *     with no opener before them raise the bottom of later searches and cost nothing here
 *     (100,000 'x".' take 0.07 s); 20,000,000 steps take at most half a second. */
#define MD_MAX_QUOTE_WORK 20000000
/*   - a table row's cells (its '|' not escaped, the header's counted on its delimiter row):
 *     cmark-gfm's time grows with the square of one row's, 12,500 took 2.3 s, 50,000 37 s; 1,000
 *     take 15 ms;
 *   - the steps cmark-gfm takes back at each link or image it closes, over the whole text: through
 *     every emphasis mark and quote before it in its paragraph, and, for a link, every image opener
 *     ("![") still open (20,000 "*a " then 20,000 links took 2 s; 20,000 "![[]()" 5 s: 2 x 10^8
 *     steps each). 20,000,000 take at most half a second. */
#define MD_MAX_TABLE_COLUMNS 1000
#define MD_MAX_LINK_WORK 20000000
/*   - rows like a table's delimiter row under a paragraph line of another width: no table, and
 *     cmark-gfm reads the paragraph so far again for each (8,000 "a" and "|-|-|" lines, 62 KB,
 *     took 10 s, 1,000 0.55 s); counted as the bytes read again, over the whole text: 2,000,000
 *     take about 0.3 s. */
#define MD_MAX_TABLE_REREAD 2000000
/*   - the autolink extension's search for e-mail addresses: at each '@' of a word (up to 1,000 a
 *     text) it reads on through every letter, digit, '.', '-', '_' and '@' after it; counted as a
 *     word's '@' times its length, over the whole text (a 1 MB word of 1,000 '@' took 4.3 s). */
#define MD_MAX_EMAIL_WORK 100000000
/*   - the bytes the autolink extension copies for the e-mail addresses it finds: the rest of the
 *     address's text node for each, up to 1,000 a node (1,000 addresses before 1 MB of text on one
 *     line took 1 GB; 1,000 on a line of 35 KB take 17 MB). Escapes and entity references are read as
 *     cmark-gfm decodes them ("\@", "&#64;" are '@': helper-80). */
#define MD_MAX_EMAIL_COPY 100000000
/*   - the steps the autolink extension takes to find web addresses: at each "www." after a space,
 *     '*', '_', '~' or '(', and at each "http://", "https://" or "ftp://", it reads on to the next
 *     space, whether it links or not, and for each ')' it strips from a link's end it counts the
 *     link's parentheses again; counted so, over the whole text ("http://a<" 30,000 times took 3 s,
 *     "_www." 20,000 times 4.4 s, "www.a.bc" then 200,000 ')' 7 s: helper-83; 10^8 steps take at
 *     most 0.45 s). */
#define MD_MAX_AUTOLINK_WORK 100000000
/*   - the steps back cmark-gfm takes at each '~' run that may end a strikethrough: through every
 *     emphasis mark, quote and '~' run before it in its paragraph ("~~a " then 30,000 "a~ " took
 *     13 s: helper-84; 10,000,000 steps take at most 0.4 s). */
#define MD_MAX_STRIKE_WORK 10000000
/*   - the steps back at each '*', '_' or quote that may close and find no opener after a pair
 *     (process_emphasis() in 0.29.0.gfm.6 keeps where a closer's last vain look down began as
 *     the bottom of the next; a pair may free that mark, and the next walks through every mark
 *     still open: "1(×" then 120,000 " '~*" took 38 s: helper-95), counted as the marks that may
 *     still be open, over the whole text; 20,000,000 take at most half a second. */
#define MD_MAX_BOTTOM_WORK 20000000
/* Whether text is within those limits (nothing is reported). */
bool markdown_within_limits(const char *text, size_t len);
/* markdown_within_limits(), the error said at its place when it is not, as a render says it: the
 * text's place in file src is at. */
bool markdown_limits_said(const char *src, const struct text_place *at, const char *text, size_t len);

struct md_heading {
	int level;
	char *id;
	char *text;             /* plain text */
	bool foreign;           /* on one of md_opts' foreign lines: in the original's language */
};

struct md_result {
	struct buf html;
	struct md_heading *toc; /* level 2 and 3 headings, in order */
	size_t ntoc;
};

/* A caret after '[' that cmark-gfm 0.29.0.gfm.6 would read a wrong footnote label after (an escape, a
 * reference, a label over two lines: markdown.c) is fed to it as MD_GUARD_CARET, the rest of its escape
 * or reference as MD_GUARD_NONE: bytes no page or data text holds (text_unallowed_at). What a syntax
 * extension reads of the text may hold them: markdown_unguard(s) gives s with each put back ('^',
 * nothing), or NULL when s holds none. Caller frees. */
#define MD_GUARD_CARET '\x01'
#define MD_GUARD_NONE '\x02'
#define MD_GUARDS "\x01\x02"
char *markdown_unguard(const char *s);

void markdown_init(void);
/* Whether parses run their inline passes in parallel: cmark-gfm's table of the characters that
 * trigger extensions was filled once for good (github/cmark-gfm#176; markdown.c). False when the
 * library's parsers do not call vade's definition of cmark_manage_extensions_special_characters()
 * (or VADE_CMARK_LOCK is set): every cmark_parser_finish() then runs under one lock. */
bool markdown_parallel(void);
void markdown_render(const struct md_opts *o, const char *text, size_t len, struct md_result *out);
/* Adds to ids the ids html (as markdown_render writes it) gives that begin with prefix (may be
 * ""), without it: its attributes id="...", which text cannot hold (cmark writes '"' as &quot;). */
void markdown_html_ids(struct strmap *ids, const char *html, const char *prefix);
/* cmark-gfm's footnotes in html as markdown_render writes it, told from raw HTML that looks like
 * them (unsafe_html): the section it writes after the text (the last line
 * "<section class=\"footnotes\" data-footnotes>" followed by a line "<ol>"), or NULL; and whether the
 * "<li" at li is one of its notes (a line "<li id=\"...\">" after a line "<ol>" or "</li>"). */
const char *markdown_notes_section(const char *html);
bool markdown_note_item(const char *html, const char *li);
void markdown_result_free(struct md_result *r);

/* The blocks of text with their source positions, for cutting it into passages
 * (passage.h): parsed with the table extension only, since no inline extension
 * changes a block, and with footnotes (a definition is a block, its paragraph
 * the text after "[^n]: "), as the render parses them. Caller frees with
 * cmark_node_free(). */
struct cmark_node *markdown_parse_blocks(const char *text, size_t len);
/* What a translation of text must keep, read as the render reads text (cmark-gfm with the cite
 * extension: an escaped "\\[@key]" or a code span's "`[@key]`" is text): "@key" for each source
 * cited, "](url" for each link and image, the URL without its fragment (a translation points to
 * its own headings), "[^label]" for each footnote mark its text holds (a passage's marks, whose
 * definitions are passages of their own). Each once, in order; pushes malloc'd strings. */
void markdown_markers(const char *text, size_t len, struct vec *out);
/* Calls fn for each link and image of text (a page's body) as the render reads it, with its URL
 * as written and the line of text it is on (1-based; the line of the paragraph, heading or cell
 * holding it where cmark-gfm gives the link none). */
void markdown_links(const char *text, size_t len, void (*fn)(void *ctx, const char *url, int line), void *ctx);
/* The ids markdown_render() gives the headings of text written in lang, in
 * order, and when lines is not NULL the line of text each starts on (1-based),
 * and when theirs is not NULL, for each, the theme's id (of reserved) it is
 * named by and passed over ("## Main": "main", its id "main-1"), else NULL.
 * Caller frees each id and name and the arrays. */
size_t markdown_heading_ids(const char *text, size_t len, bool drop_first_h1, const char *lang,
                            const struct md_reserved *reserved, char ***ids, int **lines, char ***theirs);
/* The warning at a link (src:line:col) to "#frag", an id the theme gives the page, which a
 * heading named frag passed over to id ("## Main": main-1): the link leads to the theme's
 * element (helper-144). One text wherever it is said: the render's, for a link in the page, and
 * the link check's (render.c), for one from another page, are then one message (diag.h). */
void markdown_warn_theirs(const char *src, int line, int col, const char *frag, const char *id);
/* Plain text s (a title, a summary) with the body's typography in lang: smart
 * punctuation (curly quotes, dashes, ellipses: CommonMark's smart option) and the
 * language's spacing (French: narrow no-break spaces); never read as Markdown.
 * Lines become one, joined by a space. Caller frees. */
char *markdown_typeset(const char *s, const char *lang);
/* Plain text of the first level-1 heading, or NULL. Caller frees. */
char *markdown_first_h1(const char *text, size_t len);
/* The same, with the heading's line in text (1-based) in *line. */
char *markdown_first_h1_at(const char *text, size_t len, int *line);
/* What other generators' syntax plain text s holds, which vade reads none of, each kind named once
 * at its first ("a Hugo shortcode ('figure') and a wiki link ('[[Page]]')"): template syntax (a
 * shortcode, an action, a Liquid tag) and the inline kinds (an Obsidian comment, a wiki link or
 * embed, Pandoc's attributes), as in a page's prose; or NULL. Caller frees. */
char *markdown_foreign_syntax(const char *s);
/* Appends GitHub's id for heading text s to b (lower case, spaces to '-', punctuation dropped). */
void markdown_slug(struct buf *b, const char *s, size_t len);

#endif
