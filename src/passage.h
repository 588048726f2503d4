/* passage.h — what a translator translates: the passages of a site, and
 * their digests. The one definition, so that status (status.h), the exchange
 * formats (po.h) and, when it comes to need them, render agree on what changed.
 *
 * A page's passages are its front matter title and summary, then each
 * heading, paragraph (inside list items and block quotes too) and table cell
 * of its Markdown body, in file order. Each UI string is one passage, and so
 * is each field of a data item that says something (fields that identify,
 * link or date an item are not translated).
 *
 * A digest is FNV-1a over the text with every run of white space folded to
 * one space: re-wrapping a paragraph is not a change. 64 bits are plenty to
 * tell the passages of one page apart; this is not a security boundary.
 */
#ifndef VADE_PASSAGE_H
#define VADE_PASSAGE_H

#include "site.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a passage is in its file, which says what its translation may hold. */
enum passage_kind { PASSAGE_META, PASSAGE_HEADING, PASSAGE_PARAGRAPH, PASSAGE_CELL };

struct passage {
	enum passage_kind kind; /* PASSAGE_META: a front matter value (title, summary) */
	size_t start, end;      /* its bytes in the file (for title and summary, the YAML value with its quotes) */
	char *text;             /* as a translator sees it: container prefixes ("> ", indentation) dropped */
	uint64_t digest;
	int line;               /* file line it starts on */
	char *label;            /* PASSAGE_META: its key ("title", "summary"); else NULL: see passage_label() */
	size_t section;         /* body: the heading it stands under (an index into its set), or SIZE_MAX */
	int nth;                /* body: its number under that heading (paragraphs, cells), from 1 */
	bool yaml;              /* a front matter value (title, summary): written back as a YAML scalar */
	int indent;             /* columns of container prefix before its continuation lines */
};

/* A page file and its passages; owns both. */
struct passage_set {
	struct passage *v;
	size_t n;
	char *text;             /* the whole file */
	size_t len;
	bool refused;           /* its body is over markdown.h's limits: not cut (the error said at its place) */
};

uint64_t passage_digest(const char *s, size_t len);
/* The first eight words of t, folded, in curly quotes ("…" when cut), for labels. Caller frees. */
char *passage_excerpt(const char *t);
/* The label of set->v[i], for people: "title", "heading “Overview”", "Overview, paragraph 2:
 * “Trafficking brings…”", "table cell 1: “…”" before any heading. Made when asked (a page's labels
 * are read only for the few passages a report lists). Caller frees. */
char *passage_label(const struct passage_set *set, size_t i);

/* Reads d's file and cuts it into passages. False when it cannot be read, or its body is over
 * markdown.h's limits (set->refused; the render's error said): set is then empty (but for
 * refused); either way free with passage_set_free(). */
bool passage_set_read(const struct site *s, const struct doc *d, struct passage_set *set);
/* Cuts text, the whole file of d (front matter marks and body offset from d),
 * into passages. set takes text over (malloc'd, NUL-terminated). */
void passage_set_cut(struct passage_set *set, const struct doc *d, char *text, size_t len);
void passage_set_free(struct passage_set *set);

/* The default language's UI keys that are text, the site's then the
 * theme's, each once. Pushes borrowed strings (valid until site_free()). */
void passage_ui_keys(const struct site *s, struct vec *keys);
/* The UI string of exactly this language (no fallback), or NULL. Borrowed. */
const char *passage_ui_own(const struct site *s, size_t lang, const char *key);

/* A translatable data field: its path ("dos/prevent-early/text"), the file
 * and node of the original, and the language's translation (NULL when none).
 * All borrowed for the call. */
typedef void (*passage_field_fn)(void *ctx, const char *path, const struct data_file *df,
                                 const struct yml_node *value, const char *translated);
/* Calls fn for each translatable field of the default language's data, in
 * file order (the bibliography left out: sources are cited in their own language). */
void passage_fields_each(const struct site *s, size_t lang, passage_field_fn fn, void *ctx);
/* Warns, once per data file, at the first text value passage_fields_each() leaves out (in a
 * nested list or mapping, an item without an id, a file that is no list) and counts the rest:
 * the exchange files and the status do not hold them. For export and status. */
void passage_fields_warn_outside(const struct site *s);
/* The default language's value of field in the item with id of data file
 * name, or NULL. Borrowed. */
const char *passage_field_original(const struct site *s, const char *name, const char *id, const char *field);
/* The item with this id in a data list, or NULL. Borrowed from list. */
const struct yml_node *passage_data_item(const struct yml_node *list, const char *id);

#endif
