/* commit.c — output_commit(): bringing OUT_DIR to what a build staged, all or nothing. */
#include "output_int.h"
#include "diag.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* {============ The commit
 * All or nothing. First everything that can be checked is checked, and nothing moves while
 * one problem is found: a file or folder vade did not make in the way of an output, a folder
 * it cannot write into, OUT_DIR on another file system than its staging folder. Then every
 * change is a rename recorded in a journal: the files an earlier build made and this one does
 * not go to old/ in the staging folder, a replaced file is first linked there, new files move
 * in; the marker's rename is the moment the new build is in place. If a step fails, the
 * journal is played backwards and OUT_DIR is as it was. */
enum op_kind { OP_MKDIR, OP_RMDIR, OP_ASIDE, OP_IN };
struct op {
	enum op_kind kind;
	char *path;   /* in OUT_DIR */
	char *other;  /* OP_ASIDE: where it went; OP_IN: where it came from */
	char *backup; /* OP_IN: the version it replaced (a link in old/), or NULL */
};

struct commit {
	struct output *o;
	size_t base;        /* strlen(o->dir) + 1: full path + base is the rel */
	struct vec stale;   /* rels the last build made, this one does not, to go (borrowed) */
	struct vec gone;    /* such rels already gone (deleted by hand): only their folders to go */
	struct op *ops;
	size_t nops, cap;
	size_t nold;        /* names in old/ */
	char *checked;      /* the last folder found writable */
	bool bad;
};

/* The name of the i-th file put. */
static const char *made_rel(const struct output *o, size_t i)
{
	return ((const struct output_file *)o->produced.v[i])->rel;
}

/* Whether the last build's list names its files as it made them: the files it names and this
 * build does not make are removed. */
static bool lists_whole(const struct output *o)
{
	return o->prev == PREV_LIST || o->prev == PREV_DOUBTED;
}

static bool listed(const struct output *o, const char *rel)
{
	return (o->prev == PREV_LIST || o->prev == PREV_OLD_LIST || o->prev == PREV_DOUBTED) &&
	       xbsearch(&rel, o->previous.v, o->previous.n, sizeof *o->previous.v, output_cmp_str);
}

static bool is_stale(const struct commit *c, const char *rel)
{
	return xbsearch(&rel, c->stale.v, c->stale.n, sizeof *c->stale.v, output_cmp_str) != NULL;
}

static const char *kind_of(mode_t m)
{
	return S_ISDIR(m) ? "folder" : S_ISREG(m) ? "file" : S_ISLNK(m) ? "symbolic link" : "special file";
}

static void in_the_way(struct commit *c, const char *path, mode_t m, const char *rel)
{
	struct output *o = c->o;
	const char *hint = o->prev == PREV_UNLISTED ? " (or, if vade made it, remove the folder and build again: "
	                                              "its " MARKER " lists no files vade can read)"
	                   : o->prev == PREV_DOUBTED ? " (or, if vade made it, remove it and build again: a line of "
	                                               MARKER " that cannot be read may name it)"
	                                             : "";
	if (S_ISREG(m) && o->prev == PREV_OLD_LIST && listed(o, path + c->base))
		diag_error(path, 0, 0, "an earlier build's file is in the way of %s; it is not removed because %s/%s "
		                       "is in vade 0.1's format: remove it, then build again", rel, o->dir, MARKER);
	else if (strcmp(path + c->base, rel))
		diag_error(path, 0, 0, "a %s vade did not make is in the way of %s; move it out of %s%s", kind_of(m), rel,
		           o->dir, hint);
	else
		diag_error(path, 0, 0, "a %s vade did not make is where vade would write this output; move it out of %s%s",
		           kind_of(m), o->dir, hint);
	c->bad = true;
}

static void need_writable(struct commit *c, const char *dir)
{
	if (c->checked && !strcmp(c->checked, dir))
		return;
	if (access(dir, W_OK | X_OK) != 0) {
		diag_error(dir, 0, 0, "cannot write into this folder: %s", strerror(errno));
		c->bad = true;
	}
	free(c->checked);
	c->checked = xstrdup(dir);
}

/* A folder that holds nothing but files the last build made and this one does not: it goes with them. */
static bool all_stale(const struct commit *c, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool any = false, ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = path_join(dir, e->d_name);
		struct stat st;
		any = true;
		ok = lstat(p, &st) == 0 &&
		     (S_ISDIR(st.st_mode) ? all_stale(c, p) : S_ISREG(st.st_mode) && is_stale(c, p + c->base));
		free(p);
	}
	closedir(d);
	return ok && any;
}

/* Checks the way to an output: every folder above it a folder (or nothing yet, or a stale file
 * that goes first), the place itself empty, a file of vade's or a stale folder; the folder
 * it lands in writable. */
