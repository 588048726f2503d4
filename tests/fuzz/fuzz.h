/* fuzz.h — what the libFuzzer targets share: a copy of the small site in
 * tests/fuzz/site/ in a temporary folder, put back as it was when a target
 * changed it, and gone when the fuzzer exits.
 *
 * The site is found beside the fuzzer binary (build/fuzz/fuzz-NAME ->
 * tests/fuzz/site), or where FUZZ_SITE says. Header-only: each target is
 * one program of one .c file.
 */
#ifndef VADE_FUZZ_H
#define VADE_FUZZ_H

#include "util.h"

#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The site as read at start: every file by its path under the site folder. */
struct fuzz_file {
	char *rel, *data;
	size_t len;
};
static struct fuzz_file *fuzz_files;
static size_t fuzz_nfiles;
static size_t fuzz_srclen;      /* length of the source folder's path, for cutting rel out of nftw's paths */
static char fuzz_dir[] = "/tmp/vade-fuzz-XXXXXX";

static inline int fuzz_take(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	struct fuzz_file f = {xstrdup(path + fuzz_srclen + 1), NULL, 0};
	if (file_read(path, &f.data, &f.len) != 0) {
		fprintf(stderr, "fuzz: cannot read %s\n", path);
		exit(2);
	}
	fuzz_files = xrealloc(fuzz_files, (fuzz_nfiles + 1) * sizeof *fuzz_files);
	fuzz_files[fuzz_nfiles++] = f;
	return 0;
}

static inline int fuzz_rm(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* Empties folder rel of the copy ("" for the whole copy, which stays). */
static inline void fuzz_clear(const char *rel)
{
	char *p = path_join(fuzz_dir, rel);
	nftw(p, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
	free(p);
	mkdir_p(fuzz_dir);
}

static inline void fuzz_cleanup(void)
{
	fuzz_clear("");
	rmdir(fuzz_dir);
}

/* Writes bytes to file rel of the copy, making its folders. */
static inline void fuzz_put(const char *rel, const void *data, size_t len)
{
	char *p = path_join(fuzz_dir, rel);
	if (file_write(p, data, len) != 0) {
		fprintf(stderr, "fuzz: cannot write %s\n", p);
		exit(2);
	}
	free(p);
}

/* Puts the copy back as tests/fuzz/site is: files a run added are gone, changed ones restored. */
static inline void fuzz_site_restore(void)
{
	fuzz_clear("");
	for (size_t i = 0; i < fuzz_nfiles; i++)
		fuzz_put(fuzz_files[i].rel, fuzz_files[i].data, fuzz_files[i].len);
}

/* Copies the site into a new temporary folder and returns that folder (once per process). */
static inline const char *fuzz_site(void)
{
	if (fuzz_nfiles)
		return fuzz_dir;
	char src[PATH_MAX];
	const char *env = getenv("FUZZ_SITE");
	if (env) {
		snprintf(src, sizeof src, "%s", env);
	} else {
		ssize_t n = readlink("/proc/self/exe", src, sizeof src - 1);
		src[n > 0 ? n : 0] = '\0';
		char *slash = strrchr(src, '/');
		snprintf(slash ? slash : src, sizeof src - (size_t)(slash ? slash - src : 0), "/../../tests/fuzz/site");
	}
	fuzz_srclen = strlen(src);
	nftw(src, fuzz_take, 16, FTW_PHYS);
	if (!fuzz_nfiles || !mkdtemp(fuzz_dir)) {
		fprintf(stderr, "fuzz: no site at %s (set FUZZ_SITE) or no temporary folder\n", src);
		exit(2);
	}
	atexit(fuzz_cleanup);
	fuzz_site_restore();
	return fuzz_dir;
}

/* The input with a NUL after it (as file_read() gives a file); as a C string, up to its first NUL. Caller frees. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}

#endif
