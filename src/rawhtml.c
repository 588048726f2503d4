/* rawhtml.c — a handbook chapter's raw HTML takes the chapter's id prefix (rawhtml.h). */
#include "rawhtml.h"

#include <ctype.h>
#include <gumbo.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* {======= Gumbo's memory, with a budget
 *
 * Gumbo builds its tree as HTML 5 says, and on misnested formatting elements that tree grows with
 * the square of the text: 8,000 "<b id=x><i>" (88 KB) took 10 s and 2 GB. Its memory is therefore
 * taken from here, each block on a list: past the budget the parse is left by a long jump (Gumbo
 * is C and keeps no state of its own between calls), and the blocks are freed together. */
struct arena {
	struct block *head;
	size_t used, budget;
	jmp_buf out;
};

struct block {
	struct block *prev, *next;
	max_align_t align[]; /* the caller's memory */
};

static void *arena_alloc(void *ud, size_t size)
{
	struct arena *a = ud;
	a->used += size;
	if (a->used > a->budget)
		longjmp(a->out, 1);
	struct block *b = xmalloc(sizeof *b + size);
	b->prev = NULL;
	b->next = a->head;
	if (a->head)
		a->head->prev = b;
	a->head = b;
	return b->align;
}

static void arena_free(void *ud, void *p)
{
	struct arena *a = ud;
	if (!p)
		return;
	struct block *b = (struct block *)((char *)p - offsetof(struct block, align));
	if (b->prev)
		b->prev->next = b->next;
	else
		a->head = b->next;
	if (b->next)
		b->next->prev = b->prev;
	free(b);
}

static void arena_drop(struct arena *a)
{
	for (struct block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

/* }======= */

/* Attributes whose value is an id, or a list of ids apart by white space (HTML 5's "ID", "ID
 * reference" and "set of space-separated tokens consisting of IDs"; WAI-ARIA 1.2's ID reference
 * and ID reference list properties). */
static const char *const idrefs[] = {
	"for", "form", "list", "headers", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns",
	"aria-flowto", "aria-activedescendant", "aria-details", "aria-errormessage", "popovertarget", "itemref",
	"commandfor",
};

/* SVG's presentation attributes whose value may name an element as "url(#id)" (SVG 2, 13.7, 16.3; CSS
 * Masking 1), beside CSS's other words ("url(#g) red"). */
static const char *const url_refs[] = {
	"fill", "stroke", "clip-path", "mask", "filter", "marker-start", "marker-mid", "marker-end", "marker",
	"style", /* (Inkscape writes style="fill:url(#grad)": helper-145) */
};

/* Elements whose end tag HTML 5 lets go (13.1.2.4): the next one of its kind, or its parent's end,
 * closes it, and the parser finds it at once, so a start tag of one is counted as opening nothing
 * (a table of <tr><td> without end tags is valid: helper-143). */
static bool closes_itself(const char *name, size_t n)
{
	static const char *const v[] = {"p", "li", "dt", "dd", "td", "th", "tr", "option", "optgroup", "rt", "rp",
	                                "thead", "tbody", "tfoot", "colgroup", "caption"};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (strlen(v[i]) == n && !strncasecmp(name, v[i], n))
			return true;
	return false;
}

/* HTML 5's void elements: a start tag that opens nothing. */
static bool void_element(const char *name, size_t n)
{
	static const char *const v[] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
	                                "source", "track", "wbr"};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (strlen(v[i]) == n && !strncasecmp(name, v[i], n))
			return true;
	return false;
}

/* At each start tag, the elements the tag finds open (the steps Gumbo may take through them), times
 * one and its attributes, and its attributes squared, summed over the text; counted in one pass, more
 * rather than less: an end tag closes one element, every start tag but a void element's, one whose end
 * tag may be left out or one that ends in "/>" opens one (a '<' in a value ends the tag), an attribute
 * is a word after white space in the tag. */
static uint64_t nesting_work(const char *s, size_t n)
{
	uint64_t work = 0, depth = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '<' || i + 1 >= n)
			continue;
		if (s[i + 1] == '/') {
			depth -= depth > 0;
			continue;
		}
		if (!isalpha((unsigned char)s[i + 1]))
			continue;
		size_t k = i + 1;
		while (k < n && isalnum((unsigned char)s[k]))
			k++;
		bool opens = !void_element(s + i + 1, k - i - 1) && !closes_itself(s + i + 1, k - i - 1);
		uint64_t attrs = 0;
		for (; k < n && s[k] != '>' && s[k] != '<'; k++)
			attrs += isspace((unsigned char)s[k - 1]) && !isspace((unsigned char)s[k]) && s[k] != '/';
		if (k < n && s[k] == '>' && s[k - 1] == '/')
			opens = false;
		if (opens)
			depth++;
		/* and its attributes: Gumbo compares each with the tag's others, and a formatting element's
		 * with those of the like elements open (HTML 5's "Noah's Ark" clause) */
		work += depth * (1 + attrs) + attrs * attrs;
		i = k - 1;
	}
	return work;
}

