/* docfacts.c — what each page file's bytes said at the last build (docfacts.h). */
#include "docfacts.h"

#include "deps.h"
#include "site.h"
#include "util.h"
#include "yml.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define DOCFACTS_HEAD "vade-docs 2\n\0\0\0\0"
/* The files changed since the record was written whole go in a patch beside it (util.h's
 * bin_patched): head, the record's sum, vade's digest, then as the record. */
#define PATCH_HEAD "vade-docs+ 3\n\0\0\0"

enum { HAS_FM = 1, H1_SOUGHT = 2, HAS_H1 = 4 };

/* One file of the record: borrowed from its bytes. */
struct entry {
	XXH128_hash_t path;
	uint64_t id;
	struct doc_facts f;
};

/* The entries of a record or of its patch, sorted by path digest. */
struct entries {
	struct entry *v;
	size_t n;
};

static struct {
	struct bin_patched bin; /* the record and its patch, mapped */
	struct entries base;    /* the record's */
	struct entries patch;   /* the files changed since it was written whole: before its entries */
	time_t since;
	bool open;              /* docfacts_get() answers (docfacts_close() ends it; the record stays for the save) */
	atomic_size_t hits;     /* docfacts_get() answers since the record was opened */
} rec;

static int cmp_entry(const void *a, const void *b)
{
	return XXH128_cmp(&((const struct entry *)a)->path, &((const struct entry *)b)->path);
}

/* The entries of m (bin_map() checked its head and sum) into x, where vade's digest is at byte at
 * and their count after it; false when it is none of this vade's (docfacts.h). */
static bool parse(struct entries *x, const struct bin_map *m, size_t at)
{
	const char *data = m->p;
	size_t len = m->len;
	uint64_t exe;
	if (len < at + 16 || !self_digest(&exe) || memcmp(data + at, &exe, 8))
		return false;
	at += 8;
	struct bin_rd r = {data + at, data + len - 8, true};
	uint64_t n = bin_u64(&r);
	if (n > (len - at - 16) / 64)
		return false;
	x->v = xmalloc((n ? n : 1) * sizeof *x->v);
	for (x->n = 0; x->n < n && r.ok; x->n++) {
		struct entry *e = &x->v[x->n];
		const uint64_t *h = bin_skip(&r, 7 * 8);
		if (!h)
			break;
		uint32_t line_flags[2];
		memcpy(line_flags, &h[6], 8);
		e->path = (XXH128_hash_t){h[0], h[1]};
		e->id = h[2];
		e->f = (struct doc_facts){.text_hash = h[3], .fm_hash = h[4], .body_off = (size_t)h[5],
		                          .body_line = (int)line_flags[0], .h1_sought = line_flags[1] & H1_SOUGHT};
		const char *fm = bin_str(&r), *h1 = bin_str(&r);
		e->f.fm = line_flags[1] & HAS_FM ? fm : NULL;
		e->f.fm_len = e->f.fm ? strlen(fm) : 0;
		e->f.h1 = line_flags[1] & HAS_H1 ? h1 : NULL;
		uint64_t tree_len = bin_u64(&r);
		e->f.fm_image = tree_len ? bin_skip(&r, tree_len) : NULL;
		e->f.fm_image_len = e->f.fm_image ? (size_t)tree_len : 0;
		if (!e->id || (x->n && cmp_entry(&x->v[x->n - 1], e) >= 0))
			r.ok = false;
	}
	return r.ok && r.p == r.end && x->n == n;
}

static void entries_free(struct entries *x)
{
	free(x->v);
	*x = (struct entries){NULL, 0};
}

/* Forgets the record. */
static void release(void)
{
	entries_free(&rec.base);
	entries_free(&rec.patch);
	bin_patched_unmap(&rec.bin);
}

