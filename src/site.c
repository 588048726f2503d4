/* site.c — the load and resolve stages. */
#include "site.h"
#include "load.h"
#include "diag.h"
#include "langtag.h"
#include "markdown.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <libxml/uri.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unistd.h>

static bool base_url_ok(const char *v);

#ifndef VADE_DATADIR
#define VADE_DATADIR "/usr/local/share/vade"
#endif

/* A source file found by the walk, before pages are grouped. */
struct found {
	char *rel;      /* relative to content/ */
	struct stat st; /* what the walk found there (tree_walk_kind) */
	char *key;
	int lang;       /* index into site->langs */
	struct doc *doc;
	char *slug;     /* its front matter's, or NULL */
	struct yml_node *slug_node;
};

char *site_path(const struct site *s, const char *rel)
{
	return path_join(s->dir, rel);
}

char *site_write_path(const struct site *s, const char *rel)
{
	char *real = NULL;
	enum tree_kind k = tree_kind(&s->tree, rel, &real);
	if (k == TREE_FILE && real)
		return real;
	free(real);
	return k == TREE_REFUSED ? NULL : site_path(s, rel);
}

static int read_stat(const struct site *s, const char *rel, char **out, size_t *len, struct stat *st);

int site_read(const struct site *s, const char *rel, char **out, size_t *len)
{
	return read_stat(s, rel, out, len, NULL);
}

static int read_stat(const struct site *s, const char *rel, char **out, size_t *len, struct stat *st)
{
	if (tree_read_stat(&s->tree, rel, out, len, st) != 0)
		return -1;
	*len = text_normalize(*out, *len);
	return 0;
}

char *site_read_text(const struct site *s, const char *src, size_t *len)
{
	return site_read_text_stat(s, src, len, NULL);
}

char *site_read_text_stat(const struct site *s, const char *src, size_t *len, struct stat *st)
{
	char *text;
	if (read_stat(s, src, &text, len, st) != 0)
		return NULL;
	long bad = utf8_invalid_at(text, *len);
	/* UTF-16 or UTF-32 without a byte order mark, ASCII alone, is valid UTF-8 with a NUL every other
	 * or every fourth byte: the page was published as "t\ufffdi\ufffdt\ufffd..." (helper-99) */
	size_t head = *len < 64 ? *len : 64, nuls = 0;
	for (size_t i = 0; bad < 0 && i < head; i++)
		nuls += text[i] == '\0';
	if (bad < 0 && head >= 16 && nuls * 4 >= head) {
		diag_error(src, 1, 1, "%zu of its first %zu bytes are NUL: written in UTF-16 or UTF-32 without a byte "
		           "order mark, not UTF-8: save it as UTF-8", nuls, head);
		free(text);
		return NULL;
	}
	if (bad >= 0) {
		int line, col;
		text_pos(text, (size_t)bad, &line, &col);
		/* Notepad's "Unicode" and Excel's "Unicode text" are UTF-16 with a byte order mark */
		const unsigned char *u = (const unsigned char *)text;
		const char *wide = *len >= 4 && (!memcmp(u, "\xff\xfe\0\0", 4) || !memcmp(u, "\0\0\xfe\xff", 4)) ? "UTF-32"
		                   : *len >= 2 && (!memcmp(u, "\xff\xfe", 2) || !memcmp(u, "\xfe\xff", 2))       ? "UTF-16"
		                                                                                              : NULL;
		if (wide && bad < 4)
			diag_error(src, 1, 1, "written in %s (its byte order mark says so), not UTF-8: save it as UTF-8", wide);
		else
			diag_error(src, line, col, "not valid UTF-8 (byte 0x%02x)", (unsigned char)text[bad]);
		free(text);
		return NULL;
	}
	return text;
}

struct yml_doc *site_load_yaml(struct site *s, const char *src, bool need_map)
{
	size_t len;
	char *text = site_read_text(s, src, &len);
	if (!text)
		return NULL;
	struct yml_doc *d = yml_parse(src, text, len, 1);
	free(text);
	if (d && need_map && d->root && d->root->kind != YML_MAP) {
		diag_error(src, d->root->line, d->root->col, "expected a mapping of keys to values");
		yml_free(d);
		return NULL;
	}
	return d;
}

char *site_yaml_text(const struct yml_node *map, const char *key, const char *dflt,
                    const char *src)
{
	struct yml_node *n = yml_get(map, key);
	if (n && n->kind != YML_SCALAR) {
		diag_error(src, n->line, n->col, "'%s' must be a text value", key);
		n = NULL;
	}
	const char *v = yml_str(n);
	return v ? xstrdup(v) : dflt ? xstrdup(dflt) : NULL;
}

bool site_date_valid(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

bool site_lang_code_valid(const char *c)
{
	size_t n = strspn(c, "abcdefghijklmnopqrstuvwxyz");
	if (n < 2 || n > 3)
		return false;
	for (c += n; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '-'))
			return false;
	return true;
}


/* site.yaml's key, when given, as a whole number from min to 1000000 (into *out when not NULL);
 * an error at it, *out left as it was, when it is anything else. The default theme's limits are
 * checked here too: a limit a theme reads as it likes would fall back to its default without a word. */
static void whole_number(const struct yml_node *root, const char *key, long long min, long long *out,
                         const char *what, const char *src)
{
	const struct yml_node *n = yml_get(root, key);
	long long v = 0;
	double dv;
	if (!n)
		return;
	if (yml_resolve(n, &v, &dv) != YML_T_INT || v < min || v > 1000000)
		diag_error(src, n->line, n->col, "'%s' must be a whole number from %lld to 1000000 (%s)", key, min, what);
	else if (out)
		*out = v;
}

/* Whether a is b with two letters next to each other swapped ("tilte", "thmee"). */
static bool swapped_letters(const char *a, const char *b)
{
	size_t n = strlen(a), i = 0;
	if (n != strlen(b) || n < 4)
		return false;
	while (i < n && a[i] == b[i])
		i++;
	return i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i] != a[i + 1] && !strcmp(a + i + 2, b + i + 2);
}

/* Whether a is b with one of its letters left out. */
static bool letter_left_out(const char *a, const char *b)
{
	size_t n = strlen(a), i = 0;
	if (strlen(b) != n + 1)
		return false;
	while (i < n && a[i] == b[i])
		i++;
	return !strcmp(a + i, b + i + 1);
}

/* A key of site.yaml that names none vade or the default theme reads but is near one: "baseURL"
 * (Hugo's), "unsafe-html", "Edition" (one in another case or with other separators), "edtion" (one
 * edit away), "tilte" (two letters swapped), "titl" (a letter left out), "defaultContentLanguage" (Hugo's name), "site_url" and
 * "site_name" (MkDocs'), "url: https://..." (Jekyll's). Each was a param no template read, and the
 * site built without its sitemap, its edition or its raw HTML in silence (helper-146, helper-152).
 * A theme's own keys stay free: its templates read the whole file as site.params. */
static void near_keys(const struct yml_node *root, const char *src)
{
	static const char *const known[] = {"title", "default_language", "languages", "theme", "unsafe_html", "edition",
	                                    "base_url", "fallback", "nav_limit", "page_size", "status_limit",
	                                    "paper", "handbook_paper"}; /* (the last two, the default theme's) */
	/* other generators' names: Hugo's, MkDocs' and Pelican's (site_url, SITEURL, site_name, SITENAME), and
	 * site_title (Jekyll's themes', Eleventy's starters') */
	static const char *const others[][2] = {{"defaultContentLanguage", "default_language"},
	                                        {"paginate", "page_size"}, {"pagerSize", "page_size"},
	                                        {"languageCode", "default_language"}, {"site_url", "base_url"},
	                                        {"site_name", "title"}, {"site_title", "title"}};
	for (size_t i = 0; root && root->kind == YML_MAP && i + 1 < root->n; i += 2) {
		const struct yml_node *k = root->kids[i];
		if (k->kind != YML_SCALAR || !k->str)
			continue;
		const char *near = NULL;
		for (size_t j = 0; j < sizeof known / sizeof *known && !near; j++) {
			if (!strcmp(k->str, known[j]))
				goto next; /* read as it is */
			if (name_like(k->str, known[j]))
				near = known[j];
		}
		for (size_t j = 0; j < sizeof others / sizeof *others && !near; j++)
			if (name_like(k->str, others[j][0])) /* ("SITEURL", Pelican's) */
				near = others[j][1];
		/* Jekyll's and Docusaurus's site address, "url: https://...": not a theme's "url" of another kind */
		const struct yml_node *v = root->kids[i + 1];
		if (!near && !strcasecmp(k->str, "url") && v->kind == YML_SCALAR && v->str &&
		    (!strncasecmp(v->str, "https://", 8) || !strncasecmp(v->str, "http://", 7)))
			near = "base_url";
		/* another generator's name beside vade's own key is a theme's of that name (helper-155:
		 * "url: https://github.com/org/repo" with base_url set) */
		if (near && !name_like(k->str, near) && yml_get(root, near))
			near = NULL;
		/* two letters swapped ("tilte"), which one edit does not reach */
		for (size_t j = 0; j < sizeof known / sizeof *known && !near; j++)
			if (swapped_letters(k->str, known[j]))
				near = known[j];
		/* one edit away, for a name long enough that one edit makes no other word ("pager" is one
		 * edit from "paper": helper-150) */
		if (!near && strlen(k->str) >= 6)
			near = text_nearest(k->str, known, sizeof known / sizeof *known, 1);
		/* a shorter one with a letter left out ("titl", "thme", "papr"): a letter more is a word of its
		 * own as often ("pager"); and beside the key it would be, a theme's word ("tile" for a map's
		 * tiles with title set: helper-159) */
		for (size_t j = 0; j < sizeof known / sizeof *known && !near && strlen(k->str) >= 4; j++)
			if (letter_left_out(k->str, known[j]) && !yml_get(root, known[j]))
				near = known[j];
		if (near)
			diag_warn(src, k->line, k->col, "'%s' is not read by vade (did you mean '%s'?); a theme's templates read "
			          "it as site.params.%s", k->str, near, k->str);
	next:;
	}
}

