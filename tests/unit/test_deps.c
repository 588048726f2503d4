/* test_deps.c — what the record of a build (deps.h) stamps is what vade serve's check
 * (deps_verify) and the next build compare the output folder with:
 *   - a unit's file or a further file not there when the record is written (removed by hand in the
 *     last moment of a build) is recorded as not there, so the check finds it missing; leaving it
 *     out of the record hid it for good (helper-180);
 *   - a further file kept as the last record has it (deps_file_taken) keeps that stamp, so a
 *     change made to it during the build is found; stamping it anew took the change as the build's;
 *   - a file the build wrote or found as it would write it is recorded with the version its commit
 *     took (output.h's output_files), so a change made by hand between the commit and the record's
 *     writing is found; stat()ing the files when the record was written took it as the build's
 *     (helper-181). Whether the file was moved into a new folder, into one that was there, or
 *     compared and left: each version must also be the one there when nothing changed (a rename
 *     changes a file's ctime).
 * Each case fails on the code before its fix. */
#include "deps.h"
#include "output.h"
#include "tap.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], out[96];

static void put(const char *rel, const char *text)
{
	char *p = path_join(out, rel);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	free(p);
}

static void drop(const char *rel)
{
	char *p = path_join(out, rel);
	unlink(p);
	free(p);
}

/* Writes and installs the record of a build of two pages (one language) whose units wrote a.html
 * and b.html, and whose further files are files[0, n) (freed here), with the versions its commit
 * took (made; NULL: none). */
static bool record_made(const struct deps_record *prev, struct deps_file **files, size_t n,
                        const struct output_files *made)
{
	static const uint64_t global[2] = {1, 2};
	uint64_t now[3 * DEP_NGROUPS] = {0};
	struct deps_table *t = deps_table_new(2);
	char *a[] = {"a.html"}, *b[] = {"b.html"};
	struct deps_unit units[2] = {{.known = true, .outs = a, .nouts = 1}, {.known = true, .outs = b, .nouts = 1}};
	bool patch;
	char *tmp = deps_write(out, prev, global, 2, 1, now, t, units, files, n, made, &patch);
	if (tmp)
		deps_install(out, tmp, patch, true);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	deps_table_free(t);
	return tmp != NULL;
}

static bool record(const struct deps_record *prev, struct deps_file **files, size_t n)
{
	return record_made(prev, files, n, NULL);
}

/* The texts of b.html and s.js in three builds: the first into a new folder, the second into the
 * folder the first made with both changed (moved in), the third as the second (found as it would
 * write them). */
static const struct {
	const char *b, *s, *what;
} builds[3] = {{"<p>b</p>", "var s = 1;", "moved into a new folder"},
               {"<p>b, again</p>", "var s = 2;", "moved into the folder"},
               {"<p>b, again</p>", "var s = 2;", "found as the build would write it"}};

/* Commits build k (a.html, b.html, s.js) into out through output.h, recorded with the versions the
 * commit took; then rel is changed by hand (NULL: nothing). What serve's check says then (as
 * verify()), -2 when the build failed. */
static int verify(void);
static int build_then_change(size_t k, const char *rel)
{
	struct output *o = output_begin(out);
	struct output_files made = {0};
	if (!o)
		return -2;
	output_put(o, "a.html", "<p>a</p>", 8);
	output_put(o, "b.html", builds[k].b, strlen(builds[k].b));
	output_put(o, "s.js", builds[k].s, strlen(builds[k].s));
	if (output_commit(o, &made) != 0 || made.n != 3) {
		output_files_free(&made);
		return -2;
	}
	if (rel)
		put(rel, "changed by hand");
	struct deps_file *f[1] = {deps_file_new("s.js", 7)};
	int r = record_made(NULL, f, 1, &made) ? verify() : -2;
	output_files_free(&made);
	return r;
}

/* The folder as the builds before build k left it. */
static void before_build(size_t k)
{
	deps_forget(out);
	const char *names[] = {".vade-output", "a.html", "b.html", "s.js", "t.js"};
	for (size_t i = 0; i < 5; i++)
		drop(names[i]);
	rmdir(out);
	for (size_t j = 0; j < k; j++)
		build_then_change(j, NULL);
}

