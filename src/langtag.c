/* langtag.c — language tags: BCP 47's syntax (RFC 5646, section 2.1), and
 * a little of what a site wants to know of a language when it starts one:
 * its name and its direction. Written by hand: Debian's liblangtag checks
 * tags against the IANA registry but brings GLib and libxml2 along, for
 * what is, for well-formedness, a page of code. */
#include "langtag.h"
#include "util.h"

#include <ctype.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool all_of(const char *s, size_t n, int (*is)(int))
{
	for (size_t i = 0; i < n; i++)
		if (!is((unsigned char)s[i]))
			return false;
	return true;
}

/* One subtag of a tag: its text and its length. */
struct subtag {
	const char *p;
	size_t n;
};

static bool is_variant(struct subtag t)
{
	return all_of(t.p, t.n, isalnum) && ((t.n >= 5 && t.n <= 8) || (t.n == 4 && isdigit((unsigned char)t.p[0])));
}

/* Splits tag at '-' into t[0..*n); NULL, or why it is not a string of subtags. */
static char *split_tag(const char *tag, struct subtag *t, size_t max, size_t *n)
{
	*n = 0;
	for (const char *p = tag;; p++) {
		size_t k = strcspn(p, "-");
		if (k == 0)
			return xstrdup("an empty subtag (a '-' at an end or two in a row)");
		if (!all_of(p, k, isalnum))
			return xasprintf("'%.*s' holds a character other than the letters A to Z and digits "
			                 "(subtags are separated by '-', not '_' or spaces)", (int)k, p);
		if (k > 8)
			return xasprintf("'%.*s' is longer than 8 characters", (int)k, p);
		if (*n == max)
			return xstrdup("too many subtags");
		t[(*n)++] = (struct subtag){p, k};
		p += k;
		if (!*p)
			return NULL;
	}
}

/* Whether two subtags are the same, case aside. */
static bool same_subtag(struct subtag a, struct subtag b)
{
	return a.n == b.n && !strncasecmp(a.p, b.p, a.n);
}

/* Checks the subtags after the language (from t[i]): extlang, script, region,
 * variants, extensions, private use, in that order. NULL or why not. */
static char *check_subtags(const struct subtag *t, size_t i, size_t n)
{
	for (size_t e = 0; e < 3 && i < n && t[i].n == 3 && all_of(t[i].p, 3, isalpha); e++)
		i++; /* extlang */
	if (i < n && t[i].n == 4 && all_of(t[i].p, 4, isalpha))
		i++; /* script */
	if (i < n && ((t[i].n == 2 && all_of(t[i].p, 2, isalpha)) || (t[i].n == 3 && all_of(t[i].p, 3, isdigit))))
		i++; /* region */
	for (size_t v0 = i; i < n && is_variant(t[i]); i++)
		for (size_t k = v0; k < i; k++)
			if (same_subtag(t[k], t[i]))
				return xasprintf("the variant '%.*s' appears twice", (int)t[i].n, t[i].p);
	char seen[40] = "";
	while (i < n && t[i].n == 1 && tolower((unsigned char)t[i].p[0]) != 'x') {
		char c = (char)tolower((unsigned char)t[i].p[0]);
		if (strchr(seen, c))
			return xasprintf("the extension '%c' appears twice", c);
		seen[strlen(seen)] = c;
		size_t k = ++i;
		while (i < n && t[i].n >= 2)
			i++;
		if (i == k)
			return xasprintf("the extension '%c' has no subtag of 2 to 8 characters after it", c);
	}
	if (i < n && t[i].n == 1) { /* x: private use, to the end */
		if (i + 1 == n)
			return xstrdup("'x' (private use) has nothing after it");
		return NULL;
	}
	if (i < n)
		return xasprintf("'%.*s' is out of place: after the language come a script (4 letters), a region "
		                 "(2 letters or 3 digits), variants (5 to 8 letters and digits, or a digit and 3), "
		                 "extensions and private use (x-...)", (int)t[i].n, t[i].p);
	return NULL;
}

char *langtag_canon(const char *tag, char **why)
{
	struct subtag t[64];
	size_t n;
	*why = split_tag(tag, t, 64, &n);
	if (*why)
		return NULL;
	if (!(t[0].n == 2 || t[0].n == 3) || !all_of(t[0].p, t[0].n, isalpha)) {
		*why = xasprintf("'%.*s' is not a language subtag of 2 or 3 letters (ISO 639, such as de, fr, "
		                 "fil); vade takes tags that start with one", (int)t[0].n, t[0].p);
		return NULL;
	}
	if ((*why = check_subtags(t, 1, n)))
		return NULL;
	/* The conventional case: language lower, script title, region upper, the rest lower. */
	char *c = xstrdup(tag);
	bool ext = false; /* past a singleton: extensions and private use stay lower case */
	for (size_t i = 0; i < n; i++) {
		char *p = c + (t[i].p - tag);
		ext |= t[i].n == 1;
		for (size_t k = 0; k < t[i].n; k++)
			p[k] = (char)tolower((unsigned char)p[k]);
		if (i > 0 && !ext && t[i].n == 4 && all_of(p, 4, isalpha))
			p[0] = (char)toupper((unsigned char)p[0]);
		else if (i > 0 && !ext && t[i].n == 2)
			p[0] = (char)toupper((unsigned char)p[0]), p[1] = (char)toupper((unsigned char)p[1]);
	}
	return c;
}

