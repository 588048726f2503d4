/* output.c — the lock, the marker, staging and comparison with the previous build (the commit is commit.c).
 *
 * Beside OUT_DIR (say dist/) a build uses:
 *   .dist.vade-lock   the lock: one build at a time into dist/ (flock); removed when the build ends
 *   dist.tmp-XXXXXX/  the staging folder (mkdtemp):
 *     .vade-staging   who made it (pid, host, OUT_DIR's name), so a later build can remove it
 *                     when that process is gone, and never a folder vade did not make
 *     out/            the new and changed files, laid out as in dist/
 *     old/            during the commit, the files it replaces or removes, to put back on failure
 * and inside dist/ the marker .vade-output, the list of the files the last build made.
 */
#include "output_int.h"
#include "diag.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* {============ The gate between the build and an interruption
 * output_put() writes under the read side; output_interrupt(), begin's making of the staging
 * folder, commit and abort take the write side, so a staging folder is never removed while a
 * file is being written into it or while a commit is moving files out of it. Writers first:
 * with -j 64 readers always overlap, and a Ctrl-C must not wait for the end of the build. */
pthread_rwlock_t output_gate;
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;
static struct output *active;  /* the build whose staging folder exists (one at a time per process) */
bool output_interrupted;       /* no more writes: the process is being stopped */

static void gate_init(void)
{
	pthread_rwlockattr_t a;
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&output_gate, &a);
	pthread_rwlockattr_destroy(&a);
}
/* }============ */

/* {============ The marker
 * The marker names every file a build made, so the next build removes exactly those it no
 * longer makes, without walking the folder, and never a file vade did not write.
 *
 * One name a line, percent-encoded (as in URLs): "%", bytes below 0x20, 0x7f and a "#" that
 * starts a name are written %XX, so any file name, one holding a newline too, is one line.
 * The file stays text a person can read and diff, and the first two lines are those of vade
 * 0.1's marker, so an older vade still takes it for a list. No format library is needed for a
 * list of names: this escaping is the whole format (no JSON parser, no NUL-separated binary). */
const char output_marker_head[] = "# This folder is written by vade; each build brings it up to date.\n"
                                  "# The files vade made, removed by the next build that no longer makes them:\n";
const char output_marker_v2[] = "# (format 2: one path a line; \"%\", control characters and a leading \"#\" written as %XX)\n";

void output_marker_name(struct buf *b, const char *name)
{
	if (*name == '#')
		buf_adds(b, "%23");
	buf_add_pct(b, name + (*name == '#'), strlen(name + (*name == '#')), "%", PCT_HIGH_RAW);
	buf_addc(b, '\n');
}

static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes one line in place; false for anything format 2 never writes (a raw control
 * character, a bad or NUL escape). */
static bool get_name(char *s)
{
	char *w = s;
	for (const char *r = s; *r; r++) {
		unsigned char c = (unsigned char)*r;
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == '%') {
			int h = hex(r[1]), l = h < 0 ? -1 : hex(r[2]);
			if (l < 0 || (h == 0 && l == 0))
				return false;
			c = (unsigned char)(h * 16 + l);
			r += 2;
		}
		*w++ = (char)c;
	}
	*w = '\0';
	return true;
}
/* }============ */


int output_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int output_cmp_file(const void *a, const void *b)
{
	return strcmp((*(struct output_file *const *)a)->rel, (*(struct output_file *const *)b)->rel);
}

int output_cmp_name_file(const void *name, const void *file)
{
	return strcmp(*(const char *const *)name, (*(struct output_file *const *)file)->rel);
}

static struct output_file *file_new(const char *rel)
{
	size_t n = strlen(rel) + 1;
	struct output_file *f = xcalloc(1, sizeof *f + n);
	memcpy(f->rel, rel, n);
	return f;
}

static void drop_previous(struct output *o)
{
	for (size_t i = 0; i < o->previous.n; i++)
		free(o->previous.v[i]);
	o->previous.n = 0;
}

