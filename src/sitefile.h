/* sitefile.h — how vade reads a file of the site or of its theme.
 *
 * vade reads only regular files (never a device, FIFO or socket, and it
 * never waits on one), and follows a symbolic link only when its fully
 * resolved target stays inside the folder the file belongs to: the site
 * folder for the site's files, the theme's folder for the theme's. So a
 * link such as templates/x.html -> /etc/passwd cannot make a page show a
 * file from elsewhere on the machine.
 */
#ifndef VADE_SITEFILE_H
#define VADE_SITEFILE_H

#include <stddef.h>

enum sitefile_status {
	SITEFILE_OK,
	SITEFILE_OUTSIDE,     /* a symbolic link leads outside the folder */
	SITEFILE_DANGLING,    /* a symbolic link leads to nothing */
	SITEFILE_NOT_REGULAR, /* a folder, device, FIFO or socket */
	SITEFILE_UNREADABLE,  /* errno says why */
};

/* Reads path, which must resolve to a regular file inside root (a folder that
 * exists). SITEFILE_OK sets *out (NUL-terminated; caller frees) and *len. */
enum sitefile_status sitefile_read(const char *path, const char *root, char **out, size_t *len);

/* What a status other than SITEFILE_OK means, for a message about the file;
 * root_name names the folder ("site", "theme"). Returns a static string or buf. */
const char *sitefile_problem(enum sitefile_status st, const char *root_name, char *buf, size_t size);

#endif
