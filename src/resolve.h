/* resolve.h — the resolve stage: after site_load(), the facts every render
 * asks about the site, worked out in one place and read-only afterwards.
 *
 *   - translation groups and fallbacks: which language's text a page shows
 *     in each language (resolve_text_lang, resolve_has_text);
 *   - every page's output path in every language (resolve_output);
 *   - link targets: a link written in a source file to the page, folder or
 *     resource it names (resolve_link);
 *   - the ids the templates give (resolve_reserved_ids), which headings pass over;
 *   - the heading ids of every page in every language, and how an anchor of
 *     the default language's text maps to the translation's
 *     (resolve_anchor);
 *   - data files with each language's translated fields overlaid by id
 *     (resolve_data), and which of their texts and of the UI strings a
 *     language shows in the default language's words (resolve_value_lang);
 *   - where every data or front matter text that may hold citations or
 *     be a URL comes from (resolve_text_origin);
 *   - the translation status (the report of status.h, borrowed).
 *
 * Everything but the heading ids is computed by resolve_site(); heading ids
 * are parsed the first time a page's are asked for (most pages never are),
 * once, under a lock, so any thread may ask. Strings returned are owned by
 * the struct resolved and valid until resolve_free().
 */
#ifndef VADE_RESOLVE_H
#define VADE_RESOLVE_H

#include "diag.h"
#include "site.h"

#include <stdbool.h>
#include <stddef.h>

struct tr_report;
struct resolved;
struct md_reserved;

/* Works the facts out; borrows s and status (may be NULL) for its lifetime. Never fails. */
struct resolved *resolve_site(const struct site *s, const struct tr_report *status);
/* Makes r, worked out of a site since patched (site.h: site_patch, under vade serve), the facts of
 * the site as it stands, with status (status_report_patch's, or a new one): the heading ids of the
 * pages flagged in changed ([npages]) are parsed again when asked for. The rest is a function of
 * what a patch keeps as it was (which pages there are, in which languages, their front matter and
 * titles; data, UI strings, templates) and stays. */
void resolve_patch(struct resolved *r, const struct tr_report *status, const bool *changed);
void resolve_free(struct resolved *r);

const struct site *resolve_site_of(const struct resolved *r);
const struct tr_report *resolve_status(const struct resolved *r);
/* A digest of what resolve_value_lang() and resolve_text_origin() answer, for every text: it
 * changes with any data file, UI string or page's front matter that changes them (deps.h). */
uint64_t resolve_texts_digest(const struct resolved *r);

/* The language whose text page p shows in language lang: lang itself when
 * the page has a file in it (or is generated), else the default (0). */
size_t resolve_text_lang(const struct resolved *r, const struct page *p, size_t lang);
/* True when p shows a text of its own in lang (no fallback). */
bool resolve_has_text(const struct resolved *r, const struct page *p, size_t lang);
/* The language p's title (with title, else its summary) is written in, in language lang: the
 * text's (resolve_text_lang), or the default (0) where the translation holds that one untranslated
 * (tr_entry.title_foreign, summary_foreign: an import writes the original's text there until
 * someone translates it). */
size_t resolve_meta_lang(const struct resolved *r, const struct page *p, size_t lang, bool title);
/* Whether the page is written in lang: always, but with `fallback: link` not in a
 * language it has no text in (its links then lead to the original, resolve_output). */
bool resolve_written(const struct resolved *r, const struct page *p, size_t lang);
/* "<lang>/<path>index.html": the page's output file under OUT_DIR. */
const char *resolve_output(const struct resolved *r, const struct page *p, size_t lang);

/* A page's listing of its children in pages of site.yaml's `page_size`
 * (Hugo's paginator): how many pages it takes in lang, at least 1. The
 * first is the page's own output; page k (2..total) is written, when the
 * page's layout lists the pager's items (render.c), at
 * "<lang>/<path>page/<k>/index.html", beside the first. */
size_t resolve_pager_total(const struct resolved *r, const struct page *p, size_t lang);
/* The output file of page k (1..total) of p's listing in lang; caller frees. */
char *resolve_pager_output(const struct resolved *r, const struct page *p, size_t lang, size_t k);

