/* search.c — folding, the terms of a page, and the shards of a language's index (see search.h). */
#include "search.h"

#include <jansson.h>
#include <xxhash.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* Where shards are cut. A shard holds some 4 to 16 KB: a word of a query
 * loads a few KB unless it is a common one, yet a site of 10,000 pages and
 * 20 MB of index per language has a few thousand shards, and their list
 * (index.js) stays some 30 KB. One term's postings are never split, so the
 * shard of a very common term is larger (10,000 pages give about 80 KB).
 * The cuts are content-defined, as a chunking backup tool cuts files: after
 * a term whose digest has its low SHARD_CUT bits 0, once the shard holds
 * SHARD_MIN bytes (estimated from its postings), and at SHARD_MAX at the
 * latest. A cut depends on the terms before it back to the last such term
 * only, so a page edited moves no cut but in the shards that hold its
 * changed terms, and every other shard is the file the last build wrote,
 * kept as it is (search_keep_fn) — where cutting at each 8 KB made an
 * edit to one page every later shard's business (issue 13). */
#define SHARD_MIN 4096
#define SHARD_MAX 16384
#define SHARD_CUT 63 /* one term in 64 may end a shard */
/* A term's score in a page (search.h): at most 99 + 100 + 200, at least 1 (count_term). */
#define SCORE_MAX 399

char *search_path(const char *lang_code, const char *rel)
{
	return xasprintf("%s/search/%s", lang_code, rel);
}

/* {============ Folding */

static bool dropped_mark(UChar32 c)
{
	return (c >= 0x300 && c <= 0x36f) || (c >= 0x64b && c <= 0x65f) || c == 0x670;
}

/* Arabic letters a reader takes as one: alef forms, ta marbuta, alef maqsura. */
static UChar32 arabic_same(UChar32 c)
{
	switch (c) {
	case 0x622: case 0x623: case 0x625: case 0x671: return 0x627;
	case 0x629: return 0x647;
	case 0x649: return 0x64a;
	default: return c;
	}
}

static void add_cp(struct buf *out, UChar32 c)
{
	char u[U8_MAX_LENGTH];
	int32_t n = 0;
	UBool err = false;
	U8_APPEND((uint8_t *)u, n, (int32_t)sizeof u, c, err);
	if (!err)
		buf_add(out, u, (size_t)n);
}

void search_fold(struct buf *out, const char *s, size_t len)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&e);
	int32_t i = 0, n = (int32_t)len;
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) { /* a run of ASCII, lower-cased in place */
			int32_t run = i;
			while (run < n && (unsigned char)s[run] < 0x80)
				run++;
			size_t at = out->len;
			buf_add(out, s + i, (size_t)(run - i));
			for (char *c = out->p + at; c < out->p + out->len; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c += 32;
			i = run;
			continue;
		}
		UChar32 c;
		U8_NEXT((const uint8_t *)s, i, n, c);
		if (c < 0)
			continue; /* vade's outputs are valid UTF-8; a bad byte is no letter */
		/* a soft hyphen, a zero width space or joiner, a directional mark... shows nothing and splits
		 * no word ("Co\u00ADoperation" is "cooperation": helper-144); the page's fold drops them too */
		if (char_shows_nothing((uint32_t)c))
			continue;
		UChar d[32];
		int32_t dn = -1;
		if (U_SUCCESS(e))
			dn = unorm2_getDecomposition(nfd, c, d, 32, &e);
		if (dn < 0 || U_FAILURE(e)) {
			e = U_ZERO_ERROR;
			dn = 0;
			U16_APPEND_UNSAFE(d, dn, c);
		}
		for (int32_t k = 0; k < dn;) {
			UChar32 x;
			U16_NEXT(d, k, dn, x);
			if (!dropped_mark(x))
				add_cp(out, arabic_same(u_tolower(x)));
		}
	}
}

/* }============ */

/* {============ The terms of a page */

/* A letter, digit or mark (\p{L}, \p{N}, \p{M}, as the page splits a query). */
static bool word_cp(UChar32 c)
{
	if (c < 0x80) /* in ASCII, \p{L} and \p{N} are [A-Za-z0-9] and \p{M} is empty */
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
	return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
}

enum { IN_BODY, IN_HEADS, IN_TITLE };

struct counts {
	struct strmap *m;
	struct buf *terms;
	uint16_t **score;
	size_t *n, *cap;
	int field;
};

/* Counts term t[0, tl) (of chars characters) into c: a term of two characters or more, at most
 * SEARCH_TERM_MAX bytes. */
static void count_term(struct counts *c, const char *t0, int32_t tl, int32_t chars)
{
	if (chars < 2 || tl > SEARCH_TERM_MAX)
		return;
	char t[SEARCH_TERM_MAX + 1];
	memcpy(t, t0, (size_t)tl);
	t[tl] = '\0';
	bool added;
	size_t *v = strmap_put(c->m, t, &added);
	if (added) {
		if (*c->n == *c->cap) {
			*c->cap = *c->cap ? *c->cap * 2 : 256;
			*c->score = xrealloc(*c->score, *c->cap * sizeof **c->score);
		}
		*v = (*c->n)++;
		(*c->score)[*v] = 0;
		buf_add(c->terms, t, (size_t)tl + 1);
	}
	uint16_t *sc = &(*c->score)[*v];
	if (c->field == IN_BODY && *sc % 100 < 99)
		(*sc)++;
	else if (c->field == IN_HEADS && *sc % 200 < 100)
		*sc += 100;
	else if (c->field == IN_TITLE && *sc < 200)
		*sc += 200;
}

