/* output.h — the output folder changes only when a whole build succeeded,
 * and then only where it must.
 *
 * During a build every output goes through output_put(): a file identical to
 * the one already in OUT_DIR is left alone; a new or changed one is staged in
 * a temporary folder beside OUT_DIR. output_commit() then moves the staged
 * files in and removes the files the previous build made (listed in its
 * ".vade-output" marker) that this one no longer makes, all or nothing;
 * output_abort() drops the staging folder and OUT_DIR stays exactly as it was.
 * A rebuild that changes one page rewrites one file.
 *
 * vade touches only folders it made (they hold a ".vade-output" marker) or
 * empty ones, so a mistyped -o cannot delete a user's files; inside, it never
 * removes or replaces a file or folder it did not make: one in the way of an
 * output is an error. One build at a time writes into an OUT_DIR (a lock file
 * beside it; the next one waits). Folders and files get the modes the umask
 * gives (0777 and 0666 less the umask).
 */
#ifndef VADE_OUTPUT_H
#define VADE_OUTPUT_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct output;

/* A file a committed build put in OUT_DIR, and the version of it there (util.h's file_version),
 * taken when vade moved it in or found it as it would write it, not later: a change another hand
 * makes after that moment is then not taken for the build's by a record stamped with it (before,
 * the records stat()ed the files after the commit, and a file changed by hand in between was
 * never made again, helper-181). All zeros: not taken (output_keep(): the caller's record has it;
 * a file gone before it could be stamped). */
struct output_file {
	int64_t version[FILE_VERSION];
	bool lost;  /* changed by another hand while the commit moved it in: to be recorded as not there */
	char rel[];
};
/* The files a committed build put: v[0, n) sorted by rel, owned (output_files_free), the names
 * its marker lists; and the marker's own version, taken as theirs are (all zeros: not taken). */
struct output_files {
	struct output_file **v;
	size_t n;
	int64_t marker[FILE_VERSION];
};

/* Prepares out_dir; NULL after reporting when it cannot be used. Caller ends with commit or abort. */
struct output *output_begin(const char *out_dir);
/* The build produces rel (a path inside out_dir) with these bytes. Thread-safe. 0, or -1 after reporting. */
int output_put(struct output *o, const char *rel, const void *data, size_t len);
/* The build produces rel as the last build left it in out_dir (deps.h vouched for it: the file
 * is there, as that build wrote it): nothing is read or written. Thread-safe. */
void output_keep(struct output *o, const char *rel);
/* Whether rel names a path inside an output folder: relative, no "", "." or ".." part. */
bool output_path_inside(const char *rel);
/* rel[0, n) as a path inside an output folder: "." and empty parts dropped, ".." taking the part
 * before it away ("en//a/./b/../c" is "en/a/c", a '/' at the end kept when a name is before it).
 * NULL when it starts with '/' or climbs out of the folder. Caller frees. */
char *output_path_clean(const char *rel, size_t n);
/* Brings out_dir to exactly what was put, and frees o. 0, or -1 after reporting. On success the
 * files put, with their versions, go to *made when it is not NULL (caller frees; on failure it is
 * left empty). */
int output_commit(struct output *o, struct output_files *made);
/* The version taken of rel (output_file): all zeros, a version no file has, for one lost; NULL
 * when f has it not or took none. */
const int64_t *output_files_version(const struct output_files *f, const char *rel);
void output_files_free(struct output_files *f);
/* Whether a build may write into dir: it is not there yet, or it is a folder vade made (it holds
 * .vade-output) or an empty one; the rule output_begin() enforces, for a caller that must know
 * before building (vade serve, which would serve the folder). */
bool output_may_use(const char *dir);
/* Drops what was staged, leaves out_dir as it was, and frees o. */
void output_abort(struct output *o);
/* Files written (new or changed) so far. */
size_t output_changed(const struct output *o);
/* Files put so far, written or left as they were. */
size_t output_produced(const struct output *o);
/* Of those, the files output_keep() put: left as the last build wrote them, not rendered. */
size_t output_kept(const struct output *o);
/* The files the last build into out_dir made, as its marker lists them: sorted names
 * (owned by names, free each and vec_free). False when out_dir has no readable list. */
struct vec;
bool output_list(const char *out_dir, struct vec *names);
/* For the thread that takes SIGINT, SIGTERM and SIGHUP (not a signal handler): stops further
 * writes and removes the staging folder of the build under way, after a commit in progress
 * has ended. True when there was one. The caller then ends the process. */
bool output_interrupt(void);

#endif
