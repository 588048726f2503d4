/* yml.c — libyaml's event stream folded into node trees with marks. */
#include "yml.h"
#include "diag.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* Deep enough for any real content file; stops stack exhaustion on hostile input. */
#define MAX_DEPTH 64
/* Aliases are rare in content; many of them is the signature of an expansion bomb. */
#define MAX_ALIASES 256
/* Nodes aliases may add to a document once expanded (templates see it expanded), beyond those
 * its text writes: an expansion bomb stops here, and a large file (a bibliography of 100,000
 * sources is a million nodes) is bounded by its size alone. */
#define MAX_EXPANSION 1000000

struct anchor {
	char *name;
	struct yml_node *node;
	size_t weight;
};

struct ctx {
	struct yml_doc *doc;
	yaml_parser_t parser;
	const char *text;
	size_t len;
	size_t cur_off;         /* a line's offset in text (cur_line, 0-based): events come in order */
	int cur_line;
	bool odd_breaks;        /* text holds U+0085, U+2028 or U+2029 (mark_place) */
	size_t mk_index, mk_off, mk_start; /* mark_place's cursor: a character index, its byte offset
	                                    * and the start of its line, which is mk_line (0-based) */
	int mk_line;
	int line0;
	bool controls_ok;       /* a record vade wrote: escaped control characters are text it holds */
	struct anchor *anchors;
	size_t nanchors, capanchors, naliases;
	size_t written;         /* nodes the text writes (an alias is not one) */
	bool failed;
	bool refused;           /* a value vade does not take was said (refuse_at): no document */
};

/* A chunk of a doc's memory: the newest first, each linking to the one before. */
struct yml_chunk {
	struct yml_chunk *prev;
	size_t used, cap;
	_Alignas(struct yml_node) unsigned char data[];
};

/* The bytes yml_alloc() takes for n bytes: what the nodes' fields need (pointers, sizes, ints);
 * a text needs no more. */
static size_t alloc_size(size_t n)
{
	return (n + _Alignof(struct yml_node) - 1) & ~(_Alignof(struct yml_node) - 1);
}

