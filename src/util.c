/* util.c — memory, buffers, files. */
#include "util.h"

#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <xxhash.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

char buf_empty[1];

static void die_oom(void)
{
	fputs("vade: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xgrow(void *p, size_t n, size_t size)
{
	if (n & (n - 1)) /* neither 0 nor a power of two: the room is there */
		return p;
	size_t cap = n ? 2 * n : 1;
	if (cap < n || cap > SIZE_MAX / size)
		die_oom();
	return xrealloc(p, cap * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* fmt formatted into a block of its own size, its length in *len: once into a buffer on the stack,
 * and a second time only when that was too small (git's strbuf_vaddf() does the same). The texts
 * made this way are many and some are kept (labels, paths, ids: issue 13). An encoding error gives
 * "", as it always did. */
static char *vformat(size_t *len, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof small, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0, small[0] = '\0';
	char *p = xmalloc((size_t)n + 1);
	if ((size_t)n < sizeof small)
		memcpy(p, small, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	*len = (size_t)n;
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	size_t n;
	va_list ap;
	va_start(ap, fmt);
	char *p = vformat(&n, fmt, ap);
	va_end(ap);
	return p;
}

void buf_init(struct buf *b)
{
	b->p = buf_empty;
	b->len = b->cap = 0;
}

void buf_grow(struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX / 2 - b->len)
		die_oom(); /* a size that wrapped around is a bug; never loop on it */
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (b->cap == 0) {
		b->p = xmalloc(cap);
		b->p[0] = '\0';
	} else {
		b->p = xrealloc(b->p, cap);
	}
	b->cap = cap;
}

void buf_add(struct buf *b, const void *s, size_t n)
{
	if (!n)
		return;
	buf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void buf_add_pct(struct buf *b, const char *s, size_t n, const char *also, enum pct_high high)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = 1;
		uint32_t cp;
		/* with PCT_HIGH_UTF8, a C1 control or a noncharacter is encoded, as a control byte is: HTML
		 * refuses it raw in a page (helper-126: "c1\u0085x/" went raw into links) */
		bool keep = c < 0x80 ? c >= 0x20 && c != 0x7f && !strchr(also, c)
		            : high == PCT_HIGH_RAW || (high == PCT_HIGH_UTF8 && (k = utf8_decode(s + i, n - i, &cp)) &&
		                                       cp > 0x9f && !unicode_noncharacter(cp));
		if (keep) {
			i += k;
			continue;
		}
		char e[3] = {'%', hex[c >> 4], hex[c & 15]};
		buf_add(b, s + start, i - start);
		buf_add(b, e, 3);
		start = ++i;
	}
	buf_add(b, s + start, n - start);
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Formatted into the room the buffer has, and a second time only when that was too small; a buffer
 * without a block yet takes vformat()'s. */
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	if (!b->cap) {
		size_t n;
		char *p = vformat(&n, fmt, ap);
		if (!n) {
			free(p);
			return;
		}
		b->p = p, b->len = n, b->cap = n + 1;
		return;
	}
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n <= 0) {
		b->p[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->p[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->cap ? b->p : xstrdup("");
	if (len)
		*len = b->len;
	buf_init(b);
	return p;
}

void buf_free(struct buf *b)
{
	if (b->cap)
		free(b->p);
	buf_init(b);
}

void vec_push(struct vec *v, void *item)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->v = xrealloc(v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = item;
}

void vec_push_once(struct vec *v, char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s)) {
			free(s);
			return;
		}
	vec_push(v, s);
}

void vec_free(struct vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

void vec_free_items(struct vec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	vec_free(v);
}

static int read_file(const char *path, char **out, size_t *len, bool regular)
{
	/* Not blocking on open: a FIFO where a regular file is wanted is refused, not waited on. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | (regular ? O_NONBLOCK : 0));
	if (fd < 0)
		return -1;
	struct stat st;
	int e = 0;
	if (fstat(fd, &st) != 0)
		e = errno;
	else if (regular && !S_ISREG(st.st_mode))
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	/* Sized from fstat, so that the text is a block of its own size (before, the next power of two past
	 * size + 64 KiB); a file that grows while read is read to its end anyway. */
	struct buf b = BUF_INIT;
	size_t want = st.st_size > 0 ? (size_t)st.st_size : 0;
	b.p = xmalloc(want + 2); /* one byte past the size: a read that fills it is not yet the end */
	b.p[0] = '\0';
	b.cap = want + 2;
	for (;;) {
		if (b.cap - b.len - 1 == 0)
			buf_grow(&b, 65536);
		ssize_t n = read(fd, b.p + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) { /* the read's own reason: a folder is EISDIR, not a disk fault */
			e = errno;
			close(fd);
			buf_free(&b);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
	}
	b.p[b.len] = '\0';
	close(fd);
	*out = buf_detach(&b, len);
	return 0;
}

/* The records mapped now, for the SIGBUS handler: a mapped file that another program cuts short
 * under a build (a record is vade's, but nothing stops a user's truncate, or another client of a
 * network file system) makes a read past its new end a SIGBUS. The handler names the file before
 * vade dies of the signal, as it would have; any other SIGBUS is left as it is. A slot is free at
 * 0, taken at 1 while it is filled. */
#define GUARDED 8
static struct {
	_Atomic uintptr_t at;
	size_t len;
	char path[512];
} guarded[GUARDED];

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	uintptr_t a = (uintptr_t)si->si_addr;
	for (size_t i = 0; i < GUARDED; i++) {
		uintptr_t at = atomic_load(&guarded[i].at);
		if (at > 1 && a >= at && a - at < guarded[i].len) {
			static const char head[] = "vade: stopped: ",
			                  tail[] = " was cut short by another program while this build read it; build again "
			                           "(the record is then ignored)\n";
			ssize_t w = write(STDERR_FILENO, head, sizeof head - 1);
			w = write(STDERR_FILENO, guarded[i].path, strlen(guarded[i].path));
			w = write(STDERR_FILENO, tail, sizeof tail - 1);
			(void)w;
			break;
		}
	}
	/* SA_RESETHAND: the read faults again on return, and vade dies of SIGBUS */
}

static void guard_install(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

static void guard(const char *path, const void *p, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, guard_install);
	for (size_t i = 0; i < GUARDED; i++) {
		uintptr_t free_slot = 0;
		if (atomic_compare_exchange_strong(&guarded[i].at, &free_slot, 1)) {
			guarded[i].len = len;
			snprintf(guarded[i].path, sizeof guarded[i].path, "%s", path);
			atomic_store(&guarded[i].at, (uintptr_t)p);
			return;
		}
	}
}

static void unguard(const void *p)
{
	for (size_t i = 0; i < GUARDED; i++) {
		uintptr_t at = (uintptr_t)p;
		if (atomic_compare_exchange_strong(&guarded[i].at, &at, 0))
			return;
	}
}

int bin_map(const char *path, const char head[16], struct bin_map *m)
{
	*m = (struct bin_map){0};
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e = 0;
	struct stat st;
	char first[16];
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		e = errno;
	else if (!S_ISREG(st.st_mode) || st.st_size < 24 || st.st_size % 8 || (uint64_t)st.st_size > SIZE_MAX)
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	else if (pread(fd, first, 16, 0) != 16 || memcmp(first, head, 16)) /* not mapped, however large */
		e = EINVAL;
	void *p = e ? MAP_FAILED : mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (!e && p == MAP_FAILED)
		e = errno;
	close(fd);
	if (e) {
		errno = e;
		return -1;
	}
	*m = (struct bin_map){p, (size_t)st.st_size, {0}};
	file_version(&st, m->version);
	guard(path, p, m->len);
	uint64_t sum;
	memcpy(&sum, m->p + m->len - 8, 8);
	if (sum != XXH3_64bits(m->p, m->len - 8)) { /* cut short, or written by something else */
		bin_unmap(m);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

uint64_t bin_map_sum(const struct bin_map *m)
{
	uint64_t sum;
	memcpy(&sum, m->p + m->len - 8, 8);
	return sum;
}

void bin_unmap(struct bin_map *m)
{
	if (m->p) {
		unguard(m->p);
		munmap((void *)m->p, m->len);
	}
	*m = (struct bin_map){0};
}

char *bin_patch_path(const char *path)
{
	return xasprintf("%s-patch", path);
}

int bin_patched_map(const char *path, const char head[16], const char patch_head[16], struct bin_patched *r)
{
	*r = (struct bin_patched){{NULL, 0, {0}}, {NULL, 0, {0}}, false};
	if (bin_map(path, head, &r->whole) != 0)
		return -1;
	bin_patched_remap(path, patch_head, r);
	return 0;
}

void bin_patched_remap(const char *path, const char patch_head[16], struct bin_patched *r)
{
	bin_unmap(&r->patch);
	r->damaged = false;
	char *ppath = bin_patch_path(path);
	if (bin_map(ppath, patch_head, &r->patch) != 0) {
		r->damaged = errno != ENOENT;
	} else if (r->patch.len < BIN_PATCH_BODY + 8) {
		bin_unmap(&r->patch);
		r->damaged = true;
	} else {
		uint64_t of;
		memcpy(&of, r->patch.p + 16, 8);
		if (of != bin_map_sum(&r->whole))
			bin_unmap(&r->patch);
	}
	free(ppath);
}

void bin_patched_unmap(struct bin_patched *r)
{
	bin_unmap(&r->whole);
	bin_unmap(&r->patch);
	r->damaged = false;
}

const char *bin_patched_end(const struct bin_patched *r, const char *p)
{
	if (r->patch.p && p >= r->patch.p && p < r->patch.p + r->patch.len)
		return r->patch.p + r->patch.len - 8;
	return r->whole.p + r->whole.len - 8;
}

bool bin_patch_fits(size_t changed, size_t n)
{
	return changed <= 64 + n / 8 && changed <= n / 2;
}

void bin_put_head(struct buf *b, const char head[16], const char patch_head[16], const struct bin_map *of)
{
	buf_add(b, of ? patch_head : head, 16);
	if (of)
		bin_put_u64(b, bin_map_sum(of));
}

int bin_patched_install(const char *path, char *tmp, bool patch)
{
	char *ppath = bin_patch_path(path);
	const char *to = patch ? ppath : path;
	int rc = tmp && rename(tmp, to) == 0 ? 0 : -1;
	if (rc != 0) {
		if (tmp)
			unlink(tmp);
		unlink(path);
		unlink(ppath);
	} else if (!patch) {
		unlink(ppath);
	}
	free(ppath);
	free(tmp);
	return rc;
}

void bin_patched_remove(const char *path)
{
	char *ppath = bin_patch_path(path);
	unlink(path);
	unlink(ppath);
	free(ppath);
}

int file_read(const char *path, char **out, size_t *len)
{
	return read_file(path, out, len, false);
}

int file_read_regular(const char *path, char **out, size_t *len)
{
	return read_file(path, out, len, true);
}

bool path_under(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;
	return n && !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

char *path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	return !slash ? xstrdup(".") : slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* From the deepest folder up: a new page's folder usually lacks only its last part, and each
 * mkdir() of a folder that is there takes its parent's lock and walks the whole path (trying every
 * part from the root was some 4 failed calls per page of a large build; issue 13). */
void file_version(const struct stat *st, int64_t v[FILE_VERSION])
{
	const int64_t f[FILE_VERSION] = {st->st_size, st->st_mtim.tv_sec, st->st_mtim.tv_nsec, st->st_ctim.tv_sec,
	                                 st->st_ctim.tv_nsec, (int64_t)st->st_ino, (int64_t)st->st_dev};
	memcpy(v, f, sizeof f);
}

uint64_t file_version_id(const struct stat *st, time_t since)
{
	if (st->st_mtim.tv_sec >= since - FILE_RACY || st->st_ctim.tv_sec >= since - FILE_RACY)
		return 0;
	int64_t v[FILE_VERSION];
	file_version(st, v);
	uint64_t h = XXH3_64bits(v, sizeof v);
	return h ? h : 1;
}

int mkdir_p(const char *path)
{
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT || !strchr(path, '/'))
		return -1;
	char *parent = path_dir(path);
	int rc = strcmp(parent, path) && strcmp(parent, "/") ? mkdir_p(parent) : -1;
	free(parent);
	if (rc != 0)
		return -1;
	return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_write(const char *path, const void *data, size_t len)
{
	/* The folder usually exists: make it only when the first open says so. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 && errno == ENOENT && strrchr(path, '/')) {
		char *dir = path_dir(path);
		int rc = mkdir_p(dir);
		free(dir);
		if (rc)
			return -1;
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	}
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

mode_t process_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long m;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Umask: %lo", &m) == 1) {
			fclose(f);
			return (mode_t)m;
		}
	if (f)
		fclose(f);
	mode_t mask = umask(022); /* (a kernel before 4.7: read by setting it, and set back at once) */
	umask(mask);
	return mask;
}

/* mkstemp() makes the file 0600; a new file gets what open(path, 0666) would give. */
static mode_t new_file_mode(void)
{
	return 0666 & ~process_umask();
}

/* Removes what match(name, arg) takes in dir that a killed process left (util.h). */
static void sweep(const char *dir, bool (*match)(const char *name, const char *arg), const char *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);
	while (d && (e = readdir(d))) {
		struct stat st;
		if (match(e->d_name, arg) && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_uid == geteuid() && now - st.st_mtime > 60)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d)
		closedir(d);
}

static bool prefix_temp(const char *name, const char *prefix) { return path_temp_name(name, prefix); }

void file_sweep_temps(const char *prefix)
{
	char *dir = path_dir(prefix);
	const char *slash = strrchr(prefix, '/');
	sweep(dir, prefix_temp, slash ? slash + 1 : prefix);
	free(dir);
}

/* The names in folders file_stage() wrote into that look like its temporary files (".<name>.vade-
 * tmp-XXXXXX"), listed once per folder and process: listing the folder for each file staged cost
 * n² for n files written into one folder (issue 13). A file's own are removed when it is staged,
 * by sweep()'s rule, as before: nothing but what a killed writer of that very file left. */
static pthread_mutex_t stage_lock = PTHREAD_MUTEX_INITIALIZER;
static struct strmap stage_dirs = STRMAP_INIT_OWNED; /* folder: 1 + its list in stage_names */
static struct vec stage_names;  /* struct vec * of char *: the temporary-looking names of a folder */

static void sweep_stage(const char *dir, const char *base)
{
	pthread_mutex_lock(&stage_lock);
	bool added;
	size_t *at = strmap_put(&stage_dirs, dir, &added);
	if (added) {
		struct vec *names = xcalloc(1, sizeof *names);
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (e->d_name[0] == '.' && strstr(e->d_name + 1, ".vade-tmp-"))
				vec_push(names, xstrdup(e->d_name));
		if (d)
			closedir(d);
		vec_push(&stage_names, names);
		*at = stage_names.n;
	}
	struct vec *names = stage_names.v[*at - 1];
	bool any = false;
	for (size_t i = 0; i < names->n && !any; i++)
		any = path_temp_name(names->v[i], base);
	pthread_mutex_unlock(&stage_lock);
	if (any) /* rare: a writer was killed; the folder is read again, by the rule of old */
		sweep(dir, prefix_temp, base);
}

int file_stage(const char *path, const void *data, size_t len, char **tmp_out)
{
	const char *slash = strrchr(path, '/');
	char *dir = path_dir(path);
	char *tmp = xasprintf("%s/.%s.vade-tmp-XXXXXX", dir, slash ? slash + 1 : path);
	tmp[strlen(tmp) - 6] = '\0';
	sweep_stage(dir, strrchr(tmp, '/') + 1); /* what a process killed while writing this file left */
	strcat(tmp, "XXXXXX");
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && slash && mkdir_p(dir) == 0) {
		strcpy(tmp + strlen(tmp) - 6, "XXXXXX");
		fd = mkostemp(tmp, O_CLOEXEC);
	}
	free(dir);
	int rc = fd < 0 ? -1 : 0;
	if (!rc) {
		struct stat st;
		mode_t mode = stat(path, &st) == 0 ? st.st_mode & 07777 : new_file_mode();
		if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0)
			rc = -1;
		if (close(fd) != 0)
			rc = -1;
		if (rc) {
			int e = errno;
			unlink(tmp);
			errno = e;
		}
	}
	if (rc) {
		free(tmp);
		tmp = NULL;
	}
	*tmp_out = tmp;
	return rc;
}

int file_stage_commit(const char *tmp, const char *path)
{
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	/* The rename lasts a crash only once the folder is synced too; a folder
	 * that cannot be opened or synced does not undo the write. */
	char *dir = path_dir(path);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	return 0;
}

int file_write_atomic(const char *path, const void *data, size_t len)
{
	char *tmp;
	if (file_stage(path, data, len, &tmp) != 0)
		return -1;
	int rc = file_stage_commit(tmp, path);
	free(tmp);
	return rc;
}

int file_update(const char *path, const void *data, size_t len)
{
	char *old = NULL;
	size_t ol = 0;
	bool same = file_read(path, &old, &ol) == 0 && ol == len && !memcmp(old, data, len);
	free(old);
	if (same)
		return 0;
	return file_write_atomic(path, data, len) == 0 ? 1 : -1;
}

bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *path_join(const char *a, const char *b)
{
	if (!*a || !strcmp(a, "."))
		return xstrdup(b);
	size_t la = strlen(a);
	return xasprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

size_t utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c = len ? s[0] : 0x80;
	size_t n;
	uint32_t min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 1, min = 0x80, c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2, min = 0x800, c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	for (size_t k = 1; k <= n; k++) {
		if (k >= len || (s[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n + 1;
}

char *utf8_repaired(const char *s)
{
	size_t n = strlen(s);
	if (utf8_invalid_at(s, n) < 0 && !strstr(s, "\xef\xbf\xbd"))
		return NULL;
	/* each byte that is no UTF-8 as U+FFFD and its two hex digits; a U+FFFD of the name as U+FFFD and
	 * '+': every U+FFFD made is followed by what says which, so no two names are one (helper-125:
	 * "caf\xe9" was the name "caf\uFFFDE9") */
	struct buf b = BUF_INIT;
	for (size_t at = 0; at < n;) {
		uint32_t cp;
		size_t k = (unsigned char)s[at] < 0x80 ? 1 : utf8_decode(s + at, n - at, &cp);
		if (!k)
			buf_addf(&b, "\xef\xbf\xbd%02X", (unsigned char)s[at]), k = 1;
		else if (k == 3 && cp == 0xfffd)
			buf_adds(&b, "\xef\xbf\xbd+");
		else
			buf_add(&b, s + at, k);
		at += k;
	}
	return buf_detach(&b, NULL);
}

/* Whether code point c is a control character HTML does not allow in a page: C0 but tab and line
 * ends, DEL, C1. */
static bool unallowed_control(uint32_t c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f);
}

bool unicode_unallowed(uint32_t c)
{
	return unallowed_control(c) || unicode_noncharacter(c);
}

/* The first character of s[0, len) that is unallowed_control(), or with nonchar a noncharacter too,
 * in one pass; bytes that are no UTF-8 are passed over. */
static long unallowed_at(const char *s, size_t len, bool nonchar, uint32_t *cp)
{
	for (size_t i = 0, k; i < len; i += k ? k : 1) {
		unsigned char b = (unsigned char)s[i];
		uint32_t c;
		if (b >= 0x20 && b < 0x7f) { /* most of any text: no decoding */
			k = 1;
			continue;
		}
		/* only C2 (C1 controls), EF (U+FDD0-FDEF, U+FFFE, U+FFFF) and F0-F4 (the ends of the other
		 * planes) lead what is looked for: another sequence is passed over by its length */
		if (b >= 0xc3 && b != 0xef && b < 0xf0) {
			k = utf8_invalid_len(s + i, len - i);
			k = b < 0xe0 ? (k == 2 ? 2 : 1) : (k == 3 ? 3 : 1);
			continue;
		}
		k = b < 0x80 ? (c = b, 1) : utf8_decode(s + i, len - i, &c);
		if (k && (unallowed_control(c) || (nonchar && unicode_noncharacter(c)))) {
			*cp = c;
			return (long)i;
		}
	}
	return -1;
}

long text_control_at(const char *s, size_t len, uint32_t *cp)
{
	return unallowed_at(s, len, false, cp);
}

bool script_unspaced(uint32_t c)
{
	if (c < 0x0e00)
		return false;
	UErrorCode e = U_ZERO_ERROR;
	UScriptCode sc = uscript_getScript((UChar32)c, &e);
	return U_SUCCESS(e) && (sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
	                        sc == USCRIPT_THAI || sc == USCRIPT_LAO || sc == USCRIPT_KHMER || sc == USCRIPT_MYANMAR);
}

bool char_shows_nothing(uint32_t c)
{
	/* every such character is at U+00AD or above: most of any text is answered without ICU */
	return c >= 0xad && u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

bool char_stray_invisible(const char *s, size_t n, size_t i, size_t k, uint32_t c, uint32_t prev)
{
	if (!char_shows_nothing(c))
		return false;
	uint32_t next = 0;
	if (i + k < n && !utf8_decode(s + i + k, n - i - k, &next))
		next = 0;
	const uint32_t letter = U_GC_L_MASK | U_GC_M_MASK;
	bool joins = (c == 0x200c || c == 0x200d) && prev >= 0x80 && next >= 0x80 && (U_GET_GC_MASK(prev) & letter) &&
	             (U_GET_GC_MASK(next) & letter);
	/* an emoji ZWJ sequence (UTS #51: "👩\u200d💻", "🏳\ufe0f\u200d🌈", a skin tone before the joiner) */
	bool pictograph = u_hasBinaryProperty((UChar32)prev, UCHAR_EXTENDED_PICTOGRAPHIC) || prev == 0xfe0f ||
	                  u_hasBinaryProperty((UChar32)prev, UCHAR_EMOJI_MODIFIER);
	joins = joins || (c == 0x200d && pictograph && u_hasBinaryProperty((UChar32)next, UCHAR_EXTENDED_PICTOGRAPHIC));
	/* a joiner after a virama (RFC 5892's CONTEXTJ: Malayalam's chillu, "അവന്\u200d", ends a word so) */
	joins = joins || ((c == 0x200c || c == 0x200d) && u_getCombiningClass((UChar32)prev) == 9);
	/* the tags of a flag's tag sequence (UTS #51: U+1F3F4, then tags, U+E007F: Scotland's flag) */
	if (c >= 0xe0020 && c <= 0xe007f && (prev == 0x1f3f4 || (prev >= 0xe0020 && prev <= 0xe007e)))
		return false;
	/* and a keycap ("1\ufe0f\u20e3": a digit, '#' or '*' before, U+20E3 after) */
	bool selects = u_hasBinaryProperty((UChar32)c, UCHAR_VARIATION_SELECTOR) &&
	               (prev >= 0x80 || (next == 0x20e3 && ((prev >= '0' && prev <= '9') || prev == '#' || prev == '*')));
	return !joins && !selects;
}

bool unicode_noncharacter(uint32_t c)
{
	return (c >= 0xfdd0 && c <= 0xfdef) || ((c & 0xfffe) == 0xfffe && c <= 0x10ffff);
}

/* Whether s holds an opener at all (LRE...RLO but PDF: E2 80 AA-AE; LRI...FSI: E2 81 A6-A8), found
 * with memchr: most texts hold none, and every page's and value's is looked at (a per-byte pass was
 * a hundredth of a 10,000-page build's CPU). */
static bool bidi_opener_in(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	for (; (p = memchr(p, 0xe2, (size_t)(e - p))) && e - p >= 3; p++)
		if ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae && p[2] != 0xac) ||
		    (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa8))
			return true;
	return false;
}

long bidi_unclosed_at(const char *s, size_t len, uint32_t *cp, size_t *next)
{
	enum { DEPTH = 125 }; /* UAX #9's max_depth */
	if (!bidi_opener_in(s, len))
		return -1;
	size_t open[DEPTH + 1];  /* where each opener on the stack starts */
	bool isolate[DEPTH + 1];
	size_t depth = 0, over = 0; /* openers past the depth, never paired */
	for (size_t i = 0; i <= len;) {
		const unsigned char *p = (const unsigned char *)s + i;
		bool end = i == len;
		uint32_t c = 0;
		size_t n = 1;
		if (!end && p[0] == 0xe2 && i + 2 < len && (p[1] == 0x80 || p[1] == 0x81))
			c = 0x2000u | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f), n = 3;
		/* a paragraph ends at a blank line (a line with white space alone) or U+2029 */
		if (!end && p[0] == '\n') {
			size_t k = i + 1;
			while (k < len && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
				k++;
			end = k < len && s[k] == '\n';
		}
		if (end || c == 0x2029) {
			if (depth || over) {
				size_t first = depth ? open[0] : i;
				const unsigned char *q = (const unsigned char *)s + first;
				if (cp)
					*cp = 0x2000u | (uint32_t)(q[1] & 0x3f) << 6 | (q[2] & 0x3f);
				if (next)
					*next = i + n < len ? i + n : len;
				return (long)first;
			}
			depth = over = 0;
			i += n;
			continue;
		}
		if ((c >= 0x202a && c <= 0x202e && c != 0x202c) || (c >= 0x2066 && c <= 0x2068)) {
			if (depth < DEPTH)
				open[depth] = i, isolate[depth] = c >= 0x2066, depth++;
			else
				over++;
		} else if (c == 0x202c && over) {
			over--;
		} else if (c == 0x202c && depth && !isolate[depth - 1]) {
			depth--; /* a PDF closes the last embedding or override, none past an isolate (X7) */
		} else if (c == 0x2069) {
			over = 0; /* a PDI closes its isolate and whatever opened after it (X6a) */
			size_t k = depth;
			while (k && !isolate[k - 1])
				k--;
			if (k)
				depth = k - 1;
		}
		i += n;
	}
	return -1;
}

const char *bidi_opener_kind(uint32_t cp)
{
	return cp >= 0x2066 ? "isolate" : cp == 0x202d || cp == 0x202e ? "override" : "embedding";
}

uint32_t bidi_closer(uint32_t cp)
{
	return cp >= 0x2066 ? 0x2069u : 0x202cu;
}

long text_unallowed_at(const char *s, size_t len, uint32_t *cp)
{
	return unallowed_at(s, len, true, cp);
}

void text_unallowed_replace(struct buf *b, size_t from)
{
	uint32_t cp;
	size_t i = from;
	long at = i < b->len ? text_unallowed_at(b->p + i, b->len - i, &cp) : -1;
	if (at < 0)
		return;
	struct buf out = BUF_INIT;
	buf_add(&out, b->p, from);
	while (at >= 0) {
		buf_add(&out, b->p + i, (size_t)at);
		buf_adds(&out, "\xef\xbf\xbd");
		i += (size_t)at + (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
		at = i < b->len ? text_unallowed_at(b->p + i, b->len - i, &cp) : -1;
	}
	buf_add(&out, b->p + i, b->len - i);
	buf_free(b);
	*b = out;
}

long utf8_invalid_at(const char *str, size_t len)
{
	for (size_t i = 0, k; i < len; i += k) {
		uint32_t cp;
		if ((unsigned char)str[i] < 0x80)
			k = 1;
		else if (!(k = utf8_decode(str + i, len - i, &cp)))
			return (long)i;
	}
	return -1;
}

size_t mem_count_byte(const void *p, size_t n, unsigned char c)
{
	const unsigned char *s = p;
	const uint64_t ones = 0x0101010101010101u, low7 = 0x7F7F7F7F7F7F7F7Fu, rep = ones * c;
	size_t count = 0, i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		w ^= rep; /* the bytes that are c are now 0 */
		/* each byte's top bit: set when any of its bits is (no carry leaves a byte: 0x7F + 0x7F) */
		uint64_t nonzero = ((w & low7) + low7) | w;
		uint64_t zero = (~nonzero >> 7) & ones; /* 1 in each byte that is 0 */
		count += (size_t)((zero * ones) >> 56);  /* their sum, at most 8, in the top byte */
	}
	for (; i < n; i++)
		count += s[i] == c;
	return count;
}

size_t utf8_invalid_len(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	/* the lead byte's continuation bytes (Unicode 3.9, Table 3-7): how many, and the range of the
	 * first (the others 80..BF) */
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 2, lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 3, lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	else
		return 1; /* 80..C1, F5..FF: no lead byte */
	size_t k = 1;
	for (; k <= n && k < len; k++) {
		unsigned char c = s[k], l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xbf;
		if (c < l || c > h)
			break;
	}
	return k;
}

char *utf8_replaced(const char *s, size_t n, const char *with)
{
	struct buf b = BUF_INIT;
	for (size_t at = 0; at < n;) {
		uint32_t cp;
		size_t k = (unsigned char)s[at] < 0x80 ? 1 : utf8_decode(s + at, n - at, &cp);
		if (k)
			buf_add(&b, s + at, k);
		else
			buf_adds(&b, with), k = utf8_invalid_len(s + at, n - at);
		at += k;
	}
	return buf_detach(&b, NULL);
}

void text_pos(const char *s, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == off || s[i + 1] != '\n')))
			l++, c = 1;
		else if (((unsigned char)s[i] & 0xc0) != 0x80 && s[i] != '\r')
			c++;
	}
	*line = l;
	*col = c;
}

int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void *xbsearch(const void *key, const void *base, size_t n, size_t size,
               int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}

/* {======= strmap */

/* A key's hash: XXH3 with a seed drawn once a process from the kernel. FNV-1a's low bits, which pick
 * a slot, depend on the key's low bits alone, and words made to share them (3^11 of them from three
 * blocks of four letters a place) made every map that holds a site's words quadratic: UI strings,
 * headings' ids, the search index, data and bibliography ids (helper-167: 128,000 such keys took
 * 12.6 s). Unknown to the text, the seed cannot be aimed at. Nothing vade writes depends on the
 * order of a map's slots, so the seed changes no output. */
static uint64_t hash_seed;
static pthread_once_t hash_seed_once = PTHREAD_ONCE_INIT;

static void hash_seed_init(void)
{
	if (getrandom(&hash_seed, sizeof hash_seed, GRND_NONBLOCK) != (ssize_t)sizeof hash_seed)
		hash_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&hash_seed;
}

static uint64_t key_hash(const char *s)
{
	pthread_once(&hash_seed_once, hash_seed_init);
	return XXH3_64bits_withSeed(s, strlen(s), hash_seed);
}

/* The slot of key (hash h): where it is, or the empty slot where it would go. nslots is a power of
 * two. A key is compared only where the hash is the same (issue 13: these comparisons were 7 % of a
 * large build's CPU, most of them between different keys). */
static size_t strmap_slot(const struct strmap *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->nslots - 1);
	while (m->keys[i] && (m->hashes[i] != h || strcmp(m->keys[i], key)))
		i = (i + 1) & (m->nslots - 1);
	return i;
}

size_t *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->nslots)
		return NULL;
	size_t i = strmap_slot(m, key, key_hash(key));
	return m->keys[i] ? &m->vals[i] : NULL;
}

