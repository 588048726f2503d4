/* data.c — content/data and content/i18n: the data files (a language's
 * translated fields in <name>.<lang>.yaml beside the default's) and the UI
 * strings of the site and the theme, loaded into struct site. The
 * bibliography may be CSL-JSON instead: references.json (json.h). */
#include "diag.h"
#include "json.h"
#include "load.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Says of each item of a list (at any depth of a data file) whose id an earlier item of the same
 * list has: an error in the original, whose translations and links would find the first only;
 * a warning in a language's translations, where the second is never used. ids, when not NULL,
 * gets the top list's items by id (the first item of each id), so lookups stay linear. The
 * bibliography's top list is cite.c's to check (cite_refs_load). */
static void check_ids(const struct data_file *df, const struct yml_node *n, struct strmap *ids, bool top)
{
	if (!n || n->kind == YML_SCALAR)
		return;
	struct strmap own = STRMAP_INIT, *by = ids ? ids : &own;
	bool bib = top && !strcmp(df->name, "references");
	for (size_t i = 0; i < n->n; i++) {
		const struct yml_node *item = n->kids[i];
		if (n->kind == YML_MAP && i % 2 == 0)
			continue; /* a key */
		check_ids(df, item, NULL, false);
		const char *id = n->kind == YML_SEQ ? yml_str(yml_get(item, "id")) : NULL;
		if (id && !id[strspn(id, " \t")] && !bib) {
			const struct yml_node *at = yml_get(item, "id");
			diag_error(df->src, at->line, at->col, "an empty id names no item: give it one, or leave the key out");
			continue;
		}
		bool added;
		size_t *at = id ? strmap_put(by, id, &added) : NULL;
		if (at && added)
			*at = i + 1;
		else if (at && n->kids[*at - 1] == item) /* an alias (*x) of the first: one node, one place */
			diag_error(df->src, item->line, item->col, "the item with id '%s' is in this list twice: an alias (*name) "
			           "repeats it; an id names one item", id);
		else if (at && df->lang >= 0)
			diag_warn(df->src, item->line, item->col, "a second item with id '%s' (the first at line %d is the one "
			          "used); not used", id, n->kids[*at - 1]->line);
		else if (at && !bib)
			diag_error(df->src, item->line, item->col, "a second item with id '%s' in this list (the first at line "
			           "%d): an id names one item, and translations and links find the first only", id,
			           n->kids[*at - 1]->line);
	}
	strmap_free(&own);
}

static void index_ids(struct data_file *df)
{
	const struct yml_node *root = df->doc ? df->doc->root : NULL;
	if (root && root->kind == YML_SEQ)
		check_ids(df, root, &df->ids, true);
	else
		check_ids(df, root, NULL, true);
}

/* references.json or references.<lang>.json: the bibliography in CSL-JSON (a suffix read as
 * site_lang_suffix() reads it, "pt_BR" included; another is no bibliography). */
static bool is_bib_json(const struct site *s, const char *name)
{
	size_t n = strlen(name);
	const char *hint;
	if (n < 15 || strncmp(name, "references.", 11) || strcmp(name + n - 5, ".json"))
		return false;
	if (n == 15 || site_lang_suffix(s, name + 11, n - 16, &hint) != -1)
		return true;
	char *misnamed = site_locale_misnamed(s, name, n - 5, ".json", false, false); /* warned at the load */
	free(misnamed);
	return misnamed != NULL;
}