void *yml_alloc(struct yml_doc *doc, size_t n)
{
	n = alloc_size(n);
	struct yml_chunk *c = doc->mem;
	if (!c || c->cap - c->used < n) {
		/* the first is sized by yml_parse(); a data file's chunks grow to 64 KiB */
		size_t cap = c ? (c->cap < 32768 ? c->cap * 2 : 65536) : 480;
		if (cap < n)
			cap = n;
		c = xmalloc(sizeof *c + cap);
		*c = (struct yml_chunk){.prev = doc->mem, .cap = cap};
		doc->mem = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return memset(p, 0, n);
}

void yml_bytes(const struct yml_doc *doc, size_t *held, size_t *used)
{
	*held = *used = 0;
	for (const struct yml_chunk *k = doc ? doc->mem : NULL; k; k = k->prev)
		*held += k->cap, *used += k->used;
}

/* Whether text[i] starts U+0085, U+2028 or U+2029 (ending before len): line breaks to
 * libyaml (YAML 1.1), not to editors. */
static bool odd_break_at(const char *text, size_t i, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	return (i + 1 < len && t[i] == 0xc2 && t[i + 1] == 0x85) ||
	       (i + 2 < len && t[i] == 0xe2 && t[i + 1] == 0x80 && (t[i + 2] == 0xa8 || t[i + 2] == 0xa9));
}

/* The file line and column (1-based, the column in characters) of a libyaml mark. libyaml
 * (YAML 1.1) also breaks lines at U+0085, U+2028 and U+2029, which editors, grep and the
 * Markdown body do not: in a text holding one, the mark's character index is walked to (from a
 * cursor, as marks mostly come in order) and its line and column counted from line feeds. */
static void mark_place(struct ctx *c, yaml_mark_t m, int *line, int *col)
{
	if (!c->odd_breaks) {
		*line = (int)m.line + c->line0;
		*col = (int)m.column + 1;
		return;
	}
	if (m.index < c->mk_index)
		c->mk_index = 0, c->mk_off = 0, c->mk_line = 0, c->mk_start = 0;
	while (c->mk_index < m.index && c->mk_off < c->len) {
		if (c->text[c->mk_off] == '\n')
			c->mk_line++, c->mk_start = c->mk_off + 1;
		do
			c->mk_off++;
		while (c->mk_off < c->len && ((unsigned char)c->text[c->mk_off] & 0xc0) == 0x80);
		c->mk_index++;
	}
	*line = c->mk_line + c->line0;
	*col = 1;
	for (size_t k = c->mk_start; k < c->mk_off; k++)
		*col += ((unsigned char)c->text[k] & 0xc0) != 0x80;
}

static int mark_line(struct ctx *c, yaml_mark_t m)
{
	int line, col;
	mark_place(c, m, &line, &col);
	return line;
}

static void fail(struct ctx *c, yaml_mark_t m, const char *msg)
{
	int line, col;
	mark_place(c, m, &line, &col);
	if (!c->failed)
		diag_error(c->doc->path, line, col, "%s", msg);
	c->failed = true;
}

/* A word for an error on a line whose value starts with a character YAML reads as syntax ("title:
 * [WIP] Guide" is a list, then text libyaml cannot place: helper-144), or "". */
static const char *quoting_hint(const char *text, size_t len, size_t at)
{
	if (!text || at > len)
		return "";
	size_t b = at;
	while (b && text[b - 1] != '\n')
		b--;
	const char *l = text + b, *e = memchr(l, '\n', len - b);
	size_t n = e ? (size_t)(e - l) : len - b;
	const char *colon = memmem(l, n, ": ", 2);
	if (!colon)
		return "";
	const char *v = colon + 2;
	while (v < l + n && *v == ' ')
		v++;
	return v < l + n && strchr("[{*&!@`%|>", *v)
	           ? " (a value that starts with '[', '{', '*', '&', '!', '@', '`', '%', '|' or '>' is YAML's syntax, not "
	             "text: quote it, title: \"[WIP] Guide\")"
	           : "";
}

static bool next(struct ctx *c, yaml_event_t *ev)
{
	if (yaml_parser_parse(&c->parser, ev))
		return true;
	yaml_mark_t m = c->parser.problem_mark;
	int line, col;
	if (c->parser.error == YAML_READER_ERROR) {
		/* libyaml's reader gives a byte offset, not a mark: the line and column (in characters) are counted here */
		size_t at = c->parser.problem_offset < c->len ? c->parser.problem_offset : c->len;
		text_pos(c->text, at, &line, &col);
		line += c->line0 - 1;
		int v = c->parser.problem_value;
		char what[32] = "";
		if (v >= 0)
			snprintf(what, sizeof what, v ? " (U+%04X)" : " (a NUL byte)", (unsigned)v);
		diag_error(c->doc->path, line, col, "invalid YAML: %s%s", c->parser.problem ? c->parser.problem : "unreadable text",
		           what);
		c->failed = true;
		return false;
	}
	mark_place(c, m, &line, &col);
	const char *hint = quoting_hint(c->text, c->len, m.index);
	if (c->parser.problem && c->parser.context)
		diag_error(c->doc->path, line, col, "invalid YAML: %s %s%s", c->parser.problem, c->parser.context, hint);
	else
		diag_error(c->doc->path, line, col, "invalid YAML: %s%s", c->parser.problem ? c->parser.problem : "syntax error",
		           hint);
	c->failed = true;
	return false;
}

static void add_anchor(struct ctx *c, const char *name, struct yml_node *n, size_t w)
{
	if (c->nanchors == c->capanchors) {
		c->capanchors = c->capanchors ? c->capanchors * 2 : 8;
		c->anchors = xrealloc(c->anchors, c->capanchors * sizeof *c->anchors);
	}
	c->anchors[c->nanchors++] = (struct anchor){xstrdup(name), n, w};
}

static void fail_at(struct ctx *c, const struct yml_node *n, const char *msg)
{
	if (!c->failed)
		diag_error(c->doc->path, n->line, n->col, "%s", msg);
	c->failed = true;
}

/* A value the file's syntax allows and vade does not (a NUL, a control character, a noncharacter):
 * said at it, and the parse goes on, so each such value of the file is said in one run (helper-126:
 * the first alone was); the document is refused at its end (c->refused). */
static void refuse_at(struct ctx *c, const struct yml_node *n, const char *msg)
{
	if (!c->failed)
		diag_error(c->doc->path, n->line, n->col, "%s", msg);
	c->refused = true;
}

/* {======= tags and the core schema (YAML 1.2, 10.3.2) */

#define CORE "tag:yaml.org,2002:"

static enum yml_tag tag_of(const yaml_char_t *t)
{
	const char *s = (const char *)t;
	if (!s)
		return YML_TAG_NONE;
	if (strncmp(s, CORE, strlen(CORE)))
		return YML_TAG_OTHER;
	s += strlen(CORE);
	static const struct {
		const char *name;
		enum yml_tag tag;
	} core[] = {{"str", YML_TAG_STR}, {"int", YML_TAG_INT}, {"float", YML_TAG_FLOAT},
	            {"bool", YML_TAG_BOOL}, {"null", YML_TAG_NULL}, {"set", YML_TAG_SET}};
	for (size_t i = 0; i < sizeof core / sizeof *core; i++)
		if (!strcmp(s, core[i].name))
			return core[i].tag;
	return YML_TAG_OTHER;
}

static bool is_null_text(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static bool is_bool_text(const char *s, long long *v)
{
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return *v = 1, true;
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return *v = 0, true;
	return false;
}

static int digit(char ch, int base)
{
	int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	      : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : 99;
	return d < base ? d : -1;
}

/* [-+]?[0-9]+, 0o[0-7]+ or 0x[0-9a-fA-F]+: YML_T_INT, or YML_T_FLOAT when it is
 * beyond 64 bits; YML_T_STR when s is no integer. */
static enum yml_type core_int(const char *s, long long *iv, double *dv)
{
	int base = 10;
	bool neg = false;
	const char *p = s;
	if (p[0] == '0' && (p[1] == 'o' || p[1] == 'x'))
		base = p[1] == 'o' ? 8 : 16, p += 2;
	else if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!*p)
		return YML_T_STR;
	unsigned long long u = 0;
	double d = 0;
	bool over = false;
	for (; *p; p++) {
		int k = digit(*p, base);
		if (k < 0)
			return YML_T_STR;
		over = over || u > (ULLONG_MAX - (unsigned)k) / (unsigned)base;
		u = u * (unsigned)base + (unsigned)k;
		d = d * base + k;
	}
	if (!over && (neg ? u <= (unsigned long long)LLONG_MAX + 1 : u <= (unsigned long long)LLONG_MAX)) {
		*iv = neg ? (long long)(0 - u) : (long long)u;
		return YML_T_INT;
	}
	*dv = base == 10 ? strtod(s, NULL) : d; /* strtod rounds a decimal once; d rounded at each digit */
	return YML_T_FLOAT;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, [-+]?\.inf (Inf, INF), \.nan (NaN, NAN). */
static bool core_float(const char *s, double *dv)
{
	const char *p = s + (*s == '-' || *s == '+');
	if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF"))
		return *dv = *s == '-' ? -HUGE_VAL : HUGE_VAL, true;
	if (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN"))
		return *dv = NAN, true;
	size_t ip = strspn(p, "0123456789"), fp = 0;
	if (p[ip] == '.')
		fp = strspn(p + ip + 1, "0123456789");
	if (!ip && !fp)
		return false;
	const char *e = p + ip + (p[ip] == '.' ? 1 + fp : 0);
	if (*e == 'e' || *e == 'E') {
		const char *x = e + 1 + (e[1] == '-' || e[1] == '+');
		size_t xd = strspn(x, "0123456789");
		if (!xd)
			return false;
		e = x + xd;
	}
	if (*e)
		return false;
	*dv = strtod(s, NULL); /* the C locale: '.' is the decimal point */
	return true;
}

/* What the text of a scalar resolves to under the core schema; tag narrows it to one type. */
static enum yml_type core_resolve(const char *s, long long *iv, double *dv)
{
	if (is_null_text(s))
		return YML_T_NULL;
	if (is_bool_text(s, iv))
		return YML_T_BOOL;
	enum yml_type t = core_int(s, iv, dv);
	if (t != YML_T_STR)
		return t;
	return core_float(s, dv) ? YML_T_FLOAT : YML_T_STR;
}

/* A core tag's name ("int" for !!int), or NULL for another tag or none. */
static const char *core_name(const yaml_char_t *tag)
{
	const char *t = (const char *)tag;
	return t && !strncmp(t, CORE, strlen(CORE)) ? t + strlen(CORE) : NULL;
}

/* Whether the core tag name is one of the collection tags of the kind: !!map and !!set for
 * mappings, !!seq, !!omap and !!pairs for sequences; any other core tag is a scalar's. */
static bool collection_tag(const char *name, enum yml_kind kind)
{
	static const char *const maps[] = {"map", "set", NULL}, *const seqs[] = {"seq", "omap", "pairs", NULL};
	for (const char *const *t = kind == YML_MAP ? maps : seqs; *t; t++)
		if (!strcmp(name, *t))
			return true;
	return false;
}

/* A node with a core tag of another kind than its own ("!!seq {}", "!!int [1]", "!!map x"). */
static bool tag_fits(struct ctx *c, const struct yml_node *n, const yaml_char_t *tag, yaml_mark_t m)
{
	const char *name = core_name(tag);
	if (!name)
		return true;
	bool fits = n->kind == YML_SCALAR ? !collection_tag(name, YML_MAP) && !collection_tag(name, YML_SEQ)
	                                  : collection_tag(name, n->kind);
	if (fits)
		return true;
	char *msg = xasprintf("a %s cannot have the tag !!%s",
	                      n->kind == YML_MAP ? "mapping" : n->kind == YML_SEQ ? "sequence" : "scalar value", name);
	int line, col;
	mark_place(c, m, &line, &col);
	refuse_at(c, &(struct yml_node){.line = line, .col = col}, msg); /* the rest is read on (helper-128) */
	free(msg);
	return true;
}

/* A scalar with a core tag holds a value of its type: !!int 12, !!float 1.5 (or 1), !!bool true, !!null ~. */
static bool tagged_scalar(struct ctx *c, struct yml_node *n, const yaml_event_t *ev)
{
	long long iv;
	double dv;
	const char *want = NULL;
	switch (n->tag) {
	case YML_TAG_INT: {
		enum yml_type t = core_int(n->str, &iv, &dv);
		if (t == YML_T_FLOAT)
			want = "an integer of 64 bits (it is beyond them)";
		else if (t != YML_T_INT)
			want = "an integer (12, -3, 0o17, 0x1F)";
		break;
	}
	case YML_TAG_FLOAT:
		if (core_int(n->str, &iv, &dv) == YML_T_STR && !core_float(n->str, &dv))
			want = "a number (1.5, .5, 1e3, .inf, .nan)";
		break;
	case YML_TAG_BOOL:
		if (!is_bool_text(n->str, &iv))
			want = "true or false";
		break;
	case YML_TAG_NULL:
		if (!is_null_text(n->str))
			want = "null (~, null or nothing)";
		break;
	default:
		return tag_fits(c, n, ev->data.scalar.tag, ev->start_mark);
	}
	if (!want)
		return true;
	char *m = xasprintf("'%.*s' is not %s, as its tag !!%s says", text_head(n->str, 60), n->str, want,
	                    core_name(ev->data.scalar.tag));
	int line, col;
	mark_place(c, ev->start_mark, &line, &col); /* at the tag, which says what the value must be */
	refuse_at(c, &(struct yml_node){.line = line, .col = col}, m);
	free(m);
	return true;
}

/* }======= */

/* The byte offset in the text of libyaml's line (0-based) and column (in characters): lines are
 * found from a cursor that moves forward, as the events come in the text's order. */
static size_t text_offset(struct ctx *c, int line, int col)
{
	if (c->cur_line > line)
		c->cur_line = 0, c->cur_off = 0;
	while (c->cur_line < line && c->cur_off < c->len) {
		const char *nl = memchr(c->text + c->cur_off, '\n', c->len - c->cur_off);
		c->cur_off = nl ? (size_t)(nl - c->text) + 1 : c->len;
		c->cur_line++;
	}
	size_t o = c->cur_off;
	for (int k = 0; k < col && o < c->len && c->text[o] != '\n'; k++)
		do
			o++;
		while (o < c->len && ((unsigned char)c->text[o] & 0xc0) == 0x80);
	return o;
}

/* A scalar's node starts at its tag or anchor ("!!str &a text"): its line and column are moved
 * to its text, where a message about the text points and where a rewrite of it starts (an
 * import keeps the tag and anchor). */
static void skip_properties(struct ctx *c, struct yml_node *n)
{
	int line = n->line - c->line0; /* libyaml's, 0-based */
	size_t o = text_offset(c, line, n->col - 1), start = o;
	while (o < c->len && (c->text[o] == '!' || c->text[o] == '&')) {
		while (o < c->len && !strchr(" \t\r\n", c->text[o]))
			o++;
		while (o < c->len && strchr(" \t\r\n", c->text[o])) {
			if (c->text[o] == '\n')
				line++, start = o + 1;
			o++;
		}
	}
	if (line == n->line - c->line0)
		start = text_offset(c, line, 0);
	int col = 1;
	for (size_t k = start; k < o; k++)
		col += ((unsigned char)c->text[k] & 0xc0) != 0x80 && c->text[k] != '\r';
	n->line = line + c->line0;
	n->col = col;
}

/* Whether U+0085, U+2028 or U+2029 is in scalar n's text in the file. */
static bool odd_break_in(struct ctx *c, const struct yml_node *n)
{
	size_t st = text_offset(c, n->line - c->line0, n->col - 1), en = text_offset(c, n->eline - c->line0, n->ecol - 1);
	for (size_t i = st; i < en; i++)
		if (odd_break_at(c->text, i, en))
			return true;
	return false;
}

/* A block scalar's header ("|", ">-", "|2") at n, and the indentation of its text: that of its
 * first line holding more than spaces. With an indentation indicator the text's indentation is
 * the parent's and the indicator's: the style says it is not known. */
static void block_header(struct ctx *c, struct yml_node *n)
{
	int line = n->line - c->line0;
	size_t o = text_offset(c, line, n->col - 1);
	for (size_t k = o + 1; k < c->len && k < o + 3; k++)
		if (c->text[k] >= '1' && c->text[k] <= '9')
			n->style = YML_STYLE_BLOCK_INDENTED;
	o = text_offset(c, line + 1, 0);
	while (o < c->len) {
		size_t sp = o;
		while (sp < c->len && c->text[sp] == ' ')
			sp++;
		if (sp < c->len && c->text[sp] != '\n' && c->text[sp] != '\r') {
			n->indent = (unsigned char)(sp - o > 255 ? 255 : sp - o);
			return;
		}
		const char *nl = memchr(c->text + sp, '\n', c->len - sp);
		if (!nl)
			break;
		o = (size_t)(nl - c->text) + 1;
	}
}

static struct yml_node *new_node(struct ctx *c, enum yml_kind kind, yaml_mark_t m)
{
	struct yml_node *n = yml_alloc(c->doc, sizeof *n);
	n->kind = kind;
	mark_place(c, m, &n->line, &n->col);
	return n;
}

/* The kids of a mapping or list are gathered in a vec and carved out once, at their number
 * (doubling inside the chunks left a third of a front matter's lists unused). */
struct key_at {
	const char *key;
	uint32_t at;
};

static int cmp_key_at(const void *a, const void *b)
{
	return strcmp(((const struct key_at *)a)->key, ((const struct key_at *)b)->key);
}

/* Writes after map's kids (room made for them) its keys' indices in key order (yml_get). */
static void index_keys(struct yml_node *map)
{
	size_t pairs = map->n / 2;
	struct key_at *v = xmalloc(pairs * sizeof *v);
	for (size_t i = 0; i < pairs; i++)
		v[i] = (struct key_at){map->kids[2 * i]->str, (uint32_t)i};
	xqsort(v, pairs, sizeof *v, cmp_key_at);
	uint32_t *order = (uint32_t *)(map->kids + map->n);
	for (size_t i = 0; i < pairs; i++)
		order[i] = v[i].at;
	free(v);
	map->style = YML_MAP_INDEXED;
}

/* The kids of a mapping or list are gathered in a vec and carved out once, at their number
 * (doubling inside the chunks left a third of a front matter's lists unused). A mapping of
 * YML_INDEX_MIN keys or more gets, after its kids, its keys' indices in key order (yml_get). */
static void set_kids(struct ctx *c, struct yml_node *parent, const struct vec *kids)
{
	parent->n = kids->n;
	if (!kids->n)
		return;
	size_t pairs = parent->kind == YML_MAP ? kids->n / 2 : 0;
	bool index = pairs >= YML_INDEX_MIN && pairs <= UINT32_MAX;
	parent->kids = yml_alloc(c->doc, kids->n * sizeof *parent->kids + (index ? pairs * sizeof(uint32_t) : 0));
	memcpy(parent->kids, kids->v, kids->n * sizeof *parent->kids);
	if (index)
		index_keys(parent);
}

/* A plain "<<": YAML 1.1's merge key (a quoted "<<" is an ordinary key). */
static bool is_merge_key(const struct yml_node *k)
{
	return k->kind == YML_SCALAR && k->plain && !strcmp(k->str, "<<");
}

/* The mappings the value v of a merge key brings in: v itself, or each item
 * of a list of mappings (yaml.org/type/merge.html). False after reporting. */
static bool merge_sources(struct ctx *c, const struct yml_node *v, const yaml_event_t *ev, struct vec *out)
{
	if (v->kind == YML_MAP) {
		vec_push(out, (void *)v);
		return true;
	}
	for (size_t i = 0; v->kind == YML_SEQ && i < v->n; i++) {
		if (v->kids[i]->kind != YML_MAP)
			break;
		vec_push(out, v->kids[i]);
		if (i + 1 == v->n)
			return true;
	}
	fail(c, ev->start_mark, "a merge key '<<' takes a mapping (<<: *anchor) or a list of mappings");
	return false;
}

/* Parses the node whose first event is ev (already read); sets *weight. */
static struct yml_node *parse_node(struct ctx *c, yaml_event_t *ev, int depth, size_t *weight)
{
	struct yml_node *n = NULL;
	const char *anchor = NULL;
	*weight = 1;
	if (depth > MAX_DEPTH) {
		fail(c, ev->start_mark, "YAML nested too deeply");
		return NULL;
	}
	if (ev->type != YAML_ALIAS_EVENT)
		c->written++;
	switch (ev->type) {
	case YAML_ALIAS_EVENT: {
		if (++c->naliases > MAX_ALIASES) {
			fail(c, ev->start_mark, "too many YAML aliases");
			return NULL;
		}
		for (size_t i = c->nanchors; i-- > 0;) {
			if (!strcmp(c->anchors[i].name, (char *)ev->data.alias.anchor)) {
				*weight = c->anchors[i].weight;
				return c->anchors[i].node;
			}
		}
		fail(c, ev->start_mark, "unknown YAML alias");
		return NULL;
	}
	case YAML_SCALAR_EVENT:
		n = new_node(c, YML_SCALAR, ev->start_mark);
		mark_place(c, ev->end_mark, &n->eline, &n->ecol);
		n->len = ev->data.scalar.length;
		n->str = yml_alloc(c->doc, n->len + 1);
		memcpy(n->str, ev->data.scalar.value, n->len);
		n->tag = tag_of(ev->data.scalar.tag);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
		switch (ev->data.scalar.style) {
		case YAML_SINGLE_QUOTED_SCALAR_STYLE: n->style = YML_STYLE_SINGLE; break;
		case YAML_DOUBLE_QUOTED_SCALAR_STYLE: n->style = YML_STYLE_DOUBLE; break;
		case YAML_LITERAL_SCALAR_STYLE: n->style = YML_STYLE_LITERAL; break;
		case YAML_FOLDED_SCALAR_STYLE: n->style = YML_STYLE_FOLDED; break;
		default: n->style = YML_STYLE_PLAIN; break;
		}
		if (ev->data.scalar.tag || ev->data.scalar.anchor)
			skip_properties(c, n);
		if (n->style == YML_STYLE_LITERAL || n->style == YML_STYLE_FOLDED)
			block_header(c, n);
		if (c->odd_breaks && n->style == YML_STYLE_LITERAL && odd_break_in(c, n))
			n->style = YML_STYLE_BLOCK_INDENTED; /* libyaml broke a line the file does not: lines differ */
		if (memchr(n->str, '\0', n->len)) { /* an escape: "\0", "\x00", "\u0000" (raw NUL the reader refuses) */
			refuse_at(c, n, "a NUL character (an escape such as \\0) in a quoted scalar: no text vade writes "
			          "can hold it (it would cut the text there); remove it");
		}
		/* C0 controls but tab and line ends, DEL and C1 controls come only from escapes ("\x01", "\e"),
		 * noncharacters from escapes ("\uFFFE") or as they are (U+FDD0), in a scalar of any style:
		 * HTML refuses them in a page (HTML 13.2.5, control-character- and noncharacter-in-input-
		 * stream) and an import in a translation; a title or UI string with one was published,
		 * exported, and its translation refused back (helper-124, helper-125). A control character
		 * in another style is libyaml's line break (NEL), not text. */
		for (size_t i = 0; !c->controls_ok && !memchr(n->str, '\0', n->len) && i < n->len;) {
			uint32_t cp;
			long at = text_unallowed_at(n->str + i, n->len - i, &cp);
			if (at < 0)
				break;
			bool nonchar = unicode_noncharacter(cp);
			if (nonchar || n->style == YML_STYLE_DOUBLE) {
				char msg[200];
				if (nonchar)
					snprintf(msg, sizeof msg, "the noncharacter U+%04X in a scalar: a page cannot show it (HTML "
					         "refuses it), nor a translation hold it; remove it", (unsigned)cp);
				else
					snprintf(msg, sizeof msg, "the control character U+%04X (an escape such as \\x%02X) in a "
					         "quoted scalar: a page cannot show it (HTML refuses it), nor a translation hold it; "
					         "remove it", (unsigned)cp, (unsigned)cp);
				refuse_at(c, n, msg);
				break;
			}
			i += (size_t)at + (cp < 0x80 ? 1 : 2); /* a control character: one byte, or C2 xx */
		}
		/* a directional override, embedding or isolate the value does not close (a title's RLO
		 * reversed the site's name after it in the browser's tab: helper-140) */
		uint32_t bcp;
		long bat = !c->controls_ok && !c->failed ? bidi_unclosed_at(n->str, n->len, &bcp, NULL) : -1;
		int bl = n->line, bc = n->col;
		if (bat >= 0) { /* at the character, where the scalar's lines are the file's (helper-142) */
			struct text_place tp = yml_text_place(n);
			tp.text = n->str, tp.len = n->len;
			int l = 1;
			size_t ls = 0;
			for (size_t i = 0; i < (size_t)bat; i++)
				if (n->str[i] == '\n')
					l++, ls = i + 1;
			diag_place(&tp, l, (int)((size_t)bat - ls) + 1, &bl, &bc);
		}
		if (bat >= 0)
			diag_warn(c->doc->path, bl, bc, "this value opens U+%04X (a directional %s) and does not "
			          "close it: it reorders the text shown after it too (the site's name after a title, the "
			          "words beside it); close it with U+%04X, or take it out", (unsigned)bcp,
			          bidi_opener_kind(bcp), (unsigned)bidi_closer(bcp));
		if (!tagged_scalar(c, n, ev))
			return NULL;
		anchor = (char *)ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		n = new_node(c, map ? YML_MAP : YML_SEQ, ev->start_mark);
		const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
		n->tag = tag_of(tag);
		if (!tag_fits(c, n, tag, ev->start_mark))
			return NULL;
		anchor = (char *)(map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor);
		char *aname = anchor ? xstrdup(anchor) : NULL;
		struct vec kids = VEC_INIT;
		struct strmap keys = STRMAP_INIT; /* a mapping's keys -> the line they are written on (an alias
		                                   * key's own, not its anchor's), to find duplicates in linear time */
		struct vec merged = VEC_INIT;     /* the mappings a merge key "<<" brings in, in order */
		bool merge_value = false;         /* the next node is the value of "<<" */
		for (;;) {
			yaml_event_t kev;
			if (!next(c, &kev))
				break;
			if (kev.type == YAML_SEQUENCE_END_EVENT || kev.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&kev);
				break;
			}
			size_t w;
			struct yml_node *kid = parse_node(c, &kev, depth + 1, &w);
			if (kid && merge_value) {
				merge_value = false;
				if (!merge_sources(c, kid, &kev, &merged)) {
					yaml_event_delete(&kev);
					break;
				}
				*weight += w;
				yaml_event_delete(&kev);
				if (*weight > c->written + MAX_EXPANSION) {
					fail(c, ev->start_mark, "YAML document too large once aliases are expanded");
					break;
				}
				continue;
			}
			if (kid && map && (kids.n % 2) == 0 && is_merge_key(kid)) {
				bool added;
				size_t *at = strmap_put(&keys, "<<", &added);
				if (added)
					*at = (size_t)mark_line(c, kev.start_mark);
				else
					fail(c, kev.start_mark, "a mapping may have one merge key '<<' (give it a list of mappings)");
				merge_value = true;
				yaml_event_delete(&kev);
				if (c->failed)
					break;
				continue;
			}
			if (kid && map && (kids.n % 2) == 0) {
				if (kid->kind != YML_SCALAR) {
					fail(c, kev.start_mark, "a mapping key must be a plain value");
				} else {
					bool added;
					size_t *first = strmap_put(&keys, kid->str, &added);
					if (!added) {
						char *m = xasprintf("duplicate key '%s' (first at line %zu)", kid->str, *first);
						fail(c, kev.start_mark, m);
						free(m);
					} else {
						*first = (size_t)mark_line(c, kev.start_mark);
					}
				}
			}
			yaml_event_delete(&kev);
			if (!kid || c->failed)
				break;
			*weight += w;
			if (*weight > c->written + MAX_EXPANSION) {
				fail(c, ev->start_mark, "YAML document too large once aliases are expanded");
				break;
			}
			vec_push(&kids, kid);
		}
		/* Keys of the mapping itself win over merged ones, and an earlier merged mapping over a later one. */
		for (size_t m = 0; !c->failed && m < merged.n; m++) {
			const struct yml_node *src = merged.v[m];
			for (size_t k = 0; k + 1 < src->n; k += 2) {
				bool added;
				strmap_put(&keys, src->kids[k]->str, &added); /* its line is not read: no key follows */
				if (!added)
					continue;
				vec_push(&kids, src->kids[k]);
				vec_push(&kids, src->kids[k + 1]);
			}
		}
		set_kids(c, n, &kids);
		if (!c->failed && n->tag == YML_TAG_SET)
			for (size_t i = 1; i < n->n; i += 2)
				if (!yml_is_null(n->kids[i])) {
					fail_at(c, n->kids[i], "a !!set holds keys alone: this value is not null");
					break;
				}
		vec_free(&kids);
		vec_free(&merged);
		strmap_free(&keys);
		if (aname && !c->failed)
			add_anchor(c, aname, n, *weight);
		free(aname);
		return c->failed ? NULL : n;
	}
	default:
		fail(c, ev->start_mark, "unexpected YAML event");
		return NULL;
	}
	if (anchor)
		add_anchor(c, anchor, n, *weight);
	return n;
}

/* {======= compaction: a parsed doc moved into one block of exactly its size
 *
 * The first chunk is sized before parsing, from the text, and is a fifth larger than its nodes
 * on average (a tenth of a 10,000-page site's front matter memory, kept for the whole build;
 * issue 13). Once parsed, the chunks are copied one after the other into one block and every
 * pointer into them moved by its chunk's offset. A node reached twice (through an alias or a
 * merge key) is moved once: its list already points into the new block. */

struct moved {
	const struct yml_chunk *from;
	unsigned char *to;
	const unsigned char *lo, *hi; /* the new block, for what was moved already */
};

static void *moved_ptr(const struct moved *m, size_t nm, void *p)
{
	const unsigned char *q = p;
	if (!q || (q >= m->lo && q <= m->hi))
		return p;
	for (size_t i = 0; i < nm; i++)
		if (q >= m[i].from->data && q <= m[i].from->data + m[i].from->used)
			return m[i].to + (q - m[i].from->data);
	return p; /* not the doc's memory */
}

static void move_node(const struct moved *m, size_t nm, struct yml_node *n)
{
	n->str = moved_ptr(m, nm, n->str);
	if (!n->kids || ((unsigned char *)n->kids >= m->lo && (unsigned char *)n->kids <= m->hi))
		return;
	n->kids = moved_ptr(m, nm, n->kids);
	for (size_t i = 0; i < n->n; i++) {
		n->kids[i] = moved_ptr(m, nm, n->kids[i]);
		move_node(m, nm, n->kids[i]);
	}
}

static void compact(struct yml_doc *doc)
{
	size_t used, cap, nm = 0;
	yml_bytes(doc, &cap, &used);
	for (const struct yml_chunk *k = doc->mem; k; k = k->prev)
		nm++;
	if (cap - used < 64 || nm > 64) /* little to gain; or a large data file, whose chunks are 64 KiB */
		return;
	struct yml_chunk *block = xmalloc(sizeof *block + used);
	*block = (struct yml_chunk){.used = used, .cap = used};
	struct moved m[64];
	size_t at = 0, i = 0;
	for (const struct yml_chunk *k = doc->mem; k; k = k->prev, i++) {
		m[i] = (struct moved){k, block->data + at, block->data, block->data + used};
		memcpy(block->data + at, k->data, k->used); /* each used is a multiple of the nodes' alignment */
		at += k->used;
	}
	doc->root = moved_ptr(m, nm, doc->root);
	if (doc->root)
		move_node(m, nm, doc->root);
	for (struct yml_chunk *k = doc->mem, *prev; k; k = prev) {
		prev = k->prev;
		free(k);
	}
	doc->mem = block;
}

/* }======= */

/* {======= images: a parsed doc as bytes that hold no address (docfacts.h keeps them)
 *
 * A u64, the bytes its nodes take in memory (0: an empty document); then each node in preorder:
 * varints (LEB128) for its kind and plain flag, tag, style, indent, line, column, end line and end
 * column; then a scalar's length and text, or a list's number of kids and the kids. A node reached twice (an alias, a merge key) is written each time: the tree comes
 * back expanded, as templates see it. A mapping's index (YML_MAP_INDEXED) is made again. Made
 * again, an image is checked at every step: a damaged one is no tree, never a wild read. */

#define IMAGE_MAX (1 << 20) /* a larger front matter is parsed each time */


/* n's image appended to b; *mem grows by what its nodes take in memory. */
static bool image_put(struct buf *b, const struct yml_node *n, size_t at, size_t *mem)
{
	if (b->len - at > IMAGE_MAX)
		return false;
	bool indexed = n->kind == YML_MAP && n->style == YML_MAP_INDEXED;
	*mem += alloc_size(sizeof *n) + (n->kind == YML_SCALAR ? alloc_size(n->len + 1) : 0) +
	        (n->n ? alloc_size(n->n * sizeof *n->kids + (indexed ? n->n / 2 * sizeof(uint32_t) : 0)) : 0);
	buf_add_leb128(b, (uint64_t)n->kind | (n->plain ? 4 : 0));
	buf_add_leb128(b, n->tag);
	buf_add_leb128(b, n->style);
	buf_add_leb128(b, n->indent);
	buf_add_leb128(b, (uint32_t)n->line);
	buf_add_leb128(b, (uint32_t)n->col);
	buf_add_leb128(b, (uint32_t)n->eline);
	buf_add_leb128(b, (uint32_t)n->ecol);
	if (n->kind == YML_SCALAR) {
		buf_add_leb128(b, n->len);
		buf_add(b, n->str, n->len);
		return true;
	}
	buf_add_leb128(b, n->n);
	for (size_t i = 0; i < n->n; i++)
		if (!image_put(b, n->kids[i], at, mem))
			return false;
	return true;
}

bool yml_is_mapping(const char *text, size_t len, char *key, size_t size)
{
	yaml_parser_t p;
	yaml_document_t d;
	if (!yaml_parser_initialize(&p))
		return false;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	bool ok = yaml_parser_load(&p, &d), is = false;
	if (ok) {
		yaml_node_t *root = yaml_document_get_root_node(&d);
		is = root && root->type == YAML_MAPPING_NODE && root->data.mapping.pairs.top > root->data.mapping.pairs.start;
		yaml_node_t *k = is ? yaml_document_get_node(&d, root->data.mapping.pairs.start->key) : NULL;
		if (key && size) {
			/* (cut where a character starts: helper-159) */
			size_t n = k && k->type == YAML_SCALAR_NODE ? k->data.scalar.length : 0;
			if (n >= size)
				for (n = size - 1; n && (k->data.scalar.value[n] & 0xc0) == 0x80; n--)
					;
			snprintf(key, size, "%.*s", (int)n, n ? (const char *)k->data.scalar.value : "");
		}
		yaml_document_delete(&d);
		/* one document: a second is something else ("---" between two texts) */
		if (is && yaml_parser_load(&p, &d)) {
			is = !yaml_document_get_root_node(&d);
			yaml_document_delete(&d);
		} else {
			is = false;
		}
	}
	yaml_parser_delete(&p);
	return is;
}

bool yml_image(const struct yml_doc *doc, struct buf *b)
{
	size_t at = b->len, mem = 0;
	bin_put_u64(b, 0); /* what the tree takes in memory: made again in one allocation */
	if (doc->root && !image_put(b, doc->root, at, &mem)) {
		b->len = at;
		return false;
	}
	memcpy(b->p + at, &(uint64_t){mem}, 8);
	return true;
}

struct image_rd {
	const unsigned char *p, *end;
	struct yml_doc *doc;
};

static bool get_varint(struct image_rd *r, uint64_t *v)
{
	return leb128_read(&r->p, r->end, v);
}

static bool get_int(struct image_rd *r, int *v)
{
	uint64_t u;
	if (!get_varint(r, &u) || u > UINT32_MAX)
		return false;
	*v = (int)(uint32_t)u;
	return true;
}

static bool get_byte(struct image_rd *r, unsigned char *v, unsigned max)
{
	uint64_t u;
	if (!get_varint(r, &u) || u > max)
		return false;
	*v = (unsigned char)u;
	return true;
}

static struct yml_node *image_get(struct image_rd *r, int depth)
{
	uint64_t head, len;
	struct yml_node n = {0};
	unsigned char tag, style, indent;
	if (depth > MAX_DEPTH || !get_varint(r, &head) || (head & 3) > YML_MAP || head > 7 ||
	    !get_byte(r, &tag, YML_TAG_OTHER) || !get_byte(r, &style, 255) || !get_byte(r, &indent, 255) ||
	    !get_int(r, &n.line) || !get_int(r, &n.col) || !get_int(r, &n.eline) || !get_int(r, &n.ecol) ||
	    !get_varint(r, &len) || len > (size_t)(r->end - r->p))
		return NULL; /* a scalar's text, or each kid, takes a byte at least */
	n.kind = (enum yml_kind)(head & 3);
	n.plain = head & 4;
	n.tag = tag, n.style = style, n.indent = indent;
	if (n.kind == YML_SCALAR && style > YML_STYLE_BLOCK_INDENTED)
		return NULL;
	struct yml_node *node = yml_alloc(r->doc, sizeof *node);
	if (n.kind == YML_SCALAR) {
		n.len = (size_t)len;
		n.str = yml_alloc(r->doc, n.len + 1);
		memcpy(n.str, r->p, n.len);
		r->p += n.len;
		*node = n;
		return node;
	}
	size_t pairs = n.kind == YML_MAP ? (size_t)len / 2 : 0;
	bool indexed = n.kind == YML_MAP && style == YML_MAP_INDEXED;
	if ((n.kind == YML_MAP && (len % 2 || style > YML_MAP_INDEXED)) ||
	    (indexed && (pairs < YML_INDEX_MIN || pairs > UINT32_MAX)) || (n.kind == YML_SEQ && style))
		return NULL;
	n.n = (size_t)len;
	n.kids = n.n ? yml_alloc(r->doc, n.n * sizeof *n.kids + (indexed ? pairs * sizeof(uint32_t) : 0)) : NULL;
	for (size_t i = 0; i < n.n; i++)
		if (!(n.kids[i] = image_get(r, depth + 1)) || (n.kind == YML_MAP && i % 2 == 0 && n.kids[i]->kind != YML_SCALAR))
			return NULL;
	*node = n;
	if (indexed)
		index_keys(node);
	return node;
}

struct yml_doc *yml_from_image(const char *path, const void *img, size_t len)
{
	struct yml_doc *doc = xcalloc(1, sizeof *doc);
	doc->path = xstrdup(path);
	uint64_t mem;
	/* each byte of an image takes 64 bytes of memory at most (a one-byte varint in a node's
	 * nine, each a node of 56 and its place in a list of 8 with an index of 4) */
	if (len < 8 || (memcpy(&mem, img, 8), mem > 64 * (uint64_t)len)) {
		yml_free(doc);
		return NULL;
	}
	struct image_rd r = {(const unsigned char *)img + 8, (const unsigned char *)img + len, doc};
	for (const unsigned char *z = r.p; !mem && z < r.end; z++)
		if (*z) { /* an empty document's image is its head, and padding */
			yml_free(doc);
			return NULL;
		}
	if (mem) {
		doc->mem = xmalloc(sizeof *doc->mem + (size_t)mem);
		*doc->mem = (struct yml_chunk){.cap = (size_t)mem};
		if (!(doc->root = image_get(&r, 0)) || doc->mem->prev || doc->mem->used != mem) {
			yml_free(doc);
			return NULL;
		}
	}
	return doc;
}

/* }======= */

static struct yml_doc *parse(const char *path, const char *text, size_t len, int line0, bool controls_ok);

struct yml_doc *yml_parse(const char *path, const char *text, size_t len, int line0)
{
	return parse(path, text, len, line0, false);
}

struct yml_doc *yml_parse_written(const char *path, const char *text, size_t len)
{
	return parse(path, text, len, 1, true);
}

static struct yml_doc *parse(const char *path, const char *text, size_t len, int line0, bool controls_ok)
{
	struct ctx c = {.controls_ok = controls_ok};
	c.doc = xcalloc(1, sizeof *c.doc);
	c.doc->path = xstrdup(path);
	/* The first chunk at about what the text's nodes take (a node is 56 bytes, a short "key:
	 * value" line some 40): a front matter in one block, without the unused end of a second. A
	 * long value has few nodes for its size: at most ~96 bytes per ':', '-' or ',' (each may start
	 * a node) and the text itself are taken then (5 x 8 KB for one 8 KB summary was 40 KB). */
	size_t marks = 0;
	for (size_t i = 0; i < len; i++)
		marks += text[i] == ':' || text[i] == '-' || text[i] == ',';
	size_t first = len < 8192 ? 5 * len + 128 : 65536;
	if (first > 96 * marks + len + 256)
		first = 96 * marks + len + 256;
	c.doc->mem = xmalloc(sizeof *c.doc->mem + first);
	*c.doc->mem = (struct yml_chunk){.cap = first};
	c.line0 = line0 > 0 ? line0 : 1;
	c.text = text, c.len = len;
	for (size_t i = 0; i < len && !c.odd_breaks; i++)
		c.odd_breaks = odd_break_at(text, i, len);
	yaml_parser_initialize(&c.parser);
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&c.parser, YAML_UTF8_ENCODING);

	int docs = 0;
	yaml_event_t ev;
	while (!c.failed && next(&c, &ev)) {
		yaml_event_type_t t = ev.type;
		if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1)
			fail(&c, ev.start_mark, "only one YAML document is allowed here");
		if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT ||
		    t == YAML_MAPPING_START_EVENT || t == YAML_ALIAS_EVENT) {
			size_t w;
			c.doc->root = parse_node(&c, &ev, 0, &w);
		}
		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&c.parser);
	for (size_t i = 0; i < c.nanchors; i++)
		free(c.anchors[i].name);
	free(c.anchors);
	/* An empty or all-null document is an empty map for our purposes. */
	if (!c.failed && c.doc->root && yml_is_null(c.doc->root))
		c.doc->root = NULL;
	if (c.failed || c.refused) {
		yml_free(c.doc);
		return NULL;
	}
	compact(c.doc);
	return c.doc;
}

