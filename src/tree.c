/* tree.c — reading files under a root folder by the rule of tree.h. */
#include "tree.h"
#include "diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The generation of the real path each thread knew last (real_of). */
static atomic_uint generation;
static _Thread_local struct {
	unsigned gen;
	bool valid;
	char dir[PATH_MAX], real[PATH_MAX];
} last;

bool tree_open(struct tree *t, const char *dir, const char *shown)
{
	atomic_fetch_add(&generation, 1);
	char *real = realpath(dir, NULL);
	if (!real)
		return false;
	t->dir = xstrdup(dir);
	t->real = real;
	t->shown = xstrdup(shown);
	return true;
}

void tree_renew(void)
{
	atomic_fetch_add(&generation, 1);
}

void tree_close(struct tree *t)
{
	free(t->dir);
	free(t->real);
	free(t->shown);
	memset(t, 0, sizeof *t);
}

static bool within(const struct tree *t, const char *real)
{
	size_t n = strlen(t->real);
	return !strncmp(real, t->real, n) && (real[n] == '\0' || real[n] == '/' || !strcmp(t->real, "/"));
}

/* The first name on the way from the root to real (within it) that tree_list() leaves out: a dot
 * file or folder (".env", ".git") or an editor's backup ("x~"); NULL when none. A link to one would
 * publish what vade never reads as it stands (helper-115: content/env.txt -> ../.env). */
static const char *hidden_on_way(const struct tree *t, const char *real)
{
	const char *p = real + strlen(t->real);
	for (p += *p == '/'; *p; p += *p == '/') {
		size_t n = strcspn(p, "/");
		if (p[0] == '.' || p[n - 1] == '~')
			return p;
		p += n;
	}
	return NULL;
}

/* Says that folder shown (as messages name it) cannot be read: said once
 * however many lookups in it fail, as diag.c says a repeated message once. */
static void folder_unreadable(const char *shown, int err)
{
	diag_error(shown, 0, 0, "cannot read folder: %s", strerror(err));
}

static const char *kind_name(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) || S_ISBLK(m) ? "a device" : S_ISSOCK(m) ? "a socket" : "not a file";
}

/* The real path of full (NULL with errno as realpath() sets it) and the stat of what it leads to.
 * The kernel names what an O_PATH descriptor holds (/proc/self/fd/N) after one walk of the path,
 * where realpath() reads every component as a link; realpath() answers when /proc cannot (not
 * mounted, or a path the kernel does not give from the root). */