void docfacts_open(const char *out_dir, time_t since)
{
	docfacts_close();
	release();
	rec.since = since;
	rec.open = true;
	atomic_store(&rec.hits, 0);
	char *path = deps_path(out_dir, "docs");
	if (!path || bin_patched_map(path, DOCFACTS_HEAD, PATCH_HEAD, &rec.bin) != 0 ||
	    !parse(&rec.base, &rec.bin.whole, 16))
		release();
	/* a damaged patch, or one of another vade, is none: its files are read again */
	if (rec.bin.patch.p && !parse(&rec.patch, &rec.bin.patch, BIN_PATCH_BODY)) {
		entries_free(&rec.patch);
		bin_unmap(&rec.bin.patch);
	}
	free(path);
}

bool docfacts_keeps_trees(void)
{
	return rec.open && rec.bin.whole.p;
}

uint64_t docfacts_id(const struct stat *st)
{
	return rec.open ? file_version_id(st, rec.since) : 0;
}

/* x's entry for the file whose path digest is path (any version), or NULL. */
static const struct entry *entry_in(const struct entries *x, XXH128_hash_t path)
{
	struct entry key = {.path = path};
	return x->n ? bsearch(&key, x->v, x->n, sizeof key, cmp_entry) : NULL;
}

/* The record's entry for the file whose path digest is path, at version id; NULL when it has none.
 * The patch's entry for a file is its last. */
static const struct entry *entry_of(XXH128_hash_t path, uint64_t id)
{
	const struct entry *e = id ? entry_in(&rec.patch, path) : NULL;
	if (id && !e)
		e = entry_in(&rec.base, path);
	return e && e->id == id ? e : NULL;
}

bool docfacts_get(const char *src, uint64_t id, struct doc_facts *f)
{
	const struct entry *e = rec.open ? entry_of(XXH3_128bits(src, strlen(src)), id) : NULL;
	if (!e)
		return false;
	*f = e->f;
	atomic_fetch_add(&rec.hits, 1);
	return true;
}

size_t docfacts_hits(void)
{
	return atomic_load(&rec.hits);
}

void docfacts_close(void)
{
	rec.open = false; /* the hits stay, for --stats */
	/* Kept for docfacts_save() (the trees of the files not changed since), out of the build's memory
	 * meanwhile: the kernel reads the pages again from its cache when they are wanted. */
	if (rec.bin.whole.p)
		madvise((void *)rec.bin.whole.p, rec.bin.whole.len, MADV_DONTNEED);
}

struct saved {
	XXH128_hash_t path;
	const struct doc *d;
};

static int cmp_saved(const void *a, const void *b)
{
	return XXH128_cmp(&((const struct saved *)a)->path, &((const struct saved *)b)->path);
}

/* The tree of d's front matter as yml_image() makes it, as a u64 length (0: none) and the image:
 * the last record's when d is the version of the file it had, else the one the load made. */
static void put_tree(struct buf *b, XXH128_hash_t path, const struct doc *d)
{
	const struct entry *e = d->fm_text ? entry_of(path, d->file_id) : NULL;
	size_t at = b->len;
	bin_put_u64(b, 0);
	if (e && e->f.fm_image && e->f.fm_hash == d->fm_hash)
		buf_add(b, e->f.fm_image, e->f.fm_image_len);
	else if (d->fm_text && d->fm_image)
		buf_add(b, d->fm_image, d->fm_image_len);
	bin_pad8(b);
	memcpy(b->p + at, &(uint64_t){b->len - at - 8}, 8);
}

/* The head of d's entry (path digest, version, digests, body's offset, line and flags). */
static void entry_head(uint64_t h[7], XXH128_hash_t path, const struct doc *d)
{
	uint32_t line_flags[2] = {(uint32_t)d->body_line, (d->fm_text ? HAS_FM : 0) | (d->h1_sought ? H1_SOUGHT : 0) |
	                                                      (d->title_from_heading ? HAS_H1 : 0)};
	uint64_t v[7] = {path.low64, path.high64, d->file_id, d->text_hash, d->fm_hash, d->body_off, 0};
	memcpy(&v[6], line_flags, 8);
	memcpy(h, v, sizeof v);
}

