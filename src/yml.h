/* yml.h — YAML documents (parsed by libyaml) as small node trees that keep
 * the line and column of every value, so errors can point at the spot.
 *
 * Limits, because content comes from many hands: nesting depth, alias count
 * and the size a document would have with its aliases expanded are capped
 * (a "billion laughs" file is an error, not an out-of-memory).
 *
 * A doc owns all its nodes; nodes are borrowed and valid until yml_free().
 */
#ifndef VADE_YML_H
#define VADE_YML_H

#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

enum yml_kind { YML_SCALAR, YML_SEQ, YML_MAP };

struct yml_node {
	enum yml_kind kind;
	int line, col;          /* 1-based, in the file the document came from */
	int eline, ecol;        /* (scalars) just after the value, quotes included */
	bool plain;             /* unquoted scalar without a tag: resolved as null, bool, number or string */
	unsigned char tag;      /* enum yml_tag: the node's explicit tag, or YML_TAG_NONE */
	unsigned char style;    /* scalars: enum yml_style, how it is written; mappings: YML_MAP_INDEXED
	                         * when its kids are followed by its keys' indices in key order */
	unsigned char indent;   /* (block scalars) the columns before its text on each line (at most 255) */
	char *str;              /* scalar text, NUL-terminated */
	size_t len;
	struct yml_node **kids; /* seq: items; map: key, value, key, value, ... */
	size_t n;               /* number of entries in kids */
};                              /* 56 bytes: plain sits in the ints' padding (a 10,000-page
                                 * site keeps some 250,000 nodes; issue 13) */

/* A node's explicit tag (YAML 1.2, 10.1 and 10.3; !!set from the YAML 1.1 type
 * repository). A scalar with a core tag is checked when parsed ("!!int x" is an
 * error) and resolved by it ("!!str 12" is text, "!!float 1" the number 1.0);
 * any other tag (!!binary, !!timestamp, !local) leaves a scalar its text. A
 * !!set is a mapping whose values are all null; !!omap and !!pairs are
 * sequences of one-key mappings and read as such. */
enum yml_tag { YML_TAG_NONE, YML_TAG_STR, YML_TAG_INT, YML_TAG_FLOAT, YML_TAG_BOOL, YML_TAG_NULL,
               YML_TAG_SET, YML_TAG_OTHER };

/* How a scalar is written. line and col are those of its text: after its tag and anchor, at its
 * opening quote, at the indicator (| or >) of a block scalar, whose text starts on the next line. */
enum yml_style { YML_STYLE_PLAIN, YML_STYLE_SINGLE, YML_STYLE_DOUBLE, YML_STYLE_LITERAL, YML_STYLE_FOLDED,
                 YML_STYLE_BLOCK_INDENTED /* with an indentation indicator (|2): indent is not known */ };

/* A mapping of this many keys or more is looked up by bisection (yml_get). */
#define YML_INDEX_MIN 16
#define YML_MAP_INDEXED 1

struct yml_doc {
	char *path;             /* for messages; owned */
	struct yml_node *root;  /* NULL for an empty document */
	struct yml_chunk *mem;  /* every allocation of the doc (yml_alloc), freed together */
};

/* n bytes, zeroed and aligned for any of the node fields, owned by doc (freed by yml_free()).
 * Nodes, their texts and their lists are carved out of chunks rather than each taken from
 * malloc: a 10,000-page site keeps some 30,000 front matters for the whole build, and a
 * pointer to each allocation plus its own block were half of their memory (issue 13). */
void *yml_alloc(struct yml_doc *doc, size_t n);
/* The bytes doc holds for its nodes, texts and lists (*held), and of those the bytes in use
 * (*used). A parsed doc holds one block of its size when it would otherwise leave 64 bytes or
 * more unused (yml_parse). */
void yml_bytes(const struct yml_doc *doc, size_t *held, size_t *used);

/* Parses text as one YAML document; line0 is the file line of the text's first line.
 * On error reports "path:line:col: error: ..." and returns NULL. Caller frees with yml_free(). */
struct yml_doc *yml_parse(const char *path, const char *text, size_t len, int line0);
/* yml_parse() of a file vade wrote (a translation status record): a control character its escapes
 * give (a passage's text holds what the page holds) is text, not the error it is in a site's file. */
