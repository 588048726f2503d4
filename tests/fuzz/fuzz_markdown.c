/* libFuzzer target: a page file as a site has it — front matter, Markdown,
 * citations. The input is written as content/fuzz.md of the small site
 * (fuzz.h) and goes through the doc loader (doc_load: front matter, title
 * from the first heading, drafts), then as render.c does: the body and the
 * summary rendered with the site's bibliography and links resolved against
 * the site, the heading ids, and the passages a translator would get.
 * The last byte picks the language (en, fr, ar), unsafe_html and an id prefix.
 *   make fuzz FUZZ=markdown [FUZZ_TIME=60] */
#include "cite.h"
#include "diag.h"
#include "fuzz.h"
#include "load.h"
#include "markdown.h"
#include "passage.h"
#include "status.h"
#include "resolve.h"

#include <sys/stat.h>

static struct site *s;
static struct resolved *r;
static const char *const src = "content/fuzz.md";

/* As render.c's rewrite_link, for a page at en/fuzz/index.html. */
static char *rewrite_link(void *ctx, const char *url, bool image, int line, int col)
{
	size_t lang = *(size_t *)ctx;
	(void)image;
	struct link_target t;
	char *err, *out = NULL;
	if (resolve_link(r, src, url, &t, &err) != 0) {
		diag_error(src, line, col, "%s", err);
		free(err);
		return NULL;
	}
	const char *from = "en/fuzz/index.html";
	if (t.kind == LINK_PAGE) {
		const char *frag = t.fragment && *t.fragment ? resolve_anchor(r, t.page, lang, t.fragment) : t.fragment;
		if (t.fragment && *t.fragment && !frag)
			frag = t.fragment; /* no heading of the translation answers it: render reports it */
		char *rel = site_url_relative(from, resolve_output(r, t.page, lang));
		out = frag ? xasprintf("%s#%s", rel, frag) : xstrdup(rel);
		free(rel);
	} else if (t.kind == LINK_RESOURCE) {
		char *rel = site_url_relative(from, t.path);
		out = xasprintf("%s%s", rel, t.rest);
		free(rel);
	}
	free(t.path);
	free(t.fragment);
	return out;
}

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
	unsigned sel = size ? data[size - 1] : 0;
	size_t lang = sel % 3;
	fuzz_put(src, data, size);
	char *slug = NULL;
	struct yml_node *slug_node;
	struct stat st = {.st_mode = S_IFREG}; /* no record is open: the file is read */
	struct doc *d = doc_load(s, src, &st, &slug, &slug_node);
	if (d) {
		struct cite_ctx c;
		cite_ctx_init(&c, &s->refs);
		size_t off = d->body_off <= size ? d->body_off : size;
		struct text_cursor cursor = {0, 0, 0, 0};
		c.src = src;
		c.at = (struct text_place){d->body_line, 1, 0, false, (const char *)data + off, size - off, &cursor};
		struct md_opts o = {.unsafe_html = sel & 4, .drop_first_h1 = d->title_from_heading,
		                    .at = c.at, .link = rewrite_link, .link_ctx = &lang, .cite = &c,
		                    .lang = s->langs[lang].code, .rtl = !strcmp(s->langs[lang].dir, "rtl"),
		                    .id_prefix = sel & 8 ? "c2-" : NULL, .src = src, .reserved = resolve_reserved_ids(r)};
		struct md_result body, sum;
		struct strmap taken = STRMAP_INIT_OWNED; /* the file's ids so far (job_ids) */
		o.taken = sel & 16 ? &taken : NULL;
		markdown_render(&o, (const char *)data + off, size - off, &body);
		/* The summary as the markdown() helper renders a front matter text, after the body: a data
		 * text's ids ("t1-"), passing over the body's. */
		struct md_opts so = o;
		so.drop_first_h1 = false;
		so.at = (struct text_place){1, 1, 0, false, NULL, 0, NULL};
		so.id_prefix = sel & 16 ? "t1-" : NULL;
		const char *summary = d->summary ? d->summary : "";
		markdown_render(&so, summary, strlen(summary), &sum);
		cite_resolve(&c);
		markdown_result_free(&body);
		markdown_result_free(&sum);
		strmap_free(&taken);
		cite_ctx_free(&c);

		char **ids, **theirs;
		size_t n = markdown_heading_ids((const char *)data + off, size - off, d->title_from_heading, s->langs[lang].code,
		                                resolve_reserved_ids(r), &ids, NULL, &theirs);
		for (size_t i = 0; i < n; i++) {
			free(ids[i]);
			free(theirs[i]);
		}
		free(ids);
		free(theirs);

		/* What a translator gets of this file (a draft has no src: no passages). */
		if (d->src) {
			struct passage_set set;
			passage_set_cut(&set, d, fuzz_cstr(data, size), size);
			/* Aligned with itself as a record and as a translation: every passage current. */
			struct rec *rec = calloc(set.n + 1, sizeof *rec);
			for (size_t i = 0; i < set.n; i++)
				rec[i] = (struct rec){NULL, set.v[i].digest, REC_CURRENT, NULL};
			struct page_align a;
			page_align(&set, rec, set.n, &set, &a);
			for (size_t i = 0; i < a.n; i++)
				if (a.v[i].change != TC_CURRENT)
					abort();
			page_align_free(&a);
			free(rec);
			passage_set_free(&set);
		}
		doc_free(d);
	}
	free(slug);
	diag_reset();
	return 0;
}
