/* libFuzzer target: a link as written in a source file. The input (up to its
 * first NUL) is the URL; the input's length picks the file it is written
 * in (a data text, the home page, a section, a translation). It goes
 * through the scheme filter and the attribute escaper (escape.h), and, when
 * it is neither external nor refused, through resolve_link() against the
 * small site (fuzz.h), with the output paths, relative URLs and anchors a
 * render makes of the target.
 *   make fuzz FUZZ=resolve [FUZZ_TIME=60] */
#include "diag.h"
#include "escape.h"
#include "fuzz.h"
#include "markdown.h"
#include "resolve.h"

static struct site *s;
static struct resolved *r;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	markdown_init();
	s = site_load(fuzz_site(), 1);
	if (!s) {
		diag_flush();
		exit(2);
	}
	r = resolve_site(s, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const srcs[] = {NULL, "content/index.md", "content/guide/index.md", "content/guide/b.fr.md"};
	const char *src = srcs[size % 4];
	char *url = fuzz_cstr(data, size);

	/* What escape.h promises: a link's schemes are a subset of an image's; an
	 * attribute value has nothing that could end it or the tag. */
	bool link_ok = esc_url_allowed(url, false), image_ok = esc_url_allowed(url, true);
	if (link_ok && !image_ok)
		abort();
	struct buf b = BUF_INIT;
	esc_url_attr(&b, url, strlen(url));
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];
		if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '<' || c == '>')
			abort();
	}
	buf_free(&b);

	if (link_ok && !esc_url_external(url)) {
		struct link_target t;
		char *err;
		if (resolve_link(r, src, url, &t, &err) == 0) {
			for (size_t lang = 0; lang < s->nlangs; lang++) {
				const char *from = src ? resolve_output(r, site_page_of(s, src + strlen("content/")), lang)
				                       : "en/index.html";
				const char *to = t.kind == LINK_PAGE ? resolve_output(r, t.page, lang)
				               : t.kind == LINK_RESOURCE ? t.path : from;
				free(site_url_relative(from, to));
				if (t.kind == LINK_PAGE && t.fragment)
					(void)resolve_anchor(r, t.page, lang, t.fragment);
			}
			free(t.path);
			free(t.fragment);
		} else {
			free(err);
		}
	}
	free(url);
	diag_reset();
	return 0;
}