/* The words of run r[0, n) (folded UTF-8) of a script written without spaces, as ICU's word break
 * iterator finds them with its dictionaries (UAX #29 and ICU's dictionary-based break engine), each
 * counted; the search page splits a query with Intl.Segmenter, which is ICU's too (helper-144: a
 * Thai page's body was one run past SEARCH_TERM_MAX, left out; "犯罪" found nothing in a Chinese
 * sentence). *bi is the iterator, opened on the first such run and kept for the text's others. */
static void count_words(struct counts *c, const char *r, int32_t n, UBreakIterator **bi)
{
	UErrorCode e = U_ZERO_ERROR;
	int32_t ul = 0;
	u_strFromUTF8(NULL, 0, &ul, r, n, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return;
	e = U_ZERO_ERROR;
	UChar *d = xmalloc(((size_t)ul + 1) * sizeof *d);
	u_strFromUTF8(d, ul + 1, NULL, r, n, &e);
	/* composed again (NFC) for the dictionaries, which know "で", not "て" and its mark as the fold
	 * leaves them (helper-145: "プログラ" + "ミング"); the page composes its query so */
	const UNormalizer2 *nfc = U_SUCCESS(e) ? unorm2_getNFCInstance(&e) : NULL;
	UChar *u = xmalloc(((size_t)ul + 1) * sizeof *u);
	if (U_SUCCESS(e))
		ul = unorm2_normalize(nfc, d, ul, u, ul + 1, &e); /* (NFC is never longer than NFD) */
	free(d);
	if (U_SUCCESS(e) && !*bi)
		*bi = ubrk_open(UBRK_WORD, "", u, ul, &e);
	else if (U_SUCCESS(e))
		ubrk_setText(*bi, u, ul, &e);
	if (U_SUCCESS(e) && *bi) {
		for (int32_t a = ubrk_first(*bi), b; (b = ubrk_next(*bi)) != UBRK_DONE; a = b) {
			if (ubrk_getRuleStatus(*bi) < UBRK_WORD_NUMBER)
				continue; /* (none of a word's: space, punctuation) */
			char w[SEARCH_TERM_MAX + 8];
			int32_t wl = 0;
			UErrorCode we = U_ZERO_ERROR;
			u_strToUTF8(w, (int32_t)sizeof w, &wl, u + a, b - a, &we);
			/* one character is a word here (猫, 书: helper-145) */
			if (U_SUCCESS(we) && wl <= SEARCH_TERM_MAX)
				count_term(c, w, wl, u_countChar32(u + a, b - a) + 1);
		}
	}
	free(u);
}

/* Counts the terms of s into map/counts (body) or marks them (heads, title). */
static void scan(const char *s, int field, struct strmap *m, struct buf *terms, uint16_t **score, size_t *n,
                 size_t *cap)
{
	if (!s)
		return;
	struct counts cts = {m, terms, score, n, cap, field};
	struct buf f = BUF_INIT;
	search_fold(&f, s, strlen(s));
	UBreakIterator *bi = NULL;
	int32_t i = 0, len = (int32_t)f.len;
	while (i < len) {
		int32_t start = i, end = i, chars = 0;
		bool dictionary = false;
		UChar32 c;
		while (i < len) {
			int32_t at = i;
			U8_NEXT((const uint8_t *)f.p, i, len, c);
			if (c < 0 || !word_cp(c)) {
				end = at;
				break;
			}
			dictionary = dictionary || script_unspaced((uint32_t)c);
			end = i;
			chars++;
		}
		if (dictionary)
			count_words(&cts, f.p + start, end - start, &bi);
		else
			count_term(&cts, f.p + start, end - start, chars);
		if (i == start)
			i++;
	}
	if (bi)
		ubrk_close(bi);
	buf_free(&f);
}

/* A lexicon's terms by number are kept in blocks that never move: block k holds LEX_BLOCK0 << k
 * numbers. A page of one language may hold terms numbered in another's lexicon (a copy of the
 * original shares the original's terms, search_terms_share), and each language's index is made
 * on a thread of its own: while one reads the original's terms, the original's own index numbers
 * the terms of the pages it kept from the last build. A list grown by realloc moved under the
 * reader (a data race, and a read of freed memory); a new block leaves the terms it has where
 * they are. */
#define LEX_BLOCK0 1024
#define LEX_BLOCKS 40

struct search_lexicon {
	pthread_mutex_t lock;
	struct strmap ids; /* term -> its number; keys owned */
	const char **block[LEX_BLOCKS]; /* by number: the term (the map's key); see above */
	size_t n;          /* terms numbered */
	uint32_t max;      /* search_lexicon_set_max() */
	size_t window;     /* search_lexicon_set_window() */
};

/* The block of the term numbered id, and its place in it. */
static unsigned lex_block(size_t id, size_t *off)
{
	unsigned long long q = id / LEX_BLOCK0 + 1; /* block k holds the ids with q in [2^k, 2^(k+1)) */
#if defined(__GNUC__)
	unsigned k = 63 - (unsigned)__builtin_clzll(q);
#else
	unsigned k = 0;
	while (q >> (k + 1))
		k++;
#endif
	*off = id - LEX_BLOCK0 * (((size_t)1 << k) - 1);
	return k;
}

/* The term numbered id. */
static const char *lex_term(const struct search_lexicon *lex, size_t id)
{
	size_t off;
	unsigned k = lex_block(id, &off);
	return lex->block[k][off];
}

struct search_lexicon *search_lexicon_new(void)
{
	struct search_lexicon *lex = xcalloc(1, sizeof *lex);
	lex->ids = (struct strmap)STRMAP_INIT_OWNED;
	lex->max = SEARCH_LEXICON_MAX;
	lex->window = SEARCH_INDEX_WINDOW;
	pthread_mutex_init(&lex->lock, NULL);
	return lex;
}

void search_lexicon_free(struct search_lexicon *lex)
{
	if (!lex)
		return;
	strmap_free(&lex->ids);
	for (size_t k = 0; k < LEX_BLOCKS; k++)
		free(lex->block[k]);
	pthread_mutex_destroy(&lex->lock);
	free(lex);
}

void search_lexicon_set_max(struct search_lexicon *lex, uint32_t max)
{
	lex->max = max < SEARCH_LEXICON_MAX ? max : SEARCH_LEXICON_MAX;
}

void search_lexicon_set_window(struct search_lexicon *lex, size_t window)
{
	lex->window = window ? window : 1;
}

/* The number at it->pos in t's code (search_terms.code), it->pos moved past it. */
static uint32_t code_next(const struct search_terms *t, struct search_term_iter *it)
{
	const unsigned char *p = t->code + it->pos;
	uint64_t v = 0;
	leb128_read(&p, t->code + t->code_len, &v); /* (made by search_terms_new: whole) */
	it->pos = (size_t)(p - t->code);
	return (uint32_t)v;
}

/* The number of term t in lex, given one if it has none; the caller holds the lock. */
static uint32_t intern(struct search_lexicon *lex, const char *t)
{
	bool added;
	size_t *v = strmap_put(&lex->ids, t, &added);
	if (added) {
		size_t off;
		unsigned k = lex_block(lex->n, &off);
		if (k >= LEX_BLOCKS)
			abort(); /* 2^40 thousand terms: memory ran out long before */
		if (!lex->block[k])
			lex->block[k] = xmalloc((LEX_BLOCK0 << k) * sizeof *lex->block[k]);
		lex->block[k][off] = strmap_key(&lex->ids, t);
		*v = lex->n++;
	}
	return (uint32_t)*v;
}

struct search_terms *search_terms_new(struct search_lexicon *lex, const char *title, const char *heads,
                                      const char *body)
{
	struct strmap m = STRMAP_INIT_OWNED;
	struct buf terms = BUF_INIT;
	uint16_t *score = NULL;
	size_t n = 0, cap = 0;
	scan(body, IN_BODY, &m, &terms, &score, &n, &cap);
	scan(heads, IN_HEADS, &m, &terms, &score, &n, &cap);
	scan(title, IN_TITLE, &m, &terms, &score, &n, &cap);
	strmap_free(&m);
	/* Held for every page and language until the index is written: no slack (the buffers grew by
	 * doubling, a third of a 10,000-page build's peak memory was their unused ends; issue 13). */
	struct search_terms *t = xcalloc(1, sizeof *t);
	t->n = n;
	t->len = terms.len;
	if (n) {
		struct buf code = BUF_INIT;
		const char *p = terms.p;
		bool fits = true;
		pthread_mutex_lock(&lex->lock); /* once per page, not per term */
		for (size_t j = 0; j < n && fits; j++, p += strlen(p) + 1) {
			uint32_t id = intern(lex, p);
			fits = id < lex->max;
			buf_add_leb128(&code, id);
			buf_add_leb128(&code, score[j]);
		}
		pthread_mutex_unlock(&lex->lock);
		if (fits) {
			t->lex = lex;
			t->code = (unsigned char *)buf_detach(&code, &t->code_len);
			t->code = xrealloc(t->code, t->code_len + 1);
			free(score);
			buf_free(&terms);
			return t;
		}
		buf_free(&code); /* a number past the lexicon's most: the text, as the record has it */
	}
	t->score = n ? xrealloc(score, n * sizeof *score) : score;
	t->text = terms.cap ? xrealloc(terms.p, terms.len + 1) : buf_detach(&terms, NULL);
	return t;
}

struct search_terms *search_terms_share(struct search_terms *t)
{
	t->shared++;
	return t;
}

void search_terms_free(struct search_terms *t)
{
	if (!t)
		return;
	if (t->shared) {
		t->shared--;
		return;
	}
	if (!t->borrowed) {
		free(t->text);
		free(t->score);
	}
	free(t->code);
	free(t);
}

const char *search_terms_next(const struct search_terms *t, struct search_term_iter *it, size_t *len)
{
	if (!t || it->j >= t->n)
		return NULL;
	const char *term;
	if (t->lex) {
		uint32_t id = code_next(t, it);
		it->score = code_next(t, it);
		term = lex_term(t->lex, id);
	} else {
		term = it->at ? it->at : t->text;
		it->at = term + strlen(term) + 1;
		it->score = t->score[it->j];
	}
	it->j++;
	*len = strlen(term);
	return term;
}

bool search_terms_equal(const struct search_terms *a, const struct search_terms *b)
{
	if (!a || !b)
		return a == b;
	if (a->n != b->n || a->len != b->len)
		return false;
	if (a->lex && a->lex == b->lex)
		return a->code_len == b->code_len && !memcmp(a->code, b->code, a->code_len);
	struct search_term_iter ia = {0}, ib = {0};
	const char *x, *y;
	size_t lx, ly;
	while ((x = search_terms_next(a, &ia, &lx)) && (y = search_terms_next(b, &ib, &ly)))
		if (lx != ly || memcmp(x, y, lx) || ia.score != ib.score)
			return false;
	return true;
}

/* }============ */

/* {============ Files */

/* "vadeSearch.<fn>(<lang>, <k>, <json>);\n"; takes v. */
static char *call(const char *fn, const char *lang_code, size_t k, bool with_k, json_t *v, size_t *len)
{
	json_t *l = json_string(lang_code);
	char *ls = json_dumps(l, JSON_ENCODE_ANY);
	char *vs = json_dumps(v, JSON_COMPACT);
	struct buf b = BUF_INIT;
	buf_addf(&b, "vadeSearch.%s(%s, ", fn, ls);
	if (with_k)
		buf_addf(&b, "%zu, ", k);
	buf_adds(&b, vs);
	buf_adds(&b, ");\n");
	free(ls);
	free(vs);
	json_decref(l);
	json_decref(v);
	return buf_detach(&b, len);
}

/* The JSON value of a file call() wrote for fn (with k when with_k), data[0, len): NULL when the
 * file is not such a call, or its value not JSON. */
static json_t *call_read(const char *fn, const char *lang_code, size_t k, bool with_k, const char *data, size_t len)
{
	json_t *l = json_string(lang_code);
	char *ls = json_dumps(l, JSON_ENCODE_ANY);
	json_decref(l);
	struct buf head = BUF_INIT;
	buf_addf(&head, "vadeSearch.%s(%s, ", fn, ls);
	if (with_k)
		buf_addf(&head, "%zu, ", k);
	free(ls);
	static const char tail[] = ");\n";
	json_t *o = NULL;
	if (len >= head.len + sizeof tail - 1 && !memcmp(data, head.p, head.len) &&
	    !memcmp(data + len - (sizeof tail - 1), tail, sizeof tail - 1))
		o = json_loadb(data + head.len, len - head.len - (sizeof tail - 1), JSON_REJECT_DUPLICATES, NULL);
	buf_free(&head);
	return o;
}

/* s as a JSON string of a result, as the page shows it: a control character or a noncharacter
 * as U+FFFD (text_unallowed_replace), which the page's own title and text show (helper-127:
 * jansson wrote them as they were). */
static json_t *shown_string(const char *s)
{
	uint32_t cp;
	if (!s || text_unallowed_at(s, strlen(s), &cp) < 0)
		return json_string(s ? s : "");
	struct buf b = BUF_INIT;
	buf_adds(&b, s);
	text_unallowed_replace(&b, 0);
	json_t *j = json_stringn(b.p, b.len);
	buf_free(&b);
	return j;
}

json_t *search_fragment(const char *url, const char *title, const char *text, const char *lang, const char *dir,
                        const char *title_lang, const char *title_dir)
{
	json_t *o = json_object();
	json_object_set_new(o, "url", json_string(url));
	json_object_set_new(o, "title", shown_string(title));
	json_object_set_new(o, "text", shown_string(text));
	if (lang)
		json_object_set_new(o, "lang", json_string(lang));
	if (dir)
		json_object_set_new(o, "dir", json_string(dir));
	if (title_lang)
		json_object_set_new(o, "title_lang", json_string(title_lang));
	if (title_dir)
		json_object_set_new(o, "title_dir", json_string(title_dir));
	return o;
}

char *search_group(const char *lang_code, size_t g, json_t **frag, size_t n, size_t *len)
{
	json_t *o = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!frag[i])
			continue;
		if (!o)
			o = json_object();
		char key[24];
		snprintf(key, sizeof key, "%zu", g * SEARCH_GROUP + i);
		json_object_set_new(o, key, frag[i]); /* jansson keeps the order keys were set in */
		frag[i] = NULL;
	}
	return o ? call("pages", lang_code, g, true, o, len) : NULL;
}

