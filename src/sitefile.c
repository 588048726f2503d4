/* sitefile.c — reading a file of the site under vade's file rule (sitefile.h). */
#include "sitefile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool inside(const char *real, const char *root)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return true;
	return !strncmp(real, root, n) && real[n] == '/';
}

/* Reads the regular file open at fd to its end. */
static int read_all(int fd, size_t size_hint, char **out, size_t *len)
{
	struct buf b = BUF_INIT;
	buf_grow(&b, size_hint);
	for (;;) {
		buf_grow(&b, 65536);
		ssize_t n = read(fd, b.p + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			buf_free(&b);
			errno = err;
			return -1;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.p[b.len] = '\0';
	}
	*out = buf_detach(&b, len);
	return 0;
}

enum sitefile_status sitefile_read(const char *path, const char *root, char **out, size_t *len)
{
	char *real = realpath(path, NULL);
	if (!real) {
		struct stat st;
		int err = errno;
		bool link = err == ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
		errno = err;
		return link ? SITEFILE_DANGLING : SITEFILE_UNREADABLE;
	}
	char *real_root = realpath(root, NULL);
	bool ok = real_root && inside(real, real_root);
	free(real_root);
	if (!ok) {
		free(real);
		return SITEFILE_OUTSIDE;
	}
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
	 * O_NOFOLLOW: the path checked is the path opened. */
	int fd = open(real, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	free(real);
	if (fd < 0)
		return SITEFILE_UNREADABLE;
	struct stat st;
	enum sitefile_status rc = SITEFILE_OK;
	if (fstat(fd, &st) != 0)
		rc = SITEFILE_UNREADABLE;
	else if (!S_ISREG(st.st_mode))
		rc = SITEFILE_NOT_REGULAR;
	else if (read_all(fd, st.st_size > 0 ? (size_t)st.st_size : 0, out, len) != 0)
		rc = SITEFILE_UNREADABLE;
	int err = errno;
	close(fd);
	errno = err;
	return rc;
}

const char *sitefile_problem(enum sitefile_status st, const char *root_name, char *buf, size_t size)
{
	switch (st) {
	case SITEFILE_OUTSIDE:
		snprintf(buf, size, "symbolic link leads outside the %s folder", root_name);
		return buf;
	case SITEFILE_DANGLING:
		return "symbolic link leads to no file";
	case SITEFILE_NOT_REGULAR:
		return "not a regular file (vade reads only regular files)";
	case SITEFILE_UNREADABLE:
		snprintf(buf, size, "cannot read file (%s)", strerror(errno));
		return buf;
	case SITEFILE_OK:
		break;
	}
	return "";
}
