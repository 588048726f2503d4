/* csl.h — the bibliography's data model as CSL 1.0.2 defines it: dates and
 * names, checked and written as plain text (the theme escapes and marks up).
 *
 * Dates (CSL-JSON schema, "date-variable"): {date-parts: [[y, m, d]]} or a
 * range [[y, m, d], [y, m, d]], each part a number or a string of digits
 * ("2016", as Zotero writes them); with season (1-4 or text), circa (true,
 * a number or text), literal (printed as written) or raw (read as an EDTF
 * date when it is one, else printed as written); or an EDTF string
 * ("2016-02-09", "2019-03/2020-04", "2004~", "2021-21" for spring 2021).
 *
 * Names (CSL 1.0.2 specification, "Rendering Elements" > "Names" > "Name":
 * the name-parts, and its "Name-part Order"): given, family,
 * dropping-particle, non-dropping-particle, suffix, comma-suffix,
 * static-ordering, or literal (an institution, sorted as it is less a
 * leading "The", "An" or "A").
 * vade's legal style is demote-non-dropping-particle="never" (as OSCOLA):
 *   display   given dropping non-dropping family[,] suffix   Anna van den Berg
 *   inverted  non-dropping family, given dropping, suffix     van den Berg, Anna
 *   sort key  non-dropping family, dropping, given, suffix    (the dropping
 *             particle never leads: "Gérard de la Martinière" sorts by "la Martinière")
 * Names in a CJK script are written family given without a space, and
 * static-ordering names family given with one, in every order.
 * Strings in these structs are borrowed from the caller.
 */
#ifndef VADE_CSL_H
#define VADE_CSL_H

#include "util.h"

#include <stdbool.h>

struct csl_name {
	const char *family, *given, *dropping, *non_dropping, *suffix, *literal;
	bool comma_suffix, static_ordering;
};

enum csl_order { CSL_DISPLAY, CSL_INVERTED };

/* NULL when the name has a literal, a family or a given name; else why not. */
const char *csl_name_check(const struct csl_name *n);
void csl_name_write(struct buf *b, const struct csl_name *n, enum csl_order order);
/* The key the References page sorts by: lower case, parts joined by U+0001
 * so "Berg, Anna" sorts before "Bergman, Anna". */
void csl_name_sort_key(struct buf *b, const struct csl_name *n);

struct csl_date_end {
	int year, month, day;       /* 0: absent (year 0 is 1 BC only in EDTF, which vade does not print) */
	int season;                 /* 1-4 (spring, summer, autumn, winter), 0: none */
};

struct csl_date {
	struct csl_date_end from, to; /* to.year == 0: not a range */
	bool circa;
	const char *season_text;    /* a season written as text ("Easter"), or NULL */
	const char *literal;        /* print this as it is (literal, or a raw that is no date) */
};

/* A date part as CSL-JSON allows it: an integer or a string of digits
 * (an optional '-' for years). */
bool csl_date_part(const char *s, int *v);
/* Reads an EDTF level 0/1 date or interval into d (circa for '~' or '?'). */
bool csl_date_edtf(const char *s, struct csl_date *d);
/* Sets from/to from date-parts already read: parts[k] holds n[k] values (k < nparts <= 2).
 * Months 21-24 are seasons, as in EDTF. NULL, or why it is not a date. */
const char *csl_date_set_parts(struct csl_date *d, int (*parts)[3], const size_t *n, size_t nparts);
/* Whether a circa value (a YAML/JSON scalar written as text) is true. */
bool csl_truthy(const char *s);

#endif