const char *strmap_key(const struct strmap *m, const char *key)
{
	return m->nslots ? m->keys[strmap_slot(m, key, key_hash(key))] : NULL;
}

size_t *strmap_put(struct strmap *m, const char *key, bool *added)
{
	if ((m->used + 1) * 2 > m->nslots) {
		struct strmap old = *m;
		m->nslots = old.nslots ? old.nslots * 2 : 64;
		m->keys = xcalloc(m->nslots, sizeof *m->keys);
		m->vals = xcalloc(m->nslots, sizeof *m->vals);
		m->hashes = xcalloc(m->nslots, sizeof *m->hashes);
		for (size_t i = 0; i < old.nslots; i++)
			if (old.keys[i]) {
				size_t j = strmap_slot(m, old.keys[i], old.hashes[i]);
				m->keys[j] = old.keys[i];
				m->vals[j] = old.vals[i];
				m->hashes[j] = old.hashes[i];
			}
		free(old.keys);
		free(old.vals);
		free(old.hashes);
	}
	uint64_t h = key_hash(key);
	size_t i = strmap_slot(m, key, h);
	bool add = !m->keys[i];
	if (add) {
		m->keys[i] = m->owned ? xstrdup(key) : (char *)key;
		m->vals[i] = 0;
		m->hashes[i] = h;
		m->used++;
	}
	if (added)
		*added = add;
	return &m->vals[i];
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; m->owned && i < m->nslots; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	free(m->hashes);
	bool owned = m->owned;
	memset(m, 0, sizeof *m);
	m->owned = owned;
}

