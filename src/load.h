/* load.h — inside the load stage: what site.c and data.c share. Not part
 * of any other module's contract. */
#ifndef VADE_LOAD_H
#define VADE_LOAD_H

#include "site.h"

#include <stdbool.h>

/* Reads site file src as UTF-8 text (an invalid byte is an error at its
 * place). NULL after reporting; caller frees. */
char *site_read_text(const struct site *s, const char *src, size_t *len);
/* The same; st, if not NULL, receives the stat of the file as read (tree_read_stat). */
struct stat;
char *site_read_text_stat(const struct site *s, const char *src, size_t *len, struct stat *st);
/* The text value of key in map (copied), else dflt (copied) or NULL; a value
 * that is not text is an error at it. */
char *site_yaml_text(const struct yml_node *map, const char *key, const char *dflt, const char *src);
/* Reads and parses site file src as YAML (need_map: its root must be a
 * mapping). NULL after reporting. Caller frees with yml_free(). */
struct yml_doc *site_load_yaml(struct site *s, const char *src, bool need_map);
/* True for text shaped like a BCP 47 language tag ("fr", "pt-BR", "zh-Hant"). */
bool site_lang_code_valid(const char *c);
/* The language a file name's suffix code[0, n) names ("step.pt-br.md"),
 * case aside as BCP 47 says and '_' read as '-' as in a POSIX locale name
 * ("step.pt_BR.md" is pt-BR's; a suffix with '_' that names none of the
 * site's counts as a tag only in a locale's shape, "fr_FR", so "how_to" is
 * part of the name): the index of the site's language, -1 when the
 * suffix does not look like a language tag (it is part of the name), or -2
 * when it looks like one the site lacks, with *hint the site's code nearest
 * to it (or NULL; borrowed). */
int site_lang_suffix(const struct site *s, const char *code, size_t n, const char **hint);
/* The advice for such a suffix: "did you mean 'pt-BR'? or vade i18n add
 * pt-BT adds it" (the tag as that command takes it), or the second half
 * alone without a hint. Caller frees. */
char *site_lang_advice(const char *code, size_t n, const char *hint);

/* A file named with a POSIX locale's codeset or modifier (langtag_locale_extras:
 * "step.sr_RS@latin.md", "team.fr.UTF-8.yaml", "content/i18n/pt_BR.UTF-8.yaml")
 * whose language is said: one of the site's, a locale's shape ("fr_FR"),
 * a script's modifier ("uz@cyrillic"), "C" or "POSIX" before a codeset (the
 * default language), or any tag where beside (a page of the stem is beside
 * it; the i18n folder, whole). name[0, n) is the file's name without its
 * extension ext (".md"); whole: the locale is all of it (UI strings,
 * translation records), else it comes after a stem and a '.'. Returns the
 * warning to give at the file, which is then left out, saying what to name
 * it ("step.sr-Latn-RS.md", "step.md" for the default language); NULL for
 * any other name (it stays a name: "v1.2", "jane.doe@example",
 * "convert.to.utf8"). Caller frees. */
char *site_locale_misnamed(const struct site *s, const char *name, size_t n, const char *ext, bool whole, bool beside);

/* data.c: the YAML files of content/data/ into s->data (translations checked against
 * their original's ids), then the UI strings into s->ui. */
void data_load(struct site *s);
void data_load_ui(struct site *s);

/* doc.c: reads page file src ("content/a/b.fr.md"): front matter, title
 * (from the first "# heading" when the front matter has none), where the
 * body starts; seen is its stat as the walk found it under the rule of
 * tree.h, which tells whether the last build's record has it (docfacts.h).
 * *slug and *slug_node get the front matter's slug (malloc'd) and its node.
 * NULL after reporting; a draft is a doc without src. */
struct doc *doc_load(struct site *s, const char *src, const struct stat *seen, char **slug,
                     struct yml_node **slug_node);
void doc_free(struct doc *d);

#endif
