/* libFuzzer target: a YAML document as a data file, front matter or
 * bibliography: parsed (yml_parse), every scalar resolved and located in the
 * text (yml_offset, as the PO import does to edit a value in place), read as
 * the bibliography (cite_refs_load), and pushed into a template engine as
 * the site model holds data (tpl_push_yaml, then frozen read-only).
 *   make fuzz FUZZ=yml [FUZZ_TIME=60] */
#include "cite.h"
#include "diag.h"
#include "fuzz.h"
#include "template.h"
#include "yml.h"

#include <lua.h>

static void walk(const struct yml_node *n, const char *text, size_t len, int depth, struct yml_cursor *cur)
{
	if (!n)
		return;
	if (n->kind == YML_SCALAR) {
		long long iv;
		double dv;
		(void)yml_resolve(n, &iv, &dv);
		(void)yml_str(n);
		(void)yml_is_null(n);
		size_t st = yml_offset(text, len, n->line, n->col, NULL), en = yml_offset(text, len, n->eline, n->ecol, NULL);
		if (st > len || en > len)
			abort(); /* yml_offset promises to clamp */
		/* through a cursor (the import's one pass), in the tree's order, merged keys out of it */
		if (yml_offset(text, len, n->line, n->col, cur) != st || yml_offset(text, len, n->eline, n->ecol, cur) != en)
			abort();
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		walk(n->kids[i], text, len, depth + 1, cur);
	if (n->kind == YML_MAP)
		(void)yml_get(n, "id");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct yml_doc *d = yml_parse("content/data/fuzz.yaml", text, size, 1);
	if (d) {
		struct yml_cursor cur = {0, 0};
		walk(d->root, text, size, 0, &cur);
		struct cite_refs refs;
		cite_refs_load(&refs, d);
		cite_refs_free(&refs);
		struct tpl_engine *e = tpl_new(NULL, 0);
		lua_State *L = tpl_lua(e);
		tpl_push_yaml(L, d->root);
		tpl_freeze(L);
		lua_settop(L, 0);
		tpl_free(e);
	}
	yml_free(d);
	diag_reset();
	return 0;
}
