/* tree.h — which files under a folder vade may read, and reading them.
 *
 * The rule (vade(5), FILES): vade reads only regular files and lists only
 * folders, and follows a symbolic link only when the file or folder it
 * finally leads to is inside the tree's root folder (the site folder for
 * content/ and templates/, the theme's folder for its templates and assets).
 * Devices, FIFOs and sockets are never opened for reading (a FIFO would hang
 * the build, /dev/zero would fill memory), a link that leaves the root is
 * never followed (content/env.txt -> /proc/self/environ would publish the
 * build's environment), nor one to a dot file or folder or an editor's backup
 * inside it, which a listing leaves out (content/env.txt -> ../.env), and a folder reached again through links while it
 * is being walked is a loop. Each refusal is an error at the path as the
 * user sees it.
 *
 * A struct tree is read-only once made; any thread may use it.
 */
#ifndef VADE_TREE_H
#define VADE_TREE_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>

struct tree {
	char *dir;              /* the root as given, for joining paths */
	char *real;             /* its real path (no links, no "..") */
	char *shown;            /* how messages name the root: "" for the site, "themes/default/" for a
	                         * theme (messages then say "the theme folder" instead of "the site folder") */
};

/* Makes a tree for folder dir (which must exist); false, with errno, when it cannot be resolved. */
bool tree_open(struct tree *t, const char *dir, const char *shown);
void tree_close(struct tree *t);
/* Starts a new build with the trees already open (vade serve's site kept between rebuilds,
 * site_patch): each folder's real path is found again, as tree_open() has it. */
void tree_renew(void);

enum tree_kind {
	TREE_NONE,              /* nothing there */
	TREE_REFUSED,           /* there, but the rule refuses it (reported) */
	TREE_FILE,
	TREE_DIR
};

/* The kind of rel (a path under the root) as the rule sees it. real, if not
 * NULL, receives the real path of a file or folder (caller frees). */
enum tree_kind tree_kind(const struct tree *t, const char *rel, char **real);
/* The same; st, if not NULL, receives the stat of what rel leads to when it is a file or folder
 * (its version, util.h's file_version). */
struct stat;
enum tree_kind tree_kind_stat(const struct tree *t, const char *rel, char **real, struct stat *st);

/* The kind of entry rel of a walk, as tree_kind(), where chain holds the real
 * paths of the folders being walked (outermost first): a folder among them
 * is a loop, reported at rel and TREE_REFUSED. A folder's real path goes in
 * *real (caller frees): push it on chain while walking into it. st, if not
 * NULL, receives its stat as tree_kind_stat() gives it. */
enum tree_kind tree_walk_kind(const struct tree *t, const char *rel, const struct vec *chain, char **real,
                              struct stat *st);

/* The names in folder rel that vade may read, sorted byte-wise (caller frees
 * each and the array); dot files and editor backups ("~") left out. The
 * entries' kinds are checked by the caller with tree_kind(). A folder that
 * is there but cannot be listed (no permission, an I/O error) is reported at
 * rel ("cannot read folder") and lists as empty; no folder there is not an
 * error (content/data is optional). */
size_t tree_list(const struct tree *t, const char *rel, char ***names);
/* Whether tree_list() leaves name out: a dot file or folder, an editor's backup ("x~"), or a
 * tool's own file (tree_name_tooling). */
bool tree_name_unlisted(const char *name);
/* Whether name is one a tool gives its own files, which no build reads even by name (a template may
 * include a dot file): editors' swap, lock, backup, auto-save and temporary files (vim's ".x.swp",
 * "x~", ".x.un~" and "4913", Emacs's ".#x" and "#x#", Kate's, gedit's, JetBrains'), office suites'
 * locks ("~$x", ".~lock.x#"), the files and folders of macOS, Windows Explorer, Syncthing, Dropbox
 * and editors' settings, and repositories (".git", ".hg", ".svn", ".bzr"). */
bool tree_name_tooling(const char *name);

/* Reads regular file rel under the rule. 0 and *out (NUL-terminated, caller
 * frees), or -1 after reporting the error at rel. With out NULL the file is
 * only opened, to check that it can be read (vade check). */
int tree_read(const struct tree *t, const char *rel, char **out, size_t *len);
/* The same; st, if not NULL, receives the stat of the file as opened: the version that was read. */
int tree_read_stat(const struct tree *t, const char *rel, char **out, size_t *len, struct stat *st);

/* The same for a file named by its full path (any path that leads into the
 * root, links included), shown in messages as shown. */
int tree_read_path(const struct tree *t, const char *full, const char *shown, char **out, size_t *len);

#endif
