/* json.c — JSON through jansson, into yml.h's node trees (see json.h). */
#include "json.h"
#include "diag.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yml_node *scalar(struct yml_doc *doc, const char *s, size_t len, bool plain)
{
	struct yml_node *n = yml_alloc(doc, sizeof *n);
	n->kind = YML_SCALAR;
	n->str = yml_alloc(doc, len + 1);
	memcpy(n->str, s, len);
	n->len = len;
	n->plain = plain;
	return n;
}

/* JSON's scalars map to YAML's: strings are quoted (never resolved), numbers,
 * true, false and null are plain and resolve as YAML's core schema does. */
static struct yml_node *convert(struct yml_doc *doc, json_t *v)
{
	char num[64];
	struct yml_node *n;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_STRING: return scalar(doc, json_string_value(v), json_string_length(v), false);
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return scalar(doc, num, strlen(num), true);
	case JSON_REAL:
		snprintf(num, sizeof num, "%.17g", json_real_value(v));
		return scalar(doc, num, strlen(num), true);
	case JSON_TRUE: return scalar(doc, "true", 4, true);
	case JSON_FALSE: return scalar(doc, "false", 5, true);
	case JSON_NULL: return scalar(doc, "null", 4, true);
	case JSON_ARRAY:
		n = yml_alloc(doc, sizeof *n);
		n->kind = YML_SEQ;
		n->n = json_array_size(v);
		n->kids = yml_alloc(doc, n->n * sizeof *n->kids);
		json_t *item;
		json_array_foreach(v, i, item)
			n->kids[i] = convert(doc, item);
		return n;
	case JSON_OBJECT: {
		n = yml_alloc(doc, sizeof *n);
		n->kind = YML_MAP;
		n->kids = yml_alloc(doc, 2 * json_object_size(v) * sizeof *n->kids);
		const char *k;
		json_t *val;
		/* jansson keeps the order of the file's keys */
		json_object_foreach(v, k, val) {
			n->kids[n->n++] = scalar(doc, k, strlen(k), false);
			n->kids[n->n++] = convert(doc, val);
		}
		return n;
	}
	}
	return scalar(doc, "null", 4, true);
}

struct yml_doc *json_parse(const char *path, const char *text, size_t len)
{
	json_error_t err;
	/* Any value at the top, so the checker, not the parser, says what belongs there. */
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!v) {
		diag_error(path, err.line > 0 ? err.line : 0, err.column > 0 ? err.column : 0, "JSON: %s", err.text);
		return NULL;
	}
	struct yml_doc *doc = xcalloc(1, sizeof *doc);
	doc->path = xstrdup(path);
	doc->root = convert(doc, v);
	json_decref(v);
	return doc;
}
