/* site.h — the load stage: walk content/, read site.yaml, front matter,
 * data and UI strings, group each page's files by language and give every
 * page its output folder. What render asks about the loaded site (fallbacks,
 * links, anchors, overlays) is resolve.h's.
 *
 * After site_load() returns the model is read-only, so pages can be
 * rendered by several threads at once. Bodies are not kept: a page's text
 * is read again when it is rendered, so memory does not grow with the
 * site's total text.
 *
 * Everything hangs off struct site and is freed by site_free(); every
 * pointer the functions below return is borrowed from it unless it says
 * "caller frees".
 */
#ifndef VADE_SITE_H
#define VADE_SITE_H

#include "cite.h"
#include "tree.h"
#include "yml.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The default of site.yaml's `page_size`. */
#define SITE_PAGE_SIZE 100

enum output_kind {
	OUT_HTML = 1 << 0,      /* the site page, index.html */
	OUT_CARD = 1 << 1,      /* card.html: the pocket card, one page per side */
	OUT_SHEET = 1 << 2,     /* sheet.html: cards imposed on A4 and Letter with crop marks */
	OUT_HANDBOOK = 1 << 3   /* handbook.html: the page and its children as one printable document */
};
/* The name of each output, in bit order ("html", "card", ...). */
extern const char *const output_names[4];

struct lang {
	char *code, *name, *dir; /* dir is "ltr" or "rtl" */
};

/* One source file: a page in one language. */
struct doc {
	char *src;              /* path as the user sees it, e.g. "content/a/b.fr.md" */
	/* Front matter: read it with doc_front_matter(). The tree is held from the load until the
	 * render starts (site_drop_front_matter); the text for the whole build. */
	struct yml_doc *fm_tree; /* parsed; NULL when there is none or it was dropped */
	char *fm_text;          /* the lines between the "---" lines, or NULL when there is none */
	size_t fm_len;
	char *fm_image;         /* the tree as yml_image() made it at the load, for docfacts_save(); or NULL */
	size_t fm_image_len;
	char *title, *summary, *layout;
	char *shown_title, *shown_summary; /* title and summary with the body's typography (markdown_typeset);
	                                   * the same pointer as title, summary when that changed nothing */
	char *updated;          /* front matter `updated`, an ISO 8601 calendar date "YYYY-MM-DD", or NULL */
	int layout_line, layout_col; /* where layout was set (0 when it was not), for errors */
	bool title_from_heading;     /* title is the body's first "# heading" (dropped from the body) */
	int weight;
	unsigned outputs;       /* enum output_kind bits */
	size_t body_off;        /* byte offset of the body in the file */
	uint64_t text_hash;     /* XXH3-64 of the file's bytes as loaded (deps.h) */
	uint64_t fm_hash;       /* XXH3-64 of its front matter (the bytes before the body) */
	int body_line;          /* file line of the body's first line */
	uint64_t file_id;       /* the version of the file that was read (file_version_id), 0 when it is not
	                         * to be kept for the next build (docfacts.h) */
	bool h1_sought;         /* the load looked for the first "# heading" (the front matter has no title) */
	struct diag_kept *said; /* the warnings reading this file gave (doc_load), for site_patch(); owned */
	size_t nsaid;
};

/* A page: one translation group (a path under content/) with a doc per language. */
struct page {
	char *key;              /* "a/b" for content/a/b.md and content/a/b/index.md; "" is home */
	char *path;             /* output folder under <lang>/, "" or ending in '/': "a/b/" */
	char *slug;             /* the original's `slug`, or NULL */
	struct doc **docs;      /* [site->nlangs]; NULL where there is no file in that language */
	struct page *parent;
	struct page **kids;     /* sorted by weight, then title, then key */
	size_t nkids;
	bool is_section;        /* a folder's page (index.md or generated listing) */
	bool generated;         /* a folder without index.md */
	size_t index;           /* position in site->pages */
	size_t position;        /* 1-based place among parent->kids (after sorting); 0 for the home */
};

struct data_file {
	char *name;             /* "organizations" */
	int lang;               /* -1 for the default file, else index into langs */
	char *src;
	struct yml_doc *doc;
	struct strmap ids;      /* a list's items by `id` text: 1 + their index (the first of each id) */
};

