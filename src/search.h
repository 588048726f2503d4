/* search.h — the full-text search index: one per language, in script files
 * a page opened from file:// can load (<script src>, no fetch), sharded so a
 * query loads only the part of the index it needs.
 *
 * Files, all under "<lang>/search/" (each calls a function of the search
 * page's script, window.vadeSearch):
 *   index.js      vadeSearch.index(lang, {"pages": N, "shards": [first term of each shard],
 *                                   "sizes": [bytes of each shard]})
 *   s/<k>.js      vadeSearch.shard(lang, k, {term: "page,score,page,score,..."})
 *                 terms in byte order; a term's postings one string of decimal
 *                 numbers, comma-separated (no sign, no leading zero); page ids
 *                 ascending, each given as the difference from the one before
 *                 (the first as itself)
 *   p/<g>.js      vadeSearch.pages(lang, g, {"<id>": {"url", "title", "text"[, "lang", "dir"]
 *                 [, "title_lang", "title_dir"]}, ...}):
 *                 what a result shows, for the pages of the language whose id / SEARCH_GROUP
 *                 is g (url relative to the search page; lang and dir only on a fallback
 *                 copy, whose text is in another language; title_lang and title_dir only on a
 *                 translation whose title is still its original's, untranslated); no file
 *                 for a group with none of the language's pages
 * A page's id is its index in the site (struct page.index), the same in
 * every language. Pages go to p/ in groups, not one file each: a file per page
 * doubled the files a build creates, and creating files is what a large build
 * spends most of its system time on (issue 13); a group of SEARCH_GROUP pages
 * is some 40 KB on the bench corpus, and a page of results loads at most ten. A score is min(count in the text, 99), plus 100 when the
 * term is in a heading, plus 200 when it is in the title.
 *
 * Terms are the runs of letters, digits and marks (Unicode L, N, M) of the
 * folded text, of two characters or more (at most SEARCH_TERM_MAX bytes); a
 * run of a script written without spaces (Han, Hiragana, Katakana, Thai, Lao,
 * Khmer, Myanmar) is cut into words by ICU's word break iterator, as the page
 * cuts a query with Intl.Segmenter.
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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEARCH_TERM_MAX 64

/* The distinct terms of one language's pages in a build, each numbered once (from 0, in the order
 * they were first met). A page keeps its terms as these numbers rather than as text:
 * the text of every page's terms, kept until the index is written and then for the build's record,
 * was a fifth of a 10,000-page build's peak memory; and the index is made from the numbers without
 * hashing every term again (issue 13). Thread-safe; the terms live as long as the lexicon, and stay
 * where they are while it numbers more: terms numbered in one language's lexicon may be read by
 * another language's index (a copy's shared terms) while the first numbers the terms of the pages
 * its own index kept. */
struct search_lexicon;
/* A lexicon numbers up to SEARCH_LEXICON_MAX terms: a number takes at most 4 bytes of a page's
 * terms (below). */
#define SEARCH_LEXICON_MAX (UINT32_C(1) << 28)
struct search_lexicon *search_lexicon_new(void);
void search_lexicon_free(struct search_lexicon *lex);
/* A page with a term numbered max or more keeps its terms as text (SEARCH_LEXICON_MAX unless set:
 * the tests set less). */
void search_lexicon_set_max(struct search_lexicon *lex, uint32_t max);
/* search_index_write() makes the postings of lex's language this many at a time (6 bytes each;
 * SEARCH_INDEX_WINDOW unless set: the tests set less), in one pass over the pages' terms per
 * window, terms in byte order; a term with more postings than that is made at once. */
#define SEARCH_INDEX_WINDOW ((size_t)1 << 18)
void search_lexicon_set_window(struct search_lexicon *lex, size_t window);

/* The terms of one page with their scores, in one of two forms: numbers in a lexicon (made by
 * search_terms_new), or text (read from deps.h's record; or a page whose lexicon has more than
 * SEARCH_LEXICON_MAX terms). */
struct search_terms {
	struct search_lexicon *lex; /* not NULL: the terms are code[0, code_len), each as its number in lex
	                             * and then its score, both LEB128 (util.h; 7 bits a byte, low first, the
	                             * high bit set on all bytes but the last): 2.3 bytes a term on the
	                             * bench corpus where 4 were, the terms were the largest part of a
	                             * 10,000-page build's peak memory (issue 13) */
	unsigned char *code;
	size_t code_len;
	char *text;        /* lex NULL: the terms, each NUL-terminated, one after the other */
	uint16_t *score;   /* lex NULL: [n] */
	size_t n;
	size_t len;        /* bytes of the terms' text with their NULs, in either form */
	bool borrowed;     /* text and score belong to someone else (deps.h's record): not freed */
	size_t shared;     /* holders besides the first (search_terms_share); search_terms_free()
	                    * frees the terms when the last lets go */
};

/* t, held once more: a page's copy in a language without its translation has the original's
 * text, and with it the original's terms. Each holder calls search_terms_free() once; not
 * thread-safe (a page's languages are rendered by one worker). */
struct search_terms *search_terms_share(struct search_terms *t);

/* The terms of t one after the other, in either form: start with {0}; each call gives the next
 * term (NUL-terminated) and its length, and sets it->score to its score; NULL after the last. */
struct search_term_iter {
	size_t j;
	const char *at;
	size_t pos;     /* lex form: where the next term is in code */
	unsigned score;
};
const char *search_terms_next(const struct search_terms *t, struct search_term_iter *it, size_t *len);
/* Whether a and b (either NULL) are the same terms, in the same order, with the same scores. */
bool search_terms_equal(const struct search_terms *a, const struct search_terms *b);