/* What serve's check says of the folder: 1 intact, 0 not, -1 no record. */
static int verify(void)
{
	struct deps_record *kept = NULL;
	uint64_t id;
	int r = deps_verify(out, &kept, &id);
	deps_record_free(kept);
	return r;
}

static void reset(void)
{
	deps_forget(out);
	put("a.html", "<p>a</p>");
	put("b.html", "<p>b</p>");
	put("s.js", "var s = 1;");
}

int main(void)
{
	snprintf(dir, sizeof dir, "%s", "/tmp/vade-test-deps.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(out, sizeof out, "%s/out", dir);
	mkdir(out, 0755);

	reset();
	struct deps_file *f[1] = {deps_file_new("s.js", 7)};
	ok(record(NULL, f, 1) && verify() == 1, "every file as recorded: intact");

	reset();
	drop("b.html");
	f[0] = deps_file_new("s.js", 7);
	ok(record(NULL, f, 1) && verify() == 0, "a unit's file gone when the record is written: the check finds it");
	put("b.html", "<p>b</p>");
	ok(verify() == 0, "and the same file put back (another version) is not taken as the build's");

	reset();
	drop("s.js");
	f[0] = deps_file_new("s.js", 7);
	ok(record(NULL, f, 1) && verify() == 0, "a further file gone when the record is written: the check finds it");

	reset();
	f[0] = deps_file_new("s.js", 7);
	record(NULL, f, 1);
	struct deps_record *prev = deps_read(out, NULL, 0, 0);
	ok(prev != NULL, "the record is read again");
	f[0] = deps_file_taken(prev, "s.js", 7);
	ok(record(prev, f, 1) && verify() == 1, "a further file kept as the record has it, unchanged: intact");
	deps_record_free(prev);

	prev = deps_read(out, NULL, 0, 0);
	put("s.js", "var s = 2; /* changed by hand while the build ran */");
	f[0] = deps_file_taken(prev, "s.js", 7);
	ok(record(prev, f, 1) && verify() == 0, "a kept file changed during the build: its old stamp, the check finds it");
	deps_record_free(prev);

	prev = deps_read(out, NULL, 0, 0);
	put("t.js", "var t;");
	f[0] = deps_file_taken(prev, "t.js", 9);
	ok(record(prev, f, 1) && verify() == 0, "a file taken that the record has not: recorded as not there");
	deps_record_free(prev);

	/* serve keeps the record it checked with (deps_verify's *kept): a record written whole since
	 * is read anew in its place (deps_reread freed the kept one, then read the global digest it
	 * was asked for from it: CI, stop 58, under ASan) */
	reset();
	f[0] = deps_file_new("s.js", 7);
	record(NULL, f, 1);
	struct deps_record *kept = NULL;
	uint64_t id, id2;
	int v1 = deps_verify(out, &kept, &id);
	put("b.html", "<p>b, again</p>");
	f[0] = deps_file_new("s.js", 7);
	record(NULL, f, 1);
	int v2 = deps_verify(out, &kept, &id2);
	ok(v1 == 1 && v2 == 1 && kept && id != id2, "the kept record, after one written whole since: the new one, intact");
	drop("b.html");
	ok(deps_verify(out, &kept, &id2) == 0 && kept, "and the kept one read again sees a file gone");
	deps_record_free(kept);

	/* Files the commit wrote or found, changed between it and the record (helper-181). */
	for (size_t k = 0; k < 3; k++) {
		before_build(k);
		ok(build_then_change(k, NULL) == 1, "files %s, unchanged: intact", builds[k].what);
		const char *rels[] = {"b.html", "s.js"};
		for (size_t i = 0; i < 2; i++) {
			before_build(k);
			ok(build_then_change(k, rels[i]) == 0, "%s (%s), changed by hand after the commit: the check finds it",
			   rels[i], builds[k].what);
		}
	}
	mkdir(out, 0755);

	reset();
	deps_forget(out);
	drop(".vade-output");
	drop("a.html");
	drop("b.html");
	drop("s.js");
	drop("t.js");
	rmdir(out);
	rmdir(dir);
	return tap_done();
}
