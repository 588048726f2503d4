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

/* Too big for the table: pairs the digests that occur once on each side, in
 * increasing order on both (a greedy chain, enough for a very long page). */
static void anchors(const uint64_t *was, size_t a0, size_t a1, const uint64_t *now, size_t b0, size_t b1,
                    enum align_kind *kind, size_t *from)
{
	size_t last = a0;
	for (size_t j = b0; j < b1; j++) {
		size_t hit = SIZE_MAX, count = 0;
		for (size_t i = a0; i < a1 && count < 2; i++)
			if (was[i] == now[j])
				hit = i, count++;
		size_t again = 0;
		for (size_t k = b0; k < b1 && again < 2; k++)
			again += now[k] == now[j];
		if (count == 1 && again == 1 && hit >= last) {
			kind[j] = ALIGN_SAME;
			from[j] = hit;
			last = hit + 1;
		}
	}
}

void align(const uint64_t *was, size_t n, const uint64_t *now, size_t m, enum align_kind *kind, size_t *from,
           align_similar_fn similar, void *ctx)
{
	for (size_t j = 0; j < m; j++)
		kind[j] = ALIGN_ADDED, from[j] = SIZE_MAX;
	/* The common prefix and suffix, then the middle. */
	size_t p = 0;
	while (p < n && p < m && was[p] == now[p])
		kind[p] = ALIGN_SAME, from[p] = p, p++;
	size_t s = 0;
	while (s < n - p && s < m - p && was[n - 1 - s] == now[m - 1 - s])
		kind[m - 1 - s] = ALIGN_SAME, from[m - 1 - s] = n - 1 - s, s++;
	size_t a1 = n - s, b1 = m - s;
	if (a1 > p && b1 > p) {
		if ((a1 - p) * (b1 - p) <= ALIGN_MAX_CELLS)
			lcs(was, p, a1, now, p, b1, kind, from);
		else
			anchors(was, p, a1, now, p, b1, kind, from);
	}
	bool *used = xcalloc(n + 1, sizeof *used);
	for (size_t j = 0; j < m; j++)
		if (from[j] != SIZE_MAX)
			used[from[j]] = true;
	/* Moved: the same text elsewhere in the old sequence, not paired yet. */
	for (size_t j = 0; j < m; j++)
		for (size_t i = 0; from[j] == SIZE_MAX && i < n; i++)
			if (!used[i] && was[i] == now[j])
				kind[j] = ALIGN_MOVED, from[j] = i, used[i] = true;
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
