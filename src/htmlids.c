/* htmlids.c — ids and in-page links of an output file, through libxml2's HTML parser. */
#include "htmlids.h"
#include "diag.h"
#include "util.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void htmlids_init(void)
{
	xmlInitParser();
}

/* An attribute found in the walk, with its element's line in the file. */
struct seen {
	char *value;
	long line;
};

static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->value, y->value);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static void push(struct seen **v, size_t *n, size_t *cap, const xmlChar *value, long line)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = (struct seen){xstrdup((const char *)value), line};
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The fragment of href "#x" as the id it names: %XX decoded. Caller frees. */
static char *fragment_id(const char *frag)
{
	char *out = xmalloc(strlen(frag) + 1), *o = out;
	for (const char *p = frag; *p; p++) {
		int h, l;
		if (*p == '%' && (h = hexval((unsigned char)p[1])) >= 0 && (l = hexval((unsigned char)p[2])) >= 0) {
			*o++ = (char)(h * 16 + l);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static void walk(xmlNode *n, struct seen **ids, size_t *nids, size_t *icap, struct seen **links, size_t *nlinks,
                 size_t *lcap)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		/* A link marked data-hash sets a state a script reads from the address (the sheet's #a4): no place. */
		bool state = xmlHasProp(n, BAD_CAST "data-hash") != NULL;
		for (xmlAttr *a = n->properties; a; a = a->next) {
			xmlChar *v = xmlNodeGetContent((xmlNode *)a);
			if (!v)
				continue;
			if (!xmlStrcasecmp(a->name, BAD_CAST "id") && *v)
				push(ids, nids, icap, v, xmlGetLineNo(n));
			else if (!xmlStrcasecmp(a->name, BAD_CAST "href") && v[0] == '#' && v[1] && !state) {
				char *id = fragment_id((const char *)v + 1);
				push(links, nlinks, lcap, BAD_CAST id, xmlGetLineNo(n));
				free(id);
			}
			xmlFree(v);
		}
		walk(n->children, ids, nids, icap, links, nlinks, lcap);
	}
}

/* {============ The text of <main>, for the search index */

static bool is_block(const xmlChar *name)
{
	static const char *const blocks[] = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
	                                     "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
	                                     "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section",
	                                     "summary", "sup", "table", "td", "th", "tr", "ul"};
	for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
		if (!xmlStrcasecmp(name, BAD_CAST blocks[i]))
			return true;
	return false;
}

static bool is_heading(const xmlChar *name)
{
	return (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' && name[1] <= '6' && !name[2];
}

static bool left_out(xmlNode *n)
{
	static const char *const skip[] = {"nav", "script", "style", "template"};
	for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
		if (!xmlStrcasecmp(n->name, BAD_CAST skip[i]))
			return true;
	return xmlHasProp(n, BAD_CAST "data-nosearch") != NULL;
}

/* Appends s to b with runs of white space as one space, none at the start. */
static void add_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		bool sp = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f';
		if (!sp)
			buf_addc(b, *s);
		else if (b->len && b->p[b->len - 1] != ' ')
			buf_addc(b, ' ');
	}
}

static void gap(struct buf *b)
{
	if (b->len && b->p[b->len - 1] != ' ')
		buf_addc(b, ' ');
}

static void text_of(xmlNode *n, struct html_text *t, bool head)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			add_text(&t->body, (const char *)n->content);
			if (head)
				add_text(&t->heads, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE && !left_out(n)) {
			bool block = is_block(n->name), h = head || is_heading(n->name);
			if (block)
				gap(&t->body);
			text_of(n->children, t, h);
			if (block)
				gap(&t->body);
			if (h && !head)
				gap(&t->heads);
		}
	}
}

static void find_main(xmlNode *n, struct html_text *t)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcasecmp(n->name, BAD_CAST "main")) {
			text_of(n->children, t, false);
			return;
		}
		find_main(n->children, t);
	}
}

static void trim_end(struct buf *b)
{
	while (b->len && b->p[b->len - 1] == ' ')
		b->p[--b->len] = '\0';
}

void html_text_free(struct html_text *t)
{
	buf_free(&t->heads);
	buf_free(&t->body);
}

/* }============ */

void htmlids_check(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *out)
{
	htmlids_check_with(html, len, out_path, src, out, NULL, NULL);
}

void htmlids_check_with(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *out,
                        htmlids_ours_fn ours, void *ctx)
{
	htmlids_read(html, len, out_path, src, out, ours, ctx, NULL);
}

void htmlids_read(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *out,
                  htmlids_ours_fn ours, void *ctx, struct html_text *text)
{
	if (text) {
		buf_init(&text->heads);
		buf_init(&text->body);
	}
	if (out)
		memset(out, 0, sizeof *out);
	/* No network, no messages: the parser knows HTML 4, and vade's HTML 5 is not for it to judge. */
	htmlDocPtr doc = htmlReadMemory(html, (int)len, out_path, "UTF-8",
	                                HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                                HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
	if (!doc)
		return;
	struct seen *ids = NULL, *links = NULL;
	size_t nids = 0, icap = 0, nlinks = 0, lcap = 0;
	walk(xmlDocGetRootElement(doc) ? doc->children : NULL, &ids, &nids, &icap, &links, &nlinks, &lcap);
	if (text && xmlDocGetRootElement(doc)) {
		find_main(doc->children, text);
		trim_end(&text->heads);
		trim_end(&text->body);
	}
	xmlFreeDoc(doc);
	xqsort(ids, nids, sizeof *ids, cmp_seen);
	size_t k = 0;
	for (size_t i = 0; i < nids; i++) {
		if (k && !strcmp(ids[k - 1].value, ids[i].value)) {
			diag_error(src, 0, 0, "%s:%ld: id '%s' given twice (first at line %ld): a link to it finds only the first",
			           out_path, ids[i].line, ids[i].value, ids[k - 1].line);
			free(ids[i].value);
			continue;
		}
		ids[k++] = ids[i];
	}
	for (size_t i = 0; i < nlinks; i++) {
		size_t lo = 0, hi = k;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (strcmp(ids[mid].value, links[i].value) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if ((lo == k || strcmp(ids[lo].value, links[i].value)) && !(ours && ours(ctx, links[i].value)))
			diag_error(src, 0, 0, "%s:%ld: link to '#%s', which is no id of that file", out_path, links[i].line,
			           links[i].value);
		free(links[i].value);
	}
	free(links);
	if (out) {
		out->v = xcalloc(k + 1, sizeof *out->v);
		for (size_t i = 0; i < k; i++)
			out->v[i] = ids[i].value;
		out->n = k;
	} else {
		for (size_t i = 0; i < k; i++)
			free(ids[i].value);
	}
	free(ids);
}

void htmlids_free(struct html_ids *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		free(ids->v[i]);
	free(ids->v);
	memset(ids, 0, sizeof *ids);
}
