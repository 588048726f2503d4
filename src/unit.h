/* unit.h — the translation units of an exchange file: what `vade i18n export`
 * writes and `vade i18n import` reads, whatever the format (PO through
 * libgettextpo in po.c, XLIFF 1.2 through libxml2 in xliff.c). The formats
 * only carry units; which units a site has, and where an imported one lands,
 * is exchange.c's business.
 *
 * A unit's id names one passage (passage.h) for good:
 *   page:<key>:title, page:<key>:summary
 *   page:<key>:<n>      a body passage: n is its name, a number it got when
 *                       it was first seen and keeps while the original
 *                       changes around it (status.h), so msgmerge pairs an
 *                       edited passage with its old translation
 *   ui:<key>            a UI string
 *   data:<name>/<id>/<field>   a data field
 * In PO it is the msgctxt; in XLIFF the trans-unit's id and resname.
 * Units are written in the order of the site (page by page, passages in
 * reading order); obsolete units come last.
 *
 * States follow gettext: a fuzzy unit is written `#, fuzzy` in PO and
 * state="needs-review-translation" in XLIFF; an untranslated one has an empty
 * target (PO) or no <target> (XLIFF).
 */
#ifndef VADE_UNIT_H
#define VADE_UNIT_H

#include <stdbool.h>
#include <stddef.h>

enum unit_state {
	UNIT_UNTRANSLATED,      /* no target */
	UNIT_FUZZY,             /* a target that needs review: its original changed, or a tool guessed it */
	UNIT_TRANSLATED,        /* a target that is current */
};

struct unit {
	char *id;               /* see above; NULL on import when the file had none (a tool dropped msgctxt) */
	char *source;           /* the original's text (PO msgid) */
	char *target;           /* the translation (PO msgstr), "" when none */
	char *prev_source;      /* the original the target was made for, when it has changed since
	                         * (PO "#| msgid", XLIFF <alt-trans>), or NULL */
	char *note;             /* for translators: where the passage stands (PO "#.", XLIFF <note>), or NULL */
	char *comment;          /* the translator's own comments (PO "# ", XLIFF <note from="translator">), or
	                         * NULL; export: the base line (exchange.c), which msgmerge keeps with the target */
	char *file;             /* the original's file, relative to the site ("content/a.md"), or NULL */
	int line;               /* its line there, 0 when unknown */
	enum unit_state state;
	bool obsolete;          /* gone from the original (PO "#~"); never imported */
	int at;                 /* import: the line of the unit in the exchange file, 0 when unknown */
	bool held;              /* import: a unit its tool marks translate="no" (XLIFF): never imported, state
	                         * UNIT_UNTRANSLATED; target is what the file holds, for a warning when it was changed */
	bool more_place;        /* import: one more place of the unit before it, which has no id and
	                         * lists several (a PO entry merged by msguniq, msgcat or Poedit: one
	                         * "#:" reference per place); it counts as that entry */
};

/* The units of one exchange file; owns them and their strings. */
struct unit_list {
	struct unit *v;
	size_t n;
	char *source_lang;      /* BCP 47 tags: the site's default language ... */
	char *target_lang;      /* ... and the translation's (PO header "Language", XLIFF target-language) */
	int target_lang_line;   /* the file's line that says target_lang (0: not known) */
	char *title;            /* export: the site's title (PO Project-Id-Version, XLIFF original) */
	bool refused;           /* read with an error said that leaves the rest readable (a message defined
	                         * twice): its other errors are looked for, and nothing is imported */
};

/* Appends a unit with copies of the strings (any may be NULL but source). */
struct unit *unit_add(struct unit_list *u, const char *id, const char *source, const char *target);
/* Appends one more place of unit k (more_place): a copy of its id, texts, state and line in the
 * exchange file, without file or line, which the caller gives it. */
struct unit *unit_add_place(struct unit_list *u, size_t k);
void unit_list_free(struct unit_list *u);
/* target with the line breaks ("\n", and a CR's: "\r\n", "\r") at its start and end made source's
 * ("\n"), or NULL when they are
 * already (or target is empty, or nothing but line breaks). msgfmt refuses an entry whose msgid and
 * msgstr differ there, with --check or without ("'msgid' and 'msgstr' entries do not both end with
 * '\n'": gettext's msgl-check.c); a data text written as a YAML block scalar ends with one, which a
 * translator's tool may leave out or add. Line breaks at the ends are no text: the original's are
 * the passage's, on export and on import alike. Caller frees. */
char *unit_ends_like(const char *source, const char *target);

#endif
