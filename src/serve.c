/* serve.c — a preview server with rebuild on change. */
#include "serve.h"
#include "site.h"
#include "state.h"
#include "tree.h"
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *type_of(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"}, {".woff2", "font/woff2"}, {".svg", "image/svg+xml"},
		{".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
		{".webp", "image/webp"}, {".pdf", "application/pdf"}, {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

/* "/a%20b/" -> "a b/"; NULL for anything that could leave the output folder. */
static char *url_path(const char *url)
{
	struct buf b = BUF_INIT;
	for (const char *p = url; *p && *p != '?' && *p != '#'; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = {p[1], p[2], 0};
			char *end;
			long c = strtol(hex, &end, 16);
			if (*end || c <= 0) {
				buf_free(&b);
				return NULL;
			}
			buf_addc(&b, (char)c);
			p += 2;
		} else {
			buf_addc(&b, *p);
		}
	}
	char *s = buf_detach(&b, NULL);
	if (strstr(s, "..") || strchr(s, '\\')) {
		free(s);
		return NULL;
	}
	return s;
}

/* Whether path, followed through its links, is in the folder root (or is it). */
static bool inside(const char *root, const char *path)
{
	char *r = realpath(root, NULL), *p = realpath(path, NULL);
	size_t n = r ? strlen(r) : 0;
	bool in = !p || (r && !strncmp(p, r, n) && (p[n] == '/' || p[n] == '\0')); /* (not there: a 404 below) */
	free(r);
	free(p);
	return in;
}

/* The URL's path is decoded by url_path() alone: libmicrohttpd's own decoding gave it with "%00"
 * as an end ("/en/index.html%00.txt" served en/index.html: helper-115) and "%2525" decoded twice. */
static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* The query of a request ("?q=x", as sent), kept as its connection's state: libmicrohttpd gives the
 * handler the path alone, and the folder's redirect below lost it ("/en/search?q=x" went to
 * "/en/search/", without the search). A byte that is not visible ASCII (a control byte, a space,
 * a byte of UTF-8 sent raw) is percent-encoded, as a header value may not hold it (RFC 9110, 5.5:
 * a CR gave a redirect without a Location: helper-121). Freed by request_done(). */
static void *request_query(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	const char *q = strchr(uri, '?');
	if (!q)
		return NULL;
	struct buf b = BUF_INIT;
	buf_add_pct(&b, q, strlen(q), " ", PCT_HIGH_ALL);
	return buf_detach(&b, NULL);
}

/* The longest address a folder's redirect gives, its query included: libmicrohttpd holds a request
 * and its reply's headers in one pool per connection (32 KB), and a reply that did not fit was no
 * reply at all (a query of 16 KB: helper-121). Past it the redirect is refused (414), as a server
 * refuses a request too long to handle. */
#define LOCATION_MAX 8192

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	free(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	(void)upload;
	(void)upload_size;
	const char *root = cls, *query = *con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		static const char msg[] = "method not allowed\n";
		struct MHD_Response *r = MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
		enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		MHD_destroy_response(r);
		return rc;
	}
	char *rel = url_path(url);
	char *path = rel ? xasprintf("%s%s%s", root, rel[0] == '/' ? "" : "/", rel) : NULL;
	if (path && !inside(root, path)) { /* a link in the folder that leads out of it (helper-115) */
		free(path);
		path = NULL;
	}
	size_t ul = strlen(url);
	if (path && ul && url[ul - 1] != '/' && is_dir(path)) {
		/* "/en/topics": its page's relative links are read from the folder (helper-115: "thb/"
		 * went to /en/thb/), so the folder's own address, as a server of static files answers */
		const char *from = url + strspn(url, "/"); /* one '/' first: "//en/" would be another host */
		static const char too_long[] = "the query is too long to be kept in a redirect\n";
		char *to = xasprintf("/%s/%s", from, query ? query : "");
		bool fits = strlen(to) <= LOCATION_MAX;
		struct MHD_Response *r = fits ? MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT)
		                              : MHD_create_response_from_buffer(sizeof too_long - 1, (void *)too_long,
		                                                                MHD_RESPMEM_PERSISTENT);
		fits = fits && MHD_add_response_header(r, "Location", to) == MHD_YES;
		MHD_add_response_header(r, "Cache-Control", "no-store");
		enum MHD_Result rc = MHD_queue_response(c, fits ? MHD_HTTP_MOVED_PERMANENTLY : MHD_HTTP_URI_TOO_LONG, r);
		MHD_destroy_response(r);
		free(to);
		free(path);
		free(rel);
		return rc;
	}
	if (path && is_dir(path)) {
		char *idx = path_join(path, "index.html");
		free(path);
		path = inside(root, idx) ? idx : (free(idx), NULL); /* (a link named index.html: helper-116) */
	}
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	struct stat st;
	struct MHD_Response *r;
	unsigned status = MHD_HTTP_OK;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
		MHD_add_response_header(r, "Content-Type", type_of(path));
	} else {
		if (fd >= 0)
			close(fd);
		static const char msg[] = "not found\n";
		r = MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_NOT_FOUND;
	}
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	free(path);
	free(rel);
	return rc;
}

