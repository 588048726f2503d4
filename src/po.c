/* po.c — PO files through libgettextpo (po.h). */
#include "po.h"
#include "diag.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <gettext-po.h>
#include <iconv.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* {======= libgettextpo's messages */

/* libgettextpo's messages go through diag; after a fatal one it expects no return. */
static void report(int severity, po_message_t m, const char *file, size_t line, size_t col, int multi,
                   const char *text)
{
	(void)m;
	/* one line, as every message: a multi-line text's lines are joined */
	char *one = xstrdup(text ? text : "");
	if (multi) {
		for (char *p = one; *p; p++)
			if (*p == '\n')
				*p = ' ';
		for (size_t n = strlen(one); n && one[n - 1] == ' ';)
			one[--n] = '\0';
	}
	bool at_line = file && line != (size_t)-1;
	diag_report(severity == PO_SEVERITY_WARNING ? DIAG_WARNING : DIAG_ERROR, file ? file : "po", at_line ? (int)line : 0,
	            at_line && col != (size_t)-1 && col < INT_MAX ? (int)col : 0, "%s", one);
	free(one);
	if (severity == PO_SEVERITY_FATAL_ERROR) {
		diag_flush();
		exit(1);
	}
}

/* A message defined twice (msgfmt's "duplicate message definition"): libgettextpo keeps the first
 * (first) and says the second's msgid line (line), with no name of either nor the first's place
 * (helper-127: that one line came alone, and hid every other error of the file). po_read() says it
 * once it knows the entries' lines, and reads the rest of the file for its errors. */
struct twice {
	size_t line;
	po_message_t first;
};
static struct twice *twice;
static size_t ntwice;

static int cmp_twice_line(const void *a, const void *b)
{
	size_t x = twice[*(const size_t *)a].line, y = twice[*(const size_t *)b].line;
	return x < y ? -1 : x > y ? 1 : (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

static int cmp_twice_first(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)twice[*(const size_t *)a].first, y = (uintptr_t)twice[*(const size_t *)b].first;
	return (x > y) - (x < y);
}

/* first_at[t] = at for each message t defined twice whose first definition is m (by_first: the
 * messages defined twice, by their first's place, cmp_twice_first). */
static void first_lines(const size_t *by_first, po_message_t m, int at, int *first_at)
{
	size_t lo = 0, hi = ntwice;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)twice[by_first[mid]].first < (uintptr_t)m)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ntwice && twice[by_first[lo]].first == m; lo++)
		first_at[by_first[lo]] = at;
}

/* v[0, n) without the lines marked gone; returns how many are left. */
static size_t drop_marked(int *v, size_t n, const bool *gone)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!gone[i])
			v[k++] = v[i];
	return k;
}

static void report2(int severity, po_message_t m1, const char *f1, size_t l1, size_t c1, int mp1, const char *t1,
                    po_message_t m2, const char *f2, size_t l2, size_t c2, int mp2, const char *t2)
{
	(void)c2;
	(void)mp2;
	(void)t2;
	if (severity == PO_SEVERITY_ERROR && !m1 && m2 && !f2 && f1 && l1 != (size_t)-1) {
		twice = xgrow(twice, ntwice, sizeof *twice);
		twice[ntwice++] = (struct twice){l1, m2};
		return;
	}
	char *text = f2 && l2 != (size_t)-1 ? xasprintf("%s (and %s:%zu)", t1 ? t1 : "", f2, l2) : xstrdup(t1 ? t1 : "");
	report(severity, m1, f1, l1, c1, mp1, text);
	free(text);
}

static const struct po_xerror_handler handler = {report, report2};

/* }======= */

/* {======= writing */

static void add_message(po_message_iterator_t it, const struct unit *x)
{
	po_message_t m = po_message_create();
	if (x->id)
		po_message_set_msgctxt(m, x->id);
	po_message_set_msgid(m, x->source);
	po_message_set_msgstr(m, x->target);
	if (x->state == UNIT_FUZZY && *x->target)
		po_message_set_fuzzy(m, 1);
	if (x->prev_source)
		po_message_set_prev_msgid(m, x->prev_source);
	if (x->file)
		po_message_add_filepos(m, x->file, x->line > 0 ? (size_t)x->line : (size_t)-1);
	if (x->note)
		po_message_set_extracted_comments(m, x->note);
	if (x->comment)
		po_message_set_comments(m, x->comment);
	if (x->obsolete)
		po_message_set_obsolete(m, 1);
	po_message_insert(it, m);
}

