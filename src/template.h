/* template.h — etlua-style templates run by Lua 5.4 in a sandbox.
 *
 *   <% code %>    Lua code          <%= expr %>  value, HTML-escaped
 *   <%- expr %>   value, raw        -%>          also swallows the next newline
 *
 * A template compiles once per engine into a Lua function whose line N is
 * the template's line N, so errors point at the template line. Templates
 * see only what tpl_render() gives them plus a small safe library: no io,
 * os, require, load, dofile, debug, pcall or string.dump. Each render may
 * run a bounded number of Lua instructions and a bounded amount of memory,
 * and a string pattern that could backtrack past that bound is refused, so
 * a runaway template is stopped and reported, not left to hang a build.
 *
 * One engine is one Lua state: use one per thread. Errors are reported
 * through diag as "template:line:1: error: ...".
 */
#ifndef VADE_TEMPLATE_H
#define VADE_TEMPLATE_H

#include "util.h"
#include "yml.h"

#include <lua.h>
#include <stdbool.h>

struct tpl_engine;

/* dirs are searched in order for a template name; shown[i] is how dirs[i] is named in messages.
 * Both arrays are copied. */
struct tpl_engine *tpl_new(const char *const *dirs, const char *const *shown, size_t ndirs);
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

/* Turns template source into Lua source (exposed for tests). Returns NULL and
 * sets *err_line, *err_col on an unclosed tag. Caller frees. */
char *tpl_compile(const char *src, size_t len, int *err_line, int *err_col);

/* Pushes a YAML node as Lua values (tables, strings, numbers, booleans; nil for null). */
void tpl_push_yaml(lua_State *L, const struct yml_node *n);
/* Replaces the table at the top of the stack by a read-only view of it, deeply. */
void tpl_freeze(lua_State *L);

#endif