/* Whether line[0, n) is the marker's line want (up to its newline). */
static bool is_line(const char *line, size_t n, const char *want)
{
	return n == strcspn(want, "\n") && !memcmp(line, want, n);
}

/* Reads the marker's list. A list in the current format not as vade writes it (a line it cannot
 * read: a hand's edit, a NUL, a cut last line; line ends rewritten to CRLF) is doubted: the lines
 * that can be read name files vade made, as in a list read whole, and the others are passed over
 * (PREV_DOUBTED; before, no name of it counted, and every build that rewrote a file failed until
 * someone mended the list by hand, helper-181). Its readable lines are the names vade wrote: a
 * changed line end or a cut leaves the others as they were; a third line changed but still
 * "# (format 2" is one of them (helper-184: it was taken for vade 0.1's list), another format's
 * names nothing (its names are not format 2's to decode, helper-185). vade 0.1's list stays
 * what it is, its names never removed; one with no name (cut after its head: every build makes
 * files), empty, or with a head not vade's names nothing (helper-183, helper-184). Said unless quiet
 * (output_list: the build's own reading says it, once). */
static void read_manifest(struct output *o, bool quiet)
{
	char *m = path_join(o->dir, MARKER), *text;
	size_t len;
	o->prev = PREV_UNLISTED;
	if (file_read_regular(m, &text, &len) != 0) {
		free(m);
		return;
	}
	enum previous kind = PREV_UNLISTED;
	int lineno = 0, doubt = 0; /* doubt: the first line not as vade writes it */
#define DOUBT() (doubt = doubt ? doubt : lineno)
	for (char *line = text, *end = text + len, *nl; line < end; line = nl + 1) {
		lineno++;
		nl = memchr(line, '\n', (size_t)(end - line));
		bool bad = !nl; /* every line ends with a newline: a cut file */
		nl = nl ? nl : end;
		*nl = '\0';     /* (file_read_regular leaves room for it at the end) */
		size_t n = (size_t)(nl - line);
		bad |= strlen(line) != n; /* a NUL */
		bool cr = n && line[n - 1] == '\r';
		if (cr)
			line[--n] = '\0'; /* line ends rewritten: the name is readable still */
		if (bad || cr)
			DOUBT();
		if (lineno <= 2) {
			const char *head = lineno == 1 ? output_marker_head : strchr(output_marker_head, '\n') + 1;
			if (!is_line(line, n, head)) {
				kind = PREV_UNLISTED;
				DOUBT();
				break;
			}
			kind = PREV_OLD_LIST;
		} else if (lineno == 3 && !strncmp(line, "# (format 2", 11)) {
			kind = PREV_LIST; /* (one changed by hand too: vade 0.1's list has no such line) */
			if (!is_line(line, n, output_marker_v2))
				DOUBT();
		} else if (lineno == 3 && !strncmp(line, "# (format", 9)) {
			kind = PREV_UNLISTED; /* another format (a later vade's): its names are not read as format 2's */
			DOUBT();
			break;
		} else if (kind == PREV_OLD_LIST) { /* vade 0.1's list: raw names, "#" lines comments */
			if (!bad && line[0] != '#' && output_path_inside(line))
				vec_push(&o->previous, xstrdup(line));
		} else if (bad || !get_name(line) || !output_path_inside(line)) {
			DOUBT();
		} else {
			vec_push(&o->previous, xstrdup(line));
		}
	}
	if (!o->previous.n) /* (every build makes files: a list cut after its head, or empty) */
		kind = PREV_UNLISTED;
	if (kind == PREV_UNLISTED) {
		drop_previous(o);
		lineno++; /* (the line missing, when no other is said) */
		DOUBT();
	} else if (kind == PREV_LIST && doubt) {
		kind = PREV_DOUBTED;
	}
#undef DOUBT
	o->prev = kind;
	if (doubt && !quiet)
		fprintf(stderr, "%s:%d: note: cannot read this list of the files vade made as vade writes it; %s\n", m, doubt,
		        kind == PREV_DOUBTED ? "the files its readable lines name are taken as vade's (a file named only on "
		                               "a line that cannot be read is left in place), and the build writes it anew"
		                             : "nothing is removed this time");
	/* (written sorted by output_commit(): sorted again only when another hand wrote it) */
	bool sorted = true;
	for (size_t i = 1; i < o->previous.n && sorted; i++)
		sorted = strcmp(o->previous.v[i - 1], o->previous.v[i]) <= 0;
	if (!sorted)
		xqsort(o->previous.v, o->previous.n, sizeof *o->previous.v, output_cmp_str);
	free(text);
	free(m);
}

