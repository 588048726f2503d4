/* i18n.h — the translators' commands `vade i18n status`, `done`, `add`,
 * `export` and `import`. What counts as current and where it is recorded:
 * status.h; what a passage is: passage.h; what is exported and where imports
 * land: exchange.h; the file formats: po.h, xliff.h.
 */
#ifndef VADE_I18N_H
#define VADE_I18N_H

#include "exchange.h"
#include "site.h"

#include <stdbool.h>
#include <stddef.h>

/* Prints what each translation language (or each of langs[0..n)) is missing
 * or behind on, as text or JSON. Returns the exit status: 0; 1 with strict
 * when anything is missing or outdated; 2 for a language that is not a
 * translation language. */
int i18n_status(const struct site *s, char **langs, size_t n, bool json, bool strict);
/* Marks the translations of pages[0..n) in lang, or with n == 0 every page,
 * UI string and data field translated in lang, as current with their
 * originals: writes content/i18n/<lang>.status.yaml. Returns the exit status
 * (0, 1 after errors, 2 for a language that is not a translation language). */
int i18n_done(const struct site *s, const char *lang, char **pages, size_t n);
/* Writes the exchange file of lang to out: XLIFF 1.2 when its name ends in
 * ".xlf" or ".xliff", else PO. Returns the exit status (0, 1, 2 for a
 * language that is not a translation language). */
int i18n_export(const struct site *s, const char *lang, const char *out);
/* Brings an exchange file (XLIFF or PO, by its name) into content/, for the
 * language it names (PO header Language, XLIFF target-language). Returns the
 * exit status (0 or 1). */
int i18n_import(const struct site *s, const char *path, const struct import_opts *opts);

/* Adds language code (as langtag_canon() writes it, langtag.h) to
 * content/site.yaml: an item {code, name, dir} at the end of `languages`
 * (made, after the default language, when there is none), in the style of
 * the items before it, every other byte of the file kept; name and dir NULL
 * are langtag_name() and langtag_dir(). The new text is read back and
 * checked before it is written (all at once); what cannot be edited safely
 * is refused, saying so. Then starts content/i18n/<code>.status.yaml (an
 * empty record) unless there is one. Returns the exit status: 0, or 1 after
 * errors (among them: code is already a language, the site no longer loads
 * with it), the file left as it was. */
int i18n_add(const struct site *s, const char *code, const char *name, const char *dir);
/* The index of translation language code, or -1 after saying on stderr
 * that it is not one, and what to do (vade i18n add, for a well-formed tag). */
int i18n_translation_lang(const struct site *s, const char *code);

#endif