bool langtag_posix_locale(const char *c, size_t n)
{
	size_t i = 0;
	while (i < n && islower((unsigned char)c[i]))
		i++;
	if (i < 2 || i > 3 || i == n || c[i] != '_')
		return false;
	bool script = n - i - 1 >= 4 && isupper((unsigned char)c[i + 1]) && all_of(c + i + 2, 3, islower);
	if (script && n - i - 1 == 4)
		return true; /* a script alone, as ICU and Apple write it: zh_Hans, sr_Latn (helper-103) */
	if (script && n - i - 1 > 4 && c[i + 5] == '_')
		i += 5; /* a script, title case */
	const char *r = c + i + 1;
	size_t rl = n - i - 1;
	return (rl == 2 && isupper((unsigned char)r[0]) && isupper((unsigned char)r[1])) ||
	       (rl == 3 && isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1]) && isdigit((unsigned char)r[2]));
}

char *langtag_canon_locale(const char *tag, char **why)
{
	size_t ll;
	const char *subtag;
	if (langtag_locale_extras(tag, strlen(tag), &ll, &subtag) == 0) { /* "de_DE.UTF-8", "sr@latin" */
		char *lang = xstrndup(tag, ll), *c = langtag_canon_locale(lang, why), *meant;
		free(lang);
		if (!c)
			return NULL;
		meant = subtag ? langtag_with_subtag(c, subtag) : xstrdup(c);
		*why = xasprintf("'%s' is a locale name with a codeset or modifier, which no language tag has: %s is its tag",
		                 tag, meant);
		free(c), free(meant);
		return NULL;
	}
	if (strchr(tag, '_') && !langtag_posix_locale(tag, strlen(tag))) {
		*why = xasprintf("'%s' is no locale name either (a language in lower case, '_', a territory in upper "
		                 "case: pt_BR), and a tag's subtags are separated by '-' (pt-BR)", tag);
		return NULL;
	}
	char *t = xstrdup(tag);
	for (char *c = t; *c; c++)
		*c = *c == '_' ? '-' : *c;
	char *canon = langtag_canon(t, why);
	free(t);
	return canon;
}

static const char *tag_script(const char *tag);

/* Whether c[0, n) names a character set as a locale name's codeset does (locale(7): "fr_FR.utf8",
 * "ja_JP.eucJP", "de_DE.latin1", "C.ANSI_X3.4-1968"). glibc's iconv knows every codeset and alias
 * its locales use, so it is asked; a name of two or three letters alone could be a subtag and is no
 * codeset ("de", "fr", "es" and "uk" are also ISO 646 variants to iconv), but for "euc" (X11's
 * locale.alias: ja_JP.euc). A few codesets of glibc's SUPPORTED list that iconv spells otherwise
 * are named here, compared with case, '-' and '_' aside. */
static bool is_codeset(const char *c, size_t n)
{
	if (n == 0 || n > 40 || !all_of(c, n, isgraph))
		return false;
	char k[41];
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (c[i] != '-' && c[i] != '_')
			k[m++] = (char)tolower((unsigned char)c[i]);
	k[m] = '\0';
	static const char *const also[] = {"euc", "georgianps", "isciidev", "tscii0", NULL};
	for (int i = 0; also[i]; i++)
		if (!strcmp(k, also[i]))
			return true;
	if (n <= 3 && all_of(c, n, isalpha))
		return false;
	memcpy(k, c, n);
	k[n] = '\0';
	iconv_t cd = iconv_open("UTF-8", k);
	if (cd == (iconv_t)-1)
		return false;
	iconv_close(cd);
	return true;
}

