/* test_output.c — the output folder: all or nothing whichever step of a commit fails, the
 * marker for any file name, files and folders vade did not make never removed or replaced.
 *
 * rename() and link() are replaced here (the program's own definitions win over libc's for
 * output.o too), so a commit can be made to fail at its first, second, ... Nth rename, with
 * and without hard links; each time the output folder must be exactly as it was. */
#include "diag.h"
#include "output.h"
#include "tap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int renames, fail_at = -1;
static bool no_links;

int rename(const char *from, const char *to)
{
	if (renames++ == fail_at) {
		errno = EIO;
		return -1;
	}
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

int link(const char *from, const char *to)
{
	if (no_links) {
		errno = EPERM;
		return -1;
	}
	return linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

static char root[64], out[96];

/* Every entry under the root (the output folder and what is beside it): kind, path, bytes. */
static struct buf snap;
static void add_line(const char *s) /* newlines shown as \n, one entry a line */
{
	for (; *s; s++)
		if (*s == '\n')
			buf_adds(&snap, "\\n");
		else
			buf_addc(&snap, *s);
}

static int snap_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	buf_addf(&snap, "%c ", flag == FTW_D ? 'd' : S_ISREG(st->st_mode) ? 'f' : '?');
	add_line(path + strlen(root));
	if (S_ISREG(st->st_mode)) {
		char *text;
		size_t len;
		if (file_read(path, &text, &len) == 0) {
			buf_adds(&snap, " = ");
			add_line(text);
			free(text);
		}
	}
	buf_addc(&snap, '\n');
	return 0;
}

static char *snapshot(void)
{
	buf_reset(&snap);
	nftw(root, snap_one, 16, FTW_PHYS);
	/* nftw's order is the directory's: sort the lines */
	struct vec lines = VEC_INIT;
	for (char *l = snap.p, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		*nl = '\0';
		vec_push(&lines, l);
	}
	for (size_t i = 1; i < lines.n; i++)
		for (size_t j = i; j > 0 && strcmp(lines.v[j - 1], lines.v[j]) > 0; j--) {
			void *t = lines.v[j];
			lines.v[j] = lines.v[j - 1];
			lines.v[j - 1] = t;
		}
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < lines.n; i++)
		buf_addf(&b, "%s\n", (char *)lines.v[i]);
	vec_free(&lines);
	return buf_detach(&b, NULL);
}

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
	renames = 0;
	int rc = output_commit(o, NULL);
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

static const char *const first[] = {
	"a.txt", "1", "d/x.html", "1", "d/y.html", "1", "e/f/g.txt", "1", "gone.txt", "1", "t/file", "1",
	"u/w/v.txt", "1", NULL};
/* a.txt and d/y.html change, d/x.html stays, e/f/g.txt and gone.txt go, new/n.txt is new,
 * t/file (a file) becomes a folder, u/w (a folder) becomes a file. */
static const char *const second[] = {
	"a.txt", "2", "d/x.html", "1", "d/y.html", "2", "new/n.txt", "2", "t/file/z", "2", "u/w", "2", NULL};

static void all_or_nothing(bool links)
{
	no_links = !links;
	const char *how = links ? "with links" : "without links";
	clear();
	build(first);
	build(second);
	char *want = snapshot();
	clear();
	build(first);
	fail_at = 1000000;
	build(second);
	int n = renames;
	fail_at = -1;
	ok(n >= 8, "%s: the commit of the second build is %d renames", how, n);
	int bad = 0;
	for (int k = 0; k < n; k++) {
		clear();
		build(first);
		char *before = snapshot();
		fail_at = k;
		int rc = build(second);
		fail_at = -1;
		char *after = snapshot();
		if ((rc != -1 || strcmp(before, after)) && !bad++)
			printf("# rename %d failed: commit returned %d; before:\n%s# after:\n%s", k, rc, before, after);
		free(before);
		free(after);
	}
	ok(bad == 0, "%s: a commit failing at any of its %d renames leaves the folder as it was, nothing beside it", how,
	   n);
	clear();
	build(first);
	ok(build(second) == 0, "%s: the same commit without a failure succeeds", how);
	char *got = snapshot();
	is_str(got, want, links ? "the folder is the second build's (links)" : "the folder is the second build's");
	ok(strstr(got, "f /out/t/file/z = 2") && strstr(got, "f /out/u/w = 2") && !strstr(got, "gone.txt") &&
	   !strstr(got, "/out/e"), "%s: a file became a folder and a folder a file; what is gone is gone", how);
	free(got);
	free(want);
	no_links = false;
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

	/* A marker in the current format with a line that cannot be read (doubted): its readable lines
	 * are the names vade wrote, taken as in a whole list; the other is passed over, and a file no
	 * line names is left (helper-183: nothing removed at all made stale folders fail every build). */
	clear();
	mkdir(out, 0777);
	put(".vade-output", "# This folder is written by vade; each build brings it up to date.\n"
	                    "# The files vade made, removed by the next build that no longer makes them:\n"
	                    "# (format 2: one path a line; \"%\", control characters and a leading \"#\" written as %XX)\n"
	                    "bad%zz\nold.txt\n");
	put("bad%zz", "mine");
	put("old.txt", "an earlier build's");
	put("robots.txt", "mine");
	ok(build(one) == 0 && !has("old.txt") && has("bad%zz") && has("robots.txt"),
	   "a damaged list: a file a readable line names goes, none other");

	/* A list that names a file twice (a hand's edit): it is removed once (helper-179: the second
	 * removal failed, and so did every build after). */
	static const char *const two[] = {"page.html", "new", "old.html", "old", NULL};
	clear();
	ok(build(two) == 0, "a build that makes old.html");
	char *mk = path_join(out, ".vade-output"), *list = NULL;
	size_t mlen;
	file_read(mk, &list, &mlen);
	char *twice = xasprintf("%sold.html\n", list);
	put(".vade-output", twice);
	ok(build(one) == 0 && !has("old.html") && has("page.html"), "a list naming a file twice: it is removed, once");
	free(twice);
	free(list);
	free(mk);

	/* A marker with no list (the first vade's, or unknown): nothing removed. */
	clear();
	mkdir(out, 0777);
	put(".vade-output", "made by vade\n");
	put("robots.txt", "mine");
	ok(build(one) == 0 && has("robots.txt"), "a marker with no list: nothing is removed");
}

