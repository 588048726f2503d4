/* state.c — the inputs digest and the output folder's stamp (see state.h). */
#include "state.h"
#include "deps.h"
#include "diag.h"
#include "output.h"
#include "site.h"
#include "tree.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>


/* Record format version; a record of another version is no record. */
#define STATE_HEAD "vade-state 3\n"

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

/* The digest of a file's bytes (not through a link): its length and XXH3-128. False when it
 * cannot be read. */
struct file_sum {
	uint64_t total;
	XXH128_hash_t c;
};

static uint64_t file_id(const struct stat *st, time_t since);

/* Sums the file at path. *id is the version the walk found there (file_id); it is kept only when
 * the file read is that version still: a file written while it was read, or another file the
 * path reached meanwhile (a folder renamed between the walk and the read), is not known by it
 * (*id 0), or the next build would take this sum for that version. */
static bool sum_file(const char *path, struct file_sum *out, uint64_t *id, time_t since)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
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
	struct stat st;
	if (*id && (fstat(fd, &st) != 0 || file_id(&st, since) != *id))
		*id = 0;
	close(fd);
	out->c = XXH3_128bits_digest(content);
	out->total = total;
	XXH3_freeState(content);
	return n >= 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The inputs are walked first (names, kinds, in byte order), their files' bytes are then digested
 * on several threads (reading 30,000 page files was the largest part of a build's start), and
 * the walk is folded in its order: the digest is the same whatever the number of threads. */
enum op_kind { OP_NAME, OP_FILE, OP_MODE, OP_END, OP_NOTE };
struct op {
	enum op_kind kind;
	bool rest;                  /* folded into the digest of the rest too (struct folds) */
	char *text;                 /* OP_NAME, OP_NOTE: the text; OP_FILE: the path */
	mode_t mode;                /* OP_MODE */
	struct file_sum sum;        /* OP_FILE, once digested */
	bool read;                  /* OP_FILE: digested */
	uint64_t id;                /* OP_FILE: which version the walk found (file_id); 0 when racy */
};

/* What the walk makes: the ops; and, for every file but the pages' texts and translation records
 * under content/ (deps.h reads those finer), which of them go into the rest too. */
struct folds {
	struct op *v;
	size_t n, cap;
	bool rest;                  /* a digest of the rest is made */
	const char *content;        /* the content folder's path, where the exceptions are */
	time_t since;               /* when the walk began (file_id) */
};

/* A new op at the end of f's, to be filled. */
static struct op *next_op(struct folds *f)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 1024;
		f->v = xrealloc(f->v, f->cap * sizeof *f->v);
	}
	return &f->v[f->n++];
}

static struct op *add_op(struct folds *f, enum op_kind kind, bool rest, const char *text)
{
	struct op *o = next_op(f);
	*o = (struct op){.kind = kind, .rest = rest, .text = text ? xstrdup(text) : NULL};
	return o;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

/* A page's text (a .md file under content/) or a translation's record (content/i18n/<lang>.status.yaml). */
bool state_page_input(const char *content, const char *dir, const char *name)
{
	if (!path_under(dir, content))
		return false;
	return ends_with(name, ".md") || (!strcmp(dir + strlen(content), "/i18n") && ends_with(name, ".status.yaml"));
}

static bool page_input(const struct folds *f, const char *dir, const char *name)
{
	return state_page_input(f->content, dir, name);
}

/* {======= files digested before (by this process, or by the last build: known_load)
 *
 * A build digests its inputs twice (before it reads them and after it wrote, state.h), and
 * `vade serve` before each rebuild: reading every file each time was most of a no-op or
 * one-page rebuild's digest at 10,000 pages (issue 13). A file found as it was when the
 * last digest read it — the same device, inode, size, modification and change times (the
 * kernel sets the change time on every write, rename into place or touch, and nobody can set
 * it back) — has its sum taken again instead. Like git's index, a file changed close to when
 * it was read could change again within its file system's time resolution and keep its
 * times: one whose times are less than KNOWN_RACY seconds before the walk began is read
 * again by the next digest. Each digest keeps its files for the next (one digest at a time). */
#define KNOWN_RACY FILE_RACY
/* A file the last digest read: its path's digest (a map of 30,000 paths held for the
 * build was some 7 MB, a twentieth of a 10,000-page build's peak; issue 13), the version
 * it had (file_id, never 0) and its sum. Sorted by path digest. */
struct known {
	XXH128_hash_t path;
	uint64_t id;
	struct file_sum sum;
};
static struct {
	pthread_mutex_t lock;       /* held by state_inputs() throughout */
	struct known *v;
	size_t n;
	char *path;                 /* the record they were read from or written to last (known_load) */
	uint64_t sum;               /* the XXH3-64 of v[0, n) then */
} known_files = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, NULL, 0};

