/* escape.h — one function per output context. Every value vade writes into
 * a file it did not take verbatim from a trusted template goes through the
 * function for the context it lands in; nothing else in src/ escapes.
 *
 * Each appends to a struct buf (util.h) and takes bytes (s, n), UTF-8 text;
 * but esc_url_attr (which percent-encodes them) writes a byte that is no
 * UTF-8 as U+FFFD (where a browser shows one too), so what it
 * writes stays UTF-8. A control character (but tab and line ends) or a
 * noncharacter, which HTML 13.2.5 refuses in a page (control-character- and
 * noncharacter-in-input-stream), is written as an escape where the context
 * has one (JSON, JavaScript, CSS, YAML: the text is kept) and as U+FFFD in
 * HTML, which has none. None allocates beyond growing the buffer; none fails.
 *
 *   context                               function            source of the rule
 *   HTML text and quoted attribute values esc_html            HTML Living Standard 13.1.2.6, 13.1.3
 *   a URL in an href/src attribute        esc_url_attr        RFC 3986 (percent-encoding), then esc_html
 *   a JavaScript string inside <script>   esc_js_string       ECMA-262 12.9.4; HTML 4.12.1.3 (</script)
 *   a CSS string inside <style> or style= esc_css_string      CSS Syntax 3, 4.3.5 and 2.1 (escapes)
 *   a YAML double-quoted scalar           esc_yaml_string     YAML 1.2, 5.7 and 7.3.1
 *   a JSON string                         esc_json_string     RFC 8259, section 7
 */
#ifndef VADE_ESCAPE_H
#define VADE_ESCAPE_H

#include "util.h"

#include <stddef.h>

/* & < > " ' as character references: safe in text and in single- or
 * double-quoted attribute values. */
void esc_html(struct buf *b, const char *s, size_t n);

/* A URL for an attribute value: bytes outside RFC 3986's unreserved and
 * reserved sets (spaces, non-ASCII, quotes, <, >) percent-encoded; '%'
 * kept as it is (the URL may be encoded already); then HTML-escaped. The
 * scheme is not checked here: see esc_url_allowed(). */
void esc_url_attr(struct buf *b, const char *s, size_t n);

/* The one scheme filter for every URL vade writes, wherever it comes from
 * (Markdown, front matter, data, bibliography, UI strings). The URL is read
 * as a browser reads it (WHATWG URL Standard, 4.4 "basic URL parser": leading
 * C0 controls and spaces skipped, ASCII tab and newline removed anywhere),
 * then allowed when it has no scheme (a relative reference; not "//host",
 * which from a file share means another machine) or one of: http, https, ftp, ftps, sftp, mailto, tel, sms,
 * geo, news, irc, ircs, xmpp; and, for images only, data: with an image/png,
 * image/gif, image/jpeg or image/webp type. Everything else (javascript:,
 * vbscript:, file:, data:text/html, unknown schemes) is refused. */
bool esc_url_allowed(const char *url, bool image);
/* True when url, read as esc_url_allowed() reads it, has a scheme ("https:", " mailto:",
 * "ht\ttps:") or is protocol-relative ("//host", a backslash for either '/'). */
bool esc_url_external(const char *url);
/* url as a browser's parser sees it (the reading esc_url_allowed() describes), appended to b: a
 * URL from content written as the link a browser would follow (" https://x.org/" as
 * "https://x.org/", which esc_url_attr() would have made "%20https://x.org/"). */
void esc_url_parsed(struct buf *b, const char *url);

/* A double-quoted JavaScript string literal, quotes included. Besides
 * " \ and control characters, < > & are written as \u003c \u003e \u0026
 * (so "</script>" and "<!--" cannot end or change the script element) and
 * U+2028, U+2029 as \u2028, \u2029. Valid in JSON too. */
void esc_js_string(struct buf *b, const char *s, size_t n);

/* A double-quoted CSS string, quotes included: " \ < > & ' and control
 * characters as hexadecimal escapes ("\22 "), so the value can end neither
 * the string nor a <style> element. */
void esc_css_string(struct buf *b, const char *s, size_t n);

/* A YAML double-quoted scalar, quotes included: " \ and control characters
 * (C0 and C1) escaped (\n, \t, \xNN), U+2028 and U+2029 as \uNNNN and every
 * noncharacter as \uNNNN or \UNNNNNNNN, so any UTF-8 text reads back as itself
 * through libyaml (YAML 1.1). */
void esc_yaml_string(struct buf *b, const char *s, size_t n);

/* A JSON string, quotes included: " \ and control characters escaped. */
void esc_json_string(struct buf *b, const char *s, size_t n);

#endif
