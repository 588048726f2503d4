/* deps.h — a rebuild renders only what its inputs' changes reach.
 *
 * A unit is one page in one language: its HTML page, the further pages of
 * its listing and its print outputs (card, sheet, handbook), rendered
 * together by render.c. While a unit renders, what its templates and its
 * text read of the resolved site is noted as dependencies, each a (slot,
 * group) pair (a slot is page index * nlangs + language):
 *
 *   DEP_OWN     the page's own files in the language: the text it shows and
 *               its original (bytes of both), and its translation status in
 *               full (which passages are foreign, how headings pair up) —
 *               what its body and its anchors are made of;
 *   DEP_META    what a page view gives besides the rest: title, summary,
 *               layout, source, updated, weight, params (front matter),
 *               translations, text_lang, path, url, outputs, parent, position;
 *   DEP_STATUS  outdated, changed, changed_more;
 *   DEP_KIDS    children, sections, page.pager: its children in order, and
 *               in every language whether it is written and its listing's
 *               page count.
 *
 * Everything else a render may read — site.yaml, data, UI strings, the
 * bibliography, templates, themes, resources, vade itself, and the site's
 * shape (which pages exist in which language, their paths, the layouts
 * page_with_layout() finds) — is one digest, the global one: when it
 * changes, every unit renders. The digest of each (slot, group) and each
 * unit's notes are kept in a record beside the output folder
 * ("<parent>/.<name>.vade-deps", like the state record, state.h); the next
 * build renders a unit again when a group it noted has another digest, or
 * its page is new, or a file it wrote is not as that build left it (size,
 * times, inode); the other units' files stay, and what the build needs of
 * them (the ids links may name, the links to anchors it checks again, the
 * sources it cites, the terms the search index is made of) comes from the
 * record; what a search result shows of them (search.h: p/<g>.js) from the
 * files the last build wrote, whose stamps the record keeps too.
 *
 * The warnings a unit's render reported are kept with it and said again by
 * a build that takes it from the record, so a site with warnings rebuilds
 * as incrementally as one without (a build with warnings only never stops
 * early as state.h's does: it runs, and says them).
 *
 * Conservative: a missing, damaged or foreign record, or a global change,
 * means every unit renders. What a cached partial (template.h) read is kept
 * with its output as a shared set, noted by every unit that uses it, so the
 * record holds each section navigation's notes once.
 *
 * Threads: deps_note() and friends touch only the worker's tracker;
 * deps_set_end() takes the table's lock. */
#ifndef VADE_DEPS_H
#define VADE_DEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h" /* FILE_VERSION */

struct site;
struct resolved;
struct buf;
struct search_terms;
struct diag_kept;

enum dep_group { DEP_OWN, DEP_META, DEP_STATUS, DEP_KIDS, DEP_NGROUPS };

/* A note: slot * DEP_NGROUPS + group. */
typedef uint32_t dep_id;

/* {======= digests */

/* The digest of every (slot, group) of a resolved site: [(npages * nlangs + 1) * DEP_NGROUPS]
 * (malloc'd), the last slot the site's (deps_note_texts), and of the site's shape (structure:
 * which pages, in which languages, where). */
uint64_t *deps_digests(const struct site *s, const struct resolved *r, uint64_t *shape);
/* The same, made of was (what deps_digests() made of a site of the same shape, as vade serve's
 * site patched since: site_patch) and made again only for the pages flagged in changed
 * ([npages]) and the site's texts: each page's digests are made of its own files, its translation
 * status (a function of its files and its language's record, which did not change) and what the
 * patch keeps as it was. The shape is was's. */
uint64_t *deps_digests_of(const struct site *s, const struct resolved *r, const uint64_t *was, const bool *changed);

/* }======= */

/* {======= what a unit read */

/* A set of notes shared by units (a cached partial's), numbered in the build's table. */
struct deps_table;
struct deps_table *deps_table_new(size_t nslots);
void deps_table_free(struct deps_table *t);

/* One worker's notes for the unit under way, without repeats; and those of the cached
 * partial being rendered inside it (deps_set_begin .. deps_set_end). */
struct deps_tracker;
struct deps_tracker *deps_tracker_new(struct deps_table *t);
void deps_tracker_free(struct deps_tracker *k);
/* Starts a unit. */
void deps_unit_begin(struct deps_tracker *k);
void deps_note(struct deps_tracker *k, size_t slot, enum dep_group g);
/* The unit reads which data texts a language shows in the default language's words, or where a
 * data text comes from (resolve_value_lang, resolve_text_origin): the site's texts, one digest
 * over every data file, UI string and page's front matter (they are not one page's). */
void deps_note_texts(struct deps_tracker *k);
/* A cached partial is being rendered: until deps_set_end, notes go to its set. */
void deps_set_begin(struct deps_tracker *k);
/* Ends the set: its number in the table (an equal set has one number), noted by the unit. */
uint32_t deps_set_end(struct deps_tracker *k);
/* The unit uses cached output whose set is `set`. */
void deps_use_set(struct deps_tracker *k, uint32_t set);