static int cmp_known(const void *a, const void *b)
{
	return XXH128_cmp(&((const struct known *)a)->path, &((const struct known *)b)->path);
}

/* A digest of the version of the file st describes (file_version); 0 (none) when either of its
 * times is less than KNOWN_RACY seconds before since. */
static uint64_t file_id(const struct stat *st, time_t since)
{
	return file_version_id(st, since);
}

/* The sums of the walk's files that the last digest read as they are now, taken. */
static void known_take(struct folds *f)
{
	for (size_t i = 0; i < f->n && known_files.n; i++) {
		struct op *o = &f->v[i];
		if (o->kind != OP_FILE || !o->id)
			continue;
		struct known key = {.path = XXH3_128bits(o->text, strlen(o->text))};
		const struct known *k = bsearch(&key, known_files.v, known_files.n, sizeof key, cmp_known);
		if (k && k->id == o->id) {
			o->sum = k->sum;
			o->read = true;
		}
	}
}

/* The walk's files read as they were when the walk met them, for the next digest. */
static void known_keep(const struct folds *f)
{
	free(known_files.v);
	known_files.v = xmalloc((f->n ? f->n : 1) * sizeof *known_files.v);
	known_files.n = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct op *o = &f->v[i];
		if (o->kind == OP_FILE && o->read && o->id)
			known_files.v[known_files.n++] = (struct known){XXH3_128bits(o->text, strlen(o->text)), o->id, o->sum};
	}
	known_files.v = xrealloc(known_files.v, (known_files.n ? known_files.n : 1) * sizeof *known_files.v); /* no slack */
	xqsort(known_files.v, known_files.n, sizeof *known_files.v, cmp_known);
}

/* {======= the files the last digest read, kept beside the output folder
 *
 * A build is a process of its own, so a no-op build read every input again (30,000 page files,
 * most of its time; issue 13). The known files are kept in "<parent>/.<name>.vade-known", the
 * deps.h way: a head, vade's own digest (another vade may sum otherwise), their number, each
 * known file as six u64 (path digest, version, length, sum) sorted by path digest, and the
 * XXH3-64 of all before. The rule that makes a known file's sum good within a process makes it
 * good across processes: its version is its device, inode, size and both times, taken when both
 * times were KNOWN_RACY seconds past, and any later write sets the change time anew. A record
 * of another vade, damaged, unsorted or of another length is no record. */

#define KNOWN_HEAD "vade-known 1\n\0\0\0"

/* The list's digest, to tell whether it changed since it was read or written. */
static uint64_t known_sum(void)
{
	return XXH3_64bits(known_files.v, known_files.n * sizeof *known_files.v);
}

/* Takes out_dir's record as the known files when the list in memory is not that record's (a
 * process's first digest): a build then reads only the files changed since the last one. */