/* A cheap fingerprint of a folder tree: names and which version of each file is there
 * (file_version: a rewrite that keeps the size and puts the modification time back still moves
 * the change time), a link's with its target's. dots: names starting with '.' are looked at too
 * (templates/ and themes/, where a template may include one), but tree_name_tooling()'s; else
 * (content/) none tree_list() leaves out. */
static void fingerprint(const char *dir, uint64_t *h, const char *skip, bool dots)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || tree_name_tooling(e->d_name) ||
		    (!dots && tree_name_unlisted(e->d_name)))
			continue;
		char *p = path_join(dir, e->d_name);
		struct stat st, target;
		if ((!skip || strcmp(p, skip)) && lstat(p, &st) == 0) {
			for (const char *c = p; *c; c++)
				*h = (*h ^ (unsigned char)*c) * 0x100000001b3ULL;
			int64_t v[FILE_VERSION];
			bool link = S_ISLNK(st.st_mode) && stat(p, &target) == 0;
			for (int k = 0; k < 1 + link; k++) {
				file_version(k ? &target : &st, v);
				for (size_t i = 0; i < FILE_VERSION; i++)
					*h = (*h ^ (uint64_t)v[i]) * 0x100000001b3ULL;
			}
			if (S_ISDIR(st.st_mode))
				fingerprint(p, h, skip, dots);
		}
		free(p);
	}
	closedir(d);
}

static uint64_t site_fingerprint(const char *site_dir, const char *out_dir, const char *theme)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	static const char *const parts[] = {"content", "templates", "themes"};
	for (size_t i = 0; i < 3; i++) {
		char *p = path_join(site_dir, parts[i]);
		fingerprint(p, &h, out_dir, i > 0);
		free(p);
	}
	char *roots[3];
	site_theme_roots(roots);
	roots[2] = theme ? xstrdup(theme) : NULL;
	for (size_t i = 0; i < 3; i++) {
		if (roots[i])
			fingerprint(roots[i], &h, NULL, true);
		free(roots[i]);
	}
	return h;
}

/* {======= Changes, as the kernel reports them (inotify(7))
 *
 * Every folder under content/, templates/, themes/ and the themes beside vade is watched, and the
 * site folder itself for those three appearing. A change is acted on once the site has been quiet
 * for QUIET_MS (an editor's save is a write and a rename, a checkout many files), so a rebuild
 * starts some 50 ms after a save instead of up to 600 ms (the polling below, which also stat()ed
 * every file of the site three times a second: 30,000 files on a 10,000-page site). So are a theme
 * outside these (serve_watch_theme), the file each link to a file leads to, and a file with other
 * names (a hard link), which a write through another name reports to that name's folder alone. Names starting with
 * '.' are not watched under content/, nor editors' swap and lock files anywhere (skipped());
 * neither is the output folder, nor what a build writes beside it (its staging folder, lock and
 * records), should the output folder be inside a watched one. Without inotify (another kernel, or
 * the user's limit of watches reached) vade polls. */

#define QUIET_MS 50

