/* status.h — whether each translation is current, passage by passage: the
 * report render shows (notices, the dashboard) and `vade i18n status` prints,
 * and the record it is computed from.
 *
 * The record (content/i18n/<lang>.status.yaml; the theme keeps one for its
 * own UI strings in themes/<name>/i18n/<lang>.status.yaml, under the site's)
 * holds, for each page, the sequence of the original's passages (passage.h)
 * its translation was last brought in line with: each passage's name, digest,
 * state (current, fuzzy, untranslated) and text. A translation file holds its
 * body passages in that order, so its k-th body passage answers the record's
 * k-th. UI strings and data fields have one record each, keyed by UI key and
 * data path (so renaming unrelated files changes nothing). `vade i18n done`,
 * `import` and `add` write the record; nothing else does.
 *
 * The status of a page aligns the original as it is now with its record
 * (align.h): each passage of the original is current, fuzzy (translated, to
 * be reviewed), untranslated, changed, added or moved since, and each
 * recorded passage gone from the original is deleted. A passage's name
 * ("title", "summary", or a number for a body passage) stays with it through
 * those changes: it is the last part of its id in exchange files (unit.h).
 */
#ifndef VADE_STATUS_H
#define VADE_STATUS_H

#include "passage.h"
#include "site.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tr_kind { TR_PAGES, TR_UI, TR_DATA, TR_KINDS };

/* {======= the record */

enum rec_state { REC_CURRENT, REC_FUZZY, REC_UNTRANSLATED };

/* One passage of the original as the translation was last brought in line with it. */
struct rec {
	char *name;             /* "title", "summary", a number; NULL in a record written before names */
	uint64_t digest;
	enum rec_state state;
	char *source;           /* its text then, white space folded; NULL when not kept */
};

struct status_store;

/* An empty record (for a language just added). Caller frees with status_store_free(). */
struct status_store *status_store_new(void);
/* The record of a translation language (lang > 0): the site's file over the
 * theme's for the theme's UI strings; missing files are empty records.
 * Caller frees with status_store_free(). */
struct status_store *status_store_load(const struct site *s, size_t lang);
void status_store_free(struct status_store *st);
/* The record of key (n passages; 1 for a UI string or data field), or NULL
 * when there is none. Borrowed until the next change to st. */
const struct rec *status_store_get(const struct status_store *st, enum tr_kind kind, const char *key, size_t *n);
/* Makes the record of key a copy of v[0..n) (n may be 0: a page without passages). */
void status_store_put(struct status_store *st, enum tr_kind kind, const char *key, const struct rec *v, size_t n);
/* Writes the record to content/i18n/<lang>.status.yaml when it differs from
 * the file (saying "vade: updated ..." and counting it in *changed, which may
 * be NULL). Returns -1 when any error has been reported through diag, else 0. */
int status_store_save(const struct site *s, size_t lang, struct status_store *st, size_t *changed);
/* The record as the YAML text of content/i18n/<lang>.status.yaml, as
 * status_store_save() writes it (*len its length; caller frees). */
char *status_store_text(const struct site *s, size_t lang, const struct status_store *st, size_t *len);
/* "content/i18n/<lang>.status.yaml". Caller frees. */
char *status_store_path(const struct site *s, size_t lang);

/* }======= */

/* {======= a page's passages, aligned */

/* What became of a passage since the translation was brought in line with
 * its original. The first three come from the record, the others from the
 * alignment. */
enum tr_change { TC_CURRENT, TC_FUZZY, TC_UNTRANSLATED, TC_CHANGED, TC_ADDED, TC_MOVED, TC_DELETED, TC_CHANGES };

extern const char *const tr_change_names[TC_CHANGES]; /* "current", "fuzzy", ... as in status --json */

struct tr_passage {
	size_t orig;            /* its index in the original's passage set; SIZE_MAX when deleted */
	size_t rec;             /* its record's index; SIZE_MAX when added or never recorded */
	size_t tr;              /* the translation's passage answering it; SIZE_MAX when none */
	enum tr_change change;
	char *name;             /* "title", "summary", a number */
};

/* The original's passages (then the deleted ones) of a page in reading
 * order, paired with the record and the translation. */
struct page_align {
	struct tr_passage *v;
	size_t n;
	bool shape;             /* false: the translation has neither the record's nor the original's
	                         * number of body passages, so none of its body passages could be
	                         * paired (their states are the record's all the same) */
	bool guessed;           /* the translation has both, and the original lost and gained passages
	                         * since the record: which it answers is a guess (every passage fuzzy) */
};

/* Aligns orig (the original now) with rec[0..nrec) (the record; NULL when
 * none) and tr (the translation; NULL or empty when none). Without a record,
 * a translation with as many body passages as the original answers it
 * passage by passage, each fuzzy (never reviewed). Free with page_align_free(). */
void page_align(const struct passage_set *orig, const struct rec *rec, size_t nrec, const struct passage_set *tr,
                struct page_align *out);
void page_align_free(struct page_align *a);

/* }======= */

/* {======= the report */

/* Passages of a page that is behind listed to templates (page.changed, the dashboard's
 * changed); the rest are counted (changed_more). An outdated page of a large site can
 * have hundreds: listing them all made the dashboard of the 1,000-page bench corpus
 * 11 MB, and page.changed of every page in every worker's model was most of a large
 * build's memory (so is the report itself: status_report_new() keeps only
 * these); a translator finds every passage in the PO or XLIFF file. */
#define CHANGED_SHOWN 10

enum tr_state { TR_CURRENT, TR_OUTDATED, TR_MISSING };

/* A passage that is not current: its id as exchange files write it (unit.h),
 * what became of it, a label for people ("Overview, paragraph 2: “…”"). */
