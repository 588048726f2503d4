/* Unit tests: the diff over digests (align.h) and a page aligned with its
 * record and its translation (status.h): what each passage became, its name,
 * which translated passage answers it. */
#include "align.h"
#include "status.h"
#include "tap.h"

#include <stdlib.h>

/* Aligns was with now (letters stand for digests) and writes each new
 * passage's kind and origin as "S0 M2 C1 A-", space-separated. */
static char *run(const char *was, const char *now)
{
	size_t n = strlen(was), m = strlen(now);
	uint64_t a[32] = {0}, b[32] = {0};
	for (size_t i = 0; i < n; i++)
		a[i] = (uint64_t)was[i];
	for (size_t j = 0; j < m; j++)
		b[j] = (uint64_t)now[j];
	enum align_kind kind[32];
	size_t from[32];
	align(a, n, b, m, kind, from, NULL, NULL);
	struct buf out = BUF_INIT;
	for (size_t j = 0; j < m; j++) {
		buf_addf(&out, "%s%c", j ? " " : "", "SMCA"[kind[j]]);
		if (from[j] == SIZE_MAX)
			buf_addc(&out, '-');
		else
			buf_addf(&out, "%zu", from[j]);
	}
	return buf_detach(&out, NULL);
}

static void check(const char *was, const char *now, const char *want, const char *what)
{
	char *got = run(was, now);
	ok(!strcmp(got, want), "%s: %s -> %s (got %s)", what, was, now, got);
	free(got);
}

/* A doc for a page text as site.c makes it (front matter with file lines). */
static void cut(struct passage_set *set, const char *text, struct doc *d)
{
	memset(d, 0, sizeof *d);
	d->body_line = 1;
	const char *end = strstr(text + 4, "\n---\n");
	if (!strncmp(text, "---\n", 4) && end) {
		d->fm_tree = yml_parse("t.md", text + 4, (size_t)(end + 1 - (text + 4)), 2);
		d->body_off = (size_t)(end + 5 - text);
		d->body_line = 1;
		for (const char *p = text; p < end + 5; p++)
			d->body_line += *p == '\n';
	}
	passage_set_cut(set, d, xstrdup(text), strlen(text));
}

/* The record of a page as `done` leaves it: every passage current, named. */
static struct rec *record(const struct passage_set *set)
{
	struct rec *r = calloc(set->n + 1, sizeof *r);
	size_t body = 0;
	for (size_t i = 0; i < set->n; i++) {
		char name[24];
		if (set->v[i].kind == PASSAGE_META)
			snprintf(name, sizeof name, "%s", set->v[i].label);
		else
			snprintf(name, sizeof name, "%zu", ++body);
		r[i] = (struct rec){xstrdup(name), set->v[i].digest, REC_CURRENT, xstrdup(set->v[i].text)};
	}
	return r;
}

static void free_record(struct rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].name);
		free(r[i].source);
	}
	free(r);
}

/* "name:change" of each aligned passage, space-separated. */
static char *summary(const struct page_align *a)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < a->n; i++)
		buf_addf(&b, "%s%s:%s", i ? " " : "", a->v[i].name, tr_change_names[a->v[i].change]);
	return buf_detach(&b, NULL);
}

