/* state.c — the inputs digest and the output folder's stamp (see state.h). */
#include "state.h"
#include "output.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#ifndef VADE_DATADIR
#define VADE_DATADIR "/usr/local/share/vade"
#endif

/* Record format version; a record of another version is no record. */
#define STATE_HEAD "vade-state 1\n"

/* Folds a field and its length, so that ("ab","c") and ("a","bc") differ. */
static void fold(XXH3_state_t *h, const void *p, size_t n)
{
	uint64_t len = n;
	XXH3_128bits_update(h, &len, sizeof len);
	XXH3_128bits_update(h, p, n);
}

static void fold_str(XXH3_state_t *h, const char *s)
{
	fold(h, s, strlen(s));
}

/* Folds the bytes of the file at path (not through a link unless follow). False when it cannot be read. */
static bool fold_file(XXH3_state_t *h, const char *path, bool follow)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return false;
	char buf[65536];
	ssize_t n;
	uint64_t total = 0;
	XXH3_state_t *content = XXH3_createState();
	XXH3_128bits_reset(content);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		XXH3_128bits_update(content, buf, (size_t)n);
		total += (uint64_t)n;
	}
	close(fd);
	XXH128_hash_t c = XXH3_128bits_digest(content);
	XXH3_freeState(content);
	if (n < 0)
		return false;
	XXH3_128bits_update(h, &total, sizeof total);
	XXH3_128bits_update(h, &c, sizeof c);
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Folds the tree under dir (names in byte order, each file's bytes); skip is the output
 * folder, left out when it is inside. False on a symbolic link or an unreadable entry. */
static bool fold_tree(XXH3_state_t *h, const char *dir, const char *skip)
{
	DIR *d = opendir(dir);
	if (!d) {
		fold_str(h, errno == ENOENT || errno == ENOTDIR ? "(none)" : "(unreadable)");
		return errno == ENOENT || errno == ENOTDIR;
	}
	struct vec names = {0};
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && e->d_name[strlen(e->d_name) - 1] != '~')
			vec_push(&names, xstrdup(e->d_name));
	closedir(d);
	xqsort(names.v, names.n, sizeof *names.v, cmp_name);
	bool ok = true;
	for (size_t i = 0; i < names.n && ok; i++) {
		char *p = path_join(dir, names.v[i]);
		struct stat st;
		if (skip && !strcmp(p, skip)) {
			free(p);
			continue;
		}
		fold_str(h, names.v[i]);
		if (lstat(p, &st) != 0 || S_ISLNK(st.st_mode))
			ok = false;
		else if (S_ISDIR(st.st_mode))
			ok = fold_tree(h, p, skip);
		else if (S_ISREG(st.st_mode))
			ok = fold_file(h, p, false);
		else
			fold(h, &st.st_mode, sizeof st.st_mode);
		fold_str(h, "\n");
		free(p);
	}
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	vec_free(&names);
	return ok;
}

bool state_inputs(const char *site_dir, const char *out_dir, struct state_digest *d)
{
	XXH3_state_t *h = XXH3_createState();
	XXH3_128bits_reset(h);
	fold_str(h, STATE_HEAD);
	char *out = realpath(out_dir, NULL);
	fold_str(h, out ? out : out_dir);
	/* vade itself: another version may write other bytes */
	bool ok = fold_file(h, "/proc/self/exe", true);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *beside = NULL;
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		beside = xasprintf("%s/../themes", exe);
	}
	/* Where site.c looks for content, templates and the theme. */
	char *dirs[5] = {path_join(site_dir, "content"), path_join(site_dir, "templates"), path_join(site_dir, "themes"),
	                 beside, xstrdup(VADE_DATADIR "/themes")};
	for (size_t i = 0; i < 5; i++) {
		if (ok && dirs[i]) {
			char *real = realpath(dirs[i], NULL);
			fold_str(h, real ? real : dirs[i]);
			ok = fold_tree(h, real ? real : dirs[i], out);
			free(real);
		}
		free(dirs[i]);
	}
	XXH128_hash_t r = XXH3_128bits_digest(h);
	XXH3_freeState(h);
	free(out);
	*d = (struct state_digest){r.low64, r.high64};
	return ok;
}

/* The stamp of out_dir: every file its list names, by name, size, times and inode, and the
 * list itself. False when it has no readable list or a listed file is not there. */
static bool stamp(const char *out_dir, struct state_digest *d)
{
	struct vec names;
	if (!output_list(out_dir, &names))
		return false;
	XXH3_state_t *h = XXH3_createState();
	XXH3_128bits_reset(h);
	bool ok = true;
	for (size_t i = 0; i <= names.n && ok; i++) {
		char *p = path_join(out_dir, i < names.n ? names.v[i] : ".vade-output");
		struct stat st;
		if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			ok = false;
		} else {
			int64_t f[7] = {st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec,
			                st.st_ctim.tv_nsec, (int64_t)st.st_ino, (int64_t)st.st_dev};
			fold_str(h, i < names.n ? names.v[i] : "");
			fold(h, f, sizeof f);
		}
		free(p);
	}
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	vec_free(&names);
	XXH128_hash_t r = XXH3_128bits_digest(h);
	XXH3_freeState(h);
	*d = (struct state_digest){r.low64, r.high64};
	return ok;
}

/* "<parent>/.<name>.vade-state" of out_dir as it is found (NULL when it is not there). */
static char *record_path(const char *out_dir)
{
	char *real = realpath(out_dir, NULL);
	if (!real)
		return NULL;
	char *slash = strrchr(real, '/');
	char *p = slash == real ? xasprintf("/.%s.vade-state", real + 1)
	                        : xasprintf("%.*s/.%s.vade-state", (int)(slash - real), real, slash + 1);
	free(real);
	return p;
}

bool state_fresh(const char *out_dir, const struct state_digest *inputs, size_t *pages, size_t *nlangs)
{
	char *path = record_path(out_dir), *text = NULL;
	size_t len;
	bool fresh = false;
	if (path && file_read(path, &text, &len) == 0 && strlen(text) == len) {
		uint64_t ilo, ihi, slo, shi;
		struct state_digest now;
		fresh = sscanf(text, STATE_HEAD "inputs %" SCNx64 " %" SCNx64 "\noutput %" SCNx64 " %" SCNx64
		                                "\npages %zu %zu\n",
		               &ilo, &ihi, &slo, &shi, pages, nlangs) == 6 &&
		        ilo == inputs->lo && ihi == inputs->hi && stamp(out_dir, &now) && now.lo == slo && now.hi == shi;
	}
	free(text);
	free(path);
	return fresh;
}

void state_record(const char *out_dir, const struct state_digest *inputs, size_t pages, size_t nlangs)
{
	char *path = record_path(out_dir);
	struct state_digest now;
	if (path && stamp(out_dir, &now)) {
		char *text = xasprintf(STATE_HEAD "inputs %016" PRIx64 " %016" PRIx64 "\noutput %016" PRIx64 " %016" PRIx64
		                                  "\npages %zu %zu\n",
		                       inputs->lo, inputs->hi, now.lo, now.hi, pages, nlangs);
		if (file_write_atomic(path, text, strlen(text)) != 0)
			unlink(path);
		free(text);
	} else if (path) {
		unlink(path);
	}
	free(path);
}

void state_forget(const char *out_dir)
{
	char *path = record_path(out_dir);
	if (path)
		unlink(path);
	free(path);
}
