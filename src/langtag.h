/* langtag.h — language tags (BCP 47): whether a tag is well-formed, and
 * what vade assumes of a language when one is added to a site (vade i18n
 * add): its name and its direction. Strings the functions return are the
 * caller's to free, unless they say otherwise.
 */
#ifndef VADE_LANGTAG_H
#define VADE_LANGTAG_H

/* A well-formed BCP 47 language tag (RFC 5646) that starts with a 2- or
 * 3-letter language subtag, as vade's language codes do: language, then
 * optional extlangs, script, region, variants (none twice), extensions (no
 * singleton twice) and private use; grandfathered and private-use-only
 * tags are refused. Returns the tag in its usual case (language lower,
 * script title, region upper case: "pt-BR", "sr-Latn", "zh-Hant-TW"), or
 * NULL with the reason, a sentence, in *why. Caller frees either. */
char *langtag_canon(const char *tag, char **why);
/* langtag_canon() of a tag written as a POSIX locale name's language and
 * territory ("pt_BR", "sr_Latn_RS": each '_' read as '-'), as people type
 * tags and translators' tools name files. */
char *langtag_canon_locale(const char *tag, char **why);
/* "rtl" for a tag whose script subtag is written right to left (Arab, Hebr,
 * Syrc, Thaa, Nkoo, Adlm, Rohg) or, without one, whose language is (ar, he,
 * fa, ur, ps, sd, ug, yi, dv, ckb); else "ltr". Static. */
const char *langtag_dir(const char *tag);
/* A language's name in itself, for some forty common languages, with the
 * region after it ("de-CH" is "Deutsch (CH)"); else the tag itself. */
char *langtag_name(const char *tag);

#endif