/* }======= */

/* {======= text files */

size_t text_normalize(char *s, size_t len)
{
	size_t from = len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3) ? 3 : 0, to = 0;
	while (from < len) { /* the text between carriage returns moved as a whole (most files have none) */
		const char *cr = memchr(s + from, '\r', len - from);
		size_t run = (cr ? (size_t)(cr - s) : len) - from;
		if (to != from)
			memmove(s + to, s + from, run);
		to += run;
		from += run;
		if (cr) {
			s[to++] = '\n';
			from += from + 1 < len && s[from + 1] == '\n' ? 2 : 1;
		}
	}
	s[to] = '\0';
	return to;
}

/* }======= */

/* {======= percent-decoding and suggestions */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool url_fragment_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '#' || (s[i] == '%' && (n - i < 3 || hexval((unsigned char)s[i + 1]) < 0 ||
		                                    hexval((unsigned char)s[i + 2]) < 0)))
			return false;
	return true;
}

char *url_fragment_parsed(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	buf_add_pct(&b, s, n, " \"<>`", PCT_HIGH_ALL);
	return buf_detach(&b, NULL);
}

char *percent_decode(const char *s, size_t n, size_t *len)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		int h = s[i] == '%' && i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
		int l = h >= 0 ? hexval((unsigned char)s[i + 2]) : -1;
		if (h >= 0 && l >= 0) {
			buf_addc(&b, (char)(h << 4 | l));
			i += 2;
		} else {
			buf_addc(&b, s[i]);
		}
	}
	return buf_detach(&b, len);
}

