/* align.h — which passage of the original as it is now answers which passage
 * of the original a translation was made for: a diff over digests.
 *
 * The longest common subsequence of the two digest sequences pairs the
 * passages that stayed in order (ALIGN_SAME). Of the rest, a passage whose
 * digest is still somewhere in the old sequence has moved (ALIGN_MOVED);
 * between two paired passages, the old and new passages left over are paired
 * in order (ALIGN_CHANGED: the text was edited): each new one with the most
 * similar old one when a similarity is given (as msgmerge's fuzzy matching
 * does), else one to one; what is left is ALIGN_ADDED (new) or, on the old
 * side, deleted. This is diff(1) by digest instead of by line.
 *
 * Cost: O(n·m) time and bits for the part between the common prefix and
 * suffix, up to ALIGN_MAX_CELLS; beyond that, patience diff: the passages
 * whose digest is unique on both sides, in order on both, are paired (a
 * longest increasing subsequence, O(n log n)), and the parts between them
 * aligned the same way (by the table up to ALIGN_GAP_CELLS), ALIGN_MAX_DEPTH
 * deep; the moved ones are found by
 * sorted digests, O(n log n). A page of 64,000 paragraphs whose record is
 * far from it cost n·m comparisons (6.7 s).
 */
#ifndef VADE_ALIGN_H
#define VADE_ALIGN_H

#include <stddef.h>
#include <stdint.h>

enum align_kind { ALIGN_SAME, ALIGN_MOVED, ALIGN_CHANGED, ALIGN_ADDED };

#define ALIGN_MAX_CELLS ((size_t)64 << 20)
/* The table's size between two of patience diff's anchors. */
#define ALIGN_GAP_CELLS ((size_t)1 << 20)
/* How deep patience diff goes into the parts between its anchors. */
#define ALIGN_MAX_DEPTH 32
/* Below this similarity an old and a new passage are not the same one edited. */
#define ALIGN_MIN_SIMILAR 0.34
/* Gaps with more old-by-new pairs than this are paired one to one. */
#define ALIGN_MAX_SIMILAR 4096

/* A digest and a place (an index) that has it. */
struct digest_at {
	uint64_t d;
	size_t i;
};
/* Sorts v[0..n) by digest, then place: the places of one digest in order, found by bisection
 * (the moved passages here, an import's passages matched by text). */
void digest_at_sort(struct digest_at *v, size_t n);

/* How alike old passage i and new passage j are, from 0 to 1; below 0 when
 * it cannot be told (then the two are paired by position). */
typedef double (*align_similar_fn)(void *ctx, size_t i, size_t j);

/* Pairs now[0..m) with was[0..n). For each j < m, kind[j] and from[j] (the
 * index in was, or SIZE_MAX when ALIGN_ADDED). An old passage no from[]
 * names was deleted. kind and from are the caller's, m long. similar may be
 * NULL. */
void align(const uint64_t *was, size_t n, const uint64_t *now, size_t m, enum align_kind *kind, size_t *from,
           align_similar_fn similar, void *ctx);

#endif
