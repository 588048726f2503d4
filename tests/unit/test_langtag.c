/* test_langtag.c — BCP 47 language tags: well-formed or not (and why), the
 * usual case, and the name and direction a new language gets by default. */
#include "langtag.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>

/* The tag as langtag_canon() writes it, or "!" and the start of the reason. */
static const char *canon(const char *tag)
{
	static char out[256];
	char *why = NULL, *c = langtag_canon(tag, &why);
	snprintf(out, sizeof out, "%s%s", c ? "" : "!", c ? c : why);
	free(c);
	free(why);
	return out;
}

static void good(const char *tag, const char *want)
{
	is_str(canon(tag), want, tag);
}

static void bad(const char *tag, const char *why)
{
	const char *got = canon(tag);
	ok(got[0] == '!' && strstr(got, why), "'%s' is refused: %s", tag, got + 1);
}

int main(void)
{
	good("de", "de");
	good("fil", "fil");
	good("pt-BR", "pt-BR");
	good("PT-br", "pt-BR");
	good("sr-latn", "sr-Latn");
	good("SR-LATN-RS", "sr-Latn-RS");
	good("zh-Hant-TW", "zh-Hant-TW");
	good("es-419", "es-419");
	good("zh-yue-HK", "zh-yue-HK");
	good("sl-rozaj-biske", "sl-rozaj-biske");
	good("de-CH-1996", "de-CH-1996");
	good("en-US-u-ca-GREGORY", "en-US-u-ca-gregory");
	good("en-a-bbb-b-ccc-x-AB-cdef", "en-a-bbb-b-ccc-x-ab-cdef");
	good("de-x-Phonebk", "de-x-phonebk");

	bad("", "empty subtag");
	bad("de-", "empty subtag");
	bad("de--CH", "empty subtag");
	bad("de_DE", "other than the letters");
	/* as a POSIX locale writes it, for vade i18n add and file suffixes: '_' is '-' */
	{
		char *why = NULL, *c = langtag_canon_locale("pt_BR", &why);
		is_str(c ? c : why, "pt-BR", "pt_BR as a locale name is pt-BR");
		free(c), free(why), why = NULL;
		c = langtag_canon_locale("sr_Latn_RS", &why);
		is_str(c ? c : why, "sr-Latn-RS", "sr_Latn_RS as a locale name is sr-Latn-RS");
		free(c), free(why), why = NULL;
		/* a codeset or modifier is refused, naming the tag it means */
		const char *extras[][2] = {{"de_DE.UTF-8", "de-DE is its tag"}, {"sr@latin", "sr-Latn is its tag"},
		                           {"sr_RS@latin", "sr-Latn-RS is its tag"}, {"fr.utf8", "fr is its tag"},
		                           {"ca_ES@valencia", "ca-ES-valencia is its tag"}, {"de_DE@euro", "de-DE is its tag"}};
		for (size_t i = 0; i < sizeof extras / sizeof *extras; i++) {
			c = langtag_canon_locale(extras[i][0], &why);
			ok(!c && why && strstr(why, extras[i][1]), "%s is refused: %s", extras[i][0], why ? why : c);
			free(c), free(why), why = NULL;
		}
		/* words joined by '_' are no locale name (helper-92: "how_to" became the language how-TO) */
		const char *words[] = {"how_to", "fr_fr", "Fr_FR", "dev_ops", "en_US_POSIX"};
		for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
			c = langtag_canon_locale(words[i], &why);
			ok(!c && why && strstr(why, "no locale name"), "%s is refused: %s", words[i], why ? why : c);
			free(c), free(why), why = NULL;
		}
		/* where a name's locale with a codeset or modifier starts (locale(7)), and what its modifier says */
		static const struct {
			const char *name;
			size_t at, lang_len;
			const char *subtag;
		} ex[] = {
		    {"step.sr_RS@latin", 5, 5, "Latn"}, {"step.fr.UTF-8", 5, 2, NULL},  {"x.de_DE.ISO-8859-15@euro", 2, 5, NULL},
		    {"ja_JP.eucJP", 0, 5, NULL},        {"ru.KOI8-R", 0, 2, NULL},      {"uz@cyrillic", 0, 2, "Cyrl"},
		    {"a.b.cp1251", 2, 1, NULL},         {"step.v1.2", SIZE_MAX, 0, NULL}, {"notes@Home", SIZE_MAX, 0, NULL},
		    {"fr.md", SIZE_MAX, 0, NULL},        {"x.utf8", 0, 1, NULL},         {"@latin", SIZE_MAX, 0, NULL},
		    {"a.windows-1252", 0, 1, NULL},      {"a.iso8859-123", SIZE_MAX, 0, NULL},
		    /* helper-96: a modifier is one of glibc's or gettext's, in any case; another word is a name's */
		    {"jane.doe@example", SIZE_MAX, 0, NULL}, {"step.sr_RS.UTF-8@Latin", 5, 5, "Latn"},
		    {"be_BY@LATIN", 0, 5, "Latn"},        {"sr@ijekavian", 0, 2, "ijekavsk"}, {"de_DE@euro", 0, 5, NULL},
		    {"hi_IN.ISCII-DEV", 0, 5, NULL},
		    /* helper-99: glibc's aliases and the C locale's codeset; a subtag is none */
		    {"step.de_DE.latin1", 5, 5, NULL},   {"ja_JP.ujis", 0, 5, NULL},     {"ja_JP.euc", 0, 5, NULL},
		    {"vi_VN.TCVN", 0, 5, NULL},          {"x.en.ANSI_X3.4-1968", 2, 2, NULL}, {"a.de_DE.8859_1", 2, 5, NULL},
		    {"step.de.fr", SIZE_MAX, 0, NULL},   {"step.en.uk", SIZE_MAX, 0, NULL}, {"a.de.es", SIZE_MAX, 0, NULL},
		    {"notes.de.draft", SIZE_MAX, 0, NULL},
		};
		for (size_t i = 0; i < sizeof ex / sizeof *ex; i++) {
			size_t ll = 0;
			const char *sub = "unset";
			size_t at = langtag_locale_extras(ex[i].name, strlen(ex[i].name), &ll, &sub);
			ok(at == ex[i].at && (at == SIZE_MAX || (ll == ex[i].lang_len && (sub == ex[i].subtag ||
			   (sub && ex[i].subtag && !strcmp(sub, ex[i].subtag))))),
			   "locale extras in %s: at %zu, language of %zu, subtag %s", ex[i].name, at, ll, sub ? sub : "none");
		}
		c = langtag_with_subtag("sr-RS", "Latn");
		is_str(c, "sr-Latn-RS", "a script goes after the language");
		free(c);
		c = langtag_with_subtag("zh-Hant-TW", "Latn");
		is_str(c, "zh-Hant-TW", "not into a tag that has one");
		free(c);
		ok(langtag_posix_locale("zh_Hans", 7) && langtag_posix_locale("sr_Latn", 7) && !langtag_posix_locale("zh_hans", 7) &&
		   !langtag_posix_locale("ab_Cdef_", 8), "a script alone (ICU, Apple)");
		ok(langtag_posix_locale("es_419", 6) && langtag_posix_locale("zh_Hant_TW", 10) &&
		   !langtag_posix_locale("zh_hant_TW", 10) && !langtag_posix_locale("e_ES", 4), "locale shapes");
	}
	bad("de DE", "other than the letters");
	bad("dé", "other than the letters");
	bad("d", "not a language subtag of 2 or 3 letters");
	bad("deut", "not a language subtag of 2 or 3 letters");
	bad("english", "not a language subtag of 2 or 3 letters");
	bad("1de", "not a language subtag");
	bad("x-klingon", "not a language subtag");
	bad("i-klingon", "not a language subtag");
	bad("de-abcdefghi", "longer than 8");
	bad("en-US-US", "'US' is out of place");
	bad("en-Latn-Latn", "'Latn' is out of place");
	bad("de-1996-1996", "variant '1996' appears twice");
	bad("en-a-bb-a-cc", "extension 'a' appears twice");
	bad("en-a", "extension 'a' has no subtag");
	bad("en-a-x-y", "extension 'a' has no subtag");
	bad("en-x", "nothing after it");

	is_str(langtag_dir("ar"), "rtl", "Arabic is right to left");
	is_str(langtag_dir("ar-EG"), "rtl", "so is Egyptian Arabic");
	is_str(langtag_dir("he"), "rtl", "Hebrew");
	is_str(langtag_dir("ckb"), "rtl", "Central Kurdish");
	is_str(langtag_dir("ku-Arab"), "rtl", "Kurdish in Arabic script");
	is_str(langtag_dir("ku"), "ltr", "Kurdish (Latin script by default)");
	is_str(langtag_dir("sd-Deva"), "ltr", "Sindhi in Devanagari");
	is_str(langtag_dir("az-Arab-IR"), "rtl", "a script after the language decides");
	is_str(langtag_dir("de"), "ltr", "German");
	is_str(langtag_dir("arn"), "ltr", "Mapudungun is not Arabic ('ar' is a prefix only)");

	static const char *const names[][3] = {
		{"de", "Deutsch", "German's own name"},
		{"pt-BR", "Português (BR)", "with its region"},
		{"es-419", "Español (419)", "a UN M.49 region"},
		{"sr-Latn", "sr-Latn", "with a script: the tag"},
		{"qaa", "qaa", "an unknown language: the tag"},
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *n = langtag_name(names[i][0]);
		is_str(n, names[i][1], names[i][2]);
		free(n);
	}
	return tap_done();
}