static void known_load(const char *out_dir)
{
	char *path = deps_path(out_dir, "known");
	if (!path || (known_files.path && !strcmp(path, known_files.path))) {
		free(path);
		return;
	}
	free(known_files.path);
	known_files.path = path;
	free(known_files.v);
	known_files.v = NULL;
	known_files.n = 0;
	struct bin_map map = {0};
	uint64_t exe, n;
	if (!self_digest(&exe) || bin_map(path, KNOWN_HEAD, &map) != 0 || map.len < 40 ||
	    memcmp(map.p + 16, &exe, 8)) {
		bin_unmap(&map);
		known_files.sum = known_sum();
		return;
	}
	const char *data = map.p;
	size_t len = map.len;
	memcpy(&n, data + 24, 8);
	bool ok = n <= (len - 40) / 48 && len == 40 + 48 * n; /* head and sum: bin_map() */
	if (ok && n) {
		known_files.v = xmalloc(n * sizeof *known_files.v);
		for (uint64_t i = 0; i < n; i++) {
			uint64_t f[6];
			memcpy(f, data + 32 + 48 * i, sizeof f);
			known_files.v[i] = (struct known){{f[0], f[1]}, f[2], {f[3], {f[4], f[5]}}};
			ok = ok && f[2] && (i == 0 || cmp_known(&known_files.v[i - 1], &known_files.v[i]) < 0);
		}
		known_files.n = ok ? n : 0;
	}
	bin_unmap(&map);
	known_files.sum = known_sum();
}

void state_known_save(void)
{
	pthread_mutex_lock(&known_files.lock);
	uint64_t now = known_sum(), exe;
	if (!known_files.path || now == known_files.sum || !self_digest(&exe)) {
		pthread_mutex_unlock(&known_files.lock);
		return;
	}
	struct buf b = BUF_INIT;
	buf_add(&b, KNOWN_HEAD, 16);
	bin_put_u64(&b, exe);
	bin_put_u64(&b, known_files.n);
	for (size_t i = 0; i < known_files.n; i++) {
		const struct known *k = &known_files.v[i];
		uint64_t f[6] = {k->path.low64, k->path.high64, k->id, k->sum.total, k->sum.c.low64, k->sum.c.high64};
		buf_add(&b, f, sizeof f);
	}
	bin_put_u64(&b, XXH3_64bits(b.p, b.len));
	/* a record cut short fails its digest and only means the files are read again */
	file_write_record(known_files.path, b.p, b.len);
	known_files.sum = now;
	pthread_mutex_unlock(&known_files.lock);
	buf_free(&b);
}

/* }======= */