/* Whether the record, written whole, has the entry of d (whose head is h) as it stands, its front
 * matter's tree included (the rest of an entry follows from its text's digest). */
static bool in_base(const uint64_t h[7], XXH128_hash_t path, const struct doc *d)
{
	const struct entry *e = entry_in(&rec.base, path);
	if (e && d->fm_text && d->fm_image && !e->f.fm_image)
		return false; /* the first rebuild after a build into a new folder makes the trees */
	uint32_t line_flags[2];
	memcpy(line_flags, &h[6], 8);
	return e && e->id == h[2] && e->f.text_hash == h[3] && e->f.fm_hash == h[4] && e->f.body_off == h[5] &&
	       e->f.body_line == (int)line_flags[0] && !e->f.fm == !(line_flags[1] & HAS_FM) &&
	       e->f.h1_sought == !!(line_flags[1] & H1_SOUGHT) && !e->f.h1 == !(line_flags[1] & HAS_H1);
}

void docfacts_save(const char *out_dir, const struct site *s)
{
	char *path = deps_path(out_dir, "docs");
	uint64_t exe;
	if (!path || !self_digest(&exe)) {
		free(path);
		return;
	}
	struct saved *v = xmalloc((s->npages * s->nlangs + 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < s->npages; i++)
		for (size_t l = 0; l < s->nlangs; l++) {
			const struct doc *d = s->pages[i]->docs[l];
			/* a front matter with a NUL in it (valid UTF-8) is read from its file each time */
			/* nor one whose title is an empty heading: its error needs the heading's line (doc.c) */
			if (d && d->src && d->file_id && (!d->fm_text || strlen(d->fm_text) == d->fm_len) &&
			    !(d->title_from_heading && text_blank(d->title)))
				v[n++] = (struct saved){XXH3_128bits(d->src, strlen(d->src)), d};
		}
	xqsort(v, n, sizeof *v, cmp_saved);
	/* Two paths with one digest: the second is read each time. The files whose entries the record
	 * lacks (changed since it was written whole) go in a patch beside it, while they are few: a
	 * one-page edit at 10,000 pages x 3 wrote the 13 MB again, a tenth of its rebuild (issue 13). */
	enum { LEFT, CHANGED, IN_BASE } *out = xcalloc(n + 1, sizeof *out);
	size_t kept = 0, changed = 0;
	uint64_t (*h)[7] = xmalloc((n + 1) * sizeof *h);
	for (size_t i = 0; i < n; i++)
		if (!i || cmp_saved(&v[i - 1], &v[i])) {
			kept++;
			entry_head(h[i], v[i].path, v[i].d);
			out[i] = in_base(h[i], v[i].path, v[i].d) ? IN_BASE : CHANGED;
			changed += out[i] == CHANGED;
		}
	bool patch = rec.bin.whole.p && bin_patch_fits(changed, kept);
	struct buf b = BUF_INIT;
	bin_put_head(&b, DOCFACTS_HEAD, PATCH_HEAD, patch ? &rec.bin.whole : NULL);
	bin_put_u64(&b, exe);
	bin_put_u64(&b, patch ? changed : kept);
	for (size_t i = 0; i < n; i++) {
		const struct doc *d = v[i].d;
		if (out[i] == LEFT || (patch && out[i] == IN_BASE))
			continue;
		buf_add(&b, h[i], sizeof h[i]);
		bin_put_str(&b, d->fm_text);
		bin_put_str(&b, d->title_from_heading ? d->title : NULL);
		put_tree(&b, v[i].path, d);
	}
	bin_put_u64(&b, XXH3_64bits(b.p, b.len));
	free(v);
	free(out);
	free(h);
	/* its owner's alone, as the other records: it holds the pages' front matter */
	char *ppath = patch ? bin_patch_path(path) : NULL;
	bin_patched_install(path, file_write_temp(patch ? ppath : path, b.p, b.len), patch);
	free(ppath);
	buf_free(&b);
	free(path);
	release();
}
