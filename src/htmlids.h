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

/* The ids of one file: sorted, each once. Free with htmlids_free(). */
struct html_ids {
	char **v;
	size_t n;
};

void htmlids_init(void);
/* Reads html, the output file out_path ("fr/about/index.html") made from src
 * (the source file, "content/about.fr.md", or the template for a site-wide
 * page), and reports as errors at src each id given twice and each in-page
 * link whose target (percent-decoded) is no id of the file, naming out_path
 * and the line there. A link marked data-hash is left out: its fragment is
 * a state a script reads (the sheet's #a4, #letter), not a place. Fills ids
 * when not NULL. */
void htmlids_check(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *ids);
/* The same, leaving out the dangling links for which ours(ctx, id) is true:
 * those the caller reports itself, at their place in the source. */
typedef int (*htmlids_ours_fn)(void *ctx, const char *id);
void htmlids_check_with(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *ids,
                        htmlids_ours_fn ours, void *ctx);
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
                  htmlids_ours_fn ours, void *ctx, struct html_text *text);
void html_text_free(struct html_text *text);

#endif