/* a[0, n) folded as same_tag() compares tags (lower case, '_' as '-') into f[0, n], NUL-terminated. */
static char *tag_fold(char *f, const char *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		f[i] = (char)tolower((unsigned char)(a[i] == '_' ? '-' : a[i]));
	f[n] = '\0';
	return f;
}


static bool load_config(struct site *s)
{
	const char *src = "content/site.yaml";
	char *full = site_path(s, src);
	bool exists = is_file(full);
	free(full);
	struct yml_node *root = NULL;
	if (exists) {
		s->config = site_load_yaml(s, src, true);
		if (!s->config)
			return false;
		root = s->config->root;
	}
	near_keys(root, src);
	s->title = site_yaml_text(root, "title", "Untitled site", src);
	s->theme = site_yaml_text(root, "theme", "default", src);
	struct yml_node *u = yml_get(root, "unsafe_html");
	long long iv = 0;
	double dv;
	/* each bad value said in one run, not the first alone (helper-126): the defaults stand in */
	if (u && yml_resolve(u, &iv, &dv) != YML_T_BOOL) {
		diag_error(src, u->line, u->col, "'unsafe_html' must be true or false");
		iv = 0;
	}
	s->unsafe_html = iv != 0;
	char *fb = site_yaml_text(root, "fallback", NULL, src);
	if (fb && strcmp(fb, "copy") && strcmp(fb, "link")) {
		struct yml_node *f = yml_get(root, "fallback");
		diag_error(src, f->line, f->col, "'fallback' must be copy (an untranslated page is written in every "
		           "language, in its original's words) or link (links lead to the original page)");
	}
	s->fallback_link = fb && !strcmp(fb, "link");
	free(fb);
	/* A listing longer than this is written as several pages (resolve_pager_total). */
	long long pv = SITE_PAGE_SIZE;
	whole_number(root, "page_size", 1, &pv, "the most pages a listing shows on one page; default 100", src);
	whole_number(root, "nav_limit", 1, NULL, "the most pages the default theme's side navigation lists; default 40",
	             src);
	whole_number(root, "status_limit", 0, NULL, "the pages, strings and fields the translations dashboard lists per "
	             "language; default 200", src);
	s->page_size = (size_t)pv;
	s->edition = site_yaml_text(root, "edition", NULL, src);
	if (s->edition && !s->edition[strspn(s->edition, " \t")]) {
		free(s->edition); /* an empty edition is none */
		s->edition = NULL;
	}
	s->base_url = site_yaml_text(root, "base_url", NULL, src);
	if (s->base_url) {
		/* Sitemap entries are absolute addresses (sitemaps.org protocol: "fully-qualified URL"). */
		struct yml_node *b = yml_get(root, "base_url");
		bool ok = base_url_ok(s->base_url);
		if (!ok) {
			diag_error(src, b->line, b->col, "'base_url' must be the site's address, such as "
			           "https://intranet.example.org/guide/ (ASCII, %%XX for other characters; a host name, an "
			           "IP address or [an IPv6 one], a port from 1 to 65535; no spaces, user name, '.' or '..' "
			           "folder, query or fragment)");
		} else if (s->base_url[strlen(s->base_url) - 1] != '/') {
			char *t = xasprintf("%s/", s->base_url);
			free(s->base_url);
			s->base_url = t;
		}
	}

	struct yml_node *langs = yml_get(root, "languages");
	char *dflt = site_yaml_text(root, "default_language", NULL, src);
	if (langs && langs->kind != YML_SEQ) {
		diag_error(src, langs->line, langs->col, "'languages' must be a list");
		langs = NULL;
	}
	size_t n = langs ? langs->n : 0;
	s->langs = xcalloc(n ? n : 1, sizeof *s->langs);
	for (size_t i = 0; i < n; i++) {
		struct yml_node *l = langs->kids[i];
		if (l->kind != YML_MAP || !yml_str(yml_get(l, "code"))) {
			diag_error(src, l->line, l->col, "a language needs at least a 'code'");
			continue;
		}
		struct lang *L = &s->langs[s->nlangs];
		L->code = site_yaml_text(l, "code", NULL, src);
		if (!site_lang_code_valid(L->code)) {
			struct yml_node *c = yml_get(l, "code");
			diag_error(src, c->line, c->col, "'%s' is not a language code (like en, fr, pt-BR)", L->code);
		}
		for (size_t k = 0; k < s->nlangs; k++)
			if (!strcmp(s->langs[k].code, L->code))
				diag_error(src, l->line, l->col, "language '%s' is listed twice", L->code);
		L->name = site_yaml_text(l, "name", L->code, src);
		L->dir = site_yaml_text(l, "dir", "ltr", src);
		if (strcmp(L->dir, "ltr") && strcmp(L->dir, "rtl")) {
			struct yml_node *d = yml_get(l, "dir");
			diag_error(src, d->line, d->col, "'dir' must be ltr or rtl");
		}
		s->nlangs++;
	}
	if (s->nlangs == 0) {
		if (dflt && !site_lang_code_valid(dflt)) {
			struct yml_node *d = yml_get(root, "default_language");
			diag_error(src, d->line, d->col, "'%s' is not a language code (like en, fr, pt-BR)", dflt);
		}
		s->langs[0] = (struct lang){xstrdup(dflt ? dflt : "en"), xstrdup(dflt ? dflt : "English"), xstrdup("ltr")};
		s->nlangs = 1;
	}
	if (dflt) {
		size_t k;
		for (k = 0; k < s->nlangs && strcmp(s->langs[k].code, dflt); k++)
			;
		if (k == s->nlangs) {
			struct yml_node *d = yml_get(root, "default_language");
			diag_error(src, d->line, d->col, "default_language '%s' is not in languages", dflt);
		} else if (k > 0) {
			struct lang t = s->langs[k];
			memmove(s->langs + 1, s->langs, k * sizeof t);
			s->langs[0] = t;
		}
	}
	free(dflt);
	/* each language by its tag's folded form (same_tag), for lang_index(): a template's url(page, lang)
	 * for each entry of a language switcher looked the code up among them all, n³ in the languages
	 * (helper-171: 640 languages took 24 s, 12 % of it in same_tag) */
	s->lang_ids = (struct strmap)STRMAP_INIT_OWNED;
	for (size_t i = 0; i < s->nlangs; i++) {
		size_t cl = strlen(s->langs[i].code);
		char *f = tag_fold(xmalloc(cl + 1), s->langs[i].code, cl);
		bool added;
		size_t *v = strmap_put(&s->lang_ids, f, &added);
		if (added) /* (a code listed twice: the first, as before) */
			*v = i;
		free(f);
	}
	return diag_errors() == 0;
}

void site_theme_roots(char *roots[2])
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	roots[0] = NULL;
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			roots[0] = xasprintf("%s/../themes", exe);
		}
	}
	roots[1] = xstrdup(VADE_DATADIR "/themes");
}

/* The theme is looked up in the site, then beside the vade binary, then in the install prefix. */
static bool find_theme(struct site *s)
{
	char *cand[3], *roots[2];
	site_theme_roots(roots);
	cand[0] = xasprintf("%s/themes/%s", s->dir, s->theme);
	cand[1] = roots[0] ? path_join(roots[0], s->theme) : NULL;
	cand[2] = path_join(roots[1], s->theme);
	free(roots[0]);
	free(roots[1]);
	bool blocked = false;
	for (int i = 0; i < 3 && !s->theme_dir && !blocked; i++) {
		struct stat st;
		if (!cand[i])
			continue;
		int rc = stat(cand[i], &st);
		if (rc == 0 && S_ISDIR(st.st_mode)) {
			s->theme_dir = xstrdup(cand[i]);
		} else if (rc != 0 && errno != ENOENT && errno != ENOTDIR) {
			/* A theme that is there but cannot be looked at must not be
			 * replaced, without a word, by the one of the same name further on. */
			char *shown = i == 0 ? xasprintf("themes/%s", s->theme) : xstrdup(cand[i]);
			diag_error(shown, 0, 0, "cannot read the theme's folder: %s", strerror(errno));
			free(shown);
			blocked = true;
		}
	}
	if (!s->theme_dir && !blocked) { /* each place named: "beside vade" is the folder above its binary's */
		struct yml_node *t = s->config ? yml_get(s->config->root, "theme") : NULL;
		diag_error("content/site.yaml", t ? t->line : 0, t ? t->col : 0,
		           "theme '%s' not found (looked in themes/%s%s%s and %s)", s->theme, s->theme,
		           cand[1] ? ", " : "", cand[1] ? cand[1] : "", cand[2]);
	}
	for (int i = 0; i < 3; i++)
		free(cand[i]);
	return s->theme_dir != NULL;
}

/* Whether a[0, n) names the tag b: language tags are compared case aside (BCP 47 section 2.1.1: "pt-br"
 * is "pt-BR"), and a file's '_' is a '-', as in a POSIX locale name ("fr_FR.yaml", "guide.pt_BR.md",
 * as translators' tools name files; i18n.c's file_lang reads imports so). */
static bool same_tag(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)(a[i] == '_' ? '-' : a[i])) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

static int lang_index(const struct site *s, const char *code, size_t n)
{
	if (memchr(code, '\0', n))
		return -1;
	/* (asked for each entry of a language switcher on every page: no allocation for a usual tag) */
	char small[64], *f = tag_fold(n < sizeof small ? small : xmalloc(n + 1), code, n);
	const size_t *at = strmap_get(&s->lang_ids, f);
	if (f != small)
		free(f);
	return at ? (int)*at : -1;
}

int site_lang(const struct site *s, const char *code)
{
	return lang_index(s, code, strlen(code));
}