/* What a unit gave besides its files, kept for a build that does not render it. */
struct deps_check {                   /* a link to an anchor (render.c checks them all) */
	char *src;
	int line, col;
	uint32_t target;                  /* slot */
	char *frag;                       /* the fragment as the link writes it, which a browser reads (render.c) */
};
struct deps_unit {
	bool known;                       /* rendered, or taken from the record */
	bool borrowed;                    /* taken from the record: notes and strings are its, and its arrays
	                                   * one block headed by sets, never freed or grown one by one
	                                   * (deps_take, deps_unit_clear) */
	uint32_t nwritten;                /* site pages it wrote (the page and its listing's further pages) */
	dep_id *notes;                    /* its own notes */
	uint32_t nnotes;
	uint32_t *sets;                   /* the shared sets it uses (table numbers) */
	uint32_t nsets;
	char **outs;                      /* the files it wrote, relative to OUT_DIR, the page first */
	const int64_t **out_stamps;       /* taken from the record: each one's stamp (file_version) there,
	                                   * as deps_unchanged() found it on the disk; else NULL */
	uint32_t nouts;
	char **ids;                       /* its page's ids, sorted (struct anchors) */
	uint32_t nids;
	struct deps_check *checks;
	uint32_t nchecks;
	char **cites;                     /* the sources its texts cite (keys), for the check of uncited ones */
	uint32_t ncites;
	struct diag_kept *warns;          /* the warnings its render reported, said again when it is taken */
	uint32_t nwarns;
	bool indexed;                     /* terms hold its page's search terms (search.h) */
	struct search_terms *terms;       /* owned; from the record, borrowing its bytes */
	const char *raw;                  /* taken from the record: its bytes there (its flag first), which
	                                   * deps_write() copies as they are while the unit is as taken
	                                   * (same set numbers in the build's table, same terms); else NULL */
	size_t raw_len;
	const char *raw_terms;            /* the terms' text it was taken with (in the record), or NULL */
};
/* Moves the tracker's notes of the unit into u (whose other fields the caller fills). */
void deps_unit_end(struct deps_tracker *k, struct deps_unit *u);
/* Whether u (as deps_unit_end() left it) noted a group of `groups` (bits 1 << enum dep_group) of
 * any page's slot, itself or through a shared set it uses; the site's texts (deps_note_texts) are
 * not a page's. */
bool deps_unit_reads(struct deps_table *t, const struct deps_unit *u, unsigned groups);
void deps_unit_clear(struct deps_unit *u);

/* }======= */

/* {======= the record */

/* What the last build into an output folder left: its digests and units. */
struct deps_record;

/* Reads out_dir's record when it is for this global digest and this shape (npages, nlangs); NULL
 * when there is none, it is damaged, or it is for other inputs. NULL global: whatever inputs and
 * shape it is for. */
struct deps_record *deps_read(const char *out_dir, const uint64_t global[2], size_t npages, size_t nlangs);
/* The same, for vade serve, whose last build read rec (NULL: none) and kept it since: out_dir's
 * record as it is now, rec's mapping of the record written whole kept when it is the same file
 * (the build wrote a patch beside it, which alone is read), as mapping and walking 60 MB again was
 * a fifth of a one-page rebuild at 10,000 pages (issue 13). Takes rec (freed, or returned made anew). */
struct deps_record *deps_reread(struct deps_record *rec, const char *out_dir, const uint64_t global[2],
                                size_t npages, size_t nlangs);
void deps_record_free(struct deps_record *rec);
/* Compares the record's digests with now's (kept until the record is freed), once before deps_unchanged. */
void deps_compare(struct deps_record *rec, const uint64_t *now);
/* Numbers the record's sets in the build's table t (empty) in the order the record's units use
 * them, slot by slot, before any unit is taken or rendered: the numbers are then those of the
 * record that a build so numbered wrote, whatever order the workers take units in, and a unit
 * taken is written as the record has it (a patch, deps_write). */
void deps_number_sets(struct deps_record *rec, struct deps_table *t);
/* Whether unit `slot` may be left as the record has it: every group it noted (its own
 * and its sets') has the digest deps_compare() was given, and every file it wrote is in
 * the output folder (out_fd, an O_PATH descriptor) as the last build left it. Thread-safe. */
bool deps_unchanged(const struct deps_record *rec, size_t slot, int out_fd);
/* vade serve checks the output folder while it waits for changes (serve.h), so that a rebuild need
 * not stat() every file the record names: 35,000 at 10,000 pages, a third of a one-page rebuild
 * (issue 13). deps_verify() reads out_dir's record into *kept (the record serve keeps between builds,
 * deps_reread: read again, not anew, when it is there; NULL when there is none) and returns 1 when
 * every file it names is as it has it (its stamp), and *id names that record (deps_record_id, never
 * 0); 0 when one is not (a file changed, removed or made another by someone else, or the folder
 * itself gone: the next build renders its unit again); -1 when there is no record (*id 0 both times). A build whose record has the id a check found intact
 * vouches for it (deps_vouch): deps_unchanged() then takes its units' files as it has them, without
 * looking. A unit's file changed after the check is the next check's to find: the record the build
 * writes keeps the unit as it was, its old stamp with it. The further files (deps_file_intact,
 * deps_file_kept) are looked at still: the record stamps them anew as the build leaves them, so
 * one taken unseen would be taken as it is for good (helper-178). */
