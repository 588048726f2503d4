/* cite.c — the "cite" cmark-gfm extension and the endnote positions.
 *
 * cmark's inline parser handles '[' itself and never offers it to
 * extensions, so the extension triggers on '@': it checks the raw text back
 * to an unescaped '[' (the core has already emitted it as a text node and
 * opened a bracket) and forward to the closing ']', and returns one custom
 * inline node for the whole group. A postprocess step then removes the '['
 * and the prefix nodes that the core emitted before the '@' (the prefix is
 * kept as raw Markdown in the item), once emphasis processing is done and
 * moving nodes is safe.
 */
#include "cite.h"
#include "markdown.h"
#include "csl.h"
#include "diag.h"
#include "util.h"

#include <cmark-gfm.h>
#include <ctype.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* No scan below has a length limit: a prefix or locator is as long as it is
 * written (Pandoc takes any), and a limit would publish a long one as text.
 * The scans stay linear in the paragraph: each one, back from an '@' to its
 * '[' or forward from it (bracket_scan()), stops at the next '@' (the scan
 * past a group vade cannot read at the UNREAD_ATS-th). */

static cmark_syntax_extension *ext;
static const char MAGIC[] = "vade-cite";

struct group {
	const char *magic;
	int line, col;          /* of the '[' in the parsed text */
	struct cite_item *items;
	size_t n;
};

static void group_free(cmark_mem *mem, void *p)
{
	(void)mem;
	struct group *g = p;
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		free(g->items[i].key);
		free(g->items[i].prefix);
		free(g->items[i].locator);
	}
	free(g->items);
	free(g);
}

/* The code point at pos (U+FFFD for a byte that starts none), its length in bytes in *len. */
static UChar32 cp_at(cmark_inline_parser *ip, int pos, int *len)
{
	uint8_t b[4];
	int32_t n = 0, i = 0;
	while (n < 4 && (b[n] = (uint8_t)cmark_inline_parser_peek_at(ip, pos + n)))
		n++;
	UChar32 c = 0;
	if (n)
		U8_NEXT(b, i, n, c);
	*len = i ? (int)i : 1;
	return c < 0 ? 0xfffd : c;
}

/* Pandoc's citation keys: they start with a letter, a digit or '_' (of any script: Unicode's
 * L and N categories), and go on with those, combining marks, and the internal punctuation
 * ":.#$%&-+?<>~/". Other characters end a key: punctuation of other scripts too ("@smith；",
 * "@smith»", "@smith" followed by a no-break space), which were read as part of it. */
static bool key_start(UChar32 c) { return c == '_' || (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK)); }
static const char KEY_PUNCT[] = ":.#$%&-+?<>~/"; /* inside a key, never at its end */
static bool key_char(UChar32 c)
{
	return key_start(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) || (c > 0 && c < 0x80 && strchr(KEY_PUNCT, (int)c));
}

/* The separator at pos, ',' or ';', also written in other scripts: the Arabic comma and
 * semicolon (U+060C, U+061B), the full-width ones (U+FF0C, U+FF1B) and the ideographic comma
 * (U+3001); *len its length in bytes. 0 when none. */
static int sep_at(cmark_inline_parser *ip, int pos, int *len)
{
	UChar32 c = cp_at(ip, pos, len);
	switch (c) {
	case ',': case 0x060c: case 0xff0c: case 0x3001:
		return ',';
	case ';': case 0x061b: case 0xff1b:
		return ';';
	default:
		return 0;
	}
}

/* The end of the key that starts at k (k itself when none does): a key may not end in
 * punctuation ("[@smith.]", Pandoc). A braced key ("@{Smith 2020}", Pandoc's form for a key with
 * other characters) is read by match(). */
static int key_end(cmark_inline_parser *ip, int k)
{
	int len, e = k;
	if (!key_start(cp_at(ip, k, &len)))
		return k;
	for (UChar32 c; (c = cp_at(ip, e, &len)) && key_char(c);) {
		e += len;
		/* a zero width non-joiner or joiner between two of a key's letters is the word's, as in Persian
		 * ("می‌خواهم") or Devanagari (helper-143: such a key could never be cited); elsewhere it is a
		 * space, as the marks beside a citation's syntax are (mark_at) */
		int jl, nl;
		UChar32 j = cp_at(ip, e, &jl);
		if ((j == 0x200c || j == 0x200d) && key_start(cp_at(ip, e + jl, &nl)))
			e += jl;
	}
	while (e > k + 1 && strchr(KEY_PUNCT, cmark_inline_parser_peek_at(ip, e - 1)))
		e--;
	return e;
}

/* The bytes of a character that shows as nothing (char_shows_nothing: a directional mark, embedding,
 * override or isolate, a zero width space, non-joiner or joiner, a word joiner, an invisible
 * operator, a soft hyphen, U+FEFF, a variation selector...) that starts at pos, or (mark_before)
 * ends just before pos; 0 when none. A keyboard or an editor for right-to-left text puts them beside
 * brackets, '@' and commas, and text pasted from the web holds them, where they show nothing:
 * "[\u200f@key, ص 3]" was published as text with no word, and "@key\u200f," refused (helper-140);
 * "[@\u200fkey]" and "[@\u200bkey]" were text (helper-142). The citation's syntax passes over them
 * as over spaces. */
static int mark_at(cmark_inline_parser *ip, int pos)
{
	if (cmark_inline_parser_peek_at(ip, pos) < 0xc2)
		return 0; /* ASCII, or no first byte of a sequence */
	int len;
	UChar32 c = cp_at(ip, pos, &len);
	return len > 1 && char_shows_nothing((uint32_t)c) ? len : 0;
}

static int mark_before(cmark_inline_parser *ip, int pos)
{
	for (int k = 2; k <= 4 && k <= pos; k++)
		if (mark_at(ip, pos - k) == k)
			return k;
	return 0;
}

/* Whether pos holds white space or a bidirectional mark; *len its bytes. */
/* pos, or past the characters that show as nothing from it (mark_at): the key after "@\u200b" is
 * read, as the group's syntax passes them, for the errors that name it (helper-152: "@\u200bkey says"
 * was published with no word). */
static int past_marks(cmark_inline_parser *ip, int pos)
{
	for (int n; (n = mark_at(ip, pos));)
		pos += n;
	return pos;
}

static bool blank_at(cmark_inline_parser *ip, int pos, int *len)
{
	*len = mark_at(ip, pos);
	if (!*len && isspace(cmark_inline_parser_peek_at(ip, pos)))
		*len = 1;
	return *len > 0;
}

/* Trimmed copy of the raw text [a, b) (white space and bidirectional marks at its ends), or NULL
 * when empty. */
static char *raw(cmark_inline_parser *ip, int a, int b)
{
	for (int n; a < b && blank_at(ip, a, &n);)
		a += n;
	for (int n; b > a && ((n = mark_before(ip, b)) || (n = isspace(cmark_inline_parser_peek_at(ip, b - 1)) ? 1 : 0));)
		b -= n;
	if (a >= b)
		return NULL;
	char *s = xmalloc((size_t)(b - a) + 1);
	for (int i = a; i < b; i++)
		s[i - a] = (char)cmark_inline_parser_peek_at(ip, i);
	s[b - a] = '\0';
	char *u = markdown_unguard(s); /* a prefix's "[\^x]", as the text shows it (markdown.h) */
	if (u) {
		free(s);
		s = u;
	}
	return s;
}