void yml_free(struct yml_doc *doc)
{
	if (!doc)
		return;
	for (struct yml_chunk *c = doc->mem, *prev; c; c = prev) {
		prev = c->prev;
		free(c);
	}
	free(doc->path);
	free(doc);
}

/* The index in map->kids of key, or SIZE_MAX. */
static size_t key_index(const struct yml_node *map, const char *key)
{
	if (!map || map->kind != YML_MAP)
		return SIZE_MAX;
	if (map->style == YML_MAP_INDEXED) { /* bisected: 80,000 UI strings were looked up one by one */
		const uint32_t *order = (const uint32_t *)(map->kids + map->n);
		size_t lo = 0, hi = map->n / 2;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int cmp = strcmp(map->kids[2 * order[mid]]->str, key);
			if (!cmp)
				return 2 * (size_t)order[mid];
			if (cmp < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		return SIZE_MAX;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (!strcmp(map->kids[i]->str, key))
			return i;
	return SIZE_MAX;
}

struct yml_node *yml_get(const struct yml_node *map, const char *key)
{
	size_t i = key_index(map, key);
	return i != SIZE_MAX ? map->kids[i + 1] : NULL;
}

bool yml_is_null(const struct yml_node *n)
{
	if (!n)
		return true;
	if (n->kind != YML_SCALAR)
		return false;
	return n->tag == YML_TAG_NULL || (n->plain && is_null_text(n->str));
}

const char *yml_str(const struct yml_node *n)
{
	if (!n || n->kind != YML_SCALAR || yml_is_null(n))
		return NULL;
	return n->str;
}

enum yml_type yml_resolve(const struct yml_node *n, long long *iv, double *dv)
{
	if (yml_is_null(n))
		return YML_T_NULL;
	switch (n->tag) {
	case YML_TAG_NONE:
		return n->plain ? core_resolve(n->str, iv, dv) : YML_T_STR;
	case YML_TAG_BOOL:
		is_bool_text(n->str, iv);
		return YML_T_BOOL;
	case YML_TAG_INT:
		return core_int(n->str, iv, dv);
	case YML_TAG_FLOAT:
		if (core_int(n->str, iv, dv) == YML_T_INT)
			*dv = (double)*iv;
		else if (!core_float(n->str, dv))
			*dv = 0; /* refused when parsed */
		return YML_T_FLOAT;
	default:
		return YML_T_STR;
	}
}

size_t yml_offset(const char *text, size_t len, int line, int col, struct yml_cursor *cur)
{
	size_t o = 0;
	int l = 1;
	if (cur && cur->line >= 1 && cur->line <= line && cur->off <= len)
		l = cur->line, o = cur->off;
	for (; l < line && o < len; o++)
		if (text[o] == '\n')
			l++;
	if (cur && l == line)
		cur->line = l, cur->off = o;
	for (int c = 1; c < col && o < len && text[o] != '\n'; c++)
		do
			o++;
		while (o < len && ((unsigned char)text[o] & 0xc0) == 0x80);
	return o;
}

/* Whether a's place comes before line, col. */
static bool before(const struct yml_node *a, int line, int col)
{
	return a->line < line || (a->line == line && a->col < col);
}

bool yml_value_span(const char *text, size_t len, const struct yml_node *map, const char *key, size_t *st,
                    size_t *en, struct yml_cursor *cur)
{
	size_t i = key_index(map, key);
	const struct yml_node *k = i != SIZE_MAX ? map->kids[i] : NULL, *n = k ? map->kids[i + 1] : NULL;
	*st = *en = 0;
	if (!k || before(k, map->line, map->col))
		return false;
	if (before(n, k->eline, k->ecol)) { /* written before its key: an alias */
		size_t o = yml_offset(text, len, k->eline, k->ecol, cur);
		while (o < len && text[o] != '*')
			o++;
		*st = o;
		while (o < len && !strchr(" \t\r\n,]}", text[o]))
			o++;
		*en = o;
		return o > *st;
	}
	*st = yml_offset(text, len, n->line, n->col, cur);
	*en = yml_offset(text, len, n->eline, n->ecol, cur);
	if (n->kind == YML_SCALAR && n->style >= YML_STYLE_LITERAL && *en > *st && text[*en - 1] == '\n')
		--*en;
	if (*en < *st)
		*en = *st;
	return true;
}

/* (yml.h) */
struct text_place yml_text_place(const struct yml_node *n)
{
	switch (n->style) {
	case YML_STYLE_LITERAL:
	case YML_STYLE_FOLDED:
	case YML_STYLE_BLOCK_INDENTED:
		return (struct text_place){n->line + 1, n->indent + 1, n->indent, n->style != YML_STYLE_LITERAL, NULL, 0, NULL};
	default: {
		bool quoted = n->style != YML_STYLE_PLAIN;
		size_t chars = 0;
		for (const char *p = n->str; *p; p++)
			chars += ((unsigned char)*p & 0xc0) != 0x80;
		bool exact = n->eline == n->line && (size_t)(n->ecol - n->col) == chars + (quoted ? 2 : 0) &&
		             !strchr(n->str, '\n');
		return (struct text_place){n->line, n->col + (quoted ? 1 : 0), 0, !exact, NULL, 0, NULL};
	}
	}
}

/* {======= writing: a scalar through libyaml's emitter */

static int emit_to_buf(void *data, unsigned char *bytes, size_t size)
{
	buf_add(data, bytes, size);
	return 1;
}

/* libyaml (0.2.5) writes a character outside the Basic Multilingual Plane as an escape ("\U0001F310")
 * even with its unicode output on (yaml/libyaml#279: its IS_PRINTABLE stops at U+FFFD, where YAML's
 * c-printable goes on to U+10FFFF, in 1.1 as in 1.2): a translator's emoji or CJK Extension B
 * character came back into the YAML file as an escape. Each such escape in the double-quoted scalar q
 * is written as the character's bytes again; a noncharacter (U+1FFFE...) stays escaped. */
static void astral_unescaped(struct buf *q)
{
	if (!memmem(q->p, q->len, "\\U", 2))
		return;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < q->len;) {
		if (q->p[i] != '\\' || i + 1 >= q->len) {
			buf_add(&b, q->p + i++, 1);
			continue;
		}
		unsigned long cp = 0;
		size_t k = 2;
		while (q->p[i + 1] == 'U' && k < 10 && i + k < q->len && isxdigit((unsigned char)q->p[i + k]))
			cp = cp * 16 + (unsigned long)(isdigit((unsigned char)q->p[i + k]) ? q->p[i + k] - '0' : (q->p[i + k] | 0x20) - 'a' + 10), k++;
		if (k == 10 && cp >= 0x10000 && cp <= 0x10ffff && (cp & 0xfffe) != 0xfffe) {
			char u[4] = {(char)(0xf0 | cp >> 18), (char)(0x80 | (cp >> 12 & 0x3f)), (char)(0x80 | (cp >> 6 & 0x3f)),
			             (char)(0x80 | (cp & 0x3f))};
			buf_add(&b, u, 4);
			i += 10;
		} else { /* another escape, "\\" among them: as it is */
			buf_add(&b, q->p + i, 2);
			i += 2;
		}
	}
	buf_free(q);
	*q = b;
}

char *yml_quote(const char *s, size_t len)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	struct buf b = BUF_INIT;
	bool ok = yaml_emitter_initialize(&em);
	if (!ok)
		return NULL;
	yaml_emitter_set_output(&em, emit_to_buf, &b);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1); /* one line, whatever its length */
	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emitter_emit(&em, &ev) &&
	     yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) && yaml_emitter_emit(&em, &ev) &&
	     yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1,
	                                  YAML_DOUBLE_QUOTED_SCALAR_STYLE) && yaml_emitter_emit(&em, &ev) &&
	     yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
	     yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev);
	yaml_emitter_delete(&em);
	/* The document is the scalar and a line break (and, for some, an end marker after). */
	char *nl = ok ? memchr(b.p, '\n', b.len) : NULL;
	if (!nl || b.p[0] != '"') {
		buf_free(&b);
		return NULL;
	}
	b.len = (size_t)(nl - b.p);
	b.p[b.len] = '\0';
	astral_unescaped(&b);
	return buf_detach(&b, NULL);
}


