/* docfacts.h — what each page file's bytes said at the last build into an
 * output folder, so that the next one reads only the files changed since.
 *
 * A one-page edit at 10,000 pages × 3 languages read all 30,000 page files
 * again (200 MB) to find their front matter and where their bodies start: a
 * third of its time (issue 13). What the load takes from a file's bytes alone
 * is kept here: its front matter's text, where the body starts, the digests
 * of the whole text and of the front matter, and the first "# heading" when
 * the load looked for one. Everything the site's settings shape is worked out
 * again from them on every load (the front matter is parsed again, and says
 * again whatever it says), so a build with the record makes the same site as
 * one without.
 *
 * A file's facts are good while it is the same version (util.h,
 * file_version_id: device, inode, size and both times, none of them within
 * FILE_RACY seconds of the build that read it). The record is kept beside
 * the output folder as "<parent>/.<name>.vade-docs" (deps.h's deps_path): a
 * head, vade's own digest (another vade may read files otherwise), the
 * number of files, then for each, sorted by the digest of its path (as the
 * site names it, "content/a.md"): that digest (2 u64), its version, the text's
 * and front matter's digests, the body's offset, its first line and flags (2 ×
 * u32), then the front matter and the heading as bin_put_str() strings, and the
 * front matter's tree as yml_image() made it (a u64 length, 0 for none, and its
 * bytes, padded to 8); last the XXH3-64 of all before. The tree stands in for a
 * parse of the front matter: it is what that parse gave, and libyaml was a
 * sixth of a one-page rebuild at 10,000 pages (issue 13). A record of another vade, damaged or unsorted is
 * no record: every file is read.
 *
 * The files changed since the record was written whole are kept in a patch beside it
 * ("<parent>/.<name>.vade-docs-patch"), while they are at most PATCH_SLACK plus an eighth of the
 * site's, and half of them (docfacts.c), so a one-page edit does not write the whole record again: the same head
 * ("vade-docs+ 2"), vade's digest, the XXH3-64 the record ends with (a patch of another record is
 * none), the count and the entries as above, and its own XXH3-64. Its entry for a file is taken
 * before the record's.
 *
 * One record at a time per process: docfacts_open() before the load,
 * docfacts_close() after it (the load's threads only read it),
 * docfacts_save() once a build into the folder was accepted.
 */
#ifndef VADE_DOCFACTS_H
#define VADE_DOCFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct site;

/* What a page file's bytes (after text_normalize()) said; borrowed from the record. */
struct doc_facts {
	const char *fm;         /* the front matter's text (between the "---" lines), or NULL for none */
	size_t fm_len;
	size_t body_off;        /* the body's offset in the text */
	int body_line;          /* its first line */
	uint64_t text_hash, fm_hash; /* as struct doc's */
	bool h1_sought;         /* the load looked for the first "# heading" ... */
	const char *h1;         /* ... and this is it, or NULL when there was none (or not sought) */
	const void *fm_image;   /* the front matter's tree (yml_image), or NULL: parse fm */
	size_t fm_image_len;
};

/* Reads out_dir's record (none: every file is read); since is the build's start (time()). */
void docfacts_open(const char *out_dir, time_t since);
/* Whether the load is to make an image of each front matter it parses (doc_load), for
 * docfacts_save() to keep: when a record was read. A first build into a folder makes none, as
 * making them was 2 % of its time and would be kept for its whole length (the trees are given
 * back before the render: site_drop_front_matter), so the second build parses every front
 * matter, and the ones after it only those of the files changed. */
bool docfacts_keeps_trees(void);
/* The version id (file_version_id) of a page file whose stat is st, against the open record's
 * build start; 0 when no record is open or the file is too recent to be kept. */
struct stat;
uint64_t docfacts_id(const struct stat *st);
/* The facts of page file src ("content/a.md") when the record has them for version id (not 0). */
bool docfacts_get(const char *src, uint64_t id, struct doc_facts *f);
/* How many page files the open record, or the last one, answered for (vade build --stats). */
size_t docfacts_hits(void);
/* Forgets the record read (the load is over). */
void docfacts_close(void);
/* Writes the facts of every page file of s that has a version id (struct doc's file_id) as
 * out_dir's record; best effort: a record that cannot be written is removed. */
void docfacts_save(const char *out_dir, const struct site *s);

#endif