static void check_target(struct commit *c, const char *rel)
{
	char *p = path_join(c->o->dir, rel);
	char *deepest = xstrdup(c->o->dir);
	bool missing = false;
	struct stat st;
	for (char *s = p + c->base; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (lstat(p, &st) != 0 || (S_ISREG(st.st_mode) && is_stale(c, p + c->base))) {
			missing = true;
		} else if (!S_ISDIR(st.st_mode)) {
			in_the_way(c, p, st.st_mode, rel);
			missing = true;
		} else {
			free(deepest);
			deepest = xstrdup(p);
		}
		*s = '/';
		if (missing)
			break;
	}
	if (!missing && lstat(p, &st) == 0) {
		bool fine = S_ISREG(st.st_mode) ? listed(c->o, rel)
		                                : S_ISDIR(st.st_mode) && lists_whole(c->o) && all_stale(c, p);
		if (!fine)
			in_the_way(c, p, st.st_mode, rel);
	}
	need_writable(c, deepest);
	free(deepest);
	free(p);
}

static void journal(struct commit *c, enum op_kind k, char *path, char *other, char *backup)
{
	if (c->nops == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->ops = xrealloc(c->ops, c->cap * sizeof *c->ops);
	}
	c->ops[c->nops++] = (struct op){k, path, other, backup};
}

static char *old_name(struct commit *c)
{
	return xasprintf("%s/old/%zu", c->o->tmp, c->nold++);
}

/* The folders above path that do not exist yet, made and recorded. */
static int make_parents(struct commit *c, char *p)
{
	for (char *s = p + c->base; (s = strchr(s, '/')); s++) {
		*s = '\0';
		int rc = 0;
		if (mkdir(p, 0777) == 0)
			journal(c, OP_MKDIR, xstrdup(p), NULL, NULL);
		else if (errno != EEXIST)
			rc = -1;
		*s = '/';
		if (rc)
			return -1;
	}
	return 0;
}

/* Plays the journal backwards; false when something could not be put back. */
static bool undo(struct commit *c)
{
	bool ok = true;
	for (size_t i = c->nops; i-- > 0;) {
		struct op *op = &c->ops[i];
		int rc = 0;
		switch (op->kind) {
		case OP_MKDIR: rc = rmdir(op->path); break;
		case OP_RMDIR: rc = mkdir(op->path, 0777); break;
		case OP_ASIDE: rc = rename(op->other, op->path); break;
		case OP_IN: rc = op->backup ? rename(op->backup, op->path) : rename(op->path, op->other); break;
		}
		if (rc != 0) {
			fprintf(stderr, "%s: error: cannot put back as it was: %s%s%s\n", op->path, strerror(errno),
			        op->kind == OP_ASIDE || (op->kind == OP_IN && op->backup) ? "; the earlier version is " : "",
			        op->kind == OP_ASIDE ? op->other : op->kind == OP_IN && op->backup ? op->backup : "");
			ok = false;
		}
	}
	return ok;
}

static void commit_free(struct commit *c)
{
	for (size_t i = 0; i < c->nops; i++) {
		free(c->ops[i].path);
		free(c->ops[i].other);
		free(c->ops[i].backup);
	}
	free(c->ops);
	vec_free(&c->stale);
	vec_free(&c->gone);
	free(c->checked);
}

static void report_move(const char *path, const char *what)
{
	diag_error(path, 0, 0, "cannot %s: %s; the output folder is left as it was", what, strerror(errno));
}

/* The version of file f, moved in at path `to` a moment ago: as it is after the rename (which
 * changed its ctime); but one whose inode, size or modification time is not the staged file's
 * (staged; NULL: not known) was changed by another hand in between, and is recorded as not there,
 * for the next build to make again (helper-183's G3). */
__attribute__((noinline)) /* (a call of its own: tests/output/check holds it in gdb and reads `to`) */
static void take_version(struct output_file *f, const char *to, const struct stat *staged)
{
	struct stat in;
	if (staged && lstat(to, &in) == 0 && S_ISREG(in.st_mode) && in.st_ino == staged->st_ino &&
	    in.st_size == staged->st_size && in.st_mtim.tv_sec == staged->st_mtim.tv_sec &&
	    in.st_mtim.tv_nsec == staged->st_mtim.tv_nsec)
		file_version(&in, f->version);
	else
		f->lost = true;
}