void data_load(struct site *s)
{
	char **all;
	size_t nall = tree_list(&s->tree, "content/data", &all);
	struct vec names = VEC_INIT;
	for (size_t i = 0; i < nall; i++) {
		size_t n = strlen(all[i]);
		char *rel = xasprintf("content/data/%s", all[i]);
		if (n > 5 && (!strcmp(all[i] + n - 5, ".yaml") || is_bib_json(s, all[i])) &&
		    tree_kind(&s->tree, rel, NULL) == TREE_FILE)
			vec_push(&names, all[i]);
		else
			free(all[i]);
		free(rel);
	}
	free(all);
	xqsort(names.v, names.n, sizeof *names.v, cmp_str);
	s->data = xcalloc(names.n ? names.n : 1, sizeof *s->data);
	size_t nnames = 0;
	for (size_t i = 0; i < names.n; i++) {
		char *name = names.v[i];
		struct data_file *df = &s->data[s->ndata];
		df->src = xasprintf("content/data/%s", name);
		name[strlen(name) - 5] = '\0';
		df->lang = -1;
		char *misnamed = site_locale_misnamed(s, name, strlen(name), df->src + strlen(df->src) - 5, false, false);
		if (misnamed) { /* "team.fr.UTF-8.yaml": no data "team.fr.UTF-8" */
			diag_warn(df->src, 0, 0, "%s", misnamed);
			free(misnamed);
			free(df->src);
			free(name);
			continue;
		}
		char *dot = strrchr(name, '.');
		const char *hint;
		int l = dot ? site_lang_suffix(s, dot + 1, strlen(dot + 1), &hint) : -1;
		if (l == -2) {
			char *advice = site_lang_advice(dot + 1, strlen(dot + 1), hint);
			diag_warn(df->src, 0, 0, "language '%s' is not in content/site.yaml; file ignored (%s)", dot + 1, advice);
			free(advice);
			free(df->src);
			free(name);
			continue;
		}
		if (l >= 0) {
			df->lang = l;
			*dot = '\0';
		}
		text_to_nfc(&name); /* "café.yaml" and "café.fr.yaml", one NFD, one NFC: one data (site.c's add_found) */
		df->name = name;
		if (strcmp(df->src + strlen(df->src) - 5, ".json")) {
			df->doc = site_load_yaml(s, df->src, false);
		} else {
			size_t len;
			char *text = site_read_text(s, df->src, &len);
			df->doc = text ? json_parse(df->src, text, len) : NULL;
			free(text);
		}
		/* references.json and references.yaml: one bibliography, not two. */
		bool added;
		size_t *slot = strmap_put(&s->data_names, name, &added);
		if (added) {
			*slot = nnames++;
			s->data_slots = xgrow(s->data_slots, *slot, (s->nlangs + 1) * sizeof *s->data_slots);
			memset(s->data_slots + *slot * (s->nlangs + 1), 0, (s->nlangs + 1) * sizeof *s->data_slots);
		}
		size_t *at = &s->data_slots[*slot * (s->nlangs + 1) + (size_t)(df->lang + 1)];
		if (*at) {
			if (!strcmp(name, "references"))
				diag_error(s->data[*at - 1].src, 0, 0, "%s is the bibliography too; keep one of the two "
				           "(CSL-JSON or CSL-YAML)", df->src);
			else /* x.fr.yaml and x.FR.yaml: language tags are read in any case */
				diag_error(s->data[*at - 1].src, 0, 0, "%s is the same data in the same language; keep one "
				           "of the two", df->src);
			yml_free(df->doc);
			free(df->src);
			free(name);
			continue;
		}
		*at = ++s->ndata;
	}
	vec_free(&names);
	for (size_t i = 0; i < s->ndata; i++)
		index_ids(&s->data[i]);
	/* A translated item must match an item of the original by id. */
	for (size_t i = 0; i < s->ndata; i++) {
		struct data_file *t = &s->data[i];
		if (t->lang < 0 || !t->doc || !t->doc->root || t->doc->root->kind != YML_SEQ)
			continue;
		const struct data_file *base = site_data_file(s, t->name, -1);
		if (!base) {
			diag_warn(t->src, 0, 0, "no content/data/%s.yaml for these translations; file not used", t->name);
			continue;
		}
		if (!base->doc)
			continue; /* its own error said why */
		for (size_t j = 0; j < t->doc->root->n; j++) {
			const struct yml_node *item = t->doc->root->kids[j];
			const char *id = yml_str(yml_get(item, "id"));
			if (!id || !base || !site_data_item(base, id))
				diag_warn(t->src, item->line, item->col, "no item with id '%s' in content/data/%s.yaml; not used",
				          id ? id : "", t->name);
		}
	}
}

const struct data_file *site_data_file(const struct site *s, const char *name, int lang)
{
	const size_t *slot = strmap_get(&s->data_names, name);
	size_t at = slot && lang >= -1 && lang < (int)s->nlangs ? s->data_slots[*slot * (s->nlangs + 1) + (size_t)(lang + 1)] : 0;
	return at ? &s->data[at - 1] : NULL;
}

const struct yml_node *site_data_item(const struct data_file *df, const char *id)
{
	size_t *at = strmap_get(&df->ids, id);
	return at ? df->doc->root->kids[*at - 1] : NULL;
}

