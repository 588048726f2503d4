/* align.c — a diff over passage digests (align.h). */
#include "align.h"
#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The LCS of was[a0..a1) and now[b0..b1) by dynamic programming, marked in
 * from[] as ALIGN_SAME. One bit per cell says which way the table was filled,
 * lengths are kept for two rows only. */
static void lcs(const uint64_t *was, size_t a0, size_t a1, const uint64_t *now, size_t b0, size_t b1,
                enum align_kind *kind, size_t *from)
{
	size_t n = a1 - a0, m = b1 - b0;
	size_t *prev = xcalloc(m + 1, sizeof *prev), *cur = xcalloc(m + 1, sizeof *cur);
	/* dir bit (i, j) set: the best for was[..i] now[..j] takes the pair (i-1, j-1) or drops was[i-1]. */
	unsigned char *diag = xcalloc(n * m / 8 + 1, 1), *up = xcalloc(n * m / 8 + 1, 1);
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t bit = (i - 1) * m + (j - 1);
			if (was[a0 + i - 1] == now[b0 + j - 1]) {
				cur[j] = prev[j - 1] + 1;
				diag[bit / 8] |= (unsigned char)(1u << (bit % 8));
			} else if (prev[j] >= cur[j - 1]) {
				cur[j] = prev[j];
				up[bit / 8] |= (unsigned char)(1u << (bit % 8));
			} else {
				cur[j] = cur[j - 1];
			}
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	for (size_t i = n, j = m; i > 0 && j > 0;) {
		size_t bit = (i - 1) * m + (j - 1);
		if (diag[bit / 8] & (1u << (bit % 8))) {
			kind[b0 + j - 1] = ALIGN_SAME;
			from[b0 + j - 1] = a0 + i - 1;
			i--, j--;
		} else if (up[bit / 8] & (1u << (bit % 8))) {
			i--;
		} else {
			j--;
		}
	}
	free(prev);
	free(cur);
	free(diag);
	free(up);
}

