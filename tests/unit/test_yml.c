/* Unit tests: YAML nodes, marks, resolution and limits. */
#include "diag.h"
#include "tap.h"
#include "yml.h"

#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yml_doc *parse(const char *s, int line0)
{
	return yml_parse("t.yaml", s, strlen(s), line0);
}


/* Whether two trees are the same, field by field, the shape of their sharing aside. */
static bool same_tree(const struct yml_node *a, const struct yml_node *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->line != b->line || a->col != b->col || a->eline != b->eline ||
	    a->ecol != b->ecol || a->plain != b->plain || a->tag != b->tag || a->style != b->style ||
	    a->indent != b->indent || a->len != b->len || a->n != b->n || !a->str != !b->str ||
	    (a->str && memcmp(a->str, b->str, a->len + 1)))
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!same_tree(a->kids[i], b->kids[i]))
			return false;
	return true;
}

/* text parsed, imaged and made again from its image: the same tree, in memory of its own. */
static bool image_round_trip(const char *text)
{
	struct yml_doc *d = parse(text, 3);
	struct buf b = BUF_INIT;
	bool ok = d && yml_image(d, &b);
	struct yml_doc *e = ok ? yml_from_image("t.yaml", b.p, b.len) : NULL;
	/* the image holds no address: the doc it came from can go first */
	struct yml_doc *again = parse(text, 3);
	yml_free(d);
	ok = e && same_tree(e->root, again->root) && !strcmp(e->path, "t.yaml");
	size_t held = 0, used = 0;
	yml_bytes(e, &held, &used);
	ok = ok && held == used; /* one block of its size */
	yml_free(e);
	yml_free(again);
	buf_free(&b);
	return ok;
}