struct tr_item {               /* 24 bytes: a build holds some 100,000 of them at 10,000 pages */
	char *id;
	char *label;
	uint32_t words;         /* at most UINT32_MAX (more are counted as that) */
	unsigned char change;   /* enum tr_change */
	bool borrowed;          /* id and label are the same passage's item in an earlier language's
	                         * entry (one copy for all languages): not freed with this one */
};

struct tr_entry {
	char *id;               /* page key ("topics/thb", "" for home), UI key, or data path "dos/prevent-early/text" */
	char *src;              /* the file of the original */
	char *tr;               /* the translation's file, NULL when none (pages only) */
	enum tr_state state;
	struct tr_item *items;  /* its passages that are not current, in reading order: the first
	                         * nlisted of them (status_report_new's listed) */
	size_t nitems, nlisted; /* how many are not current; how many of them items holds */
	size_t untranslated;    /* how many of the nitems nobody has translated yet (TC_UNTRANSLATED): the rest
	                         * are behind for a change of the original */
	size_t passages[3], words[3]; /* the original's passages and words by state (TR_CURRENT...) */
	const char *note;       /* why the whole is behind when no passage says it ("never marked..."), or NULL */
	int *foreign;           /* pages: the translation's file lines (sorted) of its headings, paragraphs and cells
	                         * that nobody has translated yet (they hold the original's text) */
	int *foreign_end;       /* the last line of each */
	int *foreign_col;       /* 0, or for a table cell (the cells of a row share its line) the column
	                         * it starts at, as cmark-gfm gives it (1-based, in bytes) */
	size_t nforeign;
	/* Pages with a translation: which of its headings answers each heading
	 * of the original (page_align), by file line, so an anchor of the
	 * original maps to the translation's by passage identity. */
	int *head_orig;         /* the file line of each heading of the original, in order */
	int *head_tr;           /* the file line of the translation's heading answering it; 0 when none */
	size_t nheads;
	bool recorded;          /* the record has the page (else the pairing is by position only) */
	bool title_foreign;     /* pages: the translation's title (its `title:`, or the first heading that is
	                         * its title) holds the original's text: nobody has translated it yet */
	bool summary_foreign;   /* pages: so does its `summary:` */
};

struct tr_lang {
	struct tr_entry *e[TR_KINDS];   /* in the order of the site (pages by key, strings as written) */
	size_t n[TR_KINDS];
	size_t count[TR_KINDS][3]; /* by kind and state */
	struct tr_entry **by_id[TR_KINDS]; /* the same, sorted by id, for lookups */
};

struct tr_report {
	size_t nlangs;          /* as in the site; langs[0], the default, is empty */
	size_t listed;          /* the most passages an entry lists (status_report_new) */
	struct tr_lang *langs;
};

/* The status of every translation of the site; reads each original page once,
 * pages on up to jobs threads (< 1: one). Each entry lists at most `listed` of
 * its passages that are not current (SIZE_MAX: all, as `vade i18n status` shows
 * them; a build shows CHANGED_SHOWN) and counts the rest: listing all of them
 * for a site of 10,000 pages never marked as translated held some 100 MB
 * (issue 13). Caller frees with status_report_free(). */
struct status_cache;
struct tr_report *status_report_new(const struct site *s, int jobs, size_t listed, struct status_cache *c);

/* Page statuses kept between builds (a file beside the output folder, deps.h): a page whose
 * original and translations are byte for byte what they were, with the same records, has the
 * entries it had, without its files being read and cut into passages again. status_report_new()
 * takes from c the entries it has and gives c every page's for the next file. */
/* The cache in the file at path, with its patch ("<path>-patch": the pages changed since the file was
 * written whole, status.c); an empty one when there is none, it is damaged or another vade wrote
 * it (a damaged patch is none). Never NULL. */
struct status_cache *status_cache_read(const char *path);
/* Writes the entries the last report gave: only those the file read lacks, as its patch, while they
 * are few (best effort: a file that cannot be written is removed). */
void status_cache_write(const struct status_cache *c, const char *path, size_t nlangs);
void status_cache_free(struct status_cache *c);
/* Makes r again for a site patched since r was made of it (site.h: site_patch, under vade serve):
 * the entries of the pages flagged in changed ([npages]) are made anew, their files read and cut
 * again, and the counts with them; the rest, a function of files and records the patch kept, stay.
 * Only when no translations' record, UI string or data file changed: else status_report_new(). */
void status_report_patch(struct tr_report *r, const struct site *s, const bool *changed);
void status_report_free(struct tr_report *r);
/* The entry of a translation language by kind and id, or NULL (also for the
 * default language). Borrowed from r. */
const struct tr_entry *status_entry(const struct tr_report *r, size_t lang, enum tr_kind kind, const char *id);
/* The state of one passage for the report: TR_CURRENT, TR_OUTDATED or TR_MISSING. */
enum tr_state tr_change_state(enum tr_change c);
/* Whether e is a translation never marked as translated (no record: vade i18n done was never run
 * on it): nothing says what it answers, so its readers are not told that the original changed. */
bool tr_entry_never(const struct tr_entry *e);
/* Whether readers of e's translation (translated: the page has a file in its language) are told
 * its original changed since (a page view's `outdated`, model.c): a passage behind, not only the
 * shape in question, not only passages nobody translated yet, and something recorded (not
 * tr_entry_never). The digest of a page's status (deps.c) hashes this very value. */
bool tr_entry_outdated(const struct tr_entry *e, bool translated);
/* Whether file line `line` of e's translation lies in a passage nobody has translated yet. */
bool tr_entry_foreign(const struct tr_entry *e, int line);
/* The id of a page passage in exchange files: "page:<key>:<name>". Caller frees. */
char *tr_page_unit_id(const char *key, const char *name);

/* }======= */

#endif
