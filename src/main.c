/* main.c — the vade command line: parse arguments, dispatch, exit status. */
#include "diag.h"
#include "docfacts.h"
#include "exchange.h"
#include "i18n.h"
#include "langtag.h"
#include "output.h"
#include "render.h"
#include "resolve.h"
#include "serve.h"
#include "site.h"
#include "state.h"
#include "deps.h"
#include "status.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <mimalloc.h>
#include <pthread.h>
#include <sys/resource.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef VADE_VERSION
#define VADE_VERSION "0.1"
#endif

enum { EXIT_CONTENT = 1, EXIT_USAGE = 2 };

static const char usage[] =
	"usage: vade [-C SITE_DIR] COMMAND [OPTIONS]\n"
	"\n"
	"commands:\n"
	"  build [-o OUT_DIR] [-j N] [--strict] [--stats]\n"
	"                                         render content/ into OUT_DIR (default SITE_DIR/dist);\n"
	"                                         --stats: time per stage, files, peak memory\n"
	"  check [--strict]                       validate everything, write nothing\n"
	"  i18n status [LANG...] [--json] [--strict]   what each translation is missing or behind on\n"
	"  i18n add LANG [--name NAME] [--dir rtl|ltr]   start a new translation language (BCP 47 tag)\n"
	"  i18n done LANG [PAGE...]               mark translations as current with their original\n"
	"  i18n export LANG -o FILE.po|FILE.xlf   write a PO or XLIFF 1.2 file for translators\n"
	"  i18n import FILE.po|FILE.xlf [--fuzzy] [--strict]\n"
	"                                         bring its translations into content/ (fuzzy ones only with --fuzzy)\n"
	"  serve [--port N] [--stats]             preview on http://127.0.0.1:N/ (8080), rebuilding on change;\n"
	"                                         --stats: build's, after each build\n"
	"  version                                print the version\n"
	"\n"
	"-C SITE_DIR may appear anywhere; --strict turns warnings into errors.\n";

