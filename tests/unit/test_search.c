/* Unit test: search.h — the fold, the terms of a page, the index's files;
 * and htmlids_read()'s text of <main>, which the terms are taken from. TAP. */
#include "htmlids.h"
#include "search.h"

#include <jansson.h>
#include "tap.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *fold(const char *s)
{
	struct buf b = BUF_INIT;
	search_fold(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

static int fold_is(const char *s, const char *want)
{
	char *f = fold(s);
	int r = !strcmp(f, want);
	if (!r)
		fprintf(stderr, "# fold(\"%s\") = \"%s\", want \"%s\"\n", s, f, want);
	free(f);
	return r;
}

/* The score of term t in ts, or -1. */
static int score(const struct search_terms *ts, const char *t)
{
	struct search_term_iter it = {0};
	const char *p;
	size_t len;
	while ((p = search_terms_next(ts, &it, &len)))
		if (!strcmp(p, t) && len == strlen(t))
			return (int)it.score;
	return -1;
}

/* The files of an index as one text ("rel:bytes" each), and each file on its own, with its key;
 * prev: the files of an earlier index that keep() may keep (as a build keeps what the last wrote). */
enum { MAX_FILES = 512 };
struct files {
	struct buf names, all;
	size_t n, written;
	char *rel[MAX_FILES], *data[MAX_FILES];
	size_t len[MAX_FILES];
	uint64_t key[MAX_FILES];
	const struct files *prev;
};

static void add_file(struct files *f, const char *rel, const char *data, size_t len, uint64_t key)
{
	buf_addf(&f->names, "%s ", rel);
	buf_addf(&f->all, "%s:", rel);
	buf_add(&f->all, data, len);
	if (f->n < MAX_FILES) {
		f->rel[f->n] = xstrdup(rel);
		f->data[f->n] = xstrndup(data, len);
		f->len[f->n] = len;
		f->key[f->n] = key;
	}
	f->n++;
}

static void put(void *ctx, const char *rel, const char *data, size_t len, uint64_t key)
{
	struct files *f = ctx;
	add_file(f, rel, data, len, key);
	f->written++;
}

static bool keep(void *ctx, const char *rel, uint64_t key, size_t *size)
{
	struct files *f = ctx;
	for (size_t i = 0; f->prev && i < f->prev->n && i < MAX_FILES; i++)
		if (!strcmp(f->prev->rel[i], rel) && f->prev->key[i] == key && key) {
			add_file(f, rel, f->prev->data[i], f->prev->len[i], key);
			*size = f->prev->len[i];
			return true;
		}
	return false;
}

static void files_free(struct files *f)
{
	for (size_t i = 0; i < f->n && i < MAX_FILES; i++) {
		free(f->rel[i]);
		free(f->data[i]);
	}
	buf_free(&f->names);
	buf_free(&f->all);
}

/* The key and the bytes of file rel of the index before (prev), as a build reads them from the
 * last build's record and output folder. */
static const struct files *prev_file(void *ctx, const char *rel, size_t *i)
{
	const struct files *f = ctx;
	for (*i = 0; f->prev && *i < f->prev->n && *i < MAX_FILES; ++*i)
		if (!strcmp(f->prev->rel[*i], rel))
			return f->prev;
	return NULL;
}

static uint64_t key_was(void *ctx, const char *rel)
{
	size_t i;
	const struct files *p = prev_file(ctx, rel, &i);
	return p ? p->key[i] : 0;
}

static char *read_was(void *ctx, const char *rel, size_t *len)
{
	size_t i;
	const struct files *p = prev_file(ctx, rel, &i);
	if (!p)
		return NULL;
	*len = p->len[i];
	return xstrndup(p->data[i], p->len[i]);
}

#define OUT(f) (&(struct search_out){.keep = keep, .put = put, .key_was = key_was, .read_was = read_was, .ctx = (f)})

/* A page's text of 60 words drawn from some 78,000 (seed: the generator's state). */
static void random_body(struct buf *body, unsigned *seed)
{
	buf_reset(body);
	buf_adds(body, "common words everywhere ");
	for (int k = 0; k < 60; k++) {
		*seed = *seed * 1103515245u + 12345u;
		buf_addf(body, "w%u%c ", (*seed >> 16) % 3000, 'a' + (int)(*seed % 26));
	}
}

int main(void)
{
	ok(fold_is("Hébergement ÉTÉ naïve", "hebergement ete naive"), "accents and case go");
	ok(fold_is("أمن إدارة آخر ٱلعمل", "امن اداره اخر العمل"), "alef forms and ta marbuta are one letter");
	ok(fold_is("مُنَظَّمَة على", "منظمه علي"), "Arabic vowel marks go; alef maqsura is ya");
	ok(fold_is("İstanbul Straße", "istanbul straße"), "dotted capital I; sharp s stays (the page's toLowerCase keeps it)");

	struct search_lexicon *lex = search_lexicon_new();
	struct search_terms *ts = search_terms_new(lex, "Forced labour", "Forced labour Who does what",
	                                           "Forced labour Who does what. Forced labour, forced marriage: a UNODC "
	                                           "report1 x l'exploitation");
	ok(score(ts, "forced") == 200 + 100 + 3, "title, heading and three times in the text: %d", score(ts, "forced"));
	ok(score(ts, "marriage") == 1 && score(ts, "who") == 101, "a body word scores its count, a heading word 100 more");
	ok(score(ts, "unodc") == 1 && score(ts, "exploitation") == 1, "words split at punctuation and apostrophes");
	ok(score(ts, "x") == -1 && score(ts, "l") == -1, "one-letter words are not terms");
	search_terms_free(ts);

	struct html_text text;
	const char *html = "<html><body><nav>Menu</nav><main><h1>Title</h1><p class=notice data-nosearch>Shown in "
	                   "English</p><nav>Contents</nav><p>One <em>two</em>\n three<sup>4</sup></p><ul><li>a</li>"
	                   "<li>b</li></ul><script>var x;</script><h2>Sub <b>head</b></h2></main><footer>F</footer>"
	                   "</body></html>";
	htmlids_init();
	htmlids_read(html, strlen(html), "en/x/index.html", "content/x.md", NULL, NULL, &text);
	ok(!strcmp(text.body.p, "Title One two three 4 a b Sub head"), "the text of <main>, blocks apart: \"%s\"",
	   text.body.p);
	ok(!strcmp(text.heads.p, "Title Sub head"), "the text of its headings: \"%s\"", text.heads.p);
	html_text_free(&text);

	struct search_terms *pages[3] = {search_terms_new(lex, "Alpha", NULL, "alpha beta"), NULL,
	                                 search_terms_new(lex, "Gamma", NULL, "beta gamma")};
	struct files a = {.names = BUF_INIT, .all = BUF_INIT}, b = {.names = BUF_INIT, .all = BUF_INIT};
	search_index_write("en", lex, pages, 3, OUT(&a));
	search_index_write("en", lex, pages, 3, OUT(&b));
	ok(!strcmp(a.names.p, "s/0.js index.js "), "one shard and the list of shards: %s", a.names.p);
	ok(a.all.len == b.all.len && !memcmp(a.all.p, b.all.p, a.all.len), "the same terms give the same bytes");
	ok(strstr(a.all.p, "vadeSearch.shard(\"en\", 0, {\"alpha\":\"0,201\",\"beta\":\"0,1,2,1\",\"gamma\":\"2,201\"});") != NULL,
	   "postings: page ids as differences, scores: %s", a.all.p);
	ok(strstr(a.all.p, "vadeSearch.index(\"en\", {\"pages\":2,\"group\":8,\"shards\":[\"alpha\"],\"sizes\":[") != NULL,
	   "the list: pages, group size, first terms, sizes");
	files_free(&a);
	files_free(&b);
	search_terms_free(pages[0]);
	search_terms_free(pages[2]);
	search_lexicon_free(lex);

	/* Terms as numbers (a page rendered now) and as text (a page taken from the record) give the same
	 * index, alone or mixed, in a lexicon that has seen other terms first or none. */
	{
		const char *bodies[] = {"zeta alpha beta", "Beta GAMMA, delta! beta", "ελληνικά λέξη alpha",
		                        "امن إدارة alpha", "", "x y", "gamma gamma gamma epsilon"};
		enum { N = sizeof bodies / sizeof *bodies };
		struct search_lexicon *l1 = search_lexicon_new(), *l2 = search_lexicon_new(), *l3 = search_lexicon_new();
		search_terms_free(search_terms_new(l3, "unrelated words first", NULL, "omega psi zeta"));
		struct search_terms *num[N], *astext[N], *mixed[N], *num3[N];
		struct buf tb[N];
		uint16_t *sc[N];
		bool same = true;
		for (int i = 0; i < N; i++) {
			num[i] = search_terms_new(l1, i % 2 ? "Title" : NULL, "heading delta", bodies[i]);
			num3[i] = search_terms_new(l3, i % 2 ? "Title" : NULL, "heading delta", bodies[i]);
			/* the record's form: the text, each term ended by its NUL */
			buf_init(&tb[i]);
			struct search_term_iter it = {0};
			const char *t;
			size_t len;
			astext[i] = xcalloc(1, sizeof *astext[i]);
			sc[i] = xmalloc((num[i]->n + 1) * sizeof *sc[i]);
			for (size_t j = 0; (t = search_terms_next(num[i], &it, &len)); j++) {
				buf_add(&tb[i], t, len + 1);
				sc[i][j] = (uint16_t)it.score;
			}
			*astext[i] = (struct search_terms){.text = tb[i].p, .score = sc[i], .n = num[i]->n,
			                                 .len = tb[i].len, .borrowed = true};
			mixed[i] = i % 3 ? num[i] : astext[i];
			same = same && tb[i].len == num[i]->len && search_terms_equal(num[i], astext[i]) &&
			       search_terms_equal(astext[i], num3[i]) && search_terms_equal(num[i], num3[i]);
		}
		ok(same, "a page's terms are equal in either form, and in another lexicon");
		ok(!search_terms_equal(num[0], num[1]) && !search_terms_equal(astext[0], num[1]) &&
		   !search_terms_equal(num[0], NULL) && search_terms_equal(NULL, NULL),
		   "other terms are not equal");
		struct files f[4] = {{.names = BUF_INIT, .all = BUF_INIT}, {.names = BUF_INIT, .all = BUF_INIT}, {.names = BUF_INIT, .all = BUF_INIT},
		                     {.names = BUF_INIT, .all = BUF_INIT}};
		search_index_write("fr", l1, num, N, OUT(&f[0]));
		search_index_write("fr", l2, astext, N, OUT(&f[1]));
		search_index_write("fr", l1, mixed, N, OUT(&f[2]));
		search_index_write("fr", l3, num3, N, OUT(&f[3]));
		bool eq = true;
		for (int k = 1; k < 4; k++)
			eq = eq && f[k].all.len == f[0].all.len && !memcmp(f[k].all.p, f[0].all.p, f[0].all.len);
		ok(eq && strstr(f[0].all.p, "\"beta\":\"0,1,1,2\"") && strstr(f[0].all.p, "\"delta\":\"0,100,1,101,1,100"),
		   "the same index from numbers, text, both, and a lexicon with other terms: %s", f[0].all.p);
		/* the postings made a window at a time: the same index whatever the window */
		bool win_same = true;
		for (size_t w = 1; w <= 64; w = w * 2 + 1) {
			struct files fw = {.names = BUF_INIT, .all = BUF_INIT};
			search_lexicon_set_window(l1, w);
			search_index_write("fr", l1, mixed, N, OUT(&fw));
			win_same = win_same && fw.all.len == f[0].all.len && !memcmp(fw.all.p, f[0].all.p, fw.all.len);
			files_free(&fw);
		}
		search_lexicon_set_window(l1, SEARCH_INDEX_WINDOW);
		ok(win_same, "the same index with postings made 1, 3, 7 ... 63 at a time");
		/* a lexicon past its numbers: the pages that need a number beyond keep their text */
		struct search_lexicon *l4 = search_lexicon_new();
		search_lexicon_set_max(l4, 8);
		struct search_terms *small[N];
		size_t as_text = 0;
		same = true;
		for (int i = 0; i < N; i++) {
			small[i] = search_terms_new(l4, i % 2 ? "Title" : NULL, "heading delta", bodies[i]);
			as_text += small[i]->n && !small[i]->lex;
			same = same && search_terms_equal(small[i], num3[i]) && search_terms_equal(num3[i], small[i]);
		}
		struct files g = {.names = BUF_INIT, .all = BUF_INIT};
		search_index_write("fr", l4, small, N, OUT(&g));
		ok(same && as_text >= 2 && g.all.len == f[0].all.len && !memcmp(g.all.p, f[0].all.p, g.all.len),
		   "pages past the lexicon's numbers keep their text, and the index is the same (%zu as text)", as_text);
		files_free(&g);
		for (int i = 0; i < N; i++)
			search_terms_free(small[i]);
		search_lexicon_free(l4);
		for (int k = 0; k < 4; k++) {
			files_free(&f[k]);
		}
		for (int i = 0; i < N; i++) {
			search_terms_free(astext[i]);
			search_terms_free(num[i]);
			search_terms_free(num3[i]);
			buf_free(&tb[i]);
			free(sc[i]);
		}
		search_lexicon_free(l1);
		search_lexicon_free(l2);
		search_lexicon_free(l3);

	}

	/* Terms held by the slots of three languages (a page and two copies of it): freed by the last. */
	{
		struct search_lexicon *lx = search_lexicon_new(), *other = search_lexicon_new();
		struct search_terms *t = search_terms_new(lx, "Title", "Head", "shared words here");
		struct search_terms *fr = search_terms_share(t), *de = search_terms_share(t);
		struct search_terms *own = search_terms_new(other, "Title", "Head", "shared words here");
		search_terms_free(t);
		bool alive = fr == de && fr->n == own->n && search_terms_equal(fr, own) && score(de, "title") == 200;
		search_terms_free(fr);
		alive = alive && search_terms_equal(de, own) && de->shared == 0;
		struct files one = {.names = BUF_INIT, .all = BUF_INIT}, two = {.names = BUF_INIT, .all = BUF_INIT};
		struct search_terms *as_fr[1] = {de}, *as_own[1] = {own};
		search_index_write("fr", other, as_fr, 1, OUT(&one));
		search_index_write("fr", other, as_own, 1, OUT(&two));
		search_terms_free(de); /* the last holder: freed (valgrind and ASan see no leak, no double free) */
		ok(alive && one.all.len == two.all.len && !memcmp(one.all.p, two.all.p, one.all.len),
		   "terms shared by three languages stay until the last lets go, and index as their own copy would");
		search_terms_free(own);
		files_free(&one);
		files_free(&two);
		search_lexicon_free(lx);
		search_lexicon_free(other);
	}

	/* Many shards, and terms with many postings: windows that end inside a shard, at its end, and
	 * around a term with more postings than the window. */
	{
		enum { P = 400 };
		struct search_lexicon *big = search_lexicon_new();
		struct search_terms *pg[P];
		struct buf body = BUF_INIT;
		unsigned seed = 7;
		for (int i = 0; i < P; i++) {
			random_body(&body, &seed);
			pg[i] = i % 11 == 5 ? NULL : search_terms_new(big, i % 3 ? NULL : "Page title", "head", body.p);
		}
		struct files base = {.names = BUF_INIT, .all = BUF_INIT};
		search_index_write("en", big, pg, P, OUT(&base));
		bool same = base.n > 20;
		for (size_t w = 1; w <= 40000; w = w * 5 + 3) {
			struct files fw = {.names = BUF_INIT, .all = BUF_INIT};
			search_lexicon_set_window(big, w);
			search_index_write("en", big, pg, P, OUT(&fw));
			same = same && fw.all.len == base.all.len && !memcmp(fw.all.p, base.all.p, fw.all.len);
			files_free(&fw);
		}
		ok(same, "an index of %zu files is the same with postings made 1, 8, 43 ... at a time", base.n);
		/* One page edited (two words added: a new term and one more posting of a term): the shards
		 * that hold neither keep their keys and are kept; with the index written anew, the files
		 * are those a fresh index has. The shards were cut every 8 KB: a new term pushed every
		 * later cut, and every later shard was written again. */
		{
			struct search_terms *was = pg[40];
			unsigned sd = 7;
			for (int i = 0; i <= 40; i++)
				random_body(&body, &sd);
			buf_adds(&body, " aardvark w17a");
			pg[40] = search_terms_new(big, NULL, "head", body.p);
			struct files fresh = {.names = BUF_INIT, .all = BUF_INIT}, inc = {.names = BUF_INIT, .all = BUF_INIT};
			search_index_write("en", big, pg, P, OUT(&fresh));
			inc.prev = &base;
			search_index_write("en", big, pg, P, OUT(&inc));
			ok(fresh.written == fresh.n && fresh.n > 20 && inc.all.len == fresh.all.len &&
			   !memcmp(inc.all.p, fresh.all.p, inc.all.len) && inc.written <= 3 && inc.written >= 2,
			   "one page edited: %zu of %zu files written, the rest kept; the same files as a fresh index",
			   inc.written, fresh.n);
			files_free(&fresh);
			files_free(&inc);
			search_terms_free(pg[40]);
			pg[40] = was;
		}
		/* Pages edited, one to three at a time, from the index before: search_index_update() makes
		 * the files a fresh index has, writing only the shards that hold a changed posting (and the
		 * shard after each run of them), or says it cannot (a run cut into another number of
		 * shards, most shards reached) and makes nothing. Edits: words added (a new term, a term's
		 * posting more), words gone, a page gone from the language or new in it. */
		{
			unsigned sd = 99;
			size_t updated = 0, written = 0, shards = 0, trials = 60, wrong = 0;
			const char *idx = NULL;
			for (size_t i = 0; i < base.n && i < MAX_FILES; i++)
				if (!strcmp(base.rel[i], "index.js"))
					idx = base.data[i];
			struct search_layout lay;
			bool read = idx && search_index_read("en", idx, strlen(idx), &lay) && lay.n + 1 == base.n;
			for (size_t t = 0; read && t < trials; t++) {
				size_t changed[3], n = 1 + t % 3;
				struct search_terms *was[3];
				const struct search_terms *old[3];
				for (size_t c = 0; c < n; c++) {
					sd = sd * 1103515245u + 12345u;
					size_t k = changed[c] = c * (P / 3) + (sd >> 8) % (P / 3); /* (ascending) */
					unsigned page_seed = 7; /* the page's text as it was made */
					for (size_t i = 0; i <= k; i++)
						random_body(&body, &page_seed);
					was[c] = pg[k];
					old[c] = was[c];
					int how = (int)((sd >> 4) % 4);
					if (how == 0) /* words gone */
						body.p[body.len - 20] = '\0';
					else if (how == 1) /* words added */
						buf_addf(&body, " aardvark%u w17a", sd % 5);
					pg[k] = how == 2 && was[c] ? NULL
					                           : search_terms_new(big, k % 3 ? NULL : "Page title", "head", body.p);
				}
				struct files fresh = {.names = BUF_INIT, .all = BUF_INIT}, upd = {.names = BUF_INIT, .all = BUF_INIT};
				upd.prev = &base;
				search_index_write("en", big, pg, P, OUT(&fresh));
				size_t remade;
				if (search_index_update("en", big, pg, P, &lay, changed, old, n, OUT(&upd), &remade)) {
					updated++;
					written += upd.written - 1; /* (index.js is always put) */
					shards += fresh.n - 1;
					wrong += upd.all.len != fresh.all.len || memcmp(upd.all.p, fresh.all.p, upd.all.len) ||
					         remade > fresh.n - 1 || upd.written - 1 > remade;
				} else {
					wrong += upd.n != 0; /* nothing made */
				}
				files_free(&fresh);
				files_free(&upd);
				for (size_t c = 0; c < n; c++) {
					search_terms_free(pg[changed[c]]);
					pg[changed[c]] = was[c];
				}
			}
			ok(read && !wrong && updated * 3 > trials && written * 4 < shards,
			   "pages edited: %zu of %zu indexes updated from the last, the files a fresh index has, %zu of %zu shards "
			   "written", updated, trials, written, shards);
			/* A shard read back whose postings are not as postings_add() writes them: the update says
			 * it cannot, and makes nothing (the build then writes the index whole). Each kind is put
			 * before the first number of every shard's first term (at "\":\""), or first in its
			 * object (at "{"); with none, the update goes. helper-187: a page twice (a difference of
			 * 0 after the first), a score out of 1 to 399 and a term twice were taken. */
			static const struct { const char *at, *put; } damage[] = {
				{"\":\"", ""}, {"\":\"", "0"}, {"\":\"", "-"}, {"\":\"", "+"}, {"\":\"", ","},
				{"\":\"", "1,"}, {"\":\"", "9999999999,"}, {"\":\"", " "}, {"\":\"", "x"},
				{"\":\"", "1,1,0,1,"}, {"\":\"", "1,0,"}, {"\":\"", "1,400,"},
				{"{", NULL}}; /* (NULL: the first term and its postings, twice) */
			for (size_t d = 0; read && d < sizeof damage / sizeof *damage; d++) {
				struct files bad = {.names = BUF_INIT, .all = BUF_INIT};
				for (size_t i = 0; i < base.n && i < MAX_FILES; i++) {
					const char *at = strncmp(base.rel[i], "s/", 2) ? NULL : strstr(base.data[i], damage[d].at);
					struct buf f = BUF_INIT;
					if (at) {
						at += strlen(damage[d].at);
						buf_add(&f, base.data[i], (size_t)(at - base.data[i]));
						const char *pair_end = damage[d].put ? NULL : strchr(strstr(at, "\":\"") + 3, '"');
						if (pair_end) { /* "term":"postings", and the rest */
							buf_add(&f, at, (size_t)(pair_end + 1 - at));
							buf_addc(&f, ',');
						}
						buf_adds(&f, damage[d].put ? damage[d].put : "");
						buf_adds(&f, at);
					} else {
						buf_add(&f, base.data[i], base.len[i]);
					}
					add_file(&bad, base.rel[i], f.p, f.len, base.key[i]);
					buf_free(&f);
				}
				size_t k = 40, changed[1] = {k}, remade;
				unsigned page_seed = 7;
				for (size_t i = 0; i <= k; i++)
					random_body(&body, &page_seed);
				buf_adds(&body, " w17a w17a");
				struct search_terms *was = pg[k];
				const struct search_terms *old[1] = {was};
				pg[k] = search_terms_new(big, k % 3 ? NULL : "Page title", "head", body.p);
				struct files upd = {.names = BUF_INIT, .all = BUF_INIT};
				upd.prev = &bad;
				bool went = search_index_update("en", big, pg, P, &lay, changed, old, 1, OUT(&upd), &remade);
				const char *put = damage[d].put ? damage[d].put : "its first term again";
				ok(*put ? !went && !upd.n : went && remade > 0, "a shard read back with '%s' after '%s': %s", put,
				   damage[d].at, went ? "updated" : "not updated, nothing made");
				files_free(&upd);
				files_free(&bad);
				search_terms_free(pg[k]);
				pg[k] = was;
			}
			if (read)
				search_layout_free(&lay);
		}
		/* Some 20,000 terms: numbers in several of a lexicon's blocks. The same index from the
		 * pages' terms given as text, and from terms numbered in another language's lexicon
		 * (a copy's shared terms), numbered again in this one's. */
		search_lexicon_set_window(big, SEARCH_INDEX_WINDOW);
		struct search_lexicon *txt = search_lexicon_new(), *other = search_lexicon_new();
		search_lexicon_set_max(txt, 0);
		struct search_terms *pt[P];
		seed = 7;
		for (int i = 0; i < P; i++) {
			random_body(&body, &seed);
			pt[i] = i % 11 == 5 ? NULL : search_terms_new(txt, i % 3 ? NULL : "Page title", "head", body.p);
		}
		struct files ft = {.names = BUF_INIT, .all = BUF_INIT}, fo = {.names = BUF_INIT, .all = BUF_INIT};
		search_index_write("en", txt, pt, P, OUT(&ft));
		search_index_write("en", other, pg, P, OUT(&fo));
		ok(pt[0] && !pt[0]->lex && ft.all.len == base.all.len && !memcmp(ft.all.p, base.all.p, ft.all.len) &&
		   fo.all.len == base.all.len && !memcmp(fo.all.p, base.all.p, fo.all.len),
		   "the index is the same from numbered terms, from text, and from another lexicon's numbers");
		for (int i = 0; i < P; i++)
			search_terms_free(pt[i]);
		search_lexicon_free(txt);
		search_lexicon_free(other);
		files_free(&ft), files_free(&fo);
		files_free(&base);
		buf_free(&body);
		for (int i = 0; i < P; i++)
			search_terms_free(pg[i]);
		search_lexicon_free(big);
	}

	/* p/<g>.js: the entries of group 1 (pages 8-15) that the language has, keyed by id. */
	size_t len;
	json_t *group[SEARCH_GROUP] = {NULL};
	group[1] = search_fragment("../a/index.html", "T \"q\"", "text </script>", "en", "ltr", NULL, NULL);
	group[3] = search_fragment("../b/index.html", "B", "b", NULL, NULL, "en", "ltr");
	char *file = search_group("ar", 1, group, SEARCH_GROUP, &len);
	ok(file && !strcmp(file, "vadeSearch.pages(\"ar\", 1, {\"9\":{\"url\":\"../a/index.html\",\"title\":\"T \\\"q\\\"\","
	                         "\"text\":\"text </script>\",\"lang\":\"en\",\"dir\":\"ltr\"},"
	                         "\"11\":{\"url\":\"../b/index.html\",\"title\":\"B\",\"text\":\"b\",\"title_lang\":\"en\","
	                         "\"title_dir\":\"ltr\"}});\n") &&
	       len == strlen(file),
	   "a group's file: entries by id, a fallback copy's language, a title's of its own, JSON by jansson: %s", file ? file : "(none)");
	ok(!group[1] && !group[3], "the group's entries are taken");
	free(file);
	ok(search_group("ar", 2, group, SEARCH_GROUP, &len) == NULL, "no file for a group with no page");
	return tap_done();
}