struct yml_doc *yml_parse_written(const char *path, const char *text, size_t len);
void yml_free(struct yml_doc *doc);
/* Whether text[0, len) is one YAML document whose root is a mapping of one key or more, read by
 * libyaml and nothing said: what a block of front matter holds (markdown.c asks it of a page body's
 * first lines). The first key's text, as libyaml read it, into key[0, size) when key is not NULL. */
bool yml_is_mapping(const char *text, size_t len, char *key, size_t size);

/* A parsed doc as bytes that hold no address, appended to b: each node in preorder (yml.c says
 * how), a node reached twice written each time. False, b as it was, when the image would pass
 * 1 MiB (aliases expanded). */
struct buf;
bool yml_image(const struct yml_doc *doc, struct buf *b);
/* The doc of image img[0, len) (yml_image), its messages naming path; NULL when the image is
 * damaged (every field is checked before use). The tree of the doc imaged, its nodes and texts the
 * same (a shared node as copies of it), in one block of exactly their size. Caller frees with yml_free(). */
struct yml_doc *yml_from_image(const char *path, const void *img, size_t len);

/* Where in a text the last offset asked for was: its line (1-based) and the byte offset that
 * line starts at, so offsets asked for in the text's order are found in one pass over it (an
 * import writing 20,000 strings into one file). {0, 0}: nothing asked yet. */
struct yml_cursor {
	int line;
	size_t off;
};
/* Byte offset in text of a mark (line, col), both 1-based, as libyaml counts
 * them: the column in characters (UTF-8 sequences). Clamped to len. cur may be NULL; else it
 * starts from there when line is not before it, and is moved to line. */
size_t yml_offset(const char *text, size_t len, int line, int col, struct yml_cursor *cur);
/* The byte offsets in text (the document yml_parse() read) of the value of key in map, to write
 * another value in their place: from its line and column (after its tag and anchor) to libyaml's
 * end mark, but for a block scalar, whose end mark is at the start of the line after it, before
 * the line break that ends its last line, so the next key stays on its own line; for an alias
 * (key: *name), the alias itself, so the anchored value and its other users stay as they are.
 * False when map has no such key, or the key comes from a mapping merged in with "<<" (a value
 * written there would change every mapping that merges it). */
bool yml_value_span(const char *text, size_t len, const struct yml_node *map, const char *key, size_t *st,
                    size_t *en, struct yml_cursor *cur);
/* The YAML text of a double-quoted scalar holding s (UTF-8), written by
 * libyaml's emitter on one line: it reads back as s exactly, whatever s
 * holds. NULL when libyaml refuses s (invalid UTF-8). Caller frees. */
char *yml_quote(const char *s, size_t len);
/* Where scalar n's text is in its file (diag.h; text, len and cursor left NULL): a quoted scalar's
 * text starts one column after its quote, a block scalar's on the line after its indicator, each
 * line after its indentation. Exact in a plain or quoted scalar on one line without escapes and
 * in a literal block scalar (|) with no indentation indicator; elsewhere (folded lines, escapes)
 * inexact: a place in the text is its start. */
struct text_place yml_text_place(const struct yml_node *n);
/* s as a YAML value: plain (as it is) when libyaml reads it back as the same text, in block
 * ("key: s") and in flow context ("{key: s}"), and the core schema resolves it as text, not
 * as a number, boolean or null; and when YAML 1.1 tools would not read it as a boolean
 * either ("no", "on": yaml.org/type/bool.html), nor as a number or date (a text that starts with
 * a digit: 1_000, 1:20, 2024-01-15). Else yml_quote(). NULL as yml_quote. */
char *yml_value(const char *s, size_t len);

/* Value of key in a map, or NULL: bisected in a mapping of YML_INDEX_MIN keys or more. */
struct yml_node *yml_get(const struct yml_node *map, const char *key);
/* The scalar's text, or NULL for a non-scalar or a null value. */
const char *yml_str(const struct yml_node *n);
bool yml_is_null(const struct yml_node *n);
/* Resolution of a scalar by its tag, or when plain and untagged by YAML 1.2's
 * core schema (10.3.2): null (~, null, empty), true/false, integers (decimal,
 * 0o octal, 0x hex; one beyond 64 bits is a float), floats (1.5, .5, 1e3,
 * .inf, -.inf, .nan). */
enum yml_type { YML_T_NULL, YML_T_BOOL, YML_T_INT, YML_T_FLOAT, YML_T_STR };
enum yml_type yml_resolve(const struct yml_node *n, long long *i, double *d);

#endif