/* "<lang_code>/search/<rel>": where the search page ("index.html") and its index live. Caller frees. */
char *search_path(const char *lang_code, const char *rel);

/* Appends the folded s[0, len) to out. */
void search_fold(struct buf *out, const char *s, size_t len);
/* The terms of a page: its title, the text of its headings and its whole text, numbered in lex
 * (NULL only when all three are: no terms). Caller frees with search_terms_free(). */
struct search_terms *search_terms_new(struct search_lexicon *lex, const char *title, const char *heads,
                                      const char *body);
void search_terms_free(struct search_terms *t);

/* Pages per file of p/ (see above). */
#define SEARCH_GROUP 8

typedef struct json_t json_t; /* jansson's */

/* One page's entry in p/<g>.js; lang and dir NULL unless the page is a fallback copy, title_lang and
 * title_dir NULL unless its title alone is in another language. Caller owns it (json_decref, or
 * hands it to search_group). */
json_t *search_fragment(const char *url, const char *title, const char *text, const char *lang, const char *dir,
                        const char *title_lang, const char *title_dir);
/* The bytes of p/<g>.js from the entries of the group's pages: frag[i] is page g * SEARCH_GROUP + i's,
 * or NULL, for i < n. Takes the entries (each set NULL). NULL when all are NULL; else caller frees. */
char *search_group(const char *lang_code, size_t g, json_t **frag, size_t n, size_t *len);
/* The entries of p/<g>.js as search_group() wrote them into data[0, len): an object by page id
 * (caller json_decref's it), or NULL when data is not such a file. */
json_t *search_group_read(const char *lang_code, size_t g, const char *data, size_t len);

/* Where the files of an index go. rel is the file's name under the language's search folder;
 * key a digest of what a shard holds (0 for index.js, which is always put). */
struct search_out {
	/* Whether the file the last build wrote under rel, for this key, is there as that build left
	 * it: then it is kept as it is, its size in *size, and nothing is put. May be NULL. */
	bool (*keep)(void *ctx, const char *rel, uint64_t key, size_t *size);
	/* The file's bytes (the callee copies them). */
	void (*put)(void *ctx, const char *rel, const char *data, size_t len, uint64_t key);
	/* The key the last build wrote the file under rel with (0: none); may be NULL, and then
	 * search_index_update() makes nothing. */
	uint64_t (*key_was)(void *ctx, const char *rel);
	/* The bytes of the file the last build wrote under rel, in *len (caller frees), or NULL; may be
	 * NULL, as key_was. */
	char *(*read_was)(void *ctx, const char *rel, size_t *len);
	/* search_index_update() leaves the file under rel as the last build wrote it (its key), but
	 * keep found it changed since (by someone else, while this build ran): the callee sees that
	 * the next build makes it again. May be NULL. */
	void (*lost)(void *ctx, const char *rel, uint64_t key);
	void *ctx;
};
/* Writes index.js (with "group": SEARCH_GROUP) and s/<k>.js of one language from the terms of its pages
 * (terms[id], NULL for a page not in the language), each numbered in lex or given as text (which is
 * numbered in lex here). Shards are cut where their terms say (search.c: SHARD_CUT), so a shard an
 * edit did not reach has the key it had, and out->keep may keep its file. One thread at a time per
 * lexicon: it is the language's. */
void search_index_write(const char *lang_code, struct search_lexicon *lex, struct search_terms *const *terms,
                        size_t n, const struct search_out *out);

/* The shards of an index as its index.js lists them: each one's first term and its file's size. */
struct search_layout {
	char **first; /* [n], ascending in byte order; owned */
	size_t *size; /* [n] */
	size_t n;
};
/* Reads index.js of language lang_code, data[0, len), as search_index_write() wrote it into *lay:
 * false (and *lay empty) when it is not such a file. Free with search_layout_free(). */
bool search_index_read(const char *lang_code, const char *data, size_t len, struct search_layout *lay);
void search_layout_free(struct search_layout *lay);
/* search_index_write() for an index the last build wrote, lay its layout, when the pages
 * changed[0, nchanged) (ids, ascending) have terms other than they had then (old[c]: changed[c]'s
 * then) and every other page has the terms it had, with the same id. Only the shards that hold a
 * term whose postings changed are made again, with the shard after each run of them, from their
 * files as the last build wrote them (out->read_was) and the changed pages' terms; the others are
 * kept (out->keep, with out->key_was's key), and index.js is put. The output is byte for byte
 * search_index_write()'s. False, having kept and put nothing, when a run made again would not have
 * as many shards as it had, or would not end where the next shard begins (the later shards would
 * then be numbered anew), or more than half the shards would be made again (reading them back
 * costs more than making the index whole), or a file of the last build is not as it wrote them:
 * search_index_write() then. Its cost is the changed pages' terms and the shards they reach: a
 * 10,000-page language's index made whole after an edit to one page was a third of the rebuild
 * (issue 13). The caller has checked that the last build's files are there as it left them.
 * *remade: the shards made again (when true). */
bool search_index_update(const char *lang_code, struct search_lexicon *lex, struct search_terms *const *terms,
                         size_t n, const struct search_layout *lay, const size_t *changed,
                         const struct search_terms *const *old, size_t nchanged, const struct search_out *out,
                         size_t *remade);

#endif