static void ops_free(struct op *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

/* }======= */

/* The subfolders of one folder, each walked into folds of its own (walk_tree with jobs > 1). */
struct split {
	struct folds *sub;          /* in the folder's order */
	char **dirs;
	bool *ok;
	size_t n;
	size_t *of;                 /* a name's index -> its subfolder's + 1, 0 for none */
	const char *skip;
	atomic_size_t next;
};

static bool walk_tree(struct folds *f, const char *dir, const char *skip, int jobs);

static void *split_run(void *arg)
{
	struct split *sp = arg;
	for (size_t i; (i = atomic_fetch_add(&sp->next, 1)) < sp->n;)
		sp->ok[i] = walk_tree(&sp->sub[i], sp->dirs[i], sp->skip, 1);
	return NULL;
}

/* Moves the ops of sub to the end of f's. */
static void take_ops(struct folds *f, struct folds *sub)
{
	for (size_t i = 0; i < sub->n; i++)
		*next_op(f) = sub->v[i];
	free(sub->v);
	*sub = (struct folds){0};
}

/* Walks the tree under dir (names in byte order) into ops; skip is the output folder, left out
 * when it is inside. False on a symbolic link or an unreadable entry. With jobs > 1, the
 * subfolders of dir are walked on up to jobs threads, each into ops of its own put in place
 * after: the same ops, where one thread's stat() of 26,000 page files was half of a no-op
 * build at 10,000 pages, and the walk runs before and after every build (issue 13). */
static bool walk_tree(struct folds *f, const char *dir, const char *skip, int jobs)
{
	DIR *d = opendir(dir);
	if (!d) {
		add_op(f, OP_NOTE, f->rest, errno == ENOENT || errno == ENOTDIR ? "(none)" : "(unreadable)");
		return errno == ENOENT || errno == ENOTDIR;
	}
	/* Names no build reads are no input: under content/ what tree_list() leaves out (a link to one is
	 * an error), elsewhere an editor's swap and lock files and a repository's folder (a template may
	 * include a dot file by name). Vim's ".x.md.swp" beside a page made the next build render every
	 * page, and Emacs's lock ".#x.md" (a link to nowhere) every build while the page was open. */
	bool in_content = path_under(dir, f->content);
	struct vec names = {0};
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    !(in_content ? tree_name_unlisted(e->d_name) : tree_name_tooling(e->d_name)))
			vec_push(&names, xstrdup(e->d_name));
	/* Each name looked up in its folder (open till the names are done), not from the root: the
	 * kernel's walk of every file's whole path was a third of this walk on a large site (issue 13). */
	int dfd = dirfd(d);
	xqsort(names.v, names.n, sizeof *names.v, cmp_name);
	struct stat *sts = xcalloc(names.n + 1, sizeof *sts);
	bool *there = xcalloc(names.n + 1, sizeof *there);
	for (size_t i = 0; i < names.n; i++)
		there[i] = fstatat(dfd, names.v[i], &sts[i], AT_SYMLINK_NOFOLLOW) == 0;
	struct split sp = {.skip = skip};
	if (jobs > 1) {
		sp.sub = xcalloc(names.n + 1, sizeof *sp.sub);
		sp.dirs = xcalloc(names.n + 1, sizeof *sp.dirs);
		sp.ok = xcalloc(names.n + 1, sizeof *sp.ok);
		sp.of = xcalloc(names.n + 1, sizeof *sp.of);
		for (size_t i = 0; i < names.n; i++) {
			if (!there[i] || !S_ISDIR(sts[i].st_mode))
				continue;
			char *p = path_join(dir, names.v[i]);
			if (skip && !strcmp(p, skip)) {
				free(p);
				continue;
			}
			sp.sub[sp.n] = (struct folds){.rest = f->rest, .content = f->content, .since = f->since};
			sp.dirs[sp.n++] = p;
			sp.of[i] = sp.n;
		}
		atomic_init(&sp.next, 0);
		if (sp.n > 1)
			run_threads(split_run, &sp, sp.n < (size_t)jobs ? sp.n : (size_t)jobs);
	}
	/* one subfolder or none: walked below, as without jobs */
	bool split = sp.n > 1;
	bool ok = true;
	for (size_t i = 0; i < names.n && ok; i++) {
		char *p = path_join(dir, names.v[i]);
		struct stat *st = &sts[i];
		if (skip && !strcmp(p, skip)) {
			free(p);
			continue;
		}
		/* a page's text is a file: a folder named *.md is the site's shape, like any other */
		bool rest = f->rest && !(there[i] && S_ISREG(st->st_mode) && page_input(f, dir, names.v[i]));
		add_op(f, OP_NAME, rest, names.v[i]);
		if (!there[i] || S_ISLNK(st->st_mode)) {
			ok = false;
		} else if (split && sp.of[i]) {
			ok = sp.ok[sp.of[i] - 1];
			take_ops(f, &sp.sub[sp.of[i] - 1]);
		} else if (S_ISDIR(st->st_mode)) {
			ok = walk_tree(f, p, skip, 1);
		} else if (S_ISREG(st->st_mode)) {
			add_op(f, OP_FILE, rest, p)->id = file_id(st, f->since);
		} else {
			add_op(f, OP_MODE, rest, NULL)->mode = st->st_mode;
		}
		add_op(f, OP_END, rest, NULL);
		free(p);
	}
	for (size_t k = 0; k < sp.n; k++) {
		ops_free(sp.sub[k].v, sp.sub[k].n); /* those after a failure, or a lone subfolder's (none) */
		free(sp.dirs[k]);
	}
	free(sp.sub);
	free(sp.dirs);
	free(sp.ok);
	free(sp.of);
	free(sts);
	free(there);
	closedir(d);
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	vec_free(&names);
	return ok;
}