static void add_item(struct group *g, char *key, char *prefix, char *locator)
{
	text_to_nfc(&key); /* (as the bibliography's ids: cite_refs_load) */
	g->items = xgrow(g->items, g->n, sizeof *g->items);
	g->items[g->n++] = (struct cite_item){.key = key, .prefix = prefix, .locator = locator};
}

/* Citations the parser met where it cannot put one: GFM table cells accept only
 * the core's inline nodes (they stay text); and one whose '[' cmark took for a
 * link's (a citation inside a link's or an image's text: the link closed on the
 * citation's bracket, and came out inside another) or for part of emphasis
 * that ends inside its brackets. cite_end_parse() reports them (same thread,
 * same parse). */
enum refusal { IN_CELL, CROSSED, LINK_TEXT, UNREAD, IN_URL, REFERENCE, BARE };
struct refused {
	int line, col;
	enum refusal why;
	char *key;              /* UNREAD, IN_URL, BARE: the first key read, reported when the bibliography has it;
	                         * LINK_TEXT: the keys read, each ended by a line break (which no key holds) */
};
static _Thread_local struct refused *refused;
static _Thread_local size_t nrefused;

/* Notes a refusal at line, col (at least 1); key (malloc'd, or NULL) is the refusal's. */
static void refuse(int line, int col, enum refusal why, char *key)
{
	refused = xgrow(refused, nrefused, sizeof *refused);
	refused[nrefused++] = (struct refused){line, col < 1 ? 1 : col, why, key};
}

static bool takes_citation(cmark_node *parent)
{
	cmark_node *probe = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	bool ok = cmark_node_append_child(parent, probe);
	if (ok)
		cmark_node_unlink(probe);
	cmark_node_free(probe);
	return ok;
}

/* Whether the character at k is escaped: an odd number of backslashes before it. */
static bool escaped(cmark_inline_parser *ip, int k)
{
	int bs = 0;
	while (k - bs > 0 && cmark_inline_parser_peek_at(ip, k - bs - 1) == '\\')
		bs++;
	return bs % 2;
}

/* The length of the run of backticks at k. */
static int ticks_at(cmark_inline_parser *ip, int k)
{
	int n = 0;
	while (cmark_inline_parser_peek_at(ip, k + n) == '`')
		n++;
	return n;
}

/* From k, the first '@' after the first ats ones, ']' that closes no '[' after k, or, when
 * locator, a semicolon (sep_at) outside brackets; the text's end when none. Escaped brackets are
 * text, and a code span (a run of backticks to the next run as long, CommonMark 6.1) is passed
 * whole. *open is left with the brackets still open there. Stopping at an '@' keeps every scan
 * within a bounded number of citations, so the scans of a paragraph stay linear. */
static int bracket_scan(cmark_inline_parser *ip, int k, bool locator, int ats, int *open)
{
	int d = 0, ch, len;
	for (; (ch = cmark_inline_parser_peek_at(ip, k)); k++) {
		if ((ch == '@' && ats-- <= 0) || (locator && !d && sep_at(ip, k, &len) == ';'))
			break;
		if (ch == '`') {
			int n = ticks_at(ip, k), j = k + n, c;
			while ((c = cmark_inline_parser_peek_at(ip, j)) && c != '@' && !(c == '`' && ticks_at(ip, j) == n))
				j += c == '`' ? ticks_at(ip, j) : 1;
			k = (c == '`' ? j + n : k + n) - 1; /* (no closing run: the backticks are text) */
			continue;
		}
		if ((ch == '[' || ch == ']') && escaped(ip, k))
			continue;
		if (ch == ']' && !d)
			break;
		d += ch == '[' ? 1 : ch == ']' ? -1 : 0;
	}
	if (open)
		*open = d;
	return k;
}

/* Whether s[0, n) writes a bracket as a character reference (&#91;, &#x5D;, &lsqb;...), which
 * cmark makes a bracket of the text that postprocess() could not tell from one written. */
static bool bracket_reference(cmark_inline_parser *ip, int from, int to)
{
	static const char *const named[] = {"&lsqb;", "&lbrack;", "&rsqb;", "&rbrack;"};
	for (int k = from; k < to; k++) {
		if (cmark_inline_parser_peek_at(ip, k) != '&')
			continue;
		char w[12] = {0};
		for (int i = 0; i < 11 && k + i < to; i++)
			w[i] = (char)tolower(cmark_inline_parser_peek_at(ip, k + i));
		for (size_t i = 0; i < sizeof named / sizeof *named; i++)
			if (!strncmp(w, named[i], strlen(named[i])))
				return true;
		if (w[1] == '#') {
			bool hex = w[2] == 'x';
			long v = strtol(w + 2 + hex, NULL, hex ? 16 : 10);
			if (v == '[' || v == ']')
				return true;
		}
	}
	return false;
}

/* Notes the key after the '@' at at as read in a form vade cannot read, at column col: an
 * error when the bibliography has it (cite_end_parse()). */
static void refuse_unread(cmark_inline_parser *ip, int at, int col)
{
	int ks = past_marks(ip, at + 1), k = key_end(ip, ks);
	if (k == ks)
		return;
	refuse(cmark_inline_parser_get_line(ip), col, UNREAD, raw(ip, ks, k));
}

/* Whether [from, to) holds a reference link ("[text][ref]", "[text][]") or a footnote's mark
 * ("[^1]") outside code: a prefix's or locator's Markdown is rendered in the note, apart from the
 * page's references and footnotes, where it would show as written or lead to no footnote. */
static bool holds_reference(cmark_inline_parser *ip, int from, int to)
{
	for (int k = from; k < to; k++) {
		int ch = cmark_inline_parser_peek_at(ip, k);
		if (ch == '`') {
			int n = ticks_at(ip, k), j = k + n;
			while (j < to && !(cmark_inline_parser_peek_at(ip, j) == '`' && ticks_at(ip, j) == n))
				j += cmark_inline_parser_peek_at(ip, j) == '`' ? ticks_at(ip, j) : 1;
			k = (j < to ? j + n : k + n) - 1;
			continue;
		}
		if (ch == '[' && !escaped(ip, k) && cmark_inline_parser_peek_at(ip, k + 1) == '^')
			return true;
		if (ch == ']' && !escaped(ip, k) && cmark_inline_parser_peek_at(ip, k + 1) == '[')
			return true;
	}
	return false;
}

/* How many more '@' the scan for the ']' of a group it could not read passes: each '@' is passed
 * by the scans of at most this many groups before it. */
enum { UNREAD_ATS = 32 };

/* How far before an '@' an unclosed '[' is looked for where no scan to the text's start is linear:
 * a key after punctuation ("(@key)"), and whether an '@' after a space is in a group ("[see @a"). */
enum { GROUP_REACH = 256 };

/* Whether an unclosed, unescaped '[' stands at most GROUP_REACH bytes before b (the group's). */
static bool open_before(cmark_inline_parser *ip, int b)
{
	int depth = 0;
	for (int k = b - 1; k >= 0 && b - k <= GROUP_REACH; k--) {
		int ch = cmark_inline_parser_peek_at(ip, k);
		if ((ch != '[' && ch != ']') || escaped(ip, k))
			continue;
		if (ch == ']')
			depth++;
		else if (!depth--)
			return true;
	}
	return false;
}

