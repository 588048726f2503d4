/* template.h — etlua-style templates run by Lua 5.4 in a sandbox.
 *
 *   <% code %>    Lua code          <%= expr %>  value, HTML-escaped
 *   <%- expr %>   value, raw        -%>          also swallows the next newline
 *
 * A template compiles once per engine into a Lua function whose line N is
 * the template's line N, so errors point at the template line. Templates
 * see only what tpl_render() gives them plus a small safe library (sandbox.h):
 * no io, os, require, load, dofile, debug, pcall or string.dump. Each render
 * may take a bounded number of steps (Lua instructions, pattern matching,
 * work in C) and a bounded amount of memory, its output included, so a
 * runaway template is stopped and reported at its line, not left to hang or
 * crash a build. What one render does to its libraries the next one does not
 * see, and the output depends only on the input.
 *
 * One engine is one Lua state: use one per thread. Errors are reported
 * through diag as "template:line:1: error: ...".
 */
#ifndef VADE_TEMPLATE_H
#define VADE_TEMPLATE_H

#include "htmlids.h"
#include "util.h"
#include "yml.h"

#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

struct tpl_engine;

/* A folder templates are looked up in. */
struct tpl_dir {
	const char *path;      /* the folder */
	const char *shown;     /* how messages name it: "templates" */
	const char *root;      /* the folder its templates may not lead out of by a symbolic link */
	const char *root_name; /* how messages name root: "site", "theme" */
};

/* dirs are searched in order for a template name; a template is read under
 * tree.h's rule (regular files only, symbolic links only inside root).
 * The array and its strings are copied. */
struct tpl_engine *tpl_new(const struct tpl_dir *dirs, size_t ndirs);
void tpl_free(struct tpl_engine *e);
lua_State *tpl_lua(struct tpl_engine *e);

/* Registers a global visible to every template (the value on top of the stack, popped). */
void tpl_set_global(struct tpl_engine *e, const char *name);
bool tpl_exists(struct tpl_engine *e, const char *name);

/* Renders template `name` with the fields of the table at stack index vars as
 * variables, appending the output to out. `what` names the page being
 * rendered, for messages. Returns 0, or -1 after reporting the error. If
 * the template set a global `base`, its value is left in *base (malloc'd,
 * "" for false), else *base is NULL. */
int tpl_render(struct tpl_engine *e, const char *name, int vars, const char *what,
               struct buf *out, char **base);

/* Cached includes. include_cached(name, key [, vars]) renders partial `name`
 * once per (name, key, scope) in an engine and keeps its output: a later call
 * with the same three gets the kept output. The scope is what every render of
 * the owner depends on besides the key (the language); the key must name the
 * rest (a section's nav: the section). A cached partial sees the globals, the
 * variables the owner names shared (the same for every render in a scope)
 * and vars; not the page being rendered, since its output is shown on other
 * pages. What in it does depend on that page (a relative link, "you are here")
 * the owner's helpers write as holes while tpl_caching(): tpl_push_hole()
 * gives the template a string standing for the hole, and fill() writes the
 * hole's text for each render the output is used in, escaped as the template
 * escaped the string. The kept outputs are bounded in bytes (dropped all at
 * once past the bound, which changes the cost, never the output) and freed
 * with the engine. */