int site_lang_suffix(const struct site *s, const char *code, size_t n, const char **hint)
{
	*hint = NULL;
	int l = lang_index(s, code, n);
	if (l >= 0)
		return l;
	char low[16];
	if (n >= sizeof low || (memchr(code, '_', n) && !langtag_posix_locale(code, n)))
		return -1;
	for (size_t i = 0; i < n; i++)
		low[i] = code[i] == '_' ? '-' : (char)tolower((unsigned char)code[i]);
	low[n] = '\0';
	/* well-formed as BCP 47 says, as vade i18n add takes it: "ext4" (mkfs.ext4.md) is none, and part
	 * of the name (helper-86: 57 tldr pages were left out as in a language "ext4" that cannot be added) */
	char *why = NULL, *canon = site_lang_code_valid(low) ? langtag_canon(low, &why) : NULL;
	free(why);
	if (!canon)
		return -1;
	free(canon);
	const char **codes = xcalloc(s->nlangs, sizeof *codes);
	char **lower = xcalloc(s->nlangs, sizeof *lower);
	for (size_t i = 0; i < s->nlangs; i++) {
		lower[i] = xstrdup(s->langs[i].code);
		for (char *c = lower[i]; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		codes[i] = lower[i];
	}
	const char *near = text_nearest(low, codes, s->nlangs, n < 5 ? 1 : 2);
	for (size_t i = 0; i < s->nlangs; i++) {
		if (near == lower[i])
			*hint = s->langs[i].code;
		free(lower[i]);
	}
	free(lower);
	free(codes);
	return -2;
}

/* The "did you mean" or "vade i18n add" advice for a suffix that names no language of the site. Caller frees. */
char *site_lang_advice(const char *code, size_t n, const char *hint)
{
	char *t = xstrndup(code, n), *why = NULL, *canon;
	if ((canon = langtag_canon_locale(t, &why))) /* as vade i18n add writes it: "fr_fr" is fr-FR */
		free(t), t = canon;
	free(why);
	char *a = hint ? xasprintf("did you mean '%s'? or vade i18n add %s adds it", hint, t)
	               : xasprintf("vade i18n add %s adds it", t);
	free(t);
	return a;
}

char *site_locale_misnamed(const struct site *s, const char *name, size_t n, const char *ext, bool whole, bool beside)
{
	size_t ll;
	const char *subtag;
	size_t at = langtag_locale_extras(name, n, &ll, &subtag);
	if (at == SIZE_MAX || (whole ? at != 0 : at < 2))
		return NULL;
	const char *lang = name + at;
	bool codeset = memchr(lang + ll, '.', n - at - ll), modifier = memchr(lang + ll, '@', n - at - ll);
	int l = lang_index(s, lang, ll);
	char *why = NULL, *tag = NULL;
	if (l >= 0) {
		tag = xstrdup(s->langs[l].code);
	} else if (codeset && ((ll == 1 && lang[0] == 'C') || (ll == 5 && !memcmp(lang, "POSIX", 5)))) {
		tag = xstrdup(s->langs[0].code); /* "C.UTF-8": no language, the site's own */
	} else if (whole || beside || langtag_posix_locale(lang, ll) || (modifier && subtag)) {
		/* a locale's shape or a script's modifier says a language; a bare "xx" before a codeset does
		 * only where the page it would translate is beside it ("convert.to.utf8.md": helper-96) */
		char *t = xstrndup(lang, ll);
		for (char *c = t; (whole || beside) && *c; c++) /* there, "pt_br.UTF-8" is pt-BR's too */
			*c = *c == '_' ? '-' : *c;
		tag = langtag_canon_locale(t, &why); /* "fr", "sr_RS", "pt-BR"; not "notes" nor "how_to" */
		free(t);
		free(why);
	}
	if (!tag)
		return NULL;
	if (subtag) {
		char *t = langtag_with_subtag(tag, subtag);
		free(tag);
		tag = t;
	}
	l = site_lang(s, tag);
	char *add = l < 0 ? xasprintf("; vade i18n add %s adds the language", tag) : xstrdup("");
	/* the default language's file has no suffix (step.md), but for UI strings and records (en.yaml) */
	char *named = l == 0 && !whole ? xasprintf("%.*s%s", (int)at - 1, name, ext)
	                               : xasprintf("%.*s%s%s", (int)at, name, l >= 0 ? s->langs[l].code : tag, ext);
	char *msg = xasprintf("'%.*s' is a locale name with a %s, which no language tag has; file ignored (name it "
	                      "%s%s)",
	                      (int)(n - at), lang, codeset && modifier ? "codeset and a modifier" : codeset ? "codeset" : "modifier",
	                      named, add);
	free(named);
	free(add);
	free(tag);
	return msg;
}

char *site_i18n_file(const struct site *s, size_t lang, const char *ext)
{
	char **names;
	size_t n = tree_list(&s->tree, "content/i18n", &names), cl = strlen(s->langs[lang].code), el = strlen(ext);
	char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!found && strlen(names[i]) == cl + el && same_tag(names[i], cl, s->langs[lang].code) &&
		    !strcmp(names[i] + cl, ext))
			found = xasprintf("content/i18n/%s", names[i]);
		free(names[i]);
	}
	free(names);
	return found ? found : xasprintf("content/i18n/%s%s", s->langs[lang].code, ext);
}

/* Splits "name.fr.md" into the name and the language; -2 when the suffix is unknown but looks like one (*hint as site_lang_suffix). */
static int split_lang(const struct site *s, const char *base, size_t *stem, const char **hint)
{
	size_t n = strlen(base) - 3; /* without ".md" */
	const char *dot = memrchr(base, '.', n);
	*stem = n;
	*hint = NULL;
	if (!dot)
		return 0;
	int l = site_lang_suffix(s, dot + 1, (size_t)(base + n - dot - 1), hint);
	if (l == -1)
		return 0;
	*stem = (size_t)(dot - base);
	return l;
}

/* Whether names[0, n) hold a page of stem name[0, len): its file (".md"), its folder, or its
 * translation into a language of the site ("guide.fr.md" beside "guide.de.md": helper-87). */
static bool has_stem(const struct site *s, char **names, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		const char *x = names[i];
		size_t xl = strlen(x);
		if (xl < len || memcmp(x, name, len))
			continue;
		if (!x[len] || !strcmp(x + len, ".md"))
			return true;
		const char *hint;
		if (x[len] == '.' && xl > len + 4 && !strcmp(x + xl - 3, ".md") &&
		    site_lang_suffix(s, x + len + 1, xl - len - 4, &hint) >= 0)
			return true;
	}
	return false;
}

/* A page file found by the walk, among the names of its folder. A suffix like a language tag the site
 * has not is part of the name ("acme.sh.md", "setup.py.md", as in Hugo), unless a page of that stem
 * is beside it ("guide.de.md" by "guide.md" or "guide.fr.md"), the page is a folder's ("index.de.md"),
 * or the suffix is a typo of one of the site's of 4 letters or more ("step.pt-bt.md"; a 2-letter
 * one near a code of the site is as likely a file type: "node.js", "setup.py": helper-87): then it
 * is taken for a translation the site cannot publish, with a warning. */
static void add_found(struct site *s, char *path, const char *name, const struct stat *st, struct vec *found,
                      char **names, size_t nnames)
{
	size_t ll;
	const char *subtag;
	size_t at = langtag_locale_extras(name, strlen(name) - 3, &ll, &subtag);
	if (!strcasecmp(name, "README.md") && !has_stem(s, names, nnames, "index.md", 5))
		/* GitHub's and MkDocs's page of a folder; a child page here (helper-105) */
		diag_warn(path, 0, 0, "'%s' is GitHub's and MkDocs's name for a folder's page, vade's is index.md: "
		          "it is published as a page of its own, '%.*s' (name it index.md for the folder's page)", name,
		          (int)strlen(name) - 3, name);
	if (!strncmp(name, "_index.", 7)) { /* "_index.md", "_index.fr.md" */
		diag_warn(path, 0, 0, "'_index' is Hugo's name for a folder's page; vade's is index: file ignored (name it "
		          "%s)", name + 1);
		free(path);
		return;
	}
	char *misnamed = at != SIZE_MAX && at >= 2
	                     ? site_locale_misnamed(s, name, strlen(name) - 3, ".md", false,
	                                            has_stem(s, names, nnames, name, at - 1))
	                     : NULL;
	if (misnamed) { /* "step.sr_RS@latin.md": no page "step.sr_RS@latin" */
		diag_warn(path, 0, 0, "%s", misnamed);
		free(misnamed);
		free(path);
		return;
	}
	size_t stem;
	const char *hint;
	int l = split_lang(s, name, &stem, &hint);
	size_t sl = strlen(name) - 4 - stem; /* the suffix's length */
	if (l == -2 && (!hint || sl < 4) && !has_stem(s, names, nnames, name, stem) &&
	    !(stem == 5 && !memcmp(name, "index", 5))) {
		l = 0;
		stem = strlen(name) - 3;
	}
	if (l == -2) {
		size_t n = strlen(name) - 4 - stem;
		char *advice = site_lang_advice(name + stem + 1, n, hint);
		diag_warn(path, 0, 0, "language '%.*s' is not in content/site.yaml; file ignored (%s)", (int)n,
		          name + stem + 1, advice);
		free(advice);
		free(path);
		return;
	}
	struct found *f = xcalloc(1, sizeof *f);
	f->rel = path;
	f->st = *st;
	f->lang = l;
	const char *inner = path + strlen("content/");
	size_t dirlen = strlen(inner) - strlen(name);
	char *key = xasprintf("%.*s%.*s", (int)dirlen, inner, (int)stem, name);
	size_t kl = strlen(key);
	if (!strcmp(key, "index"))
		key[0] = '\0';
	else if (kl > 6 && !strcmp(key + kl - 6, "/index"))
		key[kl - 6] = '\0';
	/* A page is named in NFC, so "café.md" saved on macOS (NFD) and its translation "café.fr.md"
	 * saved elsewhere (NFC) are one page, and two files of one language so named are two
	 * definitions of it (group_docs); links are looked up in NFC too (site_find). */
	text_to_nfc(&key);
	f->key = key;
	vec_push(found, f);
}