json_t *search_group_read(const char *lang_code, size_t g, const char *data, size_t len)
{
	json_t *o = call_read("pages", lang_code, g, true, data, len);
	if (o && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* Puts shard k of data (which it frees) under the key the shard's contents have; returns its size. */
static size_t put_shard(const char *lang_code, size_t k, json_t *shard, uint64_t key, const struct search_out *out)
{
	size_t len;
	char *data = call("shard", lang_code, k, true, shard, &len);
	char rel[32];
	snprintf(rel, sizeof rel, "s/%zu.js", k);
	out->put(out->ctx, rel, data, len, key);
	free(data);
	return len;
}

/* Whether a shard ends after term, which has count postings, its estimated bytes so far in *est
 * (SHARD_MIN, SHARD_MAX and SHARD_CUT above). */
static bool shard_ends(const char *term, size_t count, size_t *est)
{
	size_t tl = strlen(term);
	*est += tl + 6 + 4 * count;
	return *est >= SHARD_MAX || (*est >= SHARD_MIN && !(XXH3_64bits(term, tl) & SHARD_CUT));
}

/* {===== A term's postings: one JSON string of decimal numbers, comma-separated
 *
 * A shard's term holds its postings as one string ("3,201,1,2": page difference, score, ...), not
 * as a JSON array: jansson makes an object of every number it reads or writes, and a common
 * word's shard holds 20,000 of them. Read back for each shard a one-page rebuild makes again,
 * that was most of vade serve's search update: 1.4 ms a shard of 44 KB, 0.55 ms as a string
 * (issue 13). A browser loads the file faster too (one string, not 20,000 numbers), and splits it
 * only for the words a query looks up. The numbers are written and read here rather than by a
 * library: no JSON is parsed by hand (jansson reads the string), only a list of decimal numbers
 * inside it, as strict as it is written (digits, no sign, no leading zero, no empty item; pages
 * ascending and in the site, scores 1 to SCORE_MAX; helper-187). */

static void postings_add(struct buf *b, uint32_t v)
{
	char d[10];
	size_t n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	if (b->len)
		buf_addc(b, ',');
	while (n)
		buf_addc(b, d[--n]);
}

/* The next number of s[*at, len) (postings_add's), at most max; false at the end, and *bad set
 * when what is there is no such number. */
static bool postings_next(const char *s, size_t len, size_t *at, uint64_t max, uint64_t *v, bool *bad)
{
	size_t i = *at;
	if (i >= len)
		return false;
	uint64_t x = 0;
	size_t d0 = i;
	while (i < len && s[i] >= '0' && s[i] <= '9' && x <= max)
		x = x * 10 + (uint64_t)(s[i++] - '0');
	if (i == d0 || x > max || (s[d0] == '0' && i - d0 > 1) || (i < len && (s[i] != ',' || i + 1 == len)))
		*bad = true;
	*at = i + (i < len);
	*v = x;
	return !*bad;
}

/* }===== */

/* Shard k: the terms numbered ids[0, nterms) in lex, in byte order; term j's postings are
 * page[begin[j] - base, begin[j + 1] - base) with their scores. Kept when out->keep knows the file
 * by its key, else put; returns the file's size. */
static size_t shard_write(const char *lang_code, size_t k, const struct search_lexicon *lex, const uint32_t *ids,
                          size_t nterms, const size_t *begin, size_t base, const uint32_t *page,
                          const uint16_t *score, XXH3_state_t *h, const struct search_out *out)
{
	/* the shard's key: its number and language, its terms with their postings' count, the
	 * postings (the file is a function of these alone, with vade's version, which a
	 * record of the last build is for) */
	size_t p0 = begin[0] - base, p1 = begin[nterms] - base;
	XXH3_64bits_reset(h);
	XXH3_64bits_update(h, &k, sizeof k);
	XXH3_64bits_update(h, lang_code, strlen(lang_code) + 1);
	for (size_t j = 0; j < nterms; j++) {
		const char *term = lex_term(lex, ids[j]);
		size_t cnt = begin[j + 1] - begin[j];
		XXH3_64bits_update(h, term, strlen(term) + 1);
		XXH3_64bits_update(h, &cnt, sizeof cnt);
	}
	XXH3_64bits_update(h, page + p0, (p1 - p0) * sizeof *page);
	XXH3_64bits_update(h, score + p0, (p1 - p0) * sizeof *score);
	uint64_t key = XXH3_64bits_digest(h);
	char rel[32];
	snprintf(rel, sizeof rel, "s/%zu.js", k);
	size_t size;
	if (out->keep && out->keep(out->ctx, rel, key, &size))
		return size;
	json_t *shard = json_object();
	struct buf list = BUF_INIT;
	for (size_t j = 0; j < nterms; j++) {
		uint32_t last = 0;
		buf_reset(&list);
		for (size_t i = begin[j] - base; i < begin[j + 1] - base; i++) {
			postings_add(&list, page[i] - last);
			postings_add(&list, score[i]);
			last = page[i];
		}
		json_object_set_new(shard, lex_term(lex, ids[j]), json_stringn(list.p, list.len));
	}
	buf_free(&list);
	return put_shard(lang_code, k, shard, key, out);
}

/* index.js; takes firsts and sizes. */
static void put_index(const char *lang_code, size_t npages, json_t *firsts, json_t *sizes, const struct search_out *out)
{
	json_t *idx = json_object();
	json_object_set_new(idx, "pages", json_integer((json_int_t)npages));
	json_object_set_new(idx, "group", json_integer(SEARCH_GROUP));
	json_object_set_new(idx, "shards", firsts);
	json_object_set_new(idx, "sizes", sizes);
	size_t len;
	char *data = call("index", lang_code, 0, false, idx, &len);
	out->put(out->ctx, "index.js", data, len, 0);
	free(data);
}

/* Two term numbers of lex by their terms' bytes (qsort_r's). */
static int cmp_terms(const void *a, const void *b, void *lex)
{
	return strcmp(lex_term(lex, *(const uint32_t *)a), lex_term(lex, *(const uint32_t *)b));
}

/* The number in lex of t's next term (it as search_terms_next's), its score in *score: read from
 * t when lex numbered it, else the next of tid (the numbers search_index_write gave the terms of
 * the pages lex did not number, k the next of them). */
static uint32_t index_next(const struct search_terms *t, const struct search_lexicon *lex,
                           struct search_term_iter *it, const uint32_t *tid, size_t *k, unsigned *score)
{
	if (t->lex == lex) {
		uint32_t id = code_next(t, it);
		*score = code_next(t, it);
		return id;
	}
	if (t->lex) { /* another language's: the number is not this lexicon's */
		code_next(t, it);
		*score = code_next(t, it);
	} else { /* the text is not read: each pass over the terms would measure it again */
		*score = t->score[it->j++];
	}
	return tid[(*k)++];
}

void search_index_write(const char *lang_code, struct search_lexicon *lex, struct search_terms *const *terms,
                        size_t n, const struct search_out *out)
{
	/* The postings in term order, then page order, without sorting them: the terms are numbered
	 * (lex), only the distinct terms are sorted, and the postings are bucketed by their term's rank
	 * in page order (pages are visited in order). A sort of all postings by strcmp was most of the
	 * search index's time on large sites. A page given as text has its terms numbered here. */
	size_t np = 0, npages = 0, ntext = 0;
	for (size_t i = 0; i < n; i++)
		if (terms[i]) {
			np += terms[i]->n;
			npages++;
			ntext += terms[i]->lex == lex ? 0 : terms[i]->n;
		}
	uint32_t *tid = xmalloc((ntext ? ntext : 1) * sizeof *tid); /* the text pages' numbers, in order */
	pthread_mutex_lock(&lex->lock);
	for (size_t i = 0, k = 0; i < n; i++) {
		struct search_term_iter it = {0};
		const char *t;
		size_t len;
		if (terms[i] && terms[i]->lex != lex)
			while ((t = search_terms_next(terms[i], &it, &len)))
				tid[k++] = intern(lex, t);
	}
	pthread_mutex_unlock(&lex->lock);
	size_t nd = lex->n;
	size_t *count = xcalloc(nd + 1, sizeof *count);
	for (size_t i = 0, k = 0; i < n; i++) {
		struct search_term_iter it = {0};
		unsigned sc;
		for (size_t j = 0; terms[i] && j < terms[i]->n; j++)
			count[index_next(terms[i], lex, &it, tid, &k, &sc)]++;
	}
	/* the numbers of the terms in use, by rank */
	uint32_t *sorted = xmalloc((nd ? nd : 1) * sizeof *sorted);
	size_t nused = 0;
	for (size_t id = 0; id < nd; id++)
		if (count[id])
			sorted[nused++] = (uint32_t)id;
	if (nused > 1)
		qsort_r(sorted, nused, sizeof *sorted, cmp_terms, lex);
	/* by rank: where its postings begin among all (end[r] = begin[r + 1]); by number: its rank */
	size_t *begin = xmalloc((nused + 1) * sizeof *begin);
	uint32_t *rank = xmalloc((nd ? nd : 1) * sizeof *rank);
	for (size_t r = 0, at = 0; r < nused; r++) {
		begin[r] = at;
		at += count[sorted[r]];
		rank[sorted[r]] = (uint32_t)r;
	}
	begin[nused] = np;
	/* The shards, as ranges of ranks: shard k holds ranks [first[k], first[k + 1]). */
	size_t *first = xmalloc((nused + 1) * sizeof *first), nshards = 0;
	for (size_t r = 0, est = 0; r < nused; r++) {
		if (!est)
			first[nshards++] = r;
		if (shard_ends(lex_term(lex, sorted[r]), begin[r + 1] - begin[r], &est))
			est = 0;
	}
	first[nshards] = nused;
	/* The postings, a page and its score (6 bytes), are made for a window of shards at a time,
	 * of at most lex->window postings unless one shard has more, by a pass over the pages' terms
	 * for each window: all of a 10,000-page language's 1.5 million at once were 9 MB, made while
	 * the site-wide pages are rendered and another language's index is made (issue 13). */
	size_t cap = np < lex->window ? np : lex->window;
	for (size_t k = 0; k < nshards; k++)
		if (begin[first[k + 1]] - begin[first[k]] > cap)
			cap = begin[first[k + 1]] - begin[first[k]];
	uint32_t *page = xmalloc((cap ? cap : 1) * sizeof *page);
	uint16_t *score = xmalloc((cap ? cap : 1) * sizeof *score);
	size_t *at = count; /* by number: where its next posting goes in the window */
	XXH3_state_t *h = XXH3_createState();

	json_t *firsts = json_array(), *sizes = json_array();
	for (size_t k0 = 0, k1; k0 < nshards; k0 = k1) {
		for (k1 = k0 + 1; k1 < nshards && begin[first[k1 + 1]] - begin[first[k0]] <= cap; k1++)
			;
		size_t r0 = first[k0], r1 = first[k1];
		for (size_t r = r0; r < r1; r++)
			at[sorted[r]] = begin[r] - begin[r0];
		for (size_t i = 0, k = 0; i < n; i++) {
			struct search_term_iter it = {0};
			unsigned sc;
			for (size_t j = 0; terms[i] && j < terms[i]->n; j++) {
				uint32_t id = index_next(terms[i], lex, &it, tid, &k, &sc);
				if (rank[id] < r0 || rank[id] >= r1)
					continue;
				size_t w = at[id]++;
				page[w] = (uint32_t)i;
				score[w] = (uint16_t)sc;
			}
		}
		for (size_t k = k0; k < k1; k++) {
			size_t size = shard_write(lang_code, k, lex, sorted + first[k], first[k + 1] - first[k], begin + first[k],
			                          begin[r0], page, score, h, out);
			json_array_append_new(firsts, json_string(lex_term(lex, sorted[first[k]])));
			json_array_append_new(sizes, json_integer((json_int_t)size));
		}
	}
	XXH3_freeState(h);
	free(first);
	free(tid);
	free(count);
	free(rank);
	free(page);
	free(score);
	free(begin);
	free(sorted);
	put_index(lang_code, npages, firsts, sizes, out);
}

bool search_index_read(const char *lang_code, const char *data, size_t len, struct search_layout *lay)
{
	*lay = (struct search_layout){0};
	json_t *o = call_read("index", lang_code, 0, false, data, len);
	json_t *firsts = json_object_get(o, "shards"), *sizes = json_object_get(o, "sizes");
	size_t n = json_array_size(firsts);
	bool ok = json_is_array(firsts) && json_is_array(sizes) && json_array_size(sizes) == n &&
	          json_integer_value(json_object_get(o, "group")) == SEARCH_GROUP;
	if (ok) {
		lay->first = xcalloc(n ? n : 1, sizeof *lay->first);
		lay->size = xcalloc(n ? n : 1, sizeof *lay->size);
		for (size_t k = 0; k < n && ok; k++) {
			json_t *f = json_array_get(firsts, k), *z = json_array_get(sizes, k);
			ok = json_is_string(f) && json_is_integer(z) && json_integer_value(z) >= 0 &&
			     (k == 0 || strcmp(lay->first[k - 1], json_string_value(f)) < 0); /* as written: ascending */
			lay->first[k] = ok ? xstrdup(json_string_value(f)) : NULL;
			lay->size[k] = ok ? (size_t)json_integer_value(z) : 0;
			lay->n = k + 1;
		}
	}
	json_decref(o);
	if (!ok)
		search_layout_free(lay);
	return ok;
}

void search_layout_free(struct search_layout *lay)
{
	for (size_t k = 0; k < lay->n; k++)
		free(lay->first[k]);
	free(lay->first);
	free(lay->size);
	*lay = (struct search_layout){0};
}

/* The shard of lay whose range holds term: the last whose first term is not after it (0 when
 * term comes before them all). */
static size_t shard_of(const struct search_layout *lay, const char *term)
{
	size_t lo = 0, hi = lay->n; /* the answer is in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(lay->first[mid], term) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* A run of the last index's shards [a, b] made again. */
struct remade {
	size_t a, b;
};

/* Whether term is in run w's range: from lay->first[w->a] (from the first of all when a is 0) to
 * before lay->first[w->b + 1] (to the last of all). */
static bool in_run(const struct search_layout *lay, const struct remade *w, const char *term)
{
	return (w->a == 0 || strcmp(lay->first[w->a], term) <= 0) &&
	       (w->b + 1 == lay->n || strcmp(term, lay->first[w->b + 1]) < 0);
}

/* Marks in hit[] the shards of lay that hold a term whose postings differ between a page's terms
 * then (was) and now (is): a term either has alone, or has with another score. */
static void mark_changed_terms(const struct search_layout *lay, const struct search_terms *was,
                               const struct search_terms *is, bool *hit)
{
	struct strmap then = STRMAP_INIT; /* term -> its score then + 1; 0 once met now */
	struct search_term_iter it = {0};
	const char *term;
	size_t len;
	while ((term = search_terms_next(was, &it, &len)))
		*strmap_put(&then, term, NULL) = it.score + 1;
	it = (struct search_term_iter){0};
	while ((term = search_terms_next(is, &it, &len))) {
		size_t *sc = strmap_get(&then, term);
		if (!sc || *sc != it.score + 1)
			hit[shard_of(lay, term)] = true;
		if (sc)
			*sc = 0;
	}
	it = (struct search_term_iter){0};
	while ((term = search_terms_next(was, &it, &len)))
		if (*strmap_get(&then, term))
			hit[shard_of(lay, term)] = true; /* gone now */
	strmap_free(&then);
}

/* A posting while the runs are made again: a term (its number in the lexicon), a page, its score. */
struct posting {
	uint32_t id, page;
	uint16_t score;
};

static int cmp_posting_page(const void *a, const void *b)
{
	uint32_t x = ((const struct posting *)a)->page, y = ((const struct posting *)b)->page;
	return (x > y) - (x < y);
}

/* Appends to *post the postings of the last build's shard k (its file's bytes, data[0, len)), but
 * the changed pages' (is_changed[page]), each term numbered in lex (whose lock the caller holds);
 * false when the file is not a shard as search_index_write() writes them. */
static bool shard_postings(const char *lang_code, size_t k, const char *data, size_t len,
                           struct search_lexicon *lex, const bool *is_changed, size_t npages, struct posting **post,
                           size_t *npost, size_t *cap)
{
	json_t *o = call_read("shard", lang_code, k, true, data, len);
	bool ok = json_is_object(o);
	const char *term;
	json_t *list;
	json_object_foreach(o, term, list) {
		ok = ok && json_is_string(list) && json_string_length(list);
		if (!ok)
			break;
		uint32_t id = intern(lex, term);
		const char *s = json_string_value(list);
		size_t m = json_string_length(list), at = 0;
		uint64_t page = 0, d, sc;
		bool bad = false;
		for (bool first = true; ok && postings_next(s, m, &at, npages, &d, &bad); first = false) {
			page += d;
			/* (pages ascending: a difference of 0 after the first is a page twice) */
			ok = postings_next(s, m, &at, SCORE_MAX, &sc, &bad) && sc && page < npages && (d || first);
			if (!ok || is_changed[page])
				continue;
			if (*npost == *cap) {
				*cap = *cap ? 2 * *cap : 4096;
				*post = xrealloc(*post, *cap * sizeof **post);
			}
			(*post)[(*npost)++] = (struct posting){id, (uint32_t)page, (uint16_t)sc};
		}
		ok = ok && !bad;
	}
	json_decref(o);
	return ok;
}

bool search_index_update(const char *lang_code, struct search_lexicon *lex, struct search_terms *const *terms,
                         size_t n, const struct search_layout *lay, const size_t *changed,
                         const struct search_terms *const *old, size_t nchanged, const struct search_out *out,
                         size_t *remade)
{
	*remade = 0;
	if (!lay->n || !out->key_was || !out->keep || !out->read_was)
		return false;
	/* The shards that hold a term whose postings changed, and the shard after each run of them:
	 * where the cut after the run falls is known only once it is made again, and the next shard's
	 * first term is a cut the last index had. */
	size_t K = lay->n;
	bool *hit = xcalloc(K, sizeof *hit);
	for (size_t c = 0; c < nchanged; c++)
		mark_changed_terms(lay, old[c], terms[changed[c]], hit);
	struct remade *run = NULL;
	size_t nrun = 0;
	for (size_t k = 0; k < K; k++) {
		if (!hit[k])
			continue;
		size_t b = k;
		while (b + 1 < K && hit[b + 1])
			b++;
		b += b + 1 < K; /* (the shard after the run) */
		if (nrun && run[nrun - 1].b + 1 >= k)
			run[nrun - 1].b = b; /* overlaps the run before */
		else {
			run = xrealloc(run, (nrun + 1) * sizeof *run);
			run[nrun++] = (struct remade){k, b};
		}
		k = b;
	}
	free(hit);
	/* Most shards to make again (a checkout of many pages): reading them back costs more than the
	 * pass over every page's terms that makes the index whole. */
	size_t remake = 0;
	for (size_t w = 0; w < nrun; w++)
		remake += run[w].b - run[w].a + 1;
	if (remake * 2 > K) {
		free(run);
		return false;
	}
	/* The runs' postings: their shards' as the last build wrote them, but the changed pages', and
	 * the changed pages' now. */
	bool *again = xcalloc(K, sizeof *again); /* by shard: in a run */
	for (size_t w = 0; w < nrun; w++)
		for (size_t k = run[w].a; k <= run[w].b; k++)
			again[k] = true;
	bool *is_changed = xcalloc(n + 1, sizeof *is_changed);
	for (size_t c = 0; c < nchanged; c++)
		is_changed[changed[c]] = true;
	struct posting *post = NULL;
	size_t npost = 0, cap = 0;
	bool ok = true;
	pthread_mutex_lock(&lex->lock);
	for (size_t w = 0; w < nrun && ok; w++)
		for (size_t k = run[w].a; k <= run[w].b && ok; k++) {
			char rel[32];
			snprintf(rel, sizeof rel, "s/%zu.js", k);
			size_t len;
			char *data = out->read_was(out->ctx, rel, &len);
			ok = data && shard_postings(lang_code, k, data, len, lex, is_changed, n, &post, &npost, &cap);
			free(data);
		}
	for (size_t c = 0; c < nchanged && ok; c++) {
		struct search_term_iter it = {0};
		const char *term;
		size_t len;
		while ((term = search_terms_next(terms[changed[c]], &it, &len))) {
			if (!again[shard_of(lay, term)])
				continue;
			if (npost == cap) {
				cap = cap ? 2 * cap : 4096;
				post = xrealloc(post, cap * sizeof *post);
			}
			post[npost++] = (struct posting){intern(lex, term), (uint32_t)changed[c], (uint16_t)it.score};
		}
	}
	pthread_mutex_unlock(&lex->lock);
	free(is_changed);
	free(again);
	/* The runs' terms in byte order (the runs are ranges in that order), each with its postings in
	 * page order, as search_index_write() lays them out. */
	size_t nd = lex->n, nused = 0;
	size_t *count = xcalloc(nd + 1, sizeof *count);
	uint32_t *sorted = xmalloc((nd ? nd : 1) * sizeof *sorted);
	size_t *begin = NULL;
	uint32_t *page = xmalloc((npost ? npost : 1) * sizeof *page);
	uint16_t *score = xmalloc((npost ? npost : 1) * sizeof *score);
	size_t *cut = NULL, ncut = 0; /* the ranks the runs' shards start at */
	if (ok) {
		for (size_t j = 0; j < npost; j++)
			count[post[j].id]++;
		for (size_t id = 0; id < nd; id++)
			if (count[id])
				sorted[nused++] = (uint32_t)id;
		if (nused > 1)
			qsort_r(sorted, nused, sizeof *sorted, cmp_terms, lex);
		begin = xmalloc((nused + 1) * sizeof *begin);
		for (size_t r = 0, at = 0; r < nused; r++) {
			begin[r] = at;
			at += count[sorted[r]];
			count[sorted[r]] = begin[r]; /* by number, from here on: where its next posting goes */
		}
		begin[nused] = npost;
		struct posting *by_term = xmalloc((npost ? npost : 1) * sizeof *by_term);
		for (size_t j = 0; j < npost; j++)
			by_term[count[post[j].id]++] = post[j];
		for (size_t r = 0; r < nused; r++)
			qsort(by_term + begin[r], begin[r + 1] - begin[r], sizeof *by_term, cmp_posting_page);
		for (size_t j = 0; j < npost; j++) {
			page[j] = by_term[j].page;
			score[j] = by_term[j].score;
		}
		free(by_term);
		/* Each run cut again, as search_index_write() cuts: as many shards as it had, the last
		 * ending where the next shard (the last index's) starts. Else the shards after it would be
		 * numbered anew, and the index is made whole. */
		cut = xmalloc((nused + 1) * sizeof *cut);
		for (size_t w = 0, r = 0; w < nrun && ok; w++) {
			size_t r0 = r, shards = 0, est = 0;
			while (r < nused && in_run(lay, &run[w], lex_term(lex, sorted[r])))
				r++;
			bool ended = true;
			for (size_t q = r0; q < r; q++) {
				if (ended)
					cut[ncut++] = q, shards++;
				ended = shard_ends(lex_term(lex, sorted[q]), begin[q + 1] - begin[q], &est);
				if (ended)
					est = 0;
			}
			ok = shards == run[w].b - run[w].a + 1 && (ended || run[w].b + 1 == K);
		}
		cut[ncut] = nused;
	}
	free(post);
	free(count);
	if (ok) {
		size_t npages = 0;
		for (size_t i = 0; i < n; i++)
			npages += terms[i] != NULL;
		json_t *firsts = json_array(), *sizes = json_array();
		XXH3_state_t *h = XXH3_createState();
		for (size_t k = 0, w = 0, c = 0; k < K; k++) {
			size_t size;
			if (w < nrun && k >= run[w].a) { /* made again: kept when its key is the last index's */
				size = shard_write(lang_code, k, lex, sorted + cut[c], cut[c + 1] - cut[c], begin + cut[c], 0, page,
				                   score, h, out);
				json_array_append_new(firsts, json_string(lex_term(lex, sorted[cut[c]])));
				c++;
				w += k == run[w].b;
				++*remade;
			} else { /* none of its terms' postings changed: the file the last build wrote */
				char rel[32];
				snprintf(rel, sizeof rel, "s/%zu.js", k);
				uint64_t key = out->key_was(out->ctx, rel);
				if (!out->keep(out->ctx, rel, key, &size)) { /* (changed since the caller found it intact) */
					size = lay->size[k];
					if (out->lost)
						out->lost(out->ctx, rel, key);
				}
				json_array_append_new(firsts, json_string(lay->first[k]));
			}
			json_array_append_new(sizes, json_integer((json_int_t)size));
		}
		XXH3_freeState(h);
		put_index(lang_code, npages, firsts, sizes, out);
	}
	free(cut);
	free(run);
	free(sorted);
	free(begin);
	free(page);
	free(score);
	return ok;
}

/* }============ */