static bool empty_dir(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return false;
	struct dirent *e;
	bool empty = true;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

static bool ours(const char *dir)
{
	char *m = path_join(dir, MARKER);
	bool ok = is_file(m);
	free(m);
	return ok;
}

bool output_may_use(const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) != 0)
		return errno == ENOENT;
	return S_ISDIR(st.st_mode) && (ours(dir) || empty_dir(dir));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Only ever called on a staging folder this process made, or one proven to be vade's (stale).
 * Its mark (STAGING_MARK) goes last: a build killed while removing it leaves a folder the next
 * build still knows as vade's and removes (nftw's order within a folder is readdir's, which
 * took the mark before old/ and left a folder no build would touch again). */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, STAGING_MARK))
			continue;
		char *p = path_join(path, e->d_name);
		nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(p);
	}
	if (d)
		closedir(d);
	char *m = path_join(path, STAGING_MARK);
	unlink(m);
	free(m);
	rmdir(path);
}

/* {============ The lock
 * One build at a time into one OUT_DIR: an flock on .<name>.vade-lock beside it. A second build
 * (or vade serve rebuilding) says so and waits. The holder removes the file before letting go,
 * so a waiter that then gets the lock on the removed file tries again on the new one. */
static char *parent_of(const char *dir, const char **base)
{
	const char *slash = strrchr(dir, '/');
	*base = slash ? slash + 1 : dir;
	return slash ? xstrndup(dir, slash == dir ? 1 : (size_t)(slash - dir)) : xstrdup(".");
}

static int lock_take(struct output *o)
{
	bool said = false;
	for (;;) {
		int fd = open(o->lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0) {
			diag_error(o->lockpath, 0, 0, "cannot make the lock file of %s: %s", o->dir, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			if (errno != EWOULDBLOCK) {
				diag_error(o->lockpath, 0, 0, "cannot lock: %s", strerror(errno));
				close(fd);
				return -1;
			}
			if (!said) {
				char pid[32] = "";
				ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
				pid[n > 0 ? n : 0] = '\0';
				pid[strcspn(pid, "\n")] = '\0';
				fprintf(stderr, "vade: waiting for another vade build into %s%s%s%s to finish...\n", o->dir,
				        *pid ? " (pid " : "", pid, *pid ? ")" : "");
				said = true;
			}
			while (flock(fd, LOCK_EX) != 0)
				if (errno != EINTR) {
					diag_error(o->lockpath, 0, 0, "cannot lock: %s", strerror(errno));
					close(fd);
					return -1;
				}
		}
		struct stat held, there;
		if (fstat(fd, &held) == 0 && stat(o->lockpath, &there) == 0 && held.st_ino == there.st_ino &&
		    held.st_dev == there.st_dev) {
			char pid[32];
			int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
			if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
				/* only the waiting message reads it */
			}
			o->lockfd = fd;
			return 0;
		}
		close(fd); /* removed by the build that held it: take the new one */
	}
}

static void lock_release(struct output *o)
{
	if (o->lockfd < 0)
		return;
	unlink(o->lockpath);
	close(o->lockfd);
	o->lockfd = -1;
}
/* }============ */

/* {============ Staging folders left by builds that were killed
 * A staging folder is removed by the build that made it, on success, failure, Ctrl-C or
 * SIGTERM; only SIGKILL or a power cut leaves one. The next build into the same OUT_DIR
 * removes those whose .vade-staging names a process of this host that is gone. A folder
 * without that file, of another user, or of a live process is left alone. */
