/* deps.c — what each unit read, its digests, and the record a rebuild reads
 * (see deps.h). */
#include "deps.h"
#include "diag.h"
#include "load.h"
#include "output.h"
#include "resolve.h"
#include "search.h"
#include "site.h"
#include "status.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

/* {======= digests */

static void h_bytes(XXH3_state_t *h, const void *p, size_t n)
{
	uint64_t len = n;
	XXH3_64bits_update(h, &len, sizeof len);
	XXH3_64bits_update(h, p, n);
}

static void h_str(XXH3_state_t *h, const char *s)
{
	s ? h_bytes(h, s, strlen(s)) : h_bytes(h, "\xff", 1); /* NULL differs from "" */
}

static void h_u64(XXH3_state_t *h, uint64_t v)
{
	XXH3_64bits_update(h, &v, sizeof v);
}

static void h_ints(XXH3_state_t *h, const int *v, size_t n)
{
	h_u64(h, n);
	if (n)
		XXH3_64bits_update(h, v, n * sizeof *v);
}

/* What the page's text and anchors are made of: the text shown and its original, the translation status in full. */
static void own_digest(XXH3_state_t *h, const struct site *s, const struct resolved *r, const struct page *p, size_t l)
{
	const struct doc *d = site_page_doc(s, p, l), *d0 = p->docs[0];
	h_str(h, d ? d->src : NULL);
	h_u64(h, d ? d->text_hash : 0);
	h_u64(h, d0 ? d0->text_hash : 0);
	h_u64(h, resolve_text_lang(r, p, l));
	const struct tr_entry *te = status_entry(resolve_status(r), l, TR_PAGES, p->key);
	h_u64(h, te != NULL);
	if (!te)
		return;
	h_str(h, te->tr);
	h_u64(h, te->state);
	h_u64(h, te->nitems);
	h_u64(h, te->recorded);
	h_ints(h, te->foreign, te->nforeign);
	h_ints(h, te->foreign_end, te->nforeign);
	h_ints(h, te->foreign_col, te->nforeign);
	h_ints(h, te->head_orig, te->nheads);
	h_ints(h, te->head_tr, te->nheads);
	for (size_t i = 0; i < te->nlisted; i++) {
		h_str(h, te->items[i].id);
		h_str(h, te->items[i].label);
		h_u64(h, te->items[i].change);
	}
}

/* The fields of a page view that are neither its status nor its children (model.c push_field). */
static void meta_digest(XXH3_state_t *h, const struct site *s, const struct resolved *r, const struct page *p, size_t l)
{
	const struct doc *d = site_page_doc(s, p, l), *d0 = p->docs[0];
	h_str(h, p->key);
	h_str(h, d ? d->src : NULL);
	h_u64(h, d ? d->fm_hash : 0); /* params; the original's fields a translation shows are those below */
	h_str(h, d ? d->shown_title : NULL);
	h_str(h, d ? d->shown_summary : NULL);
	h_str(h, d ? d->layout : NULL);
	h_str(h, d ? d->updated : NULL);
	h_str(h, d0 ? d0->updated : NULL);
	h_u64(h, d ? (uint64_t)(int64_t)d->weight : 0);
	h_u64(h, d0 ? d0->outputs : 0);
	h_u64(h, p->position);
	h_u64(h, p->parent ? p->parent->index + 1 : 0);
	h_u64(h, (uint64_t)p->is_section << 1 | p->generated);
	h_u64(h, resolve_text_lang(r, p, l));
	h_str(h, resolve_output(r, p, l));
	for (size_t k = 0; k < s->nlangs; k++)
		h_u64(h, resolve_has_text(r, p, k));
	/* title_lang, summary_lang: whether its translation holds them untranslated, which the navigation
	 * of every page that lists it shows, and nothing else of its status does */
	const struct tr_entry *te = l ? status_entry(resolve_status(r), l, TR_PAGES, p->key) : NULL;
	h_u64(h, te ? (uint64_t)te->title_foreign << 1 | te->summary_foreign : 0);
}

static void status_digest(XXH3_state_t *h, const struct resolved *r, const struct page *p, size_t l)
{
	const struct tr_entry *te = status_entry(resolve_status(r), l, TR_PAGES, p->key);
	h_u64(h, p->docs[l] != NULL);
	h_u64(h, te != NULL);
	if (!te)
		return;
	h_u64(h, te->state);
	h_u64(h, te->nitems);
	h_u64(h, te->untranslated);
	h_u64(h, tr_entry_outdated(te, p->docs[l] != NULL)); /* as a view gives it: never recorded is none */
	h_u64(h, te->nforeign || te->title_foreign || te->summary_foreign); /* partly_translated */
	for (size_t i = 0; i < te->nlisted && i < CHANGED_SHOWN; i++)
		h_str(h, te->items[i].label);
}

static void kids_digest(XXH3_state_t *h, const struct site *s, const struct resolved *r, const struct page *p)
{
	h_u64(h, p->nkids);
	for (size_t k = 0; k < p->nkids; k++)
		h_u64(h, p->kids[k]->index << 1 | p->kids[k]->is_section);
	for (size_t o = 0; o < s->nlangs; o++) {
		h_u64(h, resolve_written(r, p, o));
		h_u64(h, p->nkids ? resolve_pager_total(r, p, o) : 0);
	}
}

static uint64_t end(XXH3_state_t *h)
{
	uint64_t v = XXH3_64bits_digest(h);
	XXH3_64bits_reset(h);
	return v;
}

/* Page i's digests into d. */
static void page_digests(XXH3_state_t *h, uint64_t *d, const struct site *s, const struct resolved *r, size_t i)
{
	size_t nl = s->nlangs;
	const struct page *p = s->pages[i];
	kids_digest(h, s, r, p);
	uint64_t kids = end(h);
	for (size_t l = 0; l < nl; l++) {
		uint64_t *g = d + (i * nl + l) * DEP_NGROUPS;
		own_digest(h, s, r, p, l);
		g[DEP_OWN] = end(h);
		meta_digest(h, s, r, p, l);
		g[DEP_META] = end(h);
		status_digest(h, r, p, l);
		g[DEP_STATUS] = end(h);
		g[DEP_KIDS] = kids;
	}
}

uint64_t *deps_digests_of(const struct site *s, const struct resolved *r, const uint64_t *was, const bool *changed)
{
	size_t n = (s->npages * s->nlangs + 1) * DEP_NGROUPS;
	uint64_t *d = xmalloc(n * sizeof *d);
	memcpy(d, was, n * sizeof *d);
	XXH3_state_t *h = XXH3_createState();
	XXH3_64bits_reset(h);
	for (size_t i = 0; i < s->npages; i++)
		if (changed[i])
			page_digests(h, d, s, r, i);
	d[s->npages * s->nlangs * DEP_NGROUPS + DEP_OWN] = resolve_texts_digest(r);
	XXH3_freeState(h);
	return d;
}

