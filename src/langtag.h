/* langtag.h — language tags (BCP 47): whether a tag is well-formed, and
 * what vade assumes of a language when one is added to a site (vade i18n
 * add): its name and its direction. Strings the functions return are the
 * caller's to free, unless they say otherwise.
 */
#ifndef VADE_LANGTAG_H
#define VADE_LANGTAG_H

#include <stdbool.h>
#include <stddef.h>

/* A well-formed BCP 47 language tag (RFC 5646) that starts with a 2- or
 * 3-letter language subtag, as vade's language codes do: language, then
 * optional extlangs, script, region, variants (none twice), extensions (no
 * singleton twice) and private use; grandfathered and private-use-only
 * tags are refused. Returns the tag in its usual case (language lower,
 * script title, region upper case: "pt-BR", "sr-Latn", "zh-Hant-TW"), or
 * NULL with the reason, a sentence, in *why. Caller frees either. */
char *langtag_canon(const char *tag, char **why);
/* Whether c[0, n) is written as a POSIX locale names a language and
 * territory (ISO/IEC 15897: "fr_FR", "pt_BR", "es_419", and "zh_Hant_TW"
 * or a script alone, "zh_Hans", as ICU and Apple write it): the case tells it from a name of words
 * ("how_to", "new_york", "dev_ops"), which stays part of a file's name. */
bool langtag_posix_locale(const char *c, size_t n);
/* langtag_canon() of a tag, or of a POSIX locale name's language and
 * territory as langtag_posix_locale() reads them ("pt_BR", "zh_Hant_TW":
 * each '_' read as '-'), as people type tags and translators' tools name
 * files; any other text with a '_' is refused ("how_to", "fr_fr"). */
char *langtag_canon_locale(const char *tag, char **why);
/* A POSIX locale name's codeset or modifier at the end of name[0, n)
 * (locale(7): language[_territory][.codeset][@modifier]; "fr.UTF-8",
 * "sr_RS@latin", "de_DE.ISO-8859-1@euro"), which no language tag holds:
 * returns where the locale starts in name ("step.sr_RS@latin" holds one
 * from 5), with its language part's length in *lang_len ("sr_RS", not
 * checked here) and in *subtag what the modifier says as a BCP 47 subtag
 * (a script: "latin" and "iqtelif" are Latn, "cyrillic" Cyrl, "devanagari"
 * Deva, "shaw" Shaw; a variant: "valencia", "ijekavian" ijekavsk), else NULL
 * ("euro", "abegede", "saaho", gettext's "quot" and "boldquot" say nothing a
 * tag says); SIZE_MAX when name ends in neither. A codeset is a name
 * glibc's iconv knows (UTF-8, utf8, ISO-8859-n, latin1, eucJP, ujis, KOI8-R,
 * CP1251, ANSI_X3.4-1968 and kin, in any case), but two or three letters
 * alone, which could be a subtag ("fr" is ISO 646-FR to iconv); a
 * modifier one of those above, in any case (another word after '@' is
 * part of a name: "jane.doe@example"). Static *subtag. */
size_t langtag_locale_extras(const char *name, size_t n, size_t *lang_len, const char **subtag);
/* tag (well-formed) with a script or variant subtag where BCP 47 puts it
 * ("sr-RS" and "Latn": "sr-Latn-RS"; "ca-ES" and "valencia": "ca-ES-valencia"),
 * in its usual case; tag itself when it has a script already. Caller frees. */
char *langtag_with_subtag(const char *tag, const char *subtag);
/* "rtl" for a tag whose script subtag is written right to left (Arab, Hebr,
 * Syrc, Thaa, Nkoo, Adlm, Rohg) or, without one, whose language is (ar, he,
 * fa, ur, ps, sd, ug, yi, dv, ckb); else "ltr". Static. */
const char *langtag_dir(const char *tag);
/* A language's name in itself, for some forty common languages, with the
 * region after it ("de-CH" is "Deutsch (CH)"); else the tag itself. */
char *langtag_name(const char *tag);

#endif