struct site {
	char *dir;              /* SITE_DIR as given */
	struct tree tree;       /* the site folder: what may be read under it (tree.h) */
	struct tree theme_tree; /* the theme's folder */
	struct yml_doc *config;
	char *title, *theme, *theme_dir;
	char *edition;          /* `edition`: which version of the content this is ("2026-11", "2nd edition"), or NULL */
	char *base_url;         /* `base_url`: the site's public address, "http(s)://host/path/" (ends in '/'), or NULL */
	struct lang *langs;     /* langs[0] is the default language */
	size_t nlangs;
	struct strmap lang_ids; /* a language's code, lower case, '-' for '_' -> its index in langs (owned keys) */
	bool unsafe_html;
	bool fallback_link;     /* `fallback: link`: an untranslated page is not copied; links lead to the original */
	size_t page_size;       /* `page_size`: the most children a page's listing shows on one page (default 100) */
	struct page **pages;    /* sorted by key; pages[0] is home */
	size_t npages;
	struct strmap by_key;   /* page key -> index in pages, once pages are all known (site_find) */
	struct data_file *data;
	size_t ndata;
	struct strmap data_names; /* a data file's name: its slot in data_slots (site_data_file) */
	size_t *data_slots;     /* [(nlangs + 1) per name]: 1 + the index in data of the default file, then
	                         * of each language's; 0 for none */
	struct yml_doc **ui;    /* [nlangs * 2]: content/i18n then theme i18n, either may be NULL */
	struct cite_refs refs;  /* the bibliography, content/data/references.yaml */
	char **resources;       /* other files under content/, relative to content/, sorted */
	size_t nresources;
	bool trees_dropped;     /* site_drop_front_matter() gave the front matter trees back */
};

/* Whether s is an ISO 8601 calendar date "YYYY-MM-DD" that exists (leap years counted). */
bool site_date_valid(const char *s);

/* Loads SITE_DIR/content, its page files read on up to jobs threads (>= 1). Returns NULL after
 * reporting errors through diag. */
struct site *site_load(const char *dir, int jobs);
void site_free(struct site *s);
/* Whether src, as the site names a file ("content/i18n/fr.status.yaml"), is a translations' record:
 * read by the translation status (status.h), not by the load. */
bool site_status_record(const char *src);
/* vade serve's rebuild after an edit to pages' texts alone: s, as the last rebuild loaded it, made
 * what site_load() would make of the site now, when every file of srcs[0, n) (as the site names
 * them, "content/a.md"; a translations' record "content/i18n/<lang>.status.yaml", which the load
 * does not read, is passed over) is a page file s loaded and only its body changed: its front
 * matter is the same bytes at the same place, and so is its first "# heading" when that is its
 * title. Everything else site_load() makes is made of the names of the files, their front matter
 * and the other inputs, which serve_texts_only() vouches did not change. Those files are read
 * again (what that says is reported, as the load reports it) and each takes its doc's place; then
 * said[0, nsaid), the warnings the last rebuild's load gave (diag_said()), are said again but the
 * ones reading those files gave then (struct doc's said); changed ([s->npages], may be NULL) flags
 * the pages whose files were read again. False, s as it was and nothing said
 * again, when the change is more than that (a page made, removed or renamed, a front matter or a
 * title changed, a file that cannot be read): the caller loads the site anew. Reading the 30,000
 * files of a 10,000-page site again and walking content/ were a third of a one-page rebuild
 * (issue 13). */
bool site_patch(struct site *s, const char *const *srcs, size_t n, const struct diag_kept *said, size_t nsaid,
                bool *changed);
/* (The facts resolve.h worked out of s are the caller's to keep and patch (resolve_patch): a patched
 * site has no front matter trees once site_drop_front_matter() gave them back, and resolve_site()
 * reads them. Nor may anything else a build does change s: the sources a build cites are marked in
 * it, and render_site() clears them first, cite_refs_unmark.) */
/* Reports, at the page's file, each page whose files would have paths too long for the file
 * system (PATH_MAX) once written into out_dir (through its staging folder), and each resource
 * likewise: a build would otherwise render everything and fail at the write. A slug longer
 * than a name may be (NAME_MAX) is reported by site_load(). */
void site_check_output_paths(const struct site *s, const char *out_dir);

/* Where the body of a page file's text starts: after its front matter as the load reads it, or
 * after a byte order mark when it has none (or one never closed, which the load reports); the
 * line it starts on in *body_line. For a text not loaded (one an import would write). */
size_t doc_body_at(const char *text, size_t len, int *body_line);
/* The front matter of d, or NULL when it has none: the tree the site holds, or, once dropped,
 * a tree parsed again from its text (the same nodes, lines and columns). Give it back with
 * doc_front_matter_done(). Thread-safe. */