/* Whether libyaml reads text as one mapping whose one value is a plain scalar holding s. */
static bool reads_plain(const char *text, const char *s, size_t len)
{
	static const yaml_event_type_t want[] = {YAML_STREAM_START_EVENT, YAML_DOCUMENT_START_EVENT,
	                                         YAML_MAPPING_START_EVENT, YAML_SCALAR_EVENT, YAML_SCALAR_EVENT,
	                                         YAML_MAPPING_END_EVENT, YAML_DOCUMENT_END_EVENT,
	                                         YAML_STREAM_END_EVENT};
	yaml_parser_t p;
	yaml_event_t ev;
	if (!yaml_parser_initialize(&p))
		return false;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	size_t i = 0, n = sizeof want / sizeof *want;
	bool ok = true;
	for (; ok && i < n && yaml_parser_parse(&p, &ev); i++) {
		ok = ev.type == want[i];
		if (ok && i == 4) /* the value */
			ok = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev.data.scalar.tag &&
			     ev.data.scalar.length == len && !memcmp(ev.data.scalar.value, s, len);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ok && i == n;
}

char *yml_value(const char *s, size_t len)
{
	static const char *const yaml11[] = {"y", "n", "yes", "no", "on", "off", "=", "<<", NULL};
	/* and a text that starts with a digit or a sign and a digit: YAML 1.1 reads 1_000, 1:20 and
	 * 2024-01-15 as numbers and dates (yaml.org/type/int.html, timestamp.html) */
	size_t sign = len > 1 && strchr("+-.", s[0]) ? 1 : 0;
	bool plain = len > 0 && len == strlen(s) && !strpbrk(s, "\n\r\t") && s[0] != ' ' && s[len - 1] != ' ' &&
	             !isdigit((unsigned char)s[sign]) && utf8_invalid_at(s, len) < 0;
	for (int i = 0; plain && yaml11[i]; i++)
		plain = strcasecmp(s, yaml11[i]) != 0;
	if (plain) {
		struct yml_node n = {.kind = YML_SCALAR, .plain = true, .str = (char *)s, .len = len};
		long long iv;
		double dv;
		char *block = xasprintf("k: %s\n", s), *flow = xasprintf("{k: %s}\n", s);
		plain = yml_resolve(&n, &iv, &dv) == YML_T_STR && reads_plain(block, s, len) && reads_plain(flow, s, len);
		free(block);
		free(flow);
	}
	return plain ? xstrndup(s, len) : yml_quote(s, len);
}

/* }======= */
