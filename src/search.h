/* search.h — the full-text search index: one per language, in script files
 * a page opened from file:// can load (<script src>, no fetch), sharded so a
 * query loads only the part of the index it needs.
 *
 * Files, all under "<lang>/search/" (each calls a function of the search
 * page's script, window.vadeSearch):
 *   index.js      vadeSearch.index(lang, {"pages": N, "shards": [first term of each shard],
 *                                   "sizes": [bytes of each shard]})
 *   s/<k>.js      vadeSearch.shard(lang, k, {term: [page, score, page, score, ...]})
 *                 terms in byte order; page ids ascending, each given as the
 *                 difference from the one before (the first as itself)
 *   p/<id>.js     vadeSearch.page(lang, id, {"url", "title", "text"[, "lang", "dir"]}):
 *                 what a result shows (url relative to the search page; lang and
 *                 dir only on a fallback copy, whose text is in another language)
 * A page's id is its index in the site (struct page.index), the same in
 * every language. A score is min(count in the text, 99), plus 100 when the
 * term is in a heading, plus 200 when it is in the title.
 *
 * Terms are the runs of letters, digits and marks (Unicode L, N, M) of the
 * folded text, of two characters or more (at most SEARCH_TERM_MAX bytes).
 * The fold is the search page's: NFD, combining marks U+0300-036F and
 * Arabic marks U+064B-065F, U+0670 dropped, lower case, Arabic alef forms
 * (U+0622, U+0623, U+0625, U+0671) to U+0627, ta marbuta to ha, alef maqsura
 * to ya. The page and this file must fold the same way.
 *
 * Thread-safe: search_terms_new() and search_fragment() run in the workers.
 */
#ifndef VADE_SEARCH_H
#define VADE_SEARCH_H

#include "util.h"

#include <stddef.h>
#include <stdint.h>

#define SEARCH_TERM_MAX 64

/* The terms of one page with their scores. */
struct search_terms {
	char *text;        /* the terms, each NUL-terminated, one after the other */
	uint16_t *score;   /* [n] */
	size_t n;
};

/* "<lang_code>/search/<rel>": where the search page ("index.html") and its index live. Caller frees. */
char *search_path(const char *lang_code, const char *rel);

/* Appends the folded s[0, len) to out. */
void search_fold(struct buf *out, const char *s, size_t len);
/* The terms of a page: its title, the text of its headings and its whole text.
 * Caller frees with search_terms_free(). */
struct search_terms *search_terms_new(const char *title, const char *heads, const char *body);
void search_terms_free(struct search_terms *t);

/* The bytes of p/<id>.js; lang and dir NULL unless the page is a fallback copy. Caller frees. */
char *search_fragment(const char *lang_code, size_t id, const char *url, const char *title, const char *text,
                      const char *lang, const char *dir, size_t *len);

/* One file of the index to write: rel under the language's search folder, and its bytes (owned). */
typedef void (*search_put_fn)(void *ctx, const char *rel, const char *data, size_t len);
/* Writes index.js and s/<k>.js of one language from the terms of its pages
 * (terms[id], NULL for a page not in the language). */
void search_index_write(const char *lang_code, struct search_terms *const *terms, size_t n, search_put_fn put,
                        void *ctx);

#endif