size_t langtag_locale_extras(const char *name, size_t n, size_t *lang_len, const char **subtag)
{
	/* glibc's modifiers (localedata/SUPPORTED) and gettext's (sr@ijekavian, en@quot), in any case:
	 * another word after '@' is part of a name ("jane.doe@example": helper-96) */
	static const char *const mods[][2] = {
	    {"latin", "Latn"},   {"cyrillic", "Cyrl"},      {"devanagari", "Deva"}, {"iqtelif", "Latn"}, {"shaw", "Shaw"},
	    {"valencia", "valencia"}, {"ijekavian", "ijekavsk"}, {"euro", NULL},     {"abegede", NULL},   {"saaho", NULL},
	    {"quot", NULL},      {"boldquot", NULL}};
	*subtag = NULL;
	const char *at = memrchr(name, '@', n);
	size_t end = n;
	if (at) {
		size_t ml = n - (size_t)(at + 1 - name), i = 0;
		while (i < sizeof mods / sizeof *mods && (strlen(mods[i][0]) != ml || strncasecmp(at + 1, mods[i][0], ml)))
			i++;
		if (i == sizeof mods / sizeof *mods)
			return SIZE_MAX;
		*subtag = mods[i][1];
		end = (size_t)(at - name);
	}
	/* the codeset runs from one of the last dots to the modifier: a codeset may hold one ("ANSI_X3.4-1968") */
	const char *dot = memrchr(name, '.', end), *codeset = NULL;
	for (int tries = 0; dot && !codeset && tries < 2; tries++) {
		if (is_codeset(dot + 1, end - (size_t)(dot + 1 - name)))
			codeset = dot;
		else
			dot = dot > name ? memrchr(name, '.', (size_t)(dot - name)) : NULL;
	}
	if (codeset)
		end = (size_t)(codeset - name);
	else if (!at)
		return SIZE_MAX; /* neither */
	dot = memrchr(name, '.', end);
	size_t seg = dot ? (size_t)(dot + 1 - name) : 0; /* the segment before the codeset or modifier */
	if (seg == end)
		return SIZE_MAX;
	*lang_len = end - seg;
	return seg;
}

char *langtag_with_subtag(const char *tag, const char *subtag)
{
	char *why = NULL, *t;
	if (strlen(subtag) == 4) {
		if (tag_script(tag))
			return xstrdup(tag);
		size_t lk = strcspn(tag, "-");
		t = xasprintf("%.*s-%s%s", (int)lk, tag, subtag, tag + lk);
	} else {
		t = xasprintf("%s-%s", tag, subtag);
	}
	char *c = langtag_canon(t, &why);
	free(why);
	free(t);
	return c ? c : xstrdup(tag);
}

/* The tag's script subtag (4 letters after the language and extlangs), or NULL. */
static const char *tag_script(const char *tag)
{
	for (const char *p = strchr(tag, '-'); p; p = strchr(p + 1, '-')) {
		size_t k = strcspn(p + 1, "-");
		if (k == 4 && all_of(p + 1, 4, isalpha))
			return p + 1;
		if (k != 3)
			return NULL;
	}
	return NULL;
}

const char *langtag_dir(const char *tag)
{
	static const char *const rtl_scripts[] = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", NULL};
	static const char *const rtl_langs[] = {"ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", NULL};
	const char *script = tag_script(tag);
	size_t lk = strcspn(tag, "-");
	for (int i = 0; script && rtl_scripts[i]; i++)
		if (!strncmp(script, rtl_scripts[i], 4))
			return "rtl";
	for (int i = 0; !script && rtl_langs[i]; i++)
		if (strlen(rtl_langs[i]) == lk && !strncmp(tag, rtl_langs[i], lk))
			return "rtl";
	return "ltr";
}

char *langtag_name(const char *tag)
{
	static const char *const names[][2] = {
		{"ar", "العربية"}, {"bg", "Български"}, {"cs", "Čeština"}, {"da", "Dansk"},
		{"de", "Deutsch"}, {"el", "Ελληνικά"}, {"en", "English"}, {"es", "Español"},
		{"et", "Eesti"}, {"fa", "فارسی"}, {"fi", "Suomi"}, {"fr", "Français"},
		{"he", "עברית"}, {"hr", "Hrvatski"}, {"hu", "Magyar"}, {"it", "Italiano"},
		{"ja", "日本語"}, {"ko", "한국어"}, {"lt", "Lietuvių"}, {"lv", "Latviešu"},
		{"nl", "Nederlands"}, {"no", "Norsk"}, {"pl", "Polski"}, {"ps", "پښتو"},
		{"pt", "Português"}, {"ro", "Română"}, {"ru", "Русский"}, {"sk", "Slovenčina"},
		{"sl", "Slovenščina"}, {"sq", "Shqip"}, {"sv", "Svenska"}, {"tr", "Türkçe"},
		{"uk", "Українська"}, {"ur", "اردو"}, {"zh", "中文"},
	};
	size_t lk = strcspn(tag, "-");
	const char *rest = tag + lk + (tag[lk] != '\0');
	bool region = strlen(rest) == 2 || (strlen(rest) == 3 && isdigit((unsigned char)rest[0]));
	for (size_t i = 0; i < sizeof names / sizeof *names && (!*rest || region); i++)
		if (strlen(names[i][0]) == lk && !strncmp(tag, names[i][0], lk))
			return *rest ? xasprintf("%s (%s)", names[i][1], rest) : xstrdup(names[i][1]);
	return xstrdup(tag);
}