/* Walks folder rel of content/ into page files and resources, by the rule of
 * tree.h; chain holds the real paths of the folders being walked, so a link
 * back to one of them is a loop, not an endless walk. */
static void walk(struct site *s, const char *rel, struct vec *chain, struct vec *found, struct vec *res)
{
	char **names;
	size_t n = tree_list(&s->tree, rel, &names);
	for (size_t i = 0; i < n; i++) {
		char *name = names[i], *path = xasprintf("%s/%s", rel, name), *real = NULL;
		struct stat st;
		bool top = !strcmp(rel, "content");
		enum tree_kind k = top && (!strcmp(name, "data") || !strcmp(name, "i18n") || !strcmp(name, "site.yaml"))
		                       ? TREE_NONE /* loaded separately */
		                       : tree_walk_kind(&s->tree, path, chain, &real, &st);
		/* looked up quietly in the folder's real path: a folder that cannot be
		 * read is reported once, by the walk into it */
		char *marker = k == TREE_DIR ? path_join(real, ".vade-output") : NULL;
		struct stat mst;
		if (marker && stat(marker, &mst) == 0 && S_ISREG(mst.st_mode)) {
			/* Publishing an output folder (a link to dist/, or -o inside content/) would
			 * republish it into itself, one level deeper every build. */
			diag_error(path, 0, 0, "a folder vade builds into (it holds .vade-output); not published: "
			           "build into a folder outside content/ and do not link to it");
		} else if (k == TREE_DIR && !strcmp(name, "_drafts")) {
			/* Jekyll's drafts, which it publishes only when asked: here they went public (helper-105) */
			diag_warn(path, 0, 0, "'_drafts' is Jekyll's folder of unpublished pages: not published (move a page "
			          "out of it to publish it)");
		} else if (k == TREE_DIR) {
			if (top && lang_index(s, name, strlen(name)) >= 0) /* Hugo's content/fr/ */
				diag_warn(path, 0, 0, "a folder named for the site's language '%s' is a section of each language "
				          "(%s/%s/), not that language's pages: a translation is a file beside its original "
				          "(page.%s.md)", name, s->langs[0].code, name, name);
			vec_push(chain, real);
			walk(s, path, chain, found, res);
			chain->n--;
		} else if (k == TREE_FILE && strlen(name) > 3 && !strcmp(name + strlen(name) - 3, ".md")) {
			add_found(s, path, name, &st, found, names, n);
			path = NULL;
		} else if (k == TREE_FILE) {
			const char *ext = strrchr(name, '.');
			static const char *const md[] = {".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext"};
			for (size_t j = 0; ext && j < sizeof md / sizeof *md; j++)
				if (!strcasecmp(ext, md[j])) /* Jekyll's default, and kin */
					diag_warn(path, 0, 0, "Markdown by its extension, but vade makes pages of .md files alone: it is "
					          "published as a file, as it stands (name it %.*s.md for a page)",
					          (int)(ext - name), name);
			vec_push(res, xstrdup(path + strlen("content/")));
		}
		free(marker);
		free(real);
		free(path);
	}
	for (size_t i = 0; i < n; i++) /* read by add_found() to the end */
		free(names[i]);
	free(names);
}

/* A title made of a file or folder name. A name is bytes, and a title text: bytes that are no
 * UTF-8 (a name written in a legacy code page) are shown as U+FFFD, one for each ill-formed
 * sequence (utf8_invalid_len), with a warning at src (the address keeps the bytes,
 * percent-encoded). */
static char *humanize(const char *key, const char *src)
{
	const char *b = strrchr(key, '/');
	const char *name = b ? b + 1 : key;
	size_t n = strlen(name);
	if (utf8_invalid_at(name, n) >= 0)
		diag_warn(src, 0, 0, "the name '%s' is not UTF-8 text: its title shows U+FFFD for the bytes that are "
		          "not; rename it, or give the page a title", name);
	char *title = utf8_replaced(name, n, "\xef\xbf\xbd");
	for (char *p = title; *p; p++)
		if (*p == '-' || *p == '_')
			*p = ' ';
	title[0] = (char)toupper((unsigned char)title[0]);
	return title;
}

static struct page *new_page(struct site *s, const char *key)
{
	struct page *p = xcalloc(1, sizeof *p);
	p->key = xstrdup(key);
	p->docs = xcalloc(s->nlangs, sizeof *p->docs);
	return p;
}

static int cmp_page_key(const void *a, const void *b)
{
	return strcmp((*(struct page *const *)a)->key, (*(struct page *const *)b)->key);
}

static int cmp_found(const void *a, const void *b)
{
	const struct found *x = *(struct found *const *)a, *y = *(struct found *const *)b;
	int c = strcmp(x->key, y->key);
	return c ? c : x->lang - y->lang;
}

struct page *site_find(const struct site *s, const char *key)
{
	/* A hash once the pages are known: every link of every page is looked up here, and a bisection
	 * compares keys that share long beginnings ("section-01/page-00"); issue 13. */
	char *nfc = text_nfc(key); /* page keys are NFC (add_found) */
	if (nfc) {
		struct page *p = site_find(s, nfc);
		free(nfc);
		return p;
	}
	if (s->by_key.nslots) {
		const size_t *i = strmap_get(&s->by_key, key);
		return i ? s->pages[*i] : NULL;
	}
	size_t lo = 0, hi = s->npages;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->pages[mid]->key, key);
		if (!c)
			return s->pages[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_page_path(const void *a, const void *b)
{
	return strcmp((*(struct page *const *)a)->path, (*(struct page *const *)b)->path);
}

static const struct site *sort_site;
static int cmp_kids(const void *a, const void *b)
{
	const struct page *x = *(struct page *const *)a, *y = *(struct page *const *)b;
	const struct doc *dx = site_page_doc(sort_site, x, 0), *dy = site_page_doc(sort_site, y, 0);
	int wx = dx ? dx->weight : 0, wy = dy ? dy->weight : 0;
	if (wx != wy)
		return wx < wy ? -1 : 1;
	int c = strcmp(dx && dx->title ? dx->title : "", dy && dy->title ? dy->title : "");
	return c ? c : strcmp(x->key, y->key);
}

static bool valid_slug(const char *s)
{
	return *s && strcmp(s, ".") && strcmp(s, "..") && !strpbrk(s, "/\\") &&
	       strspn(s, " ") != strlen(s);
}

/* Adds the listing pages of folders without index.md (home always exists). */
static void add_generated(struct site *s, struct vec *pages)
{
	struct vec extra = VEC_INIT;
	for (size_t i = 0; i <= pages->n; i++) {
		char *key = xstrdup(i < pages->n ? ((struct page *)pages->v[i])->key : "");
		for (;;) {
			if (i < pages->n) {
				if (!key[0])
					break;
				char *slash = strrchr(key, '/');
				*(slash ? slash : key) = '\0';
			}
			bool have = site_find(s, key) != NULL;
			for (size_t j = 0; j < extra.n && !have; j++)
				have = !strcmp(((struct page *)extra.v[j])->key, key);
			if (!have) {
				struct page *g = new_page(s, key);
				g->generated = g->is_section = true;
				vec_push(&extra, g);
			}
			if (i == pages->n)
				break;
		}
		free(key);
	}
	for (size_t i = 0; i < extra.n; i++)
		vec_push(pages, extra.v[i]);
	vec_free(&extra);
}

/* Groups the files found into pages, a doc per language; pages without a
 * default-language file are dropped with a warning. */
/* The page files are read and their front matter parsed on jobs threads: each file is its own
 * (doc.h), and diag sorts what they report. */
struct doc_loader {
	struct site *s;
	struct vec *found;
	atomic_size_t next;
};

/* doc_load(), the warnings it gives kept in the doc too (site_patch). */
static struct doc *doc_load_said(struct site *s, const char *src, const struct stat *seen, char **slug,
                                 struct yml_node **slug_node)
{
	bool keep = !diag_keep_on();
	if (keep)
		diag_keep_begin();
	struct doc *d = doc_load(s, src, seen, slug, slug_node);
	size_t n = 0;
	struct diag_kept *v = keep ? diag_keep_end(&n) : NULL;
	if (d) {
		d->said = v;
		d->nsaid = n;
	} else {
		diag_kept_free(v, n);
	}
	return d;
}

static void *load_docs_run(void *arg)
{
	struct doc_loader *dl = arg;
	for (size_t i; (i = atomic_fetch_add(&dl->next, 1)) < dl->found->n;) {
		struct found *f = dl->found->v[i];
		f->doc = doc_load_said(dl->s, f->rel, &f->st, &f->slug, &f->slug_node);
	}
	return NULL;
}

static void load_docs(struct site *s, struct vec *found, int jobs)
{
	struct doc_loader dl = {.s = s, .found = found};
	atomic_init(&dl.next, 0);
	size_t n = (size_t)(jobs > 1 ? jobs : 1);
	run_threads(load_docs_run, &dl, found->n / 64 < n ? found->n / 64 + 1 : n); /* a few files: one */
}

/* The last segment of page p's address as its default-language file gives it: its slug, else
 * the last of its key's ("guide" for "docs/guide"). */
static const char *page_segment(const struct page *p)
{
	const char *slash = strrchr(p->key, '/');
	return p->slug ? p->slug : slash ? slash + 1 : p->key;
}

static void group_docs(struct site *s, struct vec *found, struct vec *out)
{
	xqsort(found->v, found->n, sizeof *found->v, cmp_found);
	struct vec pages = VEC_INIT;
	struct page *cur = NULL;
	for (size_t i = 0; i < found->n; i++) {
		struct found *f = found->v[i];
		char *slug = f->slug;
		struct yml_node *slug_node = f->slug_node;
		struct doc *d = f->doc;
		f->doc = NULL;
		f->slug = NULL;
		if (!d || !d->src) {
			doc_free(d);
			free(slug);
			continue;
		}
		if (!cur || strcmp(cur->key, f->key)) {
			cur = new_page(s, f->key);
			vec_push(&pages, cur);
		}
		if (cur->docs[f->lang]) {
			char *a = text_nfc(f->rel), *b = text_nfc(cur->docs[f->lang]->src);
			bool nf = !strcmp(a ? a : f->rel, b ? b : cur->docs[f->lang]->src);
			free(a);
			free(b);
			diag_error(f->rel, 0, 0, "the page '%s' is also defined by %s%s", f->key[0] ? f->key : "index",
			           cur->docs[f->lang]->src, nf ? " (the two names differ only in Unicode normalization: one "
			           "is written decomposed, NFD, as macOS writes names; keep one)" : "");
			doc_free(d);
			free(slug);
			continue;
		}
		cur->docs[f->lang] = d;
		if (!strncmp(strrchr(f->rel, '/') + 1, "index.", 6))
			cur->is_section = true;
		/* The URL is the same in every language: the slug comes from the original. */
		if (f->lang == 0 && slug && !valid_slug(slug))
			diag_error(f->rel, slug_node->line, slug_node->col,
			           "slug '%s' would put the page outside its folder or the output folder; a slug is one path segment",
			           slug);
		else if (f->lang == 0 && slug && strlen(slug) > NAME_MAX)
			diag_error(f->rel, slug_node->line, slug_node->col, "slug '%.*s...' is %zu bytes: it names the "
			           "page's output folder, and a file system takes names of at most %d bytes",
			           text_head(slug, 40), slug, strlen(slug), NAME_MAX);
		else if (f->lang == 0 && slug && !f->key[0]) /* (helper-101: said nothing) */
			diag_warn(f->rel, slug_node->line, slug_node->col, "'slug' is not read on the home page: its address is "
			          "the language's root");
		else if (f->lang == 0 && slug)
			cur->slug = xstrdup(slug);
		else if (f->lang && slug && (!cur->docs[0] || strcmp(slug, page_segment(cur)))) {
			/* a translator's own slug was dropped without a word (helper-97) */
			char *orig = cur->docs[0] ? xasprintf(" (%s)", cur->docs[0]->src) : xstrdup("");
			diag_warn(f->rel, slug_node->line, slug_node->col,
			          "'slug' in a translation is not read: a page has the same address in every language, "
			          "its slug taken from the %s file%s; remove it here", s->langs[0].code, orig);
			free(orig);
		}
		free(slug);
	}
	/* Pages without a default-language file cannot be published. */
	size_t w = 0;
	for (size_t i = 0; i < pages.n; i++) {
		struct page *p = pages.v[i];
		if (p->docs[0]) {
			pages.v[w++] = p;
			continue;
		}
		for (size_t l = 1; l < s->nlangs; l++)
			if (p->docs[l])
				diag_warn(p->docs[l]->src, 0, 0, "translation without its original in %s (the site's first "
				          "language); not published", s->langs[0].code);
		for (size_t l = 0; l < s->nlangs; l++)
			doc_free(p->docs[l]);
		free(p->docs);
		free(p->key);
		free(p->slug);
		free(p);
	}
	pages.n = w;
	/* A page with neither a title nor a "# heading" is named after its file, as a listing page
	 * after its folder; a translation without one takes its original's. */
	for (size_t i = 0; i < pages.n; i++) {
		struct page *p = pages.v[i];
		if (!p->docs[0]->title)
			p->docs[0]->title = p->key[0] ? humanize(p->key, p->docs[0]->src) : xstrdup(s->title);
		for (size_t l = 1; l < s->nlangs; l++)
			if (p->docs[l] && !p->docs[l]->title)
				p->docs[l]->title = xstrdup(p->docs[0]->title);
	}
	*out = pages;
}

/* Parents, children and output paths (a parent's path is known before its children's). */
static void link_pages(struct site *s)
{
	for (size_t i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i];
		p->index = i;
		if (p->key[0]) {
			const char *slash = strrchr(p->key, '/');
			char *pk = xstrndup(p->key, slash ? (size_t)(slash - p->key) : 0);
			p->parent = site_find(s, pk);
			free(pk);
			struct page *par = p->parent;
			par->kids = xgrow(par->kids, par->nkids, sizeof *par->kids);
			par->kids[par->nkids++] = p;
			par->is_section = true;
			const char *seg = p->slug ? p->slug : slash ? slash + 1 : p->key;
			p->path = xasprintf("%s%s/", par->path, seg);
		} else {
			p->path = xstrdup("");
		}
		if (p->generated) {
			p->docs[0] = xcalloc(1, sizeof *p->docs[0]);
			char *folder = xasprintf("content/%s/", p->key); /* a folder without index.md */
			p->docs[0]->title = p->key[0] ? humanize(p->key, folder) : xstrdup(s->title);
			free(folder);
			p->docs[0]->outputs = OUT_HTML;
		}
	}
}