/* Moves everything in, or nothing. 0, or -1 after reporting. */
static int move_in(struct commit *c, const char *mpath)
{
	struct output *o = c->o;
	char *old = path_join(o->tmp, "old");
	if (mkdir(old, 0700) != 0) {
		diag_error(o->dir, 0, 0, "cannot make %s: %s", old, strerror(errno));
		free(old);
		return -1;
	}
	free(old);
	/* The last build's files this one does not make, then the folders they leave empty. */
	for (size_t i = 0; i < c->stale.n; i++) {
		char *p = path_join(o->dir, c->stale.v[i]), *to = old_name(c);
		if (rename(p, to) != 0) {
			bool gone = errno == ENOENT; /* already: named twice in the list (a hand's edit,
			                              * helper-179), or removed since the plan */
			if (!gone)
				report_move(p, "remove");
			free(p);
			free(to);
			if (gone)
				continue;
			return -1;
		}
		journal(c, OP_ASIDE, p, to, NULL);
	}
	for (size_t i = c->stale.n + c->gone.n; i-- > 0;) {
		char *p = path_join(o->dir, i < c->stale.n ? c->stale.v[i] : c->gone.v[i - c->stale.n]);
		for (char *s; (s = strrchr(p, '/')) && s > p + c->base - 1;) {
			*s = '\0';
			if (rmdir(p) != 0)
				break;
			journal(c, OP_RMDIR, xstrdup(p), NULL, NULL);
		}
		free(p);
	}
	for (size_t i = 0; i < o->changed.n; i++) {
		struct output_file *f = o->changed.v[i];
		const char *rel = f->rel;
		char *to = path_join(o->dir, rel), *from = path_join(o->stage, rel), *backup = NULL;
		if (make_parents(c, to) != 0) {
			report_move(to, "make the folder for");
			free(to);
			free(from);
			return -1;
		}
		struct stat st;
		if (lstat(to, &st) == 0) {
			/* A link keeps the replaced version while the new one takes its place in one rename;
			 * where links are not possible it is moved aside first. */
			backup = old_name(c);
			if (link(to, backup) != 0) {
				if (rename(to, backup) != 0) {
					report_move(to, "replace");
					free(backup);
					free(to);
					free(from);
					return -1;
				}
				journal(c, OP_ASIDE, xstrdup(to), backup, NULL);
				backup = NULL;
			}
		}
		struct stat staged;
		bool seen = lstat(from, &staged) == 0;
		if (rename(from, to) != 0) {
			report_move(to, "move into place");
			if (backup)
				unlink(backup);
			free(backup);
			free(to);
			free(from);
			return -1;
		}
		journal(c, OP_IN, to, from, backup);
		take_version(f, to, seen ? &staged : NULL);
	}
	char *mdst = path_join(o->dir, MARKER);
	int rc = rename(mpath, mdst);
	struct stat in;
	if (rc != 0)
		report_move(mdst, "update");
	else if (lstat(mdst, &in) == 0 && S_ISREG(in.st_mode))
		file_version(&in, o->marker); /* (not compared with the staged marker as take_version() does: a
		                               * later build reads the names from the list itself, so another
		                               * hand's change to it shows there) */
	free(mdst);
	return rc;
}

/* What the last build made and this one does not, if it is still a file of its own: into c->stale. */
static void plan_stale(struct commit *c)
{
	struct output *o = c->o;
	if (lists_whole(o)) {
		/* both lists sorted: walked side by side, not a search of one for each of the other (35,000
		 * names: a twentieth of a one-page rebuild at 10,000 pages, issue 13) */
		for (size_t i = 0, k = 0; i < o->previous.n; i++) {
			char *rel = o->previous.v[i];
			int cmp = 1;
			while (k < o->produced.n && (cmp = strcmp(made_rel(o, k), rel)) < 0)
				k++;
			if (k < o->produced.n && cmp == 0)
				continue;
			char *p = path_join(o->dir, rel);
			struct stat st;
			bool real = true; /* under real folders, not through a link someone put there */
			for (char *s = p + c->base; real && (s = strchr(s, '/')); s++) {
				*s = '\0';
				real = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
				*s = '/';
			}
			int there = real ? lstat(p, &st) : -1;
			if (there == 0 && S_ISREG(st.st_mode)) {
				vec_push(&c->stale, rel);
				*strrchr(p, '/') = '\0';
				need_writable(c, p);
			} else if (real && there != 0 && errno == ENOENT && strchr(rel, '/')) {
				vec_push(&c->gone, rel); /* its folder, empty now, goes as a clean build has none */
			}
			free(p);
		}
	} else if (o->prev == PREV_OLD_LIST) {
		size_t left = 0;
		for (size_t i = 0; i < o->previous.n; i++) {
			left += !xbsearch(&o->previous.v[i], o->produced.v, o->produced.n, sizeof *o->produced.v,
			                  output_cmp_name_file);
		}
		if (left)
			fprintf(stderr, "%s/%s: note: written by vade 0.1, whose list may have split a name; the %zu file%s it "
			        "lists that this build no longer makes %s left in place\n", o->dir, MARKER, left,
			        left == 1 ? "" : "s", left == 1 ? "is" : "are");
	}
}

