/* serve.c — a preview server with rebuild on change. */
#include "serve.h"
#include "site.h"
#include "util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		if (*p == '%' && p[1] && p[2]) {
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

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	const char *root = cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		static const char msg[] = "method not allowed\n";
		struct MHD_Response *r = MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
		enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		MHD_destroy_response(r);
		return rc;
	}
	char *rel = url_path(url);
	char *path = rel ? xasprintf("%s%s%s", root, rel[0] == '/' ? "" : "/", rel) : NULL;
	if (path && is_dir(path)) {
		char *idx = path_join(path, "index.html");
		free(path);
		path = idx;
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

/* A cheap fingerprint of a folder tree: names, sizes and modification times. */
static void fingerprint(const char *dir, uint64_t *h, const char *skip)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = path_join(dir, e->d_name);
		struct stat st;
		if ((!skip || strcmp(p, skip)) && lstat(p, &st) == 0) {
			for (const char *c = p; *c; c++)
				*h = (*h ^ (unsigned char)*c) * 0x100000001b3ULL;
			*h = (*h ^ (uint64_t)st.st_size) * 0x100000001b3ULL;
			*h = (*h ^ (uint64_t)st.st_mtim.tv_sec) * 0x100000001b3ULL;
			*h = (*h ^ (uint64_t)st.st_mtim.tv_nsec) * 0x100000001b3ULL;
			if (S_ISDIR(st.st_mode))
				fingerprint(p, h, skip);
		}
		free(p);
	}
	closedir(d);
}

static uint64_t site_fingerprint(const char *site_dir, const char *out_dir)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	static const char *const parts[] = {"content", "templates", "themes"};
	for (size_t i = 0; i < 3; i++) {
		char *p = path_join(site_dir, parts[i]);
		fingerprint(p, &h, out_dir);
		free(p);
	}
	char *roots[2];
	site_theme_roots(roots);
	for (size_t i = 0; i < 2; i++) {
		if (roots[i])
			fingerprint(roots[i], &h, NULL);
		free(roots[i]);
	}
	return h;
}

int serve_run(const char *site_dir, const char *out_dir, int port, int (*rebuild)(void *), void *ctx)
{
	rebuild(ctx);
	struct sockaddr_in addr = {0};
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* a preview is nobody else's business */
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)port, NULL, NULL, answer,
	                                        (void *)out_dir, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "vade: cannot listen on 127.0.0.1:%d (%s)\n", port, strerror(errno));
		return 1;
	}
	printf("vade: serving %s on http://127.0.0.1:%d/ (Ctrl-C stops)\n", out_dir, port);
	fflush(stdout);
	/* Until Ctrl-C or SIGTERM, which main takes: it removes the staging folder of a rebuild
	 * under way and ends the process. */
	uint64_t last = site_fingerprint(site_dir, out_dir);
	for (;;) {
		struct timespec ts = {0, 300 * 1000 * 1000};
		nanosleep(&ts, NULL);
		uint64_t now = site_fingerprint(site_dir, out_dir);
		if (now != last) {
			/* Let an editor finish writing, then build what is there. */
			nanosleep(&ts, NULL);
			last = site_fingerprint(site_dir, out_dir);
			rebuild(ctx);
			fflush(stdout);
		}
	}
}
