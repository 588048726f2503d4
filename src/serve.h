/* serve.h — vade serve: the built site on http://127.0.0.1:PORT (loopback
 * only), rebuilt whenever a file of the site changes. The HTTP side is
 * libmicrohttpd; a failed rebuild is reported and the last good build keeps
 * being served. */
#ifndef VADE_SERVE_H
#define VADE_SERVE_H

#include <stdbool.h>
#include <stddef.h>

/* What serve watches of the site (serve.c: inotify(7), or polling). */
struct watcher;

/* Whether no file of the site changed since the last wait for a change ended: the kernel reported
 * nothing relevant to the watch (what it did report is kept for the next wait). The rebuild asks
 * after its commit, in place of a second walk of its inputs (state.h: the inputs a build records
 * must be those it read). False when vade polls, the kernel's queue overflowed, or w is NULL. */
bool serve_quiet(struct watcher *w);

/* Whether every change to the site the kernel reported since the last call was to a page's text
 * alone: a regular file that state_page_input() names written, made or removed, so the inputs'
 * digest of the rest (state.h) is the one made before the last call. False on the first call, when
 * vade polls, when the kernel's queue overflowed, or w is NULL. Each call begins a new count. */
bool serve_texts_only(struct watcher *w);

/* When serve_texts_only() last answered true: the files it vouched for, as the site names them
 * ("content/a/b.md", "content/i18n/fr.status.yaml"), sorted, n of them (a name each, whatever the
 * events; a file made and removed since is among them), borrowed until it asks again. NULL when it
 * answered false, a translations' record was made, removed or renamed (the load checks the names
 * in content/i18n/), or a link to a folder is among the site's (a file would have two names, and
 * the kernel reports one). For site_patch(). */
const char *const *serve_texts_named(const struct watcher *w, size_t *n);

/* The theme folder the build used (a real path), when it is outside content/, templates/, themes/
 * and the themes beside vade (state_theme_outside()), else NULL: watched from now on. w may be NULL. */
void serve_watch_theme(struct watcher *w, const char *theme);
/* Builds once and serves out_dir until the process is stopped (main takes
 * Ctrl-C and SIGTERM); rebuild(ctx, w) is called on every change to a file under
 * site_dir (or the theme beside vade), w to ask serve_quiet(). While nothing changes,
 * verify(ctx) (may be NULL) checks the output folder, a second after each build and
 * every few seconds for ten minutes after it (serve.c says when); true asks for a
 * rebuild (a file there is not as the last build left it: deps.h, deps_verify).
 * Returns only when it cannot listen: the exit status. */
int serve_run(const char *site_dir, const char *out_dir, int port, int (*rebuild)(void *, struct watcher *),
              bool (*verify)(void *), void *ctx);

#endif