/* "vade: " and fmt with arg, which the command line gave (shown as it is: text_shown), then the usage. */
static int usage_error(const char *fmt, const char *arg)
{
	char *shown = text_shown(arg);
	fputs("vade: ", stderr);
	fprintf(stderr, fmt, shown);
	free(shown);
	fputs("\n", stderr);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

struct args {
	const char *site, *out, *cmd;
	const char *name, *dir; /* i18n add */
	int jobs, port;
	bool strict, json, fuzzy, stats;
};

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static int finish(bool strict)
{
	size_t errs = diag_errors(), warns = diag_flush(); /* each said once, as printed */
	if (errs || (strict && warns)) {
		if (!errs)
			fprintf(stderr, "vade: %zu warning(s) and --strict\n", warns);
		return EXIT_CONTENT;
	}
	return 0;
}

/* Peak resident memory of the process so far, in MiB (getrusage: ru_maxrss is in KiB on Linux). */
static double peak_mib(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0;
}

/* `vade build` when nothing changed since the last build into the output folder (state.h):
 * says so and writes nothing. True when it did. Not under --strict when that build gave
 * warnings: the build runs (from its records) and fails as one, rather than printing "up to
 * date" beside the failure. */
static bool up_to_date(const struct args *a, const char *dir, const struct state_rec *rec,
                       const struct state_digest *inputs, double t0)
{
	if ((a->strict && rec->nsaid) || !state_fresh(dir, rec, inputs))
		return false;
	char *shown = text_shown(dir);
	printf("vade: %zu pages in %zu language%s into %s, up to date: no input changed since the last build (%.2f s)\n",
	       rec->pages, rec->nlangs, rec->nlangs == 1 ? "" : "s", shown, monotonic_seconds() - t0);
	free(shown);
	diag_say_again(rec->said, rec->nsaid); /* what the last build said, as it said it */
	if (a->stats)
		printf("stage      seconds\n"
		       "inputs     %7.3f   content/, templates/, themes/ and vade digested: unchanged\n"
		       "total      %7.3f\n"
		       "files      0 rendered, 0 written (up to date)\n"
		       "memory     %.1f MiB peak resident\n",
		       monotonic_seconds() - t0, monotonic_seconds() - t0, peak_mib());
	return true;
}

/* The theme folder s uses as the state record names it (state_theme_outside), and whether the
 * digests made before the build (with rec's theme) covered it. Caller frees *theme. */
static bool theme_covered(const struct args *a, const struct site *s, const struct state_rec *rec, char **real)
{
	*real = realpath(s->theme_dir, NULL);
	const char *theme = *real ? state_theme_outside(a->site, *real) : NULL;
	return *real && (theme ? rec->theme && !strcmp(rec->theme, theme) : !rec->theme);
}

/* The stamps record_state() records the output folder's files with: those a unit left as the last
 * build wrote it was found with, else those the commit took (output_file), else none (stat()ed). */
struct known_stamps {
	struct render_deps *deps;
	const struct output_files *made;
};

static const int64_t *known_stamp(void *ctx, const char *rel)
{
	const struct known_stamps *k = ctx;
	const int64_t *v = k->deps ? render_deps_stamp(k->deps, rel) : NULL;
	return v ? v : output_files_version(k->made, rel);
}

/* After a build that wrote dir without warnings: records its inputs when they are still
 * those digested before it read anything (pre) with the theme folder it used, else only
 * the theme folder, for the next build to digest. They are digested again to know, but
 * under vade serve when the kernel reported no change to the site since the build began
 * (serve_quiet(watch)): a walk of every input, a tenth of a one-page rebuild at 10,000
 * pages, where inotify already watches each folder. True when they were, or, for serve's
 * rebuild that made no digest (texts_only: serve_texts_only()), when nothing changed while it ran:
 * what the build read is then what it noted (deps.h). */
static bool record_state(const struct args *a, const char *dir, const struct site *s, const struct state_rec *rec,
                         const struct state_digest *pre, bool texts_only, size_t pages, struct watcher *watch,
                         bool warned, struct render_deps *deps, const struct output_files *made)
{
	char *real;
	bool covered = theme_covered(a, s, rec, &real);
	const char *theme = real ? state_theme_outside(a->site, real) : NULL;
	struct state_digest post;
	bool same = pre && (!real || covered), vouched;
	if (texts_only) { /* pre is NULL: nothing to record, only whether the deps can be kept */
		vouched = covered && serve_quiet(watch);
	} else if (same && serve_quiet(watch)) {
		post = *pre;
		vouched = true;
	} else {
		vouched = same = same && state_inputs(a->site, dir, theme, a->jobs, &post, NULL) && post.lo == pre->lo &&
		                 post.hi == pre->hi;
	}
	/* with the warnings it gave, which a build that finds the folder up to date says again */
	size_t nsaid = 0;
	struct diag_kept *said = warned ? diag_said(&nsaid) : NULL;
	struct known_stamps known = {deps, made};
	state_record(dir, same ? &post : NULL, theme, pages, s->nlangs, said, nsaid, known_stamp, &known, made);
	diag_kept_free(said, nsaid);
	free(real);
	return vouched;
}

/* Whether the output folder dir is outside every folder a build reads (content/, templates/,
 * themes/ and the theme in use): one inside would be read back by the next build (published
 * again, or its files taken for templates) and change the inputs while it is written. False
 * after reporting. */
static bool output_outside_inputs(const struct args *a, const struct site *s, const char *dir)
{
	char *out = path_real_or_new(dir);
	if (!out)
		return true; /* output_begin() says why it cannot be made */
	/* the site's folders, the themes beside vade (site.h), and the theme in use (s, when loaded) */
	char *roots[2];
	site_theme_roots(roots);
	char *folders[6] = {path_join(a->site, "content"), path_join(a->site, "templates"), path_join(a->site, "themes"),
	                    roots[0], roots[1], s && s->theme_dir ? xstrdup(s->theme_dir) : NULL};
	const char *shown[6] = {"content/", "templates/", "themes/", "the themes beside vade", "the themes beside vade",
	                        "the theme's folder"};
	bool ok = true;
	for (size_t i = 0; i < 6; i++) {
		char *real = ok && folders[i] ? path_real_or_new(folders[i]) : NULL;
		size_t n = real ? strlen(real) : 0;
		if (real && !strncmp(out, real, n) && (out[n] == '/' || out[n] == '\0')) {
			diag_error(dir, 0, 0, "the output folder is in %s, which vade reads: the next build would read "
			           "what this one writes; build into a folder outside content/, templates/ and themes/",
			           shown[i]);
			ok = false;
		}
		free(real);
		free(folders[i]);
	}
	free(out);
	return ok;
}

/* record_state() as render_deps_finish() calls it. */
struct recording {
	const struct args *a;
	const char *dir;
	const struct site *s;
	const struct state_rec *rec;
	const struct state_digest *pre;
	bool texts_only;
	size_t pages;
	struct watcher *watch;
	bool warned;
	const struct output_files *made;
};

/* mimalloc's, in build/vade (Makefile: ALLOC_LIBS); the sanitizer and fuzz builds link
 * without it, and there the name is null. */
#pragma weak mi_option_set_enabled
#pragma weak mi_option_set

/* An incremental build (the output folder has the records of an earlier one) is short and reads
 * the large records again: mimalloc giving freed memory back to the kernel at once (madvise), only
 * to take it again as page faults, cost a one-page rebuild at 10,000 pages 4 % of its CPU on a quiet
 * machine and a tenth on a busy one (issue 13). Kept, memory is used again; a build's peak grows by a
 * tenth, so a first build keeps the default.
 * Under vade serve the memory one rebuild frees is the next one's, seconds later; mimalloc still
 * gave it back after its decommit delay (25 ms), and six one-page rebuilds at 10,000 pages took
 * 30,000 page faults and a third more CPU than with the delay at 10 s (5,000; /proc/PID/stat,
 * serve -j 1). After 10 s without a rebuild it is given back as before.
 * MIMALLOC_ALLOW_DECOMMIT and MIMALLOC_DECOMMIT_DELAY in the environment have the last word. */
static void keep_freed_memory(bool serving)
{
	if (mi_option_set_enabled && !getenv("MIMALLOC_ALLOW_DECOMMIT"))
		mi_option_set_enabled(mi_option_allow_decommit, false);
	if (serving && mi_option_set && !getenv("MIMALLOC_DECOMMIT_DELAY"))
		mi_option_set(mi_option_decommit_delay, 10000);
}

static bool record_state_vouch(void *ctx, struct render_deps *deps)
{
	const struct recording *r = ctx;
	return record_state(r->a, r->dir, r->s, r->rec, r->pre, r->texts_only, r->pages, r->watch, r->warned, deps,
	                    r->made);
}

/* vade serve's digest of the inputs but the pages' texts (state.h's rest), made by the walk before its
 * last rebuild that walked them; known false when that walk failed. */
static struct {
	bool known;
	struct state_digest d;
} served_rest;

/* The output folder the command line names (-o), or the site's dist/ (caller frees). */
static char *out_dir_of(const struct args *a)
{
	return a->out ? xstrdup(a->out) : path_join(a->site, "dist");
}

/* vade serve's: the id of the record the last check while it waited found every file of intact
 * (deps_verify), 0 when none did since the last build; for the next build (render_opts.vouched). */
static uint64_t served_vouched;
/* vade serve's: the record of the output folder its last build read, kept for the next to read again
 * (render_opts.record). */
static struct deps_record *served_record;

/* vade serve's site as its last rebuild loaded it, with the warnings that load gave (diag_said),
 * kept for the next rebuild to patch (site_patch) when only pages' bodies changed since. Kept
 * only after a rebuild that wrote the output folder; NULL otherwise. */
static struct {
	struct site *s;
	struct diag_kept *said;
	size_t nsaid;
	struct render_digests digests; /* the site's digests as that rebuild made them (deps.h) */
	struct tr_report *status;      /* its translation status (status.h) */
	struct resolved *resolved;     /* the facts resolve.h worked out of it (it has no front matter trees) */
} served;

static void served_drop(void)
{
	resolve_free(served.resolved); /* (it reads the site) */
	site_free(served.s);
	diag_kept_free(served.said, served.nsaid);
	free(served.digests.d);
	status_report_free(served.status);
	memset(&served, 0, sizeof served);
}

/* A build that stops before its render (errors said): what it holds given back. */
static int given_up(struct site *s, struct state_rec *rec, char *dir, bool *reread, struct render_digests *dg,
                    struct tr_report *status, struct resolved *resolved, bool strict)
{
	resolve_free(resolved); /* (it reads the site) */
	status_report_free(status);
	free(dir);
	free(reread);
	free(dg->d);
	site_free(s);
	state_rec_free(rec);
	return finish(strict);
}

/* `vade build` (write) or `vade check`; watch: vade serve's, for a rebuild (else NULL). */
static int cmd_build(const struct args *a, bool write, struct watcher *watch)
{
	double t0 = monotonic_seconds();
	guess_budget_reset(); /* (each of vade serve's rebuilds guesses anew) */
	struct state_rec rec = {0};
	struct state_digest inputs, rest;
	bool digested = false, walked = false;
	char *facts_dir = NULL; /* where the record of the page files the last build read is (docfacts.h) */
	double t_inputs = 0;
	if (write) {
		char *dir0 = out_dir_of(a);
		if (state_read(dir0, &rec))
			keep_freed_memory(watch != NULL);
		/* Under vade serve, when the kernel reported changes to pages' texts alone since the last walk
		 * (and the theme is one it watches), the rest's digest is that walk's: a walk of every input
		 * (stat() of 26,000 page files) was a fifth of a one-page rebuild at 10,000 pages (issue 13).
		 * The inputs' whole digest is then not known, and the state record holds none (state.h). */
		if (serve_texts_only(watch) && served_rest.known && !rec.theme) {
			rest = served_rest.d;
			digested = true;
		} else {
			double t = monotonic_seconds();
			digested = walked = state_inputs(a->site, dir0, rec.theme, a->jobs, &inputs, &rest);
			served_rest.known = digested;
			served_rest.d = rest;
			t_inputs = monotonic_seconds() - t;
		}
		bool fresh = walked && up_to_date(a, dir0, &rec, &inputs, t0);
		if (fresh) {
			free(dir0);
			state_known_save(); /* the folder the last build wrote */
			state_rec_free(&rec);
			return finish(a->strict);
		}
		facts_dir = dir0;
	}
	/* vade serve, only pages' texts changed since the last rebuild: its site, patched */
	size_t nnamed = 0;
	const char *const *named = digested && !walked ? serve_texts_named(watch, &nnamed) : NULL;
	bool *reread = served.s ? xcalloc(served.s->npages + 1, sizeof *reread) : NULL;
	struct site *s = served.s && named && site_patch(served.s, named, nnamed, served.said, served.nsaid, reread)
	                     ? served.s
	                     : NULL;
	bool patched = s != NULL;
	/* the digests and statuses of the pages not read again are the last rebuild's, but where a
	 * translations' record changed (every page of its language has a new status) */
	bool records_changed = false;
	for (size_t i = 0; patched && i < nnamed; i++)
		records_changed = records_changed || site_status_record(named[i]);
	if (records_changed)
		memset(reread, 1, s->npages * sizeof *reread);
	struct render_digests digests = patched ? served.digests : (struct render_digests){0};
	served.digests.d = patched ? NULL : served.digests.d;
	struct tr_report *status = patched && !records_changed ? served.status : NULL;
	served.status = status ? NULL : served.status;
	struct resolved *resolved = patched ? served.resolved : NULL;
	served.resolved = patched ? NULL : served.resolved;
	served.s = s ? NULL : served.s;
	served_drop();
	if (!s) {
		if (facts_dir)
			docfacts_open(facts_dir, time(NULL)); /* the page files the last build read, as they were */
		s = site_load(a->site, a->jobs);
		docfacts_close();
	}
	free(facts_dir);
	digests.changed = patched ? reread : NULL;
	double t_load = monotonic_seconds() - t0;
	if (diag_errors())
		return given_up(s, &rec, NULL, reread, &digests, status, resolved, a->strict);
	char *dir = a->out ? xstrdup(a->out) : site_path(s, "dist");
	struct output *out = NULL;
	/* (patched: the names and paths the last rebuild checked, what it said among what is said again) */
	if (!patched)
		site_check_output_paths(s, dir);
	if (watch && !diag_errors()) /* what the load said, for the next rebuild's patch to say again */
		served.said = diag_said(&served.nsaid);
	if (diag_errors())
		return given_up(s, &rec, dir, reread, &digests, status, resolved, a->strict);
	if (write && !output_outside_inputs(a, s, dir))
		return given_up(s, &rec, dir, reread, &digests, status, resolved, a->strict);
	if (write && !(out = output_begin(dir)))
		return given_up(s, &rec, dir, reread, &digests, status, resolved, a->strict);
	double t1 = monotonic_seconds();
	if (status) { /* serve, a site patched: the statuses of the pages read again made anew */
		status_report_patch(status, s, reread);
	} else {
		/* The pages' statuses the last build into this folder worked out (status.h). (Not written
		 * by serve's patched rebuilds: the file stays the last whole status's, and the pages they
		 * read again are worked out anew by the next build that reads it.) */
		char *cache_path = write ? deps_path(dir, "status") : NULL;
		struct status_cache *scache = write ? status_cache_read(cache_path) : NULL;
		status = status_report_new(s, a->jobs, CHANGED_SHOWN, scache);
		/* A page's status is a function of its files and records alone: kept now, whatever the
		 * build comes to, and its memory given back before the render. */
		status_cache_write(scache, cache_path, s->nlangs);
		status_cache_free(scache);
		free(cache_path);
	}
	double t_status = monotonic_seconds() - t1;
	struct render_stats rs = {0};
	/* Incremental (deps.h) when every input but the pages' texts has the digest made before the
	 * build read anything: the theme it uses among them. */
	char *theme_real = NULL;
	bool covered = theme_covered(a, s, &rec, &theme_real), incremental = digested && covered;
	if (watch) /* a theme outside the folders serve watches (site.yaml: `theme: ../shared`), from now on */
		serve_watch_theme(watch, theme_real ? state_theme_outside(a->site, theme_real) : NULL);
	free(theme_real);
	uint64_t global[2] = {rest.lo, rest.hi};
	struct render_deps *deps = NULL;
	struct render_opts o = {.out = out, .jobs = a->jobs, .status = status, .stats = &rs,
	                        .progress = isatty(STDERR_FILENO) && !getenv("VADE_NO_PROGRESS"),
	                        .out_dir = dir, .global = incremental ? global : NULL, .deps = &deps,
	                        .digests = watch ? &digests : NULL, .vouched = served_vouched,
	                        .record = watch ? &served_record : NULL};
	served_vouched = 0; /* (the build writes another record) */
	if (resolved)
		resolve_patch(resolved, status, reread);
	o.resolved = watch ? &resolved : NULL;
	size_t pages = render_site(s, &o);
	bool ok = diag_errors() == 0 && !(a->strict && diag_warnings());
	size_t produced = 0, changed = 0, kept = 0;
	bool committed = false;
	struct output_files made = {0}; /* (what the commit put, and when) */
	double t2 = monotonic_seconds();
	if (write) {
		produced = output_produced(out);
		changed = output_changed(out);
		kept = output_kept(out);
		if (!ok)
			output_abort(out);
		else if (output_commit(out, &made) == 0) {
			committed = true;
			char *shown = text_shown(dir);
			printf("vade: %zu pages in %zu language%s into %s, %zu file%s written (%.2f s)\n", pages, s->nlangs,
			       s->nlangs == 1 ? "" : "s", shown, changed, changed == 1 ? "" : "s", monotonic_seconds() - t0);
			free(shown);
			/* Inputs that changed while the build read them: nothing it noted can be vouched for. */
			struct recording rc = {a,     dir,   s, &rec, walked ? &inputs : NULL, digested && !walked,
			                       pages, watch, diag_warnings() > 0, &made};
			render_deps_finish(deps, dir, &made, record_state_vouch, &rc);
			deps = NULL;
		}
	} else if (ok) {
		printf("vade: %zu pages in %zu language%s checked, no errors\n", pages, s->nlangs,
		       s->nlangs == 1 ? "" : "s");
	}
	render_deps_finish(deps, NULL, NULL, NULL, NULL);
	output_files_free(&made);
	if (a->stats) {
		/* One stage per line, wall seconds; then what was made, and the memory high-water mark. */
		printf("stage      seconds\n"
		       "inputs     %7.3f   %s\n"
		       "load       %7.3f   %s\n"
		       "resolve    %7.3f   translation status %.3f; links, anchors, data and the last build's record %.3f\n"
		       "render     %7.3f   pages in parallel (-j %d)\n"
		       "sitewide   %7.3f   assets, search, dashboard, 404, sitemap\n"
		       "write      %7.3f   %s\n"
		       "total      %7.3f\n",
		       t_inputs,
		       walked     ? "content/, templates/, themes/ and vade digested"
		       : digested ? "not walked: only pages' texts changed since the last walk (serve)"
		       : write    ? "not digested: a symbolic link or unreadable file among them (a full build)"
		                  : "not digested: check records nothing",
		       t_load - t_inputs,
		       patched ? "the last rebuild's site, its changed pages read again (serve)"
		               : "content/, data, bibliography, UI strings",
		       t_status + rs.resolve, t_status, rs.resolve, rs.pages, a->jobs, rs.sitewide, monotonic_seconds() - t2,
		       !write      ? "nothing: check writes no file"
		       : committed ? "the staged files moved into place"
		                   : "the staged files removed (the build failed)",
		       monotonic_seconds() - t0);
		/* rendered: made again, written when its bytes differ from the file there; kept: a unit
		 * left as the last build wrote it (deps.h), its files neither rendered nor written */
		if (write && committed)
			printf("files      %zu rendered (%zu written, %zu as they were), %zu kept as the last build wrote "
			       "them (%zu in all)\n", produced - kept, changed, produced - kept - changed, kept, produced);
		else if (write) /* staged and taken back: nothing reached the output folder */
			printf("files      %zu rendered, 0 written: the build failed, the output folder is as it was\n",
			       produced - kept);
		size_t docs = 0, known = docfacts_hits();
		for (size_t i = 0; i < s->npages; i++)
			for (size_t l = 0; l < s->nlangs; l++)
				docs += s->pages[i]->docs[l] && s->pages[i]->docs[l]->src && !s->pages[i]->generated;
		if (patched) /* (names of status records among them are not page files) */
			printf("sources    %zu page file%s read again, the other %zu kept from the last rebuild (serve)\n",
			       nnamed, nnamed == 1 ? "" : "s", docs > nnamed ? docs - nnamed : 0);
		else
			printf("sources    %zu page file%s read, %zu known from the last build (not read)\n",
			       docs > known ? docs - known : 0, docs == known + 1 ? "" : "s", known);
		printf("units      %zu rendered, %zu left as the last build wrote them (a page in a language)\n",
		       rs.units - rs.reused, rs.reused);
		if (rs.vouched)
			printf("outputs    the files left taken as serve's check found them while it waited (not looked at again)\n");
		if (rs.reused && rs.units > rs.reused) { /* names of the site's, shown as they are */
			char *shown = text_shown(rs.rendered);
			printf("rendered   %s\n", shown);
			free(shown);
		}
		printf("cached     %zu rendered, %zu reused, %zu dropped for room (include_cached, per worker)\n",
		       rs.cached_renders, rs.cached_hits, rs.cached_drops);
		if (write && rs.index_whole + rs.index_updated + rs.index_kept)
			printf("search     %zu index%s made whole, %zu updated (%zu of %zu shards made again), %zu kept as the last "
			       "build wrote %s\n", rs.index_whole, rs.index_whole == 1 ? "" : "es", rs.index_updated,
			       rs.shards_remade, rs.shards, rs.index_kept, rs.index_kept == 1 ? "it" : "them");
		printf("memory     %.1f MiB peak resident\n", peak_mib());
	}
	if (out) {
		state_known_save(); /* beside a folder the build accepted, whatever it came to */
		/* (not after a patch: the files it read again are not the record's, and are read again by the
		 * next load, which reads the record the last load left) */
		if (!patched)
			docfacts_save(dir, s);
	}
	free(dir);
	free(reread);
	if (watch && committed && served.said) {
		served.s = s;
		served.digests = digests;
		served.digests.changed = NULL;
		served.status = status;
		served.resolved = resolved;
	} else {
		served_drop();
		resolve_free(resolved);
		site_free(s);
		free(digests.d);
		status_report_free(status);
	}
	state_rec_free(&rec);
	return finish(a->strict);
}

/* Ctrl-C, SIGTERM and SIGHUP during a build: the staging folder goes, the output folder
 * stays as it was, and vade dies of the signal, as a shell expects; during an i18n command,
 * an import's staged files go and every file stays as it was (exchange_interrupt()). The signals are taken
 * by one thread with sigwait(), not by a handler, so the cleanup may call anything; they are
 * blocked before any other thread starts, so every thread inherits the mask. A signal
 * ignored when vade starts (a background job of a script) stays ignored. */
static sigset_t stop_signals;

static void *take_stop_signals(void *arg)
{
	(void)arg;
	int sig;
	while (sigwait(&stop_signals, &sig) != 0)
		;
	static const char built[] = "vade: interrupted; the output folder is as it was\n",
	                  imported[] = "vade: interrupted; nothing imported, every file is as it was\n";
	const char *msg = output_interrupt() ? built : exchange_interrupt() ? imported : NULL;
	if (msg && write(STDERR_FILENO, msg, strlen(msg)) < 0) {
		/* nothing more to do about it */
	}
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, sig);
	signal(sig, SIG_DFL);
	pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	raise(sig);
	_exit(128 + sig);
}