uint64_t *deps_digests(const struct site *s, const struct resolved *r, uint64_t *shape)
{
	size_t nl = s->nlangs;
	uint64_t *d = xcalloc((s->npages * nl + 1) * DEP_NGROUPS, sizeof *d);
	XXH3_state_t *h = XXH3_createState(), *sh = XXH3_createState();
	XXH3_64bits_reset(h);
	XXH3_64bits_reset(sh);
	h_u64(sh, s->npages);
	h_u64(sh, nl);
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		/* the shape: which pages, where, in which languages; the layouts page_with_layout() finds */
		h_str(sh, p->key);
		h_str(sh, p->path);
		h_u64(sh, (uint64_t)p->is_section << 1 | p->generated);
		h_str(sh, p->docs[0] ? p->docs[0]->layout : NULL);
		for (size_t l = 0; l < nl; l++) {
			h_str(sh, p->docs[l] ? p->docs[l]->src : NULL);
			h_u64(sh, (uint64_t)resolve_written(r, p, l) << 1 | resolve_has_text(r, p, l));
			h_str(sh, resolve_output(r, p, l));
		}
		page_digests(h, d, s, r, i);
	}
	d[s->npages * nl * DEP_NGROUPS + DEP_OWN] = resolve_texts_digest(r);
	*shape = XXH3_64bits_digest(sh);
	XXH3_freeState(h);
	XXH3_freeState(sh);
	return d;
}

/* }======= */

/* {======= sets and trackers */

struct set {
	dep_id *v;
	uint32_t n;
	uint64_t hash;
};

struct deps_table {
	pthread_mutex_t lock;
	size_t nids;                /* (nslots + 1) * DEP_NGROUPS: the pages' slots and the site's */
	struct set *sets;
	uint32_t n, cap;
	uint32_t *slots;            /* open addressing by hash: set number + 1, 0 empty */
	uint32_t nslots;            /* a power of two */
};

struct deps_table *deps_table_new(size_t nslots)
{
	struct deps_table *t = xcalloc(1, sizeof *t);
	pthread_mutex_init(&t->lock, NULL);
	t->nids = (nslots + 1) * DEP_NGROUPS;
	t->nslots = 64;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
	return t;
}

void deps_table_free(struct deps_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->n; i++)
		free(t->sets[i].v);
	free(t->sets);
	free(t->slots);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static int cmp_id(const void *a, const void *b)
{
	dep_id x = *(const dep_id *)a, y = *(const dep_id *)b;
	return x < y ? -1 : x > y;
}

/* The number of the set v[0..n) (sorted, no repeats), added when new; v is copied. */
static uint32_t table_add(struct deps_table *t, const dep_id *v, uint32_t n)
{
	uint64_t hash = XXH3_64bits(v, n * sizeof *v);
	pthread_mutex_lock(&t->lock);
	uint32_t i = (uint32_t)hash & (t->nslots - 1);
	for (; t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
		const struct set *e = &t->sets[t->slots[i] - 1];
		if (e->hash == hash && e->n == n && (!n || !memcmp(e->v, v, n * sizeof *v))) {
			uint32_t num = t->slots[i] - 1;
			pthread_mutex_unlock(&t->lock);
			return num;
		}
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->sets = xrealloc(t->sets, t->cap * sizeof *t->sets);
	}
	uint32_t num = t->n++;
	dep_id *copy = xmalloc((n ? n : 1) * sizeof *copy);
	if (n)
		memcpy(copy, v, n * sizeof *v);
	t->sets[num] = (struct set){copy, n, hash};
	t->slots[i] = num + 1;
	if (2 * t->n > t->nslots) { /* grow: keep it at most half full */
		free(t->slots);
		t->nslots *= 2;
		t->slots = xcalloc(t->nslots, sizeof *t->slots);
		for (uint32_t k = 0; k < t->n; k++) {
			uint32_t j = (uint32_t)t->sets[k].hash & (t->nslots - 1);
			while (t->slots[j])
				j = (j + 1) & (t->nslots - 1);
			t->slots[j] = k + 1;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return num;
}

/* Ids noted without repeats: an id is in when seen[id] is the list's generation. */
struct idlist {
	dep_id *v;
	uint32_t n, cap;
	uint32_t *seen, gen;            /* [nids] */
	size_t nids;
};

static void idlist_start(struct idlist *l)
{
	l->n = 0;
	if (++l->gen == 0) { /* wrapped: forget every stamp */
		memset(l->seen, 0, l->nids * sizeof *l->seen);
		l->gen = 1;
	}
}

static void idlist_add(struct idlist *l, dep_id id)
{
	if (l->seen[id] == l->gen)
		return;
	l->seen[id] = l->gen;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = id;
}

struct deps_tracker {
	struct deps_table *t;
	struct idlist unit, set;
	uint32_t *sets, nsets, capsets; /* the unit's shared sets */
	int in_set;                     /* depth of cached partials being rendered */
};

struct deps_tracker *deps_tracker_new(struct deps_table *t)
{
	struct deps_tracker *k = xcalloc(1, sizeof *k);
	k->t = t;
	k->unit.seen = xcalloc(t->nids + 1, sizeof *k->unit.seen);
	k->set.seen = xcalloc(t->nids + 1, sizeof *k->set.seen);
	k->unit.nids = k->set.nids = t->nids + 1;
	return k;
}

void deps_tracker_free(struct deps_tracker *k)
{
	if (!k)
		return;
	free(k->unit.v);
	free(k->unit.seen);
	free(k->set.v);
	free(k->set.seen);
	free(k->sets);
	free(k);
}

void deps_unit_begin(struct deps_tracker *k)
{
	idlist_start(&k->unit);
	k->nsets = 0;
	k->in_set = 0;
}

void deps_note(struct deps_tracker *k, size_t slot, enum dep_group g)
{
	dep_id id = (dep_id)(slot * DEP_NGROUPS + g);
	if (id >= k->t->nids)
		return;
	idlist_add(k->in_set ? &k->set : &k->unit, id);
}

void deps_note_texts(struct deps_tracker *k)
{
	idlist_add(k->in_set ? &k->set : &k->unit, (dep_id)(k->t->nids - DEP_NGROUPS + DEP_OWN));
}

void deps_set_begin(struct deps_tracker *k)
{
	if (k->in_set++ == 0)
		idlist_start(&k->set);
}

void deps_use_set(struct deps_tracker *k, uint32_t set)
{
	if (k->in_set) { /* inside a set: its notes are the outer set's too */
		pthread_mutex_lock(&k->t->lock);
		struct set e = k->t->sets[set];
		pthread_mutex_unlock(&k->t->lock);
		for (uint32_t i = 0; i < e.n; i++)
			idlist_add(&k->set, e.v[i]);
		return;
	}
	for (uint32_t i = 0; i < k->nsets; i++)
		if (k->sets[i] == set)
			return;
	if (k->nsets == k->capsets) {
		k->capsets = k->capsets ? 2 * k->capsets : 8;
		k->sets = xrealloc(k->sets, k->capsets * sizeof *k->sets);
	}
	k->sets[k->nsets++] = set;
}

uint32_t deps_set_end(struct deps_tracker *k)
{
	if (k->in_set > 1) { /* an inner one: its notes stay in the outer set */
		k->in_set--;
		return UINT32_MAX;
	}
	k->in_set = 0;
	xqsort(k->set.v, k->set.n, sizeof *k->set.v, cmp_id);
	uint32_t num = table_add(k->t, k->set.v, k->set.n);
	deps_use_set(k, num);
	return num;
}

void deps_unit_end(struct deps_tracker *k, struct deps_unit *u)
{
	u->known = true;
	u->nnotes = k->unit.n;
	u->notes = xmalloc((k->unit.n ? k->unit.n : 1) * sizeof *u->notes);
	if (k->unit.n)
		memcpy(u->notes, k->unit.v, k->unit.n * sizeof *u->notes);
	u->nsets = k->nsets;
	u->sets = xmalloc((k->nsets ? k->nsets : 1) * sizeof *u->sets);
	if (k->nsets)
		memcpy(u->sets, k->sets, k->nsets * sizeof *u->sets);
}

static bool reads(const struct deps_table *t, const dep_id *v, size_t n, unsigned groups)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] < t->nids - DEP_NGROUPS && (groups >> (v[i] % DEP_NGROUPS) & 1))
			return true;
	return false;
}