bool name_like(const char *a, const char *b)
{
	for (;; a++, b++) {
		while (*a == '_' || *a == '-')
			a++;
		while (*b == '_' || *b == '-')
			b++;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		if (!*a)
			return true;
	}
}

/* (given up as soon as a row of the table holds nothing smaller than max: the distance is at least a
 * row's least, so a candidate far from the key costs a few rows, not all) */
size_t text_distance_max(const char *a, const char *b, size_t max)
{
	size_t al = strlen(a), bl = strlen(b);
	if (al > 1024 || bl > 1024)
		return (size_t)-1; /* beyond any useful suggestion; keeps the cost bounded */
	size_t small[64], *row = bl < 64 ? small : xmalloc((bl + 1) * sizeof *row);
	for (size_t j = 0; j <= bl; j++)
		row[j] = j;
	size_t least = 0;
	for (size_t i = 1; i <= al && least <= max; i++) {
		size_t diag = row[0];
		row[0] = least = i;
		for (size_t j = 1; j <= bl; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
			least = best < least ? best : least;
		}
	}
	size_t d = least > max ? max + 1 : row[bl];
	if (row != small)
		free(row);
	return d;
}

size_t text_distance(const char *a, const char *b)
{
	return text_distance_max(a, b, (size_t)-2);
}