/* Whether what stands before the '@' at at may open Pandoc's in-text citation without a space: an
 * opening bracket, quote or emphasis ("(@key)", "\"@key\"", "**@key**", "_@key_"), or any punctuation or space
 * beyond ASCII ("—@key", "«@key", "「@key"); not a letter, digit or what an address holds ("a@b.org",
 * "x.org/@key"). */
static bool bare_opening(cmark_inline_parser *ip, int at)
{
	int b = at - 1;
	unsigned char c = (unsigned char)cmark_inline_parser_peek_at(ip, b);
	if (c < 0x80)
		return c && strchr("(\"'*_~{<", c);
	while (b > 0 && b > at - 4 && ((unsigned char)cmark_inline_parser_peek_at(ip, b) & 0xc0) == 0x80)
		b--;
	uint8_t u[4];
	int32_t n = 0, i = 0;
	for (int k = b; k < at && n < 4; k++)
		u[n++] = (uint8_t)cmark_inline_parser_peek_at(ip, k);
	UChar32 cp;
	U8_NEXT(u, i, n, cp);
	return cp >= 0 && (u_ispunct(cp) || u_isUWhiteSpace(cp));
}

static _Thread_local struct strmap *link_labels; /* cite_link_labels(): normalized (label_norm) */

/* A link label as CommonMark matches one (4.7): white space collapsed, case folded (ASCII's). */
static char *label_norm(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (isspace(ch)) {
			if (b.len && b.p[b.len - 1] != ' ')
				buf_addc(&b, ' ');
		} else {
			buf_addc(&b, (char)tolower(ch));
		}
	}
	while (b.len && b.p[b.len - 1] == ' ')
		b.p[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

void cite_link_labels(const char *text, size_t len)
{
	if (link_labels) {
		strmap_free(link_labels);
		free(link_labels);
		link_labels = NULL;
	}
	for (size_t at = 0, e; text && at < len; at = e + 1) {
		const char *nl = memchr(text + at, '\n', len - at);
		e = nl ? (size_t)(nl - text) : len;
		size_t i = at, sp = 0;
		while (i < e && text[i] == ' ' && sp < 3)
			i++, sp++;
		while (i < e && text[i] == '>') /* (in a block quote) */
			for (i++; i < e && text[i] == ' '; i++)
				;
		if (e - i < 4 || text[i] != '[' || text[i + 1] != '@')
			continue;
		const char *close = memchr(text + i, ']', e - i);
		if (!close || close + 1 >= text + e || close[1] != ':' || memchr(text + i + 1, '[', (size_t)(close - text) - i - 1))
			continue;
		if (!link_labels) {
			link_labels = xmalloc(sizeof *link_labels);
			*link_labels = (struct strmap)STRMAP_INIT_OWNED;
		}
		char *label = label_norm(text + i + 1, (size_t)(close - text) - i - 1);
		strmap_put(link_labels, label, NULL);
		free(label);
	}
}

/* Whether [from, to) of the text is the label of one of its link reference definitions
 * (cite_link_labels): "[@types/node]" is that link. */
static bool link_label_in(cmark_inline_parser *ip, int from, int to)
{
	if (!link_labels || to - from > 999)
		return false;
	struct buf b = BUF_INIT;
	for (int k = from; k < to; k++)
		buf_addc(&b, (char)cmark_inline_parser_peek_at(ip, k));
	char *label = label_norm(b.p ? b.p : "", b.len);
	bool has = strmap_get(link_labels, label) != NULL;
	free(label);
	buf_free(&b);
	return has;
}

static cmark_node *match(cmark_syntax_extension *self, cmark_parser *parser, cmark_node *parent,
                         unsigned char c, cmark_inline_parser *ip)
{
	(void)self;
	(void)parser;
	if (c != '@')
		return NULL;
	int at = cmark_inline_parser_get_offset(ip);
	/* An e-mail address ("bob@example.org") has no space or '[' before its '@' (a bidirectional
	 * mark between is none: mark_at). */
	int bm = at, m;
	while ((m = mark_before(ip, bm)))
		bm -= m;
	int before = bm > 0 ? cmark_inline_parser_peek_at(ip, bm - 1) : 0;
	int dm = bm - 1; /* (the '-' of "[-@key]", and what is before it past marks: "[RLM-@key]") */
	while (before == '-' && (m = mark_before(ip, dm)))
		dm -= m;
	int before_dash = before == '-' && dm > 0 ? cmark_inline_parser_peek_at(ip, dm - 1) : 0;
	/* (a mark before the '-' is a space, as one before the '@' is: "[see<ZWSP>-@key]", helper-143) */
	if (before_dash == '[' || (before_dash && (isspace(before_dash) || dm < bm - 1))) {
		/* Pandoc's "[-@key]", "[see -@key]" (the author suppressed), which vade's note styles have no
		 * form for */
		int b = dm - 1;
		while (b > 0 && !strchr("[]@", cmark_inline_parser_peek_at(ip, b)))
			b--;
		/* at its '[', or its '-' when none opens it */
		refuse_unread(ip, at, cmark_inline_parser_get_column(ip) - (cmark_inline_parser_peek_at(ip, b) == '[' ? at - b : at - (bm - 1)));
		return NULL;
	}
	bool spaced = bm == 0 || before == '[' || isspace(before) || bm < at; /* (a mark there is a space) */
	if (!spaced && !bare_opening(ip, at))
		return NULL;
	/* the '[' that opens it: a prefix may hold brackets ("see [the annex]") */
	int open = -1, depth = 0, farthest = -1; /* (the first '[' of the text before the '@') */
	/* grouped: the scan stopped at an '@' before it with no ']' between (one group: "[@a and @b]") */
	bool unreadable = false, grouped = false, closed = false;
	int stop; /* (at fail:) what the scan for an unread group's ']' stopped at */
	for (int b = at - 1; b >= 0; b--) {
		int ch = cmark_inline_parser_peek_at(ip, b);
		/* an '@' that could start a citation (after '[', white space or '-') ends the scan: an
		 * e-mail address's does not ("[mail x@example.org; @key]") */
		int pre = b > 0 ? cmark_inline_parser_peek_at(ip, b - 1) : 0;
		if (ch == '@' && (!pre || pre == '[' || pre == '-' || isspace(pre))) {
			/* in one group with it when that one opens a group ("[@a and @b]", "[see @a and @b]"):
			 * after its '[', or an unclosed '[' a little before it; not "@a says, as @a does" */
			grouped = !closed && (pre == '[' || open_before(ip, b));
			break;
		}
		if (!spaced && at - b > GROUP_REACH)
			break; /* "(@a (@a (@a": a key after punctuation looks no further for its '[' */
		closed = closed || ch == ']';
		if (ch == '`' || ((ch == '[' || ch == ']') && escaped(ip, b))) {
			/* code (which may hold brackets) or an escaped bracket, which cmark has made text
			 * that postprocess() could not tell from a bracket of the prefix */
			unreadable = true;
			continue;
		}
		if (ch == '[')
			farthest = b;
		if (ch == ']') {
			depth++;
		} else if (ch == '[' && depth) {
			depth--;
		} else if (ch == '[') {
			open = b;
			break;
		}
	}
	if (open < 0 && unreadable && farthest >= 0) /* code's brackets may have been counted: "[`]` @key]" */
		open = farthest;
	if (open < 0) {
		/* "@smith2020 says" (Pandoc's in-text citation, which vade has no form for): published as it
		 * is written, an error when the bibliography has the key (helper-105) */
		int ks = past_marks(ip, at + 1);
		int k = before == '[' || grouped ? ks : key_end(ip, ks); /* not "\[@key]", nor "[@a and @b]" */
		char *key = k > ks ? raw(ip, ks, k) : NULL;
		if (!key && before != '[' && !grouped && cmark_inline_parser_peek_at(ip, ks) == '{') {
			int b = ks + 1, ch; /* the braced key, "@{smith-2011}" */
			while ((ch = cmark_inline_parser_peek_at(ip, b)) && !strchr("{}@\n", ch))
				b++;
			key = ch == '}' && b > ks + 1 ? raw(ip, ks + 1, b) : NULL;
		}
		if (key)
			refuse(cmark_inline_parser_get_line(ip), cmark_inline_parser_get_column(ip), BARE, key);
		return NULL;
	}
	const int open_col = cmark_inline_parser_get_column(ip) - (at - open); /* of the '[' */
	if (!spaced) { /* "[see (@key)]": a key inside brackets after what no group holds */
		refuse_unread(ip, at, open_col);
		return NULL;
	}
	if (unreadable || bracket_reference(ip, open + 1, at)) {
		refuse_unread(ip, at, open_col);
		return NULL;
	}
	/* (open is no escaped '[': "\[@key]" is text, the scan passed it) */

	struct group *g = xcalloc(1, sizeof *g);
	g->magic = MAGIC;
	char *prefix = raw(ip, open + 1, at);
	int pos = at, reached = at; /* how far the reading got */
	for (;;) {
		/* pos is at '@'; its key starts at ka, past the invisible marks an editor put after it */
		int k, len, ka = pos + 1;
		for (int n; (n = mark_at(ip, ka));)
			ka += n;
		char *key;
		if (cmark_inline_parser_peek_at(ip, ka) == '{') {
			/* Pandoc's braced key, "@{Smith, 2020}", "@{br[ack]et}": any characters but braces,
			 * '@' and a line break */
			int b = ka + 1, ch;
			while ((ch = cmark_inline_parser_peek_at(ip, b)) && !strchr("{}@\n", ch))
				b++;
			if (ch != '}' || !(key = raw(ip, ka + 1, b))) {
				/* "[@{key]": a brace never closed, an error when the bibliography has the key */
				int e = ka + 1;
				while ((ch = cmark_inline_parser_peek_at(ip, e)) && !strchr("{}]@\n", ch))
					e++;
				char *unclosed = ch == ']' && !g->n ? raw(ip, ka + 1, e) : NULL;
				if (unclosed) {
					refuse(cmark_inline_parser_get_line(ip), open_col, UNREAD, unclosed);
				}
				goto fail;
			}
			k = b + 1;
		} else {
			if ((k = key_end(ip, ka)) == ka)
				goto fail; /* "[@،]": no key at all */
			key = raw(ip, ka, k);
		}
		int e = k;
		reached = k;
		for (int n; cmark_inline_parser_peek_at(ip, e) == ' ' || (n = mark_at(ip, e));)
			e += cmark_inline_parser_peek_at(ip, e) == ' ' ? 1 : n;
		char *locator = NULL;
		if (sep_at(ip, e, &len) == ',') {
			int l = e + len;
			/* a locator may hold commas, the Arabic one too ("ص 3، 5"), and brackets ("at [3]");
			 * a semicolon ends it, and an '@' (which no locator holds) stops it */
			e = bracket_scan(ip, l, true, 0, NULL);
			locator = raw(ip, l, e);
		}
		add_item(g, key, prefix, locator);
		prefix = NULL;
		int ch = cmark_inline_parser_peek_at(ip, e);
		reached = e;
		if (ch == ']' && (cmark_inline_parser_peek_at(ip, e + 1) == '(' ||
		                  (cmark_inline_parser_peek_at(ip, e + 1) == '[' && !strchr("@^", cmark_inline_parser_peek_at(ip, e + 2))) ||
		                  link_label_in(ip, open + 1, e))) {
			/* "[see @key](https://...)", "[see @key][ref]": a link's text, which a citation cannot be;
			 * an error where it names a source, else a link ("[@jane](https://github.com/jane)" in a
			 * changelog: helper-97); so is "[@types/node]" with its definition, a reference link
			 * (helper-158) */
			struct buf keys = BUF_INIT;
			for (size_t i = 0; i < g->n; i++)
				buf_addf(&keys, "%s\n", g->items[i].key);
			refuse(cmark_inline_parser_get_line(ip), open_col, LINK_TEXT, buf_detach(&keys, NULL));
			free(prefix);
			group_free(NULL, g);
			return NULL;
		}
		if (ch == ']') {
			pos = e + 1;
			break;
		}
		if (sep_at(ip, e, &len) != ';')
			goto fail;
		/* the next item: an optional prefix, then '@' */
		int p = e + len, d, q = bracket_scan(ip, p, false, 0, &d);
		ch = cmark_inline_parser_peek_at(ip, q);
		reached = q;
		/* a bracket left open before the '@' ("; [x @k"): no citation's; a chain of them would
		 * have each '[' read the paragraph to its end */
		if (ch != '@' || d || !(q == p || isspace(cmark_inline_parser_peek_at(ip, q - 1)) || mark_before(ip, q)))
			goto fail;
		prefix = raw(ip, p, q);
		pos = q;
	}
	g->line = cmark_inline_parser_get_line(ip);
	g->col = open_col;
	if (g->col < 1)
		g->col = 1;
	if (holds_reference(ip, open + 1, pos - 1)) {
		refuse(g->line, g->col, REFERENCE, NULL);
		group_free(NULL, g);
		return NULL;
	}
	if (!takes_citation(parent)) {
		refuse(g->line, g->col, IN_CELL, NULL);
		group_free(NULL, g);
		return NULL;
	}
	cmark_node *n = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	cmark_node_set_user_data(n, g);
	cmark_node_set_user_data_free_func(n, group_free);
	cmark_inline_parser_set_offset(ip, pos);
	return n;
fail:
	/* "[@smith at 3]", "[@smith: 3]": a source's key, then what no citation has. Left as
	 * text, it was published as "[@smith..." without a word: cite_end_parse() reports it when
	 * the bibliography has that key (an "[@everyone ...]" of another kind of text stays text). */
	/* (a bracket never closed is text as written; an '@' starts what comes next) */
	/* ("[@smith and @jones]": the scan passes a few more '@', and stays linear; one that stops at an
	 * '@' past them stops in a group of more keys without a ';' than that, or in text that holds
	 * that many before any ']': either way, after a source's key, what vade does not read) */
	stop = cmark_inline_parser_peek_at(ip, bracket_scan(ip, reached, false, UNREAD_ATS, NULL));
	if (g->n && (stop == ']' || stop == '@')) {
		refuse(cmark_inline_parser_get_line(ip), open_col, UNREAD, xstrdup(g->items[0].key));
	}
	free(prefix);
	group_free(NULL, g);
	return NULL;
}

static struct group *group_of(cmark_node *n)
{
	if (cmark_node_get_type(n) != CMARK_NODE_CUSTOM_INLINE)
		return NULL;
	struct group *g = cmark_node_get_user_data(n);
	return g && g->magic == MAGIC ? g : NULL;
}

/* A citation a URL took in ("https://x.org/a[@key]": the autolink extension reads brackets as part
 * of a bare URL, and the citation's '@' never reaches match()): noted as read in a form vade cannot
 * read, at its '[' (cite_end_parse() reports it when the bibliography has the key: IN_URL). The place is
 * the link text's, which cmark-gfm gives right. */
static void refuse_in_url(cmark_node *link)
{
	cmark_node *t = cmark_node_first_child(link);
	const char *lit = t && cmark_node_get_type(t) == CMARK_NODE_TEXT ? cmark_node_get_literal(t) : NULL;
	const char *url = cmark_node_get_url(link);
	if (!lit || !url || !strstr(url, lit)) /* a link written [text](url) shows its brackets */
		return;
	for (const char *b = strstr(lit, "[@"); b; b = strstr(b + 1, "[@")) {
		const char *k = b + 2, *e = k;
		int32_t i = 0, n = (int32_t)strlen(k);
		UChar32 c;
		U8_NEXT((const uint8_t *)k, i, n, c);
		if (!key_start(c))
			continue;
		for (i = 0; i < n;) {
			U8_NEXT((const uint8_t *)k, i, n, c);
			if (!key_char(c))
				break;
			e = k + i;
		}
		while (e > k + 1 && strchr(KEY_PUNCT, e[-1]))
			e--;
		int line = cmark_node_get_start_line(t), col = cmark_node_get_start_column(t);
		cmark_node *next = cmark_node_next(link), *prev = cmark_node_previous(link);
		if (line <= 0 && next && cmark_node_get_start_line(next) > 0) {
			/* the extension's postprocess gives a URL with a scheme no place: the text around has one */
			line = cmark_node_get_start_line(next);
			col = cmark_node_get_start_column(next) - (int)strlen(lit);
		} else if (line <= 0 && prev && cmark_node_get_type(prev) == CMARK_NODE_TEXT && cmark_node_get_start_line(prev) > 0) {
			line = cmark_node_get_start_line(prev);
			col = cmark_node_get_start_column(prev) + (int)strlen(cmark_node_get_literal(prev));
		}
		refuse(line, col < 1 ? 1 : col + (int)(b - lit), IN_URL, xstrndup(k, (size_t)(e - k)));
	}
}

static cmark_node *postprocess(cmark_syntax_extension *self, cmark_parser *parser, cmark_node *root)
{
	(void)self;
	(void)parser;
	struct vec cites = VEC_INIT;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && group_of(n))
			vec_push(&cites, n);
		else if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_LINK)
			refuse_in_url(n);
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < cites.n; i++) {
		/* cmark has merged text nodes by now: the '[' is the last one in the
		 * nearest text siblings that no ']' after it closes (a prefix may hold
		 * brackets: "see [the annex]"; match() refused escaped ones). */
		cmark_node *n = cites.v[i], *p = cmark_node_previous(n);
		struct vec prefix = VEC_INIT;
		const char *lit = NULL, *br = NULL;
		int depth = 0;
		for (; p; p = cmark_node_previous(p)) {
			if (cmark_node_get_type(p) == CMARK_NODE_TEXT && (lit = cmark_node_get_literal(p))) {
				for (const char *q = lit + strlen(lit); q > lit && !br; q--)
					if (q[-1] == ']')
						depth++;
					else if (q[-1] == '[' && depth)
						depth--;
					else if (q[-1] == '[')
						br = q - 1;
				if (br)
					break;
			}
			vec_push(&prefix, p);
		}
		if (!p) {
			/* its '[' is not beside it: cmark made it a link's, or put it in emphasis */
			const struct group *g = group_of(n);
			refuse(g->line, g->col, CROSSED, NULL);
		} else {
			/* a link cmark made in the prefix that the prefix does not write inline ("[see [r] @key]",
			 * [r] a reference the page defines): the note would show "[r]" (holds_reference() sees
			 * the other forms) */
			const struct group *g = group_of(n);
			size_t links = 0, inline_links = 0;
			for (size_t k = 0; k < prefix.n; k++) {
				cmark_iter *pi = cmark_iter_new(prefix.v[k]);
				for (cmark_event_type pe; (pe = cmark_iter_next(pi)) != CMARK_EVENT_DONE;) {
					cmark_node *m = cmark_iter_get_node(pi), *t = cmark_node_first_child(m);
					const char *u = cmark_node_get_url(m), *tl = t ? cmark_node_get_literal(t) : NULL;
					/* (an autolink, <https://...> or a bare one, writes its URL as its text: the note has it) */
					bool autolink = u && tl && strlen(tl) <= strlen(u) && !strcmp(u + strlen(u) - strlen(tl), tl);
					links += pe == CMARK_EVENT_ENTER && !autolink &&
					         (cmark_node_get_type(m) == CMARK_NODE_LINK || cmark_node_get_type(m) == CMARK_NODE_IMAGE);
				}
				cmark_iter_free(pi);
			}
			for (const char *q = g->n ? g->items[0].prefix : NULL; q && (q = strstr(q, "](")); q += 2)
				inline_links++;
			if (links > inline_links)
				refuse(g->line, g->col, REFERENCE, NULL);
			for (size_t k = 0; k < prefix.n; k++)
				cmark_node_free(prefix.v[k]);
			if (br == lit) {
				cmark_node_free(p);
			} else {
				/* A note marker hugs the word before it, as in Pandoc's note styles. */
				while (br > lit && (br[-1] == ' ' || br[-1] == '\t'))
					br--;
				char *keep = xstrndup(lit, (size_t)(br - lit));
				cmark_node_set_literal(p, keep);
				free(keep);
			}
		}
		vec_free(&prefix);
	}
	vec_free(&cites);
	return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The extension is attached to each parser directly; it needs no registry. */