struct yml_doc *doc_front_matter(const struct doc *d);
void doc_front_matter_done(const struct doc *d, struct yml_doc *fm);
/* Frees the front matter trees of s's docs, keeping their texts. The render reads a page's
 * front matter only for page.params and a handbook's appendices; held from the load to the
 * build's end, the trees were the largest part of a 10,000-page build's peak memory (issue 13). */
void site_drop_front_matter(struct site *s);

/* The doc to render for a page in a language: its translation or the default's. */
const struct doc *site_page_doc(const struct site *s, const struct page *p, size_t lang);
struct page *site_find(const struct site *s, const char *key);
/* The page a path under content/ names: "a/b.md", "a/b.fr.md", "a/b/index.md", "a/b" or "a/b/". */
const struct page *site_page_of(const struct site *s, const char *path);
/* The same; *lang gets the language a translation's file names ("a/b.fr.md": fr's index), else -1. */
const struct page *site_page_of_lang(const struct site *s, const char *path, int *lang);
/* "<lang>/<path>index.html" for the page in a language. Caller frees. */
char *site_page_output(const struct site *s, const struct page *p, size_t lang);
/* Relative URL from the folder of output file `from` to output file `to`
 * (both paths under OUT_DIR, "/"-separated); "./" when they are the same
 * folder's index. Bytes of to's names that a URL path cannot hold as they
 * are (controls, space, % ? # " < > \ ^ ` { | }) are written %XX; UTF-8 is
 * kept; a first segment with a colon is preceded by "./" (RFC 3986, 4.2: it
 * would read as a scheme). Caller frees. */
char *site_url_relative(const char *from, const char *to);
/* The item of data file df's list whose `id` reads as id, or NULL. */
const struct yml_node *site_data_item(const struct data_file *df, const char *id);
/* content/data/<name>.yaml (lang -1) or its language's <name>.<lang>.yaml, or NULL: looked up, not
 * searched, whatever the number of data files. */
const struct data_file *site_data_file(const struct site *s, const char *name, int lang);
/* content/i18n/<lang><ext> (ext ".yaml" or ".status.yaml"), the code in
 * any case and with '_' for '-' ("pt-br.yaml", "pt_BR.yaml" for pt-BR: BCP 47
 * tags are case-insensitive, POSIX locale names use '_'); the
 * code as site.yaml writes it when no such file exists. Caller frees. */
char *site_i18n_file(const struct site *s, size_t lang, const char *ext);
/* The index of the language with BCP 47 tag code in s->langs (case aside, '_' as '-'), or -1. */
int site_lang(const struct site *s, const char *code);
/* A UI string for a language: content/i18n/<lang>.yaml, then the theme's,
 * then the same for the default language; NULL when none has it as text.
 * Borrowed from the site's YAML. */
const char *site_ui(const struct site *s, size_t lang, const char *key);
/* The text of UI string key in the site's (k 0) or the theme's (k 1) strings of lang, or NULL
 * (a placeholder, "key:"). In a translation (lang > 0), a value that is empty or blank is none
 * too, as a PO file's empty msgstr is not translated: the next one down is shown, and `vade i18n
 * status` lists the key; `key: ""` was shown as it is, a label "" that named a navigation nothing
 * in the browser's accessibility tree, and counted as translated. No warning: a file of
 * placeholders is a translation under way, which --strict does not fail. In the default
 * language an empty value is the site's own text (a theme's string it wants to show nothing). */
const char *site_ui_in(const struct site *s, size_t lang, int k, const char *key);
/* Reads text file rel ("content/a.md") of the site by the rule of tree.h,
 * normalized by text_normalize() (no byte order mark, LF line ends). 0 and
 * *out (caller frees), or -1 after reporting at rel. */
int site_read(const struct site *s, const char *rel, char **out, size_t *len);
/* Full path of a site file: SITE_DIR/rel. Caller frees. */
char *site_path(const struct site *s, const char *rel);
/* Where vade writes site file rel: the file it leads to when rel is a
 * symbolic link the rule of tree.h follows (inside the site folder: a shared
 * file stays shared, the link kept), else site_path(). NULL, reported, for
 * what the rule refuses (a link out of the site, a FIFO): never written
 * through, never replaced. Caller frees. */
char *site_write_path(const struct site *s, const char *rel);

/* The folders a theme is looked up in after the site's own themes/ (vade(5),
 * THEMES): roots[0] the themes folder beside the vade binary (<bin>/../themes;
 * NULL when /proc/self/exe cannot be read), roots[1] the one of the install's
 * data directory. Paths as found, not resolved; caller frees both. The
 * theme lookup, the up-to-date check's digest and serve's change detection
 * all take them from here, so the three cannot disagree. */
void site_theme_roots(char *roots[2]);

#endif
