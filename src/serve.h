/* serve.h — vade serve: the built site on http://127.0.0.1:PORT (loopback
 * only), rebuilt whenever a file of the site changes. The HTTP side is
 * libmicrohttpd; a failed rebuild is reported and the last good build keeps
 * being served. */
#ifndef VADE_SERVE_H
#define VADE_SERVE_H

/* Builds once and serves out_dir until the process is stopped (main takes
 * Ctrl-C and SIGTERM); rebuild() is called on every change to a file under
 * site_dir (or the theme beside vade). Returns only when it cannot listen:
 * the exit status. */
int serve_run(const char *site_dir, const char *out_dir, int port, int (*rebuild)(void *), void *ctx);

#endif
