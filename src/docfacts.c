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
#include <xxhash.h>

#define DOCFACTS_HEAD "vade-docs 2\n\0\0\0\0"

enum { HAS_FM = 1, H1_SOUGHT = 2, HAS_H1 = 4 };

/* One file of the record: borrowed from its bytes. */
struct entry {
	XXH128_hash_t path;
	uint64_t id;
	struct doc_facts f;
};

static struct {
	struct bin_map map;     /* the record */
	struct entry *v;        /* sorted by path digest */
	size_t n;
	time_t since;
	bool open;              /* docfacts_get() answers (docfacts_close() ends it; the record stays for the save) */
	atomic_size_t hits;     /* docfacts_get() answers since the record was opened */
} rec;

static int cmp_entry(const void *a, const void *b)
{
	return XXH128_cmp(&((const struct entry *)a)->path, &((const struct entry *)b)->path);
}

/* The entries of the record data[0, len) (bin_map() checked its head and sum), or false when it is
 * none of this vade's (docfacts.h). */
static bool parse(const char *data, size_t len)
{
	uint64_t exe;
	if (len < 40 || !self_digest(&exe) || memcmp(data + 16, &exe, 8)) /* head and sum: bin_map() */
		return false;
	struct bin_rd r = {data + 24, data + len - 8, true};
	uint64_t n = bin_u64(&r);
	if (n > (len - 40) / 64)
		return false;
	rec.v = xmalloc((n ? n : 1) * sizeof *rec.v);
	for (rec.n = 0; rec.n < n && r.ok; rec.n++) {
		struct entry *e = &rec.v[rec.n];
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
		if (!e->id || (rec.n && cmp_entry(&rec.v[rec.n - 1], e) >= 0))
			r.ok = false;
	}
	return r.ok && r.p == r.end && rec.n == n;
}

/* Forgets the record. */
static void release(void)
{
	bin_unmap(&rec.map);
	free(rec.v);
	rec.v = NULL;
	rec.n = 0;
}

void docfacts_open(const char *out_dir, time_t since)
{
	docfacts_close();
	release();
	rec.since = since;
	rec.open = true;
	atomic_store(&rec.hits, 0);
	char *path = deps_path(out_dir, "docs");
	if (!path || bin_map(path, DOCFACTS_HEAD, &rec.map) != 0 || !parse(rec.map.p, rec.map.len))
		release();
	free(path);
}

bool docfacts_keeps_trees(void)
{
	return rec.open && rec.map.p;
}

uint64_t docfacts_id(const struct stat *st)
{
	return rec.open ? file_version_id(st, rec.since) : 0;
}

/* The record's entry for the file whose path digest is path, at version id; NULL when it has none. */
static const struct entry *entry_of(XXH128_hash_t path, uint64_t id)
{
	struct entry key = {.path = path};
	const struct entry *e = id && rec.n ? bsearch(&key, rec.v, rec.n, sizeof key, cmp_entry) : NULL;
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
	if (rec.map.p)
		madvise((void *)rec.map.p, rec.map.len, MADV_DONTNEED);
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
	struct buf b = BUF_INIT;
	buf_add(&b, DOCFACTS_HEAD, 16);
	bin_put_u64(&b, exe);
	size_t at_n = b.len;
	bin_put_u64(&b, 0);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		const struct doc *d = v[i].d;
		if (i && !cmp_saved(&v[i - 1], &v[i]))
			continue; /* two paths with one digest: the second is read each time */
		uint32_t line_flags[2] = {(uint32_t)d->body_line, (d->fm_text ? HAS_FM : 0) |
		                          (d->h1_sought ? H1_SOUGHT : 0) | (d->title_from_heading ? HAS_H1 : 0)};
		uint64_t h[7] = {v[i].path.low64, v[i].path.high64, d->file_id, d->text_hash, d->fm_hash, d->body_off, 0};
		memcpy(&h[6], line_flags, 8);
		buf_add(&b, h, sizeof h);
		bin_put_str(&b, d->fm_text);
		bin_put_str(&b, d->title_from_heading ? d->title : NULL);
		put_tree(&b, v[i].path, d);
		kept++;
	}
	memcpy(b.p + at_n, &(uint64_t){kept}, 8);
	bin_put_u64(&b, XXH3_64bits(b.p, b.len));
	free(v);
	/* its owner's alone, as the other records: it holds the pages' front matter */
	file_write_record(path, b.p, b.len);
	buf_free(&b);
	free(path);
	release();
}
