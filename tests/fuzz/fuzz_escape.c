/* libFuzzer target: the escapers of escape.h read back. Each context's
 * output is checked for what must not be in it raw, and decoded again by
 * that context's rules (YAML by libyaml itself, through yml_parse_written): a text
 * that does not read back as itself is a finding. Input that is not valid
 * UTF-8 is escaped, and each escaper's output must be UTF-8 (a byte that is
 * no UTF-8 is written U+FFFD). HTML reads back a control character (but tab
 * and line ends) or a noncharacter as U+FFFD (escape.h); JSON, JavaScript,
 * CSS and YAML read back every text.
 *   make fuzz FUZZ=escape [FUZZ_TIME=60] */
#include "diag.h"
#include "escape.h"
#include "fuzz.h"
#include "yml.h"

#include <ctype.h>

#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "check failed: %s\n", #c), abort()))

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void put_utf8(struct buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | cp >> 6));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | cp >> 12));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | cp >> 18));
		buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* The text as a page shows it: each control character (but tab and line ends) and noncharacter
 * U+FFFD (escape_with), as HTML has no escape for them. */
static void shown(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = (unsigned char)s[i] < 0x80 ? (cp = (unsigned char)s[i], 1) : utf8_decode(s + i, n - i, &cp);
		CHECK(k > 0);
		if (k > 1 ? cp <= 0x9f || unicode_noncharacter(cp)
		          : (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)
			buf_adds(b, "\xef\xbf\xbd");
		else
			buf_add(b, s + i, k);
		i += k;
	}
}