struct watcher {
	int fd;                 /* inotify's, or -1: poll */
	struct watched {
		char *dir;      /* the folder it watches (owned), or NULL */
		unsigned walked; /* the last walk that went through it */
		bool file;      /* dir is a file: the target of a link to a file (a page, a template) */
	} *dirs;                /* by watch descriptor */
	size_t ndirs;
	unsigned walk;          /* walks so far (watch_all) */
	struct strmap links;    /* the links to folders found by the walks (real folder + name): removing,
	                         * replacing or moving one changes which folders the site has */
	const char *site;
	char *out;              /* the output folder's real path (or as given, before it is made) */
	char *out_parent, *out_base; /* where a build writes beside the output folder, and its name */
	bool changed, rewalk;   /* read by serve_quiet(), for the next wait */
	char *content;          /* content/'s real path, or NULL */
	bool others;            /* a change since serve_texts_only() last asked, not of a page's text alone */
	char *theme;            /* the theme folder the last build used, when outside the folders above
	                         * (site.yaml's `theme: ../shared`; serve_watch_theme), or NULL */
	bool asked;             /* serve_texts_only() has asked */
	struct strmap texts;    /* the pages' texts changed since serve_texts_only() last asked ("content/a.md") */
	char **named;           /* the ones it took when it last asked, sorted; NULL when it answered false */
	size_t nnamed;
	bool records_named;     /* a translations' record made, removed or renamed since it last asked: the
	                         * load lists content/i18n/ (its names are checked), so the site is loaded anew */
};

static bool skipped(const struct watcher *w, const char *dir, const char *name)
{
	/* Names starting with '.' or ending with '~': content/'s are never read (tree_list(); a link to
	 * one is an error), nor is what a build writes beside the output folder (".dist.vade-*"); a
	 * template may include one by name (helper-170: "partials/.dot.html" edited, no rebuild), so
	 * elsewhere only editors' and version control's are not watched. */
	if ((name[0] == '.' && !strcmp(dir, w->out_parent)) || tree_name_tooling(name) ||
	    (path_under(dir, w->content) && tree_name_unlisted(name)))
		return true;
	if (strcmp(dir, w->out_parent))
		return false;
	/* beside the output folder: "dist" itself and its staging folders "dist.tmp-XXXXXX" (output.h) */
	char *staging = xasprintf("%s.tmp-", w->out_base);
	bool ours = !strcmp(name, w->out_base) || path_temp_name(name, staging);
	free(staging);
	return ours;
}

/* The watches cannot all be made (the limit fs.inotify.max_user_watches, or memory): says so
 * and goes back to polling. */
static void watch_failed(struct watcher *w, const char *dir)
{
	fprintf(stderr, "vade: cannot watch %s (%s); looking for changes every 0.3 s instead\n", dir, strerror(errno));
	close(w->fd);
	w->fd = -1;
}

/* Watches folder path and, when it was not watched yet (or force), every folder under it. */
/* Registers watch descriptor wd for path (owned). */
static struct watched *watched_set(struct watcher *w, int wd, char *path)
{
	if ((size_t)wd >= w->ndirs) {
		size_t n = (size_t)wd * 2 + 16;
		w->dirs = xrealloc(w->dirs, n * sizeof *w->dirs);
		memset(w->dirs + w->ndirs, 0, (n - w->ndirs) * sizeof *w->dirs);
		w->ndirs = n;
	}
	struct watched *wt = &w->dirs[wd];
	free(wt->dir);
	wt->dir = path;
	return wt;
}

/* Watches path itself (a link, with IN_DONT_FOLLOW: re-pointed, it is replaced) or the file it is. */
static void watch_file(struct watcher *w, char *path, uint32_t how)
{
	int wd = inotify_add_watch(w->fd, path, IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | how);
	if (wd < 0) {
		if (errno == ENOSPC || errno == ENOMEM)
			watch_failed(w, path);
		free(path);
		return;
	}
	struct watched *wt = watched_set(w, wd, path);
	wt->file = true;
	wt->walked = w->walk;
}

/* Watches the file a link (path, in a watched folder) leads to, and each link on the way after the
 * first: their folders may be ones no walk watches (helper-170: content/p.md -> ../shared/p.md
 * edited, no rebuild; helper-172: a link in the middle of a chain re-pointed, no rebuild). */
static void watch_target(struct watcher *w, const char *path)
{
	char *at = xstrdup(path);
	for (int hops = 0; hops < 40 && w->fd >= 0; hops++) { /* (SYMLOOP_MAX, as the kernel) */
		char to[PATH_MAX];
		ssize_t n = readlink(at, to, sizeof to - 1);
		if (n < 0)
			break; /* the file itself */
		to[n] = '\0';
		char *dir = path_dir(at), *next = to[0] == '/' ? xstrdup(to) : path_join(dir, to);
		free(dir);
		free(at);
		at = next;
		struct stat lst;
		if (lstat(at, &lst) == 0 && S_ISLNK(lst.st_mode))
			watch_file(w, xstrdup(at), IN_DONT_FOLLOW);
	}
	free(at);
	char *real = realpath(path, NULL);
	if (real && w->fd >= 0)
		watch_file(w, real, 0);
	else
		free(real);
}

