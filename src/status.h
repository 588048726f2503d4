/* status.h — whether each translation is current: the report render shows
 * (notices, the dashboard) and `vade i18n status` prints, and the store it is
 * computed from.
 *
 * A translation is current when every passage of its original (passage.h) is
 * one it was marked current against. What it was marked against is kept as
 * digests in content/i18n/<lang>.status.yaml, keyed by page key, UI key and
 * data path (so renaming unrelated files changes nothing); the theme keeps
 * its own record for its UI strings in themes/<name>/i18n/<lang>.status.yaml,
 * under the site's. `vade i18n done` and `vade i18n import` write the store;
 * nothing else does.
 */
#ifndef VADE_STATUS_H
#define VADE_STATUS_H

#include "site.h"

#include <stdbool.h>
#include <stddef.h>
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

/* {======= the report */

/* The status of every translation of the site; reads each original page once.
 * Caller frees with status_report_free(). */
struct tr_report *status_report_new(const struct site *s);
void status_report_free(struct tr_report *r);
/* The entry of a translation language by kind and id, or NULL (also for the
 * default language). Borrowed from r. */
const struct tr_entry *status_entry(const struct tr_report *r, size_t lang, enum tr_kind kind, const char *id);

/* }======= */

/* {======= the store: one language's record */

struct status_store;

/* An empty record. Caller frees with status_store_free(). */
struct status_store *status_store_new(void);
/* The record of a translation language (lang > 0): the site's file over the
 * theme's for the theme's UI strings; missing files are empty records.
 * Caller frees with status_store_free(). */
struct status_store *status_store_load(const struct site *s, size_t lang);
void status_store_free(struct status_store *st);
/* Whether the record of key holds digest d. */
bool status_store_has(const struct status_store *st, enum tr_kind kind, const char *key, uint64_t d);
/* Makes the record of key exactly d[0..n) (n may be 0: a page without passages). */
void status_store_set(struct status_store *st, enum tr_kind kind, const char *key, const uint64_t *d, size_t n);
/* Adds digest d to the record of key, making the record when there is none. */
void status_store_add(struct status_store *st, enum tr_kind kind, const char *key, uint64_t d);
/* Writes the record to content/i18n/<lang>.status.yaml when it differs from
 * the file (saying "vade: updated ..." and counting it in *changed, which may
 * be NULL). Returns -1 when any error has been reported through diag, else 0. */
int status_store_save(const struct site *s, size_t lang, struct status_store *st, size_t *changed);
/* "content/i18n/<lang>.status.yaml". Caller frees. */
char *status_store_path(const struct site *s, size_t lang);

/* }======= */

#endif