struct summing {
	struct folds *f;
	atomic_size_t next;
};

static void *sum_run(void *arg)
{
	struct summing *sm = arg;
	for (size_t i; (i = atomic_fetch_add(&sm->next, 1)) < sm->f->n;) {
		struct op *o = &sm->f->v[i];
		if (o->kind == OP_FILE && !o->read)
			o->read = sum_file(o->text, &o->sum, &o->id, sm->f->since);
	}
	return NULL;
}

/* Digests the files of the walk on up to jobs threads. */
static void sum_files(struct folds *f, int jobs)
{
	struct summing sm = {.f = f};
	atomic_init(&sm.next, 0);
	size_t n = (size_t)(jobs > 1 ? jobs : 1);
	run_threads(sum_run, &sm, f->n / 256 < n ? f->n / 256 + 1 : n); /* a small site: one */
}

/* Folds the ops into h (and the rest into hr, when not NULL) in their order. False
 * when a file could not be read. */
static bool fold_ops(struct folds *f, XXH3_state_t *h, XXH3_state_t *hr)
{
	bool ok = true;
	for (size_t i = 0; i < f->n; i++) {
		struct op *o = &f->v[i];
		XXH3_state_t *also = o->rest ? hr : NULL;
		switch (o->kind) {
		case OP_NAME:
		case OP_NOTE:
			fold_str(h, o->text);
			if (also)
				fold_str(also, o->text);
			break;
		case OP_FILE:
			ok = ok && o->read;
			XXH3_128bits_update(h, &o->sum.total, sizeof o->sum.total);
			XXH3_128bits_update(h, &o->sum.c, sizeof o->sum.c);
			if (also) {
				XXH3_128bits_update(also, &o->sum.total, sizeof o->sum.total);
				XXH3_128bits_update(also, &o->sum.c, sizeof o->sum.c);
			}
			break;
		case OP_MODE:
			fold(h, &o->mode, sizeof o->mode);
			if (also)
				fold(also, &o->mode, sizeof o->mode);
			break;
		case OP_END:
			fold_str(h, "\n");
			if (also)
				fold_str(also, "\n");
			break;
		}
	}
	return ok;
}


/* The folders every digest covers (real paths where they exist); dirs[5] is left for a theme. */
static void base_dirs(const char *site_dir, char *dirs[6])
{
	char *roots[2];
	site_theme_roots(roots);
	/* Where site.c looks for content, templates and the theme. */
	char *d[5] = {path_join(site_dir, "content"), path_join(site_dir, "templates"), path_join(site_dir, "themes"),
	              roots[0], roots[1]};
	for (size_t i = 0; i < 5; i++) {
		char *real = d[i] ? path_real_or_new(d[i]) : NULL; /* the same however the site is named */
		dirs[i] = real ? real : d[i];
		if (real)
			free(d[i]);
	}
	dirs[5] = NULL;
}

const char *state_theme_outside(const char *site_dir, const char *theme_dir)
{
	char *dirs[6];
	base_dirs(site_dir, dirs);
	bool inside = false;
	for (size_t i = 0; i < 5; i++) {
		size_t n = dirs[i] ? strlen(dirs[i]) : 0;
		inside = inside || (n && !strncmp(theme_dir, dirs[i], n) && theme_dir[n] == '/');
		free(dirs[i]);
	}
	return inside ? NULL : theme_dir;
}