int po_write(const struct unit_list *u, const char *path)
{
	size_t errors = diag_errors();
	/* SOURCE_DATE_EPOCH, when set, makes the file reproducible. */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	char date[32] = "1970-01-01 00:00+0000";
	struct tm tmv;
	if (gmtime_r(&now, &tmv))
		strftime(date, sizeof date, "%Y-%m-%d %H:%M+0000", &tmv);
	char *header = xasprintf("Project-Id-Version: %s\nPO-Revision-Date: %s\nLast-Translator: \n"
	                         "Language-Team: \nLanguage: %s\nMIME-Version: 1.0\n"
	                         "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
	                         "X-Generator: vade\nX-Source-Language: %s\n",
	                         u->title ? u->title : "", date, u->target_lang, u->source_lang);
	po_file_t f = po_file_create();
	po_message_iterator_t it = po_message_iterator(f, NULL);
	struct unit h = {.source = "", .target = header};
	add_message(it, &h);
	for (size_t i = 0; i < u->n; i++)
		add_message(it, &u->v[i]);
	po_message_iterator_free(it);
	/* libgettextpo writes a file as it goes: written to one beside path, then put in place whole by
	 * file_write_atomic (as xliff_write), a write that fails leaves the translator's file as it was */
	char *tmp = NULL, *text = NULL;
	size_t len = 0;
	FILE *t = file_create_temp(path, &tmp);
	if (t)
		fclose(t);
	if (t)
		po_file_write(f, tmp, &handler);
	if (!t || (diag_errors() == errors && (file_read(tmp, &text, &len) != 0 || file_write_atomic(path, text, len) != 0)))
		diag_error(path, 0, 0, "cannot write it: %s", strerror(errno));
	if (tmp)
		unlink(tmp);
	free(text);
	free(tmp);
	po_file_free(f);
	free(header);
	return diag_errors() > errors ? -1 : 0;
}

/* }======= */

/* {======= reading */

/* The line of each entry of the PO file, in file order: where its msgctxt,
 * or else its msgid, keyword starts a line (obsolete "#~" and previous "#|"
 * entries are comments); with obsolete, of each obsolete entry ("#~ msgctxt"). libgettextpo gives a message's "#:" references but
 * not its own place in the file, which messages must name; this scan finds
 * only that, the library reads everything else. *n lines. Caller frees. */
static int *entry_lines(const char *text, size_t len, size_t *n, bool obsolete)
{
	int *v = NULL, line = 1;
	bool after_ctx = false;
	size_t skip = obsolete ? 3 : 0; /* "#~ " */
	*n = 0;
	for (size_t i = 0; i < len; line++) {
		const char *l = text + i;
		size_t ll = 0;
		while (i + ll < len && text[i + ll] != '\n')
			ll++;
		if (obsolete && (ll < 3 || strncmp(l, "#~ ", 3))) {
			i += ll + 1;
			continue;
		}
		bool ctx = ll >= 8 + skip && !strncmp(l + skip, "msgctxt ", 8),
		     id = ll >= 6 + skip && !strncmp(l + skip, "msgid ", 6);
		if (ctx || (id && !after_ctx)) {
			v = xgrow(v, *n, sizeof *v);
			v[(*n)++] = line;
		}
		if (ctx || id)
			after_ctx = ctx;
		i += ll + 1;
	}
	return v;
}

/* The charset of a PO header's Content-Type, or NULL when it names none. Caller frees. */
static char *header_charset(const char *hdr)
{
	char *ct = hdr ? po_header_field(hdr, "Content-Type") : NULL;
	const char *c = ct ? strstr(ct, "charset=") : NULL;
	char *cs = NULL;
	if (c) {
		c += 8;
		size_t n = strcspn(c, " ;\t\n");
		cs = xstrndup(c, n);
		if (!*cs || !strcmp(cs, "CHARSET")) { /* xgettext's placeholder */
			free(cs);
			cs = NULL;
		}
	}
	free(ct);
	return cs;
}