static void create(void)
{
	ext = cmark_syntax_extension_new("cite");
	cmark_llist *chars = cmark_llist_append(cmark_get_default_mem_allocator(), NULL, (void *)'@');
	cmark_syntax_extension_set_special_inline_chars(ext, chars);
	cmark_syntax_extension_set_match_inline_func(ext, match);
	cmark_syntax_extension_set_postprocess_func(ext, postprocess);
}

void cite_register(void)
{
	pthread_once(&once, create);
}

cmark_syntax_extension *cite_extension(void)
{
	cite_register();
	return ext;
}

/* {======= the bibliography */

const char *const cite_date_vars[] = {"issued", "accessed", "event-date", "original-date", "submitted",
                                      "available-date", NULL};
const char *const cite_name_vars[] = {"author", "editor", "translator", "container-author", "collection-editor",
                                      "composer", "director", "editorial-director", "illustrator", "interviewer",
                                      "original-author", "recipient", "reviewed-author", NULL};

/* A scalar's text, or NULL for anything else (null included). */
static const char *scalar(const struct yml_node *n)
{
	return n && n->kind == YML_SCALAR ? yml_str(n) : NULL;
}

const char *cite_date_read(const struct yml_node *v, struct csl_date *d, const struct yml_node **at)
{
	memset(d, 0, sizeof *d);
	*at = v;
	if (v->kind == YML_SCALAR)
		return scalar(v) && csl_date_edtf(scalar(v), d) ? NULL : "not a date";
	if (v->kind != YML_MAP)
		return "not a date";
	bool any = false;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const char *k = v->kids[i]->str;
		const struct yml_node *x = v->kids[i + 1];
		*at = x;
		if (!strcmp(k, "literal")) {
			if (!scalar(x))
				return "'literal' is text";
			d->literal = scalar(x);
			any = true;
		} else if (!strcmp(k, "raw")) {
			struct csl_date e;
			if (!scalar(x))
				return "'raw' is text";
			if (!any && csl_date_edtf(scalar(x), &e))
				e.season_text = d->season_text, e.circa |= d->circa, *d = e;
			else if (!d->from.year)
				d->literal = scalar(x);
			any = true;
		} else if (!strcmp(k, "date-parts")) {
			int parts[2][3];
			size_t n[2] = {0, 0};
			if (x->kind != YML_SEQ || x->n < 1 || x->n > 2)
				return "'date-parts' is a list of one date, or two for a range: [[2019, 3], [2020, 4]]";
			for (size_t r = 0; r < x->n; r++) {
				const struct yml_node *p = x->kids[r];
				*at = p;
				if (p->kind != YML_SEQ || p->n < 1 || p->n > 3)
					return "a date in 'date-parts' is a list [year, month, day] (month and day optional)";
				for (size_t k2 = 0; k2 < p->n; k2++) {
					*at = p->kids[k2];
					if (!csl_date_part(scalar(p->kids[k2]), &parts[r][k2]))
						return "a date part is a whole number (or a string of digits)";
				}
				n[r] = p->n;
			}
			/* Each date alone first, to blame its month or day. */
			for (size_t r = 0; r < x->n; r++) {
				struct csl_date one;
				const char *err = csl_date_set_parts(&one, &parts[r], &n[r], 1);
				if (err) {
					const struct yml_node *p = x->kids[r];
					*at = strstr(err, "day") && p->n == 3 ? p->kids[2] : strstr(err, "month") && p->n >= 2 ? p->kids[1] : p;
					return err;
				}
			}
			*at = x;
			const char *err = csl_date_set_parts(d, parts, n, x->n);
			if (err)
				return err;
			d->literal = NULL;
			any = true;
		} else if (!strcmp(k, "season")) {
			int s;
			if (!scalar(x))
				return "'season' is 1 to 4 or a word";
			if (csl_date_part(scalar(x), &s)) {
				if (s < 1 || s > 4)
					return "'season' is 1 (spring) to 4 (winter), or a word";
				d->from.season = s;
			} else {
				d->season_text = scalar(x);
			}
		} else if (!strcmp(k, "circa")) {
			if (!scalar(x))
				return "'circa' is true or false";
			d->circa = csl_truthy(scalar(x));
		} else {
			*at = v->kids[i];
			return "not a part of a CSL date (date-parts, season, circa, literal, raw)";
		}
	}
	*at = v;
	return any ? NULL : "a date needs 'date-parts', 'literal' or 'raw'";
}

