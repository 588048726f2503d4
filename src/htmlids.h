/* htmlids.h — the ids of an output file and its links inside it, read with
 * libxml2's HTML parser (as a SAX parser: no tree is built): every id given once, every in-page link
 * (href="#x") leading to an id of the same file. Browsers take the first
 * element of an id given twice, so a skip link or a note marker would land
 * on the wrong element; a link to no id goes nowhere.
 *
 * Thread-safe after htmlids_init() (libxml2 is, once initialized by one thread).
 */
#ifndef VADE_HTMLIDS_H
#define VADE_HTMLIDS_H

#include "util.h"

#include <stddef.h>

/* The anchors of one file: its ids and the names of its <a> elements (HTML, "find a potential
 * indicated element"), sorted, each once. Free with htmlids_free(). */
struct html_ids {
	char **v;
	size_t n;
};

void htmlids_init(void);
/* Reads html, the output file out_path ("fr/about/index.html") made from src
 * (the source file, "content/about.fr.md", or the template for a site-wide
 * page), and reports as errors at src each id given twice and each in-page
 * link whose target is no id of the file, neither as written nor percent-decoded
 * (HTML's "find a potential indicated element"; an <a name> counts as an id, and is
 * one anchor with an id of its value, not one given twice), naming out_path
 * and the line there. A link marked data-hash is left out: its fragment is
 * a state a script reads (the sheet's #a4, #letter), not a place. Fills ids
 * when not NULL. */
void htmlids_check(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *ids);
/* What the caller knows of a page's ids, for htmlids_check_with() and friends (either may be NULL):
 *   ours(ctx, id)   true for a dangling link the caller reports itself, at its place in the source
 *                   (left out of the check);
 *   place(ctx, id, &src, &line, &col)
 *                   true where an id given twice comes from a place of the source the caller knows
 *                   (a data item's `id:`, which a template writes as it is): the error is said there,
 *                   naming the output file and its lines, else at src as above. */
struct htmlids_hooks {
	int (*ours)(void *ctx, const char *id);
	bool (*place)(void *ctx, const char *id, const char **src, int *line, int *col);
	void *ctx;
};
void htmlids_check_with(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *ids,
                        const struct htmlids_hooks *hooks);
void htmlids_free(struct html_ids *ids);

/* The text a reader sees in the <main> element of a page, for the search
 * index: body (all of it) and heads (the h1-h6 in it), whitespace collapsed,
 * blocks apart. Left out: nav, script, style, template, and any element
 * marked data-nosearch (notices, print links: words of the theme, not the page). */
struct html_text {
	struct buf heads, body;
};
/* htmlids_check_with() that also fills text (when not NULL; the caller frees with html_text_free()). */
void htmlids_read(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *ids,
                  const struct htmlids_hooks *hooks, struct html_text *text);
void html_text_free(struct html_text *text);

/* {======= Read once, not on every page: a cached partial's output (template.h)
 *
 * A section's navigation is the same on every page of the section but for its
 * holes (relative links, "you are here"); with a thousand pages in a section,
 * reading it on each page was half a build's CPU (issue 13). A fragment is
 * read once, by htmlids_fragment(), and on each page stands in for itself as
 * an empty element of its root's name, when reading it there could add
 * nothing and change nothing:
 *   - it is one element, <nav>, <script>, <style> or <template> (whose text is
 *     never searched), with nothing around it but white space (kept as it is);
 *   - every element in it ends with its own end tag (or is void), so the
 *     parser's auto-closing never reaches past it into the page (libxml2's
 *     htmlAutoClose() and htmlAutoCloseOnClose() act on the open elements
 *     only), and libxml2 reports no error in it but HTML 5's tags (it knows
 *     HTML 4); no element <main> (the search text's root);
 *   - no element has an id, no <a> a name, and no link is in-page (href="#...");
 *   - no hole touches a letter or digit of the text around it or comes
 *     before '#' or '='; each link (url()) is a whole attribute value and
 *     each current() text stands as attributes of its own (found there by
 *     a reading with a sentinel in each hole), and a page's texts keep to
 *     that (htmlids_url_text, htmlids_attr_text): a hole's text then ends
 *     where it began in the parser's reading, so any mix of them on a page
 *     changes values and attributes that are no id, never elements, ids or
 *     in-page links (template.h, tpl_uses).
 * The element that stands in has as many line ends as the fragment, so the
 * lines messages give stay right; a page on which the fragment would pass
 * the parse's depth limit is read whole. */
struct html_fragment {
	int depth;              /* its deepest element, the root being 1 */
	char root[16];          /* the root's name, as the parser gave it */
	size_t lead, trail;     /* white space before and after the root (kept as it is) */
};
/* Whether html[0..len) (a cached partial's output, its holes filled for one page) may be read once:
 * fills f. Thread-safe. */
bool htmlids_fragment(const char *html, size_t len, struct html_fragment *f);
/* Whether html[0..len) may be read once as htmlids_fragment() says, and each of its nholes holes,
 * filled with a sentinel, stands where its kind may: a link (kind 'u', sentinel "vade-u<i>") as a whole
 * attribute value, a current() text (kind 'c', sentinel ' data-vade-c<i>=""') as an attribute of its
 * own; occurs[i] times each, as often as the hole is in the output. */
bool htmlids_fragment_holes(const char *html, size_t len, size_t nholes, const unsigned char *kind,
                            const size_t *occurs, struct html_fragment *f);
/* A current() text that may stand where htmlids_fragment_holes() found it: nothing, or attributes
 * each written ' name="value"' (a name of letters, digits and '-', not id, href, name or data-vade-*; a value
 * without '"', '<', '>', '&', '`' or '#'). */
bool htmlids_attr_text(const char *s, size_t n);
/* A link that may stand as a whole attribute value: no white space, quote, '<', '>' or '`', no '&' but
 * in "&amp;", and not starting with '#'. */
bool htmlids_url_text(const char *s, size_t n);
/* Whether html[0..len) (a use of a cached output) has the white space and root of f around it. */
bool htmlids_same_frame(const char *html, size_t len, const struct html_fragment *f);

/* Where a fragment htmlids_fragment() accepted is in a page: html[off..off + len). */
struct html_span {
	size_t off, len;
	struct html_fragment f;
};
/* htmlids_read() of a page holding the spans (sorted, apart), each read as the empty element that
 * stands in for it: the same ids, messages and text. */
void htmlids_read_spans(const char *html, size_t len, const struct html_span *spans, size_t nspans,
                        const char *out_path, const char *src, struct html_ids *ids,
                        const struct htmlids_hooks *hooks, struct html_text *text);

/* }======= */

#endif
