/* libFuzzer target: a template compiled and run in the sandbox. The input is
 * templates/page.html of a temporary folder; a line "%%%%" in it starts a
 * second template, partials/fuzz.html, that the first can include(). Each
 * input gets a new engine (as each build does) and renders with a few
 * variables, among them a frozen (read-only) table as the site model is.
 * The sandbox's step and memory limits must hold: a timeout or an
 * out-of-memory of the fuzzer is a finding.
 *   make fuzz FUZZ=template [FUZZ_TIME=60] */
#include "diag.h"
#include "fuzz.h"
#include "template.h"

#include <lua.h>

static char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dir = path_join(fuzz_site(), "tpl");
	return 0;
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

/* page = {title, content, toc = {{level, id, text}}, translations = {en = true}}, frozen. */
static void push_page(lua_State *L)
{
	lua_newtable(L);
	set_str(L, "title", "A <title> & \"more\"");
	set_str(L, "content", "<p>Body</p>");
	lua_newtable(L);
	lua_newtable(L);
	lua_pushinteger(L, 2);
	lua_setfield(L, -2, "level");
	set_str(L, "id", "part-one");
	set_str(L, "text", "Part one");
	lua_rawseti(L, -2, 1);
	lua_setfield(L, -2, "toc");
	lua_newtable(L);
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, "en");
	lua_setfield(L, -2, "translations");
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "self"); /* a cycle, as parent and kids make */
	tpl_freeze(L);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *sep = size >= 6 ? memmem(text, size, "\n%%%%\n", 6) : NULL;
	size_t n1 = sep ? (size_t)(sep - text) + 1 : size;
	fuzz_clear("tpl");
	char *p1 = path_join(dir, "page.html"), *p2 = path_join(dir, "partials/fuzz.html");
	file_write(p1, text, n1);
	if (sep)
		file_write(p2, sep + 6, size - n1 - 5);
	free(p1);
	free(p2);

	int line, col;
	free(tpl_compile(text, size, &line, &col));

	const struct tpl_dir dirs[] = {{dir, "templates", dir, "site"}};
	struct tpl_engine *e = tpl_new(dirs, 1);
	lua_State *L = tpl_lua(e);
	lua_newtable(L);
	set_str(L, "title", "Fuzz");
	lua_setglobal(L, "unused"); /* the real globals are out of reach */
	lua_pushstring(L, "a global");
	tpl_set_global(e, "motto");
	lua_newtable(L);
	int vars = lua_gettop(L);
	set_str(L, "lang", "en");
	lua_pushinteger(L, 3);
	lua_setfield(L, vars, "n");
	push_page(L);
	lua_setfield(L, vars, "page");
	lua_newtable(L);
	for (int i = 1; i <= 3; i++) {
		lua_pushfstring(L, "item %d", i);
		lua_rawseti(L, -2, i);
	}
	lua_setfield(L, vars, "list");
	struct buf out = BUF_INIT;
	char *base = NULL;
	tpl_render(e, "page.html", vars, "content/fuzz.md", &out, &base);
	free(base);
	buf_free(&out);
	tpl_free(e);
	diag_reset();
	return 0;
}