/* Reads a CSL name; NULL, or why it is not one (*at: where). */
const char *cite_name_read(const struct yml_node *v, struct csl_name *n, const struct yml_node **at)
{
	memset(n, 0, sizeof *n);
	*at = v;
	if (v->kind != YML_MAP)
		return "a name is a mapping: {family: ..., given: ...} or {literal: ...}";
	static const char *const keys[] = {"family", "given", "dropping-particle", "non-dropping-particle",
	                                   "suffix", "literal", "comma-suffix", "static-ordering", "parse-names", NULL};
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const char *k = v->kids[i]->str;
		size_t j = 0;
		while (keys[j] && strcmp(keys[j], k))
			j++;
		*at = v->kids[i];
		if (!keys[j])
			return "not a part of a CSL name (family, given, dropping-particle, non-dropping-particle, suffix, literal)";
		const struct yml_node *x = v->kids[i + 1];
		*at = x;
		if (x->kind != YML_SCALAR)
			return "a name part is text";
		const char *t = yml_str(x);
		const char **slot[] = {&n->family, &n->given, &n->dropping, &n->non_dropping, &n->suffix, &n->literal};
		if (j < 6)
			*slot[j] = t;
		else if (j == 6)
			n->comma_suffix = csl_truthy(t);
		else if (j == 7)
			n->static_ordering = csl_truthy(t);
	}
	*at = v;
	return csl_name_check(n);
}

