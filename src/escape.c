/* escape.c — escaping for each output context; see escape.h for the rules. */
#include "escape.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Appends s[0..n) with the bytes for which rep() gives a replacement replaced, and each ill-formed
 * sequence as one U+FFFD, as a browser shows it (utf8_invalid_len: a name in a legacy code page,
 * shown in a page, had made the page no UTF-8: helper-123). */
static void escape_with(struct buf *b, const char *s, size_t n, const char *(*rep)(const char *, size_t, size_t *, char[16]))
{
	size_t start = 0;
	char tmp[16];
	for (size_t i = 0; i < n;) {
		size_t used = 1, k = 1;
		uint32_t cp;
		const char *r = "\xef\xbf\xbd";
		if ((unsigned char)s[i] < 0x80 || (k = utf8_decode(s + i, n - i, &cp))) {
			r = rep(s + i, n - i, &used, tmp);
			/* a control character (but tab and line ends) or a noncharacter the context has no escape
			 * for (HTML 13.2.5 refuses both in a page: a file's name put them in titles, helper-126; a
			 * heading's ESC in its title) */
			if (!r && unicode_unallowed(k > 1 ? cp : (unsigned char)s[i]))
				r = "\xef\xbf\xbd", used = k;
		} else {
			used = utf8_invalid_len(s + i, n - i);
		}
		if (!r) {
			i += k;
			continue;
		}
		buf_add(b, s + start, i - start);
		buf_adds(b, r);
		i += used;
		start = i;
	}
	buf_add(b, s + start, n - start);
}

/* A string literal: the text escaped by rep between double quotes. */
static void quoted(struct buf *b, const char *s, size_t n, const char *(*rep)(const char *, size_t, size_t *, char[16]))
{
	buf_addc(b, '"');
	escape_with(b, s, n, rep);
	buf_addc(b, '"');
}

static const char *html_rep(const char *s, size_t n, size_t *used, char tmp[16])
{
	(void)n, (void)used, (void)tmp;
	switch (*s) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

void esc_html(struct buf *b, const char *s, size_t n)
{
	escape_with(b, s, n, html_rep);
}

void esc_url_attr(struct buf *b, const char *s, size_t n)
{
	/* RFC 3986 2.2 and 2.3: reserved and unreserved characters stay, and '%'; of the other
	 * printable ASCII bytes, and the quote (an attribute may be written between them) */
	struct buf enc = BUF_INIT;
	buf_add_pct(&enc, s, n, " \"'<>\\^`{|}", PCT_HIGH_ALL);
	esc_html(b, enc.p, enc.len);
	buf_free(&enc);
}

/* U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8. */
static bool line_separator(const char *s, size_t n)
{
	return n >= 3 && (unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 &&
	       ((unsigned char)s[2] == 0xa8 || (unsigned char)s[2] == 0xa9);
}

/* Backslash escapes shared by JSON and YAML: \" \\ \n \t \r; other control
 * characters in the form ctl ("\\u%04x" or "\\x%02x"); NULL for the rest. */
static const char *backslash_rep(unsigned char c, char tmp[16], const char *ctl)
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '\r': return "\\r";
	default:
		if (c >= 0x20 && c != 0x7f)
			return NULL;
		snprintf(tmp, 16, ctl, c);
		return tmp;
	}
}

/* A C1 control or a noncharacter at s (its code point in *cp, its length in *used), which a JSON,
 * JavaScript or CSS string writes as an escape: the text kept, and no raw one in a page (a name
 * with U+0085 and one with U+FDD0 had both become U+FFFD, one id in i18n status --json: helper-127). */
static bool c1_or_noncharacter(const char *s, size_t n, size_t *used, uint32_t *cp)
{
	size_t k = (unsigned char)*s >= 0xc2 ? utf8_decode(s, n, cp) : 0;
	if (!k || !unicode_unallowed(*cp))
		return false;
	*used = k;
	return true;
}

