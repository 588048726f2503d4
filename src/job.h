/* job.h — inside the render stage; shared by render.c (the pipeline: jobs,
 * workers, Markdown, links), model.c (the Lua model of the resolved site and
 * the template helpers) and sitewide.c (outputs made once per site). Not
 * part of any other module's contract.
 *
 * A job is one output document. It is a value passed to every function that
 * renders part of it; nothing about the current document lives anywhere
 * else, except worker.job, the job whose template is running, which the
 * template helpers (url, t, markdown, text_lang, notes) read.
 */
#ifndef VADE_JOB_H
#define VADE_JOB_H

#include "cite.h"
#include "deps.h"
#include "markdown.h"
#include "render.h"
#include "resolve.h"
#include "search.h"
#include "template.h"

#include <lua.h>
#include <pthread.h>
#include <stdatomic.h>

struct job {
	const struct page *page;        /* the page; in a handbook, the chapter being rendered */
	const struct doc *doc;          /* site_page_doc(page, lang): the file its text comes from */
	size_t lang;                    /* the reader's language */
	enum output_kind kind;
	const char *out_path;           /* the output file under OUT_DIR, "fr/a/b/index.html" (borrowed) */
	struct cite_ctx *cite;          /* the document's endnotes; NULL for site-wide pages */
	const struct page *const *chapters; /* a handbook's chapters in order, else NULL */
	size_t nchapters;
	bool own_page;                  /* the template's page is one of its own (search, 404, dashboard),
	                                 * not `page`: no page of the site is current */
	size_t pager;                   /* which page of the page's listing this is (resolve_pager_total);
	                                 * 0 for the first as well */
	struct job_ids *ids;            /* the ids the output file's texts gave so far, or NULL */
	struct vec *own_checks;         /* a card's, sheet's or handbook's in-page links from its data texts
	                                 * (struct check, render.c), checked against the file's own ids once
	                                 * it is made; NULL for a page */
};

/* What the texts of one output file gave so far: a page's text, then each data text a template
 * shows (job_markdown), which a sheet shows once per card, and two of which may each have a [^1]
 * or a "## Careful": ids given twice (helper-135). Each data text's ids (its headings', its
 * footnotes') begin "tN-", N counting the data texts of the file from 1; a heading of any text
 * passes over the ids before it (md_opts.taken). */
struct job_ids {
	struct strmap map;
	size_t texts;
};

/* What the workers share. The site and resolve are read-only; each job
 * writes only its own slot of anchors and search. */
struct shared {
	const struct site *s;
	struct resolved *r;
	const struct render_opts *o;
	atomic_size_t next, written;
	struct deps_unit *units;        /* [npages * nlangs]: what each unit gave (deps.h), its page's ids
	                                 * for checking links to its anchors among them */
	struct deps_table *deps;        /* the shared sets of notes */
	struct deps_record *prev;       /* the last build's record, or NULL: every unit renders */
	const uint64_t *now;            /* the site's digests (deps_digests), or NULL when the build makes none */
	int out_fd;                     /* OUT_DIR (O_PATH), for deps_unchanged(); -1 without a record */
	atomic_size_t reused;           /* units left as the last build wrote them */
	bool *force;                    /* [npages * nlangs]: units rendered whatever the record says */
	uint8_t *unchanged;             /* [npages * nlangs]: deps_unchanged() of the slot, once asked (0: not
	                                 * yet; 1: unchanged; 2: not): render_site asks it of every slot of a
	                                 * build serve's check vouched for, and asked again per unit it was a
	                                 * twentieth of a one-page rebuild at 10,000 pages (issue 13) */
	bool keep_terms;                /* each page's search terms go to its unit once the index is written */
	pthread_mutex_t group_lock;
	struct vec group_files;         /* the search files (groups, indexes) and the site-wide ones written or
	                                 * kept: struct deps_file (owned) */
	struct search_terms **search;   /* [npages * nlangs]: each page's terms (none without an output), for the
	                                 * search index; NULL for a page not published in the language */
	struct search_lexicon **lex;    /* [nlangs]: each language's terms, numbered (search.h); kept in the
	                                 * build's record-to-be (render.c) with the terms that use them */
	json_t **frag;                  /* [npages * nlangs]: each page's entry for search/p/, held until the
	                                 * last page of its group is rendered (search.h) */
	atomic_size_t *group_left;      /* [npages / SEARCH_GROUP + 1]: pages of the group not rendered yet */
};