/* A source's id and node, with its place in the file to keep the first of a repeated id first. */
struct keyed {
	char *key;
	struct yml_node *node;
	size_t order;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->order > y->order) - (x->order < y->order);
}

void cite_refs_load(struct cite_refs *refs, const struct yml_doc *doc)
{
	memset(refs, 0, sizeof *refs);
	refs->src = doc && doc->path ? doc->path : "content/data/references.yaml";
	const struct yml_node *root = doc ? doc->root : NULL;
	if (!root)
		return;
	if (root->kind != YML_SEQ) {
		diag_error(refs->src, root->line, root->col, "the bibliography must be a list of sources (CSL-YAML or CSL-JSON)");
		return;
	}
	refs->keys = xcalloc(root->n + 1, sizeof *refs->keys);
	refs->nodes = xcalloc(root->n + 1, sizeof *refs->nodes);
	for (size_t i = 0; i < root->n; i++) {
		const struct yml_node *e = root->kids[i];
		const struct yml_node *id = yml_get(e, "id");
		if (e->kind != YML_MAP || !yml_str(id) || !id->str[strspn(id->str, " \t")]) {
			/* CSL-JSON's values have no place (json.h): the source is named by its title */
			const char *title = e->kind == YML_MAP ? yml_str(yml_get(e, "title")) : NULL;
			if (e->line || !title)
				diag_error(refs->src, e->line, e->col, "a source needs an 'id'%s", yml_str(id) ? ", and not an empty one" : "");
			else
				diag_error(refs->src, 0, 0, "source '%s' needs an 'id'%s", title, yml_str(id) ? ", and not an empty one" : "");
			continue;
		}
		if (!yml_str(yml_get(e, "title")))
			diag_error(refs->src, e->line, e->col, "source '%s' has no title", id->str);
		for (const char *const *k = cite_date_vars; *k; k++) {
			const struct yml_node *d = yml_get(e, *k), *at;
			struct csl_date date;
			const char *err = d ? cite_date_read(d, &date, &at) : NULL;
			if (err)
				diag_error(refs->src, at->line, at->col,
				           "'%s' of source '%s' is not a date: %s (write {date-parts: [[2021, 5, 7]]}, "
				           "a range [[2019, 3], [2020, 4]], or {literal: ...})", *k, id->str, err);
		}
		for (const char *const *k = cite_name_vars; *k; k++) {
			const struct yml_node *l = yml_get(e, *k), *at;
			struct csl_name name;
			if (!l)
				continue;
			if (l->kind != YML_SEQ) {
				diag_error(refs->src, l->line, l->col, "'%s' of source '%s' is a list of names", *k, id->str);
				continue;
			}
			for (size_t m = 0; m < l->n; m++) {
				const char *err = cite_name_read(l->kids[m], &name, &at);
				if (err)
					diag_error(refs->src, at->line, at->col, "'%s' of source '%s': %s", *k, id->str, err);
			}
		}
		/* ids compare in NFC: a key typed é and a bibliography's e and U+0301 are one (UAX #15) */
		char *nfc = text_nfc(id->str);
		refs->keys[refs->n] = nfc ? nfc : xstrdup(id->str);
		refs->nodes[refs->n++] = (struct yml_node *)id;
	}
	/* Sorted by id, then by place, so a repeated id is next to its first: n log n, where a
	 * bibliography of tens of thousands of sources was quadratic. */
	struct keyed *by = xcalloc(refs->n + 1, sizeof *by);
	for (size_t i = 0; i < refs->n; i++)
		by[i] = (struct keyed){refs->keys[i], refs->nodes[i], i};
	qsort(by, refs->n, sizeof *by, cmp_keyed);
	size_t n = 0;
	for (size_t i = 0; i < refs->n; i++) {
		if (n && !strcmp(refs->keys[n - 1], by[i].key)) {
			if (refs->nodes[n - 1]->line > 0)
				diag_error(refs->src, by[i].node->line, by[i].node->col, "duplicate source id '%s' (first at line %d)",
				           by[i].key, refs->nodes[n - 1]->line);
			else /* CSL-JSON: jansson gives no places of values */
				diag_error(refs->src, 0, 0, "duplicate source id '%s': two sources have it", by[i].key);
			free((char *)by[i].key);
			continue;
		}
		refs->keys[n] = by[i].key;
		refs->nodes[n++] = by[i].node;
	}
	refs->n = n;
	free(by);
	refs->used = xcalloc(refs->n + 1, sizeof *refs->used);
}