int main(void)
{
	check("abcd", "abcd", "S0 S1 S2 S3", "unchanged");
	check("abcd", "abxcd", "S0 S1 A- S2 S3", "a passage added");
	check("abcd", "abd", "S0 S1 S3", "a passage deleted (c names nothing)");
	check("abcd", "abxd", "S0 S1 C2 S3", "a passage edited in place");
	check("abcd", "acbd", "S0 M2 S1 S3", "two passages swapped: one stays, one moved");
	check("abcd", "dabc", "M3 S0 S1 S2", "the last moved to the front");
	check("abcd", "axyd", "S0 C1 C2 S3", "two edited in a row");
	check("abcd", "axyzd", "S0 C1 C2 A- S3", "two edited and one added between the same neighbours");
	check("", "ab", "A- A-", "no record: everything added");
	check("ab", "", "", "everything deleted");
	check("aab", "ab", "S0 S2", "a repeated passage deleted");

	/* A long page past the table's size still pairs its unique passages. */
	size_t big = 9000;
	uint64_t *was = calloc(big, sizeof *was), *now = calloc(big + 1, sizeof *now);
	for (size_t i = 0; i < big; i++)
		was[i] = now[i + (i >= 10)] = i * 2654435761u + 1;
	now[10] = 7; /* one added near the top */
	was[big - 1] = 3; /* and the last one edited */
	enum align_kind *kind = calloc(big + 1, sizeof *kind);
	size_t *from = calloc(big + 1, sizeof *from);
	align(was, big, now, big, kind, from, NULL, NULL);
	size_t same = 0;
	for (size_t j = 0; j < big; j++)
		same += kind[j] == ALIGN_SAME;
	ok(kind[10] == ALIGN_ADDED && kind[11] == ALIGN_SAME && from[11] == 10 && same == big - 1,
	   "a long page: the added passage found, the rest paired (%zu same)", same);
	free(was), free(now), free(kind), free(from);

	/* Past the table, with every passage moved: blocks of a long page in another order. Each is
	 * paired (same or moved), none is added, and the chain of those in order is kept. */
	{
		size_t nb = 80000, blk = 1000;
		uint64_t *w = calloc(nb, sizeof *w), *v = calloc(nb, sizeof *v);
		for (size_t i = 0; i < nb; i++)
			w[i] = (i + 1) * 0x9e3779b97f4a7c15u;
		for (size_t b = 0; b < nb / blk; b++) /* blocks reversed, each kept in its order */
			memcpy(v + b * blk, w + (nb / blk - 1 - b) * blk, blk * sizeof *v);
		v[5] = 42; /* and one new */
		enum align_kind *kd = calloc(nb, sizeof *kd);
		size_t *fr = calloc(nb, sizeof *fr), insame = 0, moved = 0, added = 0, right = 0;
		align(w, nb, v, nb, kd, fr, NULL, NULL);
		for (size_t j = 0; j < nb; j++) {
			insame += kd[j] == ALIGN_SAME, moved += kd[j] == ALIGN_MOVED, added += kd[j] == ALIGN_ADDED;
			right += kd[j] != ALIGN_ADDED && w[fr[j]] == v[j];
		}
		ok(added == 1 && kd[5] == ALIGN_ADDED && right == nb - 1 && insame >= blk - 1 && insame + moved == nb - 1,
		   "a long page with its blocks reversed: each passage paired with its own text (%zu same, %zu moved, %zu added)",
		   insame, moved, added);
		free(w), free(v), free(kd), free(fr);
	}

	/* A page with its record and translation. */
	const char *en = "---\ntitle: Title\n---\nOne.\n\nTwo.\n\nThree.\n\n- Four.\n- Five.\n";
	const char *fr = "---\ntitle: Titre\n---\nUn.\n\nDeux.\n\nTrois.\n\n- Quatre.\n- Cinq.\n";
	struct passage_set o, t, o2;
	struct doc od, td, od2;
	cut(&o, en, &od);
	cut(&t, fr, &td);
	struct rec *r = record(&o);
	struct page_align a;
	page_align(&o, r, o.n, &t, &a);
	char *got = summary(&a);
	is_str(got, "title:current 1:current 2:current 3:current 4:current 5:current", "as recorded: all current");
	ok(a.n == 6 && a.v[3].tr == 3 && !strcmp(t.v[a.v[3].tr].text, "Trois."), "passage 3 answered by « Trois. »");
	free(got);
	page_align_free(&a);

	/* The original changes: one deleted, two items swapped, one edited, one added. */
	cut(&o2, "---\ntitle: Title\n---\nOne.\n\nThree, edited.\n\nNew.\n\n- Five.\n- Four.\n", &od2);
	page_align(&o2, r, o.n, &t, &a);
	got = summary(&a);
	/* the translation has as many passages as the record and as the original now, which lost one and
	 * gained one: which it answers is a guess, the record's (the kinds agree either way), every
	 * passage to be reviewed (helper-106) */
	is_str(got, "title:current 1:fuzzy 3:changed 6:added 5:fuzzy 4:fuzzy 2:deleted",
	       "deleted, swapped, edited, added: each named and told, the pairing a guess to review");
	ok(a.guessed && a.shape, "a guess, paired by the record");
	free(got);
	const struct tr_passage *four = &a.v[5];
	ok(four->tr != SIZE_MAX && !strcmp(t.v[four->tr].text, "Quatre.") && !strcmp(t.v[a.v[4].tr].text, "Cinq."), "swapped items keep their own translations");
	ok(a.v[2].tr != SIZE_MAX && !strcmp(t.v[a.v[2].tr].text, "Trois."), "an edited passage keeps its old translation");
	ok(a.v[6].orig == SIZE_MAX && !strcmp(t.v[a.v[6].tr].text, "Deux."), "the deleted passage is its translation's");
	page_align_free(&a);

	/* A translation of another shape: nothing but front matter can be paired. */
	struct passage_set odd;
	struct doc oddd;
	cut(&odd, "---\ntitle: Titre\n---\nUn seul paragraphe.\n", &oddd);
	page_align(&o, r, o.n, &odd, &a);
	ok(!a.shape && a.v[0].tr == 0 && a.v[1].tr == SIZE_MAX, "another shape: only the title pairs");
	ok(a.v[1].change == TC_CURRENT, "another shape: a recorded passage keeps its state");
	page_align_free(&a);

	/* No record: a translation of the same shape answers passage by passage, to be reviewed. */
	page_align(&o, NULL, 0, &t, &a);
	got = summary(&a);
	is_str(got, "title:fuzzy 1:fuzzy 2:fuzzy 3:fuzzy 4:fuzzy 5:fuzzy", "never recorded: all to be reviewed, numbered");
	free(got);
	page_align_free(&a);

	free_record(r, o.n);
	passage_set_free(&o), passage_set_free(&t), passage_set_free(&o2), passage_set_free(&odd);
	yml_free(od.fm_tree), yml_free(td.fm_tree), yml_free(od2.fm_tree), yml_free(oddd.fm_tree);
	return tap_done();
}