bool deps_unit_reads(struct deps_table *t, const struct deps_unit *u, unsigned groups)
{
	bool any = reads(t, u->notes, u->nnotes, groups);
	pthread_mutex_lock(&t->lock);
	for (uint32_t i = 0; !any && i < u->nsets; i++)
		any = u->sets[i] < t->n && reads(t, t->sets[u->sets[i]].v, t->sets[u->sets[i]].n, groups);
	pthread_mutex_unlock(&t->lock);
	return any;
}

void deps_unit_clear(struct deps_unit *u)
{
	if (!u->borrowed) {
		free(u->notes);
		for (uint32_t i = 0; i < u->nouts; i++)
			free(u->outs[i]);
		for (uint32_t i = 0; i < u->nids; i++)
			free(u->ids[i]);
		for (uint32_t i = 0; i < u->nchecks; i++) {
			free(u->checks[i].src);
			free(u->checks[i].frag);
		}
		for (uint32_t i = 0; i < u->ncites; i++)
			free(u->cites[i]);
		diag_kept_free(u->warns, u->nwarns);
		free(u->outs);
		free(u->out_stamps);
		free(u->ids);
		free(u->checks);
		free(u->cites);
	}
	search_terms_free(u->terms);
	free(u->sets); /* (taken: the block of all its arrays, rd_unit; their strings are the record's) */
	memset(u, 0, sizeof *u);
}

/* }======= */

/* {======= the record
 *
 * Machine-local (native byte order and sizes; the head names the version), beside the
 * output folder. Every field is 8-byte aligned: strings are a u64 length, the bytes, a
 * NUL, padding; lists a u64 count then their items.
 *
 *   head "vade-deps 5\n" (16 bytes), u64 global[2], npages, nlangs
 *   u64 digests[(npages * nlangs + 1) * DEP_NGROUPS] (the pages' slots, then the site's)
 *   u64 nsets; each: u64 n, u32 ids[n] (padded)
 *   per slot: u64 known; when known:
 *     u64 nwritten, nnotes, nsets, nouts, nids, nchecks, indexed, ncites, nwarns
 *     u32 notes[nnotes] (padded), u32 sets[nsets] (padded)
 *     outs: each i64 stamp[STAMP] then the name
 *     ids: each a string
 *     checks: each i64 line, col, target, then src and frag (the fragment as the link writes it: 5)
 *     cites: each a string
 *     warns: each i64 line, col, then path and message
 *     indexed: u64 n, len, then the terms' text[len] and scores u16[n] (each padded)
 *   u64 nfiles; each: i64 stamp[STAMP], u64 key, the name
 *   u64 XXH3-64 of all before
 *
 * The units written since the record was written whole are kept in a patch beside it
 * ("<parent>/.<name>.vade-deps-patch", util.h's bin_patched), while they are few (bin_patch_fits
 * of the slots): a one-page edit at 10,000 pages x 3 wrote the 60 MB record again, a tenth of its
 * rebuild (issue 13). The patch holds what a record holds but the units the record has as they
 * stand; its slots' units are taken before the record's:
 *
 *   head "vade-deps+ 5\n", u64 the XXH3-64 the record ends with, global[2], npages, nlangs
 *   the digests and the sets, as in the record (they replace the record's)
 *   u64 n; each: u64 slot, u64 known, the unit when known (a slot not known now is one too)
 *   the further files, as in the record (they replace the record's)
 *   u64 XXH3-64 of all before
 *
 * A patch of another record (the record was written whole since) is none; a damaged one means no
 * record at all, as the record alone may be older than the output folder. The record's units the
 * patch leaves were taken as they stood by the build that wrote it, their sets numbered as its
 * table numbers them, so the patch's sets are theirs too. */

#define DEPS_HEAD "vade-deps 5\n\0\0\0"
#define PATCH_HEAD "vade-deps+ 5\n\0\0"

struct deps_record {
	struct bin_patched bin;     /* the record, written whole, and its patch */
	uint64_t global[2];
	size_t npages, nlangs, nslots;
	const uint64_t *dig;        /* the patch's when there is one, as the sets and files */
	const uint64_t *whole_dig;  /* the record's own, and where its sets and further files are: what
	                             * deps_reread() takes again before it reads a new patch */
	const char *whole_sets, *whole_files;
	uint32_t nsets;
	const uint64_t **sets;      /* each: n, then the ids */
	const char **unit;          /* [nslots]: the slot's unit (after its flag), NULL when not known */
	const char **own;           /* [nslots]: the record's own, whatever the patch has */
	const char *files_in;       /* the mapping the files' offsets are in */
	struct strmap files;        /* further file name -> offset of its stamp */
	bool *dirty_set;            /* deps_compare() */
	uint32_t *renum;            /* record set -> table set + 1 (deps_number_sets, for deps_take) */
	const uint64_t *now;
	bool vouched;               /* deps_vouch(): its units' files' stamps are not looked at again */
};

#define STAMP FILE_VERSION
#define UNIT_HEAD 9 /* a unit's u64 counts: nwritten .. nwarns */

static void put_ids(struct buf *b, const uint32_t *v, size_t n)
{
	buf_add(b, v, n * sizeof *v);
	bin_pad8(b);
}