static const char *json_rep(const char *s, size_t n, size_t *used, char tmp[16])
{
	uint32_t cp;
	if (c1_or_noncharacter(s, n, used, &cp)) { /* RFC 8259, 7: beyond the BMP as a UTF-16 surrogate pair */
		if (cp < 0x10000)
			snprintf(tmp, 16, "\\u%04x", (unsigned)cp);
		else
			snprintf(tmp, 16, "\\u%04x\\u%04x", (unsigned)(0xd800 + ((cp - 0x10000) >> 10)),
			         (unsigned)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
		return tmp;
	}
	return backslash_rep((unsigned char)*s, tmp, "\\u%04x");
}

static const char *js_rep(const char *s, size_t n, size_t *used, char tmp[16])
{
	switch (*s) {
	case '<': return "\\u003c";
	case '>': return "\\u003e";
	case '&': return "\\u0026";
	default:
		if (line_separator(s, n)) {
			*used = 3;
			return (unsigned char)s[2] == 0xa8 ? "\\u2028" : "\\u2029";
		}
		return json_rep(s, n, used, tmp);
	}
}

void esc_js_string(struct buf *b, const char *s, size_t n)
{
	quoted(b, s, n, js_rep);
}

void esc_json_string(struct buf *b, const char *s, size_t n)
{
	quoted(b, s, n, json_rep);
}

static const char *css_rep(const char *s, size_t n, size_t *used, char tmp[16])
{
	uint32_t cp;
	if (c1_or_noncharacter(s, n, used, &cp)) {
		snprintf(tmp, 16, "\\%x ", (unsigned)cp);
		return tmp;
	}
	unsigned char c = (unsigned char)*s;
	if (c >= 0x20 && c != 0x7f && !strchr("\"\\<>&'", c))
		return NULL;
	/* CSS Syntax 3, 4.3.7: a hex escape ends at the first white space after it. */
	snprintf(tmp, 16, "\\%x ", c);
	return tmp;
}

void esc_css_string(struct buf *b, const char *s, size_t n)
{
	quoted(b, s, n, css_rep);
}

/* Besides ASCII's controls, the characters libyaml (YAML 1.1) does not read
 * back raw from a double-quoted scalar are escaped by code point: U+0085,
 * U+2028 and U+2029 are line breaks to it (folded to a space, blanks beside
 * them dropped), and the other C1 controls (U+0080 to U+009F), U+FFFE and
 * U+FFFF are refused as not printable (YAML 1.1, 5.1). */
static const char *yaml_rep(const char *s, size_t n, size_t *used, char tmp[16])
{
	const unsigned char *u = (const unsigned char *)s;
	if (n >= 2 && u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f) {
		*used = 2;
		snprintf(tmp, 16, "\\x%02x", u[1]);
		return tmp;
	}
	if (line_separator(s, n)) {
		*used = 3;
		return u[2] == 0xa8 ? "\\u2028" : "\\u2029";
	}
	/* every noncharacter, not only U+FFFE and U+FFFF (which YAML 1.1 does not allow raw): a name
	 * with U+FDD0 keys a status record, and escape_with() would write it U+FFFD, a key no name has */
	uint32_t cp;
	size_t k = u[0] >= 0xef ? utf8_decode(s, n, &cp) : 0;
	if (k && unicode_noncharacter(cp)) {
		*used = k;
		snprintf(tmp, 16, cp > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)cp);
		return tmp;
	}
	return backslash_rep(u[0], tmp, "\\x%02x");
}

void esc_yaml_string(struct buf *b, const char *s, size_t n)
{
	quoted(b, s, n, yaml_rep);
}

/* The URL as a browser's parser sees it: leading and trailing C0 controls and
 * spaces skipped, ASCII tab, LF and CR removed (URL Standard, basic URL parser). */
static void url_as_parsed(struct buf *b, const char *url)
{
	while (*url && (unsigned char)*url <= ' ')
		url++;
	size_t n = strlen(url);
	while (n && (unsigned char)url[n - 1] <= ' ')
		n--;
	for (size_t i = 0; i < n; i++)
		if (url[i] != '\t' && url[i] != '\n' && url[i] != '\r')
			buf_addc(b, url[i]);
}

/* Length of the scheme before ':' (RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )), or 0. */
static size_t scheme_len(const char *u)
{
	if (!isalpha((unsigned char)u[0]))
		return 0;
	size_t n = strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	return u[n] == ':' ? n : 0;
}

void esc_url_parsed(struct buf *b, const char *url)
{
	url_as_parsed(b, url);
}

bool esc_url_external(const char *url)
{
	struct buf b = BUF_INIT;
	if ((unsigned char)url[0] <= ' ' || strpbrk(url, "\t\n\r")) /* else it reads as it is */
		url_as_parsed(&b, url);
	const char *u = b.len ? b.p : url;
	bool external = ((u[0] == '/' || u[0] == '\\') && (u[1] == '/' || u[1] == '\\')) || scheme_len(u) > 0;
	buf_free(&b);
	return external;
}

bool esc_url_allowed(const char *url, bool image)
{
	static const char *const allowed[] = {"http", "https", "ftp", "ftps", "sftp", "mailto", "tel", "sms",
	                                      "geo", "news", "irc", "ircs", "xmpp", NULL};
	static const char *const images[] = {"image/png", "image/gif", "image/jpeg", "image/webp", NULL};
	struct buf b = BUF_INIT;
	url_as_parsed(&b, url);
	size_t n = scheme_len(b.p);
	/* "//host/x" takes the page's scheme: from a file share (file://) that is
	 * a request to another machine (SMB on Windows), so it is refused too. */
	bool ok = n == 0 && !((b.p[0] == '/' || b.p[0] == '\\') && (b.p[1] == '/' || b.p[1] == '\\'));
	for (const char *const *a = allowed; !ok && *a; a++)
		ok = strlen(*a) == n && !strncasecmp(b.p, *a, n);
	if (!ok && image && n == 4 && !strncasecmp(b.p, "data", 4))
		for (const char *const *t = images; !ok && *t; t++)
			ok = !strncasecmp(b.p + 5, *t, strlen(*t)) && (b.p[5 + strlen(*t)] == ';' || b.p[5 + strlen(*t)] == ',');
	buf_free(&b);
	return ok;
}