static void in_the_way(void)
{
	static const char *const base[] = {"en/index.html", "home", NULL};
	static const char *const more[] = {"en/index.html", "home", "en/new/index.html", "new", NULL};
	static const char *const res[] = {"en/index.html", "home", "notes", "resource", NULL};
	static const char *const one[] = {"page.html", "new", NULL};
	clear();
	build(base);
	put("en/new", "mine");
	char *before = snapshot();
	ok(build(more) == -1, "a user's file where vade wants a folder: an error");
	char *after = snapshot();
	is_str(after, before, "and the folder is as it was");
	free(before);
	free(after);

	clear();
	build(base);
	put("en/new/index.html", "mine");
	ok(build(more) == -1 && has("en/new/index.html"), "a user's file at an output's path: an error, the file kept");

	clear();
	build(base);
	put("en/new/notes.txt", "mine");
	ok(build(more) == 0 && has("en/new/notes.txt") && has("en/new/index.html"),
	   "a user's folder on the way to an output: vade writes beside the user's file");

	clear();
	build(base);
	put("notes/mine.txt", "mine");
	before = snapshot();
	ok(build(res) == -1, "a user's folder where vade wants a file: an error");
	after = snapshot();
	is_str(after, before, "and the folder is as it was");
	free(before);
	free(after);

	/* A marker with no list (the first vade's, or unknown): a file at an output's path is in the way. */
	clear();
	mkdir(out, 0777);
	put(".vade-output", "made by vade\n");
	put("page.html", "mine");
	ok(build(one) == -1, "a folder whose marker lists no files: a different file at an output's path is an error");
	char *text = NULL, *p = path_join(out, "page.html");
	size_t len;
	file_read(p, &text, &len);
	is_str(text, "mine", "and it is left as it was");
	free(text);
	free(p);
}

/* output_path_clean(): a path as what it names inside the output folder, or NULL when it leaves it. */
static void clean_paths(void)
{
	static const char *const cases[][2] = {
		{"assets/style.css", "assets/style.css"}, {"en/a:b/", "en/a:b/"}, {"en//a:b/", "en/a:b/"},
		{"en///evil.example/x", "en/evil.example/x"}, {"./en/./a", "en/a"}, {"en/a/b/../c", "en/a/c"},
		{"en/a/..", "en/"}, {"en/../", ""}, {"", ""}, {"en/../../x", NULL}, {"..", NULL},
		{"en/../../../etc/passwd", NULL}, {"/etc/passwd", NULL}, {"a/../..", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = output_path_clean(cases[i][0], strlen(cases[i][0]));
		if (cases[i][1])
			is_str(got ? got : "(NULL)", cases[i][1], "output_path_clean");
		else
			ok(got == NULL, "output_path_clean(\"%s\") leaves the folder: NULL", cases[i][0]);
		free(got);
	}
}

int main(void)
{
	clean_paths();
	snprintf(root, sizeof root, "%s", "/tmp/vade-test-output.XXXXXX");
	if (!mkdtemp(root))
		return 1;
	snprintf(out, sizeof out, "%s/out", root);
	marker_names();
	old_markers();
	all_or_nothing(true);
	all_or_nothing(false);
	in_the_way();
	clear();
	rmdir(root);
	buf_free(&snap);
	return tap_done();
}
