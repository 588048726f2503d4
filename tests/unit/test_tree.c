/* Unit tests: tree.h's rule seen through the real-path shortcut of tree.c (real_of): a folder
 * replaced by a symbolic link that leaves the root is refused by the next tree (vade serve's
 * next build), as realpath() of every file refused it. */
#include "tap.h"
#include "tree.h"
#include "util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/vade-test-tree-XXXXXX";

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char *site = xasprintf("%s/site", dir), *sec = xasprintf("%s/site/sec", dir), *out = xasprintf("%s/out", dir);
	char *page = xasprintf("%s/site/sec/p.md", dir), *outp = xasprintf("%s/out/p.md", dir);
	ok(mkdir_p(sec) == 0 && mkdir_p(out) == 0 && file_write(page, "a", 1) == 0 && file_write(outp, "b", 1) == 0,
	   "a site and a folder outside it");

	struct tree t;
	ok(tree_open(&t, site, ""), "tree opened");
	char *real = NULL;
	ok(tree_kind(&t, "sec/p.md", &real) == TREE_FILE, "a file in a folder of the tree");
	char *want = xasprintf("%s/sec/p.md", t.real);
	is_str(real, want, "its real path is its folder's and its name");
	free(real);
	ok(tree_kind(&t, "sec/none.md", NULL) == TREE_NONE, "a name not there");
	ok(tree_kind(&t, "sec/..", NULL) == TREE_DIR, "'..' is the folder above, inside the root");
	ok(tree_kind(&t, "..", NULL) == TREE_REFUSED, "'..' of the root is outside it");
	tree_close(&t);

	/* The folder becomes a link to a folder outside the site. */
	char *moved = xasprintf("%s/sec-old", dir);
	ok(rename(sec, moved) == 0 && symlink(out, sec) == 0, "the folder replaced by a link out of the site");
	ok(tree_open(&t, site, ""), "a new tree (the next build)");
	ok(tree_kind(&t, "sec/p.md", NULL) == TREE_REFUSED, "a file through the link is refused");
	char *text = NULL;
	size_t len;
	ok(tree_read(&t, "sec/p.md", &text, &len) != 0 && !text, "and not read");
	tree_close(&t);

	char *cmd = xasprintf("rm -rf '%s'", dir);
	ok(system(cmd) == 0, "cleaned up");
	free(cmd), free(moved), free(want), free(site), free(sec), free(out), free(page), free(outp);
	return tap_done();
}