/* A file's stamp: which version of it is there (file_version). False when it is not a regular file there. */
static bool stamp_of(int dir_fd, const char *rel, int64_t st_out[STAMP])
{
	struct stat st;
	if (fstatat(dir_fd, rel, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
		return false;
	file_version(&st, st_out);
	return true;
}

/* The stamp deps_write() records for a file the build made: the version its commit took (made),
 * else stamp_of(), or all zeros when it is not there (removed by hand while the record was
 * written). No file has that stamp (an inode number is never 0), so the next build makes the file
 * again and serve's check (deps_verify) sees it missing; leaving the file out of the record instead
 * hid it from both (helper-180). */
static void stamp_made(int dir_fd, const struct output_files *made, const char *rel, int64_t st_out[STAMP])
{
	const int64_t *v = output_files_version(made, rel);
	if (v)
		memcpy(st_out, v, STAMP * sizeof *st_out);
	else if (!stamp_of(dir_fd, rel, st_out))
		memset(st_out, 0, STAMP * sizeof *st_out);
}

char *deps_path(const char *out_dir, const char *suffix)
{
	char *real = path_real_or_new(out_dir);
	if (!real)
		return NULL;
	char *slash = strrchr(real, '/');
	char *p = slash == real ? xasprintf("/.%s.vade-%s", real + 1, suffix)
	                        : xasprintf("%.*s/.%s.vade-%s", (int)(slash - real), real, slash + 1, suffix);
	free(real);
	return p;
}

static char *record_path(const char *out_dir)
{
	return deps_path(out_dir, "deps");
}

void deps_forget(const char *out_dir)
{
	char *path = record_path(out_dir);
	if (path)
		bin_patched_remove(path);
	free(path);
}

/* The record as it is written: through buf b, flushed to f between items (each ends 8-aligned),
 * with the digest of everything written. */
struct wr {
	struct buf b;
	FILE *f;
	XXH3_state_t *h;
	bool ok;
};

static void wr_bytes(struct wr *w, const void *p, size_t n)
{
	XXH3_64bits_update(w->h, p, n);
	w->ok = w->ok && fwrite(p, 1, n, w->f) == n;
}

static void wr_flush(struct wr *w)
{
	wr_bytes(w, w->b.p, w->b.len);
	w->b.len = 0;
}

/* Whether unit u, taken from the record, is still what its bytes there say: no set renumbered
 * (deps_take), its terms the ones taken (sitewide.c hands them back; rewritten, they are its own). */
static bool as_taken(const struct deps_unit *u)
{
	if (!u->borrowed || !u->raw)
		return false;
	const struct search_terms *t = u->terms;
	return t ? !t->lex && t->borrowed && t->text == u->raw_terms && u->indexed : !u->raw_terms;
}

/* Puts unit u (not as taken) as deps_write() writes it: its flag, then, when known, the unit, its
 * sets numbered by num (table set -> written number; NULL: as the table numbers them). Its files
 * are stamped through fd; st holds stamps for cap files (grown as needed). */
static void put_unit(struct wr *w, int fd, const struct output_files *made, const struct deps_unit *u,
                     const uint32_t *num, int64_t (**st)[STAMP], size_t *cap)
{
	struct buf *b = &w->b;
	bool known = u->known;
	if (known && u->nouts > *cap) {
		*cap = u->nouts * 2;
		*st = xrealloc(*st, *cap * sizeof **st);
	}
	/* a file it wrote that is not there: the next build renders it (stamp_made). A unit taken
	 * from the record keeps the stamps this build found its files with (deps_unchanged): the
	 * build wrote none of them, and stat()ing 35,000 files again was a tenth of a one-page
	 * rebuild at 10,000 pages (issue 13). Any later change to one shows in the next build's check. */
	for (uint32_t i = 0; known && i < u->nouts; i++) {
		if (u->borrowed && u->out_stamps && u->out_stamps[i])
			memcpy((*st)[i], u->out_stamps[i], sizeof (*st)[i]);
		else
			stamp_made(fd, made, u->outs[i], (*st)[i]);
	}
	bin_put_u64(b, known);
	if (!known)
		return;
	bool indexed = u->indexed && u->terms;
	uint64_t head[UNIT_HEAD] = {u->nwritten, u->nnotes, u->nsets, u->nouts, u->nids, u->nchecks, indexed, u->ncites,
	                            u->nwarns};
	buf_add(b, head, sizeof head);
	put_ids(b, u->notes, u->nnotes);
	size_t at = b->len;
	put_ids(b, u->sets, u->nsets);
	for (uint32_t i = 0; num && i < u->nsets; i++)
		memcpy(b->p + at + i * 4, &num[u->sets[i]], 4);
	for (uint32_t i = 0; i < u->nouts; i++) {
		buf_add(b, (*st)[i], sizeof (*st)[i]);
		bin_put_str(b, u->outs[i]);
	}
	for (uint32_t i = 0; i < u->nids; i++)
		bin_put_str(b, u->ids[i]);
	for (uint32_t i = 0; i < u->nchecks; i++) {
		const struct deps_check *c = &u->checks[i];
		int64_t v[3] = {c->line, c->col, c->target};
		buf_add(b, v, sizeof v);
		bin_put_str(b, c->src);
		bin_put_str(b, c->frag);
	}
	for (uint32_t i = 0; i < u->ncites; i++)
		bin_put_str(b, u->cites[i]);
	for (uint32_t i = 0; i < u->nwarns; i++) {
		int64_t v[2] = {u->warns[i].line, u->warns[i].col};
		buf_add(b, v, sizeof v);
		bin_put_str(b, u->warns[i].path);
		bin_put_str(b, u->warns[i].msg);
	}
	if (indexed) {
		bin_put_u64(b, u->terms->n);
		bin_put_u64(b, u->terms->len);
		struct search_term_iter it = {0};
		const char *term;
		size_t len;
		while ((term = search_terms_next(u->terms, &it, &len)))
			buf_add(b, term, len + 1);
		bin_pad8(b);
		it = (struct search_term_iter){0};
		while (search_terms_next(u->terms, &it, &len)) {
			uint16_t sc = (uint16_t)it.score;
			buf_add(b, &sc, sizeof sc);
		}
		bin_pad8(b);
	}
}

/* Whether unit u of slot s is what prev's record (written whole) has there: taken from it as it
 * stood, or not known in either. */
static bool as_recorded(const struct deps_record *prev, size_t s, const struct deps_unit *u)
{
	return u->known ? as_taken(u) && prev->own[s] && u->raw == prev->own[s] - 8 : !prev->own[s];
}

/* The numbers the sets of t are written with when no unit is copied from the record as it stands:
 * by the first slot that uses each (those no unit uses after, in t's order), as deps_number_sets()
 * numbers a record's sets for the build after. The workers number them as they take units, and a
 * record so numbered could not be patched by the next build, each of whose units would differ from
 * it: the first one-page edit after a full build wrote the 60 MB again (issue 13). *order gets
 * the sets by their number. NULL (nothing renumbered) when a unit is copied. */
static uint32_t *slot_numbers(const struct deps_table *t, const struct deps_unit *units, size_t nslots,
                              uint32_t **order)
{
	for (size_t s = 0; s < nslots; s++)
		if (units[s].known && as_taken(&units[s]))
			return *order = NULL;
	uint32_t *num = xmalloc((t->n + 1) * sizeof *num), next = 0;
	*order = xmalloc((t->n + 1) * sizeof **order);
	memset(num, 0xff, (t->n + 1) * sizeof *num);
	for (size_t s = 0; s < nslots; s++)
		for (uint32_t i = 0; units[s].known && i < units[s].nsets; i++)
			if (num[units[s].sets[i]] == UINT32_MAX) {
				num[units[s].sets[i]] = next;
				(*order)[next++] = units[s].sets[i];
			}
	for (uint32_t i = 0; i < t->n; i++)
		if (num[i] == UINT32_MAX) {
			num[i] = next;
			(*order)[next++] = i;
		}
	return num;
}

char *deps_write(const char *out_dir, const struct deps_record *prev, const uint64_t global[2], size_t npages,
                 size_t nlangs, const uint64_t *now, const struct deps_table *t, const struct deps_unit *units,
                 struct deps_file *const *files, size_t nfiles, const struct output_files *made, bool *patch)
{
	size_t nslots = npages * nlangs, changed = 0;
	/* a patch of prev's record when it is for the same inputs and few units are not as it has them */
	*patch = prev && prev->bin.whole.p && prev->global[0] == global[0] && prev->global[1] == global[1] &&
	         prev->npages == npages && prev->nlangs == nlangs;
	for (size_t s = 0; s < nslots && *patch; s++)
		changed += !as_recorded(prev, s, &units[s]);
	*patch = *patch && bin_patch_fits(changed, nslots);
	char *record = record_path(out_dir), *ppath = record ? bin_patch_path(record) : NULL;
	char *path = *patch ? ppath : record, *other = *patch ? record : ppath;
	char *prefix = other ? xasprintf("%s.tmp-", other) : NULL;
	if (prefix) /* what a killed build left of the other's (file_create_temp() sweeps this one's) */
		file_sweep_temps(prefix);
	free(prefix);
	free(other);
	int fd = open(out_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *tmp = NULL;
	/* Not synced: a record cut short by a crash fails its digest and only means a full build. */
	struct wr w = {BUF_INIT, path ? file_create_temp(path, &tmp) : NULL, XXH3_createState(), true};
	if (!path || fd < 0 || !w.f) {
		if (w.f)
			fclose(w.f);
		free(path);
		free(tmp);
		XXH3_freeState(w.h);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	XXH3_64bits_reset(w.h);
	struct buf *b = &w.b;
	bin_put_head(b, DEPS_HEAD, PATCH_HEAD, *patch ? &prev->bin.whole : NULL);
	bin_put_u64(b, global[0]);
	bin_put_u64(b, global[1]);
	bin_put_u64(b, npages);
	bin_put_u64(b, nlangs);
	buf_add(b, now, (nslots + 1) * DEP_NGROUPS * sizeof *now);
	uint32_t *order = NULL, *num = *patch ? NULL : slot_numbers(t, units, nslots, &order);
	bin_put_u64(b, t->n);
	for (uint32_t i = 0; i < t->n; i++) {
		const struct set *e = &t->sets[order ? order[i] : i];
		bin_put_u64(b, e->n);
		put_ids(b, e->v, e->n);
	}
	if (*patch)
		bin_put_u64(b, changed);
	int64_t (*st)[STAMP] = NULL;
	size_t capst = 0;
	/* Units as they were taken from the record are copied from it, a run of them at a time: at
	 * 10,000 pages × 3 languages, writing the 60 MB field by field again after a one-page edit was
	 * the longest part of the build after its commit (issue 13). A patch has each after its slot. */
	const char *run = NULL;
	size_t run_len = 0;
	for (size_t s = 0; s < nslots && w.ok; s++) {
		const struct deps_unit *u = &units[s];
		if (*patch) {
			if (as_recorded(prev, s, u))
				continue;
			if (run) { /* the run before, then the slot: no run goes past one */
				wr_flush(&w);
				wr_bytes(&w, run, run_len);
				run = NULL;
			}
			bin_put_u64(b, s);
		}
		if (u->known && as_taken(u)) {
			if (run && run + run_len == u->raw) {
				run_len += u->raw_len;
			} else {
				if (run)
					wr_bytes(&w, run, run_len);
				wr_flush(&w);
				run = u->raw;
				run_len = u->raw_len;
			}
			continue;
		}
		if (run) {
			wr_flush(&w);
			wr_bytes(&w, run, run_len);
			run = NULL;
		}
		put_unit(&w, fd, made, u, num, &st, &capst);
		if (b->len > (1 << 20))
			wr_flush(&w);
	}
	if (run) {
		wr_flush(&w);
		wr_bytes(&w, run, run_len);
	}
	if (nfiles > capst)
		st = xrealloc(st, nfiles * sizeof *st);
	bin_put_u64(b, nfiles);
	for (size_t i = 0; i < nfiles; i++) {
		if (files[i]->taken)
			memcpy(st[i], files[i]->was, sizeof st[i]);
		else
			stamp_made(fd, made, files[i]->name, st[i]);
		buf_add(b, st[i], sizeof st[i]);
		bin_put_u64(b, files[i]->key);
		bin_put_str(b, files[i]->name);
	}
	free(num);
	free(order);
	free(st);
	wr_flush(&w);
	uint64_t sum = XXH3_64bits_digest(w.h);
	w.ok = w.ok && fwrite(&sum, 1, sizeof sum, w.f) == sizeof sum;
	w.ok = fclose(w.f) == 0 && w.ok;
	if (!w.ok) {
		unlink(tmp);
		free(tmp);
		tmp = NULL;
	}
	buf_free(b);
	XXH3_freeState(w.h);
	free(path);
	close(fd);
	return tmp;
}

void deps_install(const char *out_dir, char *tmp, bool patch, bool keep)
{
	char *path = record_path(out_dir);
	if (tmp && (!keep || !path)) {
		unlink(tmp);
		free(tmp);
		tmp = NULL;
	}
	/* a record written whole is put in place before its patch goes: a patch left by a crash
	 * between the two names another record, and is none */
	if (path)
		bin_patched_install(path, tmp, patch);
	free(path);
}

/* A string of a unit: looked through by the walk that checks the record (u NULL), taken as it stands
 * after (bin_str_walked). */
static const char *unit_str(struct bin_rd *r, const struct deps_unit *u)
{
	return u ? bin_str_walked(r) : bin_str(r);
}

/* Walks the unit at r (a known one, after its flag); fills u when not NULL (strings borrowed: a unit
 * deps_read() walked). With stamps_fd >= 0, false as soon as an output's stamp differs. */
static bool rd_unit(struct bin_rd *r, struct deps_unit *u, int stamps_fd, const struct deps_record *rec)
{
	uint64_t head[UNIT_HEAD];
	for (int i = 0; i < UNIT_HEAD; i++)
		head[i] = bin_u64(r);
	/* each item takes 8 bytes or more: a count past what is left is a damaged record, not an allocation */
	uint64_t left = r->ok ? (uint64_t)(r->end - r->p) / 8 : 0;
	left = left < UINT32_MAX ? left : UINT32_MAX;
	if (!r->ok || head[1] > UINT32_MAX || head[2] > UINT32_MAX || head[3] > left || head[4] > left ||
	    head[5] > left || head[7] > left || head[8] > left) {
		r->ok = false;
		return false;
	}
	const uint32_t *notes = bin_skip(r, head[1] * 4), *sets = bin_skip(r, head[2] * 4);
	if (!r->ok)
		return false;
	for (uint64_t i = 0; i < head[1]; i++)
		if (notes[i] >= (rec->nslots + 1) * DEP_NGROUPS)
			return r->ok = false;
	for (uint64_t i = 0; i < head[2]; i++)
		if (sets[i] >= rec->nsets)
			return r->ok = false;
	if (u) {
		*u = (struct deps_unit){.known = true, .borrowed = true, .nwritten = (uint32_t)head[0],
		                        .notes = (dep_id *)notes, .nnotes = (uint32_t)head[1], .nsets = (uint32_t)head[2],
		                        .nouts = (uint32_t)head[3], .nids = (uint32_t)head[4], .nchecks = (uint32_t)head[5],
		                        .indexed = head[6] != 0, .ncites = (uint32_t)head[7], .nwarns = (uint32_t)head[8]};
		/* Its arrays in one block, sets first (deps_unit_clear frees it so): a unit taken was six
		 * allocations and six frees, 30,600 times in a one-page rebuild at 10,000 pages (issue 13).
		 * Each part's size is a multiple of 8, so each starts aligned for pointers. */
		_Static_assert(sizeof(struct deps_check) % _Alignof(void *) == 0 &&
		                   sizeof(struct diag_kept) % _Alignof(void *) == 0 && _Alignof(int64_t) <= 8,
		               "the parts of a taken unit's block keep their alignment");
		size_t at[7], end = 0;
		const size_t part[7] = {((head[2] + 1) * sizeof *u->sets + 7) & ~(size_t)7,
		                        (head[3] + 1) * sizeof *u->outs,
		                        (head[3] + 1) * sizeof *u->out_stamps,
		                        (head[4] + 1) * sizeof *u->ids,
		                        (head[5] + 1) * sizeof *u->checks,
		                        (head[7] + 1) * sizeof *u->cites,
		                        (head[8] + 1) * sizeof *u->warns};
		for (int i = 0; i < 7; i++) {
			at[i] = end;
			end += part[i];
		}
		char *block = xcalloc(1, end);
		u->sets = (uint32_t *)(void *)(block + at[0]);
		if (head[2])
			memcpy(u->sets, sets, head[2] * sizeof *sets);
		u->outs = (char **)(void *)(block + at[1]);
		u->out_stamps = (const int64_t **)(void *)(block + at[2]);
		u->ids = (char **)(void *)(block + at[3]);
		u->checks = (struct deps_check *)(void *)(block + at[4]);
		u->cites = (char **)(void *)(block + at[5]);
		u->warns = (struct diag_kept *)(void *)(block + at[6]);
	}
	for (uint64_t i = 0; i < head[3] && r->ok; i++) {
		const int64_t *st = bin_skip(r, STAMP * 8);
		const char *name = unit_str(r, u);
		if (r->ok && !u && !output_path_inside(name))
			return r->ok = false; /* not a record vade wrote */
		int64_t now[STAMP];
		if (stamps_fd >= 0 && r->ok && (!stamp_of(stamps_fd, name, now) || memcmp(now, st, sizeof now)))
			return false;
		if (u) {
			u->outs[i] = (char *)name;
			u->out_stamps[i] = st;
		}
	}
	if (stamps_fd >= 0)
		return r->ok;
	for (uint64_t i = 0; i < head[4] && r->ok; i++) {
		const char *id = unit_str(r, u);
		if (u)
			u->ids[i] = (char *)id;
	}
	for (uint64_t i = 0; i < head[5] && r->ok; i++) {
		const int64_t *v = bin_skip(r, 24);
		const char *src = unit_str(r, u), *frag = unit_str(r, u);
		if (!r->ok)
			break;
		r->ok = v[2] >= 0 && (uint64_t)v[2] < rec->nslots;
		if (u)
			u->checks[i] = (struct deps_check){(char *)src, (int)v[0], (int)v[1], (uint32_t)v[2], (char *)frag};
	}
	for (uint64_t i = 0; i < head[7] && r->ok; i++) {
		const char *cite = unit_str(r, u);
		if (u)
			u->cites[i] = (char *)cite;
	}
	for (uint64_t i = 0; i < head[8] && r->ok; i++) {
		const int64_t *v = bin_skip(r, 16);
		const char *path = unit_str(r, u), *msg = unit_str(r, u);
		if (!r->ok)
			break;
		r->ok = v[0] >= 0 && v[0] <= INT_MAX && v[1] >= 0 && v[1] <= INT_MAX;
		if (u)
			u->warns[i] = (struct diag_kept){(char *)path, (int)v[0], (int)v[1], (char *)msg};
	}
	if (head[6] != 0 && r->ok) {
		uint64_t n = bin_u64(r), len = bin_u64(r);
		const char *text = len < SIZE_MAX / 2 ? bin_skip(r, len) : NULL;
		const uint16_t *score = n < SIZE_MAX / 4 ? bin_skip(r, n * 2) : NULL;
		/* n terms, each ended by its NUL: search_index_write walks them so. Counted by the walk
		 * that checks the record through (u NULL: deps_read), not again when the unit is taken:
		 * counting byte by byte was a third of a one-page rebuild at 10,000 pages (issue 13). */
		size_t terms = text && !u ? mem_count_byte(text, len, '\0') : n;
		if (!text || !score || (len && text[len - 1] != '\0') || terms != n) {
			r->ok = false;
			return false;
		}
		if (u) {
			u->terms = xcalloc(1, sizeof *u->terms);
			*u->terms = (struct search_terms){.text = (char *)text, .score = (uint16_t *)score, .n = n,
			                                   .len = len, .borrowed = true};
		}
	}
	return r->ok;
}

/* Reads the sets at r into rec's (replacing any). */
static void read_sets(struct deps_record *rec, struct bin_rd *r)
{
	free(rec->sets);
	rec->sets = NULL;
	rec->nsets = 0;
	uint64_t nsets = bin_u64(r);
	if (!r->ok || nsets >= UINT32_MAX || nsets > (uint64_t)(r->end - r->p) / 8) {
		r->ok = false;
		return;
	}
	rec->nsets = (uint32_t)nsets;
	rec->sets = xcalloc(nsets + 1, sizeof *rec->sets);
	for (uint64_t i = 0; i < nsets && r->ok; i++) {
		rec->sets[i] = (const uint64_t *)r->p;
		uint64_t n = bin_u64(r);
		const uint32_t *ids = n <= (uint64_t)(r->end - r->p) / 4 ? bin_skip(r, n * 4) : NULL;
		for (uint64_t k = 0; ids && k < n; k++)
			r->ok = r->ok && ids[k] < (rec->nslots + 1) * DEP_NGROUPS;
		r->ok = r->ok && ids;
	}
}

/* Reads the further files at r (in the mapping that starts at text) into rec's (replacing any). */
static void read_files(struct deps_record *rec, struct bin_rd *r, const char *text)
{
	strmap_free(&rec->files);
	rec->files = (struct strmap)STRMAP_INIT_OWNED;
	rec->files_in = text;
	uint64_t nfiles = bin_u64(r);
	for (uint64_t i = 0; i < nfiles && r->ok; i++) {
		size_t st = (size_t)(r->p - text);
		bin_skip(r, STAMP * 8 + 8);
		const char *name = bin_str(r);
		r->ok = r->ok && output_path_inside(name);
		if (r->ok)
			*strmap_put(&rec->files, name, NULL) = st;
	}
}

/* Whether the sets unit at uses are all in rec's. */
static bool sets_known(const struct deps_record *rec, const char *at)
{
	uint64_t head[UNIT_HEAD];
	memcpy(head, at, sizeof head);
	const uint32_t *sets = (const uint32_t *)(at + sizeof head + ((head[1] * 4 + 7) & ~(uint64_t)7));
	for (uint64_t i = 0; i < head[2]; i++)
		if (sets[i] >= rec->nsets)
			return false;
	return true;
}

/* Reads rec's patch (bin_patched_map() found it names rec's record): false when it is damaged. */
static bool read_patch(struct deps_record *rec)
{
	const struct bin_map *pm = &rec->bin.patch;
	struct bin_rd r = {pm->p + BIN_PATCH_BODY, pm->p + pm->len - 8, true};
	uint64_t g0 = bin_u64(&r), g1 = bin_u64(&r), np = bin_u64(&r), nl = bin_u64(&r);
	if (!r.ok || g0 != rec->global[0] || g1 != rec->global[1] || np != rec->npages || nl != rec->nlangs)
		return false;
	rec->dig = bin_skip(&r, (rec->nslots + 1) * DEP_NGROUPS * 8);
	read_sets(rec, &r);
	uint64_t n = bin_u64(&r);
	for (uint64_t i = 0; i < n && r.ok; i++) {
		uint64_t slot = bin_u64(&r), known = bin_u64(&r);
		if (!r.ok || slot >= rec->nslots) {
			r.ok = false;
			break;
		}
		rec->unit[slot] = known ? r.p : NULL;
		if (known)
			rd_unit(&r, NULL, -1, rec);
	}
	read_files(rec, &r, pm->p);
	/* the record's units the patch leaves, with the patch's sets */
	for (size_t s = 0; s < rec->nslots && r.ok; s++)
		r.ok = !rec->unit[s] || rec->unit[s] != rec->own[s] || sets_known(rec, rec->unit[s]);
	return r.ok && r.p == r.end;
}

struct deps_record *deps_read(const char *out_dir, const uint64_t global[2], size_t npages, size_t nlangs)
{
	char *path = record_path(out_dir);
	struct bin_patched bin;
	bool ok = path && bin_patched_map(path, DEPS_HEAD, PATCH_HEAD, &bin) == 0;
	free(path);
	/* a patch there that is not whole (cut short, or written by something else): no record */
	if (ok && bin.damaged)
		bin_patched_unmap(&bin);
	if (!ok || !bin.whole.p)
		return NULL;
	const char *text = bin.whole.p;
	size_t len = bin.whole.len;
	struct bin_rd r = {text + 16, text + len - 8, true};
	uint64_t g0 = bin_u64(&r), g1 = bin_u64(&r), np = bin_u64(&r), nl = bin_u64(&r);
	/* (without global, any record's: its slots' digests must fit in it) */
	bool shaped = global ? g0 == global[0] && g1 == global[1] && np == npages && nl == nlangs
	                     : np < len && nl < len && np * nl < len / (DEP_NGROUPS * 8);
	if (!r.ok || !shaped) {
		bin_patched_unmap(&bin);
		return NULL;
	}
	struct deps_record *rec = xcalloc(1, sizeof *rec);
	rec->bin = bin;
	rec->global[0] = g0, rec->global[1] = g1;
	rec->npages = np, rec->nlangs = nl;
	rec->nslots = np * nl;
	rec->files = (struct strmap)STRMAP_INIT_OWNED;
	rec->dig = rec->whole_dig = bin_skip(&r, (rec->nslots + 1) * DEP_NGROUPS * 8);
	rec->whole_sets = r.p;
	read_sets(rec, &r);
	rec->unit = xcalloc(rec->nslots + 1, sizeof *rec->unit);
	rec->own = xcalloc(rec->nslots + 1, sizeof *rec->own);
	for (size_t s = 0; s < rec->nslots && r.ok; s++) {
		if (!bin_u64(&r))
			continue;
		rec->unit[s] = rec->own[s] = r.p;
		rd_unit(&r, NULL, -1, rec); /* checked through once, read when taken */
	}
	rec->whole_files = r.p;
	read_files(rec, &r, text);
	if (!r.ok || r.p != r.end || (rec->bin.patch.p && !read_patch(rec))) {
		deps_record_free(rec);
		return NULL;
	}
	rec->renum = xcalloc(rec->nsets + 1, sizeof *rec->renum);
	return rec;
}

struct deps_record *deps_reread(struct deps_record *rec, const char *out_dir, const uint64_t global[2],
                                size_t npages, size_t nlangs)
{
	char *path = rec ? record_path(out_dir) : NULL;
	struct stat st;
	int64_t v[STAMP];
	bool same = path && rec->global[0] == global[0] && rec->global[1] == global[1] && rec->npages == npages &&
	            rec->nlangs == nlangs && stat(path, &st) == 0;
	if (same)
		file_version(&st, v);
	if (!same || memcmp(v, rec->bin.whole.version, sizeof v)) { /* (none, or another record written whole) */
		/* (global may be rec's own, as deps_verify() passes it: copied before rec goes) */
		const uint64_t g[2] = {global[0], global[1]};
		free(path);
		deps_record_free(rec);
		return deps_read(out_dir, g, npages, nlangs);
	}
	bin_patched_remap(path, PATCH_HEAD, &rec->bin);
	free(path);
	/* the record's units, digests, sets and further files, then the patch's over them (deps_read) */
	memcpy(rec->unit, rec->own, rec->nslots * sizeof *rec->unit);
	rec->dig = rec->whole_dig;
	const char *end = rec->bin.whole.p + rec->bin.whole.len - 8;
	struct bin_rd r = {rec->whole_sets, end, true};
	read_sets(rec, &r);
	r = (struct bin_rd){rec->whole_files, end, true};
	read_files(rec, &r, rec->bin.whole.p);
	if (rec->bin.damaged || !r.ok || (rec->bin.patch.p && !read_patch(rec))) {
		deps_record_free(rec);
		return NULL;
	}
	free(rec->dirty_set);
	rec->dirty_set = NULL;
	free(rec->renum);
	rec->renum = xcalloc(rec->nsets + 1, sizeof *rec->renum);
	rec->now = NULL;
	rec->vouched = false;
	return rec;
}

void deps_record_free(struct deps_record *rec)
{
	if (!rec)
		return;
	bin_patched_unmap(&rec->bin);
	free(rec->sets);
	free(rec->unit);
	free(rec->own);
	free(rec->dirty_set);
	free(rec->renum);
	strmap_free(&rec->files);
	free(rec);
}

void deps_compare(struct deps_record *rec, const uint64_t *now)
{
	rec->now = now;
	free(rec->dirty_set);
	rec->dirty_set = xcalloc(rec->nsets + 1, sizeof *rec->dirty_set);
	for (uint32_t i = 0; i < rec->nsets; i++) {
		const uint64_t *e = rec->sets[i];
		const uint32_t *ids = (const uint32_t *)(e + 1);
		for (uint64_t k = 0; k < e[0] && !rec->dirty_set[i]; k++)
			rec->dirty_set[i] = rec->dig[ids[k]] != now[ids[k]];
	}
}

void deps_number_sets(struct deps_record *rec, struct deps_table *t)
{
	for (size_t s = 0; s < rec->nslots; s++) {
		const char *at = rec->unit[s];
		if (!at)
			continue;
		uint64_t head[UNIT_HEAD];
		memcpy(head, at, sizeof head);
		const uint32_t *sets = (const uint32_t *)(at + sizeof head + ((head[1] * 4 + 7) & ~(uint64_t)7));
		for (uint64_t i = 0; i < head[2]; i++)
			if (!rec->renum[sets[i]]) {
				const uint64_t *e = rec->sets[sets[i]];
				rec->renum[sets[i]] = table_add(t, (const dep_id *)(e + 1), (uint32_t)e[0]) + 1;
			}
	}
}

uint64_t deps_record_id(const struct deps_record *rec)
{
	uint64_t id = bin_map_sum(&rec->bin.whole);
	return rec->bin.patch.p ? id ^ (bin_map_sum(&rec->bin.patch) * 0x9E3779B97F4A7C15u) : id;
}

void deps_vouch(struct deps_record *rec)
{
	rec->vouched = true;
}

int deps_verify(const char *out_dir, struct deps_record **kept, uint64_t *id)
{
	*id = 0;
	struct deps_record *rec = *kept;
	if (rec) /* (whatever inputs the record on the disk is for: the next build asks) */
		rec = deps_reread(rec, out_dir, rec->global, rec->npages, rec->nlangs);
	if (!rec)
		rec = deps_read(out_dir, NULL, 0, 0);
	*kept = rec;
	if (!rec)
		return -1;
	int fd = open(out_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool intact = fd >= 0; /* (the folder itself removed, or another thing put in its place) */
	for (size_t s = 0; s < rec->nslots && intact; s++) {
		struct bin_rd r = {rec->unit[s], rec->unit[s] ? bin_patched_end(&rec->bin, rec->unit[s]) : NULL, true};
		intact = !rec->unit[s] || rd_unit(&r, NULL, fd, rec);
	}
	for (size_t i = 0; i < rec->files.nslots && intact; i++)
		intact = !rec->files.keys[i] || deps_file_intact(rec, rec->files.keys[i], fd);
	if (fd >= 0)
		close(fd);
	if (intact)
		*id = deps_record_id(rec);
	return intact;
}

bool deps_unchanged(const struct deps_record *rec, size_t slot, int out_fd)
{
	if (!rec || !rec->now || slot >= rec->nslots || !rec->unit[slot])
		return false;
	/* deps_read walked every unit: the offsets hold */
	const char *at = rec->unit[slot];
	uint64_t head[UNIT_HEAD];
	memcpy(head, at, sizeof head);
	const uint32_t *notes = (const uint32_t *)(at + sizeof head);
	const uint32_t *sets = notes + ((head[1] * 4 + 7) & ~(uint64_t)7) / 4;
	for (uint64_t i = 0; i < head[1]; i++)
		if (rec->dig[notes[i]] != rec->now[notes[i]])
			return false;
	for (uint64_t i = 0; i < head[2]; i++)
		if (rec->dirty_set[sets[i]])
			return false;
	if (rec->vouched)
		return true;
	struct bin_rd r = {at, bin_patched_end(&rec->bin, at), true};
	return rd_unit(&r, NULL, out_fd, rec);
}

bool deps_file_intact(const struct deps_record *rec, const char *name, int out_fd)
{
	const size_t *at = rec ? strmap_get(&rec->files, name) : NULL;
	int64_t now[STAMP];
	return at && stamp_of(out_fd, name, now) && !memcmp(now, rec->files_in + *at, sizeof now);
}

struct deps_file *deps_file_new(const char *name, uint64_t key)
{
	size_t n = strlen(name) + 1;
	struct deps_file *f = xcalloc(1, sizeof *f + n);
	f->key = key;
	memcpy(f->name, name, n);
	return f;
}

struct deps_file *deps_file_taken(const struct deps_record *rec, const char *name, uint64_t key)
{
	struct deps_file *f = deps_file_new(name, key);
	const size_t *at = rec ? strmap_get(&rec->files, name) : NULL;
	f->taken = true; /* (all zeros where rec has it not: stamp_made's "not there") */
	if (at)
		memcpy(f->was, rec->files_in + *at, sizeof f->was);
	return f;
}

uint64_t deps_file_key(const struct deps_record *rec, const char *name)
{
	const size_t *at = rec ? strmap_get(&rec->files, name) : NULL;
	uint64_t key = 0;
	if (at)
		memcpy(&key, rec->files_in + *at + STAMP * 8, sizeof key);
	return key;
}

bool deps_file_kept(const struct deps_record *rec, const char *name, uint64_t key, int out_fd, size_t *size)
{
	const size_t *at = rec && key ? strmap_get(&rec->files, name) : NULL;
	int64_t now[STAMP];
	if (!at || memcmp(rec->files_in + *at + STAMP * 8, &key, sizeof key) || !stamp_of(out_fd, name, now) ||
	    memcmp(now, rec->files_in + *at, sizeof now))
		return false;
	*size = (size_t)now[0]; /* file_version(): the size first */
	return true;
}

bool deps_terms(const struct deps_record *rec, size_t slot, struct search_terms *out)
{
	if (!rec || slot >= rec->nslots || !rec->unit[slot])
		return false;
	struct bin_rd r = {rec->unit[slot], bin_patched_end(&rec->bin, rec->unit[slot]), true};
	struct deps_unit u = {0};
	bool ok = rd_unit(&r, &u, -1, rec) && u.terms;
	if (ok)
		*out = *u.terms;
	deps_unit_clear(&u);
	return ok;
}

size_t deps_files_under(const struct deps_record *rec, const char *prefix, const char ***names)
{
	struct vec v = VEC_INIT;
	size_t n = strlen(prefix);
	for (size_t i = 0; rec && i < rec->files.nslots; i++)
		if (rec->files.keys[i] && !strncmp(rec->files.keys[i], prefix, n))
			vec_push(&v, rec->files.keys[i]);
	xqsort(v.v, v.n, sizeof *v.v, cmp_str);
	*names = (const char **)v.v;
	return v.n;
}

void deps_take(struct deps_record *rec, size_t slot, struct deps_unit *u)
{
	struct bin_rd r = {rec->unit[slot], bin_patched_end(&rec->bin, rec->unit[slot]), true};
	rd_unit(&r, u, -1, rec);
	bool same = true; /* the build's table numbers its sets as the record did */
	for (uint32_t i = 0; i < u->nsets; i++) {
		uint32_t s = u->sets[i];
		u->sets[i] = rec->renum[s] - 1;
		same = same && u->sets[i] == s;
	}
	/* from its flag (deps_write: 8 bytes before it) to its end, what deps_write would write again */
	u->raw = same ? rec->unit[slot] - 8 : NULL;
	u->raw_len = same ? (size_t)(r.p - u->raw) : 0;
	u->raw_terms = u->terms ? u->terms->text : NULL;
}

/* }======= */