static char *staging_mark(const char *base, long pid)
{
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	return xasprintf("vade staging folder\npid %ld\nhost %s\nout %s\n", pid, host, base);
}

static bool stale_staging(const char *path, const char *base)
{
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return false;
	char *m = path_join(path, STAGING_MARK), *text;
	size_t len;
	bool stale = false;
	if (lstat(m, &st) == 0 && S_ISREG(st.st_mode) && file_read(m, &text, &len) == 0) {
		const char *p = strstr(text, "\npid ");
		long pid = p ? strtol(p + 5, NULL, 10) : 0;
		char *want = staging_mark(base, pid);
		stale = pid > 0 && pid != (long)getpid() && !strcmp(text, want) && kill((pid_t)pid, 0) != 0 &&
		        errno == ESRCH;
		free(want);
		free(text);
	}
	free(m);
	return stale;
}

static void remove_stale_staging(const char *parent, const char *base)
{
	DIR *d = opendir(parent);
	if (!d)
		return;
	char *staging = xasprintf("%s.tmp-", base);
	struct dirent *e;
	struct vec gone = VEC_INIT;
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		if (!path_temp_name(n, staging))
			continue;
		char *p = path_join(parent, n);
		if (stale_staging(p, base))
			vec_push(&gone, p);
		else
			free(p);
	}
	closedir(d);
	free(staging);
	for (size_t i = 0; i < gone.n; i++) {
		remove_tree(gone.v[i]);
		fprintf(stderr, "vade: removed %s, the staging folder of a build that was stopped\n", (char *)gone.v[i]);
		free(gone.v[i]);
	}
	vec_free(&gone);
}
/* }============ */

static void output_free(struct output *o)
{
	lock_release(o);
	output_files_free(&(struct output_files){.v = (struct output_file **)o->produced.v, .n = o->produced.n});
	vec_free(&o->changed);
	drop_previous(o);
	vec_free(&o->previous);
	pthread_mutex_destroy(&o->lock);
	free(o->lockpath);
	free(o->stage);
	free(o->tmp);
	free(o->dir);
	free(o);
}

struct output *output_begin(const char *out_dir)
{
	pthread_once(&gate_once, gate_init);
	struct output *o = xcalloc(1, sizeof *o);
	o->lockfd = -1;
	o->dir = xstrdup(out_dir);
	size_t n = strlen(o->dir);
	while (n > 1 && o->dir[n - 1] == '/')
		o->dir[--n] = '\0';
	const char *base;
	char *parent = parent_of(o->dir, &base);
	struct stat lst;
	bool link = lstat(o->dir, &lst) == 0 && S_ISLNK(lst.st_mode);
	/* Name it, so the staging folder goes beside it; a link to it is the folder it
	 * leads to, so two builds through two names take one lock. */
	if (!strcmp(base, ".") || !strcmp(base, "..") || link) {
		char *real = realpath(o->dir, NULL);
		if (real) {
			free(o->dir);
			o->dir = real;
			free(parent);
			parent = parent_of(o->dir, &base);
		}
	}
	pthread_mutex_init(&o->lock, NULL);
	o->lockpath = xasprintf("%s/.%s.vade-lock", parent, base);
	if (mkdir_p(parent) != 0) {
		diag_error(parent, 0, 0, "cannot make the folder for %s: %s", o->dir, strerror(errno));
		goto fail;
	}
	if (lock_take(o) != 0)
		goto fail;
	/* Decided under the lock: another build may have just made the folder. */
	bool exists = is_dir(o->dir);
	char *marker = path_join(o->dir, MARKER);
	int marker_err = exists && access(marker, R_OK) != 0 && errno != ENOENT ? errno : 0;
	if (marker_err) /* the list is there but not to be read: not "a folder vade did not make" */
		diag_error(marker, 0, 0, "cannot read the list of the files vade made here: %s", strerror(marker_err));
	free(marker);
	if (marker_err)
		goto fail;
	struct stat ost;
	if (!exists && lstat(o->dir, &ost) == 0) { /* a file, or a symbolic link to nothing or to a file */
		diag_error(o->dir, 0, 0, "refusing to replace a %s with the site; choose another -o",
		           S_ISLNK(ost.st_mode) ? "symbolic link that leads to no folder" : "file that is not a folder");
		goto fail;
	}
	if (exists && !ours(o->dir) && !empty_dir(o->dir)) {
		diag_error(o->dir, 0, 0, "refusing to replace a folder vade did not make (it has no %s file); "
		                         "remove it or choose another -o", MARKER);
		goto fail;
	}
	o->existed = exists;
	remove_stale_staging(parent, base);

