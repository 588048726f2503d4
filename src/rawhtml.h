/* rawhtml.h — a handbook chapter's raw HTML takes the chapter's id prefix.
 *
 * A handbook is one output file made of many pages: each chapter's heading
 * and note ids get its prefix ("c2-"), and so do its in-page links (render.c).
 * An id the author wrote in raw HTML (unsafe_html: <span id="anchor">) kept
 * its own name: the chapter's link to it (#c2-anchor) led nowhere, and two
 * chapters with one raw id gave it twice (helper-142).
 *
 * Read with Gumbo (Debian's libgumbo), an HTML 5 parser that says where each
 * attribute's value is in the source (GumboAttribute.original_value):
 * libxml2's HTML parser, which reads the output files (htmlids.h), gives the
 * values but not their places, and writing its tree back would change the
 * author's markup. Only the values below are written again; every other
 * byte stays as the author wrote it.
 *
 * Thread-safe: Gumbo keeps no global state.
 */
#ifndef VADE_RAWHTML_H
#define VADE_RAWHTML_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>

/* Appends to out html[0, len) (one raw HTML node's text: a tag, or an HTML
 * block, read as a <template>'s contents, where a table's row or cell stands
 * on its own) with prefix put before
 *   - each id it gives (id="a" -> id="c2-a"; a <map>'s name too, and an
 *     <a>'s, which a browser finds as it finds an id),
 *   - each id it names, but those theirs(ctx, id) says are another's (the
 *     theme's "main"; theirs may be NULL): an in-page link's fragment
 *     (href="#a" -> href="#c2-a", white space around it as a browser drops
 *     it; an SVG element's xlink:href; usemap), an IDREF or IDREFS attribute
 *     of HTML 5 and WAI-ARIA 1.2 (for, form, list, headers, aria-labelledby,
 *     aria-describedby, aria-controls, aria-owns, aria-flowto,
 *     aria-activedescendant, aria-details, aria-errormessage, popovertarget,
 *     commandfor, itemref: each of a list's words), and SVG's "url(#a)" in
 *     fill, stroke, clip-path, mask, filter and the marker attributes.
 * A value is written again in double quotes, '&' and '"' as references; an
 * empty one is left as it is. Returns 1, or 0 appending nothing when
 * nothing is to change; -1 appending nothing when Gumbo's work on the text
 * would grow with the square of its size, which no author's markup needs:
 *   - at each start tag it looks through the elements open, so elements
 *     left open cost the square of their number (40,000 "<div id=x>"
 *     took 60 s), and it compares a tag's attributes with each other and
 *     with those of the like formatting elements open (1,000 nested <b> of
 *     100 attributes took 12 s): refused when the sum over its start tags
 *     (rawhtml.c: nesting_work, counted more rather than less; an element
 *     whose end tag may be left out, <p>, <li>, <td>..., opens nothing)
 *     passes RAWHTML_MAX_NESTING_WORK;
 *   - its tree grows with the square of misnested formatting elements
 *     (8,000 "<b id=x><i>": 10 s and 2 GB): refused when it would take more
 *     than RAWHTML_BUDGET_BASE + RAWHTML_BUDGET_PER_BYTE x len bytes (real
 *     pages took at most 24 bytes a byte). */
#define RAWHTML_MAX_NESTING_WORK 50000000u
#define RAWHTML_BUDGET_BASE (8u << 20)
#define RAWHTML_BUDGET_PER_BYTE 64u
int rawhtml_prefix_ids(const char *html, size_t len, const char *prefix, bool (*theirs)(void *ctx, const char *id),
                       void *ctx, struct buf *out);
/* Adds to ids (keys owned by the map) the ids html[0, len) gives, read as above; -1 (adding nothing)
 * where rawhtml_prefix_ids() would refuse the text, else 0. */
int rawhtml_ids(const char *html, size_t len, struct strmap *ids);

/* The two above with one read of the text: a chapter's references are decided once the ids all its
 * raw HTML gives are known, and Gumbo read each text twice for that.
 * An attribute of the author's that gives or names an id, as rawhtml_read() found it. */
struct rawhtml_attr {
	char *name, *value;     /* as Gumbo gives them: the name in lower case, the value decoded */
	bool named;             /* of a <map> or an <a> (whose name is its id, or an anchor) */
	size_t off, len;        /* the value as written in the text, quotes and all */
};
struct rawhtml_attrs {
	struct rawhtml_attr *v;
	size_t n, cap;
};
/* Reads html[0, len) as rawhtml_prefix_ids() does into *out (free with rawhtml_attrs_free(), also
 * after -1); -1, keeping nothing, where that would refuse the text, else 0. */
int rawhtml_read(const char *html, size_t len, struct rawhtml_attrs *out);
void rawhtml_attrs_free(struct rawhtml_attrs *a);
/* Adds to ids (keys owned by the map) the ids a gives. */
void rawhtml_given(const struct rawhtml_attrs *a, struct strmap *ids);
/* rawhtml_prefix_ids() of html[0, len), whose attributes rawhtml_read() found as a: 1 or 0. */
int rawhtml_prefix(const char *html, size_t len, const struct rawhtml_attrs *a, const char *prefix,
                   bool (*theirs)(void *ctx, const char *id), void *ctx, struct buf *out);

#endif