static void watch_add(struct watcher *w, const char *path, int depth, bool force)
{
	char *dir = realpath(path, NULL); /* the names events are compared with are real paths */
	if (!dir)
		return;
	int wd = inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
	                                           IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
	if (wd < 0) {
		if (errno == ENOSPC || errno == ENOMEM)
			watch_failed(w, dir);
		free(dir);
		return;
	}
	bool known = (size_t)wd < w->ndirs && w->dirs[wd].dir && !w->dirs[wd].file;
	struct watched *wt = watched_set(w, wd, dir);
	wt->file = false;
	/* A folder is walked once per walk (a link back to one above it is not followed again); one
	 * watched already has its folders watched, unless the walk is a full one (force). */
	if ((known && !force) || wt->walked == w->walk || depth > 64)
		return;
	wt->walked = w->walk;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && w->fd >= 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || skipped(w, dir, e->d_name))
			continue;
		char *p = path_join(dir, e->d_name);
		struct stat lst, st;
		bool link = lstat(p, &lst) == 0 && S_ISLNK(lst.st_mode);
		if (strcmp(p, w->out) && is_dir(p)) {
			if (link)
				strmap_put(&w->links, p, NULL);
			watch_add(w, p, depth + 1, force);
		} else if (link && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			watch_target(w, p);
		} else if (!link && S_ISREG(lst.st_mode) && lst.st_nlink > 1) {
			watch_file(w, xstrdup(p), 0); /* written through another of its names (helper-174) */
		}
		free(p);
	}
	if (d)
		closedir(d);
}

/* Watches every folder a build reads: at the start, and again when the kernel's queue overflowed
 * (its events lost). */
static void watch_all(struct watcher *w)
{
	static const char *const parts[] = {"content", "templates", "themes"};
	w->walk++;
	free(w->content);
	char *content = path_join(w->site, "content");
	w->content = realpath(content, NULL); /* as state_inputs() names it (none yet: nothing is a page's) */
	free(content);
	strmap_free(&w->links);
	w->links = (struct strmap)STRMAP_INIT_OWNED;
	for (size_t i = 0; w->fd >= 0 && i < 3; i++) {
		char *p = path_join(w->site, parts[i]);
		if (is_dir(p))
			watch_add(w, p, 0, true);
		free(p);
	}
	char *roots[3];
	site_theme_roots(roots);
	roots[2] = w->theme ? xstrdup(w->theme) : NULL;
	for (size_t i = 0; i < 3; i++) {
		if (roots[i] && w->fd >= 0 && is_dir(roots[i]))
			watch_add(w, roots[i], 0, true);
		free(roots[i]);
	}
	/* the site folder itself, for content/, templates/ or themes/ made or replaced (not walked) */
	if (w->fd >= 0 && inotify_add_watch(w->fd, w->site, IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM |
	                                                         IN_ONLYDIR) < 0 && (errno == ENOSPC || errno == ENOMEM))
		watch_failed(w, w->site);
	/* folders no longer in the site (moved out, or behind a link changed since) are not watched */
	for (size_t wd = 0; w->fd >= 0 && wd < w->ndirs; wd++)
		if (w->dirs[wd].dir && w->dirs[wd].walked != w->walk) {
			inotify_rm_watch(w->fd, (int)wd);
			free(w->dirs[wd].dir);
			w->dirs[wd].dir = NULL;
		}
}

static void watcher_open(struct watcher *w, const char *site_dir, const char *out_dir)
{
	*w = (struct watcher){.site = site_dir, .links = STRMAP_INIT_OWNED, .texts = STRMAP_INIT_OWNED};
	/* real paths, as the folders watched are named: "-o x" and "-o ./x" are one folder */
	char *out = path_real_or_new(out_dir);
	if (!out)
		out = xstrdup(out_dir);
	char *slash = strrchr(out, '/');
	w->out_base = xstrdup(slash ? slash + 1 : out);
	w->out_parent = path_dir(out);
	w->out = out;
	if (getenv("VADE_SERVE_POLL")) { /* for the tests: the polling, as on a kernel without inotify */
		w->fd = -1;
		return;
	}
	w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->fd >= 0)
		watch_all(w);
}

