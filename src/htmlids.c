/* htmlids.c — ids and in-page links of an output file, and the text of its <main>, through libxml2's HTML
 * parser used as a SAX parser: it calls us at each start tag, end tag and run of text, and builds no tree.
 *
 * Why no tree: htmlReadMemory() made a node for every element, attribute and run of text of every page, an id
 * table beside them, and freed it all after one walk; that was the largest single cost of a build, a third of
 * its CPU (issue 13). The tokenizer and its error recovery stay libxml2's (the project does not hand-write an
 * HTML tokenizer): the events are those its tree builder (SAX2.c) received, in the same order, from the same
 * parse, started the way htmlReadMemory() starts it. The builder also stops a parse at two limits of its own;
 * we stop at the same places (see limits below), so ids, messages and text are what the tree gave.
 */
#include "htmlids.h"
#include "diag.h"
#include "util.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void htmlids_init(void)
{
	xmlInitParser();
}

/* An attribute found in the parse, with its element's line in the file. */
struct seen {
	char *value;
	long line;
};

struct seen_list {
	struct seen *v;
	size_t n, cap;
};

static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->value, y->value);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Takes value (malloc'd) into l. */
static void push(struct seen_list *l, char *value, long line)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct seen){value, line};
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

/* {============ The text of <main>, for the search index */

/* Names are exact: libxml2's HTML parser gives elements' names in lower case (htmlParseHTMLName).
 * A search in order, not a case-blind compare with each: 35 of those per element were 1.6 % of a
 * 10,000-page build's CPU (issue 13). */
static bool is_block(const xmlChar *name)
{
	static const char *const blocks[] = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
	                                     "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
	                                     "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section",
	                                     "summary", "sup", "table", "td", "th", "tr", "ul"}; /* in byte order */
	return xbsearch(&name, blocks, sizeof blocks / sizeof *blocks, sizeof *blocks, cmp_str) != NULL;
}

static bool is_heading(const xmlChar *name)
{
	return (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' && name[1] <= '6' && !name[2];
}

/* The attribute name of atts (name, value, name, value, ..., NULL), or NULL. Names are exact: the
 * parser gives them in lower case. */
static const xmlChar **find_att(const xmlChar **atts, const char *name)
{
	for (; atts && *atts; atts += 2)
		if (!strcmp((const char *)*atts, name))
			return atts;
	return NULL;
}

static bool left_out(const xmlChar *name, const xmlChar **atts)
{
	static const char *const skip[] = {"nav", "script", "style", "template"}; /* in byte order */
	if (xbsearch(&name, skip, sizeof skip / sizeof *skip, sizeof *skip, cmp_str))
		return true;
	return find_att(atts, "data-nosearch") != NULL;
}

/* Appends s[0..n) to b with runs of white space as one space, none at the start. The state is the
 * end of b, so a run of text given in pieces comes out as given whole. */
static void add_text(struct buf *b, const xmlChar *s, int n)
{
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n); /* the text takes at most its own length */
	char *o = b->p + b->len;
	for (const xmlChar *end = s + n; s < end; s++) {
		bool sp = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f';
		if (!sp)
			*o++ = (char)*s;
		else if (o > b->p && o[-1] != ' ')
			*o++ = ' ';
	}
	*o = '\0';
	b->len = (size_t)(o - b->p);
}