/* HTML: no raw & < > " ', and the five references read back. */
static void html(const char *s, size_t n)
{
	struct buf e = BUF_INIT, d = BUF_INIT;
	esc_html(&e, s, n);
	static const char *const refs[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
	for (size_t i = 0; i < e.len;) {
		CHECK(!strchr("<>\"'", e.p[i]));
		unsigned char c = (unsigned char)e.p[i];
		CHECK(c >= 0x20 ? c != 0x7f : c == '\t' || c == '\n' || c == '\r');
		size_t k = 0;
		if (e.p[i] == '&') {
			while (k < 5 && strncmp(e.p + i, refs[k][0], strlen(refs[k][0])))
				k++;
			CHECK(k < 5);
			buf_adds(&d, refs[k][1]);
			i += strlen(refs[k][0]);
		} else {
			buf_addc(&d, e.p[i++]);
		}
	}
	struct buf want = BUF_INIT;
	shown(&want, s, n);
	CHECK(d.len == want.len && !memcmp(d.p, want.p, want.len));
	buf_free(&want);
	buf_free(&e);
	buf_free(&d);
}

/* A JSON (or JavaScript) string literal: quoted, no raw control character, and
 * its escapes read back. js: also no raw < > & U+2028 U+2029. */
static void json(const char *s, size_t n, bool js)
{
	struct buf e = BUF_INIT, d = BUF_INIT;
	(js ? esc_js_string : esc_json_string)(&e, s, n);
	CHECK(e.len >= 2 && e.p[0] == '"' && e.p[e.len - 1] == '"');
	for (size_t i = 1; i + 1 < e.len;) {
		unsigned char c = (unsigned char)e.p[i];
		CHECK(c >= 0x20 && c != '"');
		if (js) {
			CHECK(!strchr("<>&", c));
			CHECK(!(c == 0xe2 && i + 2 < e.len && (unsigned char)e.p[i + 1] == 0x80 &&
			        ((unsigned char)e.p[i + 2] & 0xfe) == 0xa8));
		}
		if (c != '\\') {
			buf_addc(&d, (char)c);
			i++;
			continue;
		}
		CHECK(i + 2 < e.len);
		char x = e.p[i + 1];
		const char *simple = strchr("\"\\/bfnrt", x);
		if (x && simple) {
			buf_addc(&d, "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"]);
			i += 2;
		} else {
			CHECK(x == 'u' && i + 6 < e.len);
			char hex[5] = {0};
			memcpy(hex, e.p + i + 2, 4);
			for (int k = 0; k < 4; k++)
				CHECK(isxdigit((unsigned char)hex[k]));
			unsigned long cp = strtoul(hex, NULL, 16);
			i += 6;
			CHECK(cp < 0xdc00 || cp > 0xdfff); /* no lone low surrogate */
			if (cp >= 0xd800 && cp <= 0xdbff) { /* a noncharacter beyond the BMP: a pair, RFC 8259 7 */
				CHECK(i + 6 < e.len && e.p[i] == '\\' && e.p[i + 1] == 'u');
				memcpy(hex, e.p + i + 2, 4);
				unsigned long lo = strtoul(hex, NULL, 16);
				CHECK(lo >= 0xdc00 && lo <= 0xdfff);
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
			put_utf8(&d, cp);
		}
	}
	CHECK(d.len == n && !memcmp(d.p, s, n));
	buf_free(&e);
	buf_free(&d);
}

/* A CSS string: quoted, no raw " \ < > & ' or control character, and its hex
 * escapes (CSS Syntax 3, 4.3.7: up to six digits, one white space after) read back. */
static void css(const char *s, size_t n)
{
	struct buf e = BUF_INIT, d = BUF_INIT;
	esc_css_string(&e, s, n);
	CHECK(e.len >= 2 && e.p[0] == '"' && e.p[e.len - 1] == '"');
	for (size_t i = 1; i + 1 < e.len;) {
		unsigned char c = (unsigned char)e.p[i];
		CHECK(c >= 0x20 && c != 0x7f && !strchr("\"<>&'", c));
		if (c != '\\') {
			buf_addc(&d, (char)c);
			i++;
			continue;
		}
		size_t k = i + 1;
		unsigned long cp = 0;
		while (k < e.len - 1 && k < i + 7 && isxdigit((unsigned char)e.p[k]))
			cp = cp * 16 + (unsigned long)(isdigit((unsigned char)e.p[k]) ? e.p[k] - '0' : (e.p[k] | 32) - 'a' + 10), k++;
		CHECK(k > i + 1);
		if (k < e.len - 1 && e.p[k] == ' ')
			k++;
		/* An ASCII character's escape, or a C1 control's or a noncharacter's by code point. */
		if (cp < 0x80)
			buf_addc(&d, (char)cp);
		else
			put_utf8(&d, cp);
		i = k;
	}
	CHECK(d.len == n && !memcmp(d.p, s, n));
	buf_free(&e);
	buf_free(&d);
}

/* YAML: "k: <escaped>" read by libyaml gives the text back (what the PO import relies on); a
 * text with a NUL (which the import refuses before it writes) is refused by the reader, at it. */
static void yaml(const char *s, size_t n)
{
	struct buf e = BUF_INIT;
	buf_adds(&e, "k: ");
	esc_yaml_string(&e, s, n);
	buf_addc(&e, '\n');
	struct yml_doc *d = yml_parse_written("fuzz.yaml", e.p, e.len); /* as status.c reads it */
	if (!d)
		diag_flush();
	if (memchr(s, '\0', n)) {
		CHECK(d == NULL);
		buf_free(&e);
		return;
	}
	CHECK(d != NULL);
	const struct yml_node *v = yml_get(d->root, "k");
	CHECK(v && v->kind == YML_SCALAR && v->len == n && !memcmp(v->str, s, n));
	yml_free(d);
	buf_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	bool utf8 = utf8_invalid_at(s, size) < 0;
	struct buf b = BUF_INIT;
	if (!utf8) {
		/* Invalid bytes become U+FFFD: every escaper's output is UTF-8. */
		void (*const esc[])(struct buf *, const char *, size_t) = {esc_html, esc_js_string, esc_json_string,
		                                                          esc_css_string, esc_yaml_string};
		for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) {
			esc[i](&b, s, size);
			CHECK(utf8_invalid_at(b.p, b.len) < 0);
			buf_reset(&b);
		}
		buf_free(&b);
		return 0;
	}
	html(s, size);
	json(s, size, false);
	json(s, size, true);
	css(s, size);
	yaml(s, size);
	diag_reset();
	return 0;
}