struct edit {
	size_t off, len;        /* the value as written, quotes and all */
	char *value;            /* what it is to say, decoded */
};

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* A reference to id, prefixed unless the id is the page's theme's (theirs). */
struct refs {
	const char *prefix;
	bool (*theirs)(void *ctx, const char *id);
	void *ctx;
};

static bool theirs(const struct refs *r, const char *id, size_t n)
{
	if (!r->theirs)
		return false;
	char *s = xstrndup(id, n);
	bool t = r->theirs(r->ctx, s);
	free(s);
	return t;
}

/* v with r's prefix before each of its words (HTML's ASCII white space apart), one space between, but
 * those theirs (ids: every word); NULL when it has none. Caller frees. */
static char *prefixed_words(const char *v, const struct refs *r, bool ids)
{
	static const char ws[] = " \t\n\f\r";
	struct buf b = BUF_INIT;
	for (v += strspn(v, ws); *v; v += strspn(v, ws)) {
		size_t n = strcspn(v, ws);
		if (b.len)
			buf_adds(&b, " ");
		if (ids || !theirs(r, v, n))
			buf_adds(&b, r->prefix);
		buf_add(&b, v, n);
		v += n;
	}
	return b.len ? buf_detach(&b, NULL) : (buf_free(&b), NULL);
}

/* v with r's prefix after the '#' of each "url(#id)" in it (quoted too), but ids theirs; NULL when it
 * names none. Caller frees. */
static char *prefixed_urls(const char *v, const struct refs *r)
{
	struct buf b = BUF_INIT;
	bool any = false;
	const char *p = v;
	for (const char *u; (u = strcasestr(p, "url(")); ) {
		u += 4;
		u += strspn(u, " \t\n\f\r");
		u += *u == '\'' || *u == '"';
		if (*u != '#') {
			buf_add(&b, p, (size_t)(u - p));
			p = u;
			continue;
		}
		u++;
		buf_add(&b, p, (size_t)(u - p));
		size_t n = strcspn(u, "'\") \t\n\f\r");
		if (n && !theirs(r, u, n)) {
			buf_adds(&b, r->prefix);
			any = true;
		}
		p = u;
	}
	if (!any) {
		buf_free(&b);
		return NULL;
	}
	buf_adds(&b, p);
	return buf_detach(&b, NULL);
}

static bool one_of(const char *name, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, v[i]))
			return true;
	return false;
}

/* Whether attribute name of an element (a <map> or <a> when named) gives or names an id: the
 * attributes rawhtml_read() keeps. */
static bool kept_attr(const char *name, bool named)
{
	return !strcmp(name, "id") || (named && !strcmp(name, "name")) ||
	       one_of(name, idrefs, sizeof idrefs / sizeof *idrefs) ||
	       one_of(name, url_refs, sizeof url_refs / sizeof *url_refs) || !strcmp(name, "href") ||
	       !strcmp(name, "xlink:href") || !strcmp(name, "usemap");
}

/* Whether a gives an id (a <map>'s name is its id; an <a>'s name is an anchor, HTML's "find a
 * potential indicated element", and takes the prefix as an id does). */
static bool gives_id(const struct rawhtml_attr *a)
{
	return !strcmp(a->name, "id") || (a->named && !strcmp(a->name, "name"));
}

/* The value attribute a is to have, or NULL to leave it. Caller frees. */
static char *new_value(const struct rawhtml_attr *a, const struct refs *r)
{
	if (!a->len || !*a->value)
		return NULL;
	if (gives_id(a) && strcmp(a->name, "id")) /* a name is one, spaces and all (helper-150) */
		return xasprintf("%s%s", r->prefix, a->value);
	if (gives_id(a))
		return prefixed_words(a->value, r, true);
	if (one_of(a->name, idrefs, sizeof idrefs / sizeof *idrefs))
		return prefixed_words(a->value, r, false);
	if (one_of(a->name, url_refs, sizeof url_refs / sizeof *url_refs))
		return prefixed_urls(a->value, r);
	/* href, xlink:href, usemap: as a browser reads the address, without the white space around it
	 * (URL Standard) */
	const char *v = a->value + strspn(a->value, " \t\n\f\r");
	size_t n = strlen(v);
	while (n && strchr(" \t\n\f\r", v[n - 1]))
		n--;
	if (n < 2 || v[0] != '#' || theirs(r, v + 1, n - 1))
		return NULL;
	return xasprintf("#%s%.*s", r->prefix, (int)(n - 1), v + 1);
}

/* Reads html[0, len) with Gumbo within the bounds of rawhtml.h and keeps the attributes of its
 * elements that give or name an id (kept_attr) in out; -1 (keeping none) where the text is refused,
 * else 0. */