int deps_verify(const char *out_dir, struct deps_record **kept, uint64_t *id);
uint64_t deps_record_id(const struct deps_record *rec);
void deps_vouch(struct deps_record *rec);
/* Moves the record's unit `slot` into u, its sets renumbered as deps_number_sets() numbered them in
 * the build's table, which must have run first: the workers read those numbers alone, without a
 * lock (a lock a set took, 30,600 units at 10,000 pages, was contended at -j 2; issue 13).
 * Thread-safe for distinct slots. */
void deps_take(struct deps_record *rec, size_t slot, struct deps_unit *u);
/* A further file a build wrote or kept (a search file, search.h; a site-wide one): its name,
 * relative to the output folder, and a digest of what it holds, when its writer has one (a shard's, search.h),
 * else 0. One allocation (deps_file_new, deps_file_taken); the caller frees it. */
struct deps_file {
	uint64_t key;
	bool taken;                   /* kept as the last build's record has it: written with */
	int64_t was[FILE_VERSION];    /* the stamp it has there (deps_file_taken), not stamped anew */
	char name[];
};
/* A file this build wrote: deps_write() stamps it as it finds it (as not there when it is not). */
struct deps_file *deps_file_new(const char *name, uint64_t key);
/* A file this build kept as rec has it (deps_file_kept, deps_file_intact found it so), or meant to
 * keep and found changed: recorded with the stamp rec has (none when rec has it not), so a change
 * made to it at any time since the last build is the next build's, and serve's next check's, to
 * find. Stamping a kept file anew would take as the build's whatever was there when the record was
 * written (helper-178, helper-180). */
struct deps_file *deps_file_taken(const struct deps_record *rec, const char *name, uint64_t key);
/* Whether the record has file `name` (a search group's, search.h) and it is in the output folder
 * (out_fd) as the last build left it. */
bool deps_file_intact(const struct deps_record *rec, const char *name, int out_fd);
/* The key the record has for file `name` (0: none). */
uint64_t deps_file_key(const struct deps_record *rec, const char *name);
/* Whether the record has file `name` with this key (not 0), and it is in the output folder (out_fd)
 * as the last build left it; *size is then its size in bytes. */
bool deps_file_kept(const struct deps_record *rec, const char *name, uint64_t key, int out_fd, size_t *size);

/* The search terms the record has for unit slot (its bytes borrowed from the record): false when
 * the unit is not known or was not indexed. Thread-safe. */
bool deps_terms(const struct deps_record *rec, size_t slot, struct search_terms *out);
/* The names of the further files the record has (deps_write's names) that start with prefix, in
 * byte order; *names is the caller's to free, the names are the record's. */
size_t deps_files_under(const struct deps_record *rec, const char *prefix, const char ***names);

/* Writes the record of a build that wrote out_dir: the global digest, the digests of now,
 * the table's sets, the units and the further files (files[0, nfiles): the search and site-wide
 * files), their files stamped unless taken as the last record has them: with the version the
 * build's commit took (made, output.h: when it moved the file in or found it as it would write
 * it; NULL: none), else as they are in out_dir (stamp_made: a file not there is recorded as such,
 * and made again by the next build). prev is the
 * record the build read (NULL: none): when few units are not as its record written whole has them, only they are written, as its
 * patch (*patch set; deps.c says how few). The record is left in a new temporary file beside
 * its place, whose name is returned (caller frees, through deps_install()); NULL when it cannot
 * be written (nothing is left). prev's mappings are read: free it after. */
struct output_files;
char *deps_write(const char *out_dir, const struct deps_record *prev, const uint64_t global[2], size_t npages,
                 size_t nlangs, const uint64_t *now, const struct deps_table *t, const struct deps_unit *units,
                 struct deps_file *const *files, size_t nfiles, const struct output_files *made, bool *patch);
/* Puts the record (or patch) deps_write() left in tmp in its place when keep (a record written
 * whole removes the patch), else removes it and any record and patch out_dir had: either way the
 * next build renders what the record cannot vouch for. Frees tmp (may be NULL: a record that
 * could not be written). */
void deps_install(const char *out_dir, char *tmp, bool patch, bool keep);
/* Removes out_dir's record and its patch. */
void deps_forget(const char *out_dir);
/* "<parent>/.<name>.vade-<suffix>" beside out_dir (its real path, or what it will be when it is
 * not made yet: path_real_or_new), or NULL when that cannot be resolved: where the record ("deps"),
 * the status cache ("status", status.h) and the state record ("state", state.h) are kept. */
char *deps_path(const char *out_dir, const char *suffix);

/* }======= */

#endif