	pthread_rwlock_wrlock(&output_gate);
	o->tmp = xasprintf("%s/%s.tmp-XXXXXX", parent, base);
	int rc = -1;
	if (output_interrupted) {
		errno = EINTR;
	} else if (mkdtemp(o->tmp)) {
		/* The staging folder itself is 0700 (mkdtemp); out/ and all under it follow the umask,
		 * and out/ becomes OUT_DIR on a first build. */
		char *mark = path_join(o->tmp, STAGING_MARK), *text = staging_mark(base, (long)getpid());
		o->stage = path_join(o->tmp, "out");
		rc = file_write(mark, text, strlen(text));
		/* The mode a file vade writes gets here: 0666 less the umask, but on a file system that
		 * has modes of its own (a file share mounted with file_mode=0755, vfat) the mount's, which
		 * every output file there has too, as vade left it. */
		struct stat mst;
		o->file_mode = rc == 0 && stat(mark, &mst) == 0 ? mst.st_mode & 07777 : 0666;
		if (rc == 0)
			rc = mkdir(o->stage, 0777);
		if (rc == 0)
			active = o;
		else
			remove_tree(o->tmp);
		free(mark);
		free(text);
	}
	pthread_rwlock_unlock(&output_gate);
	if (rc != 0) {
		diag_error(o->dir, 0, 0, "cannot make a temporary folder beside it: %s", strerror(errno));
		goto fail;
	}
	free(parent);
	o->prev = PREV_NONE;
	if (exists && ours(o->dir))
		read_manifest(o, false);
	return o;
fail:
	free(parent);
	output_free(o);
	return NULL;
}

/* Whether the file at path is what writing data[0, len) there would leave: a regular file, not a
 * symbolic link to one (O_NOFOLLOW: a link put there by hand to a file of the same bytes was kept,
 * and refused by the next build that had other bytes for it, helper-170), of those bytes, with the
 * mode a file vade writes gets there (o->file_mode: a file made 0600 by hand was left so,
 * helper-170). When it is, version is the version compared, taken before its bytes are read: a
 * change made while they are read shows as another version. */
static bool same_as(const struct output *o, const char *path, const void *data, size_t len,
                    int64_t version[FILE_VERSION])
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == o->file_mode &&
	            st.st_size >= 0 && (size_t)st.st_size == len;
	char buf[65536];
	for (size_t at = 0; same && at < len;) {
		ssize_t n = read(fd, buf, len - at < sizeof buf ? len - at : sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		same = n > 0 && !memcmp(buf, (const char *)data + at, (size_t)n);
		at += n > 0 ? (size_t)n : 0;
	}
	close(fd);
	if (same)
		file_version(&st, version);
	return same;
}

bool output_path_inside(const char *rel)
{
	if (!*rel || rel[0] == '/')
		return false;
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if ((n == 2 && !strncmp(p, "..", 2)) || (n == 1 && p[0] == '.') || n == 0)
			return false;
		p += n + (p[n] == '/');
	}
	return true;
}

