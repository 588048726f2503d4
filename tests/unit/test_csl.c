/* Unit tests: CSL names and dates (csl.h), how the bibliography reads them (cite.h), CSL-JSON (json.h). */
#include "cite.h"
#include "csl.h"
#include "diag.h"
#include "json.h"
#include "tap.h"

#include <stdlib.h>

static char *name(struct csl_name n, enum csl_order o)
{
	struct buf b = BUF_INIT;
	csl_name_write(&b, &n, o);
	return buf_detach(&b, NULL);
}

static char *key(struct csl_name n)
{
	struct buf b = BUF_INIT;
	csl_name_sort_key(&b, &n);
	return buf_detach(&b, NULL);
}

#define NAME(n, o, want, what) do { char *s_ = name(n, o); is_str(s_, want, what); free(s_); } while (0)

/* The errors cite_refs_load reports for one YAML bibliography. */
static size_t errors_of(const char *y)
{
	struct yml_doc *d = yml_parse("refs.yaml", y, strlen(y), 1);
	size_t before = diag_errors();
	struct cite_refs r;
	cite_refs_load(&r, d);
	size_t n = diag_errors() - before;
	diag_flush();
	cite_refs_free(&r);
	yml_free(d);
	return n;
}

/* Reads the 'issued' date of a one-source bibliography. */
static const char *date_of(const char *y, struct csl_date *out, struct yml_doc **keep)
{
	*keep = yml_parse("refs.yaml", y, strlen(y), 1);
	const struct yml_node *at;
	return cite_date_read(yml_get((*keep)->root->kids[0], "issued"), out, &at);
}

static bool date_ok(const struct yml_node *v)
{
	struct csl_date d;
	const struct yml_node *at;
	return v && cite_date_read(v, &d, &at) == NULL && d.from.year == 2016 && d.from.month == 2;
}