struct tpl_holes {
	void *ctx;
	/* the scope of the render under way: part of every cache key */
	size_t (*scope)(void *ctx);
	/* appends the text of the hole holding data[0..len) for the render under way */
	void (*fill)(void *ctx, const char *data, size_t len, struct buf *out);
	/* optional: the same, for a hole that marks the current page (current()) as if the page being
	 * rendered were the hole's page (rank 0), inside it (1), or neither (-1): every text such a hole
	 * can have, for the check that may read the output once (htmlids.h); rank 3 gives the hole's
	 * kind: "u" for a link (url()), whose text changes with the page, "c" for one of those texts */
	void (*fill_as)(void *ctx, const char *data, size_t len, int rank, struct buf *out);
	/* the variables of a render a cached partial sees, NULL-terminated (borrowed) */
	const char *const *shared;
	/* optional: what the owner notes of its model while a cached partial renders (deps.h) is
	 * kept with the output: set_begin() before the render, set_end() after it (also after an
	 * error) gives its number, use_set() gives it back at each use of the kept output */
	void (*set_begin)(void *ctx);
	uint32_t (*set_end)(void *ctx);
	void (*use_set)(void *ctx, uint32_t set);
};
/* Enables include_cached(); h is copied. Without it, include_cached() is an error. */
void tpl_set_holes(struct tpl_engine *e, const struct tpl_holes *h);
/* True while a cached partial is being rendered. */
bool tpl_caching(lua_State *L);
/* Pushes the string standing for a hole that holds data[0..len) (copied); only while tpl_caching(). */
void tpl_push_hole(lua_State *L, const char *data, size_t len);

/* The uses of cached outputs a check of the whole output may read once (htmlids.h: htmlids_read_spans):
 * recorded from tpl_uses_begin() to tpl_uses_end(), each as filled for its render, in the order the
 * templates used them. A use is recorded when the cached output may be read once: htmlids_fragment()
 * accepted it with a sentinel in each hole, found where it may stand (a link as a whole attribute
 * value, a current() text as attributes of their own: htmlids_fragment_holes), and with each text its
 * current() holes can have, each of those texts being whole attributes (htmlids_attr_text) and each
 * link of the page a value that ends where it ends (htmlids_url_text): no hole's text then changes how
 * the text around it is read, whatever the mix of texts a page has. */
struct tpl_use {
	char *text;             /* the output as filled (owned by the engine until tpl_uses_end) */
	size_t len;
	struct html_fragment f;
};
void tpl_uses_begin(struct tpl_engine *e);
size_t tpl_uses(const struct tpl_engine *e, const struct tpl_use **v);
void tpl_uses_end(struct tpl_engine *e);

struct tpl_cache_stats {
	size_t renders;         /* cached partials rendered */
	size_t hits;            /* include_cached() calls answered from the cache */
	size_t drops;           /* outputs dropped for the cache's bound */
};
void tpl_cache_stats(const struct tpl_engine *e, struct tpl_cache_stats *st);
/* A task begins (a page in all its languages): the outputs include_cached() keeps that it uses are
 * not dropped for the cache's bound until the task after the next begins. */
void tpl_cache_task(struct tpl_engine *e);

/* The ids the templates of dirs give elements of every page, which a
 * heading must not take (markdown.h, struct md_reserved): each id="..." of a
 * template file (*.html under the folders, partials too) that starts with
 * literal text. A value that is literal throughout is an exact id ("main"); a
 * value whose literal text is followed by an expression (id="note-<%= n %>")
 * is a family, written as its literal text and a final '*' ("note-*"). Sorted,
 * each once. A value that starts with an expression (a data item's id) is
 * the page's content, not the theme's. Caller frees each and the array. */
size_t tpl_fixed_ids(const struct tpl_dir *dirs, size_t ndirs, char ***ids);

/* Turns template source into Lua source (exposed for tests). Returns NULL and
 * sets *err_line, *err_col on an unclosed tag. Caller frees. */
char *tpl_compile(const char *src, size_t len, int *err_line, int *err_col);

/* Pushes a YAML node as Lua values, resolved as yml_resolve() says: tables, strings, numbers
 * (integers and floats), booleans, nil for null (a Lua table holds no nil: a key whose value is
 * null is absent, and a null in a sequence leaves a hole #t may not see); a !!set is a table of
 * its members, each true. Keys are strings. */
void tpl_push_yaml(lua_State *L, const struct yml_node *n);
/* Replaces the table at the top of the stack by a read-only view of it, deeply. */
void tpl_freeze(lua_State *L);

/* The __name of the metatable of the page being rendered (model.c): given to include_cached()
 * in vars, it is replaced by the site's page it stands for, without this render's content. */
#define TPL_THIS_PAGE "vade.this_page"

#endif