/* Two pages may not share an output folder (a slug can make them collide). */
static void check_paths(struct site *s)
{
	struct page **by_path = xcalloc(s->npages + 1, sizeof *by_path);
	memcpy(by_path, s->pages, s->npages * sizeof *by_path);
	xqsort(by_path, s->npages, sizeof *by_path, cmp_page_path);
	for (size_t i = 1; i < s->npages; i++)
		if (!strcmp(by_path[i]->path, by_path[i - 1]->path)) {
			const struct doc *a = by_path[i - 1]->docs[0], *b = by_path[i]->docs[0];
			diag_error(b && b->src ? b->src : "content", 0, 0, "would be written to %sindex.html, like %s",
			           by_path[i]->path, a && a->src ? a->src : "a generated listing page");
		}
	free(by_path);
}

/* s with its case folded (Unicode's simple default folding, code point by code point), as a file system that
 * ignores case compares names: Windows's and macOS's; bytes that are no UTF-8 are kept. Caller frees. */
static char *case_folded(const char *s)
{
	struct buf b = BUF_INIT;
	int32_t i = 0, n = (int32_t)strlen(s);
	while (i < n) {
		UChar32 c;
		int32_t at = i;
		U8_NEXT((const uint8_t *)s, i, n, c);
		if (c < 0) { /* bytes that are no UTF-8 as they are: as U+FFFD, caf\xe9 and caf\xe8 differed in
		              * case alone (helper-125) */
			buf_add(&b, s + at, (size_t)(i - at));
			continue;
		}
		c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
		uint8_t u[4];
		int32_t k = 0;
		U8_APPEND_UNSAFE(u, k, c);
		buf_add(&b, u, (size_t)k);
	}
	return buf_detach(&b, NULL);
}

/* Whether the site or its theme has template name ("search.html"), as the render finds templates. */
static bool has_template(const struct site *s, const char *name)
{
	char *rel = xasprintf("templates/%s", name);
	bool has = tree_kind(&s->tree, rel, NULL) == TREE_FILE || tree_kind(&s->theme_tree, rel, NULL) == TREE_FILE;
	free(rel);
	return has;
}

/* Where a message about page p goes: its original's file, else (a folder without index.md, whose
 * listing vade makes) its folder, "content/<key>". Caller frees. */
static char *page_file(const struct page *p)
{
	return p->docs[0] && p->docs[0]->src ? xstrdup(p->docs[0]->src) : xasprintf("content/%s", p->key);
}

/* What the build writes besides the pages (sitewide.c), as far as a page or a file of content/ could
 * take its place: which of vade's own pages the theme has templates for, and the folders of each
 * language they take, as a page's path is written ("search/"), shown ("search/", "404.html") and
 * what goes there. Worked out once a build (site_check_output_paths). */
struct own_outputs {
	bool base, notfound;
	struct own_folder {
		const char *path, *shown, *what;
	} folders[3];
	size_t nfolders;
};

static void own_outputs(const struct site *s, struct own_outputs *o)
{
	o->base = has_template(s, "base.html");
	o->notfound = o->base && has_template(s, "notfound.html");
	o->nfolders = 0;
	if (o->base && has_template(s, "search.html"))
		o->folders[o->nfolders++] = (struct own_folder){"search/", "search/",
		                                                "the search page and its index go (each language's search/)"};
	if (o->notfound)
		o->folders[o->nfolders++] = (struct own_folder){"404.html/", "404.html",
		                                                "the page-not-found page goes (each language's 404.html)"};
	o->folders[o->nfolders++] = (struct own_folder){"index.html/", "index.html",
	                                                "the language's home page goes (each language's index.html)"};
}

/* Pages whose folders differ in case alone ("About.md", "about.md"): copied to a file share or a disk
 * that ignores case, one would overwrite the other, and links to both lead to one (helper-105). A
 * warning at the later in the site's order, naming the first. */
static void check_case_twins(const struct site *s, const struct own_outputs *own)
{
	struct strmap seen = STRMAP_INIT_OWNED;
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		if (!*p->path)
			continue;
		char *f = case_folded(p->path);
		/* "Search.md" by the search page's "search/", "slug: 404.HTML" by "404.html" (helper-107); the
		 * same as written is check_reserved()'s error */
		for (size_t k = 0; k < own->nfolders; k++) {
			if (strcmp(f, own->folders[k].path) || !strcmp(p->path, own->folders[k].path))
				continue;
			char *src = page_file(p);
			diag_warn(src, 0, 0, "its folder '%s' differs from vade's own '%s' in case alone: copied to a file "
			          "share or a disk that ignores case (Windows, macOS), the two would be one; rename it, or give "
			          "it a slug", p->path, own->folders[k].shown);
			free(src);
		}
		bool added;
		size_t *at = strmap_put(&seen, f, &added);
		if (added) {
			*at = i;
		} else {
			const struct page *q = s->pages[*at];
			char *src = page_file(p), *qsrc = page_file(q);
			diag_warn(src, 0, 0, "its folder '%s' differs from '%s' (%s) in case alone: copied to a file share "
			          "or a disk that ignores case (Windows, macOS), one page would overwrite the other; rename "
			          "one, or give it a slug", p->path, q->path, qsrc);
			free(src);
			free(qsrc);
		}
		free(f);
	}
	strmap_free(&seen);
	/* files beside the pages (images, documents) alike: "Logo.png" and "logo.png" are one file there,
	 * and one would overwrite the other (helper-144) */
	struct strmap files = STRMAP_INIT_OWNED;
	for (size_t i = 0; i < s->nresources; i++) {
		char *f = case_folded(s->resources[i]);
		bool added;
		size_t *at = strmap_put(&files, f, &added);
		if (added) {
			*at = i;
		} else {
			char *src = xasprintf("content/%s", s->resources[i]);
			diag_warn(src, 0, 0, "differs from content/%s in case alone: copied to a file share or a disk that "
			          "ignores case (Windows, macOS), one file would overwrite the other; rename one",
			          s->resources[*at]);
			free(src);
		}
		free(f);
	}
	strmap_free(&files);
}

