/* diag.c — collected, sorted diagnostics. */
#include "diag.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct diag {
	enum diag_level level;
	char *path;
	int line, col;
	char *msg;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct diag *list;
static size_t count, cap, nerrors, nwarnings;

/* This thread's keep (diag_keep_begin), when on. */
static _Thread_local struct {
	bool on;
	struct diag_kept *v;
	size_t n, cap;
} keep;

void diag_keep_begin(void)
{
	keep.on = true;
	keep.v = NULL;
	keep.n = keep.cap = 0;
}

struct diag_kept *diag_keep_end(size_t *n)
{
	struct diag_kept *v = keep.v;
	*n = keep.n;
	keep.on = false;
	keep.v = NULL;
	keep.n = keep.cap = 0;
	return v;
}

bool diag_keep_on(void)
{
	return keep.on;
}

size_t diag_keep_mark(void)
{
	return keep.on ? keep.n : 0;
}

struct diag_kept *diag_keep_since(size_t mark, size_t *n)
{
	*n = keep.on && keep.n > mark ? keep.n - mark : 0;
	if (!*n)
		return NULL;
	struct diag_kept *v = xcalloc(*n, sizeof *v);
	for (size_t i = 0; i < *n; i++) {
		const struct diag_kept *k = &keep.v[mark + i];
		v[i] = (struct diag_kept){xstrdup(k->path), k->line, k->col, xstrdup(k->msg)};
	}
	return v;
}

void diag_say_again(const struct diag_kept *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		diag_report(DIAG_WARNING, v[i].path, v[i].line, v[i].col, "%s", v[i].msg);
}

void diag_kept_free(struct diag_kept *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].msg);
	}
	free(v);
}

void diag_report(enum diag_level level, const char *path, int line, int col,
                 const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&m, fmt, ap);
	va_end(ap);

	if (keep.on && level == DIAG_WARNING) {
		if (keep.n == keep.cap) {
			keep.cap = keep.cap ? keep.cap * 2 : 4;
			keep.v = xrealloc(keep.v, keep.cap * sizeof *keep.v);
		}
		keep.v[keep.n++] = (struct diag_kept){xstrdup(path ? path : "vade"), line, col, xstrdup(m.p)};
	}
	pthread_mutex_lock(&lock);
	if (count == cap) {
		cap = cap ? cap * 2 : 16;
		list = xrealloc(list, cap * sizeof *list);
	}
	list[count++] = (struct diag){level, xstrdup(path ? path : "vade"), line, col,
	                              buf_detach(&m, NULL)};
	if (level == DIAG_ERROR)
		nerrors++;
	else
		nwarnings++;
	pthread_mutex_unlock(&lock);
}

size_t diag_errors(void) { return nerrors; }
size_t diag_warnings(void) { return nwarnings; }

static int cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return strcmp(x->msg, y->msg);
}

struct diag_kept *diag_said(size_t *n)
{
	pthread_mutex_lock(&lock);
	xqsort(list, count, sizeof *list, cmp);
	struct diag_kept *v = xcalloc(count + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < count; i++)
		if (list[i].level == DIAG_WARNING && !(i > 0 && !cmp(&list[i], &list[i - 1])))
			v[(*n)++] = (struct diag_kept){xstrdup(list[i].path), list[i].line, list[i].col, xstrdup(list[i].msg)};
	pthread_mutex_unlock(&lock);
	return v;
}

size_t diag_flush(void)
{
	size_t warned = 0;
	pthread_mutex_lock(&lock);
	xqsort(list, count, sizeof *list, cmp);
	/* paths and messages quote names and texts from the site: each shown as it is (buf_add_shown) */
	for (size_t i = 0; i < count; i++) {
		struct diag *d = &list[i];
		/* The same problem seen from several languages or workers is said once. */
		if (i > 0 && !cmp(d, &list[i - 1]))
			continue;
		warned += d->level == DIAG_WARNING;
		const char *lv = d->level == DIAG_ERROR ? "error" : "warning";
		struct buf b = BUF_INIT;
		buf_add_shown(&b, d->path, strlen(d->path));
		if (d->line > 0)
			buf_addf(&b, ":%d:%d", d->line, d->col > 0 ? d->col : 1);
		buf_addf(&b, ": %s: ", lv);
		buf_add_shown(&b, d->msg, strlen(d->msg));
		buf_addc(&b, '\n');
		fwrite(b.p, 1, b.len, stderr);
		buf_free(&b);
	}
	for (size_t i = 0; i < count; i++) {
		free(list[i].path);
		free(list[i].msg);
	}
	free(list);
	list = NULL;
	count = cap = 0;
	pthread_mutex_unlock(&lock);
	return warned;
}

void diag_reset(void)
{
	diag_flush();
	pthread_mutex_lock(&lock);
	nerrors = nwarnings = 0;
	pthread_mutex_unlock(&lock);
}

void diag_place(const struct text_place *p, int l, int c, int *line, int *col)
{
	if (p->line <= 0) {
		*line = *col = 0;
		return;
	}
	if (p->inexact) {
		*line = p->line;
		*col = p->col > 0 ? p->col : 1;
		return;
	}
	if (p->text && c > 1) { /* bytes to characters on line l of the text, from the cursor when it is before */
		struct text_cursor start = {1, 0, 1, 1}, *cu = p->cursor ? p->cursor : &start;
		if (cu->line < 1 || cu->line > l || (cu->line == l && cu->byte_col > c))
			*cu = start;
		size_t at = cu->off;
		int k = cu->line;
		for (; k < l && at < p->len; at++)
			if (p->text[at] == '\n')
				k++;
		if (k != cu->line)
			*cu = (struct text_cursor){k, at, 1, 1};
		int chars = cu->char_col;
		for (size_t i = at + (size_t)(cu->byte_col - 1); i < p->len && i < at + (size_t)(c - 1) && p->text[i] != '\n'; i++)
			chars += ((unsigned char)p->text[i] & 0xc0) != 0x80;
		cu->byte_col = c, cu->char_col = chars;
		c = chars;
	}
	*line = p->line + l - 1;
	*col = l == 1 ? (p->col > 0 ? p->col : 1) + c - 1 : p->indent + c;
}