static int read_elements(const char *html, size_t len, struct rawhtml_attrs *out)
{
	if (nesting_work(html, len) > RAWHTML_MAX_NESTING_WORK)
		return -1;
	/* on the heap: the parse changes it, and it is read after the long jump */
	struct arena *a = xmalloc(sizeof *a);
	a->head = NULL, a->used = 0, a->budget = RAWHTML_BUDGET_BASE + RAWHTML_BUDGET_PER_BYTE * len;
	size_t n0 = out->n;
	if (setjmp(a->out)) {
		arena_drop(a);
		free(a);
		while (out->n > n0) {
			out->n--;
			free(out->v[out->n].name);
			free(out->v[out->n].value);
		}
		return -1;
	}
	GumboOptions opts = kGumboDefaultOptions;
	opts.allocator = arena_alloc, opts.deallocator = arena_free, opts.userdata = a;
	/* as the contents of a <template>, where every element stands as it is written (a table's cell
	 * or row on its own: helper-143), as raw HTML stands in a page */
	opts.fragment_context = GUMBO_TAG_TEMPLATE;
	GumboOutput *g = gumbo_parse_with_options(&opts, html, len);
	struct vec stack = VEC_INIT;
	/* every element, depth first, without recursion: the author's nesting may be deep */
	vec_push(&stack, g->document);
	while (stack.n) {
		const GumboNode *node = stack.v[--stack.n];
		const GumboVector *kids = NULL;
		if (node->type == GUMBO_NODE_DOCUMENT)
			kids = &node->v.document.children;
		else if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
			/* whose name is an id (a <map>'s) or an anchor (an <a>'s: old pages' <a name="x">) */
			bool named = node->v.element.tag == GUMBO_TAG_MAP || node->v.element.tag == GUMBO_TAG_A;
			const GumboVector *attrs = &node->v.element.attributes;
			for (unsigned i = 0; i < attrs->length; i++) {
				const GumboAttribute *at = attrs->data[i];
				const char *v = at->original_value.data;
				/* a value not in this text (an attribute Gumbo made itself) is none of the author's */
				if (!v || v < html || v + at->original_value.length > html + len || !kept_attr(at->name, named))
					continue;
				if (out->n == out->cap) {
					out->cap = out->cap ? out->cap * 2 : 8;
					out->v = xrealloc(out->v, out->cap * sizeof *out->v);
				}
				out->v[out->n++] = (struct rawhtml_attr){xstrdup(at->name), xstrdup(at->value), named,
				                                         (size_t)(v - html), at->original_value.length};
			}
			kids = &node->v.element.children;
		}
		for (unsigned i = 0; kids && i < kids->length; i++)
			vec_push(&stack, kids->data[i]);
	}
	vec_free(&stack);
	arena_drop(a); /* the tree at once (gumbo_destroy_output() walks it by recursion) */
	free(a);
	return 0;
}

int rawhtml_read(const char *html, size_t len, struct rawhtml_attrs *out)
{
	*out = (struct rawhtml_attrs){0};
	return read_elements(html, len, out);
}

void rawhtml_attrs_free(struct rawhtml_attrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].value);
	}
	free(a->v);
	*a = (struct rawhtml_attrs){0};
}

void rawhtml_given(const struct rawhtml_attrs *a, struct strmap *ids)
{
	for (size_t i = 0; i < a->n; i++)
		if (*a->v[i].value && gives_id(&a->v[i]))
			strmap_put(ids, a->v[i].value, NULL);
}

int rawhtml_ids(const char *html, size_t len, struct strmap *ids)
{
	struct rawhtml_attrs a;
	int r = rawhtml_read(html, len, &a);
	rawhtml_given(&a, ids);
	rawhtml_attrs_free(&a);
	return r;
}

int rawhtml_prefix(const char *html, size_t len, const struct rawhtml_attrs *a, const char *prefix,
                   bool (*theirs_fn)(void *ctx, const char *id), void *ctx, struct buf *out)
{
	const struct refs refs = {prefix, theirs_fn, ctx};
	struct edit *e = NULL;
	size_t n = 0;
	for (size_t i = 0; i < a->n; i++) {
		char *v = new_value(&a->v[i], &refs);
		if (!v)
			continue;
		if (!(n & (n - 1))) /* full at 0, 1, 2, 4...: twice as much room */
			e = xrealloc(e, (n ? n * 2 : 1) * sizeof *e);
		e[n++] = (struct edit){a->v[i].off, a->v[i].len, v};
	}
	if (!n)
		return 0;
	qsort(e, n, sizeof *e, cmp_edit);
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i].off < done) { /* one value twice (an attribute Gumbo moved): written once */
			free(e[i].value);
			continue;
		}
		buf_add(out, html + done, e[i].off - done);
		buf_adds(out, "\"");
		for (const char *p = e[i].value; *p; p++)
			if (*p == '&')
				buf_adds(out, "&amp;");
			else if (*p == '"')
				buf_adds(out, "&quot;");
			else
				buf_add(out, p, 1);
		buf_adds(out, "\"");
		done = e[i].off + e[i].len;
		free(e[i].value);
	}
	buf_add(out, html + done, len - done);
	free(e);
	return 1;
}

int rawhtml_prefix_ids(const char *html, size_t len, const char *prefix, bool (*theirs_fn)(void *ctx, const char *id),
                       void *ctx, struct buf *out)
{
	struct rawhtml_attrs a;
	if (rawhtml_read(html, len, &a) < 0)
		return -1;
	int r = rawhtml_prefix(html, len, &a, prefix, theirs_fn, ctx, out);
	rawhtml_attrs_free(&a);
	return r;
}