/* Warns about files of content/i18n named for a language the site does not have. */
static void check_ui_names(struct site *s)
{
	char **names;
	size_t n = tree_list(&s->tree, "content/i18n", &names);
	/* the first file of each language and kind (UI strings, status records): language tags are read
	 * in any case, so pt-br.yaml and PT-BR.yaml are one language's, and only one of them is read */
	const char **first = xcalloc(2 * s->nlangs + 1, sizeof *first);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		bool status = len > 12 && !strcmp(names[i] + len - 12, ".status.yaml");
		size_t cl = status ? len - 12 : len > 5 && !strcmp(names[i] + len - 5, ".yaml") ? len - 5 : 0;
		const char *hint;
		int l = cl ? site_lang_suffix(s, names[i], cl, &hint) : -1;
		if (l == -2) {
			char *src = xasprintf("content/i18n/%s", names[i]), *advice = site_lang_advice(names[i], cl, hint);
			diag_warn(src, 0, 0, "language '%.*s' is not in content/site.yaml; file ignored (%s)", (int)cl, names[i],
			          advice);
			free(advice);
			free(src);
		} else if (l == -1 && cl) { /* "pt_BR.UTF-8.yaml" */
			char *misnamed = site_locale_misnamed(s, names[i], cl, names[i] + cl, true, true);
			if (misnamed) {
				char *src = xasprintf("content/i18n/%s", names[i]);
				diag_warn(src, 0, 0, "%s", misnamed);
				free(src);
			}
			free(misnamed);
		} else if (l >= 0 && first[2 * l + status]) {
			char *src = xasprintf("content/i18n/%s", first[2 * l + status]);
			diag_error(src, 0, 0, "content/i18n/%s is the same language's %s (language tags are read in any case, and _ as -); "
			           "keep one of the two", names[i], status ? "translation records" : "strings");
			free(src);
		} else if (l >= 0) {
			first[2 * l + status] = names[i];
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(first);
	free(names);
}

/* Whether one of the theme's UI files, or the site's own file in the default language, has key. */
static bool ui_key_known(const struct site *s, const char *key)
{
	/* a plural form ("items_few") is known when a form of its key is: a language has its own forms
	 * (CLDR), which t_forms() gives (helper-116) */
	static const char *const forms[] = {"zero", "one", "two", "few", "many", "other"};
	const char *us = strrchr(key, '_');
	bool plural = false;
	for (size_t f = 0; us && f < 6 && !plural; f++)
		plural = !strcmp(us + 1, forms[f]);
	for (size_t l = 0; l <= s->nlangs; l++) {
		const struct yml_doc *d = l < s->nlangs ? s->ui[2 * l + 1] : s->ui[0];
		if (!d || !d->root || d->root->kind != YML_MAP)
			continue;
		if (yml_get(d->root, key))
			return true;
		for (size_t f = 0; plural && f < 6; f++) {
			char *k = xasprintf("%.*s_%s", (int)(us - key), key, forms[f]);
			bool has = yml_get(d->root, k) != NULL;
			free(k);
			if (has)
				return true;
		}
	}
	return false;
}

/* The site's UI strings (content/i18n/<lang>.yaml) that no page shows as they stand (helper-115: the
 * theme's string was shown in their place, without a word): a value that is no text (a list, a
 * mapping) is an error at it; in a language other than the default, a key that neither the theme
 * nor the default language's file has (a misspelling, "serch") warns at it. The default language's
 * own keys may be those of the site's own templates, and are not judged. */
static void check_ui_strings(const struct site *s)
{
	struct vec keys = VEC_INIT; /* the theme's keys, for a hint: made for the first unknown key */
	bool made = false;
	for (size_t l = 0; l < s->nlangs; l++) {
		const struct yml_doc *d = s->ui[2 * l];
		const struct yml_node *m = d ? d->root : NULL;
		for (size_t i = 0; m && m->kind == YML_MAP && i + 1 < m->n; i += 2) {
			const struct yml_node *k = m->kids[i], *v = m->kids[i + 1];
			const char *key = yml_str(k);
			if (!key)
				continue;
			if (v->kind != YML_SCALAR) {
				diag_error(d->path ? d->path : "content/i18n", v->line, v->col, "'%s' holds a %s, where a UI string is "
				           "a text", key, v->kind == YML_SEQ ? "list" : "mapping");
				continue;
			}
			if (l == 0 || ui_key_known(s, key))
				continue;
			for (size_t j = 0; !made && j < s->nlangs; j++) {
				const struct yml_doc *t = s->ui[2 * j + 1];
				for (size_t x = 0; t && t->root && t->root->kind == YML_MAP && x + 1 < t->root->n; x += 2)
					if (yml_str(t->root->kids[x]))
						vec_push(&keys, (void *)yml_str(t->root->kids[x]));
			}
			made = true;
			const char *near = text_nearest(key, (const char *const *)keys.v, keys.n, strlen(key) < 6 ? 1 : 2);
			diag_warn(d->path ? d->path : "content/i18n", k->line, k->col, "'%s' is a UI string neither the theme nor "
			          "content/i18n/%s.yaml has: no page shows it%s%s%s", key, s->langs[0].code,
			          near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		}
	}
	vec_free(&keys);
}

void data_load_ui(struct site *s)
{
	check_ui_names(s);
	s->ui = xcalloc(s->nlangs * 2, sizeof *s->ui);
	for (size_t l = 0; l < s->nlangs; l++) {
		char *rel = site_i18n_file(s, l, ".yaml");
		if (tree_kind(&s->tree, rel, NULL) != TREE_NONE)
			s->ui[2 * l] = site_load_yaml(s, rel, true);
		free(rel);
		rel = xasprintf("i18n/%s.yaml", s->langs[l].code);
		char *shown = xasprintf("%s%s", s->theme_tree.shown, rel), *text;
		size_t len;
		if (tree_kind(&s->theme_tree, rel, NULL) != TREE_NONE && tree_read(&s->theme_tree, rel, &text, &len) == 0) {
			len = text_normalize(text, len);
			struct yml_doc *d = yml_parse(shown, text, len, 1);
			free(text);
			if (d && d->root && d->root->kind != YML_MAP) {
				diag_error(shown, d->root->line, d->root->col, "expected a mapping of keys to values");
				yml_free(d);
				d = NULL;
			}
			s->ui[2 * l + 1] = d;
		}
		free(shown);
		free(rel);
	}
	check_ui_strings(s);
}