static void catch_stop_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	sigemptyset(&stop_signals);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		struct sigaction was;
		if (sigaction(sigs[i], NULL, &was) == 0 && was.sa_handler != SIG_IGN)
			sigaddset(&stop_signals, sigs[i]);
	}
	if (sigisemptyset(&stop_signals))
		return;
	pthread_t t;
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	if (pthread_create(&t, NULL, take_stop_signals, NULL) == 0)
		pthread_detach(t);
	else
		pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
}

static int rebuild(void *ctx, struct watcher *watch)
{
	int rc = cmd_build(ctx, true, watch);
	diag_reset();
	return rc;
}

/* vade serve, waiting for a change: whether the output folder is as its record has it (deps.h,
 * deps_verify), for the next rebuild to take the files it left as they are; true asks for a
 * rebuild (one is not). */
static bool verify(void *ctx)
{
	const struct args *a = ctx;
	char *dir = out_dir_of(a);
	bool want = deps_verify(dir, &served_record, &served_vouched) == 0;
	free(dir);
	return want;
}

static int cmd_serve(const struct args *a)
{
	char *dir = out_dir_of(a);
	/* no rebuild into such a folder could succeed: said before serving anything (a folder vade did
	 * not make would be served as it is, whatever it holds) */
	if (!output_outside_inputs(a, NULL, dir)) {
		free(dir);
		return finish(a->strict);
	}
	if (!output_may_use(dir)) {
		diag_error(dir, 0, 0, "a folder vade did not make (it holds no .vade-output) and not empty: not served "
		           "or built into; choose an empty or new folder with -o");
		free(dir);
		return finish(a->strict);
	}
	int rc = serve_run(a->site, dir, a->port, rebuild, verify, (void *)a);
	free(dir);
	return rc;
}