char *output_path_clean(const char *rel, size_t n)
{
	if (n && rel[0] == '/')
		return NULL;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n;) {
		size_t k = i;
		while (k < n && rel[k] != '/')
			k++;
		size_t len = k - i;
		if (len == 2 && !strncmp(rel + i, "..", 2)) {
			if (!b.len) { /* above the output folder */
				buf_free(&b);
				return NULL;
			}
			b.len--; /* its '/' */
			while (b.len && b.p[b.len - 1] != '/')
				b.len--;
		} else if (len && !(len == 1 && rel[i] == '.')) {
			buf_add(&b, rel + i, len);
			if (k < n)
				buf_addc(&b, '/');
		}
		i = k + (k < n);
	}
	if (b.cap)
		b.p[b.len] = '\0';
	return buf_detach(&b, NULL);
}

int output_put(struct output *o, const char *rel, const void *data, size_t len)
{
	/* Output paths come from content paths and language codes, all checked at load;
	 * this is the last line of defence for "never write outside the output folder". */
	if (!output_path_inside(rel)) {
		diag_error(rel, 0, 0, "an output path must stay inside the output folder");
		return -1;
	}
	struct output_file *f = file_new(rel);
	bool stage = true;
	if (o->existed) {
		char *cur = path_join(o->dir, rel);
		stage = !same_as(o, cur, data, len, f->version);
		free(cur);
	}
	int rc = 0;
	if (stage) {
		char *dst = path_join(o->stage, rel);
		pthread_rwlock_rdlock(&output_gate);
		if (output_interrupted)
			rc = -1; /* the staging folder is gone; the process is stopping */
		else if ((rc = file_write(dst, data, len)) != 0) /* named as it will be in the output folder */
			diag_error(rel, 0, 0, "cannot write into %s: %s", o->dir, strerror(errno));
		pthread_rwlock_unlock(&output_gate);
		free(dst);
	}
	pthread_mutex_lock(&o->lock);
	vec_push(&o->produced, f);
	if (stage)
		vec_push(&o->changed, f);
	pthread_mutex_unlock(&o->lock);
	return rc;
}

void output_keep(struct output *o, const char *rel)
{
	if (!output_path_inside(rel)) {
		diag_error(rel, 0, 0, "an output path must stay inside the output folder");
		return;
	}
	pthread_mutex_lock(&o->lock);
	vec_push(&o->produced, file_new(rel));
	o->kept++;
	pthread_mutex_unlock(&o->lock);
}

bool output_list(const char *out_dir, struct vec *names)
{
	struct output o = {.dir = (char *)out_dir};
	read_manifest(&o, true);
	if (o.prev != PREV_LIST) {
		drop_previous(&o);
		vec_free(&o.previous);
		return false;
	}
	*names = o.previous;
	return true;
}

const int64_t *output_files_version(const struct output_files *f, const char *rel)
{
	static const int64_t none[FILE_VERSION];
	struct output_file *const *at = f ? xbsearch(&rel, f->v, f->n, sizeof *f->v, output_cmp_name_file) : NULL;
	if (!at)
		return NULL;
	/* (an inode number is never 0: all zeros, a version not taken) */
	return (*at)->lost ? none : (*at)->version[FILE_VERSION_INODE] ? (*at)->version : NULL;
}

void output_files_free(struct output_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

size_t output_changed(const struct output *o)
{
	return o->changed.n;
}

size_t output_produced(const struct output *o)
{
	return o->produced.n;
}

size_t output_kept(const struct output *o)
{
	return o->kept;
}

/* Ends a build: the staging folder goes (unless keep), the lock is let go, o is freed. */
void output_finish(struct output *o, bool keep)
{
	pthread_rwlock_wrlock(&output_gate);
	if (active == o) {
		if (!keep)
			remove_tree(o->tmp);
		active = NULL;
	}
	pthread_rwlock_unlock(&output_gate);
	output_free(o);
}

void output_abort(struct output *o)
{
	output_finish(o, false);
}

bool output_interrupt(void)
{
	pthread_once(&gate_once, gate_init);
	pthread_rwlock_wrlock(&output_gate);
	output_interrupted = true;
	struct output *o = active;
	if (o) {
		remove_tree(o->tmp);
		lock_release(o);
		active = NULL;
	}
	pthread_rwlock_unlock(&output_gate);
	return o != NULL;
}

