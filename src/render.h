/* render.h — the render stage: every (page, language) through Markdown and
 * the layout templates into OUT_DIR, in parallel, then the checks that need
 * the whole site (anchors of links), theme assets and page resources.
 *
 * Writes only through output_put(); with no output renders and checks but
 * writes nothing (vade check). Errors go through diag.
 */
#ifndef VADE_RENDER_H
#define VADE_RENDER_H

#include "site.h"

struct tr_report;
struct output;

/* Where a build's time went, in seconds of wall time (vade build --stats). */
struct render_stats {
	double resolve;         /* resolve_site() (links, anchors, data), the digests and the last build's record (deps.h) */
	double pages;           /* every (page, language) and its print outputs, in parallel */
	double sitewide;        /* assets, resources, search, dashboard, 404 pages, sitemap, root */
	size_t cached_renders;  /* cached partials rendered (include_cached, template.h), every worker */
	size_t cached_hits;     /* include_cached() calls answered from a worker's cache */
	size_t cached_drops;    /* times a worker's cache was emptied for its bound */
	size_t units, reused;   /* units (a page in a language, deps.h); those left as the last build wrote them */
	char rendered[512];     /* the pages of the first units rendered, "en/a/b/ fr/a/b/ ..." (truncated) */
	/* The languages' search indexes: made whole, made from the last build's (search_index_update),
	 * kept as the last build wrote them; the shards of those updated, and those made again. */
	size_t index_whole, index_updated, index_kept, shards, shards_remade;
	bool vouched;           /* the record's files were taken as it has them (render_opts.vouched) */
};

struct render_opts {
	struct output *out;     /* where outputs go (output.h); NULL: write nothing */
	int jobs;               /* worker threads, >= 1 */
	const struct tr_report *status; /* translation status, for notices and the dashboard; may be NULL */
	bool progress;          /* a one-line count of pages rendered on stderr (a terminal), from 1 s on */
	struct render_stats *stats; /* filled in when not NULL */
	/* Incremental builds (deps.h): with global (the digest of every input but the pages' texts and
	 * the translations' records, [2]), the record of the last build into out_dir is read and the
	 * units it shows unchanged are not rendered; *deps is then set to what this build's record is
	 * made of, for render_deps_finish() once the output folder holds what was put. NULL global:
	 * every unit renders and *deps is NULL. */
	const char *out_dir;
	const uint64_t *global;
	struct render_deps **deps;
	/* vade serve's: the digests of the site (deps.h) its last rebuild made, given back replaced by
	 * this build's (d NULL when it made none); with changed ([npages], not NULL), the site is that
	 * rebuild's patched (site_patch) and only the flagged pages' digests are made again
	 * (deps_digests_of). NULL: the digests are made and let go. */
	struct render_digests *digests;
	/* vade serve's: the site's resolved facts (resolve.h), kept between rebuilds: in, the last
	 * rebuild's made the site's as it stands (resolve_patch), or NULL to work them out; out, this
	 * build's, the caller's to free. NULL: worked out and let go. */
	struct resolved **resolved;
	/* vade serve's: the id of the record a check while it waited found every file of intact
	 * (deps_verify), or 0: a build that reads that record takes its files as it has them. */
	uint64_t vouched;
	/* vade serve's: the record of the output folder its last build read (deps.h), kept: in, to be
	 * read again (deps_reread), or NULL; out, this build's (given back when *deps is freed), the
	 * caller's to free. NULL: read and let go. */
	struct deps_record **record;
};
struct render_digests {
	uint64_t *d;            /* (npages * nlangs + 1) * DEP_NGROUPS of them, malloc'd; or NULL */
	size_t n;
	uint64_t shape;
	const bool *changed;
};

/* Returns the number of pages written (or rendered, for a check). Once the site is resolved,
 * drops its front matter trees (site_drop_front_matter): s holds them no more. */
size_t render_site(struct site *s, const struct render_opts *o);

/* Writes the record of a build into out_dir, then frees d (may be NULL: nothing to write). The
 * record is put in place only when vouch(ctx) (not NULL) is true, else it and any record out_dir had
 * are removed; vouch runs on the caller's thread while the record is written. The files the build
 * wrote are recorded with the versions its commit took (made, output.h; may be NULL: stat()ed).
 * NULL out_dir: writes nothing and calls nothing (deps_forget() is the caller's). */
struct render_deps;
struct output_files;
void render_deps_finish(struct render_deps *d, const char *out_dir, const struct output_files *made,
                        bool (*vouch)(void *ctx, struct render_deps *d), void *ctx);
/* The stamp (file_version) this build found out_dir's file rel with, when a unit it left as the
 * last build wrote it (deps_unchanged) wrote rel, or the one the last record has when rel is a
 * search or site-wide file the build kept (deps_file_taken); else NULL. A state_known_stamp
 * (state.h) for vouch(), which gets d (NULL when there is none): the commit writes none of these
 * files. */
const int64_t *render_deps_stamp(void *d, const char *rel);

#endif