bool state_inputs(const char *site_dir, const char *out_dir, const char *theme_dir, int jobs, struct state_digest *d,
                  struct state_digest *rest)
{
	pthread_mutex_lock(&known_files.lock);
	XXH3_state_t *h = XXH3_createState(), *hr = rest ? XXH3_createState() : NULL;
	XXH3_128bits_reset(h);
	fold_str(h, STATE_HEAD);
	char *out = path_real_or_new(out_dir);
	fold_str(h, out ? out : out_dir);
	if (hr) {
		XXH3_128bits_reset(hr);
		XXH3_128bits_update(hr, STATE_HEAD "rest", strlen(STATE_HEAD) + 4);
		fold_str(hr, out ? out : out_dir);
	}
	/* vade itself: another version may write other bytes */
	uint64_t self;
	bool ok = self_digest(&self);
	fold(h, &self, sizeof self);
	if (hr)
		fold(hr, &self, sizeof self);
	/* and the umask, which gives the files their mode: under another, every file is written again
	 * (helper-172: a build under 077 after one under 022 left the files it kept 0644) */
	uint32_t mask = (uint32_t)process_umask();
	fold(h, &mask, sizeof mask);
	if (hr)
		fold(hr, &mask, sizeof mask);
	char *dirs[6];
	base_dirs(site_dir, dirs);
	dirs[5] = theme_dir ? xstrdup(theme_dir) : NULL;
	struct folds f = {.rest = hr != NULL, .content = dirs[0], .since = time(NULL)};
	for (size_t i = 0; i < 6; i++) {
		if (ok && dirs[i]) {
			add_op(&f, OP_NOTE, hr != NULL, dirs[i]);
			ok = walk_tree(&f, dirs[i], out, jobs);
		}
	}
	if (ok) {
		known_load(out_dir);
		known_take(&f);
		sum_files(&f, jobs);
	}
	ok = fold_ops(&f, h, hr) && ok;
	/* the walk is kept for the next digest; a failed one keeps the last */
	if (ok)
		known_keep(&f);
	ops_free(f.v, f.n);
	pthread_mutex_unlock(&known_files.lock);
	for (size_t i = 0; i < 6; i++)
		free(dirs[i]);
	XXH128_hash_t r = XXH3_128bits_digest(h);
	XXH3_freeState(h);
	free(out);
	*d = (struct state_digest){r.low64, r.high64};
	if (hr) {
		r = XXH3_128bits_digest(hr);
		XXH3_freeState(hr);
		*rest = (struct state_digest){r.low64, r.high64};
	}
	return ok;
}

/* The stamp of out_dir: every file its list names, by name, size, times and inode, and the
 * list itself. False when it has no readable list or a listed file is not there. The names and
 * the list's version are made's when not NULL (the commit's: output.h). */