void cite_refs_free(struct cite_refs *refs)
{
	for (size_t i = 0; i < refs->n; i++)
		free(refs->keys[i]);
	free(refs->keys);
	free(refs->nodes);
	free(refs->used);
	memset(refs, 0, sizeof *refs);
}

void cite_refs_unmark(struct cite_refs *refs)
{
	for (size_t i = 0; i < refs->n; i++)
		atomic_store(&refs->used[i], false);
}

void cite_refs_report_unused(const struct cite_refs *refs)
{
	for (size_t i = 0; i < refs->n; i++)
		if (!atomic_load(&refs->used[i]))
			diag_warn(refs->src, refs->nodes[i]->line, refs->nodes[i]->col, "source '%s' is never cited",
			          refs->keys[i]);
}

static long find_key(const struct cite_refs *refs, const char *key)
{
	char *nfc = text_nfc(key);
	const char *q = nfc ? nfc : key;
	char **k = xbsearch(&q, refs->keys, refs->n, sizeof *refs->keys, cmp_str);
	free(nfc);
	return k ? (long)(k - refs->keys) : -1;
}

bool cite_refs_has(const struct cite_refs *refs, const char *key)
{
	return find_key(refs, key) >= 0;
}

void cite_refs_mark(const struct cite_refs *refs, const char *key)
{
	long k = find_key(refs, key);
	if (k >= 0)
		atomic_store(&refs->used[k], true);
}

/* The edit distance from a to the first bl bytes of b (util.h's text_distance), 999 past max. */
static size_t lev(const char *a, const char *b, size_t bl, size_t max)
{
	char *p = bl < strlen(b) ? xstrndup(b, bl) : NULL;
	size_t d = text_distance_max(a, p ? p : b, max);
	free(p);
	return d > max ? 999 : d;
}

/* "'a', 'b' or 'c'": the known keys closest to key, by edit distance (whole key or its start), within
 * the build's guess budget (util.h). */
static char *suggest(const struct cite_refs *refs, const char *key)
{
	size_t best[3] = {999, 999, 999};
	const char *who[3] = {0};
	size_t kl = strlen(key), max = kl < 6 ? 2 : kl / 2;
	if (!guess_budget_take(4 * refs->n)) /* (two distances a key, and a copy: four a candidate's worth) */
		return NULL;
	for (size_t i = 0; i < refs->n; i++) {
		const char *k = refs->keys[i];
		size_t kn = strlen(k), gap = kn > kl ? kn - kl : kl - kn;
		size_t d = gap > max && kn <= kl ? 999 : lev(key, k, kn, max); /* (at least the lengths' gap) */
		size_t dp = kn > kl ? lev(key, k, kl, max) + 1 : 999;
		if (dp < d)
			d = dp;
		if (d > max)
			continue;
		for (int s = 0; s < 3; s++)
			if (d < best[s]) {
				for (int t = 2; t > s; t--)
					best[t] = best[t - 1], who[t] = who[t - 1];
				best[s] = d, who[s] = k;
				break;
			}
	}
	if (!who[0])
		return NULL;
	struct buf b = BUF_INIT;
	for (int s = 0; s < 3 && who[s]; s++)
		buf_addf(&b, "%s'%s'", s == 0 ? "" : (s == 2 || !who[s + 1]) ? " or " : ", ", who[s]);
	return buf_detach(&b, NULL);
}

/* }======= */

void cite_ctx_init(struct cite_ctx *c, const struct cite_refs *refs)
{
	memset(c, 0, sizeof *c);
	c->refs = refs;
	c->at = (struct text_place){1, 1, 0, false, NULL, 0, NULL};
}

void cite_ctx_free(struct cite_ctx *c)
{
	for (size_t i = 0; i < c->nnotes; i++) {
		for (size_t k = 0; k < c->notes[i].nitems; k++) {
			free(c->notes[i].items[k].key);
			free(c->notes[i].items[k].prefix);
			free(c->notes[i].items[k].locator);
		}
		free(c->notes[i].items);
	}
	free(c->notes);
	memset(c, 0, sizeof *c);
}

const struct cite_item *cite_items(cmark_node *node, size_t *n)
{
	const struct group *g = group_of(node);
	*n = g ? g->n : 0;
	return g ? g->items : NULL;
}

void cite_parse_discard(void)
{
	for (size_t i = 0; i < nrefused; i++)
		free(refused[i].key);
	free(refused);
	refused = NULL;
	nrefused = 0;
}

/* Where a line of the text starts, walked forward from the last one asked (places come in the
 * text's order, mostly: one asked before it starts over). */
struct line_walk {
	int line;
	size_t off;
	size_t end;             /* where that line ends (its '\n', or the text's end), once found; else 0 */
};

/* The column (bytes, 1-based) of the '[' a place on line l, column col of at's text stands for.
 * cmark-gfm counts an inline's column on a later line of a paragraph from the first line's indent,
 * not the line's own (a continuation indented otherwise, a tab, a lazy line), and gives a "www."
 * link's text a column one short: when no '[' (nor the '-' of "-@key") stands at col, the
 * nearest '[' on the line is taken. col itself without the text. */
static int near(const struct text_place *at, struct line_walk *w, int l, int col, char want);

static int bracket_near(const struct text_place *at, struct line_walk *w, int l, int col)
{
	return near(at, w, l, col, '[');
}

/* The same for another character: the '@' of "@key" written without brackets. */
static int near(const struct text_place *at, struct line_walk *w, int l, int col, char want)
{
	const char *t = at->text;
	if (!t || l < 1 || col < 1)
		return col;
	if (l < w->line || w->line < 1)
		*w = (struct line_walk){1, 0, 0};
	while (w->line < l && w->off < at->len) {
		const char *nl = memchr(t + w->off, '\n', at->len - w->off);
		if (!nl)
			return col;
		w->off = (size_t)(nl - t) + 1;
		w->line++;
		w->end = 0;
	}
	if (w->off >= at->len)
		return col;
	const char *ln = t + w->off;
	if (!w->end) { /* found once a line: many places on one long line stay linear (helper-107) */
		const char *end = memchr(ln, '\n', at->len - w->off); /* (the text has no NUL at its end) */
		w->end = end ? (size_t)(end - t) : at->len;
	}
	size_t n = w->end - w->off;
	if ((size_t)col <= n && (ln[col - 1] == want || (want == '[' && ln[col - 1] == '-')))
		return col;
	for (size_t d = 1; d <= n && d <= 64; d++) { /* (an indent, not the line: a long line stays linear) */
		if ((size_t)col + d <= n && ln[col - 1 + d] == want)
			return col + (int)d;
		if ((size_t)col > d && (size_t)col - d <= n && ln[col - 1 - d] == want)
			return col - (int)d;
	}
	return col;
}