int main(void)
{
	/* {====== names: CSL 1.0.2 name-part order, demote-non-dropping-particle="never" */
	struct csl_name berg = {.family = "Berg", .given = "Anna", .non_dropping = "van den"};
	NAME(berg, CSL_DISPLAY, "Anna van den Berg", "non-dropping particle kept in display order");
	NAME(berg, CSL_INVERTED, "van den Berg, Anna", "non-dropping particle leads the inverted name");
	struct csl_name mart = {.family = "Martinière", .given = "Gérard", .dropping = "de", .non_dropping = "la",
	                        .suffix = "III"};
	NAME(mart, CSL_DISPLAY, "Gérard de la Martinière III", "both particles and a suffix, display");
	NAME(mart, CSL_INVERTED, "la Martinière, Gérard de, III", "dropping particle after the given name, inverted");
	struct csl_name king = {.family = "King", .given = "Martin Luther", .suffix = "Jr.", .comma_suffix = true};
	NAME(king, CSL_DISPLAY, "Martin Luther King, Jr.", "comma-suffix");
	NAME(king, CSL_INVERTED, "King, Martin Luther, Jr.", "suffix last when inverted");
	NAME(((struct csl_name){.literal = "World Health Organization", .family = "x"}), CSL_INVERTED,
	     "World Health Organization", "a literal name is written as it is");
	NAME(((struct csl_name){.family = "Plato"}), CSL_INVERTED, "Plato", "family name alone");
	NAME(((struct csl_name){.given = "Madonna"}), CSL_INVERTED, "Madonna", "given name alone");
	NAME(((struct csl_name){.family = "毛", .given = "泽东"}), CSL_DISPLAY, "毛泽东", "CJK: family given, no space");
	NAME(((struct csl_name){.family = "Kovács", .given = "János", .static_ordering = true}), CSL_DISPLAY,
	     "Kovács János", "static-ordering: family given");
	ok(csl_name_check(&(struct csl_name){.suffix = "Jr."}) != NULL, "a name without family, given or literal is refused");

	char *k1 = key(berg), *k2 = key((struct csl_name){.family = "Bergman", .given = "Anna"}),
	     *k3 = key(mart), *k4 = key((struct csl_name){.family = "Lamb", .given = "Charles"});
	ok(strcmp(k1, k2) > 0, "sort: 'van den Berg' under v (the non-dropping particle is part of the family name)");
	ok(strcmp(k3, k4) < 0, "sort: 'de la Martinière' by 'la Martinière' (the dropping particle does not lead)");
	free(k1), free(k2), free(k3), free(k4);
	k1 = key((struct csl_name){.family = "Berg", .given = "Zoe"});
	k2 = key((struct csl_name){.family = "Bergman", .given = "Anna"});
	ok(strcmp(k1, k2) < 0, "sort: 'Berg, Zoe' before 'Bergman, Anna' (family names compared whole)");
	free(k1), free(k2);
	k1 = key((struct csl_name){.literal = "The World Bank"});
	k2 = key((struct csl_name){.family = "Smith"});
	ok(strcmp(k1, k2) > 0 && !strcmp(k1, "world bank"), "sort: an institution less its leading article ('%s')", k1);
	free(k1), free(k2);

	/* {====== dates */
	struct csl_date d;
	struct yml_doc *doc;
	int v;
	ok(csl_date_part("2016", &v) && v == 2016 && csl_date_part("-44", &v) && v == -44, "date parts as strings");
	ok(!csl_date_part("20x6", &v) && !csl_date_part("", &v) && !csl_date_part("2016.5", &v), "not date parts");
	ok(date_of("- {id: a, title: A, issued: {date-parts: [['2016', 2, '9']]}}\n", &d, &doc) == NULL &&
	   d.from.year == 2016 && d.from.month == 2 && d.from.day == 9 && !d.to.year, "numbers as strings (Zotero)");
	yml_free(doc);
	ok(date_of("- {id: a, title: A, issued: {date-parts: [[2019, 3], [2020, 4]]}}\n", &d, &doc) == NULL &&
	   d.from.year == 2019 && d.to.year == 2020 && d.to.month == 4, "a range");
	yml_free(doc);
	ok(date_of("- {id: a, title: A, issued: {date-parts: [[2020, 4], [2019, 3]]}}\n", &d, &doc) != NULL,
	   "a range that ends before it starts is refused");
	yml_free(doc);
	ok(date_of("- {id: a, title: A, issued: {date-parts: [[1963]], season: 3, circa: true}}\n", &d, &doc) == NULL &&
	   d.from.season == 3 && d.circa, "season and circa");
	yml_free(doc);
	ok(date_of("- {id: a, title: A, issued: {date-parts: [[1963]], season: Easter}}\n", &d, &doc) == NULL &&
	   d.season_text && !strcmp(d.season_text, "Easter"), "a season as text");
	yml_free(doc);
	ok(date_of("- {id: a, title: A, issued: {literal: forthcoming}}\n", &d, &doc) == NULL && d.literal &&
	   !strcmp(d.literal, "forthcoming"), "literal");
	yml_free(doc);
	ok(date_of("- {id: a, title: A, issued: {raw: '2004-05'}}\n", &d, &doc) == NULL && d.from.year == 2004 &&
	   d.from.month == 5 && !d.literal, "raw that is a date is read as one");
	yml_free(doc);
	ok(date_of("- {id: a, title: A, issued: {raw: 'May the fourth'}}\n", &d, &doc) == NULL && d.literal,
	   "raw that is no date is printed as written");
	yml_free(doc);
	ok(csl_date_edtf("2016-02-09", &d) && d.from.day == 9, "EDTF day");
	ok(csl_date_edtf("2019-03/2020-04", &d) && d.to.year == 2020 && d.to.month == 4, "EDTF interval");
	ok(csl_date_edtf("2004~", &d) && d.circa && d.from.year == 2004, "EDTF approximate: circa");
	ok(csl_date_edtf("2021-21", &d) && d.from.season == 1 && !d.from.month, "EDTF season (21: spring)");
	ok(csl_date_edtf("2019/..", &d) && d.from.year == 2019 && !d.to.year, "EDTF open end");
	ok(!csl_date_edtf("2021-13", &d) && !csl_date_edtf("2021-02-30", &d) && !csl_date_edtf("May 2021", &d) &&
	   !csl_date_edtf("21", &d), "not EDTF dates");
	ok(csl_date_edtf("2024-02-29", &d) && !csl_date_edtf("2023-02-29", &d), "leap years");

	/* {====== what the bibliography check refuses, and where */
	freopen("/dev/null", "w", stderr);
	ok(errors_of("- id: a\n  title: A\n  issued: {date-parts: [['2016', 2, 9]]}\n"
	             "  accessed: {date-parts: [[2021, 5, 7], [2021, 5, 9]]}\n"
	             "  event-date: 2019-03/2020-04\n"
	             "  original-date: {literal: 'n.d.'}\n"
	             "  submitted: {date-parts: [[1963]], season: 3, circa: 'yes'}\n"
	             "  author:\n"
	             "    - {family: Berg, given: Anna, non-dropping-particle: van den}\n"
	             "    - {family: Martinière, given: Gérard, dropping-particle: de, non-dropping-particle: la, suffix: III}\n"
	             "    - {literal: World Health Organization}\n"
	             "  editor: [{family: Elm, given: Ed, comma-suffix: false, static-ordering: false, parse-names: true}]\n") == 0,
	   "every CSL date form and name part is accepted");
	ok(errors_of("- {id: a, title: A, issued: {date-parts: [[2021, 13]]}}\n") == 1, "month 13");
	ok(errors_of("- {id: a, title: A, issued: {date-parts: [[2021, 4, 31]]}}\n") == 1, "31 April");
	ok(errors_of("- {id: a, title: A, issued: {date-parts: [['20x6']]}}\n") == 1, "a part that is no number");
	ok(errors_of("- {id: a, title: A, issued: {date-parts: [[2021], [2020], [2022]]}}\n") == 1, "three dates");
	ok(errors_of("- {id: a, title: A, issued: {year: 2021}}\n") == 1, "a key CSL dates do not have");
	ok(errors_of("- {id: a, title: A, issued: {season: 2}}\n") == 1, "a season without a year");
	ok(errors_of("- {id: a, title: A, issued: 'last spring'}\n") == 1, "a string that is no EDTF date");
	ok(errors_of("- {id: a, title: A, author: {family: Berg}}\n") == 1, "author is a list");
	ok(errors_of("- {id: a, title: A, author: [{suffix: Jr.}], editor: [{family: Elm, middle: X}]}\n") == 2,
	   "a name without family/given/literal, a name part CSL does not have");

	/* {====== CSL-JSON: the same trees as YAML */
	const char *j = "[{\"id\": \"a\", \"title\": \"A \\u00e9\", \"volume\": 3, \"x\": null, \"y\": true,"
	                " \"issued\": {\"date-parts\": [[\"2016\", 2]]}}]";
	struct yml_doc *jd = json_parse("refs.json", j, strlen(j));
	const struct yml_node *e = jd && jd->root && jd->root->kind == YML_SEQ ? jd->root->kids[0] : NULL;
	long long iv;
	double dv;
	ok(e && e->kind == YML_MAP && !strcmp(yml_str(yml_get(e, "title")), "A \xc3\xa9") &&
	   yml_resolve(yml_get(e, "volume"), &iv, &dv) == YML_T_INT && iv == 3 && yml_is_null(yml_get(e, "x")) &&
	   yml_resolve(yml_get(e, "y"), &iv, &dv) == YML_T_BOOL, "JSON values become YAML nodes of the same meaning");
	ok(e && !strcmp(e->kids[0]->str, "id") && !strcmp(e->kids[10]->str, "issued"), "keys keep the file's order");
	ok(e && date_ok(yml_get(e, "issued")), "a CSL-JSON date with strings");
	yml_free(jd);
	size_t before = diag_errors();
	ok(!json_parse("refs.json", "[{\"id\": \"a\", \"id\": \"b\"}]", 28) && diag_errors() == before + 1,
	   "a repeated key is an error");
	ok(!json_parse("refs.json", "[1,", 3) && diag_errors() == before + 2, "a syntax error is an error");
	ok(!json_parse("refs.json", "\"\xff\"", 3) && diag_errors() == before + 3, "invalid UTF-8 is an error");
	diag_flush();
	return tap_done();
}