/* Whether event e in folder dir (a real path) leaves every input but the pages' texts as it was
 * (state.h: the digest of the rest): a regular file of state_page_input() written, made or removed.
 * Not one with other names (a hard link): the kernel reports a write in the folder of the name
 * written through, and a template linked as a page changed with no word from templates/ (helper-118). */
static bool text_only(const struct watcher *w, const char *dir, const struct inotify_event *e, bool link)
{
	if (!e->len || (e->mask & IN_ISDIR) || link || !state_page_input(w->content, dir, e->name))
		return false;
	char *p = path_join(dir, e->name);
	struct stat lst;
	bool ok = lstat(p, &lst) != 0 ? errno == ENOENT : S_ISREG(lst.st_mode) && lst.st_nlink == 1;
	free(p);
	return ok;
}

/* Whether the events read from the watch are a change to the site (not what a build writes).
 * A folder made in the site is watched at once, with the folders in it (before the rebuild reads
 * them, so that nothing saved in them after is missed), and so is one a new link leads to; *rewalk
 * is set when the site must be walked again: the kernel's queue overflowed (events were lost), or
 * a folder was moved or replaced (the names of the folders under it changed). */
static bool relevant(struct watcher *w, const char *buf, ssize_t len, bool *rewalk)
{
	bool any = false;
	for (const char *p = buf; p < buf + len;) {
		const struct inotify_event *e = (const struct inotify_event *)p;
		p += sizeof *e + e->len;
		if (e->mask & IN_Q_OVERFLOW) {
			*rewalk = any = w->others = true;
			continue;
		}
		if (e->mask & IN_IGNORED) {
			if (e->wd >= 0 && (size_t)e->wd < w->ndirs) {
				free(w->dirs[e->wd].dir);
				w->dirs[e->wd].dir = NULL;
			}
			continue;
		}
		const char *dir = e->wd >= 0 && (size_t)e->wd < w->ndirs ? w->dirs[e->wd].dir : NULL;
		if (!dir) { /* the site folder: only content/, templates/ and themes/ (made, replaced, re-linked) */
			bool ours = e->len && (!strcmp(e->name, "content") || !strcmp(e->name, "templates") ||
			                       !strcmp(e->name, "themes"));
			*rewalk = *rewalk || ours;
			any = any || ours;
			w->others = w->others || ours;
			continue;
		}
		if (w->dirs[e->wd].file) { /* a link's target: any change is one (a link makes a build walk all) */
			any = w->others = true;
			/* replaced (an editor's write and rename), or gone: the target is watched anew */
			*rewalk = *rewalk || (e->mask & (IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF));
			continue;
		}
		if (e->mask & IN_MOVE_SELF) {
			*rewalk = any = w->others = true;
			continue;
		}
		if (e->len && skipped(w, dir, e->name))
			continue;
		any = true;
		char *named = e->len ? path_join(dir, e->name) : NULL;
		bool link = named && strmap_get(&w->links, named);
		free(named);
		if (text_only(w, dir, e, link)) { /* named as the site names it (no link to a folder: see serve_texts_named) */
			char *rel = xasprintf("content%s/%s", dir + strlen(w->content), e->name);
			strmap_put(&w->texts, rel, NULL);
			w->records_named = w->records_named || (site_status_record(rel) &&
			                                        (e->mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)));
			free(rel);
		} else {
			w->others = true;
		}
		if (((e->mask & IN_ISDIR) && (e->mask & (IN_MOVED_TO | IN_MOVED_FROM))) ||
		    (link && (e->mask & (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE)))) {
			*rewalk = true; /* a folder moved, or a link to one removed or replaced */
		} else if (e->len && (e->mask & (IN_CREATE | IN_MOVED_TO))) {
			/* a folder made, or a link to one; or a link to a file */
			char *sub = path_join(dir, e->name);
			struct stat lst, st;
			bool made_link = lstat(sub, &lst) == 0 && S_ISLNK(lst.st_mode);
			if (strcmp(sub, w->out) && is_dir(sub)) {
				if (made_link)
					strmap_put(&w->links, sub, NULL);
				watch_add(w, sub, 1, false);
			} else if (made_link && stat(sub, &st) == 0 && S_ISREG(st.st_mode)) {
				watch_target(w, sub);
			} else if (!made_link && S_ISREG(lst.st_mode) && lst.st_nlink > 1) {
				watch_file(w, xstrdup(sub), 0);
			}
			free(sub);
		}
	}
	return any;
}

