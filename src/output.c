/* output.c — staging, comparison with the previous build, commit. */
#include "output.h"
#include "diag.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER ".vade-output"

struct output {
	char *dir;              /* OUT_DIR, without a trailing slash */
	char *tmp;              /* the staging folder beside it */
	bool existed;           /* OUT_DIR was there (and ours): update it in place */
	pthread_mutex_t lock;
	struct vec produced;    /* every rel put (owned) */
	struct vec changed;     /* the rels staged in tmp (borrowed from produced) */
	struct vec previous;    /* what the last build made, from its marker (owned, sorted) */
	bool manifest;          /* the marker lists the last build's files */
};

/* The marker names every file a build made, so the next build removes exactly
 * those it no longer makes, without walking the folder, and never a file vade
 * did not write. */
static const char marker_head[] = "# This folder is written by vade; each build brings it up to date.\n"
                                  "# The files vade made, removed by the next build that no longer makes them:\n";

static bool inside(const char *rel);

static void read_manifest(struct output *o)
{
	char *m = path_join(o->dir, MARKER), *text;
	size_t len;
	if (file_read(m, &text, &len) == 0) {
		o->manifest = !strncmp(text, marker_head, sizeof marker_head - 1);
		for (char *line = text, *nl; o->manifest && *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (!nl)
				break;
			*nl = '\0';
			if (line[0] != '#' && inside(line))
				vec_push(&o->previous, xstrdup(line));
		}
		free(text);
	}
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

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Only ever called on the staging folder, which this process made. */
static void remove_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

struct output *output_begin(const char *out_dir)
{
	bool exists = is_dir(out_dir);
	if ((exists && !ours(out_dir) && !empty_dir(out_dir)) || (!exists && is_file(out_dir))) {
		diag_error(out_dir, 0, 0, "refusing to replace a folder vade did not make (it has no %s file); "
		                          "remove it or choose another -o", MARKER);
		return NULL;
	}
	struct output *o = xcalloc(1, sizeof *o);
	o->dir = xstrdup(out_dir);
	size_t n = strlen(o->dir);
	while (n > 1 && o->dir[n - 1] == '/')
		o->dir[--n] = '\0';
	o->existed = exists;
	o->tmp = xasprintf("%s.tmp-XXXXXX", o->dir);
	char *slash = strrchr(o->tmp, '/');
	if (slash) {
		*slash = '\0';
		mkdir_p(o->tmp);
		*slash = '/';
	}
	if (!mkdtemp(o->tmp)) {
		diag_error(out_dir, 0, 0, "cannot make a temporary folder beside it: %s", strerror(errno));
		free(o->tmp);
		free(o->dir);
		free(o);
		return NULL;
	}
	pthread_mutex_init(&o->lock, NULL);
	if (exists)
		read_manifest(o);
	return o;
}

static bool same_as(const char *path, const void *data, size_t len)
{
	char *old;
	size_t ol;
	if (file_read(path, &old, &ol) != 0)
		return false;
	bool same = ol == len && !memcmp(old, data, len);
	free(old);
	return same;
}

static bool inside(const char *rel)
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

int output_put(struct output *o, const char *rel, const void *data, size_t len)
{
	/* Output paths come from content paths and language codes, all checked at load;
	 * this is the last line of defence for "never write outside the output folder". */
	if (!inside(rel)) {
		diag_error(rel, 0, 0, "an output path must stay inside the output folder");
		return -1;
	}
	char *rcopy = xstrdup(rel);
	bool stage = true;
	if (o->existed) {
		char *cur = path_join(o->dir, rel);
		stage = !same_as(cur, data, len);
		free(cur);
	}
	int rc = 0;
	if (stage) {
		char *dst = path_join(o->tmp, rel);
		rc = file_write(dst, data, len);
		if (rc) /* named as it will be in the output folder, not the staging one */
			diag_error(rel, 0, 0, "cannot write into %s: %s", o->dir, strerror(errno));
		free(dst);
	}
	pthread_mutex_lock(&o->lock);
	vec_push(&o->produced, rcopy);
	if (stage)
		vec_push(&o->changed, rcopy);
	pthread_mutex_unlock(&o->lock);
	return rc;
}

size_t output_changed(const struct output *o)
{
	return o->changed.n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The commit's sweep of OUT_DIR: files no longer produced go, then empty folders. */
static struct output *sweeping;
static int sweep_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	struct output *o = sweeping;
	if (ftw->level == 0)
		return 0;
	const char *rel = path + strlen(o->dir) + 1;
	if (!strcmp(rel, MARKER))
		return 0;
	if (flag == FTW_DP) {
		rmdir(path); /* fails, harmlessly, while it still holds files */
		return 0;
	}
	if (!xbsearch(&rel, o->produced.v, o->produced.n, sizeof *o->produced.v, cmp_str))
		unlink(path);
	return 0;
}

void output_abort(struct output *o);

static void output_free(struct output *o)
{
	for (size_t i = 0; i < o->produced.n; i++)
		free(o->produced.v[i]);
	vec_free(&o->produced);
	vec_free(&o->changed);
	for (size_t i = 0; i < o->previous.n; i++)
		free(o->previous.v[i]);
	vec_free(&o->previous);
	pthread_mutex_destroy(&o->lock);
	free(o->tmp);
	free(o->dir);
	free(o);
}

int output_commit(struct output *o)
{
	int rc = 0;
	/* Two outputs on one path (a resource and a page, a page and the search page):
	 * the later would silently win, so nothing is committed. */
	xqsort(o->produced.v, o->produced.n, sizeof *o->produced.v, cmp_str);
	for (size_t i = 1; i < o->produced.n; i++)
		if (!strcmp(o->produced.v[i], o->produced.v[i - 1])) {
			diag_error(o->produced.v[i], 0, 0, "two outputs would be written to this path (a page, a resource "
			                                   "or a generated file); rename one");
			rc = -1;
		}
	if (rc) {
		output_abort(o);
		return rc;
	}
	/* The new marker, staged like any file. */
	struct buf mk = BUF_INIT;
	buf_adds(&mk, marker_head);
	for (size_t i = 0; i < o->produced.n; i++)
		buf_addf(&mk, "%s\n", (char *)o->produced.v[i]);
	char *mpath = path_join(o->tmp, MARKER);
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
	if (!o->existed) {
		free(mpath);
		if (rename(o->tmp, o->dir) != 0) {
			diag_error(o->dir, 0, 0, "cannot create: %s", strerror(errno));
			remove_tree(o->tmp);
			rc = -1;
		}
		output_free(o);
		return rc;
	}
	xqsort(o->changed.v, o->changed.n, sizeof *o->changed.v, cmp_str);
	for (size_t i = 0; i < o->changed.n; i++) {
		const char *rel = o->changed.v[i];
		char *from = path_join(o->tmp, rel), *to = path_join(o->dir, rel);
		if (rename(from, to) != 0) {
			char *slash = strrchr(to, '/');
			*slash = '\0';
			/* A path that was a file and is now a folder (or the reverse) makes way. */
			struct stat st;
			if (stat(to, &st) == 0 && !S_ISDIR(st.st_mode))
				unlink(to);
			mkdir_p(to);
			*slash = '/';
			/* (inside OUT_DIR only: `to` is o->dir/rel) */
			if (stat(to, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(to);
			if (rename(from, to) != 0) {
				diag_error(to, 0, 0, "cannot move into place: %s", strerror(errno));
				rc = -1;
			}
		}
		free(from);
		free(to);
	}
	if (o->manifest) {
		/* What the last build made and this one does not: the file, then any folder it leaves empty. */
		for (size_t i = 0; i < o->previous.n; i++) {
			const char *rel = o->previous.v[i];
			if (xbsearch(&rel, o->produced.v, o->produced.n, sizeof *o->produced.v, cmp_str))
				continue;
			char *p = path_join(o->dir, rel);
			unlink(p);
			for (char *slash; (slash = strrchr(p, '/')) && slash > p + strlen(o->dir);) {
				*slash = '\0';
				if (rmdir(p) != 0)
					break;
			}
			free(p);
		}
	} else {
		/* A folder from before markers listed files: every file not made now goes. */
		sweeping = o;
		nftw(o->dir, sweep_one, 16, FTW_DEPTH | FTW_PHYS);
		sweeping = NULL;
	}
	char *mdst = path_join(o->dir, MARKER);
	if (rename(mpath, mdst) != 0) {
		diag_error(o->dir, 0, 0, "cannot update its %s file: %s", MARKER, strerror(errno));
		rc = -1;
	}
	free(mdst);
	free(mpath);
	remove_tree(o->tmp);
	output_free(o);
	return rc;
}

void output_abort(struct output *o)
{
	remove_tree(o->tmp);
	output_free(o);
}
