/* exchange.h — what `vade i18n export` offers a translator and where `vade
 * i18n import` puts what comes back, whatever the file format (unit.h; PO in
 * po.h, XLIFF in xliff.h). Used by the i18n commands only.
 *
 * Export goes through the alignment of each page with its record (status.h):
 * a current passage is offered translated; a changed one fuzzy, with the
 * original it was translated from (PO "#| msgid"); an added one empty; a
 * moved one translated; a deleted one obsolete. UI strings and data fields
 * likewise, one passage each.
 *
 * Import works passage by passage, never page by page:
 *   - a unit is matched by its id; when a tool dropped the id, by the
 *     original's file (and line, for UI strings and data fields) and its
 *     source text. Its source must be the original's text as it is now: a
 *     unit exported before the original changed is refused (merge the file
 *     with a new export first: msgmerge does it).
 *   - fuzzy units are left out, as msgfmt does, unless opts->fuzzy; then
 *     they are brought in and recorded fuzzy (to be reviewed).
 *   - two units brought in (or kept as the site has them) that land on one
 *     passage, UI string or data field, by id or by file and text, are an
 *     error at the second when their texts differ, whichever the import
 *     would take; the same text twice is taken once. Obsolete units count
 *     for nothing.
 *   - a target must be the inline text of one passage. What would change the
 *     page's block structure is escaped (a leading "#", "- ", "2011. ", ">",
 *     a "|" in a table cell; a line break in a heading or a cell becomes a
 *     space); a target that still does not read as one passage is refused.
 *     A citation key or a link target of the source missing from the target
 *     is a warning (pofilter's "brackets" and "urls" checks, for Markdown);
 *     one the target adds that names no source, page or file of the site is
 *     an error, as the build would stop at it.
 *   - a page's translation is rebuilt in the original's current structure:
 *     each imported passage in its place, the translations already there
 *     kept (paired through the alignment), and each passage nobody has
 *     translated yet holding the original's text, recorded untranslated so
 *     status, the dashboard and the page show it.
 *   - a heading whose new text takes away an id (ids are made from a
 *     heading's words) that a page of the language links to warns at the
 *     entry, naming that page's line and the heading's new id: the next
 *     build would stop at the link.
 * An import with any error writes nothing (warnings too with opts->strict).
 * Messages are at the unit's line in the exchange file.
 */
#ifndef VADE_EXCHANGE_H
#define VADE_EXCHANGE_H

#include "site.h"
#include "unit.h"

#include <stdbool.h>
#include <stddef.h>

/* The units of translation language lang (> 0), in the order of the site. */
void exchange_units(const struct site *s, size_t lang, struct unit_list *u);

struct import_opts {
	bool fuzzy;             /* bring fuzzy units in, recorded as needing review */
	bool strict;            /* a warning stops the import as an error does */
};

/* Gives each unit without one of our ids whose place names one instead of a file
 * that id: translate-toolkit's xliff2po writes an XLIFF unit's id as the PO entry's "#:"
 * reference ("#: page:about:3"), and msgcat or msguniq may then list several such places on one
 * entry, each its own unit. A place written "./content/x.md" or "content\x.md" (a shell's, Windows')
 * is read as "content/x.md". Call before exchange_import(). */
void exchange_read_places(struct unit_list *u);

/* Brings u's translations into content/ for translation language lang; path
 * names the exchange file in messages. Returns the exit status (0 or 1). */
int exchange_import(const struct site *s, size_t lang, const struct unit_list *u, const char *path,
                    const struct import_opts *opts);

/* For the thread that takes Ctrl-C, SIGTERM and SIGHUP (main.c): waits for a
 * file being staged or for the renames of an import under way, then removes
 * the temporary files of what was staged and not renamed, so that a stopped
 * import leaves every file as it was and nothing beside them. Returns true
 * when an import was stopped that way. The caller then ends the process:
 * no import may start after it. */
bool exchange_interrupt(void);

#endif