static bool stamp(const char *out_dir, struct state_digest *d, state_known_stamp known, void *known_ctx,
                  const struct output_files *made)
{
	struct vec names = VEC_INIT;
	if (made) {
		for (size_t i = 0; i < made->n; i++)
			vec_push(&names, made->v[i]->rel);
	} else if (!output_list(out_dir, &names)) {
		return false;
	}
	/* Each name looked up from the folder, not from the root: the kernel walked the folder's own
	 * path again for each of 35,000 outputs, 7 % of a no-op build's CPU at 10,000 pages (issue 13). */
	int fd = open(out_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	XXH3_state_t *h = XXH3_createState();
	XXH3_128bits_reset(h);
	bool ok = fd >= 0;
	for (size_t i = 0; i <= names.n && ok; i++) {
		struct stat st;
		const int64_t *k = known && i < names.n ? known(known_ctx, names.v[i]) : NULL;
		k = made && i == names.n && made->marker[FILE_VERSION_INODE] ? made->marker : k;
		int64_t f[FILE_VERSION];
		if (k) {
			memcpy(f, k, sizeof f);
		} else if (fstatat(fd, i < names.n ? names.v[i] : ".vade-output", &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		           !S_ISREG(st.st_mode)) {
			ok = false;
			break;
		} else {
			file_version(&st, f);
		}
		fold_str(h, i < names.n ? names.v[i] : "");
		fold(h, f, sizeof f);
	}
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; !made && i < names.n; i++)
		free(names.v[i]);
	vec_free(&names);
	XXH128_hash_t r = XXH3_128bits_digest(h);
	XXH3_freeState(h);
	*d = (struct state_digest){r.low64, r.high64};
	return ok;
}

/* "<parent>/.<name>.vade-state" beside out_dir (NULL when neither is there), as deps.h names its records. */
static char *record_path(const char *out_dir)
{
	return deps_path(out_dir, "state");
}

/* The hex pair after "<word> " at the start of line, or false. */
static bool read_pair(const char *line, const char *word, struct state_digest *d)
{
	size_t n = strlen(word);
	return !strncmp(line, word, n) && line[n] == ' ' &&
	       sscanf(line + n + 1, "%" SCNx64 " %" SCNx64, &d->lo, &d->hi) == 2;
}

/* The warnings a build gave, one a line after the record's four: "said <line> <col> <path> <message>",
 * path and message with '%', space, control characters and 0x7f written %XX (the escaping of
 * output.c's marker, and a space: fields split at spaces). A hand-made line format for the same
 * reason as the record's: a few fields, nothing a format library would add. */
#define STATE_SAID_MAX ((size_t)8 << 20)

static void said_field(struct buf *b, const char *t)
{
	buf_addc(b, ' ');
	buf_add_pct(b, t, strlen(t), " %", PCT_HIGH_RAW);
}

/* One "said" line (without its newline) into r->said; false when it is not one. */
static bool said_read(struct state_rec *r, const char *line)
{
	int ln, col, n = 0;
	if (sscanf(line, "said %d %d %n", &ln, &col, &n) != 2 || !n || ln < 0 || col < 0)
		return false;
	const char *p = line + n, *sp = strchr(p, ' ');
	if (!sp || sp == p || !sp[1] || strchr(sp + 1, ' '))
		return false;
	size_t pl, ml;
	char *path = percent_decode(p, (size_t)(sp - p), &pl), *msg = percent_decode(sp + 1, strlen(sp + 1), &ml);
	if (pl != strlen(path) || ml != strlen(msg)) { /* a NUL in either: no record of ours */
		free(path);
		free(msg);
		return false;
	}
	r->said = xrealloc(r->said, (r->nsaid + 1) * sizeof *r->said);
	r->said[r->nsaid++] = (struct diag_kept){path, ln, col, msg};
	return true;
}

bool state_read(const char *out_dir, struct state_rec *r)
{
	memset(r, 0, sizeof *r);
	char *path = record_path(out_dir), *text = NULL;
	size_t len;
	struct stat st; /* a few lines and the warnings: anything larger is no record of ours, and is not read */
	bool ok = path && stat(path, &st) == 0 && (size_t)st.st_size < STATE_SAID_MAX + 4096 &&
	          file_read_regular(path, &text, &len) == 0 &&
	          strlen(text) == len &&
	          !strncmp(text, STATE_HEAD, strlen(STATE_HEAD));
	free(path);
	/* The last line, "end <XXH3-64 of all before>": a record cut short or edited is no record (its
	 * warnings are said again as they stand). */
	if (ok) {
		char *end = len >= 21 && text[len - 1] == '\n' ? text + len - 21 : NULL;
		uint64_t sum;
		ok = end && (end == text || end[-1] == '\n') && sscanf(end, "end %16" SCNx64 "\n", &sum) == 1 &&
		     sum == XXH3_64bits(text, (size_t)(end - text));
		if (ok)
			*end = '\0';
	}
	/* Lines: theme <path> | theme -, inputs <lo> <hi> | inputs -, output <lo> <hi>, pages <n> <nlangs>. */
	char *line[4] = {NULL};
	char *p = ok ? text + strlen(STATE_HEAD) : NULL;
	for (int i = 0; ok && i < 4; i++) {
		char *nl = strchr(p, '\n');
		ok = nl != NULL;
		if (ok) {
			*nl = '\0';
			line[i] = p;
			p = nl + 1;
		}
	}
	ok = ok && !strncmp(line[0], "theme ", 6) && read_pair(line[2], "output", &r->stamp) &&
	     sscanf(line[3], "pages %zu %zu", &r->pages, &r->nlangs) == 2;
	if (ok) {
		r->theme = strcmp(line[0] + 6, "-") ? xstrdup(line[0] + 6) : NULL;
		r->has_inputs = read_pair(line[1], "inputs", &r->inputs);
		ok = r->has_inputs || !strcmp(line[1], "inputs -");
	}
	while (ok && *p) {
		char *nl = strchr(p, '\n');
		ok = nl != NULL;
		if (ok) {
			*nl = '\0';
			ok = said_read(r, p);
			p = nl + 1;
		}
	}
	free(text);
	if (!ok)
		state_rec_free(r);
	return ok;
}

void state_rec_free(struct state_rec *r)
{
	free(r->theme);
	diag_kept_free(r->said, r->nsaid);
	memset(r, 0, sizeof *r);
}

bool state_fresh(const char *out_dir, const struct state_rec *r, const struct state_digest *inputs)
{
	struct state_digest now;
	return r->has_inputs && r->inputs.lo == inputs->lo && r->inputs.hi == inputs->hi &&
	       stamp(out_dir, &now, NULL, NULL, NULL) &&
	       now.lo == r->stamp.lo && now.hi == r->stamp.hi;
}

void state_record(const char *out_dir, const struct state_digest *inputs, const char *theme_dir, size_t pages,
                  size_t nlangs, const struct diag_kept *said, size_t nsaid, state_known_stamp known,
                  void *known_ctx, const struct output_files *made)
{
	char *path = record_path(out_dir);
	struct state_digest now = {0, 0};
	/* A theme folder whose name holds a line break is not recorded (nor is anything then). The
	 * folder is stamped only for inputs that are recorded: without them no build is found up to
	 * date, whatever the stamp (vade serve's rebuild of pages' texts records none: 35,000 stat()s). */
	if (path && (!inputs || stamp(out_dir, &now, known, known_ctx, made)) && !(theme_dir && strchr(theme_dir, '\n'))) {
		struct buf w = BUF_INIT;
		for (size_t i = 0; i < nsaid && w.len <= STATE_SAID_MAX; i++) {
			buf_addf(&w, "said %d %d", said[i].line, said[i].col);
			said_field(&w, said[i].path);
			said_field(&w, said[i].msg);
			buf_addc(&w, '\n');
		}
		if (w.len > STATE_SAID_MAX) { /* too many to say again: the next build runs, and says them */
			inputs = NULL;
			buf_reset(&w);
		}
		char in[48] = "-";
		if (inputs)
			snprintf(in, sizeof in, "%016" PRIx64 " %016" PRIx64, inputs->lo, inputs->hi);
		char *body = xasprintf(STATE_HEAD "theme %s\ninputs %s\noutput %016" PRIx64 " %016" PRIx64 "\npages %zu %zu\n%s",
		                       theme_dir ? theme_dir : "-", in, now.lo, now.hi, pages, nlangs, inputs ? w.p : "");
		buf_free(&w);
		char *text = xasprintf("%send %016" PRIx64 "\n", body, XXH3_64bits(body, strlen(body)));
		free(body);
		if (file_write_atomic(path, text, strlen(text)) != 0)
			unlink(path);
		free(text);
	} else if (path) {
		unlink(path);
	}
	free(path);
}