static int cmd_i18n(const struct args *a, char **arg, int n)
{
	if (n < 1)
		return usage_error("%s", "i18n needs one of: status, add, done, export, import");
	const char *sub = arg[0];
	bool status = !strcmp(sub, "status"), done = !strcmp(sub, "done"), add = !strcmp(sub, "add");
	bool export = !strcmp(sub, "export"), import = !strcmp(sub, "import");
	if (!status && !done && !export && !import && !add)
		return usage_error("unknown i18n command '%s'", sub);
	if ((a->name || a->dir) && !add)
		return usage_error("%s", "--name and --dir go with i18n add");
	char *tag = NULL;
	if (add) {
		if (n != 2)
			return usage_error("%s", "usage: vade i18n add LANG [--name NAME] [--dir rtl|ltr]");
		char *why;
		if (!(tag = langtag_canon_locale(arg[1], &why))) { /* "pt_BR", as a locale names it, is pt-BR */
			char *shown = text_shown(arg[1]), *why_shown = text_shown(why);
			fprintf(stderr, "vade: '%s' is not a language tag (BCP 47, such as de, pt-BR, sr-Latn): %s\n", shown,
			        why_shown);
			free(shown);
			free(why_shown);
			free(why);
			return EXIT_USAGE;
		}
	}
	if ((done || export) && n < 2)
		return usage_error("i18n %s needs a language", sub);
	if (export && (!a->out || n != 2))
		return usage_error("%s", "usage: vade i18n export LANG -o FILE.po|FILE.xlf");
	if (import && n != 2)
		return usage_error("%s", "usage: vade i18n import FILE.po|FILE.xlf [--fuzzy] [--strict]");
	if (a->json && !status)
		return usage_error("%s", "--json goes with i18n status");
	if (a->strict && !status && !import)
		return usage_error("%s", "--strict goes with i18n status and i18n import");
	if (a->fuzzy && !import)
		return usage_error("%s", "--fuzzy goes with i18n import");
	struct site *s = site_load(a->site, a->jobs);
	int rc;
	if (diag_errors())
		rc = EXIT_CONTENT;
	else if (status)
		rc = i18n_status(s, arg + 1, (size_t)(n - 1), a->json, a->strict);
	else if (done)
		rc = i18n_done(s, arg[1], arg + 2, (size_t)(n - 2));
	else if (add)
		rc = i18n_add(s, tag, a->name, a->dir);
	else if (export)
		rc = i18n_export(s, arg[1], a->out);
	else
		rc = i18n_import(s, arg[1], &(struct import_opts){a->fuzzy, a->strict});
	site_free(s);
	free(tag);
	int frc = finish(false);
	return rc ? rc : frc;
}