int main(void)
{
	struct yml_doc *d = parse("title: Hello\nweight: 3\nlist: [a, 'b']\nok: true\nnone: ~\nf: 1.5\n", 1);
	ok(d && d->root && d->root->kind == YML_MAP, "a mapping parses");
	is_str(yml_str(yml_get(d->root, "title")), "Hello", "string value");
	struct yml_node *w = yml_get(d->root, "weight");
	long long iv = 0;
	double dv = 0;
	ok(yml_resolve(w, &iv, &dv) == YML_T_INT && iv == 3, "integer resolved");
	ok(w->line == 2 && w->col == 9, "value keeps line and column (%d:%d)", w->line, w->col);
	struct yml_node *l = yml_get(d->root, "list");
	ok(l->kind == YML_SEQ && l->n == 2 && !l->kids[1]->plain, "flow list with a quoted item");
	ok(yml_resolve(yml_get(d->root, "ok"), &iv, &dv) == YML_T_BOOL && iv == 1, "boolean true");
	ok(yml_is_null(yml_get(d->root, "none")), "~ is null");
	ok(yml_resolve(yml_get(d->root, "f"), &iv, &dv) == YML_T_FLOAT && dv == 1.5, "float");
	yml_free(d);

	d = parse("a: '3'\nb: 2024-01-15\n", 1);
	ok(yml_resolve(yml_get(d->root, "a"), &iv, &dv) == YML_T_STR, "quoted number stays text");
	ok(yml_resolve(yml_get(d->root, "b"), &iv, &dv) == YML_T_STR, "a date stays text");
	yml_free(d);

	/* YAML 1.2's core schema (10.3.2) for plain scalars, and explicit tags */
	d = parse("h: 0x1F\no: 0o17\nd: .5\ne: 1e3\nni: -.inf\nnan: .nan\nbig: 123456789012345678901234\n"
	          "neg: -9223372036854775808\ns: !!str 12\ni: !!int \"0x10\"\nf: !!float 2\nb: !!bool 'false'\n"
	          "n: !!null ''\nbin: !!binary aGk=\nloc: !here 3\nnot: 1.2.3\nu: 1_000\nset: !!set {a, b}\n", 1);
	ok(d != NULL, "numbers and tags parse");
	struct { const char *key; enum yml_type t; double v; } want[] = {
		{"h", YML_T_INT, 31}, {"o", YML_T_INT, 15}, {"d", YML_T_FLOAT, .5}, {"e", YML_T_FLOAT, 1000},
		{"ni", YML_T_FLOAT, -HUGE_VAL}, {"big", YML_T_FLOAT, 1.2345678901234568e23},
		{"neg", YML_T_INT, -9223372036854775807.0 - 1}, {"s", YML_T_STR, 0}, {"i", YML_T_INT, 16},
		{"f", YML_T_FLOAT, 2}, {"b", YML_T_BOOL, 0}, {"n", YML_T_NULL, 0}, {"bin", YML_T_STR, 0},
		{"loc", YML_T_STR, 0}, {"not", YML_T_STR, 0}, {"u", YML_T_STR, 0}};
	for (size_t i = 0; d && i < sizeof want / sizeof *want; i++) {
		iv = 0, dv = 0;
		enum yml_type t = yml_resolve(yml_get(d->root, want[i].key), &iv, &dv);
		double got = t == YML_T_FLOAT ? dv : (double)iv;
		ok(t == want[i].t && (t == YML_T_STR || t == YML_T_NULL || got == want[i].v), "%s resolves as YAML 1.2 says "
		   "(type %d, %g)", want[i].key, (int)t, got);
	}
	ok(d && yml_resolve(yml_get(d->root, "nan"), &iv, &dv) == YML_T_FLOAT && dv != dv, ".nan is a float NaN");
	struct yml_node *set = d ? yml_get(d->root, "set") : NULL;
	ok(set && set->kind == YML_MAP && set->tag == YML_TAG_SET && set->n == 4 && yml_is_null(set->kids[1]),
	   "a !!set is a mapping of keys to null, marked as a set");
	yml_free(d);
	const char *bad[] = {"x: !!int ten\n", "x: !!int 1.5\n", "x: !!float one\n", "x: !!bool yes\n",
	                     "x: !!null 0\n", "x: !!set {a: 1}\n", "x: !!seq {a: 1}\n", "x: !!map [1]\n",
	                     "x: !!int [1]\n", "x: !!map text\n", "x: !!set text\n"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		diag_reset();
		d = parse(bad[i], 1);
		ok(!d && diag_errors() == 1, "a value its core tag does not fit is an error: %.*s", (int)strlen(bad[i]) - 1,
		   bad[i]);
		yml_free(d);
	}
	diag_reset();

	/* libyaml breaks lines at U+0085, U+2028 and U+2029 too; files count line feeds */
	d = parse("a: \"x\xe2\x80\xa8y\xc2\x85z\"\nb: \xc3\xa9\xe2\x80\xa9 w\n", 1);
	struct yml_node *after = d ? yml_get(d->root, "b") : NULL;
	ok(after && after->line == 2 && after->col == 4 && after->eline == 2 && after->ecol == 8,
	   "a value after U+2028 and U+0085 is on its file line, in characters (%d:%d to %d:%d)",
	   after ? after->line : 0, after ? after->col : 0, after ? after->eline : 0, after ? after->ecol : 0);
	yml_free(d);

	/* a large mapping is looked up by bisection: every key found, merged ones too, none made up */
	struct buf big = BUF_INIT;
	buf_adds(&big, "base: &b {zz: merged, k5: not this}\nmap:\n  <<: *b\n");
	for (int i = 0; i < 100; i++)
		buf_addf(&big, "  k%d: v%d\n", (i * 37) % 100, (i * 37) % 100);
	d = parse(big.p, 1);
	struct yml_node *bm = d ? yml_get(d->root, "map") : NULL;
	bool found = bm && bm->style == YML_MAP_INDEXED && bm->n == 202;
	for (int i = 0; found && i < 100; i++) {
		char k[16], v[16];
		snprintf(k, sizeof k, "k%d", i), snprintf(v, sizeof v, "v%d", i);
		found = yml_str(yml_get(bm, k)) && !strcmp(yml_str(yml_get(bm, k)), v);
	}
	ok(found && !strcmp(yml_str(yml_get(bm, "zz")), "merged") && !yml_get(bm, "k100") && !yml_get(bm, "") &&
	   !yml_get(bm, "k"), "a mapping of 101 keys is bisected: each key's own value, a merged key's, none else");
	yml_free(d);
	buf_free(&big);

	d = parse("x: 1\n", 5);
	ok(yml_get(d->root, "x")->line == 5, "line offset for front matter");
	yml_free(d);

	/* Merge keys, YAML 1.1 (yaml.org/type/merge.html), as the spec's own example. */
	d = parse("- &CENTER {x: 1, y: 2}\n- &LEFT {x: 0, y: 2}\n- &BIG {r: 10}\n- &SMALL {r: 1}\n"
	          "- x: 1\n  y: 2\n  r: 10\n  label: center/big\n"
	          "- <<: *CENTER\n  r: 10\n  label: center/big\n"
	          "- <<: [*CENTER, *BIG]\n  label: center/big\n"
	          "- <<: [*BIG, *LEFT, *SMALL]\n  x: 1\n  label: center/big\n", 1);
	ok(d && d->root && d->root->n == 8, "the merge example parses");
	for (size_t i = 4; d && i < 8; i++) {
		const struct yml_node *m = d->root->kids[i];
		ok(m->n == 8 && !yml_get(m, "<<") && !strcmp(yml_str(yml_get(m, "x")), "1") &&
		   !strcmp(yml_str(yml_get(m, "y")), "2") && !strcmp(yml_str(yml_get(m, "r")), "10") &&
		   !strcmp(yml_str(yml_get(m, "label")), "center/big"),
		   "item %zu: the same four keys, its own winning over merged, earlier merged over later", i + 1);
	}
	yml_free(d);
	d = parse("a: &a {k: 1}\nb: {\"<<\": *a}\n", 1);
	ok(d && yml_get(yml_get(d->root, "b"), "<<"), "a quoted \"<<\" is an ordinary key");
	yml_free(d);
	diag_reset();
	ok(parse("a: &a [1]\nb:\n  <<: *a\n", 1) == NULL && diag_errors() == 1, "merging a list is an error");
	ok(parse("a: {k: 1}\nb:\n  <<: [*x]\n", 1) == NULL, "merging an unknown alias is an error");
	ok(parse("a: &a {k: 1}\nb:\n  <<: *a\n  <<: *a\n", 1) == NULL, "two merge keys in one mapping are an error");
	diag_reset();
	ok(parse("a: &a {k: 1}\nb:\n  <<: *a\n  \"<<\": 2\n", 1) == NULL && diag_errors() == 1,
	   "a quoted \"<<\" after a merge key is a duplicate key (it crashed)");
	diag_reset();
	ok(parse("a: &a {k: 1}\nb:\n  \"<<\": 2\n  <<: *a\n", 1) == NULL && diag_errors() == 1,
	   "a merge key after a quoted \"<<\" is an error");
	{
		/* mappings and lists of every size up to a few hundred: their kids are carved once */
		struct buf b = BUF_INIT;
		bool all = true;
		for (int n = 0; n <= 300 && all; n += (n < 20 ? 1 : 37)) {
			buf_reset(&b);
			buf_adds(&b, "m:\n");
			for (int i = 0; i < n; i++)
				buf_addf(&b, "  k%d: v%d\n", i, i);
			buf_adds(&b, "l: [");
			for (int i = 0; i < n; i++)
				buf_addf(&b, "%s%d", i ? ", " : "", i);
			buf_adds(&b, "]\n");
			d = yml_parse("t.yaml", b.p, b.len, 1);
			struct yml_node *m = d ? yml_get(d->root, "m") : NULL, *ls = d ? yml_get(d->root, "l") : NULL;
			all = m && ls && (n == 0 ? yml_is_null(m) : m->n == 2 * (size_t)n) && ls->n == (size_t)n;
			for (int i = 0; all && i < n; i++) {
				char k[16], v[16];
				snprintf(k, sizeof k, "k%d", i);
				snprintf(v, sizeof v, "v%d", i);
				all = !strcmp(yml_str(yml_get(m, k)), v) && (size_t)atoi(ls->kids[i]->str) == (size_t)i &&
				      yml_get(m, k)->line == i + 2;
			}
			yml_free(d);
		}
		ok(all, "mappings and lists of 0 to 300 entries keep every entry, in order, with its line");
		/* A long value with few marks (its first chunk sized from them), then mapping entries
		 * without a mark in their text ("k: v" has one), and a block scalar of prose. */
		all = true;
		for (int len = 0; len <= 20000 && all; len += len < 300 ? 1 : 523) {
			buf_reset(&b);
			buf_adds(&b, "title: T\nsummary: \"");
			for (int i = 0; i < len; i++)
				buf_addc(&b, (char)('a' + i % 26));
			buf_adds(&b, "\"\nbody: |\n");
			for (int i = 0; i < len / 40; i++)
				buf_adds(&b, "  a line of prose, with a colon: and a dash - here\n");
			buf_adds(&b, "list: [x, y, z]\n");
			d = yml_parse("t.yaml", b.p, b.len, 1);
			const char *sm = d ? yml_str(yml_get(d->root, "summary")) : NULL;
			struct yml_node *ls = d ? yml_get(d->root, "list") : NULL;
			all = sm && strlen(sm) == (size_t)len && (len == 0 || sm[len - 1] == 'a' + (len - 1) % 26) && ls &&
			      ls->n == 3 && !strcmp(ls->kids[2]->str, "z") && ls->line == len / 40 + 4 &&
			      (len / 40 == 0 || strlen(yml_str(yml_get(d->root, "body"))) == (size_t)(len / 40) * 49);
			yml_free(d);
		}
		ok(all, "a value of 0 to 20,000 bytes beside a block scalar and a list keeps every byte and line");
		buf_free(&b);
	}

	/* A parsed doc is moved into one block of its size (yml_bytes): every shape keeps its values,
	 * positions and shared nodes. */
	{
		static const char *const shapes[] = {
			"title: \"Maintain Case Request Contact\"\nsummary: \"Response security joint.\"\nweight: 50\n"
			"date: 2024-01-15\n",
			"title: T\ntags: [a, b, c]\nauthors:\n  - {family: Doe, given: Jane}\n  - {family: Roe}\n",
			"a: &x {k: 1, l: [2, 3]}\nb: *x\nc:\n  <<: *x\n  m: 4\n",
			"s: |\n  one\n  two\nf: >\n  folded\n  text\nq: 'it''s'\nd: \"\\u00e9t\u00e9\"\n",
			"- &i item\n- *i\n- [*i, *i]\n- {k: *i}\n",
			"x: ~\n",
		};
		bool tight = true;
		size_t held, used;
		for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
			d = parse(shapes[i], 1);
			yml_bytes(d, &held, &used);
			tight = tight && d && held - used < 64;
			if (!(d && held - used < 64))
				printf("# shape %zu: %zu bytes held, %zu used\n", i, held, used);
			yml_free(d);
		}
		ok(tight, "a parsed front matter holds less than 64 bytes more than its nodes use");
		d = parse(shapes[2], 3);
		struct yml_node *a = yml_get(d->root, "a"), *b = yml_get(d->root, "b"), *c = yml_get(d->root, "c");
		ok(a && a == b && a->line == 3 && a->col == 4, "an alias is its anchor's node after the move (%d:%d)",
		   a ? a->line : 0, a ? a->col : 0);
		ok(c && c->n == 6 && yml_get(c, "l") == yml_get(a, "l") && yml_get(c, "l")->n == 2 &&
		   !strcmp(yml_str(yml_get(c, "l")->kids[1]), "3") && !strcmp(yml_str(yml_get(c, "m")), "4") &&
		   yml_get(c, "m")->line == 7, "a merged mapping shares the merged values after the move");
		yml_free(d);
		d = parse(shapes[4], 1);
		ok(d && d->root->n == 4 && d->root->kids[0] == d->root->kids[1] &&
		   d->root->kids[2]->kids[1] == d->root->kids[0] && yml_get(d->root->kids[3], "k") == d->root->kids[0] &&
		   !strcmp(d->root->kids[2]->kids[0]->str, "item"), "a scalar reached four ways is one node after the move");
		yml_free(d);
		/* nodes reached through aliases many times over (9 x 9 x 9), moved once each */
		d = parse("a: &a [x, y, z, x, y, z, x, y, z]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		          "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", 1);
		struct yml_node *cc = d ? yml_get(d->root, "c") : NULL;
		ok(cc && cc->n == 9 && cc->kids[8]->kids[8] == yml_get(d->root, "a") &&
		   !strcmp(cc->kids[8]->kids[8]->kids[8]->str, "z"), "aliases of aliases keep their nodes after the move");
		yml_free(d);
	}

	/* Offsets found through a cursor are those found from the start, asked for in any order. */
	{
		const char *t = "a: 1\nbé: \"é2\"\n\nlong: |\n  x\n  y\nz: *q\n";
		size_t tl = strlen(t);
		int marks[][2] = {{1, 1}, {1, 4}, {2, 1}, {2, 5}, {2, 9}, {4, 7}, {3, 1}, {7, 4}, {1, 2}, {9, 1}, {7, 1}};
		struct yml_cursor cur = {0, 0};
		bool same = true;
		for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
			size_t a = yml_offset(t, tl, marks[i][0], marks[i][1], &cur), b = yml_offset(t, tl, marks[i][0], marks[i][1], NULL);
			if (a != b) {
				same = false;
				fprintf(stderr, "# line %d col %d: %zu through the cursor, %zu from the start\n", marks[i][0], marks[i][1], a, b);
			}
		}
		ok(same, "yml_offset through a cursor agrees with a count from the start, in and out of order");
		ok(yml_offset(t, tl, 2, 5, NULL) == 10 && yml_offset(t, tl, 9, 1, NULL) == tl, "columns count characters; a line past the end is the end");
	}

	ok(parse("a: [1, 2\n", 1) == NULL, "unclosed flow list is an error");
	ok(parse("a: 1\na: 2\n", 1) == NULL, "duplicate key is an error");
	ok(parse("a: *nope\n", 1) == NULL, "unknown alias is an error");
	d = parse("", 1);
	ok(d && d->root == NULL, "empty document is empty");
	yml_free(d);

	/* Billion laughs: each level doubles nine times. */
	const char *bomb =
		"a: &a [x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
	ok(parse(bomb, 1) == NULL, "alias expansion bomb is refused");
	/* A large file without aliases is as large as its text: 1,100,000 nodes written out parse. */
	{
		size_t n = 1100000;
		char *wide = malloc(2 * n + 2);
		wide[0] = '[';
		for (size_t i = 0; i < n; i++)
			wide[1 + 2 * i] = 'x', wide[2 + 2 * i] = ',';
		wide[2 * n] = ']', wide[2 * n + 1] = '\0';
		size_t e0 = diag_errors();
		d = parse(wide, 1);
		ok(d && d->root && d->root->n == n && diag_errors() == e0, "a document of more than a million nodes it writes itself parses");
		yml_free(d);
		free(wide);
	}

	/* Values written back (yml_value): plain when they read back as the same text, else quoted. */
	static const char *const plain[] = {"Guide pratique révisé", "Who is at risk?", "a-b", "x.y/z (w)", "l'OTAN",
	                                    "دليل", NULL};
	static const char *const quoted[] = {"yes", "No", "true", "12", "1.5", "~", "null", "", " lead", "trail ",
	                                     "a: b", "a #b", "- a", "[a]", "{a}", "a, b", "*ref", "&x", "!tag", "%x",
	                                     "@x", "`x", "'q'", "\"q\"", "two\nlines", "tab\there", "> x", "| x",
	                                     "? x", "#x", "1_000", "1:20", "2024-01-15", "<<", "=", "-1x", "3 days", NULL};
	bool all = true;
	for (int i = 0; plain[i]; i++) {
		char *v = yml_value(plain[i], strlen(plain[i]));
		if (!v || strcmp(v, plain[i]))
			all = false, diag_warn("t", 0, 0, "plain '%s' came out as %s", plain[i], v ? v : "NULL");
		free(v);
	}
	ok(all, "texts that read back as themselves are written plain");
	all = true;
	for (int i = 0; quoted[i]; i++) {
		char *v = yml_value(quoted[i], strlen(quoted[i]));
		char *doc = v ? xasprintf("k: %s\nf: {k: %s}\n", v, v) : NULL;
		size_t e0 = diag_errors();
		struct yml_doc *r = doc ? parse(doc, 1) : NULL;
		long long iv2;
		double dv2;
		const struct yml_node *k = r ? yml_get(r->root, "k") : NULL, *f = r ? yml_get(yml_get(r->root, "f"), "k") : NULL;
		if (!v || v[0] != '"' || !k || !f || diag_errors() != e0 || strcmp(k->str, quoted[i]) || strcmp(f->str, quoted[i]) ||
		    yml_resolve(k, &iv2, &dv2) != YML_T_STR)
			all = false, diag_warn("t", 0, 0, "'%s' came out as %s", quoted[i], v ? v : "NULL");
		yml_free(r);
		free(doc);
		free(v);
	}
	ok(all, "the others are quoted, and read back as the same text in block and flow context");
	/* characters outside the BMP as themselves, not libyaml's escapes (yaml/libyaml#279); a
	 * noncharacter (which vade's reader refuses) and an escaped backslash before a 'U' as escapes */
	{
		static const char *const astral[][2] = {
			{"Hotline: \xf0\x9f\x93\x9e 116 000", "\"Hotline: \xf0\x9f\x93\x9e 116 000\""},
			{"x: \xf0\xa0\x80\x80\\U0001F4DE", "\"x: \xf0\xa0\x80\x80\\\\U0001F4DE\""},
			{"x: \xf0\x9f\xbf\xbf", "\"x: \\U0001FFFF\""},
		};
		all = true;
		for (size_t i = 0; i < sizeof astral / sizeof *astral; i++) {
			char *v = yml_value(astral[i][0], strlen(astral[i][0]));
			char *doc = v ? xasprintf("k: %s\n", v) : NULL;
			struct yml_doc *r = doc ? parse(doc, 1) : NULL;
			const struct yml_node *k = r ? yml_get(r->root, "k") : NULL;
			if (!v || strcmp(v, astral[i][1]) || (i < 2 && (!k || strcmp(k->str, astral[i][0]))))
				all = false, diag_warn("t", 0, 0, "'%s' came out as %s", astral[i][0], v ? v : "NULL");
			yml_free(r);
			free(doc);
			free(v);
		}
		ok(all, "characters outside the BMP are written as themselves, and read back the same");
	}


	/* images (docfacts.h keeps a page's front matter as one): the same tree back, or none */
	ok(image_round_trip("title: Hello\nweight: 3\nlist: [a, 'b']\nok: true\nnone: ~\nf: !!float 1\n"),
	   "an image gives the same tree back");
	ok(image_round_trip("base: &b {x: 1, y: [2, 3]}\nuse: *b\nmerged:\n  <<: *b\n  z: \"q\\tr\"\n"
	                    "block: |2\n    kept\n  text\nfolded: >\n  a\n  b\n"),
	   "aliases, a merge key, an escape and block scalars come back");
	struct buf keys = BUF_INIT;
	for (int i = 0; i < 40; i++)
		buf_addf(&keys, "key%02d: value %d\n", 39 - i, i);
	ok(image_round_trip(keys.p), "a mapping of 40 keys comes back");
	{
		struct yml_doc *bd = parse(keys.p, 1);
		struct buf b = BUF_INIT;
		yml_image(bd, &b);
		struct yml_doc *e = yml_from_image("t.yaml", b.p, b.len);
		is_str(yml_str(yml_get(e ? e->root : NULL, "key07")), "value 32", "and is looked up by bisection");
		yml_free(e);
		/* damaged: every byte changed in turn, and every length short of the whole */
		bool none_wild = true;
		for (size_t i = 0; i < b.len; i++) {
			char was = b.p[i];
			b.p[i] = (char)(was ^ (i % 2 ? 0x40 : 0x01));
			struct yml_doc *x = yml_from_image("t.yaml", b.p, b.len);
			if (x && x->root && x->root->kind == YML_MAP) /* a changed text or mark: a tree still */
				(void)yml_get(x->root, "key07");
			yml_free(x);
			b.p[i] = was;
		}
		for (size_t n = 0; n < b.len; n++)
			if (yml_from_image("t.yaml", b.p, n))
				none_wild = false;
		ok(none_wild, "a damaged or cut image is no tree, or a tree read without a wild read (ASan)");
		yml_free(bd);
		buf_free(&b);
	}
	buf_free(&keys);
	{
		struct yml_doc *empty = parse("", 1);
		struct buf b = BUF_INIT;
		struct yml_doc *e = empty && yml_image(empty, &b) ? yml_from_image("t.yaml", b.p, b.len) : NULL;
		ok(e && !e->root, "an empty document comes back empty");
		yml_free(e);
		yml_free(empty);
		buf_free(&b);
	}
	struct { char s[400]; } deep;
	memset(deep.s, '[', 200);
	deep.s[200] = '\0';
	ok(parse(deep.s, 1) == NULL, "nesting deeper than the limit is refused");
	ok(diag_errors() >= 5, "errors were reported through diag");
	diag_flush();
	return tap_done();
}
