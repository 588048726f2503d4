/* markdown.c — cmark-gfm with heading ids, a TOC and link rewriting. */
#include "markdown.h"
#include "yml.h"
#include "rawhtml.h"
#include "diag.h"
#include "escape.h"
#include "cite.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <cmark-gfm/buffer.h>
#include <cmark-gfm/houdini.h>
#include <cmark-gfm/utf8.h>
#include <ctype.h>
#include <dlfcn.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>
#include <strings.h>
#include <wctype.h>

static locale_t utf8_locale;
/* cmark-gfm keeps the table of characters that trigger inline extensions in
 * one global array, which every parser fills at the start of its inline pass
 * and clears at its end (github/cmark-gfm#176, unfixed in Debian's 0.29.0.gfm.6).
 * Two threads in that pass at once lose each other's '@', '~' and '|'
 * (bench/cmark-race.c: strikethrough lost in 606 of 400,000 parses on two
 * threads); registering and attaching every extension before the workers
 * start does not help, as each pass still clears the table at its end.
 *
 * So vade fills the table once, before any parse, with the characters of
 * every extension it attaches (the library's own function, found with
 * dlsym(RTLD_NEXT)), and defines that function itself as doing nothing:
 * cmark-gfm calls it through its PLT, so the definition here is the one its
 * parsers run (ELF symbol interposition, as for malloc). The table then stays
 * as filled, and the inline passes run in parallel. A parser without the
 * citation extension sees '@' among the special characters: it ends a text
 * node there, and cmark_parser_finish() joins adjacent text nodes before
 * anything reads them, so its tree is the same.
 *
 * A library whose parsers do not reach this definition (one linked with
 * -Bsymbolic) would clear the table after each pass: init_once() checks on a
 * probe parse that they do, and otherwise every inline pass, that is
 * cmark_parser_finish(), runs under the lock as before (markdown_parallel()). */
static void (*manage_chars)(cmark_parser *, int); /* the library's own */
static int manage_calls;                           /* probe parses that reached the definition below */
static bool probing;                               /* keep_special_chars()'s parse (before any other) */
static bool table_kept;                            /* the table is filled for good: no lock */
static pthread_mutex_t inline_pass = PTHREAD_MUTEX_INITIALIZER;

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add);
void cmark_manage_extensions_special_characters(cmark_parser *parser, int add)
{
	if (probing)
		manage_calls++;
	if (!table_kept && manage_chars)
		manage_chars(parser, add); /* before the table is filled (or had it not been) */
}

static cmark_node *finish(cmark_parser *p)
{
	if (table_kept)
		return cmark_parser_finish(p);
	pthread_mutex_lock(&inline_pass);
	cmark_node *doc = cmark_parser_finish(p);
	pthread_mutex_unlock(&inline_pass);
	return doc;
}
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *const gfm_exts[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};

/* A parser with the GFM extensions vade uses, and the citation one when cite. */
static cmark_parser *gfm_parser(int options, bool cite)
{
	/* strikethrough by "~~" alone: a single "~" is text, as "10~20" and "9時~17時" write a range (helper-144:
	 * they were struck through); GitHub reads both */
	cmark_parser *p = cmark_parser_new(options | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE);
	for (size_t i = 0; i < sizeof gfm_exts / sizeof *gfm_exts; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(gfm_exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	if (cite)
		cmark_parser_attach_syntax_extension(p, cite_extension());
	return p;
}

/* Fills the special characters' table for good (above), when a probe parse shows that cmark-gfm's
 * parsers call the definition here; else leaves it to them, under the lock. */
static void keep_special_chars(void)
{
	manage_chars = (void (*)(cmark_parser *, int))dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
	if (!manage_chars || getenv("VADE_CMARK_LOCK")) /* VADE_CMARK_LOCK: the old way, for bench/cmark-race.c */
		return;
	cmark_parser *p = gfm_parser(0, true); /* every extension vade attaches */
	manage_chars(p, 1);
	static const char probe[] = "~~struck~~\n";
	cmark_parser_feed(p, probe, sizeof probe - 1);
	table_kept = probing = true; /* for the probe: the definition above must not clear the table */
	cmark_node *doc = cmark_parser_finish(p);
	probing = false;
	cmark_node *first = doc ? cmark_node_first_child(cmark_node_first_child(doc)) : NULL;
	bool struck = first && !strcmp(cmark_node_get_type_string(first), "strikethrough");
	table_kept = manage_calls == 2 && struck; /* else each parse sets and clears it, as cmark-gfm does */
	cmark_node_free(doc);
	cmark_parser_free(p);
}

static void init_once(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	cite_register();
	/* glibc's C.UTF-8 knows the case and class of every Unicode letter. */
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	keep_special_chars();
}

bool markdown_parallel(void)
{
	markdown_init();
	return table_kept;
}

void markdown_init(void)
{
	pthread_once(&once, init_once);
}

static cmark_parser *new_parser(int options, bool cite)
{
	markdown_init();
	return gfm_parser(options, cite);
}

/* Whether raw HTML h is "<br>", "<br/>" or "<br />", in any case. */
static bool break_tag(const char *h)
{
	if (strncasecmp(h, "<br", 3))
		return false;
	h += 3 + strspn(h + 3, " \t");
	h += *h == '/';
	return !strcmp(h, ">");
}

static void node_text(cmark_node *n, struct buf *b)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			buf_adds(b, cmark_node_get_literal(c));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_addc(b, ' ');
			break;
		case CMARK_NODE_HTML_INLINE: /* "# Head<br>Line" is "Head Line", as rendering makes it (helper-101) */
			if (break_tag(cmark_node_get_literal(c)))
				buf_addc(b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static bool within_limits(const struct md_opts *o, const char *text, size_t len);
static char *guard_note_labels(const char *text, size_t len);
static void unguard_note_labels(cmark_node *doc);
static void option_dashes(cmark_node *doc, const char *text, size_t len);
static size_t span_of(const char *text, size_t at, size_t end, const char *set);

/* Feeds text to p unless it is over the limits of markdown.h (reported when
 * o is not NULL; an empty document then), and parses it. */
static cmark_node *parse(cmark_parser *p, const struct md_opts *o, const char *text, size_t len)
{
	char *guarded = NULL;
	if (within_limits(o, text, len)) {
		guarded = guard_note_labels(text, len);
		cmark_parser_feed(p, guarded ? guarded : text, len);
	}
	cite_link_labels(memchr(text, '@', len) && memmem(text, len, "[@", 2) ? text : NULL, len);
	cmark_node *doc = finish(p);
	cite_link_labels(NULL, 0);
	if (guarded)
		unguard_note_labels(doc);
	free(guarded);
	return doc;
}

/* Whether n is a "# heading" that may be a page's title: one of the text's own blocks, not one in a
 * block quote or a list item ("> # Quoted" was taken away and left an empty <blockquote>: helper-158). */
static bool title_heading(cmark_node *n)
{
	return cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1 &&
	       cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_DOCUMENT;
}

char *markdown_first_h1(const char *text, size_t len)
{
	int line;
	return markdown_first_h1_at(text, len, &line);
}

char *markdown_first_h1_at(const char *text, size_t len, int *line)
{
	cmark_parser *p = new_parser(CMARK_OPT_SMART, false);
	cmark_node *doc = parse(p, NULL, text, len);
	option_dashes(doc, text, len);
	/* The first level-1 heading of the text's own in reading order: the one rendering drops. */
	char *title = NULL;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while (!title && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && title_heading(n)) {
			struct buf b = BUF_INIT;
			node_text(n, &b);
			title = buf_detach(&b, NULL);
			*line = cmark_node_get_start_line(n);
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return title;
}

/* The character at s (len bytes there): util.h's utf8_decode(), a byte that is no UTF-8 read as one
 * U+FFFD (texts are checked when read; a walk over one must still move on). */
static size_t utf8_at(const unsigned char *s, size_t len, unsigned *cp)
{
	uint32_t c;
	size_t k = utf8_decode((const char *)s, len, &c);
	*cp = k ? c : 0xfffd;
	return k ? k : 1;
}

static void utf8_encode(struct buf *b, unsigned c)
{
	char o[4];
	size_t n;
	if (c < 0x80)
		o[0] = (char)c, n = 1;
	else if (c < 0x800)
		o[0] = (char)(0xc0 | c >> 6), o[1] = (char)(0x80 | (c & 0x3f)), n = 2;
	else if (c < 0x10000)
		o[0] = (char)(0xe0 | c >> 12), o[1] = (char)(0x80 | ((c >> 6) & 0x3f)),
		o[2] = (char)(0x80 | (c & 0x3f)), n = 3;
	else
		o[0] = (char)(0xf0 | c >> 18), o[1] = (char)(0x80 | ((c >> 12) & 0x3f)),
		o[2] = (char)(0x80 | ((c >> 6) & 0x3f)), o[3] = (char)(0x80 | (c & 0x3f)), n = 4;
	buf_add(b, o, n);
}

void markdown_slug(struct buf *b, const char *s, size_t len)
{
	markdown_init();
	/* In NFC, as page names and citation keys are: a heading saved in NFD (macOS) and a link
	 * typed in NFC name one id. */
	size_t ascii = 0; /* (most headings: NFC as they stand, not copied) */
	while (ascii < len && !((unsigned char)s[ascii] & 0x80))
		ascii++;
	char *whole = ascii < len ? xstrndup(s, len) : NULL, *nfc = whole ? text_nfc(whole) : NULL;
	const unsigned char *u = (const unsigned char *)(nfc ? nfc : whole ? whole : s);
	len = whole ? strlen((const char *)u) : len;
	size_t i = 0;
	while (i < len) {
		unsigned cp;
		i += utf8_at(u + i, len - i, &cp);
		if (cp == ' ') {
			buf_addc(b, '-');
		} else if (cp == '-' || cp == '_') {
			buf_addc(b, (char)cp);
		} else if (cp < 0x80) {
			if (isalnum((int)cp))
				buf_addc(b, (char)tolower((int)cp));
		} else if (U_GET_GC_MASK((UChar32)cp) & (U_GC_L_MASK | U_GC_N_MASK)) {
			utf8_encode(b, utf8_locale ? (unsigned)towlower_l((wint_t)cp, utf8_locale) : cp);
		} else if (U_GET_GC_MASK((UChar32)cp) & U_GC_M_MASK) {
			/* A mark belongs to its letter, as GitHub keeps it: Devanagari's virama and matras,
			 * Arabic vowel signs, Thai tone marks (glibc calls some of them punctuation: helper-105) */
			utf8_encode(b, cp);
		}
	}
	free(nfc);
	free(whole);
}

/* {======= typography per language
 *
 * Written by hand because no maintained C library does French spacing or
 * isolates Latin runs in right-to-left text; both work on cmark's text
 * nodes only, so code, URLs and raw HTML are never touched. */

#define NNBSP "\xe2\x80\xaf" /* U+202F NARROW NO-BREAK SPACE */

static bool starts(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

static size_t utf8_last(const char *s, size_t n);

/* Whether the code point at s (n bytes there) is a letter or digit, of any script. */
static bool word_char(const char *s, size_t n)
{
	unsigned cp = 0;
	if (!n || !*s)
		return false;
	utf8_at((const unsigned char *)s, n, &cp);
	return cp < 0x80 ? isalnum((int)cp) != 0 : utf8_locale && iswalnum_l((wint_t)cp, utf8_locale);
}

/* Whether the mark at p, after the done bytes of the output, stands in a URL: the word it is
 * in (between white space) has "://", or starts "www." or "mailto:". */
static bool in_url(const char *done, size_t n, const char *p)
{
	size_t w = n;
	while (w && done[w - 1] != ' ' && done[w - 1] != '\n' && done[w - 1] != '\t')
		w--;
	size_t back = n - w, fwd = strcspn(p, " \n\t");
	char *word = xmalloc(back + fwd + 1);
	if (back)
		memcpy(word, done + w, back);
	memcpy(word + back, p, fwd);
	word[back + fwd] = '\0';
	bool url = strstr(word, "://") || !strncasecmp(word, "www.", 4) || !strncasecmp(word, "mailto:", 7);
	free(word);
	return url;
}

/* French: a narrow no-break space before ; : ! ? and inside guillemets; curly quotes become guillemets.
 * after_inline: the text follows an inline node (emphasis, a link, code), after_token: a link or
 * code, which a mark right after it and glued to what follows continues ("?subject=x" after the
 * part of a mailto: URL the autolink extension linked). */
static char *french(const char *s, bool after_inline, bool after_token)
{
	struct buf b = BUF_INIT;
	/* whether the word up to url_until (its end) is in a URL: asked once per word, where asking at
	 * each mark of a long word ("?????...", "<!--<!--...") read it again each time */
	const char *url_until = NULL;
	bool url_word = false;
	for (const char *p = s; *p;) {
		if (starts(p, "\xe2\x80\x9c") || starts(p, "\xc2\xab")) { /* “ or « */
			buf_adds(&b, "\xc2\xab" NNBSP);
			p += starts(p, "\xc2\xab") ? 2 : 3;
			while (*p == ' ')
				p++;
			continue;
		}
		if (starts(p, "\xe2\x80\x9d") || starts(p, "\xc2\xbb")) { /* ” or » */
			while (b.len && b.p[b.len - 1] == ' ')
				b.len--;
			if (!(b.len >= 3 && !memcmp(b.p + b.len - 3, NNBSP, 3)))
				buf_adds(&b, NNBSP);
			buf_adds(&b, "\xc2\xbb");
			p += starts(p, "\xc2\xbb") ? 2 : 3;
			continue;
		}
		char c = *p;
		if (c == ';' || c == ':' || c == '!' || c == '?') {
			/* no mark inside a URL is punctuation, nor a colon between letters or digits (x:y, 8:00,
			 * a:é): a URL or code in a plain-text title has no nodes to keep them apart */
			bool glued = p[1] && !isspace((unsigned char)p[1]); /* (at a URL's end: the sentence's) */
			char before = b.len ? b.p[b.len - 1] : 0;
			if (glued && p >= url_until) {
				url_word = in_url(b.p, b.len, p);
				url_until = p + strcspn(p, " \n\t");
			}
			bool url = (glued && url_word) || (glued && p == s && after_token) ||
			           /* a mark inside a token, glued on both sides to text that goes on in lower case, a
			            * digit or '=' (a?b, x!=y, a;b; "ça?Non" is a typo's sentence), or after a '<'
			            * (<?php, <!--) */
			           (glued && before && !isspace((unsigned char)before) && c != ':' &&
			            (islower((unsigned char)p[1]) || isdigit((unsigned char)p[1]) || p[1] == '=')) ||
			           before == '<' ||
			           (c == ':' && b.len && word_char(b.p + b.len - utf8_last(b.p, b.len), utf8_last(b.p, b.len)) &&
			            word_char(p + 1, strnlen(p + 1, 4))) ||
			           /* a colon of a path or an address: C:\dir, [::1]:8080, fe80::1, std::map */
			           (c == ':' && ((before && strchr(":[", before)) || (p[1] && strchr(":\\/", p[1])) ||
			                         (before == ']' && isdigit((unsigned char)p[1]))));
			bool time = c == ':' && isdigit((unsigned char)p[1]) &&
			            (b.len ? isdigit((unsigned char)b.p[b.len - 1]) : after_inline); /* 12:30, **12**:30 */
			if (!url && !time && (b.len || (after_inline && p == s))) {
				bool had_space = false;
				while (b.len && b.p[b.len - 1] == ' ')
					b.len--, had_space = true;
				if (b.len >= 2 && !memcmp(b.p + b.len - 2, "\xc2\xa0", 2))
					b.len -= 2, had_space = true;
				char prev = b.len ? b.p[b.len - 1] : ' ';
				bool after_mark = prev == '!' || prev == '?' || (b.len >= 3 && !memcmp(b.p + b.len - 3, NNBSP, 3));
				/* at the start of the text, after **bold**, a link or `code`: the mark takes its space too */
				if (had_space || (!after_mark && (b.len || after_inline)))
					buf_adds(&b, NNBSP);
			}
		}
		buf_addc(&b, c);
		p++;
		if (b.cap)
			b.p[b.len] = '\0'; /* lengths were cut back above */
	}
	return buf_detach(&b, NULL);
}

static char *guillemets(const char *s)
{
	struct buf b = BUF_INIT;
	for (const char *p = s; *p;) {
		if (starts(p, "\xe2\x80\x9c")) {
			buf_adds(&b, "\xc2\xab");
			p += 3;
		} else if (starts(p, "\xe2\x80\x9d")) {
			buf_adds(&b, "\xc2\xbb");
			p += 3;
		} else {
			buf_addc(&b, *p++);
		}
	}
	return buf_detach(&b, NULL);
}

/* Latin script: ASCII letters, Latin-1, Latin Extended-A and -B and Latin
 * Extended Additional (Vietnamese); a combining mark goes with its letter. */
static bool latin_letter(unsigned cp)
{
	return (cp < 0x80 && isalpha((int)cp)) || (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
	       (cp >= 0x1e00 && cp <= 0x1eff);
}

static bool latin_inner(unsigned cp)
{
	return latin_letter(cp) || (cp < 0x80 && isdigit((int)cp)) || (cp >= 0x300 && cp <= 0x36f);
}

/* What may stand between the words of one Latin run: spaces (also no-break)
 * and the punctuation of names, numbers and addresses (NATO-led, U.N.,
 * Smith, Jones, A/RES/55/25, 10:30, 287–290). It belongs to the run only
 * when Latin follows, so a run never ends in it: a final period or comma is
 * the right-to-left sentence's. */
static bool latin_joiner(unsigned cp)
{
	return cp == ' ' || cp == '-' || cp == '.' || cp == ',' || cp == ':' || cp == '/' || cp == '&' ||
	       cp == '@' || cp == '_' || cp == 0xa0 || cp == 0x2010 || cp == 0x2011 || cp == 0x2013;
}

/* Symbols that end a word of the run they stand against, with nothing
 * between: C++, C#, F#, 3.5%, 100°. Neutral to the bidi algorithm, so
 * outside the run they would go to the wrong side of it ("++C"). */
static bool latin_suffix(unsigned cp)
{
	return cp == '+' || cp == '#' || cp == '%' || cp == 0xb0 || cp == 0x2030;
}

/* ASCII marks that join the parts of one token written without spaces:
 * C:\Users\x, key=value, a+b?c=d, x->y (helper-148). Split there, each
 * part is isolated alone and the marks between them are the sentence's, so
 * Chromium shows the parts right to left ("value=key"). Between words, with a
 * space before them, they are the sentence's too ("x + y"). */
static bool token_mark(unsigned cp)
{
	return cp && cp < 0x80 && strchr("\\=~?!;*^|$<>+#%", (int)cp);
}

/* Marks that begin a token and belong to it when glued to it: /usr/bin,
 * #tag, @user, ~/x, \\server, $HOME, .NET, --help (helper-148), %PATH%. A period or
 * hyphen glued to the end of a word before it is that word's (its sentence's
 * full stop, a dash), not the token's. */
static bool token_lead(unsigned cp)
{
	return cp && cp < 0x80 && strchr("/\\#@~$.-%", (int)cp);
}

/* Where the marks from i on (token marks and joiners, no space among them)
 * reach a Latin letter or digit, else 0: glued on both sides, they join it
 * to the run before (key=value); else the run ends before them, so that
 * punctuation after a token ("C++?", "key=value.") stays the sentence's. */
static size_t glued_to_latin(const unsigned char *u, size_t n, size_t i)
{
	unsigned cp = 0;
	for (size_t k; i < n; i += k) {
		k = utf8_at(u + i, n - i, &cp);
		if (latin_letter(cp) || (cp < 0x80 && isdigit((int)cp)))
			return i;
		if (!token_mark(cp) && !(latin_joiner(cp) && cp != ' ' && cp != 0xa0))
			return 0;
	}
	return 0;
}

/* Where the run whose first Latin letter is at i starts: before the token
 * marks glued to that letter (token_lead()), but not before from, where
 * the last run ended. */
static size_t token_start(const char *s, size_t from, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t at = i;
	while (at > from && token_lead(u[at - 1]))
		at--;
	/* after a word, its full stop or its hyphens (a dash; Hebrew's and Arabic's hyphen after a
	 * one-letter word, "ו-"), not both: in "ו-.NET" the period is the token's; and after a word drawn
	 * long with a tatweel, which ends no sentence, its hyphens alone ("لـ-info", "لـ.NET") */
	if (at < i && at && word_char(s + at - utf8_last(s, at), utf8_last(s, at))) {
		bool tatweel = at >= 2 && !memcmp(s + at - 2, "\xd9\x80", 2);
		if (u[at] == '.' && !tatweel)
			at++;
		else
			while (at < i && u[at] == '-')
				at++;
	}
	return at;
}

/* The closing mark of an opening bracket or quote, else 0. */
static unsigned closing_of(unsigned cp)
{
	switch (cp) {
	case '(': return ')';
	case '[': return ']';
	case 0xab: return 0xbb;         /* « » */
	case 0x2018: return 0x2019;     /* ‘ ’ */
	case 0x201c: return 0x201d;     /* “ ” */
	default: return 0;
	}
}

#define LATIN_MAX_OPEN 8 /* brackets open at once inside one run; deeper ends the run */

/* The first Latin-script run of s at or after *from: [*start, *end); false
 * if none. A run starts at a Latin letter (or the token marks glued before
 * it: /usr, #tag) and goes on over Latin letters,
 * digits and joiners; an apostrophe followed by a letter (NATO’s) is part
 * of the word; +, #, % right after a word are its (C++, C#, 3.5%); token
 * marks glued between two words are the token's (C:\dir, key=value); a
 * bracket or quote opened inside the run belongs to it when
 * it is closed inside it too, else the run ends before it. So "Council of
 * Europe (CoE)" is one run, while in "(UN)" the brackets are the
 * surrounding sentence's. Anything else (Arabic or Hebrew script, Arabic
 * punctuation, an unmatched closing mark) ends the run. */
static bool latin_run(const char *s, size_t n, size_t from, size_t *start, size_t *end)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned cp = 0;
	size_t i = from, k = 1;
	for (; i < n; i += k) {
		k = utf8_at(u + i, n - i, &cp);
		if (latin_letter(cp))
			break;
	}
	if (i >= n)
		return false;
	*start = token_start(s, from, i);
	*end = i;
	struct {
		unsigned closing;
		size_t end_before; /* the run's end when it was opened */
	} open[LATIN_MAX_OPEN];
	size_t depth = 0, glued;
	bool spaced = false; /* a space stands between the run's end and i */
	unsigned prev = 0;
	for (; i < n; prev = cp, i += k) {
		k = utf8_at(u + i, n - i, &cp);
		unsigned next = 0;
		if (i + k < n)
			utf8_at(u + i + k, n - i - k, &next);
		if (i == *end)
			spaced = false;
		if (latin_inner(cp)) {
			*end = i + k;
		} else if (latin_suffix(cp) && i == *end) {
			*end = i + k; /* right after a letter, digit or another such symbol */
		} else if ((cp == '\'' || cp == 0x2019) && latin_letter(next)) {
			/* an apostrophe inside a word */
		} else if (depth && cp == open[depth - 1].closing) {
			depth--;
			*end = i + k;
		} else if (closing_of(cp) && depth < LATIN_MAX_OPEN) {
			open[depth].closing = closing_of(cp);
			open[depth++].end_before = *end;
		} else if (token_mark(cp) && (!spaced || (token_lead(cp) && (prev == ' ' || prev == 0xa0))) &&
		           (glued = glued_to_latin(u, n, i))) {
			k = glued - i; /* on at the letter or digit they lead to */
		} else if (!latin_joiner(cp)) {
			break;
		} else if (cp == ' ' || cp == 0xa0) {
			spaced = true;
		}
	}
	if (depth)
		*end = open[0].end_before;
	return true;
}

#define FSI "\xe2\x81\xa8" /* U+2068 FIRST STRONG ISOLATE */
#define PDI "\xe2\x81\xa9" /* U+2069 POP DIRECTIONAL ISOLATE */

/* {======= right-to-left isolation
 *
 * On a right-to-left page each Latin-script phrase (names, acronyms, URLs, a
 * title in English) is isolated, so the bidi algorithm does not lay its words
 * out right to left ("on Combating Trafficking NATO Policy"). A phrase is
 * found in the block's visible text as one string, across the inline nodes
 * that hold it: a line break in the source, emphasis, a link or code in its
 * middle. Isolated whole nodes become a <bdi> around them; a phrase that
 * starts or ends inside an element it does not fill, or stands in a table
 * cell (which takes only CommonMark's own inlines), is isolated with
 * Unicode's isolate characters (U+2068 ... U+2069), which the bidi
 * algorithm applies across elements alike (UAX #9, X5a-X5c). */

/* A piece of a block's visible text: a text node's literal, or what stands
 * for a node that cannot be cut: a Latin letter for code or a URL shown as
 * its link's text, a space for a line break in the source, an image or a
 * note's mark, nothing for a tag of raw HTML, NOT_LATIN for a hard line
 * break (flatten()). */
struct piece {
	cmark_node *n;
	size_t off, len; /* in the block's string */
	bool text;       /* n is a text node whose literal this is */
};

struct flat {
	struct buf s;
	struct piece *v; /* grown by xgrow() */
	size_t n;
	bool raw;        /* the block holds raw HTML */
};

#define NOT_LATIN '\x01' /* no joiner, letter or mark to latin_run(): ends a run */

static void flat_put(struct flat *f, cmark_node *n, const char *lit, bool text)
{
	f->v = xgrow(f->v, f->n, sizeof *f->v);
	f->v[f->n++] = (struct piece){n, f->s.len, strlen(lit), text};
	buf_adds(&f->s, lit);
}

/* Whether text node n is a URL shown as its own link's text (an autolink). */
static bool url_text(cmark_node *n)
{
	cmark_node *par = cmark_node_parent(n);
	const char *lit = cmark_node_get_literal(n);
	return par && cmark_node_get_type(par) == CMARK_NODE_LINK && cmark_node_get_url(par) && lit && *lit &&
	       strstr(cmark_node_get_url(par), lit);
}

/* Emphasis, strong emphasis or strikethrough (the extension's node). */
static bool is_emphasis(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	return t == CMARK_NODE_EMPH || t == CMARK_NODE_STRONG || !strcmp(cmark_node_get_type_string(n), "strikethrough");
}

static void flatten(cmark_node *container, struct flat *f)
{
	for (cmark_node *c = cmark_node_first_child(container); c; c = cmark_node_next(c)) {
		cmark_node_type t = cmark_node_get_type(c);
		const char *lit = t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE ? cmark_node_get_literal(c) : NULL;
		size_t a, b;
		if (t == CMARK_NODE_TEXT && !url_text(c))
			flat_put(f, c, lit ? lit : "", true);
		else if (t == CMARK_NODE_TEXT) /* a URL is isolated whole, as a left-to-right island */
			flat_put(f, c, "x", false);
		else if (t == CMARK_NODE_CODE) /* code with Latin letters is a word of the phrase around it */
			flat_put(f, c, lit && latin_run(lit, strlen(lit), 0, &a, &b) ? "x" : (char[]){NOT_LATIN, 0}, false);
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_IMAGE || t == CMARK_NODE_FOOTNOTE_REFERENCE ||
		         t == CMARK_NODE_CUSTOM_INLINE)
			/* a space between words: an image (its alt text is an attribute) or a note's mark
			 * (a footnote's, a citation's) stands in the phrase around it, not at its ends */
			flat_put(f, c, " ", false);
		else if (t == CMARK_NODE_HTML_INLINE) /* a tag of raw HTML shows nothing itself */
			flat_put(f, c, "", false), f->raw = true;
		else if (t == CMARK_NODE_LINK || is_emphasis(c))
			flatten(c, f);
		else /* a hard line break */
			flat_put(f, c, (char[]){NOT_LATIN, 0}, false);
	}
}

static bool is_ancestor(cmark_node *a, cmark_node *n)
{
	for (; n; n = cmark_node_parent(n))
		if (n == a)
			return true;
	return false;
}

/* The child of anc that holds n (n itself when it is one). */
static cmark_node *child_toward(cmark_node *anc, cmark_node *n)
{
	while (cmark_node_parent(n) != anc)
		n = cmark_node_parent(n);
	return n;
}

static cmark_node *text_node(const char *lit)
{
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(t, lit);
	return t;
}

/* Whether raw HTML stands among the nodes from a to b (siblings) or inside them. */
static bool holds_raw(cmark_node *a, cmark_node *b)
{
	for (cmark_node *x = a; x; x = x == b ? NULL : cmark_node_next(x)) {
		cmark_iter *it = cmark_iter_new(x);
		cmark_event_type ev;
		bool raw = false;
		while (!raw && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
			raw = cmark_node_get_type(cmark_iter_get_node(it)) == CMARK_NODE_HTML_INLINE;
		cmark_iter_free(it);
		if (raw)
			return true;
	}
	return false;
}

/* Isolates the phrase whose first node is first and last is last (in
 * document order, one parent above both, or the same). raw: the block holds raw HTML, whose tags
 * a <bdi> around some of them could cross ("<b><bdi>NATO</b> Policy</bdi>"). */
static void isolate_phrase(cmark_node *first, cmark_node *last, bool raw)
{
	cmark_node *top = cmark_node_parent(first);
	while (!is_ancestor(top, last))
		top = cmark_node_parent(top);
	cmark_node *a = child_toward(top, first), *b = child_toward(top, last);
	bool whole = true; /* first starts a, and last ends b */
	for (cmark_node *x = first; x != a && whole; x = cmark_node_parent(x))
		whole = cmark_node_first_child(cmark_node_parent(x)) == x;
	for (cmark_node *x = last; x != b && whole; x = cmark_node_parent(x))
		whole = cmark_node_last_child(cmark_node_parent(x)) == x;
	/* all of an emphasis goes inside the <bdi> (<bdi><em>NATO</em></bdi>); a link keeps it inside */
	while (whole && is_emphasis(top) && cmark_node_first_child(top) == a && cmark_node_last_child(top) == b)
		a = b = top, top = cmark_node_parent(top);
	cmark_node *bdi = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	cmark_node_set_on_enter(bdi, "<bdi>");
	cmark_node_set_on_exit(bdi, "</bdi>");
	if (whole && !(raw && holds_raw(a, b)) && cmark_node_insert_before(a, bdi)) {
		for (cmark_node *x = a, *next; x; x = x == b ? NULL : next) {
			next = cmark_node_next(x);
			cmark_node_append_child(bdi, x);
		}
		return;
	}
	cmark_node_free(bdi);
	cmark_node *fsi = text_node(FSI), *pdi = text_node(PDI);
	if (!cmark_node_insert_before(first, fsi))
		cmark_node_free(fsi); /* (text goes wherever text does) */
	if (!cmark_node_insert_after(last, pdi))
		cmark_node_free(pdi);
}

/* Isolates each Latin-script phrase of block (a paragraph, heading or table cell). Every run is found
 * first, then each text node is cut once at all the runs' ends inside it: cut at one run at a time, a
 * node's rest was copied at each cut, the square of its runs (helper-150: 100,000 Latin words in an
 * Arabic paragraph took 5 s, 200,000 took 31 s). */
struct run {
	size_t start, end;      /* in the block's string */
};
struct seg {
	size_t off;             /* where node n's text starts in the block's string */
	cmark_node *n;
};

/* The node of segs[0, n) (by offset) that holds byte at. */
static cmark_node *seg_at(const struct seg *segs, size_t n, size_t at)
{
	size_t lo = 0, hi = n; /* the last whose off <= at */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (segs[mid].off <= at)
			lo = mid;
		else
			hi = mid;
	}
	return segs[lo].n;
}

static void isolate_latin(cmark_node *block)
{
	struct flat f = {.s = BUF_INIT, .raw = false};
	flatten(block, &f);
	struct run *runs = NULL;
	size_t nruns = 0;
	for (size_t from = 0, start, end; f.s.p && latin_run(f.s.p, f.s.len, from, &start, &end); from = end) {
		runs = xgrow(runs, nruns, sizeof *runs);
		runs[nruns++] = (struct run){start, end};
	}
	struct seg *segs = NULL;
	size_t nsegs = 0;
	size_t *cuts = NULL, ncuts = 0, cap = 0; /* the offsets a text node is cut at */
	for (size_t i = 0, r = 0; nruns && i < f.n; i++) {
		const struct piece *p = &f.v[i];
		size_t at = p->off, e = p->off + p->len;
		if (!p->len)
			continue;
		while (r < nruns && runs[r].end <= at)
			r++;
		ncuts = 0;
		for (size_t k = r; p->text && k < nruns && runs[k].start < e; k++) {
			if (ncuts + 2 > cap)
				cuts = xrealloc(cuts, (cap = 2 * cap + 8) * sizeof *cuts);
			if (runs[k].start > at)
				cuts[ncuts++] = runs[k].start;
			if (runs[k].end < e)
				cuts[ncuts++] = runs[k].end;
		}
		segs = xgrow(segs, nsegs, sizeof *segs);
		segs[nsegs++] = (struct seg){at, p->n};
		if (!ncuts)
			continue;
		char *whole = xstrdup(cmark_node_get_literal(p->n));
		cmark_node *prev = p->n;
		for (size_t c = 0; c < ncuts; c++) {
			size_t from = cuts[c], to = c + 1 < ncuts ? cuts[c + 1] : e;
			char *part = xstrndup(whole + (from - at), to - from);
			cmark_node *t = text_node(part);
			free(part);
			cmark_node_insert_after(prev, t);
			prev = t;
			segs = xgrow(segs, nsegs, sizeof *segs);
			segs[nsegs++] = (struct seg){from, t};
		}
		whole[cuts[0] - at] = '\0'; /* the first node keeps the text before the first cut */
		cmark_node_set_literal(p->n, whole);
		free(whole);
	}
	for (size_t k = 0; k < nruns; k++)
		isolate_phrase(seg_at(segs, nsegs, runs[k].start), seg_at(segs, nsegs, runs[k].end - 1), f.raw);
	free(cuts);
	free(segs);
	free(runs);
	buf_free(&f.s);
	free(f.v);
}

/* }======= */

/* {======= quotes after a proclitic; Hebrew's geresh and gershayim
 *
 * cmark-gfm curls a quote by CommonMark's flanking rules (spec 6.2): one
 * with a letter on both sides closes. Arabic and Hebrew write a one-letter
 * word (Arabic و ب ل ف ك, Hebrew ו ה ש ב ל מ כ: and, in, to, the...)
 * joined to the next one, a quotation's opening mark too: in و"اقتباس"
 * both marks closed, and Arabic showed »اقتباس» (helper-148). Hebrew also
 * writes its abbreviations' gershayim (צה"ל) and the geresh (ג'ירפה, וכו')
 * with the ASCII quotes; those are no quotation marks and take their own
 * characters, U+05F4 and U+05F3 (The Unicode Standard, section 9.1 Hebrew,
 * on geresh and gershayim), where cmark-gfm curled them. */

#define NONE ((size_t)-1)

/* A letter that Arabic (he false) or Hebrew writes as a word of its own
 * joined to the next: a conjunction, preposition or article. */
static bool proclitic(unsigned cp, bool he)
{
	static const unsigned ar[] = {0x648, 0x628, 0x644, 0x641, 0x643};               /* و ب ل ف ك */
	static const unsigned hb[] = {0x5d5, 0x5d4, 0x5e9, 0x5d1, 0x5dc, 0x5de, 0x5db}; /* ו ה ש ב ל מ כ */
	const unsigned *v = he ? hb : ar;
	for (size_t i = 0, n = he ? 7 : 5; i < n; i++)
		if (v[i] == cp)
			return true;
	return false;
}

static bool hebrew_letter(unsigned cp) { return cp >= 0x5d0 && cp <= 0x5f2; }

/* A mark that goes with the letter before it: Unicode's M categories (Hebrew points and cantillation,
 * Arabic vowel signs; not the maqaf, paseq, sof pasuq or nun hafukha, which are punctuation). */
static bool vowel_mark(unsigned cp)
{
	return (U_GET_GC_MASK((UChar32)cp) & U_GC_M_MASK) != 0;
}

static bool alnum_cp(unsigned cp)
{
	return cp < 0x80 ? isalnum((int)cp) != 0 : utf8_locale && iswalnum_l((wint_t)cp, utf8_locale);
}

static bool quote_mark(unsigned cp)
{
	return cp == '"' || cp == '\'' || cp == 0xab || cp == 0xbb || (cp >= 0x2018 && cp <= 0x201f);
}

/* The index of the character before i, over the marks on it and Arabic's tatweel U+0640, which
 * draws its letter longer (لـ"نص": the quote after a proclitic); NONE at the start. */
static size_t char_before(const unsigned *cp, size_t i)
{
	while (i && (vowel_mark(cp[i - 1]) || cp[i - 1] == 0x640))
		i--;
	return i ? i - 1 : NONE;
}

#define PROCLITIC_MAX 3 /* letters of one prefix (Arabic وب "and in", Hebrew וכש "and when") */

/* Whether the quote at q follows a prefix of proclitic letters that starts a
 * word (at the start of the text, after a space or punctuation, not after
 * another quote: "و" is a quoted word). */
static bool after_proclitic(const unsigned *cp, size_t q, bool he)
{
	size_t j = q, k = 0, p;
	/* the hyphen (or maqaf) that joins a prefix to a term cmark-gfm took the quote after for a closing
	 * one: 'ש-"%PATH%"' ("API" after it opens by cmark-gfm's own rule) */
	if ((p = char_before(cp, j)) != NONE && (cp[p] == '-' || cp[p] == 0x5be))
		j = p;
	/* Arabic's article, "الـ"API"" (its lam a proclitic's letter; helper-155), after which one-letter
	 * words may still come ("والـ") */
	if (!he && (p = char_before(cp, j)) != NONE && cp[p] == 0x644 && (p = char_before(cp, p)) != NONE &&
	    cp[p] == 0x627)
		j = p, k = 1;
	for (; k < PROCLITIC_MAX && (p = char_before(cp, j)) != NONE && proclitic(cp[p], he); k++)
		j = p;
	if (!k)
		return false;
	size_t b = char_before(cp, j);
	return b == NONE || (!alnum_cp(cp[b]) && !quote_mark(cp[b]));
}

/* Whether c is an ASCII sign a term may start or end with ("%PATH%", ".NET", "$HOME", "#tag"): not a
 * letter, digit, space or quote. */
static bool ascii_sign(unsigned c)
{
	return c < 0x80 && ispunct((int)c) && c != '"' && c != '\'';
}

/* Whether a word starts after the mark at i: a letter or digit, or one after a few ASCII signs. */
static bool word_after(const unsigned *cp, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && j < i + 4 && ascii_sign(cp[j]))
		j++;
	return j < n && alnum_cp(cp[j]);
}

/* The letters (and digits) of the word that ends at t and starts after q,
 * over the marks between two of them (ו"צה"ל": 3). */
static size_t letters_before(const unsigned *cp, size_t q, size_t t)
{
	size_t k = 0, j = t, p;
	/* (and the ASCII signs a term ends with: "%PATH%") */
	for (size_t s = 0; s < 3 && (p = char_before(cp, j)) != NONE && p > q + 1 && ascii_sign(cp[p]); s++)
		j = p;
	for (; (p = char_before(cp, j)) != NONE && p > q; j = p) {
		if (alnum_cp(cp[p]))
			k++;
		else if (!quote_mark(cp[p]) || p == q + 1 || !alnum_cp(cp[p - 1]) || !alnum_cp(cp[p + 1]))
			break;
	}
	return k;
}

/* Whether the quote at q, after a proclitic, opens a quotation in Hebrew:
 * one closes it later in the block (a closing mark of its kind that ends a
 * word) before another opens. Else it is the gershayim of an abbreviation
 * (ש"ח, ב"ה) or the geresh of a number (ה'תשפ"ד). The marks inside words
 * (צה"ל, ג'ירפה) are passed over; the scan stops at any other mark of the
 * kind, so the scans of one block read each character about once. A "
 * closes only after a word of two letters or more: in ש"ח" the last " ends
 * the abbreviation (the outer quotation's end), and ש" is gershayim. */
static bool closed_later(const unsigned *cp, size_t n, size_t q)
{
	bool dbl = cp[q] == 0x201d;
	/* (after a hyphen or maqaf it is no gershayim, which comes after a letter: 'ש-"`x`"', a code span
	 * one word, and 'מ-"(x)"' open a quotation too: helper-159) */
	size_t b = char_before(cp, q);
	bool joined = b != NONE && (cp[b] == '-' || cp[b] == 0x5be);
	for (size_t t = q + 1; t < n; t++) {
		if (cp[t] != (dbl ? 0x201c : 0x2018) && cp[t] != (dbl ? 0x201d : 0x2019))
			continue;
		if (cp[t] == (dbl ? 0x201c : 0x2018))
			return false;
		if (t + 1 >= n || !alnum_cp(cp[t + 1]))
			return !dbl || joined || letters_before(cp, q, t) >= 2;
		if (after_proclitic(cp, t, true))
			return false;
	}
	return false;
}

/* Whether the ' at i comes before a number written in Hebrew letters, one
 * with gershayim before its last letter and no ' right after (ה'תשפ"ד, the
 * year 5784): the ' is the geresh of the thousands before it. */
static bool before_numeral(const unsigned *cp, size_t n, size_t i)
{
	size_t j = i + 1, k = 0;
	for (; j < n && (hebrew_letter(cp[j]) || (k && vowel_mark(cp[j]))); j++)
		k += hebrew_letter(cp[j]);
	if (!k || j + 1 >= n || (cp[j] != '"' && cp[j] != 0x201c && cp[j] != 0x201d && cp[j] != 0x5f4) ||
	    !hebrew_letter(cp[j + 1]))
		return false;
	for (j += 2; j < n && vowel_mark(cp[j]); j++)
		;
	return j >= n || (!alnum_cp(cp[j]) && cp[j] != '\'' && cp[j] != 0x2018 && cp[j] != 0x2019 && cp[j] != 0x5f3);
}

struct quote_edit {
	size_t at;      /* byte of the block's string where the mark (3 bytes) is */
	const char *to; /* what it becomes */
};

/* What the curled mark at i (cmark-gfm's ” or ’) becomes, or NULL: an
 * opening mark after a proclitic; in Hebrew, gershayim between two letters,
 * a geresh after a letter unless it closes the quotation of an open ‘
 * (*open_single counts them). */
static const char *quote_fix(const unsigned *cp, size_t n, size_t i, bool he, size_t *open_single)
{
	bool dbl = cp[i] == 0x201d;
	size_t b = char_before(cp, i);
	bool letter_after = i + 1 < n && alnum_cp(cp[i + 1]);
	if (word_after(cp, n, i) && after_proclitic(cp, i, he) &&
	    (!he || (closed_later(cp, n, i) && (dbl || !before_numeral(cp, n, i))))) {
		*open_single += !dbl;
		return dbl ? "\xe2\x80\x9c" : "\xe2\x80\x98"; /* “ ‘ */
	}
	if (!he || b == NONE || !hebrew_letter(cp[b])) {
		if (!dbl && !letter_after && *open_single)
			--*open_single; /* (a closing ’ after a Latin word) */
		return NULL;
	}
	if (dbl)
		return i + 1 < n && hebrew_letter(cp[i + 1]) ? "\xd7\xb4" : NULL; /* U+05F4 ״ */
	if (!letter_after && *open_single) {
		--*open_single;
		return NULL;
	}
	return "\xd7\xb3"; /* U+05F3 ׳ */
}

/* Writes the edits (in order) into the text nodes of f that hold them. */
static void quote_apply(struct flat *f, const struct quote_edit *e, size_t ne)
{
	size_t k = 0;
	for (size_t i = 0; i < f->n && k < ne; i++) {
		struct piece *p = &f->v[i];
		size_t end = p->off + p->len, from = p->off;
		if (!p->text || e[k].at >= end)
			continue;
		struct buf b = BUF_INIT;
		for (; k < ne && e[k].at < end; k++) {
			buf_add(&b, f->s.p + from, e[k].at - from);
			buf_adds(&b, e[k].to);
			from = e[k].at + 3;
		}
		buf_add(&b, f->s.p + from, end - from);
		char *t = buf_detach(&b, NULL);
		cmark_node_set_literal(p->n, t);
		free(t);
	}
}

/* Corrects the curled quotes of block (a paragraph, heading or table cell)
 * in Arabic (he false) or Hebrew, seen across its inline nodes: cmark-gfm
 * makes each quote a text node of its own. */
static void proclitic_quotes(cmark_node *block, bool he)
{
	struct flat f = {.s = BUF_INIT, .raw = false};
	flatten(block, &f);
	size_t n = 0, open_single = 0;
	unsigned *cp = xmalloc((f.s.len + 1) * sizeof *cp);
	size_t *at = xmalloc((f.s.len + 1) * sizeof *at);
	for (size_t i = 0; i < f.s.len; n++) {
		at[n] = i;
		i += utf8_at((const unsigned char *)f.s.p + i, f.s.len - i, &cp[n]);
	}
	struct quote_edit *e = NULL;
	size_t ne = 0;
	for (size_t i = 0; i < n; i++) {
		open_single += cp[i] == 0x2018;
		const char *to = cp[i] == 0x201d || cp[i] == 0x2019 ? quote_fix(cp, n, i, he, &open_single) : NULL;
		if (!to)
			continue;
		e = xgrow(e, ne, sizeof *e);
		e[ne++] = (struct quote_edit){at[i], to};
	}
	if (ne)
		quote_apply(&f, e, ne);
	free(e);
	free(cp);
	free(at);
	buf_free(&f.s);
	free(f.v);
}

#undef NONE

/* }======= */

static bool foreign(const struct md_opts *o, cmark_node *n);
static bool is_cell(cmark_node *n);

/* Whether text node n is in a block still in another language (md_opts.foreign): the paragraph or
 * heading that holds it starts on one of those lines. */
static bool in_foreign(const struct md_opts *o, cmark_node *n)
{
	for (cmark_node *b = cmark_node_parent(n); b; b = cmark_node_parent(b)) {
		cmark_node_type t = cmark_node_get_type(b);
		if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING || is_cell(b))
			return foreign(o, b);
	}
	return false;
}

/* The typography of lang (and rtl) on doc's text: with o's blocks still in another language
 * (md_opts.foreign), on those alone when of_foreign, else on the others alone. A passage nobody
 * translated keeps its own language's typography (vade(5)), where it took the page's: French
 * spaces and Arabic guillemets in English text. */
/* A command's option in prose ("use --verbose", "## --help"): smart punctuation makes an en dash of
 * its "--" ("–verbose"), which an option never is, and GitHub, which has no smart punctuation, shows
 * and slugs it as written ("## --verbose": id "--verbose", here "verbose": helper-158). An en dash at
 * a word's start before a lower-case letter is given back as the "--" it was where the text (text[0,
 * len), the source) has that option so. */
/* Whether the text s[0, n) ends in a prefix of Hebrew's or Arabic's proclitic letters that starts a
 * word (after_proclitic): the quote after it opens, 'ב"--force"' (helper-165). */
static bool proclitic_before(const char *s, size_t n)
{
	unsigned cp[8];
	size_t m = 0, at = n;
	/* the last 8 characters: a prefix of 3 letters, a maqaf and Arabic's article, the one before them */
	while (at && m < 8) {
		size_t k = utf8_last(s, at);
		uint32_t c;
		if (!k || utf8_decode(s + at - k, k, &c) != k)
			break;
		at -= k;
		cp[7 - m++] = c;
	}
	return m && (after_proclitic(cp + 8 - m, m, true) || after_proclitic(cp + 8 - m, m, false));
}

/* Whether s[0, n) ends in a dash of any language (Unicode Pd: "The flag—\"--force\"—is"), after
 * which a quote opens. */
static bool dash_before(const char *s, size_t n)
{
	size_t k = n ? utf8_last(s, n) : 0;
	uint32_t c;
	return k && utf8_decode(s + n - k, k, &c) == k && (U_GET_GC_MASK((UChar32)c) & U_GC_PD_MASK);
}

/* Whether an option may start after s[0, n) (after an inline element, a link's or an emphasis's end,
 * when after_inline; else after a line's start): nothing, a space, an opening bracket, a slash or a
 * bar between options ("-q/--quiet", "--color|--no-color"), an opening quote ("the \"--fast-list\"
 * flag", curled by smart punctuation: helper-160 found them in rclone's and ripgrep's docs). */
static bool option_start(const char *s, size_t n, bool after_inline)
{
	if (!n)
		return !after_inline;
	if (strchr(" \t\n([{/|=\"'`", s[n - 1])) /* (and "--opt=--x", "{--all|--branches}": helper-166) */
		return true;
	/* and after an opening quote or bracket of any language (“--fast”, «--verbose», „--force“, 「--help」),
	 * a no-break space (French's inside guillemets, "« --quiet »"), or a wide character or a letter of a
	 * script written without spaces, closed up to it ("使用--verbose选项", "ใช้--verbose"): they were
	 * "«–verbose»", the heading's id "verbose" (helper-162) */
	size_t k = utf8_last(s, n);
	uint32_t c;
	if (k < 2 || utf8_decode(s + n - k, k, &c) != k)
		return false;
	/* (any space: a thin or an em space as much as a no-break one; Spanish's opening '¿' and '¡'; a wide
	 * character that is no symbol, a closing bracket too, "（v2）--verbose": an emoji closed up to "--"
	 * is prose's dash, "🎉--mostly") */
	int width = u_getIntPropertyValue((UChar32)c, UCHAR_EAST_ASIAN_WIDTH);
	bool wide = width == U_EA_WIDE || width == U_EA_FULLWIDTH;
	uint32_t gc = U_GET_GC_MASK((UChar32)c);
	if (!wide && (gc & (U_GC_PI_MASK | U_GC_PF_MASK | U_GC_PE_MASK)))
		/* a quote opens where an opening one would stand, whichever way it is drawn (Danish's "»--force«",
		 * Swedish's "”--verbose”"), or after Hebrew's or Arabic's one-letter word ('ב"--force"'); after a
		 * word or an emphasis it closes it ("“no”--and", German "„nein“--und", "“*no*”--and": helper-164,
		 * helper-165) */
		return option_start(s, n - k, after_inline) || proclitic_before(s, n - k) || dash_before(s, n - k);
	return (gc & (U_GC_PS_MASK | U_GC_ZS_MASK)) || c == 0xbf || c == 0xa1 || (wide && !(gc & U_GC_S_MASK)) ||
	       script_unspaced(c);
}

/* Whether the character at s (NUL-terminated) is a letter of any script. */
static bool letter_at(const char *s)
{
	uint32_t c;
	size_t k = utf8_decode(s, strnlen(s, 4), &c);
	return k && u_isalpha((UChar32)c);
}

/* Whether the character at s (NUL-terminated) may follow a closing dash: nothing, a space, or
 * punctuation but a dash (ASCII's, or any language's: "”", "»", "…"). */
static bool after_closing_dash(const char *s)
{
	uint32_t c;
	size_t k = *s ? utf8_decode(s, strnlen(s, 4), &c) : 0;
	return !*s || *s == ' ' || (k == 1 ? ispunct((unsigned char)*s) && *s != '-'
	                                  : k && (U_GET_GC_MASK((UChar32)c) & ((U_GC_P_MASK & ~U_GC_PD_MASK) | U_GC_ZS_MASK)));
}

/* Whether a sentence ends at q, after text that starts at s: '.', '!' or '?' after a word and before
 * a space or the text's end, not an abbreviation's stop: after a one-letter word ("i.e. ", "e.g. "), or
 * before a word in lower case ("t.ex. det", "bzw. die": helper-166); or a full
 * stop, question or exclamation mark of Arabic, CJK or Devanagari, which no space follows. */
static bool sentence_end(const char *s, const char *q)
{
	static const char *const ends[] = {"\u061f", "\u06d4", "\u0964", "\u3002", "\uff01", "\uff1f"};
	if (strchr(".!?", *q) && *q)
		return q > s && (isalnum((unsigned char)q[-1]) || (unsigned char)q[-1] >= 0x80) && (!q[1] || q[1] == ' ') &&
		       !(*q == '.' && isalpha((unsigned char)q[-1]) && (q - 1 == s || !isalpha((unsigned char)q[-2]))) &&
		       !(*q == '.' && q[1] == ' ' && islower((unsigned char)q[2]));
	for (size_t i = 0; (unsigned char)*q >= 0x80 && i < sizeof ends / sizeof *ends; i++)
		if (!strncmp(q, ends[i], strlen(ends[i])))
			return true;
	return false;
}

/* Whether a dash closes up to a word's end after s (in text node n, or a text after it in its
 * paragraph): "the --best-- way", "good --really good-- and", a pair of dashes around words, is
 * prose whose first dash is no option (helper-160: it stayed "--", the second became a dash).
 * The pair is looked for in the sentence alone, and up to the next dash that opens one: "Use
 * --verbose." is an option whatever pair of dashes a later sentence writes, and so is "--verbose"
 * in "use --verbose and the --best-- way", or "--force" in "den --üblichen-- Weg" (helper-164,
 * helper-165: the pair after it made it a dash). */
static bool dash_closed(cmark_node *n, const char *s)
{
	for (;;) {
		for (const char *q = s; *q; q++) {
			if (sentence_end(s, q))
				return false;
			if (strncmp(q, "\u2013", 3))
				continue;
			bool after_word = q > s && (isalnum((unsigned char)q[-1]) || (unsigned char)q[-1] >= 0x80);
			if (after_word && after_closing_dash(q + 3))
				return true;
			if (letter_at(q + 3) && option_start(s, (size_t)(q - s), false))
				return false; /* another opens: the pair is its own */
			q += 2;
		}
		do
			n = cmark_node_next(n);
		while (n && (cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK || cmark_node_get_type(n) == CMARK_NODE_LINEBREAK));
		if (!n || cmark_node_get_type(n) != CMARK_NODE_TEXT)
			return false;
		s = cmark_node_get_literal(n);
	}
}

static void option_dashes(cmark_node *doc, const char *text, size_t len)
{
	if (!text)
		return;
	/* (only where the text writes one so: a "--" where an option starts (option_start), before a
	 * lower-case letter) */
	bool any = false;
	for (const char *q = text, *e = text + len; !any && q + 2 < e && (q = memchr(q, '-', (size_t)(e - q - 2))); q++)
		any = q[1] == '-' && islower((unsigned char)q[2]) &&
		      (option_start(text, (size_t)(q - text), false) || (q > text && (q[-1] == ';' || q[-1] == '>')));
	/* (after a character reference, "&ldquo;--force", or a tag, "<code>--force": the text as read
	 * decides, helper-166) */
	if (!any)
		return;
	/* the options the text writes with "--", found once: a search of the whole text for each was
	 * quadratic in a paragraph of thousands of options (helper-165) */
	struct strmap written = STRMAP_INIT_OWNED;
	for (const char *q = text, *e = text + len; q + 2 < e && (q = memchr(q, '-', (size_t)(e - q - 2))); q++)
		if (q[1] == '-' && islower((unsigned char)q[2])) {
			size_t k = span_of(text, (size_t)(q + 2 - text), len, "abcdefghijklmnopqrstuvwxyz0123456789-");
			const char *dd = memmem(q + 2, k, "--", 2); /* ("--dry-run--it": a dash closed up after it) */
			k = dd ? (size_t)(dd - q - 2) : k;
			char *o = xstrndup(q + 2, k < 40 ? k : 40);
			strmap_put(&written, o, NULL);
			free(o);
		}
	struct vec texts = VEC_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_TEXT &&
		    strstr(cmark_node_get_literal(n), "\u2013"))
			vec_push(&texts, n);
	}
	cmark_iter_free(it);
	for (size_t t = 0; t < texts.n; t++) {
		cmark_node *n = texts.v[t], *pv = cmark_node_previous(n);
		const char *lit = cmark_node_get_literal(n);
		/* what comes before the text: a line's start, a text just before it (read with it), or an
		 * inline element (a link, an emphasis, code) */
		const char *pl = pv && cmark_node_get_type(pv) == CMARK_NODE_TEXT ? cmark_node_get_literal(pv) : NULL;
		cmark_node *ppv = pl ? cmark_node_previous(pv) : pv;
		cmark_node_type pt = ppv ? cmark_node_get_type(ppv) : CMARK_NODE_NONE;
		/* (an opening tag is no word before it: "<code>--force</code>", helper-166) */
		bool after_inline = ppv && pt != CMARK_NODE_SOFTBREAK && pt != CMARK_NODE_LINEBREAK &&
		                    !(pt == CMARK_NODE_HTML_INLINE && strncmp(cmark_node_get_literal(ppv), "</", 2));
		struct buf b = BUF_INIT, before = BUF_INIT;
		size_t from = 0;
		for (const char *q = lit; (q = strstr(q, "\u2013")); q += 3) {
			/* (the last 64 bytes before it, the text before included: all option_start() reads of them
			 * but after 64 quotes in a row; a copy of all was quadratic in a long text) */
			before.len = 0;
			size_t pn = pl && q - lit < 64 ? strlen(pl) : 0, pk = pn > 64 ? pn - 64 : 0;
			while (pk < pn && ((unsigned char)pl[pk] & 0xc0) == 0x80)
				pk++;
			const char *from_lit = q - lit > 64 ? q - 64 : lit;
			while (from_lit < q && ((unsigned char)*from_lit & 0xc0) == 0x80)
				from_lit++;
			buf_add(&before, pl ? pl + pk : "", pn - pk);
			buf_add(&before, from_lit, (size_t)(q - from_lit));
			if (!option_start(before.p ? before.p : "", before.len, after_inline && from_lit == lit) ||
			    !islower((unsigned char)q[3]) || dash_closed(n, q + 3))
				continue;
			size_t k = strspn(q + 3, "abcdefghijklmnopqrstuvwxyz0123456789-");
			const char *dd = memmem(q + 3, k, "--", 2);
			k = dd ? (size_t)(dd - q - 3) : k;
			char *opt = xstrndup(q + 3, k < 40 ? k : 40);
			bool as_written = strmap_get(&written, opt) != NULL;
			free(opt);
			if (!as_written)
				continue;
			buf_add(&b, lit + from, (size_t)(q - lit) - from);
			buf_adds(&b, "--");
			from = (size_t)(q - lit) + 3;
		}
		if (b.len) {
			buf_adds(&b, lit + from);
			cmark_node_set_literal(n, b.p);
		}
		buf_free(&b);
		buf_free(&before);
	}
	vec_free(&texts);
	strmap_free(&written);
}

/* Whether BCP 47 tag lang is language primary ("fr", or "fr-" and a region or script). */
static bool lang_is(const char *lang, const char *primary)
{
	size_t n = strlen(primary);
	return lang && !strncmp(lang, primary, n) && (lang[n] == '\0' || lang[n] == '-');
}

static void typography(cmark_node *doc, const char *lang, bool rtl, const struct md_opts *o, bool of_foreign)
{
	bool fr = lang_is(lang, "fr"), guil = lang_is(lang, "ar"), he = lang_is(lang, "he");
	bool split = o && o->nforeign, quotes = guil || he;
	if ((!fr && !quotes && !rtl) || (of_foreign && !split))
		return;
	struct vec texts = VEC_INIT, blocks = VEC_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if ((rtl || quotes) && (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING || is_cell(n)) &&
		    (!split || foreign(o, n) == of_foreign))
			vec_push(&blocks, n);
		if (t != CMARK_NODE_TEXT || (split && in_foreign(o, n) != of_foreign))
			continue;
		/* The visible text of an autolink is its URL: leave it as written. */
		if (!url_text(n))
			vec_push(&texts, n);
	}
	cmark_iter_free(it);
	/* before guillemets() turns the closing marks it set right into » */
	for (size_t i = 0; quotes && i < blocks.n; i++)
		proclitic_quotes(blocks.v[i], he);
	for (size_t i = 0; i < texts.n; i++) {
		cmark_node *n = texts.v[i];
		cmark_node *prev = cmark_node_previous(n);
		cmark_node_type pt = prev ? cmark_node_get_type(prev) : CMARK_NODE_NONE;
		bool after_inline = prev && pt != CMARK_NODE_TEXT && pt != CMARK_NODE_SOFTBREAK && pt != CMARK_NODE_LINEBREAK;
		bool after_token = pt == CMARK_NODE_LINK || pt == CMARK_NODE_CODE;
		char *t = fr ? french(cmark_node_get_literal(n), after_inline, after_token)
		             : guil ? guillemets(cmark_node_get_literal(n)) : NULL;
		if (t) {
			cmark_node_set_literal(n, t);
			free(t);
		}
	}
	for (size_t i = 0; rtl && i < blocks.n; i++)
		isolate_latin(blocks.v[i]);
	vec_free(&blocks);
	vec_free(&texts);
}

/* The first "# heading" of a page without a 'title:' is its title (drop_first_h1), which is plain
 * text: a citation or a footnote in it would be numbered with nothing on the page pointing at it,
 * and the build failed on a link to an id no file has, without a place. Each is an error at it;
 * a citation goes, so that no note is numbered for it (a footnote's definition stays, and the
 * check of its link back says so too). */
static void title_notes(const struct md_opts *o, cmark_node *h)
{
	struct vec found = VEC_INIT;
	cmark_iter *it = cmark_iter_new(h);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		size_t k;
		if (ev == CMARK_EVENT_ENTER && (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_REFERENCE || cite_items(n, &k)))
			vec_push(&found, n);
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < found.n; i++) {
		cmark_node *n = found.v[i];
		bool cite = cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_REFERENCE;
		int line = cmark_node_get_start_line(n), col = cmark_node_get_start_column(n);
		if (!line) /* a citation has no place of cmark's: the heading's */
			line = cmark_node_get_start_line(h), col = cmark_node_get_start_column(h);
		int fl, fc;
		diag_place(&o->at, line, col, &fl, &fc);
		diag_error(o->src ? o->src : "content", fl, fc, "a %s in the first heading, which is the page's title "
		           "(plain text): put it in the text below, or give the page a 'title:'", cite ? "citation" : "footnote");
		if (cite) {
			cmark_node_free(n);
		} else { /* kept out of the heading, which goes: its note's link back to it would be said again, at
		          * no place of the file (helper-158) */
			cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
			cmark_node_insert_after(h, para);
			cmark_node_append_child(para, n);
		}
	}
	vec_free(&found);
}

/* Footnote marks (found) in a link's or an image's text, each an error at it. A mark is a link:
 * in a link's text it made an <a> inside an <a>, which HTML has not (vnu: "an element of the same
 * type was already open"; browsers split the link), and an image's text is its plain alt text,
 * where the mark was lost and the note's link back led nowhere, an error without a place
 * (helper-130). As a citation in a link's text is (cite.c). */
static void marks_in_links(const struct md_opts *o, const struct vec *found)
{
	cmark_node *last_up = NULL, *after = NULL;
	for (size_t i = 0; i < found->n; i++) {
		cmark_node *n = found->v[i], *up = cmark_node_parent(n);
		while (up && cmark_node_get_type(up) != CMARK_NODE_LINK && cmark_node_get_type(up) != CMARK_NODE_IMAGE)
			up = cmark_node_parent(up);
		bool image = up && cmark_node_get_type(up) == CMARK_NODE_IMAGE;
		int line = cmark_node_get_start_line(n), col = cmark_node_get_start_column(n), fl, fc;
		if (!line && up) /* no place of cmark's: the link's */
			line = cmark_node_get_start_line(up), col = cmark_node_get_start_column(up);
		diag_place(&o->at, line, col, &fl, &fc);
		diag_error(o->src ? o->src : "content", fl, fc, "a footnote in %s text, %s: put the footnote after it",
		           image ? "an image's" : "a link's",
		           image ? "which is plain text (its alt text)" : "which cannot hold another link (its mark is one)");
		/* The mark is moved after the link, in order: its note's link back then leads to it, and the
		 * build fails with this error alone (a mark lost in an alt text left a link back to no id, said
		 * at an output line). */
		if (up) {
			after = up == last_up ? after : up;
			last_up = up;
			if (cmark_node_insert_after(after, n))
				after = n;
		}
	}
}

/* The label of a footnote definition's line at p ("[^label]:", after the marks of the blocks that
 * hold it: white space, a block quote's '>', a list item's "-", "*", "+", "1." or "1)"), into *label
 * and *n, or false. Asked of lines no leaf block covers, so indentation is no code there
 * ("- > [^x]:", ">\t[^x]:", "1) [^x]:": helper-135). */
static bool note_definition_at(const char *p, const char *e, const char **label, size_t *n)
{
	for (bool more = true; more && p < e;) {
		const char *q = p;
		while (q < e && q - p < 9 && *q >= '0' && *q <= '9')
			q++;
		if (*p == ' ' || *p == '\t' || *p == '>')
			p++;
		else if (e - p >= 2 && strchr("-*+", *p) && (p[1] == ' ' || p[1] == '\t'))
			p += 2;
		else if (q > p && e - q >= 2 && (*q == '.' || *q == ')') && (q[1] == ' ' || q[1] == '\t'))
			p = q + 2;
		else
			more = false;
	}
	if (e - p < 5 || p[0] != '[' || p[1] != '^')
		return false;
	const char *c = memchr(p + 2, ']', (size_t)(e - p - 2));
	/* (a label with white space is none of cmark-gfm's footnotes: "[^my note]: x" defines a link) */
	if (!c || c == p + 2 || c + 1 >= e || c[1] != ':' || memchr(p + 2, '[', (size_t)(c - p - 2)) ||
	    memchr(p + 2, ' ', (size_t)(c - p - 2)) || memchr(p + 2, '\t', (size_t)(c - p - 2)))
		return false;
	*label = p + 2, *n = (size_t)(c - p - 2);
	return true;
}

/* Footnote label lab[0, n) folded as cmark-gfm folds a label to match it (Unicode case folding,
 * its utf8.c), into fold (emptied first); the text stays fold's. */
static const char *label_folded(cmark_strbuf *fold, const char *lab, size_t n)
{
	cmark_strbuf_clear(fold);
	cmark_utf8proc_case_fold(fold, (const uint8_t *)lab, (bufsize_t)n);
	return cmark_strbuf_cstr(fold);
}

/* By line of text (1-based, *nlines of them), what doc holds there: 1 a leaf block (a line of code
 * or of a paragraph is text), 2 the start of a footnote definition kept, 0 neither. Caller frees. */
static unsigned char *lines_covered(cmark_node *doc, const char *text, size_t len, int *nlines)
{
	int n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	unsigned char *at = xcalloc((size_t)n + 2, 1);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *nd = cmark_iter_get_node(it), *c = cmark_node_first_child(nd);
		cmark_node_type t = cmark_node_get_type(nd);
		int a = cmark_node_get_start_line(nd), b = cmark_node_get_end_line(nd);
		if (ev != CMARK_EVENT_ENTER || (t & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK || a < 1 || a > n)
			continue;
		if (t == CMARK_NODE_FOOTNOTE_DEFINITION)
			at[a] = 2;
		else if (t != CMARK_NODE_DOCUMENT && t != CMARK_NODE_BLOCK_QUOTE && t != CMARK_NODE_LIST && t != CMARK_NODE_ITEM &&
		         (!c || (cmark_node_get_type(c) & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK))
			for (int l = a; l <= b && l <= n; l++)
				at[l] |= at[l] ? 0 : 1;
	}
	cmark_iter_free(it);
	*nlines = n;
	return at;
}

struct note_mark {
	size_t from, to; /* from the text (0) or definition k, to definition k (cmark-gfm's numbers) */
};

static int cmp_note_mark(const void *a, const void *b)
{
	const struct note_mark *x = a, *y = b;
	return x->from < y->from ? -1 : x->from > y->from;
}

/* By line of doc's source (nlines), where the footnote definitions doc keeps that no mark of the text
 * leads to, itself or through other notes, stand: 2 on a definition's first line, 1 on the others
 * (a note that only other such notes refer to, in a cycle or to itself, was shown, numbered, with
 * nothing leading to it: helper-136). NULL when every one is reached. Caller frees. A mark's
 * literal is its definition's number; the definitions follow the text in that order. */
static unsigned char *notes_unreached(cmark_node *doc, int nlines)
{
	struct note_mark *m = NULL;
	int *lines = NULL; /* [2k], [2k + 1]: definition k's first and last line */
	size_t nm = 0, nd = 0, cur = 0;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_FOOTNOTE_DEFINITION && ev == CMARK_EVENT_ENTER) {
			cur = ++nd;
			lines = xrealloc(lines, (nd + 1) * 2 * sizeof *lines);
			lines[2 * nd] = cmark_node_get_start_line(n), lines[2 * nd + 1] = cmark_node_get_end_line(n);
		} else if (t == CMARK_NODE_FOOTNOTE_DEFINITION) {
			cur = 0;
		} else if (t == CMARK_NODE_FOOTNOTE_REFERENCE && ev == CMARK_EVENT_ENTER) {
			m = xgrow(m, nm, sizeof *m);
			m[nm++] = (struct note_mark){cur, strtoul(cmark_node_get_literal(n), NULL, 10)};
		}
	}
	cmark_iter_free(it);
	xqsort(m, nm, sizeof *m, cmp_note_mark);
	bool *reached = xcalloc(nd + 1, sizeof *reached);
	size_t *stack = xcalloc(nd + 2, sizeof *stack), top = 0, unreached = nd;
	stack[top++] = 0; /* the text */
	while (top) {
		size_t k = stack[--top], lo = 0, hi = nm;
		while (lo < hi) { /* the first mark from k */
			size_t mid = lo + (hi - lo) / 2;
			if (m[mid].from < k)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < nm && m[i].from == k; i++)
			if (m[i].to >= 1 && m[i].to <= nd && !reached[m[i].to]) {
				reached[m[i].to] = true;
				unreached--;
				stack[top++] = m[i].to;
			}
	}
	unsigned char *hide = NULL;
	for (size_t k = 1; unreached && k <= nd; k++) {
		if (reached[k] || lines[2 * k] < 1 || lines[2 * k] > nlines)
			continue;
		hide = hide ? hide : xcalloc((size_t)nlines + 2, 1);
		hide[lines[2 * k]] = 2;
		for (int l = lines[2 * k] + 1; l <= lines[2 * k + 1] && l <= nlines; l++)
			hide[l] = 1;
	}
	free(stack);
	free(reached);
	free(lines);
	free(m);
	return hide;
}

/* Blanks with spaces, in text (doc's source, len bytes), the footnote marks inside the definitions doc
 * left out and inside those no mark of the text leads to (notes_unreached): cmark-gfm counted such a
 * mark, numbered the note it refers to and kept it, with a link back to a mark no page shows
 * ("link to '#fnref-inner', which is no id", said at no place: helper-135). Parsed again without
 * them, those notes are left out in turn and warned about (notes_dropped), and the numbers run on;
 * once, as the notes reached are found in one walk (a chain of notes, each left out in turn, took
 * a parse per link: helper-136). A definition left out runs from its line over the lines no block
 * of doc covers. Returns how many it blanked; their labels, folded, go to labels. */
static size_t blank_hidden_marks(cmark_node *doc, char *text, size_t len, struct strmap *labels)
{
	int nlines;
	unsigned char *at = lines_covered(doc, text, len, &nlines), *hide = notes_unreached(doc, nlines);
	cmark_strbuf fold;
	cmark_strbuf_init(cmark_get_default_mem_allocator(), &fold, 16);
	char *p = text, *e = text + len;
	size_t blanked = 0;
	bool in_def = false;
	for (int l = 1; p <= e && l <= nlines; l++) {
		char *eol = memchr(p, '\n', (size_t)(e - p)), *from = p;
		eol = eol ? eol : e;
		const char *lab;
		size_t n;
		if (hide && hide[l]) {
			in_def = true;
			if (hide[l] == 2 && note_definition_at(p, eol, &lab, &n))
				from = (char *)lab + n + 2; /* after "]:" */
		} else if (at[l]) {
			in_def = false;
		} else if (note_definition_at(p, eol, &lab, &n)) {
			in_def = true;
			from = (char *)lab + n + 2;
		}
		for (char *q = from; in_def && q < eol && (q = memmem(q, (size_t)(eol - q), "[^", 2)); q += 2) {
			size_t k = strcspn(q + 2, "] \t\n[");
			if (k && q + 2 + k < eol && q[2 + k] == ']') {
				strmap_put(labels, label_folded(&fold, q + 2, k), NULL);
				memset(q, ' ', k + 3);
				blanked++;
			}
		}
		p = eol + 1;
	}
	cmark_strbuf_free(&fold);
	free(hide);
	free(at);
	return blanked;
}

/* Footnote definitions cmark-gfm left out of the page, each a warning at it: one no mark refers to,
 * and a second one of a label (labels match without regard to case, as link labels do), which
 * cmark-gfm drops in silence, and with it the author's text (helper-130). A definition is found by
 * its line: one no leaf block of the tree covers (a line of code or of a paragraph is text) and at
 * which no definition kept starts. hidden: the labels, folded, of the marks inside definitions
 * left out or reached by no mark of the text (blank_hidden_marks). */
static void notes_dropped(const struct md_opts *o, cmark_node *doc, const char *text, size_t len,
                          const struct strmap *hidden)
{
	if (!memmem(text, len, "[^", 2))
		return;
	int nlines;
	unsigned char *at = lines_covered(doc, text, len, &nlines);
	/* the line of the first definition kept of each label, by its label folded as cmark-gfm folds
	 * it to match ("[^Ä]" is a second "[^ä]") */
	struct strmap kept = STRMAP_INIT_OWNED;
	cmark_strbuf fold;
	cmark_strbuf_init(cmark_get_default_mem_allocator(), &fold, 16);
	const char *e = text + len;
	size_t said = 0;
	for (int pass = 0; pass < 2; pass++) {
		const char *p = text;
		for (int l = 1; p <= e && l <= nlines; l++) {
			const char *eol = memchr(p, '\n', (size_t)(e - p)), *lab;
			eol = eol ? eol : e;
			size_t n;
			if (at[l] != (pass ? 0 : 2) || !note_definition_at(p, eol, &lab, &n) || (pass && said++ >= 20)) {
				p = eol + 1;
				continue;
			}
			const char *folded = label_folded(&fold, lab, n);
			bool added;
			size_t *first = pass ? strmap_get(&kept, folded) : strmap_put(&kept, folded, &added);
			if (!pass) {
				*first = added ? (size_t)l : *first;
				p = eol + 1;
				continue;
			}
			int fl, fc, line0, col0;
			diag_place(&o->at, l, (int)(strstr(p, "[^") - p) + 1, &fl, &fc);
			if (first) {
				diag_place(&o->at, (int)*first, 1, &line0, &col0);
				diag_warn(o->src ? o->src : "content", fl, fc, "a second definition of the footnote [^%.*s] (the "
				          "first at line %d): it is not shown; give it a label of its own", (int)n, lab, line0);
			} else if (strmap_get(hidden, folded)) {
				diag_warn(o->src ? o->src : "content", fl, fc, "the footnote [^%.*s] is referred to only from "
				          "footnotes not shown: it is not shown either; refer to it from the text, or take it out",
				          (int)n, lab);
			} else {
				diag_warn(o->src ? o->src : "content", fl, fc, "the footnote [^%.*s] is defined, but no mark refers "
				          "to it: it is not shown; refer to it with [^%.*s], or take it out", (int)n, lab, (int)n, lab);
			}
			p = eol + 1;
		}
	}
	cmark_strbuf_free(&fold);
	strmap_free(&kept);
	if (said > 20)
		diag_warn(o->src ? o->src : "content", 0, 0, "%zu more footnote definitions not shown: refer to them, or take "
		          "them out", said - 20);
	free(at);
}

/* Puts a node's children where it stands and frees it. cmark refuses a
 * child its new parent cannot contain (cmark_node_insert_before returns 0):
 * a table cell takes only the core's inlines and no line break (its
 * can_contain() in table.c), so a custom inline or a break inside a link
 * in a cell cannot move up. Such a child is unwrapped in turn, and a leaf
 * stands as a space. Each step removes a node, so this ends. */
static void unwrap(cmark_node *n)
{
	for (cmark_node *c; (c = cmark_node_first_child(n));) {
		if (cmark_node_insert_before(n, c))
			continue;
		if (!cmark_node_first_child(c)) {
			cmark_node *sp = cmark_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(sp, " ");
			if (!cmark_node_insert_before(n, sp))
				cmark_node_free(sp);
			cmark_node_free(c);
			continue;
		}
		unwrap(c);
	}
	cmark_node_free(n);
}

/* The text being rendered, by lines, for link_place() to check a place against: the index is
 * made when the first place is checked. */
struct src_lines {
	const char *text;
	size_t len;
	size_t *off;            /* off[l - 1]: where line l starts, off[n] = len */
	int n;
	size_t searched;        /* bytes of blocks link_place() read for places cmark-gfm did not give */
	bool mdx_known;         /* mdx_close() was asked: the first close of an MDX comment at or after */
	size_t mdx_from, mdx_close; /* mdx_from is at mdx_close (SIZE_MAX: none) */
};

/* link_place() reads a block for each link whose place cmark-gfm did not give (after a code span
 * over two lines, on lazy lines), at most this many bytes in a text: 20,000 links in one such
 * paragraph took 15 s (helper-78); past it a link is placed where cmark-gfm says. */
#define LINK_PLACE_SEARCH ((size_t)20000000)

static void src_lines_free(struct src_lines *sl) { free(sl->off); }

/* The offset of line l, byte column c (both 1-based), or SIZE_MAX outside the text. */
static size_t src_offset(struct src_lines *sl, int l, int c)
{
	if (!sl->off) {
		size_t cap = 64;
		sl->off = xmalloc(cap * sizeof *sl->off);
		sl->off[sl->n = 0] = 0;
		for (size_t i = 0; i < sl->len; i++)
			if (sl->text[i] == '\n' || (sl->text[i] == '\r' && (i + 1 == sl->len || sl->text[i + 1] != '\n'))) {
				if ((size_t)sl->n + 2 >= cap)
					sl->off = xrealloc(sl->off, (cap *= 2) * sizeof *sl->off);
				sl->off[++sl->n] = i + 1;
			}
		sl->off[++sl->n] = sl->len;
	}
	if (l < 1 || l > sl->n || c < 1 || sl->off[l - 1] + (size_t)(c - 1) >= sl->off[l])
		return SIZE_MAX;
	return sl->off[l - 1] + (size_t)(c - 1);
}

/* Where the source of block starts (SIZE_MAX: outside the text), and in *to where it ends. */
static size_t block_source(struct src_lines *sl, cmark_node *block, size_t *to)
{
	size_t from = src_offset(sl, cmark_node_get_start_line(block), 1);
	*to = cmark_node_get_end_line(block) < sl->n ? sl->off[cmark_node_get_end_line(block)] : sl->len;
	return from;
}

/* The label of a footnote mark at p ("[^x]"), up to e: *n bytes after "[^"; false when p holds
 * none (a label with white space or '[' is no mark). */
static bool note_mark_at(const char *p, const char *e, size_t *n)
{
	if (e - p < 4 || p[0] != '[' || p[1] != '^')
		return false;
	size_t k = strcspn(p + 2, "] \t\n\r[");
	*n = k;
	return k && p + 2 + k < e && p[2 + k] == ']';
}

/* Whether the byte at q of text is escaped: an odd number of backslashes before it. */
static bool escaped_at(const char *text, const char *q)
{
	size_t bs = 0;
	while (q - (ptrdiff_t)bs > text && q[-1 - (ptrdiff_t)bs] == '\\')
		bs++;
	return bs % 2;
}

/* {======= footnote labels cmark-gfm would take wrong
 *
 * Where a bracket that opens no link is followed by a '^', cmark-gfm (0.29.0.gfm.6, handle_close_bracket)
 * makes a footnote mark whose label is the bytes after the '^' node's text, as many as the source's
 * columns between the brackets say. That is the label only where the two agree:
 *   - a '^' written as a reference ("[&#94;m]", "[&Hat;m]"): its node's text is one decoded byte, and
 *     the label was read past it, in freed memory (valgrind), and published as garbage;
 *   - a '^' escaped ("[\^m]"): the label takes the ']' too, shown "[^m]]";
 *   - a label over two lines ("[^a" and "b]"): the columns go back, the label is empty and the
 *     words are lost ("[^]").
 * None of these is a note (a label holds no reference, escape or line break). cmark-gfm takes that path
 * only when the text after the '[' starts with '^', so such a caret is fed to it as bytes no text holds
 * (markdown.h: MD_GUARD_CARET, then MD_GUARD_NONE for the rest of the reference or escape: the same
 * length, so every place stays the file's), and put back in every text, address and title of the tree
 * (markdown_unguard). The bracket stays as it is, a link's or not. A caret in code or raw HTML (found
 * by a parse without footnotes) or in a web address written out ("https://e.org/[\^x]", "<https://...>",
 * "www.") is left as it is: the bracket there opens nothing, and the text is shown as written. */

/* The bytes of a character reference to '^' at s (n bytes there): "&Hat;", "&#94;", "&#x5E;" (digits
 * as CommonMark reads them, leading zeros too); 0 for none. */
static size_t caret_ref(const char *s, size_t n)
{
	if (n >= 5 && !memcmp(s, "&Hat;", 5))
		return 5;
	if (n < 4 || s[0] != '&' || s[1] != '#')
		return 0;
	bool hex = s[2] == 'x' || s[2] == 'X';
	size_t i = hex ? 3 : 2, d0 = i;
	unsigned long v = 0;
	for (; i < n && i - d0 < (hex ? 6u : 7u) && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])); i++)
		v = v * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)s[i]) ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
	return i > d0 && i < n && s[i] == ';' && v == 0x5e ? i + 1 : 0;
}

/* The bytes of the caret after the '[' at text[i] that cmark-gfm would take a wrong label after: a
 * reference or an escape, or a literal '^' with a line break before the next ']' (the scan stops at a
 * '[' too, so each byte is read once over all brackets); 0 for none. */
static size_t wrong_caret_at(const char *text, size_t len, size_t i)
{
	const char *p = text + i + 1;
	size_t n = len - i - 1;
	if (n >= 2 && p[0] == '\\' && p[1] == '^')
		return 2;
	if (n && p[0] == '&')
		return caret_ref(p, n);
	if (!n || p[0] != '^')
		return 0;
	size_t k = 1;
	while (k < n && !strchr("[]\n\r", p[k]))
		k++;
	return k < n && (p[k] == '\n' || p[k] == '\r') ? 1 : 0;
}

/* Whether the '[' at text[i] is inside a web address written out: the word it ends ("https://e.org/",
 * "<http://...", "www.e.org/") holds "://" or starts with "www." (GUARD_REACH bytes back at most). */
enum { GUARD_REACH = 2048 };

static bool in_address(const char *text, size_t i)
{
	size_t w = i, stop = i > GUARD_REACH ? i - GUARD_REACH : 0;
	while (w > stop && !isspace((unsigned char)text[w - 1]))
		w--;
	while (w < i && strchr("<([*_~\"'", text[w]))
		w++;
	return (i - w >= 4 && !strncasecmp(text + w, "www.", 4)) || memmem(text + w, i - w, "://", 3);
}

/* Where code and raw HTML stand in text, which hold a caret as it is written: [2k, 2k+1] are the
 * source offsets of the k-th such node (code spans and raw HTML to the byte, blocks by whole lines),
 * sorted by start; from a parse without footnotes (which takes no wrong label). */
enum { UNPLACED_MAX = 16384 };

static size_t verbatim_spans(const char *text, size_t len, size_t **spans, struct buf *unplaced)
{
	cmark_parser *p = new_parser(0, false);
	cmark_parser_feed(p, text, len);
	cmark_node *doc = finish(p);
	struct src_lines sl = {.text = text, .len = len};
	size_t n = 0, cap = 0;
	*spans = NULL;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *nd = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(nd);
		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_CODE && t != CMARK_NODE_CODE_BLOCK &&
		                                t != CMARK_NODE_HTML_BLOCK && t != CMARK_NODE_HTML_INLINE))
			continue;
		bool block = t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_HTML_BLOCK;
		int l0 = cmark_node_get_start_line(nd), l1 = cmark_node_get_end_line(nd);
		size_t a = src_offset(&sl, l0, block ? 1 : cmark_node_get_start_column(nd));
		size_t b = src_offset(&sl, l1 < l0 ? l0 : l1, block ? 1 : cmark_node_get_end_column(nd));
		if (!block && (a == SIZE_MAX || a == 0 || !strchr("`<", text[a - 1]))) {
			/* an inline node cmark-gfm placed elsewhere than it stands (after a lazy line): its text,
			 * for guard_note_labels() to look in (UNPLACED_MAX bytes of them at most, so the search
			 * stays linear; past it, a caret there is fed guarded and shown as a caret) */
			if (unplaced->len < UNPLACED_MAX) {
				buf_adds(unplaced, cmark_node_get_literal(nd));
				buf_addc(unplaced, '\n');
			}
			continue;
		}
		if (a == SIZE_MAX || (block && b == SIZE_MAX))
			continue;
		if (b == SIZE_MAX || b < a) /* (an inline end past its first line: found below) */
			b = a;
		if (block) { /* to its last line's end */
			b = (size_t)l1 < (size_t)sl.n ? sl.off[l1] : len;
		} else if (t == CMARK_NODE_CODE && a > 0 && text[a - 1] == '`') {
			/* cmark-gfm gives a span over lines the end of its first: to its closing run of as many
			 * backticks as open it (CommonMark 6.1) */
			size_t k = 0;
			while (k < a && text[a - 1 - k] == '`')
				k++;
			for (size_t j = a; j < len; j++) {
				size_t r = 0;
				while (j + r < len && text[j + r] == '`')
					r++;
				if (r == k) {
					b = j + r - 1;
					break;
				}
				j += r;
			}
		} else if (t == CMARK_NODE_HTML_INLINE) { /* to the end of its last line as written */
			const char *lit = cmark_node_get_literal(nd), *last = strrchr(lit, '\n');
			last = last ? last + 1 : lit;
			const char *e = *last ? memmem(text + a, len - a, last, strlen(last)) : NULL;
			if (e && (size_t)(e - text) + strlen(last) > b)
				b = (size_t)(e - text) + strlen(last);
		}
		if (n == cap)
			*spans = xrealloc(*spans, (cap = cap ? cap * 2 : 16) * 2 * sizeof **spans);
		(*spans)[2 * n] = a > 0 && !block ? a - 1 : a; /* (a span's opening backtick or '<') */
		(*spans)[2 * n + 1] = b;
		n++;
	}
	cmark_iter_free(it);
	src_lines_free(&sl);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return n;
}

/* Whether offset i lies in one of the n spans (which nest in none, in order). */
static bool in_spans(const size_t *spans, size_t n, size_t i)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (spans[2 * mid + 1] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && spans[2 * lo] <= i && i <= spans[2 * lo + 1];
}

static char *guard_note_labels(const char *text, size_t len)
{
	char *g = NULL;
	size_t *spans = NULL, nspans = 0;
	bool spans_read = false;
	struct buf unplaced = BUF_INIT; /* the texts of code and raw HTML whose place is not known */
	for (const char *q = text; (q = memchr(q, '[', len - (size_t)(q - text))); q++) {
		size_t i = (size_t)(q - text), n;
		if (escaped_at(text, q) || !(n = wrong_caret_at(text, len, i)) || in_address(text, i))
			continue;
		if (!spans_read) { /* code and raw HTML keep the caret as written: asked once, when it matters */
			if (memchr(text, MD_GUARD_CARET, len) || memchr(text, MD_GUARD_NONE, len))
				return NULL; /* (a text no page holds: left as it is) */
			nspans = verbatim_spans(text, len, &spans, &unplaced);
			spans_read = true;
		}
		if (in_spans(spans, nspans, i))
			continue;
		size_t cl = 1 + n; /* the bracket and its caret as written, and its label to the ']' */
		while (i + cl < len && cl < 64 && !strchr("]\n", text[i + cl]))
			cl++;
		if (unplaced.len && memmem(unplaced.p, unplaced.len, text + i, cl))
			continue;
		if (!g) {
			g = xmalloc(len + 1);
			memcpy(g, text, len);
			g[len] = '\0';
		}
		g[i + 1] = MD_GUARD_CARET;
		memset(g + i + 2, MD_GUARD_NONE, n - 1);
	}
	free(spans);
	buf_free(&unplaced);
	return g;
}

char *markdown_unguard(const char *s)
{
	if (!s || !strpbrk(s, MD_GUARDS))
		return NULL;
	char *u = xmalloc(strlen(s) + 1), *o = u;
	for (; *s; s++)
		if (*s == MD_GUARD_CARET)
			*o++ = '^';
		else if (*s != MD_GUARD_NONE)
			*o++ = *s;
	*o = '\0';
	return u;
}

static void unguard_note_labels(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		char *fixed = markdown_unguard(cmark_node_get_literal(n));
		if (fixed)
			cmark_node_set_literal(n, fixed);
		free(fixed);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			if ((fixed = markdown_unguard(cmark_node_get_url(n))))
				cmark_node_set_url(n, fixed);
			free(fixed);
			if ((fixed = markdown_unguard(cmark_node_get_title(n))))
				cmark_node_set_title(n, fixed);
			free(fixed);
		}
	}
	cmark_iter_free(it);
}

/* }======= */

/* Where mark[0, n) (at byte m of its run of text nodes, which start at off[] each) stands in the
 * source: the place cmark-gfm gives its text node, moved by its offset there, when the source holds
 * the mark at it; else its first occurrence in the lines of its block (cmark-gfm places a node after
 * a line's start, an escape or an entity not where it stands: link_place); else the block's start.
 * False when the source holds it escaped there ("\[^x]" is text), or only so in the block. */
/* Where a run of text nodes is in the source, walked alongside its text: the run (NULL: none yet),
 * how far into it (lit) and the source offset there (src); lost once the two part. */
struct run_cursor {
	const void *first;      /* the run's first text node */
	size_t lit, src;
	bool lost;
};

/* Walks c to byte to of run, the source beside it: a backslash escape is two bytes of source for one
 * of text, an entity reference ("&amp;", "&#91;") its bytes for its character's, the rest alike.
 * False (c lost) where they part: the place is then looked for otherwise. */
static bool run_walk(const struct src_lines *sl, struct run_cursor *c, const char *run, size_t to)
{
	while (!c->lost && c->lit < to) {
		const char *sp = sl->text + c->src;
		size_t left = sl->len - c->src;
		char t = run[c->lit];
		if (!left) {
			c->lost = true;
		} else if (*sp == '\\' && left > 1 && ispunct((unsigned char)sp[1]) && sp[1] == t) {
			c->src += 2, c->lit++;
		} else if (*sp == '&' && left > 2 && (isalnum((unsigned char)sp[1]) || sp[1] == '#') &&
		           memchr(sp, ';', left < 34 ? left : 34) &&
		           strspn(sp + 1, "#abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") ==
		               (size_t)((const char *)memchr(sp, ';', left < 34 ? left : 34) - sp) - 1) {
			unsigned char lead = (unsigned char)t; /* the character it stands for, in the text */
			c->lit += lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
			c->src = (size_t)((const char *)memchr(sp, ';', left) - sl->text) + 1;
		} else if (*sp == t) {
			c->src++, c->lit++;
		} else {
			c->lost = true;
		}
	}
	return !c->lost;
}

static bool mark_place(struct src_lines *sl, struct run_cursor *rc, const char *run, const struct vec *nodes,
                       const size_t *off, size_t m, const char *mark, size_t n, int *line, int *col)
{
	if (rc && rc->first != nodes->v[0]) { /* a new run: from its first node's place */
		cmark_node *t0 = nodes->v[0];
		size_t k0 = src_offset(sl, cmark_node_get_start_line(t0), cmark_node_get_start_column(t0));
		*rc = (struct run_cursor){t0, 0, k0, k0 == SIZE_MAX};
	}
	if (rc && !rc->lost && rc->lit <= m && run_walk(sl, rc, run, m) && sl->len - rc->src > n &&
	    sl->text[rc->src] == '\\' && !memcmp(sl->text + rc->src + 1, mark, n))
		return false; /* "\\[^x]": the escape's bracket, text */
	/* the mark's characters stand in the source as references ("&#91;^x]", "[&#94;x]"): no syntax of
	 * cmark-gfm's, text as "\\[^x]" is (helper-142) */
	if (rc && !rc->lost && rc->lit == m && (sl->len - rc->src < n || memcmp(sl->text + rc->src, mark, n))) {
		struct run_cursor e = *rc;
		if (run_walk(sl, &e, run, m + n))
			return false;
	}
	if (rc && !rc->lost && rc->lit == m && sl->len - rc->src >= n && !memcmp(sl->text + rc->src, mark, n)) {
		size_t lo = 0, hi = (size_t)sl->n; /* its line: the last that starts at or before it */
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;
			if (sl->off[mid] <= rc->src)
				lo = mid;
			else
				hi = mid;
		}
		*line = (int)lo + 1, *col = (int)(rc->src - sl->off[lo]) + 1;
		return !escaped_at(sl->text, sl->text + rc->src);
	}
	size_t i = 0;
	while (i + 1 < nodes->n && off[i + 1] <= m)
		i++;
	cmark_node *t = nodes->v[i], *b = cmark_node_parent(t);
	while (b && (cmark_node_get_type(b) & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK)
		b = cmark_node_parent(b);
	*line = cmark_node_get_start_line(t), *col = cmark_node_get_start_column(t) + (int)(m - off[i]);
	size_t k = src_offset(sl, *line, *col);
	if (k != SIZE_MAX && sl->len - k >= n && !memcmp(sl->text + k, mark, n))
		return !escaped_at(sl->text, sl->text + k);
	/* cmark-gfm places an escaped bracket's node at its backslash: text, said at once (a search of
	 * the block for each of 20,000 "\\[^x]" took 27 s: helper-141) */
	if (k != SIZE_MAX && sl->text[k] == '\\' && sl->len - k > n && !memcmp(sl->text + k + 1, mark, n))
		return false;
	/* the search below reads at most LINK_PLACE_SEARCH bytes of a text, as link_place's */
	if (sl->searched >= LINK_PLACE_SEARCH)
		return true;
	int bl = b ? cmark_node_get_start_line(b) : 0, el = b ? cmark_node_get_end_line(b) : 0;
	if (src_offset(sl, 1, 1) == SIZE_MAX || bl < 1 || bl > sl->n) {
		*line = bl, *col = b ? cmark_node_get_start_column(b) : 0;
		return true;
	}
	el = el < bl ? bl : el > sl->n ? sl->n : el;
	const char *from = sl->text + sl->off[bl - 1], *to = sl->text + sl->off[el];
	sl->searched += (size_t)(to - from);
	for (const char *q = from; (q = memmem(q, (size_t)(to - q), mark, n)); q++) {
		if (!escaped_at(sl->text, q)) {
			int l = bl;
			while (l < el && sl->off[l] <= (size_t)(q - sl->text))
				l++;
			*line = l, *col = (int)((size_t)(q - sl->text) - sl->off[l - 1]) + 1;
			return true;
		}
	}
	/* not in its block's source as written: its brackets or caret are written otherwise there (an
	 * escape or a reference the walk lost its way before: a lazy line, a list item's), text (helper-143) */
	*line = bl, *col = cmark_node_get_start_column(b);
	return false;
}

/* A footnote mark that reads as text (no definition made it a note): in run, the text of a run of
 * text nodes (nodes, each starting at off[] in it), at byte m, its label n bytes after "[^". */
struct text_mark {
	const char *run;
	size_t m, n;
	const struct vec *nodes;
	const size_t *off;
};

/* Calls fn(ctx, k) for each footnote mark doc holds as text, in order: found in the tree's text (so
 * one in code, in a link's destination or in raw HTML is none), and none in an autolink's address
 * ("<https://e.org/[^x]>", whose text is its URL), in a wiki link ("[[^x]]", warned as such:
 * foreign_syntax) or as a definition's label at a line's start that cmark-gfm left out (warned by
 * notes_dropped). fn returns false to stop. */
static void text_marks(cmark_node *doc, bool (*fn)(void *ctx, const struct text_mark *k), void *ctx)
{
	struct buf run = BUF_INIT;
	struct vec nodes = VEC_INIT;
	size_t *off = NULL;
	bool more = true;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while (more && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *nd = cmark_iter_get_node(it), *prev = cmark_node_previous(nd);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(nd) != CMARK_NODE_TEXT ||
		    (prev && cmark_node_get_type(prev) == CMARK_NODE_TEXT))
			continue;
		buf_reset(&run);
		nodes.n = 0;
		for (cmark_node *t = nd; t && cmark_node_get_type(t) == CMARK_NODE_TEXT; t = cmark_node_next(t)) {
			off = xrealloc(off, (nodes.n + 1) * sizeof *off);
			off[nodes.n] = run.len;
			vec_push(&nodes, t);
			buf_adds(&run, cmark_node_get_literal(t));
		}
		if (!strstr(run.p, "[^"))
			continue;
		const char *url = NULL;
		for (cmark_node *up = cmark_node_parent(nd); up && !url; up = cmark_node_parent(up))
			if (cmark_node_get_type(up) == CMARK_NODE_LINK)
				url = cmark_node_get_url(up);
		bool line_start = !prev || cmark_node_get_type(prev) == CMARK_NODE_SOFTBREAK ||
		                  cmark_node_get_type(prev) == CMARK_NODE_LINEBREAK;
		size_t n;
		for (const char *q = run.p; more && (q = strstr(q, "[^")); q += 2) {
			size_t m = (size_t)(q - run.p);
			if (!note_mark_at(q, run.p + run.len, &n) || (url && memmem(url, strlen(url), q, n + 3)) ||
			    (m == 0 && line_start && q[n + 3] == ':') || (m > 0 && q[-1] == '[' && q[n + 3] == ']'))
				continue;
			struct text_mark k = {run.p, m, n, &nodes, off};
			more = fn(ctx, &k);
		}
	}
	cmark_iter_free(it);
	buf_free(&run);
	vec_free(&nodes);
	free(off);
}

struct undefined_marks {
	const struct md_opts *o;
	struct src_lines *sl;
	size_t said;
	struct run_cursor rc;
};

static bool undefined_mark(void *ctx, const struct text_mark *k)
{
	struct undefined_marks *u = ctx;
	const char *q = k->run + k->m;
	int l, c, fl, fc;
	if (!mark_place(u->sl, &u->rc, k->run, k->nodes, k->off, k->m, q, k->n + 3, &l, &c))
		return true; /* escaped in the source: text */
	if (u->said++ >= 20)
		return true;
	diag_place(&u->o->at, l, c, &fl, &fc);
	diag_warn(u->o->src ? u->o->src : "content", fl, fc, "the footnote mark [^%.*s] has no definition: it is "
	          "shown as written; define it on a line of its own ([^%.*s]: the note), or write \\[^%.*s] "
	          "for the brackets", (int)k->n, q + 2, (int)k->n, q + 2, (int)k->n, q + 2);
	return true;
}

/* Footnote marks with no definition, each a warning at it: cmark-gfm shows "[^x]" as written, and the
 * reader gets brackets where a note was meant (text_marks; one escaped in the source is text). */
static void notes_undefined(const struct md_opts *o, struct src_lines *sl, cmark_node *doc)
{
	if (!memmem(sl->text, sl->len, "[^", 2))
		return;
	struct undefined_marks u = {o, sl, 0, {NULL, 0, 0, false}};
	text_marks(doc, undefined_mark, &u);
	if (u.said > 20)
		diag_warn(o->src ? o->src : "content", 0, 0, "%zu more footnote marks with no definition", u.said - 20);
}

/* The line and byte column of offset k. */
static void src_place(const struct src_lines *sl, size_t k, int *l, int *c)
{
	int lo = 0, hi = sl->n - 1; /* the last line start <= k */
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (sl->off[mid] <= k)
			lo = mid;
		else
			hi = mid - 1;
	}
	*l = lo + 1;
	*c = (int)(k - sl->off[lo]) + 1;
}

/* The '[' whose bracket the ']' at k closes, or SIZE_MAX: nested pairs and escaped brackets are
 * passed; from at most `from`. */
static size_t open_bracket(const char *t, size_t from, size_t k)
{
	int depth = 0;
	while (k-- > from) {
		size_t bs = 0;
		while (k - bs > from && t[k - bs - 1] == '\\')
			bs++;
		if (bs % 2 || (t[k] != '[' && t[k] != ']'))
			continue;
		if (t[k] == ']')
			depth++;
		else if (depth-- == 0)
			return k;
	}
	return SIZE_MAX;
}

/* Whether link n is one the autolink extension made of a bare address: one text, the URL's end. <https://...>
 * is cmark's core's, with a source position and its scheme shown; the extension's links have no
 * position (line 0), but for www. links, which show no scheme: the extension gives such a link and its
 * text one column, a [link](...) has its text after its '['. */
static bool extension_link(cmark_node *n)
{
	cmark_node *t = cmark_node_first_child(n);
	const char *url = cmark_node_get_url(n), *lit = t && cmark_node_get_type(t) == CMARK_NODE_TEXT ?
	                                                 cmark_node_get_literal(t) : NULL;
	size_t ll = lit ? strlen(lit) : 0, ul = url ? strlen(url) : 0;
	if (!ll || ll > ul || strcmp(url + ul - ll, lit) || cmark_node_next(t) || cmark_node_get_type(n) != CMARK_NODE_LINK)
		return false;
	return !cmark_node_get_start_line(n) ||
	       (ul == ll + 7 && !strncmp(url, "http://", 7) && cmark_node_get_start_column(n) == cmark_node_get_start_column(t));
}

/* Where a link or image starts in the page's source. cmark-gfm's inline places are counted from
 * a block's first line in ways that miss the source in several cases (a link in angle brackets:
 * the column from the start of the paragraph's text; a lazy continuation line, a line indented
 * unlike the first, a tab: the first line's offset; the line after a backslash hard break: the
 * line before; a [link]'s own place: the line its text ends on). The place is taken from the
 * link's text where that is better, then checked against the source: when no '[', '!' or '<'
 * stands there, the link is found in its block's lines by its destination as written
 * ("](url", "<url>"), the n-th of the block's links to it being its n-th occurrence. block is the
 * block that holds n (the iteration in markdown_render() knows it). */
static void link_place(const struct md_opts *o, struct src_lines *sl, cmark_node *n, cmark_node *block, int *line,
                       int *col)
{
	int l = cmark_node_get_start_line(n), c = cmark_node_get_start_column(n);
	cmark_node *t = cmark_node_first_child(n);
	bool image = cmark_node_get_type(n) == CMARK_NODE_IMAGE;
	if (!image && t && cmark_node_get_start_line(t) > 0 &&
	    cmark_node_get_start_column(t) > 1 && (cmark_node_get_start_line(t) != l || cmark_node_get_start_column(t) != c))
		l = cmark_node_get_start_line(t), c = cmark_node_get_start_column(t) - 1;
	size_t k = sl && sl->text ? src_offset(sl, l, c) : SIZE_MAX;
	const char *url = cmark_node_get_url(n), *lit = t ? cmark_node_get_literal(t) : NULL;
	if (block && cmark_node_get_type(cmark_node_parent(block)) != CMARK_NODE_DOCUMENT &&
	    !strcmp(cmark_node_get_type_string(block), "table_cell"))
		block = cmark_node_parent(block); /* (a cell's places are its row's) */
	/* (a bare URL, which the autolink extension links, stands as its text: "www.x.org", a suffix
	 * of its URL) */
	size_t ll = lit ? strlen(lit) : 0, ul0 = url ? strlen(url) : 0;
	bool bare = k != SIZE_MAX && !image && ll >= 4 && ll <= ul0 && !strcmp(url + ul0 - ll, lit) &&
	            strpbrk(lit, ".@:") && !strncmp(sl->text + k, lit, ll);
	/* a bare address the autolink extension linked has no place of its own (a "www." one's is a column
	 * early): its text's, else its block's */
	bool placeless = !image && extension_link(n);
	if (sl && sl->text && (k == SIZE_MAX || !strchr(image ? "!" : "[<", sl->text[k])) && !bare && url && *url && block &&
	    sl->searched < LINK_PLACE_SEARCH) {
		/* the n-th link of the block to url */
		size_t nth = 0;
		cmark_iter *it = cmark_iter_new(block);
		cmark_event_type ev;
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *m = cmark_iter_get_node(it);
			if (m == n)
				break;
			if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(m) == cmark_node_get_type(n) && cmark_node_get_url(m) &&
			    !strcmp(cmark_node_get_url(m), url) && (!placeless || extension_link(m)))
				nth++;
		}
		cmark_iter_free(it);
		size_t to, from = block_source(sl, block, &to);
		size_t ul = strlen(url), found = SIZE_MAX;
		sl->searched += from != SIZE_MAX && to > from ? to - from : 0;
		for (size_t i = from; from != SIZE_MAX && i + (placeless ? ll - 1 : ul) < to && found == SIZE_MAX; i++) {
			const char *d = sl->text + i;
			size_t at = SIZE_MAX;
			if (placeless) {
				/* as bare text: not in a code span, a link's text or address, angle brackets, nor the end of
				 * a word written in Latin letters (a mended address's: "mu\u0308ller@" is not "ller@") */
				unsigned pc = 0;
				size_t pk = i > from ? utf8_last(sl->text + from, i - from) : 0;
				if (pk)
					utf8_at((const unsigned char *)d - pk, pk, &pc);
				if (!memcmp(d, lit, ll) && !(pk && (strchr("`[(<", (int)pc) || latin_inner(pc))) &&
				    !(i + ll < to && d[ll] && strchr("`])>", d[ll])))
					at = i;
			} else if (d[0] == ']' && d[1] == '(') { /* "](url" or "](<url>" */
				size_t u = i + 2 + (d[2] == '<');
				if (u + ul <= to && !memcmp(sl->text + u, url, ul) && (at = open_bracket(sl->text, from, i)) != SIZE_MAX &&
				    image && !(at > from && sl->text[at - 1] == '!'))
					at = SIZE_MAX;
				else if (at != SIZE_MAX && image)
					at--;
			} else if (d[0] == '<' && !image && lit && i + 1 + strlen(lit) < to && !memcmp(d + 1, lit, strlen(lit)) &&
			           d[1 + strlen(lit)] == '>') {
				at = i; /* <https://...>, <name@example.org> */
			}
			if (at != SIZE_MAX && nth-- == 0)
				found = at;
		}
		if (found != SIZE_MAX)
			src_place(sl, found, &l, &c);
	}
	if (placeless && !l && block) /* (its text written otherwise, "x\_y", or past the search's budget) */
		l = cmark_node_get_start_line(block), c = cmark_node_get_start_column(block);
	diag_place(&o->at, l, c, line, col);
}

/* Template syntax of other generators in a text's prose, which vade reads none of (each kind of
 * enum foreign_syntax) and which was published as it stands, silently, in pages brought over. */
enum foreign_syntax { FS_SHORTCODE, FS_ACTION, FS_LIQUID };
static const char *const foreign_what[] = {"a Hugo shortcode", "a template action", "a Liquid tag"};

/* Whether q[0, k), followed by after up to end ("}}"), is one of Go's templates' actions: a word
 * of its own with what it takes ("if .x", "range .Pages", "with $p", "partial "x" .", "template
 * "t"", "i18n "hi"", "printf "%d" 3"), or "else" or "end" alone (text/template, "Actions"). */
static bool go_action(const char *q, size_t k, const char *after, const char *end)
{
	static const char *const takes[] = {"if", "range", "with", "define", "block", "template", "partial",
	                                    "partialCached", "i18n", "printf", NULL};
	size_t rest = (size_t)(end - after) - strspn(after, " \t-");
	for (int i = 0; takes[i]; i++)
		if (strlen(takes[i]) == k && !memcmp(q, takes[i], k) && (*after == ' ' || *after == '\t') && rest)
			return true;
	return ((k == 3 && !memcmp(q, "end", 3)) || (k == 4 && !memcmp(q, "else", 4))) && !rest;
}

/* The two-byte closer of an opener whose text starts at q, when it starts within 200 bytes of q, or
 * NULL: looked for no further, so a run of openers without one ("{{" 800,000 times) stays linear
 * (helper-113). */
static const char *closer_within(const char *q, const char closer[2])
{
	return memmem(q, strnlen(q, 201), closer, 2);
}

/* Where such syntax opens in s, with its kind and name (up to 40 bytes); NULL when none does:
 *   - Hugo's shortcodes, "{{< figure", "{{% notice", and its escaped form (a comment inside the
 *     brackets; gohugo.io, "Shortcodes"); a closer ("{{% /notice %}}") is its opener's;
 *   - a template action ending on the same text, "{{ .Site.Title }}", "{{ site.baseurl }}",
 *     "{{ page.title | escape }}" (Go templates, Liquid's output);
 *   - a Liquid tag, "{% include note.html %}", "{% link _docs/x.md %}" (Jekyll). */
static const char *foreign_syntax_in(const char *s, enum foreign_syntax *kind, char name[41])
{
	static const char word[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		const char *q;
		if (p[1] == '{' && (p[2] == '<' || p[2] == '%')) {
			q = p + 3 + strspn(p + 3, " \t");
			if (q[0] == '/' && q[1] != '*')
				continue;
			q += strspn(q, " \t/*");
			*kind = FS_SHORTCODE;
		} else if (p[1] == '{') {
			q = p + 2 + strspn(p + 2, " \t-");
			const char *end = closer_within(q, "}}");
			if (end && q[0] == '/' && q[1] == '*' && end - q < 200 && end - q >= 4 && !memcmp(end - 2, "*/", 2)) {
				*kind = FS_ACTION; /* a Go template's comment: a slash and a star after the braces (helper-101) */
				memcpy(name, "/*", 3);
				return p;
			}
			/* a string, curled by smart punctuation in prose; in single quotes too, Jekyll's usual
			 * "{{ '/docs/' | relative_url }}" (helper-158) */
			bool quoted = *q == '"' || *q == '\'' || !strncmp(q, "\u201c", 3) || !strncmp(q, "\u2018", 3);
			/* mdBook's and Handlebars' "{{#include file.rs}}", "{{#each items}}" (helper-158) */
			bool hash = *q == '#' && isalpha((unsigned char)q[1]);
			if (hash && end && !memchr(q, '{', (size_t)(end - q))) {
				*kind = FS_ACTION;
				size_t k = strcspn(q, " \t}");
				if (k > 40)
					continue;
				memcpy(name, q, k);
				name[k] = '\0';
				return p;
			}
			if (!end || !(*q == '.' || *q == '$' || quoted || isalpha((unsigned char)*q)) ||
			    memchr(q, '{', (size_t)(end - q)) || memchr(q, '}', (size_t)(end - q)) ||
			    (*q == '$' && !isalpha((unsigned char)q[1]) && q[1] != '.' && q[1] != ' '))
				continue; /* "{{x | x > 0}, {y}}" is a set, "{{$5}}" a price */
			size_t k = strspn(q + (*q == '.' || *q == '$'), word);
			const char *after = q + (*q == '.' || *q == '$') + k;
			/* a name alone ("{{x}}") is as likely a placeholder in prose: an action reads a field, a
			 * filter or an argument ("{{ .Title }}", "{{ site.url }}", "{{ x | y }}", "{{ "/x" | y }}"),
			 * or is one of Go's templates' own words with what it takes ("{{ if .x }}", "{{ end }}",
			 * "{{ partial "x" . }}": helper-101) */
			bool piped = memchr(after, '|', (size_t)(end - after)) != NULL;
			if (*q != '.' && *q != '$' && *after != '.' && !piped && !go_action(q, k, after, end))
				continue;
			*kind = FS_ACTION;
		} else if (p[1] == '%') {
			q = p + 2 + strspn(p + 2, " \t-");
			if (!closer_within(q, "%}"))
				continue;
			*kind = FS_LIQUID;
		} else {
			continue;
		}
		size_t k = *kind == FS_ACTION ? strcspn(q, " \t|}") : strspn(q, word); /* ".Site.Title", "figure" */
		if (k == 0 || k > 40)
			continue;
		memcpy(name, q, k);
		name[k] = '\0';
		return p;
	}
	return NULL;
}

/* Where cmark-gfm places node n in the file, its nearest block's place when it has none, with its line
 * and column (*line, *col: 0 when none); SIZE_MAX when that is outside the file. */
static size_t node_offset(struct src_lines *sl, cmark_node *n, int *line, int *col)
{
	int l = cmark_node_get_start_line(n), c = cmark_node_get_start_column(n);
	for (cmark_node *b = n; !l && (b = cmark_node_parent(b));)
		l = cmark_node_get_start_line(b), c = cmark_node_get_start_column(b);
	size_t from = l > 0 ? src_offset(sl, l, c > 0 ? c : 1) : SIZE_MAX;
	if (from == SIZE_MAX && l >= 1 && l <= sl->n && c >= 1) /* past its line's end: after a hard break written */
		from = sl->off[l - 1] + (size_t)(c - 1) < sl->len ? sl->off[l - 1] + (size_t)(c - 1) : SIZE_MAX; /* "\",
		       * cmark-gfm counts columns on from the line before (helper-102) */
	*line = l, *col = c;
	return from;
}

/* Where a warning about inline node n goes: the nth occurrence of needle (its nlen bytes) on n's
 * line from n's column (cmark-gfm places the node, not the syntax in it), else n's place, or its
 * nearest block's when it has none; in the file (diag_place). */
static bool node_place(const struct md_opts *o, struct src_lines *sl, cmark_node *n, const char *needle, size_t nlen,
                       size_t nth, int *fl, int *fc)
{
	bool found = false;
	int l, c;
	size_t from = node_offset(sl, n, &l, &c); /* past its line's end, the search goes on below */
	const char *lit = cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE ? cmark_node_get_literal(n) : NULL;
	size_t ll = lit ? strcspn(lit, "\n") : 0;
	if (lit && from != SIZE_MAX && (from + ll > sl->len || memcmp(sl->text + from, lit, ll))) {
		/* a block quote's lazy line: cmark-gfm counts its column as if the '>' were there, so the tag
		 * stands before it: the last one written so before that column (helper-98) */
		size_t best = SIZE_MAX;
		for (size_t k = sl->off[l - 1]; k < from && k + ll <= sl->len; k++)
			if (!memcmp(sl->text + k, lit, ll))
				best = k;
		from = best != SIZE_MAX ? best : from;
	}
	if (from != SIZE_MAX) {
		int end = l; /* to the end of its block: cmark-gfm's line stays where a hard break written "\" was */
		for (cmark_node *b = n; b; b = cmark_node_parent(b))
			if ((cmark_node_get_type(b) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK) {
				end = cmark_node_get_end_line(b) > l ? cmark_node_get_end_line(b) : l;
				break;
			}
		size_t to = end < sl->n ? sl->off[end] : sl->len;
		if (to < from) { /* a column counted past its block's end: to the end of the line it reaches */
			int tl, tc;
			src_place(sl, from, &tl, &tc);
			to = tl < sl->n ? sl->off[tl] : sl->len;
		}
		const char *hit = NULL;
		/* from its column, else from its line's start: a list item's or a quote's lazy line, whose
		 * column cmark-gfm counts as if the item's indent were there (helper-106) */
		for (int pass = 0; pass < 2 && !hit; pass++) {
			size_t at = pass ? sl->off[l - 1] : from;
			if (pass && at >= from)
				break;
			hit = memmem(sl->text + at, to - at, needle, nlen);
			for (size_t j = 0; hit && j < nth; j++)
				hit = memmem(hit + nlen, (size_t)(sl->text + to - hit - nlen), needle, nlen);
		}
		if (hit)
			src_place(sl, (size_t)(hit - sl->text), &l, &c);
		found = hit != NULL;
	}
	diag_place(&o->at, l, c, fl, fc);
	return found;
}

/* Aligns text literal lit (ll bytes) with the file f from offset s up to end: map[i] is where lit[i]
 * is written as itself, SIZE_MAX where it is written otherwise: a backslash escape ("\[" for '['),
 * a character reference ("&#91;", "&fjlig;" for two letters: decoded by cmark-gfm's own
 * houdini_unescape_ent(), so a name it does not know, "&foo;", is text as written), smart
 * punctuation (' " -- --- ... for the curled quotes, the dashes and the ellipsis: CommonMark's
 * smart option), a NUL (U+FFFD: CommonMark 2.3). *taken is where the text ends in the file. False
 * when the file there is not the text; each step costs one of *budget, and none left is false. */
static bool align_text(const char *f, size_t s, size_t end, const char *lit, size_t ll, size_t *map, size_t *budget,
                       size_t *taken)
{
	static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"; /* CommonMark 2.4, what "\" escapes */
	for (size_t i = 0; i < ll;) {
		if (s >= end || !*budget)
			return false;
		--*budget;
		unsigned char c = (unsigned char)f[s], x = (unsigned char)lit[i];
		if (c == '\\' && s + 1 < end && f[s + 1] && strchr(punct, f[s + 1])) {
			if (lit[i] != f[s + 1])
				return false;
			map[i++] = SIZE_MAX;
			s += 2;
		} else if (c == '&') {
			cmark_strbuf ent;
			cmark_strbuf_init(cmark_get_default_mem_allocator(), &ent, 8);
			bufsize_t r = end - s - 1 < 64 ? (bufsize_t)(end - s - 1) : 64; /* (the longest name is 32) */
			r = houdini_unescape_ent(&ent, (const uint8_t *)f + s + 1, r);
			size_t k = (size_t)ent.size;
			bool same = r > 0 && k <= ll - i && !memcmp(lit + i, ent.ptr, k);
			cmark_strbuf_free(&ent);
			if (r > 0 && !same)
				return false;
			if (r > 0) {
				for (size_t j = 0; j < k; j++)
					map[i++] = SIZE_MAX;
				s += 1 + (size_t)r;
			} else if (x == '&') {
				map[i++] = s++;
			} else {
				return false;
			}
		} else if (c == x) {
			map[i++] = s++;
		} else if (c == 0 && ll - i >= 3 && !memcmp(lit + i, "\xef\xbf\xbd", 3)) {
			map[i] = map[i + 1] = map[i + 2] = SIZE_MAX;
			i += 3, s++;
		} else if (x == 0xe2 && ll - i >= 3 && (unsigned char)lit[i + 1] == 0x80) {
			unsigned char y = (unsigned char)lit[i + 2];
			size_t take = (y == 0x98 || y == 0x99) ? (c == '\'') : (y == 0x9c || y == 0x9d) ? (c == '"')
			            : y == 0x93 ? 2 * (c == '-') : y == 0x94 ? 3 * (c == '-') : y == 0xa6 ? 3 * (c == '.') : 0;
			if (!take || end - s < take || (take > 1 && memcmp(f + s, y == 0xa6 ? "..." : "---", take)))
				return false;
			map[i] = map[i + 1] = map[i + 2] = SIZE_MAX;
			i += 3, s += take;
		} else {
			return false;
		}
	}
	*taken = s;
	return true;
}

/* Where each byte of text node n's literal stands in the file (align_text()): a map of its strlen()
 * entries (caller frees), or NULL when that cannot be told. cmark-gfm's place for a text is off on a
 * lazy or indented continuation line and after a hard break (node_place()), by the same columns for
 * the whole line; the bytes it spans are right. So the text is looked for at that place, then nearer
 * the line's start column by column, then after it, first where it spans those bytes (an escaped copy
 * of the text earlier on the line is longer: helper-112), then anywhere. */
static size_t *text_map(struct src_lines *sl, cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	int l, c;
	size_t ll = strlen(lit), from = node_offset(sl, n, &l, &c), budget = 8 * ll + 1024;
	if (l < 1 || l > sl->n || !ll)
		return NULL;
	/* the line cmark-gfm names and the next; a column past their end (a short lazy line in a list
	 * nested deep, the file's last line: helper-113) is taken as the named line's end */
	size_t lo = sl->off[l - 1], hi = l + 1 < sl->n ? sl->off[l + 1] : sl->len, e;
	if (from == SIZE_MAX || from >= hi)
		from = sl->off[l] > lo ? sl->off[l] - 1 : lo;
	int sl0 = cmark_node_get_start_line(n), sc0 = cmark_node_get_start_column(n);
	int el = cmark_node_get_end_line(n), ec = cmark_node_get_end_column(n);
	size_t span = sl0 > 0 && el == sl0 && ec >= sc0 ? (size_t)(ec - sc0 + 1) : 0;
	size_t *map = xmalloc(ll * sizeof *map);
	for (int pass = span ? 0 : 1; pass < 2; pass++)
		for (size_t k = 0; budget; k++) {
			size_t at = k <= from - lo ? from - k : from + (k - (from - lo));
			if (at >= hi)
				break;
			if (align_text(sl->text, at, hi, lit, ll, map, &budget, &e) && (pass || e - at == span))
				return map;
		}
	free(map);
	return NULL;
}

/* Whether raw HTML is comments alone, blanks around them ("   <!-- note -->" in a list item): an
 * HTML block that starts with one ends on the line of its "-->", and text after it on that line
 * ("<!-- check --> Victims must be referred.") went with it (helper-98). */
static bool html_comments_only(const char *h)
{
	for (h += strspn(h, " \t\r\n"); *h; h += strspn(h, " \t\r\n")) {
		const char *e = strncmp(h, "<!--", 4) ? NULL : strstr(h + 4, "-->");
		if (!e)
			return false;
		h = e + 3;
	}
	return true;
}

static bool is_cell(cmark_node *n)
{
	return !strcmp(cmark_node_get_type_string(n), "table_cell");
}

/* Puts a hard line break of cmark-gfm's own before raw HTML node n when n is a line break alone
 * ("<br>", "<br/>" or "<br />" in any case), which is kept where other raw HTML is left out (no
 * attribute, nothing to trust); the caller takes n away. False, nothing put, for other HTML and
 * where n's parent takes no line break: a table's cell, whose line breaks GitHub writes so, and
 * where cmark-gfm's safe HTML has none (helper-97). */
static bool keep_as_break(cmark_node *n)
{
	if (!break_tag(cmark_node_get_literal(n)))
		return false;
	cmark_node *br = cmark_node_new(CMARK_NODE_LINEBREAK);
	if (cmark_node_insert_before(n, br))
		return true;
	cmark_node_free(br);
	return false;
}

/* Raw HTML the page leaves out (site.yaml's unsafe_html is off): cmark-gfm writes a comment in its
 * place, and an HTML block goes with the text inside it ("<div class=\"note\">Never do X.</div>"),
 * silently (helper-97: 51 left out on 25 pages of Hugo's docs). A warning at the first of a text,
 * counting the rest; comments are meant to be left out and are not counted. */
static void raw_html_left_out(const struct md_opts *o, struct src_lines *sl, const struct vec *nodes)
{
	if (!nodes->n)
		return;
	cmark_node *n = nodes->v[0];
	int fl, fc;
	node_place(o, sl, n, "<", 1, 0, &fl, &fc); /* the tag's place on its line */
	const char *lit = cmark_node_get_literal(n);
	size_t k = strcspn(lit, ">\n");
	bool block = false;
	for (size_t i = 0; i < nodes->n && !block; i++)
		block = cmark_node_get_type(nodes->v[i]) == CMARK_NODE_HTML_BLOCK;
	char *rest = nodes->n > 1 ? xasprintf(" and %zu more in this text", nodes->n - 1) : xstrdup("");
	bool cell = false; /* a <br> in a table's cell, which Markdown cannot write */
	for (size_t i = 0; i < nodes->n && !cell; i++)
		cell = !strncasecmp(cmark_node_get_literal(nodes->v[i]), "<br", 3) &&
		       is_cell(cmark_node_parent(nodes->v[i]));
	diag_warn(o->src ? o->src : "content", fl, fc, "raw HTML is left out: '%.*s%s' here%s%s; write it in Markdown%s, or "
	          "set unsafe_html: true in content/site.yaml for a site whose authors are trusted",
	          (int)(k > 60 ? 60 : k), lit, k > 60 ? "..." : lit[k] == '>' ? ">" : "", rest,
	          block ? " (an HTML block goes with the text inside it)" : "",
	          cell ? " (a table's cell has no line break in Markdown: a list after the table, or a row for each line)"
	               : "");
	free(rest);
}

/* " (and N more in this text)" after a warning about the first of its kind in a text, or "" (caller
 * frees). */
static char *more_in_text(size_t more)
{
	return more ? xasprintf(" (and %zu more in this text)", more) : xstrdup("");
}

/* What other generators' block syntax paragraph n holds, which cmark-gfm reads as text, with the
 * text node it is in (*at), or NULL:
 *   - on its first line: Pandoc's fenced div and Docusaurus's admonition (":::", "::: note",
 *     "::: {.warning}", ":::tip[Title]": the colons, then nothing, a word or attributes), MkDocs's
 *     admonition ("!!! note", "??? tip \"Title\""), an MDX import or export ("import X from './x'",
 *     "import {", "export const meta = ...", "export default function Layout(");
 *   - a math block ("$$" alone on its first line, or "$$...$$");
 *   - a definition list (a line starting ": " after the term's line);
 *   - on its last: kramdown's attribute list ("{: .class}", "{:.note}") after its text. */
static const char *foreign_block(cmark_node *n, cmark_node **at)
{
	cmark_node *c = cmark_node_first_child(n), *e = cmark_node_last_child(n);
	const char *l = c && cmark_node_get_type(c) == CMARK_NODE_TEXT ? cmark_node_get_literal(c) : NULL;
	const char *last = e && e != c && cmark_node_get_type(e) == CMARK_NODE_TEXT ? cmark_node_get_literal(e) : NULL;
	*at = c;
	if (!l)
		return NULL;
	size_t colons = strspn(l, ":"), ln = strlen(l);
	/* "> [!NOTE]" on a quote's first line: GitHub's and Obsidian's callouts; "[TOC]" alone: Python-Markdown's
	 * and MkDocs's table of contents (helper-144: both were shown as written) */
	cmark_node *up = cmark_node_parent(n);
	if (up && cmark_node_get_type(up) == CMARK_NODE_BLOCK_QUOTE && cmark_node_first_child(up) == n && l[0] == '[' &&
	    l[1] == '!' && isalpha((unsigned char)l[2])) {
		size_t w = 2 + strspn(l + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_");
		if (l[w] == ']' && strchr("+- ", l[w + 1] ? l[w + 1] : ' '))
			return "a callout (GitHub's, Obsidian's), shown as a quote that holds its marker";
	}
	/* "[TOC]", "{:toc}" and "[[_TOC_]]" alone (cmark-gfm reads the last as "[[", emphasis, "]]") */
	static const char toc[] = "a table of contents marker (Python-Markdown's, MkDocs's, kramdown's, GitLab's), "
	                          "which vade does not expand";
	cmark_node *em = !strcmp(l, "[[") ? cmark_node_next(c) : NULL, *et = em ? cmark_node_first_child(em) : NULL;
	cmark_node *ee = em ? cmark_node_next(em) : NULL;
	if (((!strcmp(l, "[TOC]") || !strcmp(l, "{:toc}")) && !cmark_node_next(c)) ||
	    (em && cmark_node_get_type(em) == CMARK_NODE_EMPH && et && cmark_node_get_type(et) == CMARK_NODE_TEXT &&
	     !strcmp(cmark_node_get_literal(et), "TOC") && ee && cmark_node_get_type(ee) == CMARK_NODE_TEXT &&
	     !strcmp(cmark_node_get_literal(ee), "]]") && !cmark_node_next(ee)))
		return toc;
	/* pymdown-extensions': a snippet's include, "--8<-- \"file.md\"" (smart punctuation made its dashes
	 * en dashes), whose file was not included; a content tab, "=== \"Tab\"" (helper-154) */
	size_t sn = !strncmp(l, "--8<--", 6) ? 6 : !strncmp(l, "\u20138<\u2013", 8) ? 8 : 0;
	const char *sq = l + sn + strspn(l + sn, " ");
	if (sn && (!*sq || *sq == '"' || !strncmp(sq, "\u201c", 3))) /* (not a cut line, "--8<-- cut here --8<--") */
		return "a snippet's include (pymdown-extensions'), whose file is not included";
	size_t tm = !strncmp(l, "=== ", 4) ? 4 : !strncmp(l, "===+ ", 5) || !strncmp(l, "===! ", 5) ? 5 : 0; /* (+: selected) */
	const char *tq = !tm ? NULL : l[tm] == '"' ? l + tm + 1 : !strncmp(l + tm, "\u201c", 3) ? l + tm + 3 : NULL;
	const char *te = tq ? strpbrk(tq, "\"\xe2") : NULL; /* its closing quote, then nothing ("=== \"One\" ===" is a title) */
	if (te && (*te == '"' ? !te[1 + strspn(te + 1, " ")] : !strncmp(te, "\u201d", 3) && !te[3 + strspn(te + 3, " ")]))
		return "a content tab (pymdown-extensions'), shown as text with its content after it";
	/* other tools' includes and blocks on a paragraph's first line (helper-158): VitePress's snippet
	 * import "<<< @/snippets/a.js", DocFX's "[!INCLUDE [x](file.md)]" and "[!code-csharp[](x.cs)]",
	 * pymdown-extensions' blocks "/// note | Title" */
	if (!strncmp(l, "<<< @/", 6) || !strncmp(l, "<<<@/", 5) || !strncmp(l, "<<< ./", 6))
		return "a code snippet's import (VitePress's), whose file is not included";
	if ((!strncasecmp(l, "[!INCLUDE", 9) && (!l[9] || l[9] == ' ' || l[9] == '[')) || !strncasecmp(l, "[!code-", 7) ||
	    !strncasecmp(l, "[!div ", 6) || !strncasecmp(l, "[!Video ", 8))
		return "an extension of DocFX's, whose file or content is not included";
	/* (its kind alone, or a title after " | ": not a line of Rust's or C#'s doc comments, "/// Returns
	 * the sum.": helper-160) */
	size_t bk = !strncmp(l, "/// ", 4) && isalpha((unsigned char)l[4]) ? 4 + strspn(l + 4, "abcdefghijklmnopqrstuvwxyz-") : 0;
	if (bk && (!l[bk] || !strncmp(l + bk, " |", 2)))
		return "a block (pymdown-extensions'), shown as text with its content after it";
	/* a LaTeX page break alone, which Pandoc passes to its PDF */
	size_t lb = !strncmp(l, "\\newpage", 8) ? 8 : !strncmp(l, "\\pagebreak", 10) ? 10 : !strncmp(l, "\\clearpage", 10) ? 10 : 0;
	if (lb && (!l[lb] || !strcmp(l + lb, "{}")) && !cmark_node_next(c)) /* ("\newpage{}" too) */
		return "a LaTeX command (Pandoc's), which vade does not read; a page or handbook breaks its pages by itself";
	/* "*[HTML]: Hyper Text Markup Language": an abbreviation's definition (PHP Markdown Extra's,
	 * MkDocs's abbr), which cmark-gfm reads as a '*', then text; each published as a line of text */
	cmark_node *br = l[0] == '*' && !l[1] ? cmark_node_next(c) : NULL; /* (a '*' may stand alone) */
	const char *bl = l[0] == '*' && l[1] == '[' ? l + 1
	                 : br && cmark_node_get_type(br) == CMARK_NODE_TEXT ? cmark_node_get_literal(br) : NULL;
	const char *close = bl && bl[0] == '[' && bl[1] != ']' ? strchr(bl, ']') : NULL;
	if (close && close[1] == ':' && (!close[2] || close[2] == ' ') && !memchr(bl + 1, '[', (size_t)(close - bl - 1))) {
		*at = bl == l + 1 ? c : br;
		return "an abbreviation's definition, PHP Markdown Extra's or MkDocs's, which vade does not apply";
	}
	if (colons >= 3) {
		const char *r = l + colons + strspn(l + colons, " "), *t = r + strcspn(r, " [{");
		if (!*r || (*r == '{' && l[ln - 1] == '}') || (t > r && (!*t || *t == '[' || !t[strspn(t, " :")])))
			return "a fenced div, Pandoc's or a Docusaurus admonition";
		/* Docusaurus's with a title or attributes, its word glued to the colons (":::tip My title",
		 * ":::note{title=\"x\"}": helper-146); "::: is a token" is prose */
		if (r == l + colons && t > r && isalpha((unsigned char)*r) && (*t == ' ' || *t == '{'))
			return "a Docusaurus admonition";
		/* VitePress's and markdown-it-container's with a title after a space ("::: warning Note",
		 * "::: details Click me": helper-158): a kind they name */
		static const char *const kinds[] = {"tip", "info", "note", "warning", "danger", "caution", "important",
		                                    "details", "success", "code-group"};
		for (size_t i = 0; i < sizeof kinds / sizeof *kinds && *t == ' '; i++)
			if ((size_t)(t - r) == strlen(kinds[i]) && !strncasecmp(r, kinds[i], (size_t)(t - r)))
				return "a container, VitePress's or markdown-it's";
	}
	/* "+-----+-----+" (after smart punctuation, "+\u2014\u2013+"): the first line of a grid table, Pandoc's and
	 * reStructuredText's, read as text and its dashes set as dashes (helper-146) */
	if (l[0] == '+') {
		/* (smart punctuation cuts the line into text nodes: each up to the line's end is looked at) */
		bool grid = true, dash = false;
		const char *lastc = "";
		for (cmark_node *x = c; x && grid && cmark_node_get_type(x) == CMARK_NODE_TEXT; x = cmark_node_next(x))
			for (const char *y = lastc = cmark_node_get_literal(x); *y && grid; y++) {
				if (!strncmp(y, "\u2013", 3) || !strncmp(y, "\u2014", 3))
					y += 2, dash = true;
				else
					grid = strchr("+-=:", *y) != NULL, dash = dash || *y == '-' || *y == '=';
			}
		if (grid && dash && lastc[0] && lastc[strlen(lastc) - 1] == '+')
			return "a grid table, Pandoc's or reStructuredText's; a GFM table is | a | b |";
	}
	if ((!strncmp(l, "!!! ", 4) || !strncmp(l, "??? ", 4) || !strncmp(l, "???+ ", 5)) &&
	    isalpha((unsigned char)l[4 + (l[3] == '+')]))
		return "an MkDocs admonition";
	/* "import X from 'm'", "import {A, B} from 'm'", "import * as X from 'm'": one name, braces or a
	 * star before "from" (not "import of goods from ..."), a quoted module after it; "import {" alone
	 * opens one over lines */
	const char *from = !strncmp(l, "import ", 7) ? strstr(l, " from ") : NULL;
	if ((from && (l[7] == '{' || l[7] == '*' || !memchr(l + 7, ' ', (size_t)(from - l - 7))) &&
	     (from[6] == '\'' || from[6] == '"' || !strncmp(from + 6, "\u2018", 3) || !strncmp(from + 6, "\u201c", 3))) ||
	    (!strcmp(l, "import {") && cmark_node_next(c) && cmark_node_get_type(cmark_node_next(c)) == CMARK_NODE_SOFTBREAK))
		return "an MDX import";
	/* "export const meta = ...", "export function Box(...", "export default function Layout(": a
	 * name, then '=' or '(' */
	static const char *const exports[] = {"export const ", "export let ", "export function ", "export default function ",
	                                      NULL};
	for (int i = 0; exports[i]; i++) {
		size_t k = strlen(exports[i]);
		if (strncmp(l, exports[i], k))
			continue;
		size_t w = strspn(l + k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$");
		const char *after = l + k + w + strspn(l + k + w, " ");
		if (w && (*after == '=' || *after == '('))
			return "an MDX export";
	}
	size_t en = last ? strlen(last) : 0;
	if (!strncmp(l, "$$", 2) && (!l[2] || (last && en >= 2 && !strcmp(last + en - 2, "$$")) || (!last && ln > 4 &&
	                                                                                           !strcmp(l + ln - 2, "$$"))))
		return "a math block, which vade does not typeset";
	/* "Term", then ": Definition" on the next line (PHP Markdown Extra's, Pandoc's, kramdown's) */
	for (cmark_node *x = cmark_node_next(c); x && l[0] != ':'; x = cmark_node_next(x)) {
		cmark_node *pv = cmark_node_previous(x);
		const char *xl = cmark_node_get_type(x) == CMARK_NODE_TEXT ? cmark_node_get_literal(x) : NULL;
		if (xl && (xl[0] == ':' && (xl[1] == ' ' || xl[1] == '\t')) && cmark_node_get_type(pv) == CMARK_NODE_SOFTBREAK) {
			*at = x;
			return "a definition list";
		}
	}
	if (last && en >= 3 && !strncmp(last, "{:", 2) && last[en - 1] == '}' && cmark_node_previous(e) &&
	    cmark_node_get_type(cmark_node_previous(e)) == CMARK_NODE_SOFTBREAK) {
		*at = e;
		return !strcmp(last, "{:toc}") ? toc : "kramdown's attribute list"; /* ("* TOC\n{:toc}", its idiom) */
	}
	return NULL;
}

/* Other generators' inline syntax in text node n, which cmark-gfm reads as text:
 *   - an Obsidian comment, "%% private note %%" (its text is published: the author meant it hidden),
 *     closed on its text or on a later line of its paragraph;
 *   - a wiki link or embed, "[[Page]]", "[[Page#Part|alias]]", "![[diagram.png]]" (Obsidian, wikis);
 *     not TOML's "[[menus.main]]" nor an array's "[['(', ')']]";
 *   - Pandoc's attributes after a link or image, "![a](a.png){width=50%}", or on a span,
 *     "[words]{.smallcaps}": a '{', then '.', '#' or a key and '=', to a '}'.
 * An opener glued to a word is none ("10%%", R's "x[[1]]"). Each is looked for in one pass; an opener
 * looks at most 200 bytes on for its closer (the comment's, found once for all), so a text of many
 * openers stays linear. An opener written otherwise in the file (map: text_map(), NULL when all is
 * taken as written) is text: "\[\[Page]]", "&#37;&#37;", "\![[x.png]]" (a wiki link), "\[w\]{.sc}"
 * (helper-110, helper-111). Fills, for each kind, how many n holds and the first's place in the
 * literal. */
enum foreign_inline_kind { FI_COMMENT, FI_WIKI_LINK, FI_WIKI_EMBED, FI_ATTRIBUTES, FI_KRAMDOWN_COMMENT, FI_SPACED_LINK,
	                       FI_SPACED_NOTE, FI_HIGHLIGHT, FI_INLINE_NOTE, FI_SUB_SUP, FI_EMOJI, FI_DASHED_COMMENT,
	                       FI_UNDEFINED_REF, FI_BLOCK_ID, FI_KINDS };
static const char *const foreign_inline_what[FI_KINDS] = {
	"an Obsidian comment: its text is published; leave it out, or hide it in an HTML comment, <!-- -->",
	"a wiki link, Obsidian's or a wiki's: write a link, [text](page.md)",
	"a wiki embed, Obsidian's: write an image, ![text](file.png)",
	"attributes (Pandoc's, kramdown's, Python-Markdown's): they are shown; leave them out",
	/* (helper-144: "{::comment}reviewer-only{:/}" was published) */
	"a comment, kramdown's: its text is published; leave it out, or hide it in an HTML comment, <!-- -->",
	/* (helper-144: Obsidian's and Typora's links to "my page.md", a note labelled with a space, shown
	 * as written) */
	"a link whose address holds a space, which CommonMark does not read: write [text](<my page.md>), or %20",
	"a footnote whose label holds a space, which cmark-gfm does not read: write [^my-note]",
	/* (helper-146: each shown with its marks, in silence) */
	"a highlight (Pandoc's, Obsidian's): shown with its marks; write **strong** text, or <mark> in raw HTML",
	"an inline footnote, Pandoc's: shown as written; write a mark, [^1], and its definition, [^1]: ...",
	"a subscript or superscript, Pandoc's: shown with its marks; write H\u2082O or 2\u00b9\u2070, or <sub> and <sup> in raw HTML",
	/* (helper-154: GitHub shows an emoji, vade the name between colons) */
	"an emoji's or icon's short name (GitHub's, Slack's, MkDocs's): shown as written; type the emoji itself, or "
	"put an image",
	/* (helper-158: "Text <!-- ask legal -- then remove --> more." published the note, its dashes smart) */
	"an HTML comment that holds '--', which CommonMark 0.29 (cmark-gfm) reads as no comment: its text is "
	"published; take the '--' out of it, or put the comment on lines of its own",
	"a reference link whose label has no definition in this text: shown with its brackets; define it on a "
	"line of its own, [label]: https://..., or write the link, [text](https://...)",
	"a block's id, Obsidian's: shown as written; leave it out (a link may lead to a heading, whose id is made of its words)"};
/* Whether s[0, n) ends in a file's extension that a wiki links or embeds ("diagram.png",
 * "Guide.md"), which a TOML table's dotted name ("menus.main") does not. */
static bool file_name(const char *s, size_t n)
{
	static const char *const ext[] = {"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "pdf", "md",
	                                  "mp3", "mp4", "webm", "ogg", "wav", "m4a", "mov", "canvas", NULL};
	const char *dot = NULL;
	for (size_t i = 0; i < n; i++)
		dot = s[i] == '.' ? s + i : dot;
	for (int i = 0; dot && ext[i]; i++)
		if ((size_t)(s + n - dot - 1) == strlen(ext[i]) && !strncasecmp(dot + 1, ext[i], strlen(ext[i])))
			return true;
	return false;
}

/* The names GitHub shows as emoji that pages use most (github.com/github/gemoji): the whole list,
 * some 1,900 names, is in no library Debian has for C; a name between colons that is none of these
 * is left as text without a word (":hover:", ":home:", Org's tags). Sorted by strcmp. */
static const char *const emoji_names[] = {
    "+1", "-1", "100", "1234", "airplane", "alarm_clock", "ambulance", "angry", "arrow_backward", "arrow_down",
    "arrow_forward", "arrow_left", "arrow_right", "arrow_up", "arrows_counterclockwise", "art", "baby",
    "baggage_claim", "balance_scale", "balloon", "bangbang", "bank", "bar_chart", "battery", "beer", "beers",
    "beetle", "bell", "black_circle", "blush", "boat", "bomb", "book", "bookmark", "bookmark_tabs", "books",
    "boom", "bow", "broken_heart", "bug", "building_construction", "bulb", "bus", "bust_in_silhouette",
    "busts_in_silhouette", "cake", "calendar", "camera", "car", "cd", "champagne", "chart_with_downwards_trend",
    "chart_with_upwards_trend", "checkered_flag", "child", "church", "clap", "clipboard", "clock1",
    "closed_lock_with_key", "cn", "coffee", "compass", "computer", "confetti_ball", "confused", "construction",
    "cool", "cop", "credit_card", "crossed_fingers", "crown", "cry", "customs", "dart", "dash", "de",
    "detective", "disappointed", "dizzy", "dollar", "dvd", "earth_africa", "earth_americas", "earth_asia",
    "electric_plug", "email", "envelope", "es", "euro", "exclamation", "eyes", "facepalm", "family", "fire",
    "fire_engine", "floppy_disk", "flushed", "fr", "free", "gb", "gear", "gem", "ghost", "gift",
    "globe_with_meridians", "green_circle", "grey_exclamation", "grey_question", "grimacing", "grin",
    "grinning", "hammer", "hammer_and_wrench", "handshake", "hankey", "heart", "heart_eyes", "heavy_check_mark",
    "heavy_dollar_sign", "heavy_exclamation_mark", "heavy_heart_exclamation", "heavy_minus_sign",
    "heavy_multiplication_x", "heavy_plus_sign", "hospital", "hotel", "hourglass", "hourglass_flowing_sand",
    "house", "hugs", "hushed", "inbox_tray", "incoming_envelope", "information_source", "innocent", "iphone",
    "it", "joy", "jp", "judge", "key", "kissing_heart", "kr", "lady_beetle", "large_blue_circle", "laughing",
    "left_luggage", "link", "lock", "lock_with_ink_pen", "loud_sound", "loudspeaker", "mag", "mag_right",
    "mailbox", "mailbox_with_mail", "man", "medal_sports", "memo", "microphone", "money_with_wings", "moneybag",
    "mosque", "muscle", "musical_note", "mute", "nerd_face", "neutral_face", "new", "newspaper", "no_bell",
    "no_entry", "no_entry_sign", "no_good", "o", "office", "ok", "ok_hand", "older_man", "older_woman",
    "open_mouth", "orange_circle", "outbox_tray", "package", "page_facing_up", "paperclip", "partying_face",
    "passport_control", "pencil", "pencil2", "pensive", "people_holding_hands", "persevere", "phone", "pill",
    "point_down", "point_left", "point_right", "point_up", "police_car", "police_officer", "poop", "pray",
    "purple_circle", "pushpin", "question", "rage", "rainbow", "raised_hand", "raised_hands", "recycle",
    "red_circle", "relaxed", "relieved", "repeat", "robot", "rocket", "rofl", "rose", "rotating_light",
    "round_pushpin", "ru", "satellite", "school", "scream", "see_no_evil", "shield", "ship", "shrug", "skull",
    "sleeping", "slightly_smiling_face", "smile", "smiley", "smirk", "snowflake", "sob", "sos", "sound",
    "sparkles", "speaker", "speech_balloon", "star", "star2", "star_struck", "stars", "stop_sign",
    "stuck_out_tongue", "sunglasses", "sunny", "sunrise", "sweat", "sweat_smile", "synagogue", "tada", "taxi",
    "telephone", "thinking", "thumbsdown", "thumbsup", "tired_face", "traffic_light", "train",
    "triangular_flag_on_post", "triumph", "trophy", "twisted_rightwards_arrows", "uk", "umbrella", "unamused",
    "unlock", "up", "us", "vertical_traffic_light", "warning", "wave", "weary", "white_check_mark",
    "white_circle", "white_flag", "wink", "woman", "world_map", "worried", "wrench", "writing_hand", "x",
    "yellow_circle", "yum", "zap", "zzz"};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether s[0, n) is one of emoji_names, or one of the icons Material for MkDocs shows
 * (":material-check:", ":octicons-file-code-16:", ":fontawesome-brands-github:", ":simple-python:"). */
static bool emoji_name(const char *s, size_t n)
{
	static const char *const icons[] = {"material-", "octicons-", "fontawesome-", "simple-"};
	for (size_t i = 0; i < sizeof icons / sizeof *icons; i++)
		if (n > strlen(icons[i]) && !strncmp(s, icons[i], strlen(icons[i])) && s[n - 1] != '-')
			return true;
	char key[48];
	if (n >= sizeof key)
		return false;
	memcpy(key, s, n);
	key[n] = '\0';
	const char *k = key;
	return bsearch(&k, emoji_names, sizeof emoji_names / sizeof *emoji_names, sizeof *emoji_names, cmp_name) != NULL;
}

struct foreign_found {
	size_t count, at, len;
};

/* Whether s[0, n) is a note's label as an author writes one, but with a space: words of letters and
 * digits ("my note"), not a character class ("[^ ]", "[^a-z ]+": helper-145). */
static bool spaced_label(const char *s, size_t n)
{
	if (n < 3 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]) || !memchr(s, ' ', n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != ' ' && s[i] != '_' && (unsigned char)s[i] < 0x80)
			return false;
	return true;
}

/* Whether s[0, n), in parentheses after a bracket, is an address with a space: a file's or a web page's
 * ("my page.md", "docs/setup guide", "https://e.org/a b"), not words in parentheses ("[Cut](Ctrl X)"),
 * nor an address and its title ('x.md "title"'). */
static bool spaced_address(const char *s, size_t n)
{
	if (!n || s[0] == ' ' || !memchr(s, ' ', n) || memchr(s, '"', n) || memchr(s, '\'', n) || memchr(s, '{', n) ||
	    memchr(s, '<', n) || memmem(s, n, "\u201c", 3) || memmem(s, n, "\u2018", 3))
		return false; /* (a title, a template's action: said as such) */
	const char *sp = memchr(s, ' ', n);
	bool path = memchr(s, '/', n) || memchr(s, '#', n);
	for (size_t i = 0; i + 1 < n && !path; i++) /* a file's extension at its end */
		path = s[i] == '.' && isalpha((unsigned char)s[i + 1]) && (size_t)(sp - s) < n && !memchr(s + i, ' ', n - i);
	return path;
}

/* Whether the '[' at lit[i] follows a letter or digit: a bracket glued to a word is seldom a link's
 * ("a[i](j k)" in code-like prose). */
static bool glued_bracket(const char *lit, size_t i)
{
	return i && isalnum((unsigned char)lit[i - 1]);
}
/* Whether s[0, n) is a regular expression's bracket expression with a range ("A-Z", "0-9a-f"). */
static bool char_class(const char *s, size_t n)
{
	bool range = false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '-' && i && i + 1 < n && isalnum((unsigned char)s[i - 1]) && isalnum((unsigned char)s[i + 1]))
			range = true;
		else if (!isalnum((unsigned char)s[i]) && !strchr("-^\\_.", s[i]))
			return false;
	return range;
}
/* Whether s[0, n) is a number or a key a text cites ("4", "1, 2", "RFC4346"): digits, capitals and
 * separators. */
static bool cite_like(const char *s, size_t n)
{
	bool digit = false;
	for (size_t i = 0; i < n; i++)
		if (isdigit((unsigned char)s[i]))
			digit = true;
		else if (!isupper((unsigned char)s[i]) && !strchr(" ,;.:-", s[i]))
			return false;
	return digit;
}
/* Whether "[a][b]" at lit[i] (its first ']' at cb, its last at ce) is no reference link however its
 * label is defined, but prose or code that looks like one (helper-160): an index after an index or a
 * call ("a[i][j][k]", "rows()[0][1]", "x_[i][j]"), a regular expression ("[A-Z][a-z]+"), numbers or
 * keys cited side by side ("clauses [4][5]", "[RFC4346][RFC6347]"), or two pairs ("[a, b][c, d]"). */
static bool ref_pair_not_link(const char *lit, size_t i, const char *cb, const char *ce)
{
	const char *a = lit + i + 1, *b = cb + 2;
	size_t an = (size_t)(cb - a), bn = (size_t)(ce - b);
	if (i && strchr(")]_", lit[i - 1]))
		return true;
	if (char_class(a, an) || char_class(b, bn))
		return true;
	if (cite_like(a, an) && cite_like(b, bn))
		return true;
	return memchr(a, ',', an) && memchr(b, ',', bn);
}
static void foreign_inline(cmark_node *n, const size_t *map, struct foreign_found found[FI_KINDS])
{
#define WRITTEN(k) (!map || map[k] != SIZE_MAX)
	const char *lit = cmark_node_get_literal(n);
	size_t ll = strlen(lit);
	cmark_node *pv = cmark_node_previous(n), *up = cmark_node_parent(n);
	bool after_link = pv && (cmark_node_get_type(pv) == CMARK_NODE_LINK || cmark_node_get_type(pv) == CMARK_NODE_IMAGE);
	bool after_span = pv && (cmark_node_get_type(pv) == CMARK_NODE_STRONG || cmark_node_get_type(pv) == CMARK_NODE_EMPH ||
	                         cmark_node_get_type(pv) == CMARK_NODE_CODE);
	/* an autolink's text is its address ("<https://x.org/a^b^c>"): no marks of prose in it */
	const char *url = up && cmark_node_get_type(up) == CMARK_NODE_LINK ? cmark_node_get_url(up) : NULL;
	bool autolink = url && strstr(url, lit);
	const char *close = NULL; /* the next "%%" after an opener, found once */
	size_t emoji_end = SIZE_MAX; /* where the last emoji's name found ended (":fire::fire:") */
	memset(found, 0, FI_KINDS * sizeof *found);
	for (size_t i = 0; i < ll; i++) {
		const char *p = lit + i, *q = NULL;
		int w = -1; /* the kind found at p */
		size_t k = 0, room = ll - i;
		bool glued = i && (isalnum((unsigned char)p[-1]) || p[-1] == ')' || p[-1] == ']');
		if (((p[0] == '%' && p[1] == '%') || (p[0] == '[' && p[1] == '[')) ? !WRITTEN(i) || !WRITTEN(i + 1)
		                                                                  : p[0] == '{' && !WRITTEN(i))
			continue;
		if (p[0] == '%' && p[1] == '%' && !(i && isalnum((unsigned char)p[-1]))) {
			if (!close || close <= p + 1)
				close = strstr(p + 2, "%%");
			bool later = false;
			for (cmark_node *x = cmark_node_next(n); x && !close && !later; x = cmark_node_next(x))
				later = cmark_node_get_type(x) == CMARK_NODE_TEXT && strstr(cmark_node_get_literal(x), "%%");
			if (close || later) {
				w = FI_COMMENT;
				k = close ? (size_t)(close + 2 - p) : room;
				if (!close)
					room = k; /* the rest of the text is the comment's */
			}
		} else if (p[0] == '[' && p[1] == '[' && (!glued || (i && p[-1] == '!'))) {
			bool embed = i && p[-1] == '!' && WRITTEN(i - 1);
			q = memmem(p + 2, room - 2 < 200 ? room - 2 : 200, "]]", 2);
			size_t in = q ? (size_t)(q - p - 2) : 0;
			bool toml = q && !embed && ((memchr(p + 2, '.', in) && !memchr(p + 2, ' ', in) && !memchr(p + 2, '|', in) &&
			                            !memchr(p + 2, '#', in) && !file_name(p + 2, in)) || strchr("'\"([{", p[2]) ||
			                            !strncmp(p + 2, "\u2018", 3) || !strncmp(p + 2, "\u2019", 3) ||
			                            !strncmp(p + 2, "\u201c", 3));
			/* nor a TOML table's header alone on its line, "key = value" or another header on the next */
			cmark_node *br = i == 0 && q && !q[2] ? cmark_node_next(n) : NULL, *nx = br ? cmark_node_next(br) : NULL;
			toml = toml || (br && cmark_node_get_type(br) == CMARK_NODE_SOFTBREAK && nx &&
			                cmark_node_get_type(nx) == CMARK_NODE_TEXT &&
			                (strstr(cmark_node_get_literal(nx), " = ") || cmark_node_get_literal(nx)[0] == '['));
			if (q && in && !toml && !memchr(p + 2, '[', in) && !memchr(p + 2, ']', in) && p[2] != ' ') {
				w = embed ? FI_WIKI_EMBED : FI_WIKI_LINK;
				p -= embed;
				k = in + 4 + embed;
			}
		} else if (p[0] == '[' && p[1] != '[' && WRITTEN(i) && (p[1] == '^' || !glued_bracket(lit, i)) && room > 3) {
			/* "[text](my page.md)", "[^my note]": the bracket's ']' on, within 200 bytes, no other '['
			 * before it, each as written (helper-145: "\[x](my page.md)" is text meant so) */
			const char *cb = memchr(p + 1, ']', room - 1 < 200 ? room - 1 : 200);
			size_t after = cb ? (size_t)(lit + ll - cb) : 0;
			if (cb && !memchr(p + 1, '[', (size_t)(cb - p - 1)) && cb > p + 1 && WRITTEN((size_t)(cb - lit))) {
				const char *ce = NULL;
				if (p[1] == '^' && spaced_label(p + 2, (size_t)(cb - p - 2)))
					w = FI_SPACED_NOTE, k = (size_t)(cb + 1 - p);
				else if (after > 2 && cb[1] == '(' && p[1] != '^' &&
				         (ce = memchr(cb + 2, ')', after - 2 < 200 ? after - 2 : 200)) &&
				         spaced_address(cb + 2, (size_t)(ce - cb - 2)))
					w = FI_SPACED_LINK, k = (size_t)(ce + 1 - p);
				else if (after > 2 && cb[1] == '[' && p[1] != '^' && p[1] != '@' && cb[2] != '^' &&
				         WRITTEN((size_t)(cb + 1 - lit)) && (ce = memchr(cb + 2, ']', after - 2 < 200 ? after - 2 : 200)) &&
				         !memchr(cb + 2, '[', (size_t)(ce - cb - 2)) && WRITTEN((size_t)(ce - lit)) &&
				         !ref_pair_not_link(lit, i, cb, ce))
					/* "[text][label]", "[text][]" left as text: no definition of the label (helper-158) */
					w = FI_UNDEFINED_REF, k = (size_t)(ce + 1 - p);
			}
		} else if (p[0] == '=' && p[1] == '=' && p[2] && p[2] != ' ' && p[2] != '=' && p[2] != '>' &&
		           (!i || p[-1] == ' ' || p[-1] == '(') && WRITTEN(i) && !autolink) {
			/* "==text==": the closing marks after no space, before no '=', letter or digit, and each
			 * parenthesis between closed after it opened ("a == b", "===", "a ==b and b==c",
			 * "(a ==b) and (c== d)", "==>": helper-150) */
			q = memmem(p + 2, room - 2 < 200 ? room - 2 : 200, "==", 2);
			long depth = 0; /* below 0 at a ')' before its '(' */
			for (const char *x = p + 2; q && x < q && depth >= 0; x++)
				depth += (*x == '(') - (*x == ')');
			if (q && q[-1] != ' ' && q[2] != '=' && !isalnum((unsigned char)q[2]) && depth == 0)
				w = FI_HIGHLIGHT, k = (size_t)(q + 2 - p);
		} else if (p[0] == '^' && p[1] == '[' && i && p[-1] != ' ' && WRITTEN(i) &&
		           (q = memchr(p + 2, ']', room - 2 < 200 ? room - 2 : 200)) && q > p + 2 && p[2] != '^' &&
		           !memchr(p + 2, '[', (size_t)(q - p - 2))) {
			/* "text^[a note]", glued to its word: "the pattern ^[A-Z]" is a regular expression (helper-150) */
			w = FI_INLINE_NOTE, k = (size_t)(q + 1 - p);
		} else if (p[0] == '^' && i && p[-1] == ' ' && WRITTEN(i) && !autolink && !cmark_node_next(n) && up &&
		           cmark_node_get_type(up) == CMARK_NODE_PARAGRAPH && /* (not a table's cell: helper-160) */
		           (k = 1 + strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")) > 2 &&
		           !p[k] && isalnum((unsigned char)p[k - 1])) {
			/* " ^37066d" at a block's end: Obsidian's block id, which a link "[[Page#^37066d]]" names
			 * (helper-158) */
			w = FI_BLOCK_ID;
		} else if ((p[0] == '~' || p[0] == '^') && i && isalnum((unsigned char)p[-1]) && WRITTEN(i) && !autolink &&
		           isalnum((unsigned char)p[1])) {
			/* "H~2~O", "CO~2~": digits alone between two tildes glued to a word, before no digit; "2^10^",
			 * "x^n^": letters or digits between two carets, before no letter or digit. Not a power of a
			 * power ("2^3^4", "e^x^2"), a git revision ("HEAD~1~2"), a version ("1.2~rc1~beta"), an 8.3
			 * file name ("PROGRA~1~2"): helper-150 */
			size_t r = 1 + strspn(p + 1, p[0] == '~' ? "0123456789"
			                                         : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
			bool closed = r <= 4 && p[r] == p[0]; /* p[r + 1] is in the text only then */
			if (closed && p[r + 1] != p[0] &&
			    (p[0] == '~' ? !isdigit((unsigned char)p[r + 1]) : !isalnum((unsigned char)p[r + 1])))
				w = FI_SUB_SUP, k = r + 1;
		} else if (p[0] == ':' && WRITTEN(i) && !autolink &&
		           (!i || emoji_end == i || (p[-1] != ':' && !word_char(lit + i - utf8_last(lit, i), utf8_last(lit, i))))) {
			/* ":tada:", ":+1:", ":fire::fire:": a name GitHub shows as an emoji (emoji_name) between
			 * colons, no letter or digit of any script glued to either side ("格式:name:值", "10:30:45"),
			 * after no other colon (a path's "::", "crate::key::Key", "Mutex::lock::<T>": helper-160),
			 * before no '`' (a Sphinx role, ":ref:`x`") */
			size_t r = 1 + strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789_+-");
			if (r > 1 && r <= 41 && p[r] == ':' && p[r + 1] != '`' && !word_char(p + r + 1, strnlen(p + r + 1, 4)) && WRITTEN(i + r) &&
			    emoji_name(p + 1, r - 1))
				w = FI_EMOJI, k = r + 1, emoji_end = i + r + 1;
		} else if (p[0] == '<' && p[1] == '!' && (!strncmp(p + 2, "\u2013", 3) || !strncmp(p + 2, "\u2014", 3) ||
		                                          !strncmp(p + 2, "--", 2)) && WRITTEN(i)) {
			/* "<!--" that cmark-gfm left as text (its text holds "--": CommonMark 0.29, 6.8), its dashes
			 * smart, to its "-->" */
			const char *ends[] = {"\u2013>", "\u2014>", "-->"};
			for (size_t e = 0; e < 3 && !q; e++)
				q = memmem(p + 3, room - 3 < 200 ? room - 3 : 200, ends[e], strlen(ends[e]));
			if (q) {
				w = FI_DASHED_COMMENT;
				k = (size_t)(q + (*q == '-' ? 3 : 4) - p);
			}
		} else if (p[0] == '{' && room >= 11 && !strncmp(p, "{::comment}", 11)) {
			w = FI_KRAMDOWN_COMMENT;
			q = memmem(p + 11, room - 11 < 200 ? room - 11 : 200, "{:/", 3);
			const char *qe = q ? memchr(q, '}', (size_t)(lit + ll - q) < 20 ? (size_t)(lit + ll - q) : 20) : NULL;
			k = qe ? (size_t)(qe + 1 - p) : 11;
		} else if (p[0] == '{' && ((i == 0 && (after_link || after_span)) || (i && p[-1] == ']' && WRITTEN(i - 1)))) {
			/* (kramdown's "{: .red}", "{:target=\"_blank\"}" and Python-Markdown's "{ .md-button }", with a
			 * colon or spaces first, after a link, an image or an emphasis: helper-158) */
			const char *a = p + 1 + (p[1] == ':');
			a += strspn(a, " ");
			size_t wl = strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
			bool attr = ((a[0] == '.' || a[0] == '#') && isalpha((unsigned char)a[1])) || (wl && a[wl] == '=');
			q = attr ? memchr(p, '}', room < 201 ? room : 201) : NULL;
			if (q && !memchr(p + 1, '{', (size_t)(q - p - 1))) {
				w = FI_ATTRIBUTES;
				k = (size_t)(q + 1 - p);
			}
		}
		if (w < 0)
			continue;
		if (!found[w].count++)
			found[w].at = (size_t)(p - lit), found[w].len = k;
		i = (size_t)(p - lit) + k - 1; /* on after it */
	}
#undef WRITTEN
}

/* Other generators' inline syntax in a text's prose (foreign_inline): a warning at the first of each
 * kind, counting the rest of that kind, the kinds in the order they first come (helper-105: "%% note
 * %%" was published, "[[Page]]" shown as written). Where the file has a text's syntax, and whether
 * it is written there as it reads or otherwise, its map tells (text_map); a text that cannot be
 * mapped is taken as written, its warnings at the first occurrence of the opener on its line. */
static void foreign_inlines(const struct md_opts *o, struct src_lines *sl, const struct vec *texts)
{
	struct {
		cmark_node *first;
		size_t more, at, len;
		int fl, fc;
	} st[FI_KINDS] = {{0}};
	int order[FI_KINDS], norder = 0;
	for (size_t i = 0; i < texts->n; i++) {
		struct foreign_found found[FI_KINDS];
		foreign_inline(texts->v[i], NULL, found);
		size_t *map = NULL, any = 0;
		for (int kd = 0; kd < FI_KINDS; kd++)
			any += found[kd].count;
		if (any && (map = text_map(sl, texts->v[i])))
			foreign_inline(texts->v[i], map, found);
		for (int kd = 0; kd < FI_KINDS; kd++) {
			size_t k = found[kd].count, a = found[kd].at;
			if (!k || st[kd].first) {
				st[kd].more += k;
				continue;
			}
			st[kd].first = texts->v[i], st[kd].more = k - 1, st[kd].at = a, st[kd].len = found[kd].len;
			if (map && map[a] != SIZE_MAX) {
				int l, c;
				src_place(sl, map[a], &l, &c);
				diag_place(&o->at, l, c, &st[kd].fl, &st[kd].fc);
			} else {
				const char *lit = cmark_node_get_literal(texts->v[i]);
				size_t nth = 0; /* which of its text's openers written so it is */
				for (const char *q = lit; (q = memmem(q, a + 1 - (size_t)(q - lit), lit + a, 2)) && q < lit + a; q++)
					nth++;
				node_place(o, sl, texts->v[i], lit + a, 2, nth, &st[kd].fl, &st[kd].fc);
			}
			order[norder++] = kd;
		}
		free(map);
	}
	for (int j = 0; j < norder; j++) {
		int kd = order[j];
		const char *lit = cmark_node_get_literal(st[kd].first);
		size_t at = st[kd].at, len = st[kd].len;
		char *rest = more_in_text(st[kd].more);
		diag_warn(o->src ? o->src : "content", st[kd].fl, st[kd].fc, "'%.*s%s' is no syntax vade reads%s: %s",
		          (int)text_head(lit + at, len > 60 ? 60 : len), lit + at, len > 60 ? "..." : "", rest,
		          foreign_inline_what[kd]);
		free(rest);
	}
}

/* Whether the opener text node n starts with is written otherwise in the file (text_map()), escaped
 * or as a character reference: its run of one mark (":::", "!!!", "$$"), or its first two bytes
 * ("{:", ": "). */
static bool written_otherwise(struct src_lines *sl, cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	if (!strncmp(lit, "\u2013", 3))
		return false; /* (an en dash smart punctuation made of "--": a snippet's "--8<--") */
	size_t ll = strlen(lit), k = 1, *map = text_map(sl, n);
	while (k < ll && lit[k] == lit[0])
		k++;
	k = k < 2 && ll >= 2 && lit[0] != '+' ? 2 : k; /* (a grid table's '+' alone: its dashes are set as dashes) */
	bool other = false;
	for (size_t i = 0; map && i < k && !other; i++)
		other = map[i] == SIZE_MAX;
	free(map);
	return other;
}

/* Other generators' block syntax in paragraphs (foreign_block), published as text without a word
 * (helper-99): a warning at the first of each kind (what foreign_block() names it), counting the
 * rest of that kind. */
static void foreign_blocks(const struct md_opts *o, struct src_lines *sl, const struct vec *paras)
{
	enum { KINDS = 24 }; /* more than foreign_block() names (15) */
	struct {
		const char *what;
		cmark_node *first;
		size_t more;
	} st[KINDS];
	size_t nk = 0;
	for (size_t i = 0; i < paras->n; i++) {
		cmark_node *at;
		const char *w = foreign_block(paras->v[i], &at);
		if (w && written_otherwise(sl, at))
			continue; /* "\::: note", "\$$", "\{: .note}": text (helper-110) */
		size_t k = 0;
		while (w && k < nk && st[k].what != w)
			k++;
		if (w && k < nk)
			st[k].more++;
		else if (w && nk < KINDS)
			st[nk].what = w, st[nk].first = at, st[nk++].more = 0;
	}
	for (size_t k = 0; k < nk; k++) {
		int fl, fc;
		const char *lit = cmark_node_get_literal(st[k].first);
		node_place(o, sl, st[k].first, lit, strcspn(lit, " "), 0, &fl, &fc);
		if (!strcmp(lit, "[[")) /* (GitLab's "[[_TOC_]]": its first node alone) */
			lit = "[[_TOC_]]";
		char *rest = more_in_text(st[k].more);
		diag_warn(o->src ? o->src : "content", fl, fc, "'%.*s%s' (%s) is no syntax vade reads: it is published as "
		          "text%s; leave it out, or write what it does in Markdown", text_head(lit, 40),
		          lit, strlen(lit) > 40 ? "..." : "", st[k].what, rest);
		free(rest);
	}
}

/* The last line of heading h's text (sl): an ATX heading's line; a setext heading's line before its
 * underline (cmark-gfm gives its end as the underline, or as column 0 of the line after it). */
static int heading_text_end(struct src_lines *sl, cmark_node *h)
{
	int l0 = cmark_node_get_start_line(h), l = cmark_node_get_end_line(h);
	src_offset(sl, l0, 1); /* (the lines found, when they were not yet) */
	if (l > l0 && cmark_node_get_end_column(h) == 0)
		l--;
	if (l > sl->n)
		l = sl->n;
	if (l > l0) {
		size_t u = sl->off[l - 1] + span_of(sl->text, sl->off[l - 1], sl->len, " ");
		if (u < sl->off[l] && strchr("=-", sl->text[u]))
			l--;
	}
	return l;
}

/* A heading's attribute list as Pandoc, kramdown, Hugo and MkDocs read it ("## Setup {#setup}",
 * "{: #id .class}", "{.unnumbered}"), which cmark-gfm leaves in the text: the heading showed the
 * braces and took an id made of them ("setup-setup"), silently (helper-97). A warning at it. */
static void heading_attributes(const struct md_opts *o, struct src_lines *sl, cmark_node *h)
{
	/* MDX's comment after it, "{/" and a star, its words, a star and "/}" (react.dev's ids: helper-158),
	 * which cmark-gfm reads as "{/", an emphasis and "/}": looked for in its line as written */
	int hl = heading_text_end(sl, h); /* (a setext heading's last line of text: helper-166) */
	size_t ls = src_offset(sl, hl, 1);
	if (ls != SIZE_MAX && hl >= 1 && hl <= sl->n) {
		size_t le = sl->off[hl];
		while (le > ls && strchr(" \t\r\n#", sl->text[le - 1]))
			le--;
		/* (the last on the line: one before it is other_marks()' "## A {/" "*x*" "/} B", helper-166) */
		const char *c = NULL;
		for (const char *q = sl->text + ls; le - ls >= 6 && !memcmp(sl->text + le - 3, "*" "/}", 3) &&
		                                    (q = memmem(q, (size_t)(sl->text + le - q), "{/*", 3)); q += 3)
			c = q;
		/* (an id, no space after its opening marks: a comment spaced inside is prose about them, helper-160) */
		if (c && c + 6 <= sl->text + le && c[3] != ' ' && !escaped_at(sl->text, c)) {
			int fl, fc, l, col;
			src_place(sl, (size_t)(c - sl->text), &l, &col);
			diag_place(&o->at, l, col, &fl, &fc);
			diag_warn(o->src ? o->src : "content", fl, fc, "'%.*s' after a heading is no syntax vade reads (a comment, "
			          "MDX's): it is shown, and taken into the heading's id; leave it out (the id is made of the "
			          "heading's words)", (int)(sl->text + le - c), c);
			return;
		}
	}
	cmark_node *last = cmark_node_last_child(h);
	const char *lit = last && cmark_node_get_type(last) == CMARK_NODE_TEXT ? cmark_node_get_literal(last) : NULL;
	size_t n = lit ? strlen(lit) : 0;
	while (n && (lit[n - 1] == ' ' || lit[n - 1] == '\t'))
		n--;
	if (n < 3 || lit[n - 1] != '}')
		return;
	const char *open = NULL;
	for (size_t i = n - 1; i-- > 0 && !open;)
		if (lit[i] == '{')
			open = lit + i;
		else if (lit[i] == '}')
			return;
	/* (and with spaces inside, "{ #setup }", Python-Markdown's: the id was "setup--setup-": helper-158) */
	const char *a = open ? open + 1 + strspn(open + 1, " ") : NULL;
	if (!open || !(*a == '#' || *a == '.' || *a == ':') || (open > lit && open[-1] != ' '))
		return;
	/* (spaced, a name after its '#' or '.': "{ .5, .7 }" is a set of numbers: helper-160) */
	if (a > open + 1 && *a != ':' && !isalpha((unsigned char)a[1]) && a[1] != '_')
		return;
	int fl, fc, l = cmark_node_get_start_line(h), c = cmark_node_get_start_column(h);
	size_t *map = text_map(sl, last); /* at the '{' (where it is written so), else at the heading */
	if (map && map[open - lit] != SIZE_MAX)
		src_place(sl, map[open - lit], &l, &c);
	else if (map)
		l = 0; /* "\{#setup}": written otherwise, text */
	free(map);
	if (!l)
		return;
	diag_place(&o->at, l, c, &fl, &fc);
	diag_warn(o->src ? o->src : "content", fl, fc, "'%.*s' after a heading is no syntax vade reads: it is shown, and taken "
	          "into the heading's id; leave it out (the id is made of the heading's words)",
	          (int)(lit + n - open), open);
}

/* The other generators' syntax in a text's prose (not in code): a warning at the first of each kind
 * (a shortcode, an action, a Liquid tag), counting the rest of that kind. Nodes: its text nodes with
 * a '{', and raw HTML right after a text ending in "{{" (a shortcode written without a space,
 * "{{<figure src=x>}}", which cmark-gfm reads as "{{", an HTML tag it then leaves out, and "}}":
 * helper-97). */
static void foreign_syntax(const struct md_opts *o, struct src_lines *sl, const struct vec *nodes)
{
	enum { KINDS = FS_LIQUID + 1 };
	struct {
		cmark_node *first;
		char name[41];
		size_t more, nth; /* nth: which of its text's openers the first is */
		size_t off;       /* its opener's offset in the file, when its text's map tells */
	} st[KINDS] = {{0}};
	int order[KINDS], norder = 0;
	for (size_t i = 0; i < nodes->n; i++) {
		cmark_node *n = nodes->v[i];
		const char *lit = cmark_node_get_literal(n);
		char nm[41];
		enum foreign_syntax k;
		if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE) {
			size_t w = lit[0] == '<' ? strspn(lit + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") : 0;
			if (w == 0 || w > 40)
				continue;
			if (st[FS_SHORTCODE].first) {
				st[FS_SHORTCODE].more++;
				continue;
			}
			st[FS_SHORTCODE].first = n;
			memcpy(st[FS_SHORTCODE].name, lit + 1, w);
			st[FS_SHORTCODE].name[w] = '\0';
			order[norder++] = FS_SHORTCODE;
			continue;
		}
		size_t *map = NULL;
		bool mapped = false;
		for (const char *p = lit; (p = foreign_syntax_in(p, &k, nm)); p += 2) {
			if (!mapped)
				map = text_map(sl, n), mapped = true;
			if (map && (map[p - lit] == SIZE_MAX || map[p - lit + 1] == SIZE_MAX)) {
				p--; /* written otherwise: "\{{< x >}}", "&#123;{ .Title }}" are text (helper-110) */
				continue;
			}
			if (st[k].first) {
				st[k].more++;
				continue;
			}
			st[k].first = n;
			st[k].off = map ? map[p - lit] : SIZE_MAX;
			memcpy(st[k].name, nm, sizeof nm);
			order[norder++] = (int)k;
			/* which of the text's openers it is: "Dear {{ name }}, see {{ .Title }}" warns at the second */
			for (const char *q = lit; (q = strstr(q, k == FS_LIQUID ? "{%" : "{{")) && q < p; q += 2)
				st[k].nth++;
		}
		free(map);
	}
	for (int j = 0; j < norder; j++) {
		int k = order[j], fl, fc, l, c;
		/* the opener's place */
		if (st[k].off != SIZE_MAX && cmark_node_get_type(st[k].first) == CMARK_NODE_TEXT) {
			src_place(sl, st[k].off, &l, &c);
			diag_place(&o->at, l, c, &fl, &fc);
		} else {
			node_place(o, sl, st[k].first, k == FS_LIQUID ? "{%" : "{{", 2, st[k].nth, &fl, &fc);
		}
		char *rest = more_in_text(st[k].more);
		diag_warn(o->src ? o->src : "content", fl, fc, "%s ('%s') is not read by vade: it is published as text%s; "
		          "write it in Markdown (an image, a link) or in a template, or put it in code", foreign_what[k],
		          st[k].name, rest);
		free(rest);
	}
}

char *markdown_foreign_syntax(const char *s)
{
	static const char *const inline_named[FI_KINDS] = {"an Obsidian comment", "a wiki link", "a wiki embed",
	                                                  "Pandoc's attributes", "a kramdown comment",
	                                                  "a link whose address holds a space",
	                                                  "a footnote whose label holds a space", "a highlight",
	                                                  "an inline footnote", "a subscript or superscript",
	                                                  "an emoji's short name", "an HTML comment",
	                                                  "a reference link with no definition", "a block's id"};
	/* every kind's opener holds one of these (a title without any is most titles: 60,000 of them
	 * were looked through at each rebuild of a 10,000-page site, issue 13) */
	if (!s || (!strpbrk(s, "{%[=^~") && !(strchr(s, ':') && strchr(strchr(s, ':') + 1, ':'))))
		return NULL; /* (an emoji's name has two colons: "Use :smile: now" had none: helper-158) */
	struct {
		size_t at;
		char *what;
	} k[FS_LIQUID + 1 + FI_KINDS];
	size_t nk = 0;
	char name[41];
	enum foreign_syntax kind;
	bool seen[FS_LIQUID + 1] = {false};
	for (const char *p = s; (p = foreign_syntax_in(p, &kind, name)); p += 2)
		if (!seen[kind]) {
			k[nk].at = (size_t)(p - s), k[nk++].what = xasprintf("%s ('%s')", foreign_what[kind], name);
			seen[kind] = true;
		}
	/* the inline kinds as in a text of the prose, which title and summary are, unescaped */
	cmark_node *n = cmark_node_new(CMARK_NODE_TEXT);
	struct foreign_found found[FI_KINDS];
	if (n && cmark_node_set_literal(n, s))
		foreign_inline(n, NULL, found);
	for (int kd = 0; n && cmark_node_get_literal(n) && kd < FI_KINDS; kd++)
		if (found[kd].count) {
			size_t at = found[kd].at, len = found[kd].len > 60 ? 60 : found[kd].len;
			k[nk].at = at, k[nk++].what = xasprintf("%s ('%.*s%s')", inline_named[kd], (int)text_head(s + at, len),
			                                        s + at, len < found[kd].len ? "..." : "");
		}
	cmark_node_free(n);
	struct buf b = BUF_INIT; /* the kinds in the order they come */
	for (size_t i = 0; i < nk; i++) {
		size_t first = i;
		for (size_t j = i + 1; j < nk; j++)
			first = k[j].at < k[first].at ? j : first;
		char *w = k[first].what;
		k[first] = k[i];
		buf_addf(&b, "%s%s", i ? " and " : "", w);
		free(w);
	}
	return nk ? buf_detach(&b, NULL) : NULL;
}

/* }======= */

/* {======= autolinks
 *
 * cmark-gfm's autolink extension ends a bare URL before trailing ASCII
 * punctuation (? ! . , : * _ ~) but takes any other character into it, so
 * "https://example.org/form،" linked to ".../form%D8%8C". GFM's rule is that
 * trailing punctuation is not part of the link: here every Unicode
 * punctuation mark (the Arabic comma, semicolon and question mark, the Urdu
 * full stop, guillemets, 。 、 ...) counts, and ASCII punctuation before it
 * too. The link is cut back and the marks become text after it. An autolink
 * written in angle brackets (<https://...>) is left as written. */

/* Whether cp ends an autolink when it is last. */
static bool autolink_trailing(unsigned cp)
{
	if (cp < 0x80)
		return cp && strchr("?!.,:*_~", (int)cp);
	/* (glibc counts a combining mark and a soft hyphen as punctuation: "mu\u0308ller@..." in NFD was
	 * cut at its mark, "https://exa\u00admple.org/" at its soft hyphen in silence; an invisible
	 * character in an address is said where links are checked: helper-154) */
	return utf8_locale && iswpunct_l((wint_t)cp, utf8_locale) && !iswalnum_l((wint_t)cp, utf8_locale) &&
	       !(U_GET_GC_MASK((UChar32)cp) & U_GC_M_MASK) && !char_shows_nothing(cp);
}

/* The length of the last code point of s[0, n) (1 for a stray byte). */
static size_t utf8_last(const char *s, size_t n)
{
	size_t k = 1;
	while (k < n && k < 4 && ((unsigned char)s[n - k] & 0xc0) == 0x80)
		k++;
	return ((unsigned char)s[n - k] & 0xc0) == 0x80 ? 1 : k;
}

/* Whether a dash or an apostrophe inside a URL between a and b stays in it: letters or digits of one
 * script ("Mann–Whitney", "Манна–Уитни"; a digit goes with any), a title's '_' or a query's '=' beside it
 * (helper-162: the Russian article's address was cut at its dash); not before a word of another script,
 * which Thai writes with no space ("a–ข้อความ"). Wikipedia writes a title's em dash between '_' ("_—_"). */
static bool url_words(unsigned a, unsigned b)
{
	if (a == '_' || a == '=' || b == '_' || b == '=')
		return true;
	if (!u_isalnum((UChar32)a) || !u_isalnum((UChar32)b))
		return false;
	UErrorCode e = U_ZERO_ERROR;
	UScriptCode sa = uscript_getScript((UChar32)a, &e), sb = uscript_getScript((UChar32)b, &e);
	return U_SUCCESS(e) && (sa == sb || sa == USCRIPT_COMMON || sb == USCRIPT_COMMON);
}

static void autolink_trim(cmark_node *link)
{
	if (!extension_link(link))
		return; /* a link with text of its own, or <https://...> */
	cmark_node *t = cmark_node_first_child(link);
	const char *url = cmark_node_get_url(link), *lit = cmark_node_get_literal(t);
	size_t ul = strlen(url), ll = strlen(lit), keep = ll, uni = 0;
	/* a space that is not ASCII ends it too: a no-break space (U+00A0, U+2007, U+202F) that a word
	 * processor put after it, the ideographic space (U+3000) of CJK text (helper-144: the next word
	 * went into the address, "www.example.org%C2%A0today") */
	unsigned prev = 0;
	for (size_t i = 0; i < ll;) {
		unsigned cp;
		size_t k = utf8_at((const unsigned char *)lit + i, ll - i, &cp);
		/* and a punctuation mark that is not ASCII, mid-address too: CJK text puts none of its spaces
		 * after 。，「」 ("https://e.org/a。然后": helper-145) */
		/* and an invisible character stray there (not a Persian word's non-joiner: "کتاب\u200cها")
		 * before a letter of another script or nothing: Thai's and Khmer's zero width space between
		 * words; before a Latin letter, a digit or ASCII's punctuation it is in the address, pasted
		 * with it ("exa\u00admple.org", "docs\u200b/guide"), and said where links are checked */
		unsigned nx = 0;
		if (i + k < ll)
			utf8_at((const unsigned char *)lit + i + k, ll - i - k, &nx);
		bool between = cp >= 0x80 && char_shows_nothing(cp) && char_stray_invisible(lit, ll, i, k, cp, prev) &&
		               (!nx || (nx >= 0x80 && !latin_letter(nx)));
		/* but not a symbol ("/a→b", "http://🍄.ga/", as cmark-gfm reads them), nor a hyphen, an en dash or
		 * an apostrophe between Latin letters ("/wiki/Mann–Whitney_U_test": the link led to ".../Mann":
		 * helper-158); an em dash closed up to the next word is English prose's ("x.org/docs—it is") */
		bool inner = nx && ((U_GET_GC_MASK((UChar32)cp) & U_GC_S_MASK) ||
		                    (((cp >= 0x2010 && cp <= 0x2013) || cp == 0x2015 || cp == 0x2019 || cp == 0xb7) && url_words(prev, nx)) ||
		                    (cp == 0x2014 && prev == '_' && nx == '_'));
		if (cp >= 0x80 && (cp == 0xa0 || cp == 0x2007 || cp == 0x202f || (autolink_trailing(cp) && !inner) || between ||
		                   (utf8_locale && iswspace_l((wint_t)cp, utf8_locale)))) {
			keep = i, uni = 1;
			break;
		}
		prev = cp;
		i += k ? k : 1;
	}
	while (keep) {
		size_t k = utf8_last(lit, keep);
		unsigned cp;
		utf8_at((const unsigned char *)lit + keep - k, k, &cp);
		if (!autolink_trailing(cp))
			break;
		keep -= k;
		uni += cp >= 0x80;
	}
	if (!uni || !keep)
		return; /* cmark-gfm's own rule already ended it */
	cmark_node *after = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(after, lit + keep);
	char *nu = xstrndup(url, ul - (ll - keep)), *nl = xstrndup(lit, keep);
	cmark_node_set_url(link, nu);
	cmark_node_set_literal(t, nl);
	free(nu);
	free(nl);
	cmark_node_insert_after(link, after);
}

/* Addresses the autolink extension cut at a character past ASCII. The extension reads only ASCII's
 * letters and digits as an address's (GFM spec 6.9, extended email autolink), and ends it at any
 * other character:
 * - a Latin letter past ASCII: "müller@example.de" was linked "ller@...", "info@example.dé"
 *   "info@example.d" (RFC 6531 lets an address hold them), and "xmpp:jürgen@..." a mail address;
 * - Hebrew and Arabic join a one-letter word ("to", "and") to an address with a hyphen,
 *   "ל-info@example.com", "لـ-info@example.com": linked "mailto:-info@...", and "ל-xmpp:me@x.org" a
 *   link to a file "-xmpp:me@x.org" (helper-152);
 * - a character that shows as nothing, pasted with the address (a soft hyphen, a zero width space):
 *   "mül\u00adler@example.de" linked "ler@...", "https://exa\u00admple.org/" "https://exa".
 * An address of the extension's own (no place in the source; its text the URL's end) is mended:
 * cut at a Latin letter or a mark on one, it takes in the Latin letters, digits and ". - _ +" of the
 * word it was cut from, before and after, with "mailto:" or "xmpp:" written before them; never the
 * letters of another script, which are words next to it ("请发邮件至info@example.com", "info@example.kr
 * 으로": helper-154). Then a leading hyphen after a letter past ASCII is that word's, not the
 * address's. An address whose letter just before its '@' is past ASCII ("josé@example.es") the
 * extension does not link at all, and neither does vade: it is text, as on GitHub. */

/* The last character of s[0, *n) with the marks on it passed over (and Arabic's tatweel, which draws
 * its letter longer), its start in *n; 0 when none. */
static unsigned last_base(const char *s, size_t *n)
{
	unsigned cp = 0;
	while (*n) {
		size_t b = *n; /* the last character's first byte */
		while (--b && ((unsigned char)s[b] & 0xc0) == 0x80)
			;
		utf8_at((const unsigned char *)s + b, *n - b, &cp);
		*n = b;
		if (cp != 0x640 && !(U_GET_GC_MASK((UChar32)cp) & U_GC_M_MASK))
			break;
	}
	return cp;
}

/* What an address written in Latin letters may hold (RFC 6531): Latin letters and ASCII digits with
 * their marks (latin_inner), and ". - _ +" when inner (not after its '@': plus). */
static bool address_cp(unsigned cp, bool local)
{
	return latin_inner(cp) || (cp < 0x80 && cp && strchr(local ? ".-_+" : ".-_", (int)cp));
}

/* Where an XMPP address's resource that may follow s[r1] ends ("xmpp:me@x.org/home": RFC 5122, 2.2):
 * its characters as the extension reads one (address_cp's and '/', letters past ASCII whole), to its
 * last letter or digit: not a ')' or '&' after it ("(xmpp:a--b@x.org/home)" took the ')' in, and
 * "/résumé" was cut in its last letter's bytes, read as punctuation). */
static size_t xmpp_resource(const char *s, size_t n, size_t r1)
{
	if (r1 >= n || s[r1] != '/')
		return r1;
	size_t e = r1;
	for (size_t i = r1 + 1, k; i < n; i += k) {
		unsigned cp;
		k = utf8_at((const unsigned char *)s + i, n - i, &cp);
		if (!address_cp(cp, false) && cp != '/')
			break;
		if (cp >= 0x80 || isalnum((int)cp))
			e = i + k;
	}
	return e;
}

/* Mends link (above); returns the character that shows as nothing the extension cut it at, which
 * nothing mends (the caller warns), else 0. */
static uint32_t autolink_cut(cmark_node *link)
{
	cmark_node *t = cmark_node_first_child(link), *pv = cmark_node_previous(link), *nx = cmark_node_next(link);
	const char *lit = t ? cmark_node_get_literal(t) : NULL, *url = cmark_node_get_url(link);
	const char *pl = pv && cmark_node_get_type(pv) == CMARK_NODE_TEXT ? cmark_node_get_literal(pv) : "";
	const char *nl = nx && cmark_node_get_type(nx) == CMARK_NODE_TEXT ? cmark_node_get_literal(nx) : "";
	size_t ll = lit ? strlen(lit) : 0, ul = url ? strlen(url) : 0, pn = strlen(pl), nn = strlen(nl);
	if (!extension_link(link) || cmark_node_get_start_line(link))
		return 0; /* (an e-mail address's or a scheme's, never a www. one's) */
	unsigned cp = 0, np = 0;
	size_t pk = pn ? utf8_last(pl, pn) : 0, nk = nn ? utf8_at((const unsigned char *)nl, nn, &np) : 0;
	if (pk)
		utf8_at((const unsigned char *)pl + pn - pk, pk, &cp);
	/* cut at a character that shows as nothing, in a word: "mül\u00adler@", "exa\u00admple.org" */
	unsigned before = 0;
	if (pn > pk)
		utf8_at((const unsigned char *)pl + pn - pk - utf8_last(pl, pn - pk), utf8_last(pl, pn - pk), &before);
	uint32_t cut = 0; /* (said once the rest is mended: "müller@example.de\u200bx") */
	if (cp >= 0x80 && char_shows_nothing(cp) && (latin_letter(before) || (before < 0x80 && isdigit((int)before))))
		cut = cp;
	unsigned after = 0;
	if (nk && nk < nn)
		utf8_at((const unsigned char *)nl + nk, nn - nk, &after);
	if (np >= 0x80 && char_shows_nothing(np) && (latin_letter(after) || (after < 0x80 && isdigit((int)after))))
		cut = np; /* (not a Persian suffix joined with a non-joiner: a letter of its own script follows) */
	bool email = ul > ll && !strchr(lit, ':'); /* "mailto:" and its text */
	bool mail = email || !strncasecmp(lit, "mailto:", 7) || !strncasecmp(lit, "xmpp:", 5); /* and written so */
	size_t keep = pn, take = 0, prefix = ul - ll; /* pl[0, keep) stays, nl[0, take) comes in, url[0, prefix) */
	bool xmpp = false; /* "xmpp:" found before it */
	if (email && (cp >= 0x80 && latin_inner(cp))) {
		for (size_t at = pn; at;) {
			size_t a = at;
			if (!address_cp(last_base(pl, &a), true))
				break;
			keep = at = a;
		}
		static const char *const schemes[] = {"mailto:", "xmpp:"};
		for (size_t i = 0; i < 2; i++) {
			size_t sl = strlen(schemes[i]);
			if (keep >= sl && !strncasecmp(pl + keep - sl, schemes[i], sl) &&
			    (keep == sl || !isalnum((unsigned char)pl[keep - sl - 1]))) {
				keep -= sl, prefix = 0; /* the text is the URL */
				xmpp = i == 1;
				break;
			}
		}
	}
	if (mail && (np >= 0x80 && latin_inner(np)))
		for (size_t i = 0, k; i < nn; i += k) {
			k = utf8_at((const unsigned char *)nl + i, nn - i, &cp);
			if (!address_cp(cp, false))
				break;
			if (cp >= 0x80 || isalnum((int)cp))
				take = i + k; /* not a sentence's full stop after it */
		}
	if (xmpp) /* and its resource ("xmpp:jürgen@example.de/home") */
		take = xmpp_resource(nl, nn, take);
	if (take && take < nn) { /* cut where it ends as mended: "xmpp:jürgen@x.org/home\u200bx", "info@x.dé\u200bx" */
		unsigned c1, c2 = 0;
		size_t k1 = utf8_at((const unsigned char *)nl + take, nn - take, &c1);
		if (take + k1 < nn)
			utf8_at((const unsigned char *)nl + take + k1, nn - take - k1, &c2);
		if (c1 >= 0x80 && char_shows_nothing(c1) && (latin_letter(c2) || (c2 < 0x80 && isdigit((int)c2))))
			cut = c1;
	}
	/* the address as mended, and a leading hyphen after a letter past ASCII given back to that word */
	struct buf text = BUF_INIT, nb = BUF_INIT, nu = BUF_INIT;
	buf_add(&text, pl + keep, pn - keep);
	buf_adds(&text, lit);
	buf_add(&text, nl, take);
	size_t h = 0, c0 = keep;
	unsigned last = keep ? last_base(pl, &c0) : 0;
	if (text.p[0] == '-' && last >= 0x80 && u_isalpha((UChar32)last)) {
		while (text.p[h] == '-')
			h++;
		if (!isalnum((unsigned char)text.p[h]))
			h = 0;
	}
	if (keep < pn || take || h) {
		buf_add(&nb, pl, keep);
		buf_add(&nb, text.p, h);
		buf_add(&nu, url, prefix);
		buf_adds(&nu, text.p + h);
		/* (each literal is read before it is set: setting one frees the text read from it) */
		cmark_node_set_url(link, nu.p);
		cmark_node_set_literal(t, text.p + h);
		if (keep < pn || h) /* (text before: it ends in the letter a leading hyphen goes back to) */
			cmark_node_set_literal(pv, nb.p);
		if (take) {
			char *rest = xstrdup(nl + take);
			cmark_node_set_literal(nx, rest);
			free(rest);
		}
	}
	buf_free(&text);
	buf_free(&nb);
	buf_free(&nu);
	return cut;
}

/* Addresses smart punctuation rewrote. cmark-gfm curls quotes and makes dashes of "--" and "---"
 * while it parses a paragraph's inlines, and the autolink extension reads e-mail addresses from the
 * text after that (its www. and scheme links are read before, as written): "user--name@example.com"
 * showed as "user–" and a link to "name@example.com", "o'brien@example.org" as "o’" and a link to
 * "brien@...", and a domain in punycode ("info@xn--mnchen-3ya.de", IDNA's ACE form) was not linked.
 * A run of an address's characters (address_cp) with the dashes and the right single quote
 * smart punctuation makes, around an '@', is taken as written ("–" as "--", "—" as "---", "’" as
 * "'") when that text stands in the paragraph's source and makes an address (a local part; a domain
 * of two labels or more, each of letters, digits and inner hyphens): the extension's link becomes
 * that address, or one is made where it made none. A dash or quote the author typed as such is not
 * in the source so: it stays text. */

/* The ASCII an address's character smart punctuation made stood for ("--", "---", "'"), or NULL. */
static const char *smart_made(unsigned cp)
{
	return cp == 0x2013 ? "--" : cp == 0x2014 ? "---" : cp == 0x2019 ? "'" : NULL;
}

/* Whether a[0, n) is an address: a local part of address_cp()'s or "'", one '@', and a domain of
 * two labels or more, each of Latin letters and digits with inner hyphens; and one the extension
 * would read with the hyphens written so (above): ASCII before the '@' ("jo--sé@example.es" is not
 * linked, as "josé@" is not), a domain whose ASCII start holds a '.' and a letter or digit after it
 * and ends in a letter ("info@münchen--x.de", "a--b@x.o1" are not, as "info@münchen.de" is not). */
static bool address_written(const char *a, size_t n)
{
	const char *at = memchr(a, '@', n);
	if (!at || at == a || memchr(at + 1, '@', n - (size_t)(at + 1 - a)))
		return false;
	unsigned char b = (unsigned char)at[-1];
	size_t e = (size_t)(at + 1 - a);
	bool dot = false;
	for (; e < n && (unsigned char)a[e] < 0x80; e++)
		dot |= a[e] == '.' && e + 1 < n && (unsigned char)a[e + 1] < 0x80 && isalnum((unsigned char)a[e + 1]);
	if (b >= 0x80 || (!isalnum(b) && !strchr(".-_+", b)) || !dot || !isalpha((unsigned char)a[e - 1]))
		return false;
	size_t labels = 0, ll = 0;
	unsigned last = '.';
	for (size_t i = (size_t)(at + 1 - a), k; i < n; i += k) {
		unsigned cp;
		k = utf8_at((const unsigned char *)a + i, n - i, &cp);
		if (cp == '.') {
			if (!ll || last == '-')
				return false;
			ll = 0;
		} else if (cp == '-') {
			if (!ll)
				return false;
		} else if (latin_inner(cp)) {
			labels += !ll++;
		} else {
			return false;
		}
		last = cp;
	}
	return labels >= 2 && ll && last != '-';
}

/* Whether link l is the autolink extension's link to an e-mail address. */
static bool extension_mail(cmark_node *l)
{
	return l && cmark_node_get_type(l) == CMARK_NODE_LINK && extension_link(l) &&
	       !strncmp(cmark_node_get_url(l), "mailto:", 7);
}

/* The length of the character at s[i] (of n; before it when back) when it is one of a run's ends
 * to leave out: a word's hyphen, a sentence's full stop, a dash or a quote; else 0. */
static size_t run_edge(const char *s, size_t n, size_t i, bool back)
{
	unsigned cp;
	size_t k = back ? utf8_last(s, i) : utf8_at((const unsigned char *)s + i, n - i, &cp);
	utf8_at((const unsigned char *)s + (back ? i - k : i), k, &cp);
	return (cp < 0x80 && !isalnum((int)cp)) || smart_made(cp) ? k : 0;
}

/* The run of an address around the '@' at s[at] (of n): its characters (address_cp), the
 * apostrophe and what smart punctuation makes of hyphens and apostrophes, without its ends
 * (run_edge), as [*r0, *r1); *smart when the run holds what smart punctuation makes. */
static void address_run(const char *s, size_t n, size_t at, size_t *r0, size_t *r1, bool *smart)
{
	*r0 = at, *r1 = at + 1, *smart = false;
	for (size_t k; *r0; *r0 -= k) { /* back over the local part */
		unsigned cp;
		k = utf8_last(s, *r0);
		utf8_at((const unsigned char *)s + *r0 - k, k, &cp);
		if (!address_cp(cp, true) && !smart_made(cp) && cp != '\'')
			break;
		*smart |= smart_made(cp) != NULL;
	}
	for (size_t k; *r1 < n; *r1 += k) { /* on over the domain */
		unsigned cp;
		k = utf8_at((const unsigned char *)s + *r1, n - *r1, &cp);
		if (!address_cp(cp, false) && cp != 0x2013 && cp != 0x2014)
			break;
		*smart |= cp == 0x2013 || cp == 0x2014;
	}
	for (size_t k; *r0 < at && (k = run_edge(s, n, *r0, false));)
		*r0 += k;
	for (size_t k; *r1 > at + 1 && (k = run_edge(s, *r1, *r1, true));)
		*r1 -= k;
	/* a dash in its last label is one between words: no top-level domain holds "--" but IDNA's
	 * "xn--" ("press@example.org--we reply" is no address "...org--we") */
	size_t dot = *r1;
	while (dot > at + 1 && s[dot - 1] != '.')
		dot--;
	bool ace = *r1 - dot > 4 && !strncasecmp(s + dot, "xn", 2) &&
	           (!memcmp(s + dot + 2, "--", 2) || !memcmp(s + dot + 2, "\u2013", 3));
	size_t cut = *r1;
	for (size_t i = dot; dot > at + 1 && !ace && cut == *r1 && i + 1 < *r1; i++)
		if (!memcmp(s + i, "--", 2) || (i + 2 < *r1 && (!memcmp(s + i, "\u2013", 3) || !memcmp(s + i, "\u2014", 3))))
			cut = i;
	if (cut < *r1) {
		*r1 = cut;
		for (size_t k; *r1 > at + 1 && (k = run_edge(s, *r1, *r1, true));)
			*r1 -= k;
	}
}

/* The address runs of a block's source (address_run), for the blocks one after the other. */
struct src_runs {
	cmark_node *block;
	struct strmap runs;
};

/* Whether the source of block (the paragraph, heading or cell that holds a text) holds the run
 * a[0, n) as a whole. */
static bool src_run(struct src_lines *sl, struct src_runs *sr, cmark_node *block, const char *a, size_t n)
{
	if (sr->block != block) {
		strmap_free(&sr->runs);
		sr->runs = (struct strmap)STRMAP_INIT_OWNED;
		sr->block = block;
		size_t to = 0, from = block ? block_source(sl, block, &to) : SIZE_MAX;
		const char *b = from != SIZE_MAX && to > from ? sl->text + from : NULL, *e = b ? sl->text + to : NULL;
		for (const char *p = b; p && p < e && (p = memchr(p, '@', (size_t)(e - p))); p++) {
			size_t r0, r1;
			bool smart;
			address_run(b, (size_t)(e - b), (size_t)(p - b), &r0, &r1, &smart);
			char *run = xstrndup(b + r0, r1 - r0);
			strmap_put(&sr->runs, run, NULL);
			free(run);
		}
	}
	char *k = xstrndup(a, n);
	bool has = strmap_get(&sr->runs, k) != NULL;
	free(k);
	return has;
}

/* Whether s[0, n) is a word French, Italian or Catalan elide before a vowel (l', d', qu', all'). */
static bool elided(const char *s, size_t n)
{
	static const char *const words[] = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu",
	                                    "quoiqu", "presqu", "all", "dall", "dell", "nell", "sull", "coll", "quell",
	                                    "quest", "un", "sant"};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == n && !strncasecmp(s, words[i], n))
			return true;
	return false;
}

/* Mends the first address smart punctuation rewrote in the text node t, or over the extension's link
 * after it (above); returns the text node to look at next (after the address mended), or NULL.
 * sl: the page's source. */
static cmark_node *smart_address(const struct md_opts *o, struct src_lines *sl, struct src_runs *sr, cmark_node *t)
{
	cmark_node *l = extension_mail(cmark_node_next(t)) ? cmark_node_next(t) : NULL, *c = NULL;
	if (l && cmark_node_next(l) && cmark_node_get_type(cmark_node_next(l)) == CMARK_NODE_TEXT)
		c = cmark_node_next(l);
	struct buf s = BUF_INIT;
	buf_adds(&s, cmark_node_get_literal(t));
	size_t a_end = s.len, b_end = s.len;
	if (l) {
		buf_adds(&s, cmark_node_get_literal(cmark_node_first_child(l)));
		b_end = s.len;
		if (c)
			buf_adds(&s, cmark_node_get_literal(c));
	}
	cmark_node *next = NULL, *block = cmark_node_parent(t);
	while (block && (cmark_node_get_type(block) & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK)
		block = cmark_node_parent(block);
	for (const char *p = s.p; (p = memchr(p, '@', s.len - (size_t)(p - s.p))); p++) {
		size_t at = (size_t)(p - s.p), r0, r1;
		bool own = at < a_end, smart; /* own: in t's text, not linked yet */
		if (!own && at >= b_end)
			break;
		address_run(s.p, s.len, at, &r0, &r1, &smart);
		if (!smart || r0 >= at)
			continue;
		struct buf w = BUF_INIT; /* as written */
		for (size_t i = r0, k; i < r1; i += k) {
			unsigned cp;
			k = utf8_at((const unsigned char *)s.p + i, r1 - i, &cp);
			if (smart_made(cp))
				buf_adds(&w, smart_made(cp));
			else
				buf_add(&w, s.p + i, k);
		}
		/* in French, Italian and Catalan, an elided article or preposition before the apostrophe is the
		 * sentence's ("l'info@example.fr", "d'olivier@", "all'info@example.it"): the address is after it,
		 * as the extension links it (helper-160: the mail went to "l'info@...") */
		const char *ap = memchr(w.p, '\'', w.len);
		if (ap && ap < (const char *)memchr(w.p, '@', w.len) && elided(w.p, (size_t)(ap - w.p)) &&
		    (lang_is(o->lang, "fr") || lang_is(o->lang, "it") || lang_is(o->lang, "ca"))) {
			buf_free(&w);
			continue;
		}
		/* in its paragraph's source as written, and not as shown (with both, which one this is is not
		 * known: cmark-gfm gives a text no place) */
		bool written = address_written(w.p, w.len) && src_run(sl, sr, block, w.p, w.len) &&
		               !src_run(sl, sr, block, s.p + r0, r1 - r0);
		/* written with its scheme: "mailto:" (the extension's own links show it), "xmpp:" and its
		 * resource ("xmpp:a--b@x.org/home") */
		size_t scheme = 0;
		if (r0 >= 7 && !strncasecmp(s.p + r0 - 7, "mailto:", 7))
			scheme = 7;
		else if (r0 >= 5 && !strncasecmp(s.p + r0 - 5, "xmpp:", 5))
			scheme = 5;
		if (scheme && r0 > scheme && isalnum((unsigned char)s.p[r0 - scheme - 1]))
			scheme = 0;
		size_t w1 = scheme == 5 ? xmpp_resource(s.p, s.len, r1) : r1;
		if (!written || (own ? w1 > a_end : r0 - scheme > a_end || r1 < b_end)) {
			buf_free(&w);
			continue;
		}
		/* "--" before the '@' may as well be a dash closed up to the word before the address ("write
		 * us--press@example.org"): said, with how to write either */
		const char *dd = memmem(w.p, (size_t)((const char *)memchr(w.p, '@', w.len) - w.p), "--", 2);
		size_t from = block ? src_offset(sl, cmark_node_get_start_line(block), 1) : SIZE_MAX;
		const char *in = dd && from != SIZE_MAX ? memmem(sl->text + from, sl->len - from, w.p, w.len) : NULL;
		if (in) {
			int fl, fc, ln, cn;
			src_place(sl, (size_t)(in - sl->text), &ln, &cn);
			diag_place(&o->at, ln, cn, &fl, &fc);
			diag_warn(o->src ? o->src : "content", fl, fc, "'%.*s' is linked as one address, its '%.*s' a part of it "
			          "as written; if that is a dash between words (smart punctuation makes one of it), put a space "
			          "before the address; if it is the address's, write its hyphens escaped ('\\-') and this is not said",
			          (int)w.len, w.p, (int)strspn(dd, "-"), dd);
		}
		/* t: the text before; the link: the address; a text after it (c, or one made) */
		struct buf url = BUF_INIT, text = BUF_INIT;
		buf_add(&text, s.p + r0 - scheme, scheme);
		buf_add(&text, w.p, w.len);
		buf_add(&text, s.p + r1, w1 - r1);
		buf_adds(&url, scheme ? "" : "mailto:");
		buf_add(&url, text.p, text.len);
		char *before = xstrndup(s.p, r0 - scheme), *after = own ? xstrndup(s.p + w1, a_end - w1) : xstrdup(s.p + w1);
		cmark_node_set_literal(t, before);
		if (own) {
			l = cmark_node_new(CMARK_NODE_LINK);
			cmark_node_append_child(l, cmark_node_new(CMARK_NODE_TEXT));
			cmark_node_insert_after(t, l);
			c = NULL;
		}
		cmark_node_set_url(l, url.p);
		cmark_node_set_literal(cmark_node_first_child(l), text.p);
		if (!c && (*after || own)) { /* (one after a link made, which the extension's link may follow) */
			c = cmark_node_new(CMARK_NODE_TEXT);
			cmark_node_insert_after(l, c);
		}
		if (c)
			cmark_node_set_literal(c, after);
		next = c;
		free(before);
		free(after);
		buf_free(&url);
		buf_free(&text);
		buf_free(&w);
		break;
	}
	buf_free(&s);
	return next;
}

/* The addresses of doc smart punctuation rewrote (above). */
static void smart_addresses(const struct md_opts *o, struct src_lines *sl, cmark_node *doc)
{
	struct vec texts = VEC_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	size_t in_link = 0; /* (a link's text holds no link) */
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it), *pv = cmark_node_previous(n);
		cmark_node_type t = cmark_node_get_type(n);
		in_link += (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) ? ev == CMARK_EVENT_ENTER ? 1 : -1 : 0;
		const char *lit = !in_link && t == CMARK_NODE_TEXT ? cmark_node_get_literal(n) : NULL;
		if (!lit || !(strstr(lit, "\u2013") || strstr(lit, "\u2014") || strstr(lit, "\u2019")))
			continue;
		/* the text before the extension's link this text follows ("info@mail.xn" "–foo.de"), made
		 * when the link has none */
		if (extension_mail(pv) && (!cmark_node_previous(pv) || cmark_node_get_type(cmark_node_previous(pv)) != CMARK_NODE_TEXT))
			cmark_node_insert_before(pv, cmark_node_new(CMARK_NODE_TEXT));
		if (extension_mail(pv))
			vec_push(&texts, cmark_node_previous(pv));
		vec_push(&texts, n); /* (and for the link after it) */
	}
	cmark_iter_free(it);
	struct src_runs sr = {NULL, STRMAP_INIT_OWNED};
	for (size_t i = 0; i < texts.n; i++)
		for (cmark_node *t = texts.v[i]; t;)
			t = smart_address(o, sl, &sr, t);
	strmap_free(&sr.runs);
	vec_free(&texts);
}

/* }======= */

/* Ids already given in this document, for GitHub's "-1", "-2" suffixes: a
 * map of the ids, and for each base id (under "\1base", a key no id can be)
 * the next suffix to try, so a page of a thousand identical headings stays
 * linear. */
struct idset {
	const char **ids;       /* in order given (borrowed from map) */
	size_t n, cap;
	struct strmap map;
};

static void idset_free(struct idset *s)
{
	strmap_free(&s->map);
	free(s->ids);
	memset(s, 0, sizeof *s);
}

/* Whether id is one of set's (may be NULL): an exact id, or a family's ("note-*"). */
static bool in_set(const struct md_reserved *set, const char *id)
{
	for (size_t i = 0; set && i < set->n; i++) {
		const char *e = set->ids[i];
		size_t el = strlen(e);
		if (el && e[el - 1] == '*' ? !strncmp(id, e, el - 1) && id[el - 1] && !strchr(id + el - 1, '-')
		                           : !strcmp(id, e))
			return true;
	}
	return false;
}

bool markdown_reserved_has(const struct md_reserved *set, const char *id)
{
	return in_set(set, id);
}

/* Whether id is one of r's (or cmark-gfm's footnote ids). */
static bool reserved_id(const struct md_reserved *r, const char *id)
{
	static char *footnotes[] = {"fn-*", "fnref-*"};
	static const struct md_reserved cmark = {footnotes, 2};
	/* and a data text's notes' ("t3-fn-1": job.h's job_ids), which a page's heading came to once */
	size_t dn = id[0] == 't' ? strspn(id + 1, "0123456789") : 0;
	if (dn && id[dn + 1] == '-' && reserved_id(NULL, id + dn + 2))
		return true;
	return in_set(&cmark, id) || in_set(r, id);
}

/* The theme's id that a heading of this text is named by (its GitHub slug: "## Main", "main") when
 * the heading passed over it to id ("main-1"), else NULL: a link written with that name leads to the
 * theme's element (helper-144). Only the theme's ids (r): a link to "#fn-1" may well mean the note.
 * Caller frees. */
static char *theirs_named(const struct md_reserved *r, const char *text, const char *id)
{
	struct buf slug = BUF_INIT;
	markdown_slug(&slug, text, strlen(text));
	if (slug.len && strcmp(slug.p, id) && in_set(r, slug.p))
		return buf_detach(&slug, NULL);
	buf_free(&slug);
	return NULL;
}

void markdown_warn_theirs(const char *src, int line, int col, const char *frag, const char *id)
{
	diag_warn(src, line, col, "this link leads to '#%s', the theme's own element, not to the heading of that "
	          "name, whose id is '%s' (the theme's is taken): link to #%s", frag, id, id);
}

/* Returns the id (borrowed from the set) GitHub would give a heading with
 * this text, passing over the ids of r. */
static const char *unique_id(struct idset *s, const char *text, const char *prefix, const struct md_reserved *r,
                             struct strmap *taken)
{
	struct buf base = BUF_INIT;
	if (prefix)
		buf_adds(&base, prefix);
	size_t pl = base.len;
	markdown_slug(&base, text, strlen(text));
	if (base.len == pl)
		buf_adds(&base, "section");
	/* A base's next suffix is kept under "\1base", a key no id can be. */
	char *ckey = xasprintf("\1%s", base.p);
	size_t k = *strmap_put(&s->map, ckey, NULL);
	char *id = NULL;
	bool added = false, alt = false;
	/* GitHub's "base-k"; when a pattern such as footnotes' "fn-*" takes every one
	 * of those (a second "## fn"), "base--k", which no "base-*" pattern matches. A
	 * theme's patterns could still take them all: after so many tries the id is
	 * given anyway (a clash beats a build that never ends; found by fuzzing). */
	for (size_t tries = 0; !added; k++, tries++) {
		free(id);
		id = !k ? xstrdup(base.p) : xasprintf(alt ? "%s--%zu" : "%s-%zu", base.p, k);
		if ((reserved_id(r, id + pl) || (pl && reserved_id(r, id)) || (taken && strmap_get(taken, id))) &&
		    tries < 100000) {
			if (k > 0 && !alt) {
				alt = true;
				k--; /* the same number in the other form */
			}
			continue;
		}
		strmap_put(&s->map, id, &added);
	}
	*strmap_put(&s->map, ckey, NULL) = k; /* looked up again: adding may have grown the map */
	const char *res = strmap_key(&s->map, id); /* the map's copy, owned by it */
	free(ckey);
	free(id);
	buf_free(&base);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->ids = xrealloc(s->ids, s->cap * sizeof *s->ids);
	}
	s->ids[s->n++] = res;
	return res;
}

/* Where the content of line l[0..n) starts: after blockquote markers and indentation. */
static size_t content_start(const char *l, size_t n)
{
	size_t i = 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '>'))
		i++;
	return i;
}

/* The last byte of l[0, n) that is no space or tab, or '\0'. */
static char last_nonspace(const char *l, size_t n)
{
	while (n && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	return n ? l[n - 1] : '\0';
}

/* A GFM table's delimiter row: only '|', '-', ':' and spaces, with a '-' and a '|'. Returns its columns, or 0. */
static size_t delimiter_columns(const char *l, size_t n)
{
	size_t pipes = 0, dashes = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strchr("|-: \t", l[i]) || !l[i])
			return 0;
		pipes += l[i] == '|';
		dashes += l[i] == '-';
	}
	if (!dashes || !pipes)
		return 0;
	return pipes + 1 - (l[0] == '|') - (last_nonspace(l, n) == '|');
}

/* Raw HTML openers whose end cmark-gfm looks for through the rest of the text:
 * "<?", "<![CDATA[" and declarations "<!" followed by a letter. */
static size_t count_openers(const char *l, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		const char *lt = memchr(l + i, '<', n - 1 - i); /* a '<' with a byte after it */
		if (!lt)
			break;
		i = (size_t)(lt - l);
		if (l[i + 1] == '?' || (l[i + 1] == '!' && i + 2 < n && (isalpha((unsigned char)l[i + 2]) || l[i + 2] == '[')))
			k++;
	}
	return k;
}

/* What a paragraph's inline syntax costs cmark-gfm, counted line by line (scan_inline) where its
 * time grows with the square of the input:
 *   - quotes closed: each closing quote walks back through every delimiter to the nearest opening
 *     quote of its kind (quote_work);
 *   - links and images closed: each "]" that closes a "[" walks back through every emphasis or quote
 *     delimiter before it in the paragraph (process_emphasis() in 0.29.0.gfm.6 misses its stack
 *     bottom when nothing stands between: 20,000 "*a " then 20,000 links took 2 s), and a link closed
 *     through every image opener ("![") still open beneath it (handle_close_bracket(): 20,000
 *     "![[]()" took 5 s, 150,000 over 5 minutes). work adds those steps over the whole text, at most:
 *     every run of '*', '_' or '~' not between spaces, every quote, every "]" on an open "[".
 * Not counted, as cmark-gfm never sees them as syntax: code spans closed on their line (before any
 * run of '`' of the paragraph left open), URI autolinks (<https://x.org/?q="a">), escaped characters.
 * Raw HTML and a link's destination are counted: cmark-gfm reads their marks as marks where the tag
 * or the link is not one ("<a *a ...", "](*a ..." of no link: helper-78). */
struct inline_cost {
	size_t quote_may[2];     /* the first '\'' ([0]) or '"' ([1]) of the paragraph that may open, as
	                          * its number among the delimiters (delims), or SIZE_MAX ... */
	size_t quote_sure[2];    /* ... and the last that surely opens */
	unsigned long long quote_work; /* the whole text's steps back at quote closers (scan_inline) */
	size_t emph[2], emph_at_sure[2]; /* '*' and '_' runs that may open, less those that surely closed;
	                                  * their number when quote_sure was set (quote_anchor_run) */
	size_t delims;           /* delimiter runs in the paragraph */
	char *open;              /* its '[' not yet closed: 'i' an image's, 'l' a link's */
	bool ticks_open;         /* a run of '`' that no run on its line closes: cmark-gfm may close it on
	                          * a later line, so no later code span of the paragraph is passed over */
	size_t nopen, cap, images;
	unsigned long long work; /* the whole text's */
	/* The strikethrough extension's '~' runs of 1 or 2 that may open, as cmark-gfm's delimiter
	 * stack holds them (tilde_step), the runs after each, and those below the first ('~' closers
	 * of each length modulo 3 look down to a bottom of their own). */
	struct tilde {
		unsigned char len;
		bool sure;      /* it opens: left-flanking whatever its neighbours are to cmark-gfm */
		bool may_close; /* it may be right-flanking too */
		size_t gap;     /* delimiter runs after it, up to the next one */
		size_t below;   /* runs on the stack below it, from the lowest tilde (above, then) */
		size_t at;      /* its number among the delimiters (delims) */
		size_t near[2]; /* the nearest tilde at or below it that surely opens (a letter or digit
		                 * after it), of length 1 and 2, or SIZE_MAX */
	} *tildes;
	size_t ntildes, tcap, tilde_base[3];
	size_t above; /* runs on the stack from the lowest tilde up */
	/* In the paragraph since a '<', '`', '[' or ']': a '~' may be in raw HTML, a code span, an
	 * autolink, a link's destination or its text (whose delimiters go when it closes), and so no
	 * delimiter, or one cmark-gfm takes away: none is sure to open or close (helper-88). */
	bool murky;
	size_t wpos;  /* the line read so far for web addresses (wurl: the word holds one) */
	bool wurl;
	/* Tildes from unstable[0] up to unstable[1] may be gone: a '*' or '_' pair around them; star_low:
	 * the tildes on the stack below the lowest '*' or '_' run that may open, or SIZE_MAX. */
	size_t unstable[2], star_low;
	unsigned long long strike; /* the whole text's steps back at '~' runs that may close */
	/* Closers that walk past a lost bottom (bottom_run): process_emphasis() keeps, for each kind
	 * of closer, the delimiter where its last vain look down began as the bottom of the next; a
	 * pair frees the delimiters it takes away, that one too, and a later closer that finds no
	 * opener then looks down through the whole stack ("1(×" then 120,000 " '~*" took 38 s with
	 * '*' closers that never open: helper-95).
	 *   stay: the runs (their numbers) that may still be on the stack (runs that may open, quotes
	 *     that may have closed a pair: a vain closer that cannot open is taken off at once), less
	 *     what pairs surely made took away;
	 *   bottom: for each kind (BOTTOM_*), the delimiter (its number, delims) at or above its bottom
	 *     since the last closer that may have found nothing, 0 for none;
	 *   freed: the kinds whose bottom a pair may have taken (its opener at or below it);
	 *   opened: a '*', '_' or '~' run that may open was seen (no pair without one);
	 *   sure: the '*' and '_' runs that surely open (their length left and first, their number,
	 *     whether they close too), the nearest on top, while nothing may stand above them that a
	 *     closer would find first or take them away; whole: and nothing below them either. */
	size_t *stay, nstay, staycap, bottom[5];
	unsigned freed;
	bool opened[3];
	struct open_runs {
		struct open_run {
			size_t len, len0, at;
			bool both;
		} *run;
		size_t n, cap;
		size_t floor[3][2]; /* for closers of each length modulo 3 that may open or not, the runs
		                     * below here are all passed over by the multiple-of-3 rule */
		bool whole;
	} sure[2];
	unsigned long long bottom_work;
};

/* The kinds of closer whose look down stops at a bottom of their own (freed above). */
enum { BOTTOM_STAR = 1, BOTTOM_UNDERSCORE = 2, BOTTOM_TILDE = 4, BOTTOM_SINGLE = 8, BOTTOM_DOUBLE = 16 };

/* A space or tab: other bytes ('\v', NBSP) may be none to cmark-gfm, so more is counted. */
static bool blank_byte(char b)
{
	return b == ' ' || b == '\t';
}

/* A paragraph ends (a blank line, a new block, a table row: each cell is parsed on its own). */
static void paragraph_ends(struct inline_cost *c)
{
	c->delims = c->nopen = c->images = 0;
	c->quote_may[0] = c->quote_may[1] = c->quote_sure[0] = c->quote_sure[1] = SIZE_MAX;
	c->emph[0] = c->emph[1] = 0;
	c->ticks_open = false;
	c->ntildes = c->above = c->unstable[0] = c->unstable[1] = 0;
	c->star_low = SIZE_MAX;
	c->murky = false;
	c->tilde_base[0] = c->tilde_base[1] = c->tilde_base[2] = 0;
	c->nstay = c->sure[0].n = c->sure[1].n = 0;
	memset(c->sure[0].floor, 0, sizeof c->sure[0].floor);
	memset(c->sure[1].floor, 0, sizeof c->sure[1].floor);
	c->sure[0].whole = c->sure[1].whole = true;
	memset(c->bottom, 0, sizeof c->bottom);
	c->freed = 0;
	c->opened[0] = c->opened[1] = c->opened[2] = false;
}

/* One more delimiter run on the stack above the tildes. */
static void tilde_gap(struct inline_cost *c)
{
	if (c->ntildes)
		c->tildes[c->ntildes - 1].gap++, c->above++;
	else
		c->tilde_base[0]++, c->tilde_base[1]++, c->tilde_base[2]++;
}

/* What the character next to a delimiter run is to CommonMark's flanking rules (0.29, 6.2), read
 * before l[i] (before) or at it: 'w' white space (a space, a tab, a line's end), 'p' punctuation,
 * 'a' anything else (a letter, a digit, a symbol, an emoji); 'u' unknown: an ASCII control or an
 * invalid sequence. Beyond ASCII it asks libcmark-gfm's own tests (utf8.h), the very ones its
 * scan_delims() reads a run's neighbours with: ICU's classes differ from them (a symbol or an emoji
 * is neither space nor punctuation to cmark-gfm), and each character they could not place was
 * counted both ways ("~~😀👍🏽~~ " 5,000 times was refused: helper-94). */
static char flank_class(const char *l, size_t n, size_t i, bool before)
{
	if (before ? i == 0 : i >= n)
		return 'w';
	unsigned char b = (unsigned char)(before ? l[i - 1] : l[i]);
	if (b == ' ' || b == '\t')
		return 'w';
	if (b < 0x80)
		return b < 0x20 || b == 0x7f ? 'u' : ispunct(b) ? 'p' : 'a';
	UChar32 ch;
	int32_t k = (int32_t)i;
	if (before)
		U8_PREV((const uint8_t *)l, 0, k, ch);
	else
		U8_NEXT((const uint8_t *)l, k, (int32_t)n, ch);
	if (ch < 0)
		return 'u';
	return cmark_utf8proc_is_space(ch) ? 'w' : cmark_utf8proc_is_punctuation(ch) ? 'p' : 'a';
}

/* Whether a run between characters of classes prev and next (flank_class) is left-flanking (left)
 * or right-flanking: *may under some reading of an unknown character, *sure under every one. */
static void flanking(char prev, char next, bool left, bool *may, bool *sure)
{
	static const char every[] = "wpa";
	const char pv[2] = {prev, 0}, nv[2] = {next, 0};
	*may = false, *sure = true;
	for (const char *p = prev == 'u' ? every : pv; *p; p++)
		for (const char *q = next == 'u' ? every : nv; *q; q++) {
			bool v = left ? *q != 'w' && (*q != 'p' || *p == 'w' || *p == 'p')
			              : *p != 'w' && (*p != 'p' || *q == 'w' || *q == 'p');
			*may = *may || v;
			*sure = *sure && v;
		}
}

/* A run of ch between characters of classes prev and next, for the quote that surely opens
 * (quote_sure): a pair it closes takes away what lies between, that quote too when the pair's
 * opener is below it. A '*' or '_' run that may only close pairs with the nearest opener of its
 * character, which stands above the quote while more of them may open since it (emph[], counted
 * up at runs that may only open, down at those that may close); any other run that may close (one
 * that may open too, the multiple-of-3 rule may skip openers; a '~') may reach below it
 * (helper-98: "*'b*"; helper-99: "l'*été*" each line was taken for the quote gone). */
static void quote_anchor_run(struct inline_cost *c, int ch, char prev, char next)
{
	bool may_open, sure_open, may_close, sure_close;
	flanking(prev, next, true, &may_open, &sure_open);
	flanking(prev, next, false, &may_close, &sure_close);
	int k = ch == '*' ? 0 : ch == '_' ? 1 : -1;
	if (may_close && (k < 0 || may_open || c->emph[k] <= c->emph_at_sure[k]))
		c->quote_sure[0] = c->quote_sure[1] = SIZE_MAX;
	if (k >= 0 && may_open && !may_close)
		c->emph[k]++;
	else if (k >= 0 && may_close && c->emph[k] > 0) /* may have taken one: counted as taken */
		c->emph[k]--;
}

/* Delimiter number d may stay on the stack. */
static void stay_push(struct inline_cost *c, size_t d)
{
	if (c->nstay == c->staycap) {
		c->staycap = c->staycap ? 2 * c->staycap : 64;
		c->stay = xrealloc(c->stay, c->staycap * sizeof *c->stay);
	}
	c->stay[c->nstay++] = d;
}

/* A pair surely made with the opener at delimiter number at takes away what lies between, the
 * opener too when its marks are used up (gone). */
static void stay_pair(struct inline_cost *c, size_t at, bool gone)
{
	while (c->nstay && c->stay[c->nstay - 1] > at)
		c->nstay--;
	if (gone && c->nstay && c->stay[c->nstay - 1] == at)
		c->nstay--;
}

/* The runs known to open from n up are gone. */
static void sure_cut(struct open_runs *s, size_t n)
{
	s->n = n;
	for (int m = 0; m < 3; m++)
		for (int o = 0; o < 2; o++)
			s->floor[m][o] = s->floor[m][o] < n ? s->floor[m][o] : n;
}

/* A pair whose opener is delimiter number at (0: it may be any) takes away what lies between:
 * the bottoms at or above it may go, and the '*' and '_' runs known to open above it. */
static void bottom_pair(struct inline_cost *c, size_t at)
{
	for (unsigned k = 0; k < 5; k++)
		if (c->bottom[k] && c->bottom[k] >= at)
			c->freed |= 1u << k;
	for (int k = 0; k < 2; k++) {
		struct open_runs *s = &c->sure[k];
		size_t n = s->n;
		while (n && s->run[n - 1].at > at)
			n--;
		sure_cut(s, n);
		s->whole = s->whole && at;
	}
}

/* A closer of kind (BOTTOM_*) that may find no opener, delimiter number d: past a bottom a pair
 * may have taken, it looks down through the whole stack; its bottom is then the one below it. */
static void bottom_vain(struct inline_cost *c, unsigned kind, size_t d)
{
	if (c->freed & kind)
		c->bottom_work += c->nstay;
	c->freed &= ~kind;
	c->bottom[__builtin_ctz(kind)] = d - 1;
}

/* A '*' or '_' run (k 0 or 1) of len between characters of classes prev and next, delimiter
 * number d, for the closers that walk past a lost bottom (the struct's stay, bottom, freed,
 * opened, sure). A run that surely closes pairs with the nearest opener the multiple-of-3 rule lets
 * it (CommonMark 6.2, rule 9: when either may open and close, their lengths' sum is no multiple of
 * 3 unless both are), down the stack while it has marks; one that may close pairs with any, when
 * a run of its character may have opened before it. A closer may find no opener where the runs
 * known to open are used up or passed over. */
static void bottom_run(struct inline_cost *c, int k, size_t len, char prev, char next, size_t d)
{
	bool may_open, sure_open, may_close, sure_close;
	flanking(prev, next, true, &may_open, &sure_open);
	flanking(prev, next, false, &may_close, &sure_close);
	struct open_runs *s = &c->sure[k];
	size_t left = len; /* its marks not yet paired */
	bool known = sure_close && (sure_open || !may_open); /* whether it closes, and what it opens */
	if (may_close) {
		size_t at = 0;
		bool vain;
		while (known && left) {
			/* the nearest the rule lets it pair with, those above taken away; a look that passes them
			 * all is not taken again (as cmark-gfm keeps a bottom for each such closer) */
			size_t *floor = &s->floor[len % 3][may_open], j = s->n;
			while (j > *floor && (may_open || s->run[j - 1].both) && len % 3 && (s->run[j - 1].len0 + len) % 3 == 0)
				j--;
			if (j == *floor) {
				*floor = s->n;
				break;
			}
			sure_cut(s, j);
			struct open_run *o = &s->run[j - 1];
			size_t m = left < o->len ? left : o->len;
			left -= m, o->len -= m, at = o->at;
			stay_pair(c, at, !o->len);
			sure_cut(s, s->n - !o->len);
		}
		vain = known ? left > 0 : !s->n;
		if (!known) { /* it may have taken the nearest: counted as taken, and staying */
			sure_cut(s, s->n - (s->n > 0));
			s->whole = false;
		}
		if (vain)
			bottom_vain(c, k ? BOTTOM_UNDERSCORE : BOTTOM_STAR, d);
		if (at) /* the pairs it surely made */
			bottom_pair(c, at);
		if (c->opened[k] && (!known || (vain && !s->whole))) /* and one it may make with an unknown opener */
			bottom_pair(c, 0);
	}
	if (!may_open || !left)
		return;
	stay_push(c, d);
	c->opened[k] = true;
	/* an opener now, known when it surely opens and, if it may close, surely found no more */
	if (!sure_open || (may_close && !(known && s->whole))) {
		sure_cut(s, 0), s->whole = false;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->run = xrealloc(s->run, s->cap * sizeof *s->run);
	}
	s->run[s->n++] = (struct open_run){left, len, d, may_close};
}

static void tilde_push(struct inline_cost *c, size_t len, bool sure_open, bool may_close, size_t d);

/* The tildes from from up to the top may be gone (one range holds every such stretch, taken wide). */
static void tilde_unsettle(struct inline_cost *c, size_t from)
{
	c->unstable[0] = c->unstable[1] > c->unstable[0] && c->unstable[0] < from ? c->unstable[0] : from;
	c->unstable[1] = c->ntildes > c->unstable[1] ? c->ntildes : c->unstable[1];
}

/* Whether tilde j is surely still on cmark-gfm's stack as far as pairs of '*' and '_' and earlier
 * '~' go. */
static bool tilde_stable(const struct inline_cost *c, size_t j)
{
	return j < c->unstable[0] || j >= c->unstable[1];
}

/* A '~' run of len 1 or 2 between characters of classes prev and next (flank_class): the steps cmark-gfm takes back from it
 * if it may close (inlines.c, process_emphasis). It walks back through every delimiter run to an
 * opener: for '~' no bound is kept while openers are found, and an opener of another length is
 * found and left, the closer with it ("~~a " then 60,000 "a~ " took 68 s: helper-84). Counted down
 * to the nearest '~' that surely opens with the same length and that no '*' or '_' pair may have
 * taken away (one whose opener may lie below it and whose closer above), else to the bottom; a pair is taken off only where cmark-gfm surely matches it, and
 * a bottom raised only where it surely found no opener: so it counts more, never less. */
static void tilde_step(struct inline_cost *c, size_t len, char prev, char next, bool unsure, size_t d)
{
	bool may_close, sure_close, may_open, sure_open;
	flanking(prev, next, false, &may_close, &sure_close);
	flanking(prev, next, true, &may_open, &sure_open);
	sure_close = sure_close && !unsure, sure_open = sure_open && !unsure;
	size_t from = SIZE_MAX; /* the tildes from here up may be gone: a pair cmark-gfm may have made that
	                         * the count did not take off (helper-87) */
	if (may_close) {
		const struct tilde *top = c->ntildes ? &c->tildes[c->ntildes - 1] : NULL;
		size_t k = top ? top->near[len - 1] : SIZE_MAX;
		bool stop = k != SIZE_MAX && tilde_stable(c, k);
		c->strike += stop ? c->above - c->tildes[k].below : c->above + c->tilde_base[len % 3];
		if (!stop) /* it may find none, and look down past a bottom a pair took */
			bottom_vain(c, BOTTOM_TILDE, d);
		if (stop && k == c->ntildes - 1 && sure_close) { /* the nearest: a pair, and what lies between goes */
			bottom_pair(c, c->tildes[k].at);
			stay_pair(c, c->tildes[k].at, true);
			c->above = top->below;
			c->ntildes--;
			if (c->star_low != SIZE_MAX && c->star_low > c->ntildes)
				c->star_low = SIZE_MAX; /* the '*' and '_' between went with the pair */
			return;
		}
		if (!c->ntildes && sure_close) /* none found: the next look down stops here */
			c->tilde_base[len % 3] = 0;
		/* Which tilde it may pair with, looking down as cmark-gfm does: one of its length (the one it
		 * stops at, or one that may open or may be gone), past those of the other length that a
		 * pair of lengths 1 and 2 may skip ("~a ~~b a~b": the multiple-of-3 rule); one of the other
		 * length that surely stops the look ends it, and nothing pairs. A look as long as the count. */
		for (size_t j = c->ntildes; j-- > 0 && c->strike <= MD_MAX_STRIKE_WORK;) {
			const struct tilde *t = &c->tildes[j];
			bool stays = t->sure && tilde_stable(c, j);
			if (t->len == len) {
				from = j;
				if (stays)
					break;
			} else if (stays && !may_open && !t->may_close) {
				break;
			}
		}
	}
	if (may_close && c->opened[2]) /* a pair may take away what lies between, a bottom with it */
		bottom_pair(c, 0);
	if (!may_open)
		tilde_gap(c);
	else
		tilde_push(c, len, sure_open, may_close, d);
	if (from != SIZE_MAX)
		tilde_unsettle(c, from);
}

/* The '~' run l[i, r) of a line of n bytes (unsure: it may be no delimiter at all). The
 * strikethrough extension reads at most 100 '~' at a time: what is left of a longer run, 1 or 2,
 * is a run of its own after a '~' (helper-87); other runs are text. */
static void tilde_run(struct inline_cost *c, const char *l, size_t n, size_t i, size_t r, bool unsure, size_t d)
{
	size_t run = r - i, tail = run <= 2 ? run : run > 100 && run % 100 <= 2 ? run % 100 : 0;
	if (tail)
		tilde_step(c, tail, run <= 2 ? flank_class(l, n, i, true) : 'p', flank_class(l, n, r, false), unsure, d);
	else
		tilde_gap(c);
}

/* A tilde that may open, on the stack. */
static void tilde_push(struct inline_cost *c, size_t len, bool sure_open, bool may_close, size_t d)
{
	if (c->ntildes == c->tcap) {
		c->tcap = c->tcap ? 2 * c->tcap : 16;
		c->tildes = xrealloc(c->tildes, c->tcap * sizeof *c->tildes);
	}
	size_t j = c->ntildes++;
	struct tilde *t = &c->tildes[j];
	stay_push(c, d);
	c->opened[2] = true;
	*t = (struct tilde){(unsigned char)len, sure_open, may_close, 0, c->above, d, {SIZE_MAX, SIZE_MAX}};
	for (size_t m = 0; m < 2; m++)
		t->near[m] = sure_open && len == m + 1 ? j : j ? c->tildes[j - 1].near[m] : SIZE_MAX;
	c->above++;
}

/* The length of a URI autolink at l[0, n) ("<scheme:...>", CommonMark 6.5), or 0. */
static size_t autolink_len(const char *l, size_t n)
{
	size_t i = 1;
	if (n < 4 || !isalpha((unsigned char)l[1]))
		return 0;
	while (i < n && i <= 32 && (isalnum((unsigned char)l[i]) || strchr("+.-", l[i])) && l[i])
		i++;
	if (i < 3 || i >= n || l[i] != ':')
		return 0;
	for (i++; i < n; i++) {
		if (l[i] == '>')
			return i + 1;
		if ((unsigned char)l[i] <= ' ' || l[i] == '<')
			return 0;
	}
	return 0;
}

/* The '~' runs of l[from, to), a code span or autolink the scan passes over: cmark-gfm may read
 * them as delimiters all the same (a backtick a later one closes, a '|' that ends a table cell, the
 * autolink extension taking in a backtick: helper-88), so they are counted, none sure. */
static void tildes_within(struct inline_cost *c, const char *l, size_t n, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (l[i] != '~')
			continue;
		size_t r = i;
		while (r < to && l[r] == '~')
			r++;
		tilde_run(c, l, n, i, r, true, c->delims + 1); /* numbered above the last counted */
		i = r - 1;
	}
}

/* Whether l[i] is in a word (up to a space or tab) that holds a web address before it: the
 * autolink extension makes it a link's text, where no '~' is a delimiter. Reads the line once. */
static bool in_web_word(struct inline_cost *c, const char *l, size_t n, size_t i)
{
	for (; c->wpos < i; c->wpos++) {
		const char *p = l + c->wpos;
		if (blank_byte(*p))
			c->wurl = false;
		else if ((*p == 'w' && n - c->wpos >= 4 && !memcmp(p, "www.", 4)) ||
		         (*p == ':' && n - c->wpos >= 3 && !memcmp(p, "://", 3)))
			c->wurl = true;
	}
	return c->wurl;
}

/* Reads line l[0, n) from its content at l[from] (after its quote markers and indentation). The
 * prefix is read as the bytes before the content: a '>' there may be text, not a block quote's
 * marker (4 spaces or a tab before it make a paragraph's lazy line: helper-89), and then a mark
 * after it has punctuation before it, as cmark-gfm reads it. */
static void scan_inline(struct inline_cost *c, const char *l, size_t n, size_t from)
{
	c->wpos = 0, c->wurl = false;
	/* the bytes the loop acts on; the rest are passed over by the inner loop (which halved the
	 * check's time: it reads every page's text before each of its parses) */
	static const bool acted[256] = {['\\'] = true, ['`'] = true, ['<'] = true, ['['] = true, [']'] = true,
	                                ['"'] = true, ['\''] = true, ['*'] = true, ['_'] = true, ['~'] = true};
	/* Searches that found nothing find nothing again later on the line: known, so that a line of
	 * 600,000 "a<b " is read once, not once per '<' (helper-73: 35 s) */
	bool no_ticks[65] = {false}; /* no closing run of that length */
	int pipe = -1;               /* whether the line holds a '|', once asked (asked once a code span, a line
	                              * of a million code spans was quadratic: helper-166) */
	size_t esc = (size_t)-1;     /* the byte a backslash escaped last */
	for (size_t i = from; i < n; i++) {
		while (i < n && !acted[(unsigned char)l[i]])
			i++;
		if (i >= n)
			break;
		unsigned char ch = (unsigned char)l[i];
		if (ch == '\\') {
			esc = ++i;
			continue;
		}
		if (ch == '`') { /* a code span: to the next run of as many backticks on the line */
			size_t r = i;
			while (r < n && l[r] == '`')
				r++;
			size_t run = r - i, j = r;
			/* a run longer than 64 is taken as no code span: more counted, never fewer spans
			 * searched than 64 a line */
			bool none = run > 64 || no_ticks[run] || c->ticks_open;
			while (!none && j < n) {
				size_t e = j;
				while (e < n && l[e] == '`')
					e++;
				if (e - j == run)
					break;
				j = e > j ? e : j + 1;
			}
			/* a code span closed on its line is one to cmark-gfm too, what follows it no code, unless a
			 * '|' may end a table's cell in it or the autolink extension may take a backtick into a web
			 * address (helper-88); else a '~' after it was never sure, and 1,600 lines of "`code()` and
			 * ~~old~~" in a paragraph were refused (helper-103) */
			if (pipe < 0)
				pipe = memchr(l, '|', n) != NULL;
			if (none || j >= n || pipe || in_web_word(c, l, n, i) || in_web_word(c, l, n, j))
				c->murky = true;
			if (none || j >= n) {
				if (run <= 64)
					no_ticks[run] = true;
				c->ticks_open = true;
				i = r - 1;
			} else {
				tildes_within(c, l, n, r, j);
				i = j + run - 1;
			}
			continue;
		}
		if (ch == '[' || ch == ']' || ch == '<')
			c->murky = true;
		if (ch == '[') {
			if (c->nopen == c->cap) {
				c->cap = c->cap ? 2 * c->cap : 64;
				c->open = xrealloc(c->open, c->cap);
			}
			bool image = i > 0 && l[i - 1] == '!' && esc != i - 1;
			c->open[c->nopen++] = image ? 'i' : 'l';
			c->images += image;
			continue;
		}
		if (ch == ']')
			c->quote_sure[0] = c->quote_sure[1] = SIZE_MAX; /* a link's text goes, its quotes with it */
		if (ch == ']' && c->nopen) {
			bottom_pair(c, 0); /* and the marks known to open in it */
			bool image = c->open[--c->nopen] == 'i';
			c->images -= image;
			c->work += c->delims + (image ? 0 : c->images);
		}
		/* An autolink is passed over: cmark-gfm reads nothing in it. Raw HTML and a link's
		 * destination are not: whether cmark-gfm takes them so depends on more than one line ("<a *a",
		 * "](" of no link read their text as text: helper-78). Nor is a code span after either in the
		 * paragraph: a '`' in a tag's attribute, a link's destination or title opens none, and what
		 * lay up to the next '`' was passed over where cmark-gfm parses it ('<a title="`">' then
		 * 60,000 "*a " and links: 21 s, helper-80). */
		size_t al = ch == '<' ? autolink_len(l + i, n - i) : 0;
		if (al) {
			tildes_within(c, l, n, i, i + al);
			i += al - 1;
			continue;
		}
		if (ch == '<' || (ch == ']' && i + 1 < n && l[i + 1] == '('))
			c->ticks_open = true;
		if (ch == '*' || ch == '_' || ch == '~') { /* a run: a delimiter unless spaces stand on both sides */
			size_t r = i;
			while (r < n && l[r] == (char)ch)
				r++;
			/* '_' inside a word (snake_case, "_中_文") can neither open nor close (CommonMark 6.2):
			 * both its neighbours are neither space nor punctuation */
			bool in_word = ch == '_' && flank_class(l, n, i, true) == 'a' && flank_class(l, n, r, false) == 'a';
			bool delim = !in_word && !((i == 0 || blank_byte(l[i - 1])) && (r == n || blank_byte(l[r])));
			c->delims += delim;
			if (delim)
				quote_anchor_run(c, ch, flank_class(l, n, i, true), flank_class(l, n, r, false));
			if (delim && ch != '~')
				bottom_run(c, ch == '_', r - i, flank_class(l, n, i, true), flank_class(l, n, r, false), c->delims);
			if (delim && ch == '~')
				tilde_run(c, l, n, i, r, c->murky || in_web_word(c, l, n, i), c->delims);
			else if (delim)
				tilde_gap(c);
			if (delim && ch != '~') { /* a pair of these may take away the tildes between */
				if (r < n && !blank_byte(l[r]) && c->star_low == SIZE_MAX)
					c->star_low = c->ntildes;
				if (i > 0 && !blank_byte(l[i - 1]) && c->star_low != SIZE_MAX)
					tilde_unsettle(c, c->star_low);
			}
			i = r - 1;
			continue;
		}
		if (ch != '"' && ch != '\'')
			continue;
		c->delims++;
		tilde_gap(c);
		/* A closer that finds an opener leaves it on the stack, and itself (process_emphasis in
		 * 0.29.0.gfm.6): each later closer of its kind walks back through every delimiter to the
		 * nearest opener, so one opener then many closers, apostrophes in words and quotes beside a
		 * space included, cost the square of their number ("'" then 40,000 "é'é " took 24 s:
		 * helper-95). Counted as the delimiters between a closer and the nearest quote of its kind
		 * that surely opens and stays (none since a run that may close a pair, or a ']'), else the
		 * first that may (quote_work). A closer that finds no opener
		 * raises the bottom of later searches: with none that may open, a closer costs nothing
		 * ("don't", 'x".': 100,000 take 0.07 s). */
		char pc = flank_class(l, n, i, true), nc = flank_class(l, n, i + 1, false);
		bool may_left, sure_left, may_right, sure_right;
		flanking(pc, nc, true, &may_left, &sure_left);
		flanking(pc, nc, false, &may_right, &sure_right);
		size_t k = ch == '"', d = c->delims, far = c->quote_sure[k] != SIZE_MAX ? c->quote_sure[k] : c->quote_may[k];
		if (may_right && far != SIZE_MAX)
			c->quote_work += d - far;
		if (may_right && c->quote_sure[k] == SIZE_MAX) /* it may find none */
			bottom_vain(c, k ? BOTTOM_DOUBLE : BOTTOM_SINGLE, d);
		if ((may_left && !sure_right) || (may_right && far != SIZE_MAX)) /* it stays on the stack */
			stay_push(c, d);
		if (may_left && !sure_right && c->quote_may[k] == SIZE_MAX)
			c->quote_may[k] = d;
		/* a sure opener, but none after ')' or ']' (cmark-gfm opens none there) nor in what may be a
		 * link's text: a later pair or link may take it away, and closers walk on (helper-98) */
		if (sure_left && !may_right && !(i > 0 && (l[i - 1] == ')' || l[i - 1] == ']')) && !c->nopen) {
			c->quote_sure[k] = d;
			c->emph_at_sure[0] = c->emph[0], c->emph_at_sure[1] = c->emph[1];
		}
	}
}

/* The count follows cmark-gfm's blocks only where it can be sure of them: where it is not, it
 * counts more (a paragraph runs on, a fence is read as text), never less. A line whose containers
 * it cannot tell apart could be a paragraph's lazy continuation, a list item's line or a fence's
 * closer; taking such a line for the start of a block, a table's row or a fence skipped a whole
 * paragraph's cost: 1 MB behind an indented "```" took 109 s, a paragraph after a table that a
 * heading ended over 120 s (helper-77). */

/* Whether a line's prefix (its quote markers and indentation, l[0, cs)) is one whose containers
 * are sure: spaces only, at most 3 before each '>' and after the last one's optional space. Its
 * content then starts a block wherever the line belongs (an indentation of 3 or less is one in
 * every container, or in the one around it that the line does not continue). */
static bool sure_prefix(const char *l, size_t cs)
{
	size_t run = 0;
	for (size_t i = 0; i < cs; i++) {
		if (l[i] == '\t')
			return false;
		if (l[i] == ' ') {
			run++;
			continue;
		}
		if (run > 3) /* a '>' */
			return false;
		run = 0;
		if (i + 1 < cs && l[i + 1] == ' ')
			i++;
	}
	return run <= 3;
}

/* The length of the run of ch at c[0, n) (0 unless it starts there). */
static size_t run_of(const char *c, size_t n, char ch)
{
	size_t r = 0;
	while (r < n && c[r] == ch)
		r++;
	return r;
}

/* Whether c[0, n) is a fence line: 3 or more '`' (and no '`' after them) or '~'. */
static bool fence_line(const char *c, size_t n)
{
	if (n < 3 || (c[0] != '`' && c[0] != '~'))
		return false;
	size_t r = run_of(c, n, c[0]);
	return r >= 3 && !(c[0] == '`' && memchr(c + r, '`', n - r));
}

/* Whether c[0, n) (blank after it) is a run of marks, each ch or space: a thematic break
 * ('*', '-', '_', 3 or more), or a setext heading's underline ('=' or '-', no space between). */
static bool marks_line(const char *c, size_t n)
{
	if (!n || !c[0] || !strchr("*-_=", c[0]))
		return false;
	size_t k = 0, r = run_of(c, n, c[0]);
	for (size_t i = 0; i < n; i++) {
		if (c[i] != c[0] && c[i] != ' ' && c[i] != '\t')
			return false;
		k += c[i] == c[0];
	}
	return (c[0] != '=' && k >= 3) || ((c[0] == '=' || c[0] == '-') && k == r);
}

/* Whether c[0, n) is a thematic break: 3 or more '*', '-' or '_', spaces and tabs between. */
static bool thematic_break(const char *c, size_t n)
{
	if (!marks_line(c, n) || c[0] == '=')
		return false;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += c[i] == c[0];
	return k >= 3;
}

/* Whether c[0, n), in the first column, surely ends every list item before it: a heading, a
 * thematic break or a fence, none of which can be a paragraph's lazy continuation. */
static bool ends_lists(const char *c, size_t n)
{
	size_t h = run_of(c, n, '#');
	return (h >= 1 && h <= 6 && (h == n || c[h] == ' ' || c[h] == '\t')) || fence_line(c, n) ||
	       thematic_break(c, n);
}

/* Whether c[0, n) is, after a sure prefix, the start of a block that ends the paragraph before it
 * (CommonMark 0.29, 4.1-4.5, 5.2: an ATX heading, a thematic break, a fence, a bullet item or an
 * ordered one from 1, either with text; other numbers and empty items cannot interrupt a paragraph,
 * and a setext underline under a lazy line continues it, "- a\n===": not counted as ends). */
static bool ends_paragraph(const char *c, size_t n)
{
	if (ends_lists(c, n)) /* (not a setext underline: it may be a lazy line) */
		return true;
	size_t m = 0;
	if (n && c[0] && strchr("-+*", c[0]))
		m = 1;
	else if (run_of(c, n, '0') < 9 && run_of(c, n, '0') < n && c[run_of(c, n, '0')] == '1') {
		m = run_of(c, n, '0') + 1; /* a number whose value is 1 */
		m = m < n && (c[m] == '.' || c[m] == ')') ? m + 1 : 0;
	}
	if (!m || m >= n || (c[m] != ' ' && c[m] != '\t'))
		return false;
	return last_nonspace(c + m, n - m) != '\0';
}

/* Whether c[0, n) could start a block (the conservative side of ends_paragraph: any heading
 * mark, list marker, fence, raw HTML, footnote or link definition, run of marks). */
static bool may_start_block(const char *c, size_t n)
{
	if (!n || strchr("#<[>", c[0]) || fence_line(c, n) || marks_line(c, n))
		return true;
	if (c[0] && strchr("-+*", c[0]))
		return n == 1 || c[1] == ' ' || c[1] == '\t';
	size_t d = 0;
	while (d < n && d < 10 && isdigit((unsigned char)c[d]))
		d++;
	return d && d < n && (c[d] == '.' || c[d] == ')') && (d + 1 == n || c[d + 1] == ' ' || c[d + 1] == '\t');
}

/* Whether c[0, n) could end a table it would otherwise be a row of: what may_start_block() says
 * but for a '[' that starts no footnote definition ("[^") and a '#' that starts no heading. A link
 * reference definition starts only a paragraph, a table row to the table extension: every row of a
 * table without outer pipes that started with a link was one paragraph to the count, and 3,200 such
 * rows went over (helper-80). */
static bool may_end_table(const char *c, size_t n)
{
	if (n && c[0] == '[')
		return n > 1 && c[1] == '^';
	if (n && c[0] == '#')
		return ends_lists(c, n);
	return may_start_block(c, n);
}

/* Whether c[0, n) starts with a list item's marker: '-', '+', '*', or up to 9 digits and '.' or
 * ')', then a space, a tab or the line's end. */
static bool list_marker(const char *c, size_t n)
{
	size_t d = 0;
	while (d < n && d < 10 && isdigit((unsigned char)c[d]))
		d++;
	size_t m = n && c[0] && strchr("-+*", c[0]) ? 1 : d && d < 10 && d < n && (c[d] == '.' || c[d] == ')') ? d + 1 : 0;
	return m && (m == n || c[m] == ' ' || c[m] == '\t');
}

/* The column l[0, k) ends at (blank bytes), tabs stopping every 4 columns (CommonMark 0.29, 2.2). */
static size_t column_of(const char *l, size_t k)
{
	size_t col = 0;
	for (size_t i = 0; i < k; i++)
		col = l[i] == '\t' ? col + 4 - col % 4 : col + 1;
	return col;
}

/* A list item's line that surely starts it (struct sure_item), and the columns of its marker and
 * content; the next line is one when it starts a list item where the count is sure the item's
 * list or the item itself holds it. */
struct sure_item {
	bool open;              /* the line before was one, and what followed its marker is plain text */
	size_t marker, content; /* columns */
};

/* Whether the list item c[0, n) (list_marker()), its marker at column col, is one whose next line
 * the count may read (plain text after it, not a fence, raw HTML or indented code, which would
 * take the next line in), with the columns of its marker and content (CommonMark 0.29, 5.2: after
 * 1 to 4 spaces; 1 when more follow). */
static bool item_columns(const char *c, size_t n, size_t col, struct sure_item *it)
{
	size_t m = 1;
	if (!strchr("-+*", c[0]))
		m = strspn(c, "0123456789") + 1; /* the digits and '.' or ')' */
	size_t s = m, at = col + m;
	for (; s < n && (c[s] == ' ' || c[s] == '\t'); s++)
		at = c[s] == '\t' ? at + 4 - at % 4 : at + 1;
	size_t gap = at - (col + m);
	if (s >= n || gap == 0 || gap > 4 || fence_line(c + s, n - s) || c[s] == '<')
		return false;
	it->marker = col;
	it->content = col + m + gap;
	return true;
}

/* Whether c[0, n) is a delimiter row as GFM's table extension reads one (GFM 0.29, 4.10): cells
 * of '-' with a ':' at either end, between '|', one at least. */
static bool delimiter_row(const char *c, size_t n)
{
	size_t i = run_of(c, n, ' '), cells = 0;
	i += i < n && c[i] == '|';
	while (i < n) {
		i += run_of(c + i, n - i, ' ');
		i += i < n && c[i] == ':';
		size_t d = run_of(c + i, n - i, '-');
		if (!d)
			return false;
		i += d;
		i += i < n && c[i] == ':';
		i += run_of(c + i, n - i, ' ');
		cells++;
		if (i < n && c[i] != '|')
			return false;
		i++;
		i += i < n ? run_of(c + i, n - i, ' ') : 0;
	}
	return cells && memchr(c, '|', n);
}

/* A byte of an e-mail address as the autolink extension reads one, either side of its '@'. */
static bool email_byte(char b)
{
	return isalnum((unsigned char)b) || (b && strchr(".+-_@", b));
}

/* The length of the e-mail byte at l[i, n) as the autolink extension reads the text, after
 * cmark-gfm decoded its escapes and entities (text nodes are joined first), or 0: a letter, digit,
 * '.', '+', '-', '_' or '@'; a backslash escape of one ("\\@", "\\."); an entity reference to
 * one ("&#64;", "&#x2E;", "&commat;"). Read as written, "a\\@" had no '@' and "a&#46;" ended a
 * word, and 1 MB of them held a build 4 s (helper-80). *ch: the byte it stands for. */
static size_t email_unit(const char *l, size_t n, size_t i, char *ch)
{
	*ch = l[i];
	if (email_byte(l[i]))
		return 1;
	if (l[i] == '\\' && i + 1 < n && ispunct((unsigned char)l[i + 1]) && email_byte(l[i + 1])) {
		*ch = l[i + 1];
		return 2;
	}
	if (l[i] != '&' || i + 2 >= n)
		return 0;
	size_t j = i + 1;
	if (l[j] == '#') { /* CommonMark 0.29, 6.2: 1 to 7 decimal digits, or 1 to 6 hexadecimal */
		bool hex = l[j + 1] == 'x' || l[j + 1] == 'X';
		size_t d = j + 1 + hex;
		unsigned long v = 0;
		for (j = d; j < n && j - d < 7 && (hex ? isxdigit((unsigned char)l[j]) : isdigit((unsigned char)l[j])); j++)
			v = v * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)l[j]) ? l[j] - '0' : (l[j] | 0x20) - 'a' + 10);
		if (j == d || j >= n || l[j] != ';' || v >= 128 || !email_byte((char)v))
			return 0;
		*ch = (char)v;
		return j + 1 - i;
	}
	/* the named references of these bytes (HTML's named character references: no letter or digit
	 * has one, nor '-') */
	static const struct {
		const char *name;
		char ch;
	} named[] = {{"commat;", '@'}, {"period;", '.'}, {"plus;", '+'}, {"lowbar;", '_'}, {"UnderBar;", '_'}};
	for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
		size_t m = strlen(named[k].name);
		if (n - j >= m && !memcmp(l + j, named[k].name, m)) {
			*ch = named[k].ch;
			return m + 1;
		}
	}
	return 0;
}

/* The steps the autolink extension takes on l[0, n) to find e-mail addresses: at each '@' of a
 * text (up to 1,000 a text, as it recurses), it reads on through every letter, digit, '.', '-',
 * '_' and '@' after it, and rejects a second '@' only then: a word of 1,000 '@' and 1 MB of "a."
 * took 4.3 s (helper-79). Counted as the '@' of each run of such bytes (email_unit) times its
 * length. *copied: the bytes it copies, added: for each address it finds (an '@' with a '.' after
 * it before the next '@' or the run's end), the rest of its text node (no longer than a line), up
 * to 1,000 a node: 1,000 of them before 1 MB of text on their line took 1 GB (helper-80). */
static unsigned long long email_work(const char *l, size_t n, unsigned long long *copied)
{
	unsigned long long w = 0;
	if (!memchr(l, '@', n) && !memchr(l, '&', n))
		return 0;
	size_t found = 0;
	for (size_t i = 0; i < n;) {
		char ch;
		size_t a = i, k = 0, u, last_at = SIZE_MAX;
		bool dot = false;
		while (i < n && (u = email_unit(l, n, i, &ch))) {
			if (ch == '@' || (ch == '.' && last_at != SIZE_MAX && !dot)) {
				if (ch == '.')
					dot = true; /* the '@' before is an address's: counted at the next '@' or the end */
				else if (dot && found < 1000)
					found++, *copied += n - last_at;
				if (ch == '@')
					k++, last_at = i, dot = false;
			}
			i += u;
		}
		if (last_at != SIZE_MAX && dot && found < 1000)
			found++, *copied += n - last_at;
		w += (unsigned long long)(k < 1000 ? k : 1000) * (unsigned long long)(i - a);
		i += i == a;
	}
	return w;
}

/* The steps of the autolink extension's autolink_delim() on a link d[0, e): after cutting it at its
 * first '<', it strips trailing "?!.,:*_~'\"", ';' (with an entity reference it ends) and ')', and
 * for each ')' it counts every '(' and ')' of the link again: "www.a.bc" then 200,000 ')' took 7 s
 * (helper-83). The counts are kept here as the end moves, so this reads the link once. */
static unsigned long long delim_work(const char *d, size_t e)
{
	const char *lt = memchr(d, '<', e);
	if (lt)
		e = (size_t)(lt - d);
	unsigned long long w = 0;
	size_t open = 0, close = 0;
	bool counted = false;
	while (e > 0) {
		char c = d[e - 1];
		size_t cut = 1; /* the bytes stripped this step, or 0 to stop */
		if (c && strchr("?!.,:*_~'\"", c))
			;
		else if (c == ';') {
			size_t k = e >= 2 ? e - 2 : 0;
			while (k > 0 && isalpha((unsigned char)d[k]))
				k--;
			if (e >= 2 && k < e - 2 && d[k] == '&')
				cut = e - k;
		} else if (c == ')') {
			if (!counted) {
				for (size_t i = 0; i < e; i++)
					open += d[i] == '(', close += d[i] == ')';
				counted = true;
			}
			w += e;
			if (close <= open)
				break;
		} else
			break;
		for (size_t i = e - cut; counted && i < e; i++)
			open -= d[i] == '(', close -= d[i] == ')';
		e -= cut;
	}
	return w;
}

/* Where the autolink extension looks for a link at l[i] (extensions/autolink.c): a "www." after a
 * space, '*', '_', '~', '(' or the start of its text (a line's start here, or a table cell's after
 * '|', or a blockquote's after '>'); the ':' of "http://", "https://" or "ftp://" in any case, no
 * letter before it. */
static bool autolink_start(const char *l, size_t n, size_t i)
{
	if (l[i] == 'w')
		return n - i >= 4 && !memcmp(l + i, "www.", 4) && (!i || (l[i - 1] && strchr(" \t*_~(>|", l[i - 1])));
	if (l[i] != ':' || n - i < 3 || l[i + 1] != '/' || l[i + 2] != '/')
		return false;
	static const char *const schemes[] = {"http", "https", "ftp"};
	for (size_t k = 0; k < 3; k++) {
		size_t m = strlen(schemes[k]);
		if (i >= m && !strncasecmp(l + i - m, schemes[k], m) && (i == m || !isalpha((unsigned char)l[i - m - 1])))
			return true;
	}
	return false;
}

/* Adds to *w the steps the autolink extension takes on l[0, n) to find URLs, and stops once *w is
 * over MD_MAX_AUTOLINK_WORK: at each place it looks (autolink_start), it reads the host, and then
 * on to the next space or tab (no other byte of the line is one to it), whether it links or not, and
 * then autolink_delim() (delim_work). "http://a<"
 * 30,000 times took 3 s, "_www." 20,000 times 4.4 s (helper-83). A NUL is read as the three bytes
 * of the U+FFFD cmark-gfm puts for it. */
static void autolink_work(const char *l, size_t n, unsigned long long *w)
{
	if (!memchr(l, ':', n) && !memchr(l, 'w', n))
		return;
	unsigned long long nul = memchr(l, '\0', n) ? 3 : 1;
	size_t e = 0; /* the first space at or after i */
	for (size_t i = 0; i < n && *w <= MD_MAX_AUTOLINK_WORK; i++) {
		if ((l[i] != 'w' && l[i] != ':') || !autolink_start(l, n, i))
			continue;
		if (e < i)
			e = i;
		while (e < n && !blank_byte(l[e])) /* cmark_isspace(): '\v', '\f' are none (helper-84) */
			e++;
		*w += nul * (e - i) + delim_work(l + i, e - i);
	}
}

/* Whether a (case folded) occurs in l[0, n). */
static bool contains_ci(const char *l, size_t n, const char *a)
{
	size_t k = strlen(a);
	for (size_t i = 0; i + k <= n; i++)
		if (!strncasecmp(l + i, a, k))
			return true;
	return false;
}

/* Raw HTML blocks (CommonMark 0.29, 4.6) that may be open: a line in one is no fence. Kinds 1 to 5
 * end at a line holding their end mark; the others at a blank line. A line that starts with '<'
 * is taken as an opener wherever it is, and its end is looked for after its start: the block is
 * taken as open no shorter than it is. */
struct html_open {
	const char *end; /* the end mark looked for (kinds 1 to 5), or NULL */
	bool to_blank;   /* open to the next blank line */
	bool lost;       /* two kinds at once: no fence is sure any more */
};

static void html_line(struct html_open *h, const char *c, size_t n, bool blank)
{
	static const struct {
		const char *start, *end;
	} kinds[] = {{"<script", "</script>"}, {"<pre", "</pre>"}, {"<style", "</style>"}, {"<textarea", "</textarea>"},
	             {"<!--", "-->"}, {"<?", "?>"}, {"<![CDATA[", "]]>"}};
	if (h->end && contains_ci(c, n, h->end))
		h->end = NULL;
	if (blank)
		h->to_blank = false;
	if (!n || c[0] != '<')
		return;
	const char *end = NULL;
	size_t k = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds && !end; i++)
		if (n >= (k = strlen(kinds[i].start)) && !strncasecmp(c, kinds[i].start, k))
			end = kinds[i].end;
	if (!end && n >= 3 && c[1] == '!' && isalpha((unsigned char)c[2]))
		end = ">", k = 2;
	if (end && contains_ci(c + k, n - k, end))
		end = NULL;
	if (end && h->end && strcasecmp(end, h->end))
		h->lost = true;
	if (end)
		h->end = end;
	else
		h->to_blank = true;
}

/* Checks the limits of markdown.h before cmark-gfm sees the text; false after reporting. Fenced
 * code is left out where the fence is sure: opened in the first column outside raw HTML, before
 * any fence line indented 1 to 3 spaces (which could be a fence that such a line closes). */
static bool within_limits(const struct md_opts *o, const char *text, size_t len)
{
	const char *src = o && o->src ? o->src : "content";
	size_t openers = 0, cols = 0, rows = 0, table_line = 0, prev_pipes = 0, prev_cells = 0, para_bytes = 0;
	unsigned long long reread = 0, email = 0, email_copied = 0, autolink = 0; /* table_tries(); email_work();
	                                                                     * autolink_work() */
	struct inline_cost ic = {.star_low = SIZE_MAX, .quote_may = {SIZE_MAX, SIZE_MAX}, .quote_sure = {SIZE_MAX, SIZE_MAX},
	                         .sure = {{.whole = true}, {.whole = true}}};
	char *why = NULL; /* the limit the text goes over */
	struct html_open html = {0};
	char fence = 0; /* in a sure fence: its character */
	size_t fence_len = 0;
	bool fences_sure = true;
	bool list_open = false, prev_blank = true; /* a list item may be open */
	struct sure_item items = {0};
	/* A fence indented 1 to 3 spaces where a list item may be open is either the document's or the
	 * item's: its lines are counted as text until a closer that ends it either way (indented as far
	 * as it is, or further); a line less indented could end only the item's, and then no later
	 * fence is sure. */
	char amb = 0;
	size_t amb_len = 0, amb_ind = 0;
	/* Rows are parsed each on its own only in a sure table: under a header whose paragraph's lines
	 * and delimiter row have one prefix, sure, and start no block; its rows too. */
	bool rows_sure = false, para_plain = false;
	const char *prefix = NULL, *prev_prefix = NULL, *para_prefix = NULL; /* the delimiter row's, the line
	                                                                    * before's, the paragraph's */
	size_t prefix_len = 0, prev_prefix_len = 0, para_prefix_len = 0, prev_cn = 0;
	const char *prev_c = NULL;
	int line = 0;
	for (size_t at = 0; at < len; line++) {
		/* a line ends at LF, CR LF or a CR alone, as cmark-gfm's lines do: read as one line,
		 * "```\r```\r" and what follows were taken for a fence never closed */
		const char *l = text + at, *nl = memchr(l, '\n', len - at);
		size_t n = nl ? (size_t)(nl - l) : len - at;
		const char *cr = memchr(l, '\r', n);
		if (cr)
			n = (size_t)(cr - l);
		at += n + (cr && cr + 1 == nl ? 2 : 1);
		size_t cs = content_start(l, n);
		const char *c = l + cs;
		size_t cn = n - cs;
		struct sure_item item_before = items; /* the line before's, when it was one */
		items.open = false;
		if (fence) { /* a closer: 0 to 3 spaces, as many fence characters or more, nothing else */
			size_t sp = run_of(l, n, ' '), r = sp <= 3 ? run_of(l + sp, n - sp, fence) : 0;
			if (r >= fence_len && !last_nonspace(l + sp + r, n - sp - r))
				fence = 0;
			continue;
		}
		bool amb_closed = false;
		if (amb) {
			size_t sp = run_of(l, n, ' '), r = sp <= 3 ? run_of(l + sp, n - sp, amb) : 0;
			bool closer = r >= amb_len && !last_nonspace(l + sp + r, n - sp - r);
			if (closer || (last_nonspace(l, n) && sp < amb_ind)) {
				fences_sure = fences_sure && closer && sp >= amb_ind;
				amb = 0, amb_closed = closer;
			}
		}
		/* a blank line: nothing but spaces and tabs, or quote markers surely so ("    >" continues
		 * a paragraph) */
		bool blank = !cn && (sure_prefix(l, cs) || !memchr(l, '>', cs));
		/* a raw HTML block (kinds 6 and 7) ends at a line blank in its container: the count does not
		 * know which, and a line of quote markers alone is no blank line in the document ("<div>\n>\n```"
		 * took the "```" for a fence, and skipped what followed: helper-80) */
		html_line(&html, c, cn, !last_nonspace(l, n));
		if (list_marker(c, cn))
			list_open = true;
		else if (!cs && cn && (prev_blank || ends_lists(c, cn)))
			list_open = false;
		prev_blank = blank;
		if (!amb_closed && cn >= 3 && fence_line(c, cn)) {
			/* in the first column, or indented 1 to 3 spaces where no list item can be open: a fence
			 * of the document itself, whose closer is sure */
			bool top = !cs || (!list_open && cs <= 3 && run_of(l, cs, ' ') == cs);
			if (top && fences_sure && !html.end && !html.to_blank && !html.lost) {
				fence = c[0];
				fence_len = run_of(c, cn, fence);
				cols = 0, rows_sure = false, para_bytes = 0;
				paragraph_ends(&ic);
				continue;
			}
			if (top)
				fences_sure = false; /* in raw HTML or not: its closer could be taken for an opener */
			if (!top && !amb && cs && cs <= 3 && run_of(l, cs, ' ') == cs) {
				amb = c[0];
				amb_len = run_of(c, cn, amb);
				amb_ind = cs;
			}
		}
		bool sure = sure_prefix(l, cs);
		bool same = prefix && cs == prefix_len && !memcmp(l, prefix, cs);
		bool plain = cn && sure && !may_start_block(c, cn);
		/* a table row's cells, the header's above its delimiter row: cmark-gfm's time grows with the
		 * square of one row's cells (12,500 took 2.3 s, 50,000 37 s; helper-73), on any line, as a
		 * table may be there where the count is not sure of it */
		size_t pipes = 0; /* a '|' escaped (after an odd run of '\\') is a cell's text */
		for (const char *p = c; (p = memchr(p, '|', cn - (size_t)(p - c))); p++) {
			size_t bs = 0;
			while (p - bs > c && p[-1 - (ptrdiff_t)bs] == '\\')
				bs++;
			pipes += bs % 2 == 0;
		}
		size_t dc = delimiter_columns(c, cn);
		size_t wide = dc && prev_pipes > pipes ? prev_pipes : pipes;
		prev_pipes = pipes;
		if (wide > MD_MAX_TABLE_COLUMNS + 1) { /* cells between a '|' at each end */
			why = xasprintf("a table row of %zu cells (at most %d: cmark-gfm's time grows with the square of "
			                "a row's cells); not rendered", wide - 1, MD_MAX_TABLE_COLUMNS);
			if (dc && wide != pipes)
				line--; /* the header's line */
			break;
		}
		/* A delimiter row under a paragraph line of as many cells starts a table. One of another
		 * width is no table, and cmark-gfm read the whole paragraph so far to find that out: 8,000
		 * "a" and "|-|-|" lines took 10 s (helper-75). */
		size_t cells = pipes + 1 - (cn && c[0] == '|') - (cn && pipes && last_nonspace(c, cn) == '|');
		bool header = dc && !rows_sure && para_bytes && prev_cells == dc;
		if (dc && !rows_sure && !header)
			reread += para_bytes;
		prev_cells = cells;
		if (reread > MD_MAX_TABLE_REREAD) {
			why = xasprintf("more than %d bytes of paragraphs read again for rows like a table's delimiter row "
			                "under a line of another width (cmark-gfm reads the paragraph so far for each); not "
			                "rendered: put a blank line or a table header of as many cells above such rows",
			                MD_MAX_TABLE_REREAD);
			break;
		}
		bool ends = false; /* the paragraph before this line ends */
		if (header) {
			if (!cols)
				rows = 0, table_line = (size_t)line;
			cols = dc > cols ? dc : cols;
			rows++; /* the header above counts as a row */
			/* (a backslash may escape a '|', "\\|" or "\|", as the count cannot tell: helper-78) */
			rows_sure = para_plain && sure && prev_prefix && cs == prev_prefix_len && !memcmp(l, prev_prefix, cs) &&
			            delimiter_row(c, cn) && !may_start_block(c, cn) && !memchr(c, '\\', cn) &&
			            !memchr(prev_c, '\\', prev_cn);
			prefix = l, prefix_len = cs;
			ends = rows_sure;
		} else if (cols && cn) {
			rows++;
			ends = rows_sure; /* this line ends a sure table's row, or the table */
			bool text_cell = false; /* ("|" alone ends a table) */
			for (size_t i = 0; i < cn && !text_cell; i++)
				text_cell = c[i] != '|' && !blank_byte(c[i]);
			rows_sure = rows_sure && same && cn && sure && !may_end_table(c, cn) && text_cell;
		} else if (cols && blank) {
			cols = 0, rows_sure = false;
		}
		if (cols && cols * rows > MD_MAX_TABLE_CELLS) {
			why = xasprintf("a table of %zu columns and %zu rows so far (at most %d cells: cmark-gfm fills every "
			                "row to the header's width); not rendered", cols, rows, MD_MAX_TABLE_CELLS);
			line = (int)table_line;
			break;
		}
		/* per paragraph (a blank line or a block that surely starts ends one; each row of a sure
		 * table is parsed on its own) */
		/* A list item's line under one the count is sure of (struct sure_item), a sibling (its marker
		 * in the same column) or a child (in the first 4 columns of its content, and able to interrupt
		 * a paragraph): a new block too. Else every item of a list indented 4 spaces or a tab under
		 * "- Archive" was one paragraph to the count, and 3,200 items with a link each went over
		 * (helper-80). */
		bool item_line = cn && !memchr(l, '>', cs) && list_marker(c, cn) && !ends_lists(c, cn);
		size_t col = column_of(l, cs);
		bool child = item_line && item_before.open &&
		             (col == item_before.marker ||
		              (col >= item_before.content && col <= item_before.content + 3 && ends_paragraph(c, cn)));
		if ((child || (item_line && sure && ends_paragraph(c, cn))) && item_columns(c, cn, col, &items))
			items.open = true;
		bool starts = blank || ends || child || (sure && ends_paragraph(c, cn));
		if (starts)
			paragraph_ends(&ic), para_bytes = 0;
		/* a sure table's header is the last of a paragraph's lines that are all plain, under one prefix */
		if (starts || !para_bytes)
			para_plain = plain, para_prefix = l, para_prefix_len = cs;
		else
			para_plain = para_plain && plain && cs == para_prefix_len && !memcmp(l, para_prefix, cs);
		prev_prefix = l, prev_prefix_len = cs, prev_c = c, prev_cn = cn;
		if (cn && !rows_sure)
			para_bytes += cn + 1;
		scan_inline(&ic, l, n, cs);
		if (ic.work > MD_MAX_LINK_WORK) {
			why = xasprintf("more than %d steps back at the links and images of this text (at each one it closes, "
			                "cmark-gfm walks back through every emphasis mark and quote before it in its paragraph, "
			                "and every image opener \"![\" still open); not rendered: split long paragraphs, close "
			                "each \"![\", escape marks that are no emphasis", MD_MAX_LINK_WORK);
			break;
		}
		if (ic.strike > MD_MAX_STRIKE_WORK) {
			why = xasprintf("more than %d steps back at the '~' of this text that may end a strikethrough (at "
			                "each, cmark-gfm walks back through every emphasis mark and quote before it in its "
			                "paragraph, and a '~' run of another length stays there); not rendered: split long "
			                "paragraphs, escape '~' that strikes nothing (\\~)", MD_MAX_STRIKE_WORK);
			break;
		}
		if (ic.bottom_work > MD_MAX_BOTTOM_WORK) {
			why = xasprintf("more than %d steps back at emphasis marks and quotes that close nothing (after a pair, "
			                "cmark-gfm may lose the mark where such a closer's look back last stopped, and each "
			                "looks back through every mark still open in its paragraph); not rendered: split long "
			                "paragraphs, escape marks that are no emphasis (\\*)", MD_MAX_BOTTOM_WORK);
			break;
		}
		if (ic.quote_work > MD_MAX_QUOTE_WORK) {
			why = xasprintf("more than %d steps of smart punctuation's look back from each closing quote to an "
			                "opening one (one \"'\" then thousands of apostrophes in a paragraph: cmark-gfm walks "
			                "back through them all at each); not rendered: split the paragraph, or put such text in "
			                "a code block", MD_MAX_QUOTE_WORK);
			break;
		}

		email += email_work(c, cn, &email_copied);
		if (email > MD_MAX_EMAIL_WORK) {
			why = xasprintf("more than %d steps of the search for e-mail addresses (at each '@' of a word, cmark-gfm "
			                "reads on through every letter, digit, '.', '-', '_' and '@' after it); not rendered: "
			                "put spaces in such words", MD_MAX_EMAIL_WORK);
			break;
		}
		if (email_copied > MD_MAX_EMAIL_COPY) {
			why = xasprintf("more than %d bytes copied for the e-mail addresses of this text (for each, cmark-gfm "
			                "copies the rest of its line); not rendered: break long lines that hold many addresses",
			                MD_MAX_EMAIL_COPY);
			break;
		}
		autolink_work(c, cn, &autolink);
		if (autolink > MD_MAX_AUTOLINK_WORK) {
			why = xasprintf("more than %d steps of the search for web addresses (at each \"www.\" and \"http://\", "
			                "cmark-gfm reads on to the next space, and counts the link's parentheses again for each "
			                "')' that ends it); not rendered: put spaces between addresses and what follows them",
			                MD_MAX_AUTOLINK_WORK);
			break;
		}
		openers += count_openers(c, cn);
		if (openers > MD_MAX_HTML_OPENERS) {
			why = xasprintf("more than %d raw HTML openers (\"<?\", \"<!X\", \"<![CDATA[\": cmark-gfm looks for "
			                "the end of each through the rest of the text); not rendered", MD_MAX_HTML_OPENERS);
			break;
		}
	}
	free(ic.open);
	free(ic.tildes);
	free(ic.stay);
	free(ic.sure[0].run);
	free(ic.sure[1].run);
	if (!why)
		return true;
	if (o) { /* at the start of the line that went over (a table: its header's) */
		int fl, fc;
		diag_place(&o->at, line + 1, 1, &fl, &fc);
		diag_error(src, fl, fc, "%s", why);
	}
	free(why);
	return false;
}


/* Whether block n starts on one of o's foreign lines (a table cell: and at its column). */
static bool foreign(const struct md_opts *o, cmark_node *n)
{
	int line = cmark_node_get_start_line(n) + o->at.line - 1;
	int col = is_cell(n) ? cmark_node_get_start_column(n) : 0;
	size_t lo = 0, hi = o->nforeign;
	while (lo < hi) { /* the first entry on line */
		size_t mid = (lo + hi) / 2;
		if (o->foreign[mid] < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < o->nforeign && o->foreign[lo] == line; lo++)
		if ((o->foreign_col ? o->foreign_col[lo] : 0) == col)
			return true;
	return false;
}

/* The attributes of a block in another language: ' lang="en" dir="ltr"'. */
static void foreign_attrs(const struct md_opts *o, struct buf *b)
{
	buf_adds(b, " lang=\"");
	esc_html(b, o->foreign_lang, strlen(o->foreign_lang));
	buf_addf(b, "\" dir=\"%s\"", o->foreign_rtl ? "rtl" : "ltr");
}

/* Puts a custom block holding html (b's bytes) where block n stands, and frees n and b. */
static void replace_with_html(cmark_node *n, struct buf *b)
{
	cmark_node *cb = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	cmark_node_set_on_enter(cb, b->p ? b->p : "");
	cmark_node_set_on_exit(cb, "");
	buf_free(b);
	cmark_node_replace(n, cb);
	cmark_node_free(n);
}

/* Replaces paragraph n, which is in another language, by a custom block of its HTML with lang and dir.
 * The last paragraph of a footnote keeps its node, its text in a <span> with them: cmark writes the
 * footnote's back link inside that paragraph's <p> (html.c), and after a custom block it went outside. */
static void mark_foreign(const struct md_opts *o, cmark_node *n, int options, cmark_llist *exts)
{
	struct buf tag = BUF_INIT;
	cmark_node *par = cmark_node_parent(n);
	if (par && cmark_node_get_type(par) == CMARK_NODE_FOOTNOTE_DEFINITION && !cmark_node_next(n)) {
		cmark_node *span = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
		buf_adds(&tag, "<span");
		foreign_attrs(o, &tag);
		buf_addc(&tag, '>');
		cmark_node_set_on_enter(span, tag.p);
		cmark_node_set_on_exit(span, "</span>");
		buf_free(&tag);
		for (cmark_node *c; (c = cmark_node_first_child(n));)
			cmark_node_append_child(span, c);
		cmark_node_append_child(n, span);
		return;
	}
	char *inner = cmark_render_html(n, options, exts);
	if (!strncmp(inner, "<p>", 3)) {
		buf_adds(&tag, "<p");
		foreign_attrs(o, &tag);
		buf_adds(&tag, inner + 2);
	} else { /* a tight list item's paragraph has no <p> of its own */
		size_t il = strlen(inner);
		while (il && inner[il - 1] == '\n')
			il--;
		buf_adds(&tag, "<span");
		foreign_attrs(o, &tag);
		buf_addc(&tag, '>');
		buf_add(&tag, inner, il);
		buf_adds(&tag, "</span>");
	}
	free(inner);
	replace_with_html(n, &tag);
}

/* Replaces table n, some of whose cells are in another language, by a custom block of its HTML with
 * lang and dir on those cells' <td> or <th>: cmark's renderer writes no attributes of ours, and a
 * cell takes no custom inline to carry them. Each such cell gets a text node first that holds
 * CELL_MARK, which the HTML then has right after the cell's opening tag, whatever raw HTML the
 * table holds; the mark goes, the attributes go into that tag. Were the mark in the text itself
 * (the counts differ), the table stays as it is. */
#define CELL_MARK "\x01vade-cell\x01"

static void mark_foreign_cells(const struct md_opts *o, cmark_node *n, int options, cmark_llist *exts)
{
	struct vec marks = VEC_INIT;
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && is_cell(c) && foreign(o, c))
			vec_push(&marks, c);
	}
	cmark_iter_free(it);
	for (size_t k = 0; k < marks.n; k++) { /* (after the walk: the iterator would meet them) */
		cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(t, CELL_MARK);
		if (!cmark_node_prepend_child(marks.v[k], t))
			cmark_node_free(t);
		marks.v[k] = t;
	}
	char *html = cmark_render_html(n, options, exts);
	size_t found = 0;
	for (const char *q = html; (q = strstr(q, CELL_MARK)); q++)
		found++;
	struct buf out = BUF_INIT;
	if (found == marks.n) {
		const char *p = html;
		for (const char *m; (m = strstr(p, CELL_MARK));) {
			const char *tag = m;
			while (tag > p && *tag != '<')
				tag--;
			if (*tag == '<' && (!strncmp(tag, "<td", 3) || !strncmp(tag, "<th", 3))) {
				buf_add(&out, p, (size_t)(tag - p) + 3);
				foreign_attrs(o, &out);
				buf_add(&out, tag + 3, (size_t)(m - tag - 3));
			} else {
				buf_add(&out, p, (size_t)(m - p));
			}
			p = m + strlen(CELL_MARK);
		}
		buf_adds(&out, p);
	}
	free(html);
	for (size_t k = 0; k < marks.n; k++)
		cmark_node_free(marks.v[k]);
	vec_free(&marks);
	if (out.len)
		replace_with_html(n, &out);
}

/* The footnotes' ids and links in html, as cmark-gfm's renderer writes them
 * (id="fn-x", id="fnref-x", id="fnref-x-2", href="#fn-x", href="#fnref-x"):
 * the next such attribute at or after p, its value's first character at *value
 * (after the '#' of a link: *link), or NULL. These attribute openings cannot
 * occur in text, where cmark writes '"' as &quot;. sc keeps where each opening is next, so a
 * walk over html reads it once (each opening looked for from p afresh cost a page of 24,000
 * notes 19 s: helper-137); zeroed before the first call, and p never goes back. */
struct fn_scan {
	const char *next[4];
	bool done[4];
};

static const char *next_footnote_attr(struct fn_scan *sc, const char *p, const char **value, bool *link)
{
	static const char *const opens[] = {" id=\"fn-", " id=\"fnref-", " href=\"#fn-", " href=\"#fnref-"};
	const char *best = NULL;
	for (size_t i = 0; i < sizeof opens / sizeof *opens; i++) {
		if (!sc->done[i] && (!sc->next[i] || sc->next[i] < p)) {
			sc->next[i] = strstr(p, opens[i]);
			sc->done[i] = !sc->next[i];
		}
		if (!sc->done[i] && (!best || sc->next[i] < best))
			best = sc->next[i];
	}
	if (!best)
		return NULL;
	*value = strchr(best, '"') + 1;
	*link = **value == '#';
	*value += *link;
	return best;
}

/* The fragment of a footnote link, value up to its '"' (the id as its attribute has it), as a valid
 * URL writes it, appended to b: as it is when it is one, else with every '%' written %25 and every
 * '#' %23 (url_fragment_valid), so that the fragment decoded is the id (cmark-gfm writes [^é%]'s id
 * "fn-%C3%A9%": only its lone '%' encoded, the link led nowhere, helper-133). A character reference
 * (cmark writes "'" as &#x27;) is copied as it is: its '#' is none of the URL's, and it stands for
 * no hex digit, so the runs between references are judged each on its own. */
static size_t char_ref_len(const char *p)
{
	size_t k = strcspn(p, ";\"");
	return k + (p[k] == ';');
}

static void fragment_encoded(struct buf *b, const char *value)
{
	size_t n = strcspn(value, "\""), ref;
	bool valid = true;
	for (size_t i = 0; i < n && valid; i += ref) {
		size_t run = strcspn(value + i, "&\"");
		valid = url_fragment_valid(value + i, run);
		i += run;
		ref = i < n ? char_ref_len(value + i) : 0;
	}
	for (size_t i = 0; i < n; i += ref) {
		size_t run = strcspn(value + i, "&\"");
		if (valid)
			buf_add(b, value + i, run);
		else
			buf_add_pct(b, value + i, run, "%#", PCT_HIGH_RAW);
		i += run;
		ref = i < n ? char_ref_len(value + i) : 0;
		buf_add(b, value + i, ref);
	}
}

/* Whether the attribute at at stands in a tag that begins after sup ("<sup class=\"footnote-ref\"><a"):
 * a mark as cmark-gfm writes it, not a link written so by hand (helper-139: one turned the renaming
 * off). */
static bool mark_tag(const char *html, const char *at, const char *sup)
{
	const char *lt = at;
	while (lt > html && *lt != '<')
		lt--;
	size_t n = strlen(sup);
	return lt - html + 2 >= (ptrdiff_t)n && !strncmp(lt + 2 - n, sup, n);
}

/* One footnote attribute of cmark-gfm's html (next_footnote_attr): its note (1-based, cmark-gfm's
 * number), whether it is a back link's or a mark's "fnref-" (else the note's "fn-"), which mark of
 * the note it names (1, 2 ...), and where its value is. */
struct note_attr {
	size_t note, r;
	bool ref, link;
	const char *value;
	size_t len;
};

/* The footnote attributes of html, each with its note: a list item's id="fn-E" is note k, the k-th;
 * the back links in it are its; a mark (href="#fn-E" id="fnref-E[-r]" data-footnote-ref>N</a>) is
 * note N's. *label[k] gets note k's E (borrowed from html, *len[k] bytes). False when html is not
 * as cmark-gfm writes it, for footnote_attrs to leave the names as they are. */
static bool note_attrs(const char *html, struct note_attr **out, size_t *n, const char ***label, size_t **llen,
                       size_t *notes)
{
	struct note_attr *v = NULL;
	size_t nv = 0, items = 0;
	const char **lab = NULL;
	size_t *ll = NULL;
	const char *p = html, *val, *at;
	bool link, ok = true;
	struct fn_scan sc = {{NULL}, {false}};
	/* cmark-gfm's notes are the list items of the section it writes last, each on a line of its own;
	 * raw HTML's are none (helper-138, helper-139: <li id="fn-x"> written by hand, before the section
	 * or in a note, was counted as a note) */
	const char *section = markdown_notes_section(html);
	while (ok && (at = next_footnote_attr(&sc, p, &val, &link))) {
		size_t len = strcspn(val, "\"");
		bool ref = !strncmp(val, "fnref-", 6);
		struct note_attr a = {0, 1, ref, link, val, len};
		/* which of cmark-gfm's, by its element: a link or an id written otherwise (a Markdown link
		 * to "#fn-x", raw HTML) is none, note 0, left as it is (helper-137: a link to "#fn-x-2" was
		 * taken for a mark and sent to another note) */
		const char *gt = strchr(val, '>');
		size_t tag = gt ? (size_t)(gt - at) : 0;
		bool item = !link && !ref && section && at > section && markdown_note_item(html, at - 3);
		bool back = link && ref && section && at > section && memmem(at, tag, " class=\"footnote-backref\"", 25);
		/* a mark is <sup class="footnote-ref"><a href="#fn-E" id="fnref-E[-r]" data-footnote-ref>N</a> */
		static const char sup[] = "<sup class=\"footnote-ref\"><a";
		bool mark = (link ? !ref : ref) && memmem(at, tag, " data-footnote-ref", 18) && mark_tag(html, at, sup);
		if (item) { /* a list item: the next note */
			items++;
			lab = xrealloc(lab, (items + 1) * sizeof *lab);
			ll = xrealloc(ll, (items + 1) * sizeof *ll);
			lab[items] = val + 3, ll[items] = len - 3;
			a.note = items;
			ok = len >= 3;
		} else if (back) { /* a back link, in the item before it */
			a.note = items;
			ok = items >= 1;
		} else if (mark) { /* a mark: its href, then its id, then its number */
			a.note = strtoul(gt + 1, NULL, 10);
			ok = a.note >= 1;
		}
		v = xgrow(v, nv, sizeof *v);
		v[nv++] = a;
		p = val + len;
	}
	for (size_t i = 0; ok && i < nv; i++) { /* each fnref's mark number r, from its name after E */
		struct note_attr *a = &v[i];
		ok = a->note <= items;
		if (!ok || !a->ref || !a->note)
			continue;
		const char *e = a->value + 6;
		size_t el = a->len - 6;
		ok = el >= ll[a->note] && !memcmp(e, lab[a->note], ll[a->note]);
		if (ok && el > ll[a->note])
			ok = e[ll[a->note]] == '-' && (a->r = strtoul(e + ll[a->note] + 1, NULL, 10)) >= 2;
	}
	if (!ok) {
		free(v), free(lab), free(ll);
		return false;
	}
	*out = v, *n = nv, *label = lab, *llen = ll, *notes = items;
	return true;
}

/* The ids note k gives with name E (fn-E, fnref-E, fnref-E-2 ... fnref-E-R). */
static void note_ids(struct vec *ids, const char *e, size_t r)
{
	vec_push(ids, xasprintf("fn-%s", e));
	vec_push(ids, xasprintf("fnref-%s", e));
	for (size_t i = 2; i <= r; i++)
		vec_push(ids, xasprintf("fnref-%s-%zu", e, i));
}

/* Whether any of ids is in in (or in also, when not NULL), or the link to one that is no valid
 * fragment would be read, as written, as an id of read (when not NULL: fragment_encoded). */
static bool ids_clash(const struct vec *ids, const struct strmap *in, const struct strmap *also,
                      const struct strmap *read)
{
	struct buf enc = BUF_INIT;
	bool clash = false;
	for (size_t i = 0; i < ids->n && !clash; i++) {
		const char *id = ids->v[i];
		clash = strmap_get(in, id) || (also && strmap_get(also, id));
		if (!clash && read) {
			buf_reset(&enc);
			fragment_encoded(&enc, id);
			clash = strcmp(enc.p, id) && strmap_get(read, enc.p);
		}
	}
	buf_free(&enc);
	return clash;
}

/* html with its footnotes' ids and links (next_footnote_attr) changed, appended to b:
 * - prefix (may be "") before the id, so two chapters of one handbook with a
 *   note [^1] each keep theirs apart (c1-fn-1, c2-fn-1). The renderer has no
 *   option for it.
 * - A link's fragment as a valid URL writes it (fragment_encoded). cmark-gfm writes
 *   the label as houdini_escape_href() leaves it, which keeps '%' and '#' (they are
 *   safe in a whole URL), so [^50%] and [^a#b] gave href="#fn-50%" and
 *   href="#fn-a#b": no valid URL (URL Standard, fragment state: a validation
 *   error; vnu refuses the page). A browser finds the id by the fragment as
 *   written, then decoded ("find a potential indicated element", HTML 7.4.6.3), so
 *   "#fn-50%25" leads to id="fn-50%"; so does vade's link check (htmlids.h).
 * - Each note's ids are its own: a note whose ids another note before it has (cmark-gfm writes
 *   [^a"b] and [^a%22b], [^é] and [^%C3%A9] both "fn-a%22b", "fn-%C3%A9"; [^x] marked twice has
 *   "fnref-x-2", as [^x-2] has) or an id the text gives otherwise (a heading "## fn-1", named
 *   "fn-1-1" beside [^1] and [^1-1]; helper-138), or whose link, made valid, would be read as another's id as
 *   written ([^50%] beside [^50%25]: a browser takes "#fn-50%25" to the second), is named anew,
 *   its valid form and "-1" (the first number no id has: "fn-50%25-1"), in its ids and links
 *   alike (helper-135, helper-136: "id given twice" failed the build, at no place). Notes are
 *   told apart by cmark-gfm's numbers (note_attrs); html written otherwise keeps its names. */
static void footnote_attrs(struct buf *b, const char *html, const char *prefix, const struct strmap *taken)
{
	struct note_attr *v = NULL;
	size_t nv = 0, notes = 0, *ll = NULL;
	const char **lab = NULL;
	bool known = note_attrs(html, &v, &nv, &lab, &ll, &notes);
	char **name = xcalloc(notes + 1, sizeof *name); /* note k's name, when it has a new one */
	struct strmap all = STRMAP_INIT_OWNED, used = STRMAP_INIT_OWNED;
	size_t *refs = xcalloc(notes + 1, sizeof *refs);
	for (size_t i = 0; i < nv; i++) {
		refs[v[i].note] = v[i].r > refs[v[i].note] ? v[i].r : refs[v[i].note];
		if (!v[i].link) { /* an id the html gives otherwise (a heading "fn-1-1") is taken too */
			char *id = xstrndup(v[i].value, v[i].len);
			strmap_put(v[i].note ? &all : &used, id, NULL);
			free(id);
		}
	}
	/* the ids the file's texts before this one gave, with this one's prefix: a raw <span id="c3-fn-1">
	 * in a handbook's chapter 1 beside chapter 3's [^1] (helper-139) */
	size_t pl = strlen(prefix);
	for (size_t i = 0; taken && notes && i < taken->nslots; i++) {
		const char *id = taken->keys[i];
		if (id && !strncmp(id, prefix, pl) && (!strncmp(id + pl, "fn-", 3) || !strncmp(id + pl, "fnref-", 6)))
			strmap_put(&used, id + pl, NULL);
	}
	if (*prefix) { /* a heading's id has the prefix already ("## fn-1" in chapter 2: "c2-fn-1-1") */
		char *needle = xasprintf(" id=\"%sfn", prefix);
		for (const char *q = html; (q = strstr(q, needle)); q++) {
			const char *id = q + strlen(needle) - 2;
			if (!strncmp(id, "fn-", 3) || !strncmp(id, "fnref-", 6)) {
				char *t = xstrndup(id, strcspn(id, "\""));
				strmap_put(&used, t, NULL);
				free(t);
			}
		}
		free(needle);
	}
	struct vec ids = VEC_INIT;
	struct buf enc = BUF_INIT;
	for (size_t k = 1; known && k <= notes; k++) {
		char *e = xstrndup(lab[k], ll[k]);
		vec_free_items(&ids);
		note_ids(&ids, e, refs[k]);
		if (ids_clash(&ids, &used, NULL, &all)) {
			buf_reset(&enc);
			fragment_encoded(&enc, e);
			for (size_t m = 1; !name[k] || ids_clash(&ids, &all, &used, NULL); m++) {
				free(name[k]);
				name[k] = xasprintf("%s-%zu", enc.p, m);
				vec_free_items(&ids);
				note_ids(&ids, name[k], refs[k]);
			}
		}
		for (size_t i = 0; i < ids.n; i++)
			strmap_put(&used, ids.v[i], NULL);
		free(e);
	}
	vec_free_items(&ids);
	const char *p = html;
	struct fn_scan sc = {{NULL}, {false}};
	for (size_t i = 0; i < nv || !known; i++) {
		const char *val;
		bool link;
		const char *at = next_footnote_attr(&sc, p, &val, &link);
		if (!at)
			break;
		size_t n = strcspn(val, "\"");
		buf_add(b, p, (size_t)(val - p));
		p = val + n;
		if (known && !v[i].note) { /* none of cmark-gfm's: as it is (a data text's own links: job_markdown) */
			buf_add(b, val, n);
			continue;
		}
		buf_adds(b, prefix);
		struct buf w = BUF_INIT; /* the value, with the note's new name */
		if (known && name[v[i].note]) {
			buf_adds(&w, v[i].ref ? "fnref-" : "fn-");
			buf_adds(&w, name[v[i].note]);
			if (v[i].r > 1)
				buf_addf(&w, "-%zu", v[i].r);
		} else {
			buf_add(&w, val, n);
		}
		buf_reset(&enc);
		if (link)
			fragment_encoded(&enc, w.p);
		if (link && strcmp(enc.p, w.p) && !strmap_get(&all, enc.p))
			buf_add(b, enc.p, enc.len);
		else
			buf_add(b, w.p, w.len);
		buf_free(&w);
	}
	buf_adds(b, p);
	buf_free(&enc);
	for (size_t k = 0; k <= notes; k++)
		free(name[k]);
	free(name);
	free(refs);
	strmap_free(&all);
	strmap_free(&used);
	free(v), free(lab), free(ll);
}

const char *markdown_notes_section(const char *html)
{
	static const char sec[] = "<section class=\"footnotes\" data-footnotes>\n<ol>\n";
	const char *found = NULL;
	for (const char *q = html; (q = strstr(q, sec)); q++)
		if (q == html || q[-1] == '\n')
			found = q;
	return found;
}

bool markdown_note_item(const char *html, const char *li)
{
	if (strncmp(li, "<li id=\"", 8))
		return false;
	const char *q = li + 8 + strcspn(li + 8, "\"\n");
	bool after = (li - html >= 5 && !strncmp(li - 5, "<ol>\n", 5)) || (li - html >= 6 && !strncmp(li - 6, "</li>\n", 6));
	return after && !strncmp(q, "\">\n", 3);
}

/* Whether id is one the theme gives the page (md_opts.reserved), which raw HTML may name as it is. */
struct theirs_ctx {
	const struct md_reserved *reserved;
	const struct strmap *given; /* the ids the text's raw HTML gives (rawhtml_ids) */
};

static bool theme_id(void *ctx, const char *id)
{
	const struct theirs_ctx *t = ctx;
	/* "top" is the document's top (HTML); a theme's id the text gives itself is the text's (helper-145:
	 * <div id="q"> and <a href="#q"> in a chapter, the search page's "q" reserved) */
	return !strcasecmp(id, "top") || (in_set(t->reserved, id) && !strmap_get(t->given, id));
}

/* A warning at fenced code block n when no fence closes it: CommonMark (4.5) runs it to the end of its
 * container, the document's or a list item's or quote's, and the headings and paragraphs after it
 * were published as code, their links unchecked (helper-144: "````bash" closed by "```"). Closed, its
 * last line (sl: the text's) is a run of at least as many of its fence's characters, after nothing but
 * the containers' marks and white space. */
static void fence_unclosed(const struct md_opts *o, struct src_lines *sl, cmark_node *n)
{
	int flen = 0, foff = 0;
	char fc = 0;
	if (!cmark_node_get_fenced(n, &flen, &foff, &fc) || flen < 3)
		return;
	int l0 = cmark_node_get_start_line(n), l1 = cmark_node_get_end_line(n);
	size_t a = src_offset(sl, l1, 1);
	if (a == SIZE_MAX || l1 <= l0 || l1 > sl->n)
		goto unclosed;
	{
		size_t e = sl->off[l1];
		while (e > a && strchr(" \t\r\n", sl->text[e - 1]))
			e--;
		size_t r = e;
		while (r > a && sl->text[r - 1] == fc)
			r--;
		/* ... and as far in as its container's text: a fence at the line's start after a list item's or a
		 * quote's code ends the item or quote, which the code block goes with, unclosed (helper-145) */
		int in = cmark_node_get_start_column(n) - foff;
		/* (a quote's '>' without its optional space: ">```" closes a fence opened "> ```": helper-158) */
		if (e - r >= (size_t)flen && ((int)(r - a) + 1 >= in || (r > a && sl->text[r - 1] == '>'))) {
			bool only = true;
			for (size_t i = a; i < r && only; i++)
				only = strchr(" \t>", sl->text[i]) != NULL;
			if (only)
				return;
		}
	}
unclosed:;
	int fl, fcol;
	diag_place(&o->at, l0, cmark_node_get_start_column(n), &fl, &fcol);
	diag_warn(o->src ? o->src : "content", fl, fcol, "this code fence (%.*s) is never closed: everything after it, to "
	          "the end of %s, is shown as code; close it with a line of at least %d '%c'", flen > 10 ? 10 : flen,
	          fc == '`' ? "``````````" : "~~~~~~~~~~", cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_DOCUMENT
	          ? "the text" : "its list item or quote", flen, fc);
}

/* A warning at fenced code block n whose language is one GitHub or GitLab draws rather than shows
 * (a diagram, a formula, a map, a 3D model: "```mermaid", "```math"): vade shows its code, which the
 * author meant as a picture (helper-154). Written as any other name ("```text"), it is code. */
static void fence_drawn(const struct md_opts *o, cmark_node *n)
{
	static const char *const drawn[] = {"mermaid", "math", "geojson", "topojson", "stl", "plantuml"};
	static const char *const who[] = {"GitHub and GitLab", "GitHub and GitLab", "GitHub", "GitHub", "GitHub", "GitLab"};
	const char *info = cmark_node_get_fence_info(n);
	size_t w = info ? strcspn(info, " \t{") : 0;
	for (size_t i = 0; w && i < sizeof drawn / sizeof *drawn; i++)
		if (strlen(drawn[i]) == w && !strncasecmp(info, drawn[i], w)) {
			int fl, fc;
			diag_place(&o->at, cmark_node_get_start_line(n), cmark_node_get_start_column(n), &fl, &fc);
			diag_warn(o->src ? o->src : "content", fl, fc, "a '%s' code block, which %s draw%s as a %s, "
			          "is shown as its code: vade draws none; put an image of it in its place, or name its "
			          "language otherwise ('text') to show the code", drawn[i], who[i], strchr(who[i], ' ') ? "" : "s",
			          i == 1 ? "formula" : i == 2 || i == 3 ? "map" : i == 4 ? "3D model" : "diagram");
			return;
		}
}

/* A warning at each row of table t (its header's too) that has more cells in the source (sl: the text's)
 * than its delimiter row: cmark-gfm leaves them out, as GFM's tables do (helper-144: "extra text" was lost,
 * and a '|' in a code span, which splits a cell in GFM, cut "`a|b`" in two and lost its end). Cells are
 * counted as GFM splits them: at each '|' not escaped, one at the line's start or end not counted. */
static void cells_dropped(const struct md_opts *o, struct src_lines *sl, cmark_node *t)
{
	cmark_node *head = cmark_node_first_child(t);
	int cols = 0, said = 0;
	for (cmark_node *c = head ? cmark_node_first_child(head) : NULL; c; c = cmark_node_next(c))
		cols++;
	for (cmark_node *row = head; row && said < 20; row = cmark_node_next(row)) {
		int l = cmark_node_get_start_line(row), c0 = cmark_node_get_start_column(row);
		size_t a = src_offset(sl, l, c0 > 0 ? c0 : 1);
		if (a == SIZE_MAX)
			continue;
		size_t e = sl->off[l];
		while (e > a && strchr(" \t\r\n", sl->text[e - 1]))
			e--;
		size_t b = a;
		while (b < e && (sl->text[b] == ' ' || sl->text[b] == '\t'))
			b++;
		int cells = 1, extra_col = 0;
		bool lost = false; /* a cell left out holds something */
		for (size_t i = b; i < e; i++) {
			/* cmark-gfm's table reads a '|' after a backslash as text whatever is before that ("\\|" too) */
			if (sl->text[i] != '|' || (i > b && sl->text[i - 1] == '\\')) {
				lost = lost || (cells > cols && !isspace((unsigned char)sl->text[i]));
				continue;
			}
			if (i == b || i + 1 == e)
				continue;
			if (++cells == cols + 1)
				extra_col = (int)(i - sl->off[l - 1]) + 1; /* (the '|' before the first cell left out) */
		}
		if (cells <= cols || !lost) /* (empty cells lost lose nothing: "| 1 | 2 | |", helper-145) */
			continue;
		int fl, fc;
		diag_place(&o->at, l, extra_col, &fl, &fc);
		diag_warn(o->src ? o->src : "content", fl, fc, "this table row has %d cells and its header %d: the cells "
		          "after the %d%s are left out, as GFM's tables leave them; a '|' splits a cell in code too "
		          "(write \\| there)", cells, cols, cols, cols == 1 ? "st" : cols == 2 ? "nd" : cols == 3 ? "rd" : "th");
		said++;
	}
}

/* Whether url holds a character that shows as nothing (char_shows_nothing: a soft hyphen, a zero
 * width space, a directional mark, embedding or isolate, a word joiner, U+FEFF...), which a copied
 * address brings along: the browser takes it into the address ("exam%C2%ADple.org",
 * ".../pa%E2%80%8Bth"), which then leads nowhere (helper-144); *cp gets the first. Not a zero width
 * non-joiner or joiner between two letters of a script other than ASCII's, which a Persian or Indic word in the address is written
 * with ("/wiki/می‌خواهم"), nor a variation selector after a
 * character that is no ASCII, whose glyph it selects (an emoji). */
static bool invisible_in(const char *url, uint32_t *cp)
{
	uint32_t prev = 0;
	for (size_t i = 0, n = strlen(url); i < n;) {
		if ((unsigned char)url[i] < 0x80) {
			prev = (unsigned char)url[i++];
			continue;
		}
		uint32_t c;
		size_t k = utf8_decode(url + i, n - i, &c);
		if (!k) {
			prev = 0;
			i++;
			continue;
		}
		if (char_stray_invisible(url, n, i, k, c, prev)) {
			*cp = c;
			return true;
		}
		prev = c;
		i += k;
	}
	return false;
}

/* Whether s[0, n) holds one of the characters of set. */
static bool strpbrk_n(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(set, s[i]))
			return true;
	return false;
}

/* A scan of a span of a block's source t[a, e) for the text's own characters: not escaped, and outside
 * code spans, each a run of backticks to the next run of as many (CommonMark 6.1: two backticks, an MDX
 * comment and two backticks are code, and a backslash in code is no escape, "`C:\Users\`"; a run no
 * other closes is text, "the ` key"). Whether a run is closed is known from where the last run of each
 * length starts, found in one pass when a run is first met, as cmark-gfm's inlines.c knows it: a
 * page of unclosed runs of many lengths stays linear (helper-166). */
#define PROSE_TICKS_MAX 1000 /* a longer run is closed by none, as cmark-gfm's MAXBACKTICKS */
struct prose_scan {
	const char *t;
	size_t a, e;
	size_t *last; /* [nlast + 1]: where the last run of each length starts (a when none), made when a
	               * run is first met, as long as the longest run of the span (at most PROSE_TICKS_MAX) */
	size_t nlast;
};

static void prose_scan_init(struct prose_scan *ps, const char *t, size_t a, size_t e)
{
	*ps = (struct prose_scan){t, a, e, NULL, 0};
}

static void prose_scan_free(struct prose_scan *ps)
{
	free(ps->last);
	ps->last = NULL;
}

/* A step at *i: true where t[*i] is the text's own; false on an escape (*i then on the character it
 * escapes) and on a code span (*i then on its last backtick) or a run of backticks that is text. */
static bool prose_at(struct prose_scan *ps, size_t *i)
{
	const char *t = ps->t;
	if (t[*i] == '\\') {
		*i += *i + 1 < ps->e && ispunct((unsigned char)t[*i + 1]);
		return false;
	}
	if (t[*i] != '`')
		return true;
	if (!ps->last) {
		for (int pass = 0; pass < 2; pass++) { /* (the longest run, then where each length last starts) */
			if (pass) {
				ps->last = xmalloc((ps->nlast + 1) * sizeof *ps->last);
				for (size_t k = 0; k <= ps->nlast; k++)
					ps->last[k] = ps->a;
			}
			for (size_t c = ps->a, d; c < ps->e; c = d > c ? d : c + 1) {
				for (d = c; d < ps->e && t[d] == '`'; d++)
					;
				if (d > c && !pass && d - c <= PROSE_TICKS_MAX && d - c > ps->nlast)
					ps->nlast = d - c;
				else if (d > c && pass && d - c <= ps->nlast)
					ps->last[d - c] = c;
			}
		}
	}
	size_t k = *i;
	while (k < ps->e && t[k] == '`')
		k++;
	size_t run = k - *i;
	if (run <= ps->nlast && ps->last[run] > *i)
		for (size_t c = k, d; c < ps->e; c = d > c ? d : c + 1) {
			for (d = c; d < ps->e && t[d] == '`'; d++)
				;
			if (d - c == run) {
				*i = d - 1;
				return false;
			}
		}
	*i = k - 1;
	return false;
}

/* What a block's marks have said already: each kind once a block (a table's cells are one block). */
struct block_said {
	bool latex, dollar, mdx, docfx;
};

/* Warns at the place i of the source (src_place: its line and column). */
static void warn_at(const struct md_opts *o, const struct src_lines *sl, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void warn_at(const struct md_opts *o, const struct src_lines *sl, size_t i, const char *fmt, ...)
{
	int line, col, fl, fc;
	src_place(sl, i, &line, &col);
	diag_place(&o->at, line, col, &fl, &fc);
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_warn(o->src ? o->src : "content", fl, fc, "%s", msg.p);
	buf_free(&msg);
}

/* LaTeX's math delimiters in a span of a block's source t[a, e): "\\(a^2\\)" and "\\[x_1\\]", which
 * Markdown reads as escaped brackets, their backslashes gone ("(a^2)"; helper-158 found them in
 * Hugo's docs, which MathJax typesets). A warning at the first, outside code, whose math holds '^',
 * '_', '=' or a command ('\\frac'). */
/* Whether s[0, n), between LaTeX's delimiters, is math: a command ("\\frac", not a regular
 * expression's "\\d"), a power ("a^2", not "^1" of a footnote's mark written "\\[^1\\]"), a subscript
 * to a letter alone or a group ("x_1", "a_{ij}", not "my_var" in "\\[my_label\\]"), or, with eq, an
 * equation ("E = mc", not a URL's query): helper-160 */
static bool latexy(const char *s, size_t n, bool eq)
{
	bool url = memmem(s, n, "://", 3) != NULL;
	for (size_t i = 0; i < n; i++)
		if ((s[i] == '\\' && i + 2 < n && isalpha((unsigned char)s[i + 1]) && isalpha((unsigned char)s[i + 2])) ||
		    (s[i] == '^' && i) || (s[i] == '=' && eq && !url) ||
		    (s[i] == '_' && i && (s[i - 1] == '}' || (isalnum((unsigned char)s[i - 1]) && (i == 1 || !isalnum((unsigned char)s[i - 2]))))))
			return true;
	return false;
}

static bool latex_math(const struct md_opts *o, struct src_lines *sl, size_t a, size_t e, struct prose_scan *ps)
{
	const char *t = sl->text;
	if (!memchr(t + a, '\\', e - a) || (!memmem(t + a, e - a, "\\(", 2) && !memmem(t + a, e - a, "\\[", 2)))
		return false;
	bool said = false;
	for (size_t i = a; i + 1 < e && !said; i++) {
		if (t[i] == '`') { /* (a code span passed over, as CommonMark reads one: helper-166) */
			prose_at(ps, &i);
			continue;
		}
		if (t[i] != '\\')
			continue;
		char c = t[i + 1], close = c == '(' ? ')' : c == '[' ? ']' : 0;
		if (!close) {
			i++; /* (another escape) */
			continue;
		}
		size_t j = i + 2, end = SIZE_MAX;
		for (; j + 1 < e && j < i + 300 && end == SIZE_MAX; j++)
			if (t[j] == '\\' && t[j + 1] == close)
				end = j;
			else if (t[j] == '\\')
				j++;
		if (end == SIZE_MAX || end == i + 2 || !latexy(t + i + 2, end - i - 2, c == '(')) {
			i++;
			continue;
		}
		warn_at(o, sl, i, "'%.*s' is LaTeX's math, which vade does not typeset: Markdown reads '\\%c' as an "
		        "escaped '%c' and shows the rest as text; write it as code (`...`), or as an image",
		        (int)(end + 2 - i > 60 ? 60 : end + 2 - i), t + i, c, c);
		said = true;
	}
	return said;
}

/* Where the closing "*", "/" and "}" of an MDX comment opened before at is (spaces may stand before the
 * brace), anywhere on in the text (a comment may hold blank lines), or SIZE_MAX; its end in *end. The
 * answer for one place serves every place from it up to the close (sl->mdx_from, sl->mdx_close):
 * asked in the blocks' order, the text is read once. */
static size_t mdx_close(struct src_lines *sl, size_t at, size_t *end)
{
	if (!sl->mdx_known || at < sl->mdx_from || (sl->mdx_close != SIZE_MAX && at > sl->mdx_close)) {
		sl->mdx_known = true;
		sl->mdx_from = at;
		sl->mdx_close = SIZE_MAX;
		for (const char *c = sl->text + at; (c = memmem(c, sl->len - (size_t)(c - sl->text), "*/", 2)); c += 2) {
			size_t sp = span_of(sl->text, (size_t)(c - sl->text) + 2, sl->len, " \t\r\n");
			if ((size_t)(c - sl->text) + 2 + sp < sl->len && c[2 + sp] == '}') {
				sl->mdx_close = (size_t)(c - sl->text);
				break;
			}
		}
	}
	if (sl->mdx_close != SIZE_MAX)
		*end = sl->mdx_close + 2 + span_of(sl->text, sl->mdx_close + 2, sl->len, " \t\r\n") + 1;
	return sl->mdx_close;
}

/* Other tools' marks anywhere in a span of a block's source t[a, e), outside code,
 * which cmark-gfm reads as text: MDX's comment, "{/" and a star, words, a star and "/}" (Docusaurus's
 * "truncate" marker is one; white space may stand inside the braces; not a Go template's, "{{/", which
 * is a template action), and DocFX's inline include, "[!include[title](file.md)]", whose file was not
 * included (helper-164: both on their own line, inside a line and in a table's cell said nothing;
 * helper-165, helper-166: in a heading, and a comment over 300 bytes, several paragraphs or lines). A
 * paragraph's first line is foreign_block()'s; lead is where the scan may find DocFX's include: from
 * the span's start for a table's cell or a heading, past its first line's start for a paragraph. A
 * heading's comment at its text's end (head_end; else SIZE_MAX) is heading_attributes()'s. */
static void other_marks(const struct md_opts *o, struct src_lines *sl, size_t a, size_t e, size_t lead,
                        size_t head_end, struct block_said *said, struct prose_scan *ps)
{
	const char *t = sl->text;
	for (size_t i = a; i < e && !(said->mdx && said->docfx); i++) {
		if (!prose_at(ps, &i) || (t[i] != '{' && t[i] != '['))
			continue;
		size_t end = SIZE_MAX, open = i + 1 + span_of(t, i + 1, e, " \t\r\n");
		bool *kind = NULL;
		const char *what = NULL;
		if (t[i] == '{' && !said->mdx && open + 2 < e && t[open] == '/' && t[open + 1] == '*' &&
		    (i == a || t[i - 1] != '{') && mdx_close(sl, open + 2, &end) != SIZE_MAX) {
			kind = &said->mdx;
			what = "is a comment (MDX's), which vade does not read: it is published as text; leave it out, or "
			       "hide it in an HTML comment, <!-- -->";
			if (end + span_of(t, end, sl->len, " \t#\r") >= head_end)
				kind = NULL; /* (after the heading's words: its id's business) */
		} else if (t[i] == '[' && !said->docfx && i >= lead && i + 10 < e && !strncasecmp(t + i, "[!include", 9) &&
		           (t[i + 9] == '[' || (t[i + 9] == ' ' && t[i + 10] == '['))) {
			const char *c = memmem(t + i + 9, (e - i - 9) < 300 ? e - i - 9 : 300, ")]", 2);
			end = c ? (size_t)(c - t) + 2 : i + 9;
			kind = &said->docfx;
			what = "is an include (DocFX's), whose file is not included: it is published as text and a link; put "
			       "the file's text here";
		}
		if (!kind)
			continue;
		*kind = true;
		/* (shown to its first line's end, at most 60 bytes) */
		const char *nl = memchr(t + i, '\n', end - i);
		size_t shown = nl ? (size_t)(nl - t) - i : end - i;
		bool cut = nl || shown > 60;
		shown = shown > 60 ? 60 : shown;
		warn_at(o, sl, i, "'%.*s%s' %s", (int)shown, t + i, cut ? "..." : "", what);
	}
}

/* Where an address that starts at t[i] ends (t[.., e)), or i: a link's destination after "](", an
 * autolink's "<scheme:...>", a bare web address ("https://", "www.") to a space. Math is not looked
 * for in them: "?$select=a_b&$top=5", OData's query, is no math (helper-166). */
static size_t past_address(const char *t, size_t i, size_t e)
{
	size_t j = i;
	if (t[i] == ']' && i + 1 < e && t[i + 1] == '(') {
		int depth = 0;
		for (j = i + 2; j < e && t[j] != '\n' && !(t[j] == ')' && depth == 0); j++)
			depth += (t[j] == '(') - (t[j] == ')' && depth > 0);
		return j;
	}
	/* (each read within t[.., e): a text need not end in NUL) */
	bool web = ((e - i >= 7 && !memcmp(t + i, "http://", 7)) || (e - i >= 8 && !memcmp(t + i, "https://", 8)) ||
	            (e - i >= 4 && !memcmp(t + i, "www.", 4))) &&
	           (i == 0 || !isalnum((unsigned char)t[i - 1]));
	if (t[i] == '<' && i + 1 < e && isalpha((unsigned char)t[i + 1])) {
		size_t k = i + 1 + span_of(t, i + 1, e, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
		if (k < e && t[k] == ':')
			for (j = k; j < e && t[j] != '>' && t[j] != ' ' && t[j] != '\n'; j++)
				;
		return j;
	}
	if (web)
		for (j = i; j < e && !isspace((unsigned char)t[j]) && t[j] != '<'; j++)
			;
	return j;
}

/* Inline math in a span of a block's source t[a, e), as Pandoc reads it: '$', a character that is no
 * space, to a '$' after one that is no space and before no digit ("$5 and $10" is none), holding
 * what Markdown reads as its own ('*', '_', '\\', '^'): vade does not typeset it, and "$x*y*z$" was
 * published as x<em>y</em>z (helper-144). Code spans and addresses are passed over. */
static bool dollar_math(const struct md_opts *o, struct src_lines *sl, size_t a, size_t e, struct prose_scan *ps)
{
	const char *t = sl->text;
	if (!memchr(t + a, '$', e - a))
		return false;
	size_t open = SIZE_MAX;
	bool said = false;
	for (size_t i = a; i < e && !said; i++) {
		size_t past = past_address(t, i, e);
		if (past > i) {
			i = past;
			open = SIZE_MAX;
			continue;
		}
		if (t[i] == '`')
			open = SIZE_MAX;
		if (!prose_at(ps, &i) || t[i] != '$')
			continue;
		if (open == SIZE_MAX) {
			if (i + 1 < e && !isspace((unsigned char)t[i + 1]) && t[i + 1] != '$')
				open = i;
		} else if (!isspace((unsigned char)t[i - 1]) && !(i + 1 < e && isdigit((unsigned char)t[i + 1]))) {
			size_t k = open;
			open = SIZE_MAX;
			if (!memchr(t + k, '\n', i - k) && strpbrk_n(t + k + 1, i - k - 1, "*_\\^")) {
				warn_at(o, sl, k, "'%.*s' looks like inline math, which vade does not typeset: its '*', '_', "
				        "'\\' and '^' are read as Markdown; write it as code (`...`), or escape them",
				        (int)(i - k + 1 > 60 ? 60 : i - k + 1), t + k);
				said = true;
			}
		}
	}
	return said;
}

/* The marks of a span of a block's source (block_marks), each kind once a block. */
static void span_marks(const struct md_opts *o, struct src_lines *sl, size_t a, size_t e, size_t lead,
                       size_t head_end, struct block_said *said)
{
	struct prose_scan ps; /* (one for the three: the runs of backticks are found once) */
	prose_scan_init(&ps, sl->text, a, e);
	if (!said->latex)
		said->latex = latex_math(o, sl, a, e, &ps);
	other_marks(o, sl, a, e, lead, head_end, said, &ps);
	if (!said->dollar)
		said->dollar = dollar_math(o, sl, a, e, &ps);
	prose_scan_free(&ps);
}

/* Other tools' math and marks in block n's source (a paragraph, a table, a heading), outside code: a
 * table's each cell on its own, as GFM splits them before it reads inlines (a code span, math or a
 * comment never runs from one cell into another: helper-166); a heading's text without its setext
 * underline. */
static void block_marks(const struct md_opts *o, struct src_lines *sl, cmark_node *n)
{
	int l0 = cmark_node_get_start_line(n), l1 = cmark_node_get_end_line(n);
	size_t a = src_offset(sl, l0, 1);
	if (a == SIZE_MAX || l1 < l0 || l1 > sl->n)
		return;
	const char *t = sl->text;
	struct block_said said = {false, false, false, false};
	cmark_node_type type = cmark_node_get_type(n);
	if (type == CMARK_NODE_PARAGRAPH) {
		size_t first = src_offset(sl, l0, cmark_node_get_start_column(n));
		/* (an include that starts the paragraph is foreign_block()'s, and so are the others in it) */
		said.docfx = first != SIZE_MAX && first + 9 <= sl->len && !strncasecmp(t + first, "[!INCLUDE", 9);
		span_marks(o, sl, a, sl->off[l1], first != SIZE_MAX ? first + 1 : a, SIZE_MAX, &said);
	} else if (type == CMARK_NODE_HEADING) {
		int last = heading_text_end(sl, n);
		size_t he = sl->off[last] - (sl->off[last] > 0 && t[sl->off[last] - 1] == '\n');
		span_marks(o, sl, a, he, a, he, &said);
	} else {
		for (int l = l0; l <= l1; l++) {
			size_t from = sl->off[l - 1], to = sl->off[l];
			for (size_t c = from, k = from; k <= to; k++)
				if (k == to || (t[k] == '|' && !(k > from && t[k - 1] == '\\'))) {
					if (k > c)
						span_marks(o, sl, c, k, c, SIZE_MAX, &said);
					c = k + 1;
				}
		}
	}
}

/* The end an HTML block that lit (its text) starts needs and lacks, or NULL: CommonMark's HTML blocks
 * of kinds 1 to 5 (4.6: <script>, <pre>, <style>, <textarea>; a comment; a processing instruction; a
 * declaration; CDATA) run to their end condition, and without it to the end of their container (helper-
 * 144: "<!-- more ->" took the rest of the page into a comment that never ends, which a browser hides,
 * footer and scripts too; left out as raw HTML, the rest of the text went with it). */
static const char *html_block_unclosed(const char *lit)
{
	/* (cmark-gfm 0.29 ends a <textarea> block at a blank line, as any tag's: CommonMark 0.30's kind 1 has
	 * it, helper-145) */
	static const char *const raw_text[][2] = {{"<script", "</script>"}, {"<pre", "</pre>"},
	                                          {"<style", "</style>"}};
	const char *h = lit + strspn(lit, " ");
	for (size_t i = 0; i < sizeof raw_text / sizeof *raw_text; i++) {
		size_t k = strlen(raw_text[i][0]);
		if (!strncasecmp(h, raw_text[i][0], k) && (!h[k] || strchr(" \t\n\r>", h[k])))
			return strcasestr(h + k, raw_text[i][1]) ? NULL : raw_text[i][1];
	}
	if (!strncmp(h, "<!--", 4))
		return strstr(h + 2, "-->") ? NULL : "-->";
	if (!strncmp(h, "<?", 2))
		return strstr(h + 2, "?>") ? NULL : "?>";
	if (!strncmp(h, "<![CDATA[", 9))
		return strstr(h + 9, "]]>") ? NULL : "]]>";
	if (!strncmp(h, "<!", 2) && isalpha((unsigned char)h[2]))
		return strchr(h + 2, '>') ? NULL : ">";
	/* any other block (a <div>'s, to a blank line) that leaves a comment open: the browser hides what
	 * follows it, the rest of the page (helper-145) */
	for (const char *c = h; (c = strstr(c, "<!--")); ) {
		const char *e = strstr(c + 2, "-->");
		if (!e)
			return "-->";
		c = e + 3;
	}
	return NULL;
}

/* The ids raw HTML gives and names in doc, with prefix before them (rawhtml.h); an error at a raw
 * HTML text too costly to read so. Each text is read once: the ids all of them give, then the
 * references each makes. */
static void prefix_raw_ids(const struct md_opts *o, cmark_node *doc, const char *prefix)
{
	struct strmap given = STRMAP_INIT_OWNED;
	struct raw_node {
		cmark_node *n;
		struct rawhtml_attrs a;
		bool refused;
	} *raw = NULL;
	size_t nraw = 0, cap = 0;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *lit = ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_HTML_BLOCK)
		                      ? cmark_node_get_literal(n) : NULL;
		if (!lit)
			continue;
		if (nraw == cap)
			raw = xrealloc(raw, (cap = cap ? cap * 2 : 8) * sizeof *raw);
		struct raw_node *r = &raw[nraw++];
		r->n = n;
		r->refused = rawhtml_read(lit, strlen(lit), &r->a) < 0;
		rawhtml_given(&r->a, &given);
	}
	cmark_iter_free(it);
	struct theirs_ctx tc = {o->reserved, &given};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < nraw; i++) {
		cmark_node *n = raw[i].n;
		const char *lit = cmark_node_get_literal(n);
		buf_reset(&b);
		if (raw[i].refused) {
			int line, col;
			diag_place(&o->at, cmark_node_get_start_line(n), cmark_node_get_start_column(n), &line, &col);
			diag_error(o->src ? o->src : "content", line, col,
			           "raw HTML whose elements an HTML parser must take apart and rebuild over and over (formatting "
			           "elements such as <b>, <i>, <a> left open, many of them, or a tag of thousands of attributes): "
			           "a handbook chapter's ids cannot be found in it; close each element");
			cmark_node_set_literal(n, "");
		} else if (rawhtml_prefix(lit, strlen(lit), &raw[i].a, prefix, theme_id, &tc, &b) > 0) {
			cmark_node_set_literal(n, b.p);
		}
		rawhtml_attrs_free(&raw[i].a);
	}
	free(raw);
	buf_free(&b);
	strmap_free(&given);
}

void markdown_html_ids(struct strmap *ids, const char *html, const char *prefix)
{
	size_t pl = strlen(prefix);
	for (const char *p = html; (p = strstr(p, " id=\"")); ) {
		p += 5;
		if (strncmp(p, prefix, pl))
			continue;
		char *id = xstrndup(p + pl, strcspn(p + pl, "\""));
		strmap_put(ids, id, NULL);
		free(id);
	}
}

/* GFM's task list items ("- [ ] call the hotline", "- [x] done"), which cmark-gfm's tasklist extension
 * finds, begin with a ballot box, empty (U+2610) or checked (U+2611), as text: the extension writes a
 * disabled <input type="checkbox"> no one can name (axe: "Form elements must have labels", critical),
 * and a box of text prints on a card for a pen to tick. They were "[ ] ..." before (helper-146). */
/* Whether list item n, in a block quote, starts with a task's marker ("[ ] ", "[x] ") in its first
 * paragraph's text: cmark-gfm's tasklist extension finds none in a quote (helper-150: "> - [ ] a"
 * stayed "[ ] a"), where GitHub finds them. Only there: elsewhere an item the extension passed over
 * is none. */
static bool quoted_task(cmark_node *n)
{
	cmark_node *p = cmark_node_first_child(n), *t = p ? cmark_node_first_child(p) : NULL;
	const char *l = t && cmark_node_get_type(p) == CMARK_NODE_PARAGRAPH && cmark_node_get_type(t) == CMARK_NODE_TEXT
	                    ? cmark_node_get_literal(t) : NULL;
	return l && l[0] == '[' && (l[1] == ' ' || l[1] == 'x' || l[1] == 'X') && l[2] == ']' && l[3] == ' ' && l[4];
}

static void task_items(cmark_node *doc)
{
	cmark_syntax_extension *tasklist = cmark_find_syntax_extension("tasklist");
	if (!tasklist)
		return;
	struct vec items = VEC_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	size_t quoted = 0; /* block quotes open */
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_BLOCK_QUOTE)
			quoted += ev == CMARK_EVENT_ENTER ? 1 : -1;
		if (ev == CMARK_EVENT_ENTER && t == CMARK_NODE_ITEM &&
		    (cmark_node_get_syntax_extension(n) == tasklist || (quoted && quoted_task(n))))
			vec_push(&items, n);
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < items.n; i++) {
		cmark_node *item = items.v[i], *first = cmark_node_first_child(item);
		bool checked;
		if (cmark_node_get_syntax_extension(item) == tasklist) {
			checked = cmark_gfm_extensions_get_tasklist_item_checked(item);
			cmark_node_set_syntax_extension(item, NULL); /* an item as any other, with the box as its text */
		} else { /* its "[ ] " taken off the text (quoted_task) */
			cmark_node *t = cmark_node_first_child(first);
			const char *l = cmark_node_get_literal(t);
			checked = l[1] != ' ';
			char *rest = xstrdup(l + 4);
			cmark_node_set_literal(t, rest);
			free(rest);
		}
		cmark_node *box = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(box, checked ? "\u2611 " : "\u2610 ");
		if (first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH) {
			cmark_node *t = cmark_node_first_child(first);
			if (t)
				cmark_node_insert_before(t, box);
			else
				cmark_node_append_child(first, box);
		} else {
			cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
			cmark_node_append_child(para, box);
			if (first)
				cmark_node_insert_before(first, para);
			else
				cmark_node_append_child(item, para);
		}
	}
	vec_free(&items);
}

/* How many bytes of text[at, end) from at are in set (a text need not end in NUL: strspn read past). */
static size_t span_of(const char *text, size_t at, size_t end, const char *set)
{
	size_t n = at;
	while (n < end && text[n] && strchr(set, text[n]))
		n++;
	return n - at;
}

/* A second front matter block at the start of a page's body, after its own: CommonMark reads
 * "---", "author: x", "---" as a thematic break and a heading of its lines (an <h2>), "---",
 * "tags:", "- a", "---" as a break, a paragraph and a list, one closed with YAML's "..." as a
 * paragraph, and Hugo's TOML ("+++", "title = \"x\"", "+++") as a paragraph too: the page showed
 * them (helper-154, helper-156). A warning at its first line: a body whose first line is "---"
 * (front matter's; not "***" nor "- - -": helper-155) and whose next lines, to a line "---" or
 * "...", are a YAML mapping as libyaml reads it (comments, lists and all), or whose first line is
 * "+++" and whose first line after it, to a line "+++", is a TOML key and '=' or a table. A blank line
 * after the "---" makes it a rule (helper-155), and one before the closing "---" too (helper-159). */
static void second_front_matter(const struct md_opts *o, const char *text, size_t len)
{
	size_t sl = o->src ? strlen(o->src) : 0;
	if (o->at.line <= 1 || sl < 3 || strcmp(o->src + sl - 3, ".md"))
		return; /* (a page body after front matter) */
	/* the body's first line that is not blank, its number, and the line after it */
	size_t at = 0, e = 0;
	int line = 1;
	for (;; line++, at = e) {
		const char *nl = at < len ? memchr(text + at, '\n', len - at) : NULL;
		e = nl ? (size_t)(nl - text) + 1 : len;
		size_t s = at + span_of(text, at, len, " \t\r");
		if (s >= len || text[s] != '\n')
			break;
	}
	if (len - at >= 3 && !memcmp(text + at, "\xef\xbb\xbf", 3))
		at += 3; /* (a byte order mark where two files were joined: helper-162) */
	/* the line at [a, b) without its end's spaces is fence */
#define LINE_IS(a, b, fence) ((b) - (a) >= 3 && !strncmp(text + (a), fence, 3) && \
                              span_of(text, (a) + 3, (b), " \t\r\n") == (b) - (a) - 3)
	bool toml = LINE_IS(at, e, "+++");
	if (at >= len || !(toml || LINE_IS(at, e, "---")))
		return;
	size_t from = e, to = SIZE_MAX;
	size_t sp = from + span_of(text, from, len, " \t\r");
	if (sp < len && text[sp] == '\n')
		return; /* a blank line after it: a rule (this warning's advice) */
	for (size_t a = from, b; a < len && to == SIZE_MAX; a = b) {
		const char *nl = memchr(text + a, '\n', len - a);
		b = nl ? (size_t)(nl - text) + 1 : len;
		if (toml ? LINE_IS(a, b, "+++") : LINE_IS(a, b, "---") || LINE_IS(a, b, "..."))
			to = a;
	}
#undef LINE_IS
	if (to == SIZE_MAX || to == from)
		return;
	if (!toml) {
		/* what Markdown reads otherwise: a blank line before the closing "---" makes the lines
		 * between paragraphs between two rules ("Q: ...", "A: ...": helper-159), and a first line
		 * indented four columns code */
		size_t p = to - 1;
		while (p > from && strchr(" \t\r", text[p - 1]))
			p--;
		if (p == from || text[p - 1] == '\n' || text[from] == '\t' || !strncmp(text + from, "    ", 4))
			return;
	}
	char key[48] = "";
	bool table = false;
	if (toml) {
		/* its first line that is neither blank nor a comment: "key =" or "[table]" */
		size_t a = from;
		while (a < to && strchr(" \t\r\n#", text[a])) {
			const char *nl = text[a] == '#' ? memchr(text + a, '\n', to - a) : NULL;
			a = text[a] != '#' ? a + 1 : nl ? (size_t)(nl - text) + 1 : to;
		}
		size_t k = a < to ? strcspn(text + a, text[a] == '[' ? "\r\n" : "= \t\r\n") : 0;
		while ((table = a < to && text[a] == '[') && k && strchr(" \t", text[a + k - 1]))
			k--; /* ("[params]", "[[menu.main]]", to its last ']') */
		if (!k || k >= sizeof key || a + k >= to ||
		    (table ? k < 3 || text[a + k - 1] != ']' : text[a + k + strspn(text + a + k, " \t")] != '='))
			return;
		memcpy(key, text + a, k);
		key[k] = '\0';
	} else if (!yml_is_mapping(text + from, to - from, key, sizeof key) || !key[0] ||
	           (key[0] == '<' && key[1] != '<')) {
		return; /* (nor a link's definition, "[x]: /y", a key that is no text, nor HTML, "<!-- note: x -->") */
	}
	int fl, fc;
	diag_place(&o->at, line, 1, &fl, &fc);
	/* one line of prose after a label, "Note: this page is about cats.", a word capitalized and three words
	 * or more after it: Markdown shows a rule and a heading, where the author meant a paragraph between
	 * two rules (helper-164: the warning called it a second front matter) */
	const char *nl = memchr(text + from, '\n', to - from), *v = text + from + strlen(key) + 1;
	bool prose = !toml && nl && (size_t)(nl - text) + 1 == to && isupper((unsigned char)key[0]) &&
	             strspn(key + 1, "abcdefghijklmnopqrstuvwxyz") == strlen(key) - 1 && v < nl;
	int words = 0;
	for (const char *q = v; prose && q + 1 < nl; q++)
		words += *q == ' ' && q[1] != ' ';
	prose = prose && words >= 3;
	if (prose) {
		diag_warn(o->src, fl, fc, "'---', then '%.*s', then '---': Markdown shows a rule and a heading (a line of text "
		          "with '---' under it is a heading), not a paragraph; for a rule and a paragraph, put a blank line "
		          "before the second '---' (or, if it is front matter, put it in the first block)",
		          (int)(nl - (text + from) > 40 ? 40 : nl - (text + from)), text + from);
		return;
	}
	diag_warn(o->src, fl, fc, "a second front matter block ('%s', then '%s%s...'): vade reads the page's first "
	          "alone, and this one is shown as text of the page; put its keys in the first%s", toml ? "+++" : "---",
	          key, table ? "" : toml ? " =" : ":",
	          toml ? ", written as YAML" : " (or, for a rule, put a blank line after this '---')");
}

/* The length of Liquid's tag "raw" or "endraw" at s, in any of its spellings ("{% raw %}", "{%raw%}",
 * "{%- raw -%}", trimming white space on either side: helper-164), or 0. */
static size_t liquid_raw_tag(const char *s)
{
	if (strncmp(s, "{%", 2))
		return 0;
	size_t i = 2;
	i += s[i] == '-';
	i += strspn(s + i, " \t");
	if (!strncmp(s + i, "endraw", 6))
		i += 6;
	else if (!strncmp(s + i, "raw", 3))
		i += 3;
	else
		return 0;
	i += strspn(s + i, " \t");
	i += s[i] == '-';
	return strncmp(s + i, "%}", 2) ? 0 : i + 2;
}

/* Another generator's way to show its own syntax as code, in code n: Hugo's shortcode with a comment's
 * marks inside its braces ("{{<", a slash and a star, "figure", a star and a slash, ">}}"), Jekyll's
 * "{% raw %}" and "{% endraw %}" around Liquid. vade shows code as it
 * is written, those marks too, and a reader copied code that works nowhere (helper-158: 30 of Hugo's
 * docs). A warning at the first of them. */
static void code_escapes(const struct md_opts *o, struct src_lines *sl, cmark_node *n)
{
	static const char *const hugo[][2] = {{"{{</*", "{{< ... >}}"}, {"{{%/*", "{{% ... %}}"}};
	const char *lit = cmark_node_get_literal(n);
	if (!lit || !strchr(lit, '{'))
		return;
	const char *at = NULL, *write = "what is between them";
	size_t len = 0;
	for (size_t i = 0; i < sizeof hugo / sizeof *hugo && !at; i++)
		if ((at = strstr(lit, hugo[i][0])))
			len = strlen(hugo[i][0]), write = hugo[i][1];
	for (const char *q = lit; !at && (q = strstr(q, "{%")); q += 2)
		if ((len = liquid_raw_tag(q)))
			at = q;
	if (!at)
		return;
	/* a code span that is the tag alone names it ("wrap it in `{% raw %}`": helper-160) */
	if (cmark_node_get_type(n) == CMARK_NODE_CODE && at == lit + strspn(lit, " ") && !at[len + strspn(at + len, " ")])
		return;
	int fl, fc, l = cmark_node_get_start_line(n);
	if (cmark_node_get_type(n) == CMARK_NODE_CODE) {
		node_place(o, sl, n, at, len, 0, &fl, &fc);
	} else {
		for (const char *q = lit; q < at; q++)
			l += *q == '\n';
		int flen, foff;
		char fch;
		l += cmark_node_get_fenced(n, &flen, &foff, &fch) != 0; /* (its fence's line first) */
		diag_place(&o->at, l, 1, &fl, &fc);
	}
	diag_warn(o->src ? o->src : "content", fl, fc, "'%.*s' in code is %s way to show its own syntax as code: vade "
	          "shows code as written, these marks too; write %s", (int)len, at, at[1] == '{' ? "Hugo's" : "Jekyll's",
	          write);
}

/* VitePress's include, written as an HTML comment ("<!--@include: ./parts/basics.md-->"): left out
 * as a comment is, its file's text was missing from the page without a word (helper-158). A warning
 * at raw HTML node n that is one. */
static void include_comment(const struct md_opts *o, cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n), *c = lit ? lit + strspn(lit, " ") : NULL;
	if (!c || strncmp(c, "<!--", 4) || strncmp(c + 4 + strspn(c + 4, " "), "@include:", 9))
		return;
	int fl, fc;
	diag_place(&o->at, cmark_node_get_start_line(n), cmark_node_get_start_column(n), &fl, &fc);
	diag_warn(o->src ? o->src : "content", fl, fc, "'%.*s' is an include (VitePress's) in an HTML comment: vade "
	          "leaves the comment out and includes no file; put the file's text here", (int)strcspn(c, "\n"), c);
}

void markdown_render(const struct md_opts *o, const char *text, size_t len, struct md_result *out)
{
	int options = CMARK_OPT_FOOTNOTES | CMARK_OPT_SMART | (o->unsafe_html ? CMARK_OPT_UNSAFE : 0);
	cmark_parser *p = new_parser(options, o->cite != NULL);
	cmark_node *doc = parse(p, o, text, len);
	/* without the marks inside the footnote definitions left out, as often as that leaves one more out */
	char *blanked = NULL; /* (a text past the limits is no document: parse() fed it nothing) */
	if (memmem(text, len, "[^", 2) && cmark_node_first_child(doc)) {
		blanked = xmalloc(len + 1);
		memcpy(blanked, text, len);
		blanked[len] = '\0';
	}
	struct strmap hidden = STRMAP_INIT_OWNED; /* the labels of the marks blanked */
	while (blanked && blank_hidden_marks(doc, blanked, len, &hidden)) {
		cmark_node_free(doc);
		cmark_parser_free(p);
		p = new_parser(options, o->cite != NULL);
		char *guarded = guard_note_labels(blanked, len);
		cmark_parser_feed(p, guarded ? guarded : blanked, len); /* (within limits: the text was) */
		cite_link_labels(memchr(blanked, '@', len) && memmem(blanked, len, "[@", 2) ? blanked : NULL, len);
		doc = finish(p);
		cite_link_labels(NULL, 0);
		if (guarded)
			unguard_note_labels(doc);
		free(guarded);
	}
	free(blanked);
	memset(out, 0, sizeof *out);
	buf_init(&out->html);
	/* before headings and passages in another language are rendered on their own (helper-143: raw HTML
	 * in a heading kept its ids) */
	if (o->prefix_raw && o->unsafe_html && o->id_prefix && *o->id_prefix)
		prefix_raw_ids(o, doc, o->id_prefix);
	if (memmem(text, len, "[ ]", 3) || memmem(text, len, "[x]", 3) || memmem(text, len, "[X]", 3))
		task_items(doc); /* (a walk of the page's nodes, for the pages that may hold a task) */
	second_front_matter(o, text, len);
	struct src_lines sl = {.text = text, .len = len};
	if (memchr(text, '@', len) && (memmem(text, len, "--", 2) || memchr(text, '\'', len)))
		smart_addresses(o, &sl, doc);
	option_dashes(doc, text, len);

	/* Links and images in reading order with the block that holds each (blocks), and the links
	 * inside a link's text (nested), found in one walk: asking each node's ancestors cost time
	 * in the square of the depth, 20,000 nested images 8.5 s (helper-74). */
	struct vec links = VEC_INIT, blocks = VEC_INIT, nested = VEC_INIT, open = VEC_INIT;
	struct vec cuts = VEC_INIT; /* pairs: a link's index in links, the invisible character it was cut at */
	size_t in_link = 0, in_image = 0;
	struct vec marks_in = VEC_INIT; /* footnote marks in a link's or an image's text */
	struct idset ids = {.map = STRMAP_INIT_OWNED};
	size_t tcap = 0;
	bool dropped = !o->drop_first_h1;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	/* headings, paragraphs, text with a '{' (shortcodes), raw HTML, its <br> (keep_as_break) */
	struct vec heads = VEC_INIT, blocks_p = VEC_INIT, braced = VEC_INIT, raw = VEC_INIT, breaks = VEC_INIT,
	           inl = VEC_INIT, /* text with "%%", "[[" or '{' (foreign_inline) */
	           tabled = VEC_INIT; /* tables, for inline_math */
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		bool block = (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK;
		if (ev == CMARK_EVENT_EXIT) {
			/* (a leaf block, a code block, has no exit: it goes with the block after it) */
			while (block && open.n && open.v[--open.n] != n)
				;
			in_link -= t == CMARK_NODE_LINK;
			in_image -= t == CMARK_NODE_IMAGE;
			continue;
		}
		if (t == CMARK_NODE_FOOTNOTE_REFERENCE && (in_link || in_image))
			vec_push(&marks_in, n);
		if (block)
			vec_push(&open, n);
		if (t == CMARK_NODE_HEADING)
			vec_push(&heads, n);
		if (t == CMARK_NODE_PARAGRAPH)
			vec_push(&blocks_p, n);
		if (t == CMARK_NODE_TEXT && (strstr(cmark_node_get_literal(n), "%%") || strstr(cmark_node_get_literal(n), "[[") ||
		                             strstr(cmark_node_get_literal(n), "<!") ||
		                             strstr(cmark_node_get_literal(n), "](") || strstr(cmark_node_get_literal(n), "][") ||
		                             strstr(cmark_node_get_literal(n), "[^") || strstr(cmark_node_get_literal(n), "==") ||
		                             strchr(cmark_node_get_literal(n), '^') || strchr(cmark_node_get_literal(n), '~') ||
		                             strchr(cmark_node_get_literal(n), ':')))
			vec_push(&inl, n); /* (and below, when it has a '{') */
		if (t == CMARK_NODE_TEXT && strchr(cmark_node_get_literal(n), '{')) {
			vec_push(&braced, n);
			if (!inl.n || inl.v[inl.n - 1] != n)
				vec_push(&inl, n);
		} else if (t == CMARK_NODE_CODE_BLOCK) {
			fence_unclosed(o, &sl, n);
			fence_drawn(o, n);
			code_escapes(o, &sl, n);
		} else if (t == CMARK_NODE_CODE) {
			code_escapes(o, &sl, n);
		} else if (!strcmp(cmark_node_get_type_string(n), "table")) {
			cells_dropped(o, &sl, n);
			vec_push(&tabled, n);
		} else if (t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_HTML_BLOCK) {
			const char *closer = t == CMARK_NODE_HTML_BLOCK ? html_block_unclosed(cmark_node_get_literal(n)) : NULL;
			const char *hl = closer ? cmark_node_get_literal(n) : NULL;
			/* left out whole (unsafe_html off), a block of its one line takes nothing more with it: the
			 * warning that raw HTML is left out says it (helper-145: an editor's note "<!-- finish this" on the last line) */
			if (closer && !o->unsafe_html && (!strchr(hl, '\n') || !strchr(hl, '\n')[1]))
				closer = NULL;
			if (closer) {
				int fl, fc;
				diag_place(&o->at, cmark_node_get_start_line(n), cmark_node_get_start_column(n), &fl, &fc);
				diag_error(o->src ? o->src : "content", fl, fc, "raw HTML opened here is never closed ('%s'): "
				           "everything after it, to the end of %s, is taken into it, %s; close it", closer,
				           cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_DOCUMENT ? "the text" : "its block",
				           !o->unsafe_html          ? "and left out with it"
				           : !strcmp(closer, "-->") ? "a comment a browser would hide with the rest of the page"
				                                    : "not read as Markdown");
			}
			cmark_node *pv = cmark_node_previous(n);
			const char *pl = pv && cmark_node_get_type(pv) == CMARK_NODE_TEXT ? cmark_node_get_literal(pv) : "";
			size_t pn = strlen(pl);
			if (t == CMARK_NODE_HTML_INLINE && pn >= 2 && !strcmp(pl + pn - 2, "{{")) /* "{{<figure ...>}}" */
				vec_push(&braced, n);
			else if (t == CMARK_NODE_HTML_INLINE && !o->unsafe_html && keep_as_break(n))
				vec_push(&breaks, n); /* replaced by its line break, taken away after the walk */
			else if (!o->unsafe_html && !html_comments_only(cmark_node_get_literal(n)))
				vec_push(&raw, n); /* a comment is meant to be left out */
			include_comment(o, n);
		}
		if ((t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) && !(t == CMARK_NODE_LINK && in_link)) {
			uint32_t cut = t == CMARK_NODE_LINK ? autolink_cut(n) : 0;
			if (cut) { /* (the links cut at an invisible character: few, each with its index) */
				vec_push(&cuts, (void *)(uintptr_t)links.n);
				vec_push(&cuts, (void *)(uintptr_t)cut);
			}
			vec_push(&links, n);
			vec_push(&blocks, open.n ? open.v[open.n - 1] : NULL);
		} else if (t == CMARK_NODE_LINK) {
			vec_push(&nested, n);
		}
		in_link += t == CMARK_NODE_LINK;
		in_image += t == CMARK_NODE_IMAGE;
	}
	cmark_iter_free(it);
	vec_free(&open);
	marks_in_links(o, &marks_in);
	vec_free(&marks_in);
	notes_dropped(o, doc, text, len, &hidden);
	notes_undefined(o, &sl, doc);
	strmap_free(&hidden);
	foreign_syntax(o, &sl, &braced);
	vec_free(&braced);
	foreign_inlines(o, &sl, &inl);
	vec_free(&inl);
	raw_html_left_out(o, &sl, &raw);
	vec_free(&raw);
	for (size_t i = 0; i < breaks.n; i++)
		cmark_node_free(breaks.v[i]);
	vec_free(&breaks);
	for (size_t i = 0; i < links.n; i++)
		if (cmark_node_get_type(links.v[i]) == CMARK_NODE_LINK)
			autolink_trim(links.v[i]);
	for (size_t i = 0; i < nested.n; i++)
		autolink_trim(nested.v[i]);
	/* A link inside a link's text ("[<https://x.org>](page.md)": cmark-gfm makes the autolink, and
	 * HTML has no <a> in an <a>, which browsers split): the inner one is its text alone. Its place
	 * is kept for nothing: only the outer link leads anywhere. */
	for (size_t i = 0; i < nested.n; i++)
		unwrap(nested.v[i]);
	vec_free(&nested);
	for (size_t i = 0; i < heads.n; i++) {
		cmark_node *h = heads.v[i];
		heading_attributes(o, &sl, h);
		block_marks(o, &sl, h);
	}
	foreign_blocks(o, &sl, &blocks_p);
	/* (every block: each is read once, the text's cost; the first 1,000 alone left what came after
	 * them unsaid, helper-165) */
	for (size_t i = 0; i < blocks_p.n; i++)
		block_marks(o, &sl, blocks_p.v[i]);
	for (size_t i = 0; i < tabled.n; i++)
		block_marks(o, &sl, tabled.v[i]);
	vec_free(&blocks_p);
	vec_free(&tabled);
	for (size_t i = 0; !dropped && i < heads.n; i++)
		if (title_heading(heads.v[i])) {
			title_notes(o, heads.v[i]);
			break;
		}
	/* Every place first, from the tree as cmark-gfm made it: link_place() counts a block's links to
	 * a URL and reads a link's first child, which unwrap() takes away or changes ("[![i](javascript:x)]
	 * (missing.md)": the image's alt text became the link's first child). */
	int (*at)[2] = xcalloc(links.n + 1, sizeof *at);
	for (size_t i = 0; i < links.n; i++) {
		cmark_node *n = links.v[i];
		const char *url = cmark_node_get_url(n);
		uint32_t icp = 0;
		if (url && (!esc_url_allowed(url, cmark_node_get_type(n) == CMARK_NODE_IMAGE) || (o->link && !esc_url_external(url)) ||
		            invisible_in(url, &icp))) {
			link_place(o, &sl, n, blocks.v[i], &at[i][0], &at[i][1]);
			if (icp)
				diag_warn(o->src ? o->src : "content", at[i][0], at[i][1], "this %s's address holds U+%04X, an "
				          "invisible character (pasted with the address?): it is part of the address, which then "
				          "leads elsewhere or nowhere; take it out", cmark_node_get_type(n) == CMARK_NODE_IMAGE
				          ? "image" : "link", (unsigned)icp);
		}
	}
	for (size_t c = 0; c + 1 < cuts.n; c += 2) {
		size_t i = (size_t)(uintptr_t)cuts.v[c];
		cmark_node *n = links.v[i], *t = cmark_node_first_child(n);
		link_place(o, &sl, n, blocks.v[i], &at[i][0], &at[i][1]);
		diag_warn(o->src ? o->src : "content", at[i][0], at[i][1], "this address is cut at U+%04X, an invisible "
		          "character (pasted with the address?): the link leads to '%s' alone; take the character out",
		          (unsigned)(uintptr_t)cuts.v[c + 1], t ? cmark_node_get_literal(t) : "");
	}
	vec_free(&cuts);
	for (size_t i = 0; i < links.n; i++) {
		cmark_node *n = links.v[i];
		bool image = cmark_node_get_type(n) == CMARK_NODE_IMAGE;
		const char *url = cmark_node_get_url(n);
		/* the autolink extension's is never a file's: "x_y-xmpp:me@x.org", which its scan for a scheme
		 * took whole, is a scheme vade does not publish */
		bool bare = !image && extension_link(n);
		if (!url || (esc_url_allowed(url, image) && !(bare && !esc_url_external(url))))
			continue;
		int fl = at[i][0], fc = at[i][1];
		diag_warn(o->src ? o->src : "content", fl, fc, "%s with a URL whose scheme vade does not publish; left without "
		          "a target (see vade(5), MARKDOWN)", image ? "image" : "link");
		/* its text stays, without an element that would still lead somewhere (<a href=""> is the page
		 * itself) or fetch something (<img src="">): the children (an image's alt text) stand in for it,
		 * as text of the page that typography() then treats as any */
		unwrap(n);
		links.v[i] = NULL;
	}
	/* Citations are numbered in reading order before anything is rendered. */
	if (o->cite)
		cite_end_parse(o->cite, doc);
	typography(doc, o->lang, o->rtl, o, false);
	typography(doc, o->foreign_lang, o->foreign_rtl, o, true);

	for (size_t i = 0; i < links.n; i++) {
		cmark_node *n = links.v[i];
		const char *url = n ? cmark_node_get_url(n) : NULL;
		if (!url)
			continue;
		bool image = cmark_node_get_type(n) == CMARK_NODE_IMAGE;
		/* Autolinks of the autolink extension carry their own text; leave external URLs alone. */
		if (esc_url_external(url) || !o->link)
			continue;
		char *nu = o->link(o->link_ctx, url, image, at[i][0], at[i][1]);
		if (nu) {
			cmark_node_set_url(n, nu);
			free(nu);
		}
	}

	/* A heading is rendered on its own and replaced by a custom block that
	 * carries that HTML with the id added: cmark's renderer has no attributes. */
	cmark_llist *exts = cmark_parser_get_syntax_extensions(p);
	struct strmap theirs = STRMAP_INIT_OWNED; /* a heading's name that is the theme's id -> its in heads_named */
	struct vec heads_named = VEC_INIT;        /* the ids those headings got (borrowed from ids) */
	for (size_t i = 0; i < heads.n; i++) {
		cmark_node *h = heads.v[i];
		int level = cmark_node_get_heading_level(h);
		if (!dropped && title_heading(h)) {
			dropped = true;
			cmark_node_free(h);
			continue;
		}
		struct buf txt = BUF_INIT, tag = BUF_INIT;
		node_text(h, &txt);
		const char *id = unique_id(&ids, txt.p, o->id_prefix, o->reserved, o->taken);
		char *named = !o->id_prefix || !*o->id_prefix ? theirs_named(o->reserved, txt.p, id) : NULL;
		if (named) /* a heading passed over the theme's id ("## Main": main-1) */
			*strmap_put(&theirs, named, NULL) = (size_t)(heads_named.n), vec_push(&heads_named, (void *)id);
		free(named);
		char *inner = cmark_render_html(h, options, exts);
		size_t il = strlen(inner);
		while (il && inner[il - 1] == '\n')
			il--;
		buf_addf(&tag, "<h%d id=\"%s\"", level, id);
		bool other = o->nforeign && foreign(o, h);
		if (other)
			foreign_attrs(o, &tag);
		buf_add(&tag, inner + 3, il - 3);
		free(inner);
		replace_with_html(h, &tag);
		if (level == 2 || level == 3) {
			if (out->ntoc == tcap) {
				tcap = tcap ? tcap * 2 : 8;
				out->toc = xrealloc(out->toc, tcap * sizeof *out->toc);
			}
			out->toc[out->ntoc++] = (struct md_heading){level, xstrdup(id), buf_detach(&txt, NULL), other};
		}
		buf_free(&txt);
	}
	vec_free(&heads);
	/* A link written to such a heading as its name says ("[x](#main)") leads to the theme's element:
	 * said at it, with the heading's id (helper-144: it jumped to <main> in silence). */
	if (theirs.used) {
		cmark_iter *li = cmark_iter_new(doc);
		cmark_event_type lev;
		while ((lev = cmark_iter_next(li)) != CMARK_EVENT_DONE) {
			cmark_node *n = cmark_iter_get_node(li);
			const char *u = lev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_LINK ? cmark_node_get_url(n) : NULL;
			size_t *hk = u && u[0] == '#' ? strmap_get(&theirs, u + 1) : NULL;
			if (!hk)
				continue;
			int fl, fc;
			diag_place(&o->at, cmark_node_get_start_line(n), cmark_node_get_start_column(n), &fl, &fc);
			markdown_warn_theirs(o->src ? o->src : "content", fl, fc, u + 1, (const char *)heads_named.v[*hk]);
		}
		cmark_iter_free(li);
	}
	strmap_free(&theirs);
	vec_free(&heads_named);
	src_lines_free(&sl);
	free(at);
	vec_free(&links);
	vec_free(&blocks);
	if (o->nforeign) {
		struct vec paras = VEC_INIT, tables = VEC_INIT;
		cmark_iter *fi = cmark_iter_new(doc);
		cmark_event_type fev;
		while ((fev = cmark_iter_next(fi)) != CMARK_EVENT_DONE) {
			cmark_node *n = cmark_iter_get_node(fi);
			if (fev != CMARK_EVENT_ENTER)
				continue;
			if (cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH && foreign(o, n))
				vec_push(&paras, n);
			else if (is_cell(n) && foreign(o, n) &&
			         (!tables.n || tables.v[tables.n - 1] != cmark_node_parent(cmark_node_parent(n))))
				vec_push(&tables, cmark_node_parent(cmark_node_parent(n)));
		}
		cmark_iter_free(fi);
		for (size_t i = 0; i < paras.n; i++)
			mark_foreign(o, paras.v[i], options, exts);
		for (size_t i = 0; i < tables.n; i++)
			mark_foreign_cells(o, tables.v[i], options, exts);
		vec_free(&paras);
		vec_free(&tables);
	}

	char *html = cmark_render_html(doc, options, exts);
	if ((o->id_prefix && *o->id_prefix) || strstr(html, "=\"#fn"))
		footnote_attrs(&out->html, html, o->id_prefix ? o->id_prefix : "", o->taken);
	else
		buf_adds(&out->html, html);
	if (o->taken)
		markdown_html_ids(o->taken, out->html.p, "");
	free(html);
	idset_free(&ids);
	cmark_node_free(doc);
	cmark_parser_free(p);
}

bool markdown_within_limits(const char *text, size_t len)
{
	return within_limits(NULL, text, len);
}

bool markdown_limits_said(const char *src, const struct text_place *at, const char *text, size_t len)
{
	struct md_opts o = {.at = *at, .src = src};
	return within_limits(&o, text, len);
}

struct cmark_node *markdown_parse_blocks(const char *text, size_t len)
{
	markdown_init();
	/* footnotes as the render reads them: a definition's paragraph starts after its "[^n]: " */
	cmark_parser *p = cmark_parser_new(CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES);
	cmark_syntax_extension *table = cmark_find_syntax_extension("table");
	if (table)
		cmark_parser_attach_syntax_extension(p, table);
	cmark_node *doc = parse(p, NULL, text, len);
	cmark_parser_free(p); /* the tree does not need its parser */
	return doc;
}

struct marks_out {
	struct src_lines *sl;
	struct vec *out;
	struct run_cursor rc;
};

static bool mark_out(void *ctx, const struct text_mark *k)
{
	struct marks_out *mo = ctx;
	int l, c;
	if (mark_place(mo->sl, &mo->rc, k->run, k->nodes, k->off, k->m, k->run + k->m, k->n + 3, &l, &c))
		vec_push_once(mo->out, xstrndup(k->run + k->m, k->n + 3));
	return true;
}

void markdown_markers(const char *text, size_t len, struct vec *out)
{
	cmark_parser *p = new_parser(CMARK_OPT_FOOTNOTES, true);
	cmark_node *doc = parse(p, NULL, text, len);
	/* a passage's footnote marks, text without their definitions (each in a passage of its own) */
	struct src_lines sl = {.text = text, .len = len};
	struct marks_out mo = {&sl, out, {NULL, 0, 0, false}};
	if (memmem(text, len, "[^", 2))
		text_marks(doc, mark_out, &mo);
	src_lines_free(&sl);
	cmark_parser_free(p);
	cite_parse_discard(); /* a citation in a table cell is text here, as on the page */
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		size_t k;
		const struct cite_item *items = cite_items(n, &k);
		for (size_t i = 0; i < k; i++)
			vec_push_once(out, xasprintf("@%s", items[i].key));
		cmark_node_type t = cmark_node_get_type(n);
		const char *url = t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE ? cmark_node_get_url(n) : NULL;
		if (url)
			vec_push_once(out, xasprintf("](%.*s", (int)strcspn(url, "#"), url));
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
}

void markdown_links(const char *text, size_t len, void (*fn)(void *ctx, const char *url, int line), void *ctx)
{
	cmark_parser *p = new_parser(CMARK_OPT_FOOTNOTES, true);
	cmark_node *doc = parse(p, NULL, text, len);
	cmark_parser_free(p);
	cite_parse_discard(); /* as markdown_markers() */
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE) || !cmark_node_get_url(n))
			continue;
		int line = 0;
		for (cmark_node *b = n; b && !line; b = cmark_node_parent(b))
			line = cmark_node_get_start_line(b);
		fn(ctx, cmark_node_get_url(n), line);
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
}

void markdown_result_free(struct md_result *r)
{
	buf_free(&r->html);
	for (size_t i = 0; i < r->ntoc; i++) {
		free(r->toc[i].id);
		free(r->toc[i].text);
	}
	free(r->toc);
	memset(r, 0, sizeof *r);
}

/* Whether the line at s could start a Markdown block by its first character
 * (a list item "- ", "+ ", "* ", "1. ", a heading "#", a quote ">", a thematic
 * break or setext underline of '-', '=', '*', '_', a fence "```" "~~~", HTML "<",
 * a table "|", indentation). Quotes, dashes before a word and dots cannot. */
static bool block_start(const char *s)
{
	size_t n = strcspn(s, "\r\n");
	if (s[0] == '-' || s[0] == '=' || s[0] == '*' || s[0] == '_')
		return (n > 1 && (s[1] == ' ' || s[1] == '\t')) || strspn(s, "-=*_ \t") >= n || s[0] != '-';
	return strchr("#>+`~<|[!\\&", s[0]) || s[0] == ' ' || s[0] == '\t' || isdigit((unsigned char)s[0]);
}

/* Whether markdown_typeset() gives s back unchanged, seen from its bytes alone: most titles and
 * summaries are words, spaces and a full stop, and a cmark-gfm parse of each (60,000 of them at
 * 10,000 pages × 3 languages, one after the other) cost a build's load a sixth of its time.
 * Letters, digits, ASCII punctuation other than the quotes smart punctuation curls and a run of
 * '-' or '.' it joins (markdown_typeset escapes the rest, so it means itself), and one space
 * between words; bytes past ASCII in valid UTF-8, but in French and Arabic none of U+0080..U+00BF
 * or U+2000..U+2FFF (the guillemets, curly quotes and no-break spaces their typography sets), nor
 * in French the marks it spaces (; : ! ?); no byte order mark first. Anything else takes the parse. */
static bool typeset_identity(const char *s, const char *lang)
{
	bool fr = lang_is(lang, "fr"), set = fr || lang_is(lang, "ar") || lang_is(lang, "he"); /* (typography()'s languages) */
	size_t n = strlen(s);
	/* (cmark-gfm drops a byte order mark that starts the text) */
	if (!n || s[0] == ' ' || s[n - 1] == ' ' || starts(s, "\xef\xbb\xbf") || utf8_invalid_at(s, n) >= 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (c >= 0x80) {
			if (set && (c == 0xc2 || c == 0xe2))
				return false;
		} else if (c == ' ') {
			if (p[1] == ' ')
				return false;
		} else if (c < 0x20 || c == 0x7f || c == '\'' || c == '"' || ((c == '-' || c == '.') && p[1] == c) ||
		           (fr && strchr(";:!?", c))) {
			return false;
		}
	}
	return true;
}

char *markdown_typeset(const char *s, const char *lang)
{
	if (typeset_identity(s, lang))
		return xstrdup(s);
	/* The text is made a Markdown paragraph that means itself: ASCII punctuation
	 * escaped except what smart punctuation works on (' " - .), the first
	 * character of a line that could start a block made an entity or escape, and
	 * blank lines dropped (one paragraph, its lines joined by a space). */
	struct buf md = BUF_INIT;
	bool line_start = true, rule = false; /* rule: a line of only - = * _ (a break or underline), kept as written */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			if (!line_start)
				buf_addc(&md, '\n');
			line_start = true;
			continue;
		}
		if (line_start)
			rule = strspn((const char *)p, "-=*_ \t") >= strcspn((const char *)p, "\r\n");
		if (line_start && (*p == ' ' || *p == '\t' || isdigit(*p)))
			buf_addf(&md, "&#%d;", *p);
		else if (ispunct(*p) && (rule || (line_start ? block_start((const char *)p) : !strchr("'\"-.", *p))))
			buf_addf(&md, "\\%c", *p);
		else
			buf_addc(&md, (char)*p);
		line_start = false;
	}
	/* CommonMark's core alone: the autolink extension would make "www.x.org\/a" a link whose text
	 * keeps its escapes */
	markdown_init();
	cmark_parser *p = cmark_parser_new(CMARK_OPT_SMART);
	cmark_node *doc = parse(p, NULL, md.p ? md.p : "", md.len);
	option_dashes(doc, md.p, md.len);
	typography(doc, lang, false, NULL, false);
	struct buf out = BUF_INIT;
	node_text(doc, &out);
	cmark_node_free(doc);
	cmark_parser_free(p);
	buf_free(&md);
	return buf_detach(&out, NULL);
}

size_t markdown_heading_ids(const char *text, size_t len, bool drop_first_h1, const char *lang,
                            const struct md_reserved *reserved, char ***out, int **lines, char ***theirs)
{
	struct vec at = VEC_INIT; /* each heading's line, as a pointer-sized number */
	struct vec named = VEC_INIT; /* each heading's theirs_named() */
	/* The options, extensions and typography of markdown_render(): smart punctuation and
	 * French spacing change a heading's text and so its id, and a citation is no part of it. */
	cmark_parser *p = new_parser(CMARK_OPT_FOOTNOTES | CMARK_OPT_SMART, true);
	cmark_node *doc = parse(p, NULL, text, len);
	cite_parse_discard(); /* (the render reports a citation where none can stand) */
	option_dashes(doc, text, len);
	typography(doc, lang, false, NULL, false);
	struct idset ids = {.map = STRMAP_INIT_OWNED};
	bool dropped = !drop_first_h1;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_HEADING)
			continue;
		if (!dropped && title_heading(n)) {
			dropped = true;
			continue;
		}
		struct buf txt = BUF_INIT;
		node_text(n, &txt);
		const char *id = unique_id(&ids, txt.p, NULL, reserved, NULL);
		vec_push(&at, (void *)(intptr_t)cmark_node_get_start_line(n));
		vec_push(&named, theirs ? theirs_named(reserved, txt.p, id) : NULL);
		buf_free(&txt);
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	cmark_parser_free(p);
	char **list = xcalloc(ids.n + 1, sizeof *list);
	for (size_t i = 0; i < ids.n; i++)
		list[i] = xstrdup(ids.ids[i]);
	size_t n = ids.n;
	if (lines) {
		*lines = xcalloc(n + 1, sizeof **lines);
		for (size_t i = 0; i < n; i++)
			(*lines)[i] = (int)(intptr_t)at.v[i];
	}
	if (theirs) {
		*theirs = xcalloc(n + 1, sizeof **theirs);
		for (size_t i = 0; i < n; i++)
			(*theirs)[i] = named.v[i];
	}
	vec_free(&named);
	vec_free(&at);
	idset_free(&ids);
	*out = list;
	return n;
}