int main(int argc, char **argv)
{
	/* The pages a thread left free when it ended go back to the kernel rather than wait for a
	 * thread to take them up: the load, the translation status and the render each run threads
	 * that end, and the pages they left kept a 10,000-page build's peak memory some 9 MB higher,
	 * for no time saved (issue 13; make bench). */
	if (mi_option_set_enabled)
		mi_option_set_enabled(mi_option_abandoned_page_decommit, true);
	struct args a = {.site = ".", .jobs = default_jobs(), .port = 8080};
	char *extra[64];
	int nextra = 0;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		bool more = i + 1 < argc;
		/* "-j 2" or, as make and ninja take it, "-j2" */
		bool attached = !strncmp(s, "-j", 2) && s[2];
		if (!strcmp(s, "-C") || !strcmp(s, "-o") || !strcmp(s, "-j") || attached) {
			if (!more && !attached)
				return usage_error("%s needs a value", s);
			const char *v = attached ? s + 2 : argv[++i];
			char *end;
			long n;
			if (s[1] == 'C')
				a.site = v;
			else if (s[1] == 'o') {
				/* "dist/" is "dist": the records and the staging folder are named after the last part
				 * (argv's strings are the program's to change, C11 5.1.2.2.1) */
				char *o = argv[i];
				if (!o[0])
					return usage_error("%s", "-o wants a folder, not ''");
				for (size_t k = strlen(o); k > 1 && o[k - 1] == '/'; k--)
					o[k - 1] = '\0';
				a.out = o;
			}
			else if (!isdigit((unsigned char)v[0]) || (n = strtol(v, &end, 10), *end) || n < 1 || n > 256)
				return usage_error("-j wants a number of threads from 1 to 256, not '%s'", v);
			else
				a.jobs = (int)n;
		} else if (!strcmp(s, "--name") || !strcmp(s, "--dir")) {
			if (!more)
				return usage_error("%s needs a value", s);
			const char *v = argv[++i];
			if (s[2] == 'd' && strcmp(v, "ltr") && strcmp(v, "rtl"))
				return usage_error("--dir wants rtl or ltr, not '%s'", v);
			if (s[2] == 'n' && (!v[0] || utf8_invalid_at(v, strlen(v)) >= 0))
				return usage_error("--name wants a name in UTF-8 text, not '%s'", v);
			*(s[2] == 'd' ? &a.dir : &a.name) = v;
		} else if (!strcmp(s, "--strict")) {
			a.strict = true;
		} else if (!strcmp(s, "--stats")) {
			a.stats = true;
		} else if (!strcmp(s, "--json")) {
			a.json = true;
		} else if (!strcmp(s, "--fuzzy")) {
			a.fuzzy = true;
		} else if (!strcmp(s, "--port")) {
			if (!more)
				return usage_error("%s needs a value", s);
			const char *v = argv[++i];
			if ((a.port = atoi(v)) < 1 || a.port > 65535)
				return usage_error("--port wants a port number from 1 to 65535, not '%s'", v);
		} else if (!strcmp(s, "-h") || !strcmp(s, "--help") || !strcmp(s, "help")) {
			fputs(usage, stdout);
			return 0;
		} else if (s[0] == '-') {
			return usage_error("unknown option '%s'", s);
		} else if (!a.cmd) {
			a.cmd = s;
		} else if (nextra < 64) {
			extra[nextra++] = argv[i];
		} else {
			return usage_error("too many arguments at '%s'", s);
		}
	}
	if (!a.cmd)
		return usage_error("%s", "no command given");
	if (!strcmp(a.cmd, "version")) {
		printf("vade %s\n", VADE_VERSION);
		return 0;
	}
	if (a.stats && strcmp(a.cmd, "build") && strcmp(a.cmd, "check") && strcmp(a.cmd, "serve"))
		return usage_error("%s", "--stats goes with build, check and serve");
	if (!strcmp(a.cmd, "i18n")) {
		catch_stop_signals();
		return cmd_i18n(&a, extra, nextra);
	}
	if (a.name || a.dir)
		return usage_error("%s", "--name and --dir go with i18n add");
	if (nextra)
		return usage_error("unexpected argument '%s'", extra[0]);
	if (!strcmp(a.cmd, "build") || !strcmp(a.cmd, "serve"))
		catch_stop_signals();
	if (!strcmp(a.cmd, "build"))
		return cmd_build(&a, true, NULL);
	if (!strcmp(a.cmd, "serve"))
		return cmd_serve(&a);
	if (!strcmp(a.cmd, "check")) {
		if (a.out)
			return usage_error("%s", "check writes nothing; -o makes no sense here");
		return cmd_build(&a, false, NULL);
	}
	return usage_error("unknown command '%s'", a.cmd);
}