struct worker {
	struct shared *sh;
	struct tpl_engine *e;           /* one Lua state per worker */
	struct deps_tracker *dk;        /* what the unit under way reads (deps.h) */
	struct vec outs;                /* the files the unit under way wrote (owned) */
	size_t unit_written;            /* the site pages among them */
	struct vec cites;               /* the sources its texts cited (keys, owned) */
	pthread_t th;
	struct vec checks;              /* links to anchors, checked once every page is rendered */
	const struct job *job;          /* the job whose template runs; set by job_template() only */
	bool indexing;                  /* the theme has a search page and there is an output: pages are indexed */
	bool pager_listed;              /* the running job's templates read page.pager.items: its listing's
	                                 * other pages are written too */
	bool unit_unstable;             /* a text the unit shows changed since it was loaded */
	bool text_changed;              /* text is not what was loaded (its digest differs) */
	const char *text_src;           /* the source file read last (a page's languages often share it) */
	char *text;
	size_t text_len;
	/* What the page under way (seen_page) gave the search index in each language so far: its
	 * title, heads and body, each ended by NUL (seen_len[k] + 1 bytes; 0 for none), so a
	 * language showing the same text shares those terms (same_terms in render.c). */
	size_t seen_page;
	struct buf *seen;               /* [nlangs] */
	size_t *seen_len;               /* [nlangs] */
	bool own_thread;                /* runs on a thread of its own, which gives back its Lua state and
	                                 * buffers when the pages are done (worker_release) */
	struct tpl_cache_stats cache_stats; /* its Lua state's, kept when that is given back */
};

/* render.c */
/* Renders template `name` for job j (see tpl_render); the helpers see j. */
int job_template(struct worker *w, const struct job *j, const char *name, int vars, const char *what,
                 struct buf *out, char **base);
/* Renders base layout `base` for j into page with *content (a layout's output, freed here) as
 * vars.content; 0 or -1 after reporting. A page can be large (a 10,000-page site's dashboard:
 * 27 MB), so its content is given up as soon as Lua has it, and taken out of Lua (collected
 * when JOB_CONTENT_LARGE bytes or more) before the page is read back, whose parser holds three
 * times its size: at most two of its copies at once, not five (issue 13). */
#define JOB_CONTENT_LARGE ((size_t)1 << 20)
int job_through_base(struct worker *w, const struct job *j, const char *base, int vars, const char *what,
                     struct buf *content, struct buf *page);
/* Markdown of a data text or locator (the markdown() helper): links,
 * citations into j->cite; typography of the language the text is written in
 * (resolve_value_lang), so a fallback text is never set as right-to-left. */
void job_markdown(struct worker *w, const struct job *j, const char *text, size_t len, struct md_result *out);

/* A search or site-wide file (a group of results, the index: search.h) is written: its stamp goes
 * into the record (deps.h), for the next build to keep it. Thread-safe. */
void note_group_file(struct shared *sh, const char *rel, uint64_t key);
/* The same for one kept as the last build's record has it (deps_file_taken: its stamp there). */
void note_kept_file(struct shared *sh, const char *rel, uint64_t key);

/* model.c */
/* Builds the Lua model of the resolved site in w's engine and registers the
 * helpers. False after reporting (a site too large for the engine). */
bool model_build(struct worker *w);
/* Pushes the variables of one render of j: site, lang, page (md's content
 * and toc over the shared page; NULL md for none), pages, data. */
void model_push_vars(struct worker *w, const struct job *j, const struct md_result *md);
/* Pushes md's table of contents: {{level, id, text}, ...}. */
void model_push_toc(lua_State *L, const struct md_result *md);
/* Pushes a page of its own (search, dashboard), in no language's tree. */
void model_push_own_page(lua_State *L, const char *title);
/* t[k] = v when v is not NULL, on the table on top. */
void model_set_str(lua_State *L, const char *k, const char *v);

/* sitewide.c */
/* Theme assets, page resources, and the site-wide pages the theme has templates for. */
/* Without an output (vade check), renders the site-wide pages for their checks only. */
void sitewide_render(struct worker *w);

#endif
