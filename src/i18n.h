/* i18n.h — translation status and the translators' tools.
 *
 * A translation is current when every passage of its original (passage.h)
 * is one it was marked current against. What it was marked
 * against is kept as whitespace-insensitive digests in
 * content/i18n/<lang>.status.yaml, keyed by page key, UI key and data path
 * (so renaming unrelated files changes nothing). `vade i18n done` writes it;
 * `vade i18n import` updates it for what a PO file brings.
 *
 * The PO export segments pages block by block; the import writes each
 * translated passage back into its place in the pinned file layout, leaving
 * front matter and every other byte as it was.
 */
#ifndef VADE_I18N_H
#define VADE_I18N_H

#include "site.h"

#include <stdbool.h>
#include <stdint.h>

enum tr_state { TR_CURRENT, TR_OUTDATED, TR_MISSING };

struct tr_entry {
	char *id;               /* page key ("topics/thb", "" for home), UI key, or data path "dos/prevent-early/text" */
	char *src;              /* the file of the original, for messages */
	enum tr_state state;
	char **changed;         /* labels of the original's passages changed since marked current */
	size_t nchanged;
};

enum tr_kind { TR_PAGES, TR_UI, TR_DATA, TR_KINDS };

struct tr_lang {
	struct tr_entry *e[TR_KINDS];   /* in the order of the site (pages by key, strings as written) */
	size_t n[TR_KINDS];
	size_t count[TR_KINDS][3]; /* by kind and state */
	struct tr_entry **by_id[TR_KINDS]; /* the same, sorted by id, for lookups */
};

struct tr_report {
	size_t nlangs;          /* as in the site; langs[0], the default, is empty */
	struct tr_lang *langs;
};

/* Computes the status of every translation. Caller frees with i18n_report_free(). */
struct tr_report *i18n_report(const struct site *s);
void i18n_report_free(struct tr_report *r);
/* An entry of a language by kind and id, or NULL. */
const struct tr_entry *i18n_entry(const struct tr_report *r, size_t lang, enum tr_kind kind, const char *id);

/* The commands; each returns the process exit status. langs/pages may be empty (all). */
int i18n_status(const struct site *s, char **langs, size_t n, bool json, bool strict);
int i18n_done(const struct site *s, const char *lang, char **pages, size_t n);
int i18n_export(const struct site *s, const char *lang, const char *out);
int i18n_import(const struct site *s, const char *po);

#endif
