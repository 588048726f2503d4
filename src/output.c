/* output.c — temporary folder, marker, atomic swap. */
#include "output.h"
#include "diag.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MARKER ".vade-output"

static bool replaceable(const char *out)
{
	if (!is_dir(out))
		return !is_file(out);
	char *m = path_join(out, MARKER);
	bool ok = is_file(m);
	free(m);
	if (ok)
		return true;
	DIR *d = opendir(out);
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

char *output_begin(const char *out_dir)
{
	if (!replaceable(out_dir)) {
		diag_error(out_dir, 0, 0, "refusing to replace a folder vade did not make (it has no %s file); "
		                          "remove it or choose another -o", MARKER);
		return NULL;
	}
	char *trim = xstrdup(out_dir);
	size_t n = strlen(trim);
	while (n > 1 && trim[n - 1] == '/')
		trim[--n] = '\0';
	char *tmp = xasprintf("%s.tmp-XXXXXX", trim);
	free(trim);
	char *slash = strrchr(tmp, '/');
	if (slash) {
		*slash = '\0';
		mkdir_p(tmp);
		*slash = '/';
	}
	if (!mkdtemp(tmp)) {
		diag_error(out_dir, 0, 0, "cannot make a temporary folder beside it: %s", strerror(errno));
		free(tmp);
		return NULL;
	}
	char *m = path_join(tmp, MARKER);
	static const char note[] = "This folder is written by vade and replaced whole by each build.\n";
	file_write(m, note, sizeof note - 1);
	free(m);
	return tmp;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int output_commit(const char *tmp, const char *out_dir)
{
	if (is_dir(out_dir)) {
		/* One atomic step: readers never see a missing or half-written site. */
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out_dir, RENAME_EXCHANGE) == 0) {
			remove_tree(tmp);
			return 0;
		}
		char *old = xasprintf("%s.old", tmp);
		if (rename(out_dir, old) != 0) {
			diag_error(out_dir, 0, 0, "cannot replace: %s", strerror(errno));
			free(old);
			return -1;
		}
		if (rename(tmp, out_dir) != 0) {
			diag_error(out_dir, 0, 0, "cannot replace: %s", strerror(errno));
			rename(old, out_dir);
			free(old);
			return -1;
		}
		remove_tree(old);
		free(old);
		return 0;
	}
	if (rename(tmp, out_dir) != 0) {
		diag_error(out_dir, 0, 0, "cannot create: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void output_abort(const char *tmp)
{
	remove_tree(tmp);
}