static bool ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* s converted from cs to UTF-8 (a copy when cs is NULL or UTF-8), or NULL when
 * s is not valid in cs (or, without cs, not ASCII). Caller frees. */
static char *to_utf8(iconv_t cd, const char *s)
{
	if (cd == (iconv_t)-1)
		return ascii(s) ? xstrdup(s) : NULL;
	if (!cd)
		return utf8_invalid_at(s, strlen(s)) < 0 ? xstrdup(s) : NULL;
	size_t in = strlen(s), cap = in * 4 + 8, out = cap;
	char *buf = xmalloc(cap), *ip = (char *)s, *op = buf;
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &in, &op, &out) == (size_t)-1 || iconv(cd, NULL, NULL, &op, &out) == (size_t)-1) {
		free(buf);
		return NULL;
	}
	*op = '\0';
	return buf;
}

/* The file and line of fp into *file (UTF-8, caller frees; NULL when not valid in the charset) and
 * *line (0: none). A file written with CRLF line ends gives libgettextpo "#: a.md:3\r", which it reads
 * as the file "a.md:3\r" without a line (helper-156): the CR is no part of it, the number is the line. */
static void filepos_read(iconv_t cd, po_filepos_t fp, char **file, int *line)
{
	*file = to_utf8(cd, po_filepos_file(fp));
	*line = po_filepos_start_line(fp) != (size_t)-1 ? (int)po_filepos_start_line(fp) : 0;
	size_t n = *file ? strlen(*file) : 0;
	if (!n || (*file)[n - 1] != '\r')
		return;
	(*file)[--n] = '\0';
	size_t d = n;
	while (d && isdigit((unsigned char)(*file)[d - 1]))
		d--;
	if (!*line && d < n && d > 1 && (*file)[d - 1] == ':' && n - d < 9) {
		*line = atoi(*file + d);
		(*file)[d - 1] = '\0';
	}
}

/* The unit of message m, its strings in UTF-8; false when one is not valid in the file's charset. */
static bool read_message(po_message_t m, iconv_t cd, struct unit *x)
{
	const char *ctx = po_message_msgctxt(m), *prev = po_message_prev_msgid(m);
	po_filepos_t fp = po_message_filepos(m, 0);
	memset(x, 0, sizeof *x);
	x->source = to_utf8(cd, po_message_msgid(m));
	x->target = to_utf8(cd, po_message_msgstr(m));
	x->id = ctx ? to_utf8(cd, ctx) : NULL;
	x->prev_source = prev ? to_utf8(cd, prev) : NULL;
	const char *comment = po_message_comments(m);
	x->comment = comment && *comment ? to_utf8(cd, comment) : NULL; /* read for its base line (exchange.c) alone:
	                                                                 * NULL too when not valid in the charset */
	const char *extracted = po_message_extracted_comments(m); /* for a base line a tool moved there */
	x->note = extracted && *extracted ? to_utf8(cd, extracted) : NULL;
	if (fp)
		filepos_read(cd, fp, &x->file, &x->line);
	x->state = !x->target || !*x->target ? UNIT_UNTRANSLATED : po_message_is_fuzzy(m) ? UNIT_FUZZY : UNIT_TRANSLATED;
	return x->source && x->target && (!ctx || x->id) && (!prev || x->prev_source) && (!fp || x->file);
}

/* Appends a copy of u->v[k] placed at fp; false when its file name is not valid in the charset. */
static bool more_place(struct unit_list *u, size_t k, iconv_t cd, po_filepos_t fp)
{
	char *file;
	int line;
	filepos_read(cd, fp, &file, &line);
	if (!file)
		return false;
	struct unit *y = unit_add_place(u, k);
	y->file = file;
	y->line = line;
	return true;
}

/* The first byte of text that libgettextpo would misread without a word, and why (for the
 * error), or NULL: a NUL (it reads a string up to it and drops the rest of its line; PO has none,
 * msgfmt refuses it too), or a CR that ends no CRLF line (it ends lines at LF only, so a file of
 * old Mac OS line ends is one comment line to it, every entry swallowed). */
