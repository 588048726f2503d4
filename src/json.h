/* json.h — JSON data files (CSL-JSON bibliographies, as Zotero and Pandoc
 * export them) read by jansson into the node trees YAML files give (yml.h),
 * so one checker and one template model serve both.
 *
 * jansson reports the line and column of a syntax error; it keeps no
 * positions for the values it returns, so the nodes of a JSON document have
 * line and col 0 ("the whole file": messages about them name the source and
 * the field instead). Duplicate keys are errors, as in YAML.
 */
#ifndef VADE_JSON_H
#define VADE_JSON_H

#include "yml.h"

#include <stddef.h>

/* Parses text as one JSON value. On error reports "path:line:col: error: ..."
 * and returns NULL. Caller frees with yml_free(). */
struct yml_doc *json_parse(const char *path, const char *text, size_t len);

#endif
