/* cite.h — citations: Pandoc's [@key] syntax as a cmark-gfm inline syntax
 * extension, and the numbering and positions of the endnotes they become.
 *
 *   [@key]   [@key, at 289]   [see @key]   [@a; see @b, at 5]
 *
 * A bracketed group of citations is one endnote. C decides what a note is
 * (its number; for each source whether it is the first citation, "Id." or a
 * later one pointing back to the first note); the theme's templates decide
 * how it reads. Nothing inside code is a citation, an e-mail address is not
 * one, and "[@" that does not fit the pattern stays text.
 *
 * A cite_ctx collects the notes of one output document (a page, or a whole
 * handbook over several Markdown texts). It is used by one thread.
 */
#ifndef VADE_CITE_H
#define VADE_CITE_H

#include "diag.h"
#include "yml.h"

#include <cmark-gfm-extension_api.h>
#include <stdbool.h>
#include <stddef.h>

enum cite_position {
	CITE_FIRST,       /* the source's first citation in the document: written in full */
	CITE_IBID,        /* the same single source as just before: "Id." */
	CITE_SUBSEQUENT   /* a later citation: "SHORT, supra note N" */
};

struct cite_item {
	char *key;              /* in NFC, as cite_refs.keys */
	char *prefix;           /* Markdown text before the key ("see"), or NULL */
	char *locator;          /* text after the comma ("at 289"), or NULL */
	enum cite_position position;
	int first_note;         /* the note where the source was first cited */
	bool short_used;        /* (first citations) a later note refers back to this one */
	bool known;             /* the key is in the bibliography */
};

struct cite_note {
	int n;                  /* 1-based, in reading order */
	struct cite_item *items;
	size_t nitems;
	const char *src;        /* where the citation is written: its file (borrowed), line and column */
	int line, col;
};

/* The bibliography's keys, for checks and suggestions. Read-only once loaded. */
struct cite_refs {
	char **keys;            /* sorted, in NFC (UAX #15: a key typed é and one written e + U+0301
	                         * are one), each malloc'd */
	struct yml_node **nodes; /* the entry of each key, for positions */
	size_t n;
	const char *src;        /* the bibliography's file, for messages (borrowed from its doc) */
	_Atomic(bool) *used;    /* [n]: cited somewhere in the site */
};

struct cite_ctx {
	const struct cite_refs *refs;
	const char *src;        /* the Markdown being parsed, for messages (borrowed) */
	struct text_place at;   /* where that text is in its file (diag.h) */
	/* The HTML of the marker of note n (malloc'd), written by the theme;
	 * NULL marker: a plain <sup><a href="#note-N"> marker labelled "Note N". */
	char *(*marker)(void *ctx, int n);
	void *marker_ctx;
	struct cite_note *notes;
	size_t nnotes, cap;
	size_t listed;          /* the notes a template's notes() has given so far (model.c) */
	size_t suggested;       /* unknown sources given a "did you mean": the first CITE_SUGGEST_MAX of
	                         * what the context parses (a page, or a handbook's chapters) */
};
/* Each suggestion is a pass over the bibliography: a text citing thousands of unknown sources
 * gets it for the first ones only. */
#define CITE_SUGGEST_MAX 32

/* Registers the "cite" syntax extension with cmark-gfm (once, before any parse). */
void cite_register(void);
cmark_syntax_extension *cite_extension(void);

/* Checks content/data/references.yaml (ids present and unique, a title, CSL
 * dates and names: csl.h) and fills refs. doc may be NULL. */
void cite_refs_load(struct cite_refs *refs, const struct yml_doc *doc);
void cite_refs_free(struct cite_refs *refs);

/* The CSL date and name variables vade checks and prints (NULL-terminated). */
extern const char *const cite_date_vars[];
extern const char *const cite_name_vars[];
struct csl_date;
struct csl_name;
/* Reads a CSL date or name from the bibliography: NULL, or why it is not one,
 * *at being the node to blame. Strings are borrowed from v. */
const char *cite_date_read(const struct yml_node *v, struct csl_date *d, const struct yml_node **at);
const char *cite_name_read(const struct yml_node *v, struct csl_name *n, const struct yml_node **at);
/* Warns about sources no page cites. */
void cite_refs_report_unused(const struct cite_refs *refs);
/* Every source cited by none so far: a build's start (a site loaded once and built again, vade
 * serve's, would otherwise keep the last build's marks; helper-175). */
void cite_refs_unmark(struct cite_refs *refs);
/* Marks source key as cited (a text cited it in an earlier build and is not parsed again: deps.h);
 * an unknown key is left. */
void cite_refs_mark(const struct cite_refs *refs, const char *key);
/* Whether the bibliography has source key (compared in NFC). */
bool cite_refs_has(const struct cite_refs *refs, const char *key);

void cite_ctx_init(struct cite_ctx *c, const struct cite_refs *refs);
void cite_ctx_free(struct cite_ctx *c);
/* Numbers the citations of doc in reading order, writes their markers, checks the keys. */
void cite_end_parse(struct cite_ctx *c, cmark_node *doc);
/* The citations of node, when it is a group the extension made (else NULL and *n 0); borrowed
 * from the node, until cite_end_parse() takes them. */
const struct cite_item *cite_items(cmark_node *node, size_t *n);
/* Forgets what this thread's parse refused (citations in table cells), for a parse that no
 * cite_end_parse() follows: its report would otherwise go to the next one. */
void cite_parse_discard(void);
/* The labels of text[0, len)'s link reference definitions that start with '@' ("[@types/node]:
 * https://..."), for the parses of this thread until the next call (NULL: none): "[@types/node]" is
 * then that link (CommonMark 0.29, 4.7 and 6.6: a shortcut reference), not a citation of a source
 * "@types/node", which a page with such a definition did not mean (helper-158). */
void cite_link_labels(const char *text, size_t len);
/* Works out every item's position from the notes so far. */
void cite_resolve(struct cite_ctx *c);

#endif