static const char *misread_byte(const char *text, size_t len, const char **why)
{
	const char *end = text + len, *nul = memchr(text, '\0', len), *cr = text;
	while ((cr = memchr(cr, '\r', (size_t)(end - cr))) && cr + 1 < end && cr[1] == '\n')
		cr += 2;
	if (nul && (!cr || nul < cr)) {
		*why = "a NUL byte, which a PO file may not hold: remove it (the text after it on this line would be lost)";
		return nul;
	}
	*why = "a carriage return that ends no CRLF line: gettext reads lines ended by LF (or CRLF) only; save the "
	       "file with LF line ends";
	return cr;
}

/* The backslash of the first escape in a quoted string that gives a NUL ("\0", "\000", "\x00"),
 * outside comments. libgettextpo keeps such a string as C text, cut at the NUL: "Bon\000jour" was
 * imported as "Bon" (helper-126), and what followed went unchecked. No library reads PO strings but
 * gettext's, and its API gives them cut: so this scan of the escapes (gettext's po-lex: octal of
 * one to three digits, hex of any), which decodes nothing else. NULL when there is none. */
static const char *nul_escape(const char *text, size_t len, const char **why)
{
	const char *end = text + len;
	for (const char *l = text; l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l)), *e = nl ? nl : end;
		const char *p = l + strspn(l, " \t");
		bool in = false;
		for (; p < e && *p != '#'; p++) {
			if (*p == '"') {
				in = !in;
			} else if (in && *p == '\\' && p + 1 < e) {
				const char *q = p + 1;
				unsigned v = 0, digits = 0;
				if (*q >= '0' && *q <= '7')
					for (; q < e && digits < 3 && *q >= '0' && *q <= '7'; q++, digits++)
						v = v * 8 + (unsigned)(*q - '0');
				else if (*q == 'x')
					for (q++; q < e && isxdigit((unsigned char)*q); q++, digits++)
						v = (v << 4 | (unsigned)(isdigit((unsigned char)*q) ? *q - '0' : (*q | 0x20) - 'a' + 10)) & 0xff;
				if (digits && !v) {
					*why = "an escape that gives a NUL, which cuts the text there (gettext keeps the text before "
					       "it alone): remove it";
					return p;
				}
				p++; /* the escaped character: "\\" is one, "\"" no string's end */
			}
		}
		l = nl ? nl + 1 : end;
	}
	return NULL;
}