/* Why one name (name[0, n): a file or folder name) cannot be held as it is by Windows and the file
 * shares it serves, or is passed over by servers and deploy tools; NULL when it can. Windows's rules
 * are Microsoft's "Naming Files, Paths, and Namespaces": no control character (1-31), none of
 * < > : " \ | ? *, no name of a device (CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9, and COM or LPT
 * with a superscript 1, 2 or 3; the console's CONIN$ and CONOUT$), alone or before an extension ("nul.txt" is NUL), no name ending
 * in a space or a '.' (Windows drops them: "search /" is "search/"). A name that is not UTF-8 (one
 * written in a legacy code page) has no name in the UTF-16 of Windows's file systems. A name
 * starting with '.' (a slug ".hidden"; a file's own name never does: such files are not read) is
 * a hidden file to servers and deploy tools. Caller frees. */
static char *unportable_name(const char *name, size_t n)
{
	struct buf b = BUF_INIT; /* each problem a clause, "; and " between */
	long bad = utf8_invalid_at(name, n);
	if (bad >= 0)
		buf_addf(&b, "is not UTF-8 text (byte 0x%02X): Windows and the file shares it serves cannot hold it, and "
		         "its address writes the byte as %%%02X", (unsigned char)name[bad], (unsigned char)name[bad]);
	char reserved[10] = "";
	/* each control character and noncharacter once (helper-127: the first alone was named): C0's,
	 * which Windows refuses (1-31), apart from DEL's and C1's, which it takes and HTML does not */
	struct buf c0 = BUF_INIT, c1 = BUF_INIT, nc = BUF_INIT;
	for (size_t i = 0, k; i < n; i += k) {
		unsigned char c = (unsigned char)name[i];
		uint32_t cp = 0xfffd;
		k = utf8_decode(name + i, n - i, &cp);
		k = k ? k : 1; /* a byte that is no UTF-8: said above */
		struct buf *to = c < 0x20 ? &c0 : (c == 0x7f || (cp >= 0x80 && cp < 0xa0)) ? &c1
		                 : k > 1 && unicode_noncharacter(cp)                   ? &nc
		                                                                       : NULL;
		char u[16];
		snprintf(u, sizeof u, "U+%04X", (unsigned)cp);
		if (to && !strstr(to->p, u))
			buf_addf(to, "%s%s", to->len ? ", " : "", u);
		if (c && strchr("<>:\"\\|?*", c) && !strchr(reserved, c))
			reserved[strlen(reserved)] = (char)c;
	}
	bool m0 = strchr(c0.p, ','), m1 = strchr(c1.p, ','), mn = strchr(nc.p, ',');
	if (c0.len)
		buf_addf(&b, "%sholds the control character%s %s, which show%s as nothing and Windows and the file shares it "
		         "serves do not allow", b.len ? "; and " : "", m0 ? "s" : "", c0.p, m0 ? "" : "s");
	if (c1.len)
		buf_addf(&b, "%sholds the control character%s %s, which show%s as nothing and HTML does not allow in a page "
		         "(its address writes %s percent-encoded)", b.len ? "; and " : "", m1 ? "s" : "", c1.p, m1 ? "" : "s",
		         m1 ? "them" : "it");
	if (nc.len) /* (helper-126: published raw in titles and links, which HTML refuses) */
		buf_addf(&b, "%sholds the noncharacter%s %s, which HTML does not allow in a page (its address writes %s "
		         "percent-encoded)", b.len ? "; and " : "", mn ? "s" : "", nc.p, mn ? "them" : "it");
	buf_free(&c0);
	buf_free(&c1);
	buf_free(&nc);
	for (size_t r = 0; reserved[r]; r++)
		buf_addf(&b, "%s'%c'", r ? (reserved[r + 1] ? ", " : " and ") : b.len ? "; and holds " : "holds ",
		         reserved[r]);
	if (reserved[0])
		buf_adds(&b, ", which Windows and the file shares it serves do not allow in a name");
	/* the device names: the name before its first '.', trailing spaces dropped, as Windows reads it */
	size_t stem = 0;
	while (stem < n && name[stem] != '.')
		stem++;
	while (stem && name[stem - 1] == ' ')
		stem--;
	static const char *const sup[] = {"\xc2\xb9", "\xc2\xb2", "\xc2\xb3"}; /* U+00B9, U+00B2, U+00B3 */
	bool device = (stem == 3 && (!strncasecmp(name, "con", 3) || !strncasecmp(name, "prn", 3) ||
	                             !strncasecmp(name, "aux", 3) || !strncasecmp(name, "nul", 3))) ||
	              (stem == 4 && (!strncasecmp(name, "com", 3) || !strncasecmp(name, "lpt", 3)) &&
	               isdigit((unsigned char)name[3]));
	device = device || (stem == 6 && !strncasecmp(name, "conin$", 6)) || (stem == 7 && !strncasecmp(name, "conout$", 7));
	for (size_t k = 0; k < 3 && !device; k++)
		device = stem == 5 && (!strncasecmp(name, "com", 3) || !strncasecmp(name, "lpt", 3)) &&
		         !memcmp(name + 3, sup[k], 2);
	if (device)
		buf_addf(&b, "%snames a Windows device ('%.*s', with or without an extension): Windows and the file shares it "
		         "serves cannot hold it", b.len ? "; and " : "", (int)stem, name);
	if (name[0] == '.')
		buf_addf(&b, "%sstarts with '.': servers and deploy tools often pass over such a name (a hidden file)",
		         b.len ? "; and " : "");
	if (name[n - 1] == ' ' || name[n - 1] == '.')
		buf_addf(&b, "%sends in %s: Windows and the file shares it serves drop it, and the name may become another's",
		         b.len ? "; and " : "", name[n - 1] == ' ' ? "a space" : "'.'");
	if (!b.len) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* text_lookalike() of name[0, n), its bytes that are no UTF-8 (which unportable_name() reports) taken
 * for '_': a name with a Windows problem or a legacy code page's byte may hide a bidi control or a
 * Cyrillic letter too (helper-125). */
static char *lookalike_of(const char *name, size_t n)
{
	if (utf8_invalid_at(name, n) < 0)
		return text_lookalike(name, n);
	char *valid = utf8_replaced(name, n, "_");
	char *look = text_lookalike(valid, strlen(valid));
	free(valid);
	return look;
}

/* Pages and files whose folder or name is unportable_name()'s (helper-115: "search .md" published
 * "en/search /", which a Windows share reads as vade's own "en/search/"), or may be taken for
 * another's (text_lookalike: "about" with a zero-width space, a full-width letter or a Cyrillic
 * 'а' in it gives an address a reader cannot tell from another): a warning for each such name of
 * its path, with every problem of the name, as for names that differ in case alone. A folder's name
 * is said once, at the first page or file in it (its own page, when it has one). */
static void check_portable_names(const struct site *s)
{
	struct strmap said = STRMAP_INIT_OWNED;
	for (size_t i = 0; i < s->npages + s->nresources + s->ndata; i++) {
		/* a data file's name too: no address, but the site's folder on a share holds it, and an
		 * export refuses a name that is no UTF-8 (helper-125: the build said nothing of it) */
		const char *path = i < s->npages                 ? s->pages[i]->path
		                   : i < s->npages + s->nresources ? s->resources[i - s->npages]
		                                                   : s->data[i - s->npages - s->nresources].src;
		if (i >= s->npages + s->nresources && !strncmp(path, "content/", 8))
			path += 8;
		for (const char *p = path; *p; p += *p == '/') {
			size_t k = strcspn(p, "/");
			if (!k)
				break;
			char *why = unportable_name(p, k), *look = lookalike_of(p, k);
			bool added = true;
			if (why || look) { /* the folder's own page, or the first page or file in it */
				char *dir = xstrndup(path, (size_t)(p + k - path) + (p[k] == '/')); /* "a/" and a file "a" differ */
				strmap_put(&said, dir, &added);
				free(dir);
			}
			if ((why || look) && added) {
				char *src = i < s->npages ? page_file(s->pages[i]) : xasprintf("content/%s", path);
				const char *what = i < s->npages ? "folder" : "path";
				const char *fix = i < s->npages ? ", or give it another slug" : "";
				if (why && look)
					diag_warn(src, 0, 0, "its %s '%s' has a name '%.*s' that %s; and has %s: a reader cannot tell its "
					          "address from another's; rename it%s", what, path, (int)k, p, why, look, fix);
				else if (why)
					diag_warn(src, 0, 0, "its %s '%s' has a name '%.*s' that %s; rename it%s", what, path, (int)k, p,
					          why, fix);
				else
					diag_warn(src, 0, 0, "its %s '%s' has a name '%.*s' with %s: a reader cannot tell its address "
					          "from another's; rename it%s", what, path, (int)k, p, look, fix);
				free(src);
			}
			free(why);
			free(look);
			p += k;
		}
	}
	strmap_free(&said);
}

/* Whether v is an address a sitemap may give (sitemaps.org: "fully-qualified URL"): http or https,
 * read by libxml2's RFC 3986 parser (xmlParseURI), ASCII; a host of labels (letters, digits, '-', none
 * empty: RFC 1123 2.1) or an IP literal ("[::1]"), a port in 1..65535 if any; no user name (it would
 * be published), no "." or ".." folder (helper-115: "https://x.example/../../en/" was written into
 * sitemap.xml), no query or fragment. */
static bool base_url_ok(const char *v)
{
	for (const unsigned char *c = (const unsigned char *)v; *c; c++)
		if (*c >= 0x80 || *c <= ' ' || strchr("\"<>?#\\`{}|^", *c))
			return false;
	xmlURIPtr u = xmlParseURI(v);
	bool ok = u && u->scheme && (!strcasecmp(u->scheme, "https") || !strcasecmp(u->scheme, "http")) && u->server &&
	          *u->server && !u->user && !u->opaque && u->port >= 0 && u->port <= 65535;
	const char *h = ok ? u->server : "";
	unsigned char addr[16];
	if (ok && *h == '[') { /* an IPv6 address, read as the system reads it (inet_pton) */
		char *in = xstrndup(h + 1, strlen(h) > 2 ? strlen(h) - 2 : 0);
		ok = h[strlen(h) - 1] == ']' && inet_pton(AF_INET6, in, addr) == 1;
		free(in);
	} else if (ok && !h[strspn(h, "0123456789.")]) { /* digits alone: an IPv4 address ("999.999.999.999" none) */
		ok = inet_pton(AF_INET, h, addr) == 1;
	} else {
		for (const char *l = h; ok && *l; l += *l == '.') { /* labels: "x..example", "-" are none */
			size_t n = strspn(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
			ok = n && n <= 63 && l[0] != '-' && l[n - 1] != '-' && (l[n] == '.' || !l[n]);
			l += n;
		}
	}
	/* a port written is one from 1 (":0" and ":" alone are none) */
	const char *auth = strstr(v, "://"), *end = auth ? auth + 3 + strcspn(auth + 3, "/") : NULL;
	const char *close = auth ? memchr(auth, ']', (size_t)(end - auth)) : NULL;
	if (ok && memchr(close ? close : auth + 3, ':', (size_t)(end - (close ? close : auth + 3))))
		ok = u->port > 0;
	for (const char *p = ok && u->path ? u->path : ""; ok && *p; p += *p == '/') {
		size_t n = strcspn(p, "/");
		ok = !((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'));
		p += n;
	}
	if (u)
		xmlFreeURI(u);
	return ok;
}

/* A page or a file of content/ where the build writes something of its own (sitewide.c): the search
 * page and its index in each language's search/, each language's 404.html and index.html, the theme's
 * assets/, the root's index.html and 404.html, sitemap.xml, the translations page. Two outputs on one
 * path were an error at the output path alone ("en/search/index.html"), found only by a build (vade
 * check said "no errors"), and a page's folder where a file goes ("slug: 404.html") failed to write
 * with "Not a directory" (helper-105). An error at the page or the file, naming what else goes there. */
static void check_reserved(const struct site *s, const struct own_outputs *own)
{
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		const char *path = p->path, *what = NULL;
		for (size_t k = 0; k < own->nfolders && !what; k++)
			if (!strcmp(path, own->folders[k].path))
				what = own->folders[k].what;
		size_t l = 0;
		while (what && l < s->nlangs && !(p->docs[l] && p->docs[l]->src))
			l++;
		if (what && l < s->nlangs) {
			/* at its slug, when the folder is the slug's */
			const struct doc *d = p->docs[l];
			const struct yml_node *slug = d->fm_tree ? yml_get(d->fm_tree->root, "slug") : NULL;
			diag_error(d->src, slug ? slug->line : 0, slug ? slug->col : 0, "its page would be written to %s/%s, "
			           "where %s: rename it, or give it %s slug", s->langs[l].code, path, what, slug ? "another" : "a");
		} else if (what) { /* a folder without index.md: its listing, made by vade (helper-106) */
			char *folder = xasprintf("content/%s", p->key);
			diag_error(folder, 0, 0, "its listing page would be written to %s/%s, where %s: rename the folder",
			           s->langs[0].code, path, what);
			free(folder);
		}
	}
	char *assets = NULL;
	bool theme_assets = tree_kind(&s->theme_tree, "assets", &assets) == TREE_DIR;
	free(assets);
	for (size_t i = 0; i < s->nresources; i++) {
		const char *r = s->resources[i], *what = NULL;
		if (theme_assets && !strncmp(r, "assets/", 7) && tree_kind(&s->theme_tree, r, NULL) == TREE_FILE)
			what = "the theme's file of that name";
		else if (theme_assets && !strncasecmp(r, "assets/", 7) && strncmp(r, "assets/", 7)) {
			char *src = xasprintf("content/%s", r);
			diag_warn(src, 0, 0, "its folder '%.6s/' differs from the theme's 'assets/' in case alone: copied to a "
			          "file share or a disk that ignores case (Windows, macOS), the two would be one folder; rename "
			          "it", r);
			free(src);
		}
		else if (!strcmp(r, "index.html") && has_template(s, "root.html"))
			what = "the root page (root.html)";
		else if (!strcmp(r, "404.html") && own->notfound)
			what = "the page-not-found page";
		else if (!strcmp(r, "sitemap.xml") && s->base_url)
			what = "the sitemap (base_url is set)";
		else if (!strncmp(r, "translations/", 13) && s->nlangs > 1 && own->base && has_template(s, "translations.html"))
			what = "the translations page";
		if (!what)
			continue;
		char *src = xasprintf("content/%s", r);
		diag_error(src, 0, 0, "it would be copied to %s, where vade writes %s: rename it", r, what);
		free(src);
	}
}

void site_check_output_paths(const struct site *s, const char *out_dir)
{
	struct own_outputs own;
	own_outputs(s, &own);
	check_case_twins(s, &own);
	check_portable_names(s);
	check_reserved(s, &own);
	/* "<out_dir>.tmp-XXXXXX/out/" (output.h), then a page's "<lang>/<path>" and its longest file:
	 * handbook.html, or a listing's last page "page/<k>/index.html"; a resource's "<path>" */
	size_t lang = 0, base = strlen(out_dir) + strlen(".tmp-XXXXXX/out/");
	for (size_t l = 0; l < s->nlangs; l++)
		if (strlen(s->langs[l].code) > lang)
			lang = strlen(s->langs[l].code);
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		size_t tail = strlen("handbook.html"), digits = 1;
		for (size_t k = p->nkids; k >= 10; k /= 10)
			digits++;
		if (p->nkids && strlen("page//index.html") + digits > tail)
			tail = strlen("page//index.html") + digits;
		size_t n = base + lang + 1 + strlen(p->path) + tail;
		if (n < PATH_MAX)
			continue;
		const struct doc *d = p->docs[0];
		diag_error(d && d->src ? d->src : "content", 0, 0, "its files would have paths of %zu bytes inside '%s' "
		           "(its output folder '%.*s...' is %zu bytes long), past what a path may hold (%d bytes with its "
		           "end); give a folder a shorter name or the page a shorter slug", n, out_dir,
		           text_head(p->path, 60), p->path, strlen(p->path), PATH_MAX);
	}
	for (size_t i = 0; i < s->nresources; i++) {
		size_t n = base + strlen(s->resources[i]);
		if (n < PATH_MAX)
			continue;
		char *src = xasprintf("content/%s", s->resources[i]);
		diag_error(src, 0, 0, "it would be copied to a path of %zu bytes inside '%s', past what a path may hold "
		           "(%d bytes with its end); give a folder a shorter name", n, out_dir, PATH_MAX);
		free(src);
	}
}

static void build_pages(struct site *s, struct vec *found, int jobs)
{
	struct vec pages;
	load_docs(s, found, jobs);
	group_docs(s, found, &pages);
	/* Sorted by key, so lookups bisect and parents come before their children. */
	xqsort(pages.v, pages.n, sizeof *pages.v, cmp_page_key);
	s->pages = (struct page **)pages.v;
	s->npages = pages.n;
	add_generated(s, &pages);
	xqsort(pages.v, pages.n, sizeof *pages.v, cmp_page_key);
	s->pages = (struct page **)pages.v;
	s->npages = pages.n;

	link_pages(s);
	sort_site = s;
	for (size_t i = 0; i < s->npages; i++)
		if (s->pages[i]->nkids > 1)
			xqsort(s->pages[i]->kids, s->pages[i]->nkids, sizeof(struct page *), cmp_kids);
	for (size_t i = 0; i < s->npages; i++)
		for (size_t k = 0; k < s->pages[i]->nkids; k++)
			s->pages[i]->kids[k]->position = k + 1;
	check_paths(s);
	for (size_t i = 0; i < s->npages; i++)
		*strmap_put(&s->by_key, s->pages[i]->key, NULL) = i;
}

const char *site_ui_in(const struct site *s, size_t lang, int k, const char *key)
{
	const struct yml_doc *d = s->ui[2 * lang + (size_t)k];
	const char *v = d ? yml_str(yml_get(d->root, key)) : NULL;
	return v && (!lang || !text_blank(v)) ? v : NULL;
}

const char *site_ui(const struct site *s, size_t lang, const char *key)
{
	size_t order[2] = {lang, 0};
	for (int i = 0; i < (lang ? 2 : 1); i++)
		for (int k = 0; k < 2; k++) {
			const char *v = site_ui_in(s, order[i], k, key);
			if (v)
				return v;
		}
	return NULL;
}

/* text with the body's typography in lang (markdown_typeset), or text itself when that changes
 * nothing: most titles and summaries have no quote, dash or dots to set, and a second copy of
 * each was kept for the whole build (doc_free() frees a shown text only when it is its own). */
static char *shown_text(char *text, const char *lang)
{
	if (!text)
		return NULL;
	char *t = markdown_typeset(text, lang);
	if (strcmp(t, text))
		return t;
	free(t);
	return text;
}

struct site *site_load(const char *dir, int jobs)
{
	struct site *s = xcalloc(1, sizeof *s);
	s->dir = xstrdup(dir);
	char *content_dir = site_path(s, "content");
	bool have = is_dir(content_dir) && tree_open(&s->tree, dir, "");
	if (!have) {
		diag_error("content/", 0, 0, "no content folder in %s", dir);
		free(content_dir);
		return s;
	}
	if (!load_config(s) || !find_theme(s)) {
		free(content_dir);
		return s;
	}
	char *shown_theme = xasprintf("themes/%s/", s->theme);
	bool theme_ok = tree_open(&s->theme_tree, s->theme_dir, shown_theme);
	free(shown_theme);
	if (!theme_ok) {
		diag_error("content/site.yaml", 0, 0, "theme '%s': cannot resolve its folder", s->theme);
		free(content_dir);
		return s;
	}
	struct vec found = VEC_INIT, res = VEC_INIT, chain = VEC_INIT;
	vec_push(&chain, realpath(s->tree.real, NULL));
	char *content_real = realpath(content_dir, NULL);
	if (content_real)
		vec_push(&chain, content_real);
	walk(s, "content", &chain, &found, &res);
	for (size_t i = 0; i < chain.n; i++)
		free(chain.v[i]);
	vec_free(&chain);
	free(content_dir);
	if (found.n == 0 && !diag_errors()) /* not when content/ could not be read: that was said */
		diag_error("content/", 0, 0, "no pages: write at least content/index.md");
	build_pages(s, &found, jobs);
	for (size_t i = 0; i < found.n; i++) {
		struct found *f = found.v[i];
		free(f->rel);
		free(f->key);
		free(f);
	}
	vec_free(&found);
	/* Titles and summaries as shown: the body's typography in the doc's language. */
	for (size_t i = 0; i < s->npages; i++)
		for (size_t l = 0; l < s->nlangs; l++) {
			struct doc *d = s->pages[i]->docs[l];
			if (!d)
				continue;
			d->shown_title = shown_text(d->title, s->langs[l].code);
			d->shown_summary = shown_text(d->summary, s->langs[l].code);
		}
	s->resources = (char **)res.v;
	s->nresources = res.n;
	data_load(s);
	data_load_ui(s);
	const struct data_file *refs = site_data_file(s, "references", -1);
	cite_refs_load(&s->refs, refs ? refs->doc : NULL);
	return s;
}

/* {======= vade serve's site, kept between rebuilds (site_patch) */

/* The slot of the doc s loaded from page file src ("content/a.md"), or NULL when it has none. */
static struct doc **doc_slot(struct site *s, const char *src, size_t *lang, size_t *page)
{
	if (strncmp(src, "content/", 8))
		return NULL;
	int l;
	const struct page *p = site_page_of_lang(s, src + 8, &l);
	*lang = l < 0 ? 0 : (size_t)l;
	*page = p ? p->index : 0;
	struct doc **slot = p ? &s->pages[p->index]->docs[*lang] : NULL;
	return slot && *slot && (*slot)->src && !strcmp((*slot)->src, src) ? slot : NULL;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Whether b, read again, gives the site what a gave: the same front matter at the same place (all
 * site_load() takes from a page file but its title from a heading), and the same title. */
static bool same_facts(const struct doc *a, const struct doc *b)
{
	return b->src && a->fm_hash == b->fm_hash && a->body_off == b->body_off && a->body_line == b->body_line &&
	       same_text(a->fm_text, b->fm_text) && a->h1_sought == b->h1_sought &&
	       a->title_from_heading == b->title_from_heading && same_text(a->title, b->title);
}

static bool said_by(const struct diag_kept *k, struct doc **const *slots, size_t n)
{
	for (size_t j = 0; j < n; j++)
		for (size_t i = 0; i < (*slots[j])->nsaid; i++) {
			const struct diag_kept *o = &(*slots[j])->said[i];
			if (o->line == k->line && o->col == k->col && !strcmp(o->path, k->path) && !strcmp(o->msg, k->msg))
				return true;
		}
	return false;
}

bool site_status_record(const char *src)
{
	size_t len = strlen(src);
	return !strncmp(src, "content/i18n/", 13) && !strchr(src + 13, '/') && len > 13 + 12 &&
	       !strcmp(src + len - 12, ".status.yaml");
}

bool site_patch(struct site *s, const char *const *srcs, size_t n, const struct diag_kept *said, size_t nsaid,
                bool *changed)
{
	struct doc ***slots = xcalloc(n + 1, sizeof *slots), **fresh = xcalloc(n + 1, sizeof *fresh);
	size_t m = 0, *langs = xcalloc(n + 1, sizeof *langs);
	bool ok = true;
	tree_renew(); /* a new build: folders are found again, as site_load() finds them */
	for (size_t i = 0; ok && i < n; i++) {
		if (site_status_record(srcs[i]))
			continue;
		size_t page = 0, lang = 0;
		struct doc **slot = doc_slot(s, srcs[i], &lang, &page);
		struct stat st;
		char *slug = NULL;
		struct yml_node *slug_node = NULL;
		struct doc *d = slot && tree_kind_stat(&s->tree, srcs[i], NULL, &st) == TREE_FILE
		                    ? doc_load_said(s, srcs[i], &st, &slug, &slug_node)
		                    : NULL;
		free(slug);
		ok = d && same_facts(*slot, d);
		if (d) {
			slots[m] = slot;
			langs[m] = lang;
			fresh[m++] = d;
			if (changed)
				changed[page] = true;
		}
	}
	for (size_t k = 0; ok && k < nsaid; k++)
		if (!said_by(&said[k], slots, m))
			diag_say_again(&said[k], 1);
	for (size_t j = 0; j < m; j++) {
		if (!ok) {
			doc_free(fresh[j]);
			continue;
		}
		struct doc *d = fresh[j];
		d->shown_title = shown_text(d->title, s->langs[langs[j]].code);
		d->shown_summary = shown_text(d->summary, s->langs[langs[j]].code);
		doc_free(*slots[j]);
		*slots[j] = d;
	}
	free(langs);
	free(slots);
	free(fresh);
	return ok;
}

/* }======= */

void site_free(struct site *s)
{
	if (!s)
		return;
	strmap_free(&s->by_key);
	strmap_free(&s->lang_ids);
	for (size_t i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i];
		for (size_t l = 0; l < s->nlangs; l++)
			doc_free(p->docs[l]);
		free(p->docs);
		free(p->kids);
		free(p->key);
		free(p->slug);
		free(p->path);
		free(p);
	}
	free(s->pages);
	for (size_t i = 0; i < s->nlangs; i++) {
		free(s->langs[i].code);
		free(s->langs[i].name);
		free(s->langs[i].dir);
	}
	free(s->langs);
	for (size_t i = 0; i < s->ndata; i++) {
		free(s->data[i].name);
		free(s->data[i].src);
		yml_free(s->data[i].doc);
		strmap_free(&s->data[i].ids);
	}
	free(s->data);
	strmap_free(&s->data_names);
	free(s->data_slots);
	cite_refs_free(&s->refs);
	if (s->ui)
		for (size_t i = 0; i < 2 * s->nlangs; i++)
			yml_free(s->ui[i]);
	free(s->ui);
	for (size_t i = 0; i < s->nresources; i++)
		free(s->resources[i]);
	free(s->resources);
	yml_free(s->config);
	free(s->title);
	free(s->theme);
	free(s->edition);
	free(s->base_url);
	free(s->theme_dir);
	free(s->dir);
	tree_close(&s->tree);
	tree_close(&s->theme_tree);
	free(s);
}

const struct doc *site_page_doc(const struct site *s, const struct page *p, size_t lang)
{
	(void)s;
	return p->docs[lang] ? p->docs[lang] : p->docs[0];
}

const struct page *site_page_of(const struct site *s, const char *path)
{
	int lang;
	return site_page_of_lang(s, path, &lang);
}

const struct page *site_page_of_lang(const struct site *s, const char *path, int *lang)
{
	char *k = xstrdup(path);
	size_t n = strlen(k);
	*lang = -1;
	if (n > 3 && !strcmp(k + n - 3, ".md")) {
		k[n -= 3] = '\0';
		/* a translation's file means its page, in its language */
		char *dot = strrchr(k, '.'), *slash = strrchr(k, '/');
		int l = dot && (!slash || dot > slash) ? lang_index(s, dot + 1, strlen(dot + 1)) : -1;
		if (l >= 0) {
			*dot = '\0';
			*lang = l;
		}
	}
	while ((n = strlen(k)) && k[n - 1] == '/')
		k[n - 1] = '\0';
	if (!strcmp(k, "index"))
		k[0] = '\0';
	else if (n > 6 && !strcmp(k + n - 6, "/index"))
		k[n - 6] = '\0';
	const struct page *p = site_find(s, k);
	free(k);
	return p;
}

char *site_page_output(const struct site *s, const struct page *p, size_t lang)
{
	return xasprintf("%s/%sindex.html", s->langs[lang].code, p->path);
}


char *site_url_relative(const char *from, const char *to)
{
	/* Skip the common folder prefix, then climb out of what is left of from's folder. */
	size_t common = 0;
	for (size_t i = 0; from[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	struct buf b = BUF_INIT;
	for (const char *p = from + common; *p; p++)
		if (*p == '/')
			buf_adds(&b, "../");
	/* A first segment with a colon ("colon:x/", "javascript:alert(1)/") would be read as a scheme:
	 * RFC 3986, 4.2 has such a relative path begin with a dot-segment. */
	const char *rest = to + common;
	if (!b.len && memchr(rest, ':', strcspn(rest, "/")))
		buf_adds(&b, "./");
	/* A name may hold what a URL must not ("100%", "why?", "c#", a space, a byte of a legacy code
	 * page that is no UTF-8): written %XX, so the link leads to the file and the page stays UTF-8
	 * text; UTF-8 as it is. */
	buf_add_pct(&b, rest, strlen(rest), " %?#\"<>\\^`{|}", PCT_HIGH_UTF8);
	if (!b.len)
		buf_adds(&b, "./");
	return buf_detach(&b, NULL);
}