/* Before the staged tree becomes a new OUT_DIR: the version of each file and of the marker, as
 * the folder's rename leaves them (a folder's rename changes nothing of its files' stat), so a
 * change made after that rename is not the build's (helper-183: stamped after it, one made while
 * 35,000 files were stamped was). */
static void stamp_all(struct output *o)
{
	int fd = open(o->stage, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	for (size_t i = 0; fd >= 0 && i < o->produced.n; i++) {
		struct output_file *f = o->produced.v[i];
		if (fstatat(fd, f->rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			file_version(&st, f->version);
	}
	if (fd >= 0 && fstatat(fd, MARKER, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
		file_version(&st, o->marker);
	if (fd >= 0)
		close(fd);
}

/* The files put, to the caller of a commit that succeeded. */
static void hand_over(struct output *o, int rc, struct output_files *made)
{
	if (rc != 0 || !made)
		return;
	*made = (struct output_files){(struct output_file **)o->produced.v, o->produced.n, {0}};
	memcpy(made->marker, o->marker, sizeof made->marker);
	o->produced = (struct vec)VEC_INIT;
}

int output_commit(struct output *o, struct output_files *made)
{
	if (made)
		*made = (struct output_files){.n = 0};
	pthread_rwlock_wrlock(&output_gate);
	bool stopping = output_interrupted;
	pthread_rwlock_unlock(&output_gate);
	if (stopping) {
		output_finish(o, false);
		return -1;
	}
	int rc = 0;
	/* Two outputs on one path (a resource and a page, a page and the search page):
	 * the later would silently win, so nothing is committed. */
	xqsort(o->produced.v, o->produced.n, sizeof *o->produced.v, output_cmp_file);
	for (size_t i = 1; i < o->produced.n; i++)
		if (!strcmp(made_rel(o, i), made_rel(o, i - 1))) {
			diag_error(made_rel(o, i), 0, 0, "two outputs would be written to this path (a page, a resource "
			                                   "or a generated file); rename one");
			rc = -1;
		}
	if (rc) {
		output_abort(o);
		return rc;
	}
	/* The new marker, staged like any file. */
	struct buf mk = BUF_INIT;
	buf_adds(&mk, output_marker_head);
	buf_adds(&mk, output_marker_v2);
	for (size_t i = 0; i < o->produced.n; i++)
		output_marker_name(&mk, made_rel(o, i));
	char *mpath = path_join(o->stage, MARKER);
	if (file_write(mpath, mk.p, mk.len) != 0) {
		diag_error(o->dir, 0, 0, "cannot write its %s file: %s", MARKER, strerror(errno));
		rc = -1;
	}
	buf_free(&mk);
	if (rc) {
		free(mpath);
		output_abort(o);
		return rc;
	}
	pthread_rwlock_wrlock(&output_gate); /* a Ctrl-C now waits for the commit to end */
	if (!o->existed) {
		/* Nothing was there: the staged tree becomes OUT_DIR in one rename. */
		stamp_all(o);
		if (rename(o->stage, o->dir) != 0) {
			diag_error(o->dir, 0, 0, "cannot create: %s", strerror(errno));
			rc = -1;
		}
		free(mpath);
		pthread_rwlock_unlock(&output_gate);
		hand_over(o, rc, made);
		output_finish(o, false);
		return rc;
	}
	struct commit c = {.o = o, .base = strlen(o->dir) + 1};
	xqsort(o->changed.v, o->changed.n, sizeof *o->changed.v, output_cmp_file);
	struct stat ds, ts;
	if (stat(o->dir, &ds) != 0 || stat(o->stage, &ts) != 0 || ds.st_dev != ts.st_dev) {
		diag_error(o->dir, 0, 0, "is on another file system than the folder beside it, where vade stages a build "
		                         "(a mount point?); choose -o one folder deeper");
		c.bad = true;
	}
	plan_stale(&c);
	for (size_t i = 0; i < o->changed.n; i++)
		check_target(&c, ((struct output_file *)o->changed.v[i])->rel);
	need_writable(&c, o->dir);
	bool keep = false;
	if (c.bad) {
		rc = -1;
	} else if (move_in(&c, mpath) != 0) {
		rc = -1;
		if (!undo(&c)) {
			/* Keep the staging folder: it holds what could not be put back. */
			fprintf(stderr, "vade: the earlier versions are kept in %s\n", o->tmp);
			keep = true;
		}
	}
	pthread_rwlock_unlock(&output_gate);
	commit_free(&c);
	free(mpath);
	hand_over(o, rc, made);
	output_finish(o, keep);
	return rc;
}
/* }============ */