/* What a link in a source file names. */
enum link_kind {
	LINK_FRAGMENT,          /* "#part": a place in the same page */
	LINK_PAGE,              /* a page: "other.md", "../a/index.md", "b.fr.md", or a folder: "a/", "a", "a/#part" */
	LINK_RESOURCE           /* a file under content/ copied as it is */
};
struct link_target {
	enum link_kind kind;
	const struct page *page; /* LINK_PAGE */
	char *path;             /* LINK_RESOURCE: its path under content/ (= under OUT_DIR); owned */
	char *fragment;         /* after '#', percent-decoded, or NULL; owned */
	const char *rest;       /* LINK_RESOURCE: "?query#frag" as written; borrowed from the url */
	const char *query;      /* LINK_PAGE: "?query" as written, query_len bytes (0: none); borrowed:
	                         * kept on the page's link (a script on it may read it) */
	size_t query_len;
	int lang;               /* LINK_PAGE: the language a translation's file names ("b.fr.md"), else -1:
	                         * the language of the page that links */
};
/* Resolves url written in source file src ("content/a/b.md"; NULL for a
 * data text, read as at content/). The path and the fragment are read as
 * a browser or GitHub reads them: "%XX" escapes decoded (UTF-8 included:
 * "caf%C3%A9.md" is "café.md"), a '%' without two hexadecimal digits after
 * it kept as written; escapes that decode to bytes that are not UTF-8 text
 * are an error. A path that names no page and no file but a folder names the
 * folder's page (its index.md, or the listing page of a folder without
 * one). Returns 0 and fills t (free t->path and t->fragment), or -1 with a
 * message in *err (caller frees) naming what is missing and, when one is
 * close, the nearest page, folder or file, written as a link from src. */
int resolve_link(const struct resolved *r, const char *src, const char *url, struct link_target *t, char **err);
/* The first step of resolve_link(), needing no site: the path under
 * content/ that url names (*path, "." and ".." folded, a trailing '/'
 * kept; NULL for a fragment alone) and its fragment (*frag, or NULL), both
 * percent-decoded and owned by the caller. -1 with *err (caller frees) when
 * it leads outside content/ or does not decode. */
int resolve_link_path(const char *src, const char *url, char **path, char **frag, char **err);
/* The candidate (paths under content/; a folder as "a/") nearest to path,
 * written as a link from source file src, or NULL when none is close: 1
 * edit for a last name under 6 bytes, 2 under 12, else a quarter of it
 * (text_nearest). Caller frees. */
char *resolve_link_hint(const char *src, const char *path, const char *const *cands, size_t n);

/* The id to link to for heading id frag of page p's default-language text
 * when the reader is in lang: the id of the translation's heading that
 * answers that heading, by passage identity (status.h: the record's
 * alignment of the original with the translation), wherever it stands. A
 * translation never brought in line (no record) answers by position when it
 * has as many headings. NULL when the heading cannot be mapped (none
 * answers it, or the counts differ without a record): the caller reports
 * it at the link. frag itself when p is not translated into lang or frag is
 * no heading of the original. Thread-safe. */
const char *resolve_anchor(struct resolved *r, const struct page *p, size_t lang, const char *frag);
/* The id of the heading of page p's text in lang that is named frag, an id the theme gives the page,
 * and so has another ("## Main": "main-1"; markdown.h, markdown_heading_ids): a link to "#main"
 * leads to the theme's element, not to it. NULL when no heading is. Thread-safe; borrowed. */
const char *resolve_heading_theirs(struct resolved *r, const struct page *p, size_t lang, const char *frag);

/* The ids the templates give elements of every page (the site's templates/
 * and its theme's, template.h tpl_fixed_ids()): heading ids pass over them,
 * here and in render. */
const struct md_reserved *resolve_reserved_ids(const struct resolved *r);

/* The data files by name (sorted), each with every language's translated fields overlaid. */
size_t resolve_ndata(const struct resolved *r);
const char *resolve_data_name(const struct resolved *r, size_t i);
/* Data file i in lang: the default file's tree with the fields of
 * content/data/<name>.<lang>.yaml overlaid (list items matched by `id`,
 * mappings key by key; what a translation lacks keeps the default's value). */
const struct yml_node *resolve_data(const struct resolved *r, size_t i, size_t lang);

/* The language a data field or UI string shown in language lang is written
 * in, found by its text (a template hands the text, not where it came
 * from): the default language (0) when lang has no translation of it and
 * shows the default's text, else lang. A text that lang has of its own
 * anywhere (a translated field, UI string or front matter) is lang's, and so
 * is one nobody wrote as a whole (a text a template put together). */
size_t resolve_value_lang(const struct resolved *r, const char *text, size_t lang);

/* Where a text that may hold a citation, a link or markup with limits, or be
 * a URL or a path (a scalar of a data file, front matter, site.yaml or UI
 * strings holding '@', '[', '<', '|', '/' or '&', or starting with a scheme, found by its
 * text) comes from, so messages
 * about it point at its file, line and column: *src and *at. A text written
 * alike in several places is taken as prefer's (the file of the page being
 * rendered; may be NULL), else as the first in a file of language lang (a
 * translated data overlay), else in a default one, else as the first. False when no
 * such scalar has this text (*src and *at untouched). */
bool resolve_text_origin(const struct resolved *r, const char *text, const char *prefer, size_t lang,
                         const char **src, struct text_place *at);

#endif