/* Reads every event the kernel has queued: whether one is a change to the site (relevant()). */
static bool drain(struct watcher *w, bool *rewalk)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool any = false;
	ssize_t n;
	while (w->fd >= 0 && (n = read(w->fd, buf, sizeof buf)) > 0)
		any = relevant(w, buf, n, rewalk) || any;
	return any;
}

/* Waits for a change to the site; returns true once it has been quiet for QUIET_MS, false when
 * nothing changed for timeout_ms (< 0: waits as long as it takes). */
static bool watcher_wait(struct watcher *w, int timeout_ms)
{
	bool changed = w->changed, rewalk = w->rewalk;
	w->changed = w->rewalk = false;
	while (w->fd >= 0) {
		struct pollfd pf = {w->fd, POLLIN, 0};
		int r = poll(&pf, 1, changed ? QUIET_MS : timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			break; /* quiet since the last change, or the time is up */
		changed = drain(w, &rewalk) || changed;
	}
	if (rewalk && w->fd >= 0)
		watch_all(w);
	return changed || w->fd < 0;
}

static void names_free(struct watcher *w)
{
	for (size_t i = 0; i < w->nnamed; i++)
		free(w->named[i]);
	free(w->named);
	w->named = NULL;
	w->nnamed = 0;
}

bool serve_texts_only(struct watcher *w)
{
	if (!w || w->fd < 0)
		return false;
	w->changed = drain(w, &w->rewalk) || w->changed;
	bool only = w->fd >= 0 && w->asked && !w->others;
	w->asked = true;
	w->others = false;
	names_free(w);
	if (only && !w->records_named) { /* taken in the map's order, sorted: the same changes give the same list */
		for (size_t i = 0; i < w->texts.nslots; i++)
			if (w->texts.keys[i])
				w->nnamed++;
		w->named = xcalloc(w->nnamed + 1, sizeof *w->named);
		for (size_t i = 0, k = 0; i < w->texts.nslots; i++)
			if (w->texts.keys[i])
				w->named[k++] = xstrdup(w->texts.keys[i]);
		xqsort(w->named, w->nnamed, sizeof *w->named, cmp_str);
	}
	strmap_free(&w->texts);
	w->texts = (struct strmap)STRMAP_INIT_OWNED;
	w->records_named = false;
	return only;
}

const char *const *serve_texts_named(const struct watcher *w, size_t *n)
{
	*n = w && w->named ? w->nnamed : 0;
	/* through a link to a folder in the site, one file has two names, of which an event gives one */
	return w && w->named && !w->links.used ? (const char *const *)w->named : NULL;
}

bool serve_quiet(struct watcher *w)
{
	if (!w || w->fd < 0)
		return false;
	w->changed = drain(w, &w->rewalk) || w->changed;
	return w->fd >= 0 && !w->changed && !w->rewalk;
}

static void watcher_close(struct watcher *w)
{
	if (w->fd >= 0)
		close(w->fd);
	for (size_t i = 0; i < w->ndirs; i++)
		free(w->dirs[i].dir);
	free(w->dirs);
	strmap_free(&w->links);
	strmap_free(&w->texts);
	names_free(w);
	free(w->out);
	free(w->out_parent);
	free(w->out_base);
	free(w->content);
	free(w->theme);
}

void serve_watch_theme(struct watcher *w, const char *theme)
{
	if (!w || (theme && w->theme && !strcmp(theme, w->theme)) || (!theme && !w->theme))
		return;
	free(w->theme);
	w->theme = theme ? xstrdup(theme) : NULL;
	if (w->fd >= 0)
		watch_all(w); /* (and a theme no longer used is watched no more) */
}

/* }======= */

/* After each build: one that failed says what is served (a success said how many pages it wrote). */
static void rebuilt(int rc)
{
	if (rc)
		fputs("vade: the build failed; the output folder is as the last build that succeeded left it\n", stderr);
	fflush(stdout);
}

/* {======= The output folder checked while serve waits (deps.h: deps_verify)
 *
 * VERIFY_FIRST_MS after a build, then every VERIFY_EVERY_MS or fifty times as long as a check took
 * (a check of 35,000 files takes some 0.1 s: 2 % of a core), for VERIFY_FOR_S after the last build;
 * then no more until the next one, which looks at every file itself. A check that finds a file not
 * as the last build left it asks for a rebuild; after such a rebuild failed (a folder made
 * read-only, something put in a file's way), not again before VERIFY_RETRY_S: it would otherwise
 * fail every few seconds, and one that later succeeds (the way cleared) is asked for within it. */

#define VERIFY_FIRST_MS 1000
#define VERIFY_EVERY_MS 5000
#define VERIFY_FOR_S 600
#define VERIFY_RETRY_S 60

struct verifying {
	bool (*verify)(void *);
	void *ctx;
	double built;           /* when the last build ended (monotonic seconds) */
	double due;             /* when the next check is, or < 0: none */
	double failed;          /* when a rebuild a check asked for failed, or < 0: none since the last build */
};

/* After a build (asked: one a check asked for) that ended with rc. */
static void verify_after_build(struct verifying *v, bool asked, int rc)
{
	v->built = monotonic_seconds();
	v->due = v->verify ? v->built + VERIFY_FIRST_MS / 1000.0 : -1;
	v->failed = asked && rc != 0 ? v->built : -1;
}

/* How long to wait for a change before the next check: -1, none is due. */
static int verify_wait_ms(const struct verifying *v)
{
	if (v->due < 0)
		return -1;
	double left = v->due - monotonic_seconds();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/* Checks when a check is due; true when it asks for a rebuild. */
static bool verify_now(struct verifying *v)
{
	double t = monotonic_seconds();
	if (v->due < 0 || t < v->due)
		return false;
	bool want = v->verify(v->ctx);
	double took = monotonic_seconds() - t, every = took * 50 > VERIFY_EVERY_MS / 1000.0 ? took * 50
	                                                                                     : VERIFY_EVERY_MS / 1000.0;
	v->due = t + took + every - v->built > VERIFY_FOR_S ? -1 : t + took + every;
	return want && (v->failed < 0 || t - v->failed >= VERIFY_RETRY_S);
}

/* }======= */

/* A build (asked: one a check asked for), said as it ended, and the checks after it set. */
static void build_once(struct verifying *v, int (*rebuild)(void *, struct watcher *), void *ctx, struct watcher *w,
                       bool asked)
{
	int rc = rebuild(ctx, w);
	rebuilt(rc);
	verify_after_build(v, asked, rc);
}

int serve_run(const char *site_dir, const char *out_dir, int port, int (*rebuild)(void *, struct watcher *),
              bool (*verify)(void *), void *ctx)
{
	/* Watched before the first build, so that nothing saved while it runs is missed. */
	struct watcher w;
	watcher_open(&w, site_dir, out_dir);
	struct verifying v = {.verify = verify, .ctx = ctx};
	build_once(&v, rebuild, ctx, &w, false);
	struct sockaddr_in addr = {0};
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* a preview is nobody else's business */
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)port, NULL, NULL, answer,
	                                        (void *)out_dir, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_UNESCAPE_CALLBACK,
	                                        keep_escapes, NULL, MHD_OPTION_URI_LOG_CALLBACK, request_query, NULL,
	                                        MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "vade: cannot listen on 127.0.0.1:%d (%s)\n", port, strerror(errno));
		watcher_close(&w);
		return 1;
	}
	char *shown = text_shown(out_dir);
	printf("vade: serving %s on http://127.0.0.1:%d/ (Ctrl-C stops)\n", shown, port);
	free(shown);
	fflush(stdout);
	/* Until Ctrl-C or SIGTERM, which main takes: it removes the staging folder of a rebuild
	 * under way and ends the process. */
	uint64_t last = w.fd < 0 ? site_fingerprint(site_dir, out_dir, w.theme) : 0;
	for (;;) {
		bool asked; /* (the build is one a check asks for, not a change) */
		if (w.fd >= 0) {
			asked = !watcher_wait(&w, verify_wait_ms(&v));
		} else {
			struct timespec ts = {0, 300 * 1000 * 1000};
			nanosleep(&ts, NULL);
			uint64_t now = site_fingerprint(site_dir, out_dir, w.theme);
			asked = now == last;
			if (!asked) { /* let an editor finish writing, then build what is there */
				nanosleep(&ts, NULL);
				last = site_fingerprint(site_dir, out_dir, w.theme);
			}
		}
		if (!asked || verify_now(&v))
			build_once(&v, rebuild, ctx, &w, asked);
	}
}