int po_read(const char *path, struct unit_list *u)
{
	memset(u, 0, sizeof *u);
	size_t errors = diag_errors();
	char *text;
	size_t len;
	if (file_read(path, &text, &len) != 0) {
		diag_error(path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		/* gettext's tools refuse it as well: say why, rather than "syntax error". */
		diag_error(path, 1, 1, "the file starts with a byte order mark, which PO files may not have: save it "
		           "as UTF-8 without BOM");
		free(text);
		return -1;
	}
	/* UTF-16 or UTF-32 (with or without a byte order mark: a PO file starts with no NUL byte): gettext reads
	 * bytes in the header's charset, and would see NULs, or nothing at all. */
	bool utf32 = len >= 4 && ((!text[0] && !text[1]) || (!text[2] && !text[3] && (text[0] || text[1])));
	if (utf32 || (len >= 2 && ((text[0] == '\xff' && text[1] == '\xfe') || (text[0] == '\xfe' && text[1] == '\xff') ||
	                           (!text[0] != !text[1])))) {
		diag_error(path, 1, 1, "the file is %s, which gettext does not read: save it as UTF-8", utf32 ? "UTF-32" : "UTF-16");
		free(text);
		return -1;
	}
	const char *why, *bad = misread_byte(text, len, &why);
	if (!bad)
		bad = nul_escape(text, len, &why);
	if (bad) {
		int line, col;
		text_pos(text, (size_t)(bad - text), &line, &col);
		diag_error(path, line, col, "%s", why);
		free(text);
		return -1;
	}
	size_t nlines;
	int *lines = entry_lines(text, len, &nlines, false);
	size_t nold;
	int *old = entry_lines(text, len, &nold, true);
	ntwice = 0;
	po_file_t f = po_file_read(path, &handler);
	/* Each message defined twice: its entry is none of f's, and its line none of theirs; an obsolete
	 * one ("#~", which msgfmt counts too) is none of entry_lines()'s either. */
	size_t *twice_at = xcalloc(ntwice + 1, sizeof *twice_at); /* the second's entry line */
	int *first_at = xcalloc(ntwice + 1, sizeof *first_at);
	/* In the order of their lines, so that the text is walked once, and each entry line taken out
	 * of lines or old marked, not moved: a file of n messages each defined twice (`cat fr.po fr.po`)
	 * took a walk of the text and a move of the lines for each, 83 s at 40,000 (helper-171). */
	size_t *by_line = xmalloc((ntwice + 1) * sizeof *by_line);
	for (size_t t = 0; t < ntwice; t++)
		by_line[t] = t;
	qsort(by_line, ntwice, sizeof *by_line, cmp_twice_line);
	bool *gone = xcalloc(nlines + 1, sizeof *gone), *old_gone = xcalloc(nold + 1, sizeof *old_gone);
	const char *l = text;
	for (size_t i = 0, n = 1; i < ntwice; i++) {
		size_t t = by_line[i];
		for (; n < twice[t].line && l; n++)
			l = memchr(l, '\n', len - (size_t)(l - text)), l = l ? l + 1 : NULL;
		bool obsolete = l && !strncmp(l, "#~", 2);
		int *v = obsolete ? old : lines;
		bool *out = obsolete ? old_gone : gone;
		size_t nv = obsolete ? nold : nlines, lo = 0, hi = nv; /* the first entry line past it */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if ((size_t)v[mid] <= twice[t].line)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t k = lo;
		while (k && out[k - 1]) /* (the last entry line not taken out before it) */
			k--;
		twice_at[t] = k ? (size_t)v[k - 1] : twice[t].line;
		if (k)
			out[k - 1] = true;
	}
	free(by_line);
	nlines = drop_marked(lines, nlines, gone);
	nold = drop_marked(old, nold, old_gone);
	free(gone);
	free(old_gone);
	/* The messages defined twice by the first one's place among f's, for the loop below. */
	size_t *by_first = xmalloc((ntwice + 1) * sizeof *by_first);
	for (size_t t = 0; t < ntwice; t++)
		by_first[t] = t;
	qsort(by_first, ntwice, sizeof *by_first, cmp_twice_first);
	/* The line of the header's "Language:", for an error about the language it names (the header is
	 * the first entry: before the second's line). */
	const char *lh = memmem(text, len, "\"Language:", 10);
	int lang_line = 0, lang_col;
	if (lh)
		text_pos(text, (size_t)(lh - text), &lang_line, &lang_col);
	if (nlines > 1 && lang_line >= lines[1])
		lang_line = 0;
	free(text);
	if (!f || diag_errors() > errors) {
		/* A file with syntax errors may hold half entries: none is used. */
		for (size_t t = 0; t < ntwice; t++)
			diag_error(path, (int)twice_at[t], 1, "%s", "a second definition of a message (msgfmt: duplicate "
			           "message definition): keep one");
		if (f)
			po_file_free(f);
		free(lines);
		free(old);
		free(twice_at);
		free(first_at);
		free(by_first);
		return -1;
	}
	/* With a message defined twice, the rest is read for its errors, and nothing is imported. */
	u->refused = ntwice > 0;
	/* The header first: the file's language and charset. */
	const char *hdr = NULL;
	po_message_iterator_t it = po_message_iterator(f, NULL);
	po_message_t m;
	size_t count = 0, nobsolete = 0;
	while ((m = po_next_message(it)))
		if (po_message_is_obsolete(m)) {
			nobsolete++;
		} else {
			count++;
			if (!hdr && !po_message_msgctxt(m) && !*po_message_msgid(m))
				hdr = po_message_msgstr(m); /* borrowed from f */
		}
	po_message_iterator_free(it);
	char *cs = header_charset(hdr), *lang = hdr ? po_header_field(hdr, "Language") : NULL;
	iconv_t cd = NULL; /* NULL: UTF-8 already; (iconv_t)-1: none declared, ASCII only */
	if (!cs)
		cd = (iconv_t)-1;
	else if (strcasecmp(cs, "UTF-8") && strcasecmp(cs, "UTF8") && (cd = iconv_open("UTF-8", cs)) == (iconv_t)-1) {
		diag_error(path, nlines ? lines[0] : 0, 0, "the header's charset '%s' is not one this system converts", cs);
		cd = NULL;
	}
	u->target_lang = lang && *lang ? xstrdup(lang) : NULL;
	u->target_lang_line = lang_line;
	/* Lines go with messages in file order when the scan saw as many entries. */
	bool lined = count == nlines, old_lined = nobsolete == nold;
	size_t utf8_like = 0, ko = 0;
	it = po_message_iterator(f, NULL);
	for (size_t k = 0; diag_errors() == errors && (m = po_next_message(it));) {
		if (po_message_is_obsolete(m)) { /* read for the line of a message defined twice alone */
			int at = old_lined ? old[ko] : 0;
			ko++;
			first_lines(by_first, m, at, first_at);
			continue;
		}
		int at = lined ? lines[k] : 0;
		k++;
		first_lines(by_first, m, at, first_at);
		if (!po_message_msgctxt(m) && !*po_message_msgid(m))
			continue; /* the header */
		if (po_message_msgid_plural(m)) {
			/* libgettextpo gives msgstr[0] alone as its msgstr: every other form would be lost */
			diag_error(path, at, at ? 1 : 0, "a message with plural forms (msgid_plural, msgstr[N]): vade's "
			           "texts have none; write it as msgid and one msgstr");
			continue;
		}
		u->v = xgrow(u->v, u->n, sizeof *u->v);
		struct unit *x = &u->v[u->n++];
		bool ok = read_message(m, cd, x);
		x->at = at;
		/* Without an id, a message is placed by its "#:" reference; msguniq, msgcat and Poedit merge
		 * messages with one msgid into one listing every place, each of which it translates. */
		po_filepos_t fp;
		bool placed = x->id == NULL;
		for (size_t i = 1; ok && placed && (fp = po_message_filepos(m, i)); i++)
			ok = more_place(u, u->n - 1, cd, fp);
		x = &u->v[u->n - 1];
		/* Bytes that read as UTF-8 under another declared charset: a header that lies (converting them
		 * would publish "RÃ©fÃ©rences"). Latin text in a single-byte charset is almost never valid UTF-8. */
		const char *raw = po_message_msgstr(m);
		if (ok && cd && cd != (iconv_t)-1 && !ascii(raw) && utf8_invalid_at(raw, strlen(raw)) < 0 && !utf8_like++)
			diag_error(path, at, 1, "its bytes read as UTF-8, but the header says charset=%s: if the file is "
			           "UTF-8, say so in its header (Content-Type: text/plain; charset=UTF-8)", cs);
		if (!ok)
			diag_error(path, at, at ? 1 : 0, cs ? "bytes that are not valid %s" : "%s", cs ? cs
			           : "bytes that are not ASCII, and the header declares no charset (Content-Type: text/plain; charset=UTF-8)");
	}
	po_message_iterator_free(it);
	for (size_t t = 0; t < ntwice; t++) {
		const char *ctx = po_message_msgctxt(twice[t].first), *id = po_message_msgid(twice[t].first);
		char *shown = !ctx && !*id ? xstrdup("the header (msgid \"\")") : xasprintf("'%s'", ctx ? ctx : id);
		char *esc = text_shown(shown), first[48] = "";
		if (first_at[t])
			snprintf(first, sizeof first, ", the first at line %d", first_at[t]);
		diag_error(path, (int)twice_at[t], 1, "%s: a second definition of this message (msgfmt: duplicate message "
		           "definition)%s: keep one", esc, first);
		free(esc);
		free(shown);
	}
	free(twice_at);
	free(first_at);
	free(by_first);
	if (cd && cd != (iconv_t)-1)
		iconv_close(cd);
	free(cs);
	free(lang);
	free(lines);
	free(old);
	po_file_free(f);
	if (diag_errors() > errors + ntwice) {
		unit_list_free(u);
		return -1;
	}
	return 0;
}

/* }======= */
