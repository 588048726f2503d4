/* csl.c — CSL dates and names (see csl.h for the rules and their sources). */
#include "csl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool empty(const char *s) { return !s || !*s; }

/* {======= names */

/* CJK scripts write family and given names without a comma or inversion
 * (CSL: names that are not "romanesque"). U+3000..U+D7FF: UTF-8 lead bytes E3 to ED. */
static bool cjk(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p >= 0xe3 && *p <= 0xed)
			return true;
	return false;
}

static void part(struct buf *b, const char *s, const char *sep)
{
	if (empty(s))
		return;
	if (b->len && sep)
		buf_adds(b, sep);
	buf_adds(b, s);
}

const char *csl_name_check(const struct csl_name *n)
{
	if (!empty(n->literal) || !empty(n->family) || !empty(n->given))
		return NULL;
	return "a name needs 'family' (with 'given', particles, 'suffix') or 'literal'";
}

void csl_name_write(struct buf *out, const struct csl_name *n, enum csl_order order)
{
	if (!empty(n->literal)) {
		buf_adds(out, n->literal);
		return;
	}
	struct buf b = BUF_INIT;
	if (cjk(n->family) || cjk(n->given)) {
		part(&b, n->family, NULL);
		part(&b, n->given, NULL);
	} else if (n->static_ordering) {
		part(&b, n->family, " ");
		part(&b, n->given, " ");
	} else if (order == CSL_DISPLAY) {
		part(&b, n->given, " ");
		part(&b, n->dropping, " ");
		part(&b, n->non_dropping, " ");
		part(&b, n->family, " ");
		/* "given" or "family" alone still takes the suffix after a space or comma. */
		part(&b, n->suffix, n->comma_suffix ? ", " : " ");
	} else {
		part(&b, n->non_dropping, " ");
		part(&b, n->family, " ");
		if (!empty(n->given) || !empty(n->dropping)) {
			buf_adds(&b, b.len ? ", " : "");
			size_t at = b.len;
			part(&b, n->given, NULL);
			if (!empty(n->dropping)) {
				if (b.len > at)
					buf_addc(&b, ' ');
				buf_adds(&b, n->dropping);
			}
		}
		part(&b, n->suffix, ", ");
	}
	buf_add(out, b.p, b.len);
	buf_free(&b);
}

static void lower(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		buf_addc(b, (char)tolower((unsigned char)*s));
}

void csl_name_sort_key(struct buf *b, const struct csl_name *n)
{
	if (!empty(n->literal)) {
		/* CSL: a non-personal name sorts as it is, less a leading English article. */
		const char *l = n->literal;
		static const char *const articles[] = {"the ", "an ", "a ", NULL};
		for (const char *const *a = articles; *a; a++)
			if (!strncasecmp(l, *a, strlen(*a)) && l[strlen(*a)]) {
				l += strlen(*a);
				break;
			}
		lower(b, l);
		return;
	}
	if (!empty(n->non_dropping)) {
		lower(b, n->non_dropping);
		buf_addc(b, ' ');
	}
	lower(b, n->family);
	buf_addc(b, '\1');
	lower(b, n->dropping);
	buf_addc(b, '\1');
	lower(b, n->given);
	buf_addc(b, '\1');
	lower(b, n->suffix);
}

/* }======= */

/* {======= dates */

bool csl_date_part(const char *s, int *v)
{
	if (empty(s))
		return false;
	const char *p = s;
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p) || strlen(p) > 6)
		return false;
	for (const char *q = p; *q; q++)
		if (!isdigit((unsigned char)*q))
			return false;
	*v = atoi(s);
	return true;
}

static int days_in(int year, int month)
{
	static const int dim[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month == 2)
		return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
	return dim[month - 1];
}

static const char *set_end(struct csl_date_end *e, const int *p, size_t n)
{
	memset(e, 0, sizeof *e);
	if (n < 1 || n > 3)
		return "a date has a year, a month and a day at most";
	e->year = p[0];
	if (e->year == 0)
		return "there is no year 0";
	if (n >= 2) {
		int m = p[1];
		if (m >= 21 && m <= 24)
			e->season = m - 20;
		else if (m >= 1 && m <= 12)
			e->month = m;
		else
			return "a month is 1 to 12 (or a season, 21 to 24)";
	}
	if (n == 3) {
		if (!e->month)
			return "a day needs a month";
		if (p[2] < 1 || p[2] > days_in(e->year, e->month))
			return "no such day in that month";
		e->day = p[2];
	}
	return NULL;
}

static long ord(const struct csl_date_end *e, bool hi)
{
	int m = e->month ? e->month : e->season ? e->season * 3 : hi ? 12 : 1;
	int d = e->day ? e->day : hi ? 31 : 1;
	return (long)e->year * 10000 + m * 100 + d;
}

const char *csl_date_set_parts(struct csl_date *d, int (*parts)[3], const size_t *n, size_t nparts)
{
	if (nparts < 1 || nparts > 2)
		return "date-parts holds one date, or two for a range";
	const char *err = set_end(&d->from, parts[0], n[0]);
	if (!err && nparts == 2)
		err = set_end(&d->to, parts[1], n[1]);
	if (!err && nparts == 2 && ord(&d->to, true) < ord(&d->from, false))
		err = "the range ends before it starts";
	return err;
}

/* One EDTF date: [-]YYYY[-MM[-DD]], then '~', '?' or '%'. */
static bool edtf_one(const char *s, size_t len, struct csl_date_end *e, bool *circa)
{
	char tmp[32];
	if (len == 0 || len >= sizeof tmp)
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	while (len && strchr("~?%", tmp[len - 1])) {
		*circa = true;
		tmp[--len] = '\0';
	}
	int p[3];
	size_t n = 0;
	char *q = tmp;
	bool neg = *q == '-';
	if (neg)
		q++;
	while (n < 3) {
		size_t k = 0;
		while (isdigit((unsigned char)q[k]))
			k++;
		if (k == 0 || (n == 0 ? k < 4 : k != 2))
			return false;
		p[n++] = atoi(q);
		q += k;
		if (*q != '-')
			break;
		q++;
	}
	if (*q)
		return false;
	if (neg)
		p[0] = -p[0];
	return set_end(e, p, n) == NULL;
}

bool csl_date_edtf(const char *s, struct csl_date *d)
{
	memset(d, 0, sizeof *d);
	if (empty(s))
		return false;
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	if (!edtf_one(s, len, &d->from, &d->circa))
		return false;
	if (!slash)
		return true;
	const char *t = slash + 1;
	if (!*t || !strcmp(t, ".."))
		return true; /* an open end */
	return edtf_one(t, strlen(t), &d->to, &d->circa) && ord(&d->to, true) >= ord(&d->from, false);
}

bool csl_truthy(const char *s)
{
	return !empty(s) && strcmp(s, "0") && strcmp(s, "false");
}

/* }======= */