static int cmp_digest_at(const void *a, const void *b)
{
	const struct digest_at *x = a, *y = b;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

void digest_at_sort(struct digest_at *v, size_t n)
{
	xqsort(v, n, sizeof *v, cmp_digest_at);
}

/* seq[i0..i1) as (digest, index), sorted by digest, then index. Caller frees. */
static struct digest_at *sorted(const uint64_t *seq, size_t i0, size_t i1)
{
	struct digest_at *v = xcalloc(i1 - i0 + 1, sizeof *v);
	for (size_t i = i0; i < i1; i++)
		v[i - i0] = (struct digest_at){seq[i], i};
	digest_at_sort(v, i1 - i0);
	return v;
}

/* Patience diff's anchors (Bram Cohen's): of the digests that occur once in was[a0..a1) and once
 * in now[b0..b1), the longest chain in increasing order on both sides, found as a longest
 * increasing subsequence by patience sorting. O(n log n). Its pairs go to ai[], bj[] in order
 * (each min(n, m) long); returns how many. */
static size_t unique_chain(const uint64_t *was, size_t a0, size_t a1, const uint64_t *now, size_t b0, size_t b1,
                           size_t *ai, size_t *bj)
{
	size_t n = a1 - a0, m = b1 - b0, np = 0;
	struct digest_at *A = sorted(was, a0, a1), *B = sorted(now, b0, b1);
	struct digest_at *pair = xcalloc((n < m ? n : m) + 1, sizeof *pair); /* d: the old index, i: the new one */
	for (size_t x = 0, y = 0; x < n && y < m;) {
		size_t rx = 1, ry = 1;
		while (x + rx < n && A[x + rx].d == A[x].d)
			rx++;
		while (y + ry < m && B[y + ry].d == B[y].d)
			ry++;
		if (A[x].d < B[y].d) {
			x += rx;
		} else if (A[x].d > B[y].d) {
			y += ry;
		} else {
			if (rx == 1 && ry == 1)
				pair[np++] = (struct digest_at){A[x].i, B[y].i};
			x += rx, y += ry;
		}
	}
	free(A);
	free(B);
	/* In the new order; then the longest run increasing in the old one. */
	for (size_t k = 0; k < np; k++) {
		size_t t = pair[k].d;
		pair[k].d = pair[k].i, pair[k].i = t;
	}
	digest_at_sort(pair, np); /* d: the new index, i: the old one */
	size_t *top = xcalloc(np + 1, sizeof *top), *prev = xcalloc(np + 1, sizeof *prev), piles = 0;
	for (size_t k = 0; k < np; k++) {
		size_t lo = 0, hi = piles; /* the first pile whose top is not below this one */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (pair[top[mid]].i < pair[k].i)
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[k] = lo ? top[lo - 1] : SIZE_MAX;
		top[lo] = k;
		piles += lo == piles;
	}
	size_t k = piles ? top[piles - 1] : SIZE_MAX;
	for (size_t c = piles; c-- > 0; k = prev[k])
		ai[c] = pair[k].i, bj[c] = (size_t)pair[k].d;
	free(top);
	free(prev);
	free(pair);
	return piles;
}

/* Pairs was[a0..a1) with now[b0..b1): the common ends, then the table when it is small enough
 * (ALIGN_MAX_CELLS for the whole page, ALIGN_GAP_CELLS between anchors: a table per gap would
 * cost the page's length times the gap's), else patience diff's unique anchors and the same
 * again between them, ALIGN_MAX_DEPTH deep. */
static void middle(const uint64_t *was, size_t a0, size_t a1, const uint64_t *now, size_t b0, size_t b1,
                   enum align_kind *kind, size_t *from, int depth)
{
	while (a0 < a1 && b0 < b1 && was[a0] == now[b0])
		kind[b0] = ALIGN_SAME, from[b0++] = a0++;
	while (a0 < a1 && b0 < b1 && was[a1 - 1] == now[b1 - 1])
		kind[--b1] = ALIGN_SAME, from[b1] = --a1;
	if (a0 == a1 || b0 == b1)
		return;
	if ((a1 - a0) * (b1 - b0) <= (depth ? ALIGN_GAP_CELLS : ALIGN_MAX_CELLS)) {
		lcs(was, a0, a1, now, b0, b1, kind, from);
		return;
	}
	if (depth == ALIGN_MAX_DEPTH)
		return; /* left to the moved and changed passes */
	size_t n = a1 - a0 < b1 - b0 ? a1 - a0 : b1 - b0;
	size_t *ai = xcalloc(n + 1, sizeof *ai), *bj = xcalloc(n + 1, sizeof *bj);
	size_t k = unique_chain(was, a0, a1, now, b0, b1, ai, bj);
	for (size_t t = 0, pa = a0, pb = b0; t <= k; t++) {
		size_t ea = t < k ? ai[t] : a1, eb = t < k ? bj[t] : b1;
		middle(was, pa, ea, now, pb, eb, kind, from, depth + 1);
		if (t < k)
			kind[eb] = ALIGN_SAME, from[eb] = ea;
		pa = ea + 1, pb = eb + 1;
	}
	free(ai);
	free(bj);
}

void align(const uint64_t *was, size_t n, const uint64_t *now, size_t m, enum align_kind *kind, size_t *from,
           align_similar_fn similar, void *ctx)
{
	for (size_t j = 0; j < m; j++)
		kind[j] = ALIGN_ADDED, from[j] = SIZE_MAX;
	middle(was, 0, n, now, 0, m, kind, from, 0);
	bool *used = xcalloc(n + 1, sizeof *used);
	for (size_t j = 0; j < m; j++)
		if (from[j] != SIZE_MAX)
			used[from[j]] = true;
	/* Moved: the same text elsewhere in the old sequence, not paired yet: the first one left. */
	struct digest_at *left = sorted(was, 0, n);
	size_t nl = 0;
	for (size_t i = 0; i < n; i++)
		if (!used[left[i].i])
			left[nl++] = left[i];
	size_t *taken = xcalloc(nl + 1, sizeof *taken); /* at a run's first: how many of it are taken */
	for (size_t j = 0; j < m; j++) {
		if (from[j] != SIZE_MAX)
			continue;
		size_t lo = 0, hi = nl;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (left[mid].d < now[j])
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nl && lo + taken[lo] < nl && left[lo].d == now[j] && left[lo + taken[lo]].d == now[j]) {
			size_t i = left[lo + taken[lo]++].i;
			kind[j] = ALIGN_MOVED, from[j] = i, used[i] = true;
		}
	}
	free(taken);
	free(left);
	/* Changed: between two paired passages (in both sequences), the leftovers
	 * one to one in order. A gap is bounded by the nearest SAME pairs. */
	size_t i0 = 0;
	for (size_t j = 0; j <= m; j++) {
		if (j < m && kind[j] != ALIGN_SAME)
			continue;
		size_t i1 = j < m ? from[j] : n; /* the old side of this gap is [i0, i1) */
		size_t jj = j;
		while (jj > 0 && kind[jj - 1] != ALIGN_SAME)
			jj--;
		size_t i = i0;
		/* Similarity costs a comparison per pair: only for gaps of a sensible size. */
		bool alike = similar && (i1 - i0) * (j - jj) <= ALIGN_MAX_SIMILAR;
		for (size_t k = jj; k < j; k++) {
			if (kind[k] != ALIGN_ADDED)
				continue;
			while (i < i1 && used[i])
				i++;
			if (i >= i1)
				break;
			size_t pick = i;
			if (alike && similar(ctx, i, k) >= 0) { /* the most alike of the old ones left, in order */
				double best = ALIGN_MIN_SIMILAR;
				pick = SIZE_MAX;
				for (size_t c = i; c < i1; c++) {
					double v = used[c] ? 0 : similar(ctx, c, k);
					if (v >= best)
						best = v + 1e-9, pick = c;
				}
				if (pick == SIZE_MAX)
					continue;
			}
			kind[k] = ALIGN_CHANGED, from[k] = pick, used[pick] = true;
			i = pick + 1;
		}
		if (j < m)
			i0 = from[j] + 1;
	}
	free(used);
}