static char *real_path(const char *full, struct stat *st)
{
	int fd = open(full, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char proc[40], buf[PATH_MAX];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, buf, sizeof buf - 1);
	bool ok = fstat(fd, st) == 0;
	close(fd);
	if (ok && n > 0 && (size_t)n < sizeof buf - 1 && buf[0] == '/') {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	char *r = realpath(full, NULL);
	if (r && stat(r, st) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

/* The folder whose real path each thread found last, for the build under way: every file is
 * checked each time it is read (walk, load, translation status, render), and finding the real
 * path of each from the root was most of a large site's load (issue 13). A name that is no link
 * (lst, its lstat) is its folder's real path and its name. The folder is found again by each
 * build (tree_open starts a new generation: vade serve's next build sees a folder replaced by a
 * link since), as within one build a check and the read after it were never one step. */

static char *real_of(const char *full, const struct stat *lst, struct stat *st)
{
	const char *slash = strrchr(full, '/');
	const char *base = slash ? slash + 1 : full;
	size_t dl = slash ? (size_t)(slash - full) : 0;
	if (S_ISLNK(lst->st_mode) || !slash || !dl || dl >= sizeof last.dir || !*base || !strcmp(base, ".") ||
	    !strcmp(base, ".."))
		return real_path(full, st);
	unsigned gen = atomic_load(&generation);
	if (!last.valid || last.gen != gen || strncmp(last.dir, full, dl) || last.dir[dl]) {
		char *dir = xstrndup(full, dl);
		struct stat dst;
		char *r = real_path(dir, &dst);
		free(dir);
		if (!r || !S_ISDIR(dst.st_mode) || strlen(r) >= sizeof last.real) {
			free(r);
			return real_path(full, st);
		}
		memcpy(last.dir, full, dl);
		last.dir[dl] = '\0';
		strcpy(last.real, r);
		free(r);
		last.gen = gen;
		last.valid = true;
	}
	*st = *lst;
	return !strcmp(last.real, "/") ? xasprintf("/%s", base) : xasprintf("%s/%s", last.real, base);
}

/* The kind of file full (shown as shown) under the rule; out_st, if not NULL, receives the stat of
 * what it leads to (a file or folder). */
static enum tree_kind kind_of(const struct tree *t, const char *full, const char *shown, char **real,
                              struct stat *out_st)
{
	enum tree_kind k = TREE_NONE;
	struct stat st;
	char *r = NULL;
	if (real)
		*real = NULL;
	if (lstat(full, &st) != 0) {
		/* Not to be seen: its folder cannot be searched (no x permission). The
		 * name may not even be there, so the folder is what is reported, once
		 * however many names are looked up in it, as tree_list() says it. */
		if (errno != ENOENT && errno != ENOTDIR) {
			const char *slash = strrchr(shown, '/');
			char *folder = slash ? xstrndup(shown, (size_t)(slash - shown)) : xstrdup(".");
			folder_unreadable(folder, errno);
			free(folder);
			k = TREE_REFUSED;
		}
		goto done;
	}
	bool link = S_ISLNK(st.st_mode);
	struct stat lst = st;
	r = real_of(full, &lst, &st);
	if (!r) {
		if (!link && errno != ENOENT) {
			diag_error(shown, 0, 0, "cannot read: %s", strerror(errno));
			k = TREE_REFUSED;
		} else if (link) {
			diag_error(shown, 0, 0, "symbolic link leads to no file (%s); not read", strerror(errno));
			k = TREE_REFUSED;
		}
		goto done;
	}
	if (!within(t, r)) {
		diag_error(shown, 0, 0, "symbolic link leads outside the %s folder; not read",
		           t->shown[0] ? "theme" : "site");
		k = TREE_REFUSED;
		goto done;
	}
	const char *hidden = link ? hidden_on_way(t, r) : NULL;
	if (hidden) {
		diag_error(shown, 0, 0, "symbolic link leads to '%.*s', which vade does not read (a name starting with '.' "
		           "or ending with '~'); not read", (int)strcspn(hidden, "/"), hidden);
		k = TREE_REFUSED;
		goto done;
	}
	if (S_ISREG(st.st_mode))
		k = TREE_FILE;
	else if (S_ISDIR(st.st_mode))
		k = TREE_DIR;
	else
		diag_error(shown, 0, 0, "not a regular file (%s); not read", kind_name(st.st_mode)), k = TREE_REFUSED;
done:
	if (out_st && (k == TREE_FILE || k == TREE_DIR))
		*out_st = st;
	if (real && (k == TREE_FILE || k == TREE_DIR)) {
		*real = r;
		r = NULL;
	}
	free(r);
	return k;
}

enum tree_kind tree_kind(const struct tree *t, const char *rel, char **real)
{
	return tree_kind_stat(t, rel, real, NULL);
}

enum tree_kind tree_kind_stat(const struct tree *t, const char *rel, char **real, struct stat *st)
{
	char *full = path_join(t->dir, rel), *shown = xasprintf("%s%s", t->shown, rel);
	enum tree_kind k = kind_of(t, full, shown, real, st);
	free(full);
	free(shown);
	return k;
}

enum tree_kind tree_walk_kind(const struct tree *t, const char *rel, const struct vec *chain, char **real,
                              struct stat *st)
{
	enum tree_kind k = tree_kind_stat(t, rel, real, st);
	for (size_t c = 0; k == TREE_DIR && c < chain->n; c++)
		if (!strcmp(chain->v[c], *real)) {
			char *shown = xasprintf("%s%s", t->shown, rel);
			diag_error(shown, 0, 0, "symbolic link loop: leads back to a folder that contains it; not read");
			free(shown);
			free(*real);
			*real = NULL;
			return TREE_REFUSED;
		}
	return k;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool tree_name_unlisted(const char *name)
{
	return name[0] == '.' || (name[0] && name[strlen(name) - 1] == '~') || tree_name_tooling(name);
}

/* Whether name ends with tail, in any case. */
static bool ends_ci(const char *name, size_t n, const char *tail)
{
	size_t t = strlen(tail);
	return n >= t && !strcasecmp(name + n - t, tail);
}

bool tree_name_tooling(const char *name)
{
	size_t n = strlen(name);
	/* the names tools give their own files, as they give them (helper-174 tried each) */
	static const char *const exact[] = {
		".git", ".hg", ".svn", ".bzr",                    /* repositories */
		".DS_Store", "__MACOSX", ".vscode", ".idea",      /* macOS's folder data, its archives' folder, editors' settings */
		".stversions", ".dropbox.cache",                  /* Syncthing's old versions, Dropbox's cache */
		"4913",                                           /* vim's test of a folder before it writes there */
	};
	for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
		if (!strcmp(name, exact[i]))
			return true;
	if (!strcasecmp(name, "Thumbs.db") || !strcasecmp(name, "desktop.ini")) /* Windows Explorer's */
		return true;
	if (n && name[n - 1] == '~') /* a backup (Emacs, vim); vim's undo file ".x.un~" */
		return true;
	if (n > 1 && name[0] == '#' && name[n - 1] == '#') /* Emacs's auto-save */
		return true;
	if (!strncmp(name, "~$", 2) || !strncmp(name, ".~lock.", 7)) /* Microsoft Office's and LibreOffice's locks */
		return true;
	if (ends_ci(name, n, "___jb_tmp___") || ends_ci(name, n, "___jb_old___")) /* JetBrains' safe write */
		return true;
	if (name[0] != '.')
		return false;
	return (n > 5 && !strncmp(name + n - 4, ".sw", 3)) ||                /* vim's swap: .x.swp, .swo, ... */
	       !strncmp(name, ".#", 2) ||                                     /* Emacs's lock (a link to nowhere) */
	       !strncmp(name, "._", 2) ||                                     /* macOS's AppleDouble files */
	       ends_ci(name, n, ".kate-swp") ||                               /* Kate's swap */
	       !strncmp(name, ".goutputstream-", 15) ||                        /* gedit's temporary file */
	       !strncmp(name, ".syncthing.", 11);                              /* Syncthing's temporary file */
}

size_t tree_list(const struct tree *t, const char *rel, char ***names)
{
	char *full = path_join(t->dir, rel);
	DIR *d = opendir(full);
	int err = d ? 0 : errno;
	free(full);
	struct vec v = VEC_INIT;
	struct dirent *e;
	errno = 0;
	while (d && (e = readdir(d))) {
		if (!tree_name_unlisted(e->d_name))
			vec_push(&v, xstrdup(e->d_name));
		errno = 0;
	}
	if (d && errno)
		err = errno;
	/* A folder that is there but cannot be listed (no read permission, an I/O
	 * error) is an error like an unreadable file: its pages must not vanish
	 * from the site without a word. Not there at all is no error here. */
	if (err && err != ENOENT && err != ENOTDIR) {
		char *shown = xasprintf("%s%s", t->shown, rel);
		folder_unreadable(shown, err);
		free(shown);
	}
	if (d)
		closedir(d);
	xqsort(v.v, v.n, sizeof *v.v, cmp_name);
	*names = (char **)v.v;
	return v.n;
}

static int read_path(const struct tree *t, const char *full, const char *shown, char **out, size_t *len,
                     struct stat *out_st);

int tree_read_path(const struct tree *t, const char *full, const char *shown, char **out, size_t *len)
{
	return read_path(t, full, shown, out, len, NULL);
}

static int read_path(const struct tree *t, const char *full, const char *shown, char **out, size_t *len,
                     struct stat *out_st)
{
	char *real = NULL;
	int rc = -1;
	enum tree_kind k = kind_of(t, full, shown, &real, NULL);
	if (k == TREE_DIR)
		diag_error(shown, 0, 0, "not a regular file (a folder)");
	else if (k == TREE_NONE)
		diag_error(shown, 0, 0, "cannot read file: %s", strerror(ENOENT));
	if (k != TREE_FILE)
		goto done;
	/* Opened without waiting (a FIFO put in place since the check must not
	 * hang) and checked again on the open file. */
	int fd = open(real, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_error(shown, 0, 0, "cannot read file: %s", fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		goto done;
	}
	if (out_st)
		*out_st = st;
	if (!out) { /* only whether it can be read */
		close(fd);
		rc = 0;
		goto done;
	}
	struct buf b = BUF_INIT;
	buf_grow(&b, (size_t)st.st_size + 1);
	for (;;) {
		buf_grow(&b, 4096);
		ssize_t n = read(fd, b.p + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -1 : 0;
			break;
		}
		b.len += (size_t)n;
		b.p[b.len] = '\0';
	}
	close(fd);
	if (rc != 0) {
		diag_error(shown, 0, 0, "cannot read file: %s", strerror(errno));
		buf_free(&b);
		goto done;
	}
	*out = buf_detach(&b, len);
done:
	free(real);
	return rc;
}

int tree_read(const struct tree *t, const char *rel, char **out, size_t *len)
{
	return tree_read_stat(t, rel, out, len, NULL);
}

int tree_read_stat(const struct tree *t, const char *rel, char **out, size_t *len, struct stat *st)
{
	char *full = path_join(t->dir, rel), *shown = xasprintf("%s%s", t->shown, rel);
	int rc = read_path(t, full, shown, out, len, st);
	free(full);
	free(shown);
	return rc;
}
