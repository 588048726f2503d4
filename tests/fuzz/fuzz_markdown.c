/* libFuzzer target: Markdown with citations, typography and heading ids.
 * make fuzz FUZZ=markdown [FUZZ_TIME=60] */
#include "cite.h"
#include "diag.h"
#include "markdown.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cite_refs refs;
	static struct yml_doc *bib;
	if (!bib) {
		static const char y[] = "- {id: a, title: A, title-short: S}\n- {id: b, title: B}\n";
		bib = yml_parse("refs.yaml", y, sizeof y - 1, 1);
		cite_refs_load(&refs, bib);
	}
	/* The first byte picks the language's typography: en, fr, ar (rtl). */
	static const char *const langs[] = {"en", "fr", "ar"};
	unsigned sel = size ? data[0] % 3 : 0;
	struct cite_ctx c;
	cite_ctx_init(&c, &refs);
	c.src = "fuzz.md";
	struct md_opts o = {.line0 = 1, .cite = &c, .lang = langs[sel], .rtl = sel == 2, .drop_first_h1 = size && (data[0] & 4)};
	struct md_result r;
	markdown_render(&o, (const char *)data, size, &r);
	cite_resolve(&c);
	markdown_result_free(&r);
	cite_ctx_free(&c);
	diag_reset();
	return 0;
}