static void gap(struct buf *b)
{
	if (b->len && b->p[b->len - 1] != ' ')
		buf_addc(b, ' ');
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

/* Where an open element stands for the text. The rule is the tree walk's: in each list of siblings,
 * outside any <main>, the first <main> is read and the walk goes no further along that list; inside it
 * every element is read except the left-out ones and all they hold. */
enum place {
	SEARCHED, /* outside <main>; a <main> child would be read, unless one was already */
	PASSED,   /* outside <main>, after a <main> the walk stopped at: never read */
	MAIN,     /* the <main> being read */
	READ,     /* inside it */
	LEFT_OUT  /* inside it, in a left-out element */
};

struct frame {
	unsigned char place;
	bool main_found; /* SEARCHED: a <main> among the children so far */
	bool head;       /* inside an h1-h6 */
	bool head_start; /* this element is the outermost h1-h6: its end parts headings */
	bool block;      /* a block: its end parts words */
};

/* }============ */

/* {============ The parse */

struct parse {
	xmlParserCtxtPtr ctxt;
	struct seen_list ids, links;
	struct seen_list names; /* the names of <a> elements, anchors as ids are (report: add_names) */
	struct html_text *text; /* NULL: not wanted */
	/* frames[0] is the document, frames[i] the open element at depth i. */
	struct frame *frames;
	size_t depth, cap;
	size_t run;      /* bytes in the text node the tree would be growing; 0 after a tag, comment or PI */
	bool run_cdata;  /* ... and whether it is a CDATA node (a <script>'s, a <style>'s) */
	bool started;    /* the parser began the document (the tree's doc would exist) */
	bool stopped;
	/* The document's first node decides where an element goes that starts when none is open (after
	 * </html>, or in a fragment): the tree builder made it a child of that first node when it was the root
	 * element, a node of the document otherwise. root is the root element's frame once it is closed. */
	enum { NOTHING, ROOT, OTHER } first;
	bool root_open;
	struct frame root;
	/* htmlids_read_spans(): the fragments read once, in order, and whether one would have passed the
	 * depth limit where it stands (the page is then read whole) */
	const struct html_span *spans;
	const size_t *span_at;  /* where each stand-in's start tag begins in the text read */
	size_t nspans, next_span;
	bool overflow;
};

/* The attribute that marks the element standing in for a fragment read once. */
#define SPAN_ATT "data-vade-read-once"

/* The limits of libxml2's tree builder (2.9), which ended the parse where they were met and kept what it had:
 * nodePush() refuses an element deeper than xmlParserMaxDepth (256) open ones, and xmlSAX2Text() a text
 * node grown past XML_MAX_TEXT_LENGTH (10 MB), unless XML_PARSE_HUGE, which we never gave. Stopping here
 * at the same events keeps the ids, messages and text of such pages (deep raw HTML, say) as they were. */
static void stop(struct parse *p)
{
	p->stopped = true;
	xmlStopParser(p->ctxt);
}

static void on_start_document(void *ctx)
{
	((struct parse *)ctx)->started = true;
}

/* A <!DOCTYPE>, wherever it is: the tree put it first in the document. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
	((struct parse *)ctx)->first = OTHER;
}

/* The ids, a-names and in-page links of element el's attributes atts. */
static void collect(struct parse *p, const xmlChar *el, const xmlChar **atts)
{
	if (!atts)
		return;
	long line = p->ctxt->input->line;
	/* An <a name> is an anchor too (HTML, "find a potential indicated element"): Word's and old
	 * READMEs' <a name="x"> were reported missing though browsers go to them. */
	bool a = !xmlStrcasecmp(el, BAD_CAST "a");
	/* A link marked data-hash sets a state a script reads from the address (the sheet's #a4): no place. */
	bool state = find_att(atts, "data-hash") != NULL;
	for (; *atts; atts += 2) {
		/* A name without a value is the empty string, as it was in the tree (boolean attributes aside,
		 * which are neither id nor href). */
		const char *name = (const char *)atts[0], *v = atts[1] ? (const char *)atts[1] : "";
		if (!xmlStrcasecmp(BAD_CAST name, BAD_CAST "id") && *v)
			push(&p->ids, xstrdup(v), line);
		else if (a && !xmlStrcasecmp(BAD_CAST name, BAD_CAST "name") && *v)
			push(&p->names, xstrdup(v), line);
		else if (!xmlStrcasecmp(BAD_CAST name, BAD_CAST "href") && v[0] == '#' && v[1] && !state)
			push(&p->links, xstrdup(v + 1), line); /* as written: report() finds it, or its decoded form */
	}
}

static struct frame place_of(struct parse *p, struct frame *up, const xmlChar *name, const xmlChar **atts)
{
	struct frame f = {.place = PASSED};
	switch (up->place) {
	case SEARCHED:
		if (up->main_found)
			break;
		if (!xmlStrcasecmp(name, BAD_CAST "main")) {
			up->main_found = true;
			f.place = MAIN;
		} else {
			f.place = SEARCHED;
		}
		break;
	case MAIN:
	case READ:
		if (left_out(name, atts)) {
			f.place = LEFT_OUT;
			break;
		}
		f.place = READ;
		f.block = is_block(name);
		f.head = up->head || is_heading(name);
		f.head_start = f.head && !up->head;
		if (f.block)
			gap(&p->text->body);
		break;
	case LEFT_OUT:
		f.place = LEFT_OUT;
		break;
	}
	return f;
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct parse *p = ctx;
	if (p->stopped)
		return;
	if (p->depth > xmlParserMaxDepth) {
		stop(p);
		return;
	}
	/* The fragment's deepest element would start with depth + f.depth - 1 elements open. */
	if (p->spans && find_att(atts, SPAN_ATT)) {
		size_t i = p->next_span++;
		const xmlParserInputPtr in = p->ctxt->input;
		size_t at = (size_t)in->consumed + (size_t)(in->cur - in->base);
		/* The stand-in read as the start tag it is, from its '<' (the parser calls here before the '>'),
		 * not taken into another tag, and not past the depth limit with the fragment's elements. */
		if (i >= p->nspans || at != p->span_at[i] + 2 + strlen(p->spans[i].f.root) + strlen(SPAN_ATT) ||
		    xmlStrcasecmp(name, BAD_CAST p->spans[i].f.root) ||
		    p->depth + (size_t)p->spans[i].f.depth - 1 > (size_t)xmlParserMaxDepth) {
			p->overflow = true;
			stop(p);
			return;
		}
	}
	p->run = 0;
	collect(p, name, atts);
	if (p->depth + 1 == p->cap) {
		p->cap *= 2;
		p->frames = xrealloc(p->frames, p->cap * sizeof *p->frames);
	}
	struct frame *up = &p->frames[p->depth];
	if (!p->depth && p->first == ROOT) {
		up = &p->root;
	} else if (!p->depth && p->first == NOTHING) {
		p->first = ROOT;
		p->root_open = true;
	}
	struct frame f = p->text ? place_of(p, up, name, atts) : (struct frame){.place = PASSED};
	p->frames[++p->depth] = f;
}

static void on_end(void *ctx, const xmlChar *name)
{
	struct parse *p = ctx;
	/* The parser closes what is open at the end of the file, and an end tag the tree would have had no
	 * element for (after a stop) pops nothing here. */
	if (p->stopped || !p->depth)
		return;
	p->run = 0;
	struct frame *f = &p->frames[p->depth--];
	if (!p->depth && p->root_open) {
		p->root = *f;
		p->root_open = false;
	}
	if (f->place == READ) {
		if (f->block)
			gap(&p->text->body);
		if (f->head_start)
			gap(&p->text->heads);
	}
}

static void text(struct parse *p, const xmlChar *s, int len, bool cdata)
{
	if (p->stopped || !p->depth) /* no element open: the tree had nowhere to put it */
		return;
	if (p->run && p->run_cdata == cdata) {
		if (p->run + (size_t)len > XML_MAX_TEXT_LENGTH) {
			stop(p);
			return;
		}
		p->run += (size_t)len;
	} else {
		p->run = (size_t)len;
		p->run_cdata = cdata;
	}
	struct frame *f = &p->frames[p->depth];
	if (f->place == MAIN || f->place == READ) {
		add_text(&p->text->body, s, len);
		if (f->head)
			add_text(&p->text->heads, s, len);
	}
}

static void on_characters(void *ctx, const xmlChar *s, int len)
{
	text(ctx, s, len, false);
}

static void on_cdata(void *ctx, const xmlChar *s, int len)
{
	text(ctx, s, len, true);
}

/* A comment or processing instruction was a node of its own: the next text starts a new one; with no
 * element open, it went to the document. */
static void on_node(struct parse *p)
{
	if (p->stopped)
		return;
	p->run = 0;
	if (!p->depth && p->first == NOTHING)
		p->first = OTHER;
}

static void on_comment(void *ctx, const xmlChar *value)
{
	on_node(ctx);
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	on_node(ctx);
}

/* What htmlDefaultSAXHandler calls, less all that builds the tree (the DTD node, entities, the
 * document). No error or warning callbacks: vade's HTML 5 is not for an HTML 4 parser to judge. */
static const xmlSAXHandler handler = {
	.internalSubset = on_doctype,
	.startDocument = on_start_document,
	.startElement = on_start,
	.endElement = on_end,
	.characters = on_characters,
	.cdataBlock = on_cdata,
	.comment = on_comment,
	.processingInstruction = on_pi,
	.initialized = 1, /* as htmlDefaultSAXHandler: a SAX1 handler, which the HTML parser calls */
};

/* A parser of html as htmlReadMemory() with htmlDoRead() makes one (a memory parser context, the options,
 * UTF-8), calling h with data: what parse() reads pages with and htmlids_fragment_holes() vets with. */
static xmlParserCtxtPtr new_parser(const char *html, size_t len, const xmlSAXHandler *h, void *data, int options)
{
	xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(html, (int)len);
	if (!ctxt)
		return NULL;
	memcpy(ctxt->sax, h, sizeof(xmlSAXHandlerV1));
	ctxt->userData = data;
	htmlCtxtUseOptions(ctxt, options);
	ctxt->html = 1;
	xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
	if (utf8) {
		xmlSwitchToEncoding(ctxt, utf8);
		xmlFree((xmlChar *)ctxt->input->encoding);
		ctxt->input->encoding = xmlStrdup(BAD_CAST "UTF-8");
	}
	return ctxt;
}

/* Parses html into p, with our handler in place of the tree builder's and the file name for libxml2's
 * own messages. */
static void parse(struct parse *p, const char *html, size_t len, const char *out_path)
{
	/* No network, no messages: the parser knows HTML 4, and vade's HTML 5 is not for it to judge. */
	xmlParserCtxtPtr ctxt = new_parser(html, len, &handler, p, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	                                   HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
	if (!ctxt)
		return;
	p->ctxt = ctxt;
	if (!ctxt->input->filename)
		ctxt->input->filename = (char *)xmlStrdup(BAD_CAST out_path);
	p->cap = 64;
	p->frames = xmalloc(p->cap * sizeof *p->frames);
	p->frames[0] = (struct frame){.place = SEARCHED};
	htmlParseDocument(ctxt);
	xmlFreeParserCtxt(ctxt);
	free(p->frames);
}

/* }============ */

void htmlids_check(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *out)
{
	htmlids_check_with(html, len, out_path, src, out, NULL);
}

void htmlids_check_with(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *out,
                        const struct htmlids_hooks *hooks)
{
	htmlids_read(html, len, out_path, src, out, hooks, NULL);
}

static void report(struct parse *p, const char *out_path, const char *src, struct html_ids *out,
                   const struct htmlids_hooks *hooks, struct html_text *text);

void htmlids_read(const char *html, size_t len, const char *out_path, const char *src, struct html_ids *out,
                  const struct htmlids_hooks *hooks, struct html_text *text)
{
	if (text) {
		buf_init(&text->heads);
		buf_init(&text->body);
	}
	if (out)
		memset(out, 0, sizeof *out);
	struct parse p = {.text = text};
	parse(&p, html, len, out_path);
	report(&p, out_path, src, out, hooks, text);
}

/* Whether the sorted ids[0, n) hold id. */
static bool has_id(const struct seen *ids, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(ids[mid].value, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(ids[lo].value, id);
}

/* Adds to p's ids, ids[0, k) once each and sorted, the names of its <a> elements, and returns how many
 * it has then (sorted again). A browser looks for an id first, then for an <a> of that name (HTML, "find
 * a potential indicated element"): a name that is also an id is that one anchor (<a name="x" id="x">,
 * as old pages wrote both), and a name given twice is not said, as an id given twice is: names were
 * never checked, and the theme and the headings, whose ids could clash unseen, give none. */
static size_t add_names(struct parse *p, size_t k)
{
	struct seen *names = p->names.v;
	size_t n = p->names.n;
	xqsort(names, n, sizeof *names, cmp_seen);
	p->ids.n = k;
	for (size_t i = 0; i < n; i++)
		if ((!i || strcmp(names[i - 1].value, names[i].value)) && !has_id(p->ids.v, k, names[i].value))
			push(&p->ids, xstrdup(names[i].value), names[i].line);
	for (size_t i = 0; i < n; i++)
		free(names[i].value);
	free(names);
	p->names = (struct seen_list){0};
	xqsort(p->ids.v, p->ids.n, sizeof *p->ids.v, cmp_seen);
	return p->ids.n;
}

/* What a parse found: its messages, and ids and text for the caller. */
static void report(struct parse *p, const char *out_path, const char *src, struct html_ids *out,
                   const struct htmlids_hooks *hooks, struct html_text *text)
{
	/* A parse that never began had no document: nothing to report or fill, as before. */
	if (!p->started)
		return;
	if (text) {
		trim_end(&text->heads);
		trim_end(&text->body);
	}
	struct seen *ids = p->ids.v, *links = p->links.v;
	size_t nids = p->ids.n, nlinks = p->links.n;
	xqsort(ids, nids, sizeof *ids, cmp_seen);
	size_t k = 0;
	for (size_t i = 0; i < nids; i++) {
		const char *at;
		int line, col;
		if (k && !strcmp(ids[k - 1].value, ids[i].value) && hooks && hooks->place &&
		    hooks->place(hooks->ctx, ids[i].value, &at, &line, &col)) {
			diag_error(at, line, col, "this id, '%s', is given twice in %s (lines %ld and %ld): a link to it finds "
			           "only the first; give it one no other element of the page has", ids[i].value, out_path,
			           ids[k - 1].line, ids[i].line);
			free(ids[i].value);
			continue;
		}
		if (k && !strcmp(ids[k - 1].value, ids[i].value)) {
			diag_error(src, 0, 0, "%s:%ld: id '%s' given twice (first at line %ld): a link to it finds only the first",
			           out_path, ids[i].line, ids[i].value, ids[k - 1].line);
			free(ids[i].value);
			continue;
		}
		ids[k++] = ids[i];
	}
	k = add_names(p, k);
	ids = p->ids.v;
	/* A fragment names the id it is as written, else the id it is percent-decoded (HTML, "find a
	 * potential indicated element": cmark-gfm writes a footnote's id percent-encoded, id="fn-n%C3%A9",
	 * and its link so, which named no id once decoded: helper-128). */
	for (size_t i = 0; i < nlinks; i++) {
		char *decoded = fragment_id(links[i].value);
		/* "#top" with no such id is the top of the page (HTML, "scroll to the fragment": an ASCII
		 * case-insensitive "top"; helper-144); the caller asked only about a link to no id */
		if (!has_id(ids, k, links[i].value) && !has_id(ids, k, decoded) &&
		    !(hooks && hooks->ours && hooks->ours(hooks->ctx, decoded)) && strcasecmp(decoded, "top"))
			diag_error(src, 0, 0, "%s:%ld: link to '#%s', which is no id of that file", out_path, links[i].line,
			           decoded);
		free(decoded);
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

/* {============ Fragments read once (htmlids.h) */

static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == ':' || c == '.';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool htmlids_url_text(const char *s, size_t n)
{
	if (n && s[0] == '#')
		return false;
	/* A character reference could be read as '#' ("&#35;nope" is a link to #nope): '&' only as
	 * "&amp;", what escaping a link makes of it. */
	for (size_t i = 0; i < n; i++)
		if (is_space(s[i]) || s[i] == '"' || s[i] == '\'' || s[i] == '<' || s[i] == '>' || s[i] == '`' ||
		    (s[i] == '&' && (n - i < 5 || memcmp(s + i, "&amp;", 5))))
			return false;
	return true;
}

bool htmlids_attr_text(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (s[i++] != ' ')
			return false;
		size_t name = i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-'))
			i++;
		size_t nl = i - name;
		if (!nl || (nl == 2 && !strncasecmp(s + name, "id", 2)) || (nl == 4 && !strncasecmp(s + name, "href", 4)) ||
		    (nl == 4 && !strncasecmp(s + name, "name", 4)) || /* an <a>'s name is an anchor */
		    (nl >= 9 && !strncasecmp(s + name, "data-vade", 9)))
			return false;
		if (i + 1 >= n || s[i] != '=' || s[i + 1] != '"')
			return false;
		for (i += 2; i < n && s[i] != '"'; i++)
			if (s[i] == '<' || s[i] == '>' || s[i] == '&' || s[i] == '`' || s[i] == '#')
				return false;
		if (i++ >= n)
			return false;
	}
	return true;
}

/* The white space html[0..len) starts and ends with. */
static void white_frame(const char *html, size_t len, size_t *lead, size_t *trail)
{
	size_t a = 0, b = 0;
	while (a < len && is_space(html[a]))
		a++;
	while (b < len - a && is_space(html[len - 1 - b]))
		b++;
	*lead = a;
	*trail = b;
}

bool htmlids_same_frame(const char *html, size_t len, const struct html_fragment *f)
{
	size_t lead, trail, n = strlen(f->root);
	white_frame(html, len, &lead, &trail);
	return lead == f->lead && trail == f->trail && len - lead - trail > n + 1 && html[lead] == '<' &&
	       !strncasecmp(html + lead + 1, f->root, n) && !name_char((unsigned char)html[lead + 1 + n]);
}

/* The parse of a fragment between "<html><body>" and "</body></html>". */
struct vet {
	xmlParserCtxtPtr ctxt;
	const char *doc;
	size_t start, end;      /* the fragment's bytes in doc */
	size_t lead, trail;     /* its white space before and after its element */
	int depth;              /* open elements, html and body included */
	int deepest;
	bool ok, root_seen, root_closed;
	char root[16];
	size_t nholes;          /* htmlids_fragment_holes(): the sentinels found where they may stand */
	size_t *seen_u, *seen_c;
};

/* The number after prefix in s when s is exactly prefix and digits, else SIZE_MAX. */
static size_t sentinel(const char *s, const char *prefix)
{
	size_t pl = strlen(prefix), v = 0;
	if (strncmp(s, prefix, pl) || !s[pl])
		return SIZE_MAX;
	for (s += pl; *s; s++) {
		if (*s < '0' || *s > '9' || v > SIZE_MAX / 20)
			return SIZE_MAX;
		v = v * 10 + (size_t)(*s - '0');
	}
	return v;
}

static bool left_out_name(const xmlChar *name)
{
	static const char *const names[] = {"nav", "script", "style", "template"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!xmlStrcasecmp(name, BAD_CAST names[i]))
			return true;
	return false;
}

/* Where the parser is, as an offset into the document (the input is read through the UTF-8 decoder in
 * pieces: base is where the piece starts, consumed what came before it). */
static size_t vet_at(const struct vet *v)
{
	return (size_t)v->ctxt->input->consumed + (size_t)(v->ctxt->input->cur - v->ctxt->input->base);
}

static void vet_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct vet *v = ctx;
	if (v->depth < 2) { /* the html and body around it */
		v->depth++;
		return;
	}
	if (v->depth == 2) {
		size_t n = strlen((const char *)name), at = v->start + v->lead;
		if (v->root_seen || !left_out_name(name) || n >= sizeof v->root || v->doc[at] != '<' ||
		    strncasecmp(v->doc + at + 1, (const char *)name, n) || name_char((unsigned char)v->doc[at + 1 + n]))
			v->ok = false;
		else
			memcpy(v->root, name, n + 1);
		v->root_seen = true;
	}
	if (!xmlStrcasecmp(name, BAD_CAST "main"))
		v->ok = false;
	for (; atts && *atts; atts += 2) {
		size_t k;
		if (v->nholes && (k = sentinel((const char *)atts[0], "data-vade-c")) < v->nholes)
			v->seen_c[k]++;
		if (v->nholes && atts[1] && (k = sentinel((const char *)atts[1], "vade-u")) < v->nholes)
			v->seen_u[k]++;
		if (!xmlStrcasecmp(atts[0], BAD_CAST "id") || !xmlStrcasecmp(atts[0], BAD_CAST SPAN_ATT) ||
		    (!xmlStrcasecmp(name, BAD_CAST "a") && !xmlStrcasecmp(atts[0], BAD_CAST "name")))
			v->ok = false;
		else if (!xmlStrcasecmp(atts[0], BAD_CAST "href") && atts[1] && atts[1][0] == '#')
			v->ok = false;
	}
	if (++v->depth - 2 > v->deepest)
		v->deepest = v->depth - 2;
}

/* Whether the element name the parser ends now was ended by its own end tag just read (or is void, or
 * written <x/>), not closed by the parser for something else. The parser keeps the last line it read
 * before cur (LINE_LEN bytes) when it moves on to the next piece of its input: enough for an end tag;
 * one it does not have is taken for not read (the fragment is then read on each page). */
static bool ended_by_itself(const struct vet *v, const xmlChar *name)
{
	const char *b = (const char *)v->ctxt->input->base, *e = (const char *)v->ctxt->input->cur;
	const htmlElemDesc *d = htmlTagLookup(name);
	if (d && d->empty)
		return true;
	if (e - b < 2 || e[-1] != '>')
		return false;
	if (e[-2] == '/')
		return true;
	e--;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	size_t n = strlen((const char *)name);
	return (size_t)(e - b) >= n + 2 && !strncasecmp(e - n, (const char *)name, n) && e[-n - 1] == '/' &&
	       e[-n - 2] == '<';
}

static void vet_end(void *ctx, const xmlChar *name)
{
	struct vet *v = ctx;
	if (v->depth <= 2) {
		if (v->depth > 0)
			v->depth--;
		return;
	}
	if (!ended_by_itself(v, name))
		v->ok = false;
	if (--v->depth == 2) {
		v->root_closed = true;
		if (vet_at(v) != v->end - v->trail)
			v->ok = false;
	}
}

static void vet_text(void *ctx, const xmlChar *s, int len)
{
	struct vet *v = ctx;
	for (int i = 0; v->depth <= 2 && i < len; i++) /* text beside the fragment's element: white space only */
		if (!is_space((char)s[i]))
			v->ok = false;
}

static void vet_node(void *ctx, const xmlChar *a, const xmlChar *b)
{
	struct vet *v = ctx;
	if (v->depth <= 2)
		v->ok = false;
}

static void vet_comment(void *ctx, const xmlChar *value)
{
	vet_node(ctx, value, NULL);
}

/* libxml2 knows HTML 4: an HTML 5 tag is "invalid" to it and nothing else. Any other error (an end tag
 * without its element, a misplaced tag, a broken attribute or entity) and the fragment is read on each page. */
static void vet_error(void *ctx, const char *msg, ...)
{
	struct vet *v = ctx;
	if (v->ctxt->errNo != XML_HTML_UNKNOWN_TAG)
		v->ok = false;
}

static const xmlSAXHandler vet_handler = {
	.startElement = vet_start,
	.endElement = vet_end,
	.characters = vet_text,
	.cdataBlock = vet_text,
	.comment = vet_comment,
	.processingInstruction = vet_node,
	.error = vet_error,
	.warning = NULL,
	.initialized = 1,
};

bool htmlids_fragment(const char *html, size_t len, struct html_fragment *f)
{
	return htmlids_fragment_holes(html, len, 0, NULL, NULL, f);
}

bool htmlids_fragment_holes(const char *html, size_t len, size_t nholes, const unsigned char *kind,
                            const size_t *occurs, struct html_fragment *f)
{
	static const char pre[] = "<html><body>", post[] = "</body></html>";
	size_t lead, trail;
	white_frame(html, len, &lead, &trail);
	/* Under the tree builder's limit on a text node (XML_MAX_TEXT_LENGTH), which a text inside the
	 * element, read on a page, could otherwise reach where the stand-in does not. */
	if (len - lead - trail < 3 || len >= XML_MAX_TEXT_LENGTH || memchr(html, '\0', len))
		return false;
	struct buf doc = BUF_INIT;
	buf_adds(&doc, pre);
	buf_add(&doc, html, len);
	buf_adds(&doc, post);
	struct vet v = {.doc = doc.p, .start = sizeof pre - 1, .end = sizeof pre - 1 + len, .lead = lead,
	                .trail = trail, .ok = true, .nholes = nholes};
	/* As parse() reads pages, but errors reported (to vet_error). */
	xmlParserCtxtPtr ctxt = new_parser(doc.p, doc.len, &vet_handler, &v, HTML_PARSE_RECOVER | HTML_PARSE_NOWARNING |
	                                   HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
	if (!ctxt) {
		buf_free(&doc);
		return false;
	}
	v.ctxt = ctxt;
	if (nholes) {
		v.seen_u = xcalloc(nholes, sizeof *v.seen_u);
		v.seen_c = xcalloc(nholes, sizeof *v.seen_c);
	}
	htmlParseDocument(ctxt);
	xmlFreeParserCtxt(ctxt);
	buf_free(&doc);
	/* Far from the limits the tree builder had (depth, a text node's length), which a page may then reach. */
	bool ok = v.ok && v.root_seen && v.root_closed && v.deepest <= 200;
	/* Each sentinel found as often as its hole is in the output, where its kind may stand, nowhere else. */
	for (size_t k = 0; k < nholes && ok; k++)
		ok = kind[k] == 'u' ? v.seen_u[k] == occurs[k] && !v.seen_c[k] : v.seen_c[k] == occurs[k] && !v.seen_u[k];
	free(v.seen_u);
	free(v.seen_c);
	if (ok) {
		f->depth = v.deepest;
		memcpy(f->root, v.root, sizeof f->root);
		f->lead = lead;
		f->trail = trail;
	}
	return ok;
}

static void parse_free(struct parse *p)
{
	for (size_t i = 0; i < p->ids.n; i++)
		free(p->ids.v[i].value);
	for (size_t i = 0; i < p->links.n; i++)
		free(p->links.v[i].value);
	for (size_t i = 0; i < p->names.n; i++)
		free(p->names.v[i].value);
	free(p->ids.v);
	free(p->links.v);
	free(p->names.v);
}

void htmlids_read_spans(const char *html, size_t len, const struct html_span *spans, size_t nspans,
                        const char *out_path, const char *src, struct html_ids *out,
                        const struct htmlids_hooks *hooks, struct html_text *text)
{
	/* A page that has the marker of its own is read whole. */
	if (!nspans || memmem(html, len, SPAN_ATT, sizeof SPAN_ATT - 1)) {
		htmlids_read(html, len, out_path, src, out, hooks, text);
		return;
	}
	struct buf b = BUF_INIT;
	size_t at = 0, *span_at = xcalloc(nspans, sizeof *span_at);
	for (size_t i = 0; i < nspans; i++) {
		const struct html_span *sp = &spans[i];
		const char *root = html + sp->off + sp->f.lead, *end = html + sp->off + sp->len - sp->f.trail;
		buf_add(&b, html + at, sp->off + sp->f.lead - at);
		span_at[i] = b.len;
		buf_addf(&b, "<%s " SPAN_ATT ">", sp->f.root);
		for (const char *c = root; (c = memchr(c, '\n', (size_t)(end - c))); c++)
			buf_addc(&b, '\n');
		buf_addf(&b, "</%s>", sp->f.root);
		at = sp->off + sp->len - sp->f.trail;
	}
	buf_add(&b, html + at, len - at);
	if (text) {
		buf_init(&text->heads);
		buf_init(&text->body);
	}
	if (out)
		memset(out, 0, sizeof *out);
	struct parse p = {.text = text, .spans = spans, .span_at = span_at, .nspans = nspans};
	parse(&p, b.p, b.len, out_path);
	buf_free(&b);
	free(span_at);
	if (p.overflow || p.next_span != nspans) {
		parse_free(&p);
		if (text)
			html_text_free(text);
		htmlids_read(html, len, out_path, src, out, hooks, text);
		return;
	}
	report(&p, out_path, src, out, hooks, text);
}

/* }============ */