/* Whether one of keys (each ended by a line break) is a source of refs. */
static bool names_source(const struct cite_refs *refs, const char *keys)
{
	for (const char *k = keys, *nl; refs && k && (nl = strchr(k, '\n')); k = nl + 1) {
		char *key = xstrndup(k, (size_t)(nl - k));
		bool has = find_key(refs, key) >= 0;
		free(key);
		if (has)
			return true;
	}
	return false;
}

void cite_end_parse(struct cite_ctx *c, cmark_node *doc)
{
	struct line_walk walk = {0, 0, 0};
	for (size_t i = 0; i < nrefused; i++) {
		/* "_@key_": the emphasis's closing '_' read into the key, which may hold '_' */
		for (size_t n = refused[i].key ? strlen(refused[i].key) : 0;
		     refused[i].why == BARE && c->refs && n > 1 && refused[i].key[n - 1] == '_' && find_key(c->refs, refused[i].key) < 0;)
			refused[i].key[--n] = '\0';
		int line, col;
		diag_place(&c->at, refused[i].line, near(&c->at, &walk, refused[i].line, refused[i].col,
		                                         refused[i].why == BARE ? '@' : '['), &line, &col);
		const char *src = c->src ? c->src : "content";
		if (refused[i].why == IN_CELL)
			diag_error(src, line, col, "a citation cannot stand in a table cell; cite in the text before or after the table");
		else if (refused[i].why == CROSSED || (refused[i].why == LINK_TEXT && names_source(c->refs, refused[i].key)))
			diag_error(src, line, col,
			           "a citation cannot stand inside a link's or an image's text, nor its brackets hold only "
			           "part of an emphasis; cite after the link, and keep *emphasis* wholly inside or outside "
			           "the brackets");
		else if (refused[i].why == REFERENCE)
			diag_error(src, line, col,
			           "a citation's prefix or locator cannot hold a reference link or a footnote's mark "
			           "([text][ref], [^1]): the note is written apart from the page's references and footnotes, "
			           "where it would show as written; write the link inline, [text](https://...), and the "
			           "footnote's mark after the citation");
		else if (refused[i].why == IN_URL && c->refs && find_key(c->refs, refused[i].key) >= 0)
			diag_error(src, line, col,
			           "the web address before it takes in the citation of '@%s' ([ and @ may be part of a URL), "
			           "which would be published as part of the link: put a space between the address and [@%s]",
			           refused[i].key, refused[i].key);
		else if (refused[i].why == BARE && c->refs && find_key(c->refs, refused[i].key) >= 0)
			diag_error(src, line, col,
			           "'@%s' cites a source in Pandoc's in-text form, which vade does not read, and would be "
			           "published as it is written: write [@%s] where the note goes (the sentence may name the "
			           "author: Smith argues [@%s])", refused[i].key, refused[i].key, refused[i].key);
		else if (refused[i].why == UNREAD && c->refs && find_key(c->refs, refused[i].key) >= 0)
			diag_error(src, line, col,
			           "this cites '@%s' in a form vade cannot read, and would be published as it is written: "
			           "write [@%s], [@%s, locator] (a comma, then the page or section) "
			           "or several as [@%s, locator; @other]", refused[i].key, refused[i].key, refused[i].key,
			           refused[i].key);
		free(refused[i].key);
	}
	free(refused);
	refused = NULL;
	nrefused = 0;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		struct group *g;
		if (ev != CMARK_EVENT_ENTER || !(g = group_of(n)))
			continue;
		if (c->nnotes == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 16;
			c->notes = xrealloc(c->notes, c->cap * sizeof *c->notes);
		}
		int num = (int)c->nnotes + 1;
		struct cite_note *note = &c->notes[c->nnotes++];
		note->n = num;
		note->items = g->items;
		note->nitems = g->n;
		int line, col;
		diag_place(&c->at, g->line, bracket_near(&c->at, &walk, g->line, g->col), &line, &col);
		note->src = c->src ? c->src : "content";
		note->line = line, note->col = col;
		for (size_t i = 0; i < g->n; i++) {
			struct cite_item *item = &g->items[i];
			long k = c->refs ? find_key(c->refs, item->key) : -1;
			item->known = k >= 0;
			if (k >= 0) {
				atomic_store(&c->refs->used[k], true);
			} else {
				/* each suggestion is a pass over the bibliography: for the first few of a text */
				char *s = c->refs && c->suggested++ < CITE_SUGGEST_MAX ? suggest(c->refs, item->key) : NULL;
				diag_error(c->src ? c->src : "content", line, col, "unknown source '@%s'%s%s%s", item->key,
				           s ? " (did you mean " : "", s ? s : "", s ? "?)" : "");
				free(s);
			}
		}
		g->items = NULL;
		g->n = 0;
		/* The theme writes the marker; this one serves callers without a theme (tests, fuzzers). */
		char *html = c->marker ? c->marker(c->marker_ctx, num)
		                       : xasprintf("<sup class=\"cite\"><a href=\"#note-%d\" id=\"note-ref-%d\" "
		                                   "role=\"doc-noteref\" aria-label=\"Note %d\">%d</a></sup>",
		                                   num, num, num, num);
		cmark_node_set_on_enter(n, html);
		cmark_node_set_on_exit(n, "");
		free(html);
	}
	cmark_iter_free(it);
}

void cite_resolve(struct cite_ctx *c)
{
	struct strmap firsts = STRMAP_INIT; /* a source's key: its first citation in first_of */
	struct cite_item **first_of = NULL;
	size_t nfirst = 0;
	for (size_t i = 0; i < c->nnotes; i++) {
		struct cite_note *note = &c->notes[i];
		for (size_t j = 0; j < note->nitems; j++) {
			struct cite_item *item = &note->items[j];
			item->short_used = false;
			/* The source's first citation, if any, before this one: looked up, where scanning every
			 * citation before it made a page of 32,000 distinct sources quadratic. */
			bool added;
			size_t *seen = strmap_put(&firsts, item->key, &added);
			if (added) {
				*seen = nfirst;
				first_of = xgrow(first_of, nfirst, sizeof *first_of);
				first_of[nfirst++] = item;
				item->position = CITE_FIRST;
				item->first_note = note->n;
				continue;
			}
			struct cite_item *first = first_of[*seen];
			item->first_note = first->first_note;
			/* "Id." refers to the one source cited just before: the previous item of
			 * this note, or the previous note when it cites that source alone
			 * (CSL 1.0.2, "Position"). After a pinpoint, a citation without one
			 * is not "Id.": a bare "Id." would read as the same page. */
			const struct cite_item *prev = NULL;
			if (j > 0)
				prev = &note->items[j - 1];
			else if (i > 0 && c->notes[i - 1].nitems == 1)
				prev = &c->notes[i - 1].items[0];
			if (prev && !strcmp(prev->key, item->key) && (item->locator || !prev->locator)) {
				item->position = CITE_IBID;
			} else {
				item->position = CITE_SUBSEQUENT;
				first->short_used = true;
			}
		}
	}
	strmap_free(&firsts);
	free(first_of);
}
