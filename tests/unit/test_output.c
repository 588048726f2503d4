/* test_output.c — the output folder: the marker holds any file name, and a list that may
 * be wrong (vade 0.1's, a damaged one, none) removes nothing. */
#include "diag.h"
#include "output.h"
#include "tap.h"
#include "util.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64], out[96];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void clear(void)
{
	nftw(out, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A build that makes files[] = {path, bytes, path, bytes, ..., NULL}; the commit's result. */
static int build(const char *const *files)
{
	struct output *o = output_begin(out);
	if (!o)
		return -2;
	for (size_t i = 0; files[i]; i += 2)
		output_put(o, files[i], files[i + 1], strlen(files[i + 1]));
	int rc = output_commit(o);
	diag_reset();
	return rc;
}

static void put(const char *rel, const char *text)
{
	char *p = path_join(out, rel);
	file_write(p, text, strlen(text));
	free(p);
}

static bool has(const char *rel)
{
	char *p = path_join(out, rel);
	struct stat st;
	bool there = lstat(p, &st) == 0;
	free(p);
	return there;
}

static void marker_names(void)
{
	static const char *const odd[] = {
		"a\nrobots.txt", "x", "100%.txt", "x", "#hash", "x", "cr\r.txt", "x", "tab\t.txt", "x",
		"del\x7f.txt", "x", "caf\xc3\xa9.txt", "x", "%0A", "x", "keep.txt", "x", NULL};
	static const char *const plain[] = {"keep.txt", "x", NULL};
	clear();
	ok(build(odd) == 0, "names with a newline, %%, a leading #, CR, tab, DEL, UTF-8 build");
	/* The user's files that a split or unescaped name would have named. */
	put("robots.txt", "mine");
	put("a", "mine");
	put("cr", "mine");
	put("100%25.txt", "mine");
	put("0A", "mine");
	ok(build(plain) == 0, "the next build without them succeeds");
	ok(!has("a\nrobots.txt") && !has("100%.txt") && !has("#hash") && !has("cr\r.txt") && !has("tab\t.txt") &&
	   !has("del\x7f.txt") && !has("caf\xc3\xa9.txt") && !has("%0A"), "every odd name it no longer makes is removed");
	ok(has("robots.txt") && has("a") && has("cr") && has("100%25.txt") && has("0A") && has("keep.txt"),
	   "the user's files that look like pieces of them are not");
}

static void old_markers(void)
{
	static const char *const one[] = {"page.html", "new", NULL};
	/* vade 0.1's list: "a\nrobots.txt" written as two lines. */
	clear();
	mkdir(out, 0777);
	put(".vade-output", "# This folder is written by vade; each build brings it up to date.\n"
	                    "# The files vade made, removed by the next build that no longer makes them:\n"
	                    "a\nrobots.txt\npage.html\nold.html\n");
	put("robots.txt", "mine");
	put("a\nrobots.txt", "vade's");
	put("page.html", "old");
	put("old.html", "old");
	ok(build(one) == 0, "a folder with vade 0.1's marker builds");
	ok(has("robots.txt") && has("old.html"), "nothing its list names is removed (a name may have been split)");
	char *text = NULL;
	size_t len;
	char *p = path_join(out, "page.html");
	file_read(p, &text, &len);
	is_str(text, "new", "a file it lists is replaced");
	free(text);
	free(p);
	ok(build(one) == 0 && has("robots.txt"), "the next build, on the new marker, removes nothing it did not make");

	/* A marker in the current format that is damaged: nothing removed. */
	clear();
	mkdir(out, 0777);
	put(".vade-output", "# This folder is written by vade; each build brings it up to date.\n"
	                    "# The files vade made, removed by the next build that no longer makes them:\n"
	                    "# (format 2: one path a line; \"%\", control characters and a leading \"#\" written as %XX)\n"
	                    "robots.txt\nbad%zz\n");
	put("robots.txt", "mine");
	ok(build(one) == 0 && has("robots.txt"), "a damaged list: nothing it names is removed");

	/* A marker with no list (the first vade's, or unknown): nothing removed. */
	clear();
	mkdir(out, 0777);
	put(".vade-output", "made by vade\n");
	put("robots.txt", "mine");
	ok(build(one) == 0 && has("robots.txt"), "a marker with no list: nothing is removed");
}

int main(void)
{
	snprintf(root, sizeof root, "%s", "/tmp/vade-test-output.XXXXXX");
	if (!mkdtemp(root))
		return 1;
	snprintf(out, sizeof out, "%s/out", root);
	marker_names();
	old_markers();
	clear();
	rmdir(root);
	return tap_done();
}
