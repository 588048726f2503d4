/* test_escape.c — each output context's escaper, with the inputs that break a naive one. */
#include "diag.h"
#include "escape.h"
#include "tap.h"
#include "yml.h"

#include <stdlib.h>

typedef void (*esc_fn)(struct buf *, const char *, size_t);

static void check(esc_fn f, const char *in, const char *want, const char *name)
{
	struct buf b = BUF_INIT;
	f(&b, in, strlen(in));
	is_str(b.p, want, name);
	buf_free(&b);
}

/* "k: <in escaped>" read by libyaml gives in back. */
static void yaml_reads_back(const char *in, const char *name)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "k: ");
	esc_yaml_string(&b, in, strlen(in));
	buf_addc(&b, '\n');
	struct yml_doc *d = yml_parse_written("test.yaml", b.p, b.len); /* as status.c reads what it wrote */
	diag_reset();
	const char *got = d ? yml_str(yml_get(d->root, "k")) : NULL;
	is_str(got, in, name);
	yml_free(d);
	buf_free(&b);
}

int main(void)
{
	check(esc_html, "a < b & \"c\" 'd' > e", "a &lt; b &amp; &quot;c&quot; &#39;d&#39; &gt; e", "html: the five specials");
	check(esc_html, "plain é", "plain é", "html: other text as it is");

	check(esc_js_string, "</script><script>alert(1)</script>",
	      "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"", "js: </script> cannot end the script");
	check(esc_js_string, "<!-- a & b", "\"\\u003c!-- a \\u0026 b\"", "js: <!-- and & escaped");
	check(esc_js_string, "say \"hi\"\\\n", "\"say \\\"hi\\\"\\\\\\n\"", "js: quote, backslash, newline");
	check(esc_js_string, "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "\"a\\u2028b\\u2029c\"", "js: U+2028 and U+2029");
	check(esc_js_string, "\x01", "\"\\u0001\"", "js: control characters");
	check(esc_js_string, "résumé", "\"résumé\"", "js: other text as it is");

	check(esc_css_string, "Guide </style><script>x</script>",
	      "\"Guide \\3c /style\\3e \\3c script\\3e x\\3c /script\\3e \"", "css: </style> cannot end the style");
	check(esc_css_string, "a\"b\\c\nd", "\"a\\22 b\\5c c\\a d\"", "css: quote, backslash, newline");

	check(esc_yaml_string, "key: \"v\" \\ \n\t\x01", "\"key: \\\"v\\\" \\\\ \\n\\t\\x01\"", "yaml: specials and controls");
	check(esc_yaml_string, "# not a comment", "\"# not a comment\"", "yaml: quoted, so # and : are text");
	/* Found by tests/fuzz/fuzz_escape.c: libyaml folds U+0085 to a space, drops
	 * the blanks beside U+2028 and U+2029 and refuses C1 controls, U+FFFE, U+FFFF. */
	check(esc_yaml_string, "a\xc2\x85" "b\xc2\x80" "c\xc2\x9f", "\"a\\x85b\\x80c\\x9f\"", "yaml: C1 controls by code point");
	check(esc_yaml_string, "a \xe2\x80\xa8 b\xe2\x80\xa9", "\"a \\u2028 b\\u2029\"", "yaml: U+2028 and U+2029");
	check(esc_yaml_string, "\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd", "\"\\ufffe\\uffff\xef\xbf\xbd\"", "yaml: U+FFFE, U+FFFF; U+FFFD as it is");
	check(esc_yaml_string, "\xc2\xa0\xc2", "\"\xc2\xa0\xef\xbf\xbd\"", "yaml: U+00A0 as it is, a cut sequence as U+FFFD");
	check(esc_html, "caf\xe9 <\xe2\x80", "caf\xef\xbf\xbd &lt;\xef\xbf\xbd", "html: each ill-formed sequence (a cut one too) as one U+FFFD");
	check(esc_html, "\xed\xa0\x80<\xf0\x9f\x98>\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd&lt;\xef\xbf\xbd&gt;\xef\xbf\xbd\xef\xbf\xbd",
	      "html: a surrogate's bytes, an overlong form's each as U+FFFD; a cut emoji as one");
	check(esc_json_string, "\xff\xc3\xa9", "\"\xef\xbf\xbd\xc3\xa9\"", "json: a byte that is no UTF-8 as U+FFFD, UTF-8 as it is");
	yaml_reads_back("Accueil\xc2\x85suite", "yaml reads back: U+0085 (NEL) stays");
	yaml_reads_back("one \xe2\x80\xa8 two \xe2\x80\xa9 three", "yaml reads back: blanks beside U+2028, U+2029 stay");
	yaml_reads_back("\xc2\x80\xc2\x9f\xef\xbf\xbe\xef\xbf\xbf", "yaml reads back: C1 controls, U+FFFE, U+FFFF");
	check(esc_yaml_string, "\xef\xb7\x90\xef\xb7\xaf\xf0\x9f\xbf\xbe\xf4\x8f\xbf\xbf",
	      "\"\\ufdd0\\ufdef\\U0001fffe\\U0010ffff\"", "yaml: every noncharacter by code point (a status key had lost it)");
	yaml_reads_back("\xef\xb7\x90 \xf0\x9f\xbf\xbf", "yaml reads back: U+FDD0, U+1FFFF");
	check(esc_html, "a\xc2\x80\xef\xb7\x90", "a\xef\xbf\xbd\xef\xbf\xbd", "html: a C1 control, a noncharacter as U+FFFD");
	check(esc_json_string, "\xc2\x9f\xef\xb7\x90\xf0\x9f\xbf\xbf", "\"\\u009f\\ufdd0\\ud83f\\udfff\"",
	      "json: a C1 control, a noncharacter as escapes (beyond the BMP a surrogate pair): the text kept");
	check(esc_js_string, "\xc2\x85", "\"\\u0085\"", "js: a C1 control as an escape");
	check(esc_css_string, "\xc2\x85\xef\xbf\xbe", "\"\\85 \\fffe \"", "css: a C1 control, a noncharacter as hex escapes");
	check(esc_html, "a\x1b[31m\x7f\tb\n", "a\xef\xbf\xbd[31m\xef\xbf\xbd\tb\n", "html: ESC and DEL as U+FFFD, tab and line feed as they are");
	yaml_reads_back("tab\there \x01 \"q\" \\ caf\xc3\xa9", "yaml reads back: ASCII controls, quotes, UTF-8");

	check(esc_json_string, "a\"b\\c\nd\x1f", "\"a\\\"b\\\\c\\nd\\u001f\"", "json: RFC 8259 escapes");

	check(esc_url_attr, "field notes.md#a b", "field%20notes.md#a%20b", "url: spaces percent-encoded");
	check(esc_url_attr, "a.html?x=1&y=\"2\"", "a.html?x=1&amp;y=%222%22", "url: & as a reference, quotes encoded");
	check(esc_url_attr, "caf\xc3\xa9/100%", "caf%C3%A9/100%", "url: UTF-8 encoded, % kept");
	ok(esc_url_allowed("https://example.org/a", false) && esc_url_allowed("../a.html#x", false) &&
	   esc_url_allowed("mailto:a@b.c", false), "url: http(s), relative and mailto pass");
	ok(!esc_url_allowed("javascript:x", false) && !esc_url_allowed(" JaVaScRiPt:x", false) &&
	   !esc_url_allowed("java\tscript:x", false) && !esc_url_allowed("java\nscript:x", false) &&
	   !esc_url_allowed("\x01javascript:x", false), "url: javascript: in every spelling a browser reads is refused");
	ok(!esc_url_allowed("vbscript:x", false) && !esc_url_allowed("file:///etc/passwd", false) &&
	   !esc_url_allowed("data:text/html,x", false) && !esc_url_allowed("data:image/png;base64,x", false),
	   "url: vbscript:, file:, data: refused for links");
	ok(esc_url_allowed("data:image/png;base64,x", true) && !esc_url_allowed("data:image/svg+xml,x", true),
	   "url: data: images of raster types only");
	ok(!esc_url_allowed("//evil.example/x", false) && !esc_url_allowed("\\\\evil.example\\x", false),
	   "url: //host (another machine from a file share) refused");
	/* a URL from content is external (not a path of the site) as a browser reads it, and written so */
	ok(esc_url_external(" https://x.org/") && esc_url_external("ht\ttps://x.org/") &&
	   esc_url_external("\x01javascript:x") && esc_url_external("\\\\host\\x") && esc_url_external("https://x.org/") &&
	   !esc_url_external("en/a:b/") && !esc_url_external("./x:y") && !esc_url_external("assets/x.css"),
	   "url: external (a scheme, //host) as a browser reads it, not a path");
	{
		struct buf b = BUF_INIT;
		esc_url_parsed(&b, " \x01ht\ttps://x.org/a\nb");
		is_str(b.p, "https://x.org/ab", "url: written as a browser reads it");
		buf_free(&b);
		esc_url_parsed(&b, "\ten/gu\nide/ \x02");
		is_str(b.p, "en/guide/", "url: a path too, spaces and controls after it skipped");
		buf_free(&b);
		esc_url_parsed(&b, " \t ");
		is_str(b.p, "", "url: nothing but spaces is empty");
		buf_free(&b);
	}
	return tap_done();
}