static _Atomic size_t guess_budget = GUESS_BUDGET;

void guess_budget_reset(void)
{
	atomic_store(&guess_budget, GUESS_BUDGET);
}

bool guess_budget_take(size_t n)
{
	size_t left = atomic_load(&guess_budget);
	while (left >= n)
		if (atomic_compare_exchange_weak(&guess_budget, &left, left - n))
			return true;
	return false;
}

const char *text_nearest(const char *key, const char *const *cands, size_t n, size_t limit)
{
	if (!guess_budget_take(n))
		return NULL;
	size_t best = (size_t)-1, kl = strlen(key);
	const char *who = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t cl = strlen(cands[i]);
		if ((kl > cl ? kl - cl : cl - kl) > limit)
			continue; /* the distance is at least the difference in length */
		size_t d = text_distance_max(key, cands[i], limit);
		if (d <= limit && (d < best || (d == best && strcmp(cands[i], who) < 0))) {
			best = d;
			who = cands[i];
		}
	}
	return who;
}

/* }======= */

double monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* {======= machine-local binary records (util.h) */

void buf_add_leb128(struct buf *b, uint64_t v)
{
	unsigned char t[10];
	size_t n = 0;
	do {
		t[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	buf_add(b, t, n);
}

bool leb128_read(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	*v = 0;
	for (unsigned sh = 0; *p < end && sh < 64; sh += 7) {
		unsigned char c = *(*p)++;
		*v |= (uint64_t)(c & 0x7f) << sh;
		if (!(c & 0x80))
			return true;
	}
	return false;
}

void bin_put_u64(struct buf *b, uint64_t v)
{
	buf_add(b, &v, sizeof v);
}

void bin_pad8(struct buf *b)
{
	static const char zero[8];
	if (b->len % 8)
		buf_add(b, zero, 8 - b->len % 8);
}

void bin_put_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	bin_put_u64(b, n);
	buf_add(b, s ? s : "", n);
	buf_addc(b, '\0');
	bin_pad8(b);
}

uint64_t bin_u64(struct bin_rd *r)
{
	uint64_t v = 0;
	if (r->ok && (size_t)(r->end - r->p) >= 8) {
		memcpy(&v, r->p, 8);
		r->p += 8;
	} else {
		r->ok = false;
	}
	return v;
}

const void *bin_skip(struct bin_rd *r, uint64_t n)
{
	if (n > UINT64_MAX - 7) {
		r->ok = false;
		return NULL;
	}
	n = (n + 7) & ~(uint64_t)7;
	if (!r->ok || (uint64_t)(r->end - r->p) < n) {
		r->ok = false;
		return NULL;
	}
	const void *at = r->p;
	r->p += n;
	return at;
}

const char *bin_str(struct bin_rd *r)
{
	uint64_t n = bin_u64(r);
	const char *s = n < SIZE_MAX - 8 ? bin_skip(r, n + 1) : NULL;
	if (!s || s[n] != '\0' || strlen(s) != n) {
		r->ok = false;
		return "";
	}
	return s;
}

const char *bin_str_walked(struct bin_rd *r)
{
	uint64_t n = bin_u64(r);
	const char *s = n < SIZE_MAX - 8 ? bin_skip(r, n + 1) : NULL;
	return s ? s : "";
}

/* }======= */

char *path_real_or_new(const char *given)
{
	char *real = realpath(given, NULL);
	if (real || errno != ENOENT)
		return real;
	/* "dist/" is "dist" */
	char *path = xstrdup(given);
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *parent = path_dir(path), *up = NULL;
	/* the part that is there, as a real path, and the rest after it */
	if (*base && strcmp(base, ".") && strcmp(base, "..") && strcmp(parent, path))
		up = path_real_or_new(parent);
	real = up ? xasprintf("%s%s%s", up, strcmp(up, "/") ? "/" : "", base) : NULL;
	free(up);
	free(parent);
	free(path);
	return real;
}

bool path_temp_name(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	return !strncmp(name, prefix, n) && strlen(name + n) == 6 &&
	       strspn(name + n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == 6;
}

FILE *file_create_temp(const char *path, char **tmp)
{
	char *prefix = xasprintf("%s.tmp-", path);
	file_sweep_temps(prefix);
	free(prefix);
	char *name = xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkostemp(name, O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!f) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(name);
		}
		free(name);
		errno = e;
		return NULL;
	}
	*tmp = name;
	return f;
}

char *file_write_temp(const char *path, const void *p, size_t len)
{
	char *tmp = NULL;
	FILE *f = file_create_temp(path, &tmp);
	bool ok = f && fwrite(p, 1, len, f) == len;
	ok = (f && fclose(f) == 0) && ok;
	if (!ok && tmp) {
		unlink(tmp);
		free(tmp);
		tmp = NULL;
	}
	return tmp;
}

int file_write_record(const char *path, const void *p, size_t len)
{
	char *tmp = file_write_temp(path, p, len);
	bool ok = tmp && rename(tmp, path) == 0;
	if (tmp && !ok)
		unlink(tmp);
	if (!ok)
		unlink(path);
	free(tmp);
	return ok ? 0 : -1;
}

/* Read once per process: vade serve builds many times with the same binary. */
static uint64_t self_digest_v;
static bool self_digest_ok;
static pthread_once_t self_digest_once = PTHREAD_ONCE_INIT;

static void self_digest_read(void)
{
	char *data = NULL;
	size_t len = 0;
	self_digest_ok = file_read("/proc/self/exe", &data, &len) == 0;
	self_digest_v = self_digest_ok ? XXH3_64bits(data, len) : 0;
	free(data);
}

bool self_digest(uint64_t *d)
{
	pthread_once(&self_digest_once, self_digest_read);
	*d = self_digest_v;
	return self_digest_ok;
}

void run_threads(void *(*fn)(void *), void *arg, size_t threads)
{
	pthread_t *th = threads > 1 ? xcalloc(threads - 1, sizeof *th) : NULL;
	size_t started = 0;
	for (size_t i = 1; i < threads; i++)
		started += pthread_create(&th[started], NULL, fn, arg) == 0;
	fn(arg);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
}

int text_head(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return (int)n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

/* s[0, n) as UTF-16 for ICU, *ulen its length; NULL when s is ASCII alone (nothing for ICU to do
 * in the callers), too long for ICU's lengths, not UTF-8, or ICU fails. Caller frees. */
static UChar *utf16_of(const char *s, size_t n, int32_t *ulen)
{
	size_t i = 0;
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	if (i == n || n > INT32_MAX / 4 || utf8_invalid_at(s, n) >= 0)
		return NULL;
	UErrorCode e = U_ZERO_ERROR;
	*ulen = 0;
	u_strFromUTF8(NULL, 0, ulen, s, (int32_t)n, &e); /* U_BUFFER_OVERFLOW_ERROR: the length */
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return NULL;
	e = U_ZERO_ERROR;
	UChar *u = xmalloc(((size_t)*ulen + 1) * sizeof *u);
	u_strFromUTF8(u, *ulen + 1, NULL, s, (int32_t)n, &e);
	if (U_FAILURE(e)) {
		free(u);
		return NULL;
	}
	return u;
}

char *text_nfc(const char *s)
{
	int32_t ulen;
	UChar *u = utf16_of(s, strlen(s), &ulen), *v = NULL;
	if (!u)
		return NULL;
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
	char *out = NULL;
	if (U_SUCCESS(e) && unorm2_quickCheck(nfc, u, ulen, &e) != UNORM_YES && U_SUCCESS(e)) {
		int32_t cap = 3 * ulen + 1, vlen; /* NFC is at most 3 times as long (UAX #15, 13) */
		v = xmalloc((size_t)cap * sizeof *v);
		vlen = unorm2_normalize(nfc, u, ulen, v, cap, &e);
		int32_t blen = 0;
		if (U_SUCCESS(e)) {
			out = xmalloc((size_t)vlen * 3 + 1);
			u_strToUTF8(out, vlen * 3 + 1, &blen, v, vlen, &e);
		}
		if (U_FAILURE(e) || !strcmp(out, s)) {
			free(out);
			out = NULL;
		}
	}
	free(u);
	free(v);
	return out;
}

/* "U+XXXX NAME" of c. */
static char *char_named(UChar32 c)
{
	char name[128];
	UErrorCode e = U_ZERO_ERROR;
	int32_t k = u_charName(c, U_UNICODE_CHAR_NAME, name, sizeof name, &e);
	return U_SUCCESS(e) && k > 0 ? xasprintf("U+%04X %s", (unsigned)c, name) : xasprintf("U+%04X", (unsigned)c);
}

/* The letter that mixes scripts in u[0, n): the first of the script fewer of its letters are in,
 * of the first two scripts met, named (the restriction level names no character: helper-122
 * found one fixed example said for every name). */
static char *other_script(const UChar *u, int32_t n)
{
	UScriptCode sc[2] = {USCRIPT_INVALID_CODE, USCRIPT_INVALID_CODE};
	UChar32 at[2] = {0, 0};
	size_t count[2] = {0, 0};
	for (int32_t k = 0; k < n;) {
		UChar32 c;
		U16_NEXT(u, k, n, c);
		UErrorCode e = U_ZERO_ERROR;
		UScriptCode x = uscript_getScript(c, &e);
		if (U_FAILURE(e) || x == USCRIPT_COMMON || x == USCRIPT_INHERITED)
			continue;
		int j = sc[0] == USCRIPT_INVALID_CODE || sc[0] == x ? 0 : sc[1] == USCRIPT_INVALID_CODE || sc[1] == x ? 1 : -1;
		if (j < 0)
			continue;
		if (!count[j]++)
			sc[j] = x, at[j] = c;
	}
	if (!count[1])
		return xstrdup("letters of scripts mixed as look-alikes mix them (Unicode UTS #39)");
	int odd = count[1] <= count[0];
	char *named = char_named(at[odd]);
	char *why = xasprintf("%s among letters of %s, mixed as look-alikes mix scripts (Unicode UTS #39)", named,
	                      uscript_getName(sc[!odd]));
	free(named);
	return why;
}

/* ICU's spoof checker, made once: its checks are thread-safe once it is set (uspoof.h). */
static USpoofChecker *spoof;
static pthread_once_t spoof_once = PTHREAD_ONCE_INIT;

static void spoof_open(void)
{
	UErrorCode e = U_ZERO_ERROR;
	spoof = uspoof_open(&e);
	uspoof_setChecks(spoof, USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_NUMBERS, &e);
	uspoof_setRestrictionLevel(spoof, USPOOF_MODERATELY_RESTRICTIVE);
	if (U_FAILURE(e)) {
		uspoof_close(spoof);
		spoof = NULL;
	}
}

/* Whether the ZWNJ or ZWJ c at u[at] joins as the scripts that need it join: RFC 5892's CONTEXTJ
 * rules (Appendix A.1, A.2: after a virama, or, for ZWNJ, between letters that join, as in
 * Persian "می‌خواهم", transparent marks between), and, for ZWJ, an emoji ZWJ sequence (UTS #51:
 * a pictograph, a variation selector perhaps, then ZWJ and another pictograph). Between Latin
 * letters ("ab\u200cout") it joins nothing and shows as nothing. */
static bool joiner_in_context(const UChar *u, int32_t ulen, int32_t at, UChar32 c)
{
	UChar32 before = 0, after = 0;
	int32_t k = at;
	if (k > 0)
		U16_PREV(u, 0, k, before);
	if (before && u_getCombiningClass(before) == 9) /* Virama */
		return true;
	k = at + 1;
	if (k < ulen)
		U16_NEXT(u, k, ulen, after);
	if (c == 0x200D) {
		int32_t b = at;
		if (before == 0xFE0F && b > 1) {
			b--;
			U16_PREV(u, 0, b, before);
		}
		return before && after && u_hasBinaryProperty(before, UCHAR_EXTENDED_PICTOGRAPHIC) &&
		       u_hasBinaryProperty(after, UCHAR_EXTENDED_PICTOGRAPHIC);
	}
	/* (L|D) T* ZWNJ T* (R|D) */
	k = at;
	while (k > 0) {
		U16_PREV(u, 0, k, before);
		if (u_getIntPropertyValue(before, UCHAR_JOINING_TYPE) != U_JT_TRANSPARENT)
			break;
	}
	int jb = at > 0 ? u_getIntPropertyValue(before, UCHAR_JOINING_TYPE) : U_JT_NON_JOINING;
	k = at + 1;
	int ja = U_JT_NON_JOINING;
	while (k < ulen) {
		U16_NEXT(u, k, ulen, after);
		if ((ja = u_getIntPropertyValue(after, UCHAR_JOINING_TYPE)) != U_JT_TRANSPARENT)
			break;
	}
	return (jb == U_JT_LEFT_JOINING || jb == U_JT_DUAL_JOINING) && (ja == U_JT_RIGHT_JOINING || ja == U_JT_DUAL_JOINING);
}

/* Whether the compatibility form kc[0, n) of c is only a width's: a full-width or half-width
 * character (East_Asian_Width F, H) that reads as no letter or digit, as the parentheses and
 * the ideographic space of a Japanese or Chinese name ("資料（2025）"); a full-width 'ａ' reads as
 * 'a' and is a look-alike. */
static bool width_form(UChar32 c, const UChar *kc, int32_t n)
{
	int w = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
	if (w != U_EA_FULLWIDTH && w != U_EA_HALFWIDTH)
		return false;
	for (int32_t k = 0; k < n;) {
		UChar32 x;
		U16_NEXT(kc, k, n, x);
		if (u_isalnum(x))
			return false;
	}
	return true;
}

/* Whether the variation selector, tag or Mongolian free variation selector c (at u[k - its length],
 * after prev) selects how prev shows, so it is no character of its own (helper-122); where it
 * selects nothing, a name with it reads as one without (helper-126, helper-127: "pay\uFE00pal"). A
 * rule by properties, as ICU has no variation sequence data:
 *   VS16 (U+FE0F) after a text-default emoji (Emoji, not Emoji_Presentation: ❤️), a keycap's
 *     digit, '#' or '*' only before U+20E3 (UTS #51, emoji-variation-sequences.txt);
 *   VS15 (U+FE0E) after an emoji (⌚︎, ❤︎: each has both sequences);
 *   VS1-14 after a math symbol but an arrow (Sm: the math variants), an ideograph or CJK
 *     punctuation (the CJK compatibility variants), or a letter of Myanmar, Phags-pa, Manichaean
 *     or Egyptian hieroglyphs (StandardizedVariants.txt), not after an emoji or a box drawing;
 *   an ideographic variation selector (U+E0100-E01EF) after an ideograph (the IVD);
 *   a tag (U+E0020-E007E) after U+1F3F4 or a tag, its run ended by CANCEL TAG (U+E007F), and that
 *     after a tag (an emoji tag sequence, UTS #51 1.4.5);
 *   U+180B-180D, U+180F after a Mongolian letter (not a digit). */
static bool selector_selects(const UChar *u, int32_t n, int32_t k, UChar32 prev, UChar32 c)
{
	UErrorCode e = U_ZERO_ERROR;
	UScriptCode sc = uscript_getScript(prev, &e);
	if (c == 0xFE0F) {
		if (prev < 0x80) { /* 0-9, # and * are Emoji: a keycap alone */
			UChar32 next = 0;
			if (k < n)
				U16_GET(u, 0, k, n, next);
			return next == 0x20E3;
		}
		return u_hasBinaryProperty(prev, UCHAR_EMOJI) && !u_hasBinaryProperty(prev, UCHAR_EMOJI_PRESENTATION) &&
		       !u_hasBinaryProperty(prev, UCHAR_EMOJI_MODIFIER) && !u_hasBinaryProperty(prev, UCHAR_REGIONAL_INDICATOR);
	}
	if (c == 0xFE0E)
		return u_hasBinaryProperty(prev, UCHAR_EMOJI) && !u_hasBinaryProperty(prev, UCHAR_EMOJI_MODIFIER) &&
		       !u_hasBinaryProperty(prev, UCHAR_REGIONAL_INDICATOR);
	if (c >= 0xFE00 && c <= 0xFE0D) {
		bool arrow = (prev >= 0x2190 && prev <= 0x21FF) || (prev >= 0x27F0 && prev <= 0x27FF) ||
		             (prev >= 0x2900 && prev <= 0x297F);
		return (u_charType(prev) == U_MATH_SYMBOL && !arrow) || u_hasBinaryProperty(prev, UCHAR_IDEOGRAPHIC) ||
		       (prev >= 0x3000 && prev <= 0x303F) || (prev >= 0xFF00 && prev <= 0xFF65) ||
		       (U_SUCCESS(e) && (sc == USCRIPT_MYANMAR || sc == USCRIPT_PHAGS_PA || sc == USCRIPT_MANICHAEAN ||
		                         sc == USCRIPT_EGYPTIAN_HIEROGLYPHS));
	}
	if (c >= 0xE0100 && c <= 0xE01EF)
		return u_hasBinaryProperty(prev, UCHAR_IDEOGRAPHIC);
	if (c >= 0xE0020 && c <= 0xE007E) {
		if (prev != 0x1F3F4 && !(prev >= 0xE0020 && prev <= 0xE007E))
			return false;
		for (int32_t j = k; j < n;) { /* the run goes on to its CANCEL TAG */
			UChar32 x;
			U16_NEXT(u, j, n, x);
			if (x == 0xE007F)
				return true;
			if (x < 0xE0020 || x > 0xE007E)
				return false;
		}
		return false;
	}
	if (c == 0xE007F)
		return prev >= 0xE0020 && prev <= 0xE007E;
	if ((c >= 0x180B && c <= 0x180D) || c == 0x180F)
		return U_SUCCESS(e) && sc == USCRIPT_MONGOLIAN && u_charType(prev) == U_OTHER_LETTER;
	return false;
}

char *text_lookalike(const char *s, size_t n)
{
	int32_t ulen;
	UChar *u = utf16_of(s, n, &ulen);
	if (!u)
		return NULL;
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&e);
	const UNormalizer2 *nfc = U_SUCCESS(e) ? unorm2_getNFCInstance(&e) : NULL;
	/* every such character, each once (a name with U+202E and U+200B had named the first alone:
	 * helper-126), up to eight; then the mix of scripts, which reads the whole name */
	char *why[9]; /* eight characters and the mix of scripts */
	size_t nwhy = 0, more = 0;
	UChar32 seen[8], prev = 0;
	for (int32_t k = 0; U_SUCCESS(e) && k < ulen;) {
		UChar32 c;
		U16_NEXT(u, k, ulen, c);
		UChar one[2], kc[32], cc[32];
		int32_t len1 = 0;
		U16_APPEND_UNSAFE(one, len1, c);
		char *phrase = NULL;
		bool selects = k > len1 && selector_selects(u, ulen, k, prev, c);
		prev = c;
		bool joins = (c == 0x200C || c == 0x200D) && joiner_in_context(u, ulen, k - len1, c);
		size_t j = 0;
		while (j < nwhy && seen[j] != c)
			j++;
		if (j < nwhy)
			continue; /* named already */
		if (char_shows_nothing((uint32_t)c) && !joins && !selects) {
			char *named = char_named(c);
			phrase = xasprintf("%s, which shows as nothing", named);
			free(named);
		} else {
			/* the code point alone: its compatibility form, where its canonical one is itself */
			UErrorCode ek = U_ZERO_ERROR;
			int32_t lk = unorm2_normalize(nfkc, one, len1, kc, 32, &ek), lc = unorm2_normalize(nfc, one, len1, cc, 32, &ek);
			if (U_SUCCESS(ek) && (lk != lc || u_memcmp(kc, cc, lk)) && !width_form(c, kc, lk)) {
				char reads[128];
				int32_t rl = 0;
				u_strToUTF8(reads, sizeof reads, &rl, kc, lk, &ek);
				char *named = char_named(c);
				phrase = U_SUCCESS(ek) && rl < (int32_t)sizeof reads
				                 ? xasprintf("%s, which reads as '%.*s'", named, (int)rl, reads)
				                 : xasprintf("%s, which reads as another character", named);
				free(named);
			}
		}
		if (!phrase)
			continue;
		if (nwhy >= 8) {
			more++;
			free(phrase);
			continue;
		}
		seen[nwhy] = c;
		why[nwhy++] = phrase;
	}
	size_t nchars = nwhy;
	pthread_once(&spoof_once, spoof_open);
	if (U_SUCCESS(e) && spoof) {
		int32_t r = uspoof_check2(spoof, u, ulen, NULL, &e);
		if (U_SUCCESS(e) && (r & USPOOF_RESTRICTION_LEVEL))
			why[nwhy++] = other_script(u, ulen);
		else if (U_SUCCESS(e) && (r & USPOOF_MIXED_NUMBERS))
			why[nwhy++] = xstrdup("digits of two number systems");
	}
	free(u);
	if (!nwhy)
		return NULL;
	struct buf b = BUF_INIT; /* "A", "A; and B", "A; B; and C" */
	for (size_t i = 0; i < nwhy; i++) {
		buf_adds(&b, !i ? "" : i + 1 < nwhy ? "; " : "; and ");
		buf_adds(&b, why[i]);
		if (i + 1 == nchars && more)
			buf_addf(&b, " (and %zu more such character%s)", more, more == 1 ? "" : "s");
		free(why[i]);
	}
	return buf_detach(&b, NULL);
}

void buf_add_shown(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;
	uint32_t prev = 0;
	for (size_t i = 0, k; i < n; i += k) {
		uint32_t cp = 0;
		k = utf8_decode(s + i, n - i, &cp);
		/* (and a character that shows as nothing, stray where it is: "café\u200b.md" read as the name
		 * of the file that is there, helper-146) */
		bool shown = k && cp >= 0x20 && cp != 0x7f && !unicode_noncharacter(cp) &&
		             (cp < 0x80 || (u_charType((UChar32)cp) != U_CONTROL_CHAR && u_charType((UChar32)cp) != U_LINE_SEPARATOR &&
		                            u_charType((UChar32)cp) != U_PARAGRAPH_SEPARATOR &&
		                            !u_hasBinaryProperty((UChar32)cp, UCHAR_BIDI_CONTROL) &&
		                            !char_stray_invisible(s, n, i, k, cp, prev)));
		prev = cp;
		if (shown)
			continue;
		buf_add(b, s + start, i - start);
		if (k)
			buf_addf(b, "<U+%04X>", (unsigned)cp);
		else
			buf_addf(b, "<%02x>", (unsigned char)s[i]);
		k = k ? k : 1;
		start = i + k;
	}
	buf_add(b, s + start, n - start);
}

void say_path(const char *fmt, const char *path)
{
	char *shown = text_shown(path);
	printf(fmt, shown);
	free(shown);
}

char *text_shown(const char *s)
{
	struct buf b = BUF_INIT;
	buf_add_shown(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

void text_to_nfc(char **s)
{
	char *nfc = text_nfc(*s);
	if (nfc) {
		free(*s);
		*s = nfc;
	}
}

bool text_blank(const char *s)
{
	static const char *const wide[] = {"\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\xaf", "\xe2\x81\x9f",
	                                   "\xe3\x80\x80", "\xef\xbb\xbf", NULL};
	while (*s) {
		if (strchr(" \t\n\r\f\v", *s)) {
			s++;
			continue;
		}
		/* U+2000 to U+200B: e2 80 80 .. e2 80 8b */
		if ((unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] >= 0x80 &&
		    (unsigned char)s[2] <= 0x8b) {
			s += 3;
			continue;
		}
		size_t n = 0;
		for (int i = 0; wide[i] && !n; i++)
			if (!strncmp(s, wide[i], strlen(wide[i])))
				n = strlen(wide[i]);
		if (!n)
			return false;
		s += n;
	}
	return true;
}
