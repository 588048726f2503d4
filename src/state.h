/* state.h — a build that would change nothing is not run: the digest of every
 * input of the last successful build into an output folder, and a stamp of the
 * files it left there.
 *
 * `vade build` digests its inputs before it loads anything (state_inputs): the
 * bytes and names of every file vade may read under the site's content/,
 * templates/ and themes/, of the theme folders beside vade and in its data
 * directory, and of vade itself, with the output folder's path. After a build
 * without errors or warnings it records the digest and the output folder's stamp
 * (output_stamp: every file its list names, by size, times and inode). When the
 * next build's digest and the folder's stamp are the ones recorded, that build
 * would write the same bytes into the same files: it stops there.
 *
 * Conservative by design: a symbolic link among the inputs, an unreadable file,
 * a missing or damaged record, warnings in the last build or any change to any
 * file of the output folder's list means a full build. Names starting with '.'
 * or ending in '~' are left out, as vade's loader leaves them out (tree.c).
 *
 * The record is "<parent>/.<name>.vade-state" beside the output folder, like
 * its lock file, so the folder itself holds only what is published. Contents
 * are hashed with XXH3-128 (xxHash, Debian's libxxhash): a digest compares
 * content, not times, so an edit within a file system's time resolution is
 * seen. */
#ifndef VADE_STATE_H
#define VADE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct state_digest {
	uint64_t lo, hi;
};

/* The digest of a site's inputs for a build into out_dir; false (no digest: build in full)
 * when an input is a symbolic link or cannot be read. */
bool state_inputs(const char *site_dir, const char *out_dir, struct state_digest *d);

/* True when out_dir's record holds inputs and the folder's stamp is what it is now; then
 * *pages and *nlangs are the recorded build's counts. */
bool state_fresh(const char *out_dir, const struct state_digest *inputs, size_t *pages, size_t *nlangs);

/* Records inputs and out_dir's stamp after a build that wrote there (best effort: a record
 * that cannot be written only means the next build runs in full). */
void state_record(const char *out_dir, const struct state_digest *inputs, size_t pages, size_t nlangs);

/* Removes out_dir's record (after a build with warnings: the next one runs, and says them). */
void state_forget(const char *out_dir);

#endif
