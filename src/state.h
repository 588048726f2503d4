/* state.h — a build that would change nothing is not run: the digest of every
 * input of the last successful build into an output folder, and a stamp of the
 * files it left there.
 *
 * `vade build` digests its inputs before it reads anything (state_inputs): the
 * bytes and names of every file under the site's content/, templates/ and
 * themes/, of the theme folders beside vade and in its data directory, of the
 * theme folder the last build used (wherever site.yaml's `theme` led), and of
 * vade itself, with the output folder's path. After a build without errors
 * it digests them again and, when nothing changed while it ran,
 * records the digest and the output folder's stamp (every file its list names,
 * by size, times, inode and device). When the next build's digest and the folder's
 * stamp are the ones recorded, that build would write the same bytes into the
 * same files: it stops there.
 *
 * Conservative by design: a symbolic link among the inputs, an unreadable file,
 * a missing or damaged record, warnings in the last build, an input changed
 * during the last build, or any change to any file of the output folder's list
 * means the build runs (rendering only what deps.h's record says changed).
 * A build found up to date says the warnings the last one gave again, as the
 * record keeps them. Every name counts, dot files and backup files included
 * (a template may include them). Left: a file changed during a build and
 * changed back before it ends is not seen.
 *
 * The record is "<parent>/.<name>.vade-state" beside the output folder, like
 * its lock file, so the folder itself holds only what is published; its last
 * line is the XXH3-64 of the rest, so a record cut short or edited by hand is
 * no record (and its warnings are not said as they stand). Contents
 * are hashed with XXH3-128 (xxHash, Debian's libxxhash): a digest compares
 * content, not times, so an edit within a file system's time resolution is
 * seen. A file whose device, inode, size, modification and change times
 * are what the last digest found is not read again, its sum taken from then
 * (a build's second digest, `vade serve`'s next rebuild, and the next build:
 * the sums are kept in "<parent>/.<name>.vade-known" too); a file whose times
 * were within seconds of that digest is read again (git's "racily clean"
 * rule), so the same holds; a sum is kept only when the file read is the
 * version the walk found (a folder renamed between them). Left, as git's
 * index leaves it: a write through a memory mapping may keep a file's times.
 * state_inputs() is not re-entrant: one digest at a time (it takes a lock). */
#ifndef VADE_STATE_H
#define VADE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct state_digest {
	uint64_t lo, hi;
};

/* What a build into an output folder recorded. */
struct diag_kept;
struct state_rec {
	char *theme;               /* the theme folder it used (real path), or NULL */
	bool has_inputs;           /* false: the record only names the theme (see state_record) */
	struct state_digest inputs, stamp;
	size_t pages, nlangs;
	struct diag_kept *said;    /* the warnings it gave, each once (diag_said), to say again */
	size_t nsaid;
};

/* Reads out_dir's record; false when there is none (or it is damaged). Free with state_rec_free. */
bool state_read(const char *out_dir, struct state_rec *r);
void state_rec_free(struct state_rec *r);

/* The digest of a site's inputs for a build into out_dir, the folder theme_dir (the theme a
 * build used; NULL when not known yet) included; false (no digest: build in full) when an
 * input is a symbolic link or cannot be read. With rest not NULL, also the digest of the
 * same inputs but the pages' texts (the .md files under content/) and the translations' records
 * (content/i18n/<lang>.status.yaml): what deps.h calls global. The files are read on up to
 * jobs threads (>= 1); the digest does not depend on how many. */
bool state_inputs(const char *site_dir, const char *out_dir, const char *theme_dir, int jobs, struct state_digest *d,
                  struct state_digest *rest);

/* Whether file name in folder dir is one of the inputs the digest of the rest leaves out (a page's
 * text or a translations' record) when content is the content folder's real path, as
 * state_inputs() names it (dir is a real path too). */
bool state_page_input(const char *content, const char *dir, const char *name);

/* Writes the sums of the files the last digest read to "<parent>/.<name>.vade-known" beside its
 * output folder, when they changed since that record was read or written; for the next build,
 * which then reads only the files changed since. Called once the output folder is accepted (it
 * writes beside it): never for a folder vade refuses, nor when the digest's walk failed (a
 * symbolic link, a file unreadable: what it read is not all the build read). Best effort: a
 * record not written only means the next build reads every file. */
void state_known_save(void);

/* theme_dir (a real path) when no digest covers it already (it is outside the site's themes/
 * and vade's theme folders: site.yaml's `theme` led elsewhere), else NULL. */
const char *state_theme_outside(const char *site_dir, const char *theme_dir);

/* True when r holds these inputs and out_dir's stamp is what r recorded. */
bool state_fresh(const char *out_dir, const struct state_rec *r, const struct state_digest *inputs);

/* Records, after a build that wrote out_dir, the theme folder it used, its inputs (NULL when
 * they cannot be vouched for: the next build then runs in full and records them), out_dir's
 * stamp and the warnings the build gave (said[0, nsaid), as diag_said() gives them: a build
 * found up to date says them again). Best effort: a record that cannot be written only means
 * a full build; warnings past STATE_SAID_MAX bytes are not recorded, and neither are the inputs. */
/* A stamp (file_version) the build already holds for out_dir's file rel, found on the disk after
 * vade last wrote the file, or NULL. One found earlier than the last change to the file only makes
 * the next build look again (its stamp of the folder differs), never takes a change for none. */
typedef const int64_t *(*state_known_stamp)(void *ctx, const char *rel);
/* state_record() stat()s each file of out_dir but those known(known_ctx, name) has a stamp for
 * (known may be NULL): 35,000 stat() calls were a tenth of a one-page rebuild at 10,000 pages,
 * and the build found most of the files so moments before (deps_unchanged; issue 13). The files
 * are those the build's commit listed (made, output.h), with the marker's version it took, not a
 * reading of the list then, which took a list changed by hand after the commit for the build's
 * (helper-183); NULL made: the list is read. */
struct output_files;
void state_record(const char *out_dir, const struct state_digest *inputs, const char *theme_dir, size_t pages,
                  size_t nlangs, const struct diag_kept *said, size_t nsaid, state_known_stamp known,
                  void *known_ctx, const struct output_files *made);

#endif
